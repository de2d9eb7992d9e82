/* trace.c -- the trace parser (see trace.h).
 *
 * Input goes through one fixed buffer: read(2) fills it, memchr finds the
 * next '\n', and the line is cut into words in place (struct str pointing
 * into the buffer). A partial line at the end of the buffer is moved to its
 * front before the next read, so the buffer never grows while reading; it
 * holds at least max_line + 2 bytes (the line, a CR and its '\n'), and
 * trace_set_max_line enlarges it once if needed. A memory reader uses the
 * caller's buffer directly.
 *
 * Choices the header leaves open: a CR is ignored only right before a
 * line's end (or the input's end); anywhere else it is an unexpected byte,
 * like every control byte but tab, comments included. A line's length
 * counts neither its '\n' nor that CR. An exit STATUS sets has_value. For
 * `expect stat`, qfield is -1. A QV_WORD starts with a letter and goes on
 * with letters, digits, '_', '.', '-' or '/' (so that program names such as
 * a.out compare). `brk PID ADDR` accepts ADDR == user_top (the heap would
 * end there); only an ADDR above it is an error.
 *
 * Per line: one memchr, one pass over the bytes to split words (and to
 * reject control bytes), a keyword dispatch by length and first letter, and
 * hand-written number parsing. Nothing allocates after the reader is open.
 */
#include "vmsim/trace.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "vmsim/number.h"
#include "vmsim/proc.h"
#include "vmsim/util.h"
#include "vmsim/vma.h"

const char *const ev_op_names[EV_NOPS] = {
    "spawn", "fork",  "vfork", "exec",    "exit",   "wait", "mmap", "munmap", "mprotect",
    "brk",   "read",  "write", "touch",   "subreaper", "program", "expect", "show", "mark",
};

const char *const cmp_op_names[6] = {"==", "!=", "<", "<=", ">", ">="};

const char *const proc_field_names[PF_COUNT] = {
    "state", "ppid", "exit_status", "program", "rss", "pss", "uss", "pt_pages", "vmas", "swap",
};

const char *const page_field_names[PGF_COUNT] = {
    "mapped", "present", "writable", "cow", "dirty", "frame", "kind", "refcount", "mappers", "value", "swapped", "slot",
};

const char *const page_kind_words[PKW_COUNT] = {"anon", "cache", "zero", "swap", "none"};

static const char *const w_none[] = {"none"};
static const char *const w_frame[] = {"zero", "none"};

#define FV_NUM {w_none, 1, true, false, false}
#define FV_BOOL {w_none, 1, true, true, false}

const struct field_values proc_field_values[PF_COUNT] = {
    [PF_STATE] = {proc_state_names, 4, false, false, false},
    [PF_PPID] = FV_NUM,
    [PF_EXIT_STATUS] = FV_NUM,
    [PF_PROGRAM] = {w_none, 1, false, false, true},
    [PF_RSS] = FV_NUM,
    [PF_PSS] = FV_NUM,
    [PF_USS] = FV_NUM,
    [PF_PT_PAGES] = FV_NUM,
    [PF_VMAS] = FV_NUM,
    [PF_SWAP] = FV_NUM,
};

const struct field_values page_field_values[PGF_COUNT] = {
    [PGF_MAPPED] = FV_BOOL,
    [PGF_PRESENT] = FV_BOOL,
    [PGF_WRITABLE] = FV_BOOL,
    [PGF_COW] = FV_BOOL,
    [PGF_DIRTY] = FV_BOOL,
    [PGF_FRAME] = {w_frame, 2, true, false, false},
    [PGF_KIND] = {page_kind_words, PKW_COUNT, false, false, false},
    [PGF_REFCOUNT] = FV_NUM,
    [PGF_MAPPERS] = FV_NUM,
    [PGF_VALUE] = FV_NUM,
    [PGF_SWAPPED] = FV_BOOL,
    [PGF_SLOT] = FV_NUM,
};

/* usage of each line form, for messages about the number of words */
static const char *const usage[EV_NOPS] = {
    [EV_SPAWN] = "spawn PID [PROGRAM]",
    [EV_FORK] = "fork PARENT CHILD",
    [EV_VFORK] = "vfork PARENT CHILD",
    [EV_EXEC] = "exec PID PROGRAM",
    [EV_EXIT] = "exit PID [STATUS]",
    [EV_WAIT] = "wait PID [CHILD]",
    [EV_MMAP] = "mmap PID ADDR LEN PROT SHARING [file=NAME[@OFFSET]]",
    [EV_MUNMAP] = "munmap PID ADDR LEN",
    [EV_MPROTECT] = "mprotect PID ADDR LEN PROT",
    [EV_BRK] = "brk PID +LEN|-LEN|ADDR",
    [EV_READ] = "read PID ADDR",
    [EV_WRITE] = "write PID ADDR [VALUE]",
    [EV_TOUCH] = "touch PID ADDR LEN r|w [VALUE]",
    [EV_SUBREAPER] = "subreaper PID",
    [EV_PROGRAM] = "program NAME [text=N] [data=N] [bss=N] [heap=N] [stack=N]",
    [EV_EXPECT] = "expect stat PATH|proc PID FIELD|page PID ADDR FIELD OP VALUE",
    [EV_SHOW] = "show pstree|frames|stats|swap|tlb|vmas PID|pages PID",
    [EV_MARK] = "mark LABEL",
};

#define TRACE_BUF_SIZE ((size_t)1 << 20)
#define TRACE_MAX_MAX_LINE ((size_t)1 << 30)
#define TRACE_MAX_WORDS 8 /* the longest forms have 7 */
#define WQ_MAX 40         /* bytes of a word quoted in a message */
#define WQ_BUF (WQ_MAX * 4 + 8)

struct trace_reader {
    const char *data; /* the bytes: buf, or the caller's buffer */
    char *buf;        /* owned buffer of a file reader, else NULL */
    size_t cap;       /* size of buf */
    size_t pos;       /* start of the next line in data */
    size_t end;       /* end of the valid bytes in data */
    size_t scan;      /* data[pos, scan) holds no '\n' */
    size_t max_line;
    int fd; /* -1 for a memory reader */
    bool own_fd;
    bool eof;    /* no more bytes after data[end] */
    bool failed; /* trace_next returned -1: it keeps doing so */
    bool no_fill; /* a batch is being read: the bytes must not move (trace_next_batch) */
    struct trace_ahead *ahead; /* the reading thread, once started (trace_read_ahead) */
    size_t read_max;           /* bytes a read(2) asks for at most (0: all the room) */
    uint64_t line;
    const char *line_end; /* the end of the line being parsed (for `error`) */
    struct arch arch;
    char *name;
    char err[512];
    uint64_t first; /* the line of the first event or directive (0: none yet) */
    struct vm_options opts; /* the options lines before it */
};

static const struct str empty_str = {"", 0};

/* ---- messages ---------------------------------------------------------- */

/* fail: sets the message and the sticky error; the value is -1 (a macro,
 * so that the compiler sees it). */
static void failv(struct trace_reader *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void failv(struct trace_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    r->failed = true;
}
#define fail(...) (failv(__VA_ARGS__), -1)

/* wq: the word w made printable for a message: bytes outside 0x20..0x7e
 * as \xNN, cut after WQ_MAX bytes with "...". */
static const char *wq(char buf[WQ_BUF], const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    size_t n = len > WQ_MAX ? WQ_MAX : len;
    /* cppcheck-suppress knownConditionTrueFalse ; cppcheck 2.10 misreads the ?: above as n < 1 */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[c >> 4];
            buf[o++] = hex[c & 15];
        } else {
            buf[o++] = (char)c;
        }
    }
    /* cppcheck-suppress knownConditionTrueFalse ; as above */
    if (n < len) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = 0;
    return buf;
}

static const char *wqs(char buf[WQ_BUF], struct str w) { return wq(buf, w.s, w.len); }

static inline bool str_is(struct str w, const char *lit, size_t n)
{
    return w.len == n && memcmp(w.s, lit, n) == 0;
}
#define STR_IS(w, lit) str_is((w), (lit), sizeof(lit) - 1)

static inline bool is_digit(unsigned char c) { return (unsigned)(c - '0') < 10u; }
static inline bool is_alpha(unsigned char c) { return (unsigned char)((c | 0x20) - 'a') < 26u; }

/* ---- numbers ----------------------------------------------------------- */

/* num_in: parses part [s, s+len) of word w (named in the message). */
static inline int num_in(struct trace_reader *r, const char *s, size_t len, struct str w, uint64_t *out)
{
    const char *e;
    if (num_parse(s, len, r->arch.page_size, out, &e) == 0)
        return 0;
    char b[WQ_BUF];
    char fix = number_suffix_fix(s, len, r->arch.page_size);
    if (fix == 'p')
        return fail(r, "%s '%s' (the page suffix is lower case: %.*sp)", e, wqs(b, w), (int)(len - 1), s);
    if (fix)
        return fail(r, "%s '%s' (the suffixes K, M, G and T are upper case: %.*s%c)", e, wqs(b, w), (int)(len - 1),
                    s, fix);
    return fail(r, "%s '%s'", e, wqs(b, w));
}

static inline int num(struct trace_reader *r, struct str w, uint64_t *out)
{
    /* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): split() set every word that arity() lets through */
    return num_in(r, w.s, w.len, w, out);
}

static inline int pid(struct trace_reader *r, struct str w, uint32_t *out)
{
    uint64_t v;
    if (num(r, w, &v))
        return -1;
    if (v < 1 || v > 2147483647u) {
        char b[WQ_BUF];
        return fail(r, "pid out of range: %s (1..2147483647)", wqs(b, w));
    }
    *out = (uint32_t)v;
    return 0;
}

/* ---- the reader -------------------------------------------------------- */

static struct trace_reader *reader_new(const char *name, const struct arch *arch)
{
    VM_ASSERT(arch != NULL);
    struct trace_reader *r = vm_xcalloc(1, sizeof *r);
    r->arch = *arch;
    if (!name || !strcmp(name, "-"))
        name = TRACE_STDIN_NAME;
    r->name = vm_xstrndup(name, strlen(name));
    r->max_line = TRACE_DEFAULT_MAX_LINE;
    r->fd = -1;
    return r;
}

struct trace_reader *trace_open(const char *path, const struct arch *arch, char *err, size_t errlen)
{
    int fd;
    bool own = false;
    if (strcmp(path, "-") == 0) {
        fd = STDIN_FILENO;
    } else {
        struct stat st;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            if (err && errlen)
                snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
            return NULL;
        }
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            if (err && errlen)
                snprintf(err, errlen, "cannot read %s: %s", path, strerror(EISDIR));
            return NULL;
        }
        own = true;
    }
    struct trace_reader *r = reader_new(path, arch);
    r->fd = fd;
    r->own_fd = own;
    r->cap = TRACE_BUF_SIZE;
    if (r->cap < r->max_line + 2)
        r->cap = r->max_line + 2;
    r->buf = vm_xmalloc(r->cap);
    r->data = r->buf;
    return r;
}

struct trace_reader *trace_open_mem(const char *buf, size_t len, const char *name, const struct arch *arch)
{
    struct trace_reader *r = reader_new(name, arch);
    r->data = len ? buf : "";
    r->end = len;
    r->eof = true;
    return r;
}

char *trace_read_all(const char *path, uint64_t max, size_t *len, char *err, size_t errlen)
{
    bool std = strcmp(path, "-") == 0;
    int fd = std ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    const char *name = std ? TRACE_STDIN_NAME : path;
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(EISDIR));
        if (!std)
            close(fd);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = vm_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = vm_xrealloc(buf, cap);
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            snprintf(err, errlen, "cannot read %s: %s", name, strerror(errno));
            free(buf);
            buf = NULL;
            break;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (max && n > max) {
            snprintf(err, errlen, "%s holds more than %" PRIu64 " bytes, more than --max-memory lets opt keep ahead",
                     name, max);
            free(buf);
            buf = NULL;
            break;
        }
    }
    if (!std)
        close(fd);
    *len = n;
    return buf;
}

static void ahead_stop(struct trace_reader *r);

void trace_close(struct trace_reader *r)
{
    if (!r)
        return;
    if (r->ahead)
        ahead_stop(r);
    if (r->own_fd)
        close(r->fd);
    free(r->buf);
    free(r->name);
    free(r);
}

void trace_set_max_line(struct trace_reader *r, size_t n)
{
    if (n < 1)
        n = 1;
    if (n > TRACE_MAX_MAX_LINE)
        n = TRACE_MAX_MAX_LINE;
    r->max_line = n;
    r->scan = r->pos;
    if (r->buf && r->cap < n + 2) {
        r->buf = vm_xrealloc(r->buf, n + 2);
        r->cap = n + 2;
        r->data = r->buf;
    }
}

void trace_set_arch(struct trace_reader *r, const struct arch *arch) { r->arch = *arch; }

const struct vm_options *trace_options(const struct trace_reader *r) { return &r->opts; }

int trace_slurp(struct trace_reader *r, uint64_t max, char *err, size_t errlen)
{
    if (r->eof)
        return 0;
    size_t n = r->end - r->pos;
    memmove(r->buf, r->buf + r->pos, n);
    r->scan -= r->pos;
    r->end = n;
    r->pos = 0;
    for (;;) {
        if (max && r->end > max) { /* named: the line its byte max + 1 is on */
            uint64_t line = r->line + 1;
            for (const char *c = r->buf; (c = memchr(c, '\n', (size_t)(r->buf + max - c))) != NULL; c++)
                line++;
            snprintf(err, errlen,
                     "%s:%" PRIu64 ": error: opt: the trace up to this line holds more than %" PRIu64
                     " bytes, more than --max-memory lets opt read ahead",
                     r->name, line, max);
            return -1;
        }
        if (r->end == r->cap) { /* twice the room, but not much past max */
            r->cap = max && r->cap * 2 > max + 1 ? (size_t)max + 1 : r->cap * 2;
            r->buf = vm_xrealloc(r->buf, r->cap);
            r->data = r->buf;
        }
        ssize_t k = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            snprintf(err, errlen, "vmsim: error: cannot read %s: %s", r->name, strerror(errno));
            return -1;
        }
        if (k == 0)
            break;
        r->end += (size_t)k;
    }
    r->eof = true;
    return 0;
}

struct trace_reader *trace_open_rest(const struct trace_reader *r)
{
    VM_ASSERT(r->eof);
    struct trace_reader *t = reader_new(r->name, &r->arch);
    t->data = r->end > r->pos ? r->data + r->pos : "";
    t->end = r->end - r->pos;
    t->eof = true;
    t->line = r->line;
    t->max_line = r->max_line;
    t->first = r->first;
    return t;
}

const char *trace_error(const struct trace_reader *r) { return r->err; }
uint64_t trace_line(const struct trace_reader *r) { return r->line; }
const char *trace_name(const struct trace_reader *r) { return r->name; }

uint64_t trace_text_bytes(const struct trace_reader *r) { return r->fd < 0 ? r->end : 0; }

/* fill: moves the partial line to the front of the buffer and reads more. */
static int fill(struct trace_reader *r)
{
    VM_ASSERT(r->fd >= 0); /* a memory reader is at eof from the start */
    if (r->pos) {
        size_t n = r->end - r->pos;
        memmove(r->buf, r->buf + r->pos, n);
        r->scan -= r->pos;
        r->end = n;
        r->pos = 0;
    }
    VM_ASSERT(r->end < r->cap);
    for (;;) {
        int was;
        if (r->ahead) /* the reading thread may be stopped (trace_close) while it waits here, and only here */
            pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &was);
        size_t room = r->cap - r->end;
        ssize_t k = read(r->fd, r->buf + r->end, r->read_max && room > r->read_max ? r->read_max : room);
        if (r->ahead)
            pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &was);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            r->line++;
            return fail(r, "cannot read %s: %s", r->name, strerror(errno));
        }
        if (k == 0)
            r->eof = true;
        else
            r->end += (size_t)k;
        return 0;
    }
}

static int too_long(struct trace_reader *r)
{
    return fail(r, "line longer than %zu byte%s", r->max_line, r->max_line == 1 ? "" : "s");
}

/* next_line: the next physical line without its '\n' and trailing '\r'.
 * 1, 0 at the end, -1 on error. */
static inline int next_line(struct trace_reader *r, const char **ls, size_t *ll)
{
    for (;;) {
        size_t avail = r->end - r->pos;
        size_t lim = avail < r->max_line + 2 ? avail : r->max_line + 2;
        const char *base = r->data + r->pos;
        if (r->scan < r->pos + lim) {
            const char *nl = memchr(r->data + r->scan, '\n', r->pos + lim - r->scan);
            if (nl) {
                size_t len = (size_t)(nl - base);
                r->pos = r->scan = (size_t)(nl - r->data) + 1;
                r->line++;
                if (len && base[len - 1] == '\r')
                    len--;
                if (len > r->max_line)
                    return too_long(r);
                *ls = base;
                *ll = len;
                return 1;
            }
            r->scan = r->pos + lim;
        }
        if (avail >= r->max_line + 2) {
            r->line++;
            return too_long(r);
        }
        if (r->eof) {
            if (!avail)
                return 0;
            size_t len = avail;
            r->pos = r->scan = r->end;
            r->line++;
            if (base[len - 1] == '\r')
                len--;
            if (len > r->max_line)
                return too_long(r);
            *ls = base;
            *ll = len;
            return 1;
        }
        if (r->no_fill)
            return 2; /* the line is not all in the buffer yet */
        if (fill(r))
            return -1;
    }
}

/* ---- words ------------------------------------------------------------- */

static int bad_byte(struct trace_reader *r, unsigned char c) { return fail(r, "unexpected byte 0x%02x", c); }

/* byte classes for split: 0 a word byte, else one of these */
enum { C_WORD, C_BLANK, C_HASH, C_BAD };
static const unsigned char cls[256] = {
    [0x00] = C_BAD, [0x01] = C_BAD, [0x02] = C_BAD, [0x03] = C_BAD, [0x04] = C_BAD,   [0x05] = C_BAD,
    [0x06] = C_BAD, [0x07] = C_BAD, [0x08] = C_BAD, [0x09] = C_BLANK, [0x0a] = C_BAD, [0x0b] = C_BAD,
    [0x0c] = C_BAD, [0x0d] = C_BAD, [0x0e] = C_BAD, [0x0f] = C_BAD,   [0x10] = C_BAD, [0x11] = C_BAD,
    [0x12] = C_BAD, [0x13] = C_BAD, [0x14] = C_BAD, [0x15] = C_BAD,   [0x16] = C_BAD, [0x17] = C_BAD,
    [0x18] = C_BAD, [0x19] = C_BAD, [0x1a] = C_BAD, [0x1b] = C_BAD,   [0x1c] = C_BAD, [0x1d] = C_BAD,
    [0x1e] = C_BAD, [0x1f] = C_BAD, [' '] = C_BLANK, ['#'] = C_HASH,  [0x7f] = C_BAD,
};

/* split: cuts [p, e) into words (at most TRACE_MAX_WORDS kept, all
 * counted in *nw). Rejects control bytes other than tab, comment included
 * (a CR before the line end is already cut off). */
static inline int split(struct trace_reader *r, const unsigned char *p, const unsigned char *e, struct str *w, size_t *nw)
{
    size_t n = 0;
    for (;;) {
        while (p < e && cls[*p] == C_BLANK)
            p++;
        if (p == e)
            break;
        unsigned c = cls[*p];
        if (c != C_WORD) {
            if (c == C_BAD)
                return bad_byte(r, *p);
            for (p++; p < e; p++) /* a comment */
                if (cls[*p] == C_BAD)
                    return bad_byte(r, *p);
            break;
        }
        const unsigned char *s = p;
        while (++p < e && cls[*p] == C_WORD)
            ;
        if (n < TRACE_MAX_WORDS) {
            w[n].s = (const char *)s;
            w[n].len = (size_t)(p - s);
        }
        n++;
    }
    *nw = n;
    return 0;
}

/* ---- line forms -------------------------------------------------------- */

/* arity: n words after the keyword must be in lo..hi. */
static inline int arity(struct trace_reader *r, enum ev_op op, size_t n, size_t lo, size_t hi)
{
    if (n >= lo && n <= hi)
        return 0;
    if (lo == hi)
        return fail(r, "'%s' takes %zu word%s after it (%s)", ev_op_names[op], lo, lo == 1 ? "" : "s", usage[op]);
    return fail(r, "'%s' takes %zu %s %zu words after it (%s)", ev_op_names[op], lo, hi == lo + 1 ? "or" : "to", hi,
                usage[op]);
}

static inline void reset(struct ev *ev, enum ev_op op)
{
    ev->op = op;
    ev->pid = 0;
    ev->pid2 = 0;
    ev->addr = 0;
    ev->len = 0;
    ev->value = 0;
    ev->has_value = false;
    ev->write = false;
    ev->prot = 0;
    ev->shared = false;
    ev->has_file = false;
    ev->offset = 0;
    ev->brk = BRK_ABS;
    ev->name = empty_str;
}

/* range: ADDR and LEN of mmap, munmap and mprotect. */
static int range(struct trace_reader *r, const struct str *w, struct ev *ev)
{
    uint64_t addr, len, rlen;
    if (num(r, w[0], &addr) || num(r, w[1], &len))
        return -1;
    if (addr & (r->arch.page_size - 1))
        return fail(r, "address 0x%" PRIx64 " is not page-aligned", addr);
    if (len == 0)
        return fail(r, "length must be above 0");
    if (!arch_page_up(&r->arch, len, &rlen) || addr + rlen < addr)
        return fail(r, "range at 0x%" PRIx64 " of 0x%" PRIx64 " bytes wraps around", addr, len);
    if (addr + rlen > r->arch.user_top)
        return fail(r, "range [0x%" PRIx64 ", 0x%" PRIx64 ") is not below user_top 0x%" PRIx64, addr, addr + rlen,
                    r->arch.user_top);
    ev->addr = addr;
    ev->len = rlen;
    return 0;
}

static int prot(struct trace_reader *r, struct str w, unsigned *out)
{
    unsigned p = 0;
    if (w.len < 1 || w.len > 3)
        goto bad;
    for (size_t i = 0; i < w.len; i++) {
        unsigned bit;
        switch (w.s[i]) {
        case 'r': bit = VMA_R; break;
        case 'w': bit = VMA_W; break;
        case 'x': bit = VMA_X; break;
        case '-': continue;
        default: goto bad;
        }
        if (p & bit)
            goto bad;
        p |= bit;
    }
    *out = p;
    return 0;
bad:;
    char b[WQ_BUF];
    return fail(r, "bad protection '%s' (letters r w x, '-' as filler, each letter at most once)", wqs(b, w));
}

static int p_spawn(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_SPAWN);
    if (arity(r, EV_SPAWN, n - 1, 1, 2) || pid(r, w[1], &ev->pid))
        return -1;
    if (n == 3)
        ev->name = w[2];
    return 1;
}

static int p_fork(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev, enum ev_op op)
{
    reset(ev, op);
    if (arity(r, op, n - 1, 2, 2) || pid(r, w[1], &ev->pid) || pid(r, w[2], &ev->pid2))
        return -1;
    return 1;
}

static int p_exec(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_EXEC);
    if (arity(r, EV_EXEC, n - 1, 2, 2) || pid(r, w[1], &ev->pid))
        return -1;
    ev->name = w[2];
    return 1;
}

static int p_exit(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_EXIT);
    if (arity(r, EV_EXIT, n - 1, 1, 2) || pid(r, w[1], &ev->pid))
        return -1;
    if (n == 3) {
        if (num(r, w[2], &ev->value))
            return -1;
        if (ev->value > 255) {
            char b[WQ_BUF];
            return fail(r, "exit status %s is out of range (0..255)", wqs(b, w[2]));
        }
        ev->has_value = true;
    }
    return 1;
}

static int p_subreaper(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_SUBREAPER);
    if (arity(r, EV_SUBREAPER, n - 1, 1, 1) || pid(r, w[1], &ev->pid))
        return -1;
    return 1;
}

static int p_wait(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_WAIT);
    if (arity(r, EV_WAIT, n - 1, 1, 2) || pid(r, w[1], &ev->pid))
        return -1;
    if (n == 3 && pid(r, w[2], &ev->pid2))
        return -1;
    return 1;
}

static int p_mmap(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    char b[WQ_BUF];
    reset(ev, EV_MMAP);
    if (arity(r, EV_MMAP, n - 1, 5, 6) || pid(r, w[1], &ev->pid) || range(r, w + 2, ev) || prot(r, w[4], &ev->prot))
        return -1;
    if (STR_IS(w[5], "private"))
        ev->shared = false;
    else if (STR_IS(w[5], "shared"))
        ev->shared = true;
    else
        return fail(r, "sharing must be private or shared, not '%s'", wqs(b, w[5]));
    if (n == 7) {
        struct str f = w[6];
        if (f.len < 5 || memcmp(f.s, "file=", 5) != 0)
            return fail(r, "'mmap' takes file=NAME[@OFFSET] as its last word, not '%s'", wqs(b, f));
        const char *ns = f.s + 5, *fe = f.s + f.len;
        const char *at = memchr(ns, '@', (size_t)(fe - ns));
        size_t nlen = (size_t)((at ? at : fe) - ns);
        if (nlen == 0)
            return fail(r, "no file name in '%s' (file=NAME[@OFFSET])", wqs(b, f));
        ev->has_file = true;
        ev->name.s = ns;
        ev->name.len = nlen;
        if (at) {
            if (at + 1 == fe)
                return fail(r, "no offset after '@' in '%s' (file=NAME[@OFFSET])", wqs(b, f));
            if (num_in(r, at + 1, (size_t)(fe - at - 1), f, &ev->offset))
                return -1;
            if (ev->offset & (r->arch.page_size - 1))
                return fail(r, "offset 0x%" PRIx64 " is not page-aligned", ev->offset);
            if (ev->offset + ev->len < ev->offset)
                return fail(r, "file range at offset 0x%" PRIx64 " of 0x%" PRIx64 " bytes wraps around", ev->offset,
                            ev->len);
        }
    }
    return 1;
}

static int p_munmap(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_MUNMAP);
    if (arity(r, EV_MUNMAP, n - 1, 3, 3) || pid(r, w[1], &ev->pid) || range(r, w + 2, ev))
        return -1;
    return 1;
}

static int p_mprotect(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_MPROTECT);
    if (arity(r, EV_MPROTECT, n - 1, 4, 4) || pid(r, w[1], &ev->pid) || range(r, w + 2, ev) ||
        prot(r, w[4], &ev->prot))
        return -1;
    return 1;
}

static int p_brk(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_BRK);
    if (arity(r, EV_BRK, n - 1, 2, 2) || pid(r, w[1], &ev->pid))
        return -1;
    struct str a = w[2];
    if (a.s[0] == '+' || a.s[0] == '-') {
        ev->brk = a.s[0] == '+' ? BRK_GROW : BRK_SHRINK;
        if (num_in(r, a.s + 1, a.len - 1, a, &ev->len))
            return -1;
        return 1;
    }
    ev->brk = BRK_ABS;
    if (num(r, a, &ev->addr))
        return -1;
    if (ev->addr > r->arch.user_top)
        return fail(r, "break 0x%" PRIx64 " is above user_top 0x%" PRIx64, ev->addr, r->arch.user_top);
    return 1;
}

static int p_read(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_READ);
    if (arity(r, EV_READ, n - 1, 2, 2) || pid(r, w[1], &ev->pid) || num(r, w[2], &ev->addr))
        return -1;
    return 1;
}

static int p_write(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_WRITE);
    ev->write = true;
    if (arity(r, EV_WRITE, n - 1, 2, 3) || pid(r, w[1], &ev->pid) || num(r, w[2], &ev->addr))
        return -1;
    if (n == 4) {
        if (num(r, w[3], &ev->value))
            return -1;
        ev->has_value = true;
    } else {
        ev->value = ev->line;
    }
    return 1;
}

static int p_touch(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    char b[WQ_BUF];
    reset(ev, EV_TOUCH);
    if (arity(r, EV_TOUCH, n - 1, 4, 5) || pid(r, w[1], &ev->pid) || num(r, w[2], &ev->addr) ||
        num(r, w[3], &ev->len))
        return -1;
    if (ev->len && ev->addr + ev->len < ev->addr)
        return fail(r, "range at 0x%" PRIx64 " of 0x%" PRIx64 " bytes wraps around", ev->addr, ev->len);
    if (STR_IS(w[4], "w"))
        ev->write = true;
    else if (!STR_IS(w[4], "r"))
        return fail(r, "touch takes r or w, not '%s'", wqs(b, w[4]));
    if (n == 6) {
        if (!ev->write)
            return fail(r, "a read touch takes no VALUE ('%s')", wqs(b, w[5]));
        if (num(r, w[5], &ev->value))
            return -1;
        ev->has_value = true;
    } else {
        ev->value = ev->line;
    }
    return 1;
}

static int p_program(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    static const char *const keys[SEG_COUNT] = {"text", "data", "bss", "heap", "stack"};
    static const uint64_t defaults[SEG_COUNT] = {4, 2, 2, 0, 4}; /* pages */
    char b[WQ_BUF];
    bool given[SEG_COUNT] = {false};
    reset(ev, EV_PROGRAM);
    ev->seg_bytes = 0;
    if (arity(r, EV_PROGRAM, n - 1, 1, 1 + SEG_COUNT))
        return -1;
    if (memchr(w[1].s, '=', w[1].len))
        return fail(r, "'program' takes a NAME before '%s' (%s)", wqs(b, w[1]), usage[EV_PROGRAM]);
    ev->name = w[1];
    for (size_t i = 2; i < n; i++) {
        struct str kv = w[i];
        const char *eq = memchr(kv.s, '=', kv.len);
        if (!eq)
            return fail(r, "'program' takes KEY=SIZE words after its NAME, not '%s'", wqs(b, kv));
        size_t klen = (size_t)(eq - kv.s);
        int k = -1;
        for (int j = 0; j < SEG_COUNT; j++)
            if (strlen(keys[j]) == klen && memcmp(keys[j], kv.s, klen) == 0)
                k = j;
        if (k < 0)
            return fail(r, "unknown program key '%s' (text, data, bss, heap, stack)", wq(b, kv.s, klen));
        if (given[k])
            return fail(r, "program key '%s' given twice", keys[k]);
        given[k] = true;
        uint64_t v;
        if (num_in(r, eq + 1, kv.len - klen - 1, kv, &v))
            return -1;
        if (v && v < r->arch.page_size && is_digit((unsigned char)kv.s[kv.len - 1])) { /* bytes: meant pages? */
            ev->seg_bytes |= 1u << k;
            ev->seg_given[k] = v;
        }
        if (!arch_page_up(&r->arch, v, &ev->seg[k]))
            return fail(r, "%s '%s'", number_msg_range, wqs(b, kv));
    }
    for (int j = 0; j < SEG_COUNT; j++)
        if (!given[j])
            ev->seg[j] = defaults[j] * r->arch.page_size;
    return 1;
}

static int field(struct trace_reader *r, struct str w, const char *const *names, int count, const char *what)
{
    for (int i = 0; i < count; i++)
        if (strlen(names[i]) == w.len && memcmp(names[i], w.s, w.len) == 0)
            return i;
    char b[WQ_BUF];
    return fail(r, "unknown %s field '%s'", what, wqs(b, w));
}


static int qvalue(struct trace_reader *r, struct str v, struct qvalue *q)
{
    char b[WQ_BUF];
    const unsigned char *p = (const unsigned char *)v.s;
    q->text = v;
    q->num = 0;
    q->dec = 0;
    q->word = empty_str;
    if (is_digit(p[0])) {
        const char *dot = memchr(v.s, '.', v.len);
        if (!dot) {
            q->kind = QV_NUM;
            if (num(r, v, &q->num))
                return -1;
            q->dec = (double)q->num;
            return 0;
        }
        /* DIGITS.DIGITS, kept exact: the digits as one number and how many
         * follow the dot (trailing zeros dropped) */
        size_t ip = (size_t)(dot - v.s), end = v.len;
        if (end == ip + 1)
            goto bad_dec;
        for (size_t i = 0; i < v.len; i++)
            if (i != ip && !is_digit(p[i]))
                goto bad_dec;
        while (end > ip + 1 && p[end - 1] == '0')
            end--;
        size_t fraction_digits = end - (ip + 1);
        /* cppcheck-suppress knownConditionTrueFalse ; 0.00000000000000000001 has 20 (tests/errors/e425) */
        if (fraction_digits > 19) /* 10^19 is the largest power of ten below 2^64 */
            return fail(r, "decimal '%s' has more digits than vmsim compares exactly (19)", wqs(b, v));
        uint64_t x = 0;
        for (size_t i = 0; i < end; i++) {
            if (i == ip)
                continue;
            if (x > (UINT64_MAX - 9) / 10)
                return fail(r, "decimal '%s' has more digits than vmsim compares exactly (19)", wqs(b, v));
            x = x * 10 + (uint64_t)(p[i] - '0');
        }
        q->kind = QV_DEC;
        q->dnum = x;
        q->dexp = (unsigned)fraction_digits;
        double scale = 1;
        for (unsigned i = 0; i < q->dexp; i++)
            scale *= 10;
        q->dec = (double)x / scale;
        return 0;
    bad_dec:
        return fail(r, "bad decimal '%s'", wqs(b, v));
    }
    if (is_alpha(p[0])) {
        for (size_t i = 1; i < v.len; i++)
            if (!is_alpha(p[i]) && !is_digit(p[i]) && p[i] != '_' && p[i] != '.' && p[i] != '-' && p[i] != '/')
                goto bad;
        q->kind = QV_WORD;
        q->word = v;
        return 0;
    }
bad:
    return fail(r, "bad value '%s' (a number, a decimal or a word)", wqs(b, v));
}

/* value_word: a word on the right of `expect proc|page ... FIELD OP` must
 * be one that the field can be (a misspelt state would never match) */
static int value_word(struct trace_reader *r, const struct field_values *fv, const char *name, struct str w)
{
    if (fv->any_word)
        return 0;
    if (fv->boolean && (STR_IS(w, "true") || STR_IS(w, "false")))
        return 0;
    for (unsigned i = 0; i < fv->nwords; i++)
        if (strlen(fv->words[i]) == w.len && memcmp(fv->words[i], w.s, w.len) == 0)
            return 0;
    char b[WQ_BUF], list[160];
    size_t n = 0;
    if (fv->boolean)
        n += (size_t)snprintf(list, sizeof list, "1, 0, true, false");
    else if (fv->number)
        n += (size_t)snprintf(list, sizeof list, "a number");
    else
        n += (size_t)snprintf(list, sizeof list, "one of ");
    for (unsigned i = 0; i < fv->nwords && n < sizeof list; i++) {
        bool last = i + 1 == fv->nwords, first = i == 0 && !fv->number;
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", first ? "" : last ? " or " : ", ", fv->words[i]);
    }
    return fail(r, "%s is never '%s': it is %s", name, wqs(b, w), list);
}

static int cmp(struct trace_reader *r, struct str w, enum cmp_op *out)
{
    for (int i = 0; i < 6; i++)
        if (strlen(cmp_op_names[i]) == w.len && memcmp(cmp_op_names[i], w.s, w.len) == 0) {
            *out = (enum cmp_op)i;
            return 0;
        }
    char b[WQ_BUF];
    return fail(r, "unknown operator '%s' (== != < <= > >=)", wqs(b, w));
}

static int p_expect(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    static const char *const forms[] = {"expect stat PATH OP VALUE", "expect proc PID FIELD OP VALUE",
                                        "expect page PID ADDR FIELD OP VALUE"};
    static const char *const kinds[] = {"stat", "proc", "page"};
    char b[WQ_BUF];
    size_t need;
    reset(ev, EV_EXPECT);
    ev->qpath = empty_str;
    ev->qfield = -1;
    if (n < 2)
        return fail(r, "'expect' needs a query (%s)", usage[EV_EXPECT]);
    if (STR_IS(w[1], "stat")) {
        ev->qkind = Q_STAT;
        need = 5;
    } else if (STR_IS(w[1], "proc")) {
        ev->qkind = Q_PROC;
        need = 6;
    } else if (STR_IS(w[1], "page")) {
        ev->qkind = Q_PAGE;
        need = 7;
    } else {
        return fail(r, "unknown query '%s' (stat, proc or page)", wqs(b, w[1]));
    }
    if (n != need)
        return fail(r, "'expect %s' takes %zu words after it (%s)", kinds[ev->qkind], need - 2, forms[ev->qkind]);
    switch (ev->qkind) {
    case Q_STAT:
        for (size_t i = 0; i < w[2].len; i++) {
            unsigned char c = (unsigned char)w[2].s[i];
            if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '.'))
                return fail(r, "bad stat path '%s' (lower-case words joined by '.')", wqs(b, w[2]));
        }
        ev->qpath = w[2];
        break;
    case Q_PROC:
        if (pid(r, w[2], &ev->pid) || (ev->qfield = field(r, w[3], proc_field_names, PF_COUNT, "proc")) < 0)
            return -1;
        break;
    case Q_PAGE:
        if (pid(r, w[2], &ev->pid) || num(r, w[3], &ev->addr) ||
            (ev->qfield = field(r, w[4], page_field_names, PGF_COUNT, "page")) < 0)
            return -1;
        break;
    }
    if (cmp(r, w[need - 2], &ev->cmp) || qvalue(r, w[need - 1], &ev->qval))
        return -1;
    if (ev->qkind != Q_STAT && ev->qval.kind == QV_WORD) {
        bool page = ev->qkind == Q_PAGE;
        const struct field_values *fv = page ? &page_field_values[ev->qfield] : &proc_field_values[ev->qfield];
        if (value_word(r, fv, page ? page_field_names[ev->qfield] : proc_field_names[ev->qfield], ev->qval.word))
            return -1;
    }
    ev->qtext.s = w[1].s;
    ev->qtext.len = (size_t)(w[need - 1].s + w[need - 1].len - w[1].s);
    return 1;
}

static int p_show(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    static const char *const views[] = {"pstree", "frames", "stats", "vmas", "pages", "swap", "tlb"};
    reset(ev, EV_SHOW);
    if (n < 2)
        return fail(r, "'show' takes a view (%s)", usage[EV_SHOW]);
    int v = -1;
    for (int i = 0; i < (int)VM_ARRAY_LEN(views); i++)
        if (strlen(views[i]) == w[1].len && memcmp(views[i], w[1].s, w[1].len) == 0)
            v = i;
    if (v < 0) {
        char b[WQ_BUF];
        return fail(r, "unknown view '%s' (pstree, frames, stats, swap, tlb, vmas PID, pages PID)", wqs(b, w[1]));
    }
    ev->show = (enum show_what)v;
    if (v == SHOW_VMAS || v == SHOW_PAGES) {
        if (n != 3)
            return fail(r, "'show %s' takes 1 word after it (show %s PID)", views[v], views[v]);
        if (pid(r, w[2], &ev->pid))
            return -1;
    } else if (n != 2) {
        return fail(r, "'show %s' takes no more words", views[v]);
    }
    return 1;
}

static int p_mark(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    reset(ev, EV_MARK);
    if (arity(r, EV_MARK, n - 1, 1, 1))
        return -1;
    ev->name = w[1];
    return 1;
}

/* ---- dispatch ---------------------------------------------------------- */

static int unknown_keyword(struct trace_reader *r, struct str k)
{
    char b[WQ_BUF];
    /* the nearest keywords: one edit away, two for longer words */
    size_t best = k.len > 4 ? 2 : 1;
    int near[EV_NOPS], nnear = 0;
    for (int op = 0; op < EV_NOPS; op++) {
        size_t d = vm_edit_distance(k.s, k.len, ev_op_names[op], strlen(ev_op_names[op]));
        if (d < best) {
            best = d;
            nnear = 0;
        }
        if (d == best)
            near[nnear++] = op;
    }
    for (int op = 0; op < EV_NOPS; op++) {
        const char *name = ev_op_names[op];
        if (strlen(name) != k.len)
            continue;
        size_t i = 0;
        while (i < k.len && (unsigned char)(k.s[i] | 0x20) == (unsigned char)name[i])
            i++;
        if (i == k.len)
            return fail(r, "unknown keyword '%s' (keywords are lower case)", wqs(b, k));
    }
    if (!nnear && vm_edit_distance(k.s, k.len, "options", 7) < best)
        return fail(r, "unknown keyword '%s' (did you mean 'options'?)", wqs(b, k));
    if (nnear == 1)
        return fail(r, "unknown keyword '%s' (did you mean '%s'?)", wqs(b, k), ev_op_names[near[0]]);
    if (nnear == 2)
        return fail(r, "unknown keyword '%s' (did you mean '%s' or '%s'?)", wqs(b, k), ev_op_names[near[0]],
                    ev_op_names[near[1]]);
    return fail(r, "unknown keyword '%s'", wqs(b, k));
}

/* error MESSAGE...: the rest of the line, as written (comment signs
 * included), is the message of an error at this line. */
static int p_error(struct trace_reader *r, const struct str *w)
{
    const char *s = w[0].s + w[0].len, *e = r->line_end;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (s == e)
        return fail(r, "%s", "an 'error' line (error MESSAGE...)");
    return fail(r, "%.*s", (int)(e - s), s);
}

/* options --NAME VALUE ...: the machine's options, before the first event
 * or directive (options.h); the words after the keyword, up to a comment */
static int p_options(struct trace_reader *r, struct str kw)
{
    if (r->first)
        return fail(r, "'options' must come before the first event or directive (line %" PRIu64 ")", r->first);
    const char *s = kw.s + kw.len, *e = r->line_end;
    const char *hash = memchr(s, '#', (size_t)(e - s));
    if (hash)
        e = hash;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    if (s == e)
        return fail(r, "%s", "'options' takes the machine's options after it (options --arch NAME --frames N ...)");
    char why[sizeof r->err];
    if (vm_options_parse(&r->opts, s, (size_t)(e - s), r->line, why, sizeof why))
        return fail(r, "%s", why);
    return 0;
}

#define KW(lit) (memcmp(k, lit, sizeof(lit) - 1) == 0)

static inline int dispatch(struct trace_reader *r, const struct str *w, size_t n, struct ev *ev)
{
    const char *k = w[0].s;
    switch (w[0].len) {
    case 3:
        if (KW("brk"))
            return p_brk(r, w, n, ev);
        break;
    case 4:
        switch (k[0]) {
        case 'r':
            if (KW("read"))
                return p_read(r, w, n, ev);
            break;
        case 'f':
            if (KW("fork"))
                return p_fork(r, w, n, ev, EV_FORK);
            break;
        case 'e':
            if (KW("exit"))
                return p_exit(r, w, n, ev);
            if (KW("exec"))
                return p_exec(r, w, n, ev);
            break;
        case 'w':
            if (KW("wait"))
                return p_wait(r, w, n, ev);
            break;
        case 'm':
            if (KW("mmap"))
                return p_mmap(r, w, n, ev);
            if (KW("mark"))
                return p_mark(r, w, n, ev);
            break;
        case 's':
            if (KW("show"))
                return p_show(r, w, n, ev);
            break;
        default: break;
        }
        break;
    case 5:
        switch (k[0]) {
        case 'w':
            if (KW("write"))
                return p_write(r, w, n, ev);
            break;
        case 't':
            if (KW("touch"))
                return p_touch(r, w, n, ev);
            break;
        case 's':
            if (KW("spawn"))
                return p_spawn(r, w, n, ev);
            break;
        case 'v':
            if (KW("vfork"))
                return p_fork(r, w, n, ev, EV_VFORK);
            break;
        case 'e':
            if (KW("error"))
                return p_error(r, w);
            break;
        default: break;
        }
        break;
    case 6:
        if (KW("munmap"))
            return p_munmap(r, w, n, ev);
        if (KW("expect"))
            return p_expect(r, w, n, ev);
        break;
    case 7:
        if (KW("program"))
            return p_program(r, w, n, ev);
        break;
    case 8:
        if (KW("mprotect"))
            return p_mprotect(r, w, n, ev);
        break;
    case 9:
        if (KW("subreaper"))
            return p_subreaper(r, w, n, ev);
        break;
    default: break;
    }
    return unknown_keyword(r, w[0]);
}

/* ---- the fast path --------------------------------------------------- */

static inline bool is_blank(unsigned char c) { return c == ' ' || c == '\t'; }

/* plain_num: a number at p in its plain forms, decimal (at most 19 digits)
 * or 0x hex (at most 16 digits), into *out. The byte after it, or NULL for
 * anything else (no digit, a longer number), which the general path then
 * reads; what may follow it is the caller's to check. */
static VM_ALWAYS_INLINE const unsigned char *plain_num(const unsigned char *p, const unsigned char *e, uint64_t *out)
{
    const unsigned char *s;
    uint64_t v = 0;
    if (e - p > 2 && p[0] == '0' && (p[1] | 0x20) == 'x') {
        for (s = p += 2; p < e; p++) {
            unsigned d = number_hexv[*p];
            if (!d)
                break;
            v = v << 4 | (d - 1);
        }
        if (p == s || p - s > 16)
            return NULL;
    } else {
        for (s = p; p < e && is_digit(*p); p++)
            v = v * 10 + (unsigned)(*p - '0');
        if (p == s || p - s > 19)
            return NULL;
    }
    *out = v;
    return p;
}

static inline const unsigned char *skip_blanks(const unsigned char *p, const unsigned char *e)
{
    while (p < e && is_blank(*p))
        p++;
    return p;
}

/* An access line in its plain form: `read PID ADDR` or `write PID ADDR
 * [VALUE]`, a decimal pid, plain numbers, blanks between and after. */
struct plain_access {
    enum ev_op op;
    uint32_t pid;
    uint64_t addr, value;
    bool has_value;
    const unsigned char *last; /* the end of its last number */
};

/* plain_access: the plain access line that starts at p, read up to e at
 * most, into *a. The first byte after it and its blanks (e if none), or
 * NULL when the line does not start so; whether that byte may end the line
 * is the caller's to say. */
static VM_ALWAYS_INLINE const unsigned char *plain_access(const unsigned char *p, const unsigned char *e, struct plain_access *a)
{
    if (e - p > 5 && memcmp(p, "read", 4) == 0 && is_blank(p[4]))
        a->op = EV_READ, p += 5;
    else if (e - p > 6 && memcmp(p, "write", 5) == 0 && is_blank(p[5]))
        a->op = EV_WRITE, p += 6;
    else
        return NULL;
    p = skip_blanks(p, e);
    uint64_t pid_n = 0;
    const unsigned char *s = p;
    for (; p < e && is_digit(*p); p++)
        pid_n = pid_n * 10 + (unsigned)(*p - '0');
    if (p == s || p - s > 10 || pid_n < 1 || pid_n > 2147483647u || p == e || !is_blank(*p))
        return NULL;
    a->pid = (uint32_t)pid_n;
    if (!(p = plain_num(skip_blanks(p, e), e, &a->addr)))
        return NULL;
    a->last = p;
    p = skip_blanks(p, e);
    a->has_value = false;
    if (a->op == EV_WRITE && p > a->last && p < e && is_digit(*p)) {
        if (!(p = plain_num(p, e, &a->value)))
            return NULL;
        a->has_value = true;
        a->last = p;
        p = skip_blanks(p, e);
    }
    return p;
}

/* access_event: ev as the general path fills it for access line a, the
 * reader's current line, which starts at ls and ends at le */
static VM_ALWAYS_INLINE void access_event(struct trace_reader *r, const struct plain_access *a, const char *ls, const char *le,
                                struct ev *ev)
{
    reset(ev, a->op);
    ev->line = r->line;
    ev->text.s = ls;
    ev->text.len = (size_t)((const char *)a->last - ls);
    ev->pid = a->pid;
    ev->addr = a->addr;
    if (a->op == EV_WRITE) {
        ev->write = true;
        ev->has_value = a->has_value;
        ev->value = a->has_value ? a->value : ev->line;
    }
    r->line_end = le;
}

/* fast_access: a line already cut out (by next_line) that is a plain access
 * line, without splitting it into words. 1 when it is (ev filled), 0 to leave
 * it to the general path, which also finds every error. */
static inline int fast_access(struct trace_reader *r, const char *ls, size_t ll, struct ev *ev)
{
    struct plain_access a = {0};
    const unsigned char *p = (const unsigned char *)ls, *e = p + ll;
    if (plain_access(p, e, &a) != e)
        return 0;
    access_event(r, &a, ls, ls + ll, ev);
    return 1;
}

/* fast_line: the next line, when it is a plain access line that lies whole
 * in the buffer, read as its bytes come, without looking for its end first:
 * it ends at the '\n' (or "\r\n") right after it. 1 when it was (the line
 * consumed, ev filled); 0 when the line is anything else, or may not be all
 * in the buffer: nothing is consumed then, and next_line reads it. */
static inline int fast_line(struct trace_reader *r, struct ev *ev)
{
    struct plain_access a = {0};
    const unsigned char *ls = (const unsigned char *)r->data + r->pos, *end = (const unsigned char *)r->data + r->end;
    const unsigned char *p = plain_access(ls, end, &a);
    if (!p)
        return 0;
    const unsigned char *le = p < end && *p == '\r' ? p + 1 : p; /* the line without its CR */
    if (le == end || *le != '\n' || (size_t)(le - ls) > r->max_line)
        return 0;
    r->pos = r->scan = (size_t)(le + 1 - (const unsigned char *)r->data);
    r->line++;
    access_event(r, &a, (const char *)ls, (const char *)p, ev);
    return 1;
}

int trace_next(struct trace_reader *r, struct ev *ev)
{
    if (r->failed)
        return -1;
    if (fast_line(r, ev)) {
        if (!r->first)
            r->first = r->line;
        return 1;
    }
    for (;;) {
        const char *ls = NULL;
        size_t ll = 0, n = 0;
        struct str w[TRACE_MAX_WORDS];
        int k = next_line(r, &ls, &ll);
        if (k != 1)
            return k;
        if (fast_access(r, ls, ll, ev)) {
            if (!r->first)
                r->first = r->line;
            return 1;
        }
        if (split(r, (const unsigned char *)ls, (const unsigned char *)ls + ll, w, &n))
            return -1;
        if (n == 0)
            continue;
        r->line_end = ls + ll;
        if (STR_IS(w[0], "options")) { /* read by trace_read_options, or passed over here */
            if (p_options(r, w[0]))
                return -1;
            continue;
        }
        if (!r->first)
            r->first = r->line;
        ev->line = r->line;
        size_t last = (n < TRACE_MAX_WORDS ? n : TRACE_MAX_WORDS) - 1;
        ev->text.s = w[0].s;
        ev->text.len = (size_t)(w[last].s + w[last].len - w[0].s);
        return dispatch(r, w, n, ev);
    }
}

int trace_next_batch(struct trace_reader *r, struct ev *ev, int max)
{
    int n = 0;
    if (r->failed)
        return -1;
    while (n < max) {
        r->no_fill = n > 0; /* the events already read point into the buffer */
        int k = trace_next(r, &ev[n]);
        if (k != 1) {
            if (k < 0 && n == 0)
                n = -1; /* else the error waits for the next call (it is sticky) */
            break;
        }
        n++;
    }
    r->no_fill = false;
    return n;
}

/* ---- a thread that reads ahead --------------------------------------------------------
 * The thread owns the reader from trace_read_ahead on. It reads into one of
 * AHEAD_CHUNKS buffers, parses the whole lines there into that chunk's
 * events, and queues the chunk; the caller takes chunks in order and gives
 * each back at its next call. The bytes after a chunk's last whole line go
 * to the start of the next chunk, so a chunk's events point only into its
 * own buffer, which stays as it is until the caller gives the chunk back.
 * A chunk ends with what the parse returned after its events: more to read,
 * the end of the input, or a malformed line (which the caller is told after
 * the events). trace_close stops the thread where it waits: for a free
 * chunk, or in read(2), the one place where it may be cancelled. */

#define AHEAD_CHUNKS 8
#define AHEAD_WAKE 4 /* chunks left to run when the waiting thread is woken */
#define AHEAD_EVENTS TRACE_CHUNK_EVENTS
#define AHEAD_READ ((size_t)AHEAD_EVENTS * 7) /* "exit 1\n": no event line is shorter */
#define AHEAD_NONE AHEAD_CHUNKS
#define AHEAD_STACK ((size_t)256 << 10)

struct ahead_chunk {
    char *buf;
    struct ev *ev;
    int n;      /* events */
    int status; /* after them: 1 more, 0 the end of the input, -1 a malformed line */
};

struct trace_ahead {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct ahead_chunk chunk[AHEAD_CHUNKS];
    unsigned head, queued; /* chunks parsed, not yet taken: head, head + 1, ... */
    unsigned held;         /* the chunk the caller has (AHEAD_NONE: none) */
    bool stop;             /* trace_close: the thread ends */
    bool filler_waits;     /* the thread waits for a free chunk */
    bool joined;           /* the thread has ended and been joined */
    bool alone;            /* it was stopped early (trace_read_alone) */
    int last;              /* the status to return once the events of the last chunk are out (1: none yet) */
    char *first_buf;       /* the reader's own buffer, from before the thread */
    size_t first_cap;
    size_t cap;
};

/* ahead_parse: up to AHEAD_EVENTS events into c; the first may read
 * (first_may_read) when nothing points into the buffer yet. Returns the
 * chunk's status, or 2 when not one line could be had. */
static int ahead_parse(struct trace_reader *r, struct ahead_chunk *c, bool first_may_read)
{
    int k = 1;
    c->n = 0;
    while (c->n < AHEAD_EVENTS) {
        r->no_fill = c->n > 0 || !first_may_read;
        k = trace_next(r, &c->ev[c->n]);
        if (k != 1)
            break;
        c->n++;
    }
    r->no_fill = false;
    if (VM_MUTANT(5) && k < 0) /* a test-only defect: the events before a malformed line are lost */
        c->n = 0;
    if (k == 2 && !c->n)
        return 2;
    return k < 0 ? -1 : k == 0 ? 0 : 1;
}

/* ahead_fill: the next chunk's events. The lines are parsed where they are
 * while more than a chunk can hold is left in the reader's own buffer (from
 * before the thread; nothing writes it again). Else the bytes not parsed yet
 * (part of a line, at most --max-line) go to the start of c's buffer, and
 * reads of at most AHEAD_READ bytes follow them (more of them only for a
 * long line): about what AHEAD_EVENTS events can take, so that little is
 * left over for the next chunk. Returns the chunk's status. */
static int ahead_fill(struct trace_reader *r, struct ahead_chunk *c)
{
    struct trace_ahead *a = r->ahead;
    size_t tail = r->end - r->pos;
    if (tail + AHEAD_READ > a->cap) { /* only in the reader's own buffer */
        int k = ahead_parse(r, c, false);
        if (k != 2)
            return k;
        tail = r->end - r->pos; /* a line that goes on past the buffer: on in c */
    }
    memcpy(c->buf, r->data + r->pos, tail);
    r->scan -= r->pos;
    r->buf = c->buf;
    r->data = c->buf;
    r->cap = a->cap; /* room for the longest line */
    r->read_max = AHEAD_READ;
    r->end = tail;
    r->pos = 0;
    int k = ahead_parse(r, c, true);
    return k == 2 ? 1 : k;
}

static void ahead_free(struct trace_ahead *a)
{
    for (unsigned i = 0; i < AHEAD_CHUNKS; i++) {
        free(a->chunk[i].buf);
        free(a->chunk[i].ev);
    }
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
}

/* ahead_stop: the thread ends (wherever it waits), and the reader has its
 * own buffer back (for trace_close) */
static void ahead_stop(struct trace_reader *r)
{
    struct trace_ahead *a = r->ahead;
    if (!a->joined) {
        pthread_mutex_lock(&a->mu);
        a->stop = true;
        pthread_cond_broadcast(&a->cv);
        pthread_mutex_unlock(&a->mu);
        pthread_cancel(a->thread); /* acted on only in read(2): see fill */
        pthread_join(a->thread, NULL);
    }
    r->buf = a->first_buf;
    r->ahead = NULL;
    ahead_free(a);
}

static void *ahead_main(void *arg)
{
    struct trace_reader *r = arg;
    struct trace_ahead *a = r->ahead;
    int was;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &was);
    for (;;) {
        pthread_mutex_lock(&a->mu);
        while (!a->stop && a->queued + (a->held != AHEAD_NONE) == AHEAD_CHUNKS) {
            a->filler_waits = true;
            pthread_cond_wait(&a->cv, &a->mu);
        }
        a->filler_waits = false;
        bool stop = a->stop;
        unsigned w = (a->head + a->queued) % AHEAD_CHUNKS;
        pthread_mutex_unlock(&a->mu);
        if (stop)
            return NULL;
        int status = ahead_fill(r, &a->chunk[w]);
        a->chunk[w].status = status;
        pthread_mutex_lock(&a->mu);
        a->queued++;
        pthread_cond_broadcast(&a->cv);
        pthread_mutex_unlock(&a->mu);
        if (status <= 0)
            return NULL;
    }
}

int trace_read_ahead(struct trace_reader *r)
{
    if (r->fd < 0 || r->ahead || r->failed || r->max_line > TRACE_DEFAULT_MAX_LINE)
        return -1;
    /* short of memory (a limit on it), the reader goes on alone */
    struct trace_ahead *a = calloc(1, sizeof *a);
    if (!a)
        return -1;
    a->cap = r->max_line + 2 + AHEAD_READ;
    a->held = AHEAD_NONE;
    a->last = 1;
    bool ok = true;
    for (unsigned i = 0; i < AHEAD_CHUNKS; i++) {
        ok = ok && (a->chunk[i].buf = malloc(a->cap)) != NULL;
        ok = ok && (a->chunk[i].ev = malloc(AHEAD_EVENTS * sizeof *a->chunk[i].ev)) != NULL;
    }
    if (!ok) {
        for (unsigned i = 0; i < AHEAD_CHUNKS; i++) {
            free(a->chunk[i].buf);
            free(a->chunk[i].ev);
        }
        free(a);
        return -1;
    }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    a->first_buf = r->buf;
    a->first_cap = r->cap;
    r->ahead = a;
    pthread_attr_t attr; /* a small stack: the parser needs little, and a limit on memory counts it */
    bool made = false;
    if (pthread_attr_init(&attr) == 0) {
        made = pthread_attr_setstacksize(&attr, AHEAD_STACK) == 0 && pthread_create(&a->thread, &attr, ahead_main, r) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!made) { /* no thread (a limit on memory or threads): the reader goes on alone */
        r->ahead = NULL;
        ahead_free(a);
        return -1;
    }
    return 0;
}

/* ahead_alone: the thread has stopped early and every chunk it queued is
 * handed out: the reader is the caller's again, in its own buffer */
static int ahead_alone(struct trace_reader *r)
{
    struct trace_ahead *a = r->ahead;
    size_t tail = r->end - r->pos; /* part of a line, at most --max-line: it fits */
    memmove(a->first_buf, r->data + r->pos, tail);
    r->scan -= r->pos;
    r->buf = r->ahead->first_buf;
    r->data = r->buf;
    r->cap = a->first_cap;
    r->read_max = 0;
    r->end = tail;
    r->pos = 0;
    r->ahead = NULL;
    ahead_free(a);
    return TRACE_ALONE;
}

void trace_read_alone(struct trace_reader *r)
{
    struct trace_ahead *a = r->ahead;
    if (!a || a->joined)
        return;
    pthread_mutex_lock(&a->mu);
    a->stop = true;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    /* it stops once the chunk it is on is queued. Not cancelled: a read(2)
     * cancelled as its data arrives may lose the data. If it waits for input,
     * so would the caller, for its next events */
    pthread_join(a->thread, NULL);
    a->joined = true;
    a->alone = true;
}

int trace_next_chunk(struct trace_reader *r, const struct ev **ev)
{
    struct trace_ahead *a = r->ahead;
    if (a->last != 1)
        return a->last; /* the end, or the malformed line, after the last events */
    pthread_mutex_lock(&a->mu);
    if (a->held != AHEAD_NONE) { /* the chunk before is given back */
        a->held = AHEAD_NONE;
        /* the thread, waiting, is woken only when half the chunks at most
         * are left to run: a wake-up costs the run more than parsing a
         * chunk costs the thread, and the chunks left give the thread time
         * to wake and catch up when the run is about as fast as the parse */
        if (a->filler_waits && a->queued <= AHEAD_WAKE)
            pthread_cond_broadcast(&a->cv);
    }
    if (a->alone && !a->queued) {
        pthread_mutex_unlock(&a->mu);
        return ahead_alone(r);
    }
    while (!a->queued)
        pthread_cond_wait(&a->cv, &a->mu);
    struct ahead_chunk *c = &a->chunk[a->head];
    a->held = a->head;
    a->head = (a->head + 1) % AHEAD_CHUNKS;
    a->queued--;
    pthread_mutex_unlock(&a->mu);
    if (c->status <= 0) {
        if (!a->joined)
            pthread_join(a->thread, NULL); /* it has stopped: the reader is the caller's again */
        a->joined = true;
        a->last = c->status;
        if (!c->n)
            return a->last;
    }
    *ev = c->ev;
    return c->n;
}

int trace_read_options(struct trace_reader *r)
{
    if (r->failed)
        return -1;
    while (!r->first) {
        const char *ls = NULL;
        size_t ll = 0, n = 0;
        struct str w[TRACE_MAX_WORDS];
        int k = next_line(r, &ls, &ll);
        if (k <= 0)
            return k;
        if (split(r, (const unsigned char *)ls, (const unsigned char *)ls + ll, w, &n))
            return -1;
        if (n == 0)
            continue;
        if (!STR_IS(w[0], "options")) { /* the first event or directive: trace_next reads it */
            r->pos = r->scan = (size_t)(ls - r->data);
            r->line--;
            return 0;
        }
        r->line_end = ls + ll;
        if (p_options(r, w[0]))
            return -1;
    }
    return 0;
}
