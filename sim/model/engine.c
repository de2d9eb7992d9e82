/* engine.c -- one event at a time (see engine.h). */
#include "vmsim/engine.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vmsim/aspace.h"
#include "vmsim/exclusive.h"
#include "vmsim/fault.h"
#include "vmsim/policy_opt.h"
#include "vmsim/pressure.h"
#include "vmsim/proc.h"
#include "vmsim/util.h"

/* ---- the machine's life ---------------------------------------------------- */

static uint32_t take_frame_hook(void *ctx, enum frame_kind kind) { return vm_take_frame(ctx, kind); }

/* table_over: would n more tables take the model past --max-memory? A
 * long touch makes many tables in one event, so the bound is asked before
 * each table too, not only after each event (vm_check_limits). A fork asks
 * for all its tables before it begins (aspace_fork), and then makes them
 * unasked: it cannot stop half done. */
static bool table_over(void *ctx, uint64_t n)
{
    const struct vm *vm = ctx;
    uint64_t max = vm->cfg.lim.max_memory;
    return max && !vm->in_fork && vm_model_bytes(vm) + n * pt_table_bytes(vm->arch) > max;
}

static void table_limit_hook(void *ctx)
{
    struct vm *vm = ctx;
    uint64_t max = vm->cfg.lim.max_memory;
    if (table_over(vm, 1))
        vm_error(vm, "the simulation needs more than %" PRIu64 " %s of memory (--max-memory)", max,
                 vm_plural(max, "byte", "bytes"));
    else
        vm_error(vm, "more than %" PRIu64 " page tables, the most a run holds", vm->pts.max_tables);
}

/* ---- opt's view of the machine ----------------------------------------------------- */

struct opt_mappers {
    void (*fn)(void *arg, uint32_t pid, uint64_t page);
    void *arg;
    unsigned page_shift;
};

static int each_mapper(void *ctx, const struct rmap_entry *e)
{
    struct opt_mappers *m = ctx;
    uint64_t page = e->leaf->base >> m->page_shift | e->i;
    for (uint32_t k = 0; k < e->leaf->share; k++) {
        const struct aspace *as = pt_leaf_owner(e->leaf, k)->owner;
        for (uint32_t j = 0; j < as->npids; j++)
            m->fn(m->arg, as->pids[j], page);
    }
    return 0;
}

static void opt_for_each_mapper(void *ctx, uint32_t f, void (*fn)(void *arg, uint32_t pid, uint64_t page), void *arg)
{
    struct vm *vm = ctx;
    struct opt_mappers m = {fn, arg, vm->arch->page_shift};
    rmap_for_each(&vm->rmap, f, each_mapper, &m);
}

static uint32_t opt_frame_of(void *ctx, uint32_t pid, uint64_t page)
{
    struct vm *vm = ctx;
    struct proc *p = proc_find(vm, pid);
    if (!p || !p->as || page > (UINT64_MAX >> vm->arch->page_shift))
        return FRAME_NONE;
    uint64_t e = pt_lookup(&vm->pts, &p->as->pt, page << vm->arch->page_shift);
    return (e & PTE_P) && pte_frame(e) != vm->ft.n ? pte_frame(e) : FRAME_NONE;
}

/* opt_marks: the write path's changes whose frames' mappers changed */
static void opt_marks(void *ctx, const struct pt_change *c)
{
    struct vm *vm = ctx;
    struct policy_opt *o = vm->pol.opt;
    const struct pt *leaf = c->leaf;
    unsigned n = 1u << vm->arch->level_bits;
    switch (c->kind) {
    case PTC_FILL:
    case PTC_SWAP_IN:
    case PTC_CLEAR:
    case PTC_SWAP_OUT:
    case PTC_REPLACE:
        if (c->old & PTE_P)
            policy_opt_mark(o, pte_frame(c->old));
        if (c->new & PTE_P)
            policy_opt_mark(o, pte_frame(c->new));
        break;
    case PTC_FORK:
        for (unsigned k = c->i; k < c->end; k++)
            if (leaf->e[k] & PTE_P)
                policy_opt_mark(o, pte_frame(leaf->e[k]));
        break;
    case PTC_LEAF_SHARED:
    case PTC_LEAF_LEFT:
    case PTC_LEAF_GONE:
        for (unsigned k = 0; k < n; k++)
            if (leaf->e[k] & PTE_P)
                policy_opt_mark(o, pte_frame(leaf->e[k]));
        break;
    default:
        break;
    }
}

static void swapped_gone(void *ctx, uint32_t slot) { swap_put(ctx, slot); }

/* replacement_new: swap and the policy, hooked to the frames, page cache
 * and write path. -1 when memory is short. */
static int replacement_new(struct vm *vm)
{
    const struct vm_config *cfg = &vm->cfg;
    if (swap_init(&vm->swap, cfg->replace ? cfg->swap_slots : 0, cfg->frames, &vm->pts))
        return -1;
    if (!cfg->replace)
        return 0;
    if (policy_init(&vm->pol, cfg->policy, &vm->ft, cfg->seed))
        return -1;
    vm_pressure_attach(vm);
    vm->ft.on_free = vm_frame_freed;
    vm->ft.on_free_ctx = vm;
    vm->pc.on_swapped_gone = swapped_gone;
    vm->pc.on_swapped_gone_ctx = &vm->swap;
    if (vm->pol.opt) {
        struct opt_world w = {opt_for_each_mapper, opt_frame_of, vm};
        policy_opt_attach(vm->pol.opt, NULL, &w);
        pt_hook_add(&vm->pts, opt_marks, vm);
    }
    return 0;
}

void vm_set_future(struct vm *vm, struct future *fu)
{
    future_free(vm->future);
    vm->future = fu;
    if (vm->pol.opt) {
        struct opt_world w = {opt_for_each_mapper, opt_frame_of, vm};
        policy_opt_attach(vm->pol.opt, fu, &w);
    }
}

struct vm *vm_new(const struct vm_config *cfg)
{
    struct vm *vm = calloc(1, sizeof *vm);
    if (!vm)
        return NULL;
    vm->cfg = *cfg;
    vm->arch = &vm->cfg.arch;
    if (frames_init(&vm->ft, cfg->frames)) {
        free(vm);
        return NULL;
    }
    vm->pts.arch = vm->arch;
    vm->pts.ft = &vm->ft;
    vm->pts.pt_frames = cfg->pt_frames;
    vm->pts.take_frame = take_frame_hook;
    vm->pts.on_limit = table_limit_hook;
    vm->pts.over = table_over;
    vm->pts.ctx = vm;
    rmap_init(&vm->rmap, &vm->pts);
    exclusive_init(vm);
    vm->pts.max_tables = rmap_max_tables(&vm->rmap); /* entry numbers fit in 32 bits */
    pagecache_init(&vm->pc, &vm->ft);
    if (replacement_new(vm) || tlb_init(&vm->tlb, vm)) {
        vm_free(vm);
        return NULL;
    }
    return vm;
}

void vm_free(struct vm *vm)
{
    if (!vm)
        return;
    vm->ft.on_free = NULL; /* nobody follows the machine's end */
    vm->pc.on_swapped_gone = NULL;
    vm->nobs = 0;
    vm->wants = 0;
    pt_store_dying(&vm->pts); /* the tables go whole, with the slab */
    proc_free_all(vm);
    swap_destroy(&vm->swap);
    policy_destroy(&vm->pol);
    tlb_destroy(&vm->tlb);
    future_free(vm->future);
    rmap_destroy(&vm->rmap);
    pt_store_destroy(&vm->pts);
    pagecache_destroy(&vm->pc);
    struct program *pr, *tmp;
    HASH_ITER(hh, vm->programs, pr, tmp)
    {
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
        HASH_DEL(vm->programs, pr);
        free(pr->name);
        free(pr);
    }
    frames_destroy(&vm->ft);
    free(vm->forks);
    free(vm);
}

uint64_t vm_model_bytes(const struct vm *vm)
{
    /* the frames' records are touched up to the highest frame used, and
     * frames are taken lowest first: the most ever in use at once */
    uint64_t frames = vm->ft.used > vm->c.frames_peak ? vm->ft.used : vm->c.frames_peak;
    return frames * (sizeof(struct frame) + sizeof *vm->ft.ref + policy_frame_bytes(&vm->pol)) +
           vm->pts.tables * pt_table_bytes(vm->arch) + vm->nvmas * sizeof(struct vma) + vm->program_bytes + vm->zheap_bytes +
           (vm->nprocs + HASH_COUNT(vm->lost)) * sizeof(struct proc) +
           vm->pc.npages * sizeof(struct cache_page) + vm->pc.nstore * sizeof(struct fstore_val) +
           vm->pc.heap_cap * sizeof(struct reclaim_item) + vm->capforks * sizeof(struct fork_cost) +
           vm->swap.peak * sizeof *vm->swap.slot +
           rmap_bytes(&vm->rmap) + (vm->future ? future_bytes(vm->future) : 0);
}

/* ---- programs ------------------------------------------------------------ */

static const uint64_t default_pages[SEG_COUNT] = {4, 2, 2, 0, 4};

/* fits: the image from text_base up does not reach the stack */
static bool program_fits(const struct arch *a, const uint64_t *seg)
{
    uint64_t at = a->text_base;
    for (int s = SEG_TEXT; s <= SEG_HEAP; s++) {
        if (at + seg[s] < at)
            return false;
        at += seg[s];
    }
    return seg[SEG_STACK] <= a->user_top && at <= a->user_top - seg[SEG_STACK];
}

static struct program *find_program(struct vm *vm, const char *name, size_t len)
{
    struct program *pr;
    HASH_FIND(hh, vm->programs, name, len, pr);
    return pr;
}

static struct program *add_program(struct vm *vm, const char *name, size_t len, const uint64_t *seg, uint64_t line)
{
    struct program *pr = vm_xcalloc(1, sizeof *pr);
    pr->name = vm_xstrndup(name, len);
    memcpy(pr->seg, seg, sizeof pr->seg);
    pr->line = line;
    HASH_ADD_KEYPTR(hh, vm->programs, pr->name, len, pr);
    vm->program_bytes += sizeof *pr + len + 1;
    return pr;
}

int vm_declare_program(struct vm *vm, const struct ev *ev)
{
    vm->stop = STOP_NONE;
    struct program *pr = find_program(vm, ev->name.s, ev->name.len);
    if (pr && pr->line)
        return vm_error(vm, "program '%.*s' is declared twice (first at line %" PRIu64 ")", (int)ev->name.len,
                        ev->name.s, pr->line);
    if (pr)
        return vm_error(vm, "program '%.*s' is declared after its first use (it ran with the default sizes)",
                        (int)ev->name.len, ev->name.s);
    if (!program_fits(vm->arch, ev->seg))
        return vm_error(vm, "program '%.*s' does not fit: its layout reaches the stack", (int)ev->name.len,
                        ev->name.s);
    add_program(vm, ev->name.s, ev->name.len, ev->seg, ev->line);
    return vm_check_limits(vm); /* declarations take memory too */
}

const struct program *vm_program(struct vm *vm, const char *name, size_t len)
{
    struct program *pr = find_program(vm, name, len);
    if (pr)
        return pr;
    uint64_t seg[SEG_COUNT];
    for (int s = 0; s < SEG_COUNT; s++)
        seg[s] = default_pages[s] * vm->arch->page_size;
    if (!program_fits(vm->arch, seg)) {
        vm_error(vm, "program '%.*s' does not fit: its default layout reaches the stack", (int)len, name);
        return NULL;
    }
    return add_program(vm, name, len, seg, 0);
}

/* ---- actors ---------------------------------------------------------------- */

/* actor: the running process pid names, or NULL: EV_SKIPPED (lost) or
 * EV_ERROR in *res. */
static struct proc *actor(struct vm *vm, uint32_t pid, enum ev_result *res)
{
    struct proc *p = proc_find(vm, pid);
    if (!p) {
        if (proc_pid_lost(vm, pid)) {
            snprintf(vm->err, sizeof vm->err, "process %" PRIu32 " is lost (killed, or its fork failed)", pid);
            *res = EV_SKIPPED;
        } else {
            /* the usual surprise: a process without a parent is reaped as it exits */
            vm_error(vm, "no process %" PRIu32 " (never created, or reaped: by a wait, or as it exited without a parent)",
                     pid);
            *res = EV_ERROR;
        }
        return NULL;
    }
    if (p->state == PS_ZOMBIE) {
        if (p->killed) {
            snprintf(vm->err, sizeof vm->err, "process %" PRIu32 " was killed (status %d)", pid, p->exit_status);
            *res = EV_SKIPPED;
        } else {
            vm_error(vm, "process %" PRIu32 " has exited (a zombie)", pid);
            *res = EV_ERROR;
        }
        return NULL;
    }
    if (p->state == PS_SUSPENDED) {
        vm_error(vm, "process %" PRIu32 " is suspended until its vfork child %" PRIu32 " execs or exits", pid,
                 p->vfork_child);
        *res = EV_ERROR;
        return NULL;
    }
    return p;
}

static int check_new_pid(struct vm *vm, uint32_t pid)
{
    struct proc *p = proc_find(vm, pid);
    if (p)
        return vm_error(vm, "pid %" PRIu32 " is in use (%s)", pid, proc_state_names[p->state]);
    if (vm->cfg.lim.max_procs && vm->nprocs >= vm->cfg.lim.max_procs)
        return vm_error(vm, "too many processes (limit %" PRIu64 ", --max-procs)", vm->cfg.lim.max_procs);
    return 0;
}

/* ---- process events -------------------------------------------------------- */

static int ev_spawn(struct vm *vm, const struct ev *ev)
{
    if (check_new_pid(vm, ev->pid))
        return -1;
    const struct program *prog = NULL;
    if (ev->name.len && !(prog = vm_program(vm, ev->name.s, ev->name.len)))
        return -1;
    if (prog && aspace_image_fits(vm, prog))
        return -1;
    struct aspace *as = aspace_new(vm);
    if (!as)
        return -1; /* no frame for its root, nothing to kill */
    if (prog)
        aspace_load_image(vm, as, prog);
    proc_new(vm, ev->pid, 0, as, prog);
    return 0;
}

static int ev_fork(struct vm *vm, struct proc *parent, const struct ev *ev)
{
    if (check_new_pid(vm, ev->pid2))
        return -1;
    struct fact f = {.kind = FACT_FORK, .pid = parent->pid, .pid2 = ev->pid2};
    struct aspace *as = aspace_fork(vm, parent->as, &f.u.fork);
    if (!as && vm->stop == STOP_ERROR)
        return -1; /* past a limit of the run, not the machine's */
    if (!as) {
        vm->c.fork_failed++;
        proc_mark_lost(vm, ev->pid2);
        if (vm_wants(vm, FACT_FORK_FAILED)) {
            f.kind = FACT_FORK_FAILED;
            vm_tell(vm, &f);
        }
        return 0;
    }
    proc_new(vm, ev->pid2, parent->pid, as, parent->program);
    if (vm_wants(vm, FACT_FORK))
        vm_tell(vm, &f);
    return 0;
}

static int ev_vfork(struct vm *vm, struct proc *parent, const struct ev *ev)
{
    if (check_new_pid(vm, ev->pid2))
        return -1;
    aspace_hold(parent->as);
    struct proc *c = proc_new(vm, ev->pid2, parent->pid, parent->as, parent->program);
    c->vfork_parent = parent->pid;
    parent->state = PS_SUSPENDED;
    parent->vfork_child = c->pid;
    if (vm_wants(vm, FACT_SUSPEND)) {
        struct fact f = {.kind = FACT_SUSPEND, .pid = parent->pid, .pid2 = c->pid};
        vm_tell(vm, &f);
    }
    return 0;
}

static int ev_exec(struct vm *vm, struct proc *p, const struct ev *ev)
{
    const struct program *prog = vm_program(vm, ev->name.s, ev->name.len);
    if (!prog || aspace_image_fits(vm, prog))
        return -1;
    proc_leave_as(vm, p);
    vm->actor = p;
    struct aspace *as = aspace_new(vm);
    if (!as)
        return vm->stop == STOP_ERROR ? -1 : 0;
    aspace_load_image(vm, as, prog);
    p->as = as;
    aspace_add_pid(as, p->pid);
    p->program = prog;
    if (vm_wants(vm, FACT_EXEC)) {
        struct fact f = {.kind = FACT_EXEC, .pid = p->pid, .u.program = prog};
        vm_tell(vm, &f);
    }
    return 0;
}

static int ev_wait(struct vm *vm, struct proc *p, const struct ev *ev, enum ev_result *res)
{
    struct proc *c = NULL;
    if (ev->pid2) {
        c = proc_find(vm, ev->pid2);
        if (!c) {
            if (proc_pid_lost(vm, ev->pid2)) {
                snprintf(vm->err, sizeof vm->err, "wait names lost process %" PRIu32, ev->pid2);
                *res = EV_SKIPPED;
                return 0;
            }
            return vm_error(vm, "wait: no process %" PRIu32, ev->pid2);
        }
        if (c->ppid != p->pid)
            return vm_error(vm, "wait: process %" PRIu32 " is not a child of %" PRIu32, c->pid, p->pid);
        if (c->state != PS_ZOMBIE)
            return vm_error(vm, "wait would block: child %" PRIu32 " is %s", c->pid, proc_state_names[c->state]);
    } else {
        c = proc_first_zombie(vm, p);
        if (!c)
            return vm_error(vm, p->children ? "wait would block: no child of %" PRIu32 " has exited"
                                            : "wait: process %" PRIu32 " has no children",
                            p->pid);
    }
    proc_reap(vm, c, p->pid);
    return 0;
}

/* ev_subreaper: p becomes a child subreaper (Linux's PR_SET_CHILD_SUBREAPER):
 * orphans below it come to it when their parent exits (proc_exit) */
static void ev_subreaper(struct vm *vm, struct proc *p)
{
    p->subreaper = true;
    if (vm_wants(vm, FACT_SUBREAPER)) {
        struct fact f = {.kind = FACT_SUBREAPER, .pid = p->pid};
        vm_tell(vm, &f);
    }
}

/* ---- memory events ------------------------------------------------------ */

static int ev_brk(struct vm *vm, struct proc *p, const struct ev *ev)
{
    struct aspace *as = p->as;
    if (!as->has_image)
        return vm_error(vm, "process %" PRIu32 " has no heap (no program image)", p->pid);
    uint64_t nb;
    switch (ev->brk) {
    case BRK_GROW:
        nb = as->brk + ev->len;
        if (nb < as->brk)
            return vm_error(vm, "the break would wrap around");
        break;
    case BRK_SHRINK:
        if (ev->len > as->brk - as->heap_start)
            return vm_error(vm, "the break cannot go below the heap start 0x%" PRIx64 " (asked 0x%" PRIx64
                                " less 0x%" PRIx64 ")",
                            as->heap_start, as->brk, ev->len);
        nb = as->brk - ev->len;
        break;
    default:
        nb = ev->addr;
        break;
    }
    uint64_t old = as->brk;
    vm->actor = p;
    aspace_hold(as);
    int r = aspace_brk(vm, as, nb);
    aspace_release(vm, as, NULL);
    if (!r && vm_wants(vm, FACT_BRK)) {
        struct fact f = {.kind = FACT_BRK, .pid = p->pid, .u.brk = {old, nb}};
        vm_tell(vm, &f);
    }
    return r && vm->stop == STOP_ERROR ? -1 : 0;
}

/* evicts_next: replacement is on and no frame is free, so the next fault
 * evicts a page: only then are the victims worth loading ahead. */
static inline bool evicts_next(const struct vm *vm) { return vm_replacing(vm) && vm->ft.used == vm->ft.n; }

static void prefetch_victim_records(const struct vm *vm); /* "looking ahead" below */
static void prefetch_victim_targets(struct vm *vm);

/* ev_touch: every page of the range in rising order, one access each; it
 * stops at the first access that kills its process. When memory is full
 * each page evicts one: the victims a few pages ahead are loaded into the
 * host's cache first, as the run loop does for the lines ahead (a touch
 * is one line, of any length). */
static int ev_touch(struct vm *vm, struct proc *p, const struct ev *ev)
{
    if (!ev->len)
        return 0;
    const struct arch *a = vm->arch;
    uint64_t first = arch_page_down(a, ev->addr), last = arch_page_down(a, ev->addr + ev->len - 1);
    for (uint64_t va = first;; va += a->page_size) {
        if (evicts_next(vm) && vm_prefetch_pays(vm)) {
            prefetch_victim_records(vm);
            prefetch_victim_targets(vm);
        }
        if (vm->cfg.lim.max_accesses && vm->c.reads + vm->c.writes >= vm->cfg.lim.max_accesses)
            return vm_error(vm, "more than %" PRIu64 " accesses (--max-accesses)", vm->cfg.lim.max_accesses);
        enum access_result r = vm_access(vm, p, va == first ? ev->addr : va, ev->write, ev->value);
        if (r == ACCESS_ERROR)
            return -1;
        if (r == ACCESS_KILLED || va == last)
            return 0;
    }
}

static int ev_access(struct vm *vm, struct proc *p, const struct ev *ev)
{
    if (vm->cfg.lim.max_accesses && vm->c.reads + vm->c.writes >= vm->cfg.lim.max_accesses)
        return vm_error(vm, "more than %" PRIu64 " accesses (--max-accesses)", vm->cfg.lim.max_accesses);
    return vm_access(vm, p, ev->addr, ev->op == EV_WRITE, ev->value) == ACCESS_ERROR ? -1 : 0;
}

static int ev_memory(struct vm *vm, struct proc *p, const struct ev *ev)
{
    struct aspace *as = p->as;
    uint32_t obj = 0;
    uint64_t end = ev->addr + ev->len;
    int r;
    vm->actor = p;
    aspace_hold(as);
    switch (ev->op) {
    case EV_MMAP:
        if (ev->has_file)
            obj = mobj_file(&vm->pc, ev->name.s, ev->name.len);
        else if (ev->shared)
            obj = ASPACE_SHM_NEW;
        r = aspace_mmap(vm, as, ev->addr, ev->len, ev->prot, ev->shared, obj, ev->offset);
        break;
    case EV_MUNMAP:
        r = aspace_munmap(vm, as, ev->addr, end);
        break;
    default:
        r = aspace_mprotect(vm, as, ev->addr, end, ev->prot);
        break;
    }
    aspace_release(vm, as, NULL);
    if (!r && vm_wants(vm, FACT_MAP)) {
        struct fact f = {.kind = FACT_MAP, .pid = p->pid, .va = ev->addr, .u.map = {ev->len}};
        vm_tell(vm, &f);
    }
    return r && vm->stop == STOP_ERROR ? -1 : 0;
}

/* ---- cost ------------------------------------------------------------------- */

/* note_fork: a fork that succeeded, and its simulated latency */
static void note_fork(struct vm *vm, const struct ev *ev, const struct cost_units *before)
{
    vm->c.forks_done++;
    if (vm->nforks == vm->capforks) {
        vm->capforks = vm->capforks ? 2 * vm->capforks : 16;
        vm->forks = vm_xrealloc(vm->forks, vm->capforks * sizeof *vm->forks);
    }
    struct fork_cost *f = &vm->forks[vm->nforks++];
    *f = (struct fork_cost){.line = ev->line, .parent = ev->pid, .child = ev->pid2};
    vm_work_done(vm, &f->units);
    for (int k = 0; k < COST_KINDS; k++)
        f->units.n[k] -= before->n[k];
}

/* ---- one event ---------------------------------------------------------- */

static void sample_peaks(struct vm *vm)
{
    if (vm->ft.used > vm->c.frames_peak)
        vm->c.frames_peak = vm->ft.used;
    if (vm->pts.tables > vm->c.pt_pages_peak)
        vm->c.pt_pages_peak = vm->pts.tables;
    if (vm->live > vm->c.peak_live)
        vm->c.peak_live = vm->live;
    swap_note_peak(&vm->swap);
}

int vm_check_limits(struct vm *vm)
{
    uint64_t max = vm->cfg.lim.max_memory;
    if (max && vm_model_bytes(vm) > max)
        return vm_error(vm, "the simulation needs more than %" PRIu64 " %s of memory (--max-memory)", max,
                        vm_plural(max, "byte", "bytes"));
    return 0;
}

static enum ev_result run_event(struct vm *vm, const struct ev *ev);

/* ---- looking ahead ------------------------------------------------------------ */

/* An access that misses in the host's caches waits for memory: the page's
 * leaf entry, then what the entry names (a frame's record, a slot). On a
 * large process those loads are most of an access's time. The run loop
 * reads a few lines ahead and calls vm_prefetch_entry and
 * vm_prefetch_target for them, so that these loads overlap the events
 * before. Nothing here changes the machine (not
 * even proc_find's one-entry cache): the result of a run does not depend
 * on it. */
/* When memory is full, an access that misses evicts: the victims a few
 * misses ahead (policy_peek) have their records loaded first
 * (prefetch_victim_records), then the entry that maps them and the slot
 * they will go to: the one they hold a copy of, counted again, else the
 * lowest free one, written (prefetch_victim_targets). */

/* CLOCK_AHEAD: the candidates after clock's hand whose entries are loaded.
 * The hand may pass over referenced frames (it reads their entries), and
 * it moves about two frames an eviction; 5 measured best (docs/performance.md). */
#define CLOCK_AHEAD 5

static void prefetch_victim_records(const struct vm *vm)
{
    uint32_t f[1];
    if (vm->pol.opt) /* its index of the future, a few accesses ahead */
        policy_opt_prefetch(vm->pol.opt, 8, false);
    /* clock's hand reads records in order, which the host's own
     * prefetcher follows: a guess would only crowd the loads in flight */
    if (vm->pol.kind != POL_CLOCK && policy_peek(&vm->pol, 3, f, 1)) {
        __builtin_prefetch(&vm->ft.fr[f[0]]);
        __builtin_prefetch(&vm->ft.ref[f[0]], 1); /* its eviction drops a reference */
    }
}

static void prefetch_victim_targets(struct vm *vm)
{
    uint32_t f[CLOCK_AHEAD];
    unsigned n;
    if (vm->pol.opt)
        policy_opt_prefetch(vm->pol.opt, 4, true);
    if (vm->pol.kind == POL_CLOCK) {
        /* the candidates after the hand, but those loaded last time that
         * it has not passed yet: only as many new ones as it moved */
        uint32_t hand = vm->pol.hand, nf = vm->pol.n, last = vm->prefetched_hand;
        uint32_t moved = last == 0 || last > nf ? CLOCK_AHEAD : (hand + nf - (last - 1)) % nf;
        unsigned fresh = moved < CLOCK_AHEAD ? moved : CLOCK_AHEAD;
        vm->prefetched_hand = hand + 1;
        n = policy_peek(&vm->pol, 1 + CLOCK_AHEAD - fresh, f, fresh); /* none when the hand has not moved */
    } else { /* opt knows its next victim only (the top of its heap) */
        n = policy_peek(&vm->pol, vm->pol.kind == POL_OPT ? 0 : 1, f, 1);
    }
    uint64_t lowest = vm->swap.n && n ? lowbits_peek(&vm->swap.inuse) : LOWBITS_NONE;
    for (unsigned k = 0; k < n; k++) {
        struct rmap_entry e;
        if (rmap_first(&vm->rmap, f[k], &e)) {
            __builtin_prefetch(&e.leaf->e[e.i], 1);
            if (k == 0)
                __builtin_prefetch(e.leaf, 1); /* its counts change too */
        }
        uint64_t s = vm->swap.n ? swap_copy_of(&vm->swap, f[k]) : SLOT_NONE;
        if (s == SLOT_NONE)
            s = lowest;
        if (s < vm->swap.n)
            __builtin_prefetch(&vm->swap.slot[s], 1);
    }
}

const uint64_t *vm_prefetch_entry(const struct vm *vm, const struct ev *ev)
{
    if (ev->op != EV_READ && ev->op != EV_WRITE)
        return NULL;
    if (evicts_next(vm))
        prefetch_victim_records(vm);
    struct proc *p = vm->last_proc;
    if (!p || p->pid != ev->pid)
        HASH_FIND(hh, vm->procs, &ev->pid, sizeof ev->pid, p);
    if (!p || !p->as || ev->addr >= vm->arch->user_top)
        return NULL;
    const struct pt *leaf = pt_leaf(&vm->pts, &p->as->pt, ev->addr);
    if (!leaf)
        return NULL;
    const uint64_t *e = &leaf->e[pt_leaf_index(&vm->pts, ev->addr)];
    __builtin_prefetch(e);
    __builtin_prefetch(leaf); /* a fault changes its counts */
    return e;
}

void vm_prefetch_target(struct vm *vm, const struct ev *ev, const uint64_t *entry)
{
    if (ev->op != EV_READ && ev->op != EV_WRITE)
        return;
    if (evicts_next(vm))
        prefetch_victim_targets(vm);
    if (!entry)
        return;
    uint64_t v = *entry; /* in the cache by now */
    if ((v & PTE_P) && pte_frame(v) <= vm->ft.n) /* a hit writes the frame's value, or moves it in lru's list */
        __builtin_prefetch(&vm->ft.fr[pte_frame(v)], 1);
    else if (pte_is_swap(v) && pte_slot(v) < vm->swap.n)
        __builtin_prefetch(&vm->swap.slot[pte_slot(v)], 1);
}

void vm_prefetch_use(const struct vm *vm, const struct ev *ev, const uint64_t *entry)
{
    if (!entry || (ev->op != EV_READ && ev->op != EV_WRITE) || !vm_replacing(vm))
        return;
    uint64_t v = *entry;
    if ((v & PTE_P) && pte_frame(v) < vm->ft.n)
        policy_prefetch_use(&vm->pol, pte_frame(v));
}

bool vm_prefetch_pays(const struct vm *vm)
{
    uint64_t bytes = (uint64_t)vm->ft.used * (sizeof(struct frame) + sizeof *vm->ft.ref) + vm->pts.tables * sizeof(struct pt);
    return bytes > VM_PREFETCH_MIN_BYTES;
}

enum ev_result vm_event(struct vm *vm, const struct ev *ev)
{
    /* one operation: its TLB removals count together (an access removes
     * none itself; each eviction it makes is an operation of its own) */
    bool op = ev->op < EV_READ;
    if (op)
        tlb_begin(&vm->tlb);
    enum ev_result r = run_event(vm, ev);
    if (op)
        tlb_end(&vm->tlb);
    if (vm->pol.opt) /* opt's cursor goes past the line's accesses, made or not */
        policy_opt_line_done(vm->pol.opt, ev->line);
    return r;
}

static enum ev_result run_event(struct vm *vm, const struct ev *ev)
{
    vm->stop = STOP_NONE;
    vm->actor = NULL;
    vm->c.events[ev->op]++;
    vm->c.events_total++;
    if (vm->cfg.lim.max_events && vm->c.events_total > vm->cfg.lim.max_events) {
        vm_error(vm, "more than %" PRIu64 " events (--max-events)", vm->cfg.lim.max_events);
        return EV_ERROR;
    }

    enum ev_result res = EV_OK;
    struct proc *p = NULL;
    const enum ev_op op = ev->op; /* read once: the switch below sees the same op as this test */
    if (op != EV_SPAWN) {
        p = actor(vm, ev->pid, &res);
        if (!p) {
            if (res == EV_SKIPPED) {
                vm->c.skipped++;
                /* the child of a skipped fork is lost too */
                if ((ev->op == EV_FORK || ev->op == EV_VFORK) && !proc_find(vm, ev->pid2))
                    proc_mark_lost(vm, ev->pid2);
            }
            sample_peaks(vm);
            return res;
        }
        vm->actor = p;
    }

    int r = 0; /* -1: an error, in vm->err */
    uint64_t created = vm->c.created, hits = vm->c.hits;
    struct cost_units before;
    if (op == EV_FORK)
        vm_work_done(vm, &before);
    switch (op) {
    case EV_SPAWN:
        r = ev_spawn(vm, ev);
        break;
    case EV_FORK:
        r = ev_fork(vm, p, ev);
        break;
    case EV_VFORK:
        r = ev_vfork(vm, p, ev);
        vm->c.vforks_done += !r;
        break;
    case EV_EXEC:
        vm->c.execs_done++;
        r = ev_exec(vm, p, ev);
        break;
    case EV_EXIT:
        proc_exit(vm, p, (int)ev->value, EXIT_NORMAL);
        break;
    case EV_WAIT:
        r = ev_wait(vm, p, ev, &res);
        if (res == EV_SKIPPED)
            vm->c.skipped++;
        break;
    case EV_MMAP:
    case EV_MUNMAP:
    case EV_MPROTECT:
        r = ev_memory(vm, p, ev);
        break;
    case EV_BRK:
        r = ev_brk(vm, p, ev);
        break;
    case EV_READ:
    case EV_WRITE:
        r = ev_access(vm, p, ev);
        break;
    case EV_TOUCH:
        r = ev_touch(vm, p, ev);
        break;
    case EV_SUBREAPER:
        ev_subreaper(vm, p);
        break;
    default:
        VM_ASSERT(!"not an event");
    }
    vm->actor = NULL;
    VM_ASSERT(!r || vm->stop == STOP_ERROR);
    if (vm->stop == STOP_ERROR)
        return EV_ERROR;
    if (op == EV_FORK && vm->c.created != created)
        note_fork(vm, ev, &before);
    sample_peaks(vm);
    /* an access without a fault (a hit) adds nothing to the model */
    bool hit = (op == EV_READ || op == EV_WRITE) && vm->c.hits != hits;
    if (!hit && vm_check_limits(vm))
        return EV_ERROR;
    return res;
}
