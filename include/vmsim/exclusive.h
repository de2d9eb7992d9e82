/* exclusive.h -- the exclusive mark of anon frames, for --exclusive-reuse
 * (Linux's PageAnonExclusive; docs/model.md, "--exclusive-reuse").
 *
 * An anon frame is *exclusive* from its fill (a demand-zero frame, any
 * copy) until a fork shares it, and again once a write fault reuses it
 * (cow_reuse): its one entry is then the only way to it, so an mprotect that
 * adds w may make that entry writable at once instead of leaving it to the
 * next write fault. A shared frame that the other sharers let go of (refcount
 * back to 1) is not exclusive until a write fault reuses it, as in Linux.
 *
 * The mark is a flag beside the frame's kind (FF_EXCLUSIVE, frames.h). It is
 * kept by a subscriber of the page tables' write path (pagetable.h), which
 * sees every fill, copy, fork and shared leaf there (but for one case that
 * the entry alone does not show: a swap-in that is its frame's only user in
 * a VMA without w, marked by the fault, exclusive_mark_alone); a freed frame
 * loses it with its kind. Without --exclusive-reuse nothing subscribes and no frame
 * is ever marked. --check verifies that a marked frame is anon with refcount
 * 1, mapped from an unshared leaf, and that every writable entry mapping an
 * anon frame maps a marked one.
 */
#ifndef VMSIM_EXCLUSIVE_H
#define VMSIM_EXCLUSIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/machine.h"

/* exclusive_init: with cfg.exclusive_reuse, subscribes the mark's keeper to
 * the write path (once, when the machine is made). */
void exclusive_init(struct vm *vm);

/* exclusive_mark_alone: a swap-in mapped f read-only (its VMA has no w)
 * and its entry is f's only user, the slot named by no other entry: f is
 * exclusive, as it would be had the VMA let the swap-in map it writable
 * (Linux's do_swap_page marks such a page whatever the VMA allows). Does
 * nothing without cfg.exclusive_reuse. */
void exclusive_mark_alone(struct vm *vm, uint32_t f);

/* frame_exclusive: is f an exclusive anon frame? (false for the zero page) */
static inline bool frame_exclusive(const struct frames *ft, uint32_t f)
{
    return f < ft->n && (ft->fr[f].kind & FF_EXCLUSIVE);
}

#endif
