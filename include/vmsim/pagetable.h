/* pagetable.h -- radix page tables, and the one write path of their entries.
 *
 * A table has 2^level_bits 64-bit entries. In an upper table an entry is a
 * pointer to the table below it, or 0. In a leaf table an entry is 0
 * (empty), present, or a swap entry:
 *
 *    63                  32 31             5   4   3   2   1   0
 *   +----------------------+----------------+---+---+---+---+---+
 *   |        frame         |        0       | 0 | D | A | W | 1 |  present
 *   +----------------------+----------------+---+---+---+---+---+
 *   |        slot          |        0       | 1 | 0 | 0 | 0 | 0 |  swap entry
 *   +----------------------+----------------+---+---+---+---+---+
 *     P present, W writable, A accessed, D dirty, S swap entry
 *
 * An entry is *in use* when it is present or a swap entry; a table lives
 * while it has an entry in use. A swap entry names the swap slot that holds
 * the page (swap.h); it maps no frame.
 *
 * "cow" is not a bit: it is a present, read-only entry in a private VMA that
 * has w, and so it is decided by the address-space layer.
 *
 * Tables are made on demand and freed as soon as their last entry is
 * cleared (the root lives as long as its page table). A leaf table may be
 * shared by several page tables (fork mode sharept): `share` counts the
 * upper entries pointing at it, and the leaf knows its owners (the page
 * tables pointing at it) and the address of its entry 0, the same in each.
 * Before an entry of a shared leaf changes, the page table takes its own
 * copy (pt_unshare_leaf); setting the accessed or dirty bit is not a change.
 *
 * The write path. No module outside this one stores into an entry: every
 * change of a leaf entry goes through the pte_* and pt_fork_leaf functions
 * below, which keep the counts in step (entries in use, rss, frame
 * refcounts) and then tell the change hooks what changed (struct
 * pt_change). The reverse map, --check, the TLB and the views subscribe
 * (pt_hook_add); none of them learns of a change any other way.
 *
 * With --pt-frames every table holds a frame of kind pt from the pool, taken
 * through the store's take_frame hook (which may reclaim, kill or fail).
 */
#ifndef VMSIM_PAGETABLE_H
#define VMSIM_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/arch.h"
#include "vmsim/frames.h"
#include "vmsim/slab.h"

#define PTE_P UINT64_C(1)
#define PTE_W UINT64_C(2)
#define PTE_A UINT64_C(4)
#define PTE_D UINT64_C(8)
#define PTE_S UINT64_C(16)
#define PTE_FRAME_SHIFT 32

static inline uint32_t pte_frame(uint64_t e) { return (uint32_t)(e >> PTE_FRAME_SHIFT); }
static inline uint64_t pte_make(uint32_t frame, uint64_t bits)
{
    return ((uint64_t)frame << PTE_FRAME_SHIFT) | bits | PTE_P;
}
static inline bool pte_is_swap(uint64_t e) { return (e & (PTE_P | PTE_S)) == PTE_S; }
static inline uint32_t pte_slot(uint64_t e) { return (uint32_t)(e >> PTE_FRAME_SHIFT); }
static inline uint64_t pte_make_swap(uint32_t slot) { return ((uint64_t)slot << PTE_FRAME_SHIFT) | PTE_S; }

struct pagetable;

struct pt {
    uint32_t used;  /* entries in use (present entries, or child tables) */
    uint32_t share; /* upper entries pointing here (> 1: shared leaf) */
    uint32_t frame; /* its frame with --pt-frames, else FRAME_NONE */
    uint32_t rss;   /* leaf: present entries mapping a pool frame */
    uint32_t swaps; /* leaf: swap entries */
    uint32_t mark;  /* scratch for --check walks */
    uint32_t seen;  /* scratch for --check walks */
    uint64_t base;  /* leaf: the address that entry 0 maps */
    struct pagetable *owner;  /* leaf: a page table pointing here */
    struct pagetable **more;  /* leaf: the other share - 1 owners (NULL: none yet) */
    uint32_t cap_more;
    uint32_t aux_id;          /* leaf: the reverse map's number for it */
    uint64_t e[];             /* 2^level_bits entries */
};

/* What one change of the write path was. Entries [i, end) of `leaf`
 * (end = i + 1 for one entry); for one entry, `old` and `new` are its
 * values before and after. `p` is the page table that made the change
 * (NULL when the leaf's every owner sees it). */
enum pt_change_kind {
    PTC_FILL,      /* an empty entry now maps a frame */
    PTC_CLEAR,     /* an entry in use (present or swap) was cleared */
    PTC_REPLACE,   /* a present entry now maps another frame */
    PTC_PROTECT,   /* entries [i, end) that were present had their writable bit set as `new` says */
    PTC_FORK,      /* entries [i, end) of a child's leaf were copied from the same entries of `src` */
    PTC_SWAP_OUT,  /* a present entry became a swap entry (an eviction: every owner sees it) */
    PTC_SWAP_IN,   /* a swap entry now maps a frame */
    PTC_UNSHARE,   /* p's private copy `leaf` of the shared leaf `src`: entries [0, n) copied */
    PTC_LEAF_MADE, /* a new leaf, empty */
    PTC_LEAF_SHARED, /* page table p now points at the leaf too (a sharept fork) */
    PTC_LEAF_LEFT, /* page table p let go of the leaf, which others still share */
    PTC_LEAF_GONE, /* a leaf about to be freed; its present entries are about to be cleared */
    PTC_DROP,      /* page table p is about to be dropped whole (exit, exec) */
};

struct pt_change {
    enum pt_change_kind kind;
    struct pagetable *p;
    struct pt *leaf;
    unsigned i, end;
    uint64_t old, new;
    struct pt *src;
    bool same_frames; /* FORK, UNSHARE: each present entry maps its source's frame */
    bool was_empty;   /* FORK: the child's leaf had no entry in use before */
};

typedef void (*pt_hook_fn)(void *ctx, const struct pt_change *c);

#define PT_MAX_HOOKS 8

/* The machine-wide side of the page tables: where every table comes from,
 * the counters of the work done on them, and the hooks of the write path. */
struct pt_store {
    const struct arch *arch;
    struct frames *ft;
    bool pt_frames;     /* tables take frames from the pool */
    uint64_t tables;    /* distinct tables alive (memory.pt_pages) */
    uint64_t tables_made;   /* tables ever made (for the cost model) */
    uint64_t teardown_ptes; /* entries cleared with a whole table */
    uint64_t unmap_ptes;    /* entries cleared one by one (pte_clear) */
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
    /* over (NULL: none): would n more tables pass the owner's memory
     * bound? Asked for one before each table is made (true calls on_limit
     * too), and by a fork for all its tables before it begins */
    bool (*over)(void *ctx, uint64_t n);
    void *ctx;
    /* the subscribers of the write path, called in order after each change */
    struct {
        pt_hook_fn fn;
        void *ctx;
    } hooks[PT_MAX_HOOKS];
    unsigned nhooks;
    bool dying; /* pt_store_dying: tables go without their entries' bookkeeping */
    /* tables come from a slab (slab.h: fewer host page faults than one
     * malloc each); set up with the first table */
    struct slab slab;
};

#define PT_HINTS 64

/* One process's (or one vfork family's) page table. */
struct pagetable {
    struct pt *root;
    uint64_t pages; /* tables reachable from root, root included */
    uint64_t rss;   /* present entries mapping pool frames */
    uint64_t swaps; /* swap entries */
    void *owner;    /* what this page table belongs to (its address space) */
    uint64_t mark;  /* scratch: the last walk that counted it */
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

/* pt_hook_add: fn(ctx, change) is called after every change of the write
 * path, after the hooks added before it. */
void pt_hook_add(struct pt_store *ps, pt_hook_fn fn, void *ctx);

/* pt_take_frame: a frame for the current event through the take_frame
 * hook (which may reclaim or kill); FRAME_NONE means stop the event. */
static inline uint32_t pt_take_frame(struct pt_store *ps, enum frame_kind kind) { return ps->take_frame(ps->ctx, kind); }

/* pagetable_init: a page table with a new, empty root, belonging to owner.
 * -1 if the root's frame could not be had (with --pt-frames). */
int pagetable_init(struct pt_store *ps, struct pagetable *p, void *owner);

/* pagetable_destroy: clears every entry (each frame loses a reference; an
 * anon frame at 0 is freed) and frees every table; a shared leaf only loses
 * this reference. Returns the entries cleared. */
uint64_t pagetable_destroy(struct pt_store *ps, struct pagetable *p);

/* pt_table_at: the table of the given level covering va. With make, the
 * missing tables on the way are made (top down, never unsharing); NULL if
 * one could not be had, or (without make) if one is missing. */
struct pt *pt_table_at(struct pt_store *ps, struct pagetable *p, uint64_t va, unsigned level, bool make);

/* pt_leaf: the leaf table covering va, or NULL if it does not exist. */
static inline struct pt *pt_leaf(const struct pt_store *ps, const struct pagetable *p, uint64_t va)
{
    uint64_t key = (va >> (ps->arch->page_shift + ps->arch->level_bits)) + 1;
    if (p->hint_key[key % PT_HINTS] == key)
        return p->hint_leaf[key % PT_HINTS];
    return pt_table_at((struct pt_store *)ps, (struct pagetable *)p, va, ps->arch->levels - 1, false);
}

/* pt_lookup: the leaf entry of va (0 when no table holds it). */
static inline uint64_t pt_lookup(const struct pt_store *ps, const struct pagetable *p, uint64_t va)
{
    struct pt *l = pt_leaf(ps, p, va);
    return l ? l->e[arch_index(ps->arch, va, ps->arch->levels - 1)] : 0;
}

/* pt_leaf_index: the index in its leaf of the entry of va. */
static inline unsigned pt_leaf_index(const struct pt_store *ps, uint64_t va)
{
    return arch_index(ps->arch, va, ps->arch->levels - 1);
}

/* pt_entry_va: the address that entry i of a leaf maps. */
static inline uint64_t pt_entry_va(const struct pt_store *ps, const struct pt *leaf, unsigned i)
{
    return leaf->base + ((uint64_t)i << ps->arch->page_shift);
}

/* pt_leaf_owner: owner k (0 .. share - 1) of a leaf. */
static inline struct pagetable *pt_leaf_owner(const struct pt *leaf, uint32_t k)
{
    return k == 0 ? leaf->owner : leaf->more[k - 1];
}

/* pt_leaf_for_change: the leaf covering va, made if missing (tables top
 * down) and unshared if shared, ready for one of its entries to change.
 * NULL if a frame could not be had: tables already made stay, empty (call
 * pt_prune). */
struct pt *pt_leaf_for_change(struct pt_store *ps, struct pagetable *p, uint64_t va);

/* pt_unshare_leaf: gives p its own copy of the shared leaf covering va:
 * every present entry is copied and its frame gains a reference. Returns
 * the copy, or NULL if its frame could not be had. */
struct pt *pt_unshare_leaf(struct pt_store *ps, struct pagetable *p, uint64_t va);

/* ---- the write path ------------------------------------------------------------
 * Entry i of `leaf`, a leaf of p that p does not share (but for pt_fork_leaf,
 * which shares on purpose, and the bit setters, which are no change). */

/* pte_fill: the empty entry now maps `frame` with `bits` (PTE_W, PTE_A,
 * PTE_D); the frame gains a reference. */
void pte_fill(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i, uint32_t frame, uint64_t bits);

/* pte_replace: the present entry now maps `frame` with `bits`; the new
 * frame gains a reference, the old one loses one (an anon frame is freed at
 * 0). */
void pte_replace(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i, uint32_t frame,
                 uint64_t bits);

/* pte_clear: the entry is cleared, if in use; a present entry's frame loses
 * a reference (an anon frame at 0 is freed); a swap entry no longer names
 * its slot (the swap module learns it from the hook). The table is not
 * freed (pt_prune). */
void pte_clear(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i);

/* ---- swap: entries changed in place, in any leaf (shared or not), as an
 * eviction does; every owner of the leaf sees the change (p = NULL). ---- */

/* pte_swap_out: the present entry becomes a swap entry naming slot; its
 * frame loses the entry's reference (not freed here). */
void pte_swap_out(struct pt_store *ps, struct pt *leaf, unsigned i, uint32_t slot);

/* pte_unmap: the present entry is cleared in place; its frame loses the
 * reference (a cache frame keeps the page cache's). */
void pte_unmap(struct pt_store *ps, struct pt *leaf, unsigned i);

/* pte_swap_in: the swap entry of p's unshared leaf now maps frame with
 * bits; the frame gains a reference. */
void pte_swap_in(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i, uint32_t frame, uint64_t bits);

/* pte_clear_accessed: clears the accessed bit (the clock policy). Like
 * pte_touch, not a change. */
static inline void pte_clear_accessed(struct pt *leaf, unsigned i) { leaf->e[i] &= ~PTE_A; }

/* pte_set_writable: the writable bit of the present entry, set or cleared. */
void pte_set_writable(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i, bool w);

/* pte_protect_range: the present entries [i0, i1) that `want_w(ctx, e)`
 * says must change get writable bit as it says; one hook call for all. */
typedef int (*pte_w_fn)(void *ctx, uint64_t e); /* 1: writable, 0: read-only, -1: unchanged */
void pte_protect_range(struct pt_store *ps, struct pagetable *p, struct pt *leaf, unsigned i0, unsigned i1,
                       pte_w_fn want_w, void *ctx);

/* pte_touch: an access: the accessed bit, and the dirty bit for a write.
 * Not a change (no hook, shared leaves stay shared). */
static inline void pte_touch(struct pt *leaf, unsigned i, bool write)
{
    leaf->e[i] |= PTE_A | (write ? PTE_D : 0);
}

/* pt_fork_leaf: a fork's copy of the present entries [i0, i1) of parent
 * leaf `pl` (at address base) into the child's page table (its leaf is
 * made if missing; the caller has counted that one can be had). An entry
 * for which copy_frame(ctx, frame) gives a frame (copy mode) maps that new
 * frame, writable if `writable`, with the parent's accessed and dirty bits;
 * every other entry maps the parent's frame, which gains a reference, and
 * with `private_cow` a writable one becomes read-only in both. Entries
 * copied count in ptes_copied. */
typedef uint32_t (*pt_copy_fn)(void *ctx, uint32_t frame); /* FRAME_NONE: share it */
void pt_fork_leaf(struct pt_store *ps, struct pagetable *parent, struct pagetable *child, struct pt *pl,
                  unsigned i0, unsigned i1, uint64_t base, bool private_cow, bool writable, pt_copy_fn copy_frame,
                  void *ctx);

/* pt_share_leaf: a sharept fork of leaf `pl` (at base) into the child: the
 * child's upper tables point at it; with private_cow, entries [i0, i1)
 * become read-only. -1 if a table could not be had. */
int pt_share_leaf(struct pt_store *ps, struct pagetable *parent, struct pagetable *child, struct pt *pl, unsigned i0,
                  unsigned i1, uint64_t base, bool private_cow);

/* pt_prune: frees the tables on the path to va that have no entry in use,
 * bottom up (never the root). */
void pt_prune(struct pt_store *ps, struct pagetable *p, uint64_t va);

/* pt_prune_leaf: a leaf that an eviction left with no entry in use goes, in
 * every page table that shares it, with the upper tables it leaves empty;
 * but no table on the path of keep_va in keep_p (the page the current event
 * works on) goes: that path is pruned when its page is done. */
void pt_prune_leaf(struct pt_store *ps, struct pt *leaf, const struct pagetable *keep_p, uint64_t keep_va);

/* pt_range_fn: called for each existing leaf overlapping a range, with the
 * first and last (exclusive) entry index in it and the address of entry 0. */
typedef int (*pt_range_fn)(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base);

/* pt_for_each_leaf: calls fn on the leaves overlapping [start, end) in rising
 * address order; stops when fn returns non-zero and returns that value.
 * fn must not free the leaf or change the tables above it. */
int pt_for_each_leaf(const struct pt_store *ps, const struct pagetable *p, uint64_t start, uint64_t end,
                     pt_range_fn fn, void *ctx);

/* pt_drop_frame: one reference less on frame f; frees an anon frame at 0.
 * For references that are not entries (a frame held while it is copied). */
void pt_drop_frame(struct pt_store *ps, uint32_t f);

/* pt_store_destroy: gives back the memory kept for tables (after every page
 * table is destroyed). */
/* pt_store_dying: the whole machine is about to go (vm_free): from now on
 * a page table is destroyed without clearing its entries one by one, no
 * frame is given back and no hook is told; only the memory outside the
 * store (a shared leaf's owners) is freed. */
void pt_store_dying(struct pt_store *ps);

void pt_store_destroy(struct pt_store *ps);

/* pt_table_bytes: size of one table in the simulator's memory (a leaf's
 * reverse-map links, when it has them, are the reverse map's: rmap.h). */
static inline uint64_t pt_table_bytes(const struct arch *a)
{
    return sizeof(struct pt) + (UINT64_C(8) << a->level_bits);
}

#endif
