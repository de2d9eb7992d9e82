/* html.c -- vmsim run --html: the step-through view of a run (see html.h).
 *
 * What a line touched comes from its facts, kept in three lists until the
 * end of the line: entries (address space, address, what happened to
 * them), frames and pids. Then the state of each is read and written as
 * the line's step. Address spaces are named by their id (aspace.h); the
 * view knows which ones the page holds, learns of new ones from the
 * processes the facts name, and of dropped ones from the write path
 * (PTC_DROP).
 */
#include "vmsim/html.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <uthash.h>
#include <utstring.h>

#include "vmsim/aspace.h"
#include "vmsim/explain.h"
#include "vmsim/machine.h"
#include "vmsim/outfile.h"
#include "vmsim/pagecache.h"
#include "vmsim/proc.h"
#include "vmsim/rmap.h"
#include "vmsim/swap.h"
#include "vmsim/tlb.h"
#include "vmsim/util.h"
#include "vmsim/vma.h"

/* the page (sim/io/html/page.html), one line per string, built into the
 * library by mk/html.mk; the data goes in place of its marker line */
extern const char *const vmsim_html_page[];
extern const size_t vmsim_html_page_lines;
#define HTML_MARKER "<!--vmsim-data-->\n"

/* what happened to an entry, besides what the page sees by comparing (the
 * page's script reads these bits: keep them in step with page.html) */
enum {
    EM_FORKED = 1,   /* the child's copy, made by a fork */
    EM_COPIED = 2,   /* a cow_copy fault gave it a new frame */
    EM_REUSED = 4,   /* a cow_reuse fault made it writable again */
    EM_WRITTEN = 8,  /* written by this line */
    EM_UNSHARED = 16 /* in the private copy of a shared leaf (sharept) */
};

/* entry flags in the data */
enum { EF_P = 1, EF_W = 2, EF_D = 8, EF_S = 16, EF_COW = 32 };

/* what to write of an address space */
enum { AS_FULL = 1, AS_VMAS = 2, AS_TABLES = 4, AS_DROPPED = 8, AS_ENTRIES = 16 };

struct dent {
    uint64_t va;
    uint32_t as;
    uint32_t marks;
};
struct dframe {
    uint32_t f;
    uint32_t isnew; /* taken by this line */
};
/* an address space, and (AS_VMAS) the window of addresses whose VMAs changed */
struct das {
    uint32_t as;
    uint32_t what;
    uint64_t lo, hi;
};
struct kept {
    uint64_t line;
    size_t off, len; /* in text */
};
/* a swap slot as the page holds it (the view's copy, to tell what changed) */
struct kslot {
    uint32_t slot;
    uint32_t count;
    uint32_t frame; /* 1 + the frame holding its copy (0: none) */
    uint64_t value;
    UT_hash_handle hh;
};
/* a way of the TLB as the page holds it (as 0: empty) */
struct kway {
    uint64_t page;
    uint32_t as, frame;
    uint8_t w;
};
struct live {
    /* cppcheck-suppress unusedStructMember ; the key of find_live's sort and live_as's search */
    uint32_t id;
    struct aspace *as;
};

struct html_view {
    FILE *out;
    char *path;
    struct outfile file; /* what a failure may do to path (outfile.h) */
    char *trace;     /* the trace's path, to list its lines (NULL: standard input or memory) */
    uint64_t max_events;
    uint64_t bytes;  /* of data written */
    bool failed;     /* a write failed */
    /* recording */
    bool stopped;    /* past the limit: only counting */
    uint64_t stop_line; /* the first line not recorded (0: none) */
    const char *stop_why;
    uint64_t events, steps, last_line;
    uint64_t err_line;
    char *err_msg;
    bool full;       /* the data reached HTML_MAX_DATA */
    bool snapshots;  /* every step holds the whole state (html_snapshots) */
    const struct ev *ev;
    struct explain x;
    struct vm_observer xo; /* x's callbacks, driven by this view's */
    UT_string *why;
    UT_string *text; /* each recorded line's text, for a trace that cannot be read again */
    struct kept *kept;
    size_t nkept, capkept;
    /* what the current line touched */
    struct dent *dents;
    size_t ndents, capdents;
    struct dframe *dframes;
    size_t ndframes, capdframes;
    uint32_t *dpids;
    size_t ndpids, capdpids;
    struct das *das;
    size_t ndas, capdas;
    uint32_t *dslots; /* swap slots that may have changed */
    size_t ndslots, capdslots;
    uint32_t *dsets;  /* TLB sets that may have changed */
    size_t ndsets, capdsets;
    bool tlb_all;     /* any way of the TLB may have changed */
    /* the swap slots and TLB ways the page holds */
    struct kslot *kslots;     /* by slot */
    uint32_t *copy_of;        /* per frame: 1 + the slot whose copy it holds, as the page has it */
    uint32_t ncopy_of;
    struct kway *kways;       /* sets * ways */
    uint32_t nkways, kways_live;
    /* address spaces the page holds, sorted */
    uint32_t *known;
    size_t nknown, capknown;
    /* scratch: the live address spaces at the end of a line, by id */
    struct live *live;
    size_t nlive, caplive;
    struct vm *vm;
    /* the machine, written before the first step: the run's (a trace's
     * options lines make it), or the one asked for when no step came */
    bool init_done;
    char *init_trace;
    struct vm_config init_cfg;
};

static void write_init(struct html_view *h, const struct vm_config *c);

#define PUSH(arr, n, cap, val)                                                                                         \
    do {                                                                                                               \
        if ((n) == (cap)) {                                                                                            \
            (cap) = (cap) ? 2 * (cap) : 64;                                                                            \
            (arr) = vm_xrealloc((arr), (cap) * sizeof *(arr));                                                         \
        }                                                                                                              \
        (arr)[(n)++] = (val);                                                                                          \
    } while (0)

/* ---- writing ---------------------------------------------------------------------- */

static void put(struct html_view *h, const char *s, size_t n)
{
    if (n && fwrite(s, 1, n, h->out) != n)
        h->failed = true;
    h->bytes += n;
}

static void puts_(struct html_view *h, const char *s) { put(h, s, strlen(s)); }

static void putf(struct html_view *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct html_view *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(h->out, fmt, ap);
    va_end(ap);
    if (n < 0)
        h->failed = true;
    else
        h->bytes += (uint64_t)n;
}

/* jstr: a JSON string. Nothing in it can close the script element: '<',
 * '>' and '&' are escaped; bytes that are not UTF-8 become U+FFFD. */
static void jstr(struct html_view *h, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    puts_(h, "\"");
    size_t run = 0; /* bytes written as they are, pending */
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        size_t len = 1;
        const char *esc = NULL;
        char buf[8];
        if (c >= 0x80) {
            len = vm_utf8_len(u + i, n - i);
            if (!len) {
                esc = "\\ufffd";
                len = 1;
            }
        } else if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
            snprintf(buf, sizeof buf, "\\u%04x", c);
            esc = buf;
        }
        if (esc) {
            put(h, s + i - run, run);
            run = 0;
            puts_(h, esc);
        } else {
            run += len;
        }
        i += len;
    }
    put(h, s + n - run, run);
    puts_(h, "\"");
}

static void jcstr(struct html_view *h, const char *s) { jstr(h, s, strlen(s)); }

/* jnum: a 64-bit number, as a string past 2^53 (where JSON's numbers stop
 * being exact in a browser) */
static void jnum(struct html_view *h, uint64_t v)
{
    if (v < (UINT64_C(1) << 53))
        putf(h, "%" PRIu64, v);
    else
        putf(h, "\"%" PRIu64 "\"", v);
}

/* jhex: an address, as a hex string without 0x */
static void jhex(struct html_view *h, uint64_t v) { putf(h, "\"%" PRIx64 "\"", v); }

/* ---- what a line touched -------------------------------------------------------------- */

static uint32_t as_id(const struct pagetable *p) { return ((const struct aspace *)p->owner)->id; }

static void touch_as(struct html_view *h, uint32_t as, uint32_t what)
{
    struct das d = {as, what, UINT64_MAX, 0};
    PUSH(h->das, h->ndas, h->capdas, d);
}

static void touch_entry(struct html_view *h, uint32_t as, uint64_t va, uint32_t marks)
{
    struct dent d = {va, as, marks};
    PUSH(h->dents, h->ndents, h->capdents, d);
}

/* touch_vmas: the VMAs of as that overlap [lo, hi) may have changed; a VMA
 * split at lo or hi overlaps the window [lo - 1, hi + 1) */
static void touch_vmas(struct html_view *h, uint32_t as, uint64_t lo, uint64_t hi)
{
    struct das d = {as, AS_VMAS, lo ? lo - 1 : 0, hi < UINT64_MAX ? hi + 1 : hi};
    PUSH(h->das, h->ndas, h->capdas, d);
}

static void touch_frame(struct html_view *h, uint32_t f, bool isnew)
{
    struct dframe d = {f, isnew};
    PUSH(h->dframes, h->ndframes, h->capdframes, d);
}

/* touch_slot: the swap slot of entry e, if it is a swap entry */
static void touch_slot(struct html_view *h, uint64_t e)
{
    if (pte_is_swap(e))
        PUSH(h->dslots, h->ndslots, h->capdslots, pte_slot(e));
}

static void touch_set(struct html_view *h, uint32_t set) { PUSH(h->dsets, h->ndsets, h->capdsets, set); }

static void touch_pid(struct html_view *h, uint32_t pid)
{
    if (pid)
        PUSH(h->dpids, h->ndpids, h->capdpids, pid);
}

/* the address space of process pid now (0: none) */
static uint32_t pid_as(struct vm *vm, uint32_t pid)
{
    struct proc *p = proc_find(vm, pid);
    return p && p->as ? p->as->id : 0;
}

/* entries [i0, i1) of leaf, as each of its owners sees them (or p alone) */
static void touch_leaf(struct html_view *h, struct vm *vm, const struct pagetable *p, struct pt *leaf, unsigned i0,
                       unsigned i1, uint32_t marks, bool frames)
{
    for (unsigned i = i0; i < i1; i++) {
        uint64_t e = leaf->e[i];
        if (!e)
            continue;
        touch_slot(h, e);
        uint64_t va = pt_entry_va(&vm->pts, leaf, i);
        if (p) {
            touch_entry(h, as_id(p), va, marks);
        } else {
            for (uint32_t k = 0; k < leaf->share; k++)
                touch_entry(h, as_id(pt_leaf_owner(leaf, k)), va, marks);
        }
        if (frames && (e & PTE_P))
            touch_frame(h, pte_frame(e), false);
    }
}

static void touch_owners(struct html_view *h, const struct pt *leaf, uint32_t what)
{
    for (uint32_t k = 0; k < leaf->share; k++)
        touch_as(h, as_id(pt_leaf_owner(leaf, k)), what);
}

static void pte_fact(struct html_view *h, struct vm *vm, const struct pt_change *c)
{
    unsigned n = 1u << vm->arch->level_bits;
    switch (c->kind) {
    case PTC_FILL:
    case PTC_REPLACE:
    case PTC_CLEAR:
    case PTC_SWAP_OUT:
    case PTC_SWAP_IN:
        touch_slot(h, c->old);
        touch_slot(h, c->new);
        if (c->old & PTE_P)
            touch_frame(h, pte_frame(c->old), false);
        if (c->new & PTE_P)
            touch_frame(h, pte_frame(c->new), false);
        if (c->p)
            touch_entry(h, as_id(c->p), pt_entry_va(&vm->pts, c->leaf, c->i), 0);
        else
            for (uint32_t k = 0; k < c->leaf->share; k++)
                touch_entry(h, as_id(pt_leaf_owner(c->leaf, k)), pt_entry_va(&vm->pts, c->leaf, c->i), 0);
        break;
    case PTC_PROTECT:
        touch_leaf(h, vm, c->p, c->leaf, c->i, c->end, 0, false);
        break;
    case PTC_FORK:
        touch_leaf(h, vm, c->p, c->leaf, c->i, c->end, EM_FORKED, true);
        break;
    case PTC_UNSHARE:
        touch_leaf(h, vm, c->p, c->leaf, 0, n, EM_UNSHARED, true);
        touch_as(h, as_id(c->p), AS_TABLES);
        touch_owners(h, c->src, AS_TABLES);
        break;
    case PTC_LEAF_MADE:
        touch_as(h, as_id(c->p), AS_TABLES);
        break;
    case PTC_LEAF_SHARED: /* the frames keep their refcounts: a shared leaf's entry counts once */
        touch_leaf(h, vm, c->p, c->leaf, 0, n, EM_FORKED, false);
        touch_owners(h, c->leaf, AS_TABLES);
        break;
    case PTC_LEAF_LEFT: /* p no longer sees its entries; the others share it with one fewer */
        touch_leaf(h, vm, c->p, c->leaf, 0, n, 0, false);
        touch_as(h, as_id(c->p), AS_TABLES);
        touch_owners(h, c->leaf, AS_TABLES);
        break;
    case PTC_LEAF_GONE: /* its entries are cleared without a change each */
        touch_leaf(h, vm, c->p, c->leaf, 0, n, 0, true);
        touch_as(h, as_id(c->p), AS_TABLES);
        break;
    case PTC_DROP: /* its TLB entries go without a fact */
        touch_as(h, as_id(c->p), AS_DROPPED);
        h->tlb_all = true;
        break;
    }
}

/* mprotect: whether an entry is cow depends on its VMA, so every entry of
 * the range is written again */
struct range_ctx {
    struct html_view *h;
    struct vm *vm;
    uint32_t as;
};

static int touch_range_leaf(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct range_ctx *r = ctx;
    (void)base;
    for (unsigned i = i0; i < i1; i++)
        if (leaf->e[i])
            touch_entry(r->h, r->as, pt_entry_va(&r->vm->pts, leaf, i), 0);
    return 0;
}

/* a write: the dirty bit and the value; an entry of a shared leaf is every
 * owner's (a write through a shared mapping does not unshare it) */
struct written_ctx {
    struct html_view *h;
    uint64_t va;
};

static int written_leaf(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct written_ctx *c = ctx;
    (void)i0;
    (void)i1;
    (void)base;
    for (uint32_t k = 0; k < leaf->share; k++)
        touch_entry(c->h, as_id(pt_leaf_owner(leaf, k)), c->va, EM_WRITTEN);
    return 1;
}

static void touch_written(struct html_view *h, struct vm *vm, uint32_t pid, uint64_t va)
{
    struct proc *p = proc_find(vm, pid);
    struct written_ctx c = {h, va};
    if (p && p->as)
        pt_for_each_leaf(&vm->pts, &p->as->pt, va, va + 1, written_leaf, &c);
}

static void tlb_fact(struct html_view *h, struct vm *vm, const struct tlb_fact *t)
{
    switch (t->what) {
    case TLB_MISS: /* an entry that did not allow the write is removed */
    case TLB_FILL:
        touch_set(h, t->set);
        break;
    case TLB_INVALIDATE:
        touch_set(h, tlb_set_of(&vm->tlb, t->page));
        break;
    case TLB_SWITCH:
    case TLB_FLUSH:
        if (t->entries)
            h->tlb_all = true;
        break;
    default:
        break;
    }
}

static void fact(void *ctx, struct vm *vm, const struct fact *f)
{
    struct html_view *h = ctx;
    if (h->stopped || !h->ev)
        return;
    h->vm = vm;
    if (h->xo.wants & FACT_BIT(f->kind))
        h->xo.fact(h->xo.ctx, vm, f);
    uint64_t page = arch_page_down(vm->arch, f->va); /* an access's address is a byte's */
    switch (f->kind) {
    case FACT_ACCESS:
        if (f->write)
            touch_written(h, vm, f->pid, page);
        break;
    case FACT_FAULT:
        if (f->fc == FC_COW_COPY)
            touch_entry(h, pid_as(vm, f->pid), page, EM_COPIED);
        else if (f->fc == FC_COW_REUSE)
            touch_entry(h, pid_as(vm, f->pid), page, EM_REUSED);
        else if (f->fc == FC_SEGV)
            touch_pid(h, f->pid);
        else if (f->fc == FC_SWAP_IN)
            PUSH(h->dslots, h->ndslots, h->capdslots, f->u.fault.slot);
        break;
    case FACT_EVICT:
        if (f->u.evict.slot != SLOT_NONE)
            PUSH(h->dslots, h->ndslots, h->capdslots, f->u.evict.slot);
        break;
    case FACT_TLB:
        tlb_fact(h, vm, &f->u.tlb);
        break;
    case FACT_FRAME_TAKEN:
        touch_frame(h, f->u.frame.frame, true);
        break;
    case FACT_FRAME_FREED:
        touch_frame(h, f->u.frame.frame, false);
        break;
    case FACT_PTE:
        pte_fact(h, vm, f->u.pte);
        break;
    case FACT_MAP: {
        uint32_t as = pid_as(vm, f->pid);
        uint64_t end = f->va + f->u.map.len;
        touch_vmas(h, as, f->va, end < f->va ? UINT64_MAX : end);
        if (h->ev->op == EV_MPROTECT) {
            struct proc *p = proc_find(vm, f->pid);
            struct range_ctx r = {h, vm, as};
            pt_for_each_leaf(&vm->pts, &p->as->pt, f->va, f->va + f->u.map.len, touch_range_leaf, &r);
        }
        break;
    }
    case FACT_BRK:
        touch_vmas(h, pid_as(vm, f->pid), f->u.brk.old < f->u.brk.new ? f->u.brk.old : f->u.brk.new,
                   f->u.brk.old < f->u.brk.new ? f->u.brk.new : f->u.brk.old);
        break;
    case FACT_FORK:
    case FACT_SUSPEND:
    case FACT_RESUME:
        touch_pid(h, f->pid);
        touch_pid(h, f->pid2);
        break;
    case FACT_PROC_NEW:
    case FACT_EXEC:
    case FACT_EXIT:
    case FACT_REPARENT:
    case FACT_REAP:
    case FACT_SPACE_LEFT:
    case FACT_OOM_KILL:
        touch_pid(h, f->pid);
        break;
    default:
        break;
    }
}

/* ---- the state of what was touched ------------------------------------------------------ */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_dent(const void *a, const void *b)
{
    const struct dent *x = a, *y = b;
    if (x->as != y->as)
        return (x->as > y->as) - (x->as < y->as);
    return (x->va > y->va) - (x->va < y->va);
}

static int cmp_dframe(const void *a, const void *b)
{
    return cmp_u32(&((const struct dframe *)a)->f, &((const struct dframe *)b)->f);
}

static int cmp_das(const void *a, const void *b)
{
    return cmp_u32(&((const struct das *)a)->as, &((const struct das *)b)->as);
}
static int cmp_live(const void *a, const void *b)
{
    uint32_t x = ((const struct live *)a)->id, y = ((const struct live *)b)->id;
    return (x > y) - (x < y);
}

static bool is_known(const struct html_view *h, uint32_t as)
{
    return h->nknown && bsearch(&as, h->known, h->nknown, sizeof *h->known, cmp_u32) != NULL;
}

static void set_known(struct html_view *h, uint32_t as, bool known)
{
    size_t lo = 0, hi = h->nknown;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h->known[mid] < as)
            lo = mid + 1;
        else
            hi = mid;
    }
    bool there = lo < h->nknown && h->known[lo] == as;
    if (known && !there) {
        PUSH(h->known, h->nknown, h->capknown, 0);
        memmove(h->known + lo + 1, h->known + lo, (h->nknown - 1 - lo) * sizeof *h->known);
        h->known[lo] = as;
    } else if (!known && there) {
        memmove(h->known + lo, h->known + lo + 1, (h->nknown - 1 - lo) * sizeof *h->known);
        h->nknown--;
    }
}

static struct aspace *live_as(const struct html_view *h, uint32_t id)
{
    struct live key = {id, NULL};
    struct live *l = h->nlive ? bsearch(&key, h->live, h->nlive, sizeof *h->live, cmp_live) : NULL;
    return l ? l->as : NULL;
}

static void find_live(struct html_view *h, struct vm *vm)
{
    struct proc *p, *tmp;
    h->nlive = 0;
    HASH_ITER(hh, vm->procs, p, tmp)
    if (p->as) {
        struct live l = {p->as->id, p->as};
        PUSH(h->live, h->nlive, h->caplive, l);
    }
    if (h->nlive)
        qsort(h->live, h->nlive, sizeof *h->live, cmp_live);
}

static void write_proc(struct html_view *h, struct vm *vm, uint32_t pid)
{
    struct proc *p = proc_find(vm, pid);
    if (!p) {
        putf(h, "[%" PRIu32 "]", pid);
        return;
    }
    putf(h, "[%" PRIu32 ",%" PRIu32 ",", p->pid, p->ppid);
    jcstr(h, proc_state_names[p->state]);
    puts_(h, ",");
    jcstr(h, p->program ? p->program->name : "");
    putf(h, ",%" PRIu32 ",%d,%d,%" PRIu32 "]", p->as ? p->as->id : 0, p->exit_status, p->killed ? 1 : 0,
         p->vfork_parent);
}

/* an entry's flags, cow decided by its VMA */
static unsigned entry_flags(struct aspace *as, uint64_t va, uint64_t e)
{
    if (pte_is_swap(e))
        return EF_S;
    unsigned fl = EF_P | ((e & PTE_W) ? EF_W : 0) | ((e & PTE_D) ? EF_D : 0);
    const struct vma *v = vma_find(&as->vmas, va);
    if (v && aspace_entry_is_cow(v, e))
        fl |= EF_COW;
    return fl;
}

struct entry_ctx {
    struct html_view *h;
    struct aspace *as;
    bool first;
    const struct dent *d; /* the entries this line touched, by address */
    size_t nd;
    uint64_t e; /* one entry's value (lookups) */
};

static int cmp_va(const void *key, const void *elem)
{
    uint64_t va = *(const uint64_t *)key, x = ((const struct dent *)elem)->va;
    return (va > x) - (va < x);
}

static void write_entry(struct html_view *h, struct aspace *as, uint64_t va, uint64_t e, uint32_t marks, bool *first)
{
    if (!*first)
        puts_(h, ",");
    *first = false;
    puts_(h, "[");
    jhex(h, va);
    if (e & (PTE_P | PTE_S))
        putf(h, ",%u,%" PRIu32 ",%" PRIu32 "]", entry_flags(as, va, e), pte_frame(e), marks);
    else
        puts_(h, "]");
}

static int all_entries_leaf(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct entry_ctx *c = ctx;
    (void)base;
    for (unsigned i = i0; i < i1; i++)
        if (leaf->e[i]) {
            uint64_t va = pt_entry_va(&c->h->vm->pts, leaf, i);
            const struct dent *d = c->nd ? bsearch(&va, c->d, c->nd, sizeof *c->d, cmp_va) : NULL;
            write_entry(c->h, c->as, va, leaf->e[i], d ? d->marks : 0, &c->first);
        }
    return 0;
}

static int lookup_leaf(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct entry_ctx *c = ctx;
    (void)base;
    (void)i1;
    c->e = leaf->e[i0];
    return 1;
}

/* the tables of a page table, in the order of a walk down: the root, then
 * for each leaf the upper tables not written yet and the leaf */
struct table_ctx {
    struct html_view *h;
    struct aspace *as;
    uint64_t prev_base[64];
    bool any_prev;
};

static void write_table(struct html_view *h, unsigned level, uint64_t base, const struct pt *t, bool leaf)
{
    putf(h, ",[%u,", level);
    jhex(h, base);
    putf(h, ",%d", t->frame == FRAME_NONE ? -1 : (int)t->frame);
    if (leaf && t->share > 1) {
        puts_(h, ",[");
        for (uint32_t k = 0; k < t->share; k++)
            putf(h, "%s%" PRIu32, k ? "," : "", as_id(pt_leaf_owner(t, k)));
        puts_(h, "]");
    }
    puts_(h, "]");
}

static int tables_leaf(void *ctx, struct pt *leaf, unsigned i0, unsigned i1, uint64_t base)
{
    struct table_ctx *c = ctx;
    struct vm *vm = c->h->vm;
    const struct arch *a = vm->arch;
    unsigned leaf_level = a->levels - 1;
    (void)i0;
    (void)i1;
    if (leaf_level == 0)
        return 0; /* the root is the leaf: written already */
    for (unsigned l = 1; l < leaf_level; l++) {
        uint64_t span = arch_span(a, l - 1); /* what one table of level l maps */
        uint64_t tb = span ? base / span * span : 0;
        if (c->any_prev && c->prev_base[l] == tb)
            continue;
        c->prev_base[l] = tb;
        const struct pt *t = pt_table_at(&vm->pts, &c->as->pt, base, l, false);
        write_table(c->h, l, tb, t, false);
    }
    c->any_prev = true;
    write_table(c->h, leaf_level, base, leaf, true);
    return 0;
}

static void write_tables(struct html_view *h, struct aspace *as)
{
    puts_(h, ",\"t\":[");
    putf(h, "[0,\"0\",%d", as->pt.root->frame == FRAME_NONE ? -1 : (int)as->pt.root->frame);
    if (h->vm->arch->levels == 1 && as->pt.root->share > 1) {
        puts_(h, ",[");
        for (uint32_t k = 0; k < as->pt.root->share; k++)
            putf(h, "%s%" PRIu32, k ? "," : "", as_id(pt_leaf_owner(as->pt.root, k)));
        puts_(h, "]");
    }
    puts_(h, "]");
    struct table_ctx c = {.h = h, .as = as};
    pt_for_each_leaf(&h->vm->pts, &as->pt, 0, h->vm->arch->user_top, tables_leaf, &c);
    puts_(h, "]");
}

/* the VMAs of as: all of them ("v"), or (lo < hi) those that overlap the
 * window [lo, hi), which take the place of those the page had there ("vw") */
static void write_vmas(struct html_view *h, struct vm *vm, struct aspace *as, uint64_t lo, uint64_t hi)
{
    size_t i = 0, n = as->vmas.n;
    if (lo < hi) {
        puts_(h, ",\"vw\":[");
        jhex(h, lo);
        puts_(h, ",");
        jhex(h, hi);
        puts_(h, ",[");
        i = vma_first_ending_after(&as->vmas, lo);
    } else {
        puts_(h, ",\"v\":[");
    }
    for (size_t i0 = i; i < n; i++) {
        const struct vma *v = &as->vmas.v[i];
        if (lo < hi && v->start >= hi)
            break;
        char prot[4], backing[96];
        if (v->obj) {
            struct mobj *o = mobj_get(&vm->pc, v->obj);
            if (o->shm)
                snprintf(backing, sizeof backing, "%s", o->name);
            else
                snprintf(backing, sizeof backing, "file=%.60s@0x%" PRIx64, o->name, v->off);
        } else {
            snprintf(backing, sizeof backing, "anon");
        }
        puts_(h, i > i0 ? ",[" : "[");
        jhex(h, v->start);
        puts_(h, ",");
        jhex(h, v->end);
        puts_(h, ",");
        jcstr(h, vma_prot_str(v->prot, prot));
        putf(h, ",%d,", v->shared ? 1 : 0);
        jcstr(h, backing);
        puts_(h, "]");
    }
    puts_(h, lo < hi ? "]]" : "]");
    if (as->has_image) {
        puts_(h, ",\"b\":[");
        jhex(h, as->heap_start);
        puts_(h, ",");
        jhex(h, as->brk);
        puts_(h, "]");
    } else {
        puts_(h, ",\"b\":0");
    }
}

/* one address space: what[] says which parts; the entries touched are
 * d[0 .. nd) */
static void write_as(struct html_view *h, struct vm *vm, const struct das *a, const struct dent *d, size_t nd,
                     bool *first)
{
    uint32_t id = a->as, what = a->what;
    struct aspace *as = live_as(h, id);
    if (!as && !is_known(h, id))
        return; /* made and dropped by the same line */
    puts_(h, *first ? "[" : ",[");
    *first = false;
    if (!as) {
        putf(h, "%" PRIu32 ",0]", id);
        set_known(h, id, false);
        return;
    }
    if (!is_known(h, id) || (what & AS_DROPPED))
        what |= AS_FULL;
    set_known(h, id, true);
    putf(h, "%" PRIu32 ",{\"r\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]", id, as->pt.rss, as->pt.pages, as->pt.swaps);
    if (what & AS_FULL) {
        puts_(h, ",\"full\":1");
        write_vmas(h, vm, as, 0, 0);
    } else if (what & AS_VMAS) {
        write_vmas(h, vm, as, a->lo, a->hi);
    }
    if (what & (AS_FULL | AS_TABLES))
        write_tables(h, as);
    if (what & AS_FULL) { /* every entry, with the marks of those this line touched */
        puts_(h, ",\"e\":[");
        struct entry_ctx c = {.h = h, .as = as, .first = true, .d = d, .nd = nd};
        pt_for_each_leaf(&vm->pts, &as->pt, 0, vm->arch->user_top, all_entries_leaf, &c);
        puts_(h, "]");
    } else if (nd) {
        puts_(h, ",\"e\":[");
        bool efirst = true;
        for (size_t k = 0; k < nd; k++) {
            struct entry_ctx c = {.h = h, .as = as};
            uint64_t va = d[k].va;
            pt_for_each_leaf(&vm->pts, &as->pt, va, va + 1, lookup_leaf, &c);
            write_entry(h, as, va, c.e, d[k].marks, &efirst);
        }
        puts_(h, "]");
    }
    for (size_t k = 0; k < nd; k++)
        if (d[k].marks & EM_WRITTEN) { /* the write changed its frame's value */
            struct entry_ctx c = {.h = h, .as = as};
            pt_for_each_leaf(&vm->pts, &as->pt, d[k].va, d[k].va + 1, lookup_leaf, &c);
            if (c.e & PTE_P)
                touch_frame(h, pte_frame(c.e), false);
        }
    puts_(h, "}]");
}

/* the entries of a frame's reverse map, as [address space, address] */
struct mapper_ctx {
    struct html_view *h;
    unsigned n;
};

static int write_mapper(void *ctx, const struct rmap_entry *e)
{
    struct mapper_ctx *c = ctx;
    for (uint32_t k = 0; k < e->leaf->share; k++) {
        putf(c->h, "%s[%" PRIu32 ",", c->n++ ? "," : "", as_id(pt_leaf_owner(e->leaf, k)));
        jhex(c->h, pt_entry_va(&c->h->vm->pts, e->leaf, e->i));
        puts_(c->h, "]");
    }
    return 0;
}

/* a frame: kind, refcount, value, what it holds. Which entries map it the
 * page knows from the entries it holds. */
static void write_frame(struct html_view *h, struct vm *vm, uint32_t f, bool isnew)
{
    struct frames *ft = &vm->ft;
    bool zero = frame_is_zero(ft, f);
    if (zero ? !ft->zero_refs : frame_kind(ft, f) == FK_FREE) {
        putf(h, "[%" PRIu32 "]", f);
        return;
    }
    putf(h, "[%" PRIu32 ",", f);
    jcstr(h, frame_kind_name(ft, f));
    puts_(h, ",");
    jnum(h, frame_refcount(ft, f));
    puts_(h, ",");
    jnum(h, ft->fr[f].value);
    puts_(h, ",");
    char holds[96] = "";
    if (!zero && frame_kind(ft, f) == FK_CACHE) {
        struct cache_page *cp = pc_page_of_frame(&vm->pc, f);
        if (cp)
            snprintf(holds, sizeof holds, "%.60s page %" PRIu64, mobj_get(&vm->pc, cp->key.obj)->name, cp->key.page);
    }
    jcstr(h, holds);
    if (!h->snapshots) {
        puts_(h, isnew ? ",1]" : "]");
        return;
    }
    /* a snapshot also says which entries map the frame, from the reverse
     * map, so that the page's own (made from the entries) can be checked */
    putf(h, ",%d,[", isnew ? 1 : 0);
    struct mapper_ctx c = {h, 0};
    rmap_for_each(&vm->rmap, f, write_mapper, &c);
    puts_(h, "]]");
}

/* the step of the current line: kind is "ev", "skip", "dir", "fail" or
 * "err"; text the line as written (may be NULL), why what it did */
/* touch_all: every process, address space and frame in use (snapshots) */
static void touch_all(struct html_view *h, struct vm *vm)
{
    struct proc *p, *tmp;
    HASH_ITER(hh, vm->procs, p, tmp)
    {
        touch_pid(h, p->pid);
        if (p->as)
            touch_as(h, p->as->id, AS_FULL);
    }
    for (uint32_t f = 0; f < vm->ft.n; f++)
        if (frame_kind(&vm->ft, f) != FK_FREE)
            touch_frame(h, f, false);
    if (vm->ft.zero_refs)
        touch_frame(h, vm->ft.n, false);
}

/* ---- swap slots and the TLB: what changed, against what the page holds ---------------- */

/* slot_changed: does the machine's slot differ from the page's? (every
 * slot in use does, for a snapshot) */
static bool slot_changed(const struct html_view *h, const struct swap *sw, uint32_t slot)
{
    bool inuse = slot < sw->n && lowbits_has(&sw->inuse, slot);
    const struct kslot *k;
    HASH_FIND(hh, h->kslots, &slot, sizeof slot, k);
    if (!inuse || !k)
        return inuse || k;
    const struct swap_slot *now = &sw->slot[slot];
    return h->snapshots || k->count != now->count || k->value != now->value || k->frame != now->frame;
}

/* write_slot: the slot as it is now, [slot] for one freed; the page's copy
 * becomes it */
static void write_slot(struct html_view *h, const struct swap *sw, uint32_t slot, bool first)
{
    struct kslot *k;
    HASH_FIND(hh, h->kslots, &slot, sizeof slot, k);
    if (k && k->frame && k->frame - 1 < h->ncopy_of && h->copy_of[k->frame - 1] == slot + 1)
        h->copy_of[k->frame - 1] = 0;
    if (!(slot < sw->n && lowbits_has(&sw->inuse, slot))) {
        if (k) {
            HASH_DEL(h->kslots, k);
            free(k);
        }
        putf(h, "%s[%" PRIu32 "]", first ? "" : ",", slot);
        return;
    }
    const struct swap_slot *now = &sw->slot[slot];
    if (!k) {
        k = vm_xcalloc(1, sizeof *k);
        k->slot = slot;
        HASH_ADD(hh, h->kslots, slot, sizeof k->slot, k);
    }
    k->count = now->count;
    k->value = now->value;
    k->frame = now->frame;
    if (k->frame && k->frame - 1 < h->ncopy_of)
        h->copy_of[k->frame - 1] = slot + 1;
    putf(h, "%s[%" PRIu32 ",%" PRIu32 ",", first ? "" : ",", slot, now->count);
    jnum(h, now->value);
    if (now->frame)
        putf(h, ",%" PRIu32, now->frame - 1);
    puts_(h, "]");
}

/* the slots of lowbits word w in use */
static void touch_slot_word(struct html_view *h, const struct swap *sw, uint64_t w)
{
    for (uint64_t bits = sw->inuse.bits[0][w]; bits; bits &= bits - 1) {
        uint64_t s = w * 64 + (uint64_t)__builtin_ctzll(bits);
        if (s < sw->n)
            PUSH(h->dslots, h->ndslots, h->capdslots, (uint32_t)s);
    }
}

/* write_swap: the slots the line changed ("s"). Those are among the slots
 * its facts named and those whose copy a frame it touched held or holds;
 * every slot is looked at when the page's count of slots in use is not the
 * machine's (a shared-memory object that goes drops its slots without a
 * fact), and for a snapshot. */
static void write_swap(struct html_view *h, struct vm *vm)
{
    const struct swap *sw = &vm->swap;
    if (!vm->cfg.replace || !sw->n)
        return;
    if (!h->copy_of) {
        h->ncopy_of = vm->ft.n;
        h->copy_of = vm_xcalloc((size_t)h->ncopy_of + 1, sizeof *h->copy_of);
    }
    for (size_t k = 0; k < h->ndframes; k++) {
        uint32_t f = h->dframes[k].f;
        if (f >= h->ncopy_of)
            continue;
        if (h->copy_of[f])
            PUSH(h->dslots, h->ndslots, h->capdslots, h->copy_of[f] - 1);
        if (swap_copy_of(sw, f) != SLOT_NONE)
            PUSH(h->dslots, h->ndslots, h->capdslots, swap_copy_of(sw, f));
    }
    if (h->snapshots || HASH_COUNT(h->kslots) != sw->used) {
        struct kslot *k, *tmp;
        HASH_ITER(hh, h->kslots, k, tmp)
        PUSH(h->dslots, h->ndslots, h->capdslots, k->slot);
        for (uint64_t w = 0; w < sw->inuse.nwords[0]; w++)
            touch_slot_word(h, sw, w);
    }
    if (!h->ndslots)
        return;
    qsort(h->dslots, h->ndslots, sizeof *h->dslots, cmp_u32);
    size_t m = 0;
    for (size_t k = 0; k < h->ndslots; k++)
        if ((!k || h->dslots[k] != h->dslots[k - 1]) && slot_changed(h, sw, h->dslots[k]))
            h->dslots[m++] = h->dslots[k];
    if (!m)
        return;
    puts_(h, ",\"s\":[");
    for (size_t k = 0; k < m; k++)
        write_slot(h, sw, h->dslots[k], k == 0);
    puts_(h, "]");
}

/* way_changed: does way k of the machine's TLB differ from the page's?
 * (every way in use does, for a snapshot) */
static bool way_changed(const struct html_view *h, const struct tlb *t, uint32_t k)
{
    const struct tlb_entry *e = &t->e[k];
    const struct kway *w = &h->kways[k];
    if (!e->as || !w->as)
        return e->as != w->as || (e->as && h->snapshots);
    return h->snapshots || e->as != w->as || e->page != w->page || e->frame != w->frame || e->w != w->w;
}

/* write_tlb: the ways the line changed ("tlb"), as [set, way, address space,
 * page, frame, writable], [set, way] for one emptied. They are in the sets
 * its facts named (a hit changes no way), or anywhere after a context
 * switch or a flush that removed entries, an address space dropped (its
 * entries go without a fact), when the page's count of entries is not the
 * machine's, and for a snapshot. */
static void write_tlb(struct html_view *h, struct vm *vm)
{
    const struct tlb *t = &vm->tlb;
    if (!tlb_on(t))
        return;
    if (!h->kways) {
        h->nkways = t->n;
        h->kways = vm_xcalloc(t->n, sizeof *h->kways);
    }
    bool all = h->tlb_all || h->snapshots || h->kways_live != t->nlive;
    size_t nsets = all ? t->sets : h->ndsets;
    if (!all && nsets)
        qsort(h->dsets, nsets, sizeof *h->dsets, cmp_u32);
    bool first = true;
    for (size_t i = 0; i < nsets; i++) {
        uint32_t set = all ? (uint32_t)i : h->dsets[i];
        if (!all && i && set == h->dsets[i - 1])
            continue;
        for (uint32_t way = 0; way < t->ways; way++) {
            uint32_t k = set * t->ways + way;
            if (k >= h->nkways || !way_changed(h, t, k))
                continue;
            const struct tlb_entry *e = &t->e[k];
            struct kway *w = &h->kways[k];
            puts_(h, first ? ",\"tlb\":[" : ",");
            first = false;
            if (w->as)
                h->kways_live--;
            if (!e->as) {
                *w = (struct kway){0};
                putf(h, "[%" PRIu32 ",%" PRIu32 "]", set, way);
                continue;
            }
            *w = (struct kway){e->page, e->as, e->frame, e->w};
            h->kways_live++;
            putf(h, "[%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",", set, way, e->as);
            jhex(h, e->page);
            putf(h, ",%" PRIu32 ",%d]", e->frame, e->w ? 1 : 0);
        }
    }
    if (!first)
        puts_(h, "]");
}

static void write_step(struct html_view *h, struct vm *vm, uint64_t line, const char *kind, const char *why)
{
    if (!h->init_done)
        write_init(h, &vm->cfg);
    h->vm = vm;
    putf(h, "%s\n{\"l\":%" PRIu64, h->steps ? "," : "", line);
    if (strcmp(kind, "ev"))
        putf(h, ",\"k\":\"%s\"", kind);
    h->steps++;
    if (why && *why) {
        puts_(h, ",\"x\":");
        jcstr(h, why);
    }
    if (h->snapshots)
        touch_all(h, vm);
    /* processes */
    if (h->ndpids) {
        qsort(h->dpids, h->ndpids, sizeof *h->dpids, cmp_u32);
        puts_(h, ",\"p\":[");
        for (size_t k = 0; k < h->ndpids; k++) {
            if (k && h->dpids[k] == h->dpids[k - 1])
                continue;
            if (k)
                puts_(h, ",");
            write_proc(h, vm, h->dpids[k]);
            /* a new address space of its own: written whole */
            uint32_t as = pid_as(vm, h->dpids[k]);
            if (as && !is_known(h, as))
                touch_as(h, as, AS_FULL);
        }
        puts_(h, "]");
    }
    /* address spaces and their entries */
    for (size_t k = 0; k < h->ndents; k++)
        if (h->dents[k].as)
            touch_as(h, h->dents[k].as, AS_ENTRIES);
    if (h->ndas) {
        find_live(h, vm);
        qsort(h->das, h->ndas, sizeof *h->das, cmp_das);
        if (h->ndents)
            qsort(h->dents, h->ndents, sizeof *h->dents, cmp_dent);
        /* merge the marks of each address */
        size_t m = 0;
        for (size_t k = 0; k < h->ndents; k++) {
            if (m && h->dents[m - 1].as == h->dents[k].as && h->dents[m - 1].va == h->dents[k].va)
                h->dents[m - 1].marks |= h->dents[k].marks;
            else
                h->dents[m++] = h->dents[k];
        }
        h->ndents = m;
        puts_(h, ",\"a\":[");
        bool first = true;
        size_t e = 0;
        for (size_t k = 0; k < h->ndas;) {
            struct das a = {h->das[k].as, 0, UINT64_MAX, 0};
            uint32_t id = a.as;
            for (; k < h->ndas && h->das[k].as == id; k++) {
                a.what |= h->das[k].what;
                if (h->das[k].what & AS_VMAS) {
                    a.lo = h->das[k].lo < a.lo ? h->das[k].lo : a.lo;
                    a.hi = h->das[k].hi > a.hi ? h->das[k].hi : a.hi;
                }
            }
            while (e < h->ndents && h->dents[e].as < id)
                e++;
            size_t e0 = e;
            while (e < h->ndents && h->dents[e].as == id)
                e++;
            if (id)
                write_as(h, vm, &a, h->dents + e0, e - e0, &first);
        }
        puts_(h, "]");
    }
    /* frames */
    if (h->ndframes) {
        qsort(h->dframes, h->ndframes, sizeof *h->dframes, cmp_dframe);
        puts_(h, ",\"f\":[");
        for (size_t k = 0; k < h->ndframes;) {
            uint32_t f = h->dframes[k].f;
            bool isnew = false;
            for (; k < h->ndframes && h->dframes[k].f == f; k++)
                isnew |= h->dframes[k].isnew != 0;
            if (f != h->dframes[0].f)
                puts_(h, ",");
            write_frame(h, vm, f, isnew);
        }
        puts_(h, "]");
    }
    /* swap slots and the TLB: after the frames, whose copies of slots count */
    write_swap(h, vm);
    write_tlb(h, vm);
    puts_(h, "}");
    h->ndents = h->ndframes = h->ndpids = h->ndas = h->ndslots = h->ndsets = 0;
    h->tlb_all = false;
    if (h->bytes > HTML_MAX_DATA)
        h->full = true;
}

/* keep the text of each recorded line, for a trace that cannot be read again */
static void keep_text(struct html_view *h, uint64_t line, const struct str *text)
{
    struct kept k = {line, utstring_len(h->text), text->len};
    utstring_bincpy(h->text, text->s, text->len);
    PUSH(h->kept, h->nkept, h->capkept, k);
}

/* ---- the observer ------------------------------------------------------------------------ */

static void why_sink(void *ctx, const struct ev *ev, const char *why)
{
    struct html_view *h = ctx;
    (void)ev;
    utstring_clear(h->why);
    while (*why == ':' || *why == ';' || *why == ' ')
        why++;
    utstring_bincpy(h->why, why, strlen(why));
}

/* limit: past max_events, stop recording */
static bool limit(struct html_view *h, const struct ev *ev)
{
    h->last_line = ev->line;
    if (h->stopped)
        return true;
    if (h->full || (ev->op < EV_NEVENTS && h->max_events && h->events >= h->max_events)) {
        h->stopped = true;
        h->stop_line = ev->line;
        h->stop_why = h->full ? "size" : "events";
        return true;
    }
    return false;
}

static int on_begin(void *ctx, struct vm *vm, const struct ev *ev)
{
    struct html_view *h = ctx;
    if (limit(h, ev))
        return 0;
    h->events++;
    h->ev = ev;
    h->vm = vm;
    return h->xo.begin(h->xo.ctx, vm, ev);
}

static int on_end(void *ctx, struct vm *vm, const struct ev *ev, int res)
{
    struct html_view *h = ctx;
    if (h->stopped || !h->ev)
        return 0;
    h->xo.end(h->xo.ctx, vm, ev, res);
    keep_text(h, ev->line, &ev->text);
    write_step(h, vm, ev->line, res ? "skip" : "ev", utstring_body(h->why));
    h->ev = NULL;
    return 0;
}

static int on_directive(void *ctx, struct vm *vm, const struct ev *ev, bool passed, const char *actual)
{
    struct html_view *h = ctx;
    if (limit(h, ev))
        return 0;
    char why[160];
    const char *kind = "dir";
    switch (ev->op) {
    case EV_EXPECT:
        if (passed) {
            snprintf(why, sizeof why, "expectation passed");
        } else {
            snprintf(why, sizeof why, "expectation failed (actual %s)", actual);
            kind = "fail";
        }
        break;
    case EV_SHOW:
        snprintf(why, sizeof why, "a view, printed by vmsim run; the panels of this page show the same state");
        break;
    case EV_PROGRAM:
        snprintf(why, sizeof why, "program %.*s declared", (int)ev->name.len, ev->name.s);
        break;
    default:
        snprintf(why, sizeof why, "mark");
        break;
    }
    keep_text(h, ev->line, &ev->text);
    write_step(h, vm, ev->line, kind, why);
    return 0;
}

static void on_error(void *ctx, struct vm *vm, uint64_t line, const char *msg)
{
    struct html_view *h = ctx;
    free(h->err_msg);
    h->err_msg = vm_xstrndup(msg, strlen(msg));
    h->err_line = line;
    if (line > h->last_line)
        h->last_line = line;
    if (h->stopped)
        return;
    /* what the line did before it stopped stays done: it is part of the step */
    if (h->ev)
        keep_text(h, line, &h->ev->text);
    write_step(h, vm, line, "err", msg);
    h->ev = NULL;
}

void html_snapshots(struct html_view *h) { h->snapshots = true; }

void html_observer(struct html_view *h, struct vm_observer *o)
{
    explain_observer(&h->x, &h->xo);
    *o = (struct vm_observer){0};
    o->wants = h->xo.wants | FACT_BIT(FACT_FRAME_TAKEN) | FACT_BIT(FACT_FRAME_FREED) | FACT_BIT(FACT_PTE);
    o->ctx = h;
    o->begin = on_begin;
    o->fact = fact;
    o->end = on_end;
    o->directive = on_directive;
    o->error = on_error;
}

/* ---- the page ------------------------------------------------------------------------------ */

static void write_init(struct html_view *h, const struct vm_config *c)
{
    const struct arch *a = &c->arch;
    h->init_done = true;
    puts_(h, "<script type=\"application/json\" id=\"vmsim-data\">{\"v\":1,\"init\":{\"trace\":");
    jcstr(h, h->init_trace);
    puts_(h, ",\"arch\":");
    jcstr(h, a->name);
    putf(h, ",\"va_bits\":%u,\"page_shift\":%u,\"levels\":%u,\"level_bits\":%u,\"frames\":%" PRIu32, a->va_bits,
         a->page_shift, a->levels, a->level_bits, c->frames);
    puts_(h, ",\"fork\":");
    jcstr(h, fork_mode_names[c->fork]);
    putf(h, ",\"zero_page\":%d,\"lazy_fork\":%d,\"pt_frames\":%d,\"oom\":", c->zero_page, c->lazy_fork, c->pt_frames);
    jcstr(h, oom_mode_names[c->oom]);
    putf(h, ",\"fault_around\":%" PRIu32 ",\"exclusive_reuse\":%d,\"anon_vma\":%d", c->fault_around,
         c->exclusive_reuse, c->anon_vma);
    putf(h, ",\"max_events\":%" PRIu64, h->max_events);
    /* the swap slots and the TLB: null when the machine has none */
    if (c->replace) {
        putf(h, ",\"swap\":{\"slots\":%" PRIu32 ",\"policy\":", c->swap_slots);
        jcstr(h, policy_names[c->policy]);
        puts_(h, ",\"seed\":");
        jnum(h, c->seed);
        puts_(h, "}");
    } else {
        puts_(h, ",\"swap\":null");
    }
    if (c->tlb_entries) {
        uint32_t ways = c->tlb_ways ? c->tlb_ways : c->tlb_entries;
        putf(h, ",\"tlb\":{\"entries\":%" PRIu32 ",\"sets\":%" PRIu32 ",\"ways\":%" PRIu32 ",\"asid\":%d}",
             c->tlb_entries, c->tlb_entries / ways, ways, c->asid);
    } else {
        puts_(h, ",\"tlb\":null");
    }
    puts_(h, "},\"steps\":[");
}

static void write_page_part(struct html_view *h, bool before_marker)
{
    bool before = true;
    for (size_t i = 0; i < vmsim_html_page_lines; i++) {
        if (!strcmp(vmsim_html_page[i], HTML_MARKER)) {
            before = false;
            continue;
        }
        if (before == before_marker)
            puts_(h, vmsim_html_page[i]);
    }
}

struct html_view *html_open(const char *path, const struct run_opts *o, uint64_t max_events, char *err,
                            size_t errlen)
{
    struct html_view *h = vm_xcalloc(1, sizeof *h);
    h->path = vm_xstrndup(path, strlen(path));
    if (!(h->out = outfile_open(&h->file, h->path))) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        free(h->path);
        free(h);
        return NULL;
    }
    if (!o->mem && strcmp(o->trace, "-"))
        h->trace = vm_xstrndup(o->trace, strlen(o->trace));
    h->max_events = max_events;
    explain_init(&h->x, why_sink, h);
    utstring_new(h->why);
    utstring_new(h->text);
    write_page_part(h, true);
    const char *tname = !strcmp(o->trace, "-") ? "(standard input)" : o->trace;
    h->init_trace = vm_xstrndup(tname, strlen(tname));
    h->init_cfg = o->cfg;
    return h;
}

/* the trace's lines 1 .. last, read again from its file, until the listing
 * passes HTML_MAX_SRC bytes (the page shows the recorded lines past it);
 * false if it cannot be read again (the page then lists the recorded
 * lines): a file that is not a regular one (a pipe or a FIFO: the run read
 * it all), or one that no longer has `last` lines */
#define HTML_SRC_LINE 400                       /* bytes of a line the listing shows */
#define HTML_MAX_SRC (UINT64_C(16) << 20)      /* bytes of the listing */

static bool write_source(struct html_view *h, uint64_t last)
{
    if (!h->trace)
        return false;
    struct stat sb; /* before opening it: a FIFO's open waits for a writer */
    if (stat(h->trace, &sb) || !S_ISREG(sb.st_mode))
        return false;
    FILE *f = fopen(h->trace, "r");
    if (!f)
        return false;
    uint64_t lines = 0;
    int c;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)) {
        bool partial = false; /* a last line without its newline */
        while (lines < last && (c = getc(f)) != EOF) {
            partial = c != '\n';
            if (!partial)
                lines++;
        }
        if (partial)
            lines++;
    }
    if (lines < last || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return false;
    }
    char buf[HTML_SRC_LINE + 1];
    uint64_t line = 1;
    size_t len = 0;
    bool more = false; /* the line is longer than buf */
    puts_(h, ",\"src\":[");
    uint64_t start = h->bytes;
    while (line <= last && h->bytes - start < HTML_MAX_SRC && (c = getc(f)) != EOF) {
        if (c != '\n') {
            if (len < HTML_SRC_LINE)
                buf[len++] = (char)c;
            else
                more = true;
            continue;
        }
        if (len && buf[len - 1] == '\r')
            len--;
        if (line > 1)
            puts_(h, ",");
        if (more) /* cut: say so */
            buf[len - 1] = buf[len - 2] = buf[len - 3] = '.';
        jstr(h, buf, len);
        line++;
        len = 0;
        more = false;
    }
    if (line <= last && len && h->bytes - start < HTML_MAX_SRC) { /* a last line without its newline */
        if (line > 1)
            puts_(h, ",");
        jstr(h, buf, len);
    }
    puts_(h, "]");
    fclose(f);
    return true;
}

static void write_texts(struct html_view *h)
{
    puts_(h, ",\"lines\":[");
    const char *s = utstring_body(h->text);
    for (size_t k = 0; k < h->nkept; k++) {
        putf(h, "%s[%" PRIu64 ",", k ? "," : "", h->kept[k].line);
        jstr(h, s + h->kept[k].off, h->kept[k].len);
        puts_(h, "]");
    }
    puts_(h, "]");
}

static void free_view(struct html_view *h)
{
    explain_destroy(&h->x);
    utstring_free(h->why);
    utstring_free(h->text);
    free(h->kept);
    free(h->dents);
    free(h->dframes);
    free(h->dpids);
    free(h->das);
    free(h->dslots);
    free(h->dsets);
    struct kslot *k, *tmp;
    HASH_ITER(hh, h->kslots, k, tmp)
    {
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
        HASH_DEL(h->kslots, k);
        free(k);
    }
    free(h->copy_of);
    free(h->kways);
    free(h->known);
    free(h->live);
    free(h->err_msg);
    free(h->trace);
    free(h->init_trace);
    free(h->path);
    free(h);
}

int html_close(struct html_view *h, int status, char *err, size_t errlen)
{
    if (!h->init_done)
        write_init(h, &h->init_cfg);
    puts_(h, "\n]");
    uint64_t last = h->stopped ? h->stop_line : h->last_line;
    if (!write_source(h, last))
        write_texts(h);
    putf(h, ",\"end\":{\"status\":%d,\"events\":%" PRIu64 ",\"last_line\":%" PRIu64, status, h->events,
         h->last_line);
    if (h->stopped) {
        putf(h, ",\"stop\":%" PRIu64 ",\"stop_why\":", h->stop_line);
        jcstr(h, h->stop_why);
    }
    if (h->err_msg) {
        putf(h, ",\"error_line\":%" PRIu64 ",\"error\":", h->err_line);
        jcstr(h, h->err_msg);
    }
    puts_(h, "}}</script>\n");
    write_page_part(h, false);
    int r = 0;
    int e = h->failed ? (errno ? errno : EIO) : 0;
    /* no half page, and no page of a run that never started (its trace
     * could not be read): vmsim run said why */
    bool discard = e || (status == 2 && !h->steps && !h->err_msg);
    int ce = outfile_close(&h->file, discard);
    e = e ? e : ce;
    if (e) {
        snprintf(err, errlen, "cannot write %s: %s", h->path, strerror(e));
        r = -1;
    }
    free_view(h);
    return r;
}

int html_run(const struct run_opts *o, const char *path, uint64_t max_events)
{
    char err[512];
    struct html_view *h = html_open(path, o, max_events, err, sizeof err);
    if (!h) {
        if (o->err)
            fprintf(o->err, "vmsim: error: %s\n", err);
        return 2;
    }
    /* the caller's observers, then the view */
    struct vm_observer obs[VM_MAX_OBSERVERS];
    struct run_opts ro = *o;
    unsigned n = o->nobservers < VM_MAX_OBSERVERS - 1 ? o->nobservers : VM_MAX_OBSERVERS - 1;
    if (n)
        memcpy(obs, o->observers, n * sizeof obs[0]);
    html_observer(h, &obs[n]);
    ro.observers = obs;
    ro.nobservers = n + 1;
    int status = vmsim_run(&ro, NULL);
    if (html_close(h, status, err, sizeof err)) {
        if (o->err)
            fprintf(o->err, "vmsim: error: %s\n", err);
        return 2;
    }
    return status;
}
