vmsim run -q --timeline - --frames 4 --swap 3p --policy fifo tests/golden/swap.trace
