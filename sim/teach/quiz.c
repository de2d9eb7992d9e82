/* quiz.c -- seeded questions about a generated trace, their answers and
 * reasons, and the grading of answers (see quiz.h).
 *
 * The trace is run three times through the library's run loop, with an
 * observer that is called after each event:
 *   1. the survey: what each event line did (its faults, its -v
 *      explanation) and how many things of each kind could be asked about
 *      after it (present pages, frames in use, live processes, ...);
 *   2. with the questions chosen (a kind, a line, the index of a thing),
 *      each one's thing and answer are found after its line;
 *   3. each value asked for is followed from the start up to its line, to
 *      find the last line that changed it: that line's explanation is the
 *      reason.
 * Quiz traces are short, so three runs cost nothing worth saving.
 */
#include "vmsim/quiz.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "vmsim/aspace.h"
#include "vmsim/engine.h"
#include "vmsim/explain.h"
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/runner.h"
#include "vmsim/trace.h"
#include "vmsim/util.h"
#include "vmsim/view.h"

#include "quiz_kit.h"
#include "quiz_policy.h"
#include "quiz_tlb.h"

const char *const quiz_kind_names[QK_COUNT] = {"frame", "refcount", "faults", "used", "tree", "rss", "pss", "access", "tlb"};

#define FAULT_WINDOW 4      /* event lines in a `faults` question */
#define MAX_VMA_PAGES 4096  /* pages of one VMA looked at for `frame` questions */
#define QUIZ_SEED_SALT UINT64_C(0x5155495a) /* "QUIZ": the questions' stream differs from the trace's */

void quiz_opts_default(struct quiz_opts *o)
{
    memset(o, 0, sizeof *o);
    gen_opts_default(&o->gen);
    o->gen.profile = NULL;
    vm_config_default(&o->cfg);
}

/* ---- strings ---------------------------------------------------------------- */

/* a memory stream that grows, for building text */
struct mem {
    FILE *f;
    char *s;
    size_t n;
};

static void mem_open(struct mem *m)
{
    m->s = NULL;
    m->n = 0;
    m->f = open_memstream(&m->s, &m->n);
    if (!m->f) {
        fputs("vmsim: out of memory\n", stderr);
        exit(3);
    }
}

static char *mem_close(struct mem *m)
{
    fclose(m->f);
    return m->s;
}

/* ---- running the trace ------------------------------------------------------- */

/* a list of indexes */
struct idxs {
    uint32_t *v;
    uint32_t n, cap;
};

static void idxs_push(struct idxs *x, uint32_t i)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 8;
        x->v = vm_xrealloc(x->v, x->cap * sizeof *x->v);
    }
    x->v[x->n++] = i;
}

/* what one event line did, and what could be asked after it */
struct line_info {
    uint64_t line;
    enum ev_op op;
    bool access;
    uint64_t faults[FC_COUNT];
    char *why;   /* "line 8: write 2 0x3b0: cow_copy: ..." */
    char *tree;  /* the tree after it, states included: two lines with the same are one question */
    uint32_t count[QK_STATE_KINDS];  /* things that can be asked about after it */
    struct idxs rich[QK_STATE_KINDS]; /* which of them are worth asking about */
};

struct survey {
    struct line_info *li;
    size_t n, cap;
    uint64_t bytes; /* what li holds, its strings and index arrays: within --max-memory with the model */
};

static void value(struct vm *vm, const struct quiz_question *q, char *buf, size_t len);

/* step: called before the first event (idx SIZE_MAX, ev NULL) and after
 * each event, with the faults of that event by class and (in the survey)
 * its -v explanation */
struct step {
    size_t idx;
    const struct ev *ev;
    const uint64_t *faults; /* [FC_COUNT] */
    const char *why;        /* ": ..." or NULL */
};
/* a step function returns NULL, or a message that stops the replay (an
 * error of the quiz as a whole: no line of its trace is named) */
typedef const char *(*step_fn)(void *ctx, struct vm *vm, const struct step *st);

/* a replay: the run loop's observer that calls a step function */
struct replay {
    step_fn fn;
    void *ctx;
    size_t idx;
    bool started;
    uint64_t faults[FC_COUNT];
    uint64_t event_line; /* the event in progress (0: none) */
    UT_string *why;      /* its explanation, from the explain observer */
    uint64_t *stopped;
    char *err;
    size_t errlen;
    const struct quiz *qz;
    bool whole; /* the quiz stopped it (its time, its memory): its error names no line */
};

static int replay_begin(void *ctx, struct vm *vm, const struct ev *ev)
{
    struct replay *r = ctx;
    if (!r->started) {
        struct step st = {.idx = SIZE_MAX};
        (void)r->fn(r->ctx, vm, &st); /* before any event: nothing held yet */
        r->started = true;
    }
    memset(r->faults, 0, sizeof r->faults);
    r->event_line = ev->line;
    return 0;
}

static void replay_fact(void *ctx, struct vm *vm, const struct fact *f)
{
    struct replay *r = ctx;
    (void)vm;
    r->faults[f->fc]++;
}

static int replay_end(void *ctx, struct vm *vm, const struct ev *ev, int res)
{
    struct replay *r = ctx;
    (void)res;
    struct step st = {.idx = r->idx++, .ev = ev, .faults = r->faults, .why = r->why ? utstring_body(r->why) : NULL};
    const char *stop = r->fn(r->ctx, vm, &st);
    r->event_line = 0;
    if (stop) {
        r->whole = true;
        return vm_error(vm, "%s", stop);
    }
    if (r->qz->cpu_seconds > 0 && (r->idx & 15) == 0 &&
        (double)clock() / CLOCKS_PER_SEC - r->qz->cpu_start > r->qz->cpu_seconds) {
        r->whole = true;
        /* what is left of a grader's --timeout when the quiz began: no
         * number of its own to name, nor a line (the trace is the quiz's) */
        return vm_error(vm, "%s", "making the quiz took more processor time than --timeout gives");
    }
    return 0;
}

static void replay_error(void *ctx, struct vm *vm, uint64_t line, const char *msg)
{
    struct replay *r = ctx;
    (void)vm;
    if (r->whole)
        snprintf(r->err, r->errlen, "%s", msg);
    else
        snprintf(r->err, r->errlen, "line %" PRIu64 ": %s", line, msg);
    if (r->stopped && r->event_line == line && !r->whole)
        *r->stopped = line;
}

/* replay: runs the quiz's trace through the run loop, calling fn as said.
 * 0, or -1 with the error in err; when an event stopped the run (memory ran
 * out under --oom fail), its line goes to *stopped. */
/* NOLINTBEGIN(readability-non-const-parameter): err and stopped are written through r */
static int replay(const struct quiz *qz, bool explain, step_fn fn, void *ctx, char *err, size_t errlen,
                  uint64_t *stopped)
/* NOLINTEND(readability-non-const-parameter) */
{
    struct replay r = {.fn = fn, .ctx = ctx, .stopped = stopped, .err = err, .errlen = errlen, .qz = qz};
    if (errlen) /* a run that cannot start tells no observer */
        snprintf(err, errlen, "%s", "the quiz's machine could not be made (too many frames for this host?)");
    struct vm_observer obs[2];
    unsigned n = 0;
    struct explain x;
    if (explain) {
        utstring_new(r.why);
        explain_init(&x, quiz_keep_why, r.why);
        explain_observer(&x, &obs[n++]);
    }
    obs[n++] = (struct vm_observer){.wants = FACT_BIT(FACT_FAULT),
                                    .ctx = &r,
                                    .begin = replay_begin,
                                    .fact = replay_fact,
                                    .end = replay_end,
                                    .error = replay_error};
    int status = quiz_run_trace(&qz->cfg, qz->trace, qz->len, obs, n);
    if (explain) {
        explain_destroy(&x);
        utstring_free(r.why);
    }
    return status;
}

/* ---- what can be asked ------------------------------------------------------- */

static int cmp_proc_pid(const void *a, const void *b)
{
    uint32_t x = (*(struct proc *const *)a)->pid, y = (*(struct proc *const *)b)->pid;
    return (x > y) - (x < y);
}

/* procs_sorted: every process in the table by pid (free the array) */
static struct proc **procs_sorted(struct vm *vm, size_t *n)
{
    size_t cnt = HASH_COUNT(vm->procs);
    struct proc **v = vm_xmalloc((cnt ? cnt : 1) * sizeof(struct proc *)), *p, *tmp;
    size_t i = 0;
    HASH_ITER(hh, vm->procs, p, tmp)
    v[i++] = p;
    qsort(v, cnt, sizeof(struct proc *), cmp_proc_pid);
    *n = cnt;
    return v;
}

static bool proc_live(const struct proc *p) { return (p->state == PS_RUNNING || p->state == PS_SUSPENDED) && p->as; }

/* what a question is about */
struct thing {
    uint32_t pid;
    uint64_t page;
    uint32_t frame;
};

/* seen: counts a thing; the idx-th is written to out; a rich one's index
 * goes to rich */
struct things_ctx {
    uint32_t count, idx;
    struct thing *out;
    struct idxs *rich;
};

static void seen(struct things_ctx *c, const struct thing *t, bool rich)
{
    if (c->count == c->idx && c->out)
        *c->out = *t;
    if (rich && c->rich)
        idxs_push(c->rich, c->count);
    c->count++;
}

/* things: what a question of kind k may ask about now, in a fixed order:
 *   frame     pages present in a running or suspended process (by pid,
 *             then address); rich: a shared frame, or a child's page
 *   refcount  anon and cache frames; rich: refcount 2 or more
 *   rss, pss  running or suspended processes with pages; rich: one with a
 *             parent or children (rss), pss below rss (pss)
 *   used      one, once a frame is used; rich: once two processes exist
 *   tree      one once two processes exist; rich: three, or a zombie
 * The idx-th is written to out, and the indexes of the rich ones to rich
 * (if not NULL). Returns the count. */
static uint32_t things(struct vm *vm, enum quiz_kind k, uint32_t idx, struct thing *out, struct idxs *rich)
{
    struct things_ctx c = {.idx = idx, .out = out, .rich = rich};
    struct thing t = {0};
    size_t n;
    struct proc **v = procs_sorted(vm, &n);
    switch (k) {
    case QK_FRAME:
        for (size_t i = 0; i < n; i++) {
            if (!proc_live(v[i]))
                continue;
            const struct vma_set *s = &v[i]->as->vmas;
            t.pid = v[i]->pid;
            for (size_t j = 0; j < s->n; j++) {
                uint64_t pages = 0;
                for (uint64_t a = s->v[j].start; a < s->v[j].end && pages < MAX_VMA_PAGES;
                     a += vm->arch->page_size, pages++) {
                    struct qresult r;
                    vm_query_page(vm, t.pid, a, PGF_PRESENT, &r);
                    if (!r.num)
                        continue;
                    vm_query_page(vm, t.pid, a, PGF_REFCOUNT, &r);
                    t.page = a;
                    seen(&c, &t, r.num >= 2 || v[i]->ppid != 0);
                }
            }
        }
        break;
    case QK_REFCOUNT:
        for (uint32_t f = 0; f < vm->ft.n; f++) {
            enum frame_kind kind = frame_kind(&vm->ft, f);
            if (kind != FK_ANON && kind != FK_CACHE)
                continue;
            t.frame = f;
            seen(&c, &t, frame_refcount(&vm->ft, f) >= 2);
        }
        break;
    case QK_RSS:
    case QK_PSS:
        for (size_t i = 0; i < n; i++) {
            if (!proc_live(v[i]))
                continue;
            t.pid = v[i]->pid;
            uint64_t rss = proc_rss(v[i]);
            if (!rss) /* an empty process: nothing to find */
                continue;
            bool worth;
            if (k == QK_RSS) {
                worth = v[i]->ppid != 0 || v[i]->children;
            } else {
                double pss;
                uint64_t uss;
                proc_sharing(vm, v[i], &pss, &uss, NULL);
                worth = pss + 0.0005 < (double)rss;
            }
            seen(&c, &t, worth);
        }
        break;
    case QK_USED:
        if (vm->ft.used)
            seen(&c, &t, n >= 2);
        break;
    case QK_TREE:
        if (n >= 2) {
            bool zombie = false;
            for (size_t i = 0; i < n; i++)
                zombie |= v[i]->state == PS_ZOMBIE;
            seen(&c, &t, n >= 3 || zombie);
        }
        break;
    default:
        break;
    }
    free(v);
    return c.count;
}

/* ---- the survey ------------------------------------------------------------ */

struct survey_ctx {
    struct survey *sv;
    char stop[160]; /* the message that stops it */
};

static const char *survey_step(void *ctx, struct vm *vm, const struct step *st)
{
    struct survey_ctx *c = ctx;
    const struct ev *ev = st->ev;
    if (st->idx != SIZE_MAX) {
        struct survey *sv = c->sv;
        if (sv->n == sv->cap) {
            sv->cap = sv->cap ? 2 * sv->cap : 32;
            sv->li = vm_xrealloc(sv->li, sv->cap * sizeof *sv->li);
        }
        struct line_info *li = &sv->li[sv->n++];
        memset(li, 0, sizeof *li);
        li->line = ev->line;
        li->op = ev->op;
        li->access = ev->op == EV_READ || ev->op == EV_WRITE || ev->op == EV_TOUCH;
        for (int k = 0; k < FC_COUNT; k++)
            li->faults[k] = st->faults[k];
        li->why = vm_xprintf("line %" PRIu64 ": %.*s%s", ev->line, (int)ev->text.len, ev->text.s, st->why);
        char tree[1024];
        struct quiz_question tq = {.kind = QK_TREE};
        value(vm, &tq, tree, sizeof tree);
        li->tree = vm_xprintf("%s", tree);
        for (int k = 0; k < QK_STATE_KINDS; k++)
            if (k != QK_FAULTS)
                li->count[k] = things(vm, (enum quiz_kind)k, UINT32_MAX, NULL, &li->rich[k]);
        sv->bytes += sizeof *li + strlen(li->why) + 1 + strlen(li->tree) + 1;
        for (int k = 0; k < QK_STATE_KINDS; k++)
            sv->bytes += (uint64_t)li->rich[k].cap * sizeof *li->rich[k].v;
        uint64_t max = vm->cfg.lim.max_memory;
        if (max && vm_model_bytes(vm) + sv->bytes > max) {
            snprintf(c->stop, sizeof c->stop,
                     "making the quiz needs more than %" PRIu64 " bytes of memory (--max-memory): fewer events or processes",
                     max);
            return c->stop;
        }
    }
    return NULL;
}

/* the faults window that starts at event index i: its last index, or
 * SIZE_MAX when it holds no access; *rich when a line of it faults
 * otherwise than by demand_zero */
static size_t fault_window(const struct survey *sv, size_t i, bool *rich)
{
    size_t last = i + FAULT_WINDOW - 1 < sv->n ? i + FAULT_WINDOW - 1 : sv->n - 1;
    bool access = false;
    *rich = false;
    for (size_t k = i; k <= last; k++) {
        access |= sv->li[k].access;
        for (int f = 0; f < FC_COUNT; f++)
            *rich |= f != FC_DEMAND_ZERO && sv->li[k].faults[f];
    }
    return access ? last : SIZE_MAX;
}

/* ---- choosing -------------------------------------------------------------- */

struct pick {
    enum quiz_kind kind;
    size_t idx;     /* the event index of its line */
    uint32_t which; /* the index of its thing */
};

/* pick_taken: x was asked already, or (tree) the same tree was */
static bool pick_taken(const struct survey *sv, const struct pick *p, size_t n, const struct pick *x)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i].kind != x->kind)
            continue;
        if (p[i].idx == x->idx && p[i].which == x->which)
            return true;
        if (x->kind == QK_TREE && !strcmp(sv->li[p[i].idx].tree, sv->li[x->idx].tree))
            return true;
    }
    return false;
}

static int cmp_pick(const void *a, const void *b)
{
    const struct pick *x = a, *y = b;
    if (x->idx != y->idx)
        return (x->idx > y->idx) - (x->idx < y->idx);
    if (x->kind != y->kind)
        return (x->kind > y->kind) - (x->kind < y->kind);
    return (x->which > y->which) - (x->which < y->which);
}

/* try_kind: a question of kind k not asked yet, if there is one: a rich
 * thing if some line has one, else any */
static bool try_kind(struct gen_rng *rng, const struct survey *sv, enum quiz_kind k, const struct pick *done,
                     size_t ndone, struct pick *out)
{
    size_t *cand = vm_xmalloc(sv->n * sizeof *cand);
    bool found = false;
    for (int rich = 1; rich >= 0 && !found; rich--) {
        /* the lines after which something of kind k can be asked (not
         * after the first event but in a one-event trace: it is dull) */
        size_t nc = 0;
        for (size_t i = 0; i < sv->n; i++) {
            bool r, ok;
            if (k == QK_FAULTS)
                ok = fault_window(sv, i, &r) != SIZE_MAX && (r || !rich);
            else
                ok = rich ? sv->li[i].rich[k].n > 0 : sv->li[i].count[k] > 0;
            if (ok && (i > 0 || sv->n == 1))
                cand[nc++] = i;
        }
        for (int attempt = 0; attempt < 16 && nc && !found; attempt++) {
            /* the later of two lines: the state is richer there */
            size_t x = (size_t)gen_rng_below(rng, nc), y = (size_t)gen_rng_below(rng, nc);
            struct pick p = {.kind = k, .idx = cand[x > y ? x : y]};
            const struct line_info *li = &sv->li[p.idx];
            if (k == QK_FAULTS)
                p.which = 0;
            else if (rich)
                p.which = li->rich[k].v[gen_rng_below(rng, li->rich[k].n)];
            else
                p.which = (uint32_t)gen_rng_below(rng, li->count[k]);
            if (!pick_taken(sv, done, ndone, &p)) {
                *out = p;
                found = true;
            }
        }
    }
    free(cand);
    return found;
}

/* ---- answers --------------------------------------------------------------- */

static int cmp_pair(const void *a, const void *b)
{
    const struct quiz_pair *x = a, *y = b;
    if (x->a != y->a)
        return (x->a > y->a) - (x->a < y->a);
    if (x->b != y->b)
        return (x->b > y->b) - (x->b < y->b);
    return (x->c > y->c) - (x->c < y->c);
}

static int cmp_pair_child(const void *a, const void *b)
{
    const struct quiz_pair *x = a, *y = b;
    if (x->b != y->b)
        return (x->b > y->b) - (x->b < y->b);
    if (x->a != y->a)
        return (x->a > y->a) - (x->a < y->a);
    return (x->c > y->c) - (x->c < y->c);
}

/* tree_pairs: (ppid, pid, state) of every process in the table, by pid */
static struct quiz_pair *tree_pairs(struct vm *vm, size_t *n)
{
    size_t cnt;
    struct proc **v = procs_sorted(vm, &cnt);
    struct quiz_pair *p = vm_xmalloc((cnt ? cnt : 1) * sizeof *p);
    for (size_t i = 0; i < cnt; i++) {
        p[i].a = v[i]->ppid;
        p[i].b = v[i]->pid;
        p[i].c = v[i]->state;
    }
    free(v);
    *n = cnt;
    return p;
}

static char *pairs_text(const struct quiz_pair *p, size_t n, bool faults)
{
    if (!n)
        return vm_xprintf("none");
    struct mem m;
    mem_open(&m);
    for (size_t i = 0; i < n; i++) {
        if (faults)
            fprintf(m.f, "%s%" PRIu64 ":%s", i ? " " : "", p[i].a, fault_class_names[p[i].b]);
        else /* a zombie or suspended process says so */
            fprintf(m.f, "%s%" PRIu64 "-%" PRIu64 "%s%s%s", i ? " " : "", p[i].a, p[i].b,
                    p[i].c != PS_RUNNING ? "(" : "", p[i].c != PS_RUNNING ? proc_state_names[p[i].c] : "",
                    p[i].c != PS_RUNNING ? ")" : "");
    }
    return mem_close(&m);
}

/* value: what question q asks for, now, as text (to see when it changes) */
static void value(struct vm *vm, const struct quiz_question *q, char *buf, size_t len)
{
    struct qresult r;
    switch (q->kind) {
    case QK_FRAME:
        vm_query_page(vm, q->pid, q->addr, PGF_FRAME, &r);
        qresult_format(&r, buf, len);
        break;
    case QK_REFCOUNT:
        snprintf(buf, len, "%" PRIu64, frame_kind(&vm->ft, q->frame) == FK_FREE ? 0 : frame_refcount(&vm->ft, q->frame));
        break;
    case QK_USED:
        snprintf(buf, len, "%" PRIu32, vm->ft.used);
        break;
    case QK_RSS:
    case QK_PSS:
        vm_query_proc(vm, q->pid, q->kind == QK_RSS ? PF_RSS : PF_PSS, &r);
        qresult_format(&r, buf, len);
        break;
    case QK_TREE: { /* the pairs and each one's state: a zombie is told by its exit */
        size_t n;
        struct proc **v = procs_sorted(vm, &n);
        size_t at = 0;
        buf[0] = 0;
        for (size_t i = 0; i < n && at < len; i++) {
            int k = snprintf(buf + at, len - at, "%" PRIu32 "-%" PRIu32 "%c ", v[i]->ppid, v[i]->pid,
                             proc_state_names[v[i]->state][0]);
            at += k > 0 ? (size_t)k : 0;
        }
        free(v);
        break;
    }
    default:
        snprintf(buf, len, "-");
        break;
    }
}

/* ---- pass 2: things and answers ---------------------------------------------- */

struct resolve_ctx {
    struct quiz *qz;
    const struct pick *picks;
    struct gen_rng *rng;
};

static void resolve_one(struct resolve_ctx *c, struct vm *vm, struct quiz_question *q, const struct pick *p)
{
    char v[256];
    switch (q->kind) {
    case QK_FRAME: {
        struct thing t = {0};
        things(vm, q->kind, p->which, &t, NULL);
        q->pid = t.pid;
        uint64_t slots = vm->arch->page_size / 16;
        q->addr = t.page + 16 * gen_rng_below(c->rng, slots ? slots : 1);
        struct qresult r;
        vm_query_page(vm, q->pid, q->addr, PGF_FRAME, &r);
        q->zero = r.kind == QR_WORD;
        q->num = r.num;
        break;
    }
    case QK_REFCOUNT: {
        struct thing t = {0};
        things(vm, q->kind, p->which, &t, NULL);
        q->frame = t.frame;
        q->num = frame_refcount(&vm->ft, q->frame);
        break;
    }
    case QK_USED:
        q->num = vm->ft.used;
        break;
    case QK_RSS:
    case QK_PSS: {
        struct thing t = {0};
        things(vm, q->kind, p->which, &t, NULL);
        q->pid = t.pid;
        struct qresult r;
        vm_query_proc(vm, q->pid, q->kind == QK_RSS ? PF_RSS : PF_PSS, &r);
        q->num = r.num;
        q->dec = r.dec;
        break;
    }
    case QK_TREE: {
        q->pairs = tree_pairs(vm, &q->npairs);
        struct mem m;
        mem_open(&m);
        view_pstree(m.f, vm);
        q->extra = mem_close(&m);
        break;
    }
    default:
        break;
    }
    value(vm, q, v, sizeof v);
    if (q->kind == QK_TREE)
        q->answer = pairs_text(q->pairs, q->npairs, false);
    else
        q->answer = vm_xprintf("%s", v);
}

static const char *resolve_step(void *ctx, struct vm *vm, const struct step *st)
{
    struct resolve_ctx *c = ctx;
    size_t idx = st->idx;
    if (idx == SIZE_MAX)
        return NULL;
    for (size_t i = 0; i < c->qz->n; i++)
        if (c->picks[i].idx == idx && c->picks[i].kind != QK_FAULTS)
            resolve_one(c, vm, &c->qz->q[i], &c->picks[i]);
    return NULL;
}

/* ---- pass 3: reasons ---------------------------------------------------------- */

struct reason_ctx {
    struct quiz *qz;
    const struct pick *picks;
    char (*last)[256]; /* per question: its value after the previous line */
    size_t *changed;   /* per question: the event index that last changed it, or SIZE_MAX */
};

static const char *reason_step(void *ctx, struct vm *vm, const struct step *st)
{
    struct reason_ctx *c = ctx;
    size_t idx = st->idx;
    for (size_t i = 0; i < c->qz->n; i++) {
        const struct quiz_question *q = &c->qz->q[i];
        if (q->kind == QK_FAULTS || (idx != SIZE_MAX && idx > c->picks[i].idx))
            continue;
        char v[256];
        value(vm, q, v, sizeof v);
        if (idx == SIZE_MAX) {
            memcpy(c->last[i], v, sizeof v);
            c->changed[i] = SIZE_MAX;
        } else if (strcmp(v, c->last[i])) {
            memcpy(c->last[i], v, sizeof v);
            c->changed[i] = idx;
        }
    }
    return NULL;
}

/* ---- texts ------------------------------------------------------------------- */

/* question_text: the question, and on a second line how to write its answer
 * when that is not a plain number */
static void question_text(struct quiz_question *q, bool swap)
{
    switch (q->kind) {
    case QK_FRAME:
        q->text = vm_xprintf("After line %" PRIu64 ", which frame does address 0x%" PRIx64 " of process %" PRIu32
                          " map to?\nAnswer with a frame number, or zero for the zero page.",
                          q->line, q->addr, q->pid);
        break;
    case QK_REFCOUNT:
        q->text = vm_xprintf("After line %" PRIu64 ", what is the refcount of frame %" PRIu32 "?", q->line, q->frame);
        break;
    case QK_FAULTS:
        q->text = vm_xprintf("Which of lines %" PRIu64 " to %" PRIu64 " cause page faults, and of which class?\n"
                          "Answer with LINE:CLASS for each (such as 5:demand_zero 7:cow_copy), or none;\n"
                          "the classes are demand_zero zero_page file cow_copy cow_reuse segv%s.",
                          q->line, q->line2, swap ? " swap_in" : "");
        break;
    case QK_USED:
        q->text = vm_xprintf("How many frames are in use after line %" PRIu64 "?", q->line);
        break;
    case QK_TREE:
        q->text = vm_xprintf("After line %" PRIu64 ", which processes exist (running, suspended or zombie), whose\n"
                          "child is each, and which are zombies or suspended? Answer with PARENT-CHILD\n"
                          "pairs, 0-PID for a process without a parent, each zombie or suspended one\n"
                          "followed by its state (such as 0-1 1-2(zombie) 1-3).",
                          q->line);
        break;
    case QK_RSS:
        q->text = vm_xprintf("What is the rss of process %" PRIu32 " after line %" PRIu64 ", in pages?", q->pid, q->line);
        break;
    default:
        q->text = vm_xprintf("What is the pss of process %" PRIu32 " after line %" PRIu64
                          ", in pages?\nAnswer with a fraction, or with 3 decimals.",
                          q->pid, q->line);
        break;
    }
}

/* ---- making a quiz ------------------------------------------------------------- */

/* strip: the generator's trace without its comment lines and its options
 * line (the quiz states the machine itself); its ARG lines (the profile's
 * parameters) go to params */
static void strip_trace(const char *gen, size_t len, struct quiz *qz, struct mem *params)
{
    struct mem t;
    mem_open(&t);
    size_t pos = 0;
    while (pos < len) {
        const char *ls = gen + pos;
        const char *nl = memchr(ls, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - ls) : len - pos;
        pos += ll + (nl != NULL);
        size_t b = 0;
        while (b < ll && (ls[b] == ' ' || ls[b] == '\t'))
            b++;
        if (b == ll || (ll - b > 8 && !memcmp(ls + b, "options ", 8)))
            continue;
        if (ls[b] == '#') {
            static const char *const own[] = {"profile ", "seed ", "arch ", "frames "};
            const char *arg = "# ARG ";
            if (ll - b > strlen(arg) && !memcmp(ls + b, arg, strlen(arg))) {
                const char *p = ls + b + strlen(arg);
                size_t pl = ll - b - strlen(arg);
                bool mine = false;
                for (size_t k = 0; k < VM_ARRAY_LEN(own); k++)
                    if (pl > strlen(own[k]) && !memcmp(p, own[k], strlen(own[k])))
                        mine = true;
                if (!mine)
                    fprintf(params->f, "ARG %.*s\n", (int)pl, p);
            }
            continue;
        }
        fprintf(t.f, "%.*s\n", (int)ll, ls);
        qz->nlines++;
    }
    fflush(t.f);
    qz->len = t.n;
    qz->trace = mem_close(&t);
}

/* cut_trace: keeps the lines before line */
static void cut_trace(struct quiz *qz, uint64_t line)
{
    size_t pos = 0;
    for (uint64_t k = 1; k < line && pos < qz->len; k++) {
        const char *nl = memchr(qz->trace + pos, '\n', qz->len - pos);
        pos = nl ? (size_t)(nl - qz->trace) + 1 : qz->len;
    }
    qz->len = pos;
    qz->trace[pos] = 0;
    qz->nlines = line - 1;
}

static int machine_for(const struct quiz_opts *o, struct gen_opts *g, char *err, size_t errlen)
{
    static const uint64_t ladder[] = {24, 32, 48, 64};
    struct arch a;
    uint32_t f;
    const struct gen_profile_info *prof = gen_profile_find(g->profile);
    if (o->gen.frames || (prof && prof->frames && !strcmp(prof->arch, g->arch)))
        return gen_machine(g, &a, &f, err, errlen); /* given, or the profile's own for that arch */
    for (size_t k = 0; k < VM_ARRAY_LEN(ladder); k++) {
        g->frames = ladder[k];
        if (!gen_machine(g, &a, &f, err, errlen))
            return 0;
    }
    g->frames = 0; /* the profile's own */
    return gen_machine(g, &a, &f, err, errlen);
}

static const char *onoff(bool b) { return b ? "on" : "off"; }

/* no_such_profile: the error for a profile a quiz cannot take, listing those it can */
static int no_such_profile(const struct gen_profile_info *prof, const char *name, char *err, size_t errlen)
{
    size_t n;
    const struct gen_profile_info *all = gen_profiles(&n);
    struct mem m;
    mem_open(&m);
    for (size_t i = 0, k = 0; i < n; i++)
        if (!all[i].workload)
            fprintf(m.f, "%s%s", k++ ? ", " : "", all[i].name);
    fprintf(m.f, ", %s, %s", QUIZ_POLICY_PROFILE, QUIZ_TLB_PROFILE);
    char *names = mem_close(&m);
    snprintf(err, errlen, "%s profile '%.40s' (a quiz takes one of: %s)", prof ? "not a random-problem" : "unknown",
             name, names);
    free(names);
    return -1;
}

/* describe_machine: the quiz's ARG lines (what makes the same quiz again)
 * and the flags of `vmsim run` that replay its trace on its machine */
static void describe_machine(struct quiz *qz, const struct gen_opts *g, const char *profile, const char *param_lines,
                             unsigned nq)
{
    const struct vm_config *c = &qz->cfg;
    uint32_t around = c->fault_around > 1 ? c->fault_around : 1;
    /* with replacement on (--swap, --policy), its options too */
    char *swap_args = c->replace ? vm_xprintf("ARG swap %" PRIu32 "p\nARG policy %s\n", c->swap_slots,
                                           policy_names[c->policy])
                                 : vm_xprintf("%s", "");
    char *swap_flags = c->replace ? vm_xprintf(" --swap %" PRIu32 "p --policy %s", c->swap_slots, policy_names[c->policy])
                                  : vm_xprintf("%s", "");
    qz->args = vm_xprintf("ARG seed %" PRIu64 "\nARG profile %s\nARG arch %s\nARG frames %" PRIu32
                       "\n%sARG fork %s\nARG zero-page %s\nARG lazy-fork %s\nARG pt-frames %s\nARG oom %s\n"
                       "ARG fault-around %" PRIu32 "\nARG exclusive-reuse %s\nARG anon-vma %s\n%sARG questions %u\n",
                       g->seed, profile, c->arch.name, c->frames, param_lines, fork_mode_names[c->fork],
                       onoff(c->zero_page), onoff(c->lazy_fork), onoff(c->pt_frames),
                       c->oom == OOM_KILL ? "kill" : "fail", around, onoff(c->exclusive_reuse), onoff(c->anon_vma),
                       swap_args, nq);
    char around_flag[32] = "";
    if (around > 1)
        snprintf(around_flag, sizeof around_flag, " --fault-around %" PRIu32, around);
    qz->flags = vm_xprintf("--arch %s --frames %" PRIu32 "%s%s%s%s%s%s%s%s%s%s", c->arch.name, c->frames,
                        c->fork != FORK_COW ? " --fork " : "", c->fork != FORK_COW ? fork_mode_names[c->fork] : "",
                        c->zero_page ? " --zero-page" : "", c->lazy_fork ? " --lazy-fork" : "",
                        c->pt_frames ? " --pt-frames" : "", c->oom == OOM_FAIL ? " --oom fail" : "", around_flag,
                        c->exclusive_reuse ? " --exclusive-reuse" : "", c->anon_vma ? " --anon-vma" : "", swap_flags);
    free(swap_args);
    free(swap_flags);
}

static void survey_clear(struct survey *sv)
{
    for (size_t i = 0; i < sv->n; i++) {
        free(sv->li[i].why);
        free(sv->li[i].tree);
        for (int k = 0; k < QK_STATE_KINDS; k++)
            free(sv->li[i].rich[k].v);
    }
    sv->n = 0;
    sv->bytes = 0;
}

/* take_survey: step 1, what each line of the trace did. Under --oom fail a
 * trace may run out of memory and stop: the quiz is then about the lines
 * before that one. 0, or -1 with the error in err */
static int take_survey(struct quiz *qz, struct survey *sv, char *err, size_t errlen)
{
    struct survey_ctx sc = {.sv = sv};
    int status;
    for (;;) {
        uint64_t stopped = 0;
        status = replay(qz, true, survey_step, &sc, err, errlen, &stopped);
        if (!status || !stopped)
            break;
        cut_trace(qz, stopped);
        survey_clear(sv);
    }
    if (!status && !sv->n) {
        snprintf(err, errlen, "%s", "the trace has no event to ask about");
        status = -1;
    }
    return status;
}

/* choose_questions: up to nq questions into picks, the kinds in a shuffled
 * order again and again; how many */
static size_t choose_questions(struct gen_rng *rng, const struct survey *sv, struct pick *picks, size_t nq)
{
    size_t np = 0;
    enum quiz_kind bag[QK_STATE_KINDS];
    size_t inbag = 0;
    while (np < nq) {
        if (!inbag) {
            for (int k = 0; k < QK_STATE_KINDS; k++)
                bag[k] = (enum quiz_kind)k;
            for (int k = QK_STATE_KINDS - 1; k > 0; k--) {
                size_t j = (size_t)gen_rng_below(rng, (uint64_t)k + 1);
                enum quiz_kind t = bag[k];
                bag[k] = bag[j];
                bag[j] = t;
            }
            inbag = QK_STATE_KINDS;
        }
        enum quiz_kind want = bag[--inbag];
        /* that kind, or else the one asked least so far that can be asked (then the next
         * after it): a trace where little can be asked does not get one kind over and over */
        size_t asked[QK_STATE_KINDS] = {0};
        for (size_t i = 0; i < np; i++)
            asked[picks[i].kind]++;
        enum quiz_kind order[QK_STATE_KINDS];
        order[0] = want;
        for (int t = 1; t < QK_STATE_KINDS; t++)
            order[t] = (enum quiz_kind)((want + t) % QK_STATE_KINDS);
        for (int t = 2; t < QK_STATE_KINDS; t++) /* insertion sort of order[1..] by times asked */
            for (int u = t; u > 1 && asked[order[u]] < asked[order[u - 1]]; u--) {
                enum quiz_kind x = order[u];
                order[u] = order[u - 1];
                order[u - 1] = x;
            }
        bool ok = false;
        for (int t = 0; t < QK_STATE_KINDS && !ok; t++)
            ok = try_kind(rng, sv, order[t], picks, np, &picks[np]);
        if (!ok)
            break; /* nothing new can be asked: a shorter quiz */
        np++;
    }
    return np;
}

/* answer_faults: a faults question's answer and reason, from the survey
 * (the faults of each line in its window) */
static void answer_faults(struct quiz_question *q, const struct survey *sv, size_t idx)
{
    bool rich;
    size_t last = fault_window(sv, idx, &rich);
    struct quiz_pair *p = vm_xcalloc((size_t)FAULT_WINDOW * FC_COUNT, sizeof *p);
    size_t n = 0;
    struct mem m;
    mem_open(&m);
    for (size_t k = idx; k <= last; k++) {
        const struct line_info *li = &sv->li[k];
        for (int f = 0; f < FC_COUNT; f++)
            if (li->faults[f]) {
                p[n].a = li->line;
                p[n].b = (uint64_t)f;
                n++;
            }
        if (li->access)
            fprintf(m.f, "%s\n", li->why);
    }
    qsort(p, n, sizeof *p, cmp_pair);
    q->line2 = sv->li[last].line;
    q->pairs = p;
    q->npairs = n;
    q->answer = pairs_text(p, n, true);
    q->reason = mem_close(&m);
}

/* answer_and_explain: steps 2 and 3, two more replays: the things each
 * question names and their answers, then the line that made each answer so */
static int answer_and_explain(struct quiz *qz, const struct survey *sv, struct pick *picks, struct gen_rng *rng,
                              char *err, size_t errlen)
{
    size_t np = qz->n;
    struct resolve_ctx rs = {.qz = qz, .picks = picks, .rng = rng};
    int status = replay(qz, false, resolve_step, &rs, err, errlen, NULL);
    if (status)
        return status;
    struct reason_ctx rc = {.qz = qz, .picks = picks};
    rc.last = vm_xcalloc(np ? np : 1, sizeof *rc.last);
    rc.changed = vm_xcalloc(np ? np : 1, sizeof *rc.changed);
    status = replay(qz, false, reason_step, &rc, err, errlen, NULL);
    for (size_t i = 0; !status && i < np; i++) {
        struct quiz_question *q = &qz->q[i];
        question_text(q, qz->cfg.replace);
        if (q->kind == QK_FAULTS)
            continue;
        if (rc.changed[i] == SIZE_MAX)
            q->reason = vm_xprintf("it is so from the start\n");
        else
            q->reason = vm_xprintf("%s\n", sv->li[rc.changed[i]].why);
    }
    free(rc.last);
    free(rc.changed);
    return status;
}

static int state_quiz_make(const struct quiz_opts *o, struct quiz *qz, char *err, size_t errlen);

int quiz_make(const struct quiz_opts *o, struct quiz *qz, char *err, size_t errlen)
{
    /* the time budget, kept once before any profile's maker (which keeps
     * the rest of qz zeroed): it bounds the replays while the quiz is made,
     * then its trace's runs */
    memset(qz, 0, sizeof *qz);
    qz->cpu_seconds = o->cpu_seconds;
    qz->cpu_start = (double)clock() / CLOCKS_PER_SEC;
    const char *profile = o->gen.profile;
    if (profile && !strcmp(profile, QUIZ_POLICY_PROFILE))
        return quiz_policy_make(o, qz, err, errlen);
    if (profile && !strcmp(profile, QUIZ_TLB_PROFILE))
        return quiz_tlb_make(o, qz, err, errlen);
    return state_quiz_make(o, qz, err, errlen);
}

/* state_quiz_make: quiz_make for the random problems of gen.h */
static int state_quiz_make(const struct quiz_opts *o, struct quiz *qz, char *err, size_t errlen)
{
    struct gen_opts g = o->gen;
    if (!g.profile)
        g.profile = QUIZ_DEFAULT_PROFILE;
    if (!g.arch)
        g.arch = QUIZ_DEFAULT_ARCH;
    const struct gen_profile_info *prof = gen_profile_find(g.profile);
    if (!prof || prof->workload)
        return no_such_profile(prof, g.profile, err, errlen);
    unsigned nq = o->questions ? o->questions : QUIZ_DEFAULT_QUESTIONS;
    if (nq > QUIZ_MAX_QUESTIONS) {
        snprintf(err, errlen, "at most %d questions", QUIZ_MAX_QUESTIONS);
        return -1;
    }
    if (machine_for(o, &g, err, errlen))
        return -1;
    qz->cfg = o->cfg;
    if (gen_machine(&g, &qz->cfg.arch, &qz->cfg.frames, err, errlen))
        return -1;
    if (o->check_only)
        return 0;
    qz->cfg.lim.max_events = qz->cfg.lim.max_accesses = qz->cfg.lim.max_procs = 0;

    /* the trace, without its parameter comments (they become ARG lines) */
    struct mem gm, params;
    mem_open(&gm);
    if (gen_trace(&g, gm.f, err, errlen)) {
        free(mem_close(&gm));
        return -1;
    }
    fflush(gm.f);
    mem_open(&params);
    strip_trace(gm.s, gm.n, qz, &params);
    free(mem_close(&gm));
    char *param_lines = mem_close(&params);
    describe_machine(qz, &g, prof->name, param_lines, nq);
    free(param_lines);

    struct survey sv = {0};
    int status = take_survey(qz, &sv, err, errlen);
    struct gen_rng rng;
    gen_rng_seed(&rng, g.seed ^ QUIZ_SEED_SALT);
    struct pick *picks = vm_xcalloc(nq, sizeof *picks);
    size_t np = status ? 0 : choose_questions(&rng, &sv, picks, nq);
    qsort(picks, np, sizeof *picks, cmp_pick); /* in the order of the trace */
    qz->n = np;
    qz->asked = nq;
    qz->q = vm_xcalloc(np ? np : 1, sizeof *qz->q);
    for (size_t i = 0; i < np; i++) {
        struct quiz_question *q = &qz->q[i];
        q->kind = picks[i].kind;
        q->line = sv.li[picks[i].idx].line;
        if (q->kind == QK_FAULTS)
            answer_faults(q, &sv, picks[i].idx);
    }
    if (!status)
        status = answer_and_explain(qz, &sv, picks, &rng, err, errlen);
    survey_clear(&sv);
    free(sv.li);
    free(picks);
    if (status)
        quiz_free(qz);
    return status;
}

/* ---- writing ----------------------------------------------------------------- */

/* indented: each line of s after prefix (the first after first) */
static void indented(FILE *out, const char *first, const char *prefix, const char *s)
{
    const char *p = s;
    bool at_first = true;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "%s%.*s\n", at_first ? first : prefix, (int)n, p);
        at_first = false;
        p += n + (nl != NULL);
    }
}

void quiz_write(FILE *out, const struct quiz *qz, bool answers)
{
    if (qz->policy_quiz) {
        quiz_policy_write(out, qz, answers);
        return;
    }
    if (qz->tlb_quiz) {
        quiz_tlb_write(out, qz, answers);
        return;
    }
    const struct arch *a = &qz->cfg.arch;
    fputs(qz->args, out);
    fprintf(out,
            "\nThe machine: %s\n  %u-bit addresses, %" PRIu64 "-byte pages, %u page-table %s of %u bits;\n"
            "  %" PRIu32 " frames, each taken lowest-numbered first.\n",
            qz->flags, a->va_bits, a->page_size, a->levels, a->levels == 1 ? "level" : "levels", a->level_bits,
            qz->cfg.frames);
    fputs("\nThe trace:\n\n", out);
    uint64_t line = 0;
    const char *p = qz->trace;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "%5" PRIu64 "  %.*s\n", ++line, (int)n, p);
        p += n + (nl != NULL);
    }
    fputc('\n', out);
    for (size_t i = 0; i < qz->n; i++) {
        const struct quiz_question *q = &qz->q[i];
        char first[32];
        snprintf(first, sizeof first, "Q%zu. ", i + 1);
        indented(out, first, "    ", q->text);
        if (!answers)
            continue;
        fprintf(out, "    answer: %s\n", q->answer);
        if (q->extra)
            indented(out, "    pstree: ", "            ", q->extra);
        indented(out, "    because: ", "             ", q->reason);
        fputc('\n', out);
    }
    if (qz->n < qz->asked)
        fprintf(out, "%s(Only %zu of the %u questions asked for can be asked about this trace:\n"
                     "too little happens in it. Try another seed, or more --events.)\n",
                qz->n && !answers ? "\n" : "", qz->n, qz->asked);
    if (!answers && qz->n)
        fprintf(out, "\n(vmsim quiz with the same options and -c prints the answers.)\n");
}

/* ---- checking answers ----------------------------------------------------------- */

/* a cursor over an answer */
static void skip_blanks(const char **s)
{
    while (**s == ' ' || **s == '\t' || **s == '\r')
        (*s)++;
}

static bool read_u64(const char **s, uint64_t *v)
{
    const char *p = *s;
    uint64_t x = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
        p += 2;
        while (isxdigit((unsigned char)*p)) {
            int d = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
            if (x >> 60)
                return false;
            x = x * 16 + (uint64_t)d;
            p++;
        }
    } else if (isdigit((unsigned char)*p)) {
        while (isdigit((unsigned char)*p)) {
            if (x > (UINT64_MAX - 9) / 10)
                return false;
            x = x * 10 + (uint64_t)(*p - '0');
            p++;
        }
    } else {
        return false;
    }
    *v = x;
    *s = p;
    return true;
}

static bool word_eq(const char *s, const char *w)
{
    skip_blanks(&s);
    size_t n = strlen(w);
    for (size_t k = 0; k < n; k++)
        if (tolower((unsigned char)s[k]) != w[k])
            return false;
    s += n;
    skip_blanks(&s);
    return *s == 0;
}

static bool is_sep(char c) { return c == ' ' || c == '\t' || c == ',' || c == ';' || c == '\r'; }

/* read_tree: the PARENT-CHILD pairs of a tree answer, each perhaps followed
 * by a state: "0-1 1->2 (zombie), 1:3 suspended, 4" (a lone pid has no
 * parent; no state is running). Sorted by child, without repeats. */
static bool read_tree(const char *s, struct quiz_pair **out, size_t *n)
{
    size_t cap = 8, k = 0;
    struct quiz_pair *p = vm_xmalloc(cap * sizeof *p);
    const char *c = s;
    bool ok = true, stated = true; /* stated: the last pair has its state */
    while (ok) {
        while (is_sep(*c) || *c == '(' || *c == ')' || *c == '[' || *c == ']')
            c++;
        if (!*c)
            break;
        if (isalpha((unsigned char)*c)) { /* a state, after its pair */
            const char *w = c;
            while (isalpha((unsigned char)*c))
                c++;
            size_t wl = (size_t)(c - w);
            int st = -1;
            for (int k2 = PS_RUNNING; k2 <= PS_ZOMBIE; k2++)
                if (strlen(proc_state_names[k2]) == wl && !strncasecmp(w, proc_state_names[k2], wl))
                    st = k2;
            if (wl == 3 && !strncasecmp(w, "and", 3))
                continue;
            if (st < 0 || stated) {
                ok = false;
                break;
            }
            p[k - 1].c = (uint64_t)st;
            stated = true;
            continue;
        }
        if (k == cap) {
            cap *= 2;
            p = vm_xrealloc(p, cap * sizeof *p);
        }
        uint64_t a, b;
        if (!read_u64(&c, &a)) {
            ok = false;
            break;
        }
        const char *after = c;
        skip_blanks(&c);
        if (c[0] == '-' && c[1] == '>')
            c += 2;
        else if (*c == '-' || *c == '>' || *c == ':')
            c++;
        else { /* a lone pid */
            c = after;
            p[k].a = 0;
            p[k].b = a;
            p[k].c = PS_RUNNING;
            k++;
            stated = false;
            continue;
        }
        skip_blanks(&c);
        if (!read_u64(&c, &b) || (*c && !is_sep(*c) && *c != '(' && *c != '[' && *c != ':')) {
            ok = false;
            break;
        }
        if (*c == ':')
            c++;
        p[k].a = a;
        p[k].b = b;
        p[k].c = PS_RUNNING;
        k++;
        stated = false;
    }
    if (!ok) {
        free(p);
        return false;
    }
    qsort(p, k, sizeof *p, cmp_pair_child);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || cmp_pair(&p[u - 1], &p[i]))
            p[u++] = p[i];
    *out = p;
    *n = u;
    return true;
}


/* Answers are read as people write them: "3", "frame 3", "3 pages", "three",
 * "rss = 3 pages.", "line 7: cow copy". An answer is cut into words at blanks
 * and punctuation; a numeric answer is one number among words that may go
 * with it (the field's name, its unit, "the", "is"...), and nothing else. */

#define ANSWER_MAX_WORDS 96
#define ANSWER_WORD 32

struct words {
    char w[ANSWER_MAX_WORDS][ANSWER_WORD]; /* lower case */
    int n;
};

/* split_words: the words of s; '-' separates words unless keep_dash. false
 * when there are too many, or one is too long. */
static bool split_words(const char *s, struct words *ws, bool keep_dash)
{
    memset(ws, 0, sizeof *ws);
    for (const char *p = s; *p;) {
        unsigned char c = (unsigned char)*p;
        /* a minus sign right before a number (-2, U+2212 2): no count,
         * frame or pss is negative, and -2 is not 2 */
        const char *after = c == '-' ? p + 1 : !strncmp(p, "\xe2\x88\x92", 3) ? p + 3 : NULL;
        if (!keep_dash && after && (isdigit((unsigned char)*after) || *after == '.'))
            return false;
        if (isalnum(c) || c == '_' || c == '.' || c == '/' || (keep_dash && (c == '-' || c == '>'))) {
            const char *st = p;
            while (*p && (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '/' ||
                          (keep_dash && (*p == '-' || *p == '>'))))
                p++;
            size_t n = (size_t)(p - st);
            while (n && st[n - 1] == '.') /* the end of a sentence */
                n--;
            if (!n)
                continue;
            if (ws->n == ANSWER_MAX_WORDS || n >= ANSWER_WORD)
                return false;
            for (size_t k = 0; k < n; k++)
                ws->w[ws->n][k] = (char)tolower((unsigned char)st[k]);
            ws->w[ws->n++][n] = 0;
        } else {
            p++;
        }
    }
    return true;
}

static bool in_list(const char *w, const char *const *list)
{
    for (; list && *list; list++)
        if (!strcmp(w, *list))
            return true;
    return false;
}

/* words that may go with any answer */
static const char *const common_words[] = {"the", "a", "is", "it", "its", "answer", "there", "are", "total", NULL};

static const char *const number_words[] = {"zero",    "one",     "two",       "three",    "four",
                                           "five",    "six",     "seven",     "eight",    "nine",
                                           "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                           "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
static const char *const tens_words[] = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};

/* word_number: a number written in digits (or 0x hex) or in words ("five",
 * "twenty one"): its value, and how many words it took (0: not a number) */
static int word_number(const struct words *ws, int i, uint64_t *v)
{
    const char *w = ws->w[i];
    const char *p = w;
    if (read_u64(&p, v))
        return *p ? 0 : 1;
    for (size_t k = 0; k < VM_ARRAY_LEN(number_words); k++)
        if (!strcmp(w, number_words[k])) {
            *v = k;
            return 1;
        }
    for (size_t k = 0; k < VM_ARRAY_LEN(tens_words); k++)
        if (!strcmp(w, tens_words[k])) {
            *v = 20 + 10 * k;
            for (size_t u = 1; u < 10 && i + 1 < ws->n; u++)
                if (!strcmp(ws->w[i + 1], number_words[u])) {
                    *v += u;
                    return 2;
                }
            return 1;
        }
    return 0;
}

/* read_count: one number among words of the field's (fillers) and common
 * ones */
static bool read_count(const char *s, const char *const *fillers, uint64_t *v)
{
    struct words ws;
    int numbers = 0;
    if (!split_words(s, &ws, false))
        return false;
    for (int i = 0; i < ws.n; i++) {
        uint64_t x;
        int k = word_number(&ws, i, &x);
        if (k) {
            numbers++;
            *v = x;
            i += k - 1;
        } else if (!in_list(ws.w[i], fillers) && !in_list(ws.w[i], common_words)) {
            return false;
        }
    }
    return numbers == 1;
}

/* decimal_word: 1.5, .5, 3/2, 2: its value */
static bool decimal_word(const char *w, double *v)
{
    const char *p = w;
    uint64_t whole = 0, num, den;
    if (read_u64(&p, &num) && *p == '/') {
        p++;
        if (!read_u64(&p, &den) || !den || *p)
            return false;
        *v = (double)num / (double)den;
        return true;
    }
    p = w;
    bool digits = read_u64(&p, &whole);
    double x = (double)whole;
    if (*p == '.') {
        p++;
        for (double scale = 0.1; isdigit((unsigned char)*p); scale /= 10, p++) {
            x += (*p - '0') * scale;
            digits = true;
        }
    }
    if (!digits || *p)
        return false;
    *v = x;
    return true;
}

/* read_decimal: a decimal or a fraction ("1.5", "3/2", "1 1/2 pages") among
 * words of the field's */
static bool read_decimal(const char *s, const char *const *fillers, double *v)
{
    struct words ws;
    int numbers = 0;
    bool fraction_next = false;
    if (!split_words(s, &ws, false))
        return false;
    for (int i = 0; i < ws.n; i++) {
        double x;
        uint64_t n;
        if (decimal_word(ws.w[i], &x)) {
            if (fraction_next && strchr(ws.w[i], '/') && x < 1) { /* 1 1/2 */
                *v += x;
                fraction_next = false;
                continue;
            }
            numbers++;
            *v = x;
            fraction_next = !strchr(ws.w[i], '.') && !strchr(ws.w[i], '/');
        } else if (word_number(&ws, i, &n) == 1) {
            numbers++;
            *v = (double)n;
            fraction_next = false;
        } else if (!in_list(ws.w[i], fillers) && !in_list(ws.w[i], common_words)) {
            return false;
        } else {
            fraction_next = false;
        }
    }
    return numbers == 1;
}

/* fault_class_at: the fault class written by the words at i (one word,
 * "cow_copy" or "cow-copy", or two, "cow copy"): its class and how many
 * words it took (0: none) */
static int fault_class_at(const struct words *ws, int i, int *cls)
{
    for (int take = 2; take >= 1; take--) {
        if (i + take > ws->n)
            continue;
        char joined[2 * ANSWER_WORD];
        snprintf(joined, sizeof joined, take == 2 ? "%s_%s" : "%s", ws->w[i], take == 2 ? ws->w[i + 1] : "");
        for (char *c = joined; *c; c++)
            if (*c == '-')
                *c = '_';
        if (!strcmp(joined, "segfault") || !strcmp(joined, "segmentation_fault")) {
            *cls = FC_SEGV;
            return take;
        }
        for (int k = 0; k < FC_COUNT; k++)
            if (!strcmp(joined, fault_class_names[k])) {
                *cls = k;
                return take;
            }
    }
    return 0;
}

static const char *const fault_fillers[] = {"line", "lines", "at", "on", "and", "fault", "faults", "a", "an", "with",
                                            "by", "of", "class", NULL};

/* read_faults: LINE CLASS pairs, in any words: "5:demand_zero 7:cow_copy",
 * "line 7: cow copy"; "none" and "no faults" for none. Sorted, without
 * repeats. */
static bool read_faults(const char *s, struct quiz_pair **out, size_t *n)
{
    struct words ws;
    if (!split_words(s, &ws, false))
        return false;
    struct quiz_pair *p = vm_xmalloc((size_t)(ws.n ? ws.n : 1) * sizeof *p);
    size_t k = 0;
    bool none = false, ok = true;
    uint64_t line = 0;
    bool have_line = false, had_line = false; /* a line waits for its class; a line had one */
    for (int i = 0; i < ws.n && ok; i++) {
        const char *w = ws.w[i];
        uint64_t x;
        int cls, t;
        if (!strcmp(w, "none") || !strcmp(w, "no") || !strcmp(w, "nothing")) {
            none = true;
        } else if (word_number(&ws, i, &x) == 1 && isdigit((unsigned char)w[0])) {
            if (have_line) /* a line without its class */
                ok = false;
            line = x;
            have_line = true;
            had_line = false;
        } else if ((t = fault_class_at(&ws, i, &cls)) != 0) {
            if (!have_line && !had_line) /* a class without a line */
                ok = false;
            else { /* a second class goes with the same line: "7: cow_copy and file" */
                p[k].a = line;
                p[k].b = (uint64_t)cls;
                p[k].c = 0;
                k++;
                have_line = false;
                had_line = true;
                i += t - 1;
            }
        } else if (!in_list(w, fault_fillers) && !in_list(w, common_words)) {
            ok = false;
        }
    }
    if (!ok || have_line || (none && k) || (!none && !k)) {
        free(p);
        return false;
    }
    qsort(p, k, sizeof *p, cmp_pair);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || cmp_pair(&p[u - 1], &p[i]))
            p[u++] = p[i];
    *out = p;
    *n = u;
    return true;
}

/* what a question's answer may be written with, besides its number */
static const char *const frame_words[] = {"frame", "number", "no", "nr", "pfn", "physical", "maps", "to", NULL};
static const char *const zero_page_words[] = {"the", "zero", "page", "frame", "shared", "it", "is", "maps", "to",
                                              "mapped", NULL};
static const char *const refcount_words[] = {"refcount", "references", "reference", "refs", "ref", "count", NULL};
static const char *const used_words[] = {"frames", "frame", "used", "in", "use", "pages", NULL};
static const char *const rss_words[] = {"rss", "pages", "page", "resident", "frames", NULL};
static const char *const pss_words[] = {"pss", "pages", "page", NULL};

int quiz_check(const struct quiz_question *q, const char *answer, char *why, size_t whylen)
{
    uint64_t v = 0;
    double d = 0;
    switch (q->kind) {
    case QK_ACCESS:
        return quiz_policy_check(q, answer, why, whylen);
    case QK_TLB:
        return quiz_tlb_check(q, answer, why, whylen);
    case QK_FRAME: {
        /* the word zero is the zero page; frame 0 is written with the digit */
        struct words ws;
        bool zero = split_words(answer, &ws, false) && ws.n > 0;
        bool said_zero = false;
        for (int i = 0; zero && i < ws.n; i++) {
            zero = in_list(ws.w[i], zero_page_words);
            said_zero |= !strcmp(ws.w[i], "zero");
        }
        if (zero && said_zero)
            return q->zero;
        if (!read_count(answer, frame_words, &v)) {
            snprintf(why, whylen, "a frame number (3, frame 3 or three), or zero for the zero page");
            return -1;
        }
        return !q->zero && v == q->num;
    }
    case QK_REFCOUNT:
    case QK_USED:
    case QK_RSS: {
        const char *const *fill = q->kind == QK_REFCOUNT ? refcount_words : q->kind == QK_USED ? used_words : rss_words;
        if (!read_count(answer, fill, &v)) {
            snprintf(why, whylen, "%s",
                     q->kind == QK_REFCOUNT ? "a number (2, two or refcount 2)"
                     : q->kind == QK_USED   ? "a number of frames (4, four or 4 frames)"
                                            : "a number of pages (3, three or 3 pages)");
            return -1;
        }
        return v == q->num;
    }
    case QK_PSS:
        if (!read_decimal(answer, pss_words, &d)) {
            snprintf(why, whylen, "a number of pages: a decimal (1.5), a fraction (3/2) or both (1 1/2)");
            return -1;
        }
        /* right when less than 0.001 off, as expect's rule: 1.501 is not
         * 1.5 (in doubles they are 0.00099999999999989 apart, so the bound
         * is lowered by far less than any real gap of a pss's fractions) */
        return fabs(d - q->dec) < 0.001 - 1e-9;
    default: {
        bool faults = q->kind == QK_FAULTS;
        struct quiz_pair *p = NULL;
        size_t n = 0;
        if (faults && word_eq(answer, "-"))
            return q->npairs == 0;
        if (faults ? !read_faults(answer, &p, &n) : !read_tree(answer, &p, &n)) {
            snprintf(why, whylen, "%s",
                     faults ? "LINE:CLASS pairs such as 5:demand_zero 7:cow_copy (or line 7: cow copy), or none"
                            : "PARENT-CHILD pairs, each zombie or suspended one followed by its state, "
                              "such as 0-1 1-2(zombie) 1-3");
            return -1;
        }
        struct quiz_pair *key = vm_xmalloc((q->npairs ? q->npairs : 1) * sizeof *key);
        memcpy(key, q->pairs, q->npairs * sizeof *key);
        qsort(key, q->npairs, sizeof *key, faults ? cmp_pair : cmp_pair_child);
        bool same = n == q->npairs && (!n || !memcmp(p, key, n * sizeof *p));
        free(key);
        free(p);
        return same;
    }
    }
}

/* ---- grading answers ------------------------------------------------------------ */

char *quiz_command(const struct quiz *qz)
{
    struct mem m;
    mem_open(&m);
    fputs("vmsim quiz", m.f);
    for (const char *p = qz->args; p && *p;) {
        size_t n = strcspn(p, "\n");
        if (n > 4 && !strncmp(p, "ARG ", 4)) {
            const char *v = memchr(p + 4, ' ', n - 4);
            if (v)
                fprintf(m.f, " --%.*s %.*s", (int)(v - p - 4), p + 4, (int)(p + n - v - 1), v + 1);
        }
        p += n + (p[n] == '\n');
    }
    return mem_close(&m);
}

bool quiz_arg_line(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    /* "ARG" and a blank, then something */
    /* cppcheck-suppress knownConditionTrueFalse ; the loop above may stop anywhere */
    if (end - p < 5)
        return false;
    return !memcmp(p, "ARG", 3) && (p[3] == ' ' || p[3] == '\t');
}

void quiz_grade(const struct quiz *qz, const char *name, const char *buf, size_t len, enum grade_vis reveal,
                struct grade_report *r)
{
    char **ans = vm_xcalloc(qz->n ? qz->n : 1, sizeof *ans);
    struct mem notes;
    mem_open(&notes);
    unsigned nnotes = 0;
    size_t pos = 0;
    uint64_t line = 0;
    while (pos < len) {
        const char *ls = buf + pos;
        const char *nl = memchr(ls, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - ls) : len - pos;
        pos += ll + (nl != NULL);
        line++;
        char *l = vm_xstrndup(ls, ll);
        const char *c = l;
        skip_blanks(&c);
        uint64_t qn = 0;
        bool isq = false;
        if (*c == '#' || !*c || quiz_arg_line(ls, ll)) {
            free(l);
            continue;
        }
        if (*c == 'q' || *c == 'Q') {
            c++;
            skip_blanks(&c);
        }
        if (read_u64(&c, &qn)) {
            skip_blanks(&c);
            if (*c == ':' || *c == '=' || *c == '.' || *c == ')')
                c++;
            skip_blanks(&c);
            isq = true;
        }
        if (!isq || !qn || qn > qz->n) {
            if (nnotes++ < 5)
                fprintf(notes.f, "note: %s:%" PRIu64 ": %s\n", name, line,
                        isq ? "no such question" : "not an answer (answers are written Q3: 7)");
            free(l);
            continue;
        }
        size_t e = strlen(c);
        while (e && (c[e - 1] == ' ' || c[e - 1] == '\t' || c[e - 1] == '\r'))
            e--;
        free(ans[qn - 1]);
        ans[qn - 1] = vm_xstrndup(c, e);
        free(l);
    }
    if (nnotes > 5)
        fprintf(notes.f, "note: %u more lines that are not answers\n", nnotes - 5);
    char *n = mem_close(&notes);
    r->noun = "question";
    r->passed = "right";
    free(r->output);
    r->output = *n ? n : NULL;
    if (!*n)
        free(n);
    for (size_t i = 0; i < qz->n; i++) {
        const struct quiz_question *q = &qz->q[i];
        char title[64];
        if (q->kind == QK_FAULTS)
            snprintf(title, sizeof title, "Q%zu (faults, lines %" PRIu64 "-%" PRIu64 ")", i + 1, q->line, q->line2);
        else if (q->kind == QK_TLB)
            snprintf(title, sizeof title, "Q%zu (tlb, line %" PRIu64 ")", i + 1, q->line);
        else if (q->kind == QK_ACCESS)
            snprintf(title, sizeof title, "Q%zu (access of page %" PRIu64 ", line %" PRIu64 ")", i + 1, q->page,
                     q->line);
        else
            snprintf(title, sizeof title, "Q%zu (%s, after line %" PRIu64 ")", i + 1, quiz_kind_names[q->kind],
                     q->line);
        struct grade_item *it = grade_report_add(r, title, 1, VIS_VISIBLE);
        struct mem m;
        mem_open(&m);
        fprintf(m.f, "%s\n", q->text);
        int ok = 0;
        if (!ans[i] || !*ans[i]) {
            fprintf(m.f, "no answer (write a line Q%zu: ANSWER)\n", i + 1);
        } else {
            char why[128];
            ok = quiz_check(q, ans[i], why, sizeof why);
            fprintf(m.f, "your answer: %s\n", ans[i]);
            if (ok < 0)
                fprintf(m.f, "could not read it: write %s\n", why);
        }
        if (reveal == VIS_VISIBLE) {
            if (ok != 1)
                fprintf(m.f, "the answer: %s\n", q->answer);
            indented(m.f, "because: ", "         ", q->reason);
        }
        free(it->output);
        it->output = mem_close(&m);
        it->passed = ok == 1;
        it->score = ok == 1 ? 1 : 0;
        free(ans[i]);
    }
    free(ans);
    if (reveal == VIS_VISIBLE || !qz->n)
        return;
    /* the answers and their reasons, in one item of their own visibility */
    struct mem m;
    mem_open(&m);
    for (size_t i = 0; i < qz->n; i++) {
        char first[32];
        snprintf(first, sizeof first, "Q%zu: ", i + 1);
        indented(m.f, first, "    ", qz->q[i].answer);
        indented(m.f, "    because: ", "             ", qz->q[i].reason);
    }
    struct grade_item *it = grade_report_add(r, "the answers and their reasons", 0, reveal);
    free(it->output);
    it->output = mem_close(&m);
    it->info = true;
    it->passed = true;
}
