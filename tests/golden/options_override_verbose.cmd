vmsim run -v -q --frames 4 --zero-page=off --policy lru tests/golden/options.trace
