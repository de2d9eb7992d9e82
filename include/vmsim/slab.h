/* slab.h -- objects of one size, taken from large zeroed chunks of memory
 * and given back for reuse: the page tables and the reverse map's link
 * blocks come from here.
 *
 * Chunks are mapped in whole multiples of 2 MiB, which Linux places on a
 * huge-page boundary and backs with huge pages (MADV_HUGEPAGE): a new
 * object then costs no page fault of the host, and thousands of them (a
 * fork of a 4 GiB process) cost a handful. Nothing is returned to the
 * system before slab_destroy.
 *
 * Contract: a new object is all 0. An object given back (slab_free) keeps
 * its bytes but the first 8, which chain the free objects and which
 * slab_alloc clears again: callers that give objects back all 0 (a page
 * table's entries, a leaf's links) get them back all 0, without clearing.
 */
#ifndef VMSIM_SLAB_H
#define VMSIM_SLAB_H

#include <stddef.h>

struct slab {
    size_t size;  /* bytes of an object, at least 8 */
    void *free;   /* objects given back, chained by their first word */
    void **chunks;
    size_t nchunks;
    size_t chunk_bytes;
    char *next;   /* the newest chunk's first unused object */
    size_t left;  /* objects still unused in the newest chunk */
};

/* slab_init: an empty slab of objects of `size` bytes. */
void slab_init(struct slab *s, size_t size);

/* slab_alloc: an object (see the contract above). Exits with "vmsim: out of memory" (status
 * 3) when the system has none. */
void *slab_alloc(struct slab *s);

/* slab_free: object o goes back (see the contract above). */
void slab_free(struct slab *s, void *o);

/* slab_big_zalloc: one zeroed array of `bytes` bytes (NULL when the system
 * has no memory). From 2 MiB up it is mapped like a chunk, in whole huge
 * pages: the frame records and the swap slots are read at random, and a
 * host TLB miss on each of those reads would cost as much as the read.
 * Pages never written cost nothing, as with calloc. The last 2 MiB stay on
 * small pages: a record written at the end at once (the frame table's zero
 * page) costs 4 KiB of memory, not a huge page. Free it with
 * slab_big_free and the same size. */
void *slab_big_zalloc(size_t bytes);
void slab_big_free(void *p, size_t bytes);

/* slab_advise_huge: asks for huge pages under the whole 2 MiB pages of
 * [p, p + bytes) (an array from malloc that is read at random); a hint,
 * nothing else changes. */
void slab_advise_huge(void *p, size_t bytes);

/* slab_destroy: unmaps every chunk; every object is gone. */
void slab_destroy(struct slab *s);

#endif
