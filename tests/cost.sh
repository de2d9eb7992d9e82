#!/bin/sh
# cost.sh VMSIM -- the cost model and the timeline agree with the counters.
# For every trace of the suite that runs through (exit 0 or 1), in each fork
# mode:
#  - the run prints a CSV summary (a header and one row of the same width)
#    whose events.total is the trace's event lines, and a timeline of one row
#    per event;
#  - each price times its counter is the cost of that kind (fault, zero, copy,
#    cache_load, pte, and for traces with --tlb walk_step, tlb_invalidate and
#    tlb_flush), forks and vforks cost their base each, and the kinds add up
#    to cost.total;
#  - the last row of --timeline holds the summary's counters and cost.total,
#    and the TLB's.
# A run that stops with an error (exit 2) fails, but for the few listed in
# STOPS below: a trace written for one fork mode that, in another, runs into
# an error on purpose; each of those must stop with its FILE:LINE: error:.
# Every run counts: "cost: N passed, M failed (S stopped as listed)".
vm=${1:?usage: cost.sh VMSIM}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib/trace_check.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# TRACE MODE LINE: runs that stop with an error at LINE
STOPS='
35_xv6_simple_copy_fails.trace cow 19
35_xv6_simple_copy_fails.trace sharept 19
149_fork_failed_copy.trace cow 26
149_fork_failed_copy.trace sharept 26
189_aspace_mprotect_stopped_removing_w.trace cow 21
189_aspace_mprotect_stopped_removing_w.trace copy 21
454_hand_fork_fail_copy.trace cow 13
454_hand_fork_fail_copy.trace sharept 13
'
pass=0 fail=0 stopped=0
for t in tests/traces/*.trace traces/*.trace; do
    want=$(sed -n 's/^# exit: *//p' "$t" | head -n 1)
    [ "${want:-0}" = 2 ] && continue
    flags=$(sed -n 's/^# flags://p' "$t" | head -n 1 | tr -d '\r')
    case $flags in *va=*) continue ;; esac # a custom arch name holds commas: the CSV quotes it
    grep -q '^options .*va=' "$t" && continue # so does one of the trace's options line
    name=$(basename "$t")
    events=$(trace_counts "$t" | cut -d' ' -f1)
    for mode in cow copy sharept; do
        rm -f "$tmp/tl.csv"
        # shellcheck disable=SC2086
        (cd "$(dirname "$t")" && "$vm" run -q $flags --fork $mode --timeline "$tmp/tl.csv" "$name") \
            >/dev/null 2>"$tmp/err"
        rc=$?
        stop=$(printf '%s\n' "$STOPS" | awk -v t="$name" -v m="$mode" '$1 == t && $2 == m { print $3 }')
        if [ -n "$stop" ]; then
            if [ "$rc" = 2 ] && grep -q "^$name:$stop: error: " "$tmp/err"; then
                stopped=$((stopped + 1)) pass=$((pass + 1))
            else
                fail=$((fail + 1))
                echo "FAIL $t --fork $mode: exit $rc, want 2 with '$name:$stop: error:' (listed in STOPS)"
            fi
            continue
        fi
        if [ "$rc" -gt 1 ]; then
            fail=$((fail + 1))
            echo "FAIL $t --fork $mode: exit $rc: $(grep -v 'expectation failed\|warning' "$tmp/err" | head -n 1)"
            continue
        fi
        rm -f "$tmp/sum.csv"
        # shellcheck disable=SC2086
        (cd "$(dirname "$t")" && "$vm" run $flags --fork $mode --format csv -o "$tmp/sum.csv" "$name") \
            >/dev/null 2>&1
        rc2=$?
        [ -f "$tmp/sum.csv" ] || : >"$tmp/sum.csv"
        why=$(awk -F, -v tl="$tmp/tl.csv" -v events="$events" '
            NR == 1 { n = NF; for (i = 1; i <= NF; i++) name[i] = $i; next }
            NR == 2 { if (NF != n) print "summary row of " NF " fields, header of " n
                      for (i = 1; i <= NF; i++) v[name[i]] = $i }
            END {
                if (NR != 2) { print "summary of " NR " lines, want 2"; exit }
                split("events.total events.vfork events.skipped faults.total faults.demand_zero " \
                      "memory.pages_copied memory.cache_loads memory.ptes_copied memory.frames_used " \
                      "processes.live cost.total cost.fork cost.vfork cost.exec cost.fault cost.zero " \
                      "cost.copy cost.cache_load cost.pte cost.table cost.teardown cost.unmap " \
                      "cost.walk_step cost.tlb_invalidate cost.tlb_flush tlb.walk_steps tlb.invalidations " \
                      "tlb.flushes tlb.hits tlb.misses", need, " ")
                for (i in need) if (!(need[i] in v) || v[need[i]] !~ /^[0-9]+$/) { print "no " need[i]; bad = 1 }
                if (bad) exit
                if (v["events.total"] != events) print "events.total " v["events.total"] ", the trace has " events
                if (v["cost.fault"] != v["faults.total"] * 1000) print "fault"
                if (v["cost.zero"] != v["faults.demand_zero"] * 1000) print "zero"
                if (v["cost.copy"] != v["memory.pages_copied"] * 2500) print "copy"
                if (v["cost.cache_load"] != v["memory.cache_loads"] * 1000) print "cache_load"
                if (v["cost.pte"] != v["memory.ptes_copied"] * 67) print "pte"
                if (v["cost.walk_step"] != v["tlb.walk_steps"] * 25) print "walk_step"
                if (v["cost.tlb_invalidate"] != v["tlb.invalidations"] * 100) print "tlb_invalidate"
                if (v["cost.tlb_flush"] != v["tlb.flushes"] * 200) print "tlb_flush"
                if (v["cost.fork"] % 48000) print "fork base"
                if (v["cost.vfork"] != v["events.vfork"] * 30000 && v["events.skipped"] == 0) print "vfork base"
                s = v["cost.fork"] + v["cost.vfork"] + v["cost.exec"] + v["cost.fault"] + v["cost.zero"] + \
                    v["cost.copy"] + v["cost.cache_load"] + v["cost.pte"] + v["cost.table"] + \
                    v["cost.teardown"] + v["cost.unmap"] + v["cost.walk_step"] + v["cost.tlb_invalidate"] + \
                    v["cost.tlb_flush"]
                if (s != v["cost.total"]) print "sum of kinds"
                rows = 0; last = ""
                if ((getline line < tl) <= 0 || line !~ /^event,line,op,pid,frames_used,/) print "no timeline header"
                while ((getline line < tl) > 0) { rows++; last = line }
                if (rows != v["events.total"]) print "timeline of " rows " rows, events.total " v["events.total"]
                if (rows > 0) {
                    split(last, r, ",")
                    if (r[1] != v["events.total"]) print "timeline rows"
                    if (r[5] != v["memory.frames_used"]) print "timeline frames_used"
                    if (r[9] != v["faults.total"]) print "timeline faults"
                    if (r[13] != v["memory.pages_copied"]) print "timeline pages_copied"
                    if (r[14] != v["memory.ptes_copied"]) print "timeline ptes_copied"
                    if (r[15] != v["processes.live"]) print "timeline live"
                    if (r[16] != v["cost.total"]) print "timeline cost_ns"
                    if (r[24] != v["tlb.hits"] || r[25] != v["tlb.misses"] || r[26] != v["tlb.invalidations"] || \
                        r[27] != v["tlb.flushes"]) print "timeline tlb"
                }
            }' "$tmp/sum.csv" | tr '\n' ' ')
        [ "$rc2" = "$rc" ] || why="$why exit $rc2 with --format csv, $rc with -q"
        if [ -z "$why" ]; then pass=$((pass + 1)); else
            fail=$((fail + 1)); echo "FAIL $t --fork $mode: $why"; fi
    done
done
echo "cost: $pass passed, $fail failed ($stopped stopped as listed)"
[ "$fail" = 0 ]
