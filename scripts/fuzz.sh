#!/bin/sh
# fuzz.sh -- the libFuzzer harness tests/fuzz/fuzz_trace.c: its packages, its
# seed corpus, fuzzing, and the regression run that CI does.
#
#   fuzz.sh deps                  checks that clang can build a libFuzzer
#                                 program; installs clang and libclang-rt-14-dev
#                                 when it cannot (as root, through scripts/deps.sh)
#   fuzz.sh seed DIR              writes the seed corpus to DIR (see below)
#   fuzz.sh run BIN SECONDS       fuzzes for SECONDS over the seeds and the
#                                 kept corpus; new crashes go to tests/fuzz/crashes/
#   fuzz.sh regress BIN           runs every file of tests/fuzz/crashes/ and every
#                                 seed once, no fuzzing; prints "fuzz-regress: N
#                                 passed, M failed" and fails if M > 0
#   fuzz.sh seed-import DIR, run-import BIN SECONDS, regress-import BIN
#                                 the same for tests/fuzz/fuzz_import.c, the
#                                 importers' harness: its crashes go to
#                                 tests/fuzz/crashes-import/, its corpus to
#                                 build/fuzz/corpus-import
#
# Import seeds: the records of tests/import/ and the uncompressed ones of
# traces/real/, behind the harness's configuration byte (bit 0: strace),
# once as they are and once with the other options that byte turns on.
#
# Seeds: every *.trace of traces/, tests/traces/, tests/errors/ and the
# conformance folders ($VMSIM_CONFORMANCE, default ../shared/conformance,
# and the swap traces s10_* of ../shared/conformance-v2), each written twice
# with the three configuration bytes the harness reads in front (from the trace's "# flags:" header; the second copy adds -v and
# rotates the summary formats). They are made again at every run, in a
# temporary folder.
#
# Environment: FUZZ_CC (clang), FUZZ_CORPUS (build/fuzz/corpus: what the
# fuzzer finds, kept between runs), FUZZ_JOBS (parallel fuzzing processes,
# default 1), FUZZ_ARGS (more libFuzzer options).
set -u

die() { echo "fuzz: $*" >&2; exit 2; }

crashes=tests/fuzz/crashes
crashes_import=tests/fuzz/crashes-import
dict=tests/fuzz/trace.dict
conformance=${VMSIM_CONFORMANCE:-../shared/conformance}
conformance2=${VMSIM_CONFORMANCE_V2:-../shared/conformance-v2}

# symbolized stacks in sanitizer reports
symbolizer() {
    if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
        for s in "$(command -v llvm-symbolizer 2>/dev/null)" /usr/lib/llvm-14/bin/llvm-symbolizer; do
            if [ -n "$s" ] && [ -x "$s" ]; then
                ASAN_SYMBOLIZER_PATH=$s
                export ASAN_SYMBOLIZER_PATH
                break
            fi
        done
    fi
    # abort on the first report of either sanitizer, with a stack
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    export ASAN_OPTIONS UBSAN_OPTIONS
}

# can_link CC: clang builds and links a libFuzzer program with the sanitizers
can_link() {
    t=$(mktemp -d) || return 1
    printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' >"$t/t.c"
    "$1" -fsanitize=fuzzer,address,undefined "$t/t.c" -o "$t/t" >/dev/null 2>&1
    rc=$?
    rm -rf "$t"
    return $rc
}

cmd_deps() {
    cc=${FUZZ_CC:-clang}
    if ! can_link "$cc"; then
        echo "fuzz: $cc cannot build a libFuzzer program; installing clang and its runtime"
        sh scripts/deps.sh clang libclang-rt-14-dev || exit 1
        can_link "$cc" || die "$cc still cannot link -fsanitize=fuzzer,address,undefined"
    fi
    if ! command -v llvm-symbolizer >/dev/null 2>&1 && [ ! -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
        # only for readable stacks: not fatal
        sh scripts/deps.sh llvm-14 || echo "fuzz: no llvm-symbolizer: stacks will not be symbolized"
    fi
    return 0
}

# swap_code SIZE: bits 3-5 of byte 2 for --swap SIZE: the nearest of 0, 1,
# 2, 3, 8, 16, 64 and 4096 pages at or below it (4 KiB pages for a size in
# bytes), at least 1 page when SIZE is above 0
swap_code() {
    case $1 in
    *p) n=${1%p} ;;
    *K) n=$((${1%K} / 4)) ;;
    *M) n=$((${1%M} * 256)) ;;
    *G) n=4096 ;;
    *) n=$(($1 / 4096)) ;;
    esac 2>/dev/null
    case $n in '' | *[!0-9]*) n=0 ;; esac
    [ "$n" = 0 ] && case $1 in 0 | 0p) ;; *) n=1 ;; esac
    code=0
    for p in 1 2 3 8 16 64 4096; do
        [ "$n" -ge "$p" ] && code=$((code + 1))
    done
    echo $((code << 3))
}

# seed_bytes FLAGS...: the three configuration bytes (decimal) for a header
seed_bytes() {
    b0=0 b2=0 frames=""
    arch=x86_64
    while [ $# -gt 0 ]; do
        case $1 in
        --arch) arch=${2:-}; [ $# -gt 1 ] && shift ;;
        --arch=*) arch=${1#--arch=} ;;
        --frames) frames=${2:-}; [ $# -gt 1 ] && shift ;;
        --frames=*) frames=${1#--frames=} ;;
        --swap) b2=$((b2 | $(swap_code "${2:-0}"))); [ $# -gt 1 ] && shift ;;
        --policy)
            case ${2:-} in fifo) b2=$((b2 | 1)) ;; lru) b2=$((b2 | 2)) ;; clock) b2=$((b2 | 3)) ;;
            opt) b2=$((b2 | 4)) ;; random) b2=$((b2 | 5)) ;; esac
            [ $# -gt 1 ] && shift ;;
        --seed)
            case ${2:-} in 0) b2=$((b2 | 64)) ;; 42) b2=$((b2 | 128)) ;; 18446744073709551615) b2=$((b2 | 192)) ;; esac
            [ $# -gt 1 ] && shift ;;
        --zero-page) b0=$((b0 | 8)) ;;
        --lazy-fork) b0=$((b0 | 16)) ;;
        --linux) b0=$((b0 | 24)) ;;
        --pt-frames) b0=$((b0 | 32)) ;;
        --oom) [ "${2:-}" = fail ] && b0=$((b0 | 64)); [ $# -gt 1 ] && shift ;;
        --oom=fail) b0=$((b0 | 64)) ;;
        -v | --verbose) b0=$((b0 | 128)) ;;
        esac
        [ $# -gt 0 ] && shift
    done
    case $arch in
    tiny) a=1 ;;
    sv39) a=2 ;;
    i386) a=3 ;;
    va=20,page=256,levels=3) a=4 ;;
    va=16,page=256,levels=1) a=5 ;;
    va=64,page=4096,levels=4) a=6 ;;
    va=12,page=16,levels=2) a=7 ;;
    *) a=0 ;;
    esac
    b0=$((b0 | a))
    case $frames in
    '' | *[!0-9]*) if [ "$a" = 1 ]; then frames=64; else frames=1024; fi ;;
    esac
    if [ "$frames" -lt 1 ]; then
        b1=0
    elif [ "$frames" -le 64 ]; then
        b1=$((frames - 1))
    elif [ "$frames" -le 1024 ]; then
        b1=$((64 | ((frames + 15) / 16 - 1)))
    else
        b1=127
    fi
    echo "$b0 $b1 $b2"
}

# put_bytes B0 B1 B2: writes three bytes given in decimal
put_bytes() {
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' "$1")\\$(printf '%03o' "$2")\\$(printf '%03o' "$3")"
}

cmd_seed() {
    out=${1:?usage: fuzz.sh seed DIR}
    mkdir -p "$out" || exit 2
    n=0
    for dir in traces tests/traces tests/errors "$conformance" "$conformance2"; do
        [ -d "$dir" ] || continue
        pat='*'
        if [ "$dir" = "$conformance" ]; then
            tag=conformance
        elif [ "$dir" = "$conformance2" ]; then
            tag=conformance_v2 pat='s10_*'
        else
            tag=$(printf '%s' "$dir" | tr -c 'A-Za-z0-9_\n' '_')
        fi
        for t in "$dir"/$pat.trace; do
            [ -f "$t" ] || continue
            flags=$(sed -n 's/^# flags://p' "$t" | head -n 1)
            # shellcheck disable=SC2046,SC2086
            set -- $(seed_bytes $flags)
            base="$out/${tag}_$(basename "$t" .trace)"
            { put_bytes "$1" "$2" "$3"; cat "$t"; } >"$base" || exit 2
            { put_bytes $(($1 | 128)) $(($2 ^ 128)) "$3"; cat "$t"; } >"$base.v" || exit 2
            n=$((n + 2))
        done
    done
    [ "$n" -gt 0 ] || die "no seed traces found"
    echo "fuzz: $n seeds in $out"
}

cmd_seed_import() {
    out=${1:?usage: fuzz.sh seed-import DIR}
    mkdir -p "$out" || exit 2
    n=0
    for r in tests/import/*.strace tests/import/*.lackey traces/real/*.strace; do
        [ -f "$r" ] || continue
        case $r in *.strace) b=1 ;; *) b=0 ;; esac
        base="$out/$(printf '%s' "$r" | tr -c 'A-Za-z0-9_\n' '_')"
        { put_bytes "$b" 0 0 | head -c 1; cat "$r"; } >"$base" || exit 2
        { put_bytes $((b | 6 | 8 | 16 | 160)) 0 0 | head -c 1; cat "$r"; } >"$base.o" || exit 2
        n=$((n + 2))
    done
    [ "$n" -gt 0 ] || die "no seed records found"
    echo "fuzz: $n seeds in $out"
}

cmd_run() {
    bin=${1:?usage: fuzz.sh run BIN SECONDS}
    secs=${2:-60}
    [ -x "$bin" ] || die "no harness $bin (make fuzz builds it)"
    symbolizer
    corpus=${FUZZ_CORPUS:-$corpus_default}
    mkdir -p "$corpus" "$cr" || exit 2
    tmp=$(mktemp -d) || exit 2
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 130' INT TERM
    $seedfn "$tmp/seeds" || exit 2
    jobs=${FUZZ_JOBS:-1}
    par=""
    # fork mode: one log, no fuzz-N.log files in the tree
    [ "$jobs" -gt 1 ] && par="-fork=$jobs"
    echo "fuzz: $secs s, corpus $corpus, crashes to $cr/"
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -dict="$dct" -artifact_prefix="$cr/" -print_final_stats=1 \
        $par ${FUZZ_ARGS:-} "$corpus" "$tmp/seeds"
    rc=$?
    if [ "$rc" != 0 ]; then
        echo "fuzz: the fuzzer stopped with status $rc: see $cr/ (the newest file reproduces it:"
        echo "      $bin FILE; VMSIM_FUZZ_ECHO=1 prints the vmsim command line)"
    fi
    return $rc
}

cmd_regress() {
    bin=${1:?usage: fuzz.sh regress BIN}
    [ -x "$bin" ] || die "no harness $bin (make fuzz-regress builds it)"
    symbolizer
    tmp=$(mktemp -d) || exit 2
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 130' INT TERM
    $seedfn "$tmp/seeds" >/dev/null || exit 2
    pass=0 fail=0
    for f in "$cr"/* "$tmp"/seeds/*; do
        [ -f "$f" ] || continue
        if "$bin" -timeout=10 -rss_limit_mb=2048 "$f" >"$tmp/log" 2>&1; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            case $f in "$tmp"/*) name="seed $(basename "$f")" ;; *) name=$f ;; esac
            echo "FAIL $name"
            grep -E "ERROR: |runtime error:|fuzz_trace:|fuzz_import:|--check:|^vmsim run|#[0-9]+ 0x" "$tmp/log" | head -n 20
        fi
    done
    echo "fuzz-regress$label: $pass passed, $fail failed"
    [ "$fail" = 0 ]
}

[ -f sim/io/runner.c ] || die "run me from the top of the vmsim tree"
what=${1:-}
[ $# -gt 0 ] && shift
# the trace harness, or the importers' (the *-import commands)
seedfn=cmd_seed cr=$crashes corpus_default=build/fuzz/corpus dct=$dict label=''
case $what in *-import)
    seedfn=cmd_seed_import cr=$crashes_import corpus_default=build/fuzz/corpus-import dct=tests/fuzz/import.dict label=' (import)'
    what=${what%-import} ;;
esac
case $what in
deps) cmd_deps ;;
seed) $seedfn "$@" ;;
run) cmd_run "$@" ;;
regress) cmd_regress "$@" ;;
*) die "usage: fuzz.sh deps | seed[-import] DIR | run[-import] BIN SECONDS | regress[-import] BIN" ;;
esac
