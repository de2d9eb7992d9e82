vmsim quiz --profile policy --seed 9 -c
