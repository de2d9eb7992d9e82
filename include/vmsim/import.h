/* import.h -- records of real programs made into traces: `vmsim import`.
 *
 * An importer reads a record (valgrind lackey's memory trace, or strace -f's
 * system calls) line by line and writes, as it goes, a trace that
 * `vmsim run` accepts as it is: with the default machine (x86_64, where the
 * records come from) a trace that ends well never stops a run with an
 * error. Both stream:
 *   - lackey keeps one line and a set of the chunks it has mapped: constant
 *     memory in the record's length (it grows with the distinct chunks the
 *     program touched);
 *   - strace keeps, per process of the record that is alive, its tasks,
 *     descriptors, the ranges it mapped, an unfinished call per task and the
 *     lines it had to hold back (below).
 *
 * A bad line (neither a line of the record's format nor a noise line the
 * format allows) stops the import: the importer writes what came before,
 * then one line `error vmsim import FORMAT: NAME:LINE: MESSAGE`, so that a
 * run of the output fails at that line (trace.h); the result holds the line
 * and MESSAGE. What each importer writes, and why, is in docs/import.md.
 *
 * lackey (`valgrind --tool=lackey --trace-mem=yes`):
 *   `I  ADDR,SIZE` (instruction fetch) and ` L ADDR,SIZE` (load) become
 *   `read PID ADDR`; ` S ADDR,SIZE` (store) and ` M ADDR,SIZE` (modify)
 *   become `write PID ADDR`: one access each, of the page holding ADDR,
 *   whatever SIZE. The trace starts with `spawn PID`; before the first
 *   access to a chunk (chunk-aligned, `chunk` bytes) it maps the chunk with
 *   `mmap PID CHUNK SIZE rwx private`. valgrind's own lines (starting with
 *   `==` or `--`) and blank lines are skipped and counted; `==N== Command:`
 *   is kept as a comment. An access at or above x86_64's user_top (2^47)
 *   is left out and counted. The trace ends with a comment of the counts.
 *   A line of the form cut short (`I  0401ab`) is an error at its line.
 *
 * strace (`strace -f -o FILE`, with or without -t/-tt/-ttt/-T/-y):
 *   every line starts with a pid (`PID ` or `[pid PID] `). Calls cut by
 *   `<unfinished ...>` are joined with their `<... NAME resumed>`. The
 *   events: spawn (a pid that no process of the record made), fork (fork,
 *   clone without CLONE_VM), vfork (vfork, clone/clone3 with
 *   CLONE_VM|CLONE_VFORK), exec (execve/execveat that returned 0), exit
 *   (exit_group, `+++ exited with N +++`, `+++ killed by SIG +++` as
 *   128 + the signal), wait (wait4/waitid that reaped a pid), mmap, munmap,
 *   mprotect and brk (relative to the break the record showed). Threads
 *   (clone with CLONE_THREAD) are folded into their process. Everything
 *   else, failed calls included, becomes a comment `# PID CALL` (unless
 *   comments are off). Events are put in the order that must have
 *   happened: the lines of a new process wait for its parent's clone to
 *   return; a vfork parent's lines wait for its child's exec or exit (an
 *   unfinished execve of that child is taken as done); a wait that reaps a
 *   process whose end is not yet written writes its exit first. An
 *   unfinished call at the end of the record is normal.
 */
#ifndef VMSIM_IMPORT_H
#define VMSIM_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define IMPORT_DEFAULT_CHUNK ((uint64_t)1 << 20)
#define IMPORT_MAX_CHUNK ((uint64_t)1 << 40)
#define IMPORT_MAX_LINE ((size_t)1 << 20)       /* bytes in one lackey line */
#define IMPORT_MAX_CALL_LINE ((size_t)64 << 20) /* bytes in one strace line (strace -s 10000000 writes long strings) */

struct import_opts {
    const char *name; /* the record, in messages and in the first comment ("-": standard input) */
    uint32_t pid;     /* lackey: the process (default 1); strace: 0 keeps the record's pids, N numbers
                         the processes N, N+1, ... in the order they appear */
    bool no_fetch;    /* lackey: leave out instruction fetches (I lines) */
    bool pages;       /* lackey: write the address of each access's page, not the address itself */
    uint64_t chunk;   /* lackey: bytes of each mapping, a power of two from 4096 to IMPORT_MAX_CHUNK */
    bool comments;    /* strace: calls that make no event become comments (default true) */
};

/* what an import read and wrote */
struct import_result {
    uint64_t lines;    /* record lines read */
    uint64_t events;   /* event lines written */
    uint64_t comments; /* strace: calls written as comments (counted with comments off too) */
    uint64_t line;     /* the record line of the error, 0 when none (or not of a line) */
    char msg[512];     /* the error, without "NAME:LINE: error: " */
};

/* import_opts_default: pid 1 (lackey; give 0 for strace's own pids),
 * fetches kept, chunk 1 MiB, comments on. */
void import_opts_default(struct import_opts *o);

/* import_check_opts: 0, or -1 with the reason in err for options an
 * importer refuses (a chunk that is not a power of two in range, pid out
 * of 1 .. 2147483647 for lackey). */
int import_check_opts(const struct import_opts *o, bool lackey, char *err, size_t errlen);

/* import_lackey / import_strace: read the record from in, write the trace
 * to out. 0 when the whole record was read and written; 2 on error, with
 * res->msg set: a bad record line (res->line > 0) or a read that failed
 * (the output then ends with an `error` line), a write that failed, or bad
 * options (nothing is written). */
int import_lackey(FILE *in, FILE *out, const struct import_opts *o, struct import_result *res);
int import_strace(FILE *in, FILE *out, const struct import_opts *o, struct import_result *res);

#endif
