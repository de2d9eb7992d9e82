/* quiz_kit.c -- what every kind of quiz shares: the quiz's lifetime and the
 * small pieces of text handling (quiz_kit.h). quiz.c, quiz_policy.c and
 * quiz_tlb.c build on it; it builds on none of them. */
#include "quiz_kit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/quiz.h"
#include "vmsim/runner.h"
#include "vmsim/util.h"

void quiz_free(struct quiz *qz)
{
    for (size_t i = 0; i < qz->n; i++) {
        struct quiz_question *q = &qz->q[i];
        free(q->text);
        free(q->answer);
        free(q->reason);
        free(q->extra);
        free(q->pairs);
        free(q->memory);
    }
    free(qz->q);
    free(qz->string);
    free(qz->memory_head);
    free(qz->draws);
    free(qz->args);
    free(qz->flags);
    free(qz->trace);
    memset(qz, 0, sizeof *qz);
}

char *quiz_take_string(UT_string *s)
{
    char *r = vm_xstrndup(utstring_body(s), utstring_len(s));
    utstring_free(s);
    return r;
}

void quiz_keep_why(void *ctx, const struct ev *ev, const char *why)
{
    (void)ev;
    utstring_clear((UT_string *)ctx);
    utstring_bincpy((UT_string *)ctx, why, strlen(why));
}

int quiz_word(const char **pp, char w[QUIZ_WORD_MAX])
{
    const char *p = *pp;
    size_t n = 0;
    while (isalnum((unsigned char)*p)) {
        if (n + 1 < QUIZ_WORD_MAX)
            w[n] = (char)tolower((unsigned char)*p);
        n++;
        p++;
    }
    *pp = p;
    if (n >= QUIZ_WORD_MAX)
        return -1;
    w[n] = 0;
    return 0;
}

bool quiz_is_one_of(const char *w, const char *const *list)
{
    while (*list && strcmp(*list, w))
        list++;
    return *list != NULL;
}

int quiz_run_trace(const struct vm_config *cfg, const char *trace, size_t len, struct vm_observer *obs, unsigned n)
{
    struct run_opts o;
    run_opts_default(&o);
    o.cfg = *cfg;
    o.trace = "quiz";
    o.mem = trace;
    o.mem_len = len;
    o.summary = false;
    o.out = o.err = NULL;
    o.observers = obs;
    o.nobservers = n;
    return vmsim_run(&o, NULL) == 2 ? -1 : 0;
}
