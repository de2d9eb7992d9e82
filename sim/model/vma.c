/* vma.c -- sorted VMA sets (see vma.h). */
#include "vmsim/vma.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/util.h"

void vma_set_init(struct vma_set *s) { memset(s, 0, sizeof *s); }

void vma_set_destroy(struct vma_set *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

void vma_set_copy(struct vma_set *dst, const struct vma_set *src)
{
    vma_set_init(dst);
    if (!src->n)
        return;
    dst->v = vm_xmalloc(src->n * sizeof *dst->v);
    memcpy(dst->v, src->v, src->n * sizeof *dst->v);
    dst->n = dst->cap = src->n;
}

size_t vma_first_ending_after(const struct vma_set *s, uint64_t va)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].end <= va)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct vma *vma_find(struct vma_set *s, uint64_t va)
{
    if (s->hint < s->n) {
        struct vma *h = &s->v[s->hint];
        if (va >= h->start && va < h->end)
            return h;
    }
    /* VM_MUTANT(3), a test-only defect: the address at a VMA's end counts as inside it */
    size_t i = vma_first_ending_after(s, va - VM_MUTANT(3));
    if (i < s->n && s->v[i].start <= va) {
        s->hint = i;
        return &s->v[i];
    }
    return NULL;
}

static void make_room(struct vma_set *s, size_t at)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = vm_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    if (at < s->n)
        memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof *s->v);
    s->n++;
}

size_t vma_split(struct vma_set *s, uint64_t addr)
{
    size_t i = vma_first_ending_after(s, addr);
    if (i >= s->n || s->v[i].start >= addr)
        return SIZE_MAX;
    make_room(s, i + 1);
    struct vma *lo = &s->v[i], *hi = &s->v[i + 1];
    *hi = *lo;
    hi->start = addr;
    hi->off = lo->off + (addr - lo->start);
    lo->end = addr;
    return i + 1;
}

void vma_insert(struct vma_set *s, const struct vma *v)
{
    size_t i = vma_first_ending_after(s, v->start);
    VM_ASSERT(i == s->n || s->v[i].start >= v->end);
    make_room(s, i);
    s->v[i] = *v;
}

void vma_remove_at(struct vma_set *s, size_t i, size_t j)
{
    VM_ASSERT(i <= j && j <= s->n);
    if (i == j)
        return;
    memmove(&s->v[i], &s->v[j], (s->n - j) * sizeof *s->v);
    s->n -= j - i;
    s->hint = 0;
}

bool vma_covers(const struct vma_set *s, uint64_t start, uint64_t end)
{
    size_t i = vma_first_ending_after(s, start);
    uint64_t at = start;
    for (; i < s->n && at < end; i++) {
        if (s->v[i].start > at)
            return false;
        at = s->v[i].end;
    }
    return at >= end;
}

bool vma_overlaps(const struct vma_set *s, uint64_t start, uint64_t end)
{
    size_t i = vma_first_ending_after(s, start);
    return i < s->n && s->v[i].start < end;
}

const char *vma_prot_str(unsigned prot, char buf[4])
{
    buf[0] = (prot & VMA_R) ? 'r' : '-';
    buf[1] = (prot & VMA_W) ? 'w' : '-';
    buf[2] = (prot & VMA_X) ? 'x' : '-';
    buf[3] = 0;
    return buf;
}
