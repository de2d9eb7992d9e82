/* runner.h -- running a whole trace: the one run loop of the project.
 *
 * parser -> engine, line by line, with the directives (program, expect,
 * show, mark), --check after every event, and the summary at the end. The
 * machine is made after the trace's `options` lines (options.h), from them
 * and the caller's machine options over them (run_opts.machine). What
 * happens on the way goes to observers (observe.h): -v (explain.h),
 * --timeline (timeline.h), and any the caller adds (the quiz's survey, the
 * grader, the HTML view). Without -v, a skipped event, an OOM kill and a
 * segv each make one warning line.
 *
 * Messages name the trace and line: "FILE:LINE: error: ...",
 * "FILE:LINE: expectation failed: ... (actual X)", "FILE:LINE: warning: ...".
 * After an error nothing more is written to the output and no summary. A
 * run that stops with an error removes its timeline.
 */
#ifndef VMSIM_RUNNER_H
#define VMSIM_RUNNER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vmsim/machine.h"
#include "vmsim/observe.h"
#include "vmsim/stats.h"

/* every warning is printed unless --max-warnings caps them (the contract
 * gives each skipped event its warning) */
#define RUN_DEFAULT_MAX_WARNINGS UINT_MAX

struct vm_options;

struct run_opts {
    /* the machine, and the run's limits (cfg.lim). With machine set, the
     * machine is made from the trace's `options` lines and machine's
     * options over them (vm_options_resolve; cfg.lim is kept, the rest of
     * cfg only serves a run that stops before: an error in those lines);
     * max_frames (0: any) refuses a larger one. With machine NULL, cfg is
     * the machine: the trace's options lines are checked but change nothing
     * (a grader's test fixes its machine whatever the submission says). */
    struct vm_config cfg;
    const struct vm_options *machine;
    uint64_t max_frames;
    const char *trace;    /* a path, or "-" */
    const char *mem;      /* the trace itself, if not NULL (trace names it) */
    size_t mem_len;
    enum out_format format;
    const char *out_path; /* the summary goes here (NULL: out) */
    bool summary;         /* write the summary at the end */
    bool verbose;         /* -v: one line per event */
    bool check;           /* --check after every event */
    size_t max_line;      /* 0: the parser's default */
    const char *timeline; /* --timeline: a CSV row per event to this file ("-": out) */
    uint64_t every;       /* --every: only every N-th event's row (0 or 1: all) */
    unsigned max_warnings;
    FILE *out, *err; /* NULL: nothing is written there (no show, no -v, no summary; no messages) */
    /* more observers of the run, told after the runner's own */
    const struct vm_observer *observers;
    unsigned nobservers;
    /* reading ahead: a thread that reads and parses the trace while the run
     * goes on (trace_read_ahead: a file or standard input, not opt, with at
     * least two processors online), and each access's memory prefetched a
     * few lines before it runs (engine.h). AUTO prefetches while the model
     * is larger than the host's caches (vm_prefetch_pays); ALWAYS does both
     * whatever the machine; NEVER neither. The result of a run is the same
     * in all three; tests run both ways and compare. */
    enum run_lookahead { LOOKAHEAD_AUTO, LOOKAHEAD_ALWAYS, LOOKAHEAD_NEVER } lookahead;
};

/* run_opts_default: x86_64 defaults, text summary to stdout. */
void run_opts_default(struct run_opts *o);

/* vmsim_run: runs the trace. Returns the exit status: 0, 1 (an expectation
 * failed) or 2 (an error). If vm_out is not NULL the machine is handed back
 * (the caller frees it), even after an error, without observers: those of
 * the run (-v, --timeline, the warnings, o->observers) see no more. */
int vmsim_run(const struct run_opts *o, struct vm **vm_out);

#endif
