/* grade.c -- grading a trace against a TESTS file, and writing any grade
 * report as text, Gradescope JSON or TAP version 13 or 14 (see grade.h).
 *
 * The submission runs through the library's run loop, with an observer
 * that checks the tests' expects at each `mark` (and at the end), notes
 * skipped events, and stops a run that has used its share of processor
 * time. `show` output and the student's own expectation messages are not
 * wanted.
 */
#include "vmsim/grade.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utstring.h>

#include "vmsim/engine.h"
#include "vmsim/query.h"
#include "vmsim/runner.h"
#include "vmsim/trace.h"
#include "vmsim/util.h"

const char *const grade_vis_names[VIS_COUNT] = {"visible", "after_published", "after_due_date", "hidden"};

/* ---- strings ---------------------------------------------------------------- */

/* a growing string: utstring underneath (zero-initialised = empty); the
 * helpers make sure it has a buffer before utstring writes into it */
struct sbuf {
    UT_string u;
};

static void sb_ready(struct sbuf *b)
{
    if (!b->u.d) {
        utstring_reserve(&b->u, 64); /* exits when out of memory: d is set after it */
        b->u.d[0] = 0; // NOLINT(clang-analyzer-core.NullDereference)
    }
}

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    sb_ready(b);
    utstring_bincpy(&b->u, s, n);
}

static void sb_puts(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    sb_ready(b);
    va_start(ap, fmt);
    utstring_printf_va(&b->u, fmt, ap);
    va_end(ap);
}

static size_t sb_len(const struct sbuf *b) { return b->u.d ? utstring_len(&b->u) : 0; }
static const char *sb_str(const struct sbuf *b) { return b->u.d ? utstring_body(&b->u) : NULL; }
static void sb_free(struct sbuf *b) { utstring_done(&b->u); }

/* sb_take: the string, the caller's to free (never NULL); b is empty again */
static char *sb_take(struct sbuf *b)
{
    sb_ready(b);
    char *s = b->u.d;
    memset(b, 0, sizeof *b);
    return s;
}

char *grade_sanitize(const char *s, size_t len)
{
    struct sbuf b = {0};
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t run = i;
        /* u is the caller's text, which the string being built never aliases */
        // NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult)
        while (run < len && ((u[run] >= 0x20 && u[run] < 0x7f) || u[run] == '\n' || u[run] == '\t'))
            run++;
        if (run > i) {
            sb_add(&b, s + i, run - i);
            i = run;
            continue;
        }
        size_t n = u[i] >= 0x80 ? vm_utf8_len(u + i, len - i) : 0;
        if (n) {
            sb_add(&b, s + i, n);
            i += n;
        } else {
            sb_printf(&b, "\\x%02x", u[i]);
            i++;
        }
    }
    return sb_take(&b);
}

void grade_format_points(double v, char *buf, size_t len)
{
    double r = round(v * 1e6) / 1e6;
    r = fabs(r) < 1e-9 ? 0.0 : r; /* no "-0" */
    snprintf(buf, len, "%.10g", r);
}

/* ---- reports ---------------------------------------------------------------- */

struct grade_item *grade_report_add(struct grade_report *r, const char *name, double max_score, enum grade_vis vis)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->items = vm_xrealloc(r->items, r->cap * sizeof *r->items);
    }
    struct grade_item *it = &r->items[r->n++];
    memset(it, 0, sizeof *it);
    it->name = vm_xstrndup(name, strlen(name));
    it->max_score = max_score;
    it->vis = vis;
    it->output = vm_xstrndup("", 0);
    return it;
}

void grade_report_free(struct grade_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].name);
        free(r->items[i].output);
    }
    free(r->items);
    free(r->title);
    free(r->output);
    memset(r, 0, sizeof *r);
}

void grade_report_totals(const struct grade_report *r, double *score, double *max_score, size_t *passed)
{
    *score = *max_score = 0;
    *passed = 0;
    for (size_t i = 0; i < r->n; i++) {
        *score += r->items[i].score;
        *max_score += r->items[i].max_score;
        *passed += r->items[i].passed && !r->items[i].info;
    }
}

size_t grade_report_count(const struct grade_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += !r->items[i].info;
    return n;
}

static void json_string(FILE *out, const char *s)
{
    char *safe = grade_sanitize(s, strlen(s));
    fputc('"', out);
    for (const char *p = safe; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            fputc(*p, out);
            break;
        }
    }
    fputc('"', out);
    free(safe);
}

/* summary_line: "score: 5/7 (2 of 3 tests passed)" */
static void summary_line(const struct grade_report *r, char *buf, size_t len)
{
    double score, max;
    size_t passed;
    char a[32], b[32];
    grade_report_totals(r, &score, &max, &passed);
    grade_format_points(score, a, sizeof a);
    grade_format_points(max, b, sizeof b);
    const char *noun = r->noun ? r->noun : "test";
    size_t n = grade_report_count(r);
    snprintf(buf, len, "score: %s/%s (%zu of %zu %s%s %s)", a, b, passed, n, noun, n == 1 ? "" : "s",
             r->passed ? r->passed : "passed");
}

/* put_lines: each line of s after prefix */
static void put_lines(FILE *out, const char *prefix, const char *s)
{
    char *safe = grade_sanitize(s, strlen(s));
    const char *p = safe;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "%s%.*s\n", prefix, (int)n, p);
        p += n + (nl != NULL);
    }
    free(safe);
}

static void write_text(FILE *out, const struct grade_report *r)
{
    char line[160], a[32], b[32];
    int width = 0;
    if (r->title)
        put_lines(out, "", r->title);
    if (r->output && *r->output)
        put_lines(out, "", r->output);
    for (size_t i = 0; i < r->n; i++) {
        grade_format_points(r->items[i].score, a, sizeof a);
        grade_format_points(r->items[i].max_score, b, sizeof b);
        int w = (int)(strlen(a) + strlen(b) + 1);
        width = w > width ? w : width;
    }
    for (size_t i = 0; i < r->n; i++) {
        const struct grade_item *it = &r->items[i];
        char *name = grade_sanitize(it->name, strlen(it->name));
        grade_format_points(it->score, a, sizeof a);
        grade_format_points(it->max_score, b, sizeof b);
        snprintf(line, sizeof line, "%s/%s", a, b);
        if (it->info)
            fprintf(out, "INFO %*s  %s", width, "", name);
        else
            fprintf(out, "%s %*s  %s", it->passed ? "PASS" : "FAIL", width, line, name);
        if (it->vis != VIS_VISIBLE)
            fprintf(out, " (%s)", grade_vis_names[it->vis]);
        fputc('\n', out);
        put_lines(out, "     ", it->output);
        free(name);
    }
    summary_line(r, line, sizeof line);
    fprintf(out, "%s\n", line);
}

static void write_gradescope(FILE *out, const struct grade_report *r)
{
    char num[32];
    double score, max;
    size_t passed;
    grade_report_totals(r, &score, &max, &passed);
    /* the overall output says no sum: students may see it before the
     * results of hidden tests, which Gradescope shows when it should */
    struct sbuf all = {0};
    if (r->title)
        sb_printf(&all, "%s\n", r->title);
    if (r->output)
        sb_puts(&all, r->output);
    char *overall = sb_take(&all);
    grade_format_points(score, num, sizeof num);
    fprintf(out, "{\n  \"score\": %s,\n  \"output\": ", num);
    json_string(out, overall);
    free(overall);
    fputs(",\n  \"tests\": [", out);
    for (size_t i = 0; i < r->n; i++) {
        const struct grade_item *it = &r->items[i];
        fputs(i ? ",\n    {\n" : "\n    {\n", out);
        fputs("      \"name\": ", out);
        json_string(out, it->name);
        grade_format_points(it->score, num, sizeof num);
        fprintf(out, ",\n      \"score\": %s", num);
        grade_format_points(it->max_score, num, sizeof num);
        fprintf(out, ",\n      \"max_score\": %s", num);
        fprintf(out, ",\n      \"status\": \"%s\"", it->passed ? "passed" : "failed");
        fputs(",\n      \"output\": ", out);
        json_string(out, it->output);
        fprintf(out, ",\n      \"visibility\": \"%s\"\n    }", grade_vis_names[it->vis]);
    }
    fputs(r->n ? "\n  ]\n}\n" : "]\n}\n", out);
}

/* tap_description: the name with '#' and '\' escaped, on one line */
static void tap_description(FILE *out, const char *name)
{
    char *safe = grade_sanitize(name, strlen(name));
    for (const char *p = safe; *p; p++) {
        if (*p == '#' || *p == '\\')
            fputc('\\', out);
        fputc(*p == '\n' || *p == '\t' ? ' ' : *p, out);
    }
    free(safe);
}

/* write_tap: TAP version 13 or 14. The two differ here only in their first
 * line: the YAML blocks are 13's, and '#' is escaped in names as 14 says
 * and as TAP::Parser (prove) reads in 13. */
static void write_tap(FILE *out, const struct grade_report *r, int version)
{
    char num[32], line[160];
    fprintf(out, "TAP version %d\n", version);
    if (r->title)
        put_lines(out, "# ", r->title);
    if (r->output && *r->output)
        put_lines(out, "# ", r->output);
    fprintf(out, "1..%zu\n", grade_report_count(r));
    size_t point = 0;
    for (size_t i = 0; i < r->n; i++) {
        const struct grade_item *it = &r->items[i];
        if (it->info) { /* not a test: comment lines */
            char *name = grade_sanitize(it->name, strlen(it->name));
            fprintf(out, "# %s (%s):\n", name, grade_vis_names[it->vis]);
            put_lines(out, "#   ", it->output);
            free(name);
            continue;
        }
        fprintf(out, "%sok %zu - ", it->passed ? "" : "not ", ++point);
        tap_description(out, it->name);
        fputs("\n  ---\n", out);
        grade_format_points(it->score, num, sizeof num);
        fprintf(out, "  score: %s\n", num);
        grade_format_points(it->max_score, num, sizeof num);
        fprintf(out, "  max_score: %s\n", num);
        fprintf(out, "  visibility: %s\n", grade_vis_names[it->vis]);
        if (*it->output) {
            fputs("  output: |\n", out);
            put_lines(out, "    ", it->output);
        }
        fputs("  ...\n", out);
    }
    summary_line(r, line, sizeof line);
    fprintf(out, "# %s\n", line);
}

void grade_write(FILE *out, const struct grade_report *r, enum grade_format f)
{
    switch (f) {
    case GF_GRADESCOPE:
        write_gradescope(out, r);
        break;
    case GF_TAP:
        write_tap(out, r, 13);
        break;
    case GF_TAP14:
        write_tap(out, r, 14);
        break;
    default:
        write_text(out, r);
        break;
    }
}

/* ---- limits and files ------------------------------------------------------- */

void grade_limits_default(struct grade_limits *l)
{
    memset(l, 0, sizeof *l);
    l->lim.max_events = GRADE_MAX_EVENTS;
    l->lim.max_accesses = GRADE_MAX_ACCESSES;
    l->lim.max_procs = GRADE_MAX_PROCS;
    l->lim.max_vmas = GRADE_MAX_VMAS;
    l->lim.max_memory = GRADE_MAX_MEMORY;
    l->max_line = GRADE_MAX_LINE;
    l->max_size = GRADE_MAX_SIZE;
    l->max_frames = GRADE_MAX_FRAMES;
    l->cpu_seconds = GRADE_CPU_SECONDS;
}

int grade_read_file(const char *path, uint64_t max, const char *limit, char **buf, size_t *len, char *err,
                    size_t errlen)
{
    bool std = !strcmp(path, "-");
    const char *name = std ? TRACE_STDIN_NAME : path;
    FILE *f = std ? stdin : fopen(path, "rb");
    *buf = NULL;
    *len = 0;
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", name, strerror(errno));
        return -1;
    }
    struct sbuf b = {0};
    char chunk[1 << 16];
    int status = 0;
    for (;;) {
        size_t want = sizeof chunk;
        if (max && max - sb_len(&b) + 1 < want) /* read one byte past max, to know */
            want = (size_t)(max - sb_len(&b) + 1);
        size_t n = fread(chunk, 1, want, f);
        if (n)
            sb_add(&b, chunk, n);
        if (max && sb_len(&b) > max) {
            snprintf(err, errlen, "%s is larger than %" PRIu64 " bytes (%s)", name, max, limit);
            status = -1;
            break;
        }
        if (n < want) {
            if (ferror(f)) {
                snprintf(err, errlen, "cannot read %s: %s", name, strerror(errno));
                status = -1;
            }
            break;
        }
    }
    if (!std)
        fclose(f);
    if (status) {
        sb_free(&b);
        return -1;
    }
    *len = sb_len(&b);
    *buf = sb_take(&b);
    return 0;
}

/* ---- TESTS files ------------------------------------------------------------ */

#define MAX_TOKENS 64

struct tok {
    char *s; /* unquoted, owned */
};

/* tokenize: the words of a TESTS line, shell-like: blanks separate words,
 * "..." quotes (with \" and \\), '#' outside quotes starts a comment.
 * Returns the number of words, or -1 with a message. */
static int tokenize(const char *s, size_t len, struct tok *t, int max, const char **why)
{
    int n = 0;
    size_t i = 0;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            i++;
        if (i >= len || s[i] == '#')
            return n;
        if (n == max) {
            *why = "too many words";
            return -1;
        }
        struct sbuf b = {0};
        sb_add(&b, "", 0);
        while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
            if (s[i] == '"') {
                i++;
                while (i < len && s[i] != '"') {
                    if (s[i] == '\\' && i + 1 < len && (s[i + 1] == '"' || s[i + 1] == '\\'))
                        i++;
                    sb_add(&b, s + i, 1);
                    i++;
                }
                if (i >= len) {
                    sb_free(&b);
                    for (int k = 0; k < n; k++)
                        free(t[k].s);
                    *why = "a quote is not closed";
                    return -1;
                }
                i++;
            } else {
                sb_add(&b, s + i, 1);
                i++;
            }
        }
        t[n++].s = sb_take(&b);
    }
}

static void free_tokens(struct tok *t, int n)
{
    for (int k = 0; k < n; k++)
        free(t[k].s);
}

static int parse_points(const char *s, double *out)
{
    const char *p = s;
    size_t digits = 0, frac = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, frac++;
    }
    if (*p || !digits || (frac == 0 && p[-1] == '.') || digits > 7 || frac > 6)
        return -1;
    *out = strtod(s, NULL);
    return 0;
}

static int vis_parse(const char *s, enum grade_vis *v)
{
    for (int k = 0; k < VIS_COUNT; k++)
        if (!strcmp(s, grade_vis_names[k])) {
            *v = (enum grade_vis)k;
            return 0;
        }
    return -1;
}

static int suite_fail(char *err, size_t errlen, const char *name, uint64_t line, const char *fmt, const char *arg)
{
    char msg[300];
    snprintf(msg, sizeof msg, fmt, arg);
    snprintf(err, errlen, "%s:%" PRIu64 ": error: %s", name, line, msg);
    return -1;
}

static char *join_tokens(struct tok *t, int from, int n)
{
    struct sbuf b = {0};
    for (int k = from; k < n; k++) {
        if (k > from)
            sb_add(&b, " ", 1);
        sb_puts(&b, t[k].s);
    }
    return sb_take(&b);
}

/* the test line: test NAME [points=N] [visible|after_due_date|after_published|visibility=W]
 * [flags=...]; *bare_hidden when the word hidden stands alone (it meant after_published
 * before: the caller warns) */
static int parse_test_line(struct grade_test *t, struct tok *w, int n, const char **bad, bool *bare_hidden)
{
    *bare_hidden = false;
    if (n < 2 || !*w[1].s) {
        *bad = "a test needs a name: test \"NAME\" [points=N] [after_published] [flags=\"...\"]";
        return -1;
    }
    t->name = vm_xstrndup(w[1].s, strlen(w[1].s));
    t->points = 1;
    t->vis = VIS_VISIBLE;
    t->flags = vm_xstrndup("", 0);
    for (int k = 2; k < n; k++) {
        const char *a = w[k].s;
        *bad = a;
        if (!strncmp(a, "points=", 7)) {
            *bad = a + 7;
            if (parse_points(a + 7, &t->points))
                return -2;
        } else if (!strcmp(a, "hidden")) {
            t->vis = VIS_HIDDEN;
            *bare_hidden = true;
        } else if (!strncmp(a, "visibility=", 11)) {
            *bad = a + 11;
            if (vis_parse(a + 11, &t->vis))
                return -3;
        } else if (!vis_parse(a, &t->vis)) {
            /* a visibility word alone */
        } else if (!strncmp(a, "flags=", 6)) {
            free(t->flags);
            t->flags = vm_xstrndup(a + 6, strlen(a + 6));
        } else {
            return -4;
        }
    }
    return 0;
}

static void test_free(struct grade_test *t)
{
    free(t->name);
    free(t->flags);
    free(t->hint);
    for (size_t k = 0; k < t->nexpects; k++) {
        free(t->expects[k].text);
        free(t->expects[k].at);
    }
    free(t->expects);
}

size_t grade_suite_visible_only(struct grade_suite *s, size_t left[VIS_COUNT])
{
    size_t k = 0, out = 0;
    for (size_t i = 0; i < s->ntests; i++) {
        if (s->tests[i].vis == VIS_VISIBLE) {
            s->tests[k++] = s->tests[i];
        } else {
            left[s->tests[i].vis]++;
            out++;
            test_free(&s->tests[i]);
        }
    }
    s->ntests = k;
    return out;
}

void grade_suite_free(struct grade_suite *s)
{
    for (size_t i = 0; i < s->ntests; i++)
        test_free(&s->tests[i]);
    free(s->tests);
    free(s->name);
    free(s->flags);
    free(s->warnings);
    memset(s, 0, sizeof *s);
}

int grade_suite_parse(const char *name, const char *buf, size_t len, struct grade_suite *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->name = vm_xstrndup(name, strlen(name));
    s->flags = vm_xstrndup("", 0);
    size_t cap = 0;
    uint64_t line = 0;
    char *at = NULL; /* the current test's `at` label */
    size_t pos = 0;
    int status = 0;
    while (pos < len && !status) {
        const char *ls = buf + pos;
        const char *nl = memchr(ls, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - ls) : len - pos;
        pos += ll + (nl != NULL);
        line++;
        for (size_t k = 0; k < ll; k++)
            if (((unsigned char)ls[k] < 0x20 && ls[k] != '\t' && ls[k] != '\r') || ls[k] == 0x7f) {
                status = suite_fail(err, errlen, name, line, "%s", "a control byte in the line");
                break;
            }
        if (status)
            break;
        struct tok w[MAX_TOKENS];
        const char *why = NULL;
        int n = tokenize(ls, ll, w, MAX_TOKENS, &why);
        if (n < 0) {
            status = suite_fail(err, errlen, name, line, "%s", why);
            break;
        }
        if (n == 0)
            continue;
        struct grade_test *t = s->ntests ? &s->tests[s->ntests - 1] : NULL;
        const char *kw = w[0].s;
        if (!strcmp(kw, "flags")) {
            if (s->ntests)
                status = suite_fail(err, errlen, name, line, "%s",
                                    "the flags line comes before the first test (a test has flags=\"...\")");
            else if (*s->flags)
                status = suite_fail(err, errlen, name, line, "%s", "one flags line only");
            else {
                free(s->flags);
                s->flags = join_tokens(w, 1, n);
                s->flags_line = line;
            }
        } else if (!strcmp(kw, "test")) {
            if (s->ntests == cap) {
                cap = cap ? 2 * cap : 8;
                s->tests = vm_xrealloc(s->tests, cap * sizeof *s->tests);
            }
            t = &s->tests[s->ntests++];
            memset(t, 0, sizeof *t);
            t->line = line;
            free(at);
            at = NULL;
            const char *bad = NULL;
            bool bare_hidden;
            int r = parse_test_line(t, w, n, &bad, &bare_hidden);
            if (r == 0 && bare_hidden) {
                char msg[400];
                snprintf(msg, sizeof msg,
                         "%s:%" PRIu64 ": warning: 'hidden' now means Gradescope's hidden, never shown to students "
                         "(it used to mean after_published): write after_published for a test shown once the "
                         "grades are published, or visibility=hidden to keep it hidden without this warning\n",
                         name, line);
                size_t a = s->warnings ? strlen(s->warnings) : 0;
                s->warnings = vm_xrealloc(s->warnings, a + strlen(msg) + 1);
                memcpy(s->warnings + a, msg, strlen(msg) + 1);
            }
            if (r == -1)
                status = suite_fail(err, errlen, name, line, "%s", bad);
            else if (r == -2)
                status = suite_fail(err, errlen, name, line, "bad points '%s' (a number such as 5 or 2.5)", bad);
            else if (r == -3)
                status = suite_fail(err, errlen, name, line,
                                    "bad '%s' (visibility is visible, after_due_date, after_published or hidden)", bad);
            else if (r == -4)
                status = suite_fail(err, errlen, name, line,
                                    "unknown '%s' (a test line takes points=N, after_published, visibility=WORD, "
                                    "flags=\"...\")",
                                    bad);
            for (size_t k = 0; !status && k + 1 < s->ntests; k++)
                if (!strcmp(s->tests[k].name, t->name))
                    status = suite_fail(err, errlen, name, line, "a second test called \"%s\"", t->name);
        } else if (!t) {
            status = suite_fail(err, errlen, name, line, "'%s' before the first test line", kw);
        } else if (!strcmp(kw, "expect")) {
            t->expects = vm_xrealloc(t->expects, (t->nexpects + 1) * sizeof *t->expects);
            struct grade_expect *e = &t->expects[t->nexpects++];
            /* the line as written: the trace parser reads it again */
            size_t b = 0;
            while (ls[b] == ' ' || ls[b] == '\t')
                b++;
            e->text = vm_xstrndup(ls + b, ll - b);
            e->at = at ? vm_xstrndup(at, strlen(at)) : NULL;
            e->line = line;
        } else if (!strcmp(kw, "at")) {
            free(at);
            at = NULL;
            if (n != 2)
                status = suite_fail(err, errlen, name, line, "%s", "at takes one word: at LABEL, or at end");
            else if (strcmp(w[1].s, "end"))
                at = vm_xstrndup(w[1].s, strlen(w[1].s));
        } else if (!strcmp(kw, "hint")) {
            char *h = join_tokens(w, 1, n);
            if (t->hint) {
                size_t a = strlen(t->hint), c = strlen(h);
                t->hint = vm_xrealloc(t->hint, a + c + 2);
                t->hint[a] = '\n';
                memcpy(t->hint + a + 1, h, c + 1);
                free(h);
            } else {
                t->hint = h;
            }
        } else {
            status = suite_fail(err, errlen, name, line,
                                "unknown line '%s' (a TESTS file has flags, test, expect, at and hint lines)", kw);
        }
        free_tokens(w, n);
    }
    free(at);
    if (!status && !s->ntests)
        status = suite_fail(err, errlen, name, line ? line : 1, "%s", "no test in the file");
    if (status)
        grade_suite_free(s);
    return status;
}

/* ---- checking expects ------------------------------------------------------- */

/* expect_eval: parses e's line for the arch and evaluates it on vm. 0 with
 * *passed, the query as written in q and the actual value; -1 with a
 * message in msg when the line is not a valid expect there. */
static int expect_eval(struct vm *vm, const struct grade_expect *e, bool *passed, char *q, size_t qlen, char *actual,
                       size_t alen, char *msg, size_t msglen)
{
    struct trace_reader *tr = trace_open_mem(e->text, strlen(e->text), "tests", vm->arch);
    struct ev ev;
    int k = trace_next(tr, &ev);
    int status = 0;
    if (k < 0) {
        snprintf(msg, msglen, "%s", trace_error(tr));
        status = -1;
    } else if (k == 0 || ev.op != EV_EXPECT) {
        snprintf(msg, msglen, "%s", "not an expect line");
        status = -1;
    } else {
        snprintf(q, qlen, "%.*s", (int)ev.qtext.len, ev.qtext.s);
        if (vm_expect(vm, &ev, passed, actual, alen)) {
            snprintf(msg, msglen, "%s", vm->err);
            vm->stop = STOP_NONE;
            status = -1;
        }
    }
    trace_close(tr);
    return status;
}

int grade_test_check(const struct grade_suite *s, const struct grade_test *t, const struct vm_config *cfg, char *err,
                     size_t errlen)
{
    struct vm_config c = *cfg;
    c.frames = 1; /* the checks need no memory */
    struct vm *vm = vm_new(&c);
    if (!vm) {
        snprintf(err, errlen, "%s:%" PRIu64 ": error: cannot make the machine", s->name, t->line);
        return -1;
    }
    int status = 0;
    for (size_t k = 0; k < t->nexpects && !status; k++) {
        bool passed;
        char q[256], actual[64], msg[300];
        if (expect_eval(vm, &t->expects[k], &passed, q, sizeof q, actual, sizeof actual, msg, sizeof msg)) {
            snprintf(err, errlen, "%s:%" PRIu64 ": error: %s", s->name, t->expects[k].line, msg);
            status = -1;
        }
    }
    vm_free(vm);
    return status;
}

/* ---- running a submission --------------------------------------------------- */

static bool same_machine(const struct vm_config *a, const struct vm_config *b)
{
    return !strcmp(a->arch.name, b->arch.name) && a->arch.va_bits == b->arch.va_bits &&
           a->arch.page_shift == b->arch.page_shift && a->arch.levels == b->arch.levels && a->frames == b->frames &&
           a->fork == b->fork && a->zero_page == b->zero_page && a->lazy_fork == b->lazy_fork &&
           a->pt_frames == b->pt_frames && a->oom == b->oom && a->fault_around == b->fault_around &&
           a->exclusive_reuse == b->exclusive_reuse && a->anon_vma == b->anon_vma &&
           !memcmp(a->cost.ns, b->cost.ns, sizeof a->cost.ns);
}

enum { E_PENDING, E_PASSED, E_FAILED };

struct eres {
    int state;
    char query[256];
    char actual[64];
};

/* one run: the tests that share its machine and their expects' results */
struct grun {
    const struct grade_suite *s;
    size_t *tests; /* indexes into s->tests */
    size_t ntests;
    struct eres **res; /* per test, per expect */
    char error[600];   /* the error that stopped the run, if any */
    struct sbuf notes; /* skipped-event warnings (the first few) */
    unsigned nnotes;
};

#define GRADE_MAX_NOTES 3

/* check_at: evaluates the pending expects at label (NULL: the end) */
static void check_at(struct grun *g, struct vm *vm, const char *label, size_t len)
{
    for (size_t i = 0; i < g->ntests; i++) {
        const struct grade_test *t = &g->s->tests[g->tests[i]];
        for (size_t k = 0; k < t->nexpects; k++) {
            const struct grade_expect *e = &t->expects[k];
            struct eres *r = &g->res[i][k];
            if (r->state != E_PENDING)
                continue;
            if (label ? !e->at || strlen(e->at) != len || memcmp(e->at, label, len) : e->at != NULL)
                continue;
            bool passed = false;
            char msg[300];
            if (expect_eval(vm, e, &passed, r->query, sizeof r->query, r->actual, sizeof r->actual, msg, sizeof msg))
                snprintf(r->actual, sizeof r->actual, "%.60s", msg); /* checked before: cannot happen */
            r->state = passed ? E_PASSED : E_FAILED;
        }
    }
}

static double cpu_now(void) { return (double)clock() / CLOCKS_PER_SEC; }

/* the run loop's observer for one submission */
struct gwatch {
    struct grun *g;
    const char *subname;
    const struct grade_limits *lim;
    double start;
    uint64_t lines;
};

/* over_time: checked every 16 lines; -1 with the error when the run took
 * more than its share of processor time */
static int over_time(struct gwatch *w, struct vm *vm)
{
    if (w->lim->cpu_seconds > 0 && (++w->lines & 15) == 0 && cpu_now() - w->start > w->lim->cpu_seconds)
        return vm_error(vm, "the run took more than %g s of processor time (--timeout)", w->lim->cpu_seconds);
    return 0;
}

static int watch_end(void *ctx, struct vm *vm, const struct ev *ev, int res)
{
    struct gwatch *w = ctx;
    struct grun *g = w->g;
    if (res && g->nnotes++ < GRADE_MAX_NOTES)
        sb_printf(&g->notes, "note: %s:%" PRIu64 ": event skipped: %s\n", w->subname, ev->line, vm->err);
    return over_time(w, vm);
}

static int watch_directive(void *ctx, struct vm *vm, const struct ev *ev, bool passed, const char *actual)
{
    struct gwatch *w = ctx;
    (void)passed; /* the student's own expects must be valid; their results are theirs */
    (void)actual;
    if (ev->op == EV_MARK)
        check_at(w->g, vm, ev->name.s, ev->name.len);
    return over_time(w, vm);
}

static void watch_error(void *ctx, struct vm *vm, uint64_t line, const char *msg)
{
    struct gwatch *w = ctx;
    (void)vm;
    snprintf(w->g->error, sizeof w->g->error, "%s:%" PRIu64 ": error: %s", w->subname, line, msg);
}

static void run_submission(struct grun *g, const struct vm_config *cfg0, const char *subname, const char *sub,
                           size_t len, const struct grade_limits *lim)
{
    struct run_opts o;
    run_opts_default(&o);
    o.cfg = *cfg0;
    o.cfg.lim = lim->lim;
    if (lim->max_frames && o.cfg.frames > lim->max_frames) {
        snprintf(g->error, sizeof g->error, "the machine of this test has %" PRIu32 " frames, more than %" PRIu64
                 " (--max-frames)", o.cfg.frames, lim->max_frames);
        return;
    }
    struct gwatch w = {.g = g, .subname = subname, .lim = lim, .start = cpu_now()};
    struct vm_observer ob = {.ctx = &w, .end = watch_end, .directive = watch_directive, .error = watch_error};
    o.trace = subname;
    o.mem = sub;
    o.mem_len = len;
    o.max_line = lim->max_line ? lim->max_line : TRACE_DEFAULT_MAX_LINE;
    o.summary = false;
    o.out = o.err = NULL; /* shows and the student's own expects are not wanted here */
    o.observers = &ob;
    o.nobservers = 1;
    struct vm *vm;
    int status = vmsim_run(&o, &vm);
    if (!vm) {
        if (!*g->error)
            snprintf(g->error, sizeof g->error,
                     "the host cannot give this machine its memory: %" PRIu32 " frames and %" PRIu32 " swap slots",
                     o.cfg.frames, o.cfg.swap_slots);
        return;
    }
    if (status != 2)
        check_at(g, vm, NULL, 0);
    vm_free(vm);
}

static void fill_item(struct grun *g, size_t i, struct grade_item *it)
{
    const struct grade_test *t = &g->s->tests[g->tests[i]];
    struct sbuf b = {0};
    bool passed = true;
    if (*g->error) {
        passed = false;
        sb_printf(&b, "the trace stopped with an error, so this test scores 0:\n%s\n", g->error);
    } else if (!t->nexpects) {
        sb_puts(&b, "passed: the trace runs without error\n");
    }
    for (size_t k = 0; k < t->nexpects && !*g->error; k++) {
        const struct grade_expect *e = &t->expects[k];
        const struct eres *r = &g->res[i][k];
        if (r->state == E_PENDING) { /* its mark never came */
            const char *q = e->text + 6; /* after "expect" */
            q += strspn(q, " \t");
            size_t n = strcspn(q, "#");
            while (n && (q[n - 1] == ' ' || q[n - 1] == '\t' || q[n - 1] == '\r'))
                n--;
            passed = false;
            sb_printf(&b, "failed at mark %s: %.*s (the trace has no `mark %s`)\n", e->at, (int)n, q, e->at);
            continue;
        }
        if (r->state == E_FAILED)
            passed = false;
        sb_puts(&b, r->state == E_PASSED ? "passed" : "failed");
        if (e->at)
            sb_printf(&b, " at mark %s", e->at);
        sb_printf(&b, ": %s", r->query);
        if (r->state == E_FAILED)
            sb_printf(&b, " (actual %s)", r->actual);
        sb_puts(&b, "\n");
    }
    if (!passed && sb_len(&g->notes))
        sb_puts(&b, sb_str(&g->notes));
    if (!passed && t->hint && !*g->error)
        sb_printf(&b, "hint: %s\n", t->hint);
    free(it->output);
    it->output = sb_take(&b);
    it->passed = passed;
    it->score = passed ? t->points : 0;
}

void grade_run(const struct grade_suite *s, const struct vm_config *cfgs, const char *subname, const char *sub,
               size_t len, const struct grade_limits *lim, struct grade_report *r)
{
    size_t first = r->n;
    for (size_t i = 0; i < s->ntests; i++)
        grade_report_add(r, s->tests[i].name, s->tests[i].points, s->tests[i].vis);
    bool *done = vm_xcalloc(s->ntests ? s->ntests : 1, sizeof *done);
    struct sbuf errors = {0};
    if (r->output)
        sb_puts(&errors, r->output);
    for (size_t i = 0; i < s->ntests; i++) {
        if (done[i])
            continue;
        struct grun g;
        memset(&g, 0, sizeof g);
        g.s = s;
        g.tests = vm_xmalloc(s->ntests * sizeof *g.tests);
        g.res = vm_xmalloc(s->ntests * sizeof(struct eres *));
        for (size_t j = i; j < s->ntests; j++) {
            if (done[j] || !same_machine(&cfgs[i], &cfgs[j]))
                continue;
            done[j] = true;
            g.res[g.ntests] = vm_xcalloc(s->tests[j].nexpects + 1, sizeof **g.res);
            g.tests[g.ntests++] = j;
        }
        run_submission(&g, &cfgs[i], subname, sub, len, lim);
        if (*g.error && !(sb_str(&errors) && strstr(sb_str(&errors), g.error)))
            sb_printf(&errors, "%s\n", g.error);
        for (size_t k = 0; k < g.ntests; k++) {
            fill_item(&g, k, &r->items[first + g.tests[k]]);
            free(g.res[k]);
        }
        free(g.res);
        free(g.tests);
        sb_free(&g.notes);
    }
    free(done);
    free(r->output);
    r->output = sb_len(&errors) ? sb_take(&errors) : NULL;
    sb_free(&errors);
}
