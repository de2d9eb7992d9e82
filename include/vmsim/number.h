/* number.h -- numbers as the trace language writes them, for the parser,
 * the arch geometry and the command line alike.
 *
 * A number is decimal ("4096") or hex ("0x1000"), never octal, with an
 * optional suffix: K M G T (x 2^10, 2^20, 2^30, 2^40) or p (x the page
 * size, where one is known). Values are unsigned 64-bit; a value that does
 * not fit is "out of range", anything else not a number is "bad".
 */
#ifndef VMSIM_NUMBER_H
#define VMSIM_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* value + 1 of a hex digit, 0 for other bytes */
extern const unsigned char number_hexv[256];
extern const char number_msg_bad[];   /* "bad number" */
extern const char number_msg_range[]; /* "number out of range" */
extern const char number_msg_no_p[];  /* "suffix p (pages) is not allowed here" */

/* number_parse: parses the word [s, s+len); page_size 0 refuses the p
 * suffix. 0, or -1 with the reason (one of the messages above) in *err
 * when err is not NULL. */
int number_parse(const char *s, size_t len, uint64_t page_size, uint64_t *out, const char **err);

/* number_format_pss: a number of pages with 3 decimals, rounded half up
 * as people round ("0.063" for 1/16), as pss is written. */
void number_format_pss(double pss, char *buf, size_t len);

/* number_suffix_fix: when [s, s+len) is not a number only because its
 * suffix has the wrong case ("4k", "2P"), the suffix it should have ('K',
 * 'p'); else 0. */
char number_suffix_fix(const char *s, size_t len, uint64_t page_size);

/* num_parse: number_parse inline, for the parser's hot path (s, len valid). */
static inline int num_parse(const char *s, size_t len, uint64_t page_size, uint64_t *out, const char **err)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *e = p + len;
    uint64_t v = 0;
    unsigned shift = 0;
    bool pages = false;

    if (len == 0)
        goto bad;
    switch (e[-1]) {
    case 'K': shift = 10; e--; break;
    case 'M': shift = 20; e--; break;
    case 'G': shift = 30; e--; break;
    case 'T': shift = 40; e--; break;
    case 'p': pages = true; e--; break;
    default: break;
    }
    if (e - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        for (p += 2; p < e - 1 && *p == '0'; p++)
            ;
        if (e - p > 16) { /* too big, if it is a number at all */
            for (const unsigned char *q = p; q < e; q++)
                if (!number_hexv[*q])
                    goto bad;
            goto range;
        }
        for (; p < e; p++) {
            unsigned d = number_hexv[*p];
            if (!d)
                goto bad;
            v = v << 4 | (d - 1);
        }
    } else {
        if (p == e)
            goto bad;
        for (; p < e - 1 && *p == '0'; p++)
            ;
        if (e - p >= 20) { /* 20 digits may overflow, more do */
            for (const unsigned char *q = p; q < e; q++)
                if ((unsigned)*q - '0' > 9)
                    goto bad;
            if (e - p > 20)
                goto range;
        }
        const unsigned char *stop = e - p == 20 ? e - 1 : e; /* 19 digits cannot overflow */
        for (; p < stop; p++) {
            unsigned d = (unsigned)*p - '0';
            if (d > 9)
                goto bad;
            v = v * 10 + d;
        }
        if (p < e) {
            unsigned d = (unsigned)*p - '0';
            if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && d > UINT64_MAX % 10))
                goto range;
            v = v * 10 + d;
        }
    }
    if (shift) {
        if (v >> (64 - shift))
            goto range;
        v <<= shift;
    } else if (pages) {
        if (!page_size) {
            *err = number_msg_no_p;
            return -1;
        }
        if (v > UINT64_MAX / page_size)
            goto range;
        v *= page_size;
    }
    *out = v;
    return 0;
bad:
    *err = number_msg_bad;
    return -1;
range:
    *err = number_msg_range;
    return -1;
}

#endif
