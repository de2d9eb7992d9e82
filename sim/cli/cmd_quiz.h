/* cmd_quiz.h -- `vmsim quiz` and `vmsim grade` on the command line (not part
 * of the library): the two commands, and the quiz options they share. */
#ifndef VMSIM_CLI_QUIZ_H
#define VMSIM_CLI_QUIZ_H

#include <stdbool.h>
#include <stddef.h>

#include "vmsim/quiz.h"

#define CLI_QUIZ_MAX_WORDS 32

/* the quiz options of a command line */
struct cli_quiz {
    struct quiz_opts o;
    bool answers; /* -c */
    char names[CLI_QUIZ_MAX_WORDS][64]; /* the profile parameters' names (o.gen points here) */
    size_t nnames;
    char flagbuf[CLI_QUIZ_MAX_WORDS][32]; /* "--zero-page=off" made from "--zero-page off" */
    size_t nflagbuf;
};

/* cli_quiz_options: reads argv as quiz options (seed, profile, questions,
 * arch, frames, the profile's parameters, the machine flags, -c). 0, or 2
 * after a message. */
int cli_quiz_options(int argc, char **argv, struct cli_quiz *q);

/* cli_quiz: `vmsim quiz`. Returns the exit status. */
int cli_quiz(int argc, char **argv);

/* cli_grade: `vmsim grade`, against a TESTS file or a quiz. Returns the
 * exit status: 0 every test passed, 1 some failed, 2 an error in the
 * command line or the TESTS file. */
int cli_grade(int argc, char **argv);

#endif
