#!/bin/sh
# run_unit.sh TEST... -- runs cmocka unit-test programs; prints a total.
pass=0 fail=0
for t in "$@"; do
    if out=$("$t" 2>&1); then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $t"
        printf '%s\n' "$out" | grep -E "FAILED|ERROR|error|Failure" | head -n 20
    fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" = 0 ]
