#!/bin/sh
# run_golden.sh VMSIM [--update] -- output-format tests. Each tests/golden/NAME.cmd
# holds one shell command that uses `vmsim`, run from the top folder; its
# standard output must equal NAME.out byte for byte, and its standard error
# NAME.err when that file exists. --update rewrites the expected files.
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
        [ -f "$base.err" ] && cp "$bin/err" "$base.err"
        continue
    fi
    if cmp -s "$bin/out" "$base.out" && { [ ! -f "$base.err" ] || cmp -s "$bin/err" "$base.err"; }; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $cmd"
        diff "$base.out" "$bin/out" | head -n 20
        [ -f "$base.err" ] && diff "$base.err" "$bin/err" | head -n 10
    fi
done
echo "golden: $pass passed, $fail failed"
[ "$fail" = 0 ]
