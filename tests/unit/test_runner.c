/* test_runner.c -- the run loop (include/vmsim/runner.h), and what its
 * reading ahead must never change. With LOOKAHEAD_ALWAYS the loop reads the
 * trace in batches and prefetches each access's memory lines before it
 * runs (engine.h: vm_prefetch); with LOOKAHEAD_NEVER it reads and runs one
 * line at a time. Every bundled trace, the error traces among them, and
 * large swapping runs under every policy must give the same status, the
 * same -v lines, messages and summary both ways, and the default (AUTO)
 * the same as either. */
#define _DEFAULT_SOURCE /* open_memstream, glob, mkstemp */
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include <cmocka.h>

#include "vmsim/engine.h"
#include "vmsim/options.h"
#include "vmsim/runner.h"

/* one run's output */
struct result {
    int status;
    char *out, *err;
    size_t out_len, err_len;
    uint64_t hits, evictions;
};

static void result_free(struct result *r)
{
    free(r->out);
    free(r->err);
}

/* run: the trace (a path, or mem[0 .. len) when mem is set) as `vmsim run
 * -v` runs it (the machine of its options lines), reading ahead as la says */
static struct result run(const char *path, const char *mem, size_t len, enum run_lookahead la)
{
    struct result res = {0};
    struct vm_options none;
    struct run_opts o;
    vm_options_init(&none);
    run_opts_default(&o);
    o.machine = &none;
    o.trace = path;
    o.mem = mem;
    o.mem_len = len;
    o.verbose = true;
    o.lookahead = la;
    o.out = open_memstream(&res.out, &res.out_len);
    o.err = open_memstream(&res.err, &res.err_len);
    assert_non_null(o.out);
    assert_non_null(o.err);
    struct vm *vm = NULL;
    res.status = vmsim_run(&o, &vm);
    if (vm) {
        res.hits = vm->c.hits;
        res.evictions = vm->c.evictions;
        vm_free(vm);
    }
    fclose(o.out);
    fclose(o.err);
    return res;
}

/* same: the two results are byte for byte the same (named in a failure) */
static void same(const char *name, const struct result *a, const struct result *b)
{
    if (a->status != b->status || a->out_len != b->out_len || memcmp(a->out, b->out, a->out_len) ||
        a->err_len != b->err_len || memcmp(a->err, b->err, a->err_len) || a->hits != b->hits ||
        a->evictions != b->evictions) {
        print_error("%s: reading ahead changed the run (status %d and %d, %zu and %zu bytes out, %zu and %zu "
                    "bytes of messages)\n",
                    name, a->status, b->status, a->out_len, b->out_len, a->err_len, b->err_len);
        fail();
    }
}

/* ---- every bundled trace ------------------------------------------------------------ */

static void bundled_traces_run_the_same_read_ahead(void **state)
{
    (void)state;
    static const char *const patterns[] = {"tests/traces/*.trace", "tests/errors/*.trace", "traces/*.trace",
                                           "traces/workloads/*.trace"};
    size_t total = 0, errors = 0;
    for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++) {
        glob_t g;
        assert_int_equal(glob(patterns[k], 0, NULL, &g), 0);
        for (size_t i = 0; i < g.gl_pathc; i++) {
            struct result never = run(g.gl_pathv[i], NULL, 0, LOOKAHEAD_NEVER);
            struct result always = run(g.gl_pathv[i], NULL, 0, LOOKAHEAD_ALWAYS);
            same(g.gl_pathv[i], &never, &always);
            errors += never.status == 2;
            result_free(&never);
            result_free(&always);
            total++;
        }
        globfree(&g);
    }
    /* the suite's traces are all there, and the error traces did stop */
    assert_true(total > 400);
    assert_true(errors > 100);
}

/* ---- large runs that swap -------------------------------------------------------------- */

/* splitmix64, for the test's own accesses */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* swap_trace: a machine of 1024 frames under `policy`, three processes
 * (two forked) over 4096 pages each, 30000 random reads and writes, an
 * munmap and a fork in the middle, and a malformed line at the end when
 * bad is set; a malloc'd string */
static char *swap_trace(const char *policy, uint64_t seed, bool bad, size_t *len)
{
    size_t cap = 2 << 20;
    char *t = malloc(cap);
    assert_non_null(t);
    size_t n = (size_t)snprintf(t, cap,
                                "options --frames 1024 --swap 64M --policy %s --seed 5\n"
                                "spawn 1\nmmap 1 0x10000000 4096p rw- private\ntouch 1 0x10000000 4096p w\n"
                                "fork 1 2\n",
                                policy);
    for (int i = 0; i < 30000; i++) {
        uint64_t r = next_rand(&seed);
        unsigned pid = i < 15000 ? 1 + (unsigned)(r % 2) : 1 + (unsigned)(r % 3);
        uint64_t va = 0x10000000 + (r >> 20) % 4096 * 4096;
        if (i == 15000)
            n += (size_t)snprintf(t + n, cap - n, "fork 2 3\nmunmap 1 0x10400000 64p\n");
        n += (size_t)snprintf(t + n, cap - n, "%s %u 0x%llx\n", r & 4 ? "write" : "read", pid,
                              (unsigned long long)va);
        if (i % 5000 == 4999)
            n += (size_t)snprintf(t + n, cap - n, "expect stat faults.total > 0\nmark step%d\n", i);
    }
    if (bad)
        n += (size_t)snprintf(t + n, cap - n, "read 1 0x10000000 0x10000000 0x10000000 extra\n");
    assert_true(n < cap);
    *len = n;
    return t;
}

static void swapping_runs_are_the_same_read_ahead(void **state)
{
    (void)state;
    static const char *const policies[] = {"fifo", "lru", "clock", "random", "opt"};
    for (size_t k = 0; k < sizeof policies / sizeof policies[0]; k++)
        for (int bad = 0; bad < 2; bad++) {
            size_t len;
            char *t = swap_trace(policies[k], 11 + k, bad, &len);
            struct result never = run("-", t, len, LOOKAHEAD_NEVER);
            struct result always = run("-", t, len, LOOKAHEAD_ALWAYS);
            struct result aut = run("-", t, len, LOOKAHEAD_AUTO);
            same(policies[k], &never, &always);
            same(policies[k], &never, &aut);
            /* the run did swap, and a malformed line stops it */
            assert_true(never.evictions > 10000);
            assert_int_equal(never.status, bad ? 2 : 0);
            if (bad)
                assert_non_null(strstr(never.err, ": error: "));
            result_free(&never);
            result_free(&always);
            result_free(&aut);
            free(t);
        }
}

/* from a file, on its own (AUTO): the thread parses ahead while the model
 * is small, and stops when it grows past the host's caches, the run going on
 * with the lines it had not parsed: the same run as one line at a time */
static void a_file_whose_model_grows(void **state)
{
    (void)state;
    char path[] = "/tmp/test_runner_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "options --mem 2G\nspawn 1\nmmap 1 0x10000000 16p rw- private\n");
    uint64_t seed = 7;
    for (int i = 0; i < 20000; i++) /* a small model first: the thread reads ahead */
        fprintf(f, "read 1 0x%llx\n", (unsigned long long)(0x10000000 + next_rand(&seed) % 16 * 4096));
    fprintf(f, "mmap 1 0x40000000 262144p rw- private\ntouch 1 0x40000000 262144p w\n");
    for (int i = 0; i < 50000; i++) { /* then a large one: prefetching */
        uint64_t r = next_rand(&seed);
        fprintf(f, "%s 1 0x%llx\n", r & 1 ? "write" : "read", (unsigned long long)(0x40000000 + (r >> 8) % 262144 * 4096));
        if (i % 10000 == 0)
            fprintf(f, "expect stat faults.total > 0\n# a comment\n\n");
    }
    fprintf(f, "bogus line\n");
    assert_int_equal(fclose(f), 0);
    struct result never = run(path, NULL, 0, LOOKAHEAD_NEVER);
    struct result aut = run(path, NULL, 0, LOOKAHEAD_AUTO);
    same(path, &never, &aut);
    assert_int_equal(never.status, 2);
    assert_non_null(strstr(never.err, ":70021: error: ")); /* the last line, after all the others ran */
    result_free(&never);
    result_free(&aut);
    unlink(path);
}

/* text_opts: options for a run of the trace text t ("-", its options
 * lines' machine), with no output */
static void text_opts(struct run_opts *o, struct vm_options *none, const char *t)
{
    vm_options_init(none);
    run_opts_default(o);
    o->machine = none;
    o->trace = "-";
    o->mem = t;
    o->mem_len = strlen(t);
    o->out = o->err = NULL;
}

/* a model larger than the host's caches reads ahead by itself (AUTO) */
static void a_large_model_reads_ahead(void **state)
{
    (void)state;
    const char *t = "options --mem 2G\nspawn 1\nmmap 1 0x10000000 262144p rw- private\ntouch 1 0x10000000 262144p w\n";
    struct vm_options none;
    struct run_opts o;
    text_opts(&o, &none, t);
    struct vm *vm = NULL;
    assert_int_equal(vmsim_run(&o, &vm), 0);
    assert_true(vm_prefetch_pays(vm));
    vm_free(vm);
    t = "spawn 1\nmmap 1 0x10000000 16p rw- private\ntouch 1 0x10000000 16p w\n";
    o.mem = t;
    o.mem_len = strlen(t);
    assert_int_equal(vmsim_run(&o, &vm), 0);
    assert_false(vm_prefetch_pays(vm));
    vm_free(vm);
}

/* opt's trace text and its index count in --max-memory with the model:
 * text and index that fit leave the model less room. The trace is 40 KB of
 * comments and two reads of one page: its index takes its first rooms
 * (some 29 KB); the model, tables for one page, some 18 KB more. */
static int run_opt_within(const char *t, uint64_t max_memory, char **err)
{
    struct vm_options none;
    struct run_opts o;
    size_t err_len = 0;
    text_opts(&o, &none, t);
    o.cfg.lim.max_memory = max_memory;
    o.err = open_memstream(err, &err_len);
    assert_non_null(o.err);
    int status = vmsim_run(&o, NULL);
    fclose(o.err);
    return status;
}

static void opt_shares_max_memory_with_its_future(void **state)
{
    (void)state;
    char *t = malloc(64 << 10), *err = NULL;
    assert_non_null(t);
    size_t n = (size_t)sprintf(t, "options --policy opt --swap 64p --frames 4\nspawn 1\nmmap 1 0x10000 1p rw- private\n"
                                  "read 1 0x10000\n");
    for (int i = 0; i < 40; i++) {
        memset(t + n, 'x', 999);
        t[n] = '#';
        t[n + 999] = '\n';
        n += 1000;
    }
    memcpy(t + n, "read 1 0x10000\n", sizeof "read 1 0x10000\n");
    /* text and index fit in 80 KB; with the model, they do not */
    assert_int_equal(run_opt_within(t, 80 << 10, &err), 2);
    assert_non_null(strstr(err, "error: the simulation needs more than 81920 bytes of memory (--max-memory)"));
    free(err);
    /* the text (40,087 bytes) leaves the index no room in 39 KB, and too
     * little in 50 KB: it stops at the access that finds none */
    assert_int_equal(run_opt_within(t, 39 << 10, &err), 2);
    assert_non_null(strstr(err, ":4: error: opt: more accesses and lines ahead than --max-memory lets it index"));
    free(err);
    assert_int_equal(run_opt_within(t, 50 << 10, &err), 2);
    assert_non_null(strstr(err, ":45: error: opt: more accesses and lines ahead than --max-memory lets it index"));
    free(err);
    assert_int_equal(run_opt_within(t, 120 << 10, &err), 0);
    free(err);
    free(t);
}

/* --max-memory counts what a trace declares (programs) and the frames in
 * use, not only tables: a trace of declarations alone stops at the bound,
 * at the line that passes it */
static void max_memory_counts_programs_and_frames(void **state)
{
    (void)state;
    size_t cap = (size_t)20000 * 16, n = 0;
    char *t = malloc(cap), *err = NULL;
    assert_non_null(t);
    for (int i = 0; i < 20000; i++)
        n += (size_t)snprintf(t + n, cap - n, "program p%d\n", i);
    assert_int_equal(run_opt_within(t, 1 << 20, &err), 2);
    assert_non_null(strstr(err, "error: the simulation needs more than 1048576 bytes of memory (--max-memory)"));
    free(err);
    assert_int_equal(run_opt_within(t, 64 << 20, &err), 0);
    free(err);
    /* 16384 frames in use: 36 bytes each at least, past 512 KiB */
    const char *f = "options --frames 16384\nspawn 1\nmmap 1 0x10000000 16384p rw- private\n"
                    "touch 1 0x10000000 16384p w\n";
    assert_int_equal(run_opt_within(f, 512 << 10, &err), 2);
    assert_non_null(strstr(err, ":4: error: the simulation needs more than 524288 bytes"));
    free(err);
    assert_int_equal(run_opt_within(f, 2 << 20, &err), 0);
    free(err);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bundled_traces_run_the_same_read_ahead),
        cmocka_unit_test(swapping_runs_are_the_same_read_ahead),
        cmocka_unit_test(a_large_model_reads_ahead),
        cmocka_unit_test(a_file_whose_model_grows),
        cmocka_unit_test(opt_shares_max_memory_with_its_future),
        cmocka_unit_test(max_memory_counts_programs_and_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
