for m in cow copy sharept; do vmsim run -q --fork $m tests/golden/fork_bits.trace; done
