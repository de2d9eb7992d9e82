/* cli_quiz.c -- `vmsim quiz`: reads the options, makes the quiz (quiz.h)
 * and prints it; the quiz options are shared with `vmsim grade --answers`. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_quiz.h"
#include "vmsim/options.h"
#include "vmsim/quiz.h"
#include "vmsim/number.h"
#include "vmsim/trace.h"

const char cli_quiz_usage[] =
    "usage: vmsim quiz [--seed S] [--profile P] [--questions N] [--arch A] [--frames N] [-c] [OPTIONS]\n"
    "\n"
    "Prints ARG lines (every option, defaults included), a short trace and numbered questions\n"
    "about it: the frame an address maps to, a frame's refcount, which lines fault and how, the\n"
    "frames in use, the process tree, a process's rss and pss, each after a given line. The\n"
    "same options give the same quiz; -c adds each answer and the reason for it.\n"
    "With --profile policy: a reference string, a few frames and a policy; does each access hit\n"
    "or miss, and which page does it replace? (-c: a table as OSTEP's paging-policy.py prints)\n"
    "With --profile tlb: a loop over a few pages and two processes taking turns, on a TLB of 4\n"
    "entries; does each access hit or miss in the TLB?\n"
    "\n"
    "  -s, --seed S         the seed (default 1)\n"
    "  --profile P          forktree, cow (default), exec, shared, pressure, mixed, policy or tlb\n"
    "  --policy NAME        policy: fifo, lru, clock, opt or random (default: drawn from the seed)\n"
    "  --pages N, --length N, --string LIST, --locality F\n"
    "                       policy: the reference string (vmsim gen --profile refstring)\n"
    "  --tlb N, --tlb-ways W, --asid\n"
    "                       tlb: the TLB (default: drawn from the seed)\n"
    "  --pages N, --trials N, --turns N, --turn-pages N\n"
    "                       tlb: the loop and the ping-pong (vmsim gen --profile tlb)\n"
    "  --questions N        how many questions (default 7, at most 100)\n"
    "  --arch A             the machine (default tiny)\n"
    "  --frames N           its frames (default: the profile's, or the fewest of 24 32 48 64 it takes)\n"
    "  --PARAM VALUE        a parameter of the profile: --procs N, --events N (vmsim gen --list)\n"
    "  --fork MODE, --zero-page, --lazy-fork, --pt-frames, --oom kill|fail,\n"
    "  --fault-around N, --exclusive-reuse, --anon-vma, --linux\n"
    "                       the machine's flags, as for vmsim run (a flag may be followed\n"
    "                       by on or off, as in the ARG lines)\n"
    "  -c                   print the answers\n"
    "  -h, --help           this text\n"
    "\n"
    "Grade a student's answers with: vmsim grade [the same options] --answers FILE\n";

/* quiz_error: an error of the quiz options, pointing at the help of the command read (quiz, or grade) */
static int quiz_error(const char *fmt, const char *arg)
{
    return cli_error(cli_command ? cli_command : "quiz", fmt, arg);
}

static bool machine_flag(enum opt_id id)
{
    switch (id) {
    case O_FORK:
    case O_ZERO:
    case O_LAZY:
    case O_LINUX:
    case O_FAULT_AROUND:
    case O_EXCL_REUSE:
    case O_ANON_VMA:
    case O_PTF:
    case O_OOM:
    case O_SWAP:
    case O_POLICY:
    case O_TLB:
    case O_TLB_WAYS:
    case O_ASID:
        return true;
    default:
        return false;
    }
}

int cli_quiz_options(int argc, char **argv, struct cli_quiz *q)
{
    memset(q, 0, sizeof *q);
    quiz_opts_default(&q->o);
    char *flags[2 * CLI_QUIZ_MAX_WORDS + 2];
    int nflags = 0;
    char err[256];
    bool no_more_opts = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!no_more_opts && !strcmp(a, "--")) { /* the end of the options; a quiz takes no other word */
            no_more_opts = true;
            continue;
        }
        if (no_more_opts)
            return quiz_error("'%s' is not an option (a quiz reads no trace)", a);
        if (!strcmp(a, "-c")) {
            q->answers = true;
            continue;
        }
        if (a[0] != '-' || !a[1] || (a[1] == '-' && !a[2]))
            return quiz_error("'%s' is not an option (a quiz reads no trace)", a);
        const char *val;
        const struct opt *op = cli_find_opt(a, &val);
        if (op && machine_flag(op->id)) {
            if (nflags + 2 > 2 * CLI_QUIZ_MAX_WORDS || q->nflagbuf == CLI_QUIZ_MAX_WORDS)
                return quiz_error("%s", "too many options");
            if (!op->takes_value && !val && i + 1 < argc && (!strcmp(argv[i + 1], "on") || !strcmp(argv[i + 1], "off"))) {
                /* "--zero-page off", as an ARG line says it */
                snprintf(q->flagbuf[q->nflagbuf], sizeof q->flagbuf[0], "%s=%s", op->name, argv[i + 1]);
                flags[nflags++] = q->flagbuf[q->nflagbuf++];
                i++;
                continue;
            }
            flags[nflags++] = argv[i];
            if (op->takes_value && !val) {
                if (i + 1 >= argc)
                    return quiz_error("%s needs a value", op->name);
                flags[nflags++] = argv[++i];
            }
            continue;
        }
        if (op && op->id != O_ARCH && op->id != O_FRAMES && op->id != O_SEED) /* --seed: the quiz's own */
            return quiz_error("%s is an option of vmsim run, not of the quiz", op->name);
        /* -s S, --name VALUE, --name=VALUE */
        char name[64];
        const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
        val = NULL;
        if (!strcmp(a, "-s")) {
            snprintf(name, sizeof name, "seed");
        } else if (a[1] == '-') {
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            if (!len || len >= sizeof name)
                return quiz_error("unknown option '%s'", a);
            memcpy(name, a + 2, len);
            name[len] = 0;
            if (eq)
                val = eq + 1;
        } else {
            return quiz_error("unknown option '%s'", a);
        }
        if (!val) {
            if (i + 1 >= argc)
                return quiz_error("--%s needs a value", name);
            val = argv[++i];
        }
        uint64_t n;
        const char *why;
        if (!strcmp(name, "seed")) {
            if (number_parse(val, strlen(val), 0, &q->o.gen.seed, &why))
                return quiz_error("--seed takes a number (decimal or 0x hex), not '%s'", val);
        } else if (!strcmp(name, "profile")) {
            q->o.gen.profile = val;
        } else if (!strcmp(name, "arch")) {
            q->o.gen.arch = val;
        } else if (!strcmp(name, "frames")) {
            if (number_parse(val, strlen(val), 0, &n, &why) || !n)
                return quiz_error("--frames: bad number '%s' (at least one frame)", val);
            if (n > QUIZ_MAX_FRAMES)
                return quiz_error("--frames: '%s' is more than a quiz takes (at most 65536 frames)", val);
            q->o.gen.frames = n;
        } else if (!strcmp(name, "questions")) {
            if (number_parse(val, strlen(val), 0, &n, &why) || !n || n > QUIZ_MAX_QUESTIONS)
                return quiz_error("--questions: '%s' is not a number from 1 to 100", val);
            q->o.questions = (unsigned)n;
        } else {
            if (q->nnames == CLI_QUIZ_MAX_WORDS)
                return quiz_error("%s", "too many parameters");
            memcpy(q->names[q->nnames], name, sizeof name);
            if (gen_opts_set(&q->o.gen, q->names[q->nnames++], val, err, sizeof err))
                return quiz_error("%s", err);
        }
    }
    /* the machine flags, read as vmsim run reads them */
    struct cli c;
    flags[nflags++] = (char *)"-";
    if (cli_parse_run(nflags, flags, &c) || cli_machine(&c))
        return 2;
    /* the TLB quiz draws its TLB unless --tlb is given, and a TLB of 0 entries has no hit to ask about */
    bool tlb_quiz = q->o.gen.profile && !strcmp(q->o.gen.profile, QUIZ_TLB_PROFILE);
    if (tlb_quiz && vm_options_gives(&c.machine, "--tlb") && !c.o.cfg.tlb_entries)
        return quiz_error("%s", "the tlb quiz needs a TLB: --tlb takes 1 or more entries here");
    /* the other quizzes ask nothing of a TLB: its options there would be silently lost */
    if (!tlb_quiz && (vm_options_gives(&c.machine, "--tlb") || vm_options_gives(&c.machine, "--tlb-ways") ||
                      vm_options_gives(&c.machine, "--asid")))
        return quiz_error("%s", "--tlb, --tlb-ways and --asid are options of the TLB quiz (--profile tlb); the other "
                                "quizzes ask nothing of a TLB");
    q->o.asid_given = vm_options_gives(&c.machine, "--asid");
    q->o.cfg = c.o.cfg;
    return 0;
}

int cli_quiz(int argc, char **argv)
{
    if (cli_asks_help(argc, argv)) {
        fputs(cli_quiz_usage, stdout);
        return 0;
    }
    struct cli_quiz q;
    if (cli_quiz_options(argc, argv, &q))
        return 2;
    struct quiz qz;
    char err[512];
    if (quiz_make(&q.o, &qz, err, sizeof err))
        return quiz_error("%s", err);
    quiz_write(stdout, &qz, q.answers);
    quiz_free(&qz);
    if (fflush(stdout) || ferror(stdout)) {
        fputs("vmsim: error: cannot write the quiz\n", stderr);
        return 2;
    }
    return 0;
}
