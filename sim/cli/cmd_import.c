/* cmd_import.c -- `vmsim import lackey|strace [OPTIONS] [FILE]`: reads the
 * options, opens the record and the output, and hands them to the
 * importers (import.h). */
#include "cmd_import.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vmsim/import.h"
#include "vmsim/trace.h"
#include "vmsim/number.h"

const char cli_import_usage[] =
    "usage: vmsim import lackey [OPTIONS] [FILE]   a valgrind lackey memory trace as a trace\n"
    "       vmsim import strace [OPTIONS] [FILE]   an strace -f record as a trace\n"
    "       vmsim import FORMAT --help             the options of FORMAT\n"
    "\n"
    "Reads a record of a real program (standard input without FILE, or for '-') and prints a\n"
    "trace that 'vmsim run' accepts as it is, line by line as the record is read:\n"
    "\n"
    "  valgrind --tool=lackey --trace-mem=yes --log-file=rec.txt ./prog\n"
    "  vmsim import lackey rec.txt | vmsim run -\n"
    "  strace -f -o rec.txt sh -c 'ls | wc -l'\n"
    "  vmsim import strace rec.txt | vmsim run -\n"
    "\n"
    "A line that is not of the record's format is an error (FILE:LINE: error: ..., exit\n"
    "status 2); the trace then ends with an 'error' line, so that the run fails there too.\n"
    "\n"
    "  -h, --help           this text\n";

static const char lackey_usage[] =
    "usage: vmsim import lackey [OPTIONS] [FILE]\n"
    "\n"
    "Reads the output of 'valgrind --tool=lackey --trace-mem=yes' (standard input without\n"
    "FILE, or for '-') and prints a trace of one process: I (instruction fetch) and L (load)\n"
    "lines become reads, S (store) and M (modify) lines writes, each one access of the page\n"
    "holding the address. Memory is mapped rwx private anonymous, in aligned chunks, before\n"
    "the first access to each chunk. valgrind's own lines and blank lines are skipped.\n"
    "\n"
    "  --pid N              the pid of the process in the trace (default 1)\n"
    "  --no-fetch           leave out instruction fetches (I lines): data accesses only\n"
    "  --pages              write each access at the address of its page\n"
    "  --chunk SIZE         the size of the mappings, a power of two from 4K to 1T\n"
    "                       (default 1M)\n"
    "  -o, --output FILE    write the trace to FILE ('-': standard output)\n"
    "  -h, --help           this text\n";

static const char strace_usage[] =
    "usage: vmsim import strace [OPTIONS] [FILE]\n"
    "\n"
    "Reads the output of 'strace -f -o FILE' or of 'strace -f PROG 2>FILE' (standard input\n"
    "without FILE, or for '-'; -t, -tt, -ttt, -T, -y, -n, -Y, -k and -z are fine) and prints\n"
    "a trace of its processes: spawn, fork, vfork, exec, exit and wait from the process\n"
    "calls, mmap, munmap, mprotect and brk from the memory calls. Threads, failed calls and\n"
    "other calls become comments.\n"
    "\n"
    "  --pid N              number the processes N, N+1, ... in the order they appear\n"
    "                       (default: the record's pids)\n"
    "  --no-comments        leave out the comments for the calls that make no event\n"
    "  -o, --output FILE    write the trace to FILE ('-': standard output)\n"
    "  -h, --help           this text\n";

static int parse_u64(const char *s, uint64_t *out)
{
    const char *why;
    return number_parse(s, strlen(s), 0, out, &why);
}

int cli_import(int argc, char **argv)
{
    if (argc < 1)
        return cli_error("import", "%s", "which format? lackey or strace");
    const char *fmt = argv[0];
    bool lackey = !strcmp(fmt, "lackey");
    if (cli_asks_help(argc, argv)) { /* the help of the format, or of import without one */
        fputs(lackey ? lackey_usage : !strcmp(fmt, "strace") ? strace_usage : cli_import_usage, stdout);
        return 0;
    }
    if (!lackey && strcmp(fmt, "strace"))
        return cli_error("import", "unknown format '%s' (lackey or strace)", fmt);
    const char *cmd = lackey ? "import lackey" : "import strace";

    struct import_opts o;
    import_opts_default(&o);
    if (!lackey)
        o.pid = 0;
    const char *in_path = NULL, *out_path = NULL;
    char err[256];
    bool opts_done = false, no_comments = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (opts_done || a[0] != '-' || !strcmp(a, "-")) {
            if (in_path)
                return cli_error(cmd, "one record at a time ('%s' is a second one)", a);
            in_path = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            opts_done = true;
            continue;
        }
        /* --name, --name=VALUE, --name VALUE, -o FILE */
        char name[32];
        const char *val = NULL, *eq = strchr(a, '=');
        if (!strcmp(a, "-o")) {
            snprintf(name, sizeof name, "output");
        } else if (a[1] == '-' && a[2]) {
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            if (len == 0 || len >= sizeof name)
                return cli_error(cmd, "unknown option '%s'", a);
            memcpy(name, a + 2, len);
            name[len] = 0;
            if (eq)
                val = eq + 1;
        } else {
            return cli_error(cmd, "unknown option '%s'", a);
        }
        bool *flag = NULL;
        if (lackey && !strcmp(name, "no-fetch"))
            flag = &o.no_fetch;
        else if (lackey && !strcmp(name, "pages"))
            flag = &o.pages;
        else if (!lackey && !strcmp(name, "no-comments"))
            flag = &no_comments;
        else if (strcmp(name, "pid") && strcmp(name, "output") && !(lackey && !strcmp(name, "chunk")))
            return cli_error(cmd, "unknown option '%s'", a);
        if (flag) {
            if (val)
                return cli_error(cmd, "'%s' takes no value", a);
            *flag = true;
            continue;
        }
        if (!val) {
            if (i + 1 >= argc) {
                snprintf(err, sizeof err, "--%s needs a value", name);
                return cli_error(cmd, "%s", err);
            }
            val = argv[++i];
        }
        uint64_t v;
        if (!strcmp(name, "output")) { /* -o -: standard output, as without -o */
            out_path = strcmp(val, "-") ? val : NULL;
        } else if (!strcmp(name, "pid")) {
            if (parse_u64(val, &v) || v < 1 || v > 2147483647u)
                return cli_error(cmd, "--pid takes a pid, 1 .. 2147483647, not '%s'", val);
            o.pid = (uint32_t)v;
        } else {
            if (parse_u64(val, &v) || v < 4096 || v > IMPORT_MAX_CHUNK || (v & (v - 1)))
                return cli_error(cmd, "--chunk takes a power of two from 4K to 1T, not '%s'", val);
            o.chunk = v;
        }
    }
    o.comments = !no_comments;
    if (import_check_opts(&o, lackey, err, sizeof err))
        return cli_error(cmd, "%s", err);

    if (cli_refuse_overwrite("-o", out_path, "the record", in_path))
        return 2;
    FILE *in = stdin;
    if (in_path && strcmp(in_path, "-")) {
        in = fopen(in_path, "r");
        if (!in) {
            fprintf(stderr, "vmsim: error: cannot open %s: %s\n", in_path, strerror(errno));
            return 2;
        }
    }
    o.name = in_path && strcmp(in_path, "-") ? in_path : TRACE_STDIN_NAME;
    FILE *out = stdout;
    if (out_path && !(out = fopen(out_path, "w"))) {
        fprintf(stderr, "vmsim: error: cannot write %s: %s\n", out_path, strerror(errno));
        if (in != stdin)
            fclose(in);
        return 2;
    }
    struct import_result res;
    int status = lackey ? import_lackey(in, out, &o, &res) : import_strace(in, out, &o, &res);
    if (in != stdin)
        fclose(in);
    if (out != stdout && fclose(out) != 0 && !status) {
        fprintf(stderr, "vmsim: error: cannot write %s: %s\n", out_path, strerror(errno));
        return 2;
    }
    if (status) {
        if (res.line)
            fprintf(stderr, "%s:%" PRIu64 ": error: %s\n", o.name, res.line, res.msg);
        else
            fprintf(stderr, "vmsim: error: %s\n", res.msg);
    }
    return status;
}
