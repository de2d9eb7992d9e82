vmsim gen --profile tlb --seed 2 --pages 6 --trials 2 --turns 4 --turn-pages 2 --tlb 4 --tlb-ways 2
