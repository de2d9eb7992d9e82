vmsim run -v --fork copy tests/golden/forks.trace
