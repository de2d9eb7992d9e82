vmsim run --format csv traces/demo.trace
