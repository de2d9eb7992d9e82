vmsim run --format csv --arch va=32,page=4K,levels=2 traces/examples/summary.trace
