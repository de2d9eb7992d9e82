vmsim run --fork sharept --pt-frames --format csv tests/golden/family.trace
