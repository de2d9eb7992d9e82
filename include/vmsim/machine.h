/* machine.h -- the simulated machine: configuration, the state every
 * module works on, and the counters of the summary.
 *
 * One `struct vm` is one run. Modules keep their own parts (frames, page
 * tables, the reverse map, page cache, processes); the machine ties them
 * together and holds what the current event is doing (its actor, whether
 * it must stop), and who observes it.
 *
 * The invariant every module keeps, event after event (--check verifies
 * it): a frame's refcount is the leaf entries that map it (an entry of a
 * shared leaf once) plus 1 while the page cache holds it; the reverse map
 * lists exactly those entries; every count (frames in use by kind, rss,
 * tables, processes) equals what it counts. Entries change only through the
 * page tables' write path (pagetable.h), which keeps the refcounts and the
 * reverse map in step and tells its subscribers; facts of what happened go
 * to the observers (observe.h). Nothing flows back from an observer.
 */
#ifndef VMSIM_MACHINE_H
#define VMSIM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include <uthash.h>

#include "vmsim/arch.h"
#include "vmsim/cost.h"
#include "vmsim/event.h"
#include "vmsim/frames.h"
#include "vmsim/observe.h"
#include "vmsim/pagecache.h"
#include "vmsim/pagetable.h"
#include "vmsim/policy.h"
#include "vmsim/rmap.h"
#include "vmsim/swap.h"
#include "vmsim/tlb.h"

enum fork_mode { FORK_COW, FORK_COPY, FORK_SHAREPT, FORK_MODES };
enum oom_mode { OOM_KILL, OOM_FAIL, OOM_MODES };

/* the words of each enumeration, for the parser, the summary, the views
 * and the command line alike (find one with name_index, util.h) */
extern const char *const fault_class_names[FC_COUNT];
extern const char *const fork_mode_names[FORK_MODES];
extern const char *const oom_mode_names[OOM_MODES];

/* vm_replacing: is replacement on (swap and a policy)? */
#define vm_replacing(vm) ((vm)->cfg.replace)

/* Limits that keep a trace (maybe a hostile one) from exhausting the real
 * machine. 0 means no limit. */
struct vm_limits {
    uint64_t max_events;   /* event lines */
    uint64_t max_accesses; /* reads and writes, touch pages included */
    uint64_t max_procs;    /* processes at once (running, suspended, zombie) */
    uint64_t max_vmas;     /* VMAs of one address space (Linux: 65530) */
    uint64_t max_memory;   /* bytes of the simulator's model (tables, VMAs, ...) */
};

struct vm_config {
    struct arch arch;
    uint32_t frames;
    enum fork_mode fork;
    bool zero_page;
    bool lazy_fork;
    bool pt_frames;
    enum oom_mode oom;
    /* replacement (swap, a policy): on when swap_slots > 0 or a policy was given */
    bool replace;
    uint32_t swap_slots;
    enum policy_kind policy;
    uint64_t seed;
    /* closer to Linux (docs/model.md, "The machine flags") */
    uint32_t fault_around; /* pages of a file read fault's window, a power of two (1: off) */
    bool exclusive_reuse;  /* mprotect adding w makes entries of exclusive anon frames writable */
    bool anon_vma;         /* with lazy_fork: skip only VMAs that never had an anon page */
    /* the TLB (tlb.h): entries (0: none), ways (0: fully associative), tags */
    uint32_t tlb_entries, tlb_ways;
    bool asid;
    struct vm_limits lim;
    struct cost_model cost;
};

/* vm_config_default: x86_64, 16384 frames, cow, kill, no fault-around,
 * Linux's VMA limit. */
void vm_config_default(struct vm_config *c);

/* The counters that are not kept by a module. */
struct vm_counters {
    uint64_t events[EV_NEVENTS];
    uint64_t events_total, skipped;
    uint64_t reads, writes;
    uint64_t hits; /* accesses completed without a fault */
    uint64_t faults[FC_COUNT];
    uint64_t pages_copied;
    uint64_t evictions, evictions_dirty, writebacks;
    uint64_t frames_peak, pt_pages_peak;
    uint64_t created, peak_live, killed_segv, killed_oom, fork_failed, reaped;
    uint64_t expect_passed, expect_failed;
    uint64_t forks_done, vforks_done, execs_done; /* for the cost model */
};

/* one fork and the work it did, for the summary's latency of each fork */
struct fork_cost {
    uint64_t line;
    uint32_t parent, child;
    struct cost_units units;
};

struct program {
    char *name;
    uint64_t seg[SEG_COUNT];
    uint64_t line; /* where declared; 0: used undeclared, with the defaults */
    UT_hash_handle hh;
};

/* why an event stopped before its end */
enum vm_stop { STOP_NONE, STOP_KILLED, STOP_ERROR };

struct proc;
struct lost_pid;
struct zombie_heap;

struct vm {
    struct vm_config cfg;
    const struct arch *arch;
    struct frames ft;
    struct pt_store pts; /* every page table: where they come from, their counters, the hooks */
    struct rmap rmap;    /* which entries map each frame (kept by the write path's hook) */
    struct pagecache pc;
    struct swap swap;       /* slots and the swap cache (replacement) */
    struct policy pol;      /* stamps and the victim's choice (replacement) */
    struct tlb tlb;         /* the CPU's TLB (kept by the write path's hook) */
    struct future *future;  /* opt's index of the accesses to come (owned) */
    struct proc *procs;     /* uthash by pid: running, suspended, zombie */
    struct proc *last_proc; /* the last one found by pid (events come in runs) */
    struct lost_pid *lost;  /* gone pids that are still lost */
    struct zombie_heap *zheaps; /* uthash by parent pid: each parent's zombie children (proc.c) */
    uint64_t zheap_bytes;       /* their records and arrays, for --max-memory */
    uint64_t nprocs, live, zombies;
    struct program *programs;
    uint64_t program_bytes; /* their records and names, for --max-memory */
    uint32_t next_as_id;
    uint64_t nvmas; /* VMAs of every address space */
    struct fork_cost *forks; /* each successful fork's cost, in order */
    uint64_t nforks, capforks;
    struct vm_counters c;

    /* the current event */
    struct proc *actor;   /* who needs frames now (may be NULL) */
    enum vm_stop stop;
    bool in_fork;         /* forks never kill */
    /* the frames the current access works with: never a victim (a copy's
     * source, the page-cache page of a private file write, a swap-cache
     * frame being mapped) */
    uint32_t pinned[4];
    unsigned npinned;
    /* the page the current access or event works on: the tables on its
     * path stay while it is done, even if an eviction empties them */
    const struct pagetable *keep_pt;
    uint64_t keep_va;
    char err[256];        /* the message of STOP_ERROR */

    /* who is told the facts of each event (observe.h) */
    struct vm_observer obs[VM_MAX_OBSERVERS];
    unsigned nobs;
    uint32_t wants; /* FACT_BIT of every kind some observer wants */

    uint64_t marks; /* vm_next_mark: marks of walks over address spaces */

    /* the look-ahead's own bookkeeping (engine.h, vm_prefetch_target), not
     * the machine's: no result reads it. Where clock's hand was when the
     * entries of the candidates after it were last loaded, plus 1 (0: never):
     * the candidates it has not yet passed need not be loaded again. */
    uint32_t prefetched_hand;
};

/* vm_error: stops the current event with a trace error. Returns -1. */
int vm_error(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* vm_frame_freed: the frame table's free hook: ends a freed frame's swap
 * copy, drops it from the policy, tells the observers. */
void vm_frame_freed(void *ctx, uint32_t f, enum frame_kind kind);

/* vm_wants: does some observer want facts of this kind? (Make none that
 * nobody wants: this is the test on every hot path.) */
static inline bool vm_wants(const struct vm *vm, enum fact_kind k) { return (vm->wants & FACT_BIT(k)) != 0; }


/* vm_next_mark: a number no walk has used, to mark what it visited. */
static inline uint64_t vm_next_mark(struct vm *vm) { return ++vm->marks; }

/* vm_cost: the simulated time so far (ns), and by cost kind if by_kind is
 * not NULL (cost.h has the prices). */
uint64_t vm_cost(const struct vm *vm, uint64_t by_kind[COST_KINDS]);

/* vm_fork_cost: the simulated latency of one fork (ns). */
uint64_t vm_fork_cost(const struct vm *vm, const struct fork_cost *f);

/* vm_work_done: the units of work counted so far, by cost kind (cost.h
 * prices them). */
void vm_work_done(const struct vm *vm, struct cost_units *u);


#endif
