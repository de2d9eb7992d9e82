/* explain.h -- -v: what each event did, in words, from its facts.
 *
 * An observer (observe.h) that turns the facts of one event line into one
 * sentence: which page faulted and how, which frame was copied or reused
 * and what its refcount became, which process was created, reparented or
 * reaped, what the OOM killer took and why. A touch gets one sentence for
 * all its pages (counts by fault class). Reclaim and OOM kills are said
 * last. A skipped event says why it was skipped. With a TLB, the line ends
 * with what the TLB did: a context switch, a hit or a miss (and its walk;
 * counts for a touch), the entries the event invalidated or flushed.
 *
 * The sentence starts with ": " and follows the event's own text; the sink
 * decides where it goes (vmsim run -v prints "LINE  EVENT: ..." lines).
 */
#ifndef VMSIM_EXPLAIN_H
#define VMSIM_EXPLAIN_H

#include <stdio.h>

#include <utstring.h>

#include "vmsim/event.h"
#include "vmsim/observe.h"

/* explain_sink: called once per event line with its explanation */
typedef void (*explain_sink)(void *ctx, const struct ev *ev, const char *why);

struct explain {
    explain_sink sink;
    void *sink_ctx;
    /* the event being explained */
    const struct ev *ev;
    UT_string *main;     /* what the event did */
    UT_string *pressure; /* reclaim and OOM kills, said last */
    uint32_t victim;     /* the process an OOM kill is taking now (0: none) */
    uint64_t kills;      /* OOM kills of this event */
    uint64_t drops;      /* cache pages reclaimed */
    uint64_t evictions;  /* pages evicted */
    uint64_t freed;      /* frames freed */
    uint64_t unshared, unshared_entries; /* shared leaves copied, and their entries */
    uint64_t upgraded;   /* mprotect: entries of exclusive anon frames made writable */
    uint64_t around;     /* pages mapped by fault-around */
    /* a touch: counts */
    uint64_t accesses, clean, faults[FC_COUNT], stopped;
    /* the TLB: what the event did to it */
    struct tlb_fact tlb_last;   /* the latest hit, miss or fill */
    bool tlb_hit, tlb_miss, tlb_read_only, tlb_switch;
    uint64_t tlb_hits, tlb_misses, tlb_steps, tlb_flushed; /* tlb_flushed: by the switch */
    uint32_t tlb_from;          /* the process the switch left */
    uint64_t tlb_inval[TLB_SWITCHED + 1];
    UT_string *tlb_flushes;     /* the ceiling's flushes, said as they come */
    UT_string *line;     /* the whole explanation, handed to the sink */
};

/* explain_init: an explainer that hands each line to sink; explain_observer
 * fills the observer to add to a machine (vm_observe). */
void explain_init(struct explain *x, explain_sink sink, void *sink_ctx);
void explain_destroy(struct explain *x);
void explain_observer(struct explain *x, struct vm_observer *o);

/* explain_print: a sink that prints "LINE  EVENT: ..." to the FILE ctx. */
void explain_print(void *ctx, const struct ev *ev, const char *why);

#endif
