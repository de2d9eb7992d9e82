/* tlb.h -- the TLB of the one simulated CPU (SPEC section 11, docs/tlb.md).
 *
 * N entries (--tlb N, 0: no TLB) in N/W sets of W ways (--tlb-ways W, W
 * divides N; default N: fully associative). An entry caches one
 * translation: (address space, page) -> (frame, writable). The page goes
 * to set `page mod sets`; a new entry takes the set's lowest free way, or
 * replaces its least recently used entry when the set is full.
 *
 * The tag is the address space, the thing a vfork child shares with its
 * parent and a fork copies: a vfork pair shares entries, a forked child has
 * none of its parent's. Leaf tables shared by a sharept fork do not share
 * entries: each owner is its own address space.
 *
 * Accesses (fault.c, vm_access). The CPU runs the process of the latest
 * access; an access by another process is a context switch, which without
 * --asid flushes every entry. An access that segfaults never reaches the
 * TLB. Every other access looks up (address space, page):
 *   - a hit: an entry is there and allows the access (a write needs its
 *     writable bit); it becomes its set's most recently used;
 *   - a miss otherwise: an entry that does not allow a write is removed
 *     (not an invalidation: the miss says it), the page table is walked
 *     (walks + 1, walk_steps + the tables read, down to the leaf or to the
 *     first missing one), the access goes on as without a TLB, and when it
 *     completes its entry goes in (tlb_fill). An access whose process is
 *     killed on the way fills nothing.
 * The TLB never changes what an access does: a hit is always an access the
 * page table allows without a fault.
 *
 * Invalidations. The TLB subscribes to the page tables' write path
 * (pt_hook_add): whenever a present entry is cleared, gets another frame,
 * loses its writable bit or becomes a swap entry, the TLB entry of every
 * address space that sees that page-table entry is removed (invalidations
 * + 1). An *operation* (one event line -- munmap, mprotect, mmap, brk, fork
 * -- or one eviction inside it) that would remove more than TLB_FLUSH_CEILING
 * entries of one address space removes all of that address space's
 * entries instead (flushes + 1; those removals count in no invalidation).
 * The engine brackets each event (tlb_begin/tlb_end) and the eviction code
 * each eviction; a change outside any bracket is an operation of its own.
 * A writable bit that is set changes no entry of the TLB (a write through
 * an older read-only entry misses and refills). A dropped address space
 * loses its entries silently.
 *
 * What the TLB does is told as FACT_TLB facts (observe.h): hits, misses
 * and fills at once, invalidations and ceiling flushes at the end of their
 * operation, a context switch when it happens.
 *
 * Invariant (tlb_check, run by --check): every entry belongs to a live
 * address space whose page table maps that page present, to the same
 * frame, writable if the entry is; the sets, their use order, the hash
 * index and the counts agree.
 */
#ifndef VMSIM_TLB_H
#define VMSIM_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim/observe.h"
#include "vmsim/pagetable.h"

#define TLB_MAX_ENTRIES 65536u /* --tlb at most this */
#define TLB_FLUSH_CEILING 33u       /* Linux's tlb_single_page_flush_ceiling */
#define TLB_NONE UINT32_MAX
#define TLB_MAX_DEPTH 4        /* nested operations: an eviction inside an event */

struct vm;
struct proc;
struct aspace;

/* one way of one set; `as` 0 is a free way */
struct tlb_entry {
    uint64_t page;         /* the virtual page number */
    uint32_t as;           /* the address space's id (aspace.h) */
    uint32_t frame;        /* what the page maps (the frame table's n: the zero page) */
    uint32_t hprev;        /* the link (tlb.link) that holds its index */
    uint32_t set;          /* the set it belongs to (index / ways) */
    uint32_t newer, older; /* its set's use order: a ring (tlb.c) */
    uint32_t gprev, gnext; /* the list of every entry in use */
    uint8_t w;             /* a write may go through it */
    uint8_t ptw;           /* the page-table entry's writable bit, as last seen */
};

/* what the TLB knows of one address space that has entries in it */
struct tlb_space {
    uint32_t id;                       /* 0: a free slot */
    uint32_t live;                     /* its entries */
    uint32_t removed[TLB_MAX_DEPTH];   /* invalidated by the operation op[d] at depth d */
    uint32_t op[TLB_MAX_DEPTH];
};

/* an invalidation or a ceiling flush waiting for the end of its operation */
struct tlb_note {
    bool flush;
    uint8_t why;          /* enum tlb_why (observe.h) */
    uint32_t as, pid;     /* the address space, and its lowest pid then */
    uint64_t page;        /* an invalidation: its entry */
    uint32_t frame;
    bool w;
    uint64_t entries;     /* a flush: entries removed */
};

struct tlb {
    uint32_t n;            /* entries (0: no TLB) */
    uint32_t ways, sets;
    uint64_t set_mask;     /* sets - 1 when sets is a power of two (no division) */
    bool set_div;          /* sets is no power of two: page mod sets is a division */
    bool asid;
    struct vm *vm;         /* whose page tables, processes and observers */
    const uint32_t *wants; /* the machine's FACT_BIT mask of what observers want */
    unsigned page_shift, levels;
    struct tlb_entry *e;   /* set s holds e[s * ways .. (s + 1) * ways); e[n] is no entry */
    uint32_t *mru;         /* per set: the most recently used entry (TLB_NONE: empty) */
    uint32_t *nfree;       /* per set: its free ways */
    uint64_t *freemap;     /* per set, wwords words: a bit for each free way (a new entry takes the lowest) */
    uint32_t wwords;
    /* the hash index of the entries in use: link[b] is the first entry of
     * bucket b (b < nb), link[nb + k] the one after entry k; n ends a chain */
    uint32_t *link;
    uint32_t nb;
    unsigned bbits;
    uint32_t ghead;        /* every entry in use, newest first */
    uint32_t nlive;
    struct tlb_space *space; /* open addressing by id */
    unsigned sbits;
    /* the CPU */
    uint64_t cpu;          /* the serial of the process that ran the latest access (0: none yet) */
    uint32_t cpu_pid;
    uint32_t miss_bucket;  /* the hash bucket of the latest miss's page, for its fill */
    /* operations */
    unsigned depth;
    uint32_t serial[TLB_MAX_DEPTH]; /* 0: nothing removed yet */
    uint32_t next_serial;
    size_t note_start[TLB_MAX_DEPTH];
    struct tlb_note *notes;
    size_t nnotes, capnotes;
    /* the summary's tlb group */
    uint64_t hits, misses, walk_steps, invalidations, flushes, switches; /* a walk for each miss */
};

/* tlb_init: the TLB of the machine's configuration (vm->cfg.tlb_*), hooked
 * to its write path; nothing with 0 entries. -1 if memory cannot be had. */
int tlb_init(struct tlb *t, struct vm *vm);
void tlb_destroy(struct tlb *t);

/* tlb_on: is there a TLB? (the test of the hot path) */
static inline bool tlb_on(const struct tlb *t) { return t->n != 0; }

/* tlb_begin / tlb_end: the operation whose removals count together (an
 * event line, an eviction); nested ones count apart. tlb_end tells the
 * operation's invalidations and flushes. */
void tlb_op_begin(struct tlb *t); /* tlb_begin, out of line */
void tlb_op_tell(struct tlb *t);  /* tlb_end's facts of an operation that removed entries */
static inline void tlb_begin(struct tlb *t)
{
    if (t->n) {
        if (t->depth >= TLB_MAX_DEPTH)
            tlb_op_begin(t); /* asserts */
        t->serial[t->depth++] = 0; /* its number, when it first removes an entry */
    }
}
static inline void tlb_end(struct tlb *t)
{
    if (t->n) {
        if (t->serial[t->depth - 1])
            tlb_op_tell(t);
        t->depth--;
    }
}

/* tlb_access: the access of p (its serial, its address space's id) at va,
 * allowed by its VMA, looks up its entry; leaf_found says whether the page
 * table has the leaf table of va (a walk then reads every level), pte is
 * its entry there (0: none). Counts a context switch, a hit or a miss and
 * its walk. A miss whose pte allows the access takes no fault: its entry
 * goes in at once. True when the access faults: call tlb_fill if it
 * completes. The common cases run inline (below); tlb_access_slow does all
 * of it. */
static inline bool tlb_access(struct tlb *t, const struct proc *p, uint64_t serial, uint32_t as, uint64_t va,
                              bool write, bool leaf_found, uint64_t pte);
bool tlb_access_slow(struct tlb *t, const struct proc *p, uint64_t va, bool write, bool leaf_found, uint64_t pte);

/* tlb_fill: after a miss, the access completed: its entry (frame and
 * writable bit of the page table now) goes in, in place of its set's least
 * recently used one if the set is full. */
void tlb_fill(struct tlb *t, const struct proc *p, uint64_t va);

/* tlb_older: the entry used before entry k in its set (TLB_NONE after the
 * least recently used): from t->mru[set], the set in the order of use */
static inline uint32_t tlb_older(const struct tlb *t, uint32_t k)
{
    uint32_t o = t->e[k].older;
    return o == t->mru[t->e[k].set] ? TLB_NONE : o;
}

/* tlb_set_of: the set a page goes to */
static inline uint32_t tlb_set_of(const struct tlb *t, uint64_t page)
{
    return (uint32_t)(__builtin_expect(t->set_div, 0) ? page % t->sets : page & t->set_mask);
}

/* tlb_check: the invariant above. 0, or -1 with a message in msg. */
int tlb_check(struct vm *vm, char *msg, size_t len);

/* ---- the access path, inline: vm_access runs it for every access -------------------- */

/* tlb_bucket: the hash bucket of (as, page) */
static inline uint32_t tlb_bucket(const struct tlb *t, uint32_t as, uint64_t page)
{
    uint64_t h = (page + ((uint64_t)as << 40)) * UINT64_C(0x9E3779B97F4A7C15);
    return (uint32_t)(h >> (64 - t->bbits));
}

/* tlb_find: the entry of (as, page) in bucket b, or n */
static inline uint32_t tlb_find(struct tlb *t, uint32_t b, uint32_t as, uint64_t page)
{
    struct tlb_entry *ent = t->e;
    ent[t->n].page = page; /* entry n, the end of every chain, has the key: one test a step */
    ent[t->n].as = as;
    uint32_t k = t->link[b];
    while (ent[k].page != page || ent[k].as != as)
        k = t->link[t->nb + k];
    return k;
}

/* out of line, for the inline path */
void tlb_touch(struct tlb *t, uint32_t k);
void tlb_move_space(struct tlb *t, uint32_t from, uint32_t to);

static inline bool tlb_access(struct tlb *t, const struct proc *p, uint64_t serial, uint32_t as, uint64_t va,
                              bool write, bool leaf_found, uint64_t pte)
{
    /* a context switch, or someone to tell: the general path */
    if (__builtin_expect(serial != t->cpu || (*t->wants & FACT_BIT(FACT_TLB)), 0))
        return tlb_access_slow(t, p, va, write, leaf_found, pte);
    uint64_t page = va >> t->page_shift;
    uint32_t b = tlb_bucket(t, as, page), k = tlb_find(t, b, as, page);
    struct tlb_entry *ent = t->e;
    if (k != t->n) {
        if (write && !ent[k].w) /* an entry that does not allow the write */
            return tlb_access_slow(t, p, va, write, leaf_found, pte);
        t->hits++;
        tlb_touch(t, k);
        return false;
    }
    uint64_t need = PTE_P | (write ? PTE_W : 0);
    if ((pte & need) != need) { /* a fault: the entry goes in if the access completes */
        if (!leaf_found) /* the walk stops above the leaf: count its tables */
            return tlb_access_slow(t, p, va, write, leaf_found, pte);
        t->misses++;
        t->walk_steps += t->levels;
        t->miss_bucket = b;
        return true;
    }
    /* no fault: the access completes now, and its entry goes in */
    uint32_t s = tlb_set_of(t, page);
    if (__builtin_expect(t->nfree[s] != 0, 0)) /* a free way */
        return tlb_access_slow(t, p, va, write, leaf_found, pte);
    t->misses++;
    t->walk_steps += t->levels; /* the leaf holds the present entry: the walk read every level */
    /* the set is full: its least recently used entry takes the new one in place */
    k = ent[t->mru[s]].newer;
    struct tlb_entry *x = &ent[k];
    uint32_t *link = t->link, nb = t->nb;
    uint32_t next = link[nb + k], prev = x->hprev; /* out of its bucket */
    link[prev] = next;
    ent[next].hprev = prev;
    if (__builtin_expect(x->as != as, 0))
        tlb_move_space(t, x->as, as);
    x->page = page;
    x->as = as;
    x->frame = pte_frame(pte);
    x->w = x->ptw = (uint8_t)((pte >> 1) & 1); /* PTE_W */
    uint32_t first = link[b]; /* into bucket b */
    link[nb + k] = first;
    x->hprev = b;
    ent[first].hprev = nb + k;
    link[b] = k;
    t->mru[s] = k; /* the least recently used becomes the most: one step round the ring */
    return false;
}

#endif
