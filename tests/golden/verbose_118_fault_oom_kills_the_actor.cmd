vmsim run -v --arch tiny --frames 8 tests/traces/118_fault_oom_kills_the_actor.trace
