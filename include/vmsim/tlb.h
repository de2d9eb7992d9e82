/* tlb.h -- the TLB of the one simulated CPU (SPEC section 11, docs/tlb.md).
 *
 * N entries (--tlb N, 0: no TLB) in N/W sets of W ways (--tlb-ways W, W
 * divides N; default N: fully associative). An entry caches one
 * translation: (address space, page) -> (frame, writable). The page goes
 * to set `page mod sets`; within a set the least recently used entry is
 * the one replaced.
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
    uint32_t hnext;        /* in use: the next entry of its hash bucket; free: of its set's free list */
    uint32_t newer, older; /* its set's use order */
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
    bool asid;
    struct vm *vm;         /* whose page tables, processes and observers */
    struct tlb_entry *e;   /* set s holds e[s * ways .. (s + 1) * ways) */
    uint32_t *mru, *lru;   /* per set: the most and least recently used entry */
    uint32_t *free;        /* per set: a free way (linked through hnext) */
    uint32_t *bucket;      /* hash index of the entries in use */
    unsigned bbits;
    uint32_t ghead;        /* every entry in use, newest first */
    uint32_t nlive;
    struct tlb_space *space; /* open addressing by id */
    unsigned sbits;
    /* the CPU */
    uint64_t cpu;          /* the serial of the process that ran the latest access (0: none yet) */
    uint32_t cpu_pid;
    /* operations */
    unsigned depth;
    uint32_t serial[TLB_MAX_DEPTH];
    uint32_t next_serial;
    size_t note_start[TLB_MAX_DEPTH];
    struct tlb_note *notes;
    size_t nnotes, capnotes;
    /* the summary's tlb group */
    uint64_t hits, misses, walks, walk_steps, invalidations, flushes, switches;
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
void tlb_op_begin(struct tlb *t);
void tlb_op_end(struct tlb *t);
static inline void tlb_begin(struct tlb *t)
{
    if (t->n)
        tlb_op_begin(t);
}
static inline void tlb_end(struct tlb *t)
{
    if (t->n)
        tlb_op_end(t);
}

/* tlb_lookup: the access of p at va (allowed by its VMA) looks up its entry;
 * leaf_found says whether the page table has the leaf table of va (a walk
 * then reads every level). Counts a context switch, a hit or a miss and its
 * walk. True on a miss: call tlb_fill when the access completes. */
bool tlb_lookup(struct tlb *t, const struct proc *p, uint64_t va, bool write, bool leaf_found);

/* tlb_fill: after a miss, the access completed: its entry (frame and
 * writable bit of the page table now) goes in, in place of its set's least
 * recently used one if the set is full. */
void tlb_fill(struct tlb *t, const struct proc *p, uint64_t va);

/* tlb_set_of: the set a page goes to */
static inline uint32_t tlb_set_of(const struct tlb *t, uint64_t page) { return (uint32_t)(page % t->sets); }

/* tlb_check: the invariant above. 0, or -1 with a message in msg. */
int tlb_check(struct vm *vm, char *msg, size_t len);

#endif
