/* swap.c -- swap slots, their counts and the swap cache (see swap.h). */
#include "vmsim/swap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/slab.h"
#include "vmsim/util.h"

/* ---- the hook: swap entries made, copied and dropped --------------------------- */

static void get_range(struct swap *sw, const struct pt *leaf, unsigned i, unsigned end)
{
    for (unsigned k = i; k < end && leaf->swaps; k++)
        if (pte_is_swap(leaf->e[k]))
            swap_get(sw, pte_slot(leaf->e[k]));
}

static void on_change(void *ctx, const struct pt_change *c)
{
    struct swap *sw = ctx;
    switch (c->kind) {
    case PTC_SWAP_OUT:
        swap_get(sw, pte_slot(c->new));
        break;
    case PTC_SWAP_IN:
        swap_put(sw, pte_slot(c->old));
        break;
    case PTC_CLEAR:
        if (pte_is_swap(c->old))
            swap_put(sw, pte_slot(c->old));
        break;
    case PTC_FORK:
    case PTC_UNSHARE:
        get_range(sw, c->leaf, c->i, c->end);
        break;
    case PTC_LEAF_GONE: {
        uint32_t left = c->leaf->swaps;
        for (unsigned k = 0; k < sw->nentries && left; k++)
            if (pte_is_swap(c->leaf->e[k])) {
                swap_put(sw, pte_slot(c->leaf->e[k]));
                left--;
            }
        break;
    }
    default:
        break;
    }
}

/* ---- life ------------------------------------------------------------------------ */

int swap_init(struct swap *sw, uint32_t n, uint32_t nframes, struct pt_store *ps)
{
    memset(sw, 0, sizeof *sw);
    sw->n = n;
    sw->nframes = nframes;
    sw->nentries = 1u << ps->arch->level_bits;
    if (!n)
        return lowbits_init(&sw->inuse, 0);
    sw->ft = ps->ft; /* a frame's copy is its record's swap word */
    /* all zero, untouched: a slot's frame and a frame's slot hold the number + 1 */
    sw->slot = slab_big_zalloc((size_t)n * sizeof *sw->slot);
    if (!sw->slot || lowbits_init(&sw->inuse, n)) {
        swap_destroy(sw);
        return -1;
    }
    pt_hook_add(ps, on_change, sw);
    return 0;
}

void swap_destroy(struct swap *sw)
{
    slab_big_free(sw->slot, (size_t)sw->n * sizeof *sw->slot);
    lowbits_destroy(&sw->inuse);
    memset(sw, 0, sizeof *sw);
}

/* ---- slots ------------------------------------------------------------------------ */

uint32_t swap_write(struct swap *sw, uint64_t value)
{
    if (!sw->n)
        return SLOT_NONE;
    uint64_t s = lowbits_take(&sw->inuse);
    if (s == LOWBITS_NONE)
        return SLOT_NONE;
    sw->slot[s].value = value;
    sw->slot[s].count = 0;
    sw->used++;
    sw->writes++;
    return (uint32_t)s;
}

void swap_get(struct swap *sw, uint32_t slot)
{
    VM_ASSERT(slot < sw->n && lowbits_has(&sw->inuse, slot));
    sw->slot[slot].count++;
}

void swap_put(struct swap *sw, uint32_t slot)
{
    VM_ASSERT(slot < sw->n && sw->slot[slot].count > 0);
    if (--sw->slot[slot].count)
        return;
    VM_ASSERT(!sw->slot[slot].frame); /* a frame's copy counts 1 */
    lowbits_put(&sw->inuse, slot);
    sw->used--;
}

void swap_hold_copy(struct swap *sw, uint32_t slot, uint32_t f)
{
    VM_ASSERT(!sw->slot[slot].frame && !sw->ft->fr[f].swap);
    sw->slot[slot].frame = f + 1;
    sw->ft->fr[f].swap = slot + 1;
    swap_get(sw, slot);
    if (sw->on_copy)
        sw->on_copy(sw->on_copy_ctx, f);
}

void swap_end_copy(struct swap *sw, uint32_t f)
{
    uint32_t slot = swap_copy_of(sw, f);
    if (slot == SLOT_NONE)
        return;
    sw->ft->fr[f].swap = 0;
    sw->slot[slot].frame = 0;
    swap_put(sw, slot);
    if (sw->on_copy)
        sw->on_copy(sw->on_copy_ctx, f);
}

/* ---- --check ------------------------------------------------------------------------ */

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

int swap_check(const struct swap *sw, const uint32_t *entries, const uint32_t *objs, char *err, size_t errlen)
{
    uint64_t used = 0;
    for (uint32_t s = 0; s < sw->n; s++) {
        bool in_use = lowbits_has(&sw->inuse, s);
        uint32_t f = swap_frame_of(sw, s);
        uint32_t want = entries[s] + objs[s] + (f != FRAME_NONE);
        if (!in_use) {
            /* cppcheck-suppress knownConditionTrueFalse ; 0 for a free slot of a sound table */
            if (want)
                return FAIL("swap slot %" PRIu32 " is free but named %" PRIu32 " times", s, want);
            continue;
        }
        used++;
        if (sw->slot[s].count != want)
            return FAIL("swap slot %" PRIu32 " counts %" PRIu32 ", but %" PRIu32 " entries, %" PRIu32
                        " objects and %s frame hold it",
                        s, sw->slot[s].count, entries[s], objs[s], f != FRAME_NONE ? "a" : "no");
        if (!want)
            return FAIL("swap slot %" PRIu32 " is in use with a count of 0", s);
        if (f != FRAME_NONE && (f >= sw->nframes || swap_copy_of(sw, f) != s))
            return FAIL("swap slot %" PRIu32 " names frame %" PRIu32 ", which does not name it back", s, f);
    }
    if (used != sw->used)
        return FAIL("%" PRIu64 " swap slots counted in use, %" PRIu64 " are", sw->used, used);
    for (uint32_t f = 0; sw->ft && f <= sw->nframes; f++) {
        uint32_t s = swap_copy_of(sw, f);
        if (s != SLOT_NONE && (s >= sw->n || swap_frame_of(sw, s) != f))
            return FAIL("frame %" PRIu32 " holds a copy of swap slot %" PRIu32 ", which does not name it back", f, s);
    }
    return 0;
}
