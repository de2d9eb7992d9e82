#!/bin/sh
# html.sh VMSIM HTMLSNAP -- vmsim run --html: the page and the run around it.
#
# Without a browser: the exit statuses and messages (a trace that fails at
# line N, an output that cannot be written, a trace that cannot be read),
# the page's data (the error at its line, --html-max-events, a 10,000-event
# trace in at most 5 MB), one file with nothing fetched, the same bytes
# twice, a trace read from a pipe or a FIFO (the lines the run read).
#
# In Debian's chromium, headless (--dump-dom prints the page after its
# script ran; data attributes say what it shows): traces/cow.trace at the
# child's write (a new frame of refcount 1, the old one's refcount from 2 to
# 1), the fork, the reuse, the exit; #line=N for lines with and without
# events; the error page; the page of a run past --html-max-events; the
# swap slots of traces/workloads/swap.trace and the TLB of
# traces/examples/tlb.trace against what `show swap` and `show tlb` print at
# the same lines, the header naming them and --linux's rules, both panels
# hidden on a machine with neither; the page's own #selftest (buttons, keys,
# slider, jump, links, a swap entry's link to its slot); #verify, every
# position of runs in every fork mode, with swap and a TLB, checked forward
# and back against a page of whole snapshots (HTMLSNAP,
# tests/tools/htmlsnap.c) and the machine's reverse map; #bench gives a figure (its time is a row of make
# bench, not a test: scripts/bench.sh). Screenshots at 1280x800 are kept in DIR/html (DIR: the
# folder of VMSIM), view.png among them (the README's picture).
#
# Without chromium the browser checks are skipped, and the last line says
# so; with CI set they fail instead. CHROMIUM names the browser (default
# chromium). Prints "html: N passed, M failed[, K skipped]"; exits 1 if any
# check failed.
vm=${1:?usage: html.sh VMSIM HTMLSNAP}
snap=${2:?usage: html.sh VMSIM HTMLSNAP}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
case $snap in /*) ;; *) snap=$PWD/$snap ;; esac
top=$(cd "$(dirname "$0")/.." && pwd)
art=$(dirname "$vm")/html
mkdir -p "$art"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skipped=0
chromium=${CHROMIUM:-chromium}

begin() { name=$1 why=; }
no() { why="$why; $*"; }
end() {
    if [ -z "$why" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL html: $name (${why#; })"
    fi
}
run() {
    timeout 120 "$vm" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
status() { [ "$rc" = "$1" ] || no "exit $rc, want $1"; }
err_has() { grep -qF -- "$1" "$tmp/err" || no "stderr lacks '$1'"; }
has() { grep -qF -- "$2" "$1" || no "$(basename "$1") lacks '$2'"; }
lacks() { ! grep -qF -- "$2" "$1" || no "$(basename "$1") has '$2'"; }

# ---- the run and the page's data ------------------------------------------------------

cat >"$tmp/fails.trace" <<'EOF'
spawn 1
mmap 1 0x10000 2p rw- private
write 1 0x10000 5
fork 1 2
wait 1
write 1 0x10000 6
EOF
cat >"$tmp/malformed.trace" <<'EOF'
spawn 1
mmap 1 0x10000 2p rw- private
bogus 1 2
write 1 0x10000 6
EOF
"$vm" gen --profile cow --seed 3 --events 10000 >"$tmp/big.trace"

begin "cow.trace: exit 0, the summary as ever, one page"
(cd "$top" && timeout 120 "$vm" run --html "$tmp/cow.html" traces/cow.trace </dev/null >"$tmp/out" 2>"$tmp/err")
rc=$?
status 0
has "$tmp/out" "events:"
[ -s "$tmp/cow.html" ] || no "no page"
end

begin "the page is one file: nothing fetched, no address outside it"
for f in '<link' '<img' '<iframe' '@import' 'url(' 'src=' 'http:' 'https:' 'fetch(' 'XMLHttpRequest'; do
    lacks "$tmp/cow.html" "$f"
done
has "$tmp/cow.html" '<script type="application/json" id="vmsim-data">'
has "$tmp/cow.html" '"swap":null,"tlb":null'
end

begin "the same run writes the same bytes"
(cd "$top" && "$vm" run -q --html "$tmp/cow2.html" traces/cow.trace >/dev/null 2>&1)
cmp -s "$tmp/cow.html" "$tmp/cow2.html" || no "two runs differ"
end

begin "standard input: the lines the run read, named so"
timeout 60 "$vm" run -q --html "$tmp/stdin.html" - <"$top/traces/cow.trace" >/dev/null 2>&1
has "$tmp/stdin.html" '"trace":"(standard input)"'
has "$tmp/stdin.html" '"lines":[[3,"program app text=1p data=1p bss=1p stack=1p"]'
end

begin "a pipe or a FIFO: the lines the run read, as for standard input"
cat "$top/traces/cow.trace" | timeout 60 "$vm" run -q --html "$tmp/pipe.html" /dev/stdin >/dev/null 2>&1
has "$tmp/pipe.html" '"trace":"/dev/stdin"'
has "$tmp/pipe.html" '"lines":[[3,"program app text=1p data=1p bss=1p stack=1p"]'
lacks "$tmp/pipe.html" '"src":[]'
mkfifo "$tmp/fifo"
cat "$top/traces/cow.trace" >"$tmp/fifo" &
timeout 60 "$vm" run -q --html "$tmp/fifo.html" "$tmp/fifo" >/dev/null 2>&1
wait
has "$tmp/fifo.html" '"lines":[[3,"program app text=1p data=1p bss=1p stack=1p"]'
lacks "$tmp/fifo.html" '"src":['
rm -f "$tmp/fifo"
end

begin "a trace that fails at line 5: exit 2, its message, the page up to line 5 with the error there"
run run -q --html "$tmp/fails.html" "$tmp/fails.trace"
status 2
err_has "fails.trace:5: error: wait would block"
has "$tmp/fails.html" '{"l":5,"k":"err","x":"wait would block'
has "$tmp/fails.html" '"error_line":5'
lacks "$tmp/fails.html" '{"l":6'
end

begin "a listing of the trace past 16 MiB stops there"
# 200,000 comment lines of 100 bytes, then one event: 20 MB of trace, one step to record
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "# %097d\n", i; printf "spawn 1\n" }' >"$tmp/long.trace"
run run -q --html "$tmp/long.html" "$tmp/long.trace"
status 0
size=$(wc -c <"$tmp/long.html")
[ "$size" -gt 16000000 ] && [ "$size" -lt 17800000 ] || no "the page is $size bytes, want about 16 MiB"
has "$tmp/long.html" '"src":["# 0000'
rm -f "$tmp/long.trace" "$tmp/long.html"
end

begin "a malformed line 3: exit 2, the page up to it"
run run -q --html "$tmp/malformed.html" "$tmp/malformed.trace"
status 2
err_has "malformed.trace:3: error: unknown keyword"
has "$tmp/malformed.html" '{"l":3,"k":"err","x":"unknown keyword'
end

begin "an output that cannot be written: exit 2, an error naming it"
run run -q --html "$tmp/no/such/dir/x.html" "$top/traces/cow.trace"
status 2
err_has "vmsim: error: cannot write $tmp/no/such/dir/x.html"
[ ! -s "$tmp/out" ] || no "stdout is not empty"
end

begin "an output that fills up: exit 2, an error naming it"
if [ -w /dev/full ]; then
    run run -q --html /dev/full "$tmp/big.trace"
    status 2
    err_has "vmsim: error: cannot write /dev/full"
    [ -c /dev/full ] || no "/dev/full is gone"
fi
end

begin "a trace that cannot be read: exit 2, no page left"
run run -q --html "$tmp/none.html" "$tmp/no-such.trace"
status 2
err_has "cannot open"
[ ! -e "$tmp/none.html" ] || no "a page was left"
end

begin "options: --html-max-events takes a number; compare takes neither"
run run --html-max-events many --html "$tmp/x.html" "$top/traces/cow.trace"
status 2
err_has "--html-max-events takes a number of event lines (0: all), not 'many'"
run compare --html "$tmp/x.html" "$top/traces/cow.trace"
status 2
err_has "--html is for vmsim run"
run run --html
status 2
err_has "--html needs a value"
end

begin "a 10,000-event trace: at most 5 MB of page"
run run -q --html "$tmp/big.html" "$tmp/big.trace"
status 0
size=$(wc -c <"$tmp/big.html")
[ "$size" -le 5000000 ] || no "$size bytes"
has "$tmp/big.html" '"max_events":10000'
lacks "$tmp/big.html" '"stop":'
end

begin "--html-max-events 20: 20 events recorded, the run goes on to its end"
run run --html-max-events 20 --html "$tmp/limit.html" "$tmp/big.trace"
status 0
has "$tmp/out" "total 10000"
n=$(grep -c '^{"l":' "$tmp/limit.html")
[ "$n" -ge 20 ] && [ "$n" -le 22 ] || no "$n steps"
has "$tmp/limit.html" '"stop_why":"events"'
has "$tmp/limit.html" '"events":20,'
end

# ---- in the browser ------------------------------------------------------------------------

if ! command -v "$chromium" >/dev/null 2>&1; then
    if [ -n "$CI" ]; then
        fail=$((fail + 1))
        echo "FAIL html: $chromium is not installed (apt-get install chromium), and CI is set"
    else
        skipped=1
        echo "html: SKIPPED the browser checks: $chromium is not installed (apt-get install chromium)"
    fi
    echo "html: $pass passed, $fail failed${skipped:+, browser checks skipped}"
    [ "$fail" = 0 ]
    exit
fi

# browser FLAGS... URL: the page's DOM after its script ran, into $tmp/dom
browser() {
    ud=$(mktemp -d)
    timeout 300 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --disable-extensions --user-data-dir="$ud" "$@" \
        >"$tmp/dom" 2>"$tmp/browser.err"
    brc=$?
    rm -rf "$ud"
    [ "$brc" = 0 ] || no "chromium exit $brc"
}
dom() { browser --virtual-time-budget=3000 --dump-dom "file://$1"; }
shot() { browser --window-size=1280,800 --virtual-time-budget=3000 --hide-scrollbars --screenshot="$2" "file://$1"; }
# tag SELECTOR: the first element of the DOM with that attribute text
tag() { grep -o "<[a-z]*[^>]* $1[^>]*>" "$tmp/dom" | head -1; }
# attr SELECTOR NAME: the value of attribute NAME of that element
attr() { tag "$1" | sed -n "s/.* $2=\"\([^\"]*\)\".*/\1/p"; }
want() { # SELECTOR NAME VALUE
    v=$(attr "$1" "$2")
    [ "$v" = "$3" ] || no "$1 $2='$v', want '$3'"
}
want_word() { # SELECTOR NAME WORD: the attribute holds WORD among its words
    v=$(attr "$1" "$2")
    case " $v " in *" $3 "*) ;; *) no "$1 $2='$v' lacks '$3'" ;; esac
}

begin "cow.trace at the child's write (#line=9): a new frame of refcount 1, the old one's from 2 to 1"
dom "$tmp/cow.html#line=9"
want 'data-ready="1"' data-line 9
want 'id="F2"' data-ref 1
want_word 'id="F2"' data-mark new
want 'id="F0"' data-ref 1
want 'id="F0"' data-ref-before 2
want_word 'id="F0"' data-mark ref
want 'id="E2-402000"' data-frame 2
want_word 'id="E2-402000"' data-mark copied
grep -q 'class="tl step cur"[^>]*>.*write 2 0x402000 20' "$tmp/dom" ||
    grep -q 'data-line="9" class="tl step cur"' "$tmp/dom" || no "line 9 is not marked"
grep -q 'cow_copy: frame 0 (refcount 2) copied into frame 2; frame 0 refcount now 1' "$tmp/dom" || no "no -v sentence"
end

begin "cow.trace at the fork (#line=7): the parent's entry made read-only, refcounts up"
dom "$tmp/cow.html#line=7"
want_word 'id="E1-402000"' data-mark read-only
want_word 'id="E2-402000"' data-mark forked
want 'id="F0"' data-ref-before 1
want 'id="F0"' data-ref 2
want 'id="F1"' data-ref 3
want_word 'data-pid="2" data-ppid="1"' data-mark new
end

begin "cow.trace at the parent's write (#line=10): reused, no new frame"
dom "$tmp/cow.html#line=10"
want_word 'id="E1-402000"' data-mark reused
want 'id="F0"' data-value 11
want 'id="F2"' data-mark ''
end

begin "cow.trace at the exit (#line=14): the child's frame freed, a zombie"
dom "$tmp/cow.html#line=14"
want_word 'id="F2"' data-mark freed
want 'data-pid="2" data-ppid="1"' data-state zombie
end

begin "#line=N: a line without an event opens after the last one before it"
dom "$tmp/cow.html#line=1"
want 'data-ready="1"' data-pos 0
dom "$tmp/cow.html#line=8"
want 'data-ready="1"' data-line 8
dom "$tmp/cow.html#line=12"
want 'data-ready="1"' data-line 12
dom "$tmp/cow.html#line=999"
want 'data-ready="1"' data-line 15
dom "$tmp/cow.html"
want 'data-ready="1"' data-pos 0
end

begin "the controls (#selftest): buttons, arrow keys, slider, jump, frame links"
dom "$tmp/cow.html#selftest"
want 'id="selftest"' data-bad 0
[ -n "$(attr 'id="selftest"' data-results)" ] || no "no results"
end

begin "a machine with neither swap nor a TLB: both panels hidden; drawn when the data has them"
dom "$tmp/cow.html#line=9"
grep -q 'id="swap" class="reserved" data-reserved="swap" hidden' "$tmp/dom" || no "no hidden swap panel"
grep -q 'id="tlb" class="reserved" data-reserved="tlb" hidden' "$tmp/dom" || no "no hidden TLB panel"
sed -e 's/"swap":null,"tlb":null/"swap":{"slots":8},"tlb":{"sets":4,"ways":2}/' \
    -e 's/^{"l":9,/{"l":9,"s":[[3,1,42]],"tlb":[[1,0,2,"402",2]],/' "$tmp/cow.html" >"$tmp/reserved.html"
dom "$tmp/reserved.html#line=9"
want 'id="W3"' data-mark new
want 'id="W3"' data-count 1
want 'data-tlb="1:0"' data-mark new
dom "$tmp/reserved.html#line=10"
want 'id="W3"' data-mark ''
want 'data-tlb="1:0"' data-mark ''
dom "$tmp/reserved.html#line=8"
grep -q 'id="W3"' "$tmp/dom" && no "slot 3 before line 9"
end

# shown SHOW TRACE LINE FLAGS...: what `show SHOW` prints after line LINE of
# TRACE, its rows as "slot count value frame" (swap) or "set way page frame"
# (tlb), in that order, into $tmp/want
shown() {
    what=$1 strace=$2 sline=$3
    shift 3
    { head -n "$sline" "$strace"; echo "show $what"; } >"$tmp/shown.trace"
    timeout 60 "$vm" run -q "$@" "$tmp/shown.trace" 2>/dev/null |
        awk -v what="$what" '/^== line/ { on = 0; n = 0; delete row; next } /^ *(SLOT|SET) / { on = 1; next } /^[a-z]+:/ { on = 0 } on && $1 ~ /^[0-9]+$/ {
            if (what == "swap") row[++n] = $1 " " $2 " " $3 " " ($4 == "frame" ? $5 : "")
            else { sub(/^0x/, "", $6); row[++n] = $1 " " $2 " " $6 " " $7 } }
            END { for (i = 1; i <= n; i++) print row[i] }' | sort -n -k1,1 -k2,2 >"$tmp/want"
}
# drawn swap|tlb: the rows of that panel in $tmp/dom, as shown() writes them, into $tmp/got
drawn() {
    if [ "$1" = swap ]; then
        grep -o '<tr id="W[0-9]*"[^>]*>' "$tmp/dom" | grep -v 'data-mark="freed"' |
            sed 's/.* data-slot="\([^"]*\)" data-count="\([^"]*\)" data-value="\([^"]*\)" data-frame="\([^"]*\)".*/\1 \2 \3 \4/'
    else
        grep -o '<tr[^>]* data-tlb="[0-9][^"]*"[^>]*>' "$tmp/dom" | grep -v 'data-mark="gone"' |
            sed 's/.* data-tlb="\([0-9]*\):\([0-9]*\)" data-as="[^"]*" data-page="\([^"]*\)" data-frame="\([^"]*\)".*/\1 \2 \3 \4/'
    fi | sort -n -k1,1 -k2,2 >"$tmp/got"
}
# same_rows WHAT LINE: the panel shows what `show` does
same_rows() {
    drawn "$1"
    [ -s "$tmp/want" ] || no "show $1 at line $2 printed no row"
    cmp -s "$tmp/want" "$tmp/got" || no "line $2: the $1 panel has '$(tr '\n' ';' <"$tmp/got")', show $1 '$(tr '\n' ';' <"$tmp/want")'"
}

begin "swap.trace --policy lru: the swap panel at lines 40, 100, 150 is what show swap prints"
timeout 120 "$vm" run -q --policy lru --html "$tmp/swap.html" "$top/traces/workloads/swap.trace" >/dev/null 2>&1
has "$tmp/swap.html" '"swap":{"slots":50,"policy":"lru","seed":1},"tlb":null'
for l in 40 100 150; do
    shown swap "$top/traces/workloads/swap.trace" $l --policy lru
    dom "$tmp/swap.html#line=$l"
    grep -q 'id="swap" class="reserved" data-reserved="swap">' "$tmp/dom" || no "the swap panel is hidden at line $l"
    grep -q 'id="tlb" class="reserved" data-reserved="tlb" hidden' "$tmp/dom" || no "a TLB panel without a TLB"
    same_rows swap $l
done
grep -q 'id="machine">[^<]*swap 50 slots, policy lru' "$tmp/dom" || no "the header does not name the swap"
end

begin "swap.trace: a slot the line changed is marked, and a swap entry links to its slot"
grep '^{"l":36,' "$tmp/swap.html" | grep -q '"s":\[\[1,2,' || no "line 36 does not write slot 1 with count 2"
dom "$tmp/swap.html#line=36"
want 'id="W1"' data-mark new
want 'id="W1"' data-count 2
grep -q 'data-change="slot" data-change-slot="1"' "$tmp/dom" || no "slot 1 not among the changes"
dom "$tmp/swap.html#selftest"
want 'id="selftest"' data-bad 0
want_word 'id="selftest"' data-results slotlink=flash
end

begin "tlb.trace --tlb 4 --tlb-ways 2: the TLB panel is what show tlb prints, with --asid and without"
for asid in --asid ''; do
    timeout 60 "$vm" run -q --tlb 4 --tlb-ways 2 $asid --html "$tmp/tlb.html" "$top/traces/examples/tlb.trace" >/dev/null 2>&1
    has "$tmp/tlb.html" '"swap":null,"tlb":{"entries":4,"sets":2,"ways":2,"asid":'"$([ -n "$asid" ] && echo 1 || echo 0)"'}'
    for l in 8 10 11 13; do
        shown tlb "$top/traces/examples/tlb.trace" $l --tlb 4 --tlb-ways 2 $asid
        dom "$tmp/tlb.html#line=$l"
        grep -q 'id="tlb" class="reserved" data-reserved="tlb">' "$tmp/dom" || no "the TLB panel is hidden at line $l"
        grep -q 'id="swap" class="reserved" data-reserved="swap" hidden' "$tmp/dom" || no "a swap panel without swap"
        same_rows tlb "$l${asid:+ $asid}"
    done
    case $asid in
    --asid) grep -q 'id="machine">[^<]*TLB 4 entries (2 ways, asid)' "$tmp/dom" || no "the header does not name the TLB and asid" ;;
    *) grep -q 'id="machine">[^<]*TLB 4 entries (2 ways)<' "$tmp/dom" || no "the header does not name the TLB" ;;
    esac
done
end

begin "--linux: the header names its rules"
timeout 60 "$vm" run -q --linux --html "$tmp/linux.html" "$top/traces/cow.trace" >/dev/null 2>&1
dom "$tmp/linux.html"
grep -q 'id="machine">[^<]*zero page, lazy fork, oom kill, fault-around 16, exclusive reuse, anon-vma<' "$tmp/dom" ||
    no "the header: $(grep -o 'id="machine">[^<]*' "$tmp/dom")"
end

begin "the error page: the error at line 5, marked in the trace"
dom "$tmp/fails.html#line=5"
want 'data-ready="1"' data-line 5
tag 'data-banner="error"' >/dev/null
grep -q 'data-banner="error"' "$tmp/dom" || no "no error banner"
grep -q 'id="L5" data-line="5" class="tl step err' "$tmp/dom" || no "line 5 not marked as the error"
end

begin "the page of a run past --html-max-events: where the view stops"
dom "$tmp/limit.html#line=999999"
grep -q 'data-banner="stop"' "$tmp/dom" || no "no stop banner"
grep -q 'The view stops here' "$tmp/dom" || no "no words for it"
end

begin "screenshots at 1280x800 (kept in $art)"
shot "$tmp/cow.html#line=9" "$art/view.png"
shot "$tmp/cow.html#line=7" "$art/cow-fork.png"
shot "$tmp/fails.html#line=5" "$art/error.png"
for p in view cow-fork error; do
    [ "$(od -An -tx1 -N8 "$art/$p.png" | tr -d ' \n')" = 89504e470d0a1a0a ] || no "$p.png is not a PNG"
    [ "$(od -An -tx1 -j16 -N8 "$art/$p.png" | tr -d ' \n')" = 0000050000000320 ] || no "$p.png is not 1280x800"
done
end

# verify NAME TRACE [FLAGS...]: the page's every position against snapshots
verify() {
    vname=$1 vtrace=$2
    shift 2
    begin "#verify $vname ($*): every position, forward and back, against snapshots"
    timeout 120 "$vm" run -q --html "$tmp/v.html" "$@" "$vtrace" >/dev/null 2>&1
    timeout 120 "$snap" "$@" "$vtrace" "$tmp/s.html" >/dev/null 2>&1
    sed -n '/<script type="application\/json" id="vmsim-data">/,/<\/script>/p' "$tmp/s.html" |
        sed 's/id="vmsim-data"/id="vmsim-verify"/' >"$tmp/part"
    awk -v part="$tmp/part" '/<script type="application\/json" id="vmsim-data">/ { while ((getline l < part) > 0) print l } { print }' \
        "$tmp/v.html" >"$tmp/vv.html"
    steps=$(grep -c '^{"l":' "$tmp/v.html")
    browser --dump-dom "file://$tmp/vv.html#verify"
    want 'id="verify"' data-bad 0
    want 'id="verify"' data-checked $((2 * steps + 1))
    [ -z "$why" ] || sed -n 's/.*<pre id="verify"[^>]*>\([^<]*\).*/    \1/p' "$tmp/dom" | head -3
    end
}
"$vm" gen --profile mixed --seed 11 --events 250 >"$tmp/mixed.trace"
"$vm" gen --profile shared --seed 12 --events 250 --procs 4 >"$tmp/shared.trace"
"$vm" gen --profile pressure --seed 13 --events 200 >"$tmp/pressure.trace"
verify cow "$top/traces/cow.trace"
verify mixed "$tmp/mixed.trace"
verify mixed "$tmp/mixed.trace" --fork copy --lazy-fork
verify mixed "$tmp/mixed.trace" --fork sharept --zero-page
verify shared "$tmp/shared.trace" --fork sharept --pt-frames
verify pressure "$tmp/pressure.trace" --arch tiny --frames 12
verify pressure "$tmp/pressure.trace" --arch tiny --frames 12 --fork sharept --pt-frames
verify fails "$tmp/fails.trace"
sed 's/--policy clock/--policy lru/' "$top/traces/workloads/swap.trace" >"$tmp/swap-lru.trace"
verify swap "$tmp/swap-lru.trace"
{ echo "options --swap 6p --policy fifo --tlb 8 --tlb-ways 2"; cat "$tmp/pressure.trace"; } >"$tmp/pressure-swap.trace"
verify pressure-swap "$tmp/pressure-swap.trace" --arch tiny --frames 12
{ echo "options --tlb 4 --tlb-ways 2"; cat "$top/traces/examples/tlb.trace"; } >"$tmp/tlb.trace"
verify tlb "$tmp/tlb.trace"
{ echo "options --tlb 16 --tlb-ways 4 --asid"; cat "$tmp/mixed.trace"; } >"$tmp/mixed-tlb.trace"
verify mixed-tlb "$tmp/mixed-tlb.trace" --fork sharept

# #bench works (a figure per step); how fast is make bench's to say, not a test's
begin "#bench: the page times its steps"
browser --dump-dom "file://$tmp/big.html#bench=20"
steps=$(attr 'id="bench"' data-steps)
max=$(attr 'id="bench"' data-max-ms)
[ -n "$steps" ] && [ "$steps" -gt 0 ] && [ -n "$max" ] || no "no figure (steps '$steps', max '$max')"
end

echo "html: $pass passed, $fail failed"
[ "$fail" = 0 ]
