# pt-sparsity.gp -- page-table pages for the same number of written pages, spread ever
# further apart: per arch (one process) and per fork mode (parent and child, after a fork).
#
#   gnuplot -e "infile='plots/out/data/pt-sparsity.csv'; outfile='pt-sparsity.png'" plots/pt-sparsity.gp
#
# infile: `vmsim compare --fork cow,copy,sharept --format csv` rows, with a first column
# stride_pages (the distance between two written pages, in pages); the runs fork once and the
# child exits, so memory.pt_pages is the parent's tables and memory.pt_pages_peak the tables
# of both just after the fork. plots/sweep.sh sparsity ARCH STRIDE makes them. Columns read:
# stride_pages, config.arch, config.page_size, fork, memory.pt_pages, memory.pt_pages_peak.
# Optional: term, arches (left panel, default 'x86_64 sv39 i386'), onemode (the fork mode
# whose rows the left panel reads, default cow), forkarch (right panel's arch, x86_64),
# modes (right panel's fork modes), pages (written pages, for the title, default 256).

if (!exists("infile")) infile = 'plots/out/data/pt-sparsity.csv'
if (!exists("outfile")) outfile = 'plots/out/pt-sparsity.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'
if (!exists("arches")) arches = 'x86_64 sv39 i386'
if (!exists("onemode")) onemode = 'cow'
if (!exists("forkarch")) forkarch = 'x86_64'
if (!exists("modes")) modes = 'cow copy sharept'
if (!exists("pages")) pages = 256

if (term eq 'pngcairo') {
    set terminal pngcairo size 1400,640 font 'DejaVu Sans,12' noenhanced
} else {
    if (term eq 'svg') {
        set terminal svg size 1400,640 font 'DejaVu Sans,15' noenhanced background rgb 'white'
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

colour(m) = m eq 'cow' ? 0x0072B2 : m eq 'copy' ? 0xD55E00 : m eq 'sharept' ? 0x009E73 : 0x777777
point(m) = m eq 'cow' ? 7 : m eq 'copy' ? 5 : m eq 'sharept' ? 9 : 3
width(m) = m eq 'copy' ? 1.5 : 2.5
dash(m) = m eq 'copy' ? 2 : 1
label(m) = m eq 'cow' ? 'cow (copy-on-write)' : m eq 'copy' ? 'copy (eager copy)' : \
           m eq 'sharept' ? 'sharept (shared leaf tables)' : m
acolour(a) = a eq 'x86_64' ? 0x000000 : a eq 'sv39' ? 0xE69F00 : a eq 'i386' ? 0x56B4E9 : 0x999999
apoint(a) = a eq 'x86_64' ? 7 : a eq 'sv39' ? 5 : a eq 'i386' ? 9 : 3
alabel(a) = a eq 'x86_64' ? 'x86_64 (4 levels of 512 entries)' : a eq 'sv39' ? 'sv39 (3 levels of 512)' : \
            a eq 'i386' ? 'i386 (2 levels of 1024)' : a

narches = words(arches)
do for [i=1:narches] {
    eval sprintf('set table $arch%d separator comma', i)
    plot infile using (column("stride_pages") * column("config.page_size")):(column("memory.pt_pages")) \
        with table if (strcol("config.arch") eq word(arches, i) && strcol("fork") eq onemode)
    unset table
}
nmodes = words(modes)
do for [i=1:nmodes] {
    eval sprintf('set table $mode%d separator comma', i)
    plot infile using (column("stride_pages") * column("config.page_size")):(column("memory.pt_pages_peak")) \
        with table if (strcol("config.arch") eq forkarch && strcol("fork") eq word(modes, i))
    unset table
}

set multiplot layout 1,2 title sprintf("Page-table pages for %d written pages, spread ever further apart", pages) \
    font tfont margins 0.06,0.98,0.12,0.82 spacing 0.07,0
set logscale x 2
set logscale y 10
set xrange [2048:2**40]
set yrange [1:3000]
set xtics ('4 KiB' 2**12, '64 KiB' 2**16, '2 MiB' 2**21, '64 MiB' 2**26, '1 GiB' 2**30, \
           '32 GiB' 2**35, '512 GiB' 2**39)
set ytics ('1' 1, '2' 2, '5' 5, '10' 10, '20' 20, '50' 50, '100' 100, '200' 200, '500' 500, '1000' 1000, '2000' 2000)
set grid xtics ytics lc rgb '#dddddd' lw 1
set border lw 1.2
set xlabel 'distance between two written pages (log scale)'
set ylabel 'page-table pages (log scale)'
set key top left box opaque samplen 3 spacing 1.15

# what one table of each level spans, as dashed lines
set arrow 1 from 2**21, graph 0 to 2**21, graph 1 nohead dt 3 lc rgb '#888888'
set arrow 2 from 2**30, graph 0 to 2**30, graph 1 nohead dt 3 lc rgb '#888888'
set arrow 3 from 2**39, graph 0 to 2**39, graph 1 nohead dt 3 lc rgb '#888888'
set label 1 'a leaf table: 2 MiB (i386: 4 MiB)' at 2**21, graph 0.02 rotate by 90 offset -0.8,0 left font sfont tc rgb '#555555'
set label 2 'one level up: 1 GiB' at 2**30, graph 0.02 rotate by 90 offset -0.8,0 left font sfont tc rgb '#555555'
set label 3 'two levels up: 512 GiB' at 2**39, graph 0.02 rotate by 90 offset -0.8,0 left font sfont tc rgb '#555555'

set title 'one process, per arch'
plot for [i=1:narches] sprintf('$arch%d', i) using 1:2 with linespoints lw 2.2 \
    pt apoint(word(arches, i)) ps 0.9 * pscale lc rgb acolour(word(arches, i)) title alabel(word(arches, i))

set title sprintf('parent and child just after a fork, %s, per fork mode', forkarch)
set ylabel 'page-table pages of both (log scale)'
plot for [i=1:nmodes] sprintf('$mode%d', i) using 1:2 with linespoints lw width(word(modes, i)) \
    dt dash(word(modes, i)) pt point(word(modes, i)) ps 0.9 * pscale lc rgb colour(word(modes, i)) \
    title label(word(modes, i))

unset multiplot
