/* test_frames.c -- unit tests of the frame table (sim/frames.c,
 * include/vmsim/frames.h): lowest-free allocation over the summarised
 * bitmap, kinds, refcounts, the zero page and the droppable count. */
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

/* ---- helpers ------------------------------------------------------------ */

/* a small deterministic generator (xorshift64*) */
static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static void init(struct frames *ft, uint32_t n)
{
    assert_int_equal(frames_init(ft, n), 0);
    assert_int_equal(ft->n, n);
    assert_int_equal(ft->used, 0);
    assert_int_equal(ft->count[FK_FREE], n);
    assert_int_equal(frames_free_count(ft), n);
}

/* fill: takes every frame; each must come in order */
static void fill(struct frames *ft, enum frame_kind kind)
{
    for (uint32_t i = ft->used; i < ft->n; i++) {
        uint32_t f = frame_alloc_lowest(ft, kind);
        if (f != i)
            fail_msg("n=%u: allocation %u gave frame %u", ft->n, i, f);
    }
    assert_int_equal(frame_alloc_lowest(ft, kind), FRAME_NONE);
    assert_int_equal(ft->used, ft->n);
    assert_int_equal(frames_free_count(ft), 0);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* ---- allocation order ---------------------------------------------------- */

static void test_lowest_free_small(void **state)
{
    (void)state;
    struct frames ft;
    init(&ft, 8);
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), i);
    frame_free(&ft, 2);
    frame_free(&ft, 3);
    assert_int_equal(ft.used, 3);
    /* the middle ones come back first, lowest first */
    assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), 2);
    assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), 3);
    assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), 5);
    frame_free(&ft, 0);
    assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), 0);
    frames_destroy(&ft);
}

/* fill, free a few frames around the word and summary boundaries, take
 * them back in rising order, then empty the pool and fill it again */
static void boundaries(uint32_t n)
{
    struct frames ft;
    init(&ft, n);
    fill(&ft, FK_ANON);
    uint32_t cand[] = {n - 1, 0, 63, 64, 65, 127, 128, 4095, 4096, 4097, 262143, 262144, n / 2, 1, n - 2};
    uint32_t freed[32];
    size_t k = 0;
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        uint32_t f = cand[i];
        if (f >= n || frame_kind(&ft, f) == FK_FREE)
            continue;
        frame_free(&ft, f);
        freed[k++] = f;
    }
    assert_int_equal(ft.used, n - k);
    qsort(freed, k, sizeof freed[0], cmp_u32);
    for (size_t i = 0; i < k; i++) {
        uint32_t f = frame_alloc_lowest(&ft, FK_CACHE);
        if (f != freed[i])
            fail_msg("n=%u: got frame %u, want %u", n, f, freed[i]);
        assert_int_equal(frame_kind(&ft, f), FK_CACHE);
    }
    assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), FRAME_NONE);
    /* empty it from the top down, then fill again from 0 */
    for (uint32_t f = n; f-- > 0;)
        frame_free(&ft, f);
    assert_int_equal(ft.used, 0);
    assert_int_equal(ft.count[FK_ANON], 0);
    assert_int_equal(ft.count[FK_CACHE], 0);
    assert_int_equal(ft.count[FK_FREE], n);
    fill(&ft, FK_PT);
    frames_destroy(&ft);
}

static void test_boundaries_1(void **state)
{
    (void)state;
    boundaries(1);
}
static void test_boundaries_63(void **state)
{
    (void)state;
    boundaries(63);
}
static void test_boundaries_64(void **state)
{
    (void)state;
    boundaries(64);
}
static void test_boundaries_65(void **state)
{
    (void)state;
    boundaries(65);
}
static void test_boundaries_4096(void **state)
{
    (void)state;
    boundaries(4096);
}
static void test_boundaries_4097(void **state)
{
    (void)state;
    boundaries(4097);
}
static void test_boundaries_262145(void **state)
{
    (void)state;
    boundaries(262145);
}

static void test_empty_pool(void **state)
{
    (void)state;
    struct frames ft;
    init(&ft, 0);
    assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), FRAME_NONE);
    assert_int_equal(FRAMES_ZERO(&ft), 0);
    assert_int_equal(frame_kind(&ft, 0), FK_ZERO);
    frames_destroy(&ft);
}

/* random frees and allocations against a plain reference: allocation must
 * always give the lowest free frame */
static void random_against_reference(uint32_t n, unsigned ops)
{
    struct frames ft;
    init(&ft, n);
    bool *used = calloc(n, sizeof *used);
    uint32_t nused = 0;
    for (unsigned op = 0; op < ops; op++) {
        bool alloc = nused == 0 || (nused < n && rnd() % 100 < 55);
        if (alloc) {
            uint32_t want = 0;
            while (want < n && used[want])
                want++;
            uint32_t f = frame_alloc_lowest(&ft, FK_ANON);
            if (f != want)
                fail_msg("n=%u op %u: got %u, want %u", n, op, f, want);
            used[f] = true;
            nused++;
        } else {
            uint32_t f = (uint32_t)(rnd() % n);
            while (!used[f])
                f = (f + 1) % n;
            frame_free(&ft, f);
            used[f] = false;
            nused--;
        }
        assert_int_equal(ft.used, nused);
    }
    /* bursts: fill completely, then free random ones */
    while (nused < n) {
        assert_int_not_equal(frame_alloc_lowest(&ft, FK_ANON), FRAME_NONE);
        nused++;
    }
    assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), FRAME_NONE);
    free(used);
    frames_destroy(&ft);
}

static void test_random_small(void **state)
{
    (void)state;
    random_against_reference(65, 3000);
    random_against_reference(200, 3000);
    random_against_reference(4097, 6000);
}

/* a large pool: free random sets of frames from a full pool; they must
 * come back sorted */
static void test_random_large(void **state)
{
    (void)state;
    const uint32_t n = 262145;
    struct frames ft;
    init(&ft, n);
    fill(&ft, FK_ANON);
    uint32_t set[300];
    for (int round = 0; round < 20; round++) {
        size_t k = 0;
        for (size_t i = 0; i < 300; i++) {
            uint32_t f = (uint32_t)(rnd() % n);
            if (i % 7 == 0)
                f = (uint32_t)((rnd() % (n / 64)) * 64 + (i % 2 ? 63 : 0)) % n; /* word edges */
            if (frame_kind(&ft, f) == FK_FREE)
                continue;
            frame_free(&ft, f);
            set[k++] = f;
        }
        qsort(set, k, sizeof set[0], cmp_u32);
        for (size_t i = 0; i < k; i++)
            assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), set[i]);
        assert_int_equal(frame_alloc_lowest(&ft, FK_ANON), FRAME_NONE);
    }
    frames_destroy(&ft);
}

/* ---- kinds, values, refcounts -------------------------------------------- */

static void test_counts_per_kind(void **state)
{
    (void)state;
    struct frames ft;
    init(&ft, 10);
    uint32_t a = frame_alloc_lowest(&ft, FK_ANON);
    uint32_t c1 = frame_alloc_lowest(&ft, FK_CACHE);
    uint32_t c2 = frame_alloc_lowest(&ft, FK_CACHE);
    uint32_t p = frame_alloc_lowest(&ft, FK_PT);
    assert_int_equal(ft.used, 4);
    assert_int_equal(ft.count[FK_ANON], 1);
    assert_int_equal(ft.count[FK_CACHE], 2);
    assert_int_equal(ft.count[FK_PT], 1);
    assert_int_equal(ft.count[FK_FREE], 6);
    assert_int_equal(ft.count[FK_ZERO], 0); /* the zero page is not in the pool */
    assert_int_equal(frame_kind(&ft, a), FK_ANON);
    assert_int_equal(frame_kind(&ft, c1), FK_CACHE);
    assert_int_equal(frame_kind(&ft, p), FK_PT);
    assert_int_equal(frame_kind(&ft, 9), FK_FREE);
    frame_free(&ft, c1);
    assert_int_equal(ft.count[FK_CACHE], 1);
    assert_int_equal(ft.count[FK_FREE], 7);
    assert_int_equal(frame_kind(&ft, c1), FK_FREE);
    /* reused with another kind */
    assert_int_equal(frame_alloc_lowest(&ft, FK_PT), c1);
    assert_int_equal(ft.count[FK_PT], 2);
    assert_int_equal(ft.count[FK_CACHE], 1);
    (void)c2;
    frames_destroy(&ft);
}

static void test_new_frame_is_clean(void **state)
{
    (void)state;
    struct frames ft;
    init(&ft, 4);
    uint32_t f = frame_alloc_lowest(&ft, FK_ANON);
    assert_int_equal(ft.fr[f].value, 0);
    assert_int_equal(frame_refcount(&ft, f), 0);
    ft.fr[f].value = 0xdeadbeef;
    frame_get(&ft, f);
    frame_get(&ft, f);
    assert_int_equal(frame_put(&ft, f), 1);
    assert_int_equal(frame_put(&ft, f), 0);
    frame_free(&ft, f);
    assert_int_equal(frame_alloc_lowest(&ft, FK_CACHE), f);
    assert_int_equal(ft.fr[f].value, 0);
    assert_int_equal(frame_refcount(&ft, f), 0);
    assert_int_equal(ft.fr[f].kind & ~FF_KIND_MASK, 0); /* no stale flags */
    frames_destroy(&ft);
}

static void test_refcounts(void **state)
{
    (void)state;
    struct frames ft;
    init(&ft, 3);
    uint32_t f = frame_alloc_lowest(&ft, FK_ANON);
    for (int i = 1; i <= 100; i++) {
        frame_get(&ft, f);
        assert_int_equal(frame_refcount(&ft, f), i);
    }
    for (int i = 99; i >= 0; i--)
        assert_int_equal(frame_put(&ft, f), i);
    assert_int_equal(ft.droppable, 0);
    frames_destroy(&ft);
}

static void test_zero_page(void **state)
{
    (void)state;
    struct frames ft;
    init(&ft, 5);
    uint32_t z = FRAMES_ZERO(&ft);
    assert_int_equal(z, 5);
    assert_true(frame_is_zero(&ft, z));
    assert_false(frame_is_zero(&ft, 0));
    assert_int_equal(frame_kind(&ft, z), FK_ZERO);
    assert_int_equal(ft.fr[z].value, 0);
    assert_int_equal(frame_refcount(&ft, z), 0);
    for (int i = 0; i < 3; i++)
        frame_get(&ft, z);
    assert_int_equal(ft.zero_refs, 3);
    assert_int_equal(frame_refcount(&ft, z), 3);
    frame_put(&ft, z);
    assert_int_equal(ft.zero_refs, 2);
    assert_int_equal(frame_refcount(&ft, z), 2);
    /* never counted, never handed out */
    assert_int_equal(ft.used, 0);
    fill(&ft, FK_ANON);
    assert_int_equal(ft.used, 5);
    assert_int_equal(frame_kind(&ft, z), FK_ZERO);
    assert_int_equal(ft.zero_refs, 2);
    /* the count is not limited to 32 bits */
    ft.zero_refs = UINT64_C(1) << 33;
    frame_get(&ft, z);
    assert_int_equal(frame_refcount(&ft, z), (UINT64_C(1) << 33) + 1);
    frames_destroy(&ft);
}

/* ---- droppable ---------------------------------------------------------- */

struct cb_log {
    uint32_t calls;
    uint32_t last;
};

static void on_drop(void *ctx, uint32_t f)
{
    struct cb_log *log = ctx;
    log->calls++;
    log->last = f;
}

static void test_droppable_counting(void **state)
{
    (void)state;
    struct frames ft;
    struct cb_log log = {0, FRAME_NONE};
    init(&ft, 8);
    ft.on_droppable = on_drop;
    ft.on_droppable_ctx = &log;
    frame_alloc_lowest(&ft, FK_ANON);
    uint32_t f = frame_alloc_lowest(&ft, FK_CACHE);
    frame_get(&ft, f); /* the page cache's reference */
    assert_int_equal(ft.droppable, 0);
    frames_set_droppable(&ft, f, true);
    assert_int_equal(ft.droppable, 1);
    assert_true(frame_droppable_ok(&ft, f));
    assert_int_equal(frame_kind(&ft, f), FK_CACHE); /* the flag is beside the kind */
    frames_set_droppable(&ft, f, true);               /* twice: no change */
    assert_int_equal(ft.droppable, 1);

    frame_get(&ft, f); /* mapped: not droppable */
    assert_int_equal(ft.droppable, 0);
    frame_get(&ft, f);
    assert_int_equal(ft.droppable, 0);
    assert_int_equal(frame_put(&ft, f), 2);
    assert_int_equal(ft.droppable, 0);
    assert_int_equal(log.calls, 0);
    assert_int_equal(frame_put(&ft, f), 1); /* back to the cache's reference */
    assert_int_equal(ft.droppable, 1);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.last, f);

    frames_set_droppable(&ft, f, false);
    assert_int_equal(ft.droppable, 0);
    assert_false(frame_droppable_ok(&ft, f));
    frames_set_droppable(&ft, f, false);
    assert_int_equal(ft.droppable, 0);
    /* without the flag, falling to 1 calls nothing */
    frame_get(&ft, f);
    assert_int_equal(frame_put(&ft, f), 1);
    assert_int_equal(log.calls, 1);
    assert_int_equal(ft.droppable, 0);

    /* marked while mapped: counted once it falls to 1 */
    frame_get(&ft, f);
    frames_set_droppable(&ft, f, true);
    assert_int_equal(ft.droppable, 0);
    assert_int_equal(frame_put(&ft, f), 1);
    assert_int_equal(ft.droppable, 1);
    assert_int_equal(log.calls, 2);
    /* and falling to 0 leaves the count */
    assert_int_equal(frame_put(&ft, f), 0);
    assert_int_equal(ft.droppable, 0);
    assert_int_equal(log.calls, 2);
    frames_destroy(&ft);
}

static void test_droppable_many(void **state)
{
    (void)state;
    struct frames ft;
    struct cb_log log = {0, FRAME_NONE};
    init(&ft, 100);
    ft.on_droppable = on_drop;
    ft.on_droppable_ctx = &log;
    for (uint32_t i = 0; i < 100; i++) {
        uint32_t f = frame_alloc_lowest(&ft, FK_CACHE);
        frame_get(&ft, f);
        frames_set_droppable(&ft, f, i % 2 == 0);
    }
    assert_int_equal(ft.droppable, 50);
    for (uint32_t i = 0; i < 100; i += 4)
        frame_get(&ft, i);
    assert_int_equal(ft.droppable, 25);
    for (uint32_t i = 0; i < 100; i += 4)
        frame_put(&ft, i);
    assert_int_equal(ft.droppable, 50);
    assert_int_equal(log.calls, 25);
    /* no callback set: counting still works */
    ft.on_droppable = NULL;
    frame_get(&ft, 2);
    frame_put(&ft, 2);
    assert_int_equal(ft.droppable, 50);
    frames_destroy(&ft);
}

/* Regression (was a bug in include/vmsim/frames.h, frame_get()): the droppable count is
 * "cache frames with REF_DROPPABLE_OK and count 1" and follows refcount
 * changes, but frame_get only handles 1 -> 2. A flagged frame that rises
 * from 0 to 1 is not counted (frame_put_slow does handle 1 -> 0). The page
 * cache never does this today (pc_insert sets ref = 1 before flagging). */
static void test_droppable_from_zero(void **state)
{
    (void)state;
    struct frames ft;
    init(&ft, 2);
    uint32_t f = frame_alloc_lowest(&ft, FK_CACHE);
    frames_set_droppable(&ft, f, true); /* ref 0: not counted */
    assert_int_equal(ft.droppable, 0);
    frame_get(&ft, f); /* ref 1 with the flag: droppable */
    assert_int_equal(ft.droppable, 1);
    frames_destroy(&ft);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lowest_free_small),
        cmocka_unit_test(test_boundaries_1),
        cmocka_unit_test(test_boundaries_63),
        cmocka_unit_test(test_boundaries_64),
        cmocka_unit_test(test_boundaries_65),
        cmocka_unit_test(test_boundaries_4096),
        cmocka_unit_test(test_boundaries_4097),
        cmocka_unit_test(test_boundaries_262145),
        cmocka_unit_test(test_empty_pool),
        cmocka_unit_test(test_random_small),
        cmocka_unit_test(test_random_large),
        cmocka_unit_test(test_counts_per_kind),
        cmocka_unit_test(test_new_frame_is_clean),
        cmocka_unit_test(test_refcounts),
        cmocka_unit_test(test_zero_page),
        cmocka_unit_test(test_droppable_counting),
        cmocka_unit_test(test_droppable_many),
        cmocka_unit_test(test_droppable_from_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
