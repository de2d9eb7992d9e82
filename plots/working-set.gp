# working-set.gp -- the distinct pages a real program has touched, access by access: the
# growth of its working set, from a valgrind lackey record.
#
#   gzip -dc traces/real/matmul.lackey.gz | vmsim import lackey | vmsim run -q --timeline ws.csv --every 1000 -
#   gnuplot -e "infile='ws.csv'; name='matmul'; outfile='ws.png'" plots/working-set.gp
#
# infile: a timeline written by `vmsim run --timeline FILE` of an imported lackey record,
# on a machine large enough that nothing is dropped (the default 16384 frames hold 64 MiB):
# every page is then a demand_zero fault the first time it is touched, and never again, so
# the running count of demand_zero faults is the number of distinct pages touched. Columns
# read: event, demand_zero.
# Optional:
#   name     what the record is, for the title (default: the file's name)
#   term     'pngcairo', 'svg', or any gnuplot terminal (default: from outfile's extension)

if (!exists("infile")) infile = 'plots/out/data/working-set-matmul.csv'
if (!exists("outfile")) outfile = 'plots/out/working-set-matmul.png'
if (!exists("term")) term = (strlen(outfile) > 4 && outfile[strlen(outfile)-3:] eq '.svg') ? 'svg' : 'pngcairo'
if (!exists("name")) name = infile

if (term eq 'pngcairo') {
    set terminal pngcairo size 1200,700 font 'DejaVu Sans,12' noenhanced
} else {
    if (term eq 'svg') {
        set terminal svg size 1200,700 font 'DejaVu Sans,15' noenhanced background rgb 'white'
    } else {
        set terminal @term noenhanced
    }
}
set output outfile
tfont = term eq 'svg' ? 'DejaVu Sans,17' : 'DejaVu Sans,14'
set datafile separator comma
set key autotitle columnhead

set title sprintf("Distinct pages touched: %s", name) font tfont
set xlabel 'accesses, thousands (events of the trace)'
set ylabel 'distinct pages touched (4 KiB)'
set grid ytics xtics lc rgb '#dddddd'
set key top left
set yrange [0:*]
set style line 1 lc rgb '#0072B2' lw 2

plot infile using (column('event') / 1000.0):(column('demand_zero')) with steps ls 1 title 'distinct pages'
