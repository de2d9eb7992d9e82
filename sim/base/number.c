/* number.c -- numbers of the trace language (see number.h). */
#include "vmsim/number.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* value + 1 of a hex digit, 0 for other bytes */
const unsigned char number_hexv[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

const char number_msg_bad[] = "bad number";
const char number_msg_range[] = "number out of range";
const char number_msg_no_p[] = "suffix p (pages) is not allowed here";

int number_parse(const char *s, size_t len, uint64_t page_size, uint64_t *out, const char **err)
{
    const char *e = number_msg_bad;
    if (s && len && num_parse(s, len, page_size, out, &e) == 0)
        return 0;
    if (err)
        *err = e;
    return -1;
}

void number_format_pss(double pss, char *buf, size_t len)
{
    /* half up, as people round: 1/16 = 0.0625 -> 0.063 */
    uint64_t milli = (uint64_t)floor(pss * 1000.0 + 0.5 + 1e-9);
    snprintf(buf, len, "%" PRIu64 ".%03" PRIu64, milli / 1000, milli % 1000);
}

char number_suffix_fix(const char *s, size_t len, uint64_t page_size)
{
    static const char wrong[] = "kmgtP", right[] = "KMGTp";
    uint64_t v;
    const char *e;
    if (!s || len < 2)
        return 0;
    const char *w = memchr(wrong, s[len - 1], sizeof wrong - 1);
    if (!w || (*w == 'P' && !page_size))
        return 0;
    char buf[64];
    if (len > sizeof buf)
        return 0;
    memcpy(buf, s, len);
    char fix = right[w - wrong];
    buf[len - 1] = fix;
    if (num_parse(buf, len, page_size, &v, &e))
        return 0;
    return fix;
}
