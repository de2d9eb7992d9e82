/* timeline.c -- the --timeline CSV (see timeline.h). */
#include "vmsim/timeline.h"

#include <inttypes.h>
#include <string.h>

#include "vmsim/machine.h"

static const char header[] = "event,line,op,pid,frames_used,anon,cache,pt_pages,faults,demand_zero,cow_copy,cow_reuse,"
                             "pages_copied,ptes_copied,live,cost_ns,killed_oom,skipped,frames_total,evictions,"
                             "swap_reads,swap_writes,swap_used,tlb_hits,tlb_misses,tlb_invalidations,"
                             "tlb_flushes,mark\n";

void timeline_start(struct timeline *t, FILE *out, uint64_t every)
{
    memset(t, 0, sizeof *t);
    t->out = out;
    t->every = every > 1 ? every : 1;
    fputs(header, out);
}

/* csv_field: a field, quoted as RFC 4180 says when it holds a comma or a quote */
static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static int row(void *ctx, struct vm *vm, const struct ev *ev, int res)
{
    struct timeline *t = ctx;
    const struct vm_counters *c = &vm->c;
    (void)res;
    if (c->events_total % t->every)
        return 0;
    uint64_t faults = 0;
    for (int k = 0; k < FC_COUNT; k++)
        faults += c->faults[k];
    fprintf(t->out,
            "%" PRIu64 ",%" PRIu64 ",%s,%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
            ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu32
            ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
            c->events_total, ev->line, ev_op_names[ev->op], ev->pid, vm->ft.used, vm->ft.count[FK_ANON],
            vm->ft.count[FK_CACHE], vm->pts.tables, faults, c->faults[FC_DEMAND_ZERO], c->faults[FC_COW_COPY],
            c->faults[FC_COW_REUSE], c->pages_copied, vm->pts.ptes_copied, vm->live, vm_cost(vm, NULL), c->killed_oom,
            c->skipped, vm->ft.n, c->evictions, vm->swap.reads, vm->swap.writes, vm->swap.used, vm->tlb.hits,
            vm->tlb.misses, vm->tlb.invalidations, vm->tlb.flushes);
    csv_field(t->out, t->mark);
    fputc('\n', t->out);
    return 0;
}

static int directive(void *ctx, struct vm *vm, const struct ev *ev, bool passed, const char *actual)
{
    struct timeline *t = ctx;
    (void)vm;
    (void)passed;
    (void)actual;
    if (ev->op == EV_MARK)
        snprintf(t->mark, sizeof t->mark, "%.*s", (int)ev->name.len, ev->name.s);
    return 0;
}

void timeline_observer(struct timeline *t, struct vm_observer *o)
{
    *o = (struct vm_observer){.ctx = t, .end = row, .directive = directive};
}
