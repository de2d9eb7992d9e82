/* fuzz_trace.c -- libFuzzer harness: an input is a trace, run through
 * vmsim_run with --check once for each fork mode (cow, copy, sharept).
 *
 * Input layout:
 *
 *   byte 0   bits 0-2  arch (see archs[] below)
 *            bit 3     --zero-page
 *            bit 4     --lazy-fork
 *            bit 5     --pt-frames
 *            bit 6     --oom fail (else kill)
 *            bit 7     -v
 *   byte 1   bits 0-5  n
 *            bit 6     frames = (n + 1) * 16, else n + 1
 *            bit 7     rotates the summary format (text, json, csv by mode)
 *   byte 2   bits 0-2  --policy: none, fifo, lru, clock, opt, random, opt,
 *                      random (see policies[] below)
 *            bits 3-5  --swap in pages: 0, 1, 2, 3, 8, 16, 64, 4096
 *            bits 6-7  --seed: 1, 0, 42, 2^64 - 1
 *   byte 3.. the trace
 *
 * Replacement is on when byte 2 gives a policy or swap (SPEC section 10).
 * scripts/fuzz.sh seed turns a plain trace and its "# flags:" header into
 * this layout. Each mode runs with a TLB of its own (see tlbs[] below), so
 * that --check verifies the TLB against the page tables too. Any exit
 * status (0, 1, 2) is fine; a crash, a sanitizer
 * report, a hang, or an invariant that --check finds broken is not: the
 * last one aborts, after printing the equivalent command line.
 *
 * After a run that ends without an error the harness also looks at the
 * final machine: every view (pstree, frames, and vmas and pages of every
 * process) and every process field are computed, and the sharing numbers
 * are checked against each other (SPEC section 7): uss <= pss <= rss for
 * each process, and over the distinct address spaces, pss adds up to the
 * frames that some address space maps and uss to those that one maps. So
 * are the swap counters (SPEC section 10): dirty evictions are swap writes
 * and write-backs, a swap-in reads at most once, swap_used is at most
 * swap_peak, and hits, misses (faults but segv) and segv faults add up to
 * the accesses when no access was cut short by the OOM killer.
 *
 * Environment: VMSIM_FUZZ_ECHO=1 prints, for every input and mode, that
 * command line, the exit status and what the run wrote to standard error.
 *
 * make fuzz and make fuzz-regress build it as build/fuzz/fuzz_trace.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/check.h"
#include "vmsim/engine.h"
#include "vmsim/machine.h"
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/runner.h"
#include "vmsim/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CONFIG_BYTES 3

/* Geometries: the presets, and custom ones at the edges: a one-level
 * table (the root is the leaf), 16-byte pages, a 64-bit address space. */
static const char *const archs[8] = {
    "x86_64",
    "tiny",
    "sv39",
    "i386",
    "va=20,page=256,levels=3",
    "va=16,page=256,levels=1",
    "va=64,page=4096,levels=4",
    "va=12,page=16,levels=2",
};

/* Replacement (byte 2): -1 is no --policy (clock if swap turns it on). */
static const int policies[8] = {-1, POL_FIFO, POL_LRU, POL_CLOCK, POL_OPT, POL_RANDOM, POL_OPT, POL_RANDOM};
static const uint32_t swap_pages[8] = {0, 1, 2, 3, 8, 16, 64, 4096};
static const uint64_t seeds[4] = {1, 0, 42, UINT64_MAX};
/* The TLB of each fork mode's run: small and set-associative; fully
 * associative, tagged and past the 33-entry ceiling; direct-mapped in a
 * number of sets that is no power of two, tagged. */
static const struct {
    uint32_t entries, ways;
    bool asid;
} tlbs[FORK_MODES] = {{8, 2, false}, {64, 64, true}, {3, 1, true}};

/* Limits that keep one input in the milliseconds. */
#define FUZZ_MAX_EVENTS 2000
#define FUZZ_MAX_ACCESSES 20000
#define FUZZ_MAX_PROCS 64
#define FUZZ_MAX_VMAS 128
#define FUZZ_MAX_MEMORY (UINT64_C(2) << 20)
#define FUZZ_MAX_LINE 1024

static struct arch parsed[8];
static FILE *devnull;
static bool echo;

static void fatal(const char *what)
{
    fprintf(stderr, "fuzz_trace: %s\n", what);
    abort();
}

/* NOLINTNEXTLINE(readability-non-const-parameter): libFuzzer's signature */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[160];
    for (size_t i = 0; i < sizeof archs / sizeof archs[0]; i++)
        if (arch_parse(&parsed[i], archs[i], err, sizeof err))
            fatal(err);
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        fatal("cannot open /dev/null");
    const char *e = getenv("VMSIM_FUZZ_ECHO");
    echo = e && *e && strcmp(e, "0") != 0;
    return 0;
}

/* command: the vmsim command line that runs the same trace the same way */
static void command(FILE *f, const struct run_opts *o)
{
    static const char *const formats[] = {"text", "json", "csv"};
    const struct vm_config *c = &o->cfg;
    char repl[96] = "";
    if (c->replace)
        snprintf(repl, sizeof repl, " --swap %up --policy %s --seed %llu", (unsigned)c->swap_slots,
                 policy_names[c->policy], (unsigned long long)c->seed);
    fprintf(f, "vmsim run --arch %s --frames %u --fork %s%s%s%s%s%s%s --tlb %u --tlb-ways %u%s --format %s --check"
               " --max-events %d --max-accesses %d --max-procs %d --max-vmas %d --max-memory %llu"
               " --max-line %d TRACE\n",
            c->arch.name, (unsigned)c->frames, fork_mode_names[c->fork], c->zero_page ? " --zero-page" : "",
            c->lazy_fork ? " --lazy-fork" : "", c->pt_frames ? " --pt-frames" : "",
            c->oom == OOM_FAIL ? " --oom fail" : "", repl, o->verbose ? " -v" : "", (unsigned)c->tlb_entries,
            (unsigned)c->tlb_ways, c->asid ? " --asid" : "", formats[o->format],
            FUZZ_MAX_EVENTS, FUZZ_MAX_ACCESSES, FUZZ_MAX_PROCS, FUZZ_MAX_VMAS,
            (unsigned long long)FUZZ_MAX_MEMORY, FUZZ_MAX_LINE);
}

static void oracle_fail(const struct run_opts *o, const char *errbuf, const char *what)
{
    command(stderr, o);
    fprintf(stderr, "%s", errbuf);
    fatal(what);
}

/* final: the views, the process fields and the sharing sums of the machine
 * a run left */
static void final(struct vm *vm, const struct run_opts *o, const char *errbuf)
{
    if (vm_check(vm)) {
        fprintf(stderr, "%s\n", vm->err);
        oracle_fail(o, errbuf, "--check fails on the final machine");
    }
    view_pstree(devnull, vm);
    view_frames(devnull, vm);
    view_tlb(devnull, vm);

    /* pss and uss over distinct address spaces (a vfork pair shares one) */
    double pss_sum = 0;
    uint64_t uss_sum = 0;
    struct proc *p, *tmp, *q;
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        struct qresult r;
        char buf[64];
        for (int f = 0; f < PF_COUNT; f++) {
            vm_query_proc(vm, p->pid, (enum proc_field)f, &r);
            qresult_format(&r, buf, sizeof buf);
        }
        view_vmas(devnull, vm, p->pid);
        view_pages(devnull, vm, p->pid);

        struct qresult rss, pss, uss;
        vm_query_proc(vm, p->pid, PF_RSS, &rss);
        vm_query_proc(vm, p->pid, PF_PSS, &pss);
        vm_query_proc(vm, p->pid, PF_USS, &uss);
        if (rss.kind != QR_NUM || pss.kind != QR_DEC || uss.kind != QR_NUM) {
            fprintf(stderr, "process %u: rss, pss or uss is not a number\n", (unsigned)p->pid);
            oracle_fail(o, errbuf, "sharing numbers");
        }
        if ((double)uss.num > pss.dec + 1e-6 || pss.dec > (double)rss.num + 1e-6) {
            fprintf(stderr, "process %u: uss %llu pss %.6f rss %llu: want uss <= pss <= rss\n", (unsigned)p->pid,
                    (unsigned long long)uss.num, pss.dec, (unsigned long long)rss.num);
            oracle_fail(o, errbuf, "sharing numbers");
        }
        if (!p->as)
            continue;
        bool seen = false;
        for (q = vm->procs; q != p; q = q->hh.next)
            if (q->as == p->as)
                seen = true;
        if (!seen) {
            pss_sum += pss.dec;
            uss_sum += uss.num;
        }
    }
    const struct vm_counters *c = &vm->c;
    uint64_t faults = 0;
    for (int k = 0; k < FC_COUNT; k++)
        faults += c->faults[k];
    uint64_t done = c->hits + faults, tried = c->reads + c->writes;
    if (c->evictions_dirty != vm->swap.writes + c->writebacks || vm->swap.reads > c->faults[FC_SWAP_IN] ||
        vm->swap.used > vm->swap.peak || done > tried || (c->killed_oom == 0 && done != tried)) {
        fprintf(stderr,
                "evictions_dirty %llu, swap_writes %llu, writebacks %llu; swap_reads %llu, swap_in %llu; swap_used "
                "%llu, swap_peak %llu; hits %llu + faults %llu, accesses %llu (killed_oom %llu)\n",
                (unsigned long long)c->evictions_dirty, (unsigned long long)vm->swap.writes,
                (unsigned long long)c->writebacks, (unsigned long long)vm->swap.reads,
                (unsigned long long)c->faults[FC_SWAP_IN], (unsigned long long)vm->swap.used,
                (unsigned long long)vm->swap.peak, (unsigned long long)c->hits, (unsigned long long)faults,
                (unsigned long long)tried, (unsigned long long)c->killed_oom);
        oracle_fail(o, errbuf, "swap counters");
    }

    uint64_t mapped = 0, single = 0;
    for (uint32_t f = 0; f < vm->ft.n; f++) {
        uint32_t m = rmap_mappers(&vm->rmap, f);
        mapped += m > 0;
        single += m == 1;
    }
    if (uss_sum != single || pss_sum < (double)mapped - 1e-6 || pss_sum > (double)mapped + 1e-6) {
        fprintf(stderr, "pss adds up to %.6f and uss to %llu; %llu frames are mapped, %llu by one address space\n",
                pss_sum, (unsigned long long)uss_sum, (unsigned long long)mapped, (unsigned long long)single);
        oracle_fail(o, errbuf, "sharing numbers");
    }
}

/* error_directive: is line `line` (from 1) of the trace an `error MESSAGE`
 * line, which stops the run with MESSAGE as its error, whatever it says? */
static bool error_directive(const char *trace, size_t len, unsigned long line)
{
    size_t i = 0;
    for (unsigned long n = 1; n < line; n++) {
        const char *nl = memchr(trace + i, '\n', len - i);
        if (!nl)
            return false;
        i = (size_t)(nl - trace) + 1;
    }
    while (i < len && (trace[i] == ' ' || trace[i] == '\t'))
        i++;
    if (len - i < 5) /* cppcheck-suppress knownConditionTrueFalse ; not at every call */
        return false;
    return memcmp(trace + i, "error", 5) == 0 &&
           (len - i == 5 || trace[i + 5] == ' ' || trace[i + 5] == '\t' || trace[i + 5] == '\n' ||
            trace[i + 5] == '\r');
}

/* check_failed: did --check stop the run? Its message is
 * "fuzz.trace:LINE: error: --check: ...", which the message of an `error`
 * line may also hold: that line is the trace's own error. */
static bool check_failed(const char *errbuf, const char *trace, size_t len)
{
    const char *hit = strstr(errbuf, ": error: --check: ");
    if (!hit)
        return false;
    const char *start = hit;
    while (start > errbuf && start[-1] != '\n')
        start--;
    static const char name[] = "fuzz.trace:";
    if (strncmp(start, name, sizeof name - 1))
        return true;
    char *stop;
    unsigned long line = strtoul(start + sizeof name - 1, &stop, 10);
    return !(*stop == ':' && error_directive(trace, len, line));
}

static void run_one(const uint8_t *cfgb, const char *trace, size_t len, enum fork_mode mode)
{
    struct run_opts o;
    run_opts_default(&o);
    o.cfg.arch = parsed[cfgb[0] & 7];
    o.cfg.zero_page = cfgb[0] & 0x08;
    o.cfg.lazy_fork = cfgb[0] & 0x10;
    o.cfg.pt_frames = cfgb[0] & 0x20;
    o.cfg.oom = cfgb[0] & 0x40 ? OOM_FAIL : OOM_KILL;
    o.verbose = cfgb[0] & 0x80;
    unsigned n = (cfgb[1] & 0x3f) + 1u;
    o.cfg.frames = cfgb[1] & 0x40 ? n * 16 : n;
    o.format = (enum out_format)(((unsigned)mode + (cfgb[1] >> 7)) % 3);
    o.cfg.fork = mode;
    int pol = policies[cfgb[2] & 7];
    o.cfg.swap_slots = swap_pages[(cfgb[2] >> 3) & 7];
    o.cfg.policy = pol < 0 ? POL_CLOCK : (enum policy_kind)pol;
    o.cfg.seed = seeds[cfgb[2] >> 6];
    o.cfg.replace = pol >= 0 || o.cfg.swap_slots > 0;
    o.cfg.tlb_entries = tlbs[mode].entries;
    o.cfg.tlb_ways = tlbs[mode].ways;
    o.cfg.asid = tlbs[mode].asid;
    o.cfg.lim.max_events = FUZZ_MAX_EVENTS;
    o.cfg.lim.max_accesses = FUZZ_MAX_ACCESSES;
    o.cfg.lim.max_procs = FUZZ_MAX_PROCS;
    o.cfg.lim.max_vmas = FUZZ_MAX_VMAS;
    o.cfg.lim.max_memory = FUZZ_MAX_MEMORY;
    o.max_line = FUZZ_MAX_LINE;
    o.check = true;
    o.trace = "fuzz.trace";
    o.mem = trace;
    o.mem_len = len;
    o.out = devnull;

    char *errbuf = NULL;
    size_t errlen = 0;
    o.err = open_memstream(&errbuf, &errlen);
    if (!o.err)
        fatal("open_memstream failed");
    struct vm *vm = NULL;
    int status = vmsim_run(&o, &vm);
    if (fclose(o.err) || !errbuf)
        fatal("cannot close the error stream");

    bool broken = check_failed(errbuf, trace, len);
    bool bad_status = status < 0 || status > 2;
    if (echo || broken || bad_status) {
        command(stderr, &o);
        fprintf(stderr, "exit %d\n%s", status, errbuf);
    }
    if (broken)
        fatal("--check found a broken invariant");
    if (bad_status)
        fatal("exit status is not 0, 1 or 2");
    if (vm && status != 2)
        final(vm, &o, errbuf);
    vm_free(vm);
    free(errbuf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t cfgb[CONFIG_BYTES] = {0, 0, 0};
    size_t k = size < CONFIG_BYTES ? size : CONFIG_BYTES;
    if (k)
        memcpy(cfgb, data, k);
    const char *trace = (const char *)data + k;
    size_t len = size - k;
    run_one(cfgb, trace, len, FORK_COW);
    run_one(cfgb, trace, len, FORK_COPY);
    run_one(cfgb, trace, len, FORK_SHAREPT);
    return 0;
}
