/* frames.c -- the frame table: lowest-free allocation over a summarised
 * bitmap, refcounts, values and kinds. See frames.h for the contract. */
#include "vmsim/frames.h"

_Static_assert(sizeof(struct frame) == 32, "a frame's record is two to a cache line");

#include <stdlib.h>
#include <string.h>

#include "vmsim/slab.h"
#include "vmsim/util.h"

const char *const frame_kind_names[FK_COUNT] = {"free", "anon", "cache", "pt", "zero"};

int frames_init(struct frames *ft, uint32_t n)
{
    memset(ft, 0, sizeof *ft);
    ft->n = n;
    ft->fr = slab_big_zalloc(((size_t)n + 1) * sizeof *ft->fr);
    ft->ref = slab_big_zalloc(((size_t)n + 1) * sizeof *ft->ref);
    if (!ft->fr || !ft->ref || lowbits_init(&ft->inuse, n))
        goto fail;
    ft->fr[n].kind = FK_ZERO;
    if (VM_MUTANT(2) && n > 1) /* a test-only defect: frame 0 looks taken, the lowest free frame is one too high */
        lowbits_take(&ft->inuse);
    ft->count[FK_FREE] = n;
    return 0;
fail:
    frames_destroy(ft);
    return -1;
}

void frames_destroy(struct frames *ft)
{
    slab_big_free(ft->fr, ((size_t)ft->n + 1) * sizeof *ft->fr);
    slab_big_free(ft->ref, ((size_t)ft->n + 1) * sizeof *ft->ref);
    lowbits_destroy(&ft->inuse);
    memset(ft, 0, sizeof *ft);
}

uint32_t frame_alloc_lowest(struct frames *ft, enum frame_kind kind)
{
    uint64_t i = lowbits_take(&ft->inuse);
    if (i == LOWBITS_NONE)
        return FRAME_NONE;
    uint32_t f = (uint32_t)i;
    ft->fr[f].kind = (uint8_t)kind;
    ft->ref[f] = 0;
    ft->fr[f].value = 0;
    ft->used++;
    ft->count[FK_FREE]--;
    ft->count[kind]++;
    return f;
}

void frame_free(struct frames *ft, uint32_t f)
{
    VM_ASSERT(f < ft->n && frame_kind(ft, f) != FK_FREE && ft->ref[f] == 0);
    enum frame_kind kind = frame_kind(ft, f);
    ft->count[kind]--;
    ft->count[FK_FREE]++;
    ft->used--;
    ft->fr[f].kind = FK_FREE;
    lowbits_put(&ft->inuse, f);
    if (ft->on_free)
        ft->on_free(ft->on_free_ctx, f, kind);
}

uint32_t frame_put_slow(struct frames *ft, uint32_t f)
{
    uint32_t r = --ft->ref[f] & REF_COUNT;
    if (r == 1) {
        ft->droppable++;
        if (ft->on_droppable)
            ft->on_droppable(ft->on_droppable_ctx, f);
    } else if (r == 0) {
        ft->droppable--;
    }
    return r;
}

void frames_set_droppable(struct frames *ft, uint32_t f, bool ok)
{
    if (frame_droppable_ok(ft, f) == ok)
        return;
    if (ok)
        ft->ref[f] |= REF_DROPPABLE_OK;
    else
        ft->ref[f] &= ~REF_DROPPABLE_OK;
    if (frame_ref(ft, f) == 1) {
        if (ok)
            ft->droppable++;
        else
            ft->droppable--;
    }
}
