#!/bin/sh
# hostile.sh VMSIM -- submissions written to hurt the grader: a fork bomb,
# deep vfork nesting, a touch over terabytes, sparse page tables, VMAs by the
# thousand, a billion lines, binary junk, one enormous line, and loops that
# only burn time. Each must end with a clear error and 0 points, within a
# time bound (timeout) and a memory bound (ulimit -v), never with a hang, a
# crash or gigabytes of memory. Nothing big is stored: the long inputs are
# made by small loops and piped in. Prints "hostile: N passed, M failed".
vm=${1:?usage: hostile.sh VMSIM}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
SECONDS_BOUND=${HOSTILE_SECONDS:-60}  # wall-clock bound of one case
MEMORY_BOUND=${HOSTILE_KB:-1048576}   # virtual memory bound of one case, in KiB

# The memory bound needs a binary that runs under ulimit -v: an ASan build
# reserves terabytes of address space up front and cannot.
# It is then checked on the peak resident size that GNU time measures.
measure=
if sh -c 'ulimit -v "$1" && "$2" --version' sh "$MEMORY_BOUND" "$vm" >/dev/null 2>&1; then
    limit_mem=yes
else
    limit_mem=no
    if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$tmp/rss" true 2>/dev/null; then
        measure="/usr/bin/time -f %M -o $tmp/rss"
        echo "hostile: $vm does not run under ulimit -v (a sanitizer build?): peak resident size checked instead"
    else
        echo "hostile: $vm does not run under ulimit -v (a sanitizer build?): memory bound not applied"
    fi
fi

# the machine of every test: big (a million frames, 48-bit addresses) and
# with the zero page, so that reads cost no frame and tables are the limit
cat >"$tmp/t.vmt" <<'EOF'
flags --arch x86_64 --frames 1M --zero-page
test "runs" points=3
expect stat events.total >= 1
EOF

# grade_input [GRADE OPTIONS]: grades standard input (the end of a pipe, so
# the exit status goes to a file); out, err, rc
grade_input() {
    (
        # shellcheck disable=SC3045 # dash and bash have it; the probe above saw it work
        [ $limit_mem = yes ] && ulimit -v "$MEMORY_BOUND"
        # shellcheck disable=SC2086
        exec $measure timeout "$SECONDS_BOUND" "$vm" grade --trace - --tests "$tmp/t.vmt" --format gradescope "$@"
    ) >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/rc"
}

# verdict NAME WANT: the report holds WANT (the error), scores 0, exit 1
verdict() {
    why=
    rc=$(cat "$tmp/rc" 2>/dev/null)
    rm -f "$tmp/rc"
    case $rc in
    1) ;;
    124) why="no end within ${SECONDS_BOUND}s" ;;
    *) why="exit $rc (want 1: graded, failed)" ;;
    esac
    grep -qF -- "$2" "$tmp/out" || why="$why; the report lacks '$2'"
    if [ -n "$measure" ] && [ -s "$tmp/rss" ]; then
        kb=$(tail -n 1 "$tmp/rss")
        [ "$kb" -le "$MEMORY_BOUND" ] 2>/dev/null || why="$why; peak resident size $kb KiB"
        rm -f "$tmp/rss"
    fi
    grep -q '"score": 0,' "$tmp/out" || why="$why; not 0 points"
    grep -q '"status": "failed"' "$tmp/out" || why="$why; the test did not fail"
    if [ -z "$why" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL hostile: $1 (${why#; })"
        sed -n '1,3s/^/    stderr: /p' "$tmp/err"
        grep -m 2 'error' "$tmp/out" | sed 's/^/    report: /'
    fi
}

# ---- processes ------------------------------------------------------------------
awk 'BEGIN { print "spawn 1"; for (i = 2; i <= 60000; i++) print "fork 1", i }' | grade_input --max-size 64M
verdict "fork bomb (a parent forks 60000 children)" "(limit 1000, --max-procs)"

awk 'BEGIN { print "spawn 1"; for (i = 2; i <= 60000; i++) print "fork", i - 1, i }' | grade_input --max-size 64M
verdict "fork chain (every child forks)" "(limit 1000, --max-procs)"

awk 'BEGIN { print "spawn 1"; for (i = 2; i <= 60000; i++) print "vfork", i - 1, i }' | grade_input --max-size 64M
verdict "deep nesting of vforks" "(limit 1000, --max-procs)"

# ---- memory ------------------------------------------------------------------------
printf 'spawn 1\nmmap 1 0x10000000 4T rw- private\ntouch 1 0x10000000 4T r\n' | grade_input
verdict "a read touch over 4 TiB" "more than 1000000 accesses (--max-accesses)"

printf 'spawn 1\nmmap 1 0x10000000 4T rw- private\ntouch 1 0x10000000 4T w\n' | grade_input
verdict "a write touch over 4 TiB" "more than 1000000 accesses (--max-accesses)"

# one page in every GiB: three tables for each page
awk 'BEGIN { print "spawn 1\nmmap 1 0x1000 0x7ffffffff000 rw- private"
             for (i = 1; i < 100000; i++) printf "read 1 %dG\n", i }' | grade_input --max-size 64M
verdict "sparse reads, a page table per page" "(--max-memory)"

awk 'BEGIN { print "spawn 1"; for (i = 0; i < 50000; i++) printf "mmap 1 %dp 1p rw- private\n", 16 + 2 * i }' |
    grade_input --max-size 64M
verdict "50000 one-page mappings" "too many VMAs in one address space (limit 1000"

awk 'BEGIN { for (i = 1; i <= 900; i++) printf "spawn %d\nmmap %d 0x1000 0x7ffffffff000 rw- private\ntouch %d 1G 64G r\n", i, i, i }' |
    grade_input
verdict "many processes, each touching 64 GiB" "(--max-accesses)"

# ---- input -------------------------------------------------------------------------
yes 'read 1 0x1000' | head -n 1000000000 | grade_input
verdict "a billion lines" "is larger than 1048576 bytes (--max-size)"

awk 'BEGIN { print "spawn 1\nmmap 1 0x1000 1p r-- private"; for (i = 0; i < 300000; i++) print "read 1 0x1000" }' |
    grade_input --max-size 64M
verdict "300000 events (under a larger --max-size)" "more than 100000 events (--max-events)"

awk 'BEGIN { srand(7); for (i = 0; i < 65536; i++) printf "%c", 1 + int(rand() * 255) }' | grade_input
verdict "binary junk" "error: unexpected byte"

printf 'spawn 1\nread 1 0x1000\0\nread 1 0x2000\n' | grade_input
verdict "a NUL byte" "error: unexpected byte 0x00"

head -c 100000000 /dev/zero | tr '\0' 'a' | grade_input
verdict "one line of 100 MB" "(--max-size)"

awk 'BEGIN { printf "spawn 1 "; for (i = 0; i < 20000; i++) printf "xxxxx"; print "" }' | grade_input
verdict "one line of 100 KB" "line longer than 4096 bytes"

# ---- time --------------------------------------------------------------------------
# each of these is cheap to write and slow to run: the processor-time limit
# ends them (2 s here, to keep the test short)
awk 'BEGIN { print "spawn 1\nmmap 1 0x10000000 2G rw- private\ntouch 1 0x10000000 2G r"
             for (i = 2; i < 20000; i++) print "fork 1", i "\nexit", i "\nwait 1" }' |
    grade_input --timeout 2 --max-size 64M
verdict "fork, exit and wait of a 2 GiB process, again and again" "s of processor time (--timeout)"

awk 'BEGIN { print "spawn 1\nmmap 1 0x10000000 1G rw- private\ntouch 1 0x10000000 1G r"
             for (i = 0; i < 40000; i++) print "mprotect 1 0x10000000 1G r--\nmprotect 1 0x10000000 1G rw-" }' |
    grade_input --timeout 2 --max-size 64M
verdict "mprotect over 1 GiB of present pages, again and again" "s of processor time (--timeout)"

awk 'BEGIN { print "spawn 1\nmmap 1 0x10000000 1G rw- private\ntouch 1 0x10000000 1G r"
             for (i = 0; i < 60000; i++) print "expect proc 1 pss > 0" }' |
    grade_input --timeout 2 --max-size 64M
verdict "a pss query over 1 GiB, again and again" "s of processor time (--timeout)"

# ---- answers files -------------------------------------------------------------------
awk 'BEGIN { srand(3); for (i = 0; i < 65536; i++) printf "%c", int(rand() * 256) }' >"$tmp/junk.txt"
(
    # shellcheck disable=SC3045 # dash and bash have it; the probe above saw it work
    [ $limit_mem = yes ] && ulimit -v "$MEMORY_BOUND"
    # shellcheck disable=SC2086
    exec $measure timeout "$SECONDS_BOUND" "$vm" grade --seed 1 --answers "$tmp/junk.txt" --format gradescope
) >"$tmp/out" 2>"$tmp/err"
echo $? >"$tmp/rc"
verdict "binary junk as quiz answers" '"output": "'
yes 'Q1: 1' | head -n 100000000 | {
    (
        # shellcheck disable=SC3045 # dash and bash have it; the probe above saw it work
        [ $limit_mem = yes ] && ulimit -v "$MEMORY_BOUND"
        # shellcheck disable=SC2086
        exec $measure timeout "$SECONDS_BOUND" "$vm" grade --seed 1 --answers - --format gradescope
    ) >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/rc"
}
verdict "100 million answer lines" "is larger than 1048576 bytes (--max-size)"

echo "hostile: $pass passed, $fail failed"
[ "$fail" = 0 ]
