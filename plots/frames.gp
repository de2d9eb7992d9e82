# frames.gp -- frames in use and page-table pages over a run, one line per timeline, with
# the trace's `mark` labels as dashed vertical lines.
#
#   gnuplot -e "infile='cow.csv copy.csv sharept.csv'; titles='cow copy sharept'; outfile='frames.png'" plots/frames.gp
#
# infile: one or more timelines written by `vmsim run --timeline FILE` (space-separated
# names; the file names must hold no space), typically the same trace under several fork
# modes. Columns read: event, line, frames_used, pt_pages, cost_ns, frames_total,
# killed_oom, mark. The memory's size (frames_total) is drawn as a line when the frames in
# use come near it, and each OOM kill as a cross on its run's line.
# Optional:
#   titles   one legend title per file; the words cow, copy, sharept and vfork get the
#            colours they have in every figure of plots/. Default: what tells the files'
#            names apart (my-cow.csv my-copy.csv: cow, copy)
#   name     what the trace is, for the title. Default: what the files' names share
#            (my-cow.csv my-copy.csv: my), or nothing
#   xaxis    'line' (default: the trace line of each event), 'event' (the count of events
#            run) or 'ms' (the simulated time, cost_ns)
#   term     'pngcairo', 'svg', or any gnuplot terminal (default: from outfile's extension)
# The phase lines are drawn where the first file's mark column changes. Each series has its
# own dash type and point mark, the marks of one series placed between those of the others,
# so that series lying on top of each other stay apart.

if (!exists("infile")) infile = 'plots/out/data/frames-prefork-cow.csv plots/out/data/frames-prefork-copy.csv plots/out/data/frames-prefork-sharept.csv'
if (!exists("outfile")) outfile = 'plots/out/frames-prefork.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'
if (!exists("xaxis")) xaxis = 'line'

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
# cut back to a separator: cow and copy share 'co', which is not a name
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
    set terminal pngcairo size 1200,760 font 'DejaVu Sans,12' noenhanced
} else {
    if (term eq 'svg') {
        set terminal svg size 1200,760 font 'DejaVu Sans,15' noenhanced background rgb 'white'
    } else {
        set terminal @term noenhanced
    }
}
set output outfile
# title and small text sizes (the svg terminal's fonts come out smaller)
tfont = term eq 'svg' ? 'DejaVu Sans,17' : 'DejaVu Sans,14'
sfont = term eq 'svg' ? ',12' : ',10'
set datafile separator comma

colour(m, i) = m eq 'cow' ? 0x0072B2 : m eq 'copy' ? 0xD55E00 : m eq 'sharept' ? 0x009E73 : \
               m eq 'vfork' ? 0xCC79A7 : word('0x000000 0xE69F00 0x56B4E9 0xF0E442 0x999999', (i - 1) % 5 + 1) + 0
# a dash type and a point mark per series: solid and circles, dashes and squares, dots and
# triangles, ... (cow, copy, sharept and vfork always get theirs)
# long dashes, short dashes, dash-dot: each visible over a solid line of another colour
set dashtype 11 (10, 6)
set dashtype 12 (4, 4)
set dashtype 13 (10, 4, 2, 4)
dash(m, i) = m eq 'cow' ? 1 : m eq 'copy' ? 11 : m eq 'sharept' ? 12 : m eq 'vfork' ? 13 : \
             word('1 11 12 13 4', (i - 1) % 5 + 1) + 0
point(m, i) = m eq 'cow' ? 7 : m eq 'copy' ? 5 : m eq 'sharept' ? 9 : m eq 'vfork' ? 13 : \
              word('7 5 9 13 11', (i - 1) % 5 + 1) + 0
# the first file's line is the widest, so that lines drawn over it leave it visible
width(i) = 4.2 - 0.8 * (i - 1) > 2.6 ? 4.2 - 0.8 * (i - 1) : 2.6
label(m) = m eq 'cow' ? 'cow (copy-on-write)' : m eq 'copy' ? 'copy (eager copy)' : \
           m eq 'sharept' ? 'sharept (shared leaf tables)' : m
xval(dummy) = xaxis eq 'ms' ? column("cost_ns") / 1e6 : xaxis eq 'event' ? column("event") : column("line")
# a row holds the counters after its event: the line steps to a row's values at its event
# number (or at the simulated time its event ended), where a phase line is drawn
style = 'steps'

# the phases: the rows where the first file's mark column changes, as event,cost_ns,line,label.
# They are read through awk: gnuplot 5.4 reads an empty last field of a CSV line (the mark
# column before the first mark) as garbage rather than as an empty string.
marksrc = sprintf("< awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } " . \
    "{ m = $c[\"mark\"] } m != p && m != \"\" { print $c[\"event\"] \",\" $c[\"cost_ns\"] \",\" $c[\"line\"] \",\" m } " . \
    "{ p = m }' '%s'", \
    word(infile, 1))
nmarks = 0
set table $marks separator comma
plot marksrc using (nmarks = nmarks + 1, xaxis eq 'ms' ? $2 / 1e6 : xaxis eq 'event' ? $1 : $3):(1):(strcol(4)) with table
unset table

# the highest values, for the ranges: room is left above for the phase names; the rows, for
# the point marks (about a dozen per series, each series' between the others')
fmax = 1
pmax = 1
xmax = 1
xmin = 1e300
rows = 1
do for [i=1:nfiles] {
    stats word(infile, i) using (column("frames_used")) nooutput
    fmax = STATS_max > fmax ? STATS_max : fmax
    stats word(infile, i) using (column("pt_pages")) nooutput
    pmax = STATS_max > pmax ? STATS_max : pmax
    stats word(infile, i) using (xval(0)) nooutput
    xmax = STATS_max > xmax ? STATS_max : xmax
    xmin = STATS_min < xmin ? STATS_min : xmin
    rows = STATS_records > rows ? STATS_records : rows
    stats word(infile, i) using (column("killed_oom")) nooutput
    kills = (i == 1 ? 0 : kills) + STATS_max
}
stats word(infile, 1) using (column("frames_total")) nooutput
ftotal = STATS_max
near = ftotal <= fmax * 1.25 # the memory's size is worth a line
every = rows / 12 > nfiles ? int(rows / 12) : nfiles
first(i) = int((i - 1) * every / nfiles)

set multiplot title (strlen(name) ? sprintf("Frames in use over a run: %s", name) : "Frames in use over a run") font tfont

# the legend, alone in a row under the title
set lmargin at screen 0.03
set rmargin at screen 0.97
set tmargin at screen 0.935
set bmargin at screen 0.895
unset border
unset tics
set xrange [0:1]
set yrange [0:1]
set key center center horizontal maxrows 1 box samplen 3 width -2
set key samplen 5
extra = (near ? "keyentry with lines dt 3 lw 2 lc rgb '#aa0000' title 'memory (frames_total)', " : '') . \
    (kills > 0 ? "keyentry with points pt 2 ps 2 lw 2 lc rgb '#aa0000' title 'OOM kill', " : '')
plot 2 notitle, for [i=1:nfiles] keyentry with linespoints lw width(i) dt dash(word(titles, i), i) \
    pt point(word(titles, i), i) ps 1.3 lc rgb colour(word(titles, i), i) title label(word(titles, i)), \
    @extra 2 notitle
unset key

set border 31 lw 1.2
set tics
set grid xtics ytics lc rgb '#e4e4e4' lw 1
set xrange [(xaxis eq 'line' ? xmin - 1 : 0):xmax + (xmax - (xaxis eq 'line' ? xmin - 1 : 0)) * 0.015]
set lmargin at screen 0.09
set rmargin at screen 0.97

# top: frames in use
set tmargin at screen 0.87
set bmargin at screen 0.39
set format x ''
unset xlabel
set ylabel 'frames in use'
ytop = (near && ftotal * 1.1 > fmax * 1.3) ? ftotal * 1.1 : fmax * 1.3
set yrange [0:ytop]
# (a trace without mark lines has no phase lines)
phases = nmarks == 0 ? '' : "$marks using 1:(0):(0):(ytop) with vectors nohead dt 2 lw 1 lc rgb '#999999' notitle, " . \
    "$marks using 1:(ytop * 0.985):3 with labels rotate by 90 right offset 0.6,0 font sfont tc rgb '#555555' notitle, "
# the memory's size, and a cross where a run's killed_oom rises (pk: the row before's)
limit = near ? sprintf("%g with lines dt 3 lw 2 lc rgb '#aa0000' notitle, ", ftotal) : ''
pk = 0
killmark(i) = kills > 0 ? sprintf("'%s' using (xval(0)):(d = column('killed_oom') - pk, pk = column('killed_oom'), " . \
    "d > 0 ? column('frames_used') : 1/0) with points pt 2 ps 2 lw 2 lc rgb '#aa0000' notitle, ", word(infile, i)) : ''
kmarks = ''
do for [i=1:nfiles] { kmarks = kmarks . killmark(i) }
plot @phases @limit @kmarks \
     for [i=1:nfiles] word(infile, i) using (xval(0)):(column("frames_used")) with @style \
        lw width(i) dt dash(word(titles, i), i) lc rgb colour(word(titles, i), i) notitle, \
     for [i=1:nfiles] word(infile, i) every every::first(i) using (xval(0)):(column("frames_used")) with points \
        pt point(word(titles, i), i) ps 1.3 lc rgb colour(word(titles, i), i) notitle

# bottom: page-table pages
set tmargin at screen 0.37
set bmargin at screen 0.09
set format x '% h'
set xlabel xaxis eq 'ms' ? 'simulated time (ms, cost model)' : \
           xaxis eq 'event' ? 'events run (the n-th event line of the trace)' : 'trace line (the line of each event in the trace)'
set ylabel 'page-table pages'
set yrange [0:pmax * 1.15]
unset key
phases = nmarks == 0 ? '' : "$marks using 1:(0):(0):(pmax * 1.15) with vectors nohead dt 2 lw 1 lc rgb '#999999' notitle, "
plot @phases \
     for [i=1:nfiles] word(infile, i) using (xval(0)):(column("pt_pages")) with @style \
        lw width(i) dt dash(word(titles, i), i) lc rgb colour(word(titles, i), i) notitle, \
     for [i=1:nfiles] word(infile, i) every every::first(i) using (xval(0)):(column("pt_pages")) with points \
        pt point(word(titles, i), i) ps 1.3 lc rgb colour(word(titles, i), i) notitle

unset multiplot
