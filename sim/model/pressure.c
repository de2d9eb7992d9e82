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

uint32_t vm_take_frame(struct vm *vm, enum frame_kind kind)
{
    for (;;) {
        uint32_t f = frame_alloc_lowest(&vm->ft, kind);
        if (f != FRAME_NONE) {
            vm->c.frames_taken++;
            return f;
        }
        if (pc_reclaim_one(&vm->pc)) {
            if (vm->explain)
                utstring_printf(vm->pressure, "; reclaim dropped a cache page");
            continue;
        }
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
        if (vm->explain)
            utstring_printf(vm->pressure, "; the OOM killer killed %" PRIu32 " (rss %" PRIu64 ")", victim->pid,
                            proc_rss(victim));
        vm->c.killed_oom++;
        bool self = victim == vm->actor;
        proc_exit(vm, victim, 137, true);
        if (self) {
            vm->actor = NULL;
            vm->stop = STOP_KILLED;
            return FRAME_NONE;
        }
    }
}
