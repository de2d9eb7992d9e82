#!/bin/sh
# run_traces.sh VMSIM DIR... -- runs every *.trace in the folders and checks
# it against its header lines:
#   # flags: OPTIONS       options for vmsim run (default none)
#   # exit: N              expected exit status (default 0)
#   # error-line: N        for exit 2: the line the error names
#   # error: TEXT          for exit 2: text the error message contains
#   # stderr: TEXT         text standard error contains (any exit status)
# Traces that should pass (exit 0 or 1) run a second time with --check.
vm=${1:?usage: run_traces.sh VMSIM DIR...}
shift
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in "$@"; do
    for t in "$dir"/*.trace; do
        [ -f "$t" ] || continue
        name=$(basename "$t")
        flags=$(sed -n 's/^# flags://p' "$t" | head -n 1 | tr -d '\r')
        want=$(sed -n 's/^# exit: *//p' "$t" | head -n 1); want=${want:-0}
        line=$(sed -n 's/^# error-line: *//p' "$t" | head -n 1)
        msg=$(sed -n 's/^# error: *//p' "$t" | head -n 1)
        smsg=$(sed -n 's/^# stderr: *//p' "$t" | head -n 1)
        ok=1
        for check in "" "--check"; do
            [ -n "$check" ] && [ "$want" = 2 ] && continue
            # shellcheck disable=SC2086
            (cd "$dir" && timeout 60 "$vm" run $flags $check "$name") >"$tmp/out" 2>"$tmp/err"
            rc=$?
            why=""
            [ "$rc" = "$want" ] || why="exit $rc, want $want"
            if [ "$want" = 2 ]; then
                [ -n "$line" ] && ! grep -q "^$name:$line: error: " "$tmp/err" && why="$why; no error at line $line"
                [ -n "$msg" ] && ! grep -qF -- "$msg" "$tmp/err" && why="$why; no message '$msg'"
                [ -s "$tmp/out" ] && grep -q "^config" "$tmp/out" && why="$why; a summary was printed"
            fi
            [ -n "$smsg" ] && ! grep -qF -- "$smsg" "$tmp/err" && why="$why; stderr lacks '$smsg'"
            if [ -n "$why" ]; then
                ok=0
                echo "FAIL $dir/$name ${check:+(with --check) }($why)"
                head -n 5 "$tmp/err"
                break
            fi
        done
        if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    done
done
echo "traces: $pass passed, $fail failed"
[ "$fail" = 0 ]
