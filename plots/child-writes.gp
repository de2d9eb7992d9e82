# child-writes.gp -- what a fork costs as the child writes more of what it inherited:
# pages copied, peak memory and simulated time, per fork mode.
#
#   gnuplot -e "infile='plots/out/data/child-writes.csv'; outfile='child-writes.png'" plots/child-writes.gp
#
# infile: `vmsim compare --fork cow,copy,sharept --format csv` rows of several traces, with a
# first column saying what was varied: child_writes (the fraction of its pages the child
# writes, 0..1). plots/sweep.sh childwrites FRACTION makes them. The columns read are
# xcol, fork, memory.pages_copied, memory.frames_peak, config.page_size and cost.total.
# Optional: term ('pngcairo', 'svg', ...), modes (the fork modes to draw), xcol (the x
# column, default child_writes), xlabel.

if (!exists("infile")) infile = 'plots/out/data/child-writes.csv'
if (!exists("outfile")) outfile = 'plots/out/child-writes.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'
if (!exists("modes")) modes = 'cow copy sharept'
if (!exists("xcol")) xcol = 'child_writes'
if (!exists("xlabel")) xlabel = 'fraction of the pages the child writes'

if (term eq 'pngcairo') {
    set terminal pngcairo size 1500,560 font 'DejaVu Sans,12' noenhanced
} else {
    if (term eq 'svg') {
        set terminal svg size 1500,560 font 'DejaVu Sans,15' noenhanced background rgb 'white'
    } else {
        set terminal @term noenhanced
    }
}
set output outfile
# title and small text sizes (the svg terminal's fonts come out smaller)
tfont = term eq 'svg' ? 'DejaVu Sans,17' : 'DejaVu Sans,14'
sfont = term eq 'svg' ? ',12' : ',10'
# the svg terminal draws points larger than pngcairo
pscale = term eq 'svg' ? 0.7 : 1.0
set datafile separator comma

colour(m) = m eq 'cow' ? 0x0072B2 : m eq 'copy' ? 0xD55E00 : m eq 'sharept' ? 0x009E73 : \
            m eq 'vfork' ? 0xCC79A7 : 0x777777
# each mode its own dash type and point mark (as in frames.gp), and its marks on every
# third point, each mode's between the others': cow and sharept often lie on one line
point(m) = m eq 'cow' ? 7 : m eq 'copy' ? 5 : m eq 'sharept' ? 9 : m eq 'vfork' ? 13 : 11
size(m) = 1.3
# long dashes, short dashes, dash-dot: each visible over a solid line of another colour
set dashtype 11 (10, 6)
set dashtype 12 (4, 4)
set dashtype 13 (10, 4, 2, 4)
dash(m) = m eq 'cow' ? 1 : m eq 'copy' ? 11 : m eq 'sharept' ? 12 : m eq 'vfork' ? 13 : 4
width(m) = m eq 'cow' ? 4 : 3
label(m) = m eq 'cow' ? 'cow (copy-on-write)' : m eq 'copy' ? 'copy (eager copy)' : \
           m eq 'sharept' ? 'sharept (shared leaf tables)' : m

# per mode: x, pages copied, peak memory (MiB), simulated time of the run (ms)
nmodes = words(modes)
do for [i=1:nmodes] {
    eval sprintf('set table $mode%d separator comma', i)
    plot infile using (column(xcol)):(column("memory.pages_copied")) \
        :(column("memory.frames_peak") * column("config.page_size") / 1048576.0) \
        :(column("cost.total") / 1e6) with table if (strcol("fork") eq word(modes, i))
    unset table
}

set multiplot title "After fork, the child writes part of its parent's memory (x86_64, writes spread evenly over the pages)" \
    font tfont

# the legend, alone in a row under the title
set lmargin at screen 0.06
set rmargin at screen 0.985
set tmargin at screen 0.90
set bmargin at screen 0.84
unset border
unset tics
set xrange [0:1]
set yrange [0:1]
set key center center horizontal box samplen 6 width 1
plot 2 notitle, for [i=1:nmodes] keyentry with linespoints lw width(word(modes, i)) dt dash(word(modes, i)) \
    pt point(word(modes, i)) ps size(word(modes, i)) * pscale lc rgb colour(word(modes, i)) title label(word(modes, i))
unset key

# three panels side by side
set tmargin at screen 0.76
set bmargin at screen 0.12
set border 31 lw 1.2
set tics
set xlabel xlabel
set xrange [0:1]
set xtics 0.25
set mxtics 5
set grid xtics ytics lc rgb '#dddddd' lw 1
set yrange [0:*]
set offsets 0, 0, graph 0.05, 0

set lmargin at screen 0.06
set rmargin at screen 0.31
set title 'pages copied (at fork or at write faults)'
set ylabel 'pages copied (4 KiB pages)'
plot for [i=1:nmodes] sprintf('$mode%d', i) using 1:2 with lines lw width(word(modes, i)) \
        dt dash(word(modes, i)) lc rgb colour(word(modes, i)) notitle, \
     for [i=1:nmodes] sprintf('$mode%d', i) every 3::((i - 1) % 3) using 1:2 with points \
        pt point(word(modes, i)) ps size(word(modes, i)) * pscale lc rgb colour(word(modes, i)) notitle

set lmargin at screen 0.395
set rmargin at screen 0.645
set title 'peak memory (frames in use, highest)'
set ylabel 'peak memory (MiB)'
plot for [i=1:nmodes] sprintf('$mode%d', i) using 1:3 with lines lw width(word(modes, i)) \
        dt dash(word(modes, i)) lc rgb colour(word(modes, i)) notitle, \
     for [i=1:nmodes] sprintf('$mode%d', i) every 3::((i - 1) % 3) using 1:3 with points \
        pt point(word(modes, i)) ps size(word(modes, i)) * pscale lc rgb colour(word(modes, i)) notitle

set lmargin at screen 0.73
set rmargin at screen 0.98
set title 'simulated time (cost model)'
set ylabel 'simulated time of the whole run (ms)'
plot for [i=1:nmodes] sprintf('$mode%d', i) using 1:4 with lines lw width(word(modes, i)) \
        dt dash(word(modes, i)) lc rgb colour(word(modes, i)) notitle, \
     for [i=1:nmodes] sprintf('$mode%d', i) every 3::((i - 1) % 3) using 1:4 with points \
        pt point(word(modes, i)) ps size(word(modes, i)) * pscale lc rgb colour(word(modes, i)) notitle

unset multiplot
