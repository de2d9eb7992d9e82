#!/bin/sh
# gen.sh VMSIM [SEEDS] -- the trace generators (vmsim gen): for every profile
# and SEEDS seeds (default 50), and a few variants of the parameters,
#   - the trace runs with --check, on the machine it was made for (its
#     options line, without a flag of the command line), in every fork mode (cow; copy with --pt-frames; sharept with --linux), and exits
#     0: never a trace error, and no expectation to fail; its summary counts
#     its events and expectations (tests/lib/trace_check.sh);
#   - the same options give the same bytes twice;
#   - the # ARG lines make the same trace again, also given last first and
#     as --name=value;
#   - the examples in traces/workloads are still what their ARG lines make.
# Bad options exit 2 with a message. Prints "gen: N passed, M failed".
vm=${1:?usage: gen.sh VMSIM [SEEDS]}
seeds=${2:-50}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib/trace_check.sh"
tmp=$(mktemp -d) tc_tmp=$tmp
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    [ "$fail" -le 20 ] && echo "FAIL $*"
}

# run_one NAME GEN-ARGS...: generates, checks, reruns, regenerates
run_one() {
    name=$1
    shift
    if ! "$vm" gen "$@" >"$tmp/a.trace" 2>"$tmp/err"; then
        bad "$name: vmsim gen $* exited $?: $(head -n 1 "$tmp/err")"
        return
    fi
    events=$(trace_counts "$tmp/a.trace" | cut -d' ' -f1)
    if ! grep -q '^# ARG profile ' "$tmp/a.trace" || [ "$events" = 0 ]; then
        bad "$name: vmsim gen $* made no trace (no # ARG profile line or no event)"
        return
    fi
    "$vm" gen "$@" >"$tmp/b.trace" 2>/dev/null
    if ! cmp -s "$tmp/a.trace" "$tmp/b.trace"; then
        bad "$name: vmsim gen $* gave different bytes twice"
        return
    fi
    # the ARG lines give the same trace back, also last first and as --name=value
    args=$(sed -n 's/^# ARG \([^ ]*\) \(.*\)$/--\1 \2/p' "$tmp/a.trace" | tr '\n' ' ')
    args2=$(sed -n 's/^# ARG \([^ ]*\) \(.*\)$/--\1=\2/p' "$tmp/a.trace" | awk '{ l[NR] = $0 } END { for (i = NR; i; i--) printf "%s ", l[i] }')
    for a in "$args" "$args2"; do
        # shellcheck disable=SC2086
        "$vm" gen $a >"$tmp/c.trace" 2>/dev/null
        if ! cmp -s "$tmp/a.trace" "$tmp/c.trace"; then
            bad "$name: the ARG lines ($a) do not make the same trace"
            return
        fi
    done
    for mode in "--fork cow" "--fork copy --pt-frames" "--fork sharept --linux"; do
        trace_check "$vm" "$tmp" a.trace "--check $mode"
        if [ -n "$why" ] || [ "$want" != 0 ]; then
            bad "$name: vmsim gen $* | vmsim run --check $flags $mode: ${why:-exit $want in the header}: $(printf '%s\n' "$tc_stderr_head" | grep -v warning | head -n 1)"
            return
        fi
    done
    ok
}

profiles="shell prefork snapshot zygote build cowtest refstring swap tlb forktree cow exec shared pressure mixed"
for p in $profiles; do
    s=1
    while [ "$s" -le "$seeds" ]; do
        run_one "$p/$s" --profile "$p" --seed "$s"
        s=$((s + 1))
    done
done

# other parameters and machines, a few seeds each
while read -r name args; do
    case $name in '#'* | '') continue ;; esac
    for s in 1 2 3 4 5; do
        # shellcheck disable=SC2086
        run_one "$name/$s" $args --seed "$s"
    done
done <<'LIST'
shell-vfork      --profile shell --spawn vfork --commands 5
shell-tiny       --profile shell --arch tiny --commands 4 --pages 3
prefork-sv39     --profile prefork --arch sv39 --workers 6 --write 0.5 --rounds 2 --size 1M
prefork-all      --profile prefork --arch tiny --write 1 --workers 2
prefork-none     --profile prefork --write 0 --size 64K
snapshot-i386    --profile snapshot --arch i386 --size 2M --write 50% --steps 7
snapshot-one     --profile snapshot --arch tiny --size 1p --steps 9 --write 1
zygote-tiny      --profile zygote --arch tiny --apps 4 --share 1 --write 1 --new 0
zygote-custom    --profile zygote --arch va=20,page=256,levels=2 --size 8K --new 1K
build-vfork      --profile build --spawn vfork --jobs 9 --j 3 --size 256K
build-j1         --profile build --arch tiny --j 1 --jobs 3
build-pressure   --profile build --arch tiny --frames 20 --jobs 8 --j 4
cowtest-three    --profile cowtest --variant three
cowtest-tiny     --profile cowtest --arch tiny --frames 12
cowtest-3tiny    --profile cowtest --arch tiny --variant three --frames 40 --steps 3 --rounds 2
refstring-given  --profile refstring --string 1,2,3,4,1,2,5,1,2,3,4,5
refstring-writes --profile refstring --string 7,0,1w,2,0,3w,0,4,2,3,0w,3 --pages 10 --policy lru
refstring-big    --profile refstring --pages 40 --length 400 --locality 0.9 --window 6 --writes 0.25 --policy opt
refstring-any    --profile refstring --arch tiny --pages 256 --length 60 --locality 0 --policy random
refstring-one    --profile refstring --pages 1 --length 5 --frames 1 --policy clock
swap-opt         --profile swap --policy opt --workers 2 --rounds 2
swap-x86         --profile swap --arch x86_64 --frames 24 --size 12p --policy lru
swap-many        --profile swap --workers 6 --rounds 5 --size 4K --write 0.5
swap-none        --profile swap --write 0 --size 1p --workers 1 --rounds 1
tlb-tiny         --profile tlb --arch tiny --pages 6 --trials 2 --turns 4 --turn-pages 2 --tlb 4 --tlb-ways 2
tlb-big          --profile tlb --pages 1024 --trials 2 --tlb 64 --tlb-ways 4 --asid on
tlb-loop         --profile tlb --turns 0 --pages 33 --tlb 32 --tlb-ways 32
tlb-pingpong     --profile tlb --pages 0 --turns 9 --turn-pages 20 --tlb 8 --tlb-ways 1 --asid on
tlb-sv39         --profile tlb --arch sv39 --pages 600 --trials 1 --turns 2 --turn-pages 600
forktree-big     --profile forktree --procs 12 --events 200
forktree-tiny    --profile forktree --arch tiny --procs 8 --events 100
cow-tiny         --profile cow --arch tiny --events 60
exec-sv39        --profile exec --arch sv39 --events 80 --procs 6
shared-tiny      --profile shared --arch tiny --events 80 --procs 5
shared-flat      --profile shared --arch va=16,page=256,levels=1 --events 60
pressure-long    --profile pressure --events 300 --procs 6
pressure-small   --profile pressure --frames 12 --events 100
pressure-x86     --profile pressure --arch x86_64 --frames 40 --events 100
mixed-long       --profile mixed --events 400 --procs 8
mixed-tiny       --profile mixed --arch tiny --events 200 --procs 6
mixed-i386       --profile mixed --arch i386 --events 200
forktree-one     --profile forktree --procs 1 --events 30
mixed-one        --profile mixed --procs 1 --events 30
cow-short        --profile cow --procs 2 --events 1
LIST

# the swap workload makes every kind of eviction and swap-in happen on the
# machine of its options line (-v says what each did), for every policy but
# opt, which keeps what will be used and so avoids some
kinds='dirty, written to slot
clean, slot [0-9]* still holds it
clean, dropped
dirty, written back to the file
the object.s page is in the slot
read into frame [0-9]*, writable: nothing else
read-only (cow): other entries still name the slot
found in the swap cache
the write copied it into frame
the write made it writable again
read from slot [0-9]* into cache frame'
for pol in fifo lru clock random; do
    for s in 1 2 3 4 5; do
        "$vm" gen --profile swap --seed "$s" --policy "$pol" >"$tmp/s.trace"
        "$vm" run -v -q "$tmp/s.trace" >"$tmp/s.out" 2>&1
        missing=$(printf '%s\n' "$kinds" | while IFS= read -r k; do grep -q "$k" "$tmp/s.out" || printf '%s; ' "$k"; done)
        if [ -z "$missing" ]; then ok; else bad "gen --profile swap --seed $s --policy $pol: no $missing"; fi
    done
done

# the tlb workload runs on the TLB of its options line: a loop that fits
# hits from its second trial on, one that does not fit misses every time
# (LRU), and the ping-pong flushes at each switch without --asid only
tlb_stats() {
    "$vm" gen --profile tlb "$@" | "$vm" run --format csv - |
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                 { printf "%s %s %s %s\n", $c["tlb.hits"], $c["tlb.misses"], $c["tlb.flushes"], $c["tlb.context_switches"] }'
}
while IFS='|' read -r args want; do
    [ -n "$args" ] || continue
    # shellcheck disable=SC2086
    got=$(tlb_stats $args)
    if [ "$got" = "$want" ]; then ok; else bad "gen --profile tlb $args: hits misses flushes switches $got, want $want"; fi
done <<'LIST'
--pages 16 --trials 4 --turns 0 --tlb 16|48 16 0 0
--pages 17 --trials 4 --turns 0 --tlb 16|0 68 0 0
--pages 32 --trials 3 --turns 0 --tlb 64 --tlb-ways 4|64 32 0 0
--pages 0 --turns 6 --turn-pages 4 --tlb 16|0 24 5 5
--pages 0 --turns 6 --turn-pages 4 --tlb 16 --asid on|16 8 0 5
LIST

# the examples in traces/workloads: their generated part is still what
# their ARG lines make (the header above it and the expect lines below it
# were added by hand)
for t in "$top"/traces/workloads/*.trace; do
    [ -f "$t" ] || continue
    args=$(sed -n 's/^# ARG \([^ ]*\) \(.*\)$/--\1 \2/p' "$t" | tr '\n' ' ')
    # shellcheck disable=SC2086
    "$vm" gen $args >"$tmp/want" 2>&1
    awk '/^# ARG profile /{on=1} /^# ---- the key numbers/{exit} on' "$t" | sed -e '${/^$/d;}' >"$tmp/got"
    if cmp -s "$tmp/want" "$tmp/got"; then ok; else
        bad "$t: not what its ARG lines make now (vmsim gen $args)"
    fi
done

# -o FILE writes what standard output would get; --list and --help exit 0
"$vm" gen --profile cow --seed 4 >"$tmp/stdout.trace"
if "$vm" gen --profile cow --seed 4 -o "$tmp/o.trace" && cmp -s "$tmp/stdout.trace" "$tmp/o.trace"; then ok; else
    bad "vmsim gen -o FILE differs from its standard output"
fi
if ! "$vm" gen -o "$tmp/none/x.trace" 2>"$tmp/err" && grep -q "cannot write" "$tmp/err"; then ok; else
    bad "-o into a missing folder: $(cat "$tmp/err")"
fi
for o in --list --help; do
    if "$vm" gen $o >"$tmp/out" 2>&1 && grep -q pressure "$tmp/out"; then ok; else bad "vmsim gen $o"; fi
done

# bad options: exit 2 with a message naming the problem
while IFS='|' read -r args want; do
    [ -n "$args" ] || continue
    # shellcheck disable=SC2086
    "$vm" gen $args >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$want" "$tmp/err"; then ok; else
        bad "vmsim gen $args: exit $rc, want 2 and '$want' (got: $(head -n 1 "$tmp/err"))"
    fi
done <<'LIST'
--profile nope|unknown profile 'nope'
--profile cow --size 1M|profile 'cow' has no parameter --size
--profile cow --events 0|--events must be from 1 to 1000000, not 0
--profile cow --events x|--events: bad number 'x'
--profile snapshot --write 1.5|--write takes a fraction from 0 to 1
--profile snapshot --write 0.1234567|--write takes a fraction from 0 to 1
--profile shell --spawn clone|--spawn takes fork/vfork, not 'clone'
--profile snapshot --arch tiny --size 63K|--size 63K does not fit in the address space of tiny
--profile snapshot --arch tiny --size 1M|--size 1M is larger than the address space of tiny
--profile cowtest --arch tiny --frames 1000|give fewer --frames
--profile cow --arch tiny --frames 4|profile 'cow' needs at least
--profile cow --arch bogus|--arch:
--profile cow --frames 0|at least one frame
--profile cow --events|--events needs a value
--profile cow trace.txt|is not an option
--profile refstring --string 1,x,3|--string takes page numbers separated by commas
--profile refstring --string 1,,3|--string takes page numbers separated by commas
--profile refstring --string 1,2 --length 5|--length 5, but --string has 2 accesses
--profile refstring --string 1,9 --pages 4|--pages 4 is too few for --string: it uses page 9
--profile refstring --arch tiny --pages 300|--pages 300 does not fit in the address space of tiny
--profile refstring --policy mru|--policy takes fifo/lru/clock/opt/random, not 'mru'
--profile swap --arch tiny --size 60K|--size 60K leaves no room for the shared mappings
--profile tlb --tlb 16 --tlb-ways 3|--tlb-ways 3 does not divide --tlb 16
--profile tlb --tlb 16 --tlb-ways 32|--tlb-ways 32 does not divide --tlb 16
--profile tlb --tlb 0|--tlb must be from 1 to 65536, not 0
--profile tlb --pages 0 --turns 0|--pages 0 and --turns 0 leave nothing to do
--profile tlb --arch tiny --pages 250|--pages 250 does not fit in the address space of tiny
--profile tlb --arch tiny --pages 100|need 123 frames, more than the 64 of --frames
--profile tlb --asid yes|--asid takes off/on, not 'yes'
LIST

echo "gen: $pass passed, $fail failed"
[ "$fail" = 0 ]
