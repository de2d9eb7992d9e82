vmsim run -v --fork sharept tests/golden/forks.trace
