vmsim run -v --fork copy --arch tiny --frames 4 tests/golden/fork_fail.trace
