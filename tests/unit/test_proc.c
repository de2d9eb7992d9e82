/* test_proc.c -- unit tests of processes (sim/proc.c, include/vmsim/proc.h)
 * and of fork in each mode (sim/aspace.c): creation, exit, wait, reaping,
 * reparenting, vfork, lost pids, driven through whole machines. */
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

/* a parent with five present pages: text (a cache frame), data (a private
 * copy of a file page), bss, heap and stack (anon) */
#define FIVE_PAGES                                                                                                 \
    "program p text=2p data=1p bss=2p heap=1p stack=2p\n"                                                          \
    "spawn 1 p\n"                                                                                                  \
    "read 1 0x400000\n"                                                                                            \
    "write 1 0x402000 5\n"                                                                                         \
    "write 1 0x403000 6\n"                                                                                         \
    "write 1 0x405000 7\n"                                                                                         \
    "write 1 0x7ffffffff000 9\n"

static struct vm_config fork_mode(enum fork_mode m)
{
    struct vm_config c = config("x86_64", 0);
    c.fork = m;
    return c;
}

/* ---- fork in each mode ------------------------------------------------------- */

static void test_fork_cow(void **state)
{
    (void)state;
    struct vm_config c = fork_mode(FORK_COW);
    struct vm *vm = run_ok(&c, FIVE_PAGES "fork 1 2\n");
    assert_int_equal(stat_of(vm, "memory.frames_used"), 6);
    assert_int_equal(stat_of(vm, "memory.ptes_copied"), 5);
    assert_int_equal(stat_of(vm, "memory.pages_copied"), 1); /* the data page, before the fork */
    assert_int_equal(stat_of(vm, "memory.pt_pages"), 14);
    assert_int_equal(stat_of(vm, "memory.pt_shared"), 0);
    assert_int_equal(proc_num(vm, 2, PF_RSS), 5);
    assert_int_equal(proc_num(vm, 2, PF_PPID), 1);
    assert_string_equal(proc_word(vm, 2, PF_PROGRAM), "p");
    assert_string_equal(proc_word(vm, 2, PF_STATE), "running");
    assert_int_equal(proc_num(vm, 2, PF_VMAS), 5);
    static const uint64_t anon[] = {0x402000, 0x403000, 0x405000, 0x7ffffffff000};
    for (int i = 0; i < 4; i++)
        for (uint32_t pid = 1; pid <= 2; pid++) {
            assert_int_equal(page_num(vm, pid, anon[i], PGF_REFCOUNT), 2);
            assert_int_equal(page_num(vm, pid, anon[i], PGF_WRITABLE), 0);
            assert_int_equal(page_num(vm, pid, anon[i], PGF_COW), 1);
            assert_int_equal(page_num(vm, pid, anon[i], PGF_MAPPERS), 2);
            assert_int_equal(page_num(vm, pid, anon[i], PGF_DIRTY), 1); /* kept from the parent */
        }
    assert_int_equal(page_num(vm, 2, 0x400000, PGF_REFCOUNT), 3); /* two entries + the cache */
    assert_int_equal(page_num(vm, 2, 0x400000, PGF_COW), 0);      /* no w: not cow */
    assert_int_equal(page_num(vm, 2, 0x402000, PGF_VALUE), 5);
    /* the same frames */
    assert_int_equal(page_num(vm, 2, 0x405000, PGF_FRAME), page_num(vm, 1, 0x405000, PGF_FRAME));
    vm_free(vm);

    /* the child writes: a copy; the parent then reuses its frame */
    vm = run_ok(&c, FIVE_PAGES "fork 1 2\n"
                               "write 2 0x403000 60\n"
                               "write 1 0x403000 61\n"
                               "expect stat faults.cow_copy == 2\n"
                               "expect stat faults.cow_reuse == 1\n"
                               "expect page 1 0x403000 value == 61\n"
                               "expect page 2 0x403000 value == 60\n"
                               "expect page 1 0x403000 refcount == 1\n"
                               "expect stat memory.frames_used == 7\n");
    vm_free(vm);
}

static void test_fork_copy(void **state)
{
    (void)state;
    struct vm_config c = fork_mode(FORK_COPY);
    struct vm *vm = run_ok(&c, FIVE_PAGES "fork 1 2\n");
    assert_int_equal(stat_of(vm, "memory.frames_used"), 10);
    assert_int_equal(stat_of(vm, "memory.ptes_copied"), 5);
    assert_int_equal(stat_of(vm, "memory.pages_copied"), 5);
    assert_int_equal(stat_of(vm, "memory.pt_pages"), 14);
    /* new frames, lowest first, in rising address order, with the values */
    static const uint64_t anon[] = {0x402000, 0x403000, 0x405000, 0x7ffffffff000};
    static const uint64_t val[] = {5, 6, 7, 9};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(page_num(vm, 2, anon[i], PGF_FRAME), 6 + i);
        assert_int_equal(page_num(vm, 2, anon[i], PGF_VALUE), val[i]);
        assert_int_equal(page_num(vm, 2, anon[i], PGF_WRITABLE), 1);
        assert_int_equal(page_num(vm, 2, anon[i], PGF_REFCOUNT), 1);
        assert_int_equal(page_num(vm, 1, anon[i], PGF_WRITABLE), 1); /* the parent is unchanged */
        assert_int_equal(page_num(vm, 1, anon[i], PGF_COW), 0);
    }
    /* the child's entries keep the parent's accessed and dirty bits */
    assert_int_equal(page_num(vm, 2, 0x403000, PGF_DIRTY), 1);
    /* the cache frame is shared as in cow */
    assert_int_equal(page_num(vm, 2, 0x400000, PGF_FRAME), page_num(vm, 1, 0x400000, PGF_FRAME));
    assert_int_equal(page_num(vm, 2, 0x400000, PGF_REFCOUNT), 3);
    assert_int_equal(proc_num(vm, 1, PF_USS), 4);
    vm_free(vm);

    /* an entry that was cow stays cow in the parent; the child's copy is writable */
    vm = run_ok(&c, FIVE_PAGES "fork 1 2\n"
                               "fork 1 3\n"
                               "expect page 1 0x403000 refcount == 1\n"
                               "expect page 3 0x403000 writable == 1\n");
    vm_free(vm);
}

static void test_fork_copy_keeps_cow(void **state)
{
    (void)state;
    struct vm_config c = fork_mode(FORK_COW);
    /* a cow fork, then (in copy mode) a fork of the cow parent */
    struct vm *vm = run_ok(&c, FIVE_PAGES "fork 1 2\n");
    vm_free(vm);
    c = fork_mode(FORK_COPY);
    vm = run_ok(&c, FIVE_PAGES "mprotect 1 0x403000 8K r--\n"
                               "mprotect 1 0x403000 8K rw-\n" /* now read-only in a VMA with w: cow */
                               "expect page 1 0x403000 cow == 1\n"
                               "fork 1 2\n"
                               "expect page 1 0x403000 cow == 1\n"
                               "expect page 2 0x403000 cow == 0\n"
                               "expect page 2 0x403000 writable == 1\n");
    vm_free(vm);
}

static void test_fork_sharept(void **state)
{
    (void)state;
    struct vm_config c = fork_mode(FORK_SHAREPT);
    struct vm *vm = run_ok(&c, FIVE_PAGES "fork 1 2\n");
    assert_int_equal(stat_of(vm, "memory.frames_used"), 6);
    assert_int_equal(stat_of(vm, "memory.ptes_copied"), 0);
    assert_int_equal(stat_of(vm, "memory.pt_shared"), 2);
    assert_int_equal(stat_of(vm, "memory.pt_unshared"), 0);
    assert_int_equal(stat_of(vm, "memory.pt_pages"), 7 + 5); /* the two leaves once */
    assert_int_equal(proc_num(vm, 2, PF_PT_PAGES), 7);
    assert_int_equal(proc_num(vm, 2, PF_RSS), 5);
    /* no refcount changes; private entries read-only (cow) in both */
    assert_int_equal(page_num(vm, 1, 0x403000, PGF_REFCOUNT), 1);
    assert_int_equal(page_num(vm, 2, 0x403000, PGF_COW), 1);
    assert_int_equal(page_num(vm, 1, 0x403000, PGF_COW), 1);
    assert_int_equal(page_num(vm, 1, 0x400000, PGF_REFCOUNT), 2);
    assert_int_equal(page_num(vm, 1, 0x403000, PGF_MAPPERS), 2);
    struct pt *l1 = pt_leaf(&vm->pts, &as_of(vm, 1)->pt, 0x403000);
    assert_ptr_equal(l1, pt_leaf(&vm->pts, &as_of(vm, 2)->pt, 0x403000));
    assert_int_equal(l1->share, 2);
    vm_free(vm);

    /* the child writes: its leaf is copied (refcounts +1 per present entry),
     * then the page is copied */
    vm = run_ok(&c, FIVE_PAGES "fork 1 2\n"
                               "write 2 0x403000 60\n"
                               "expect stat memory.pt_unshared == 1\n"
                               "expect stat memory.ptes_copied == 4\n"
                               "expect stat faults.cow_copy == 2\n"
                               "expect page 1 0x403000 refcount == 1\n"
                               "expect page 1 0x402000 refcount == 2\n"
                               "expect page 1 0x400000 refcount == 3\n"
                               "expect stat memory.pt_pages == 13\n"
                               /* the parent's leaf is its own again, but its frames are shared */
                               "write 1 0x405000 70\n"
                               "expect stat memory.pt_unshared == 1\n"
                               "expect stat faults.cow_copy == 3\n"
                               /* reading a shared leaf's present entry changes nothing */
                               "read 1 0x7ffffffff000\n"
                               "expect stat memory.pt_unshared == 1\n"
                               "write 1 0x7ffffffff000 90\n"
                               "expect stat memory.pt_unshared == 2\n"
                               "expect stat memory.ptes_copied == 5\n"
                               "expect page 2 0x7ffffffff000 value == 9\n"
                               "expect page 1 0x7ffffffff000 value == 90\n");
    vm_free(vm);
}

/* a shared leaf is copied only when a present entry in it really changes */
static void test_fork_sharept_unshare_rules(void **state)
{
    (void)state;
    struct vm_config c = fork_mode(FORK_SHAREPT);
    struct vm *vm = run_ok(&c, FIVE_PAGES "mmap 1 0x10000000 8K rw- shared file=s\n"
                                          "read 1 0x10000000\n"
                                          "fork 1 2\n"
                                          /* accessed and dirty bits are no change */
                                          "read 2 0x405000\n"
                                          "read 1 0x402000\n"
                                          /* nothing present in the range: nothing changes */
                                          "munmap 2 0x404000 4K\n"
                                          /* already read-only: nothing changes */
                                          "mprotect 2 0x403000 4K r--\n"
                                          "expect stat memory.pt_unshared == 0\n"
                                          "expect page 2 0x403000 writable == 0\n"
                                          /* an entry that gets a frame: a read fault in the leaf */
                                          "read 2 0x401000\n"
                                          "expect stat memory.pt_unshared == 1\n"
                                          "expect stat memory.ptes_copied == 4\n" /* text, data, bss, heap */
                                          /* a writable bit that changes: mprotect of a shared VMA */
                                          "fork 1 3\n"
                                          "mprotect 3 0x10000000 8K r--\n"
                                          "expect stat memory.pt_unshared == 2\n"
                                          "expect page 1 0x10000000 writable == 1\n"
                                          "expect page 3 0x10000000 writable == 0\n"
                                          /* an entry cleared: munmap */
                                          "fork 1 4\n"
                                          "munmap 4 0x402000 4K\n"
                                          "expect stat memory.pt_unshared == 3\n"
                                          "expect page 1 0x402000 present == 1\n"
                                          "expect page 4 0x402000 mapped == 0\n");
    vm_free(vm);
}

static void test_fork_sharept_exit_drops_reference(void **state)
{
    (void)state;
    struct vm_config c = fork_mode(FORK_SHAREPT);
    struct vm *vm = run_ok(&c, FIVE_PAGES "fork 1 2\n"
                                          "exit 2\n"
                                          "expect stat memory.frames_used == 6\n"
                                          "expect stat memory.pt_unshared == 0\n"
                                          "expect stat memory.pt_pages == 7\n"
                                          "expect page 1 0x403000 value == 6\n"
                                          "write 1 0x403000 66\n"
                                          "expect stat faults.cow_reuse == 1\n");
    vm_free(vm);
    vm = run_ok(&c, FIVE_PAGES "fork 1 2\n"
                               "exec 1 p\n" /* the parent drops its space: the child keeps the leaves */
                               "expect stat memory.pt_unshared == 0\n"
                               "expect page 2 0x405000 value == 7\n"
                               "expect proc 2 rss == 5\n"
                               "expect stat memory.frames_used == 6\n");
    vm_free(vm);
}

static void test_fork_lazy(void **state)
{
    (void)state;
    struct vm_config c = fork_mode(FORK_COW);
    c.lazy_fork = true;
    /* the text VMA maps no anon frame: the child gets no entry for it */
    struct vm *vm = run_ok(&c, FIVE_PAGES "fork 1 2\n"
                                          "expect stat memory.ptes_copied == 4\n"
                                          "expect page 2 0x400000 present == 0\n"
                                          "expect page 2 0x402000 present == 1\n"
                                          "expect page 1 0x400000 refcount == 2\n"
                                          "read 2 0x400000\n"
                                          "expect stat faults.file == 2\n"
                                          "expect page 1 0x400000 refcount == 3\n");
    vm_free(vm);
    c.fork = FORK_COPY;
    vm = run_ok(&c, FIVE_PAGES "fork 1 2\n"
                               "expect stat memory.ptes_copied == 4\n"
                               "expect stat memory.pages_copied == 5\n");
    vm_free(vm);
}

static void test_fork_failed(void **state)
{
    (void)state;
    struct vm_config c = config("tiny", 4);
    c.fork = FORK_COPY;
    /* needs two frames, has one: fails, nothing changes, the child is lost */
    struct vm *vm = run_ok(&c, "program p text=1p data=1p bss=1p stack=1p\n"
                               "spawn 1 p\n"
                               "read 1 0x100\n"
                               "write 1 0x300\n"
                               "write 1 0xff00\n"
                               "fork 1 2\n"
                               "expect stat processes.fork_failed == 1\n"
                               "expect stat memory.frames_used == 3\n"
                               "expect stat memory.ptes_copied == 0\n"
                               "expect stat memory.pt_pages == 3\n"
                               "expect stat processes.created == 1\n"
                               "expect proc 2 state == gone\n"
                               "expect page 1 0x300 writable == 1\n"
                               "write 2 0x300\n"
                               "fork 2 3\n"
                               "wait 1 2\n"
                               "expect stat events.skipped == 3\n");
    assert_non_null(strstr(run_err, "t.trace:14: warning:"));
    assert_true(proc_pid_lost(vm, 2));
    assert_true(proc_pid_lost(vm, 3));
    vm_free(vm);

    /* a droppable cache page counts: the fork drops it and succeeds */
    c.frames = 5;
    vm = run_ok(&c, "program p text=1p data=1p bss=1p stack=1p\n"
                    "spawn 1 p\n"
                    "mmap 1 0x2000 0x100 r-- private file=other\n"
                    "read 1 0x2000\n"
                    "munmap 1 0x2000 0x100\n"
                    "read 1 0x100\n"
                    "write 1 0x300\n"
                    "write 1 0xff00\n"
                    "fork 1 2\n"
                    "expect stat processes.fork_failed == 0\n"
                    "expect stat memory.cache_drops == 1\n"
                    "expect stat memory.frames_used == 5\n");
    vm_free(vm);

    /* a fork that fails drops no page, even if some are droppable */
    c.frames = 4;
    vm = run_ok(&c, "program p text=1p data=1p bss=3p stack=1p\n"
                    "spawn 1 p\n"
                    "mmap 1 0x2000 0x100 r-- private file=other\n"
                    "read 1 0x2000\n"
                    "munmap 1 0x2000 0x100\n"
                    "write 1 0x300\n"
                    "write 1 0x400\n"
                    "write 1 0xff00\n"
                    "expect stat memory.frames_used == 4\n"
                    "fork 1 2\n" /* needs 3 frames: 0 free + 1 droppable */
                    "expect stat processes.fork_failed == 1\n"
                    "expect stat memory.cache_drops == 0\n"
                    "expect stat memory.cache == 1\n");
    vm_free(vm);

    /* in cow mode the same fork needs no frame */
    c.fork = FORK_COW;
    c.frames = 3;
    vm = run_ok(&c, "program p text=1p data=1p bss=1p stack=1p\n"
                    "spawn 1 p\n"
                    "read 1 0x100\n"
                    "write 1 0x300\n"
                    "write 1 0xff00\n"
                    "fork 1 2\n"
                    "expect stat processes.fork_failed == 0\n");
    vm_free(vm);
}

/* with --pt-frames a new space takes its root first, then the tables of
 * each page, top down, in rising address order */
static void test_fork_pt_frames_order(void **state)
{
    (void)state;
    struct vm_config c = config("tiny", 16);
    c.pt_frames = true;
    struct vm *vm = run_ok(&c, "program p text=1p data=1p bss=1p stack=1p\n"
                               "spawn 1 p\n"
                               "write 1 0xff00\n"
                               "write 1 0x300\n"
                               "expect page 1 0xff00 frame == 2\n"
                               "expect page 1 0x300 frame == 4\n"
                               "fork 1 2\n");
    struct aspace *a1 = as_of(vm, 1), *a2 = as_of(vm, 2);
    assert_int_equal(a1->pt.root->frame, 0);
    assert_int_equal(pt_leaf(&vm->pts, &a1->pt, 0xff00)->frame, 1);
    assert_int_equal(pt_leaf(&vm->pts, &a1->pt, 0x300)->frame, 3);
    assert_int_equal(a2->pt.root->frame, 5);
    assert_int_equal(pt_leaf(&vm->pts, &a2->pt, 0x300)->frame, 6);
    assert_int_equal(pt_leaf(&vm->pts, &a2->pt, 0xff00)->frame, 7);
    assert_int_equal(stat_of(vm, "memory.pt"), 6);
    assert_int_equal(stat_of(vm, "memory.frames_used"), 8);
    vm_free(vm);
    /* copy mode: a page's table before its frame */
    c.fork = FORK_COPY;
    vm = run_ok(&c, "program p text=1p data=1p bss=1p stack=1p\n"
                    "spawn 1 p\n"
                    "write 1 0x300\n"
                    "write 1 0xff00\n"
                    "fork 1 2\n"
                    "expect page 2 0x300 frame == 7\n"
                    "expect page 2 0xff00 frame == 9\n");
    assert_int_equal(as_of(vm, 2)->pt.root->frame, 5);
    assert_int_equal(pt_leaf(&vm->pts, &as_of(vm, 2)->pt, 0x300)->frame, 6);
    assert_int_equal(pt_leaf(&vm->pts, &as_of(vm, 2)->pt, 0xff00)->frame, 8);
    vm_free(vm);
}

static void test_fork_failed_pt_frames(void **state)
{
    (void)state;
    struct vm_config c = config("tiny", 6);
    c.pt_frames = true;
    /* the parent holds a root, two leaves and two pages (5 frames); a cow
     * child needs a root and two leaves */
    struct vm *vm = run_ok(&c, "program p text=1p data=1p bss=1p stack=1p\n"
                               "spawn 1 p\n"
                               "write 1 0x300\n"
                               "write 1 0xff00\n"
                               "expect stat memory.frames_used == 5\n"
                               "expect stat memory.pt == 3\n"
                               "fork 1 2\n"
                               "expect stat processes.fork_failed == 1\n"
                               "expect stat memory.frames_used == 5\n");
    vm_free(vm);
    c.frames = 8;
    vm = run_ok(&c, "program p text=1p data=1p bss=1p stack=1p\n"
                    "spawn 1 p\n"
                    "write 1 0x300\n"
                    "write 1 0xff00\n"
                    "fork 1 2\n"
                    "expect stat processes.fork_failed == 0\n"
                    "expect stat memory.frames_used == 8\n"
                    "expect stat memory.pt == 6\n");
    vm_free(vm);
}

/* ---- exit, wait, reparenting --------------------------------------------------- */

static void test_exit_wait(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "fork 1 2\n"
                                 "fork 1 3\n"
                                 "fork 2 4\n"
                                 "write 3 0x406000\n"
                                 "exit 3 7\n"
                                 "expect proc 3 state == zombie\n"
                                 "expect proc 3 exit_status == 7\n"
                                 "expect proc 3 rss == 0\n"
                                 "expect proc 3 vmas == 0\n"
                                 "expect proc 3 pt_pages == 0\n"
                                 "expect proc 3 pss == 0\n"
                                 "expect stat memory.frames_used == 0\n"
                                 "expect stat processes.zombies == 1\n"
                                 "expect stat processes.live == 3\n"
                                 "wait 1\n"
                                 "expect proc 3 state == gone\n"
                                 "expect proc 3 exit_status == none\n"
                                 "expect stat processes.reaped == 1\n"
                                 "exit 2\n"
                                 "expect proc 4 ppid == 1\n"
                                 "wait 1 2\n"
                                 "expect stat processes.reaped == 2\n"
                                 "expect stat processes.created == 4\n"
                                 "expect stat processes.peak_live == 4\n");
    struct proc *one = proc_find(vm, 1), *four = proc_find(vm, 4);
    assert_non_null(one);
    assert_ptr_equal(one->children, four); /* the only child now */
    assert_null(proc_find(vm, 2));
    assert_int_equal(vm->nprocs, 2);
    vm_free(vm);
}

static void test_wait_lowest_zombie(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "fork 1 9\n"
                                 "fork 1 5\n"
                                 "fork 1 7\n"
                                 "exit 9 1\n"
                                 "exit 7 2\n"
                                 "wait 1\n"
                                 "expect proc 7 state == gone\n"
                                 "expect proc 9 state == zombie\n"
                                 "wait 1\n"
                                 "expect proc 9 state == gone\n"
                                 "expect proc 5 state == running\n");
    vm_free(vm);
}

static void test_wait_errors(void **state)
{
    (void)state;
    struct vm *vm = run_error(NULL, "spawn 1 p\nwait 1\n", "has no children");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nfork 1 2\nwait 1\n", "would block");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nfork 1 2\nwait 1 2\n", "would block");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nspawn 3 p\nexit 3\nfork 1 2\nfork 2 4\nexit 4\nwait 1 4\n", "not a child");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nwait 1 99\n", "no process 99");
    vm_free(vm);
}

static void test_exit_reaps_zombie_children(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "fork 1 2\n"
                                 "fork 2 5\n"
                                 "fork 2 6\n"
                                 "exit 5\n"
                                 "exit 2\n"
                                 "expect proc 5 state == gone\n"
                                 "expect proc 6 ppid == 1\n"
                                 "expect proc 2 state == zombie\n"
                                 "expect stat processes.reaped == 1\n");
    vm_free(vm);
}

static void test_orphans(void **state)
{
    (void)state;
    /* no process 1: orphans get ppid 0, and are reaped when they exit */
    struct vm *vm = run_ok(NULL, "spawn 10 p\n"
                                 "fork 10 11\n"
                                 "exit 10\n"
                                 "expect proc 10 state == gone\n"
                                 "expect proc 11 ppid == 0\n"
                                 "exit 11 3\n"
                                 "expect proc 11 state == gone\n"
                                 "expect stat processes.reaped == 2\n");
    vm_free(vm);
    /* process 1 a zombie: ppid 0 too */
    vm = run_ok(NULL, "spawn 20 p\n"
                      "fork 20 1\n"
                      "fork 20 21\n"
                      "fork 21 22\n"
                      "exit 1\n"
                      "exit 21\n"
                      "expect proc 22 ppid == 0\n"
                      "expect proc 1 state == zombie\n");
    vm_free(vm);
    /* process 1 is never its own parent */
    vm = run_ok(NULL, "spawn 5 p\n"
                      "fork 5 1\n"
                      "fork 5 6\n"
                      "exit 5\n"
                      "expect proc 1 ppid == 0\n"
                      "expect proc 6 ppid == 1\n");
    assert_ptr_equal(proc_find(vm, 1)->children, proc_find(vm, 6));
    vm_free(vm);
}

/* ---- vfork --------------------------------------------------------------------- */

static void test_vfork(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "write 1 0x406000 5\n"
                                 "vfork 1 2\n"
                                 "expect proc 1 state == suspended\n"
                                 "expect proc 2 ppid == 1\n"
                                 "expect page 2 0x406000 value == 5\n"
                                 "write 2 0x406000 8\n"
                                 "write 2 0x407000 9\n"
                                 "expect page 1 0x406000 value == 8\n"
                                 "expect page 1 0x407000 value == 9\n"
                                 "expect page 1 0x406000 refcount == 1\n"
                                 "expect page 1 0x406000 mappers == 1\n"
                                 "expect stat memory.ptes_copied == 0\n"
                                 "expect stat faults.cow_copy == 0\n"
                                 "expect stat processes.live == 2\n");
    assert_ptr_equal(as_of(vm, 1), as_of(vm, 2));
    assert_int_equal(as_of(vm, 1)->users, 2);
    vm_free(vm);

    /* exec resumes the parent; the child has its own space */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "write 1 0x406000 5\n"
                      "vfork 1 2\n"
                      "exec 2 q\n"
                      "expect proc 1 state == running\n"
                      "expect page 2 0x406000 present == 0\n"
                      "expect page 1 0x406000 value == 5\n"
                      "expect stat memory.frames_used == 1\n"
                      "write 1 0x406000 6\n"
                      "expect stat faults.cow_reuse == 0\n");
    assert_ptr_not_equal(as_of(vm, 1), as_of(vm, 2));
    assert_int_equal(as_of(vm, 1)->users, 1);
    vm_free(vm);

    /* exit resumes the parent, which keeps the space */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "vfork 1 2\n"
                      "write 2 0x406000 5\n"
                      "exit 2\n"
                      "expect proc 1 state == running\n"
                      "expect page 1 0x406000 value == 5\n"
                      "expect proc 2 state == zombie\n"
                      "wait 1\n");
    vm_free(vm);

    /* a segv kills the child and resumes the parent */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "vfork 1 2\n"
                      "write 2 0x400000 5\n"
                      "expect proc 2 exit_status == 139\n"
                      "expect proc 1 state == running\n"
                      "write 1 0x406000\n");
    vm_free(vm);
}

static void test_vfork_suspended_is_an_error(void **state)
{
    (void)state;
    struct vm *vm = run_error(NULL, "spawn 1 p\nvfork 1 2\nwrite 1 0x406000\n", "suspended");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nvfork 1 2\nexit 1\n", "suspended");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nvfork 1 2\nfork 1 3\n", "suspended");
    vm_free(vm);
}

static void test_vfork_nested(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "vfork 1 2\n"
                                 "vfork 2 3\n"
                                 "expect proc 2 state == suspended\n"
                                 "write 3 0x406000 4\n"
                                 "exit 3\n"
                                 "expect proc 2 state == running\n"
                                 "expect proc 1 state == suspended\n"
                                 "exec 2 q\n"
                                 "expect proc 1 state == running\n"
                                 "expect page 1 0x406000 value == 4\n");
    assert_int_equal(as_of(vm, 1)->users, 1);
    vm_free(vm);
    /* a vfork child forks: the grandchild copies the shared space */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "write 1 0x406000 4\n"
                      "vfork 1 2\n"
                      "fork 2 3\n"
                      "expect page 3 0x406000 refcount == 2\n"
                      "expect page 3 0x406000 mappers == 2\n"
                      "exit 2\n"
                      "write 1 0x406000 5\n"
                      "expect page 3 0x406000 value == 4\n");
    vm_free(vm);
}

/* ---- actors: lost, zombie, unknown --------------------------------------------- */

static void test_lost_processes(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "fork 1 2\n"
                                 "read 2 0x0\n"
                                 "expect proc 2 state == zombie\n"
                                 "expect proc 2 exit_status == 139\n"
                                 "write 2 0x406000\n"
                                 "expect stat events.skipped == 1\n"
                                 "fork 2 3\n"
                                 "read 3 0x406000\n"
                                 "wait 1 2\n"
                                 "read 2 0x406000\n"
                                 "wait 1 3\n"
                                 "expect stat events.skipped == 5\n"
                                 "spawn 2 p\n"
                                 "read 2 0x406000\n"
                                 "expect stat events.skipped == 5\n"
                                 "expect stat events.total == 11\n"
                                 "expect stat events.read == 4\n");
    assert_false(proc_pid_lost(vm, 2));
    assert_true(proc_pid_lost(vm, 3));
    assert_non_null(strstr(run_err, "t.trace:6: warning:"));
    assert_non_null(strstr(run_err, "t.trace:12: warning:"));
    vm_free(vm);
}

static void test_actor_errors(void **state)
{
    (void)state;
    struct vm *vm = run_error(NULL, "spawn 1 p\nfork 1 2\nexit 2\nwrite 2 0x406000\n", "has exited");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nread 4 0x406000\n", "no process 4");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nspawn 1 p\n", "in use");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nspawn 2 p\nfork 1 2\n", "in use");
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nfork 1 2\nexit 2\nvfork 1 2\n", "in use (zombie)");
    vm_free(vm);
}

/* ---- the proc API directly ------------------------------------------------------- */

static void test_proc_api(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\nwrite 1 0x406000\nfork 1 2\nfork 1 3\nexit 3\n");
    assert_string_equal(proc_state_names[PS_RUNNING], "running");
    assert_string_equal(proc_state_names[PS_SUSPENDED], "suspended");
    assert_string_equal(proc_state_names[PS_ZOMBIE], "zombie");
    assert_string_equal(proc_state_names[PS_GONE], "gone");
    struct proc *p1 = proc_find(vm, 1), *p2 = proc_find(vm, 2), *p3 = proc_find(vm, 3);
    assert_non_null(p1);
    assert_non_null(p2);
    assert_non_null(p3);
    assert_null(proc_find(vm, 4));
    assert_int_equal(proc_rss(p1), 1);
    assert_int_equal(proc_rss(p3), 0);
    assert_int_equal(p3->state, PS_ZOMBIE);
    assert_null(p3->as);
    assert_int_equal(vm->live, 2);
    assert_int_equal(vm->zombies, 1);

    /* proc_exit and proc_reap by hand */
    proc_exit(vm, p2, 4, EXIT_NORMAL);
    assert_int_equal(p2->state, PS_ZOMBIE);
    assert_int_equal(p2->exit_status, 4);
    assert_int_equal(vm->zombies, 2);
    proc_reap(vm, p2, 1);
    assert_null(proc_find(vm, 2));
    assert_false(proc_pid_lost(vm, 2));
    proc_exit(vm, p1, 0, EXIT_OOM); /* killed: 3 is reaped at once, 1 (ppid 0) too */
    assert_null(proc_find(vm, 1));
    assert_null(proc_find(vm, 3));
    assert_true(proc_pid_lost(vm, 1));
    assert_int_equal(vm->nprocs, 0);
    assert_int_equal(vm->live, 0);
    assert_int_equal(vm->zombies, 0);
    assert_int_equal(vm->ft.used, 0);
    proc_mark_lost(vm, 50);
    proc_mark_lost(vm, 50);
    assert_true(proc_pid_lost(vm, 50));
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fork_cow),
        cmocka_unit_test(test_fork_copy),
        cmocka_unit_test(test_fork_copy_keeps_cow),
        cmocka_unit_test(test_fork_sharept),
        cmocka_unit_test(test_fork_sharept_unshare_rules),
        cmocka_unit_test(test_fork_sharept_exit_drops_reference),
        cmocka_unit_test(test_fork_lazy),
        cmocka_unit_test(test_fork_failed),
        cmocka_unit_test(test_fork_pt_frames_order),
        cmocka_unit_test(test_fork_failed_pt_frames),
        cmocka_unit_test(test_exit_wait),
        cmocka_unit_test(test_wait_lowest_zombie),
        cmocka_unit_test(test_wait_errors),
        cmocka_unit_test(test_exit_reaps_zombie_children),
        cmocka_unit_test(test_orphans),
        cmocka_unit_test(test_vfork),
        cmocka_unit_test(test_vfork_suspended_is_an_error),
        cmocka_unit_test(test_vfork_nested),
        cmocka_unit_test(test_lost_processes),
        cmocka_unit_test(test_actor_errors),
        cmocka_unit_test(test_proc_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
