#!/bin/sh
# kernel-check.sh VMSIM [BUILD_DIR] -- the simulator against the kernel it
# runs on (make kernel-check; docs/linux.md).
#
# Each scenario is a small C program, tests/kernel/NN_NAME.c, that does it on
# real memory and prints what the kernel says (kc.h: minor faults from
# getrusage, Rss and Pss of the mapping from /proc/self/smaps, the frames
# copied from /proc/self/pagemap), and a trace, tests/kernel/NN_NAME.trace,
# that does the same in vmsim. The trace's header names the process that
# measures (# measure: PID) and what is compared (# metrics: faults copied
# rss pss reaper); its measured part follows `mark measure` and ends the
# trace. reaper is 1 when an orphan went to a subreaper: the program says so,
# and in the trace the process # orphan: PID has the measuring one as parent.
#
# The kernel's figures are medians of KC_RUNS runs (default 7; three times
# as many for a scenario that disagreed, measured again); its faults
# are those of the scenario less those of its empty run (the same program
# with no pages: the stack, libc, the rseq area after fork). vmsim runs the
# trace with --linux (and the kernel's fault-around window), and once more
# without it (the textbook column, for reference). A table prints scenario,
# metric, kernel, vmsim, whether they agree, and the textbook figure.
#
# Exit status 1 when a figure that should agree does not; 0 with a message
# when the host is not Linux, or the kernel denies what a scenario needs (that
# scenario is skipped and named). KC_PAGES changes the pages of a scenario
# (default 1000; the traces are written for 1000).
export LC_ALL=C
vm=${1:?usage: kernel-check.sh VMSIM [BUILD_DIR]}
out=${2:-build/kernel}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
src=$(cd "$(dirname "$0")/kernel" && pwd)
runs=${KC_RUNS:-7}
n=${KC_PAGES:-1000}

os=$(uname -s)
if [ "$os" != Linux ]; then
    echo "kernel-check: skipped: this host runs $os, not Linux: there is no Linux kernel to compare with"
    exit 0
fi
for f in /proc/self/smaps /proc/self/stat; do
    if [ ! -r "$f" ]; then
        echo "kernel-check: skipped: $f cannot be read (is /proc mounted?)"
        exit 0
    fi
done
page=$(getconf PAGESIZE)
if [ "$page" != 4096 ]; then
    echo "kernel-check: skipped: this kernel has pages of $page bytes; the scenarios are written for 4 KiB pages"
    exit 0
fi
# the kernel's fault-around window: fault_around_bytes (debugfs), 64 KiB by default
fa=16 fa_from="the kernel's default; /sys/kernel/debug/fault_around_bytes cannot be read"
if [ -r /sys/kernel/debug/fault_around_bytes ]; then
    fa=$(($(cat /sys/kernel/debug/fault_around_bytes) / page))
    [ "$fa" -ge 1 ] || fa=1
    fa_from="/sys/kernel/debug/fault_around_bytes"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" || exit 2
for c in "$src"/[0-9]*.c "$src"/probe_*.c; do
    b=$out/$(basename "$c" .c)
    if [ ! -x "$b" ] || [ -n "$(find "$c" "$src/kc.h" -newer "$b")" ]; then
        ${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$b" "$c" || { echo "kernel-check: cannot build $c"; exit 2; }
    fi
done

# the zero page: a kernel may be booted without it (a read of untouched
# memory then gets a page of its own); vmsim is told the same
zp=on zp_opt= zp_from="a read of untouched memory maps it"
if [ "$("$out/probe_zero_page" | sed -n 's/^zero_page //p')" = 0 ]; then
    zp=off zp_opt=--zero-page=off zp_from="a read of untouched memory gets a page of its own here"
fi

# median: the middle of the numbers on standard input
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# kernel NAME PAGES: runs the program KC_RUNS times; $tmp/NAME.PAGES.METRIC
# holds a median each; returns 77 (and the reason in $tmp/skip) when skipped
kernel() {
    i=0
    : >"$tmp/runs"
    while [ "$i" -lt "$runs" ]; do
        timeout 60 "$out/$1" "$2" >"$tmp/one" 2>&1
        rc=$?
        if [ "$rc" = 77 ]; then
            sed -n 's/^skip //p' "$tmp/one" | head -n 1 >"$tmp/skip"
            return 77
        fi
        if [ "$rc" != 0 ]; then
            echo "exit $rc: $(head -n 1 "$tmp/one")" >"$tmp/skip"
            return 1
        fi
        cat "$tmp/one" >>"$tmp/runs"
        i=$((i + 1))
    done
    for m in faults rss_kb pss_kb copied reaper; do
        sed -n "s/^$m //p" "$tmp/runs" | median >"$tmp/$1.$2.$m"
    done
    return 0
}

# vmsim NAME PID OPTIONS...: runs the trace; $tmp/v.faults, .copied, .rss,
# .pss (pages) of the measured part and process
vmsim() {
    name=$1 pid=$2
    shift 2
    (cd "$src" && "$vm" run "$@" --format json -o "$tmp/v.json" --timeline "$tmp/v.csv" "$name.trace") \
        >"$tmp/v.out" 2>"$tmp/v.err" || return 1
    # the timeline's faults and pages_copied over the rows after `mark
    # measure` (columns found by name in the header)
    awk -F, -v dir="$tmp" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; F = col["faults"]; C = col["pages_copied"]; M = col["mark"]; next }
        $M != "measure" { f0 = $F; c0 = $C }
        $M == "measure" { f1 = $F; c1 = $C; seen = 1 }
        END {
            if (!seen) { f1 = f0; c1 = c0 }
            print f1 - f0 > (dir "/v.faults"); print c1 - c0 > (dir "/v.copied")
        }' "$tmp/v.csv"
    line=$(grep "\"pid\": $pid," "$tmp/v.json")
    echo "$line" | sed 's/.*"rss": \([0-9]*\).*/\1/' >"$tmp/v.rss"
    echo "$line" | sed 's/.*"pss": \([0-9.]*\).*/\1/' >"$tmp/v.pss"
    # reaper: 1 when the trace's orphan (# orphan: PID) has the measuring
    # process as its parent now
    orphan=$(sed -n 's/^# orphan: *//p' "$src/$name.trace" | head -n 1)
    if [ -n "$orphan" ] && grep -q "\"pid\": $orphan, \"ppid\": $pid," "$tmp/v.json"; then
        echo 1 >"$tmp/v.reaper"
    else
        echo 0 >"$tmp/v.reaper"
    fi
}

# judge NAME METRICS: a row per metric in $tmp/rows, "yes", "NO" or "n/a"
# first (from the kernel's medians and vmsim's figures in $tmp/l.* and
# $tmp/v.*)
judge() {
    : >"$tmp/rows"
    for m in $2; do
        case $m in
        faults) k=$(($(cat "$tmp/$1.$n.faults") - $(cat "$tmp/$1.0.faults"))) ;;
        copied) k=$(cat "$tmp/$1.$n.copied"); [ "$k" = -1 ] && k=n/a ;;
        reaper) k=$(cat "$tmp/$1.$n.reaper") ;;
        rss) k=$(($(cat "$tmp/$1.$n.rss_kb") * 1024 / page)) ;;
        pss) k=$(awk -v kb="$(cat "$tmp/$1.$n.pss_kb")" -v p="$page" 'BEGIN { printf "%.2f", kb * 1024 / p }') ;;
        esac
        v=$(cat "$tmp/l.$m") t=$(cat "$tmp/v.$m")
        if [ "$k" = n/a ]; then
            ok=n/a
        elif [ "$m" = pss ]; then
            # smaps says Pss in whole kB, rounded down
            ok=$(awk -v k="$k" -v v="$v" -v p="$page" 'BEGIN { d = v - k; print (d >= 0 && d < 1024 / p) ? "yes" : "NO" }')
        elif [ "$k" = "$v" ]; then
            ok=yes
        else
            ok=NO
        fi
        printf '%s %-28s %-7s %9s %9s  %-5s %9s\n' "$ok" "$label" "$m" "$k" "$v" "$ok" "$t" >>"$tmp/rows"
    done
}

printf 'kernel-check: %s %s (%s), %s-byte pages, fault-around %s pages (%s)\n' \
    "$os" "$(uname -r)" "$(uname -m)" "$page" "$fa" "$fa_from"
printf 'zero page %s (%s)\n' "$zp" "$zp_from"
printf '%s pages a scenario; kernel figures are medians of %s runs (%s for a scenario measured again\n' "$n" "$runs" \
    "$((3 * runs))"
printf 'because it disagreed), its faults less those of the empty run (the same program with no pages);\n'
printf 'vmsim runs the trace with --linux --fault-around %s%s; textbook: vmsim without --linux, for\n' "$fa" \
    "${zp_opt:+ $zp_opt}"
printf 'reference; n/a: the kernel hides frame numbers here (not root)\n\n'
printf '%-28s %-7s %9s %9s  %-5s %9s\n' scenario metric kernel vmsim agree textbook
agree=0 differ=0 skipped=0 na=0
for c in "$src"/[0-9]*.c; do
    name=$(basename "$c" .c)
    label=$(echo "${name#*_}" | tr _ -)
    trace=$src/$name.trace
    pid=$(sed -n 's/^# measure: *//p' "$trace" | head -n 1)
    metrics=$(sed -n 's/^# metrics: *//p' "$trace" | head -n 1)
    if ! vmsim "$name" "$pid" --linux --fault-around "$fa" $zp_opt; then
        printf '%-28s vmsim failed: %s\n' "$label" "$(head -n 1 "$tmp/v.err")"
        differ=$((differ + 1))
        continue
    fi
    for m in faults copied rss pss reaper; do cp "$tmp/v.$m" "$tmp/l.$m"; done
    if ! vmsim "$name" "$pid"; then
        printf '%-28s vmsim failed: %s\n' "$label" "$(head -n 1 "$tmp/v.err")"
        differ=$((differ + 1))
        continue
    fi
    # the kernel; a disagreement is measured again with three times the runs
    # (a page moved by compaction, a page of the cache locked for a moment:
    # the kernel's own noise only adds faults, now and then)
    base=$runs
    for _ in 1 2; do
        kernel "$name" "$n" && kernel "$name" 0
        rc=$?
        [ "$rc" = 0 ] || break
        judge "$name" "$metrics"
        grep -q '^NO ' "$tmp/rows" || break
        runs=$((base * 3))
    done
    runs=$base
    if [ "$rc" = 77 ]; then
        printf '%-28s skipped: the kernel denies %s\n' "$label" "$(cat "$tmp/skip")"
        skipped=$((skipped + 1))
        continue
    elif [ "$rc" != 0 ]; then
        printf '%-28s the program failed: %s\n' "$label" "$(cat "$tmp/skip")"
        differ=$((differ + 1))
        continue
    fi
    agree=$((agree + $(grep -c '^yes ' "$tmp/rows")))
    differ=$((differ + $(grep -c '^NO ' "$tmp/rows")))
    na=$((na + $(grep -c '^n/a ' "$tmp/rows")))
    sed 's/^[^ ]* //' "$tmp/rows"
done
echo
echo "kernel-check: $agree agree, $differ differ, $na not known to the kernel here, $skipped scenarios skipped"
[ "$differ" = 0 ]
