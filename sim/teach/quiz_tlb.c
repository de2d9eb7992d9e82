/* quiz_tlb.c -- the TLB quiz: a loop over a few pages and a ping-pong of two
 * processes, on a TLB of 4 entries; does each access hit or miss in the TLB?
 * (see quiz.h, quiz_tlb.h).
 *
 * The trace is gen's tlb workload. It runs once through the library's run
 * loop on the quiz's TLB, with an observer that keeps, from the model's
 * FACT_TLB facts, whether each access hit or missed, its set, the entry a
 * miss replaced and what a context switch flushed, and after each access
 * the TLB's entries as the model holds them; the -v explainer gives each
 * line's reason. Nothing here decides a hit: the answers are what the
 * model did. */
#include "quiz_tlb.h"
#include "quiz_kit.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>
#include <utstring.h>

#include "vmsim/aspace.h"
#include "vmsim/explain.h"
#include "vmsim/gen.h"
#include "vmsim/machine.h"
#include "vmsim/proc.h"
#include "vmsim/runner.h"
#include "vmsim/tlb.h"
#include "vmsim/util.h"

#define TLB_SALT UINT64_C(0x544c4221) /* "TLB!": the draws of the TLB and the sizes */
#define QUIZ_TLB_ENTRIES 4
#define QUIZ_TLB_ARCH "tiny"

/* ---- the run ------------------------------------------------------------------ */

/* one access, as the run saw it */
struct trow {
    uint64_t line, page;
    uint32_t pid, set;
    bool write, looked, hit;
    char *note;   /* what the TLB did beside the lookup: a flush, a replacement (NULL: nothing) */
    char *vline;  /* "line N: write 1 30p: ..." */
    char *memory; /* the entries after it */
};

struct trun {
    uint64_t page_size;
    struct trow *rows;
    size_t nrows, cap;
    struct trow *cur; /* the access in progress (NULL: another event) */
    UT_string *vwhy;  /* the -v explanation of the event just done */
    UT_string *note;
};

static int tr_begin(void *ctx, struct vm *vm, const struct ev *ev)
{
    struct trun *r = ctx;
    r->page_size = vm->arch->page_size;
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
    r->cur->pid = ev->pid;
    r->cur->page = ev->addr / r->page_size;
    r->cur->write = ev->op == EV_WRITE;
    utstring_clear(r->note);
    return 0;
}

static void tr_fact(void *ctx, struct vm *vm, const struct fact *f)
{
    struct trun *r = ctx;
    (void)vm;
    if (!r->cur || f->kind != FACT_TLB)
        return;
    const struct tlb_fact *t = &f->u.tlb;
    switch (t->what) {
    case TLB_SWITCH:
        if (t->entries)
            utstring_printf(r->note, "%scontext switch from process %" PRIu32 ": flushed %" PRIu64 " %s",
                            utstring_len(r->note) ? "; " : "", f->pid2, t->entries,
                            vm_plural(t->entries, "entry", "entries"));
        break;
    case TLB_HIT:
    case TLB_MISS:
        r->cur->looked = true;
        r->cur->hit = t->what == TLB_HIT;
        r->cur->set = t->set;
        if (t->what == TLB_MISS && t->read_only)
            utstring_printf(r->note, "%sits read-only entry cannot take the write", utstring_len(r->note) ? "; " : "");
        break;
    case TLB_FILL:
        if (t->replaced)
            utstring_printf(r->note, "%sset %" PRIu32 ": replaced %" PRIu32 ":%" PRIu64 " (least recently used)",
                            utstring_len(r->note) ? "; " : "", t->set, t->old_pid, t->old_page);
        break;
    default:
        break;
    }
}

/* pid_of: the lowest pid of address space id (0: none) */
static uint32_t pid_of(struct vm *vm, uint32_t id)
{
    uint32_t pid = 0;
    struct proc *p, *tmp;
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        if (p->as && p->as->id == id && (!pid || p->pid < pid))
            pid = p->pid;
    }
    return pid;
}

/* tlb_text: the entries, set by set (| between sets, - an empty one), each
 * from its least to its most recently used, as PID:PAGE */
static char *tlb_text(struct vm *vm)
{
    const struct tlb *t = &vm->tlb;
    UT_string *s;
    utstring_new(s);
    utstring_printf(s, "[");
    uint32_t *order = vm_xmalloc((t->ways ? t->ways : 1) * sizeof *order);
    for (uint32_t set = 0; set < t->sets; set++) {
        uint32_t n = 0;
        for (uint32_t k = t->mru[set]; k != TLB_NONE && n < t->ways; k = tlb_older(t, k))
            order[n++] = k;
        if (set)
            utstring_printf(s, " | ");
        if (!n)
            utstring_printf(s, "-");
        for (uint32_t j = n; j-- > 0;)
            utstring_printf(s, "%s%" PRIu32 ":%" PRIu64, j + 1 < n ? " " : "", pid_of(vm, t->e[order[j]].as),
                            t->e[order[j]].page);
    }
    free(order);
    utstring_printf(s, "]");
    return quiz_take_string(s);
}

static int tr_end(void *ctx, struct vm *vm, const struct ev *ev, int res)
{
    struct trun *r = ctx;
    (void)res;
    if (!r->cur)
        return 0;
    r->cur->vline = vm_xprintf("line %" PRIu64 ": %.*s%s", ev->line, (int)ev->text.len, ev->text.s, utstring_body(r->vwhy));
    r->cur->memory = tlb_text(vm);
    if (utstring_len(r->note))
        r->cur->note = vm_xstrndup(utstring_body(r->note), utstring_len(r->note));
    r->cur = NULL;
    return 0;
}

static void trun_free(struct trun *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        free(r->rows[i].note);
        free(r->rows[i].vline);
        free(r->rows[i].memory);
    }
    free(r->rows);
}

/* ---- making the quiz ---------------------------------------------------------- */

int quiz_tlb_make(const struct quiz_opts *o, struct quiz *qz, char *err, size_t errlen)
{
    struct vm_config def;
    vm_config_default(&def);
    const struct vm_config *c = &o->cfg;
    if (c->fork != def.fork || c->zero_page || c->lazy_fork || c->pt_frames || c->oom != def.oom || c->replace ||
        c->fault_around > 1 || c->exclusive_reuse || c->anon_vma) {
        snprintf(err, errlen, "the tlb quiz takes no machine flag but --tlb, --tlb-ways and --asid");
        return -1;
    }
    if (o->questions) {
        snprintf(err, errlen, "the tlb quiz asks one question per access: --pages, --trials, --turns and "
                              "--turn-pages set how many");
        return -1;
    }
    for (size_t i = 0; i < o->gen.nsettings; i++) {
        const char *n = o->gen.settings[i].name;
        if (!strcmp(n, "tlb") || !strcmp(n, "tlb-ways") || !strcmp(n, "asid")) {
            snprintf(err, errlen, "--%s is the quiz's machine: give it as for vmsim run", n);
            return -1;
        }
    }
    /* the TLB and the loop: drawn, then replaced by what is given */
    struct gen_rng rng;
    gen_rng_seed(&rng, o->gen.seed ^ TLB_SALT);
    static const uint32_t ways_drawn[] = {QUIZ_TLB_ENTRIES, 2, 1};
    uint32_t entries = QUIZ_TLB_ENTRIES, ways = ways_drawn[gen_rng_below(&rng, VM_ARRAY_LEN(ways_drawn))];
    bool asid = gen_rng_below(&rng, 2) != 0;
    uint64_t pages = entries - 1 + gen_rng_below(&rng, 3);
    if (c->tlb_entries) {
        entries = c->tlb_entries;
        ways = c->tlb_ways ? c->tlb_ways : entries;
        asid = c->asid;
    } else if (o->asid_given) { /* the TLB drawn, with or without address-space tags as given */
        asid = c->asid;
    }
    struct gen_opts g = o->gen;
    g.profile = "tlb";
    if (!g.arch)
        g.arch = QUIZ_TLB_ARCH;
    char ebuf[24], wbuf[24], pbuf[24];
    snprintf(ebuf, sizeof ebuf, "%" PRIu32, entries);
    snprintf(wbuf, sizeof wbuf, "%" PRIu32, ways);
    snprintf(pbuf, sizeof pbuf, "%" PRIu64, pages);
    if ((!gen_opts_get(&g, "pages", NULL) && gen_opts_set(&g, "pages", pbuf, err, errlen)) ||
        (!gen_opts_get(&g, "trials", NULL) && gen_opts_set(&g, "trials", "2", err, errlen)) ||
        (!gen_opts_get(&g, "turns", NULL) && gen_opts_set(&g, "turns", "4", err, errlen)) ||
        (!gen_opts_get(&g, "turn-pages", NULL) && gen_opts_set(&g, "turn-pages", "2", err, errlen)) ||
        gen_opts_set(&g, "tlb", ebuf, err, errlen) || gen_opts_set(&g, "tlb-ways", wbuf, err, errlen) ||
        gen_opts_set(&g, "asid", asid ? "on" : "off", err, errlen))
        return -1;
    qz->cfg = def;
    if (gen_machine(&g, &qz->cfg.arch, &qz->cfg.frames, err, errlen))
        return -1;
    if (o->check_only)
        return 0;
    qz->cfg.tlb_entries = entries;
    qz->cfg.tlb_ways = ways;
    qz->cfg.asid = asid;

    /* the trace, without its comments and options line; its ARG lines */
    char *text = NULL;
    size_t tlen = 0;
    FILE *m = open_memstream(&text, &tlen);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int status = gen_trace(&g, m, err, errlen);
    fclose(m);
    if (status) {
        free(text);
        return -1;
    }
    UT_string *args, *trace;
    utstring_new(args);
    utstring_new(trace);
    uint64_t accesses = 0;
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
            qz->nlines++;
            accesses += !strncmp(p, "read ", 5) || !strncmp(p, "write ", 6);
        }
        p += n + (p[n] == '\n');
    }
    free(text);
    qz->tlb_quiz = true;
    qz->args = vm_xprintf("ARG seed %" PRIu64 "\nARG profile %s\nARG arch %s\nARG frames %" PRIu32 "\n%s", o->gen.seed,
                   QUIZ_TLB_PROFILE, qz->cfg.arch.name, qz->cfg.frames, utstring_body(args));
    utstring_free(args);
    qz->len = utstring_len(trace);
    qz->trace = quiz_take_string(trace);
    if (accesses > QUIZ_MAX_QUESTIONS) {
        snprintf(err, errlen, "a tlb quiz has at most %d accesses, not %" PRIu64 " (fewer --pages, --trials, --turns "
                              "or --turn-pages)",
                 QUIZ_MAX_QUESTIONS, accesses);
        quiz_free(qz);
        return -1;
    }
    qz->flags = vm_xprintf("--arch %s --frames %" PRIu32 " --tlb %" PRIu32 "%s%s%s", qz->cfg.arch.name, qz->cfg.frames,
                    entries, ways != entries ? " --tlb-ways " : "", ways != entries ? wbuf : "", asid ? " --asid" : "");

    /* the run */
    struct trun r = {0};
    utstring_new(r.vwhy);
    utstring_new(r.note);
    struct explain x;
    struct vm_observer obs[2];
    explain_init(&x, quiz_keep_why, r.vwhy);
    explain_observer(&x, &obs[0]);
    obs[1] = (struct vm_observer){
        .wants = FACT_BIT(FACT_TLB), .ctx = &r, .begin = tr_begin, .fact = tr_fact, .end = tr_end};
    status = quiz_run_trace(&qz->cfg, qz->trace, qz->len, obs, 2);
    explain_destroy(&x);
    utstring_free(r.vwhy);
    utstring_free(r.note);
    if (status || !r.nrows) {
        snprintf(err, errlen, "the trace did not run on this machine");
        trun_free(&r);
        quiz_free(qz);
        return -1;
    }

    /* the questions: one per access that looked up the TLB */
    qz->q = vm_xcalloc(r.nrows, sizeof *qz->q);
    for (size_t i = 0; i < r.nrows; i++) {
        struct trow *w = &r.rows[i];
        if (!w->looked)
            continue;
        struct quiz_question *q = &qz->q[qz->n++];
        q->kind = QK_TLB;
        q->line = w->line;
        q->pid = w->pid;
        q->page = w->page;
        q->set = w->set;
        q->write = w->write;
        q->hit = w->hit;
        q->text = vm_xprintf("Line %3" PRIu64 ": %s %" PRIu32 " %" PRIu64 "p  TLB hit or miss?", w->line,
                      w->write ? "write" : "read", w->pid, w->page);
        q->answer = vm_xprintf("%s", w->hit ? "hit" : "miss");
        q->reason = vm_xprintf("%s\n", w->vline);
        q->extra = w->note;
        w->note = NULL;
        q->memory = w->memory;
        w->memory = NULL;
    }
    qz->asked = (unsigned)qz->n;
    trun_free(&r);
    return 0;
}

/* ---- writing ------------------------------------------------------------------------ */

void quiz_tlb_write(FILE *out, const struct quiz *qz, bool answers)
{
    const struct vm_config *c = &qz->cfg;
    uint32_t sets = c->tlb_entries / (c->tlb_ways ? c->tlb_ways : c->tlb_entries);
    fputs(qz->args, out);
    fprintf(out, "\nThe machine: %s\n  %" PRIu64 "-byte pages (the trace writes page N as Np).\n  A TLB of %" PRIu32
                 " entries, ",
            qz->flags, c->arch.page_size, c->tlb_entries);
    if (sets == 1)
        fprintf(out, "fully associative (one set);\n");
    else if (sets == c->tlb_entries)
        fprintf(out, "direct-mapped (%" PRIu32 " sets of one way);\n  page N goes to set N mod %" PRIu32 ";\n", sets,
                sets);
    else
        fprintf(out, "%" PRIu32 " sets of %" PRIu32 " ways;\n  page N goes to set N mod %" PRIu32 ";\n", sets,
                c->tlb_entries / sets, sets);
    fprintf(out, "  a full set replaces its least recently used entry. It starts empty.\n");
    if (c->asid)
        fprintf(out, "  With --asid, entries are tagged by process: a context switch flushes nothing.\n");
    else
        fprintf(out, "  Without --asid, a context switch (an access by another process than the one\n"
                     "  before) flushes the whole TLB.\n");
    fputs("\nThe trace:\n\n", out);
    uint64_t line = 0;
    for (const char *p = qz->trace; *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "%5" PRIu64 "  %.*s\n", ++line, (int)n, p);
        p += n + (p[n] == '\n');
    }
    fprintf(out, "\nSay whether each access hits or misses in the TLB.\n"
                 "Answer one question a line: hit or miss (Qn: miss).\n\n");
    if (!answers) {
        for (size_t i = 0; i < qz->n; i++) {
            char lead[24];
            snprintf(lead, sizeof lead, "Q%zu.", i + 1);
            fprintf(out, "%-5s %s\n", lead, qz->q[i].text);
        }
        fprintf(out, "\n(vmsim quiz with the same options and -c prints the answers.)\n");
        return;
    }
    /* the answers: a row per access, the TLB after it */
    size_t wacc = 0, wmem = 0;
    char b[64];
    for (size_t i = 0; i < qz->n; i++) {
        const struct quiz_question *q = &qz->q[i];
        size_t l = (size_t)snprintf(b, sizeof b, "%s %" PRIu32 " %" PRIu64 "p", q->write ? "write" : "read", q->pid,
                                    q->page);
        wacc = l > wacc ? l : wacc;
        l = strlen(q->memory);
        wmem = l > wmem ? l : wmem;
    }
    unsigned hits = 0, misses = 0;
    for (size_t i = 0; i < qz->n; i++) {
        const struct quiz_question *q = &qz->q[i];
        hits += q->hit;
        misses += !q->hit;
        char lead[24];
        snprintf(lead, sizeof lead, "Q%zu.", i + 1);
        snprintf(b, sizeof b, "%s %" PRIu32 " %" PRIu64 "p", q->write ? "write" : "read", q->pid, q->page);
        fprintf(out, "%-5s Line %3" PRIu64 ": %-*s  %-4s  set %" PRIu32 "  TLB %-*s  [Hits:%u Misses:%u]\n", lead,
                q->line, (int)wacc, b, q->hit ? "HIT" : "MISS", q->set, (int)wmem, q->memory, hits, misses);
        if (q->extra)
            fprintf(out, "      because: %s\n", q->extra);
    }
    fprintf(out, "\nFINALSTATS hits %u   misses %u   hitrate %.2f\n", hits, misses,
            qz->n ? 100.0 * hits / (double)qz->n : 0.0);
    fprintf(out, "(TLB: PID:PAGE for each entry, each set from its least to its most recently used,\n"
                 "| between sets, - an empty set. vmsim run -v with the options of The machine:\n"
                 "explains every line.)\n");
}

/* ---- checking answers ------------------------------------------------------------------ */

static const char *const filler[] = {"tlb", "it", "is", "a", "an", "the", "answer", "in", "was", "its", NULL};

int quiz_tlb_check(const struct quiz_question *q, const char *answer, char *why, size_t whylen)
{
    int result = -1; /* 1 hit, 0 miss */
    bool ok = true;
    for (const char *p = answer; *p && ok;) {
        if (!isalnum((unsigned char)*p)) {
            p++;
            continue;
        }
        char w[QUIZ_WORD_MAX];
        if (quiz_word(&p, w)) {
            ok = false;
            break;
        }
        if (!strcmp(w, "hit") || !strcmp(w, "h") || !strcmp(w, "miss") || !strcmp(w, "m") || !strcmp(w, "hits") ||
            !strcmp(w, "misses")) {
            int r = w[0] == 'h';
            ok = result < 0 || result == r;
            result = r;
        } else {
            ok = quiz_is_one_of(w, filler);
        }
    }
    if (!ok || result < 0) {
        snprintf(why, whylen, "hit or miss");
        return -1;
    }
    return result == (q->hit ? 1 : 0);
}
