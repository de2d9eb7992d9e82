# vmsim -- build, test, bench, install.
#
#   make              release build: build/release/vmsim and libvmsim.a
#   make demo         install missing packages (when root), build, run a bundled trace
#   make test         unit tests, trace suite, conformance, docs examples: release and asan
#   make mutants      the suite must fail on a stub vmsim and on each mutant (CI runs it)
#   make kernel-check the simulator against the Linux kernel it runs on (docs/linux.md)
#   make bench        performance figures
#   make traces-real  record the real programs of traces/real again (valgrind, strace)
#   make install PREFIX=/usr/local
#
# BUILD=release|debug|asan|mutant-N picks the build folder build/$(BUILD);
# WERROR=1 turns warnings into errors (CI sets it).

BUILD ?= release
# the test-only defects VM_MUTANT(n) (include/vmsim/util.h, docs/testing.md)
MUTANTS := 1 2 3 4 5
O := build/$(BUILD)
PREFIX ?= /usr/local
CC ?= cc

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(WERROR),1)
WARN += -Werror
endif
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -Iinclude -MMD -MP -pthread
ifeq ($(BUILD),release)
MODE_CFLAGS := -O2 -g
else ifeq ($(BUILD),debug)
MODE_CFLAGS := -O0 -g
else ifeq ($(BUILD),asan)
MODE_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
MODE_LDFLAGS := -fsanitize=address,undefined
else ifneq ($(filter $(MUTANTS:%=mutant-%),$(BUILD)),)
# a release build with one known defect (VM_MUTANT in util.h): the suite
# must fail on it (scripts/mutants.sh, docs/testing.md)
MODE_CFLAGS := -O2 -g -DVMSIM_MUTANT=$(patsubst mutant-%,%,$(BUILD))
else
$(error BUILD must be release, debug, asan or mutant-N (N in $(MUTANTS)))
endif
ALL_CFLAGS := $(BASE_CFLAGS) $(MODE_CFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(MODE_LDFLAGS) $(LDFLAGS)
LDLIBS_M := -lm -pthread

# The library is the folders of the model and what surrounds it; the
# command line is sim/cli alone (see docs/architecture.md):
#   sim/base    numbers, asserts, allocation
#   sim/model   the simulated machine: frames, page tables, reverse map,
#               VMAs, page cache, address spaces, processes, faults,
#               pressure, the machine and its engine
#   sim/io      the trace parser, the run loop and its observers (-v,
#               timeline), the summary, views, queries, --check, cost
#   sim/teach   generators, quizzes, the grader
#   sim/import  records of real programs (valgrind lackey, strace) as traces
#   sim/cli     the vmsim command (main and one file per subcommand)
LIB_DIRS := sim/base sim/model sim/io sim/teach sim/import
CLI_DIR := sim/cli
LIB_SRCS := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
CLI_SRCS := $(wildcard $(CLI_DIR)/*.c)
LIB_OBJS := $(LIB_SRCS:sim/%.c=$(O)/sim/%.o)
CLI_OBJS := $(CLI_SRCS:sim/%.c=$(O)/sim/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(O)/tools/%)

LIB := $(O)/libvmsim.a
BIN := $(O)/vmsim

.PHONY: all lib demo test test-long check check-build mutants bench install uninstall \
	clean deps traces-real kernel-check
all: $(BIN)
lib: $(LIB)

$(O)/sim/%.o: sim/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LDLIBS_M)

$(O)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) -lcmocka $(LDLIBS_M)

$(O)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_M)

# ---- packages -----------------------------------------------------------
PKGS := gcc libc6-dev make uthash-dev libcmocka-dev gnuplot-nox groff-base man-db
deps:
	@sh scripts/deps.sh $(PKGS)

# ---- demo -----------------------------------------------------------------
demo: deps
	@$(MAKE) --no-print-directory BUILD=release all
	./build/release/vmsim run traces/demo.trace

# ---- tests ----------------------------------------------------------------
# check: everything for one build; test: the release and the asan builds.
check-build: $(BIN) $(UNIT_BINS) $(TOOL_BINS)
check: check-build
	@sh tests/run_unit.sh $(UNIT_BINS)
	@sh tests/run_traces.sh $(BIN) tests/traces tests/errors traces traces/workloads
	@sh tests/run_conformance.sh $(BIN)
	@sh tests/run_conformance.sh $(BIN) ../shared/conformance-v2 s10_
	@sh tests/run_conformance.sh $(BIN) ../shared/conformance-v2 s13_
	@sh tests/run_conformance.sh $(BIN) ../shared/conformance-v2 s11_
	@sh tests/run_golden.sh $(BIN)
	@sh tests/run_docs.sh $(BIN)
	@sh tests/cli.sh $(BIN)
	@sh tests/install.sh $(BUILD)
	@sh tests/cost.sh $(BIN)
	@sh tests/grade.sh $(BIN)
	@sh tests/ostep.sh $(BIN)
	@sh tests/hostile.sh $(BIN)
	@sh tests/import.sh $(BIN)
	@sh tests/differential.sh $(BIN) $(O)/tools/tracegen $(DIFF_SEEDS)
	@sh tests/policy_diff.sh $(BIN) $(POLICY_STRINGS)
	@sh tests/tlb_diff.sh $(BIN) $(MODEL_TRACES)
	@sh tests/proc_diff.sh $(BIN) $$(($(MODEL_TRACES) * 3))
	@sh tests/gen.sh $(BIN) $(GEN_SEEDS)
	@sh tests/html.sh $(BIN) $(O)/tools/htmlsnap

test: deps
	@$(MAKE) --no-print-directory BUILD=release check
	@$(MAKE) --no-print-directory BUILD=asan check

# mutants: the suite against a vmsim that only exits 0 and against each
# mutant build (release suite, no sanitizers): every one must make it fail
mutants:
	@MUTANTS='$(MUTANTS)' WERROR='$(WERROR)' sh scripts/mutants.sh

# test-long: the long runs of the randomized layers (minutes)
ifeq ($(BUILD),asan)
DIFF_SEEDS ?= 8
GEN_SEEDS ?= 4
POLICY_STRINGS ?= 50
MODEL_TRACES ?= 50
else
DIFF_SEEDS ?= 20
GEN_SEEDS ?= 20
POLICY_STRINGS ?= 150
MODEL_TRACES ?= 150
endif
test-long: $(BIN) $(O)/tools/tracegen
	@sh tests/differential.sh $(BIN) $(O)/tools/tracegen 2000
	@sh tests/policy_diff.sh $(BIN) 5000
	@sh tests/tlb_diff.sh $(BIN) 3000
	@sh tests/proc_diff.sh $(BIN) 9000
	@sh tests/gen.sh $(BIN) 834

# kernel-check: small C programs do each scenario on real memory and read
# the kernel's figures; vmsim --linux runs the same scenario as a trace; a
# table says where they agree (fails when they do not; skips off Linux)
kernel-check: $(BIN)
	@CC='$(CC)' sh tests/kernel-check.sh $(BIN) $(O)/kernel

# ---- bench ----------------------------------------------------------------
bench:
	@$(MAKE) --no-print-directory BUILD=release all build/release/tools/bench
	@sh scripts/bench.sh build/release

# ---- real records -----------------------------------------------------------
# traces-real: record the programs of traces/real/src again (valgrind, strace)
traces-real: $(BIN)
	@sh scripts/record-real.sh $(BIN)

# ---- install --------------------------------------------------------------
MANDIR ?= $(PREFIX)/share/man
install: $(BIN) $(LIB)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/vmsim \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/vmsim
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libvmsim.a
	install -m 644 include/vmsim/*.h $(DESTDIR)$(PREFIX)/include/vmsim/
	install -m 644 man/vmsim.1 $(DESTDIR)$(MANDIR)/man1/vmsim.1
	install -m 644 man/vmsim-trace.5 $(DESTDIR)$(MANDIR)/man5/vmsim-trace.5

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vmsim $(DESTDIR)$(PREFIX)/lib/libvmsim.a
	rm -rf $(DESTDIR)$(PREFIX)/include/vmsim
	rm -f $(DESTDIR)$(MANDIR)/man1/vmsim.1 $(DESTDIR)$(MANDIR)/man5/vmsim-trace.5

clean:
	rm -rf build

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_BINS:=.d) $(TOOL_BINS:=.d)
include mk/hardening.mk
include mk/plots.mk
include mk/lint.mk
include mk/html.mk
