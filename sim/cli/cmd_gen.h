/* cmd_gen.h -- `vmsim gen`: the command line of the trace generators
 * (gen.h). */
#ifndef VMSIM_CLI_GEN_H
#define VMSIM_CLI_GEN_H

/* cli_gen: runs `vmsim gen` with the words after "gen". Returns the exit
 * status: 0, or 2 for an error on the command line or in writing. */
int cli_gen(int argc, char **argv);

#endif
