vmsim quiz --profile forktree --seed 2 --questions 5 -c
