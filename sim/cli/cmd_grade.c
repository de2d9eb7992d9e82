/* cli_grade.c -- `vmsim grade`: a trace against a TESTS file, or answers
 * against a quiz (grade.h, quiz.h); the report as text, Gradescope JSON or
 * TAP. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_quiz.h"
#include "vmsim/grade.h"
#include "vmsim/quiz.h"
#include "vmsim/number.h"
#include "vmsim/trace.h"
#include "vmsim/util.h"

static const char grade_usage[] =
    "usage: vmsim grade --trace SUBMISSION --tests TESTS [OPTIONS]\n"
    "       vmsim grade [QUIZ OPTIONS] --answers FILE [OPTIONS]\n"
    "\n"
    "The first form runs a student's trace ('-': standard input) under the tests of an\n"
    "instructor's TESTS file (docs/grade.md); the second grades answers (Q3: 7, one a line)\n"
    "to the quiz that vmsim quiz prints with the same QUIZ OPTIONS (--seed, --profile, ...).\n"
    "\n"
    "  --format FMT         text (default), gradescope (results.json) or tap (TAP version 14)\n"
    "  -o, --output FILE    write the report to FILE\n"
    "\n"
    "limits on the submission (0 = none):\n"
    "  --max-events N       event lines (default 100000)\n"
    "  --max-accesses N     reads and writes, touch pages included (default 1000000)\n"
    "  --max-procs N        processes at once (default 1000)\n"
    "  --max-vmas N         VMAs in one address space (default 1000)\n"
    "  --max-memory SIZE    memory the simulator may use for the model (default 64M)\n"
    "  --max-line N         bytes in one line (default 4096)\n"
    "  --max-size SIZE      bytes in the submission or the answers file (default 1M)\n"
    "  --max-frames N       frames a test's machine may have (default 1M)\n"
    "  --timeout SECONDS    processor time of one run of the submission (default 10)\n"
    "\n"
    "exit status: 0 every test passed, 1 some test failed (a trace error fails them all),\n"
    "2 an error on the command line or in the TESTS file\n";

static int grade_error(const char *fmt, const char *arg) { return cli_error("grade", fmt, arg); }

struct grade_cli {
    const char *trace, *tests, *answers, *out_path;
    enum grade_format format;
    struct grade_limits lim;
    char **rest; /* the words left for the quiz */
    int nrest;
};

static const char *const limit_names[] = {"--max-events", "--max-accesses", "--max-procs", "--max-vmas",
                                          "--max-memory", "--max-line",     "--max-size",  "--max-frames"};

static int set_limit(struct grade_limits *l, size_t k, const char *val)
{
    uint64_t n;
    const char *why;
    if (number_parse(val, strlen(val), 0, &n, &why)) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s: bad number '%%s'", limit_names[k]);
        return grade_error(msg, val);
    }
    switch (k) {
    case 0:
        l->lim.max_events = n;
        break;
    case 1:
        l->lim.max_accesses = n;
        break;
    case 2:
        l->lim.max_procs = n;
        break;
    case 3:
        l->lim.max_vmas = n;
        break;
    case 4:
        l->lim.max_memory = n;
        break;
    case 5:
        l->max_line = n ? (n > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)n) : SIZE_MAX / 2;
        break;
    case 6:
        l->max_size = n;
        break;
    default:
        l->max_frames = n;
        break;
    }
    return 0;
}

/* value: the value of option a (after '=' or the next word) */
static const char *value(int argc, char **argv, int *i, const char *a, size_t nlen)
{
    if (a[nlen] == '=')
        return a + nlen + 1;
    if (*i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static bool is_opt(const char *a, const char *name, size_t *nlen)
{
    size_t n = strlen(name);
    if (strncmp(a, name, n) || (a[n] && a[n] != '='))
        return false;
    *nlen = n;
    return true;
}

static int parse(int argc, char **argv, struct grade_cli *g)
{
    memset(g, 0, sizeof *g);
    grade_limits_default(&g->lim);
    g->rest = vm_xmalloc(((size_t)argc + 1) * sizeof *g->rest);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val;
        size_t n = 0;
        const char **target = NULL;
        if (is_opt(a, "--trace", &n))
            target = &g->trace;
        else if (is_opt(a, "--tests", &n))
            target = &g->tests;
        else if (is_opt(a, "--answers", &n))
            target = &g->answers;
        else if (is_opt(a, "--output", &n))
            target = &g->out_path;
        else if (!strcmp(a, "-o")) {
            n = 2;
            target = &g->out_path;
        }
        if (target) {
            if (!(val = value(argc, argv, &i, a, n)))
                return grade_error("%s needs a value", a);
            *target = val;
            continue;
        }
        if (is_opt(a, "--format", &n)) {
            if (!(val = value(argc, argv, &i, a, n)))
                return grade_error("%s needs a value", a);
            if (!strcmp(val, "text"))
                g->format = GF_TEXT;
            else if (!strcmp(val, "gradescope"))
                g->format = GF_GRADESCOPE;
            else if (!strcmp(val, "tap"))
                g->format = GF_TAP;
            else
                return grade_error("--format takes text, gradescope or tap, not '%s'", val);
            continue;
        }
        if (is_opt(a, "--timeout", &n)) {
            if (!(val = value(argc, argv, &i, a, n)))
                return grade_error("%s needs a value", a);
            char *end;
            double s = strtod(val, &end);
            if (end == val || *end || !(s >= 0) || s > 1e6)
                return grade_error("--timeout: bad number of seconds '%s'", val);
            g->lim.cpu_seconds = s;
            continue;
        }
        bool limit = false;
        for (size_t k = 0; k < VM_ARRAY_LEN(limit_names) && !limit; k++)
            if (is_opt(a, limit_names[k], &n)) {
                if (!(val = value(argc, argv, &i, a, n)))
                    return grade_error("%s needs a value", a);
                if (set_limit(&g->lim, k, val))
                    return 2;
                limit = true;
            }
        if (!limit)
            g->rest[g->nrest++] = argv[i];
    }
    return 0;
}

/* ---- machines of the tests -------------------------------------------------- */

static bool machine_opt(enum opt_id id)
{
    switch (id) {
    case O_ARCH:
    case O_FRAMES:
    case O_MEM:
    case O_FORK:
    case O_ZERO:
    case O_LAZY:
    case O_LINUX:
    case O_FAULT_AROUND:
    case O_EXCL_REUSE:
    case O_ANON_VMA:
    case O_PTF:
    case O_OOM:
    case O_COST:
        return true;
    default:
        return false;
    }
}

/* split: the words of the flags (blank-separated) appended to words */
static int split(char *s, char **words, int n, int max)
{
    for (char *w = strtok(s, " \t"); w; w = strtok(NULL, " \t")) {
        if (n == max)
            return -1;
        words[n++] = w;
    }
    return n;
}

/* test_machine: the vm_config of the suite's flags and then the test's. */
static int test_machine(const struct grade_suite *s, const struct grade_test *t, struct vm_config *cfg)
{
    size_t a = strlen(s->flags), b = strlen(t->flags);
    char *all = vm_xmalloc(a + b + 2);
    memcpy(all, s->flags, a);
    all[a] = ' ';
    memcpy(all + a + 1, t->flags, b + 1);
    char *words[130];
    int n = split(all, words, 0, 128);
    char where[160];
    snprintf(where, sizeof where, "%s:%" PRIu64 ": the flags of test \"%.60s\"", s->name, t->line, t->name);
    if (n < 0) {
        free(all);
        return grade_error("%s: too many words", where);
    }
    for (int i = 0; i < n; i++) {
        const char *val;
        const struct opt *op = cli_find_opt(words[i], &val);
        if (!op || !machine_opt(op->id)) {
            fprintf(stderr, "vmsim: error: %s: '%s' is not an option of the machine\n", where, words[i]);
            free(all);
            return 2;
        }
        if (op->takes_value && !val)
            i++;
    }
    words[n++] = (char *)"-";
    struct cli c;
    int r = cli_parse_run(n, words, &c);
    free(all);
    if (r) {
        fprintf(stderr, "vmsim: (in %s)\n", where);
        return 2;
    }
    *cfg = c.o.cfg;
    return 0;
}

static const char *base_name(const char *path)
{
    if (!strcmp(path, "-"))
        return "standard input";
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* ---- the two forms -------------------------------------------------------------- */

static int grade_tests(struct grade_cli *g, struct grade_report *r)
{
    char err[600];
    char *tbuf, *sbuf;
    size_t tlen, slen;
    if (g->nrest)
        return grade_error("'%s' is not an option of grade --tests", g->rest[0]);
    if (!g->trace || !g->tests)
        return grade_error("%s", "give both --trace SUBMISSION and --tests TESTS");
    if (grade_read_file(g->tests, 0, &tbuf, &tlen, err, sizeof err)) {
        fprintf(stderr, "vmsim: error: %s\n", err);
        return 2;
    }
    struct grade_suite s;
    int st = grade_suite_parse(base_name(g->tests), tbuf, tlen, &s, err, sizeof err);
    free(tbuf);
    if (st) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    struct vm_config *cfgs = vm_xcalloc(s.ntests, sizeof *cfgs);
    for (size_t i = 0; i < s.ntests; i++) {
        err[0] = 0;
        if (test_machine(&s, &s.tests[i], &cfgs[i]) || grade_test_check(&s, &s.tests[i], &cfgs[i], err, sizeof err)) {
            if (*err)
                fprintf(stderr, "%s\n", err);
            free(cfgs);
            grade_suite_free(&s);
            return 2;
        }
        if (g->lim.max_frames && cfgs[i].frames > g->lim.max_frames) {
            fprintf(stderr,
                    "vmsim: error: %s:%" PRIu64 ": test \"%s\" has %" PRIu32 " frames, more than %" PRIu64
                    " (--max-frames)\n",
                    s.name, s.tests[i].line, s.tests[i].name, cfgs[i].frames, g->lim.max_frames);
            free(cfgs);
            grade_suite_free(&s);
            return 2;
        }
    }
    const char *subname = base_name(g->trace);
    size_t tl = strlen(subname) + strlen(s.name) + 32;
    r->title = vm_xmalloc(tl);
    snprintf(r->title, tl, "%s graded with %s", subname, s.name);
    if (grade_read_file(g->trace, g->lim.max_size, &sbuf, &slen, err, sizeof err)) {
        /* the submission cannot be had: every test scores 0 */
        r->output = vm_xstrndup(err, strlen(err));
        for (size_t i = 0; i < s.ntests; i++) {
            struct grade_item *it = grade_report_add(r, s.tests[i].name, s.tests[i].points, s.tests[i].vis);
            free(it->output);
            size_t ol = strlen(err) + 64;
            it->output = vm_xmalloc(ol);
            snprintf(it->output, ol, "the trace cannot be graded, so this test scores 0:\n%s\n", err);
        }
    } else {
        grade_run(&s, cfgs, subname, sbuf, slen, &g->lim, r);
        free(sbuf);
    }
    free(cfgs);
    grade_suite_free(&s);
    return 0;
}

static int grade_answers(struct grade_cli *g, struct grade_report *r)
{
    if (g->trace || g->tests)
        return grade_error("%s", "--answers grades a quiz: give no --trace or --tests with it");
    struct cli_quiz q;
    if (cli_quiz_options(g->nrest, g->rest, &q))
        return 2;
    if (q.answers)
        return grade_error("%s", "-c is an option of vmsim quiz");
    struct quiz qz;
    char err[512];
    if (quiz_make(&q.o, &qz, err, sizeof err))
        return grade_error("%s", err);
    char *buf;
    size_t len;
    const char *name = base_name(g->answers);
    size_t tl = strlen(name) + 64;
    r->title = vm_xmalloc(tl);
    snprintf(r->title, tl, "%s graded against the quiz of seed %" PRIu64, name, q.o.gen.seed);
    if (grade_read_file(g->answers, g->lim.max_size, &buf, &len, err, sizeof err)) {
        buf = NULL;
        len = 0;
        quiz_grade(&qz, name, "", 0, r);
        free(r->output);
        r->output = vm_xstrndup(err, strlen(err));
    } else {
        quiz_grade(&qz, name, buf, len, r);
    }
    free(buf);
    quiz_free(&qz);
    return 0;
}

int cli_grade(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(grade_usage, stdout);
            return 0;
        }
    struct grade_cli g;
    struct grade_report r;
    memset(&r, 0, sizeof r);
    int st = parse(argc, argv, &g);
    if (!st) {
        if (g.answers)
            st = grade_answers(&g, &r);
        else if (g.trace || g.tests)
            st = grade_tests(&g, &r);
        else
            st = grade_error("%s", "nothing to grade: --trace and --tests, or --answers");
    }
    free(g.rest);
    if (st) {
        grade_report_free(&r);
        return st;
    }
    FILE *out = stdout;
    if (g.out_path && !(out = fopen(g.out_path, "w"))) {
        fprintf(stderr, "vmsim: error: cannot write %s: %s\n", g.out_path, strerror(errno));
        grade_report_free(&r);
        return 2;
    }
    grade_write(out, &r, g.format);
    double score, max;
    size_t passed;
    grade_report_totals(&r, &score, &max, &passed);
    bool bad;
    if (out != stdout)
        bad = fclose(out) != 0;
    else
        bad = fflush(out) != 0 || ferror(out);
    if (bad) {
        fprintf(stderr, "vmsim: error: cannot write %s\n", g.out_path ? g.out_path : "the report");
        st = 2;
    } else {
        st = passed == r.n ? 0 : 1;
    }
    grade_report_free(&r);
    return st;
}
