vmsim run -v --frames 8 --fork sharept --pt-frames tests/golden/oom_unshare.trace
