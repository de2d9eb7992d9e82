vmsim run --zero-page --format csv tests/golden/faults.trace
