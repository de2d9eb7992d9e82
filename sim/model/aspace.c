/* aspace.c -- address spaces: program images, mmap / munmap / mprotect /
 * brk, fork in the three modes, and teardown (see aspace.h). */
#include "vmsim/aspace.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/exclusive.h"
#include "vmsim/util.h"

/* leaf_span: bytes one leaf table maps (0 if that is all 2^64). */
static inline uint64_t leaf_span(const struct vm *vm)
{
    unsigned shift = vm->arch->page_shift + vm->arch->level_bits;
    return shift >= 64 ? 0 : UINT64_C(1) << shift;
}

bool aspace_entry_is_cow(const struct vma *v, uint64_t pte)
{
    return (pte & PTE_P) && !(pte & PTE_W) && vma_private_writable(v);
}

/* ---- life --------------------------------------------------------------- */

struct aspace *aspace_new(struct vm *vm)
{
    struct aspace *as = vm_xcalloc(1, sizeof *as);
    as->id = ++vm->next_as_id;
    as->users = 1;
    vma_set_init(&as->vmas);
    if (pagetable_init(&vm->pts, &as->pt, as)) {
        free(as);
        return NULL;
    }
    return as;
}

void aspace_hold(struct aspace *as) { as->users++; }

void aspace_add_pid(struct aspace *as, uint32_t pid)
{
    if (as->npids == as->cappids) {
        as->cappids = as->cappids ? 2 * as->cappids : 2;
        as->pids = vm_xrealloc(as->pids, as->cappids * sizeof *as->pids);
    }
    as->pids[as->npids++] = pid;
}

void aspace_remove_pid(struct aspace *as, uint32_t pid)
{
    for (uint32_t i = 0; i < as->npids; i++)
        if (as->pids[i] == pid) {
            as->pids[i] = as->pids[--as->npids];
            return;
        }
    VM_ASSERT(!"a process not in its space's list");
}

void aspace_release(struct vm *vm, struct aspace *as, struct space_fact *sf)
{
    VM_ASSERT(as->users > 0);
    if (sf)
        *sf = (struct space_fact){0};
    if (--as->users)
        return;
    uint32_t used = vm->ft.used;
    uint64_t tables = vm->pts.tables;
    /* entries first: a shared-memory object's pages go with its last VMA */
    uint64_t entries = pagetable_destroy(&vm->pts, &as->pt);
    for (size_t i = 0; i < as->vmas.n; i++)
        if (as->vmas.v[i].obj && !vm->pts.dying) /* dying: the cache goes whole after */
            mobj_unref(&vm->pc, as->vmas.v[i].obj);
    vm->nvmas -= as->vmas.n;
    vma_set_destroy(&as->vmas);
    free(as->pids);
    free(as);
    if (sf)
        *sf = (struct space_fact){.dropped = true, .entries = entries, .frames = used - vm->ft.used,
                                  .tables = tables - vm->pts.tables};
}

static void add_vma(struct vm *vm, struct aspace *as, uint64_t start, uint64_t end, unsigned prot, bool shared,
                    uint32_t obj, uint64_t off)
{
    struct vma v = {.start = start, .end = end, .off = off, .obj = obj, .prot = (uint8_t)prot, .shared = shared};
    vma_insert(&as->vmas, &v);
    vm->nvmas++;
    if (obj)
        mobj_ref(&vm->pc, obj);
}

static int check_vma_limit(struct vm *vm, size_t n);

int aspace_image_fits(struct vm *vm, const struct program *prog)
{
    size_t n = 0;
    for (int k = 0; k < SEG_COUNT; k++)
        n += prog->seg[k] != 0;
    return check_vma_limit(vm, n);
}

void aspace_load_image(struct vm *vm, struct aspace *as, const struct program *prog)
{
    const struct arch *a = vm->arch;
    uint32_t file = mobj_file(&vm->pc, prog->name, strlen(prog->name));
    uint64_t at = a->text_base;
    const uint64_t *seg = prog->seg;
    if (seg[SEG_TEXT])
        add_vma(vm, as, at, at + seg[SEG_TEXT], VMA_R | VMA_X, false, file, 0);
    at += seg[SEG_TEXT];
    if (seg[SEG_DATA])
        add_vma(vm, as, at, at + seg[SEG_DATA], VMA_R | VMA_W, false, file, seg[SEG_TEXT]);
    at += seg[SEG_DATA];
    if (seg[SEG_BSS])
        add_vma(vm, as, at, at + seg[SEG_BSS], VMA_R | VMA_W, false, 0, 0);
    at += seg[SEG_BSS];
    as->heap_start = at;
    as->brk = at + seg[SEG_HEAP];
    if (seg[SEG_HEAP])
        add_vma(vm, as, at, as->brk, VMA_R | VMA_W, false, 0, 0);
    if (seg[SEG_STACK])
        add_vma(vm, as, a->user_top - seg[SEG_STACK], a->user_top, VMA_R | VMA_W, false, 0, 0);
    as->has_image = true;
}

/* ---- walking the leaves of a range, allowing changes ---------------------- */

struct chunk {
    struct pt *leaf;
    unsigned i0, i1;
    uint64_t base;
};

static int first_chunk(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct chunk *c = ctx;
    c->leaf = leaf;
    c->i0 = i0;
    c->i1 = i1;
    c->base = base;
    return 1;
}

/* next_chunk: the first existing leaf overlapping [start, end). Unlike
 * pt_for_each_leaf, the caller may then unshare, clear or free it. */
static bool next_chunk(struct vm *vm, struct aspace *as, uint64_t start, uint64_t end, struct chunk *c)
{
    return pt_for_each_leaf(&vm->pts, &as->pt, start, end, first_chunk, c) == 1;
}

/* after_chunk: where the next search starts, or false at the end */
static bool after_chunk(struct vm *vm, const struct chunk *c, uint64_t end, uint64_t *next)
{
    uint64_t span = leaf_span(vm);
    if (!span)
        return false;
    uint64_t n = c->base + span;
    if (n <= c->base || n >= end)
        return false;
    *next = n;
    return true;
}

/* unshare: as's own copy of the shared leaf covering va; an eviction while
 * the copy's frame is taken leaves this leaf's path alone */
static struct pt *unshare(struct vm *vm, struct aspace *as, uint64_t va)
{
    const struct pagetable *keep_pt = vm->keep_pt;
    uint64_t keep_va = vm->keep_va;
    vm->keep_pt = &as->pt;
    vm->keep_va = va;
    struct pt *leaf = pt_unshare_leaf(&vm->pts, &as->pt, va);
    vm->keep_pt = keep_pt;
    vm->keep_va = keep_va;
    return leaf;
}

/* ---- unmapping ------------------------------------------------------------ */

/* clear_range: clears the present entries of [start, end), unsharing shared
 * leaves first and freeing tables that empty. -1 if the event must stop. */
static int clear_range(struct vm *vm, struct aspace *as, uint64_t start, uint64_t end)
{
    struct chunk c;
    uint64_t at = start;
    while (next_chunk(vm, as, at, end, &c)) {
        unsigned k;
        for (k = c.i0; k < c.i1 && !c.leaf->e[k]; k++) /* the first entry in use: present or swap */
            ;
        if (k < c.i1) {
            uint64_t va = c.base + ((uint64_t)k << vm->arch->page_shift);
            struct pt *leaf = c.leaf;
            if (leaf->share > 1) {
                leaf = unshare(vm, as, va);
                if (!leaf)
                    return -1;
            }
            for (; k < c.i1; k++)
                pte_clear(&vm->pts, &as->pt, leaf, k);
            if (!leaf->used)
                pt_prune(&vm->pts, &as->pt, va);
        }
        if (!after_chunk(vm, &c, end, &at))
            break;
    }
    return 0;
}

/* vmas_after_unmap: how many VMAs the set has once [start, end) is unmapped */
static size_t vmas_after_unmap(const struct vma_set *s, uint64_t start, uint64_t end)
{
    size_t n = s->n;
    for (size_t i = vma_first_ending_after(s, start); i < s->n && s->v[i].start < end; i++) {
        const struct vma *v = &s->v[i];
        if (v->start < start && v->end > end)
            n++;
        else if (v->start >= start && v->end <= end)
            n--;
    }
    return n;
}

static int check_vma_limit(struct vm *vm, size_t n)
{
    if (vm->cfg.lim.max_vmas && n > vm->cfg.lim.max_vmas)
        return vm_error(vm, "too many VMAs in one address space (limit %llu, like Linux's vm.max_map_count)",
                        (unsigned long long)vm->cfg.lim.max_vmas);
    return 0;
}

/* split_at: a VMA boundary at addr (the new piece references its object) */
static void split_at(struct vm *vm, struct aspace *as, uint64_t addr)
{
    size_t i = vma_split(&as->vmas, addr);
    if (i != SIZE_MAX) {
        vm->nvmas++;
        if (as->vmas.v[i].obj)
            mobj_ref(&vm->pc, as->vmas.v[i].obj);
    }
}

/* remove_vmas: drops the VMAs inside [start, end), splitting at the ends */
static void remove_vmas(struct vm *vm, struct aspace *as, uint64_t start, uint64_t end)
{
    split_at(vm, as, start);
    split_at(vm, as, end);
    size_t i = vma_first_ending_after(&as->vmas, start), j = i;
    while (j < as->vmas.n && as->vmas.v[j].start < end)
        j++;
    /* unref after removal: an object's pages may go with its last VMA */
    uint32_t objs_small[16];
    uint32_t *objs = j - i <= 16 ? objs_small : vm_xmalloc((j - i) * sizeof *objs);
    for (size_t k = 0; k < j - i; k++)
        objs[k] = as->vmas.v[i + k].obj;
    vma_remove_at(&as->vmas, i, j);
    vm->nvmas -= j - i;
    for (size_t k = 0; k < j - i; k++)
        if (objs[k])
            mobj_unref(&vm->pc, objs[k]);
    if (objs != objs_small)
        free(objs);
}

int aspace_munmap(struct vm *vm, struct aspace *as, uint64_t start, uint64_t end)
{
    if (check_vma_limit(vm, vmas_after_unmap(&as->vmas, start, end)))
        return -1;
    if (clear_range(vm, as, start, end))
        return -1;
    remove_vmas(vm, as, start, end);
    return 0;
}

int aspace_mmap(struct vm *vm, struct aspace *as, uint64_t start, uint64_t len, unsigned prot, bool shared,
                uint32_t obj, uint64_t off)
{
    uint64_t end = start + len;
    if (check_vma_limit(vm, vmas_after_unmap(&as->vmas, start, end) + 1))
        return -1;
    if (clear_range(vm, as, start, end))
        return -1;
    remove_vmas(vm, as, start, end);
    if (obj == ASPACE_SHM_NEW)
        obj = mobj_shm_new(&vm->pc);
    add_vma(vm, as, start, end, prot, shared, obj, off);
    return 0;
}

/* ---- protection ----------------------------------------------------------- */

/* protected_w: what the writable bit of present entry e of VMA v becomes
 * under protection prot (1 set, 0 clear, -1 as it is): no w clears it; w
 * on a shared VMA sets it; a private VMA's entries stay read-only until the
 * next write fault decides (cow or reuse). */
static int protected_w(const struct vma *v, unsigned prot, uint64_t e)
{
    (void)e;
    if (!(prot & VMA_W))
        return 0;
    return v->shared ? 1 : -1;
}

/* changes_under: would present entry e change under protection prot? */
static bool changes_under(const struct vma *v, unsigned prot, uint64_t e)
{
    int w = protected_w(v, prot, e);
    return (e & PTE_P) && w >= 0 && (w != 0) != ((e & PTE_W) != 0);
}

/* unshare_for_protect: gives as its own copy of every shared leaf in which
 * an entry of v would change under prot. -1 if the event must stop (then
 * no entry has changed: unsharing alone changes nothing that shows). */
static int unshare_for_protect(struct vm *vm, struct aspace *as, const struct vma *v, unsigned prot)
{
    struct chunk c;
    uint64_t at = v->start;
    while (next_chunk(vm, as, at, v->end, &c)) {
        if (c.leaf->share > 1) {
            unsigned k;
            for (k = c.i0; k < c.i1 && !changes_under(v, prot, c.leaf->e[k]); k++)
                ;
            if (k < c.i1) {
                struct pt *l = unshare(vm, as, c.base);
                if (!l)
                    return -1;
                if (!l->used) /* an eviction emptied it meanwhile */
                    pt_prune(&vm->pts, &as->pt, c.base);
            }
        }
        if (!after_chunk(vm, &c, v->end, &at))
            break;
    }
    return 0;
}

struct protect_ctx {
    struct vm *vm;
    struct aspace *as;
    const struct vma *v;
};

static int want_w(void *ctx, uint64_t e)
{
    const struct vma *v = ctx;
    return protected_w(v, v->prot, e);
}

static int protect_chunk(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct protect_ctx *pc = ctx;
    (void)base;
    pte_protect_range(&pc->vm->pts, &pc->as->pt, leaf, i0, i1, want_w, (void *)pc->v);
    return 0;
}

/* ---- closer to Linux: mprotect of exclusive frames (docs/model.md, "--exclusive-reuse") ---- */

static int exclusive_w(void *ctx, uint64_t e)
{
    const struct vm *vm = ctx;
    return frame_exclusive(&vm->ft, pte_frame(e)) ? 1 : -1;
}

static int upgrade_chunk(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct protect_ctx *pc = ctx;
    (void)base;
    pte_protect_range(&pc->vm->pts, &pc->as->pt, leaf, i0, i1, exclusive_w, pc->vm);
    return 0;
}

/* upgrade_exclusive: --exclusive-reuse: an mprotect that added w to the
 * private VMA v (whose protection was old_prot) makes its present entries
 * that map an exclusive anon frame writable at once, where a write fault
 * would only reuse the frame (Linux's PageAnonExclusive and
 * can_change_pte_writable). An exclusive frame is never in a shared leaf:
 * nothing to unshare. */
static void upgrade_exclusive(struct vm *vm, struct aspace *as, const struct vma *v, unsigned old_prot)
{
    if (!vm->cfg.exclusive_reuse || v->shared || !(v->prot & VMA_W) || (old_prot & VMA_W))
        return;
    struct protect_ctx pc = {vm, as, v};
    pt_for_each_leaf(&vm->pts, &as->pt, v->start, v->end, upgrade_chunk, &pc);
}

int aspace_mprotect(struct vm *vm, struct aspace *as, uint64_t start, uint64_t end, unsigned prot)
{
    if (!vma_covers(&as->vmas, start, end))
        return vm_error(vm, "mprotect of [0x%llx, 0x%llx): part of the range is not mapped",
                        (unsigned long long)start, (unsigned long long)end);
    size_t n = as->vmas.n;
    struct vma *lo = vma_find(&as->vmas, start), *hi = vma_find(&as->vmas, end - 1);
    n += (lo->start < start) + (hi->end > end);
    if (check_vma_limit(vm, n))
        return -1;
    /* first every frame the change needs (unsharing leaves, which may
     * reclaim or kill); then the change itself, which cannot stop half way */
    for (size_t i = vma_first_ending_after(&as->vmas, start); i < as->vmas.n && as->vmas.v[i].start < end; i++) {
        struct vma v = as->vmas.v[i];
        v.start = v.start > start ? v.start : start;
        v.end = v.end < end ? v.end : end;
        if (unshare_for_protect(vm, as, &v, prot))
            return -1;
    }
    split_at(vm, as, start);
    split_at(vm, as, end);
    for (size_t i = vma_first_ending_after(&as->vmas, start); i < as->vmas.n && as->vmas.v[i].start < end; i++) {
        struct vma *v = &as->vmas.v[i];
        unsigned old_prot = v->prot;
        v->prot = (uint8_t)prot;
        struct protect_ctx pc = {vm, as, v};
        pt_for_each_leaf(&vm->pts, &as->pt, v->start, v->end, protect_chunk, &pc);
        upgrade_exclusive(vm, as, v, old_prot);
    }
    return 0;
}

/* ---- the break ------------------------------------------------------------ */

int aspace_brk(struct vm *vm, struct aspace *as, uint64_t new_brk)
{
    const struct arch *a = vm->arch;
    if (new_brk < as->heap_start)
        return vm_error(vm, "the break cannot go below the heap start 0x%llx (asked 0x%llx)",
                        (unsigned long long)as->heap_start, (unsigned long long)new_brk);
    uint64_t old_end = 0, new_end;
    if (new_brk > a->user_top || !arch_page_up(a, new_brk, &new_end) || new_end > a->user_top)
        return vm_error(vm, "the break 0x%llx would reach user_top 0x%llx", (unsigned long long)new_brk,
                        (unsigned long long)a->user_top);
    arch_page_up(a, as->brk, &old_end);
    if (new_end > old_end) {
        if (vma_overlaps(&as->vmas, old_end, new_end)) {
            size_t i = vma_first_ending_after(&as->vmas, old_end);
            return vm_error(vm, "the break 0x%llx would reach the VMA at 0x%llx", (unsigned long long)new_brk,
                            (unsigned long long)as->vmas.v[i].start);
        }
        struct vma *prev = old_end > 0 ? vma_find(&as->vmas, old_end - 1) : NULL;
        if (prev && prev->end == old_end && prev->prot == (VMA_R | VMA_W) && !prev->shared && !prev->obj &&
            prev->start >= as->heap_start) {
            prev->end = new_end;
        } else {
            if (check_vma_limit(vm, as->vmas.n + 1))
                return -1;
            add_vma(vm, as, old_end, new_end, VMA_R | VMA_W, false, 0, 0);
        }
    } else if (new_end < old_end) {
        if (aspace_munmap(vm, as, new_end, old_end))
            return -1;
    }
    as->brk = new_brk;
    return 0;
}

/* ---- fork ------------------------------------------------------------------ */

struct fork_count {
    struct vm *vm;
    const struct vma *v;
    uint64_t last[64]; /* per level: the last table counted, +1 (0: none) */
    uint64_t tables;
    uint64_t frames;
    bool copy_frames;  /* copy mode: anon entries need frames */
    bool leaf_tables;  /* cow/copy: the child has its own leaves */
    bool at_most;      /* count every leaf's tables, with entries or not: a bound, without reading entries */
};

/* count_tables: the child's tables that hold the page at base, counted
 * once each (leaves come in rising address order). */
static void count_tables(struct fork_count *fc, uint64_t base)
{
    const struct arch *a = fc->vm->arch;
    unsigned top = fc->leaf_tables ? a->levels - 1 : a->levels - 2;
    for (unsigned l = 1; l <= top; l++) {
        uint64_t span = arch_span(a, l - 1);
        uint64_t key = (base / span) + 1; /* NOLINT(clang-analyzer-core.DivideZero): l >= 1, span < 2^va_bits */
        if (fc->last[l] != key) {
            fc->last[l] = key;
            fc->tables++;
        }
    }
}

static int count_chunk(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct fork_count *fc = ctx;
    struct frames *ft = &fc->vm->ft;
    if (fc->at_most) {
        count_tables(fc, base);
        return 0;
    }
    bool any = false;
    for (unsigned k = i0; k < i1; k++) {
        uint64_t e = leaf->e[k];
        if (!e)
            continue;
        any = true; /* a swap entry needs the child's table too, not a frame */
        if (fc->copy_frames && (e & PTE_P) && frame_kind(ft, pte_frame(e)) == FK_ANON && pte_frame(e) != ft->n)
            fc->frames++;
    }
    if (any || !fc->leaf_tables)
        count_tables(fc, base);
    return 0;
}

static int find_anon(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct fork_count *fc = ctx;
    (void)base;
    for (unsigned k = i0; k < i1; k++) {
        uint64_t e = leaf->e[k];
        if (pte_is_swap(e)) /* an anon page in swap counts as one in memory */
            return 1;
        if ((e & PTE_P) && pte_frame(e) != fc->vm->ft.n && frame_kind(&fc->vm->ft, pte_frame(e)) == FK_ANON)
            return 1;
    }
    return 0;
}

/* vma_maps_anon: does any present entry of v map an anon frame, or any
 * entry name a swap slot? */
static bool vma_maps_anon(struct vm *vm, struct aspace *as, const struct vma *v)
{
    struct fork_count fc = {.vm = vm};
    return pt_for_each_leaf(&vm->pts, &as->pt, v->start, v->end, find_anon, &fc) == 1;
}

/* fork_copies_vma: does the child get v's entries? --lazy-fork skips a VMA
 * that maps no anon frame now, or with --anon-vma one that never had an
 * anon page (Linux's vma_needs_copy: the VMA has an anon_vma) */
static bool fork_copies_vma(struct vm *vm, struct aspace *as, const struct vma *v)
{
    if (vm->cfg.fork == FORK_SHAREPT || !vm->cfg.lazy_fork)
        return true;
    return vm->cfg.anon_vma ? v->anon_vma : vma_maps_anon(vm, as, v);
}

struct fork_copy {
    struct vm *vm;
    struct aspace *parent, *child;
    const struct vma *v;
    bool copy;
};

/* copy_frame: copy mode's new frame for an anon frame (counted before, so
 * it can be had); FRAME_NONE for frames that are shared */
static uint32_t copy_frame(void *ctx, uint32_t f)
{
    struct fork_copy *fc = ctx;
    struct vm *vm = fc->vm;
    if (frame_kind(&vm->ft, f) != FK_ANON)
        return FRAME_NONE;
    uint32_t g = pt_take_frame(&vm->pts, FK_ANON);
    VM_ASSERT(g != FRAME_NONE); /* counted before */
    vm->ft.fr[g].value = vm->ft.fr[f].value;
    vm->c.pages_copied++;
    if (vm_replacing(vm)) /* a copy is a fill: stamps, and a candidate */
        policy_fill(&vm->pol, g);
    return g;
}

/* copy_chunk: cow / copy fork of the entries of one leaf chunk */
static int copy_chunk(void *ctx, struct pt *pl, unsigned i0, unsigned i1, uint64_t base)
{
    struct fork_copy *fc = ctx;
    const struct vma *v = fc->v;
    pt_fork_leaf(&fc->vm->pts, &fc->parent->pt, &fc->child->pt, pl, i0, i1, base, !v->shared,
                 (v->prot & VMA_W) != 0, fc->copy ? copy_frame : NULL, fc);
    return 0;
}

/* share_chunk: sharept fork of one leaf chunk: link the leaf, and make the
 * private VMA's writable entries in it read-only (cow) */
static int share_chunk(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct fork_copy *fc = ctx;
    int r = pt_share_leaf(&fc->vm->pts, &fc->parent->pt, &fc->child->pt, leaf, i0, i1, base, !fc->v->shared);
    VM_ASSERT(r == 0); /* counted before */
    return 0;
}

struct aspace *aspace_fork(struct vm *vm, struct aspace *parent, struct fork_fact *ff)
{
    bool sharept = vm->cfg.fork == FORK_SHAREPT && vm->arch->levels > 1;
    bool copy = vm->cfg.fork == FORK_COPY;
    size_t nv = parent->vmas.n;

    /* which VMAs give the child entries (--lazy-fork skips those that map
     * no anon frame) */
    bool *copies = vm_xmalloc(nv ? nv : 1);
    for (size_t i = 0; i < nv; i++)
        copies[i] = sharept || fork_copies_vma(vm, parent, &parent->vmas.v[i]);

    /* count the frames the fork needs: it fails, changing nothing, if free
     * and droppable frames are fewer. Without --pt-frames a cow or sharept
     * fork needs none. The child's tables are counted too (at most as many
     * as the parent's leaves ask, when the frames need no exact count): a
     * fork whose tables would pass --max-memory, or the most tables a run
     * holds, is an error before anything changes. Once begun, it makes
     * its tables unchecked (table_over in engine.c); what else it adds is
     * checked after the event. */
    uint64_t max = vm->cfg.lim.max_memory;
    if (copy || vm->cfg.pt_frames || vm->pts.over || vm->pts.max_tables) {
        bool exact = copy || vm->cfg.pt_frames;
        struct fork_count fc = {.vm = vm, .copy_frames = copy, .leaf_tables = !sharept, .at_most = !exact};
        for (size_t i = 0; i < nv; i++) {
            const struct vma *v = &parent->vmas.v[i];
            if (!copies[i])
                continue;
            fc.v = v;
            pt_for_each_leaf(&vm->pts, &parent->pt, v->start, v->end, count_chunk, &fc);
        }
        uint64_t tables = fc.tables + 1; /* and the child's root */
        if (vm->pts.over && vm->pts.over(vm->pts.ctx, tables)) {
            free(copies);
            vm_error(vm, "the simulation needs more than %" PRIu64 " %s of memory (--max-memory)", max,
                     vm_plural(max, "byte", "bytes"));
            return NULL;
        }
        if (vm->pts.max_tables && vm->pts.tables + tables > vm->pts.max_tables) {
            free(copies);
            vm_error(vm, "more than %" PRIu64 " page tables, the most a run holds", vm->pts.max_tables);
            return NULL;
        }
        uint64_t need = fc.frames + (vm->cfg.pt_frames ? tables : 0);
        if (exact && need > (uint64_t)frames_free_count(&vm->ft) + vm->ft.droppable) {
            free(copies);
            return NULL;
        }
    }

    /* what the fork does, for its fact: the store's counters, before */
    uint64_t entries = vm->pts.ptes_copied, pages = vm->c.pages_copied, leaves = vm->pts.pt_shared;
    uint64_t tables = vm->pts.tables_made;
    vm->in_fork = true;
    struct aspace *child = aspace_new(vm);
    VM_ASSERT(child != NULL);
    vma_set_copy(&child->vmas, &parent->vmas);
    vm->nvmas += child->vmas.n;
    for (size_t i = 0; i < child->vmas.n; i++)
        if (child->vmas.v[i].obj)
            mobj_ref(&vm->pc, child->vmas.v[i].obj);
    child->has_image = parent->has_image;
    child->heap_start = parent->heap_start;
    child->brk = parent->brk;

    for (size_t i = 0; i < nv; i++) {
        const struct vma *v = &parent->vmas.v[i];
        if (!copies[i])
            continue;
        struct fork_copy fc = {vm, parent, child, v, copy};
        pt_for_each_leaf(&vm->pts, &parent->pt, v->start, v->end, sharept ? share_chunk : copy_chunk, &fc);
    }
    vm->in_fork = false;
    free(copies);
    *ff = (struct fork_fact){.entries = vm->pts.ptes_copied - entries,
                             .pages = vm->c.pages_copied - pages,
                             .leaves = vm->pts.pt_shared - leaves,
                             .tables = vm->pts.tables_made - tables};
    ff->frames = ff->pages + (vm->cfg.pt_frames ? ff->tables : 0);
    return child;
}
