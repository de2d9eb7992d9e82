# hardening.mk -- fuzzing and memory checking, included at the end of the
# Makefile (it uses its WARN and builds through it).
#
#   make fuzz [FUZZ_SECONDS=60]  builds build/fuzz/fuzz_trace (libFuzzer, ASan,
#                                UBSan) and fuzzes for that long over the seed
#                                corpus; new crashes land in tests/fuzz/crashes/
#   make fuzz-import [FUZZ_SECONDS=60]
#                                the same for build/fuzz/fuzz_import, the
#                                importers' harness (records of strace and lackey)
#   make fuzz-regress            runs every file of tests/fuzz/crashes/ and every
#                                seed through its harness once (what CI runs)
#   make memcheck                the trace suite, the conformance traces and the
#                                unit tests under valgrind, on the debug build
#
# FUZZ_CC (clang) builds the harness and its own copy of the library in
# build/fuzz; missing packages (clang, libclang-rt-14-dev, valgrind) are
# installed when make runs as root. scripts/fuzz.sh and scripts/memcheck.sh
# do the work and say more.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_O := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
# the library's warnings under clang are shown but never fatal here: the gcc
# builds are the ones that hold it to WERROR
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -MMD -MP \
	-O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_LIB_SRCS := $(LIB_SRCS)
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:sim/%.c=$(FUZZ_O)/sim/%.o)
FUZZ_BIN := $(FUZZ_O)/fuzz_trace
FUZZ_IMPORT_BIN := $(FUZZ_O)/fuzz_import

.PHONY: fuzz fuzz-import fuzz-regress fuzz-deps memcheck

fuzz-deps:
	@sh scripts/fuzz.sh deps

# the library is instrumented for coverage (fuzzer-no-link); only the harness
# links libFuzzer's main
$(FUZZ_O)/sim/%.o: sim/%.c | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter-out -Werror,$(WARN)) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_O)/fuzz_%.o: tests/fuzz/fuzz_%.c | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(WARN) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_O)/fuzz_%: $(FUZZ_O)/fuzz_%.o $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ -lm

fuzz: $(FUZZ_BIN)
	@sh scripts/fuzz.sh run $(FUZZ_BIN) $(FUZZ_SECONDS)

fuzz-import: $(FUZZ_IMPORT_BIN)
	@sh scripts/fuzz.sh run-import $(FUZZ_IMPORT_BIN) $(FUZZ_SECONDS)

fuzz-regress: $(FUZZ_BIN) $(FUZZ_IMPORT_BIN)
	@sh scripts/fuzz.sh regress $(FUZZ_BIN)
	@sh scripts/fuzz.sh regress-import $(FUZZ_IMPORT_BIN)

MEMCHECK_UNIT := $(patsubst tests/unit/%.c,build/debug/tests/%,$(wildcard tests/unit/test_*.c))

memcheck:
	@sh scripts/memcheck.sh deps
	@$(MAKE) --no-print-directory BUILD=debug build/debug/vmsim $(MEMCHECK_UNIT)
	@sh scripts/memcheck.sh build/debug

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_O)/fuzz_trace.d $(FUZZ_O)/fuzz_import.d
