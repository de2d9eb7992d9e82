/* pagecache.h -- memory objects, the page cache and the file store.
 *
 * A memory object is what a non-private-anonymous VMA maps: a file, named
 * by a word, or a shared-memory object made by one shared anonymous mmap.
 * Object ids are small numbers, never 0 (0 means private anonymous).
 *
 * The page cache holds frames of kind cache, keyed by (object, page) in a
 * uthash table; it holds one reference on each. A file page that no entry
 * maps (refcount 1) may be dropped to free its frame: the oldest-cached one
 * first. Its value then goes to the file store, so that what was written
 * through a shared mapping persists. Pages of shared-memory objects are
 * never dropped; they go, with their object, when no VMA maps it any more.
 *
 * Finding the oldest droppable page: a min-heap of (cache order, frame),
 * pushed whenever a page becomes droppable and checked when popped (an
 * entry whose page was mapped again, dropped or replaced is skipped).
 */
#ifndef VMSIM_PAGECACHE_H
#define VMSIM_PAGECACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <uthash.h>

#include "vmsim/frames.h"

struct pc_key {
    uint64_t page;
    uint32_t obj;
    uint32_t pad; /* always 0: the key is hashed as bytes */
};

struct cache_page {
    struct pc_key key;
    uint32_t frame;
    uint64_t seq; /* order of entry into the cache */
    UT_hash_handle hh;       /* by key */
    UT_hash_handle hh_frame; /* by frame */
    struct cache_page *prev, *next; /* the object's pages (utlist) */
};

struct mobj {
    uint32_t id;
    bool shm;           /* shared-memory object (else a file) */
    char *name;         /* file name; "shm#ID" for shared memory */
    uint64_t vma_refs;  /* shared memory: VMAs that map it */
    uint64_t cached;    /* pages in the cache */
    uint64_t swapped;   /* shared memory: pages in swap */
    struct cache_page *pages;
    UT_hash_handle hh;      /* by id */
    UT_hash_handle hh_name; /* files by name */
};

struct fstore_val {
    struct pc_key key;
    uint64_t value;
    UT_hash_handle hh;
};

/* a shared-memory object's page that lies in a swap slot */
struct swapped_page {
    struct pc_key key;
    uint32_t slot;
    UT_hash_handle hh;
};

struct reclaim_item {
    uint64_t seq;
    uint32_t frame;
};

struct pagecache {
    struct frames *ft;
    struct mobj *objs;        /* by id */
    struct mobj *files;       /* by name */
    struct cache_page *pages; /* by key */
    struct cache_page *by_frame;
    struct fstore_val *store;
    uint32_t next_obj;
    uint64_t next_seq;
    uint64_t npages;     /* pages cached */
    uint64_t nstore;     /* values kept in the file store */
    uint64_t loads, drops;
    struct reclaim_item *heap;
    uint64_t heap_n, heap_cap;
    struct swapped_page *swapped; /* shared-memory pages in swap, by key */
    uint64_t nswapped;
    /* called with the slot of each page in swap of a shared-memory object
     * that goes (no VMA maps it any more) */
    void (*on_swapped_gone)(void *ctx, uint32_t slot);
    void *on_swapped_gone_ctx;
};

void pagecache_init(struct pagecache *pc, struct frames *ft);
/* pagecache_destroy: frees everything, giving cached frames back. */
void pagecache_destroy(struct pagecache *pc);

/* mobj_file: the object of the file named name (made on first use). */
uint32_t mobj_file(struct pagecache *pc, const char *name, size_t len);
/* mobj_shm_new: a new shared-memory object (no VMA maps it yet: mobj_ref). */
uint32_t mobj_shm_new(struct pagecache *pc);
struct mobj *mobj_get(const struct pagecache *pc, uint32_t id);
/* mobj_ref / mobj_unref: one VMA more or less maps the object. A
 * shared-memory object mapped by no VMA goes, with its cached pages (no
 * entry can map them any more). Files are kept. */
void mobj_ref(struct pagecache *pc, uint32_t id);
void mobj_unref(struct pagecache *pc, uint32_t id);

/* pc_lookup: the cached frame of (obj, page), or FRAME_NONE. */
uint32_t pc_lookup(const struct pagecache *pc, uint32_t obj, uint64_t page);

/* pc_insert: caches (obj, page) in frame f, just taken with kind cache:
 * the frame gets the file's value and the cache's reference; loads rises. */
void pc_insert(struct pagecache *pc, uint32_t obj, uint64_t page, uint32_t f);

/* pc_value: what (obj, page) holds now: its cached frame's value, else the
 * file's (0 for a page never written through a shared mapping). */
uint64_t pc_value(const struct pagecache *pc, uint32_t obj, uint64_t page);

/* pc_page_of_frame: the cache page held in frame f, or NULL. */
struct cache_page *pc_page_of_frame(const struct pagecache *pc, uint32_t f);

/* ---- eviction and swap (replacement, see pressure.h) ---- */

/* pc_evict: frame f, a file page that nothing maps now (refcount 1), leaves
 * the cache; its value goes to the file. */
void pc_evict(struct pagecache *pc, uint32_t f);

/* pc_swap_out: frame f, a shared-memory page that nothing maps now, leaves
 * the cache for swap slot `slot` (the caller counts the object's reference
 * in the slot). */
void pc_swap_out(struct pagecache *pc, uint32_t f, uint32_t slot);

/* pc_swapped: the slot holding (obj, page), or UINT32_MAX. */
uint32_t pc_swapped(const struct pagecache *pc, uint32_t obj, uint64_t page);

/* pc_swap_in: (obj, page), in swap, comes back in frame f (just taken with
 * kind cache; the caller gives it the slot's value and puts the object's
 * reference in the slot). Not a load. */
void pc_swap_in(struct pagecache *pc, uint32_t obj, uint64_t page, uint32_t f);

/* pc_reclaim_one: drops the longest-cached file page that nothing maps,
 * keeping its value in the file, and says which (if dropped is not NULL);
 * false if there is none. */
bool pc_reclaim_one(struct pagecache *pc, struct pc_key *dropped);

#endif
