#!/bin/sh
# proc_diff.sh VMSIM [N] -- processes and fork modes against a reference model
# written for the tests (tests/lib/procsim.py, from SPEC.md alone), on N
# random traces (default 150; the policy is the trace's number mod 5: fifo,
# lru, clock, opt, random).
#
# procsim.py extends forksim.py (tests/fork_swap_diff.sh) with what it
# leaves out: --fork sharept (shared leaf tables, their copies, pt_shared,
# pt_unshared, ptes_copied, swap entries in shared leaves), --lazy-fork and
# --anon-vma, vfork, exec and spawn of programs without files (bss, heap,
# stack; an empty one), brk, `wait PID`, subreaper, --oom fail (the trace
# then ends at the line where the run stops, expecting exit 2) and
# --pt-frames with all of them. Each trace is written with the `expect`
# lines the model computed: counters and processes after some events, then
# every process's state, ppid, program, rss, uss, pss, swap, vmas and
# pt_pages, every page's entry and the counters of sections 8 and 10. It
# runs under the trace suite's checks (tests/lib/trace_check.sh), every
# fourth one a second time with --check. PROCSIM_KEEP (a folder) keeps the
# failed traces; `procsim.py reduce VMSIM TRACE` cuts one down.
#
# Prints "proc-diff: N passed, M failed"; without python3 it says it is
# skipped and passes. Environment: PROCSIM_SEED (the first trace, default 1).
vm=${1:?usage: proc_diff.sh VMSIM [N]}
count=${2:-150}
first=${PROCSIM_SEED:-1}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
case ${PROCSIM_KEEP:-} in '' | /*) ;; *) PROCSIM_KEEP=$PWD/$PROCSIM_KEEP ;; esac
if ! command -v python3 >/dev/null 2>&1; then
    echo "proc-diff: skipped (no python3 to run the reference model)"
    exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$here/lib/trace_check.sh"
tc_tmp=$(mktemp -d)
trap 'rm -rf "$tc_tmp"' EXIT
trap 'exit 130' INT TERM
cases=$tc_tmp/cases
python3 "$here/lib/procsim.py" gen "$cases" "$first" "$count" || {
    echo "FAIL procsim.py gen $cases $first $count"
    echo "proc-diff: 0 passed, 1 failed"
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
            if [ -n "${PROCSIM_KEEP:-}" ]; then
                mkdir -p "$PROCSIM_KEEP" && cp "$cases/$name" "$PROCSIM_KEEP/"
            fi
            break
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    n=$((n + 1))
    seed=$((seed + 1))
done
echo "proc-diff: $pass passed, $fail failed"
[ "$fail" = 0 ]
