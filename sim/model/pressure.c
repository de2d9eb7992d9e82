/* pressure.c -- running out of frames (see pressure.h). */
#include <inttypes.h>

#include "vmsim/pressure.h"
#include "vmsim/proc.h"
#include "vmsim/util.h"

/* oom_victim: the process the OOM killer takes, or NULL if none is left */
static struct proc *oom_victim(struct vm *vm)
{
    struct proc *best = NULL, *init = NULL, *p, *tmp;
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        if (p->state != PS_RUNNING && p->state != PS_SUSPENDED)
            continue;
        if (p->pid == 1) {
            init = p;
            continue;
        }
        uint64_t r = proc_rss(p), br = best ? proc_rss(best) : 0;
        if (!best || r > br || (r == br && p->pid > best->pid))
            best = p;
    }
    return best ? best : init;
}

/* reclaim_one: drops one cache page; false if none can be */
static bool reclaim_one(struct vm *vm)
{
    struct pc_key key;
    uint32_t used_before = vm->ft.used;
    if (!pc_reclaim_one(&vm->pc, &key))
        return false;
    VM_ASSERT(vm->ft.used < used_before);
    if (vm_wants(vm, FACT_RECLAIM)) {
        struct fact f = {.kind = FACT_RECLAIM, .u.reclaim = {0, mobj_get(&vm->pc, key.obj)->name, key.page}};
        vm_tell(vm, &f);
    }
    return true;
}

/* kill: the OOM killer takes victim; true if that was the process that
 * needed the frame */
static bool kill(struct vm *vm, struct proc *victim)
{
    bool self = victim == vm->actor;
    vm->c.killed_oom++;
    if (vm_wants(vm, FACT_OOM_KILL)) {
        struct fact f = {.kind = FACT_OOM_KILL,
                         .pid = victim->pid,
                         .pid2 = vm->actor ? vm->actor->pid : 0,
                         .u.oom = {proc_rss(victim)}};
        vm_tell(vm, &f);
    }
    proc_exit(vm, victim, 137, EXIT_OOM); /* what it frees, its own facts say */
    return self;
}

uint32_t vm_take_frame(struct vm *vm, enum frame_kind kind)
{
    for (;;) {
        uint32_t f = frame_alloc_lowest(&vm->ft, kind);
        if (f != FRAME_NONE) {
            if (vm_wants(vm, FACT_FRAME_TAKEN)) {
                struct fact fa = {.kind = FACT_FRAME_TAKEN, .u.frame = {f, kind}};
                vm_tell(vm, &fa);
            }
            return f;
        }
        if (reclaim_one(vm))
            continue;
        VM_ASSERT(!vm->in_fork); /* a fork counts its frames first */
        if (vm->cfg.oom == OOM_FAIL) {
            vm_error(vm, "out of memory: no free frame and no cache page to drop (--oom fail)");
            return FRAME_NONE;
        }
        struct proc *victim = oom_victim(vm);
        if (!victim) {
            vm_error(vm, "out of memory: no free frame and no process left to kill");
            return FRAME_NONE;
        }
        if (kill(vm, victim)) {
            vm->actor = NULL;
            vm->stop = STOP_KILLED;
            return FRAME_NONE;
        }
    }
}
