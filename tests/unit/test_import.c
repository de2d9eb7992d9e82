/* test_import.c -- unit tests of the importers (sim/import/, import.h):
 * lackey's and strace's lines and what they become, the order strace's
 * events are put in, errors with their lines and the closing `error` line,
 * options, long lines, a failed write; every trace written is run through
 * vmsim_run with --check (exit 0, or 2 at the closing line of an error). */
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

#include "vmsim/import.h"
#include "vmsim/machine.h"
#include "vmsim/runner.h"

/* ---- helpers ------------------------------------------------------------- */

struct imported {
    int status;
    char *out; /* the trace written */
    struct import_result res;
};

static struct imported import_text(bool lackey, const struct import_opts *o, const char *rec, size_t len)
{
    struct imported r;
    size_t olen = 0;
    r.out = NULL;
    FILE *in = fmemopen((void *)rec, len, "r");
    if (!len)
        in = fopen("/dev/null", "r");
    assert_non_null(in);
    FILE *out = open_memstream(&r.out, &olen);
    assert_non_null(out);
    r.status = lackey ? import_lackey(in, out, o, &r.res) : import_strace(in, out, o, &r.res);
    fclose(in);
    fclose(out);
    return r;
}

/* run_trace: vmsim_run with --check over the trace; its status */
static int run_trace(const char *trace, char *errbuf, size_t errlen)
{
    struct run_opts ro;
    run_opts_default(&ro);
    ro.mem = trace;
    ro.mem_len = strlen(trace);
    ro.trace = "t";
    ro.check = true;
    ro.summary = false;
    FILE *err = fmemopen(errbuf, errlen, "w");
    FILE *out = fopen("/dev/null", "w");
    assert_non_null(err);
    assert_non_null(out);
    ro.err = err;
    ro.out = out;
    memset(errbuf, 0, errlen);
    int st = vmsim_run(&ro, NULL);
    fclose(err);
    fclose(out);
    return st;
}

/* imp: imports rec with o (NULL: the defaults of the format), checks that
 * the trace runs (exit 0 when the import was good, 2 naming the import
 * error otherwise) */
static struct imported imp(bool lackey, const struct import_opts *o, const char *rec)
{
    struct import_opts d;
    if (!o) {
        import_opts_default(&d);
        if (!lackey)
            d.pid = 0;
        d.name = "rec";
        o = &d;
    }
    struct imported r = import_text(lackey, o, rec, strlen(rec));
    char err[1024];
    int st = run_trace(r.out, err, sizeof err);
    if (r.status == 0) {
        if (st != 0)
            fail_msg("the trace of '%s' does not run: %s\n%s", rec, err, r.out);
    } else {
        assert_int_equal(st, 2);
        if (!strstr(err, "error: vmsim import ") || !strstr(err, r.res.msg))
            fail_msg("the run's error '%s' does not name the import's '%s'", err, r.res.msg);
    }
    return r;
}

/* has: the trace holds this line */
static void has(const struct imported *r, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = r->out; (p = strstr(p, line)) != NULL; p++)
        if ((p == r->out || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
            return;
    fail_msg("no line '%s' in:\n%s", line, r->out);
}

static void lacks(const struct imported *r, const char *text)
{
    if (strstr(r->out, text))
        fail_msg("'%s' in:\n%s", text, r->out);
}

/* events: the trace's lines that are not comments, one string */
static char *events(const struct imported *r)
{
    size_t n = strlen(r->out);
    char *e = malloc(n + 1);
    assert_non_null(e);
    size_t k = 0;
    for (const char *p = r->out; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (*p != '#') {
            memcpy(e + k, p, len);
            k += len;
        }
        p += len;
    }
    e[k] = 0;
    return e;
}

static void events_are(const struct imported *r, const char *want)
{
    char *e = events(r);
    if (strcmp(e, want))
        fail_msg("events:\n%s\nwant:\n%s", e, want);
    free(e);
}

static void done(struct imported *r) { free(r->out); }

/* ---- lackey -------------------------------------------------------------- */

static void test_lackey_lines(void **state)
{
    (void)state;
    struct imported r = imp(true, NULL,
                            "==7== Command: ./a b\n"
                            "I  04011a0,4\n"
                            " L 1ffefffd48,8\n"
                            " S 1ffefffd40,8\n"
                            " M 0404020,4\n"
                            "\n"
                            "  \t\n"
                            "--7-- warning\n"
                            "I  0402000,2\n");
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 1\n"
                   "mmap 1 0x400000 1M rwx private\n"
                   "read 1 0x4011a0\n"
                   "mmap 1 0x1ffef00000 1M rwx private\n"
                   "read 1 0x1ffefffd48\n"
                   "write 1 0x1ffefffd40\n"
                   "write 1 0x404020\n"
                   "read 1 0x402000\n");
    has(&r, "# command: ./a b");
    has(&r, "# lackey: lines 9: I 2 (instruction fetches), L 1 (loads), S 1 (stores), M 1 (modifies)");
    has(&r, "# skipped: valgrind lines 2, blank lines 2");
    has(&r, "# mapped: chunks 2 of 1M each");
    assert_int_equal(r.res.lines, 9);
    assert_int_equal(r.res.events, 8);
    done(&r);
}

static void test_lackey_options(void **state)
{
    (void)state;
    struct import_opts o;
    import_opts_default(&o);
    o.pid = 42;
    o.no_fetch = true;
    o.pages = true;
    o.chunk = 4096;
    struct imported r = imp(true, &o, "I  04011a0,4\n L 0401ff8,8\n S 0402000,8\n L 7fffffffffff,1\n");
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 42\n"
                   "mmap 42 0x401000 4K rwx private\n"
                   "read 42 0x401000\n"
                   "mmap 42 0x402000 4K rwx private\n"
                   "write 42 0x402000\n"
                   "mmap 42 0x7ffffffff000 4K rwx private\n"
                   "read 42 0x7ffffffff000\n");
    has(&r, "# skipped: valgrind lines 0, blank lines 0, instruction fetches 1 (--no-fetch)");
    done(&r);

    o.chunk = (uint64_t)1 << 30;
    o.pages = false;
    r = imp(true, &o, " L 7fffffffffff,1\n L 0,1\n");
    events_are(&r, "spawn 42\n"
                   "mmap 42 0x7fffc0000000 1G rwx private\n"
                   "read 42 0x7fffffffffff\n"
                   "mmap 42 0x0 1G rwx private\n"
                   "read 42 0x0\n");
    done(&r);
}

/* an access at or above x86_64's user_top cannot be in a trace: counted */
static void test_lackey_user_top(void **state)
{
    (void)state;
    struct imported r = imp(true, NULL, " L 800000000000,8\nI  ffffffffff600000,4\n L 1000,8\n");
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 1\nmmap 1 0x0 1M rwx private\nread 1 0x1000\n");
    has(&r, "# skipped: valgrind lines 0, blank lines 0, accesses at or above user_top 2");
    done(&r);
}

/* the chunk set grows past its first size; each chunk is mapped once */
static void test_lackey_many_chunks(void **state)
{
    (void)state;
    size_t n = 5000, len = 0;
    char *rec = malloc(n * 2 * 32);
    assert_non_null(rec);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            len += (size_t)sprintf(rec + len, " S %zx,8\n", (size_t)0x10000000 + i * 4096 * 3);
    struct import_opts o;
    import_opts_default(&o);
    o.chunk = 4096;
    struct imported r = import_text(true, &o, rec, len);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.res.events, 1 + n + 2 * n);
    has(&r, "# mapped: chunks 5000 of 4K each");
    done(&r);
    free(rec);
}

static void test_lackey_errors(void **state)
{
    (void)state;
    static const struct {
        const char *rec;
        uint64_t line;
        const char *msg;
    } cases[] = {
        {"I  04011a0,4\n S 1ffefffd\n", 2, "lackey line cut short: ' S 1ffefffd'"},
        {"I  04011a0,\n", 1, "lackey line cut short: 'I  04011a0,'"},
        {"I\n", 1, "lackey line cut short: 'I'"},
        {" L \n", 1, "lackey line cut short: ' L '"},
        {"\n\nhello\n", 3, "not a lackey line: 'hello'"},
        {" X 0401,4\n", 1, "not a lackey line: ' X 0401,4'"},
        {" L 0x401,4\n", 1, "not a lackey line: ' L 0x401,4'"},
        {" L 401,4,5\n", 1, "not a lackey line: ' L 401,4,5'"},
        {" L 401;4\n", 1, "not a lackey line: ' L 401;4'"},
        {" L 12345678901234567,4\n", 1, "not a lackey line: ' L 12345678901234567,4'"},
        {"IL 401,4\n", 1, "not a lackey line: 'IL 401,4'"},
        {"= 1 ==\n", 1, "not a lackey line: '= 1 =='"},
        {" L 401,4\x01\n", 1, "not a lackey line: ' L 401,4\\x01'"},
        /* -- starts valgrind's --PID-- lines only */
        {"--12-- Reading syms\n--hello\n", 2, "not a lackey line: '--hello'"},
        {"--12 x\n", 1, "not a lackey line: '--12 x'"},
        {"----\n", 1, "not a lackey line: '----'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct imported r = imp(true, NULL, cases[i].rec);
        assert_int_equal(r.status, 2);
        assert_int_equal(r.res.line, cases[i].line);
        if (strncmp(r.res.msg, cases[i].msg, strlen(cases[i].msg)))
            fail_msg("'%s': message '%s', want '%s...'", cases[i].rec, r.res.msg, cases[i].msg);
        /* the trace ends with the error line, after what came before */
        char want[600];
        snprintf(want, sizeof want, "error vmsim import lackey: rec:%llu: %s\n", (unsigned long long)cases[i].line,
                 r.res.msg);
        size_t ol = strlen(r.out), wl = strlen(want);
        assert_true(ol >= wl && !strcmp(r.out + ol - wl, want));
        done(&r);
    }
}

/* no '\n' at the end; CR LF */
static void test_lackey_line_ends(void **state)
{
    (void)state;
    struct imported r = imp(true, NULL, " L 401000,4\r\n S 401000,4");
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 1\nmmap 1 0x400000 1M rwx private\nread 1 0x401000\nwrite 1 0x401000\n");
    done(&r);
    r = imp(true, NULL, "");
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 1\n");
    done(&r);
}

/* a line longer than its importer's limit is an error at its line:
 * IMPORT_MAX_LINE for lackey, IMPORT_MAX_CALL_LINE for strace, whose
 * lines hold the strings of the calls (strace -s) */
static void test_long_line(void **state)
{
    (void)state;
    for (int lackey = 1; lackey >= 0; lackey--) {
        size_t n = (lackey ? IMPORT_MAX_LINE : IMPORT_MAX_CALL_LINE) + 10;
        char *rec = malloc(n + 32);
        assert_non_null(rec);
        size_t k = (size_t)snprintf(rec, 32, "%s", lackey ? " L 401000,4\n" : "1 getpid() = 1\n");
        memset(rec + k, 'x', n);
        rec[k + n] = '\n';
        struct import_opts o;
        import_opts_default(&o);
        o.pid = lackey ? 1 : 0;
        struct imported r = import_text(lackey, &o, rec, k + n + 1);
        assert_int_equal(r.status, 2);
        assert_int_equal(r.res.line, 2);
        char want[64];
        snprintf(want, sizeof want, "line longer than %zu bytes", n - 10);
        assert_non_null(strstr(r.res.msg, want));
        done(&r);
        free(rec);
    }
}

/* a call whose string is longer than the reader's first buffer (1 MiB) and
 * than a lackey line may be: its events come, the comment is cut short */
static void test_long_strace_call(void **state)
{
    (void)state;
    size_t n = (size_t)3 << 20;
    char *rec = malloc(n + 512);
    assert_non_null(rec);
    size_t k = (size_t)sprintf(rec, "1 write(1, \"");
    memset(rec + k, 'a', n);
    k += n;
    k += (size_t)sprintf(rec + k, "\"..., %zu) = %zu\n"
                                  "1 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = "
                                  "0x7f0000000000\n"
                                  "1 exit_group(0) = ?\n",
                         n, n);
    struct import_opts o;
    import_opts_default(&o);
    o.pid = 0;
    struct imported r = import_text(false, &o, rec, k);
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 1\nmmap 1 0x7f0000000000 8192 rw- private\nexit 1 0\n");
    assert_true(strlen(r.out) < 4096); /* the write's comment is short */
    done(&r);
    free(rec);
}

static void test_options(void **state)
{
    (void)state;
    struct import_opts o;
    char err[256];
    import_opts_default(&o);
    assert_int_equal(import_check_opts(&o, true, err, sizeof err), 0);
    o.chunk = (uint64_t)3 * 4096;
    assert_int_equal(import_check_opts(&o, true, err, sizeof err), -1);
    assert_non_null(strstr(err, "power of two"));
    o.chunk = 2048;
    assert_int_equal(import_check_opts(&o, true, err, sizeof err), -1);
    o.chunk = IMPORT_MAX_CHUNK * 2;
    assert_int_equal(import_check_opts(&o, true, err, sizeof err), -1);
    o.chunk = IMPORT_MAX_CHUNK;
    assert_int_equal(import_check_opts(&o, true, err, sizeof err), 0);
    o.pid = 0;
    assert_int_equal(import_check_opts(&o, true, err, sizeof err), -1);
    assert_int_equal(import_check_opts(&o, false, err, sizeof err), 0);
    o.pid = 2147483648u;
    assert_int_equal(import_check_opts(&o, false, err, sizeof err), -1);
    /* an importer refuses them too, writing nothing */
    struct imported r = import_text(true, &o, " L 1,1\n", 7);
    assert_int_equal(r.status, 2);
    assert_int_equal(r.res.line, 0);
    assert_string_equal(r.out, "");
    done(&r);
}

/* a trace that cannot be written: status 2, and the message says so */
static void test_write_error(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    FILE *in = fmemopen((void *)" L 1,1\n", 7, "r");
    struct import_opts o;
    import_opts_default(&o);
    struct import_result res;
    assert_int_equal(import_lackey(in, full, &o, &res), 2);
    assert_non_null(strstr(res.msg, "cannot write the trace"));
    assert_int_equal(res.line, 0);
    fclose(in);
    fclose(full);
}

/* ---- strace ------------------------------------------------------------ */

static const char clone_fork[] = "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
                                 "child_tidptr=0x7f10";

static void test_strace_memory(void **state)
{
    (void)state;
    struct imported r =
        imp(false, NULL,
            "9 execve(\"/usr/bin/prog\", [\"prog\"], 0x7ffd /* 2 vars */) = 0\n"
            "9 munmap(0x7f0000900000, 4096) = 0\n" /* nothing mapped yet */
            "9 brk(NULL) = 0x55a000001000\n"
            "9 brk(0x55a000022000) = 0x55a000022000\n"
            "9 brk(0x55a000012000) = 0x55a000012000\n"
            "9 brk(0x55a000013000) = 0x55a000012000\n"
            "9 openat(AT_FDCWD, \"/lib/a b#c@d.so\", O_RDONLY|O_CLOEXEC) = 3\n"
            "9 mmap(NULL, 20480, PROT_READ, MAP_PRIVATE|MAP_DENYWRITE, 3, 0) = 0x7f0000100000\n"
            "9 mmap(0x7f0000101000, 8192, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED, 3, 0x1000) = 0x7f0000101000\n"
            "9 dup(3) = 4\n"
            "9 close(3) = 0\n"
            "9 mmap(NULL, 4096, PROT_READ, MAP_SHARED, 4, 0) = 0x7f0000200000\n"
            "9 mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0) = -1 EBADF (Bad file descriptor)\n"
            "9 mmap(NULL, 4096, 0x3, 0x22, -1, 0) = 0x7f0000300000\n"
            "9 mmap(NULL, 4096, PROT_WRITE|PROT_EXEC, MAP_SHARED|MAP_ANONYMOUS, -1, 0) = 0x7f0000400000\n"
            "9 mprotect(0x7f00000ff000, 0x4000, PROT_NONE) = 0\n"
            "9 mprotect(0x7f00000ff000, 0x4000, PROT_NONE) = -1 ENOMEM (Cannot allocate memory)\n"
            "9 mprotect(0x10000, 4096, PROT_READ) = 0\n"
            "9 munmap(0x7f0000101000, 4096) = 0\n"
            "9 mprotect(0x7f0000100000, 12288, PROT_READ|PROT_WRITE) = 0\n"
            "9 munmap(0x7f0000000000, 4096) = 0\n"
            "9 munmap(0x7ffffffff000, 0x10000) = 0\n"
            "9 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x800000000000\n"
            "9 mmap(NULL, 8192, PROT_READ, MAP_SHARED, 4, 0xfffffffffffff000) = 0x7f0000500000\n"
            "9 getpid() = 9\n");
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 9\n"
                   "exec 9 prog\n"
                   "munmap 9 0x7f0000900000 4096\n"
                   "brk 9 +135168\n"
                   "brk 9 -65536\n"
                   "mmap 9 0x7f0000100000 20480 r-- private file=/lib/a_b_c_d.so\n"
                   "mmap 9 0x7f0000101000 8192 r-x private file=/lib/a_b_c_d.so@0x1000\n"
                   "mmap 9 0x7f0000200000 4096 r-- shared file=/lib/a_b_c_d.so\n"
                   "mmap 9 0x7f0000300000 4096 rw- private\n"
                   "mmap 9 0x7f0000400000 4096 -wx shared\n"
                   "mprotect 9 0x7f0000100000 12288 ---\n"
                   "munmap 9 0x7f0000101000 4096\n"
                   "mprotect 9 0x7f0000100000 4096 rw-\n"
                   "mprotect 9 0x7f0000102000 4096 rw-\n"
                   "munmap 9 0x7f0000000000 4096\n"
                   "munmap 9 0x7ffffffff000 4096\n");
    has(&r, "# 9 brk(0x55a000013000) = 0x55a000012000  (failed)");
    has(&r, "# 9 mprotect(0x10000, 4096, PROT_READ) = 0  (a range the trace has not mapped)");
    has(&r, "# 9 getpid() = 9");
    /* a trace's run stops at a file range past 2^64 bytes: a comment */
    has(&r, "# 9 mmap(NULL, 8192, PROT_READ, MAP_SHARED, 4, 0xfffffffffffff000) = 0x7f0000500000  (its file range "
            "passes 2^64 bytes)");
    done(&r);
}

/* a child's lines wait for the clone that makes it to return */
static void test_strace_clone_order(void **state)
{
    (void)state;
    char rec[2048];
    snprintf(rec, sizeof rec,
             "10 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 2 vars */) = 0\n"
             "10 %s <unfinished ...>\n"
             "11 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000100000\n"
             "11 exit_group(4) = ?\n"
             "11 +++ exited with 4 +++\n"
             "10 <... clone resumed>) = 11\n"
             "10 wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 4}], 0, NULL) = 11\n",
             clone_fork);
    struct imported r = imp(false, NULL, rec);
    events_are(&r, "spawn 10\n"
                   "exec 10 sh\n"
                   "fork 10 11\n"
                   "mmap 11 0x7f0000100000 4096 r-- private\n"
                   "exit 11 4\n"
                   "wait 10 11\n");
    done(&r);
}

/* a vfork parent waits for its child's exec, even when strace writes the
 * parent's next lines first; a wait writes an exit that has not come yet */
static void test_strace_vfork_order(void **state)
{
    (void)state;
    struct imported r = imp(false, NULL,
                            "20 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 2 vars */) = 0\n"
                            "20 vfork( <unfinished ...>\n"
                            "21 execve(\"/bin/ls\", [\"ls\"], 0x55 /* 2 vars */ <unfinished ...>\n"
                            "20 <... vfork resumed>) = 21\n"
                            "20 getpid() = 20\n"
                            "21 <... execve resumed>) = 0\n"
                            "20 wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 2}], 0, NULL) = 21\n"
                            "21 exit_group(2) = ?\n"
                            "21 +++ exited with 2 +++\n"
                            "20 vfork() = 22\n"
                            "20 getppid() = 1\n"
                            "22 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000100000\n"
                            "22 +++ killed by SIGKILL +++\n");
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 20\n"
                   "exec 20 sh\n"
                   "vfork 20 21\n"
                   "exec 21 ls\n"
                   "exit 21 2\n"
                   "wait 20 21\n"
                   "vfork 20 22\n"
                   "mmap 22 0x7f0000100000 4096 r-- private\n"
                   "exit 22 137\n");
    /* the comments come where the events they follow went */
    const char *a = strstr(r.out, "exec 21 ls"), *b = strstr(r.out, "# 20 getpid() = 20");
    assert_true(a && b && a < b);
    a = strstr(r.out, "exit 22 137");
    b = strstr(r.out, "# 20 getppid() = 1");
    assert_true(a && b && a < b);
    done(&r);
}

static void test_strace_threads(void **state)
{
    (void)state;
    struct imported r =
        imp(false, NULL,
            "30 execve(\"/bin/t\", [\"t\"], 0x7ffd /* 2 vars */) = 0\n"
            "30 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, "
            "exit_signal=0, stack=0x7f00, stack_size=0x7fff80} => {parent_tid=[31]}, 88) = 31\n"
            "31 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000100000\n"
            "31 clone(child_stack=NULL, flags=CLONE_VM|SIGCHLD) = 32\n"
            "32 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000200000\n"
            "31 fork() = 33\n"
            "33 exit_group(0) = ?\n"
            "31 +++ exited with 0 +++\n"
            "30 exit_group(5) = ?\n"
            "32 +++ exited with 0 +++\n"
            "30 +++ exited with 5 +++\n");
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 30\n"
                   "exec 30 t\n"
                   "mmap 30 0x7f0000100000 4096 r-- private\n"
                   "fork 30 32\n" /* CLONE_VM alone: a process of its own */
                   "mmap 32 0x7f0000200000 4096 r-- private\n"
                   "fork 30 33\n"
                   "exit 33 0\n"
                   "exit 30 5\n"
                   "exit 32 0\n");
    has(&r, "# 31 +++ exited with 0 +++");
    has(&r, "# 31 clone(child_stack=NULL, flags=CLONE_VM|SIGCHLD) = 32  (CLONE_VM without CLONE_VFORK or CLONE_THREAD: "
            "a process of its own, written as a fork: its memory is a copy of its parent's, not shared)");
    done(&r);
}

/* --pid N numbers the processes in the order they appear */
static void test_strace_renumber(void **state)
{
    (void)state;
    char rec[1024];
    snprintf(rec, sizeof rec,
             "4000 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 2 vars */) = 0\n"
             "4000 %s) = 3999\n"
             "3999 exit_group(0) = ?\n"
             "4000 wait4(-1, NULL, 0, NULL) = 3999\n",
             clone_fork);
    struct import_opts o;
    import_opts_default(&o);
    o.pid = 5;
    struct imported r = imp(false, &o, rec);
    events_are(&r, "spawn 5  # record pid 4000\n"
                   "exec 5 sh\n"
                   "fork 5 6  # record pid 3999\n"
                   "exit 6 0\n"
                   "wait 5 6\n");
    done(&r);
}

static void test_strace_comments_off(void **state)
{
    (void)state;
    struct import_opts o;
    import_opts_default(&o);
    o.pid = 0;
    o.comments = false;
    struct imported r = imp(false, &o,
                            "40 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 2 vars */) = 0\n"
                            "40 getpid() = 40\n"
                            "40 read(0,  <unfinished ...>\n");
    assert_int_equal(r.status, 0);
    lacks(&r, "# 40");
    has(&r, "# written: events 2, calls as comments 2 (left out); skipped: other lines 0");
    assert_int_equal(r.res.comments, 2);
    done(&r);
}

static void test_strace_errors(void **state)
{
    (void)state;
    static const struct {
        const char *rec;
        uint64_t line;
        const char *msg;
    } cases[] = {
        {"hello\n", 1, "not a line of strace -f (strace -f -o FILE starts each line with a pid; strace -f 2>FILE"},
        {"1 getpid() = 1\ngetpid() = 1\n", 2, "a line without a pid in a record whose lines start with one"},
        {"[pid 5] getpid() = 5\n[pid 6] getpid() = 6\ngetpid() = 5\n", 3,
         "a line without a pid while strace traces several processes"},
        {"clone(child_stack=NULL, flags=SIGCHLD, child_tidptr=0x7f) = 7\nwait4(-1, NULL, 0, NULL) = 7\n", 2,
         "process 7, reaped here, has no line in the record: this is the record of one process (one file of "
         "strace -ff -o FILE"},
        {"1 getpid() = 1\n2\n", 2, "not a line of strace -f"},
        {"1 getpid() = 1\n0 getpid() = 1\n", 2, "not a line of strace -f"},
        {"[pid 3 getpid() = 1\n", 1, "not a line of strace -f"},
        {"1 getpid() = 1\n1 getpid(\n", 2, "strace line cut short: '1 getpid('"},
        {"1 getpid() = 1\n1 mmap(NULL, \"a)\n", 2, "strace line cut short"},
        {"1 getpid() 1\n", 1, "not a line of strace: '1 getpid() 1'"},
        {"1 getpid() =\n", 1, "strace line cut short"},
        {"1 hello\n", 1, "not a line of strace: '1 hello'"},
        {"1 +++ exited with 0\n", 1, "not a line of strace"},
        {"1 --- SIGCHLD\n", 1, "not a line of strace"},
        {"1 <... read\n", 1, "not a line of strace"},
        {"1 read(0, <unfinished ...>\n1 <... read resumed>\"x\", 1\n", 2, "strace line cut short"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct imported r = imp(false, NULL, cases[i].rec);
        assert_int_equal(r.status, 2);
        if (r.res.line != cases[i].line || strncmp(r.res.msg, cases[i].msg, strlen(cases[i].msg)))
            fail_msg("'%s': line %llu '%s', want %llu '%s...'", cases[i].rec, (unsigned long long)r.res.line,
                     r.res.msg, (unsigned long long)cases[i].line, cases[i].msg);
        done(&r);
    }
}

/* strace -f without -o: no pid while one process is traced, [pid N] while
 * several are; the first process's pid shows in a later line */
static void test_strace_stderr(void **state)
{
    (void)state;
    char rec[2048];
    snprintf(rec, sizeof rec,
             "execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 2 vars */) = 0\n"
             "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000\n"
             "%.*sstrace: Process 71 attached\n"
             "%s) = 71\n"
             "[pid    71] getppid() = 70\n"
             "[pid    70] wait4(-1,  <unfinished ...>\n"
             "[pid    71] exit_group(0) = ?\n"
             "[pid    71] +++ exited with 0 +++\n"
             "<... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 71\n"
             "exit_group(0) = ?\n"
             "+++ exited with 0 +++\n",
             40, clone_fork, clone_fork + 40);
    struct imported r = imp(false, NULL, rec);
    assert_int_equal(r.status, 0);
    has(&r, "spawn 70\nexec 70 sh\nmmap 70 0x7f0000000000 8192 rw- private");
    has(&r, "fork 70 71");
    has(&r, "exit 71 0");
    has(&r, "wait 70 71");
    has(&r, "exit 70 0");
    done(&r);
    /* a process that never shows its pid is given the first free one */
    r = imp(false, NULL, "execve(\"/bin/true\", [\"true\"], 0x7ffd /* 2 vars */) = 0\nexit_group(0) = ?\n");
    assert_int_equal(r.status, 0);
    has(&r, "spawn 1  # the record does not show this process's pid (its lines are pid 0 in comments)");
    has(&r, "exit 1 0");
    done(&r);
    /* strace -z: the end of an unfinished call alone on the next line */
    r = imp(false, NULL,
            "9 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 2 vars */) = 0\n"
            "9 mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0 <unfinished ...>\n"
            ")                                       = 0x7f0000000000\n");
    assert_int_equal(r.status, 0);
    has(&r, "mmap 9 0x7f0000000000 8192 r-- private");
    has(&r, "# written: events 3, calls as comments 0; skipped: other lines 0; joined: ends of calls on a line of their own 1");
    done(&r);
}

/* what the record leaves open at its end is not an error */
static void test_strace_end(void **state)
{
    (void)state;
    char rec[1024];
    snprintf(rec, sizeof rec,
             "50 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 2 vars */) = 0\n"
             "50 %s <unfinished ...>\n"
             "51 getpid() = 51\n"
             "50 exit_group(0 <unfinished ...>\n",
             clone_fork);
    struct imported r = imp(false, NULL, rec);
    assert_int_equal(r.status, 0);
    (void)r;
    done(&r);
    /* the clone never returns: its child is made at the end */
    snprintf(rec, sizeof rec,
             "50 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 2 vars */) = 0\n"
             "50 %s <unfinished ...>\n"
             "51 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000100000\n",
             clone_fork);
    r = imp(false, NULL, rec);
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 50\nexec 50 sh\nfork 50 51\nmmap 51 0x7f0000100000 4096 r-- private\n");
    has(&r, "# 50 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
            "child_tidptr=0x7f10 <unfinished ...>  (the record ends here; its child comes next)");
    done(&r);
    /* a vfork parent whose child never execs: its lines stay comments */
    r = imp(false, NULL,
            "60 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 2 vars */) = 0\n"
            "60 vfork() = 61\n"
            "60 getpid() = 60\n"
            "61 getpid() = 61\n");
    assert_int_equal(r.status, 0);
    events_are(&r, "spawn 60\nexec 60 sh\nvfork 60 61\n");
    has(&r, "# 60 getpid() = 60  (held back: its process waits for its vfork child to the end)");
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lackey_lines),
        cmocka_unit_test(test_lackey_options),
        cmocka_unit_test(test_lackey_user_top),
        cmocka_unit_test(test_lackey_many_chunks),
        cmocka_unit_test(test_lackey_errors),
        cmocka_unit_test(test_lackey_line_ends),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_long_strace_call),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_strace_memory),
        cmocka_unit_test(test_strace_clone_order),
        cmocka_unit_test(test_strace_vfork_order),
        cmocka_unit_test(test_strace_threads),
        cmocka_unit_test(test_strace_renumber),
        cmocka_unit_test(test_strace_comments_off),
        cmocka_unit_test(test_strace_errors),
        cmocka_unit_test(test_strace_stderr),
        cmocka_unit_test(test_strace_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
