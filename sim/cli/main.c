/* main.c -- the vmsim command: one word picks the subcommand, each in its
 * own file beside this one (cmd_*.c), each with its own usage text. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_gen.h"
#include "cmd_import.h"
#include "cmd_quiz.h"

#define VMSIM_VERSION "0.1.0"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
};

static const struct command commands[] = {
    {"run", cli_run, cli_run_usage},       {"compare", cli_compare, cli_compare_usage},
    {"gen", cli_gen, cli_gen_usage},       {"quiz", cli_quiz, cli_quiz_usage},
    {"grade", cli_grade, cli_grade_usage}, {"import", cli_import, cli_import_usage},
};

static const char usage[] =
    "usage: vmsim COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "commands:\n"
    "  run [OPTIONS] TRACE      run a trace ('-' reads standard input), print a summary\n"
    "  compare [OPTIONS] TRACE  run a trace under every combination of comma-listed options,\n"
    "                           side by side\n"
    "  gen [OPTIONS]            print a generated trace: a workload or a random problem\n"
    "  quiz [OPTIONS]           print a seeded problem: a trace and questions (-c: answers)\n"
    "  grade [OPTIONS]          grade a submitted trace against tests, or answers to a quiz\n"
    "  import FORMAT [FILE]     a record of a real program (valgrind lackey, strace -f) as a trace\n"
    "  help [COMMAND]           this text, or the options of COMMAND\n"
    "  --version                the version\n"
    "\n"
    "'vmsim help COMMAND' or 'vmsim COMMAND --help' lists the options of a command.\n"
    "The manual pages vmsim(1) and vmsim-trace(5) describe the commands and the trace\n"
    "language (in the source tree: man -l man/vmsim.1, man -l man/vmsim-trace.5).\n"
    "\n"
    "exit status: 0 all well, 1 an expectation or a test failed, 2 an error (in a trace,\n"
    "on the command line, ...)\n";

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

/* command_list: the names of the commands, "run, compare, ..." */
static const char *command_list(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0] && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", commands[i].name);
    return buf;
}

static bool is_help(const char *word) { return !strcmp(word, "help") || !strcmp(word, "--help") || !strcmp(word, "-h"); }

/* written: status, or 2 after a message when standard output could not
 * take what the command wrote (a full disk, a closed descriptor, a pipe
 * whose reader left while SIGPIPE is ignored): a result that was not
 * written is no result. */
static int written(int status)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return status;
    fprintf(stderr, "vmsim: error: cannot write to standard output%s%s\n", errno ? ": " : "",
            errno ? strerror(errno) : "");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "no command");
    const char *cmd = argv[1];
    const struct command *c = find(cmd);
    if (c) {
        cli_command = c->name;
        return written(c->run(argc - 2, argv + 2));
    }
    if (is_help(cmd)) {
        if (argc > 3)
            return usage_error("%s", "help takes one command at most");
        if (argc == 3 && !is_help(argv[2])) { /* help help, help --help: this text */
            c = find(argv[2]);
            if (!c) {
                char names[128], msg[192];
                snprintf(msg, sizeof msg, "no command '%%s' (%s)", command_list(names, sizeof names));
                return usage_error(msg, argv[2]);
            }
            fputs(c->usage, stdout);
            return written(0);
        }
        fputs(usage, stdout);
        return written(0);
    }
    if (!strcmp(cmd, "--version")) {
        if (argc > 2)
            return usage_error("--version takes no other word ('%s')", argv[2]);
        printf("vmsim %s\n", VMSIM_VERSION);
        return written(0);
    }
    return usage_error("unknown command '%s'", cmd);
}
