vmsim run --zero-page --format json tests/golden/faults.trace
