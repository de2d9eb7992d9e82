#!/bin/sh
# cli.sh VMSIM -- the command line of vmsim: commands, options and their
# errors, input from a file or standard input, the summary formats and where
# they go, exit statuses. Prints "cli: N passed, M failed"; exits 1 if any
# check failed.
vm=${1:?usage: cli.sh VMSIM}
case $vm in /*) ;; *) vm=$PWD/$vm ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# ---- helpers ----------------------------------------------------------------
# run ARGS...: vmsim ARGS with stdin from /dev/null; sets rc, fills out and err
run() {
    timeout 60 "$vm" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
# run_in FILE ARGS...: the same with stdin from FILE
run_in() {
    f=$1
    shift
    timeout 60 "$vm" "$@" <"$f" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
begin() { name=$1 why=; }
no() { why="$why; $*"; }
status() { [ "$rc" = "$1" ] || no "exit $rc, want $1"; }
out_has() { grep -qF -- "$1" "$tmp/out" || no "stdout lacks '$1'"; }
out_lacks() { ! grep -qF -- "$1" "$tmp/out" || no "stdout has '$1'"; }
err_has() { grep -qF -- "$1" "$tmp/err" || no "stderr lacks '$1'"; }
err_lacks() { ! grep -qF -- "$1" "$tmp/err" || no "stderr has '$1'"; }
out_empty() { [ ! -s "$tmp/out" ] || no "stdout is not empty"; }
err_empty() { [ ! -s "$tmp/err" ] || no "stderr is not empty"; }
# usage_error TEXT: exit 2, "vmsim: error: ...TEXT..." on stderr, nothing on stdout
usage_error() {
    status 2
    err_has "vmsim: error: "
    err_has "$1"
    out_empty
}
end() {
    if [ -z "$why" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL cli: $name (${why#; })"
        sed -n '1,3s/^/    stderr: /p' "$tmp/err"
    fi
}

# ---- traces -------------------------------------------------------------------
# several processes: a zombie, one killed by segv, a suspended vfork parent
cat >"$tmp/family.trace" <<'EOF'
program sh text=2p data=1p bss=1p heap=1p
spawn 1 sh
write 1 0x403000 11
fork 1 2
fork 1 3
write 3 0x403000 33
exit 3 4
fork 2 4
read 4 0x1000
vfork 2 5
write 5 0x404000 55
expect proc 2 state == suspended
expect proc 3 state == zombie
expect proc 4 exit_status == 139
EOF
# an expectation that fails, then one that holds
cat >"$tmp/failing.trace" <<'EOF'
spawn 1
mmap 1 0x10000 1p rw- private
write 1 0x10000 5
expect page 1 0x10000 value == 6
expect page 1 0x10000 value == 5
EOF
# a show, then an error
cat >"$tmp/show_then_error.trace" <<'EOF'
spawn 1
fork 1 2
show pstree
exit 2
exit 2
EOF
# a segv kills process 1, then three events for it are skipped
cat >"$tmp/lost.trace" <<'EOF'
spawn 1
read 1 0x1000
read 1 0x1000
read 1 0x1000
read 1 0x1000
EOF
printf 'spawn 1\nmmap 1 0x1000 1p rw- private\nwrite 1 0x1000 5\n' >"$tmp/small.trace"
printf 'spawn 1\nshow stats\n' >"$tmp/show.trace"
printf 'spawn 1\nbogus 1\n' >"$tmp/bad.trace"

# ---- commands ------------------------------------------------------------------
begin "no arguments"
run
usage_error "no command"
err_has "vmsim help"
end

begin "help: the commands"
run help
status 0
out_has "usage: vmsim COMMAND"
for c in run compare gen quiz grade import help --version; do
    grep -q -- "^  $c " "$tmp/out" || no "help lacks $c"
done
err_empty
cp "$tmp/out" "$tmp/help"
end

for h in --help -h; do
    begin "vmsim $h"
    run $h
    status 0
    out_has "usage: vmsim COMMAND"
    cmp -s "$tmp/out" "$tmp/help" || no "not the text of 'vmsim help'"
    err_empty
    end
done

begin "help run: every option of run"
run help run
status 0
out_has "usage: vmsim run [OPTIONS] TRACE"
err_empty
for o in --arch --frames --mem --fork --zero-page --lazy-fork --linux --pt-frames --oom --tlb --tlb-ways --asid \
    --format -o -q -v \
    --check --timeline --every --cost --max-events --max-accesses --max-procs --max-vmas --max-memory --max-line \
    --max-warnings --max-frames; do
    grep -q -- "^ *${o}[ ,]" "$tmp/out" || no "help lacks $o"
done
end

# every command has its own text, the same from 'vmsim help CMD', 'CMD --help' and 'CMD -h',
# and --help runs nothing (compare used to run the trace with --help as an option)
for c in run compare gen quiz grade import; do
    begin "help $c, $c --help, $c -h"
    run help $c
    status 0
    out_has "usage: vmsim $c "
    err_empty
    cp "$tmp/out" "$tmp/help-$c"
    for h in --help -h; do
        run $c $h traces/cow.trace
        status 0
        cmp -s "$tmp/out" "$tmp/help-$c" || no "'$c $h' is not 'help $c'"
        err_empty
    done
    end
done

begin "compare --help runs nothing, whatever its place"
run compare traces/cow.trace --fork cow,copy --help
status 0
out_has "usage: vmsim compare"
out_lacks "faults.total"
end

begin "help of an unknown command"
run help frobnicate
usage_error "no command 'frobnicate'"
for c in run compare gen quiz grade import; do
    grep -q "[ (]$c[,)]" "$tmp/err" || no "the list of commands lacks $c"
done
end

# --help anywhere: after a wrong option, as the value of an option; the help alone
for args in "run --bogus --help" "run --frames --help x.trace" "gen --bogus --help" "compare --bogus --help" \
    "quiz --bogus --help" "grade --bogus --help"; do
    begin "$args: the help alone"
    run $args
    status 0
    cmp -s "$tmp/out" "$tmp/help-$(echo "$args" | cut -d' ' -f1)" || no "not the help of the command"
    err_empty
    end
done
begin "import lackey --bogus --help: the help of lackey alone"
run import lackey --bogus --help
status 0
out_has "usage: vmsim import lackey [OPTIONS] [FILE]"
out_lacks "strace"
err_empty
end
begin "run -- --help: a trace named --help, not the help"
run run -- --help
status 2
err_has "--help"
out_empty
end
begin "-- ends the options in every command: the words after it are operands"
cp "$tmp/small.trace" "$tmp/-x.trace"
here=$PWD
cd "$tmp" || no "no directory"
run compare --fork cow,copy -- -x.trace
status 0
out_has "fork "
err_empty
run compare -- -x.trace
status 0
out_has "faults.total"
run compare --fork cow,copy -- --fork
status 2
err_has "cannot open --fork"
run import strace -- -x.trace
status 2
err_lacks "unknown option"
cd "$here" || no "cannot go back"
run gen --seed 2 --
status 0
out_has "# ARG seed 2"
run gen -- --seed 2
usage_error "'--seed' is not an option (gen reads no trace)"
run quiz --seed 2 --
status 0
out_has "ARG seed 2"
run quiz -- -c
usage_error "'-c' is not an option (a quiz reads no trace)"
run grade --seed 2 --answers /dev/null --
status 1
out_has "score: 0/7"
run grade --seed 2 -- --answers /dev/null
usage_error "'--answers' is not an option"
end

begin "--version with another word: a usage error, no version"
run --version extra
usage_error "--version takes no other word ('extra')"
run --version
status 0
out_has "vmsim "
end

for h in help --help -h; do
    begin "help $h: the commands"
    run help $h
    status 0
    cmp -s "$tmp/out" "$tmp/help" || no "not the text of 'vmsim help'"
    err_empty
    end
done

begin "errors point at the help of their command"
run run --frames x "$tmp/small.trace"
err_has "(try 'vmsim run --help')"
run compare --frames x,y "$tmp/small.trace"
err_has "(try 'vmsim compare --help')"
run compare --frobs 1 "$tmp/small.trace"
err_has "(try 'vmsim compare --help')"
run quiz --fork spoon
err_has "(try 'vmsim quiz --help')"
run grade --seed lots --answers /dev/null
err_has "--seed takes a number (decimal or 0x hex), not 'lots'"
err_has "(try 'vmsim grade --help')"
end

# the man pages: from the tree, with no warning, and naming every option of run
for page in man/vmsim.1 man/vmsim-trace.5; do
    begin "man page $page renders without warnings"
    if command -v groff >/dev/null 2>&1; then
        groff -man -ww -Tutf8 -z "$page" 2>"$tmp/err" || no "groff failed"
        [ -s "$tmp/err" ] && no "groff: $(head -n 1 "$tmp/err")"
    fi
    if command -v man >/dev/null 2>&1; then
        MANWIDTH=80 man --warnings -l "$page" >"$tmp/out" 2>"$tmp/err" || no "man -l failed"
        [ -s "$tmp/err" ] && no "man: $(head -n 1 "$tmp/err")"
        [ -s "$tmp/out" ] || no "man -l printed nothing"
    fi
    end
done
begin "man vmsim(1) names every option of every command"
for c in run compare gen quiz grade import; do
    "$vm" help $c | grep -o -- '^  *-[-a-z0-9]*' | tr -d ' ' | sort -u >"$tmp/opts"
    while read -r o; do
        grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" man/vmsim.1 || no "vmsim.1 lacks $c $o"
    done <"$tmp/opts"
done
end

begin "--version"
run --version
status 0
grep -q '^vmsim [0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*$' "$tmp/out" || no "stdout is not 'vmsim X.Y.Z'"
[ "$(wc -l <"$tmp/out")" = 1 ] || no "more than one line"
err_empty
end

begin "unknown command"
run frobnicate traces/demo.trace
usage_error "unknown command 'frobnicate'"
end

begin "run without a trace"
run run --frames 8
usage_error "no trace given"
end

# ---- options --------------------------------------------------------------------
begin "unknown option"
run run --frobs "$tmp/small.trace"
usage_error "unknown option '--frobs'"
end

begin "unknown short option"
run run -x "$tmp/small.trace"
usage_error "unknown option '-x'"
end

begin "a short option with =VALUE"
run run -o="$tmp/x" "$tmp/small.trace"
usage_error "unknown option '-o="
[ ! -e "$tmp/x" ] || no "wrote a file"
end

begin "option without its value"
run run "$tmp/small.trace" --frames
usage_error "--frames needs a value"
end

begin "--opt=VALUE on an option without a value"
run run --zero-page=yes "$tmp/small.trace"
usage_error "--zero-page takes =on or =off, not 'yes'"
end

begin "--frames and --mem together"
run run --frames 16 --mem 1M "$tmp/small.trace"
usage_error "not both"
end

for a in arm "" x86 "va=48,page=4096" "va=48,page=4096,levels=5" "va=48,page=3000,levels=4" \
    "va=65,page=4096,levels=1" "va=12,page=4096,levels=1" "va=48,page=4096,levels=4,va=48" \
    "va=48,page=1,levels=4" "va=48,page=4096,levels=0" "va=x,page=4096,levels=4"; do
    begin "bad --arch '$a'"
    run run --arch "$a" "$tmp/small.trace"
    usage_error "--arch: "
    end
done

# each arch, and the start of its config row: name, va_bits, page_size, levels
while read -r a want; do
    begin "--arch $a"
    run run --arch "$a" --format csv "$tmp/small.trace"
    status 0
    err_empty
    sed -n 2p "$tmp/out" | grep -qF -- "$want" || no "the config row does not start with $want"
    sed -n 2p "$tmp/out" | grep -q ',kill,0,none,0,1,false,false,3,1,' || no "the row does not count the 3 events"
    end
done <<'LIST'
x86_64 x86_64,48,4096,4,16384,
sv39 sv39,39,4096,3,16384,
i386 i386,32,4096,2,16384,
tiny tiny,16,256,2,64,
va=48,page=4K,levels=4 "va=48,page=4096,levels=4",48,4096,4,
levels=2,page=256,va=16 "va=16,page=256,levels=2",16,256,2,
va=64,page=4096,levels=4 "va=64,page=4096,levels=4",64,4096,4,
LIST

begin "a size with a lower-case suffix"
run run --mem 64m "$tmp/small.trace"
usage_error "--mem: bad size '64m' (the suffixes K, M, G and T are upper case: 64M)"
end

begin "--frames 0"
run run --frames 0 "$tmp/small.trace"
usage_error "at least one frame"
end

begin "--mem below one page"
run run --mem 4095 "$tmp/small.trace"
usage_error "at least one frame"
end

begin "--mem of one page (tiny: 256 bytes)"
run run --arch tiny --mem 256 --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q '^tiny,16,256,2,1,' || no "config is not tiny with 1 frame"
end

begin "--mem rounds down to frames"
run run --mem 1M --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q '^x86_64,48,4096,4,256,' || no "not 256 frames"
end

begin "--mem 5000 on x86_64: one frame"
run run --mem 5000 --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q '^x86_64,48,4096,4,1,' || no "not 1 frame"
end

begin "default frames of tiny"
run run --arch tiny --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q '^tiny,16,256,2,64,' || no "not 64 frames"
end

begin "--frames in hex"
run run --frames 0x10 --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q '^x86_64,48,4096,4,16,' || no "not 16 frames"
end

for f in abc -1 4p 1.5 ""; do
    begin "--frames '$f'"
    run run --frames "$f" "$tmp/small.trace"
    usage_error "--frames: bad number"
    end
done

begin "--frames 2^31 is too many"
run run --frames 2147483648 "$tmp/small.trace"
usage_error "too many"
end

begin "--mem with a bad suffix"
run run --mem 1X "$tmp/small.trace"
usage_error "--mem: bad size '1X'"
end

for o in --fork --oom --format; do
    begin "bad $o"
    run run "$o" bogus "$tmp/small.trace"
    usage_error "$o takes "
    err_has "'bogus'"
    end
done

for o in --max-events --max-accesses --max-procs --max-vmas --max-memory --max-line --max-warnings; do
    begin "bad $o"
    run run "$o" lots "$tmp/small.trace"
    usage_error "$o takes a "
    err_has "not 'lots'"
    end
done

# a number out of range names its option too
for o in --every --html-max-events --max-warnings --max-events --max-accesses --max-procs --max-vmas --max-line \
    --max-frames --max-memory; do
    for n in -1 99999999999999999999; do
        begin "$o $n"
        run run "$tmp/small.trace" --timeline /dev/null "$o" "$n"
        usage_error "$o takes a "
        err_has "not '$n'"
        end
    done
done

begin "--seed in quiz and gen: the words of run"
for c in quiz gen; do
    run $c --seed abc
    usage_error "--seed takes a number (decimal or 0x hex), not 'abc'"
done
end

for o in --policy --swap --seed; do
    begin "bad $o"
    run run "$o" bogus "$tmp/small.trace"
    usage_error "$o takes "
    err_has "'bogus'"
    end
done

begin "--policy names what it takes"
run run --policy LRU "$tmp/small.trace"
usage_error "--policy takes fifo, lru, clock, opt or random, not 'LRU'"
end

begin "--swap below a page is no slot, not an error"
run run --swap 100 --policy fifo --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | cut -d, -f11-13 | grep -qx '0,fifo,1' || no "config is not 0 slots, fifo, seed 1"
end

# the paging line: hits / (hits + misses) rounded half up, only when replacement is on
printf 'spawn 1\nmmap 1 0x10000 1p rw- private\nread 1 0x10000\nread 1 0x10000\nread 1 0x10000\n' >"$tmp/rate.trace"
begin "the paging line of a replacement run"
run run --frames 4 --swap 4p "$tmp/rate.trace"
status 0
out_has "paging:     hits 2  misses 1  clean evictions 0  dirty evictions 0  hit rate 66.67%"
end

begin "no paging line without replacement"
run run --frames 4 "$tmp/rate.trace"
status 0
out_lacks "paging:"
out_has "hits 2  misses 1"
end

if [ -c /dev/full ]; then
    begin "--timeline /dev/full: an error, and the device is left where it is"
    run run --timeline /dev/full "$tmp/small.trace"
    status 2
    err_has "vmsim: error: cannot write /dev/full"
    [ -c /dev/full ] || no "/dev/full is gone"
    end
fi

begin "a failed run takes its --timeline and --html back: a file goes, a link stays and its file is emptied"
# a timeline goes with any error; a page only when its run never started (it shows an error)
for case in "--timeline bad" "--html no-such"; do
    opt=${case% *} trace=$tmp/${case#* }.trace
    rm -f "$tmp/direct.out" "$tmp/target.out" "$tmp/link.out" "$tmp/stdout.link" "$tmp/redirected"
    run run -q "$opt" "$tmp/direct.out" "$trace"
    [ ! -e "$tmp/direct.out" ] || no "$opt: the file named is still there"
    echo old >"$tmp/target.out"
    ln -s target.out "$tmp/link.out"
    run run -q "$opt" "$tmp/link.out" "$trace"
    status 2
    [ -L "$tmp/link.out" ] || no "$opt: the link is gone"
    [ -f "$tmp/target.out" ] && [ ! -s "$tmp/target.out" ] || no "$opt: the link's file is not there and empty"
    # what /dev/stdout is when standard output goes to a file
    ln -s /proc/self/fd/1 "$tmp/stdout.link"
    timeout 60 "$vm" run -q "$opt" "$tmp/stdout.link" "$trace" >"$tmp/redirected" 2>"$tmp/err"
    [ -L "$tmp/stdout.link" ] || no "$opt: a link to standard output is gone"
    [ -f "$tmp/redirected" ] && [ ! -s "$tmp/redirected" ] || no "$opt: standard output's file is not empty"
done
run run -q --timeline "$tmp/link.out" "$tmp/small.trace"
status 0
[ -L "$tmp/link.out" ] && grep -q '^event,line' "$tmp/target.out" || no "--timeline through a link: no rows in its file"
end

begin "compare -j: a number of runs, 1 or more; one too large for the host is an error, not a run"
for j in 18446744073709551616 9223372036854775808 0 -1 " 2" +2 2x ""; do
    run compare -j "$j" --fork cow,copy "$tmp/small.trace"
    usage_error "-j takes a number of parallel runs, 1 or more, not '$j'"
done
run compare --jobs=18446744073709551616 "$tmp/small.trace"
usage_error "--jobs takes a number of parallel runs, 1 or more, not '18446744073709551616'"
run compare --jobsx 2 "$tmp/small.trace"
usage_error "unknown option '--jobsx'"
run compare "$tmp/small.trace" -j
usage_error "-j needs a value"
for j in "-j 1" "-j 3" "--jobs 2" "--jobs=9223372036854775807"; do
    # shellcheck disable=SC2086
    run compare $j --fork cow,copy "$tmp/small.trace"
    status 0
    out_has "fork "
done
end

begin "compare: when every run stops with an error, no table, only their messages"
run compare --frames 1,2 --mem 1M,2M "$tmp/small.trace"
status 2
out_empty
err_has "[frames=1 mem=1M] vmsim: error: give --frames or --mem, not both"
run compare --frames 1,2 "$tmp/no-such.trace"
status 2
out_empty
err_has "[frames=2] vmsim: error: cannot open"
end

begin "standard output that cannot be written: exit 2 and a message, not 0"
if [ -c /dev/full ]; then
    for args in "run $tmp/small.trace" "run --format csv $tmp/small.trace" "run -q --timeline - $tmp/small.trace" \
        "compare --fork cow,copy $tmp/small.trace" "gen --seed 1" "--version"; do
        # shellcheck disable=SC2086
        timeout 60 "$vm" $args </dev/null >/dev/full 2>"$tmp/err"
        rc=$?
        [ $rc = 2 ] || no "'$args' >/dev/full: exit $rc, want 2"
        grep -q "^vmsim: error: cannot write to standard output" "$tmp/err" || no "'$args' >/dev/full: no message"
    done
fi
timeout 60 "$vm" run "$tmp/small.trace" </dev/null >&- 2>"$tmp/err"
rc=$?
status 2
err_has "vmsim: error: cannot write to standard output"
end

begin "-o FILE that cannot be written: exit 2 and one message, in every command and format"
if [ -c /dev/full ]; then
    for args in "run A" "run --format csv A" "run --format json A" "compare --fork cow,copy A" \
        "compare --format csv --fork cow,copy A" "compare --format json --fork cow,copy A" "compare A" "gen --seed 1" \
        "grade --trace docs/homework/sample-submission.trace --tests docs/homework/tests.vmt" \
        "import lackey tests/import/basic.lackey"; do
        # shellcheck disable=SC2086
        run $(echo "$args" | sed "s#A#$tmp/small.trace#") -o /dev/full
        [ $rc = 2 ] || no "'$args -o /dev/full': exit $rc, want 2"
        [ "$(grep -c "^vmsim: error: cannot write" "$tmp/err")" = 1 ] || no "'$args -o /dev/full': not one message"
        [ -s "$tmp/out" ] && no "'$args -o /dev/full': stdout is not empty"
    done
fi
end

begin "program text=3: a warning that it is 3 bytes, and how to say 3 pages"
printf 'program app text=3 data=2p bss=4096 heap=8K stack=1\nspawn 1 app\n' >"$tmp/bytes.trace"
run run -q "$tmp/bytes.trace"
status 0
err_has "bytes.trace:1: warning: text=3 is 3 bytes, one page; text=3p is 3 pages"
err_has "bytes.trace:1: warning: stack=1 is 1 byte, one page; stack=1p is 1 page"
err_lacks "data="
err_lacks "bss="
err_lacks "heap="
# ---- the TLB's options --------------------------------------------------------
begin "--tlb 8 --tlb-ways 2 --asid: the tlb group says so"
run run --tlb 8 --tlb-ways 2 --asid --format csv "$tmp/small.trace"
status 0
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
         { print $col["tlb.entries"], $col["tlb.ways"], $col["tlb.asid"] }' "$tmp/out" >"$tmp/tlb"
[ "$(cat "$tmp/tlb")" = "8 2 true" ] || no "tlb.entries, ways, asid: $(cat "$tmp/tlb"), want 8 2 true"
end

begin "--tlb alone: fully associative"
run run --tlb 64 --format json "$tmp/small.trace"
status 0
out_has '"entries": 64,'
out_has '"ways": 64,'
out_has '"asid": false,'
end

begin "no --tlb: a tlb group of zeros"
run run "$tmp/small.trace"
status 0
grep -q "^tlb:        entries 0  ways 0  asid off  hits 0  misses 0" "$tmp/out" || no "no tlb line of zeros"
end

begin "--tlb-ways that does not divide --tlb"
run run --tlb 12 --tlb-ways 5 "$tmp/small.trace"
usage_error "--tlb-ways 5 does not divide --tlb 12"
end

begin "--tlb-ways 0"
run run --tlb 12 --tlb-ways 0 "$tmp/small.trace"
usage_error "--tlb-ways 0 does not divide --tlb 12"
end

for w in "--tlb-ways 4" "--tlb 0 --tlb-ways 4"; do
    begin "$w: ways without a TLB"
    # shellcheck disable=SC2086
    run run $w "$tmp/small.trace"
    usage_error "--tlb-ways needs a TLB: give --tlb N too"
    end
done

begin "--tlb larger than the limit"
run run --tlb 65537 "$tmp/small.trace"
usage_error "--tlb: 65537 entries are too many (at most 65536)"
end

begin "--tlb 65536 is allowed"
run run -q --tlb 65536 --tlb-ways 16 "$tmp/small.trace"
status 0
err_empty
end

for v in many -4 1.5 ""; do
    begin "--tlb '$v'"
    run run --tlb "$v" "$tmp/small.trace"
    usage_error "--tlb takes a number of entries, not '$v'"
    end
done

begin "--tlb-ways 'two'"
run run --tlb 8 --tlb-ways two "$tmp/small.trace"
usage_error "--tlb-ways takes a number of ways, not 'two'"
end

begin "--asid=off, --asid=on"
run run --tlb 4 --asid=on --asid=off --format csv "$tmp/small.trace"
status 0
grep -q ',4,4,false,' "$tmp/out" || no "not asid false"
end

begin "show tlb without a TLB"
printf 'spawn 1\nshow tlb\n' >"$tmp/showtlb.trace"
run run -q "$tmp/showtlb.trace"
status 0
out_has "== line 2: show tlb =="
out_has "no TLB (--tlb 0)"
end

begin "--cost prices the TLB's work"
printf 'spawn 1\nspawn 2\nmmap 1 0x10000 2p rw- private\ntouch 1 0x10000 2p w\nfork 1 3\nread 2 0x0\nread 1 0x10000\n' \
    >"$tmp/tlbcost.trace"
run run --tlb 8 --cost walk_step=10,tlb_invalidate=1000,tlb_flush=5 --format csv "$tmp/tlbcost.trace"
status 0
# walks: 1 + 4 (the touch) + 4 (the read after the fork); 2 invalidations (the fork); the
# segv of process 2 is no switch, so no flush
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
         { print $col["cost.walk_step"], $col["cost.tlb_invalidate"], $col["cost.tlb_flush"] }' "$tmp/out" >"$tmp/c"
[ "$(cat "$tmp/c")" = "90 2000 0" ] || no "walk_step, tlb_invalidate, tlb_flush cost $(cat "$tmp/c"), want 90 2000 0"
end

begin "--cost: a price is plain decimal, at most 10^12 ns"
run run --cost fork=9223372036854775807 "$tmp/small.trace"
usage_error "--cost: fork=9223372036854775807 is more than a price may be (at most 1000000000000 ns)"
run run --cost fork=1000000000001 "$tmp/small.trace"
usage_error "at most 1000000000000 ns"
run run --cost fork=0x10 "$tmp/small.trace"
usage_error "--cost: bad value for 'fork': '0x10' (whole nanoseconds, plain decimal)"
run run --cost fork=1K "$tmp/small.trace"
usage_error "plain decimal"
run run --cost fork=1000000000000,pte=1000000000000 --format csv "$tmp/family.trace"
status 0
out_has ",cost.total,"
out_lacks ",-"
end

begin "--cost: an unknown name lists the TLB's"
run run --cost walk=1 "$tmp/small.trace"
usage_error "unknown cost 'walk' (fork vfork exec fault zero copy cache_load pte table teardown unmap walk_step tlb_invalidate tlb_flush)"
end

begin "compare over TLB sizes"
run compare --tlb 4,16 --fields tlb.entries,tlb.misses "$tmp/small.trace"
status 0
out_has "tlb.entries"
out_has "tlb.misses"
end

begin "the last of two values wins"
run run --fork copy --fork sharept --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q '^x86_64,48,4096,4,16384,sharept,' || no "fork is not sharept"
end

begin "--opt=VALUE form"
run run --arch=tiny --frames=8 --fork=copy --format=csv --oom=fail "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q '^tiny,16,256,2,8,copy,false,false,false,fail,' || no "config does not follow the options"
end

begin "--linux is --zero-page --lazy-fork --anon-vma --exclusive-reuse --fault-around 16"
run run --linux --pt-frames --format json "$tmp/small.trace"
status 0
out_has '"zero_page": true,'
out_has '"lazy_fork": true,'
out_has '"pt_frames": true,'
out_has '"fault_around": 16,'
out_has '"exclusive_reuse": true,'
out_has '"anon_vma": true'
end

begin "plain vmsim: the textbook rules"
run run --format json "$tmp/small.trace"
status 0
out_has '"fault_around": 1,'
out_has '"exclusive_reuse": false,'
out_has '"anon_vma": false'
end

begin "--linux then its flags one by one: the last word wins"
run run --linux --fault-around 4 --exclusive-reuse=off --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q ',true,true,false,kill,0,none,0,4,false,true,' || no "config is not --linux with fault-around 4, no exclusive-reuse"
run run --fault-around 4 --anon-vma --linux=off --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q ',false,false,false,kill,0,none,0,1,false,false,' || no "--linux=off does not turn every rule off"
end

for v in 0 lots -4 0x10000000000; do
    begin "--fault-around $v"
    run run --fault-around "$v" "$tmp/small.trace"
    usage_error "--fault-around takes a number of pages from 1"
    err_has "'$v'"
    end
done

begin "--fault-around 3: any number of pages, not only a power of two"
run run --fault-around 3 --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q ',kill,0,none,0,3,' || no "fault_around is not 3"
end

begin "--fault-around=2K: a power of two with a suffix"
run run --fault-around=2K --format csv "$tmp/small.trace"
status 0
sed -n 2p "$tmp/out" | grep -q ',kill,0,none,0,2048,' || no "fault_around is not 2048"
end

begin "options after the trace"
run run "$tmp/small.trace" --format csv
status 0
[ "$(wc -l <"$tmp/out")" = 2 ] || no "not a csv summary"
end

begin "-- ends the options"
printf 'spawn 7\n' >"$tmp/-dash.trace"
(cd "$tmp" && "$vm" run --format csv -- -dash.trace >out 2>err)
rc=$?
status 0
sed -n 2p "$tmp/out" | grep -q ',1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,' || no "the trace did not run"
end

begin "two traces"
run run "$tmp/small.trace" "$tmp/failing.trace"
usage_error "one trace at a time"
end

# ---- the trace's options lines ---------------------------------------------------
# the machine of tiny.trace exists only on tiny (on x86_64 its first write is a segv)
cat >"$tmp/tiny.trace" <<'EOF'
options --arch tiny --frames 12
options --policy lru --swap 8p
program app text=1p data=1p bss=0 heap=2p stack=1p
spawn 1 app
write 1 0x300 5
read 1 0x100
fork 1 2
write 2 0x300 6
EOF

begin "options: the trace sets its machine"
run run --format csv "$tmp/tiny.trace"
status 0
err_empty
sed -n 2p "$tmp/out" | grep -q '^tiny,16,256,2,12,cow,false,false,false,kill,8,lru,' || no "not the trace's machine"
end

for order in before after; do
    begin "options: the command line overrides the trace ($order the trace), and -v says so"
    if [ $order = before ]; then
        run run -v --frames 16 --policy fifo --fork copy "$tmp/tiny.trace"
    else
        run run -v "$tmp/tiny.trace" --policy fifo --fork copy --frames 16
    fi
    status 0
    err_empty
    [ "$(grep -c 'options from the trace' "$tmp/out")" = 1 ] || no "not one line about the options"
    head -n 1 "$tmp/out" | grep -qxF -- "    1  options from the trace: --arch tiny --frames 12 --policy lru --swap 8p; the command line overrides --frames 12 (with --frames 16), --policy lru (with --policy fifo)" ||
        no "the first -v line is not what came from where"
    out_has "config:     arch tiny  va_bits 16  page_size 256  levels 2  frames 16  fork copy"
    out_has "policy fifo"
    out_has "swap_slots 8"
    end
done

begin "options: without -v nothing is said of them"
run run -q --frames 16 "$tmp/tiny.trace"
status 0
out_empty
err_empty
end

begin "options: vmsim gen | vmsim run - runs on the machine gen made it for"
"$vm" gen --profile pressure --arch tiny --frames 12 --seed 2 >"$tmp/gen.trace"
grep -q '^options --arch tiny --frames 12$' "$tmp/gen.trace" || no "gen wrote no options line"
"$vm" gen --profile pressure --arch tiny --frames 12 --seed 2 | "$vm" run - >"$tmp/out" 2>"$tmp/err"
rc=$?
status 0
err_lacks "segv"
out_has "config:     arch tiny  va_bits 16  page_size 256  levels 2  frames 12"
out_has "killed_segv 0"
end

begin "options: standard input with --policy opt from the trace (opt reads ahead)"
printf 'options --frames 3 --policy opt --swap 8p\nspawn 1\nmmap 1 0x10000 8p rw- private\n' >"$tmp/opt.trace"
for p in 1 2 3 4 1 2 5 1 2 3 4 5; do printf 'read 1 0x1%s000\n' "$p" >>"$tmp/opt.trace"; done
run_in "$tmp/opt.trace" run -
status 0
err_empty
out_has "policy opt"
out_has "hits 5  misses 7"
run run "$tmp/opt.trace" --policy fifo
out_has "hits 3  misses 9"
end

begin "options: --mem of the command line in pages of the trace's arch"
run run --mem 1K --format csv "$tmp/tiny.trace"
status 0
sed -n 2p "$tmp/out" | grep -q '^tiny,16,256,2,4,' || no "not 4 frames of tiny"
run run --mem 100 "$tmp/tiny.trace"
status 2
err_has "tiny.trace:1: error: memory must hold at least one frame (--mem 100 is less than a page of tiny)"
out_empty
end

begin "options: --max-frames bounds the trace's machine"
run run --max-frames 10 "$tmp/tiny.trace"
status 2
err_has "tiny.trace:1: error: 12 frames are more than --max-frames 10"
out_empty
run run -q --max-frames 10 --frames 8 "$tmp/tiny.trace"
status 0
end

begin "options: a bad options line is the trace's error"
printf 'options --arch tiny --format json\nspawn 1\n' >"$tmp/badopt.trace"
run run "$tmp/badopt.trace"
status 2
err_has "badopt.trace:1: error: '--format' is not an option of the machine"
out_empty
end

begin "options: compare's options override the trace's"
run compare --frames 4,12 --format csv "$tmp/tiny.trace"
status 0
grep -q '^4,0,tiny,16,256,2,4,cow,' "$tmp/out" || no "no row of tiny with 4 frames"
grep -q '^12,0,tiny,16,256,2,12,cow,' "$tmp/out" || no "no row of tiny with 12 frames"
end

begin "options: the HTML view shows the trace's machine"
run run -q --html "$tmp/tiny.html" "$tmp/tiny.trace"
status 0
grep -q '"init":{"trace":"[^"]*tiny.trace","arch":"tiny","va_bits":16,"page_shift":8,"levels":2,"level_bits":4,"frames":12' "$tmp/tiny.html" ||
    no "the page's machine is not tiny with 12 frames"
end

# ---- input --------------------------------------------------------------------
begin "missing trace file"
run run "$tmp/no-such.trace"
status 2
err_has "no-such.trace"
err_has "cannot open"
out_empty
end

begin "a folder as the trace"
run run "$tmp"
status 2
err_has "$tmp"
out_empty
end

begin "a folder as standard input"
run_in "$tmp" run -
status 2
err_has "cannot read"
out_lacks "config"
end

begin "run /dev/null: an empty trace"
run run /dev/null
status 0
out_has "config:"
out_has "events:     total 0"
err_empty
end

begin "- reads standard input"
run_in "$tmp/small.trace" run --format csv -
status 0
sed -n 2p "$tmp/out" | grep -q ',kill,0,none,0,1,false,false,3,1,' || no "not the summary of the 3 events"
cp "$tmp/out" "$tmp/stdin.csv"
run run --format csv "$tmp/small.trace"
cmp -s "$tmp/out" "$tmp/stdin.csv" || no "not the summary of the same trace from a file"
end

begin "errors on standard input are named standard input, in run, compare and grade"
run_in "$tmp/bad.trace" run -
status 2
err_has "standard input:2: error: unknown keyword 'bogus'"
run_in "$tmp/bad.trace" compare --fork cow,copy -
status 2
err_has "[fork=copy] standard input:2: error: unknown keyword 'bogus'"
err_lacks "vmsim-compare"
run_in "$tmp/bad.trace" grade --trace - --tests docs/homework/tests.vmt
status 1
out_has "standard input:2: error: unknown keyword 'bogus'"
end

begin "--max-line 0 means no limit"
awk 'BEGIN { printf "spawn 1 "; for (i = 0; i < 30000; i++) printf "   "; print "# a long line" }' >"$tmp/long.trace"
run run --max-line 0 --format csv "$tmp/long.trace"
status 0
err_empty
sed -n 2p "$tmp/out" | grep -q ',kill,0,none,0,1,false,false,1,1,' || no "the long line did not run"
run run "$tmp/long.trace"
status 2
err_has "long.trace:1: error: "
end

# ---- exit status, messages ---------------------------------------------------------
begin "trace error: exit 2, FILE:LINE: error:, no summary"
run run "$tmp/bad.trace"
status 2
err_has "$tmp/bad.trace:2: error: unknown keyword 'bogus'"
[ "$(wc -l <"$tmp/err")" = 1 ] || no "more than one line on stderr"
out_empty
end

begin "expectation failure: exit 1, the summary still printed"
run run "$tmp/failing.trace"
status 1
err_has "$tmp/failing.trace:4: expectation failed: page 1 0x10000 value == 6 (actual 5)"
[ "$(wc -l <"$tmp/err")" = 1 ] || no "more than one line on stderr"
out_has "expect:     passed 1  failed 1"
end

begin "a trace error after a show: the show, no summary"
run run "$tmp/show_then_error.trace"
status 2
out_has "== line 3: show pstree =="
out_has "?(1)---?(2)"
out_lacks "config"
out_lacks "events"
err_has "show_then_error.trace:5: error: process 2 has exited (a zombie)"
end

begin "a segv and skipped events warn; --max-warnings"
run run --max-warnings 2 "$tmp/lost.trace"
status 0
err_has "lost.trace:2: warning: process 1 killed by a segv: read at 0x1000 outside every VMA"
err_has "lost.trace:3: warning: event skipped: process 1 is lost (killed, or its fork failed)"
err_lacks "lost.trace:4:"
err_has "lost.trace: warning: 2 more warnings not shown"
out_has "skipped 3"
end

begin "-v: the event's line says it, no warning"
run run -v -q "$tmp/lost.trace"
status 0
err_empty
out_has "read 1 0x1000: segv: read at 0x1000 outside every VMA; process 1 killed (status 139)"
out_has "read 1 0x1000: skipped: process 1 is lost (killed, or its fork failed)"
end

begin "every skipped event warns by default"
i=0
{ echo "spawn 1"; echo "read 1 0x1000"; while [ $i -lt 14 ]; do echo "read 1 0x2000"; i=$((i + 1)); done; } >"$tmp/lost14.trace"
run run -q "$tmp/lost14.trace"
status 0
[ "$(grep -c ': warning: event skipped: process 1 is lost' "$tmp/err")" = 14 ] || no "not 14 skipped-event warnings"
err_has "lost14.trace:16: warning: event skipped"
err_lacks "more warnings not shown"
end

begin "--max-warnings 0"
run run --max-warnings 0 -q "$tmp/lost.trace"
status 0
[ "$(wc -l <"$tmp/err")" = 1 ] || no "not one line on stderr"
err_has "lost.trace: warning: 4 more warnings not shown"
end

begin "--check"
run run --check "$tmp/family.trace"
status 0
[ "$(wc -l <"$tmp/err")" = 1 ] || no "not one line on stderr"
err_has "family.trace:9: warning: process 4 killed by a segv"
out_has "expect:     passed 3  failed 0"
out_has "events:     total 10  "
end

# ---- output: where --------------------------------------------------------------
begin "-o FILE: the summary in the file, nothing on stdout"
run run -o "$tmp/sum.txt" "$tmp/small.trace"
status 0
out_empty
err_empty
grep -qs "^config:" "$tmp/sum.txt" || no "no summary in the file"
run run "$tmp/small.trace"
cmp -s "$tmp/out" "$tmp/sum.txt" || no "the file is not the summary on stdout"
end

begin "--output=FILE with json"
run run --output="$tmp/sum.json" --format json "$tmp/small.trace"
status 0
out_empty
grep -qs '"config": {' "$tmp/sum.json" || no "no json summary in the file"
end

begin "-o FILE: show output still goes to stdout"
run run -o "$tmp/sum2.txt" "$tmp/show.trace"
status 0
out_has "== line 2: show stats =="
[ "$(grep -c '^config:' "$tmp/out")" = 1 ] || no "stdout should hold the show's stats only"
grep -qs "^config:" "$tmp/sum2.txt" || no "no summary in the file"
end

begin "-o FILE with a trace error: no summary in the file"
run run -o "$tmp/sum3.txt" "$tmp/bad.trace"
status 2
out_empty
if [ -e "$tmp/sum3.txt" ]; then
    ! grep -qs "config" "$tmp/sum3.txt" || no "the file holds a summary"
fi
end

begin "-o FILE with an expectation failure: the summary in the file"
run run -o "$tmp/sum4.txt" "$tmp/failing.trace"
status 1
out_empty
grep -qs "failed 1" "$tmp/sum4.txt" || no "no summary in the file"
end

begin "-o to a file that cannot be made"
run run -o "$tmp/no/such/dir/sum" "$tmp/small.trace"
status 2
err_has "$tmp/no/such/dir/sum"
out_empty
end

begin "-q: no summary"
run run -q "$tmp/family.trace"
status 0
out_empty
run run -q "$tmp/failing.trace"
status 1
err_has "failing.trace:4: expectation failed: "
out_empty
end

begin "-q with -o FILE: an error, no file"
run run -q --format csv -o "$tmp/q.csv" "$tmp/small.trace"
usage_error "-q prints no summary, so -o $tmp/q.csv would write nothing"
err_has "(try 'vmsim run --help')"
[ -e "$tmp/q.csv" ] && no "a file was made"
run run -q --quiet=off -o "$tmp/q.csv" "$tmp/small.trace"
status 0
grep -qs "^config:" "$tmp/q.csv" || no "--quiet=off: no summary in the file"
run compare --fork cow,copy -o "$tmp/q2.txt" "$tmp/small.trace"
status 0
grep -qs "faults.total" "$tmp/q2.txt" || no "compare -o: no table in the file"
end

begin "an output file that is an input: refused before anything is written, the input left whole"
cp "$tmp/small.trace" "$tmp/in.trace"
ln -sf in.trace "$tmp/in.link"
printf 'Q1: 1\n' >"$tmp/in.ans"
cp docs/homework/tests.vmt "$tmp/in.vmt"
for args in "run -q --timeline @I@ @I@" "run -q --timeline @L@ @I@" "run -q --html @I@ @I@" "run --html @L@ @I@" \
    "run -o @I@ @I@" "run --output=@L@ @I@" "compare --fork cow,copy -o @I@ @I@" "compare -o @L@ @I@" \
    "import lackey -o @I@ @I@" "grade --trace @I@ --tests $tmp/in.vmt -o @L@" \
    "grade --trace @I@ --tests $tmp/in.vmt -o $tmp/in.vmt" \
    "grade --seed 3 --answers $tmp/in.ans -o $tmp/in.ans"; do
    # shellcheck disable=SC2086
    run $(echo "$args" | sed "s#@I@#$tmp/in.trace#g; s#@L@#$tmp/in.link#g")
    usage_error "would destroy"
    cmp -s "$tmp/in.trace" "$tmp/small.trace" || no "$args: the trace was written"
    cmp -s "$tmp/in.vmt" docs/homework/tests.vmt || no "$args: the tests were written"
    grep -qx 'Q1: 1' "$tmp/in.ans" || no "$args: the answers were written"
    cp "$tmp/small.trace" "$tmp/in.trace"
done
# standard input that is the output file
run_in "$tmp/in.trace" run -q --timeline "$tmp/in.trace" -
usage_error "--timeline $tmp/in.trace is the file standard input reads"
cmp -s "$tmp/in.trace" "$tmp/small.trace" || no "stdin: the trace was written"
run run -q --timeline "$tmp/other.csv" "$tmp/in.trace"
status 0
end

# -o -: standard output, in every command that takes -o; no file named '-'
begin "-o -: standard output"
here=$PWD
mkdir "$tmp/dash" && cd "$tmp/dash" || no "no directory"
for args in "run -o - A" "run --output=- --format csv A" "compare --fork cow,copy -o - A" "gen -o -" "gen --output -" \
    "import strace -o - /dev/null"; do
    # shellcheck disable=SC2086
    run $(echo "$args" | sed "s#A#$tmp/small.trace#")
    status 0
    [ "$args" = "import strace -o - /dev/null" ] || [ -s "$tmp/out" ] || no "$args: nothing on stdout"
    [ -e ./- ] && no "$args: made a file named -"
    rm -f ./-
done
run run -o - "$tmp/small.trace"
cp "$tmp/out" "$tmp/dash.out"
run run "$tmp/small.trace"
cmp -s "$tmp/out" "$tmp/dash.out" || no "run -o - is not run alone"
cd "$here" || no "cannot go back"
end

begin "--every without --timeline: an error naming both"
run run --every 2 "$tmp/small.trace"
usage_error "--every picks the rows of --timeline, which is not given"
run run -q --every 2 --timeline "$tmp/tl.csv" "$tmp/small.trace"
status 0
end

begin "-q keeps show output"
run run -q "$tmp/show.trace"
status 0
out_has "== line 2: show stats =="
[ "$(grep -c '^config:' "$tmp/out")" = 1 ] || no "a summary after the show"
end

begin "--quiet with an expectation failure: exit 1"
run run --quiet "$tmp/failing.trace"
status 1
out_empty
err_has "expectation failed"
end

begin "-v: one line per event"
run run -v -q "$tmp/small.trace"
status 0
[ "$(wc -l <"$tmp/out")" = 3 ] || no "not 3 lines"
grep -q '^    3  write 1 0x1000 5: demand_zero' "$tmp/out" || no "line 3 is not explained"
end

# ---- output: formats ------------------------------------------------------------
begin "--format json is well formed"
run run --format json "$tmp/family.trace"
status 0
awk '
    { line = $0; gsub(/"[^"]*"/, "", line)
      n = split(line, c, "")
      for (i = 1; i <= n; i++) {
          if (c[i] == "{") b++; else if (c[i] == "}") b--
          else if (c[i] == "[") s++; else if (c[i] == "]") s--
          if (b < 0 || s < 0) bad = 1
      } }
    NR == 1 && $0 != "{" { bad = 1 }
    END { if (b != 0 || s != 0 || bad || $0 != "}") exit 1 }' "$tmp/out" || no "braces do not balance"
for k in config events accesses faults memory processes expect; do
    grep -q "^  \"$k\": {\$" "$tmp/out" || no "no key $k"
done
grep -q '^  "per_process": \[$' "$tmp/out" || no "no key per_process"
[ "$(grep -c '{"pid": ' "$tmp/out")" = 5 ] || no "per_process does not hold the 5 processes"
grep -q '"pid": 3, "ppid": 1, "state": "zombie", "program": "sh", "exit_status": 4,' "$tmp/out" ||
    no "zombie 3 is not described"
grep -q '"pid": 2, "ppid": 1, "state": "suspended",' "$tmp/out" || no "suspended 2 is not described"
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys; json.load(sys.stdin)' <"$tmp/out" 2>/dev/null || no "python3 cannot read it"
fi
cp "$tmp/out" "$tmp/family.json"
end

begin "--format json: a program name that is not UTF-8 still gives valid JSON"
printf 'program caf\303\251\377 text=1p\nspawn 1 caf\303\251\377\n' >"$tmp/u8.trace"
run run --format json "$tmp/u8.trace"
status 0
want=$(printf '"program": "caf\303\251\\ufffd"')
grep -qF "$want" "$tmp/out" || no "the name is not caf, U+00E9 as it was, then U+FFFD"
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys; json.load(sys.stdin)' <"$tmp/out" 2>/dev/null || no "python3 cannot read it"
fi
end

begin "--format csv: two lines of the same width, dotted names"
run run --format csv "$tmp/family.trace"
status 0
[ "$(wc -l <"$tmp/out")" = 2 ] || no "not 2 lines"
awk -F, 'NR == 1 { n = NF } NR == 2 && NF != n { exit 1 }' "$tmp/out" || no "lines of different widths"
head -n 1 "$tmp/out" | tr , '\n' | grep -v '^[a-z]*\.[a-z_]*$' >"$tmp/badnames"
[ ! -s "$tmp/badnames" ] || no "names that are not dotted paths: $(head -n 3 "$tmp/badnames" | tr '\n' ' ')"
out_lacks "per_process"
head -n 1 "$tmp/out" | grep -q '^config\.arch,config\.va_bits,' || no "does not start with config.arch"
head -n 1 "$tmp/out" | grep -q ',expect\.passed,expect\.failed,cost\.total,' || no "does not hold expect.failed then the cost section"
# every value is the one of the json summary
tr , '\n' <"$tmp/out" >"$tmp/csv.cols"
n=$(($(wc -l <"$tmp/csv.cols") / 2))
awk -v n="$n" '
    FNR == NR { if (FNR <= n) name[FNR] = $0; else val[name[FNR - n]] = $0; next }
    /^  "[a-z_]+": \{$/ { sec = $1; gsub(/[":]/, "", sec); next }
    /^    "[a-z_]+": / { k = $1; gsub(/[":]/, "", k); v = $2; sub(/,$/, "", v); gsub(/"/, "", v)
                         json[sec "." k] = v }
    END { for (k in val) if (!(k in json) || json[k] != val[k]) { print k; bad = 1 }
          exit bad }' "$tmp/csv.cols" "$tmp/family.json" >"$tmp/diff" 2>&1 ||
    no "csv and json differ: $(head -n 3 "$tmp/diff" | tr '\n' ' ')"
end

begin "--format text: every section"
run run "$tmp/family.trace"
status 0
for s in config: events: accesses: faults: memory: processes: tlb: expect:; do
    grep -q "^$s " "$tmp/out" || no "no $s line"
done
out_has "  PID  PPID  STATE"
end

begin "compare --fields: the rows and columns picked, in that order"
run compare --fork cow,copy --fields cost.total,faults,memory.pages_copied "$tmp/small.trace"
status 0
awk '{ print $1 }' "$tmp/out" | tr '\n' ' ' >"$tmp/rows"
[ "$(cat "$tmp/rows")" = "fork exit cost.total faults.total faults.demand_zero faults.zero_page faults.file faults.cow_copy faults.cow_reuse faults.segv faults.swap_in memory.pages_copied " ] ||
    no "rows: $(cat "$tmp/rows")"
run compare --fork cow,copy --fields=faults.total,config.arch --format csv "$tmp/small.trace"
status 0
printf 'fork,exit,faults.total,config.arch\ncow,0,1,x86_64\ncopy,0,1,x86_64\n' | cmp -s - "$tmp/out" || no "csv: $(head -n 1 "$tmp/out")"
run compare --fork cow --fields faults.total,config.zero_page,config.arch --format json "$tmp/small.trace"
status 0
out_has '"fields": {"faults.total": 1, "config.zero_page": false, "config.arch": "x86_64"}'
run compare --fork cow --fields faults.totl "$tmp/small.trace"
usage_error "--fields: no field 'faults.totl' in the summary"
end

begin "compare: an option given again, the later list wins, in the runs and the labels"
run compare "$tmp/family.trace" --fork cow --frames 64 --fork copy --fields faults.total,memory.pages_copied --format csv
status 0
"$vm" compare "$tmp/family.trace" --fork copy --frames 64 --fields faults.total,memory.pages_copied --format csv \
    >"$tmp/want" 2>/dev/null
cmp -s "$tmp/out" "$tmp/want" || no "csv: $(tr '\n' ' ' <"$tmp/out")"
run compare "$tmp/family.trace" --fork cow --fork copy,sharept --fields faults.total
status 0
[ "$(grep -c '^fork ' "$tmp/out")" = 1 ] || no "more than one fork row"
out_has "copy"
out_lacks "cow"
run compare "$tmp/family.trace" --fork cow --fork copy --format json
status 0
python3 -m json.tool "$tmp/out" >/dev/null 2>&1 || no "the JSON does not parse"
python3 -c 'import json, sys
def once(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        sys.exit(1)
    return dict(pairs)
json.load(open(sys.argv[1]), object_pairs_hook=once)' "$tmp/out" 2>/dev/null || no "a key twice in a JSON object"
out_has '"options": {"fork": "copy"}'
end

# an error no run owns: one plain message, no "[label]" (empty or not)
# nor a value no run could take: before any run, with nothing on standard output
for args in "" "A B" "A --cost bogus=1" "A --cost fork=-1" "--fork cow,copy" "A --fork cow,copy --cost fork=x" \
    "A --policy FIFO,lru --swap 1M" "A --frames 3,x" "A --swap 1M,bogus --policy lru" "A --zero-page=off,maybe" \
    "A --fork cow,spoon --frames 3,4"; do
    begin "compare $args: a plain message"
    # shellcheck disable=SC2086
    run compare $(echo "$args" | sed "s#A#$tmp/small.trace#; s#B#$tmp/family.trace#")
    usage_error ""
    err_lacks "["
    [ "$(grep -c 'vmsim: error:' "$tmp/err")" = 1 ] || no "more than one message"
    err_has "(try 'vmsim compare --help')"
    end
done

begin "--check counts its own memory within --max-memory"
run run -q --check --max-memory 64M --frames 10M traces/cow.trace
status 2
out_empty
err_has "error: --check needs 419430412 bytes to count 10485760 frames and 0 swap slots, more than --max-memory (67108864) leaves"
run run -q --check --max-memory 64M --frames 1M traces/cow.trace
status 0
end

begin "a machine too large for the host, sized by the trace's options line: that line's error"
printf 'options --frames 2147483647\nspawn 1\n' >"$tmp/huge.trace"
run run "$tmp/huge.trace"
if grep -q "host cannot give" "$tmp/err"; then
    status 2
    out_empty
    err_has "huge.trace:1: error: the host cannot give this machine its memory: 2147483647 frames"
    run run --frames 2147483647 "$tmp/huge.trace" # the command line's size: the command line's error
    err_has "vmsim: error: the host cannot give"
else
    echo "cli: skipped a check: this host gives a machine of 2^31 frames"
fi
end

begin "show pages of a lost pid that is gone: a view, not an error"
printf 'spawn 1\nspawn 2\nread 2 0x1000\nshow pages 2\n' >"$tmp/lostview.trace"
run run -q "$tmp/lostview.trace"
status 0
out_has "process 2 is gone (killed, or its fork failed)"
end

begin "determinism: the same run twice, byte for byte"
for i in 1 2; do
    "$vm" run -v --format json "$tmp/family.trace" >"$tmp/det$i.out" 2>"$tmp/det$i.err"
    "$vm" run -v --fork sharept --pt-frames --zero-page "$tmp/family.trace" >>"$tmp/det$i.out" 2>>"$tmp/det$i.err"
    "$vm" run --format csv --arch tiny --frames 6 "$tmp/family.trace" >>"$tmp/det$i.out" 2>>"$tmp/det$i.err"
done
{ grep -q '^  "expect": {' "$tmp/det1.out" && grep -q '^expect: ' "$tmp/det1.out" &&
    grep -q '^tiny,16,256,2,6,' "$tmp/det1.out"; } || no "not the summaries of the runs"
grep -q '^    9  read 4 0x1000: segv' "$tmp/det1.out" || no "no -v lines"
cmp -s "$tmp/det1.out" "$tmp/det2.out" || no "stdout differs"
cmp -s "$tmp/det1.err" "$tmp/det2.err" || no "stderr differs"
end

begin "determinism: stdin and a file give the same output"
run run -v "$tmp/family.trace"
grep -q '^    9  read 4 0x1000: segv' "$tmp/out" || no "no -v lines"
out_has "expect:     passed 3  failed 0"
cp "$tmp/out" "$tmp/f.out"
run_in "$tmp/family.trace" run -v -
cmp -s "$tmp/out" "$tmp/f.out" || no "outputs differ"
end

# make kernel-check's script: a host that is not Linux is a clear skip, exit 0
begin "kernel-check skips on a host that is not Linux"
mkdir -p "$tmp/notlinux"
printf '#!/bin/sh\necho Darwin\n' >"$tmp/notlinux/uname"
chmod +x "$tmp/notlinux/uname"
PATH="$tmp/notlinux:$PATH" sh "$(dirname "$0")/kernel-check.sh" "$vm" "$tmp/kbuild" >"$tmp/out" 2>"$tmp/err"
rc=$?
status 0
out_has "kernel-check: skipped: this host runs Darwin, not Linux"
[ -d "$tmp/kbuild" ] && no "it built the programs all the same"
end

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
