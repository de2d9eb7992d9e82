vmsim run -v tests/golden/faults.trace
