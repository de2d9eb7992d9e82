/* util.c -- asserts and checked allocation (see util.h). */
#include "vmsim/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vm_assert_fail(const char *expr, const char *file, int line)
{
    fflush(stdout);
    fprintf(stderr, "vmsim: internal error at %s:%d: %s\n", file, line, expr);
    abort();
}

static void *check(void *p)
{
    if (!p) {
        fflush(stdout);
        fputs("vmsim: out of memory\n", stderr);
        exit(3);
    }
    return p;
}

void *vm_xmalloc(size_t n) { return check(malloc(n ? n : 1)); }
void *vm_xcalloc(size_t n, size_t size) { return check(calloc(n ? n : 1, size ? size : 1)); }
void *vm_xrealloc(void *p, size_t n) { return check(realloc(p, n ? n : 1)); }

char *vm_xstrndup(const char *s, size_t n)
{
    char *d = vm_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

int vm_name_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

const char *vm_name_list(const char *const *names, int n, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = 0;
    for (int i = 0; i < n && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
    return buf;
}
