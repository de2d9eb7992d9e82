/* test_gen.c -- unit tests of the trace generators (sim/gen.c,
 * include/vmsim/gen.h): the PRNG's known values and bounds, the options and
 * their errors, the same bytes for the same options, and every profile's
 * output run through vmsim_run with --check in every fork mode (exit 0). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include <cmocka.h>

#include "vmsim/gen.h"
#include "vmsim/engine.h"
#include "vmsim/machine.h"
#include "vmsim/options.h"
#include "vmsim/runner.h"

/* ---- helpers ------------------------------------------------------------- */

/* gen: the trace of these options in a malloc'd string (NULL on error,
 * with the message in err) */
static char *gen(const struct gen_opts *o, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    int r = gen_trace(o, f, err, errlen);
    fclose(f);
    if (r) {
        assert_int_equal(len, 0); /* nothing written on an error */
        free(buf);
        return NULL;
    }
    return buf;
}

static void opts(struct gen_opts *o, const char *profile, uint64_t seed)
{
    gen_opts_default(o);
    o->profile = profile;
    o->seed = seed;
}

static void set(struct gen_opts *o, const char *name, const char *value)
{
    char err[128];
    assert_int_equal(gen_opts_set(o, name, value, err, sizeof err), 0);
}

/* run: runs the trace with --check on the machine it was made for, in a
 * fork mode; returns the status; the machine in *vm_out if not NULL */
static int run(const struct gen_opts *o, const char *text, enum fork_mode mode, bool pt_frames, struct vm **vm_out)
{
    struct run_opts r;
    char err[256];
    run_opts_default(&r);
    assert_int_equal(gen_machine(o, &r.cfg.arch, &r.cfg.frames, err, sizeof err), 0);
    r.cfg.fork = mode;
    r.cfg.pt_frames = pt_frames;
    r.trace = "gen.trace";
    r.mem = text;
    r.mem_len = strlen(text);
    r.summary = false;
    r.check = true;
    r.max_warnings = 0;
    r.out = tmpfile();
    r.err = tmpfile();
    assert_non_null(r.out);
    assert_non_null(r.err);
    struct vm *vm = NULL;
    int status = vmsim_run(&r, &vm);
    if (status) { /* show why */
        char msg[512];
        rewind(r.err);
        size_t n = fread(msg, 1, sizeof msg - 1, r.err);
        msg[n] = 0;
        print_error("%s", msg);
    }
    fclose(r.out);
    fclose(r.err);
    if (vm_out)
        *vm_out = vm;
    else
        vm_free(vm);
    return status;
}

/* ---- the PRNG --------------------------------------------------------------- */

static void rng_known_values(void **state)
{
    (void)state;
    struct gen_rng r;
    gen_rng_seed(&r, 0);
    assert_true(gen_rng_next(&r) == UINT64_C(0xe220a8397b1dcdaf));
    assert_true(gen_rng_next(&r) == UINT64_C(0x6e789e6aa1b965f4));
    assert_true(gen_rng_next(&r) == UINT64_C(0x06c45d188009454f));
    gen_rng_seed(&r, 1);
    assert_true(gen_rng_next(&r) == UINT64_C(0x910a2dec89025cc1));
    assert_true(gen_rng_next(&r) == UINT64_C(0xbeeb8da1658eec67));
    assert_true(gen_rng_next(&r) == UINT64_C(0xf893a2eefb32555e));
}

static void rng_deterministic(void **state)
{
    (void)state;
    struct gen_rng a, b, c;
    gen_rng_seed(&a, 42);
    gen_rng_seed(&b, 42);
    gen_rng_seed(&c, 43);
    bool differ = false;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = gen_rng_next(&a);
        assert_true(x == gen_rng_next(&b));
        differ |= x != gen_rng_next(&c);
    }
    assert_true(differ);
}

static void rng_below_bounds(void **state)
{
    (void)state;
    struct gen_rng r;
    gen_rng_seed(&r, 7);
    static const uint64_t ns[] = {1, 2, 3, 6, 7, 1000, UINT64_C(1) << 32, (UINT64_C(1) << 63) + 1, UINT64_MAX};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++)
        for (int i = 0; i < 2000; i++)
            assert_true(gen_rng_below(&r, ns[k]) < ns[k]);
    /* 0 draws nothing */
    struct gen_rng s = r;
    assert_true(gen_rng_below(&r, 0) == 0);
    assert_true(gen_rng_next(&r) == gen_rng_next(&s));
    /* below(n) of seed 1 is next() % n when no draw is rejected */
    gen_rng_seed(&r, 1);
    assert_true(gen_rng_below(&r, 10) == 5);
    assert_true(gen_rng_below(&r, 10) == 9);
    assert_true(gen_rng_below(&r, 10) == 0);
}

static void rng_below_uniform(void **state)
{
    (void)state;
    struct gen_rng r;
    gen_rng_seed(&r, 3);
    unsigned count[6] = {0};
    for (int i = 0; i < 60000; i++)
        count[gen_rng_below(&r, 6)]++;
    for (int k = 0; k < 6; k++)
        assert_true(count[k] > 9400 && count[k] < 10600);
    /* n just above 2^63: half the draws are rejected, the rest must be
     * spread over both halves of the range */
    unsigned high = 0;
    uint64_t n = (UINT64_C(1) << 63) + 1;
    for (int i = 0; i < 4000; i++)
        high += gen_rng_below(&r, n) >= n / 2;
    assert_true(high > 1800 && high < 2200);
}

/* ---- options -------------------------------------------------------------- */

static void profiles_listed(void **state)
{
    (void)state;
    size_t n;
    const struct gen_profile_info *p = gen_profiles(&n);
    static const char *const names[] = {"shell",    "prefork",  "snapshot", "zygote", "build",
                                        "cowtest",  "refstring", "swap",    "tlb",      "forktree",
                                        "cow",      "exec",     "shared",   "pressure", "mixed"};
    assert_int_equal(n, sizeof names / sizeof names[0]);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(p[i].name, names[i]);
        assert_ptr_equal(gen_profile_find(names[i]), &p[i]);
        assert_true(p[i].workload == (i < 9));
        assert_true(p[i].nparams > 0 && p[i].help && p[i].help[0]);
    }
    assert_null(gen_profile_find("nope"));
}

static void machine_defaults(void **state)
{
    (void)state;
    struct gen_opts o;
    struct arch a;
    uint32_t frames;
    char err[128];
    opts(&o, "pressure", 1);
    assert_int_equal(gen_machine(&o, &a, &frames, err, sizeof err), 0);
    assert_string_equal(a.name, "tiny");
    assert_int_equal(frames, 12);
    opts(&o, "cowtest", 1);
    assert_int_equal(gen_machine(&o, &a, &frames, err, sizeof err), 0);
    assert_string_equal(a.name, "sv39");
    assert_int_equal(frames, 16384);
    opts(&o, NULL, 1); /* mixed */
    o.arch = "tiny";
    o.frames = 100;
    assert_int_equal(gen_machine(&o, &a, &frames, err, sizeof err), 0);
    assert_string_equal(a.name, "tiny");
    assert_int_equal(frames, 100);
}

static void expect_error(struct gen_opts *o, const char *want)
{
    char err[256] = "";
    char *t = gen(o, err, sizeof err);
    assert_null(t);
    if (!strstr(err, want))
        fail_msg("error '%s' lacks '%s'", err, want);
}

static void option_errors(void **state)
{
    (void)state;
    struct gen_opts o;
    opts(&o, "nope", 1);
    expect_error(&o, "unknown profile 'nope'");
    opts(&o, "cow", 1);
    set(&o, "size", "1M");
    expect_error(&o, "profile 'cow' has no parameter --size");
    opts(&o, "cow", 1);
    set(&o, "events", "0");
    expect_error(&o, "--events must be from 1 to 1000000");
    opts(&o, "snapshot", 1);
    set(&o, "write", "1.01");
    expect_error(&o, "--write takes a fraction from 0 to 1");
    opts(&o, "shell", 1);
    set(&o, "spawn", "clone");
    expect_error(&o, "--spawn takes fork/vfork, not 'clone'");
    opts(&o, "prefork", 1);
    o.arch = "tiny";
    set(&o, "size", "63K");
    expect_error(&o, "--size 63K does not fit in the address space of tiny");
    opts(&o, "cowtest", 1);
    o.arch = "tiny";
    o.frames = 1000;
    expect_error(&o, "give fewer --frames");
    opts(&o, "exec", 1);
    o.arch = "tiny";
    o.frames = 3;
    expect_error(&o, "profile 'exec' needs at least");
    opts(&o, "cow", 1);
    o.arch = "va=12";
    expect_error(&o, "--arch:");
    /* too many settings */
    gen_opts_default(&o);
    char err[128];
    static const char *const names[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i",
                                        "j", "k", "l", "m", "n", "o", "p", "q"};
    int r = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        r |= gen_opts_set(&o, names[i], "1", err, sizeof err);
    assert_int_equal(r, -1);
}

static void same_bytes(void **state)
{
    (void)state;
    struct gen_opts a, b;
    char err[128];
    opts(&a, "snapshot", 9);
    set(&a, "write", "25%");
    set(&a, "size", "64p");
    opts(&b, "snapshot", 9);
    set(&b, "size", "256K"); /* 64 pages of 4 KiB */
    set(&b, "write", "0.250");
    char *ta = gen(&a, err, sizeof err), *tb = gen(&b, err, sizeof err);
    assert_non_null(ta);
    assert_non_null(tb);
    assert_string_equal(ta, tb);
    /* the ARG lines come first, with every parameter in its canonical form */
    const char *head = "# ARG profile snapshot\n# ARG seed 9\n# ARG arch x86_64\n# ARG frames 16384\n"
                       "# ARG size 256K\n# ARG write 0.25\n# ARG steps 16\n";
    assert_memory_equal(ta, head, strlen(head));
    /* another seed, another trace */
    b.seed = 10;
    char *tc = gen(&b, err, sizeof err);
    assert_non_null(tc);
    assert_true(strcmp(ta, tc) != 0);
    free(ta);
    free(tb);
    free(tc);
}

/* ---- every profile's output is valid -------------------------------------- */

static void profiles_valid(void **state)
{
    (void)state;
    size_t n;
    const struct gen_profile_info *p = gen_profiles(&n);
    char err[256];
    for (size_t i = 0; i < n; i++)
        for (uint64_t seed = 1; seed <= 4; seed++) {
            struct gen_opts o;
            opts(&o, p[i].name, seed);
            char *t = gen(&o, err, sizeof err);
            if (!t)
                fail_msg("%s: %s", p[i].name, err);
            char *again = gen(&o, err, sizeof err);
            assert_non_null(again);
            assert_string_equal(t, again);
            free(again);
            assert_null(strstr(t, "expect "));
            for (int mode = FORK_COW; mode <= FORK_SHAREPT; mode++)
                if (run(&o, t, (enum fork_mode)mode, mode == FORK_SHAREPT, NULL))
                    fail_msg("%s seed %u mode %d: not valid", p[i].name, (unsigned)seed, mode);
            free(t);
        }
}

/* the random problems at other sizes and on other machines */
static void problems_valid(void **state)
{
    (void)state;
    static const char *const profs[] = {"forktree", "cow", "exec", "shared", "pressure", "mixed"};
    static const char *const arches[] = {"x86_64", "tiny", "i386", "va=20,page=256,levels=3"};
    char err[256];
    for (size_t i = 0; i < sizeof profs / sizeof profs[0]; i++)
        for (size_t k = 0; k < sizeof arches / sizeof arches[0]; k++) {
            struct gen_opts o;
            opts(&o, profs[i], 100 + k);
            o.arch = arches[k];
            if (k == 3)
                o.frames = 48;
            set(&o, "procs", "6");
            set(&o, "events", "150");
            char *t = gen(&o, err, sizeof err);
            if (!t)
                fail_msg("%s on %s: %s", profs[i], arches[k], err);
            struct vm *vm;
            for (int mode = FORK_COW; mode <= FORK_SHAREPT; mode++) {
                if (run(&o, t, (enum fork_mode)mode, true, &vm))
                    fail_msg("%s on %s, mode %d: not valid", profs[i], arches[k], mode);
                assert_int_equal(vm->c.events_total, 150);
                if (strcmp(profs[i], "pressure")) { /* within the frames: nothing reclaimed, killed or lost */
                    assert_int_equal(vm->c.skipped, 0);
                    assert_int_equal(vm->pc.drops, 0);
                    assert_int_equal(vm->c.killed_oom, 0);
                    assert_int_equal(vm->c.fork_failed, 0);
                }
                vm_free(vm);
            }
            free(t);
        }
}

/* the key numbers of two workloads */
static void workload_numbers(void **state)
{
    (void)state;
    char err[256];
    struct vm *vm;
    /* cowtest simple: a process holding two thirds of memory forks; under
     * copy both forks fail, under cow none does */
    struct gen_opts o;
    opts(&o, "cowtest", 1);
    o.arch = "tiny";
    o.frames = 30;
    char *t = gen(&o, err, sizeof err);
    assert_non_null(t);
    assert_int_equal(run(&o, t, FORK_COPY, false, &vm), 0);
    assert_int_equal(vm->c.fork_failed, 2);
    vm_free(vm);
    assert_int_equal(run(&o, t, FORK_COW, false, &vm), 0);
    assert_int_equal(vm->c.fork_failed, 0);
    assert_int_equal(vm->c.frames_peak, 20 + 2 + 1); /* the heap, the text, the stack */
    vm_free(vm);
    free(t);
    /* snapshot: the parent writes half of 256 pages while the child saves:
     * 128 copies, one more for the child's stack, 8 for the data segment */
    opts(&o, "snapshot", 5);
    set(&o, "size", "1M");
    set(&o, "write", "0.5");
    t = gen(&o, err, sizeof err);
    assert_non_null(t);
    assert_int_equal(run(&o, t, FORK_COW, false, &vm), 0);
    assert_int_equal(vm->c.pages_copied, 128 + 1 + 8);
    assert_int_equal(vm->c.faults[FC_COW_COPY], 128 + 1 + 8);
    /* peak: heap, data (cache and copy), stack, text; then the copies */
    assert_int_equal(vm->c.frames_peak, 256 + 8 + 8 + 1 + 8 + 128 + 1);
    vm_free(vm);
    free(t);
}

/* refstring: a given string is written as it is, page by page; a drawn
 * one keeps to the window as often as --locality says, and its pages do
 * not depend on --writes */
static void refstring_lines(void **state)
{
    (void)state;
    char err[256];
    struct gen_opts o;
    opts(&o, "refstring", 1);
    set(&o, "string", "1,2,3,4,1,2,5,1,2,03w,4,5");
    char *t = gen(&o, err, sizeof err);
    assert_non_null(t);
    assert_non_null(strstr(t, "# ARG pages 6\n# ARG length 12\n"));
    assert_non_null(strstr(t, "# ARG string 1,2,3,4,1,2,5,1,2,3w,4,5\n"));
    assert_non_null(strstr(t, "\noptions --frames 3 --swap 6p --policy fifo\n"));
    assert_non_null(strstr(t, "# reference string, 12 accesses of 5 distinct pages (w: a write):\n"
                              "#   1,2,3,4,1,2,5,1,2,3w,4,5\n"));
    assert_non_null(strstr(t, "spawn 1\nmmap 1 0x0 6p rw- private\nread 1 1p\nread 1 2p\n"));
    assert_non_null(strstr(t, "read 1 2p\nwrite 1 3p\nread 1 4p\nread 1 5p\n"));
    /* Belady's string under fifo: 3 hits with 3 frames, 2 with 4 */
    for (uint32_t frames = 3; frames <= 4; frames++) {
        struct run_opts r;
        run_opts_default(&r);
        r.cfg.frames = frames;
        r.cfg.replace = true;
        r.cfg.swap_slots = 6;
        r.cfg.policy = POL_FIFO;
        r.trace = "belady";
        r.mem = t;
        r.mem_len = strlen(t);
        r.summary = false;
        r.check = true;
        r.out = r.err = NULL;
        struct vm *vm = NULL;
        assert_int_equal(vmsim_run(&r, &vm), 0);
        assert_int_equal(vm->c.hits, frames == 3 ? 3 : 2);
        vm_free(vm);
    }
    /* as `vmsim gen | vmsim run -` runs it: the machine of its options line */
    struct run_opts r;
    struct vm_options none;
    vm_options_init(&none);
    run_opts_default(&r);
    r.machine = &none;
    r.trace = "-";
    r.mem = t;
    r.mem_len = strlen(t);
    r.summary = false;
    r.out = r.err = NULL;
    struct vm *vm = NULL;
    assert_int_equal(vmsim_run(&r, &vm), 0);
    assert_int_equal(vm->cfg.frames, 3);
    assert_int_equal(vm->cfg.swap_slots, 6);
    assert_true(vm->cfg.replace);
    assert_int_equal(vm->cfg.policy, POL_FIFO);
    assert_int_equal(vm->c.hits, 3);
    vm_free(vm);
    free(t);

    /* drawn: with locality 1 every access stays in the first window */
    opts(&o, "refstring", 7);
    set(&o, "pages", "50");
    set(&o, "length", "500");
    set(&o, "locality", "1");
    set(&o, "window", "4");
    t = gen(&o, err, sizeof err);
    assert_non_null(t);
    uint64_t lo = UINT64_MAX, hi = 0, n = 0;
    for (const char *p = strstr(t, "\nread 1 "); p; p = strstr(p + 1, "\nread 1 ")) {
        uint64_t page = strtoull(p + 8, NULL, 10);
        lo = page < lo ? page : lo;
        hi = page > hi ? page : hi;
        n++;
    }
    assert_int_equal(n, 500);
    assert_true(hi - lo < 4);
    free(t);
    /* the same pages, whatever the writes */
    opts(&o, "refstring", 9);
    set(&o, "length", "200");
    char *a = gen(&o, err, sizeof err);
    set(&o, "writes", "0.5");
    char *b = gen(&o, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    const char *pa = strstr(a, "\nspawn 1"), *pb = strstr(b, "\nspawn 1");
    size_t writes = 0;
    for (; *pa && *pb; pa++, pb++) {
        if (*pa == *pb)
            continue;
        /* "read 1 4p" against "write 1 4p" */
        assert_true(!strncmp(pa, "read ", 5) && !strncmp(pb, "write ", 6));
        pa += 4;
        pb += 5;
        writes++;
    }
    assert_true(!*pa && !*pb);
    assert_true(writes > 60 && writes < 140);
    free(a);
    free(b);
}

/* run_own: runs the trace as `vmsim gen | vmsim run -` does, on the machine
 * of its options line; the machine in *vm */
static void run_own(const char *t, struct vm **vm)
{
    struct run_opts r;
    struct vm_options none;
    vm_options_init(&none);
    run_opts_default(&r);
    r.machine = &none;
    r.trace = "-";
    r.mem = t;
    r.mem_len = strlen(t);
    r.summary = false;
    r.check = true;
    r.out = r.err = NULL;
    *vm = NULL;
    assert_int_equal(vmsim_run(&r, vm), 0);
}

/* tlb: the options line names the TLB; the loop writes its pages in order,
 * trial after trial, and hits from its second trial on when they fit; the
 * ping-pong flushes at every switch without --asid, never with it */
static void tlb_lines(void **state)
{
    (void)state;
    char err[256];
    struct gen_opts o;
    opts(&o, "tlb", 3);
    set(&o, "pages", "8");
    set(&o, "trials", "3");
    set(&o, "turns", "5");
    set(&o, "turn-pages", "3");
    set(&o, "tlb", "8");
    set(&o, "tlb-ways", "2");
    char *t = gen(&o, err, sizeof err);
    assert_non_null(t);
    assert_non_null(strstr(t, "\noptions --tlb 8 --tlb-ways 2\nspawn 1\nmmap 1 "));
    const char *m = strstr(t, "mark trial2\nwrite 1 ");
    assert_non_null(m);
    uint64_t first = strtoull(m + strlen("mark trial2\nwrite 1 "), NULL, 10);
    assert_true(first >= 16 && first < 32);
    char want[64];
    snprintf(want, sizeof want, "write 1 %up\nwrite 1 %up\n", (unsigned)first + 6, (unsigned)first + 7);
    assert_non_null(strstr(m, want));
    assert_non_null(strstr(t, "mark pingpong\nwrite 2 "));
    assert_null(strstr(t, "read 1 "));
    struct vm *vm;
    run_own(t, &vm);
    assert_int_equal(vm->cfg.tlb_entries, 8);
    assert_int_equal(vm->cfg.tlb_ways, 2);
    assert_false(vm->cfg.asid);
    /* the loop: 8 misses, then 16 hits (8 pages, 4 sets of 2 ways, in
     * order: 2 a set); the ping-pong: 3 misses a turn */
    assert_int_equal(vm->tlb.hits, 16);
    assert_int_equal(vm->tlb.misses, 8 + 5 * 3);
    assert_int_equal(vm->tlb.switches, 5);
    assert_int_equal(vm->tlb.flushes, 5);
    vm_free(vm);
    free(t);
    set(&o, "asid", "on");
    set(&o, "pages", "0");
    set(&o, "tlb-ways", "0");
    t = gen(&o, err, sizeof err);
    assert_non_null(t);
    assert_non_null(strstr(t, "\noptions --tlb 8 --asid\nspawn 1\nspawn 2\n"));
    run_own(t, &vm);
    assert_true(vm->cfg.asid);
    assert_int_equal(vm->tlb.misses, 6); /* 6 pages fit in 8 entries: the first turns' misses only */
    assert_int_equal(vm->tlb.hits, 3 * 3);
    assert_int_equal(vm->tlb.flushes, 0);
    vm_free(vm);
    free(t);
    /* errors */
    set(&o, "tlb-ways", "3");
    assert_null(gen(&o, err, sizeof err));
    assert_string_equal(err, "--tlb-ways 3 does not divide --tlb 8");
    set(&o, "tlb-ways", "8");
    set(&o, "turns", "0");
    assert_null(gen(&o, err, sizeof err));
    assert_string_equal(err, "--pages 0 and --turns 0 leave nothing to do");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rng_known_values), cmocka_unit_test(rng_deterministic),
        cmocka_unit_test(rng_below_bounds), cmocka_unit_test(rng_below_uniform),
        cmocka_unit_test(profiles_listed),  cmocka_unit_test(machine_defaults),
        cmocka_unit_test(option_errors),    cmocka_unit_test(same_bytes),
        cmocka_unit_test(profiles_valid),   cmocka_unit_test(problems_valid),
        cmocka_unit_test(workload_numbers), cmocka_unit_test(refstring_lines),
        cmocka_unit_test(tlb_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
