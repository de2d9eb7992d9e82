vmsim quiz --seed 1
