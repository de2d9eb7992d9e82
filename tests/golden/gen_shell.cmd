vmsim gen --profile shell --commands 2 --size 16K --seed 7
