# model_diff.sh -- what every test against a reference model does (sourced by
# tests/policy_diff.sh, tlb_diff.sh and proc_diff.sh).
#
# model_diff LABEL MODEL VMSIM COUNT FIRST KEEP: python3 tests/lib/MODEL
# writes COUNT traces (numbers FIRST ..) with the `expect` lines it
# computed; each runs under the trace suite's checks (trace_check.sh: exit
# status as the trace says, every expect line passed), every fourth one a
# second time with --check. A failure shows the trace's first line, the
# command and vmsim's first messages; KEEP (a folder, or empty) keeps the
# failed traces. Prints "LABEL: N passed, M failed" and returns 1 on a
# failure; without python3 it says it is skipped and returns 0.
model_diff() {
    md_label=$1 md_model=$2 vm=$3 md_count=$4 md_first=$5 md_keep=$6
    case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
    case $md_keep in '' | /*) ;; *) md_keep=$PWD/$md_keep ;; esac
    if ! command -v python3 >/dev/null 2>&1; then
        echo "$md_label: skipped (no python3 to run the reference model)"
        return 0
    fi
    md_lib=$(cd "$(dirname "$0")" && pwd)/lib
    # shellcheck source-path=SCRIPTDIR
    . "$md_lib/trace_check.sh"
    tc_tmp=$(mktemp -d)
    trap 'rm -rf "$tc_tmp"' EXIT
    trap 'exit 130' INT TERM
    md_cases=$tc_tmp/cases
    python3 "$md_lib/$md_model" gen "$md_cases" "$md_first" "$md_count" || {
        echo "FAIL $md_model gen $md_cases $md_first $md_count"
        echo "$md_label: 0 passed, 1 failed"
        return 1
    }
    md_pass=0 md_fail=0 md_n=0
    md_seed=$md_first
    while [ "$md_seed" -lt $((md_first + md_count)) ]; do
        md_name=case-$md_seed.trace
        md_ok=1
        for md_check in "" "--check"; do
            [ -n "$md_check" ] && [ $((md_n % 4)) != 0 ] && continue
            trace_check "$vm" "$md_cases" "$md_name" $md_check
            if [ -n "$why" ]; then
                md_ok=0
                echo "FAIL $(sed -n 1p "$md_cases/$md_name" | sed 's/^# //') ${md_check:+(with --check) }($why)"
                echo "  vmsim run $flags $md_name"
                [ -n "$tc_stderr_head" ] && printf '%s\n' "$tc_stderr_head" | grep -v ': warning: ' | head -n 3 | sed 's/^/  /'
                if [ -n "$md_keep" ]; then
                    mkdir -p "$md_keep" && cp "$md_cases/$md_name" "$md_keep/"
                fi
                break
            fi
        done
        if [ $md_ok = 1 ]; then md_pass=$((md_pass + 1)); else md_fail=$((md_fail + 1)); fi
        md_n=$((md_n + 1))
        md_seed=$((md_seed + 1))
    done
    echo "$md_label: $md_pass passed, $md_fail failed"
    [ "$md_fail" = 0 ]
}
