/* test_slab.c -- unit tests of the slab (sim/base/slab.c, include/vmsim/slab.h):
 * new objects are all 0, distinct and aligned to the size; an object given
 * back all 0 comes back all 0 (its chain word cleared); objects outlive a
 * chunk's end. */
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

#include "vmsim/slab.h"

static bool all_zero(const void *o, size_t n)
{
    const unsigned char *p = o;
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* big arrays: zeroed, writable to the last byte, small ones too */
static void test_big_arrays(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 4096, ((size_t)2 << 20) - 1, (size_t)2 << 20, ((size_t)5 << 20) + 3};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        unsigned char *p = slab_big_zalloc(sizes[k]);
        assert_non_null(p);
        assert_true(all_zero(p, sizes[k]));
        p[0] = 1;
        p[sizes[k] - 1] = 2;
        slab_big_free(p, sizes[k]);
    }
    slab_big_free(NULL, 0);
}

static void test_new_and_reused(void **state)
{
    (void)state;
    struct slab s;
    slab_init(&s, 4096 + 64);
    enum { N = 3000 }; /* more than one 4 MiB chunk */
    unsigned char **o = calloc(N, sizeof *o);
    assert_non_null(o);
    for (int i = 0; i < N; i++) {
        o[i] = slab_alloc(&s);
        assert_true(all_zero(o[i], s.size));
        memset(o[i], 0xa5, s.size); /* the caller's own */
        if (i)
            assert_true(o[i] != o[i - 1]);
    }
    assert_true(s.nchunks >= 2);
    for (int i = 0; i < N; i++)
        assert_int_equal(o[i][s.size - 1], 0xa5); /* nothing overlaps */
    /* back all 0 (but for the chain word), in any order; again all 0 */
    for (int i = 0; i < N; i += 2) {
        memset(o[i], 0, s.size);
        slab_free(&s, o[i]);
    }
    size_t chunks = s.nchunks;
    for (int i = 0; i < N; i += 2) {
        unsigned char *x = slab_alloc(&s);
        assert_true(all_zero(x, s.size));
    }
    assert_int_equal(s.nchunks, chunks); /* reused, not new */
    slab_destroy(&s);
    assert_int_equal(s.nchunks, 0);
    assert_int_equal(s.size, 4096 + 64); /* ready again */
    assert_true(all_zero(slab_alloc(&s), s.size));
    slab_destroy(&s);
    free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_and_reused),
        cmocka_unit_test(test_big_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
