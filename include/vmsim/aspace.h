/* aspace.h -- address spaces: VMAs and a page table, and what processes do
 * to them (map, unmap, protect, move the break, fork, drop).
 *
 * An address space is used by one process, or by a vfork child and the
 * parents it suspended: `users` counts them, and the space is dropped when
 * the last leaves (teardown: every entry cleared, every table freed).
 *
 * Operations that may need frames (with --pt-frames, or to unshare leaf
 * tables in sharept mode) take them through vm_take_frame and return -1
 * when the event must stop (vm->stop says why); what was done stays done
 * and consistent.
 */
#ifndef VMSIM_ASPACE_H
#define VMSIM_ASPACE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/machine.h"
#include "vmsim/pagetable.h"
#include "vmsim/vma.h"

struct aspace {
    uint32_t id;    /* stable number, for counting mappers */
    uint32_t users; /* processes using it (+ holds of an event in progress) */
    uint32_t *pids; /* the processes using it: one, or a vfork family */
    uint32_t npids, cappids;
    uint64_t mark;  /* scratch: the walk that last visited it */
    struct pagetable pt;
    struct vma_set vmas;
    bool has_image;      /* made by spawn with a program, or exec: has a heap */
    uint64_t heap_start; /* the break can move from here up */
    uint64_t brk;
};

/* aspace_new: an empty address space with its root table, one user. NULL
 * when the root's frame could not be had (vm->stop says why). */
struct aspace *aspace_new(struct vm *vm);

/* aspace_hold / aspace_release: one user more or less; the last release
 * drops the space, and says in *sf (if not NULL) what that freed. */
void aspace_hold(struct aspace *as);
void aspace_release(struct vm *vm, struct aspace *as, struct space_fact *sf);

/* aspace_add_pid / aspace_remove_pid: process pid starts or stops using
 * the space (the list opt asks for the mappers of a page). */
void aspace_add_pid(struct aspace *as, uint32_t pid);
void aspace_remove_pid(struct aspace *as, uint32_t pid);

/* aspace_image_fits: do the program's segments fit in --max-vmas? 0, or -1
 * with the error (vm_error) */
int aspace_image_fits(struct vm *vm, const struct program *prog);

/* aspace_load_image: lays out a program (docs/model.md, "Address spaces and the program image") in an empty space. */
void aspace_load_image(struct vm *vm, struct aspace *as, const struct program *prog);

/* aspace_mmap: maps [start, start+len) as a new VMA, unmapping whatever was
 * there first. obj is 0 for private anonymous memory, ASPACE_SHM_NEW for a
 * new shared-memory object (made only if the mapping succeeds). */
#define ASPACE_SHM_NEW UINT32_MAX
int aspace_mmap(struct vm *vm, struct aspace *as, uint64_t start, uint64_t len, unsigned prot, bool shared,
                uint32_t obj, uint64_t off);

/* aspace_munmap: unmaps [start, end); VMAs are split as needed. */
int aspace_munmap(struct vm *vm, struct aspace *as, uint64_t start, uint64_t end);

/* aspace_mprotect: changes the protection of [start, end), which must be
 * mapped (an error otherwise, nothing changed). */
int aspace_mprotect(struct vm *vm, struct aspace *as, uint64_t start, uint64_t end, unsigned prot);

/* aspace_brk: moves the break to new_brk (checked against the heap start,
 * user_top and other VMAs: errors). */
int aspace_brk(struct vm *vm, struct aspace *as, uint64_t new_brk);

/* aspace_fork: the child's address space for a fork in the configured mode,
 * and what making it did in *ff. NULL if the fork fails for lack of frames
 * (nothing changed). */
struct aspace *aspace_fork(struct vm *vm, struct aspace *parent, struct fork_fact *ff);

/* aspace_entry_is_cow: a present read-only entry in a private VMA with w. */
bool aspace_entry_is_cow(const struct vma *v, uint64_t pte);

#endif
