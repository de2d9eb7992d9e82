/* test_engine.c -- unit tests of the event engine (sim/model/engine.c,
 * include/vmsim/engine.h): events built by hand and run by vm_event, the
 * actor rules, programs, counters and limits. Counting and peaks as a trace
 * sees them are checked by the traces tests/traces/22N_engine_*. */
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
#include "vmsim/check.h"
#include "vmsim/aspace.h"
#include "vmsim/engine.h"
#include "vmsim/machine.h"
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/runner.h"
#include "vmsim/stats.h"

#include "machine_harness.h"

/* ---- defaults ------------------------------------------------------------------ */

static void test_defaults(void **state)
{
    (void)state;
    struct vm_config c;
    memset(&c, 0x5a, sizeof c);
    vm_config_default(&c);
    assert_string_equal(c.arch.name, "x86_64");
    assert_int_equal(c.arch.va_bits, 48);
    assert_int_equal(c.frames, 16384);
    assert_int_equal(c.fork, FORK_COW);
    assert_int_equal(c.oom, OOM_KILL);
    assert_false(c.zero_page);
    assert_false(c.lazy_fork);
    assert_false(c.pt_frames);
    assert_int_equal(c.lim.max_vmas, 65530);
    assert_int_equal(c.lim.max_events, 0);
    assert_int_equal(c.lim.max_accesses, 0);
    assert_int_equal(c.lim.max_procs, 0);

    struct run_opts o;
    memset(&o, 0x5a, sizeof o);
    run_opts_default(&o);
    assert_int_equal(o.cfg.frames, 16384);
    assert_int_equal(o.format, OUT_TEXT);
    assert_true(o.summary);
    assert_false(o.verbose);
    assert_false(o.check);
    assert_null(o.mem);
    assert_null(o.out_path);
    assert_int_equal(o.max_warnings, RUN_DEFAULT_MAX_WARNINGS);
    assert_ptr_equal(o.out, stdout);
    assert_ptr_equal(o.err, stderr);

    struct vm *vm = vm_new(&c);
    assert_non_null(vm);
    assert_int_equal(vm->ft.n, 16384);
    assert_int_equal(vm->ft.used, 0);
    assert_int_equal(vm->pts.tables, 0);
    assert_int_equal(vm->nprocs, 0);
    assert_ptr_equal(vm->arch, &vm->cfg.arch);
    vm_free(vm);
    vm_free(NULL);
}

static void test_fault_class_names(void **state)
{
    (void)state;
    static const char *const want[FC_COUNT] = {"demand_zero", "zero_page", "file",   "cow_copy",
                                               "cow_reuse",   "segv",      "swap_in"};
    for (int k = 0; k < FC_COUNT; k++)
        assert_string_equal(fault_class_names[k], want[k]);
    assert_string_equal(fork_mode_names[FORK_COW], "cow");
    assert_string_equal(fork_mode_names[FORK_COPY], "copy");
    assert_string_equal(fork_mode_names[FORK_SHAREPT], "sharept");
    static const char *const ops[EV_NOPS] = {"spawn", "fork",  "vfork", "exec",  "exit",    "wait",   "mmap", "munmap",
                                             "mprotect", "brk", "read", "write", "touch", "subreaper", "program",
                                             "expect", "show", "mark"};
    for (int k = 0; k < EV_NOPS; k++)
        assert_string_equal(ev_op_names[k], ops[k]);
}

/* ---- the runner around the engine ------------------------------------------------ */

static void test_runner_status_and_output(void **state)
{
    (void)state;
    /* an error: status 2, a message, and no summary */
    struct vm *vm = run_fmt(NULL, OUT_TEXT, "spawn 1 p\nshow pstree\nread 9 0x1000\nshow pstree\n");
    assert_int_equal(run_status, 2);
    assert_non_null(strstr(run_err, "t.trace:3: error: no process 9"));
    assert_non_null(strstr(run_out, "p(1)"));  /* what came before the error */
    assert_null(strstr(run_out, "config:")); /* no summary */
    assert_ptr_equal(strstr(run_out, "p(1)"), strrchr(run_out, '(') - 1); /* the second show never ran */
    vm_free(vm);
    /* a failed expectation: status 1, the run goes on, the summary is written */
    vm = run_fmt(NULL, OUT_CSV, "spawn 1 p\nexpect stat events.total == 5\nread 1 0x400000\n");
    assert_int_equal(run_status, 1);
    assert_int_equal(vm->c.events_total, 2);
    assert_non_null(strstr(run_out, "expect.passed,expect.failed"));
    vm_free(vm);
    /* warnings for skipped events, at most max_warnings of them */
    vm = run_fmt(NULL, -1, "spawn 1 p\nfork 1 2\nread 2 0\nread 2 0\nread 2 0\n");
    assert_int_equal(run_status, 0);
    assert_non_null(strstr(run_err, "t.trace:4: warning:"));
    assert_non_null(strstr(run_err, "t.trace:5: warning:"));
    vm_free(vm);
    /* a malformed line is an error of the trace */
    vm = run_fmt(NULL, OUT_TEXT, "spawn 1 p\nfrobnicate 1\n");
    assert_int_equal(run_status, 2);
    assert_non_null(strstr(run_err, "t.trace:2: error:"));
    assert_int_equal(run_out[0], 0);
    vm_free(vm);
}

/* ---- events by hand ---------------------------------------------------------- */

static uint64_t next_line;

static struct ev mkev(enum ev_op op, uint32_t pid)
{
    struct ev e;
    memset(&e, 0, sizeof e);
    e.op = op;
    e.pid = pid;
    e.line = ++next_line;
    e.text.s = "";
    e.name.s = "";
    return e;
}

static struct str word(const char *s)
{
    struct str w = {s, strlen(s)};
    return w;
}

static struct vm *machine(const char *arch, uint32_t frames)
{
    struct vm_config c = config(arch, frames);
    struct vm *vm = vm_new(&c);
    assert_non_null(vm);
    next_line = 0;
    return vm;
}

static void ok(struct vm *vm, const struct ev *e)
{
    enum ev_result r = vm_event(vm, e);
    if (r != EV_OK)
        fail_msg("event %s at line %llu: result %d (%s)", ev_op_names[e->op], (unsigned long long)e->line, (int)r,
                 vm->err);
    if (vm_check(vm))
        fail_msg("after %s: %s", ev_op_names[e->op], vm->err);
}

static void test_events_by_hand(void **state)
{
    (void)state;
    struct vm *vm = machine("x86_64", 64);
    struct ev e = mkev(EV_SPAWN, 1);
    e.name = word("sh");
    ok(vm, &e);
    assert_int_equal(vm->c.events[EV_SPAWN], 1);
    assert_int_equal(vm->c.events_total, 1);
    assert_int_equal(vm->live, 1);
    assert_null(vm->actor);
    assert_int_equal(vm->stop, STOP_NONE);
    struct proc *p = proc_find(vm, 1);
    assert_non_null(p);
    assert_string_equal(p->program->name, "sh");

    e = mkev(EV_WRITE, 1);
    e.addr = 0x406008;
    e.value = 42;
    e.has_value = true;
    ok(vm, &e);
    assert_int_equal(page_num(vm, 1, 0x406000, PGF_VALUE), 42);
    assert_int_equal(vm->c.faults[FC_DEMAND_ZERO], 1);

    e = mkev(EV_MMAP, 1);
    e.addr = 0x10000000;
    e.len = 0x2000;
    e.prot = VMA_R | VMA_W;
    e.shared = true;
    e.has_file = true;
    e.name = word("log");
    e.offset = 0x3000;
    ok(vm, &e);
    struct vma *v = vma_find(&p->as->vmas, 0x10001000);
    assert_non_null(v);
    assert_int_equal(v->off, 0x3000);
    assert_string_equal(mobj_get(&vm->pc, v->obj)->name, "log");

    e = mkev(EV_MMAP, 1); /* shared anonymous: a new shm object */
    e.addr = 0x20000000;
    e.len = 0x1000;
    e.prot = VMA_R | VMA_W;
    e.shared = true;
    ok(vm, &e);
    v = vma_find(&p->as->vmas, 0x20000000);
    assert_true(mobj_get(&vm->pc, v->obj)->shm);

    e = mkev(EV_TOUCH, 1);
    e.addr = 0x10000000;
    e.len = 0x2000;
    e.write = true;
    e.value = 7;
    ok(vm, &e);
    assert_int_equal(vm->c.writes, 3);
    assert_int_equal(vm->c.faults[FC_FILE], 2);

    e = mkev(EV_MPROTECT, 1);
    e.addr = 0x10000000;
    e.len = 0x1000;
    e.prot = VMA_R;
    ok(vm, &e);
    assert_int_equal(page_num(vm, 1, 0x10000000, PGF_WRITABLE), 0);

    e = mkev(EV_BRK, 1);
    e.brk = BRK_GROW;
    e.len = 0x1800;
    ok(vm, &e);
    assert_int_equal(p->as->brk, 0x409800);
    e = mkev(EV_BRK, 1);
    e.brk = BRK_SHRINK;
    e.len = 0x800;
    ok(vm, &e);
    assert_int_equal(p->as->brk, 0x409000);
    e = mkev(EV_BRK, 1);
    e.brk = BRK_ABS;
    e.addr = 0x40a000;
    ok(vm, &e);
    assert_int_equal(p->as->brk, 0x40a000);

    e = mkev(EV_FORK, 1);
    e.pid2 = 2;
    ok(vm, &e);
    e = mkev(EV_VFORK, 2);
    e.pid2 = 3;
    ok(vm, &e);
    assert_int_equal(proc_find(vm, 2)->state, PS_SUSPENDED);
    e = mkev(EV_EXEC, 3);
    e.name = word("ls");
    ok(vm, &e);
    assert_int_equal(proc_find(vm, 2)->state, PS_RUNNING);
    e = mkev(EV_EXIT, 3);
    e.value = 9;
    ok(vm, &e);
    assert_int_equal(proc_find(vm, 3)->exit_status, 9);
    e = mkev(EV_WAIT, 2);
    ok(vm, &e);
    assert_null(proc_find(vm, 3));
    e = mkev(EV_MUNMAP, 1);
    e.addr = 0x10000000;
    e.len = 0x10000000;
    ok(vm, &e);
    e = mkev(EV_READ, 2);
    e.addr = 0x10000000;
    ok(vm, &e);
    assert_int_equal(vm->c.faults[FC_FILE], 2); /* the child has the entry: no fault */
    assert_int_equal(page_num(vm, 2, 0x10000000, PGF_PRESENT), 1);
    assert_int_equal(page_num(vm, 1, 0x10000000, PGF_MAPPED), 0);

    static const uint64_t want[EV_NEVENTS] = {
        [EV_SPAWN] = 1, [EV_FORK] = 1, [EV_VFORK] = 1, [EV_EXEC] = 1, [EV_EXIT] = 1,  [EV_WAIT] = 1,  [EV_MMAP] = 2,
        [EV_MUNMAP] = 1, [EV_MPROTECT] = 1, [EV_BRK] = 3, [EV_READ] = 1, [EV_WRITE] = 1, [EV_TOUCH] = 1,
    };
    for (int k = 0; k < EV_NEVENTS; k++)
        if (vm->c.events[k] != want[k])
            fail_msg("events.%s = %llu, want %llu", ev_op_names[k], (unsigned long long)vm->c.events[k],
                     (unsigned long long)want[k]);
    assert_int_equal(vm->c.events_total, 16);
    assert_int_equal(stat_of(vm, "events.total"), 16);
    assert_int_equal(stat_of(vm, "events.brk"), 3);
    vm_free(vm);
}

static void test_actor_results(void **state)
{
    (void)state;
    struct vm *vm = machine("x86_64", 64);
    struct ev e = mkev(EV_READ, 4);
    e.addr = 0x400000;
    assert_int_equal(vm_event(vm, &e), EV_ERROR);
    assert_non_null(strstr(vm->err, "no process 4"));
    assert_int_equal(vm->c.events_total, 1); /* counted all the same */

    e = mkev(EV_SPAWN, 1);
    ok(vm, &e);
    e = mkev(EV_SPAWN, 1);
    assert_int_equal(vm_event(vm, &e), EV_ERROR);
    assert_non_null(strstr(vm->err, "in use"));

    /* a killed process: skipped with a reason */
    e = mkev(EV_FORK, 1);
    e.pid2 = 2;
    ok(vm, &e);
    e = mkev(EV_READ, 2);
    e.addr = 0x1000;
    ok(vm, &e); /* segv: an OK event whose process dies */
    assert_int_equal(proc_find(vm, 2)->state, PS_ZOMBIE);
    e = mkev(EV_WRITE, 2);
    e.addr = 0x406000;
    assert_int_equal(vm_event(vm, &e), EV_SKIPPED);
    assert_non_null(strstr(vm->err, "killed"));
    assert_int_equal(vm->c.skipped, 1);
    assert_int_equal(vm->c.events[EV_WRITE], 1);
    assert_int_equal(vm->stop, STOP_NONE);
    /* the child of a skipped fork is lost */
    e = mkev(EV_FORK, 2);
    e.pid2 = 7;
    assert_int_equal(vm_event(vm, &e), EV_SKIPPED);
    assert_true(proc_pid_lost(vm, 7));
    e = mkev(EV_EXIT, 7);
    assert_int_equal(vm_event(vm, &e), EV_SKIPPED);
    assert_non_null(strstr(vm->err, "lost"));
    assert_int_equal(vm->c.skipped, 3);
    /* waiting for a lost child that is gone */
    e = mkev(EV_WAIT, 1);
    e.pid2 = 7;
    assert_int_equal(vm_event(vm, &e), EV_SKIPPED);
    assert_int_equal(vm->c.skipped, 4);
    /* a zombie that exited by itself */
    e = mkev(EV_FORK, 1);
    e.pid2 = 3;
    ok(vm, &e);
    e = mkev(EV_EXIT, 3);
    ok(vm, &e);
    e = mkev(EV_READ, 3);
    assert_int_equal(vm_event(vm, &e), EV_ERROR);
    assert_non_null(strstr(vm->err, "has exited"));
    assert_int_equal(vm->stop, STOP_ERROR);
    /* a suspended process */
    e = mkev(EV_VFORK, 1);
    e.pid2 = 5;
    ok(vm, &e);
    e = mkev(EV_READ, 1);
    e.addr = 0x406000;
    assert_int_equal(vm_event(vm, &e), EV_ERROR);
    assert_non_null(strstr(vm->err, "suspended"));
    vm_free(vm);
}

/* ---- programs ---------------------------------------------------------------- */

static void test_programs(void **state)
{
    (void)state;
    struct vm *vm = machine("x86_64", 64);
    const struct program *pr = vm_program(vm, "sh", 2);
    assert_non_null(pr);
    assert_string_equal(pr->name, "sh");
    assert_int_equal(pr->line, 0);
    static const uint64_t pages[SEG_COUNT] = {4, 2, 2, 0, 4};
    for (int s = 0; s < SEG_COUNT; s++)
        assert_int_equal(pr->seg[s], pages[s] * 4096);
    assert_ptr_equal(vm_program(vm, "shell", 2), pr); /* by the first len bytes */

    struct ev e = mkev(EV_PROGRAM, 0);
    e.name = word("ls");
    e.seg[SEG_TEXT] = 0x2000;
    e.seg[SEG_STACK] = 0x1000;
    assert_int_equal(vm_declare_program(vm, &e), 0);
    pr = vm_program(vm, "ls", 2);
    assert_int_equal(pr->line, e.line);
    assert_int_equal(pr->seg[SEG_TEXT], 0x2000);
    assert_int_equal(pr->seg[SEG_DATA], 0);
    /* twice */
    assert_int_equal(vm_declare_program(vm, &e), -1);
    assert_non_null(strstr(vm->err, "declared twice"));
    /* after its first use */
    e.name = word("sh");
    assert_int_equal(vm_declare_program(vm, &e), -1);
    assert_non_null(strstr(vm->err, "after its first use"));
    /* a layout that reaches the stack */
    e.name = word("big");
    e.seg[SEG_HEAP] = (UINT64_C(1) << 47) - 0x400000 - 0x2000;
    assert_int_equal(vm_declare_program(vm, &e), -1);
    assert_non_null(strstr(vm->err, "does not fit"));
    e.seg[SEG_HEAP] = UINT64_MAX - 0x1000; /* wraps */
    assert_int_equal(vm_declare_program(vm, &e), -1);
    e.seg[SEG_HEAP] = (UINT64_C(1) << 47) - 0x400000 - 0x2000 - 0x1000; /* exactly fits */
    assert_int_equal(vm_declare_program(vm, &e), 0);
    vm_free(vm);

    /* a custom geometry too small for the default image */
    vm = machine("va=7,page=16,levels=3", 64);
    assert_null(vm_program(vm, "sh", 2));
    assert_non_null(strstr(vm->err, "does not fit"));
    vm_free(vm);
    struct vm_config c = config("va=7,page=16,levels=3", 0);
    vm = run_error(&c, "spawn 1 sh\n", "does not fit");
    vm_free(vm);
}

static void test_program_errors_in_traces(void **state)
{
    (void)state;
    struct vm *vm = run_error(NULL, "program p\nspawn 1 p\nprogram p\n", "declared twice");
    assert_non_null(strstr(run_err, "t.trace:3: error:"));
    vm_free(vm);
    vm = run_error(NULL, "spawn 1 q\nprogram q\n", "after its first use");
    vm_free(vm);
}

/* ---- counting ------------------------------------------------------------------ */

/* a show prints while the run goes on
 * (tests/traces/221_engine_directives_not_events.trace counts the events) */
static void test_directives_are_not_events(void **state)
{
    (void)state;
    struct vm *vm = run_file(NULL, "tests/traces/221_engine_directives_not_events.trace");
    assert_int_equal(vm->c.events_total, 2);
    assert_non_null(strstr(run_out, "p(1)"));
    vm_free(vm);
}

/* ---- limits -------------------------------------------------------------------- */

static void test_limits(void **state)
{
    (void)state;
    struct vm_config c = config("x86_64", 0);
    c.lim.max_events = 3;
    struct vm *vm = run_error(&c, "spawn 1 p\nread 1 0x400000\nread 1 0x400000\nread 1 0x400000\n", "more than 3 events");
    assert_non_null(strstr(run_err, "t.trace:4: error:"));
    vm_free(vm);

    c = config("x86_64", 0);
    c.lim.max_accesses = 3;
    vm = run_error(&c, "spawn 1 p\nread 1 0x400000\ntouch 1 0x406000 8K w\nread 1 0x400000\n", "more than 3 accesses");
    assert_non_null(strstr(run_err, "t.trace:4: error:"));
    assert_int_equal(vm->c.reads + vm->c.writes, 3);
    vm_free(vm);
    vm = run_error(&c, "spawn 1 p\nmmap 1 0x10000000 64K rw- private\ntouch 1 0x10000000 64K w\n",
                   "more than 3 accesses");
    assert_int_equal(vm->c.writes, 3);
    vm_free(vm);

    c = config("x86_64", 0);
    c.lim.max_procs = 2;
    vm = run_error(&c, "spawn 1 p\nfork 1 2\nfork 1 3\n", "too many processes");
    vm_free(vm);
    vm = run_ok(&c, "spawn 1 p\nfork 1 2\nexit 2\nwait 1\nfork 1 3\n");
    vm_free(vm);
    vm = run_error(&c, "spawn 1 p\nfork 1 2\nexit 2\nspawn 3\n", "too many processes"); /* a zombie counts */
    vm_free(vm);

    /* the model's memory: page tables (a machine of 16 frames, so that the
     * harness's --check, whose counts are held to the bound too, fits) */
    c = config("x86_64", 16);
    c.lim.max_memory = 6 * pt_table_bytes(&c.arch);
    vm = run_error(&c, "spawn 1 p\nwrite 1 0x406000\nwrite 1 0x7ffffffff000\n", "--max-memory");
    assert_non_null(strstr(run_err, "t.trace:3: error:"));
    vm_free(vm);
}

/* facts: an observer that writes down the kinds (and fault classes) it is told */
struct seen_facts {
    char log[256];
};

static void note_fact(void *ctx, struct vm *vm, const struct fact *f)
{
    struct seen_facts *s = ctx;
    (void)vm;
    size_t n = strlen(s->log);
    snprintf(s->log + n, sizeof s->log - n, "%s%d/%d", n ? " " : "", (int)f->kind, (int)f->fc);
}

static void test_facts(void **state)
{
    (void)state;
    struct vm *vm = machine("x86_64", 64);
    struct seen_facts all = {""}, faults = {""};
    struct vm_observer o = {.wants = ~UINT32_C(0) & ~FACT_BIT(FACT_PTE), .ctx = &all, .fact = note_fact};
    vm_observe(vm, &o);
    o = (struct vm_observer){.wants = FACT_BIT(FACT_FAULT), .ctx = &faults, .fact = note_fact};
    vm_observe(vm, &o);
    struct ev e = mkev(EV_SPAWN, 1);
    e.name = word("sh");
    ok(vm, &e);
    char want[128];
    snprintf(want, sizeof want, "%d/0", FACT_PROC_NEW);
    assert_string_equal(all.log, want);
    all.log[0] = 0;
    e = mkev(EV_WRITE, 1);
    e.addr = 0x406000;
    ok(vm, &e); /* a frame taken, the fault, the access */
    snprintf(want, sizeof want, "%d/0 %d/%d %d/%d", FACT_FRAME_TAKEN, FACT_FAULT, FC_DEMAND_ZERO, FACT_ACCESS,
             FC_DEMAND_ZERO);
    assert_string_equal(all.log, want);
    all.log[0] = 0;
    e = mkev(EV_READ, 1);
    e.addr = 0x406000;
    ok(vm, &e); /* no fault: one access, class none */
    snprintf(want, sizeof want, "%d/%d", FACT_ACCESS, FC_COUNT);
    assert_string_equal(all.log, want);
    /* the second observer wanted faults only */
    snprintf(want, sizeof want, "%d/%d", FACT_FAULT, FC_DEMAND_ZERO);
    assert_string_equal(faults.log, want);
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_fault_class_names),
        cmocka_unit_test(test_runner_status_and_output),
        cmocka_unit_test(test_events_by_hand),
        cmocka_unit_test(test_actor_results),
        cmocka_unit_test(test_programs),
        cmocka_unit_test(test_program_errors_in_traces),
        cmocka_unit_test(test_directives_are_not_events),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_facts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
