#!/bin/sh
# lint.sh -- static analysis of the C sources: clang-tidy and cppcheck.
#
#   lint.sh [FILE.c...]     checks the given files, by default every *.c
#                           under sim/ and tests/ (library, CLI, unit tests,
#                           tools, fuzz harness); prints each finding, then
#                           "lint: clang-tidy N findings, cppcheck M findings"
#                           and exits 1 if N + M > 0 (2: a tool is missing)
#   lint.sh deps            installs clang-tidy and cppcheck when missing (as
#                           root, through scripts/deps.sh)
#
# clang-tidy reads .clang-tidy (the check set, and why some checks are off)
# and compiles each file with LINT_CFLAGS, the Makefile's flags (mk/lint.mk
# passes them; the default below is the same). A finding in a header of the
# project counts once however many files include it. cppcheck runs with
# --enable=warning,style,performance,portability and tests/lint/uthash.cfg,
# which gives it the uthash / utlist iteration macros.
#
# A finding that is noise at one place is silenced there with a reason:
#   /* NOLINT(check-name): why */                (clang-tidy; or NOLINTNEXTLINE
#                                                 on the line before)
#   /* cppcheck-suppress id ; why */             (cppcheck, the line before)
#
# Environment: CLANG_TIDY (default clang-tidy-14, else clang-tidy), CPPCHECK
# (cppcheck), LINT_JOBS (files checked at once, default: the CPUs),
# LINT_CFLAGS (compile flags for clang-tidy).
set -u

die() { echo "lint: $*" >&2; exit 2; }

cd "$(dirname "$0")/.." || exit 2
if [ ! -f sim/io/runner.c ] || [ ! -f .clang-tidy ]; then
    die "run me inside the vmsim tree"
fi

find_tidy() {
    if [ -n "${CLANG_TIDY:-}" ]; then
        echo "$CLANG_TIDY"
        return
    fi
    for t in clang-tidy-14 clang-tidy; do
        if command -v "$t" >/dev/null 2>&1; then
            echo "$t"
            return
        fi
    done
    echo clang-tidy
}
tidy=$(find_tidy)
cppcheck=${CPPCHECK:-cppcheck}

# packages: installed when missing and we may (root or sudo -n)
missing=""
command -v "$tidy" >/dev/null 2>&1 || missing="$missing clang-tidy"
command -v "$cppcheck" >/dev/null 2>&1 || missing="$missing cppcheck"
if [ -n "$missing" ]; then
    # shellcheck disable=SC2086
    sh scripts/deps.sh $missing || die "cannot install:$missing"
    tidy=$(find_tidy)
fi
[ "${1:-}" = deps ] && exit 0
command -v "$tidy" >/dev/null 2>&1 || die "$tidy not found"
command -v "$cppcheck" >/dev/null 2>&1 || die "$cppcheck not found"

cflags=${LINT_CFLAGS:--std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Iinclude}
jobs=${LINT_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=2

if [ $# -gt 0 ]; then
    files=$*
else
    files=$(find sim tests -name '*.c' -type f | LC_ALL=C sort)
fi
[ -n "$files" ] || die "no source files"
# clang-tidy takes the largest files first, so that the jobs end together
# shellcheck disable=SC2086
tidy_files=$(ls -S $files) || die "no such file"

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

# ---- clang-tidy: one process per file, LINT_JOBS at a time ---------------
# each file's output goes to its own file; a run that fails without saying
# why (a crash, a missing header) is a finding of its own. The files of the
# cmocka tests get tests/lint/cmocka_noreturn.h first (see there).
export tidy cflags tmp
# shellcheck disable=SC2086,SC2016
printf '%s\n' $tidy_files | xargs -P "$jobs" -n 1 sh -c '
    out=$tmp/tidy.$(printf "%s" "$1" | tr "/" "_")
    extra=""
    grep -q "<cmocka.h>" "$1" && extra="-include tests/lint/cmocka_noreturn.h"
    # shellcheck disable=SC2086
    "$tidy" --quiet "$1" -- $cflags $extra >"$out" 2>&1
    rc=$?
    if [ $rc -ne 0 ] && ! grep -q ": error: " "$out"; then
        echo "$1:1:1: error: clang-tidy exited with status $rc [lint-clang-tidy-failed]" >>"$out"
    fi
' sh

# the diagnostics, each once (headers are seen by many files), each with
# the lines after it (source, caret, notes), paths relative to the tree
top=$PWD/
cat "$tmp"/tidy.* 2>/dev/null | sed "s|$top||g" | awk '
    /^[0-9]+ (warning|error)s? (and [0-9]+ (warning|error)s? )?generated\.$/ { next }
    /^Suppressed [0-9]+ warnings/ || /^Use -header-filter=/ || /^Error while processing / { next }
    /^[^ ].*:[0-9]+:[0-9]+: (warning|error): / {
        keep = !seen[$0]++
        if (keep) {
            n++
            print
        }
        next
    }
    keep { print }
    END { print n + 0 > "/dev/stderr" }
' >"$tmp/tidy.txt" 2>"$tmp/tidy.count"
tidy_n=$(cat "$tmp/tidy.count")
cat "$tmp/tidy.txt"

# ---- cppcheck: the whole tree in one run --------------------------------
# shellcheck disable=SC2086
"$cppcheck" --enable=warning,style,performance,portability --std=c11 --inline-suppr \
    --error-exitcode=1 --library=tests/lint/uthash.cfg -Iinclude -q -j "$jobs" \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]\n{code}' \
    $files >"$tmp/cppcheck.txt" 2>&1
cpp_rc=$?
cat "$tmp/cppcheck.txt"
cpp_n=$(grep -c -E '^[^ ].*:[0-9]+:[0-9]+: (error|warning|style|performance|portability|information): ' "$tmp/cppcheck.txt")
if [ "$cpp_rc" -ne 0 ] && [ "$cpp_n" -eq 0 ]; then
    echo "lint: cppcheck exited with status $cpp_rc"
    cpp_n=1
fi

echo "lint: clang-tidy $tidy_n findings, cppcheck $cpp_n findings"
[ "$tidy_n" -eq 0 ] && [ "$cpp_n" -eq 0 ]
