vmsim run --format csv --linux --pt-frames --oom fail traces/examples/summary.trace
