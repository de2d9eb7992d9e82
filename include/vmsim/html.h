/* html.h -- vmsim run --html: a step-through view of a run, one HTML page.
 *
 * An observer of the run (observe.h). From the facts of each line it learns
 * what the line touched (the entries the write path changed, the frames
 * taken and freed, the processes created, reparented or reaped, the VMAs
 * mapped), and at the end of the line it reads the state of just those
 * things and writes it down: the page holds the machine before the first
 * line and, for each line, what that line changed, as JSON. The page's own
 * script steps through them; it compares the two states it holds to say
 * what changed (a refcount that fell from 2 to 1, an entry made read-only).
 * The -v sentence of each line comes from the explain observer
 * (explain.h), driven by this one.
 *
 * The page is one file: its style sheet and script inline, nothing fetched
 * (sim/io/html/page.html, built into the library). docs/html.md says what
 * each part of it shows, and what its data holds.
 *
 * Past max_events event lines (or HTML_MAX_DATA bytes of data) the view
 * stops recording; the run goes on to its end, and the page says where the
 * view stopped and how the run ended. A run that stops with an error at
 * line N still writes the page, up to line N, with the error at that line.
 */
#ifndef VMSIM_HTML_H
#define VMSIM_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "vmsim/observe.h"
#include "vmsim/runner.h"

#define HTML_DEFAULT_MAX_EVENTS 10000
#define HTML_MAX_DATA (UINT64_C(64) << 20) /* bytes of data, whatever max_events says */

struct html_view;

/* html_open: a view of the run of o, written to path, which is created
 * now. The machine the page shows is the run's, as the trace's options
 * lines made it (o->cfg if no step was written). NULL, with a message
 * naming path in err, if it cannot be. */
struct html_view *html_open(const char *path, const struct run_opts *o, uint64_t max_events, char *err,
                            size_t errlen);

/* html_observer: the observer to add to the run (run_opts.observers). */
void html_observer(struct html_view *h, struct vm_observer *o);

/* html_snapshots: every step of the page holds the whole state (every
 * process, address space and frame), and each frame the entries the
 * reverse map (rmap.h) lists for it: a page to check the changes of an
 * ordinary one against, step by step (the page's #verify, tests/html.sh).
 * Call it before the run. */
void html_snapshots(struct html_view *h);

/* html_close: writes the end of the page (status: the run's exit status)
 * and frees the view. A machine that vmsim_run handed back still tells the
 * view what freeing it clears: free it (vm_free) before html_close. 0, or -1 with a message naming the file in err (the
 * file is then removed: no half page). */
int html_close(struct html_view *h, int status, char *err, size_t errlen);

/* html_run: vmsim_run of o with the view written to path: the run's exit
 * status, or 2 after "vmsim: error: cannot write PATH: ..." on o->err. */
int html_run(const struct run_opts *o, const char *path, uint64_t max_events);

#endif
