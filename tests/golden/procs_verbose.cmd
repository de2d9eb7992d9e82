vmsim run -v tests/golden/procs.trace
