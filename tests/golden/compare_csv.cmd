vmsim compare traces/cow.trace --fork cow,copy --frames 4,16384 --format csv
