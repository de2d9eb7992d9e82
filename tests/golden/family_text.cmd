vmsim run tests/golden/family.trace
