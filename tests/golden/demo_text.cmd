vmsim run traces/demo.trace
