/* timeline.h -- --timeline: a CSV row of the running counters after each
 * event (or every N-th), for plots.
 *
 *   event,line,op,pid,frames_used,anon,cache,pt_pages,faults,demand_zero,
 *   cow_copy,cow_reuse,pages_copied,ptes_copied,live,cost_ns,killed_oom,
 *   skipped,frames_total,evictions,swap_reads,swap_writes,swap_used,
 *   tlb_hits,tlb_misses,tlb_invalidations,tlb_flushes,mark
 *
 * `event` counts event lines (skipped ones too), `line` is the trace line,
 * cost_ns the simulated time so far, killed_oom and skipped the running
 * counts of OOM kills and skipped events, frames_total the machine's memory
 * (its limit, in frames), the tlb_ columns the TLB's running counts (0
 * without --tlb), and mark the label of the last `mark` line. It is
 * an observer of the run (observe.h): it reads the counters at the end of
 * each event, it never changes them.
 */
#ifndef VMSIM_TIMELINE_H
#define VMSIM_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include "vmsim/observe.h"

struct timeline {
    FILE *out;
    uint64_t every;  /* a row every N events (0, 1: all) */
    char mark[128];  /* the label of the last mark line */
};

/* timeline_start: writes the header to out; timeline_observer fills the
 * observer that writes the rows. */
void timeline_start(struct timeline *t, FILE *out, uint64_t every);
void timeline_observer(struct timeline *t, struct vm_observer *o);

#endif
