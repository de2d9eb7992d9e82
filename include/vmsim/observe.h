/* observe.h -- what a run tells its observers: the facts of each event.
 *
 * The model never prints and never explains. As it works it states facts:
 * an access completed, a fault of this class mapped that frame, a frame was
 * freed, a process was reparented, an entry changed. Observers subscribe to
 * the kinds they want and build everything else from facts and from the
 * state they may read at the end of an event: -v's sentences (explain.h),
 * --timeline's rows, the quiz's survey, the grader, the HTML view. None of
 * them diffs counters to guess what happened.
 *
 *   trace -> parser -> run loop (runner.h) -> engine -> model
 *                          |                              |
 *                          +--- begin, end, directive     +--- facts
 *                          v                              v
 *                                    observers
 *
 * The run loop calls begin before an event line and end after it (with its
 * result), directive after each directive line; the model calls fact in
 * between, in the order things happen. A fact's pointers are valid only
 * during the call. Facts nobody asked for are not made: vm_wants() is the
 * test the model makes first.
 */
#ifndef VMSIM_OBSERVE_H
#define VMSIM_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/event.h"
#include "vmsim/frames.h"
#include "vmsim/pagetable.h"

struct vm;
struct program;

enum fault_class { FC_DEMAND_ZERO, FC_ZERO_PAGE, FC_FILE, FC_COW_COPY, FC_COW_REUSE, FC_SEGV, FC_SWAP_IN, FC_COUNT };

enum fact_kind {
    FACT_ACCESS,        /* an access completed: pid, va, write; fc the class of its fault, FC_COUNT for none */
    FACT_FAULT,         /* a fault resolved (or a segv): pid, va, write, fc, u.fault */
    FACT_FAULT_STOPPED, /* a fault whose process was killed before it was resolved: pid, va, write, fc */
    FACT_FRAME_TAKEN,   /* u.frame: a frame taken from the free pool */
    FACT_FRAME_FREED,   /* u.frame: a frame given back (kind: what it was) */
    FACT_RECLAIM,       /* u.reclaim: a page-cache page dropped to free its frame */
    FACT_OOM_KILL,      /* the OOM killer chose pid (u.oom), for pid2 who needs a frame (0: none); its exit follows */
    FACT_PROC_NEW,      /* pid created, child of pid2 (0: none) by ev's op; u.program */
    FACT_FORK,          /* pid forked pid2: u.fork */
    FACT_FORK_FAILED,   /* pid's fork of pid2 failed: not enough free or droppable frames */
    FACT_SUSPEND,       /* pid suspended until its vfork child pid2 execs or exits */
    FACT_RESUME,        /* pid, suspended by its vfork child pid2, resumes */
    FACT_SPACE_LEFT,    /* pid left its address space: u.space */
    FACT_EXEC,          /* pid now runs u.program */
    FACT_EXIT,          /* pid became a zombie: u.exit */
    FACT_REPARENT,      /* pid's parent changed from pid2 to u.ppid (0: none) */
    FACT_REAP,          /* pid (status u.exit.status) reaped by pid2 (0: at once, no parent to wait) */
    FACT_BRK,           /* pid's break moved: u.brk */
    FACT_MAP,           /* pid's mmap, munmap or mprotect of [va, va + u.map.len) is done */
    FACT_EVICT,         /* a victim page left memory: u.evict (its frame freed after) */
    FACT_PTE,           /* a change of the page tables' write path: u.pte */
    FACT_SEGV,          /* pid killed by a segv at va (write): u.fault.outside; after its FACT_FAULT */
    FACT_SUBREAPER,     /* pid became a child subreaper */
    FACT_TLB,           /* the TLB (tlb.h): u.tlb; pid the actor of an access, pid2 the process a switch leaves */
    FACT_KINDS
};

#define FACT_BIT(k) (UINT32_C(1) << (k))

enum exit_cause { EXIT_NORMAL, EXIT_SEGV, EXIT_OOM };

/* what a fault did: the frame the entry mapped before (FRAME_NONE: none)
 * and the frame it maps now */
struct fault_fact {
    uint32_t from, to;
    uint64_t from_ref_before; /* from's refcount before the fault */
    uint64_t from_ref_after;  /* and after */
    bool from_freed;          /* from was freed by it */
    uint64_t to_ref;          /* to's refcount after */
    bool writable;            /* the entry is writable now */
    bool vma_writable;        /* its VMA allows writes */
    const char *file;         /* file and private-file faults: the object's name */
    uint64_t file_page;
    bool loaded;              /* the page was loaded into the cache (else found there) */
    bool outside;             /* segv: outside every VMA (else not allowed by its protection) */
    /* swap_in */
    uint32_t slot;            /* the slot it came from */
    bool from_cache;          /* a frame held the slot's copy (the swap cache): no read */
    uint64_t slot_count;      /* the slot's count after */
    bool copied, reused;      /* a write resolved inside the fault: cow copy, or reuse */
    uint64_t around;          /* file read faults: pages fault-around mapped besides this one */
    uint64_t around_lo, around_hi; /* and its window [lo, hi), cut to the VMA and the leaf table */
};

/* what an eviction did */
struct evict_fact {
    uint32_t frame;
    enum frame_kind kind;
    bool shm;                 /* a shared-memory page (kind cache) */
    bool dirty;               /* written to a new slot, or a file page written back */
    uint32_t slot;            /* anon and shared memory: the slot that holds it now */
    uint64_t entries;         /* entries that mapped it (now swap entries, or cleared) */
    uint64_t slot_count;      /* the slot's count after */
    const char *file;         /* a file page: the file, and its page */
    uint64_t file_page;
    const char *why;          /* the policy's reason */
};

/* what the TLB did (tlb.h) */
enum tlb_what {
    TLB_HIT,        /* an access found its entry */
    TLB_MISS,       /* an access did not: a walk of `steps` tables */
    TLB_FILL,       /* the access of a miss completed: its entry went in */
    TLB_SWITCH,     /* a context switch (entries: what it flushed, without --asid) */
    TLB_INVALIDATE, /* a page-table change removed an entry (at the end of its operation) */
    TLB_FLUSH,      /* an operation would have removed more than 33 entries: all of the space's went */
};
enum tlb_why { TLB_CLEARED, TLB_REMAPPED, TLB_PROTECTED, TLB_SWAPPED, TLB_CEILING, TLB_SWITCHED };

struct tlb_fact {
    enum tlb_what what;
    enum tlb_why why;   /* invalidate: what the page-table entry went through; flush: why */
    uint64_t page;      /* hit, miss, fill, invalidate: the page number */
    uint32_t frame;     /* hit, fill, invalidate */
    bool writable;      /* hit, fill, invalidate: the entry's bit */
    bool read_only;     /* miss: an entry was there but did not allow the write (removed) */
    unsigned steps;     /* miss: the tables the walk read */
    uint32_t set;       /* hit, miss, fill */
    uint64_t entries;   /* switch, flush: entries removed */
    uint32_t as_pid;    /* invalidate, flush: the lowest pid of the address space (0: none left) */
    bool replaced;      /* fill: it took the place of the set's least recently used entry */
    uint64_t old_page;  /* and that entry's page and lowest pid */
    uint32_t old_pid;
};

/* what a fork did */
struct fork_fact {
    uint64_t entries;      /* entries copied */
    uint64_t pages;        /* pages copied (copy mode) */
    uint64_t leaves;       /* leaf tables shared (sharept) */
    uint64_t tables;       /* tables made */
    uint64_t frames;       /* frames taken */
};

/* what leaving an address space did */
struct space_fact {
    bool dropped;          /* it was the last user: the space went */
    uint64_t entries;      /* entries cleared */
    uint64_t frames;       /* frames freed */
    uint64_t tables;       /* tables freed */
};

struct fact {
    enum fact_kind kind;
    uint32_t pid, pid2;
    uint64_t va;
    bool write;
    enum fault_class fc;
    union {
        struct fault_fact fault;
        struct evict_fact evict;
        struct fork_fact fork;
        struct space_fact space;
        struct tlb_fact tlb;
        struct {
            uint32_t frame;
            enum frame_kind kind;
        } frame;
        struct {
            uint32_t frame;
            const char *file;
            uint64_t page;
        } reclaim;
        struct {
            uint64_t rss; /* the victim's, when chosen */
        } oom;
        struct {
            int status;
            enum exit_cause cause;
        } exit;
        struct {
            uint64_t old, new;
        } brk;
        struct {
            uint64_t len;
        } map;
        uint32_t ppid;
        const struct pt_change *pte;
        const struct program *program;
    } u;
};

/* An observer of a run. Every callback may be NULL. begin, end and
 * directive return 0, or non-zero to stop the run with an error (the
 * observer has written it with vm_error). */
struct vm_observer {
    uint32_t wants; /* FACT_BIT of each kind of fact it wants */
    void *ctx;
    int (*begin)(void *ctx, struct vm *vm, const struct ev *ev);
    void (*fact)(void *ctx, struct vm *vm, const struct fact *f);
    /* res: 0 done, 1 skipped (vm->err says why) */
    int (*end)(void *ctx, struct vm *vm, const struct ev *ev, int res);
    /* a directive line done; for expect, passed and actual say how */
    int (*directive)(void *ctx, struct vm *vm, const struct ev *ev, bool passed, const char *actual);
    /* the run stops with an error at line (vm->err, or msg) */
    void (*error)(void *ctx, struct vm *vm, uint64_t line, const char *msg);
};

#define VM_MAX_OBSERVERS 8

/* vm_observe: adds an observer to the machine (before its first event). */
void vm_observe(struct vm *vm, const struct vm_observer *o);

/* vm_tell: gives a fact to every observer that wants its kind. */
void vm_tell(struct vm *vm, const struct fact *f);

#endif
