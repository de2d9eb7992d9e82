/* test_vma.c -- unit tests of the sorted VMA sets (sim/vma.c,
 * include/vmsim/vma.h). */
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

#include "vmsim/vma.h"

#define PG UINT64_C(0x1000)

/* ---- helpers ------------------------------------------------------------ */

static struct vma mk(uint64_t start, uint64_t end, unsigned prot, bool shared, uint32_t obj, uint64_t off)
{
    struct vma v;
    memset(&v, 0, sizeof v);
    v.start = start;
    v.end = end;
    v.prot = (uint8_t)prot;
    v.shared = shared;
    v.obj = obj;
    v.off = off;
    return v;
}

static void add(struct vma_set *s, uint64_t start, uint64_t end)
{
    struct vma v = mk(start, end, VMA_R | VMA_W, false, 0, 0);
    vma_insert(s, &v);
}

/* assert_sorted: VMAs in rising order, never overlapping, never empty */
static void assert_sorted(const struct vma_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].start >= s->v[i].end)
            fail_msg("VMA %zu is empty or reversed", i);
        if (i && s->v[i - 1].end > s->v[i].start)
            fail_msg("VMAs %zu and %zu overlap or are out of order", i - 1, i);
    }
}

/* the set [1p,3p) [5p,6p) [6p,9p) [20p,30p) */
static void four(struct vma_set *s)
{
    vma_set_init(s);
    add(s, 20 * PG, 30 * PG);
    add(s, 1 * PG, 3 * PG);
    add(s, 6 * PG, 9 * PG);
    add(s, 5 * PG, 6 * PG);
    assert_int_equal(s->n, 4);
    assert_sorted(s);
}

/* ---- tests -------------------------------------------------------------- */

static void test_init_empty(void **state)
{
    (void)state;
    struct vma_set s;
    memset(&s, 0x77, sizeof s);
    vma_set_init(&s);
    assert_int_equal(s.n, 0);
    assert_null(vma_find(&s, 0));
    assert_null(vma_find(&s, PG));
    assert_int_equal(vma_first_ending_after(&s, 0), 0);
    assert_int_equal(vma_split(&s, PG), SIZE_MAX);
    assert_false(vma_overlaps(&s, 0, UINT64_MAX));
    assert_false(vma_covers(&s, 0, PG));
    vma_set_destroy(&s);
    vma_set_destroy(&s); /* a destroyed set is empty and may be destroyed again */
}

/* removing nothing from a set that never held a VMA (s->v is NULL) must
 * not hand NULL to memmove: mmap and munmap in an empty address space do */
static void test_remove_nothing_from_empty(void **state)
{
    (void)state;
    struct vma_set s;
    vma_set_init(&s);
    vma_remove_at(&s, 0, 0);
    assert_int_equal(s.n, 0);
    vma_set_destroy(&s);
}

static void test_insert_find(void **state)
{
    (void)state;
    struct vma_set s;
    four(&s);
    assert_int_equal(s.v[0].start, 1 * PG);
    assert_int_equal(s.v[1].start, 5 * PG);
    assert_int_equal(s.v[2].start, 6 * PG);
    assert_int_equal(s.v[3].start, 20 * PG);

    assert_null(vma_find(&s, 0));
    assert_null(vma_find(&s, PG - 1));
    assert_ptr_equal(vma_find(&s, PG), &s.v[0]);
    assert_ptr_equal(vma_find(&s, 3 * PG - 1), &s.v[0]);
    assert_null(vma_find(&s, 3 * PG));
    assert_null(vma_find(&s, 4 * PG + 123));
    assert_ptr_equal(vma_find(&s, 5 * PG), &s.v[1]);
    assert_ptr_equal(vma_find(&s, 6 * PG - 1), &s.v[1]);
    assert_ptr_equal(vma_find(&s, 6 * PG), &s.v[2]); /* adjacent: the upper one */
    assert_ptr_equal(vma_find(&s, 29 * PG + 5), &s.v[3]);
    assert_null(vma_find(&s, 30 * PG));
    assert_null(vma_find(&s, UINT64_MAX));
    vma_set_destroy(&s);
}

static void test_first_ending_after(void **state)
{
    (void)state;
    struct vma_set s;
    four(&s);
    assert_int_equal(vma_first_ending_after(&s, 0), 0);
    assert_int_equal(vma_first_ending_after(&s, 3 * PG - 1), 0);
    assert_int_equal(vma_first_ending_after(&s, 3 * PG), 1);
    assert_int_equal(vma_first_ending_after(&s, 6 * PG), 2);
    assert_int_equal(vma_first_ending_after(&s, 10 * PG), 3);
    assert_int_equal(vma_first_ending_after(&s, 30 * PG), 4);
    vma_set_destroy(&s);
}

static void test_hint(void **state)
{
    (void)state;
    struct vma_set s;
    four(&s);
    assert_ptr_equal(vma_find(&s, 7 * PG), &s.v[2]);
    assert_int_equal(s.hint, 2);
    /* a run of accesses in the same VMA goes through the hint */
    assert_ptr_equal(vma_find(&s, 8 * PG), &s.v[2]);
    assert_int_equal(s.hint, 2);
    /* a miss leaves the hint alone; a hit elsewhere moves it */
    assert_null(vma_find(&s, 12 * PG));
    assert_ptr_equal(vma_find(&s, 2 * PG), &s.v[0]);
    assert_int_equal(s.hint, 0);

    /* a stale hint never gives a wrong answer: insert before the hinted
     * VMA (indices shift), split it, remove it */
    assert_ptr_equal(vma_find(&s, 25 * PG), &s.v[3]);
    add(&s, 10 * PG, 11 * PG);
    struct vma *v = vma_find(&s, 25 * PG);
    assert_non_null(v);
    assert_int_equal(v->start, 20 * PG);
    v = vma_find(&s, 10 * PG);
    assert_int_equal(v->start, 10 * PG);
    assert_int_equal(vma_split(&s, 11 * PG), SIZE_MAX); /* at the end: nothing */
    size_t hi = vma_split(&s, 25 * PG);
    assert_int_equal(hi, 5);
    assert_int_equal(vma_find(&s, 24 * PG)->end, 25 * PG);
    assert_int_equal(vma_find(&s, 26 * PG)->start, 25 * PG);
    vma_remove_at(&s, 0, 4);
    assert_null(vma_find(&s, 7 * PG));
    assert_null(vma_find(&s, 2 * PG));
    assert_int_equal(vma_find(&s, 24 * PG)->start, 20 * PG);
    /* a hint past the end is ignored */
    s.hint = 99;
    assert_int_equal(vma_find(&s, 27 * PG)->start, 25 * PG);
    s.hint = 1;
    vma_remove_at(&s, 1, 2);
    assert_null(vma_find(&s, 27 * PG));
    assert_int_equal(vma_find(&s, 21 * PG)->start, 20 * PG);
    vma_set_destroy(&s);
}

static void test_split(void **state)
{
    (void)state;
    struct vma_set s;
    vma_set_init(&s);
    struct vma v = mk(0x10 * PG, 0x20 * PG, VMA_R | VMA_X, true, 7, 3 * PG);
    vma_insert(&s, &v);
    /* no split at the edges, in a gap, or outside */
    assert_int_equal(vma_split(&s, 0x10 * PG), SIZE_MAX);
    assert_int_equal(vma_split(&s, 0x20 * PG), SIZE_MAX);
    assert_int_equal(vma_split(&s, 0x5 * PG), SIZE_MAX);
    assert_int_equal(vma_split(&s, 0x30 * PG), SIZE_MAX);
    assert_int_equal(s.n, 1);

    size_t i = vma_split(&s, 0x14 * PG);
    assert_int_equal(i, 1);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.v[0].start, 0x10 * PG);
    assert_int_equal(s.v[0].end, 0x14 * PG);
    assert_int_equal(s.v[0].off, 3 * PG);
    assert_int_equal(s.v[1].start, 0x14 * PG);
    assert_int_equal(s.v[1].end, 0x20 * PG);
    assert_int_equal(s.v[1].off, 3 * PG + 4 * PG); /* off follows the start */
    /* the backing, protection and sharing are copied */
    for (int k = 0; k < 2; k++) {
        assert_int_equal(s.v[k].obj, 7);
        assert_int_equal(s.v[k].prot, VMA_R | VMA_X);
        assert_true(s.v[k].shared);
    }
    /* split the upper piece again: offsets keep adding up */
    i = vma_split(&s, 0x1f * PG);
    assert_int_equal(i, 2);
    assert_int_equal(s.v[2].off, 3 * PG + 0xf * PG);
    assert_int_equal(s.v[1].end, 0x1f * PG);
    /* and the lower one */
    i = vma_split(&s, 0x11 * PG);
    assert_int_equal(i, 1);
    assert_int_equal(s.v[1].off, 4 * PG);
    assert_int_equal(s.n, 4);
    assert_sorted(&s);
    assert_true(vma_covers(&s, 0x10 * PG, 0x20 * PG));
    vma_set_destroy(&s);
}

static void test_split_anon_off(void **state)
{
    (void)state;
    struct vma_set s;
    vma_set_init(&s);
    add(&s, 0x100 * PG, 0x200 * PG);
    size_t i = vma_split(&s, 0x180 * PG);
    assert_int_equal(s.v[i].obj, 0);
    assert_false(s.v[i].shared);
    assert_int_equal(s.v[i].start, 0x180 * PG);
    vma_set_destroy(&s);
}

static void test_remove(void **state)
{
    (void)state;
    struct vma_set s;
    four(&s);
    vma_remove_at(&s, 1, 3); /* [5p,6p) and [6p,9p) */
    assert_int_equal(s.n, 2);
    assert_int_equal(s.v[0].start, 1 * PG);
    assert_int_equal(s.v[1].start, 20 * PG);
    assert_null(vma_find(&s, 7 * PG));
    vma_remove_at(&s, 2, 2); /* nothing */
    assert_int_equal(s.n, 2);
    vma_remove_at(&s, 0, 1);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.v[0].start, 20 * PG);
    vma_remove_at(&s, 0, 1);
    assert_int_equal(s.n, 0);
    /* the set is usable again */
    add(&s, 3 * PG, 4 * PG);
    assert_non_null(vma_find(&s, 3 * PG));
    vma_set_destroy(&s);
}

static void test_covers(void **state)
{
    (void)state;
    struct vma_set s;
    four(&s);
    assert_true(vma_covers(&s, 1 * PG, 3 * PG));
    assert_true(vma_covers(&s, 2 * PG, 3 * PG));
    assert_true(vma_covers(&s, 5 * PG, 9 * PG)); /* two adjacent VMAs */
    assert_true(vma_covers(&s, 5 * PG + 1, 8 * PG + 7));
    assert_false(vma_covers(&s, 1 * PG, 5 * PG)); /* a hole */
    assert_false(vma_covers(&s, 0, 2 * PG));
    assert_false(vma_covers(&s, 8 * PG, 10 * PG));
    assert_false(vma_covers(&s, 3 * PG, 5 * PG));
    assert_false(vma_covers(&s, 1 * PG, 30 * PG));
    assert_false(vma_covers(&s, 29 * PG, 31 * PG));
    assert_false(vma_covers(&s, 40 * PG, 41 * PG));
    assert_true(vma_covers(&s, 20 * PG, 30 * PG));
    vma_set_destroy(&s);
}

static void test_overlaps(void **state)
{
    (void)state;
    struct vma_set s;
    four(&s);
    assert_false(vma_overlaps(&s, 0, 1 * PG));
    assert_true(vma_overlaps(&s, 0, 1 * PG + 1));
    assert_false(vma_overlaps(&s, 3 * PG, 5 * PG));
    assert_true(vma_overlaps(&s, 3 * PG, 5 * PG + 1));
    assert_true(vma_overlaps(&s, 2 * PG, 2 * PG + 1));
    assert_false(vma_overlaps(&s, 9 * PG, 20 * PG));
    assert_true(vma_overlaps(&s, 0, UINT64_MAX));
    assert_false(vma_overlaps(&s, 30 * PG, UINT64_MAX));
    assert_true(vma_overlaps(&s, 29 * PG, UINT64_MAX));
    vma_set_destroy(&s);
}

static void test_copy(void **state)
{
    (void)state;
    struct vma_set s, d, e;
    four(&s);
    s.v[3].obj = 4;
    memset(&d, 0x55, sizeof d);
    vma_set_copy(&d, &s);
    assert_int_equal(d.n, 4);
    assert_ptr_not_equal(d.v, s.v);
    assert_memory_equal(d.v, s.v, 4 * sizeof *s.v);
    /* a deep copy: changes to one do not show in the other */
    d.v[0].prot = VMA_R;
    vma_split(&d, 25 * PG);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.v[0].prot, VMA_R | VMA_W);
    assert_int_equal(d.n, 5);
    add(&d, 40 * PG, 41 * PG); /* grows past its exact capacity */
    assert_int_equal(d.n, 6);
    assert_null(vma_find(&s, 40 * PG));
    assert_non_null(vma_find(&d, 40 * PG));
    /* an empty set copies to an empty set */
    struct vma_set empty;
    vma_set_init(&empty);
    memset(&e, 0x55, sizeof e);
    vma_set_copy(&e, &empty);
    assert_int_equal(e.n, 0);
    assert_null(vma_find(&e, 0));
    add(&e, PG, 2 * PG);
    assert_int_equal(e.n, 1);
    vma_set_destroy(&e);
    vma_set_destroy(&d);
    vma_set_destroy(&s);
}

static void test_many_random(void **state)
{
    (void)state;
    struct vma_set s;
    vma_set_init(&s);
    /* 2000 one-page VMAs at even pages, inserted in a scrambled order */
    const uint64_t n = 2000;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t i = (k * 7919) % n;
        add(&s, (2 * i + 1) * PG, (2 * i + 2) * PG);
    }
    assert_int_equal(s.n, n);
    assert_sorted(&s);
    for (uint64_t i = 0; i < n; i += 37) {
        assert_null(vma_find(&s, 2 * i * PG));
        struct vma *v = vma_find(&s, (2 * i + 1) * PG + 17);
        assert_non_null(v);
        assert_int_equal(v->start, (2 * i + 1) * PG);
    }
    assert_false(vma_covers(&s, PG, 4 * PG));
    assert_true(vma_overlaps(&s, 3 * PG, 4 * PG));
    vma_set_destroy(&s);
}

static void test_prot_str(void **state)
{
    (void)state;
    static const char *const want[8] = {"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx"};
    char buf[4];
    for (unsigned p = 0; p < 8; p++) {
        memset(buf, 'z', sizeof buf);
        assert_ptr_equal(vma_prot_str(p, buf), buf);
        assert_string_equal(buf, want[p]);
    }
}

static void test_private_writable(void **state)
{
    (void)state;
    struct vma v = mk(0, PG, VMA_R | VMA_W, false, 0, 0);
    assert_true(vma_private_writable(&v));
    v.shared = true;
    assert_false(vma_private_writable(&v));
    v.shared = false;
    v.prot = VMA_R | VMA_X;
    assert_false(vma_private_writable(&v));
    v.prot = VMA_W;
    v.obj = 3; /* a private file mapping with w is cow-capable too */
    assert_true(vma_private_writable(&v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_empty),
        cmocka_unit_test(test_insert_find),
        cmocka_unit_test(test_first_ending_after),
        cmocka_unit_test(test_hint),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_split_anon_off),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_covers),
        cmocka_unit_test(test_overlaps),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_many_random),
        cmocka_unit_test(test_prot_str),
        cmocka_unit_test(test_private_writable),
        cmocka_unit_test(test_remove_nothing_from_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
