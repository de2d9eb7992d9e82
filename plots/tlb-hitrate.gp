# tlb-hitrate.gp -- TLB hit rate against the pages a loop touches, one line per TLB: the
# staircase of OSTEP's TLB chapter (its figure of tlb.c's time per access), as hits.
#
#   VMSIM=build/release/vmsim sh plots/sweep.sh tlb 64 10 16/16 64/4 >tlb.csv
#   gnuplot -e "infile='tlb.csv'; outfile='tlb-hitrate.png'" plots/tlb-hitrate.gp
#
# infile: CSV with a header holding the columns pages (the pages the loop touches, one page
# apart), tlb (the TLB, written ENTRIES/WAYS) and hit_rate (0 to 1); one row per point.
# plots/sweep.sh tlb makes such rows from `vmsim gen --profile tlb` and `vmsim run`.
# Optional: tlbs (the values of the tlb column to draw, in order; default '16/16 64/4 512/8'),
# trials (the loop's trials, for the subtitle), term ('pngcairo', 'svg', or any gnuplot
# terminal; by default from outfile's extension).

if (!exists("infile")) infile = 'plots/out/data/tlb-hitrate.csv'
if (!exists("outfile")) outfile = 'plots/out/tlb-hitrate.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'
if (!exists("tlbs")) tlbs = '16/16 64/4 512/8'
if (!exists("trials")) trials = 10

if (term eq 'pngcairo') {
    set terminal pngcairo size 1000,720 font 'DejaVu Sans,12' noenhanced
} else {
    if (term eq 'svg') {
        set terminal svg size 1000,720 font 'DejaVu Sans,15' noenhanced background rgb 'white'
    } else {
        set terminal @term noenhanced
    }
}
set output outfile
pscale = term eq 'svg' ? 0.7 : 1.0
set datafile separator comma

# ENTRIES/WAYS: its entries, its ways, and a label as the options of vmsim run say it
entries(t) = int(t[1:strstrt(t, '/') - 1])
ways(t) = int(t[strstrt(t, '/') + 1:])
label(t) = ways(t) == entries(t) ? sprintf('--tlb %d (fully associative)', entries(t)) : \
           ways(t) == 1 ? sprintf('--tlb %d --tlb-ways 1 (direct-mapped)', entries(t)) : \
           sprintf('--tlb %d --tlb-ways %d (%d sets of %d ways)', entries(t), ways(t), entries(t) / ways(t), ways(t))
# Okabe-Ito colours, one per TLB in order
colour(i) = word('0x0072B2 0xD55E00 0x009E73 0xCC79A7 0xE69F00 0x56B4E9', (i - 1) % 6 + 1) + 0
point(i) = word('7 5 9 13 11 3', (i - 1) % 6 + 1) + 0

ntlbs = words(tlbs)
do for [i=1:ntlbs] {
    eval sprintf('set table $tlb%d separator comma', i)
    plot infile using (column("pages")):(100 * column("hit_rate")) with table if (strcol("tlb") eq word(tlbs, i))
    unset table
}

set title sprintf("TLB hit rate against the pages a loop touches, one page apart (OSTEP's tlb.c)\nvmsim gen --profile tlb --turns 0 --pages N --trials %d | vmsim run -: the trials after the first (cold misses left out)", trials)
set xlabel 'pages touched (log scale)'
set ylabel 'TLB hit rate (%)'
set logscale x 2
set xrange [0.8:1300]
set yrange [-3:103]
set xtics ('1' 1, '2' 2, '4' 4, '8' 8, '16' 16, '32' 32, '64' 64, '128' 128, '256' 256, '512' 512, '1024' 1024)
set ytics 0, 20, 100
set grid xtics ytics lc rgb '#dddddd' lw 1
set key at screen 0.5, screen 0.015 center bottom box samplen 3 spacing 1.2 width 1
set bmargin 8.5
set border lw 1.2
# each TLB's size: where the loop stops fitting
do for [i=1:ntlbs] {
    set arrow from entries(word(tlbs, i)), graph 0 to entries(word(tlbs, i)), graph 1 nohead dt 2 lw 1 lc rgb colour(i)
}

plot for [i=1:ntlbs] sprintf('$tlb%d', i) using 1:2 with linespoints \
        lw 2.2 pt point(i) ps 1.0 * pscale lc rgb colour(i) title label(word(tlbs, i))
