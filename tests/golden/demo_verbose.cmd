vmsim run -v -q traces/demo.trace
