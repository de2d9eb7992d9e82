/* slab.c -- objects of one size from huge-page chunks (see slab.h). */
#define _DEFAULT_SOURCE /* mmap's MAP_ANONYMOUS and madvise */
#include "vmsim/slab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vmsim/util.h"

#define CHUNK_ALIGN ((size_t)2 << 20)
#define CHUNK_MIN ((size_t)4 << 20)

void slab_init(struct slab *s, size_t size)
{
    VM_ASSERT(size >= sizeof(void *));
    memset(s, 0, sizeof *s);
    s->size = size;
    s->chunk_bytes = size > CHUNK_MIN ? (size + CHUNK_ALIGN - 1) / CHUNK_ALIGN * CHUNK_ALIGN : CHUNK_MIN;
}

void *slab_alloc(struct slab *s)
{
    void *o = s->free;
    if (o) {
        memcpy(&s->free, o, sizeof s->free);
        memset(o, 0, sizeof s->free); /* where the chain was */
        return o;
    }
    if (!s->left) {
        void *mem = mmap(NULL, s->chunk_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED) {
            fputs("vmsim: out of memory\n", stderr);
            exit(3);
        }
#ifdef MADV_HUGEPAGE
        madvise(mem, s->chunk_bytes, MADV_HUGEPAGE);
#endif
        s->chunks = vm_xrealloc(s->chunks, (s->nchunks + 1) * sizeof *s->chunks);
        s->chunks[s->nchunks++] = mem;
        s->next = mem;
        s->left = s->chunk_bytes / s->size;
    }
    o = s->next;
    s->next += s->size;
    s->left--;
    return o;
}

void slab_free(struct slab *s, void *o)
{
    memcpy(o, &s->free, sizeof s->free);
    s->free = o;
}

void slab_destroy(struct slab *s)
{
    for (size_t i = 0; i < s->nchunks; i++)
        munmap(s->chunks[i], s->chunk_bytes);
    free(s->chunks);
    slab_init(s, s->size);
}

void *slab_big_zalloc(size_t bytes)
{
    if (bytes < CHUNK_ALIGN)
        return calloc(1, bytes ? bytes : 1);
    size_t len = (bytes + CHUNK_ALIGN - 1) / CHUNK_ALIGN * CHUNK_ALIGN;
    void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (len > CHUNK_ALIGN) /* the last 2 MiB on small pages (see slab.h) */
        madvise(mem, len - CHUNK_ALIGN, MADV_HUGEPAGE);
#endif
    return mem;
}

void slab_advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    uintptr_t a = ((uintptr_t)p + CHUNK_ALIGN - 1) & ~(uintptr_t)(CHUNK_ALIGN - 1);
    uintptr_t b = ((uintptr_t)p + bytes) & ~(uintptr_t)(CHUNK_ALIGN - 1);
    if (b > a)
        madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

void slab_big_free(void *p, size_t bytes)
{
    if (!p)
        return;
    if (bytes < CHUNK_ALIGN)
        free(p);
    else
        munmap(p, (bytes + CHUNK_ALIGN - 1) / CHUNK_ALIGN * CHUNK_ALIGN);
}
