#!/bin/sh
# ostep.sh VMSIM -- vmsim quiz --profile policy against OSTEP's homework
# simulator: each case of tests/ostep/paging-policy.txt is a reference
# string, a number of frames and a policy (FIFO, LRU, OPT) with what OSTEP's
# paging-policy.py answered under -c (scripts/ostep_cases.py wrote them):
# the hit or miss of each access, the page each miss replaced, and the
# FINALSTATS line. vmsim's answers (-c) must be the same, word for word.
export LC_ALL=C
vm=${1:?usage: ostep.sh VMSIM}
cases=$(dirname "$0")/ostep/paging-policy.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
# the words of a case's line: POLICY FRAMES STRING | ANSWERS | FINALSTATS
while IFS=' ' read -r policy frames string _ rest; do
    want=$rest
    pol=$(echo "$policy" | tr '[:upper:]' '[:lower:]')
    if "$vm" quiz --profile policy --string "$string" --frames "$frames" --policy "$pol" -c >"$tmp/out" 2>"$tmp/err"; then
        got=$(awk '
            /Access: / {
                for (i = 1; i <= NF; i++) {
                    if ($i == "HIT") w = "H"
                    if ($i == "MISS") w = "M"
                    if ($i ~ /^Replaced:/) { r = substr($i, 10); if (w == "M") w = w r }
                }
                out = out (out == "" ? "" : " ") w
            }
            /^FINALSTATS / { $1 = ""; sub(/^ /, ""); fin = $0 }
            END { print out " | " fin }' "$tmp/out")
    else
        got="exit status $?: $(head -n 1 "$tmp/err")"
    fi
    if [ "$got" = "$want" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL ostep: $policy, $frames frames, $string"
        echo "  paging-policy.py: $want"
        echo "  vmsim:            $got"
    fi
done <"$cases"
[ $((pass + fail)) -gt 0 ] || { echo "ostep: no case read from $cases"; exit 1; }
echo "ostep: $pass passed, $fail failed (paging-policy.py's answers)"
[ "$fail" = 0 ]
