/* pagetable.c -- radix page tables: walking, making and freeing tables,
 * shared leaves (see pagetable.h for the entry layout and the contract). */
#define _DEFAULT_SOURCE /* mmap's MAP_ANONYMOUS and madvise */
#include "vmsim/pagetable.h"

#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/util.h"

static inline struct pt *child_of(uint64_t e) { return (struct pt *)(uintptr_t)e; }
static inline uint64_t child_entry(struct pt *t) { return (uint64_t)(uintptr_t)t; }
static inline unsigned nentries(const struct mmu *m) { return 1u << m->arch->level_bits; }

/* rss_entry: a present entry that maps a pool frame (not the zero page). */
static inline bool rss_entry(const struct mmu *m, uint64_t e)
{
    return (e & PTE_P) && pte_frame(e) != m->ft->n;
}

#define SLAB_MIN (UINT64_C(4) << 20)

static size_t slab_bytes(const struct mmu *m)
{
    uint64_t t = pt_table_bytes(m->arch);
    return (size_t)(t > SLAB_MIN ? t : SLAB_MIN - SLAB_MIN % t);
}

/* table_memory: room for one table, every entry 0 */
static struct pt *table_memory(struct mmu *m)
{
    struct pt *t = m->free_tables;
    if (t) {
        m->free_tables = (struct pt *)(uintptr_t)t->e[0];
        t->e[0] = 0;
        return t;
    }
    if (!m->slab_left) {
        size_t len = slab_bytes(m);
        void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED) {
            fputs("vmsim: out of memory\n", stderr);
            exit(3);
        }
#ifdef MADV_HUGEPAGE
        madvise(mem, len, MADV_HUGEPAGE);
#endif
        m->slabs = vm_xrealloc(m->slabs, (m->nslabs + 1) * sizeof *m->slabs);
        m->slabs[m->nslabs++] = mem;
        m->slab_next = mem;
        m->slab_left = len / pt_table_bytes(m->arch);
    }
    t = (struct pt *)(void *)m->slab_next;
    m->slab_next += pt_table_bytes(m->arch);
    m->slab_left--;
    return t;
}

/* table_new: an empty table, with its frame under --pt-frames. */
static struct pt *table_new(struct mmu *m)
{
    uint32_t f = FRAME_NONE;
    if (m->max_tables && m->tables >= m->max_tables) {
        m->on_limit(m->ctx);
        return NULL;
    }
    if (m->pt_frames) {
        f = m->take_frame(m->ctx, FK_PT);
        if (f == FRAME_NONE)
            return NULL;
    }
    struct pt *t = table_memory(m);
    t->used = 0;
    t->share = 1;
    t->frame = f;
    t->rss = 0;
    t->mark = t->seen = 0;
    m->tables++;
    m->tables_made++;
    return t;
}

/* table_free: every entry of t must be 0 (so that it can be used again
 * without clearing) */
static void table_free(struct mmu *m, struct pt *t)
{
    if (t->frame != FRAME_NONE)
        frame_free(m->ft, t->frame);
    t->e[0] = (uint64_t)(uintptr_t)m->free_tables; /* the link; cleared on reuse */
    m->free_tables = t;
    m->tables--;
}

void mmu_destroy(struct mmu *m)
{
    size_t slab = slab_bytes(m);
    for (size_t i = 0; i < m->nslabs; i++)
        munmap(m->slabs[i], slab);
    free(m->slabs);
    m->slabs = NULL;
    m->nslabs = 0;
    m->free_tables = NULL;
    m->slab_left = 0;
}

void pt_drop_frame(struct mmu *m, uint32_t f)
{
    if (frame_put(m->ft, f) == 0 && frame_kind(m->ft, f) == FK_ANON)
        frame_free(m->ft, f);
}

int pagetable_init(struct mmu *m, struct pagetable *p)
{
    memset(p, 0, sizeof *p);
    p->root = table_new(m);
    if (!p->root)
        return -1;
    p->pages = 1;
    return 0;
}

/* release_leaf: one page table lets go of a leaf; the last one clears its
 * entries and frees it. */
static void release_leaf(struct mmu *m, struct pt *leaf)
{
    if (--leaf->share > 0)
        return;
    unsigned n = nentries(m);
    for (unsigned i = 0; i < n && leaf->used; i++)
        if (leaf->e[i] & PTE_P) {
            pt_drop_frame(m, pte_frame(leaf->e[i]));
            leaf->e[i] = 0;
            leaf->used--;
            m->teardown_ptes++;
        }
    table_free(m, leaf);
}

static void destroy_table(struct mmu *m, struct pt *t, unsigned level)
{
    if (level == m->arch->levels - 1) {
        release_leaf(m, t);
        return;
    }
    unsigned n = nentries(m);
    for (unsigned i = 0; i < n && t->used; i++)
        if (t->e[i]) {
            destroy_table(m, child_of(t->e[i]), level + 1);
            t->e[i] = 0;
            t->used--;
        }
    table_free(m, t);
}

void pagetable_destroy(struct mmu *m, struct pagetable *p)
{
    if (p->root)
        destroy_table(m, p->root, 0);
    memset(p, 0, sizeof *p);
}

struct pt *pt_table_at(struct mmu *m, struct pagetable *p, uint64_t va, unsigned level, bool make)
{
    struct pt *t = p->root;
    for (unsigned l = 0; l < level; l++) {
        unsigned i = arch_index(m->arch, va, l);
        if (!t->e[i]) {
            if (!make)
                return NULL;
            struct pt *c = table_new(m);
            if (!c)
                return NULL;
            t->e[i] = child_entry(c);
            t->used++;
            p->pages++;
        }
        t = child_of(t->e[i]);
    }
    if (level == m->arch->levels - 1) {
        uint64_t key = (va >> (m->arch->page_shift + m->arch->level_bits)) + 1;
        p->hint_leaf[key % PT_HINTS] = t;
        p->hint_key[key % PT_HINTS] = key;
    }
    return t;
}

struct pt *pt_unshare_leaf(struct mmu *m, struct pagetable *p, uint64_t va)
{
    unsigned leaf_level = m->arch->levels - 1;
    VM_ASSERT(leaf_level > 0);
    struct pt *up = pt_table_at(m, p, va, leaf_level - 1, false);
    VM_ASSERT(up != NULL);
    unsigned i = arch_index(m->arch, va, leaf_level - 1);
    struct pt *old = child_of(up->e[i]);
    struct pt *copy = table_new(m);
    if (!copy)
        return NULL;
    unsigned n = nentries(m);
    memcpy(copy->e, old->e, (size_t)n * sizeof old->e[0]);
    for (unsigned k = 0; k < n; k++)
        if (copy->e[k] & PTE_P)
            frame_get(m->ft, pte_frame(copy->e[k]));
    copy->used = old->used;
    copy->rss = old->rss;
    m->ptes_copied += old->used;
    m->pt_unshared++;
    up->e[i] = child_entry(copy);
    pt_forget_hints(p);
    release_leaf(m, old);
    return copy;
}

struct pt *pt_leaf_for_change(struct mmu *m, struct pagetable *p, uint64_t va)
{
    struct pt *leaf = pt_table_at(m, p, va, m->arch->levels - 1, true);
    if (leaf && leaf->share > 1)
        leaf = pt_unshare_leaf(m, p, va);
    return leaf;
}

int pt_link_leaf(struct mmu *m, struct pagetable *p, uint64_t va, struct pt *leaf)
{
    unsigned leaf_level = m->arch->levels - 1;
    VM_ASSERT(leaf_level > 0);
    struct pt *up = pt_table_at(m, p, va, leaf_level - 1, true);
    if (!up)
        return -1;
    unsigned i = arch_index(m->arch, va, leaf_level - 1);
    VM_ASSERT(up->e[i] == 0);
    up->e[i] = child_entry(leaf);
    up->used++;
    leaf->share++;
    p->pages++;
    p->rss += leaf->rss;
    return 0;
}

void pt_set(struct mmu *m, struct pagetable *p, struct pt *leaf, unsigned i, uint64_t e)
{
    uint64_t old = leaf->e[i];
    leaf->e[i] = e;
    leaf->used += (unsigned)((e & PTE_P) != 0) - (unsigned)((old & PTE_P) != 0);
    int drss = (int)rss_entry(m, e) - (int)rss_entry(m, old);
    leaf->rss += (unsigned)drss;
    p->rss += (uint64_t)(int64_t)drss;
}

void pt_clear(struct mmu *m, struct pagetable *p, struct pt *leaf, unsigned i)
{
    uint64_t old = leaf->e[i];
    if (!(old & PTE_P))
        return;
    pt_set(m, p, leaf, i, 0);
    pt_drop_frame(m, pte_frame(old));
    m->unmap_ptes++;
}

void pt_prune(struct mmu *m, struct pagetable *p, uint64_t va)
{
    unsigned levels = m->arch->levels;
    struct pt *path[64];
    path[0] = p->root;
    unsigned depth = 1;
    for (unsigned l = 0; l + 1 < levels; l++) {
        uint64_t e = path[l]->e[arch_index(m->arch, va, l)];
        if (!e)
            break;
        path[depth++] = child_of(e);
    }
    /* path[depth-1] is the deepest table that exists */
    for (unsigned d = depth - 1; d > 0; d--) {
        struct pt *t = path[d];
        if (t->used)
            break;
        VM_ASSERT(t->share == 1);
        unsigned i = arch_index(m->arch, va, d - 1);
        path[d - 1]->e[i] = 0;
        path[d - 1]->used--;
        p->pages--;
        pt_forget_hints(p);
        table_free(m, t);
    }
}

static int walk(const struct mmu *m, struct pt *t, unsigned level, uint64_t base, uint64_t start,
                uint64_t end, pt_range_fn fn, void *ctx)
{
    uint64_t span = arch_span(m->arch, level);
    unsigned shift = (unsigned)__builtin_ctzll(span);
    unsigned n = nentries(m);
    unsigned i0 = start > base ? (unsigned)((start - base) >> shift) : 0;
    uint64_t last = ((end - 1 - base) >> shift); /* end > base */
    unsigned i1 = last + 1 < n ? (unsigned)last + 1 : n;
    if (level == m->arch->levels - 1)
        return fn(ctx, t, i0, i1, base);
    for (unsigned i = i0; i < i1; i++) {
        if (!t->e[i])
            continue;
        uint64_t cbase = base + (uint64_t)i * span;
        uint64_t cend = cbase + span; /* may wrap to 0 at the top of 64 bits */
        uint64_t s = start > cbase ? start : cbase;
        uint64_t e = (cend != 0 && cend < end) ? cend : end;
        int r = walk(m, child_of(t->e[i]), level + 1, cbase, s, e, fn, ctx);
        if (r)
            return r;
    }
    return 0;
}

int pt_for_each_leaf(const struct mmu *m, const struct pagetable *p, uint64_t start, uint64_t end,
                     pt_range_fn fn, void *ctx)
{
    if (m->arch->va_bits < 64) { /* no table maps past 2^va_bits */
        uint64_t limit = UINT64_C(1) << m->arch->va_bits;
        if (end > limit)
            end = limit;
    }
    if (start >= end || !p->root)
        return 0;
    return walk(m, p->root, 0, 0, start, end, fn, ctx);
}
