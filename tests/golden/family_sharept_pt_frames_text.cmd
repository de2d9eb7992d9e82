vmsim run --fork sharept --pt-frames tests/golden/family.trace
