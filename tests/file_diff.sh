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
count=${2:-150}
first=${FILESIM_SEED:-1}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
case ${FILESIM_KEEP:-} in '' | /*) ;; *) FILESIM_KEEP=$PWD/$FILESIM_KEEP ;; esac
if ! command -v python3 >/dev/null 2>&1; then
    echo "file-diff: skipped (no python3 to run the reference model)"
    exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$here/lib/trace_check.sh"
tc_tmp=$(mktemp -d)
trap 'rm -rf "$tc_tmp"' EXIT
trap 'exit 130' INT TERM
cases=$tc_tmp/cases
python3 "$here/lib/filesim.py" gen "$cases" "$first" "$count" || {
    echo "FAIL filesim.py gen $cases $first $count"
    echo "file-diff: 0 passed, 1 failed"
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
            if [ -n "${FILESIM_KEEP:-}" ]; then
                mkdir -p "$FILESIM_KEEP" && cp "$cases/$name" "$FILESIM_KEEP/"
            fi
            break
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    n=$((n + 1))
    seed=$((seed + 1))
done
echo "file-diff: $pass passed, $fail failed"
[ "$fail" = 0 ]
