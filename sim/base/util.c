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
