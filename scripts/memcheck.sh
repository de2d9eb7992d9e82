#!/bin/sh
# memcheck.sh -- the trace suite and the unit tests under valgrind.
#
#   memcheck.sh deps        installs valgrind when it is missing (as root,
#                           through scripts/deps.sh)
#   memcheck.sh [BUILD]     runs, with BUILD/vmsim (default build/debug):
#                           every *.trace of traces/, tests/traces/, tests/errors/
#                           and the conformance folder ($VMSIM_CONFORMANCE, default
#                           ../shared/conformance) with its "# flags:", and again
#                           with --check when it should not stop on an error;
#                           then every unit-test program BUILD/tests/test_*.
#
# A run fails when valgrind reports an error or a definite or indirect leak
# (exit status 99), or when the exit status is not the one the trace's
# "# exit:" header wants. Prints "memcheck: N passed, M failed".
# MEMCHECK_ARGS adds valgrind options (e.g. --track-origins=yes).
set -u

die() { echo "memcheck: $*" >&2; exit 2; }

[ -f sim/io/runner.c ] || die "run me from the top of the vmsim tree"

if [ "${1:-}" = deps ]; then
    command -v valgrind >/dev/null 2>&1 && exit 0
    exec sh scripts/deps.sh valgrind
fi

build=${1:-build/debug}
case $build in /*) ;; *) build=$PWD/$build ;; esac
vm=$build/vmsim
[ -x "$vm" ] || die "no $vm (make BUILD=debug)"
command -v valgrind >/dev/null 2>&1 || die "valgrind is not installed (memcheck.sh deps)"
conformance=${VMSIM_CONFORMANCE:-../shared/conformance}

# shellcheck disable=SC2086
set -- valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect ${MEMCHECK_ARGS:-}

pass=0 fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# verdict NAME RC WANT: counts one run; on a failure shows valgrind's report
verdict() {
    if [ "$2" = "$3" ]; then
        pass=$((pass + 1))
        return
    fi
    fail=$((fail + 1))
    if [ "$2" = 99 ]; then
        echo "FAIL $1 (valgrind errors)"
    else
        echo "FAIL $1 (exit $2, want $3)"
    fi
    grep -E "^==[0-9]+==" "$tmp/err" | head -n 40
    [ "$2" = 99 ] || grep -vE "^==[0-9]+==" "$tmp/err" | head -n 5
}

for dir in traces tests/traces tests/errors "$conformance"; do
    [ -d "$dir" ] || continue
    for t in "$dir"/*.trace; do
        [ -f "$t" ] || continue
        name=$(basename "$t")
        flags=$(sed -n 's/^# flags://p' "$t" | head -n 1)
        want=$(sed -n 's/^# exit: *//p' "$t" | head -n 1)
        want=${want:-0}
        for check in "" --check; do
            [ -n "$check" ] && [ "$want" = 2 ] && continue
            # shellcheck disable=SC2086
            (cd "$dir" && "$@" "$vm" run $flags $check "$name") >/dev/null 2>"$tmp/err"
            verdict "$dir/$name${check:+ (--check)}" $? "$want"
        done
    done
done

n=0
for u in "$build"/tests/test_*; do
    [ -x "$u" ] || continue
    n=$((n + 1))
    "$@" "$u" >/dev/null 2>"$tmp/err"
    verdict "$u" $? 0
done
[ "$n" -gt 0 ] || echo "memcheck: no unit-test programs in $build/tests"

echo "memcheck: $pass passed, $fail failed"
[ "$fail" = 0 ]
