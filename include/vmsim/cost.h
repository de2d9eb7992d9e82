/* cost.h -- the cost model: simulated nanoseconds for what the kernel does.
 *
 * Every event costs a base for its kind (fork, vfork, exec) plus a price for
 * each unit of work it did, read off the machine's counters:
 *
 *   fault      entering and resolving one page fault (any class)
 *   zero       zeroing a new anonymous page (demand_zero)
 *   copy       copying one page (cow_copy, private file writes, copy forks)
 *   cache_load filling a page-cache page from its file
 *   pte        copying one page-table entry (fork, unsharing a leaf table)
 *   table      making one page table
 *   teardown   clearing one entry when an address space is dropped
 *   unmap      clearing one entry by munmap, mmap over a range, or brk
 *   walk_step  one page table read by a TLB miss's walk (--tlb)
 *   tlb_invalidate  one TLB entry invalidated
 *   tlb_flush  one TLB flush (a context switch without --asid, or past the
 *              33-entry ceiling)
 *
 * The defaults are medians measured on Linux 6.18 with 4 KiB pages on a
 * 2-vCPU KVM guest (see docs/cost-model.md): a fork costs 48 us plus 67 ns
 * per entry, a first-touch fault 2.0 us (fault + zero), a cow copy fault
 * 3.5 us (fault + copy), a reuse fault 1.0 us, a vfork 30 us, teardown 50 ns
 * per entry, munmap 0.15 us per page, fork+exec+wait of a tiny program about
 * 730 us. The TLB's prices: 25 ns a table read by a walk (a 4-level walk
 * 100 ns), 100 ns an invalidation (the kernel's own estimate beside its
 * 33-page ceiling in arch/x86/mm/tlb.c), 200 ns a full flush.
 */
#ifndef VMSIM_COST_H
#define VMSIM_COST_H

#include <stddef.h>
#include <stdint.h>

enum cost_kind {
    COST_FORK,
    COST_VFORK,
    COST_EXEC,
    COST_FAULT,
    COST_ZERO,
    COST_COPY,
    COST_CACHE_LOAD,
    COST_PTE,
    COST_TABLE,
    COST_TEARDOWN,
    COST_UNMAP,
    COST_WALK_STEP,
    COST_TLB_INVALIDATE,
    COST_TLB_FLUSH,
    COST_KINDS
};

extern const char *const cost_kind_names[COST_KINDS];

struct cost_model {
    uint64_t ns[COST_KINDS];
};

/* cost_model_default: the Linux-calibrated prices above. */
void cost_model_default(struct cost_model *m);

/* COST_MAX_NS: the most one price may be, 10^12 ns (1000 s), a thousand
 * times the dearest default; a total past UINT64_MAX ns (over 18 million
 * units at that price) stops there in cost_price rather than wrap. */
#define COST_MAX_NS 1000000000000u

/* cost_model_parse: "name=ns,name=ns" over the current prices, each plain
 * decimal from 0 to COST_MAX_NS. 0, or -1 with a message in err. */
int cost_model_parse(struct cost_model *m, const char *spec, char *err, size_t errlen);

/* The units of work an event did, by kind (COST_FORK .. COST_EXEC count
 * events, the rest count units). */
struct cost_units {
    uint64_t n[COST_KINDS];
};

/* cost_price: the simulated time (ns) of the units at the model's prices,
 * and by cost kind if by_kind is not NULL; a time past UINT64_MAX is
 * UINT64_MAX, never a wrapped small number. */
uint64_t cost_price(const struct cost_model *m, const struct cost_units *u, uint64_t by_kind[COST_KINDS]);

#endif
