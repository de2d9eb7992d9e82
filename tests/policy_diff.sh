#!/bin/sh
# policy_diff.sh VMSIM [N] -- the replacement policies against a reference
# simulator written for the tests (tests/lib/refsim.py, from SPEC.md section
# 10 alone), on N random reference strings (default 150; the policy is the
# string's number mod 5: fifo, lru, clock, opt, random).
#
# Each string is one process reading (and sometimes writing) pages of one
# private anonymous mapping on a few frames with --swap 1M, now and then
# with touches, --pt-frames (page tables that clock's hand passes over),
# --zero-page, --arch tiny or a --seed. refsim.py writes it as a trace whose
# `expect` lines hold what it computed: the misses after every access, then
# every page's frame or slot and value, hits, misses, fault classes,
# evictions, swap traffic, swap_used, swap_peak and frames_used. The trace
# then runs under the trace suite's checks (tests/lib/trace_check.sh: exit
# 0, every expect line passed), every fourth one a second time with
# --check. A failure shows the first lines where vmsim and the reference
# part; POLICY_KEEP (a folder) keeps the traces of the failed strings.
#
# Prints "policy-diff: N passed, M failed"; without python3 it says it is
# skipped and passes. Environment: POLICY_SEED (the first string, default 1).
vm=${1:?usage: policy_diff.sh VMSIM [N]}
count=${2:-150}
first=${POLICY_SEED:-1}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
case ${POLICY_KEEP:-} in '' | /*) ;; *) POLICY_KEEP=$PWD/$POLICY_KEEP ;; esac
if ! command -v python3 >/dev/null 2>&1; then
    echo "policy-diff: skipped (no python3 to run the reference simulator)"
    exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$here/lib/trace_check.sh"
tc_tmp=$(mktemp -d)
trap 'rm -rf "$tc_tmp"' EXIT
trap 'exit 130' INT TERM
cases=$tc_tmp/cases
python3 "$here/lib/refsim.py" gen "$cases" "$first" "$count" || {
    echo "FAIL refsim.py gen $cases $first $count"
    echo "policy-diff: 0 passed, 1 failed"
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
            [ -n "$tc_stderr_head" ] && printf '%s\n' "$tc_stderr_head" | head -n 3 | sed 's/^/  /'
            if [ -n "${POLICY_KEEP:-}" ]; then
                mkdir -p "$POLICY_KEEP" && cp "$cases/$name" "$POLICY_KEEP/"
            fi
            break
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    n=$((n + 1))
    seed=$((seed + 1))
done
echo "policy-diff: $pass passed, $fail failed"
[ "$fail" = 0 ]
