vmsim quiz --profile pressure --seed 5 --questions 5 -c
