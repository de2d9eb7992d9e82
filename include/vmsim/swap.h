/* swap.h -- swap space: slots that hold page values, their counts, and the
 * swap cache.
 *
 * Slots are numbered 0 .. n-1; a new slot is always the lowest free one
 * (lowbits.h). A slot holds one page value and a count:
 *
 *   count = the swap entries that name it
 *         + 1 while a frame in memory holds an unchanged copy of it
 *         + 1 while a shared-memory object's page is in it
 *
 * and it is freed when its count falls to 0. A frame that holds an unchanged
 * copy *holds a valid swap copy*: the slot and the frame name each other
 * (the swap cache). Any write to such a frame, and the frame's freeing, end
 * the copy (the slot loses its 1).
 *
 * The counts of swap entries are kept by the page tables' write path: the
 * module subscribes to its change hook (pagetable.h) and counts every swap
 * entry made, copied at a fork or an unshare, swapped in or cleared.
 * Storage is allocated untouched (calloc), so a large swap space costs
 * nothing until used.
 */
#ifndef VMSIM_SWAP_H
#define VMSIM_SWAP_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/frames.h"
#include "vmsim/lowbits.h"
#include "vmsim/pagetable.h"

#define SLOT_NONE UINT32_MAX
#define SWAP_MAX_SLOTS (UINT32_C(1) << 31) /* slot numbers fit in an entry's 32 bits */

/* one slot: what a swap-in or an eviction reads and writes of it lies in
 * one cache line (a large swap space is visited at random) */
struct swap_slot {
    uint64_t value;
    uint32_t count;
    uint32_t frame; /* 1 + the frame holding its valid copy (0: none) */
};

struct swap {
    uint32_t n;          /* slots (0: no swap space) */
    struct lowbits inuse;
    struct swap_slot *slot;
    struct frames *ft;   /* a frame's copy: the swap word of its record (NULL: no swap space) */
    uint32_t nframes;
    unsigned nentries;   /* entries of a leaf table */
    uint64_t used, peak; /* slots in use now, and the most after any event */
    uint64_t writes, reads;
    /* called after frame f's copy began or ended (NULL: nobody asks) */
    void (*on_copy)(void *ctx, uint32_t f);
    void *on_copy_ctx;
};

/* swap_init: n slots for a pool of nframes frames, subscribed to the write
 * path of ps, with no on_copy hook. 0, or -1 when memory is short. */
int swap_init(struct swap *sw, uint32_t n, uint32_t nframes, struct pt_store *ps);
void swap_destroy(struct swap *sw);

/* swap_full: no slot is free. */
static inline bool swap_full(const struct swap *sw) { return lowbits_full(&sw->inuse); }

/* swap_write: a new slot (the lowest free) holding value, with count 0, and
 * swap_writes + 1; SLOT_NONE when every slot is in use. */
uint32_t swap_write(struct swap *sw, uint64_t value);

/* swap_get / swap_put: one reference more or less on a slot in use; the
 * last put frees it (and ends a frame's copy of it, if any). */
void swap_get(struct swap *sw, uint32_t slot);
void swap_put(struct swap *sw, uint32_t slot);

/* swap_hold_copy: frame f (just filled with slot's value) holds its valid
 * copy: the slot gains a reference. */
void swap_hold_copy(struct swap *sw, uint32_t slot, uint32_t f);

/* swap_copy_of: the slot whose valid copy frame f holds, or SLOT_NONE. */
static inline uint32_t swap_copy_of(const struct swap *sw, uint32_t f)
{
    return sw->ft ? sw->ft->fr[f].swap - 1 : SLOT_NONE; /* 0 - 1 is SLOT_NONE */
}

/* swap_frame_of: the frame holding slot's valid copy (the swap cache), or
 * FRAME_NONE. */
static inline uint32_t swap_frame_of(const struct swap *sw, uint32_t slot) { return sw->slot[slot].frame - 1; }

/* swap_value / swap_count: what slot holds, and its count. */
static inline uint64_t swap_value(const struct swap *sw, uint32_t slot) { return sw->slot[slot].value; }
static inline uint32_t swap_count(const struct swap *sw, uint32_t slot) { return sw->slot[slot].count; }

/* swap_end_copy: frame f was written or freed: its copy, if any, ends. */
void swap_end_copy(struct swap *sw, uint32_t f);

/* swap_note_peak: samples swap_used for swap_peak (after an event). */
static inline void swap_note_peak(struct swap *sw)
{
    if (sw->used > sw->peak)
        sw->peak = sw->used;
}

/* swap_check: counts against the entries found by a walk (entries[s] swap
 * entries name slot s, objs[s] shared-memory pages lie in it), links
 * between slots and frames, the free set. 0, or -1 with a message. */
int swap_check(const struct swap *sw, const uint32_t *entries, const uint32_t *objs, char *err, size_t errlen);

#endif
