vmsim gen --profile forktree --seed 5 --procs 4 --events 14
