vmsim gen --profile swap --seed 2
