# fork-latency.gp -- simulated fork latency against the parent's resident size, per fork
# mode, with Linux's measured medians as points.
#
#   gnuplot -e "infile='plots/out/data/fork-latency.csv'; outfile='fork-latency.png'" plots/fork-latency.gp
#
# infile: CSV with a header holding the columns rss_mib (the parent's resident memory, MiB),
# fork (the mode: cow, copy, sharept, vfork, or any word) and latency_ms; one row per point.
# plots/sweep.sh forklat MIB makes such rows from `vmsim run --timeline` (the cost the fork
# adds to cost_ns). Optional: term ('pngcairo', 'svg', or any gnuplot terminal; by default
# from outfile's extension), modes (the words of the fork column to draw, in order),
# linux (1: draw the Linux medians, the default; 0: do not).

if (!exists("infile")) infile = 'plots/out/data/fork-latency.csv'
if (!exists("outfile")) outfile = 'plots/out/fork-latency.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'
if (!exists("modes")) modes = 'cow copy sharept vfork'
if (!exists("linux")) linux = 1

if (term eq 'pngcairo') {
    set terminal pngcairo size 1000,680 font 'DejaVu Sans,12' noenhanced
} else {
    if (term eq 'svg') {
        set terminal svg size 1000,680 font 'DejaVu Sans,15' noenhanced background rgb 'white'
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

# one colour per mode, the same in every figure of plots/ (Okabe-Ito, colour-blind safe)
colour(m) = m eq 'cow' ? 0x0072B2 : m eq 'copy' ? 0xD55E00 : m eq 'sharept' ? 0x009E73 : \
            m eq 'vfork' ? 0xCC79A7 : 0x777777
point(m) = m eq 'cow' ? 7 : m eq 'copy' ? 5 : m eq 'sharept' ? 9 : m eq 'vfork' ? 13 : 3
label(m) = m eq 'cow' ? 'cow (copy-on-write)' : m eq 'copy' ? 'copy (eager copy)' : \
           m eq 'sharept' ? 'sharept (shared leaf tables)' : m eq 'vfork' ? 'vfork' : m

# one datablock of (rss, latency) per mode, in the file's row order
nmodes = words(modes)
do for [i=1:nmodes] {
    eval sprintf('set table $mode%d separator comma', i)
    plot infile using (column("rss_mib")):(column("latency_ms")) with table \
        if (strcol("fork") eq word(modes, i))
    unset table
}

# Linux 6.18, 2-vCPU KVM guest, 4 KiB pages: median fork() latency (ms) by resident size (MiB)
$linux << EOD
16,0.25
256,4.2
1024,14.6
4096,69
EOD

set title "Fork latency against the parent's size (simulated, x86_64)\nlines: vmsim's cost model; points and band: Linux 6.18 medians (4 KiB pages, 2-vCPU KVM guest)"
set xlabel 'resident memory of the parent (rss, log scale)'
set ylabel 'latency of one fork (ms, log scale)'
set logscale x 2
set logscale y 10
set xrange [0.8:5000]
set yrange [0.01:10000]
set xtics ('1 MiB' 1, '4 MiB' 4, '16 MiB' 16, '64 MiB' 64, '256 MiB' 256, '1 GiB' 1024, '4 GiB' 4096)
set ytics ('0.01' 0.01, '0.1' 0.1, '1' 1, '10' 10, '100' 100, '1000' 1000, '10000' 10000)
set mxtics 2
set grid xtics ytics mytics lc rgb '#dddddd' lw 1
set key top left box opaque samplen 3 spacing 1.2 width 1
set border lw 1.2

plot for [i=1:nmodes] sprintf('$mode%d', i) using 1:2 with linespoints \
        lw 2.2 pt point(word(modes, i)) ps 1.1 * pscale lc rgb colour(word(modes, i)) title label(word(modes, i)), \
     '+' using 1:(linux ? 0.025 : NaN):(0.048) with filledcurves fc rgb '#CC79A7' fs transparent solid 0.18 noborder \
        title 'Linux vfork()+_exit: 25-48 us', \
     $linux using 1:(linux ? $2 : NaN) with points pt 7 ps 1.8 * pscale lc rgb 'black' title 'Linux fork() median'
