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
count=${2:-150}
first=${TLBSIM_SEED:-1}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
case ${TLBSIM_KEEP:-} in '' | /*) ;; *) TLBSIM_KEEP=$PWD/$TLBSIM_KEEP ;; esac
if ! command -v python3 >/dev/null 2>&1; then
    echo "tlb-diff: skipped (no python3 to run the reference model)"
    exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$here/lib/trace_check.sh"
tc_tmp=$(mktemp -d)
trap 'rm -rf "$tc_tmp"' EXIT
trap 'exit 130' INT TERM
cases=$tc_tmp/cases
python3 "$here/lib/tlbsim.py" gen "$cases" "$first" "$count" || {
    echo "FAIL tlbsim.py gen $cases $first $count"
    echo "tlb-diff: 0 passed, 1 failed"
    exit 1
}
pass=0 fail=0 n=0
seed=$first
while [ "$seed" -lt $((first + count)) ]; do
    name=case-$seed.trace
    ok=1
    for check in "" "--check"; do
        [ -n "$check" ] && [ $((n % 4)) != 0 ] && continue
        trace_check "$vm" "$cases" "$name" $check
        if [ -n "$why" ]; then
            ok=0
            echo "FAIL $(sed -n 1p "$cases/$name" | sed 's/^# //') ${check:+(with --check) }($why)"
            echo "  vmsim run $flags $name"
            [ -n "$tc_stderr_head" ] && printf '%s\n' "$tc_stderr_head" | grep -v ': warning: ' | head -n 3 | sed 's/^/  /'
            if [ -n "${TLBSIM_KEEP:-}" ]; then
                mkdir -p "$TLBSIM_KEEP" && cp "$cases/$name" "$TLBSIM_KEEP/"
            fi
            break
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    n=$((n + 1))
    seed=$((seed + 1))
done
echo "tlb-diff: $pass passed, $fail failed"
[ "$fail" = 0 ]
