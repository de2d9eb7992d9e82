/* exclusive.c -- the exclusive mark of anon frames, kept from the page
 * tables' write path (see exclusive.h). */
#include "vmsim/exclusive.h"

static void mark(struct frames *ft, uint32_t f, bool on)
{
    if (f >= ft->n || frame_kind(ft, f) != FK_ANON)
        return;
    if (on && frame_ref(ft, f) == 1)
        ft->fr[f].kind |= FF_EXCLUSIVE;
    else if (!on)
        ft->fr[f].kind &= (uint8_t)~FF_EXCLUSIVE;
}

/* changed: one change of the write path */
static void changed(void *ctx, const struct pt_change *c)
{
    struct vm *vm = ctx;
    struct frames *ft = &vm->ft;
    switch (c->kind) {
    case PTC_FILL:
    case PTC_REPLACE:
        /* a new frame: demand zero, a cow copy, a private file page's copy */
        mark(ft, pte_frame(c->new), true);
        break;
    case PTC_PROTECT:
        /* made writable: a cow_reuse, or an mprotect of an exclusive frame
         * (an anon frame mapped writable has no other user); a cleared
         * writable bit keeps the mark */
        for (unsigned k = c->i; k < c->end; k++)
            if ((c->leaf->e[k] & (PTE_P | PTE_W)) == (PTE_P | PTE_W))
                mark(ft, pte_frame(c->leaf->e[k]), true);
        break;
    case PTC_FORK:
        /* the child's entry shares the parent's frame (cow), or maps a new
         * copy of it (copy mode), which is the child's alone */
        for (unsigned k = c->i; k < c->end; k++) {
            uint64_t e = c->leaf->e[k];
            if (!(e & PTE_P))
                continue;
            bool same = pte_frame(e) == pte_frame(c->src->e[k]);
            mark(ft, pte_frame(e), !same);
        }
        break;
    case PTC_LEAF_SHARED: {
        /* a sharept fork: every frame of the leaf is seen by two page tables */
        unsigned n = 1u << vm->arch->level_bits;
        for (unsigned k = 0; k < n; k++)
            if (c->leaf->e[k] & PTE_P)
                mark(ft, pte_frame(c->leaf->e[k]), false);
        break;
    }
    case PTC_SWAP_IN:
        /* Swap (docs/model.md, section 10 of the contract): a swapped-in
         * frame is exclusive only if its entry is its only user. The
         * swap-in maps it writable in a private writable VMA exactly then
         * (refcount 1, the slot named by no other entry), so a writable
         * entry is marked here. A read-only one (a VMA without w) needs the
         * slot's count to decide: the swap-in fault, which knows that count,
         * marks it with exclusive_mark_alone. */
        if (c->new & PTE_W)
            mark(ft, pte_frame(c->new), true);
        break;
    default:
        break;
    }
}

void exclusive_mark_alone(struct vm *vm, uint32_t f)
{
    if (vm->cfg.exclusive_reuse)
        mark(&vm->ft, f, true);
}

void exclusive_init(struct vm *vm)
{
    if (vm->cfg.exclusive_reuse)
        pt_hook_add(&vm->pts, changed, vm);
}
