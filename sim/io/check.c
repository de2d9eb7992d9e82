/* check.c -- the invariants of --check (see check.h). Slow on purpose: it
 * recounts everything from the tables up. */
#include "vmsim/check.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <utlist.h>

#include "vmsim/aspace.h"
#include "vmsim/engine.h"
#include "vmsim/exclusive.h"
#include "vmsim/proc.h"
#include "vmsim/util.h"

struct census {
    struct vm *vm;
    uint32_t *refs;     /* entries mapping each frame */
    uint64_t zero_refs;
    uint64_t tables;    /* distinct tables */
    uint32_t mark;
    struct pt **leaves; /* distinct leaves, to check share counts */
    size_t nleaves, capleaves;
    uint64_t pt_frames;
    uint32_t pid; /* the process whose space is being walked */
    uint32_t *slot_refs; /* swap entries naming each slot (an entry of a shared leaf once) */
    uint32_t *objs;      /* shared-memory objects naming each slot */
    uint64_t as_swaps;   /* swap entries the walked space reaches */
};

#define FAIL(...) (vm_error(c->vm, "--check: " __VA_ARGS__), -1)

/* check_linux: the marks of the rules closer to Linux on present entry e at
 * va of VMA v, in leaf t: a VMA that maps an anon frame has had one
 * (anon_vma); an exclusive frame is mapped from an unshared leaf; with
 * --exclusive-reuse every writable entry of an anon frame maps an exclusive
 * one (exclusive.h) */
static int check_linux(struct census *c, const struct pt *t, const struct vma *v, uint64_t e, uint64_t va)
{
    const struct frames *ft = &c->vm->ft;
    uint32_t f = pte_frame(e);
    if (f == ft->n || frame_kind(ft, f) != FK_ANON)
        return 0;
    if (!v->anon_vma)
        return FAIL("the VMA at 0x%" PRIx64 " maps anon frame %" PRIu32 " but is not marked as having had one",
                    v->start, f);
    if (frame_exclusive(ft, f) && t->share > 1)
        return FAIL("exclusive frame %" PRIu32 " is mapped from a shared leaf at 0x%" PRIx64, f, va);
    if (c->vm->cfg.exclusive_reuse && (e & PTE_W) && !frame_exclusive(ft, f))
        return FAIL("the writable entry at 0x%" PRIx64 " maps anon frame %" PRIu32 ", which is not exclusive", va,
                    f);
    return 0;
}

static int walk_table(struct census *c, struct aspace *as, struct pt *t, unsigned level, uint64_t base,
                      uint64_t *rss, uint64_t *pages)
{
    struct vm *vm = c->vm;
    const struct arch *a = vm->arch;
    unsigned n = 1u << a->level_bits;
    uint64_t span = arch_span(a, level);
    bool leaf = level == a->levels - 1;
    (*pages)++;
    if (leaf) {
        bool owned = false;
        for (uint32_t k = 0; k < t->share && !owned; k++)
            owned = pt_leaf_owner(t, k) == &as->pt;
        if (!owned)
            return FAIL("the leaf at 0x%" PRIx64 " of process %" PRIu32 "'s space does not name it an owner", base,
                        c->pid);
    }
    if (leaf && t->mark == c->mark) {
        /* a shared leaf, seen from another page table */
        t->seen++;
        *rss += t->rss;
        c->as_swaps += t->swaps;
        return 0;
    }
    t->mark = c->mark;
    t->seen = 1;
    c->tables++;
    if (leaf && t->base != base)
        return FAIL("a leaf at 0x%" PRIx64 " says it maps from 0x%" PRIx64, base, t->base);
    if (t->frame != FRAME_NONE) {
        c->pt_frames++;
        if (t->frame >= vm->ft.n || frame_kind(&vm->ft, t->frame) != FK_PT)
            return FAIL("a table's frame %" PRIu32 " is not of kind pt", t->frame);
        if (c->refs[t->frame]++) /* a pt frame belongs to one table */
            return FAIL("pt frame %" PRIu32 " holds two page tables", t->frame);
    } else if (vm->cfg.pt_frames) {
        return FAIL("a table has no frame under --pt-frames");
    }
    uint32_t used = 0, lrss = 0, lswaps = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t e = t->e[i];
        if (!e)
            continue;
        used++;
        uint64_t va = base + (uint64_t)i * span;
        if (!leaf) {
            if (walk_table(c, as, (struct pt *)(uintptr_t)e, level + 1, va, rss, pages))
                return -1;
            continue;
        }
        if (pte_is_swap(e)) {
            uint32_t slot = pte_slot(e);
            if (e != pte_make_swap(slot))
                return FAIL("the swap entry at 0x%" PRIx64 " has other bits set", va);
            if (slot >= vm->swap.n || !lowbits_has(&vm->swap.inuse, slot))
                return FAIL("the swap entry at 0x%" PRIx64 " names slot %" PRIu32 ", which is not in use", va, slot);
            c->slot_refs[slot]++;
            lswaps++;
            struct vma *sv = vma_find(&as->vmas, va);
            if (!sv || sv->shared)
                return FAIL("a swap entry at 0x%" PRIx64 " lies outside every private VMA", va);
            continue;
        }
        if (!(e & PTE_P))
            return FAIL("a leaf entry at 0x%" PRIx64 " has bits but is not present", va);
        uint32_t f = pte_frame(e);
        if (f > vm->ft.n)
            return FAIL("the entry at 0x%" PRIx64 " maps frame %" PRIu32 ", past the pool", va, f);
        if (f == vm->ft.n) {
            c->zero_refs++;
            if (e & PTE_W)
                return FAIL("the zero page is mapped writable at 0x%" PRIx64, va);
        } else {
            c->refs[f]++;
            lrss++;
            enum frame_kind k = frame_kind(&vm->ft, f);
            if (k != FK_ANON && k != FK_CACHE)
                return FAIL("the entry at 0x%" PRIx64 " maps frame %" PRIu32 " of kind %d", va, f, (int)k);
        }
        struct vma *v = vma_find(&as->vmas, va);
        if (!v)
            return FAIL("an entry at 0x%" PRIx64 " lies outside every VMA", va);
        if ((e & PTE_W) && !(v->prot & VMA_W))
            return FAIL("a writable entry at 0x%" PRIx64 " in a VMA without w", va);
        if (!(e & PTE_W) && v->shared && (v->prot & VMA_W))
            return FAIL("a read-only entry at 0x%" PRIx64 " in a shared VMA with w", va);
        if (check_linux(c, t, v, e, va))
            return -1;
    }
    if (used != t->used)
        return FAIL("a table at level %u counts %" PRIu32 " entries in use, holds %" PRIu32, level, t->used, used);
    if (leaf && lrss != t->rss)
        return FAIL("a leaf counts rss %" PRIu32 ", holds %" PRIu32, t->rss, lrss);
    if (leaf && lswaps != t->swaps)
        return FAIL("a leaf counts %" PRIu32 " swap entries, holds %" PRIu32, t->swaps, lswaps);
    if (leaf)
        c->as_swaps += lswaps;
    if (level > 0 && !used)
        return FAIL("an empty table at level %u was not freed", level);
    if (leaf) {
        *rss += lrss;
        if (c->nleaves == c->capleaves) {
            c->capleaves = c->capleaves ? 2 * c->capleaves : 64;
            /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of table pointers */
            c->leaves = vm_xrealloc(c->leaves, c->capleaves * sizeof *c->leaves);
        }
        c->leaves[c->nleaves++] = t;
    }
    return 0;
}

/* private_writable_ok: no writable entry of a private VMA maps a frame with
 * refcount above 1 */
struct pw_ctx {
    struct census *c;
    uint64_t bad;
};

static int check_private(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct pw_ctx *w = ctx;
    struct vm *vm = w->c->vm;
    for (unsigned k = i0; k < i1; k++) {
        uint64_t e = leaf->e[k];
        if ((e & PTE_P) && (e & PTE_W) && frame_refcount(&vm->ft, pte_frame(e)) > 1) {
            w->bad = base + ((uint64_t)k << vm->arch->page_shift);
            return 1;
        }
    }
    return 0;
}

static int check_spaces(struct census *c)
{
    struct vm *vm = c->vm;
    struct proc *p, *tmp;
    uint64_t mark = vm_next_mark(vm);
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        struct aspace *as = p->as;
        if (!as || as->mark == mark)
            continue;
        as->mark = mark;
        uint64_t rss = 0, pages = 0;
        if (!as->pt.root)
            return FAIL("process %" PRIu32 " has no root table", p->pid);
        c->pid = p->pid;
        c->as_swaps = 0;
        if (walk_table(c, as, as->pt.root, 0, 0, &rss, &pages))
            return -1;
        if (c->as_swaps != as->pt.swaps)
            return FAIL("process %" PRIu32 " counts %" PRIu64 " swap entries, its tables hold %" PRIu64, p->pid,
                        as->pt.swaps, c->as_swaps);
        if (rss != as->pt.rss)
            return FAIL("process %" PRIu32 " counts rss %" PRIu64 ", its tables hold %" PRIu64, p->pid, as->pt.rss,
                        rss);
        if (pages != as->pt.pages)
            return FAIL("process %" PRIu32 " counts %" PRIu64 " tables, reaches %" PRIu64, p->pid, as->pt.pages,
                        pages);
        for (size_t i = 0; i < as->vmas.n; i++) {
            const struct vma *v = &as->vmas.v[i];
            if (i && as->vmas.v[i - 1].end > v->start)
                return FAIL("process %" PRIu32 ": VMAs overlap at 0x%" PRIx64, p->pid, v->start);
            if ((v->start | v->end | v->off) & (vm->arch->page_size - 1))
                return FAIL("process %" PRIu32 ": the VMA [0x%" PRIx64 ", 0x%" PRIx64 ") is not page-aligned", p->pid,
                            v->start, v->end);
            if (v->end <= v->start)
                return FAIL("process %" PRIu32 ": the VMA at 0x%" PRIx64 " is empty", p->pid, v->start);
            if (v->shared)
                continue;
            struct pw_ctx w = {c, 0};
            if (pt_for_each_leaf(&vm->pts, &as->pt, v->start, v->end, check_private, &w))
                return FAIL("a writable entry of a private VMA at 0x%" PRIx64 " maps a frame with refcount above 1",
                            w.bad);
        }
    }
    for (size_t i = 0; i < c->nleaves; i++)
        if (c->leaves[i]->seen != c->leaves[i]->share)
            return FAIL("a leaf table counts %" PRIu32 " sharers, %" PRIu32 " point at it", c->leaves[i]->share,
                        c->leaves[i]->seen);
    return 0;
}

static int check_frames(struct census *c)
{
    struct vm *vm = c->vm;
    struct frames *ft = &vm->ft;
    uint32_t count[FK_COUNT] = {0};
    uint32_t droppable = 0;
    for (uint32_t f = 0; f < ft->n; f++) {
        enum frame_kind k = frame_kind(ft, f);
        count[k]++;
        bool bit = lowbits_has(&ft->inuse, f);
        if (bit != (k != FK_FREE))
            return FAIL("frame %" PRIu32 " is %s in the bitmap but of kind %d", f, bit ? "used" : "free", (int)k);
        uint32_t want = c->refs[f];
        if (k == FK_CACHE) {
            want++;
            struct cache_page *cp = pc_page_of_frame(&vm->pc, f);
            if (!cp || cp->frame != f || pc_lookup(&vm->pc, cp->key.obj, cp->key.page) != f)
                return FAIL("cache frame %" PRIu32 " is not found in the page cache", f);
            if (frame_droppable_ok(ft, f) && frame_ref(ft, f) == 1)
                droppable++;
        }
        if (k == FK_FREE && want)
            return FAIL("free frame %" PRIu32 " is mapped", f);
        if (k == FK_PT && want != 1)
            return FAIL("pt frame %" PRIu32 " belongs to %" PRIu32 " tables", f, want);
        if (k != FK_FREE && k != FK_PT && frame_ref(ft, f) != want)
            return FAIL("frame %" PRIu32 " has refcount %" PRIu32 ", but %" PRIu32 " references", f, frame_ref(ft, f),
                        want);
        if (k == FK_ANON && !want)
            return FAIL("anon frame %" PRIu32 " is used but nothing maps it", f);
        if ((ft->fr[f].kind & FF_EXCLUSIVE) && (!vm->cfg.exclusive_reuse || k != FK_ANON || frame_ref(ft, f) != 1))
            return FAIL("frame %" PRIu32 " is marked exclusive but is %s with refcount %" PRIu32, f,
                        frame_kind_names[k], frame_ref(ft, f));
    }
    /* each summary bit says whether the word below it is full */
    unsigned level;
    uint64_t w;
    if (lowbits_check(&ft->inuse, &level, &w)) {
        bool full = ft->inuse.bits[level - 1][w] == ~UINT64_C(0);
        return FAIL("free-frame bitmap, summary level %u, bit %" PRIu64 ": says %s, the word is %s", level, w,
                    full ? "not full" : "full", full ? "full" : "not full");
    }
    if (ft->zero_refs != c->zero_refs)
        return FAIL("the zero page has refcount %" PRIu64 ", but %" PRIu64 " entries map it", ft->zero_refs,
                    c->zero_refs);
    for (int k = 0; k < FK_COUNT; k++)
        if (k != FK_ZERO && count[k] != ft->count[k])
            return FAIL("%" PRIu32 " frames of kind %d are counted, %" PRIu32 " found", ft->count[k], k, count[k]);
    if (ft->used != ft->n - count[FK_FREE])
        return FAIL("frames_used is %" PRIu32 " but %" PRIu32 " frames are not free", ft->used,
                    ft->n - count[FK_FREE]);
    if (droppable != ft->droppable)
        return FAIL("%" PRIu32 " cache frames counted droppable, %" PRIu32 " are", ft->droppable, droppable);
    if (c->tables != vm->pts.tables)
        return FAIL("%" PRIu64 " page tables counted, %" PRIu64 " found", vm->pts.tables, c->tables);
    if (vm->cfg.pt_frames && count[FK_PT] != c->pt_frames)
        return FAIL("%" PRIu32 " pt frames, but %" PRIu64 " tables", count[FK_PT], c->pt_frames);
    if (vm->pc.npages != HASH_COUNT(vm->pc.pages))
        return FAIL("the page cache counts %" PRIu64 " pages, holds %u", vm->pc.npages, HASH_COUNT(vm->pc.pages));
    return 0;
}

static int check_objects(struct census *c)
{
    struct vm *vm = c->vm;
    struct mobj *o, *otmp;
    HASH_ITER(hh, vm->pc.objs, o, otmp)
    {
        if (!o->shm)
            continue;
        uint64_t n = 0;
        struct proc *p, *tmp;
        uint64_t stamp = vm_next_mark(vm);
        HASH_ITER(hh, vm->procs, p, tmp)
        {
            if (!p->as || p->as->mark == stamp)
                continue;
            p->as->mark = stamp;
            for (size_t i = 0; i < p->as->vmas.n; i++)
                n += p->as->vmas.v[i].obj == o->id;
        }
        if (n != o->vma_refs)
            return FAIL("%s is mapped by %" PRIu64 " VMAs but counts %" PRIu64, o->name, n, o->vma_refs);
        if (!n)
            return FAIL("%s is mapped by no VMA but still exists", o->name);
    }
    return 0;
}

static int check_procs(struct census *c)
{
    struct vm *vm = c->vm;
    uint64_t live = 0, zombies = 0;
    struct proc *p, *tmp;
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        if (p->state == PS_ZOMBIE) {
            zombies++;
            if (p->as)
                return FAIL("zombie %" PRIu32 " still has an address space", p->pid);
        } else {
            live++;
            if (!p->as)
                return FAIL("process %" PRIu32 " has no address space", p->pid);
        }
        if (p->state == PS_SUSPENDED) {
            struct proc *k = proc_find(vm, p->vfork_child);
            if (!k || k->vfork_parent != p->pid || k->as != p->as || k->state == PS_ZOMBIE)
                return FAIL("suspended process %" PRIu32 " does not wait for a living vfork child", p->pid);
        }
        if (p->ppid) {
            struct proc *pp = proc_find(vm, p->ppid);
            bool found = false;
            if (pp) {
                struct proc *k;
                DL_FOREACH2(pp->children, k, sib_next)
                if (k == p)
                    found = true;
            }
            if (!found)
                return FAIL("process %" PRIu32 " is not in the children of its parent %" PRIu32, p->pid, p->ppid);
            if (pp->state == PS_ZOMBIE)
                return FAIL("process %" PRIu32 " has a zombie parent %" PRIu32, p->pid, p->ppid);
        }
    }
    /* the parent links form no cycle: walk up from each process until a
     * process already seen to end well (marked done) or no parent; meeting
     * the walk's own mark is a cycle. Each process is walked over once. */
    uint64_t done = vm_next_mark(vm);
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        uint64_t path = vm_next_mark(vm);
        struct proc *q = p;
        while (q && q->mark != done) {
            if (q->mark == path)
                return FAIL("the parents of process %" PRIu32 " form a cycle", p->pid);
            q->mark = path;
            q = q->ppid ? proc_find(vm, q->ppid) : NULL;
        }
        for (q = p; q && q->mark == path; q = q->ppid ? proc_find(vm, q->ppid) : NULL)
            q->mark = done;
    }
    if (live != vm->live || zombies != vm->zombies || live + zombies != vm->nprocs)
        return FAIL("process counts: live %" PRIu64 "/%" PRIu64 ", zombies %" PRIu64 "/%" PRIu64, vm->live, live,
                    vm->zombies, zombies);
    char msg[200];
    if (proc_check_zombies(vm, msg, sizeof msg))
        return FAIL("%s", msg);
    return 0;
}

/* check_swap: slot counts against the entries and objects that name them,
 * the swap cache's copies, the policy's stamps and lists */
static int check_swap(struct census *c)
{
    struct vm *vm = c->vm;
    const struct swap *sw = &vm->swap;
    char msg[200];
    if (!vm_replacing(vm))
        return 0;
    uint32_t *objs = c->objs;
    int r = 0;
    struct swapped_page *sp, *stmp;
    HASH_ITER(hh, vm->pc.swapped, sp, stmp)
    {
        if (sp->slot >= sw->n) {
            r = FAIL("%s page %" PRIu64 " lies in slot %" PRIu32 ", past the swap space",
                     mobj_get(&vm->pc, sp->key.obj)->name, sp->key.page, sp->slot);
            break;
        }
        objs[sp->slot]++;
    }
    if (!r && swap_check(sw, c->slot_refs, objs, msg, sizeof msg))
        r = vm_error(vm, "--check: %s", msg);
    for (uint32_t f = 0; !r && f < vm->ft.n; f++) {
        uint32_t slot = swap_copy_of(sw, f);
        if (slot == SLOT_NONE)
            continue;
        enum frame_kind k = frame_kind(&vm->ft, f);
        if (k != FK_ANON && k != FK_CACHE)
            r = FAIL("frame %" PRIu32 " of kind %s holds a copy of swap slot %" PRIu32, f, frame_kind_names[k], slot);
        else if (vm->ft.fr[f].value != swap_value(sw, slot))
            r = FAIL("frame %" PRIu32 " holds a copy of swap slot %" PRIu32 " but its value differs", f, slot);
    }
    if (!r && policy_check(&vm->pol, &vm->ft, msg, sizeof msg))
        r = vm_error(vm, "--check: %s", msg);
    return r;
}

/* zeroed: n words of *a, zero, reallocated when *len is not n */
static uint32_t *zeroed(uint32_t **a, size_t *len, size_t n)
{
    if (*len != n) {
        free(*a);
        *a = vm_xcalloc(n, sizeof **a);
        *len = n;
    } else {
        memset(*a, 0, n * sizeof **a);
    }
    return *a;
}

/* checker_bytes: the counts a check keeps, a word for each frame and two
 * for each swap slot, and the frame table it reads whole (the model counts
 * only the frames used) */
static uint64_t checker_bytes(const struct vm *vm)
{
    return ((uint64_t)vm->ft.n + 1 + 2 * ((uint64_t)vm->swap.n + 1)) * sizeof(uint32_t) +
           (uint64_t)vm->ft.n * (sizeof *vm->ft.fr + sizeof *vm->ft.ref);
}

int vm_check_with(struct vm *vm, struct vm_checker *k)
{
    /* its counts are the simulator's memory too: within --max-memory,
     * with the model's */
    uint64_t max = vm->cfg.lim.max_memory;
    if (!k->refs && max && vm_model_bytes(vm) + checker_bytes(vm) > max)
        return vm_error(vm,
                        "--check needs %" PRIu64 " bytes to count %" PRIu32 " frames and %" PRIu32
                        " swap slots, more than --max-memory (%" PRIu64 ") leaves: give a smaller machine",
                        checker_bytes(vm), vm->ft.n, vm->swap.n, max);
    struct census c = {.vm = vm, .mark = (uint32_t)vm_next_mark(vm)};
    c.refs = zeroed(&k->refs, &k->nrefs, (size_t)vm->ft.n + 1);
    c.slot_refs = zeroed(&k->slot_refs, &k->nslot_refs, (size_t)vm->swap.n + 1);
    c.objs = zeroed(&k->objs, &k->nobjs, (size_t)vm->swap.n + 1);
    c.leaves = k->leaves;
    c.capleaves = k->capleaves;
    int r = check_spaces(&c);
    if (!r)
        r = check_frames(&c);
    if (!r)
        r = check_objects(&c);
    if (!r)
        r = check_procs(&c);
    if (!r)
        r = check_swap(&c);
    if (!r) {
        char msg[200];
        if (rmap_check(&vm->rmap, msg, sizeof msg) || tlb_check(vm, msg, sizeof msg))
            r = vm_error(vm, "--check: %s", msg);
    }
    k->leaves = c.leaves; /* it may have grown */
    k->capleaves = c.capleaves;
    return r;
}

void vm_checker_free(struct vm_checker *k)
{
    free(k->refs);
    free(k->slot_refs);
    free(k->objs);
    free(k->leaves);
    *k = (struct vm_checker){0};
}

int vm_check(struct vm *vm)
{
    struct vm_checker k = {0};
    int r = vm_check_with(vm, &k);
    vm_checker_free(&k);
    return r;
}
