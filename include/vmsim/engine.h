/* engine.h -- runs events: the actor rules (lost, zombie, suspended), the
 * process events (docs/model.md), mappings and accesses, and the counters
 * and peaks of every event.
 *
 * Events go parser -> run loop -> engine -> process and memory modules;
 * what they did goes to the observers as facts (observe.h). The engine
 * never prints and never explains: errors go to vm->err.
 */
#ifndef VMSIM_ENGINE_H
#define VMSIM_ENGINE_H

#include "vmsim/event.h"
#include "vmsim/machine.h"

enum ev_result { EV_OK = 0, EV_SKIPPED = 1, EV_ERROR = -1 };

/* vm_new: a machine for the configuration (frames are not touched until
 * used, so a large --mem starts at once). NULL if memory cannot be had. */
struct vm *vm_new(const struct vm_config *cfg);
void vm_free(struct vm *vm);

/* vm_event: runs one event line (ev->op < EV_NEVENTS). EV_SKIPPED when its
 * actor is lost (vm->err says why, for a warning); EV_ERROR stops the run
 * (vm->err). */
enum ev_result vm_event(struct vm *vm, const struct ev *ev);

/* vm_prefetch: a hint for an access line a few lines ahead (any other line:
 * nothing): VM_PREFETCH_ENTRY starts loading the page's leaf entry into the
 * host's caches; VM_PREFETCH_TARGET, a few lines later, reads that entry and
 * starts loading the frame record or swap slot it names. It changes nothing,
 * so a run's result never depends on it; only its speed does. */
enum vm_prefetch_stage { VM_PREFETCH_ENTRY, VM_PREFETCH_TARGET };
void vm_prefetch(const struct vm *vm, const struct ev *ev, enum vm_prefetch_stage stage);
/* vm_prefetch_pays: the frames in use and the tables hold more than
 * VM_PREFETCH_MIN_BYTES (about a host core's second-level cache): below,
 * what an access reads is mostly in the cache already and looking ahead
 * costs more than it saves. */
#define VM_PREFETCH_MIN_BYTES ((uint64_t)4 << 20)
bool vm_prefetch_pays(const struct vm *vm);

/* vm_set_future: opt's index of the accesses to come (the machine owns it
 * now); see policy_opt.h. */
struct future;
void vm_set_future(struct vm *vm, struct future *fu);

/* vm_declare_program: a `program` line. -1 on error (vm->err). */
int vm_declare_program(struct vm *vm, const struct ev *ev);

/* vm_program: the program called name, declared or (first use) made with
 * the default sizes. NULL with vm->err if its layout does not fit. */
const struct program *vm_program(struct vm *vm, const char *name, size_t len);

/* vm_model_bytes: the simulator memory held by the model. */
uint64_t vm_model_bytes(const struct vm *vm);

/* vm_check_limits: the limits of the run after an event (-1, vm->err). */
int vm_check_limits(struct vm *vm);

#endif
