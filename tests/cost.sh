#!/bin/sh
# cost.sh VMSIM -- the cost model and the timeline agree with the counters.
# For every passing trace of the suite, in each fork mode:
#  - each price times its counter is the cost of that kind (fault, zero, copy,
#    cache_load, pte), forks and vforks cost their base each, and the kinds
#    add up to cost.total;
#  - the last row of --timeline holds the summary's counters and cost.total.
vm=${1:?usage: cost.sh VMSIM}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for t in tests/traces/*.trace traces/*.trace; do
    want=$(sed -n 's/^# exit: *//p' "$t" | head -n 1)
    [ "${want:-0}" = 2 ] && continue
    flags=$(sed -n 's/^# flags://p' "$t" | head -n 1 | tr -d '\r')
    case $flags in *va=*) continue ;; esac # a custom arch name holds commas: the CSV quotes it
    for mode in cow copy sharept; do
        # shellcheck disable=SC2086
        (cd "$(dirname "$t")" && "$vm" run -q $flags --fork $mode --timeline "$tmp/tl.csv" "$(basename "$t")") \
            >/dev/null 2>&1
        rc=$?
        [ $rc -le 1 ] || continue # a mode where this trace runs out differently: not this test's business
        # shellcheck disable=SC2086
        (cd "$(dirname "$t")" && "$vm" run $flags --fork $mode --format csv "$(basename "$t")") >"$tmp/sum.csv" 2>/dev/null
        why=$(awk -F, -v tl="$tmp/tl.csv" '
            NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; next }
            NR == 2 { for (i = 1; i <= NF; i++) v[name[i]] = $i }
            END {
                if (v["cost.fault"] != v["faults.total"] * 1000) print "fault"
                if (v["cost.zero"] != v["faults.demand_zero"] * 1000) print "zero"
                if (v["cost.copy"] != v["memory.pages_copied"] * 2500) print "copy"
                if (v["cost.cache_load"] != v["memory.cache_loads"] * 1000) print "cache_load"
                if (v["cost.pte"] != v["memory.ptes_copied"] * 67) print "pte"
                if (v["cost.fork"] % 48000) print "fork base"
                if (v["cost.vfork"] != v["events.vfork"] * 30000 && v["events.skipped"] == 0) print "vfork base"
                s = v["cost.fork"] + v["cost.vfork"] + v["cost.exec"] + v["cost.fault"] + v["cost.zero"] + \
                    v["cost.copy"] + v["cost.cache_load"] + v["cost.pte"] + v["cost.table"] + \
                    v["cost.teardown"] + v["cost.unmap"]
                if (s != v["cost.total"]) print "sum of kinds"
                last = ""
                while ((getline line < tl) > 0) last = line
                n = split(last, r, ",")
                if (v["events.total"] > 0) {
                    if (r[1] != v["events.total"]) print "timeline rows"
                    if (r[5] != v["memory.frames_used"]) print "timeline frames_used"
                    if (r[9] != v["faults.total"]) print "timeline faults"
                    if (r[13] != v["memory.pages_copied"]) print "timeline pages_copied"
                    if (r[14] != v["memory.ptes_copied"]) print "timeline ptes_copied"
                    if (r[15] != v["processes.live"]) print "timeline live"
                    if (r[16] != v["cost.total"]) print "timeline cost_ns"
                }
            }' "$tmp/sum.csv" | tr '\n' ' ')
        if [ -z "$why" ]; then pass=$((pass + 1)); else
            fail=$((fail + 1)); echo "FAIL $t --fork $mode: $why"; fi
    done
done
echo "cost: $pass passed, $fail failed"
[ "$fail" = 0 ]
