/* test_stats.c -- unit tests of the summary (sim/stats.c,
 * include/vmsim/stats.h): the table of dotted paths, and the text, json
 * and csv writers. */
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
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/runner.h"
#include "vmsim/stats.h"
#include "vmsim/util.h"

#include "machine_harness.h"

/* ---- the table of stats ------------------------------------------------------ */

/* the summary's numbers, in the order of docs/cli.md */
static const char *const spec_names[] = {
    "config.arch", "config.va_bits", "config.page_size", "config.levels", "config.frames", "config.fork",
    "config.zero_page", "config.lazy_fork", "config.pt_frames", "config.oom", "config.swap_slots", "config.policy",
    "config.seed", "config.fault_around", "config.exclusive_reuse", "config.anon_vma",
    "events.total", "events.spawn", "events.fork", "events.vfork", "events.exec", "events.exit", "events.wait",
    "events.mmap", "events.munmap", "events.mprotect", "events.brk", "events.read", "events.write", "events.touch",
    "events.skipped", "events.subreaper",
    "accesses.reads", "accesses.writes", "accesses.hits", "accesses.misses",
    "faults.total", "faults.demand_zero", "faults.zero_page", "faults.file", "faults.cow_copy", "faults.cow_reuse",
    "faults.segv", "faults.swap_in",
    "memory.frames_total", "memory.frames_used", "memory.frames_peak", "memory.anon", "memory.cache", "memory.pt",
    "memory.pages_copied", "memory.ptes_copied", "memory.cache_loads", "memory.cache_drops", "memory.pt_pages",
    "memory.pt_pages_peak", "memory.pt_shared", "memory.pt_unshared", "memory.evictions", "memory.evictions_dirty",
    "memory.swap_writes", "memory.swap_reads", "memory.writebacks", "memory.swap_used", "memory.swap_peak",
    "processes.created", "processes.live", "processes.zombies", "processes.peak_live", "processes.killed_segv",
    "processes.killed_oom", "processes.fork_failed", "processes.reaped",
    "tlb.entries", "tlb.ways", "tlb.asid", "tlb.hits", "tlb.misses", "tlb.walks", "tlb.walk_steps",
    "tlb.invalidations", "tlb.flushes", "tlb.context_switches",
    "expect.passed", "expect.failed",
};

static void test_stat_table_matches_spec(void **state)
{
    (void)state;
    /* the summary's numbers first, in their order; more may follow */
    size_t n = sizeof spec_names / sizeof spec_names[0];
    assert_true(stat_count >= n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(stat_descs[i].path, spec_names[i]);
    /* strings and booleans where the summary has them */
    assert_int_equal(stat_descs[0].type, ST_STR);
    assert_int_equal(stat_descs[5].type, ST_STR);
    assert_int_equal(stat_descs[6].type, ST_BOOL);
    assert_int_equal(stat_descs[7].type, ST_BOOL);
    assert_int_equal(stat_descs[8].type, ST_BOOL);
    assert_int_equal(stat_descs[9].type, ST_STR);
    assert_int_equal(stat_descs[10].type, ST_NUM); /* swap_slots */
    assert_int_equal(stat_descs[11].type, ST_STR); /* policy */
    assert_int_equal(stat_descs[12].type, ST_NUM); /* seed */
    assert_int_equal(stat_descs[13].type, ST_NUM); /* fault_around */
    assert_int_equal(stat_descs[14].type, ST_BOOL);
    assert_int_equal(stat_descs[15].type, ST_BOOL);
    for (size_t i = 16; i < n; i++)
        assert_int_equal(stat_descs[i].type, strcmp(stat_descs[i].path, "tlb.asid") ? ST_NUM : ST_BOOL);
    /* every path is SECTION.NAME of lower-case words, each once, and the
     * paths of a section are together */
    for (size_t i = 0; i < stat_count; i++) {
        const char *p = stat_descs[i].path, *dot = strchr(p, '.');
        assert_non_null(dot);
        assert_null(strchr(dot + 1, '.'));
        assert_true(dot > p && dot[1]);
        for (const char *c = p; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '.'))
                fail_msg("'%s' is not a lower-case dotted path", p);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(stat_descs[j].path, p);
            size_t sl = (size_t)(dot - p);
            if (!strncmp(stat_descs[j].path, p, sl) && stat_descs[j].path[sl] == '.' && j + 1 < i &&
                strncmp(stat_descs[i - 1].path, p, sl + 1))
                fail_msg("section of '%s' is split", p);
        }
    }
}

static void test_stat_index(void **state)
{
    (void)state;
    for (size_t i = 0; i < stat_count; i++) {
        const char *p = stat_descs[i].path;
        assert_int_equal(stat_index(p, strlen(p)), (int)i);
        /* a longer buffer, cut to the name */
        char buf[64];
        snprintf(buf, sizeof buf, "%s.extra", p);
        assert_int_equal(stat_index(buf, strlen(p)), (int)i);
    }
    static const char *const unknown[] = {
        "", "faults", "faults.", "faults.cow", "faults.cow_copyx", "FAULTS.total", "total", ".total",
        "memory.frames", "per_process", "per_process.pid", "config", "config.arch.x", "faults total",
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        if (stat_index(unknown[i], strlen(unknown[i])) != -1)
            fail_msg("'%s' resolves", unknown[i]);
    assert_int_equal(stat_index("faults.total", 6), -1);
}

static void test_summarize(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "write 1 0x406000\n"
                                 "read 1 0x400000\n"
                                 "fork 1 2\n"
                                 "write 2 0x406000\n"
                                 "read 2 0x0\n"
                                 "expect stat faults.total == 4\n");
    struct vm_summary s;
    vm_summarize(vm, &s);
    int i = stat_index("faults.total", 12);
    assert_int_equal(s.num[i], 4);
    uint64_t sum = 0;
    for (int k = 0; k < FC_COUNT; k++) {
        char path[32];
        snprintf(path, sizeof path, "faults.%s", fault_class_names[k]);
        int j = stat_index(path, strlen(path));
        assert_true(j >= 0);
        assert_int_equal(s.num[j], vm->c.faults[k]);
        sum += s.num[j];
    }
    assert_int_equal(sum, 4);
    assert_string_equal(s.str[stat_index("config.arch", 11)], "x86_64");
    assert_string_equal(s.str[stat_index("config.fork", 11)], "cow");
    assert_string_equal(s.str[stat_index("config.oom", 10)], "kill");
    assert_int_equal(s.num[stat_index("events.total", 12)], 6);
    assert_int_equal(s.num[stat_index("processes.killed_segv", 21)], 1);
    assert_int_equal(s.num[stat_index("expect.passed", 13)], 1);
    /* every numeric path agrees with vm_query_stat */
    for (size_t k = 0; k < stat_count; k++) {
        struct qresult r;
        assert_int_equal(vm_query_stat(vm, stat_descs[k].path, strlen(stat_descs[k].path), &r), 0);
        if (stat_descs[k].type == ST_STR)
            assert_string_equal(r.word, s.str[k]);
        else
            assert_int_equal(r.num, s.num[k]);
    }
    vm_free(vm);
}

/* ---- a small JSON checker ---------------------------------------------------------- */

struct jp {
    const char *s;
    size_t i;
};

static void jws(struct jp *p)
{
    while (p->s[p->i] && strchr(" \t\r\n", p->s[p->i]))
        p->i++;
}

static bool jvalue(struct jp *p, int depth);

static bool jstring(struct jp *p)
{
    if (p->s[p->i] != '"')
        return false;
    p->i++;
    for (;;) {
        unsigned char ch = (unsigned char)p->s[p->i];
        if (ch < 0x20) /* the end of the text included */
            return false;
        p->i++;
        if (ch == '"')
            return true;
        if (ch == '\\') {
            char e = p->s[p->i++];
            if (e == 'u') {
                for (int k = 0; k < 4; k++)
                    if (!strchr("0123456789abcdefABCDEF", p->s[p->i++]) || !p->s[p->i - 1])
                        return false;
            } else if (!e || !strchr("\"\\/bfnrt", e)) {
                return false;
            }
        }
    }
}

static bool jdigits(struct jp *p)
{
    size_t i0 = p->i;
    while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    return p->i > i0;
}

static bool jnumber(struct jp *p)
{
    if (p->s[p->i] == '-')
        p->i++;
    if (p->s[p->i] == '0')
        p->i++;
    else if (!jdigits(p))
        return false;
    if (p->s[p->i] == '.') {
        p->i++;
        if (!jdigits(p))
            return false;
    }
    if (p->s[p->i] == 'e' || p->s[p->i] == 'E') {
        p->i++;
        if (p->s[p->i] == '+' || p->s[p->i] == '-')
            p->i++;
        if (!jdigits(p))
            return false;
    }
    return true;
}

static bool jword(struct jp *p, const char *w)
{
    size_t n = strlen(w);
    if (strncmp(p->s + p->i, w, n))
        return false;
    p->i += n;
    return true;
}

static bool jvalue(struct jp *p, int depth)
{
    if (depth > 20)
        return false;
    jws(p);
    char ch = p->s[p->i];
    bool ok;
    if (ch == '{' || ch == '[') {
        char close = ch == '{' ? '}' : ']';
        p->i++;
        jws(p);
        if (p->s[p->i] == close) {
            p->i++;
            return true;
        }
        for (;;) {
            jws(p);
            if (ch == '{') {
                if (!jstring(p))
                    return false;
                jws(p);
                if (p->s[p->i++] != ':')
                    return false;
            }
            if (!jvalue(p, depth + 1))
                return false;
            jws(p);
            if (p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (p->s[p->i] != close)
                return false;
            p->i++;
            return true;
        }
    }
    if (ch == '"')
        ok = jstring(p);
    else if (ch == 't')
        ok = jword(p, "true");
    else if (ch == 'f')
        ok = jword(p, "false");
    else if (ch == 'n')
        ok = jword(p, "null");
    else
        ok = jnumber(p);
    return ok;
}

/* assert_json: text is one JSON value and nothing else */
static void assert_json(const char *text)
{
    struct jp p = {text, 0};
    if (!jvalue(&p, 0))
        fail_msg("not JSON near byte %zu: '%.40s'\n%s", p.i, text + p.i, text);
    jws(&p);
    if (text[p.i])
        fail_msg("text after the JSON value: '%.40s'", text + p.i);
}

static void test_json_checker_itself(void **state)
{
    (void)state;
    static const char *const good[] = {"{}", "[]", "{\"a\": [1, -2.5e3, true, false, null, \"x\\n\\u00e9\"]}",
                                       " {\"a\": {\"b\": {}}} "};
    static const char *const bad[] = {"{", "}", "{\"a\": 1,}", "[1 2]", "{\"a\" 1}", "{a: 1}", "[01]", "[1.]",
                                      "[\"\x01\"]", "{\"a\": 1}}", "[tru]", "[\"\\x\"]"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct jp p = {good[i], 0};
        assert_true(jvalue(&p, 0));
        jws(&p);
        assert_int_equal(good[i][p.i], 0);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct jp p = {bad[i], 0};
        bool ok = jvalue(&p, 0);
        if (ok) {
            jws(&p);
            ok = !bad[i][p.i];
        }
        if (ok)
            fail_msg("'%s' passes as JSON", bad[i]);
    }
}

/* ---- the three formats ------------------------------------------------------------ */

#define BUSY                                                                                                       \
    "program sh heap=1p\n"                                                                                         \
    "spawn 1 sh\n"                                                                                                 \
    "write 1 0x406000\n"                                                                                           \
    "read 1 0x400000\n"                                                                                            \
    "fork 1 2\n"                                                                                                   \
    "fork 1 3\n"                                                                                                   \
    "spawn 4\n"                                                                                                    \
    "exit 3 5\n"                                                                                                   \
    "write 2 0x406000\n"                                                                                           \
    "fork 2 6\n"                                                                                                   \
    "read 6 0x0\n"                                                                                                 \
    "expect proc 2 rss == 2\n"

/* summary_of: the summary of a run in a format (the machine in *vmp) */
static const char *summary_of(const struct vm_config *cfg, enum out_format fmt, const char *trace, struct vm **vmp)
{
    struct vm *vm = run_fmt(cfg, (int)fmt, trace);
    if (run_status != 0)
        fail_msg("status %d:\n%s", run_status, run_err);
    *vmp = vm;
    return run_out;
}

/* json_field: the text after "key": inside "section": { ... } */
static const char *json_field(const char *json, const char *path)
{
    static char buf[128];
    const char *dot = strchr(path, '.');
    char sect[64], key[64];
    snprintf(sect, sizeof sect, "\"%.*s\": {", (int)(dot - path), path);
    snprintf(key, sizeof key, "\"%s\": ", dot + 1);
    const char *s = strstr(json, sect);
    if (!s)
        return NULL;
    const char *end = strchr(s, '}');
    const char *k = strstr(s, key);
    if (!k || k > end)
        return NULL;
    k += strlen(key);
    size_t n = *k == '"' ? strcspn(k + 1, "\"") + 2 : strcspn(k, ",\n}");
    snprintf(buf, sizeof buf, "%.*s", (int)n, k);
    return buf;
}

static void test_json(void **state)
{
    (void)state;
    struct vm *vm;
    const char *json = summary_of(NULL, OUT_JSON, BUSY, &vm);
    assert_json(json);
    /* every number of the summary, in its section */
    struct vm_summary s;
    vm_summarize(vm, &s);
    for (size_t i = 0; i < stat_count; i++) {
        const char *got = json_field(json, stat_descs[i].path);
        if (!got)
            fail_msg("%s is missing from the JSON", stat_descs[i].path);
        char want[64];
        if (stat_descs[i].type == ST_NUM)
            snprintf(want, sizeof want, "%llu", (unsigned long long)s.num[i]);
        else if (stat_descs[i].type == ST_BOOL)
            snprintf(want, sizeof want, "%s", s.num[i] ? "true" : "false");
        else
            snprintf(want, sizeof want, "\"%s\"", s.str[i]);
        if (strcmp(got, want))
            fail_msg("%s: JSON has %s, want %s", stat_descs[i].path, got, want);
    }
    /* per_process: by pid, the ones not reaped */
    const char *pp = strstr(json, "\"per_process\": [");
    assert_non_null(pp);
    const char *p1 = strstr(pp, "{\"pid\": 1,"), *p2 = strstr(pp, "{\"pid\": 2,"), *p3 = strstr(pp, "{\"pid\": 3,"),
               *p4 = strstr(pp, "{\"pid\": 4,");
    assert_non_null(p1);
    assert_non_null(p2);
    assert_non_null(p3);
    assert_non_null(p4);
    assert_true(p1 < p2 && p2 < p3 && p3 < p4);
    /* 6 was killed by a segv: a zombie of 2, not reaped */
    const char *p6 = strstr(pp, "{\"pid\": 6, \"ppid\": 2, \"state\": \"zombie\", \"program\": \"sh\", \"exit_status\": 139,");
    assert_non_null(p6);
    assert_true(p4 < p6);
    assert_null(strstr(pp, "{\"pid\": 5,"));
    vm_free(vm);
}

static void test_json_fields(void **state)
{
    (void)state;
    struct vm *vm;
    const char *json = summary_of(NULL, OUT_JSON,
                                  "spawn 1 sh\n"
                                  "write 1 0x406000\n"
                                  "fork 1 2\n"
                                  "exit 2 5\n"
                                  "spawn 4\n",
                                  &vm);
    assert_json(json);
    assert_non_null(strstr(json, "{\"pid\": 1, \"ppid\": 0, \"state\": \"running\", \"program\": \"sh\", "
                                 "\"exit_status\": null, \"rss\": 1, \"pss\": 1.000, \"uss\": 1, \"pt_pages\": 4, "
                                 "\"vmas\": 4, \"swap\": 0, \"faults\": {\"total\": 1, \"demand_zero\": 1, "
                                 "\"zero_page\": 0, \"file\": 0, \"cow_copy\": 0, \"cow_reuse\": 0, \"segv\": 0, "
                                 "\"swap_in\": 0}}"));
    assert_non_null(strstr(json, "{\"pid\": 2, \"ppid\": 1, \"state\": \"zombie\", \"program\": \"sh\", "
                                 "\"exit_status\": 5, \"rss\": 0, \"pss\": 0.000, \"uss\": 0, \"pt_pages\": 0, "
                                 "\"vmas\": 0, \"swap\": 0, \"faults\": {\"total\": 0,"));
    assert_non_null(strstr(json, "{\"pid\": 4, \"ppid\": 0, \"state\": \"running\", \"program\": null, "
                                 "\"exit_status\": null,"));
    vm_free(vm);

    /* no process at all: an empty array */
    json = summary_of(NULL, OUT_JSON, "spawn 1\nexit 1\n", &vm);
    assert_json(json);
    assert_non_null(strstr(json, "\"per_process\": []"));
    vm_free(vm);

    /* flags are true / false; a custom arch name is a plain string */
    struct vm_config c = config("va=39,page=4096,levels=3", 0);
    c.zero_page = c.lazy_fork = c.pt_frames = true;
    c.fork = FORK_SHAREPT;
    json = summary_of(&c, OUT_JSON, "spawn 1 sh\n", &vm);
    assert_json(json);
    assert_string_equal(json_field(json, "config.arch"), "\"va=39,page=4096,levels=3\"");
    assert_string_equal(json_field(json, "config.zero_page"), "true");
    assert_string_equal(json_field(json, "config.lazy_fork"), "true");
    assert_string_equal(json_field(json, "config.pt_frames"), "true");
    assert_string_equal(json_field(json, "config.fork"), "\"sharept\"");
    assert_string_equal(json_field(json, "memory.pt"), "1");
    vm_free(vm);
}

/* csv_fields: splits one CSV line ("..." quotes a field); returns the count */
static size_t csv_fields(const char *line, size_t len, char fields[][64], size_t max)
{
    size_t n = 0, i = 0;
    for (;;) {
        char *f = fields[n < max ? n : max - 1];
        size_t k = 0;
        if (i < len && line[i] == '"') {
            i++;
            while (i < len && line[i] != '"')
                f[k < 63 ? k++ : k] = line[i++];
            i++; /* the closing quote */
        } else {
            while (i < len && line[i] != ',')
                f[k < 63 ? k++ : k] = line[i++];
        }
        f[k] = 0;
        n++;
        if (i >= len)
            return n;
        if (line[i] != ',')
            fail_msg("bad CSV near '%.20s'", line + i);
        i++;
    }
}

static void check_csv(const char *csv, struct vm *vm)
{
    const char *nl1 = strchr(csv, '\n');
    assert_non_null(nl1);
    const char *nl2 = strchr(nl1 + 1, '\n');
    assert_non_null(nl2);
    assert_int_equal(nl2[1], 0); /* two lines, nothing more */
    static char head[128][64], vals[128][64];
    size_t nh = csv_fields(csv, (size_t)(nl1 - csv), head, 128);
    size_t nv = csv_fields(nl1 + 1, (size_t)(nl2 - nl1 - 1), vals, 128);
    assert_int_equal(nh, stat_count);
    assert_int_equal(nv, nh);
    struct vm_summary s;
    vm_summarize(vm, &s);
    for (size_t i = 0; i < nh; i++) {
        assert_string_equal(head[i], stat_descs[i].path);
        char want[64];
        if (stat_descs[i].type == ST_NUM)
            snprintf(want, sizeof want, "%llu", (unsigned long long)s.num[i]);
        else if (stat_descs[i].type == ST_BOOL)
            snprintf(want, sizeof want, "%s", s.num[i] ? "true" : "false");
        else
            snprintf(want, sizeof want, "%s", s.str[i]);
        if (strcmp(vals[i], want))
            fail_msg("csv %s: %s, want %s", head[i], vals[i], want);
    }
    assert_null(strstr(csv, "per_process"));
    assert_null(strstr(csv, "pid"));
}

static void test_csv(void **state)
{
    (void)state;
    struct vm *vm;
    const char *csv = summary_of(NULL, OUT_CSV, BUSY, &vm);
    check_csv(csv, vm);
    vm_free(vm);
    /* an arch name with commas is quoted: still as many columns */
    struct vm_config c = config("va=39,page=4096,levels=3", 0);
    csv = summary_of(&c, OUT_CSV, BUSY, &vm);
    assert_non_null(strstr(csv, "\n\"va=39,page=4096,levels=3\","));
    check_csv(csv, vm);
    vm_free(vm);
}

static void test_text(void **state)
{
    (void)state;
    struct vm *vm;
    const char *text = summary_of(NULL, OUT_TEXT, BUSY, &vm);
    static const char *const sections[] = {"config:", "events:", "accesses:", "faults:", "memory:", "processes:",
                                           "expect:"};
    const char *at = text;
    for (size_t i = 0; i < 7; i++) {
        const char *s = strstr(at, sections[i]);
        if (!s)
            fail_msg("no '%s' after the sections before it:\n%s", sections[i], text);
        assert_true(s == text || s[-1] == '\n'); /* at the start of a line */
        at = s;
    }
    /* every number, as "name value" */
    struct vm_summary s;
    vm_summarize(vm, &s);
    for (size_t i = 0; i < stat_count; i++) {
        char pair[96];
        const char *name = strchr(stat_descs[i].path, '.') + 1;
        if (stat_descs[i].type == ST_NUM)
            snprintf(pair, sizeof pair, " %s %llu", name, (unsigned long long)s.num[i]);
        else if (stat_descs[i].type == ST_BOOL)
            snprintf(pair, sizeof pair, " %s %s", name, s.num[i] ? "on" : "off");
        else
            snprintf(pair, sizeof pair, " %s %s", name, s.str[i]);
        if (!strstr(text, pair))
            fail_msg("'%s' not in the text summary:\n%s", pair, text);
    }
    /* lines stay within 88 columns */
    for (const char *l = text; *l;) {
        size_t n = strcspn(l, "\n");
        if (n > 88)
            fail_msg("a line of %zu columns: %.*s", n, (int)n, l);
        l += n + (l[n] != 0);
    }
    assert_non_null(strstr(text, "  PID  PPID  STATE"));
    assert_non_null(strstr(text, "zombie"));
    /* each process's faults by class: a column per class, under its name */
    assert_non_null(strstr(text, "\n  PID  DEMAND_ZERO  ZERO_PAGE    FILE  COW_COPY  COW_REUSE    SEGV  SWAP_IN\n"));
    unsigned rows = 0;
    for (uint32_t pid = 1; pid < 64; pid++) {
        const struct proc *p = proc_find(vm, pid);
        if (!p)
            continue;
        char row[256];
        int o = snprintf(row, sizeof row, "\n%5u", (unsigned)pid);
        for (int f = 0; f < FC_COUNT; f++) {
            int w = (int)strlen(fault_class_names[f]);
            o += snprintf(row + o, sizeof row - (size_t)o, "  %*llu", w < 6 ? 6 : w, (unsigned long long)p->faults[f]);
        }
        snprintf(row + o, sizeof row - (size_t)o, "\n");
        if (!strstr(text, row))
            fail_msg("no row '%s' of faults by class:\n%s", row + 1, text);
        rows++;
    }
    assert_true(rows >= 2);
    vm_free(vm);
}

/* stat_word_can_be: every word a run's summary holds is one its stat can be,
 * whatever the machine; numbers and flags take no word */
static void test_stat_words(void **state)
{
    (void)state;
    static const char *const setups[][3] = {
        {"x86_64", "cow", NULL}, {"sv39", "copy", "lru"}, {"i386", "sharept", "opt"}, {"tiny", "cow", "random"}};
    char list[160];
    for (size_t k = 0; k < VM_ARRAY_LEN(setups); k++) {
        struct vm_config c = config(setups[k][0], 0);
        int fork = vm_name_index(fork_mode_names, FORK_MODES, setups[k][1]);
        assert_true(fork >= 0);
        c.fork = (enum fork_mode)fork;
        if (setups[k][2]) {
            int pol = vm_name_index(policy_names, POLICIES, setups[k][2]);
            assert_true(pol >= 0);
            c.replace = true;
            c.policy = (enum policy_kind)pol;
        }
        c.oom = k % 2 ? OOM_FAIL : OOM_KILL;
        struct vm *vm = run_ok(&c, "spawn 1\n");
        struct vm_summary s;
        vm_summarize(vm, &s);
        for (size_t i = 0; i < stat_count; i++) {
            if (stat_descs[i].type != ST_STR)
                continue;
            if (!stat_word_can_be(i, s.str[i], strlen(s.str[i]), list, sizeof list))
                fail_msg("%s is '%s', not %s", stat_descs[i].path, s.str[i], list);
        }
        vm_free(vm);
    }
    size_t i = (size_t)stat_index("faults.total", 12);
    assert_false(stat_word_can_be(i, "none", 4, list, sizeof list));
    assert_string_equal(list, "a number");
    i = (size_t)stat_index("config.fork", 11);
    assert_false(stat_word_can_be(i, "cows", 4, list, sizeof list));
    assert_string_equal(list, "one of cow, copy or sharept");
    i = (size_t)stat_index("tlb.asid", 8);
    assert_false(stat_word_can_be(i, "off", 3, list, sizeof list));
}

static void test_same_output_every_time(void **state)
{
    (void)state;
    static char first[1 << 16];
    for (int fmt = OUT_TEXT; fmt <= OUT_CSV; fmt++) {
        struct vm *vm;
        snprintf(first, sizeof first, "%s", summary_of(NULL, (enum out_format)fmt, BUSY, &vm));
        vm_free(vm);
        const char *again = summary_of(NULL, (enum out_format)fmt, BUSY, &vm);
        assert_string_equal(first, again);
        vm_free(vm);
    }
}

static void test_stats_write_direct(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n");
    FILE *f = tmpfile();
    stats_write(f, vm, OUT_JSON);
    rewind(f);
    static char buf[1 << 15];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    assert_json(buf);
    assert_non_null(strstr(buf, "\"spawn\": 1"));
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stat_table_matches_spec),
        cmocka_unit_test(test_stat_index),
        cmocka_unit_test(test_summarize),
        cmocka_unit_test(test_json_checker_itself),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_fields),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_stat_words),
        cmocka_unit_test(test_same_output_every_time),
        cmocka_unit_test(test_stats_write_direct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
