/* machine_harness.h -- what the whole-machine unit tests share: run a
 * trace from memory through vmsim_run (with --check), keep its output, and
 * ask the machine handed back what `expect` could. Include it after
 * <cmocka.h>; every helper is static, and a test file uses some of them. */
#ifndef VMSIM_TEST_MACHINE_HARNESS_H
#define VMSIM_TEST_MACHINE_HARNESS_H

#include <stdio.h>
#include <string.h>

#include "vmsim/aspace.h"
#include "vmsim/engine.h"
#include "vmsim/machine.h"
#include "vmsim/pagecache.h"
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/runner.h"
#include "vmsim/stats.h"

/* ---- running traces ------------------------------------------------------- */

static char run_out[1 << 16], run_err[1 << 13];
static int run_status;

static __attribute__((unused)) void slurp(FILE *f, char *buf, size_t len)
{
    rewind(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = 0;
    fclose(f);
}

static __attribute__((unused)) struct vm_config config(const char *arch, uint32_t frames)
{
    struct vm_config c;
    char err[128];
    vm_config_default(&c);
    assert_int_equal(arch_parse(&c.arch, arch, err, sizeof err), 0);
    c.frames = frames ? frames : (uint32_t)c.arch.default_frames;
    return c;
}

/* run_fmt: runs text as a trace on a machine made from cfg (x86_64 defaults
 * if NULL), with --check after every event; the summary (if fmt >= 0) goes
 * to run_out, messages to run_err. Returns the machine. */
static __attribute__((unused)) struct vm *run_fmt(const struct vm_config *cfg, int fmt, const char *text)
{
    struct run_opts o;
    run_opts_default(&o);
    if (cfg)
        o.cfg = *cfg;
    o.trace = "t.trace";
    o.mem = text;
    o.mem_len = strlen(text);
    o.summary = fmt >= 0;
    o.format = fmt >= 0 ? (enum out_format)fmt : OUT_TEXT;
    o.check = true;
    o.out = tmpfile();
    o.err = tmpfile();
    assert_non_null(o.out);
    assert_non_null(o.err);
    struct vm *vm = NULL;
    run_status = vmsim_run(&o, &vm);
    slurp(o.out, run_out, sizeof run_out);
    slurp(o.err, run_err, sizeof run_err);
    assert_non_null(vm);
    return vm;
}

/* run_ok: the trace runs with status 0 (every expect passes) */
static __attribute__((unused)) struct vm *run_ok(const struct vm_config *cfg, const char *text)
{
    struct vm *vm = run_fmt(cfg, -1, text);
    if (run_status != 0)
        fail_msg("status %d, want 0:\n%s", run_status, run_err);
    return vm;
}

/* run_file: run_ok on a trace file of the suite, a path from the top folder
 * (where the unit tests run), e.g. "tests/traces/100_fault_demand_zero.trace".
 * The trace suite runs the file with the options of its "# flags:" line;
 * cfg must be the same machine. The test then looks at what the trace's
 * expect lines cannot: the modules' own structures. */
static __attribute__((unused)) struct vm *run_file(const struct vm_config *cfg, const char *path)
{
    static char text[1 << 14];
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s (the unit tests run from the top folder)", path);
    size_t n = fread(text, 1, sizeof text - 1, f);
    assert_true(n < sizeof text - 1);
    text[n] = 0;
    fclose(f);
    return run_ok(cfg, text);
}

/* run_error: the trace stops with an error (status 2) whose message holds want */
static __attribute__((unused)) struct vm *run_error(const struct vm_config *cfg, const char *text, const char *want)
{
    struct vm *vm = run_fmt(cfg, -1, text);
    if (run_status != 2)
        fail_msg("status %d, want 2 (%s):\n%s", run_status, want, run_err);
    if (!strstr(run_err, want))
        fail_msg("error message lacks '%s':\n%s", want, run_err);
    return vm;
}

/* ---- queries ---------------------------------------------------------------- */

static __attribute__((unused)) uint64_t stat_of(struct vm *vm, const char *path)
{
    struct qresult r;
    if (vm_query_stat(vm, path, strlen(path), &r) != 0)
        fail_msg("no stat %s", path);
    if (r.kind != QR_NUM && r.kind != QR_BOOL)
        fail_msg("stat %s is not a number", path);
    return r.num;
}

static __attribute__((unused)) struct qresult proc_q(struct vm *vm, uint32_t pid, enum proc_field f)
{
    struct qresult r;
    memset(&r, 0, sizeof r);
    vm_query_proc(vm, pid, f, &r);
    return r;
}

static __attribute__((unused)) uint64_t proc_num(struct vm *vm, uint32_t pid, enum proc_field f)
{
    struct qresult r = proc_q(vm, pid, f);
    if (r.kind != QR_NUM)
        fail_msg("proc %u %s is not a number (kind %d)", (unsigned)pid, proc_field_names[f], (int)r.kind);
    return r.num;
}

static __attribute__((unused)) const char *proc_word(struct vm *vm, uint32_t pid, enum proc_field f)
{
    struct qresult r = proc_q(vm, pid, f);
    if (r.kind == QR_NONE)
        return "none";
    if (r.kind != QR_WORD)
        fail_msg("proc %u %s is not a word", (unsigned)pid, proc_field_names[f]);
    return r.word;
}

static __attribute__((unused)) struct qresult page_q(struct vm *vm, uint32_t pid, uint64_t addr, enum page_field f)
{
    struct qresult r;
    memset(&r, 0, sizeof r);
    vm_query_page(vm, pid, addr, f, &r);
    return r;
}

/* page_num: a number or boolean field; UINT64_MAX for none */
static __attribute__((unused)) uint64_t page_num(struct vm *vm, uint32_t pid, uint64_t addr, enum page_field f)
{
    struct qresult r = page_q(vm, pid, addr, f);
    if (r.kind == QR_NONE)
        return UINT64_MAX;
    if (r.kind != QR_NUM && r.kind != QR_BOOL)
        fail_msg("page %u 0x%llx %s is not a number", (unsigned)pid, (unsigned long long)addr, page_field_names[f]);
    return r.num;
}

static __attribute__((unused)) const char *page_word(struct vm *vm, uint32_t pid, uint64_t addr, enum page_field f)
{
    struct qresult r = page_q(vm, pid, addr, f);
    if (r.kind == QR_NONE)
        return "none";
    if (r.kind != QR_WORD)
        fail_msg("page %u 0x%llx %s is not a word", (unsigned)pid, (unsigned long long)addr, page_field_names[f]);
    return r.word;
}

#define NONE UINT64_MAX

static __attribute__((unused)) struct aspace *as_of(struct vm *vm, uint32_t pid)
{
    struct proc *p = proc_find(vm, pid);
    if (!p || !p->as)
        fail_msg("process %u has no address space", (unsigned)pid);
    return p->as;
}

/* assert_vma: VMA i of pid is [start, end) with prot, sharing and backing
 * (file NULL: private anonymous or shared memory) */
static __attribute__((unused)) void assert_vma(struct vm *vm, uint32_t pid, size_t i, uint64_t start, uint64_t end,
                                               unsigned prot, bool shared, const char *file, uint64_t off)
{
    struct aspace *as = as_of(vm, pid);
    if (i >= as->vmas.n)
        fail_msg("process %u has %zu VMAs, no VMA %zu", (unsigned)pid, as->vmas.n, i);
    const struct vma *v = &as->vmas.v[i];
    if (v->start != start || v->end != end)
        fail_msg("VMA %zu is [0x%llx, 0x%llx), want [0x%llx, 0x%llx)", i, (unsigned long long)v->start,
                 (unsigned long long)v->end, (unsigned long long)start, (unsigned long long)end);
    assert_int_equal(v->prot, prot);
    assert_int_equal(v->shared, shared);
    if (file) {
        struct mobj *o = mobj_get(&vm->pc, v->obj);
        assert_non_null(o);
        assert_false(o->shm);
        assert_string_equal(o->name, file);
        assert_int_equal(v->off, off);
    } else if (!shared) {
        assert_int_equal(v->obj, 0);
    }
}

#endif
