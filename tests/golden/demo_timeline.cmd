vmsim run -q --timeline - traces/demo.trace
