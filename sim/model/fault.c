/* fault.c -- accesses and page faults (see fault.h). */
#include "vmsim/fault.h"

#include <inttypes.h>

#include "vmsim/aspace.h"
#include "vmsim/pressure.h"
#include "vmsim/util.h"

static void count_fault(struct vm *vm, struct proc *p, enum fault_class fc)
{
    vm->c.faults[fc]++;
    p->faults[fc]++;
}

/* file_frame: the page-cache frame of the VMA's page at va, loaded into a
 * new frame if it is not cached. FRAME_NONE if the event must stop. */
static uint32_t file_frame(struct vm *vm, const struct vma *v, uint64_t va, bool *loaded)
{
    uint64_t page = (v->off + (va - v->start)) >> vm->arch->page_shift;
    uint32_t f = pc_lookup(&vm->pc, v->obj, page);
    *loaded = false;
    if (f != FRAME_NONE)
        return f;
    f = vm_take_frame(vm, FK_CACHE);
    if (f == FRAME_NONE)
        return f;
    pc_insert(&vm->pc, v->obj, page, f);
    *loaded = true;
    return f;
}

/* say_cached: how the page-cache frame was found */
static void say_cached(struct vm *vm, const struct vma *v, uint64_t va, bool loaded)
{
    uint64_t page = (v->off + (va - v->start)) >> vm->arch->page_shift;
    vm_say(vm, " (%s page %" PRIu64 ", %s)", mobj_get(&vm->pc, v->obj)->name, page,
           loaded ? "loaded into the cache" : "found in the cache");
}

/* fault: resolves a fault of p at va in VMA v (the access is allowed). */
static enum access_result fault(struct vm *vm, struct proc *p, struct aspace *as, const struct vma *v, uint64_t va,
                                bool write)
{
    struct frames *ft = &vm->ft;
    unsigned i = arch_index(vm->arch, va, vm->arch->levels - 1);
    struct pt *leaf = pt_leaf_for_change(&vm->mmu, &as->pt, va);
    if (!leaf)
        return vm->stop == STOP_ERROR ? ACCESS_ERROR : ACCESS_KILLED;
    uint64_t e = leaf->e[i];
    uint64_t ad = PTE_A | (write ? PTE_D : 0);
    uint32_t f, g;
    bool loaded;
    enum fault_class fc;

    if (e & PTE_P) {
        /* a write to a read-only entry: the VMA allows it, so it is private
         * (shared writable VMAs map writable entries) and the entry is cow */
        VM_ASSERT(write && !v->shared);
        f = pte_frame(e);
        /* VM_MUTANT(1), a test-only defect: cow_reuse never happens, the write always copies */
        if (f != ft->n && frame_kind(ft, f) == FK_ANON && ft->ref[f] == 1 && !VM_MUTANT(1)) {
            leaf->e[i] = e | PTE_W | ad;
            vm_say(vm, ": cow_reuse: frame %" PRIu32 " has refcount 1, made writable again", f);
            fc = FC_COW_REUSE;
        } else {
            uint64_t before = frame_refcount(ft, f);
            g = vm_take_frame(vm, FK_ANON);
            if (g == FRAME_NONE)
                return vm->stop == STOP_ERROR ? ACCESS_ERROR : ACCESS_KILLED;
            ft->value[g] = ft->value[f];
            frame_get(ft, g);
            pt_set(&vm->mmu, &as->pt, leaf, i, pte_make(g, PTE_W | ad));
            pt_drop_frame(&vm->mmu, f);
            vm->c.pages_copied++;
            if (f == ft->n)
                vm_say(vm, ": cow_copy: the zero page copied into frame %" PRIu32, g);
            else
                vm_say(vm, ": cow_copy: frame %" PRIu32 " (refcount %" PRIu64 ") copied into frame %" PRIu32
                           "; frame %" PRIu32 " refcount now %" PRIu64 "%s",
                       f, before, g, f, frame_refcount(ft, f), frame_kind(ft, f) == FK_FREE ? " (freed)" : "");
            fc = FC_COW_COPY;
        }
    } else if (!v->obj) {
        if (write || !vm->cfg.zero_page) {
            g = vm_take_frame(vm, FK_ANON);
            if (g == FRAME_NONE)
                return vm->stop == STOP_ERROR ? ACCESS_ERROR : ACCESS_KILLED;
            frame_get(ft, g);
            pt_set(&vm->mmu, &as->pt, leaf, i, pte_make(g, ((v->prot & VMA_W) ? PTE_W : 0) | ad));
            vm_say(vm, ": demand_zero: new zeroed frame %" PRIu32 "%s", g, (v->prot & VMA_W) ? ", writable" : "");
            fc = FC_DEMAND_ZERO;
        } else {
            frame_get(ft, ft->n);
            pt_set(&vm->mmu, &as->pt, leaf, i, pte_make(ft->n, PTE_A));
            vm_say(vm, ": zero_page: mapped the shared zero page read-only");
            fc = FC_ZERO_PAGE;
        }
    } else if (!write || v->shared) {
        f = file_frame(vm, v, va, &loaded);
        if (f == FRAME_NONE)
            return vm->stop == STOP_ERROR ? ACCESS_ERROR : ACCESS_KILLED;
        frame_get(ft, f);
        bool w = v->shared && (v->prot & VMA_W);
        pt_set(&vm->mmu, &as->pt, leaf, i, pte_make(f, (w ? PTE_W : 0) | ad));
        vm_say(vm, ": file: mapped cache frame %" PRIu32 " (refcount %" PRIu64 ")%s", f, frame_refcount(ft, f),
               w ? ", writable" : ", read-only");
        say_cached(vm, v, va, loaded);
        fc = FC_FILE;
    } else {
        f = file_frame(vm, v, va, &loaded);
        if (f == FRAME_NONE)
            return vm->stop == STOP_ERROR ? ACCESS_ERROR : ACCESS_KILLED;
        frame_get(ft, f); /* held while copied: the copy's allocation cannot drop it */
        g = vm_take_frame(vm, FK_ANON);
        pt_drop_frame(&vm->mmu, f);
        if (g == FRAME_NONE)
            return vm->stop == STOP_ERROR ? ACCESS_ERROR : ACCESS_KILLED;
        ft->value[g] = ft->value[f];
        frame_get(ft, g);
        pt_set(&vm->mmu, &as->pt, leaf, i, pte_make(g, PTE_W | ad));
        vm->c.pages_copied++;
        vm_say(vm, ": cow_copy: private write to a file page: cache frame %" PRIu32 " copied into frame %" PRIu32,
               f, g);
        say_cached(vm, v, va, loaded);
        fc = FC_COW_COPY;
    }
    count_fault(vm, p, fc);
    return ACCESS_OK;
}

enum access_result vm_access(struct vm *vm, struct proc *p, uint64_t va, bool write, uint64_t value)
{
    if (write)
        vm->c.writes++;
    else
        vm->c.reads++;
    struct aspace *as = p->as;
    struct vma *v = va < vm->arch->user_top ? vma_find(&as->vmas, va) : NULL;
    if (!v || !(v->prot & (write ? VMA_W : VMA_R))) {
        count_fault(vm, p, FC_SEGV);
        vm->c.killed_segv++;
        vm_say(vm, ": segv: %s at 0x%" PRIx64 " %s; process %" PRIu32 " killed (status 139)",
               write ? "write" : "read", va, v ? "not allowed by the VMA's protection" : "outside every VMA", p->pid);
        proc_exit(vm, p, 139, true);
        return ACCESS_KILLED;
    }
    unsigned i = arch_index(vm->arch, va, vm->arch->levels - 1);
    struct pt *leaf = pt_leaf(&vm->mmu, &as->pt, va);
    uint64_t e = leaf ? leaf->e[i] : 0;
    if (!(e & PTE_P) || (write && !(e & PTE_W))) {
        /* hold the space: if p is killed on the way, tables made for this
         * fault are pruned before the space goes */
        vm->actor = p;
        aspace_hold(as);
        enum access_result r = fault(vm, p, as, v, va, write);
        if (r != ACCESS_OK)
            pt_prune(&vm->mmu, &as->pt, va);
        aspace_release(vm, as);
        if (r != ACCESS_OK)
            return r;
        leaf = pt_leaf(&vm->mmu, &as->pt, va);
        e = leaf->e[i];
    } else {
        leaf->e[i] = e | PTE_A | (write ? PTE_D : 0);
        vm_say(vm, ": present, no fault");
    }
    if (write)
        vm->ft.value[pte_frame(e)] = value;
    return ACCESS_OK;
}
