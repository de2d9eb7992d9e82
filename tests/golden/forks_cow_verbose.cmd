vmsim run -v --fork cow tests/golden/forks.trace
