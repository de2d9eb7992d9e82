/* machine.c -- making and freeing a machine, messages of the current
 * event (see machine.h). */
#include "vmsim/machine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/proc.h"
#include "vmsim/vma.h"
#include "vmsim/util.h"

const char *const fault_class_names[FC_COUNT] = {"demand_zero", "zero_page", "file",
                                                 "cow_copy",    "cow_reuse", "segv"};
const char *const fork_mode_names[3] = {"cow", "copy", "sharept"};

void vm_config_default(struct vm_config *c)
{
    char err[128];
    memset(c, 0, sizeof *c);
    arch_parse(&c->arch, "x86_64", err, sizeof err);
    c->frames = (uint32_t)c->arch.default_frames;
    c->fork = FORK_COW;
    c->oom = OOM_KILL;
    c->lim.max_vmas = 65530;
    c->lim.max_memory = UINT64_C(4) << 30;
    cost_model_default(&c->cost);
}

static uint32_t take_frame_hook(void *ctx, enum frame_kind kind) { return vm_take_frame(ctx, kind); }

static void table_limit_hook(void *ctx)
{
    struct vm *vm = ctx;
    vm_error(vm, "the page tables need more than %llu bytes of memory (--max-memory)",
             (unsigned long long)vm->cfg.lim.max_memory);
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
    vm->mmu.arch = vm->arch;
    vm->mmu.ft = &vm->ft;
    vm->mmu.pt_frames = cfg->pt_frames;
    vm->mmu.take_frame = take_frame_hook;
    vm->mmu.on_limit = table_limit_hook;
    vm->mmu.max_tables = cfg->lim.max_memory / pt_table_bytes(vm->arch);
    if (cfg->lim.max_memory && !vm->mmu.max_tables)
        vm->mmu.max_tables = 1; /* the root of the first address space */
    vm->mmu.ctx = vm;
    pagecache_init(&vm->pc, &vm->ft);
    utstring_new(vm->why);
    utstring_new(vm->pressure);
    return vm;
}

void vm_free(struct vm *vm)
{
    if (!vm)
        return;
    proc_free_all(vm);
    mmu_destroy(&vm->mmu);
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
    utstring_free(vm->why);
    utstring_free(vm->pressure);
    free(vm->mappers);
    free(vm->forks);
    free(vm->stamps);
    free(vm);
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

void vm_say_text(struct vm *vm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    utstring_printf_va(vm->why, fmt, ap);
    va_end(ap);
}

uint64_t vm_model_bytes(const struct vm *vm)
{
    return vm->mmu.tables * pt_table_bytes(vm->arch) + vm->nvmas * sizeof(struct vma) +
           (vm->nprocs + HASH_COUNT(vm->lost)) * sizeof(struct proc) +
           vm->pc.npages * sizeof(struct cache_page) + vm->pc.nstore * sizeof(struct fstore_val) +
           vm->pc.heap_cap * sizeof(struct reclaim_item) + vm->capforks * sizeof(struct fork_cost);
}
