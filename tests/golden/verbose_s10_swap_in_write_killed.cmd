vmsim run -v --frames 3 --swap 2p --policy fifo tests/traces/s10_swap_in_write_killed.trace
