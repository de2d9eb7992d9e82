vmsim quiz --profile policy --seed 16 -c
