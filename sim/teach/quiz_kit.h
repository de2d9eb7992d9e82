/* quiz_kit.h -- what the quiz kinds share (sim/teach, not installed).
 *
 * The kinds that follow one run access by access (the policy quiz, the TLB
 * quiz) record each access with the -v explanation of its event; these are
 * the small pieces of that recording they have in common, defined in
 * quiz_kit.c (with quiz_free of vmsim/quiz.h, which every kind calls on
 * the way out of a failed quiz). */
#ifndef VMSIM_QUIZ_KIT_H
#define VMSIM_QUIZ_KIT_H

#include <stdbool.h>
#include <utstring.h>

#include "vmsim/event.h"
#include "vmsim/machine.h"
#include "vmsim/observe.h"

/* quiz_take_string: the text of s as a new string; s is freed */
char *quiz_take_string(UT_string *s);

/* quiz_keep_why: an explain callback (explain.h) that keeps the latest
 * explanation in the UT_string ctx, in place of the one before */
void quiz_keep_why(void *ctx, const struct ev *ev, const char *why);

/* quiz_run_trace: runs a quiz's trace (len bytes) on the machine cfg with
 * the observers obs[0 .. n), printing nothing; 0, or -1 when the run
 * stopped on an error */
int quiz_run_trace(const struct vm_config *cfg, const char *trace, size_t len, struct vm_observer *obs, unsigned n);

/* quiz_word: the word of letters and digits at *pp, lower case, into w;
 * *pp moves past it. -1 when it is QUIZ_WORD_MAX bytes or longer (no answer
 * has such a word) */
#define QUIZ_WORD_MAX 32
int quiz_word(const char **pp, char w[QUIZ_WORD_MAX]);

/* quiz_is_one_of: w is one of the words of the NULL-ended list */
bool quiz_is_one_of(const char *w, const char *const *list);

#endif
