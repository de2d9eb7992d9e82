/* cmd_import.h -- `vmsim import`: the command line of the importers
 * (import.h). */
#ifndef VMSIM_CLI_IMPORT_H
#define VMSIM_CLI_IMPORT_H

/* cli_import: runs `vmsim import` with the words after "import". Returns
 * the exit status: 0, or 2 for an error in the record, on the command line
 * or in reading or writing. */
int cli_import(int argc, char **argv);

/* cli_import_usage: `vmsim import --help`. */
extern const char cli_import_usage[];

#endif
