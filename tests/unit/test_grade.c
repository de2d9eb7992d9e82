/* test_grade.c -- unit tests of grading (sim/grade.c, include/vmsim/grade.h):
 * TESTS files and their errors, runs of a submission against them (marks,
 * errors, limits, machines), the three report formats, and the safety of
 * text taken from a submission. */
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
#include "vmsim/grade.h"
#include "vmsim/machine.h"

/* ---- helpers ------------------------------------------------------------------ */

static struct vm_config tiny(uint32_t frames, enum fork_mode fork)
{
    struct vm_config c;
    char err[128];
    vm_config_default(&c);
    assert_int_equal(arch_parse(&c.arch, "tiny", err, sizeof err), 0);
    c.frames = frames;
    c.fork = fork;
    return c;
}

static void parse_ok(const char *text, struct grade_suite *s)
{
    char err[512] = "";
    if (grade_suite_parse("t.vmt", text, strlen(text), s, err, sizeof err))
        fail_msg("parse failed: %s", err);
}

static void parse_fails(const char *text, const char *want)
{
    struct grade_suite s;
    char err[512] = "";
    if (!grade_suite_parse("t.vmt", text, strlen(text), &s, err, sizeof err)) {
        grade_suite_free(&s);
        fail_msg("parse of <<%s>> did not fail (want '%s')", text, want);
    }
    if (!strstr(err, want))
        fail_msg("error '%s' lacks '%s'", err, want);
}

/* grade: the suite on the submission, every test on cfg, default limits */
static void grade(const char *tests, const struct vm_config *cfg, const char *sub, struct grade_report *r)
{
    struct grade_suite s;
    struct grade_limits lim;
    grade_limits_default(&lim);
    parse_ok(tests, &s);
    struct vm_config *cfgs = calloc(s.ntests, sizeof *cfgs);
    for (size_t i = 0; i < s.ntests; i++) {
        char err[512];
        cfgs[i] = *cfg;
        if (grade_test_check(&s, &s.tests[i], &cfgs[i], err, sizeof err))
            fail_msg("check: %s", err);
    }
    memset(r, 0, sizeof *r);
    grade_run(&s, cfgs, "sub.trace", sub, strlen(sub), &lim, r);
    free(cfgs);
    grade_suite_free(&s);
}

/* written: the report in format f, as a string (free it) */
static char *written(const struct grade_report *r, enum grade_format f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    grade_write(m, r, f);
    fclose(m);
    return buf;
}

static const char cow_trace[] = "program app text=2p data=1p bss=1p heap=2p stack=1p\n"
                                "spawn 1 app\n"
                                "write 1 0x500 7\n"
                                "fork 1 2\n"
                                "mark forked\n"
                                "write 2 0x500 8\n"
                                "write 1 0x500 9\n";

/* ---- sanitizing and numbers ----------------------------------------------------- */

static void test_sanitize(void **state)
{
    (void)state;
    char *s = grade_sanitize("ok\ttab\nline", 11);
    assert_string_equal(s, "ok\ttab\nline");
    free(s);
    s = grade_sanitize("a\x1b[31mb\x7f", 8);
    assert_string_equal(s, "a\\x1b[31mb\\x7f");
    free(s);
    /* valid UTF-8 stays; a lone continuation, an overlong form, a surrogate do not */
    static const char mixed[] = "\xc3\xa9|\x80|\xc0\xaf|\xed\xa0\x80|\xf0\x9f\x98\x80";
    s = grade_sanitize(mixed, sizeof mixed - 1);
    assert_string_equal(s, "\xc3\xa9|\\x80|\\xc0\\xaf|\\xed\\xa0\\x80|\xf0\x9f\x98\x80");
    free(s);
    s = grade_sanitize("a\0b", 3);
    assert_string_equal(s, "a\\x00b");
    free(s);
    s = grade_sanitize("\xe2\x82", 2); /* cut short */
    assert_string_equal(s, "\\xe2\\x82");
    free(s);
}

static void test_points_format(void **state)
{
    (void)state;
    char b[32];
    grade_format_points(5, b, sizeof b);
    assert_string_equal(b, "5");
    grade_format_points(2.5, b, sizeof b);
    assert_string_equal(b, "2.5");
    grade_format_points(0.1 + 0.2, b, sizeof b);
    assert_string_equal(b, "0.3");
    grade_format_points(-0.0, b, sizeof b);
    assert_string_equal(b, "0");
}

/* ---- TESTS files -------------------------------------------------------------------- */

static void test_parse_suite(void **state)
{
    (void)state;
    struct grade_suite s;
    parse_ok("# a comment\n"
             "flags --arch tiny --frames 16   # every test\n"
             "\n"
             "test \"first one\" points=2.5\n"
             "expect stat faults.total >= 1\n"
             "  expect proc 1 state == running  # indented, with a comment\n"
             "test plain\n"
             "test \"hidden one\" points=3 hidden flags=\"--fork copy\"\n"
             "at forked\n"
             "expect page 1 0x500 refcount == 2\n"
             "at end\n"
             "expect stat memory.pages_copied == 1\n"
             "hint \"look at the fork\"\n"
             "hint second line\n"
             "test \"say \\\"hi\\\"\" visibility=hidden after_due_date\n",
             &s);
    assert_string_equal(s.flags, "--arch tiny --frames 16");
    assert_int_equal(s.ntests, 4);
    assert_string_equal(s.tests[0].name, "first one");
    assert_true(s.tests[0].points == 2.5);
    assert_int_equal(s.tests[0].vis, VIS_VISIBLE);
    assert_int_equal(s.tests[0].nexpects, 2);
    assert_string_equal(s.tests[0].expects[1].text, "expect proc 1 state == running  # indented, with a comment");
    assert_int_equal(s.tests[0].expects[1].line, 6);
    assert_null(s.tests[0].expects[0].at);
    assert_string_equal(s.tests[1].name, "plain");
    assert_true(s.tests[1].points == 1);
    assert_int_equal(s.tests[1].nexpects, 0);
    assert_string_equal(s.tests[1].flags, "");
    assert_int_equal(s.tests[2].vis, VIS_HIDDEN); /* hidden alone is Gradescope's, with a warning */
    assert_non_null(s.warnings);
    assert_non_null(strstr(s.warnings, "t.vmt:8: warning: 'hidden' now means Gradescope's hidden"));
    assert_null(strchr(strchr(s.warnings, '\n') + 1, '\n')); /* one line: visibility=hidden does not warn */
    assert_string_equal(s.tests[2].flags, "--fork copy");
    assert_string_equal(s.tests[2].expects[0].at, "forked");
    assert_null(s.tests[2].expects[1].at);
    assert_string_equal(s.tests[2].hint, "look at the fork\nsecond line");
    assert_string_equal(s.tests[3].name, "say \"hi\"");
    assert_int_equal(s.tests[3].vis, VIS_AFTER_DUE_DATE); /* the last word wins */
    assert_int_equal(s.tests[3].line, 15);
    grade_suite_free(&s);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_fails("", "t.vmt:1: error: no test in the file");
    parse_fails("expect stat faults.total == 0\n", "t.vmt:1: error: 'expect' before the first test line");
    parse_fails("test a\nflags --fork copy\n", "t.vmt:2: error: the flags line comes before the first test");
    parse_fails("flags --arch tiny\nflags --fork copy\ntest a\n", "t.vmt:2: error: one flags line only");
    parse_fails("test\n", "a test needs a name");
    parse_fails("test \"\"\n", "a test needs a name");
    parse_fails("test a points=-1\n", "bad points '-1'");
    parse_fails("test a points=1.\n", "bad points '1.'");
    parse_fails("test a points=lots\n", "bad points 'lots'");
    parse_fails("test a visibility=secret\n", "bad 'secret'");
    parse_fails("test a weight=2\n", "unknown 'weight=2'");
    parse_fails("test \"a\ntest b\n", "t.vmt:1: error: a quote is not closed");
    parse_fails("test a\ntest a\n", "t.vmt:2: error: a second test called \"a\"");
    parse_fails("test a\nat x y\n", "at takes one word");
    parse_fails("test a\nassert stat x == 1\n", "unknown line 'assert'");
    parse_fails("test a\x01\n", "a control byte");
}

static void test_check_expects(void **state)
{
    (void)state;
    struct grade_suite s;
    struct vm_config c = tiny(16, FORK_COW);
    char err[512];
    parse_ok("test a\nexpect stat faults.total == 0\nexpect stat no.such == 1\n", &s);
    assert_int_equal(grade_test_check(&s, &s.tests[0], &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "t.vmt:3: error: unknown stat 'no.such'"));
    grade_suite_free(&s);
    parse_ok("test a\nexpect page 1 0x300 frame == zero\nexpect page 1 0x300 frames == 1\n", &s);
    assert_int_equal(grade_test_check(&s, &s.tests[0], &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "t.vmt:3: error: "));
    grade_suite_free(&s);
    parse_ok("test a\nexpect proc 1 state < running\n", &s);
    assert_int_equal(grade_test_check(&s, &s.tests[0], &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "words compare only with == and !="));
    grade_suite_free(&s);
    parse_ok("test a\nexpect proc 1\n", &s);
    assert_int_equal(grade_test_check(&s, &s.tests[0], &c, err, sizeof err), -1);
    grade_suite_free(&s);
    parse_ok("test a\nexpect page 1 2p frame == 1\n", &s); /* p is tiny's 256 bytes */
    assert_int_equal(grade_test_check(&s, &s.tests[0], &c, err, sizeof err), 0);
    grade_suite_free(&s);
}

/* ---- runs ------------------------------------------------------------------------ */

static void test_run_marks(void **state)
{
    (void)state;
    struct vm_config c = tiny(16, FORK_COW);
    struct grade_report r;
    grade("test \"runs\"\n"
          "test \"copies\" points=5\n"
          "expect stat faults.cow_copy == 1\n"
          "expect page 2 0x500 frame == 1\n"
          "hint \"never shown: it passes\"\n"
          "test \"at the fork\" points=2\n"
          "at forked\n"
          "expect page 1 0x500 refcount == 2\n"
          "expect page 2 0x500 value == 7\n"
          "at end\n"
          "expect page 1 0x500 value == 9\n"
          "test \"wrong\" points=3\n"
          "expect stat faults.cow_reuse == 2\n"
          "hint \"one reuse only\"\n"
          "test \"no mark\"\n"
          "at nowhere\n"
          "expect stat faults.total >= 0\n",
          &c, cow_trace, &r);
    assert_int_equal(r.n, 5);
    assert_null(r.output);
    assert_true(r.items[0].passed);
    assert_non_null(strstr(r.items[0].output, "passed: the trace runs without error"));
    assert_true(r.items[1].passed);
    assert_true(r.items[1].score == 5);
    assert_null(strstr(r.items[1].output, "hint"));
    assert_non_null(strstr(r.items[1].output, "passed: page 2 0x500 frame == 1\n"));
    assert_true(r.items[2].passed);
    assert_non_null(strstr(r.items[2].output, "passed at mark forked: page 1 0x500 refcount == 2\n"));
    assert_false(r.items[3].passed);
    assert_true(r.items[3].score == 0);
    assert_true(r.items[3].max_score == 3);
    assert_non_null(strstr(r.items[3].output, "failed: stat faults.cow_reuse == 2 (actual 1)"));
    assert_non_null(strstr(r.items[3].output, "hint: one reuse only"));
    assert_false(r.items[4].passed);
    assert_string_equal(r.items[4].output, "failed at mark nowhere: stat faults.total >= 0 (the trace has no `mark nowhere`)\n");
    double score, max;
    size_t passed;
    grade_report_totals(&r, &score, &max, &passed);
    assert_true(score == 8);
    assert_true(max == 12);
    assert_int_equal(passed, 3);
    grade_report_free(&r);
}

static void test_run_error_scores_zero(void **state)
{
    (void)state;
    struct vm_config c = tiny(16, FORK_COW);
    struct grade_report r;
    grade("test a\n"
          "test b points=2\n"
          "expect stat faults.total >= 0\n"
          "hint \"not shown after an error\"\n",
          &c, "spawn 1\nfrok 1 2\n", &r);
    assert_int_equal(r.n, 2);
    assert_non_null(r.output);
    assert_non_null(strstr(r.output, "sub.trace:2: error: unknown keyword 'frok'"));
    for (size_t i = 0; i < r.n; i++) {
        assert_false(r.items[i].passed);
        assert_true(r.items[i].score == 0);
        assert_non_null(strstr(r.items[i].output, "sub.trace:2: error: unknown keyword 'frok'"));
        assert_null(strstr(r.items[i].output, "hint"));
    }
    grade_report_free(&r);
    /* an error of the machine (not of the parser) and a skipped event */
    grade("test a\n", &c, "spawn 1\nfork 1 2\nfork 1 2\n", &r);
    assert_false(r.items[0].passed);
    assert_non_null(strstr(r.items[0].output, "sub.trace:3: error: "));
    grade_report_free(&r);
    grade("test a\nexpect stat events.skipped == 0\n", &c, "spawn 1\nread 1 0\nread 1 0\n", &r);
    assert_false(r.items[0].passed);
    assert_non_null(strstr(r.items[0].output, "note: sub.trace:3: event skipped: "));
    grade_report_free(&r);
    /* the student's own failing expect changes nothing; a bad one is an error */
    grade("test a\n", &c, "spawn 1\nexpect stat faults.total == 5\n", &r);
    assert_true(r.items[0].passed);
    grade_report_free(&r);
    grade("test a\n", &c, "spawn 1\nexpect stat nothing == 5\n", &r);
    assert_false(r.items[0].passed);
    assert_non_null(strstr(r.items[0].output, "unknown stat"));
    grade_report_free(&r);
}

static void test_run_machines(void **state)
{
    (void)state;
    struct grade_suite s;
    struct grade_limits lim;
    grade_limits_default(&lim);
    parse_ok("test cow\nexpect stat faults.cow_copy == 1\n"
             "test copy\nexpect stat memory.pages_copied == 1\nexpect stat faults.cow_copy == 0\n"
             "test \"cow again\"\nexpect stat faults.cow_reuse == 1\n",
             &s);
    struct vm_config cfgs[3] = {tiny(16, FORK_COW), tiny(16, FORK_COPY), tiny(16, FORK_COW)};
    struct grade_report r;
    memset(&r, 0, sizeof r);
    grade_run(&s, cfgs, "sub.trace", cow_trace, strlen(cow_trace), &lim, &r);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.items[1].name, "copy"); /* in the file's order */
    for (size_t i = 0; i < 3; i++)
        if (!r.items[i].passed)
            fail_msg("%s: %s", r.items[i].name, r.items[i].output);
    grade_report_free(&r);
    /* one machine runs out of memory and stops (--oom fail): only its tests score 0 */
    cfgs[1].frames = 1;
    cfgs[1].oom = OOM_FAIL;
    memset(&r, 0, sizeof r);
    grade_run(&s, cfgs, "sub.trace", cow_trace, strlen(cow_trace), &lim, &r);
    assert_true(r.items[0].passed);
    assert_false(r.items[1].passed);
    assert_true(r.items[2].passed);
    grade_report_free(&r);
    grade_suite_free(&s);
}

static void test_run_limits(void **state)
{
    (void)state;
    struct grade_suite s;
    struct grade_limits lim;
    struct vm_config c = tiny(16, FORK_COW);
    struct grade_report r;
    parse_ok("test a\n", &s);

    grade_limits_default(&lim);
    lim.lim.max_events = 3;
    memset(&r, 0, sizeof r);
    grade_run(&s, &c, "sub", cow_trace, strlen(cow_trace), &lim, &r);
    assert_false(r.items[0].passed);
    assert_non_null(strstr(r.items[0].output, "sub:6: error: more than 3 events (--max-events)"));
    grade_report_free(&r);

    grade_limits_default(&lim);
    lim.max_line = 10;
    memset(&r, 0, sizeof r);
    grade_run(&s, &c, "sub", cow_trace, strlen(cow_trace), &lim, &r);
    assert_non_null(strstr(r.items[0].output, "sub:1: error: line longer than 10 bytes"));
    grade_report_free(&r);

    grade_limits_default(&lim);
    lim.lim.max_procs = 1;
    memset(&r, 0, sizeof r);
    grade_run(&s, &c, "sub", cow_trace, strlen(cow_trace), &lim, &r);
    assert_non_null(strstr(r.items[0].output, "--max-procs"));
    grade_report_free(&r);

    grade_limits_default(&lim);
    lim.max_frames = 8;
    memset(&r, 0, sizeof r);
    grade_run(&s, &c, "sub", cow_trace, strlen(cow_trace), &lim, &r);
    assert_non_null(strstr(r.items[0].output, "16 frames, more than 8 (--max-frames)"));
    grade_report_free(&r);

    grade_limits_default(&lim);
    lim.cpu_seconds = 1e-9; /* any run takes longer: stopped at a line */
    memset(&r, 0, sizeof r);
    const char *many = "spawn 1\nread 1 0\nread 1 0\nread 1 0\nread 1 0\nread 1 0\nread 1 0\nread 1 0\n"
                       "read 1 0\nread 1 0\nread 1 0\nread 1 0\nread 1 0\nread 1 0\nread 1 0\nread 1 0\n"
                       "read 1 0\nread 1 0\n";
    grade_run(&s, &c, "sub", many, strlen(many), &lim, &r);
    assert_non_null(strstr(r.items[0].output, "s of processor time (--timeout)"));
    grade_report_free(&r);
    grade_suite_free(&s);
}

static void test_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test_grade_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("0123456789", f);
    fclose(f);
    char *buf, err[256];
    size_t len;
    assert_int_equal(grade_read_file(path, 10, "--max-size", &buf, &len, err, sizeof err), 0);
    assert_int_equal(len, 10);
    assert_string_equal(buf, "0123456789");
    free(buf);
    assert_int_equal(grade_read_file(path, 9, "--max-size", &buf, &len, err, sizeof err), -1);
    assert_non_null(strstr(err, "is larger than 9 bytes (--max-size)"));
    assert_null(buf);
    remove(path);
    assert_int_equal(grade_read_file(path, 0, "--max-size", &buf, &len, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot read"));
}

/* ---- reports ------------------------------------------------------------------------ */

static void sample_report(struct grade_report *r)
{
    memset(r, 0, sizeof *r);
    r->title = strdup("sub.trace graded with t.vmt");
    struct grade_item *it = grade_report_add(r, "copies # once", 5, VIS_VISIBLE);
    it->passed = true;
    it->score = 5;
    free(it->output);
    it->output = strdup("passed: stat faults.cow_copy == 1\n");
    it = grade_report_add(r, "say \"hi\" \\ \x1b", 2.5, VIS_AFTER_PUBLISHED);
    free(it->output);
    it->output = strdup("failed: x (actual \x01)\nhint: \xff\n");
}

static void test_write_text(void **state)
{
    (void)state;
    struct grade_report r;
    sample_report(&r);
    char *t = written(&r, GF_TEXT);
    assert_string_equal(t, "sub.trace graded with t.vmt\n"
                           "PASS   5/5  copies # once\n"
                           "     passed: stat faults.cow_copy == 1\n"
                           "FAIL 0/2.5  say \"hi\" \\ \\x1b (after_published)\n"
                           "     failed: x (actual \\x01)\n"
                           "     hint: \\xff\n"
                           "score: 5/7.5 (1 of 2 tests passed)\n");
    free(t);
    grade_report_free(&r);
}

static void test_write_gradescope(void **state)
{
    (void)state;
    struct grade_report r;
    sample_report(&r);
    char *t = written(&r, GF_GRADESCOPE);
    assert_string_equal(t, "{\n"
                           "  \"score\": 5,\n"
                           "  \"output\": \"sub.trace graded with t.vmt\\n\",\n"
                           "  \"tests\": [\n"
                           "    {\n"
                           "      \"name\": \"copies # once\",\n"
                           "      \"score\": 5,\n"
                           "      \"max_score\": 5,\n"
                           "      \"status\": \"passed\",\n"
                           "      \"output\": \"passed: stat faults.cow_copy == 1\\n\",\n"
                           "      \"visibility\": \"visible\"\n"
                           "    },\n"
                           "    {\n"
                           "      \"name\": \"say \\\"hi\\\" \\\\ \\\\x1b\",\n"
                           "      \"score\": 0,\n"
                           "      \"max_score\": 2.5,\n"
                           "      \"status\": \"failed\",\n"
                           "      \"output\": \"failed: x (actual \\\\x01)\\nhint: \\\\xff\\n\",\n"
                           "      \"visibility\": \"after_published\"\n"
                           "    }\n"
                           "  ]\n"
                           "}\n");
    free(t);
    grade_report_free(&r);
    /* no tests: still an object with an empty list */
    memset(&r, 0, sizeof r);
    t = written(&r, GF_GRADESCOPE);
    assert_non_null(strstr(t, "\"tests\": []\n}"));
    free(t);
}

static void test_write_tap(void **state)
{
    (void)state;
    struct grade_report r;
    sample_report(&r);
    char *t = written(&r, GF_TAP14);
    assert_string_equal(t, "TAP version 14\n"
                           "# sub.trace graded with t.vmt\n"
                           "1..2\n"
                           "ok 1 - copies \\# once\n"
                           "  ---\n"
                           "  score: 5\n"
                           "  max_score: 5\n"
                           "  visibility: visible\n"
                           "  output: |\n"
                           "    passed: stat faults.cow_copy == 1\n"
                           "  ...\n"
                           "not ok 2 - say \"hi\" \\\\ \\\\x1b\n"
                           "  ---\n"
                           "  score: 0\n"
                           "  max_score: 2.5\n"
                           "  visibility: after_published\n"
                           "  output: |\n"
                           "    failed: x (actual \\x01)\n"
                           "    hint: \\xff\n"
                           "  ...\n"
                           "# score: 5/7.5 (1 of 2 tests passed)\n");
    /* version 13 (the default, which prove reads) differs only in its first line */
    char *t13 = written(&r, GF_TAP);
    assert_memory_equal(t13, "TAP version 13\n", strlen("TAP version 13\n"));
    assert_string_equal(t13 + strlen("TAP version 13\n"), t + strlen("TAP version 14\n"));
    free(t13);
    free(t);
    grade_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_points_format),
        cmocka_unit_test(test_parse_suite),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_check_expects),
        cmocka_unit_test(test_run_marks),
        cmocka_unit_test(test_run_error_scores_zero),
        cmocka_unit_test(test_run_machines),
        cmocka_unit_test(test_run_limits),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_write_text),
        cmocka_unit_test(test_write_gradescope),
        cmocka_unit_test(test_write_tap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
