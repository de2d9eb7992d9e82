#!/bin/sh
# run_golden.sh VMSIM [--update] -- output-format tests. Each tests/golden/NAME.cmd
# holds one shell command that uses `vmsim`, run from the top folder; its
# standard output must equal NAME.out byte for byte, and its standard error
# NAME.err (empty when there is no NAME.err). --update rewrites the expected
# files (NAME.err only when something was printed there). A golden whose
# expected output and error are both empty is refused: it checks nothing.
vm=${1:?usage: run_golden.sh VMSIM [--update]}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
update=$2
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$vm" "$bin/vmsim"
pass=0 fail=0
for cmd in tests/golden/*.cmd; do
    [ -f "$cmd" ] || continue
    base=${cmd%.cmd}
    PATH="$bin:$PATH" sh "$cmd" >"$bin/out" 2>"$bin/err"
    if [ "$update" = --update ]; then
        cp "$bin/out" "$base.out"
        if [ -s "$bin/err" ]; then cp "$bin/err" "$base.err"; else rm -f "$base.err"; fi
        continue
    fi
    if [ -f "$base.err" ]; then cp "$base.err" "$bin/want.err"; else : >"$bin/want.err"; fi
    if [ ! -s "$base.out" ] && [ ! -s "$bin/want.err" ]; then
        fail=$((fail + 1))
        echo "FAIL $cmd: NAME.out and NAME.err are empty (a vmsim that prints nothing would pass)"
    elif cmp -s "$bin/out" "$base.out" && cmp -s "$bin/err" "$bin/want.err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $cmd"
        diff "$base.out" "$bin/out" | head -n 20
        diff "$bin/want.err" "$bin/err" | sed 's/^/stderr /' | head -n 10
    fi
done
echo "golden: $pass passed, $fail failed"
[ "$fail" = 0 ]
