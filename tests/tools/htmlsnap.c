/* htmlsnap.c -- the HTML view of a run with every step a whole snapshot of
 * the machine (html_snapshots, html.h), for tests/html.sh: the page that
 * `vmsim run --html` writes, which holds only what each line changed, must
 * show at every step, forward and back, the state this one holds.
 *
 *   htmlsnap [--arch NAME] [--frames N] [--fork MODE] [--zero-page]
 *            [--lazy-fork] [--pt-frames] [--oom kill|fail] TRACE OUT.html
 *
 * Exits with the run's status (0, 1, 2), or 2 on a bad command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/html.h"
#include "vmsim/runner.h"

static int usage(void)
{
    fputs("usage: htmlsnap [--arch NAME] [--frames N] [--fork cow|copy|sharept] [--zero-page] [--lazy-fork]\n"
          "                [--pt-frames] [--oom kill|fail] TRACE OUT.html\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    struct run_opts o;
    run_opts_default(&o);
    o.summary = false;
    o.out = NULL; /* nothing on standard output: the page is what counts */
    const char *arch = "x86_64", *frames = NULL, *files[2];
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): argv[i] is a word for i < argc */
        if (!strcmp(a, "--arch") && v) {
            arch = v;
            i++;
        } else if (!strcmp(a, "--frames") && v) {
            frames = v;
            i++;
        } else if (!strcmp(a, "--fork") && v) {
            o.cfg.fork = !strcmp(v, "copy") ? FORK_COPY : !strcmp(v, "sharept") ? FORK_SHAREPT : FORK_COW;
            i++;
        } else if (!strcmp(a, "--oom") && v) {
            o.cfg.oom = !strcmp(v, "fail") ? OOM_FAIL : OOM_KILL;
            i++;
        } else if (!strcmp(a, "--zero-page")) {
            o.cfg.zero_page = true;
        } else if (!strcmp(a, "--lazy-fork")) {
            o.cfg.lazy_fork = true;
        } else if (!strcmp(a, "--pt-frames")) {
            o.cfg.pt_frames = true;
        } else if (a[0] != '-' && nfiles < 2) {
            files[nfiles++] = a;
        } else {
            return usage();
        }
    }
    if (nfiles != 2)
        return usage();
    char err[256];
    if (arch_parse(&o.cfg.arch, arch, err, sizeof err)) {
        fprintf(stderr, "htmlsnap: --arch: %s\n", err);
        return 2;
    }
    o.cfg.frames = frames ? (uint32_t)strtoul(frames, NULL, 0) : (uint32_t)o.cfg.arch.default_frames;
    o.trace = files[0];
    struct html_view *h = html_open(files[1], &o, HTML_DEFAULT_MAX_EVENTS, err, sizeof err);
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
