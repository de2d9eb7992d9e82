# tlb-pingpong.gp -- what a ping-pong of two processes costs in TLB work, per turn, against
# the pages each touches in its turn: without --asid every switch flushes the TLB, with it
# the two sets of pages stay as long as they fit.
#
#   VMSIM=build/release/vmsim sh plots/sweep.sh pingpong 8 32 64/64 64/64/asid >pp.csv
#   gnuplot -e "infile='pp.csv'; outfile='tlb-pingpong.png'" plots/tlb-pingpong.gp
#
# infile: CSV with a header holding the columns turn_pages (the pages of each process), tlb
# (the TLB, ENTRIES/WAYS or ENTRIES/WAYS/asid), turns and cost_per_turn_ns (the cost model's
# TLB work, walk steps, invalidations and flushes, divided by the turns); one row per point.
# plots/sweep.sh pingpong makes such rows from `vmsim gen --profile tlb` and `vmsim run`.
# Optional: tlbs (the values of the tlb column to draw, in order; default '64/64 64/64/asid
# 64/4/asid'), turns (for the subtitle), term ('pngcairo', 'svg', or any gnuplot terminal;
# by default from outfile's extension).

if (!exists("infile")) infile = 'plots/out/data/tlb-pingpong.csv'
if (!exists("outfile")) outfile = 'plots/out/tlb-pingpong.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'
if (!exists("tlbs")) tlbs = '64/64 64/64/asid 64/4/asid'
if (!exists("turns")) turns = 32

if (term eq 'pngcairo') {
    set terminal pngcairo size 1000,640 font 'DejaVu Sans,12' noenhanced
} else {
    if (term eq 'svg') {
        set terminal svg size 1000,640 font 'DejaVu Sans,15' noenhanced background rgb 'white'
    } else {
        set terminal @term noenhanced
    }
}
set output outfile
pscale = term eq 'svg' ? 0.7 : 1.0
set datafile separator comma

# ENTRIES/WAYS[/asid]: a label as the options of vmsim run say it
s1(t) = strstrt(t, '/')
entries(t) = int(t[1:s1(t) - 1])
rest(t) = t[s1(t) + 1:]
ways(t) = strstrt(rest(t), '/') ? int(rest(t)[1:strstrt(rest(t), '/') - 1]) : int(rest(t))
asid(t) = strstrt(rest(t), '/asid') > 0
label(t) = sprintf('--tlb %d%s%s', entries(t), ways(t) == entries(t) ? '' : sprintf(' --tlb-ways %d', ways(t)), \
                   asid(t) ? ' --asid' : ' (no --asid: a flush at each switch)')
colour(i) = word('0xD55E00 0x0072B2 0x009E73 0xCC79A7 0xE69F00 0x56B4E9', (i - 1) % 6 + 1) + 0
point(i) = word('5 7 9 13 11 3', (i - 1) % 6 + 1) + 0

ntlbs = words(tlbs)
do for [i=1:ntlbs] {
    eval sprintf('set table $tlb%d separator comma', i)
    plot infile using (column("turn_pages")):(column("cost_per_turn_ns")) with table if (strcol("tlb") eq word(tlbs, i))
    unset table
}

set title sprintf("TLB work of a ping-pong between two processes, per turn (simulated, --cost defaults)\nvmsim gen --profile tlb --pages 0 --turns %d --turn-pages N | vmsim run -: walk steps, invalidations and flushes", turns)
set xlabel 'pages each process touches in its turn (log scale)'
set ylabel 'TLB work per turn (simulated ns, log scale)'
set logscale x 2
set logscale y 10
set xrange [0.8:160]
set yrange [1:100000]
set xtics ('1' 1, '2' 2, '4' 4, '8' 8, '16' 16, '32' 32, '64' 64, '128' 128)
set ytics ('1' 1, '10' 10, '100' 100, '1000' 1000, '10000' 10000, '100000' 100000)
set grid xtics ytics lc rgb '#dddddd' lw 1
set key top left box opaque samplen 3 spacing 1.2 width 1
set border lw 1.2
# where the two processes' pages stop fitting in the TLB together
e = entries(word(tlbs, 1))
set arrow from e / 2, graph 0 to e / 2, graph 1 nohead dt 2 lw 1 lc rgb '#777777'
set label sprintf('%d + %d pages: the TLB is full', e / 2, e / 2) at e / 2, graph 0.05 offset 0.6, 0 font ',10' tc rgb '#555555'

# where two lines run together (--asid, fully associative or of 4 ways, below the knee), the
# first is drawn wider, with larger marks, and the next dashed over it: both stay visible
set dashtype 11 (8, 5)
set dashtype 12 (3, 3)
lwidth(i) = 3.4 - 0.8 * (i - 1) > 1.8 ? 3.4 - 0.8 * (i - 1) : 1.8
dash(i) = word('1 11 12', (i - 1) % 3 + 1) + 0
psize(i) = 1.7 - 0.4 * (i - 1) > 0.9 ? 1.7 - 0.4 * (i - 1) : 0.9
plot for [i=1:ntlbs] sprintf('$tlb%d', i) using 1:2 with linespoints \
        lw lwidth(i) dt dash(i) pt point(i) ps psize(i) * pscale lc rgb colour(i) title label(word(tlbs, i))
