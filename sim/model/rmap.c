/* rmap.c -- the reverse map (see rmap.h). */
#include "vmsim/rmap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/util.h"

struct rmap_memo {
    uint64_t version; /* mappers is valid while the map's version is this + 1 */
    uint64_t seen;    /* the walk that last counted this frame */
    uint32_t mappers;
};

static inline uint32_t entry_num(const struct rmap *rm, const struct pt *leaf, unsigned i)
{
    return leaf->aux_id << rm->shift | i;
}

static inline struct pt *leaf_of(const struct rmap *rm, uint32_t num) { return rm->leaves[num >> rm->shift].leaf; }
static inline unsigned index_of(const struct rmap *rm, uint32_t num) { return num & ((1u << rm->shift) - 1); }

/* ---- links ------------------------------------------------------------------------- */

enum { PREV, NEXT };

/* block_new: room for one leaf's links, all 0 (from the slab) */
static uint32_t *block_new(struct rmap *rm)
{
    rm->blocks++;
    return slab_alloc(&rm->slab);
}

/* block_free: a leaf's links, all 0 again, back to the slab */
static void block_free(struct rmap *rm, uint32_t *b)
{
    rm->blocks--;
    slab_free(&rm->slab, b);
}

/* link_l: entry i's PREV or NEXT link in leaf record l (0 when the leaf
 * has no block) */
static inline uint32_t link_l(const struct rmap_leaf *l, unsigned i, int which)
{
    return l->links ? l->links[2 * (size_t)i + which] : 0;
}

/* set_link_l: the leaf gets its block when a link first is not 0 */
static inline void set_link_l(struct rmap *rm, struct rmap_leaf *l, unsigned i, int which, uint32_t v)
{
    if (!l->links) {
        if (!v)
            return;
        l->links = block_new(rm);
    }
    l->links[2 * (size_t)i + which] = v;
}

static inline uint32_t link(const struct rmap *rm, const struct pt *leaf, unsigned i, int which)
{
    return link_l(&rm->leaves[leaf->aux_id], i, which);
}

static inline void set_link(struct rmap *rm, const struct pt *leaf, unsigned i, int which, uint32_t v)
{
    set_link_l(rm, &rm->leaves[leaf->aux_id], i, which, v);
}

static inline void set_link_of(struct rmap *rm, uint32_t num, int which, uint32_t v)
{
    set_link_l(rm, &rm->leaves[num >> rm->shift], index_of(rm, num), which, v);
}

/* late_bit: is entry i's bit set in mirror l's bits? */
static inline bool late_bit(const struct rmap_leaf *l, unsigned i) { return l->late[i / 64] >> (i % 64) & 1; }

/* late: is entry i of leaf l (a mirror) linked late: mapped, and standing
 * right after its source's entry i without links of its own? */
static inline bool late(const struct rmap_leaf *l, unsigned i)
{
    return l->late && late_bit(l, i) && (l->leaf->e[i] & PTE_P);
}

/* next_of: the entry after entry number num in its frame's list, 0 at the
 * end. After an entry of a mirrored leaf comes the mirror's entry, if it is
 * late; after a late entry, what its source's links name. */
static inline uint32_t next_of(const struct rmap *rm, uint32_t num)
{
    const struct rmap_leaf *l = &rm->leaves[num >> rm->shift];
    unsigned i = index_of(rm, num);
    if (l->mirror && late(&rm->leaves[l->mirror], i))
        return l->mirror << rm->shift | i;
    if (l->src && late(l, i))
        return link_l(&rm->leaves[l->src], i, NEXT);
    return link_l(l, i, NEXT);
}

/* ---- one entry joins or leaves its frame's list ------------------------------------ */

/* link_first: entry i of leaf, in no list (so its links are 0: an entry
 * leaves a list with its links cleared, and a leaf's block starts all 0),
 * goes first in frame f's list */
static void link_first(struct rmap *rm, uint32_t f, struct pt *leaf, unsigned i)
{
    uint32_t n = entry_num(rm, leaf, i), next = rm->ft->fr[f].rmap;
    if (next) { /* a frame's first entry needs no link: its head says it all */
        set_link(rm, leaf, i, NEXT, next);
        set_link_of(rm, next, PREV, n);
    }
    rm->ft->fr[f].rmap = n;
}

static void unlink_entry(struct rmap *rm, uint32_t f, struct pt *leaf, unsigned i)
{
    uint32_t prev = link(rm, leaf, i, PREV), next = link(rm, leaf, i, NEXT);
    if (prev)
        set_link_of(rm, prev, NEXT, next);
    else
        rm->ft->fr[f].rmap = next;
    if (next)
        set_link_of(rm, next, PREV, prev);
    set_link(rm, leaf, i, PREV, 0); /* a freed leaf's links are all 0 */
    set_link(rm, leaf, i, NEXT, 0);
}

/* link_after: each present entry k in [i, end) of leaf goes right after
 * entry k of src (which maps the same frame), in one pass, both leaves'
 * blocks made first. */
static void link_after(struct rmap *rm, struct pt *leaf, struct pt *src, unsigned i, unsigned end)
{
    uint32_t cbase = leaf->aux_id << rm->shift, pbase = src->aux_id << rm->shift;
    uint32_t *cl = NULL, *pl = NULL;
    for (unsigned k = i; k < end; k++) {
        if (!(leaf->e[k] & PTE_P)) /* empty, or a swap entry: no frame */
            continue;
        if (!cl) {
            struct rmap_leaf *c = &rm->leaves[leaf->aux_id], *s = &rm->leaves[src->aux_id];
            cl = c->links ? c->links : (c->links = block_new(rm));
            pl = s->links ? s->links : (s->links = block_new(rm));
        }
        uint32_t next = pl[2 * (size_t)k + NEXT], n = cbase | k;
        cl[2 * (size_t)k + PREV] = pbase | k;
        cl[2 * (size_t)k + NEXT] = next;
        pl[2 * (size_t)k + NEXT] = n;
        if (next)
            set_link_of(rm, next, PREV, n);
    }
}

/* ---- mirrors: forked leaves linked late ------------------------------------------- */

/* link_one_after: entry k of leaf (present) goes right after entry k of
 * src, which maps the same frame */
static void link_one_after(struct rmap *rm, struct pt *leaf, struct pt *src, unsigned k)
{
    uint32_t n = leaf->aux_id << rm->shift | k, p = src->aux_id << rm->shift | k;
    uint32_t next = link(rm, src, k, NEXT);
    set_link(rm, leaf, k, PREV, p);
    set_link(rm, leaf, k, NEXT, next);
    set_link(rm, src, k, NEXT, n);
    if (next)
        set_link_of(rm, next, PREV, n);
}

/* mirror_start: leaf number cid mirrors sid, no entry late yet (mark_late) */
static void mirror_start(struct rmap *rm, uint32_t cid, uint32_t sid)
{
    struct rmap_leaf *c = &rm->leaves[cid];
    c->src = sid;
    c->late = slab_alloc(&rm->late_slab); /* all 0 */
    rm->lates++;
    rm->leaves[sid].mirror = cid;
    rm->mirrors++;
}

/* late_free: a mirror's bits, all 0 again, back to their slab */
static void late_free(struct rmap *rm, struct rmap_leaf *c)
{
    memset(c->late, 0, (((size_t)1 << rm->shift) + 63) / 64 * 8);
    slab_free(&rm->late_slab, c->late);
    c->late = NULL;
    rm->lates--;
}

/* mark_late: the bits of entries [i, end), whole words at a time */
static void mark_late(struct rmap_leaf *c, unsigned i, unsigned end)
{
    for (; i < end && i % 64; i++)
        c->late[i / 64] |= UINT64_C(1) << (i % 64);
    for (; i + 64 <= end; i += 64)
        c->late[i / 64] = ~UINT64_C(0);
    for (; i < end; i++)
        c->late[i / 64] |= UINT64_C(1) << (i % 64);
}

/* mirror_end: leaf number cid mirrors no more; its late entries get their
 * links first */
static void mirror_end(struct rmap *rm, uint32_t cid)
{
    struct rmap_leaf *c = &rm->leaves[cid], *s = &rm->leaves[c->src];
    unsigned words = ((1u << rm->shift) + 63) / 64;
    for (unsigned w = 0; w < words; w++)
        for (uint64_t b = c->late[w]; b; b &= b - 1) {
            unsigned k = w * 64 + (unsigned)__builtin_ctzll(b);
            if (late(c, k)) {
                link_one_after(rm, c->leaf, s->leaf, k);
                rm->materialized++;
            }
        }
    late_free(rm, c);
    c->src = 0;
    s->mirror = 0;
}

/* unlate: entry i of mirror c is linked late no more (it changes, or its
 * source's entry does); with_links: it gets its links (it still maps its
 * source's frame), else it was in no list by links */
static void unlate(struct rmap *rm, struct rmap_leaf *c, unsigned i, bool with_links)
{
    if (with_links && late(c, i)) {
        link_one_after(rm, c->leaf, rm->leaves[c->src].leaf, i);
        rm->materialized++;
    }
    c->late[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

/* settle_entry: entry i of leaf changes (the table already says how): a
 * late entry of a mirror leaves the mirror, and a source's entry first
 * gives its mirror's late entry i its links. True when the entry was late
 * before the change (it was in its old frame's list without links). */
static bool settle_entry(struct rmap *rm, struct pt *leaf, unsigned i, uint64_t old)
{
    struct rmap_leaf *l = &rm->leaves[leaf->aux_id];
    if (l->mirror)
        unlate(rm, &rm->leaves[l->mirror], i, true);
    if (!l->src)
        return false;
    bool was = (old & PTE_P) && late_bit(l, i);
    unlate(rm, l, i, false);
    return was;
}

/* settle_leaf: the whole leaf is about to change (it is copied, forked
 * from, or goes): its mirror relation, either way, ends */
static void settle_leaf(struct rmap *rm, struct pt *leaf)
{
    struct rmap_leaf *l = &rm->leaves[leaf->aux_id];
    if (l->src)
        mirror_end(rm, leaf->aux_id);
    if (l->mirror)
        mirror_end(rm, l->mirror);
}

/* fork_range: entries [i, end) of leaf were copied from the same entries of
 * src (a fork, or a leaf's private copy): each one that maps the frame its
 * source maps goes right after it; a new frame (a copy-mode fork) gets a
 * list of its own. With may_mirror, a fork of the same frames into a leaf
 * that was empty (or that mirrors src already: a second range of the same
 * leaf) makes it a mirror of src instead (see rmap.h). */
static void fork_range(struct rmap *rm, struct pt *leaf, struct pt *src, unsigned i, unsigned end, bool same,
                       bool may_mirror, bool was_empty)
{
    struct rmap_leaf *c = &rm->leaves[leaf->aux_id];
    if (may_mirror && same && c->src == src->aux_id) { /* more of the same mirror */
        mark_late(c, i, end);
        return;
    }
    settle_leaf(rm, src);
    settle_leaf(rm, leaf);
    if (may_mirror && same && was_empty && !c->links) {
        mirror_start(rm, leaf->aux_id, src->aux_id);
        mark_late(c, i, end);
        return;
    }
    if (same && leaf->used > leaf->swaps) { /* each present entry after its source, in one pass */
        link_after(rm, leaf, src, i, end);
        return;
    }
    for (unsigned k = i; k < end; k++) {
        uint64_t e = leaf->e[k], s = src->e[k];
        if (!(e & PTE_P)) /* empty, or a swap entry: no frame */
            continue;
        if (!(s & PTE_P) || pte_frame(s) != pte_frame(e))
            link_first(rm, pte_frame(e), leaf, k);
        else
            link_one_after(rm, leaf, src, k);
    }
}

/* ---- leaf numbers ------------------------------------------------------------------- */

static void leaf_made(struct rmap *rm, struct pt *leaf)
{
    uint32_t num;
    if (rm->nfree) {
        num = rm->free_nums[--rm->nfree];
    } else {
        VM_ASSERT(rm->nleaves < rm->max_leaves); /* the store's table limit keeps below */
        num = rm->nleaves++;
        if (num >= rm->capleaves) {
            rm->capleaves = rm->capleaves ? 2 * rm->capleaves : 256;
            rm->leaves = vm_xrealloc(rm->leaves, rm->capleaves * sizeof *rm->leaves);
        }
    }
    rm->leaves[num] = (struct rmap_leaf){.leaf = leaf};
    leaf->aux_id = num;
}

static void leaf_gone(struct rmap *rm, struct pt *leaf)
{
    struct rmap_leaf *l = &rm->leaves[leaf->aux_id];
    if (l->mirror)
        mirror_end(rm, l->mirror);
    unsigned n = 1u << rm->shift;
    for (unsigned i = 0; i < n; i++)
        if ((leaf->e[i] & PTE_P) && !late(l, i)) /* a late entry was never linked */
            unlink_entry(rm, pte_frame(leaf->e[i]), leaf, i);
    if (l->src) {
        late_free(rm, l);
        rm->leaves[l->src].mirror = 0;
    }
    if (l->links)
        block_free(rm, l->links);
    *l = (struct rmap_leaf){0};
    if (rm->nfree == rm->capfree) {
        rm->capfree = rm->capfree ? 2 * rm->capfree : 256;
        rm->free_nums = vm_xrealloc(rm->free_nums, rm->capfree * sizeof *rm->free_nums);
    }
    rm->free_nums[rm->nfree++] = leaf->aux_id;
    leaf->aux_id = 0;
}

/* ---- the hook ------------------------------------------------------------------------ */

static void on_change(void *ctx, const struct pt_change *c)
{
    struct rmap *rm = ctx;
    struct pt *leaf = c->leaf;
    rm->version++;
    switch (c->kind) {
    case PTC_LEAF_MADE:
        leaf_made(rm, leaf);
        break;
    case PTC_LEAF_GONE:
        leaf_gone(rm, leaf);
        break;
    case PTC_FILL:
    case PTC_SWAP_IN: /* the entry was empty or a swap entry: in no list */
        settle_entry(rm, leaf, c->i, c->old);
        link_first(rm, pte_frame(c->new), leaf, c->i);
        break;
    case PTC_CLEAR:
    case PTC_SWAP_OUT:
    case PTC_REPLACE: {
        bool was_late = settle_entry(rm, leaf, c->i, c->old);
        if ((c->old & PTE_P) && !was_late)
            unlink_entry(rm, pte_frame(c->old), leaf, c->i);
        if (c->kind == PTC_REPLACE)
            link_first(rm, pte_frame(c->new), leaf, c->i);
        break;
    }
    case PTC_FORK:
        fork_range(rm, leaf, c->src, c->i, c->end, c->same_frames, !rm->link_at_fork, c->was_empty);
        break;
    case PTC_UNSHARE:
        fork_range(rm, leaf, c->src, c->i, c->end, c->same_frames, false, false);
        break;
    case PTC_PROTECT:
    case PTC_DROP:
    case PTC_LEAF_SHARED: /* owners changed: the version above is all it takes */
    case PTC_LEAF_LEFT:
        break;
    }
}

/* ---- life ------------------------------------------------------------------------------ */

void rmap_init(struct rmap *rm, struct pt_store *ps)
{
    *rm = (struct rmap){.ps = ps, .ft = ps->ft, .shift = ps->arch->level_bits};
    slab_init(&rm->slab, (size_t)8 << rm->shift);
    slab_init(&rm->late_slab, (((size_t)1 << rm->shift) + 63) / 64 * 8);
    rm->nleaves = 1; /* number 0 is no leaf */
    /* entry numbers fit in 32 bits, and the entries of all leaves stay
     * below 2^30, so that no frame's count reaches REF_COUNT (frames.h) */
    rm->max_leaves = (uint32_t)((UINT32_MAX >> 2) >> rm->shift);
    pt_hook_add(ps, on_change, rm);
}

void rmap_destroy(struct rmap *rm)
{
    slab_destroy(&rm->slab);
    slab_destroy(&rm->late_slab);
    free(rm->leaves);
    free(rm->free_nums);
    free(rm->memo);
    *rm = (struct rmap){0};
}

/* ---- questions ---------------------------------------------------------------------------- */

int rmap_for_each(const struct rmap *rm, uint32_t f, rmap_fn fn, void *ctx)
{
    for (uint32_t n = rm->ft->fr[f].rmap; n;) {
        struct rmap_entry e = {leaf_of(rm, n), index_of(rm, n)};
        uint32_t next = next_of(rm, n);
        int r = fn(ctx, &e);
        if (r)
            return r;
        n = next;
    }
    return 0;
}

bool rmap_accessed(const struct rmap *rm, uint32_t f, bool clear)
{
    bool found = false;
    for (uint32_t n = rm->ft->fr[f].rmap; n; n = next_of(rm, n)) {
        struct pt *leaf = leaf_of(rm, n);
        unsigned i = index_of(rm, n);
        if (leaf->e[i] & PTE_A) {
            found = true;
            if (!clear)
                break;
            pte_clear_accessed(leaf, i);
        }
    }
    return found;
}

bool rmap_first(const struct rmap *rm, uint32_t f, struct rmap_entry *e)
{
    uint32_t n = rm->ft->fr[f].rmap;
    if (!n)
        return false;
    e->leaf = leaf_of(rm, n);
    e->i = index_of(rm, n);
    return true;
}

uint64_t rmap_entries(const struct rmap *rm, uint32_t f)
{
    uint64_t count = 0;
    for (uint32_t n = rm->ft->fr[f].rmap; n; n = next_of(rm, n))
        count++;
    return count;
}

static uint32_t count_mappers(struct rmap *rm, uint32_t f)
{
    uint64_t walk = ++rm->walk;
    uint32_t mappers = 0;
    for (uint32_t n = rm->ft->fr[f].rmap; n; n = next_of(rm, n)) {
        struct pt *leaf = leaf_of(rm, n);
        for (uint32_t k = 0; k < leaf->share; k++) {
            struct pagetable *p = pt_leaf_owner(leaf, k);
            if (p->mark != walk) {
                p->mark = walk;
                mappers++;
            }
        }
    }
    return mappers;
}

static struct rmap_memo *memo_of(struct rmap *rm, uint32_t f)
{
    if (!rm->memo)
        rm->memo = vm_xcalloc((size_t)rm->ft->n + 1, sizeof *rm->memo);
    return &rm->memo[f];
}

uint32_t rmap_mappers(struct rmap *rm, uint32_t f)
{
    struct rmap_memo *m = memo_of(rm, f);
    if (m->version != rm->version + 1) {
        m->mappers = count_mappers(rm, f);
        m->version = rm->version + 1;
    }
    return m->mappers;
}

struct sharing {
    struct rmap *rm;
    uint64_t walk;
    double pss;
    uint64_t uss;
    struct pss_frac frac;
};

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* frac_add_inverse: f += 1/m, its denominator the least common multiple
 * of the mappers counts seen; exact goes false when it outgrows 64 bits */
static void frac_add_inverse(struct pss_frac *f, uint64_t m)
{
    if (!f->exact || m == 0) /* a mapped frame has a mapper */
        return;
    if (f->den % m) { /* a new factor: every part so far times it */
        uint64_t mul = m / gcd64(f->den, m), den;
        if (__builtin_mul_overflow(f->den, mul, &den) || den > PSS_FRAC_MAX_DEN ||
            __builtin_mul_overflow(f->num, mul, &f->num)) {
            f->exact = false;
            return;
        }
        f->den = den;
    }
    if (__builtin_add_overflow(f->num, f->den / m, &f->num))
        f->exact = false;
}

static int sum_sharing(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct sharing *s = ctx;
    struct rmap *rm = s->rm;
    (void)base;
    for (unsigned k = i0; k < i1; k++) {
        uint64_t e = leaf->e[k];
        if (!(e & PTE_P))
            continue;
        uint32_t f = pte_frame(e);
        if (f == rm->ft->n)
            continue;
        struct rmap_memo *m = memo_of(rm, f);
        if (m->seen == s->walk) /* mapped twice by this page table: counts once */
            continue;
        m->seen = s->walk;
        uint32_t mappers = rmap_mappers(rm, f);
        s->pss += 1.0 / mappers;
        frac_add_inverse(&s->frac, mappers);
        if (mappers == 1)
            s->uss++;
    }
    return 0;
}

void rmap_sharing(struct rmap *rm, const struct pagetable *p, double *pss, uint64_t *uss, struct pss_frac *frac)
{
    struct sharing s = {.rm = rm, .walk = ++rm->walk, .frac = {.num = 0, .den = 1, .exact = true}};
    pt_for_each_leaf(rm->ps, p, 0, UINT64_MAX, sum_sharing, &s);
    *pss = s.pss;
    *uss = s.uss;
    if (frac)
        *frac = s.frac;
}

/* ---- --check ---------------------------------------------------------------------------------- */

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

/* check_mirror: leaf number id's mirror relation, if any, holds */
static int check_mirror(const struct rmap *rm, uint32_t id, char *err, size_t errlen)
{
    const struct rmap_leaf *l = &rm->leaves[id];
    if (l->mirror && (l->mirror >= rm->nleaves || rm->leaves[l->mirror].src != id))
        return FAIL("reverse map: leaf number %" PRIu32 " is mirrored by leaf %" PRIu32 ", which does not mirror it",
                    id, l->mirror);
    if (!l->src)
        return 0;
    const struct rmap_leaf *s = &rm->leaves[l->src];
    if (l->src >= rm->nleaves || !s->leaf || s->mirror != id)
        return FAIL("reverse map: leaf number %" PRIu32 " mirrors leaf %" PRIu32 ", which does not know it", id,
                    l->src);
    if (l->mirror || s->src)
        return FAIL("reverse map: leaf number %" PRIu32 " is in a chain of mirrors", id);
    if (!l->late)
        return FAIL("reverse map: leaf number %" PRIu32 " mirrors another without bits", id);
    for (unsigned i = 0; i < 1u << rm->shift; i++) {
        if (!late(l, i))
            continue;
        uint64_t e = l->leaf->e[i], se = s->leaf->e[i];
        if (!(se & PTE_P) || pte_frame(se) != pte_frame(e))
            return FAIL("reverse map: the entry at 0x%" PRIx64 " mirrors one that maps another frame",
                        pt_entry_va(rm->ps, l->leaf, i));
        if (link_l(l, i, PREV) || link_l(l, i, NEXT))
            return FAIL("reverse map: the entry at 0x%" PRIx64 " is linked late and has links",
                        pt_entry_va(rm->ps, l->leaf, i));
    }
    return 0;
}

int rmap_check(const struct rmap *rm, char *err, size_t errlen)
{
    size_t nf = (size_t)rm->ft->n + 1;
    uint64_t *count = vm_xcalloc(nf, sizeof *count);
    unsigned n = 1u << rm->shift;
    int r = 0;
    for (uint32_t id = 1; id < rm->nleaves && !r; id++) {
        struct pt *leaf = rm->leaves[id].leaf;
        if (!leaf) {
            if (rm->leaves[id].src || rm->leaves[id].mirror)
                r = FAIL("reverse map: free leaf number %" PRIu32 " mirrors or is mirrored", id);
            continue;
        }
        if (leaf->aux_id != id)
            r = FAIL("reverse map: leaf number %" PRIu32 " names a leaf numbered %" PRIu32, id, leaf->aux_id);
        else
            r = check_mirror(rm, id, err, errlen);
        for (unsigned i = 0; i < n && !r; i++) {
            if (!(leaf->e[i] & PTE_P)) {
                if (link(rm, leaf, i, PREV) || link(rm, leaf, i, NEXT))
                    r = FAIL("reverse map: an empty entry at 0x%" PRIx64 " is linked", pt_entry_va(rm->ps, leaf, i));
                continue;
            }
            count[pte_frame(leaf->e[i])]++;
        }
    }
    for (uint32_t k = 0; k < rm->nfree && !r; k++)
        if (rm->leaves[rm->free_nums[k]].leaf)
            r = FAIL("reverse map: leaf number %" PRIu32 " is free and in use", rm->free_nums[k]);
    for (size_t f = 0; f < nf && !r; f++) {
        uint64_t seen = 0;
        uint32_t prev = 0; /* the last entry linked by links */
        for (uint32_t num = rm->ft->fr[f].rmap; num && !r; num = next_of(rm, num)) {
            struct pt *leaf = num >> rm->shift < rm->nleaves ? leaf_of(rm, num) : NULL;
            if (!leaf) {
                r = FAIL("reverse map: frame %zu lists entry number %" PRIu32 " of no leaf", f, num);
                break;
            }
            unsigned i = index_of(rm, num);
            const struct rmap_leaf *nl = &rm->leaves[num >> rm->shift];
            bool is_late = nl->src && late(nl, index_of(rm, num));
            if (!(leaf->e[i] & PTE_P) || pte_frame(leaf->e[i]) != f)
                r = FAIL("reverse map: frame %zu lists the entry at 0x%" PRIx64 ", which does not map it", f,
                         pt_entry_va(rm->ps, leaf, i));
            else if (is_late && !prev)
                r = FAIL("reverse map: frame %zu's list starts at a late entry", f);
            else if (!is_late && link(rm, leaf, i, PREV) != prev)
                r = FAIL("reverse map: frame %zu: the entry at 0x%" PRIx64 " links back to the wrong entry", f,
                         pt_entry_va(rm->ps, leaf, i));
            else if (++seen > count[f])
                r = FAIL("reverse map: frame %zu lists more entries than map it (%" PRIu64 ")", f, count[f]);
            if (!is_late)
                prev = num;
        }
        if (!r && seen != count[f])
            r = FAIL("reverse map: frame %zu lists %" PRIu64 " entries, %" PRIu64 " map it", f, seen, count[f]);
    }
    free(count);
    return r;
}
