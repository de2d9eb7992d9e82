/* strace.c -- an strace -f record made into a trace (import.h): written
 * with -o FILE (a pid on every line), or to standard error (a pid on a
 * line only while strace traces several processes: see solo).
 *
 * A record line goes through three steps:
 *   1. its pid, time stamp and kind are read (a call, the start of an
 *      unfinished call, its resumption, a `+++`/`---` line); the two halves
 *      of a call are joined in the task's `pend` buffer;
 *   2. the whole line is delivered to its task: handled at once, or held
 *      back in the task's queue while the task cannot act yet (its process
 *      is not known: the clone that made it has not returned; or it is a
 *      vfork parent whose child has neither exec'd nor exited);
 *   3. handling writes events (or a comment) and keeps the mirror of what
 *      the trace has made so far: processes with their parent, state, vfork
 *      partner, descriptors and address space (the ranges the trace mapped,
 *      the break), so that every line written is valid in `vmsim run`.
 * After each record line, held lines that can now go are handled (drain).
 *
 * Tasks are threads of the record (the pid on a line); processes are
 * thread groups. Both live in uthash tables keyed by the record's ids, and
 * processes also by the pid the trace gives them. A process is freed when
 * the trace reaps it, with its tasks: memory follows the live processes.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "record.h"
#include "vmsim/number.h"
#include "vmsim/util.h"

/* vmsim's layout of a program that no `program` line declares: text 4p,
 * data 2p, bss 2p from 0x400000, then the heap; a stack of 4p below
 * user_top (SPEC section 3). The trace's breaks move from there. */
#define VM_HEAP_START ((uint64_t)0x400000 + 8 * REC_PAGE)
#define VM_STACK_START (REC_USER_TOP - 4 * REC_PAGE)

#define MAX_ARGS 12
#define OUT_PID_MAX 2147483647u /* the highest pid of a trace */
#define ENDED_MAX 1024 /* the last tasks let go, whose late lines are comments */
#define COMMENT_MAX 240
#define ATTACHED_MAX 64
/* all the lines held back, each counted with its bookkeeping (HELD_COST):
 * past this, nothing is waited for any more (hold_give_up) */
#define HOLD_BYTES ((size_t)16 << 20)
#define HELD_COST(len) ((len) + sizeof(struct held))
/* the lines of the first process held back while its pid is unknown */
#define ANON_HOLD_LINES 65536
#define ANON_HOLD_BYTES HOLD_BYTES
/* the lines of a process that appeared before the clone that made it
 * (strace -z, -e status=...) held back while its clone may still come */
#define EARLY_HOLD_LINES 1024
#define EARLY_HOLD_BYTES HOLD_BYTES
/* the forms of a record, for the messages about lines that are of neither */
#define FORMS                                                                                                  \
    "strace -f -o FILE starts each line with a pid; strace -f 2>FILE starts it with [pid N], or with none "   \
    "while it traces one process"

struct str {
    const char *s;
    size_t len;
};

static bool str_eq(struct str a, const char *lit) { return a.len == strlen(lit) && !memcmp(a.s, lit, a.len); }

/* is_fork_call: a call that makes a process or a thread */
static bool is_fork_call(struct str name)
{
    return str_eq(name, "clone") || str_eq(name, "clone3") || str_eq(name, "fork") || str_eq(name, "vfork");
}

/* call_name: the bytes of s[0, n) before its first '(' (all of them when
 * there is none): a call's name */
static struct str call_name(const char *s, size_t n)
{
    const char *q = memchr(s, '(', n);
    return (struct str){s, q ? (size_t)(q - s) : n};
}
static bool str_starts(struct str a, const char *lit)
{
    size_t n = strlen(lit);
    return a.len >= n && !memcmp(a.s, lit, n);
}

/* ---- the mirror -------------------------------------------------------- */

/* a mapped range and what the trace mapped there */
struct range {
    uint64_t start, end;
    uint64_t off;     /* the file offset at start */
    const char *file; /* the file= word (interned), NULL for anonymous memory */
    unsigned prot;    /* PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4 */
    bool shared;
};

/* an address space as the trace made it (shared by a vfork child) */
struct space {
    int refs;
    struct range *r; /* sorted, disjoint; touching ranges of the same mapping merged */
    size_t n, cap;
    bool image;       /* made by exec: it has a heap */
    bool brk_known;   /* the record's break is known */
    uint64_t rec_brk; /* the record's break */
    uint64_t vm_brk;  /* the trace's break */
};

enum pstate { P_RUNNING, P_SUSPENDED, P_ZOMBIE };

struct proc {
    int pid;      /* the record's (thread group id) */
    uint32_t out; /* the trace's */
    enum pstate state;
    struct proc *parent; /* NULL: ppid 0 */
    struct proc *kids;   /* its children (sib_prev, sib_next), in no order */
    struct proc *sib_prev, *sib_next;
    uint64_t seq;        /* when it was made: the order of S->outs */
    struct proc *vfork_child, *vfork_parent;
    struct space *sp; /* NULL once exited */
    char **fd;        /* path of each descriptor, or NULL */
    size_t nfd;
    bool in_pids; /* in the table of record pids */
    struct task *tasks; /* its tasks (task.pnext) */
    bool subreaper; /* prctl(PR_SET_CHILD_SUBREAPER, 1) done: orphans below come to it */
    UT_hash_handle hh;   /* by pid */
    UT_hash_handle hout; /* by out */
};

struct held {
    uint64_t line;
    char *text;
    size_t len;
    bool open_fork; /* the end of a clone-like call counted in forks_open */
};

struct task {
    int tid;
    struct proc *p; /* NULL while not known */
    bool thread;    /* not its process's first task */
    bool fork_pend; /* its unfinished call is a clone, fork or vfork (counted in forks_open) */
    bool exec_done; /* its unfinished execve was written already */
    bool has_pend;
    bool seen;    /* a line of the record was its own (or strace said it attached it) */
    bool gone;    /* its +++ exited or +++ killed line was read */
    bool exiting; /* its exit or exit_group was read */
    uint64_t early; /* the record line of its first line, read before any clone named it (see new_task); else 0 */
    char *pend; /* the unfinished call, without " <unfinished ...>" */
    size_t pend_len, pend_cap;
    uint64_t pend_line;
    struct held *q; /* lines held back, from qhead */
    size_t qhead, qn, qcap;
    struct task *pprev, *pnext; /* in p->tasks */
    uint64_t seq; /* when it joined S->tasks: drain goes in that order */
    /* drain's visits (struct ready): where t is in S->ready (SIZE_MAX: not
     * there), the pass it waits for, and the pass in which t got its
     * process (a pass visits only the tasks that had one when it began) */
    size_t ready_at;
    uint64_t ready_pass, p_pass;
    UT_hash_handle hh;
};

/* a call, parsed: words point into its text */
struct call {
    struct str text; /* the whole call, NAME(...) = RET ... */
    struct str name;
    struct str arg[MAX_ARGS];
    size_t nargs;
    struct str ret;  /* the word after " = " */
    bool ok;         /* it returned a value (not -1 ERRNO, not ?) */
    uint64_t value;  /* that value, when it is a number */
    bool has_value;
    bool injected;   /* strace -e inject=...:retval= made the return up: the call was not made */
};

/* a file= word, kept once for all the ranges that name it */
struct name {
    char *s;
    UT_hash_handle hh;
};

struct strace {
    const struct import_opts *o;
    struct import_result *res;
    struct rec_writer w;
    struct task *tasks;
    struct proc *pids; /* by record pid */
    struct proc *outs; /* by trace pid: every process not reaped */
    uint32_t next_out; /* with --pid: the next number; else the next free above the largest */
    uint64_t line;     /* the record line being handled */
    size_t forks_open; /* clone-like calls started and not handled yet: their children may appear */
    size_t held;
    size_t held_bytes; /* their HELD_COST */
    uint64_t task_seq;
    uint64_t proc_seq;
    /* the tasks that hold lines and may be able to act, in the order drain
     * visits them (a heap by pass, then seq): see drain */
    struct task **ready;
    size_t ready_n, ready_cap;
    uint64_t pass;       /* drain's current (or last) pass */
    uint64_t pass_seq;   /* the seq of the task the current pass visits */
    bool draining;
    /* something may let held lines go: a task got its process, a vfork
     * parent resumed, a call was left unfinished (try_release); drain runs
     * after a line only then */
    bool wake;
    size_t early_n;     /* tasks early (task.early), not yet made or spawned */
    size_t early_bytes; /* the bytes of their lines held back */
    /* the early tasks in the order they came, a ring: at most one a
     * record line, each until its window ends (made or spawned by then:
     * an entry whose task is no longer early is passed over) */
    struct early_ref {
        int tid;
        uint64_t line; /* its task's early */
    } early_q[EARLY_HOLD_LINES + 2];
    size_t early_head, early_len;
    uint64_t noise, stack, procs, spawned, forked, vforked, threads, execs;
    char *work; /* a copy of the line being handled */
    size_t work_cap;
    char *buf; /* scratch for names */
    size_t buf_cap;
    struct name *names; /* the file= words of the ranges mapped */
    int ended[ENDED_MAX]; /* a ring of the tids of the last tasks freed */
    size_t ended_n, ended_pos;
    /* strace -f without -o: lines without a pid (see solo) */
    enum { FORM_NONE, FORM_PIDS, FORM_STDERR } form; /* PIDS: `PID ` on every line (-o FILE) */
    struct task *anon;    /* the first process while its pid is unknown (tid 0), or NULL */
    size_t anon_bytes;    /* the bytes of its lines held back */
    int first_pid;        /* the pid of strace -p's `Process N attached` before any line */
    int attached[ATTACHED_MAX]; /* a ring of the last pids strace said it attached */
    size_t att_n, att_pos;
    size_t live;          /* tasks seen and not gone */
    struct task *solo_t;  /* the last task of a line without a pid */
    uint64_t pid_lines;   /* lines that show a pid */
    char *cont;           /* a line cut by strace's `Process N attached`, to go on */
    size_t cont_len, cont_cap;
    /* the pids of the messages that cut the line in cont (or came while
     * it was cut): noted once the whole line is read, since strace began
     * that line while it traced only the processes before them */
    int cut_att[ATTACHED_MAX];
    size_t cut_att_n;
    char *join; /* the line and the one that goes on with it */
    size_t join_cap;
    int unf_tid;   /* the task whose unfinished call is the line before, or -1 */
    uint64_t rests; /* ends of calls on a line of their own (strace -z) */
    bool failed;   /* handling a line ended the import (res says why) */
};

/* ---- writing ----------------------------------------------------------- */

static void comment_text(struct strace *S, int tid, struct str text, const char *why)
{
    S->res->comments++;
    if (!S->o->comments)
        return;
    rec_printf(&S->w, "# %d ", tid);
    rec_text(&S->w, text.s, text.len, COMMENT_MAX);
    if (why)
        rec_printf(&S->w, "  (%s)", why);
    rec_put(&S->w, "\n", 1);
}

static void event_done(struct strace *S) { S->res->events++; }

/* ---- address spaces ---------------------------------------------------- */

static struct space *space_new(bool image)
{
    struct space *sp = vm_xcalloc(1, sizeof *sp);
    sp->refs = 1;
    sp->image = image;
    sp->vm_brk = VM_HEAP_START;
    return sp;
}

static struct space *space_copy(const struct space *a)
{
    struct space *sp = vm_xmalloc(sizeof *sp);
    *sp = *a;
    sp->refs = 1;
    sp->cap = a->n ? a->n : 0;
    sp->r = a->n ? vm_xmalloc(a->n * sizeof *sp->r) : NULL;
    if (a->n)
        memcpy(sp->r, a->r, a->n * sizeof *sp->r);
    return sp;
}

static void space_drop(struct space *sp)
{
    if (sp && --sp->refs == 0) {
        free(sp->r);
        free(sp);
    }
}

/* first: the index of the first range that ends after x */
static size_t first_after(const struct space *sp, uint64_t x)
{
    size_t lo = 0, hi = sp->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp->r[mid].end <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void space_remove(struct space *sp, uint64_t s, uint64_t e)
{
    size_t i = first_after(sp, s);
    if (i < sp->n && sp->r[i].start < s && sp->r[i].end > e) { /* a hole in one range */
        if (sp->n == sp->cap) {
            sp->cap = sp->cap ? sp->cap * 2 : 8;
            sp->r = vm_xrealloc(sp->r, sp->cap * sizeof *sp->r);
        }
        memmove(sp->r + i + 1, sp->r + i, (sp->n - i) * sizeof *sp->r);
        sp->n++;
        sp->r[i].end = s;
        sp->r[i + 1].off += e - sp->r[i + 1].start;
        sp->r[i + 1].start = e;
        return;
    }
    if (i < sp->n && sp->r[i].start < s) {
        sp->r[i].end = s;
        i++;
    }
    size_t j = i;
    while (j < sp->n && sp->r[j].end <= e)
        j++;
    if (j < sp->n && sp->r[j].start < e) {
        sp->r[j].off += e - sp->r[j].start;
        sp->r[j].start = e;
    }
    if (j > i) {
        memmove(sp->r + i, sp->r + j, (sp->n - j) * sizeof *sp->r);
        sp->n -= j - i;
    }
}

/* joins: b begins where a ends and continues the same mapping */
static bool joins(const struct range *a, const struct range *b)
{
    return a->end == b->start && a->prot == b->prot && a->shared == b->shared && a->file == b->file &&
           (!a->file || a->off + (a->end - a->start) == b->off);
}

/* space_add: the trace maps [m.start, m.end) as m says, over what was there */
static void space_add(struct space *sp, struct range m)
{
    uint64_t s = m.start, e = m.end;
    space_remove(sp, s, e);
    size_t i = first_after(sp, s);
    bool left = i > 0 && joins(&sp->r[i - 1], &m);
    bool right = i < sp->n && joins(&m, &sp->r[i]);
    if (left && right) {
        sp->r[i - 1].end = sp->r[i].end;
        memmove(sp->r + i, sp->r + i + 1, (sp->n - i - 1) * sizeof *sp->r);
        sp->n--;
    } else if (left) {
        sp->r[i - 1].end = e;
    } else if (right) {
        sp->r[i].start = s;
        sp->r[i].off = m.off;
    } else {
        if (sp->n == sp->cap) {
            sp->cap = sp->cap ? sp->cap * 2 : 8;
            sp->r = vm_xrealloc(sp->r, sp->cap * sizeof *sp->r);
        }
        memmove(sp->r + i + 1, sp->r + i, (sp->n - i) * sizeof *sp->r);
        sp->r[i] = m;
        sp->n++;
    }
}

/* space_protect: the parts of [s, e) that the trace mapped get protection prot */
static void space_protect(struct space *sp, uint64_t s, uint64_t e, unsigned prot)
{
    size_t i = first_after(sp, s);
    while (i < sp->n && sp->r[i].start < e) {
        struct range m = sp->r[i];
        if (m.prot == prot) {
            i++;
            continue;
        }
        m.start = m.start > s ? m.start : s;
        m.end = m.end < e ? m.end : e;
        m.off = sp->r[i].off + (m.start - sp->r[i].start);
        m.prot = prot;
        space_add(sp, m);
        i = first_after(sp, m.end);
    }
}

/* space_find: the range that holds address a, or NULL */
static const struct range *space_find(const struct space *sp, uint64_t a)
{
    size_t i = first_after(sp, a);
    return i < sp->n && sp->r[i].start <= a ? &sp->r[i] : NULL;
}

static bool space_overlaps(const struct space *sp, uint64_t s, uint64_t e)
{
    size_t i = first_after(sp, s);
    return i < sp->n && sp->r[i].start < e;
}

/* ---- processes --------------------------------------------------------- */

static struct task *task_find(struct strace *S, int tid)
{
    struct task *t;
    HASH_FIND_INT(S->tasks, &tid, t);
    return t;
}

static struct task *task_new(struct strace *S, int tid)
{
    struct task *t = vm_xcalloc(1, sizeof *t);
    t->tid = tid;
    t->seq = ++S->task_seq;
    t->ready_at = SIZE_MAX;
    HASH_ADD_INT(S->tasks, tid, t);
    return t;
}

/* ---- drain's visits ---------------------------------------------------- */

/* drain goes over the tasks that hold lines in passes, each in the order
 * the tasks came (seq), until a pass lets no line go. A visit to a task
 * that cannot act does nothing, so only the tasks that something may have
 * let go are visited: S->ready holds them, a heap by pass, then seq. A
 * visit in the pass under way comes only to a task the pass has not passed
 * yet and that had its process when the pass began; the others wait for
 * the next pass. This keeps the order of a visit to every held task in
 * every pass, in time that follows the changes, not the held tasks. */

/* ready_before: a is visited before b */
static bool ready_before(const struct task *a, const struct task *b)
{
    return a->ready_pass != b->ready_pass ? a->ready_pass < b->ready_pass : a->seq < b->seq;
}

static void ready_put(struct strace *S, size_t i, struct task *t)
{
    S->ready[i] = t;
    t->ready_at = i;
}

/* ready_up / ready_down: the task at i moves to its place in the heap */
static void ready_up(struct strace *S, size_t i)
{
    struct task *t = S->ready[i];
    while (i > 0 && ready_before(t, S->ready[(i - 1) / 2])) {
        ready_put(S, i, S->ready[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    ready_put(S, i, t);
}

static void ready_down(struct strace *S, size_t i)
{
    struct task *t = S->ready[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= S->ready_n)
            break;
        if (c + 1 < S->ready_n && ready_before(S->ready[c + 1], S->ready[c]))
            c++;
        if (!ready_before(S->ready[c], t))
            break;
        ready_put(S, i, S->ready[c]);
        i = c;
    }
    ready_put(S, i, t);
}

/* ready_remove: t leaves S->ready (it is visited, or freed) */
static void ready_remove(struct strace *S, struct task *t)
{
    size_t i = t->ready_at;
    if (i == SIZE_MAX)
        return;
    t->ready_at = SIZE_MAX;
    struct task *last = S->ready[--S->ready_n];
    if (last == t)
        return;
    ready_put(S, i, last);
    ready_up(S, i);
    ready_down(S, last->ready_at);
}

/* wake_task: something changed that may let t's held lines go (it got its
 * process, its process went on or ended, its vfork child changed, it holds
 * more): drain visits it. Once in S->ready is enough: the visit comes
 * after the change. */
static void wake_task(struct strace *S, struct task *t)
{
    if (!t->p || t->qn == t->qhead || t->ready_at != SIZE_MAX)
        return;
    bool now = S->draining && t->seq > S->pass_seq && t->p_pass < S->pass;
    t->ready_pass = now ? S->pass : S->pass + 1;
    if (S->ready_n == S->ready_cap) {
        S->ready_cap = S->ready_cap ? 2 * S->ready_cap : 64;
        S->ready = vm_xrealloc(S->ready, S->ready_cap * sizeof *S->ready); /* NOLINT(bugprone-sizeof-expression): pointers */
    }
    S->ready[S->ready_n] = t;
    ready_up(S, S->ready_n++);
}

/* wake_proc: wake_task for each task of p */
static void wake_proc(struct strace *S, struct proc *p)
{
    for (struct task *t = p->tasks; t; t = t->pnext)
        wake_task(S, t);
}

/* wake_vfork_parent: t changed in a way that may let its process's vfork
 * parent go on (try_release) */
static void wake_vfork_parent(struct strace *S, const struct task *t)
{
    if (t->p && t->p->vfork_parent)
        wake_proc(S, t->p->vfork_parent);
}

/* task_set_proc: t, which had none, is a task of p */
static void task_set_proc(struct strace *S, struct task *t, struct proc *p)
{
    t->p = p;
    t->p_pass = S->pass;
    t->pprev = NULL;
    t->pnext = p->tasks;
    if (p->tasks)
        p->tasks->pprev = t;
    p->tasks = t;
    wake_task(S, t);
}

static bool ended_has(const struct strace *S, int tid)
{
    for (size_t i = 0; i < S->ended_n; i++)
        if (S->ended[i] == tid)
            return true;
    return false;
}

/* early_done: t, if it was early (new_task), is no longer: its process
 * is made, or spawned, or t is freed */
static void early_done(struct strace *S, struct task *t)
{
    if (!t->early)
        return;
    t->early = 0;
    if (!--S->early_n)
        S->early_bytes = 0;
}

static void task_free(struct strace *S, struct task *t)
{
    if (t->p && !ended_has(S, t->tid)) {
        S->ended[S->ended_pos] = t->tid;
        S->ended_pos = (S->ended_pos + 1) % ENDED_MAX;
        if (S->ended_n < ENDED_MAX)
            S->ended_n++;
    }
    /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): t is in the table, so it is not empty */
    HASH_DEL(S->tasks, t);
    if (t->seen && !t->gone)
        S->live--;
    if (S->solo_t == t)
        S->solo_t = NULL;
    if (S->anon == t)
        S->anon = NULL;
    early_done(S, t);
    if (t->fork_pend)
        S->forks_open--;
    for (size_t i = t->qhead; i < t->qn; i++) {
        if (t->q[i].open_fork)
            S->forks_open--;
        S->held_bytes -= HELD_COST(t->q[i].len);
        free(t->q[i].text);
    }
    ready_remove(S, t);
    if (t->p) {
        if (t->pprev)
            t->pprev->pnext = t->pnext;
        else
            t->p->tasks = t->pnext;
        if (t->pnext)
            t->pnext->pprev = t->pprev;
    }
    S->held -= t->qn - t->qhead;
    free(t->q);
    free(t->pend);
    free(t);
}

/* task_seen: a line of the record is t's: strace traces it */
static void task_seen(struct strace *S, struct task *t)
{
    if (!t->seen && !t->gone)
        S->live++;
    t->seen = true;
}

/* task_gone: t's +++ exited or +++ killed line: strace traces it no more */
static void task_gone(struct strace *S, struct task *t)
{
    if (t->seen && !t->gone)
        S->live--;
    t->gone = true;
}

static struct proc *proc_by_pid(struct strace *S, int pid)
{
    struct proc *p;
    HASH_FIND_INT(S->pids, &pid, p);
    return p;
}

static struct proc *proc_by_out(struct strace *S, uint32_t out)
{
    struct proc *p;
    HASH_FIND(hout, S->outs, &out, sizeof out, p);
    return p;
}

/* set_parent: c's parent becomes par (NULL: none), in both lists of children */
static void set_parent(struct proc *c, struct proc *par)
{
    if (c->parent) {
        if (c->sib_prev)
            c->sib_prev->sib_next = c->sib_next;
        else
            c->parent->kids = c->sib_next;
        if (c->sib_next)
            c->sib_next->sib_prev = c->sib_prev;
    }
    c->parent = par;
    c->sib_prev = NULL;
    c->sib_next = par ? par->kids : NULL;
    if (par) {
        if (par->kids)
            par->kids->sib_prev = c;
        par->kids = c;
    }
}

static int proc_seq_cmp(const void *a, const void *b)
{
    uint64_t x = (*(struct proc *const *)a)->seq, y = (*(struct proc *const *)b)->seq;
    return x < y ? -1 : x > y;
}

static int task_seq_cmp(const void *a, const void *b)
{
    uint64_t x = (*(struct task *const *)a)->seq, y = (*(struct task *const *)b)->seq;
    return x < y ? -1 : x > y;
}

/* next_free: the first pid not in use from S->next_out on, past the
 * highest pid a trace allows (OUT_PID_MAX) from 1 again; next_out goes past it */
static uint32_t next_free(struct strace *S)
{
    uint32_t out;
    do {
        if (S->next_out < 1 || S->next_out > OUT_PID_MAX)
            S->next_out = 1;
        out = S->next_out++;
    } while (proc_by_out(S, out));
    return out;
}

/* out_pid: the trace's pid for a new process of record pid `pid` */
static uint32_t out_pid(struct strace *S, int pid)
{
    if (S->o->pid)
        return next_free(S);
    if (pid >= 1 && (uint32_t)pid <= OUT_PID_MAX && !proc_by_out(S, (uint32_t)pid)) {
        if ((uint32_t)pid >= S->next_out)
            S->next_out = (uint32_t)pid + 1;
        return (uint32_t)pid;
    }
    return next_free(S);
}

static struct proc *proc_new(struct strace *S, int pid, struct proc *parent)
{
    struct proc *p = vm_xcalloc(1, sizeof *p);
    p->pid = pid;
    p->out = out_pid(S, pid);
    p->seq = ++S->proc_seq;
    set_parent(p, parent);
    p->state = P_RUNNING;
    /* a process of the same record pid that the trace has not reaped (the
     * record reaped it in a way the trace does not see) leaves the table */
    struct proc *old = proc_by_pid(S, pid);
    if (old) {
        HASH_DEL(S->pids, old);
        old->in_pids = false;
    }
    HASH_ADD_INT(S->pids, pid, p);
    p->in_pids = true;
    HASH_ADD(hout, S->outs, out, sizeof p->out, p);
    S->procs++;
    return p;
}

static void fds_copy(struct proc *to, const struct proc *from)
{
    to->nfd = from->nfd;
    to->fd = from->nfd ? vm_xcalloc(from->nfd, sizeof *to->fd) : NULL;
    for (size_t i = 0; i < from->nfd; i++)
        if (from->fd[i])
            to->fd[i] = vm_xstrndup(from->fd[i], strlen(from->fd[i]));
}

static void fd_set(struct proc *p, uint64_t fd, const char *path, size_t len)
{
    if (fd > 1u << 20)
        return;
    if (fd >= p->nfd) {
        size_t n = p->nfd ? p->nfd : 16;
        while (n <= fd)
            n *= 2;
        p->fd = vm_xrealloc(p->fd, n * sizeof *p->fd);
        memset(p->fd + p->nfd, 0, (n - p->nfd) * sizeof *p->fd);
        p->nfd = n;
    }
    free(p->fd[fd]);
    p->fd[fd] = path ? vm_xstrndup(path, len) : NULL;
}

static const char *fd_get(const struct proc *p, uint64_t fd) { return fd < p->nfd ? p->fd[fd] : NULL; }

/* reap: the trace reaped p: it goes, with its tasks (freed in the order
 * they came, as the ring of ended tids keeps them) */
static void reap(struct strace *S, struct proc *p)
{
    size_t n = 0;
    for (struct task *t = p->tasks; t; t = t->pnext)
        n++;
    if (n) {
        struct task **v = vm_xcalloc(n, sizeof *v); /* NOLINT(bugprone-sizeof-expression): pointers */
        n = 0;
        for (struct task *t = p->tasks; t; t = t->pnext)
            v[n++] = t;
        qsort(v, n, sizeof *v, task_seq_cmp); /* NOLINT(bugprone-sizeof-expression): pointers */
        for (size_t i = 0; i < n; i++)
            task_free(S, v[i]);
        free(v);
    }
    while (p->kids)
        set_parent(p->kids, NULL);
    set_parent(p, NULL);
    if (p->in_pids)
        HASH_DEL(S->pids, p); /* NOLINT(clang-analyzer-core.NullDereference): p is in the table, so it is not empty */
    HASH_DELETE(hout, S->outs, p); /* NOLINT(clang-analyzer-core.NullDereference): as above */
    for (size_t i = 0; i < p->nfd; i++)
        free(p->fd[i]);
    free(p->fd);
    space_drop(p->sp);
    free(p);
}

/* is_ancestor: a is p or one of p's ancestors */
static bool is_ancestor(const struct proc *a, const struct proc *p)
{
    for (; p; p = p->parent)
        if (p == a)
            return true;
    return false;
}

/* vfork_release: the vfork child c execs or exits: its parent resumes */
static void vfork_release(struct strace *S, struct proc *c)
{
    struct proc *par = c->vfork_parent;
    if (!par)
        return;
    S->wake = true;
    par->state = P_RUNNING;
    wake_proc(S, par);
    par->vfork_child = NULL;
    c->vfork_parent = NULL;
}

/* do_exit: writes `exit` and follows vmsim's rules: zombie children are
 * reaped, living ones go to process 1 (if it lives and is not their
 * descendant) or to no parent; a process without a parent is reaped. */
static void do_exit(struct strace *S, struct proc *p, unsigned status)
{
    rec_printf(&S->w, "exit %" PRIu32 " %u\n", p->out, status & 255);
    event_done(S);
    vfork_release(S, p);
    space_drop(p->sp);
    p->sp = NULL;
    p->state = P_ZOMBIE;
    wake_proc(S, p); /* its held lines become comments */
    struct proc *one = proc_by_out(S, 1);
    /* the nearest living subreaper above p, before process 1 (as vmsim run does) */
    struct proc *sub = p->parent;
    while (sub && sub->out != 1 && !(sub->subreaper && sub->state != P_ZOMBIE))
        sub = sub->parent;
    if (sub && sub->out == 1)
        sub = NULL;
    /* its children, in the order they were made (as vmsim run goes over them) */
    size_t n = 0;
    for (struct proc *c = p->kids; c; c = c->sib_next)
        n++;
    struct proc **v = n ? vm_xcalloc(n, sizeof *v) : NULL; /* NOLINT(bugprone-sizeof-expression): pointers */
    n = 0;
    for (struct proc *c = p->kids; c; c = c->sib_next)
        v[n++] = c;
    if (n > 1)
        qsort(v, n, sizeof *v, proc_seq_cmp); /* NOLINT(bugprone-sizeof-expression): pointers */
    for (size_t i = 0; i < n; i++) {
        struct proc *c = v[i];
        if (c->state == P_ZOMBIE)
            reap(S, c);
        else if (sub)
            set_parent(c, sub);
        else if (one && one != c && one->state != P_ZOMBIE && one != p && !is_ancestor(c, one))
            set_parent(c, one);
        else
            set_parent(c, NULL);
    }
    free(v);
    if (!p->parent)
        reap(S, p);
}

/* ---- reading calls ----------------------------------------------------- */

/* skip_string: from the opening '"' at s[i], the index after the closing one */
static size_t skip_string(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

/* skip_decor: from the '<' of a -y descriptor's path at s[i] (3</path>),
 * the index after its closing '>'. Inside, a '"' is a byte of the path
 * and '\' escapes the next byte (strace writes a '>' of the path as \76);
 * a "->" inside [...] is a socket's arrow (TCP:[1.2.3.4:22->5.6.7.8:99]). */
static size_t skip_decor(const char *s, size_t n, size_t i)
{
    int sq = 0;
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '[')
            sq++;
        else if (s[i] == ']' && sq > 0)
            sq--;
        else if (s[i] == '>' && !(sq > 0 && s[i - 1] == '-'))
            return i + 1;
    }
    return n;
}

/* parse_call: text is NAME(ARGS) = RET ...; fills c. 0, or -1 if the text
 * ends before the call does (cut short), -2 if there is no " = " after it. */
static int parse_call(struct str text, struct call *c)
{
    memset(c, 0, sizeof *c);
    c->text = text;
    const char *s = text.s;
    size_t n = text.len;
    c->name = call_name(s, n);
    size_t i = c->name.len;
    if (i == n)
        return -1;
    i++;
    int depth = 0;
    size_t a0 = i;
    bool any = false;
    for (; i < n; i++) {
        char ch = s[i];
        if (ch == '"') {
            i = skip_string(s, n, i) - 1;
            any = true;
        } else if (ch == '<' && i > a0 && s[i - 1] >= '0' && s[i - 1] <= '9') { /* -y: 3</path> */
            i = skip_decor(s, n, i) - 1;
            any = true;
        } else if (ch == '(' || ch == '[' || ch == '{') {
            depth++;
        } else if ((ch == ')' || ch == ']' || ch == '}') && depth > 0) {
            depth--;
        } else if (ch == ')' || (ch == ',' && depth == 0)) {
            size_t b = a0, e = i;
            while (b < e && s[b] == ' ')
                b++;
            while (e > b && s[e - 1] == ' ')
                e--;
            if ((e > b || ch == ',' || any) && c->nargs < MAX_ARGS) {
                c->arg[c->nargs].s = s + b;
                c->arg[c->nargs].len = e - b;
                c->nargs++;
            }
            a0 = i + 1;
            if (ch == ')')
                break;
        } else if (ch != ' ') {
            any = true;
        }
    }
    if (i >= n)
        return -1;
    i++;
    while (i < n && s[i] == ' ')
        i++;
    if (i >= n)
        return -1;
    if (s[i] != '=')
        return -2;
    if (i + 1 >= n)
        return -1;
    if (s[i + 1] != ' ')
        return -2;
    i += 2;
    while (i < n && s[i] == ' ')
        i++;
    size_t r = i;
    while (i < n && s[i] != ' ')
        i++;
    c->ret.s = s + r;
    c->ret.len = i - r;
    if (!c->ret.len)
        return -1;
    c->injected = n - i >= 11 && !memcmp(s + i, " (INJECTED)", 11);
    if (str_eq(c->ret, "?") || (c->ret.s[0] == '-' && c->ret.len > 1 && c->ret.s[1] >= '0' && c->ret.s[1] <= '9')) {
        c->ok = false;
        return 0;
    }
    c->ok = true;
    /* a number, maybe with a -y path after it: 3</etc/ld.so.cache> */
    uint64_t v = 0;
    size_t k = 0;
    const char *rs = c->ret.s;
    if (c->ret.len > 2 && rs[0] == '0' && rs[1] == 'x') {
        for (k = 2; k < c->ret.len && number_hexv[(unsigned char)rs[k]]; k++)
            v = v << 4 | (uint64_t)(number_hexv[(unsigned char)rs[k]] - 1);
        c->has_value = k > 2;
    } else {
        for (; k < c->ret.len && rs[k] >= '0' && rs[k] <= '9' && k < 20; k++)
            v = v * 10 + (uint64_t)(rs[k] - '0');
        c->has_value = k > 0;
    }
    c->value = v;
    return 0;
}

/* arg_num: a number argument: decimal, 0x hex, NULL (0), or a -y
 * descriptor (3</path>), maybe followed by the comment of names that
 * -X verbose adds (0x3 then PROT_READ|PROT_WRITE in a comment). false for
 * anything else (AT_FDCWD, -1, flags by name). */
static bool arg_num(struct str a, uint64_t *v)
{
    if (str_eq(a, "NULL")) {
        *v = 0;
        return true;
    }
    const char *s = a.s;
    size_t n = a.len, k;
    uint64_t x = 0;
    if (n > 2 && s[0] == '0' && s[1] == 'x') {
        for (k = 2; k < n && k < 18 && number_hexv[(unsigned char)s[k]]; k++)
            x = x << 4 | (uint64_t)(number_hexv[(unsigned char)s[k]] - 1);
        if (k == 2)
            return false;
    } else {
        for (k = 0; k < n && k < 19 && s[k] >= '0' && s[k] <= '9'; k++)
            x = x * 10 + (uint64_t)(s[k] - '0');
        if (k == 0)
            return false;
    }
    if (k < n && s[k] != '<' && !(n - k >= 3 && !memcmp(s + k, " /*", 3)))
        return false;
    *v = x;
    return true;
}

/* arg_is: a is the constant name, or its value as a number (-X raw, -X verbose) */
static bool arg_is(struct str a, const char *name, uint64_t value)
{
    uint64_t v;
    return str_eq(a, name) || (arg_num(a, &v) && v == value);
}

/* a flag's name and its bits */
struct flagdef {
    const char *name;
    uint64_t bits;
};

#define PROT_BITS 7u
#define MAP_TYPE_BITS 3u /* MAP_SHARED 1, MAP_PRIVATE 2, MAP_SHARED_VALIDATE 3 */
#define MAP_ANON_BIT 0x20u
#define CLONE_VM_BIT 0x100u
#define CLONE_VFORK_BIT 0x4000u
#define CLONE_THREAD_BIT 0x10000u
#define WNOHANG_BIT 1u
#define WNOWAIT_BIT 0x1000000u
#define MREMAP_DONTUNMAP_BIT 4u

static const struct flagdef prot_flags[] = {{"PROT_READ", 1}, {"PROT_WRITE", 2}, {"PROT_EXEC", 4}, {NULL, 0}};
static const struct flagdef map_flags[] = {
    {"MAP_SHARED", 1},         {"MAP_PRIVATE", 2},       {"MAP_SHARED_VALIDATE", 3},        {"MAP_FIXED", 0x10},
    {"MAP_ANONYMOUS", MAP_ANON_BIT}, {"MAP_ANON", MAP_ANON_BIT}, {"MAP_FIXED_NOREPLACE", 0x100000}, {NULL, 0}};
static const struct flagdef clone_flags[] = {
    {"CLONE_VM", CLONE_VM_BIT}, {"CLONE_VFORK", CLONE_VFORK_BIT}, {"CLONE_THREAD", CLONE_THREAD_BIT}, {NULL, 0}};
static const struct flagdef wait_flags[] = {{"WNOHANG", WNOHANG_BIT}, {"WNOWAIT", WNOWAIT_BIT}, {NULL, 0}};
static const struct flagdef mremap_flags[] = {{"MREMAP_DONTUNMAP", MREMAP_DONTUNMAP_BIT}, {NULL, 0}};

/* flag_bits: the bits of a flags argument as strace writes it: names and
 * numbers joined by '|' (MAP_PRIVATE|MAP_ANONYMOUS, CLONE_VM|SIGCHLD,
 * 0x1200000|17); with -X raw a number (0x22); with -X verbose a number
 * and then its names in a comment (the number counts, the comment does
 * not). A NAME= before it is skipped (flags=...); names that defs does
 * not hold count nothing. */
static uint64_t flag_bits(struct str a, const struct flagdef *defs)
{
    uint64_t bits = 0;
    size_t i = 0;
    const char *eq = memchr(a.s, '=', a.len);
    if (eq && !memchr(a.s, ' ', (size_t)(eq - a.s)))
        i = (size_t)(eq + 1 - a.s);
    while (i < a.len) {
        size_t j = i;
        while (j < a.len && a.s[j] != '|' && a.s[j] != ',' && a.s[j] != '}' && a.s[j] != ' ')
            j++;
        struct str w = {a.s + i, j - i};
        uint64_t v;
        if (w.len && w.s[0] >= '0' && w.s[0] <= '9') {
            if (arg_num(w, &v))
                bits |= v;
        } else {
            for (const struct flagdef *d = defs; d->name; d++)
                if (str_eq(w, d->name))
                    bits |= d->bits;
        }
        if (j == a.len || a.s[j] != '|')
            break;
        i = j + 1;
    }
    return bits;
}

/* find_field: in a {...} or NAME=... list, the value of NAME= */
static bool find_field(struct str a, const char *name, struct str *out)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i + nl < a.len; i++) {
        if ((i == 0 || a.s[i - 1] == '{' || a.s[i - 1] == ' ') && !memcmp(a.s + i, name, nl) && a.s[i + nl] == '=') {
            size_t b = i + nl + 1, e = b;
            while (e < a.len && a.s[e] != ',' && a.s[e] != '}')
                e++;
            out->s = a.s + b;
            out->len = e - b;
            return true;
        }
    }
    return false;
}

/* arg_string: the bytes between the quotes of a string argument ("..."),
 * escapes as written; false if a is not a string */
static bool arg_string(struct str a, struct str *out)
{
    if (a.len < 2 || a.s[0] != '"')
        return false;
    size_t e = skip_string(a.s, a.len, 0);
    if (e < 2 || a.s[e - 1] != '"')
        return false;
    out->s = a.s + 1;
    out->len = e - 2;
    return true;
}

/* decor_path: the path of a -y descriptor (3</path>), if any */
static bool decor_path(struct str a, struct str *out)
{
    const char *lt = memchr(a.s, '<', a.len);
    if (!lt || a.s[a.len - 1] != '>' || lt + 1 >= a.s + a.len - 1)
        return false;
    out->s = lt + 1;
    out->len = (size_t)(a.s + a.len - 1 - out->s);
    return true;
}

/* is_dev_zero: path names /dev/zero, as -y writes it or as -yy does
 * (/dev/zero<char 1:5>, its device after it) */
static bool is_dev_zero(struct str path)
{
    return str_eq(path, "/dev/zero") || str_eq(path, "/dev/zero<char 1:5>");
}

/* word: s made into one word of a trace, in S->buf: bytes 0x21..0x7e but
 * '#' (and '@' in file names); others become '_'. base: only what follows
 * the last '/'. */
static const char *word(struct strace *S, struct str s, bool base, bool file)
{
    if (base) {
        const char *sl = NULL;
        for (size_t i = 0; i < s.len; i++)
            if (s.s[i] == '/')
                sl = s.s + i;
        if (sl && sl + 1 < s.s + s.len) {
            s.len -= (size_t)(sl + 1 - s.s);
            s.s = sl + 1;
        }
    }
    if (s.len > 200)
        s.len = 200;
    if (S->buf_cap < s.len + 16) {
        S->buf_cap = s.len + 16;
        S->buf = vm_xrealloc(S->buf, S->buf_cap);
    }
    if (!s.len) {
        memcpy(S->buf, "unnamed", 8);
        return S->buf;
    }
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.s[i];
        S->buf[i] = (char)((c <= 0x20 || c > 0x7e || c == '#' || (file && c == '@')) ? '_' : c);
    }
    S->buf[s.len] = 0;
    return S->buf;
}

static const char *prot_str(unsigned prot)
{
    static const char *const words[8] = {"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx"};
    return words[prot & PROT_BITS];
}

static unsigned prot_bits(struct str a) { return (unsigned)(flag_bits(a, prot_flags) & PROT_BITS); }

/* intern: the one copy of the word w that ranges point to (freed at the end) */
static const char *intern(struct strace *S, const char *w)
{
    struct name *nm;
    size_t len = strlen(w);
    HASH_FIND(hh, S->names, w, len, nm);
    if (!nm) {
        nm = vm_xcalloc(1, sizeof *nm);
        nm->s = vm_xstrndup(w, len);
        HASH_ADD_KEYPTR(hh, S->names, nm->s, len, nm);
    }
    return nm->s;
}

/* ---- events ------------------------------------------------------------ */

static void spawn(struct strace *S, struct task *t)
{
    struct proc *p = proc_new(S, t->tid, NULL);
    p->sp = space_new(false);
    task_set_proc(S, t, p);
    S->wake = true;
    early_done(S, t);
    rec_printf(&S->w, "spawn %" PRIu32, p->out);
    if (!t->tid) /* strace -f without -o shows no pid while it traces one process */
        REC_PUTS(&S->w, "  # the record does not show this process's pid (its lines are pid 0 in comments)");
    else if (p->out != (uint32_t)t->tid)
        rec_printf(&S->w, "  # record pid %d", t->tid);
    rec_put(&S->w, "\n", 1);
    event_done(S);
    S->spawned++;
}

static void do_exec(struct strace *S, struct proc *p, struct str path)
{
    rec_printf(&S->w, "exec %" PRIu32 " %s\n", p->out, word(S, path, true, false));
    event_done(S);
    vfork_release(S, p);
    space_drop(p->sp);
    p->sp = space_new(true);
    S->execs++;
}

/* exec_path: the program's path in the arguments of execve or execveat */
static bool exec_path(struct str name, const struct call *c, struct str *path)
{
    size_t k = str_eq(name, "execveat") ? 1 : 0;
    return c->nargs > k && arg_string(c->arg[k], path);
}

/* try_release: a vfork parent whose child is inside an execve that has not
 * returned in the record: the parent could only go on if that execve
 * succeeded, so it is written now. */
static void try_release(struct strace *S, struct proc *p)
{
    if (p->state != P_SUSPENDED || !p->vfork_child)
        return;
    struct proc *c = p->vfork_child;
    struct task *ct = task_find(S, c->pid);
    if (!ct || ct->p != c || !ct->has_pend || ct->exec_done || ct->qn > ct->qhead)
        return;
    struct call pc;
    /* the unfinished call is NAME(ARGS...: read its arguments as far as they go */
    char *tmp = vm_xmalloc(ct->pend_len + 8);
    memcpy(tmp, ct->pend, ct->pend_len);
    memcpy(tmp + ct->pend_len, ") = 0", 6);
    struct str whole = {tmp, ct->pend_len + 5};
    struct str path;
    if (parse_call(whole, &pc) == 0 && (str_eq(pc.name, "execve") || str_eq(pc.name, "execveat")) &&
        exec_path(pc.name, &pc, &path)) {
        do_exec(S, c, path);
        ct->exec_done = true;
    }
    free(tmp);
}

static bool blocked(struct strace *S, struct task *t)
{
    if (!t->p)
        return true;
    if (t->p->state == P_SUSPENDED)
        try_release(S, t->p);
    return t->p->state == P_SUSPENDED;
}

/* clone_kind: what a clone, clone3, fork or vfork makes */
enum ckind { CK_FORK, CK_VFORK, CK_THREAD, CK_SHARED_VM };

static enum ckind clone_kind(const struct call *c)
{
    if (str_eq(c->name, "fork"))
        return CK_FORK;
    if (str_eq(c->name, "vfork"))
        return CK_VFORK;
    struct str flags = {"", 0};
    for (size_t i = 0; i < c->nargs; i++)
        if (find_field(c->arg[i], "flags", &flags))
            break;
    uint64_t bits = flag_bits(flags, clone_flags);
    if (bits & CLONE_THREAD_BIT)
        return CK_THREAD;
    if (bits & CLONE_VM_BIT)
        return bits & CLONE_VFORK_BIT ? CK_VFORK : CK_SHARED_VM;
    return CK_FORK;
}

/* make_child: task tid is made by t's clone of kind k */
static void make_child(struct strace *S, struct task *t, int tid, enum ckind k, const struct call *c)
{
    struct proc *p = t->p;
    struct task *ct = task_find(S, tid);
    if (ct && ct->p) { /* a task of that id the trace still holds: the record's is new */
        task_free(S, ct);
        ct = NULL;
    }
    if (!ct)
        ct = task_new(S, tid);
    early_done(S, ct);
    S->wake = true;
    if (k == CK_THREAD) {
        ct->thread = true;
        task_set_proc(S, ct, p);
        S->threads++;
        comment_text(S, t->tid, c->text, "a thread: its calls are its process's");
        return;
    }
    if (k == CK_SHARED_VM) /* a process of its own; the trace cannot share the memory */
        comment_text(S, t->tid, c->text,
                     "CLONE_VM without CLONE_VFORK or CLONE_THREAD: a process of its own, written as a fork: "
                     "its memory is a copy of its parent's, not shared");
    struct proc *ch = proc_new(S, tid, p);
    task_set_proc(S, ct, ch);
    fds_copy(ch, p);
    if (k == CK_VFORK) {
        ch->sp = p->sp;
        p->sp->refs++;
        p->state = P_SUSPENDED;
        p->vfork_child = ch;
        ch->vfork_parent = p;
        wake_proc(S, p); /* its other tasks: its child may be in an execve already (try_release) */
        S->vforked++;
    } else {
        ch->sp = space_copy(p->sp);
        S->forked++;
    }
    rec_printf(&S->w, "%s %" PRIu32 " %" PRIu32, k == CK_VFORK ? "vfork" : "fork", p->out, ch->out);
    if (ch->out != (uint32_t)tid)
        rec_printf(&S->w, "  # record pid %d", tid);
    rec_put(&S->w, "\n", 1);
    event_done(S);
}

/* wait_status: the status a wait4 or waitid saw, as an exit status */
static unsigned sig_number(struct str s);

static unsigned wait_status(const struct call *c, bool waitid)
{
    struct str a = c->nargs > (waitid ? 2u : 1u) ? c->arg[waitid ? 2 : 1] : (struct str){"", 0};
    struct str v;
    if (waitid) {
        if (find_field(a, "si_status", &v)) {
            uint64_t x;
            if (arg_num(v, &x))
                return (unsigned)(x & 255);
            return 128 + sig_number(v);
        }
        return 0;
    }
    const char *e = "WEXITSTATUS(s) == ", *g = "WTERMSIG(s) == ";
    for (size_t i = 0; i < a.len; i++) {
        if (a.len - i > strlen(e) && !memcmp(a.s + i, e, strlen(e))) {
            unsigned x = 0;
            for (size_t k = i + strlen(e); k < a.len && a.s[k] >= '0' && a.s[k] <= '9'; k++)
                x = x * 10 + (unsigned)(a.s[k] - '0');
            return x & 255;
        }
        if (a.len - i > strlen(g) && !memcmp(a.s + i, g, strlen(g))) {
            struct str sg = {a.s + i + strlen(g), 0};
            while (sg.s + sg.len < a.s + a.len && sg.s[sg.len] != '}' && sg.s[sg.len] != ' ')
                sg.len++;
            return 128 + sig_number(sg);
        }
    }
    return 0;
}

static unsigned sig_number(struct str s)
{
    static const char *const names[] = {
        "",        "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",  "SIGTRAP",   "SIGABRT", "SIGBUS",
        "SIGFPE",  "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2", "SIGPIPE",   "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",   "SIGTTOU", "SIGURG",
        "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",    "SIGPWR",  "SIGSYS",
    };
    uint64_t v;
    if (arg_num(s, &v))
        return (unsigned)(v & 127);
    for (unsigned i = 1; i < VM_ARRAY_LEN(names); i++)
        if (str_eq(s, names[i]))
            return i;
    /* strace names the real-time signals after the kernel's first, 32:
     * SIGRTMIN is 32, SIGRT_N is 32 + N (up to SIGRT_32, 64) */
    if (str_eq(s, "SIGRTMIN"))
        return 32;
    if (str_starts(s, "SIGRT_") && s.len > 6 && arg_num((struct str){s.s + 6, s.len - 6}, &v) && v >= 1 && v <= 32)
        return 32 + (unsigned)v;
    return 0;
}

/* has_text: s holds the bytes of lit */
static bool has_text(struct str s, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = 0; i + l <= s.len; i++)
        if (!memcmp(s.s + i, lit, l))
            return true;
    return false;
}

/* child_ended: a waitid's si_code says the child ended (CLD_EXITED,
 * CLD_KILLED, CLD_DUMPED), not that it stopped, went on or was trapped */
static bool child_ended(struct str code)
{
    return arg_is(code, "CLD_EXITED", 1) || arg_is(code, "CLD_KILLED", 2) || arg_is(code, "CLD_DUMPED", 3);
}

/* do_wait: a wait4 or waitid reaps the child it names only when that child
 * ended: a stopped or continued child (WUNTRACED, WCONTINUED), WNOWAIT, or
 * WNOHANG that found none reaps nothing, and the child goes on. waitid
 * names the child in its infop's si_pid (its P_PID argument is only what
 * it waited for), or, with infop NULL, the P_PID it waited for without
 * WNOHANG. */
static void do_wait(struct strace *S, struct task *t, const struct call *c, bool waitid)
{
    struct proc *p = t->p;
    int cpid = -1;
    if (waitid) {
        struct str v, code;
        uint64_t x;
        uint64_t fl = c->nargs >= 4 ? flag_bits(c->arg[3], wait_flags) : 0;
        if (fl & WNOWAIT_BIT) {
            comment_text(S, t->tid, c->text, "WNOWAIT reaps nothing");
            return;
        }
        if (c->nargs >= 3 && find_field(c->arg[2], "si_pid", &v) && arg_num(v, &x)) {
            if (x && find_field(c->arg[2], "si_code", &code) && !child_ended(code)) {
                comment_text(S, t->tid, c->text, "its child stopped or went on: nothing reaped");
                return;
            }
            cpid = (int)x;
        } else if (c->nargs >= 3 && str_eq(c->arg[2], "NULL") && !(fl & WNOHANG_BIT) &&
                   arg_is(c->arg[0], "P_PID", 1) && arg_num(c->arg[1], &x)) {
            cpid = (int)x;
        }
        if (c->ok && c->value != 0)
            cpid = -1;
    } else if (c->ok && c->has_value) {
        cpid = (int)c->value;
        if (cpid > 0 && c->nargs >= 2 && (has_text(c->arg[1], "WIFSTOPPED(") || has_text(c->arg[1], "WIFCONTINUED("))) {
            comment_text(S, t->tid, c->text, "its child stopped or went on: nothing reaped");
            return;
        }
    }
    if (!c->ok || cpid <= 0) {
        comment_text(S, t->tid, c->text, c->ok ? "nothing reaped" : NULL);
        return;
    }
    struct proc *ch = proc_by_pid(S, cpid);
    struct task *cht = ch ? task_find(S, cpid) : NULL;
    if (ch && !S->pid_lines && S->form == FORM_STDERR && cht && !cht->seen) {
        /* no line shows a pid, and the child reaped has no line: the
         * record of one process of several */
        rec_fail(S->res, S->line,
                 "process %d, reaped here, has no line in the record: this is the record of one process "
                 "(one file of strace -ff -o FILE, or strace without -f); strace -f -o FILE records them all",
                 cpid);
        S->failed = true;
        return;
    }
    if (!ch || ch->parent != p || ch->state == P_SUSPENDED) {
        comment_text(S, t->tid, c->text, "not its child in the trace");
        return;
    }
    if (ch->state != P_ZOMBIE) /* its end is on a later line of the record */
        do_exit(S, ch, wait_status(c, waitid));
    /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): ch's parent is p, so do_exit keeps it as p's zombie */
    rec_printf(&S->w, "wait %" PRIu32 " %" PRIu32 "\n", p->out, ch->out);
    event_done(S);
    reap(S, ch);
}

/* write_mmap: `mmap` of len bytes at m.start, mapped as m says (m.end: the page after them) */
static void write_mmap(struct strace *S, struct proc *p, struct range m, uint64_t len)
{
    rec_printf(&S->w, "mmap %" PRIu32 " 0x%" PRIx64 " %" PRIu64 " %s %s", p->out, m.start, len, prot_str(m.prot),
               m.shared ? "shared" : "private");
    if (m.file) {
        rec_printf(&S->w, " file=%s", m.file);
        if (m.off)
            rec_printf(&S->w, "@0x%" PRIx64, m.off);
    }
    rec_put(&S->w, "\n", 1);
    event_done(S);
    space_add(p->sp, m);
}

/* write_munmap: `munmap` of [a, a + len), len a number of whole pages */
static void write_munmap(struct strace *S, struct proc *p, uint64_t a, uint64_t len)
{
    rec_printf(&S->w, "munmap %" PRIu32 " 0x%" PRIx64 " %" PRIu64 "\n", p->out, a, len);
    event_done(S);
    space_remove(p->sp, a, a + len);
}

static void do_mmap(struct strace *S, struct task *t, const struct call *c)
{
    struct proc *p = t->p;
    uint64_t len, fd = 0, off = 0;
    if (!c->ok || !c->has_value || c->nargs < 6 || !arg_num(c->arg[1], &len) || len == 0) {
        comment_text(S, t->tid, c->text, NULL);
        return;
    }
    uint64_t a = c->value, end = a + len;
    if ((a & (REC_PAGE - 1)) || end < a || end > REC_USER_TOP) {
        comment_text(S, t->tid, c->text, "not a range of the trace's machine");
        return;
    }
    end = (end + REC_PAGE - 1) & ~(REC_PAGE - 1);
    uint64_t fl = flag_bits(c->arg[3], map_flags);
    bool anon = fl & MAP_ANON_BIT;
    const char *name = NULL;
    char fdname[32];
    if (!anon) {
        struct str path;
        if (!arg_num(c->arg[4], &fd) || !arg_num(c->arg[5], &off) || (off & (REC_PAGE - 1))) {
            comment_text(S, t->tid, c->text, NULL);
            return;
        }
        if (off + (end - a) < off) { /* the trace's run would stop at it */
            comment_text(S, t->tid, c->text, "its file range passes 2^64 bytes");
            return;
        }
        if (decor_path(c->arg[4], &path)) {
            name = is_dev_zero(path) ? NULL : word(S, path, false, true);
        } else if ((name = fd_get(p, fd)) != NULL) {
            struct str ps = {name, strlen(name)};
            name = is_dev_zero(ps) ? NULL : word(S, ps, false, true);
        } else {
            snprintf(fdname, sizeof fdname, "fd%" PRIu64, fd);
            name = fdname;
        }
        if (!name) /* /dev/zero: anonymous memory: private, or a new shared object */
            off = 0;
    }
    struct range m = {a, end, off, name ? intern(S, name) : NULL, prot_bits(c->arg[2]),
                      (fl & MAP_TYPE_BITS) == 1 || (fl & MAP_TYPE_BITS) == 3}; /* MAP_SHARED, MAP_SHARED_VALIDATE */
    write_mmap(S, p, m, len);
}

static void do_munmap(struct strace *S, struct task *t, const struct call *c)
{
    uint64_t a, len;
    if (!c->ok || c->nargs < 2 || !arg_num(c->arg[0], &a) || !arg_num(c->arg[1], &len) || len == 0 ||
        (a & (REC_PAGE - 1)) || a >= REC_USER_TOP) {
        comment_text(S, t->tid, c->text, NULL);
        return;
    }
    if (len > REC_USER_TOP - a)
        len = REC_USER_TOP - a;
    uint64_t end = (a + len + REC_PAGE - 1) & ~(REC_PAGE - 1);
    rec_printf(&S->w, "munmap %" PRIu32 " 0x%" PRIx64 " %" PRIu64 "\n", t->p->out, a, len);
    event_done(S);
    space_remove(t->p->sp, a, end);
}

/* do_mprotect: one mprotect for each part of the range the trace mapped */
static void do_mprotect(struct strace *S, struct task *t, const struct call *c)
{
    uint64_t a, len;
    if (!c->ok || c->nargs < 3 || !arg_num(c->arg[0], &a) || !arg_num(c->arg[1], &len) || len == 0 ||
        (a & (REC_PAGE - 1)) || a >= REC_USER_TOP) {
        comment_text(S, t->tid, c->text, NULL);
        return;
    }
    if (len > REC_USER_TOP - a)
        len = REC_USER_TOP - a;
    uint64_t end = (a + len + REC_PAGE - 1) & ~(REC_PAGE - 1);
    struct space *sp = t->p->sp;
    unsigned prot = prot_bits(c->arg[2]);
    size_t i = first_after(sp, a);
    bool any = false;
    while (i < sp->n && sp->r[i].start < end) {
        uint64_t s = sp->r[i].start > a ? sp->r[i].start : a;
        while (i + 1 < sp->n && sp->r[i + 1].start == sp->r[i].end && sp->r[i + 1].start < end)
            i++; /* touching ranges: one mprotect */
        uint64_t e = sp->r[i].end < end ? sp->r[i].end : end;
        rec_printf(&S->w, "mprotect %" PRIu32 " 0x%" PRIx64 " %" PRIu64 " %s\n", t->p->out, s, e - s, prot_str(prot));
        event_done(S);
        any = true;
        i++;
    }
    if (any)
        space_protect(sp, a, end, prot);
    else
        comment_text(S, t->tid, c->text, "a range the trace has not mapped");
}

/* do_mremap: mremap(OLD, OLDLEN, NEWLEN, FLAGS[, NEWADDR]) = NEW of a range
 * the trace mapped as one mapping. In place (NEW == OLD), the part that
 * goes is unmapped, or the part that comes is mapped as the rest is.
 * Moved, the old range is unmapped (not with MREMAP_DONTUNMAP) and the
 * new one mapped as the old one was. The trace cannot move pages: the
 * new range starts untouched. */
static void do_mremap(struct strace *S, struct task *t, const struct call *c)
{
    struct proc *p = t->p;
    uint64_t old, olen, nlen, nw = c->value;
    if (!c->ok || !c->has_value || c->nargs < 4 || !arg_num(c->arg[0], &old) || !arg_num(c->arg[1], &olen) ||
        !arg_num(c->arg[2], &nlen) || olen == 0 || nlen == 0) {
        comment_text(S, t->tid, c->text, NULL);
        return;
    }
    if ((old & (REC_PAGE - 1)) || (nw & (REC_PAGE - 1)) || old >= REC_USER_TOP || nw >= REC_USER_TOP ||
        olen > REC_USER_TOP - old || nlen > REC_USER_TOP - nw) {
        comment_text(S, t->tid, c->text, "not a range of the trace's machine");
        return;
    }
    olen = (olen + REC_PAGE - 1) & ~(REC_PAGE - 1);
    nlen = (nlen + REC_PAGE - 1) & ~(REC_PAGE - 1);
    const struct range *r = space_find(p->sp, old);
    if (!r || r->end < old + olen) {
        comment_text(S, t->tid, c->text, "not one mapping of the trace");
        return;
    }
    struct range m = *r;
    m.off = r->off + (old - r->start);
    comment_text(S, t->tid, c->text, NULL);
    if (nw == old) {
        if (nlen < olen) {
            write_munmap(S, p, old + nlen, olen - nlen);
        } else if (nlen > olen) {
            m.start = old + olen;
            m.end = old + nlen;
            m.off += olen;
            write_mmap(S, p, m, nlen - olen);
        }
        return;
    }
    if (!(flag_bits(c->arg[3], mremap_flags) & MREMAP_DONTUNMAP_BIT))
        write_munmap(S, p, old, olen);
    m.start = nw;
    m.end = nw + nlen;
    write_mmap(S, p, m, nlen);
}

/* do_brk: the record's break moves are the trace's, from vmsim's heap */
static void do_brk(struct strace *S, struct task *t, const struct call *c)
{
    struct space *sp = t->p->sp;
    uint64_t arg;
    if (!c->ok || !c->has_value || c->nargs < 1 || !arg_num(c->arg[0], &arg)) {
        comment_text(S, t->tid, c->text, NULL);
        return;
    }
    if (!sp->image) {
        comment_text(S, t->tid, c->text, "no program in the trace: no heap");
        return;
    }
    if (arg == 0 || !sp->brk_known) {
        sp->rec_brk = c->value;
        sp->brk_known = true;
        comment_text(S, t->tid, c->text, arg == 0 ? NULL : "the first break seen");
        return;
    }
    if (c->value != arg) {
        comment_text(S, t->tid, c->text, "failed");
        return;
    }
    if (arg == sp->rec_brk) {
        comment_text(S, t->tid, c->text, NULL);
        return;
    }
    bool grow = arg > sp->rec_brk;
    uint64_t d = grow ? arg - sp->rec_brk : sp->rec_brk - arg;
    uint64_t nb = grow ? sp->vm_brk + d : sp->vm_brk - d;
    uint64_t old_end = (sp->vm_brk + REC_PAGE - 1) & ~(REC_PAGE - 1);
    uint64_t new_end = (nb + REC_PAGE - 1) & ~(REC_PAGE - 1);
    if (grow ? (d > VM_STACK_START - sp->vm_brk || new_end > VM_STACK_START || space_overlaps(sp, old_end, new_end))
             : (d > sp->vm_brk - VM_HEAP_START)) {
        comment_text(S, t->tid, c->text, "the trace's heap cannot move so");
        return;
    }
    rec_printf(&S->w, "brk %" PRIu32 " %c%" PRIu64 "\n", t->p->out, grow ? '+' : '-', d);
    event_done(S);
    sp->vm_brk = nb;
    sp->rec_brk = arg;
}

/* do_open: a descriptor that names a file */
static void do_open(struct strace *S, struct task *t, const struct call *c)
{
    struct proc *p = t->p;
    struct str path;
    size_t k = (str_eq(c->name, "openat") || str_eq(c->name, "openat2")) ? 1 : 0;
    if (c->ok && c->has_value && c->nargs > k && arg_string(c->arg[k], &path)) {
        /* the path, after its directory when it is relative to a known one */
        struct str dir = {"", 0};
        const char *sep = "";
        uint64_t dfd;
        const char *known;
        if (str_eq(c->name, "memfd_create")) {
            dir.s = "memfd:";
            dir.len = 6;
        } else if (k == 1 && path.len && path.s[0] != '/') {
            if (decor_path(c->arg[0], &dir)) {
                sep = "/";
            } else if (arg_num(c->arg[0], &dfd) && (known = fd_get(p, dfd)) != NULL) {
                dir.s = known;
                dir.len = strlen(known);
                sep = "/";
            }
        }
        size_t flen = dir.len + strlen(sep) + path.len;
        char *full = vm_xmalloc(flen + 1);
        snprintf(full, flen + 1, "%.*s%s%.*s", (int)dir.len, dir.s, sep, (int)path.len, path.s);
        fd_set(p, c->value, full, flen);
        free(full);
    }
    comment_text(S, t->tid, c->text, NULL);
}

static void do_fdcall(struct strace *S, struct task *t, const struct call *c)
{
    struct proc *p = t->p;
    uint64_t a;
    if (c->ok && c->nargs >= 1 && arg_num(c->arg[0], &a)) {
        if (str_eq(c->name, "close")) {
            fd_set(p, a, NULL, 0);
        } else if (c->has_value &&
                   (str_eq(c->name, "dup") || str_eq(c->name, "dup2") || str_eq(c->name, "dup3") ||
                    (str_eq(c->name, "fcntl") && c->nargs >= 2 &&
                     (arg_is(c->arg[1], "F_DUPFD", 0) || arg_is(c->arg[1], "F_DUPFD_CLOEXEC", 1030))))) {
            const char *path = fd_get(p, a);
            uint64_t b = c->value;
            if (b != a)
                fd_set(p, b, path, path ? strlen(path) : 0);
        }
    }
    comment_text(S, t->tid, c->text, NULL);
}

/* ---- handling a whole line --------------------------------------------- */

/* handle: a whole line of task t, its process known and free to act */
static void handle_call(struct strace *S, struct task *t, struct call *c)
{
    struct proc *p = t->p;
    struct str n = c->name;
    if (p->state == P_ZOMBIE) {
        comment_text(S, t->tid, c->text, "after its process's end");
        return;
    }
    if (c->injected && c->ok) { /* an injected error is a failed call, a comment as any */
        comment_text(S, t->tid, c->text, "strace injected this return: the call was not made");
        return;
    }
    if (str_eq(n, "execve") || str_eq(n, "execveat")) {
        struct str path;
        if (t->exec_done) {
            t->exec_done = false;
            wake_vfork_parent(S, t);
            comment_text(S, t->tid, c->text, "its exec is written above, where its vfork parent went on");
            return;
        }
        if (c->ok && exec_path(n, c, &path))
            do_exec(S, p, path);
        else
            comment_text(S, t->tid, c->text, NULL);
    } else if (str_eq(n, "exit_group")) {
        uint64_t v = 0;
        if (c->nargs >= 1 && c->arg[0].len > 1 && c->arg[0].s[0] == '-') { /* exit_group(-1): 255 */
            struct str a = {c->arg[0].s + 1, c->arg[0].len - 1};
            if (arg_num(a, &v))
                v = 0 - v;
        } else if (c->nargs >= 1) {
            arg_num(c->arg[0], &v);
        }
        do_exit(S, p, (unsigned)(v & 255));
    } else if (is_fork_call(n)) {
        if (!c->ok || !c->has_value || c->value == 0 || c->value > 2147483647u) {
            comment_text(S, t->tid, c->text, NULL);
            return;
        }
        if ((int)c->value == t->tid) { /* no kernel does it; a record cut and joined wrong may */
            comment_text(S, t->tid, c->text, "it returns its caller's own pid: no child");
            return;
        }
        make_child(S, t, (int)c->value, clone_kind(c), c);
    } else if (str_eq(n, "wait4") || str_eq(n, "waitid")) {
        do_wait(S, t, c, str_eq(n, "waitid"));
    } else if (str_eq(n, "mmap")) {
        do_mmap(S, t, c);
    } else if (str_eq(n, "munmap")) {
        do_munmap(S, t, c);
    } else if (str_eq(n, "mremap")) {
        do_mremap(S, t, c);
    } else if (str_eq(n, "mprotect") || str_eq(n, "pkey_mprotect")) {
        do_mprotect(S, t, c);
    } else if (str_eq(n, "brk")) {
        do_brk(S, t, c);
    } else if (str_eq(n, "prctl") && c->ok && c->nargs >= 2 && arg_is(c->arg[0], "PR_SET_CHILD_SUBREAPER", 36) &&
               !arg_is(c->arg[1], "0", 0)) {
        /* the trace language can mark a subreaper, not unmark one: an unset stays a comment */
        rec_printf(&S->w, "subreaper %" PRIu32 "\n", p->out);
        event_done(S);
        p->subreaper = true;
    } else if (str_eq(n, "open") || str_eq(n, "openat") || str_eq(n, "openat2") || str_eq(n, "creat") ||
               str_eq(n, "memfd_create")) {
        do_open(S, t, c);
    } else if (str_eq(n, "close") || str_eq(n, "dup") || str_eq(n, "dup2") || str_eq(n, "dup3") ||
               str_eq(n, "fcntl")) {
        do_fdcall(S, t, c);
    } else {
        comment_text(S, t->tid, c->text, NULL);
    }
}

/* handle_marker: +++ exited/killed/superseded +++ or --- signal --- */
static void handle_marker(struct strace *S, struct task *t, struct str text)
{
    struct proc *p = t->p;
    bool exited = str_starts(text, "+++ exited with ");
    bool killed = str_starts(text, "+++ killed by ");
    if ((!exited && !killed) || t->thread || p->state == P_ZOMBIE) {
        comment_text(S, t->tid, text, NULL);
        if ((exited || killed) && t->thread)
            task_free(S, t);
        return;
    }
    unsigned status = 0;
    if (exited) {
        for (size_t k = 16; k < text.len && text.s[k] >= '0' && text.s[k] <= '9'; k++)
            status = status * 10 + (unsigned)(text.s[k] - '0');
    } else {
        struct str sg = {text.s + 14, 0};
        while (sg.s + sg.len < text.s + text.len && sg.s[sg.len] != ' ')
            sg.len++;
        status = 128 + sig_number(sg);
    }
    do_exit(S, p, status & 255);
}

/* handle: a whole line: a call or a marker (a copy, owned by the caller) */
static void handle(struct strace *S, struct task *t, uint64_t line, const char *text, size_t len, bool open_fork)
{
    S->line = line;
    if (open_fork)
        S->forks_open--;
    struct str s = {text, len};
    if (text[0] == '+' || text[0] == '-') {
        handle_marker(S, t, s);
        return;
    }
    struct call c;
    parse_call(s, &c); /* checked when the line was read */
    handle_call(S, t, &c);
}

/* hold: the line waits in t's queue */
static void hold(struct strace *S, struct task *t, uint64_t line, const char *text, size_t len, bool open_fork)
{
    if (t->qhead && t->qhead == t->qn)
        t->qhead = t->qn = 0;
    if (t->qn == t->qcap) {
        if (t->qhead) {
            memmove(t->q, t->q + t->qhead, (t->qn - t->qhead) * sizeof *t->q);
            t->qn -= t->qhead;
            t->qhead = 0;
        }
        if (t->qn == t->qcap) {
            t->qcap = t->qcap ? t->qcap * 2 : 8;
            t->q = vm_xrealloc(t->q, t->qcap * sizeof *t->q);
        }
    }
    t->q[t->qn].line = line;
    t->q[t->qn].text = vm_xstrndup(text, len);
    t->q[t->qn].len = len;
    t->q[t->qn].open_fork = open_fork;
    t->qn++;
    S->held++;
    S->held_bytes += HELD_COST(len);
    wake_task(S, t);
    if (t == S->anon)
        S->anon_bytes += len;
    if (t->early)
        S->early_bytes += len;
}

/* vfork_unseen: t's process waits for its vfork child, and the child has
 * no line in a record that shows no pid at all, while t goes on at record
 * line `line`: strace -f would have shown the child's lines first, with
 * their pid. It is the record of one process of several, refused as
 * do_wait refuses it for a fork (S->failed). true if so. */
static bool vfork_unseen(struct strace *S, const struct task *t, uint64_t line)
{
    const struct proc *p = t->p;
    if (S->pid_lines || S->form != FORM_STDERR || !p || p->state != P_SUSPENDED || !p->vfork_child)
        return false;
    const struct task *ct = task_find(S, p->vfork_child->pid);
    if (ct && ct->seen)
        return false;
    rec_fail(S->res, line,
             "process %d, made by vfork, has no line in the record while its parent goes on here: this is the "
             "record of one process (one file of strace -ff -o FILE, or strace without -f); strace -f -o FILE "
             "records them all",
             p->vfork_child->pid);
    S->failed = true;
    return true;
}

/* deliver: a whole line of task t: handled now, or held back */
static void deliver(struct strace *S, struct task *t, uint64_t line, const char *text, size_t len, bool open_fork)
{
    if (t->qn > t->qhead || blocked(S, t)) {
        if (vfork_unseen(S, t, line))
            return;
        /* a clone-like call held back: its child's lines may come first */
        struct str name = call_name(text, len);
        if (!open_fork && name.len < len && is_fork_call(name)) {
            open_fork = true;
            S->forks_open++;
        }
        hold(S, t, line, text, len, open_fork);
        return;
    }
    if (S->work_cap < len + 1) {
        S->work_cap = len + 1 > 4096 ? len + 1 : 4096;
        S->work = vm_xrealloc(S->work, S->work_cap);
    }
    memcpy(S->work, text, len);
    S->work[len] = 0;
    handle(S, t, line, S->work, len, open_fork);
}

/* handle_ready: handles the lines task tid holds while it is not
 * blocked; whether it handled any */
static bool handle_ready(struct strace *S, int tid)
{
    bool any = false;
    struct task *t;
    while (!S->failed && (t = task_find(S, tid)) != NULL && t->qn > t->qhead && !blocked(S, t)) {
        struct held h = t->q[t->qhead++];
        S->held--;
        S->held_bytes -= HELD_COST(h.len);
        if (t->qhead == t->qn)
            wake_vfork_parent(S, t);
        handle(S, t, h.line, h.text, h.len, h.open_fork);
        free(h.text);
        any = true;
    }
    return any;
}

/* drain: handles the held lines that can go now, until none can (see
 * "drain's visits") */
static void drain(struct strace *S)
{
    S->wake = false;
    S->draining = true;
    bool progress = true;
    while (progress && S->held) {
        progress = false;
        S->pass++;
        S->pass_seq = 0;
        while (S->ready_n && S->ready[0]->ready_pass == S->pass) {
            struct task *t = S->ready[0];
            ready_remove(S, t);
            S->pass_seq = t->seq;
            progress |= handle_ready(S, t->tid);
        }
    }
    S->draining = false;
}

/* drain_task: handles the held lines of task tid that can go now (it just
 * got its process), then, if they let others go, drain */
static void drain_task(struct strace *S, int tid)
{
    S->wake = false;
    handle_ready(S, tid);
    if (S->wake)
        drain(S);
}

/* ---- reading lines ----------------------------------------------------- */

static int bad_line(struct strace *S, uint64_t no, const char *s, size_t n, const char *why)
{
    char q[200];
    return rec_fail(S->res, no, "%s: '%s'", why, rec_quote(q, s, n));
}

/* set_pend: t's unfinished call is now text */
static void set_pend(struct strace *S, struct task *t, uint64_t line, const char *text, size_t len)
{
    S->wake = true; /* a vfork parent may go on now (try_release) */
    wake_vfork_parent(S, t);
    if (t->pend_cap < len + 1) {
        t->pend_cap = len + 1;
        t->pend = vm_xrealloc(t->pend, t->pend_cap);
    }
    memcpy(t->pend, text, len);
    t->pend[len] = 0;
    t->pend_len = len;
    t->pend_line = line;
    t->has_pend = true;
    bool f = is_fork_call(call_name(text, len));
    if (f != t->fork_pend) {
        t->fork_pend = f;
        if (f)
            S->forks_open++;
        else
            S->forks_open--;
    }
}

/* clear_pend: t's unfinished call has ended; true if it was a clone-like
 * call, which stays counted in forks_open until it is handled */
static bool clear_pend(struct task *t)
{
    bool f = t->fork_pend;
    t->has_pend = false;
    t->pend_len = 0;
    t->fork_pend = false;
    return f;
}

static bool ends_with(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && !memcmp(s + n - l, lit, l);
}

/* new_task: the first line (record line no) of a tid the trace does not
 * know: a child of a clone-like call that has not returned, if one is open
 * (its lines are held until it returns); else the first process, or a
 * process strace said it attached: a process of its own, spawned now.
 * Else it is early: a child whose clone line is still to come, as strace
 * -z and -e status=... write a call only once it has returned, and the
 * child's first calls may come first. Its lines are held until a clone
 * names it, or for EARLY_HOLD_LINES record lines (EARLY_HOLD_BYTES bytes
 * of all early lines) at most, then it is spawned (early_give_up): a
 * record whose clones were filtered out (-e trace=...) still imports, in
 * bounded memory. */
static bool attached_has(const struct strace *S, int pid);
static void early_give_up(struct strace *S, uint64_t no);

static struct task *new_task(struct strace *S, int tid, uint64_t no)
{
    struct task *t = task_new(S, tid);
    if (S->forks_open)
        return t;
    if (!S->procs || attached_has(S, tid)) {
        spawn(S, t);
        return t;
    }
    t->early = no ? no : 1;
    S->early_n++;
    if (S->early_len == EARLY_HOLD_LINES + 2) /* full only if a line made two: then all go now */
        early_give_up(S, UINT64_MAX);
    S->early_q[(S->early_head + S->early_len++) % (EARLY_HOLD_LINES + 2)] = (struct early_ref){tid, t->early};
    return t;
}

/* no_calls: t holds only lines of strace's own (+++ ... +++, --- ... ---):
 * no call of its own shows in the record */
static bool no_calls(const struct task *t)
{
    for (size_t i = t->qhead; i < t->qn; i++)
        if (t->q[i].text[0] != '+' && t->q[i].text[0] != '-')
            return false;
    return true;
}

/* drop_unmade: t, which no clone made and which shows no call (a thread
 * or child whose calls were filtered out, say), is no process of the
 * trace: its lines are comments */
static void drop_unmade(struct strace *S, struct task *t)
{
    for (size_t i = t->qhead; i < t->qn; i++)
        comment_text(S, t->tid, (struct str){t->q[i].text, t->q[i].len}, "no clone in the record made it");
    task_free(S, t);
}

/* early_give_up: the early tasks (new_task) held for EARLY_HOLD_LINES
 * record lines by line no (all of them, past EARLY_HOLD_BYTES) are
 * spawned, their held lines to follow. Oldest first, from the ring: a
 * call costs the tasks it spawns or passes over. */
static void early_give_up(struct strace *S, uint64_t no)
{
    bool all = S->early_bytes > EARLY_HOLD_BYTES;
    while (S->early_len) {
        struct early_ref r = S->early_q[S->early_head];
        if (!all && no - r.line <= EARLY_HOLD_LINES)
            break;
        S->early_head = (S->early_head + 1) % (EARLY_HOLD_LINES + 2);
        S->early_len--;
        struct task *t = task_find(S, r.tid);
        if (t && t->early == r.line && no_calls(t))
            drop_unmade(S, t);
        else if (t && t->early == r.line)
            spawn(S, t);
    }
}

/* read_pid: digits at *pp (at most 10), a pid 1 .. 2147483647; 0 if none */
static int read_pid(const char **pp, const char *e)
{
    const char *p = *pp, *d = p;
    uint64_t v = 0;
    while (p < e && *p >= '0' && *p <= '9' && p - d < 10)
        v = v * 10 + (uint64_t)(*p++ - '0');
    if (p == d || v < 1 || v > 2147483647u)
        return 0;
    *pp = p;
    return (int)v;
}

/* skip_blanks: the first byte at or after p that is not a blank */
static const char *skip_blanks(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* superseded_by: the tid of `+++ superseded by execve in pid TID +++`, or 0 */
static int superseded_by(const char *p, size_t len)
{
    static const char lead[] = "+++ superseded by execve in pid ";
    size_t k = sizeof lead - 1;
    if (len < k || memcmp(p, lead, k))
        return 0;
    const char *q = p + k;
    return read_pid(&q, p + len);
}

/* supersede: thread thr_tid of the process whose leader is leader_tid
 * called execve. Linux gives the thread the leader's pid, and strace
 * writes the end of that execve as the leader's (`<... execve resumed>`).
 * The thread's unfinished call becomes the leader's (a call the leader
 * left unfinished ends here, a comment), its held lines go to the end of
 * the leader's queue, and the thread goes, as in Linux. Returns the
 * leader's task (made when the record showed none). */
static struct task *supersede(struct strace *S, struct task *lead, int leader_tid, int thr_tid)
{
    struct task *th = task_find(S, thr_tid);
    if (!th || th == lead)
        return lead;
    if (!lead) {
        lead = task_new(S, leader_tid);
        task_set_proc(S, lead, th->p);
    }
    S->wake = true;
    if (lead->has_pend && !lead->exec_done) {
        S->res->comments++;
        if (S->o->comments) {
            rec_printf(&S->w, "# %d ", lead->tid);
            rec_text(&S->w, lead->pend, lead->pend_len, COMMENT_MAX);
            REC_PUTS(&S->w, " <unfinished ...>  (another thread's execve ended it)\n");
        }
    }
    if (lead->has_pend && clear_pend(lead))
        S->forks_open--;
    lead->exec_done = false;
    if (th->has_pend) {
        set_pend(S, lead, th->pend_line, th->pend, th->pend_len);
        lead->exec_done = th->exec_done;
    }
    for (size_t i = th->qhead; i < th->qn; i++) {
        hold(S, lead, th->q[i].line, th->q[i].text, th->q[i].len, th->q[i].open_fork);
        th->q[i].open_fork = false; /* counted once, now in the leader's queue */
    }
    task_free(S, th);
    wake_task(S, lead);
    wake_vfork_parent(S, lead);
    return lead;
}

/* a record line's leader, read: its pid and what strace writes before and
 * after the call */
struct lead {
    int tid;           /* 0: the line shows none */
    bool bracket;      /* as [pid N] */
    const char *p, *e; /* the rest: a call, its start or end, a +++ or --- line */
};

/* skip_comm: -Y writes a process's command after its pid (31162<sh>): from
 * the '<' at s, the byte after the closing '>' (the command is at most 15
 * bytes: the first '>' before a blank or ']' ends it), or s itself when
 * there is none */
static const char *skip_comm(const char *s, const char *e)
{
    if (s >= e || *s != '<')
        return s;
    for (const char *q = s + 1; q < e && q - s <= 64; q++)
        if (*q == '>' && q + 1 < e && (q[1] == ' ' || q[1] == '\t' || q[1] == ']'))
            return q + 1;
    return s;
}

/* read_lead: the leader of a line of s[0, n): `PID ` (strace -f -o FILE),
 * `[pid PID] ` (strace -f writing to a terminal or a pipe) or nothing, the
 * pid maybe with its command (-Y: `PID<COMM> `); then a time stamp (-t, -tt,
 * -ttt, -r, or -r with one of the others: `18:07:16.000001 (+ 0.000100)`),
 * the call's number (-n: `[  59]`) and the instruction pointer (-i:
 * `[00007f8da8f43c47]`, `[????????????????]`), and at the end the time
 * spent (-T: ` <0.000012>`). 0, or -1 when a pid is cut or bad. */
static int read_lead(const char *s, size_t n, struct lead *ld)
{
    const char *p = skip_blanks(s, s + n), *e = s + n;
    ld->tid = 0;
    ld->bracket = false;
    if (e - p > 5 && !memcmp(p, "[pid ", 5)) {
        ld->bracket = true;
        p = skip_blanks(p + 5, e);
        if (!(ld->tid = read_pid(&p, e)))
            return -1;
        p = skip_comm(p, e);
        if (p == e || *p++ != ']' || p == e || (*p != ' ' && *p != '\t'))
            return -1;
    } else if (p < e && *p >= '0' && *p <= '9') {
        const char *d = p;
        while (d < e && *d >= '0' && *d <= '9')
            d++;
        if (d == e || *d == ' ' || *d == '\t' || *d == '<') { /* a pid; else a time stamp (':' or '.') */
            if (!(ld->tid = read_pid(&p, e)))
                return -1;
            p = skip_comm(p, e);
            if (p == e || (*p != ' ' && *p != '\t'))
                return -1;
        }
    }
    p = skip_blanks(p, e);
    /* a time stamp (-t, -tt, -ttt, -r) */
    if (p < e && *p >= '0' && *p <= '9') {
        while (p < e && ((*p >= '0' && *p <= '9') || *p == ':' || *p == '.'))
            p++;
        p = skip_blanks(p, e);
    }
    /* -r with -t, -tt or -ttt: the time since the line before follows the
     * time of day, (+     0.000100); no call line starts with '(' */
    if (e - p > 2 && p[0] == '(' && p[1] == '+') {
        const char *q = skip_blanks(p + 2, e), *d = q;
        while (q < e && ((*q >= '0' && *q <= '9') || *q == '.'))
            q++;
        if (q > d && q < e && *q == ')')
            p = skip_blanks(q + 1, e);
    }
    /* -n: [  59], the number of the call; no call line starts with '[' */
    if (p < e && *p == '[') {
        const char *q = skip_blanks(p + 1, e);
        while (q < e && *q >= '0' && *q <= '9')
            q++;
        if (q < e && *q == ']' && q > p + 1 && q[-1] != ' ')
            p = skip_blanks(q + 1, e);
    }
    /* -i: [00007f8da8f43c47], or [????????????????] where strace has none
     * (the +++ lines of a process that is gone) */
    if (p < e && *p == '[') {
        const char *q = p + 1;
        while (q < e && *q != ']' && *q != ' ' && *q != '\t')
            q++;
        if (q < e && *q == ']' && q > p + 1)
            p = skip_blanks(q + 1, e);
    }
    /* -T: a time at the end, <0.000012> */
    if (e - p > 3 && e[-1] == '>') {
        const char *q = e - 2;
        while (q > p && ((*q >= '0' && *q <= '9') || *q == '.'))
            q--;
        if (*q == '<' && q > p && q[-1] == ' ' && q < e - 2)
            for (e = q; e > p && e[-1] == ' '; e--)
                ;
    }
    ld->p = p;
    ld->e = e;
    return 0;
}

/* join_pend: t's unfinished call and its end, rest, one string in
 * S->work; its length */
static size_t join_pend(struct strace *S, const struct task *t, const char *rest, size_t rlen)
{
    size_t whole = t->pend_len + rlen;
    if (S->work_cap < whole + 1) {
        S->work_cap = whole + 1;
        S->work = vm_xrealloc(S->work, S->work_cap);
    }
    memcpy(S->work, t->pend, t->pend_len);
    memcpy(S->work + t->pend_len, rest, rlen);
    S->work[whole] = 0;
    return whole;
}

/* resume: t's unfinished call joined to its end (join_pend: in S->work,
 * whole bytes), from `<... NAME resumed>` or a line of strace -z that
 * holds the end alone; delivered, or kept if it is unfinished again. 0,
 * or 2 when the whole call cannot be read (the record's line s, n). */
static int resume(struct strace *S, struct task *t, uint64_t no, const char *s, size_t n, size_t whole)
{
    if (ends_with(S->work, whole, " <unfinished ...>")) {
        set_pend(S, t, no, S->work, whole - 17); /* copied into t->pend */
        S->unf_tid = t->tid;
        return 0;
    }
    struct call c;
    int k = parse_call((struct str){S->work, whole}, &c);
    if (k)
        return bad_line(S, no, s, n, k == -1 ? "strace line cut short" : "not a line of strace");
    bool open_fork = clear_pend(t);
    char *copy = vm_xstrndup(S->work, whole);
    deliver(S, t, no, copy, whole, open_fork);
    free(copy);
    return 0;
}

/* rest_line: with -z or -e status=..., strace may write the end of the
 * call that the line before left unfinished on a line of its own, without
 * a pid or `<... NAME resumed>` (`"", 4096) = 0`, `) = 0`). The line
 * [s, e) is such an end when the line before was an unfinished call and
 * the two make one call. true if so (*rc: resume's result). */
static bool rest_line(struct strace *S, uint64_t no, const char *s, const char *e, int *rc)
{
    struct task *t = S->unf_tid >= 0 ? task_find(S, S->unf_tid) : NULL;
    size_t n = (size_t)(e - s);
    if (!t || !t->has_pend || t->pend_len + n > IMPORT_MAX_CALL_LINE)
        return false;
    size_t whole = join_pend(S, t, s, n);
    struct call c;
    if (!ends_with(S->work, whole, " <unfinished ...>") && parse_call((struct str){S->work, whole}, &c))
        return false;
    S->rests++;
    *rc = resume(S, t, no, s, n, whole);
    return true;
}

/* note_attached: strace's `Process PID attached`: PID is traced now (a
 * child, or the process strace -p attached to) */
static void note_attached(struct strace *S, int pid)
{
    S->attached[S->att_pos] = pid;
    S->att_pos = (S->att_pos + 1) % ATTACHED_MAX;
    if (S->att_n < ATTACHED_MAX)
        S->att_n++;
    struct task *t = task_find(S, pid);
    if (t)
        task_seen(S, t);
    else if (!S->tasks && !S->first_pid)
        S->first_pid = pid; /* strace -p PID: the lines without a pid that follow are PID's */
}

static bool attached_has(const struct strace *S, int pid)
{
    for (size_t i = 0; i < S->att_n; i++)
        if (S->attached[i] == pid)
            return true;
    return false;
}

/* attach_msg: s[0, n) ends with strace's `strace: Process PID attached`:
 * its pid, and in *head where the message starts; else 0 */
static int attach_msg(const char *s, size_t n, size_t *head)
{
    static const char lead[] = "strace: Process ", tail[] = " attached";
    size_t lt = sizeof tail - 1, ll = sizeof lead - 1;
    if (!ends_with(s, n, tail))
        return 0;
    size_t d = n - lt, b = d;
    while (b > 0 && s[b - 1] >= '0' && s[b - 1] <= '9' && d - b < 10)
        b--;
    if (b == d || b < ll || memcmp(s + b - ll, lead, ll))
        return 0;
    const char *q = s + b;
    int pid = read_pid(&q, s + d);
    *head = b - ll;
    return q == s + d ? pid : 0;
}

/* solo: the task of a line without a pid. strace -f writing to standard
 * error leaves the pid out while it traces one process (its printleader:
 * `[pid N]` only when it traces more than one): the line is that task's,
 * the one seen and not ended. The first such line, before any other, is
 * the first process's, whose pid may show only later: it is the task
 * S->anon, of tid 0, until then. NULL (and a message in S->res) when
 * strace traces none or several. */
static struct task *solo(struct strace *S, uint64_t no, const char *s, size_t n)
{
    if (!S->tasks) {
        struct task *t = S->first_pid ? new_task(S, S->first_pid, no) : task_new(S, 0);
        if (!S->first_pid)
            S->anon = t;
        return t;
    }
    if (S->solo_t && S->live == 1 && S->solo_t->seen && !S->solo_t->gone)
        return S->solo_t;
    struct task *one = NULL, *going = NULL;
    size_t k = 0, kg = 0;
    for (struct task *t = S->tasks; t; t = t->hh.next) {
        if (!t->seen || t->gone)
            continue;
        if (t->exiting) {
            going = t;
            kg++;
        } else {
            one = t;
            k++;
        }
    }
    if (k == 0 && kg == 1) /* strace -qq: no +++ line after its exit_group */
        one = going, k = 1;
    if (k == 1)
        return S->solo_t = one;
    bad_line(S, no, s, n,
             k ? "a line without a pid while strace traces several processes (strace -f then writes [pid N] first)"
               : "a line without a pid after the end of every process of the record");
    return NULL;
}

/* anon_child: pid is a child that a held clone, fork or vfork of the
 * first process returned */
static bool anon_child(struct strace *S, int pid)
{
    struct task *a = S->anon;
    for (size_t i = a->qhead; i < a->qn; i++) {
        struct call c;
        if (is_fork_call(call_name(a->q[i].text, a->q[i].len)) && parse_call((struct str){a->q[i].text, a->q[i].len}, &c) == 0 && c.ok &&
            c.has_value && c.value == (uint64_t)pid)
            return true;
    }
    return false;
}

/* anon_is: a line of pid, a task the trace does not know, is the first
 * process's, whose pid the record has not shown yet: pid is not a process
 * strace said it attached, nor a child the first process made; and if the
 * first process left a call unfinished, the line is its end */
static bool anon_is(struct strace *S, int pid, const char *p, size_t len)
{
    struct task *a = S->anon;
    if (!a || a->tid || attached_has(S, pid) || anon_child(S, pid))
        return false;
    bool resumed = len > 5 && !memcmp(p, "<... ", 5);
    if (!a->has_pend)
        return !resumed;
    size_t k = call_name(a->pend, a->pend_len).len;
    return resumed && len > 5 + k && !memcmp(p + 5, a->pend, k) && p[5 + k] == ' ';
}

/* anon_named: the first process's pid is pid: its task takes that tid; a
 * process the trace spawned under no pid (anon_give_up) takes it too,
 * else it is spawned now, its held lines to follow */
static void anon_named(struct strace *S, int pid)
{
    struct task *t = S->anon;
    S->anon = NULL;
    HASH_DEL(S->tasks, t);
    ready_remove(S, t); /* its place in drain's order changes with its seq */
    t->tid = pid;
    t->seq = ++S->task_seq;
    HASH_ADD_INT(S->tasks, tid, t);
    wake_task(S, t);
    if (!t->p) {
        spawn(S, t);
        return;
    }
    struct proc *p = t->p, *old = proc_by_pid(S, pid);
    if (p->in_pids)
        HASH_DEL(S->pids, p); /* NOLINT(clang-analyzer-core.NullDereference): p is in the table, so it is not empty */
    if (old) {
        HASH_DEL(S->pids, old); /* NOLINT(clang-analyzer-core.NullDereference): as above */
        old->in_pids = false;
    }
    p->pid = pid;
    HASH_ADD_INT(S->pids, pid, p);
    p->in_pids = true;
    rec_printf(&S->w, "# record pid %d is process %" PRIu32 " (its first lines showed no pid)\n", pid, p->out);
}

/* anon_give_up: the first process's pid has not shown in ANON_HOLD_LINES
 * lines or ANON_HOLD_BYTES bytes (or at all): it is spawned without it,
 * so that the import goes on in bounded memory */
static void anon_give_up(struct strace *S)
{
    if (S->anon && !S->anon->p)
        spawn(S, S->anon);
}

/* attached_later: strace's `Process PID attached` came while a line is
 * cut (S->cont): noted after that line (cut_att_flush), since the line
 * is of a process strace traced before PID: without a pid, it is the
 * one process strace traced then, whatever the call */
static void attached_later(struct strace *S, int pid)
{
    if (S->cut_att_n == ATTACHED_MAX)
        note_attached(S, pid);
    else
        S->cut_att[S->cut_att_n++] = pid;
}

/* cut_att_flush: the line that strace's messages cut is read: they are noted */
static void cut_att_flush(struct strace *S)
{
    for (size_t i = 0; i < S->cut_att_n; i++)
        note_attached(S, S->cut_att[i]);
    S->cut_att_n = 0;
}

/* physical_line: one line as read; strace's message `strace: Process N
 * attached` may have cut it (strace writes it to standard error, where the
 * trace goes without -o): the line goes on after it, on the next line */
static int record_line(struct strace *S, uint64_t no, const char *s, size_t n);

static int physical_line(struct strace *S, uint64_t no, const char *s, size_t n)
{
    const char *p = skip_blanks(s, s + n);
    size_t head;
    int pid;
    if (no == 1 && rec_gzipped(s, n))
        return rec_fail(S->res, no, "%s", "a gzip-compressed record: gzip -dc FILE | vmsim import strace");
    if (s + n - p >= 8 && !memcmp(p, "strace: ", 8)) { /* strace's own line */
        if ((pid = attach_msg(p, (size_t)(s + n - p), &head)) != 0 && head == 0) {
            if (S->cont_len)
                attached_later(S, pid);
            else
                note_attached(S, pid);
        }
        S->noise++;
        return 0;
    }
    bool joined = S->cont_len > 0;
    if (joined) { /* the line cut by strace's message goes on here */
        size_t whole = S->cont_len + n;
        if (whole > IMPORT_MAX_CALL_LINE)
            return rec_fail(S->res, no, "line longer than %zu bytes", IMPORT_MAX_CALL_LINE);
        if (S->join_cap < whole + 1) {
            S->join_cap = whole + 1;
            S->join = vm_xrealloc(S->join, S->join_cap);
        }
        memcpy(S->join, S->cont, S->cont_len);
        memcpy(S->join + S->cont_len, s, n);
        S->cont_len = 0;
        s = S->join;
        n = whole;
    }
    if ((pid = attach_msg(s, n, &head)) != 0 && head > 0) {
        attached_later(S, pid);
        S->noise++;
        if (S->cont_cap < head + 1) {
            S->cont_cap = head + 1;
            S->cont = vm_xrealloc(S->cont, S->cont_cap);
        }
        memmove(S->cont, s, head);
        S->cont_len = head;
        return 0;
    }
    int rc = record_line(S, no, s, n);
    if (joined)
        cut_att_flush(S);
    return rc;
}

/* record_line: one line of the record. 0, or 2 for a bad line. */
static int record_line(struct strace *S, uint64_t no, const char *s, size_t n)
{
    const char *e = s + n, *p = skip_blanks(s, e);
    if (p == e) {
        S->noise++;
        return 0;
    }
    if (n >= 3 && !memcmp(s, " > ", 3)) { /* -k: a frame of the stack trace of the call above */
        S->stack++;
        return 0;
    }
    struct lead ld;
    if (read_lead(s, n, &ld))
        return bad_line(S, no, s, n, "not a line of strace -f (" FORMS ")");
    p = ld.p;
    e = ld.e;
    int rc;
    if (!ld.tid && rest_line(S, no, s, e, &rc))
        return rc;
    S->unf_tid = -1;
    if (S->form == FORM_NONE)
        S->form = ld.tid && !ld.bracket ? FORM_PIDS : FORM_STDERR;
    struct task *t;
    if (!ld.tid) {
        if (S->form == FORM_PIDS)
            return bad_line(S, no, s, n, "a line without a pid in a record whose lines start with one (" FORMS ")");
        if (!S->tasks && S->ended_n) { /* the last process's own end (+++ exited), after the trace let it go */
            comment_text(S, S->ended[(S->ended_pos + ENDED_MAX - 1) % ENDED_MAX], (struct str){p, (size_t)(e - p)},
                         *p == '+' || *p == '-' ? NULL : "after its process's end");
            return 0;
        }
        if (!(t = solo(S, no, s, n)))
            return 2;
    } else {
        S->pid_lines++;
        t = task_find(S, ld.tid);
        if (!t && anon_is(S, ld.tid, p, (size_t)(e - p)))
            anon_named(S, ld.tid);
        t = task_find(S, ld.tid);
    }
    int tid = t ? t->tid : ld.tid;
    if (t)
        task_seen(S, t);
    size_t len = (size_t)(e - p);

    if (p[0] == '+' || p[0] == '-') { /* +++ ... +++ or --- ... --- */
        /* cppcheck-suppress knownConditionTrueFalse ; as above */
        if (len < 7 || !(ends_with(p, len, " +++") || ends_with(p, len, " ---")) || p[1] != p[0] || p[2] != p[0] ||
            p[3] != ' ')
            return bad_line(S, no, s, n, "not a line of strace");
        int thr = superseded_by(p, len);
        if (thr)
            t = supersede(S, t, tid, thr);
        struct str text = {p, len};
        bool end = str_starts(text, "+++ exited with ") || str_starts(text, "+++ killed by ");
        if (!t && end && (S->forks_open || !ended_has(S, tid))) {
            /* a task whose end is its first line: a child that made no
             * call the record shows, ended before its clone line (-z, -e
             * status=) or before the clone returned: held as any new task */
            t = new_task(S, tid, no);
            task_seen(S, t);
        }
        if (!t) { /* the end of a task the trace has let go */
            comment_text(S, tid, text, NULL);
            return 0;
        }
        if (end)
            task_gone(S, t);
        deliver(S, t, no, p, len, false);
        return 0;
    }
    /* cppcheck-suppress knownConditionTrueFalse ; as above */
    if (len > 5 && !memcmp(p, "<... ", 5)) { /* <... NAME resumed>REST */
        const char *q = p + 5, *r = memchr(q, '>', len - 5);
        const char *nm = q;
        while (q < e && *q != ' ' && *q != '>')
            q++;
        struct str name = {nm, (size_t)(q - nm)};
        if (!r || (size_t)(e - q) < 9 || memcmp(q, " resumed>", 9) || !name.len)
            return bad_line(S, no, s, n, "not a line of strace");
        const char *rest = q + 9;
        size_t rlen = (size_t)(e - rest);
        if (!t || !t->has_pend || t->pend_len < name.len || memcmp(t->pend, name.s, name.len) ||
            t->pend[name.len] != '(') {
            comment_text(S, tid, (struct str){p, len}, "its start is not in the record");
            return 0;
        }
        return resume(S, t, no, s, n, join_pend(S, t, rest, rlen));
    }
    /* NAME(...: a call, whole or unfinished */
    const char *q = p;
    while (q < e && (((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') || (*q >= '0' && *q <= '9') || *q == '_' || *q == '?'))
        q++;
    if (q == p || q == e || *q != '(')
        return bad_line(S, no, s, n, ld.tid ? "not a line of strace" : "not a line of strace -f (" FORMS ")");
    bool unfinished = ends_with(p, len, " <unfinished ...>"), detached = ends_with(p, len, " <detached ...>");
    struct call c;
    if (!unfinished && !detached) {
        int k = parse_call((struct str){p, len}, &c);
        if (k)
            return bad_line(S, no, s, n, k == -1 ? "strace line cut short" : "not a line of strace");
    }
    if (detached) {
        comment_text(S, tid, (struct str){p, len}, "strace let go of it");
        return 0;
    }
    if (!t) {
        if (!S->forks_open && ended_has(S, tid)) {
            comment_text(S, tid, (struct str){p, len}, "after its process's end");
            return 0;
        }
        t = new_task(S, tid, no);
        task_seen(S, t);
    }
    if (unfinished) {
        set_pend(S, t, no, p, len - 17);
        S->unf_tid = t->tid;
        return 0;
    }
    if (!c.ok && str_eq(c.ret, "?") && (str_eq(c.name, "exit_group") || str_eq(c.name, "exit")))
        t->exiting = true;
    /* the first process's pid, from a call that returns it */
    if (t == S->anon && !t->tid && c.ok && c.has_value && c.value >= 1 && c.value <= 2147483647u &&
        (str_eq(c.name, "getpid") || str_eq(c.name, "gettid") || str_eq(c.name, "set_tid_address")) &&
        !task_find(S, (int)c.value) && !attached_has(S, (int)c.value))
        anon_named(S, (int)c.value);
    deliver(S, t, no, p, len, false);
    return 0;
}

/* ---- the end of the record --------------------------------------------- */

/* settle_unknown: the tasks never known: children of a clone that has not
 * returned, or roots; in the order of the tasks (taken first: each goes
 * once, and what the held lines make on the way has its process). The
 * first child of a running process's open clone is made its child (the
 * clone's end, if it comes, is then a comment, the clone's start one that
 * says why); the others are spawned. */
static void settle_unknown(struct strace *S, const char *why)
{
    size_t nt = HASH_COUNT(S->tasks), k = 0; /* NOLINT(clang-analyzer-unix.Malloc): uthash invariants */
    int *unknown = vm_xmalloc((nt ? nt : 1) * sizeof *unknown);
    /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
    for (struct task *t = S->tasks; t; t = t->hh.next)
        if (!t->p) /* NOLINT(clang-analyzer-unix.Malloc): as above */
            unknown[k++] = t->tid;
    for (size_t i = 0; i < k && !S->failed; i++) {
        struct task *t = task_find(S, unknown[i]);
        if (!t || t->p)
            continue;
        if (t->early && no_calls(t)) { /* no clone was open when it came */
            drop_unmade(S, t);
            continue;
        }
        struct task *par = NULL;
        for (struct task *u = S->forks_open ? S->tasks : NULL; u; u = u->hh.next)
            if (u->fork_pend && u->p && u->p->state == P_RUNNING) {
                par = u;
                break;
            }
        if (par) {
            S->res->comments++;
            if (S->o->comments) {
                rec_printf(&S->w, "# %d ", par->tid);
                rec_text(&S->w, par->pend, par->pend_len, COMMENT_MAX);
                rec_printf(&S->w, " <unfinished ...>  (%s)\n", why);
            }
            char *tmp = vm_xmalloc(par->pend_len + 8);
            memcpy(tmp, par->pend, par->pend_len);
            memcpy(tmp + par->pend_len, ") = 1", 6);
            struct call pc;
            if (parse_call((struct str){tmp, par->pend_len + 5}, &pc) == 0) {
                pc.text.len -= 5; /* as the record has it */
                make_child(S, par, t->tid, clone_kind(&pc), &pc);
            } else {
                spawn(S, t);
            }
            free(tmp);
            if (clear_pend(par))
                S->forks_open--;
        } else if (ended_has(S, t->tid)) { /* late lines of a task let go */
            for (size_t j = t->qhead; j < t->qn; j++)
                comment_text(S, t->tid, (struct str){t->q[j].text, t->q[j].len}, "after its process's end");
            task_free(S, t);
        } else {
            spawn(S, t);
        }
        drain_task(S, unknown[i]);
    }
    free(unknown);
    drain(S);
}

/* held_to_comments: the lines still held back, whose process waits for
 * its vfork child, become comments (why) and are let go; a record of one
 * process of several is refused (vfork_unseen) */
static void held_to_comments(struct strace *S, const char *why)
{
    for (struct task *t = S->tasks; t && !S->failed; t = t->hh.next)
        if (t->qn > t->qhead)
            vfork_unseen(S, t, t->q[t->qhead].line);
    if (S->failed)
        return;
    for (struct task *t = S->tasks; t; t = t->hh.next) {
        for (size_t i = t->qhead; i < t->qn; i++) {
            comment_text(S, t->tid, (struct str){t->q[i].text, t->q[i].len}, why);
            if (t->q[i].open_fork)
                S->forks_open--;
            S->held_bytes -= HELD_COST(t->q[i].len);
            free(t->q[i].text);
        }
        S->held -= t->qn - t->qhead;
        t->qhead = t->qn = 0;
    }
}

/* hold_give_up: the lines held back pass HOLD_BYTES: nothing is waited for
 * any more, as at the end of the record, so that a record whose lines wait
 * for what never comes is read in bounded memory */
static void hold_give_up(struct strace *S)
{
    anon_give_up(S);
    early_give_up(S, UINT64_MAX);
    settle_unknown(S, "its child's lines held back pass 16 MiB: its child comes next");
    if (!S->failed)
        held_to_comments(S, "held back past 16 MiB of held lines: its process waits for its vfork child");
}

static void finish(struct strace *S)
{
    anon_give_up(S); /* the first process never showed its pid */
    drain(S);
    settle_unknown(S, "the record ends here; its child comes next");
    /* lines still held back: their process never went on (or its vfork
     * child is not in the record, which is then refused) */
    held_to_comments(S, "held back: its process waits for its vfork child to the end");
    if (S->failed)
        return;
    for (struct task *t = S->tasks; t; t = t->hh.next)
        if (t->has_pend && !t->exec_done) {
            struct str ps = {t->pend, t->pend_len};
            S->res->comments++;
            if (S->o->comments) {
                rec_printf(&S->w, "# %d ", t->tid);
                rec_text(&S->w, ps.s, ps.len, COMMENT_MAX);
                REC_PUTS(&S->w, " <unfinished ...>  (the record ends here)\n");
            }
        }
}

static void closing(struct strace *S, uint64_t lines)
{
    rec_printf(&S->w,
               "# strace: lines %" PRIu64 ": processes %" PRIu64 " (spawned %" PRIu64 ", forked %" PRIu64
               ", vforked %" PRIu64 "), threads %" PRIu64 ", execs %" PRIu64 "\n",
               lines, S->procs, S->spawned, S->forked, S->vforked, S->threads, S->execs);
    rec_printf(&S->w, "# written: events %" PRIu64 ", calls as comments %" PRIu64 "%s; skipped: other lines %" PRIu64,
               S->res->events, S->res->comments, S->o->comments ? "" : " (left out)", S->noise);
    if (S->stack) /* strace -k */
        rec_printf(&S->w, ", stack trace lines %" PRIu64, S->stack);
    if (S->rests) /* strace -z, -e status=... */
        rec_printf(&S->w, "; joined: ends of calls on a line of their own %" PRIu64, S->rests);
    rec_put(&S->w, "\n", 1);
}

int import_strace(FILE *in, FILE *out, const struct import_opts *o, struct import_result *res)
{
    memset(res, 0, sizeof *res);
    char err[256];
    if (import_check_opts(o, false, err, sizeof err))
        return rec_fail(res, 0, "%s", err);
    struct strace S;
    memset(&S, 0, sizeof S);
    S.o = o;
    S.res = res;
    S.next_out = o->pid ? o->pid : 1;
    S.unf_tid = -1;
    rec_writer_init(&S.w, out);
    REC_PUTS(&S.w, "# vmsim import strace ");
    /* the command as typed: '-' for standard input */
    const char *src = strcmp(o->name, VM_STDIN_NAME) ? o->name : "-";
    rec_text(&S.w, src, strlen(src), 400);
    rec_put(&S.w, "\n", 1);

    struct rec_reader r;
    rec_reader_init(&r, in, IMPORT_MAX_CALL_LINE);
    int status = 0, k;
    const char *s;
    size_t n;
    while ((k = rec_next(&r, &s, &n, res)) > 0) {
        if (physical_line(&S, r.line, s, n) || S.failed) {
            status = 2;
            break;
        }
        if (S.anon && !S.anon->p && (S.anon->qn - S.anon->qhead > ANON_HOLD_LINES || S.anon_bytes > ANON_HOLD_BYTES))
            anon_give_up(&S);
        if (S.early_len)
            early_give_up(&S, r.line);
        if (S.held_bytes > HOLD_BYTES)
            hold_give_up(&S);
        if (S.held && S.wake)
            drain(&S);
        if (S.failed) {
            status = 2;
            break;
        }
    }
    /* a line cut by strace's message at the end of the record is read as it is */
    if (k < 0 || (!status && S.cont_len && record_line(&S, r.line, S.cont, S.cont_len)))
        status = 2;
    res->lines = r.line;
    if (!status) {
        finish(&S);
        if (S.failed)
            status = 2;
        else
            closing(&S, r.line);
    }
    status = rec_finish(&S.w, "strace", o, res, status);
    rec_reader_free(&r);
    rec_writer_free(&S.w);
    struct task *t, *tt;
    HASH_ITER(hh, S.tasks, t, tt)
    task_free(&S, t);
    struct proc *p, *pt;
    HASH_ITER(hout, S.outs, p, pt)
    {
        if (p->in_pids)
            HASH_DEL(S.pids, p);
        HASH_DELETE(hout, S.outs, p);
        for (size_t i = 0; i < p->nfd; i++)
            free(p->fd[i]);
        free(p->fd);
        space_drop(p->sp);
        free(p);
    }
    struct name *nm, *nt;
    HASH_ITER(hh, S.names, nm, nt)
    {
        HASH_DEL(S.names, nm);
        free(nm->s);
        free(nm);
    }
    free(S.ready);
    free(S.work);
    free(S.buf);
    free(S.cont);
    free(S.join);
    return status;
}
