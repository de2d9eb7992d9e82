vmsim quiz --profile shared --seed 9 --arch sv39 --frames 64 --questions 4 -c
