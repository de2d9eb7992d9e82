#!/usr/bin/env python3
"""ostep_cases.py PAGING_POLICY_PY [COUNT] -- writes to standard output the
cases of tests/ostep/paging-policy.txt: reference strings run through OSTEP's
homework simulator (vm-beyondphys-policy/paging-policy.py, from
https://github.com/remzi-arpacidusseau/ostep-homework) under FIFO, LRU and
OPT, with what it answered under -c. tests/ostep.sh checks that `vmsim quiz
--profile policy` answers the same.

One case a line:
    POLICY FRAMES STRING | ANSWERS | hits H misses M hitrate R
ANSWERS: one word per access, H for a hit, M-  for a miss into a free
frame, MV for a miss that replaced page V."""
import random
import re
import subprocess
import sys

CLASSIC = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]  # Belady's anomaly under FIFO


def run(script, string, frames, policy):
    out = subprocess.run([sys.executable, script, "-a", ",".join(map(str, string)), "-C", str(frames),
                          "-p", policy, "-c"], capture_output=True, text=True, check=True).stdout
    words = []
    for m in re.finditer(r"Access: (\d+)\s+(HIT|MISS).*?Replaced:(\S+)", out):
        words.append("H" if m.group(2) == "HIT" else "M" + m.group(3))
    final = re.search(r"FINALSTATS (hits \d+\s+misses \d+\s+hitrate \S+)", out)
    if len(words) != len(string) or not final:
        sys.exit("ostep_cases.py: unexpected output of %s" % script)
    return words, " ".join(final.group(1).split())


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: ostep_cases.py PAGING_POLICY_PY [COUNT]")
    script, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100
    rng = random.Random(2026)
    cases = [(CLASSIC, 3), (CLASSIC, 4)]
    for _ in range(count):
        pages = rng.randint(2, 10)
        cases.append(([rng.randrange(pages) for _ in range(rng.randint(1, 24))], rng.randint(1, 6)))
    for string, frames in cases:
        for policy in ("FIFO", "LRU", "OPT"):
            words, final = run(script, string, frames, policy)
            print("%s %d %s | %s | %s" % (policy, frames, ",".join(map(str, string)), " ".join(words), final))


main()
