/* rmap.h -- the reverse map: which leaf entries map frame F, and from
 * them which address spaces; with mappers, pss and uss.
 *
 * The map is kept by the page tables' write path: it subscribes to its
 * change hook (pagetable.h) and so learns of every entry that starts or
 * stops mapping a frame. Nothing else writes it.
 *
 *   frame F --its head (frames.h: fr[F].rmap)--> entry --next--> entry --next--> ... 0
 *
 * Each present leaf entry is a node of its frame's list, doubly linked, so
 * that an entry joins or leaves in constant time. A node is named by a
 * 32-bit entry number: the leaf's number (given when the leaf is made)
 * times 2^level_bits, plus the entry's index; 0 is no entry. The two links
 * of each entry live in a block per leaf (8 bytes per entry, named by the
 * map's record of the leaf, so that a walk never reads the leaf's header),
 * made when one of its links first is not 0: a leaf whose frames each have
 * one entry (a process that never forked) has no block, and its frames'
 * lists are their heads alone. An entry of a leaf shared by several page
 * tables (sharept) is one node: the leaf's owners say which address spaces
 * see it.
 *
 * Order: a new mapping goes first in its frame's list; a fork puts the
 * child's entry right after the parent's (and a leaf's private copy, after
 * the entry it copies), so that every walk of a list is the same on every
 * machine.
 *
 * Forked entries are linked late. A cow fork gives the child's leaf C the
 * same frames as the parent's leaf S; instead of writing two links per
 * entry then, the map records that C mirrors S, with a bit per entry: each
 * present entry k of C whose bit is set ("late") maps the frame that S's
 * entry k maps and stands in that frame's list right after it, without
 * links of its own. Walks step from S's entry to C's late one. A late entry
 * gets its links just before S's entry k changes; when C's own entry k
 * changes (a cow copy, a swap-out, an unmap) it simply leaves: its bit is
 * cleared and no link is written. A child that execs, exits or writes
 * every page costs its fork no links at all. A leaf mirrors at most one
 * leaf and is mirrored by at most one, and a mirror is never itself
 * mirrored: a fork of either, a private copy of either, or the end of S
 * first gives every late entry its links. What the lists say (order
 * included) is the same as if every link were written at fork.
 *
 * Answers cost time in proportion to the answer: rmap_for_each visits the
 * entries of one frame; mappers of F walks F's list once.
 */
#ifndef VMSIM_RMAP_H
#define VMSIM_RMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/frames.h"
#include "vmsim/pagetable.h"
#include "vmsim/slab.h"

struct rmap_memo; /* per frame, for queries that ask of many frames */

/* what the map knows of a leaf, by its number */
struct rmap_leaf {
    struct pt *leaf;
    uint32_t *links; /* its entries' two links each (NULL: all 0) */
    uint64_t *late;  /* a mirror's: a bit per entry, set while it is linked late */
    uint32_t src;    /* the leaf this one mirrors (0: none) */
    uint32_t mirror; /* the leaf that mirrors this one (0: none) */
};

struct rmap {
    struct pt_store *ps;
    struct frames *ft;
    struct rmap_leaf *leaves; /* by leaf number (0 unused) */
    uint32_t nleaves;   /* numbers handed out: 1 .. nleaves - 1 */
    uint32_t capleaves;
    uint32_t *free_nums; /* numbers of freed leaves, for reuse */
    uint32_t nfree, capfree;
    uint32_t max_leaves; /* leaf numbers that fit in an entry number */
    unsigned shift;      /* level_bits: entry number = leaf << shift | index */
    uint64_t version;    /* changes seen: a memo is valid for one version */
    uint64_t walk;       /* marks of one walk over owners */
    uint64_t blocks;     /* leaves' link blocks in use */
    uint64_t lates;      /* mirrors' bits in use */
    bool link_at_fork;   /* write every fork's links at once, no mirrors (tests compare both) */
    uint64_t mirrors;    /* forked leaves linked late, so far (a count for tests) */
    uint64_t materialized; /* entries linked late whose links were written later */
    struct slab slab;    /* where the blocks come from */
    struct slab late_slab; /* where the mirrors' bits come from */
    struct rmap_memo *memo; /* made on first use */
};

/* rmap_init: an empty map for the store's frames, subscribed to its write
 * path (call it before any table is made). The per-frame heads live in the
 * frame table's records (fr[F].rmap), all 0 while the frame is unmapped. */
void rmap_init(struct rmap *rm, struct pt_store *ps);
void rmap_destroy(struct rmap *rm);

/* rmap_bytes: the memory of the map beside the frames' heads: the link
 * blocks and mirrors' bits in use, and the leaves' records. */
static inline uint64_t rmap_bytes(const struct rmap *rm)
{
    return rm->blocks * ((uint64_t)8 << rm->shift) + rm->lates * ((((uint64_t)1 << rm->shift) + 63) / 64 * 8) +
           (uint64_t)rm->nleaves * sizeof *rm->leaves;
}

/* rmap_max_tables: the tables the entry numbers have room for. */
static inline uint64_t rmap_max_tables(const struct rmap *rm) { return rm->max_leaves; }

/* one entry of the map */
struct rmap_entry {
    struct pt *leaf;
    unsigned i;
};

/* rmap_for_each: calls fn on every entry that maps frame f, in the map's
 * order; stops when fn returns non-zero and returns that value. fn must not
 * change the entries of f. */
typedef int (*rmap_fn)(void *ctx, const struct rmap_entry *e);
int rmap_for_each(const struct rmap *rm, uint32_t f, rmap_fn fn, void *ctx);

/* rmap_accessed: does an entry mapping frame f have its accessed bit set?
 * With clear, every such bit is cleared (in place: not a change of the
 * write path, as pte_clear_accessed). The clock policy's question, asked at
 * every frame its hand passes. */
bool rmap_accessed(const struct rmap *rm, uint32_t f, bool clear);

/* rmap_first: the first entry mapping frame f; false if none does. */
bool rmap_first(const struct rmap *rm, uint32_t f, struct rmap_entry *e);

/* rmap_entries: how many entries map frame f. */
uint64_t rmap_entries(const struct rmap *rm, uint32_t f);

/* rmap_mappers: the address spaces (page tables) that map frame f, the zero
 * page included; a vfork family's one space counts once. */
uint32_t rmap_mappers(struct rmap *rm, uint32_t f);

/* pss as a fraction num / den, for comparisons that must be exact (a
 * double makes 1.5 - 1.499 less than 0.001); exact is false when the sum
 * outgrows it (den past 2^56 or num past 2^64), which takes mappers
 * counts whose least common multiple is that large. */
struct pss_frac {
    uint64_t num, den;
    bool exact;
};
#define PSS_FRAC_MAX_DEN ((uint64_t)1 << 56)

/* rmap_sharing: pss (pages, 1/mappers summed over the distinct anon and
 * cache frames page table p maps) and uss (those frames with one mapper);
 * pss as a fraction too when frac is not NULL. */
void rmap_sharing(struct rmap *rm, const struct pagetable *p, double *pss, uint64_t *uss, struct pss_frac *frac);

/* rmap_check: the map against the tables of every leaf it knows: every
 * present entry is in its frame's list once, every list holds only present
 * entries of its frame, links agree both ways. 0, or -1 with a message in
 * err. Slow: for --check. */
int rmap_check(const struct rmap *rm, char *err, size_t errlen);

#endif
