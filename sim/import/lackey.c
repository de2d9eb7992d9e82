/* lackey.c -- valgrind lackey's memory trace made into a trace (import.h).
 *
 * One pass, one line at a time: a line is parsed by hand (type letter, hex
 * address, decimal size) and its access written at once. The chunks already
 * mapped are kept in an open-addressing set of chunk numbers, with the last
 * chunk in front of it: most accesses hit the chunk before them. Nothing
 * else grows.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "vmsim/number.h"
#include "vmsim/util.h"

/* ---- the set of mapped chunks ------------------------------------------- */

struct chunk_set {
    uint64_t *slot; /* chunk number + 1; 0 is empty */
    size_t cap, count;
};

static void set_init(struct chunk_set *s)
{
    s->cap = 1024;
    s->count = 0;
    s->slot = vm_xcalloc(s->cap, sizeof *s->slot);
}

static inline size_t set_hash(uint64_t k, size_t cap)
{
    k *= UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(k >> 32) & (cap - 1);
}

static void set_grow(struct chunk_set *s)
{
    size_t cap = s->cap * 2;
    uint64_t *slot = vm_xcalloc(cap, sizeof *slot);
    for (size_t i = 0; i < s->cap; i++) {
        uint64_t k = s->slot[i];
        if (!k)
            continue;
        size_t h = set_hash(k, cap);
        while (slot[h])
            h = (h + 1) & (cap - 1);
        slot[h] = k;
    }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
}

/* set_add: true if chunk c was not in the set (it is now) */
static bool set_add(struct chunk_set *s, uint64_t c)
{
    uint64_t k = c + 1;
    size_t h = set_hash(k, s->cap);
    while (s->slot[h]) {
        if (s->slot[h] == k)
            return false;
        h = (h + 1) & (s->cap - 1);
    }
    s->slot[h] = k;
    if (++s->count * 2 > s->cap)
        set_grow(s);
    return true;
}

/* ---- the import ---------------------------------------------------------- */

enum { K_I, K_L, K_S, K_M, K_COUNT };

struct lackey {
    const struct import_opts *o;
    struct import_result *res;
    struct rec_writer w;
    struct chunk_set chunks;
    uint64_t last_chunk; /* chunk number + 1 of the last access, 0 for none */
    unsigned chunk_shift;
    uint64_t page_mask;
    char read_pfx[32], write_pfx[32], mmap_pfx[32];
    size_t read_len, write_len, mmap_len;
    char chunk_word[32]; /* the chunk size as written */
    uint64_t kinds[K_COUNT], valgrind, blank, above, dropped;
};

static void put_size(char *out, size_t outlen, uint64_t v)
{
    if (v >= ((uint64_t)1 << 30) && !(v & (((uint64_t)1 << 30) - 1)))
        snprintf(out, outlen, "%" PRIu64 "G", v >> 30);
    else if (v >= ((uint64_t)1 << 20) && !(v & (((uint64_t)1 << 20) - 1)))
        snprintf(out, outlen, "%" PRIu64 "M", v >> 20);
    else
        snprintf(out, outlen, "%" PRIu64 "K", v >> 10);
}

/* emit_access: the mapping of a new chunk, then the access */
static inline void emit_access(struct lackey *L, uint64_t addr, bool write)
{
    uint64_t c = addr >> L->chunk_shift;
    if (c + 1 != L->last_chunk) {
        if (set_add(&L->chunks, c)) {
            struct rec_writer *w = &L->w;
            rec_put(w, L->mmap_pfx, L->mmap_len);
            rec_hex(w, c << L->chunk_shift);
            rec_room(w, 64);
            rec_put(w, " ", 1);
            rec_put(w, L->chunk_word, strlen(L->chunk_word));
            REC_PUTS(w, " rwx private\n");
            L->res->events++;
        }
        L->last_chunk = c + 1;
    }
    if (L->o->pages)
        addr &= L->page_mask;
    if (write)
        rec_put(&L->w, L->write_pfx, L->write_len);
    else
        rec_put(&L->w, L->read_pfx, L->read_len);
    rec_hex(&L->w, addr);
    rec_put(&L->w, "\n", 1);
    L->res->events++;
}

static inline bool blank(char c) { return c == ' ' || c == '\t'; }

/* bad: the message for a line that is not lackey's */
static int bad(struct lackey *L, uint64_t line, const char *s, size_t n, bool cut)
{
    char q[200];
    if (cut)
        return rec_fail(L->res, line, "lackey line cut short: '%s' (want 'I  ADDR,SIZE', ' L ADDR,SIZE', ...)",
                        rec_quote(q, s, n));
    return rec_fail(L->res, line,
                    "not a lackey line: '%s' (want 'I  ADDR,SIZE', ' L ADDR,SIZE', ' S ADDR,SIZE', ' M ADDR,SIZE' "
                    "or a valgrind line '==PID== ...')",
                    rec_quote(q, s, n));
}

/* other: a line that is not an access: valgrind's, blank, or bad */
static int other(struct lackey *L, uint64_t line, const char *s, size_t n)
{
    if (line == 1 && rec_gzipped(s, n))
        return rec_fail(L->res, line, "%s", "a gzip-compressed record: gzip -dc FILE | vmsim import lackey");
    const char *p = s, *e = s + n;
    while (p < e && blank(*p))
        p++;
    if (p == e) {
        L->blank++;
        return 0;
    }
    /* valgrind's own lines: any line that starts with ==, as the contract
     * says, and its --PID-- lines (valgrind -v), but no other -- line */
    const char *pid_end = s + 2;
    while (n >= 2 && pid_end < e && *pid_end >= '0' && *pid_end <= '9')
        pid_end++;
    bool dashes = n >= 2 && s[0] == '-' && s[1] == '-' && pid_end > s + 2 && pid_end + 1 < e && pid_end[0] == '-' &&
                  pid_end[1] == '-';
    if (n >= 2 && ((s[0] == '=' && s[1] == '=') || dashes)) {
        L->valgrind++;
        /* ==PID== Command: PROG ARGS: kept as a comment */
        const char *q = pid_end;
        if (q + 2 < e && q[0] == s[0] && q[1] == s[1] && q[2] == ' ') {
            q += 3;
            if ((size_t)(e - q) > 9 && !memcmp(q, "Command: ", 9)) {
                REC_PUTS(&L->w, "# command: ");
                rec_text(&L->w, q + 9, (size_t)(e - q - 9), 400);
                rec_put(&L->w, "\n", 1);
            }
        }
        return 0;
    }
    /* a record line, malformed: cut short if what is there is a prefix of one */
    if (*p == 'I' || *p == 'L' || *p == 'S' || *p == 'M') {
        const char *q = p + 1;
        if (q == e)
            return bad(L, line, s, n, true);
        if (blank(*q)) {
            while (q < e && blank(*q))
                q++;
            while (q < e && number_hexv[(unsigned char)*q])
                q++;
            if (q == e)
                return bad(L, line, s, n, true);
            if (*q == ',' && q + 1 == e)
                return bad(L, line, s, n, true);
        }
    }
    return bad(L, line, s, n, false);
}

/* line: one line of the record; 0, or 2 for a bad line */
static inline int line(struct lackey *L, uint64_t no, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    /* cppcheck-suppress knownConditionTrueFalse ; cppcheck 2.10 does not see n set by rec_next */
    if (n - i < 4)
        return other(L, no, s, n);
    const char *p = s + i, *e = s + n;
    int kind;
    switch (*p) {
    case 'I': kind = K_I; break;
    case 'L': kind = K_L; break;
    case 'S': kind = K_S; break;
    case 'M': kind = K_M; break;
    default: return other(L, no, s, n);
    }
    p++;
    if (!blank(*p))
        return other(L, no, s, n);
    do
        p++;
    while (p < e && blank(*p));
    uint64_t addr = 0;
    const char *h = p;
    unsigned d;
    while (p < e && (d = number_hexv[(unsigned char)*p]) != 0) {
        addr = addr << 4 | (d - 1);
        p++;
    }
    if (p == h || p - h > 16 || p == e || *p != ',')
        return other(L, no, s, n);
    const char *z = ++p;
    while (p < e && *p >= '0' && *p <= '9')
        p++;
    if (p == z)
        return other(L, no, s, n);
    while (p < e && blank(*p))
        p++;
    if (p != e)
        return other(L, no, s, n);
    L->kinds[kind]++;
    if (kind == K_I && L->o->no_fetch) {
        L->dropped++;
        return 0;
    }
    if (addr >= REC_USER_TOP) {
        L->above++;
        return 0;
    }
    emit_access(L, addr, kind == K_S || kind == K_M);
    return 0;
}

static void closing(struct lackey *L, uint64_t lines)
{
    struct rec_writer *w = &L->w;
    rec_printf(w,
               "# lackey: lines %" PRIu64 ": I %" PRIu64 " (instruction fetches), L %" PRIu64 " (loads), S %" PRIu64
               " (stores), M %" PRIu64 " (modifies)\n",
               lines, L->kinds[K_I], L->kinds[K_L], L->kinds[K_S], L->kinds[K_M]);
    rec_printf(w, "# skipped: valgrind lines %" PRIu64 ", blank lines %" PRIu64, L->valgrind, L->blank);
    if (L->dropped)
        rec_printf(w, ", instruction fetches %" PRIu64 " (--no-fetch)", L->dropped);
    if (L->above)
        rec_printf(w, ", accesses at or above user_top %" PRIu64, L->above);
    rec_printf(w, "\n# mapped: chunks %zu of %s each\n", L->chunks.count, L->chunk_word);
}

int import_lackey(FILE *in, FILE *out, const struct import_opts *o, struct import_result *res)
{
    memset(res, 0, sizeof *res);
    char err[256];
    if (import_check_opts(o, true, err, sizeof err))
        return rec_fail(res, 0, "%s", err);
    struct lackey L;
    memset(&L, 0, sizeof L);
    L.o = o;
    L.res = res;
    rec_writer_init(&L.w, out);
    set_init(&L.chunks);
    L.chunk_shift = (unsigned)__builtin_ctzll(o->chunk);
    L.page_mask = ~(REC_PAGE - 1);
    put_size(L.chunk_word, sizeof L.chunk_word, o->chunk);
    L.read_len = (size_t)snprintf(L.read_pfx, sizeof L.read_pfx, "read %" PRIu32 " ", o->pid);
    L.write_len = (size_t)snprintf(L.write_pfx, sizeof L.write_pfx, "write %" PRIu32 " ", o->pid);
    L.mmap_len = (size_t)snprintf(L.mmap_pfx, sizeof L.mmap_pfx, "mmap %" PRIu32 " ", o->pid);

    REC_PUTS(&L.w, "# vmsim import lackey ");
    /* the command as typed: '-' for standard input */
    const char *src = strcmp(o->name, VM_STDIN_NAME) ? o->name : "-";
    rec_text(&L.w, src, strlen(src), 400);
    rec_printf(&L.w, "\nspawn %" PRIu32 "\n", o->pid);
    res->events++;

    struct rec_reader r;
    rec_reader_init(&r, in, IMPORT_MAX_LINE);
    int status = 0, k;
    const char *s;
    size_t n;
    while ((k = rec_next(&r, &s, &n, res)) > 0) {
        if (line(&L, r.line, s, n)) {
            status = 2;
            break;
        }
    }
    if (k < 0)
        status = 2;
    res->lines = r.line;
    if (!status)
        closing(&L, r.line);
    status = rec_finish(&L.w, "lackey", o, res, status);
    rec_reader_free(&r);
    rec_writer_free(&L.w);
    free(L.chunks.slot);
    return status;
}
