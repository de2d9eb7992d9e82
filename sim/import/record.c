/* record.c -- the reader, the writer and the ending the importers share
 * (see record.h), and the options of import.h. */
#include "record.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/util.h"

void import_opts_default(struct import_opts *o)
{
    memset(o, 0, sizeof *o);
    o->name = VM_STDIN_NAME;
    o->pid = 1;
    o->chunk = IMPORT_DEFAULT_CHUNK;
    o->comments = true;
}

int import_check_opts(const struct import_opts *o, bool lackey, char *err, size_t errlen)
{
    if (lackey && (o->pid < 1 || o->pid > 2147483647u)) {
        snprintf(err, errlen, "the pid must be 1 .. 2147483647, not %" PRIu32, o->pid);
        return -1;
    }
    if (!lackey && o->pid > 2147483647u) {
        snprintf(err, errlen, "the first pid must be 1 .. 2147483647, not %" PRIu32, o->pid);
        return -1;
    }
    if (o->chunk < REC_PAGE || o->chunk > IMPORT_MAX_CHUNK || (o->chunk & (o->chunk - 1))) {
        snprintf(err, errlen, "the chunk size must be a power of two from 4K to 1T, not %" PRIu64, o->chunk);
        return -1;
    }
    return 0;
}

/* ---- reading ------------------------------------------------------------- */

#define REC_RBUF ((size_t)1 << 20)

void rec_reader_init(struct rec_reader *r, FILE *in, size_t max_line)
{
    memset(r, 0, sizeof *r);
    r->in = in;
    r->max_line = max_line;
    r->cap = REC_RBUF < max_line + 2 ? REC_RBUF : max_line + 2;
    r->buf = vm_xmalloc(r->cap);
}

void rec_reader_free(struct rec_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

static int too_long(struct rec_reader *r, struct import_result *res)
{
    r->line++;
    rec_fail(res, r->line, "line longer than %zu bytes", r->max_line);
    return -1;
}

int rec_next(struct rec_reader *r, const char **s, size_t *len, struct import_result *res)
{
    for (;;) {
        if (r->scan < r->end) {
            char *nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
            if (nl) {
                size_t n = (size_t)(nl - (r->buf + r->pos));
                *s = r->buf + r->pos;
                r->pos = r->scan = (size_t)(nl - r->buf) + 1;
                if (n && (*s)[n - 1] == '\r')
                    n--;
                if (n > r->max_line)
                    return too_long(r, res);
                r->line++;
                *len = n;
                return 1;
            }
            r->scan = r->end;
        }
        if (r->end - r->pos > r->max_line + 1)
            return too_long(r, res);
        if (r->eof) {
            if (r->pos == r->end)
                return 0;
            size_t n = r->end - r->pos;
            *s = r->buf + r->pos;
            r->pos = r->scan = r->end;
            if ((*s)[n - 1] == '\r')
                n--;
            r->line++;
            *len = n;
            return 1;
        }
        if (r->pos) {
            size_t n = r->end - r->pos;
            memmove(r->buf, r->buf + r->pos, n);
            r->scan -= r->pos;
            r->end = n;
            r->pos = 0;
        }
        if (r->end == r->cap) { /* one line fills the buffer: twice the room, up to max_line + 2 */
            r->cap = r->cap < (r->max_line + 2) / 2 ? 2 * r->cap : r->max_line + 2;
            r->buf = vm_xrealloc(r->buf, r->cap);
        }
        size_t k = fread(r->buf + r->end, 1, r->cap - r->end, r->in);
        r->end += k;
        if (k == 0) {
            if (ferror(r->in)) {
                rec_fail(res, 0, "cannot read the record: %s", strerror(errno));
                return -1;
            }
            r->eof = true;
        }
    }
}

/* ---- writing ------------------------------------------------------------- */

void rec_writer_init(struct rec_writer *w, FILE *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->cap = REC_WBUF;
    w->buf = vm_xmalloc(w->cap);
}

int rec_flush(struct rec_writer *w)
{
    if (!w->failed && w->len && fwrite(w->buf, 1, w->len, w->out) != w->len)
        w->failed = true;
    w->len = 0;
    if (w->failed) {
        w->cap = 0; /* nothing more goes in */
        return -1;
    }
    return 0;
}

void rec_writer_free(struct rec_writer *w)
{
    free(w->buf);
    w->buf = NULL;
}

void rec_printf(struct rec_writer *w, const char *fmt, ...)
{
    rec_room(w, REC_WSLACK);
    if (w->cap - w->len < REC_WSLACK)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->len, REC_WSLACK, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    w->len += (size_t)n < REC_WSLACK ? (size_t)n : REC_WSLACK - 1;
}

void rec_text(struct rec_writer *w, const char *s, size_t n, size_t max)
{
    size_t k = n;
    if (k > max)
        k = max;
    rec_room(w, k + 3);
    if (w->cap - w->len < k + 3)
        return;
    char *p = w->buf + w->len;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)s[i];
        p[i] = (char)((c < 0x20 || c > 0x7e) ? '?' : c);
    }
    w->len += k;
    if (k < n)
        REC_PUTS(w, "...");
}

/* ---- ending -------------------------------------------------------------- */

int rec_fail(struct import_result *res, uint64_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->msg, sizeof res->msg, fmt, ap);
    va_end(ap);
    res->line = line;
    return 2;
}

const char *rec_quote(char *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, k = n;
    if (k > 40)
        k = 40;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e || c == '\\') {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            out[o++] = (char)c;
        }
    }
    if (k < n) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = 0;
    return out;
}

int rec_finish(struct rec_writer *w, const char *format, const struct import_opts *o, struct import_result *res,
               int status)
{
    if (status) {
        rec_printf(w, "error vmsim import %s: ", format);
        rec_text(w, o->name, strlen(o->name), 200);
        if (res->line)
            rec_printf(w, ":%" PRIu64, res->line);
        rec_printf(w, ": %s\n", res->msg);
    }
    int bad = rec_flush(w);
    if (!bad && fflush(w->out) != 0)
        bad = -1;
    if (bad) {
        if (!status)
            rec_fail(res, 0, "cannot write the trace: %s", strerror(errno));
        return 2;
    }
    return status;
}
