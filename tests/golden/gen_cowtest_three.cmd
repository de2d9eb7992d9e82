vmsim gen --profile cowtest --variant three --arch tiny --frames 40 --steps 2 --rounds 1 --seed 6
