vmsim run -q -v --frames 2 tests/golden/oom_shared.trace
