vmsim quiz --profile tlb --seed 7 --tlb 4 --tlb-ways 2
