#!/bin/sh
# install.sh BUILD -- `make install` into a scratch DESTDIR puts the command, the library,
# the headers and the man pages where they belong, the installed man pages read with man,
# and `make uninstall` takes every file away again. Prints "install: N passed, M failed".
build=${1:-release}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL install: $1"; fi; }

make --no-print-directory -s install BUILD="$build" DESTDIR="$tmp/root" PREFIX=/usr/local >"$tmp/out" 2>&1
rc=$?
check "make install" '[ $rc = 0 ] || { cat "$tmp/out"; false; }'
r=$tmp/root/usr/local
for f in bin/vmsim lib/libvmsim.a include/vmsim/runner.h share/man/man1/vmsim.1 share/man/man5/vmsim-trace.5; do
    check "installs $f" "[ -f '$r/$f' ]"
done
check "the installed command runs" "'$r/bin/vmsim' --version >/dev/null"
if command -v man >/dev/null 2>&1; then
    check "man finds the installed pages" \
        "MANPATH='$r/share/man' MANWIDTH=80 man vmsim 2>/dev/null | grep -q 'vmsim compare' &&
         MANPATH='$r/share/man' MANWIDTH=80 man 5 vmsim-trace 2>/dev/null | grep -q 'expect proc'"
fi
make --no-print-directory -s uninstall BUILD="$build" DESTDIR="$tmp/root" PREFIX=/usr/local >"$tmp/out" 2>&1
rc=$?
check "make uninstall" '[ $rc = 0 ]'
check "uninstall leaves no file" '[ -z "$(find "$tmp/root" -type f)" ]'
echo "install: $pass passed, $fail failed"
[ "$fail" = 0 ]
