#!/bin/sh
# differential.sh VMSIM TRACEGEN [N] -- metamorphic and differential tests of
# the fork modes on N random traces (default 40).
#
# For each seed, TRACEGEN -e makes a valid trace (the seeds cycle through the
# profiles) with an `expect page PID ADDR value == 0` after every read: vmsim
# reports the actual value of each one that is not 0, so the expectation
# failures on standard error are the values read. The trace runs with --check
# in 15 configurations -- --fork cow, copy and sharept, each plain, with
# --zero-page, --lazy-fork, --linux and --pt-frames -- with frames enough
# that nothing runs out, and these relations must hold:
#
#   check     every run exits 0 or 1: no trace error, no --check failure,
#             no sanitizer report; and writes its summary
#   counts    every summary's events.total is the trace's event lines, and
#             expect.passed + expect.failed its expect lines
#   known     the expectations whose answer the generator knows pass
#   budget    nothing ran out: no reclaim, no OOM kill, no failed fork
#   reads     standard error (every value read, every skipped event) is the
#             same in all 15 runs: the fork mode, --zero-page, --lazy-fork
#             and --pt-frames never change what a process reads
#   summary   events.*, accesses.reads and writes (hits and misses follow
#             the faults), processes.*, expect.*, faults.segv,
#             memory.cache, cache_loads, cache_drops and per process pid,
#             ppid, state, program, exit_status, vmas and faults.segv are the
#             same in all 15 runs; so are `show pstree` and `show vmas` (but
#             for the PRESENT column)
#   present   the pages present depend neither on the fork mode nor on
#             --zero-page: `show vmas` with PRESENT, the addresses and values
#             of `show pages` and per-process pt_pages agree in the runs
#             without --lazy-fork or --linux (and sharept with --lazy-fork),
#             and apart in cow and copy with --lazy-fork, and with --linux
#   faults    demand_zero, zero_page and file faults (total and per process)
#             and per-process rss do not depend on the fork mode
#   lazy      --lazy-fork changes nothing with --fork sharept
#   linux     with --fork sharept (where lazy forks do nothing), --linux
#             changes the summary of --zero-page only by fewer or as many
#             file faults (fault-around) and cow_reuse faults (mprotect of
#             exclusive frames), and so misses (hits), rss, pss, uss and the
#             page tables' counters
#   sharept   sharept and cow differ only in the page-table counters
#             (ptes_copied, pt_pages, pt_pages_peak, pt_shared, pt_unshared):
#             the same frames are taken and copied, at the same events
#   flat      on a one-level arch, sharept is cow (pt_shared 0)
#   ptframes  --pt-frames changes only frames_used, frames_peak and pt, with
#             frames_used(--pt-frames) - pt == frames_used and pt == pt_pages
#   same      one configuration (by seed) run twice with -v gives the same
#             bytes, and the same again without --check; -v changes no summary
#   tlb       that configuration with a TLB (--tlb 8 --tlb-ways 2; --tlb 64
#             --asid; --tlb 3 --tlb-ways 1 --asid, sets no power of two) reads
#             the same values, shows the same views and has the same summary
#             in the contract's sections: a TLB never changes what an access
#             does; its hits and misses add up to the accesses that did not
#             segfault, a hit is an access without a fault, walks = misses,
#             and without --asid every context switch is a flush
#   inert     the same trace with its expect lines blanked out gives the
#             same views, warnings and summary but for expect.*
#   reclaim   with --oom fail and a tenth fewer frames than the mode's peak,
#             a run that ends well and loses no fork reads the same values
#             and changes only memory.*; with --oom kill and a third fewer
#             frames, --check still never fires (these two may stop with a
#             trace error: out of memory, or an event that a lost process
#             made wrong)
#
# Swap and page replacement (SPEC section 10). Each seed takes a policy in
# turn (fifo, lru, clock, opt, random; --seed SEED for random) and runs:
#
#   swapoff   one fork mode (by seed) with --swap 1M --policy P and frames
#             enough: replacement that never has to choose changes nothing
#             but config.swap_slots, policy and seed: the same summary,
#             views and warnings as the same mode without it
#   swap      each fork mode with a third of the mode's peak of frames (at least
#             4), --policy P and more swap than the run can fill, with
#             --check: every run exits 0 or 1 (copy may stop with a trace
#             error: a copy fork needs free frames, never evicts, and fails
#             under pressure, which may make a later event wrong), and
#               evictions_dirty = swap_writes + writebacks, misses =
#               faults.total - faults.segv, swap_reads <= faults.swap_in,
#               swap_used <= swap_peak; with nobody killed, hits + misses +
#               faults.segv = reads + writes;
#               the pressure is real: if the mode's peak is above the frames,
#               something was evicted or dropped, or a fork failed;
#             and when no fork failed and nobody was killed (always so for
#             cow and sharept: their forks take no frame, and with at least
#             3 frames and free slots there is always a victim), swapping
#             changes no value: standard error (the values read) is the
#             same as the plain run's, and so are events.*, accesses.reads
#             and writes, processes.*, expect.*, faults.segv, demand_zero
#             and zero_page (a page that comes back is a swap_in, never a
#             new page), per process pid, ppid, state, program,
#             exit_status, vmas, faults.segv and demand_zero, and the views
#             `show pstree` and `show vmas` (but for PRESENT). What may
#             differ is what evictions change: memory.* (frames, evictions,
#             swap traffic, file pages dropped and loaded again, tables
#             emptied by evictions), the faults that bring pages back
#             (file, swap_in, and cow_copy and cow_reuse, which a swap_in
#             resolves inside itself), hits and misses, and per process
#             rss, pss, uss, pt_pages and swap
#   swapshare under pressure, sharept and cow differ only in the page-table
#             counters, as without swap, for every policy but clock: in a
#             leaf that sharept shares, one entry holds the accessed bit for
#             all its sharers, so a process that unshares and drops its
#             entry leaves behind a bit that cow kept in that process's
#             own entry, and clock may choose another victim
#
# sharept, flat and ptframes compare the sections of the summary that
# SPEC.md section 8 lists; a section beyond them (cost) may differ there.
#
# Prints "differential: P passed, F failed" and exits 1 when a seed fails,
# naming the seed, the profile and the relations that broke; the traces of
# the failed seeds are kept in DIFF_KEEP (a folder) when it is set.
#
# Environment: DIFF_SEED (first seed, default 1), DIFF_EVENTS (events per
# trace, default 300), DIFF_PROFILES (the profiles to cycle through),
# DIFF_JOBS (seeds run at once, default the number of processors), DIFF_KEEP,
# DIFF_FLATTEN (python3 or awk: what flattens the JSON summaries; python3
# when there is one, else awk).
export LC_ALL=C
vm=${1:?usage: differential.sh VMSIM TRACEGEN [N]}
gen=${2:?usage: differential.sh VMSIM TRACEGEN [N]}
count=${3:-40}
first=${DIFF_SEED:-1}
events=${DIFF_EVENTS:-300}
profiles=${DIFF_PROFILES:-mixed tiny sv39 i386 deep flat forky segv files}
jobs=${DIFF_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
case $jobs in '' | *[!0-9]* | 0) jobs=1 ;; esac
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
case $gen in /*) ;; *) gen=$PWD/$gen ;; esac
case $DIFF_KEEP in '' | /*) ;; *) DIFF_KEEP=$PWD/$DIFF_KEEP ;; esac
nprof=$(echo "$profiles" | wc -w)
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib/trace_check.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# private copies: a rebuild while the test runs does not get in the way
cp "$vm" "$tmp/vmsim" && cp "$gen" "$tmp/tracegen" || exit 2
vm=$tmp/vmsim gen=$tmp/tracegen

flattener=${DIFF_FLATTEN:-}
if [ -z "$flattener" ]; then
    if command -v python3 >/dev/null 2>&1; then flattener="python3"; else flattener="awk"; fi
fi

# flatten FILE.json... -- writes FILE.flat: sorted "dotted.path value" lines;
# per_process entries are keyed by pid (per_process.PID.field).
flatten() {
    if [ "$flattener" = python3 ]; then
        python3 - "$@" <<'EOF'
import json, sys
def walk(prefix, v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            walk(prefix + "." + k if prefix else k, x, out)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            key = x["pid"] if isinstance(x, dict) and "pid" in x else i
            walk(prefix + "." + str(key), x, out)
    elif v is None:
        out.append(prefix + " null")
    elif isinstance(v, bool):
        out.append(prefix + (" true" if v else " false"))
    elif isinstance(v, float):
        out.append("%s %.3f" % (prefix, v))
    else:
        out.append("%s %s" % (prefix, v))
for path in sys.argv[1:]:
    out = []
    with open(path) as f:
        walk("", json.load(f), out)
    with open(path[:-5] + ".flat", "w") as f:
        f.write("\n".join(sorted(out)) + "\n")
EOF
    else
        for json in "$@"; do
            awk '
            function path(k) { return depth ? stack[depth] "." k : k }
            /^ *"[a-z_]+": *\[ *$/ { k = $0; sub(/^ *"/, "", k); sub(/".*/, "", k); arr = path(k); idx = 0; next }
            arr != "" && /^ *\],? *$/ { arr = ""; next }
            arr != "" {
                line = $0
                gsub(/[{}"]/, "", line); sub(/^ */, "", line); sub(/,? *$/, "", line)
                n = split(line, item, /, /)
                pre = ""; id = idx++
                for (i = 1; i <= n; i++) {
                    m = split(item[i], kv, /: /)
                    if (m == 3) { pre = kv[1] "."; k = kv[2]; v = kv[3] }
                    else { k = kv[1]; v = kv[2] }
                    if (k == "pid" && pre == "") id = v
                    key[i] = pre k; val[i] = v
                }
                for (i = 1; i <= n; i++) print arr "." id "." key[i] " " val[i]
                next
            }
            /^ *"[a-z_]+": *\{ *$/ { k = $0; sub(/^ *"/, "", k); sub(/".*/, "", k); stack[depth + 1] = path(k); depth++; next }
            /^ *\},? *$/ { if (depth) depth--; next }
            /^ *"[a-z_]+": / {
                k = $0; sub(/^ *"/, "", k); sub(/".*/, "", k)
                v = $0; sub(/^[^:]*: */, "", v); sub(/,? *$/, "", v); gsub(/"/, "", v)
                print path(k) " " v
            }' "$json" | sort >"${json%.json}.flat"
        done
    fi
}

# views MODE <OUT -- the `show` views of a run's standard output, for a
# comparison: MODE all keeps pstree and vmas without the PRESENT column;
# MODE present keeps vmas whole and the address and value of every page
# of `show pages` (and its page-table count).
views() {
    awk -v mode="$1" '
    /^== line [0-9]+: show / { kind = $5; print; next }
    kind == "vmas" { if (mode == "all") $NF = ""; print; next }
    kind == "pages" {
        if (mode == "all") next
        if ($1 == "rss") { sub(/^rss [0-9]+, /, ""); print; next }
        print $1, $NF
        next
    }
    { print }'
}

# pick REGEX FILE / drop REGEX FILE -- the lines of a flat file whose key
# matches, or the others
pick() { grep -E "^($1) " "$2"; }
drop() { grep -Ev "^($1) " "$2"; }
# specdrop REGEX FILE -- the keys of the contract's sections (SPEC.md section
# 8) but those matching; sections vmsim adds beyond the contract are left out
specdrop() { pick '(config|events|accesses|faults|memory|processes|expect|per_process)\.[^ ]*' "$2" | grep -Ev "^($1) "; }

bad() { why="${why:+$why; }$1"; }

# same_keys pick|drop|specdrop REGEX RELATION RUN... -- those keys of every run equal
# those of the first
same_keys() {
    mode=$1 re=$2 rel=$3
    shift 3
    ref=$1
    shift
    $mode "$re" "$d/$ref.flat" >"$d/ref.k"
    for r in "$@"; do
        $mode "$re" "$d/$r.flat" >"$d/cur.k"
        cmp -s "$d/ref.k" "$d/cur.k" ||
            bad "$rel: $ref vs $r: $(diff "$d/ref.k" "$d/cur.k" | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
    done
}

# same_file SUFFIX RELATION RUN... -- the files $d/RUN.SUFFIX are equal
same_file() {
    suf=$1 rel=$2
    shift 2
    ref=$1
    shift
    for r in "$@"; do
        cmp -s "$d/$ref.$suf" "$d/$r.$suf" ||
            bad "$rel: $ref vs $r: $(diff "$d/$ref.$suf" "$d/$r.$suf" | grep '^[<>]' | head -n 2 | tr '\n' ' ')"
    done
}

value() { sed -n "s/^$1 //p" "$d/$2.flat"; }

# nth N WORD... -- the Nth word
nth() {
    shift "$1"
    echo "$1"
}

configs="cow copy sharept cow_zp copy_zp sharept_zp cow_lz copy_lz sharept_lz cow_lx copy_lx sharept_lx cow_pt copy_pt sharept_pt"
opts_of() {
    case $1 in
    *_zp) o=--zero-page ;;
    *_lz) o=--lazy-fork ;;
    *_lx) o=--linux ;;
    *_pt) o=--pt-frames ;;
    *) o= ;;
    esac
    echo "--fork ${1%%_*} $o"
}

# run NAME DIR OPTIONS... -- runs DIR/t.trace: $d/NAME.out, .err, .json, .rc
run() {
    name=$1 dir=$2
    shift 2
    # shellcheck disable=SC2086
    (cd "$dir" && "$vm" run $arch --frames "${frames:-16384}" --max-warnings 1000000 "$@" --format json \
        -o "$d/$name.json" t.trace >"$d/$name.out" 2>"$d/$name.err")
    echo $? >"$d/$name.rc"
}

# one SEED -- every relation on one trace; prints a FAIL line when one breaks
# shellcheck disable=SC2086
one() {
    s=$1
    d=$tmp/$s
    mkdir -p "$d/inert"
    prof=$(nth $((s % nprof + 1)) $profiles)
    why=""
    "$gen" -e "$s" "$events" "$prof" >"$d/t.trace" || bad "tracegen failed"
    arch=$(sed -n 's/^# flags: //p' "$d/t.trace" | head -n 1)
    for c in $configs; do
        # shellcheck disable=SC2046
        run "$c" "$d" --check $(opts_of "$c")
    done
    det=$(nth $((s % 15 + 1)) $configs)
    # shellcheck disable=SC2046
    run v1 "$d" -v --check $(opts_of "$det")
    # shellcheck disable=SC2046
    run v2 "$d" -v --check $(opts_of "$det")
    # shellcheck disable=SC2046
    run v3 "$d" -v $(opts_of "$det")
    # shellcheck disable=SC2046
    run tlb1 "$d" --check --tlb 8 --tlb-ways 2 $(opts_of "$det")
    # shellcheck disable=SC2046
    run tlb2 "$d" --check --tlb 64 --asid $(opts_of "$det")
    # shellcheck disable=SC2046
    run tlb3 "$d" --check --tlb 3 --tlb-ways 1 --asid $(opts_of "$det")
    sed 's/^expect .*//' "$d/t.trace" >"$d/inert/t.trace"
    # shellcheck disable=SC2046
    run inert "$d/inert" --check $(opts_of "$det")
    # swapoff: replacement on, nothing to replace
    pol=$(nth $((s % 5 + 1)) fifo lru clock opt random)
    swm=$(nth $((s % 3 + 1)) cow copy sharept)
    run swapoff "$d" --check --fork "$swm" --swap 1M --policy "$pol" --seed "$s"

    # check
    for c in $configs v1 v2 v3 inert swapoff tlb1 tlb2 tlb3; do
        rc=$(cat "$d/$c.rc")
        [ "$rc" = 0 ] || [ "$rc" = 1 ] ||
            bad "check: $c exit $rc: $(grep -v 'expectation failed\|warning' "$d/$c.err" | head -n 2 | tr '\n' ' ')"
        [ -s "$d/$c.json" ] || bad "check: $c wrote no summary"
    done
    # reclaim and pressure: fewer frames than the run needs (the peak of each
    # mode, less a tenth; a third for the OOM killer)
    if [ -z "$why" ]; then
        flatten "$d/cow.json" "$d/copy.json" "$d/sharept.json" "$d/$det.json"
        for m in cow copy sharept; do
            peak=$(value memory.frames_peak "$m")
            frames=$((${peak:-0} * 9 / 10))
            [ "$frames" -gt 0 ] || frames=1
            # shellcheck disable=SC2046
            run "rc_$m" "$d" --check --oom fail $(opts_of "$m")
        done
        peak=$(value memory.frames_peak "$det")
        frames=$((${peak:-0} * 2 / 3 + 1))
        # shellcheck disable=SC2046
        run oom "$d" --check --oom kill $(opts_of "$det")
        # swap: half the frames, each fork mode, the seed's policy
        for m in cow copy sharept; do
            peak=$(value memory.frames_peak "$m")
            frames=$((${peak:-0} / 3))
            [ "$frames" -ge 4 ] || frames=4
            # shellcheck disable=SC2046
            run "sw_$m" "$d" --check --swap "$((${peak:-0} + 64))p" --policy "$pol" --seed "$s" $(opts_of "$m")
            echo "$frames" >"$d/sw_$m.frames"
        done
        frames=
    fi

    # with few frames, a trace may stop with an error: out of memory, or an
    # event that a failed fork or an OOM kill made wrong -- never --check
    for c in rc_cow rc_copy rc_sharept oom sw_cow sw_copy sw_sharept; do
        [ -f "$d/$c.rc" ] || continue
        rc=$(cat "$d/$c.rc")
        if [ "$rc" = 2 ] && { [ "$c" = sw_cow ] || [ "$c" = sw_sharept ]; }; then
            bad "swap: $c exit 2: $(tail -n 1 "$d/$c.err")"
            rm -f "$d/$c.json"
        elif [ "$rc" = 2 ]; then
            last=$(tail -n 1 "$d/$c.err")
            case $last in
            *--check*) bad "check: $c exit 2: $last" ;;
            *": error: "*) ;;
            *) bad "check: $c exit 2: $last" ;;
            esac
            rm -f "$d/$c.json"
        elif [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
            bad "check: $c exit $rc: $(tail -n 1 "$d/$c.err")"
        fi
    done
    # sanitizers (an ASan build exits with 1 too)
    for c in "$d"/*.err; do
        grep -q 'Sanitizer\|runtime error:' "$c" && bad "check: $(basename "$c" .err): $(grep -m 1 'Sanitizer\|runtime error:' "$c")"
    done
    if [ -z "$why" ]; then
        flatten "$d"/*.json
        relations
    fi
    if [ -n "$why" ]; then
        echo "FAIL seed $s ($prof): $why"
        if [ -n "$DIFF_KEEP" ]; then
            mkdir -p "$DIFF_KEEP"
            cp "$d/t.trace" "$DIFF_KEEP/seed$s.trace"
        fi
    fi
    rm -rf "$d"
    [ -z "$why" ]
}

relations() {
    # counts
    # shellcheck disable=SC2046
    set -- $(trace_counts "$d/t.trace")
    for c in $configs v1 v2 v3 inert swapoff sw_cow sw_copy sw_sharept; do
        [ -f "$d/$c.flat" ] || continue
        ex=$2
        [ "$c" = inert ] && ex=0
        [ "$(value events.total "$c")" = "$1" ] || bad "counts: $c events.total $(value events.total "$c"), want $1"
        ep=$(value expect.passed "$c") ef=$(value expect.failed "$c")
        case "$ep$ef" in '' | *[!0-9]*) bad "counts: $c has no expect.passed and expect.failed" ;;
        *) [ $((ep + ef)) = "$ex" ] || bad "counts: $c expect.passed $ep + expect.failed $ef, want $ex expect lines" ;;
        esac
    done

    # known
    awk '/# known$/ { print NR }' "$d/t.trace" >"$d/known"
    sed -n 's/^[^:]*:\([0-9]*\): expectation failed: .*/\1/p' "$d/cow.err" >"$d/failed"
    kf=$(grep -Fxf "$d/known" "$d/failed" | head -n 1)
    [ -n "$kf" ] && bad "known: $(grep -F "t.trace:$kf: " "$d/cow.err")"

    # budget
    for c in $configs; do
        for key in processes.killed_oom processes.fork_failed memory.cache_drops; do
            [ "$(value $key "$c")" = 0 ] || bad "budget: $c $key $(value $key "$c")"
        done
    done

    # reads
    # shellcheck disable=SC2086
    same_file err reads $configs

    # summary
    # shellcheck disable=SC2086
    same_keys pick 'events\.[a-z_]+|accesses\.(reads|writes)|processes\.[a-z_]+|expect\.[a-z_]+|faults\.segv|memory\.(cache|cache_loads|cache_drops)|config\.(arch|va_bits|page_size|levels|frames|oom)|per_process\.[0-9]+\.(pid|ppid|state|program|exit_status|vmas|faults\.segv)' \
        summary $configs
    for c in $configs swapoff sw_cow sw_copy sw_sharept; do
        [ -f "$d/$c.out" ] || continue
        views all <"$d/$c.out" >"$d/$c.all"
        views present <"$d/$c.out" >"$d/$c.present"
    done
    # shellcheck disable=SC2086
    same_file all summary $configs

    # present
    g1="cow copy sharept cow_zp copy_zp sharept_zp sharept_lz cow_pt copy_pt sharept_pt"
    # shellcheck disable=SC2086
    same_file present present $g1
    same_file present present cow_lz copy_lz
    same_file present present cow_lx copy_lx
    pt_re='per_process\.[0-9]+\.pt_pages'
    # shellcheck disable=SC2086
    same_keys pick "$pt_re" present $g1
    same_keys pick "$pt_re" present cow_lz copy_lz
    same_keys pick "$pt_re" present cow_lx copy_lx

    # faults
    f_re='faults\.(demand_zero|zero_page|file)|per_process\.[0-9]+\.(rss|faults\.(demand_zero|zero_page|file))'
    same_keys pick "$f_re" faults cow copy sharept sharept_lz cow_pt copy_pt sharept_pt
    same_keys pick "$f_re" faults cow_zp copy_zp sharept_zp
    same_keys pick "$f_re" faults cow_lz copy_lz
    same_keys pick "$f_re" faults cow_lx copy_lx

    # lazy
    same_keys drop 'config\.lazy_fork' lazy sharept sharept_lz

    # linux
    lx_re='config\.(lazy_fork|fault_around|exclusive_reuse|anon_vma)|accesses\.(hits|misses)|faults\.(total|file|cow_reuse)|memory\.(ptes_copied|pt_pages|pt_pages_peak|pt_shared|pt_unshared)'
    lx_re="$lx_re|per_process\.[0-9]+\.(rss|pss|uss|pt_pages|faults\.(total|file|cow_reuse))"
    same_keys specdrop "$lx_re" linux sharept_zp sharept_lx
    for k in faults.file faults.cow_reuse accesses.misses; do
        [ "$(value $k sharept_lx)" -le "$(value $k sharept_zp)" ] ||
            bad "linux: $k $(value $k sharept_lx) with --linux, $(value $k sharept_zp) without"
    done

    # sharept
    sp_re='config\.fork|memory\.(ptes_copied|pt_pages|pt_pages_peak|pt_shared|pt_unshared)'
    same_keys specdrop "$sp_re" sharept cow sharept
    same_keys specdrop "$sp_re" sharept cow_zp sharept_zp

    # flat
    if grep -q '^# flags:.*levels=1' "$d/t.trace"; then
        same_keys specdrop 'config\.fork' flat cow sharept
        same_keys specdrop 'config\.fork' flat cow_zp sharept_zp
        [ "$(value memory.pt_shared sharept)" = 0 ] || bad "flat: pt_shared $(value memory.pt_shared sharept)"
    fi

    # ptframes
    for m in cow copy sharept; do
        same_keys specdrop 'config\.pt_frames|memory\.(frames_used|frames_peak|pt)' ptframes "$m" "${m}_pt"
        used=$(value memory.frames_used "$m")
        used_pt=$(value memory.frames_used "${m}_pt")
        pt=$(value memory.pt "${m}_pt")
        ptp=$(value memory.pt_pages "${m}_pt")
        [ $((used_pt - pt)) = "$used" ] ||
            bad "ptframes: $m frames_used $used, with --pt-frames $used_pt and pt $pt"
        [ "$pt" = "$ptp" ] || bad "ptframes: ${m}_pt memory.pt $pt, memory.pt_pages $ptp"
        [ "$(value memory.pt "$m")" = 0 ] || bad "ptframes: $m memory.pt $(value memory.pt "$m") without --pt-frames"
    done

    # tlb
    same_file err tlb "$det" tlb1 tlb2 tlb3
    for c in tlb1 tlb2 tlb3; do
        views all <"$d/$c.out" >"$d/$c.all"
    done
    same_file all tlb "$det" tlb1 tlb2 tlb3
    same_keys specdrop '' tlb "$det" tlb1 tlb2 tlb3
    for c in tlb1 tlb2 tlb3; do
        h=$(value tlb.hits "$c") m=$(value tlb.misses "$c") w=$(value tlb.walks "$c")
        acc=$(($(value accesses.reads "$c") + $(value accesses.writes "$c") - $(value faults.segv "$c")))
        [ $((h + m)) = "$acc" ] || bad "tlb: $c hits $h + misses $m, want $acc accesses that did not segfault"
        [ "$h" -le "$(value accesses.hits "$c")" ] || bad "tlb: $c more TLB hits ($h) than accesses without a fault"
        [ "$w" = "$m" ] || bad "tlb: $c walks $w, misses $m"
    done
    [ "$(value tlb.flushes tlb1)" -ge "$(value tlb.context_switches tlb1)" ] ||
        bad "tlb: tlb1 flushes $(value tlb.flushes tlb1) < context switches $(value tlb.context_switches tlb1)"

    # reclaim: with --oom fail, a run that ends well and loses no fork reads
    # the same values, and the summary changes only in memory.*
    for m in cow copy sharept; do
        [ -f "$d/rc_$m.flat" ] || continue
        [ "$(value processes.fork_failed "rc_$m")" = 0 ] || continue
        same_file err reclaim "$m" "rc_$m"
        same_keys specdrop 'memory\.[a-z_]+|config\.(frames|oom)' reclaim "$m" "rc_$m"
    done

    # same
    for suf in out err json; do
        cmp -s "$d/v1.$suf" "$d/v2.$suf" || bad "same: $det with -v twice: the $suf differs"
        cmp -s "$d/v1.$suf" "$d/v3.$suf" || bad "same: $det with -v, with and without --check: the $suf differs"
    done
    cmp -s "$d/v1.json" "$d/$det.json" || bad "same: $det summary with and without -v differs"

    # swapoff
    same_keys specdrop 'config\.(swap_slots|policy|seed)' swapoff "$swm" swapoff
    same_file out swapoff "$swm" swapoff
    same_file err swapoff "$swm" swapoff

    # swap
    for m in cow copy sharept; do
        c=sw_$m
        [ -f "$d/$c.flat" ] || continue
        ed=$(value memory.evictions_dirty "$c") sw=$(value memory.swap_writes "$c") wb=$(value memory.writebacks "$c")
        [ "$ed" = $((sw + wb)) ] || bad "swap: $c evictions_dirty $ed, swap_writes $sw + writebacks $wb"
        mi=$(value accesses.misses "$c") ft=$(value faults.total "$c") fs=$(value faults.segv "$c")
        [ "$mi" = $((ft - fs)) ] || bad "swap: $c misses $mi, faults.total $ft - faults.segv $fs"
        sr=$(value memory.swap_reads "$c") si=$(value faults.swap_in "$c")
        [ "$sr" -le "$si" ] || bad "swap: $c swap_reads $sr > faults.swap_in $si"
        su=$(value memory.swap_used "$c") sp=$(value memory.swap_peak "$c")
        [ "$su" -le "$sp" ] || bad "swap: $c swap_used $su > swap_peak $sp"
        killed=$(value processes.killed_oom "$c") failed=$(value processes.fork_failed "$c")
        if [ "$killed" = 0 ]; then
            hi=$(value accesses.hits "$c") rd=$(value accesses.reads "$c") wr=$(value accesses.writes "$c")
            [ $((hi + mi + fs)) = $((rd + wr)) ] ||
                bad "swap: $c hits $hi + misses $mi + segv $fs, reads $rd + writes $wr"
        fi
        peak=$(value memory.frames_peak "$m")
        if [ "$peak" -gt "$(cat "$d/$c.frames")" ]; then
            ev=$(value memory.evictions "$c") dr=$(value memory.cache_drops "$c")
            [ $((ev + dr + failed + killed)) -gt 0 ] ||
                bad "swap: $c on $(cat "$d/$c.frames") frames (peak $peak without swap) evicted, dropped and failed nothing"
        fi
        [ "$killed$failed" = 00 ] || continue
        same_file err swap "$m" "$c"
        same_keys pick 'events\.[a-z_]+|accesses\.(reads|writes)|processes\.[a-z_]+|expect\.[a-z_]+|faults\.(segv|demand_zero|zero_page)|per_process\.[0-9]+\.(pid|ppid|state|program|exit_status|vmas|faults\.(segv|demand_zero))' \
            swap "$m" "$c"
        same_file all swap "$m" "$c"
    done

    # swapshare
    if [ "$pol" != clock ] && [ -f "$d/sw_cow.flat" ] && [ -f "$d/sw_sharept.flat" ] &&
        [ "$(cat "$d/sw_cow.frames")" = "$(cat "$d/sw_sharept.frames")" ]; then
        same_keys specdrop "$sp_re" swapshare sw_cow sw_sharept
    fi

    # inert
    same_keys drop 'expect\.[a-z_]+' inert "$det" inert
    cmp -s "$d/$det.out" "$d/inert.out" || bad "inert: $det views differ without the expect lines"
    grep -v 'expectation failed' "$d/$det.err" | cmp -s - "$d/inert.err" ||
        bad "inert: $det warnings differ without the expect lines"
}

start=$(date +%s)
j=0
while [ "$j" -lt "$jobs" ]; do
    (
        npass=0 nfail=0
        seed=$((first + j))
        while [ "$seed" -lt $((first + count)) ]; do
            if one "$seed"; then npass=$((npass + 1)); else nfail=$((nfail + 1)); fi
            seed=$((seed + jobs))
        done
        echo "$npass $nfail" >"$tmp/res.$j"
    ) >"$tmp/log.$j" &
    j=$((j + 1))
done
wait
pass=0 fail=0
j=0
while [ "$j" -lt "$jobs" ]; do
    if [ -f "$tmp/res.$j" ]; then
        read -r npass nfail <"$tmp/res.$j"
    else
        npass=0 nfail=1
        echo "FAIL job $j did not finish" >>"$tmp/log.$j"
    fi
    pass=$((pass + npass)) fail=$((fail + nfail))
    j=$((j + 1))
done
cat "$tmp"/log.* | sort -t' ' -k3,3n
end=$(date +%s)
[ "$fail" = 0 ] || echo "a seed's trace: $2 -e SEED $events PROFILE"
echo "differential: $pass passed, $fail failed ($((end - start)) s; $events events a trace, $jobs jobs, JSON by $flattener)"
[ "$fail" = 0 ]
