/* grade.h -- grading: a student's trace against an instructor's tests, and
 * the report of any grading (trace tests or quiz answers) as text, a
 * Gradescope results.json or TAP (version 13, which Perl's prove reads, or
 * version 14).
 *
 * A TESTS file (docs/grade.md) is a list of named, weighted tests:
 *
 *     flags --arch tiny --frames 16          # every test's machine
 *     test "child copies once" points=5 after_published flags="--fork cow"
 *     expect stat faults.cow_copy == 1       # checked after the last line
 *     at forked                              # the next ones at `mark forked`
 *     expect page 1 0x300 refcount == 2
 *     hint "the child's write copies the page"
 *
 * The submission runs once per distinct machine (the `flags` line with the
 * test's own flags after it), under limits (struct grade_limits), and every
 * expect of the tests on that machine is checked where it says. A test
 * passes when all its expects pass (a test without any passes when the
 * trace runs without error). A trace that stops with an error, or passes a
 * limit, scores 0 in every test run on that machine, with the message.
 *
 * Nothing here reads the command line: the machine of each test is given
 * by the caller (the CLI turns the flags into a vm_config).
 */
#ifndef VMSIM_GRADE_H
#define VMSIM_GRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmsim/machine.h"

/* ---- reports ------------------------------------------------------------- */

/* Gradescope's visibility words, which a TESTS file writes alone or after
 * visibility=: visible, after_published (the student sees the result once
 * grades are published), after_due_date, hidden (never shown to students). */
enum grade_vis { VIS_VISIBLE, VIS_AFTER_PUBLISHED, VIS_AFTER_DUE_DATE, VIS_HIDDEN, VIS_COUNT };
extern const char *const grade_vis_names[VIS_COUNT];

enum grade_format { GF_TEXT, GF_GRADESCOPE, GF_TAP /* version 13 */, GF_TAP14 };

struct grade_item {
    char *name;
    double score, max_score;
    bool passed;
    bool info;    /* no test: text shown with its own visibility (a quiz's answers), worth
                     nothing and left out of the counts */
    enum grade_vis vis;
    char *output; /* lines, each ending in '\n'; may be empty */
};

struct grade_report {
    char *title;  /* one line: what was graded against what */
    char *output; /* said once, before the items (a trace error, notes) */
    const char *noun;   /* what an item is, in the summary line (NULL: "test") */
    const char *passed; /* what a passed one is there (NULL: "passed") */
    struct grade_item *items;
    size_t n, cap;
};

/* grade_report_add: a new item (name and output copied). */
struct grade_item *grade_report_add(struct grade_report *r, const char *name, double max_score, enum grade_vis vis);
void grade_report_free(struct grade_report *r);
/* grade_report_totals: the sums of score and max_score; passed items. */
void grade_report_totals(const struct grade_report *r, double *score, double *max_score, size_t *passed);
/* grade_report_count: the items that are tests (not info). */
size_t grade_report_count(const struct grade_report *r);

/* grade_write: the report in that format. Text from submissions is made
 * safe first: control bytes and bytes that are not UTF-8 are written as
 * \xNN, so the JSON stays valid and a terminal sees no escape sequence. */
void grade_write(FILE *out, const struct grade_report *r, enum grade_format f);

/* grade_sanitize: a copy of s[0..len) made safe as above (newlines and
 * tabs kept). */
char *grade_sanitize(const char *s, size_t len);

/* grade_format_points: a score as people write it ("5", "2.5"). */
void grade_format_points(double v, char *buf, size_t len);

/* ---- limits -------------------------------------------------------------- */

struct grade_limits {
    struct vm_limits lim;  /* events, accesses, processes, VMAs, model memory */
    size_t max_line;       /* bytes in one line of the submission */
    uint64_t max_size;     /* bytes in the submission (and in an answers file) */
    uint64_t max_frames;   /* frames of a test's machine */
    double cpu_seconds;    /* processor time of one run of the submission (0: none) */
};

#define GRADE_MAX_EVENTS 100000
#define GRADE_MAX_ACCESSES 1000000
#define GRADE_MAX_PROCS 1000
#define GRADE_MAX_VMAS 1000
#define GRADE_MAX_MEMORY (UINT64_C(64) << 20)
#define GRADE_MAX_LINE 4096
#define GRADE_MAX_SIZE (UINT64_C(1) << 20)
#define GRADE_MAX_FRAMES (UINT64_C(1) << 20)
#define GRADE_CPU_SECONDS 10.0

void grade_limits_default(struct grade_limits *l);

/* grade_read_file: reads path ("-": standard input) whole into a new
 * buffer (NUL-terminated), at most max bytes (0: no bound), a bound the
 * message names as limit ("--max-size"). 0, or -1 with a message in err
 * (cannot be read, or larger than max). */
int grade_read_file(const char *path, uint64_t max, const char *limit, char **buf, size_t *len, char *err,
                    size_t errlen);

/* a TESTS file is the instructor's, but "--tests /dev/zero" must end too */
#define GRADE_MAX_TESTS_SIZE (UINT64_C(16) << 20)

/* ---- tests --------------------------------------------------------------- */

struct grade_expect {
    char *text;    /* "expect QUERY OP VALUE" */
    char *at;      /* the mark label it is checked at; NULL: the end */
    uint64_t line; /* in the TESTS file */
};

struct grade_test {
    char *name;
    double points;
    enum grade_vis vis;
    char *flags;   /* the test's own flags ("" if none) */
    uint64_t line; /* of its `test` line */
    struct grade_expect *expects;
    size_t nexpects;
    char *hint;    /* lines shown when it fails, or NULL */
};

struct grade_suite {
    char *name;     /* the TESTS file, for messages */
    char *flags;    /* the `flags` line ("" if none) */
    uint64_t flags_line; /* its line (0 if none) */
    char *warnings; /* "NAME:LINE: warning: ...\n" lines, or NULL */
    struct grade_test *tests;
    size_t ntests;
};

/* grade_suite_parse: reads a TESTS file from buf. 0, or -1 with
 * "NAME:LINE: error: ..." in err. */
int grade_suite_parse(const char *name, const char *buf, size_t len, struct grade_suite *s, char *err, size_t errlen);
void grade_suite_free(struct grade_suite *s);

/* grade_suite_visible_only: leaves out the tests that students do not see
 * while they submit (visibility other than visible), counting them by
 * visibility in left[] (which the caller zeroes). Returns how many. */
size_t grade_suite_visible_only(struct grade_suite *s, size_t left[VIS_COUNT]);

/* grade_test_check: checks test t's expects against its machine (their
 * syntax for that arch, and that each can be evaluated). 0, or -1 with
 * "NAME:LINE: error: ..." in err. */
int grade_test_check(const struct grade_suite *s, const struct grade_test *t, const struct vm_config *cfg, char *err,
                     size_t errlen);

/* grade_run: runs the submission (sub, len bytes, called subname in
 * messages) once per distinct machine (tests whose cfgs[i] are equal share
 * a run) and adds one item per test to the report. */
void grade_run(const struct grade_suite *s, const struct vm_config *cfgs, const char *subname, const char *sub,
               size_t len, const struct grade_limits *lim, struct grade_report *r);

#endif
