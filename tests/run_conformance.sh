#!/bin/sh
# run_conformance.sh VMSIM [DIR [PREFIX]] -- the shared contract's sample
# traces (DIR, default ../shared/conformance; only those whose names start
# with PREFIX, e.g. s13_ in ../shared/conformance-v2) under the checks of the
# trace suite (run_traces.sh: exit status, error line, a summary whose counts
# match the trace), which are stricter than the folder's own run.sh.
# A missing folder fails when the environment variable CI is set (CI must
# run the contract's traces), and is a loud warning otherwise.
vm=${1:?usage: run_conformance.sh VMSIM [DIR [PREFIX]]}
dir=${2:-../shared/conformance}
prefix=${3:-}
if [ ! -d "$dir" ]; then
    if [ -n "${CI:-}" ]; then
        echo "FAIL conformance: $dir not found (CI is set: the contract's traces must run)"
        echo "conformance: 0 passed, 1 failed"
        exit 1
    fi
    echo "WARNING: conformance: $dir not found: the contract's traces did NOT run (CI=1 makes this fail)" >&2
    exit 0
fi
TRACES_LABEL="conformance${prefix:+ ($(basename "$dir") $prefix)}" TRACES_PREFIX=$prefix \
    exec sh "$(dirname "$0")/run_traces.sh" "$vm" "$dir"
