/* test_aspace.c -- unit tests of address spaces (sim/model/aspace.c,
 * include/vmsim/aspace.h): the VMAs, breaks, tables and objects that
 * program images, mmap, munmap, mprotect, brk and shared memory leave, the
 * errors that must change nothing, and the aspace API called directly. What
 * a trace can ask of the same behaviour is checked by the traces
 * tests/traces/18N_aspace_* and 19N_aspace_*. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include <cmocka.h>

#include "vmsim/arch.h"
#include "vmsim/aspace.h"
#include "vmsim/engine.h"
#include "vmsim/machine.h"
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/runner.h"
#include "vmsim/stats.h"

#include "machine_harness.h"

#define TOP (UINT64_C(1) << 47)

/* ---- program images ---------------------------------------------------------- */

static void test_image_default_layout(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 sh\n");
    struct aspace *as = as_of(vm, 1);
    assert_int_equal(as->vmas.n, 4);
    assert_vma(vm, 1, 0, 0x400000, 0x404000, VMA_R | VMA_X, false, "sh", 0);
    assert_vma(vm, 1, 1, 0x404000, 0x406000, VMA_R | VMA_W, false, "sh", 0x4000);
    assert_vma(vm, 1, 2, 0x406000, 0x408000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 3, TOP - 0x4000, TOP, VMA_R | VMA_W, false, NULL, 0);
    assert_true(as->has_image);
    assert_int_equal(as->heap_start, 0x408000);
    assert_int_equal(as->brk, 0x408000);
    /* demand-paged: nothing present, only the root table */
    assert_int_equal(as->pt.rss, 0);
    assert_int_equal(as->pt.pages, 1);
    assert_int_equal(stat_of(vm, "memory.frames_used"), 0);
    assert_int_equal(proc_num(vm, 1, PF_VMAS), 4);
    assert_int_equal(page_num(vm, 1, 0x400000, PGF_MAPPED), 1);
    assert_int_equal(page_num(vm, 1, 0x400000, PGF_PRESENT), 0);
    assert_int_equal(page_num(vm, 1, 0x408000, PGF_MAPPED), 0);
    vm_free(vm);
}

static void test_image_declared_layout(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "program big text=3p data=0 bss=1 heap=5000 stack=1M\n"
                                 "spawn 1 big\n");
    struct aspace *as = as_of(vm, 1);
    assert_int_equal(as->vmas.n, 4); /* no data segment */
    assert_vma(vm, 1, 0, 0x400000, 0x403000, VMA_R | VMA_X, false, "big", 0);
    assert_vma(vm, 1, 1, 0x403000, 0x404000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 2, 0x404000, 0x406000, VMA_R | VMA_W, false, NULL, 0); /* the heap */
    assert_vma(vm, 1, 3, TOP - 0x100000, TOP, VMA_R | VMA_W, false, NULL, 0);
    assert_int_equal(as->heap_start, 0x404000);
    assert_int_equal(as->brk, 0x406000);
    vm_free(vm);

    /* no stack, no text */
    vm = run_ok(NULL, "program odd text=0 data=1p bss=0 stack=0\nspawn 1 odd\n");
    assert_int_equal(as_of(vm, 1)->vmas.n, 1);
    assert_vma(vm, 1, 0, 0x400000, 0x401000, VMA_R | VMA_W, false, "odd", 0);
    assert_int_equal(as_of(vm, 1)->heap_start, 0x401000);
    vm_free(vm);
}

static void test_image_tiny(void **state)
{
    (void)state;
    struct vm_config c = config("tiny", 0);
    struct vm *vm = run_ok(&c, "spawn 1 t\n");
    assert_int_equal(vm->ft.n, 64);
    assert_vma(vm, 1, 0, 0x100, 0x500, VMA_R | VMA_X, false, "t", 0);
    assert_vma(vm, 1, 1, 0x500, 0x700, VMA_R | VMA_W, false, "t", 0x400);
    assert_vma(vm, 1, 2, 0x700, 0x900, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 3, 0xfc00, 0x10000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);
    /* exactly up to the stack fits; a page more does not */
    vm = run_ok(&c, "program fit text=0xf700 data=2p bss=2p stack=4p\nspawn 1 fit\n");
    assert_int_equal(as_of(vm, 1)->heap_start, 0xfc00);
    vm_free(vm);
    vm = run_error(&c, "program big text=0xf800 data=2p bss=2p stack=4p\n", "does not fit");
    vm_free(vm);
    vm = run_error(&c, "program big heap=0xf800\n", "does not fit");
    vm_free(vm);
}

static void test_exec_new_image(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "program a text=1p data=1p bss=1p\n"
                                 "program b text=2p data=0 bss=0 heap=1p stack=2p\n"
                                 "spawn 1 a\n"
                                 "write 1 0x402000 5\n"
                                 "mmap 1 0x10000000 4K rw- private\n"
                                 "write 1 0x10000000 6\n"
                                 "exec 1 b\n");
    struct aspace *as = as_of(vm, 1);
    assert_int_equal(as->vmas.n, 3);
    assert_vma(vm, 1, 0, 0x400000, 0x402000, VMA_R | VMA_X, false, "b", 0);
    assert_vma(vm, 1, 1, 0x402000, 0x403000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 2, TOP - 0x2000, TOP, VMA_R | VMA_W, false, NULL, 0);
    assert_int_equal(as->heap_start, 0x402000);
    assert_int_equal(as->brk, 0x403000);
    assert_int_equal(as->pt.rss, 0);
    assert_int_equal(stat_of(vm, "memory.anon"), 0);
    assert_int_equal(page_num(vm, 1, 0x10000000, PGF_MAPPED), 0);
    assert_string_equal(proc_word(vm, 1, PF_PROGRAM), "b");
    vm_free(vm);
}

/* ---- mmap ------------------------------------------------------------------ */

static void test_mmap_over_existing(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x10000000 64K rw- private\n"
                                 "touch 1 0x10000000 64K w 7\n"
                                 "mmap 1 0x10004000 16K r-- private\n");
    struct aspace *as = as_of(vm, 1);
    assert_int_equal(as->vmas.n, 4 + 3);
    assert_vma(vm, 1, 3, 0x10000000, 0x10004000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 4, 0x10004000, 0x10008000, VMA_R, false, NULL, 0);
    assert_vma(vm, 1, 5, 0x10008000, 0x10010000, VMA_R | VMA_W, false, NULL, 0);
    /* the replaced pages are gone, their frames freed */
    assert_int_equal(as->pt.rss, 12);
    assert_int_equal(stat_of(vm, "memory.frames_used"), 12);
    assert_int_equal(page_num(vm, 1, 0x10004000, PGF_MAPPED), 1);
    assert_int_equal(page_num(vm, 1, 0x10004000, PGF_PRESENT), 0);
    assert_int_equal(page_num(vm, 1, 0x10007000, PGF_VALUE), 0);
    assert_int_equal(page_num(vm, 1, 0x10003000, PGF_VALUE), 7);
    assert_int_equal(page_num(vm, 1, 0x10008000, PGF_VALUE), 7);
    vm_free(vm);

    /* over several VMAs and the holes between them at once */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "mmap 1 0x10000000 8K rw- private\n"
                      "mmap 1 0x10004000 8K rw- private\n"
                      "mmap 1 0x10008000 8K rw- private\n"
                      "touch 1 0x10000000 8K w\n"
                      "touch 1 0x10004000 8K w\n"
                      "touch 1 0x10008000 8K w\n"
                      "mmap 1 0x10001000 0x8000 --- private\n");
    as = as_of(vm, 1);
    assert_int_equal(as->vmas.n, 4 + 3);
    assert_vma(vm, 1, 3, 0x10000000, 0x10001000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 4, 0x10001000, 0x10009000, 0, false, NULL, 0);
    assert_vma(vm, 1, 5, 0x10009000, 0x1000a000, VMA_R | VMA_W, false, NULL, 0);
    assert_int_equal(as->pt.rss, 2);
    assert_int_equal(stat_of(vm, "memory.anon"), 2);
    vm_free(vm);
}

/* a space without an image (tests/traces/180_aspace_empty_space.trace) */
static void test_mmap_empty_space(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/180_aspace_empty_space.trace");
    assert_false(as_of(vm, 2)->has_image);
    assert_int_equal(as_of(vm, 2)->vmas.n, 0);
    vm_free(vm);
}

/* the same range again: one VMA, the old pages gone
 * (tests/traces/181_aspace_mmap_exactly_over.trace) */
static void test_mmap_exactly_over(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/181_aspace_mmap_exactly_over.trace");
    assert_int_equal(as_of(vm, 1)->vmas.n, 5);
    assert_vma(vm, 1, 3, 0x10000000, 0x10002000, VMA_R | VMA_W, true, "f", 0);
    assert_int_equal(as_of(vm, 1)->pt.pages, 1); /* tables that emptied were freed */
    vm_free(vm);
}

/* ---- munmap ------------------------------------------------------------------ */

/* the pieces of a split file VMA keep their offsets
 * (tests/traces/182_aspace_munmap_split_offsets.trace) */
static void test_munmap_split_offsets(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/182_aspace_munmap_split_offsets.trace");
    struct aspace *as = as_of(vm, 1);
    assert_int_equal(as->vmas.n, 4 + 3);
    assert_vma(vm, 1, 3, 0x20000000, 0x20001000, VMA_R | VMA_W, false, "data", 0x2000);
    assert_vma(vm, 1, 4, 0x20002000, 0x20004000, VMA_R | VMA_W, false, "data", 0x4000);
    assert_vma(vm, 1, 5, 0x30000000, 0x30008000, VMA_R | VMA_W, true, "data", 0);
    vm_free(vm);
}

/* a hole in the middle of a VMA (tests/traces/183_aspace_munmap_ranges.trace
 * unmaps across VMAs and holes) */
static void test_munmap_ranges(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x10000000 12K rw- private\n"
                                 "munmap 1 0x10001000 4K\n");
    assert_vma(vm, 1, 3, 0x10000000, 0x10001000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 4, 0x10002000, 0x10003000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);
}

/* ---- mprotect --------------------------------------------------------------- */

/* the VMAs mprotect splits (tests/traces/185_aspace_mprotect.trace) */
static void test_mprotect(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/185_aspace_mprotect.trace");
    assert_vma(vm, 1, 3, 0x10000000, 0x10001000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 4, 0x10001000, 0x10002000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 5, 0x10002000, 0x10003000, VMA_R, false, NULL, 0);
    assert_vma(vm, 1, 6, 0x10003000, 0x10004000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);
}

static void test_mprotect_errors(void **state)
{
    (void)state;
    struct vm *vm = run_error(NULL,
                              "spawn 1 p\n"
                              "mmap 1 0x10000000 16K rw- private\n"
                              "mprotect 1 0x10000000 0x8000 r--\n",
                              "not mapped");
    assert_int_equal(as_of(vm, 1)->vmas.n, 5); /* nothing changed */
    assert_int_equal(as_of(vm, 1)->vmas.v[3].prot, VMA_R | VMA_W);
    vm_free(vm);
    vm = run_error(NULL,
                   "spawn 1 p\n"
                   "mprotect 1 0x406000 0x3000 r--\n", /* the bss and beyond */
                   "not mapped");
    assert_int_equal(as_of(vm, 1)->vmas.n, 4);
    vm_free(vm);
}

/* ---- brk ------------------------------------------------------------------ */

/* the break and the heap VMA (tests/traces/190_aspace_brk_grow.trace,
 * 191_aspace_brk_shrink.trace, 192_aspace_brk_absolute.trace) */
static void test_brk(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 h\n"
                                 "brk 1 +100\n");
    struct aspace *as = as_of(vm, 1);
    assert_int_equal(as->heap_start, 0x408000);
    assert_int_equal(as->brk, 0x408064);
    assert_int_equal(as->vmas.n, 5);
    assert_vma(vm, 1, 3, 0x408000, 0x409000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);

    vm = run_file(NULL, "tests/traces/190_aspace_brk_grow.trace");
    as = as_of(vm, 1);
    assert_int_equal(as->brk, 0x40a064);
    assert_int_equal(as->vmas.n, 5); /* extended, not a new VMA */
    assert_vma(vm, 1, 3, 0x408000, 0x40b000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);

    vm = run_file(NULL, "tests/traces/191_aspace_brk_shrink.trace");
    as = as_of(vm, 1);
    assert_int_equal(as->brk, 0x408064);
    assert_vma(vm, 1, 3, 0x408000, 0x409000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);

    vm = run_file(NULL, "tests/traces/192_aspace_brk_absolute.trace");
    assert_int_equal(as_of(vm, 1)->brk, 0x409000);
    vm_free(vm);
}

/* heap=N (tests/traces/193_aspace_brk_heap_program.trace) */
static void test_brk_heap_program(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/193_aspace_brk_heap_program.trace");
    assert_int_equal(as_of(vm, 1)->brk, 0x40a001);
    assert_vma(vm, 1, 3, 0x408000, 0x40b000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);
}

static void test_brk_errors(void **state)
{
    (void)state;
    struct vm *vm = run_error(NULL, "spawn 1 h\nbrk 1 0x407000\n", "below the heap start");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 h\nbrk 1 +4K\nbrk 1 -8K\n", "below the heap start");
    assert_int_equal(as_of(vm, 1)->brk, 0x409000);
    vm_free(vm);
    vm = run_error(NULL,
                   "spawn 1 h\n"
                   "mmap 1 0x40c000 4K rw- private\n"
                   "brk 1 0x40d000\n",
                   "would reach the VMA at 0x40c000");
    assert_int_equal(as_of(vm, 1)->brk, 0x408000);
    assert_int_equal(as_of(vm, 1)->vmas.n, 5);
    vm_free(vm);
    /* up to the VMA is fine */
    vm = run_ok(NULL, "spawn 1 h\n"
                      "mmap 1 0x40c000 4K rw- private\n"
                      "brk 1 0x40c000\n");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 h\nbrk 1 0x7ffffffff001\n", "reach");
    vm_free(vm);
    vm = run_error(NULL, "spawn 2\nbrk 2 +4K\n", "no heap");
    vm_free(vm);
}

static void test_brk_new_vma_when_heap_changed(void **state)
{
    (void)state;
    /* the heap VMA made read-only: growth makes a new VMA */
    struct vm *vm = run_ok(NULL, "spawn 1 h\n"
                                 "brk 1 +4K\n"
                                 "mprotect 1 0x408000 4K r--\n"
                                 "brk 1 +4K\n");
    assert_int_equal(as_of(vm, 1)->vmas.n, 6);
    assert_vma(vm, 1, 3, 0x408000, 0x409000, VMA_R, false, NULL, 0);
    assert_vma(vm, 1, 4, 0x409000, 0x40a000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);
    /* the bss ends at the heap start: it is not the heap, it is not extended */
    vm = run_ok(NULL, "spawn 1 h\nbrk 1 +4K\n");
    assert_vma(vm, 1, 2, 0x406000, 0x408000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);
}

/* ---- shared memory ------------------------------------------------------------ */

/* a shared anonymous object, held by the VMAs of both processes
 * (tests/traces/194_aspace_shared_anon_fork.trace) */
static void test_shared_anon(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/194_aspace_shared_anon_fork.trace");
    struct aspace *a1 = as_of(vm, 1), *a2 = as_of(vm, 2);
    assert_int_equal(a1->vmas.v[3].obj, a2->vmas.v[3].obj);
    struct mobj *o = mobj_get(&vm->pc, a1->vmas.v[3].obj);
    assert_non_null(o);
    assert_true(o->shm);
    assert_int_equal(o->vma_refs, 2);
    assert_int_equal(page_num(vm, 1, 0x60001000, PGF_FRAME), page_num(vm, 2, 0x60001000, PGF_FRAME));
    vm_free(vm);
}

/* two shared mmaps are two objects
 * (tests/traces/197_aspace_shared_anon_two_objects.trace) */
static void test_shared_anon_goes(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/197_aspace_shared_anon_two_objects.trace");
    assert_int_not_equal(as_of(vm, 1)->vmas.v[3].obj, as_of(vm, 1)->vmas.v[4].obj);
    vm_free(vm);
}

/* ---- limits ------------------------------------------------------------------ */

static void test_vma_limit(void **state)
{
    (void)state;
    struct vm_config c = config("x86_64", 0);
    c.lim.max_vmas = 6;
    struct vm *vm = run_ok(&c, "spawn 1 p\n"
                               "mmap 1 0x10000000 16K rw- private\n"
                               "munmap 1 0x10001000 4K\n");
    assert_int_equal(as_of(vm, 1)->vmas.n, 6);
    vm_free(vm);
    vm = run_error(&c,
                   "spawn 1 p\n"
                   "mmap 1 0x10000000 32K rw- private\n"
                   "munmap 1 0x10001000 4K\n"
                   "munmap 1 0x10005000 4K\n",
                   "too many VMAs");
    assert_int_equal(as_of(vm, 1)->vmas.n, 6);
    vm_free(vm);
    vm = run_error(&c,
                   "spawn 1 p\n"
                   "mmap 1 0x10000000 16K rw- private\n"
                   "mmap 1 0x20000000 16K rw- private\n"
                   "mmap 1 0x30000000 16K rw- private\n",
                   "too many VMAs");
    vm_free(vm);
    vm = run_error(&c,
                   "spawn 1 p\n"
                   "mmap 1 0x10000000 16K rw- private\n"
                   "mmap 1 0x20000000 16K rw- private\n"
                   "mprotect 1 0x10001000 4K r--\n",
                   "too many VMAs");
    assert_int_equal(as_of(vm, 1)->vmas.n, 6);
    vm_free(vm);
}

/* ---- the aspace API directly ---------------------------------------------------- */

static void test_api_direct(void **state)
{
    (void)state;
    struct vm_config c = config("x86_64", 64);
    struct vm *vm = vm_new(&c);
    assert_non_null(vm);
    struct aspace *as = aspace_new(vm);
    assert_non_null(as);
    assert_int_equal(as->users, 1);
    assert_int_equal(as->pt.pages, 1);
    assert_false(as->has_image);
    const struct program *prog = vm_program(vm, "x", 1);
    assert_non_null(prog);
    aspace_load_image(vm, as, prog);
    assert_int_equal(as->vmas.n, 4);
    assert_int_equal(vm->nvmas, 4);

    assert_int_equal(aspace_mmap(vm, as, 0x10000000, 0x3000, VMA_R | VMA_W, false, 0, 0), 0);
    assert_int_equal(aspace_mmap(vm, as, 0x20000000, 0x1000, VMA_R | VMA_W, true, ASPACE_SHM_NEW, 0), 0);
    uint32_t shm = as->vmas.v[4].obj;
    assert_true(mobj_get(&vm->pc, shm)->shm);
    assert_int_equal(mobj_get(&vm->pc, shm)->vma_refs, 1);
    assert_int_equal(vm->nvmas, 6);
    assert_int_equal(aspace_munmap(vm, as, 0x10001000, 0x10002000), 0);
    assert_int_equal(vm->nvmas, 7);
    assert_int_equal(aspace_mprotect(vm, as, 0x10000000, 0x10003000, VMA_R), -1); /* the hole */
    assert_int_equal(vm->stop, STOP_ERROR);
    assert_non_null(strstr(vm->err, "not mapped"));
    vm->stop = STOP_NONE;
    assert_int_equal(aspace_mprotect(vm, as, 0x10002000, 0x10003000, VMA_R), 0);
    assert_int_equal(aspace_brk(vm, as, as->heap_start + 1), 0);
    assert_int_equal(as->vmas.n, 8);
    assert_int_equal(aspace_brk(vm, as, as->heap_start - 1), -1);

    /* entries are cow only when present, read-only and in a private VMA with w */
    struct vma pw = {.start = 0, .end = 0x1000, .prot = VMA_R | VMA_W, .shared = false};
    struct vma sw = pw, pr = pw;
    sw.shared = true;
    pr.prot = VMA_R;
    assert_true(aspace_entry_is_cow(&pw, pte_make(3, 0)));
    assert_false(aspace_entry_is_cow(&pw, pte_make(3, PTE_W)));
    assert_false(aspace_entry_is_cow(&pw, 0));
    assert_false(aspace_entry_is_cow(&sw, pte_make(3, 0)));
    assert_false(aspace_entry_is_cow(&pr, pte_make(3, 0)));

    aspace_hold(as);
    assert_int_equal(as->users, 2);
    aspace_release(vm, as, NULL);
    assert_int_equal(as->users, 1);
    assert_non_null(mobj_get(&vm->pc, shm));
    aspace_release(vm, as, NULL); /* the last user: dropped */
    assert_int_equal(vm->nvmas, 0);
    assert_int_equal(vm->pts.tables, 0);
    assert_null(mobj_get(&vm->pc, shm));
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image_default_layout),
        cmocka_unit_test(test_image_declared_layout),
        cmocka_unit_test(test_image_tiny),
        cmocka_unit_test(test_exec_new_image),
        cmocka_unit_test(test_mmap_over_existing),
        cmocka_unit_test(test_mmap_empty_space),
        cmocka_unit_test(test_mmap_exactly_over),
        cmocka_unit_test(test_munmap_split_offsets),
        cmocka_unit_test(test_munmap_ranges),
        cmocka_unit_test(test_mprotect),
        cmocka_unit_test(test_mprotect_errors),
        cmocka_unit_test(test_brk),
        cmocka_unit_test(test_brk_heap_program),
        cmocka_unit_test(test_brk_errors),
        cmocka_unit_test(test_brk_new_vma_when_heap_changed),
        cmocka_unit_test(test_shared_anon),
        cmocka_unit_test(test_shared_anon_goes),
        cmocka_unit_test(test_vma_limit),
        cmocka_unit_test(test_api_direct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
