/* policy.h -- page replacement: the stamps of every frame, and the choice
 * of a victim when memory is full (fifo, lru, clock, opt, random).
 *
 * Stamps. A counter T starts at 0 and rises by one at the start of every
 * page access and at every frame fill (a demand-zero frame, a page-cache
 * load, any page copy, a swap-in; a page-table frame is never a fill). A
 * fill sets the frame's `loaded` and `used` to T; an access that completes
 * sets its frame's `used` to T. So no two frames share a stamp.
 *
 * Candidates are the frames of kind anon and cache, mapped or not; the
 * caller says which of them may not be chosen now (struct policy_ask: the
 * frames the current access works with, and, when no swap slot is free,
 * the pages that hold no valid swap copy). Each policy's choice:
 *
 *   fifo    the smallest `loaded`
 *   lru     the smallest `used`
 *   opt     the page used again farthest in the future (never: farthest);
 *           ties to the largest `loaded` (policy_opt.c, future.h)
 *   clock   a hand over frame numbers, kept across the run: a referenced
 *           candidate (an entry mapping it has its accessed bit) has those
 *           bits cleared and is passed over; the first unreferenced one is
 *           the victim; the hand then stands after it
 *   random  the candidates in rising frame order; number next() mod count,
 *           next() splitmix64 over a state that starts at the seed
 *
 * The module keeps what each needs to choose fast: fifo and lru an ordered
 * list of the candidates, random a Fenwick tree over frame numbers (and a
 * second one over the candidates whose eviction takes no new swap slot,
 * the only eligible ones but the pinned when no slot is free), opt a heap
 * by next use. It learns of fills, uses and frees from the machine, and
 * random of every change of a candidate's need for a slot.
 */
#ifndef VMSIM_POLICY_H
#define VMSIM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim/frames.h"
#include "vmsim/policy_ask.h"

enum policy_kind { POL_FIFO, POL_LRU, POL_CLOCK, POL_OPT, POL_RANDOM, POLICIES };
extern const char *const policy_names[POLICIES];

struct policy_opt;

struct policy {
    enum policy_kind kind;
    uint32_t n;          /* frames in the pool */
    uint64_t t;          /* the stamp counter T */
    uint64_t *loaded;    /* per frame, opt (and fifo, kept): its fill's stamp (else NULL) */
    uint64_t *used;      /* per frame, lru when kept: its last use's stamp (else NULL) */
    uint64_t *member;    /* a bit per frame: a candidate (anon or cache, filled) */
    /* fifo and lru: the candidates in order, a doubly linked list of
     * frame numbers + 1 (0 ends it), its links in the frames' records
     * (frames.h: fr[F].lru, previous then next) */
    struct frames *ft;
    uint32_t head, tail;
    /* clock */
    uint32_t hand;
    /* random: a Fenwick tree of the candidates by frame number */
    uint32_t *fen;
    uint32_t fen_n;      /* its length (a power of two) */
    uint64_t members;
    /* random: the candidates that need no new swap slot to be evicted, a
     * bit per frame and a tree like fen's (both NULL until the first draw
     * with no slot free: a machine whose swap never fills pays nothing for
     * them), and the test that says which (policy_slot_test; NULL: none
     * needs one) */
    uint64_t *spare;
    uint32_t *fen_spare;
    uint64_t spares;
    bool (*needs_slot)(void *ctx, uint32_t f);
    void *needs_slot_ctx;
    uint64_t seed, state;
    /* opt */
    struct policy_opt *opt;
};

/* policy_init: a policy over the frames of ft (fifo and lru keep their
 * list links in the frames' records). The per-frame arrays are allocated
 * untouched (calloc). 0, or -1 when memory is short. */
int policy_init(struct policy *p, enum policy_kind kind, struct frames *ft, uint64_t seed);
void policy_destroy(struct policy *p);

/* policy_access: a page access starts (T rises). */
static inline void policy_access(struct policy *p) { p->t++; }

/* policy_fill: frame f (anon or cache) was just filled: T rises, f's
 * stamps are T, and f is a candidate. */
void policy_fill(struct policy *p, uint32_t f);

/* policy_use: an access to f completed: its `used` is T. */
void policy_use(struct policy *p, uint32_t f);

/* policy_forget: f was freed (or is no longer a candidate). */
void policy_forget(struct policy *p, uint32_t f);

/* policy_slot_test: random's test of whether evicting candidate f would
 * take a new swap slot (an anon page or a shared-memory page without a
 * valid swap copy). With no slot free, random draws among the candidates
 * it says no to, less the pinned, as policy_ask's eligible would, without
 * asking eligible of each frame. Set it before the first fill; the machine
 * then calls policy_slot_need_changed whenever its answer for a candidate
 * may have changed. Other policies ignore it. */
void policy_slot_test(struct policy *p, bool (*needs_slot)(void *ctx, uint32_t f), void *ctx);

/* policy_slot_need_changed: f's need for a slot may have changed (its
 * swap copy began or ended); random asks the slot test again if f is a
 * candidate. */
void policy_slot_need_changed(struct policy *p, uint32_t f);

/* policy_keep_stamps: fifo and lru keep the stamps of section 10 (loaded,
 * used) for explanations and --check; their choices need only their lists.
 * Call it before the first fill. */
void policy_keep_stamps(struct policy *p);

/* policy_is_candidate: is frame f one of the policy's candidates? */
bool policy_is_candidate(const struct policy *p, uint32_t f);

/* policy_peek: guesses at the victims k, k+1, ... k+n-1 from now (0: the
 * next) into f, from the policy's order alone (eligibility and accessed
 * bits not asked); returns how many (fewer when there are not so many
 * candidates, 0 when it does not guess). The run loop prefetches them.
 * fifo and lru walk their list, clock counts candidates from its hand,
 * random draws ahead on a copy of its state (and takes frame numbers for
 * the candidates' ranks, right when every frame is one), opt names the top
 * of its heap for k = 0 only. It changes nothing. */
unsigned policy_peek(const struct policy *p, unsigned k, uint32_t *f, unsigned n);

/* policy_frame_bytes: the policy's memory per frame (its stamps, lists,
 * tree and heap), for the model's size (--max-memory) */
uint64_t policy_frame_bytes(const struct policy *p);

/* policy_prefetch_use: starts loading into the host's caches what
 * policy_use(p, f) will write besides f's own record (lru: the records of
 * f's neighbours in its list). It changes nothing. */
void policy_prefetch_use(const struct policy *p, uint32_t f);

/* policy_choose: the victim, or FRAME_NONE when no candidate is eligible. */
uint32_t policy_choose(struct policy *p, const struct policy_ask *ask);

/* splitmix64: the next number of the random policy's stream. */
uint64_t policy_splitmix64(uint64_t *state);

/* policy_check: the stamps (loaded <= used <= T, no two candidates share
 * one), the lists and trees against the candidates, random's spare set
 * against its slot test. 0, or -1 with a message. */
int policy_check(const struct policy *p, const struct frames *ft, char *err, size_t errlen);

#endif
