/* pressure.h -- running out of frames (docs/model.md, "Running out of memory"): reclaim of
 * page-cache pages that nothing maps, then the OOM killer, or failure.
 *
 * Every frame the model takes for an event comes through vm_take_frame, so
 * that the order is always the same: the lowest free frame; if none, drop
 * the longest-cached unmapped file page and try again; if none, kill the
 * running or suspended process with the largest rss (ties: the highest
 * pid; pid 1 only when nothing else is left) and try again. A fork never
 * kills: it has counted its frames before starting.
 *
 * Modules below the process layer (address spaces, page tables) reach it
 * through the page-table store's take_frame hook, so that they never name processes.
 */
#ifndef VMSIM_PRESSURE_H
#define VMSIM_PRESSURE_H

#include <stdint.h>

#include "vmsim/frames.h"
#include "vmsim/machine.h"

/* vm_take_frame: the lowest free frame for the current event, after
 * reclaiming cache pages and (with --oom kill, outside forks) killing
 * processes as section 6 says. FRAME_NONE when the event must stop:
 * vm->stop says why (its actor was killed, or memory ran out: an error). */
uint32_t vm_take_frame(struct vm *vm, enum frame_kind kind);

/* vm_pressure_attach: with replacement on, after the policy and swap are
 * made and before the first fill: the random policy learns which of its
 * candidates would take a new swap slot to be evicted, and of every change
 * of that (a swap copy that begins or ends), so that with no slot free it
 * draws among the others without testing every frame. */
void vm_pressure_attach(struct vm *vm);

#endif
