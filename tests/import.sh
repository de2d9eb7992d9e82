#!/bin/sh
# import.sh VMSIM [--update] -- vmsim import (docs/import.md):
#  1. each small hand-written record tests/import/NAME.lackey|NAME.strace
#     (options in NAME.args) gives the trace NAME.out; with NAME.err the
#     import fails (exit 2) with that standard error, else it succeeds with
#     none. Each trace runs with --check: exit 0, or, after a failed import,
#     exit 2 at its last line with an error that names the import's.
#  2. every record in traces/real/ imports and runs without error (the
#     lackey ones with --check over their first lines, the rest whole); the
#     traces kept there are what their records import to now.
#     Lines of real records moved, doubled or dropped still make traces that
#     run (or an import error).
#  3. the pipeline record's process tree, after each process event
#     (tests/import/pipeline.pstree).
#  4. streaming: `cat REC | vmsim import FORMAT | vmsim run -` gives what
#     the file gives; a record made of many copies of one runs in the same
#     memory as one copy (lackey).
#  5. the command line: help, options and their errors.
#  6. a live record, when valgrind and strace can run here (else skipped,
#     with a message).
# --update rewrites the expected files of 1 and 3 and the kept traces of 2.
vm=${1:?usage: import.sh VMSIM [--update]}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
update=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
no() {
    fail=$((fail + 1))
    echo "FAIL import: $*"
}
# check NAME COND...: runs COND; counts it
check() {
    name=$1
    shift
    if "$@"; then ok; else no "$name"; fi
}
# unzip FILE: the record, gunzipped if it ends in .gz
unzip() {
    case $1 in
    *.gz) gzip -dc "$1" ;;
    *) cat "$1" ;;
    esac
}

# ---- 1. small records and their traces ------------------------------------
for rec in tests/import/*.lackey tests/import/*.strace; do
    [ -f "$rec" ] || continue
    base=${rec%.*}
    fmt=${rec##*.}
    args=$(cat "$base.args" 2>/dev/null || true)
    # shellcheck disable=SC2086
    (cd tests/import && "$vm" import "$fmt" $args "$(basename "$rec")") >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$update" = --update ]; then
        cp "$tmp/out" "$base.out"
        if [ "$rc" = 2 ]; then cp "$tmp/err" "$base.err"; else rm -f "$base.err"; fi
        continue
    fi
    why=
    if [ -f "$base.err" ]; then
        [ "$rc" = 2 ] || why="$why; exit $rc, want 2"
        cmp -s "$tmp/err" "$base.err" || why="$why; standard error differs"
    else
        [ "$rc" = 0 ] || why="$why; exit $rc, want 0"
        [ -s "$tmp/err" ] && why="$why; standard error: $(head -n 1 "$tmp/err")"
    fi
    cmp -s "$tmp/out" "$base.out" || why="$why; the trace differs from $base.out"
    "$vm" run --check -q "$tmp/out" >/dev/null 2>"$tmp/runerr"
    rrc=$?
    if [ -f "$base.err" ]; then
        last=$(wc -l <"$tmp/out" | tr -d ' ')
        [ "$rrc" = 2 ] || why="$why; its run exits $rrc, want 2"
        grep -q "^$tmp/out:$last: error: vmsim import $fmt: " "$tmp/runerr" || why="$why; its run does not stop at the error line"
    else
        [ "$rrc" = 0 ] || why="$why; its run exits $rrc: $(head -n 1 "$tmp/runerr")"
    fi
    if [ -n "$why" ]; then
        no "$rec${why}"
        diff "$base.out" "$tmp/out" | head -n 10
        [ -f "$base.err" ] && diff "$base.err" "$tmp/err" | head -n 4
    else
        ok
    fi
done

# the closing error line through pipes: the run names the import error
printf 'I  0401ab70,3\n L 1ffefff000,8\n this is not lackey\n' | "$vm" import lackey 2>"$tmp/ierr" |
    "$vm" run - >"$tmp/out" 2>"$tmp/err"
check "a bad lackey line stops the run" grep -qx -- "standard input:7: error: vmsim import lackey: standard input:3: not a lackey line: ' this is not lackey' .*" "$tmp/err"
check "the import's own error" grep -qx -- "standard input:3: error: not a lackey line: ' this is not lackey' .*" "$tmp/ierr"
check "no summary after the error" test ! -s "$tmp/out"
printf '1 execve("/bin/sh", ["sh"], 0x1 /* 1 var */) = 0\n1 mmap(NULL, 4096, PROT_READ\n' | "$vm" import strace 2>/dev/null |
    "$vm" run - >/dev/null 2>"$tmp/err"
check "a cut strace line stops the run" grep -q -- "^standard input:[0-9]*: error: vmsim import strace: standard input:2: strace line cut short" "$tmp/err"

# ---- 2. the real records ----------------------------------------------------
nrec=0
for rec in traces/real/*.lackey.gz traces/real/*.lackey traces/real/*.strace traces/real/*.strace.gz; do
    [ -f "$rec" ] || continue
    nrec=$((nrec + 1))
    case $rec in *.lackey*) fmt=lackey ;; *) fmt=strace ;; esac
    unzip "$rec" | "$vm" import "$fmt" >"$tmp/t.trace" 2>"$tmp/err"
    check "$rec imports" test "$?" = 0 -a ! -s "$tmp/err"
    "$vm" run -q "$tmp/t.trace" 2>"$tmp/err"
    check "$rec runs ($(head -n 1 "$tmp/err"))" test "$?" = 0
    if [ "$fmt" = lackey ]; then
        unzip "$rec" | head -n 20000 | "$vm" import "$fmt" >"$tmp/t.trace"
    fi
    "$vm" run -q --check "$tmp/t.trace" 2>"$tmp/err"
    check "$rec runs with --check ($(head -n 1 "$tmp/err"))" test "$?" = 0
done
check "traces/real holds records" test "$nrec" -ge 7
for t in traces/real/*.trace; do
    [ -f "$t" ] || continue
    "$vm" import strace "${t%.trace}.strace" >"$tmp/t.trace"
    if [ "$update" = --update ]; then
        cp "$tmp/t.trace" "$t"
        continue
    fi
    check "$t is what its record imports to" cmp -s "$tmp/t.trace" "$t"
    "$vm" run -q --check "$t" 2>"$tmp/err"
    check "$t runs with --check" test "$?" = 0
done

# ---- 2a. the matrix multiply under every policy -----------------------------------
# at 4 and 8 frames: opt never misses more than another policy (a page-reference string
# of one process), and lru and opt, stack algorithms, never miss more with more frames;
# tests/golden/matmul_policies has the figures themselves
unzip traces/real/matmul.lackey.gz | "$vm" import lackey >"$tmp/mm.trace"
"$vm" compare --swap 64M --policy fifo,lru,clock,opt,random --frames 4,8 --format csv \
    --fields accesses.misses "$tmp/mm.trace" >"$tmp/mm.csv" 2>"$tmp/err"
check "the matrix multiply runs under every policy" test "$?" = 0 -a "$(wc -l <"$tmp/mm.csv")" = 11
misses() { awk -F, -v p="$1" -v f="$2" '$2 == p && $3 == f { print $NF }' "$tmp/mm.csv"; }
for fr in 4 8; do
    for pol in fifo lru clock random; do
        check "matmul, $fr frames: opt ($(misses opt $fr)) misses no more than $pol ($(misses "$pol" $fr))" \
            test "$(misses opt $fr)" -le "$(misses "$pol" $fr)"
    done
done
for pol in lru opt; do
    check "matmul: $pol misses no more with 8 frames than with 4" test "$(misses "$pol" 8)" -le "$(misses "$pol" 4)"
done
check "matmul: 4 frames miss often enough to tell the policies apart" test "$(misses lru 4)" -gt 10000

# ---- 2b. records with their lines out of order ------------------------------------
# strace's order is not always what happened: lines of real records moved, doubled or
# dropped (awk's rand, seeded) still make traces that run, or an error of the import
mixed=0
for rec in traces/real/pipeline.strace traces/real/forkexec.strace tests/import/dash.strace tests/import/threads.strace; do
    seed=1
    while [ $seed -le 12 ]; do
        awk -v seed="$seed" 'BEGIN { srand(seed) } { l[NR] = $0 } END {
            for (k = 0; k < 4; k++) {
                i = 1 + int(rand() * NR); j = i + 1 + int(rand() * 3); if (j > NR) j = NR
                r = rand()
                if (r < 0.5) { t = l[i]; l[i] = l[j]; l[j] = t }
                else if (r < 0.75) l[i] = l[j]
                else l[i] = ""
            }
            for (i = 1; i <= NR; i++) if (l[i] != "") print l[i] }' "$rec" >"$tmp/mixed"
        "$vm" import strace "$tmp/mixed" >"$tmp/t.trace" 2>/dev/null
        irc=$?
        "$vm" run -q --check "$tmp/t.trace" >/dev/null 2>"$tmp/err"
        rrc=$?
        if [ "$irc" = 0 ] && [ "$rrc" != 0 ]; then
            no "$rec mixed with seed $seed: the trace does not run: $(head -n 1 "$tmp/err")"
            cp "$tmp/mixed" "/tmp/vmsim-import-mixed-$seed.strace"
        elif [ "$irc" != 0 ] && [ "$irc" != 2 ]; then
            no "$rec mixed with seed $seed: import exit $irc"
        else
            mixed=$((mixed + 1))
        fi
        seed=$((seed + 1))
    done
done
check "records out of order ($mixed)" test "$mixed" = 48

# ---- 3. the pipeline's process tree -------------------------------------------
awk '{ print } /^(spawn|fork|vfork|exec|exit|wait) / { print "show pstree" }' traces/real/pipeline.trace |
    "$vm" run -q - >"$tmp/pstree" 2>&1
if [ "$update" = --update ]; then
    cp "$tmp/pstree" tests/import/pipeline.pstree
else
    check "the pipeline's process tree (tests/import/pipeline.pstree)" cmp -s "$tmp/pstree" tests/import/pipeline.pstree ||
        diff tests/import/pipeline.pstree "$tmp/pstree" | head -n 10
fi

# ---- 4. streaming -----------------------------------------------------------------
for rec in traces/real/listwalk.lackey.gz traces/real/pipeline.strace; do
    case $rec in *.lackey*) fmt=lackey ;; *) fmt=strace ;; esac
    unzip "$rec" >"$tmp/rec"
    "$vm" import "$fmt" "$tmp/rec" | sed 1d >"$tmp/file.trace"
    # shellcheck disable=SC2002
    cat "$tmp/rec" | "$vm" import "$fmt" | sed 1d >"$tmp/pipe.trace"
    check "$rec: standard input gives what the file gives" cmp -s "$tmp/file.trace" "$tmp/pipe.trace"
    "$vm" run "$tmp/file.trace" >"$tmp/file.sum"
    # shellcheck disable=SC2002
    cat "$tmp/rec" | "$vm" import "$fmt" | "$vm" run - >"$tmp/pipe.sum"
    check "$rec: cat | import | run - gives the file's summary" cmp -s "$tmp/file.sum" "$tmp/pipe.sum"
done
# constant memory: 20 copies of a record need no more than one copy (lackey)
unzip traces/real/listwalk.lackey.gz >"$tmp/one"
i=0
while [ $i -lt 20 ]; do cat "$tmp/one"; i=$((i + 1)); done >"$tmp/many"
rss() { /usr/bin/time -f %M "$vm" import lackey "$1" 2>&1 >/dev/null | tail -n 1; }
if [ -x /usr/bin/time ]; then
    one=$(rss "$tmp/one")
    many=$(rss "$tmp/many")
    check "lackey import streams (peak RSS $one KiB for one copy, $many KiB for 20)" \
        test "$many" -le $((one + 1024))
else
    echo "import: /usr/bin/time not found: the memory check is skipped"
fi

# records written to cost time: 200,000 pids that no clone made (each held
# back, then spawned), and as many children of a clone that never returns
# (all held to the end): each is read in time linear in its lines
many_pids() {
    awk -v open="$1" 'BEGIN {
        print "1 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000"
        if (open) print "1 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>"
        for (i = 2; i <= 200001; i++) printf "%d getpid() = %d\n", i, i
    }'
}
for open in 0 1; do
    many_pids $open | timeout 60 "$vm" import strace --no-comments >"$tmp/many" 2>"$tmp/err"
    rc=$?
    check "200,000 pids (clone left open: $open) import within 60 s (status $rc)" test "$rc" = 0
    check "200,000 pids (clone left open: $open): as many processes" \
        test "$(grep -c '^spawn \|^fork ' "$tmp/many")" = 200001
done

# 20,000 vfork parents held back at once, let go one by one as their
# children exit (tests/import/vfork-many.strace is the small one): each
# release costs what it changes, not a look at every held process
awk 'BEGIN {
    print "1 execve(\"/bin/x\", [\"x\"], 0x0 /* 1 vars */) = 0"
    for (i = 0; i < 20000; i++)
        printf "1 fork() = %d\n%d vfork() = %d\n%d getppid() = 1\n", 10 + i, 10 + i, 100000 + i, 10 + i
    for (i = 0; i < 20000; i++) printf "%d exit_group(0) = ?\n", 100000 + i
}' | timeout 60 "$vm" import strace >"$tmp/many" 2>"$tmp/err"
rc=$?
check "20,000 held vfork parents import within 60 s (status $rc)" test "$rc" = 0 -a ! -s "$tmp/err"
check "20,000 held vfork parents: each goes on after its child's exit" \
    test "$(grep -A 1 '^exit 1[0-9]* 0$' "$tmp/many" | grep -c '^# [0-9]* getppid() = 1$')" = 20000

# 100,000 children of one process exit and are never waited for, then
# it exits too: each exit costs what its own children cost, not a look at
# every process
awk 'BEGIN {
    print "1 execve(\"/bin/x\", [\"x\"], 0x0 /* 1 vars */) = 0"
    for (i = 2; i <= 100001; i++) printf "1 fork() = %d\n%d exit_group(0) = ?\n", i, i
    print "1 exit_group(0) = ?"
}' | timeout 60 "$vm" import strace >"$tmp/many" 2>"$tmp/err"
rc=$?
check "100,000 children never waited for import within 60 s (status $rc)" test "$rc" = 0 -a ! -s "$tmp/err"
check "100,000 children never waited for: spawn, exec, 100,000 forks and 100,001 exits" \
    test "$(grep -c '^fork 1 \|^exit ' "$tmp/many"):$(grep -c '^# written: events 200003,' "$tmp/many")" = 200001:1

# lines held back for what never comes: a clone that never returns while
# its child goes on, a vfork parent that goes on while its child never
# ends: past 16 MiB of held lines, nothing is waited for any more
# (a sanitizer's quarantine of freed memory would count: it is kept small)
peak() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1" /usr/bin/time -f %M "$@" 2>&1 >"$tmp/held" | tail -n 1; }
# the peak of a record of one line: the import's own (larger under a sanitizer)
if [ -x /usr/bin/time ]; then
    echo '1 getpid() = 1' >"$tmp/rec"
    kib0=$(peak "$vm" import strace "$tmp/rec")
fi
awk 'BEGIN { print "100 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>"
    for (i = 0; i < 2000000; i++) print "101 getpid() = 101" }' >"$tmp/rec"
if [ -x /usr/bin/time ]; then
    kib=$(peak "$vm" import strace "$tmp/rec")
    check "a clone that never returns, 2,000,000 lines of its child: peak RSS $kib KiB" test "$kib" -lt $((kib0 + 65536))
fi
"$vm" import strace "$tmp/rec" >"$tmp/held" 2>"$tmp/err"
check "a clone that never returns: its child is made once its lines pass 16 MiB" \
    test "$?:$(grep -c '^fork 100 101$' "$tmp/held")" = 0:1 -a ! -s "$tmp/err"
check "a clone that never returns: the comment says why" \
    grep -q "^# 100 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>  (its child's lines held back pass 16 MiB" "$tmp/held"
awk 'BEGIN { printf "100 vfork() = 101\n101 getpid() = 101\n"; s = sprintf("%1000s", ""); gsub(/ /, "A", s)
    for (i = 0; i < 100000; i++) printf "100 write(1, \"%s\", 1000) = 1000\n", s }' >"$tmp/rec"
if [ -x /usr/bin/time ]; then
    kib=$(peak "$vm" import strace "$tmp/rec")
    check "a vfork parent going on, 100 MB of its lines: peak RSS $kib KiB" test "$kib" -lt $((kib0 + 65536))
fi
"$vm" import strace "$tmp/rec" >"$tmp/held" 2>"$tmp/err"
check "a vfork parent going on: its lines become comments past 16 MiB" \
    test "$?" = 0 -a ! -s "$tmp/err" -a "$(grep -c '(held back past 16 MiB of held lines' "$tmp/held")" -gt 50000
"$vm" run -q --check "$tmp/held" 2>"$tmp/err"
check "a vfork parent going on: the trace runs" test "$?" = 0

# ---- 5. the command line --------------------------------------------------------
"$vm" import --help >"$tmp/out" 2>"$tmp/err"
check "import --help" test "$?" = 0 -a ! -s "$tmp/err"
check "import --help says how" grep -q "^usage: vmsim import lackey" "$tmp/out"
for f in lackey strace; do
    "$vm" import $f -h >"$tmp/out" 2>"$tmp/err"
    check "import $f -h" test "$?" = 0 -a ! -s "$tmp/err"
    check "import $f -h says how" grep -q "^usage: vmsim import $f \[OPTIONS\] \[FILE\]" "$tmp/out"
done
# usage_error WANT ARGS...: exit 2, nothing on stdout, WANT in the message
usage_error() {
    want=$1
    shift
    "$vm" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$want" "$tmp/err"; then ok; else
        no "vmsim $* (exit $rc): $(head -n 1 "$tmp/err")"
    fi
}
usage_error "which format? lackey or strace" import
usage_error "unknown format 'ltrace' (lackey or strace)" import ltrace
usage_error "unknown option '--chunk'" import strace --chunk 4K
usage_error "unknown option '--no-comments'" import lackey --no-comments
usage_error "--chunk takes a power of two from 4K to 1T, not '3K'" import lackey --chunk 3K
usage_error "--chunk takes a power of two from 4K to 1T, not '2T'" import lackey --chunk=2T
usage_error "--pid takes a pid, 1 .. 2147483647, not '0'" import lackey --pid 0
usage_error "--pid needs a value" import strace --pid
usage_error "'--pages=1' takes no value" import lackey --pages=1
usage_error "one record at a time ('b' is a second one)" import lackey a b
usage_error "(try 'vmsim import lackey --help')" import lackey -x
usage_error "cannot open none.lackey" import lackey none.lackey
"$vm" import lackey traces/real/listwalk.lackey.gz >/dev/null 2>"$tmp/err"
check "a gzipped record says so" grep -qx "traces/real/listwalk.lackey.gz:1: error: a gzip-compressed record: gzip -dc FILE | vmsim import lackey" "$tmp/err"
"$vm" import strace traces/real/make.strace.gz >/dev/null 2>"$tmp/err"
check "a gzipped strace record says so" grep -q "make.strace.gz:1: error: a gzip-compressed record: gzip -dc FILE | vmsim import strace" "$tmp/err"
printf ' L 1000,8\n' >"$tmp/r"
"$vm" import lackey --pid=9 --chunk=8K --pages -o "$tmp/o" -- "$tmp/r" >"$tmp/out" 2>"$tmp/err"
check "import -o FILE writes FILE" test "$?" = 0 -a ! -s "$tmp/out" -a ! -s "$tmp/err"
check "import -o FILE: its trace" grep -qx "mmap 9 0x0 8K rwx private" "$tmp/o"
"$vm" import lackey - <"$tmp/r" >"$tmp/out"
check "import lackey - reads standard input" grep -qx "read 1 0x1000" "$tmp/out"

# ---- 6. a live record ----------------------------------------------------------
if ! command -v strace >/dev/null 2>&1; then
    echo "import: live strace record skipped: strace not found (apt-get install strace)"
elif ! strace -f -o "$tmp/live.strace" sh -c 'true | cat' >/dev/null 2>&1; then
    echo "import: live strace record skipped: strace cannot trace here (ptrace not allowed)"
else
    "$vm" import strace "$tmp/live.strace" | "$vm" run -q --check - 2>"$tmp/err"
    check "a live strace record runs ($(head -n 1 "$tmp/err"))" test "$?" = 0
    # -z writes a call once it has returned: a child's first calls often
    # come before its parent's vfork or clone line; it is still that call's
    # child, not a process of its own
    if strace -f -z -o "$tmp/live-z.strace" sh -c '/bin/true; /bin/true' >/dev/null 2>&1; then
        "$vm" import strace "$tmp/live-z.strace" >"$tmp/live-z.trace"
        check "strace -z: one process spawned, two made by the shell" \
            test "$(grep -c '^spawn ' "$tmp/live-z.trace"):$(grep -c '^v*fork ' "$tmp/live-z.trace")" = 1:2
        "$vm" run -q --check "$tmp/live-z.trace" 2>"$tmp/err"
        check "a live strace -z record runs ($(head -n 1 "$tmp/err"))" test "$?" = 0
    fi
fi
if ! command -v valgrind >/dev/null 2>&1; then
    echo "import: live lackey record skipped: valgrind not found (apt-get install valgrind)"
elif ! valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/live.lackey" true >/dev/null 2>&1; then
    echo "import: live lackey record skipped: valgrind cannot run here"
else
    "$vm" import lackey "$tmp/live.lackey" | "$vm" run -q - 2>"$tmp/err"
    check "a live lackey record runs ($(head -n 1 "$tmp/err"))" test "$?" = 0
fi

[ "$update" = --update ] && echo "import: expected files rewritten"
echo "import: $pass passed, $fail failed"
[ "$fail" = 0 ]
