vmsim run -v -q --tlb 8 --tlb-ways 2 tests/golden/tlb.trace
