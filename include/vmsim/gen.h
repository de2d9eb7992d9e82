/* gen.h -- trace generators: `vmsim gen`.
 *
 * Two families of profiles:
 *   - workloads, for plots: shell, prefork, snapshot, zygote, build, cowtest,
 *     swap; each follows a program people know, with sizes and rates as
 *     parameters and `mark` lines at its phase boundaries; refstring, a
 *     reference string of one process (given, or drawn with locality); and
 *     tlb, OSTEP's TLB measurement loop and a ping-pong of two processes;
 *   - random problems, for homework: forktree, cow, exec, shared, pressure,
 *     mixed; `procs` and `events` set their size.
 *
 * Guarantees, for every profile and every accepted parameter:
 *   - the output depends only on the options (profile, seed, arch, frames,
 *     parameters): the same bytes on any machine. The generator draws from
 *     its own PRNG (splitmix64, below), never from rand(), and decides with
 *     integer arithmetic only;
 *   - the trace is valid: `vmsim run --arch A --frames N` with the arch and
 *     frames it was made for never stops with an error (exit 2), whatever
 *     the fork mode and machine flags, and it holds no `expect` line (exit 0).
 *     The generator runs every line it writes, but the accesses, on a
 *     machine of the library's own (engine.h: processes, parents, zombies,
 *     vfork suspension, address spaces and their VMAs, heaps), checks each
 *     access against that machine's VMAs, and writes only lines it accepts.
 *     Whether memory runs out is not modelled: it never makes a line
 *     invalid, because an event of a process that was killed, or whose fork
 *     failed, is skipped, and a wait always names its child;
 *   - the random problems other than `pressure` bound what they could ever
 *     need (every page of every VMA present, copied as by `--fork copy`, page
 *     tables in frames as by `--pt-frames`, every file page cached) by the
 *     frames: on that machine nothing is reclaimed, killed or failed, in any
 *     mode. `pressure` allows three times the frames, so that reclaim and OOM
 *     kills happen.
 *
 * The output starts with one `# ARG NAME VALUE` comment per option, defaults
 * included (profile, seed, arch, frames, then the profile's parameters), so
 * that a trace can be made again: `vmsim gen --NAME VALUE ...` with those
 * lines gives the same bytes. An `options ...` line (trace.h) follows when
 * the arch or the frames are not `vmsim run`'s defaults, or the profile runs
 * with swap (refstring and swap: `--swap` and `--policy` too) or a TLB
 * (tlb: `--tlb`, and `--tlb-ways` and `--asid` when they are set), so that the
 * trace runs on its machine as it is; then the profile's own
 * comment lines (refstring: the string as numbers), the `program` lines and
 * the events.
 */
#ifndef VMSIM_GEN_H
#define VMSIM_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmsim/arch.h"

#define GEN_DEFAULT_SEED 1
#define GEN_DEFAULT_PROFILE "mixed"
#define GEN_MAX_PARAMS 16 /* settings in one gen_opts */

/* ---- the PRNG ------------------------------------------------------------ */

/* splitmix64 (Steele, Lea, Flood 2014): a 64-bit state advanced by the
 * golden-ratio increment and mixed. Seed 0 gives 0xe220a8397b1dcdaf,
 * 0x6e789e6aa1b965f4, 0x06c45d188009454f first. */
struct gen_rng {
    uint64_t state;
};

void gen_rng_seed(struct gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(struct gen_rng *r);
/* gen_rng_below: uniform in [0, n), without bias (values of the low zone
 * that would favour small results are drawn again); 0 when n is 0, drawing
 * nothing. */
uint64_t gen_rng_below(struct gen_rng *r, uint64_t n);

/* ---- profiles and their parameters -------------------------------------- */

enum gen_param_kind {
    GP_COUNT,    /* a number: min .. max */
    GP_SIZE,     /* bytes, written as in a trace (64K, 16M, 8p); min .. max bytes, 0 max: no bound */
    GP_FRACTION, /* 0 .. 1, written 0.25 or 25%; kept in millionths */
    GP_WORD,     /* one of the words of `words`, "a|b"; kept as its index */
    GP_LIST      /* page numbers separated by commas, each maybe followed by w (3,1,4w), or the word random */
};

struct gen_param_info {
    const char *name;
    enum gen_param_kind kind;
    const char *def;       /* the default, as on the command line */
    const char *def_small; /* the default on an arch of fewer than 32 address bits (NULL: def) */
    uint64_t min, max;
    const char *words; /* GP_WORD: "fork|vfork" */
    const char *help;
};

struct gen_profile_info {
    const char *name;
    bool workload;    /* a workload (else a random problem) */
    const char *arch; /* the default --arch */
    uint64_t frames;  /* the default --frames (0: the arch's) */
    const char *help;
    const struct gen_param_info *params;
    size_t nparams;
};

/* gen_profiles: every profile, workloads first; *n gets their number. */
const struct gen_profile_info *gen_profiles(size_t *n);
/* gen_profile_find: the profile of that name, or NULL. */
const struct gen_profile_info *gen_profile_find(const char *name);

/* ---- generating ---------------------------------------------------------- */

struct gen_setting {
    const char *name; /* a parameter of the profile, without "--" */
    const char *value;
};

struct gen_opts {
    const char *profile; /* NULL: GEN_DEFAULT_PROFILE */
    const char *shown;   /* the profile's name in messages (a quiz's own name); NULL: profile */
    uint64_t seed;
    const char *arch; /* NULL: the profile's default */
    uint64_t frames;  /* 0: the profile's default */
    size_t nsettings;
    struct gen_setting settings[GEN_MAX_PARAMS]; /* the parameters given; the rest take their defaults */
};

/* gen_opts_default: the default profile and seed, nothing set. */
void gen_opts_default(struct gen_opts *o);

/* gen_opts_set: records NAME=VALUE (the strings are not copied); setting a
 * name again replaces its value. Names and values are checked against the
 * profile by gen_machine and gen_trace. 0, or -1 when there are too many
 * settings. */
int gen_opts_set(struct gen_opts *o, const char *name, const char *value, char *err, size_t errlen);

/* gen_opts_get: the value given to parameter name (true), or false when it
 * was not given; *value may be NULL */
bool gen_opts_get(const struct gen_opts *o, const char *name, const char **value);

/* gen_machine: the arch and frames the trace of these options is made for
 * (run it with those). 0, or -1 with a message in err (the same checks as
 * gen_trace). */
int gen_machine(const struct gen_opts *o, struct arch *arch, uint32_t *frames, char *err, size_t errlen);

/* gen_trace: checks the options and writes the trace to out. 0, or -1 with
 * a message in err (an unknown profile or parameter, a bad value, sizes that
 * do not fit the arch): then nothing is written. */
int gen_trace(const struct gen_opts *o, FILE *out, char *err, size_t errlen);

#endif
