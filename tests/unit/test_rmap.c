/* test_rmap.c -- unit tests of the reverse map (sim/model/rmap.c,
 * include/vmsim/rmap.h), kept by the page tables' write path on a frame
 * pool of its own. */
#include <inttypes.h>
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

struct fx {
    struct arch arch;
    struct frames ft;
    struct pt_store ps;
    struct rmap rm;
};

static uint32_t take(void *ctx, enum frame_kind kind)
{
    struct fx *x = ctx;
    return frame_alloc_lowest(&x->ft, kind);
}

static void no_limit(void *ctx) { (void)ctx; }

/* fx_init: an x86_64 store over nframes frames, with its reverse map */
static void fx_init(struct fx *x, uint32_t nframes)
{
    char err[128];
    assert_int_equal(arch_parse(&x->arch, "x86_64", err, sizeof err), 0);
    assert_int_equal(frames_init(&x->ft, nframes), 0);
    x->ps.arch = &x->arch;
    x->ps.ft = &x->ft;
    x->ps.take_frame = take;
    x->ps.on_limit = no_limit;
    x->ps.ctx = x;
    rmap_init(&x->rm, &x->ps);
}

static void fx_destroy(struct fx *x)
{
    rmap_destroy(&x->rm);
    pt_store_destroy(&x->ps);
    frames_destroy(&x->ft);
}

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    fx_init(x, 64);
    *state = x;
    return 0;
}

static void check_ok(struct fx *x)
{
    char err[200] = "";
    if (rmap_check(&x->rm, err, sizeof err))
        fail_msg("%s", err);
}

static int teardown(void **state)
{
    struct fx *x = *state;
    check_ok(x);
    fx_destroy(x);
    free(x);
    return 0;
}

#define PG UINT64_C(0x1000)
#define VA UINT64_C(0x400000)

static struct pt *leaf_at(struct fx *x, struct pagetable *p, uint64_t va)
{
    struct pt *l = pt_leaf_for_change(&x->ps, p, va);
    assert_non_null(l);
    return l;
}

static unsigned idx(struct fx *x, uint64_t va) { return pt_leaf_index(&x->ps, va); }

static uint32_t map_new(struct fx *x, struct pagetable *p, uint64_t va)
{
    uint32_t f = frame_alloc_lowest(&x->ft, FK_ANON);
    pte_fill(&x->ps, p, leaf_at(x, p, va), idx(x, va), f, PTE_W);
    return f;
}

/* the addresses of the entries that map f, in the map's order */
struct seen {
    struct fx *x;
    uint64_t va[8];
    const struct pagetable *owner[8];
    unsigned n;
};

static int note(void *ctx, const struct rmap_entry *e)
{
    struct seen *s = ctx;
    assert_true(s->n < 8);
    s->va[s->n] = pt_entry_va(&s->x->ps, e->leaf, e->i);
    s->owner[s->n] = e->leaf->owner;
    s->n++;
    return 0;
}

static struct seen entries_of(struct fx *x, uint32_t f)
{
    struct seen s = {.x = x};
    rmap_for_each(&x->rm, f, note, &s);
    assert_int_equal(rmap_entries(&x->rm, f), s.n);
    return s;
}

static void fork_all(struct fx *x, struct pagetable *parent, struct pagetable *child)
{
    struct pt *pl = pt_leaf(&x->ps, parent, VA);
    pt_fork_leaf(&x->ps, parent, child, pl, 0, 512, VA, true, true, NULL, NULL);
}

static void test_fill_clear(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    assert_int_equal(pagetable_init(&x->ps, &p, NULL), 0);
    uint32_t f = map_new(x, &p, VA);
    struct seen s = entries_of(x, f);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.va[0], VA);
    assert_ptr_equal(s.owner[0], &p);
    assert_int_equal(rmap_mappers(&x->rm, f), 1);
    /* the same frame mapped again by the same space: two entries, one mapper */
    frame_get(&x->ft, f); /* hold it while it moves */
    pte_fill(&x->ps, &p, leaf_at(x, &p, VA + PG), idx(x, VA + PG), f, 0);
    s = entries_of(x, f);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.va[0], VA + PG); /* a new mapping goes first */
    assert_int_equal(rmap_mappers(&x->rm, f), 1);
    check_ok(x);
    pte_clear(&x->ps, &p, leaf_at(x, &p, VA), idx(x, VA));
    s = entries_of(x, f);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.va[0], VA + PG);
    pt_drop_frame(&x->ps, f);
    pagetable_destroy(&x->ps, &p);
    assert_int_equal(rmap_entries(&x->rm, f), 0);
    assert_int_equal(x->ft.used, 0);
}

static void test_fork_order_and_replace(void **state)
{
    struct fx *x = *state;
    struct pagetable p, c1, c2;
    assert_int_equal(pagetable_init(&x->ps, &p, NULL), 0);
    assert_int_equal(pagetable_init(&x->ps, &c1, NULL), 0);
    assert_int_equal(pagetable_init(&x->ps, &c2, NULL), 0);
    uint32_t f = map_new(x, &p, VA);
    fork_all(x, &p, &c1);
    fork_all(x, &p, &c2);
    /* each child right after the parent: p, c2, c1 */
    struct seen s = entries_of(x, f);
    assert_int_equal(s.n, 3);
    assert_ptr_equal(s.owner[0], &p);
    assert_ptr_equal(s.owner[1], &c2);
    assert_ptr_equal(s.owner[2], &c1);
    assert_int_equal(rmap_mappers(&x->rm, f), 3);
    assert_int_equal(frame_refcount(&x->ft, f), 3);
    check_ok(x);
    /* a cow copy in c2: its entry leaves f's list for g's */
    uint32_t g = frame_alloc_lowest(&x->ft, FK_ANON);
    pte_replace(&x->ps, &c2, leaf_at(x, &c2, VA), idx(x, VA), g, PTE_W);
    s = entries_of(x, f);
    assert_int_equal(s.n, 2);
    assert_ptr_equal(s.owner[1], &c1);
    s = entries_of(x, g);
    assert_int_equal(s.n, 1);
    assert_ptr_equal(s.owner[0], &c2);
    assert_int_equal(rmap_mappers(&x->rm, f), 2); /* the memo follows the change */
    check_ok(x);
    pagetable_destroy(&x->ps, &c1);
    pagetable_destroy(&x->ps, &p);
    assert_int_equal(frame_kind(&x->ft, f), FK_FREE);
    assert_int_equal(rmap_entries(&x->rm, f), 0);
    pagetable_destroy(&x->ps, &c2);
    assert_int_equal(x->ft.used, 0);
}

static void test_shared_leaf(void **state)
{
    struct fx *x = *state;
    struct pagetable p, q, r;
    assert_int_equal(pagetable_init(&x->ps, &p, NULL), 0);
    assert_int_equal(pagetable_init(&x->ps, &q, NULL), 0);
    assert_int_equal(pagetable_init(&x->ps, &r, NULL), 0);
    uint32_t f = map_new(x, &p, VA);
    struct pt *leaf = pt_leaf(&x->ps, &p, VA);
    assert_int_equal(pt_share_leaf(&x->ps, &p, &q, leaf, 0, 512, VA, true), 0);
    /* one entry, two address spaces */
    assert_int_equal(rmap_entries(&x->rm, f), 1);
    assert_int_equal(rmap_mappers(&x->rm, f), 2);
    assert_int_equal(pt_share_leaf(&x->ps, &p, &r, leaf, 0, 512, VA, true), 0);
    assert_int_equal(rmap_mappers(&x->rm, f), 3); /* linking a leaf is a change too */
    double pss;
    uint64_t uss;
    struct pss_frac frac;
    rmap_sharing(&x->rm, &q, &pss, &uss, &frac);
    assert_true(pss > 0.333 && pss < 0.334);
    assert_true(frac.exact && frac.num == 1 && frac.den == 3); /* exactly a third */
    assert_int_equal(uss, 0);
    /* q's private copy: its entry goes right after the one it copies */
    struct pt *copy = pt_unshare_leaf(&x->ps, &q, VA);
    assert_non_null(copy);
    struct seen s = entries_of(x, f);
    assert_int_equal(s.n, 2);
    assert_ptr_equal(s.owner[1], &q);
    assert_int_equal(rmap_mappers(&x->rm, f), 3);
    check_ok(x);
    pagetable_destroy(&x->ps, &p);
    assert_int_equal(rmap_mappers(&x->rm, f), 2);
    pagetable_destroy(&x->ps, &r);
    pagetable_destroy(&x->ps, &q);
    assert_int_equal(x->ft.used, 0);
}

static void test_sharing_counts_a_frame_once(void **state)
{
    struct fx *x = *state;
    struct pagetable p, q;
    assert_int_equal(pagetable_init(&x->ps, &p, NULL), 0);
    assert_int_equal(pagetable_init(&x->ps, &q, NULL), 0);
    uint32_t f = map_new(x, &p, VA);
    uint32_t g = map_new(x, &p, VA + PG);
    frame_get(&x->ft, f);
    pte_fill(&x->ps, &p, leaf_at(x, &p, VA + 2 * PG), idx(x, VA + 2 * PG), f, 0); /* f twice in p */
    pt_drop_frame(&x->ps, f);
    fork_all(x, &p, &q);
    double pss;
    uint64_t uss;
    struct pss_frac frac;
    rmap_sharing(&x->rm, &p, &pss, &uss, &frac);
    assert_true(pss > 0.999 && pss < 1.001); /* f and g, each half */
    assert_true(frac.exact && frac.num == 2 && frac.den == 2);
    assert_int_equal(uss, 0);
    pte_clear(&x->ps, &q, leaf_at(x, &q, VA + PG), idx(x, VA + PG));
    rmap_sharing(&x->rm, &p, &pss, &uss, NULL);
    assert_true(pss > 1.499 && pss < 1.501);
    assert_int_equal(uss, 1);
    assert_int_equal(rmap_mappers(&x->rm, g), 1);
    pagetable_destroy(&x->ps, &q);
    pagetable_destroy(&x->ps, &p);
}

static void test_check_finds_a_broken_link(void **state)
{
    struct fx *x = *state;
    struct pagetable p;
    assert_int_equal(pagetable_init(&x->ps, &p, NULL), 0);
    uint32_t f = map_new(x, &p, VA);
    map_new(x, &p, VA + PG);
    frame_get(&x->ft, f);
    pte_fill(&x->ps, &p, leaf_at(x, &p, VA + 2 * PG), idx(x, VA + 2 * PG), f, 0); /* f twice: linked */
    pt_drop_frame(&x->ps, f);
    check_ok(x);
    char err[200];
    uint32_t saved = x->ft.fr[f].rmap;
    x->ft.fr[f].rmap = 0; /* the entries are no longer listed */
    assert_int_equal(rmap_check(&x->rm, err, sizeof err), -1);
    assert_non_null(strstr(err, "lists 0 entries, 2 map it"));
    x->ft.fr[f].rmap = saved;
    uint32_t *links = x->rm.leaves[pt_leaf(&x->ps, &p, VA)->aux_id].links;
    assert_non_null(links);
    links[2 * 2 + 0] = 7; /* the first entry (VA + 2 pages) links back to a wrong one */
    assert_int_equal(rmap_check(&x->rm, err, sizeof err), -1);
    assert_non_null(strstr(err, "links back"));
    links[2 * 2 + 0] = 0;
    links[2 * 3 + 1] = 5; /* an empty entry, linked */
    assert_int_equal(rmap_check(&x->rm, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty entry"));
    links[2 * 3 + 1] = 0;
    pagetable_destroy(&x->ps, &p);
}

/* links cost nothing until a frame has a second entry, and a fork's
 * nothing until the parent's entry changes: the child's entries are linked
 * late, right after the parent's, and one gets its links when its parent's
 * entry changes; a child's own change takes its entry out of the old list
 * without a link written */
static void test_links_made_when_needed(void **state)
{
    struct fx *x = *state;
    struct pagetable p, c;
    assert_int_equal(pagetable_init(&x->ps, &p, NULL), 0);
    assert_int_equal(pagetable_init(&x->ps, &c, NULL), 0);
    for (unsigned k = 0; k < 8; k++)
        map_new(x, &p, VA + k * PG);
    assert_null(x->rm.leaves[pt_leaf(&x->ps, &p, VA)->aux_id].links);
    assert_int_equal(x->rm.blocks, 0);
    const uint64_t rec = sizeof(struct rmap_leaf);
    assert_int_equal(rmap_bytes(&x->rm), x->rm.nleaves * rec); /* the leaves' records alone */
    fork_all(x, &p, &c); /* every frame now has two entries, none linked */
    assert_int_equal(x->rm.blocks, 0);
    assert_int_equal(x->rm.mirrors, 1);
    assert_int_equal(x->rm.lates, 1);
    assert_int_equal(rmap_bytes(&x->rm), x->rm.nleaves * rec + 512 / 8); /* and the mirror's bits */
    uint32_t f3 = pte_frame(pt_leaf(&x->ps, &p, VA)->e[3]);
    struct seen s = entries_of(x, f3);
    assert_int_equal(s.n, 2);
    assert_ptr_equal(s.owner[0], &p);
    assert_ptr_equal(s.owner[1], &c);
    check_ok(x);
    /* a cow copy in the child: its entry moves to the new frame, no link */
    uint32_t g = frame_alloc_lowest(&x->ft, FK_ANON);
    pte_replace(&x->ps, &c, leaf_at(x, &c, VA + 5 * PG), idx(x, VA + 5 * PG), g, PTE_W);
    assert_int_equal(x->rm.blocks, 0);
    assert_int_equal(x->rm.materialized, 0);
    assert_int_equal(entries_of(x, g).n, 1);
    check_ok(x);
    /* the parent's entry 3 goes: the child's gets its links first */
    pte_clear(&x->ps, &p, leaf_at(x, &p, VA + 3 * PG), idx(x, VA + 3 * PG));
    assert_int_equal(x->rm.materialized, 1);
    s = entries_of(x, f3);
    assert_int_equal(s.n, 1);
    assert_ptr_equal(s.owner[0], &c);
    assert_int_equal(x->rm.blocks, 2);
    assert_int_equal(rmap_bytes(&x->rm), x->rm.nleaves * rec + 512 / 8 + UINT64_C(2) * 512 * 8);
    check_ok(x);
    pagetable_destroy(&x->ps, &c);
    assert_int_equal(x->rm.lates, 0);
    assert_int_equal(rmap_bytes(&x->rm), x->rm.nleaves * rec + UINT64_C(512) * 8);
    assert_int_equal(x->rm.blocks, 1);
    check_ok(x);
    /* a child that goes before any change never costs a link */
    assert_int_equal(pagetable_init(&x->ps, &c, NULL), 0);
    fork_all(x, &p, &c);
    assert_int_equal(x->rm.mirrors, 2);
    pagetable_destroy(&x->ps, &c);
    assert_int_equal(x->rm.materialized, 1);
    check_ok(x);
    pagetable_destroy(&x->ps, &p);
    assert_int_equal(x->rm.blocks, 0);
    assert_int_equal(x->ft.used, 0);
}

/* ---- late links against links written at fork: the same lists ---------------- */

#define NSPACES 4
#define NPAGES 8 /* per leaf; two leaves per space */
#define LEAF2 UINT64_C(0x200000)

struct twin {
    struct fx fx;
    struct pagetable p[NSPACES];
    bool live[NSPACES];
};

static void twin_init(struct twin *t, bool at_fork)
{
    memset(t, 0, sizeof *t);
    fx_init(&t->fx, 512);
    t->fx.rm.link_at_fork = at_fork;
}

static void twin_free(struct twin *t)
{
    for (unsigned k = 0; k < NSPACES; k++)
        if (t->live[k])
            pagetable_destroy(&t->fx.ps, &t->p[k]);
    assert_int_equal(t->fx.ft.used, 0);
    fx_destroy(&t->fx);
}

static uint64_t page_va(unsigned pg) { return VA + (pg / NPAGES) * LEAF2 + (pg % NPAGES) * PG; }

static uint32_t copy_new(void *ctx, uint32_t f)
{
    struct fx *x = ctx;
    uint32_t g = frame_alloc_lowest(&x->ft, FK_ANON);
    if (g != FRAME_NONE)
        x->ft.fr[g].value = x->ft.fr[f].value;
    return g;
}

/* one step, drawn from r; the same r does the same to either twin */
static void twin_step(struct twin *t, uint64_t r)
{
    struct fx *x = &t->fx;
    unsigned s = (unsigned)(r >> 8) % NSPACES, pg = (unsigned)(r >> 16) % (2 * NPAGES), op = (unsigned)(r % 100);
    uint64_t va = page_va(pg);
    bool room = frames_free_count(&x->ft) > 40;
    if (!t->live[s]) { /* a fork into s, or a new space */
        unsigned from = (unsigned)(r >> 24) % NSPACES;
        assert_int_equal(pagetable_init(&x->ps, &t->p[s], NULL), 0);
        t->live[s] = true;
        if (!t->live[from] || from == s || op < 10)
            return;
        bool copy = op < 25 && room, split = op % 2;
        for (uint64_t base = VA; base <= VA + LEAF2; base += LEAF2) {
            struct pt *pl = pt_leaf(&x->ps, &t->p[from], base);
            if (!pl)
                continue;
            if (split) { /* two VMAs in one leaf: two ranges */
                pt_fork_leaf(&x->ps, &t->p[from], &t->p[s], pl, 0, 3, base, true, true, copy ? copy_new : NULL, x);
                pt_fork_leaf(&x->ps, &t->p[from], &t->p[s], pl, 3, 512, base, true, true, copy ? copy_new : NULL, x);
            } else {
                pt_fork_leaf(&x->ps, &t->p[from], &t->p[s], pl, 0, 512, base, true, true, copy ? copy_new : NULL, x);
            }
        }
        return;
    }
    struct pagetable *p = &t->p[s];
    struct pt *leaf = pt_leaf(&x->ps, p, va);
    unsigned i = idx(x, va);
    uint64_t e = leaf ? leaf->e[i] : 0;
    if (op < 30) { /* a new mapping: a new frame, or one another entry maps */
        if (e || !room)
            return;
        uint32_t f = frame_alloc_lowest(&x->ft, FK_ANON);
        if (op < 10) { /* some frame in use, if there is one */
            uint32_t g = (uint32_t)(r >> 32) % 512;
            if (frame_kind(&x->ft, g) == FK_ANON && frame_refcount(&x->ft, g)) {
                frame_free(&x->ft, f);
                f = g;
            }
        }
        pte_fill(&x->ps, p, leaf_at(x, p, va), i, f, PTE_W);
    } else if (op < 45) {
        if (e)
            pte_clear(&x->ps, p, leaf, i);
    } else if (op < 60) { /* a cow copy, or a swap-in */
        if (!e || !room)
            return;
        uint32_t g = frame_alloc_lowest(&x->ft, FK_ANON);
        if (e & PTE_P)
            pte_replace(&x->ps, p, leaf, i, g, PTE_W);
        else
            pte_swap_in(&x->ps, p, leaf, i, g, PTE_W);
    } else if (op < 72) { /* an eviction's: out to swap, or unmapped */
        if (!(e & PTE_P))
            return;
        uint32_t f = pte_frame(e);
        if (op < 66)
            pte_swap_out(&x->ps, leaf, i, 7);
        else
            pte_unmap(&x->ps, leaf, i);
        if (!frame_refcount(&x->ft, f))
            frame_free(&x->ft, f);
    } else if (op < 80) {
        pagetable_destroy(&x->ps, p);
        t->live[s] = false;
    }
}

/* the list of frame f as (space, address) pairs, in the map's order */
struct pairs {
    struct twin *t;
    uint64_t v[64];
    unsigned n;
};

static int add_pair(void *ctx, const struct rmap_entry *e)
{
    struct pairs *c = ctx;
    unsigned s = 0;
    while (s < NSPACES && e->leaf->owner != &c->t->p[s])
        s++;
    assert_true(s < NSPACES && c->n < 64);
    c->v[c->n++] = (uint64_t)s << 48 | pt_entry_va(&c->t->fx.ps, e->leaf, e->i);
    return 0;
}

static void same_lists(struct twin *a, struct twin *b, uint64_t step)
{
    for (uint32_t f = 0; f <= a->fx.ft.n; f++) {
        struct pairs la = {.t = a}, lb = {.t = b};
        rmap_for_each(&a->fx.rm, f, add_pair, &la);
        rmap_for_each(&b->fx.rm, f, add_pair, &lb);
        if (la.n != lb.n || memcmp(la.v, lb.v, la.n * sizeof la.v[0]))
            fail_msg("step %" PRIu64 ": frame %" PRIu32 " lists %u entries late, %u at fork, or another order", step, f,
                     la.n, lb.n);
        assert_int_equal(rmap_entries(&a->fx.rm, f), la.n);
        if (la.n)
            assert_int_equal(rmap_mappers(&a->fx.rm, f), rmap_mappers(&b->fx.rm, f));
    }
}

/* many random steps (maps, clears, cow copies, swap-outs and -ins, forks of
 * whole leaves or of two ranges, copy-mode forks, exits) on two machines,
 * one linking late and one at fork: every list the same after each step */
static void test_late_links_match_links_at_fork(void **state)
{
    (void)state;
    static struct twin late, now;
    uint64_t seed = 42, mirrors = 0, materialized = 0;
    for (unsigned round = 0; round < 40; round++) {
        twin_init(&late, false);
        twin_init(&now, true);
        for (unsigned step = 0; step < 400; step++) {
            uint64_t z = (seed += UINT64_C(0x9E3779B97F4A7C15));
            z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
            z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
            z ^= z >> 31;
            twin_step(&late, z);
            twin_step(&now, z);
            check_ok(&late.fx);
            same_lists(&late, &now, (uint64_t)round * 400 + step);
        }
        assert_int_equal(now.fx.rm.mirrors, 0);
        mirrors += late.fx.rm.mirrors;
        materialized += late.fx.rm.materialized;
        twin_free(&late);
        twin_free(&now);
    }
    /* the steps made mirrors, and changes linked some of their entries */
    assert_true(mirrors > 100);
    assert_true(materialized > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fill_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fork_order_and_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_leaf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sharing_counts_a_frame_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_finds_a_broken_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links_made_when_needed, setup, teardown),
        cmocka_unit_test(test_late_links_match_links_at_fork),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
