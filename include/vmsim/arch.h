/* arch.h -- page-table geometry of the simulated machine.
 *
 * A geometry is a virtual-address width, a page size and a number of
 * page-table levels that split the page-number bits evenly:
 *
 *     va_bits = levels * level_bits + page_shift
 *
 *   63        va_bits                                   page_shift        0
 *   +----------+---------+---------+-- ... --+---------+-----------------+
 *   | (unused) | level 0 | level 1 |         | level L-1 |  page offset  |
 *   +----------+---------+---------+-- ... --+---------+-----------------+
 *                 root                          leaf
 *
 * Level 0 (the root) is indexed by the highest bits; level L-1 holds the
 * leaf entries that map pages to frames.
 */
#ifndef VMSIM_ARCH_H
#define VMSIM_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* Limits on custom geometries, so that one table (2^level_bits entries of
 * 8 bytes) stays at most 8 MiB and every address fits in 64 bits. */
#define ARCH_MAX_LEVEL_BITS 20
#define ARCH_MIN_PAGE_SHIFT 4  /* 16-byte pages */
#define ARCH_MAX_PAGE_SHIFT 30 /* 1 GiB pages */

struct arch {
    char name[48];        /* "x86_64", ... or "va=N,page=SIZE,levels=L" */
    unsigned va_bits;     /* width of a virtual address */
    unsigned page_shift;  /* log2 of the page size */
    unsigned levels;      /* page-table levels, root = 0 */
    unsigned level_bits;  /* index bits per level */
    uint64_t page_size;   /* 1 << page_shift */
    uint64_t user_top;    /* first address that is not a user address */
    uint64_t text_base;   /* where a program image starts */
    uint64_t default_frames;
    uint64_t index_mask;  /* (1 << level_bits) - 1 */
    uint8_t shift[64];    /* per level: where its index starts in an address */
};

/* arch_parse: fills *a from a preset name (x86_64, sv39, i386, tiny) or a
 * custom "va=N,page=SIZE,levels=L". Returns 0, or -1 with a message in err. */
int arch_parse(struct arch *a, const char *spec, char *err, unsigned errlen);

/* arch_index: index of va in a table of the given level (0 = root). */
static inline unsigned arch_index(const struct arch *a, uint64_t va, unsigned level)
{
    return (unsigned)((va >> a->shift[level]) & a->index_mask);
}

/* arch_span: bytes covered by one entry of a table of the given level. */
static inline uint64_t arch_span(const struct arch *a, unsigned level)
{
    unsigned shift = a->page_shift + a->level_bits * (a->levels - 1 - level);
    return shift >= 64 ? 0 : UINT64_C(1) << shift;
}

static inline uint64_t arch_page_down(const struct arch *a, uint64_t x)
{
    return x & ~(a->page_size - 1);
}

/* arch_page_up: x rounded up to a page; false if that overflows. */
static inline bool arch_page_up(const struct arch *a, uint64_t x, uint64_t *out)
{
    uint64_t r = (x + a->page_size - 1) & ~(a->page_size - 1);
    if (r < x)
        return false;
    *out = r;
    return true;
}

#endif
