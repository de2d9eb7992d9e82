vmsim run -v --tlb 64 --frames 38 --swap 64p --policy fifo tests/golden/tlb_ceiling.trace
