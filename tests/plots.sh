#!/bin/sh
# plots.sh [DIR] -- checks what `make plots` left in DIR (default plots/out): every figure
# is there as PNG and as SVG, each PNG starts with the PNG signature and an IHDR of non-zero
# size, each SVG is XML with an <svg> root that closes, and every data file under DIR/data
# is a CSV with a header and rows of as many fields. Run `make plots` first. Uses `file` and
# `xmllint` when they are installed, bytes read with od otherwise. With gnuplot and vmsim
# (VMSIM, default build/release/vmsim) it also draws frames.gp and fault-classes.gp from
# data of its own, to check the names and labels they make up. Prints
# "plots: N passed, M failed"; exits 1 if any check failed.
dir=${1:-plots/out}
pass=0 fail=0
figures="frames-prefork frames-snapshot fork-latency child-writes pt-sparsity fault-classes
         working-set-matmul working-set-listwalk replacement-hitrate swap-traffic
         replacement-hitrate-matmul replacement-hitrate-listwalk tlb-hitrate tlb-pingpong"
data="frames-prefork-cow frames-prefork-copy frames-prefork-sharept
      frames-snapshot-cow frames-snapshot-copy frames-snapshot-sharept
      fork-latency child-writes pt-sparsity fault-classes working-set-matmul working-set-listwalk
      hitrate-belady hitrate-refstring swap-traffic-clock swap-traffic-fifo swap-traffic-lru
      swap-traffic-opt swap-traffic-random hitrate-real-matmul hitrate-real-listwalk tlb-hitrate tlb-pingpong"
have_file=no
command -v file >/dev/null 2>&1 && have_file=yes
have_xmllint=no
command -v xmllint >/dev/null 2>&1 && have_xmllint=yes

begin() { name=$1 why=; }
no() { why="$why; $*"; }
end() {
    if [ -z "$why" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name:${why#;}"
    fi
}
# bytes FILE OFFSET COUNT: those bytes as lower-case hex, no spaces
bytes() { od -An -tx1 -j "$2" -N "$3" "$1" 2>/dev/null | tr -d ' \n'; }

check_png() {
    f=$1
    [ "$(bytes "$f" 0 8)" = 89504e470d0a1a0a ] || no "no PNG signature"
    [ "$(bytes "$f" 12 4)" = 49484452 ] || no "no IHDR chunk first"
    w=$(bytes "$f" 16 4)
    h=$(bytes "$f" 20 4)
    case $w$h in
    *[!0-9a-f]* | '') no "no image size" ;;
    00000000* | ????????00000000) no "an image of size 0" ;;
    ????????????????) ;;
    *) no "no image size" ;;
    esac
    if [ "$have_file" = yes ]; then
        file -b "$f" | grep -q '^PNG image data' || no "file(1) says: $(file -b "$f")"
    fi
}

check_svg() {
    f=$1
    # the first thing in the file is an XML declaration or the <svg> element
    head -c 200 "$f" | tr -d '\n' | sed 's/^[[:space:]]*//' | grep -Eq '^(<\?xml |<svg[[:space:]>])' ||
        no "does not start with <?xml or <svg"
    grep -q '<svg[[:space:]>]' "$f" || no "no <svg element"
    grep -q 'xmlns="http://www.w3.org/2000/svg"' "$f" || no "no SVG namespace"
    # the last non-blank line closes the root
    last=$(grep -v '^[[:space:]]*$' "$f" | tail -n 1)
    case $last in *'</svg>'*) ;; *) no "does not end with </svg>" ;; esac
    opened=$(grep -o '<svg[[:space:]>]' "$f" | wc -l)
    closed=$(grep -o '</svg>' "$f" | wc -l)
    [ "$opened" -eq "$closed" ] || no "$opened <svg opened, $closed closed"
    if [ "$have_file" = yes ]; then
        file -b "$f" | grep -Eq 'SVG|XML' || no "file(1) says: $(file -b "$f")"
    fi
    if [ "$have_xmllint" = yes ]; then
        xmllint --noout "$f" 2>/dev/null || no "xmllint: not well-formed XML"
    fi
}

for fig in $figures; do
    for ext in png svg; do
        f=$dir/$fig.$ext
        begin "$f"
        if [ ! -s "$f" ]; then
            no "missing or empty"
        elif [ "$ext" = png ]; then
            check_png "$f"
        else
            check_svg "$f"
        fi
        end
    done
done

for d in $data; do
    f=$dir/data/$d.csv
    begin "$f"
    if [ ! -s "$f" ]; then
        no "missing or empty"
    else
        why_csv=$(awk -F, 'NR == 1 { n = NF; if (NF < 2) print "a header of " NF " field"; next }
            NF != n { print "line " NR " has " NF " fields, the header " n; exit }
            END { if (NR < 2) print "no data rows" }' "$f")
        [ -z "$why_csv" ] || no "$why_csv"
    fi
    end
done

# the handout's tables of the real records: a row per policy and frame count, whose
# numbers agree with the sweep they come from (hit rate = hits / (hits + misses))
for r in matmul listwalk; do
    t=$dir/replacement-table-$r.txt
    begin "$t: hits, misses, clean and dirty evictions, hit rate"
    if [ ! -s "$t" ]; then
        no "missing or empty"
    else
        head -n 1 "$t" | grep -q 'HITS *MISSES *CLEAN EVICTIONS *DIRTY EVICTIONS *HIT RATE' || no "no header"
        rows=$(($(wc -l <"$t") - 1)) csvrows=$(($(wc -l <"$dir/data/hitrate-real-$r.csv") - 1))
        [ "$rows" = "$csvrows" ] || no "$rows rows, the sweep has $csvrows"
        awk 'NR > 1 { t = $3 + $4; r = t ? 100 * $3 / t : 0; sub(/%/, "", $7)
                      if ($7 - r > 0.006 || r - $7 > 0.006) { print "row " NR ": " $0; exit 1 } }' "$t" >/dev/null ||
            no "a hit rate that is not hits / (hits + misses)"
        for p in fifo lru clock opt random; do
            grep -q "^$p " "$t" || no "no $p row"
        done
    fi
    end
done

# the texts of an SVG, one a line
svg_texts() { grep -o '<text[^>]*>[^<]*</text>' "$1" | sed 's/<[^>]*>//g' | sed "s/&#39;/'/g; s/&apos;/'/g"; }

# the replacement figures show what they are for: Belady's anomaly in the data (FIFO hits more
# with 3 frames than with 4) and on the figure; every policy at every frame count; swap
# traffic that grows, and the trace's phases
begin "replacement-hitrate: Belady's anomaly, every policy"
f=$dir/data/hitrate-belady.csv
if [ -s "$f" ]; then
    hits() { awk -F, -v p="$1" -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["policy"] == p && $c["frames"] == n { print $c["accesses.hits"] }' "$f"; }
    [ "$(hits fifo 3)" = 3 ] && [ "$(hits fifo 4)" = 2 ] ||
        no "fifo hits $(hits fifo 3) with 3 frames and $(hits fifo 4) with 4, not 3 and 2"
    for p in fifo lru clock opt random; do
        [ "$(awk -F, -v p="$p" 'NR > 1 && $0 ~ "(^|,)" p ","' "$f" | wc -l)" -ge 7 ] || no "no $p row for each frame count"
    done
fi
[ -s "$dir/replacement-hitrate.svg" ] && { svg_texts "$dir/replacement-hitrate.svg" | grep -q "^Belady's anomaly: fifo" ||
    no "the figure does not point at Belady's anomaly"; }
for p in 'opt (farthest next use)' 'lru (least recently used)' 'clock (second chance)' 'fifo (first in, first out)'; do
    [ -s "$dir/replacement-hitrate.svg" ] && { svg_texts "$dir/replacement-hitrate.svg" | grep -qxF "$p" || no "no legend entry '$p'"; }
done
end
begin "swap-traffic: traffic that grows, the phases of the trace"
f=$dir/data/swap-traffic-clock.csv
if [ -s "$f" ]; then
    last=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } END { print $c["evictions"], $c["swap_writes"], $c["swap_reads"] }' "$f")
    case $last in 0\ * | *\ 0\ * | *\ 0) no "a total of 0 at the end: $last" ;; esac
fi
if [ -s "$dir/swap-traffic.svg" ]; then
    for t in fork round1 exit after 'swap slots in use' clock opt; do
        svg_texts "$dir/swap-traffic.svg" | grep -qxF "$t" || no "no text '$t'"
    done
fi
end

# the TLB figures: the staircase (a loop that fits hits on every page after its first trial,
# one that does not misses on every page), and a ping-pong that --asid makes cheaper while
# both processes' pages fit, and no cheaper once they do not
begin "tlb-hitrate: a step at each TLB's size"
f=$dir/data/tlb-hitrate.csv
if [ -s "$f" ]; then
    rate() { awk -F, -v t="$1" -v p="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["tlb"] == t && $c["pages"] == p { print $c["hit_rate"] }' "$f"; }
    for tp in 16/16:16:1.000000 16/16:17:0.000000 64/4:64:1.000000 64/4:80:0.000000 64/4:72:0.444444 \
        512/8:512:1.000000 512/8:1024:0.000000 512/8:1:1.000000; do
        t=${tp%%:*} rest=${tp#*:}
        got=$(rate "$t" "${rest%%:*}")
        [ "$got" = "${rest#*:}" ] || no "--tlb $t, ${rest%%:*} pages: hit rate '$got', want ${rest#*:}"
    done
fi
if [ -s "$dir/tlb-hitrate.svg" ]; then
    for t in '--tlb 16 (fully associative)' '--tlb 64 --tlb-ways 4 (16 sets of 4 ways)' \
        '--tlb 512 --tlb-ways 8 (64 sets of 8 ways)' 'pages touched (log scale)'; do
        svg_texts "$dir/tlb-hitrate.svg" | grep -qxF -- "$t" || no "no text '$t'"
    done
fi
end
begin "tlb-pingpong: --asid saves the refills while the pages fit"
f=$dir/data/tlb-pingpong.csv
if [ -s "$f" ]; then
    cost() { awk -F, -v t="$1" -v p="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["tlb"] == t && $c["turn_pages"] == p { print $c["cost_ns"] }' "$f"; }
    flushes=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["tlb"] == "64/64" { print $c["flushes"] }' "$f" | sort -u)
    [ "$flushes" = 31 ] || no "without --asid: flushes '$flushes', want 31 at every point (32 turns)"
    a=$(cost 64/64/asid 32) b=$(cost 64/64 32)
    [ -n "$a" ] && [ -n "$b" ] && [ $((a * 10)) -lt "$b" ] || no "32 pages: --asid $a ns, not a tenth of $b ns"
    a=$(cost 64/64/asid 128) b=$(cost 64/64 128)
    [ -n "$a" ] && [ -n "$b" ] && [ "$a" -le "$b" ] && [ $((a * 10)) -gt $((b * 9)) ] ||
        no "128 pages: --asid $a ns, not within a tenth of $b ns"
fi
if [ -s "$dir/tlb-pingpong.svg" ]; then
    for t in '--tlb 64 (no --asid: a flush at each switch)' '--tlb 64 --asid' '--tlb 64 --tlb-ways 4 --asid'; do
        svg_texts "$dir/tlb-pingpong.svg" | grep -qxF -- "$t" || no "no text '$t'"
    done
fi
end

# frames.gp on timelines of its own: the names come from the files' names (what they share
# is the trace, the rest each run), never their folders; the x axis says what it counts
vm=${VMSIM:-build/release/vmsim}
if command -v gnuplot >/dev/null 2>&1 && [ -x "$vm" ]; then
    tmp=$(mktemp -d)
    for m in cow copy sharept; do
        "$vm" run -q --fork $m --timeline "$tmp/lecture-$m.csv" traces/cow.trace >/dev/null
    done
    begin "frames.gp names a figure from its files' names"
    gnuplot -e "infile='$tmp/lecture-cow.csv $tmp/lecture-copy.csv $tmp/lecture-sharept.csv'; outfile='$tmp/f.svg'" \
        plots/frames.gp 2>/dev/null || no "gnuplot failed"
    svg_texts "$tmp/f.svg" >"$tmp/texts"
    grep -qx 'Frames in use over a run: lecture' "$tmp/texts" || no "no title from the files' names"
    for t in 'cow (copy-on-write)' 'copy (eager copy)' 'sharept (shared leaf tables)'; do
        grep -qxF "$t" "$tmp/texts" || no "no legend entry '$t'"
    done
    grep -qF "$tmp" "$tmp/texts" && no "a folder in the texts"
    grep -q '^trace line' "$tmp/texts" || no "the x axis does not say it counts trace lines"
    gnuplot -e "infile='$tmp/lecture-cow.csv'; xaxis='event'; outfile='$tmp/e.svg'" plots/frames.gp 2>/dev/null
    svg_texts "$tmp/e.svg" | grep -q '^events run' || no "xaxis='event' does not say it counts events"
    end
    begin "frames.gp: the memory's size and the OOM kills of a fork bomb, only where they matter"
    { echo 'spawn 1'; echo 'mmap 1 0x10000 8p rw- private'; echo 'touch 1 0x10000 8p w'
      for c in 2 3 4 5; do echo "fork 1 $c"; echo "touch $c 0x10000 8p w"; done; } >"$tmp/bomb.trace"
    "$vm" run -q --frames 30 --timeline "$tmp/bomb.csv" "$tmp/bomb.trace" 2>/dev/null
    gnuplot -e "infile='$tmp/bomb.csv'; outfile='$tmp/b.svg'" plots/frames.gp 2>/dev/null || no "gnuplot failed"
    svg_texts "$tmp/b.svg" | grep -qx 'OOM kill' || no "no legend entry 'OOM kill'"
    svg_texts "$tmp/b.svg" | grep -qxF 'memory (frames_total)' || no "no legend entry for the memory's size"
    svg_texts "$tmp/f.svg" | grep -q 'OOM kill\|frames_total' && no "the cow timelines (no kill, memory far away) have them"
    end
    begin "fault-classes.gp: the subtitle is the data file's name, not its path"
    VMSIM=$vm sh plots/sweep.sh faults summary traces/examples/summary.trace >"$tmp/runs.csv" 2>/dev/null
    gnuplot -e "infile='$tmp/runs.csv'; outfile='$tmp/c.svg'" plots/fault-classes.gp 2>/dev/null || no "gnuplot failed"
    svg_texts "$tmp/c.svg" | grep -qx 'runs' || no "no subtitle 'runs'"
    svg_texts "$tmp/c.svg" | grep -qF "$tmp" && no "a folder in the texts"
    end
    rm -rf "$tmp"
fi

echo "plots: $pass passed, $fail failed"
[ "$fail" = 0 ]
