/* pressure.c -- running out of frames (see pressure.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- eviction (replacement) ------------------------------------------------------ */

/* pinned: does the current access work with frame f? */
static bool pinned(const struct vm *vm, uint32_t f)
{
    for (unsigned i = 0; i < vm->npinned; i++)
        if (vm->pinned[i] == f)
            return true;
    return false;
}

/* shm_page: is cache frame f a page of a shared-memory object? */
static bool shm_page(const struct vm *vm, uint32_t f)
{
    struct cache_page *cp = pc_page_of_frame(&vm->pc, f);
    return cp && mobj_get(&vm->pc, cp->key.obj)->shm;
}

/* needs_slot: evicting f would need a new swap slot: an anon frame or a
 * shared-memory page that holds no valid swap copy */
static bool needs_slot(const struct vm *vm, uint32_t f)
{
    if (swap_copy_of(&vm->swap, f) != SLOT_NONE)
        return false;
    return frame_kind(&vm->ft, f) == FK_ANON || shm_page(vm, f);
}

/* slot_test: needs_slot as the policy asks it */
static bool slot_test(void *ctx, uint32_t f) { return needs_slot(ctx, f); }

/* copy_changed: f's swap copy began or ended, and with it its need for a slot */
static void copy_changed(void *ctx, uint32_t f)
{
    struct vm *vm = ctx;
    policy_slot_need_changed(&vm->pol, f);
}

void vm_pressure_attach(struct vm *vm)
{
    if (vm->pol.kind != POL_RANDOM)
        return; /* the others ask eligible of the few frames they look at */
    policy_slot_test(&vm->pol, slot_test, vm);
    vm->swap.on_copy = copy_changed;
    vm->swap.on_copy_ctx = vm;
}

static bool eligible(void *ctx, uint32_t f)
{
    struct vm *vm = ctx;
    return !pinned(vm, f) && (!swap_full(&vm->swap) || !needs_slot(vm, f));
}

static bool referenced(void *ctx, uint32_t f, bool clear)
{
    struct vm *vm = ctx;
    return rmap_accessed(&vm->rmap, f, clear);
}

/* emptied: the leaves an eviction's cleared entries left with none in use */
struct emptied {
    struct pt *one[16], **leaf;
    size_t n, cap;
};

static void note_emptied(struct emptied *em, struct pt *leaf)
{
    if (em->n == em->cap) {
        em->cap *= 2;
        if (em->leaf == em->one) {
            em->leaf = vm_xmalloc(em->cap * sizeof *em->leaf); /* NOLINT(bugprone-sizeof-expression): pointers */
            memcpy(em->leaf, em->one, sizeof em->one);
        } else {
            em->leaf = vm_xrealloc(em->leaf, em->cap * sizeof *em->leaf); /* NOLINT(bugprone-sizeof-expression): pointers */
        }
    }
    em->leaf[em->n++] = leaf;
}

/* unmap_all: every entry mapping f is cleared (file and shared-memory
 * pages); the leaves they empty are noted. Returns the entries. */
static uint64_t unmap_all(struct vm *vm, uint32_t f, bool *written, struct emptied *em)
{
    uint64_t n = 0;
    struct rmap_entry e;
    while (rmap_first(&vm->rmap, f, &e)) {
        *written |= (e.leaf->e[e.i] & PTE_D) != 0;
        pte_unmap(&vm->pts, e.leaf, e.i);
        if (!e.leaf->used)
            note_emptied(em, e.leaf);
        n++;
    }
    return n;
}

/* evict: victim f leaves memory as SPEC section 10 says: an anon page (or a
 * shared-memory page) to its swap slot, written there unless it holds a
 * valid copy; a file page written back if it was written; its entries
 * become swap entries or are cleared; then f is free. */
static void evict(struct vm *vm, uint32_t f, const char *why)
{
    struct evict_fact evf, *ev = &evf;
    struct emptied em; /* its array is not cleared: only [0, n) is read */
    em.n = 0;
    em.cap = sizeof em.one / sizeof em.one[0];
    em.leaf = em.one;
    enum frame_kind kind = frame_kind(&vm->ft, f);
    bool shm = kind == FK_CACHE && shm_page(vm, f);
    tlb_begin(&vm->tlb); /* an operation of its own: its TLB removals count together */
    *ev = (struct evict_fact){.frame = f, .kind = kind, .shm = shm, .slot = SLOT_NONE, .why = why};
    if (kind == FK_ANON || shm) {
        uint32_t slot = swap_copy_of(&vm->swap, f);
        if (slot == SLOT_NONE) {
            slot = swap_write(&vm->swap, vm->ft.fr[f].value);
            VM_ASSERT(slot != SLOT_NONE); /* an eligible victim has a slot */
            ev->dirty = true;
        }
        ev->slot = slot;
        if (shm) {
            bool written = false;
            ev->entries = unmap_all(vm, f, &written, &em);
            swap_get(&vm->swap, slot); /* the object's page lies in the slot */
            pc_swap_out(&vm->pc, f, slot); /* frees f: its copy, if any, ends */
        } else {
            struct rmap_entry e;
            while (rmap_first(&vm->rmap, f, &e)) {
                pte_swap_out(&vm->pts, e.leaf, e.i, slot);
                ev->entries++;
            }
            VM_ASSERT(frame_ref(&vm->ft, f) == 0);
            frame_free(&vm->ft, f); /* its copy, if any, ends */
        }
        ev->slot_count = swap_count(&vm->swap, slot);
    } else {
        struct cache_page *cp = pc_page_of_frame(&vm->pc, f);
        VM_ASSERT(cp);
        ev->file = mobj_get(&vm->pc, cp->key.obj)->name;
        ev->file_page = cp->key.page;
        bool written = (vm->ft.fr[f].kind & FF_DIRTY) != 0;
        ev->entries = unmap_all(vm, f, &written, &em);
        ev->dirty = written;
        if (written)
            vm->c.writebacks++;
        pc_evict(&vm->pc, f); /* the value goes to the file; f is free */
    }
    vm->c.evictions++;
    vm->c.evictions_dirty += ev->dirty;
    if (vm_wants(vm, FACT_EVICT)) {
        struct fact fa = {.kind = FACT_EVICT, .u.evict = evf};
        vm_tell(vm, &fa);
    }
    /* tables left with no entry in use go, but those on the current page's path */
    for (size_t i = 0; i < em.n; i++)
        pt_prune_leaf(&vm->pts, em.leaf[i], vm->keep_pt, vm->keep_va);
    if (em.leaf != em.one)
        free(em.leaf);
    tlb_end(&vm->tlb);
}

/* evict_one: the policy's victim out of memory; false if it has none */
static bool evict_one(struct vm *vm)
{
    if (!vm_replacing(vm))
        return false;
    char why[256]; /* the longest reason (lru's, with frames passed over) is about 200 */
    struct policy_ask ask = {.eligible = eligible,
                             .referenced = referenced,
                             .ctx = vm,
                             .pinned = vm->pinned,
                             .npinned = vm->npinned,
                             .slot_free = !swap_full(&vm->swap),
                             .why = vm_wants(vm, FACT_EVICT) ? why : NULL,
                             .why_len = sizeof why};
    why[0] = 0;
    uint32_t f = policy_choose(&vm->pol, &ask);
    if (f == FRAME_NONE)
        return false;
    evict(vm, f, why);
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
        uint32_t f = vm->ft.used < vm->ft.n ? frame_alloc_lowest(&vm->ft, kind) : FRAME_NONE;
        if (f != FRAME_NONE) {
            if (vm_wants(vm, FACT_FRAME_TAKEN)) {
                struct fact fa = {.kind = FACT_FRAME_TAKEN, .u.frame = {f, kind}};
                vm_tell(vm, &fa);
            }
            return f;
        }
        if (reclaim_one(vm))
            continue;
        VM_ASSERT(!vm->in_fork); /* a fork counts its frames first: it never evicts */
        if (evict_one(vm))
            continue;
        if (vm->cfg.oom == OOM_FAIL) {
            vm_error(vm, "out of memory: no free frame%s (--oom fail)",
                     vm_replacing(vm) ? ", no cache page to drop and no page to evict" : " and no cache page to drop");
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
