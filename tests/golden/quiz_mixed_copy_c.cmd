vmsim quiz --profile mixed --seed 4 --fork copy --zero-page -c
