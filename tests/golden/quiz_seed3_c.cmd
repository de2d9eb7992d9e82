vmsim quiz --seed 3 -c
