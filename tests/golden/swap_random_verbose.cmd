vmsim run -v --frames 4 --swap 3p --policy random tests/golden/swap.trace
