vmsim run --format csv tests/golden/family.trace
