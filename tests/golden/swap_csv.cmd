vmsim run -q --format csv --frames 4 --swap 3p --policy random --seed 7 tests/golden/swap.trace
