/* cli_gen.c -- `vmsim gen`: reads the options, hands them to the generators
 * (gen.h) and writes the trace to standard output or -o FILE. */
#include "cli.h"
#include "cmd_gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/gen.h"
#include "vmsim/number.h"
#include "vmsim/trace.h"

const char cli_gen_usage[] =
    "usage: vmsim gen [--profile NAME] [--seed S] [--arch A] [--frames N] [--PARAM VALUE]... [-o FILE]\n"
    "       vmsim gen --list       the profiles and their parameters\n"
    "\n"
    "Prints a valid trace made by a profile: the same options give the same bytes.\n"
    "\n"
    "  --profile NAME       workloads: shell, prefork, snapshot, zygote, build, cowtest, refstring,\n"
    "                       swap, tlb;\n"
    "                       random problems: forktree, cow, exec, shared, pressure, mixed (default)\n"
    "  -s, --seed S         the seed of the random choices (default 1)\n"
    "  --arch A             the machine the trace is made for (default: the profile's)\n"
    "  --frames N           its memory, in frames (default: the profile's)\n"
    "  --PARAM VALUE        a parameter of the profile, e.g. --events 20 or --size=64M\n"
    "  -o, --output FILE    write the trace to FILE ('-': standard output)\n"
    "  --list               the profiles, their parameters and defaults\n"
    "  -h, --help           this text\n";

static int gen_error(const char *fmt, const char *arg) { return cli_error("gen", fmt, arg); }

static void list_profiles(FILE *out)
{
    size_t n;
    const struct gen_profile_info *p = gen_profiles(&n);
    for (int workload = 1; workload >= 0; workload--) {
        fputs(workload ? "workloads:\n" : "\nrandom problems:\n", out);
        for (size_t i = 0; i < n; i++) {
            if (p[i].workload != (workload == 1))
                continue;
            fprintf(out, "  %-10s %s\n", p[i].name, p[i].help);
            fprintf(out, "  %-10s   --arch %s", "", p[i].arch);
            if (p[i].frames)
                fprintf(out, " --frames %" PRIu64, p[i].frames);
            fputs("\n", out);
            for (size_t k = 0; k < p[i].nparams; k++) {
                const struct gen_param_info *pi = &p[i].params[k];
                char arg[64];
                if (pi->kind == GP_WORD)
                    snprintf(arg, sizeof arg, "--%s %s", pi->name, pi->words);
                else
                    snprintf(arg, sizeof arg, "--%s %s", pi->name,
                             pi->kind == GP_SIZE       ? "SIZE"
                             : pi->kind == GP_FRACTION ? "FRACTION"
                             : pi->kind == GP_LIST     ? "LIST"
                                                       : "N");
                fprintf(out, "  %-10s   %-22s %s (default %s", "", arg, pi->help, pi->def);
                if (pi->def_small)
                    fprintf(out, "; %s under 32 address bits", pi->def_small);
                fputs(")\n", out);
            }
        }
    }
}

static int parse_u64(const char *s, uint64_t *out)
{
    const char *why;
    return number_parse(s, strlen(s), 0, out, &why);
}

int cli_gen(int argc, char **argv)
{
    struct gen_opts o;
    gen_opts_default(&o);
    const char *out_path = NULL;
    char err[256];
    char pnames[2 * GEN_MAX_PARAMS][64]; /* parameter names, without "--" and "=VALUE" */
    size_t npnames = 0;
    if (cli_asks_help(argc, argv)) {
        fputs(cli_gen_usage, stdout);
        return 0;
    }
    bool no_more_opts = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (no_more_opts)
            return gen_error("'%s' is not an option (gen reads no trace)", a);
        if (!strcmp(a, "--")) { /* the end of the options; gen takes no other word */
            no_more_opts = true;
            continue;
        }
        if (!strcmp(a, "--list")) {
            list_profiles(stdout);
            return 0;
        }
        if (a[0] != '-' || !a[1])
            return gen_error("'%s' is not an option (gen reads no trace)", a);
        /* -s S, -o FILE, --name VALUE, --name=VALUE */
        char name[64];
        const char *val = NULL, *eq = strchr(a, '=');
        if (!strcmp(a, "-s") || !strcmp(a, "-o")) {
            snprintf(name, sizeof name, "%s", a[1] == 's' ? "seed" : "output");
        } else if (a[1] == '-' && a[2]) {
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            if (len == 0 || len >= sizeof name)
                return gen_error("unknown option '%s'", a);
            memcpy(name, a + 2, len);
            name[len] = 0;
            if (eq)
                val = eq + 1;
        } else {
            return gen_error("unknown option '%s'", a);
        }
        if (!val) {
            if (i + 1 >= argc) {
                snprintf(err, sizeof err, "--%s needs a value", name);
                return gen_error("%s", err);
            }
            val = argv[++i];
        }
        if (!strcmp(name, "profile")) {
            o.profile = val;
        } else if (!strcmp(name, "seed")) {
            if (parse_u64(val, &o.seed))
                return gen_error("--seed takes a number (decimal or 0x hex), not '%s'", val);
        } else if (!strcmp(name, "arch")) {
            o.arch = val;
        } else if (!strcmp(name, "frames")) {
            if (parse_u64(val, &o.frames))
                return gen_error("--frames: bad number '%s'", val);
            if (!o.frames)
                return gen_error("%s", "--frames: memory must hold at least one frame");
        } else if (!strcmp(name, "output")) { /* -o -: standard output, as without -o */
            out_path = strcmp(val, "-") ? val : NULL;
        } else {
            if (npnames == sizeof pnames / sizeof pnames[0])
                return gen_error("%s", "too many parameters");
            memcpy(pnames[npnames], name, sizeof name);
            if (gen_opts_set(&o, pnames[npnames++], val, err, sizeof err))
                return gen_error("%s", err);
        }
    }
    struct arch arch;
    uint32_t frames;
    if (gen_machine(&o, &arch, &frames, err, sizeof err))
        return gen_error("%s", err);
    FILE *out = stdout;
    if (out_path && !(out = fopen(out_path, "w"))) {
        fprintf(stderr, "vmsim: error: cannot write %s: %s\n", out_path, strerror(errno));
        return 2;
    }
    int r = gen_trace(&o, out, err, sizeof err);
    if (r) {
        if (out != stdout)
            fclose(out);
        return gen_error("%s", err);
    }
    bool bad = ferror(out) != 0;
    if (out == stdout)
        bad |= fflush(out) != 0;
    else
        bad |= fclose(out) != 0;
    if (bad) {
        fprintf(stderr, "vmsim: error: cannot write %s: %s\n", out_path ? out_path : "the trace", strerror(errno));
        return 2;
    }
    return 0;
}
