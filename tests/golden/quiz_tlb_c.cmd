vmsim quiz --profile tlb --seed 2 -c
