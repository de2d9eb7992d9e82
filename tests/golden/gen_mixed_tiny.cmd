vmsim gen --profile mixed --arch tiny --seed 11 --events 20
