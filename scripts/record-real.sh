#!/bin/sh
# record-real.sh [VMSIM] -- `make traces-real`: records the real programs of
# traces/real/ again (see traces/real/README.md).
#
# Builds the programs of traces/real/src with `make -j2` under `strace -f`
# (that build is itself a record), then records matmul and listwalk with
# `valgrind --tool=lackey --trace-mem=yes`, the three programs and
# `sh -c 'ls | wc -l'` with `strace -f`, all in build/traces-real/ and in an
# empty environment (PATH=/usr/bin:/bin, LC_ALL=C), so that the records say
# nothing of the machine they were made on. A record over 100 KB is kept
# gzipped (gzip -9n). Then the traces kept beside the records are imported
# again with VMSIM (default build/release/vmsim).
#
# Needs valgrind, strace, cc, make and gzip (apt-get install valgrind strace),
# and a kernel that lets a process trace its children (ptrace).

set -eu

vm=${1:-build/release/vmsim}
top=$(pwd)
src=traces/real/src
out=$top/traces/real
build=$top/build/traces-real

for tool in valgrind strace cc make gzip; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "traces-real: $tool not found (apt-get install valgrind strace gcc make)" >&2
        exit 1
    fi
done
if [ ! -x "$vm" ]; then
    echo "traces-real: $vm not found (run make first)" >&2
    exit 1
fi
if ! strace -f -o /dev/null true 2>/dev/null; then
    echo "traces-real: strace cannot trace here (ptrace not allowed?)" >&2
    exit 1
fi

rm -rf "$build"
mkdir -p "$build"
cp "$src"/*.c "$src"/Makefile "$build"/
cd "$build"

clean() { env -i PATH=/usr/bin:/bin LC_ALL=C "$@"; }

# keep NAME: the record build/traces-real/NAME goes to traces/real/, gzipped
# when large; the other form of it is removed
keep() {
    rm -f "$out/$1" "$out/$1.gz"
    if [ "$(wc -c <"$1")" -gt 102400 ]; then
        gzip -9n -c "$1" >"$out/$1.gz"
        echo "traces-real: traces/real/$1.gz ($(wc -l <"$1") lines)"
    else
        cp "$1" "$out/$1"
        echo "traces-real: traces/real/$1 ($(wc -l <"$1") lines)"
    fi
}

clean strace -f -o make.strace make -j2 >/dev/null
keep make.strace

for p in matmul listwalk; do
    clean valgrind --tool=lackey --trace-mem=yes --log-file="$p.lackey" "./$p" >/dev/null
    keep "$p.lackey"
done
for p in matmul listwalk forkexec; do
    clean strace -f -o "$p.strace" "./$p" >/dev/null
    keep "$p.strace"
done
clean strace -f -o pipeline.strace sh -c 'ls | wc -l' >/dev/null
keep pipeline.strace

# the traces kept beside their records
cd "$top"
for t in pipeline forkexec; do
    "$vm" import strace "traces/real/$t.strace" >"traces/real/$t.trace"
    echo "traces-real: traces/real/$t.trace"
done
