# frames.gp -- frames in use and page-table pages over a run, one line per timeline, with
# the trace's `mark` labels as dashed vertical lines.
#
#   gnuplot -e "infile='cow.csv copy.csv sharept.csv'; titles='cow copy sharept'; outfile='frames.png'" plots/frames.gp
#
# infile: one or more timelines written by `vmsim run --timeline FILE` (space-separated
# names; the file names must hold no space), typically the same trace under several fork
# modes. Columns read: event, frames_used, pt_pages, cost_ns, mark.
# Optional:
#   titles   one legend title per file (default: the file names); the words cow, copy,
#            sharept and vfork get the colours they have in every figure of plots/
#   name     what the trace is, for the title (default: the first file's name)
#   xaxis    'event' (default: the event number) or 'ms' (the simulated time, cost_ns)
#   term     'pngcairo', 'svg', or any gnuplot terminal (default: from outfile's extension)
# The phase lines are drawn where the first file's mark column changes.

if (!exists("infile")) infile = 'plots/out/data/frames-prefork-cow.csv plots/out/data/frames-prefork-copy.csv plots/out/data/frames-prefork-sharept.csv'
if (!exists("outfile")) outfile = 'plots/out/frames-prefork.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'
if (!exists("titles")) titles = infile
if (!exists("name")) name = word(infile, 1)
if (!exists("xaxis")) xaxis = 'event'

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

nfiles = words(infile)
colour(m, i) = m eq 'cow' ? 0x0072B2 : m eq 'copy' ? 0xD55E00 : m eq 'sharept' ? 0x009E73 : \
               m eq 'vfork' ? 0xCC79A7 : word('0x000000 0xE69F00 0x56B4E9 0xF0E442 0x999999', (i - 1) % 5 + 1) + 0
dash(m) = m eq 'sharept' ? 2 : 1
# the first file's line is the widest, so that lines drawn over it leave it visible
width(i) = 4.2 - 1.2 * (i - 1) > 1.2 ? 4.2 - 1.2 * (i - 1) : 1.2
label(m) = m eq 'cow' ? 'cow (copy-on-write)' : m eq 'copy' ? 'copy (eager copy)' : \
           m eq 'sharept' ? 'sharept (shared leaf tables)' : m
xval(dummy) = xaxis eq 'ms' ? column("cost_ns") / 1e6 : column("event")
# a row holds the counters after its event: the line steps to a row's values at its event
# number (or at the simulated time its event ended), where a phase line is drawn
style = 'steps'

# the phases: the rows where the first file's mark column changes, as event,cost_ns,label.
# They are read through awk: gnuplot 5.4 reads an empty last field of a CSV line (the mark
# column before the first mark) as garbage rather than as an empty string.
marksrc = sprintf("< awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } " . \
    "{ m = $c[\"mark\"] } m != p && m != \"\" { print $c[\"event\"] \",\" $c[\"cost_ns\"] \",\" m } { p = m }' '%s'", \
    word(infile, 1))
nmarks = 0
set table $marks separator comma
plot marksrc using (nmarks = nmarks + 1, xaxis eq 'ms' ? $2 / 1e6 : $1):(1):(strcol(3)) with table
unset table

# the highest values, for the ranges: room is left above for the phase names
fmax = 1
pmax = 1
xmax = 1
do for [i=1:nfiles] {
    stats word(infile, i) using (column("frames_used")) nooutput
    fmax = STATS_max > fmax ? STATS_max : fmax
    stats word(infile, i) using (column("pt_pages")) nooutput
    pmax = STATS_max > pmax ? STATS_max : pmax
    stats word(infile, i) using (xval(0)) nooutput
    xmax = STATS_max > xmax ? STATS_max : xmax
}

set multiplot title sprintf("Frames in use over a run: %s", name) font tfont

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
plot 2 notitle, for [i=1:nfiles] keyentry with lines lw width(i) dt dash(word(titles, i)) \
    lc rgb colour(word(titles, i), i) title label(word(titles, i))
unset key

set border 31 lw 1.2
set tics
set grid xtics ytics lc rgb '#e4e4e4' lw 1
set xrange [0:xmax * 1.015]
set lmargin at screen 0.09
set rmargin at screen 0.97

# top: frames in use
set tmargin at screen 0.87
set bmargin at screen 0.39
set format x ''
unset xlabel
set ylabel 'frames in use'
set yrange [0:fmax * 1.3]
# (a trace without mark lines has no phase lines)
phases = nmarks == 0 ? '' : "$marks using 1:(0):(0):(fmax * 1.3) with vectors nohead dt 2 lw 1 lc rgb '#999999' notitle, " . \
    "$marks using 1:(fmax * 1.28):3 with labels rotate by 90 right offset 0.6,0 font sfont tc rgb '#555555' notitle, "
plot @phases \
     for [i=1:nfiles] word(infile, i) using (xval(0)):(column("frames_used")) with @style \
        lw width(i) dt dash(word(titles, i)) lc rgb colour(word(titles, i), i) notitle

# bottom: page-table pages
set tmargin at screen 0.37
set bmargin at screen 0.09
set format x '% h'
set xlabel xaxis eq 'ms' ? 'simulated time (ms, cost model)' : 'event number (trace lines that are events)'
set ylabel 'page-table pages'
set yrange [0:pmax * 1.15]
unset key
phases = nmarks == 0 ? '' : "$marks using 1:(0):(0):(pmax * 1.15) with vectors nohead dt 2 lw 1 lc rgb '#999999' notitle, "
plot @phases \
     for [i=1:nfiles] word(infile, i) using (xval(0)):(column("pt_pages")) with @style \
        lw width(i) dt dash(word(titles, i)) lc rgb colour(word(titles, i), i) notitle

unset multiplot
