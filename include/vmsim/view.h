/* view.h -- the `show` views: the process tree (like `pstree -A -p`), the
 * VMAs and the present pages of a process, the frames in use, and the
 * summary so far. Views only look at the machine. */
#ifndef VMSIM_VIEW_H
#define VMSIM_VIEW_H

#include <stdint.h>
#include <stdio.h>

#include "vmsim/event.h"
#include "vmsim/machine.h"

void view_pstree(FILE *out, struct vm *vm);
void view_vmas(FILE *out, struct vm *vm, uint32_t pid);
void view_pages(FILE *out, struct vm *vm, uint32_t pid);
void view_frames(FILE *out, struct vm *vm);
/* view_swap: the slots in use: count, value, the frame holding a copy */
void view_swap(FILE *out, struct vm *vm);
/* view_tlb: the TLB's geometry, then each set's entries in use, most
 * recently used first: way, place in the replacement order (LRU 1: the one
 * a full set replaces next), pids of the address space, page, frame, w */
void view_tlb(FILE *out, struct vm *vm);

/* view_show: the view a `show` line asks for, under a heading line. -1
 * (vm->err) for `show vmas|pages PID` when no process ever had PID or it
 * was reaped (a lost PID shows as gone, as its events are skipped). */
int view_show(FILE *out, struct vm *vm, const struct ev *ev);

#endif
