vmsim run -v --frames 4 --swap 3p --policy lru tests/golden/swap.trace
