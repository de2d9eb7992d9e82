/* test_aspace.c -- unit tests of address spaces (sim/aspace.c,
 * include/vmsim/aspace.h): program images, mmap, munmap, mprotect, brk and
 * shared memory, driven through whole machines. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

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

static void test_mmap_empty_space(void **state)
{
    (void)state;
    /* a process without a program: an empty address space */
    struct vm *vm = run_ok(NULL, "spawn 2\n"
                                 "expect proc 2 vmas == 0\n"
                                 "expect proc 2 program == none\n"
                                 "munmap 2 0x1000 0x1000\n"
                                 "mmap 2 0x1000 0x1000 rw- private\n"
                                 "write 2 0x1000 3\n"
                                 "expect page 2 0x1000 value == 3\n"
                                 "munmap 2 0x1000 0x1000\n"
                                 "expect proc 2 vmas == 0\n"
                                 "expect proc 2 pt_pages == 1\n");
    assert_false(as_of(vm, 2)->has_image);
    vm_free(vm);
}

static void test_mmap_exactly_over(void **state)
{
    (void)state;
    /* the same range again: one VMA, the old pages gone */
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x10000000 8K rw- private\n"
                                 "touch 1 0x10000000 8K w\n"
                                 "mmap 1 0x10000000 8K rw- shared file=f\n"
                                 "expect page 1 0x10000000 present == 0\n"
                                 "expect stat memory.anon == 0\n");
    assert_int_equal(as_of(vm, 1)->vmas.n, 5);
    assert_vma(vm, 1, 3, 0x10000000, 0x10002000, VMA_R | VMA_W, true, "f", 0);
    assert_int_equal(as_of(vm, 1)->pt.pages, 1); /* tables that emptied were freed */
    vm_free(vm);
}

/* ---- munmap ------------------------------------------------------------------ */

static void test_munmap_split_offsets(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x20000000 16K rw- private file=data@8K\n"
                                 "mmap 1 0x30000000 32K rw- shared file=data\n"
                                 "write 1 0x30004000 444\n"
                                 "munmap 1 0x20001000 4K\n"
                                 /* 0x20002000 is file page 4: the shared write shows */
                                 "expect page 1 0x20002000 value == 444\n"
                                 "read 1 0x20002000\n"
                                 "expect page 1 0x20002000 value == 444\n"
                                 "expect page 1 0x20002000 kind == cache\n");
    struct aspace *as = as_of(vm, 1);
    assert_int_equal(as->vmas.n, 4 + 3);
    assert_vma(vm, 1, 3, 0x20000000, 0x20001000, VMA_R | VMA_W, false, "data", 0x2000);
    assert_vma(vm, 1, 4, 0x20002000, 0x20004000, VMA_R | VMA_W, false, "data", 0x4000);
    assert_vma(vm, 1, 5, 0x30000000, 0x30008000, VMA_R | VMA_W, true, "data", 0);
    assert_int_equal(page_num(vm, 1, 0x20002000, PGF_FRAME), page_num(vm, 1, 0x30004000, PGF_FRAME));
    vm_free(vm);
}

static void test_munmap_ranges(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x10000000 16K rw- private\n"
                                 "mmap 1 0x10008000 16K rw- private\n"
                                 "touch 1 0x10000000 16K w\n"
                                 "touch 1 0x10008000 16K w\n"
                                 "munmap 1 0x50000000 4K\n" /* nothing there: not an error */
                                 "expect proc 1 vmas == 6\n"
                                 "munmap 1 0x10003000 0x7000\n" /* the end of one, a hole, the start of the other */
                                 "expect proc 1 vmas == 6\n"
                                 "expect proc 1 rss == 5\n"
                                 "expect stat memory.frames_used == 5\n"
                                 "munmap 1 0x10000000 0x10000000\n"
                                 "expect proc 1 vmas == 4\n"
                                 "expect proc 1 rss == 0\n"
                                 "expect proc 1 pt_pages == 1\n"
                                 "expect stat memory.pt_pages == 1\n");
    vm_free(vm);

    /* a hole in the middle of a VMA */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "mmap 1 0x10000000 12K rw- private\n"
                      "munmap 1 0x10001000 4K\n");
    assert_vma(vm, 1, 3, 0x10000000, 0x10001000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 4, 0x10002000, 0x10003000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);
}

static void test_munmap_frees_tables(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x7f0000000000 4K rw- private\n"
                                 "write 1 0x7f0000000000\n"
                                 "write 1 0x406000\n"
                                 "expect proc 1 pt_pages == 7\n"
                                 "munmap 1 0x7f0000000000 4K\n"
                                 "expect proc 1 pt_pages == 4\n"
                                 "expect stat memory.pt_pages == 4\n"
                                 "expect stat memory.pt_pages_peak == 7\n"
                                 /* a segv kills 1 (ppid 0: reaped): every table goes */
                                 "write 1 0x400000000000 1\n"
                                 "expect proc 1 state == gone\n"
                                 "expect stat memory.pt_pages == 0\n"
                                 "expect stat memory.frames_used == 0\n");
    vm_free(vm);
}

/* ---- mprotect --------------------------------------------------------------- */

static void test_mprotect(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x10000000 16K rw- private\n"
                                 "touch 1 0x10000000 16K w\n"
                                 "mprotect 1 0x10001000 8K r--\n"
                                 "expect proc 1 vmas == 7\n"
                                 "expect page 1 0x10000000 writable == 1\n"
                                 "expect page 1 0x10001000 writable == 0\n"
                                 "expect page 1 0x10002000 writable == 0\n"
                                 "expect page 1 0x10003000 writable == 1\n"
                                 "expect page 1 0x10001000 cow == 0\n" /* no w in the VMA: not cow */
                                 "mprotect 1 0x10001000 4K rw-\n"
                                 "expect proc 1 vmas == 8\n"
                                 /* adding w to a private VMA leaves the entry read-only: cow */
                                 "expect page 1 0x10001000 writable == 0\n"
                                 "expect page 1 0x10001000 cow == 1\n"
                                 "write 1 0x10001000 3\n"
                                 "expect stat faults.cow_reuse == 1\n"
                                 "expect page 1 0x10001000 writable == 1\n"
                                 "expect page 1 0x10001000 value == 3\n"
                                 "expect stat memory.anon == 4\n");
    assert_vma(vm, 1, 3, 0x10000000, 0x10001000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 4, 0x10001000, 0x10002000, VMA_R | VMA_W, false, NULL, 0);
    assert_vma(vm, 1, 5, 0x10002000, 0x10003000, VMA_R, false, NULL, 0);
    assert_vma(vm, 1, 6, 0x10003000, 0x10004000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);
}

static void test_mprotect_shared(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x40000000 8K r-- shared\n"
                                 "touch 1 0x40000000 8K r\n"
                                 "expect page 1 0x40000000 writable == 0\n"
                                 "expect page 1 0x40000000 kind == cache\n"
                                 "mprotect 1 0x40000000 8K rw-\n"
                                 "expect page 1 0x40000000 writable == 1\n"
                                 "expect page 1 0x40001000 writable == 1\n"
                                 "expect page 1 0x40000000 cow == 0\n"
                                 "write 1 0x40000000 9\n"
                                 "expect stat faults.total == 2\n" /* no fault for that write */
                                 "mprotect 1 0x40000000 4K r--\n"
                                 "expect page 1 0x40000000 writable == 0\n"
                                 "expect page 1 0x40001000 writable == 1\n");
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
    /* after --- a read is a segv */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "fork 1 2\n"
                      "mprotect 2 0x406000 8K ---\n"
                      "read 2 0x406000\n"
                      "expect proc 2 state == zombie\n"
                      "expect proc 2 exit_status == 139\n");
    vm_free(vm);
}

/* An mprotect that stops part way. With --fork sharept and --pt-frames,
 * process 2 maps a shared file VMA over two leaf tables, shares them with
 * a sharept child (4), and vforks 3. 3's mprotect of the whole VMA must
 * unshare both leaves; the first unshare takes the last free frame, the
 * second finds none and the OOM killer takes 3 itself (the largest rss,
 * tied with its suspended parent 2, the higher pid). 3's event stops, but
 * the address space lives on with 2, which resumes. */
#define PARTIAL_MPROTECT(from, to)                                                                                 \
    "program p text=1p data=1p bss=1p stack=1p\n"                                                                   \
    "spawn 2 p\n"                                                                                                  \
    "mmap 2 0x1000 0x2000 " from " shared file=f\n"                                                                \
    "read 2 0x1000\n"                                                                                              \
    "read 2 0x2000\n"                                                                                              \
    "fork 2 4\n"                                                                                                   \
    "write 2 0xff00\n"                                                                                             \
    "vfork 2 3\n"                                                                                                  \
    "expect stat memory.frames_used == 8\n"                                                                        \
    "mprotect 3 0x1000 0x2000 " to "\n"                                                                            \
    "expect stat processes.killed_oom == 1\n"                                                                      \
    "expect proc 3 state == zombie\n"                                                                              \
    "expect proc 2 state == running\n"

static struct vm_config partial_config(void)
{
    struct vm_config c = config("tiny", 9);
    c.fork = FORK_SHAREPT;
    c.pt_frames = true;
    return c;
}

/* Regression (was a bug in sim/aspace.c, aspace_mprotect / protect_entries): adding w. The
 * first leaf's entry was made writable before the second unshare failed,
 * and the VMA keeps r--: a writable entry in a VMA without w (--check:
 * "a writable entry at 0x1000 in a VMA without w"). aspace.h promises that
 * what was done "stays done and consistent". Repro: vmsim run --arch tiny
 * --frames 9 --fork sharept --pt-frames --check on the trace below. */
static void test_mprotect_stopped_adding_w(void **state)
{
    (void)state;
    struct vm_config c = partial_config();
    struct vm *vm = run_ok(&c, PARTIAL_MPROTECT("r--", "rw-") "expect page 2 0x1000 writable == 0\n");
    vm_free(vm);
}

/* Regression (was a bug in sim/aspace.c, as above): removing w. The first leaf's entry lost
 * its writable bit, the VMA keeps rw- shared: a read-only entry in a
 * shared writable VMA, which fault() asserts cannot be. 2's next write
 * there stops vmsim with "internal error at sim/fault.c: write &&
 * !v->shared" (exit 134, release and asan builds). Run in a child process
 * so that the abort shows as a failure. */
static void test_mprotect_stopped_removing_w(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct vm_config c = partial_config();
        struct vm *vm = run_fmt(&c, -1, PARTIAL_MPROTECT("rw-", "r--") "write 2 0x1000 5\n");
        _exit(run_status == 0 && vm ? 0 : 10 + run_status);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("the run %s %d", WIFSIGNALED(st) ? "died of signal" : "exited with",
                 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

/* ---- brk ------------------------------------------------------------------ */

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

    vm = run_ok(NULL, "spawn 1 h\n"
                      "brk 1 +100\n"
                      "brk 1 +8K\n"
                      "touch 1 0x408000 12K w\n"
                      "expect proc 1 rss == 3\n");
    as = as_of(vm, 1);
    assert_int_equal(as->brk, 0x40a064);
    assert_int_equal(as->vmas.n, 5); /* extended, not a new VMA */
    assert_vma(vm, 1, 3, 0x408000, 0x40b000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);

    vm = run_ok(NULL, "spawn 1 h\n"
                      "brk 1 +100\n"
                      "brk 1 +8K\n"
                      "touch 1 0x408000 12K w\n"
                      "brk 1 -8K\n"
                      "expect proc 1 rss == 1\n"
                      "expect stat memory.anon == 1\n"
                      "expect page 1 0x409000 mapped == 0\n");
    as = as_of(vm, 1);
    assert_int_equal(as->brk, 0x408064);
    assert_vma(vm, 1, 3, 0x408000, 0x409000, VMA_R | VMA_W, false, NULL, 0);
    vm_free(vm);

    vm = run_ok(NULL, "spawn 1 h\n"
                      "brk 1 0x40a000\n"
                      "write 1 0x409000\n"
                      "brk 1 0x408000\n" /* back to the start: no heap VMA */
                      "expect proc 1 vmas == 4\n"
                      "expect stat memory.anon == 0\n"
                      "brk 1 0x409000\n"
                      "expect proc 1 vmas == 5\n");
    assert_int_equal(as_of(vm, 1)->brk, 0x409000);
    vm_free(vm);
}

static void test_brk_heap_program(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "program h heap=2p\n"
                                 "spawn 1 h\n"
                                 "brk 1 +1\n"
                                 "expect proc 1 vmas == 5\n");
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

static void test_shared_anon(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x60000000 8K rw- shared\n"
                                 "write 1 0x60000000 5\n"
                                 "fork 1 2\n"
                                 "write 2 0x60001000 6\n"
                                 "expect page 1 0x60001000 present == 0\n"
                                 "expect page 1 0x60001000 value == 6\n"
                                 "read 1 0x60001000\n"
                                 "expect page 1 0x60001000 value == 6\n"
                                 "expect page 1 0x60001000 refcount == 3\n"
                                 "expect page 1 0x60001000 mappers == 2\n"
                                 "expect page 2 0x60000000 value == 5\n"
                                 "expect stat memory.cache == 2\n"
                                 "expect stat faults.file == 3\n");
    struct aspace *a1 = as_of(vm, 1), *a2 = as_of(vm, 2);
    assert_int_equal(a1->vmas.v[3].obj, a2->vmas.v[3].obj);
    struct mobj *o = mobj_get(&vm->pc, a1->vmas.v[3].obj);
    assert_non_null(o);
    assert_true(o->shm);
    assert_int_equal(o->vma_refs, 2);
    assert_int_equal(page_num(vm, 1, 0x60001000, PGF_FRAME), page_num(vm, 2, 0x60001000, PGF_FRAME));
    vm_free(vm);

    /* split VMAs each hold the object; it goes with the last one */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "mmap 1 0x60000000 8K rw- shared\n"
                      "touch 1 0x60000000 8K w\n"
                      "fork 1 2\n"
                      "munmap 1 0x60000000 4K\n"
                      "munmap 2 0x60001000 4K\n"
                      "expect stat memory.cache == 2\n"
                      "munmap 1 0x60001000 4K\n"
                      /* process 2 still maps page 0: the object and both its pages stay */
                      "expect stat memory.cache == 2\n"
                      "exit 2\n"
                      "expect stat memory.cache == 0\n");
    vm_free(vm);
}

static void test_shared_anon_goes(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x60000000 8K rw- shared\n"
                                 "touch 1 0x60000000 8K w\n"
                                 "fork 1 2\n"
                                 "munmap 1 0x60000000 8K\n"
                                 "expect stat memory.cache == 2\n"
                                 "exit 2\n"
                                 "expect stat memory.cache == 0\n"
                                 "expect stat memory.frames_used == 0\n");
    vm_free(vm);
    /* two shared mmaps are two objects */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "mmap 1 0x60000000 4K rw- shared\n"
                      "mmap 1 0x70000000 4K rw- shared\n"
                      "write 1 0x60000000 1\n"
                      "expect page 1 0x70000000 value == 0\n");
    assert_int_not_equal(as_of(vm, 1)->vmas.v[3].obj, as_of(vm, 1)->vmas.v[4].obj);
    vm_free(vm);
    /* an mmap over a shared mapping drops its object when it was the last */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "mmap 1 0x60000000 4K rw- shared\n"
                      "write 1 0x60000000 1\n"
                      "mmap 1 0x60000000 4K rw- shared\n"
                      "expect page 1 0x60000000 value == 0\n"
                      "expect stat memory.cache == 0\n");
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
        cmocka_unit_test(test_munmap_frees_tables),
        cmocka_unit_test(test_mprotect),
        cmocka_unit_test(test_mprotect_shared),
        cmocka_unit_test(test_mprotect_errors),
        cmocka_unit_test(test_brk),
        cmocka_unit_test(test_brk_heap_program),
        cmocka_unit_test(test_brk_errors),
        cmocka_unit_test(test_brk_new_vma_when_heap_changed),
        cmocka_unit_test(test_shared_anon),
        cmocka_unit_test(test_shared_anon_goes),
        cmocka_unit_test(test_vma_limit),
        cmocka_unit_test(test_api_direct),
        cmocka_unit_test(test_mprotect_stopped_adding_w),
        cmocka_unit_test(test_mprotect_stopped_removing_w),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
