#!/bin/sh
# table.sh CSV -- the table course handouts give for a replacement run, from a
# `vmsim compare` sweep of --policy and --frames (plots/sweep.sh hitrate): one
# row per run, policy then frames, with hits, misses, clean and dirty
# evictions and the hit rate (hits / (hits + misses), as `vmsim run`'s paging
# line rounds it). Columns are found by name in the CSV's header.
csv=${1:?usage: table.sh CSV}
awk -F, '
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
          need = "policy frames accesses.hits accesses.misses memory.evictions memory.evictions_dirty"
          n = split(need, w, " ")
          for (k = 1; k <= n; k++) if (!(w[k] in c)) { print "table.sh: no column " w[k] > "/dev/stderr"; bad = 1; exit 2 }
          printf "%-8s %7s %10s %10s %16s %16s %9s\n", "POLICY", "FRAMES", "HITS", "MISSES", "CLEAN EVICTIONS", "DIRTY EVICTIONS", "HIT RATE"
          next }
{ h = $c["accesses.hits"]; m = $c["accesses.misses"]; d = $c["memory.evictions_dirty"]; e = $c["memory.evictions"]
  t = h + m; r = t ? int((h * 20000 + t) / (2 * t)) : 0
  printf "%-8s %7d %10d %10d %16d %16d %8d.%02d%%\n", $c["policy"], $c["frames"], h, m, e - d, d, int(r / 100), r % 100 }
END { if (bad) exit 2 }' "$csv"
