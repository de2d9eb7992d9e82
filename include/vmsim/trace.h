/* trace.h -- the trace parser.
 *
 * Reads a trace (a file, standard input for "-", or a memory buffer) one
 * line at a time through a fixed buffer, so that any number of lines runs in
 * constant memory and no line allocates. Each event or directive line is
 * checked in everything that does not depend on the simulation's state:
 * keyword, number of words, numbers (decimal or 0x hex, suffixes K M G T
 * and p for the page size, unsigned 64-bit without overflow), pids
 * (1 .. 2147483647), alignment and ranges (below user_top, no wrap), PROT
 * and sharing words, file=NAME@OFFSET, touch's r|w and VALUE, exit STATUS
 * (0 .. 255), expect queries and show views. Blank lines and comments
 * (from '#') are skipped; a CR before the line end is ignored. A line
 * `error MESSAGE...` is malformed on purpose: its message is the rest of
 * the line as written (what a producer writes when its input went wrong
 * after part of the trace was out, so that the run cannot pass).
 *
 * The machine's options (options.h): lines `options --arch tiny --frames
 * 12 ...` before the first event or directive (comments and blank lines
 * may come before them). The reader checks their words as the command line
 * would and keeps them (trace_options); it never returns them as events. An
 * `options` line after an event or a directive is an error. The arch the
 * reader was opened with does not matter to them: a caller that makes the
 * machine from them reads them first (trace_read_options), then gives the
 * reader the machine's arch (trace_set_arch) before the first event.
 */
#ifndef VMSIM_TRACE_H
#define VMSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "vmsim/arch.h"
#include "vmsim/event.h"
#include "vmsim/options.h"
#include "vmsim/util.h"

#define TRACE_DEFAULT_MAX_LINE 65536
/* the name of standard input ("-") in messages, in every command */
#define TRACE_STDIN_NAME VM_STDIN_NAME

struct trace_reader;

/* trace_open: reads path ("-": standard input). NULL with a message in err
 * when the file cannot be opened. */
struct trace_reader *trace_open(const char *path, const struct arch *arch, char *err, size_t errlen);
/* trace_open_mem: reads a buffer (not copied; it must outlive the reader);
 * name is used in messages (NULL or "-": TRACE_STDIN_NAME). */
struct trace_reader *trace_open_mem(const char *buf, size_t len, const char *name, const struct arch *arch);
void trace_close(struct trace_reader *r);

/* trace_read_all: the whole of path ("-": standard input) in a buffer of
 * its own (free it), for a run that must see the trace ahead (--policy
 * opt). NULL with a message in err when it cannot be read or holds more
 * than max bytes (0: no limit). */
char *trace_read_all(const char *path, uint64_t max, size_t *len, char *err, size_t errlen);

/* trace_set_max_line: lines longer than n bytes are an error. */
void trace_set_max_line(struct trace_reader *r, size_t n);

/* trace_read_options: reads the `options` lines before the first event or
 * directive, and stops before that line, which trace_next then reads. 0,
 * or -1 on a malformed line (as trace_next). */
int trace_read_options(struct trace_reader *r);
/* trace_options: the options of the `options` lines read so far (each with
 * its line), in their order; none if the trace has none. */
const struct vm_options *trace_options(const struct trace_reader *r);
/* trace_set_arch: the lines from here on are read for arch. */
void trace_set_arch(struct trace_reader *r, const struct arch *arch);

/* trace_slurp: the rest of the input read into the reader's memory, for a
 * run that must see it ahead (--policy opt; see trace_open_rest). Nothing
 * to do for a memory reader. 0, or -1 with a message in err when it cannot
 * be read ("vmsim: error: ..."), or holds more than max bytes (0: no
 * limit; "NAME:LINE: error: ...", LINE the one its byte max + 1 is on). */
int trace_slurp(struct trace_reader *r, uint64_t max, char *err, size_t errlen);
/* trace_open_rest: a reader of what r has not read yet, all in memory (a
 * memory reader, or after trace_slurp), numbering its lines on from r's;
 * r's bytes must outlive it. */
struct trace_reader *trace_open_rest(const struct trace_reader *r);
/* trace_text_bytes: the bytes of text a reader of memory holds (after
 * trace_open_rest: the rest); 0 for a reader of a file, which holds only
 * its buffer. */
uint64_t trace_text_bytes(const struct trace_reader *r);

/* trace_next: parses the next event or directive into *ev. Returns 1, 0 at
 * the end of the input, or -1 on a malformed line (trace_error() says why,
 * trace_line() says where). */
int trace_next(struct trace_reader *r, struct ev *ev);

/* trace_next_batch: up to max events and directives into ev[0 ..], as
 * trace_next would give them one by one, so that the caller can look a few
 * lines ahead (the run loop prefetches what they will touch). The batch
 * ends early rather than move the buffer its words point into: they stay
 * valid until the next call. Returns how many (0 at the end of the input);
 * a malformed line ends the batch before it, and the next call returns -1
 * for it. -1 when the first line read is malformed. */
int trace_next_batch(struct trace_reader *r, struct ev *ev, int max);

/* trace_read_ahead: from here on a thread of the reader's own reads and
 * parses the input ahead of the caller, into a few chunks of up to
 * TRACE_CHUNK_EVENTS events each, while the caller runs the chunk before; trace_next_chunk
 * then hands them out, and nothing else may be called on the reader but
 * trace_close (which stops the thread, even one waiting on input). Only for
 * a reader of a file or of standard input whose --max-line is at most the
 * default; -1 when it cannot be (the reader is then as it was). */
#define TRACE_CHUNK_EVENTS 2048
int trace_read_ahead(struct trace_reader *r);
/* trace_next_chunk: the next events the thread parsed, in order: *ev points
 * to them, valid until the next call or trace_close. Returns how many (at
 * least 1), then 0 at the end of the input, or -1 for a malformed line once
 * every event before it was handed out (trace_error and trace_line say what
 * and where, as after trace_next: the thread has stopped). */
int trace_next_chunk(struct trace_reader *r, const struct ev **ev);
/* trace_read_alone: the thread stops at the end of the chunk it is on (if
 * it waits for input, until the input comes or ends); trace_next_chunk
 * hands out the chunks it queued, then
 * returns TRACE_ALONE: the reader is the caller's again, for trace_next and
 * trace_next_batch, from the line after the last event handed out. */
#define TRACE_ALONE (-2)
void trace_read_alone(struct trace_reader *r);

const char *trace_error(const struct trace_reader *r);
uint64_t trace_line(const struct trace_reader *r);
/* trace_name: the name in messages: the path, or TRACE_STDIN_NAME */
const char *trace_name(const struct trace_reader *r);

#endif
