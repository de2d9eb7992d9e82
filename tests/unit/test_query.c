/* test_query.c -- unit tests of the queries of expect (sim/io/query.c,
 * include/vmsim/query.h) called directly: stat paths, process and page
 * fields and the kinds of their answers, mappers, pss and uss, formatting,
 * and vm_expect. The comparisons of expect and the values they see as a
 * trace asks them are checked by the traces tests/traces/24N_query_*. */
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

#include "vmsim/arch.h"
#include "vmsim/aspace.h"
#include "vmsim/engine.h"
#include "vmsim/machine.h"
#include "vmsim/number.h"
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/runner.h"
#include "vmsim/stats.h"

#include "machine_harness.h"

/* ---- stat ------------------------------------------------------------------- */

static void test_query_stat(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\nwrite 1 0x406000\nread 1 0x400000\n");
    struct qresult r;
    assert_int_equal(vm_query_stat(vm, "faults.total", 12, &r), 0);
    assert_int_equal(r.kind, QR_NUM);
    assert_int_equal(r.num, 2);
    assert_int_equal(vm_query_stat(vm, "faults.totalXYZ", 12, &r), 0); /* by length */
    assert_int_equal(r.num, 2);
    assert_int_equal(vm_query_stat(vm, "config.arch", 11, &r), 0);
    assert_int_equal(r.kind, QR_WORD);
    assert_string_equal(r.word, "x86_64");
    assert_int_equal(vm_query_stat(vm, "config.fork", 11, &r), 0);
    assert_string_equal(r.word, "cow");
    assert_int_equal(vm_query_stat(vm, "config.oom", 10, &r), 0);
    assert_string_equal(r.word, "kill");
    assert_int_equal(vm_query_stat(vm, "config.zero_page", 16, &r), 0);
    assert_int_equal(r.kind, QR_BOOL);
    assert_int_equal(r.num, 0);
    assert_int_equal(stat_of(vm, "memory.frames_used"), 2);
    assert_int_equal(stat_of(vm, "memory.frames_total"), 16384);
    assert_int_equal(stat_of(vm, "config.page_size"), 4096);
    assert_int_equal(vm_query_stat(vm, "faults", 6, &r), -1);
    assert_int_equal(vm_query_stat(vm, "faults.", 7, &r), -1);
    assert_int_equal(vm_query_stat(vm, "nope.nothing", 12, &r), -1);
    assert_int_equal(vm_query_stat(vm, "", 0, &r), -1);
    vm_free(vm);

    struct vm_config c = config("tiny", 0);
    c.zero_page = true;
    c.fork = FORK_SHAREPT;
    c.oom = OOM_FAIL;
    vm = run_ok(&c, "spawn 1\n");
    assert_int_equal(vm_query_stat(vm, "config.zero_page", 16, &r), 0);
    assert_int_equal(r.num, 1);
    assert_int_equal(vm_query_stat(vm, "config.fork", 11, &r), 0);
    assert_string_equal(r.word, "sharept");
    assert_int_equal(vm_query_stat(vm, "config.oom", 10, &r), 0);
    assert_string_equal(r.word, "fail");
    assert_int_equal(stat_of(vm, "config.frames"), 64);
    assert_int_equal(stat_of(vm, "config.va_bits"), 16);
    assert_int_equal(stat_of(vm, "config.levels"), 2);
    vm_free(vm);
}

/* ---- proc ------------------------------------------------------------------- */

static void test_query_proc(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 sh\n"
                                 "spawn 7\n"
                                 "write 1 0x406000\n"
                                 "write 1 0x407000\n"
                                 "read 1 0x400000\n"
                                 "fork 1 2\n"
                                 "fork 1 3\n"
                                 "exit 3 12\n");
    assert_string_equal(proc_word(vm, 1, PF_STATE), "running");
    assert_int_equal(proc_num(vm, 1, PF_PPID), 0);
    assert_string_equal(proc_word(vm, 1, PF_EXIT_STATUS), "none");
    assert_string_equal(proc_word(vm, 1, PF_PROGRAM), "sh");
    assert_int_equal(proc_num(vm, 1, PF_RSS), 3);
    assert_int_equal(proc_num(vm, 1, PF_USS), 0);
    struct qresult r = proc_q(vm, 1, PF_PSS);
    assert_int_equal(r.kind, QR_DEC);
    assert_true(r.dec > 1.5 - 1e-9 && r.dec < 1.5 + 1e-9); /* three frames, each mapped by two */
    assert_int_equal(proc_num(vm, 1, PF_PT_PAGES), 4);
    assert_int_equal(proc_num(vm, 1, PF_VMAS), 4);
    assert_int_equal(proc_num(vm, 2, PF_PPID), 1);

    /* no program */
    assert_string_equal(proc_word(vm, 7, PF_PROGRAM), "none");
    assert_int_equal(proc_num(vm, 7, PF_VMAS), 0);
    assert_int_equal(proc_num(vm, 7, PF_PT_PAGES), 1);
    r = proc_q(vm, 7, PF_PSS);
    assert_int_equal(r.kind, QR_DEC);
    assert_true(r.dec == 0);

    /* a zombie: status, and 0 for its memory */
    assert_string_equal(proc_word(vm, 3, PF_STATE), "zombie");
    assert_int_equal(proc_num(vm, 3, PF_EXIT_STATUS), 12);
    assert_int_equal(proc_num(vm, 3, PF_PPID), 1);
    assert_string_equal(proc_word(vm, 3, PF_PROGRAM), "sh");
    assert_int_equal(proc_num(vm, 3, PF_RSS), 0);
    assert_int_equal(proc_num(vm, 3, PF_USS), 0);
    assert_int_equal(proc_num(vm, 3, PF_PT_PAGES), 0);
    assert_int_equal(proc_num(vm, 3, PF_VMAS), 0);
    r = proc_q(vm, 3, PF_PSS);
    assert_true(r.kind == QR_DEC && r.dec == 0);

    /* gone: state, and none for the rest */
    assert_string_equal(proc_word(vm, 99, PF_STATE), "gone");
    for (int f = PF_PPID; f < PF_COUNT; f++)
        assert_int_equal(proc_q(vm, 99, (enum proc_field)f).kind, QR_NONE);
    vm_free(vm);
}

/* ---- page ------------------------------------------------------------------- */

static void test_query_page(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "write 1 0x406010 33\n"
                                 "read 1 0x400000\n"
                                 "mmap 1 0x10000000 4K r-- private file=doc\n"
                                 "fork 1 2\n"
                                 "exit 2\n");
    /* a present anon page */
    assert_int_equal(page_num(vm, 1, 0x406abc, PGF_MAPPED), 1);
    assert_int_equal(page_num(vm, 1, 0x406abc, PGF_PRESENT), 1);
    assert_int_equal(page_num(vm, 1, 0x406abc, PGF_WRITABLE), 0); /* cow since the fork */
    assert_int_equal(page_num(vm, 1, 0x406abc, PGF_COW), 1);
    assert_int_equal(page_num(vm, 1, 0x406abc, PGF_DIRTY), 1);
    assert_int_equal(page_num(vm, 1, 0x406abc, PGF_FRAME), 0);
    assert_string_equal(page_word(vm, 1, 0x406abc, PGF_KIND), "anon");
    assert_int_equal(page_num(vm, 1, 0x406abc, PGF_REFCOUNT), 1);
    assert_int_equal(page_num(vm, 1, 0x406abc, PGF_MAPPERS), 1);
    assert_int_equal(page_num(vm, 1, 0x406abc, PGF_VALUE), 33);
    assert_int_equal(page_q(vm, 1, 0x406abc, PGF_PRESENT).kind, QR_BOOL);
    assert_int_equal(page_q(vm, 1, 0x406abc, PGF_FRAME).kind, QR_NUM);
    /* a present cache page */
    assert_string_equal(page_word(vm, 1, 0x400000, PGF_KIND), "cache");
    assert_int_equal(page_num(vm, 1, 0x400000, PGF_REFCOUNT), 2);
    assert_int_equal(page_num(vm, 1, 0x400000, PGF_DIRTY), 0);
    assert_int_equal(page_num(vm, 1, 0x400000, PGF_COW), 0);
    /* mapped, not present */
    assert_int_equal(page_num(vm, 1, 0x407000, PGF_MAPPED), 1);
    assert_int_equal(page_num(vm, 1, 0x407000, PGF_PRESENT), 0);
    assert_int_equal(page_num(vm, 1, 0x407000, PGF_WRITABLE), 0);
    assert_int_equal(page_num(vm, 1, 0x407000, PGF_COW), 0);
    assert_int_equal(page_num(vm, 1, 0x407000, PGF_DIRTY), 0);
    assert_string_equal(page_word(vm, 1, 0x407000, PGF_FRAME), "none");
    assert_string_equal(page_word(vm, 1, 0x407000, PGF_KIND), "none");
    assert_int_equal(page_num(vm, 1, 0x407000, PGF_REFCOUNT), NONE);
    assert_int_equal(page_num(vm, 1, 0x407000, PGF_MAPPERS), NONE);
    assert_int_equal(page_num(vm, 1, 0x407000, PGF_VALUE), 0);
    assert_int_equal(page_num(vm, 1, 0x10000000, PGF_VALUE), 0); /* a file page never written */
    /* not mapped, and not a user address */
    static const uint64_t nowhere[] = {0x1000, 0x408000, UINT64_C(1) << 47, UINT64_MAX};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(page_num(vm, 1, nowhere[i], PGF_MAPPED), 0);
        assert_int_equal(page_num(vm, 1, nowhere[i], PGF_PRESENT), 0);
        assert_int_equal(page_num(vm, 1, nowhere[i], PGF_VALUE), NONE);
        assert_int_equal(page_num(vm, 1, nowhere[i], PGF_FRAME), NONE);
    }
    /* a zombie maps nothing; a gone process has only none */
    assert_int_equal(page_num(vm, 2, 0x406000, PGF_MAPPED), 0);
    assert_int_equal(page_num(vm, 2, 0x406000, PGF_PRESENT), 0);
    assert_int_equal(page_num(vm, 2, 0x406000, PGF_REFCOUNT), NONE);
    for (int f = 0; f < PGF_COUNT; f++)
        assert_int_equal(page_q(vm, 5, 0x406000, (enum page_field)f).kind, QR_NONE);
    vm_free(vm);
}

/* asking every field changes nothing in the machine
 * (tests/traces/240_query_inspects_only.trace asks through expect) */
static void test_query_never_changes_state(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/240_query_inspects_only.trace");
    for (int f = 0; f < PGF_COUNT; f++)
        page_q(vm, 1, 0x10000000, (enum page_field)f);
    for (int f = 0; f < PF_COUNT; f++)
        proc_q(vm, 1, (enum proc_field)f);
    assert_int_equal(vm->ft.used, 0);
    assert_int_equal(vm->pc.npages, 0);
    assert_int_equal(vm->pts.tables, 1);
    assert_int_equal(vm->c.reads + vm->c.writes, 0);
    vm_free(vm);
}

/* ---- mappers, pss, uss ---------------------------------------------------------- */

static void test_mappers(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "write 1 0x406000\n"
                                 "read 1 0x400000\n"
                                 "fork 1 2\n"
                                 "vfork 2 3\n" /* 3 shares 2's space: it counts once */
                                 "spawn 4 p\n"
                                 "read 4 0x400000\n");
    uint32_t anon = (uint32_t)page_num(vm, 1, 0x406000, PGF_FRAME);
    uint32_t text = (uint32_t)page_num(vm, 1, 0x400000, PGF_FRAME);
    assert_int_equal(rmap_mappers(&vm->rmap, anon), 2);
    assert_int_equal(rmap_mappers(&vm->rmap, text), 3);
    assert_int_equal(page_num(vm, 3, 0x406000, PGF_MAPPERS), 2);
    assert_int_equal(page_num(vm, 4, 0x400000, PGF_MAPPERS), 3);
    assert_int_equal(rmap_mappers(&vm->rmap, 1234), 0);
    /* pss: anon 1/2 + text 1/3 */
    double pss;
    uint64_t uss;
    proc_sharing(vm, proc_find(vm, 1), &pss, &uss, NULL);
    assert_true(pss > 0.8333 && pss < 0.8334);
    assert_int_equal(uss, 0);
    proc_sharing(vm, proc_find(vm, 3), &pss, &uss, NULL);
    assert_true(pss > 0.8333 && pss < 0.8334);
    vm_free(vm);
}

static void test_format_pss(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *s;
    } cases[] = {
        {0, "0.000"},         {1, "1.000"},          {0.0625, "0.063"},    {1.0 / 3, "0.333"},
        {2.0 / 3, "0.667"},   {0.0005, "0.001"},     {0.00049, "0.000"},   {1.9995, "2.000"},
        {12.3456, "12.346"},  {1000000.5, "1000000.500"}, {0.1 + 0.2, "0.300"}, {2.5 / 3 + 1, "1.833"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        number_format_pss(cases[i].v, buf, sizeof buf);
        if (strcmp(buf, cases[i].s))
            fail_msg("number_format_pss(%.6f) = %s, want %s", cases[i].v, buf, cases[i].s);
    }
}

static void test_qresult_format(void **state)
{
    (void)state;
    char buf[32];
    struct qresult r = {.kind = QR_NUM, .num = 18446744073709551615ULL};
    qresult_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "18446744073709551615");
    r = (struct qresult){.kind = QR_BOOL, .num = 1};
    qresult_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "1");
    r = (struct qresult){.kind = QR_DEC, .dec = 0.5};
    qresult_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "0.500");
    r = (struct qresult){.kind = QR_WORD, .word = "zombie"};
    qresult_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "zombie");
    r = (struct qresult){.kind = QR_NONE};
    qresult_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "none");
    r = (struct qresult){.kind = QR_WORD, .word = "a-long-word"};
    qresult_format(&r, buf, 5);
    assert_string_equal(buf, "a-lo");
}

/* ---- expect --------------------------------------------------------------------- */

/* expectations that are errors of the trace (the messages of expectations
 * that fail: tests/traces/246_query_expect_failures.trace and
 * tests/golden/expect_failures.cmd) */
static void test_expect_errors(void **state)
{
    (void)state;
    /* words compare only with == and != */
    struct vm *vm = run_error(NULL, "spawn 1 p\nexpect proc 1 state < running\n", "words compare only");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nexpect stat no.such == 1\n", "unknown stat");
    vm_free(vm);
}

/* vm_expect called directly, on an ev built by hand */
static void test_vm_expect_direct(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\nwrite 1 0x406000 10\n");
    struct ev e;
    memset(&e, 0, sizeof e);
    e.op = EV_EXPECT;
    e.qkind = Q_PAGE;
    e.pid = 1;
    e.addr = 0x406000;
    e.qfield = PGF_VALUE;
    e.cmp = CMP_GE;
    e.qval.kind = QV_NUM;
    e.qval.num = 10;
    bool passed = false;
    char actual[32];
    assert_int_equal(vm_expect(vm, &e, &passed, actual, sizeof actual), 0);
    assert_true(passed);
    assert_string_equal(actual, "10");
    e.cmp = CMP_GT;
    assert_int_equal(vm_expect(vm, &e, &passed, actual, sizeof actual), 0);
    assert_false(passed);
    e.qkind = Q_PROC;
    e.qfield = PF_PSS;
    e.cmp = CMP_EQ;
    e.qval.kind = QV_DEC;
    e.qval.dnum = 10004; /* 1.0004 */
    e.qval.dexp = 4;
    assert_int_equal(vm_expect(vm, &e, &passed, actual, sizeof actual), 0);
    assert_true(passed);
    assert_string_equal(actual, "1.000");
    e.qval.dnum = 10011; /* 1.0011 */
    assert_int_equal(vm_expect(vm, &e, &passed, actual, sizeof actual), 0);
    assert_false(passed);
    e.qkind = Q_STAT;
    e.qpath.s = "faults.demand_zero";
    e.qpath.len = strlen(e.qpath.s);
    e.qval.kind = QV_NUM;
    e.qval.num = 1;
    assert_int_equal(vm_expect(vm, &e, &passed, actual, sizeof actual), 0);
    assert_true(passed);
    e.qpath.len = 6;
    assert_int_equal(vm_expect(vm, &e, &passed, actual, sizeof actual), -1);
    assert_non_null(strstr(vm->err, "unknown stat"));
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_stat),
        cmocka_unit_test(test_query_proc),
        cmocka_unit_test(test_query_page),
        cmocka_unit_test(test_query_never_changes_state),
        cmocka_unit_test(test_mappers),
        cmocka_unit_test(test_format_pss),
        cmocka_unit_test(test_qresult_format),
        cmocka_unit_test(test_expect_errors),
        cmocka_unit_test(test_vm_expect_direct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
