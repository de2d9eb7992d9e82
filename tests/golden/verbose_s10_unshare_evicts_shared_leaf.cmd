vmsim run -v --frames 8 --swap 4p --policy fifo --fork sharept --pt-frames tests/traces/s10_unshare_evicts_shared_leaf.trace
