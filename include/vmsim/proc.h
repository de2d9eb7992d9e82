/* proc.h -- processes: the pid table, states, the process tree, exit,
 * kill, wait and the lost pids.
 *
 * A process is in the table (uthash by pid) from its creation until it is
 * reaped. States: running, suspended (a vfork parent, until its child execs,
 * exits or is killed), zombie (exited or killed, not reaped). A pid is
 * *lost* when its process was killed (segv, OOM) or when the fork meant to
 * create it failed or was skipped; a lost pid that is gone stays lost until
 * a new process takes it. Events whose actor is lost are skipped.
 *
 * Children are kept in a list per parent (utlist), so exit can reap and
 * reparent without scanning every process; the zombie ones are also kept
 * in a min-heap by pid per parent (beside the table, in struct vm), so
 * that a wait without a child names its lowest-numbered zombie child at
 * once however many children there are.
 */
#ifndef VMSIM_PROC_H
#define VMSIM_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uthash.h>

#include "vmsim/machine.h"

enum proc_state { PS_RUNNING, PS_SUSPENDED, PS_ZOMBIE, PS_GONE };
extern const char *const proc_state_names[4];

#define PID_MAX UINT32_C(2147483647)

struct proc {
    uint32_t pid, ppid;
    uint64_t serial; /* its number among the processes the run created (a pid is used again, this is not) */
    enum proc_state state;
    int exit_status; /* -1 while running */
    bool killed;     /* lost: killed by segv or OOM */
    bool subreaper;  /* a child subreaper: orphans below it come to it (kept by exec, not by fork) */
    /* a zombie with a parent: its place in the parent's heap of zombie
     * children (it fills the padding after the flags: the record's size,
     * which --max-memory counts, is what it was without it) */
    uint32_t zslot;
    const struct program *program; /* NULL: no program image */
    struct aspace *as;             /* NULL once a zombie */
    uint32_t vfork_child;  /* suspended: the child it waits for */
    uint32_t vfork_parent; /* a vfork child: the parent it suspended */
    struct proc *children; /* utlist DL through sib_prev / sib_next */
    struct proc *sib_prev, *sib_next;
    uint64_t faults[FC_COUNT];
    uint64_t mark; /* scratch for --check walks */
    UT_hash_handle hh;
};

struct lost_pid {
    uint32_t pid;
    UT_hash_handle hh;
};

struct proc *proc_find(const struct vm *vm, uint32_t pid);
bool proc_pid_lost(const struct vm *vm, uint32_t pid);
void proc_mark_lost(struct vm *vm, uint32_t pid);

/* proc_new: a running process pid (not in use) with parent ppid (0: none),
 * address space as (its reference is taken over) and program (NULL: none). */
struct proc *proc_new(struct vm *vm, uint32_t pid, uint32_t ppid, struct aspace *as, const struct program *prog);

/* proc_leave_as: p stops using its address space (dropped if it was the
 * last user); a suspended vfork parent waiting for p resumes. */
void proc_leave_as(struct vm *vm, struct proc *p);

/* proc_exit: p exits with status, or is killed (cause EXIT_SEGV, EXIT_OOM):
 * it becomes a zombie, leaves its address space, its zombie children are
 * reaped, its living children reparented: to the nearest living subreaper
 * among p's ancestors (its parent first, below process 1), else to 1 if it
 * exists, is not a zombie and is not the child's own descendant (no cycle
 * of parents), else to 0; with ppid 0 it is reaped at once. */
void proc_exit(struct vm *vm, struct proc *p, int status, enum exit_cause cause);

/* proc_reap: removes zombie p from the table (its pid stays lost if killed);
 * `by` is the process that reaped it (0: reaped at once, no parent). */
void proc_reap(struct vm *vm, struct proc *p, uint32_t by);

/* proc_first_zombie: p's lowest-numbered zombie child (what `wait PID`
 * reaps), or NULL when it has none. */
struct proc *proc_first_zombie(const struct vm *vm, const struct proc *p);

/* proc_check_zombies: each parent's heap holds exactly its zombie
 * children, in heap order, each knowing its place. 0, or -1 with a
 * message. */
int proc_check_zombies(const struct vm *vm, char *err, size_t errlen);

/* proc_rss: present entries of p's address space mapping anon or cache
 * frames (0 for a zombie). */
uint64_t proc_rss(const struct proc *p);

/* proc_swap: swap entries of p's address space (0 for a zombie). */
uint64_t proc_swap(const struct proc *p);

/* proc_sharing: pss (pages) and uss of p's address space (0 for a
 * zombie), from the reverse map; pss as a fraction too when frac is not
 * NULL (rmap.h). */
struct pss_frac;
void proc_sharing(struct vm *vm, const struct proc *p, double *pss, uint64_t *uss, struct pss_frac *frac);

/* proc_free_all: frees every process (end of a run). */
void proc_free_all(struct vm *vm);

#endif
