#!/bin/sh
# proc_diff.sh VMSIM [N] -- processes, fork modes, files and the page cache
# against a reference model written for the tests (tests/lib/procsim.py,
# from SPEC.md alone), on N random traces (default 150; the policy is the
# trace's number mod 5: fifo, lru, clock, opt, random).
#
# Two traces in three are process cases: they spawn processes that map
# anonymous memory (private, now and then shared: a shared-memory object),
# fork them (cow, copy or sharept), read, write and touch, munmap, mmap over
# and mprotect, exit and wait, on a few frames with ample swap or a few
# slots (then the OOM killer), under every policy, now and then with
# --zero-page; and --fork sharept (shared leaf tables, their copies,
# pt_shared, pt_unshared, ptes_copied, swap entries in shared leaves),
# --lazy-fork and --anon-vma, vfork, exec and spawn of programs without
# files (bss, heap, stack; an empty one), brk, `wait PID`, subreaper, new
# processes on pids that are gone (reaped, or lost children), --oom
# fail (the trace then ends at the line where the run stops, expecting exit
# 2) and --pt-frames with all of them.
#
# The third (trace numbers 2 mod 3) are file cases: processes mmap files f
# and g (private or shared, r-- or rw-, at page offsets) and anonymous
# memory, run programs whose text and data are files, fork (cow, copy or
# sharept: file entries in shared leaf tables) and vfork (the child faults
# file pages in, maps and execs for its parent), read, write, touch, munmap,
# mmap over and mprotect, exit and wait, on a few frames: step 1 drops
# unmapped file pages; with --swap and a --policy pages are evicted too
# (file pages written back when dirty); without replacement, or with few
# slots, the OOM killer follows; new processes now and then take pids that
# are gone. Some use --zero-page, --pt-frames, --fault-around N, --lazy-fork
# or --anon-vma. A last process maps both files read-only so that the final
# `expect page ... value` lines read back what the files hold.
#
# Each trace is written with the `expect` lines the model computed:
# counters and processes after some events, then every process's state,
# ppid, program, rss, uss, pss, swap, vmas and pt_pages, every page's entry
# (present or swapped, slot, frame, kind, writable, cow, dirty, refcount,
# mappers, value) and the counters of sections 8 and 10. It runs under the
# trace suite's checks (tests/lib/trace_check.sh), every fourth one a
# second time with --check. PROCSIM_KEEP (a folder) keeps the failed
# traces; `procsim.py reduce VMSIM TRACE` cuts one down.
#
# Prints "proc-diff: N passed, M failed"; without python3 it says it is
# skipped and passes. Environment: PROCSIM_SEED (the first trace, default 1).
vm=${1:?usage: proc_diff.sh VMSIM [N]}
# shellcheck source-path=SCRIPTDIR
. "$(cd "$(dirname "$0")" && pwd)/lib/model_diff.sh"
model_diff proc-diff procsim.py "$vm" "${2:-150}" "${PROCSIM_SEED:-1}" "${PROCSIM_KEEP:-}"
