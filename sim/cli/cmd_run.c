/* cmd_run.c -- `vmsim run`: the options of a run (shared by compare, quiz
 * and grade), their parser, and the run itself, handed to the library
 * (runner.h). Nothing of the model lives here. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vmsim/html.h"
#include "vmsim/runner.h"
#include "vmsim/number.h"
#include "vmsim/trace.h"

const char cli_usage_text[] =
    "usage: vmsim run [OPTIONS] TRACE      run a trace ('-' reads standard input)\n"
    "       vmsim compare [OPTIONS] TRACE  run it under every combination of the options'\n"
    "                                      comma lists (--fork cow,copy,sharept --frames 64,256;\n"
    "                                      flags as --zero-page=off,on), side by side; -j N\n"
    "                                      runs N at once (default: one per core)\n"
    "       vmsim gen [--profile NAME] [--seed S] [--PARAM VALUE]...\n"
    "                                      print a generated trace (vmsim gen --list: the profiles)\n"
    "       vmsim quiz [--seed S] [--profile P] [-c]...\n"
    "                                      a seeded problem: a trace and questions (-c: answers)\n"
    "       vmsim grade --trace FILE --tests TESTS | --seed S ... --answers FILE\n"
    "                                      grade a trace or quiz answers (text, gradescope, tap)\n"
    "       vmsim import lackey|strace [FILE]\n"
    "                                      a valgrind lackey or strace -f record as a trace\n"
    "       vmsim help                     this text\n"
    "       vmsim --version\n"
    "\n"
    "machine:\n"
    "  --arch NAME          x86_64 (default), sv39, i386, tiny, or va=N,page=SIZE,levels=L\n"
    "  --frames N           physical memory in frames (default 16384; 64 for tiny)\n"
    "  --mem SIZE           physical memory in bytes, e.g. 64M (instead of --frames)\n"
    "  --fork MODE          cow (default), copy (eager copy) or sharept (shared leaf tables)\n"
    "  --zero-page          reads of untouched anonymous pages map the shared zero page\n"
    "  --lazy-fork          a fork gives the child no entries for VMAs without anon frames\n"
    "  --linux              the same as --zero-page --lazy-fork\n"
    "  --pt-frames          page tables take frames from the pool\n"
    "  --oom kill|fail      when no frame is left: kill the largest process (default) or stop\n"
    "\n"
    "output:\n"
    "  --format FMT         summary as text (default), json or csv\n"
    "  -o, --output FILE    write the summary to FILE\n"
    "  -q, --quiet          no summary\n"
    "  -v, --verbose        one line per event: what it did\n"
    "  --check              verify the model's invariants after every event\n"
    "  --timeline FILE      a CSV row per event: counters, simulated time, last mark\n"
    "                       ('-': standard output)\n"
    "  --every N            with --timeline: only every N-th event\n"
    "  --html FILE          a step-through view of the run, one HTML page\n"
    "  --html-max-events N  the view records N event lines at most (default 10000; 0: all)\n"
    "  --cost NAME=NS,...   prices of the cost model (fork vfork exec fault zero copy\n"
    "                       cache_load pte table teardown unmap), in simulated ns\n"
    "\n"
    "limits (0 = none):\n"
    "  --max-events N       event lines (default 0)\n"
    "  --max-accesses N     reads and writes, touch pages included (default 0)\n"
    "  --max-procs N        processes at once (default 0)\n"
    "  --max-vmas N         VMAs in one address space (default 65530)\n"
    "  --max-memory SIZE    memory the simulator may use for the model (default 4G)\n"
    "  --max-line N         bytes in one trace line (default 65536)\n"
    "  --max-warnings N     skipped-event warnings shown (default 10; 0 shows none)\n"
    "  --max-frames N       refuse a machine of more than N frames (default 0)\n"
    "\n"
    "  -h, --help           this text\n"
    "\n"
    "exit status: 0 all well, 1 an expectation failed, 2 an error in the trace or the command line\n";

int cli_error(const char *cmd, const char *fmt, const char *arg)
{
    fputs("vmsim: error: ", stderr);
    fprintf(stderr, fmt, arg);
    if (cmd)
        fprintf(stderr, "\n(try 'vmsim %s --help')\n", cmd);
    else
        fputs("\n(try 'vmsim help')\n", stderr);
    return 2;
}

int usage_error(const char *fmt, const char *arg) { return cli_error(NULL, fmt, arg); }

static int parse_u64(const char *s, uint64_t *out)
{
    const char *why;
    /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): s is the word of an option that takes one */
    return number_parse(s, strlen(s), 0, out, &why);
}




static const struct opt opts[] = {
    {"--arch", NULL, O_ARCH, 1},
    {"--frames", NULL, O_FRAMES, 1},
    {"--mem", NULL, O_MEM, 1},
    {"--fork", NULL, O_FORK, 1},
    {"--zero-page", NULL, O_ZERO, 0},
    {"--lazy-fork", NULL, O_LAZY, 0},
    {"--linux", NULL, O_LINUX, 0},
    {"--pt-frames", NULL, O_PTF, 0},
    {"--oom", NULL, O_OOM, 1},
    {"--format", NULL, O_FORMAT, 1},
    {"--output", "-o", O_OUT, 1},
    {"--quiet", "-q", O_QUIET, 0},
    {"--verbose", "-v", O_VERBOSE, 0},
    {"--check", NULL, O_CHECK, 0},
    {"--max-events", NULL, O_MAX_EVENTS, 1},
    {"--max-accesses", NULL, O_MAX_ACCESSES, 1},
    {"--max-procs", NULL, O_MAX_PROCS, 1},
    {"--max-vmas", NULL, O_MAX_VMAS, 1},
    {"--max-memory", NULL, O_MAX_MEMORY, 1},
    {"--max-line", NULL, O_MAX_LINE, 1},
    {"--max-warnings", NULL, O_MAX_WARNINGS, 1},
    {"--max-frames", NULL, O_MAX_FRAMES, 1},
    {"--timeline", NULL, O_TIMELINE, 1},
    {"--every", NULL, O_EVERY, 1},
    {"--cost", NULL, O_COST, 1},
    {"--html", NULL, O_HTML, 1},
    {"--html-max-events", NULL, O_HTML_MAX, 1},
    {"--help", "-h", O_HELP, 0},
};

/* flag_value: a flag alone is on; --flag=on / --flag=off say which */
static int flag_value(const char *val, bool *out)
{
    if (!val || !strcmp(val, "on"))
        *out = true;
    else if (!strcmp(val, "off"))
        *out = false;
    else
        return usage_error("a flag takes =on or =off, not '%s'", val);
    return 0;
}

static bool opt_takes_value(enum opt_id id)
{
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
        if (opts[k].id == id)
            return opts[k].takes_value;
    return false;
}

static int apply(struct cli *c, enum opt_id id, const char *val)
{
    struct run_opts *o = &c->o;
    uint64_t n = 0;
    bool on = true;
    if (!opt_takes_value(id) && flag_value(val, &on))
        return 2;
    switch (id) {
    case O_ARCH:
        c->arch = val;
        return 0;
    case O_FRAMES:
        c->frames = val;
        return 0;
    case O_MEM:
        c->mem = val;
        return 0;
    case O_FORK:
        if (!strcmp(val, "cow")) /* NOLINT(clang-analyzer-core.NonNullParamChecker): it takes a value */
            o->cfg.fork = FORK_COW;
        else if (!strcmp(val, "copy"))
            o->cfg.fork = FORK_COPY;
        else if (!strcmp(val, "sharept"))
            o->cfg.fork = FORK_SHAREPT;
        else
            return usage_error("--fork takes cow, copy or sharept, not '%s'", val);
        return 0;
    case O_ZERO:
        o->cfg.zero_page = on;
        return 0;
    case O_LAZY:
        o->cfg.lazy_fork = on;
        return 0;
    case O_LINUX:
        o->cfg.zero_page = o->cfg.lazy_fork = on;
        return 0;
    case O_PTF:
        o->cfg.pt_frames = on;
        return 0;
    case O_OOM:
        if (!strcmp(val, "kill")) /* NOLINT(clang-analyzer-core.NonNullParamChecker): it takes a value */
            o->cfg.oom = OOM_KILL;
        else if (!strcmp(val, "fail"))
            o->cfg.oom = OOM_FAIL;
        else
            return usage_error("--oom takes kill or fail, not '%s'", val);
        return 0;
    case O_FORMAT:
        if (!strcmp(val, "text")) /* NOLINT(clang-analyzer-core.NonNullParamChecker): it takes a value */
            o->format = OUT_TEXT;
        else if (!strcmp(val, "json"))
            o->format = OUT_JSON;
        else if (!strcmp(val, "csv"))
            o->format = OUT_CSV;
        else
            return usage_error("--format takes text, json or csv, not '%s'", val);
        return 0;
    case O_OUT:
        o->out_path = val;
        return 0;
    case O_QUIET:
        o->summary = !on;
        return 0;
    case O_VERBOSE:
        o->verbose = on;
        return 0;
    case O_CHECK:
        o->check = on;
        return 0;
    case O_TIMELINE:
        o->timeline = val;
        return 0;
    case O_HTML:
        c->html = val;
        return 0;
    case O_COST: {
        char err[160];
        if (cost_model_parse(&o->cfg.cost, val, err, sizeof err))
            return usage_error("%s", err);
        return 0;
    }
    case O_HELP:
        fputs(cli_usage_text, stdout);
        exit(0);
    default:
        break;
    }
    if (parse_u64(val, &n))
        return usage_error("bad number '%s'", val);
    switch (id) {
    case O_MAX_EVENTS:
        o->cfg.lim.max_events = n;
        break;
    case O_MAX_ACCESSES:
        o->cfg.lim.max_accesses = n;
        break;
    case O_MAX_PROCS:
        o->cfg.lim.max_procs = n;
        break;
    case O_MAX_VMAS:
        o->cfg.lim.max_vmas = n;
        break;
    case O_MAX_MEMORY:
        o->cfg.lim.max_memory = n;
        break;
    case O_MAX_LINE:
        o->max_line = n ? (size_t)n : SIZE_MAX;
        break;
    case O_EVERY:
        o->every = n;
        break;
    case O_MAX_FRAMES:
        c->max_frames = n;
        break;
    case O_HTML_MAX:
        c->html_max = n;
        break;
    default:
        o->max_warnings = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
        break;
    }
    return 0;
}

/* machine: the arch and the memory size, once every option is known */
static int machine(struct cli *c)
{
    struct vm_config *cfg = &c->o.cfg;
    char err[160];
    if (arch_parse(&cfg->arch, c->arch ? c->arch : "x86_64", err, sizeof err))
        return usage_error("--arch: %s", err);
    if (c->frames && c->mem)
        return usage_error("%s", "give --frames or --mem, not both");
    uint64_t frames = cfg->arch.default_frames;
    if (c->frames && parse_u64(c->frames, &frames))
        return usage_error("--frames: bad number '%s'", c->frames);
    if (c->mem) {
        uint64_t bytes;
        if (parse_u64(c->mem, &bytes))
            return usage_error("--mem: bad size '%s'", c->mem);
        frames = bytes >> cfg->arch.page_shift;
    }
    if (frames < 1)
        return usage_error("%s", "memory must hold at least one frame");
    if (c->max_frames && frames > c->max_frames) {
        snprintf(err, sizeof err, "%" PRIu64 " frames are more than --max-frames %" PRIu64, frames, c->max_frames);
        return usage_error("%s", err);
    }
    if (frames > FRAMES_MAX - 1) {
        snprintf(err, sizeof err, "%" PRIu64, frames);
        return usage_error("%s frames are too many (at most 2^31 - 1)", err);
    }
    cfg->frames = (uint32_t)frames;
    return 0;
}

const struct opt *cli_find_opt(const char *a, const char **val_after_eq)
{
    const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
    size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
    *val_after_eq = eq ? eq + 1 : NULL;
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
        if ((strlen(opts[k].name) == nlen && !strncmp(opts[k].name, a, nlen)) ||
            (opts[k].short_name && !strcmp(opts[k].short_name, a)))
            return &opts[k];
    return NULL;
}

int cli_parse_run(int argc, char **argv, struct cli *c)
{
    memset(c, 0, sizeof *c);
    run_opts_default(&c->o);
    c->html_max = HTML_DEFAULT_MAX_EVENTS;
    bool no_more_opts = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (no_more_opts || a[0] != '-' || !strcmp(a, "-")) {
            if (c->nfiles++)
                return usage_error("one trace at a time ('%s' is one more)", a);
            c->o.trace = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            no_more_opts = true;
            continue;
        }
        const char *val;
        const struct opt *op = cli_find_opt(a, &val);
        if (!op)
            return usage_error("unknown option '%s'", a);
        if (op->takes_value && !val) {
            if (i + 1 < argc)
                val = argv[++i];
            else
                return usage_error("%s needs a value", op->name);
        }
        if (apply(c, op->id, val))
            return 2;
    }
    if (!c->o.trace)
        return usage_error("%s", "no trace given (a file, or '-' for standard input)");
    return machine(c) ? 2 : 0;
}

int cli_run(int argc, char **argv)
{
    struct cli c;
    if (cli_parse_run(argc, argv, &c))
        return 2;
    return c.html ? html_run(&c.o, c.html, c.html_max) : vmsim_run(&c.o, NULL);
}
