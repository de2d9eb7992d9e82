vmsim quiz --profile policy --seed 4 --policy random --frames 3 --writes 0.25 -c
