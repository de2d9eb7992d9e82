/* gen.c -- trace generators (see gen.h).
 *
 *   - the PRNG (splitmix64) and the parameters of each profile;
 *   - the state the lines create is the library's: every line written goes
 *     through the parser and, but for the accesses, runs on a machine of
 *     its own (processes, parents, zombies, vfork suspension, address
 *     spaces with their VMAs and heaps, programs), as `vmsim run` would run
 *     it; no page is ever present there. A line either rejects is an
 *     internal error. Beside it gen keeps what steers its choices, per
 *     address space: the frames it could need, the accesses made, the pages
 *     touched, whether a fork made it;
 *   - the random problems: each step draws a kind of event by the
 *     profile's weights and a valid instance of it;
 *   - the workloads: scripts over the same emitters.
 *
 * The body is built in memory, so that the `program` lines of the programs
 * it used can come first. Nothing here reads a clock, the environment or
 * rand(), and no decision uses floating point. */
#include "vmsim/gen.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>
#include <utlist.h>
#include <utstring.h>

#include "vmsim/aspace.h"
#include "vmsim/engine.h"
#include "vmsim/event.h"
#include "vmsim/frames.h"
#include "vmsim/number.h"
#include "vmsim/proc.h"
#include "vmsim/trace.h"
#include "vmsim/util.h"
#include "vmsim/vma.h"

#if defined(__GNUC__)
#define GEN_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define GEN_PRINTF(a, b)
#endif

/* ---- PRNG ---------------------------------------------------------------- */

void gen_rng_seed(struct gen_rng *r, uint64_t seed) { r->state = seed; }

uint64_t gen_rng_next(struct gen_rng *r)
{
    uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t gen_rng_below(struct gen_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    /* 2^64 mod n values at the bottom would make small results likelier:
     * the draws left above them are a whole number of rounds of n */
    uint64_t zone = (0 - n) % n;
    for (;;) {
        uint64_t x = gen_rng_next(r);
        if (x >= zone)
            return x % n;
    }
}

/* ---- parameters ------------------------------------------------------------ */

#define MILLION UINT64_C(1000000)

static const struct gen_param_info p_shell[] = {
    {"commands", GP_COUNT, "8", NULL, 1, 100000, NULL, "commands the shell runs, one after the other"},
    {"spawn", GP_WORD, "fork", NULL, 0, 0, "fork|vfork",
     "how the shell starts a command: fork then exec, or vfork then exec (as posix_spawn does)"},
    {"size", GP_SIZE, "1M", "1K", 1, 0, NULL, "the shell's heap, written before the first command"},
    {"pages", GP_COUNT, "4", "2", 1, 64, NULL, "the most heap pages a command writes (each writes 1 to this many)"},
};

static const struct gen_param_info p_prefork[] = {
    {"workers", GP_COUNT, "4", "3", 1, 10000, NULL, "worker processes the master forks"},
    {"size", GP_SIZE, "4M", "2K", 1, 0, NULL, "the master's heap, written before the workers are forked"},
    {"write", GP_FRACTION, "0.1", "0.25", 0, MILLION, NULL,
     "the fraction of the heap a worker writes in each round: one run of pages at a random place"},
    {"rounds", GP_COUNT, "3", "2", 1, 10000, NULL, "rounds of requests; in each, every worker writes once"},
};

static const struct gen_param_info p_snapshot[] = {
    {"size", GP_SIZE, "16M", "4K", 1, 0, NULL, "the data set: a heap written before the fork"},
    {"write", GP_FRACTION, "0.25", NULL, 0, MILLION, NULL,
     "the fraction of the data pages the parent writes while the child saves"},
    {"steps", GP_COUNT, "16", "4", 1, 4096, NULL,
     "steps of the save: in each the child reads the next part of the data and the parent writes its share"},
};

static const struct gen_param_info p_zygote[] = {
    {"apps", GP_COUNT, "4", "3", 1, 10000, NULL, "apps forked from the zygote"},
    {"size", GP_SIZE, "8M", "4K", 1, 0, NULL, "the zygote's preloaded heap"},
    {"share", GP_FRACTION, "0.5", NULL, 0, MILLION, NULL, "the fraction of the inherited heap an app reads"},
    {"write", GP_FRACTION, "0.1", "0.25", 0, MILLION, NULL,
     "the fraction of the pages it reads that an app also writes"},
    {"new", GP_SIZE, "1M", "512", 0, 0, NULL, "new memory each app maps and writes"},
};

static const struct gen_param_info p_build[] = {
    {"jobs", GP_COUNT, "12", "6", 1, 100000, NULL, "compiler processes make runs"},
    {"j", GP_COUNT, "4", "2", 1, 1000, NULL, "the most compilers running at a time (make -j)"},
    {"size", GP_SIZE, "2M", "1K", 1, 0, NULL,
     "the most memory a compiler maps and writes (each takes half of it to all of it)"},
    {"spawn", GP_WORD, "fork", NULL, 0, 0, "fork|vfork", "how make starts a compiler: fork or vfork, then exec"},
};

static const struct gen_param_info p_cowtest[] = {
    {"variant", GP_WORD, "simple", NULL, 0, 0, "simple|three",
     "simple: a process holding two thirds of memory forks; three: a process, its child and its grandchild "
     "write a quarter of memory"},
    {"rounds", GP_COUNT, "0", NULL, 0, 100, NULL,
     "times the test runs (0: as xv6's cowtest does, 2 for simple, 3 for three)"},
    {"steps", GP_COUNT, "4", NULL, 1, 64, NULL,
     "three: each pass over the pages is this many touch lines, so that the processes interleave"},
};

static const struct gen_param_info p_refstring[] = {
    {"pages", GP_COUNT, "8", NULL, 1, 1000000, NULL,
     "distinct pages: the mapping holds pages 0 .. pages-1 (with --string: at least its largest + 1)"},
    {"length", GP_COUNT, "20", NULL, 1, 1000000, NULL, "accesses in the string (with --string: its length)"},
    {"locality", GP_FRACTION, "0.75", NULL, 0, MILLION, NULL,
     "how often an access goes to the window of recent pages; the others go anywhere and move the window there"},
    {"window", GP_COUNT, "3", NULL, 1, 1000000, NULL, "pages in the window"},
    {"writes", GP_FRACTION, "0", NULL, 0, MILLION, NULL, "the fraction of accesses that are writes"},
    {"policy", GP_WORD, "fifo", NULL, 0, 0, "fifo|lru|clock|opt|random", "the policy the options line names"},
    {"string", GP_LIST, "random", NULL, 0, 0, NULL,
     "the string itself (1,2,3,1w: page numbers, w a write), or random: drawn by the parameters above"},
};

static const struct gen_param_info p_swap[] = {
    {"workers", GP_COUNT, "3", NULL, 1, 1000, NULL, "worker processes the master forks"},
    {"size", GP_SIZE, "8p", NULL, 1, 0, NULL, "the master's heap, written before the workers are forked"},
    {"rounds", GP_COUNT, "3", NULL, 1, 10000, NULL,
     "rounds of work: in each, every worker reads the hot quarter of the heap, writes part of it, "
     "the shared memory, the log and reads the config"},
    {"write", GP_FRACTION, "0.25", NULL, 0, MILLION, NULL, "the fraction of the heap a worker writes in each round"},
    {"policy", GP_WORD, "clock", NULL, 0, 0, "fifo|lru|clock|opt|random", "the policy the options line names"},
};

static const struct gen_param_info p_tlb[] = {
    {"pages", GP_COUNT, "16", NULL, 0, 1000000, NULL,
     "pages the loop writes, one page apart, as OSTEP's tlb.c does (0: no loop)"},
    {"trials", GP_COUNT, "4", NULL, 1, 100000, NULL, "times the loop goes over its pages"},
    {"turns", GP_COUNT, "8", NULL, 0, 100000, NULL,
     "turns of the ping-pong: two processes take turns touching their own pages (0: none)"},
    {"turn-pages", GP_COUNT, "4", NULL, 1, 100000, NULL, "pages each process of the ping-pong touches in a turn"},
    {"tlb", GP_COUNT, "16", NULL, 1, 65536, NULL, "the TLB's entries, as the options line names them (--tlb)"},
    {"tlb-ways", GP_COUNT, "0", NULL, 0, 65536, NULL,
     "its ways per set, as the options line names them (0: one set, fully associative)"},
    {"asid", GP_WORD, "off", NULL, 0, 0, "off|on", "whether the options line names --asid"},
};

#define RANDOM_PARAMS(name, procs, events)                                                                    \
    static const struct gen_param_info name[] = {                                                           \
        {"procs", GP_COUNT, procs, NULL, 1, 1000, NULL,                                                      \
         "the most processes at a time (running, suspended or zombie)"},                                     \
        {"events", GP_COUNT, events, NULL, 1, 1000000, NULL, "event lines"},                                 \
    }

RANDOM_PARAMS(p_forktree, "5", "12");
RANDOM_PARAMS(p_cow, "3", "12");
RANDOM_PARAMS(p_exec, "4", "12");
RANDOM_PARAMS(p_shared, "3", "12");
RANDOM_PARAMS(p_pressure, "4", "20");
RANDOM_PARAMS(p_mixed, "4", "16");

#define PARAMS(a) a, VM_ARRAY_LEN(a)

static const struct gen_profile_info profiles[] = {
    {"shell", true, "x86_64", 0, "a shell forks and execs commands that touch a few pages and exit; it waits for each",
     PARAMS(p_shell)},
    {"prefork", true, "x86_64", 0,
     "a server master writes its heap, forks workers, and the workers write part of their heaps, round after round",
     PARAMS(p_prefork)},
    {"snapshot", true, "x86_64", 0,
     "Redis BGSAVE: a process forks a child that reads all its data while the parent keeps writing",
     PARAMS(p_snapshot)},
    {"zygote", true, "x86_64", 0,
     "Android's zygote: a preloaded parent forks apps that use part of the inherited heap and map their own",
     PARAMS(p_zygote)},
    {"build", true, "x86_64", 0, "make -j: many short-lived compilers, forked and exec'd, that map, write and exit",
     PARAMS(p_build)},
    {"cowtest", true, "sv39", 0, "xv6's cowtest (simple or three), sized on the frames as xv6 sizes it on its memory",
     PARAMS(p_cowtest)},
    {"refstring", true, "x86_64", 3,
     "one process reads (and writes) a reference string of pages: the classic replacement exercise",
     PARAMS(p_refstring)},
    {"swap", true, "tiny", 16,
     "a server forks workers that share its heap, shared memory and files, on a machine too small: every kind "
     "of eviction and swap-in",
     PARAMS(p_swap)},
    {"tlb", true, "x86_64", 0,
     "OSTEP's TLB measurement: a loop writes N pages one page apart, trial after trial; then two processes "
     "take turns",
     PARAMS(p_tlb)},
    {"forktree", false, "x86_64", 0, "process trees: fork, vfork, exec, exit, wait, orphans and zombies",
     PARAMS(p_forktree)},
    {"cow", false, "x86_64", 0, "copy-on-write: writes before and after forks, copies and reuses",
     PARAMS(p_cow)},
    {"exec", false, "x86_64", 0, "fork and vfork then exec: program images, text shared through the page cache",
     PARAMS(p_exec)},
    {"shared", false, "x86_64", 0, "shared and file mappings across forks, munmap and mprotect", PARAMS(p_shared)},
    {"pressure", false, "tiny", 12, "more memory than the machine has: reclaim and the OOM killer",
     PARAMS(p_pressure)},
    {"mixed", false, "x86_64", 0, "every kind of event", PARAMS(p_mixed)},
};

const struct gen_profile_info *gen_profiles(size_t *n)
{
    *n = VM_ARRAY_LEN(profiles);
    return profiles;
}

const struct gen_profile_info *gen_profile_find(const char *name)
{
    for (size_t i = 0; i < VM_ARRAY_LEN(profiles); i++)
        if (!strcmp(profiles[i].name, name))
            return &profiles[i];
    return NULL;
}

void gen_opts_default(struct gen_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seed = GEN_DEFAULT_SEED;
}

int gen_opts_set(struct gen_opts *o, const char *name, const char *value, char *err, size_t errlen)
{
    for (size_t i = 0; i < o->nsettings; i++)
        if (!strcmp(o->settings[i].name, name)) {
            o->settings[i].value = value;
            return 0;
        }
    if (o->nsettings == GEN_MAX_PARAMS) {
        snprintf(err, errlen, "too many parameters (at most %d)", GEN_MAX_PARAMS);
        return -1;
    }
    o->settings[o->nsettings].name = name;
    o->settings[o->nsettings].value = value;
    o->nsettings++;
    return 0;
}

bool gen_opts_get(const struct gen_opts *o, const char *name, const char **value)
{
    for (size_t i = 0; i < o->nsettings; i++)
        if (!strcmp(o->settings[i].name, name)) {
            if (value)
                *value = o->settings[i].value;
            return true;
        }
    return false;
}

/* fail: a message in err; -1 */
static int fail(char *err, size_t errlen, const char *fmt, ...) GEN_PRINTF(3, 4);
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- the state -------------------------------------------------------------- */

/* a set of byte ranges: sorted, disjoint, not touching */
struct ivs {
    uint64_t *a; /* [a[2i], a[2i+1]) */
    size_t n, cap;
};

/* what gen keeps of an address space beside the library's, by the space's
 * id (ids are never used twice) */
struct asx {
    uint32_t id;
    uint64_t cost;      /* frames it could need at most (see vmas_cost) */
    uint64_t accesses;  /* accesses made in it, to steer the random problems */
    struct ivs touched; /* pages accessed (random problems only) */
    bool forked;        /* made by a fork: its process has not exec'd since */
    UT_hash_handle hh;
};

#define GEN_MAX_PROGS 16

struct mprog {
    const char *name;
    uint64_t seg[SEG_COUNT]; /* bytes */
    bool used;               /* a line names it: its `program` line is written */
    bool declared;           /* declared to the model */
    uint64_t cost;           /* once declared: the frames of a new image (see vmas_cost) */
};

struct gen {
    const struct gen_profile_info *prof;
    struct arch arch;
    uint64_t frames;
    uint64_t seed;
    uint64_t val[GEN_MAX_PARAMS];
    bool given[GEN_MAX_PARAMS]; /* set in the options (else the default) */
    struct gen_rng rng;
    UT_string body;
    uint64_t nevents;
    int pidx;   /* the profile's index */
    bool small; /* fewer than 32 address bits */
    bool track; /* keep the pages each address space touched */

    struct mprog progs[GEN_MAX_PROGS];
    int nprogs;

    /* the state the lines create: a machine that runs every line but the
     * accesses (so no page is ever present), and what gen keeps beside it */
    struct vm *vm;
    struct asx *asx;   /* by address-space id */
    uint64_t as_total; /* the sum of the costs of the address spaces */
    uint32_t last_pid; /* pids are never used twice */

    /* workloads: derived sizes, set by the profile's prepare */
    uint64_t mbase; /* where the workload's mmaps go */
    uint64_t sz;    /* cowtest: the heap, in pages */
    int prog_main;
    int cprog[8]; /* shell: the commands; build: cc1 */
    int nc;

    /* refstring: the string of a GP_LIST parameter (none: random) */
    uint64_t *rs; /* page numbers, times 2, plus 1 for a write */
    size_t nrs;
    /* more options for the options line, and comment lines to write after it */
    char flags_more[96];
    UT_string note;

    /* random problems */
    uint32_t *wpid; /* the running processes and their weights, for pick_proc */
    unsigned *wbuf;
    size_t wcap;
    uint64_t limit;    /* frames the trace may need at most */
    uint64_t fixed;    /* file pages the profile can cache */
    uint64_t slot0;    /* the first mmap slot */
    uint64_t slotspan; /* bytes between slots */
};

#define PS(g) ((g)->arch.page_size)
#define PAGES(g, n) ((uint64_t)(n) * PS(g))

static uint64_t rnd(struct gen *g, uint64_t n) { return gen_rng_below(&g->rng, n); }

static uint64_t pages_of(const struct gen *g, uint64_t bytes) { return bytes / PS(g); }

/* fmt_len: a length for a trace line: 16M, 4G, or a number of pages (3p) */
static void fmt_len(const struct gen *g, uint64_t bytes, char *b, size_t n)
{
    if (bytes >= (UINT64_C(1) << 30) && bytes % (UINT64_C(1) << 30) == 0)
        snprintf(b, n, "%" PRIu64 "G", bytes >> 30);
    else if (bytes >= (UINT64_C(1) << 20) && bytes % (UINT64_C(1) << 20) == 0)
        snprintf(b, n, "%" PRIu64 "M", bytes >> 20);
    else if (bytes % PS(g) == 0)
        snprintf(b, n, "%" PRIu64 "p", bytes / PS(g));
    else
        snprintf(b, n, "%" PRIu64, bytes);
}

/* ---- the lines on the model ---- */

/* run_line: the line s (one, with its '\n') goes through the library's
 * parser and, unless it is an access, runs on the model. A line that either
 * rejects is a bug of the generator. */
static void run_line(struct gen *g, const char *s, size_t len)
{
    struct trace_reader *r = trace_open_mem(s, len, "gen", &g->arch);
    struct ev ev;
    const char *why = NULL;
    int k = trace_next(r, &ev);
    if (k < 0)
        why = trace_error(r);
    else if (k == 0)
        why = "not an event";
    else if ((ev.op == EV_PROGRAM && vm_declare_program(g->vm, &ev)) ||
             (ev.op < EV_READ && vm_event(g->vm, &ev) != EV_OK)) /* a process or memory event */
        why = g->vm->err;
    else if (trace_next(r, &ev) != 0)
        why = "more than one line";
    if (why)
        fprintf(stderr, "vmsim: gen wrote '%.*s': %s\n", (int)(len && s[len - 1] == '\n' ? len - 1 : len), s, why);
    trace_close(r);
    VM_ASSERT(!why);
}

/* body_end: where the next line begins; the body has room for it (it
 * doubles: utstring alone would grow it by each line that does not fit) */
static size_t body_end(struct gen *g)
{
    UT_string *b = &g->body;
    if (b->n - b->i < 256)
        utstring_reserve(b, b->n);
    return utstring_len(b);
}

/* line_start: an event line begins */
static size_t line_start(struct gen *g)
{
    g->nevents++;
    return body_end(g);
}

/* line_end: the line from at on is written: it runs on the model */
static void line_end(struct gen *g, size_t at)
{
    run_line(g, utstring_body(&g->body) + at, utstring_len(&g->body) - at);
}

/* running: process pid, which must be running */
static struct proc *running(struct gen *g, uint32_t pid)
{
    struct proc *p = proc_find(g->vm, pid);
    VM_ASSERT(p && p->state == PS_RUNNING && p->as);
    return p;
}

/* forks: fork and vfork lines so far */
static uint64_t forks(const struct gen *g) { return g->vm->c.events[EV_FORK] + g->vm->c.events[EV_VFORK]; }

/* new_pid: pid is the next process's (pids are never used twice) */
static void new_pid(struct gen *g, uint32_t pid)
{
    VM_ASSERT(pid > g->last_pid && pid <= PID_MAX);
    g->last_pid = pid;
}

/* ---- ranges ---- */

static void iv_push(struct ivs *s, uint64_t lo, uint64_t hi)
{
    if (s->n && s->a[2 * s->n - 1] >= lo) { /* meets the last one */
        if (hi > s->a[2 * s->n - 1])
            s->a[2 * s->n - 1] = hi;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 8;
        s->a = vm_xrealloc(s->a, 2 * s->cap * sizeof *s->a);
    }
    s->a[2 * s->n] = lo;
    s->a[2 * s->n + 1] = hi;
    s->n++;
}

/* iv_edit: adds [lo, hi) to the set, or takes it out */
static void iv_edit(struct ivs *s, uint64_t lo, uint64_t hi, bool add)
{
    struct ivs t = {NULL, 0, 0};
    bool done = !add;
    for (size_t i = 0; i < s->n; i++) {
        uint64_t a = s->a[2 * i], b = s->a[2 * i + 1];
        if (!done && lo <= a) {
            iv_push(&t, lo, hi);
            done = true;
        }
        if (add || b <= lo || a >= hi) {
            iv_push(&t, a, b);
            continue;
        }
        if (a < lo)
            iv_push(&t, a, lo);
        if (hi < b)
            iv_push(&t, hi, b);
    }
    if (!done)
        iv_push(&t, lo, hi);
    free(s->a);
    *s = t;
}

/* iv_count: bytes of [lo, hi) in the set */
static uint64_t iv_count(const struct ivs *s, uint64_t lo, uint64_t hi)
{
    uint64_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        uint64_t a = s->a[2 * i] > lo ? s->a[2 * i] : lo, b = s->a[2 * i + 1] < hi ? s->a[2 * i + 1] : hi;
        if (a < b)
            n += b - a;
    }
    return n;
}

/* ---- address spaces ---- */

/* is_file: obj is a file (not private anonymous memory, 0, nor shared
 * memory, ASPACE_SHM_NEW included) */
static bool is_file(const struct gen *g, uint32_t obj)
{
    if (!obj || obj == ASPACE_SHM_NEW)
        return false;
    const struct mobj *o = mobj_get(&g->vm->pc, obj);
    VM_ASSERT(o);
    return !o->shm;
}

/* vmas_cost: the frames an address space with these VMAs could hold at
 * most: its root, the tables that can hold its VMAs, a private frame for
 * each page of a private VMA (anonymous, or file-backed and writable) and
 * each page of a shared anonymous one. File pages are counted apart
 * (gen.fixed), once. */
static uint64_t vmas_cost(const struct gen *g, const struct vma_set *s)
{
    const struct arch *a = &g->arch;
    const struct vma *v = s->v;
    uint64_t n = 1;
    for (unsigned l = 1; l < a->levels; l++) {
        uint64_t span = arch_span(a, l - 1), last = UINT64_MAX;
        if (!span) /* a table that spans the whole 64 bits: one */
            span = UINT64_MAX;
        for (size_t i = 0; i < s->n; i++) {
            uint64_t lo = v[i].start / span, hi = (v[i].end - 1) / span;
            if (last != UINT64_MAX && lo <= last)
                lo = last + 1;
            if (hi >= lo)
                n += hi - lo + 1;
            if (last == UINT64_MAX || hi > last)
                last = hi;
        }
    }
    for (size_t i = 0; i < s->n; i++)
        if (!is_file(g, v[i].obj) || (!v[i].shared && (v[i].prot & VMA_W)))
            n += (v[i].end - v[i].start) / a->page_size;
    return n;
}

static struct asx *asx_find(struct gen *g, uint32_t id)
{
    struct asx *x;
    HASH_FIND(hh, g->asx, &id, sizeof id, x);
    VM_ASSERT(x);
    return x;
}

static struct asx *asx_of(struct gen *g, const struct aspace *as) { return asx_find(g, as->id); }

/* asx_add: what gen keeps of a new address space: a copy of from's (a
 * fork), or nothing yet */
static void asx_add(struct gen *g, const struct aspace *as, const struct asx *from)
{
    struct asx *x = vm_xcalloc(1, sizeof *x);
    x->id = as->id;
    if (from) {
        x->forked = true;
        x->accesses = from->accesses;
        for (size_t i = 0; i < from->touched.n; i++)
            iv_push(&x->touched, from->touched.a[2 * i], from->touched.a[2 * i + 1]);
    }
    x->cost = vmas_cost(g, &as->vmas);
    g->as_total += x->cost;
    HASH_ADD(hh, g->asx, id, sizeof x->id, x);
}

static void asx_free(struct gen *g, struct asx *x)
{
    g->as_total -= x->cost;
    /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
    HASH_DEL(g->asx, x);
    free(x->touched.a);
    free(x);
}

static void asx_recost(struct gen *g, const struct aspace *as)
{
    struct asx *x = asx_of(g, as);
    g->as_total -= x->cost;
    x->cost = vmas_cost(g, &as->vmas);
    g->as_total += x->cost;
}

/* covered: every page of [a, b) is in a VMA that allows need */
static bool covered(struct aspace *as, uint64_t a, uint64_t b, unsigned need)
{
    while (a < b) {
        const struct vma *v = vma_find(&as->vmas, a);
        if (!v || (v->prot & need) != need)
            return false;
        a = v->end;
    }
    return true;
}

/* brk_ok: the model accepts this break */
static bool brk_ok(const struct gen *g, const struct aspace *as, uint64_t nb)
{
    const struct arch *a = &g->arch;
    uint64_t old_end = 0, new_end = 0;
    if (!as->has_image || nb < as->heap_start || nb > a->user_top || !arch_page_up(a, nb, &new_end) ||
        new_end > a->user_top)
        return false;
    arch_page_up(a, as->brk, &old_end);
    return new_end <= old_end || !vma_overlaps(&as->vmas, old_end, new_end);
}

/* ---- programs ---- */

static int prog_add(struct gen *g, const char *name, uint64_t text, uint64_t data, uint64_t bss, uint64_t heap,
                    uint64_t stack)
{
    VM_ASSERT(g->nprogs < GEN_MAX_PROGS);
    struct mprog *p = &g->progs[g->nprogs];
    p->name = name;
    p->seg[SEG_TEXT] = PAGES(g, text);
    p->seg[SEG_DATA] = PAGES(g, data);
    p->seg[SEG_BSS] = PAGES(g, bss);
    p->seg[SEG_HEAP] = heap; /* bytes, a whole number of pages */
    p->seg[SEG_STACK] = PAGES(g, stack);
    return g->nprogs++;
}

/* prog_room: the most heap bytes the program can have: its layout up to
 * the heap must not reach the stack */
static uint64_t prog_room(const struct gen *g, const uint64_t *seg)
{
    const struct arch *a = &g->arch;
    uint64_t at = a->text_base + seg[SEG_TEXT] + seg[SEG_DATA] + seg[SEG_BSS];
    uint64_t top = a->user_top - seg[SEG_STACK];
    if (seg[SEG_STACK] > a->user_top || at > top)
        return 0;
    return arch_page_down(a, top - at);
}

static bool prog_fits(const struct gen *g, const uint64_t *seg)
{
    const struct arch *a = &g->arch;
    uint64_t at = a->text_base + seg[SEG_TEXT] + seg[SEG_DATA] + seg[SEG_BSS];
    if (seg[SEG_STACK] > a->user_top || at > a->user_top - seg[SEG_STACK])
        return false;
    return seg[SEG_HEAP] <= a->user_top - seg[SEG_STACK] - at;
}

/* prog_line: the `program` line of a program, into s */
static void prog_line(const struct gen *g, int prog, UT_string *s)
{
    static const char *const segname[SEG_COUNT] = {"text", "data", "bss", "heap", "stack"};
    const struct mprog *p = &g->progs[prog];
    utstring_printf(s, "program %s", p->name);
    for (int k = 0; k < SEG_COUNT; k++) {
        if (k == SEG_HEAP && !p->seg[k])
            continue;
        char l[32];
        fmt_len(g, p->seg[k], l, sizeof l);
        utstring_printf(s, " %s=%s", segname[k], l);
    }
    utstring_printf(s, "\n");
}

/* prog_declare: the model knows the program (its `program` line ran), and
 * what a new image of it costs */
static void prog_declare(struct gen *g, int prog)
{
    struct mprog *p = &g->progs[prog];
    if (p->declared)
        return;
    UT_string s;
    utstring_init(&s);
    prog_line(g, prog, &s);
    run_line(g, utstring_body(&s), utstring_len(&s));
    utstring_done(&s);
    p->declared = true;
    struct aspace *as = aspace_new(g->vm);
    VM_ASSERT(as);
    aspace_load_image(g->vm, as, vm_program(g->vm, p->name, strlen(p->name)));
    p->cost = vmas_cost(g, &as->vmas);
    aspace_release(g->vm, as, NULL);
}

/* prog_use: a line names the program */
static void prog_use(struct gen *g, int prog)
{
    prog_declare(g, prog);
    g->progs[prog].used = true;
}

struct img {
    uint64_t text, data, bss, heap, heap_end, stack, top;
    uint64_t ntext, ndata, nheap; /* pages */
};

static void img_of(const struct gen *g, int prog, struct img *im)
{
    const uint64_t *seg = g->progs[prog].seg;
    im->text = g->arch.text_base;
    im->data = im->text + seg[SEG_TEXT];
    im->bss = im->data + seg[SEG_DATA];
    im->heap = im->bss + seg[SEG_BSS];
    im->heap_end = im->heap + seg[SEG_HEAP];
    im->top = g->arch.user_top;
    im->stack = im->top - seg[SEG_STACK];
    im->ntext = pages_of(g, seg[SEG_TEXT]);
    im->ndata = pages_of(g, seg[SEG_DATA]);
    im->nheap = pages_of(g, seg[SEG_HEAP]);
}

/* ---- emitters: write, run on the model, keep gen's own account ---- */

/* emit: writes an event line (fmt ends with '\n') and runs it */
GEN_PRINTF(2, 3)
static void emit(struct gen *g, const char *fmt, ...)
{
    size_t at = line_start(g);
    va_list ap;
    va_start(ap, fmt);
    utstring_printf_va(&g->body, fmt, ap);
    va_end(ap);
    line_end(g, at);
}

static void e_mark(struct gen *g, const char *label)
{
    size_t at = body_end(g);
    utstring_printf(&g->body, "mark %s\n", label);
    line_end(g, at);
}

GEN_PRINTF(2, 3)
static void e_markf(struct gen *g, const char *fmt, ...)
{
    char b[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    e_mark(g, b);
}

static void e_spawn(struct gen *g, uint32_t pid, int prog)
{
    new_pid(g, pid);
    if (prog >= 0) {
        prog_use(g, prog);
        emit(g, "spawn %" PRIu32 " %s\n", pid, g->progs[prog].name);
    } else {
        emit(g, "spawn %" PRIu32 "\n", pid);
    }
    asx_add(g, proc_find(g->vm, pid)->as, NULL);
}

static void e_fork(struct gen *g, uint32_t parent, uint32_t child)
{
    struct proc *p = running(g, parent);
    new_pid(g, child);
    emit(g, "fork %" PRIu32 " %" PRIu32 "\n", parent, child);
    asx_add(g, proc_find(g->vm, child)->as, asx_of(g, p->as));
}

static void e_vfork(struct gen *g, uint32_t parent, uint32_t child)
{
    running(g, parent);
    new_pid(g, child);
    emit(g, "vfork %" PRIu32 " %" PRIu32 "\n", parent, child);
}

/* last_user: p is the last process in its address space, which goes when
 * p leaves it (its id in *id, for asx_find) */
static bool last_user(const struct proc *p, uint32_t *id)
{
    *id = p->as->id;
    return p->as->users == 1;
}

static void e_exec(struct gen *g, uint32_t pid, int prog)
{
    struct proc *p = running(g, pid);
    uint32_t old;
    bool drop = last_user(p, &old);
    prog_use(g, prog);
    emit(g, "exec %" PRIu32 " %s\n", pid, g->progs[prog].name);
    if (drop)
        asx_free(g, asx_find(g, old));
    asx_add(g, p->as, NULL);
}

static void e_exit(struct gen *g, uint32_t pid, unsigned status)
{
    uint32_t old;
    bool drop = last_user(running(g, pid), &old);
    if (status)
        emit(g, "exit %" PRIu32 " %u\n", pid, status);
    else
        emit(g, "exit %" PRIu32 "\n", pid);
    if (drop)
        asx_free(g, asx_find(g, old));
}

static void e_wait(struct gen *g, uint32_t pid, uint32_t child)
{
    running(g, pid);
    emit(g, "wait %" PRIu32 " %" PRIu32 "\n", pid, child);
}

/* unmapped: [addr, addr + len) of p's address space is mapped no more, or
 * anew */
static void unmapped(struct gen *g, const struct proc *p, uint64_t addr, uint64_t len)
{
    struct asx *x = asx_of(g, p->as);
    if (x->touched.n)
        iv_edit(&x->touched, addr, addr + len, false);
    asx_recost(g, p->as);
}

static void e_mmap(struct gen *g, uint32_t pid, uint64_t addr, uint64_t len, unsigned prot, bool shared,
                   const char *file, uint64_t off)
{
    struct proc *p = running(g, pid);
    VM_ASSERT(len % PS(g) == 0);
    char l[32], pr[4], f[80] = "";
    fmt_len(g, len, l, sizeof l);
    if (file && off)
        snprintf(f, sizeof f, " file=%s@0x%" PRIx64, file, off);
    else if (file)
        snprintf(f, sizeof f, " file=%s", file);
    emit(g, "mmap %" PRIu32 " 0x%" PRIx64 " %s %s %s%s\n", pid, addr, l, vma_prot_str(prot, pr),
         shared ? "shared" : "private", f);
    unmapped(g, p, addr, len);
}

static void e_munmap(struct gen *g, uint32_t pid, uint64_t addr, uint64_t len)
{
    struct proc *p = running(g, pid);
    VM_ASSERT(len % PS(g) == 0);
    char l[32];
    fmt_len(g, len, l, sizeof l);
    emit(g, "munmap %" PRIu32 " 0x%" PRIx64 " %s\n", pid, addr, l);
    unmapped(g, p, addr, len);
}

static void e_mprotect(struct gen *g, uint32_t pid, uint64_t addr, uint64_t len, unsigned prot)
{
    struct proc *p = running(g, pid);
    VM_ASSERT(len % PS(g) == 0);
    char l[32], pr[4];
    fmt_len(g, len, l, sizeof l);
    emit(g, "mprotect %" PRIu32 " 0x%" PRIx64 " %s %s\n", pid, addr, l, vma_prot_str(prot, pr));
    asx_recost(g, p->as);
}

/* e_brk: form 0 absolute, 1 relative (+LEN or -LEN) */
static void e_brk(struct gen *g, uint32_t pid, uint64_t nb, int form)
{
    struct proc *p = running(g, pid);
    uint64_t old = p->as->brk, old_end = 0, new_end = 0;
    if (form == 0 || nb == old) {
        emit(g, "brk %" PRIu32 " 0x%" PRIx64 "\n", pid, nb);
    } else {
        char l[32];
        fmt_len(g, nb > old ? nb - old : old - nb, l, sizeof l);
        emit(g, "brk %" PRIu32 " %c%s\n", pid, nb > old ? '+' : '-', l);
    }
    arch_page_up(&g->arch, old, &old_end);
    arch_page_up(&g->arch, nb, &new_end);
    if (new_end < old_end)
        unmapped(g, p, new_end, old_end - new_end);
    else
        asx_recost(g, p->as);
}

/* check_access: pid may access [addr, addr + len) (the model does not run
 * accesses: gen checks them), and gen counts it */
static void check_access(struct gen *g, uint32_t pid, uint64_t addr, uint64_t len, bool write)
{
    struct proc *p = running(g, pid);
    VM_ASSERT(len > 0 && addr < g->arch.user_top && len <= g->arch.user_top - addr);
    uint64_t a = arch_page_down(&g->arch, addr), b;
    VM_ASSERT(arch_page_up(&g->arch, addr + len, &b));
    VM_ASSERT(covered(p->as, a, b, write ? VMA_W : VMA_R));
    struct asx *x = asx_of(g, p->as);
    x->accesses++;
    if (g->track)
        iv_edit(&x->touched, a, b, true);
}

static void e_read(struct gen *g, uint32_t pid, uint64_t addr)
{
    check_access(g, pid, addr, 1, false);
    emit(g, "read %" PRIu32 " 0x%" PRIx64 "\n", pid, addr);
}

static void e_write(struct gen *g, uint32_t pid, uint64_t addr)
{
    check_access(g, pid, addr, 1, true);
    emit(g, "write %" PRIu32 " 0x%" PRIx64 "\n", pid, addr);
}

/* e_touch: value < 0: none (the line number) */
static void e_touch(struct gen *g, uint32_t pid, uint64_t addr, uint64_t len, bool write, int64_t value)
{
    check_access(g, pid, addr, len, write);
    char l[32], v[24] = "";
    fmt_len(g, len, l, sizeof l);
    if (write && value >= 0)
        snprintf(v, sizeof v, " %" PRId64, value);
    emit(g, "touch %" PRIu32 " 0x%" PRIx64 " %s %c%s\n", pid, addr, l, write ? 'w' : 'r', v);
}

/* ---- random problems -------------------------------------------------------- */

enum kind { K_SPAWN, K_FORK, K_VFORK, K_EXEC, K_EXIT, K_WAIT, K_MMAP, K_MUNMAP, K_MPROTECT, K_BRK, K_READ, K_WRITE,
            K_TOUCH, K_COUNT };

/* kinds of VMA, for choosing targets and mappings */
enum { VT_PANON, VT_PFILE, VT_SANON, VT_SFILE, VT_COUNT };

struct rprof {
    unsigned w[K_COUNT];
    unsigned target[VT_COUNT]; /* weights of the VMAs accesses go to */
    unsigned maps[VT_COUNT];   /* weights of the kinds of mmap */
    unsigned maxlen;           /* the most pages of an mmap or a touch */
    unsigned budget;           /* the trace may need this many times the frames */
    bool write_first;          /* no fork before two accesses, then forks are likelier */
    const char *spawn;         /* programs spawn runs, ' '-separated; "-": none */
    const char *exec;          /* programs exec runs */
};

/*                      spawn fork vfork exec exit wait mmap munmap mprot brk read write touch */
static const struct rprof rprofs[] = {
    /* forktree */
    {{0, 30, 8, 6, 18, 16, 0, 0, 0, 0, 3, 6, 2}, {4, 1, 1, 1}, {1, 0, 0, 0}, 2, 1, false, "sh", "ls cat"},
    /* cow */
    {{0, 12, 0, 0, 5, 6, 3, 1, 1, 2, 12, 32, 8}, {8, 1, 1, 1}, {1, 0, 0, 0}, 3, 1, true, "app", ""},
    /* exec */
    {{0, 14, 10, 20, 12, 10, 0, 0, 0, 1, 14, 10, 6}, {2, 6, 0, 0}, {1, 0, 0, 0}, 2, 1, false, "sh", "ls cat cc"},
    /* shared */
    {{0, 10, 0, 0, 4, 5, 16, 4, 4, 0, 14, 22, 6}, {1, 1, 4, 4}, {1, 2, 3, 3}, 3, 1, true, "app", ""},
    /* pressure */
    {{3, 8, 0, 2, 3, 3, 12, 2, 0, 1, 2, 3, 40}, {4, 2, 1, 2}, {4, 3, 1, 2}, 8, 3, true, "app cc", "cc cat"},
    /* mixed */
    {{1, 12, 4, 6, 8, 8, 8, 3, 3, 3, 12, 16, 8}, {2, 1, 1, 1}, {2, 1, 1, 1}, 3, 1, true, "sh app -", "ls cat cc"},
};

#define RANDOM_FIRST 9 /* the index of forktree in profiles[] */
#define NSLOTS 4
#define FILE_PAGES UINT64_C(4) /* lib and db */

static const char *const data_files[2] = {"lib", "db"};

struct rctx {
    struct gen *g;
    const struct rprof *rp;
    uint64_t procs, events;
    int spawn[4], nspawn, exec[4], nexec;
    bool spawn_empty;
};

/* the programs of the random problems, in pages: text data bss heap stack */
static const struct {
    const char *name;
    unsigned seg[SEG_COUNT];
} rprogs[] = {
    {"sh", {2, 1, 1, 0, 1}}, {"ls", {1, 1, 1, 0, 1}}, {"cat", {1, 1, 1, 1, 1}},
    {"cc", {3, 1, 2, 2, 1}}, {"app", {2, 1, 1, 2, 1}},
};

static int rprog_find(struct gen *g, const char *name, size_t len)
{
    for (int i = 0; i < g->nprogs; i++)
        if (strlen(g->progs[i].name) == len && !memcmp(g->progs[i].name, name, len))
            return i;
    return -1;
}

/* parse_list: program names separated by spaces into indexes */
static int parse_list(struct gen *g, const char *s, int *out, bool *empty)
{
    int n = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        size_t len = strcspn(s, " ");
        if (!len)
            break;
        if (len == 1 && *s == '-') {
            if (empty)
                *empty = true;
        } else {
            int k = rprog_find(g, s, len);
            VM_ASSERT(k >= 0 && n < 4);
            out[n++] = k;
        }
        s += len;
    }
    return n;
}

/* image_cost: the frames of a new address space with the image of prog
 * (-1: none) */
static uint64_t image_cost(struct gen *g, int prog)
{
    if (prog >= 0) {
        prog_declare(g, prog);
        return g->progs[prog].cost;
    }
    struct vma_set none;
    vma_set_init(&none);
    return vmas_cost(g, &none);
}

static bool fits(const struct rctx *r, uint64_t more, uint64_t less)
{
    struct gen *g = r->g;
    return g->fixed + g->as_total - less + more <= g->limit;
}

/* pick: index drawn by weights, -1 if they are all 0 */
static int pick(struct gen *g, const unsigned *w, int n)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    if (!total)
        return -1;
    uint64_t x = rnd(g, total);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return -1;
}

/* pick_proc: a running process drawn by weight(p), in the order of pids
 * (the model's table keeps the order of creation, and pids only grow); 0
 * if none */
static uint32_t pick_proc(struct gen *g, unsigned (*weight)(struct gen *, const struct proc *, const void *),
                          const void *arg)
{
    uint64_t total = 0;
    size_t n = 0;
    if (g->wcap < g->vm->nprocs) {
        g->wcap = g->vm->nprocs;
        g->wbuf = vm_xrealloc(g->wbuf, g->wcap * sizeof *g->wbuf);
        g->wpid = vm_xrealloc(g->wpid, g->wcap * sizeof *g->wpid);
    }
    struct proc *p, *tmp;
    HASH_ITER(hh, g->vm->procs, p, tmp)
    {
        if (p->state != PS_RUNNING)
            continue;
        g->wpid[n] = p->pid;
        g->wbuf[n] = weight(g, p, arg);
        total += g->wbuf[n++];
    }
    if (!total)
        return 0;
    uint64_t x = rnd(g, total);
    for (size_t i = 0; i < n; i++) {
        if (x < g->wbuf[i])
            return g->wpid[i];
        x -= g->wbuf[i];
    }
    return 0;
}

static unsigned w_any(struct gen *g, const struct proc *p, const void *arg)
{
    (void)g;
    (void)arg;
    return p->as ? 1 : 0;
}

static unsigned w_fork(struct gen *g, const struct proc *p, const void *arg)
{
    const struct rctx *r = arg;
    if (!p->as)
        return 0;
    const struct asx *x = asx_of(g, p->as);
    if (!fits(r, x->cost, 0))
        return 0;
    return x->accesses ? 4 : 1;
}

static unsigned w_exec(struct gen *g, const struct proc *p, const void *arg)
{
    (void)arg;
    if (!p->ppid) /* a root stays what it is */
        return 0;
    return p->vfork_parent ? 8 : asx_of(g, p->as)->forked ? 3 : 1;
}

static unsigned w_exit(struct gen *g, const struct proc *p, const void *arg)
{
    const struct rctx *r = arg;
    if (p->vfork_parent)
        return 6;
    if (!p->ppid) /* a root: only in the last quarter */
        return (r->events - g->nevents) * 4 <= r->events ? 1 : 0;
    return p->children ? 2 : 3;
}

static unsigned w_wait(struct gen *g, const struct proc *p, const void *arg)
{
    (void)g;
    (void)arg;
    const struct proc *c;
    DL_FOREACH2(p->children, c, sib_next)
    if (c->state == PS_ZOMBIE)
        return 1;
    return 0;
}

static unsigned w_image(struct gen *g, const struct proc *p, const void *arg)
{
    (void)g;
    (void)arg;
    return p->as && p->as->has_image ? 1 : 0;
}

static int vma_type(const struct gen *g, const struct vma *v)
{
    if (!v->obj)
        return VT_PANON;
    if (!is_file(g, v->obj))
        return VT_SANON;
    return v->shared ? VT_SFILE : VT_PFILE;
}

/* vma_weight: how likely an access goes to v: by the profile's weight of
 * its kind; under pressure, more so the more pages it has not touched;
 * after a fork in the problems about sharing, more so the more it touched */
static uint64_t vma_weight(const struct rctx *r, const struct asx *x, const struct vma *v, unsigned need)
{
    const struct gen *g = r->g;
    uint64_t w = (v->prot & need) == need ? r->rp->target[vma_type(g, v)] : 0;
    uint64_t pages = (v->end - v->start) / PS(g), touched = iv_count(&x->touched, v->start, v->end) / PS(g);
    if (r->rp->budget > 1)
        w *= 1 + pages - touched;
    else if (r->rp->write_first && forks(g))
        w *= 1 + 2 * touched;
    return w;
}

/* pick_vma: a VMA of as that allows need, drawn by vma_weight; -1 if none */
static int pick_vma(struct rctx *r, struct aspace *as, unsigned need)
{
    struct gen *g = r->g;
    const struct asx *x = asx_of(g, as);
    uint64_t total = 0;
    for (size_t i = 0; i < as->vmas.n; i++)
        total += vma_weight(r, x, &as->vmas.v[i], need);
    if (!total)
        return -1;
    uint64_t y = rnd(g, total);
    for (size_t i = 0; i < as->vmas.n; i++) {
        uint64_t w = vma_weight(r, x, &as->vmas.v[i], need);
        if (y < w)
            return (int)i;
        y -= w;
    }
    return -1;
}

/* pick_touched: the k-th touched page of [lo, hi), drawn at random; hi if
 * none */
static uint64_t pick_touched(struct gen *g, const struct asx *x, uint64_t lo, uint64_t hi)
{
    const struct ivs *t = &x->touched;
    uint64_t n = iv_count(t, lo, hi) / PS(g);
    if (!n)
        return hi;
    uint64_t k = rnd(g, n);
    for (size_t i = 0; i < t->n; i++) {
        uint64_t a = t->a[2 * i] > lo ? t->a[2 * i] : lo;
        uint64_t b = t->a[2 * i + 1] < hi ? t->a[2 * i + 1] : hi;
        if (a >= b)
            continue;
        if (k < (b - a) / PS(g))
            return a + PAGES(g, k);
        k -= (b - a) / PS(g);
    }
    return hi;
}

static unsigned status_of(struct gen *g) { return rnd(g, 4) ? 0 : (unsigned)(1 + rnd(g, 3)); }

static bool k_spawn(struct rctx *r)
{
    struct gen *g = r->g;
    if (g->vm->nprocs >= r->procs)
        return false;
    int n = r->nspawn + (r->spawn_empty ? 1 : 0);
    int k = (int)rnd(g, (uint64_t)n);
    int prog = k < r->nspawn ? r->spawn[k] : -1;
    if (!fits(r, image_cost(g, prog), 0))
        return false;
    e_spawn(g, g->last_pid + 1, prog);
    return true;
}

static bool k_fork(struct rctx *r)
{
    struct gen *g = r->g;
    if (g->vm->nprocs >= r->procs)
        return false;
    uint32_t pid = pick_proc(g, w_fork, r);
    if (!pid)
        return false;
    e_fork(g, pid, g->last_pid + 1);
    return true;
}

static bool k_vfork(struct rctx *r)
{
    struct gen *g = r->g;
    if (g->vm->nprocs >= r->procs || !r->nexec)
        return false;
    uint32_t pid = pick_proc(g, w_any, NULL);
    if (!pid)
        return false;
    e_vfork(g, pid, g->last_pid + 1);
    return true;
}

static bool exec_one(struct rctx *r, uint32_t pid)
{
    struct gen *g = r->g;
    struct proc *p = running(g, pid);
    int prog = r->exec[rnd(g, (uint64_t)r->nexec)];
    uint64_t less = p->as->users == 1 ? asx_of(g, p->as)->cost : 0;
    if (!fits(r, image_cost(g, prog), less))
        return false;
    e_exec(g, pid, prog);
    return true;
}

static bool k_exec(struct rctx *r)
{
    if (!r->nexec)
        return false;
    uint32_t pid = pick_proc(r->g, w_exec, NULL);
    return pid && exec_one(r, pid);
}

static bool k_exit(struct rctx *r)
{
    uint32_t pid = pick_proc(r->g, w_exit, r);
    if (!pid)
        return false;
    e_exit(r->g, pid, status_of(r->g));
    return true;
}

static bool k_wait(struct rctx *r)
{
    struct gen *g = r->g;
    uint32_t pid = pick_proc(g, w_wait, NULL);
    if (!pid)
        return false;
    uint32_t kids[64];
    unsigned n = 0;
    struct proc *c, *tmp;
    HASH_ITER(hh, g->vm->procs, c, tmp)
    {
        if (n == 64)
            break;
        if (c->ppid == pid && c->state == PS_ZOMBIE)
            kids[n++] = c->pid;
    }
    e_wait(g, pid, kids[rnd(g, n)]);
    return true;
}

/* cost_with: the cost of as's VMAs with v mapped in a free range */
static uint64_t cost_with(struct gen *g, const struct aspace *as, const struct vma *v)
{
    struct vma_set s;
    vma_set_copy(&s, &as->vmas);
    vma_insert(&s, v);
    uint64_t c = vmas_cost(g, &s);
    vma_set_destroy(&s);
    return c;
}

static bool k_mmap(struct rctx *r)
{
    struct gen *g = r->g;
    uint32_t pid = pick_proc(g, w_any, NULL);
    if (!pid)
        return false;
    struct aspace *as = running(g, pid)->as;
    int t = pick(g, r->rp->maps, VT_COUNT);
    if (t < 0)
        return false;
    uint64_t max = r->rp->maxlen, len = r->rp->budget > 1 ? max / 2 + rnd(g, max - max / 2 + 1) : 1 + rnd(g, max);
    const char *file = NULL;
    uint64_t off = 0;
    unsigned prot = VMA_R | VMA_W;
    if (t == VT_PFILE || t == VT_SFILE) {
        if (len > FILE_PAGES)
            len = FILE_PAGES;
        file = data_files[rnd(g, 2)];
        off = rnd(g, FILE_PAGES - len + 1);
        if (t == VT_PFILE ? rnd(g, 3) != 0 : rnd(g, 4) == 0)
            prot = VMA_R;
    }
    /* a free slot, from a random one on */
    uint64_t s0 = rnd(g, NSLOTS), addr = 0;
    bool found = false;
    for (uint64_t k = 0; k < NSLOTS && !found; k++) {
        addr = g->slot0 + ((s0 + k) % NSLOTS) * g->slotspan;
        found = !vma_overlaps(&as->vmas, addr, addr + PAGES(g, len));
    }
    if (!found)
        return false;
    bool shared = t == VT_SANON || t == VT_SFILE;
    struct vma v = {.start = addr, .end = addr + PAGES(g, len), .off = PAGES(g, off), .prot = (uint8_t)prot,
                    .shared = shared};
    v.obj = file ? mobj_file(&g->vm->pc, file, strlen(file)) : shared ? ASPACE_SHM_NEW : 0;
    if (!fits(r, cost_with(g, as, &v), asx_of(g, as)->cost))
        return false;
    e_mmap(g, pid, addr, PAGES(g, len), prot, shared, file, PAGES(g, off));
    return true;
}

/* in_slots: the VMA lies in the mmap slots */
static bool in_slots(const struct gen *g, const struct vma *v)
{
    return v->start >= g->slot0 && v->end <= g->slot0 + NSLOTS * g->slotspan;
}

static unsigned w_mmapped(struct gen *g, const struct proc *p, const void *arg)
{
    (void)arg;
    if (!p->as)
        return 0;
    for (size_t i = 0; i < p->as->vmas.n; i++)
        if (in_slots(g, &p->as->vmas.v[i]))
            return 1;
    return 0;
}

static bool k_munmap(struct rctx *r)
{
    struct gen *g = r->g;
    uint32_t pid = pick_proc(g, w_mmapped, NULL);
    if (!pid)
        return false;
    struct aspace *as = running(g, pid)->as;
    unsigned cand[64] = {0}, n = 0;
    for (size_t i = 0; i < as->vmas.n && n < 64; i++)
        if (in_slots(g, &as->vmas.v[i]))
            cand[n++] = (unsigned)i;
    const struct vma *v = &as->vmas.v[cand[rnd(g, n)]];
    uint64_t pages = (v->end - v->start) / PS(g), a = v->start, len = pages;
    if (pages > 1 && rnd(g, 2)) { /* one page of it */
        a = v->start + PAGES(g, rnd(g, pages));
        len = 1;
    }
    e_munmap(g, pid, a, PAGES(g, len));
    return true;
}

static bool k_mprotect(struct rctx *r)
{
    struct gen *g = r->g;
    uint32_t pid = pick_proc(g, w_any, NULL);
    if (!pid)
        return false;
    struct aspace *as = running(g, pid)->as;
    int i = pick_vma(r, as, 0);
    if (i < 0)
        return false;
    const struct vma *v = &as->vmas.v[i];
    uint64_t pages = (v->end - v->start) / PS(g), a = v->start, len = pages;
    if (pages > 1 && rnd(g, 2)) {
        a = v->start + PAGES(g, rnd(g, pages));
        len = 1;
    }
    unsigned prot = v->prot & VMA_W ? VMA_R : VMA_R | VMA_W;
    uint64_t b = a + PAGES(g, len);
    /* the cost once protected */
    struct vma_set s;
    vma_set_copy(&s, &as->vmas);
    vma_split(&s, a);
    vma_split(&s, b);
    for (size_t k = vma_first_ending_after(&s, a); k < s.n && s.v[k].start < b; k++)
        s.v[k].prot = (uint8_t)prot;
    uint64_t more = vmas_cost(g, &s);
    vma_set_destroy(&s);
    if (!fits(r, more, asx_of(g, as)->cost))
        return false;
    e_mprotect(g, pid, a, PAGES(g, len), prot);
    return true;
}

static bool k_brk(struct rctx *r)
{
    struct gen *g = r->g;
    uint32_t pid = pick_proc(g, w_image, NULL);
    if (!pid)
        return false;
    struct aspace *as = running(g, pid)->as;
    uint64_t above = (as->brk - as->heap_start) / PS(g), nb;
    if (above && rnd(g, 3) == 0) {
        nb = as->brk - PAGES(g, 1 + rnd(g, above < 2 ? above : 2));
    } else {
        nb = as->brk + PAGES(g, 1 + rnd(g, 2));
        if (nb < as->brk || !brk_ok(g, as, nb))
            return false;
        /* the cost with the heap's new pages */
        uint64_t old_end = 0, new_end = 0;
        arch_page_up(&g->arch, as->brk, &old_end);
        arch_page_up(&g->arch, nb, &new_end);
        uint64_t more = asx_of(g, as)->cost;
        if (new_end > old_end) {
            struct vma v = {.start = old_end, .end = new_end, .prot = VMA_R | VMA_W};
            more = cost_with(g, as, &v);
        }
        if (!fits(r, more, asx_of(g, as)->cost))
            return false;
    }
    e_brk(g, pid, nb, (int)rnd(g, 3) ? 1 : 0);
    return true;
}

/* k_access: a read, a write or a touch (kind) in a VMA that allows it */
static bool k_access(struct rctx *r, enum kind kind)
{
    struct gen *g = r->g;
    uint32_t pid = pick_proc(g, w_any, NULL);
    if (!pid)
        return false;
    struct aspace *as = running(g, pid)->as;
    bool write = kind == K_WRITE || (kind == K_TOUCH && rnd(g, 3) != 0);
    int i = pick_vma(r, as, write ? VMA_W : VMA_R);
    if (i < 0)
        return false;
    const struct vma *v = &as->vmas.v[i];
    uint64_t pages = (v->end - v->start) / PS(g), first = rnd(g, pages);
    if (r->rp->write_first && r->rp->budget == 1 && forks(g) && rnd(g, 3)) {
        /* mostly a page it touched before: one that may be shared */
        uint64_t t = pick_touched(g, asx_of(g, as), v->start, v->end);
        if (t < v->end)
            first = (t - v->start) / PS(g);
    }
    uint64_t addr = v->start + PAGES(g, first);
    if (kind == K_TOUCH) {
        uint64_t left = pages - first, len;
        if (r->rp->budget > 1 && rnd(g, 4)) { /* pressure: whole VMAs, mostly */
            addr = v->start;
            len = pages;
        } else {
            len = 1 + rnd(g, left < r->rp->maxlen ? left : r->rp->maxlen);
        }
        e_touch(g, pid, addr, PAGES(g, len), write, -1);
        return true;
    }
    if (rnd(g, 3) == 0) /* somewhere in the page */
        addr += 8 * rnd(g, PS(g) / 8);
    if (write)
        e_write(g, pid, addr);
    else
        e_read(g, pid, addr);
    return true;
}

/* vfork_child: a running vfork child, or 0 */
static uint32_t vfork_child(struct gen *g)
{
    struct proc *p, *tmp;
    HASH_ITER(hh, g->vm->procs, p, tmp)
    {
        if (p->state == PS_RUNNING && p->vfork_parent)
            return p->pid;
    }
    return 0;
}

static bool random_step(struct rctx *r)
{
    struct gen *g = r->g;
    /* a vfork child execs or exits soon: its parent waits for it */
    uint32_t vc = vfork_child(g);
    if (vc && rnd(g, 2)) {
        if (r->nexec && rnd(g, 4) && exec_one(r, vc))
            return true;
        e_exit(g, vc, status_of(g));
        return true;
    }
    unsigned w[K_COUNT];
    memcpy(w, r->rp->w, sizeof w);
    if (!g->vm->nprocs)
        return k_spawn(r);
    if (r->rp->write_first && !forks(g)) { /* something to share first: two pages */
        uint64_t most = 0;
        struct proc *p, *tmp;
        HASH_ITER(hh, g->vm->procs, p, tmp)
        {
            if (p->as) {
                uint64_t n = iv_count(&asx_of(g, p->as)->touched, 0, UINT64_MAX);
                most = n > most ? n : most;
            }
        }
        if (most < PAGES(g, 2))
            w[K_FORK] = w[K_VFORK] = 0;
        else
            w[K_FORK] *= 3;
    }
    for (;;) {
        int k = pick(g, w, K_COUNT);
        if (k < 0)
            break;
        bool ok;
        switch ((enum kind)k) {
        case K_SPAWN: ok = k_spawn(r); break;
        case K_FORK: ok = k_fork(r); break;
        case K_VFORK: ok = k_vfork(r); break;
        case K_EXEC: ok = k_exec(r); break;
        case K_EXIT: ok = k_exit(r); break;
        case K_WAIT: ok = k_wait(r); break;
        case K_MMAP: ok = k_mmap(r); break;
        case K_MUNMAP: ok = k_munmap(r); break;
        case K_MPROTECT: ok = k_mprotect(r); break;
        case K_BRK: ok = k_brk(r); break;
        default: ok = k_access(r, (enum kind)k); break;
        }
        if (ok)
            return true;
        w[k] = 0;
    }
    /* nothing the profile draws is possible: a process exits */
    uint32_t pid = pick_proc(g, w_any, NULL);
    if (pid) {
        e_exit(g, pid, status_of(g));
        return true;
    }
    return k_spawn(r);
}

static int random_prepare(struct gen *g, char *err, size_t errlen)
{
    const struct rprof *rp = &rprofs[g->pidx - RANDOM_FIRST];
    for (size_t i = 0; i < VM_ARRAY_LEN(rprogs); i++) {
        const unsigned *s = rprogs[i].seg;
        prog_add(g, rprogs[i].name, s[0], s[1], s[2], PAGES(g, s[3]), s[4]);
        if (!prog_fits(g, g->progs[i].seg)) {
            snprintf(err, errlen, "the address space of %s is too small for the programs of profile '%s'",
                     g->arch.name, g->prof->name);
            return -1;
        }
    }
    /* mmap slots: from the middle of the address space up, one leaf table
     * each if there is room, closer otherwise */
    const struct arch *a = &g->arch;
    uint64_t leaf = arch_span(a, a->levels >= 2 ? a->levels - 2 : 0);
    if (a->levels < 2)
        leaf = a->user_top;
    uint64_t need = PAGES(g, rp->maxlen), span = leaf, lo = 0;
    uint64_t hi = a->user_top - PAGES(g, 4); /* below the largest stack and a gap */
    for (;;) {
        lo = arch_page_down(a, a->user_top / 2);
        if (span && lo % span)
            lo += span - lo % span;
        if (span >= need && lo < hi && (hi - lo) / span >= NSLOTS)
            break;
        if (span <= need) {
            span = need;
            lo = arch_page_down(a, a->user_top / 2);
            break;
        }
        span /= 2;
        if (span < PS(g))
            span = PS(g);
    }
    struct img im;
    uint64_t heap_top = 0;
    for (int i = 0; i < g->nprogs; i++) {
        img_of(g, i, &im);
        if (im.heap_end > heap_top)
            heap_top = im.heap_end;
    }
    if (lo < heap_top + PAGES(g, 4) || lo + NSLOTS * span > hi || lo + NSLOTS * span < lo) {
        snprintf(err, errlen, "the address space of %s is too small for profile '%s'", g->arch.name,
                 g->prof->name);
        return -1;
    }
    g->slot0 = lo;
    g->slotspan = span;
    g->limit = g->frames * rp->budget;
    uint64_t need_frames = 0;
    struct rctx r = {g, rp, 0, 0, {0}, 0, {0}, 0, false};
    r.nspawn = parse_list(g, rp->spawn, r.spawn, &r.spawn_empty);
    r.nexec = parse_list(g, rp->exec, r.exec, NULL);
    /* file pages the trace can cache: the text and data of its programs,
     * and the data files. Under pressure they are not counted: they are
     * what reclaim drops. */
    g->fixed = 0;
    if (rp->budget == 1) {
        for (int i = 0; i < g->nprogs; i++) {
            bool used = false;
            for (int k = 0; k < r.nspawn; k++)
                used |= r.spawn[k] == i;
            for (int k = 0; k < r.nexec; k++)
                used |= r.exec[k] == i;
            if (used)
                g->fixed += pages_of(g, g->progs[i].seg[SEG_TEXT] + g->progs[i].seg[SEG_DATA]);
        }
        if (rp->maps[VT_PFILE] || rp->maps[VT_SFILE])
            g->fixed += 2 * FILE_PAGES;
    }
    for (int i = 0; i < r.nspawn; i++) {
        uint64_t c = image_cost(g, r.spawn[i]);
        if (c > need_frames)
            need_frames = c;
    }
    need_frames += g->fixed;
    if (need_frames > g->limit) {
        uint64_t min = (need_frames + rp->budget - 1) / rp->budget;
        snprintf(err, errlen, "profile '%s' needs at least %" PRIu64 " frames on %s (--frames)", g->prof->name,
                 min, g->arch.name);
        return -1;
    }
    return 0;
}

static void random_run(struct gen *g)
{
    struct rctx r = {g, &rprofs[g->pidx - RANDOM_FIRST], g->val[0], g->val[1], {0}, 0, {0}, 0, false};
    r.nspawn = parse_list(g, r.rp->spawn, r.spawn, &r.spawn_empty);
    r.nexec = parse_list(g, r.rp->exec, r.exec, NULL);
    g->track = true;
    while (g->nevents < r.events) {
        bool ok = random_step(&r);
        VM_ASSERT(ok);
    }
}

/* ---- workloads -------------------------------------------------------------- */

/* a workload's parameters, by name */
static uint64_t P(const struct gen *g, const char *name)
{
    for (size_t i = 0; i < g->prof->nparams; i++)
        if (!strcmp(g->prof->params[i].name, name))
            return g->val[i];
    VM_ASSERT(!"no such parameter");
    return 0;
}

/* frac: floor(n * ppm / 10^6), exactly */
static uint64_t frac(uint64_t n, uint64_t ppm) { return n / MILLION * ppm + n % MILLION * ppm / MILLION; }

static void fmt_size(uint64_t bytes, char *b, size_t n);

/* need_heap: the program fits with its heap, else an error naming the
 * parameter that sized it */
static int need_heap(struct gen *g, int prog, const char *param, char *err, size_t errlen)
{
    const uint64_t *seg = g->progs[prog].seg;
    uint64_t room = prog_room(g, seg);
    if (seg[SEG_HEAP] <= room)
        return 0;
    char b1[32], b2[32];
    fmt_size(seg[SEG_HEAP], b1, sizeof b1);
    fmt_size(room, b2, sizeof b2);
    if (param)
        snprintf(err, errlen, "--%s %s does not fit in the address space of %s (at most %s here)", param, b1,
                 g->arch.name, b2);
    else
        snprintf(err, errlen, "the programs of profile '%s' do not fit in the address space of %s", g->prof->name,
                 g->arch.name);
    return -1;
}

/* mmap_area: where a workload maps len bytes: the middle of the address
 * space, or just above the heap when that is higher; 0 if it does not fit
 * below the stack */
static uint64_t mmap_area(const struct gen *g, uint64_t heap_end, uint64_t len, uint64_t stack)
{
    const struct arch *a = &g->arch;
    uint64_t lo = arch_page_down(a, a->user_top / 2), he;
    if (!arch_page_up(a, heap_end, &he) || he > a->user_top - PS(g))
        return 0;
    if (lo < he + PS(g))
        lo = he + PS(g);
    if (lo > stack || len > stack - lo)
        return 0;
    return lo;
}

/* touch_run: a random run of n pages inside [base, base + pages pages) */
static void touch_run(struct gen *g, uint32_t pid, uint64_t base, uint64_t pages, uint64_t n, bool write)
{
    if (!n)
        return;
    VM_ASSERT(n <= pages);
    uint64_t off = rnd(g, pages - n + 1);
    e_touch(g, pid, base + PAGES(g, off), PAGES(g, n), write, -1);
}

/* warm: a process starts: reads some code, writes its data, its heap and
 * the top of its stack */
static void warm(struct gen *g, uint32_t pid, int prog, uint64_t code)
{
    struct img im;
    img_of(g, prog, &im);
    if (im.ntext)
        e_touch(g, pid, im.text, PAGES(g, code < im.ntext ? code : im.ntext), false, -1);
    if (im.ndata)
        e_touch(g, pid, im.data, PAGES(g, im.ndata), true, -1);
    if (im.nheap)
        e_touch(g, pid, im.heap, PAGES(g, im.nheap), true, -1);
    e_write(g, pid, im.top - PS(g));
}

/* small/big page counts */
#define SB(g, s, b) ((g)->small ? (uint64_t)(s) : (uint64_t)(b))

/* -- shell -- */

static const char *const shell_cmds[] = {"ls", "cat", "grep", "wc", "sort", "sed"};

static int shell_prepare(struct gen *g, char *err, size_t errlen)
{
    g->prog_main = prog_add(g, "sh", SB(g, 2, 64), SB(g, 1, 4), SB(g, 1, 4), P(g, "size"), SB(g, 1, 8));
    if (need_heap(g, g->prog_main, "size", err, errlen))
        return -1;
    static const unsigned big_text[] = {24, 12, 40, 10, 28, 20}, small_text[] = {1, 1, 2, 1, 2, 1};
    g->nc = (int)VM_ARRAY_LEN(shell_cmds);
    for (int i = 0; i < g->nc; i++) {
        g->cprog[i] = prog_add(g, shell_cmds[i], SB(g, small_text[i], big_text[i]), SB(g, 1, 2), SB(g, 1, 2),
                               PAGES(g, P(g, "pages")), SB(g, 1, 4));
        if (!prog_fits(g, g->progs[g->cprog[i]].seg))
            return fail(err, errlen, "--pages %" PRIu64 " does not fit in the address space of %s", P(g, "pages"),
                        g->arch.name);
    }
    return 0;
}

static void shell_run(struct gen *g)
{
    struct img sh, im;
    img_of(g, g->prog_main, &sh);
    bool vf = P(g, "spawn") == 1;
    uint64_t n = P(g, "commands"), maxw = P(g, "pages");
    uint64_t stack = sh.top - PS(g);
    e_spawn(g, 1, g->prog_main);
    e_mark(g, "start");
    warm(g, 1, g->prog_main, 4);
    for (uint64_t i = 1; i <= n; i++) {
        uint32_t c = (uint32_t)(i + 1);
        int prog = g->cprog[rnd(g, (uint64_t)g->nc)];
        e_markf(g, "cmd%" PRIu64, i);
        if (vf) {
            e_vfork(g, 1, c);
            e_exec(g, c, prog);
        } else {
            e_fork(g, 1, c);
            bool parent_first = rnd(g, 2);
            if (parent_first) /* the shell returns from fork first */
                e_write(g, 1, stack);
            e_write(g, c, stack); /* the child, before its exec */
            e_exec(g, c, prog);
            if (!parent_first)
                e_write(g, 1, stack);
        }
        img_of(g, prog, &im);
        uint64_t code = im.ntext < 4 ? im.ntext : 4;
        e_touch(g, c, im.text, PAGES(g, 1 + rnd(g, code)), false, -1);
        e_write(g, c, im.data);
        e_touch(g, c, im.heap, PAGES(g, 1 + rnd(g, maxw)), true, -1);
        e_write(g, c, im.top - PS(g));
        e_exit(g, c, rnd(g, 8) ? 0 : 1);
        e_wait(g, 1, c);
        e_write(g, 1, sh.heap + PAGES(g, rnd(g, sh.nheap))); /* the next command line */
    }
}

/* -- prefork -- */

static int prefork_prepare(struct gen *g, char *err, size_t errlen)
{
    g->prog_main = prog_add(g, "httpd", SB(g, 2, 64), SB(g, 1, 8), SB(g, 1, 8), P(g, "size"), SB(g, 1, 8));
    return need_heap(g, g->prog_main, "size", err, errlen);
}

/* workers_shuffled: order[] = the workers' pids 2 .. nw + 1 in a random order */
static void workers_shuffled(struct gen *g, uint32_t *order, uint64_t nw)
{
    for (uint64_t i = 0; i < nw; i++)
        order[i] = (uint32_t)(i + 2);
    for (uint64_t i = nw; i > 1; i--) {
        uint64_t j = rnd(g, i);
        uint32_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

static void prefork_run(struct gen *g)
{
    struct img im;
    img_of(g, g->prog_main, &im);
    uint64_t nw = P(g, "workers"), rounds = P(g, "rounds");
    uint64_t k = frac(im.nheap, P(g, "write")), code = im.ntext < 4 ? im.ntext : 4;
    e_spawn(g, 1, g->prog_main);
    e_mark(g, "start");
    warm(g, 1, g->prog_main, 8);
    e_mark(g, "fork");
    for (uint64_t w = 1; w <= nw; w++) {
        e_fork(g, 1, (uint32_t)(w + 1));
        e_write(g, (uint32_t)(w + 1), im.top - PS(g));
    }
    uint32_t *order = vm_xmalloc(nw * sizeof *order);
    for (uint64_t r = 1; r <= rounds; r++) {
        e_markf(g, "round%" PRIu64, r);
        workers_shuffled(g, order, nw);
        for (uint64_t i = 0; i < nw; i++) {
            touch_run(g, order[i], im.text, im.ntext, 1 + rnd(g, code), false);
            touch_run(g, order[i], im.heap, im.nheap, k, true);
        }
    }
    free(order);
}

/* -- snapshot -- */

static int snapshot_prepare(struct gen *g, char *err, size_t errlen)
{
    g->prog_main = prog_add(g, "redis", SB(g, 2, 256), SB(g, 1, 8), SB(g, 1, 8), P(g, "size"), SB(g, 1, 8));
    return need_heap(g, g->prog_main, "size", err, errlen);
}

static void snapshot_run(struct gen *g)
{
    struct img im;
    img_of(g, g->prog_main, &im);
    uint64_t hp = im.nheap, steps = P(g, "steps"), k = frac(hp, P(g, "write"));
    if (steps > hp)
        steps = hp;
    e_spawn(g, 1, g->prog_main);
    e_mark(g, "load");
    warm(g, 1, g->prog_main, 8);
    e_mark(g, "fork");
    e_fork(g, 1, 2);
    e_mark(g, "save");
    e_write(g, 2, im.top - PS(g));
    /* chunk j: base + (j < extra) pages; the parent writes kb + (j < kx)
     * of them, in a random order of chunks */
    uint64_t base = hp / steps, extra = hp % steps, kb = k / steps, kx = k % steps;
    uint64_t *perm = vm_xmalloc(steps * sizeof *perm);
    for (uint64_t i = 0; i < steps; i++)
        perm[i] = i;
    for (uint64_t i = steps; i > 1; i--) {
        uint64_t j = rnd(g, i), t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
#define CHUNK_AT(j) (im.heap + PAGES(g, (j) * base + ((j) < extra ? (j) : extra)))
#define CHUNK_LEN(j) (base + ((j) < extra ? 1 : 0))
    for (uint64_t i = 0; i < steps; i++) {
        e_touch(g, 2, CHUNK_AT(i), PAGES(g, CHUNK_LEN(i)), false, -1);
        uint64_t j = perm[i];
        touch_run(g, 1, CHUNK_AT(j), CHUNK_LEN(j), kb + (j < kx ? 1 : 0), true);
    }
#undef CHUNK_AT
#undef CHUNK_LEN
    free(perm);
    e_mark(g, "child-exit");
    e_exit(g, 2, 0);
    e_wait(g, 1, 2);
    e_mark(g, "after");
    touch_run(g, 1, im.heap, hp, k, true);
}

/* -- zygote -- */

static int zygote_prepare(struct gen *g, char *err, size_t errlen)
{
    g->prog_main = prog_add(g, "zygote", SB(g, 2, 512), SB(g, 1, 16), SB(g, 1, 16), P(g, "size"), SB(g, 1, 8));
    if (need_heap(g, g->prog_main, "size", err, errlen))
        return -1;
    struct img im;
    img_of(g, g->prog_main, &im);
    uint64_t len = P(g, "new");
    if (len) {
        g->mbase = mmap_area(g, im.heap_end, len, im.stack);
        if (!g->mbase) {
            char b[32];
            fmt_size(len, b, sizeof b);
            snprintf(err, errlen, "--new %s does not fit in the address space of %s with this --size", b,
                     g->arch.name);
            return -1;
        }
    }
    return 0;
}

static void zygote_run(struct gen *g)
{
    struct img im;
    img_of(g, g->prog_main, &im);
    uint64_t apps = P(g, "apps"), len = P(g, "new");
    uint64_t t = frac(im.nheap, P(g, "share")), w = frac(t, P(g, "write"));
    e_spawn(g, 1, g->prog_main);
    e_mark(g, "preload");
    warm(g, 1, g->prog_main, 16);
    for (uint64_t a = 1; a <= apps; a++) {
        uint32_t c = (uint32_t)(a + 1);
        e_markf(g, "app%" PRIu64, a);
        e_fork(g, 1, c);
        e_write(g, c, im.top - PS(g));
        if (t) {
            uint64_t off = rnd(g, im.nheap - t + 1);
            e_touch(g, c, im.heap + PAGES(g, off), PAGES(g, t), false, -1);
            touch_run(g, c, im.heap + PAGES(g, off), t, w, true);
        }
        if (len) {
            e_mmap(g, c, g->mbase, len, VMA_R | VMA_W, false, NULL, 0);
            e_touch(g, c, g->mbase, len, true, -1);
        }
    }
}

/* -- build -- */

struct job {
    uint32_t pid;
    unsigned step;
    uint64_t idx, mem, src;
};

static int build_prepare(struct gen *g, char *err, size_t errlen)
{
    g->prog_main = prog_add(g, "make", SB(g, 2, 64), SB(g, 1, 4), SB(g, 1, 4), PAGES(g, SB(g, 2, 256)), SB(g, 1, 8));
    g->cprog[0] = prog_add(g, "cc1", SB(g, 2, 1024), SB(g, 1, 16), SB(g, 1, 16), 0, SB(g, 1, 8));
    if (need_heap(g, g->prog_main, NULL, err, errlen) || need_heap(g, g->cprog[0], NULL, err, errlen))
        return -1;
    struct img im;
    img_of(g, g->cprog[0], &im);
    /* the compiler's source at mbase, its object 8 (4) pages up, its memory
     * 16 (8) pages up */
    uint64_t len = PAGES(g, SB(g, 8, 16)) + P(g, "size");
    g->mbase = mmap_area(g, im.heap_end, len, im.stack);
    if (!g->mbase || len < P(g, "size")) {
        char b[32];
        fmt_size(P(g, "size"), b, sizeof b);
        snprintf(err, errlen, "--size %s does not fit in the address space of %s", b, g->arch.name);
        return -1;
    }
    return 0;
}

static void build_step(struct gen *g, struct job *j)
{
    struct img im;
    img_of(g, g->cprog[0], &im);
    uint64_t src = g->mbase, out = g->mbase + PAGES(g, SB(g, 4, 8)), mem = g->mbase + PAGES(g, SB(g, 8, 16));
    char name[32];
    switch (j->step++) {
    case 0: /* read the source */
        snprintf(name, sizeof name, "src%" PRIu64, j->idx);
        e_mmap(g, j->pid, src, PAGES(g, j->src), VMA_R, false, name, 0);
        e_touch(g, j->pid, src, PAGES(g, j->src), false, -1);
        break;
    case 1: /* run */
        touch_run(g, j->pid, im.text, im.ntext, 1 + rnd(g, im.ntext < 8 ? im.ntext : 8), false);
        break;
    case 2: /* build the tree: the first half of its memory */
        e_mmap(g, j->pid, mem, PAGES(g, j->mem), VMA_R | VMA_W, false, NULL, 0);
        e_touch(g, j->pid, mem, PAGES(g, (j->mem + 1) / 2), true, -1);
        break;
    case 3: /* optimise: the rest */
        if (j->mem / 2)
            e_touch(g, j->pid, mem + PAGES(g, (j->mem + 1) / 2), PAGES(g, j->mem / 2), true, -1);
        else
            e_write(g, j->pid, mem);
        break;
    case 4: /* write the object */
        snprintf(name, sizeof name, "obj%" PRIu64, j->idx);
        e_mmap(g, j->pid, out, PAGES(g, 1), VMA_R | VMA_W, true, name, 0);
        e_write(g, j->pid, out);
        break;
    default: /* exit; make reaps it and updates its graph */
        e_exit(g, j->pid, 0);
        e_wait(g, 1, j->pid);
        break;
    }
}

static void build_run(struct gen *g)
{
    struct img mk, cc;
    img_of(g, g->prog_main, &mk);
    img_of(g, g->cprog[0], &cc);
    uint64_t jobs = P(g, "jobs"), jmax = P(g, "j"), size = pages_of(g, P(g, "size"));
    bool vf = P(g, "spawn") == 1;
    if (!size)
        size = 1;
    e_spawn(g, 1, g->prog_main);
    e_mark(g, "start");
    warm(g, 1, g->prog_main, 4);
    e_mark(g, "build");
    struct job *run = vm_xcalloc(jmax, sizeof *run);
    uint64_t started = 0, nrun = 0;
    uint32_t next = 2;
    while (started < jobs || nrun) {
        if (started < jobs && nrun < jmax && (nrun == 0 || rnd(g, 3))) {
            struct job *j = &run[nrun++];
            j->pid = next++;
            j->step = 0;
            j->idx = ++started;
            j->mem = size / 2 + rnd(g, size - size / 2 + 1);
            if (!j->mem)
                j->mem = 1;
            j->src = 1 + rnd(g, SB(g, 2, 4));
            if (vf) {
                e_vfork(g, 1, j->pid);
            } else {
                e_fork(g, 1, j->pid);
                e_write(g, j->pid, mk.top - PS(g));
            }
            e_exec(g, j->pid, g->cprog[0]);
            continue;
        }
        uint64_t i = rnd(g, nrun);
        struct job *j = &run[i];
        build_step(g, j);
        if (j->step > 5) {
            run[i] = run[--nrun];
            e_write(g, 1, mk.heap + PAGES(g, rnd(g, mk.nheap)));
        }
    }
    free(run);
    e_mark(g, "done");
}

/* -- cowtest -- */

static int cowtest_prepare(struct gen *g, char *err, size_t errlen)
{
    bool three = P(g, "variant") == 1;
    /* xv6: simple takes (phys / 3) * 2, three takes phys / 4 */
    g->sz = three ? g->frames / 4 : g->frames / 3 * 2;
    if (!g->sz)
        g->sz = 1;
    int init = prog_add(g, "init", 1, 1, 1, 0, 1);
    g->prog_main = prog_add(g, "cowtest", 2, 1, 1, 0, 1);
    VM_ASSERT(init == 0);
    if (need_heap(g, init, NULL, err, errlen) || need_heap(g, g->prog_main, NULL, err, errlen))
        return -1;
    if (g->sz > prog_room(g, g->progs[g->prog_main].seg) / PS(g)) {
        snprintf(err, errlen,
                 "cowtest %s takes %" PRIu64 " pages (%s of %" PRIu64 " frames), which do not fit in the address "
                 "space of %s: give fewer --frames",
                 three ? "three" : "simple", g->sz, three ? "a quarter" : "two thirds", g->frames, g->arch.name);
        return -1;
    }
    size_t ir = 1;
    VM_ASSERT(!strcmp(g->prof->params[ir].name, "rounds"));
    if (!g->val[ir])
        g->val[ir] = three ? 3 : 2;
    return 0;
}

/* a process of cowtest three: its next step */
struct cproc {
    uint32_t pid;
    int role; /* 0 parent, 1 child, 2 grandchild */
    unsigned pc;
    bool done;
};

/* chunk: the i-th of `steps` parts of n pages (may be empty) */
static void chunk(uint64_t n, uint64_t steps, uint64_t i, uint64_t *off, uint64_t *len)
{
    uint64_t base = n / steps, extra = n % steps;
    *off = i * base + (i < extra ? i : extra);
    *len = base + (i < extra ? 1 : 0);
}

static void cowtest_three(struct gen *g, uint32_t cow, uint64_t heap, uint64_t steps, uint32_t *next)
{
    uint64_t sz = g->sz, half = sz / 2, four = sz * 4 / 5;
    uint32_t c1 = (*next)++, c2 = (*next)++;
    e_mark(g, "fork");
    e_fork(g, cow, c1);
    struct cproc ps[3] = {{cow, 0, 0, false}, {c1, 1, 0, false}, {c2, 2, 0, false}};
    bool c2_born = false;
    for (;;) {
        /* the runnable ones */
        int run[3], n = 0;
        for (int i = 0; i < 3; i++) {
            struct cproc *p = &ps[i];
            if (p->done || (i == 2 && !c2_born))
                continue;
            if (i == 0 && p->pc == steps) { /* wait(0) blocks until the child has exited */
                const struct proc *m = proc_find(g->vm, c1);
                if (m && m->state != PS_ZOMBIE)
                    continue;
            }
            run[n++] = i;
        }
        if (!n)
            break;
        struct cproc *p = &ps[run[rnd(g, (uint64_t)n)]];
        uint64_t off, len;
        unsigned pc = p->pc++;
        if (p->role == 0) { /* write all, wait, read all, sbrk(-sz) */
            if (pc < steps) {
                chunk(sz, steps, pc, &off, &len);
                if (len)
                    e_touch(g, p->pid, heap + PAGES(g, off), PAGES(g, len), true, p->pid);
            } else if (pc == steps) {
                e_mark(g, "wait");
                e_wait(g, p->pid, c1);
            } else if (pc < 2 * steps + 1) {
                chunk(sz, steps, pc - steps - 1, &off, &len);
                if (len)
                    e_touch(g, p->pid, heap + PAGES(g, off), PAGES(g, len), false, -1);
            } else {
                e_mark(g, "free");
                e_brk(g, p->pid, heap, 1);
                p->done = true;
            }
        } else if (p->role == 1) { /* fork, write the first half with 9999, exit(0) */
            if (pc == 0) {
                e_fork(g, p->pid, c2);
                c2_born = true;
            } else if (pc <= steps) {
                chunk(half, steps, pc - 1, &off, &len);
                if (len)
                    e_touch(g, p->pid, heap + PAGES(g, off), PAGES(g, len), true, 9999);
            } else {
                e_exit(g, p->pid, 0);
                p->done = true;
            }
        } else { /* write four fifths with its pid, read them back, exit(-1) */
            if (pc < steps) {
                chunk(four, steps, pc, &off, &len);
                if (len)
                    e_touch(g, p->pid, heap + PAGES(g, off), PAGES(g, len), true, p->pid);
            } else if (pc < 2 * steps) {
                chunk(four, steps, pc - steps, &off, &len);
                if (len)
                    e_touch(g, p->pid, heap + PAGES(g, off), PAGES(g, len), false, -1);
            } else {
                e_exit(g, p->pid, 255);
                p->done = true;
                const struct proc *m = proc_find(g->vm, p->pid);
                if (m && m->ppid == 1) /* an orphan: init reaps it */
                    e_wait(g, 1, p->pid);
            }
        }
    }
}

static void cowtest_run(struct gen *g)
{
    bool three = P(g, "variant") == 1;
    uint64_t rounds = P(g, "rounds"), steps = P(g, "steps");
    struct img im;
    img_of(g, g->prog_main, &im);
    uint32_t cow = 2, next = 3;
    e_spawn(g, 1, 0);
    e_fork(g, 1, cow);
    e_exec(g, cow, g->prog_main);
    e_touch(g, cow, im.text, PAGES(g, im.ntext), false, -1);
    e_write(g, cow, im.top - PS(g));
    for (uint64_t r = 1; r <= rounds; r++) {
        e_markf(g, "%s%" PRIu64, three ? "three" : "simple", r);
        e_brk(g, cow, im.heap + PAGES(g, g->sz), 1);
        /* xv6's sbrk hands out zeroed pages at once; simple writes getpid() in each */
        e_touch(g, cow, im.heap, PAGES(g, g->sz), true, three ? 0 : cow);
        if (three) {
            cowtest_three(g, cow, im.heap, steps, &next);
            continue;
        }
        uint32_t c = next++;
        e_mark(g, "fork");
        e_fork(g, cow, c);
        e_exit(g, c, 0);
        e_wait(g, cow, c);
        e_mark(g, "free");
        e_brk(g, cow, im.heap, 1);
    }
    e_mark(g, "exit");
    e_exit(g, cow, 0);
    e_wait(g, 1, cow);
}

/* -- refstring -- */

/* param_at: the index of a parameter of the profile */
static size_t param_at(const struct gen *g, const char *name)
{
    for (size_t i = 0; i < g->prof->nparams; i++)
        if (!strcmp(g->prof->params[i].name, name))
            return i;
    VM_ASSERT(!"no such parameter");
    return 0;
}

/* policy_flags: " --swap SLOTSp --policy NAME", the policy named by the
 * profile's parameter */
static void policy_flags(struct gen *g, uint64_t slots)
{
    size_t i = param_at(g, "policy");
    const char *w = g->prof->params[i].words;
    for (uint64_t k = 0; k < g->val[i]; k++)
        w += strcspn(w, "|") + 1;
    snprintf(g->flags_more, sizeof g->flags_more, " --swap %" PRIu64 "p --policy %.*s", slots, (int)strcspn(w, "|"),
             w);
}

static int refstring_prepare(struct gen *g, char *err, size_t errlen)
{
    size_t ipages = param_at(g, "pages"), ilength = param_at(g, "length");
    if (g->nrs) { /* a string given: it sets the length, and the pages unless they are given; the
                   * parameters of a random string are not used */
        if (g->given[ilength] && g->val[ilength] != g->nrs)
            return fail(err, errlen, "--length %" PRIu64 ", but --string has %zu accesses", g->val[ilength], g->nrs);
        g->val[ilength] = g->nrs;
        uint64_t top = 0;
        for (size_t k = 0; k < g->nrs; k++)
            if (g->rs[k] / 2 >= top)
                top = g->rs[k] / 2 + 1;
        if (!g->given[ipages])
            g->val[ipages] = top;
        else if (g->val[ipages] < top)
            return fail(err, errlen, "--pages %" PRIu64 " is too few for --string: it uses page %" PRIu64,
                        g->val[ipages], top - 1);
    }
    uint64_t pages = g->val[ipages], room = g->arch.user_top / PS(g);
    if (pages > room)
        return fail(err, errlen, "--pages %" PRIu64 " does not fit in the address space of %s (at most %" PRIu64 ")",
                    pages, g->arch.name, room);
    policy_flags(g, pages);
    return 0;
}

/* e_page: a read or a write of page `page`, written as a page number */
static void e_page(struct gen *g, uint32_t pid, uint64_t page, bool write)
{
    check_access(g, pid, PAGES(g, page), 1, write);
    emit(g, "%s %" PRIu32 " %" PRIu64 "p\n", write ? "write" : "read", pid, page);
}

static void refstring_run(struct gen *g)
{
    uint64_t pages = P(g, "pages"), n = P(g, "length"), loc = P(g, "locality"), win = P(g, "window"),
             wr = P(g, "writes");
    if (win > pages)
        win = pages;
    e_spawn(g, 1, -1);
    e_mmap(g, 1, 0, PAGES(g, pages), VMA_R | VMA_W, false, NULL, 0);
    /* the string, drawn: each access goes to the window (W pages from w0)
     * one time in `locality`, else to any page, and the window moves to
     * start there (as far as it fits) */
    uint64_t *str = g->nrs ? g->rs : vm_xmalloc(n * sizeof *str);
    if (!g->nrs) {
        uint64_t w0 = rnd(g, pages - win + 1);
        for (uint64_t i = 0; i < n; i++) {
            uint64_t page, stay = rnd(g, MILLION), any = rnd(g, pages), in = rnd(g, win);
            bool write = rnd(g, MILLION) < wr;
            if (stay < loc) {
                page = w0 + in;
            } else {
                page = any;
                w0 = any < pages - win ? any : pages - win;
            }
            str[i] = page * 2 + (write ? 1 : 0);
        }
    }
    bool writes = false;
    uint8_t *seen = vm_xcalloc(pages, 1);
    uint64_t distinct = 0;
    for (uint64_t i = 0; i < n; i++) {
        e_page(g, 1, str[i] / 2, str[i] % 2);
        writes |= str[i] % 2;
        distinct += !seen[str[i] / 2];
        seen[str[i] / 2] = 1;
    }
    free(seen);
    /* the string as numbers, in the comment lines of the header, as
     * --string takes it */
    utstring_printf(&g->note, "# reference string, %" PRIu64 " %s of %" PRIu64 " distinct %s%s:\n#   ", n,
                    vm_plural(n, "access", "accesses"), distinct, vm_plural(distinct, "page", "pages"),
                    writes ? " (w: a write)" : "");
    size_t col = 4;
    for (uint64_t i = 0; i < n; i++) {
        char b[32];
        int len = snprintf(b, sizeof b, "%" PRIu64 "%s%s", str[i] / 2, str[i] % 2 ? "w" : "", i + 1 < n ? "," : "");
        if (col + (size_t)len > 78) {
            utstring_printf(&g->note, "\n#   ");
            col = 4;
        }
        utstring_bincpy(&g->note, b, (size_t)len);
        col += (size_t)len;
    }
    utstring_printf(&g->note, "\n");
    if (!g->nrs)
        free(str);
}

/* -- swap -- */

/* the shared mappings, from mbase: shared memory (4 pages), a gap, the log
 * (4), a gap, the config (2) */
#define SWAP_SHM 4
#define SWAP_LOG 4
#define SWAP_CONF 2
#define SWAP_AREA (SWAP_SHM + 1 + SWAP_LOG + 1 + SWAP_CONF)

static int swapw_prepare(struct gen *g, char *err, size_t errlen)
{
    g->prog_main = prog_add(g, "srv", 2, 1, 1, P(g, "size"), 1);
    if (need_heap(g, g->prog_main, "size", err, errlen))
        return -1;
    struct img im;
    img_of(g, g->prog_main, &im);
    g->mbase = mmap_area(g, im.heap_end, PAGES(g, SWAP_AREA), im.stack);
    if (!g->mbase) {
        char b[32];
        fmt_size(P(g, "size"), b, sizeof b);
        return fail(err, errlen, "--size %s leaves no room for the shared mappings in the address space of %s", b,
                    g->arch.name);
    }
    /* swap for every anonymous page the trace can make: the master's data
     * copy, heap and stack, the shared memory, each worker's stack and
     * heap */
    uint64_t h = im.nheap, w = P(g, "workers");
    policy_flags(g, 1 + h + 1 + SWAP_SHM + w * (h + 1));
    return 0;
}

static void swapw_run(struct gen *g)
{
    struct img im;
    img_of(g, g->prog_main, &im);
    uint64_t nw = P(g, "workers"), rounds = P(g, "rounds"), h = im.nheap, k = frac(h, P(g, "write"));
    uint64_t hot = h / 4 ? h / 4 : 1, shm = g->mbase, log = shm + PAGES(g, SWAP_SHM + 1),
             conf = log + PAGES(g, SWAP_LOG + 1), logged = 0, any = 0;
    uint64_t stack = im.top - PS(g);
    e_spawn(g, 1, g->prog_main);
    e_mark(g, "start");
    e_touch(g, 1, im.text, PAGES(g, im.ntext), false, -1);
    e_write(g, 1, im.data);
    e_touch(g, 1, im.heap, PAGES(g, h), true, -1);
    e_write(g, 1, stack);
    e_mmap(g, 1, shm, PAGES(g, SWAP_SHM), VMA_R | VMA_W, true, NULL, 0);
    e_touch(g, 1, shm, PAGES(g, SWAP_SHM), true, -1);
    e_mmap(g, 1, log, PAGES(g, SWAP_LOG), VMA_R | VMA_W, true, "log", 0);
    e_write(g, 1, log);
    e_mmap(g, 1, conf, PAGES(g, SWAP_CONF), VMA_R, false, "conf", 0);
    e_touch(g, 1, conf, PAGES(g, SWAP_CONF), false, -1);
    e_mark(g, "fork");
    for (uint64_t w = 1; w <= nw; w++) {
        e_fork(g, 1, (uint32_t)(w + 1));
        e_write(g, (uint32_t)(w + 1), stack);
    }
    uint32_t *order = vm_xmalloc(nw * sizeof *order);
    for (uint64_t r = 1; r <= rounds; r++) {
        e_markf(g, "round%" PRIu64, r);
        workers_shuffled(g, order, nw);
        for (uint64_t i = 0; i < nw; i++) {
            uint32_t pid = order[i];
            for (uint64_t p = 0; p < hot; p++) /* the hot quarter: every worker reads it */
                e_read(g, pid, im.heap + PAGES(g, p));
            /* it writes a run of k pages: from the page the worker before it
             * read (an update after a lookup), or at a random place */
            uint64_t at = i ? (any < h - k ? any : h - k) : rnd(g, h - k + 1);
            any = rnd(g, h);
            e_read(g, pid, im.heap + PAGES(g, any)); /* and one page anywhere */
            for (uint64_t p = 0; p < k; p++)
                e_write(g, pid, im.heap + PAGES(g, at + p));
            e_write(g, pid, shm + PAGES(g, (pid - 2) % SWAP_SHM));   /* its place in the scoreboard */
            e_write(g, pid, log + PAGES(g, logged++ % SWAP_LOG));    /* the log, page after page */
            e_read(g, pid, conf + PAGES(g, rnd(g, SWAP_CONF)));      /* the config */
        }
        /* the master updates a page of the hot part, and the page the last
         * worker read */
        uint64_t upd = rnd(g, hot);
        e_write(g, 1, im.heap + PAGES(g, upd));
        if (any != upd)
            e_write(g, 1, im.heap + PAGES(g, any));
        e_read(g, 1, shm + PAGES(g, rnd(g, SWAP_SHM))); /* and reads the scoreboard */
    }
    free(order);
    e_mark(g, "exit");
    for (uint64_t w = 1; w <= nw; w++) {
        e_exit(g, (uint32_t)(w + 1), 0);
        e_wait(g, 1, (uint32_t)(w + 1));
    }
    e_mark(g, "after");
    for (uint64_t p = 0; p < h; p++) /* its heap is its own again */
        e_read(g, 1, im.heap + PAGES(g, p));
    uint64_t at = rnd(g, h - k + 1);
    for (uint64_t p = 0; p < k; p++)
        e_write(g, 1, im.heap + PAGES(g, at + p));
}

/* -- tlb -- */

/* the mappings start at a page drawn from TLB_BASE .. 2 * TLB_BASE - 1, so
 * that the seed decides which set a loop starts in */
#define TLB_BASE UINT64_C(16)

static int tlbw_prepare(struct gen *g, char *err, size_t errlen)
{
    uint64_t pages = P(g, "pages"), tp = P(g, "turn-pages"), turns = P(g, "turns"), n = P(g, "tlb"),
             ways = P(g, "tlb-ways");
    if (!pages && !turns)
        return fail(err, errlen, "--pages 0 and --turns 0 leave nothing to do");
    if (ways > n || (ways && n % ways))
        return fail(err, errlen, "--tlb-ways %" PRIu64 " does not divide --tlb %" PRIu64, ways, n);
    uint64_t room = g->arch.user_top / PS(g), big = pages > tp ? pages : tp;
    if (big > room || room - big < 2 * TLB_BASE)
        return fail(err, errlen, "--%s %" PRIu64 " does not fit in the address space of %s (at most %" PRIu64 ")",
                    pages > tp ? "pages" : "turn-pages", big, g->arch.name,
                    room > 2 * TLB_BASE ? room - 2 * TLB_BASE : 0);
    /* every page present at once, with its tables: a leaf table for each
     * 2^level_bits pages (and one more where a run crosses a boundary) and
     * the tables above, in each of the three processes */
    uint64_t per = UINT64_C(1) << g->arch.level_bits;
    uint64_t need = pages + (turns ? 2 * tp : 0) + pages / per + 2 * (tp / per) + 3 * (uint64_t)(g->arch.levels + 1);
    if (need > g->frames)
        return fail(err, errlen, "--pages %" PRIu64 " and --turn-pages %" PRIu64 " need %" PRIu64
                                 " frames, more than the %" PRIu64 " of --frames",
                    pages, tp, need, g->frames);
    int off = snprintf(g->flags_more, sizeof g->flags_more, " --tlb %" PRIu64, n);
    if (ways && ways != n)
        off += snprintf(g->flags_more + off, sizeof g->flags_more - (size_t)off, " --tlb-ways %" PRIu64, ways);
    if (P(g, "asid"))
        snprintf(g->flags_more + off, sizeof g->flags_more - (size_t)off, " --asid");
    return 0;
}

static void tlbw_run(struct gen *g)
{
    uint64_t pages = P(g, "pages"), trials = P(g, "trials"), turns = P(g, "turns"), tp = P(g, "turn-pages");
    uint32_t pid = 1;
    if (pages) { /* for (i = 0; i < NUMPAGES; i++) a[i * jump] += 1, NUMTRIALS times */
        uint64_t base = TLB_BASE + rnd(g, TLB_BASE);
        e_spawn(g, pid, -1);
        e_mmap(g, pid, PAGES(g, base), PAGES(g, pages), VMA_R | VMA_W, false, NULL, 0);
        for (uint64_t t = 1; t <= trials; t++) {
            e_markf(g, "trial%" PRIu64, t);
            for (uint64_t i = 0; i < pages; i++)
                e_page(g, pid, base + i, true);
        }
        pid++;
    }
    if (!turns)
        return;
    /* the ping-pong: two processes, each with tp pages of its own at a
     * place drawn for it; each turn one of them goes over its pages (writes
     * them the first time, reads them after) */
    uint64_t at[2];
    for (int k = 0; k < 2; k++) {
        at[k] = TLB_BASE + rnd(g, TLB_BASE);
        e_spawn(g, pid + (uint32_t)k, -1);
    }
    for (int k = 0; k < 2; k++)
        e_mmap(g, pid + (uint32_t)k, PAGES(g, at[k]), PAGES(g, tp), VMA_R | VMA_W, false, NULL, 0);
    e_mark(g, "pingpong");
    for (uint64_t t = 0; t < turns; t++)
        for (uint64_t i = 0; i < tp; i++)
            e_page(g, pid + (uint32_t)(t % 2), at[t % 2] + i, t < 2);
}

/* ---- setting up ------------------------------------------------------------- */

struct pfuncs {
    int (*prepare)(struct gen *, char *, size_t);
    void (*run)(struct gen *);
};

static const struct pfuncs pfuncs[] = {
    {shell_prepare, shell_run},       {prefork_prepare, prefork_run}, {snapshot_prepare, snapshot_run},
    {zygote_prepare, zygote_run},     {build_prepare, build_run},     {cowtest_prepare, cowtest_run},
    {refstring_prepare, refstring_run}, {swapw_prepare, swapw_run},   {tlbw_prepare, tlbw_run},
    {random_prepare, random_run},     {random_prepare, random_run},   {random_prepare, random_run},
    {random_prepare, random_run},     {random_prepare, random_run},   {random_prepare, random_run},
};

/* fmt_size: bytes for an ARG line: 16M, 4G, 512K or a number of bytes */
static void fmt_size(uint64_t bytes, char *b, size_t n)
{
    static const char suffix[] = "TGMK";
    for (int i = 0; i < 4; i++) {
        unsigned shift = (unsigned)(40 - 10 * i);
        uint64_t unit = UINT64_C(1) << shift;
        if (bytes >= unit && bytes % unit == 0) {
            snprintf(b, n, "%" PRIu64 "%c", bytes >> shift, suffix[i]);
            return;
        }
    }
    snprintf(b, n, "%" PRIu64, bytes);
}

/* fmt_fraction: millionths as a decimal: 0.25, 1, 0.333333 */
static void fmt_fraction(uint64_t ppm, char *b, size_t n)
{
    if (ppm % MILLION == 0) {
        snprintf(b, n, "%" PRIu64, ppm / MILLION);
        return;
    }
    char d[8];
    snprintf(d, sizeof d, "%06" PRIu64, ppm % MILLION);
    size_t len = strlen(d);
    while (len > 1 && d[len - 1] == '0')
        d[--len] = 0;
    snprintf(b, n, "%" PRIu64 ".%s", ppm / MILLION, d);
}

/* parse_fraction: "0.25", ".5", "1", "25%", "12.5%" into millionths */
static int parse_fraction(const char *s, uint64_t *out)
{
    size_t len = strlen(s);
    bool pct = len && s[len - 1] == '%';
    if (pct)
        len--;
    uint64_t whole = 0, fr = 0;
    size_t i = 0, digits = 0, fdigits = 0;
    unsigned maxf = pct ? 4 : 6;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        whole = whole * 10 + (uint64_t)(s[i] - '0');
        if (whole > 100)
            return -1;
    }
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, fdigits++) {
            if (fdigits >= maxf)
                return -1;
            fr = fr * 10 + (uint64_t)(s[i] - '0');
        }
    }
    if (i != len || digits + fdigits == 0)
        return -1;
    for (size_t k = fdigits; k < maxf; k++)
        fr *= 10;
    /* in units of 10^-maxf of the whole (percent: of a hundredth) */
    *out = pct ? whole * 10000 + fr : whole * MILLION + fr;
    return 0;
}

/* parse_list_param: "random", or page numbers separated by commas, each
 * maybe followed by w (a write), into g->rs */
static int parse_list_param(struct gen *g, const struct gen_param_info *pi, const char *s, char *err, size_t errlen)
{
    free(g->rs);
    g->rs = NULL;
    g->nrs = 0;
    if (!strcmp(s, "random"))
        return 0;
    size_t cap = 0;
    const char *p = s;
    for (;;) {
        uint64_t page = 0;
        const char *st = p;
        while (*p >= '0' && *p <= '9') {
            page = page * 10 + (uint64_t)(*p - '0');
            if (page >= FRAMES_MAX)
                break;
            p++;
        }
        bool write = *p == 'w' || *p == 'W';
        if (write)
            p++;
        if (p == st || (write && p == st + 1) || page >= FRAMES_MAX || (*p && *p != ',') || !st[0]) {
            free(g->rs);
            g->rs = NULL;
            g->nrs = 0;
            return fail(err, errlen,
                        "--%s takes page numbers separated by commas, each maybe followed by w for a write "
                        "(1,2,3w,1), or random; not '%s'",
                        pi->name, s);
        }
        if (g->nrs == cap) {
            cap = cap ? 2 * cap : 16;
            g->rs = vm_xrealloc(g->rs, cap * sizeof *g->rs);
        }
        g->rs[g->nrs++] = page * 2 + (write ? 1 : 0);
        if (!*p)
            return 0;
        p++;
    }
}

static int parse_param(struct gen *g, size_t i, const char *s, char *err, size_t errlen)
{
    const struct gen_param_info *pi = &g->prof->params[i];
    uint64_t v = 0;
    const char *why;
    switch (pi->kind) {
    case GP_COUNT:
        if (number_parse(s, strlen(s), 0, &v, &why))
            return fail(err, errlen, "--%s: bad number '%s'", pi->name, s);
        if (v < pi->min || v > pi->max)
            return fail(err, errlen, "--%s must be from %" PRIu64 " to %" PRIu64 ", not %s", pi->name, pi->min,
                        pi->max, s);
        break;
    case GP_SIZE:
        if (number_parse(s, strlen(s), PS(g), &v, &why))
            return fail(err, errlen, "--%s: bad size '%s'", pi->name, s);
        if (!arch_page_up(&g->arch, v, &v) || v >= g->arch.user_top)
            return fail(err, errlen, "--%s %s is larger than the address space of %s", pi->name, s, g->arch.name);
        if (v < pi->min)
            return fail(err, errlen, "--%s must be at least %" PRIu64 " %s", pi->name, pi->min,
                        pi->min == 1 ? "byte" : "bytes");
        break;
    case GP_FRACTION:
        if (parse_fraction(s, &v) || v > MILLION)
            return fail(err, errlen, "--%s takes a fraction from 0 to 1 (0.25 or 25%%), not '%s'", pi->name, s);
        break;
    case GP_WORD: {
        const char *w = pi->words;
        uint64_t k = 0;
        size_t len = strlen(s);
        for (;;) {
            size_t wl = strcspn(w, "|");
            if (wl == len && !memcmp(w, s, len))
                break;
            if (!w[wl]) {
                char words[64];
                snprintf(words, sizeof words, "%s", pi->words);
                for (char *c = words; *c; c++)
                    if (*c == '|')
                        *c = '/';
                return fail(err, errlen, "--%s takes %s, not '%s'", pi->name, words, s);
            }
            w += wl + 1;
            k++;
        }
        v = k;
        break;
    }
    case GP_LIST:
        if (parse_list_param(g, pi, s, err, errlen))
            return -1;
        break;
    }
    g->val[i] = v;
    return 0;
}

static void gen_free(struct gen *g)
{
    struct asx *x, *tmp;
    HASH_ITER(hh, g->asx, x, tmp)
    {
        asx_free(g, x);
    }
    vm_free(g->vm);
    utstring_done(&g->body);
    utstring_done(&g->note);
    free(g->rs);
    free(g->wpid);
    free(g->wbuf);
}

/* model_new: the machine the lines run on: the generator's arch, and no
 * frames worth speaking of (no page is ever present). 0, or -1 with a
 * message in err */
static int model_new(struct gen *g, char *err, size_t errlen)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    cfg.arch = g->arch;
    cfg.frames = 1;
    g->vm = vm_new(&cfg);
    if (!g->vm)
        return fail(err, errlen, "out of memory");
    utstring_init(&g->body);
    utstring_init(&g->note);
    return 0;
}

static int setup(const struct gen_opts *o, struct gen *g, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    const char *name = o->profile ? o->profile : GEN_DEFAULT_PROFILE;
    g->prof = gen_profile_find(name);
    if (!g->prof) {
        char list[256];
        size_t at = 0;
        for (size_t i = 0; i < VM_ARRAY_LEN(profiles) && at < sizeof list; i++)
            at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", i ? ", " : "", profiles[i].name);
        return fail(err, errlen, "unknown profile '%s' (profiles: %s)", name, list);
    }
    g->pidx = (int)(g->prof - profiles);
    char aerr[160];
    if (arch_parse(&g->arch, o->arch ? o->arch : g->prof->arch, aerr, sizeof aerr))
        return fail(err, errlen, "--arch: %s", aerr);
    g->small = g->arch.va_bits < 32;
    g->frames = o->frames ? o->frames : g->prof->frames ? g->prof->frames : g->arch.default_frames;
    if (g->frames > FRAMES_MAX - 1)
        return fail(err, errlen, "--frames %" PRIu64 " is too many (at most 2^31 - 1)", g->frames);
    g->seed = o->seed;
    for (size_t s = 0; s < o->nsettings; s++) {
        size_t i = 0;
        while (i < g->prof->nparams && strcmp(g->prof->params[i].name, o->settings[s].name))
            i++;
        if (i == g->prof->nparams) {
            char list[256];
            size_t at = 0;
            for (size_t k = 0; k < g->prof->nparams && at < sizeof list; k++)
                at += (size_t)snprintf(list + at, sizeof list - at, "%s--%s", k ? ", " : "",
                                       g->prof->params[k].name);
            return fail(err, errlen, "profile '%s' has no parameter --%s (it takes %s)",
                        o->shown ? o->shown : g->prof->name,
                        o->settings[s].name, list);
        }
    }
    for (size_t i = 0; i < g->prof->nparams; i++) {
        const struct gen_param_info *pi = &g->prof->params[i];
        const char *v = g->small && pi->def_small ? pi->def_small : pi->def;
        for (size_t s = 0; s < o->nsettings; s++)
            if (!strcmp(o->settings[s].name, pi->name)) {
                v = o->settings[s].value;
                g->given[i] = true;
            }
        if (parse_param(g, i, v, err, errlen)) {
            free(g->rs);
            return -1;
        }
    }
    if (model_new(g, err, errlen) || pfuncs[g->pidx].prepare(g, err, errlen)) {
        gen_free(g);
        return -1;
    }
    return 0;
}

int gen_machine(const struct gen_opts *o, struct arch *arch, uint32_t *frames, char *err, size_t errlen)
{
    struct gen g;
    if (setup(o, &g, err, errlen))
        return -1;
    *arch = g.arch;
    *frames = (uint32_t)g.frames;
    gen_free(&g);
    return 0;
}

int gen_trace(const struct gen_opts *o, FILE *out, char *err, size_t errlen)
{
    struct gen g;
    if (setup(o, &g, err, errlen))
        return -1;
    gen_rng_seed(&g.rng, g.seed);
    pfuncs[g.pidx].run(&g);

    fprintf(out, "# ARG profile %s\n# ARG seed %" PRIu64 "\n# ARG arch %s\n# ARG frames %" PRIu64 "\n",
            g.prof->name, g.seed, g.arch.name, g.frames);
    for (size_t i = 0; i < g.prof->nparams; i++) {
        const struct gen_param_info *pi = &g.prof->params[i];
        char b[64];
        switch (pi->kind) {
        case GP_COUNT:
            snprintf(b, sizeof b, "%" PRIu64, g.val[i]);
            break;
        case GP_SIZE:
            fmt_size(g.val[i], b, sizeof b);
            break;
        case GP_FRACTION:
            fmt_fraction(g.val[i], b, sizeof b);
            break;
        case GP_WORD: {
            const char *w = pi->words;
            for (uint64_t k = 0; k < g.val[i]; k++)
                w += strcspn(w, "|") + 1;
            snprintf(b, sizeof b, "%.*s", (int)strcspn(w, "|"), w);
            break;
        }
        case GP_LIST:
            if (!g.nrs)
                snprintf(b, sizeof b, "random");
            else
                b[0] = 0;
            break;
        }
        fprintf(out, "# ARG %s %s", pi->name, b);
        for (size_t k = 0; pi->kind == GP_LIST && k < g.nrs; k++)
            fprintf(out, "%s%" PRIu64 "%s", k ? "," : "", g.rs[k] / 2, g.rs[k] % 2 ? "w" : "");
        fputc('\n', out);
    }
    bool arch_default = !strcmp(g.arch.name, "x86_64");
    if (!arch_default || g.frames != g.arch.default_frames || g.flags_more[0]) {
        fprintf(out, "options");
        if (!arch_default)
            fprintf(out, " --arch %s", g.arch.name);
        if (g.frames != g.arch.default_frames)
            fprintf(out, " --frames %" PRIu64, g.frames);
        fprintf(out, "%s\n", g.flags_more);
    }
    fputs(utstring_body(&g.note), out);
    UT_string progs;
    utstring_init(&progs);
    for (int i = 0; i < g.nprogs; i++)
        if (g.progs[i].used)
            prog_line(&g, i, &progs);
    fputs(utstring_body(&progs), out);
    utstring_done(&progs);
    size_t len = utstring_len(&g.body);
    bool written = !len || fwrite(utstring_body(&g.body), 1, len, out) == len;
    gen_free(&g);
    return written ? 0 : fail(err, errlen, "cannot write the trace");
}
