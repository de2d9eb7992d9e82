/* quiz.h -- seeded problems with answer keys: `vmsim quiz`, and the
 * grading of a student's answers to them (`vmsim grade --answers`).
 *
 * A quiz is a short trace made by a random-problem profile of gen.h, on a
 * small machine (by default --arch tiny, and the profile's own frames for
 * it if it has them, else the fewest of 24, 32, 48, 64 it accepts), and
 * numbered questions about it, each one asked about the state after a
 * given line:
 *
 *   frame     the frame an address of a process maps to ("3", or "zero")
 *   refcount  the refcount of a frame in use
 *   faults    which lines of a range fault, and with which class
 *             ("5:demand_zero 7:cow_copy", or "none")
 *   used      how many frames are in use
 *   tree      the processes that exist, their parents and their states, as
 *             PARENT-CHILD pairs, 0-PID for a process without a parent, a
 *             zombie or suspended one followed by its state
 *             ("0-1 1-2(zombie) 1-3")
 *   rss       the rss of a running or suspended process, in pages
 *   pss       its pss, in pages (3 decimals, or a fraction)
 *
 * Questions are only asked where the answer is defined and not empty:
 * pages that are present in a process that is running or suspended, frames
 * in use, live processes with pages. Where it can, a quiz asks about shared
 * things (frames of refcount 2 or more, a child's pages, pss below rss),
 * about later lines rather than early ones, and about every kind in turn. Each answer comes with its reason: the -v explanation of the
 * line that decided it (the last line that changed the value asked for;
 * for `faults`, every access line of the range).
 *
 * The quiz depends only on its options: the trace comes from gen_trace and
 * the choice of questions from a splitmix64 stream of the seed (gen.h).
 *
 *   access    the policy quiz (below): does an access of a reference
 *             string hit or miss, and which page does it evict ("hit",
 *             "miss", "miss, replaced 3")
 *   tlb       the TLB quiz (below): does an access hit or miss in the TLB
 *             ("hit", "miss")
 */
#ifndef VMSIM_QUIZ_H
#define VMSIM_QUIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmsim/gen.h"
#include "vmsim/grade.h"
#include "vmsim/machine.h"

#define QUIZ_DEFAULT_PROFILE "cow"
#define QUIZ_DEFAULT_ARCH "tiny"
#define QUIZ_DEFAULT_QUESTIONS 7
#define QUIZ_MAX_QUESTIONS 100
/* a quiz is a problem for people: its machine has at most this many frames
 * (more would only make an answers file cost the grader memory and time) */
#define QUIZ_MAX_FRAMES 65536

enum quiz_kind { QK_FRAME, QK_REFCOUNT, QK_FAULTS, QK_USED, QK_TREE, QK_RSS, QK_PSS, QK_ACCESS, QK_TLB, QK_COUNT };
#define QK_STATE_KINDS QK_ACCESS /* the kinds a quiz about a random problem asks (access: the policy quiz; tlb: the
                                    tlb quiz) */
extern const char *const quiz_kind_names[QK_COUNT];

/* The policy quiz, `--profile policy`: a reference string (gen.h's
 * refstring) run on a machine of a few frames with swap for every page,
 * under a policy; one `access` question per access of the string: does it
 * hit or miss, and which page does a miss evict (none while a frame is
 * free)? The policy (fifo, lru, clock or opt), the frames (3 or 4) and the
 * pages (1 to 3 more than the frames) are drawn from the seed unless given
 * (--policy random too: its seed is the quiz's); the string is gen's, 12
 * accesses unless --length or --string say otherwise. The answers are the
 * model's: its facts (observe.h) say which access faulted and which frame
 * each eviction freed. With -c they are printed as a table in the manner
 * of OSTEP's paging-policy.py: hit or miss, the page replaced, the pages in
 * memory after the access, and the running counts. */
#define QUIZ_POLICY_PROFILE "policy"
#define QUIZ_POLICY_LENGTH 12

/* The TLB quiz, `--profile tlb`: gen.h's tlb workload at a small size (a
 * loop over 3 to 5 pages, twice, then a ping-pong of 4 turns of 2 pages)
 * on a TLB of 4 entries, fully associative, of 2 ways or direct-mapped,
 * with --asid or without (drawn from the seed unless --tlb, --tlb-ways and
 * --asid are given); one `tlb` question per access: does it hit or miss in
 * the TLB? The answers are the model's FACT_TLB facts. With -c they are
 * printed as a table: hit or miss, the set, the TLB's entries after the
 * access (each set from its least to its most recently used entry), the
 * entry a miss replaced or the entries a context switch flushed, and the
 * running counts. */
#define QUIZ_TLB_PROFILE "tlb"

struct quiz_opts {
    struct gen_opts gen;   /* profile (NULL: QUIZ_DEFAULT_PROFILE), seed, arch (NULL: tiny), frames (0: the fewest
                              that fit), the profile's parameters */
    unsigned questions;    /* 0: QUIZ_DEFAULT_QUESTIONS */
    struct vm_config cfg;  /* the machine flags the trace runs with (fork, zero_page, ...); its arch and frames
                              are replaced by the quiz's; its lim.max_memory bounds the model */
    double cpu_seconds;    /* the processor time that running the quiz's trace may take (0: no bound) */
    bool check_only;       /* quiz_make only checks the options (cheaply: no trace is made or run) */
    bool asid_given;       /* cfg.asid was given (--asid, --asid=off): the TLB quiz does not draw it */
};

void quiz_opts_default(struct quiz_opts *o);

/* a pair of numbers and a third: tree (ppid, pid, its enum proc_state),
 * faults (line, fault class, 0) */
struct quiz_pair {
    uint64_t a, b, c;
};

struct quiz_question {
    enum quiz_kind kind;
    uint64_t line, line2; /* after line; faults: lines line .. line2 */
    uint32_t pid;
    uint64_t addr;
    uint32_t frame;
    char *text;   /* the question */
    char *answer; /* the answer as it is written */
    char *reason; /* one line per reason, each ending in '\n' */
    char *extra;  /* tree: the pstree drawing; else NULL */
    /* the answer, for checking */
    uint64_t num;
    bool zero; /* frame: the zero page */
    double dec;
    struct quiz_pair *pairs;
    size_t npairs;
    /* access: the page accessed, whether it is a write, a hit, the page it
     * evicted (evicts), and the pages in memory after it, as text */
    uint64_t page, victim;
    bool write, hit, evicts;
    char *memory;
    uint32_t set; /* tlb: the set of the page */
};

struct quiz {
    char *args;     /* the "ARG NAME VALUE" lines */
    char *flags;    /* the options of `vmsim run` for this machine ("--arch tiny --frames 16") */
    char *trace;    /* the trace, without comments: line k is the k-th line */
    size_t len;
    uint64_t nlines;
    struct vm_config cfg;
    struct quiz_question *q;
    size_t n;
    unsigned asked; /* the questions asked for (n may be fewer: a trace where little happens) */
    /* the policy quiz: its policy, the words of its memory column, the
     * string as text, the random policy's first draws (else NULL) */
    bool policy_quiz;
    int policy;
    char *string, *memory_head, *draws;
    bool tlb_quiz; /* the TLB quiz: its machine is cfg's TLB */
    double cpu_seconds, cpu_start; /* the bound on running its trace (0: none), and when making it began */
};

/* quiz_make: generates the trace and the questions. 0, or -1 with a
 * message in err (bad options: an unknown profile or parameter, a machine
 * too small for the profile; a run that took more than o->cpu_seconds).
 * With o->check_only, only the options are checked: 0 makes no quiz (qz
 * needs no quiz_free). */
int quiz_make(const struct quiz_opts *o, struct quiz *qz, char *err, size_t errlen);
void quiz_free(struct quiz *qz);

/* quiz_write: the ARG lines, the numbered trace and the questions; with
 * answers, each question's answer and reason under it. */
void quiz_write(FILE *out, const struct quiz *qz, bool answers);

/* quiz_check: is `answer` (as a student writes it) right for question q?
 * 1 right, 0 wrong, -1 not readable as an answer of that kind (why says
 * what was expected). */
int quiz_check(const struct quiz_question *q, const char *answer, char *why, size_t whylen);

/* quiz_command: "vmsim quiz --seed 3 --profile cow ...": every option of
 * the quiz, as its ARG lines give them (a new string). */
char *quiz_command(const struct quiz *qz);

/* quiz_arg_line: is line [s, s+len) an ARG line ("ARG seed 3", as the quiz
 * prints them; leading blanks allowed)? */
bool quiz_arg_line(const char *s, size_t len);

/* quiz_grade: grades an answers file (buf, len bytes; one answer a line:
 * "Q3: 7", "q3 = 7", "3: 7", case and blanks free; '#' lines are
 * comments, ARG lines name the quiz's options and are read by the caller)
 * and adds one item per question to the report (1 point each). With reveal
 * VIS_VISIBLE each item shows the right answer and its reason; with another
 * visibility they go into one more item, of that visibility, worth nothing
 * (an info item), so that Gradescope shows them only then. */
void quiz_grade(const struct quiz *qz, const char *name, const char *buf, size_t len, enum grade_vis reveal,
                struct grade_report *r);

#endif
