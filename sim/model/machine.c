/* machine.c -- a machine's configuration, the errors of its current event,
 * its observers, and the work it has done (see machine.h). */
#include "vmsim/machine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/vma.h"
#include "vmsim/util.h"

const char *const fault_class_names[FC_COUNT] = {"demand_zero", "zero_page", "file",   "cow_copy",
                                                 "cow_reuse",   "segv",      "swap_in"};
const char *const fork_mode_names[FORK_MODES] = {"cow", "copy", "sharept"};
const char *const oom_mode_names[OOM_MODES] = {"kill", "fail"};

void vm_config_default(struct vm_config *c)
{
    char err[128];
    memset(c, 0, sizeof *c);
    arch_parse(&c->arch, "x86_64", err, sizeof err);
    c->frames = (uint32_t)c->arch.default_frames;
    c->fork = FORK_COW;
    c->oom = OOM_KILL;
    c->policy = POL_CLOCK;
    c->seed = 1;
    c->fault_around = 1;
    c->lim.max_vmas = 65530;
    c->lim.max_memory = UINT64_C(4) << 30;
    cost_model_default(&c->cost);
}

int vm_error(struct vm *vm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(vm->err, sizeof vm->err, fmt, ap);
    va_end(ap);
    vm->stop = STOP_ERROR;
    return -1;
}

/* ---- observers ----------------------------------------------------------- */

void vm_frame_freed(void *ctx, uint32_t f, enum frame_kind kind)
{
    struct vm *vm = ctx;
    if (vm_replacing(vm) && (kind == FK_ANON || kind == FK_CACHE)) {
        swap_end_copy(&vm->swap, f); /* a frame that is freed ends its copy */
        policy_forget(&vm->pol, f);
    }
    if (vm_wants(vm, FACT_FRAME_FREED)) {
        struct fact fa = {.kind = FACT_FRAME_FREED, .u.frame = {f, kind}};
        vm_tell(vm, &fa);
    }
}

static void pte_changed(void *ctx, const struct pt_change *c)
{
    struct vm *vm = ctx;
    struct fact fa = {.kind = FACT_PTE, .u.pte = c};
    vm_tell(vm, &fa);
}

void vm_observe(struct vm *vm, const struct vm_observer *o)
{
    VM_ASSERT(vm->nobs < VM_MAX_OBSERVERS);
    uint32_t had = vm->wants;
    vm->obs[vm->nobs++] = *o;
    vm->wants |= o->wants;
    if ((o->wants & FACT_BIT(FACT_EVICT)) && vm_replacing(vm)) /* to say why a victim was chosen */
        policy_keep_stamps(&vm->pol);
    /* the modules below the machine tell through hooks, set when first wanted */
    if (!(had & FACT_BIT(FACT_FRAME_FREED)) && vm_wants(vm, FACT_FRAME_FREED)) {
        vm->ft.on_free = vm_frame_freed;
        vm->ft.on_free_ctx = vm;
    }
    if (!(had & FACT_BIT(FACT_PTE)) && vm_wants(vm, FACT_PTE))
        pt_hook_add(&vm->pts, pte_changed, vm);
}

void vm_tell(struct vm *vm, const struct fact *f)
{
    for (unsigned k = 0; k < vm->nobs; k++)
        if (vm->obs[k].fact && (vm->obs[k].wants & FACT_BIT(f->kind)))
            vm->obs[k].fact(vm->obs[k].ctx, vm, f);
}

void vm_work_done(const struct vm *vm, struct cost_units *u)
{
    uint64_t faults = 0;
    for (int k = 0; k < FC_COUNT; k++)
        faults += vm->c.faults[k];
    u->n[COST_FORK] = vm->c.forks_done;
    u->n[COST_VFORK] = vm->c.vforks_done;
    u->n[COST_EXEC] = vm->c.execs_done;
    u->n[COST_FAULT] = faults;
    u->n[COST_ZERO] = vm->c.faults[FC_DEMAND_ZERO];
    u->n[COST_COPY] = vm->c.pages_copied;
    u->n[COST_CACHE_LOAD] = vm->pc.loads;
    u->n[COST_PTE] = vm->pts.ptes_copied;
    u->n[COST_TABLE] = vm->pts.tables_made;
    u->n[COST_TEARDOWN] = vm->pts.teardown_ptes;
    u->n[COST_UNMAP] = vm->pts.unmap_ptes;
    u->n[COST_WALK_STEP] = vm->tlb.walk_steps;
    u->n[COST_TLB_INVALIDATE] = vm->tlb.invalidations;
    u->n[COST_TLB_FLUSH] = vm->tlb.flushes;
}

/* The counters only grow, so the simulated time so far is the price of
 * each unit times its count: nothing is added up per event. */
uint64_t vm_cost(const struct vm *vm, uint64_t by_kind[COST_KINDS])
{
    struct cost_units u;
    vm_work_done(vm, &u);
    return cost_price(&vm->cfg.cost, &u, by_kind);
}

uint64_t vm_fork_cost(const struct vm *vm, const struct fork_cost *f)
{
    return cost_price(&vm->cfg.cost, &f->units, NULL);
}
