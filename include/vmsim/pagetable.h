/* pagetable.h -- radix page tables.
 *
 * A table has 2^level_bits 64-bit entries. In an upper table an entry is a
 * pointer to the table below it, or 0. In a leaf table an entry is:
 *
 *    63                  32 31             4   3   2   1   0
 *   +----------------------+----------------+---+---+---+---+
 *   |        frame         |        0       | D | A | W | P |
 *   +----------------------+----------------+---+---+---+---+
 *     P present, W writable, A accessed, D dirty
 *
 * "cow" is not a bit: it is a present, read-only entry in a private VMA that
 * has w, and so it is decided by the address-space layer.
 *
 * Tables are made on demand and freed as soon as their last entry is
 * cleared (the root lives as long as its page table). A leaf table may be
 * shared by several page tables (fork mode sharept): `share` counts the
 * upper entries pointing at it. Before an entry of a shared leaf changes,
 * the page table takes its own copy (pt_unshare_leaf); setting the accessed
 * or dirty bit is not a change.
 *
 * With --pt-frames every table holds a frame of kind pt from the pool, taken
 * through the mmu's take_frame hook (which may reclaim, kill or fail).
 */
#ifndef VMSIM_PAGETABLE_H
#define VMSIM_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/arch.h"
#include "vmsim/frames.h"

#define PTE_P UINT64_C(1)
#define PTE_W UINT64_C(2)
#define PTE_A UINT64_C(4)
#define PTE_D UINT64_C(8)
#define PTE_FRAME_SHIFT 32

static inline uint32_t pte_frame(uint64_t e) { return (uint32_t)(e >> PTE_FRAME_SHIFT); }
static inline uint64_t pte_make(uint32_t frame, uint64_t bits)
{
    return ((uint64_t)frame << PTE_FRAME_SHIFT) | bits | PTE_P;
}

struct pt {
    uint32_t used;  /* entries in use (present entries, or child tables) */
    uint32_t share; /* upper entries pointing here (> 1: shared leaf) */
    uint32_t frame; /* its frame with --pt-frames, else FRAME_NONE */
    uint32_t rss;   /* leaf: present entries mapping a pool frame */
    uint32_t mark;  /* scratch for --check walks */
    uint32_t seen;  /* scratch for --check walks */
    uint64_t e[];
};

/* The machine-wide side of the page tables. */
struct mmu {
    const struct arch *arch;
    struct frames *ft;
    bool pt_frames;     /* tables take frames from the pool */
    uint64_t tables;    /* distinct tables alive (memory.pt_pages) */
    uint64_t tables_made;   /* tables ever made (for the cost model) */
    uint64_t teardown_ptes; /* entries cleared with a whole table */
    uint64_t unmap_ptes;    /* entries cleared one by one (pt_clear) */
    uint64_t ptes_copied;
    uint64_t pt_shared;
    uint64_t pt_unshared;
    /* take_frame: a frame of the kind for the current event, after reclaim
     * or OOM kills as the policy says; FRAME_NONE means stop the event. */
    uint32_t (*take_frame)(void *ctx, enum frame_kind kind);
    /* at most this many tables (0: no limit); past it, on_limit is called
     * (it stops the event with an error) and no table is made */
    uint64_t max_tables;
    void (*on_limit)(void *ctx);
    void *ctx;
    /* tables come from slabs of a few MiB (fewer host page faults than one
     * malloc each); freed tables, all entries zero, wait in a free list */
    struct pt *free_tables;
    void **slabs;
    size_t nslabs;
    size_t slab_left; /* tables still unused in the newest slab */
    char *slab_next;
};

#define PT_HINTS 64

/* One process's (or one vfork family's) page table. */
struct pagetable {
    struct pt *root;
    uint64_t pages; /* tables reachable from root, root included */
    uint64_t rss;   /* present entries mapping pool frames */
    /* leaves found lately, by (leaf-span number of their addresses) + 1 in
     * a small direct-mapped cache: most accesses skip the walk. All are
     * forgotten whenever a leaf of this page table is freed or replaced. */
    struct pt *hint_leaf[PT_HINTS];
    uint64_t hint_key[PT_HINTS];
};

/* pt_forget_hints: after a leaf of p is freed or replaced. */
static inline void pt_forget_hints(struct pagetable *p)
{
    for (unsigned i = 0; i < PT_HINTS; i++)
        p->hint_key[i] = 0;
}

/* mmu_take_frame: a frame for the current event through the take_frame
 * hook (which may reclaim or kill); FRAME_NONE means stop the event. */
static inline uint32_t mmu_take_frame(struct mmu *m, enum frame_kind kind) { return m->take_frame(m->ctx, kind); }

/* pagetable_init: a page table with a new, empty root. -1 if the root's
 * frame could not be had (with --pt-frames). */
int pagetable_init(struct mmu *m, struct pagetable *p);

/* pagetable_destroy: clears every entry (each frame loses a reference; an
 * anon frame at 0 is freed) and frees every table; a shared leaf only loses
 * this reference. */
void pagetable_destroy(struct mmu *m, struct pagetable *p);

/* pt_table_at: the table of the given level covering va. With make, the
 * missing tables on the way are made (top down, never unsharing); NULL if
 * one could not be had, or (without make) if one is missing. */
struct pt *pt_table_at(struct mmu *m, struct pagetable *p, uint64_t va, unsigned level, bool make);

/* pt_leaf: the leaf table covering va, or NULL if it does not exist. */
static inline struct pt *pt_leaf(const struct mmu *m, const struct pagetable *p, uint64_t va)
{
    uint64_t key = (va >> (m->arch->page_shift + m->arch->level_bits)) + 1;
    if (p->hint_key[key % PT_HINTS] == key)
        return p->hint_leaf[key % PT_HINTS];
    return pt_table_at((struct mmu *)m, (struct pagetable *)p, va, m->arch->levels - 1, false);
}

/* pt_lookup: the leaf entry of va (0 when no table holds it). */
static inline uint64_t pt_lookup(const struct mmu *m, const struct pagetable *p, uint64_t va)
{
    struct pt *l = pt_leaf(m, p, va);
    return l ? l->e[arch_index(m->arch, va, m->arch->levels - 1)] : 0;
}

/* pt_leaf_for_change: the leaf covering va, made if missing (tables top
 * down) and unshared if shared, ready for one of its entries to change.
 * NULL if a frame could not be had: tables already made stay, empty (call
 * pt_prune). */
struct pt *pt_leaf_for_change(struct mmu *m, struct pagetable *p, uint64_t va);

/* pt_unshare_leaf: gives p its own copy of the shared leaf covering va:
 * every present entry is copied and its frame gains a reference. Returns
 * the copy, or NULL if its frame could not be had. */
struct pt *pt_unshare_leaf(struct mmu *m, struct pagetable *p, uint64_t va);

/* pt_set / pt_clear: write a leaf entry, keeping used, rss and the page
 * table's rss in step. pt_set takes no frame reference; pt_clear drops the
 * one of the old entry (freeing an anon frame at 0). */
void pt_set(struct mmu *m, struct pagetable *p, struct pt *leaf, unsigned i, uint64_t e);
void pt_clear(struct mmu *m, struct pagetable *p, struct pt *leaf, unsigned i);

/* pt_prune: frees the tables on the path to va that have no entry in use,
 * bottom up (never the root). */
void pt_prune(struct mmu *m, struct pagetable *p, uint64_t va);

/* pt_range_fn: called for each existing leaf overlapping a range, with the
 * first and last (exclusive) entry index in it and the address of entry 0. */
typedef int (*pt_range_fn)(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base);

/* pt_for_each_leaf: calls fn on the leaves overlapping [start, end) in rising
 * address order; stops when fn returns non-zero and returns that value.
 * fn must not free the leaf or change the tables above it. */
int pt_for_each_leaf(const struct mmu *m, const struct pagetable *p, uint64_t start, uint64_t end,
                     pt_range_fn fn, void *ctx);

/* pt_link_leaf: makes p's upper tables down to va's leaf level (if
 * missing) and points them at `leaf`, which becomes shared by one more page
 * table. -1 if a table could not be had. */
int pt_link_leaf(struct mmu *m, struct pagetable *p, uint64_t va, struct pt *leaf);

/* pt_drop_frame: one reference less on frame f; frees an anon frame at 0. */
void pt_drop_frame(struct mmu *m, uint32_t f);

/* mmu_destroy: gives back the memory kept for tables (after every page
 * table is destroyed). */
void mmu_destroy(struct mmu *m);

/* pt_table_bytes: size of one table in the simulator's memory. */
static inline uint64_t pt_table_bytes(const struct arch *a)
{
    return sizeof(struct pt) + (UINT64_C(8) << a->level_bits);
}

#endif
