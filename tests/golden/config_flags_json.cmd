vmsim run --format json --linux --pt-frames --oom fail traces/examples/summary.trace
