vmsim run --format json tests/golden/family.trace
