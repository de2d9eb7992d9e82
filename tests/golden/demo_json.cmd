vmsim run --format json traces/demo.trace
