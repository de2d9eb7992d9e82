/* cmd_run.c -- `vmsim run`: the options of a run (shared by compare, quiz
 * and grade), their parser, and the run itself, handed to the library
 * (runner.h). Nothing of the model lives here. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "vmsim/html.h"
#include "vmsim/runner.h"
#include "vmsim/number.h"
#include "vmsim/options.h"
#include "vmsim/trace.h"

const char *cli_command;

const char cli_run_usage[] =
    "usage: vmsim run [OPTIONS] TRACE\n"
    "\n"
    "Runs TRACE ('-': standard input) line by line on a simulated machine and prints a summary\n"
    "of the run. Options may come before or after TRACE.\n"
    "\n"
    "machine:\n"
    "  --arch NAME          x86_64 (default), sv39, i386, tiny, or va=N,page=SIZE,levels=L\n"
    "  --frames N           physical memory in frames (default 16384; 64 for tiny)\n"
    "  --mem SIZE           physical memory in bytes, e.g. 64M (instead of --frames)\n"
    "  --fork MODE          cow (default), copy (eager copy) or sharept (shared leaf tables)\n"
    "  --zero-page          reads of untouched anonymous pages map the shared zero page\n"
    "  --lazy-fork          a fork gives the child no entries for VMAs without anon frames\n"
    "  --pt-frames          page tables take frames from the pool\n"
    "  --oom kill|fail      when no frame is left: kill the largest process (default) or stop\n"
    "\n"
    "closer to Linux (docs/linux.md):\n"
    "  --fault-around N     a file read fault also maps the cached pages of its N-page\n"
    "                       window, aligned to N pages (1: off, the default)\n"
    "  --exclusive-reuse    mprotect adding w makes entries of exclusive anon frames writable\n"
    "  --anon-vma           with --lazy-fork: skip only VMAs that never had an anon page\n"
    "  --linux              all of these: --zero-page --lazy-fork --fault-around 16\n"
    "                       --exclusive-reuse --anon-vma (--linux=off: none)\n"
    "\n"
    "swap and page replacement (on with --swap or --policy):\n"
    "  --swap SIZE          swap space in bytes or pages (64p), rounded down to pages\n"
    "  --policy NAME        the victim when memory is full: fifo, lru, clock (default), opt\n"
    "                       or random\n"
    "  --seed N             the seed of --policy random (default 1)\n"
    "\n"
    "TLB:\n"
    "  --tlb N              a TLB of N entries (default 0: none; at most 65536)\n"
    "  --tlb-ways W         W ways per set, N/W sets (W divides N; default N: fully\n"
    "                       associative)\n"
    "  --asid               entries tagged by address space: no flush at a context switch\n"
    "\n"
    "output:\n"
    "  --format FMT         summary as text (default), json or csv\n"
    "  -o, --output FILE    write the summary to FILE ('-': standard output)\n"
    "  -q, --quiet          no summary (not with -o)\n"
    "  -v, --verbose        one line per event: what it did\n"
    "  --check              verify the model's invariants after every event\n"
    "  --timeline FILE      a CSV row per event: counters, simulated time, last mark\n"
    "                       ('-': standard output)\n"
    "  --every N            with --timeline: only every N-th event\n"
    "  --html FILE          a step-through view of the run, one HTML page\n"
    "  --html-max-events N  the view records N event lines at most (default 10000; 0: all)\n"
    "  --cost NAME=NS,...   prices of the cost model (fork vfork exec fault zero copy\n"
    "                       cache_load pte table teardown unmap walk_step tlb_invalidate\n"
    "                       tlb_flush), in simulated ns, plain decimal, 0 to 10^12\n"
    "\n"
    "limits (0 = none):\n"
    "  --max-events N       event lines (default 0)\n"
    "  --max-accesses N     reads and writes, touch pages included (default 0)\n"
    "  --max-procs N        processes at once (default 0)\n"
    "  --max-vmas N         VMAs in one address space (default 65530)\n"
    "  --max-memory SIZE    memory the simulator may use for the model (default 4G)\n"
    "  --max-line N         bytes in one trace line (default 65536)\n"
    "  --max-warnings N     warnings shown, the rest counted at the end (default: all;\n"
    "                       0 shows none)\n"
    "  --max-frames N       refuse a machine of more than N frames (default 0)\n"
    "\n"
    "  -h, --help           this text\n"
    "\n"
    "A flag may be written --flag=on or --flag=off. Numbers are decimal or 0x hex, with an\n"
    "optional K, M, G or T suffix. The trace language: man vmsim-trace (man -l\n"
    "man/vmsim-trace.5 in the source tree), or docs/trace-format.md.\n"
    "\n"
    "exit status: 0 all well, 1 an expectation failed, 2 an error in the trace or the command line\n";

/* where cli_error writes: stderr, or the buffer of cli_error_keep */
static char *kept;
static size_t kept_len;

void cli_error_keep(char *buf, size_t len)
{
    kept = len ? buf : NULL;
    kept_len = len;
    if (kept)
        kept[0] = 0;
}

int cli_error(const char *cmd, const char *fmt, const char *arg)
{
    if (kept) {
        snprintf(kept, kept_len, fmt, arg);
        return 2;
    }
    fputs("vmsim: error: ", stderr);
    fprintf(stderr, fmt, arg);
    if (cmd)
        fprintf(stderr, "\n(try 'vmsim %s --help')\n", cmd);
    else
        fputs("\n(try 'vmsim help')\n", stderr);
    return 2;
}

int usage_error(const char *fmt, const char *arg) { return cli_error(cli_command, fmt, arg); }

static int parse_u64(const char *s, uint64_t *out)
{
    const char *why;
    /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): s is the word of an option that takes one */
    return number_parse(s, strlen(s), 0, out, &why);
}




/* number_error: fmt names the bad number val; a suffix of the wrong case
 * ("64m") says so */
static int number_error(const char *fmt, const char *val)
{
    char msg[256];
    size_t n = (size_t)snprintf(msg, sizeof msg, fmt, val);
    char fix = number_suffix_fix(val, strlen(val), 0);
    if (fix && n < sizeof msg)
        snprintf(msg + n, sizeof msg - n, " (the suffixes K, M, G and T are upper case: %.*s%c)",
                 (int)(strlen(val) - 1), val, fix);
    return usage_error("%s", msg);
}

static const struct opt opts[] = {
    {"--arch", NULL, O_ARCH, 1},
    {"--frames", NULL, O_FRAMES, 1},
    {"--mem", NULL, O_MEM, 1},
    {"--fork", NULL, O_FORK, 1},
    {"--zero-page", NULL, O_ZERO, 0},
    {"--lazy-fork", NULL, O_LAZY, 0},
    {"--linux", NULL, O_LINUX, 0},
    {"--fault-around", NULL, O_FAULT_AROUND, 1},
    {"--exclusive-reuse", NULL, O_EXCL_REUSE, 0},
    {"--anon-vma", NULL, O_ANON_VMA, 0},
    {"--pt-frames", NULL, O_PTF, 0},
    {"--oom", NULL, O_OOM, 1},
    {"--swap", NULL, O_SWAP, 1},
    {"--policy", NULL, O_POLICY, 1},
    {"--seed", NULL, O_SEED, 1},
    {"--tlb", NULL, O_TLB, 1},
    {"--tlb-ways", NULL, O_TLB_WAYS, 1},
    {"--asid", NULL, O_ASID, 0},
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

/* opt_name: the long name of option id */
static const char *opt_name(enum opt_id id)
{
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
        if (opts[k].id == id)
            return opts[k].name;
    return NULL;
}

/* flag_value: a flag alone is on; --flag=on / --flag=off say which */
static int flag_value(enum opt_id id, const char *val, bool *out)
{
    if (!val || !strcmp(val, "on"))
        *out = true;
    else if (!strcmp(val, "off"))
        *out = false;
    else {
        char msg[128];
        snprintf(msg, sizeof msg, "%s takes =on or =off, not '%%s'", opt_name(id));
        return usage_error(msg, val);
    }
    return 0;
}

static bool opt_takes_value(enum opt_id id)
{
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
        if (opts[k].id == id)
            return opts[k].takes_value;
    return false;
}

/* word_option: val as one of the words of an enumeration (-1 after a
 * message naming the option and the words it takes) */
static int word_option(const char *opt, const char *const *names, int n, const char *val)
{
    int k = vm_name_index(names, n, val);
    if (k < 0) {
        char list[128], msg[256];
        snprintf(msg, sizeof msg, "%s takes %s, not '%%s'", opt, vm_name_list(names, n, list, sizeof list));
        usage_error(msg, val);
    }
    return k;
}

/* apply_machine: an option of the simulated machine, given to the
 * library's parser (options.h), which reads a trace's options lines too.
 * 1: not one of them */
static int apply_machine(struct cli *c, enum opt_id id, const char *val, bool on)
{
    const char *name = opt_name(id);
    if (!name || !vm_option_is(name))
        return 1;
    char err[256];
    if (vm_options_set(&c->machine, name, opt_takes_value(id) ? val : on ? NULL : "off", 0, err, sizeof err))
        return usage_error("%s", err);
    return 0;
}

/* apply_output: what the run writes. 1: not one of them */
static int apply_output(struct cli *c, enum opt_id id, const char *val, bool on)
{
    struct run_opts *o = &c->o;
    int k;
    switch (id) {
    case O_FORMAT:
        if ((k = word_option("--format", out_format_names, OUT_FORMATS, val)) < 0)
            return 2;
        o->format = (enum out_format)k;
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
    case O_HELP:
        fputs(cli_run_usage, stdout);
        exit(0);
    default:
        return 1;
    }
}

/* the options of apply_limit, and what each takes, for its error */
static const struct {
    enum opt_id id;
    const char *takes;
} limit_takes[] = {
    {O_MAX_EVENTS, "a number of event lines (0: no limit)"},
    {O_MAX_ACCESSES, "a number of reads and writes (0: no limit)"},
    {O_MAX_PROCS, "a number of processes (0: no limit)"},
    {O_MAX_VMAS, "a number of VMAs (0: no limit)"},
    {O_MAX_MEMORY, "a size in bytes, e.g. 4G (0: no limit)"},
    {O_MAX_LINE, "a number of bytes (0: no limit)"},
    {O_MAX_WARNINGS, "a number of warnings (0: none shown)"},
    {O_MAX_FRAMES, "a number of frames (0: no limit)"},
    {O_EVERY, "a number of events (1: every one)"},
    {O_HTML_MAX, "a number of event lines (0: all)"},
};

/* limit_error: a bad number for option id, naming the option and what it
 * takes */
static int limit_error(enum opt_id id, const char *val)
{
    const char *name = "", *takes = "a number";
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
        if (opts[k].id == id)
            name = opts[k].name;
    for (size_t k = 0; k < sizeof limit_takes / sizeof limit_takes[0]; k++)
        if (limit_takes[k].id == id)
            takes = limit_takes[k].takes;
    char fmt[192];
    snprintf(fmt, sizeof fmt, "%s takes %s, not '%%s'", name, takes);
    return number_error(fmt, val);
}

/* apply_limit: the limits and counts, all numbers */
static int apply_limit(struct cli *c, enum opt_id id, const char *val)
{
    struct run_opts *o = &c->o;
    uint64_t n;
    if (parse_u64(val, &n))
        return limit_error(id, val);
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
        c->every_given = true;
        break;
    case O_MAX_FRAMES:
        c->max_frames = n;
        break;
    case O_HTML_MAX:
        c->html_max = n;
        break;
    default:
        o->max_warnings = n > UINT_MAX ? UINT_MAX : (unsigned)n;
        break;
    }
    return 0;
}

static int apply(struct cli *c, enum opt_id id, const char *val)
{
    bool on = true;
    if (!opt_takes_value(id) && flag_value(id, val, &on))
        return 2;
    int r = apply_machine(c, id, val, on);
    if (r == 1)
        r = apply_output(c, id, val, on);
    if (r == 1)
        r = apply_limit(c, id, val);
    return r;
}

/* machine: the machine of the command line, once every option is known.
 * The run makes it again over the trace's options lines (runner.h); an
 * error that the trace's arch may undo (--mem 1K on the default x86_64) is
 * left to the run unless --arch is given. */
static int machine(struct cli *c)
{
    char err[256];
    uint64_t line;
    c->o.machine = &c->machine;
    c->o.max_frames = c->max_frames;
    if (vm_options_resolve(NULL, &c->machine, c->max_frames, &c->o.cfg, &line, err, sizeof err) &&
        vm_options_gives(&c->machine, "--arch"))
        return usage_error("%s", err);
    return 0;
}

int cli_machine(struct cli *c)
{
    char err[256];
    uint64_t line;
    if (vm_options_resolve(NULL, &c->machine, c->max_frames, &c->o.cfg, &line, err, sizeof err))
        return usage_error("%s", err);
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
    if (!c->o.summary && c->o.out_path) /* -o is where the summary goes, and -q says there is none */
        return usage_error("-q prints no summary, so -o %s would write nothing: give one of them", c->o.out_path);
    if (c->o.out_path && !strcmp(c->o.out_path, "-")) /* -o -: standard output, as without -o */
        c->o.out_path = NULL;
    /* an output that is the trace itself would be emptied before the
     * trace is read */
    if (cli_refuse_overwrite("-o", c->o.out_path, "the trace", c->o.trace) ||
        cli_refuse_overwrite("--timeline", c->o.timeline, "the trace", c->o.trace) ||
        cli_refuse_overwrite("--html", c->html, "the trace", c->o.trace))
        return 2;
    if (c->every_given && !c->o.timeline)
        return usage_error("%s", "--every picks the rows of --timeline, which is not given: add --timeline FILE or drop --every");
    return machine(c) ? 2 : 0;
}

int cli_refuse_overwrite(const char *opt, const char *out, const char *what, const char *in)
{
    struct stat so, si;
    bool from_stdin = !in || !strcmp(in, "-");
    if (!out || !strcmp(out, "-") || stat(out, &so) || !S_ISREG(so.st_mode))
        return 0;
    if (from_stdin ? fstat(STDIN_FILENO, &si) : stat(in, &si))
        return 0;
    if (!S_ISREG(si.st_mode) || si.st_dev != so.st_dev || si.st_ino != so.st_ino)
        return 0;
    char msg[1024];
    if (from_stdin)
        snprintf(msg, sizeof msg, "%s %s is the file standard input reads, %s: writing it would destroy %s (give another file)",
                 opt, out, what, what);
    else if (!strcmp(out, in))
        snprintf(msg, sizeof msg, "%s %s is %s: writing it would destroy %s (give another file)", opt, out, what,
                 what);
    else
        snprintf(msg, sizeof msg, "%s %s is %s %s: writing it would destroy %s (give another file)", opt, out,
                 what, in, what);
    return usage_error("%s", msg);
}

bool cli_asks_help(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return true;
    return false;
}

int cli_run(int argc, char **argv)
{
    if (cli_asks_help(argc, argv)) {
        fputs(cli_run_usage, stdout);
        return 0;
    }
    struct cli c;
    if (cli_parse_run(argc, argv, &c))
        return 2;
    return c.html ? html_run(&c.o, c.html, c.html_max) : vmsim_run(&c.o, NULL);
}
