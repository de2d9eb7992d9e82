/* view.c -- the `show` views (see view.h). */
#include "vmsim/view.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <utlist.h>
#include <utstring.h>

#include "vmsim/aspace.h"
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/stats.h"
#include "vmsim/util.h"

/* ---- pstree ----------------------------------------------------------------- */

#define PSTREE_MAX_DEPTH 200

static int cmp_pid(const void *a, const void *b)
{
    uint32_t x = (*(struct proc *const *)a)->pid, y = (*(struct proc *const *)b)->pid;
    return (x > y) - (x < y);
}

static size_t label(const struct proc *p, char *buf, size_t len)
{
    const char *mark = p->state == PS_ZOMBIE ? " [zombie]" : p->state == PS_SUSPENDED ? " [suspended]" : "";
    int n = snprintf(buf, len, "%s(%" PRIu32 ")%s", p->program ? p->program->name : "?", p->pid, mark);
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

static void draw(FILE *out, const struct proc *p, UT_string *prefix, unsigned depth)
{
    char lab[96];
    size_t w = label(p, lab, sizeof lab);
    fputs(lab, out);
    size_t nk = 0;
    struct proc *k;
    DL_COUNT2(p->children, k, nk, sib_next);
    if (!nk) {
        fputc('\n', out);
        return;
    }
    if (depth >= PSTREE_MAX_DEPTH) {
        fputs("---[...]\n", out);
        return;
    }
    struct proc **kids = vm_xmalloc(nk * sizeof *kids); /* NOLINT(bugprone-sizeof-expression): pointers */
    size_t i = 0;
    DL_FOREACH2(p->children, k, sib_next) kids[i++] = k;
    qsort(kids, nk, sizeof *kids, cmp_pid); /* NOLINT(bugprone-sizeof-expression): pointers */
    size_t base = utstring_len(prefix);
    for (i = 0; i < nk; i++) {
        bool last = i + 1 == nk;
        if (nk == 1) {
            fputs("---", out);
        } else if (i == 0) {
            fputs("-+-", out);
        } else {
            fputs(utstring_body(prefix), out);
            fprintf(out, "%*s%s", (int)w, "", last ? " `-" : " |-");
        }
        utstring_printf(prefix, "%*s%s", (int)w, "", nk == 1 || last ? "   " : " | ");
        draw(out, kids[i], prefix, depth + 1);
        prefix->i = base;
        prefix->d[base] = 0;
    }
    free(kids);
}

void view_pstree(FILE *out, struct vm *vm)
{
    size_t n = HASH_COUNT(vm->procs), nroots = 0;
    if (!n) {
        fputs("(no processes)\n", out);
        return;
    }
    struct proc **roots = vm_xmalloc(n * sizeof *roots), *p, *tmp; /* NOLINT(bugprone-sizeof-expression): pointers */
    HASH_ITER(hh, vm->procs, p, tmp)
    if (!p->ppid)
        roots[nroots++] = p;
    qsort(roots, nroots, sizeof *roots, cmp_pid); /* NOLINT(bugprone-sizeof-expression): pointers */
    UT_string *prefix;
    utstring_new(prefix);
    for (size_t i = 0; i < nroots; i++) {
        utstring_clear(prefix);
        draw(out, roots[i], prefix, 0);
    }
    utstring_free(prefix);
    free(roots);
}

/* ---- vmas and pages --------------------------------------------------------- */

static struct proc *live_proc(FILE *out, struct vm *vm, uint32_t pid)
{
    struct proc *p = proc_find(vm, pid);
    if (!p)
        fprintf(out, "process %" PRIu32 " is gone (killed, or its fork failed)\n", pid);
    else if (!p->as)
        fprintf(out, "process %" PRIu32 " is a zombie: no address space\n", pid);
    return p && p->as ? p : NULL;
}

struct count_ctx {
    uint64_t n;
};

static int count_present(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct count_ctx *c = ctx;
    (void)base;
    for (unsigned k = i0; k < i1; k++)
        c->n += (leaf->e[k] & PTE_P) != 0;
    return 0;
}

void view_vmas(FILE *out, struct vm *vm, uint32_t pid)
{
    struct proc *p = live_proc(out, vm, pid);
    if (!p)
        return;
    struct aspace *as = p->as;
    fprintf(out, "%-18s %-18s %-4s %-8s %-22s %8s %8s\n", "START", "END", "PROT", "SHARING", "BACKING", "PAGES",
            "PRESENT");
    for (size_t i = 0; i < as->vmas.n; i++) {
        const struct vma *v = &as->vmas.v[i];
        char prot[4], backing[64], start[24], end[24];
        if (v->obj) {
            struct mobj *o = mobj_get(&vm->pc, v->obj);
            if (o->shm)
                snprintf(backing, sizeof backing, "%s", o->name);
            else
                snprintf(backing, sizeof backing, "file=%.40s@0x%" PRIx64, o->name, v->off);
        } else {
            snprintf(backing, sizeof backing, "anon");
        }
        struct count_ctx c = {0};
        pt_for_each_leaf(&vm->pts, &as->pt, v->start, v->end, count_present, &c);
        snprintf(start, sizeof start, "0x%" PRIx64, v->start);
        snprintf(end, sizeof end, "0x%" PRIx64, v->end);
        fprintf(out, "%-18s %-18s %-4s %-8s %-22s %8" PRIu64 " %8" PRIu64 "\n", start, end,
                vma_prot_str(v->prot, prot), v->shared ? "shared" : "private", backing,
                (v->end - v->start) >> vm->arch->page_shift, c.n);
    }
    if (as->has_image)
        fprintf(out, "heap start 0x%" PRIx64 ", break 0x%" PRIx64 "\n", as->heap_start, as->brk);
}

struct pages_ctx {
    FILE *out;
    struct vm *vm;
    struct aspace *as;
};

static int print_pages(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct pages_ctx *c = ctx;
    struct vm *vm = c->vm;
    for (unsigned k = i0; k < i1; k++) {
        uint64_t e = leaf->e[k];
        if (!e)
            continue;
        uint64_t va = base + ((uint64_t)k << vm->arch->page_shift);
        uint32_t f = pte_frame(e);
        const struct vma *v = vma_find(&c->as->vmas, va);
        char addr[24], frame[16];
        snprintf(addr, sizeof addr, "0x%" PRIx64, va);
        if (pte_is_swap(e)) { /* no frame: the slot that holds the page */
            fprintf(c->out, "%-18s %6s  %-5s  %-7s %8s %8s  %-20" PRIu64 " slot %" PRIu32 "\n", addr, "-", "swap", "---",
                    "-", "-", swap_value(&vm->swap, pte_slot(e)), pte_slot(e));
            continue;
        }
        if (f == vm->ft.n)
            snprintf(frame, sizeof frame, "zero");
        else
            snprintf(frame, sizeof frame, "%" PRIu32, f);
        fprintf(c->out, "%-18s %6s  %-5s  %c%c%c %-3s %8" PRIu64 " %8" PRIu32 "  %" PRIu64 "\n", addr, frame,
                frame_kind_name(&vm->ft, f),
                (e & PTE_W) ? 'w' : '-', (e & PTE_A) ? 'a' : '-', (e & PTE_D) ? 'd' : '-',
                v && aspace_entry_is_cow(v, e) ? "cow" : "", frame_refcount(&vm->ft, f), rmap_mappers(&vm->rmap, f),
                vm->ft.fr[f].value);
    }
    return 0;
}

void view_pages(FILE *out, struct vm *vm, uint32_t pid)
{
    struct proc *p = live_proc(out, vm, pid);
    if (!p)
        return;
    fprintf(out, "%-18s %6s  %-5s  %-7s %8s %8s  %s\n", "ADDRESS", "FRAME", "KIND", "FLAGS", "REFCOUNT", "MAPPERS",
            "VALUE");
    struct pages_ctx c = {out, vm, p->as};
    pt_for_each_leaf(&vm->pts, &p->as->pt, 0, vm->arch->user_top, print_pages, &c);
    fprintf(out, "rss %" PRIu64 ", page tables %" PRIu64, p->as->pt.rss, p->as->pt.pages);
    if (p->as->pt.swaps)
        fprintf(out, ", swap entries %" PRIu64, p->as->pt.swaps);
    fputc('\n', out);
}

/* ---- swap -------------------------------------------------------------------- */

void view_swap(FILE *out, struct vm *vm)
{
    const struct swap *sw = &vm->swap;
    if (!sw->n) {
        fputs("no swap space\n", out);
        return;
    }
    fprintf(out, "%" PRIu64 " of %" PRIu32 " swap slots in use (%" PRIu64 " written, %" PRIu64 " read)\n", sw->used, sw->n,
            sw->writes, sw->reads);
    fprintf(out, "%8s %8s  %-20s %s\n", "SLOT", "COUNT", "VALUE", "IN MEMORY");
    for (uint32_t s = 0; s < sw->n && sw->used; s++) {
        if (!lowbits_has(&sw->inuse, s))
            continue;
        uint32_t f = swap_frame_of(sw, s);
        if (f != FRAME_NONE)
            fprintf(out, "%8" PRIu32 " %8" PRIu32 "  %-20" PRIu64 " frame %" PRIu32 " (the swap cache)\n", s, swap_count(sw, s),
                    swap_value(sw, s), f);
        else
            fprintf(out, "%8" PRIu32 " %8" PRIu32 "  %" PRIu64 "\n", s, swap_count(sw, s), swap_value(sw, s));
    }
}

/* ---- the TLB ----------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* space_pids: the pids using address space id, rising, as "1,2" */
static void space_pids(struct vm *vm, uint32_t id, char *buf, size_t len)
{
    struct proc *p, *tmp;
    const struct aspace *as = NULL;
    HASH_ITER(hh, vm->procs, p, tmp)
    if (p->as && p->as->id == id)
        as = p->as;
    snprintf(buf, len, "-");
    if (!as || !as->npids)
        return;
    uint32_t *pids = vm_xmalloc(as->npids * sizeof *pids);
    memcpy(pids, as->pids, as->npids * sizeof *pids);
    qsort(pids, as->npids, sizeof *pids, cmp_u32);
    size_t used = 0;
    for (uint32_t i = 0; i < as->npids && used + 12 < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%" PRIu32, i ? "," : "", pids[i]);
    free(pids);
}

void view_tlb(FILE *out, struct vm *vm)
{
    const struct tlb *t = &vm->tlb;
    if (!t->n) {
        fputs("no TLB (--tlb 0)\n", out);
        return;
    }
    fprintf(out, "%" PRIu32 " %s: %" PRIu32 " %s of %" PRIu32 " %s, %s\n", t->n, vm_plural(t->n, "entry", "entries"),
            t->sets, vm_plural(t->sets, "set", "sets"), t->ways, vm_plural(t->ways, "way", "ways"),
            t->asid ? "tagged by address space (--asid)" : "without --asid");
    fprintf(out, "%" PRIu32 " in use", t->nlive);
    if (t->cpu_pid)
        fprintf(out, "; the latest access was by process %" PRIu32, t->cpu_pid);
    fputc('\n', out);
    if (!t->nlive)
        return;
    fprintf(out, "%6s %4s %4s  %-10s %-18s %-14s %6s  %s\n", "SET", "WAY", "LRU", "PIDS", "ADDRESS", "PAGE", "FRAME",
            "W");
    for (uint32_t s = 0; s < t->sets; s++) {
        uint32_t n = 0;
        for (uint32_t k = t->mru[s]; k != TLB_NONE; k = tlb_older(t, k))
            n++;
        /* most recently used first; LRU 1 is the one a full set replaces next */
        for (uint32_t k = t->mru[s]; k != TLB_NONE; k = tlb_older(t, k), n--) {
            const struct tlb_entry *x = &t->e[k];
            char pids[64], addr[24], page[24], frame[16];
            space_pids(vm, x->as, pids, sizeof pids);
            snprintf(addr, sizeof addr, "0x%" PRIx64, x->page << vm->arch->page_shift);
            snprintf(page, sizeof page, "0x%" PRIx64, x->page);
            if (x->frame == vm->ft.n)
                snprintf(frame, sizeof frame, "zero");
            else
                snprintf(frame, sizeof frame, "%" PRIu32, x->frame);
            fprintf(out, "%6" PRIu32 " %4" PRIu32 " %4" PRIu32 "  %-10s %-18s %-14s %6s  %s\n", s, k - s * t->ways, n,
                    pids, addr, page, frame, x->w ? "w" : "-");
        }
    }
}

/* ---- frames ----------------------------------------------------------------- */

void view_frames(FILE *out, struct vm *vm)
{
    struct frames *ft = &vm->ft;
    fprintf(out, "%" PRIu32 " of %" PRIu32 " frames in use: anon %" PRIu32 ", cache %" PRIu32 ", pt %" PRIu32 "\n",
            ft->used, ft->n, ft->count[FK_ANON], ft->count[FK_CACHE], ft->count[FK_PT]);
    fprintf(out, "%8s  %-5s %8s %8s  %-20s %s\n", "FRAME", "KIND", "REFCOUNT", "MAPPERS", "VALUE", "HOLDS");
    for (uint32_t f = 0; f < ft->n && ft->used; f++) {
        enum frame_kind k = frame_kind(ft, f);
        if (k == FK_FREE)
            continue;
        char holds[80] = "";
        if (k == FK_CACHE) {
            struct cache_page *cp = pc_page_of_frame(&vm->pc, f);
            if (cp)
                snprintf(holds, sizeof holds, "%.40s page %" PRIu64, mobj_get(&vm->pc, cp->key.obj)->name,
                         cp->key.page);
        } else if (k == FK_PT) {
            snprintf(holds, sizeof holds, "a page table");
        }
        uint32_t slot = swap_copy_of(&vm->swap, f);
        if (slot != SLOT_NONE) {
            size_t used = strlen(holds);
            snprintf(holds + used, sizeof holds - used, "%sthe copy of swap slot %" PRIu32, used ? "; " : "", slot);
        }
        if (*holds)
            fprintf(out, "%8" PRIu32 "  %-5s %8" PRIu32 " %8" PRIu32 "  %-20" PRIu64 " %s\n", f, frame_kind_names[k],
                    frame_ref(ft, f), k == FK_PT ? 0 : rmap_mappers(&vm->rmap, f), ft->fr[f].value, holds);
        else
            fprintf(out, "%8" PRIu32 "  %-5s %8" PRIu32 " %8" PRIu32 "  %" PRIu64 "\n", f, frame_kind_names[k], frame_ref(ft, f),
                    k == FK_PT ? 0 : rmap_mappers(&vm->rmap, f), ft->fr[f].value);
    }
    if (ft->zero_refs)
        fprintf(out, "%8s  %-5s %8" PRIu64 " %8" PRIu32 "  %-20d %s\n", "zero", "zero", ft->zero_refs,
                rmap_mappers(&vm->rmap, ft->n), 0, "the zero page");
}

int view_show(FILE *out, struct vm *vm, const struct ev *ev)
{
    static const char *const names[] = {"pstree", "frames", "stats", "vmas", "pages", "swap", "tlb"};
    /* a pid no process ever had is an error, as it is for events */
    if ((ev->show == SHOW_VMAS || ev->show == SHOW_PAGES) && !proc_find(vm, ev->pid) && !proc_pid_lost(vm, ev->pid))
        return vm_error(vm, "no process %" PRIu32, ev->pid);
    if (!out) /* nobody reads the views (the quiz, the grader): the checks only */
        return 0;
    if (ev->show == SHOW_VMAS || ev->show == SHOW_PAGES)
        fprintf(out, "== line %" PRIu64 ": show %s %" PRIu32 " ==\n", ev->line, names[ev->show], ev->pid);
    else
        fprintf(out, "== line %" PRIu64 ": show %s ==\n", ev->line, names[ev->show]);
    switch (ev->show) {
    case SHOW_PSTREE:
        view_pstree(out, vm);
        break;
    case SHOW_FRAMES:
        view_frames(out, vm);
        break;
    case SHOW_STATS:
        stats_write(out, vm, OUT_TEXT);
        break;
    case SHOW_VMAS:
        view_vmas(out, vm, ev->pid);
        break;
    case SHOW_PAGES:
        view_pages(out, vm, ev->pid);
        break;
    case SHOW_SWAP:
        view_swap(out, vm);
        break;
    case SHOW_TLB:
        view_tlb(out, vm);
        break;
    }
    return 0;
}
