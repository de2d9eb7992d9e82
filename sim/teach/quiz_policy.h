/* quiz_policy.h -- the policy quiz (`vmsim quiz --profile policy`), inside
 * the library: quiz.c hands it the quizzes of that profile. See quiz.h. */
#ifndef VMSIM_QUIZ_POLICY_H
#define VMSIM_QUIZ_POLICY_H

#include <stdio.h>

#include "vmsim/quiz.h"

/* quiz_policy_make: a policy quiz of these options (o->gen.profile is
 * QUIZ_POLICY_PROFILE). 0, or -1 with a message in err. qz comes
 * zeroed from quiz_make, but for its time budget */
int quiz_policy_make(const struct quiz_opts *o, struct quiz *qz, char *err, size_t errlen);

/* quiz_policy_write: the quiz, with the answers as a table under -c. */
void quiz_policy_write(FILE *out, const struct quiz *qz, bool answers);

/* quiz_policy_check: is `answer` right for access question q? 1, 0, or -1
 * (not readable; why says what was expected). */
int quiz_policy_check(const struct quiz_question *q, const char *answer, char *why, size_t whylen);

#endif
