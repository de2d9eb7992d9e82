vmsim run -v --linux tests/golden/faults.trace
