/* frames.h -- the physical frame table.
 *
 * Frames are numbered 0 .. n-1. Each has a kind (free, anon, cache, pt), a
 * reference count and one 64-bit value standing for its contents. The zero
 * page is one more frame, numbered n (FRAMES_ZERO(ft)), outside the pool: it
 * is never allocated or freed, and its count is the entries that map it.
 *
 * Allocation always takes the lowest-numbered free frame (lowbits.h: a
 * bitmap of the frames in use with summary levels, so the lowest free frame
 * is found in one word per level).
 *
 * Storage is one record of 32 bytes per frame (two to a cache line), a
 * 32-bit reference word per frame in an array of its own, and a bit per
 * frame in the bitmap, all mapped so that untouched frames cost no resident
 * memory. Beside what the table itself keeps (value, kind), the record has
 * a word for each module that follows frames: the reverse map's list head
 * (rmap.h), the slot whose copy the frame holds (swap.h), the replacement
 * policy's list links (policy.h). Each of those fields belongs to its
 * module alone, which reads and writes it; they live here so that whatever
 * an eviction or a fault reads of a frame lies in one cache line. The
 * reference words live apart because a fork raises the count of every
 * frame it shares and reads nothing else of them: 4 bytes a frame to
 * stream through instead of 32.
 *
 * The module keeps per-kind counts and the number of "droppable" frames:
 * cache frames of files (not of shared-memory objects) whose only reference
 * is the page cache's own. The page cache marks which cache frames may be
 * dropped (frames_set_droppable); the count follows refcount changes.
 */
#ifndef VMSIM_FRAMES_H
#define VMSIM_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim/lowbits.h"

enum frame_kind { FK_FREE = 0, FK_ANON, FK_CACHE, FK_PT, FK_ZERO, FK_COUNT };

#define FRAME_NONE UINT32_MAX
#define FRAMES_MAX (UINT32_C(1) << 31) /* frame numbers fit in 31 bits */

/* flag bits kept beside the kind */
#define FF_MARK 0x40         /* scratch mark for one pass over frames */
#define FF_DIRTY 0x20        /* written since it was filled (a file page to write back) */
#define FF_EXCLUSIVE 0x10    /* an exclusive anon frame (--exclusive-reuse, exclusive.h) */
#define FF_KIND_MASK 0x0f

/* a frame's reference word: the count, and one flag */
#define REF_DROPPABLE_OK UINT32_C(0x80000000) /* a cache frame that may be dropped at count 1 */
#define REF_COUNT UINT32_C(0x7fffffff)        /* the reference count (the reverse map keeps it below) */

struct frame {
    uint64_t value;
    uint8_t kind;       /* enum frame_kind | FF_* flags */
    uint8_t spare[3];
    uint32_t rmap;      /* rmap.h: the frame's first entry (0: none) */
    uint32_t swap;      /* swap.h: 1 + the slot whose valid copy it holds (0: none) */
    uint32_t lru[2];    /* policy.h: fifo's and lru's list links, frame numbers + 1 (0: none);
                         * under opt, lru[0] is a guess at a key that maps it (policy_opt.h) */
};

struct frames {
    uint32_t n;           /* frames in the pool */
    struct frame *fr;     /* n + 1 records (the zero page last) */
    uint32_t *ref;        /* n + 1 reference words (the zero page's unused: zero_refs) */
    uint64_t zero_refs;   /* refcount of the zero page (may exceed 32 bits) */
    struct lowbits inuse; /* the frames in use */
    uint32_t used;        /* frames not free */
    uint32_t count[FK_COUNT];
    uint32_t droppable;   /* cache frames with REF_DROPPABLE_OK and count 1 */
    /* called when a droppable frame's count falls back to 1 (page cache) */
    void (*on_droppable)(void *ctx, uint32_t f);
    void *on_droppable_ctx;
    /* called when a frame is freed, with the kind it had (NULL: nobody asks) */
    void (*on_free)(void *ctx, uint32_t f, enum frame_kind kind);
    void *on_free_ctx;
};

#define FRAMES_ZERO(ft) ((ft)->n)

/* the word of each kind, as views, queries and the summary write it */
extern const char *const frame_kind_names[FK_COUNT];

/* frames_init: a pool of n frames, all free. Returns 0 or -1 (no memory). */
int frames_init(struct frames *ft, uint32_t n);
void frames_destroy(struct frames *ft);

/* frame_alloc_lowest: takes the lowest free frame, gives it the kind, a
 * refcount of 0 and the value 0. Returns FRAME_NONE when none is free. */
uint32_t frame_alloc_lowest(struct frames *ft, enum frame_kind kind);

/* frame_free: returns frame f to the pool (its refcount must be 0). */
void frame_free(struct frames *ft, uint32_t f);

static inline enum frame_kind frame_kind(const struct frames *ft, uint32_t f)
{
    return (enum frame_kind)(ft->fr[f].kind & FF_KIND_MASK);
}

static inline bool frame_is_zero(const struct frames *ft, uint32_t f) { return f == ft->n; }

/* frame_kind_name: the word of f's kind ("zero" for the zero page) */
static inline const char *frame_kind_name(const struct frames *ft, uint32_t f)
{
    return frame_kind_names[f == ft->n ? FK_ZERO : frame_kind(ft, f)];
}

/* frame_ref: the reference count of pool frame f. */
static inline uint32_t frame_ref(const struct frames *ft, uint32_t f) { return ft->ref[f] & REF_COUNT; }

/* frame_ref_set: pool frame f's count is r now (its flag stays). */
static inline void frame_ref_set(struct frames *ft, uint32_t f, uint32_t r)
{
    ft->ref[f] = (ft->ref[f] & REF_DROPPABLE_OK) | r;
}

/* frame_droppable_ok: is f a cache frame the page cache may drop? */
static inline bool frame_droppable_ok(const struct frames *ft, uint32_t f)
{
    return (ft->ref[f] & REF_DROPPABLE_OK) != 0;
}

/* frame_refcount: the reference count, the zero page's included. */
static inline uint64_t frame_refcount(const struct frames *ft, uint32_t f)
{
    return f == ft->n ? ft->zero_refs : frame_ref(ft, f);
}

/* frame_get: one more reference to f. */
static inline void frame_get(struct frames *ft, uint32_t f)
{
    if (f == ft->n) {
        ft->zero_refs++;
        return;
    }
    uint32_t was = ft->ref[f]++;
    if (was >= REF_DROPPABLE_OK && (was & REF_COUNT) <= 1) {
        if ((was & REF_COUNT) == 1)
            ft->droppable--; /* mapped: no longer droppable */
        else
            ft->droppable++; /* 0 -> 1: only the cache holds it */
    }
}

/* frame_put: one reference less. Returns the new count; the caller frees an
 * anon or pt frame at 0 (a cache frame never reaches 0 while cached). */
uint32_t frame_put_slow(struct frames *ft, uint32_t f);
static inline uint32_t frame_put(struct frames *ft, uint32_t f)
{
    if (f == ft->n) {
        ft->zero_refs--;
        return 1;
    }
    if (ft->ref[f] & REF_DROPPABLE_OK)
        return frame_put_slow(ft, f);
    return --ft->ref[f];
}

/* frames_set_droppable: marks (or unmarks) cache frame f as one the page
 * cache may drop when nothing else maps it. */
void frames_set_droppable(struct frames *ft, uint32_t f, bool ok);

/* frames_free_count: frames not in use. */
static inline uint32_t frames_free_count(const struct frames *ft) { return ft->n - ft->used; }

#endif
