# hitrate.gp -- hit rate against the frames of memory, one line per replacement policy, one
# panel per trace; where a policy hits less with more frames (Belady's anomaly) an arrow
# says so.
#
#   vmsim compare --policy fifo,lru,clock,opt,random --frames 1,2,3,4,5,6 --swap 1M \
#       --format csv --fields accesses.hits,accesses.misses my.trace >my.csv
#   gnuplot -e "infile='my.csv'; outfile='hitrate.png'" plots/hitrate.gp
#
# infile: one or more CSV files of `vmsim compare` (space-separated names), each a sweep of
# --policy and --frames over one trace (plots/sweep.sh hitrate makes them); each file is a
# panel. Columns read: policy, frames, accesses.hits, accesses.misses. The hit rate is
# hits / (hits + misses): the accesses that completed without a page fault.
# Optional:
#   titles    a title per panel, separated by '|' (default: the files' names)
#   policies  the policies to draw, in order (default: opt lru clock fifo random)
#   title     the figure's title
#   ymin      the bottom of the hit-rate axis, in % (default 0): a higher one shows
#             the differences of runs that all hit often
#   term      'pngcairo', 'svg', or any gnuplot terminal (default: from outfile's extension)
# Each policy keeps its colour, dash type and point mark in every panel; lines that lie on
# top of each other stay visible: the first drawn is the widest.

if (!exists("infile")) infile = 'plots/out/data/hitrate-belady.csv plots/out/data/hitrate-refstring.csv'
if (!exists("outfile")) outfile = 'plots/out/replacement-hitrate.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'
if (!exists("policies")) policies = 'opt lru clock fifo random'
if (!exists("title")) title = 'Hit rate against memory size, per replacement policy'
if (!exists("ymin")) ymin = 0

npanels = words(infile)
bn(s) = (bnp = strstrt(s, '/'), bnp ? bn(s[bnp+1:]) : s)
noext(s) = (strlen(s) > 4 && s[strlen(s)-3:] eq '.csv') ? s[1:strlen(s)-4] : s
# the i-th of the '|'-separated titles
field(s, i) = (bar = strstrt(s, '|'), i == 1 ? (bar ? s[1:bar-1] : s) : (bar ? field(s[bar+1:], i - 1) : ''))
# the i-th of the comma-separated fields
cfield(s, i) = (cm = strstrt(s, ','), i == 1 ? (cm ? s[1:cm-1] : s) : (cm ? cfield(s[cm+1:], i - 1) : ''))
ptitle(i) = exists("titles") ? field(titles, i) : noext(bn(word(infile, i)))

if (term eq 'pngcairo') {
    set terminal pngcairo size 600 * npanels + 200, 720 font 'DejaVu Sans,12' noenhanced
} else {
    if (term eq 'svg') {
        set terminal svg size 600 * npanels + 200, 720 font 'DejaVu Sans,15' noenhanced background rgb 'white'
    } else {
        set terminal @term noenhanced
    }
}
set output outfile
tfont = term eq 'svg' ? 'DejaVu Sans,17' : 'DejaVu Sans,14'
pfont = term eq 'svg' ? 'DejaVu Sans,15' : 'DejaVu Sans,12'
sfont = term eq 'svg' ? ',12' : ',10'
set datafile separator comma

colour(p) = p eq 'fifo' ? 0xD55E00 : p eq 'lru' ? 0x0072B2 : p eq 'clock' ? 0x009E73 : \
            p eq 'opt' ? 0x000000 : p eq 'random' ? 0xCC79A7 : 0x999999
set dashtype 11 (10, 6)
set dashtype 12 (4, 4)
set dashtype 13 (10, 4, 2, 4)
dash(p) = p eq 'opt' ? 1 : p eq 'lru' ? 11 : p eq 'clock' ? 12 : p eq 'fifo' ? 1 : p eq 'random' ? 13 : 1
point(p) = p eq 'fifo' ? 5 : p eq 'lru' ? 7 : p eq 'clock' ? 9 : p eq 'opt' ? 13 : p eq 'random' ? 3 : 1
label(p) = p eq 'fifo' ? 'fifo (first in, first out)' : p eq 'lru' ? 'lru (least recently used)' : \
           p eq 'clock' ? 'clock (second chance)' : p eq 'opt' ? 'opt (farthest next use)' : \
           p eq 'random' ? 'random' : p
npol = words(policies)
width(i) = 4.0 - 0.6 * (i - 1) > 1.6 ? 4.0 - 0.6 * (i - 1) : 1.6
rate(dummy) = column("accesses.hits") + column("accesses.misses") > 0 ? \
    100.0 * column("accesses.hits") / (column("accesses.hits") + column("accesses.misses")) : 0

# Belady's anomaly: the first number of frames at which a policy that does not draw at random
# hits less than with one frame fewer, as frames, its rate, the frames and rate before, and
# the policies that do so there ("fifo and clock"); nothing when none does
anomaly(f) = sprintf("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } " . \
    "{ p = $c[\"policy\"]; n = $c[\"frames\"]; h = $c[\"accesses.hits\"]; t = h + $c[\"accesses.misses\"]; " . \
    "r = t ? 100 * h / t : 0 } p == lp && p != \"random\" && n > ln && r < lr - 1e-9 && (!seen || n < bn) " . \
    "{ seen = 1; bn = n; br = r; bln = ln; blr = lr } " . \
    "p == lp && p != \"random\" && n > ln && r < lr - 1e-9 { at[p] = at[p] \" \" n } { lp = p; ln = n; lr = r } " . \
    "END { if (!seen) exit; w = \"\"; k = 0; for (q in at) if (index(at[q] \" \", \" \" bn \" \")) k++; " . \
    "m = 0; for (q in at) if (index(at[q] \" \", \" \" bn \" \")) { m++; w = w (m > 1 ? (m == k ? \" and \" : \", \") : \"\") q } " . \
    "printf \"%%s,%%s,%%s,%%s,%%s\\n\", bn, br, bln, blr, w }' '%s'", f)

set multiplot title title font tfont
# the legend, alone in a row under the title
set lmargin at screen 0.02
set rmargin at screen 0.98
set tmargin at screen 0.925
set bmargin at screen 0.875
unset border
unset tics
set xrange [0:1]
set yrange [0:1]
set key center center horizontal maxrows 1 box samplen 4 width -1
plot 2 notitle, for [i=1:npol] keyentry with linespoints lw width(i) dt dash(word(policies, i)) \
    pt point(word(policies, i)) ps 1.4 lc rgb colour(word(policies, i)) title label(word(policies, i))
unset key

set border 31 lw 1.2
set tics
set grid xtics ytics lc rgb '#e4e4e4' lw 1
set xlabel 'frames of memory'
set ylabel 'hit rate (% of accesses without a fault)'
set yrange [ymin:100 + (100 - ymin) * 0.05]
set ytics ymin, (100 - ymin) / 10, 100
set tmargin at screen 0.80
set bmargin at screen 0.10
do for [k=1:npanels] {
    f = word(infile, k)
    set lmargin at screen 0.02 + (k - 1) * 0.96 / npanels + 0.055
    set rmargin at screen 0.02 + k * 0.96 / npanels - 0.015
    set title ptitle(k) font pfont
    set yrange [*:*] # stats of one column keep only what lies in the y range
    stats f using (column("frames")) nooutput
    fmin = STATS_min
    fmax = STATS_max
    set yrange [ymin:100 + (100 - ymin) * 0.05]
    set xrange [fmin - 0.5:fmax + 0.5]
    xstep = fmax - fmin > 16 ? int((fmax - fmin) / 8) : 1
    set xtics xstep
    # the rows of each policy, in the order of `policies`, one data block each (index i - 1):
    # frames, hit rate (rows of other policies in between would break its line)
    blocks = sprintf("< awk -F, -v order='%s' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } " . \
        "{ h = $c[\"accesses.hits\"]; t = h + $c[\"accesses.misses\"]; " . \
        "rows[$c[\"policy\"]] = rows[$c[\"policy\"]] $c[\"frames\"] \",\" (t ? 100 * h / t : 0) \"\\n\" } " . \
        "END { n = split(order, o, \" \"); for (k = 1; k <= n; k++) printf \"%%s\\n\\n\", rows[o[k]] }' '%s'", \
        policies, f)
    a = system(anomaly(f))
    unset label
    unset arrow
    if (strlen(a) > 0) {
        ax = real(cfield(a, 1))
        ay = real(cfield(a, 2))
        set arrow 1 from first ax + 0.3, ay - 8 to first ax + 0.06, ay - 1.2 lw 1.5 lc rgb '#555555' filled
        set label 1 sprintf("Belady's anomaly: %s hit%s\n%.0f%% with %s frames, %.0f%% with %s", cfield(a, 5), \
            strstrt(cfield(a, 5), ' ') ? '' : 's', real(cfield(a, 4)), cfield(a, 3), ay, cfield(a, 1)) \
            at first ax + 0.33, ay - 9 left font sfont tc rgb '#333333'
    }
    plot for [i=1:npol] blocks index (i - 1) using 1:2 with linespoints lw width(i) dt dash(word(policies, i)) \
            pt point(word(policies, i)) ps 1.4 lc rgb colour(word(policies, i)) notitle
}
unset multiplot
