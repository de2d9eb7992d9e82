/* cli_grade.c -- `vmsim grade`: a trace against a TESTS file, or answers
 * against a quiz (grade.h, quiz.h); the report as text, Gradescope JSON or
 * TAP. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "cmd_quiz.h"
#include "vmsim/grade.h"
#include "vmsim/quiz.h"
#include "vmsim/number.h"
#include "vmsim/options.h"
#include "vmsim/trace.h"
#include "vmsim/util.h"

const char cli_grade_usage[] =
    "usage: vmsim grade --trace SUBMISSION --tests TESTS [OPTIONS]\n"
    "       vmsim grade [QUIZ OPTIONS] --answers FILE [OPTIONS]\n"
    "\n"
    "The first form runs a student's trace ('-': standard input) under the tests of an\n"
    "instructor's TESTS file (docs/grade.md); the second grades answers (Q3: 7, one a line)\n"
    "to the quiz that vmsim quiz prints with the same QUIZ OPTIONS (--seed, --profile, ...).\n"
    "The ARG lines of the quiz, pasted into the answers file, give its options: options on\n"
    "the command line must then agree with them.\n"
    "\n"
    "  --format FMT         text (default), gradescope (results.json), tap (TAP version 13,\n"
    "                       which prove reads) or tap14 (TAP version 14)\n"
    "  -o, --output FILE    write the report to FILE ('-': standard output)\n"
    "  --visible-only       run and show only the tests a student sees while submitting\n"
    "                       (visibility visible); the others are counted in one line\n"
    "  --reveal WHEN        --answers: when Gradescope shows the right answers and their\n"
    "                       reasons: visible (default: with each question), after_due_date,\n"
    "                       after_published or hidden (in one item of their own)\n"
    "  --with-quiz          --answers: the report starts with the quiz itself\n"
    "\n"
    "A SUBMISSION that does not exist is replaced by the one .trace file of its folder, if\n"
    "there is exactly one (Answer.trace for answer.trace); else the report lists the folder.\n"
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
    bool visible_only;
    bool with_quiz;          /* --with-quiz */
    enum grade_vis reveal;   /* --reveal */
    bool reveal_given;
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
        if (!strcmp(a, "--")) { /* the end of the options; grade takes no other word */
            if (i + 1 < argc)
                return grade_error("'%s' is not an option (grade reads the files of --trace, --tests or --answers)",
                                   argv[i + 1]);
            break;
        }
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
        if (!strcmp(a, "--visible-only")) {
            g->visible_only = true;
            continue;
        }
        if (!strcmp(a, "--with-quiz")) {
            g->with_quiz = true;
            continue;
        }
        if (is_opt(a, "--reveal", &n)) {
            if (!(val = value(argc, argv, &i, a, n)))
                return grade_error("%s needs a value", a);
            int k = 0;
            while (k < VIS_COUNT && strcmp(val, grade_vis_names[k]))
                k++;
            if (k == VIS_COUNT)
                return grade_error("--reveal takes visible, after_due_date, after_published or hidden, not '%s'", val);
            g->reveal = (enum grade_vis)k;
            g->reveal_given = true;
            continue;
        }
        if (is_opt(a, "--format", &n)) {
            if (!(val = value(argc, argv, &i, a, n)))
                return grade_error("%s needs a value", a);
            if (!strcmp(val, "text"))
                g->format = GF_TEXT;
            else if (!strcmp(val, "gradescope"))
                g->format = GF_GRADESCOPE;
            else if (!strcmp(val, "tap") || !strcmp(val, "tap13"))
                g->format = GF_TAP;
            else if (!strcmp(val, "tap14"))
                g->format = GF_TAP14;
            else
                return grade_error("--format takes text, gradescope, tap (version 13) or tap14, not '%s'", val);
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
    /* the report written over an input would destroy it */
    if ((g->trace && cli_refuse_overwrite("-o", g->out_path, "the trace", g->trace)) ||
        (g->tests && cli_refuse_overwrite("-o", g->out_path, "the tests file", g->tests)) ||
        (g->answers && cli_refuse_overwrite("-o", g->out_path, "the answers file", g->answers)))
        return 2;
    return 0;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* ---- machines of the tests -------------------------------------------------- */

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

/* flags_machine: the vm_config of the flags a and then b (either may be
 * ""), which an error names as FILE:LINE, the flags of test NAME. 0, or 2
 * after a message */
static int flags_machine(const char *file, uint64_t line, const char *test, const char *fa, const char *fb,
                         struct vm_config *cfg)
{
    char *all = vm_xprintf("%s %s", fa, fb);
    char *words[130];
    int n = split(all, words, 0, 128);
    char where[160];
    snprintf(where, sizeof where, "the flags of test \"%.60s\"", test);
    if (n < 0) {
        free(all);
        fprintf(stderr, "%s:%" PRIu64 ": error: too many words (%s)\n", file, line, where);
        return 2;
    }
    for (int i = 0; i < n; i++) {
        const char *val;
        const struct opt *op = cli_find_opt(words[i], &val);
        if (!op || !vm_option_is(op->name)) { /* the machine's options (options.h) */
            fprintf(stderr, "%s:%" PRIu64 ": error: '%s' is not an option of the machine (%s)\n", file, line,
                    words[i], where);
            free(all);
            return 2;
        }
        if (op->takes_value && !val)
            i++;
    }
    words[n++] = (char *)"-";
    struct cli c;
    char msg[512];
    cli_error_keep(msg, sizeof msg); /* the message names this line */
    int r = cli_parse_run(n, words, &c);
    if (!r)
        r = cli_machine(&c);
    cli_error_keep(NULL, 0);
    free(all);
    if (r) {
        fprintf(stderr, "%s:%" PRIu64 ": error: %s (%s)\n", file, line, msg, where);
        return 2;
    }
    *cfg = c.o.cfg;
    return 0;
}

/* test_machine: the vm_config of the suite's flags and then the test's: the
 * suite's alone first, so that an error in them names their own line */
static int test_machine(const struct grade_suite *s, const struct grade_test *t, struct vm_config *cfg)
{
    if (*s->flags && flags_machine(s->name, s->flags_line, t->name, s->flags, "", cfg))
        return 2;
    return flags_machine(s->name, *t->flags ? t->line : s->flags_line, t->name, s->flags, t->flags, cfg);
}

static const char *base_name(const char *path);

/* the files of the folder that holds path (its names sorted), or -1 when it
 * cannot be read */
static int folder_files(const char *path, char ***names, size_t *n)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? vm_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : vm_xstrndup(".", 1);
    DIR *d = opendir(dir);
    free(dir);
    *names = NULL;
    *n = 0;
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        *names = vm_xrealloc(*names, (*n + 1) * sizeof **names);
        (*names)[(*n)++] = vm_xstrndup(e->d_name, strlen(e->d_name));
    }
    closedir(d);
    if (*n)
        qsort(*names, *n, sizeof **names, cmp_name);
    return 0;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static bool is_trace_name(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && !strcasecmp(name + n - 6, ".trace");
}

/* submission_path: the file to grade: path, or when path does not exist and
 * its folder holds exactly one .trace file (Answer.trace for answer.trace),
 * that one, with a note saying so (a new string) */
static char *submission_path(const char *path, char *note, size_t notelen)
{
    struct stat st;
    char **names;
    size_t n, ntrace = 0, which = 0;
    if (!strcmp(path, "-") || stat(path, &st) == 0 || errno != ENOENT || folder_files(path, &names, &n))
        return vm_xstrndup(path, strlen(path));
    for (size_t i = 0; i < n; i++)
        if (is_trace_name(names[i])) {
            ntrace++;
            which = i;
        }
    char *chosen;
    if (ntrace == 1) {
        const char *slash = strrchr(path, '/');
        size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
        size_t nl = strlen(names[which]);
        chosen = vm_xmalloc(dl + nl + 1);
        memcpy(chosen, path, dl);
        memcpy(chosen + dl, names[which], nl + 1);
        snprintf(note, notelen, "note: there is no %s; %s, the only .trace file beside it, is graded instead",
                 base_name(path), names[which]);
    } else {
        chosen = vm_xstrndup(path, strlen(path));
    }
    free_names(names, n);
    return chosen;
}

/* folder_listing: when path does not exist, what its folder holds, after
 * the message in err */
static void folder_listing(const char *path, char *err, size_t errlen)
{
    struct stat st;
    char **names;
    size_t n;
    if (!strcmp(path, "-") || stat(path, &st) == 0 || errno != ENOENT || folder_files(path, &names, &n))
        return;
    size_t k = strlen(err);
    if (!n)
        snprintf(err + k, errlen - k, " (its folder is empty)");
    for (size_t i = 0; i < n && k < errlen; i++) {
        k += (size_t)snprintf(err + k, errlen - k, "%s%s", i ? ", " : " (its folder holds: ", names[i]);
        if (i == 19 && n > 20) {
            k += (size_t)snprintf(err + k, k < errlen ? errlen - k : 0, " and %zu more", n - 20);
            break;
        }
    }
    if (n && k < errlen)
        snprintf(err + k, errlen - k, ")");
    free_names(names, n);
}

static const char *base_name(const char *path)
{
    if (!strcmp(path, "-"))
        return TRACE_STDIN_NAME;
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* ---- the two forms -------------------------------------------------------------- */

/* add_output: a line said once, before the tests */
static void add_output(struct grade_report *r, const char *line)
{
    size_t a = r->output ? strlen(r->output) : 0, b = strlen(line);
    r->output = vm_xrealloc(r->output, a + b + 2);
    memcpy(r->output + a, line, b);
    memcpy(r->output + a + b, "\n", 2);
}

static int grade_tests(struct grade_cli *g, struct grade_report *r)
{
    char err[600];
    char *tbuf, *sbuf;
    size_t tlen, slen;
    if (g->nrest)
        return grade_error("'%s' is not an option of grade --tests", g->rest[0]);
    if (g->reveal_given || g->with_quiz)
        return grade_error("%s is for grade --answers", g->with_quiz ? "--with-quiz" : "--reveal");
    if (!g->trace || !g->tests)
        return grade_error("%s", "give both --trace SUBMISSION and --tests TESTS");
    if (grade_read_file(g->tests, GRADE_MAX_TESTS_SIZE, "a TESTS file's bound", &tbuf, &tlen, err, sizeof err)) {
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
    if (s.warnings)
        fputs(s.warnings, stderr);
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
            const struct grade_test *t = &s.tests[i]; /* the line of the flags that made its machine */
            fprintf(stderr, "%s:%" PRIu64 ": error: test \"%s\" has %" PRIu32 " frames, more than %" PRIu64 " (--max-frames)\n",
                    s.name, *t->flags || !s.flags_line ? t->line : s.flags_line, t->name, cfgs[i].frames,
                    g->lim.max_frames);
            free(cfgs);
            grade_suite_free(&s);
            return 2;
        }
    }
    if (g->visible_only) {
        size_t left[VIS_COUNT] = {0}, nleft = grade_suite_visible_only(&s, left);
        if (nleft) {
            char line[200];
            int k = snprintf(line, sizeof line, "%zu test%s not run here (--visible-only):", nleft,
                             nleft == 1 ? "" : "s");
            bool first = true;
            for (int v = 1; v < VIS_COUNT && k > 0 && (size_t)k < sizeof line; v++)
                if (left[v]) {
                    k += snprintf(line + k, sizeof line - (size_t)k, "%s %zu %s", first ? "" : ",", left[v],
                                  grade_vis_names[v]);
                    first = false;
                }
            add_output(r, line);
        }
    }
    char note[600] = "";
    char *path = submission_path(g->trace, note, sizeof note);
    const char *subname = base_name(path);
    size_t tl = strlen(subname) + strlen(s.name) + 32;
    r->title = vm_xmalloc(tl);
    snprintf(r->title, tl, "%s graded with %s", subname, s.name);
    if (*note)
        add_output(r, note);
    if (grade_read_file(path, g->lim.max_size, "--max-size", &sbuf, &slen, err, sizeof err)) {
        /* the submission cannot be had: every test scores 0; a missing one lists its folder */
        folder_listing(path, err, sizeof err);
        add_output(r, err);
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
    free(path);
    free(cfgs);
    grade_suite_free(&s);
    return 0;
}

/* the ARG lines of an answers file ("ARG seed 3", as vmsim quiz prints
 * them), as quiz options: "--seed" "3" */
struct arg_lines {
    char **words; /* 2 per line */
    uint64_t *line;
    int n;        /* lines */
};

static void arg_lines_free(struct arg_lines *a)
{
    for (int k = 0; k < 2 * a->n; k++)
        free(a->words[k]);
    free(a->words);
    free(a->line);
}

/* the most different names the ARG lines of a file may give (a quiz has
 * fewer options) */
#define ARG_MAX_NAMES 64

/* read_args: the ARG lines of buf, a name given again replaced by its last
 * line. 0, or 2 after a message */
static int read_args(const char *name, const char *buf, size_t len, struct arg_lines *a)
{
    memset(a, 0, sizeof *a);
    size_t pos = 0;
    uint64_t line = 0;
    while (pos < len) {
        const char *ls = buf + pos, *nl = memchr(ls, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - ls) : len - pos;
        pos += ll + (nl != NULL);
        line++;
        if (!quiz_arg_line(ls, ll))
            continue;
        /* its bytes are printable ASCII, as vmsim quiz prints them: no
         * message or report then shows a student's control bytes raw */
        for (size_t i = 0; i < ll; i++) {
            unsigned char c = (unsigned char)ls[i];
            if ((c < 0x20 && c != '\t' && !(c == '\r' && i + 1 == ll)) || c > 0x7e) {
                fprintf(stderr, "%s:%" PRIu64 ": error: an ARG line holds the byte 0x%02x: ARG lines are as vmsim "
                                "quiz prints them, in plain ASCII\n",
                        name, line, c);
                arg_lines_free(a);
                return 2;
            }
        }
        /* ARG NAME VALUE: three words */
        const char *w[4];
        size_t wl[4];
        int nw = 0;
        for (size_t i = 0; i < ll && nw < 4;) {
            while (i < ll && (ls[i] == ' ' || ls[i] == '\t' || ls[i] == '\r'))
                i++;
            if (i == ll)
                break;
            w[nw] = ls + i;
            while (i < ll && ls[i] != ' ' && ls[i] != '\t' && ls[i] != '\r')
                i++;
            wl[nw] = (size_t)(ls + i - w[nw]);
            nw++;
        }
        if (nw != 3 || wl[1] > 40 || wl[2] > 512) { /* a reference string may be long */
            fprintf(stderr, "%s:%" PRIu64 ": error: an ARG line is ARG NAME VALUE, as vmsim quiz prints it\n",
                    name, line);
            arg_lines_free(a);
            return 2;
        }
        /* a name given again: the last line of it counts, in the place of its line */
        for (int k = 0; k < a->n; k++)
            if (strlen(a->words[2 * (size_t)k]) == wl[1] + 2 && !memcmp(a->words[2 * (size_t)k] + 2, w[1], wl[1])) {
                free(a->words[2 * (size_t)k]);
                free(a->words[2 * (size_t)k + 1]);
                memmove(&a->words[2 * (size_t)k], &a->words[2 * (size_t)k + 2],
                        (size_t)(2 * (a->n - k - 1)) * sizeof *a->words);
                memmove(&a->line[k], &a->line[k + 1], (size_t)(a->n - k - 1) * sizeof *a->line);
                a->n--;
                break;
            }
        if (a->n == ARG_MAX_NAMES) {
            fprintf(stderr, "%s:%" PRIu64 ": error: more than %d different ARG names: a quiz has fewer options\n",
                    name, line, ARG_MAX_NAMES);
            arg_lines_free(a);
            return 2;
        }
        a->words = vm_xrealloc(a->words, (size_t)(2 * a->n + 2) * sizeof *a->words);
        a->line = vm_xrealloc(a->line, (size_t)(a->n + 1) * sizeof *a->line);
        size_t k = 2 * (size_t)a->n;
        a->words[k] = vm_xmalloc(wl[1] + 3);
        snprintf(a->words[k], wl[1] + 3, "--%.*s", (int)wl[1], w[1]);
        a->words[k + 1] = vm_xstrndup(w[2], wl[2]);
        a->line[a->n++] = line;
    }
    return 0;
}

/* arg_value: the value of `ARG name` in a quiz's ARG lines, or NULL */
static const char *arg_value(const char *args, const char *name, size_t *len)
{
    size_t n = strlen(name);
    for (const char *p = args; p && *p;) {
        if (!strncmp(p, "ARG ", 4) && !strncmp(p + 4, name, n) && p[4 + n] == ' ') {
            const char *v = p + 5 + n;
            *len = strcspn(v, "\n");
            return v;
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    return NULL;
}

/* make_quiz: the quiz of these options, made under the grader's limits
 * (lim, or NULL: none); with check_only, only the options are checked
 * (nothing to free). 0, or 2 after a message */
static int make_quiz(int argc, char **argv, const struct grade_limits *lim, bool check_only, struct cli_quiz *q,
                     struct quiz *qz)
{
    char err[512];
    if (cli_quiz_options(argc, argv, q))
        return 2;
    if (q->answers)
        return grade_error("%s", "-c is an option of vmsim quiz");
    q->o.check_only = check_only;
    if (lim) {
        q->o.cfg.lim.max_memory = lim->lim.max_memory;
        /* one budget for every quiz made here: what is left of --timeout */
        double left = lim->cpu_seconds - (double)clock() / CLOCKS_PER_SEC;
        q->o.cpu_seconds = lim->cpu_seconds > 0 ? (left > 0 ? left : 1e-9) : 0;
    }
    if (quiz_make(&q->o, qz, err, sizeof err))
        return grade_error("%s", err);
    return 0;
}

/* quiz_events: the events the options of q ask for (0: not given) */
static uint64_t quiz_events(const struct cli_quiz *q)
{
    const char *v;
    uint64_t n;
    const char *why;
    if (!gen_opts_get(&q->o.gen, "events", &v) || !v || number_parse(v, strlen(v), 0, &n, &why))
        return 0;
    return n;
}

/* arg_argv: the words of the ARG lines as quiz options, after the command
 * line's --profile (prof, or NULL) when it gives one: the lines are read
 * over the command line's profile, unless they name their own (a later
 * --profile wins). *base: the words before the lines' (0 or 2). The array
 * is the caller's to free; its words are a's and prof. */
static char **arg_argv(const struct arg_lines *a, const char *prof, int *base)
{
    char **argv = vm_xcalloc(2 * (size_t)a->n + 3, sizeof *argv);
    *base = 0;
    if (prof) {
        argv[(*base)++] = (char *)"--profile";
        argv[(*base)++] = (char *)prof;
    }
    for (int k = 0; k < 2 * a->n; k++)
        argv[*base + k] = a->words[k];
    return argv;
}

/* agree: every ARG line of the answers file says what the options given on
 * the command line say (compared as the quiz writes them). 0, or 2 after a
 * message */
static int agree(const char *name, const struct arg_lines *a, const char *prof, const struct quiz *qz,
                 const struct grade_limits *lim)
{
    if (!a->n)
        return 0;
    struct cli_quiz q;
    struct quiz own;
    int base;
    char **argv = arg_argv(a, prof, &base); /* as args_alone reads them */
    int made = make_quiz(base + 2 * a->n, argv, lim, false, &q, &own);
    free(argv);
    if (made) {
        fprintf(stderr, "vmsim: (in the ARG lines of %s)\n", name);
        return 2;
    }
    int status = 0;
    for (int k = 0; k < a->n && !status; k++) {
        size_t la, lb;
        const char *arg = a->words[2 * (size_t)k] + 2;
        const char *va = arg_value(own.args, arg, &la), *vb = arg_value(qz->args, arg, &lb);
        if (va && vb && (la != lb || memcmp(va, vb, la))) {
            fprintf(stderr,
                    "%s:%" PRIu64 ": error: ARG %s %.*s, but the command line makes it %.*s: these answers "
                    "are to another quiz (leave the option out, or make it agree)\n",
                    name, a->line[k], arg, (int)la, va, (int)lb, vb);
            status = 2;
        }
    }
    quiz_free(&own);
    return status;
}

/* args_alone: do the ARG lines, over the command line's --profile (prof,
 * or NULL), make a quiz, of at most lim->lim.max_events events? When they do
 * not, the error names the first line that, with those above it, makes none
 * (an option's bad value, or one that clashes with an earlier line). Only
 * the options are checked, which is cheap, and a file has at most
 * ARG_MAX_NAMES lines here (read_args). 0, or 2 after a message */
static int args_alone(const char *name, const struct arg_lines *a, const char *prof, const struct grade_limits *lim)
{
    char msg[512];
    struct cli_quiz q;
    struct quiz qz;
    if (!a->n)
        return 0;
    int base;
    char **argv = arg_argv(a, prof, &base);
    int bad = 0; /* the line to name (1-based), 0: none */
    cli_error_keep(msg, sizeof msg);
    for (int k = 1; k <= a->n && !bad; k++) {
        if (make_quiz(base + 2 * k, argv, NULL, true, &q, &qz))
            bad = k;
        else if (lim->lim.max_events && !strcmp(a->words[2 * (size_t)k - 2], "--events") &&
                 quiz_events(&q) > lim->lim.max_events) {
            snprintf(msg, sizeof msg, "ARG events %s is more than the grader takes (--max-events %" PRIu64 ")",
                     a->words[2 * (size_t)k - 1], lim->lim.max_events);
            bad = k;
        }
    }
    cli_error_keep(NULL, 0);
    free(argv);
    if (!bad)
        return 0;
    fprintf(stderr, "%s:%" PRIu64 ": error: %s\n", name, a->line[bad - 1], msg);
    return 2;
}

/* cli_profile: the --profile of the command line's quiz options, or NULL */
static const char *cli_profile(char **rest, int n)
{
    const char *p = NULL;
    for (int k = 0; k < n; k++)
        if (!strncmp(rest[k], "--profile=", 10))
            p = rest[k] + 10;
        else if (!strcmp(rest[k], "--profile") && k + 1 < n)
            p = rest[++k];
    return p;
}

static int grade_answers(struct grade_cli *g, struct grade_report *r)
{
    if (g->trace || g->tests)
        return grade_error("%s", "--answers grades a quiz: give no --trace or --tests with it");
    char *buf = NULL;
    size_t len = 0;
    char err[512];
    const char *name = base_name(g->answers);
    bool unread = grade_read_file(g->answers, g->lim.max_size, "--max-size", &buf, &len, err, sizeof err) != 0;
    /* a UTF-8 byte order mark (some editors write one) is not text */
    const char *answers = buf ? buf : "";
    if (len >= 3 && !memcmp(answers, "\xef\xbb\xbf", 3)) {
        answers += 3;
        len -= 3;
    }
    /* the options: the answers file's ARG lines, then the command line's */
    struct arg_lines a;
    if (read_args(name, answers, len, &a)) {
        free(buf);
        return 2;
    }
    if (args_alone(name, &a, cli_profile(g->rest, g->nrest), &g->lim)) {
        arg_lines_free(&a);
        free(buf);
        return 2;
    }
    int argc = 2 * a.n + g->nrest;
    char **argv = vm_xcalloc((size_t)argc + 1, sizeof *argv);
    for (int k = 0; k < 2 * a.n; k++)
        argv[k] = a.words[k];
    for (int k = 0; k < g->nrest; k++)
        argv[2 * a.n + k] = g->rest[k];
    struct cli_quiz q;
    struct quiz qz;
    /* the quiz within the grader's limits: its events, then memory and time as it is made */
    int status = make_quiz(argc, argv, NULL, true, &q, &qz);
    if (!status && g->lim.lim.max_events && quiz_events(&q) > g->lim.lim.max_events) {
        fprintf(stderr, "vmsim: error: a quiz of %" PRIu64 " events is more than the grader takes (--max-events %" PRIu64
                        ")\n", quiz_events(&q), g->lim.lim.max_events);
        status = 2;
    }
    if (!status)
        status = make_quiz(argc, argv, &g->lim, false, &q, &qz);
    free(argv);
    if (status && a.n)
        fprintf(stderr, "vmsim: (the quiz's options are the ARG lines of %s, then the command line's)\n", name);
    if (!status && g->nrest && agree(name, &a, cli_profile(g->rest, g->nrest), &qz, &g->lim)) {
        quiz_free(&qz);
        status = 2;
    }
    arg_lines_free(&a);
    if (status) {
        free(buf);
        return status;
    }
    /* the title names every option of the quiz: the command that makes it */
    char *cmd = quiz_command(&qz);
    size_t tl = strlen(name) + strlen(cmd) + 32;
    r->title = vm_xmalloc(tl);
    snprintf(r->title, tl, "%s graded against %s", name, cmd);
    free(cmd);
    if (unread) {
        folder_listing(g->answers, err, sizeof err);
        quiz_grade(&qz, name, "", 0, g->reveal, r);
        free(r->output);
        r->output = vm_xstrndup(err, strlen(err));
    } else {
        quiz_grade(&qz, name, answers, len, g->reveal, r);
    }
    if (g->with_quiz) { /* the quiz itself first, for a student who has only the report */
        char *text = NULL;
        size_t tlen = 0;
        FILE *f = open_memstream(&text, &tlen);
        if (f) {
            quiz_write(f, &qz, false);
            fflush(f);
            /* not its last line, which says how to print the answers */
            const char *hint = "\n(vmsim quiz with the same options and -c prints the answers.)\n";
            if (tlen >= strlen(hint) && !strcmp(text + tlen - strlen(hint), hint))
                fseeko(f, -(off_t)strlen(hint) + 1, SEEK_END);
            fprintf(f, "Answer each question on a line of your answers file (Q1: ANSWER), below the ARG\n"
                       "lines above.\n\n");
            if (r->output)
                fputs(r->output, f);
            fclose(f);
            free(r->output);
            r->output = text;
        }
    }
    free(buf);
    quiz_free(&qz);
    return 0;
}

int cli_grade(int argc, char **argv)
{
    if (cli_asks_help(argc, argv)) {
        fputs(cli_grade_usage, stdout);
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
    if (g.out_path && !strcmp(g.out_path, "-")) /* -o -: standard output, as without -o */
        g.out_path = NULL;
    if (g.out_path && !(out = fopen(g.out_path, "w"))) {
        fprintf(stderr, "vmsim: error: cannot write %s: %s\n", g.out_path, strerror(errno));
        grade_report_free(&r);
        return 2;
    }
    grade_write(out, &r, g.format);
    double score, max;
    size_t passed;
    grade_report_totals(&r, &score, &max, &passed);
    size_t tests = grade_report_count(&r);
    bool bad;
    if (out != stdout)
        bad = fclose(out) != 0;
    else
        bad = fflush(out) != 0 || ferror(out);
    if (bad) {
        fprintf(stderr, "vmsim: error: cannot write %s\n", g.out_path ? g.out_path : "the report");
        st = 2;
    } else {
        st = passed == tests ? 0 : 1;
    }
    grade_report_free(&r);
    return st;
}
