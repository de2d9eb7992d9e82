/* test_pagecache.c -- unit tests of memory objects, the page cache, the
 * file store and the reclaim order (sim/pagecache.c,
 * include/vmsim/pagecache.h), on a frame pool of their own. */
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
#include "vmsim/pagecache.h"

/* ---- fixture ------------------------------------------------------------ */

struct fx {
    struct frames ft;
    struct pagecache pc;
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    assert_int_equal(frames_init(&x->ft, 64), 0);
    pagecache_init(&x->pc, &x->ft);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    pagecache_destroy(&x->pc);
    frames_destroy(&x->ft);
    free(x);
    return 0;
}

/* load: caches (obj, page) in a new frame, as a fault would */
static uint32_t load(struct fx *x, uint32_t obj, uint64_t page)
{
    assert_int_equal(pc_lookup(&x->pc, obj, page), FRAME_NONE);
    uint32_t f = frame_alloc_lowest(&x->ft, FK_CACHE);
    assert_int_not_equal(f, FRAME_NONE);
    pc_insert(&x->pc, obj, page, f);
    assert_int_equal(pc_lookup(&x->pc, obj, page), f);
    return f;
}

static uint32_t file(struct fx *x, const char *name) { return mobj_file(&x->pc, name, strlen(name)); }

/* ---- objects ------------------------------------------------------------ */

static void test_files_by_name(void **state)
{
    struct fx *x = *state;
    uint32_t a = file(x, "libc");
    uint32_t b = file(x, "ls");
    assert_int_not_equal(a, 0);
    assert_int_not_equal(b, 0);
    assert_int_not_equal(a, b);
    assert_int_equal(file(x, "libc"), a);
    assert_int_equal(file(x, "ls"), b);
    /* names are byte strings of a given length */
    assert_int_equal(mobj_file(&x->pc, "libcxyz", 4), a);
    assert_int_not_equal(file(x, "lib"), a);
    assert_int_not_equal(file(x, "LIBC"), a);

    struct mobj *o = mobj_get(&x->pc, a);
    assert_non_null(o);
    assert_int_equal(o->id, a);
    assert_false(o->shm);
    assert_string_equal(o->name, "libc");
    assert_int_equal(o->cached, 0);
    assert_null(mobj_get(&x->pc, 0));
    assert_null(mobj_get(&x->pc, 999));

    /* files are kept whatever VMAs do */
    mobj_ref(&x->pc, a);
    mobj_unref(&x->pc, a);
    mobj_unref(&x->pc, a);
    assert_non_null(mobj_get(&x->pc, a));
    assert_int_equal(file(x, "libc"), a);
}

static void test_shm_objects(void **state)
{
    struct fx *x = *state;
    uint32_t f = file(x, "data");
    uint32_t s1 = mobj_shm_new(&x->pc);
    uint32_t s2 = mobj_shm_new(&x->pc);
    assert_int_not_equal(s1, 0);
    assert_int_not_equal(s1, s2);
    assert_int_not_equal(s1, f);
    struct mobj *o = mobj_get(&x->pc, s1);
    assert_non_null(o);
    assert_true(o->shm);
    char want[32];
    snprintf(want, sizeof want, "shm#%u", (unsigned)s1);
    assert_string_equal(o->name, want);
    /* a shm object is not a file: its name does not find it */
    assert_int_not_equal(file(x, want), s1);
    assert_int_equal(o->vma_refs, 0);
    mobj_ref(&x->pc, s1);
    mobj_ref(&x->pc, s1);
    assert_int_equal(mobj_get(&x->pc, s1)->vma_refs, 2);
    mobj_unref(&x->pc, s1);
    assert_non_null(mobj_get(&x->pc, s1));
    mobj_unref(&x->pc, s1);
    assert_null(mobj_get(&x->pc, s1));
    assert_non_null(mobj_get(&x->pc, s2)); /* the others stay */
    mobj_ref(&x->pc, s2);
    mobj_unref(&x->pc, s2);
    assert_null(mobj_get(&x->pc, s2));
}

static void test_shm_pages_go_with_last_vma(void **state)
{
    struct fx *x = *state;
    uint32_t s = mobj_shm_new(&x->pc);
    mobj_ref(&x->pc, s);
    mobj_ref(&x->pc, s);
    uint32_t f0 = load(x, s, 0);
    uint32_t f1 = load(x, s, 9);
    assert_int_equal(x->ft.fr[f0].value, 0);
    x->ft.fr[f1].value = 77;
    assert_int_equal(mobj_get(&x->pc, s)->cached, 2);
    assert_int_equal(x->pc.npages, 2);
    assert_int_equal(x->pc.loads, 2);
    assert_int_equal(x->ft.droppable, 0); /* shm pages are never droppable */
    assert_false(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(x->pc.drops, 0);
    assert_int_equal(pc_value(&x->pc, s, 9), 77);

    mobj_unref(&x->pc, s);
    assert_int_equal(frame_kind(&x->ft, f0), FK_CACHE);
    assert_int_equal(x->pc.npages, 2);
    mobj_unref(&x->pc, s); /* the last VMA: pages dropped, frames freed */
    assert_int_equal(frame_kind(&x->ft, f0), FK_FREE);
    assert_int_equal(frame_kind(&x->ft, f1), FK_FREE);
    assert_int_equal(x->ft.used, 0);
    assert_int_equal(x->pc.npages, 0);
    assert_null(pc_page_of_frame(&x->pc, f0));
    assert_int_equal(x->pc.nstore, 0); /* shared memory keeps nothing */
    assert_int_equal(x->pc.drops, 0); /* not a reclaim */
}

/* ---- pages ----------------------------------------------------------------- */

static void test_insert_lookup(void **state)
{
    struct fx *x = *state;
    uint32_t a = file(x, "a"), b = file(x, "b");
    uint32_t f = load(x, a, 3);
    assert_int_equal(frame_refcount(&x->ft, f), 1); /* the cache's own */
    assert_int_equal(x->ft.fr[f].value, 0);
    assert_int_equal(x->pc.loads, 1);
    assert_int_equal(x->pc.npages, 1);
    assert_int_equal(mobj_get(&x->pc, a)->cached, 1);
    assert_int_equal(x->ft.droppable, 1);
    assert_int_equal(pc_lookup(&x->pc, a, 2), FRAME_NONE);
    assert_int_equal(pc_lookup(&x->pc, b, 3), FRAME_NONE);
    struct cache_page *cp = pc_page_of_frame(&x->pc, f);
    assert_non_null(cp);
    assert_int_equal(cp->frame, f);
    assert_int_equal(cp->key.obj, a);
    assert_int_equal(cp->key.page, 3);
    assert_null(pc_page_of_frame(&x->pc, f + 1));
    /* the same page of another file is another page */
    uint32_t g = load(x, b, 3);
    assert_int_not_equal(g, f);
    assert_int_equal(x->pc.npages, 2);
    assert_int_equal(x->ft.droppable, 2);
    /* huge page numbers are fine */
    uint32_t h = load(x, a, UINT64_C(1) << 40);
    assert_int_equal(pc_lookup(&x->pc, a, UINT64_C(1) << 40), h);
}

static void test_value(void **state)
{
    struct fx *x = *state;
    uint32_t a = file(x, "a");
    assert_int_equal(pc_value(&x->pc, a, 0), 0); /* never written */
    uint32_t f = load(x, a, 0);
    x->ft.fr[f].value = 0x1234;
    assert_int_equal(pc_value(&x->pc, a, 0), 0x1234);
    assert_int_equal(pc_value(&x->pc, a, 1), 0);
}

static void test_reclaim_order(void **state)
{
    struct fx *x = *state;
    uint32_t a = file(x, "a"), b = file(x, "b");
    uint32_t f0 = load(x, a, 0);
    uint32_t f1 = load(x, b, 5);
    uint32_t f2 = load(x, a, 1);
    uint32_t f3 = load(x, a, 2);
    uint32_t s = mobj_shm_new(&x->pc);
    mobj_ref(&x->pc, s);
    uint32_t fs = load(x, s, 0);
    x->ft.fr[f0].value = 10;
    x->ft.fr[f1].value = 11;
    x->ft.fr[f2].value = 12;
    assert_int_equal(x->ft.droppable, 4);

    /* f0 is mapped (refcount 2): it is skipped */
    frame_get(&x->ft, f0);
    assert_int_equal(x->ft.droppable, 3);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f1), FK_FREE);
    assert_int_equal(pc_lookup(&x->pc, b, 5), FRAME_NONE);
    assert_int_equal(x->pc.drops, 1);
    assert_int_equal(x->pc.npages, 4);
    assert_int_equal(x->ft.droppable, 2);
    /* the value went to the file */
    assert_int_equal(pc_value(&x->pc, b, 5), 11);
    assert_int_equal(x->pc.nstore, 1);

    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f2), FK_FREE);
    assert_int_equal(x->pc.nstore, 2);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f3), FK_FREE);
    assert_int_equal(x->pc.nstore, 2); /* a 0 value stores nothing */
    /* only the mapped page and the shm page are left */
    assert_false(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(x->pc.drops, 3);
    assert_int_equal(frame_kind(&x->ft, f0), FK_CACHE);
    assert_int_equal(frame_kind(&x->ft, fs), FK_CACHE);

    /* unmapped: it can go now */
    assert_int_equal(frame_put(&x->ft, f0), 1);
    assert_int_equal(x->ft.droppable, 1);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f0), FK_FREE);
    assert_int_equal(pc_value(&x->pc, a, 0), 10);
    assert_int_equal(x->ft.droppable, 0);
    assert_false(pc_reclaim_one(&x->pc, NULL));

    /* reloads read the file back, into the lowest free frame */
    uint32_t r = load(x, b, 5);
    assert_int_equal(r, 0);
    assert_int_equal(x->ft.fr[r].value, 11);
    r = load(x, a, 1);
    assert_int_equal(x->ft.fr[r].value, 12);
    assert_int_equal(x->pc.loads, 7);
    mobj_unref(&x->pc, s);
}

static void test_store_forgets_zero(void **state)
{
    struct fx *x = *state;
    uint32_t a = file(x, "a");
    uint32_t f = load(x, a, 4);
    x->ft.fr[f].value = 99;
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(x->pc.nstore, 1);
    f = load(x, a, 4);
    assert_int_equal(x->ft.fr[f].value, 99);
    x->ft.fr[f].value = 0; /* written back to 0 */
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(x->pc.nstore, 0);
    assert_int_equal(pc_value(&x->pc, a, 4), 0);
    f = load(x, a, 4);
    assert_int_equal(x->ft.fr[f].value, 0);
}

/* the order is by entry into the cache, not by when a page was last
 * unmapped */
static void test_reclaim_by_entry_order(void **state)
{
    struct fx *x = *state;
    uint32_t a = file(x, "a");
    uint32_t f0 = load(x, a, 0);
    uint32_t f1 = load(x, a, 1);
    uint32_t f2 = load(x, a, 2);
    frame_get(&x->ft, f2);
    frame_get(&x->ft, f0);
    frame_get(&x->ft, f1);
    assert_int_equal(x->ft.droppable, 0);
    frame_put(&x->ft, f2);
    frame_put(&x->ft, f1);
    frame_put(&x->ft, f0);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f0), FK_FREE);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f1), FK_FREE);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f2), FK_FREE);
    assert_false(pc_reclaim_one(&x->pc, NULL));
}

/* map/unmap cycles push a page into the heap many times: it is still
 * dropped once, in its place, and stale entries never drop a page that
 * took the frame later */
static void test_duplicate_heap_entries(void **state)
{
    struct fx *x = *state;
    uint32_t a = file(x, "a");
    uint32_t f0 = load(x, a, 0);
    uint32_t f1 = load(x, a, 1);
    for (int i = 0; i < 5; i++) {
        frame_get(&x->ft, f1);
        frame_get(&x->ft, f1); /* two mappers */
        frame_put(&x->ft, f1);
        frame_put(&x->ft, f1);
    }
    assert_int_equal(x->ft.droppable, 2);
    assert_true(x->pc.heap_n >= 7);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f0), FK_FREE);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f1), FK_FREE);
    assert_int_equal(x->pc.drops, 2);

    /* the frames are taken by new pages, mapped: the stale entries of f1
     * must not drop the new page in it */
    uint32_t g0 = load(x, a, 7);
    uint32_t g1 = load(x, a, 8);
    assert_int_equal(g0, f0);
    assert_int_equal(g1, f1);
    frame_get(&x->ft, g0);
    frame_get(&x->ft, g1);
    assert_false(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(x->pc.drops, 2);
    assert_int_equal(frame_kind(&x->ft, g1), FK_CACHE);
    assert_int_equal(pc_lookup(&x->pc, a, 8), g1);
    frame_put(&x->ft, g1);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(pc_lookup(&x->pc, a, 8), FRAME_NONE);
    assert_int_equal(pc_lookup(&x->pc, a, 7), g0);
    frame_put(&x->ft, g0);
}

/* many cycles: the heap is compacted, the order stays */
static void test_heap_compaction(void **state)
{
    struct fx *x = *state;
    uint32_t a = file(x, "a");
    uint32_t f0 = load(x, a, 0);
    uint32_t f1 = load(x, a, 1);
    uint32_t f2 = load(x, a, 2);
    frame_get(&x->ft, f0);
    for (int i = 0; i < 5000; i++) {
        frame_get(&x->ft, f1);
        frame_put(&x->ft, f1);
    }
    assert_true(x->pc.heap_n < 2 * x->pc.npages + 1024 + 2);
    frame_put(&x->ft, f0);
    assert_int_equal(x->ft.droppable, 3);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f0), FK_FREE);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f1), FK_FREE);
    assert_true(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(frame_kind(&x->ft, f2), FK_FREE);
    assert_false(pc_reclaim_one(&x->pc, NULL));
    assert_int_equal(x->ft.droppable, 0);
    /* the scratch marks were cleared */
    for (uint32_t f = 0; f < x->ft.n; f++)
        assert_int_equal(x->ft.fr[f].kind & FF_MARK, 0);
}

static void test_droppable_count(void **state)
{
    struct fx *x = *state;
    uint32_t a = file(x, "a");
    uint32_t s = mobj_shm_new(&x->pc);
    mobj_ref(&x->pc, s);
    uint32_t fa[8];
    for (int i = 0; i < 8; i++)
        fa[i] = load(x, a, (uint64_t)i);
    for (int i = 0; i < 3; i++)
        load(x, s, (uint64_t)i);
    assert_int_equal(x->ft.droppable, 8);
    for (int i = 0; i < 8; i += 2)
        frame_get(&x->ft, fa[i]);
    assert_int_equal(x->ft.droppable, 4);
    while (pc_reclaim_one(&x->pc, NULL))
        ;
    assert_int_equal(x->pc.drops, 4);
    assert_int_equal(x->ft.droppable, 0);
    assert_int_equal(x->pc.npages, 4 + 3);
    for (int i = 0; i < 8; i += 2)
        frame_put(&x->ft, fa[i]);
    assert_int_equal(x->ft.droppable, 4);
    mobj_unref(&x->pc, s);
    assert_int_equal(x->pc.npages, 4);
    assert_int_equal(x->ft.droppable, 4);
}

static void test_destroy_gives_frames_back(void **state)
{
    struct fx *x = *state;
    uint32_t a = file(x, "a");
    uint32_t s = mobj_shm_new(&x->pc);
    mobj_ref(&x->pc, s);
    load(x, a, 0);
    uint32_t f = load(x, a, 1);
    frame_get(&x->ft, f); /* still mapped when the machine goes */
    load(x, s, 0);
    x->ft.fr[f].value = 5;
    pc_reclaim_one(&x->pc, NULL);
    assert_int_equal(x->ft.used, 2);
    pagecache_destroy(&x->pc);
    assert_int_equal(x->ft.used, 0);
    assert_null(x->ft.on_droppable);
    pagecache_init(&x->pc, &x->ft); /* for the teardown */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shm_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shm_pages_go_with_last_vma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reclaim_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_forgets_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reclaim_by_entry_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_heap_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heap_compaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_droppable_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_gives_frames_back, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
