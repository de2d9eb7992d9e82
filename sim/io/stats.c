/* stats.c -- the summary table and its text, json and csv forms (see
 * stats.h). */
#include "vmsim/stats.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/aspace.h"
#include "vmsim/engine.h"
#include "vmsim/number.h"
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/util.h"

#define N(p) {p, ST_NUM}
#define S(p) {p, ST_STR}
#define B(p) {p, ST_BOOL}

const char *const out_format_names[OUT_FORMATS] = {"text", "json", "csv"};

/* the order of the summary; vm_summarize fills them in this order */
const struct stat_desc stat_descs[] = {
    S("config.arch"), N("config.va_bits"), N("config.page_size"), N("config.levels"), N("config.frames"),
    S("config.fork"), B("config.zero_page"), B("config.lazy_fork"), B("config.pt_frames"), S("config.oom"),
    N("config.swap_slots"), S("config.policy"), N("config.seed"),
    N("config.fault_around"), B("config.exclusive_reuse"), B("config.anon_vma"),
    N("events.total"), N("events.spawn"), N("events.fork"), N("events.vfork"), N("events.exec"),
    N("events.exit"), N("events.wait"), N("events.mmap"), N("events.munmap"), N("events.mprotect"),
    N("events.brk"), N("events.read"), N("events.write"), N("events.touch"), N("events.skipped"),
    N("events.subreaper"),
    N("accesses.reads"), N("accesses.writes"), N("accesses.hits"), N("accesses.misses"),
    N("faults.total"), N("faults.demand_zero"), N("faults.zero_page"), N("faults.file"), N("faults.cow_copy"),
    N("faults.cow_reuse"), N("faults.segv"), N("faults.swap_in"),
    N("memory.frames_total"), N("memory.frames_used"), N("memory.frames_peak"), N("memory.anon"),
    N("memory.cache"), N("memory.pt"), N("memory.pages_copied"), N("memory.ptes_copied"),
    N("memory.cache_loads"), N("memory.cache_drops"), N("memory.pt_pages"), N("memory.pt_pages_peak"),
    N("memory.pt_shared"), N("memory.pt_unshared"), N("memory.evictions"), N("memory.evictions_dirty"),
    N("memory.swap_writes"), N("memory.swap_reads"), N("memory.writebacks"), N("memory.swap_used"),
    N("memory.swap_peak"),
    N("processes.created"), N("processes.live"), N("processes.zombies"), N("processes.peak_live"),
    N("processes.killed_segv"), N("processes.killed_oom"), N("processes.fork_failed"), N("processes.reaped"),
    N("tlb.entries"), N("tlb.ways"), B("tlb.asid"), N("tlb.hits"), N("tlb.misses"), N("tlb.walks"),
    N("tlb.walk_steps"), N("tlb.invalidations"), N("tlb.flushes"), N("tlb.context_switches"),
    N("expect.passed"), N("expect.failed"),
    N("cost.total"), N("cost.fork"), N("cost.vfork"), N("cost.exec"), N("cost.fault"), N("cost.zero"),
    N("cost.copy"), N("cost.cache_load"), N("cost.pte"), N("cost.table"), N("cost.teardown"), N("cost.unmap"),
    N("cost.walk_step"), N("cost.tlb_invalidate"), N("cost.tlb_flush"),
};
const size_t stat_count = VM_ARRAY_LEN(stat_descs);
_Static_assert(VM_ARRAY_LEN(stat_descs) <= STATS_MAX, "struct vm_summary is too small for the summary");

void vm_summarize(struct vm *vm, struct vm_summary *s)
{
    const struct vm_counters *c = &vm->c;
    const struct vm_config *cfg = &vm->cfg;
    size_t i = 0;
    memset(s, 0, sizeof *s);
#define NUM(v) (s->num[i++] = (uint64_t)(v))
#define STR(v) (s->str[i++] = (v))
    STR(cfg->arch.name);
    NUM(cfg->arch.va_bits);
    NUM(cfg->arch.page_size);
    NUM(cfg->arch.levels);
    NUM(cfg->frames);
    STR(fork_mode_names[cfg->fork]);
    NUM(cfg->zero_page);
    NUM(cfg->lazy_fork);
    NUM(cfg->pt_frames);
    STR(oom_mode_names[cfg->oom]);
    NUM(cfg->replace ? cfg->swap_slots : 0);
    STR(cfg->replace ? policy_names[cfg->policy] : "none");
    NUM(cfg->replace ? cfg->seed : 0);
    NUM(cfg->fault_around > 1 ? cfg->fault_around : 1);
    NUM(cfg->exclusive_reuse);
    NUM(cfg->anon_vma);
    NUM(c->events_total);
    for (int k = 0; k < EV_NEVENTS; k++) /* the contract's events, then skipped, then a later one */
        if (k != EV_SUBREAPER)
            NUM(c->events[k]);
    NUM(c->skipped);
    NUM(c->events[EV_SUBREAPER]);
    NUM(c->reads);
    NUM(c->writes);
    uint64_t total = 0;
    for (int k = 0; k < FC_COUNT; k++)
        total += c->faults[k];
    NUM(c->hits);
    NUM(total - c->faults[FC_SEGV]); /* misses: every fault but a segv */
    NUM(total);
    for (int k = 0; k < FC_COUNT; k++)
        NUM(c->faults[k]);
    NUM(vm->ft.n);
    NUM(vm->ft.used);
    NUM(c->frames_peak > vm->ft.used ? c->frames_peak : vm->ft.used);
    NUM(vm->ft.count[FK_ANON]);
    NUM(vm->ft.count[FK_CACHE]);
    NUM(vm->ft.count[FK_PT]);
    NUM(c->pages_copied);
    NUM(vm->pts.ptes_copied);
    NUM(vm->pc.loads);
    NUM(vm->pc.drops);
    NUM(vm->pts.tables);
    NUM(c->pt_pages_peak > vm->pts.tables ? c->pt_pages_peak : vm->pts.tables);
    NUM(vm->pts.pt_shared);
    NUM(vm->pts.pt_unshared);
    NUM(c->evictions);
    NUM(c->evictions_dirty);
    NUM(vm->swap.writes);
    NUM(vm->swap.reads);
    NUM(c->writebacks);
    NUM(vm->swap.used);
    NUM(vm->swap.peak > vm->swap.used ? vm->swap.peak : vm->swap.used);
    NUM(c->created);
    NUM(vm->live);
    NUM(vm->zombies);
    NUM(c->peak_live > vm->live ? c->peak_live : vm->live);
    NUM(c->killed_segv);
    NUM(c->killed_oom);
    NUM(c->fork_failed);
    NUM(c->reaped);
    NUM(vm->tlb.n);
    NUM(vm->tlb.ways);
    NUM(vm->tlb.asid);
    NUM(vm->tlb.hits);
    NUM(vm->tlb.misses);
    NUM(vm->tlb.misses); /* walks: one for each miss */
    NUM(vm->tlb.walk_steps);
    NUM(vm->tlb.invalidations);
    NUM(vm->tlb.flushes);
    NUM(vm->tlb.switches);
    NUM(c->expect_passed);
    NUM(c->expect_failed);
    uint64_t cost[COST_KINDS];
    NUM(vm_cost(vm, cost));
    for (int k = 0; k < COST_KINDS; k++)
        NUM(cost[k]);
#undef NUM
#undef STR
    VM_ASSERT(i == stat_count);
}

int stat_index(const char *path, size_t len)
{
    for (size_t i = 0; i < stat_count; i++)
        if (strlen(stat_descs[i].path) == len && !memcmp(stat_descs[i].path, path, len))
            return (int)i;
    return -1;
}

/* ---- per process -------------------------------------------------------- */

static int cmp_pid(const void *a, const void *b)
{
    uint32_t x = (*(struct proc *const *)a)->pid, y = (*(struct proc *const *)b)->pid;
    return (x > y) - (x < y);
}

/* procs_sorted: the processes in the table by pid (free the array) */
static struct proc **procs_sorted(struct vm *vm, size_t *n)
{
    *n = HASH_COUNT(vm->procs);
    struct proc **v = vm_xmalloc(*n * sizeof *v); /* NOLINT(bugprone-sizeof-expression): pointers */
    size_t i = 0;
    struct proc *p, *tmp;
    HASH_ITER(hh, vm->procs, p, tmp) v[i++] = p;
    qsort(v, *n, sizeof *v, cmp_pid); /* NOLINT(bugprone-sizeof-expression): pointers */
    return v;
}

/* json_string: s as a JSON string; a byte that is not part of valid UTF-8
 * (a program name may hold any byte above 0x7f) becomes U+FFFD, so that
 * the summary stays valid JSON, as the HTML view's data does */
static void json_string(FILE *out, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t left = strlen(s);
    fputc('"', out);
    while (left) {
        unsigned char ch = *u;
        size_t n = ch >= 0x80 ? vm_utf8_len(u, left) : 1;
        if (ch >= 0x80 && n) {
            (void)fwrite(u, 1, n, out); /* a failed write shows in the stream's error flag */
        } else if (ch >= 0x80) {
            fputs("\\ufffd", out);
            n = 1;
        } else if (ch == '"' || ch == '\\') {
            fprintf(out, "\\%c", ch);
        } else if (ch < 0x20) {
            fprintf(out, "\\u%04x", ch);
        } else {
            fputc(ch, out);
        }
        u += n;
        left -= n;
    }
    fputc('"', out);
}

static void write_json(FILE *out, struct vm *vm, const struct vm_summary *s)
{
    fputs("{\n", out);
    const char *section = NULL;
    for (size_t i = 0; i < stat_count; i++) {
        const char *path = stat_descs[i].path, *dot = strchr(path, '.');
        size_t slen = (size_t)(dot - path);
        if (!section || strncmp(section, path, slen) || section[slen] != '.') {
            if (section)
                fputs("\n  },\n", out);
            fprintf(out, "  \"%.*s\": {\n", (int)slen, path);
            section = path;
        } else {
            fputs(",\n", out);
        }
        fprintf(out, "    \"%s\": ", dot + 1);
        switch (stat_descs[i].type) {
        case ST_NUM:
            fprintf(out, "%" PRIu64, s->num[i]);
            break;
        case ST_BOOL:
            fputs(s->num[i] ? "true" : "false", out);
            break;
        default:
            json_string(out, s->str[i]);
            break;
        }
    }
    /* the last section is cost: each fork's simulated latency goes with it */
    fputs(",\n    \"forks\": [", out);
    for (uint64_t k = 0; k < vm->nforks; k++) {
        const struct fork_cost *f = &vm->forks[k];
        fprintf(out, "%s\n      {\"line\": %" PRIu64 ", \"parent\": %" PRIu32 ", \"child\": %" PRIu32 ", \"ns\": %" PRIu64 "}",
                k ? "," : "", f->line, f->parent, f->child, vm_fork_cost(vm, f));
    }
    fputs(vm->nforks ? "\n    ]" : "]", out);
    fputs("\n  },\n  \"per_process\": [", out);
    size_t n;
    struct proc **v = procs_sorted(vm, &n);
    for (size_t k = 0; k < n; k++) {
        struct proc *p = v[k];
        double pss;
        uint64_t uss, total = 0;
        char buf[32];
        proc_sharing(vm, p, &pss, &uss, NULL);
        number_format_pss(pss, buf, sizeof buf);
        fprintf(out, "%s\n    {\"pid\": %" PRIu32 ", \"ppid\": %" PRIu32 ", \"state\": \"%s\", \"program\": ",
                k ? "," : "", p->pid, p->ppid, proc_state_names[p->state]);
        if (p->program)
            json_string(out, p->program->name);
        else
            fputs("null", out);
        fputs(", \"exit_status\": ", out);
        if (p->exit_status < 0)
            fputs("null", out);
        else
            fprintf(out, "%d", p->exit_status);
        fprintf(out,
                ", \"rss\": %" PRIu64 ", \"pss\": %s, \"uss\": %" PRIu64 ", \"pt_pages\": %" PRIu64
                ", \"vmas\": %zu, \"swap\": %" PRIu64 ", \"faults\": {",
                proc_rss(p), buf, uss, p->as ? p->as->pt.pages : 0, p->as ? p->as->vmas.n : (size_t)0, proc_swap(p));
        for (int f = 0; f < FC_COUNT; f++)
            total += p->faults[f];
        fprintf(out, "\"total\": %" PRIu64, total);
        for (int f = 0; f < FC_COUNT; f++)
            fprintf(out, ", \"%s\": %" PRIu64, fault_class_names[f], p->faults[f]);
        fputs("}}", out);
    }
    free(v);
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", out);
}

static void write_csv(FILE *out, const struct vm_summary *s)
{
    for (size_t i = 0; i < stat_count; i++)
        fprintf(out, "%s%s", i ? "," : "", stat_descs[i].path);
    fputc('\n', out);
    for (size_t i = 0; i < stat_count; i++) {
        if (i)
            fputc(',', out);
        switch (stat_descs[i].type) {
        case ST_NUM:
            fprintf(out, "%" PRIu64, s->num[i]);
            break;
        case ST_BOOL:
            fputs(s->num[i] ? "true" : "false", out);
            break;
        default: /* arch names may hold commas: quote them */
            if (strchr(s->str[i], ','))
                fprintf(out, "\"%s\"", s->str[i]);
            else
                fputs(s->str[i], out);
            break;
        }
    }
    fputc('\n', out);
}

/* text: a section a paragraph, "name value" pairs wrapped at 88 columns */
/* write_paging: a replacement run's figures as course handouts give them
 * (OSTEP's paging-policy.py among them): hits, misses, evictions clean and
 * dirty, and the hit rate, hits / (hits + misses), rounded half up */
static void write_paging(FILE *out, const struct vm *vm)
{
    const struct vm_counters *c = &vm->c;
    uint64_t misses = 0;
    for (int k = 0; k < FC_COUNT; k++)
        misses += k == FC_SEGV ? 0 : c->faults[k];
    uint64_t total = c->hits + misses, rate = 0; /* hundredths of a percent */
    if (total)
        rate = (c->hits * 20000 + total) / (2 * total);
    fprintf(out,
            "paging:     hits %" PRIu64 "  misses %" PRIu64 "  clean evictions %" PRIu64 "  dirty evictions %" PRIu64
            "  hit rate %" PRIu64 ".%02" PRIu64 "%%\n",
            c->hits, misses, c->evictions - c->evictions_dirty, c->evictions_dirty, rate / 100, rate % 100);
}

bool stat_word_can_be(size_t i, const char *w, size_t wlen, char *list, size_t len)
{
    static const char *const archs[] = {"x86_64", "sv39", "i386", "tiny"}; /* a custom name is no word */
    static const char *const none[] = {"none"};
    const char *const *words = NULL, *const *more = NULL;
    size_t nwords = 0, nmore = 0;
    const char *path = stat_descs[i].path;
    if (stat_descs[i].type == ST_NUM) {
        snprintf(list, len, "a number");
        return false;
    }
    if (stat_descs[i].type == ST_BOOL) {
        snprintf(list, len, "1, 0, true or false");
        return false; /* true and false were read as 1 and 0 */
    }
    if (!strcmp(path, "config.arch")) {
        words = archs, nwords = VM_ARRAY_LEN(archs);
    } else if (!strcmp(path, "config.fork")) {
        words = fork_mode_names, nwords = FORK_MODES;
    } else if (!strcmp(path, "config.oom")) {
        words = oom_mode_names, nwords = OOM_MODES;
    } else if (!strcmp(path, "config.policy")) {
        words = policy_names, nwords = POLICIES;
        more = none, nmore = 1;
    }
    size_t n = (size_t)snprintf(list, len, "one of ");
    bool found = false;
    for (size_t k = 0; k < nwords + nmore; k++) {
        const char *x = k < nwords ? words[k] : more[k - nwords];
        found |= strlen(x) == wlen && !memcmp(x, w, wlen);
        if (n < len)
            n += (size_t)snprintf(list + n, len - n, "%s%s", k == 0 ? "" : k + 1 == nwords + nmore ? " or " : ", ", x);
    }
    return found;
}

/* class_width: the column of fault class f in the table below: its name,
 * at least 6 wide */
static int class_width(int f)
{
    size_t len = strlen(fault_class_names[f]);
    return (int)(len < 6 ? 6 : len);
}

/* write_proc_faults: the faults of each process by class, a column per
 * class headed by its name in capitals (the JSON summary's per_process
 * faults), under the table of processes */
static void write_proc_faults(FILE *out, struct proc *const *v, size_t n)
{
    fprintf(out, "\n%5s", "PID");
    for (int f = 0; f < FC_COUNT; f++) {
        char head[32];
        snprintf(head, sizeof head, "%s", fault_class_names[f]);
        for (char *c = head; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        fprintf(out, "  %*s", class_width(f), head);
    }
    fputc('\n', out);
    for (size_t k = 0; k < n; k++) {
        fprintf(out, "%5" PRIu32, v[k]->pid);
        for (int f = 0; f < FC_COUNT; f++)
            fprintf(out, "  %*" PRIu64, class_width(f), v[k]->faults[f]);
        fputc('\n', out);
    }
}

static void write_text(FILE *out, struct vm *vm, const struct vm_summary *s)
{
    const char *section = NULL;
    int col = 0;
    for (size_t i = 0; i < stat_count; i++) {
        const char *path = stat_descs[i].path, *dot = strchr(path, '.');
        size_t slen = (size_t)(dot - path);
        char val[64], pair[128];
        switch (stat_descs[i].type) {
        case ST_NUM:
            snprintf(val, sizeof val, "%" PRIu64, s->num[i]);
            break;
        case ST_BOOL:
            snprintf(val, sizeof val, "%s", s->num[i] ? "on" : "off");
            break;
        default:
            snprintf(val, sizeof val, "%s", s->str[i]);
            break;
        }
        int plen = snprintf(pair, sizeof pair, "%s %s", dot + 1, val);
        if (!section || strncmp(section, path, slen) || section[slen] != '.') {
            if (section)
                fputc('\n', out);
            const char *unit = slen == 4 && !strncmp(path, "cost", 4) ? " (ns)" : ""; /* simulated time */
            col = fprintf(out, "%.*s%s:%*s%s", (int)slen, path, unit, (int)(11 - slen - strlen(unit)), "", pair);
            section = path;
        } else if (col + 2 + plen > 88) {
            col = fprintf(out, "\n%12s%s", "", pair) - 1;
        } else {
            col += fprintf(out, "  %s", pair);
        }
    }
    fputc('\n', out);
    if (vm_replacing(vm))
        write_paging(out, vm);
    size_t n;
    struct proc **v = procs_sorted(vm, &n);
    if (n) {
        fprintf(out, "\n%5s %5s  %-9s  %-12s %6s %5s %8s %6s %3s %5s %5s %6s\n", "PID", "PPID", "STATE", "PROGRAM",
                "STATUS", "RSS", "PSS", "USS", "PT", "VMAS", "SWAP", "FAULTS");
        for (size_t k = 0; k < n; k++) {
            struct proc *p = v[k];
            double pss;
            uint64_t uss, total = 0;
            char pbuf[32], sbuf[16];
            proc_sharing(vm, p, &pss, &uss, NULL);
            number_format_pss(pss, pbuf, sizeof pbuf);
            for (int f = 0; f < FC_COUNT; f++)
                total += p->faults[f];
            if (p->exit_status < 0)
                snprintf(sbuf, sizeof sbuf, "-");
            else
                snprintf(sbuf, sizeof sbuf, "%d", p->exit_status);
            fprintf(out, "%5" PRIu32 " %5" PRIu32 "  %-9s  %-12.12s %6s %5" PRIu64 " %8s %6" PRIu64 " %3" PRIu64
                         " %5zu %5" PRIu64 " %6" PRIu64 "\n",
                    p->pid, p->ppid, proc_state_names[p->state], p->program ? p->program->name : "-", sbuf,
                    proc_rss(p), pbuf, uss, p->as ? p->as->pt.pages : 0, p->as ? p->as->vmas.n : (size_t)0,
                    proc_swap(p), total);
        }
        write_proc_faults(out, v, n);
    }
    free(v);
}

void stats_write(FILE *out, struct vm *vm, enum out_format fmt)
{
    struct vm_summary s;
    vm_summarize(vm, &s);
    if (fmt == OUT_JSON)
        write_json(out, vm, &s);
    else if (fmt == OUT_CSV)
        write_csv(out, &s);
    else
        write_text(out, vm, &s);
}
