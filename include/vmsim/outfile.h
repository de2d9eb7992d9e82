/* outfile.h -- a file named on the command line that a failed run takes
 * back (--timeline FILE, --html FILE).
 *
 * A run that stops with an error, or that cannot write all of its output,
 * leaves nothing behind that looks like a whole result. What it may do to
 * the path it was given depends on what the path named when it was opened:
 *
 *   the path is                          a failed run
 *   a regular file, named directly       empties it, then removes it
 *   a symbolic link to a regular file    empties the file; the link stays
 *   (/dev/stdout sent to a file too)
 *   anything else: a terminal, a pipe,   leaves it alone
 *   /dev/null, /dev/full
 *
 * A path is removed only while it still names the very file that was
 * opened (its device and inode), and never when it is a link: a run never
 * deletes /dev/stdout, nor a link the user made, nor a file that took the
 * path's place in the meantime.
 */
#ifndef VMSIM_OUTFILE_H
#define VMSIM_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct outfile {
    FILE *f;
    const char *path; /* not owned: it must outlive the outfile */
    bool regular;     /* the file opened is a regular file: it may be emptied */
    bool direct;      /* ... and the path itself names it, not through a link: it may be removed */
    dev_t dev;
    ino_t ino;
};

/* outfile_open: opens path for writing (truncated, as fopen "w"); the
 * stream, or NULL with errno set. */
FILE *outfile_open(struct outfile *o, const char *path);

/* outfile_close: closes the stream. With `discard`, or when the stream
 * cannot be written out, the output is taken back as the table above
 * says. Returns 0, or the errno of the failed write (with `discard` the
 * errors of writing are not looked at: 0). */
int outfile_close(struct outfile *o, bool discard);

#endif
