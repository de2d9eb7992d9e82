/* test_arch.c -- unit tests of the page-table geometries (sim/arch.c,
 * include/vmsim/arch.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include <cmocka.h>

#include "vmsim/arch.h"

/* ---- helpers ------------------------------------------------------------ */

static struct arch parse_ok(const char *spec)
{
    struct arch a;
    char err[160] = "";
    memset(&a, 0x5a, sizeof a);
    if (arch_parse(&a, spec, err, sizeof err) != 0)
        fail_msg("'%s' rejected: %s", spec, err);
    return a;
}

/* parse_bad: spec is rejected with a message (containing want, if given). */
static void parse_bad(const char *spec, const char *want)
{
    struct arch a;
    char err[160] = "";
    if (arch_parse(&a, spec, err, sizeof err) != -1)
        fail_msg("'%s' accepted (va %u page %llu levels %u)", spec, a.va_bits, (unsigned long long)a.page_size,
                 a.levels);
    if (!err[0])
        fail_msg("'%s' rejected without a message", spec);
    if (want && !strstr(err, want))
        fail_msg("'%s': message '%s' lacks '%s'", spec, err, want);
}

static void assert_geometry(const struct arch *a, unsigned va, unsigned shift, unsigned levels, unsigned lb,
                            uint64_t user_top, uint64_t text_base, uint64_t frames)
{
    assert_int_equal(a->va_bits, va);
    assert_int_equal(a->page_shift, shift);
    assert_int_equal(a->levels, levels);
    assert_int_equal(a->level_bits, lb);
    assert_int_equal(a->page_size, UINT64_C(1) << shift);
    assert_int_equal(a->user_top, user_top);
    assert_int_equal(a->text_base, text_base);
    assert_int_equal(a->default_frames, frames);
    /* the contract: va_bits = levels * level_bits + page_shift */
    assert_int_equal(a->va_bits, a->levels * a->level_bits + a->page_shift);
}

/* ---- presets ------------------------------------------------------------ */

static void test_x86_64(void **state)
{
    (void)state;
    struct arch a = parse_ok("x86_64");
    assert_string_equal(a.name, "x86_64");
    assert_geometry(&a, 48, 12, 4, 9, UINT64_C(1) << 47, 0x400000, 16384);
}

static void test_sv39(void **state)
{
    (void)state;
    struct arch a = parse_ok("sv39");
    assert_string_equal(a.name, "sv39");
    assert_geometry(&a, 39, 12, 3, 9, UINT64_C(1) << 38, 0x400000, 16384);
}

static void test_i386(void **state)
{
    (void)state;
    struct arch a = parse_ok("i386");
    assert_string_equal(a.name, "i386");
    assert_geometry(&a, 32, 12, 2, 10, UINT64_C(1) << 31, 0x400000, 16384);
}

static void test_tiny(void **state)
{
    (void)state;
    struct arch a = parse_ok("tiny");
    assert_string_equal(a.name, "tiny");
    assert_geometry(&a, 16, 8, 2, 4, 0x10000, 0x100, 64);
}

static void test_preset_names_exact(void **state)
{
    (void)state;
    parse_bad("X86_64", NULL);
    parse_bad("x86", NULL);
    parse_bad("x86_64 ", NULL);
    parse_bad(" tiny", NULL);
    parse_bad("tiny2", NULL);
    parse_bad("", NULL);
    parse_bad("riscv", "unknown arch");
}

/* ---- custom geometries -------------------------------------------------- */

static void test_custom_valid(void **state)
{
    (void)state;
    struct arch a = parse_ok("va=48,page=4096,levels=4");
    assert_string_equal(a.name, "va=48,page=4096,levels=4");
    assert_geometry(&a, 48, 12, 4, 9, UINT64_C(1) << 47, 0x400000, 16384);

    /* any order, sizes with suffixes or in hex; the name is normalised */
    a = parse_ok("levels=3,page=4K,va=39");
    assert_string_equal(a.name, "va=39,page=4096,levels=3");
    assert_geometry(&a, 39, 12, 3, 9, UINT64_C(1) << 38, 0x400000, 16384);

    a = parse_ok("va=0x20,page=0x1000,levels=2");
    assert_string_equal(a.name, "va=32,page=4096,levels=2");
    assert_geometry(&a, 32, 12, 2, 10, UINT64_C(1) << 31, 0x400000, 16384);

    /* below 32 bits the whole space is user space and text starts a page up */
    a = parse_ok("va=20,page=16,levels=4");
    assert_geometry(&a, 20, 4, 4, 4, UINT64_C(1) << 20, 16, 16384);
    a = parse_ok("va=31,page=1K,levels=3");
    assert_geometry(&a, 31, 10, 3, 7, UINT64_C(1) << 31, 1024, 16384);

    /* the same geometry as tiny, but custom frames default */
    a = parse_ok("va=16,page=256,levels=2");
    assert_geometry(&a, 16, 8, 2, 4, 0x10000, 0x100, 16384);

    /* one level; the whole 64 bits; huge pages */
    a = parse_ok("va=24,page=4096,levels=1");
    assert_geometry(&a, 24, 12, 1, 12, UINT64_C(1) << 24, 4096, 16384);
    a = parse_ok("va=64,page=4096,levels=4");
    assert_geometry(&a, 64, 12, 4, 13, UINT64_C(1) << 63, 0x400000, 16384);
    a = parse_ok("va=50,page=1G,levels=1");
    /* text_base: 0x400000 rounded up to a whole page */
    assert_geometry(&a, 50, 30, 1, 20, UINT64_C(1) << 49, UINT64_C(1) << 30, 16384);
    a = parse_ok("va=33,page=8M,levels=2");
    assert_geometry(&a, 33, 23, 2, 5, UINT64_C(1) << 32, 0x800000, 16384);
    a = parse_ok("va=32,page=4M,levels=1");
    assert_geometry(&a, 32, 22, 1, 10, UINT64_C(1) << 31, 0x400000, 16384); /* already a whole page */
    /* the limits themselves */
    a = parse_ok("va=64,page=16,levels=3");
    assert_int_equal(a.level_bits, 20);
    a = parse_ok("va=64,page=16,levels=60");
    assert_int_equal(a.level_bits, 1);
}

static void test_custom_levels_not_dividing(void **state)
{
    (void)state;
    parse_bad("va=48,page=4096,levels=5", "divide");
    parse_bad("va=48,page=4096,levels=7", "divide");
    parse_bad("va=16,page=256,levels=3", "divide");
    parse_bad("va=48,page=4096,levels=0", NULL);
}

static void test_custom_page_not_power_of_two(void **state)
{
    (void)state;
    parse_bad("va=48,page=3000,levels=4", "power of two");
    parse_bad("va=48,page=4097,levels=4", "power of two");
    parse_bad("va=48,page=6K,levels=4", "power of two");
    /* powers of two, but out of range */
    parse_bad("va=48,page=8,levels=4", NULL);
    parse_bad("va=48,page=1,levels=4", NULL);
    parse_bad("va=60,page=2G,levels=1", NULL);
    parse_bad("va=48,page=0,levels=4", NULL);
}

static void test_custom_too_many_bits(void **state)
{
    (void)state;
    parse_bad("va=48,page=4096,levels=1", "too many");
    parse_bad("va=64,page=4096,levels=2", "too many");
    parse_bad("va=37,page=16,levels=1", "too many");
}

static void test_custom_va_range(void **state)
{
    (void)state;
    parse_bad("va=65,page=4096,levels=1", NULL);
    parse_bad("va=128,page=4096,levels=4", NULL);
    parse_bad("va=12,page=4096,levels=1", NULL); /* no page-number bits */
    parse_bad("va=8,page=4096,levels=1", NULL);
    parse_bad("va=0,page=4096,levels=1", NULL);
}

static void test_custom_garbage(void **state)
{
    (void)state;
    parse_bad("va=48", NULL);
    parse_bad("va=48,page=4096", NULL);
    parse_bad("page=4096,levels=4", NULL);
    parse_bad("va=48,page=4096,levels=4,va=48", NULL);
    parse_bad("va=48,page=4096,levels=4,extra=1", NULL);
    parse_bad("va=x,page=4096,levels=4", NULL);
    parse_bad("va=48,page=4096,levels=four", NULL);
    parse_bad("va=48,page=4096,levels=", NULL);
    parse_bad("va=,page=4096,levels=4", NULL);
    parse_bad("va=48,page=4Q,levels=4", NULL);
    parse_bad("va=-48,page=4096,levels=4", NULL);
    parse_bad("va=+48,page=4096,levels=4", NULL);
    parse_bad("VA=48,page=4096,levels=4", NULL);
    parse_bad("va:48,page:4096,levels:4", NULL);
    parse_bad("vax=48,page=4096,levels=4", NULL);
    parse_bad("=", NULL);
    parse_bad("va=48;page=4096;levels=4", NULL);
    parse_bad("va=99999999999999999999,page=4096,levels=4", NULL);
    parse_bad("va=48,page=16777216T,levels=4", NULL);
    /* a very long spec: rejected, and the message is cut to the buffer */
    char longspec[400];
    memset(longspec, 'a', sizeof longspec - 1);
    memcpy(longspec, "va=48,", 6);
    longspec[sizeof longspec - 1] = 0;
    parse_bad(longspec, NULL);
}

/* Regression (was a bug in sim/arch.c, number()): custom sizes are read with strtoull base 0,
 * so a leading 0 makes them octal: "page=010000" is taken as 4096 and
 * "levels=010" as 8, where the trace language reads numbers as decimal or
 * 0x hex ("010000" is ten thousand, not a power of two). Leading blanks
 * are skipped too ("va= 48" is accepted). */
static void test_custom_numbers_not_octal(void **state)
{
    (void)state;
    parse_bad("va=48,page=010000,levels=4", NULL);
    struct arch a = parse_ok("va=48,page=4096,levels=04");
    assert_int_equal(a.levels, 4);
    parse_bad("va=35,page=4096,levels=010", NULL); /* 23 bits: 10 levels do not divide them */
    parse_bad("va= 48,page=4096,levels=4", NULL);
}

/* Regression (was a bug in sim/arch.c, arch_parse()): strtok_r skips empty fields, so stray
 * commas are accepted: ",va=48,,page=4096,levels=4," parses as
 * "va=48,page=4096,levels=4". */
static void test_custom_stray_commas(void **state)
{
    (void)state;
    parse_bad(",va=48,page=4096,levels=4", NULL);
    parse_bad("va=48,,page=4096,levels=4", NULL);
    parse_bad("va=48,page=4096,levels=4,", NULL);
}

static void test_error_fits_small_buffer(void **state)
{
    (void)state;
    struct arch a;
    char err[16];
    memset(err, 'z', sizeof err);
    assert_int_equal(arch_parse(&a, "va=48,page=4096,levels=5", err, 8), -1);
    assert_int_equal(strlen(err), 7); /* cut and terminated */
    assert_int_equal(err[8], 'z');    /* nothing past errlen written */
}

/* ---- index and span ----------------------------------------------------- */

static void test_index_span_x86(void **state)
{
    (void)state;
    struct arch a = parse_ok("x86_64");
    assert_int_equal(arch_span(&a, 0), UINT64_C(1) << 39);
    assert_int_equal(arch_span(&a, 1), UINT64_C(1) << 30);
    assert_int_equal(arch_span(&a, 2), UINT64_C(1) << 21);
    assert_int_equal(arch_span(&a, 3), UINT64_C(1) << 12);

    const unsigned idx[4] = {0x0ff, 0x1a5, 0x003, 0x1ff};
    uint64_t va = 0x123;
    for (unsigned l = 0; l < 4; l++)
        va += (uint64_t)idx[l] * arch_span(&a, l);
    for (unsigned l = 0; l < 4; l++)
        assert_int_equal(arch_index(&a, va, l), idx[l]);

    /* the top user page: all ones below bit 47 */
    uint64_t top = a.user_top - a.page_size;
    assert_int_equal(arch_index(&a, top, 0), 255);
    for (unsigned l = 1; l < 4; l++)
        assert_int_equal(arch_index(&a, top, l), 511);
    /* bits above va_bits do not index anything */
    assert_int_equal(arch_index(&a, UINT64_C(1) << 48, 0), 0);
    assert_int_equal(arch_index(&a, 0, 0), 0);
    assert_int_equal(arch_index(&a, 0xfff, 3), 0);
    assert_int_equal(arch_index(&a, 0x1000, 3), 1);
}

static void test_index_span_tiny(void **state)
{
    (void)state;
    struct arch a = parse_ok("tiny");
    assert_int_equal(arch_span(&a, 0), 0x1000);
    assert_int_equal(arch_span(&a, 1), 0x100);
    assert_int_equal(arch_index(&a, 0xabcd, 0), 0xa);
    assert_int_equal(arch_index(&a, 0xabcd, 1), 0xb);
    assert_int_equal(arch_index(&a, 0xffff, 0), 0xf);
    assert_int_equal(arch_index(&a, 0xffff, 1), 0xf);
    assert_int_equal(arch_index(&a, 0x100ff, 0), 0);
}

static void test_index_span_custom(void **state)
{
    (void)state;
    struct arch a = parse_ok("va=64,page=4096,levels=4");
    assert_int_equal(arch_span(&a, 0), UINT64_C(1) << 51);
    assert_int_equal(arch_span(&a, 3), 4096);
    assert_int_equal(arch_index(&a, UINT64_MAX, 0), 8191);
    assert_int_equal(arch_index(&a, UINT64_MAX, 3), 8191);
    assert_int_equal(arch_index(&a, UINT64_C(1) << 63, 0), 4096);

    a = parse_ok("va=24,page=4096,levels=1");
    assert_int_equal(arch_span(&a, 0), 4096);
    assert_int_equal(arch_index(&a, 0xabc123, 0), 0xabc);

    a = parse_ok("va=64,page=16,levels=60");
    for (unsigned l = 0; l < 60; l++)
        assert_int_equal(arch_span(&a, l), UINT64_C(1) << (4 + 59 - l));
    assert_int_equal(arch_index(&a, UINT64_C(1) << 63, 0), 1);
    assert_int_equal(arch_index(&a, UINT64_C(1) << 63, 1), 0);
    assert_int_equal(arch_index(&a, 0x10, 59), 1);
}

static void test_page_round(void **state)
{
    (void)state;
    struct arch a = parse_ok("x86_64");
    uint64_t r = 1;
    assert_int_equal(arch_page_down(&a, 0x1fff), 0x1000);
    assert_int_equal(arch_page_down(&a, 0x2000), 0x2000);
    assert_true(arch_page_up(&a, 0, &r));
    assert_int_equal(r, 0);
    assert_true(arch_page_up(&a, 1, &r));
    assert_int_equal(r, 0x1000);
    assert_true(arch_page_up(&a, 0x1000, &r));
    assert_int_equal(r, 0x1000);
    assert_true(arch_page_up(&a, UINT64_MAX - 0xfff, &r));
    assert_int_equal(r, UINT64_MAX - 0xfff);
    r = 7;
    assert_false(arch_page_up(&a, UINT64_MAX - 0xffe, &r));
    assert_false(arch_page_up(&a, UINT64_MAX, &r));
    assert_int_equal(r, 7); /* untouched on overflow */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x86_64),
        cmocka_unit_test(test_sv39),
        cmocka_unit_test(test_i386),
        cmocka_unit_test(test_tiny),
        cmocka_unit_test(test_preset_names_exact),
        cmocka_unit_test(test_custom_valid),
        cmocka_unit_test(test_custom_levels_not_dividing),
        cmocka_unit_test(test_custom_page_not_power_of_two),
        cmocka_unit_test(test_custom_too_many_bits),
        cmocka_unit_test(test_custom_va_range),
        cmocka_unit_test(test_custom_garbage),
        cmocka_unit_test(test_error_fits_small_buffer),
        cmocka_unit_test(test_index_span_x86),
        cmocka_unit_test(test_index_span_tiny),
        cmocka_unit_test(test_index_span_custom),
        cmocka_unit_test(test_page_round),
        cmocka_unit_test(test_custom_numbers_not_octal),
        cmocka_unit_test(test_custom_stray_commas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
