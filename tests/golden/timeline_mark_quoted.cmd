vmsim run -q --timeline - tests/golden/marks.trace
