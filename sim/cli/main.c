/* main.c -- the vmsim command: one word picks the subcommand, each in its
 * own file beside this one (cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_gen.h"
#include "cmd_import.h"
#include "cmd_quiz.h"

#define VMSIM_VERSION "0.1.0"

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "no command");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return cli_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "compare"))
        return cli_compare(argc - 2, argv + 2);
    if (!strcmp(cmd, "gen"))
        return cli_gen(argc - 2, argv + 2);
    if (!strcmp(cmd, "quiz"))
        return cli_quiz(argc - 2, argv + 2);
    if (!strcmp(cmd, "grade"))
        return cli_grade(argc - 2, argv + 2);
    if (!strcmp(cmd, "import"))
        return cli_import(argc - 2, argv + 2);
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(cli_usage_text, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("vmsim %s\n", VMSIM_VERSION);
        return 0;
    }
    return usage_error("unknown command '%s'", cmd);
}
