/* quiz_policy.c -- the policy quiz: a reference string, a few frames and a
 * policy; does each access hit or miss, and which page does it replace?
 * (see quiz.h, quiz_policy.h).
 *
 * The trace is gen's refstring. It runs once through the library's run
 * loop with swap for every page, and an observer that keeps, from the
 * model's facts, which page each frame holds, when it was loaded and last
 * used (the policy's own order for the memory column), whether each access
 * faulted and which frame an eviction freed; the -v explainer gives each
 * line's reason. Nothing here chooses a victim: the answers are what the
 * model did. */
#include "quiz_policy.h"
#include "quiz_kit.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <utstring.h>

#include "vmsim/aspace.h"
#include "vmsim/explain.h"
#include "vmsim/gen.h"
#include "vmsim/machine.h"
#include "vmsim/pagetable.h"
#include "vmsim/policy.h"
#include "vmsim/proc.h"
#include "vmsim/runner.h"
#include "vmsim/util.h"

#define POLICY_SALT UINT64_C(0x504f4c49) /* "POLI": the draws of the policy and the sizes */
#define QUIZ_POLICY_LOCALITY "0.5"          /* the default --locality of a drawn string */

/* ---- the run ------------------------------------------------------------------ */

/* one access of the string, as the run saw it */
struct row {
    uint64_t line, page;
    bool write, hit, evicts;
    uint64_t victim;
    uint32_t victim_frame;
    char *why;    /* the policy's reason for the victim */
    char *vline;  /* "line N: read 1 3p: ..." */
    char *memory; /* the pages in memory after it */
};

struct prun {
    int policy;
    uint64_t page_size;
    uint32_t n;                /* frames */
    uint64_t *page_of;         /* per frame: 1 + the page it holds (0: none) */
    uint64_t *loaded, *used;   /* per frame: the access that loaded it, that used it last (1-based) */
    uint32_t hand;             /* clock: the frame after the last victim */
    uint64_t accesses;         /* accesses begun */
    struct row *rows;
    size_t nrows, cap;
    struct row *cur;           /* the access in progress (NULL: another event) */
    UT_string *vwhy;           /* the -v explanation of the event just done */
    unsigned evictions;        /* of the current access */
};

static int pr_begin(void *ctx, struct vm *vm, const struct ev *ev)
{
    struct prun *r = ctx;
    if (!r->page_of) {
        r->n = vm->ft.n;
        r->page_size = vm->arch->page_size;
        r->page_of = vm_xcalloc(r->n, sizeof *r->page_of);
        r->loaded = vm_xcalloc(r->n, sizeof *r->loaded);
        r->used = vm_xcalloc(r->n, sizeof *r->used);
    }
    r->cur = NULL;
    if (ev->op != EV_READ && ev->op != EV_WRITE)
        return 0;
    if (r->nrows == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->rows = vm_xrealloc(r->rows, r->cap * sizeof *r->rows);
    }
    r->cur = &r->rows[r->nrows++];
    memset(r->cur, 0, sizeof *r->cur);
    r->cur->line = ev->line;
    r->cur->page = ev->addr / r->page_size;
    r->cur->write = ev->op == EV_WRITE;
    r->accesses++;
    r->evictions = 0;
    return 0;
}

static void pr_fact(void *ctx, struct vm *vm, const struct fact *f)
{
    struct prun *r = ctx;
    (void)vm;
    if (!r->cur)
        return;
    switch (f->kind) {
    case FACT_EVICT: {
        uint32_t fr = f->u.evict.frame;
        if (fr < r->n && !r->evictions++) {
            r->cur->evicts = r->page_of[fr] != 0;
            r->cur->victim = r->page_of[fr] ? r->page_of[fr] - 1 : 0;
            r->cur->victim_frame = fr;
            r->cur->why = vm_xstrndup(f->u.evict.why ? f->u.evict.why : "", f->u.evict.why ? strlen(f->u.evict.why) : 0);
        }
        if (fr < r->n) {
            r->page_of[fr] = 0;
            r->hand = fr + 1 < r->n ? fr + 1 : 0; /* the clock's hand stands after its victim */
        }
        break;
    }
    case FACT_FAULT:
        if (f->fc != FC_SEGV && f->u.fault.to < r->n) {
            r->page_of[f->u.fault.to] = f->va / r->page_size + 1;
            r->loaded[f->u.fault.to] = r->accesses;
        }
        break;
    case FACT_ACCESS:
        r->cur->hit = f->fc == FC_COUNT;
        for (uint32_t k = 0; k < r->n; k++)
            if (r->page_of[k] == f->va / r->page_size + 1)
                r->used[k] = r->accesses;
        break;
    default:
        break;
    }
}

/* memory_text: the pages in memory, in the policy's order: fifo by the
 * access that loaded them, lru by the one that used them last; clock, opt
 * and random in frame order, an empty frame as -, and for clock the hand
 * (>) and the referenced bit of each page's entry (*) */
static char *memory_text(struct prun *r, struct vm *vm)
{
    UT_string *s;
    utstring_new(s);
    utstring_printf(s, "[");
    if (r->policy == POL_FIFO || r->policy == POL_LRU) {
        const uint64_t *key = r->policy == POL_FIFO ? r->loaded : r->used;
        uint32_t *order = vm_xmalloc((r->n ? r->n : 1) * sizeof *order);
        uint32_t m = 0;
        for (uint32_t k = 0; k < r->n; k++) {
            if (!r->page_of[k])
                continue;
            uint32_t j = m++;
            for (; j > 0 && key[order[j - 1]] > key[k]; j--)
                order[j] = order[j - 1];
            order[j] = k;
        }
        for (uint32_t j = 0; j < m; j++)
            utstring_printf(s, "%s%" PRIu64, j ? " " : "", r->page_of[order[j]] - 1);
        free(order);
    } else {
        const struct proc *p = proc_find(vm, 1);
        for (uint32_t k = 0; k < r->n; k++) {
            const char *hand = r->policy == POL_CLOCK && k == r->hand ? ">" : "";
            if (!r->page_of[k]) {
                utstring_printf(s, "%s%s-", k ? " " : "", hand);
                continue;
            }
            uint64_t page = r->page_of[k] - 1;
            bool ref = false;
            if (r->policy == POL_CLOCK && p && p->as)
                ref = (pt_lookup(&vm->pts, &p->as->pt, page * r->page_size) & PTE_A) != 0;
            utstring_printf(s, "%s%s%" PRIu64 "%s", k ? " " : "", hand, page, ref ? "*" : "");
        }
    }
    utstring_printf(s, "]");
    return quiz_take_string(s);
}

static int pr_end(void *ctx, struct vm *vm, const struct ev *ev, int res)
{
    struct prun *r = ctx;
    (void)res;
    if (!r->cur)
        return 0;
    r->cur->vline = vm_xprintf("line %" PRIu64 ": %.*s%s", ev->line, (int)ev->text.len, ev->text.s, utstring_body(r->vwhy));
    r->cur->memory = memory_text(r, vm);
    r->cur = NULL;
    return 0;
}

static void prun_free(struct prun *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        free(r->rows[i].why);
        free(r->rows[i].vline);
        free(r->rows[i].memory);
    }
    free(r->rows);
    free(r->page_of);
    free(r->loaded);
    free(r->used);
}

/* ---- making the quiz -------------------------------------------------------------- */

/* arg_number: the number of line "# ARG name N" of a generated trace */
static uint64_t arg_number(const char *text, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "# ARG %s ", name);
    const char *p = strstr(text, key);
    return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

static const char *const policy_blurb[POLICIES] = {
    "FIFO replaces the page that was loaded first.",
    "LRU replaces the page used least recently.",
    "CLOCK moves a hand over the frames in order, starting at frame 0. A page whose\n"
    "referenced bit is set has it cleared and is passed over; the first page whose bit is\n"
    "clear is replaced, and the hand stops on the frame after it. Every access sets the\n"
    "bit of its page.",
    "OPT replaces the page used again farthest in the future (one never used again is\n"
    "farthest; between those, the page loaded last).",
    "RANDOM counts the frames in order from 0 and replaces page number next() mod F,\n"
    "F the frames, where next() is splitmix64 started at the seed.",
};

/* a candidate: the trace of one gen seed, and its run */
struct cand {
    char *args, *trace; /* the generator's ARG lines (as the quiz writes them), the trace without comments */
    size_t len;
    uint64_t nlines, pages;
    struct prun run;
    unsigned evictions, hits;
};

static void cand_free(struct cand *c)
{
    free(c->args);
    free(c->trace);
    prun_free(&c->run);
    memset(c, 0, sizeof *c);
}

/* candidate: generates the string of g and runs it on cfg (swap and policy
 * set here). 0, or -1 with a message in err. */
static int candidate(const struct gen_opts *g, struct vm_config *cfg, int policy, struct cand *c, char *err,
                     size_t errlen)
{
    memset(c, 0, sizeof *c);
    char *text = NULL;
    size_t tlen = 0;
    FILE *m = open_memstream(&text, &tlen);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int status = gen_trace(g, m, err, errlen);
    fclose(m);
    if (status) {
        free(text);
        return -1;
    }
    c->pages = arg_number(text, "pages");
    uint64_t length = arg_number(text, "length");
    if (length > QUIZ_MAX_QUESTIONS) {
        snprintf(err, errlen, "a policy quiz has at most %d accesses, not %" PRIu64, QUIZ_MAX_QUESTIONS, length);
        free(text);
        return -1;
    }
    UT_string *args, *trace;
    utstring_new(args);
    utstring_new(trace);
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        static const char *const own[] = {"profile ", "seed ", "arch ", "frames "};
        if (n > 6 && !strncmp(p, "# ARG ", 6)) {
            bool mine = false;
            for (size_t k = 0; k < VM_ARRAY_LEN(own); k++)
                mine |= !strncmp(p + 6, own[k], strlen(own[k]));
            if (!mine)
                utstring_printf(args, "ARG %.*s\n", (int)(n - 6), p + 6);
        } else if (n && p[0] != '#' && strncmp(p, "options ", 8)) { /* the quiz states the machine */
            utstring_printf(trace, "%.*s\n", (int)n, p);
            c->nlines++;
        }
        p += n + (p[n] == '\n');
    }
    free(text);
    c->args = quiz_take_string(args);
    c->len = utstring_len(trace);
    c->trace = quiz_take_string(trace);

    cfg->replace = true;
    cfg->swap_slots = (uint32_t)c->pages;
    cfg->policy = (enum policy_kind)policy;
    c->run.policy = policy;
    utstring_new(c->run.vwhy);
    struct explain x;
    struct vm_observer obs[2];
    explain_init(&x, quiz_keep_why, c->run.vwhy);
    explain_observer(&x, &obs[0]);
    obs[1] = (struct vm_observer){.wants = FACT_BIT(FACT_EVICT) | FACT_BIT(FACT_FAULT) | FACT_BIT(FACT_ACCESS),
                                  .ctx = &c->run,
                                  .begin = pr_begin,
                                  .fact = pr_fact,
                                  .end = pr_end};
    status = quiz_run_trace(cfg, c->trace, c->len, obs, 2);
    explain_destroy(&x);
    utstring_free(c->run.vwhy);
    c->run.vwhy = NULL;
    if (status || !c->run.nrows) {
        snprintf(err, errlen, "the reference string did not run on this machine");
        cand_free(c);
        return -1;
    }
    for (size_t i = 0; i < c->run.nrows; i++) {
        c->evictions += c->run.rows[i].evicts;
        c->hits += c->run.rows[i].hit;
    }
    return 0;
}

#define QUIZ_POLICY_TRIES 16 /* drawn strings tried for one that is worth asking about */

int quiz_policy_make(const struct quiz_opts *o, struct quiz *qz, char *err, size_t errlen)
{
    struct vm_config def;
    vm_config_default(&def);
    const struct vm_config *c = &o->cfg;
    if (c->fork != def.fork || c->zero_page || c->lazy_fork || c->pt_frames || c->oom != def.oom || c->swap_slots ||
        c->fault_around > 1 || c->exclusive_reuse || c->anon_vma) {
        snprintf(err, errlen, "the policy quiz takes no machine flag but --policy: it runs one process, with swap "
                              "for every page");
        return -1;
    }
    if (o->questions) {
        snprintf(err, errlen, "the policy quiz asks one question per access: --length N sets how many (or --string)");
        return -1;
    }
    /* the policy, the frames and the pages: drawn, then replaced by what is given */
    struct gen_rng rng;
    gen_rng_seed(&rng, o->gen.seed ^ POLICY_SALT);
    static const int drawn[] = {POL_FIFO, POL_LRU, POL_CLOCK, POL_OPT};
    int policy = drawn[gen_rng_below(&rng, VM_ARRAY_LEN(drawn))];
    uint64_t frames = 3 + gen_rng_below(&rng, 2);
    uint64_t pages = frames + 2 + gen_rng_below(&rng, 2);
    if (c->replace)
        policy = (int)c->policy;
    if (o->gen.frames)
        frames = o->gen.frames;
    struct gen_opts g = o->gen;
    g.profile = "refstring";
    g.shown = "policy";
    if (!g.arch)
        g.arch = "x86_64";
    g.frames = frames;
    const char *str = NULL;
    bool given_string = gen_opts_get(&g, "string", &str) && strcmp(str, "random");
    char pbuf[24], lbuf[24];
    snprintf(pbuf, sizeof pbuf, "%" PRIu64, pages);
    snprintf(lbuf, sizeof lbuf, "%d", QUIZ_POLICY_LENGTH);
    if ((!gen_opts_get(&g, "pages", NULL) && !given_string && gen_opts_set(&g, "pages", pbuf, err, errlen)) ||
        (!gen_opts_get(&g, "length", NULL) && !given_string && gen_opts_set(&g, "length", lbuf, err, errlen)) ||
        (!gen_opts_get(&g, "locality", NULL) && gen_opts_set(&g, "locality", QUIZ_POLICY_LOCALITY, err, errlen)) ||
        gen_opts_set(&g, "policy", policy_names[policy], err, errlen))
        return -1;
    vm_config_default(&qz->cfg);
    if (gen_machine(&g, &qz->cfg.arch, &qz->cfg.frames, err, errlen))
        return -1;
    if (o->check_only)
        return 0;
    if (policy == POL_RANDOM)
        qz->cfg.seed = o->gen.seed;

    /* the string: given, or the first of the strings drawn from the seed
     * and those after it whose run replaces a page at least once in four
     * accesses and hits at least once in six (else the one that replaces
     * most) */
    struct cand best = {0}, cur;
    for (unsigned t = 0; t < (given_string ? 1 : QUIZ_POLICY_TRIES); t++) {
        g.seed = o->gen.seed + t;
        if (candidate(&g, &qz->cfg, policy, &cur, err, errlen)) {
            cand_free(&best);
            return -1;
        }
        size_t n = cur.run.nrows;
        bool good = cur.evictions >= (n + 3) / 4 && cur.hits >= (n + 5) / 6;
        if (!best.trace || good || cur.evictions > best.evictions) {
            cand_free(&best);
            best = cur;
        } else {
            cand_free(&cur);
        }
        if (good)
            break;
    }
    qz->policy_quiz = true;
    qz->policy = policy;
    qz->args = vm_xprintf("ARG seed %" PRIu64 "\nARG profile %s\nARG arch %s\nARG frames %" PRIu32 "\n%s", o->gen.seed,
                   QUIZ_POLICY_PROFILE, qz->cfg.arch.name, qz->cfg.frames, best.args);
    qz->trace = best.trace;
    qz->len = best.len;
    qz->nlines = best.nlines;
    best.trace = NULL;
    pages = best.pages;
    const char *arch = strcmp(qz->cfg.arch.name, "x86_64") ? qz->cfg.arch.name : NULL;
    qz->flags = vm_xprintf("%s%s%s--frames %" PRIu32 " --swap %" PRIu64 "p --policy %s", arch ? "--arch " : "",
                    arch ? arch : "", arch ? " " : "", qz->cfg.frames, pages, policy_names[policy]);
    if (policy == POL_RANDOM) {
        char *f = vm_xprintf("%s --seed %" PRIu64, qz->flags, o->gen.seed);
        free(qz->flags);
        qz->flags = f;
    }

    /* the questions */
    struct prun *r = &best.run;
    qz->n = r->nrows;
    qz->asked = (unsigned)r->nrows;
    qz->q = vm_xcalloc(r->nrows, sizeof *qz->q);
    UT_string *s;
    utstring_new(s);
    for (size_t i = 0; i < r->nrows; i++) {
        struct row *w = &r->rows[i];
        struct quiz_question *q = &qz->q[i];
        q->kind = QK_ACCESS;
        q->line = w->line;
        q->page = w->page;
        q->write = w->write;
        q->hit = w->hit;
        q->evicts = w->evicts;
        q->victim = w->victim;
        q->text = vm_xprintf("Access: %" PRIu64 "%s  Hit/Miss?  Replaced?", w->page, w->write ? "w" : "");
        if (w->hit)
            q->answer = vm_xprintf("hit");
        else if (w->evicts)
            q->answer = vm_xprintf("miss, replaced %" PRIu64, w->victim);
        else
            q->answer = vm_xprintf("miss");
        q->reason = vm_xprintf("%s\n", w->vline);
        if (w->evicts)
            q->extra = vm_xprintf("frame %" PRIu32 " held page %" PRIu64 " [%s]", w->victim_frame, w->victim, w->why);
        q->memory = w->memory;
        w->memory = NULL;
        utstring_printf(s, "%s%" PRIu64 "%s", i ? "," : "", w->page, w->write ? "w" : "");
    }
    qz->string = quiz_take_string(s);
    qz->memory_head = vm_xprintf("%s", policy == POL_FIFO ? "FirstIn ->" : policy == POL_LRU ? "LRU ->" : "frames");
    if (policy == POL_RANDOM) { /* the draws, as many as there could be evictions */
        struct gen_rng d;
        gen_rng_seed(&d, o->gen.seed);
        UT_string *t;
        utstring_new(t);
        for (size_t i = 0; i < r->nrows; i++)
            utstring_printf(t, "%s%" PRIu64, i ? " " : "", gen_rng_next(&d) % qz->cfg.frames);
        qz->draws = quiz_take_string(t);
    }
    cand_free(&best);
    return 0;
}

/* ---- writing ------------------------------------------------------------------------ */

void quiz_policy_write(FILE *out, const struct quiz *qz, bool answers)
{
    static const char *const upper[POLICIES] = {"FIFO", "LRU", "CLOCK", "OPT", "RANDOM"};
    static const char *const tail[POLICIES] = {"<- LastIn", "<- MRU", "", "", ""};
    const struct arch *a = &qz->cfg.arch;
    uint32_t frames = qz->cfg.frames;
    fputs(qz->args, out);
    fprintf(out,
            "\nThe machine: %s\n  %" PRIu32 " %s, empty at the start, and swap for every page. Process 1 maps pages 0 "
            "to %" PRIu32 "\n  (page N at address N x %" PRIu64 ") and accesses them in the order of this reference "
            "string%s:\n\n    %s\n",
            qz->flags, frames, frames == 1 ? "frame" : "frames", qz->cfg.swap_slots - 1, a->page_size,
            strchr(qz->string, 'w') ? "\n  (w: a write)" : "", qz->string);
    fputs("\nThe trace:\n\n", out);
    uint64_t line = 0;
    for (const char *p = qz->trace; *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "%5" PRIu64 "  %.*s\n", ++line, (int)n, p);
        p += n + (p[n] == '\n');
    }
    fprintf(out, "\nThe policy: %s\n", policy_blurb[qz->policy]);
    if (qz->draws)
        fprintf(out, "Here the seed is %" PRIu64 ", and next() mod %" PRIu32 " gives, draw after draw:\n  %s\n",
                qz->cfg.seed, frames, qz->draws);
    fprintf(out,
            "\nAssuming a replacement policy of %s and a memory of %" PRIu32 " %s, say whether each\n"
            "access hits or misses, and which page each miss replaces (- while a frame is free).\n"
            "Answer one question a line: hit, miss, or miss and the page (Qn: miss, replaced 3).\n\n",
            upper[qz->policy], frames, frames == 1 ? "frame" : "frames");
    if (!answers) {
        for (size_t i = 0; i < qz->n; i++) {
            char lead[24];
            snprintf(lead, sizeof lead, "Q%zu.", i + 1);
            fprintf(out, "%-5s %s\n", lead, qz->q[i].text);
        }
        fprintf(out, "\n(vmsim quiz with the same options and -c prints the answers.)\n");
        return;
    }
    /* the answers: a row per access, as paging-policy.py -c prints them */
    size_t wacc = 0, wmem = 0, wvic = 1;
    char b[48];
    for (size_t i = 0; i < qz->n; i++) {
        const struct quiz_question *q = &qz->q[i];
        size_t l = (size_t)snprintf(b, sizeof b, "%" PRIu64 "%s", q->page, q->write ? "w" : "");
        wacc = l > wacc ? l : wacc;
        l = strlen(q->memory);
        wmem = l > wmem ? l : wmem;
        l = q->evicts ? (size_t)snprintf(b, sizeof b, "%" PRIu64, q->victim) : 1;
        wvic = l > wvic ? l : wvic;
    }
    unsigned hits = 0, misses = 0;
    for (size_t i = 0; i < qz->n; i++) {
        const struct quiz_question *q = &qz->q[i];
        hits += q->hit;
        misses += !q->hit;
        char acc[32], vic[32], lead[24];
        snprintf(acc, sizeof acc, "%" PRIu64 "%s", q->page, q->write ? "w" : "");
        if (q->evicts)
            snprintf(vic, sizeof vic, "%" PRIu64, q->victim);
        else
            snprintf(vic, sizeof vic, "-");
        snprintf(lead, sizeof lead, "Q%zu.", i + 1);
        fprintf(out, "%-5s Access: %-*s  %-4s  %s %-*s", lead, (int)wacc, acc, q->hit ? "HIT" : "MISS",
                qz->memory_head, (int)wmem, q->memory);
        if (*tail[qz->policy])
            fprintf(out, " %s", tail[qz->policy]);
        fprintf(out, "  Replaced:%-*s  [Hits:%u Misses:%u]\n", (int)wvic, vic, hits, misses);
        if (q->extra)
            fprintf(out, "      because: %s\n", q->extra);
    }
    fprintf(out, "\nFINALSTATS hits %u   misses %u   hitrate %.2f\n", hits, misses,
            qz->n ? 100.0 * hits / (double)qz->n : 0.0);
    if (qz->policy == POL_CLOCK)
        fprintf(out, "\n(frames: the page in each frame, from frame 0; > the hand, * a page whose bit is set.)\n");
    else if (qz->policy == POL_OPT || qz->policy == POL_RANDOM)
        fprintf(out, "\n(frames: the page in each frame, from frame 0; - a free frame.)\n");
    fprintf(out, "(The reasons count time as the machine does: its clock ticks at each access and each\n"
                 "page loaded. vmsim run -v with the options of The machine: explains every line.)\n");
}

/* ---- checking answers ------------------------------------------------------------------ */

static const char *const filler[] = {"replaced", "replace", "replaces", "evicted", "evicts", "evict", "eviction",
                                     "victim",   "page",    "it",       "is",      "the",    "a",     "and",
                                     "with",     "out",     "of",       "answer",  "was",    NULL};

int quiz_policy_check(const struct quiz_question *q, const char *answer, char *why, size_t whylen)
{
    int result = -1; /* 1 hit, 0 miss */
    int numbers = 0, nones = 0;
    uint64_t victim = 0;
    bool ok = true;
    for (const char *p = answer; *p && ok;) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '-') {
            nones++;
            p++;
            continue;
        }
        if (!isalnum(ch)) {
            p++;
            continue;
        }
        char w[QUIZ_WORD_MAX];
        if (quiz_word(&p, w)) {
            ok = false;
            break;
        }
        if (isdigit((unsigned char)w[0])) {
            char *end;
            victim = strtoull(w, &end, 10);
            ok = !*end;
            numbers++;
        } else if (!strcmp(w, "hit") || !strcmp(w, "h") || !strcmp(w, "miss") || !strcmp(w, "m")) {
            int r = w[0] == 'h';
            ok = result < 0 || result == r;
            result = r;
        } else if (!strcmp(w, "none") || !strcmp(w, "nothing") || !strcmp(w, "no")) {
            nones++;
        } else {
            ok = quiz_is_one_of(w, filler);
        }
    }
    if (!ok || result < 0 || numbers > 1 || (numbers && nones)) {
        snprintf(why, whylen, "hit, miss, or miss and the page it replaced (miss, replaced 3)");
        return -1;
    }
    if (result == 1)
        return q->hit && !numbers;
    if (q->hit)
        return 0;
    return numbers ? q->evicts && victim == q->victim : !q->evicts;
}
