#!/bin/sh
# run_traces.sh VMSIM DIR... -- runs every *.trace in the folders and checks
# it against its header lines (# flags, # exit, # error-line, # error,
# # stderr): the exit status, and what tests/lib/trace_check.sh says a run
# must print -- a summary whose events.total is the trace's event lines and
# whose expect counts are its expect lines, or for an error the one
# FILE:LINE: error: line and no summary. Traces that should run through
# (exit 0 or 1) run a second time with --check.
# TRACES_LABEL names the suite in the last line (default "traces");
# TRACES_PREFIX keeps only the traces whose names start with it.
vm=${1:?usage: run_traces.sh VMSIM DIR...}
shift
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib/trace_check.sh"
tc_tmp=$(mktemp -d)
trap 'rm -rf "$tc_tmp"' EXIT
pass=0 fail=0
for dir in "$@"; do
    for t in "$dir"/"${TRACES_PREFIX:-}"*.trace; do
        [ -f "$t" ] || continue
        name=$(basename "$t")
        ok=1
        trace_header "$t"
        for check in "" "--check"; do
            [ -n "$check" ] && [ "$want" = 2 ] && continue
            trace_check "$vm" "$dir" "$name" $check
            if [ -n "$why" ]; then
                ok=0
                echo "FAIL $dir/$name ${check:+(with --check) }($why)"
                [ -n "$tc_stderr_head" ] && printf '%s\n' "$tc_stderr_head"
                break
            fi
        done
        if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    done
done
if [ $((pass + fail)) = 0 ]; then
    echo "FAIL no trace in $*"
    fail=1
fi
echo "${TRACES_LABEL:-traces}: $pass passed, $fail failed"
[ "$fail" = 0 ]
