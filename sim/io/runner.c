/* runner.c -- a trace from its first line to its summary: the one run loop
 * (see runner.h). */
#include "vmsim/runner.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "vmsim/check.h"
#include "vmsim/engine.h"
#include "vmsim/explain.h"
#include "vmsim/options.h"
#include "vmsim/outfile.h"
#include "vmsim/policy_opt.h"
#include "vmsim/query.h"
#include "vmsim/timeline.h"
#include "vmsim/trace.h"
#include "vmsim/view.h"

#define RUN_BATCH 64      /* lines read at a time (trace_next_batch) */
#define PREFETCH_AHEAD 6  /* lines between an access's prefetch and its run */
#define EVENTS_AHEAD 8    /* lines between an event's own prefetch and its first use */

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
    const struct ev *ev; /* the line being run */
    struct timeline tl;
    FILE *timeline;
    struct explain explain;
    bool explaining;
    bool threaded; /* a thread reads and parses ahead (trace_read_ahead) */
    struct vm_checker checker; /* --check's arrays, kept from one event to the next */
    struct ev batch[RUN_BATCH];
    const uint64_t *entry[TRACE_CHUNK_EVENTS > RUN_BATCH ? TRACE_CHUNK_EVENTS : RUN_BATCH];
};

static void message(struct run *r, uint64_t line, const char *what, const char *msg)
{
    if (!r->o->err)
        return;
    if (r->o->out)
        fflush(r->o->out);
    fprintf(r->o->err, "%s:%" PRIu64 ": %s: %s\n", r->name, line, what, msg);
}

/* warning: a warning at the current line, while --max-warnings allows */
static void warning(struct run *r, const char *msg)
{
    if (r->warnings++ < r->o->max_warnings)
        message(r, r->ev->line, "warning", msg);
}

/* ---- the runner's own observer: warnings that -v would say anyway ----------------- */

static void notice(void *ctx, struct vm *vm, const struct fact *f)
{
    struct run *r = ctx;
    char msg[256];
    (void)vm;
    if (f->kind == FACT_OOM_KILL) {
        if (f->pid2 && f->pid2 != f->pid)
            snprintf(msg, sizeof msg, "the OOM killer killed process %" PRIu32 " (rss %" PRIu64 ") for a frame that process %" PRIu32 " needed",
                     f->pid, f->u.oom.rss, f->pid2);
        else if (f->pid2 == f->pid)
            snprintf(msg, sizeof msg, "the OOM killer killed process %" PRIu32 " (rss %" PRIu64 "), which needed a frame",
                     f->pid, f->u.oom.rss);
        else /* no process needed it yet: a spawn's new root */
            snprintf(msg, sizeof msg, "the OOM killer killed process %" PRIu32 " (rss %" PRIu64 ") for a frame this line needed",
                     f->pid, f->u.oom.rss);
    } else if (f->kind == FACT_SEGV) {
        snprintf(msg, sizeof msg, "process %" PRIu32 " killed by a segv: %s at 0x%" PRIx64 " %s", f->pid,
                 f->write ? "write" : "read", f->va,
                 f->u.fault.outside ? "outside every VMA" : "not allowed by the VMA's protection");
    } else {
        return;
    }
    warning(r, msg);
}

static int notice_end(void *ctx, struct vm *vm, const struct ev *ev, int res)
{
    struct run *r = ctx;
    (void)ev;
    if (res) {
        char msg[sizeof vm->err + 16];
        snprintf(msg, sizeof msg, "event skipped: %s", vm->err);
        warning(r, msg);
    }
    return 0;
}

/* ---- directives ------------------------------------------------------------------- */

/* directive: program, expect, show, mark. -1 on error (vm->err). */
static int directive(struct run *r, const struct ev *ev, bool *passed, char *actual, size_t alen)
{
    struct vm *vm = r->vm;
    *passed = true;
    *actual = 0;
    switch (ev->op) {
    case EV_PROGRAM: {
        static const char *const keys[SEG_COUNT] = {"text", "data", "bss", "heap", "stack"};
        if (vm_declare_program(vm, ev))
            return -1;
        for (int k = 0; k < SEG_COUNT; k++)
            if (ev->seg_bytes & (1u << k)) {
                char msg[200];
                uint64_t v = ev->seg_given[k];
                snprintf(msg, sizeof msg, "%s=%" PRIu64 " is %" PRIu64 " %s, one page; %s=%" PRIu64 "p is %" PRIu64 " %s",
                         keys[k], v, v, vm_plural(v, "byte", "bytes"), keys[k], v, v, vm_plural(v, "page", "pages"));
                warning(r, msg);
            }
        return 0;
    }
    case EV_EXPECT:
        if (vm_expect(vm, ev, passed, actual, alen))
            return -1;
        if (*passed) {
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
    default: /* mark: observers take note */
        return 0;
    }
}

/* ---- one line ----------------------------------------------------------------------- */

/* line_now: one directive or event, with its observers (r->ev is it). 0, or
 * -1 when the run must stop (vm->err says why). */
static VM_ALWAYS_INLINE int line_now(struct run *r, const struct ev *ev)
{
    struct vm *vm = r->vm;
    if (ev->op >= EV_NEVENTS) {
        bool passed;
        char actual[64];
        if (directive(r, ev, &passed, actual, sizeof actual))
            return -1;
        for (unsigned k = 0; k < vm->nobs; k++)
            if (vm->obs[k].directive && vm->obs[k].directive(vm->obs[k].ctx, vm, ev, passed, actual))
                return -1;
        return 0;
    }
    for (unsigned k = 0; k < vm->nobs; k++)
        if (vm->obs[k].begin && vm->obs[k].begin(vm->obs[k].ctx, vm, ev))
            return -1;
    enum ev_result res = vm_event(vm, ev);
    if (res == EV_ERROR)
        return -1;
    for (unsigned k = 0; k < vm->nobs; k++)
        if (vm->obs[k].end && vm->obs[k].end(vm->obs[k].ctx, vm, ev, res == EV_SKIPPED))
            return -1;
    if (r->o->check && vm_check_with(vm, &r->checker))
        return -1;
    return 0;
}

/* run_line: line_now, with r->ev set for the warnings of the line, and only
 * for its time (the line's words may not outlive the next read) */
static VM_ALWAYS_INLINE int run_line(struct run *r, const struct ev *ev)
{
    r->ev = ev;
    int rc = line_now(r, ev);
    r->ev = NULL;
    return rc;
}

/* ---- the run ------------------------------------------------------------------------- */

static int finish(struct run *r, int status, struct vm **vm_out)
{
    if (r->explaining)
        explain_destroy(&r->explain);
    vm_checker_free(&r->checker);
    if (vm_out) {
        if (r->vm) { /* without its observers: they were this run's, whose state is gone now */
            r->vm->nobs = 0;
            r->vm->wants = 0;
        }
        *vm_out = r->vm;
    } else {
        vm_free(r->vm);
    }
    return status;
}

static void add_observers(struct run *r)
{
    const struct run_opts *o = r->o;
    struct vm_observer ob;
    if (r->timeline) {
        timeline_start(&r->tl, r->timeline, o->every);
        timeline_observer(&r->tl, &ob);
        vm_observe(r->vm, &ob);
    }
    if (o->verbose && o->out) {
        explain_init(&r->explain, explain_print, o->out);
        r->explaining = true;
        explain_observer(&r->explain, &ob);
        vm_observe(r->vm, &ob);
    } else {
        /* without -v, what -v would have said of kills and skips, in one line each */
        ob = (struct vm_observer){.ctx = r, .fact = notice, .end = notice_end};
        ob.wants = FACT_BIT(FACT_OOM_KILL) | FACT_BIT(FACT_SEGV);
        vm_observe(r->vm, &ob);
    }
    for (unsigned k = 0; k < o->nobservers; k++)
        vm_observe(r->vm, &o->observers[k]);
}

static void tell_error(struct run *r, uint64_t line, const char *msg)
{
    message(r, line, "error", msg);
    for (unsigned k = 0; k < r->vm->nobs; k++)
        if (r->vm->obs[k].error)
            r->vm->obs[k].error(r->vm->obs[k].ctx, r->vm, line, msg);
}

/* prefetch_event: the first two cache lines of an event, which hold all
 * that the run reads of an access line (struct ev, event.h), and which the
 * reading thread wrote on the other core */
static inline void prefetch_event(const struct ev *ev)
{
    __builtin_prefetch(ev);
    __builtin_prefetch((const char *)ev + 64);
}

/* line_stops: runs one line; true when the run must stop (its error told,
 * *status = 2) */
static VM_ALWAYS_INLINE bool line_stops(struct run *r, const struct ev *ev, int *status)
{
    if (!run_line(r, ev))
        return false;
    tell_error(r, ev->line, r->vm->err);
    *status = 2;
    return true;
}

/* run_lines: reads and runs the next lines: up to RUN_BATCH, or a chunk of
 * the reading thread's. Returns what the read returned (as trace_next: the
 * lines, 0 at the end, -1 on a malformed line); *status = 2 when a line's
 * run failed (its error told).
 *
 * On a model larger than the host's caches each access line's memory is
 * prefetched (engine.h) PREFETCH_AHEAD lines before it runs: its leaf entry
 * first, what the entry names half that distance later, what the policy
 * changes on a hit the line before. Without the thread
 * and without prefetching, lines are read one at a time: a batch would cost
 * more than it saves. */
static int run_lines(struct run *r, struct trace_reader *tr, int *status)
{
    enum run_lookahead la = r->o->lookahead;
    bool prefetch = la == LOOKAHEAD_ALWAYS || (la == LOOKAHEAD_AUTO && vm_prefetch_pays(r->vm));
    if (!r->threaded && !prefetch) {
        for (int n = 0; n < RUN_BATCH; n++) {
            struct ev ev;
            int k = trace_next(tr, &ev);
            if (k <= 0)
                return k;
            if (line_stops(r, &ev, status))
                return 1;
        }
        return 1;
    }
    const struct ev *evs = r->batch;
    int k;
    if (r->threaded) {
        if ((k = trace_next_chunk(tr, &evs)) == TRACE_ALONE) {
            r->threaded = false;
            evs = r->batch;
            k = trace_next_batch(tr, r->batch, RUN_BATCH);
        }
    } else {
        k = trace_next_batch(tr, r->batch, RUN_BATCH);
    }
    if (!prefetch) {
        for (int i = 0; i < k; i++) {
            if (i + EVENTS_AHEAD < k)
                prefetch_event(&evs[i + EVENTS_AHEAD]);
            if (line_stops(r, &evs[i], status))
                return 1;
        }
        return k;
    }
    const uint64_t **entry = r->entry; /* where each line's leaf entry is (vm_prefetch_entry) */
    for (int j = 0; j < k && j < PREFETCH_AHEAD; j++)
        entry[j] = vm_prefetch_entry(r->vm, &evs[j]);
    for (int j = PREFETCH_AHEAD; j < k && j < PREFETCH_AHEAD + EVENTS_AHEAD; j++)
        prefetch_event(&evs[j]);
    for (int i = 0; i < k; i++) {
        if (i + PREFETCH_AHEAD + EVENTS_AHEAD < k)
            prefetch_event(&evs[i + PREFETCH_AHEAD + EVENTS_AHEAD]);
        if (i + PREFETCH_AHEAD < k)
            entry[i + PREFETCH_AHEAD] = vm_prefetch_entry(r->vm, &evs[i + PREFETCH_AHEAD]);
        if (i + PREFETCH_AHEAD / 2 < k)
            vm_prefetch_target(r->vm, &evs[i + PREFETCH_AHEAD / 2], entry[i + PREFETCH_AHEAD / 2]);
        if (i + 1 < k) /* its record loaded by now (vm_prefetch_target) */
            vm_prefetch_use(r->vm, &evs[i + 1], entry[i + 1]);
        if (line_stops(r, &evs[i], status))
            return 1;
    }
    return k;
}

/* ---- opt: the accesses ahead ------------------------------------------------------------- */

/* future_of: the index of every access of the rest of the trace (read
 * ahead by tr), for opt (see policy_opt.h). A line the parser refuses ends
 * it: the run stops there anyway. NULL with a message naming the line when
 * it would hold more than --max-memory allows. Closes tr. */
static struct future *future_of(const struct run_opts *o, struct trace_reader *tr, char *err, size_t errlen)
{
    const struct arch *a = &o->cfg.arch;
    /* the text read ahead and the index share --max-memory; the model
     * then has what they leave (vm_model_bytes counts them) */
    uint64_t max = o->cfg.lim.max_accesses ? o->cfg.lim.max_accesses + 1 : UINT64_MAX;
    struct future *fu = future_new(max, o->cfg.lim.max_memory, trace_text_bytes(tr));
    struct ev ev;
    uint64_t line = 0;
    bool full = false;
    while (!full && trace_next(tr, &ev) > 0) {
        line = ev.line;
        if (ev.op == EV_READ || ev.op == EV_WRITE) {
            full = future_add(fu, ev.pid, ev.addr >> a->page_shift, ev.line) != 0;
        } else if (ev.op == EV_TOUCH && ev.len) {
            uint64_t first = ev.addr >> a->page_shift, last = (ev.addr + ev.len - 1) >> a->page_shift;
            for (uint64_t pg = first; !full; pg++) {
                full = future_add(fu, ev.pid, pg, ev.line) != 0;
                if (pg == last)
                    break;
            }
        }
    }
    full = full || future_seal(fu) != 0; /* the last keys may find no room */
    if (full) {
        snprintf(err, errlen, "%s:%" PRIu64 ": error: opt: more accesses and lines ahead than --max-memory lets it index",
                 trace_name(tr), line);
        future_free(fu);
        fu = NULL;
    }
    trace_close(tr);
    return fu;
}

/* machine_of: the machine of the trace's options lines and the caller's
 * (runner.h), into mo->cfg; the reader then reads for its arch. -1 with a
 * message in err and the trace's line to blame (0: none) in *line. */
static int machine_of(struct run_opts *mo, struct trace_reader *tr, uint64_t *line, char *err, size_t errlen)
{
    *line = 0;
    if (trace_read_options(tr)) {
        *line = trace_line(tr);
        snprintf(err, errlen, "%s", trace_error(tr));
        return -1;
    }
    if (mo->machine &&
        vm_options_resolve(trace_options(tr), mo->machine, mo->max_frames, &mo->cfg, line, err, errlen))
        return -1;
    trace_set_arch(tr, &mo->cfg.arch);
    return 0;
}

/* sizing_line: the last of the trace's options lines that gave the
 * machine's size (--frames, --mem, --swap, --arch) and that the command
 * line did not override; 0: none */
static uint64_t sizing_line(const struct run_opts *o, struct trace_reader *tr)
{
    static const char *const sizes[] = {"--frames", "--mem", "--swap", "--arch"};
    uint64_t at = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uint64_t line = vm_options_gives(o->machine, sizes[k]) ? 0 : vm_options_line(trace_options(tr), sizes[k]);
        if (line > at)
            at = line;
    }
    return at;
}

int vmsim_run(const struct run_opts *o, struct vm **vm_out)
{
    struct run r = {.o = o, .name = o->trace};
    struct trace_reader *tr;
    struct future *fu = NULL;
    struct run_opts mo = *o; /* o with the machine the trace's options make */
    char merr[512];
    uint64_t mline = 0;
    if (vm_out)
        *vm_out = NULL;
    if (o->mem) {
        tr = trace_open_mem(o->mem, o->mem_len, o->trace, &o->cfg.arch);
    } else {
        char err[256];
        tr = trace_open(o->trace, &o->cfg.arch, err, sizeof err);
        if (!tr) {
            if (o->err)
                fprintf(o->err, "vmsim: error: %s\n", err);
            return 2;
        }
    }
    r.name = trace_name(tr);
    if (o->max_line)
        trace_set_max_line(tr, o->max_line);
    int bad = machine_of(&mo, tr, &mline, merr, sizeof merr);
    r.o = o = &mo;
    if (!bad && o->cfg.replace && o->cfg.policy == POL_OPT) { /* the accesses ahead */
        char err[512];
        if (trace_slurp(tr, o->cfg.lim.max_memory, err, sizeof err)) {
            if (o->err)
                fprintf(o->err, "%s\n", err);
            trace_close(tr);
            return 2;
        }
        if (!(fu = future_of(o, trace_open_rest(tr), err, sizeof err))) {
            if (o->err)
                fprintf(o->err, "%s\n", err);
            trace_close(tr);
            return 2;
        }
    }
    r.vm = vm_new(&o->cfg);
    if (!r.vm) {
        uint64_t at = sizing_line(o, tr); /* an options line of the trace sized it: the error is that line's */
        char where[320];
        if (at)
            snprintf(where, sizeof where, "%s:%" PRIu64, r.name, at);
        else
            snprintf(where, sizeof where, "vmsim");
        if (o->err)
            fprintf(o->err,
                    "%s: error: the host cannot give this machine its memory: %" PRIu32 " %s and %" PRIu32
                    " swap %s (fewer with --frames or --mem, --swap)\n",
                    where, o->cfg.frames, vm_plural(o->cfg.frames, "frame", "frames"), o->cfg.swap_slots,
                    vm_plural(o->cfg.swap_slots, "slot", "slots"));
        trace_close(tr);
        future_free(fu);
        return 2;
    }
    if (fu)
        vm_set_future(r.vm, fu);
    struct outfile tl_file = {0}; /* a failed run takes it back (outfile.h) */
    if (o->timeline) {
        r.timeline = strcmp(o->timeline, "-") ? outfile_open(&tl_file, o->timeline) : o->out;
        if (!r.timeline) {
            if (o->err)
                fprintf(o->err, "vmsim: error: cannot write %s: %s\n", o->timeline, strerror(errno));
            trace_close(tr);
            return finish(&r, 2, vm_out);
        }
    }
    add_observers(&r);
    if (o->check && vm_replacing(r.vm)) /* --check verifies the stamps too */
        policy_keep_stamps(&r.vm->pol);

    int k = 0, status = 0;
    const struct vm_options *topts = trace_options(tr);
    if (bad) {
        if (mline)
            tell_error(&r, mline, merr);
        else if (o->err)
            fprintf(o->err, "vmsim: error: %s\n", merr);
        status = 2;
    } else if (o->verbose && o->out && o->machine && topts->n) {
        char say[1024];
        fprintf(o->out, "%5" PRIu64 "  %s\n", topts->o[0].line, vm_options_describe(topts, o->machine, say, sizeof say));
    }
    /* a second core parses the lines while this one runs them: the run is
     * the same, only sooner (opt has read its trace already) */
    if (!bad && !fu && o->lookahead != LOOKAHEAD_NEVER &&
        (o->lookahead == LOOKAHEAD_ALWAYS || sysconf(_SC_NPROCESSORS_ONLN) > 1))
        r.threaded = trace_read_ahead(tr) == 0;
    while (!bad && status != 2 && (k = run_lines(&r, tr, &status)) > 0)
        ;
    if (k < 0) {
        tell_error(&r, trace_line(tr), trace_error(tr));
        status = 2;
    }
    if (status != 2 && r.warnings > o->max_warnings && o->err) {
        if (o->out)
            fflush(o->out);
        fprintf(o->err, "%s: warning: %" PRIu64 " more warnings not shown\n", r.name, r.warnings - o->max_warnings);
    }
    trace_close(tr);
    r.name = NULL;
    if (tl_file.f) { /* no half timeline that looks whole */
        int e = outfile_close(&tl_file, status == 2);
        if (e && o->err)
            fprintf(o->err, "vmsim: error: cannot write %s: %s\n", o->timeline, strerror(e));
        status = e ? 2 : status;
    }
    if (status == 2)
        return finish(&r, status, vm_out);
    if (r.vm->c.expect_failed)
        status = 1;
    if (o->summary && o->out) {
        FILE *out = o->out;
        /* cppcheck-suppress redundantInitialization ; kept when there is no out_path */
        if (o->out_path && !(out = fopen(o->out_path, "w"))) {
            if (o->err)
                fprintf(o->err, "vmsim: error: cannot write %s: %s\n", o->out_path, strerror(errno));
            return finish(&r, 2, vm_out);
        }
        stats_write(out, r.vm, o->format);
        if (out != o->out && fclose(out)) {
            if (o->err)
                fprintf(o->err, "vmsim: error: cannot write %s: %s\n", o->out_path, strerror(errno));
            return finish(&r, 2, vm_out);
        }
    }
    return finish(&r, status, vm_out);
}
