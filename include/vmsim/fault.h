/* fault.h -- one memory access and the fault it may take (docs/model.md, "Faults").
 *
 * An access finds the VMA holding the address; none, or a read without r,
 * or a write without w, is a segv: the process is killed (status 139).
 * Otherwise a present entry that allows the access costs nothing but its
 * accessed (and, for a write, dirty) bit; anything else is a fault, which
 * first prepares its tables (making missing ones, unsharing a shared leaf),
 * then takes its row of the table:
 *
 *   present, read-only, private VMA, write  -> cow_reuse (anon, refcount 1)
 *                                              or cow_copy (a new frame)
 *   empty, private anon                     -> demand_zero (zero_page for a
 *                                              read with --zero-page)
 *   empty, file or shared; read, or shared  -> file (the page-cache frame)
 *   empty, private file, write              -> cow_copy of the cache frame
 *
 * A write then stores its value in the mapped frame.
 */
#ifndef VMSIM_FAULT_H
#define VMSIM_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/machine.h"
#include "vmsim/proc.h"

enum access_result { ACCESS_OK = 0, ACCESS_KILLED = 1, ACCESS_ERROR = -1 };

/* vm_access: one read or write of p at va. ACCESS_KILLED when p was killed
 * (segv, or the OOM killer chose it while it needed a frame): p may be
 * freed then. ACCESS_ERROR when the run must stop (vm->err). */
enum access_result vm_access(struct vm *vm, struct proc *p, uint64_t va, bool write, uint64_t value);

#endif
