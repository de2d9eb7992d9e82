/* cli_compare.c -- `vmsim compare`: one trace under every combination of
 * the options' comma lists, side by side.
 *
 *   vmsim compare TRACE --fork cow,copy,sharept --frames 256,1024
 *
 * runs 6 configurations, in parallel child processes (as many at once as
 * there are cores, or -j N), and prints one table (text), one CSV row per
 * run (the varied options first, then the exit status and the summary), or
 * one JSON document. The output does not depend on which run ends first.
 */
#define _DEFAULT_SOURCE /* mkstemp, fdopen, sysconf's _SC_NPROCESSORS_ONLN */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "vmsim/engine.h"
#include "vmsim/stats.h"
#include "vmsim/util.h"

const char cli_compare_usage[] =
    "usage: vmsim compare [OPTIONS] TRACE\n"
    "\n"
    "Runs TRACE ('-': standard input) under every combination of the options' comma lists,\n"
    "in parallel, and prints the runs side by side: a row per field of the summary and a\n"
    "column per run (text), a row per run (csv), or a document (json).\n"
    "\n"
    "  --OPTION A,B,...     an option of vmsim run with a list of values: --fork cow,copy,sharept\n"
    "                       --frames 64,256 --arch x86_64,sv39 --oom kill,fail --max-procs 8,16\n"
    "  --FLAG=off,on        a flag of vmsim run, off and on: --zero-page=off,on; a flag alone is on\n"
    "  --cost NAME=NS,...   one price list for every run (its commas do not make a list)\n"
    "  --fields LIST        the fields of the summary to show, in that order: dotted names and\n"
    "                       sections (--fields faults,memory.pages_copied,cost.total)\n"
    "  --format FMT         text (default), csv or json\n"
    "  -o, --output FILE    write the result to FILE ('-': standard output)\n"
    "  -j, --jobs N         runs at once (default: one per core)\n"
    "  -h, --help           this text\n"
    "\n"
    "-v, -q, --timeline and --every are for vmsim run. The messages of each run go to standard\n"
    "error under its label ([fork=cow frames=64] ...).\n"
    "\n"
    "exit status: the worst of the runs' (0 all well, 1 an expectation failed, 2 an error)\n";

#define COMPARE_MAX_RUNS 512
#define COMPARE_MAX_AXES 16
#define COMPARE_MAX_ALTS 64

struct axis {
    const struct opt *op;
    char *alt[COMPARE_MAX_ALTS];
    int nalt;
};

struct run_slot {
    char label[256];   /* "fork=cow frames=256" */
    int alt[COMPARE_MAX_AXES];
    char csv_path[64], json_path[64], err_path[64];
    int status;
    pid_t pid;
};

struct compare {
    struct axis axes[COMPARE_MAX_AXES];
    int naxes;
    char **fixed; /* the other words, the trace among them */
    int nfixed;
    const char *cost; /* --cost, for every run */
    char stdin_copy[64]; /* a trace read from '-', kept in a file for every run */
    enum out_format format;
    const char *out_path;
    long jobs;
    struct run_slot *runs;
    int nruns;
    size_t *rows; /* the summary's fields shown, by index in stat_descs */
    size_t nrows;
};

/* pick_fields: --fields LIST: dotted names of the summary, or sections
 * (faults: every faults.*), in the order given, each once */
static int pick_fields(struct compare *c, const char *list)
{
    bool *taken = vm_xcalloc(stat_count, sizeof *taken);
    char *copy = vm_xstrndup(list, strlen(list)), *save = NULL;
    int status = 0;
    c->nrows = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && !status; tok = strtok_r(NULL, ",", &save)) {
        size_t n = strlen(tok);
        bool any = false;
        for (size_t i = 0; i < stat_count; i++) {
            const char *path = stat_descs[i].path;
            if (strcmp(path, tok) && !(strncmp(path, tok, n) == 0 && path[n] == '.'))
                continue;
            any = true;
            if (!taken[i]) {
                taken[i] = true;
                c->rows[c->nrows++] = i;
            }
        }
        if (!any)
            status = usage_error("--fields: no field '%s' in the summary (its names are those of --format csv)", tok);
    }
    if (!status && !c->nrows)
        status = usage_error("%s", "--fields: no field given");
    free(copy);
    free(taken);
    return status;
}

/* split_alts: a comma list into alternatives; an arch list keeps custom
 * geometries whole ("x86_64,va=16,page=256,levels=2" is two archs) */
static int split_alts(struct axis *ax, const char *list)
{
    char *copy = vm_xstrndup(list, strlen(list)), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool joins = ax->op->id == O_ARCH && ax->nalt &&
                     (!strncmp(tok, "page=", 5) || !strncmp(tok, "levels=", 7));
        if (joins) {
            char *prev = ax->alt[ax->nalt - 1];
            size_t n = strlen(prev) + strlen(tok) + 2;
            char *j = vm_xmalloc(n);
            snprintf(j, n, "%s,%s", prev, tok);
            free(prev);
            ax->alt[ax->nalt - 1] = j;
            continue;
        }
        if (ax->nalt == COMPARE_MAX_ALTS) {
            free(copy);
            return usage_error("too many values for %s", ax->op->name);
        }
        ax->alt[ax->nalt++] = vm_xstrndup(tok, strlen(tok));
    }
    free(copy);
    if (!ax->nalt)
        return usage_error("no value for %s", ax->op->name);
    return 0;
}

static int parse(struct compare *c, int argc, char **argv)
{
    c->format = OUT_TEXT;
    c->fixed = vm_xcalloc((size_t)argc + 1, sizeof *c->fixed);
    c->rows = vm_xcalloc(stat_count, sizeof *c->rows);
    for (size_t i = 0; i < stat_count; i++)
        c->rows[i] = i;
    c->nrows = stat_count;
    bool no_more_opts = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val;
        if (no_more_opts || a[0] != '-' || !strcmp(a, "-")) {
            c->fixed[c->nfixed++] = argv[i];
            continue;
        }
        if (!strcmp(a, "--")) { /* the words after it are operands: a trace named -x.trace */
            no_more_opts = true;
            continue;
        }
        if (!strcmp(a, "--fields") || !strncmp(a, "--fields=", 9)) {
            const char *v = a[8] == '=' ? a + 9 : i + 1 < argc ? argv[++i] : NULL;
            if (!v)
                return usage_error("%s needs a value", "--fields");
            if (pick_fields(c, v))
                return 2;
            continue;
        }
        if (!strcmp(a, "-j") || !strcmp(a, "--jobs") || !strncmp(a, "--jobs=", 7)) {
            const char *v = !strncmp(a, "--jobs=", 7) ? a + 7 : i + 1 < argc ? argv[++i] : NULL;
            char *end = NULL;
            errno = 0;
            /* decimal digits alone: strtol would take " 4" and "+4", and
             * give LONG_MAX for a number too large */
            c->jobs = v && *v >= '0' && *v <= '9' ? strtol(v, &end, 10) : 0;
            if (!v)
                return usage_error("%s needs a value", a);
            if (!end || *end || errno || c->jobs < 1)
                return usage_error(a[1] == 'j' ? "-j takes a number of parallel runs, 1 or more, not '%s'"
                                               : "--jobs takes a number of parallel runs, 1 or more, not '%s'",
                                   v);
            continue;
        }
        const struct opt *op = cli_find_opt(a, &val);
        if (!op)
            return usage_error("unknown option '%s'", a);
        if (op->takes_value && !val) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", op->name);
            val = argv[++i];
        }
        switch (op->id) {
        case O_VERBOSE:
        case O_TIMELINE:
        case O_EVERY:
        case O_QUIET:
        case O_HELP:
        case O_HTML:
        case O_HTML_MAX:
            return usage_error("%s is for vmsim run, not compare", op->name);
        case O_FORMAT:
            if (!strcmp(val, "text"))
                c->format = OUT_TEXT;
            else if (!strcmp(val, "csv"))
                c->format = OUT_CSV;
            else if (!strcmp(val, "json"))
                c->format = OUT_JSON;
            else
                return usage_error("--format takes text, json or csv, not '%s'", val);
            continue;
        case O_OUT: /* -o -: standard output, as without -o */
            c->out_path = strcmp(val, "-") ? val : NULL;
            continue;
        case O_COST: /* one price list for every run: its commas are not a list */
            c->cost = val;
            continue;
        default:
            break;
        }
        /* an option given again: the later list wins, as in vmsim run,
         * in the runs and in their labels alike */
        struct axis *ax = NULL;
        for (int k = 0; k < c->naxes && !ax; k++)
            if (c->axes[k].op->id == op->id)
                ax = &c->axes[k];
        if (ax) {
            for (int j = 0; j < ax->nalt; j++)
                free(ax->alt[j]);
            ax->nalt = 0;
        } else if (c->naxes == COMPARE_MAX_AXES) {
            return usage_error("%s", "too many options to compare");
        } else {
            ax = &c->axes[c->naxes++];
        }
        ax->op = op;
        if (split_alts(ax, val ? val : "on"))
            return 2;
    }
    /* what every run shares, the trace and the prices, is checked once
     * here, so that its error is one plain message rather than one per run */
    char *shared[4] = {NULL, NULL, NULL, NULL};
    int nshared = 0, nopts; /* the options of shared, then "--" and the trace */
    if (c->cost) {
        shared[nshared++] = (char *)"--cost";
        shared[nshared++] = (char *)c->cost;
    }
    nopts = nshared;
    if (c->nfixed > 1)
        return usage_error("one trace at a time ('%s' is one more)", c->fixed[1]);
    if (c->nfixed) {
        shared[nshared++] = (char *)"--";
        shared[nshared++] = c->fixed[0];
    }
    if (c->nfixed && cli_refuse_overwrite("-o", c->out_path, "the trace", c->fixed[0]))
        return 2;
    struct cli run;
    if (cli_parse_run(nshared, shared, &run))
        return 2;
    /* so is a value that no run could take (--policy FIFO, --frames x):
     * each alternative alone, with the shared words, before any run starts.
     * What only a combination makes wrong (--frames with --mem) is the
     * error of the runs it makes. */
    for (int k = 0; k < c->naxes; k++)
        for (int j = 0; j < c->axes[k].nalt; j++) {
            size_t len = strlen(c->axes[k].op->name) + strlen(c->axes[k].alt[j]) + 2;
            char *word = vm_xmalloc(len), *one[5];
            snprintf(word, len, "%s=%s", c->axes[k].op->name, c->axes[k].alt[j]);
            /* the alternative among the options, before the "--" of the trace */
            for (int w = 0, n = 0; w <= nshared; w++)
                one[w] = w == nopts ? word : shared[n++];
            int bad = cli_parse_run(nshared + 1, one, &run);
            free(word);
            if (bad)
                return 2;
        }
    long n = 1;
    for (int k = 0; k < c->naxes; k++) {
        n *= c->axes[k].nalt;
        if (n > COMPARE_MAX_RUNS) {
            char buf[32];
            snprintf(buf, sizeof buf, "%d", COMPARE_MAX_RUNS);
            return usage_error("more than %s combinations to run", buf);
        }
    }
    c->nruns = (int)n;
    return 0;
}

/* argv_of: the `vmsim run` words of run r */
static char **argv_of(const struct compare *c, const struct run_slot *r, int *argc)
{
    char **v = vm_xcalloc((size_t)c->nfixed + (size_t)c->naxes + 3, sizeof *v);
    int n = 0;
    if (c->cost) {
        size_t len = strlen(c->cost) + 8;
        v[n] = vm_xmalloc(len);
        snprintf(v[n++], len, "--cost=%s", c->cost);
    }
    for (int k = 0; k < c->naxes; k++) {
        const char *name = c->axes[k].op->name, *alt = c->axes[k].alt[r->alt[k]];
        size_t len = strlen(name) + strlen(alt) + 2;
        v[n] = vm_xmalloc(len);
        snprintf(v[n++], len, "%s=%s", name, alt);
    }
    if (c->nfixed) /* the trace after "--": its name may start with '-' */
        v[n++] = vm_xstrndup("--", 2);
    for (int k = 0; k < c->nfixed; k++) {
        v[n++] = vm_xstrndup(c->fixed[k], strlen(c->fixed[k]));
    }
    *argc = n;
    return v;
}

static void free_argv(char **v, int n)
{
    for (int k = 0; k < n; k++)
        free(v[k]);
    free(v);
}

static int temp_path(char *buf, size_t len)
{
    const char *dir = getenv("TMPDIR");
    snprintf(buf, len, "%s/vmsim-compare-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(buf);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

/* child: runs one configuration, writes its summaries, exits with the
 * run's status */
static _Noreturn void child(const struct compare *c, const struct run_slot *r)
{
    int argc;
    char **argv = argv_of(c, r, &argc);
    FILE *err = fopen(r->err_path, "w");
    FILE *null = fopen("/dev/null", "w");
    if (!err || !null)
        _exit(2);
    if (c->stdin_copy[0]) { /* each run reads '-' from its own copy, named as standard input */
        int fd = open(c->stdin_copy, O_RDONLY);
        if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
            _exit(2);
        close(fd);
    }
    struct cli cl;
    int status;
    /* messages of the option parser go to this run's error file */
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(err), 2);
    status = cli_parse_run(argc, argv, &cl);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    if (!status) {
        struct vm *vm = NULL;
        cl.o.summary = false;
        cl.o.out = null;
        cl.o.err = err;
        status = vmsim_run(&cl.o, &vm);
        if (vm && status != 2) {
            FILE *csv = fopen(r->csv_path, "w"), *json = fopen(r->json_path, "w");
            if (csv)
                stats_write(csv, vm, OUT_CSV);
            if (json && c->format == OUT_JSON)
                stats_write(json, vm, OUT_JSON);
            /* a summary that could not be written whole is no result */
            if (!csv || fclose(csv) || !json || fclose(json)) {
                fprintf(err, "vmsim: error: cannot write a summary to %s: %s\n", r->csv_path, strerror(errno));
                status = 2;
            }
        }
        vm_free(vm);
    }
    fclose(err);
    fclose(null);
    free_argv(argv, argc);
    fflush(NULL);
    _exit(status);
}

static int run_all(struct compare *c)
{
    long jobs = c->jobs ? c->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs < 1)
        jobs = 1;
    int next = 0, running = 0;
    while (next < c->nruns || running) {
        if (next < c->nruns && running < jobs) {
            struct run_slot *r = &c->runs[next++];
            fflush(NULL);
            r->pid = fork();
            if (r->pid < 0) {
                fprintf(stderr, "vmsim: error: cannot start a run: %s\n", strerror(errno));
                return -1;
            }
            if (r->pid == 0)
                child(c, r);
            running++;
            continue;
        }
        int st;
        pid_t pid = wait(&st);
        if (pid < 0)
            break;
        for (int k = 0; k < c->nruns; k++)
            if (c->runs[k].pid == pid) {
                c->runs[k].status = WIFEXITED(st) ? WEXITSTATUS(st) : 2;
                c->runs[k].pid = 0;
            }
        running--;
    }
    return 0;
}

/* ---- output -------------------------------------------------------------------- */

/* read_csv: the values of a run's summary (NULL if it has none) */
static char **read_csv(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, *vals = NULL;
    size_t cap = 0;
    *n = 0;
    if (!f)
        return NULL;
    if (getline(&line, &cap, f) > 0 && getline(&vals, &cap, f) > 0) {
        free(line);
        line = vals;
    } else {
        free(line);
        free(vals);
        fclose(f);
        return NULL;
    }
    fclose(f);
    line[strcspn(line, "\n")] = 0;
    char **v = vm_xcalloc(stat_count + 1, sizeof *v);
    /* split on commas outside quotes (a custom arch name is quoted) */
    char *p = line;
    while (*n < stat_count) {
        char *start = p;
        bool q = *p == '"';
        if (q) {
            start = ++p;
            while (*p && *p != '"')
                p++;
        } else {
            while (*p && *p != ',')
                p++;
        }
        v[(*n)++] = vm_xstrndup(start, (size_t)(p - start));
        if (q && *p == '"')
            p++;
        if (*p != ',')
            break;
        p++;
    }
    free(line);
    return v;
}

static void write_text(FILE *out, struct compare *c, char ***vals)
{
    size_t w0 = 12, *w = vm_xcalloc((size_t)c->nruns, sizeof *w);
    for (size_t k = 0; k < c->nrows; k++)
        if (strlen(stat_descs[c->rows[k]].path) > w0)
            w0 = strlen(stat_descs[c->rows[k]].path);
    for (int r = 0; r < c->nruns; r++) {
        w[r] = 6;
        for (int k = 0; k < c->naxes; k++) {
            size_t l = strlen(c->axes[k].alt[c->runs[r].alt[k]]);
            w[r] = l > w[r] ? l : w[r];
        }
        for (size_t k = 0; vals[r] && k < c->nrows; k++)
            w[r] = strlen(vals[r][c->rows[k]]) > w[r] ? strlen(vals[r][c->rows[k]]) : w[r];
    }
    for (int k = 0; k < c->naxes; k++) {
        fprintf(out, "%-*s", (int)w0, c->axes[k].op->name + 2);
        for (int r = 0; r < c->nruns; r++)
            fprintf(out, "  %*s", (int)w[r], c->axes[k].alt[c->runs[r].alt[k]]);
        fputc('\n', out);
    }
    fprintf(out, "%-*s", (int)w0, "exit");
    for (int r = 0; r < c->nruns; r++)
        fprintf(out, "  %*d", (int)w[r], c->runs[r].status);
    fputc('\n', out);
    for (size_t k = 0; k < c->nrows; k++) {
        size_t i = c->rows[k];
        fprintf(out, "%-*s", (int)w0, stat_descs[i].path);
        for (int r = 0; r < c->nruns; r++)
            fprintf(out, "  %*s", (int)w[r], vals[r] ? vals[r][i] : "-");
        fputc('\n', out);
    }
    free(w);
}

static void write_csv_rows(FILE *out, struct compare *c, char ***vals)
{
    for (int k = 0; k < c->naxes; k++)
        fprintf(out, "%s,", c->axes[k].op->name + 2);
    fputs("exit", out);
    for (size_t k = 0; k < c->nrows; k++)
        fprintf(out, ",%s", stat_descs[c->rows[k]].path);
    fputc('\n', out);
    for (int r = 0; r < c->nruns; r++) {
        for (int k = 0; k < c->naxes; k++) {
            const char *a = c->axes[k].alt[c->runs[r].alt[k]];
            fprintf(out, strchr(a, ',') ? "\"%s\"," : "%s,", a);
        }
        fprintf(out, "%d", c->runs[r].status);
        for (size_t k = 0; k < c->nrows; k++) {
            const char *v = vals[r] ? vals[r][c->rows[k]] : "";
            fprintf(out, strchr(v, ',') ? ",\"%s\"" : ",%s", v);
        }
        fputc('\n', out);
    }
}

/* json_fields: the fields picked by --fields, as one flat object */
static void json_fields(FILE *out, const struct compare *c, char **vals)
{
    if (!vals) {
        fputs("null", out);
        return;
    }
    fputc('{', out);
    for (size_t k = 0; k < c->nrows; k++) {
        size_t i = c->rows[k];
        fprintf(out, stat_descs[i].type == ST_STR ? "%s\"%s\": \"%s\"" : "%s\"%s\": %s", k ? ", " : "",
                stat_descs[i].path, vals[i]);
    }
    fputc('}', out);
}

static void write_json(FILE *out, struct compare *c, char ***vals)
{
    fputs("{\n  \"runs\": [", out);
    for (int r = 0; r < c->nruns; r++) {
        fprintf(out, "%s\n    {\"options\": {", r ? "," : "");
        for (int k = 0; k < c->naxes; k++)
            fprintf(out, "%s\"%s\": \"%s\"", k ? ", " : "", c->axes[k].op->name + 2,
                    c->axes[k].alt[c->runs[r].alt[k]]);
        if (c->nrows < stat_count) {
            fprintf(out, "}, \"exit\": %d, \"fields\": ", c->runs[r].status);
            json_fields(out, c, vals[r]);
            fputc('}', out);
            continue;
        }
        fprintf(out, "}, \"exit\": %d, \"summary\": ", c->runs[r].status);
        /* the run's summary, indented to sit in the array */
        FILE *f = fopen(c->runs[r].json_path, "r");
        char *line = NULL;
        size_t cap = 0;
        bool any = false;
        ssize_t len;
        while (f && (len = getline(&line, &cap, f)) > 0) {
            if (line[len - 1] == '\n')
                line[--len] = 0;
            fprintf(out, any ? "\n    %s" : "%s", line);
            any = true;
        }
        free(line);
        if (f)
            fclose(f);
        if (!any)
            fputs("null", out);
        fputc('}', out);
    }
    fputs("\n  ]\n}\n", out);
}

static void compare_free(struct compare *c)
{
    for (int k = 0; k < c->naxes; k++)
        for (int a = 0; a < c->axes[k].nalt; a++)
            free(c->axes[k].alt[a]);
    free(c->runs);
    free(c->fixed);
    free(c->rows);
}

int cli_compare(int argc, char **argv)
{
    if (cli_asks_help(argc, argv)) {
        fputs(cli_compare_usage, stdout);
        return 0;
    }
    struct compare c;
    memset(&c, 0, sizeof c);
    int status = 0;
    if (parse(&c, argc, argv)) {
        compare_free(&c);
        return 2;
    }
    for (int k = 0; k < c.nfixed; k++)
        if (!strcmp(c.fixed[k], "-") && !c.stdin_copy[0]) {
            /* every run reads the same trace: keep standard input in a file */
            FILE *f = NULL;
            if (!temp_path(c.stdin_copy, sizeof c.stdin_copy))
                f = fopen(c.stdin_copy, "w");
            int ch;
            while (f && (ch = getchar()) != EOF)
                fputc(ch, f);
            if (!f || fclose(f)) {
                fprintf(stderr, "vmsim: error: cannot keep standard input in a file: %s\n", strerror(errno));
                return 2;
            }
        }
    c.runs = vm_xcalloc((size_t)c.nruns, sizeof *c.runs);
    for (int r = 0; r < c.nruns; r++) {
        struct run_slot *s = &c.runs[r];
        int rest = r;
        size_t len = 0;
        for (int k = c.naxes - 1; k >= 0; k--) {
            s->alt[k] = rest % c.axes[k].nalt;
            rest /= c.axes[k].nalt;
        }
        for (int k = 0; k < c.naxes; k++)
            len += (size_t)snprintf(s->label + len, len < sizeof s->label ? sizeof s->label - len : 0, "%s%s=%s",
                                    k ? " " : "", c.axes[k].op->name + 2, c.axes[k].alt[s->alt[k]]);
        if (temp_path(s->csv_path, sizeof s->csv_path) || temp_path(s->json_path, sizeof s->json_path) ||
            temp_path(s->err_path, sizeof s->err_path)) {
            fprintf(stderr, "vmsim: error: cannot make a temporary file: %s\n", strerror(errno));
            return 2;
        }
    }
    if (run_all(&c))
        status = 2;

    /* messages of the runs, in run order, each line under its label */
    char ***vals = vm_xcalloc((size_t)c.nruns, sizeof *vals);
    for (int r = 0; r < c.nruns; r++) {
        struct run_slot *s = &c.runs[r];
        FILE *f = fopen(s->err_path, "r");
        char *line = NULL;
        size_t cap = 0;
        while (f && getline(&line, &cap, f) > 0) /* a run of no varied option has no label */
            fprintf(stderr, s->label[0] ? "[%s] %s" : "%s%s", s->label, line);
        free(line);
        if (f)
            fclose(f);
        size_t n;
        vals[r] = read_csv(s->csv_path, &n);
        if (vals[r] && n != stat_count) {
            for (size_t i = 0; i < n; i++)
                free(vals[r][i]);
            free(vals[r]);
            vals[r] = NULL;
        }
        if (s->status > status)
            status = s->status;
    }
    /* no run gave a summary (an error they all share: an option, the
     * trace): no table of dashes, which would look like a result */
    bool any = false;
    for (int r = 0; r < c.nruns; r++)
        any |= vals[r] != NULL;
    FILE *out = any || status != 2 ? stdout : NULL; /* NULL: the messages above are all */
    if (out && c.out_path && !(out = fopen(c.out_path, "w"))) {
        fprintf(stderr, "vmsim: error: cannot write %s: %s\n", c.out_path, strerror(errno));
        status = 2;
    } else if (out) {
        if (c.format == OUT_CSV)
            write_csv_rows(out, &c, vals);
        else if (c.format == OUT_JSON)
            write_json(out, &c, vals);
        else
            write_text(out, &c, vals);
        /* a table that could not be written whole is no result; standard
         * output is checked once the command ends (main.c) */
        if (out != stdout) {
            errno = 0;
            bool bad = fflush(out) != 0 || ferror(out);
            int e = errno;
            if (fclose(out) && !bad) {
                bad = true;
                e = errno;
            }
            if (bad) {
                fprintf(stderr, "vmsim: error: cannot write %s: %s\n", c.out_path, strerror(e ? e : EIO));
                status = 2;
            }
        }
    }
    for (int r = 0; r < c.nruns; r++) {
        for (size_t i = 0; vals[r] && i < stat_count; i++)
            free(vals[r][i]);
        free(vals[r]);
        remove(c.runs[r].csv_path);
        remove(c.runs[r].json_path);
        remove(c.runs[r].err_path);
    }
    free(vals);
    if (c.stdin_copy[0])
        remove(c.stdin_copy);
    compare_free(&c);
    return status;
}
