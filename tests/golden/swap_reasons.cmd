vmsim run -v -q tests/golden/swap_reasons_nonslot.trace
vmsim run -v -q --policy lru tests/golden/swap_reasons_nonslot.trace
vmsim run -v -q tests/golden/swap_reasons_pinned.trace
vmsim run -v -q tests/golden/swap_reasons_ro_vma.trace
vmsim run -v -q tests/golden/swap_reasons_two_evictions.trace
