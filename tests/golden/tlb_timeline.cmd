vmsim run -q --tlb 8 --tlb-ways 2 --timeline - tests/golden/tlb.trace
