vmsim run -q --format json --frames 4 --swap 3p --policy lru --seed 7 tests/golden/swap.trace
