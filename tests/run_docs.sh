#!/bin/sh
# run_docs.sh VMSIM -- keeps the examples of README.md and docs/*.md true.
#  - a ```console block holds commands ("$ " lines) each followed by the
#    output it prints (standard output and standard error, as a terminal
#    shows them); the command runs from the top folder with `vmsim` on PATH
#    and its output must be the same. A `cat` of a trace keeps the docs true
#    to the file, not to vmsim; the last line counts them.
#  - a ```trace block is a trace: it runs as the trace suite runs its traces
#    (tests/lib/trace_check.sh: exit 0, or the status of a "# exit: N" line
#    in it, a summary that counts its events and expect lines, or the error
#    line of "# error-line: N"), also with --check; a "# flags:" line gives
#    options.
#  - a ```c block with a main() is a program against the library: it must
#    build with the headers and the libvmsim.a beside VMSIM, run, and every
#    line it prints must be quoted in the same document.
vm=${1:?usage: run_docs.sh VMSIM}
# the examples run as a user types them, not inside this make
unset MAKEFLAGS MFLAGS MAKELEVEL
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib/trace_check.sh"
tmp=$(mktemp -d) tc_tmp=$tmp
trap 'rm -rf "$tmp"' EXIT
ln -s "$vm" "$tmp/vmsim"
pass=0 fail=0 shown=0
for doc in README.md docs/*.md docs/*/*.md; do
    [ -f "$doc" ] || continue
    # split the blocks into numbered files: console blocks -> NNN.console, trace -> NNN.trace
    rm -f "$tmp"/blk.*
    awk -v dir="$tmp" '
        /^```console[ \t]*$/ { n++; f = sprintf("%s/blk.%03d.console", dir, n); inb = 1; next }
        /^```trace[ \t]*$/   { n++; f = sprintf("%s/blk.%03d.trace", dir, n); inb = 1; next }
        /^```c[ \t]*$/       { n++; f = sprintf("%s/blk.%03d.c", dir, n); inb = 1; next }
        /^```/ && inb        { inb = 0; close(f); next }
        inb                  { print > f }
    ' "$doc"
    for blk in "$tmp"/blk.*; do
        [ -f "$blk" ] || continue
        case $blk in
        *.trace)
            bad=
            for check in "" --check; do
                trace_check "$vm" "$tmp" "$(basename "$blk")" $check
                [ -z "$why" ] || bad="${bad:+$bad; }${check:+with $check: }$why"
                [ -z "$why" ] || head=$tc_stderr_head
            done
            if [ -z "$bad" ]; then pass=$((pass + 1)); else
                fail=$((fail + 1)); echo "FAIL $doc: trace block $(basename "$blk") ($bad)"
                printf '%s\n' "$head" | head -n 3; fi
            ;;
        *.c)
            grep -q "int main" "$blk" || continue
            lib=$(dirname "$vm")/libvmsim.a
            ok=1
            # shellcheck disable=SC2086
            if ! ${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -o "$tmp/prog" "$blk" "$lib" -lm -pthread \
                    $(case "$vm" in */asan/*) echo -fsanitize=address,undefined ;; esac) 2>"$tmp/err"; then
                ok=0
            else
                "$tmp/prog" >"$tmp/got" 2>&1
                [ $? -le 1 ] || ok=0
                while IFS= read -r line; do
                    grep -qF -- "$line" "$doc" || { ok=0; echo "  not in $doc: $line" >>"$tmp/err"; }
                done <"$tmp/got"
            fi
            if [ $ok = 1 ]; then pass=$((pass + 1)); else
                fail=$((fail + 1)); echo "FAIL $doc: C block $(basename "$blk")"; head -n 5 "$tmp/err"; fi
            ;;
        *.console)
            # each "$ cmd" with the lines after it up to the next "$ "
            awk -v dir="$tmp" '
                /^\$ / { n++; c = sprintf("%s/cmd.%03d", dir, n); o = sprintf("%s/want.%03d", dir, n)
                         print substr($0, 3) > c; close(c); printf "" > o; next }
                n      { print >> o }
            ' "$blk"
            for c in "$tmp"/cmd.*; do
                [ -f "$c" ] || continue
                w=$tmp/want.${c##*.}
                PATH="$tmp:$PATH" sh "$c" >"$tmp/got" 2>&1
                case $(cat "$c") in 'cat '*) shown=$((shown + 1)) ;; esac
                if cmp -s "$tmp/got" "$w"; then pass=$((pass + 1)); else
                    fail=$((fail + 1)); echo "FAIL $doc: \$ $(cat "$c")"; diff "$w" "$tmp/got" | head -n 15; fi
            done
            rm -f "$tmp"/cmd.* "$tmp"/want.*
            ;;
        esac
    done
done
# a `cat` of a trace (before its run) checks the docs against the file, not
# vmsim: the count says how many of the checks those are
echo "docs: $pass passed, $fail failed ($shown of them a cat of a file)"
[ "$fail" = 0 ]
