/* check.h -- --check: the model's invariants, verified after every event.
 *
 *  - each frame's refcount equals the leaf entries that map it (an entry of
 *    a shared leaf once) plus 1 if it is in the page cache; the zero page's
 *    equals the entries that map it; a pt frame belongs to one table;
 *  - frames_used and the per-kind counts equal the frames not free, and the
 *    free bitmap agrees with the kinds;
 *  - every non-root table has an entry in use, and its count of entries in
 *    use (and of rss entries) is right; a leaf's share count equals the
 *    upper entries pointing at it; the count of tables is right;
 *  - no entry lies outside a VMA; no writable entry is in a VMA without w;
 *    no writable entry of a private VMA maps a frame with refcount above 1;
 *  - each address space's rss and table count agree with its tables;
 *  - page cache: each cached page's frame is of kind cache and found again
 *    by frame; the droppable count is right; a shared-memory object is
 *    mapped by as many VMAs as it counts;
 *  - processes: the live and zombie counts; a suspended process waits for a
 *    living vfork child that shares its address space; children lists and
 *    ppids agree; the parent links form no cycle;
 *  - every VMA is page-aligned and not empty;
 *  - the reverse map lists exactly the present entries of each frame, and
 *    every leaf knows its owners and the address of its entry 0.
 */
#ifndef VMSIM_CHECK_H
#define VMSIM_CHECK_H

#include "vmsim/machine.h"

/* vm_check: 0, or -1 with the broken invariant named in vm->err. */
int vm_check(struct vm *vm);

/* A checker keeps the counting arrays of vm_check from one call to the
 * next: a run that checks after every event allocates them once, instead
 * of taking them from the host and giving them back at each event. Zeroed
 * to start; vm_checker_free gives them back. */
struct vm_checker {
    uint32_t *refs, *slot_refs, *objs; /* per frame (and the zero page), per slot, per slot */
    size_t nrefs, nslot_refs, nobjs;   /* their lengths */
    struct pt **leaves;                /* distinct leaves met */
    size_t capleaves;
};

/* vm_check_with: vm_check with the arrays of k. */
int vm_check_with(struct vm *vm, struct vm_checker *k);
void vm_checker_free(struct vm_checker *k);

#endif
