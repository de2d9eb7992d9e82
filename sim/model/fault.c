/* fault.c -- accesses and page faults (see fault.h). */
#include "vmsim/fault.h"

#include <inttypes.h>

#include "vmsim/aspace.h"
#include "vmsim/exclusive.h"
#include "vmsim/policy_opt.h"
#include "vmsim/pressure.h"
#include "vmsim/util.h"

/* ---- closer to Linux (docs/model.md, "The machine flags") ---------------------- */

/* fault_around: after a file read fault at va, maps the other pages of its
 * window that are in the page cache and have no entry (Linux's
 * do_fault_around), read-only unless the VMA is shared and writable. The
 * window is cfg.fault_around pages aligned to as many (any number: 3 pages
 * start at a page number that 3 divides), cut to the VMA and to va's leaf
 * table. No fault is counted, no accessed bit set, nothing loaded. */
static void fault_around(struct vm *vm, struct aspace *as, const struct vma *v, uint64_t va, struct fault_fact *ff)
{
    const unsigned shift = vm->arch->page_shift;
    const uint64_t n = UINT64_C(1) << vm->arch->level_bits, want = vm->cfg.fault_around;
    struct pt *leaf = pt_leaf(&vm->pts, &as->pt, va);
    const uint64_t i = pt_leaf_index(&vm->pts, va);
    /* in entries of the leaf: the aligned window, then the VMA's pages */
    uint64_t before = (va >> shift) % want, after = want - before; /* after >= 1: va's own page */
    uint64_t vma_before = (va - v->start) >> shift, vma_after = ((v->end - va - 1) >> shift) + 1;
    uint64_t lo = i - (before < i ? before : i), hi = i + (after < n - i ? after : n - i);
    if (i - lo > vma_before)
        lo = i - vma_before;
    if (hi - i > vma_after)
        hi = i + vma_after;
    bool w = v->shared && (v->prot & VMA_W);
    uint64_t page0 = (v->off + (va - v->start)) >> shift; /* the file page of va */
    for (uint64_t k = lo; k < hi; k++) {
        if (k == i || leaf->e[k])
            continue;
        uint32_t f = pc_lookup(&vm->pc, v->obj, page0 + k - i);
        if (f == FRAME_NONE)
            continue;
        pte_fill(&vm->pts, &as->pt, leaf, (unsigned)k, f, w ? PTE_W : 0);
        ff->around++;
    }
    ff->around_lo = va - ((i - lo) << shift) - (va & (vm->arch->page_size - 1));
    ff->around_hi = ff->around_lo + ((hi - lo) << shift);
}

/* after_fault: what the rules closer to Linux add to a fault resolved at va
 * in VMA v: the VMA's anon_vma mark (an anon page was mapped in it), and
 * fault-around after a file read fault */
static void after_fault(struct vm *vm, struct aspace *as, const struct vma *v, uint64_t va, bool write,
                        enum fault_class fc, struct fault_fact *ff)
{
    if ((fc == FC_DEMAND_ZERO || fc == FC_COW_COPY) && !v->anon_vma)
        vma_find(&as->vmas, va)->anon_vma = true; /* v itself, writable */
    if (fc == FC_FILE && !write && vm->cfg.fault_around > 1)
        fault_around(vm, as, v, va, ff);
}

/* stopped: why a fault could not finish: an error, or its process killed */
static enum access_result stopped(const struct vm *vm)
{
    return vm->stop == STOP_ERROR ? ACCESS_ERROR : ACCESS_KILLED;
}

/* fill: frame f was just filled (a stamp, a candidate for replacement) */
static void fill(struct vm *vm, uint32_t f)
{
    if (vm_replacing(vm))
        policy_fill(&vm->pol, f);
}

/* pin: the current access works with frame f: it is no victim */
static void pin(struct vm *vm, uint32_t f)
{
    VM_ASSERT(vm->npinned < VM_ARRAY_LEN(vm->pinned));
    vm->pinned[vm->npinned++] = f;
}

/* file_frame: the page-cache frame of the VMA's page at va, loaded into a
 * new frame if it is not cached, or read back from swap (a shared-memory
 * page: *fc becomes swap_in). FRAME_NONE if the event must stop. */
static uint32_t file_frame(struct vm *vm, const struct vma *v, uint64_t va, struct fault_fact *ff, enum fault_class *fc)
{
    uint64_t page = (v->off + (va - v->start)) >> vm->arch->page_shift;
    uint32_t f = pc_lookup(&vm->pc, v->obj, page);
    ff->file = mobj_get(&vm->pc, v->obj)->name;
    ff->file_page = page;
    ff->loaded = false;
    if (f != FRAME_NONE)
        return f;
    uint32_t slot = pc_swapped(&vm->pc, v->obj, page);
    f = vm_take_frame(vm, FK_CACHE); /* may evict: a page in swap stays there meanwhile */
    if (f == FRAME_NONE)
        return f;
    if (slot != UINT32_MAX) {
        *fc = FC_SWAP_IN;
        ff->slot = slot;
        pc_swap_in(&vm->pc, v->obj, page, f);
        vm->ft.fr[f].value = swap_value(&vm->swap, slot);
        vm->swap.reads++;
        swap_hold_copy(&vm->swap, slot, f);
        swap_put(&vm->swap, slot); /* the object no longer names the slot */
        ff->slot_count = swap_count(&vm->swap, slot);
    } else {
        pc_insert(&vm->pc, v->obj, page, f);
        ff->loaded = true;
    }
    fill(vm, f);
    return f;
}

/* swap_in: the entry names a slot: its page comes back (from the swap
 * cache, or read from the slot into a new frame) and the entry maps it,
 * writable only if nothing else maps the frame or names the slot; a write
 * to it then resolves as on a cow entry. FRAME_NONE if the event must stop. */
static uint32_t swap_in(struct vm *vm, struct aspace *as, const struct vma *v, struct pt *leaf, unsigned i,
                        bool write, struct fault_fact *ff)
{
    struct frames *ft = &vm->ft;
    uint32_t slot = pte_slot(leaf->e[i]), f = swap_frame_of(&vm->swap, slot);
    ff->slot = slot;
    if (f != FRAME_NONE) {
        ff->from_cache = true;
    } else {
        f = vm_take_frame(vm, FK_ANON); /* may evict; this entry keeps the slot */
        if (f == FRAME_NONE)
            return FRAME_NONE;
        ft->fr[f].value = swap_value(&vm->swap, slot);
        vm->swap.reads++;
        swap_hold_copy(&vm->swap, slot, f);
        fill(vm, f);
    }
    pin(vm, f);
    /* alone: after the change, refcount 1 (this entry) and count 1 (the
     * frame's copy): nothing else maps the frame or names the slot */
    bool alone = frame_refcount(ft, f) == 0 && swap_count(&vm->swap, slot) == 2;
    bool w = vma_private_writable(v) && alone;
    /* the access's bits once it is done here; a write to a read-only entry
     * is done below, on a reuse or a copy, and not at all if the copy's
     * frame kills it (what the process was doing stops there) */
    uint64_t ad = !write ? PTE_A : w ? PTE_A | PTE_D : 0;
    pte_swap_in(&vm->pts, &as->pt, leaf, i, f, (w ? PTE_W : 0) | ad);
    if (alone && !w) /* a VMA without w: the write path's hook cannot tell */
        exclusive_mark_alone(vm, f);
    if (write && w) /* the write that follows ends the copy: say so now */
        swap_end_copy(&vm->swap, f);
    ff->slot_count = swap_count(&vm->swap, slot);
    if (!write || w)
        return f;
    /* a write to what is now a read-only cow entry: reuse or copy */
    ff->from = f;
    ff->from_ref_before = frame_refcount(ft, f);
    if (frame_kind(ft, f) == FK_ANON && frame_ref(ft, f) == 1 && !VM_MUTANT(1)) {
        pte_set_writable(&vm->pts, &as->pt, leaf, i, true);
        pte_touch(leaf, i, true);
        swap_end_copy(&vm->swap, f);
        ff->reused = true;
        ff->slot_count = swap_count(&vm->swap, slot);
        return f;
    }
    uint32_t g = vm_take_frame(vm, FK_ANON);
    if (g == FRAME_NONE)
        return FRAME_NONE;
    ft->fr[g].value = ft->fr[f].value;
    pte_replace(&vm->pts, &as->pt, leaf, i, g, PTE_W | PTE_A | PTE_D);
    vm->c.pages_copied++;
    fill(vm, g);
    ff->copied = true;
    ff->from_freed = frame_kind(ft, f) == FK_FREE;
    ff->slot_count = swap_count(&vm->swap, slot);
    return g;
}

/* fault: resolves a fault of p at va in VMA v (the access is allowed): its
 * class goes to *fc as soon as it is chosen, what it did to *ff. */
static enum access_result fault(struct vm *vm, struct aspace *as, const struct vma *v, uint64_t va, bool write,
                                struct pt *found, enum fault_class *fc, struct fault_fact *ff)
{
    struct frames *ft = &vm->ft;
    unsigned i = pt_leaf_index(&vm->pts, va);
    /* found: the leaf the access found (NULL: none); a shared one is copied first */
    struct pt *leaf = found && found->share == 1 ? found : pt_leaf_for_change(&vm->pts, &as->pt, va);
    if (!leaf)
        return stopped(vm);
    uint64_t e = leaf->e[i];
    uint64_t ad = PTE_A | (write ? PTE_D : 0);
    uint32_t f, g;

    if (e & PTE_P) {
        /* a write to a read-only entry: the VMA allows it, so it is private
         * (shared writable VMAs map writable entries) and the entry is cow */
        VM_ASSERT(write && !v->shared);
        f = pte_frame(e);
        ff->from = f;
        ff->from_ref_before = frame_refcount(ft, f);
        /* VM_MUTANT(1), a test-only defect: cow_reuse never happens, the write always copies */
        if (f != ft->n && frame_kind(ft, f) == FK_ANON && frame_ref(ft, f) == 1 && !VM_MUTANT(1)) {
            *fc = FC_COW_REUSE;
            pte_set_writable(&vm->pts, &as->pt, leaf, i, true);
            pte_touch(leaf, i, write);
            g = f;
        } else {
            *fc = FC_COW_COPY;
            pin(vm, f); /* the copy's source */
            g = vm_take_frame(vm, FK_ANON);
            if (g == FRAME_NONE)
                return stopped(vm);
            ft->fr[g].value = ft->fr[f].value;
            pte_replace(&vm->pts, &as->pt, leaf, i, g, PTE_W | ad);
            vm->c.pages_copied++;
            fill(vm, g);
            ff->from_freed = f != ft->n && frame_kind(ft, f) == FK_FREE;
        }
    } else if (pte_is_swap(e)) {
        *fc = FC_SWAP_IN;
        g = swap_in(vm, as, v, leaf, i, write, ff);
        if (g == FRAME_NONE)
            return stopped(vm);
    } else if (!v->obj) {
        if (write || !vm->cfg.zero_page) {
            *fc = FC_DEMAND_ZERO;
            g = vm_take_frame(vm, FK_ANON);
            if (g == FRAME_NONE)
                return stopped(vm);
            pte_fill(&vm->pts, &as->pt, leaf, i, g, ((v->prot & VMA_W) ? PTE_W : 0) | ad);
            fill(vm, g);
        } else {
            *fc = FC_ZERO_PAGE;
            g = ft->n;
            pte_fill(&vm->pts, &as->pt, leaf, i, g, PTE_A);
        }
    } else if (!write || v->shared) {
        *fc = FC_FILE;
        g = file_frame(vm, v, va, ff, fc);
        if (g == FRAME_NONE)
            return stopped(vm);
        bool w = v->shared && (v->prot & VMA_W);
        pte_fill(&vm->pts, &as->pt, leaf, i, g, (w ? PTE_W : 0) | ad);
    } else {
        *fc = FC_COW_COPY;
        f = file_frame(vm, v, va, ff, fc);
        if (f == FRAME_NONE)
            return stopped(vm);
        ff->from = f;
        frame_get(ft, f); /* held while copied: the copy's allocation cannot drop it */
        pin(vm, f);       /* nor evict it */
        g = vm_take_frame(vm, FK_ANON);
        pt_drop_frame(&vm->pts, f);
        if (g == FRAME_NONE)
            return stopped(vm);
        ft->fr[g].value = ft->fr[f].value;
        pte_fill(&vm->pts, &as->pt, leaf, i, g, PTE_W | ad);
        vm->c.pages_copied++;
        fill(vm, g);
    }
    ff->to = g;
    ff->to_ref = frame_refcount(ft, g);
    ff->writable = (leaf->e[i] & PTE_W) != 0;
    ff->vma_writable = (v->prot & VMA_W) != 0;
    if (ff->from != FRAME_NONE)
        ff->from_ref_after = frame_refcount(ft, ff->from);
    after_fault(vm, as, v, va, write, *fc, ff);
    return ACCESS_OK;
}

static void count_fault(struct vm *vm, struct proc *p, enum fault_class fc)
{
    vm->c.faults[fc]++;
    p->faults[fc]++;
}

/* segv: the access is not allowed; the process is killed */
static enum access_result segv(struct vm *vm, struct proc *p, uint64_t va, bool write, bool outside)
{
    count_fault(vm, p, FC_SEGV);
    vm->c.killed_segv++;
    if (vm_wants(vm, FACT_FAULT) || vm_wants(vm, FACT_SEGV)) {
        struct fact f = {.kind = FACT_FAULT, .pid = p->pid, .va = va, .write = write, .fc = FC_SEGV};
        f.u.fault = (struct fault_fact){.from = FRAME_NONE, .to = FRAME_NONE, .outside = outside};
        vm_tell(vm, &f);
        f.kind = FACT_SEGV; /* for those who want the kills, not every fault */
        vm_tell(vm, &f);
    }
    proc_exit(vm, p, 139, EXIT_SEGV);
    return ACCESS_KILLED;
}

enum access_result vm_access(struct vm *vm, struct proc *p, uint64_t va, bool write, uint64_t value)
{
    if (write)
        vm->c.writes++;
    else
        vm->c.reads++;
    if (vm_replacing(vm)) { /* an access starts: a stamp, and opt's cursor moves on */
        policy_access(&vm->pol);
        if (vm->pol.opt)
            policy_opt_access(vm->pol.opt);
    }
    struct aspace *as = p->as;
    struct vma *v = va < vm->arch->user_top ? vma_find(&as->vmas, va) : NULL;
    if (!v || !(v->prot & (write ? VMA_W : VMA_R)))
        return segv(vm, p, va, write, v == NULL);
    unsigned i = pt_leaf_index(&vm->pts, va);
    struct pt *leaf = pt_leaf(&vm->pts, &as->pt, va);
    uint64_t e = leaf ? leaf->e[i] : 0;
    bool tlb_miss = tlb_on(&vm->tlb) && tlb_access(&vm->tlb, p, p->serial, as->id, va, write, leaf != NULL, e);
    enum fault_class fc = FC_COUNT;
    uint32_t frame;
    if (!(e & PTE_P) || (write && !(e & PTE_W))) {
        /* hold the space: if p is killed on the way, tables made for this
         * fault are pruned before the space goes */
        struct fault_fact ff = {.from = FRAME_NONE, .to = FRAME_NONE, .slot = SLOT_NONE};
        uint32_t pid = p->pid; /* p may be reaped on the way (an OOM kill) */
        vm->actor = p;
        vm->keep_pt = &as->pt; /* evictions leave this page's tables alone */
        vm->keep_va = va;
        aspace_hold(as);
        enum access_result r = fault(vm, as, v, va, write, leaf, &fc, &ff);
        vm->npinned = 0;
        vm->keep_pt = NULL;
        if (r != ACCESS_OK)
            pt_prune(&vm->pts, &as->pt, va);
        aspace_release(vm, as, NULL);
        if (r != ACCESS_OK) {
            /* an access whose process was killed on the way counts in no class */
            if (r == ACCESS_KILLED && vm_wants(vm, FACT_FAULT_STOPPED)) {
                struct fact f = {.kind = FACT_FAULT_STOPPED, .pid = pid, .va = va, .write = write, .fc = fc};
                f.u.fault = ff;
                vm_tell(vm, &f);
            }
            return r;
        }
        count_fault(vm, p, fc);
        if (vm_wants(vm, FACT_FAULT)) {
            struct fact f = {.kind = FACT_FAULT, .pid = p->pid, .va = va, .write = write, .fc = fc};
            f.u.fault = ff;
            vm_tell(vm, &f);
        }
        frame = ff.to; /* what the entry maps now */
    } else {
        pte_touch(leaf, i, write);
        vm->c.hits++;
        frame = pte_frame(e);
    }
    if (write)
        vm->ft.fr[frame].value = value;
    if (vm_replacing(vm) && frame != vm->ft.n) {
        policy_use(&vm->pol, frame);
        if (write) { /* the frame's swap copy, if any, is no longer the page */
            swap_end_copy(&vm->swap, frame);
            vm->ft.fr[frame].kind |= FF_DIRTY;
        }
    }
    if (tlb_miss)
        tlb_fill(&vm->tlb, p, va);
    if (vm_wants(vm, FACT_ACCESS)) {
        struct fact f = {.kind = FACT_ACCESS, .pid = p->pid, .va = va, .write = write, .fc = fc};
        vm_tell(vm, &f);
    }
    return ACCESS_OK;
}
