#!/bin/sh
# mutants.sh [stub] [N...] -- proves that the test suite can fail.
#
# The suite runs (release build, no sanitizers) against
#   stub      a vmsim that only exits 0: every test script must fail on it
#             (but the unit tests, which do not run vmsim);
#   mutant N  a release build with one known defect, VM_MUTANT(N) in the
#             library (make BUILD=mutant-N): at least one script must fail.
# A mutant runs the scripts in order until one catches it (ALL=1: every fast
# script, for the table of docs/testing.md); one line says which scripts
# caught it ("caught") and which did not ("missed"); the output of every run
# is kept in build/mutants/. The slow scripts (hostile, differential, gen,
# html) run on a mutant only when no faster script caught it (html: the HTML
# view, in chromium when installed). Exits 1 when the stub passes a script or a
# mutant passes the whole suite.
#
# Without arguments: the stub and every mutant of MUTANTS (the Makefile
# passes its list; default: every VM_MUTANT(N) found under sim/). The list,
# the uses in the code and the descriptions below must agree.
# A script that runs longer than SCRIPT_SECONDS (default 600) is stopped, with
# everything it started, and counts as caught ("timeout"): a mutant that makes
# vmsim loop forever is caught by that, the scripts after it are not run (they
# would hang too), and the run still ends. A unit-test program is stopped after
# UNIT_SECONDS (default here 120; each takes seconds).
# Environment: MUTANTS, WERROR (passed to make), JOBS (make -j, default 2),
# SCRIPT_SECONDS, UNIT_SECONDS, ALL.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$PWD
found=$(grep -rhoE 'VM_MUTANT\([0-9]+\)' sim | tr -dc '0-9\n' | sort -un | tr '\n' ' ')
MUTANTS=${MUTANTS:-$found}
jobs=${JOBS:-2}
bound=${SCRIPT_SECONDS:-600}
export UNIT_SECONDS="${UNIT_SECONDS:-120}"
logs=$top/build/mutants

tracegen=$top/build/release/tools/tracegen

# script NAME VMSIM BUILD-DIR: runs one test script; its output in $log
script() {
    case $1 in
    unit)
        # shellcheck disable=SC2046 # the test programs, not their .d files
        sh tests/run_unit.sh $(find "$3/tests" -name 'test_*' ! -name '*.d' | sort) ;;
    traces) sh tests/run_traces.sh "$2" tests/traces tests/errors traces traces/workloads ;;
    conformance) sh tests/run_conformance.sh "$2" ;;
    golden) sh tests/run_golden.sh "$2" ;;
    docs) sh tests/run_docs.sh "$2" ;;
    cli) sh tests/cli.sh "$2" ;;
    cost) sh tests/cost.sh "$2" ;;
    grade) sh tests/grade.sh "$2" ;;
    ostep) sh tests/ostep.sh "$2" ;;
    hostile) sh tests/hostile.sh "$2" ;;
    differential) sh tests/differential.sh "$2" "$tracegen" 20 ;;
    policy-diff) sh tests/policy_diff.sh "$2" ;;
    tlb-diff) sh tests/tlb_diff.sh "$2" ;;
    proc-diff) sh tests/proc_diff.sh "$2" ;;
    gen) sh tests/gen.sh "$2" 20 ;;
    html) sh tests/html.sh "$2" "${3:-$top/build/release}/tools/htmlsnap" ;;
    esac
}
# mutants.sh --script NAME VMSIM BUILD-DIR: one script (run under timeout below)
if [ "${1:-}" = --script ]; then
    shift
    script "$@"
    exit
fi

# describe N: what mutant N breaks (docs/testing.md says what catches it)
describe() {
    case $1 in
    1) echo "sim/model/fault.c: cow_reuse never happens, a write to a cow page whose frame has refcount 1 copies it" ;;
    2) echo "sim/model/frames.c: frame 0 looks taken, the lowest free frame is one too high" ;;
    3) echo "sim/model/vma.c: the address at a VMA's end counts as inside the VMA" ;;
    4) echo "sim/model/tlb.c: the TLB's 33-entry ceiling is one too low, 33 removals in one operation flush" ;;
    5) echo "sim/io/trace.c: the reading thread loses the events of a chunk that ends at a malformed line" ;;
    *) return 1 ;;
    esac
}

status=0
say_bad() {
    echo "mutants: $*"
    status=1
}
# the list, the code and the descriptions agree
for n in $found; do
    describe "$n" >/dev/null || say_bad "VM_MUTANT($n) is used under sim/ but has no description here"
    case " $MUTANTS " in *" $n "*) ;; *) say_bad "VM_MUTANT($n) is used under sim/ but not in MUTANTS ($MUTANTS)" ;; esac
done
for n in $MUTANTS; do
    case " $found " in *" $n "*) ;; *) say_bad "mutant $n of MUTANTS is not used under sim/" ;; esac
done

who=${*:-stub $MUTANTS}

# the reference build: its tracegen (above) makes the differential traces for all
make --no-print-directory -j"$jobs" BUILD=release ${WERROR:+WERROR=$WERROR} check-build >/dev/null ||
    { echo "mutants: the release build failed"; exit 2; }

fast="unit traces conformance golden docs cli cost grade ostep policy-diff tlb-diff proc-diff"
slow="hostile differential gen html"

mkdir -p "$logs"
for w in $who; do
    if [ "$w" = stub ]; then
        mkdir -p "$logs/stub"
        printf 'int main(void) { return 0; }\n' >"$logs/stub/stub.c"
        cc -o "$logs/stub/vmsim" "$logs/stub/stub.c" || { echo "mutants: cannot build the stub"; exit 2; }
        vm=$logs/stub/vmsim dir='' what="a vmsim that only exits 0"
        scripts="${fast#unit } $slow"
    else
        what=$(describe "$w") || { say_bad "no mutant $w"; continue; }
        if ! make --no-print-directory -j"$jobs" BUILD="mutant-$w" ${WERROR:+WERROR=$WERROR} check-build \
            >"$logs/mutant-$w.build.log" 2>&1; then
            say_bad "mutant $w does not build (see $logs/mutant-$w.build.log)"
            continue
        fi
        vm=$top/build/mutant-$w/vmsim dir=$top/build/mutant-$w
        scripts="$fast $slow"
    fi
    mkdir -p "$logs/$w"
    caught='' missed='' hung=''
    for s in $scripts; do
        [ -z "$hung" ] || continue
        if [ "$w" != stub ] && [ -n "$caught" ]; then
            case " $slow " in *" $s "*) continue ;; esac
            [ "${ALL:-}" = 1 ] || continue
        fi
        log=$logs/$w/$s.log
        # timeout runs the script in a process group of its own and stops the whole group
        if timeout "$bound" sh "$top/scripts/mutants.sh" --script "$s" "$vm" "$dir" >"$log" 2>&1; then
            missed="$missed $s"
        elif [ $? = 124 ]; then
            caught="$caught $s(timeout: still running after $bound s; the scripts after it not run)"
            hung=$s
        else
            caught="$caught $s($(tail -n 1 "$log" | sed 's/^[a-z]*: //; s/ (.*//'))"
        fi
    done
    if [ "$w" = stub ]; then echo "stub: $what"; else echo "mutant $w: $what"; fi
    echo "    caught by:${caught:- nothing}"
    [ -z "$missed" ] || echo "    missed by:$missed"
    if [ "$w" = stub ]; then
        [ -z "$missed" ] || say_bad "the stub passes$missed"
    else
        [ -n "$caught" ] || say_bad "mutant $w passes the whole suite"
    fi
done
[ "$status" = 0 ] && echo "mutants: the stub and every mutant fail the suite"
exit "$status"
