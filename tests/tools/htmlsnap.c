/* htmlsnap.c -- the HTML view of a run with every step a whole snapshot of
 * the machine (html_snapshots, html.h), for tests/html.sh: the page that
 * `vmsim run --html` writes, which holds only what each line changed, must
 * show at every step, forward and back, the state this one holds.
 *
 *   htmlsnap [MACHINE OPTIONS...] TRACE OUT.html
 *
 * The machine options are those of vmsim run (--arch, --frames, --fork,
 * --swap, --tlb, ...), over the trace's options lines. Exits with the run's
 * status (0, 1, 2), or 2 on a bad command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/html.h"
#include "vmsim/options.h"
#include "vmsim/runner.h"
#include "vmsim/util.h"

static int usage(void)
{
    fputs("usage: htmlsnap [MACHINE OPTIONS...] TRACE OUT.html\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    struct run_opts o;
    run_opts_default(&o);
    o.summary = false;
    o.out = NULL; /* nothing on standard output: the page is what counts */
    /* the options, as one command line */
    size_t len = 0;
    for (int i = 1; i < argc - 2; i++)
        len += strlen(argv[i]) + 1;
    char *text = vm_xcalloc(len + 1, 1);
    for (size_t at = 0, i = 1; i + 2 < (size_t)argc; i++) {
        size_t n = strlen(argv[i]);
        memcpy(text + at, argv[i], n);
        text[at + n] = ' ';
        at += n + 1;
    }
    static struct vm_options machine;
    char err[256];
    vm_options_init(&machine);
    if (vm_options_parse(&machine, text, strlen(text), 0, err, sizeof err)) {
        fprintf(stderr, "htmlsnap: %s\n", err);
        free(text);
        return usage();
    }
    free(text);
    o.machine = &machine;
    o.trace = argv[argc - 2];
    struct html_view *h = html_open(argv[argc - 1], &o, HTML_DEFAULT_MAX_EVENTS, err, sizeof err);
    if (!h) {
        fprintf(stderr, "htmlsnap: %s\n", err);
        return 2;
    }
    html_snapshots(h);
    struct vm_observer ob;
    html_observer(h, &ob);
    o.observers = &ob;
    o.nobservers = 1;
    int status = vmsim_run(&o, NULL);
    if (html_close(h, status, err, sizeof err)) {
        fprintf(stderr, "htmlsnap: %s\n", err);
        return 2;
    }
    return status;
}
