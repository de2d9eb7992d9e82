vmsim run -v --arch tiny --frames 8 tests/golden/oom.trace
