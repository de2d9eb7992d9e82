/* event.h -- one line of a trace, parsed: what the parser gives the engine.
 *
 * Strings (names, words) point into the parser's line buffer and are valid
 * until the next line is read: whoever keeps one copies it.
 */
#ifndef VMSIM_EVENT_H
#define VMSIM_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Events first (they count in events.*), then directives. The order is the
 * order of the summary's events section. */
enum ev_op {
    EV_SPAWN,
    EV_FORK,
    EV_VFORK,
    EV_EXEC,
    EV_EXIT,
    EV_WAIT,
    EV_MMAP,
    EV_MUNMAP,
    EV_MPROTECT,
    EV_BRK,
    EV_READ,
    EV_WRITE,
    EV_TOUCH,
    EV_SUBREAPER,
    EV_NEVENTS, /* directives follow */
    EV_PROGRAM = EV_NEVENTS,
    EV_EXPECT,
    EV_SHOW,
    EV_MARK,
    EV_NOPS
};

struct str {
    const char *s;
    size_t len;
};

enum brk_how { BRK_ABS, BRK_GROW, BRK_SHRINK };

/* program sizes, by index */
enum { SEG_TEXT, SEG_DATA, SEG_BSS, SEG_HEAP, SEG_STACK, SEG_COUNT };

enum query_kind { Q_STAT, Q_PROC, Q_PAGE };
enum proc_field {
    PF_STATE,
    PF_PPID,
    PF_EXIT_STATUS,
    PF_PROGRAM,
    PF_RSS,
    PF_PSS,
    PF_USS,
    PF_PT_PAGES,
    PF_VMAS,
    PF_SWAP,
    PF_COUNT
};
enum page_field {
    PGF_MAPPED,
    PGF_PRESENT,
    PGF_WRITABLE,
    PGF_COW,
    PGF_DIRTY,
    PGF_FRAME,
    PGF_KIND,
    PGF_REFCOUNT,
    PGF_MAPPERS,
    PGF_VALUE,
    PGF_SWAPPED,
    PGF_SLOT,
    PGF_COUNT
};
extern const char *const proc_field_names[PF_COUNT];
extern const char *const page_field_names[PGF_COUNT];

/* The words that `page PID ADDR kind` can be, in the order of their enum. */
enum page_kind_word { PKW_ANON, PKW_CACHE, PKW_ZERO, PKW_SWAP, PKW_NONE, PKW_COUNT };
extern const char *const page_kind_words[PKW_COUNT];

/* What a field of `expect proc` and `expect page` can be: one table for the
 * parser, which refuses any other word on the right of an expect, and for
 * the queries, which answer with these words. `none` is among the words of
 * every field it can be. */
struct field_values {
    const char *const *words; /* the words it can be (NULL: none but numbers) */
    unsigned nwords;
    bool number;   /* a number (pss: a decimal) */
    bool boolean;  /* 1/0, also written true/false */
    bool any_word; /* any word (program names) */
};
extern const struct field_values proc_field_values[PF_COUNT];
extern const struct field_values page_field_values[PGF_COUNT];
enum cmp_op { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

/* a value on the right of an expect: a number, a decimal or a word */
struct qvalue {
    enum { QV_NUM, QV_DEC, QV_WORD } kind;
    uint64_t num;
    double dec;      /* QV_DEC, for messages; compared as dnum / 10^dexp */
    uint64_t dnum;   /* QV_DEC: the digits, without the dot (at most 19) */
    unsigned dexp;   /* QV_DEC: the digits after the dot (trailing zeros dropped) */
    struct str word;
    struct str text; /* as written */
};

enum show_what { SHOW_PSTREE, SHOW_FRAMES, SHOW_STATS, SHOW_VMAS, SHOW_PAGES, SHOW_SWAP, SHOW_TLB };

struct ev {
    enum ev_op op;
    uint64_t line;
    struct str text; /* the line without its comment and outer blanks */
    uint32_t pid;   /* the actor (spawn: the new process; subreaper: the process marked) */
    uint32_t pid2;  /* fork/vfork: the child; wait: the child or 0 */
    uint64_t addr;  /* read/write/touch/mmap/munmap/mprotect, brk ADDR */
    uint64_t len;   /* mmap/munmap/mprotect: rounded up to pages; touch: as given; brk: +/-LEN */
    uint64_t value; /* write/touch: VALUE; exit: STATUS */
    bool has_value;
    bool write;     /* touch: w */
    unsigned prot;  /* VMA_R | VMA_W | VMA_X */
    bool shared;
    bool has_file;
    uint64_t offset; /* file=NAME@OFFSET */
    enum brk_how brk;
    struct str name; /* program / file / mark label */
    /* program */
    uint64_t seg[SEG_COUNT];
    unsigned seg_bytes;     /* a bit per segment given in bytes, below a page (text=3): a likely slip */
    uint64_t seg_given[SEG_COUNT]; /* what those were given as */
    /* expect */
    enum query_kind qkind;
    struct str qpath; /* stat: the dotted path */
    int qfield;       /* proc: enum proc_field; page: enum page_field */
    enum cmp_op cmp;
    struct qvalue qval;
    struct str qtext; /* the query as written, after "expect " */
    /* show */
    enum show_what show;
};

extern const char *const ev_op_names[EV_NOPS];
extern const char *const cmp_op_names[6]; /* "==", "!=", ... */

#endif
