/* test_pagetable.c -- unit tests of the radix page tables (sim/pagetable.c,
 * include/vmsim/pagetable.h), on a frame pool of their own. */
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

#include "vmsim/arch.h"
#include "vmsim/frames.h"
#include "vmsim/pagetable.h"
#include "vmsim/rmap.h"

/* ---- fixture ------------------------------------------------------------ */

struct fx {
    struct arch arch;
    struct frames ft;
    struct pt_store m;
    struct rmap rm; /* kept by the write path's hook; checked at teardown */
    /* the take_frame hook */
    uint32_t takes;
    uint32_t take_budget; /* frames the hook may still hand out */
    /* the on_limit hook */
    uint32_t limits;
};

static uint32_t take_from_pool(void *ctx, enum frame_kind kind)
{
    struct fx *x = ctx;
    if (!x->take_budget)
        return FRAME_NONE;
    x->take_budget--;
    x->takes++;
    return frame_alloc_lowest(&x->ft, kind);
}

static void on_limit(void *ctx)
{
    struct fx *x = ctx;
    x->limits++;
}

static struct fx *fx_new(const char *arch, uint32_t frames, bool pt_frames)
{
    struct fx *x = calloc(1, sizeof *x);
    char err[128];
    assert_int_equal(arch_parse(&x->arch, arch, err, sizeof err), 0);
    assert_int_equal(frames_init(&x->ft, frames), 0);
    x->m.arch = &x->arch;
    x->m.ft = &x->ft;
    x->m.pt_frames = pt_frames;
    x->m.take_frame = take_from_pool;
    x->m.on_limit = on_limit;
    x->m.ctx = x;
    x->take_budget = UINT32_MAX;
    rmap_init(&x->rm, &x->m);
    return x;
}

static void fx_free(struct fx *x)
{
    char err[200] = "";
    if (rmap_check(&x->rm, err, sizeof err))
        fail_msg("%s", err);
    rmap_destroy(&x->rm);
    pt_store_destroy(&x->m);
    frames_destroy(&x->ft);
    free(x);
}

static int setup_x86(void **state)
{
    *state = fx_new("x86_64", 256, false);
    return 0;
}
static int setup_tiny(void **state)
{
    *state = fx_new("tiny", 64, false);
    return 0;
}
static int setup_x86_ptf(void **state)
{
    *state = fx_new("x86_64", 256, true);
    return 0;
}
static int teardown(void **state)
{
    fx_free(*state);
    return 0;
}

#define PG UINT64_C(0x1000)
#define LEAF_SPAN (UINT64_C(512) * PG) /* x86_64: one leaf maps 2 MiB */

static unsigned leaf_idx(const struct fx *x, uint64_t va) { return arch_index(&x->arch, va, x->arch.levels - 1); }

/* map: a new anon frame at va (with its reference), entry writable */
static uint32_t map_anon(struct fx *x, struct pagetable *p, uint64_t va)
{
    struct pt *leaf = pt_table_at(&x->m, p, va, x->arch.levels - 1, true);
    assert_non_null(leaf);
    uint32_t f = frame_alloc_lowest(&x->ft, FK_ANON);
    assert_int_not_equal(f, FRAME_NONE);
    pte_fill(&x->m, p, leaf, leaf_idx(x, va), f, PTE_W);
    return f;
}

/* map_frame: an entry for an existing frame f (taking a reference) */
static void map_frame(struct fx *x, struct pagetable *p, uint64_t va, uint32_t f, uint64_t bits)
{
    struct pt *leaf = pt_table_at(&x->m, p, va, x->arch.levels - 1, true);
    assert_non_null(leaf);
    pte_fill(&x->m, p, leaf, leaf_idx(x, va), f, bits);
}

static void unmap(struct fx *x, struct pagetable *p, uint64_t va)
{
    struct pt *leaf = pt_leaf(&x->m, p, va);
    assert_non_null(leaf);
    pte_clear(&x->m, p, leaf, leaf_idx(x, va));
    if (!leaf->used)
        pt_prune(&x->m, p, va);
}

/* ---- pte layout ------------------------------------------------------------ */

static void test_pte_layout(void **state)
{
    (void)state;
    uint64_t e = pte_make(0x12345, PTE_W | PTE_D);
    assert_int_equal(e, (UINT64_C(0x12345) << 32) | PTE_P | PTE_W | PTE_D);
    assert_int_equal(pte_frame(e), 0x12345);
    assert_int_equal(pte_make(0, 0), PTE_P); /* frame 0 is still present */
    assert_int_equal(pte_frame(pte_make(UINT32_MAX - 1, PTE_A)), UINT32_MAX - 1);
}

/* ---- init, table_at ------------------------------------------------------ */

static void test_init_root(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    memset(&p, 0x33, sizeof p);
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    assert_non_null(p.root);
    assert_int_equal(p.pages, 1);
    assert_int_equal(p.rss, 0);
    assert_int_equal(x->m.tables, 1);
    assert_int_equal(p.root->used, 0);
    assert_int_equal(p.root->share, 1);
    assert_int_equal(p.root->frame, FRAME_NONE);
    assert_int_equal(x->ft.used, 0); /* without --pt-frames: no frame */
    assert_int_equal(x->takes, 0);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->m.tables, 0);
    assert_null(p.root);
}

static void test_table_at(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    uint64_t va = UINT64_C(0x7f0012345000);
    assert_ptr_equal(pt_table_at(&x->m, &p, va, 0, false), p.root);
    assert_ptr_equal(pt_table_at(&x->m, &p, va, 0, true), p.root);
    for (unsigned l = 1; l < 4; l++)
        assert_null(pt_table_at(&x->m, &p, va, l, false));
    assert_null(pt_leaf(&x->m, &p, va));
    assert_int_equal(pt_lookup(&x->m, &p, va), 0);
    assert_int_equal(x->m.tables, 1);

    /* make down to level 2 only */
    struct pt *t2 = pt_table_at(&x->m, &p, va, 2, true);
    assert_non_null(t2);
    assert_int_equal(p.pages, 3);
    assert_int_equal(x->m.tables, 3);
    assert_int_equal(p.root->used, 1);
    assert_ptr_equal(pt_table_at(&x->m, &p, va, 2, false), t2);
    assert_null(pt_leaf(&x->m, &p, va));
    /* the leaf */
    struct pt *leaf = pt_table_at(&x->m, &p, va, 3, true);
    assert_non_null(leaf);
    assert_int_equal(p.pages, 4);
    assert_int_equal(x->m.tables, 4);
    assert_int_equal(t2->used, 1);
    assert_int_equal(leaf->used, 0);
    assert_int_equal(leaf->share, 1);
    assert_ptr_equal(pt_leaf(&x->m, &p, va), leaf);
    assert_ptr_equal(pt_leaf(&x->m, &p, va + PG * 3), leaf);
    /* made again: nothing new */
    assert_ptr_equal(pt_table_at(&x->m, &p, va, 3, true), leaf);
    assert_int_equal(p.pages, 4);
    /* the next leaf over shares the upper tables */
    uint64_t va2 = (va | (LEAF_SPAN - 1)) + 1;
    struct pt *leaf2 = pt_table_at(&x->m, &p, va2, 3, true);
    assert_ptr_not_equal(leaf2, leaf);
    assert_int_equal(p.pages, 5);
    assert_int_equal(t2->used, 2);
    /* empty tables made by table_at go with prune */
    pt_prune(&x->m, &p, va2);
    pt_prune(&x->m, &p, va);
    assert_int_equal(p.pages, 1);
    assert_int_equal(x->m.tables, 1);
    assert_int_equal(p.root->used, 0);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->m.tables, 0);
}

/* ---- set, clear, prune ------------------------------------------------------ */

static void test_set_clear_counts(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    uint64_t va = 0x400000;
    uint32_t f0 = map_anon(x, &p, va);
    struct pt *leaf = pt_leaf(&x->m, &p, va);
    assert_int_equal(leaf->used, 1);
    assert_int_equal(leaf->rss, 1);
    assert_int_equal(p.rss, 1);
    assert_int_equal(pt_lookup(&x->m, &p, va), pte_make(f0, PTE_W));
    assert_int_equal(pt_lookup(&x->m, &p, va + PG), 0);

    /* the zero page: in use, but not rss */
    map_frame(x, &p, va + PG, FRAMES_ZERO(&x->ft), 0);
    assert_int_equal(leaf->used, 2);
    assert_int_equal(leaf->rss, 1);
    assert_int_equal(p.rss, 1);
    assert_int_equal(x->ft.zero_refs, 1);

    /* a cache frame */
    uint32_t c = frame_alloc_lowest(&x->ft, FK_CACHE);
    frame_get(&x->ft, c); /* the cache's own */
    map_frame(x, &p, va + 2 * PG, c, 0);
    assert_int_equal(leaf->used, 3);
    assert_int_equal(p.rss, 2);

    /* replacing a present entry by another keeps used; zero -> anon adds rss */
    uint32_t g = frame_alloc_lowest(&x->ft, FK_ANON);
    pte_replace(&x->m, &p, leaf, leaf_idx(x, va + PG), g, PTE_W);
    assert_int_equal(leaf->used, 3);
    assert_int_equal(leaf->rss, 3);
    assert_int_equal(p.rss, 3);
    assert_int_equal(x->ft.zero_refs, 0);
    assert_int_equal(frame_refcount(&x->ft, g), 1);
    /* and anon -> zero takes it away, freeing the anon frame at 0 */
    pte_replace(&x->m, &p, leaf, leaf_idx(x, va + PG), FRAMES_ZERO(&x->ft), 0);
    assert_int_equal(frame_kind(&x->ft, g), FK_FREE);
    assert_int_equal(x->ft.zero_refs, 1);
    assert_int_equal(leaf->rss, 2);
    assert_int_equal(p.rss, 2);
    /* bits only: no count changes */
    pte_touch(leaf, leaf_idx(x, va), true);
    pte_set_writable(&x->m, &p, leaf, leaf_idx(x, va), false);
    assert_int_equal(pt_lookup(&x->m, &p, va), pte_make(f0, PTE_A | PTE_D));
    pte_set_writable(&x->m, &p, leaf, leaf_idx(x, va), true);
    assert_int_equal(pt_lookup(&x->m, &p, va), pte_make(f0, PTE_W | PTE_A | PTE_D));
    assert_int_equal(leaf->used, 3);
    assert_int_equal(p.rss, 2);

    /* clear: the anon frame at 0 is freed, the cache frame keeps the cache's reference */
    pte_clear(&x->m, &p, leaf, leaf_idx(x, va));
    assert_int_equal(frame_kind(&x->ft, f0), FK_FREE);
    assert_int_equal(leaf->used, 2);
    assert_int_equal(p.rss, 1);
    pte_clear(&x->m, &p, leaf, leaf_idx(x, va + 2 * PG));
    assert_int_equal(frame_kind(&x->ft, c), FK_CACHE);
    assert_int_equal(frame_refcount(&x->ft, c), 1);
    assert_int_equal(p.rss, 0);
    pte_clear(&x->m, &p, leaf, leaf_idx(x, va + PG));
    assert_int_equal(x->ft.zero_refs, 0);
    assert_int_equal(leaf->used, 0);
    /* clearing an empty entry is nothing */
    pte_clear(&x->m, &p, leaf, leaf_idx(x, va + 5 * PG));
    assert_int_equal(leaf->used, 0);
    assert_int_equal(p.rss, 0);
    pt_prune(&x->m, &p, va);
    assert_int_equal(p.pages, 1);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->ft.used, 1); /* the cache frame */
}

static void test_prune(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    uint64_t a = 0x400000, b = a + PG, c = a + LEAF_SPAN, d = UINT64_C(0x7ffffffff000);
    map_anon(x, &p, a);
    map_anon(x, &p, b);
    map_anon(x, &p, c);
    map_anon(x, &p, d);
    /* root, (a,b,c) share L1 and L2, two leaves; d has its own L1, L2, leaf */
    assert_int_equal(p.pages, 1 + 2 + 2 + 2 + 1);
    assert_int_equal(x->m.tables, 8);
    assert_int_equal(p.rss, 4);

    /* the leaf still holds b: nothing goes */
    unmap(x, &p, a);
    assert_int_equal(p.pages, 8);
    pt_prune(&x->m, &p, a); /* a prune with entries in use changes nothing */
    assert_int_equal(p.pages, 8);
    /* b was the last of its leaf: the leaf goes, its L2 stays for c */
    unmap(x, &p, b);
    assert_int_equal(p.pages, 7);
    assert_null(pt_leaf(&x->m, &p, a));
    assert_non_null(pt_table_at(&x->m, &p, a, 2, false));
    /* c: leaf, L2 and L1 go; the root stays */
    unmap(x, &p, c);
    assert_int_equal(p.pages, 4);
    assert_null(pt_table_at(&x->m, &p, a, 1, false));
    assert_int_equal(p.root->used, 1);
    unmap(x, &p, d);
    assert_int_equal(p.pages, 1);
    assert_int_equal(x->m.tables, 1);
    assert_int_equal(p.root->used, 0);
    assert_int_equal(p.rss, 0);
    assert_int_equal(x->ft.used, 0);
    /* prune of an empty page table keeps the root */
    pt_prune(&x->m, &p, a);
    assert_non_null(p.root);
    assert_int_equal(p.pages, 1);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->m.tables, 0);
}

static void test_tables_count_two_spaces(void **state)
{
    struct fx *x = *state;
    struct pagetable p, q;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    assert_int_equal(pagetable_init(&x->m, &q, NULL), 0);
    map_anon(x, &p, 0x1000);
    map_anon(x, &q, 0x1000);
    map_anon(x, &q, UINT64_C(0x7ffffffff000));
    assert_int_equal(p.pages, 4);
    assert_int_equal(q.pages, 7);
    assert_int_equal(x->m.tables, 11);
    pagetable_destroy(&x->m, &q);
    assert_int_equal(x->m.tables, 4);
    assert_int_equal(x->ft.used, 1);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->m.tables, 0);
    assert_int_equal(x->ft.used, 0);
}

static void test_tiny_two_levels(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    map_anon(x, &p, 0x100);
    map_anon(x, &p, 0x1f00);
    map_anon(x, &p, 0xff00);
    assert_int_equal(p.pages, 1 + 3); /* leaves for 0x0..., 0x1..., 0xf... */
    assert_int_equal(p.root->used, 3);
    assert_int_equal(pt_leaf(&x->m, &p, 0x100)->used, 1);
    unmap(x, &p, 0x1f00);
    assert_int_equal(p.pages, 3);
    assert_int_equal(p.root->used, 2);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->ft.used, 0);
    assert_int_equal(x->m.tables, 0);
}

/* ---- for_each_leaf -------------------------------------------------------- */

struct visit {
    struct pt *leaf;
    unsigned i0, i1;
    uint64_t base;
};
struct visits {
    struct visit v[16];
    unsigned n;
    unsigned stop_at; /* return 7 on this visit (1-based), 0: never */
};

static int record(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct visits *vs = ctx;
    assert_true(vs->n < 16);
    vs->v[vs->n++] = (struct visit){leaf, i0, i1, base};
    return vs->n == vs->stop_at ? 7 : 0;
}

static void test_for_each_leaf(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    const uint64_t L = LEAF_SPAN;
    uint64_t b0 = 0x40000000; /* leaf-aligned */
    map_anon(x, &p, b0 + 5 * PG);
    map_anon(x, &p, b0 + L + 7 * PG);
    /* no leaf for b0 + 2L */
    map_anon(x, &p, b0 + 3 * L);
    uint64_t top = x->arch.user_top - PG;
    map_anon(x, &p, top);
    struct visits vs = {.n = 0};

    /* a range inside one leaf */
    assert_int_equal(pt_for_each_leaf(&x->m, &p, b0 + 3 * PG, b0 + 10 * PG, record, &vs), 0);
    assert_int_equal(vs.n, 1);
    assert_ptr_equal(vs.v[0].leaf, pt_leaf(&x->m, &p, b0));
    assert_int_equal(vs.v[0].i0, 3);
    assert_int_equal(vs.v[0].i1, 10);
    assert_int_equal(vs.v[0].base, b0);

    /* partial leaves at both ends, a missing leaf skipped */
    vs.n = 0;
    assert_int_equal(pt_for_each_leaf(&x->m, &p, b0 + 3 * PG, b0 + 3 * L + 188 * PG, record, &vs), 0);
    assert_int_equal(vs.n, 3);
    assert_int_equal(vs.v[0].i0, 3);
    assert_int_equal(vs.v[0].i1, 512);
    assert_int_equal(vs.v[0].base, b0);
    assert_int_equal(vs.v[1].i0, 0);
    assert_int_equal(vs.v[1].i1, 512);
    assert_int_equal(vs.v[1].base, b0 + L);
    assert_int_equal(vs.v[2].i0, 0);
    assert_int_equal(vs.v[2].i1, 188);
    assert_int_equal(vs.v[2].base, b0 + 3 * L);

    /* an end that is not page-aligned covers its page */
    vs.n = 0;
    pt_for_each_leaf(&x->m, &p, b0 + L, b0 + L + 7 * PG + 1, record, &vs);
    assert_int_equal(vs.n, 1);
    assert_int_equal(vs.v[0].i1, 8);

    /* the whole user space, in rising order, up to the top page */
    vs.n = 0;
    assert_int_equal(pt_for_each_leaf(&x->m, &p, 0, x->arch.user_top, record, &vs), 0);
    assert_int_equal(vs.n, 4);
    assert_int_equal(vs.v[0].base, b0);
    assert_int_equal(vs.v[1].base, b0 + L);
    assert_int_equal(vs.v[2].base, b0 + 3 * L);
    assert_int_equal(vs.v[3].base, x->arch.user_top - L);
    assert_int_equal(vs.v[3].i0, 0);
    assert_int_equal(vs.v[3].i1, 512);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(vs.v[i].i0, 0);
        assert_int_equal(vs.v[i].i1, 512);
    }
    /* ranges past user_top, to the end of 64 bits */
    vs.n = 0;
    pt_for_each_leaf(&x->m, &p, top, UINT64_MAX, record, &vs);
    assert_int_equal(vs.n, 1);
    assert_int_equal(vs.v[0].i0, 511);
    assert_int_equal(vs.v[0].i1, 512);
    vs.n = 0;
    pt_for_each_leaf(&x->m, &p, 0, UINT64_MAX, record, &vs);
    assert_int_equal(vs.n, 4);
    /* nothing there; empty and reversed ranges */
    vs.n = 0;
    assert_int_equal(pt_for_each_leaf(&x->m, &p, b0 + 2 * L, b0 + 3 * L, record, &vs), 0);
    assert_int_equal(pt_for_each_leaf(&x->m, &p, 0, b0, record, &vs), 0);
    assert_int_equal(pt_for_each_leaf(&x->m, &p, b0, b0, record, &vs), 0);
    assert_int_equal(pt_for_each_leaf(&x->m, &p, b0 + PG, b0, record, &vs), 0);
    assert_int_equal(vs.n, 0);

    /* the callback's non-zero value stops the walk and is returned */
    vs.n = 0;
    vs.stop_at = 2;
    assert_int_equal(pt_for_each_leaf(&x->m, &p, 0, x->arch.user_top, record, &vs), 7);
    assert_int_equal(vs.n, 2);
    pagetable_destroy(&x->m, &p);
}

static void test_for_each_leaf_tiny(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    map_anon(x, &p, 0x0100);
    map_anon(x, &p, 0xff00);
    struct visits vs = {.n = 0};
    pt_for_each_leaf(&x->m, &p, 0x0200, 0x10000, record, &vs);
    assert_int_equal(vs.n, 2);
    assert_int_equal(vs.v[0].i0, 2);
    assert_int_equal(vs.v[0].i1, 16);
    assert_int_equal(vs.v[1].base, 0xf000);
    assert_int_equal(vs.v[1].i0, 0);
    assert_int_equal(vs.v[1].i1, 16);
    pagetable_destroy(&x->m, &p);
}

/* Regression (was a bug in sim/pagetable.c, walk()): entry indices are computed as
 * (unsigned)((start - base) >> shift), which is cut to 32 bits. With a
 * small root span and a range far above 2^va_bits, the cut index wraps:
 * on va=16,page=256,levels=1 the range [2^48, 2^48 + 4K) (which overlaps
 * no table) calls fn on the root with [0, 256); on va=20,page=16,levels=4
 * fn gets i0 = 4294967280. The project's own callers pass ranges below
 * user_top, so no trace reaches it; the contract ("leaves overlapping
 * [start, end)") does not hold for such ranges. */
static void test_for_each_leaf_far_range(void **state)
{
    (void)state;
    static const char *const archs[] = {"va=16,page=256,levels=1", "va=20,page=16,levels=4"};
    for (int k = 0; k < 2; k++) {
        struct fx *x = fx_new(archs[k], 16, false);
        struct pagetable p;
        assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
        map_anon(x, &p, 0x100);
        struct visits vs = {.n = 0};
        pt_for_each_leaf(&x->m, &p, UINT64_C(1) << 48, (UINT64_C(1) << 48) + 0x1000, record, &vs);
        for (unsigned i = 0; i < vs.n; i++)
            if (vs.v[i].i0 < vs.v[i].i1 || vs.v[i].i0 > (1u << x->arch.level_bits))
                fail_msg("%s: a leaf at 0x%llx visited with [%u, %u)", archs[k], (unsigned long long)vs.v[i].base,
                         vs.v[i].i0, vs.v[i].i1);
        pagetable_destroy(&x->m, &p);
        fx_free(x);
    }
}

/* ---- shared leaves ------------------------------------------------------------ */

static void test_link_unshare(void **state)
{
    struct fx *x = *state;
    struct pagetable p, q;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    uint64_t va = 0x400000;
    uint32_t f0 = map_anon(x, &p, va);
    uint32_t f1 = map_anon(x, &p, va + PG);
    map_frame(x, &p, va + 2 * PG, FRAMES_ZERO(&x->ft), 0);
    struct pt *leaf = pt_leaf(&x->m, &p, va);
    assert_int_equal(p.rss, 2);
    assert_int_equal(x->m.tables, 4);

    assert_int_equal(pagetable_init(&x->m, &q, NULL), 0);
    assert_int_equal(pt_share_leaf(&x->m, NULL, &q, leaf, 0, 0, va, false), 0);
    assert_int_equal(leaf->share, 2);
    assert_int_equal(q.pages, 4); /* root, two upper tables, the leaf */
    assert_int_equal(q.rss, 2);
    assert_int_equal(x->m.tables, 4 + 3); /* the leaf counts once */
    assert_ptr_equal(pt_leaf(&x->m, &q, va), leaf);
    assert_int_equal(pt_lookup(&x->m, &q, va + PG), pte_make(f1, PTE_W));
    /* linking shares: no refcount changes, nothing copied */
    assert_int_equal(frame_refcount(&x->ft, f0), 1);
    assert_int_equal(x->ft.zero_refs, 1);
    assert_int_equal(x->m.ptes_copied, 0);

    /* unshare q's view */
    struct pt *copy = pt_unshare_leaf(&x->m, &q, va + PG);
    assert_non_null(copy);
    assert_ptr_not_equal(copy, leaf);
    assert_ptr_equal(pt_leaf(&x->m, &q, va), copy);
    assert_ptr_equal(pt_leaf(&x->m, &p, va), leaf);
    assert_int_equal(copy->share, 1);
    assert_int_equal(leaf->share, 1);
    assert_int_equal(copy->used, 3);
    assert_int_equal(copy->rss, 2);
    assert_memory_equal(copy->e, leaf->e, 512 * sizeof leaf->e[0]);
    assert_int_equal(frame_refcount(&x->ft, f0), 2);
    assert_int_equal(frame_refcount(&x->ft, f1), 2);
    assert_int_equal(x->ft.zero_refs, 2);
    assert_int_equal(x->m.ptes_copied, 3);
    assert_int_equal(x->m.pt_unshared, 1);
    assert_int_equal(q.rss, 2);
    assert_int_equal(q.pages, 4);
    assert_int_equal(x->m.tables, 8);
    /* a leaf that is not shared is changed in place */
    assert_ptr_equal(pt_leaf_for_change(&x->m, &q, va), copy);
    assert_int_equal(x->m.pt_unshared, 1);

    pagetable_destroy(&x->m, &q);
    assert_int_equal(frame_refcount(&x->ft, f0), 1);
    assert_int_equal(x->ft.zero_refs, 1);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->ft.used, 0);
    assert_int_equal(x->ft.zero_refs, 0);
    assert_int_equal(x->m.tables, 0);
}

static void test_leaf_for_change(void **state)
{
    struct fx *x = *state;
    struct pagetable p, q;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    assert_int_equal(pagetable_init(&x->m, &q, NULL), 0);
    uint64_t va = 0x400000;
    map_anon(x, &p, va);
    struct pt *leaf = pt_leaf(&x->m, &p, va);
    assert_int_equal(pt_share_leaf(&x->m, NULL, &q, leaf, 0, 0, va, false), 0);
    /* p changes an entry: p gets the copy, q keeps the original */
    struct pt *mine = pt_leaf_for_change(&x->m, &p, va + PG);
    assert_ptr_not_equal(mine, leaf);
    assert_ptr_equal(pt_leaf(&x->m, &q, va), leaf);
    assert_int_equal(leaf->share, 1);
    assert_int_equal(x->m.pt_unshared, 1);
    /* no leaf at all: made top down */
    uint64_t far = UINT64_C(0x500000000000);
    struct pt *made = pt_leaf_for_change(&x->m, &p, far);
    assert_non_null(made);
    assert_int_equal(made->used, 0);
    assert_ptr_equal(pt_leaf(&x->m, &p, far), made);
    pt_prune(&x->m, &p, far);
    pagetable_destroy(&x->m, &p);
    pagetable_destroy(&x->m, &q);
    assert_int_equal(x->ft.used, 0);
    assert_int_equal(x->m.tables, 0);
}

static void test_destroy_shared_three_ways(void **state)
{
    struct fx *x = *state;
    struct pagetable p, q, r;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    assert_int_equal(pagetable_init(&x->m, &q, NULL), 0);
    assert_int_equal(pagetable_init(&x->m, &r, NULL), 0);
    uint64_t va = 0x400000;
    uint32_t f = map_anon(x, &p, va);
    uint32_t c = frame_alloc_lowest(&x->ft, FK_CACHE);
    frame_get(&x->ft, c);
    map_frame(x, &p, va + 8 * PG, c, 0);
    struct pt *leaf = pt_leaf(&x->m, &p, va);
    assert_int_equal(pt_share_leaf(&x->m, NULL, &q, leaf, 0, 0, va, false), 0);
    assert_int_equal(pt_share_leaf(&x->m, NULL, &r, leaf, 0, 0, va, false), 0);
    assert_int_equal(leaf->share, 3);
    assert_int_equal(x->m.tables, 4 + 3 + 3);
    /* the original owner goes first: the leaf stays for the others */
    pagetable_destroy(&x->m, &p);
    assert_int_equal(leaf->share, 2);
    assert_int_equal(frame_refcount(&x->ft, f), 1);
    assert_int_equal(frame_kind(&x->ft, f), FK_ANON);
    assert_int_equal(pt_lookup(&x->m, &q, va), pte_make(f, PTE_W));
    assert_int_equal(x->m.tables, 3 + 3 + 1); /* and the shared leaf */
    pagetable_destroy(&x->m, &r);
    assert_int_equal(leaf->share, 1);
    assert_int_equal(frame_kind(&x->ft, f), FK_ANON);
    /* the last one drops the entries */
    pagetable_destroy(&x->m, &q);
    assert_int_equal(frame_kind(&x->ft, f), FK_FREE);
    assert_int_equal(frame_refcount(&x->ft, c), 1);
    assert_int_equal(frame_kind(&x->ft, c), FK_CACHE);
    assert_int_equal(x->m.tables, 0);
}

static void test_drop_frame(void **state)
{
    struct fx *x = *state;
    uint32_t a = frame_alloc_lowest(&x->ft, FK_ANON);
    uint32_t c = frame_alloc_lowest(&x->ft, FK_CACHE);
    frame_get(&x->ft, a);
    frame_get(&x->ft, a);
    frame_get(&x->ft, c);
    frame_get(&x->ft, FRAMES_ZERO(&x->ft));
    pt_drop_frame(&x->m, a);
    assert_int_equal(frame_kind(&x->ft, a), FK_ANON);
    pt_drop_frame(&x->m, a);
    assert_int_equal(frame_kind(&x->ft, a), FK_FREE);
    pt_drop_frame(&x->m, c); /* a cache frame is never freed here */
    assert_int_equal(frame_kind(&x->ft, c), FK_CACHE);
    pt_drop_frame(&x->m, FRAMES_ZERO(&x->ft));
    assert_int_equal(x->ft.zero_refs, 0);
    assert_int_equal(x->ft.used, 1);
}

/* ---- --pt-frames ------------------------------------------------------------ */

static void test_pt_frames(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    assert_int_equal(p.root->frame, 0); /* the root first */
    assert_int_equal(frame_kind(&x->ft, 0), FK_PT);
    assert_int_equal(x->takes, 1);
    /* missing tables top down, then the page's frame */
    uint32_t f = map_anon(x, &p, 0x400000);
    assert_int_equal(pt_table_at(&x->m, &p, 0x400000, 1, false)->frame, 1);
    assert_int_equal(pt_table_at(&x->m, &p, 0x400000, 2, false)->frame, 2);
    assert_int_equal(pt_leaf(&x->m, &p, 0x400000)->frame, 3);
    assert_int_equal(f, 4);
    assert_int_equal(x->ft.count[FK_PT], 4);
    assert_int_equal(x->ft.used, 5);
    assert_int_equal(p.rss, 1); /* tables are not rss */
    /* pruning frees the tables' frames */
    unmap(x, &p, 0x400000);
    assert_int_equal(x->ft.count[FK_PT], 1);
    assert_int_equal(x->ft.used, 1);
    /* freed frames are taken again lowest first */
    map_anon(x, &p, 0x400000);
    assert_int_equal(pt_leaf(&x->m, &p, 0x400000)->frame, 3);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->ft.used, 0);
    assert_int_equal(x->ft.count[FK_PT], 0);
}

static void test_pt_frames_shared(void **state)
{
    struct fx *x = *state;
    struct pagetable p, q;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    map_anon(x, &p, 0x400000);
    assert_int_equal(pagetable_init(&x->m, &q, NULL), 0);
    struct pt *leaf = pt_leaf(&x->m, &p, 0x400000);
    assert_int_equal(pt_share_leaf(&x->m, NULL, &q, leaf, 0, 0, 0x400000, false), 0);
    assert_int_equal(x->ft.count[FK_PT], 4 + 3);
    struct pt *copy = pt_unshare_leaf(&x->m, &q, 0x400000);
    assert_non_null(copy);
    assert_int_not_equal(copy->frame, FRAME_NONE);
    assert_int_not_equal(copy->frame, leaf->frame);
    assert_int_equal(frame_kind(&x->ft, copy->frame), FK_PT);
    assert_int_equal(x->ft.count[FK_PT], 8);
    pagetable_destroy(&x->m, &q);
    assert_int_equal(x->ft.count[FK_PT], 4);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->ft.used, 0);
}

static void test_pt_frames_none_left(void **state)
{
    struct fx *x = *state;
    struct pagetable p, q;
    x->take_budget = 0;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), -1);
    assert_int_equal(x->m.tables, 0);
    assert_int_equal(x->ft.used, 0);

    x->take_budget = 3; /* the root and two tables */
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    assert_null(pt_table_at(&x->m, &p, 0x400000, 3, true));
    /* what was made stays, empty, until pruned */
    assert_int_equal(p.pages, 3);
    assert_int_equal(x->m.tables, 3);
    assert_non_null(pt_table_at(&x->m, &p, 0x400000, 2, false));
    assert_null(pt_leaf_for_change(&x->m, &p, 0x400000));
    pt_prune(&x->m, &p, 0x400000);
    assert_int_equal(p.pages, 1);
    assert_int_equal(x->ft.used, 1);

    /* an unshare that cannot have its frame changes nothing */
    x->take_budget = 3 + 3;
    map_anon(x, &p, 0x400000);
    assert_int_equal(pagetable_init(&x->m, &q, NULL), 0);
    assert_int_equal(pt_share_leaf(&x->m, NULL, &q, pt_leaf(&x->m, &p, 0x400000), 0, 0, 0x400000, false), 0);
    assert_int_equal(x->take_budget, 0);
    uint32_t used = x->ft.used;
    assert_null(pt_unshare_leaf(&x->m, &q, 0x400000));
    assert_int_equal(pt_leaf(&x->m, &p, 0x400000)->share, 2);
    assert_int_equal(x->m.pt_unshared, 0);
    assert_int_equal(x->m.ptes_copied, 0);
    assert_int_equal(x->ft.used, used);
    /* and a link that cannot make its upper tables fails */
    struct pagetable r;
    x->take_budget = 2;
    assert_int_equal(pagetable_init(&x->m, &r, NULL), 0);
    assert_int_equal(pt_share_leaf(&x->m, NULL, &r, pt_leaf(&x->m, &p, 0x400000), 0, 0, 0x400000, false), -1);
    assert_int_equal(pt_leaf(&x->m, &p, 0x400000)->share, 2);
    pt_prune(&x->m, &r, 0x400000);
    pagetable_destroy(&x->m, &r);
    pagetable_destroy(&x->m, &q);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->ft.used, 0);
    assert_int_equal(x->m.tables, 0);
}

/* ---- max_tables -------------------------------------------------------------- */

static void test_max_tables(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    x->m.max_tables = 3;
    assert_int_equal(pagetable_init(&x->m, &p, NULL), 0);
    assert_null(pt_table_at(&x->m, &p, 0x400000, 3, true));
    assert_int_equal(x->limits, 1);
    assert_int_equal(x->m.tables, 3);
    assert_int_equal(p.pages, 3);
    /* at the limit, no more tables: not even a root */
    struct pagetable q;
    assert_int_equal(pagetable_init(&x->m, &q, NULL), -1);
    assert_int_equal(x->limits, 2);
    pt_prune(&x->m, &p, 0x400000);
    assert_int_equal(x->m.tables, 1);
    x->m.max_tables = 4;
    assert_non_null(pt_table_at(&x->m, &p, 0x400000, 3, true));
    assert_int_equal(x->limits, 2);
    pt_prune(&x->m, &p, 0x400000);
    pagetable_destroy(&x->m, &p);
    assert_int_equal(x->m.tables, 0);
}

static void test_table_bytes(void **state)
{
    struct fx *x = *state;
    /* 512 entries of 8 bytes, and the reverse map's two 32-bit links each */
    assert_int_equal(pt_table_bytes(&x->arch), sizeof(struct pt) + (size_t)512 * 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pte_layout),
        cmocka_unit_test_setup_teardown(test_init_root, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_table_at, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_set_clear_counts, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_prune, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_tables_count_two_spaces, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_tiny_two_levels, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(test_for_each_leaf, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_for_each_leaf_tiny, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(test_link_unshare, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_leaf_for_change, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_shared_three_ways, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_drop_frame, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_pt_frames, setup_x86_ptf, teardown),
        cmocka_unit_test_setup_teardown(test_pt_frames_shared, setup_x86_ptf, teardown),
        cmocka_unit_test_setup_teardown(test_pt_frames_none_left, setup_x86_ptf, teardown),
        cmocka_unit_test_setup_teardown(test_max_tables, setup_x86, teardown),
        cmocka_unit_test_setup_teardown(test_table_bytes, setup_x86, teardown),
        cmocka_unit_test(test_for_each_leaf_far_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
