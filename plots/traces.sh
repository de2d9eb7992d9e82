#!/bin/sh
# traces.sh KIND [ARGS] -- writes one trace of the `make plots` sweeps to standard output.
#
#   forklat MIB fork|vfork      a process with MIB MiB of written private memory forks (or
#                               vforks) a child that exits at once
#   childwrites FRACTION [PAGES]
#                               a 32 MiB process (PAGES pages) forks a child that writes
#                               FRACTION (0..1) of those pages, spread evenly, and exits
#   sparsity PAGES STRIDE [COUNT]
#                               COUNT (256) written pages, STRIDE pages apart, in one VMA
#                               starting at address 0 (PAGES: the arch's user pages, checked);
#                               then a fork, and the child exits
#
# The traces are small programs of their own: addresses are written as page numbers with
# the `p` suffix and numbers in decimal ("%.0f": mawk prints %d and %x in 32 bits only).
set -eu
kind=${1:?usage: traces.sh forklat|childwrites|sparsity ARGS}
shift

case $kind in
forklat)
    mib=${1:?forklat MIB fork|vfork}
    how=${2:?forklat MIB fork|vfork}
    awk -v mib="$mib" -v how="$how" 'BEGIN {
        pages = mib * 256
        print "# " how " of a process with " mib " MiB of written private memory"
        print "spawn 1"
        printf "mmap 1 65536p %.0fp rw- private\n", pages
        printf "touch 1 65536p %.0fp w\n", pages
        print "mark " how
        print how " 1 2"
        print "exit 2"
        print "wait 1 2"
    }'
    ;;
childwrites)
    frac=${1:?childwrites FRACTION [PAGES]}
    pages=${2:-8192}
    awk -v frac="$frac" -v pages="$pages" 'BEGIN {
        print "# a child writes " frac " of its parent'"'"'s " pages " pages, spread evenly"
        print "spawn 1"
        printf "mmap 1 65536p %dp rw- private\n", pages
        printf "touch 1 65536p %dp w\n", pages
        print "mark fork"
        print "fork 1 2"
        print "mark child-writes"
        # page i is written when floor((i + 1) * frac) passes an integer: frac * pages
        # pages in all, as evenly spread as they can be
        for (i = 0; i < pages; i++)
            if (int((i + 1) * frac + 1e-9) > int(i * frac + 1e-9))
                printf "write 2 %dp\n", 65536 + i
        print "mark child-exits"
        print "exit 2"
        print "wait 1 2"
    }'
    ;;
sparsity)
    upages=${1:?sparsity USER_PAGES STRIDE [COUNT]}
    stride=${2:?sparsity USER_PAGES STRIDE [COUNT]}
    count=${3:-256}
    awk -v upages="$upages" -v stride="$stride" -v count="$count" 'BEGIN {
        if (count * stride > upages) {
            print "traces.sh: " count " pages " stride " apart do not fit" > "/dev/stderr"
            exit 2
        }
        print "# " count " written pages, " stride " pages apart"
        print "spawn 1"
        printf "mmap 1 0 %.0fp rw- private\n", count * stride
        for (i = 0; i < count; i++)
            printf "write 1 %.0fp\n", i * stride
        print "mark fork"
        print "fork 1 2"
        print "exit 2"
        print "wait 1 2"
    }'
    ;;
*)
    echo "traces.sh: unknown kind '$kind'" >&2
    exit 2
    ;;
esac
