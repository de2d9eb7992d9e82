vmsim run -q --frames 2 tests/golden/oom_shared.trace
