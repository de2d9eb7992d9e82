/* arch.c -- the arch presets and custom geometries (see arch.h). */
#include "vmsim/arch.h"

#include "vmsim/number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct preset {
    const char *name;
    unsigned va_bits, page_shift, levels;
};

static const struct preset presets[] = {
    {"x86_64", 48, 12, 4},
    {"sv39", 39, 12, 3},
    {"i386", 32, 12, 2},
    {"tiny", 16, 8, 2},
};

/* fill: the derived numbers of a geometry; -1 if it is not one */
static int fill(struct arch *a, unsigned va_bits, unsigned page_shift, unsigned levels, char *err,
                unsigned errlen)
{
    if (page_shift < ARCH_MIN_PAGE_SHIFT || page_shift > ARCH_MAX_PAGE_SHIFT) {
        snprintf(err, errlen, "page size must be a power of two from %u to %u bytes",
                 1u << ARCH_MIN_PAGE_SHIFT, 1u << ARCH_MAX_PAGE_SHIFT);
        return -1;
    }
    if (va_bits > 64 || va_bits <= page_shift) {
        snprintf(err, errlen, "va must be above log2(page size) = %u and at most 64 bits", page_shift);
        return -1;
    }
    if (levels < 1 || (va_bits - page_shift) % levels) {
        snprintf(err, errlen, "levels (%u) must divide va - log2(page size) = %u", levels, va_bits - page_shift);
        return -1;
    }
    unsigned lb = (va_bits - page_shift) / levels;
    if (lb > ARCH_MAX_LEVEL_BITS) {
        snprintf(err, errlen, "%u index bits per level is too many (at most %u)", lb,
                 (unsigned)ARCH_MAX_LEVEL_BITS);
        return -1;
    }
    a->va_bits = va_bits;
    a->page_shift = page_shift;
    a->levels = levels;
    a->level_bits = lb;
    a->page_size = UINT64_C(1) << page_shift;
    a->user_top = UINT64_C(1) << (va_bits >= 32 ? va_bits - 1 : va_bits);
    /* 0x400000 rounded up to a whole page (pages above 4 MiB), so that every
     * VMA of a program image is page-aligned */
    a->text_base = va_bits >= 32 ? (UINT64_C(0x400000) + a->page_size - 1) & ~(a->page_size - 1) : a->page_size;
    a->default_frames = 16384;
    a->index_mask = (UINT64_C(1) << lb) - 1;
    for (unsigned l = 0; l < levels; l++) /* at most va_bits - lb: below 64 */
        a->shift[l] = (uint8_t)(page_shift + lb * (levels - 1 - l));
    return 0;
}

/* number: a size as the trace language writes numbers (decimal or 0x hex,
 * K/M/G/T suffixes; never octal, no blanks) */
static int number(const char *s, uint64_t *out)
{
    const char *why;
    return number_parse(s, strlen(s), 0, out, &why);
}

int arch_parse(struct arch *a, const char *spec, char *err, unsigned errlen)
{
    memset(a, 0, sizeof *a);
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (!strcmp(spec, presets[i].name)) {
            if (fill(a, presets[i].va_bits, presets[i].page_shift, presets[i].levels, err, errlen))
                return -1;
            snprintf(a->name, sizeof a->name, "%s", spec);
            if (!strcmp(spec, "tiny"))
                a->default_frames = 64;
            return 0;
        }
    /* va=N,page=SIZE,levels=L in any order */
    uint64_t va = 0, page = 0, levels = 0;
    char buf[128];
    if (strlen(spec) >= sizeof buf || !strchr(spec, '=')) {
        snprintf(err, errlen, "unknown arch '%.40s' (x86_64, sv39, i386, tiny or va=N,page=SIZE,levels=L)",
                 spec);
        return -1;
    }
    memcpy(buf, spec, strlen(spec) + 1); /* fits: checked above */
    /* exactly three KEY=VALUE fields: no empty ones */
    size_t len = strlen(buf);
    bool empty = buf[0] == ',' || buf[len - 1] == ',' || strstr(buf, ",,");
    for (char *save = NULL, *tok = empty ? NULL : strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        uint64_t *dst = NULL;
        if (eq && eq - tok == 2 && !strncmp(tok, "va", 2))
            dst = &va;
        else if (eq && eq - tok == 4 && !strncmp(tok, "page", 4))
            dst = &page;
        else if (eq && eq - tok == 6 && !strncmp(tok, "levels", 6))
            dst = &levels;
        if (!dst || *dst || number(eq + 1, dst) || !*dst) {
            snprintf(err, errlen, "bad arch '%.40s': expected va=N,page=SIZE,levels=L", spec);
            return -1;
        }
    }
    if (empty || !va || !page || !levels) {
        snprintf(err, errlen, "bad arch '%.40s': expected va=N,page=SIZE,levels=L", spec);
        return -1;
    }
    if (page & (page - 1)) {
        snprintf(err, errlen, "page size %llu is not a power of two", (unsigned long long)page);
        return -1;
    }
    if (va > 64 || levels > 64) {
        snprintf(err, errlen, "va must be at most 64 bits");
        return -1;
    }
    if (fill(a, (unsigned)va, (unsigned)__builtin_ctzll(page), (unsigned)levels, err, errlen))
        return -1;
    snprintf(a->name, sizeof a->name, "va=%u,page=%llu,levels=%u", a->va_bits,
             (unsigned long long)a->page_size, a->levels);
    return 0;
}
