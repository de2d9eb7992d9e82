# swap-traffic.gp -- swap traffic over a run, from timelines: what the first run evicted,
# wrote to swap and read back (running totals), what it held in memory and in swap, and the
# swap reads and writes of every run, one line each (typically one per policy); the trace's
# `mark` labels as dashed vertical lines.
#
#   for p in clock fifo lru opt random; do
#       vmsim run -q --swap 64p --policy $p --timeline my-$p.csv my.trace
#   done
#   gnuplot -e "infile='my-clock.csv my-fifo.csv my-lru.csv my-opt.csv my-random.csv'; outfile='swap.png'" plots/swap-traffic.gp
#
# infile: one or more timelines written by `vmsim run --timeline FILE` (space-separated names
# without spaces). Columns read: line, anon, cache, evictions, swap_reads, swap_writes,
# swap_used, mark.
# Optional:
#   titles   one legend title per file. Default: what tells the files' names apart
#            (my-clock.csv my-lru.csv: clock, lru)
#   name     what the trace is, for the title. Default: what the files' names share
#   term     'pngcairo', 'svg', or any gnuplot terminal (default: from outfile's extension)
# The x axis is the trace line of each event; the phase lines are drawn where the first
# file's mark column changes.

if (!exists("infile")) infile = 'plots/out/data/swap-traffic-clock.csv plots/out/data/swap-traffic-fifo.csv ' . \
    'plots/out/data/swap-traffic-lru.csv plots/out/data/swap-traffic-opt.csv plots/out/data/swap-traffic-random.csv'
if (!exists("outfile")) outfile = 'plots/out/swap-traffic.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'

# default names from the file names: the part they share names the trace, the rest each run
nfiles = words(infile)
bn(s) = (bnp = strstrt(s, '/'), bnp ? bn(s[bnp+1:]) : s)
noext(s) = (strlen(s) > 4 && s[strlen(s)-3:] eq '.csv') ? s[1:strlen(s)-4] : s
stem(i) = noext(bn(word(infile, i)))
shared = nfiles > 1 ? stem(1) : ''
do for [i=2:nfiles] {
    st = stem(i)
    n = 0
    while (n < strlen(shared) && n < strlen(st) && shared[n+1:n+1] eq st[n+1:n+1]) { n = n + 1 }
    shared = n > 0 ? shared[1:n] : ''
}
while (strlen(shared) > 0 && strstrt('-_.', shared[strlen(shared):strlen(shared)]) == 0) {
    shared = strlen(shared) > 1 ? shared[1:strlen(shared)-1] : ''
}
if (!exists("titles")) {
    titles = ''
    do for [i=1:nfiles] { titles = titles . (i > 1 ? ' ' : '') . (strlen(shared) ? stem(i)[strlen(shared)+1:] : stem(i)) }
}
if (!exists("name")) {
    name = strlen(shared) > 1 ? shared[1:strlen(shared)-1] : nfiles == 1 ? stem(1) : ''
}

if (term eq 'pngcairo') {
    set terminal pngcairo size 1200,960 font 'DejaVu Sans,12' noenhanced
} else {
    if (term eq 'svg') {
        set terminal svg size 1200,960 font 'DejaVu Sans,15' noenhanced background rgb 'white'
    } else {
        set terminal @term noenhanced
    }
}
set output outfile
tfont = term eq 'svg' ? 'DejaVu Sans,17' : 'DejaVu Sans,14'
sfont = term eq 'svg' ? ',12' : ',10'
set datafile separator comma

# policies keep the colours, dashes and marks of hitrate.gp; other names get others
colour(m, i) = m eq 'fifo' ? 0xD55E00 : m eq 'lru' ? 0x0072B2 : m eq 'clock' ? 0x009E73 : \
               m eq 'opt' ? 0x000000 : m eq 'random' ? 0xCC79A7 : \
               word('0xE69F00 0x56B4E9 0x999999 0xF0E442 0x0072B2', (i - 1) % 5 + 1) + 0
set dashtype 11 (10, 6)
set dashtype 12 (4, 4)
set dashtype 13 (10, 4, 2, 4)
dash(m, i) = m eq 'opt' ? 1 : m eq 'lru' ? 11 : m eq 'clock' ? 12 : m eq 'fifo' ? 1 : m eq 'random' ? 13 : \
             word('1 11 12 13 4', (i - 1) % 5 + 1) + 0
point(m, i) = m eq 'fifo' ? 5 : m eq 'lru' ? 7 : m eq 'clock' ? 9 : m eq 'opt' ? 13 : m eq 'random' ? 3 : \
              word('7 5 9 13 11', (i - 1) % 5 + 1) + 0
width(i) = 3.6 - 0.5 * (i - 1) > 1.6 ? 3.6 - 0.5 * (i - 1) : 1.6

# the phases: where the first file's mark column changes, as line,label (read through awk:
# gnuplot 5.4 reads an empty last field of a CSV line as garbage, not as an empty string)
marksrc = sprintf("< awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } " . \
    "{ m = $c[\"mark\"] } m != p && m != \"\" { print $c[\"line\"] \",\" m } { p = m }' '%s'", word(infile, 1))
nmarks = 0
set table $marks separator comma
plot marksrc using (nmarks = nmarks + 1, $1):(1):(strcol(2)) with table
unset table

f1 = word(infile, 1)
stats f1 using (column("line")) nooutput
xmin = STATS_min
xmax = STATS_max
ymax1 = 1
do for [c in "evictions swap_reads swap_writes"] {
    stats f1 using (column(c)) nooutput
    ymax1 = STATS_max > ymax1 ? STATS_max : ymax1
}
ymax2 = 1
do for [c in "anon cache swap_used"] {
    stats f1 using (column(c)) nooutput
    ymax2 = STATS_max > ymax2 ? STATS_max : ymax2
}
ymax3 = 1
rows = 1
do for [i=1:nfiles] {
    stats word(infile, i) using (column("swap_reads") + column("swap_writes")) nooutput
    ymax3 = STATS_max > ymax3 ? STATS_max : ymax3
    rows = STATS_records > rows ? STATS_records : rows
}
every = rows / 12 > nfiles ? int(rows / 12) : nfiles
first(i) = int((i - 1) * every / nfiles)

set multiplot title (strlen(name) ? sprintf("Swap traffic over a run: %s", name) : "Swap traffic over a run") font tfont
set border 31 lw 1.2
set grid xtics ytics lc rgb '#e4e4e4' lw 1
set xrange [xmin - 1:xmax + (xmax - xmin + 1) * 0.015]
set lmargin at screen 0.08
set rmargin at screen 0.80
set key outside right top vertical samplen 4 spacing 1.3 font sfont
set format x ''
unset xlabel
phases(top) = nmarks == 0 ? '' : sprintf("$marks using 1:(0):(0):(%g) with vectors nohead dt 2 lw 1 lc rgb '#999999' notitle, ", top)
labels(top) = nmarks == 0 ? '' : sprintf("$marks using 1:(%g):3 with labels rotate by 90 right offset 0.6,0 font sfont tc rgb '#555555' notitle, ", top)

# top: the first run's traffic, as running totals
set tmargin at screen 0.93
set bmargin at screen 0.64
set ylabel 'pages, running total'
set yrange [0:ymax1 * 1.3]
set title sprintf("what %s did: evictions, writes to swap, reads from swap", word(titles, 1)) font sfont offset 0,-0.5
p1 = phases(ymax1 * 1.3) . labels(ymax1 * 1.28)
plot @p1 \
     f1 using (column("line")):(column("evictions")) with steps lw 3.2 lc rgb '#E69F00' title 'evictions', \
     f1 using (column("line")):(column("swap_writes")) with steps lw 2.4 dt 11 lc rgb '#D55E00' title 'swap writes', \
     f1 using (column("line")):(column("swap_reads")) with steps lw 2.4 dt 12 lc rgb '#0072B2' title 'swap reads'

# middle: what the first run held in memory and in swap
set tmargin at screen 0.60
set bmargin at screen 0.39
set ylabel 'pages'
set yrange [0:ymax2 * 1.15]
set title sprintf("what %s held: anonymous and page-cache frames in memory, pages in swap", word(titles, 1)) font sfont offset 0,-0.5
p2 = phases(ymax2 * 1.15)
plot @p2 \
     f1 using (column("line")):(column("anon")) with steps lw 2.4 lc rgb '#56B4E9' title 'anon frames', \
     f1 using (column("line")):(column("cache")) with steps lw 2.4 dt 12 lc rgb '#009E73' title 'cache frames', \
     f1 using (column("line")):(column("swap_used")) with steps lw 3.2 dt 11 lc rgb '#CC79A7' title 'swap slots in use'

# bottom: every run's swap reads and writes
set tmargin at screen 0.35
set bmargin at screen 0.07
set format x '% h'
set xlabel 'trace line (the line of each event in the trace)'
set ylabel 'swap reads + writes, running total'
set yrange [0:ymax3 * 1.1]
set title 'swap reads and writes of each run' font sfont offset 0,-0.5
p3 = phases(ymax3 * 1.1)
plot @p3 \
     for [i=1:nfiles] word(infile, i) using (column("line")):(column("swap_reads") + column("swap_writes")) with steps \
        lw width(i) dt dash(word(titles, i), i) lc rgb colour(word(titles, i), i) notitle, \
     for [i=1:nfiles] word(infile, i) every every::first(i) using (column("line")):(column("swap_reads") + column("swap_writes")) \
        with points pt point(word(titles, i), i) ps 1.3 lc rgb colour(word(titles, i), i) notitle, \
     for [i=1:nfiles] keyentry with linespoints lw width(i) dt dash(word(titles, i), i) pt point(word(titles, i), i) \
        ps 1.3 lc rgb colour(word(titles, i), i) title word(titles, i)

unset multiplot
