/* proc.c -- the process table and tree: creation, exit and kill, reaping,
 * reparenting, vfork suspension, lost pids (see proc.h). */
#include "vmsim/proc.h"

#include <stdlib.h>

#include <utlist.h>

#include "vmsim/aspace.h"
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

struct proc *proc_new(struct vm *vm, uint32_t pid, uint32_t ppid, struct aspace *as)
{
    VM_ASSERT(!proc_find(vm, pid));
    struct proc *p = vm_xcalloc(1, sizeof *p);
    p->pid = pid;
    p->ppid = ppid;
    p->state = PS_RUNNING;
    p->exit_status = -1;
    p->as = as;
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
    return p;
}

void proc_leave_as(struct vm *vm, struct proc *p)
{
    struct aspace *as = p->as;
    p->as = NULL;
    if (p->vfork_parent) {
        struct proc *parent = proc_find(vm, p->vfork_parent);
        if (parent && parent->state == PS_SUSPENDED && parent->vfork_child == p->pid) {
            parent->state = PS_RUNNING;
            parent->vfork_child = 0;
            vm_say(vm, "; parent %u resumes", (unsigned)parent->pid);
        }
        p->vfork_parent = 0;
    }
    if (as)
        aspace_release(vm, as);
}

static void unlink_child(struct vm *vm, struct proc *p)
{
    if (!p->ppid)
        return;
    struct proc *parent = proc_find(vm, p->ppid);
    VM_ASSERT(parent);
    DL_DELETE2(parent->children, p, sib_prev, sib_next);
}

void proc_reap(struct vm *vm, struct proc *p)
{
    VM_ASSERT(p->state == PS_ZOMBIE);
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

void proc_exit(struct vm *vm, struct proc *p, int status, bool killed)
{
    VM_ASSERT(p->state == PS_RUNNING || p->state == PS_SUSPENDED);
    p->state = PS_ZOMBIE;
    p->exit_status = status;
    p->killed = killed;
    vm->live--;
    vm->zombies++;
    proc_leave_as(vm, p);

    /* zombie children are reaped; living ones go to process 1, or to no one */
    struct proc *init = proc_find(vm, 1);
    bool init_ok = init && init->state != PS_ZOMBIE;
    struct proc *c, *tmp;
    DL_FOREACH_SAFE2(p->children, c, tmp, sib_next)
    {
        if (c->state == PS_ZOMBIE) {
            proc_reap(vm, c);
            continue;
        }
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): proc_reap above unlinks from this same list */
        DL_DELETE2(p->children, c, sib_prev, sib_next);
        if (init_ok && c->pid != 1) {
            c->ppid = 1;
            DL_APPEND2(init->children, c, sib_prev, sib_next);
        } else {
            c->ppid = 0;
        }
    }
    if (!p->ppid)
        proc_reap(vm, p);
}

uint64_t proc_rss(const struct proc *p) { return p->as ? p->as->pt.rss : 0; }

void proc_sharing(struct vm *vm, const struct proc *p, double *pss, uint64_t *uss)
{
    *pss = 0;
    *uss = 0;
    if (p->as)
        rmap_sharing(&vm->rmap, &p->as->pt, pss, uss);
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
            aspace_release(vm, as);
        }
    }
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
        HASH_DEL(vm->procs, p);
        free(p);
    }
    vm->last_proc = NULL;
    struct lost_pid *l, *ltmp;
    HASH_ITER(hh, vm->lost, l, ltmp)
    {
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
        HASH_DEL(vm->lost, l);
        free(l);
    }
}
