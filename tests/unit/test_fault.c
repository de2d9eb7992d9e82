/* test_fault.c -- unit tests of accesses and faults (sim/model/fault.c,
 * include/vmsim/fault.h) and of running out of frames
 * (sim/model/pressure.c): what the modules keep beyond what a trace can ask
 * (per-process counters, the zero page's references, lost pids, the
 * accessed and dirty bits), and their functions called directly. The
 * behaviour of every fault class, segv kills, reclaim and the OOM killer is
 * checked by the traces tests/traces/1NN_fault_*.trace. */
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
#include "vmsim/exclusive.h"
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

/* the fault counters of each process (tests/traces/100_fault_demand_zero.trace
 * checks the machine's) */
static void test_demand_zero(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/100_fault_demand_zero.trace");
    struct proc *p = proc_find(vm, 1);
    assert_int_equal(p->faults[FC_DEMAND_ZERO], 3);
    assert_int_equal(p->faults[FC_FILE], 0);
    vm_free(vm);
}

/* the zero page's references go with the process that held them
 * (tests/traces/102_fault_zero_page.trace) */
static void test_zero_page(void **state)
{
    (void)state;
    struct vm_config c = config("x86_64", 0);
    c.zero_page = true;
    struct vm *vm = run_file(&c, "tests/traces/102_fault_zero_page.trace");
    assert_int_equal(vm->ft.zero_refs, 0); /* process 1 was torn down */
    vm_free(vm);
}

/* the cow fault counters of each process (tests/traces/108_fault_cow.trace) */
static void test_cow(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/108_fault_cow.trace");
    assert_int_equal(proc_find(vm, 2)->faults[FC_COW_COPY], 1);
    assert_int_equal(proc_find(vm, 3)->faults[FC_COW_COPY], 1);
    assert_int_equal(proc_find(vm, 1)->faults[FC_COW_REUSE], 1);
    assert_int_equal(proc_find(vm, 1)->faults[FC_COW_COPY], 0);
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

/* a process the OOM killer takes is lost
 * (tests/traces/115_fault_oom_largest_rss.trace) */
static void test_oom_victims(void **state)
{
    (void)state;
    struct vm_config c = tiny(12);
    struct vm *vm = run_file(&c, "tests/traces/115_fault_oom_largest_rss.trace");
    assert_true(proc_pid_lost(vm, 2));
    assert_false(proc_pid_lost(vm, 3));
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

/* a swap-in that is its frame's only user is exclusive under
 * --exclusive-reuse, in a VMA without w too (where it maps it read-only);
 * one whose slot another entry still names is not, nor any without the flag */
static void test_exclusive_swap_in(void **state)
{
    (void)state;
    static const char trace[] = "spawn 1\n"
                                "mmap 1 0x100000 1p r-- private\n"
                                "mmap 1 0x200000 2p rw- private\n"
                                "read 1 0x100000\n"
                                "fork 1 2\n"
                                "mmap 1 0x300000 1p r-- private\n"
                                "read 1 0x300000\n"  /* frame 1 */
                                "write 1 0x200000 1\n" /* evicts frame 0 (both entries): slot 0 */
                                "write 1 0x201000 2\n" /* evicts frame 1: slot 1 */
                                "read 1 0x100000\n"   /* process 2 still names slot 0 */
                                "read 1 0x300000\n";  /* alone */
    struct vm_config c = config("x86_64", 2);
    c.replace = true;
    c.swap_slots = 8;
    c.policy = POL_FIFO;
    c.exclusive_reuse = true;
    struct vm *vm = run_ok(&c, trace);
    uint32_t alone = (uint32_t)page_num(vm, 1, 0x300000, PGF_FRAME);
    uint32_t named = (uint32_t)page_num(vm, 1, 0x100000, PGF_FRAME);
    assert_int_equal(page_num(vm, 1, 0x300000, PGF_WRITABLE), 0);
    assert_true(frame_exclusive(&vm->ft, alone));
    assert_int_equal(page_num(vm, 2, 0x100000, PGF_SWAPPED), 1);
    assert_false(frame_exclusive(&vm->ft, named));
    vm_free(vm);

    c.exclusive_reuse = false;
    vm = run_ok(&c, trace);
    assert_false(frame_exclusive(&vm->ft, (uint32_t)page_num(vm, 1, 0x300000, PGF_FRAME)));
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demand_zero),
        cmocka_unit_test(test_zero_page),
        cmocka_unit_test(test_cow),
        cmocka_unit_test(test_accessed_dirty),
        cmocka_unit_test(test_oom_victims),
        cmocka_unit_test(test_oom_fail),
        cmocka_unit_test(test_take_frame_direct),
        cmocka_unit_test(test_vm_access_direct),
        cmocka_unit_test(test_exclusive_swap_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
