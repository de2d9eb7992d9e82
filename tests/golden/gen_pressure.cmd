vmsim gen --profile pressure --seed 2
