/* cli.h -- what the command-line files share (not part of the library):
 * the options of `vmsim run`, their parser, and the other commands. */
#ifndef VMSIM_CLI_H
#define VMSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/options.h"
#include "vmsim/runner.h"

enum opt_id {
    O_ARCH,
    O_FRAMES,
    O_MEM,
    O_FORK,
    O_ZERO,
    O_LAZY,
    O_LINUX,
    O_FAULT_AROUND,
    O_EXCL_REUSE,
    O_ANON_VMA,
    O_PTF,
    O_OOM,
    O_SWAP,
    O_POLICY,
    O_SEED,
    O_TLB,
    O_TLB_WAYS,
    O_ASID,
    O_FORMAT,
    O_OUT,
    O_QUIET,
    O_VERBOSE,
    O_CHECK,
    O_MAX_EVENTS,
    O_MAX_ACCESSES,
    O_MAX_PROCS,
    O_MAX_VMAS,
    O_MAX_MEMORY,
    O_MAX_LINE,
    O_MAX_WARNINGS,
    O_MAX_FRAMES,
    O_TIMELINE,
    O_EVERY,
    O_COST,
    O_HTML,
    O_HTML_MAX,
    O_HELP
};
struct opt {
    const char *name;       /* --name */
    const char *short_name; /* -n, or NULL */
    enum opt_id id;
    int takes_value;        /* flags take none, or =on / =off */
};

/* the parsed command line of one run */
struct cli {
    struct run_opts o;
    struct vm_options machine; /* the machine's options (options.h); o.machine points here */
    uint64_t max_frames; /* --max-frames: the largest machine allowed (0: any) */
    const char *html;    /* --html FILE, and --html-max-events */
    uint64_t html_max;
    bool every_given; /* --every: it needs --timeline */
    int nfiles;
};

/* cli_command: the subcommand being run ("run", "compare", ...), NULL
 * before one is known. */
extern const char *cli_command;

/* cli_error: "vmsim: error: ..." and a hint to `vmsim CMD --help` (or to
 * `vmsim help` when cmd is NULL) on stderr; returns 2. usage_error is
 * cli_error for the command being run (cli_command). */
int cli_error(const char *cmd, const char *fmt, const char *arg);
int usage_error(const char *fmt, const char *arg);

/* cli_error_keep: from now on cli_error writes its message alone (no
 * "vmsim: error:", no hint) into buf, len bytes at most, for a caller that
 * read the options from a line of a file and names that line itself;
 * cli_error_keep(NULL, 0) sends them to stderr again. */
void cli_error_keep(char *buf, size_t len);

/* cli_refuse_overwrite: 2 after a usage error when the output file `out`,
 * given by option opt, is the very file (device and inode, through links)
 * of the input `in` ('-' or NULL: standard input, when it is a file),
 * which `what` names ("the trace"): writing it would destroy the input.
 * 0 otherwise, and when either does not exist yet or out is '-'. */
int cli_refuse_overwrite(const char *opt, const char *out, const char *what, const char *in);

/* cli_asks_help: -h or --help is a word of argv before "--": anywhere
 * else, even as the value of an option or after a wrong one, it asks for
 * the command's help and nothing else. */
bool cli_asks_help(int argc, char **argv);

/* cli_find_opt: the option a word names ("--x", "--x=v", "-x"), with the
 * value after '=' if any. NULL if none. */
const struct opt *cli_find_opt(const char *a, const char **val_after_eq);

/* cli_parse_run: the options and trace of `vmsim run`. 0, or 2 after a
 * message. */
int cli_parse_run(int argc, char **argv, struct cli *c);

/* cli_machine: c->o.cfg, the machine of the command line alone, for a
 * command that runs no trace's options lines (quiz, grade's TESTS flags).
 * 0, or 2 after a message. */
int cli_machine(struct cli *c);

/* the usage texts of the commands: `vmsim help CMD`, `vmsim CMD --help` */
extern const char cli_run_usage[], cli_compare_usage[], cli_gen_usage[], cli_quiz_usage[], cli_grade_usage[];

/* cli_run: `vmsim run`. Returns the exit status. */
int cli_run(int argc, char **argv);

/* cli_compare: `vmsim compare`: every combination of the options' comma
 * lists, run in parallel, side by side. Returns the exit status. */
int cli_compare(int argc, char **argv);

#endif
