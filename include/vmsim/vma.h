/* vma.h -- virtual memory areas: the sorted set of mapped ranges of one
 * address space.
 *
 * A VMA is a page-aligned range [start, end) with a protection, a sharing
 * and a backing: private anonymous memory (obj 0), or the bytes from `off` onwards
 * of a memory object (a file, or a shared-memory object made by a shared
 * anonymous mmap). VMAs never overlap and are never merged: mmap makes one,
 * munmap, mprotect and mmap over a range only split.
 *
 * The set is an array sorted by start, searched by bisection, with the last
 * hit remembered (accesses come in runs). Splitting copies the backing: the
 * caller takes the extra object reference that the new piece holds.
 */
#ifndef VMSIM_VMA_H
#define VMSIM_VMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMA_R 1u
#define VMA_W 2u
#define VMA_X 4u

struct vma {
    uint64_t start, end; /* [start, end), page-aligned */
    uint64_t off;        /* byte offset in the object at start (page-aligned) */
    uint32_t obj;        /* memory object, 0 = private anonymous */
    uint8_t prot;        /* VMA_R | VMA_W | VMA_X */
    bool shared;
    bool anon_vma;       /* it had an anon page once (Linux's anon_vma): kept by splits, copied by forks */
};

struct vma_set {
    struct vma *v;
    size_t n, cap;
    size_t hint; /* index of the last VMA found */
};

void vma_set_init(struct vma_set *s);
void vma_set_destroy(struct vma_set *s);
/* vma_set_copy: dst becomes a copy of src (dst uninitialised). */
void vma_set_copy(struct vma_set *dst, const struct vma_set *src);

/* vma_find: the VMA holding va, or NULL. */
struct vma *vma_find(struct vma_set *s, uint64_t va);

/* vma_first_ending_after: index of the first VMA that ends above va. */
size_t vma_first_ending_after(const struct vma_set *s, uint64_t va);

/* vma_split: if a VMA strictly contains addr, splits it there into two and
 * returns the index of the upper piece (the caller references its object
 * once more); else returns SIZE_MAX. */
size_t vma_split(struct vma_set *s, uint64_t addr);

/* vma_insert: adds v, which must not overlap any VMA. */
void vma_insert(struct vma_set *s, const struct vma *v);

/* vma_remove_at: removes the VMAs with index in [i, j). */
void vma_remove_at(struct vma_set *s, size_t i, size_t j);

/* vma_covers: true if [start, end) is mapped without a hole. */
bool vma_covers(const struct vma_set *s, uint64_t start, uint64_t end);

/* vma_overlaps: true if any VMA overlaps [start, end). */
bool vma_overlaps(const struct vma_set *s, uint64_t start, uint64_t end);

/* vma_private_writable: a private VMA with w, where a present read-only entry
 * is cow. */
static inline bool vma_private_writable(const struct vma *v)
{
    return !v->shared && (v->prot & VMA_W);
}

/* vma_prot_str: "rwx" letters with '-' for missing ones, in buf[4]. */
const char *vma_prot_str(unsigned prot, char buf[4]);

#endif
