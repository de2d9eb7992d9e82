#!/bin/sh
# run_unit.sh TEST... -- runs cmocka unit-test programs; prints a total.
# A program that runs longer than UNIT_SECONDS (default 300; the slowest
# takes seconds) fails: a loop that never ends is a defect, not a stall.
pass=0 fail=0
bound=${UNIT_SECONDS:-300}
for t in "$@"; do
    if out=$(timeout "$bound" "$t" 2>&1); then
        pass=$((pass + 1))
    else
        rc=$?
        fail=$((fail + 1))
        echo "FAIL $t"
        [ "$rc" = 124 ] && echo "    still running after $bound s: stopped"
        printf '%s\n' "$out" | grep -E "FAILED|ERROR|error|Failure" | head -n 20
    fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" = 0 ]
