/* record.h -- what the importers share (not part of the library's headers):
 * a reader of record lines through one buffer, a writer of trace lines
 * through another, and the way an import ends in error.
 */
#ifndef VMSIM_IMPORT_RECORD_H
#define VMSIM_IMPORT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vmsim/import.h"

/* x86_64, where the records come from: vmsim's default machine */
#define REC_PAGE ((uint64_t)4096)
#define REC_USER_TOP ((uint64_t)1 << 47)

/* ---- reading ------------------------------------------------------------- */

/* A partial line at the end of the buffer moves to the front before the
 * next fread; the buffer (1 MiB) doubles when a line fills it, up to
 * max_line + 2 bytes (the line, a CR and its '\n'). */
struct rec_reader {
    FILE *in;
    char *buf;
    size_t cap, pos, end, scan, max_line;
    bool eof;
    uint64_t line;
};

void rec_reader_init(struct rec_reader *r, FILE *in, size_t max_line);
void rec_reader_free(struct rec_reader *r);

/* rec_next: the next line without its '\n' and one CR before it: 1, 0 at
 * the end, -1 with a message in res (a read error, or a line longer than
 * max_line; res->line says which). */
int rec_next(struct rec_reader *r, const char **s, size_t *len, struct import_result *res);

/* ---- writing ------------------------------------------------------------- */

struct rec_writer {
    FILE *out;
    char *buf;
    size_t len, cap;
    bool failed; /* a write failed: nothing more is written */
};

#define REC_WBUF ((size_t)1 << 20)
#define REC_WSLACK 4096 /* room every caller may use after rec_room() */

void rec_writer_init(struct rec_writer *w, FILE *out);
/* rec_flush: writes the buffer out (and fflush). 0, or -1 when a write failed. */
int rec_flush(struct rec_writer *w);
void rec_writer_free(struct rec_writer *w);

/* rec_room: makes room for n more bytes (n <= REC_WBUF - REC_WSLACK). */
static inline void rec_room(struct rec_writer *w, size_t n)
{
    if (w->len + n > w->cap)
        rec_flush(w);
}

static inline void rec_put(struct rec_writer *w, const char *s, size_t n)
{
    rec_room(w, n);
    if (n > w->cap - w->len) /* only after a failed write */
        return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}
#define REC_PUTS(w, lit) rec_put((w), (lit), sizeof(lit) - 1)

/* rec_hex: "0x" and v in lower-case hex, no leading zeros (room: 18 bytes) */
static inline void rec_hex(struct rec_writer *w, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char t[16];
    int n = 0;
    do {
        t[n++] = digits[v & 15];
        v >>= 4;
    } while (v);
    rec_room(w, 18);
    if (w->cap - w->len < 18)
        return;
    char *p = w->buf + w->len;
    *p++ = '0';
    *p++ = 'x';
    while (n)
        *p++ = t[--n];
    w->len = (size_t)(p - w->buf);
}

/* rec_dec: v in decimal (room: 20 bytes) */
static inline void rec_dec(struct rec_writer *w, uint64_t v)
{
    char t[20];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    rec_room(w, 20);
    if (w->cap - w->len < 20)
        return;
    char *p = w->buf + w->len;
    while (n)
        *p++ = t[--n];
    w->len = (size_t)(p - w->buf);
}

/* rec_printf: a formatted piece (at most REC_WSLACK bytes; longer is cut) */
void rec_printf(struct rec_writer *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* rec_text: bytes of the record made safe for a trace line: control bytes
 * (and bytes above 0x7e) become '?'; cut after max bytes with "...". */
void rec_text(struct rec_writer *w, const char *s, size_t n, size_t max);

/* ---- ending -------------------------------------------------------------- */

/* rec_fail: res->line = line, res->msg = the message; returns 2. */
int rec_fail(struct import_result *res, uint64_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* rec_gzipped: the line is the start of a gzip file (bytes 1f 8b) */
static inline bool rec_gzipped(const char *s, size_t n)
{
    return n >= 2 && (unsigned char)s[0] == 0x1f && (unsigned char)s[1] == 0x8b;
}

/* rec_quote: the bytes [s, s+n) quoted for a message, as the trace parser
 * does: outside 0x20..0x7e as \xNN, cut after 40 bytes with "...". out
 * holds at least 200 bytes. */
const char *rec_quote(char *out, const char *s, size_t n);

/* rec_finish: ends the output. On error (status 2), first writes
 * `error vmsim import FORMAT: NAME:LINE: MSG` (`NAME: MSG` for an error of
 * no line); when the output cannot be written, res says so instead. Flushes; returns the final status (2 when the output
 * could not be written). */
int rec_finish(struct rec_writer *w, const char *format, const struct import_opts *o, struct import_result *res,
               int status);

#endif
