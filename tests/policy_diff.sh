#!/bin/sh
# policy_diff.sh VMSIM [N] -- the replacement policies against a reference
# simulator written for the tests (tests/lib/refsim.py, from SPEC.md section
# 10 alone), on N random reference strings (default 150; the policy is the
# string's number mod 5: fifo, lru, clock, opt, random).
#
# Each string is one process reading (and sometimes writing) pages of one
# private anonymous mapping on a few frames with --swap 1M, now and then
# with touches, --pt-frames (page tables that clock's hand passes over),
# --zero-page, --arch tiny or a --seed. refsim.py writes it as a trace whose
# `expect` lines hold what it computed: the misses after every access, then
# every page's frame or slot and value, hits, misses, fault classes,
# evictions, swap traffic, swap_used, swap_peak and frames_used. The trace
# then runs under the trace suite's checks (tests/lib/trace_check.sh: exit
# 0, every expect line passed), every fourth one a second time with
# --check. A failure shows the first lines where vmsim and the reference
# part; POLICY_KEEP (a folder) keeps the traces of the failed strings.
#
# Prints "policy-diff: N passed, M failed"; without python3 it says it is
# skipped and passes. Environment: POLICY_SEED (the first string, default 1).
vm=${1:?usage: policy_diff.sh VMSIM [N]}
# shellcheck source-path=SCRIPTDIR
. "$(cd "$(dirname "$0")" && pwd)/lib/model_diff.sh"
model_diff policy-diff refsim.py "$vm" "${2:-150}" "${POLICY_SEED:-1}" "${POLICY_KEEP:-}"
