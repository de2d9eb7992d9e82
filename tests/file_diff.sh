#!/bin/sh
# file_diff.sh VMSIM [N] -- files, the page cache, shared-memory objects,
# reclaim, eviction with writeback and fault-around against a reference
# model written for the tests (tests/lib/filesim.py, from SPEC.md alone), on
# N random traces (default 150).
#
# Each trace spawns processes that mmap files f and g (private or shared,
# r-- or rw-, at page offsets), anonymous memory (private, now and then
# shared: a shared-memory object), fork them (--fork cow, or copy), read,
# write and touch pages, munmap, mmap over them and mprotect them, exit and
# wait, on a few frames: step 1 drops unmapped file pages; with --swap and a
# --policy (fifo, lru, clock, opt, random) pages are evicted too (file pages
# written back when dirty); without replacement, or with few slots, the OOM
# killer follows. Some use --zero-page, --pt-frames or --fault-around N. A
# last process maps both files read-only so that the final `expect page ...
# value` lines read back what the files hold. filesim.py writes each trace
# with the `expect` lines it computed: counters after some events, then
# every process's state, ppid, rss, uss, pss, swap, vmas and pt_pages,
# every page's entry (present or swapped, slot, frame, kind, writable, cow,
# dirty, refcount, mappers, value) and the counters of sections 8 and 10.
# The trace then runs under the trace suite's checks
# (tests/lib/trace_check.sh: exit 0, every expect line passed), every
# fourth one a second time with --check. FILESIM_KEEP (a folder) keeps the
# failed traces; `filesim.py reduce VMSIM TRACE` cuts one down.
#
# Prints "file-diff: N passed, M failed"; without python3 it says it is
# skipped and passes. Environment: FILESIM_SEED (the first trace, default 1).
vm=${1:?usage: file_diff.sh VMSIM [N]}
# shellcheck source-path=SCRIPTDIR
. "$(cd "$(dirname "$0")" && pwd)/lib/model_diff.sh"
model_diff file-diff filesim.py "$vm" "${2:-150}" "${FILESIM_SEED:-1}" "${FILESIM_KEEP:-}"
