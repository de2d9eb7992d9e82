/* pagetable.c -- radix page tables: walking, making and freeing tables,
 * shared leaves, and the write path of their entries (see pagetable.h for
 * the entry layout and the contract). */
#include "vmsim/pagetable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/util.h"

static inline struct pt *child_of(uint64_t e) { return (struct pt *)(uintptr_t)e; }
static inline uint64_t child_entry(struct pt *t) { return (uint64_t)(uintptr_t)t; }
static inline unsigned nentries(const struct pt_store *ps) { return 1u << ps->arch->level_bits; }

/* rss_entry: a present entry that maps a pool frame (not the zero page). */
static inline bool rss_entry(const struct pt_store *ps, uint64_t e)
{
    return (e & PTE_P) && pte_frame(e) != ps->ft->n;
}

/* ---- hooks -------------------------------------------------------------------- */

void pt_hook_add(struct pt_store *ps, pt_hook_fn fn, void *ctx)
{
    VM_ASSERT(ps->nhooks < PT_MAX_HOOKS);
    ps->hooks[ps->nhooks].fn = fn;
    ps->hooks[ps->nhooks].ctx = ctx;
    ps->nhooks++;
}

static void tell(const struct pt_store *ps, const struct pt_change *c)
{
    for (unsigned k = 0; k < ps->nhooks; k++)
        ps->hooks[k].fn(ps->hooks[k].ctx, c);
}

static void tell_one(const struct pt_store *ps, enum pt_change_kind kind, struct pagetable *p, struct pt *leaf,
                     unsigned i, uint64_t old, uint64_t new)
{
    struct pt_change c = {.kind = kind, .p = p, .leaf = leaf, .i = i, .end = i + 1, .old = old, .new = new};
    tell(ps, &c);
}

/* ---- table memory ------------------------------------------------------------- */

/* table_memory: room for one table, every entry 0 */
static struct pt *table_memory(struct pt_store *ps)
{
    if (!ps->slab.size)
        slab_init(&ps->slab, pt_table_bytes(ps->arch));
    return slab_alloc(&ps->slab);
}

/* table_new: an empty table, with its frame under --pt-frames; a leaf
 * (leaf true) at address base, owned by p. */
static struct pt *table_new(struct pt_store *ps, struct pagetable *p, bool leaf, uint64_t base)
{
    uint32_t f = FRAME_NONE;
    if ((ps->max_tables && ps->tables >= ps->max_tables) || (ps->over && ps->over(ps->ctx, 1))) {
        ps->on_limit(ps->ctx);
        return NULL;
    }
    if (ps->pt_frames) {
        f = pt_take_frame(ps, FK_PT);
        if (f == FRAME_NONE)
            return NULL;
    }
    struct pt *t = table_memory(ps);
    t->used = 0;
    t->share = 1;
    t->frame = f;
    t->rss = 0;
    t->swaps = 0;
    t->mark = t->seen = 0;
    t->base = base;
    t->owner = leaf ? p : NULL;
    t->more = NULL;
    t->cap_more = 0;
    t->aux_id = 0;
    ps->tables++;
    ps->tables_made++;
    if (leaf)
        tell_one(ps, PTC_LEAF_MADE, p, t, 0, 0, 0);
    return t;
}

/* table_free: every entry of t must be 0 (so that it can be used again
 * without clearing) */
static void table_free(struct pt_store *ps, struct pt *t)
{
    if (t->frame != FRAME_NONE)
        frame_free(ps->ft, t->frame);
    free(t->more);
    ps->tables--;
    slab_free(&ps->slab, t); /* its header's first word chains it */
}

void pt_store_dying(struct pt_store *ps)
{
    ps->dying = true;
    ps->nhooks = 0;
}

void pt_store_destroy(struct pt_store *ps)
{
    if (ps->slab.size)
        slab_destroy(&ps->slab);
}

/* ---- owners of a leaf ------------------------------------------------------------ */

static void owner_add(struct pt *leaf, struct pagetable *p)
{
    uint32_t k = leaf->share - 1; /* the slot of the newest owner in more[] */
    if (k >= leaf->cap_more) {
        leaf->cap_more = leaf->cap_more ? 2 * leaf->cap_more : 4;
        leaf->more = vm_xrealloc(leaf->more, leaf->cap_more * sizeof *leaf->more); /* NOLINT(bugprone-sizeof-expression): pointers */
    }
    leaf->more[k] = p;
    leaf->share++;
}

/* owner_remove: p lets go of the leaf (share counts one less) */
static void owner_remove(struct pt *leaf, const struct pagetable *p)
{
    uint32_t n = leaf->share - 1; /* entries used in more[] */
    if (leaf->owner == p) {
        if (n)
            leaf->owner = leaf->more[--n];
    } else {
        uint32_t k = 0;
        while (k < n && leaf->more[k] != p)
            k++;
        VM_ASSERT(k < n);
        leaf->more[k] = leaf->more[n - 1];
    }
    leaf->share--;
}

/* ---- life of a page table ----------------------------------------------------------- */

void pt_drop_frame(struct pt_store *ps, uint32_t f)
{
    if (frame_put(ps->ft, f) == 0 && frame_kind(ps->ft, f) == FK_ANON)
        frame_free(ps->ft, f);
}

int pagetable_init(struct pt_store *ps, struct pagetable *p, void *owner)
{
    memset(p, 0, sizeof *p);
    p->owner = owner;
    p->root = table_new(ps, p, ps->arch->levels == 1, 0);
    if (!p->root)
        return -1;
    p->pages = 1;
    return 0;
}

/* release_leaf: p lets go of a leaf; the last one clears its entries and
 * frees it. Returns the entries cleared. */
static uint64_t release_leaf(struct pt_store *ps, struct pagetable *p, struct pt *leaf)
{
    if (ps->dying) { /* the last owner frees what lives outside the slab */
        if (--leaf->share == 0)
            free(leaf->more);
        return 0;
    }
    if (leaf->share > 1) {
        owner_remove(leaf, p);
        tell_one(ps, PTC_LEAF_LEFT, p, leaf, 0, 0, 0);
        return 0;
    }
    tell_one(ps, PTC_LEAF_GONE, p, leaf, 0, 0, 0);
    uint64_t cleared = 0;
    unsigned n = nentries(ps);
    for (unsigned i = 0; i < n && leaf->used; i++)
        if (leaf->e[i]) { /* present (its frame loses the reference) or swap */
            if (leaf->e[i] & PTE_P)
                pt_drop_frame(ps, pte_frame(leaf->e[i]));
            leaf->e[i] = 0;
            leaf->used--;
            cleared++;
        }
    leaf->rss = leaf->swaps = 0;
    ps->teardown_ptes += cleared;
    table_free(ps, leaf);
    return cleared;
}

static uint64_t destroy_table(struct pt_store *ps, struct pagetable *p, struct pt *t, unsigned level)
{
    if (level == ps->arch->levels - 1)
        return release_leaf(ps, p, t);
    uint64_t cleared = 0;
    unsigned n = nentries(ps);
    for (unsigned i = 0; i < n && t->used; i++)
        if (t->e[i]) {
            cleared += destroy_table(ps, p, child_of(t->e[i]), level + 1);
            t->e[i] = 0;
            t->used--;
        }
    if (!ps->dying)
        table_free(ps, t);
    return cleared;
}

uint64_t pagetable_destroy(struct pt_store *ps, struct pagetable *p)
{
    uint64_t cleared = 0;
    if (p->root) {
        struct pt_change c = {.kind = PTC_DROP, .p = p};
        tell(ps, &c);
        cleared = destroy_table(ps, p, p->root, 0);
    }
    memset(p, 0, sizeof *p);
    return cleared;
}

/* ---- walks ----------------------------------------------------------------------- */

/* leaf_base: the address entry 0 of va's leaf maps */
static inline uint64_t leaf_base(const struct pt_store *ps, uint64_t va)
{
    unsigned shift = ps->arch->page_shift + ps->arch->level_bits;
    return shift >= 64 ? 0 : va & ~((UINT64_C(1) << shift) - 1);
}

struct pt *pt_table_at(struct pt_store *ps, struct pagetable *p, uint64_t va, unsigned level, bool make)
{
    struct pt *t = p->root;
    unsigned leaf_level = ps->arch->levels - 1;
    for (unsigned l = 0; l < level; l++) {
        unsigned i = arch_index(ps->arch, va, l);
        if (!t->e[i]) {
            if (!make)
                return NULL;
            struct pt *c = table_new(ps, p, l + 1 == leaf_level, leaf_base(ps, va));
            if (!c)
                return NULL;
            t->e[i] = child_entry(c);
            t->used++;
            p->pages++;
        }
        t = child_of(t->e[i]);
    }
    if (level == leaf_level) {
        uint64_t key = (va >> (ps->arch->page_shift + ps->arch->level_bits)) + 1;
        p->hint_leaf[key % PT_HINTS] = t;
        p->hint_key[key % PT_HINTS] = key;
    }
    return t;
}

struct pt *pt_unshare_leaf(struct pt_store *ps, struct pagetable *p, uint64_t va)
{
    unsigned leaf_level = ps->arch->levels - 1;
    VM_ASSERT(leaf_level > 0);
    struct pt *up = pt_table_at(ps, p, va, leaf_level - 1, false);
    VM_ASSERT(up != NULL);
    unsigned i = arch_index(ps->arch, va, leaf_level - 1);
    struct pt *old = child_of(up->e[i]);
    struct pt *copy = table_new(ps, p, true, old->base);
    if (!copy)
        return NULL;
    unsigned n = nentries(ps);
    memcpy(copy->e, old->e, (size_t)n * sizeof old->e[0]);
    for (unsigned k = 0; k < n; k++)
        if (copy->e[k] & PTE_P)
            frame_get(ps->ft, pte_frame(copy->e[k]));
    copy->used = old->used;
    copy->rss = old->rss;
    copy->swaps = old->swaps;
    ps->ptes_copied += old->used;
    ps->pt_unshared++;
    up->e[i] = child_entry(copy);
    pt_forget_hints(p);
    struct pt_change c = {.kind = PTC_UNSHARE, .p = p, .leaf = copy, .i = 0, .end = n, .src = old, .same_frames = true};
    tell(ps, &c);
    /* p lets go of the original; if the others left it while the copy's
     * frame was taken (an OOM kill), p was the last and it goes. If an
     * eviction emptied it meanwhile (it lay on p's kept path then), the
     * others drop it now. */
    bool others = old->share > 1;
    release_leaf(ps, p, old);
    if (others && !old->used)
        pt_prune_leaf(ps, old, NULL, 0);
    return copy;
}

struct pt *pt_leaf_for_change(struct pt_store *ps, struct pagetable *p, uint64_t va)
{
    struct pt *leaf = pt_table_at(ps, p, va, ps->arch->levels - 1, true);
    if (leaf && leaf->share > 1)
        leaf = pt_unshare_leaf(ps, p, va);
    return leaf;
}

/* on_keep_path: does the table of level d on p's path to va also lie on
 * the path of keep_va in keep_p? */
static bool on_keep_path(const struct pt_store *ps, const struct pagetable *p, uint64_t va, unsigned d,
                         const struct pagetable *keep_p, uint64_t keep_va)
{
    if (p != keep_p)
        return false;
    uint64_t span = arch_span(ps->arch, d - 1); /* what one table of level d maps */
    return !span || va / span == keep_va / span;
}

/* prune_path: frees the tables on p's path to va that have no entry in
 * use, bottom up, but never the root nor a table on the keep path */
static void prune_path(struct pt_store *ps, struct pagetable *p, uint64_t va, const struct pagetable *keep_p,
                       uint64_t keep_va)
{
    unsigned levels = ps->arch->levels;
    struct pt *path[64];
    path[0] = p->root;
    unsigned depth = 1;
    for (unsigned l = 0; l + 1 < levels; l++) {
        uint64_t e = path[l]->e[arch_index(ps->arch, va, l)];
        if (!e)
            break;
        path[depth++] = child_of(e);
    }
    /* path[depth-1] is the deepest table that exists */
    for (unsigned d = depth - 1; d > 0; d--) {
        struct pt *t = path[d];
        if (t->used || on_keep_path(ps, p, va, d, keep_p, keep_va))
            break;
        bool leaf = d == levels - 1, others = leaf && t->share > 1;
        if (others) { /* a shared leaf: p lets go, the other owners keep it */
            owner_remove(t, p);
            tell_one(ps, PTC_LEAF_LEFT, p, t, 0, 0, 0);
        } else if (leaf) {
            tell_one(ps, PTC_LEAF_GONE, p, t, 0, 0, 0);
        }
        unsigned i = arch_index(ps->arch, va, d - 1);
        path[d - 1]->e[i] = 0;
        path[d - 1]->used--;
        p->pages--;
        pt_forget_hints(p);
        if (!others)
            table_free(ps, t);
    }
}

void pt_prune(struct pt_store *ps, struct pagetable *p, uint64_t va)
{
    prune_path(ps, p, va, NULL, 0);
}

void pt_prune_leaf(struct pt_store *ps, struct pt *leaf, const struct pagetable *keep_p, uint64_t keep_va)
{
    if (leaf->used)
        return;
    for (uint32_t k = 0; k < leaf->share; k++)
        if (on_keep_path(ps, pt_leaf_owner(leaf, k), leaf->base, ps->arch->levels - 1, keep_p, keep_va))
            return; /* the current page's leaf: pruned when that page is done */
    /* each owner lets go; the last frees it (so read the owners first) */
    struct pagetable *one[8], **owners = one;
    uint32_t n = leaf->share;
    uint64_t base = leaf->base;
    if (n > 8)
        owners = vm_xmalloc(n * sizeof *owners); /* NOLINT(bugprone-sizeof-expression): pointers */
    for (uint32_t k = 0; k < n; k++)
        owners[k] = pt_leaf_owner(leaf, k);
    for (uint32_t k = n; k-- > 0;)
        prune_path(ps, owners[k], base, keep_p, keep_va);
    if (owners != one)
        free(owners);
}

static int walk(const struct pt_store *ps, struct pt *t, unsigned level, uint64_t base, uint64_t start,
                uint64_t end, pt_range_fn fn, void *ctx)
{
    uint64_t span = arch_span(ps->arch, level);
    unsigned shift = (unsigned)__builtin_ctzll(span);
    unsigned n = nentries(ps);
    unsigned i0 = start > base ? (unsigned)((start - base) >> shift) : 0;
    uint64_t last = ((end - 1 - base) >> shift); /* end > base */
    unsigned i1 = last + 1 < n ? (unsigned)last + 1 : n;
    if (level == ps->arch->levels - 1)
        return fn(ctx, t, i0, i1, base);
    for (unsigned i = i0; i < i1; i++) {
        if (!t->e[i])
            continue;
        uint64_t cbase = base + (uint64_t)i * span;
        uint64_t cend = cbase + span; /* may wrap to 0 at the top of 64 bits */
        uint64_t s = start > cbase ? start : cbase;
        uint64_t e = (cend != 0 && cend < end) ? cend : end;
        int r = walk(ps, child_of(t->e[i]), level + 1, cbase, s, e, fn, ctx);
        if (r)
            return r;
    }
    return 0;
}

int pt_for_each_leaf(const struct pt_store *ps, const struct pagetable *p, uint64_t start, uint64_t end,
                     pt_range_fn fn, void *ctx)
{
    if (ps->arch->va_bits < 64) { /* no table maps past 2^va_bits */
        uint64_t limit = UINT64_C(1) << ps->arch->va_bits;
        if (end > limit)
            end = limit;
    }
    if (start >= end || !p->root)
        return 0;
    return walk(ps, p->root, 0, 0, start, end, fn, ctx);
}

/* ---- the write path -------------------------------------------------------------- */

/* store: writes entry i, keeping used and the rss and swap counts in step,
 * of p, or (p NULL) of every owner of the leaf */
static inline void store(const struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i, uint64_t e)
{
    uint64_t old = leaf->e[i];
    leaf->e[i] = e;
    leaf->used += (unsigned)(e != 0) - (unsigned)(old != 0);
    int drss = (int)rss_entry(ps, e) - (int)rss_entry(ps, old);
    int dswap = (int)pte_is_swap(e) - (int)pte_is_swap(old);
    leaf->rss += (unsigned)drss;
    leaf->swaps += (unsigned)dswap;
    if (p) {
        p->rss += (uint64_t)(int64_t)drss;
        p->swaps += (uint64_t)(int64_t)dswap;
        return;
    }
    for (uint32_t k = 0; k < leaf->share; k++) {
        struct pagetable *q = pt_leaf_owner(leaf, k);
        q->rss += (uint64_t)(int64_t)drss;
        q->swaps += (uint64_t)(int64_t)dswap;
    }
}

void pte_fill(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i, uint32_t frame, uint64_t bits)
{
    VM_ASSERT(!(leaf->e[i] & PTE_P) && leaf->share == 1);
    uint64_t e = pte_make(frame, bits);
    frame_get(ps->ft, frame);
    store(ps, p, leaf, i, e);
    tell_one(ps, PTC_FILL, p, leaf, i, 0, e);
}

void pte_replace(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i, uint32_t frame,
                 uint64_t bits)
{
    uint64_t old = leaf->e[i];
    VM_ASSERT((old & PTE_P) && leaf->share == 1);
    uint64_t e = pte_make(frame, bits);
    frame_get(ps->ft, frame);
    store(ps, p, leaf, i, e);
    tell_one(ps, PTC_REPLACE, p, leaf, i, old, e);
    pt_drop_frame(ps, pte_frame(old));
}

void pte_clear(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i)
{
    uint64_t old = leaf->e[i];
    if (!old)
        return;
    VM_ASSERT(leaf->share == 1);
    store(ps, p, leaf, i, 0);
    ps->unmap_ptes++;
    tell_one(ps, PTC_CLEAR, p, leaf, i, old, 0);
    if (old & PTE_P)
        pt_drop_frame(ps, pte_frame(old));
}

void pte_swap_out(struct pt_store *ps, struct pt *leaf, unsigned i, uint32_t slot)
{
    uint64_t old = leaf->e[i], e = pte_make_swap(slot);
    VM_ASSERT(old & PTE_P);
    store(ps, NULL, leaf, i, e);
    tell_one(ps, PTC_SWAP_OUT, NULL, leaf, i, old, e);
    frame_put(ps->ft, pte_frame(old)); /* the eviction frees the frame */
}

void pte_unmap(struct pt_store *ps, struct pt *leaf, unsigned i)
{
    uint64_t old = leaf->e[i];
    VM_ASSERT(old & PTE_P);
    store(ps, NULL, leaf, i, 0);
    tell_one(ps, PTC_CLEAR, NULL, leaf, i, old, 0);
    frame_put(ps->ft, pte_frame(old)); /* the eviction frees the frame */
}

void pte_swap_in(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i, uint32_t frame, uint64_t bits)
{
    uint64_t old = leaf->e[i];
    VM_ASSERT(pte_is_swap(old) && leaf->share == 1);
    uint64_t e = pte_make(frame, bits);
    frame_get(ps->ft, frame);
    store(ps, p, leaf, i, e);
    tell_one(ps, PTC_SWAP_IN, p, leaf, i, old, e);
}

void pte_set_writable(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i, bool w)
{
    uint64_t old = leaf->e[i];
    VM_ASSERT((old & PTE_P) && leaf->share == 1);
    uint64_t e = w ? old | PTE_W : old & ~PTE_W;
    if (e == old)
        return;
    leaf->e[i] = e;
    tell_one(ps, PTC_PROTECT, p, leaf, i, old, e);
}

void pte_protect_range(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i0, unsigned i1,
                       pte_w_fn want_w, void *ctx)
{
    unsigned first = i1, last = i0;
    for (unsigned k = i0; k < i1; k++) {
        uint64_t e = leaf->e[k];
        if (!(e & PTE_P))
            continue;
        int w = want_w(ctx, e);
        uint64_t ne = w < 0 ? e : w ? e | PTE_W : e & ~PTE_W;
        if (ne == e)
            continue;
        VM_ASSERT(leaf->share == 1); /* the caller unshared the leaves that change */
        leaf->e[k] = ne;
        if (k < first)
            first = k;
        last = k + 1;
    }
    if (first < last) {
        struct pt_change c = {.kind = PTC_PROTECT, .p = p, .leaf = leaf, .i = first, .end = last};
        tell(ps, &c);
    }
}

/* what one pass of fork_entries did */
struct fork_pass {
    struct pt *cl;               /* the child's leaf, once made */
    uint32_t added, rss, swaps;  /* entries copied, of them mapping pool frames, swap entries */
    unsigned first, last;        /* the child's entries written: [first, last) */
    unsigned pfirst, plast;      /* the parent's entries made read-only */
};

/* fork_entries: pt_fork_leaf's loop, inlined twice so that a cow fork
 * (copy_frame NULL, the common and the long case) runs without the copy's
 * branches and call. */
static VM_ALWAYS_INLINE void fork_entries(struct pt_store *ps, struct pagetable *child, struct pt *pl, unsigned i0,
                                          unsigned i1, uint64_t base, uint64_t ro_mask, bool writable,
                                          pt_copy_fn copy_frame, void *ctx, struct fork_pass *fp)
{
    struct frames *ft = ps->ft;
    const uint32_t zero = ft->n;
    struct pt *cl = NULL;
    uint32_t added = 0, rss = 0, swaps = 0;
    unsigned first = i1, last = i0, pfirst = i1, plast = i0;
    for (unsigned k = i0; k < i1; k++) {
        uint64_t e = pl->e[k];
        if (!e)
            continue;
        if (!cl) {
            cl = pt_table_at(ps, child, base, ps->arch->levels - 1, true);
            VM_ASSERT(cl != NULL); /* counted before */
            first = k;
        }
        last = k + 1;
        added++;
        if (!(e & PTE_P)) { /* a swap entry: the child names the same slot */
            cl->e[k] = e;
            swaps++;
            continue;
        }
        uint32_t f = pte_frame(e);
        uint32_t g = copy_frame && f != zero ? copy_frame(ctx, f) : FRAME_NONE;
        if (g != FRAME_NONE) {
            ft->ref[g]++; /* a new anon frame: not droppable */
            cl->e[k] = pte_make(g, (writable ? PTE_W : 0) | (e & (PTE_A | PTE_D)));
        } else {
            if (e & ~ro_mask) { /* a writable entry of a private VMA */
                e &= ro_mask;
                pl->e[k] = e;
                if (pfirst == i1)
                    pfirst = k;
                plast = k + 1;
            }
            frame_get(ft, f);
            cl->e[k] = e;
        }
        rss += f != zero;
    }
    *fp = (struct fork_pass){cl, added, rss, swaps, first, last, pfirst, plast};
}

void pt_fork_leaf(struct pt_store *ps, struct pagetable *parent, struct pagetable *child, struct pt *pl,
                  unsigned i0, unsigned i1, uint64_t base, bool private_cow, bool writable, pt_copy_fn copy_frame,
                  void *ctx)
{
    const uint64_t ro_mask = private_cow ? ~PTE_W : ~UINT64_C(0); /* private: read-only, cow in both */
    struct fork_pass fp;
    if (copy_frame)
        fork_entries(ps, child, pl, i0, i1, base, ro_mask, writable, copy_frame, ctx, &fp);
    else
        fork_entries(ps, child, pl, i0, i1, base, ro_mask, writable, NULL, NULL, &fp);
    struct pt *cl = fp.cl;
    if (!cl)
        return;
    cl->used += fp.added;
    cl->rss += fp.rss;
    cl->swaps += fp.swaps;
    child->rss += fp.rss;
    child->swaps += fp.swaps;
    ps->ptes_copied += fp.added;
    if (fp.pfirst < fp.plast) {
        struct pt_change c = {.kind = PTC_PROTECT, .p = parent, .leaf = pl, .i = fp.pfirst, .end = fp.plast};
        tell(ps, &c);
    }
    struct pt_change c = {.kind = PTC_FORK,
                          .p = child,
                          .leaf = cl,
                          .i = fp.first,
                          .end = fp.last,
                          .src = pl,
                          .same_frames = !copy_frame,
                          .was_empty = cl->used == fp.added};
    tell(ps, &c);
}

int pt_share_leaf(struct pt_store *ps, struct pagetable *parent, struct pagetable *child, struct pt *pl, unsigned i0,
                  unsigned i1, uint64_t base, bool private_cow)
{
    if (!pt_leaf(ps, child, base)) {
        unsigned leaf_level = ps->arch->levels - 1;
        VM_ASSERT(leaf_level > 0);
        struct pt *up = pt_table_at(ps, child, base, leaf_level - 1, true);
        if (!up)
            return -1;
        unsigned i = arch_index(ps->arch, base, leaf_level - 1);
        VM_ASSERT(up->e[i] == 0);
        up->e[i] = child_entry(pl);
        up->used++;
        owner_add(pl, child);
        child->pages++;
        child->rss += pl->rss;
        child->swaps += pl->swaps;
        ps->pt_shared++;
        tell_one(ps, PTC_LEAF_SHARED, child, pl, 0, 0, 0);
    }
    if (!private_cow)
        return 0;
    /* the leaf is shared now: its every owner sees the change (p = NULL) */
    unsigned first = i1, last = i0;
    for (unsigned k = i0; k < i1; k++)
        if ((pl->e[k] & (PTE_P | PTE_W)) == (PTE_P | PTE_W)) {
            pl->e[k] &= ~PTE_W;
            if (k < first)
                first = k;
            last = k + 1;
        }
    if (first < last) {
        struct pt_change c = {.kind = PTC_PROTECT, .leaf = pl, .i = first, .end = last};
        tell(ps, &c);
    }
    (void)parent;
    return 0;
}
