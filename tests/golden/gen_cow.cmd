vmsim gen --profile cow --seed 3 --events 8
