/* lowbits.h -- a set of the numbers 0 .. n-1 in use, that always hands out
 * the lowest one not in use: frames and swap slots are taken so.
 *
 * A bitmap (1 = in use) with summary levels above it: level k+1 has one bit
 * per word of level k, 1 = that word is full. Bits past the end of a level
 * are set, so that they never look free; the top level is one word. The
 * lowest free number is found in one word per level, or at once when it is
 * the number put back last (a frame freed to be taken again). The bitmap is
 * allocated with calloc, so that a large set costs no resident memory
 * until its words are touched.
 */
#ifndef VMSIM_LOWBITS_H
#define VMSIM_LOWBITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOWBITS_NONE UINT64_MAX

struct lowbits {
    uint64_t n;       /* numbers 0 .. n-1 */
    uint64_t **bits;  /* bits[0]: one bit per number; bits[k+1]: one per word of bits[k] */
    uint64_t *nwords; /* words at each level */
    unsigned nlevels;
    uint64_t low;     /* no number below it is free: where a take looks first */
};

/* lowbits_init: n numbers, none in use. 0, or -1 when memory is short. */
int lowbits_init(struct lowbits *b, uint64_t n);
void lowbits_destroy(struct lowbits *b);

/* lowbits_take: the lowest number not in use, now in use; LOWBITS_NONE when
 * all are. */
uint64_t lowbits_take(struct lowbits *b);
/* lowbits_peek: the number lowbits_take would hand out now (LOWBITS_NONE:
 * none), taking nothing. */
uint64_t lowbits_peek(const struct lowbits *b);

/* lowbits_put: number i is no longer in use. */
void lowbits_put(struct lowbits *b, uint64_t i);

/* lowbits_has: is number i in use? */
static inline bool lowbits_has(const struct lowbits *b, uint64_t i) { return (b->bits[0][i / 64] >> (i % 64)) & 1; }

/* lowbits_full: is every number in use? */
static inline bool lowbits_full(const struct lowbits *b) { return b->bits[b->nlevels - 1][0] == ~UINT64_C(0); }

/* lowbits_check: do the summary levels agree with the words below them? 0,
 * or -1 with the level and bit that disagree. */
int lowbits_check(const struct lowbits *b, unsigned *level, uint64_t *bit);

#endif
