vmsim run -v --arch tiny --frames 12 tests/traces/117_fault_oom_pid1_last.trace
