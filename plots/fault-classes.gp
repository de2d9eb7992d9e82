# fault-classes.gp -- the page faults of several runs by class, as stacked bars: one bar per
# run (a workload, or any row), each class its share of the run's faults, the total above.
#
#   gnuplot -e "infile='plots/out/data/fault-classes.csv'; outfile='fault-classes.png'" plots/fault-classes.gp
#
# infile: `vmsim run --format csv` summaries, one row per run under one header, with a
# first column naming the run (plots/sweep.sh faults NAME TRACE makes such rows; the CSV of
# `vmsim compare` works too, its first column being the option that varies). Columns read:
# the first (the bar's name, or labelcol), faults.total and faults.CLASS for each class.
# Optional: term, labelcol (the columns naming each bar, e.g. 'fork zero-page'), classes
# (default: demand_zero zero_page file cow_copy cow_reuse segv), percent (1: shares of each
# run's faults, the default; 0: counts), title, subtitle (a second title line), xlabel.

if (!exists("infile")) infile = 'plots/out/data/fault-classes.csv'
if (!exists("outfile")) outfile = 'plots/out/fault-classes.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'
if (!exists("classes")) classes = 'demand_zero zero_page file cow_copy cow_reuse segv'
if (!exists("percent")) percent = 1
# the subtitle by default: the data file's name, without its folder and .csv
bn(s) = (bnp = strstrt(s, '/'), bnp ? bn(s[bnp+1:]) : s)
if (!exists("subtitle")) subtitle = (strlen(bn(infile)) > 4 && bn(infile)[strlen(bn(infile))-3:] eq '.csv') ? \
    bn(infile)[1:strlen(bn(infile))-4] : bn(infile)
if (!exists("title")) title = 'Page faults by class, per workload'
if (!exists("xlabel")) xlabel = 'workload'

if (term eq 'pngcairo') {
    set terminal pngcairo size 1300,700 font 'DejaVu Sans,12' noenhanced
} else {
    if (term eq 'svg') {
        set terminal svg size 1300,700 font 'DejaVu Sans,15' noenhanced background rgb 'white'
    } else {
        set terminal @term noenhanced
    }
}
set output outfile
# title and small text sizes (the svg terminal's fonts come out smaller)
tfont = term eq 'svg' ? 'DejaVu Sans,17' : 'DejaVu Sans,14'
sfont = term eq 'svg' ? ',12' : ',10'
set datafile separator comma
set key autotitle columnhead

# the bar's name: the labelcol columns, or the first column; a space breaks the line
lines(s) = (sp = strstrt(s, ' '), sp ? s[1:sp-1] . "\n" . lines(s[sp+1:]) : s)
joincols(cols, k) = k > words(cols) ? '' : strcol(word(cols, k)) . (k < words(cols) ? ' ' : '') . joincols(cols, k + 1)
barname(dummy) = lines(exists("labelcol") ? joincols(labelcol, 1) : strcol(1))
ccolour(c) = c eq 'demand_zero' ? 0x56B4E9 : c eq 'zero_page' ? 0xF0E442 : c eq 'file' ? 0x009E73 : \
             c eq 'cow_copy' ? 0xD55E00 : c eq 'cow_reuse' ? 0xE69F00 : c eq 'segv' ? 0x000000 : 0x999999
clabel(c) = c eq 'demand_zero' ? 'demand_zero (a new zeroed page)' : \
            c eq 'zero_page' ? 'zero_page (the shared zero page)' : \
            c eq 'file' ? 'file (a page-cache page)' : \
            c eq 'cow_copy' ? 'cow_copy (a write copies the page)' : \
            c eq 'cow_reuse' ? 'cow_reuse (a write takes the page back)' : \
            c eq 'segv' ? 'segv (no access allowed)' : c
share(c) = percent ? (column("faults.total") > 0 ? 100.0 * column("faults." . c) / column("faults.total") : 0) \
                   : column("faults." . c)

stats infile using (column("faults.total")) nooutput
nbars = STATS_records
ftop = STATS_max

set title sprintf("%s\n%s", title, subtitle)
set style data histograms
set style histogram rowstacked gap 1
set style fill solid 0.9 border rgb '#333333'
set boxwidth 0.62
set border 3 lw 1.2
set xtics nomirror scale 0
set ytics nomirror
set grid ytics lc rgb '#dddddd' lw 1
set xrange [-0.6:nbars - 0.4]
if (percent) {
    set ylabel "share of the run's page faults (%)"
    set yrange [0:112]
    set ytics 0, 20, 100
    top(dummy) = 100
} else {
    set ylabel 'page faults'
    set yrange [0:ftop * 1.12]
    top(dummy) = column("faults.total")
}
set xlabel xlabel . ' (the number above a bar: its page faults in all)' offset 0,-0.8
# the legend in two rows under the figure, so that the bars take the whole width; the
# classes are stacked from the bottom up in the legend's order
set key at screen 0.5, 0.065 center center horizontal maxrows 2 reverse Left samplen 2 spacing 1.15 width -1
set rmargin at screen 0.985
set bmargin at screen 0.235

plot for [i=1:words(classes)] infile using (share(word(classes, i))):xtic(barname(0)) \
        lc rgb ccolour(word(classes, i)) title clabel(word(classes, i)), \
     infile using (column(0)):(top(0)):(sprintf('%d', column("faults.total"))) with labels \
        offset 0,0.8 font sfont notitle
