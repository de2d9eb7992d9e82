/* tlb.c -- the TLB of the simulated CPU (see tlb.h). */
#include "vmsim/tlb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/aspace.h"
#include "vmsim/machine.h"
#include "vmsim/proc.h"
#include "vmsim/util.h"

/* ---- the address spaces that have entries -------------------------------------- */

static inline uint32_t space_slot(const struct tlb *t, uint32_t id)
{
    return (uint32_t)((id * UINT32_C(0x9E3779B1)) >> (32 - t->sbits));
}

static struct tlb_space *space_find(struct tlb *t, uint32_t id)
{
    uint32_t mask = (UINT32_C(1) << t->sbits) - 1;
    for (uint32_t k = space_slot(t, id);; k = (k + 1) & mask) {
        if (t->space[k].id == id)
            return &t->space[k];
        if (!t->space[k].id)
            return NULL;
    }
}

/* space_get: the record of id, made if missing (there is always room: at
 * most n spaces have entries, in 2n slots or more) */
static struct tlb_space *space_get(struct tlb *t, uint32_t id)
{
    uint32_t mask = (UINT32_C(1) << t->sbits) - 1;
    for (uint32_t k = space_slot(t, id);; k = (k + 1) & mask) {
        if (t->space[k].id == id)
            return &t->space[k];
        if (!t->space[k].id) {
            memset(&t->space[k], 0, sizeof t->space[k]);
            t->space[k].id = id;
            return &t->space[k];
        }
    }
}

/* space_delete: the record goes (linear probing: later records of the
 * cluster move back so that every search still finds them) */
static void space_delete(struct tlb *t, const struct tlb_space *s)
{
    uint32_t mask = (UINT32_C(1) << t->sbits) - 1;
    uint32_t hole = (uint32_t)(s - t->space);
    t->space[hole].id = 0;
    for (uint32_t k = (hole + 1) & mask; t->space[k].id; k = (k + 1) & mask) {
        uint32_t home = space_slot(t, t->space[k].id);
        /* it may fill the hole if its home is not in (hole, k] */
        bool between = hole <= k ? (home > hole && home <= k) : (home > hole || home <= k);
        if (!between) {
            t->space[hole] = t->space[k];
            t->space[k].id = 0;
            hole = k;
        }
    }
}

/* ---- entries ------------------------------------------------------------------- */

static inline uint32_t bucket_of(const struct tlb *t, uint32_t as, uint64_t page) { return tlb_bucket(t, as, page); }

static inline uint32_t find_in(struct tlb *t, uint32_t b, uint32_t as, uint64_t page)
{
    uint32_t k = tlb_find(t, b, as, page);
    return k == t->n ? TLB_NONE : k;
}

static inline uint32_t find(struct tlb *t, uint32_t as, uint64_t page)
{
    return find_in(t, bucket_of(t, as, page), as, page);
}

/* hash_unlink, hash_link: entry k leaves its bucket, or joins bucket b
 * (no test: the end of a chain is entry n, whose hprev takes any store) */
static inline void hash_unlink(struct tlb *t, uint32_t k)
{
    uint32_t next = t->link[t->nb + k], prev = t->e[k].hprev;
    t->link[prev] = next;
    t->e[next].hprev = prev;
}

static inline void hash_link(struct tlb *t, uint32_t k, uint32_t b)
{
    uint32_t first = t->link[b];
    t->link[t->nb + k] = first;
    t->e[k].hprev = b;
    t->e[first].hprev = t->nb + k;
    t->link[b] = k;
}

/* A set's entries form a ring in the order of their use: from its most
 * recently used (mru) through `older` to the least recently used, whose
 * `older` is the mru again (and `newer` the other way). The least recently
 * used is so the mru's `newer`, and making it the most recent moves mru one
 * step, changing no link: what a miss in a full set does. */

/* ring_unlink: entry k leaves its set's ring */
static inline void ring_unlink(struct tlb *t, uint32_t k)
{
    const struct tlb_entry *x = &t->e[k];
    uint32_t s = x->set;
    if (x->older == k) { /* alone */
        t->mru[s] = TLB_NONE;
        return;
    }
    t->e[x->older].newer = x->newer;
    t->e[x->newer].older = x->older;
    if (t->mru[s] == k)
        t->mru[s] = x->older;
}

/* ring_push: entry k (in no ring) becomes its set's most recently used */
static inline void ring_push(struct tlb *t, uint32_t k)
{
    struct tlb_entry *x = &t->e[k];
    uint32_t s = x->set, m = t->mru[s];
    if (m == TLB_NONE) {
        x->older = x->newer = k;
    } else {
        uint32_t l = t->e[m].newer; /* the least recently used */
        x->older = m;
        x->newer = l;
        t->e[m].newer = k;
        t->e[l].older = k;
    }
    t->mru[s] = k;
}

/* touch: entry k becomes its set's most recently used */
static inline void touch(struct tlb *t, uint32_t k)
{
    uint32_t s = t->e[k].set, m = t->mru[s];
    if (m == k)
        return;
    if (t->e[m].newer != k) { /* not the least recently used either: move it next to the mru */
        ring_unlink(t, k);
        ring_push(t, k);
    }
    t->mru[s] = k;
}

/* entry_remove: entry k leaves the TLB; its way is free again */
static void entry_remove(struct tlb *t, uint32_t k)
{
    struct tlb_entry *x = &t->e[k];
    uint32_t s = x->set;
    hash_unlink(t, k);
    ring_unlink(t, k);
    if (x->gprev != TLB_NONE)
        t->e[x->gprev].gnext = x->gnext;
    else
        t->ghead = x->gnext;
    if (x->gnext != TLB_NONE)
        t->e[x->gnext].gprev = x->gprev;
    struct tlb_space *sp = space_find(t, x->as);
    VM_ASSERT(sp && sp->live);
    if (!--sp->live)
        space_delete(t, sp);
    t->nlive--;
    x->as = 0;
    uint32_t w = k - s * t->ways;
    t->freemap[(size_t)s * t->wwords + w / 64] |= UINT64_C(1) << (w % 64);
    t->nfree[s]++;
}

/* entry_insert: (as, page) -> (frame, w) in a free way of its set, which
 * must have one; b is its hash bucket */
static uint32_t entry_insert(struct tlb *t, uint32_t as, uint64_t page, uint32_t frame, bool w, uint32_t b)
{
    uint32_t s = tlb_set_of(t, page);
    VM_ASSERT(t->nfree[s]);
    uint64_t *m = &t->freemap[(size_t)s * t->wwords];
    uint32_t i = 0;
    while (!m[i])
        i++;
    uint32_t k = s * t->ways + i * 64 + (uint32_t)__builtin_ctzll(m[i]);
    m[i] &= m[i] - 1;
    t->nfree[s]--;
    struct tlb_entry *x = &t->e[k];
    x->page = page;
    x->as = as;
    x->frame = frame;
    x->w = x->ptw = w;
    hash_link(t, k, b);
    ring_push(t, k);
    x->gprev = TLB_NONE;
    x->gnext = t->ghead;
    if (t->ghead != TLB_NONE)
        t->e[t->ghead].gprev = k;
    t->ghead = k;
    space_get(t, as)->live++;
    t->nlive++;
    return k;
}

/* flush_space: every entry of address space as goes (0: every entry);
 * returns how many */
static uint64_t flush_space(struct tlb *t, uint32_t as)
{
    uint64_t n = 0;
    const struct tlb_space *sp = as ? space_find(t, as) : NULL;
    if (as && !sp)
        return 0;
    uint32_t left = as ? sp->live : t->nlive;
    for (uint32_t k = t->ghead, next; k != TLB_NONE && left; k = next) {
        next = t->e[k].gnext;
        if (!as || t->e[k].as == as) {
            entry_remove(t, k);
            n++;
            left--;
        }
    }
    return n;
}

/* ---- the machine around it ------------------------------------------------------ */

static inline uint32_t space_id(const struct pagetable *p) { return ((const struct aspace *)p->owner)->id; }

/* lowest_pid: the lowest pid using the space (0: none) */
static uint32_t lowest_pid(const struct pagetable *p)
{
    const struct aspace *as = p->owner;
    uint32_t low = 0;
    for (uint32_t i = 0; i < as->npids; i++)
        if (!low || as->pids[i] < low)
            low = as->pids[i];
    return low;
}

static inline bool telling(const struct tlb *t) { return (*t->wants & FACT_BIT(FACT_TLB)) != 0; }

static void tell(struct tlb *t, uint32_t pid, uint32_t pid2, const struct tlb_fact *tf)
{
    struct fact f = {.kind = FACT_TLB, .pid = pid, .pid2 = pid2};
    f.u.tlb = *tf;
    vm_tell(t->vm, &f);
}

static void note(struct tlb *t, const struct tlb_note *n)
{
    if (t->nnotes == t->capnotes) {
        t->capnotes = t->capnotes ? 2 * t->capnotes : 64;
        t->notes = vm_xrealloc(t->notes, t->capnotes * sizeof *t->notes);
    }
    t->notes[t->nnotes++] = *n;
}

/* ---- operations ------------------------------------------------------------------ */

void tlb_op_begin(struct tlb *t)
{
    VM_ASSERT(t->depth < TLB_MAX_DEPTH);
    t->serial[t->depth++] = 0;
}

/* op_number: the current operation's number, given at its first removal
 * (then its notes start) */
static uint32_t op_number(struct tlb *t)
{
    unsigned d = t->depth - 1;
    if (!t->serial[d]) {
        t->serial[d] = ++t->next_serial ? t->next_serial : ++t->next_serial; /* 0 is none */
        t->note_start[d] = t->nnotes;
    }
    return t->serial[d];
}

void tlb_op_tell(struct tlb *t)
{
    VM_ASSERT(t->depth > 0);
    unsigned d = t->depth - 1;
    size_t from = t->note_start[d];
    for (size_t i = from; i < t->nnotes; i++) {
        const struct tlb_note *n = &t->notes[i];
        struct tlb_fact tf = {.what = n->flush ? TLB_FLUSH : TLB_INVALIDATE, .why = (enum tlb_why)n->why,
                              .page = n->page, .frame = n->frame, .writable = n->w, .entries = n->entries,
                              .as_pid = n->pid};
        tell(t, n->pid, 0, &tf);
    }
    t->nnotes = from;
    t->serial[d] = 0;
}

/* invalidate: the page-table entry of (space p, page) changed: its TLB
 * entry, if any, goes; past the ceiling, all of the space's entries */
static void invalidate(struct tlb *t, const struct pagetable *p, uint64_t page, enum tlb_why why)
{
    uint32_t as = space_id(p), k = find(t, as, page);
    if (k == TLB_NONE)
        return;
    unsigned d = t->depth - 1;
    uint32_t op = op_number(t);
    struct tlb_space *sp = space_find(t, as);
    if (sp->op[d] != op) {
        sp->op[d] = op;
        sp->removed[d] = 0;
    }
    /* VM_MUTANT(4), a test-only defect: the ceiling one too low (33 removals flush) */
    if (++sp->removed[d] > TLB_FLUSH_CEILING - (unsigned)VM_MUTANT(4)) {
        /* one more would pass Linux's ceiling: the space is flushed instead,
         * and what this operation invalidated counts in the flush */
        uint64_t before = sp->removed[d] - 1;
        t->invalidations -= before;
        t->flushes++;
        uint64_t n = flush_space(t, as) + before;
        if (telling(t)) {
            size_t keep = t->note_start[d];
            for (size_t i = keep; i < t->nnotes; i++)
                if (t->notes[i].flush || t->notes[i].as != as)
                    t->notes[keep++] = t->notes[i];
            t->nnotes = keep;
            note(t, &(struct tlb_note){.flush = true, .why = TLB_CEILING, .as = as, .pid = lowest_pid(p), .entries = n});
        }
        return;
    }
    t->invalidations++;
    if (telling(t)) {
        const struct tlb_entry *x = &t->e[k];
        note(t, &(struct tlb_note){.why = (uint8_t)why, .as = as, .pid = lowest_pid(p), .page = page,
                                   .frame = x->frame, .w = x->w});
    }
    entry_remove(t, k);
}

/* protect: entries [i, end) of leaf, seen by p, had writable bits changed:
 * an entry whose bit was cleared goes; one whose bit was set keeps its own
 * (a write through it misses and refills) */
static void protect(struct tlb *t, const struct pagetable *p, const struct pt *leaf, unsigned i, unsigned end,
                    uint64_t first_page)
{
    uint32_t as = space_id(p);
    const struct tlb_space *sp = space_find(t, as);
    if (!sp)
        return;
    if (end - i <= sp->live) {
        for (unsigned k = i; k < end; k++) {
            uint32_t x = find(t, as, first_page + k);
            if (x == TLB_NONE)
                continue;
            if (!(leaf->e[k] & PTE_W) && t->e[x].ptw)
                invalidate(t, p, first_page + k, TLB_PROTECTED);
            else if (leaf->e[k] & PTE_W)
                t->e[x].ptw = 1;
        }
        return;
    }
    /* a range larger than what the space has in the TLB: go through those */
    for (uint32_t x = t->ghead, next; x != TLB_NONE; x = next) {
        next = t->e[x].gnext;
        const struct tlb_entry *y = &t->e[x];
        if (y->as != as || y->page < first_page + i || y->page >= first_page + end)
            continue;
        uint64_t e = leaf->e[y->page - first_page];
        if (!(e & PTE_W) && y->ptw) {
            invalidate(t, p, y->page, TLB_PROTECTED);
            if (!space_find(t, as))
                return; /* flushed: nothing of it is left (else x alone went, and next stays) */
        } else if (e & PTE_W) {
            t->e[x].ptw = 1;
        }
    }
}

/* on_change: the write path's hook */
static void on_change(void *ctx, const struct pt_change *c)
{
    struct tlb *t = ctx;
    if (!t->nlive)
        return;
    enum tlb_why why;
    switch (c->kind) {
    case PTC_CLEAR:
        if (!(c->old & PTE_P))
            return; /* a swap entry: nothing in the TLB */
        why = TLB_CLEARED;
        break;
    case PTC_REPLACE:
        why = TLB_REMAPPED;
        break;
    case PTC_SWAP_OUT:
        why = TLB_SWAPPED;
        break;
    case PTC_PROTECT:
        why = TLB_PROTECTED;
        break;
    case PTC_DROP:
        flush_space(t, space_id(c->p)); /* not counted */
        return;
    default:
        return; /* fills, forks into a new space, leaves made, shared or copied: nothing cached changes */
    }
    bool alone = t->depth == 0;
    if (alone)
        tlb_op_begin(t);
    uint64_t page0 = c->leaf->base >> t->page_shift;
    uint32_t owners = c->p ? 1 : c->leaf->share;
    for (uint32_t o = 0; o < owners; o++) {
        const struct pagetable *p = c->p ? c->p : pt_leaf_owner(c->leaf, o);
        if (why == TLB_PROTECTED)
            protect(t, p, c->leaf, c->i, c->end, page0);
        else
            invalidate(t, p, page0 + c->i, why);
    }
    if (alone)
        tlb_end(t);
}

/* ---- life ---------------------------------------------------------------------------- */

int tlb_init(struct tlb *t, struct vm *vm)
{
    memset(t, 0, sizeof *t);
    const struct vm_config *cfg = &vm->cfg;
    t->vm = vm;
    t->wants = &vm->wants;
    if (!cfg->tlb_entries)
        return 0;
    t->page_shift = vm->arch->page_shift;
    t->levels = vm->arch->levels;
    VM_ASSERT(cfg->tlb_entries <= TLB_MAX_ENTRIES);
    t->n = cfg->tlb_entries;
    t->ways = cfg->tlb_ways ? cfg->tlb_ways : t->n;
    VM_ASSERT(t->n % t->ways == 0);
    t->sets = t->n / t->ways;
    t->set_div = (t->sets & (t->sets - 1)) != 0;
    t->set_mask = t->sets - 1;
    t->asid = cfg->asid;
    t->bbits = 1;
    while ((UINT32_C(1) << t->bbits) < 2 * t->n)
        t->bbits++;
    t->sbits = t->bbits;
    t->bbits += 1; /* 4n buckets or more: most are empty, and a miss finds it at once */
    t->nb = UINT32_C(1) << t->bbits;
    t->e = calloc((size_t)t->n + 1, sizeof *t->e);
    t->mru = malloc(t->sets * sizeof *t->mru);
    t->nfree = malloc(t->sets * sizeof *t->nfree);
    t->wwords = (t->ways + 63) / 64;
    t->freemap = calloc((size_t)t->sets * t->wwords, sizeof *t->freemap);
    t->link = malloc(((size_t)t->nb + t->n + 1) * sizeof *t->link);
    t->space = calloc((size_t)1 << t->sbits, sizeof *t->space);
    if (!t->e || !t->mru || !t->nfree || !t->freemap || !t->link || !t->space) {
        tlb_destroy(t);
        return -1;
    }
    for (uint32_t i = 0; i < t->nb + t->n + 1; i++)
        t->link[i] = t->n;
    for (uint32_t s = 0; s < t->sets; s++) {
        t->mru[s] = TLB_NONE;
        t->nfree[s] = t->ways;
        for (uint32_t w = 0; w < t->ways; w++) {
            t->e[s * t->ways + w].set = s;
            t->freemap[(size_t)s * t->wwords + w / 64] |= UINT64_C(1) << (w % 64);
        }
    }
    t->ghead = TLB_NONE;
    pt_hook_add(&vm->pts, on_change, t);
    return 0;
}

void tlb_destroy(struct tlb *t)
{
    free(t->e);
    free(t->mru);
    free(t->nfree);
    free(t->freemap);
    free(t->link);
    free(t->space);
    free(t->notes);
    struct vm *vm = t->vm;
    const uint32_t *wants = t->wants;
    memset(t, 0, sizeof *t);
    t->vm = vm;
    t->wants = wants;
}

/* ---- accesses ------------------------------------------------------------------------ */

/* walk_steps: the tables a walk for va reads: down to the leaf, or to the
 * last one before a missing table (upper entries point at their tables) */
static unsigned walk_steps(const struct arch *a, const struct pagetable *pt, uint64_t va)
{
    const struct pt *tb = pt->root;
    unsigned steps = 1;
    for (unsigned l = 0; l + 1 < a->levels; l++) {
        uint64_t e = tb->e[arch_index(a, va, l)];
        if (!e)
            break;
        tb = (const struct pt *)(uintptr_t)e;
        steps++;
    }
    return steps;
}

/* context_switch: p makes this access: if another process made the latest,
 * the CPU switches to p (without --asid, a flush of everything) */
static __attribute__((noinline)) void context_switch(struct tlb *t, const struct proc *p)
{
    uint32_t from = t->cpu_pid;
    bool first = t->cpu == 0;
    t->cpu = p->serial;
    t->cpu_pid = p->pid;
    if (first)
        return;
    t->switches++;
    uint64_t n = 0;
    if (!t->asid) {
        n = flush_space(t, 0);
        t->flushes++;
    }
    if (telling(t)) {
        struct tlb_fact tf = {.what = TLB_SWITCH, .why = TLB_SWITCHED, .entries = n};
        tell(t, p->pid, from, &tf);
    }
}

/* tell_fill: the fact of a fill; k the entry it replaces (TLB_NONE: a free way) */
static __attribute__((cold, noinline)) void tell_fill(struct tlb *t, const struct proc *p, uint64_t page,
                                                       uint32_t frame, bool w, uint32_t k)
{
    struct tlb_fact tf = {.what = TLB_FILL, .page = page, .frame = frame, .writable = w, .set = tlb_set_of(t, page)};
    if (k != TLB_NONE) {
        const struct tlb_entry *x = &t->e[k];
        struct proc *q, *tmp; /* the lowest pid of the replaced entry's space */
        tf.replaced = true;
        tf.old_page = x->page;
        HASH_ITER(hh, t->vm->procs, q, tmp)
        if (q->as && q->as->id == x->as && (!tf.old_pid || q->pid < tf.old_pid))
            tf.old_pid = q->pid;
    }
    tell(t, p->pid, 0, &tf);
}

/* fill_free: fill into a free way */
static __attribute__((noinline)) void fill_free(struct tlb *t, const struct proc *p, uint32_t as, uint64_t page,
                                                 uint32_t b, uint64_t e)
{
    entry_insert(t, as, page, pte_frame(e), (e & PTE_W) != 0, b);
    if (telling(t))
        tell_fill(t, p, page, pte_frame(e), (e & PTE_W) != 0, TLB_NONE);
}

/* move_space: an entry of space from is now one of space to */
static __attribute__((noinline)) void move_space(struct tlb *t, uint32_t from, uint32_t to)
{
    struct tlb_space *sp = space_find(t, from);
    if (!--sp->live)
        space_delete(t, sp);
    space_get(t, to)->live++;
}

/* fill: (as, page) -> the frame and writable bit of present entry e goes
 * in (there is no entry for it), in place of its set's least recently used
 * one if the set is full; b is its hash bucket */
static inline __attribute__((always_inline)) void fill(struct tlb *t, const struct proc *p, uint32_t as, uint64_t page, uint32_t b,
                                                          uint64_t e)
{
    uint32_t s = tlb_set_of(t, page), frame = pte_frame(e);
    uint8_t w = (e & PTE_W) != 0;
    if (t->nfree[s]) {
        fill_free(t, p, as, page, b, e);
        return;
    }
    /* the set is full: its least recently used entry takes the new one in place */
    uint32_t k = t->e[t->mru[s]].newer;
    struct tlb_entry *x = &t->e[k];
    if (telling(t))
        tell_fill(t, p, page, frame, w, k);
    hash_unlink(t, k);
    if (x->as != as)
        move_space(t, x->as, as);
    x->page = page;
    x->as = as;
    x->frame = frame;
    x->w = x->ptw = w;
    hash_link(t, k, b);
    t->mru[s] = k; /* the least recently used becomes the most: one step round the ring */
}

/* tell_access: the fact of a hit (entry k) or a miss */
static __attribute__((cold, noinline)) void tell_access(struct tlb *t, const struct proc *p, enum tlb_what what,
                                                         uint64_t page, uint32_t k, bool read_only, unsigned steps)
{
    struct tlb_fact tf = {.what = what, .page = page, .read_only = read_only, .steps = steps,
                          .set = tlb_set_of(t, page)};
    if (k != TLB_NONE) {
        tf.frame = t->e[k].frame;
        tf.writable = t->e[k].w;
    }
    tell(t, p->pid, 0, &tf);
}

void tlb_fill(struct tlb *t, const struct proc *p, uint64_t va)
{
    uint64_t e = pt_lookup(&t->vm->pts, &p->as->pt, va);
    VM_ASSERT(e & PTE_P);
    fill(t, p, p->as->id, va >> t->page_shift, t->miss_bucket, e);
}

bool tlb_access_slow(struct tlb *t, const struct proc *p, uint64_t va, bool write, bool leaf_found, uint64_t e)
{
    if (p->serial != t->cpu)
        context_switch(t, p);
    uint64_t page = va >> t->page_shift;
    uint32_t as = p->as->id, b = bucket_of(t, as, page), k = find_in(t, b, as, page);
    bool read_only = false;
    if (k != TLB_NONE) {
        if (!write || t->e[k].w) {
            t->hits++;
            touch(t, k);
            if (telling(t))
                tell_access(t, p, TLB_HIT, page, k, false, 0);
            return false;
        }
        entry_remove(t, k); /* it does not allow the write: the access misses */
        read_only = true;
    }
    unsigned steps = leaf_found ? t->levels : walk_steps(t->vm->arch, &p->as->pt, va);
    t->misses++;
    t->walk_steps += steps;
    if (telling(t))
        tell_access(t, p, TLB_MISS, page, TLB_NONE, read_only, steps);
    uint64_t need = PTE_P | (write ? PTE_W : 0);
    if ((e & need) == need) { /* no fault: the access completes now */
        fill(t, p, as, page, b, e);
        return false;
    }
    t->miss_bucket = b;
    return true;
}

void tlb_touch(struct tlb *t, uint32_t k) { touch(t, k); }

void tlb_move_space(struct tlb *t, uint32_t from, uint32_t to) { move_space(t, from, to); }

/* ---- --check ----------------------------------------------------------------------------- */

static int cmp_space(const void *a, const void *b)
{
    uint32_t x = (*(struct aspace *const *)a)->id, y = (*(struct aspace *const *)b)->id;
    return (x > y) - (x < y);
}

static const struct aspace *space_by_id(struct aspace **v, size_t n, uint32_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo]->id == id ? v[lo] : NULL;
}

#define TFAIL(...) (snprintf(msg, len, "the TLB: " __VA_ARGS__), r = -1)

/* check_structure: sets, use order, hash index and counts agree */
static int check_structure(struct tlb *t, char *msg, size_t len)
{
    int r = 0;
    uint32_t used = 0;
    if (!t->ways || t->sets * t->ways != t->n)
        return TFAIL("%" PRIu32 " entries are not %" PRIu32 " sets of %" PRIu32 " ways", t->n, t->sets, t->ways);
    for (uint32_t s = 0; s < t->sets && !r; s++) {
        uint32_t in_set = 0, listed = 0, prev = TLB_NONE;
        for (uint32_t w = 0; w < t->ways; w++) {
            uint32_t k = s * t->ways + w;
            const struct tlb_entry *x = &t->e[k];
            if (!x->as)
                continue;
            in_set++;
            if (tlb_set_of(t, x->page) != s)
                return TFAIL("page 0x%" PRIx64 " is in set %" PRIu32 ", not in set %" PRIu32, x->page, s,
                             tlb_set_of(t, x->page));
            if (find(t, x->as, x->page) != k)
                return TFAIL("page 0x%" PRIx64 " of space %" PRIu32 " is not found by its hash", x->page, x->as);
        }
        for (uint32_t k = t->mru[s]; k != TLB_NONE && listed <= t->ways; k = tlb_older(t, k)) {
            if (k / t->ways != s || t->e[k].set != s || !t->e[k].as || t->e[t->e[k].older].newer != k ||
                (prev != TLB_NONE && t->e[k].newer != prev))
                return TFAIL("set %" PRIu32 "'s use order is broken", s);
            prev = k;
            listed++;
        }
        if (listed != in_set || (prev != TLB_NONE && t->e[prev].older != t->mru[s]))
            return TFAIL("set %" PRIu32 " holds %" PRIu32 " entries, its use order %" PRIu32, s, in_set, listed);
        used += in_set;
    }
    if (r)
        return r;
    if (used != t->nlive)
        return TFAIL("%" PRIu32 " entries in use, %" PRIu32 " counted", used, t->nlive);
    uint32_t listed = 0;
    for (uint32_t b = 0; b < t->nb; b++)
        for (uint32_t k = t->link[b], prev = b; k != t->n; prev = t->nb + k, k = t->link[t->nb + k]) {
            if (k > t->n || t->e[k].hprev != prev || bucket_of(t, t->e[k].as, t->e[k].page) != b ||
                ++listed > t->n)
                return TFAIL("hash bucket %" PRIu32 " is broken", b);
        }
    if (listed != used)
        return TFAIL("%" PRIu32 " entries in use, %" PRIu32 " in the hash index", used, listed);
    listed = 0;
    for (uint32_t k = t->ghead; k != TLB_NONE && listed <= t->n; k = t->e[k].gnext)
        listed++;
    if (listed != used)
        return TFAIL("%" PRIu32 " entries in use, %" PRIu32 " in its list", used, listed);
    uint64_t spaces_live = 0;
    for (size_t i = 0; i < ((size_t)1 << t->sbits); i++) {
        const struct tlb_space *sp = &t->space[i];
        if (!sp->id)
            continue;
        if (space_find(t, sp->id) != sp)
            return TFAIL("space %" PRIu32 " is not found by its hash", sp->id);
        uint32_t n = 0;
        for (uint32_t k = 0; k < t->n; k++)
            n += t->e[k].as == sp->id;
        if (!sp->live || n != sp->live)
            return TFAIL("space %" PRIu32 " has %" PRIu32 " entries, %" PRIu32 " counted", sp->id, n, sp->live);
        spaces_live += n;
    }
    if (spaces_live != used)
        return TFAIL("%" PRIu32 " entries in use, %" PRIu64 " counted by space", used, spaces_live);
    return 0;
}

int tlb_check(struct vm *vm, char *msg, size_t len)
{
    struct tlb *t = &vm->tlb;
    if (!t->n)
        return 0;
    int r = check_structure(t, msg, len);
    if (r)
        return r;
    if (t->depth || t->nnotes)
        return TFAIL("an operation is still open after the event");
    size_t n = 0;
    struct aspace **v = vm_xmalloc((HASH_COUNT(vm->procs) + 1) * sizeof *v); /* NOLINT(bugprone-sizeof-expression) */
    struct proc *p, *tmp;
    HASH_ITER(hh, vm->procs, p, tmp)
    if (p->as)
        v[n++] = p->as;
    qsort(v, n, sizeof *v, cmp_space); /* NOLINT(bugprone-sizeof-expression): pointers */
    for (uint32_t k = t->ghead; k != TLB_NONE && !r; k = t->e[k].gnext) {
        const struct tlb_entry *x = &t->e[k];
        const struct aspace *as = space_by_id(v, n, x->as);
        uint64_t va = x->page << vm->arch->page_shift;
        if (!as) {
            TFAIL("page 0x%" PRIx64 " of address space %" PRIu32 ", which no process uses", va, x->as);
            break;
        }
        uint64_t e = pt_lookup(&vm->pts, &as->pt, va);
        uint32_t pid = as->npids ? as->pids[0] : 0;
        if (!(e & PTE_P))
            TFAIL("page 0x%" PRIx64 " of process %" PRIu32 " is not present, but cached", va, pid);
        else if (pte_frame(e) != x->frame)
            TFAIL("page 0x%" PRIx64 " of process %" PRIu32 " maps frame %" PRIu32 ", cached as %" PRIu32, va, pid,
                  pte_frame(e), x->frame);
        else if (x->w && !(e & PTE_W))
            TFAIL("page 0x%" PRIx64 " of process %" PRIu32 " is read-only, cached writable", va, pid);
        else if (x->ptw != ((e & PTE_W) != 0))
            TFAIL("page 0x%" PRIx64 " of process %" PRIu32 ": its writable bit changed unseen", va, pid);
    }
    free(v);
    return r;
}
