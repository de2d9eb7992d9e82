/* tracegen.c -- random valid traces for the differential tests
 * (tests/differential.sh).
 *
 *   tracegen [-e] [-b FRAMES] SEED [EVENTS] [PROFILE]
 *
 * prints a trace of EVENTS events (default 300) to standard output. The same
 * arguments give the same bytes on any machine: the generator has its own
 * PRNG (splitmix64) and no floating point.
 *
 * The generator keeps its own model of what the trace creates -- processes
 * and their states (running, suspended by a vfork, zombie, lost), parents,
 * address spaces shared by vfork pairs, VMAs with their protection and
 * backing, heap start and break, programs, shared-memory objects -- so that
 * every line it prints is valid: the trace never makes vmsim exit with 2.
 * Accesses that would be a segv are left out unless the profile asks for
 * them (profile segv); then the model kills the process as vmsim does and
 * goes on, events of lost processes included.
 *
 * Memory stays modest: before an event that can make memory grow (spawn,
 * fork, vfork, exec, mmap, brk) the generator bounds the frames the whole
 * machine could hold afterwards -- every page of every VMA of every address
 * space, every page of every live shared-memory object, every file page the
 * trace can name, and the page tables covering the VMAs -- and skips the
 * event when the bound would pass FRAMES (-b, default 12000). Run the traces
 * with at least that many frames (the default 16384, or --frames) and no
 * reclaim, OOM kill or failed fork can happen, in any mode, with or without
 * --pt-frames.
 *
 * -e adds expectations whose outcome the differential test compares:
 *   - after every read (and every page of a read touch) and at random pages:
 *       expect page PID ADDR value == 0
 *     The generator cannot know the value; vmsim prints the actual one when
 *     it is not 0, so the set of failed lines is the set of values read.
 *   - lines ending in "# known": values the model knows (a value just
 *     written, proc state/ppid/exit_status/program/vmas, page mapped, event
 *     and process counters). These must pass in every mode.
 * Without -e no expect line is printed; the events are the same either way
 * (the expectations draw from a PRNG stream of their own), though a write
 * without a VALUE writes its line number, which the expect lines move.
 *
 * The second line of the output, "# flags: --arch NAME", gives the arch the
 * trace was made for; run it with that option.
 *
 * Profiles (default mixed):
 *   mixed  x86_64, every event        forky  x86_64, mostly process events
 *   tiny   --arch tiny                 segv   x86_64, with segv accesses and
 *   sv39   --arch sv39                        events of lost processes
 *   i386   --arch i386                 files  x86_64, mostly file and shared
 *   deep   va=20,page=256,levels=3            mappings
 *   flat   va=16,page=256,levels=1
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG -------------------------------------------------------------- */

/* two streams: one for the events, one for the expectations of -e, so that
 * -e adds expect lines and changes no event */
static uint64_t rng_state, probe_state;
static uint64_t *rng_cur = &rng_state;

static uint64_t rng(void)
{
    uint64_t z = (*rng_cur += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* 0 .. n-1 (n > 0) */
static uint64_t below(uint64_t n)
{
    return rng() % n;
}

/* lo .. hi */
static uint64_t between(uint64_t lo, uint64_t hi)
{
    return lo + below(hi - lo + 1);
}

static bool chance(unsigned percent)
{
    return below(100) < percent;
}

/* mostly small: 1 .. max, half of the time at most 4 */
static uint64_t small_count(uint64_t max)
{
    if (max <= 4 || chance(50))
        return between(1, max < 4 ? max : 4);
    return between(1, max);
}

/* ---- limits -------------------------------------------------------------- */

#define MAXPID 24       /* pids 1 .. MAXPID, so that pids are used again */
#define MAXLIVE 12      /* running and suspended processes */
#define MAXVMAS 24      /* VMAs in one address space */
#define VMACAP 64       /* room in the array (mmap may split one into three) */
#define MAXMAP 32       /* pages of one mmap */
#define MAXTOUCH 16     /* pages of one touch */
#define MAXHEAP 48      /* pages of heap above the heap start */
#define MAXOFF 32       /* file offsets 0 .. MAXOFF-1 pages */
#define NFILES 3
#define NPROGS 5        /* four declared, "ls" used with the defaults */
#define MAXAS (MAXPID + 1)
#define MAXSHM 512

/* ---- the arch ----------------------------------------------------------- */

struct arch {
    const char *name;
    unsigned va_bits, page_shift, levels, bits;
};

static struct arch A;
static uint64_t P;          /* page size */
static uint64_t user_pages; /* user_top / P */
static uint64_t text_page;  /* text_base / P */

/* ---- the model ---------------------------------------------------------- */

enum backing { B_ANON, B_FILE, B_SHM };
enum { PR_R = 1, PR_W = 2, PR_X = 4 };

struct vma {
    uint64_t start, end; /* pages */
    unsigned prot;
    bool shared;
    enum backing backing;
    int file; /* B_FILE: index in file_names */
    int shm;  /* B_SHM: object id */
};

struct aspace {
    int users; /* processes using it (a vfork pair shares one); 0: free */
    int nvmas;
    struct vma vmas[VMACAP];
    bool has_heap;
    uint64_t heap_start, brk; /* bytes */
};

enum pstate { S_FREE, S_RUN, S_SUSP, S_ZOMBIE };

struct proc {
    enum pstate state;
    bool lost;   /* killed (zombie), or gone after a kill or a skipped fork */
    int ppid;
    int as;      /* address space index, -1 none */
    int prog;    /* -1: spawned without a program */
    int status;  /* zombie's exit status */
    int vparent; /* vfork child still sharing its parent's space: the parent */
};

struct prog {
    const char *name;
    uint64_t text, data, bss, heap, stack; /* pages */
};

static struct proc procs[MAXPID + 1];
static struct aspace spaces[MAXAS];
static uint64_t shm_size[MAXSHM];
static int nshm;
static struct prog progs[NPROGS];
static const char *const file_names[NFILES] = {"f0", "f1", "f2"};

/* counters the model knows, for the "# known" stat expectations */
static uint64_t n_events, n_skipped, n_reads, n_writes, n_created, n_reaped, n_killed;

static bool opt_expect;
static unsigned segv_percent; /* accesses aimed anywhere, may segv */
static uint64_t budget = 12000;
static unsigned long line_no;

static void emit(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    line_no++;
}

/* ---- VMAs ---------------------------------------------------------------- */

static int vma_find(const struct aspace *as, uint64_t page)
{
    for (int i = 0; i < as->nvmas; i++)
        if (as->vmas[i].start <= page && page < as->vmas[i].end)
            return i;
    return -1;
}

static void vma_insert(struct aspace *as, const struct vma *v)
{
    int i = 0;
    while (i < as->nvmas && as->vmas[i].start < v->start)
        i++;
    memmove(&as->vmas[i + 1], &as->vmas[i], (size_t)(as->nvmas - i) * sizeof *v);
    as->vmas[i] = *v;
    as->nvmas++;
}

static void vma_remove(struct aspace *as, int i)
{
    memmove(&as->vmas[i], &as->vmas[i + 1], (size_t)(as->nvmas - i - 1) * sizeof as->vmas[0]);
    as->nvmas--;
}

/* the part of v from page s on (file offsets follow) */
static struct vma vma_tail(const struct vma *v, uint64_t s)
{
    struct vma t = *v;
    t.start = s;
    return t;
}

/* splits the VMA holding page at (if any, and not starting there) */
static void vma_split_at(struct aspace *as, uint64_t at)
{
    int i = vma_find(as, at);
    if (i < 0 || as->vmas[i].start == at)
        return;
    struct vma t = vma_tail(&as->vmas[i], at);
    as->vmas[i].end = at;
    vma_insert(as, &t);
}

static void unmap_range(struct aspace *as, uint64_t s, uint64_t e)
{
    vma_split_at(as, s);
    vma_split_at(as, e);
    for (int i = 0; i < as->nvmas;) {
        if (as->vmas[i].start >= s && as->vmas[i].end <= e)
            vma_remove(as, i);
        else
            i++;
    }
}

static bool range_free(const struct aspace *as, uint64_t s, uint64_t e)
{
    for (int i = 0; i < as->nvmas; i++)
        if (as->vmas[i].start < e && s < as->vmas[i].end)
            return false;
    return true;
}

static bool range_covered(const struct aspace *as, uint64_t s, uint64_t e)
{
    uint64_t p = s;
    while (p < e) {
        int i = vma_find(as, p);
        if (i < 0)
            return false;
        p = as->vmas[i].end;
    }
    return true;
}

static void protect_range(struct aspace *as, uint64_t s, uint64_t e, unsigned prot)
{
    vma_split_at(as, s);
    vma_split_at(as, e);
    for (int i = 0; i < as->nvmas; i++)
        if (as->vmas[i].start >= s && as->vmas[i].end <= e)
            as->vmas[i].prot = prot;
}

/* would the access kill the process? */
static bool access_segv(const struct aspace *as, uint64_t page, bool write)
{
    if (!as || page >= user_pages)
        return true;
    int i = vma_find(as, page);
    if (i < 0)
        return true;
    return !(as->vmas[i].prot & (write ? PR_W : PR_R));
}

/* ---- the memory bound ---------------------------------------------------- */

/* tables below the root that can cover [s, e) */
static uint64_t tables_for(uint64_t s, uint64_t e)
{
    uint64_t n = 0;
    for (unsigned l = 1; l < A.levels; l++) {
        unsigned sh = A.bits * (A.levels - l);
        n += ((e - 1) >> sh) - (s >> sh) + 1;
    }
    return n;
}

static uint64_t space_cost(const struct aspace *as)
{
    uint64_t n = 1; /* the root */
    for (int i = 0; i < as->nvmas; i++)
        n += as->vmas[i].end - as->vmas[i].start + tables_for(as->vmas[i].start, as->vmas[i].end);
    return n;
}

static uint64_t image_cost(int prog)
{
    const struct prog *p = &progs[prog];
    uint64_t n = p->text + p->data + p->bss + p->heap + p->stack;
    return 1 + n + 4 * (uint64_t)A.levels * 2;
}

static uint64_t bound(void)
{
    static bool live_shm[MAXSHM];
    uint64_t n = (uint64_t)(NFILES + NPROGS) * (MAXOFF + MAXMAP);
    memset(live_shm, 0, sizeof live_shm);
    for (int a = 0; a < MAXAS; a++) {
        if (!spaces[a].users)
            continue;
        n += space_cost(&spaces[a]);
        for (int i = 0; i < spaces[a].nvmas; i++)
            if (spaces[a].vmas[i].backing == B_SHM)
                live_shm[spaces[a].vmas[i].shm] = true;
    }
    for (int s = 0; s < nshm; s++)
        if (live_shm[s])
            n += shm_size[s];
    return n;
}

static bool fits(uint64_t more)
{
    return bound() + more <= budget;
}

/* ---- processes ----------------------------------------------------------- */

static int as_new(void)
{
    for (int a = 0; a < MAXAS; a++) {
        if (!spaces[a].users) {
            memset(&spaces[a], 0, sizeof spaces[a]);
            spaces[a].users = 1;
            return a;
        }
    }
    fputs("tracegen: out of address spaces\n", stderr);
    exit(2);
}

static void as_drop(int a)
{
    if (a >= 0)
        spaces[a].users--;
}

static void build_image(struct aspace *as, int prog)
{
    const struct prog *p = &progs[prog];
    uint64_t at = text_page;
    struct vma v;
    memset(&v, 0, sizeof v);
    v.backing = B_FILE;
    v.file = NFILES + prog;
    if (p->text) {
        v.start = at, v.end = at + p->text, v.prot = PR_R | PR_X;
        vma_insert(as, &v);
        at = v.end;
    }
    if (p->data) {
        v.start = at, v.end = at + p->data, v.prot = PR_R | PR_W;
        vma_insert(as, &v);
        at = v.end;
    }
    v.backing = B_ANON;
    v.prot = PR_R | PR_W;
    if (p->bss) {
        v.start = at, v.end = at + p->bss;
        vma_insert(as, &v);
        at = v.end;
    }
    as->has_heap = true;
    as->heap_start = at * P;
    as->brk = (at + p->heap) * P;
    if (p->heap) {
        v.start = at, v.end = at + p->heap;
        vma_insert(as, &v);
    }
    if (p->stack) {
        v.start = user_pages - p->stack, v.end = user_pages;
        vma_insert(as, &v);
    }
}

static int count_state(enum pstate s)
{
    int n = 0;
    for (int i = 1; i <= MAXPID; i++)
        n += procs[i].state == s;
    return n;
}

static int live_count(void)
{
    return count_state(S_RUN) + count_state(S_SUSP);
}

static struct aspace *space_of(int pid)
{
    return procs[pid].as >= 0 ? &spaces[procs[pid].as] : NULL;
}

/* a random pid among those that match; 0 if none */
static int pick_pid(bool (*ok)(int))
{
    int cand[MAXPID], n = 0;
    for (int i = 1; i <= MAXPID; i++)
        if (ok(i))
            cand[n++] = i;
    return n ? cand[below((uint64_t)n)] : 0;
}

static bool is_running(int pid)
{
    return procs[pid].state == S_RUN && !procs[pid].lost;
}

static bool is_free(int pid)
{
    return procs[pid].state == S_FREE;
}

static bool is_lost_actor(int pid)
{
    return procs[pid].lost;
}

/* `show vmas|pages PID` names a process, or a lost pid */
static bool is_shown(int pid)
{
    return procs[pid].state != S_FREE || procs[pid].lost;
}

static void reap(int pid)
{
    procs[pid].state = S_FREE;
    procs[pid].as = -1;
    n_reaped++;
}

/* the process stops (exit, or a kill): section 4 and 6 */
static void terminate(int pid, int status, bool killed)
{
    struct proc *p = &procs[pid];
    as_drop(p->as);
    p->as = -1;
    if (p->vparent) {
        procs[p->vparent].state = S_RUN;
        p->vparent = 0;
    }
    p->state = S_ZOMBIE;
    p->status = status;
    p->lost = killed;
    if (killed)
        n_killed++;
    bool init_ok = procs[1].state == S_RUN || procs[1].state == S_SUSP;
    for (int c = 1; c <= MAXPID; c++) {
        if (procs[c].state == S_FREE || procs[c].ppid != pid || c == pid)
            continue;
        if (procs[c].state == S_ZOMBIE)
            reap(c);
        else
            procs[c].ppid = init_ok && c != 1 ? 1 : 0;
    }
    if (p->ppid == 0)
        reap(pid);
}

/* ---- programs ------------------------------------------------------------ */

static void emit_size(char *buf, size_t cap, const char *key, uint64_t pages)
{
    if (pages == 0)
        snprintf(buf, cap, " %s=0", key);
    else if (chance(30))
        snprintf(buf, cap, " %s=%" PRIu64, key, pages * P - below(P)); /* rounds up */
    else
        snprintf(buf, cap, " %s=%" PRIu64 "p", key, pages);
}

static void declare_programs(void)
{
    static const char *const names[NPROGS] = {"init", "sh", "cat", "big", "ls"};
    for (int i = 0; i < NPROGS; i++) {
        struct prog *p = &progs[i];
        p->name = names[i];
        if (i == NPROGS - 1) { /* never declared: the defaults */
            p->text = 4, p->data = 2, p->bss = 2, p->heap = 0, p->stack = 4;
            continue;
        }
        p->text = between(i == 3 ? 4 : 1, i == 3 ? 8 : 4);
        p->data = below(4);
        p->bss = below(4);
        p->heap = below(4);
        p->stack = between(1, 4);
        char line[256], part[64];
        snprintf(line, sizeof line, "program %s", p->name);
        const char *keys[5] = {"text", "data", "bss", "heap", "stack"};
        uint64_t vals[5] = {p->text, p->data, p->bss, p->heap, p->stack};
        for (int k = 0; k < 5; k++) {
            emit_size(part, sizeof part, keys[k], vals[k]);
            strncat(line, part, sizeof line - strlen(line) - 1);
        }
        emit("%s", line);
    }
}

/* ---- address choices ----------------------------------------------------- */

/* a page where mappings go: around a boundary of every table level, over
 * the program image and heap, or under the stack */
static uint64_t pick_zone_page(uint64_t *zone_end)
{
    uint64_t s, e;
    if (user_pages <= 512) {
        s = 1, e = user_pages;
    } else {
        switch (below(3)) {
        case 0: {
            uint64_t mid = user_pages / 2;
            s = mid - 64, e = mid + 64;
            break;
        }
        case 1:
            s = text_page, e = text_page + 128;
            break;
        default:
            s = user_pages - 64, e = user_pages;
            break;
        }
    }
    *zone_end = e;
    return between(s, e - 1);
}

static uint64_t addr_in(uint64_t page)
{
    return page * P + (chance(50) ? 0 : below(P));
}

static const char *prot_str(unsigned prot)
{
    static char b[4];
    b[0] = prot & PR_R ? 'r' : '-';
    b[1] = prot & PR_W ? 'w' : '-';
    b[2] = prot & PR_X ? 'x' : '-';
    b[3] = 0;
    return b;
}

static unsigned pick_prot(void)
{
    static const unsigned table[] = {PR_R | PR_W, PR_R | PR_W, PR_R | PR_W, PR_R,       PR_R | PR_X,
                                     PR_R | PR_W | PR_X, PR_W,  0,           PR_R | PR_W, PR_R};
    return table[below(sizeof table / sizeof table[0])];
}

/* a VMA of the space allowing the access, -1 if none */
static int pick_vma_for(const struct aspace *as, bool write)
{
    int cand[VMACAP], n = 0;
    for (int i = 0; i < as->nvmas; i++)
        if (as->vmas[i].prot & (write ? PR_W : PR_R))
            cand[n++] = i;
    return n ? cand[below((uint64_t)n)] : -1;
}

/* ---- the expectations ---------------------------------------------------- */

static void expect_value_probe(int pid, uint64_t addr)
{
    if (opt_expect)
        emit("expect page %d 0x%" PRIx64 " value == 0", pid, addr);
}

static const char *state_word(int pid)
{
    switch (procs[pid].state) {
    case S_RUN: return "running";
    case S_SUSP: return "suspended";
    case S_ZOMBIE: return "zombie";
    default: return "gone";
    }
}

static void known_probes_draw(void);

static void known_probes(void)
{
    if (!opt_expect)
        return;
    rng_cur = &probe_state;
    known_probes_draw();
    rng_cur = &rng_state;
}

static void known_probes_draw(void)
{
    if (!chance(25))
        return;
    int pid = (int)between(1, MAXPID);
    struct proc *p = &procs[pid];
    switch (below(6)) {
    case 0:
        emit("expect proc %d state == %s # known", pid, state_word(pid));
        break;
    case 1:
        if (p->state == S_FREE)
            emit("expect proc %d ppid == none # known", pid);
        else
            emit("expect proc %d ppid == %d # known", pid, p->ppid);
        break;
    case 2:
        if (p->state == S_ZOMBIE)
            emit("expect proc %d exit_status == %d # known", pid, p->status);
        else
            emit("expect proc %d exit_status == none # known", pid);
        break;
    case 3:
        emit("expect proc %d program == %s # known", pid,
             p->state == S_FREE || p->prog < 0 ? "none" : progs[p->prog].name);
        break;
    case 4:
        if (p->state == S_FREE)
            emit("expect proc %d vmas == none # known", pid);
        else
            emit("expect proc %d vmas == %d # known", pid, p->as >= 0 ? spaces[p->as].nvmas : 0);
        break;
    default: {
        static const char *const names[] = {"events.total",     "events.skipped",      "accesses.reads",
                                            "accesses.writes",  "processes.created",   "processes.reaped",
                                            "processes.live",   "processes.zombies",   "processes.killed_segv"};
        uint64_t vals[] = {n_events, n_skipped, n_reads, n_writes, n_created, n_reaped,
                           (uint64_t)live_count(), (uint64_t)count_state(S_ZOMBIE), n_killed};
        unsigned k = (unsigned)below(sizeof vals / sizeof vals[0]);
        emit("expect stat %s == %" PRIu64 " # known", names[k], vals[k]);
        break;
    }
    }
    /* a page of a process that has one: mapped (known) and value (compared) */
    if (p->as >= 0 && (p->state == S_RUN || p->state == S_SUSP)) {
        const struct aspace *as = &spaces[p->as];
        uint64_t zend, page;
        if (as->nvmas && chance(70)) {
            const struct vma *v = &as->vmas[below((uint64_t)as->nvmas)];
            page = between(v->start, v->end - 1);
        } else {
            page = pick_zone_page(&zend);
        }
        uint64_t addr = addr_in(page);
        emit("expect page %d 0x%" PRIx64 " mapped == %d # known", pid, addr, vma_find(as, page) >= 0);
        expect_value_probe(pid, addr);
    }
}

/* ---- events -------------------------------------------------------------- */

static void event_line(void)
{
    n_events++;
}

static int gen_spawn(void)
{
    if (live_count() >= MAXLIVE)
        return 0;
    int pid = procs[1].state == S_FREE && chance(50) ? 1 : pick_pid(is_free);
    if (!pid)
        return 0;
    int prog = chance(85) ? (int)below(NPROGS) : -1;
    if (prog >= 0 && !fits(image_cost(prog)))
        return 0;
    struct proc *p = &procs[pid];
    memset(p, 0, sizeof *p);
    p->state = S_RUN;
    p->prog = prog;
    p->as = as_new();
    if (prog >= 0)
        build_image(&spaces[p->as], prog);
    event_line();
    n_created++;
    if (prog >= 0)
        emit("spawn %d %s", pid, progs[prog].name);
    else
        emit("spawn %d", pid);
    return 1;
}

static int gen_fork(bool vfork)
{
    if (live_count() >= MAXLIVE)
        return 0;
    int parent = pick_pid(is_running);
    int child = pick_pid(is_free);
    if (!parent || !child)
        return 0;
    struct proc *pp = &procs[parent];
    if (!vfork && !fits(space_cost(&spaces[pp->as])))
        return 0;
    struct proc *c = &procs[child];
    memset(c, 0, sizeof *c);
    c->state = S_RUN;
    c->ppid = parent;
    c->prog = pp->prog;
    if (vfork) {
        c->as = pp->as;
        spaces[c->as].users++;
        c->vparent = parent;
        pp->state = S_SUSP;
    } else {
        c->as = as_new();
        int users = spaces[c->as].users;
        spaces[c->as] = spaces[pp->as];
        spaces[c->as].users = users;
    }
    event_line();
    n_created++;
    emit("%s %d %d", vfork ? "vfork" : "fork", parent, child);
    return 1;
}

static int gen_exec(void)
{
    int pid = pick_pid(is_running);
    if (!pid)
        return 0;
    int prog = (int)below(NPROGS);
    if (!fits(image_cost(prog)))
        return 0;
    struct proc *p = &procs[pid];
    as_drop(p->as);
    if (p->vparent) {
        procs[p->vparent].state = S_RUN;
        p->vparent = 0;
    }
    p->as = as_new();
    p->prog = prog;
    build_image(&spaces[p->as], prog);
    event_line();
    emit("exec %d %s", pid, progs[prog].name);
    return 1;
}

static int gen_exit(void)
{
    int pid = pick_pid(is_running);
    if (!pid)
        return 0;
    /* keep process 1 around most of the time, to adopt orphans */
    if (pid == 1 && chance(70))
        return 0;
    int status = chance(60) ? 0 : (int)below(256);
    terminate(pid, status, false);
    event_line();
    if (status == 0 && chance(50))
        emit("exit %d", pid);
    else
        emit("exit %d %d", pid, status);
    return 1;
}

static bool has_zombie_child(int pid)
{
    for (int c = 1; c <= MAXPID; c++)
        if (procs[c].state == S_ZOMBIE && procs[c].ppid == pid)
            return true;
    return false;
}

static bool can_wait(int pid)
{
    return is_running(pid) && has_zombie_child(pid);
}

static int gen_wait(void)
{
    int pid = pick_pid(can_wait);
    if (!pid)
        return 0;
    int cand[MAXPID], n = 0;
    for (int c = 1; c <= MAXPID; c++)
        if (procs[c].state == S_ZOMBIE && procs[c].ppid == pid)
            cand[n++] = c;
    event_line();
    if (chance(50)) {
        reap(cand[0]); /* the lowest */
        emit("wait %d", pid);
    } else {
        int c = cand[below((uint64_t)n)];
        reap(c);
        emit("wait %d %d", pid, c);
    }
    return 1;
}

static int gen_mmap(void)
{
    int pid = pick_pid(is_running);
    if (!pid)
        return 0;
    struct aspace *as = space_of(pid);
    uint64_t zend, start = pick_zone_page(&zend);
    uint64_t len = small_count(MAXMAP);
    if (start + len > zend)
        len = zend - start;
    struct vma v;
    memset(&v, 0, sizeof v);
    v.start = start, v.end = start + len;
    v.prot = pick_prot();
    v.shared = chance(35);
    unsigned kind = (unsigned)below(100);
    v.backing = kind < 55 ? B_ANON : B_FILE;
    if (v.backing == B_ANON && v.shared) {
        if (nshm >= MAXSHM)
            return 0;
        v.backing = B_SHM;
    }
    uint64_t more = len + tables_for(v.start, v.end) + (v.backing == B_SHM ? len : 0);
    if (!fits(more))
        return 0;
    struct aspace trial = *as;
    unmap_range(&trial, v.start, v.end);
    if (trial.nvmas + 1 > MAXVMAS)
        return 0;
    char file[64] = "";
    if (v.backing == B_FILE) {
        v.file = (int)below(NFILES + NPROGS);
        uint64_t off = chance(30) ? 0 : below(MAXOFF);
        const char *name = v.file < NFILES ? file_names[v.file] : progs[v.file - NFILES].name;
        if (off == 0 && chance(50))
            snprintf(file, sizeof file, " file=%s", name);
        else if (chance(50))
            snprintf(file, sizeof file, " file=%s@0x%" PRIx64, name, off * P);
        else
            snprintf(file, sizeof file, " file=%s@%" PRIu64 "p", name, off);
    } else if (v.backing == B_SHM) {
        v.shm = nshm;
        shm_size[nshm++] = len;
    }
    *as = trial;
    vma_insert(as, &v);
    event_line();
    if (chance(25) && len > 1)
        emit("mmap %d 0x%" PRIx64 " %" PRIu64 " %s %s%s", pid, start * P, len * P - below(P), prot_str(v.prot),
             v.shared ? "shared" : "private", file);
    else
        emit("mmap %d 0x%" PRIx64 " %" PRIu64 "p %s %s%s", pid, start * P, len, prot_str(v.prot),
             v.shared ? "shared" : "private", file);
    return 1;
}

/* a range [s, e) that overlaps some VMA of the space, or a zone range */
static void pick_range(const struct aspace *as, uint64_t *s, uint64_t *e)
{
    if (as->nvmas && chance(85)) {
        const struct vma *v = &as->vmas[below((uint64_t)as->nvmas)];
        uint64_t n = v->end - v->start;
        *s = v->start + (chance(40) ? 0 : below(n));
        *e = chance(40) ? v->end : *s + small_count(n + 4);
        if (*e > user_pages)
            *e = user_pages;
    } else {
        uint64_t zend;
        *s = pick_zone_page(&zend);
        *e = *s + small_count(MAXMAP);
        if (*e > zend)
            *e = zend;
    }
}

static int gen_munmap(void)
{
    int pid = pick_pid(is_running);
    if (!pid)
        return 0;
    struct aspace *as = space_of(pid);
    uint64_t s, e;
    pick_range(as, &s, &e);
    struct aspace trial = *as;
    unmap_range(&trial, s, e);
    if (trial.nvmas > MAXVMAS)
        return 0;
    *as = trial;
    event_line();
    emit("munmap %d 0x%" PRIx64 " %" PRIu64 "p", pid, s * P, e - s);
    return 1;
}

static int gen_mprotect(void)
{
    int pid = pick_pid(is_running);
    if (!pid)
        return 0;
    struct aspace *as = space_of(pid);
    if (!as->nvmas)
        return 0;
    uint64_t s, e;
    pick_range(as, &s, &e);
    /* cut the range down to the mapped run starting at s */
    if (vma_find(as, s) < 0)
        return 0;
    uint64_t p = s;
    while (p < e && vma_find(as, p) >= 0)
        p = as->vmas[vma_find(as, p)].end;
    if (p < e)
        e = p;
    if (!range_covered(as, s, e))
        return 0;
    unsigned prot = pick_prot();
    struct aspace trial = *as;
    protect_range(&trial, s, e, prot);
    if (trial.nvmas > MAXVMAS)
        return 0;
    *as = trial;
    event_line();
    emit("mprotect %d 0x%" PRIx64 " %" PRIu64 "p %s", pid, s * P, e - s, prot_str(prot));
    return 1;
}

static bool has_heap_running(int pid)
{
    return is_running(pid) && space_of(pid)->has_heap;
}

static int gen_brk(void)
{
    int pid = pick_pid(has_heap_running);
    if (!pid)
        return 0;
    struct aspace *as = space_of(pid);
    uint64_t old = as->brk, nb;
    uint64_t top = as->heap_start + MAXHEAP * P;
    if (top > user_pages * P)
        top = user_pages * P;
    switch (below(3)) {
    case 0: /* grow */
        nb = old + (chance(70) ? small_count(8) * P : between(1, 3 * P));
        break;
    case 1: /* shrink */
        if (old == as->heap_start)
            return 0;
        nb = old - (chance(60) ? small_count(8) * P : between(1, 3 * P));
        if (nb > old || nb < as->heap_start)
            nb = as->heap_start;
        break;
    default: /* set */
        nb = between(as->heap_start, top);
        break;
    }
    if (nb > top || nb == old)
        return 0;
    uint64_t old_end = (old + P - 1) / P, new_end = (nb + P - 1) / P;
    struct aspace trial = *as;
    if (new_end > old_end) {
        if (!range_free(as, old_end, new_end))
            return 0;
        if (!fits(new_end - old_end + tables_for(old_end, new_end)))
            return 0;
        int i = old_end > 0 ? vma_find(&trial, old_end - 1) : -1;
        struct vma *v = i >= 0 ? &trial.vmas[i] : NULL;
        if (v && v->end == old_end && v->prot == (PR_R | PR_W) && !v->shared && v->backing == B_ANON &&
            v->start * P >= as->heap_start) {
            v->end = new_end;
        } else {
            struct vma nv;
            memset(&nv, 0, sizeof nv);
            nv.start = old_end, nv.end = new_end, nv.prot = PR_R | PR_W, nv.backing = B_ANON;
            vma_insert(&trial, &nv);
        }
    } else if (new_end < old_end) {
        unmap_range(&trial, new_end, old_end);
    }
    if (trial.nvmas > MAXVMAS)
        return 0;
    *as = trial;
    as->brk = nb;
    event_line();
    if (chance(40) || (nb > old && chance(50)))
        emit("brk %d 0x%" PRIx64, pid, nb);
    else if (nb > old)
        emit("brk %d +%" PRIu64, pid, nb - old);
    else
        emit("brk %d -%" PRIu64, pid, old - nb);
    return 1;
}

/* an access page for pid: valid, or (segv profile) anywhere */
static bool pick_access(int pid, bool write, uint64_t *page)
{
    const struct aspace *as = space_of(pid);
    if (segv_percent && chance(segv_percent)) {
        uint64_t zend;
        *page = chance(10) ? user_pages + below(4) : pick_zone_page(&zend);
        return true;
    }
    int i = pick_vma_for(as, write);
    if (i < 0)
        return false;
    *page = between(as->vmas[i].start, as->vmas[i].end - 1);
    return true;
}

static void kill_segv(int pid)
{
    terminate(pid, 139, true);
}

static uint64_t pick_value(void)
{
    switch (below(3)) {
    case 0: return between(1, 1000);
    case 1: return rng();
    default: return 0; /* none written: the line number */
    }
}

static int gen_read(void)
{
    int pid = pick_pid(is_running);
    uint64_t page;
    if (!pid || !pick_access(pid, false, &page))
        return 0;
    uint64_t addr = page >= user_pages ? page * P : addr_in(page);
    bool dies = access_segv(space_of(pid), page, false);
    event_line();
    n_reads++;
    emit("read %d 0x%" PRIx64, pid, addr);
    if (dies)
        kill_segv(pid);
    else
        expect_value_probe(pid, addr);
    return 1;
}

static int gen_write(void)
{
    int pid = pick_pid(is_running);
    uint64_t page;
    if (!pid || !pick_access(pid, true, &page))
        return 0;
    uint64_t addr = page >= user_pages ? page * P : addr_in(page);
    bool dies = access_segv(space_of(pid), page, true);
    uint64_t v = pick_value();
    event_line();
    n_writes++;
    if (v) {
        emit("write %d 0x%" PRIx64 " %s%" PRIx64, pid, addr, "0x", v);
    } else {
        v = line_no + 1;
        emit("write %d 0x%" PRIx64, pid, addr);
    }
    if (dies)
        kill_segv(pid);
    else if (opt_expect)
        emit("expect page %d 0x%" PRIx64 " value == %" PRIu64 " # known", pid, addr, v);
    return 1;
}

static int gen_touch(void)
{
    int pid = pick_pid(is_running);
    bool write = chance(45);
    uint64_t first;
    if (!pid || !pick_access(pid, write, &first))
        return 0;
    const struct aspace *as = space_of(pid);
    if (first >= user_pages)
        first = user_pages - 1;
    uint64_t n = small_count(MAXTOUCH);
    if (first + n > user_pages)
        n = user_pages - first;
    /* without segv, stop before the first page that would kill */
    uint64_t ok = 0;
    while (ok < n && !access_segv(as, first + ok, write))
        ok++;
    if (!segv_percent) {
        if (ok == 0)
            return 0;
        n = ok;
    }
    uint64_t off1 = chance(50) ? 0 : below(P);
    uint64_t addr = first * P + off1;
    uint64_t last_off = n == 1 ? between(off1, P - 1) : below(P);
    uint64_t len = (first + n - 1) * P + last_off + 1 - addr;
    if (chance(3))
        len = 0, n = 0;
    uint64_t v = write ? pick_value() : 0;
    uint64_t accessed = ok < n ? ok + 1 : n; /* stops at the kill */
    event_line();
    if (write)
        n_writes += accessed;
    else
        n_reads += accessed;
    char lenbuf[32];
    if (len % P == 0 && len && chance(50))
        snprintf(lenbuf, sizeof lenbuf, "%" PRIu64 "p", len / P);
    else
        snprintf(lenbuf, sizeof lenbuf, "0x%" PRIx64, len);
    if (!write)
        emit("touch %d 0x%" PRIx64 " %s r", pid, addr, lenbuf);
    else if (v)
        emit("touch %d 0x%" PRIx64 " %s w 0x%" PRIx64, pid, addr, lenbuf, v);
    else {
        v = line_no + 1;
        emit("touch %d 0x%" PRIx64 " %s w", pid, addr, lenbuf);
    }
    if (ok < n) {
        kill_segv(pid);
        return 1;
    }
    if (!opt_expect)
        return 1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t a = (first + i) * P;
        if (write)
            emit("expect page %d 0x%" PRIx64 " value == %" PRIu64 " # known", pid, a, v);
        else
            expect_value_probe(pid, a);
    }
    return 1;
}

/* an event of a lost process (killed, or the lost child of a skipped fork):
 * skipped by vmsim with a warning */
static int gen_lost_event(void)
{
    int pid = pick_pid(is_lost_actor);
    if (!pid)
        return 0;
    event_line();
    n_skipped++;
    switch (below(6)) {
    case 0:
        emit("read %d 0x%" PRIx64, pid, text_page * P);
        break;
    case 1:
        emit("write %d 0x%" PRIx64 " 5", pid, text_page * P);
        break;
    case 2:
        emit("exit %d", pid);
        break;
    case 3:
        emit("mmap %d 0x%" PRIx64 " 1p rw- private", pid, text_page * P);
        break;
    case 4: {
        /* wait for a lost pid that is gone: skipped, whoever waits */
        int waiter = pick_pid(is_running);
        if (procs[pid].state != S_FREE || !waiter) {
            emit("exec %d sh", pid);
            break;
        }
        emit("wait %d %d", waiter, pid);
        break;
    }
    default: {
        int child = pick_pid(is_free);
        if (!child) {
            emit("exec %d sh", pid);
            break;
        }
        procs[child].lost = true; /* the child of a skipped fork is lost */
        emit("fork %d %d", pid, child);
        break;
    }
    }
    return 1;
}

/* ---- the profiles -------------------------------------------------------- */

enum ev { E_SPAWN, E_FORK, E_VFORK, E_EXEC, E_EXIT, E_WAIT, E_MMAP, E_MUNMAP, E_MPROTECT, E_BRK,
          E_READ, E_WRITE, E_TOUCH, E_LOST, E_N };

struct profile {
    const char *name;
    struct arch arch;
    unsigned weight[E_N];
    unsigned segv_percent;
};

#define X86 {"x86_64", 48, 12, 4, 9}
#define MIXED_W {3, 6, 3, 4, 5, 5, 10, 5, 5, 5, 15, 15, 10, 0}

static const struct profile profiles[] = {
    {"mixed", X86, MIXED_W, 0},
    {"tiny", {"tiny", 16, 8, 2, 4}, MIXED_W, 0},
    {"sv39", {"sv39", 39, 12, 3, 9}, MIXED_W, 0},
    {"i386", {"i386", 32, 12, 2, 10}, MIXED_W, 0},
    {"deep", {"va=20,page=256,levels=3", 20, 8, 3, 4}, MIXED_W, 0},
    {"flat", {"va=16,page=256,levels=1", 16, 8, 1, 8}, MIXED_W, 0},
    {"forky", X86, {5, 14, 8, 8, 12, 12, 4, 2, 2, 3, 10, 10, 5, 0}, 0},
    {"segv", X86, {3, 6, 3, 4, 5, 5, 10, 5, 5, 5, 15, 15, 10, 4}, 8},
    {"files", X86, {2, 6, 2, 3, 4, 4, 20, 6, 6, 2, 15, 15, 10, 0}, 0},
};

static int gen_event(enum ev e)
{
    switch (e) {
    case E_SPAWN: return gen_spawn();
    case E_FORK: return gen_fork(false);
    case E_VFORK: return gen_fork(true);
    case E_EXEC: return gen_exec();
    case E_EXIT: return gen_exit();
    case E_WAIT: return gen_wait();
    case E_MMAP: return gen_mmap();
    case E_MUNMAP: return gen_munmap();
    case E_MPROTECT: return gen_mprotect();
    case E_BRK: return gen_brk();
    case E_READ: return gen_read();
    case E_WRITE: return gen_write();
    case E_TOUCH: return gen_touch();
    default: return gen_lost_event();
    }
}

static int usage(void)
{
    fputs("usage: tracegen [-e] [-b FRAMES] SEED [EVENTS] [PROFILE]\n"
          "profiles: mixed tiny sv39 i386 deep flat forky segv files\n",
          stderr);
    return 2;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-e")) {
            opt_expect = true;
        } else if (!strcmp(argv[i], "-b") && i + 1 < argc) {
            if (parse_u64(argv[++i], &budget))
                return usage();
        } else {
            return usage();
        }
    }
    if (argc - i < 1 || argc - i > 3)
        return usage();
    uint64_t seed, events = 300;
    if (parse_u64(argv[i], &seed) || (argc - i >= 2 && parse_u64(argv[i + 1], &events)))
        return usage();
    const char *pname = argc - i >= 3 ? argv[i + 2] : "mixed";
    const struct profile *prof = NULL;
    for (size_t k = 0; k < sizeof profiles / sizeof profiles[0]; k++)
        if (!strcmp(profiles[k].name, pname))
            prof = &profiles[k];
    if (!prof)
        return usage();

    /* the profile's name goes into the seed: profiles that differ only in
     * the arch still make different traces */
    rng_state = seed ^ UINT64_C(0x5eed0f7e57ace5ed);
    for (const char *c = prof->name; *c; c++)
        rng_state = (rng_state ^ (unsigned char)*c) * UINT64_C(0x100000001b3);
    probe_state = rng_state ^ UINT64_C(0x9b05688c2b3e6c1f);
    A = prof->arch;
    P = UINT64_C(1) << A.page_shift;
    user_pages = (A.va_bits >= 32 ? UINT64_C(1) << (A.va_bits - 1) : UINT64_C(1) << A.va_bits) / P;
    text_page = A.va_bits >= 32 ? UINT64_C(0x400000) / P : 1;
    segv_percent = prof->segv_percent;
    for (int p = 0; p <= MAXPID; p++)
        procs[p].as = -1;

    emit("# tracegen %" PRIu64 " %" PRIu64 " %s%s", seed, events, prof->name, opt_expect ? " (-e)" : "");
    emit("# flags: --arch %s", A.name);
    declare_programs();
    if (chance(80)) {
        gen_spawn(); /* most often process 1, with a program */
    }

    unsigned total = 0;
    for (int e = 0; e < E_N; e++)
        total += prof->weight[e];
    unsigned long misses = 0;
    for (uint64_t n = 0; n < events;) {
        if (++misses > 1000000) {
            fprintf(stderr, "tracegen: no event fits a budget of %" PRIu64 " frames\n", budget);
            return 2;
        }
        if (live_count() == 0 || (live_count() < 2 && chance(10))) {
            if (gen_spawn()) {
                n++, misses = 0;
                known_probes();
                continue;
            }
        }
        uint64_t r = below(total);
        int e = 0;
        while (r >= prof->weight[e])
            r -= prof->weight[e++];
        if (!gen_event((enum ev)e))
            continue; /* not possible now: draw again */
        n++, misses = 0;
        known_probes();
        if (chance(2))
            emit("show pstree");
        else if (chance(2)) {
            int pid = (int)between(1, MAXPID);
            if (is_shown(pid)) /* a pid no process has is an error */
                emit("show vmas %d", pid);
        } else if (chance(2)) {
            int pid = (int)between(1, MAXPID);
            if (is_shown(pid))
                emit("show pages %d", pid);
        }
        else if (chance(1)) {
            emit("mark m%" PRIu64, n);
        }
    }
    return 0;
}
