/* test_fault.c -- unit tests of accesses and faults (sim/fault.c,
 * include/vmsim/fault.h) and of running out of frames (sim/pressure.c):
 * every fault class, segv kills, reclaim and the OOM killer. */
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
#include "vmsim/fault.h"
#include "vmsim/machine.h"
#include "vmsim/pressure.h"
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/runner.h"
#include "vmsim/stats.h"

#include "machine_harness.h"

/* tiny machines: 256-byte pages; a leaf table maps 0x1000 bytes */
#define TINY_PROG "program p text=1p data=1p bss=1p stack=1p\n"

static struct vm_config tiny(uint32_t frames)
{
    return config("tiny", frames);
}

/* ---- the fault classes --------------------------------------------------------- */

static void test_demand_zero(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "write 1 0x406000 5\n"
                                 "read 1 0x407000\n"
                                 "mmap 1 0x10000000 4K r-- private\n"
                                 "read 1 0x10000000\n"
                                 "expect stat faults.demand_zero == 3\n"
                                 "expect stat faults.total == 3\n"
                                 "expect page 1 0x406000 writable == 1\n"
                                 "expect page 1 0x406000 dirty == 1\n"
                                 "expect page 1 0x406000 kind == anon\n"
                                 "expect page 1 0x406000 frame == 0\n"
                                 "expect page 1 0x406000 value == 5\n"
                                 "expect page 1 0x407000 writable == 1\n" /* writable if the VMA is */
                                 "expect page 1 0x407000 dirty == 0\n"
                                 "expect page 1 0x407000 value == 0\n"
                                 "expect page 1 0x407000 frame == 1\n"
                                 "expect page 1 0x10000000 writable == 0\n"
                                 "expect page 1 0x10000000 cow == 0\n"
                                 "write 1 0x407000 6\n" /* writable already: no fault */
                                 "expect stat faults.total == 3\n"
                                 "expect stat accesses.reads == 2\n"
                                 "expect stat accesses.writes == 2\n"
                                 "expect proc 1 rss == 3\n");
    struct proc *p = proc_find(vm, 1);
    assert_int_equal(p->faults[FC_DEMAND_ZERO], 3);
    assert_int_equal(p->faults[FC_FILE], 0);
    vm_free(vm);
}

static void test_write_default_value(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "# a comment line still counts as a line\n"
                                 "write 1 0x406000\n"
                                 "expect page 1 0x406000 value == 3\n"
                                 "touch 1 0x406000 8K w\n"
                                 "expect page 1 0x406000 value == 5\n"
                                 "expect page 1 0x407000 value == 5\n"
                                 "touch 1 0x406000 8K w 77\n"
                                 "expect page 1 0x407000 value == 77\n");
    vm_free(vm);
}

static void test_zero_page(void **state)
{
    (void)state;
    struct vm_config c = config("x86_64", 0);
    c.zero_page = true;
    struct vm *vm = run_ok(&c, "spawn 1 p\n"
                               "read 1 0x406000\n"
                               "read 1 0x407000\n"
                               "expect stat faults.zero_page == 2\n"
                               "expect page 1 0x406000 frame == zero\n"
                               "expect page 1 0x406000 kind == zero\n"
                               "expect page 1 0x406000 refcount == 2\n"
                               "expect page 1 0x406000 writable == 0\n"
                               "expect page 1 0x406000 cow == 1\n"
                               "expect page 1 0x406000 value == 0\n"
                               "expect proc 1 rss == 0\n"
                               "expect proc 1 uss == 0\n"
                               "expect proc 1 pss == 0\n"
                               "expect stat memory.frames_used == 0\n"
                               "write 1 0x406000 8\n"
                               "expect stat faults.cow_copy == 1\n"
                               "expect stat memory.pages_copied == 1\n"
                               "expect page 1 0x406000 kind == anon\n"
                               "expect page 1 0x406000 frame == 0\n"
                               "expect page 1 0x406000 value == 8\n"
                               "expect page 1 0x407000 refcount == 1\n"
                               "write 1 0x408000 9\n" /* outside: segv, a write to an empty page is demand_zero */
                               "");
    assert_int_equal(stat_of(vm, "faults.segv"), 1);
    assert_int_equal(vm->ft.zero_refs, 0); /* process 1 was torn down */
    vm_free(vm);

    vm = run_ok(&c, "spawn 1 p\n"
                    "write 1 0x406000 1\n"
                    "read 1 0x407000\n"
                    "expect stat faults.demand_zero == 1\n"
                    "expect stat faults.zero_page == 1\n"
                    "fork 1 2\n"
                    "expect page 2 0x407000 frame == zero\n"
                    "expect page 1 0x407000 refcount == 2\n"
                    "expect page 1 0x407000 mappers == 2\n"
                    "exit 2\n"
                    "expect page 1 0x407000 refcount == 1\n");
    vm_free(vm);

    /* the zero page is not copied by a copy-mode fork */
    c.fork = FORK_COPY;
    vm = run_ok(&c, "spawn 1 p\n"
                    "read 1 0x407000\n"
                    "fork 1 2\n"
                    "expect page 2 0x407000 frame == zero\n"
                    "expect stat memory.pages_copied == 0\n"
                    "expect stat memory.frames_used == 0\n");
    vm_free(vm);
}

static void test_file(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "spawn 2 p\n"
                                 "read 1 0x400000\n"
                                 "expect stat faults.file == 1\n"
                                 "expect stat memory.cache_loads == 1\n"
                                 "expect page 1 0x400000 kind == cache\n"
                                 "expect page 1 0x400000 refcount == 2\n"
                                 "expect page 1 0x400000 writable == 0\n"
                                 "expect page 1 0x400000 value == 0\n"
                                 "read 2 0x400000\n" /* found in the cache */
                                 "expect stat faults.file == 2\n"
                                 "expect stat memory.cache_loads == 1\n"
                                 "expect page 2 0x400000 refcount == 3\n"
                                 "expect page 2 0x400000 mappers == 2\n"
                                 "expect proc 1 pss == 0.5\n"
                                 "read 1 0x404000\n" /* data: private file page, read: the cache frame, read-only */
                                 "expect page 1 0x404000 kind == cache\n"
                                 "expect page 1 0x404000 writable == 0\n"
                                 "expect page 1 0x404000 cow == 1\n"
                                 "write 1 0x404000 4\n"
                                 "expect stat faults.cow_copy == 1\n"
                                 "expect stat memory.cache_loads == 2\n"
                                 "expect page 1 0x404000 kind == anon\n"
                                 "expect page 1 0x404000 writable == 1\n"
                                 "expect stat memory.cache == 2\n");
    vm_free(vm);
}

static void test_shared_file_writes_persist(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "mmap 1 0x10000000 8K rw- shared file=db\n"
                                 "write 1 0x10001000 77\n"
                                 "expect stat faults.file == 1\n"
                                 "expect page 1 0x10001000 writable == 1\n"
                                 "expect page 1 0x10001000 kind == cache\n"
                                 "expect page 1 0x10001000 dirty == 1\n"
                                 "munmap 1 0x10000000 8K\n"
                                 "mmap 1 0x20000000 4K r-- private file=db@4K\n"
                                 "expect page 1 0x20000000 value == 77\n"
                                 "read 1 0x20000000\n"
                                 "expect page 1 0x20000000 value == 77\n"
                                 "expect stat memory.cache_loads == 1\n"
                                 /* a private write copies the file page: the file keeps its value */
                                 "mmap 1 0x30000000 4K rw- private file=db@4K\n"
                                 "write 1 0x30000000 5\n"
                                 "expect stat faults.cow_copy == 1\n"
                                 "expect page 1 0x30000000 value == 5\n"
                                 "expect page 1 0x20000000 value == 77\n"
                                 "expect page 1 0x30000000 refcount == 1\n"
                                 "expect page 1 0x20000000 refcount == 2\n");
    vm_free(vm);
}

static void test_values_survive_reclaim(void **state)
{
    (void)state;
    struct vm_config c = tiny(4);
    struct vm *vm = run_ok(&c, TINY_PROG "spawn 1 p\n"
                                         "mmap 1 0x1000 0x200 rw- shared file=db\n"
                                         "write 1 0x1000 11\n"
                                         "write 1 0x1100 12\n"
                                         "munmap 1 0x1000 0x200\n"
                                         "expect stat memory.cache == 2\n"
                                         "touch 1 0x300 1 w\n"
                                         "touch 1 0xff00 1 w\n"
                                         "mmap 1 0x2000 0x100 rw- private\n"
                                         "write 1 0x2000\n" /* no frame free: page 0 of db is dropped */
                                         "expect stat memory.cache_drops == 1\n"
                                         "write 1 0x2000 1\n"
                                         "mmap 1 0x1000 0x200 r-- shared file=db\n"
                                         "expect page 1 0x1000 value == 11\n"
                                         "expect page 1 0x1100 value == 12\n"
                                         "munmap 1 0x2000 0x100\n"
                                         "read 1 0x1000\n"
                                         "expect page 1 0x1000 value == 11\n"
                                         "expect stat memory.cache_loads == 3\n");
    vm_free(vm);
}

static void test_cow(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "write 1 0x406000 1\n"
                                 "fork 1 2\n"
                                 "fork 1 3\n"
                                 "expect page 1 0x406000 refcount == 3\n"
                                 "write 2 0x406000 2\n"
                                 "expect stat faults.cow_copy == 1\n"
                                 "expect page 1 0x406000 refcount == 2\n"
                                 "expect page 2 0x406000 refcount == 1\n"
                                 "expect page 2 0x406000 frame == 1\n"
                                 "write 3 0x406000 3\n"
                                 "expect stat faults.cow_copy == 2\n"
                                 "expect page 1 0x406000 refcount == 1\n"
                                 "expect page 1 0x406000 cow == 1\n"
                                 "write 1 0x406000 4\n"
                                 "expect stat faults.cow_reuse == 1\n"
                                 "expect stat memory.pages_copied == 2\n"
                                 "expect page 1 0x406000 frame == 0\n"
                                 "expect page 1 0x406000 value == 4\n"
                                 "expect page 2 0x406000 value == 2\n"
                                 "expect page 3 0x406000 value == 3\n"
                                 "expect stat memory.anon == 3\n");
    struct proc *p2 = proc_find(vm, 2);
    assert_int_equal(p2->faults[FC_COW_COPY], 1);
    assert_int_equal(proc_find(vm, 1)->faults[FC_COW_REUSE], 1);
    vm_free(vm);
    /* the child exits: the parent's write is a reuse */
    vm = run_ok(NULL, "spawn 1 p\n"
                      "write 1 0x406000 1\n"
                      "fork 1 2\n"
                      "exit 2\n"
                      "write 1 0x406000 2\n"
                      "expect stat faults.cow_reuse == 1\n"
                      "expect stat faults.cow_copy == 0\n");
    vm_free(vm);
}

static void test_segv(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "read 2 0x1000\n",           /* outside every VMA */
        "write 2 0x400000 1\n",      /* text: no w */
        "mprotect 2 0x406000 4K -w-\nread 2 0x406000\n", /* no r */
        "mmap 2 0x10000000 4K r-- private\nwrite 2 0x10000000\n",
        "read 2 0x408000\n", /* just past the bss */
        "read 2 0x7fffffffbfff\n", /* just below the stack */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char trace[512];
        snprintf(trace, sizeof trace,
                 "spawn 1 p\nfork 1 2\nwrite 2 0x406000\n%s"
                 "expect proc 2 state == zombie\n"
                 "expect proc 2 exit_status == 139\n"
                 "expect stat faults.segv == 1\n"
                 "expect stat processes.killed_segv == 1\n"
                 "expect stat memory.frames_used == 0\n",
                 bad[i]);
        struct vm *vm = run_ok(NULL, trace);
        assert_int_equal(stat_of(vm, "faults.total"), 2);
        vm_free(vm);
    }
    /* a touch stops at the access that kills */
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "fork 1 2\n"
                                 "touch 2 0x405000 16K w\n"
                                 "expect stat accesses.writes == 4\n" /* data, bss, bss, then 0x408000 */
                                 "expect stat faults.segv == 1\n"
                                 "expect stat faults.cow_copy == 1\n"
                                 "expect stat faults.demand_zero == 2\n"
                                 "expect proc 2 state == zombie\n");
    vm_free(vm);
}

static void test_touch(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "touch 1 0x406000 0 w\n" /* no access */
                                 "touch 1 0x406ff0 0x20 w 3\n" /* two pages overlap the range */
                                 "touch 1 0x406000 8K r\n"
                                 "expect stat accesses.writes == 2\n"
                                 "expect stat accesses.reads == 2\n"
                                 "expect stat faults.total == 2\n"
                                 "expect stat events.touch == 3\n"
                                 "expect page 1 0x407000 value == 3\n");
    vm_free(vm);
}

static void test_accessed_dirty(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\nread 1 0x406000\nwrite 1 0x407000\nread 1 0x7ffffffff000\n");
    uint64_t e = pt_lookup(&vm->pts, &as_of(vm, 1)->pt, 0x406000);
    assert_true(e & PTE_A);
    assert_false(e & PTE_D);
    e = pt_lookup(&vm->pts, &as_of(vm, 1)->pt, 0x407000);
    assert_true(e & PTE_A);
    assert_true(e & PTE_D);
    vm_free(vm);
}

/* ---- running out: reclaim, OOM ------------------------------------------------- */

static void test_reclaim_before_kill(void **state)
{
    (void)state;
    struct vm_config c = tiny(6);
    struct vm *vm = run_ok(&c, TINY_PROG "spawn 1 p\n"
                                         "mmap 1 0x1000 0x400 r-- private file=f\n"
                                         "touch 1 0x1000 0x400 r\n"
                                         "munmap 1 0x1000 0x400\n"
                                         "write 1 0x300\n"
                                         "mmap 1 0x2000 0x400 rw- private\n"
                                         "touch 1 0x2000 0x400 w\n"
                                         "expect stat memory.cache_drops == 3\n"
                                         "expect stat processes.killed_oom == 0\n"
                                         "expect stat memory.cache == 1\n"
                                         "mmap 1 0x1000 0x400 r-- private file=f\n"
                                         "read 1 0x1300\n" /* page 3: still cached */
                                         "expect stat memory.cache_loads == 4\n"
                                         "munmap 1 0x2000 0x100\n"
                                         "read 1 0x1000\n"
                                         "expect stat memory.cache_loads == 5\n"
                                         "expect stat memory.cache_drops == 3\n");
    vm_free(vm);
}

static void test_shm_never_dropped(void **state)
{
    (void)state;
    struct vm_config c = tiny(3);
    /* a shm page nothing maps any more (its VMA piece is gone, the object
     * lives on): never dropped, so the OOM killer runs */
    struct vm *vm = run_ok(&c, TINY_PROG "spawn 1 p\n"
                                         "spawn 2 p\n"
                                         "mmap 2 0x1000 0x200 rw- shared\n"
                                         "touch 2 0x1000 0x200 w\n"
                                         "munmap 2 0x1100 0x100\n"
                                         "expect stat memory.cache == 2\n"
                                         "write 1 0x300\n"
                                         "write 1 0xff00\n"
                                         "expect stat memory.cache_drops == 0\n"
                                         "expect stat processes.killed_oom == 1\n"
                                         "expect proc 2 state == gone\n"
                                         "expect stat memory.cache == 0\n");
    vm_free(vm);
}

static void test_oom_victims(void **state)
{
    (void)state;
    struct vm_config c = tiny(12);
    /* the largest rss goes first */
    struct vm *vm = run_ok(&c, TINY_PROG "spawn 1 p\n"
                                         "spawn 2 p\n"
                                         "spawn 3 p\n"
                                         "mmap 2 0x1000 0x800 rw- private\n"
                                         "touch 2 0x1000 0x500 w\n"
                                         "mmap 3 0x1000 0x800 rw- private\n"
                                         "touch 3 0x1000 0x300 w\n"
                                         "write 1 0x300\n"
                                         "mmap 1 0x1000 0x800 rw- private\n"
                                         "touch 1 0x1000 0x500 w\n"
                                         "expect stat processes.killed_oom == 1\n"
                                         "expect proc 2 state == gone\n"
                                         "expect proc 3 rss == 3\n"
                                         "expect proc 1 rss == 6\n"
                                         "read 2 0x100\n"
                                         "expect stat events.skipped == 1\n");
    assert_true(proc_pid_lost(vm, 2));
    vm_free(vm);

    /* ties: the highest pid */
    vm = run_ok(&c, TINY_PROG "spawn 1 p\n"
                              "spawn 2 p\n"
                              "spawn 3 p\n"
                              "mmap 2 0x1000 0x800 rw- private\n"
                              "touch 2 0x1000 0x400 w\n"
                              "mmap 3 0x1000 0x800 rw- private\n"
                              "touch 3 0x1000 0x400 w\n"
                              "mmap 1 0x1000 0x800 rw- private\n"
                              "touch 1 0x1000 0x500 w\n"
                              "expect stat processes.killed_oom == 1\n"
                              "expect proc 3 state == gone\n"
                              "expect proc 2 rss == 4\n");
    vm_free(vm);

    /* pid 1 only when nothing else can be: a process with rss 0 goes first */
    vm = run_ok(&c, TINY_PROG "spawn 1 p\n"
                              "spawn 2 p\n"
                              "mmap 1 0x1000 0x1000 rw- private\n"
                              "touch 1 0x1000 0x1000 w\n"
                              "expect stat processes.killed_oom == 2\n"
                              "expect proc 2 state == gone\n"
                              "expect proc 1 state == gone\n"
                              "expect stat accesses.writes == 13\n"
                              "expect stat faults.demand_zero == 12\n"
                              "expect stat memory.frames_used == 0\n");
    assert_int_equal(stat_of(vm, "processes.live"), 0);
    vm_free(vm);
}

static void test_oom_kills_the_actor(void **state)
{
    (void)state;
    struct vm_config c = tiny(8);
    /* 3 needs frames and has the largest rss (but for pid 1): it is killed,
     * its touch stops there */
    struct vm *vm = run_ok(&c, TINY_PROG "spawn 1 p\n"
                                         "spawn 2 p\n"
                                         "spawn 3 p\n"
                                         "mmap 1 0x1000 0x800 rw- private\n"
                                         "touch 1 0x1000 0x400 w\n"
                                         "write 2 0x300\n"
                                         "mmap 3 0x1000 0x800 rw- private\n"
                                         "touch 3 0x1000 0x800 w\n"
                                         "expect stat processes.killed_oom == 1\n"
                                         "expect proc 3 state == gone\n"
                                         "expect stat accesses.writes == 9\n" /* 4 + 1 + 4 (the 4th not resolved) */
                                         "expect stat faults.demand_zero == 8\n"
                                         "expect proc 2 rss == 1\n"
                                         "expect proc 1 rss == 4\n"
                                         "expect stat memory.frames_used == 5\n");
    vm_free(vm);
}

static void test_oom_fail(void **state)
{
    (void)state;
    struct vm_config c = tiny(2);
    c.oom = OOM_FAIL;
    struct vm *vm = run_error(&c, TINY_PROG "spawn 1 p\nwrite 1 0x300\nwrite 1 0xff00\nwrite 1 0x200\n",
                              "out of memory");
    assert_non_null(strstr(run_err, "t.trace:5: error:"));
    assert_int_equal(stat_of(vm, "processes.killed_oom"), 0);
    vm_free(vm);
}

static void test_oom_vfork_family(void **state)
{
    (void)state;
    struct vm_config c = tiny(8);
    /* the suspended parent (pid 5) and its vfork child (2) share an rss of
     * 5: the parent goes first (the higher pid) and frees nothing, then the
     * child */
    struct vm *vm = run_ok(&c, TINY_PROG "spawn 5 p\n"
                                         "mmap 5 0x1000 0x500 rw- private\n"
                                         "touch 5 0x1000 0x500 w\n"
                                         "vfork 5 2\n"
                                         "spawn 3 p\n"
                                         "write 3 0x300\n"
                                         "mmap 3 0x1000 0x800 rw- private\n"
                                         "touch 3 0x1000 0x300 w\n"
                                         "expect stat processes.killed_oom == 2\n"
                                         "expect proc 5 state == gone\n"
                                         "expect proc 2 state == gone\n"
                                         "expect proc 3 rss == 4\n");
    vm_free(vm);
}

static void test_private_write_holds_cache_page(void **state)
{
    (void)state;
    struct vm_config c = tiny(8);
    /* the file page is cached and droppable, no frame is free: the copy's
     * allocation cannot drop the page it copies, so process 3 is killed */
    struct vm *vm = run_ok(&c, TINY_PROG "spawn 1 p\n"
                                         "spawn 2 p\n"
                                         "spawn 3 p\n"
                                         "write 3 0x300\n"
                                         "write 3 0xff00\n"
                                         "mmap 2 0x1000 0x100 rw- shared file=f\n"
                                         "write 2 0x1000 42\n"
                                         "munmap 2 0x1000 0x100\n"
                                         "mmap 2 0x1000 0x100 rw- private file=f\n"
                                         "write 1 0x300\n"
                                         "write 1 0xff00\n"
                                         "mmap 1 0x2000 0x300 rw- private\n"
                                         "touch 1 0x2000 0x300 w\n"
                                         "expect stat memory.frames_used == 8\n"
                                         "write 2 0x1000 99\n"
                                         "expect stat memory.cache_drops == 0\n"
                                         "expect stat processes.killed_oom == 1\n"
                                         "expect proc 3 state == gone\n"
                                         "expect page 2 0x1000 value == 99\n"
                                         "expect page 2 0x1000 kind == anon\n"
                                         "expect page 2 0x1000 frame == 0\n"
                                         "expect stat faults.cow_copy == 1\n"
                                         "expect stat memory.cache == 1\n"
                                         "mmap 2 0x3000 0x100 r-- shared file=f\n"
                                         "expect page 2 0x3000 value == 42\n");
    vm_free(vm);
}

static void test_take_frame_direct(void **state)
{
    (void)state;
    struct vm_config c = tiny(3);
    struct vm *vm = vm_new(&c);
    assert_non_null(vm);
    assert_int_equal(vm_take_frame(vm, FK_ANON), 0);
    assert_int_equal(vm_take_frame(vm, FK_PT), 1);
    assert_int_equal(vm_take_frame(vm, FK_CACHE), 2);
    assert_int_equal(vm->ft.count[FK_PT], 1);
    /* nothing free, nothing to drop, nobody to kill */
    vm->stop = STOP_NONE;
    assert_int_equal(vm_take_frame(vm, FK_ANON), FRAME_NONE);
    assert_int_equal(vm->stop, STOP_ERROR);
    assert_non_null(strstr(vm->err, "out of memory"));
    vm->ft.ref[0] = 0;
    vm->ft.ref[1] = 0;
    frame_free(&vm->ft, 1);
    assert_int_equal(vm_take_frame(vm, FK_ANON), 1); /* the lowest free */
    frame_free(&vm->ft, 0);
    frame_free(&vm->ft, 1);
    frame_free(&vm->ft, 2);
    vm_free(vm);
}

static void test_vm_access_direct(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n");
    struct proc *p = proc_find(vm, 1);
    assert_int_equal(vm_access(vm, p, 0x406000, true, 5), ACCESS_OK);
    assert_int_equal(vm_access(vm, p, 0x406008, false, 0), ACCESS_OK);
    assert_int_equal(page_num(vm, 1, 0x406000, PGF_VALUE), 5);
    assert_int_equal(p->faults[FC_DEMAND_ZERO], 1);
    assert_int_equal(vm->c.writes, 1);
    assert_int_equal(vm->c.reads, 1);
    assert_int_equal(vm_access(vm, p, 0x1000, false, 0), ACCESS_KILLED);
    assert_null(proc_find(vm, 1)); /* killed, ppid 0: reaped */
    assert_int_equal(vm->ft.used, 0);
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demand_zero),
        cmocka_unit_test(test_write_default_value),
        cmocka_unit_test(test_zero_page),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_shared_file_writes_persist),
        cmocka_unit_test(test_values_survive_reclaim),
        cmocka_unit_test(test_cow),
        cmocka_unit_test(test_segv),
        cmocka_unit_test(test_touch),
        cmocka_unit_test(test_accessed_dirty),
        cmocka_unit_test(test_reclaim_before_kill),
        cmocka_unit_test(test_shm_never_dropped),
        cmocka_unit_test(test_oom_victims),
        cmocka_unit_test(test_oom_kills_the_actor),
        cmocka_unit_test(test_oom_fail),
        cmocka_unit_test(test_oom_vfork_family),
        cmocka_unit_test(test_private_write_holds_cache_page),
        cmocka_unit_test(test_take_frame_direct),
        cmocka_unit_test(test_vm_access_direct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
