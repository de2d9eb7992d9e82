#!/bin/sh
# tlb_diff.sh VMSIM [N] -- the TLB (SPEC.md section 11) against a reference
# model written for the tests (tests/lib/tlbsim.py, from SPEC.md alone), on
# N random traces (default 150).
#
# Each trace runs several processes (spawn, fork in cow or copy mode, vfork,
# exit, wait, segv kills) over private anonymous mappings (mmap, munmap,
# mprotect to r-- or rw-) with reads, writes and touches, on a TLB of 1 to
# 64 entries, some ways or fully associative, with or without --asid; some
# on x86_64, sv39, i386 or tiny; some with few frames, --swap 1M and
# --policy fifo or lru (evictions, swap-ins); some with --zero-page,
# --lazy-fork, --anon-vma, --exclusive-reuse or --linux; some with an
# operation on 32 to 48 entries of one address space (the 33-entry
# ceiling). tlbsim.py writes each as a trace whose `expect` lines hold what
# it computed: TLB counters after some events, and at the end every TLB
# counter, the access and fault counters, copies, evictions, swap traffic,
# process counts, each live process's rss and pt_pages and some page
# values. The trace then runs under the trace suite's checks
# (tests/lib/trace_check.sh: exit 0, every expect line passed), every
# fourth one a second time with --check. A failure shows the first lines
# where vmsim and the model part; TLBSIM_KEEP (a folder) keeps the traces
# of the failed cases (`tlbsim.py reduce VMSIM TRACE` shrinks one).
#
# Prints "tlb-diff: N passed, M failed"; without python3 it says it is
# skipped and passes. Environment: TLBSIM_SEED (the first case, default 1).
vm=${1:?usage: tlb_diff.sh VMSIM [N]}
# shellcheck source-path=SCRIPTDIR
. "$(cd "$(dirname "$0")" && pwd)/lib/model_diff.sh"
model_diff tlb-diff tlbsim.py "$vm" "${2:-150}" "${TLBSIM_SEED:-1}" "${TLBSIM_KEEP:-}"
