/* policy_opt.h -- opt, the page used again farthest in the future: the
 * future index, and a heap of the candidates by next use.
 *
 * The future. Every access of the trace as written, in order (a touch is
 * one access per page; lines that will be skipped and pages after a kill
 * count too) is numbered 0, 1, 2, ...; access i has a key (pid, page) and
 * next[i], the number of the next access with the same key (NEVER if none).
 * The run loop builds the index before the run (future_of, runner.c):
 * opt needs the whole trace ahead of the current line.
 *
 * During the run, a cursor follows the accesses: each access moves it one
 * on, and the end of each event line moves it past the rest of the line.
 * Each key's next use is then the first access after the cursor with that
 * key. The next use of frame F is the smallest next use of its mappers (the
 * pairs (pid, page) whose current entry maps F); never used again is
 * farthest. The victim is the candidate with the farthest next use, ties to
 * the largest `loaded` (the most recently loaded). Next uses are recomputed
 * lazily: a frame whose mappers or whose keys' next uses changed is marked,
 * and marked frames are recomputed before a choice.
 */
#ifndef VMSIM_POLICY_OPT_H
#define VMSIM_POLICY_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FUTURE_NEVER UINT32_MAX

struct policy_ask;

/* one key: a page of a process */
struct future_key {
    uint64_t page; /* va >> page_shift */
    uint32_t pid;
    uint32_t next; /* runtime: the next access number with this key */
};

/* The accesses' lines, in a bit string. Lines never fall from one access
 * to the next, so access i is the i-th set bit, preceded by as many clear
 * bits in all as its line is past the first access's line:
 *
 *     lines   7 7 8 11 11           (accesses 0..4)
 *     bits    1 1 0 1 0 0 0 1 1     (set bit of access i at i + line - line0)
 *
 * which costs a bit per access and a bit per line passed (a quarter of a
 * byte an access on a trace of accesses), against four bytes for a number
 * each. The cursor walks the set bits in order; a line for a message is
 * found from the position of every 512th set bit (sel). */
#define FUTURE_SEL_SHIFT 9
#define FUTURE_AHEAD 16 /* a power of two */

struct future {
    uint32_t n;        /* accesses */
    uint32_t *key;     /* per access: its key's index */
    uint32_t *next;    /* per access: the next access with the same key, FUTURE_NEVER */
    uint64_t *lbits;   /* the lines, as above */
    uint64_t nwords;   /* words of lbits allocated (the rest of the last ones clear) */
    uint64_t *sel;     /* sel[j]: the bit of access j << FUTURE_SEL_SHIFT */
    uint64_t line0;    /* the line of access 0 */
    uint64_t capn;     /* accesses key and next have room for */
    struct future_key *keys;
    uint32_t nkeys, capkeys;
    uint32_t *slots;   /* open-addressing hash of keys: index + 1, 0 empty */
    uint64_t nslots;
    uint64_t cap;      /* accesses the index may hold */
    uint64_t max_bytes; /* what future_bytes may reach (0: no bound) */
    uint64_t bytes;    /* future_bytes: held, and every array's room */
    bool full;         /* a key found no room: no more accesses */
    uint32_t cursor;   /* the next access number */
    uint64_t cursor_bit; /* the bit of access `cursor` (when cursor < n) */
    /* while adding: the last FUTURE_AHEAD accesses wait for their keys, so
     * that each key's hash slot and record are loaded before it is looked
     * up (keyed: the accesses that have their key) */
    struct { uint64_t page; uint32_t pid; } ahead[FUTURE_AHEAD];
    uint32_t keyed;
};

/* future_new: an empty index that may hold up to `max_accesses` accesses
 * in at most `max_bytes` bytes (0: no bound), counting `held`, the bytes of
 * the trace's text that the run keeps in memory for it. Its arrays grow
 * only when their new room fits beside the old one, so it never holds
 * more than that, even while one of them moves. */
struct future *future_new(uint64_t max_accesses, uint64_t max_bytes, uint64_t held);
void future_free(struct future *fu);

/* future_bytes: held, the index's record and the room of its arrays. */
static inline uint64_t future_bytes(const struct future *fu) { return fu->bytes; }

/* future_add: one more access, in trace order (lines never fall). -1 when
 * it does not fit: cap accesses, or more bytes than max_bytes (an access
 * that needs no room but comes too many lines later leaves the index as
 * it was; a key without room ends it: every later add fails too). */
int future_add(struct future *fu, uint32_t pid, uint64_t page, uint64_t line);

/* future_seal: computes the next links once every access is in; -1 when
 * the last keys find no room (the index is then of no use). */
int future_seal(struct future *fu);

/* future_line: the trace line of access i (< n). */
uint64_t future_line(const struct future *fu, uint32_t i);

/* future_step: the cursor moves on one access (cursor < n). */
void future_step(struct future *fu);

/* future_cursor_line: the line of the access at the cursor (cursor < n). */
static inline uint64_t future_cursor_line(const struct future *fu)
{
    return fu->line0 + fu->cursor_bit - fu->cursor;
}

/* future_key_of: the key index of (pid, page), or FUTURE_NEVER */
uint32_t future_key_of(const struct future *fu, uint32_t pid, uint64_t page);

/* ---- the opt policy ---------------------------------------------------------------- */

/* how opt learns about mappers and frames: the machine answers */
struct opt_world {
    /* for_each_mapper: calls fn(arg, pid, page) for each mapper of frame f */
    void (*for_each_mapper)(void *ctx, uint32_t f, void (*fn)(void *arg, uint32_t pid, uint64_t page), void *arg);
    /* frame_of: the frame pid's page maps now, or FRAME_NONE */
    uint32_t (*frame_of)(void *ctx, uint32_t pid, uint64_t page);
    void *ctx;
};

struct policy_opt;

/* policy_opt_new: opt over the frames of ft; loaded is the policy's array
 * of fill stamps (policy.h), read for ties. opt keeps a guess in the first
 * policy word of each frame's record (frames.h), which no list uses under
 * opt: 1 + the key of a page that maps it, checked before it is used. */
struct frames;
/* policy_opt_frame_bytes: the policy's memory per frame (its arrays) */
uint64_t policy_opt_frame_bytes(void);

struct policy_opt *policy_opt_new(struct frames *ft, const uint64_t *loaded);
void policy_opt_free(struct policy_opt *o);

/* policy_opt_attach: the future to follow and the world to ask (before the
 * first event). Without a future every page is "never used again". */
void policy_opt_attach(struct policy_opt *o, struct future *fu, const struct opt_world *w);

void policy_opt_fill(struct policy_opt *o, uint32_t f);
void policy_opt_forget(struct policy_opt *o, uint32_t f);

/* policy_opt_mark: f's mappers changed: its next use is recomputed before
 * the next choice. */
void policy_opt_mark(struct policy_opt *o, uint32_t f);

/* policy_opt_mark_table: every frame page table p maps (its mappers
 * changed: a vfork child came or went). */
struct pt_store;
struct pagetable;
void policy_opt_mark_table(struct policy_opt *o, const struct pt_store *ps, const struct pagetable *p);

/* policy_opt_access: an access starts: the cursor moves on one. */
void policy_opt_access(struct policy_opt *o);

/* policy_opt_line_done: event line `line` ended: the cursor moves past the
 * rest of its accesses (a touch cut short, a skipped line). */
void policy_opt_line_done(struct policy_opt *o, uint64_t line);

uint32_t policy_opt_choose(struct policy_opt *o, const struct policy_ask *ask);

/* policy_opt_peek: the top of the heap (FRAME_NONE: empty), the next victim
 * unless the next uses still to recompute move another above it. */
uint32_t policy_opt_peek(const struct policy_opt *o);

/* policy_opt_prefetch: a hint, for the access `ahead` accesses after the
 * cursor: with second false, its key's record starts loading; with second
 * true (a few accesses later, the record in the cache), the hash slot that
 * finds the key again. Changes nothing. */
void policy_opt_prefetch(const struct policy_opt *o, uint32_t ahead, bool second);

/* policy_opt_check: the heap holds the candidates (member: a bit per frame,
 * the policy's, policy.h) and is in order. 0, or -1 with a message. */
int policy_opt_check(const struct policy_opt *o, const uint64_t *member, char *err, size_t errlen);

#endif
