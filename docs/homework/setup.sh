#!/bin/sh
# setup.sh -- Gradescope runs this once, as root, when it builds the
# autograder image. The autograder zip holds this file, run_autograder,
# tests.vmt and the vmsim sources in a folder vmsim/ (see docs/grade.md);
# Gradescope unpacks it in /autograder/source.
set -eu
apt-get update
apt-get install -y --no-install-recommends gcc make libc6-dev uthash-dev
cd /autograder/source/vmsim
make
install -m 755 build/release/vmsim /usr/local/bin/vmsim
vmsim --version
