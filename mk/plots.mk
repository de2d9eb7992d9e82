# plots.mk -- `make plots`: the sweeps and the figures of plots/ (see plots/README.md).
#
#   make plots           builds the release binary if needed, runs every sweep (one rule
#                        per data file, so `make -j` runs them in parallel) and renders each
#                        figure as PNG (pngcairo) and SVG into plots/out/
#   make plots-clean     removes plots/out/ and build/plots/
#
# Data: plots/out/data/*.csv (what the figures show, in vmsim's CSV); the workload traces
# and the points of the sweeps: build/plots/. Needs gnuplot (gnuplot-nox).
# Included by the top Makefile; `make -f Makefile -f mk/plots.mk plots` works as well.

# keep the including Makefile's default goal
PLOTS_SAVED_GOAL := $(.DEFAULT_GOAL)

PLOTS_VMSIM := build/release/vmsim
PLOTS_OUT := plots/out
PLOTS_DATA := $(PLOTS_OUT)/data
PLOTS_TMP := build/plots
PLOTS_GNUPLOT ?= gnuplot
PLOTS_SCRIPTS := plots/sweep.sh plots/traces.sh plots/table.sh

PLOTS_REAL := matmul listwalk
PLOTS_FIGS := frames-prefork frames-snapshot fork-latency child-writes pt-sparsity fault-classes \
	$(PLOTS_REAL:%=working-set-%) replacement-hitrate swap-traffic tlb-hitrate tlb-pingpong
PLOTS_FIGS += $(PLOTS_REAL:%=replacement-hitrate-%)
PLOTS_FILES := $(foreach f,$(PLOTS_FIGS),$(PLOTS_OUT)/$(f).png $(PLOTS_OUT)/$(f).svg) \
	$(PLOTS_REAL:%=$(PLOTS_OUT)/replacement-table-%.txt)

.PHONY: plots plots-figures plots-clean

# the binary first (through the top Makefile), then the sweeps and figures
plots:
	@command -v $(PLOTS_GNUPLOT) >/dev/null 2>&1 || { \
	  echo "plots: gnuplot not found: install gnuplot-nox (make deps does)" >&2; exit 1; }
	@$(MAKE) --no-print-directory -f Makefile BUILD=release all
	@$(MAKE) --no-print-directory -f mk/plots.mk plots-figures
	@echo "plots: $(words $(PLOTS_FILES)) figures in $(PLOTS_OUT)/, their data in $(PLOTS_DATA)/"

plots-figures: $(PLOTS_FILES)

plots-clean:
	rm -rf $(PLOTS_OUT) $(PLOTS_TMP)

# ---- workload traces: vmsim gen ----------------------------------------------------------
# prefork and snapshot serve figure (a) and (e); the others (e). The machine is large
# enough that no run, in any fork mode, runs out (--frames, written to the trace's
# `options` line); cowtest keeps the memory it is sized on.
PLOTS_GEN_prefork := --profile prefork --workers 4 --size 32M --write 0.05 --rounds 8
PLOTS_GEN_snapshot := --profile snapshot --size 64M --write 0.25 --steps 32
PLOTS_GEN_shell := --profile shell --commands 16
PLOTS_GEN_zygote := --profile zygote
PLOTS_GEN_build := --profile build
PLOTS_GEN_cowtest-simple := --profile cowtest --variant simple
PLOTS_GEN_cowtest-three := --profile cowtest --variant three
PLOTS_FRAMES_prefork := --frames 262144
PLOTS_FRAMES_snapshot := --frames 262144
PLOTS_WORKLOADS := shell prefork snapshot zygote build cowtest-simple cowtest-three

$(PLOTS_TMP)/traces/%.trace: $(PLOTS_VMSIM) mk/plots.mk
	@mkdir -p $(dir $@)
	$(PLOTS_VMSIM) gen $(PLOTS_GEN_$*) $(PLOTS_FRAMES_$*) -o $@.tmp && mv $@.tmp $@

# ---- (a) frames in use over time, per fork mode ------------------------------------------
PLOTS_MODES := cow copy sharept
define PLOTS_TIMELINE_RULE
$(PLOTS_DATA)/frames-$(1)-$(2).csv: $(PLOTS_TMP)/traces/$(1).trace $(PLOTS_VMSIM) $(PLOTS_SCRIPTS)
	@mkdir -p $$(dir $$@)
	VMSIM=$(PLOTS_VMSIM) sh plots/sweep.sh timeline $$< $(2) >$$@.tmp && mv $$@.tmp $$@
endef
$(foreach w,prefork snapshot,$(foreach m,$(PLOTS_MODES),$(eval $(call PLOTS_TIMELINE_RULE,$(w),$(m)))))

# ---- (b) fork latency against the parent's size: 1 MiB .. 4 GiB ---------------------------
PLOTS_FORK_MIB := 1 2 4 8 16 32 64 128 256 512 1024 2048 4096
$(PLOTS_TMP)/forklat/%.csv: $(PLOTS_VMSIM) $(PLOTS_SCRIPTS)
	@mkdir -p $(dir $@)
	VMSIM=$(PLOTS_VMSIM) sh plots/sweep.sh forklat $* >$@.tmp && mv $@.tmp $@

# ---- (c) the fraction of its pages the child writes: 0 .. 1 -------------------------------
PLOTS_FRACTIONS := 0 0.05 0.1 0.15 0.2 0.25 0.3 0.35 0.4 0.45 0.5 0.55 0.6 0.65 0.7 0.75 0.8 \
	0.85 0.9 0.95 1
$(PLOTS_TMP)/childwrites/%.csv: $(PLOTS_VMSIM) $(PLOTS_SCRIPTS)
	@mkdir -p $(dir $@)
	VMSIM=$(PLOTS_VMSIM) sh plots/sweep.sh childwrites $* >$@.tmp && mv $@.tmp $@

# ---- (d) page-table pages against sparsity: 256 pages, 1 .. 2^k pages apart -------------
# the largest distance that keeps 256 pages in the user half: 2^27 pages on x86_64 (128 TiB),
# 2^18 on sv39 (256 GiB), 2^11 on i386 (2 GiB)
PLOTS_POW2 := 1 2 4 8 16 32 64 128 256 512 1024 2048 4096 8192 16384 32768 65536 131072 \
	262144 524288 1048576 2097152 4194304 8388608 16777216 33554432 67108864 134217728
PLOTS_SPARSE := $(foreach s,$(wordlist 1,28,$(PLOTS_POW2)),x86_64-$(s)) \
	$(foreach s,$(wordlist 1,19,$(PLOTS_POW2)),sv39-$(s)) \
	$(foreach s,$(wordlist 1,12,$(PLOTS_POW2)),i386-$(s))
$(PLOTS_TMP)/sparsity/%.csv: $(PLOTS_VMSIM) $(PLOTS_SCRIPTS)
	@mkdir -p $(dir $@)
	VMSIM=$(PLOTS_VMSIM) sh plots/sweep.sh sparsity $(subst -, ,$*) >$@.tmp && mv $@.tmp $@

# ---- (e) fault classes per workload ------------------------------------------------------
$(PLOTS_TMP)/faults/%.csv: $(PLOTS_TMP)/traces/%.trace $(PLOTS_VMSIM) $(PLOTS_SCRIPTS)
	@mkdir -p $(dir $@)
	VMSIM=$(PLOTS_VMSIM) sh plots/sweep.sh faults "$(subst -, ,$*)" $< --linux >$@.tmp && mv $@.tmp $@

# ---- (f) distinct pages touched over time, for each real lackey record ----------------------
# the timeline of the imported record, a row every PLOTS_EVERY_NAME accesses
PLOTS_EVERY_matmul := 1000
PLOTS_EVERY_listwalk := 100
$(PLOTS_DATA)/working-set-%.csv: traces/real/%.lackey.gz $(PLOTS_VMSIM) mk/plots.mk
	@mkdir -p $(dir $@)
	gzip -dc $< | $(PLOTS_VMSIM) import lackey | \
	  $(PLOTS_VMSIM) run -q --timeline $@.tmp --every $(PLOTS_EVERY_$*) - && mv $@.tmp $@

# ---- (g) hit rate against frames, per replacement policy, for two bundled traces ---------
# Belady's string (FIFO's anomaly at 3 and 4 frames) and a string with locality; each trace is
# run with the --swap of its `options` line, every policy and every number of frames listed
PLOTS_HITRATE := belady refstring
PLOTS_HITRATE_TRACE_belady := traces/belady.trace
PLOTS_HITRATE_FRAMES_belady := 1-7
PLOTS_HITRATE_TRACE_refstring := traces/workloads/refstring.trace
PLOTS_HITRATE_FRAMES_refstring := 1-32
define PLOTS_HITRATE_RULE
$(PLOTS_DATA)/hitrate-$(1).csv: $(PLOTS_HITRATE_TRACE_$(1)) $(PLOTS_VMSIM) $(PLOTS_SCRIPTS)
	@mkdir -p $$(dir $$@)
	VMSIM=$(PLOTS_VMSIM) sh plots/sweep.sh hitrate $(PLOTS_HITRATE_TRACE_$(1)) $(PLOTS_HITRATE_FRAMES_$(1)) \
	  >$$@.tmp && mv $$@.tmp $$@
endef
$(foreach t,$(PLOTS_HITRATE),$(eval $(call PLOTS_HITRATE_RULE,$(t))))
plots_comma := ,
PLOTS_HITRATE_TITLES := the string 1$(plots_comma)2$(plots_comma)3$(plots_comma)4$(plots_comma)1$(plots_comma)2$(plots_comma)5$(plots_comma)1$(plots_comma)2$(plots_comma)3$(plots_comma)4$(plots_comma)5 (traces/belady.trace)|1000 reads of 32 pages with locality (traces/workloads/refstring.trace)

# ---- (g2) the same for each real lackey record, with the handout's table -------------------
# the imported record, given 64 MiB of swap; frames from 2 to the pages it touches and beyond
PLOTS_REAL_FRAMES_matmul := 1,2,3,4,5,6,7,8,9,10,11,12,13,14,16,20,24,32
PLOTS_REAL_FRAMES_listwalk := 2,4,6,8,10,12,16,20,24,32,40,48,56,64,72,80,96,112,128,144
$(PLOTS_TMP)/real/%.trace: traces/real/%.lackey.gz $(PLOTS_VMSIM) mk/plots.mk
	@mkdir -p $(dir $@)
	{ echo 'options --swap 64M'; gzip -dc $< | $(PLOTS_VMSIM) import lackey; } >$@.tmp && mv $@.tmp $@
$(PLOTS_DATA)/hitrate-real-%.csv: $(PLOTS_TMP)/real/%.trace $(PLOTS_VMSIM) $(PLOTS_SCRIPTS)
	@mkdir -p $(dir $@)
	VMSIM=$(PLOTS_VMSIM) sh plots/sweep.sh hitrate $< $(PLOTS_REAL_FRAMES_$*) >$@.tmp && mv $@.tmp $@
# the table course handouts give: hits, misses, clean and dirty evictions, hit rate
$(PLOTS_OUT)/replacement-table-%.txt: $(PLOTS_DATA)/hitrate-real-%.csv plots/table.sh
	sh plots/table.sh $< >$@.tmp && mv $@.tmp $@

# ---- (h) swap traffic over a run, per replacement policy: a server that forks under pressure
# traces/workloads/swap.trace (vmsim gen --profile swap --workers 4 --rounds 8), run on the
# machine of its options line (--arch tiny --frames 16 --swap 50p) under each policy; clock is
# the default policy
PLOTS_SWAP_TRACE := traces/workloads/swap.trace
PLOTS_POLICIES := clock fifo lru opt random
$(PLOTS_DATA)/swap-traffic-%.csv: $(PLOTS_SWAP_TRACE) $(PLOTS_VMSIM) $(PLOTS_SCRIPTS)
	@mkdir -p $(dir $@)
	VMSIM=$(PLOTS_VMSIM) sh plots/sweep.sh policy-timeline $< $* >$@.tmp && mv $@.tmp $@

# ---- (i) TLB hit rate against the pages a loop touches, per TLB: OSTEP's staircase --------
# vmsim gen --profile tlb --turns 0 --pages N --trials 10 on each TLB (ENTRIES/WAYS), the hits
# and misses of the trials after the first
PLOTS_TLB_PAGES := 1 2 3 4 6 8 12 16 17 20 24 32 48 64 68 72 80 96 128 192 256 384 512 544 576 640 \
	768 1024
PLOTS_TLB_TRIALS := 10
PLOTS_TLB_SIZES := 16/16 64/4 512/8
$(PLOTS_TMP)/tlb/%.csv: $(PLOTS_VMSIM) $(PLOTS_SCRIPTS) mk/plots.mk
	@mkdir -p $(dir $@)
	VMSIM=$(PLOTS_VMSIM) sh plots/sweep.sh tlb $* $(PLOTS_TLB_TRIALS) $(PLOTS_TLB_SIZES) >$@.tmp && mv $@.tmp $@

# ---- (j) the TLB work of a ping-pong of two processes, with and without --asid ------------
# vmsim gen --profile tlb --pages 0 --turns 32 --turn-pages N on a TLB of 64 entries, without
# --asid, with it, and with it and 4 ways
PLOTS_PINGPONG_PAGES := 1 2 4 8 12 16 24 28 32 33 36 40 48 64 96 128
PLOTS_PINGPONG_TURNS := 32
PLOTS_PINGPONG_TLBS := 64/64 64/64/asid 64/4/asid
$(PLOTS_TMP)/pingpong/%.csv: $(PLOTS_VMSIM) $(PLOTS_SCRIPTS) mk/plots.mk
	@mkdir -p $(dir $@)
	VMSIM=$(PLOTS_VMSIM) sh plots/sweep.sh pingpong $* $(PLOTS_PINGPONG_TURNS) $(PLOTS_PINGPONG_TLBS) \
	  >$@.tmp && mv $@.tmp $@

# ---- the data files: the points of a sweep under one header, in order ---------------------
plots_join = mkdir -p $(dir $@) && awk 'FNR == 1 && NR != 1 { next } { print }' $(1) >$@.tmp && mv $@.tmp $@

$(PLOTS_DATA)/fork-latency.csv: $(PLOTS_FORK_MIB:%=$(PLOTS_TMP)/forklat/%.csv)
	@$(call plots_join,$^)
$(PLOTS_DATA)/child-writes.csv: $(PLOTS_FRACTIONS:%=$(PLOTS_TMP)/childwrites/%.csv)
	@$(call plots_join,$^)
$(PLOTS_DATA)/pt-sparsity.csv: $(PLOTS_SPARSE:%=$(PLOTS_TMP)/sparsity/%.csv)
	@$(call plots_join,$^)
$(PLOTS_DATA)/fault-classes.csv: $(PLOTS_WORKLOADS:%=$(PLOTS_TMP)/faults/%.csv)
	@$(call plots_join,$^)
$(PLOTS_DATA)/tlb-hitrate.csv: $(PLOTS_TLB_PAGES:%=$(PLOTS_TMP)/tlb/%.csv)
	@$(call plots_join,$^)
$(PLOTS_DATA)/tlb-pingpong.csv: $(PLOTS_PINGPONG_PAGES:%=$(PLOTS_TMP)/pingpong/%.csv)
	@$(call plots_join,$^)

# ---- figures: each as PNG and SVG -----------------------------------------------------------
# plots_gp SCRIPT, VARIABLES: runs a gnuplot script into $@ (through a temporary file)
plots_gp = $(PLOTS_GNUPLOT) -e "$(2); outfile='$@.tmp'; term='$(if $(filter %.svg,$@),svg,pngcairo)'" \
	$(1) && mv $@.tmp $@

define PLOTS_FRAMES_RULE
$(PLOTS_OUT)/frames-$(1).$(2): plots/frames.gp $(PLOTS_MODES:%=$(PLOTS_DATA)/frames-$(1)-%.csv)
	$$(call plots_gp,plots/frames.gp,infile='$(PLOTS_MODES:%=$(PLOTS_DATA)/frames-$(1)-%.csv)'; \
	  titles='$(PLOTS_MODES)'; name='$(1) (vmsim gen $(PLOTS_GEN_$(1)))')
endef
define PLOTS_FIGURE_RULES
$(PLOTS_OUT)/fork-latency.$(1): plots/fork-latency.gp $(PLOTS_DATA)/fork-latency.csv
	$$(call plots_gp,plots/fork-latency.gp,infile='$(PLOTS_DATA)/fork-latency.csv')
$(PLOTS_OUT)/child-writes.$(1): plots/child-writes.gp $(PLOTS_DATA)/child-writes.csv
	$$(call plots_gp,plots/child-writes.gp,infile='$(PLOTS_DATA)/child-writes.csv')
$(PLOTS_OUT)/pt-sparsity.$(1): plots/pt-sparsity.gp $(PLOTS_DATA)/pt-sparsity.csv
	$$(call plots_gp,plots/pt-sparsity.gp,infile='$(PLOTS_DATA)/pt-sparsity.csv')
$(PLOTS_OUT)/fault-classes.$(1): plots/fault-classes.gp $(PLOTS_DATA)/fault-classes.csv
	$$(call plots_gp,plots/fault-classes.gp,infile='$(PLOTS_DATA)/fault-classes.csv'; \
	  subtitle='vmsim gen workloads (seed 1) run with --fork cow --linux (zero page and lazy fork on)')
$(PLOTS_OUT)/replacement-hitrate.$(1): plots/hitrate.gp $(PLOTS_HITRATE:%=$(PLOTS_DATA)/hitrate-%.csv)
	$$(call plots_gp,plots/hitrate.gp,infile='$(PLOTS_HITRATE:%=$(PLOTS_DATA)/hitrate-%.csv)'; \
	  titles='$$(PLOTS_HITRATE_TITLES)')
$(PLOTS_OUT)/swap-traffic.$(1): plots/swap-traffic.gp $(PLOTS_POLICIES:%=$(PLOTS_DATA)/swap-traffic-%.csv)
	$$(call plots_gp,plots/swap-traffic.gp,infile='$(PLOTS_POLICIES:%=$(PLOTS_DATA)/swap-traffic-%.csv)'; \
	  name='$(PLOTS_SWAP_TRACE) with --arch tiny --frames 16 --swap 50p')
$(PLOTS_OUT)/tlb-hitrate.$(1): plots/tlb-hitrate.gp $(PLOTS_DATA)/tlb-hitrate.csv
	$$(call plots_gp,plots/tlb-hitrate.gp,infile='$(PLOTS_DATA)/tlb-hitrate.csv'; tlbs='$(PLOTS_TLB_SIZES)'; \
	  trials=$(PLOTS_TLB_TRIALS))
$(PLOTS_OUT)/tlb-pingpong.$(1): plots/tlb-pingpong.gp $(PLOTS_DATA)/tlb-pingpong.csv
	$$(call plots_gp,plots/tlb-pingpong.gp,infile='$(PLOTS_DATA)/tlb-pingpong.csv'; tlbs='$(PLOTS_PINGPONG_TLBS)'; \
	  turns=$(PLOTS_PINGPONG_TURNS))
endef
define PLOTS_REAL_HITRATE_RULE
$(PLOTS_OUT)/replacement-hitrate-$(1).$(2): plots/hitrate.gp $(PLOTS_DATA)/hitrate-real-$(1).csv
	$$(call plots_gp,plots/hitrate.gp,infile='$(PLOTS_DATA)/hitrate-real-$(1).csv'; \
	  titles='$(1): its valgrind lackey record (traces/real/$(1).lackey.gz) with --swap 64M'; ymin=60)
endef
define PLOTS_WORKING_SET_RULE
$(PLOTS_OUT)/working-set-$(1).$(2): plots/working-set.gp $(PLOTS_DATA)/working-set-$(1).csv
	$$(call plots_gp,plots/working-set.gp,infile='$(PLOTS_DATA)/working-set-$(1).csv'; \
	  name='$(1) (traces/real/$(1).lackey.gz)')
endef
$(foreach e,png svg,$(foreach w,prefork snapshot,$(eval $(call PLOTS_FRAMES_RULE,$(w),$(e)))))
$(foreach e,png svg,$(foreach r,$(PLOTS_REAL),$(eval $(call PLOTS_WORKING_SET_RULE,$(r),$(e)))))
$(foreach e,png svg,$(foreach r,$(PLOTS_REAL),$(eval $(call PLOTS_REAL_HITRATE_RULE,$(r),$(e)))))
$(foreach e,png svg,$(eval $(call PLOTS_FIGURE_RULES,$(e))))

# the traces are kept: they are what the figures were made from
.SECONDARY: $(PLOTS_WORKLOADS:%=$(PLOTS_TMP)/traces/%.trace) $(PLOTS_REAL:%=$(PLOTS_TMP)/real/%.trace)

.DEFAULT_GOAL := $(PLOTS_SAVED_GOAL)
