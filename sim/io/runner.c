/* runner.c -- a trace from its first line to its summary (see runner.h). */
#include "vmsim/runner.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "vmsim/check.h"
#include "vmsim/engine.h"
#include "vmsim/query.h"
#include "vmsim/trace.h"
#include "vmsim/view.h"

void run_opts_default(struct run_opts *o)
{
    memset(o, 0, sizeof *o);
    vm_config_default(&o->cfg);
    o->format = OUT_TEXT;
    o->summary = true;
    o->max_warnings = RUN_DEFAULT_MAX_WARNINGS;
    o->out = stdout;
    o->err = stderr;
}

struct run {
    const struct run_opts *o;
    const char *name;
    struct vm *vm;
    uint64_t warnings;
    FILE *timeline;
    char mark[128]; /* the label of the last mark line */
};

static const char timeline_header[] = "event,line,op,pid,frames_used,anon,cache,pt_pages,faults,demand_zero,"
                                      "cow_copy,cow_reuse,pages_copied,ptes_copied,live,cost_ns,mark\n";

/* timeline_row: the counters after event ev */
static void timeline_row(struct run *r, const struct ev *ev)
{
    const struct vm *vm = r->vm;
    const struct vm_counters *c = &vm->c;
    uint64_t every = r->o->every > 1 ? r->o->every : 1;
    if (c->events_total % every)
        return;
    uint64_t faults = 0;
    for (int k = 0; k < FC_COUNT; k++)
        faults += c->faults[k];
    fprintf(r->timeline,
            "%" PRIu64 ",%" PRIu64 ",%s,%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
            ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
            c->events_total, ev->line, ev_op_names[ev->op], ev->pid, vm->ft.used, vm->ft.count[FK_ANON],
            vm->ft.count[FK_CACHE], vm->mmu.tables, faults, c->faults[FC_DEMAND_ZERO], c->faults[FC_COW_COPY],
            c->faults[FC_COW_REUSE], c->pages_copied, vm->mmu.ptes_copied, vm->live, vm_cost(vm, NULL));
    if (strpbrk(r->mark, ",\"")) { /* CSV quoting */
        fputc('"', r->timeline);
        for (const char *m = r->mark; *m; m++) {
            if (*m == '"')
                fputc('"', r->timeline);
            fputc(*m, r->timeline);
        }
        fputs("\"\n", r->timeline);
    } else {
        fprintf(r->timeline, "%s\n", r->mark);
    }
}

static void message(struct run *r, uint64_t line, const char *what, const char *msg)
{
    fflush(r->o->out);
    fprintf(r->o->err, "%s:%" PRIu64 ": %s: %s\n", r->name, line, what, msg);
}

static void explain(struct run *r, const struct ev *ev)
{
    fprintf(r->o->out, "%5" PRIu64 "  %.*s%s\n", ev->line, (int)ev->text.len, ev->text.s, utstring_body(r->vm->why));
}

/* directive: program, expect, show, mark. -1 on error. */
static int directive(struct run *r, const struct ev *ev)
{
    struct vm *vm = r->vm;
    bool passed;
    char actual[64];
    switch (ev->op) {
    case EV_PROGRAM:
        return vm_declare_program(vm, ev);
    case EV_EXPECT:
        if (vm_expect(vm, ev, &passed, actual, sizeof actual))
            return -1;
        if (passed) {
            vm->c.expect_passed++;
        } else {
            char msg[512];
            vm->c.expect_failed++;
            snprintf(msg, sizeof msg, "%.*s (actual %s)", (int)ev->qtext.len, ev->qtext.s, actual);
            message(r, ev->line, "expectation failed", msg);
        }
        return 0;
    case EV_SHOW:
        return view_show(r->o->out, vm, ev);
    default: /* mark: names a point of the timeline */
        snprintf(r->mark, sizeof r->mark, "%.*s", (int)ev->name.len, ev->name.s);
        return 0;
    }
}

static int finish(struct run *r, int status, struct vm **vm_out)
{
    if (vm_out)
        *vm_out = r->vm;
    else
        vm_free(r->vm);
    return status;
}

int vmsim_run(const struct run_opts *o, struct vm **vm_out)
{
    struct run r = {.o = o, .name = o->trace};
    struct trace_reader *tr;
    if (vm_out)
        *vm_out = NULL;
    if (o->mem) {
        tr = trace_open_mem(o->mem, o->mem_len, o->trace, &o->cfg.arch);
    } else {
        char err[256];
        tr = trace_open(o->trace, &o->cfg.arch, err, sizeof err);
        if (!tr) {
            fprintf(o->err, "vmsim: error: %s\n", err);
            return 2;
        }
    }
    r.name = trace_name(tr);
    if (o->max_line)
        trace_set_max_line(tr, o->max_line);
    r.vm = vm_new(&o->cfg);
    if (!r.vm) {
        fprintf(o->err, "vmsim: cannot allocate %" PRIu32 " frames\n", o->cfg.frames);
        trace_close(tr);
        return 2;
    }
    r.vm->explain = o->verbose;
    if (o->timeline) {
        r.timeline = strcmp(o->timeline, "-") ? fopen(o->timeline, "w") : o->out;
        if (!r.timeline) {
            fprintf(o->err, "vmsim: error: cannot write %s: %s\n", o->timeline, strerror(errno));
            trace_close(tr);
            return finish(&r, 2, vm_out);
        }
        fputs(timeline_header, r.timeline);
    }

    struct ev ev;
    int k, status = 0;
    while ((k = trace_next(tr, &ev)) > 0) {
        if (ev.op >= EV_NEVENTS) {
            if (directive(&r, &ev)) {
                message(&r, ev.line, "error", r.vm->err);
                status = 2;
                break;
            }
            continue;
        }
        enum ev_result res = vm_event(r.vm, &ev);
        if (res == EV_ERROR) {
            message(&r, ev.line, "error", r.vm->err);
            status = 2;
            break;
        }
        if (res == EV_SKIPPED && r.warnings++ < o->max_warnings) {
            char msg[sizeof r.vm->err + 16];
            snprintf(msg, sizeof msg, "event skipped: %s", r.vm->err);
            message(&r, ev.line, "warning", msg);
        }
        if (r.timeline)
            timeline_row(&r, &ev);
        if (o->verbose) {
            if (res == EV_SKIPPED)
                utstring_printf(r.vm->why, ": skipped: %s", r.vm->err);
            explain(&r, &ev);
        }
        if (o->check && vm_check(r.vm)) {
            message(&r, ev.line, "error", r.vm->err);
            status = 2;
            break;
        }
    }
    if (k < 0) {
        message(&r, trace_line(tr), "error", trace_error(tr));
        status = 2;
    }
    if (status != 2 && r.warnings > o->max_warnings) {
        fflush(o->out);
        fprintf(o->err, "%s: warning: %" PRIu64 " more skipped events not shown\n", r.name,
                r.warnings - o->max_warnings);
    }
    trace_close(tr);
    r.name = NULL;
    if (r.timeline && r.timeline != o->out && (fclose(r.timeline) || status == 2)) {
        if (status != 2)
            fprintf(o->err, "vmsim: error: cannot write %s: %s\n", o->timeline, strerror(errno));
        remove(o->timeline); /* no half timeline that looks whole */
        status = 2;
    }
    if (status == 2)
        return finish(&r, status, vm_out);
    if (r.vm->c.expect_failed)
        status = 1;
    if (o->summary) {
        FILE *out = o->out;
        /* cppcheck-suppress redundantInitialization ; kept when there is no out_path */
        if (o->out_path && !(out = fopen(o->out_path, "w"))) {
            fprintf(o->err, "vmsim: error: cannot write %s: %s\n", o->out_path, strerror(errno));
            return finish(&r, 2, vm_out);
        }
        stats_write(out, r.vm, o->format);
        if (out != o->out && fclose(out)) {
            fprintf(o->err, "vmsim: error: cannot write %s: %s\n", o->out_path, strerror(errno));
            return finish(&r, 2, vm_out);
        }
    }
    return finish(&r, status, vm_out);
}
