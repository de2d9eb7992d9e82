vmsim run --format json --tlb 8 --tlb-ways 2 --asid tests/golden/tlb.trace
