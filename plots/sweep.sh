#!/bin/sh
# sweep.sh KIND ARGS -- one point of a `make plots` sweep, as CSV (a header line, then rows)
# on standard output. $VMSIM is the simulator (default build/release/vmsim).
#
#   forklat MIB          rss_mib,fork,latency_ns,latency_ms: the simulated latency of one
#                        fork of a process of MIB MiB, for cow, copy, sharept and vfork (the
#                        cost_ns the fork adds to the timeline)
#   childwrites FRACTION child_writes, then `vmsim compare --fork cow,copy,sharept` CSV
#   sparsity ARCH STRIDE stride_pages, then `vmsim compare --arch ARCH --fork cow,copy,sharept`
#                        CSV (256 pages STRIDE pages apart, then a fork)
#   timeline TRACE MODE  the `vmsim run --fork MODE --timeline` CSV of TRACE
#   faults NAME TRACE [FLAGS...]
#                        workload, then `vmsim run --format csv` of TRACE with FLAGS
#   hitrate TRACE FRAMES `vmsim compare --policy fifo,lru,clock,opt,random --frames FRAMES`
#                        CSV of TRACE (hits, misses, evictions, swap reads and writes);
#                        FRAMES a comma list, or FIRST-LAST. The trace's expect lines are
#                        left out: they hold for its own machine only
#   policy-timeline TRACE POLICY
#                        the `vmsim run --policy POLICY --timeline` CSV of TRACE
#   tlb PAGES TRIALS ENTRIES/WAYS...
#                        pages,tlb,entries,ways,hits,misses,hit_rate: OSTEP's TLB loop (vmsim gen
#                        --profile tlb --turns 0) over PAGES pages, TRIALS times, on each TLB of
#                        ENTRIES entries and WAYS ways; hits and misses after the first trial
#                        (its cold misses are left out: the run of one trial is taken away)
#   pingpong PAGES TURNS TLB...
#                        turn_pages,tlb,turns,misses,walk_steps,flushes,cost_ns,cost_per_turn_ns:
#                        two processes taking TURNS turns over PAGES pages each (vmsim gen
#                        --profile tlb --pages 0), on each TLB, written ENTRIES/WAYS or
#                        ENTRIES/WAYS/asid; cost_ns is the cost model's TLB work
#                        (cost.walk_step + cost.tlb_invalidate + cost.tlb_flush)
# TRACE runs on its own machine: its `options` lines (as `vmsim gen` writes them), which the
# options a kind sets on the command line (--fork, --frames, --policy) override, and the
# flags of a `# flags:` line (the test suite's header) if it has one, without those options.
set -eu
vm=${VMSIM:-build/release/vmsim}
here=$(dirname "$0")
kind=${1:?usage: sweep.sh forklat|childwrites|sparsity|timeline|faults|hitrate|policy-timeline|tlb|pingpong ARGS}
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# prefix NAME VALUE: puts a first column NAME (header) / VALUE (rows) before each line
prefix() {
    awk -v n="$1" -v v="$2" 'NR == 1 { print n "," $0; next } { print v "," $0 }'
}

# flags TRACE [OPTION...]: the words of the trace's `# flags:` line, without the OPTIONs
# and their values
flags() {
    f=$1
    shift
    sed -n 's/^# flags://p' "$f" | head -n 1 | tr -d '\r' | awk -v drop=" $* " '{
        for (i = 1; i <= NF; i++) {
            if (index(drop, " " $i " ")) { i++; continue }
            printf "%s%s", sep, $i; sep = " "
        }
        print "" }'
}

case $kind in
forklat)
    mib=${1:?forklat MIB}
    echo "rss_mib,fork,latency_ns,latency_ms"
    sh "$here/traces.sh" forklat "$mib" fork >"$tmp/fork.trace"
    sh "$here/traces.sh" forklat "$mib" vfork >"$tmp/vfork.trace"
    for mode in cow copy sharept vfork; do
        if [ "$mode" = vfork ]; then
            "$vm" run -q --mem 16G --timeline "$tmp/tl.csv" "$tmp/vfork.trace"
        else
            "$vm" run -q --mem 16G --fork "$mode" --timeline "$tmp/tl.csv" "$tmp/fork.trace"
        fi
        # the fork's latency: what its row adds to the running cost
        awk -F, -v mib="$mib" -v mode="$mode" '
            NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
            $c["op"] == "fork" || $c["op"] == "vfork" {
                ns = $c["cost_ns"] - prev
                printf "%s,%s,%.0f,%.6f\n", mib, mode, ns, ns / 1e6
            }
            { prev = $c["cost_ns"] }' "$tmp/tl.csv"
    done
    ;;
childwrites)
    frac=${1:?childwrites FRACTION}
    sh "$here/traces.sh" childwrites "$frac" >"$tmp/t.trace"
    "$vm" compare --mem 256M --fork cow,copy,sharept --format csv "$tmp/t.trace" | prefix child_writes "$frac"
    ;;
sparsity)
    arch=${1:?sparsity ARCH STRIDE}
    stride=${2:?sparsity ARCH STRIDE}
    case $arch in
    x86_64) upages=34359738368 ;; # 2^47 bytes of user space
    sv39) upages=67108864 ;;      # 2^38
    i386) upages=524288 ;;        # 2^31
    *)
        echo "sweep.sh: no user size known for arch $arch" >&2
        exit 2
        ;;
    esac
    sh "$here/traces.sh" sparsity "$upages" "$stride" >"$tmp/t.trace"
    "$vm" compare --arch "$arch" --fork cow,copy,sharept --format csv "$tmp/t.trace" | prefix stride_pages "$stride"
    ;;
timeline)
    trace=${1:?timeline TRACE MODE}
    mode=${2:?timeline TRACE MODE}
    # shellcheck disable=SC2046 # the flags are words
    "$vm" run -q $(flags "$trace" --fork) --fork "$mode" --timeline "$tmp/tl.csv" "$trace"
    cat "$tmp/tl.csv"
    ;;
faults)
    name=${1:?faults NAME TRACE [FLAGS]}
    trace=${2:?faults NAME TRACE [FLAGS]}
    shift 2
    # shellcheck disable=SC2046
    "$vm" run --format csv $(flags "$trace") "$@" "$trace" | prefix workload "$name"
    ;;
hitrate)
    trace=${1:?hitrate TRACE FRAMES}
    frames=${2:?hitrate TRACE FRAMES}
    case $frames in
    *-*) frames=$(awk -v a="${frames%-*}" -v b="${frames#*-}" 'BEGIN { for (i = a; i <= b; i++) printf "%s%d", (i > a ? "," : ""), i }') ;;
    esac
    grep -v '^[[:space:]]*expect[[:space:]]' "$trace" >"$tmp/t.trace"
    # shellcheck disable=SC2046
    "$vm" compare $(flags "$trace" --frames --policy) --policy fifo,lru,clock,opt,random --frames "$frames" \
        --fields accesses.hits,accesses.misses,memory.evictions,memory.evictions_dirty,memory.swap_writes,memory.swap_reads \
        --format csv "$tmp/t.trace"
    ;;
policy-timeline)
    trace=${1:?policy-timeline TRACE POLICY}
    policy=${2:?policy-timeline TRACE POLICY}
    # shellcheck disable=SC2046
    "$vm" run -q $(flags "$trace" --policy) --policy "$policy" --timeline "$tmp/tl.csv" "$trace" >/dev/null
    cat "$tmp/tl.csv"
    ;;
tlb)
    pages=${1:?tlb PAGES TRIALS ENTRIES/WAYS...}
    trials=${2:?tlb PAGES TRIALS ENTRIES/WAYS...}
    shift 2
    echo "pages,tlb,entries,ways,hits,misses,hit_rate"
    for t in "$@"; do
        n=${t%/*} w=${t#*/}
        for k in "$trials" 1; do
            "$vm" gen --profile tlb --turns 0 --pages "$pages" --trials "$k" --tlb "$n" --tlb-ways "$w" |
                "$vm" run --format csv - | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                    { print $c["tlb.hits"], $c["tlb.misses"] }'
        done | awk -v p="$pages" -v n="$n" -v w="$w" 'NR == 1 { h = $1; m = $2; next }
            { h -= $1; m -= $2; printf "%s,%s/%s,%s,%s,%d,%d,%.6f\n", p, n, w, n, w, h, m, h + m ? h / (h + m) : 0 }'
    done
    ;;
pingpong)
    pages=${1:?pingpong PAGES TURNS TLB...}
    turns=${2:?pingpong PAGES TURNS TLB...}
    shift 2
    echo "turn_pages,tlb,turns,misses,walk_steps,flushes,cost_ns,cost_per_turn_ns"
    for t in "$@"; do
        n=${t%%/*} rest=${t#*/} asid=off
        w=${rest%%/*}
        case $rest in */asid) asid=on ;; esac
        "$vm" gen --profile tlb --pages 0 --turns "$turns" --turn-pages "$pages" --tlb "$n" --tlb-ways "$w" --asid $asid |
            "$vm" run --format csv - | awk -F, -v p="$pages" -v t="$t" -v turns="$turns" '
                NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                { ns = $c["cost.walk_step"] + $c["cost.tlb_invalidate"] + $c["cost.tlb_flush"]
                  printf "%s,%s,%s,%s,%s,%s,%s,%.1f\n", p, t, turns, $c["tlb.misses"], $c["tlb.walk_steps"],
                      $c["tlb.flushes"], ns, ns / turns }'
    done
    ;;
*)
    echo "sweep.sh: unknown kind '$kind'" >&2
    exit 2
    ;;
esac
