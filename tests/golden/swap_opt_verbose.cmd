vmsim run -v --frames 4 --swap 3p --policy opt tests/golden/swap.trace
