# lint.mk -- static analysis, included at the end of the Makefile (it uses
# its WARN).
#
#   make lint        clang-tidy (.clang-tidy) and cppcheck (with the uthash
#                    config tests/lint/uthash.cfg) over sim/ and tests/;
#                    fails on any finding. Installs clang-tidy and cppcheck
#                    when missing and make runs as root.
#   make lint-deps   only the packages
#
# clang-tidy compiles with the release build's language flags and warnings
# (no -Werror: every warning is a finding anyway, no -MMD: nothing is
# written). LINT_JOBS=N checks N files at once (default: the CPUs).
# scripts/lint.sh does the work and says more.

LINT_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(filter-out -Werror,$(WARN)) -Iinclude

.PHONY: lint lint-deps

lint:
	@LINT_CFLAGS='$(LINT_CFLAGS)' sh scripts/lint.sh

lint-deps:
	@sh scripts/lint.sh deps
