#!/bin/sh
# fork_swap_diff.sh VMSIM [N] -- fork, exit and swap against a reference model
# written for the tests (tests/lib/forksim.py, from SPEC.md alone), on N
# random traces (default 150; the policy is the trace's number mod 5: fifo,
# lru, clock, opt, random).
#
# Each trace spawns processes that mmap anonymous memory (private, now and
# then shared or read-only), fork them (--fork cow, or copy), read, write
# and touch pages, munmap, mmap over them and mprotect them, exit and wait,
# on a few frames with --swap 1M or a few slots (then swap may run out and
# the OOM killer of section 6 follows), sometimes with --zero-page or
# --pt-frames. forksim.py writes it with the `expect` lines it computed:
# counters after some events, then every process's state, ppid, rss, uss,
# pss, swap, vmas and pt_pages, every page's entry (present or swapped,
# slot, frame, kind, writable, cow, dirty, refcount, mappers, value) and the
# counters of sections 8 and 10. The trace then runs under the trace
# suite's checks (tests/lib/trace_check.sh: exit 0, every expect line
# passed), every fourth one a second time with --check. A failure shows the
# first lines where vmsim and the model part; FORKSIM_KEEP (a folder) keeps the failed
# traces. `forksim.py reduce VMSIM TRACE` cuts one down to a short trace
# that still fails.
#
# Prints "fork-swap-diff: N passed, M failed"; without python3 it says it
# is skipped and passes. Environment: FORKSIM_SEED (the first trace, default 1).
vm=${1:?usage: fork_swap_diff.sh VMSIM [N]}
count=${2:-150}
first=${FORKSIM_SEED:-1}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
case ${FORKSIM_KEEP:-} in '' | /*) ;; *) FORKSIM_KEEP=$PWD/$FORKSIM_KEEP ;; esac
if ! command -v python3 >/dev/null 2>&1; then
    echo "fork-swap-diff: skipped (no python3 to run the reference model)"
    exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$here/lib/trace_check.sh"
tc_tmp=$(mktemp -d)
trap 'rm -rf "$tc_tmp"' EXIT
trap 'exit 130' INT TERM
cases=$tc_tmp/cases
python3 "$here/lib/forksim.py" gen "$cases" "$first" "$count" || {
    echo "FAIL forksim.py gen $cases $first $count"
    echo "fork-swap-diff: 0 passed, 1 failed"
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
            if [ -n "${FORKSIM_KEEP:-}" ]; then
                mkdir -p "$FORKSIM_KEEP" && cp "$cases/$name" "$FORKSIM_KEEP/"
            fi
            break
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    n=$((n + 1))
    seed=$((seed + 1))
done
echo "fork-swap-diff: $pass passed, $fail failed"
[ "$fail" = 0 ]
