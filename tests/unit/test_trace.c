/* test_trace.c -- unit tests of the trace parser (sim/trace.c). */
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include <cmocka.h>

#include "vmsim/arch.h"
#include "vmsim/event.h"
#include "vmsim/number.h"
#include "vmsim/proc.h"
#include "vmsim/trace.h"
#include "vmsim/vma.h"

static const struct arch X86 = {
    .name = "x86_64",
    .va_bits = 48,
    .page_shift = 12,
    .levels = 4,
    .level_bits = 9,
    .page_size = 4096,
    .user_top = UINT64_C(1) << 47,
    .text_base = 0x400000,
    .default_frames = 16384,
};

static const struct arch TINY = {
    .name = "tiny",
    .va_bits = 16,
    .page_shift = 8,
    .levels = 2,
    .level_bits = 4,
    .page_size = 256,
    .user_top = 0x10000,
    .text_base = 0x100,
    .default_frames = 64,
};

/* ---- helpers ------------------------------------------------------------ */

static void poison(struct ev *ev) { memset(ev, 0xa5, sizeof *ev); }

static void assert_str(struct str s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.len != n || (n && memcmp(s.s, lit, n) != 0))
        fail_msg("got '%.*s', want '%s'", (int)s.len, s.s ? s.s : "", lit);
}

/* parse_ok: text holds exactly one event or directive; returns it. */
static struct ev parse_ok_a(const struct arch *a, const char *text)
{
    struct trace_reader *r = trace_open_mem(text, strlen(text), "t.trace", a);
    struct ev ev, more;
    poison(&ev);
    int k = trace_next(r, &ev);
    if (k != 1)
        fail_msg("'%s': got %d (%s)", text, k, trace_error(r));
    k = trace_next(r, &more);
    if (k != 0)
        fail_msg("'%s': a second event (%d)", text, k);
    trace_close(r);
    return ev;
}

static struct ev parse_ok(const char *text) { return parse_ok_a(&X86, text); }

/* parse_bad_n: the first trace_next on [text, text+len) fails with msg at line. */
static void parse_bad_n(const struct arch *a, const char *text, size_t len, uint64_t line, const char *msg)
{
    struct trace_reader *r = trace_open_mem(text, len, "t.trace", a);
    struct ev ev;
    poison(&ev);
    int k;
    while ((k = trace_next(r, &ev)) == 1)
        ;
    if (k != -1)
        fail_msg("'%.*s': no error (want '%s')", (int)len, text, msg);
    if (strcmp(trace_error(r), msg) != 0)
        fail_msg("'%.*s': error '%s', want '%s'", (int)len, text, trace_error(r), msg);
    assert_int_equal(trace_line(r), line);
    /* the error sticks */
    assert_int_equal(trace_next(r, &ev), -1);
    assert_string_equal(trace_error(r), msg);
    trace_close(r);
}

static void parse_bad_a(const struct arch *a, const char *text, const char *msg)
{
    parse_bad_n(a, text, strlen(text), 1, msg);
}

static void parse_bad(const char *text, const char *msg) { parse_bad_a(&X86, text, msg); }

/* count: number of events in text, or -1 on error. */
static int count_events(const char *text, size_t len)
{
    struct trace_reader *r = trace_open_mem(text, len, "t.trace", &X86);
    struct ev ev;
    int n = 0, k;
    while ((k = trace_next(r, &ev)) == 1)
        n++;
    trace_close(r);
    return k < 0 ? -1 : n;
}

/* ---- name tables -------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    static const char *const ops[] = {"spawn", "fork",  "vfork",   "exec",   "exit", "wait", "mmap", "munmap", "mprotect",
                                      "brk",   "read",  "write",   "touch",  "subreaper", "program", "expect", "show",
                                      "mark"};
    assert_int_equal(EV_NOPS, 18);
    for (int i = 0; i < EV_NOPS; i++)
        assert_string_equal(ev_op_names[i], ops[i]);
    assert_string_equal(cmp_op_names[CMP_EQ], "==");
    assert_string_equal(cmp_op_names[CMP_NE], "!=");
    assert_string_equal(cmp_op_names[CMP_LT], "<");
    assert_string_equal(cmp_op_names[CMP_LE], "<=");
    assert_string_equal(cmp_op_names[CMP_GT], ">");
    assert_string_equal(cmp_op_names[CMP_GE], ">=");
    static const char *const pf[] = {"state", "ppid", "exit_status", "program", "rss",
                                     "pss",   "uss",  "pt_pages",    "vmas", "swap"};
    for (int i = 0; i < PF_COUNT; i++)
        assert_string_equal(proc_field_names[i], pf[i]);
    static const char *const gf[] = {"mapped", "present", "writable", "cow",      "dirty",
                                     "frame",  "kind",    "refcount", "mappers", "value", "swapped", "slot"};
    for (int i = 0; i < PGF_COUNT; i++)
        assert_string_equal(page_field_names[i], gf[i]);
}

/* ---- numbers ------------------------------------------------------------- */

static uint64_t number_ok(const char *s, uint64_t page)
{
    uint64_t v = 0;
    const char *err = NULL;
    if (number_parse(s, strlen(s), page, &v, &err) != 0)
        fail_msg("'%s': %s", s, err);
    return v;
}

static void number_bad(const char *s, uint64_t page, const char *msg)
{
    uint64_t v = 12345;
    const char *err = NULL;
    if (number_parse(s, strlen(s), page, &v, &err) != -1)
        fail_msg("'%s' parsed as %" PRIu64 ", want '%s'", s, v, msg);
    assert_non_null(err);
    if (strcmp(err, msg) != 0)
        fail_msg("'%s': '%s', want '%s'", s, err, msg);
    assert_int_equal(v, 12345); /* untouched */
}

static void test_number_forms(void **state)
{
    (void)state;
    assert_int_equal(number_ok("0", 4096), 0);
    assert_int_equal(number_ok("7", 4096), 7);
    assert_int_equal(number_ok("4096", 4096), 4096);
    assert_int_equal(number_ok("007", 4096), 7); /* not octal */
    assert_int_equal(number_ok("0x0", 4096), 0);
    assert_int_equal(number_ok("0x1000", 4096), 0x1000);
    assert_int_equal(number_ok("0X1F", 4096), 0x1f);
    assert_int_equal(number_ok("0xdeadBEEF", 4096), 0xdeadbeef);
    assert_int_equal(number_ok("0x0000000000000000000000000012", 4096), 0x12);
    assert_int_equal(number_ok("000000000000000000000000000042", 4096), 42);
    assert_int_equal(number_ok("1K", 4096), 1024);
    assert_int_equal(number_ok("3M", 4096), 3u << 20);
    assert_int_equal(number_ok("64G", 4096), UINT64_C(64) << 30);
    assert_int_equal(number_ok("2T", 4096), UINT64_C(2) << 40);
    assert_int_equal(number_ok("0x10K", 4096), 16 * 1024);
    assert_int_equal(number_ok("0K", 4096), 0);
    assert_int_equal(number_ok("1p", 4096), 4096);
    assert_int_equal(number_ok("3p", 256), 768);
    assert_int_equal(number_ok("0x2p", 256), 512);
    assert_int_equal(number_ok("16384", 0), 16384);
    assert_int_equal(number_ok("64G", 0), UINT64_C(64) << 30);
}

static void test_number_errors(void **state)
{
    (void)state;
    number_bad("", 4096, "bad number");
    number_bad("0x", 4096, "bad number");
    number_bad("0xK", 4096, "bad number");
    number_bad("x10", 4096, "bad number");
    number_bad("K", 4096, "bad number");
    number_bad("p", 4096, "bad number");
    number_bad("0x12g", 4096, "bad number");
    number_bad("1k", 4096, "bad number");
    number_bad("1m", 4096, "bad number");
    number_bad("1g", 4096, "bad number");
    number_bad("1t", 4096, "bad number");
    number_bad("1P", 4096, "bad number");
    number_bad("1KK", 4096, "bad number");
    number_bad("1pK", 4096, "bad number");
    number_bad("1Kp", 4096, "bad number");
    number_bad("-1", 4096, "bad number");
    number_bad("+1", 4096, "bad number");
    number_bad("1.5", 4096, "bad number");
    number_bad("12a", 4096, "bad number");
    number_bad("0xg", 4096, "bad number");
    number_bad("0x 1", 4096, "bad number");
    number_bad("0b101", 4096, "bad number");
    number_bad("1e3", 4096, "bad number");
    number_bad("\xc3\xa9", 4096, "bad number");
    number_bad("1\xc3\xa9", 4096, "bad number");
    number_bad("3p", 0, "suffix p (pages) is not allowed here");
    /* a bad digit after too many digits is still a bad number */
    number_bad("0x1000000000000000000000000z", 4096, "bad number");
    number_bad("1000000000000000000000000000z", 4096, "bad number");
    /* a NULL or empty word */
    uint64_t v;
    const char *err = NULL;
    assert_int_equal(number_parse(NULL, 0, 4096, &v, &err), -1);
    assert_string_equal(err, "bad number");
    assert_int_equal(number_parse("12", 1, 4096, &v, &err), 0); /* only len bytes */
    assert_int_equal(v, 1);
}

static void test_number_overflow(void **state)
{
    (void)state;
    assert_true(number_ok("18446744073709551615", 4096) == UINT64_MAX);
    assert_true(number_ok("0xffffffffffffffff", 4096) == UINT64_MAX);
    assert_true(number_ok("0x0000ffffffffffffffff", 4096) == UINT64_MAX);
    assert_true(number_ok("018446744073709551615", 4096) == UINT64_MAX);
    assert_true(number_ok("9999999999999999999", 4096) == UINT64_C(9999999999999999999));
    assert_true(number_ok("10000000000000000000", 4096) == UINT64_C(10000000000000000000));
    number_bad("18446744073709551616", 4096, "number out of range");
    number_bad("18446744073709551620", 4096, "number out of range");
    number_bad("19000000000000000000", 4096, "number out of range");
    number_bad("99999999999999999999", 4096, "number out of range");
    number_bad("100000000000000000000", 4096, "number out of range");
    number_bad("0x10000000000000000", 4096, "number out of range");
    number_bad("0x1ffffffffffffffff", 4096, "number out of range");
    assert_true(number_ok("16777215T", 4096) == UINT64_C(16777215) << 40);
    number_bad("16777216T", 4096, "number out of range");
    assert_true(number_ok("17179869183G", 4096) == UINT64_C(17179869183) << 30);
    number_bad("17179869184G", 4096, "number out of range");
    number_bad("0x100000000000M", 4096, "number out of range");
    assert_true(number_ok("0xfffffffffffM", 4096) == UINT64_C(0xfffffffffff) << 20);
    number_bad("0x40000000000000K", 4096, "number out of range");
    assert_true(number_ok("0x3fffffffffffffK", 4096) == UINT64_C(0x3fffffffffffff) << 10);
    assert_true(number_ok("0xfffffffffffffp", 4096) == UINT64_C(0xfffffffffffff) << 12);
    number_bad("0x10000000000000p", 4096, "number out of range");
    number_bad("0x100000000000000p", 256, "number out of range");
    assert_true(number_ok("0xffffffffffffffp", 256) == UINT64_C(0xffffffffffffff) << 8);
}

/* ---- lines, comments, blanks, CRLF ----------------------------------------- */

static void test_blank_and_comments(void **state)
{
    (void)state;
    assert_int_equal(count_events("", 0), 0);
    assert_int_equal(count_events("\n", 1), 0);
    assert_int_equal(count_events("\n\n\n", 3), 0);
    assert_int_equal(count_events("   \t \n", 6), 0);
    assert_int_equal(count_events("# only a comment", 16), 0);
    assert_int_equal(count_events("\t# indented comment\n  #\n#\n", 26), 0);
    assert_int_equal(count_events("#read 1 2\n", 10), 0);
    assert_int_equal(count_events("\r\n\r\n", 4), 0);
    assert_int_equal(count_events("\r", 1), 0);

    struct ev ev = parse_ok("read 1 0x1000 # a comment with read 2 3\n");
    assert_int_equal(ev.op, EV_READ);
    assert_int_equal(ev.addr, 0x1000);
    ev = parse_ok("read 1 0x1000# glued comment");
    assert_int_equal(ev.addr, 0x1000);
    ev = parse_ok("\t read\t1  \t 0x2000\t\t\n");
    assert_int_equal(ev.addr, 0x2000);
    ev = parse_ok("mark before#after");
    assert_str(ev.name, "before");
    ev = parse_ok("# first\n\n   \nread 3 4 # x\n# last\n");
    assert_int_equal(ev.line, 4);
    assert_int_equal(ev.pid, 3);
    /* a last line without '\n' */
    ev = parse_ok("read 5 6");
    assert_int_equal(ev.pid, 5);
    assert_int_equal(ev.addr, 6);
    /* a comment cuts a form short */
    parse_bad("read 1 #0x1000", "'read' takes 2 words after it (read PID ADDR)");
    parse_bad("read#1 2", "'read' takes 2 words after it (read PID ADDR)");
    /* a tab in a comment is fine */
    assert_int_equal(count_events("#\ta\tb\n", 6), 0);
}

static void test_crlf(void **state)
{
    (void)state;
    const char *t = "read 1 0x10\r\nwrite 1 0x20 7\r\n\r\n# c\r\nmark m\r";
    struct trace_reader *r = trace_open_mem(t, strlen(t), "crlf", &X86);
    struct ev ev;
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.op, EV_READ);
    assert_int_equal(ev.addr, 0x10);
    assert_int_equal(ev.line, 1);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.op, EV_WRITE);
    assert_int_equal(ev.value, 7);
    assert_int_equal(ev.line, 2);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.op, EV_MARK);
    assert_str(ev.name, "m"); /* the CR at the end of the input is not part of the label */
    assert_int_equal(ev.line, 5);
    assert_int_equal(trace_next(r, &ev), 0);
    trace_close(r);

    ev = parse_ok("mark abc \r\n");
    assert_str(ev.name, "abc");
    ev = parse_ok("read 1 2 # comment\r\n");
    assert_int_equal(ev.addr, 2);
    /* only one CR right before the line end is ignored */
    parse_bad("read 1 2\r\r\n", "unexpected byte 0x0d");
    parse_bad("read 1\r2\n", "unexpected byte 0x0d");
    parse_bad("read 1 2 # a\rb\n", "unexpected byte 0x0d");
    ev = parse_ok("read 1 0x10\r"); /* a CR at the end of the input ends the line too */
    assert_int_equal(ev.addr, 0x10);
}

static void test_bad_bytes(void **state)
{
    (void)state;
    /* NOLINTNEXTLINE(bugprone-string-literal-with-embedded-nul): a NUL, then "x10" */
    parse_bad_n(&X86, "read 1 0\0x10\n", 13, 1, "unexpected byte 0x00");
    parse_bad_n(&X86, "\0", 1, 1, "unexpected byte 0x00");
    parse_bad_n(&X86, "read 1 2\n# nul \0 in a comment\n", 30, 2, "unexpected byte 0x00");
    parse_bad_n(&X86, "read 1 2 \0\n", 11, 1, "unexpected byte 0x00");
    parse_bad("read\x01 1 2", "unexpected byte 0x01");
    parse_bad("read 1 2\x1b[0m", "unexpected byte 0x1b");
    parse_bad("read 1 2 \x7f", "unexpected byte 0x7f");
    parse_bad("\x0b", "unexpected byte 0x0b");
    parse_bad("read 1\f2", "unexpected byte 0x0c");
    /* bytes >= 0x80 are word bytes */
    parse_bad("r\xc3\xa9" "ad 1 2", "unknown keyword 'r\\xc3\\xa9ad' (did you mean 'read'?)");
    parse_bad("read 1 0x1\xc3\xa9", "bad number '0x1\\xc3\\xa9'");
    parse_bad("read \xff 2", "bad number '\\xff'");
    struct ev ev = parse_ok("spawn 1 caf\xc3\xa9");
    assert_str(ev.name, "caf\xc3\xa9");
    ev = parse_ok("mark \xe2\x9c\x93 # \xe2\x9c\x93 in a comment");
    assert_str(ev.name, "\xe2\x9c\x93");
    /* a backslash in a quoted word is escaped so that the message is unambiguous */
    parse_bad("frob\\", "unknown keyword 'frob\\x5c'");
}

/* a batch stops before a malformed line, which the next call reports */
static void test_batch_error_waits(void **state)
{
    (void)state;
    static const char t[] = "read 1 0x1000\n# a comment\nwrite 1 0x2000 7\nbogus 1\nread 1 0x3000\n";
    struct trace_reader *r = trace_open_mem(t, sizeof t - 1, "mem", &X86);
    struct ev ev[8];
    assert_int_equal(trace_next_batch(r, ev, 8), 2);
    assert_int_equal(ev[0].op, EV_READ);
    assert_int_equal(ev[0].line, 1);
    assert_int_equal(ev[1].op, EV_WRITE);
    assert_int_equal(ev[1].line, 3);
    assert_int_equal(ev[1].value, 7);
    assert_int_equal(trace_next_batch(r, ev, 8), -1);
    assert_int_equal(trace_line(r), 4);
    assert_non_null(strstr(trace_error(r), "bogus"));
    assert_int_equal(trace_next_batch(r, ev, 8), -1); /* sticky */
    trace_close(r);
    /* a batch of max 1, and the end of the input */
    r = trace_open_mem(t, 43, "mem", &X86); /* the first three lines */
    assert_int_equal(trace_next_batch(r, ev, 1), 1);
    assert_int_equal(trace_next_batch(r, ev, 1), 1);
    assert_int_equal(ev[0].op, EV_WRITE);
    assert_int_equal(trace_next_batch(r, ev, 1), 0);
    trace_close(r);
    /* a malformed first line: -1 at once */
    r = trace_open_mem("bogus\n", 6, "mem", &X86);
    assert_int_equal(trace_next_batch(r, ev, 8), -1);
    assert_int_equal(trace_line(r), 1);
    trace_close(r);
}

static void test_line_numbers(void **state)
{
    (void)state;
    const char *t = "# header\n"    /* 1 */
                    "\n"            /* 2 */
                    "spawn 1\n"     /* 3 */
                    "   \n"         /* 4 */
                    "write 1 0x10\n" /* 5 */
                    "# x\n"         /* 6 */
                    "touch 1 0 8K w\n" /* 7 */
                    "read 1 0\n"    /* 8 */
                    "\n"            /* 9 */
                    "fork 1 x\n";   /* 10 */
    struct trace_reader *r = trace_open_mem(t, strlen(t), "lines", &X86);
    struct ev ev;
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.line, 3);
    assert_int_equal(trace_line(r), 3);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.line, 5);
    assert_int_equal(ev.value, 5); /* write VALUE defaults to the line number */
    assert_false(ev.has_value);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.line, 7);
    assert_int_equal(ev.value, 7);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.line, 8);
    assert_int_equal(trace_next(r, &ev), -1);
    assert_int_equal(trace_line(r), 10);
    assert_string_equal(trace_error(r), "bad number 'x'");
    assert_string_equal(trace_name(r), "lines");
    trace_close(r);

    parse_bad_n(&X86, "\n\n\nfrok\n", 8, 4, "unknown keyword 'frok' (did you mean 'fork'?)");
    const char *t2 = "read 1 2\r\n\r\n# c\r\nfrok";
    parse_bad_n(&X86, t2, strlen(t2), 4, "unknown keyword 'frok' (did you mean 'fork'?)");
}

static void test_long_lines(void **state)
{
    (void)state;
    struct trace_reader *r;
    struct ev ev;
    /* a limit of 16 bytes: "mark 0123456789a" is 16 */
    const char *t = "mark 0123456789a\nmark 0123456789a\r\nmark 0123456789ab\n";
    r = trace_open_mem(t, strlen(t), "long", &X86);
    trace_set_max_line(r, 16);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_str(ev.name, "0123456789a");
    assert_int_equal(trace_next(r, &ev), 1); /* the CR does not count */
    assert_int_equal(trace_next(r, &ev), -1);
    assert_string_equal(trace_error(r), "line longer than 16 bytes");
    assert_int_equal(trace_line(r), 3);
    trace_close(r);

    /* the last line, without '\n' */
    t = "mark 0123456789ab";
    r = trace_open_mem(t, strlen(t), "long", &X86);
    trace_set_max_line(r, 16);
    assert_int_equal(trace_next(r, &ev), -1);
    assert_string_equal(trace_error(r), "line longer than 16 bytes");
    assert_int_equal(trace_line(r), 1);
    trace_close(r);
    t = "mark 0123456789a\r";
    r = trace_open_mem(t, strlen(t), "long", &X86);
    trace_set_max_line(r, 16);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(trace_next(r, &ev), 0);
    trace_close(r);

    /* a limit of 0 means 1 */
    t = "a\nbb\n";
    r = trace_open_mem(t, strlen(t), "long", &X86);
    trace_set_max_line(r, 0);
    assert_int_equal(trace_next(r, &ev), -1);
    assert_string_equal(trace_error(r), "unknown keyword 'a'");
    trace_close(r);
    t = "\nbb\n";
    r = trace_open_mem(t, strlen(t), "long", &X86);
    trace_set_max_line(r, 0);
    assert_int_equal(trace_next(r, &ev), -1);
    assert_string_equal(trace_error(r), "line longer than 1 byte");
    assert_int_equal(trace_line(r), 2);
    trace_close(r);

    /* comments and blanks count too */
    t = "\n#23456789012345678\nread 1 2\n";
    r = trace_open_mem(t, strlen(t), "long", &X86);
    trace_set_max_line(r, 16);
    assert_int_equal(trace_next(r, &ev), -1);
    assert_int_equal(trace_line(r), 2);
    trace_close(r);

    /* the default limit: 65536 bytes is fine, 65537 is not */
    size_t n = TRACE_DEFAULT_MAX_LINE;
    char *big = malloc(n + 64);
    assert_non_null(big);
    memcpy(big, "mark ", 5);
    memset(big + 5, 'a', n - 5);
    big[n] = '\n';
    big[n + 1] = 0;
    struct ev one = parse_ok(big);
    assert_int_equal(one.name.len, n - 5);
    big[n] = 'a';
    big[n + 1] = '\n';
    big[n + 2] = 0;
    parse_bad_n(&X86, big, n + 2, 1, "line longer than 65536 bytes");
    /* a long comment within the limit is fine */
    memset(big, ' ', n);
    big[0] = '#';
    big[n] = '\n';
    assert_int_equal(count_events(big, n + 1), 0);
    free(big);

    /* a huge line without any '\n': an error, found without reading it all */
    size_t huge = (size_t)64 << 20;
    big = malloc(huge);
    assert_non_null(big);
    memset(big, 'x', huge);
    parse_bad_n(&X86, big, huge, 1, "line longer than 65536 bytes");
    /* lots of words in one line */
    for (size_t i = 0; i < huge; i += 2) {
        big[i] = 'w';
        big[i + 1] = ' ';
    }
    memcpy(big, "mark ", 5);
    parse_bad_n(&X86, big, 1000, 1, "'mark' takes 1 word after it (mark LABEL)");
    r = trace_open_mem(big, huge, "words", &X86);
    trace_set_max_line(r, huge);
    assert_int_equal(trace_next(r, &ev), -1);
    assert_string_equal(trace_error(r), "'mark' takes 1 word after it (mark LABEL)");
    trace_close(r);
    free(big);
}

/* ---- keywords and word counts ----------------------------------------------- */

static void test_unknown_keyword(void **state)
{
    (void)state;
    parse_bad("frok 1 2", "unknown keyword 'frok' (did you mean 'fork'?)");
    parse_bad("forkk 1 2", "unknown keyword 'forkk' (did you mean 'fork'?)");
    parse_bad("exet 1", "unknown keyword 'exet' (did you mean 'exec' or 'exit'?)");
    parse_bad("wiat 1", "unknown keyword 'wiat' (did you mean 'wait'?)");
    parse_bad("xyzzy 1", "unknown keyword 'xyzzy'");
    parse_bad("READ 1 2", "unknown keyword 'READ' (keywords are lower case)");
    parse_bad("Spawn 1", "unknown keyword 'Spawn' (keywords are lower case)");
    parse_bad("reads 1 2", "unknown keyword 'reads' (did you mean 'read'?)");
    parse_bad("r", "unknown keyword 'r'");
    parse_bad("1 read", "unknown keyword '1'");
    parse_bad("mprotectx", "unknown keyword 'mprotectx' (did you mean 'mprotect'?)");
    parse_bad("progra", "unknown keyword 'progra' (did you mean 'program'?)");
    parse_bad("bkr 1 2", "unknown keyword 'bkr' (did you mean 'brk'?)");
    parse_bad("spawm 1", "unknown keyword 'spawm' (did you mean 'spawn'?)");
    parse_bad("expext stat a == 1", "unknown keyword 'expext' (did you mean 'expect'?)");
    /* long words are cut in messages */
    parse_bad("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij",
              "unknown keyword 'abcdefghijabcdefghijabcdefghijabcdefghij...'");
}

static void test_word_counts(void **state)
{
    (void)state;
    static const struct {
        const char *line, *msg;
    } cases[] = {
        {"spawn", "'spawn' takes 1 or 2 words after it (spawn PID [PROGRAM])"},
        {"spawn 1 a b", "'spawn' takes 1 or 2 words after it (spawn PID [PROGRAM])"},
        {"fork 1", "'fork' takes 2 words after it (fork PARENT CHILD)"},
        {"fork 1 2 3", "'fork' takes 2 words after it (fork PARENT CHILD)"},
        {"vfork 1", "'vfork' takes 2 words after it (vfork PARENT CHILD)"},
        {"vfork 1 2 3", "'vfork' takes 2 words after it (vfork PARENT CHILD)"},
        {"exec 1", "'exec' takes 2 words after it (exec PID PROGRAM)"},
        {"exec 1 a b", "'exec' takes 2 words after it (exec PID PROGRAM)"},
        {"exit", "'exit' takes 1 or 2 words after it (exit PID [STATUS])"},
        {"exit 1 2 3", "'exit' takes 1 or 2 words after it (exit PID [STATUS])"},
        {"wait", "'wait' takes 1 or 2 words after it (wait PID [CHILD])"},
        {"wait 1 2 3", "'wait' takes 1 or 2 words after it (wait PID [CHILD])"},
        {"mmap 1 0 4K rw-",
         "'mmap' takes 5 or 6 words after it (mmap PID ADDR LEN PROT SHARING [file=NAME[@OFFSET]])"},
        {"mmap 1 0 4K rw- private file=a x",
         "'mmap' takes 5 or 6 words after it (mmap PID ADDR LEN PROT SHARING [file=NAME[@OFFSET]])"},
        {"munmap 1 0", "'munmap' takes 3 words after it (munmap PID ADDR LEN)"},
        {"munmap 1 0 4K x", "'munmap' takes 3 words after it (munmap PID ADDR LEN)"},
        {"mprotect 1 0 4K", "'mprotect' takes 4 words after it (mprotect PID ADDR LEN PROT)"},
        {"mprotect 1 0 4K r x", "'mprotect' takes 4 words after it (mprotect PID ADDR LEN PROT)"},
        {"brk 1", "'brk' takes 2 words after it (brk PID +LEN|-LEN|ADDR)"},
        {"brk 1 + 4K", "'brk' takes 2 words after it (brk PID +LEN|-LEN|ADDR)"},
        {"read 1", "'read' takes 2 words after it (read PID ADDR)"},
        {"read 1 2 3", "'read' takes 2 words after it (read PID ADDR)"},
        {"read", "'read' takes 2 words after it (read PID ADDR)"},
        {"write 1", "'write' takes 2 or 3 words after it (write PID ADDR [VALUE])"},
        {"write 1 2 3 4", "'write' takes 2 or 3 words after it (write PID ADDR [VALUE])"},
        {"touch 1 0 4K", "'touch' takes 4 or 5 words after it (touch PID ADDR LEN r|w [VALUE])"},
        {"touch 1 0 4K w 1 2", "'touch' takes 4 or 5 words after it (touch PID ADDR LEN r|w [VALUE])"},
        {"program",
         "'program' takes 1 to 6 words after it (program NAME [text=N] [data=N] [bss=N] [heap=N] [stack=N])"},
        {"program a text=1 data=1 bss=1 heap=1 stack=1 text=1",
         "'program' takes 1 to 6 words after it (program NAME [text=N] [data=N] [bss=N] [heap=N] [stack=N])"},
        {"expect", "'expect' needs a query (expect stat PATH|proc PID FIELD|page PID ADDR FIELD OP VALUE)"},
        {"expect stat a ==", "'expect stat' takes 3 words after it (expect stat PATH OP VALUE)"},
        {"expect stat a == 1 2", "'expect stat' takes 3 words after it (expect stat PATH OP VALUE)"},
        {"expect proc 1 rss ==", "'expect proc' takes 4 words after it (expect proc PID FIELD OP VALUE)"},
        {"expect proc 1 rss == 1 1", "'expect proc' takes 4 words after it (expect proc PID FIELD OP VALUE)"},
        {"expect page 1 0 present ==",
         "'expect page' takes 5 words after it (expect page PID ADDR FIELD OP VALUE)"},
        {"expect page 1 0 present == 1 1",
         "'expect page' takes 5 words after it (expect page PID ADDR FIELD OP VALUE)"},
        {"show", "'show' takes a view (show pstree|frames|stats|swap|tlb|vmas PID|pages PID)"},
        {"show pstree 1", "'show pstree' takes no more words"},
        {"show frames x", "'show frames' takes no more words"},
        {"show stats x", "'show stats' takes no more words"},
        {"show vmas", "'show vmas' takes 1 word after it (show vmas PID)"},
        {"show pages 1 2", "'show pages' takes 1 word after it (show pages PID)"},
        {"mark", "'mark' takes 1 word after it (mark LABEL)"},
        {"mark a b", "'mark' takes 1 word after it (mark LABEL)"},
        {"mark a b c d e f g h i j k", "'mark' takes 1 word after it (mark LABEL)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        parse_bad(cases[i].line, cases[i].msg);
}

/* ---- processes ---------------------------------------------------------------- */

static void test_spawn_fork_exec(void **state)
{
    (void)state;
    struct ev ev = parse_ok("spawn 1");
    assert_int_equal(ev.op, EV_SPAWN);
    assert_int_equal(ev.line, 1);
    assert_int_equal(ev.pid, 1);
    assert_int_equal(ev.pid2, 0);
    assert_int_equal(ev.name.len, 0);
    assert_non_null(ev.name.s);
    ev = parse_ok("spawn 2147483647 ls");
    assert_int_equal(ev.pid, 2147483647u);
    assert_str(ev.name, "ls");
    ev = parse_ok("spawn 0x10 a.out");
    assert_int_equal(ev.pid, 16);
    assert_str(ev.name, "a.out");
    ev = parse_ok("fork 1 2");
    assert_int_equal(ev.op, EV_FORK);
    assert_int_equal(ev.pid, 1);
    assert_int_equal(ev.pid2, 2);
    ev = parse_ok("vfork 3 4");
    assert_int_equal(ev.op, EV_VFORK);
    assert_int_equal(ev.pid, 3);
    assert_int_equal(ev.pid2, 4);
    ev = parse_ok("exec 5 sh");
    assert_int_equal(ev.op, EV_EXEC);
    assert_int_equal(ev.pid, 5);
    assert_str(ev.name, "sh");

    parse_bad("spawn 0", "pid out of range: 0 (1..2147483647)");
    parse_bad("spawn 2147483648", "pid out of range: 2147483648 (1..2147483647)");
    parse_bad("spawn 0x80000000", "pid out of range: 0x80000000 (1..2147483647)");
    parse_bad("spawn 99999999999999999999999", "number out of range '99999999999999999999999'");
    parse_bad("spawn -1", "bad number '-1'");
    parse_bad("spawn one", "bad number 'one'");
    parse_bad("fork 1 0", "pid out of range: 0 (1..2147483647)");
    parse_bad("fork x 2", "bad number 'x'");
    parse_bad("vfork 1 1x", "bad number '1x'");
    parse_bad("exec 0 sh", "pid out of range: 0 (1..2147483647)");
}

static void test_exit_wait(void **state)
{
    (void)state;
    struct ev ev = parse_ok("exit 3");
    assert_int_equal(ev.op, EV_EXIT);
    assert_int_equal(ev.pid, 3);
    assert_int_equal(ev.value, 0);
    assert_false(ev.has_value);
    ev = parse_ok("exit 3 255");
    assert_int_equal(ev.value, 255);
    assert_true(ev.has_value);
    ev = parse_ok("exit 3 0x7f");
    assert_int_equal(ev.value, 127);
    ev = parse_ok("exit 3 0");
    assert_int_equal(ev.value, 0);
    parse_bad("exit 3 256", "exit status 256 is out of range (0..255)");
    parse_bad("exit 3 1K", "exit status 1K is out of range (0..255)");
    parse_bad("exit 3 -1", "bad number '-1'");
    parse_bad("exit 0", "pid out of range: 0 (1..2147483647)");

    ev = parse_ok("wait 1");
    assert_int_equal(ev.op, EV_WAIT);
    assert_int_equal(ev.pid, 1);
    assert_int_equal(ev.pid2, 0);
    ev = parse_ok("wait 1 7");
    assert_int_equal(ev.pid2, 7);
    parse_bad("wait 1 0", "pid out of range: 0 (1..2147483647)");
    parse_bad("wait 1 any", "bad number 'any'");
}

/* ---- memory map ----------------------------------------------------------------- */

static void test_mmap(void **state)
{
    (void)state;
    struct ev ev = parse_ok("mmap 1 0x10000 4K rw- private");
    assert_int_equal(ev.op, EV_MMAP);
    assert_int_equal(ev.pid, 1);
    assert_int_equal(ev.addr, 0x10000);
    assert_int_equal(ev.len, 4096);
    assert_int_equal(ev.prot, VMA_R | VMA_W);
    assert_false(ev.shared);
    assert_false(ev.has_file);
    assert_int_equal(ev.offset, 0);
    assert_int_equal(ev.name.len, 0);

    ev = parse_ok("mmap 2 0x20000 1 r-x shared");
    assert_int_equal(ev.len, 4096); /* rounded up */
    assert_int_equal(ev.prot, VMA_R | VMA_X);
    assert_true(ev.shared);
    ev = parse_ok("mmap 2 0x20000 4097 r shared");
    assert_int_equal(ev.len, 8192);
    assert_int_equal(ev.prot, VMA_R);
    ev = parse_ok("mmap 2 0 3p --- private");
    assert_int_equal(ev.addr, 0);
    assert_int_equal(ev.len, 3 * 4096);
    assert_int_equal(ev.prot, 0);

    static const struct {
        const char *p;
        unsigned v;
    } prots[] = {{"r", VMA_R},        {"w", VMA_W},        {"x", VMA_X},        {"-", 0},
                 {"rw", VMA_R | VMA_W}, {"wr", VMA_R | VMA_W}, {"xwr", 7},          {"rwx", 7},
                 {"r-x", 5},          {"-w-", VMA_W},      {"--x", VMA_X},      {"---", 0},
                 {"rw-", 3},          {"x-r", 5},          {"--", 0}};
    for (size_t i = 0; i < sizeof prots / sizeof prots[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "mmap 1 0 1 %s private", prots[i].p);
        ev = parse_ok(line);
        assert_int_equal(ev.prot, prots[i].v);
    }

    ev = parse_ok("mmap 1 0x400000 8K r-x private file=libc.so");
    assert_true(ev.has_file);
    assert_str(ev.name, "libc.so");
    assert_int_equal(ev.offset, 0);
    ev = parse_ok("mmap 1 0x400000 8K rw- shared file=data@0x3000");
    assert_true(ev.has_file);
    assert_true(ev.shared);
    assert_str(ev.name, "data");
    assert_int_equal(ev.offset, 0x3000);
    ev = parse_ok("mmap 1 0x400000 8K rw- shared file=data@2p");
    assert_int_equal(ev.offset, 0x2000);
    /* the range may end exactly at user_top */
    ev = parse_ok("mmap 1 0x7ffffffff000 4K rw- private");
    assert_int_equal(ev.addr, UINT64_C(0x7ffffffff000));
    ev = parse_ok("mmap 1 0 0x800000000000 rw- private");
    assert_int_equal(ev.len, UINT64_C(1) << 47);
}

static void test_mmap_errors(void **state)
{
    (void)state;
    parse_bad("mmap 1 0x10001 4K rw- private", "address 0x10001 is not page-aligned");
    parse_bad("mmap 1 100 4K rw- private", "address 0x64 is not page-aligned");
    parse_bad("mmap 1 0x10000 0 rw- private", "length must be above 0");
    parse_bad("mmap 1 0x10000 x rw- private", "bad number 'x'");
    parse_bad("mmap 1 0x1000z 1 rw- private", "bad number '0x1000z'");
    parse_bad("mmap 1 0x7ffffffff000 4097 rw- private",
              "range [0x7ffffffff000, 0x800000001000) is not below user_top 0x800000000000");
    parse_bad("mmap 1 0x800000000000 4K rw- private",
              "range [0x800000000000, 0x800000001000) is not below user_top 0x800000000000");
    parse_bad("mmap 1 0xfffffffffffff000 0x2000 rw- private",
              "range at 0xfffffffffffff000 of 0x2000 bytes wraps around");
    parse_bad("mmap 1 0xfffffffffffff000 4K rw- private", "range at 0xfffffffffffff000 of 0x1000 bytes wraps around");
    parse_bad("mmap 1 0 0xffffffffffffffff rw- private", "range at 0x0 of 0xffffffffffffffff bytes wraps around");
    parse_bad("mmap 1 0 4K rwz private",
              "bad protection 'rwz' (letters r w x, '-' as filler, each letter at most once)");
    parse_bad("mmap 1 0 4K rr private",
              "bad protection 'rr' (letters r w x, '-' as filler, each letter at most once)");
    parse_bad("mmap 1 0 4K rw-- private",
              "bad protection 'rw--' (letters r w x, '-' as filler, each letter at most once)");
    parse_bad("mmap 1 0 4K RW- private",
              "bad protection 'RW-' (letters r w x, '-' as filler, each letter at most once)");
    parse_bad("mmap 1 0 4K rw- pub", "sharing must be private or shared, not 'pub'");
    parse_bad("mmap 1 0 4K rw- Private", "sharing must be private or shared, not 'Private'");
    parse_bad("mmap 1 0 4K rw- private fil=a",
              "'mmap' takes file=NAME[@OFFSET] as its last word, not 'fil=a'");
    parse_bad("mmap 1 0 4K rw- private file", "'mmap' takes file=NAME[@OFFSET] as its last word, not 'file'");
    parse_bad("mmap 1 0 4K rw- private file=", "no file name in 'file=' (file=NAME[@OFFSET])");
    parse_bad("mmap 1 0 4K rw- private file=@0", "no file name in 'file=@0' (file=NAME[@OFFSET])");
    parse_bad("mmap 1 0 4K rw- private file=a@", "no offset after '@' in 'file=a@' (file=NAME[@OFFSET])");
    parse_bad("mmap 1 0 4K rw- private file=a@0x10", "offset 0x10 is not page-aligned");
    parse_bad("mmap 1 0 4K rw- private file=a@x", "bad number 'file=a@x'");
    parse_bad("mmap 1 0 4K rw- private file=a@b@4K", "bad number 'file=a@b@4K'"); /* split at the first '@' */
    parse_bad("mmap 1 0 4K rw- private file=a@99999999999999999999", "number out of range 'file=a@99999999999999999999'");
    parse_bad("mmap 1 0 8K rw- private file=a@0xfffffffffffff000",
              "file range at offset 0xfffffffffffff000 of 0x2000 bytes wraps around");
    parse_bad("mmap 0 0 4K rw- private", "pid out of range: 0 (1..2147483647)");
}

static void test_munmap_mprotect(void **state)
{
    (void)state;
    struct ev ev = parse_ok("munmap 4 0x10000 100");
    assert_int_equal(ev.op, EV_MUNMAP);
    assert_int_equal(ev.pid, 4);
    assert_int_equal(ev.addr, 0x10000);
    assert_int_equal(ev.len, 4096);
    ev = parse_ok("mprotect 4 0x10000 2p r--");
    assert_int_equal(ev.op, EV_MPROTECT);
    assert_int_equal(ev.addr, 0x10000);
    assert_int_equal(ev.len, 8192);
    assert_int_equal(ev.prot, VMA_R);
    ev = parse_ok("mprotect 4 0x10000 1 rwx");
    assert_int_equal(ev.prot, VMA_R | VMA_W | VMA_X);
    assert_int_equal(ev.len, 4096);

    parse_bad("munmap 1 0x10800 4K", "address 0x10800 is not page-aligned");
    parse_bad("munmap 1 0x10000 0", "length must be above 0");
    parse_bad("munmap 1 0x7fffffffe000 3p",
              "range [0x7fffffffe000, 0x800000001000) is not below user_top 0x800000000000");
    parse_bad("mprotect 1 0x10001 4K r", "address 0x10001 is not page-aligned");
    parse_bad("mprotect 1 0x10000 0 r", "length must be above 0");
    parse_bad("mprotect 1 0x10000 4K rwxr",
              "bad protection 'rwxr' (letters r w x, '-' as filler, each letter at most once)");
    parse_bad("mprotect 1 0x10000 4K ww",
              "bad protection 'ww' (letters r w x, '-' as filler, each letter at most once)");
}

static void test_brk(void **state)
{
    (void)state;
    struct ev ev = parse_ok("brk 1 +4K");
    assert_int_equal(ev.op, EV_BRK);
    assert_int_equal(ev.pid, 1);
    assert_int_equal(ev.brk, BRK_GROW);
    assert_int_equal(ev.len, 4096);
    ev = parse_ok("brk 1 +100");
    assert_int_equal(ev.brk, BRK_GROW);
    assert_int_equal(ev.len, 100); /* not rounded */
    ev = parse_ok("brk 1 -0x10");
    assert_int_equal(ev.brk, BRK_SHRINK);
    assert_int_equal(ev.len, 16);
    ev = parse_ok("brk 1 +0");
    assert_int_equal(ev.brk, BRK_GROW);
    assert_int_equal(ev.len, 0);
    ev = parse_ok("brk 1 0x600000");
    assert_int_equal(ev.brk, BRK_ABS);
    assert_int_equal(ev.addr, 0x600000);
    ev = parse_ok("brk 1 0x600001");
    assert_int_equal(ev.addr, 0x600001);
    ev = parse_ok("brk 1 0x800000000000");
    assert_int_equal(ev.addr, UINT64_C(1) << 47);
    ev = parse_ok("brk 1 +2p");
    assert_int_equal(ev.len, 8192);

    parse_bad("brk 1 0x800000000001", "break 0x800000000001 is above user_top 0x800000000000");
    parse_bad("brk 1 +", "bad number '+'");
    parse_bad("brk 1 -", "bad number '-'");
    parse_bad("brk 1 ++4", "bad number '++4'");
    parse_bad("brk 1 +-4", "bad number '+-4'");
    parse_bad("brk 1 +4x", "bad number '+4x'");
    parse_bad("brk 1 +99999999999999999999", "number out of range '+99999999999999999999'");
    parse_bad("brk 1 heap", "bad number 'heap'");
    parse_bad_a(&TINY, "brk 1 0x10001", "break 0x10001 is above user_top 0x10000");
}

/* ---- accesses -------------------------------------------------------------------- */

static void test_read_write(void **state)
{
    (void)state;
    struct ev ev = parse_ok("read 1 0x7f0000001000");
    assert_int_equal(ev.op, EV_READ);
    assert_int_equal(ev.pid, 1);
    assert_int_equal(ev.addr, UINT64_C(0x7f0000001000));
    assert_false(ev.write);
    assert_false(ev.has_value);
    /* no alignment nor user_top check on accesses */
    ev = parse_ok("read 1 0xffffffffffffffff");
    assert_true(ev.addr == UINT64_MAX);
    ev = parse_ok("read 1 0x1001");
    assert_int_equal(ev.addr, 0x1001);

    ev = parse_ok("\n\nwrite 2 0x1000 42");
    assert_int_equal(ev.op, EV_WRITE);
    assert_int_equal(ev.pid, 2);
    assert_int_equal(ev.addr, 0x1000);
    assert_int_equal(ev.value, 42);
    assert_true(ev.has_value);
    assert_true(ev.write);
    assert_int_equal(ev.line, 3);
    ev = parse_ok("\n\nwrite 2 0x1000");
    assert_int_equal(ev.value, 3);
    assert_false(ev.has_value);
    ev = parse_ok("write 2 0x1000 0xffffffffffffffff");
    assert_true(ev.value == UINT64_MAX);
    ev = parse_ok("write 2 0x1000 0");
    assert_int_equal(ev.value, 0);
    assert_true(ev.has_value);

    parse_bad("read 1 x", "bad number 'x'");
    parse_bad("read 0 0x1000", "pid out of range: 0 (1..2147483647)");
    parse_bad("write 1 0x1000 v", "bad number 'v'");
    parse_bad("write 1 0x1000 18446744073709551616", "number out of range '18446744073709551616'");
}

static void test_touch(void **state)
{
    (void)state;
    struct ev ev = parse_ok("touch 1 0x1000 16K w");
    assert_int_equal(ev.op, EV_TOUCH);
    assert_int_equal(ev.pid, 1);
    assert_int_equal(ev.addr, 0x1000);
    assert_int_equal(ev.len, 16384);
    assert_true(ev.write);
    assert_false(ev.has_value);
    assert_int_equal(ev.value, 1);
    ev = parse_ok("touch 1 0x1001 5 r");
    assert_false(ev.write);
    assert_int_equal(ev.len, 5); /* as given */
    assert_int_equal(ev.addr, 0x1001);
    assert_false(ev.has_value);
    ev = parse_ok("touch 1 0x1000 0 r");
    assert_int_equal(ev.len, 0);
    ev = parse_ok("touch 1 0xffffffffffffffff 0 w");
    assert_int_equal(ev.len, 0);
    ev = parse_ok("touch 1 0xfffffffffffff000 0xfff w 9");
    assert_true(ev.has_value);
    assert_int_equal(ev.value, 9);

    parse_bad("touch 1 0xfffffffffffff000 0x1000 w", "range at 0xfffffffffffff000 of 0x1000 bytes wraps around");
    parse_bad("touch 1 1 0xffffffffffffffff r", "range at 0x1 of 0xffffffffffffffff bytes wraps around");
    parse_bad("touch 1 0 4K x", "touch takes r or w, not 'x'");
    parse_bad("touch 1 0 4K rw", "touch takes r or w, not 'rw'");
    parse_bad("touch 1 0 4K W", "touch takes r or w, not 'W'");
    parse_bad("touch 1 0 4K r 5", "a read touch takes no VALUE ('5')");
    parse_bad("touch 1 0 4K w five", "bad number 'five'");
    parse_bad("touch 1 0 len w", "bad number 'len'");
}

/* ---- directives ------------------------------------------------------------------ */

static void test_program(void **state)
{
    (void)state;
    struct ev ev = parse_ok("program ls");
    assert_int_equal(ev.op, EV_PROGRAM);
    assert_str(ev.name, "ls");
    assert_int_equal(ev.seg[SEG_TEXT], 4 * 4096);
    assert_int_equal(ev.seg[SEG_DATA], 2 * 4096);
    assert_int_equal(ev.seg[SEG_BSS], 2 * 4096);
    assert_int_equal(ev.seg[SEG_HEAP], 0);
    assert_int_equal(ev.seg[SEG_STACK], 4 * 4096);

    ev = parse_ok("program big stack=1M heap=1 bss=0 text=10p data=8193");
    assert_str(ev.name, "big");
    assert_int_equal(ev.seg[SEG_TEXT], 10 * 4096);
    assert_int_equal(ev.seg[SEG_DATA], 3 * 4096);
    assert_int_equal(ev.seg[SEG_BSS], 0);
    assert_int_equal(ev.seg[SEG_HEAP], 4096);
    assert_int_equal(ev.seg[SEG_STACK], 1 << 20);

    ev = parse_ok_a(&TINY, "program t text=1 heap=0x101");
    assert_int_equal(ev.seg[SEG_TEXT], 256);
    assert_int_equal(ev.seg[SEG_DATA], 512);
    assert_int_equal(ev.seg[SEG_BSS], 512);
    assert_int_equal(ev.seg[SEG_HEAP], 512);
    assert_int_equal(ev.seg[SEG_STACK], 1024);

    parse_bad("program text=4", "'program' takes a NAME before 'text=4' (program NAME [text=N] [data=N] [bss=N] "
                                "[heap=N] [stack=N])");
    parse_bad("program a text", "'program' takes KEY=SIZE words after its NAME, not 'text'");
    parse_bad("program a code=4", "unknown program key 'code' (text, data, bss, heap, stack)");
    parse_bad("program a Text=4", "unknown program key 'Text' (text, data, bss, heap, stack)");
    parse_bad("program a =4", "unknown program key '' (text, data, bss, heap, stack)");
    parse_bad("program a text=1 text=2", "program key 'text' given twice");
    parse_bad("program a stack=1 heap=1 stack=1", "program key 'stack' given twice");
    parse_bad("program a text=", "bad number 'text='");
    parse_bad("program a text=4k", "bad number 'text=4k' (the suffixes K, M, G and T are upper case: 4K)");
    parse_bad("program a text=4x", "bad number 'text=4x'");
    parse_bad("program a data=0xffffffffffffffff", "number out of range 'data=0xffffffffffffffff'");
    parse_bad("program a bss=16777216T", "number out of range 'bss=16777216T'");
}

static void test_expect(void **state)
{
    (void)state;
    struct ev ev = parse_ok("expect stat faults.cow_copy == 3");
    assert_int_equal(ev.op, EV_EXPECT);
    assert_int_equal(ev.qkind, Q_STAT);
    assert_str(ev.qpath, "faults.cow_copy");
    assert_int_equal(ev.cmp, CMP_EQ);
    assert_int_equal(ev.qval.kind, QV_NUM);
    assert_int_equal(ev.qval.num, 3);
    assert_str(ev.qval.text, "3");
    assert_str(ev.qtext, "stat faults.cow_copy == 3");

    ev = parse_ok("expect   stat\tmemory.frames_used   <=  4K   # comment");
    assert_int_equal(ev.cmp, CMP_LE);
    assert_int_equal(ev.qval.num, 4096);
    assert_str(ev.qval.text, "4K");
    assert_str(ev.qtext, "stat\tmemory.frames_used   <=  4K");

    ev = parse_ok("expect proc 12 state == zombie");
    assert_int_equal(ev.qkind, Q_PROC);
    assert_int_equal(ev.pid, 12);
    assert_int_equal(ev.qfield, PF_STATE);
    assert_int_equal(ev.qval.kind, QV_WORD);
    assert_str(ev.qval.word, "zombie");
    assert_str(ev.qval.text, "zombie");
    assert_str(ev.qtext, "proc 12 state == zombie");

    ev = parse_ok("expect proc 1 pss >= 12.063");
    assert_int_equal(ev.qfield, PF_PSS);
    assert_int_equal(ev.cmp, CMP_GE);
    assert_int_equal(ev.qval.kind, QV_DEC);
    assert_true(ev.qval.dec > 12.0629999 && ev.qval.dec < 12.0630001);
    assert_str(ev.qval.text, "12.063");
    ev = parse_ok("expect proc 1 pss < 0.5");
    assert_int_equal(ev.cmp, CMP_LT);
    assert_true(ev.qval.dec > 0.4999999 && ev.qval.dec < 0.5000001);
    ev = parse_ok("expect proc 1 program != a.out");
    assert_int_equal(ev.qfield, PF_PROGRAM);
    assert_int_equal(ev.cmp, CMP_NE);
    assert_int_equal(ev.qval.kind, QV_WORD);
    assert_str(ev.qval.word, "a.out");

    ev = parse_ok("expect page 3 0x7fff0000 frame > 0x10");
    assert_int_equal(ev.qkind, Q_PAGE);
    assert_int_equal(ev.pid, 3);
    assert_int_equal(ev.addr, 0x7fff0000);
    assert_int_equal(ev.qfield, PGF_FRAME);
    assert_int_equal(ev.cmp, CMP_GT);
    assert_int_equal(ev.qval.kind, QV_NUM);
    assert_int_equal(ev.qval.num, 16);
    assert_str(ev.qtext, "page 3 0x7fff0000 frame > 0x10");
    ev = parse_ok("expect page 3 0x1001 cow == true");
    assert_int_equal(ev.addr, 0x1001); /* not aligned: the page holding it */
    assert_str(ev.qval.word, "true");
    ev = parse_ok_a(&TINY, "expect page 3 2p kind == anon");
    assert_int_equal(ev.addr, 512);

    /* every field of both tables */
    for (int i = 0; i < PF_COUNT; i++) {
        char line[96];
        snprintf(line, sizeof line, "expect proc 1 %s == 0", proc_field_names[i]);
        assert_int_equal(parse_ok(line).qfield, i);
    }
    for (int i = 0; i < PGF_COUNT; i++) {
        char line[96];
        snprintf(line, sizeof line, "expect page 1 0 %s == 0", page_field_names[i]);
        assert_int_equal(parse_ok(line).qfield, i);
    }
    for (int i = 0; i < 6; i++) {
        char line[96];
        snprintf(line, sizeof line, "expect stat a %s 0", cmp_op_names[i]);
        assert_int_equal(parse_ok(line).cmp, i);
    }
    static const char *const words[] = {"running", "zombie", "none", "zero", "anon", "cache", "true", "false",
                                        "cow",     "A_b9",   "x"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        char line[96];
        snprintf(line, sizeof line, "expect proc 1 program != %s", words[i]);
        ev = parse_ok(line);
        assert_int_equal(ev.qval.kind, QV_WORD);
        assert_str(ev.qval.word, words[i]);
    }
}

static void test_expect_errors(void **state)
{
    (void)state;
    parse_bad("expect foo a == 1", "unknown query 'foo' (stat, proc or page)");
    parse_bad("expect Stat a == 1", "unknown query 'Stat' (stat, proc or page)");
    parse_bad("expect stat Faults.total == 1", "bad stat path 'Faults.total' (lower-case words joined by '.')");
    parse_bad("expect stat faults-total == 1", "bad stat path 'faults-total' (lower-case words joined by '.')");
    parse_bad("expect proc 1 size == 1", "unknown proc field 'size'");
    parse_bad("expect proc 1 present == 1", "unknown proc field 'present'");
    parse_bad("expect proc 0 rss == 1", "pid out of range: 0 (1..2147483647)");
    parse_bad("expect page 1 0 rss == 1", "unknown page field 'rss'");
    parse_bad("expect page 1 x present == 1", "bad number 'x'");
    parse_bad("expect page x 0 present == 1", "bad number 'x'");
    parse_bad("expect stat a = 1", "unknown operator '=' (== != < <= > >=)");
    parse_bad("expect stat a => 1", "unknown operator '=>' (== != < <= > >=)");
    parse_bad("expect stat a === 1", "unknown operator '===' (== != < <= > >=)");
    parse_bad("expect stat a eq 1", "unknown operator 'eq' (== != < <= > >=)");
    parse_bad("expect stat a == 0x12g", "bad number '0x12g' (the suffixes K, M, G and T are upper case: 0x12G)");
    parse_bad("expect stat a == 0x12h", "bad number '0x12h'");
    parse_bad("expect stat a == 99999999999999999999", "number out of range '99999999999999999999'");
    parse_bad("expect stat a == 1.", "bad decimal '1.'");
    parse_bad("expect stat a == 1.2.3", "bad decimal '1.2.3'");
    parse_bad("expect stat a == 1.5K", "bad decimal '1.5K'");
    parse_bad("expect stat a == .5", "bad value '.5' (a number, a decimal or a word)");
    parse_bad("expect stat a == -1", "bad value '-1' (a number, a decimal or a word)");
    parse_bad("expect stat a == _x", "bad value '_x' (a number, a decimal or a word)");
    parse_bad("expect stat a == a+b", "bad value 'a+b' (a number, a decimal or a word)");
    parse_bad("expect stat a == \xc3\xa9t\xc3\xa9", "bad value '\\xc3\\xa9t\\xc3\\xa9' (a number, a decimal or a word)");
    /* a word that the field can never be: a misspelling would fail silently */
    parse_bad("expect proc 2 state == gnoe", "state is never 'gnoe': it is one of running, suspended, zombie or gone");
    parse_bad("expect proc 2 state != none", "state is never 'none': it is one of running, suspended, zombie or gone");
    parse_bad("expect page 1 0 kind == anonymous", "kind is never 'anonymous': it is one of anon, cache, zero, swap or none");
    parse_bad("expect page 1 0 frame == zer", "frame is never 'zer': it is a number, zero or none");
    parse_bad("expect page 1 0 cow == yes", "cow is never 'yes': it is 1, 0, true, false or none");
    parse_bad("expect proc 1 rss == true", "rss is never 'true': it is a number or none");
    parse_bad("expect page 1 0 value == zero", "value is never 'zero': it is a number or none");
}

/* the words the parser accepts are the words the queries answer with */
static void test_expect_words(void **state)
{
    (void)state;
    const char *ok[] = {
        "expect proc 1 state == running", "expect proc 1 state != suspended", "expect proc 1 state == zombie",
        "expect proc 1 state == gone",    "expect proc 1 program == a.out",   "expect proc 1 program == none",
        "expect proc 1 ppid == none",     "expect proc 1 exit_status == none", "expect proc 1 pss != none",
        "expect page 1 0 kind == anon",   "expect page 1 0 kind == cache",    "expect page 1 0 kind == zero",
        "expect page 1 0 kind == none",   "expect page 1 0 frame == zero",    "expect page 1 0 frame == none",
        "expect page 1 0 present == true", "expect page 1 0 dirty == false",  "expect page 1 0 mapped == none",
        "expect page 1 0 value == none",  "expect stat config.fork == cow",   "expect stat anything == word",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_int_equal(count_events(ok[i], strlen(ok[i])), 1);
    for (int s = 0; s < 4; s++) {
        const struct field_values *fv = &proc_field_values[PF_STATE];
        bool found = false;
        for (unsigned k = 0; k < fv->nwords; k++)
            found |= !strcmp(fv->words[k], proc_state_names[s]);
        assert_true(found);
    }
    assert_ptr_equal(page_field_values[PGF_KIND].words, page_kind_words);
}

static void test_show_mark(void **state)
{
    (void)state;
    struct ev ev = parse_ok("show pstree");
    assert_int_equal(ev.op, EV_SHOW);
    assert_int_equal(ev.show, SHOW_PSTREE);
    assert_int_equal(parse_ok("show frames").show, SHOW_FRAMES);
    assert_int_equal(parse_ok("show stats").show, SHOW_STATS);
    ev = parse_ok("show vmas 7");
    assert_int_equal(ev.show, SHOW_VMAS);
    assert_int_equal(ev.pid, 7);
    ev = parse_ok("show pages 8");
    assert_int_equal(ev.show, SHOW_PAGES);
    assert_int_equal(ev.pid, 8);
    parse_bad("show foo", "unknown view 'foo' (pstree, frames, stats, swap, tlb, vmas PID, pages PID)");
    parse_bad("show Stats", "unknown view 'Stats' (pstree, frames, stats, swap, tlb, vmas PID, pages PID)");
    parse_bad("show vmas 0", "pid out of range: 0 (1..2147483647)");
    parse_bad("show pages x", "bad number 'x'");

    ev = parse_ok("mark after-fork");
    assert_int_equal(ev.op, EV_MARK);
    assert_str(ev.name, "after-fork");
    ev = parse_ok("mark 42");
    assert_str(ev.name, "42");
}

/* error MESSAGE...: an error at its line, the rest of the line its message */
static void test_error_line(void **state)
{
    (void)state;
    parse_bad("error cut # at 7 ", "cut # at 7");
    parse_bad("  error\tx:3: error: bad line 'I 04'\r\n", "x:3: error: bad line 'I 04'");
    parse_bad("error", "an 'error' line (error MESSAGE...)");
    parse_bad("error   # ", "#");
    const char *t = "spawn 1\n# error here\nerror stop\nread 1 0\n";
    parse_bad_n(&X86, t, strlen(t), 3, "stop");
    parse_bad("error \x01", "unexpected byte 0x01");
    parse_bad("errors x", "unknown keyword 'errors'");
}

/* ---- the tiny arch and the p suffix ------------------------------------------------ */

static void test_tiny_arch(void **state)
{
    (void)state;
    struct ev ev = parse_ok_a(&TINY, "mmap 1 1p 2p rw- private");
    assert_int_equal(ev.addr, 256);
    assert_int_equal(ev.len, 512);
    ev = parse_ok_a(&TINY, "mmap 1 0xff00 0x100 rw- private");
    assert_int_equal(ev.addr, 0xff00);
    assert_int_equal(ev.len, 0x100);
    ev = parse_ok_a(&TINY, "mmap 1 0xfe00 0x101 rw- private file=f@3p");
    assert_int_equal(ev.len, 0x200);
    assert_int_equal(ev.offset, 768);
    ev = parse_ok_a(&TINY, "munmap 1 0 255p");
    assert_int_equal(ev.len, 255 * 256);
    ev = parse_ok_a(&TINY, "touch 1 0x100 3p w");
    assert_int_equal(ev.len, 768);
    ev = parse_ok_a(&TINY, "read 1 0x10000"); /* above user_top: a segv at run time */
    assert_int_equal(ev.addr, 0x10000);
    ev = parse_ok_a(&TINY, "brk 1 +1p");
    assert_int_equal(ev.len, 256);
    ev = parse_ok_a(&TINY, "write 1 4p 2p");
    assert_int_equal(ev.addr, 1024);
    assert_int_equal(ev.value, 512);

    parse_bad_a(&TINY, "mmap 1 0xff00 0x101 rw- private", "range [0xff00, 0x10100) is not below user_top 0x10000");
    parse_bad_a(&TINY, "mmap 1 0x10000 1 rw- private", "range [0x10000, 0x10100) is not below user_top 0x10000");
    parse_bad_a(&TINY, "mmap 1 0x1080 1 rw- private", "address 0x1080 is not page-aligned");
    parse_bad_a(&TINY, "mmap 1 0x1000 1 rw- private file=f@0x180", "offset 0x180 is not page-aligned");
    parse_bad_a(&TINY, "mprotect 1 0 257p r", "range [0x0, 0x10100) is not below user_top 0x10000");
    parse_bad_a(&TINY, "read 1 0x100000000000000p", "number out of range '0x100000000000000p'");
    parse_bad_a(&TINY, "read 1 1P", "bad number '1P' (the page suffix is lower case: 1p)");
}

/* ---- readers --------------------------------------------------------------------- */

static void test_mem_reader(void **state)
{
    (void)state;
    struct ev ev;
    struct trace_reader *r = trace_open_mem(NULL, 0, NULL, &X86);
    assert_int_equal(trace_next(r, &ev), 0);
    assert_int_equal(trace_next(r, &ev), 0);
    assert_int_equal(trace_line(r), 0);
    trace_close(r);
    trace_close(NULL);

    /* only len bytes are read */
    const char *t = "read 1 2\nfrok\n";
    r = trace_open_mem(t, 9, "part", &X86);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(trace_next(r, &ev), 0);
    trace_close(r);

    /* strings point into the caller's buffer */
    t = "spawn 1 prog\n";
    r = trace_open_mem(t, strlen(t), "ptr", &X86);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_ptr_equal(ev.name.s, t + 8);
    trace_close(r);
}

static char *write_temp(const char *data, size_t len)
{
    const char *dir = getenv("TMPDIR");
    char *path = malloc(512);
    assert_non_null(path);
    snprintf(path, 512, "%s/test_trace_XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t off = 0;
    while (off < len) {
        ssize_t k = write(fd, data + off, len - off);
        assert_true(k > 0);
        off += (size_t)k;
    }
    close(fd);
    return path;
}

/* a growing text buffer for building big traces */
struct text {
    char *s;
    size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = 0;
}

static void text_addf(struct text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void text_addf(struct text *t, const char *fmt, ...)
{
    char b[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof b);
    text_add(t, b, (size_t)n);
}

/* expected event i of the big trace */
struct want {
    uint64_t line;
    enum ev_op op;
    uint32_t pid;
    uint64_t addr, value;
};

#define MIB ((size_t)1 << 20)

/* build_big: about 3.5 MiB of mixed lines, with a CRLF split across the
 * first 1 MiB boundary, padded words and comments, the last line without
 * '\n'. Fills want[] (returns the count). */
static size_t build_big(struct text *t, struct want *want, size_t maxw)
{
    uint32_t seed = 12345;
    uint64_t line = 0;
    size_t n = 0;
    bool split_done = false;
    while (t->len < 3 * MIB + MIB / 2) {
        seed = seed * 1103515245u + 12345u;
        unsigned k = (seed >> 16) % 7, pad = (seed >> 8) % 37;
        if (!split_done && t->len + 10000 > MIB) {
            /* "read 7 0x77\r" ends exactly at offset MIB, its '\n' at MIB */
            size_t fill = MIB - t->len - strlen("read 7 0x77\r");
            assert_true(fill >= 2);
            text_add(t, "#", 1);
            for (size_t i = 0; i < fill - 2; i++)
                text_add(t, "-", 1);
            text_add(t, "\n", 1);
            line++;
            text_add(t, "read 7 0x77\r\n", 13);
            assert_int_equal(t->s[MIB - 1], '\r');
            assert_int_equal(t->s[MIB], '\n');
            line++;
            want[n++] = (struct want){line, EV_READ, 7, 0x77, 0};
            split_done = true;
            continue;
        }
        line++;
        uint32_t pid = 1 + (seed >> 4) % 1000;
        uint64_t addr = (uint64_t)seed << 12;
        assert_true(n < maxw);
        switch (k) {
        case 0:
            text_addf(t, "read %u 0x%" PRIx64 "\n", pid, addr);
            want[n++] = (struct want){line, EV_READ, pid, addr, 0};
            break;
        case 1:
            text_addf(t, "%*swrite\t%u %" PRIu64 " %u%*s\r\n", (int)pad, "", pid, addr, seed, (int)pad, "");
            want[n++] = (struct want){line, EV_WRITE, pid, addr, seed};
            break;
        case 2:
            text_addf(t, "# comment %u %*s read 1 2\n", seed, (int)pad * 3, "");
            break;
        case 3:
            text_add(t, "\n", 1);
            break;
        case 4:
            text_addf(t, "touch %u 0x%" PRIx64 " %uK w%*s# t\n", pid, addr, pad, (int)pad, "");
            want[n++] = (struct want){line, EV_TOUCH, pid, addr, line};
            break;
        case 5:
            text_addf(t, "mmap %u 0x%" PRIx64 " %up rw- shared file=f%u@%up\n", pid, addr, pad + 1, seed, pad);
            want[n++] = (struct want){line, EV_MMAP, pid, addr, 0};
            break;
        default: {
            /* a long label, 1 .. 9000 bytes */
            char label[9100];
            size_t ll = 1 + seed % 9000;
            memset(label, 'a' + (char)(seed % 26), ll);
            label[ll] = 0;
            text_addf(t, "mark ");
            text_add(t, label, ll);
            text_add(t, "\n", 1);
            want[n++] = (struct want){line, EV_MARK, 0, 0, ll};
            break;
        }
        }
    }
    /* the last line without '\n' */
    line++;
    text_add(t, "exit 9 3", 8);
    want[n++] = (struct want){line, EV_EXIT, 9, 0, 3};
    return n;
}

/* a reader read one event at a time (batch 0), in batches
 * (trace_next_batch), or by its thread in chunks (batch READ_AHEAD), as the
 * run loop reads */
#define READ_AHEAD (-1)
#define READ_AHEAD_THEN_ALONE (-2) /* the thread stopped after its first chunk */
struct reading {
    struct trace_reader *r;
    int batch;
    struct ev evs[64];
    const struct ev *chunk;
    int n, at, chunks;
};

static int next_ev(struct reading *rd, struct ev *ev)
{
    if (!rd->batch)
        return trace_next(rd->r, ev);
    if (rd->at == rd->n) {
        bool ahead = rd->batch == READ_AHEAD || rd->batch == READ_AHEAD_THEN_ALONE;
        if (rd->batch == READ_AHEAD_THEN_ALONE && rd->chunks++ == 1)
            trace_read_alone(rd->r);
        rd->chunk = rd->evs;
        rd->n = ahead ? trace_next_chunk(rd->r, &rd->chunk) : trace_next_batch(rd->r, rd->evs, rd->batch);
        rd->at = 0;
        if (rd->n == TRACE_ALONE) { /* on without the thread */
            rd->batch = 64;
            rd->n = 0;
            return next_ev(rd, ev);
        }
        if (rd->n <= 0) {
            int k = rd->n;
            rd->n = 0;
            return k;
        }
    }
    *ev = rd->chunk[rd->at++]; /* its words stay valid until the next read */
    return 1;
}

static void check_big(struct trace_reader *r, const struct want *want, size_t n, int batch)
{
    struct ev ev;
    struct reading rd = {.r = r, .batch = batch};
    assert_true(batch <= 64);
    if (batch == READ_AHEAD || batch == READ_AHEAD_THEN_ALONE)
        assert_int_equal(trace_read_ahead(r), 0);
    for (size_t i = 0; i < n; i++) {
        int k = next_ev(&rd, &ev);
        if (k != 1)
            fail_msg("event %zu (line %" PRIu64 "): %d %s", i, want[i].line, k, trace_error(r));
        assert_int_equal(ev.line, want[i].line);
        assert_int_equal(ev.op, want[i].op);
        switch (ev.op) {
        case EV_READ:
            assert_int_equal(ev.pid, want[i].pid);
            assert_int_equal(ev.addr, want[i].addr);
            break;
        case EV_WRITE:
        case EV_TOUCH:
            assert_int_equal(ev.pid, want[i].pid);
            assert_int_equal(ev.addr, want[i].addr);
            assert_int_equal(ev.value, want[i].value);
            break;
        case EV_MMAP:
            assert_int_equal(ev.pid, want[i].pid);
            assert_int_equal(ev.addr, want[i].addr);
            assert_true(ev.has_file);
            assert_true(ev.name.len > 1 && ev.name.s[0] == 'f');
            break;
        case EV_MARK:
            assert_int_equal(ev.name.len, want[i].value);
            for (size_t j = 1; j < ev.name.len; j++)
                assert_int_equal(ev.name.s[j], ev.name.s[0]);
            break;
        case EV_EXIT:
            assert_int_equal(ev.pid, want[i].pid);
            assert_int_equal(ev.value, want[i].value);
            break;
        default: fail_msg("unexpected op %d", ev.op);
        }
    }
    assert_int_equal(next_ev(&rd, &ev), 0);
    assert_int_equal(next_ev(&rd, &ev), 0);
}

static void test_file_chunks(void **state)
{
    (void)state;
    struct text t = {0};
    size_t maxw = 200000;
    struct want *want = malloc(maxw * sizeof *want);
    assert_non_null(want);
    size_t n = build_big(&t, want, maxw);
    assert_true(t.len > 3 * MIB);
    char *path = write_temp(t.s, t.len);

    char err[256] = "";
    struct trace_reader *r;
    /* one at a time, and in batches (which end where the 1 MiB buffer must move) */
    static const int batches[] = {0, 1, 7, 64, READ_AHEAD, READ_AHEAD_THEN_ALONE};
    for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
        r = trace_open(path, &X86, err, sizeof err);
        assert_non_null(r);
        assert_string_equal(trace_name(r), path);
        check_big(r, want, n, batches[b]);
        trace_close(r);
    }

    /* the same through a memory reader */
    r = trace_open_mem(t.s, t.len, "mem", &X86);
    check_big(r, want, n, 0);
    trace_close(r);
    r = trace_open_mem(t.s, t.len, "mem", &X86);
    check_big(r, want, n, 64);
    assert_int_equal(trace_read_ahead(r), -1); /* a memory reader has nothing to read ahead */
    trace_close(r);

    /* and through standard input ("-") */
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    r = trace_open("-", &X86, err, sizeof err);
    assert_non_null(r);
    assert_string_equal(trace_name(r), "standard input");
    check_big(r, want, n, 64);
    trace_close(r);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);

    unlink(path);
    free(path);
    free(want);
    free(t.s);
}

/* test_pipe: a writer process sends the trace in small, odd-sized pieces. */
/* the big trace through a pipe written in odd pieces, read in batches or
 * by the reader's thread */
static void pipe_run(int batch)
{
    struct text t = {0};
    size_t maxw = 200000;
    struct want *want = malloc(maxw * sizeof *want);
    assert_non_null(want);
    size_t n = build_big(&t, want, maxw);

    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(p[0]);
        size_t off = 0, piece = 1;
        while (off < t.len) {
            size_t k = t.len - off < piece ? t.len - off : piece;
            ssize_t w = write(p[1], t.s + off, k);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
            piece = piece * 7 % 65521 + 1;
        }
        _exit(0);
    }
    close(p[1]);
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
    close(p[0]);
    char err[256];
    struct trace_reader *r = trace_open("-", &X86, err, sizeof err);
    assert_non_null(r);
    check_big(r, want, n, batch); /* batches end where a line is not all in yet */
    trace_close(r);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    free(want);
    free(t.s);
}

static void test_pipe(void **state)
{
    (void)state;
    pipe_run(7);
    pipe_run(READ_AHEAD);
    pipe_run(READ_AHEAD_THEN_ALONE);
}

/* the thread stops where it waits: for input that does not come, or for a
 * chunk the caller has not given back */
static void test_read_ahead_stops(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    int saved = dup(STDIN_FILENO);
    assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
    close(p[0]);
    char err[256];
    struct trace_reader *r = trace_open("-", &X86, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(trace_read_ahead(r), 0);
    static const char two[] = "read 1 0x1000\nwrite 2 0x2000 5\n";
    assert_int_equal(write(p[1], two, sizeof two - 1), (ssize_t)(sizeof two - 1));
    const struct ev *ev;
    int k = 0, got = 0;
    while (got < 2 && (k = trace_next_chunk(r, &ev)) > 0)
        got += k;
    assert_int_equal(got, 2);
    trace_close(r); /* the thread waits in read(2): no more input, the pipe still open */
    close(p[1]);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);

    /* a file of many chunks, closed after the first one */
    struct text t = {0};
    for (int i = 0; i < 100000; i++)
        text_add(&t, "read 1 0x1000\n", 14);
    char *path = write_temp(t.s, t.len);
    r = trace_open(path, &X86, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(trace_read_ahead(r), 0);
    assert_true(trace_next_chunk(r, &ev) > 0);
    assert_int_equal(ev[0].line, 1);
    trace_close(r);
    /* lines longer than a read of the thread's (14 KiB), up to --max-line */
    struct text lg = {0};
    for (int i = 0; i < 40; i++) {
        text_add(&lg, "read 1 0x1000 #", 15);
        for (int j = 0; j < 1000 + 1500 * i; j++)
            text_add(&lg, "-", 1);
        text_add(&lg, "\n", 1);
    }
    char *lpath = write_temp(lg.s, lg.len);
    r = trace_open(lpath, &X86, err, sizeof err);
    assert_int_equal(trace_read_ahead(r), 0);
    got = 0;
    while ((k = trace_next_chunk(r, &ev)) > 0)
        for (int i = 0; i < k; i++)
            assert_int_equal(ev[i].line, (uint64_t)++got);
    assert_int_equal(k, 0);
    assert_int_equal(got, 40);
    trace_close(r);
    unlink(lpath);
    free(lpath);
    free(lg.s);
    /* and a malformed line after a few chunks: the events before it, then -1 */
    text_add(&t, "bogus\n", 6);
    unlink(path);
    free(path);
    path = write_temp(t.s, t.len);
    r = trace_open(path, &X86, err, sizeof err);
    assert_int_equal(trace_read_ahead(r), 0);
    int total = 0;
    while ((k = trace_next_chunk(r, &ev)) > 0)
        total += k;
    assert_int_equal(k, -1);
    assert_int_equal(total, 100000);
    assert_int_equal(trace_line(r), 100001);
    assert_non_null(strstr(trace_error(r), "bogus"));
    assert_int_equal(trace_next_chunk(r, &ev), -1);
    trace_close(r);
    unlink(path);
    free(path);
    free(t.s);
}

static void test_file_long_lines(void **state)
{
    (void)state;
    /* a 2.5 MiB line, more than the internal buffer */
    struct text t = {0};
    size_t big = 2 * MIB + MIB / 2;
    text_add(&t, "read 1 2\n", 9);
    text_add(&t, "mark ", 5);
    char *label = malloc(big);
    assert_non_null(label);
    memset(label, 'q', big);
    text_add(&t, label, big);
    text_add(&t, "\r\nread 3 4\n", 11);
    free(label);
    char *path = write_temp(t.s, t.len);
    char err[256];
    struct ev ev;

    struct trace_reader *r = trace_open(path, &X86, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(trace_next(r, &ev), -1);
    assert_string_equal(trace_error(r), "line longer than 65536 bytes");
    assert_int_equal(trace_line(r), 2);
    assert_int_equal(trace_next(r, &ev), -1);
    trace_close(r);

    /* a bigger limit: the buffer grows once, when the limit is set */
    r = trace_open(path, &X86, err, sizeof err);
    assert_non_null(r);
    trace_set_max_line(r, big + 5);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.op, EV_MARK);
    assert_int_equal(ev.line, 2);
    assert_int_equal(ev.name.len, big);
    assert_int_equal(ev.name.s[big - 1], 'q');
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.op, EV_READ);
    assert_int_equal(ev.line, 3);
    assert_int_equal(trace_next(r, &ev), 0);
    trace_close(r);

    /* one byte short */
    r = trace_open(path, &X86, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(trace_next(r, &ev), 1);
    trace_set_max_line(r, big + 4);
    assert_int_equal(trace_next(r, &ev), -1);
    assert_int_equal(trace_line(r), 2);
    char msg[64];
    snprintf(msg, sizeof msg, "line longer than %zu bytes", big + 4);
    assert_string_equal(trace_error(r), msg);
    trace_close(r);

    unlink(path);
    free(path);
    free(t.s);
}

static void test_open_errors(void **state)
{
    (void)state;
    char err[256] = "";
    struct trace_reader *r = trace_open("/nonexistent/dir/x.trace", &X86, err, sizeof err);
    assert_null(r);
    assert_string_equal(err, "cannot open /nonexistent/dir/x.trace: No such file or directory");
    r = trace_open("/", &X86, err, sizeof err);
    assert_null(r);
    assert_string_equal(err, "cannot read /: Is a directory");
    r = trace_open("/nonexistent", &X86, NULL, 0);
    assert_null(r);

    /* a read error: standard input closed */
    struct ev ev;
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    close(STDIN_FILENO);
    r = trace_open("-", &X86, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(trace_next(r, &ev), -1);
    assert_string_equal(trace_error(r), "cannot read standard input: Bad file descriptor");
    assert_int_equal(trace_line(r), 1);
    trace_close(r);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);

    /* an empty file */
    char *path = write_temp("", 0);
    r = trace_open(path, &X86, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(trace_next(r, &ev), 0);
    trace_close(r);
    unlink(path);
    free(path);
}

/* ---- the fast path of read and write ------------------------------------------ */

/* a line of read or write, in the forms the fast path takes and in others
 * next to them (suffixes, long numbers, blanks, junk), ended by "\n",
 * "\r\n" or the end of the input: a comment after it sends the line to the
 * general path, which must agree */
static void same_ending(const char *line, const char *ending)
{
    char text[256], slow[300];
    snprintf(text, sizeof text, "%s%s", line, ending);
    snprintf(slow, sizeof slow, "%s # the general path%s", line, ending);
    struct trace_reader *a = trace_open_mem(text, strlen(text), "t.trace", &X86);
    struct trace_reader *b = trace_open_mem(slow, strlen(slow), "t.trace", &X86);
    struct ev x, y;
    poison(&x);
    poison(&y);
    int kx = trace_next(a, &x), ky = trace_next(b, &y);
    if (kx != ky)
        fail_msg("'%s': %d, but %d with a comment", line, kx, ky);
    if (kx == 1) {
        if (x.op != y.op || x.pid != y.pid || x.addr != y.addr || x.value != y.value ||
            x.has_value != y.has_value || x.write != y.write || x.line != y.line || x.text.len != y.text.len ||
            memcmp(x.text.s, y.text.s, x.text.len) != 0)
            fail_msg("'%s': the event differs with a comment", line);
    } else if (strcmp(trace_error(a), trace_error(b)) != 0) {
        fail_msg("'%s': '%s', but '%s' with a comment", line, trace_error(a), trace_error(b));
    }
    trace_close(a);
    trace_close(b);
}

static void same_both_ways(const char *line)
{
    same_ending(line, "\n");
    same_ending(line, "\r\n");
    same_ending(line, "");
    /* more lines after it in the buffer */
    same_ending(line, "\n#                                \n");
    same_ending(line, "\r\n0123456789abcdefABCDEF0123456789\n");
}

static void test_fast_path(void **state)
{
    (void)state;
    static const char *const pids[] = {"1", "07", "2147483647", "2147483648", "0", "99999999999", "1K", "x", "-1"};
    static const char *const nums[] = {"0x10", "0X1f", "4096", "0x", "0xffffffffffffffff", "0x00000000000000000001",
                                       "0x10000000000000000", "18446744073709551615", "18446744073709551616",
                                       "1p", "4K", "0x1g", "12a", "", "0", "0xdeadBEEFcafe1234", "0x0123456789abcdef",
                                       "0xFedCba9876543210", "0x89abcdef", "0x1234567", "0x123456789", "0x7fffffffffff",
                                       "0x1:", "0x12345678G", "0x0000000000000000", "0x@", "0x`"};
    static const char *const seps[] = {" ", "\t", "  \t "};
    char line[200];
    for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++)
        for (size_t j = 0; j < sizeof nums / sizeof nums[0]; j++)
            for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
                snprintf(line, sizeof line, "read%s%s%s%s", seps[k], pids[i], seps[k], nums[j]);
                same_both_ways(line);
                snprintf(line, sizeof line, "write%s%s%s%s", seps[k], pids[i], seps[k], nums[j]);
                same_both_ways(line);
                for (size_t m = 0; m < sizeof nums / sizeof nums[0]; m++) {
                    snprintf(line, sizeof line, "write %s %s%s%s%s", pids[i], nums[j], seps[k], nums[m], seps[k]);
                    same_both_ways(line);
                }
                snprintf(line, sizeof line, "read %s %s 5", pids[i], nums[j]);
                same_both_ways(line);
            }
    same_both_ways("readx 1 0x10");
    same_both_ways(" read 1 0x10");
    same_both_ways("read 1 0x10\t");
    same_both_ways("write 1 0x10 5 6");
    same_both_ways("write");
    same_both_ways("read 1");
    same_both_ways("read 1 ");
    same_both_ways("write 1 0x10 \r 5");
    same_both_ways("write 1 0x10 0x");
    same_both_ways("write 1 0x10 0xz");
    /* what the fast path fills, checked against the line itself */
    struct ev ev = parse_ok("write 3 0x2000\n");
    assert_int_equal(ev.op, EV_WRITE);
    assert_int_equal(ev.value, 1); /* a write without a value stores its line number */
    assert_false(ev.has_value);
    assert_str(ev.text, "write 3 0x2000");
    ev = parse_ok("read\t12  4096  \n");
    assert_int_equal(ev.pid, 12);
    assert_int_equal(ev.addr, 4096);
    assert_str(ev.text, "read\t12  4096");
}

/* the hint of a misspelt word: edits, a swap of neighbours counting one */
static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(vm_edit_distance("fork", 4, "fork", 4), 0);
    assert_int_equal(vm_edit_distance("frok", 4, "fork", 4), 1);   /* a swap */
    assert_int_equal(vm_edit_distance("forkk", 5, "fork", 4), 1);  /* an insertion */
    assert_int_equal(vm_edit_distance("wrte", 4, "write", 5), 1);  /* a deletion */
    assert_int_equal(vm_edit_distance("mmap", 4, "munmap", 6), 2);
    assert_int_equal(vm_edit_distance("", 0, "exit", 4), 4);
    char longw[VM_EDIT_WORD_MAX + 2];
    memset(longw, 'a', sizeof longw);
    assert_int_equal(vm_edit_distance(longw, VM_EDIT_WORD_MAX, longw, VM_EDIT_WORD_MAX), 0);
    assert_true(vm_edit_distance(longw, VM_EDIT_WORD_MAX + 1, "a", 1) == SIZE_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_number_forms),
        cmocka_unit_test(test_number_errors),
        cmocka_unit_test(test_number_overflow),
        cmocka_unit_test(test_blank_and_comments),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_line_numbers),
        cmocka_unit_test(test_batch_error_waits),
        cmocka_unit_test(test_read_ahead_stops),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_unknown_keyword),
        cmocka_unit_test(test_word_counts),
        cmocka_unit_test(test_spawn_fork_exec),
        cmocka_unit_test(test_exit_wait),
        cmocka_unit_test(test_mmap),
        cmocka_unit_test(test_mmap_errors),
        cmocka_unit_test(test_munmap_mprotect),
        cmocka_unit_test(test_brk),
        cmocka_unit_test(test_read_write),
        cmocka_unit_test(test_touch),
        cmocka_unit_test(test_program),
        cmocka_unit_test(test_expect),
        cmocka_unit_test(test_expect_errors),
        cmocka_unit_test(test_expect_words),
        cmocka_unit_test(test_show_mark),
        cmocka_unit_test(test_error_line),
        cmocka_unit_test(test_tiny_arch),
        cmocka_unit_test(test_mem_reader),
        cmocka_unit_test(test_file_chunks),
        cmocka_unit_test(test_pipe),
        cmocka_unit_test(test_file_long_lines),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_edit_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
