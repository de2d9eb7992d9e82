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

/* Hints for an access line a few lines ahead (any other line: nothing), in
 * stages. They change nothing of the machine, so a run's result never
 * depends on them; only its speed does. (vm_prefetch_target keeps a note
 * of its own in vm, prefetched_hand, that no result reads.)
 *
 * vm_prefetch_entry starts loading the page's leaf entry into the host's
 * caches (and, when memory is full, the records of the likely victims) and
 * returns where the entry is (NULL: none). vm_prefetch_target, a few lines
 * later, reads that entry and starts loading the frame record or the swap
 * slot it names (and the likely victims' entries and slots). The entry may
 * be stale by then, its table freed by the lines between: a freed table's
 * memory stays readable until the machine goes (slab.h), and a stale entry
 * costs a useless prefetch, nothing else. */
const uint64_t *vm_prefetch_entry(const struct vm *vm, const struct ev *ev);
void vm_prefetch_target(struct vm *vm, const struct ev *ev, const uint64_t *entry);
/* vm_prefetch_use, a line or two before the access, when the frame record
 * is in the cache: what the policy changes when the access uses the frame
 * it maps (lru's list: the records of the frame's neighbours). */
void vm_prefetch_use(const struct vm *vm, const struct ev *ev, const uint64_t *entry);
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

/* vm_model_bytes: the simulator memory held by the model, with opt's
 * future (its index, and the text read ahead for it). */
uint64_t vm_model_bytes(const struct vm *vm);

/* vm_check_limits: the limits of the run after an event (-1, vm->err). */
int vm_check_limits(struct vm *vm);

#endif
