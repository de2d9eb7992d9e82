/* test_proc.c -- unit tests of processes (sim/model/proc.c,
 * include/vmsim/proc.h) and of fork in each mode (sim/model/aspace.c): what
 * the modules keep beyond what a trace can ask (the process list, shared
 * spaces and leaf tables, table frames, lost pids), the errors of process
 * events, and the proc API called directly. The behaviour of fork in each
 * mode, exit, wait, reaping, reparenting and vfork is checked by the traces
 * tests/traces/14N_fork_*, 15N_fork_*, 1NN_proc_* and 16N_vfork_*. */
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

/* sharept: the child's tables point to the parent's leaves, each held twice
 * (tests/traces/143_fork_sharept_five_pages.trace checks the counters) */
static void test_fork_sharept(void **state)
{
    (void)state;
    struct vm_config c = fork_mode(FORK_SHAREPT);
    struct vm *vm = run_ok(&c, FIVE_PAGES "fork 1 2\n");
    struct pt *l1 = pt_leaf(&vm->pts, &as_of(vm, 1)->pt, 0x403000);
    assert_ptr_equal(l1, pt_leaf(&vm->pts, &as_of(vm, 2)->pt, 0x403000));
    assert_int_equal(l1->share, 2);
    struct pt *s1 = pt_leaf(&vm->pts, &as_of(vm, 1)->pt, 0x7ffffffff000);
    assert_ptr_equal(s1, pt_leaf(&vm->pts, &as_of(vm, 2)->pt, 0x7ffffffff000));
    assert_int_equal(s1->share, 2);
    assert_ptr_not_equal(as_of(vm, 1)->pt.root, as_of(vm, 2)->pt.root);
    vm_free(vm);
}

/* a failed fork's child pid, and the pid of a child the lost child would
 * have made, are lost (tests/traces/149_fork_failed_copy.trace) */
static void test_fork_failed(void **state)
{
    (void)state;
    struct vm_config c = config("tiny", 4);
    c.fork = FORK_COPY;
    struct vm *vm = run_file(&c, "tests/traces/149_fork_failed_copy.trace");
    assert_true(proc_pid_lost(vm, 2));
    assert_true(proc_pid_lost(vm, 3));
    assert_false(proc_pid_lost(vm, 1));
    vm_free(vm);
}

/* with --pt-frames a new space takes its root first, then the tables of
 * each page, top down, in rising address order: which table holds which
 * frame (tests/traces/153_fork_pt_frames_order.trace and
 * 154_fork_pt_frames_copy_order.trace check the pages' frames) */
static void test_fork_pt_frames_order(void **state)
{
    (void)state;
    struct vm_config c = config("tiny", 16);
    c.pt_frames = true;
    struct vm *vm = run_file(&c, "tests/traces/153_fork_pt_frames_order.trace");
    struct aspace *a1 = as_of(vm, 1), *a2 = as_of(vm, 2);
    assert_int_equal(a1->pt.root->frame, 0);
    assert_int_equal(pt_leaf(&vm->pts, &a1->pt, 0xff00)->frame, 1);
    assert_int_equal(pt_leaf(&vm->pts, &a1->pt, 0x300)->frame, 3);
    assert_int_equal(a2->pt.root->frame, 5);
    assert_int_equal(pt_leaf(&vm->pts, &a2->pt, 0x300)->frame, 6);
    assert_int_equal(pt_leaf(&vm->pts, &a2->pt, 0xff00)->frame, 7);
    vm_free(vm);
    /* copy mode: a page's table before its frame */
    c.fork = FORK_COPY;
    vm = run_file(&c, "tests/traces/154_fork_pt_frames_copy_order.trace");
    assert_int_equal(as_of(vm, 2)->pt.root->frame, 5);
    assert_int_equal(pt_leaf(&vm->pts, &as_of(vm, 2)->pt, 0x300)->frame, 6);
    assert_int_equal(pt_leaf(&vm->pts, &as_of(vm, 2)->pt, 0xff00)->frame, 8);
    vm_free(vm);
}

/* ---- exit, wait, reparenting --------------------------------------------------- */

/* the process list after exits, waits and reparenting
 * (tests/traces/157_proc_exit_wait.trace) */
static void test_exit_wait(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/157_proc_exit_wait.trace");
    struct proc *one = proc_find(vm, 1), *four = proc_find(vm, 4);
    assert_non_null(one);
    assert_ptr_equal(one->children, four); /* the only child now */
    assert_null(proc_find(vm, 2));
    assert_null(proc_find(vm, 3));
    assert_int_equal(vm->nprocs, 2);
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

/* wait without a child reaps the lowest-numbered zombie child, whatever
 * the order of forks and exits, after waits that named a child (out of
 * the middle of the parent's heap), a pid used again and a parent that
 * exits with zombie children of its own */
static void test_wait_lowest_zombie(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1 p\n"
                                 "fork 1 9\nfork 1 3\nfork 1 12\nfork 1 5\nfork 1 7\nfork 1 2\nfork 1 10\nfork 1 20\n"
                                 "exit 10\nexit 3\nexit 12\nexit 7\nexit 9\n"
                                 "wait 1\nexpect proc 3 state == gone\nexpect proc 7 state == zombie\n"
                                 "wait 1 7\nexit 2\nexit 5\n"
                                 "wait 1\nexpect proc 2 state == gone\nexpect proc 5 state == zombie\n"
                                 "wait 1\nexpect proc 5 state == gone\nexpect proc 9 state == zombie\n"
                                 "fork 1 3\nexit 3\n"
                                 "wait 1\nexpect proc 3 state == gone\nexpect proc 9 state == zombie\n"
                                 "fork 20 30\nfork 20 25\nexit 30\nexit 25\nexit 20\nexpect proc 25 state == gone\n"
                                 "wait 1\nexpect proc 9 state == gone\nwait 1\nexpect proc 10 state == gone\n"
                                 "fork 1 4\nexit 4\n");
    struct proc *one = proc_find(vm, 1);
    assert_non_null(one);
    /* the heap of 1's zombies is counted for --max-memory while it lives */
    uint64_t heap_bytes = vm->zheap_bytes, model = vm_model_bytes(vm);
    assert_true(heap_bytes >= 3 * sizeof(struct proc *));
    /* 4, 12 and 20 are left: reaped by hand, lowest first */
    static const uint32_t left[] = {4, 12, 20};
    for (unsigned i = 0; i < 3; i++) {
        struct proc *c = proc_first_zombie(vm, one);
        assert_non_null(c);
        assert_int_equal(c->pid, left[i]);
        proc_reap(vm, c, 1);
        char err[200];
        assert_int_equal(proc_check_zombies(vm, err, sizeof err), 0);
    }
    assert_null(proc_first_zombie(vm, one));
    assert_int_equal(vm->zheap_bytes, 0);
    assert_true(vm_model_bytes(vm) <= model - heap_bytes);
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 p\nfork 1 3\nfork 1 2\nexit 3\nexit 2\nwait 1\nwait 1\nwait 1\n",
                   "has no children");
    vm_free(vm);
}

/* process 1 takes its sibling as a child when their parent exits
 * (tests/traces/162_proc_init_not_own_parent.trace) */
static void test_orphans(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/162_proc_init_not_own_parent.trace");
    assert_ptr_equal(proc_find(vm, 1)->children, proc_find(vm, 6));
    assert_int_equal(proc_find(vm, 1)->ppid, 0);
    vm_free(vm);
}

/* ---- vfork --------------------------------------------------------------------- */

/* a vfork child runs in its parent's space, held by both; exec gives it
 * its own (tests/traces/163_vfork_shared_space.trace, 164_vfork_exec_resumes.trace) */
static void test_vfork(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/163_vfork_shared_space.trace");
    assert_ptr_equal(as_of(vm, 1), as_of(vm, 2));
    assert_int_equal(as_of(vm, 1)->users, 2);
    vm_free(vm);
    vm = run_file(NULL, "tests/traces/164_vfork_exec_resumes.trace");
    assert_ptr_not_equal(as_of(vm, 1), as_of(vm, 2));
    assert_int_equal(as_of(vm, 1)->users, 1);
    assert_int_equal(as_of(vm, 2)->users, 1);
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

/* nested vforks: once the inner child exits and the middle one execs, the
 * first space has one user again (tests/traces/167_vfork_nested.trace) */
static void test_vfork_nested(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/167_vfork_nested.trace");
    assert_int_equal(as_of(vm, 1)->users, 1);
    vm_free(vm);
}

/* ---- actors: lost, zombie, unknown --------------------------------------------- */

/* which pids are lost, and the first and last warnings
 * (tests/traces/169_proc_lost_events_skipped.trace) */
static void test_lost_processes(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/169_proc_lost_events_skipped.trace");
    assert_false(proc_pid_lost(vm, 2));
    assert_true(proc_pid_lost(vm, 3));
    assert_non_null(strstr(run_err, "t.trace:14: warning:"));
    assert_non_null(strstr(run_err, "t.trace:20: warning:"));
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
        cmocka_unit_test(test_fork_sharept),
        cmocka_unit_test(test_fork_failed),
        cmocka_unit_test(test_fork_pt_frames_order),
        cmocka_unit_test(test_exit_wait),
        cmocka_unit_test(test_wait_errors),
        cmocka_unit_test(test_wait_lowest_zombie),
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
