/* policy_opt.c -- the future index and the opt policy (see policy_opt.h). */
#include "vmsim/policy_opt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/frames.h"
#include "vmsim/pagetable.h"
#include "vmsim/policy_ask.h"
#include "vmsim/slab.h"
#include "vmsim/util.h"

/* ---- the future --------------------------------------------------------------------- */

struct future *future_new(uint64_t max_accesses, uint64_t max_bytes, uint64_t held)
{
    struct future *fu = vm_xcalloc(1, sizeof *fu);
    fu->cap = max_accesses < FUTURE_NEVER ? max_accesses : FUTURE_NEVER - 1;
    fu->max_bytes = max_bytes;
    fu->bytes = held + sizeof *fu;
    return fu;
}

void future_free(struct future *fu)
{
    if (!fu)
        return;
    free(fu->key);
    free(fu->next);
    free(fu->lbits);
    free(fu->sel);
    free(fu->keys);
    free(fu->slots);
    free(fu);
}

/* room_for: may an array of old_bytes grow to new_bytes? Both count until
 * the old one is gone (a realloc may move it); when it may, the new room
 * is counted from now on. */
static bool room_for(struct future *fu, uint64_t old_bytes, uint64_t new_bytes)
{
    if (fu->max_bytes && (fu->bytes + new_bytes > fu->max_bytes || fu->bytes + new_bytes < fu->bytes))
        return false;
    fu->bytes += new_bytes - old_bytes;
    return true;
}

static uint64_t key_hash(uint32_t pid, uint64_t page)
{
    uint64_t h = page * UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)pid * UINT64_C(0xC2B2AE3D27D4EB4F);
    return h ^ (h >> 29);
}

/* rehash: twice the slots; false when they find no room */
static bool rehash(struct future *fu)
{
    uint64_t n = fu->nslots ? fu->nslots * 2 : 1024;
    if (!room_for(fu, fu->nslots * sizeof *fu->slots, n * sizeof *fu->slots))
        return false;
    free(fu->slots);
    fu->slots = vm_xcalloc(n, sizeof *fu->slots);
    slab_advise_huge(fu->slots, n * sizeof *fu->slots); /* looked up at random */
    fu->nslots = n;
    for (uint32_t k = 0; k < fu->nkeys; k++) {
        uint64_t h = key_hash(fu->keys[k].pid, fu->keys[k].page) & (n - 1);
        while (fu->slots[h])
            h = (h + 1) & (n - 1);
        fu->slots[h] = k + 1;
    }
    return true;
}

uint32_t future_key_of(const struct future *fu, uint32_t pid, uint64_t page)
{
    if (!fu->nslots)
        return FUTURE_NEVER;
    for (uint64_t h = key_hash(pid, page) & (fu->nslots - 1);; h = (h + 1) & (fu->nslots - 1)) {
        uint32_t k = fu->slots[h];
        if (!k)
            return FUTURE_NEVER;
        if (fu->keys[k - 1].pid == pid && fu->keys[k - 1].page == page)
            return k - 1;
    }
}

/* key_add: the key index of (pid, page), a new one if need be;
 * FUTURE_NEVER when a new key finds no room */
static uint32_t key_add(struct future *fu, uint32_t pid, uint64_t page)
{
    uint32_t k = future_key_of(fu, pid, page);
    if (k != FUTURE_NEVER)
        return k;
    if (2 * ((uint64_t)fu->nkeys + 1) > fu->nslots && !rehash(fu))
        return FUTURE_NEVER;
    if (fu->nkeys == fu->capkeys) {
        uint64_t cap = fu->capkeys ? 2 * (uint64_t)fu->capkeys : 1024;
        cap = cap < UINT32_MAX ? cap : UINT32_MAX; /* keys are fewer than accesses (< FUTURE_NEVER) */
        if (!room_for(fu, (uint64_t)fu->capkeys * sizeof *fu->keys, cap * sizeof *fu->keys))
            return FUTURE_NEVER;
        fu->capkeys = (uint32_t)cap;
        fu->keys = vm_xrealloc(fu->keys, fu->capkeys * sizeof *fu->keys);
        slab_advise_huge(fu->keys, fu->capkeys * sizeof *fu->keys);
    }
    k = fu->nkeys++;
    fu->keys[k] = (struct future_key){.page = page, .pid = pid, .next = FUTURE_NEVER};
    uint64_t h = key_hash(pid, page) & (fu->nslots - 1);
    while (fu->slots[h])
        h = (h + 1) & (fu->nslots - 1);
    fu->slots[h] = k + 1;
    return k;
}

/* key_next: the oldest access still waiting gets its key; a key without
 * room makes the index full */
static void key_next(struct future *fu)
{
    uint32_t a = fu->keyed++;
    fu->key[a] = key_add(fu, fu->ahead[a % FUTURE_AHEAD].pid, fu->ahead[a % FUTURE_AHEAD].page);
    fu->full |= fu->key[a] == FUTURE_NEVER;
}

int future_add(struct future *fu, uint32_t pid, uint64_t page, uint64_t line)
{
    if (fu->full || fu->n >= fu->cap)
        return -1;
    /* the access's bit: lines before line0 (there are none) count as line0 */
    uint64_t line0 = fu->n ? fu->line0 : line;
    uint64_t bit = fu->n + (line > line0 ? line - line0 : 0);
    if (fu->n && bit <= fu->cursor_bit) /* a line below the last one's: the same line */
        bit = fu->cursor_bit + 1;
    if (bit / 64 >= fu->nwords) { /* checked first: a gap too long for its room changes nothing */
        uint64_t w = fu->nwords ? fu->nwords : 64;
        while (bit / 64 >= w)
            w *= 2;
        if (w > SIZE_MAX / sizeof *fu->lbits ||
            !room_for(fu, fu->nwords * sizeof *fu->lbits, w * sizeof *fu->lbits))
            return -1;
        fu->lbits = vm_xrealloc(fu->lbits, w * sizeof *fu->lbits);
        memset(fu->lbits + fu->nwords, 0, (w - fu->nwords) * sizeof *fu->lbits);
        fu->nwords = w;
    }
    if (fu->n == fu->capn) { /* key, next and sel grow together, twice at a time */
        uint64_t cap = fu->capn ? 2 * fu->capn : 1024;
        uint64_t per = sizeof *fu->key + sizeof *fu->next;
        uint64_t old = fu->capn * per + (fu->capn ? (fu->capn >> FUTURE_SEL_SHIFT) + 1 : 0) * sizeof *fu->sel;
        if (!room_for(fu, old, cap * per + ((cap >> FUTURE_SEL_SHIFT) + 1) * sizeof *fu->sel))
            return -1;
        fu->key = vm_xrealloc(fu->key, cap * sizeof *fu->key);
        fu->next = vm_xrealloc(fu->next, cap * sizeof *fu->next);
        fu->sel = vm_xrealloc(fu->sel, ((cap >> FUTURE_SEL_SHIFT) + 1) * sizeof *fu->sel);
        fu->capn = cap;
    }
    fu->line0 = line0;
    fu->lbits[bit / 64] |= UINT64_C(1) << (bit % 64);
    if ((fu->n & ((1u << FUTURE_SEL_SHIFT) - 1)) == 0)
        fu->sel[fu->n >> FUTURE_SEL_SHIFT] = bit;
    fu->cursor_bit = bit; /* while adding: the last access's bit */
    /* its key later: its slot now, its record half-way, then the lookup */
    fu->ahead[fu->n % FUTURE_AHEAD].page = page;
    fu->ahead[fu->n % FUTURE_AHEAD].pid = pid;
    if (fu->nslots) {
        __builtin_prefetch(&fu->slots[key_hash(pid, page) & (fu->nslots - 1)]);
        if (fu->n - fu->keyed >= FUTURE_AHEAD / 2) {
            uint32_t a = fu->n - FUTURE_AHEAD / 2;
            uint64_t h = key_hash(fu->ahead[a % FUTURE_AHEAD].pid, fu->ahead[a % FUTURE_AHEAD].page);
            uint32_t k = fu->slots[h & (fu->nslots - 1)];
            if (k)
                __builtin_prefetch(&fu->keys[k - 1]);
        }
    }
    fu->n++;
    if (fu->n - fu->keyed == FUTURE_AHEAD)
        key_next(fu);
    return fu->full ? -1 : 0;
}

/* nth_bit_after: the bit of the r-th set bit after bit b (r >= 1); it is there */
static uint64_t nth_bit_after(const struct future *fu, uint64_t b, uint32_t r)
{
    uint64_t w = b / 64;
    uint64_t word = b % 64 == 63 ? 0 : fu->lbits[w] & (~UINT64_C(0) << (b % 64 + 1));
    for (;;) {
        uint32_t c = (uint32_t)__builtin_popcountll(word);
        if (c >= r) {
            while (--r)
                word &= word - 1; /* the lowest set bit goes */
            return w * 64 + (uint64_t)__builtin_ctzll(word);
        }
        r -= c;
        word = fu->lbits[++w];
    }
}

uint64_t future_line(const struct future *fu, uint32_t i)
{
    uint64_t b = fu->sel[i >> FUTURE_SEL_SHIFT];
    uint32_t r = i & ((1u << FUTURE_SEL_SHIFT) - 1);
    if (r)
        b = nth_bit_after(fu, b, r);
    return fu->line0 + b - i;
}

void future_step(struct future *fu)
{
    if (++fu->cursor < fu->n)
        fu->cursor_bit = nth_bit_after(fu, fu->cursor_bit, 1);
}

int future_seal(struct future *fu)
{
    while (fu->keyed < fu->n && !fu->full)
        key_next(fu);
    if (fu->full)
        return -1;
    /* backwards: each key's next access is the one seen last */
    for (uint32_t k = 0; k < fu->nkeys; k++)
        fu->keys[k].next = FUTURE_NEVER;
    for (uint32_t i = fu->n; i-- > 0;) {
        struct future_key *key = &fu->keys[fu->key[i]];
        fu->next[i] = key->next;
        key->next = i;
    }
    /* now each key's next is its first access: where the run starts */
    fu->cursor = 0;
    fu->cursor_bit = 0;
    return 0;
}

/* ---- the policy: a max-heap of the candidates by (next use, loaded) -------------------- */

struct policy_opt {
    uint32_t nframes;
    struct future *fu;
    struct opt_world w;
    uint32_t *nextuse;  /* per frame: the smallest next use of its mappers */
    const uint64_t *loaded; /* per frame, the policy's fill stamps: the tie-break */
    uint32_t *heap;     /* frames */
    uint32_t *pos;      /* per frame: 1 + its place in the heap (0: not in it) */
    uint32_t nheap;
    /* per frame, in the first of its record's policy words (frames.h: fifo
     * and lru link their lists there): 1 + a key that maps it, a guess that
     * spares a lookup in the hash (0: none) */
    struct frames *ft;
    uint32_t *marked;   /* frames whose next use must be recomputed */
    uint8_t *is_marked;
    uint32_t nmarked;
};

/* above: does frame a go before frame b (farther next use, or later load)? */
static bool above(const struct policy_opt *o, uint32_t a, uint32_t b)
{
    if (o->nextuse[a] != o->nextuse[b])
        return o->nextuse[a] > o->nextuse[b];
    return o->loaded[a] > o->loaded[b];
}

static void heap_set(struct policy_opt *o, uint32_t i, uint32_t f)
{
    o->heap[i] = f;
    o->pos[f] = i + 1;
}

static void sift_up(struct policy_opt *o, uint32_t i)
{
    uint32_t f = o->heap[i];
    while (i > 0) {
        uint32_t up = (i - 1) / 2;
        if (!above(o, f, o->heap[up]))
            break;
        heap_set(o, i, o->heap[up]);
        i = up;
    }
    heap_set(o, i, f);
}

static void sift_down(struct policy_opt *o, uint32_t i)
{
    uint32_t f = o->heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= o->nheap)
            break;
        if (c + 1 < o->nheap && above(o, o->heap[c + 1], o->heap[c]))
            c++;
        if (!above(o, o->heap[c], f))
            break;
        heap_set(o, i, o->heap[c]);
        i = c;
    }
    heap_set(o, i, f);
}

static void heap_fix(struct policy_opt *o, uint32_t f)
{
    uint32_t i = o->pos[f] - 1;
    sift_up(o, i);
    sift_down(o, o->pos[f] - 1);
}

static void heap_remove(struct policy_opt *o, uint32_t f)
{
    uint32_t i = o->pos[f] - 1, last = o->heap[--o->nheap];
    o->pos[f] = 0;
    if (last == f)
        return;
    heap_set(o, i, last);
    heap_fix(o, last);
}

uint64_t policy_opt_frame_bytes(void)
{
    const struct policy_opt *o = NULL;
    return sizeof *o->nextuse + sizeof *o->heap + sizeof *o->pos + sizeof *o->marked + sizeof *o->is_marked;
}

struct policy_opt *policy_opt_new(struct frames *ft, const uint64_t *loaded)
{
    struct policy_opt *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    uint32_t nframes = ft->n;
    size_t n = (size_t)nframes + 1;
    o->nframes = nframes;
    o->ft = ft;
    o->nextuse = calloc(n, sizeof *o->nextuse);
    o->loaded = loaded;
    o->heap = calloc(n, sizeof *o->heap);
    o->pos = calloc(n, sizeof *o->pos);
    o->marked = calloc(n, sizeof *o->marked);
    o->is_marked = calloc(n, 1);
    if (!o->nextuse || !o->loaded || !o->heap || !o->pos || !o->marked || !o->is_marked) {
        policy_opt_free(o);
        return NULL;
    }
    return o;
}

void policy_opt_free(struct policy_opt *o)
{
    if (!o)
        return;
    free(o->nextuse);
    free(o->heap);
    free(o->pos);
    free(o->marked);
    free(o->is_marked);
    free(o);
}

void policy_opt_attach(struct policy_opt *o, struct future *fu, const struct opt_world *w)
{
    o->fu = fu;
    o->w = *w;
}

void policy_opt_mark(struct policy_opt *o, uint32_t f)
{
    if (f >= o->nframes || !o->pos[f] || o->is_marked[f])
        return;
    o->is_marked[f] = 1;
    o->marked[o->nmarked++] = f;
}

static int mark_leaf(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct policy_opt *o = ctx;
    (void)base;
    for (unsigned k = i0; k < i1; k++)
        if (leaf->e[k] & PTE_P)
            policy_opt_mark(o, pte_frame(leaf->e[k]));
    return 0;
}

void policy_opt_mark_table(struct policy_opt *o, const struct pt_store *ps, const struct pagetable *p)
{
    pt_for_each_leaf(ps, p, 0, UINT64_MAX, mark_leaf, o);
}

void policy_opt_fill(struct policy_opt *o, uint32_t f)
{
    o->nextuse[f] = FUTURE_NEVER;
    if (o->fu && o->fu->cursor) /* most often, the page of the access that filled it */
        o->ft->fr[f].lru[0] = o->fu->key[o->fu->cursor - 1] + 1;
    heap_set(o, o->nheap++, f);
    sift_up(o, o->nheap - 1);
    policy_opt_mark(o, f); /* its mappers come once it is mapped */
}

void policy_opt_forget(struct policy_opt *o, uint32_t f)
{
    if (o->pos[f])
        heap_remove(o, f);
    /* a marked frame stays in the list; recompute skips it (pos 0) */
}

/* advance: the access at the cursor is done with: its key's next use moves
 * on, and so does the cursor */
static void advance(struct policy_opt *o)
{
    struct future *fu = o->fu;
    uint32_t i = fu->cursor;
    uint32_t key = fu->key[i];
    struct future_key *k = &fu->keys[key];
    k->next = fu->next[i];
    future_step(fu);
    if (o->w.frame_of) {
        uint32_t f = o->w.frame_of(o->w.ctx, k->pid, k->page);
        if (f != FRAME_NONE) {
            if (f < o->nframes)
                o->ft->fr[f].lru[0] = key + 1;
            policy_opt_mark(o, f);
        }
    }
}

void policy_opt_access(struct policy_opt *o)
{
    struct future *fu = o->fu;
    if (fu && fu->cursor < fu->n)
        advance(o);
}

void policy_opt_line_done(struct policy_opt *o, uint64_t line)
{
    struct future *fu = o->fu;
    while (fu && fu->cursor < fu->n && future_cursor_line(fu) <= line)
        advance(o);
}

struct mapper_min {
    const struct future *fu;
    uint32_t hint; /* 1 + the key to try first (0: none) */
    uint32_t min;
};

static void take_min(void *arg, uint32_t pid, uint64_t page)
{
    struct mapper_min *m = arg;
    uint32_t k = m->hint - 1; /* FUTURE_NEVER when none */
    if (k >= m->fu->nkeys || m->fu->keys[k].pid != pid || m->fu->keys[k].page != page)
        k = future_key_of(m->fu, pid, page); /* no guess, or a wrong one: the hash */
    if (k != FUTURE_NEVER && m->fu->keys[k].next < m->min)
        m->min = m->fu->keys[k].next;
}

/* recompute: the marked frames' next uses, then their places in the heap */
static void recompute(struct policy_opt *o)
{
    for (uint32_t j = 0; j < o->nmarked; j++) {
        uint32_t f = o->marked[j];
        o->is_marked[f] = 0;
        if (!o->pos[f])
            continue;
        struct mapper_min m = {o->fu, o->ft->fr[f].lru[0], FUTURE_NEVER};
        if (o->fu && o->w.for_each_mapper)
            o->w.for_each_mapper(o->w.ctx, f, take_min, &m);
        if (m.min != o->nextuse[f]) {
            o->nextuse[f] = m.min;
            heap_fix(o, f);
        }
    }
    o->nmarked = 0;
}

uint32_t policy_opt_peek(const struct policy_opt *o) { return o->nheap ? o->heap[0] : FRAME_NONE; }

void policy_opt_prefetch(const struct policy_opt *o, uint32_t ahead, bool second)
{
    const struct future *fu = o->fu;
    if (!fu || ahead >= fu->n - fu->cursor || !fu->nslots)
        return;
    const struct future_key *k = &fu->keys[fu->key[fu->cursor + ahead]];
    if (!second)
        __builtin_prefetch(k, 1);
    else
        __builtin_prefetch(&fu->slots[key_hash(k->pid, k->page) & (fu->nslots - 1)]);
}

uint32_t policy_opt_choose(struct policy_opt *o, const struct policy_ask *ask)
{
    recompute(o);
    /* the top, or the first eligible below it: the ineligible go aside */
    uint32_t aside[64], naside = 0, victim = FRAME_NONE;
    while (o->nheap) {
        uint32_t f = o->heap[0];
        if (ask->eligible(ask->ctx, f)) {
            victim = f;
            break;
        }
        heap_remove(o, f);
        if (naside == 64) { /* many ineligible (no free slot): put them back and scan */
            for (uint32_t i = 0; i < naside; i++) {
                heap_set(o, o->nheap++, aside[i]);
                sift_up(o, o->nheap - 1);
            }
            naside = 0;
            heap_set(o, o->nheap++, f);
            sift_up(o, o->nheap - 1);
            uint32_t best = FRAME_NONE;
            for (uint32_t i = 0; i < o->nheap; i++) {
                uint32_t g = o->heap[i];
                if (ask->eligible(ask->ctx, g) && (best == FRAME_NONE || above(o, g, best)))
                    best = g;
            }
            victim = best;
            break;
        }
        aside[naside++] = f;
    }
    for (uint32_t i = 0; i < naside; i++) {
        heap_set(o, o->nheap++, aside[i]);
        sift_up(o, o->nheap - 1);
    }
    if (victim != FRAME_NONE && ask->why) {
        uint32_t u = o->nextuse[victim];
        if (u == FUTURE_NEVER)
            snprintf(ask->why, ask->why_len, "opt: never used again (loaded at %" PRIu64 ": ties go to the last loaded)",
                     o->loaded[victim]);
        else
            snprintf(ask->why, ask->why_len, "opt: next used at line %" PRIu64 ", the farthest", future_line(o->fu, u));
    }
    return victim;
}

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

int policy_opt_check(const struct policy_opt *o, const uint64_t *member, char *err, size_t errlen)
{
    uint32_t in = 0;
    for (uint32_t f = 0; f < o->nframes; f++) {
        bool cand = (member[f / 64] >> (f % 64)) & 1;
        if (cand != (o->pos[f] != 0))
            return FAIL("opt's heap %s frame %" PRIu32, cand ? "lacks" : "holds", f);
        in += cand;
    }
    if (in != o->nheap)
        return FAIL("opt's heap holds %" PRIu32 " frames, %" PRIu32 " are candidates", o->nheap, in);
    for (uint32_t i = 1; i < o->nheap; i++)
        if (above(o, o->heap[i], o->heap[(i - 1) / 2]))
            return FAIL("opt's heap is out of order at frame %" PRIu32, o->heap[i]);
    return 0;
}
