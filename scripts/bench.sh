#!/bin/sh
# bench.sh BUILD_DIR -- the figures of `make bench` (docs/performance.md).
#
# Needs BUILD_DIR/vmsim and BUILD_DIR/tools/bench. Inputs are generated into
# a temporary directory that is removed at the end. Every timed figure is the
# median of BENCH_RUNS runs (default 3). The table is informative: a figure
# that misses its target does not change the exit status.
#
#   BENCH_RUNS=N      runs per figure (default 3)
#   BENCH_LINES=N     access lines of the trace and lackey benchmarks (default 10000000)
#   BENCH_PAGES=N     pages of the fork benchmark (default 1048576 = 4 GiB)
#   BENCH_SWAP_LINES=N  access lines of the swap benchmark (default BENCH_LINES)

set -eu

dir=${1:-build/release}
vmsim=$dir/vmsim
bench=$dir/tools/bench
runs=${BENCH_RUNS:-3}
lines=${BENCH_LINES:-10000000}
pages=${BENCH_PAGES:-1048576}
trace_pages=16384          # 64 MiB: the default 16384 frames, all present
fork_frames=4194304        # 16 GiB: room for the parent's pages and a copy of each

for f in "$vmsim" "$bench"; do
    if [ ! -x "$f" ]; then
        echo "bench: $f not found (run 'make bench')" >&2
        exit 2
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmsim-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# get KEY FILE: the value of KEY=... in FILE
get() {
    sed -n "s/^$1=//p" "$2" | head -n 1
}

# median KEY FILE...: the median of KEY over the files
median() {
    key=$1
    shift
    for f in "$@"; do get "$key" "$f"; done | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# calc FORMAT EXPR...: awk arithmetic, printed with FORMAT
calc() {
    fmt=$1
    shift
    # the parentheses keep a '>' in EXPR a comparison: bare, awk's printf
    # would take it for a redirection to a file
    awk "BEGIN { printf \"$fmt\", ($*) }"
}
# the larger of two figures is taken so below: a redirection would print nothing
[ "$(calc '%.1f' '2.1 > 4.1 ? 2.1 : 4.1')" = 4.1 ] || { echo "bench: calc reads '>' as a redirection" >&2; exit 2; }

# verdict VALUE OP LIMIT: pass or miss
verdict() {
    awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
        ok = (op == ">=") ? (v >= l) : (op == "<") ? (v < l) : (v <= l)
        print ok ? "pass" : "miss" }'
}

row() {
    printf '%-37s %-44s %-12s %s\n' "$1" "$2" "$3" "$4"
}

seq_runs() {
    i=1
    while [ "$i" -le "$runs" ]; do
        echo "$i"
        i=$((i + 1))
    done
}

cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo "?")
echo "vmsim bench: $dir, $cpus CPUs, median of $runs runs"

# the host's memory first: the figures of two runs compare as far as these do
"$bench" host >"$tmp/host.out"
echo

# ---- 1. trace throughput through the CLI --------------------------------
"$bench" gen "$tmp/access.trace" "$lines" "$trace_pages" >"$tmp/gen.out"
nlines=$(get lines "$tmp/gen.out")
for i in $(seq_runs); do
    "$bench" rss -- "$vmsim" run -q "$tmp/access.trace" >"$tmp/file.$i"
    [ "$(get status "$tmp/file.$i")" = 0 ] || { echo "bench: vmsim run failed" >&2; exit 1; }
done
for i in $(seq_runs); do
    # a real pipe, as `producer | vmsim run -` would be
    # shellcheck disable=SC2002
    cat "$tmp/access.trace" | "$bench" rss -- "$vmsim" run -q - >"$tmp/pipe.$i"
    [ "$(get status "$tmp/pipe.$i")" = 0 ] || { echo "bench: vmsim run - failed" >&2; exit 1; }
done
for i in $(seq_runs); do
    # the same file with a TLB of 64 entries (fully associative): nearly every access misses
    "$bench" rss -- "$vmsim" run -q --tlb 64 "$tmp/access.trace" >"$tmp/tlb.$i"
    [ "$(get status "$tmp/tlb.$i")" = 0 ] || { echo "bench: vmsim run --tlb 64 failed" >&2; exit 1; }
done
for i in $(seq_runs); do
    # the floor: reading the same file and counting its lines
    "$bench" rss -- wc -l "$tmp/access.trace" >"$tmp/wc.$i"
done
file_s=$(median wall_s "$tmp"/file.*)
wc_s=$(median wall_s "$tmp"/wc.*)
[ "$(calc %d "$wc_s * 1e6")" -gt 0 ] || wc_s=0.000001
pipe_s=$(median wall_s "$tmp"/pipe.*)
tlb_s=$(median wall_s "$tmp"/tlb.*)
file_eps=$(calc '%.2f' "$nlines / $file_s / 1e6")
pipe_eps=$(calc '%.2f' "$nlines / $pipe_s / 1e6")
trace_rss=$(median maxrss_kib "$tmp"/file.*)

# ---- 1b. a lackey record: import, and import | run ---------------------------
"$bench" lackey "$tmp/rec.lackey" "$lines" >"$tmp/lackey.out"
lk_lines=$(get lines "$tmp/lackey.out")
for i in $(seq_runs); do
    "$bench" rss -- "$vmsim" import lackey -o /dev/null "$tmp/rec.lackey" >"$tmp/imp.$i"
    [ "$(get status "$tmp/imp.$i")" = 0 ] || { echo "bench: vmsim import lackey failed" >&2; exit 1; }
done
for i in $(seq_runs); do
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's
    "$bench" rss -- sh -c '"$1" import lackey "$2" | "$1" run -q -' sh "$vmsim" "$tmp/rec.lackey" >"$tmp/imprun.$i"
    [ "$(get status "$tmp/imprun.$i")" = 0 ] || { echo "bench: vmsim import lackey | vmsim run failed" >&2; exit 1; }
done
for i in $(seq_runs); do
    # LRU with 256 frames: about a tenth of the accesses miss
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's
    "$bench" rss -- sh -c '"$1" import lackey "$2" | "$1" run -q --frames 256 --swap 64M --policy lru -' sh "$vmsim" \
        "$tmp/rec.lackey" >"$tmp/implru.$i"
    [ "$(get status "$tmp/implru.$i")" = 0 ] || { echo "bench: vmsim import lackey | vmsim run --policy lru failed" >&2; exit 1; }
done
implru_s=$(median wall_s "$tmp"/implru.*)
implru_aps=$(calc '%.2f' "$lines / $implru_s / 1e6")
imp_s=$(median wall_s "$tmp"/imp.*)
imprun_s=$(median wall_s "$tmp"/imprun.*)
imp_lps=$(calc '%.2f' "$lk_lines / $imp_s / 1e6")
imprun_aps=$(calc '%.2f' "$lines / $imprun_s / 1e6")
imp_rss=$(median maxrss_kib "$tmp"/imp.*)
rm -f "$tmp/rec.lackey"

# ---- 2-4. fork of 1M present pages, through the library -----------------
# One run of each mode first, not counted: the first process after a pause
# that maps this much memory can pay tens of ms of the host's own time for
# it (its system time, printed as fork_host_sys_s), whatever the simulator.
for mode in cow sharept copy; do
    "$bench" fork "$mode" "$pages" "$fork_frames" >/dev/null
    for i in $(seq_runs); do
        "$bench" fork "$mode" "$pages" "$fork_frames" >"$tmp/fork-$mode.$i"
    done
done
cow_fork_s=$(median fork_s "$tmp"/fork-cow.*)
cow_ptes=$(get fork_ptes_copied "$tmp/fork-cow.1")
cow_write_s=$(median write_s "$tmp"/fork-cow.*)
cow_faults=$(get write_cow_copy "$tmp/fork-cow.1")
cow_rss=$(median maxrss_kib "$tmp"/fork-cow.*)
cow_minflt=$(median fork_host_minflt "$tmp"/fork-cow.*)
cow_tables=$(get fork_tables "$tmp/fork-cow.1")
touch_s=$(median touch_s "$tmp"/fork-cow.*)
touch_faults=$(get touch_faults "$tmp/fork-cow.1")
spt_fork_s=$(median fork_s "$tmp"/fork-sharept.*)
spt_write_s=$(median write_s "$tmp"/fork-sharept.*)
spt_shared=$(get pt_shared "$tmp/fork-sharept.1")
spt_unshared=$(get write_pt_unshared "$tmp/fork-sharept.1")
spt_rss=$(median maxrss_kib "$tmp"/fork-sharept.*)
cow_rmap_fork=$(get fork_rmap_bytes "$tmp/fork-cow.1")
cow_rmap_write=$(get write_rmap_bytes "$tmp/fork-cow.1")
copy_fork_s=$(median fork_s "$tmp"/fork-copy.*)
copy_pages=$(get fork_pages_copied "$tmp/fork-copy.1")
copy_rss=$(median maxrss_kib "$tmp"/fork-copy.*)

cow_eps=$(calc '%.1f' "$cow_ptes / $cow_fork_s / 1e6")
cow_ns=$(calc '%.1f' "$cow_fork_s * 1e9 / $cow_ptes")
cow_fps=$(calc '%.1f' "$cow_faults / $cow_write_s / 1e6")
linux_ms=69
ratio=$(calc '%.1f' "$linux_ms / ($cow_fork_s * 1e3)")
spt_cheaper=$(calc '%.1f' "$cow_fork_s / $spt_fork_s")

# ---- 5. memory ----------------------------------------------------------
"$bench" frames >"$tmp/frames.out"
for i in $(seq_runs); do
    "$bench" rss -- "$vmsim" run -q --mem 64G /dev/null >"$tmp/big.$i"
    [ "$(get status "$tmp/big.$i")" = 0 ] || { echo "bench: vmsim run --mem 64G failed" >&2; exit 1; }
done
big_rss=$(median maxrss_kib "$tmp"/big.*)
big_s=$(median wall_s "$tmp"/big.*)
big_rss_mib=$(calc '%.1f' "$big_rss / 1024")
big_ms=$(calc '%.1f' "$big_s * 1e3")
big_ok=$(verdict "$big_rss" "<" 524288)
[ "$(verdict "$big_s" "<" 0.1)" = pass ] || big_ok=miss

# ---- 6. swap and page replacement ------------------------------------------
# a process of swap_pages pages, swap_frames frames (most accesses miss)
swap_lines=${BENCH_SWAP_LINES:-$lines}
swap_pages=1048576         # 4 GiB
swap_frames=262144         # 1 GiB
"$bench" gen "$tmp/swap.trace" "$swap_lines" "$swap_pages" >"$tmp/swapgen.out"
swap_nlines=$(get lines "$tmp/swapgen.out")
printf 'spawn 1\nmmap 1 0x10000000 %sp rw- private\ntouch 1 0x10000000 %sp w\n' "$swap_pages" "$swap_pages" \
    >"$tmp/mapped.trace"
printf 'spawn 1\n' >"$tmp/none.trace"
for pol in fifo lru clock random opt; do
    for i in $(seq_runs); do
        "$bench" rss -- "$vmsim" run -q --frames "$swap_frames" --swap 4G --policy "$pol" "$tmp/swap.trace" \
            >"$tmp/swap-$pol.$i"
        [ "$(get status "$tmp/swap-$pol.$i")" = 0 ] || { echo "bench: vmsim run --policy $pol failed" >&2; exit 1; }
    done
    # resident bytes per mapped page: every page mapped, less a run that maps none
    "$bench" rss -- "$vmsim" run -q --mem 4G --swap 4G --policy "$pol" "$tmp/mapped.trace" >"$tmp/map-$pol"
    "$bench" rss -- "$vmsim" run -q --mem 4G --swap 4G --policy "$pol" "$tmp/none.trace" >"$tmp/nomap-$pol"
done
"$bench" rss -- "$vmsim" run -q --mem 4G "$tmp/mapped.trace" >"$tmp/map-none"
"$bench" rss -- "$vmsim" run -q --mem 4G "$tmp/none.trace" >"$tmp/nomap-none"
rm -f "$tmp/swap.trace"
for i in $(seq_runs); do
    "$bench" rss -- "$vmsim" run -q --mem 64G --swap 64G --policy lru /dev/null >"$tmp/bigswap.$i"
done
bigswap_rss=$(median maxrss_kib "$tmp"/bigswap.*)
bigswap_s=$(median wall_s "$tmp"/bigswap.*)
bigswap_ok=$(verdict "$bigswap_rss" "<" 524288)
[ "$(verdict "$bigswap_s" "<" 0.1)" = pass ] || bigswap_ok=miss
# per_page POLICY: resident bytes per mapped page
per_page() {
    calc '%.1f' "($(get maxrss_kib "$tmp/map-$1") - $(get maxrss_kib "$tmp/nomap-$1")) * 1024 / $swap_pages"
}

# ---- 7. the HTML view: a step of a 10,000-event page in headless chromium -----
html_ms=
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$chromium" ]; then
    "$vmsim" gen --profile cow --seed 3 --events 10000 >"$tmp/html.trace"
    "$vmsim" run -q --html "$tmp/big.html" "$tmp/html.trace"
    for i in $(seq_runs); do
        ud=$(mktemp -d "$tmp/chromium.XXXXXX")
        timeout 300 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
            --disable-component-update --disable-sync --disable-extensions --user-data-dir="$ud" \
            --dump-dom "file://$tmp/big.html#bench=150" 2>/dev/null |
            grep -o '<[a-z]*[^>]* id="bench"[^>]*>' | sed -n 's/.* data-max-ms="\([^"]*\)".*/\1/p' >"$tmp/html.$i"
        rm -rf "$ud"
    done
    html_ms=$(for i in $(seq_runs); do cat "$tmp/html.$i"; done | sort -g | awk 'NF { v[++n] = $1 } END { if (n) print v[int((n + 1) / 2)] }')
fi

# ---- the table -------------------------------------------------------------
ms() { calc '%.1f' "$1 * 1e3"; }
# count N: 10M, 1M, 64k, 500
count() {
    awk -v n="$1" 'BEGIN {
        if (n % 1048576 == 0) printf "%dMi", n / 1048576
        else if (n >= 1e6 && n % 1e6 == 0) printf "%dM", n / 1e6
        else if (n % 1024 == 0) printf "%dKi", n / 1024
        else if (n >= 1e3 && n % 1e3 == 0) printf "%dk", n / 1e3
        else printf "%d", n }'
}
mib() { calc '%.0f' "$1 / 1024"; }

row "name" "figure" "target" "result"
row "----" "------" "------" "------"
row "host memory, a random read" \
    "$(get read_alone_ns "$tmp/host.out") ns alone, $(get read_parallel_ns "$tmp/host.out") ns 8 at once (256 MiB)" "-" "-"
row "trace generation ($(count "$lines") + 3 lines)" \
    "$(calc '%.2f' "$(get gen_s "$tmp/gen.out")") s, $(calc '%.0f' "$(get bytes "$tmp/gen.out") / 1048576") MiB" "-" "-"
row "trace run, file (vmsim run -q FILE)" "$file_eps M events/s ($(calc '%.3f' "$file_s") s)" ">= 20 M/s" \
    "$(verdict "$file_eps" ">=" 20)"
row "trace run, pipe (vmsim run -q -)" "$pipe_eps M events/s ($(calc '%.3f' "$pipe_s") s)" ">= 20 M/s" \
    "$(verdict "$pipe_eps" ">=" 20)"
wc_times=$(calc '%.1f' "$file_s / $wc_s")
row "trace run / wc -l of the same file" "$wc_times times ($(calc '%.3f' "$file_s") s / $(calc '%.3f' "$wc_s") s)" \
    "<= 10x" "$(verdict "$wc_times" "<=" 10)"
tlb_slower=$(calc '%.0f' "($tlb_s / $file_s - 1) * 100")
row "trace run, file, --tlb 64" \
    "$(calc '%.2f' "$nlines / $tlb_s / 1e6") M events/s ($(calc '%.3f' "$tlb_s") s), $(calc '%+.0f' "$tlb_slower")% time" \
    "<= +30%" "$(verdict "$tlb_slower" "<=" 30)"
row "lackey record ($(count "$lines") accesses)" \
    "$(calc '%.2f' "$(get gen_s "$tmp/lackey.out")") s, $(calc '%.0f' "$(get bytes "$tmp/lackey.out") / 1048576") MiB" "-" "-"
row "lackey import (import lackey FILE)" "$imp_lps M lines/s ($(calc '%.3f' "$imp_s") s, $(mib "$imp_rss") MiB)" \
    ">= 5 M/s" "$(verdict "$imp_lps" ">=" 5)"
row "lackey import | run -q -" "$imprun_aps M accesses/s ($(calc '%.3f' "$imprun_s") s)" "-" "-"
row "  | run --policy lru, 1/10 miss" "$implru_aps M accesses/s ($(calc '%.3f' "$implru_s") s)" ">= 3 M/s" \
    "$(verdict "$implru_aps" ">=" 3)"
row "fork cow, $(count "$pages") present pages" \
    "$(ms "$cow_fork_s") ms, $cow_eps M entries/s ($cow_ns ns/entry)" ">= 200 M/s" "$(verdict "$cow_eps" ">=" 200)"
if [ "$pages" = 1048576 ]; then
    row "  Linux 6.18 on this machine kind" "~69 ms (67 ns/entry); vmsim ${ratio}x faster" "-" "-"
else
    row "  Linux 6.18 on this machine kind" "~69 ms (67 ns/entry) at 1Mi pages" "-" "-"
fi
row "child writes every page (cow_copy)" "$(ms "$cow_write_s") ms, $cow_fps M faults/s" ">= 20 M/s" \
    "$(verdict "$cow_fps" ">=" 20)"
row "fork sharept, same process" "$(ms "$spt_fork_s") ms, ${spt_cheaper}x cheaper than cow" "-" "-"
row "  child writes every page" "$(ms "$spt_write_s") ms ($spt_unshared of $spt_shared leaves unshared)" "-" "-"
row "fork copy (eager), same process" \
    "$(ms "$copy_fork_s") ms, $(calc '%.1f' "$copy_pages / $copy_fork_s / 1e6") M pages copied/s" "-" "-"
# the reverse map's own memory per mapped page (each process's entries count:
# 2 x pages of them after the fork): its heads in the frames' records, its
# link blocks, mirrors' bits and table of leaves
rmap_pp_fork=$(calc '%.1f' "$cow_rmap_fork / (2 * $pages)")
rmap_pp_write=$(calc '%.1f' "$cow_rmap_write / (2 * $pages)")
row "reverse map, bytes per mapped page" "$rmap_pp_fork after the cow fork, $rmap_pp_write after the writes" "<= 16" \
    "$(verdict "$(calc '%.1f' "$rmap_pp_fork > $rmap_pp_write ? $rmap_pp_fork : $rmap_pp_write")" "<=" 16)"
row "bytes per simulated frame" \
    "$(get frame_bytes "$tmp/frames.out") (+ $(get pt_bytes_per_page "$tmp/frames.out") per mapped page)" "-" "-"
row "vmsim run --mem 64G /dev/null" "$big_rss_mib MiB peak RSS, $big_ms ms" "< 512 MiB" "$big_ok"
for pol in fifo lru clock random opt; do
    s=$(median wall_s "$tmp"/swap-"$pol".*)
    eps=$(calc '%.2f' "$swap_nlines / $s / 1e6")
    want=5
    [ "$pol" = opt ] && want=1
    row "swap, $pol ($(count "$swap_pages") pages, $(count "$swap_frames") fr.)" \
        "$eps M events/s ($(calc '%.2f' "$s") s, $(mib "$(median maxrss_kib "$tmp"/swap-"$pol".*)") MiB)" ">= $want M/s" \
        "$(verdict "$eps" ">=" "$want")"
done
for pol in none fifo lru clock random opt; do
    b=$(per_page "$pol")
    if [ "$pol" = none ]; then
        row "bytes per mapped page, no replacement" "$b" "<= 48" "$(verdict "$b" "<=" 48)"
    else
        note=
        [ "$pol" = opt ] && note=" (with opt's index of the future)"
        row "bytes per mapped page, $pol" "$b$note" "<= 48" "$(verdict "$b" "<=" 48)"
    fi
done
row "vmsim run --mem 64G --swap 64G" "$(calc '%.1f' "$bigswap_rss / 1024") MiB peak RSS, $(ms "$bigswap_s") ms" \
    "< 512 MiB" "$bigswap_ok"
if [ -n "$html_ms" ]; then
    row "HTML view, slowest step of 10k events" "$html_ms ms (150 steps, headless chromium)" "<= 50 ms" \
        "$(verdict "$html_ms" "<=" 50)"
else
    row "HTML view, slowest step of 10k events" "skipped: no chromium" "<= 50 ms" "-"
fi
row "peak RSS, trace run" "$(mib "$trace_rss") MiB" "-" "-"
row "peak RSS, $(count "$pages")-page fork bench" "cow $(mib "$cow_rss"), sharept $(mib "$spt_rss"), copy $(mib "$copy_rss") MiB" \
    "-" "-"
echo
echo "parent's first touch of the $touch_faults pages (demand_zero): $(ms "$touch_s") ms," \
    "$(calc '%.1f' "$touch_faults / $touch_s / 1e6") M faults/s"
echo "fork cow: the child's $cow_tables new tables cost $cow_minflt page faults of this host inside the fork"
