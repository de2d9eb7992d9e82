/* proc.c -- the process table and tree: creation, exit and kill, reaping,
 * reparenting, vfork suspension, lost pids (see proc.h). */
#include "vmsim/proc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <utlist.h>

#include "vmsim/aspace.h"
#include "vmsim/policy_opt.h"
#include "vmsim/util.h"

const char *const proc_state_names[4] = {"running", "suspended", "zombie", "gone"};

struct proc *proc_find(const struct vm *vm, uint32_t pid)
{
    struct proc *p = vm->last_proc;
    if (p && p->pid == pid)
        return p;
    HASH_FIND(hh, vm->procs, &pid, sizeof pid, p);
    if (p)
        ((struct vm *)vm)->last_proc = p;
    return p;
}

bool proc_pid_lost(const struct vm *vm, uint32_t pid)
{
    struct lost_pid *l;
    HASH_FIND(hh, vm->lost, &pid, sizeof pid, l);
    return l != NULL;
}

void proc_mark_lost(struct vm *vm, uint32_t pid)
{
    if (proc_pid_lost(vm, pid))
        return;
    struct lost_pid *l = vm_xcalloc(1, sizeof *l);
    l->pid = pid;
    HASH_ADD(hh, vm->lost, pid, sizeof l->pid, l);
}

static void unmark_lost(struct vm *vm, uint32_t pid)
{
    struct lost_pid *l;
    HASH_FIND(hh, vm->lost, &pid, sizeof pid, l);
    if (l) {
        HASH_DEL(vm->lost, l);
        free(l);
    }
}

struct proc *proc_new(struct vm *vm, uint32_t pid, uint32_t ppid, struct aspace *as, const struct program *prog)
{
    VM_ASSERT(!proc_find(vm, pid));
    struct proc *p = vm_xcalloc(1, sizeof *p);
    p->pid = pid;
    p->ppid = ppid;
    p->state = PS_RUNNING;
    p->exit_status = -1;
    p->as = as;
    p->program = prog;
    if (as) {
        aspace_add_pid(as, pid);
        if (as->npids > 1 && vm->pol.opt) /* a vfork child: one more mapper of every page */
            policy_opt_mark_table(vm->pol.opt, &vm->pts, &as->pt);
    }
    HASH_ADD(hh, vm->procs, pid, sizeof p->pid, p);
    if (ppid) {
        struct proc *parent = proc_find(vm, ppid);
        VM_ASSERT(parent);
        DL_APPEND2(parent->children, p, sib_prev, sib_next);
    }
    unmark_lost(vm, pid);
    vm->nprocs++;
    vm->live++;
    vm->c.created++;
    p->serial = vm->c.created;
    if (vm_wants(vm, FACT_PROC_NEW)) {
        struct fact f = {.kind = FACT_PROC_NEW, .pid = pid, .pid2 = ppid, .u.program = prog};
        vm_tell(vm, &f);
    }
    return p;
}

void proc_leave_as(struct vm *vm, struct proc *p)
{
    struct aspace *as = p->as;
    p->as = NULL;
    if (as) {
        aspace_remove_pid(as, p->pid);
        if (as->npids && vm->pol.opt) /* one mapper fewer of every page */
            policy_opt_mark_table(vm->pol.opt, &vm->pts, &as->pt);
        struct fact f = {.kind = FACT_SPACE_LEFT, .pid = p->pid};
        aspace_release(vm, as, &f.u.space);
        if (vm_wants(vm, FACT_SPACE_LEFT))
            vm_tell(vm, &f);
    }
    if (p->vfork_parent) {
        struct proc *parent = proc_find(vm, p->vfork_parent);
        if (parent && parent->state == PS_SUSPENDED && parent->vfork_child == p->pid) {
            parent->state = PS_RUNNING;
            parent->vfork_child = 0;
            if (vm_wants(vm, FACT_RESUME)) {
                struct fact f = {.kind = FACT_RESUME, .pid = parent->pid, .pid2 = p->pid};
                vm_tell(vm, &f);
            }
        }
        p->vfork_parent = 0;
    }
}

/* ---- each parent's zombie children: a min-heap by pid ---------------------------
 * A zombie's parent never changes (exit reparents only the living), so a
 * zombie with a parent enters its parent's heap as it exits and leaves it
 * as it is reaped. A parent's heap is made with its first zombie child and
 * freed with its last, so the heaps hold no more than the zombies. */

struct zombie_heap {
    uint32_t ppid;
    uint32_t n, cap;
    struct proc **v; /* v[i]'s pid is below those of v[2i+1] and v[2i+2] */
    UT_hash_handle hh;
};

static struct zombie_heap *zheap_of(const struct vm *vm, uint32_t ppid)
{
    struct zombie_heap *h;
    HASH_FIND(hh, vm->zheaps, &ppid, sizeof ppid, h);
    return h;
}

/* zheap_put: c is at place i now */
static void zheap_put(struct zombie_heap *h, uint32_t i, struct proc *c)
{
    h->v[i] = c;
    c->zslot = i;
}

/* zheap_sift: the heap order restored around place i, up or down */
static void zheap_sift(struct zombie_heap *h, uint32_t i)
{
    struct proc *c = h->v[i];
    while (i > 0 && h->v[(i - 1) / 2]->pid > c->pid) {
        zheap_put(h, i, h->v[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    for (;;) {
        uint64_t l = 2 * (uint64_t)i + 1, m = l + 1 < h->n && h->v[l + 1]->pid < h->v[l]->pid ? l + 1 : l;
        if (l >= h->n || h->v[m]->pid > c->pid)
            break;
        zheap_put(h, i, h->v[m]);
        i = (uint32_t)m;
    }
    zheap_put(h, i, c);
}

/* zombie_add: zombie c enters its parent's heap */
static void zombie_add(struct vm *vm, struct proc *c)
{
    struct zombie_heap *h = zheap_of(vm, c->ppid);
    if (!h) {
        h = vm_xcalloc(1, sizeof *h);
        h->ppid = c->ppid;
        HASH_ADD(hh, vm->zheaps, ppid, sizeof h->ppid, h);
        vm->zheap_bytes += sizeof *h;
    }
    if (h->n == h->cap) {
        vm->zheap_bytes += (uint64_t)(h->cap ? h->cap : 4) * sizeof *h->v; /* NOLINT(bugprone-sizeof-expression): pointers */
        h->cap = h->cap ? 2 * h->cap : 4;
        h->v = vm_xrealloc(h->v, (size_t)h->cap * sizeof *h->v); /* NOLINT(bugprone-sizeof-expression): pointers */
    }
    zheap_put(h, h->n++, c);
    zheap_sift(h, c->zslot);
}

/* zombie_remove: zombie c leaves its parent's heap (it is being reaped) */
static void zombie_remove(struct vm *vm, struct proc *c)
{
    struct zombie_heap *h = zheap_of(vm, c->ppid);
    VM_ASSERT(h && c->zslot < h->n && h->v[c->zslot] == c);
    struct proc *last = h->v[--h->n];
    if (last != c) {
        zheap_put(h, c->zslot, last);
        zheap_sift(h, last->zslot);
    }
    if (!h->n) {
        HASH_DEL(vm->zheaps, h);
        vm->zheap_bytes -= sizeof *h + (uint64_t)h->cap * sizeof *h->v; /* NOLINT(bugprone-sizeof-expression): pointers */
        free(h->v);
        free(h);
    }
}

struct proc *proc_first_zombie(const struct vm *vm, const struct proc *p)
{
    const struct zombie_heap *h = zheap_of(vm, p->pid);
    return h ? h->v[0] : NULL;
}

/* free_zheaps: every heap goes (end of a run) */
static void free_zheaps(struct vm *vm)
{
    struct zombie_heap *h, *tmp;
    HASH_ITER(hh, vm->zheaps, h, tmp)
    {
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
        HASH_DEL(vm->zheaps, h);
        free(h->v);
        free(h);
    }
    vm->zheap_bytes = 0;
}

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

int proc_check_zombies(const struct vm *vm, char *err, size_t errlen)
{
    uint64_t with_parent = 0, held = 0;
    struct proc *p, *tmp;
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        with_parent += p->state == PS_ZOMBIE && p->ppid;
    }
    struct zombie_heap *h, *htmp;
    HASH_ITER(hh, vm->zheaps, h, htmp)
    {
        if (!h->n)
            return FAIL("process %" PRIu32 " has an empty heap of zombie children", h->ppid);
        for (uint32_t i = 0; i < h->n; i++) {
            const struct proc *c = h->v[i];
            if (c->state != PS_ZOMBIE || c->ppid != h->ppid || c->zslot != i || proc_find(vm, c->pid) != c)
                return FAIL("the heap of zombie children of %" PRIu32 " holds process %" PRIu32 " wrongly", h->ppid,
                            c->pid);
            if (i && h->v[(i - 1) / 2]->pid > c->pid)
                return FAIL("the heap of zombie children of %" PRIu32 " is out of order at %" PRIu32, h->ppid, c->pid);
        }
        held += h->n;
    }
    if (held != with_parent)
        return FAIL("%" PRIu64 " zombies have a parent, %" PRIu64 " are in their parents' heaps", with_parent, held);
    return 0;
}

static void unlink_child(struct vm *vm, struct proc *p)
{
    if (!p->ppid)
        return;
    struct proc *parent = proc_find(vm, p->ppid);
    VM_ASSERT(parent);
    DL_DELETE2(parent->children, p, sib_prev, sib_next);
    zombie_remove(vm, p);
}

void proc_reap(struct vm *vm, struct proc *p, uint32_t by)
{
    VM_ASSERT(p->state == PS_ZOMBIE);
    if (vm_wants(vm, FACT_REAP)) {
        struct fact f = {.kind = FACT_REAP, .pid = p->pid, .pid2 = by, .u.exit = {p->exit_status, EXIT_NORMAL}};
        vm_tell(vm, &f);
    }
    unlink_child(vm, p);
    /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): p is in the table, so it is not empty */
    HASH_DEL(vm->procs, p);
    if (vm->last_proc == p)
        vm->last_proc = NULL;
    if (p->killed)
        proc_mark_lost(vm, p->pid);
    vm->zombies--;
    vm->nprocs--;
    vm->c.reaped++;
    free(p);
}

/* descends_from: is process d a descendant of a (or a itself)? */
static bool descends_from(struct vm *vm, const struct proc *d, const struct proc *a)
{
    for (uint64_t steps = 0; d && steps <= vm->nprocs; steps++) {
        if (d == a)
            return true;
        d = d->ppid ? proc_find(vm, d->ppid) : NULL;
    }
    return false;
}

/* adopter: the new parent of p's living child c: process 1 if it exists,
 * is not a zombie and is not c's own descendant (no cycle of parents),
 * else none */
static struct proc *adopter(struct vm *vm, const struct proc *c)
{
    struct proc *init = proc_find(vm, 1);
    if (!init || init->state == PS_ZOMBIE || descends_from(vm, init, c))
        return NULL;
    return init;
}

/* subreaper_above: the nearest living child subreaper among p's ancestors,
 * searched from p's parent up and stopping at process 1 (Linux's
 * find_new_reaper), or NULL. An ancestor is never p's child's descendant. */
static struct proc *subreaper_above(struct vm *vm, const struct proc *p)
{
    struct proc *a = p->ppid ? proc_find(vm, p->ppid) : NULL;
    for (uint64_t steps = 0; a && a->pid != 1 && steps <= vm->nprocs; steps++) {
        if (a->subreaper && a->state != PS_ZOMBIE)
            return a;
        a = a->ppid ? proc_find(vm, a->ppid) : NULL;
    }
    return NULL;
}

void proc_exit(struct vm *vm, struct proc *p, int status, enum exit_cause cause)
{
    VM_ASSERT(p->state == PS_RUNNING || p->state == PS_SUSPENDED);
    p->state = PS_ZOMBIE;
    p->exit_status = status;
    p->killed = cause != EXIT_NORMAL;
    vm->live--;
    vm->zombies++;
    if (vm_wants(vm, FACT_EXIT)) {
        struct fact f = {.kind = FACT_EXIT, .pid = p->pid, .u.exit = {status, cause}};
        vm_tell(vm, &f);
    }
    proc_leave_as(vm, p);

    /* zombie children are reaped; living ones go to a subreaper, to process
     * 1, or to no one */
    struct proc *sub = p->children ? subreaper_above(vm, p) : NULL;
    struct proc *c, *tmp;
    DL_FOREACH_SAFE2(p->children, c, tmp, sib_next)
    {
        if (c->state == PS_ZOMBIE) {
            proc_reap(vm, c, p->pid);
            continue;
        }
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): proc_reap above unlinks from this same list */
        DL_DELETE2(p->children, c, sib_prev, sib_next);
        struct proc *to = sub ? sub : adopter(vm, c);
        c->ppid = to ? to->pid : 0;
        if (to)
            DL_APPEND2(to->children, c, sib_prev, sib_next);
        if (vm_wants(vm, FACT_REPARENT)) {
            struct fact f = {.kind = FACT_REPARENT, .pid = c->pid, .pid2 = p->pid, .u.ppid = c->ppid};
            vm_tell(vm, &f);
        }
    }
    if (!p->ppid)
        proc_reap(vm, p, 0);
    else
        zombie_add(vm, p);
}

uint64_t proc_rss(const struct proc *p) { return p->as ? p->as->pt.rss : 0; }

uint64_t proc_swap(const struct proc *p) { return p->as ? p->as->pt.swaps : 0; }

void proc_sharing(struct vm *vm, const struct proc *p, double *pss, uint64_t *uss, struct pss_frac *frac)
{
    *pss = 0;
    *uss = 0;
    if (frac)
        *frac = (struct pss_frac){.num = 0, .den = 1, .exact = true};
    if (p->as)
        rmap_sharing(&vm->rmap, &p->as->pt, pss, uss, frac);
}

void proc_free_all(struct vm *vm)
{
    struct proc *p, *tmp;
    /* address spaces first: a vfork family shares one */
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        if (p->as) {
            struct aspace *as = p->as;
            p->as = NULL;
            aspace_release(vm, as, NULL);
        }
    }
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
        HASH_DEL(vm->procs, p);
        free(p);
    }
    vm->last_proc = NULL;
    free_zheaps(vm);
    struct lost_pid *l, *ltmp;
    HASH_ITER(hh, vm->lost, l, ltmp)
    {
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
        HASH_DEL(vm->lost, l);
        free(l);
    }
}
