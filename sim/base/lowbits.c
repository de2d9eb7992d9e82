/* lowbits.c -- the lowest free number of a set (see lowbits.h). */
#include "vmsim/lowbits.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/util.h"

static void mark_tail(uint64_t *words, uint64_t nbits)
{
    uint64_t nwords = (nbits + 63) / 64;
    if (nbits % 64)
        words[nwords - 1] |= ~UINT64_C(0) << (nbits % 64);
}

int lowbits_init(struct lowbits *b, uint64_t n)
{
    memset(b, 0, sizeof *b);
    b->n = n;
    /* count the levels: until a level fits in one word */
    uint64_t bits = n ? n : 1;
    unsigned levels = 1;
    for (uint64_t x = bits; x > 64; x = (x + 63) / 64)
        levels++;
    b->nlevels = levels;
    b->bits = calloc(levels, sizeof *b->bits);
    b->nwords = calloc(levels, sizeof *b->nwords);
    if (!b->bits || !b->nwords)
        goto fail;
    for (unsigned k = 0; k < levels; k++) {
        b->nwords[k] = (bits + 63) / 64;
        b->bits[k] = calloc(b->nwords[k], sizeof(uint64_t));
        if (!b->bits[k])
            goto fail;
        mark_tail(b->bits[k], n == 0 && k == 0 ? 0 : bits);
        bits = b->nwords[k];
    }
    if (n == 0)
        b->bits[0][0] = ~UINT64_C(0);
    /* a full word below sets its summary bit: only the tail words can be */
    for (unsigned k = 0; k + 1 < levels; k++)
        for (uint64_t w = 0; w < b->nwords[k]; w++)
            if (b->bits[k][w] == ~UINT64_C(0))
                b->bits[k + 1][w / 64] |= UINT64_C(1) << (w % 64);
    return 0;
fail:
    lowbits_destroy(b);
    return -1;
}

void lowbits_destroy(struct lowbits *b)
{
    if (b->bits)
        for (unsigned k = 0; k < b->nlevels; k++)
            free(b->bits[k]);
    free(b->bits);
    free(b->nwords);
    memset(b, 0, sizeof *b);
}

/* the lowest free number: the one put back last if still free, else found
 * by a descent where at each level the first zero bit names the word below */
uint64_t lowbits_peek(const struct lowbits *b)
{
    unsigned top = b->nlevels - 1;
    if (b->bits[top][0] == ~UINT64_C(0))
        return LOWBITS_NONE;
    uint64_t idx = b->low;
    if (idx >= b->n || lowbits_has(b, idx)) {
        idx = 0;
        for (unsigned k = top + 1; k-- > 0;)
            idx = idx * 64 + (uint64_t)__builtin_ctzll(~b->bits[k][idx]);
    }
    return idx;
}

uint64_t lowbits_take(struct lowbits *b)
{
    uint64_t idx = lowbits_peek(b);
    if (idx == LOWBITS_NONE)
        return LOWBITS_NONE;
    unsigned top = b->nlevels - 1;
    VM_ASSERT(idx < b->n);
    b->low = idx + 1;
    /* set the bit, and the summary bits of words that became full */
    uint64_t i = idx;
    for (unsigned k = 0; k <= top; k++) {
        uint64_t *w = &b->bits[k][i / 64];
        *w |= UINT64_C(1) << (i % 64);
        if (*w != ~UINT64_C(0))
            break;
        i /= 64;
    }
    return idx;
}

void lowbits_put(struct lowbits *b, uint64_t i)
{
    VM_ASSERT(i < b->n && lowbits_has(b, i));
    if (i < b->low || lowbits_full(b)) /* below it, or now the only one free */
        b->low = i;
    for (unsigned k = 0; k < b->nlevels; k++) {
        uint64_t *w = &b->bits[k][i / 64];
        bool was_full = *w == ~UINT64_C(0);
        *w &= ~(UINT64_C(1) << (i % 64));
        if (!was_full)
            break;
        i /= 64;
    }
}

int lowbits_check(const struct lowbits *b, unsigned *level, uint64_t *bit)
{
    for (unsigned k = 0; k + 1 < b->nlevels; k++)
        for (uint64_t w = 0; w < b->nwords[k]; w++) {
            bool full = b->bits[k][w] == ~UINT64_C(0);
            bool set = (b->bits[k + 1][w / 64] >> (w % 64)) & 1;
            if (full != set) {
                *level = k + 1;
                *bit = w;
                return -1;
            }
        }
    return 0;
}
