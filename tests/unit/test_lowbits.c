/* test_lowbits.c -- unit tests of the lowest-free set (sim/base/lowbits.c,
 * include/vmsim/lowbits.h), against a plain array searched from 0: every
 * take must hand out what the array's search finds, at every size around
 * the word and level boundaries, with puts in random order and in the
 * put-then-take pattern of a pool under pressure. */
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

#include "vmsim/lowbits.h"

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

/* the reference: the lowest index not in use, or LOWBITS_NONE */
static uint64_t model_lowest(const bool *used, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (!used[i])
            return i;
    return LOWBITS_NONE;
}

static void agree(const struct lowbits *b, const bool *used, uint64_t n)
{
    unsigned level;
    uint64_t bit;
    assert_int_equal(lowbits_check(b, &level, &bit), 0);
    bool all = true;
    for (uint64_t i = 0; i < n; i++) {
        assert_int_equal(lowbits_has(b, i), used[i]);
        all &= used[i];
    }
    assert_int_equal(lowbits_full(b), all);
}

/* one size: fill, then random puts and takes, then the pressure pattern */
static void run_size(uint64_t n)
{
    struct lowbits b;
    assert_int_equal(lowbits_init(&b, n), 0);
    bool *used = calloc(n ? n : 1, sizeof *used);
    assert_non_null(used);
    for (uint64_t i = 0; i < n; i++) { /* an empty set hands out 0, 1, 2 ... */
        assert_int_equal(lowbits_take(&b), i);
        used[i] = true;
    }
    assert_int_equal(lowbits_take(&b), LOWBITS_NONE);
    agree(&b, used, n);
    for (int round = 0; round < 2000 && n; round++) {
        uint64_t i = rnd() % n;
        if (used[i] && rnd() % 3) {
            lowbits_put(&b, i);
            used[i] = false;
        } else {
            uint64_t want = model_lowest(used, n);
            assert_int_equal(lowbits_peek(&b), want);
            assert_int_equal(lowbits_take(&b), want);
            if (want != LOWBITS_NONE)
                used[want] = true;
        }
        if (round % 97 == 0)
            agree(&b, used, n);
    }
    /* under pressure: full, then one put and one take, again and again; a
     * lower number freed in between must still come first */
    while (lowbits_take(&b) != LOWBITS_NONE)
        ;
    memset(used, 1, n);
    for (int round = 0; round < 500 && n; round++) {
        uint64_t i = rnd() % n, j = rnd() % n;
        if (used[i]) {
            lowbits_put(&b, i);
            used[i] = false;
        }
        if (round % 4 == 0 && used[j]) {
            lowbits_put(&b, j);
            used[j] = false;
        }
        uint64_t want = model_lowest(used, n);
        assert_int_equal(lowbits_peek(&b), want);
        assert_int_equal(lowbits_take(&b), want);
        used[want] = true;
    }
    agree(&b, used, n);
    free(used);
    lowbits_destroy(&b);
}

static void test_sizes(void **state)
{
    (void)state;
    static const uint64_t sizes[] = {0, 1, 2, 63, 64, 65, 127, 128, 4095, 4096, 4097, 262143, 262145};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        run_size(sizes[k]);
}

/* a large set costs nothing until used: 2^31 numbers start at once */
static void test_large_untouched(void **state)
{
    (void)state;
    struct lowbits b;
    assert_int_equal(lowbits_init(&b, UINT64_C(1) << 31), 0);
    assert_int_equal(lowbits_take(&b), 0);
    assert_int_equal(lowbits_take(&b), 1);
    lowbits_put(&b, 0);
    assert_int_equal(lowbits_take(&b), 0);
    assert_int_equal(lowbits_take(&b), 2);
    lowbits_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_large_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
