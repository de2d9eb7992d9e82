vmsim quiz --profile policy --seed 3
