vmsim gen --profile snapshot --arch tiny --seed 4
