vmsim run -v --frames 4 --swap 3p --policy clock tests/golden/swap.trace
