/* options.h -- the options of the simulated machine: one parser, one set of
 * names and one set of messages for the command line and for a trace's
 * `options` lines.
 *
 * The machine's options are --arch, --frames, --mem, --fork, --zero-page,
 * --lazy-fork, --linux, --fault-around, --exclusive-reuse, --anon-vma,
 * --pt-frames, --oom, --swap, --policy, --seed and --cost (`vmsim run
 * --help` says what each does). What a run writes, checks and limits is the
 * command line's alone.
 *
 * A struct vm_options is a layer: the machine options given in one place
 * (the command line, or a trace's `options` lines), in their order. Each is
 * checked as it is given (vm_options_set, vm_options_parse): its name, and
 * its value as far as the value alone can tell (a word of its list, a
 * number, an arch, prices); --frames and --mem together are an error in one
 * layer. What needs the arch (--mem and --swap in its pages, --max-frames)
 * is checked when the layers are resolved into a machine
 * (vm_options_resolve), the arch first.
 *
 * Layers: a later layer overrides an earlier one option by option, whatever
 * the order each was given in: the command line's --frames 16 wins over the
 * trace's --frames 12, wherever each stood. --frames and --mem are one
 * setting (the memory); --linux sets five (--zero-page, --lazy-fork,
 * --fault-around, --exclusive-reuse, --anon-vma); each price of --cost is a
 * setting of its own. Within a layer a later option wins over an earlier
 * one, as on a command line. What no layer gives keeps vmsim run's default
 * (vm_config_default; the frames: the arch's default_frames).
 *
 * Messages name the option as written ("--fork takes cow, copy or sharept,
 * not 'cwo'"); the caller says where ("vmsim: error: ", "FILE:LINE: error:
 * "). A value longer than VM_OPTION_VALUE_MAX - 1 bytes, or more than
 * VM_OPTIONS_MAX options in one layer, is an error too.
 *
 * A new option of the machine is a row of the table in options.c, the
 * settings it gives, and its cases in check() and apply() there; the
 * command line's own table (sim/cli) hands every option this header knows
 * to vm_options_set.
 */
#ifndef VMSIM_OPTIONS_H
#define VMSIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim/machine.h"

#define VM_OPTIONS_MAX 32       /* options in one layer */
#define VM_OPTION_VALUE_MAX 160 /* bytes of a value, its 0 included */

/* one option as given */
struct vm_option {
    unsigned char id;              /* its row in the table (options.c) */
    bool on;                       /* a flag: --flag or --flag=on (true), --flag=off */
    char val[VM_OPTION_VALUE_MAX]; /* the value of an option that takes one */
    uint64_t line;                 /* the trace's line; 0 on the command line */
};

struct vm_options {
    struct vm_option o[VM_OPTIONS_MAX];
    unsigned n;
};

/* vm_options_init: an empty layer (a zeroed one is empty too). */
void vm_options_init(struct vm_options *o);

/* vm_option_is: is the word "--name" (up to an '=' if any) an option of
 * the machine? */
bool vm_option_is(const char *word);

/* vm_options_set: adds option name ("--frames") with its value: val is
 * NULL for a flag given alone, "on" or "off" for --flag=on/off, and the
 * value of an option that takes one (NULL there is an error: "--frames
 * needs a value"). line is where it was given (0: the command line). 0, or
 * -1 with a message in err naming the option. */
int vm_options_set(struct vm_options *o, const char *name, const char *val, uint64_t line, char *err,
                   size_t errlen);

/* vm_options_parse: the words of [text, text+len) as a command line writes
 * them (--name VALUE, --name=VALUE, --flag, --flag=on|off; blanks are
 * spaces and tabs), added to o at line. A word that is not an option of
 * the machine is an error that names it (with the nearest option's name
 * when one is a letter or two away). 0, or -1 with a message in err. */
int vm_options_parse(struct vm_options *o, const char *text, size_t len, uint64_t line, char *err, size_t errlen);

/* vm_options_gives: does o give option name ("--arch")? */
bool vm_options_gives(const struct vm_options *o, const char *name);

/* vm_options_line: the trace's line that gave option name in o (the last,
 * if several did); 0 when none did, or the command line gave it. */
uint64_t vm_options_line(const struct vm_options *o, const char *name);

/* vm_options_resolve: the machine of the layers trace and then given (either
 * may be NULL), for a run that allows max_frames frames at most (0: any).
 * Sets every field of *cfg but cfg->lim, which it keeps. 0; or -1 with a
 * message in err, *cfg unchanged, and in *line the trace's line to blame:
 * the line of the option at fault when the trace gave it, else the line of
 * the trace's --arch when the arch makes a size of the command line wrong
 * (--mem 1K on a machine of 4 KiB pages), else 0 (the command line alone
 * is at fault). */
int vm_options_resolve(const struct vm_options *trace, const struct vm_options *given, uint64_t max_frames,
                       struct vm_config *cfg, uint64_t *line, char *err, size_t errlen);

/* vm_options_describe: what `vmsim run -v` says of a trace's options, at
 * the start of the run: "options from the trace: --arch tiny --frames 12;
 * the command line overrides --frames 12 (with --frames 16)" -- the
 * trace's options as given (those a later one of the trace overrides left
 * out), then each one that given overrides, "in part" when it overrides
 * only some of its settings (--linux, by --zero-page=off), with the
 * options of given that do. Cut to fit buf (len > 0). Returns buf. */
const char *vm_options_describe(const struct vm_options *trace, const struct vm_options *given, char *buf,
                                size_t len);

#endif
