/* policy.c -- stamps and the choice of a victim (see policy.h); opt's
 * future is in policy_opt.c. */
#include "vmsim/policy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/policy_opt.h"
#include "vmsim/util.h"

const char *const policy_names[POLICIES] = {"fifo", "lru", "clock", "opt", "random"};

uint64_t policy_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* ---- the candidates: one bit per frame -------------------------------------------- */

static inline bool bit_of(const uint64_t *bits, uint32_t f) { return (bits[f / 64] >> (f % 64)) & 1; }

static inline void bit_set(uint64_t *bits, uint32_t f, bool on)
{
    uint64_t bit = UINT64_C(1) << (f % 64);
    bits[f / 64] = on ? bits[f / 64] | bit : bits[f / 64] & ~bit;
}

static inline bool is_member(const struct policy *p, uint32_t f) { return bit_of(p->member, f); }

static inline void set_member(struct policy *p, uint32_t f, bool on) { bit_set(p->member, f, on); }

bool policy_is_candidate(const struct policy *p, uint32_t f) { return f < p->n && is_member(p, f); }

/* ---- fifo and lru: one list of the candidates, by key --------------------------- */

static void list_remove(struct policy *p, uint32_t f)
{
    uint32_t pr = p->ft->fr[f].lru[0], nx = p->ft->fr[f].lru[1];
    if (pr)
        p->ft->fr[pr - 1].lru[1] = nx;
    else
        p->head = nx;
    if (nx)
        p->ft->fr[nx - 1].lru[0] = pr;
    else
        p->tail = pr;
    p->ft->fr[f].lru[0] = p->ft->fr[f].lru[1] = 0;
}

static void list_append(struct policy *p, uint32_t f)
{
    p->ft->fr[f].lru[0] = p->tail;
    p->ft->fr[f].lru[1] = 0;
    if (p->tail)
        p->ft->fr[p->tail - 1].lru[1] = f + 1;
    else
        p->head = f + 1;
    p->tail = f + 1;
}

/* ---- random: a Fenwick tree of the candidates by word of the bitmap ----------------
 * The tree counts the candidates of each 64-frame word of `member` (a tree
 * 64 times smaller than one per frame, that stays in the cache); the k-th
 * candidate is found in the tree to its word, then in the word's bits. A
 * candidate's bit and its count change together. The spare candidates
 * (those that need no new slot) have a bitmap and a tree of their own, of
 * the same shape. */

static inline uint32_t fen_words(const struct policy *p) { return p->n / 64 + 1; }

/* fen_size: the tree's length, the first power of two from fen_words: its
 * nodes past the words count none of them, and the descent of fen_kth
 * needs no bounds test */
static uint32_t fen_size(uint32_t words)
{
    uint32_t n = 1;
    while (n < words)
        n *= 2;
    return n;
}

/* select64: the place of the k-th set bit (0-based) of w, which has more
 * than k: the bytes' counts summed in one multiplication name its byte */
static unsigned select64(uint64_t w, unsigned k)
{
    uint64_t x = w - ((w >> 1) & UINT64_C(0x5555555555555555));
    x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
    x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f); /* each byte: its bits set */
    uint64_t upto = x * UINT64_C(0x0101010101010101);   /* each byte: those up to it */
    unsigned byte = 0;
    while (((upto >> (8 * byte)) & 0xff) <= k)
        byte++;
    if (byte)
        k -= (unsigned)((upto >> (8 * (byte - 1))) & 0xff);
    unsigned b = (unsigned)(w >> (8 * byte)) & 0xff, bit = 0;
    for (;; b >>= 1, bit++)
        if ((b & 1) && k-- == 0)
            break;
    VM_ASSERT(byte < 8 && bit < 8);
    return 8 * byte + bit;
}

/* fen_add: d more frames of tree fen (of p's length) in f's word */
static void fen_add(const struct policy *p, uint32_t *fen, uint32_t f, int d)
{
    uint32_t n = p->fen_n;
    for (uint64_t i = (uint64_t)f / 64 + 1; i <= n; i += i & (~i + 1))
        fen[i - 1] += (uint32_t)d;
}

/* fen_kth: the k-th frame (0-based, in rising order) of the set whose
 * bitmap is bits and whose tree is fen; the set has more than k */
static uint32_t fen_kth(const struct policy *p, const uint32_t *fen, const uint64_t *bits, uint64_t k)
{
    uint64_t pos = 0;
    for (uint64_t step = p->fen_n; step; step /= 2) { /* without branches: each step goes either way */
        uint64_t c = fen[pos + step - 1];
        uint64_t right = (uint64_t)0 - (uint64_t)(c <= k);
        pos += step & right;
        k -= c & right;
    }
    return (uint32_t)(pos * 64 + select64(bits[pos], (unsigned)k));
}

/* set_spare: candidate f needs no new slot to be evicted (on), or does or
 * is no candidate (off): its bit, the tree and the count follow, once
 * they are kept */
static void set_spare(struct policy *p, uint32_t f, bool on)
{
    if (!p->spare || bit_of(p->spare, f) == on)
        return;
    bit_set(p->spare, f, on);
    fen_add(p, p->fen_spare, f, on ? 1 : -1);
    p->spares = on ? p->spares + 1 : p->spares - 1;
}

/* is_spare_now: what the slot test says of candidate f (no test: spare) */
static bool is_spare_now(const struct policy *p, uint32_t f)
{
    return !p->needs_slot || !p->needs_slot(p->needs_slot_ctx, f);
}

/* keep_spares: the spare set from now on, made from the candidates as they
 * are (asking the slot test once of each); kept by every change after */
static void keep_spares(struct policy *p)
{
    size_t words = (size_t)p->n / 64 + 1;
    p->spare = vm_xcalloc(words, sizeof *p->spare);
    p->fen_spare = vm_xcalloc(p->fen_n, sizeof *p->fen_spare);
    for (size_t w = 0; w < words; w++)
        for (uint64_t bits = p->member[w]; bits; bits &= bits - 1) {
            uint32_t f = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
            if (is_spare_now(p, f))
                set_spare(p, f, true);
        }
}

/* ---- life ------------------------------------------------------------------------- */

int policy_init(struct policy *p, enum policy_kind kind, struct frames *ft, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->ft = ft;
    uint32_t n = p->n = ft->n;
    p->seed = p->state = seed;
    /* only the stamps a choice reads are kept from the start: opt's ties
     * read loaded; fifo and lru choose by their lists, and keep stamps
     * when asked to explain or check them (policy_keep_stamps) */
    bool ok = (p->member = calloc((size_t)n / 64 + 1, sizeof *p->member)) != NULL;
    if (kind == POL_OPT)
        ok = ok && (p->loaded = calloc((size_t)n + 1, sizeof *p->loaded)) != NULL;
    if (kind == POL_RANDOM) {
        p->fen_n = fen_size(fen_words(p));
        p->fen = calloc(p->fen_n, sizeof *p->fen);
        ok = ok && p->fen;
    } else if (kind == POL_OPT) {
        p->opt = policy_opt_new(ft, p->loaded);
        ok = ok && p->opt;
    }
    if (!ok) {
        policy_destroy(p);
        return -1;
    }
    return 0;
}

void policy_slot_test(struct policy *p, bool (*needs_slot)(void *ctx, uint32_t f), void *ctx)
{
    VM_ASSERT(p->members == 0); /* before the first fill: every spare bit follows it */
    p->needs_slot = needs_slot;
    p->needs_slot_ctx = ctx;
}

void policy_slot_need_changed(struct policy *p, uint32_t f)
{
    if (p->spare && f < p->n && is_member(p, f))
        set_spare(p, f, is_spare_now(p, f));
}

void policy_keep_stamps(struct policy *p)
{
    VM_ASSERT(p->t == 0); /* from the first fill on */
    if (p->kind == POL_FIFO && !p->loaded)
        p->loaded = vm_xcalloc((size_t)p->n + 1, sizeof *p->loaded);
    if (p->kind == POL_LRU && !p->used)
        p->used = vm_xcalloc((size_t)p->n + 1, sizeof *p->used);
}

void policy_destroy(struct policy *p)
{
    free(p->loaded);
    free(p->used);
    free(p->member);
    free(p->fen);
    free(p->fen_spare);
    free(p->spare);
    policy_opt_free(p->opt);
    memset(p, 0, sizeof *p);
}

/* ---- what the machine tells -------------------------------------------------------- */

void policy_fill(struct policy *p, uint32_t f)
{
    p->t++;
    if (p->loaded)
        p->loaded[f] = p->t;
    if (p->used)
        p->used[f] = p->t;
    if (is_member(p, f))
        policy_forget(p, f);
    set_member(p, f, true);
    p->members++;
    switch (p->kind) {
    case POL_FIFO:
    case POL_LRU:
        list_append(p, f);
        break;
    case POL_RANDOM:
        fen_add(p, p->fen, f, 1);
        if (p->spare)
            set_spare(p, f, is_spare_now(p, f));
        break;
    case POL_OPT:
        policy_opt_fill(p->opt, f);
        break;
    default:
        break;
    }
}

void policy_use(struct policy *p, uint32_t f)
{
    if (p->kind != POL_LRU)
        return;
    if (p->used)
        p->used[f] = p->t;
    if (is_member(p, f) && p->tail != f + 1) {
        list_remove(p, f);
        list_append(p, f);
    }
}

void policy_prefetch_use(const struct policy *p, uint32_t f)
{
    if (p->kind != POL_LRU || !is_member(p, f))
        return;
    uint32_t pr = p->ft->fr[f].lru[0], nx = p->ft->fr[f].lru[1];
    if (pr)
        __builtin_prefetch(&p->ft->fr[pr - 1], 1);
    if (nx)
        __builtin_prefetch(&p->ft->fr[nx - 1], 1);
}

void policy_forget(struct policy *p, uint32_t f)
{
    if (!is_member(p, f))
        return;
    set_member(p, f, false);
    p->members--;
    switch (p->kind) {
    case POL_FIFO:
    case POL_LRU:
        list_remove(p, f);
        break;
    case POL_RANDOM:
        fen_add(p, p->fen, f, -1);
        set_spare(p, f, false);
        break;
    case POL_OPT:
        policy_opt_forget(p->opt, f);
        break;
    default:
        break;
    }
}

/* ---- choosing ------------------------------------------------------------------------ */

#define WHY(ask, ...) ((ask)->why ? (void)snprintf((ask)->why, (ask)->why_len, __VA_ARGS__) : (void)0)

static bool is_pinned(const struct policy_ask *ask, uint32_t f)
{
    for (unsigned i = 0; i < ask->npinned; i++)
        if (ask->pinned[i] == f)
            return true;
    return false;
}

/* passed_over: why the frames before the victim in fifo's or lru's order
 * were not chosen (they are no candidates now), after the reason */
static void passed_over(const struct policy_ask *ask, bool fifo, uint64_t pinned, uint64_t no_slot)
{
    uint64_t all = pinned + no_slot;
    size_t n = strlen(ask->why);
    if (!all || n >= ask->why_len)
        return;
    const char *why = pinned && no_slot ? "some the access works with, some with no swap copy while no slot is free"
                      : pinned          ? (all == 1 ? "the access works with it" : "the access works with them")
                                        : "no swap copy while no slot is free";
    snprintf(ask->why + n, ask->why_len - n, "; %" PRIu64 " %s %s %s (%s)", all,
             fifo ? "older" : "less recently used", all == 1 ? "frame is" : "frames are",
             all == 1 ? "no candidate" : "no candidates", why);
}

/* by_list: the first eligible candidate of the fifo or lru list */
static uint32_t by_list(struct policy *p, const struct policy_ask *ask)
{
    uint64_t pinned = 0, no_slot = 0; /* candidates passed over, for the reason */
    for (uint32_t x = p->head; x; x = p->ft->fr[x - 1].lru[1]) {
        uint32_t f = x - 1;
        if (!ask->eligible(ask->ctx, f)) {
            if (ask->why)
                is_pinned(ask, f) ? pinned++ : no_slot++;
            continue;
        }
        VM_ASSERT(!ask->why || (p->kind == POL_FIFO ? p->loaded : p->used)); /* policy_keep_stamps */
        const char *of = (pinned + no_slot) > 0 ? " candidate" : "";
        if (p->kind == POL_FIFO)
            WHY(ask, "fifo: loaded at %" PRIu64 ", the oldest%s", p->loaded[f], of);
        else
            WHY(ask, "lru: last used at %" PRIu64 ", the least recently%s", p->used[f], *of ? " used candidate" : "");
        if (ask->why)
            passed_over(ask, p->kind == POL_FIFO, pinned, no_slot);
        return f;
    }
    return FRAME_NONE;
}

/* by_clock: the hand goes round the frames; see policy.h */
static uint32_t by_clock(struct policy *p, const struct policy_ask *ask)
{
    if (!p->n)
        return FRAME_NONE;
    uint32_t start = p->hand, passed = 0;
    bool any = false; /* an eligible candidate seen in the first round */
    for (uint64_t steps = 0; steps < 2 * (uint64_t)p->n + 1; steps++) {
        uint32_t f = p->hand;
        p->hand = f + 1 == p->n ? 0 : f + 1;
        if (steps == p->n && !any)
            break; /* a whole round and no candidate */
        if (!is_member(p, f) || !ask->eligible(ask->ctx, f))
            continue;
        any = true;
        if (ask->referenced(ask->ctx, f, true)) {
            passed++;
            continue;
        }
        WHY(ask, "clock: the hand went from frame %" PRIu32 ", passed %" PRIu32 " referenced %s (bits cleared)",
            start, passed, passed == 1 ? "frame" : "frames");
        return f;
    }
    p->hand = start;
    return FRAME_NONE;
}

/* draw: number next() mod the frames of a set (its bitmap bits, its tree
 * fen and its size) that the current access does not pin, in rising frame
 * order; FRAME_NONE, and no draw, when there are none. The pinned frames
 * are out of the set while drawing, so the tree counts only the others. */
static uint32_t draw(struct policy *p, uint64_t *bits, uint32_t *fen, uint64_t size, const struct policy_ask *ask)
{
    unsigned out = 0;
    uint32_t gone[8];
    for (unsigned i = 0; i < ask->npinned && out < 8; i++)
        if (ask->pinned[i] < p->n && bit_of(bits, ask->pinned[i])) {
            uint32_t f = ask->pinned[i];
            bool twice = false;
            for (unsigned j = 0; j < out; j++)
                twice |= gone[j] == f;
            if (twice)
                continue;
            gone[out++] = f;
            bit_set(bits, f, false);
            fen_add(p, fen, f, -1);
        }
    uint64_t count = size - out;
    uint32_t victim = FRAME_NONE;
    if (count) {
        uint64_t r = policy_splitmix64(&p->state), k = r % count;
        /* every frame in the set, none left out: the k-th is frame k */
        victim = out == 0 && size == p->n ? (uint32_t)k : fen_kth(p, fen, bits, k);
        WHY(ask, "random: draw %" PRIu64 " mod %" PRIu64 " candidates = %" PRIu64 ", frame %" PRIu32, r, count, k,
            victim);
    }
    for (unsigned i = 0; i < out; i++) {
        bit_set(bits, gone[i], true);
        fen_add(p, fen, gone[i], 1);
    }
    return victim;
}

/* by_random: number next() mod count of the eligible candidates: with a
 * free slot every candidate but the pinned, else the spare ones but the
 * pinned (what ask->eligible says of each, kept as the set changes) */
static uint32_t by_random(struct policy *p, const struct policy_ask *ask)
{
    if (ask->slot_free)
        return draw(p, p->member, p->fen, p->members, ask);
    if (!p->spare)
        keep_spares(p);
    return draw(p, p->spare, p->fen_spare, p->spares, ask);
}

uint64_t policy_frame_bytes(const struct policy *p)
{
    uint64_t per = (p->member ? 1 : 0) + (p->spare ? 1 : 0); /* a bit each, rounded up */
    per += (p->loaded ? sizeof *p->loaded : 0) + (p->used ? sizeof *p->used : 0) + (p->fen ? sizeof *p->fen : 0) +
           (p->fen_spare ? sizeof *p->fen_spare : 0);
    return per + (p->opt ? policy_opt_frame_bytes() : 0);
}

unsigned policy_peek(const struct policy *p, unsigned k, uint32_t *f, unsigned n)
{
    unsigned got = 0;
    switch (p->kind) {
    case POL_FIFO:
    case POL_LRU:
        for (uint32_t x = p->head; x; x = p->ft->fr[x - 1].lru[1]) { /* no link read past the last */
            if (k) {
                k--;
                continue;
            }
            f[got++] = x - 1;
            if (got == n)
                break;
        }
        return got;
    case POL_CLOCK:
        for (uint32_t g = p->hand, steps = 0; got < n && g < p->n && steps < 64 * (k + n); steps++) {
            if (is_member(p, g)) {
                if (k)
                    k--;
                else
                    f[got++] = g;
            }
            g = g + 1 == p->n ? 0 : g + 1;
        }
        return got;
    case POL_RANDOM: /* the draws from now, as if every frame were a candidate */
        for (; p->members && got < n; got++, k++) {
            uint64_t state = p->state + (uint64_t)k * UINT64_C(0x9E3779B97F4A7C15);
            uint64_t r = policy_splitmix64(&state) % p->members;
            f[got] = p->members == p->n ? (uint32_t)r : (uint32_t)(r * p->n / p->members);
        }
        return got;
    case POL_OPT: /* the top of its heap, next */
        if (k == 0 && n && (f[0] = policy_opt_peek(p->opt)) != FRAME_NONE)
            return 1;
        return 0;
    default:
        return 0;
    }
}

uint32_t policy_choose(struct policy *p, const struct policy_ask *ask)
{
    switch (p->kind) {
    case POL_FIFO:
    case POL_LRU:
        return by_list(p, ask);
    case POL_CLOCK:
        return by_clock(p, ask);
    case POL_RANDOM:
        return by_random(p, ask);
    default:
        return policy_opt_choose(p->opt, ask);
    }
}

/* ---- --check ---------------------------------------------------------------------------- */

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* check_tree: tree fen names the count frames of bitmap bits in rising order */
static int check_tree(const struct policy *p, const uint32_t *fen, const uint64_t *bits, uint64_t count,
                      const char *what, char *err, size_t errlen)
{
    for (uint64_t k = 0, last = 0; k < count; k++) {
        uint32_t f = fen_kth(p, fen, bits, k);
        if (f >= p->n || !bit_of(bits, f) || (k && f <= last))
            return FAIL("the random policy's %s tree names frame %" PRIu32 " as its %" PRIu64 "th", what, f, k);
        last = f;
    }
    return 0;
}

/* check_random: both trees name their sets' frames in order, and the
 * spare set, once kept, is the candidates the slot test says need no slot */
static int check_random(const struct policy *p, uint64_t members, char *err, size_t errlen)
{
    if (check_tree(p, p->fen, p->member, members, "candidates'", err, errlen))
        return -1;
    if (!p->spare)
        return 0; /* not kept yet */
    uint64_t spares = 0;
    for (uint32_t f = 0; f < p->n; f++) {
        bool spare = bit_of(p->spare, f);
        if (spare != (is_member(p, f) && is_spare_now(p, f)))
            return FAIL("frame %" PRIu32 " is %s a spare candidate of the random policy", f, spare ? "wrongly" : "not");
        spares += spare;
    }
    if (spares != p->spares)
        return FAIL("%" PRIu64 " spare candidates counted, %" PRIu64 " found", p->spares, spares);
    return check_tree(p, p->fen_spare, p->spare, spares, "spare", err, errlen);
}

int policy_check(const struct policy *p, const struct frames *ft, char *err, size_t errlen)
{
    uint64_t members = 0;
    for (uint32_t f = 0; f < p->n; f++) {
        enum frame_kind k = frame_kind(ft, f);
        bool cand = k == FK_ANON || k == FK_CACHE;
        if (cand != is_member(p, f))
            return FAIL("frame %" PRIu32 " (%s) is %s a replacement candidate", f, frame_kind_names[k],
                        cand ? "not" : "wrongly");
        if (!cand)
            continue;
        members++;
        uint64_t stamp = p->loaded ? p->loaded[f] : p->used ? p->used[f] : 0;
        if (stamp > p->t)
            return FAIL("frame %" PRIu32 ": stamp %" PRIu64 " is after T %" PRIu64, f, stamp, p->t);
    }
    if (members != p->members)
        return FAIL("%" PRIu64 " replacement candidates counted, %" PRIu64 " found", p->members, members);
    if (p->kind == POL_FIFO || p->kind == POL_LRU) {
        uint64_t n = 0, last = 0;
        uint32_t pr = 0;
        for (uint32_t x = p->head; x; x = p->ft->fr[x - 1].lru[1]) {
            uint32_t f = x - 1;
            const uint64_t *stamps = p->kind == POL_FIFO ? p->loaded : p->used;
            uint64_t key = stamps ? stamps[f] : n + 1; /* no stamps kept: the links alone */
            if (!is_member(p, f) || p->ft->fr[f].lru[0] != pr || (n && key <= last))
                return FAIL("the %s list is out of order at frame %" PRIu32, policy_names[p->kind], f);
            last = key;
            pr = x;
            if (++n > members)
                break;
        }
        if (n != members || p->tail != pr)
            return FAIL("the %s list holds %" PRIu64 " of %" PRIu64 " candidates", policy_names[p->kind], n, members);
    }
    if (p->kind == POL_RANDOM && check_random(p, members, err, errlen))
        return -1;
    /* stamps are distinct: each was T at a distinct moment */
    const uint64_t *stamps = p->loaded ? p->loaded : p->used;
    if (members > 1 && stamps) {
        uint64_t *st = vm_xmalloc(members * sizeof *st);
        uint64_t m = 0;
        for (uint32_t f = 0; f < p->n; f++)
            if (is_member(p, f))
                st[m++] = stamps[f];
        qsort(st, m, sizeof *st, cmp_u64);
        uint64_t dup = 0;
        for (uint64_t i = 1; i < m && !dup; i++)
            if (st[i] == st[i - 1])
                dup = st[i];
        free(st);
        if (dup)
            return FAIL("two candidates share the stamp %" PRIu64, dup);
    }
    if (p->kind == POL_OPT)
        return policy_opt_check(p->opt, p->member, err, errlen);
    return 0;
}
