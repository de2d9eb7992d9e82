/* cost.c -- the cost model's prices (see cost.h). */
#include "vmsim/cost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cost_kind_names[COST_KINDS] = {"fork",     "vfork", "exec",      "fault",          "zero",
                                                 "copy",     "cache_load", "pte", "table",     "teardown",
                                                 "unmap",    "walk_step",  "tlb_invalidate", "tlb_flush"};

void cost_model_default(struct cost_model *m)
{
    static const uint64_t defaults[COST_KINDS] = {
        [COST_FORK] = 48000,   /* fork(): 48 us + 67 ns per entry */
        [COST_VFORK] = 30000,  /* vfork()+_exit: 25-48 us */
        [COST_EXEC] = 680000,  /* fork+exec+wait of a tiny program: ~730 us in all */
        [COST_FAULT] = 1000,   /* a write fault that reuses its page: 1.0 us */
        [COST_ZERO] = 1000,    /* first touch: 2.0 us = fault + zero */
        [COST_COPY] = 2500,    /* cow copy fault: 3.5 us = fault + copy */
        [COST_CACHE_LOAD] = 1000,
        [COST_PTE] = 67,       /* per entry copied at fork */
        [COST_TABLE] = 500,
        [COST_TEARDOWN] = 50,  /* exit teardown: ~50 ns per entry */
        [COST_UNMAP] = 150,    /* munmap: 0.1-0.2 us per page */
        [COST_WALK_STEP] = 25, /* a TLB refill (a 4-level walk): about 100 ns */
        [COST_TLB_INVALIDATE] = 100, /* "Each single flush is about 100 ns" (arch/x86/mm/tlb.c) */
        [COST_TLB_FLUSH] = 200, /* a full flush: a bit under twice one invalidation */
    };
    memcpy(m->ns, defaults, sizeof m->ns);
}

int cost_model_parse(struct cost_model *m, const char *spec, char *err, size_t errlen)
{
    const char *p = spec;
    while (*p) {
        const char *eq = strchr(p, '='), *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        if (!eq || eq > end) {
            snprintf(err, errlen, "--cost takes name=ns pairs, not '%.*s'", (int)(end - p), p);
            return -1;
        }
        int k;
        for (k = 0; k < COST_KINDS; k++)
            if (strlen(cost_kind_names[k]) == (size_t)(eq - p) && !strncmp(cost_kind_names[k], p, (size_t)(eq - p)))
                break;
        if (k == COST_KINDS) {
            snprintf(err, errlen, "unknown cost '%.*s' (fork vfork exec fault zero copy cache_load pte table "
                     "teardown unmap walk_step tlb_invalidate tlb_flush)", (int)(eq - p), p);
            return -1;
        }
        uint64_t v = 0;
        const char *d = eq + 1;
        if (d == end) {
            snprintf(err, errlen, "--cost: no value for '%s'", cost_kind_names[k]);
            return -1;
        }
        for (; d < end; d++) {
            if (*d < '0' || *d > '9') {
                snprintf(err, errlen, "--cost: bad value for '%s': '%.*s' (whole nanoseconds, plain decimal)",
                         cost_kind_names[k], (int)(end - eq - 1), eq + 1);
                return -1;
            }
            v = v * 10 + (uint64_t)(*d - '0');
            if (v > COST_MAX_NS) {
                snprintf(err, errlen, "--cost: %s=%.*s is more than a price may be (at most %llu ns)",
                         cost_kind_names[k], (int)(end - eq - 1), eq + 1, (unsigned long long)COST_MAX_NS);
                return -1;
            }
        }
        m->ns[k] = v;
        p = *end ? end + 1 : end;
    }
    return 0;
}

uint64_t cost_price(const struct cost_model *m, const struct cost_units *u, uint64_t by_kind[COST_KINDS])
{
    uint64_t total = 0;
    for (int k = 0; k < COST_KINDS; k++) {
        uint64_t ns;
        if (__builtin_mul_overflow(u->n[k], m->ns[k], &ns))
            ns = UINT64_MAX;
        if (by_kind)
            by_kind[k] = ns;
        if (__builtin_add_overflow(total, ns, &total))
            total = UINT64_MAX;
    }
    return total;
}
