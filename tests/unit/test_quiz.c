/* test_quiz.c -- unit tests of quizzes (sim/quiz.c, include/vmsim/quiz.h):
 * the same options give the same quiz, every answer key checks as right,
 * reasons come from the trace, answers are read tolerantly, and graded. */
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

#include "vmsim/engine.h"
#include "vmsim/grade.h"
#include "vmsim/machine.h"
#include "vmsim/proc.h"
#include "vmsim/quiz.h"
#include "vmsim/runner.h"

static const char *const random_profiles[] = {"cow", "forktree", "exec", "shared", "pressure", "mixed"};

static void make(struct quiz *qz, const char *profile, uint64_t seed, unsigned questions)
{
    struct quiz_opts o;
    char err[512];
    quiz_opts_default(&o);
    o.gen.profile = profile;
    o.gen.seed = seed;
    o.questions = questions;
    if (quiz_make(&o, qz, err, sizeof err))
        fail_msg("quiz %s %llu: %s", profile ? profile : "(default)", (unsigned long long)seed, err);
}

static char *text_of(const struct quiz *qz, bool answers)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    quiz_write(m, qz, answers);
    fclose(m);
    return buf;
}

/* ---- making --------------------------------------------------------------------- */

static void test_same_options_same_quiz(void **state)
{
    (void)state;
    struct quiz a, b;
    make(&a, NULL, 42, 0);
    make(&b, NULL, 42, 0);
    char *ta = text_of(&a, true), *tb = text_of(&b, true);
    assert_string_equal(ta, tb);
    free(tb);
    quiz_free(&b);
    make(&b, NULL, 43, 0);
    tb = text_of(&b, true);
    assert_string_not_equal(ta, tb);
    free(ta);
    free(tb);
    quiz_free(&a);
    quiz_free(&b);
}

static void test_arg_lines(void **state)
{
    (void)state;
    struct quiz qz;
    make(&qz, NULL, 5, 3);
    char *t = text_of(&qz, false);
    /* every option, defaults included, first */
    assert_true(!strncmp(t, "ARG seed 5\nARG profile cow\nARG arch tiny\nARG frames ", 49));
    const char *want[] = {"\nARG procs ",         "\nARG events ",        "\nARG fork cow\n",
                          "\nARG zero-page off\n", "\nARG lazy-fork off\n", "\nARG pt-frames off\n",
                          "\nARG oom kill\n",      "\nARG questions 3\n"};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        if (!strstr(t, want[k]))
            fail_msg("no '%s' in:\n%s", want[k], t);
    assert_non_null(strstr(t, "\n    1  program "));
    assert_non_null(strstr(t, "\nQ3. "));
    assert_null(strstr(t, "\nQ4. "));
    assert_null(strstr(t, "answer:"));
    /* the command that makes it again names every option, in the ARG lines' order */
    char *cmd = quiz_command(&qz);
    assert_true(!strncmp(cmd, "vmsim quiz --seed 5 --profile cow --arch tiny --frames ", 55));
    assert_non_null(strstr(cmd, " --zero-page off --lazy-fork off --pt-frames off --oom kill"));
    assert_non_null(strstr(cmd, " --fault-around 1 --exclusive-reuse off --anon-vma off --questions 3"));
    assert_null(strchr(cmd, '\n'));
    free(cmd);
    assert_true(quiz_arg_line("ARG seed 5", 10));
    assert_true(quiz_arg_line("  ARG\tseed 5", 13));
    assert_false(quiz_arg_line("ARGS seed 5", 11));
    assert_false(quiz_arg_line("Q1: ARG", 7));
    assert_false(quiz_arg_line("ARG", 3));
    free(t);
    quiz_free(&qz);
}

/* every answer key is right, by quiz_check; every kind is asked somewhere */
static void test_keys_check(void **state)
{
    (void)state;
    unsigned kinds[QK_STATE_KINDS] = {0};
    for (size_t p = 0; p < sizeof random_profiles / sizeof random_profiles[0]; p++)
        for (uint64_t seed = 1; seed <= 12; seed++) {
            struct quiz qz;
            make(&qz, random_profiles[p], seed, 10);
            assert_true(qz.n > 0);
            for (size_t i = 0; i < qz.n; i++) {
                const struct quiz_question *q = &qz.q[i];
                char why[128];
                kinds[q->kind]++;
                if (quiz_check(q, q->answer, why, sizeof why) != 1)
                    fail_msg("%s seed %llu Q%zu: the key '%s' is not right", random_profiles[p],
                             (unsigned long long)seed, i + 1, q->answer);
                assert_true(q->reason && *q->reason);
                assert_true(q->line >= 1 && q->line <= qz.nlines);
                if (i)
                    assert_true(q->line >= qz.q[i - 1].line); /* in the order of the trace */
            }
            quiz_free(&qz);
        }
    for (int k = 0; k < QK_STATE_KINDS; k++)
        if (!kinds[k])
            fail_msg("no %s question in 72 quizzes", quiz_kind_names[k]);
}

/* a reason is the -v explanation of a line at or before the question's */
static void test_reasons(void **state)
{
    (void)state;
    struct quiz qz;
    make(&qz, "cow", 1, 20);
    for (size_t i = 0; i < qz.n; i++) {
        const struct quiz_question *q = &qz.q[i];
        if (!strcmp(q->reason, "it is so from the start\n"))
            continue;
        assert_true(!strncmp(q->reason, "line ", 5));
        char *end;
        unsigned long line = strtoul(q->reason + 5, &end, 10);
        assert_true(end[0] == ':');
        if (q->kind == QK_FAULTS)
            assert_true(line >= q->line && line <= q->line2);
        else
            assert_true(line <= q->line);
        if (q->kind == QK_TREE)
            assert_non_null(q->extra);
    }
    quiz_free(&qz);
}

static void test_bad_options(void **state)
{
    (void)state;
    struct quiz_opts o;
    struct quiz qz;
    char err[512];
    quiz_opts_default(&o);
    o.gen.profile = "nope";
    assert_int_equal(quiz_make(&o, &qz, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown profile 'nope'"));
    assert_non_null(strstr(err, "forktree"));
    o.gen.profile = "shell"; /* a workload */
    assert_int_equal(quiz_make(&o, &qz, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a random-problem profile 'shell'"));
    o.gen.profile = NULL;
    o.questions = QUIZ_MAX_QUESTIONS + 1;
    assert_int_equal(quiz_make(&o, &qz, err, sizeof err), -1);
    o.questions = 0;
    o.gen.arch = "nonsense";
    assert_int_equal(quiz_make(&o, &qz, err, sizeof err), -1);
}

/* a trace where only trees can be asked: no two questions with one answer
 * (a tree that only changed its states is another answer); and where every
 * kind can be asked, each is asked as often as the others, give or take one */
static void test_variety(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        struct quiz_opts o;
        struct quiz qz;
        char err[512];
        quiz_opts_default(&o);
        o.gen.profile = "forktree";
        o.gen.seed = seed;
        assert_int_equal(gen_opts_set(&o.gen, "events", "6", err, sizeof err), 0);
        if (quiz_make(&o, &qz, err, sizeof err))
            fail_msg("%s", err);
        for (size_t i = 0; i < qz.n; i++)
            for (size_t j = i + 1; j < qz.n; j++)
                if (qz.q[i].kind == qz.q[j].kind && qz.q[i].kind == QK_TREE && !strcmp(qz.q[i].answer, qz.q[j].answer))
                    fail_msg("seed %llu: Q%zu and Q%zu are both %s", (unsigned long long)seed, i + 1, j + 1,
                             qz.q[i].answer);
        quiz_free(&qz);
    }
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct quiz qz;
        size_t count[QK_STATE_KINDS] = {0};
        make(&qz, "exec", seed, 14);
        assert_int_equal(qz.n, 14);
        for (size_t i = 0; i < qz.n; i++)
            count[qz.q[i].kind]++;
        for (int k = 0; k < QK_STATE_KINDS; k++)
            if (count[k] < 1 || count[k] > 3)
                fail_msg("exec seed %llu: %zu %s questions of 14", (unsigned long long)seed, count[k],
                         quiz_kind_names[k]);
        quiz_free(&qz);
    }
}

/* ---- checking answers ---------------------------------------------------------------- */

static void test_check_numbers(void **state)
{
    (void)state;
    char why[128];
    struct quiz_question q;
    memset(&q, 0, sizeof q);
    q.kind = QK_FRAME;
    q.num = 3;
    assert_int_equal(quiz_check(&q, "3", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "  0x3 ", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "4", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "zero", why, sizeof why), 0);
    /* the natural forms */
    assert_int_equal(quiz_check(&q, "frame three", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "frame 3", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "Frame #3.", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "it maps to frame 3", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "frame 4", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "frame 3 or 4", why, sizeof why), -1);
    assert_int_equal(quiz_check(&q, "page 3 of 4", why, sizeof why), -1);
    assert_int_equal(quiz_check(&q, "frame", why, sizeof why), -1);
    assert_non_null(strstr(why, "a frame number (3, frame 3 or three), or zero for the zero page"));
    q.zero = true;
    assert_int_equal(quiz_check(&q, "ZERO", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "the zero page", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "3", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "frame 0", why, sizeof why), 0);
    q.zero = false;
    q.num = 0;
    assert_int_equal(quiz_check(&q, "frame 0", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "the zero page", why, sizeof why), 0);
    q.kind = QK_RSS;
    q.num = 12;
    assert_int_equal(quiz_check(&q, "12", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "12 pages", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "rss = 12 pages.", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "twelve", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "12 bananas", why, sizeof why), -1);
    assert_non_null(strstr(why, "a number of pages (3, three or 3 pages)"));
    assert_int_equal(quiz_check(&q, "99999999999999999999999", why, sizeof why), -1);
    q.num = 21;
    assert_int_equal(quiz_check(&q, "twenty-one", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "twenty one pages", why, sizeof why), 1);
    q.kind = QK_USED;
    q.num = 5;
    assert_int_equal(quiz_check(&q, "five", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "5 frames in use", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "6 frames", why, sizeof why), 0);
    q.kind = QK_REFCOUNT;
    q.num = 2;
    assert_int_equal(quiz_check(&q, "refcount 2", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "two references", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "2 pages", why, sizeof why), -1);
    assert_non_null(strstr(why, "a number (2, two or refcount 2)"));
    q.kind = QK_PSS;
    q.dec = 4.0 / 3.0;
    assert_int_equal(quiz_check(&q, "1.333", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "4/3", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "1.33", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "1", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "4/0", why, sizeof why), -1);
    assert_int_equal(quiz_check(&q, "about 1", why, sizeof why), -1);
    assert_non_null(strstr(why, "a decimal (1.5), a fraction (3/2)"));
    assert_int_equal(quiz_check(&q, "1 1/3 pages", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "pss 4/3", why, sizeof why), 1);
    q.dec = 0.5;
    assert_int_equal(quiz_check(&q, ".5", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "0.500", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "0.5 pages.", why, sizeof why), 1);
    q.dec = 2;
    assert_int_equal(quiz_check(&q, "two", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "1 2", why, sizeof why), -1);
}

static void test_check_pairs(void **state)
{
    (void)state;
    char why[128];
    struct quiz_pair faults[] = {{5, FC_DEMAND_ZERO, 0}, {7, FC_COW_COPY, 0}, {7, FC_FILE, 0}};
    struct quiz_question q;
    memset(&q, 0, sizeof q);
    q.kind = QK_FAULTS;
    q.pairs = faults;
    q.npairs = 3;
    assert_int_equal(quiz_check(&q, "5:demand_zero 7:cow_copy 7:file", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "7:file, 7 cow-copy; 5=Demand_Zero", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "5:demand_zero 7:cow_copy 7:file 7:file", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "5:demand_zero 7:cow_copy", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "none", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "5:demand_zero 7:cow", why, sizeof why), -1);
    assert_non_null(strstr(why, "LINE:CLASS"));
    assert_int_equal(quiz_check(&q, "line 5: demand zero, line 7: cow copy and a file fault", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "5 demand_zero 7 cow_copy 7", why, sizeof why), -1);
    assert_int_equal(quiz_check(&q, "demand_zero 5", why, sizeof why), -1);
    assert_int_equal(quiz_check(&q, "none 5:demand_zero", why, sizeof why), -1);
    q.npairs = 0;
    assert_int_equal(quiz_check(&q, "None", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "-", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "no faults.", why, sizeof why), 1);
    struct quiz_pair segv[] = {{9, FC_SEGV, 0}};
    q.pairs = segv;
    q.npairs = 1;
    assert_int_equal(quiz_check(&q, "9: segfault", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "line 9 segv", why, sizeof why), 1);

    struct quiz_pair tree[] = {{0, 1, PS_RUNNING}, {1, 2, PS_RUNNING}, {1, 3, PS_RUNNING}};
    q.kind = QK_TREE;
    q.pairs = tree;
    q.npairs = 3;
    assert_int_equal(quiz_check(&q, "0-1 1-2 1-3", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "1->3, 1>2, 1", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "0-1 1-2", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "0-1 1-2 2-3", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "sh(1)---sh(2)", why, sizeof why), -1);
    assert_non_null(strstr(why, "PARENT-CHILD"));
    assert_int_equal(quiz_check(&q, "0 -> 1, 1 - 2 and 1:3", why, sizeof why), 1);

    /* states: a zombie or a suspended process must say so */
    struct quiz_pair states[] = {{0, 1, PS_SUSPENDED}, {1, 2, PS_ZOMBIE}, {1, 3, PS_RUNNING}};
    q.pairs = states;
    assert_int_equal(quiz_check(&q, "0-1(suspended) 1-2(zombie) 1-3", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "1-3 running, 1->2 Zombie, 0-1 [suspended]", why, sizeof why), 1);
    assert_int_equal(quiz_check(&q, "0-1 1-2(zombie) 1-3", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "0-1 1-2 1-3", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "0-1(suspended) 1-2(zombie) 1-3(zombie)", why, sizeof why), 0);
    assert_int_equal(quiz_check(&q, "0-1(asleep) 1-2 1-3", why, sizeof why), -1);
    assert_int_equal(quiz_check(&q, "zombie 0-1", why, sizeof why), -1);
    assert_int_equal(quiz_check(&q, "0-1 zombie zombie", why, sizeof why), -1);
    assert_non_null(strstr(why, "followed by its state"));
}

/* ---- grading answers ---------------------------------------------------------------- */

static void test_grade_answers(void **state)
{
    (void)state;
    struct quiz qz;
    make(&qz, NULL, 3, 4);
    char buf[4096];
    /* Q1 right, as people write it; Q2 twice (the last wins); Q3 unreadable; Q4 missing */
    snprintf(buf, sizeof buf,
             "# my answers\n"
             "  q 1 = %s\n"
             "Q2: 999999\n"
             "2) %s\n"
             "Q3: what?\n"
             "Q9: 1\n"
             "no idea\n",
             qz.q[0].answer, qz.q[1].answer);
    struct grade_report r;
    memset(&r, 0, sizeof r);
    quiz_grade(&qz, "ans.txt", buf, strlen(buf), VIS_VISIBLE, &r);
    assert_int_equal(r.n, 4);
    assert_true(r.items[0].passed);
    assert_true(r.items[0].score == 1 && r.items[0].max_score == 1);
    assert_true(r.items[1].passed);
    assert_false(r.items[2].passed);
    assert_non_null(strstr(r.items[2].output, "could not read it: write "));
    assert_non_null(strstr(r.items[2].output, "the answer: "));
    assert_false(r.items[3].passed);
    assert_non_null(strstr(r.items[3].output, "no answer (write a line Q4: ANSWER)"));
    assert_non_null(r.output);
    assert_non_null(strstr(r.output, "note: ans.txt:6: no such question"));
    assert_non_null(strstr(r.output, "note: ans.txt:7: not an answer"));
    assert_string_equal(r.noun, "question");
    assert_true(!strncmp(r.items[0].name, "Q1 (", 4));
    grade_report_free(&r);

    /* the answers kept for later: not in the questions, in one info item */
    memset(&r, 0, sizeof r);
    quiz_grade(&qz, "ans.txt", buf, strlen(buf), VIS_AFTER_PUBLISHED, &r);
    assert_int_equal(r.n, 5);
    assert_int_equal(grade_report_count(&r), 4);
    for (size_t i = 0; i < 4; i++) {
        assert_null(strstr(r.items[i].output, "the answer: "));
        assert_null(strstr(r.items[i].output, "because: "));
        assert_int_equal(r.items[i].vis, VIS_VISIBLE);
    }
    assert_true(r.items[4].info);
    assert_int_equal(r.items[4].vis, VIS_AFTER_PUBLISHED);
    assert_true(r.items[4].max_score == 0 && r.items[4].score == 0);
    assert_non_null(strstr(r.items[4].output, "Q3: "));
    assert_non_null(strstr(r.items[4].output, "because: "));
    double score, max;
    size_t passed;
    grade_report_totals(&r, &score, &max, &passed);
    assert_int_equal(passed, 2);
    assert_true(max == 4);
    grade_report_free(&r);
    quiz_free(&qz);
}

/* ---- the policy quiz ---------------------------------------------------------- */

static void make_policy(struct quiz *qz, uint64_t seed, int policy, const char *string, uint64_t frames)
{
    struct quiz_opts o;
    char err[512];
    quiz_opts_default(&o);
    o.gen.profile = QUIZ_POLICY_PROFILE;
    o.gen.seed = seed;
    o.gen.frames = frames;
    if (policy >= 0) {
        o.cfg.replace = true;
        o.cfg.policy = (enum policy_kind)policy;
    }
    if (string && gen_opts_set(&o.gen, "string", string, err, sizeof err))
        fail_msg("%s", err);
    if (quiz_make(&o, qz, err, sizeof err))
        fail_msg("policy quiz %llu: %s", (unsigned long long)seed, err);
}

/* every key checks as right; a question per access, in order; the hits and
 * evictions are the run's own counters; the same options, the same quiz */
static void test_policy_keys(void **state)
{
    (void)state;
    unsigned policies[POLICIES] = {0};
    for (uint64_t seed = 1; seed <= 24; seed++)
        for (int pol = -1; pol < POLICIES; pol++) {
            struct quiz qz;
            make_policy(&qz, seed, pol, NULL, 0);
            assert_true(qz.policy_quiz);
            assert_int_equal(qz.n, QUIZ_POLICY_LENGTH);
            policies[qz.policy]++;
            uint64_t hits = 0, evictions = 0;
            for (size_t i = 0; i < qz.n; i++) {
                const struct quiz_question *q = &qz.q[i];
                char why[128];
                assert_int_equal(q->kind, QK_ACCESS);
                if (quiz_check(q, q->answer, why, sizeof why) != 1)
                    fail_msg("seed %llu Q%zu: the key '%s' is not right", (unsigned long long)seed, i + 1, q->answer);
                assert_int_equal(q->line, i + 3); /* spawn, mmap, then an access a line */
                assert_non_null(strstr(q->reason, "line "));
                assert_true(q->evicts ? q->extra != NULL : q->extra == NULL);
                assert_false(q->hit && q->evicts);
                hits += q->hit;
                evictions += q->evicts;
            }
            struct run_opts r;
            run_opts_default(&r);
            r.cfg = qz.cfg;
            r.trace = "quiz";
            r.mem = qz.trace;
            r.mem_len = qz.len;
            r.summary = false;
            r.out = r.err = NULL;
            struct vm *vm = NULL;
            assert_int_equal(vmsim_run(&r, &vm), 0);
            assert_int_equal(vm->c.hits, hits);
            assert_int_equal(vm->c.evictions, evictions);
            vm_free(vm);
            char *a = text_of(&qz, true);
            struct quiz again;
            make_policy(&again, seed, pol, NULL, 0);
            char *b = text_of(&again, true);
            assert_string_equal(a, b);
            free(a);
            free(b);
            quiz_free(&again);
            quiz_free(&qz);
        }
    /* the seed draws fifo, lru, clock and opt; random only when asked for */
    for (int k = 0; k < POLICIES; k++)
        assert_true(policies[k] >= 24);
}

/* Belady's string under fifo: 3 hits with 3 frames, 2 with 4, and the
 * victims of the textbook */
static void test_policy_belady(void **state)
{
    (void)state;
    struct quiz qz;
    make_policy(&qz, 1, POL_FIFO, "1,2,3,4,1,2,5,1,2,3,4,5", 3);
    static const char *const key3[] = {"miss", "miss", "miss", "miss, replaced 1", "miss, replaced 2",
                                       "miss, replaced 3", "miss, replaced 4", "hit", "hit", "miss, replaced 1",
                                       "miss, replaced 2", "hit"};
    assert_int_equal(qz.n, 12);
    for (size_t i = 0; i < 12; i++)
        assert_string_equal(qz.q[i].answer, key3[i]);
    char *t = text_of(&qz, true);
    assert_non_null(strstr(t, "FINALSTATS hits 3   misses 9   hitrate 25.00\n"));
    assert_non_null(strstr(t, "Q4.   Access: 4  MISS  FirstIn -> [2 3 4] <- LastIn  Replaced:1  [Hits:0 Misses:4]\n"));
    free(t);
    quiz_free(&qz);
    make_policy(&qz, 1, POL_FIFO, "1,2,3,4,1,2,5,1,2,3,4,5", 4);
    t = text_of(&qz, true);
    assert_non_null(strstr(t, "FINALSTATS hits 2   misses 10   hitrate 16.67\n"));
    free(t);
    /* without -c: the questions, no answer */
    t = text_of(&qz, false);
    assert_non_null(strstr(t, "Q12.  Access: 5  Hit/Miss?  Replaced?\n"));
    assert_null(strstr(t, "FINALSTATS"));
    assert_null(strstr(t, "MISS"));
    free(t);
    quiz_free(&qz);
}

/* answers are read as people write them */
static void test_policy_check(void **state)
{
    (void)state;
    struct quiz_question miss3 = {.kind = QK_ACCESS, .evicts = true, .victim = 3};
    struct quiz_question miss = {.kind = QK_ACCESS};
    struct quiz_question hit = {.kind = QK_ACCESS, .hit = true};
    char why[128];
    static const char *const right3[] = {"miss, replaced 3", "MISS 3", "m 3", "miss (evicts page 3)",
                                         "Miss Replaced:3", "miss: the victim is 3"};
    for (size_t i = 0; i < sizeof right3 / sizeof right3[0]; i++)
        if (quiz_check(&miss3, right3[i], why, sizeof why) != 1)
            fail_msg("'%s' is not read as miss, replaced 3", right3[i]);
    assert_int_equal(quiz_check(&miss3, "miss", why, sizeof why), 0);
    assert_int_equal(quiz_check(&miss3, "miss 4", why, sizeof why), 0);
    assert_int_equal(quiz_check(&miss3, "hit", why, sizeof why), 0);
    assert_int_equal(quiz_check(&miss, "miss", why, sizeof why), 1);
    assert_int_equal(quiz_check(&miss, "MISS Replaced:-", why, sizeof why), 1);
    assert_int_equal(quiz_check(&miss, "miss, none", why, sizeof why), 1);
    assert_int_equal(quiz_check(&miss, "miss 2", why, sizeof why), 0);
    assert_int_equal(quiz_check(&hit, "HIT", why, sizeof why), 1);
    assert_int_equal(quiz_check(&hit, "h", why, sizeof why), 1);
    assert_int_equal(quiz_check(&hit, "hit 2", why, sizeof why), 0);
    assert_int_equal(quiz_check(&hit, "miss", why, sizeof why), 0);
    static const char *const unreadable[] = {"", "3", "hit or miss", "miss 3 4", "miss - 3", "banana",
                                             "MISS LRU -> [1 2 3] <- MRU"};
    for (size_t i = 0; i < sizeof unreadable / sizeof unreadable[0]; i++) {
        why[0] = 0;
        if (quiz_check(&miss3, unreadable[i], why, sizeof why) != -1)
            fail_msg("'%s' is read as an answer", unreadable[i]);
        assert_non_null(strstr(why, "miss, replaced 3"));
    }
}

static void test_policy_options(void **state)
{
    (void)state;
    struct quiz_opts o;
    struct quiz qz;
    char err[512];
    quiz_opts_default(&o);
    o.gen.profile = QUIZ_POLICY_PROFILE;
    o.questions = 5;
    assert_int_equal(quiz_make(&o, &qz, err, sizeof err), -1);
    assert_non_null(strstr(err, "--length N sets how many"));
    quiz_opts_default(&o);
    o.gen.profile = QUIZ_POLICY_PROFILE;
    o.cfg.pt_frames = true;
    assert_int_equal(quiz_make(&o, &qz, err, sizeof err), -1);
    assert_non_null(strstr(err, "takes no machine flag but --policy"));
    /* random: the seed is the quiz's, and the draws are shown */
    make_policy(&qz, 77, POL_RANDOM, NULL, 0);
    assert_true(qz.cfg.seed == 77);
    assert_non_null(qz.draws);
    char *t = text_of(&qz, false);
    assert_non_null(strstr(t, "--policy random --seed 77\n"));
    assert_non_null(strstr(t, "Here the seed is 77"));
    free(t);
    quiz_free(&qz);
    /* the ARG lines name every option */
    make_policy(&qz, 5, POL_LRU, NULL, 4);
    assert_non_null(strstr(qz.args, "ARG seed 5\nARG profile policy\nARG arch x86_64\nARG frames 4\nARG pages "));
    assert_non_null(strstr(qz.args, "ARG policy lru\nARG string random\n"));
    quiz_free(&qz);
}

/* ---- the tlb quiz ------------------------------------------------------------------ */

static void make_tlb(struct quiz *qz, uint64_t seed, uint32_t entries, uint32_t ways, bool asid)
{
    struct quiz_opts o;
    char err[512];
    quiz_opts_default(&o);
    o.gen.profile = QUIZ_TLB_PROFILE;
    o.gen.seed = seed;
    o.cfg.tlb_entries = entries;
    o.cfg.tlb_ways = ways;
    o.cfg.asid = asid;
    if (quiz_make(&o, qz, err, sizeof err))
        fail_msg("tlb quiz %llu: %s", (unsigned long long)seed, err);
}

/* every key checks as right, the other answer as wrong; a question per
 * access; the hits are the run's own; the seed draws every geometry */
static void test_tlb_keys(void **state)
{
    (void)state;
    unsigned geometry[3] = {0}, asid = 0;
    for (uint64_t seed = 1; seed <= 24; seed++) {
        struct quiz qz;
        make_tlb(&qz, seed, 0, 0, false);
        assert_true(qz.tlb_quiz);
        assert_int_equal(qz.cfg.tlb_entries, 4);
        geometry[qz.cfg.tlb_ways == 4 ? 0 : qz.cfg.tlb_ways == 2 ? 1 : 2]++;
        asid += qz.cfg.asid;
        uint64_t hits = 0, accesses = 0;
        for (const char *p = qz.trace; (p = strstr(p, "\n")); p++)
            accesses += !strncmp(p + 1, "read ", 5) || !strncmp(p + 1, "write ", 6);
        assert_int_equal(qz.n, accesses);
        assert_true(qz.n >= 14 && qz.n <= 18); /* 3 to 5 pages twice, 4 turns of 2 */
        for (size_t i = 0; i < qz.n; i++) {
            struct quiz_question q = qz.q[i];
            char why[128];
            assert_int_equal(q.kind, QK_TLB);
            if (quiz_check(&q, q.answer, why, sizeof why) != 1)
                fail_msg("seed %llu Q%zu: the key '%s' is not right", (unsigned long long)seed, i + 1, q.answer);
            assert_int_equal(quiz_check(&q, q.hit ? "miss" : "hit", why, sizeof why), 0);
            assert_int_equal(q.set, q.page % (4 / qz.cfg.tlb_ways));
            assert_non_null(strstr(q.reason, q.hit ? "tlb hit" : "tlb miss"));
            hits += q.hit;
        }
        struct run_opts r;
        run_opts_default(&r);
        r.cfg = qz.cfg;
        r.trace = "quiz";
        r.mem = qz.trace;
        r.mem_len = qz.len;
        r.summary = false;
        r.check = true;
        r.out = r.err = NULL;
        struct vm *vm = NULL;
        assert_int_equal(vmsim_run(&r, &vm), 0);
        assert_int_equal(vm->tlb.hits, hits);
        assert_int_equal(vm->tlb.misses, qz.n - hits);
        vm_free(vm);
        char *a = text_of(&qz, true);
        struct quiz again;
        make_tlb(&again, seed, 0, 0, false);
        char *b = text_of(&again, true);
        assert_string_equal(a, b);
        free(a);
        free(b);
        quiz_free(&again);
        quiz_free(&qz);
    }
    for (int k = 0; k < 3; k++)
        assert_true(geometry[k] >= 3);
    assert_true(asid >= 6 && asid <= 18);
}

/* a TLB given: a fully associative one of 4 entries holds a loop of 4
 * pages, so its second trial hits; without --asid each turn of the
 * ping-pong after a switch misses, with it the second round hits */
static void test_tlb_given(void **state)
{
    (void)state;
    for (int asid = 0; asid <= 1; asid++) {
        struct quiz_opts o;
        struct quiz qz;
        char err[512];
        quiz_opts_default(&o);
        o.gen.profile = QUIZ_TLB_PROFILE;
        o.gen.seed = 3;
        o.cfg.tlb_entries = 4;
        o.cfg.tlb_ways = 4;
        o.cfg.asid = asid;
        assert_int_equal(gen_opts_set(&o.gen, "pages", "4", err, sizeof err), 0);
        assert_int_equal(quiz_make(&o, &qz, err, sizeof err), 0);
        assert_int_equal(qz.n, 8 + 8);
        for (size_t i = 0; i < 8; i++)
            assert_string_equal(qz.q[i].answer, i < 4 ? "miss" : "hit");
        for (size_t i = 8; i < 16; i++)
            assert_string_equal(qz.q[i].answer, asid && i >= 12 ? "hit" : "miss");
        assert_non_null(strstr(qz.args, "ARG seed 3\nARG profile tlb\nARG arch tiny\nARG frames 64\nARG pages 4\n"));
        assert_non_null(strstr(qz.args, asid ? "ARG tlb 4\nARG tlb-ways 4\nARG asid on\n"
                                             : "ARG tlb 4\nARG tlb-ways 4\nARG asid off\n"));
        char *t = text_of(&qz, true);
        assert_non_null(strstr(t, "fully associative (one set)"));
        assert_non_null(strstr(t, asid ? "FINALSTATS hits 8   misses 8   hitrate 50.00\n"
                                       : "FINALSTATS hits 4   misses 12   hitrate 25.00\n"));
        if (!asid)
            assert_non_null(strstr(t, "because: context switch from process 1: flushed 4 entries\n"));
        free(t);
        t = text_of(&qz, false);
        assert_non_null(strstr(t, "Q16.  Line  25: read 3 "));
        assert_null(strstr(t, "FINALSTATS"));
        assert_null(strstr(t, "MISS"));
        free(t);
        quiz_free(&qz);
    }
}

static void test_tlb_check_and_options(void **state)
{
    (void)state;
    struct quiz_question hit = {.kind = QK_TLB, .hit = true}, miss = {.kind = QK_TLB};
    char why[128];
    static const char *const hits[] = {"hit", "HIT", "h", "a TLB hit", "it is a hit.", "Hit!"};
    for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) {
        assert_int_equal(quiz_check(&hit, hits[i], why, sizeof why), 1);
        assert_int_equal(quiz_check(&miss, hits[i], why, sizeof why), 0);
    }
    assert_int_equal(quiz_check(&miss, "tlb miss", why, sizeof why), 1);
    static const char *const unreadable[] = {"", "hit or miss", "3", "banana", "miss, replaced 3"};
    for (size_t i = 0; i < sizeof unreadable / sizeof unreadable[0]; i++) {
        why[0] = 0;
        if (quiz_check(&miss, unreadable[i], why, sizeof why) != -1)
            fail_msg("'%s' is read as an answer", unreadable[i]);
        assert_string_equal(why, "hit or miss");
    }
    struct quiz_opts o;
    struct quiz qz;
    char err[512];
    quiz_opts_default(&o);
    o.gen.profile = QUIZ_TLB_PROFILE;
    o.questions = 5;
    assert_int_equal(quiz_make(&o, &qz, err, sizeof err), -1);
    assert_non_null(strstr(err, "one question per access"));
    quiz_opts_default(&o);
    o.gen.profile = QUIZ_TLB_PROFILE;
    o.cfg.zero_page = true;
    assert_int_equal(quiz_make(&o, &qz, err, sizeof err), -1);
    assert_non_null(strstr(err, "takes no machine flag but --tlb"));
    quiz_opts_default(&o);
    o.gen.profile = QUIZ_TLB_PROFILE;
    o.gen.frames = 200;
    assert_int_equal(gen_opts_set(&o.gen, "turn-pages", "40", err, sizeof err), 0);
    assert_int_equal(quiz_make(&o, &qz, err, sizeof err), -1);
    assert_non_null(strstr(err, "at most 100 accesses"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_options_same_quiz),
        cmocka_unit_test(test_arg_lines),
        cmocka_unit_test(test_keys_check),
        cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_variety),
        cmocka_unit_test(test_check_numbers),
        cmocka_unit_test(test_check_pairs),
        cmocka_unit_test(test_grade_answers),
        cmocka_unit_test(test_policy_keys),
        cmocka_unit_test(test_policy_belady),
        cmocka_unit_test(test_policy_check),
        cmocka_unit_test(test_policy_options),
        cmocka_unit_test(test_tlb_keys),
        cmocka_unit_test(test_tlb_given),
        cmocka_unit_test(test_tlb_check_and_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
