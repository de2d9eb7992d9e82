vmsim run --fork sharept --pt-frames --format json tests/golden/family.trace
