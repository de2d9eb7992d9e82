/* frames.c -- the frame table: lowest-free allocation over a summarised
 * bitmap, refcounts, values and kinds. See frames.h for the contract. */
#include "vmsim/frames.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/util.h"

/* Bitmap levels. Level 0 has one bit per frame, 1 = in use. Level k+1 has one
 * bit per word of level k, 1 = that word is full. Bits past the end of a
 * level are set, so that they never look free. The top level has one word. */

static void mark_tail(uint64_t *words, uint64_t nbits)
{
    uint64_t nwords = (nbits + 63) / 64;
    if (nbits % 64)
        words[nwords - 1] |= ~UINT64_C(0) << (nbits % 64);
}

int frames_init(struct frames *ft, uint32_t n)
{
    memset(ft, 0, sizeof *ft);
    ft->n = n;
    ft->value = calloc((size_t)n + 1, sizeof *ft->value);
    ft->ref = calloc((size_t)n + 1, sizeof *ft->ref);
    ft->kind = calloc((size_t)n + 1, sizeof *ft->kind);
    if (!ft->value || !ft->ref || !ft->kind)
        goto fail;
    ft->kind[n] = FK_ZERO;

    /* count the levels: until a level fits in one word */
    uint64_t bits = n ? n : 1;
    unsigned levels = 1;
    for (uint64_t b = bits; b > 64; b = (b + 63) / 64)
        levels++;
    ft->nlevels = levels;
    ft->bits = calloc(levels, sizeof *ft->bits);
    ft->nwords = calloc(levels, sizeof *ft->nwords);
    if (!ft->bits || !ft->nwords)
        goto fail;
    for (unsigned k = 0; k < levels; k++) {
        ft->nwords[k] = (bits + 63) / 64;
        ft->bits[k] = calloc(ft->nwords[k], sizeof(uint64_t));
        if (!ft->bits[k])
            goto fail;
        mark_tail(ft->bits[k], n == 0 && k == 0 ? 0 : bits);
        bits = ft->nwords[k];
    }
    if (n == 0)
        ft->bits[0][0] = ~UINT64_C(0);
    if (VM_MUTANT(2)) /* a test-only defect: frame 0 looks taken, the lowest free frame is one too high */
        ft->bits[0][0] |= 1;
    /* a full word below sets its summary bit: only the tail words can be */
    for (unsigned k = 0; k + 1 < levels; k++)
        for (uint64_t w = 0; w < ft->nwords[k]; w++)
            if (ft->bits[k][w] == ~UINT64_C(0))
                ft->bits[k + 1][w / 64] |= UINT64_C(1) << (w % 64);
    ft->count[FK_FREE] = n;
    return 0;
fail:
    frames_destroy(ft);
    return -1;
}

void frames_destroy(struct frames *ft)
{
    free(ft->value);
    free(ft->ref);
    free(ft->kind);
    if (ft->bits)
        for (unsigned k = 0; k < ft->nlevels; k++)
            free(ft->bits[k]);
    free(ft->bits);
    free(ft->nwords);
    memset(ft, 0, sizeof *ft);
}

uint32_t frame_alloc_lowest(struct frames *ft, enum frame_kind kind)
{
    unsigned top = ft->nlevels - 1;
    if (ft->bits[top][0] == ~UINT64_C(0))
        return FRAME_NONE;
    /* descend: at each level the first zero bit names the word below */
    uint64_t idx = 0;
    for (unsigned k = top + 1; k-- > 0;) {
        uint64_t w = ft->bits[k][idx];
        idx = idx * 64 + (uint64_t)__builtin_ctzll(~w);
    }
    uint32_t f = (uint32_t)idx;
    VM_ASSERT(f < ft->n);
    /* set the bit, and the summary bits of words that became full */
    uint64_t i = idx;
    for (unsigned k = 0; k <= top; k++) {
        uint64_t *w = &ft->bits[k][i / 64];
        *w |= UINT64_C(1) << (i % 64);
        if (*w != ~UINT64_C(0))
            break;
        i /= 64;
    }
    ft->kind[f] = (uint8_t)kind;
    ft->ref[f] = 0;
    ft->value[f] = 0;
    ft->used++;
    ft->count[FK_FREE]--;
    ft->count[kind]++;
    return f;
}

void frame_free(struct frames *ft, uint32_t f)
{
    VM_ASSERT(f < ft->n && frame_kind(ft, f) != FK_FREE && ft->ref[f] == 0);
    ft->count[frame_kind(ft, f)]--;
    ft->count[FK_FREE]++;
    ft->used--;
    ft->kind[f] = FK_FREE;
    uint64_t i = f;
    for (unsigned k = 0; k < ft->nlevels; k++) {
        uint64_t *w = &ft->bits[k][i / 64];
        bool was_full = *w == ~UINT64_C(0);
        *w &= ~(UINT64_C(1) << (i % 64));
        if (!was_full)
            break;
        i /= 64;
    }
}

uint32_t frame_put_slow(struct frames *ft, uint32_t f)
{
    uint32_t r = --ft->ref[f];
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
    bool was = (ft->kind[f] & FF_DROPPABLE_OK) != 0;
    if (was == ok)
        return;
    if (ok)
        ft->kind[f] |= FF_DROPPABLE_OK;
    else
        ft->kind[f] &= (uint8_t)~FF_DROPPABLE_OK;
    if (ft->ref[f] == 1) {
        if (ok)
            ft->droppable++;
        else
            ft->droppable--;
    }
}
