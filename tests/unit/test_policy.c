/* test_policy.c -- unit tests of the replacement policies' own interface
 * (sim/model/policy.c, include/vmsim/policy.h): the victim each policy
 * chooses over a few frames, and policy_peek's guesses against the choices
 * that follow (exact for fifo and lru, for clock when nothing is
 * referenced, and for random when every frame is a candidate). The rules
 * of section 10 as a whole are checked by the trace tests and the
 * differential test against an independent simulator. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include <cmocka.h>

#include "vmsim/frames.h"
#include "vmsim/policy.h"
#include "vmsim/policy_opt.h"

#define NFRAMES 8

static bool any(void *ctx, uint32_t f)
{
    (void)ctx;
    (void)f;
    return true;
}

static bool never_referenced(void *ctx, uint32_t f, bool clear)
{
    (void)ctx;
    (void)f;
    (void)clear;
    return false;
}

static const struct policy_ask ask = {.eligible = any, .referenced = never_referenced, .slot_free = true};

/* a pool of NFRAMES frames, all anon and filled in the order given */
static void setup(struct frames *ft, struct policy *p, enum policy_kind kind, const uint32_t *order)
{
    assert_int_equal(frames_init(ft, NFRAMES), 0);
    assert_int_equal(policy_init(p, kind, ft, 42), 0);
    for (uint32_t i = 0; i < NFRAMES; i++)
        assert_int_equal(frame_alloc_lowest(ft, FK_ANON), i);
    for (uint32_t i = 0; i < NFRAMES; i++)
        policy_fill(p, order[i]);
}

static void teardown(struct frames *ft, struct policy *p)
{
    policy_destroy(p);
    frames_destroy(ft);
}

/* peek_then_choose: the guesses for the next n victims, then n choices
 * (each victim forgotten and filled again, as an eviction does): the same */
static void peek_then_choose(struct policy *p, unsigned n)
{
    uint32_t guess[NFRAMES];
    assert_int_equal(policy_peek(p, 0, guess, n), n);
    uint32_t later[NFRAMES];
    assert_int_equal(policy_peek(p, 1, later, n - 1), n - 1);
    assert_memory_equal(later, guess + 1, (n - 1) * sizeof *later); /* k is an offset */
    for (unsigned i = 0; i < n; i++) {
        uint32_t f = policy_choose(p, &ask);
        assert_int_equal(f, guess[i]);
        policy_forget(p, f);
        policy_fill(p, f);
    }
}

static void test_fifo(void **state)
{
    (void)state;
    static const uint32_t order[NFRAMES] = {3, 1, 4, 0, 5, 2, 7, 6};
    struct frames ft;
    struct policy p;
    setup(&ft, &p, POL_FIFO, order);
    uint32_t g[NFRAMES];
    assert_int_equal(policy_peek(&p, 0, g, NFRAMES), NFRAMES);
    assert_memory_equal(g, order, sizeof order); /* the order of loading */
    assert_int_equal(policy_peek(&p, 6, g, 5), 2); /* only two past the sixth */
    policy_use(&p, 3); /* a use changes nothing for fifo */
    peek_then_choose(&p, 5);
    teardown(&ft, &p);
}

static void test_lru(void **state)
{
    (void)state;
    static const uint32_t order[NFRAMES] = {0, 1, 2, 3, 4, 5, 6, 7};
    struct frames ft;
    struct policy p;
    setup(&ft, &p, POL_LRU, order);
    policy_access(&p);
    policy_use(&p, 0); /* 0 and then 2 are now the most recently used */
    policy_access(&p);
    policy_use(&p, 2);
    uint32_t g[3];
    assert_int_equal(policy_peek(&p, 0, g, 3), 3);
    assert_int_equal(g[0], 1);
    assert_int_equal(g[1], 3);
    assert_int_equal(g[2], 4);
    peek_then_choose(&p, 6);
    teardown(&ft, &p);
}

static void test_clock(void **state)
{
    (void)state;
    static const uint32_t order[NFRAMES] = {0, 1, 2, 3, 4, 5, 6, 7};
    struct frames ft;
    struct policy p;
    setup(&ft, &p, POL_CLOCK, order);
    /* nothing referenced: the hand takes the frames in turn, round and round */
    peek_then_choose(&p, NFRAMES);
    peek_then_choose(&p, 3);
    assert_int_equal(p.hand, 3);
    /* a frame that is not a candidate is passed over by the guess too */
    policy_forget(&p, 4);
    uint32_t g[2];
    assert_int_equal(policy_peek(&p, 1, g, 2), 2);
    assert_int_equal(g[0], 5);
    assert_int_equal(g[1], 6);
    teardown(&ft, &p);
}

static void test_random(void **state)
{
    (void)state;
    static const uint32_t order[NFRAMES] = {7, 6, 5, 4, 3, 2, 1, 0};
    struct frames ft;
    struct policy p;
    setup(&ft, &p, POL_RANDOM, order);
    /* every frame a candidate: the guesses are the draws to come */
    peek_then_choose(&p, NFRAMES);
    /* the draw: splitmix64 over the seed's state, mod the candidates */
    uint64_t s = p.state;
    uint32_t g;
    assert_int_equal(policy_peek(&p, 0, &g, 1), 1);
    assert_int_equal(g, policy_splitmix64(&s) % NFRAMES);
    uint64_t before = p.state;
    assert_int_equal(policy_peek(&p, 2, &g, 1), 1);
    assert_true(p.state == before); /* peeking draws nothing */
    teardown(&ft, &p);
}

/* needs: which frames the slot test of test_random_no_slot says need a slot */
static bool needs[NFRAMES];

static bool needs_of(void *ctx, uint32_t f)
{
    (void)ctx;
    return needs[f];
}

/* kth_eligible: the k-th frame, in rising order, that is a candidate, not
 * pinned and (with no slot free) needs no slot: what eligible would say */
static uint32_t kth_eligible(const struct policy *p, const struct policy_ask *a, uint64_t k)
{
    for (uint32_t f = 0; f < NFRAMES; f++) {
        bool pinned = false;
        for (unsigned i = 0; i < a->npinned; i++)
            pinned |= a->pinned[i] == f;
        if (policy_is_candidate(p, f) && !pinned && (a->slot_free || !needs[f]) && !k--)
            return f;
    }
    return FRAME_NONE;
}

/* draw_expect: the victim is number next() mod count of the eligible ones */
static void draw_expect(struct policy *p, const struct policy_ask *a, uint64_t count)
{
    uint64_t s = p->state;
    uint64_t k = policy_splitmix64(&s) % count;
    assert_int_equal(policy_choose(p, a), kth_eligible(p, a, k));
    assert_true(p->state == s); /* one draw */
    char err[128];
    assert_int_equal(policy_check(p, p->ft, err, sizeof err), 0);
}

/* random with no slot free: the draw is among the candidates that need no
 * slot and are not pinned (the spare tree, kept as their needs change),
 * and with a slot free among all but the pinned */
static void test_random_no_slot(void **state)
{
    (void)state;
    struct frames ft;
    struct policy p;
    assert_int_equal(frames_init(&ft, NFRAMES), 0);
    assert_int_equal(policy_init(&p, POL_RANDOM, &ft, 42), 0);
    memset(needs, 0, sizeof needs);
    needs[1] = needs[4] = needs[6] = true;
    policy_slot_test(&p, needs_of, NULL);
    for (uint32_t i = 0; i < NFRAMES; i++) {
        assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), i);
        policy_fill(&p, i);
    }
    uint32_t pinned[2] = {3, 3}; /* named twice: left out once */
    struct policy_ask a = ask;
    a.pinned = pinned;
    a.npinned = 2;
    a.slot_free = false;
    for (int i = 0; i < 6; i++) /* 0, 2, 5, 7 */
        draw_expect(&p, &a, 4);
    assert_int_equal(p.spares, 5); /* the pinned are back in the tree */
    needs[4] = false; /* a swap copy began: 4 needs no slot now */
    policy_slot_need_changed(&p, 4);
    needs[0] = true; /* 0's copy ended */
    policy_slot_need_changed(&p, 0);
    for (int i = 0; i < 6; i++) /* 2, 4, 5, 7 */
        draw_expect(&p, &a, 4);
    frame_free(&ft, 5); /* freed: out of both trees */
    policy_forget(&p, 5);
    assert_int_equal(p.spares, 4);
    for (int i = 0; i < 4; i++) /* 2, 4, 7 */
        draw_expect(&p, &a, 3);
    a.slot_free = true;
    for (int i = 0; i < 4; i++) /* every candidate but 3 */
        draw_expect(&p, &a, 6);
    /* only pinned or needy candidates left: no victim, no draw */
    a.slot_free = false;
    for (uint32_t f = 0; f < NFRAMES; f++)
        if (f != 3) {
            needs[f] = true;
            policy_slot_need_changed(&p, f);
        }
    uint64_t before = p.state;
    assert_int_equal(policy_choose(&p, &a), FRAME_NONE);
    assert_true(p.state == before);
    teardown(&ft, &p);
}

static void test_opt_does_not_guess(void **state)
{
    (void)state;
    struct frames ft;
    struct policy p;
    assert_int_equal(frames_init(&ft, NFRAMES), 0);
    assert_int_equal(policy_init(&p, POL_OPT, &ft, 1), 0);
    uint32_t g[2];
    assert_int_equal(policy_peek(&p, 0, g, 2), 0);
    teardown(&ft, &p);
}

/* opt's future: the lines of its accesses, from a bit string (policy_opt.h),
 * read back at random (every 512th access is sampled) and by the cursor;
 * next links per key */
static void test_future_lines(void **state)
{
    (void)state;
    enum { N = 3000 };
    static uint64_t line[N];
    struct future *fu = future_new(N, 0, 0);
    uint64_t l = 5;
    for (uint32_t i = 0; i < N; i++) {
        /* runs of one line (a touch), steps of one, and gaps of many lines */
        if (i % 7 == 0)
            l += 1;
        else if (i % 101 == 0)
            l += 300 + i % 64;
        line[i] = l;
        assert_int_equal(future_add(fu, 1 + i % 3, i % 10, l), 0);
    }
    assert_int_equal(future_seal(fu), 0);
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(future_line(fu, i), line[i]);
    for (uint32_t i = 0; i < N; i++) {
        assert_int_equal(fu->cursor, i);
        assert_int_equal(future_cursor_line(fu), line[i]);
        /* access i's key is (1 + i % 3, i % 10): it comes again 30 accesses on */
        assert_int_equal(fu->next[i], i + 30 < N ? i + 30 : FUTURE_NEVER);
        future_step(fu);
    }
    future_free(fu);
}

/* the index refuses accesses past its cap */
static void test_future_cap(void **state)
{
    (void)state;
    struct future *fu = future_new(4, 0, 0);
    assert_int_equal(future_add(fu, 1, 0, 1), 0);
    assert_int_equal(future_add(fu, 1, 1, 1 + 200), 0);
    assert_int_equal(future_add(fu, 1, 2, 1 + 250), 0);
    assert_int_equal(future_add(fu, 1, 3, 1 + 250), 0);
    assert_int_equal(future_add(fu, 1, 4, 1 + 250), -1); /* a fifth access */
    assert_int_equal(future_seal(fu), 0);
    assert_int_equal(future_line(fu, 0), 1);
    assert_int_equal(future_line(fu, 1), 201);
    assert_int_equal(future_line(fu, 3), 251);
    future_free(fu);
}

/* its bytes, the text it was given included, never pass its bound: not
 * while it grows, not when it refuses; a line too far ahead for the room
 * of the bits leaves it as it was */
static void test_future_bytes(void **state)
{
    (void)state;
    enum { MAX = 200000, HELD = 5000 };
    struct future *fu = future_new(UINT64_MAX, MAX, HELD);
    assert_true(future_bytes(fu) >= HELD && future_bytes(fu) <= MAX);
    assert_int_equal(future_add(fu, 1, 0, 1), 0);
    assert_int_equal(future_add(fu, 1, 1, (uint64_t)MAX * 8), -1); /* bits past the bound */
    uint32_t n = 1;
    uint64_t line = 2;
    while (future_add(fu, 1 + n % 2, n, line) == 0) { /* every access a new key */
        assert_true(future_bytes(fu) <= MAX);
        n++;
        line += n % 3 == 0;
    }
    assert_true(future_bytes(fu) <= MAX);
    assert_true(n > 2000);                              /* about 32 bytes a new key, counting room */
    assert_int_equal(future_add(fu, 1, 0, line), -1); /* full */
    future_free(fu);

    /* no bound: the bytes are counted all the same */
    fu = future_new(UINT64_MAX, 0, HELD);
    for (uint32_t i = 0; i < 5000; i++)
        assert_int_equal(future_add(fu, 1, i % 100, i), 0);
    assert_int_equal(future_seal(fu), 0);
    assert_true(future_bytes(fu) > HELD + 5000 * 8);
    assert_int_equal(fu->next[0], 100);
    future_free(fu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo),
        cmocka_unit_test(test_lru),
        cmocka_unit_test(test_clock),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_random_no_slot),
        cmocka_unit_test(test_opt_does_not_guess),
        cmocka_unit_test(test_future_lines),
        cmocka_unit_test(test_future_cap),
        cmocka_unit_test(test_future_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
