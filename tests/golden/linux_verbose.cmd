vmsim run -v --linux --fault-around 4 tests/golden/linux.trace
