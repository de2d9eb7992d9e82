vmsim run -v -q tests/golden/family.trace
