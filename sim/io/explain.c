/* explain.c -- -v sentences from the facts of each event (see explain.h). */
#include "vmsim/explain.h"

#include <inttypes.h>
#include <string.h>

#include "vmsim/machine.h"
#include "vmsim/proc.h"
#include "vmsim/util.h"
#include "vmsim/vma.h"

#define say(x, ...) utstring_printf((x)->main, __VA_ARGS__)
#define say_last(x, ...) utstring_printf((x)->pressure, __VA_ARGS__)


static bool is_touch(const struct explain *x) { return x->ev->op == EV_TOUCH; }

/* ---- faults ---------------------------------------------------------------------- */

static void say_cached(struct explain *x, const struct fault_fact *ff)
{
    say(x, " (%s page %" PRIu64 ", %s)", ff->file, ff->file_page,
        ff->loaded ? "loaded into the cache" : "found in the cache");
}

static void say_slot_count(struct explain *x, const struct fault_fact *ff)
{
    if (ff->slot_count)
        say(x, "; slot %" PRIu32 " count now %" PRIu64, ff->slot, ff->slot_count);
    else
        say(x, "; slot %" PRIu32 " freed", ff->slot);
}

static void say_swap_in(struct explain *x, const struct fact *f)
{
    const struct fault_fact *ff = &f->u.fault;
    if (ff->file) { /* a shared-memory page: the entry is as its VMA allows */
        say(x, ": swap_in: %s page %" PRIu64 " read from slot %" PRIu32 " into cache frame %" PRIu32 "%s", ff->file,
            ff->file_page, ff->slot, ff->to,
            ff->writable ? ", writable (a shared mapping that allows writes)"
                         : ", read-only (its VMA does not allow writes)");
        say_slot_count(x, ff);
        return;
    }
    uint32_t mapped = ff->copied || ff->reused ? ff->from : ff->to;
    if (ff->from_cache)
        say(x, ": swap_in: slot %" PRIu32 " found in the swap cache (frame %" PRIu32 ")", ff->slot, mapped);
    else
        say(x, ": swap_in: slot %" PRIu32 " read into frame %" PRIu32, ff->slot, mapped);
    if (ff->copied) {
        say(x, ", mapped read-only (shared); the write copied it into frame %" PRIu32, ff->to);
    } else if (ff->reused) {
        say(x, ", mapped read-only (slot %" PRIu32 " is still named); the write made it writable again and ended the swap copy",
            ff->slot);
    } else if (ff->writable) {
        say(x, ", writable: nothing else maps the frame or names the slot");
    } else {
        say(x, ", read-only");
        if (!ff->vma_writable)
            say(x, " (its VMA does not allow writes)");
        else if (ff->slot_count > 1 || ff->to_ref > 1)
            say(x, " (cow): %s", ff->to_ref > 1 ? "the frame has other mappers" : "other entries still name the slot");
    }
    say_slot_count(x, ff);
}

static void say_evict(struct explain *x, const struct fact *f)
{
    const struct evict_fact *e = &f->u.evict;
    /* x->evictions counts this one: a later eviction of the same event
     * (a page table's frame, then the page's) follows the first */
    say_last(x, "; %s evicted frame %" PRIu32, x->evictions > 1 ? "then" : "first", e->frame);
    if (e->file)
        say_last(x, " (%s page %" PRIu64 ")", e->file, e->file_page);
    if (e->why && *e->why)
        say_last(x, " [%s]", e->why);
    if (e->file) {
        say_last(x, ": %s, %" PRIu64 " %s cleared", e->dirty ? "dirty, written back to the file" : "clean, dropped",
                 e->entries, vm_plural(e->entries, "entry", "entries"));
        return;
    }
    if (e->dirty)
        say_last(x, ": dirty, written to slot %" PRIu32, e->slot);
    else
        say_last(x, ": clean, slot %" PRIu32 " still holds it", e->slot);
    if (e->shm)
        say_last(x, ", %" PRIu64 " %s cleared; the object's page is in the slot (count %" PRIu64 ")", e->entries,
                 vm_plural(e->entries, "entry", "entries"), e->slot_count);
    else
        say_last(x, ", %" PRIu64 " %s now %s it (count %" PRIu64 ")", e->entries,
                 vm_plural(e->entries, "entry", "entries"), e->entries == 1 ? "names" : "name", e->slot_count);
}

static void say_fault(struct explain *x, struct vm *vm, const struct fact *f)
{
    const struct fault_fact *ff = &f->u.fault;
    const uint32_t zero = vm->ft.n;
    switch (f->fc) {
    case FC_COW_REUSE:
        say(x, ": cow_reuse: frame %" PRIu32 " has refcount 1, made writable again", ff->to);
        break;
    case FC_COW_COPY:
        if (ff->file) {
            say(x, ": cow_copy: private write to a file page: cache frame %" PRIu32 " copied into frame %" PRIu32,
                ff->from, ff->to);
            say_cached(x, ff);
        } else if (ff->from == zero) {
            say(x, ": cow_copy: the zero page copied into frame %" PRIu32, ff->to);
        } else {
            say(x,
                ": cow_copy: frame %" PRIu32 " (refcount %" PRIu64 ") copied into frame %" PRIu32 "; frame %" PRIu32
                " refcount now %" PRIu64 "%s",
                ff->from, ff->from_ref_before, ff->to, ff->from, ff->from_ref_after, ff->from_freed ? " (freed)" : "");
        }
        break;
    case FC_DEMAND_ZERO:
        say(x, ": demand_zero: new zeroed frame %" PRIu32 "%s", ff->to, ff->writable ? ", writable" : "");
        break;
    case FC_ZERO_PAGE:
        say(x, ": zero_page: mapped the shared zero page read-only");
        break;
    case FC_FILE:
        say(x, ": file: mapped cache frame %" PRIu32 " (refcount %" PRIu64 ")%s", ff->to, ff->to_ref,
            ff->writable ? ", writable" : ", read-only");
        say_cached(x, ff);
        if (ff->around)
            say(x, "; fault-around mapped %" PRIu64 " more cached %s of its window [0x%" PRIx64 ", 0x%" PRIx64
                   ") without a fault",
                ff->around, vm_plural(ff->around, "page", "pages"), ff->around_lo, ff->around_hi);
        break;
    case FC_SEGV:
        say(x, ": segv: %s at 0x%" PRIx64 " %s; process %" PRIu32 " killed (status 139)", f->write ? "write" : "read",
            f->va, ff->outside ? "outside every VMA" : "not allowed by the VMA's protection", f->pid);
        break;
    case FC_SWAP_IN:
        say_swap_in(x, f);
        break;
    default:
        break;
    }
}

/* ---- the TLB --------------------------------------------------------------------- */

static const char *const tlb_why_words[] = {"cleared", "remapped", "write-protected", "swapped out", "", ""};

static void tlb_fact(struct explain *x, const struct fact *f)
{
    const struct tlb_fact *t = &f->u.tlb;
    switch (t->what) {
    case TLB_SWITCH:
        x->tlb_switch = true;
        x->tlb_from = f->pid2;
        x->tlb_flushed = t->entries;
        break;
    case TLB_HIT:
        x->tlb_hits++;
        x->tlb_hit = true;
        x->tlb_miss = false;
        x->tlb_last = *t;
        break;
    case TLB_MISS:
        x->tlb_misses++;
        x->tlb_steps += t->steps;
        x->tlb_miss = true;
        x->tlb_hit = false;
        x->tlb_read_only = t->read_only;
        x->tlb_last = *t;
        break;
    case TLB_FILL:
        x->tlb_last.replaced = t->replaced;
        x->tlb_last.old_page = t->old_page;
        x->tlb_last.old_pid = t->old_pid;
        break;
    case TLB_INVALIDATE:
        x->tlb_inval[t->why]++;
        break;
    case TLB_FLUSH:
        utstring_printf(x->tlb_flushes, "; %s %" PRIu32 "'s %" PRIu64 " tlb %s flushed (more than 33 in one operation)",
                        "process", t->as_pid, t->entries, vm_plural(t->entries, "entry", "entries"));
        break;
    }
}

/* say_tlb: what the TLB did, at the end of the line */
static void say_tlb(struct explain *x, struct vm *vm)
{
    UT_string *s = x->line;
    if (x->tlb_switch) {
        utstring_printf(s, "; context switch from process %" PRIu32, x->tlb_from);
        if (vm->tlb.asid)
            utstring_printf(s, " (--asid: no flush)");
        else
            utstring_printf(s, ": tlb flushed (%" PRIu64 " %s)", x->tlb_flushed,
                            vm_plural(x->tlb_flushed, "entry", "entries"));
    }
    if (is_touch(x)) {
        if (x->tlb_hits)
            utstring_printf(s, "; tlb: %" PRIu64 " %s", x->tlb_hits, vm_plural(x->tlb_hits, "hit", "hits"));
        if (x->tlb_misses)
            utstring_printf(s, "%s %" PRIu64 " %s (%" PRIu64 " %s walked)", x->tlb_hits ? "," : "; tlb:",
                            x->tlb_misses, vm_plural(x->tlb_misses, "miss", "misses"), x->tlb_steps,
                            vm_plural(x->tlb_steps, "table", "tables"));
    } else if (x->tlb_hit) {
        utstring_printf(s, "; tlb hit (set %" PRIu32 ")", x->tlb_last.set);
    } else if (x->tlb_miss) {
        utstring_printf(s, "; tlb miss%s: a walk of %u %s", x->tlb_read_only ? " (its entry was read-only)" : "",
                        x->tlb_last.steps, vm_plural(x->tlb_last.steps, "table", "tables"));
        if (x->tlb_last.replaced)
            utstring_printf(s, "; in set %" PRIu32 " it replaced page 0x%" PRIx64 " of process %" PRIu32
                               " (least recently used)",
                            x->tlb_last.set, x->tlb_last.old_page << vm->arch->page_shift, x->tlb_last.old_pid);
    }
    for (int w = TLB_CLEARED; w <= TLB_SWAPPED; w++)
        if (x->tlb_inval[w])
            utstring_printf(s, "; %" PRIu64 " tlb %s invalidated (%s)", x->tlb_inval[w],
                            vm_plural(x->tlb_inval[w], "entry", "entries"), tlb_why_words[w]);
    utstring_concat(s, x->tlb_flushes);
}

/* ---- processes --------------------------------------------------------------------- */

static void say_space(struct explain *x, const struct fact *f)
{
    const struct space_fact *s = &f->u.space;
    if (!s->dropped) {
        say(x, "%s left the address space it shared", x->ev->op == EV_EXEC ? ":" : ";");
        return;
    }
    say(x, "%s address space dropped", x->ev->op == EV_EXEC ? ":" : "; its");
    if (s->frames && s->tables)
        say(x, " (%" PRIu64 " %s and %" PRIu64 " page %s freed)", s->frames, vm_plural(s->frames, "frame", "frames"),
            s->tables, vm_plural(s->tables, "table", "tables"));
    else if (s->tables)
        say(x, " (%" PRIu64 " page %s freed)", s->tables, vm_plural(s->tables, "table", "tables"));
}

static void say_fork(struct explain *x, struct vm *vm, const struct fact *f)
{
    const struct fork_fact *k = &f->u.fork;
    say(x, ": %s fork: child %" PRIu32 "; %" PRIu64 " %s copied", fork_mode_names[vm->cfg.fork], f->pid2, k->entries,
        vm_plural(k->entries, "entry", "entries"));
    if (k->pages)
        say(x, ", %" PRIu64 " pages copied", k->pages);
    if (k->leaves)
        say(x, ", %" PRIu64 " leaf %s shared", k->leaves, vm_plural(k->leaves, "table", "tables"));
    say(x, ", %" PRIu64 " %s made", k->tables, vm_plural(k->tables, "table", "tables"));
    if (k->frames)
        say(x, ", %" PRIu64 " frames taken", k->frames);
    if (x->drops)
        say(x, " (%" PRIu64 " cache pages dropped for them)", x->drops);
}

/* ---- the observer ------------------------------------------------------------------------ */

static int begin(void *ctx, struct vm *vm, const struct ev *ev)
{
    struct explain *x = ctx;
    (void)vm;
    x->ev = ev;
    utstring_clear(x->main);
    utstring_clear(x->pressure);
    x->victim = 0;
    x->kills = x->drops = x->evictions = x->freed = x->unshared = x->unshared_entries = x->upgraded = x->around = 0;
    x->accesses = x->clean = x->stopped = 0;
    memset(x->faults, 0, sizeof x->faults);
    x->tlb_hit = x->tlb_miss = x->tlb_read_only = x->tlb_switch = false;
    x->tlb_hits = x->tlb_misses = x->tlb_steps = x->tlb_flushed = 0;
    memset(x->tlb_inval, 0, sizeof x->tlb_inval);
    utstring_clear(x->tlb_flushes);
    return 0;
}

static void fact(void *ctx, struct vm *vm, const struct fact *f)
{
    struct explain *x = ctx;
    uint32_t actor = x->ev->pid;
    /* what an OOM kill sets off belongs to the kill */
    if (x->victim && f->kind != FACT_SPACE_LEFT && f->kind != FACT_EXIT && f->kind != FACT_REPARENT &&
        f->kind != FACT_REAP && f->kind != FACT_RESUME && f->kind != FACT_FRAME_FREED && f->kind != FACT_PTE)
        x->victim = 0;
    switch (f->kind) {
    case FACT_ACCESS:
        x->accesses++;
        if (f->fc == FC_COUNT) {
            x->clean++;
            if (!is_touch(x))
                say(x, ": present, no fault");
        }
        break;
    case FACT_FAULT:
        x->faults[f->fc]++;
        x->around += f->u.fault.around;
        if (f->fc == FC_SEGV)
            x->accesses++;
        if (!is_touch(x))
            say_fault(x, vm, f);
        break;
    case FACT_FAULT_STOPPED:
        x->accesses++;
        x->stopped++;
        if (is_touch(x))
            break;
        if (f->fc == FC_SWAP_IN && f->u.fault.from != FRAME_NONE) /* the page came back; its copy did not */
            say(x, ": swap_in mapped frame %" PRIu32 " (slot %" PRIu32 " %s), read-only; the write's cow copy needs a frame",
                f->u.fault.from, f->u.fault.slot, f->u.fault.from_cache ? "found in the swap cache" : "read");
        else
            say(x, ": %s needs a frame", f->fc < FC_COUNT ? fault_class_names[f->fc] : "the fault");
        break;
    case FACT_EVICT:
        x->evictions++;
        if (!is_touch(x) && x->ev->op != EV_FORK)
            say_evict(x, f);
        break;
    case FACT_RECLAIM:
        x->drops++;
        if (!is_touch(x) && x->ev->op != EV_FORK)
            say_last(x, "; reclaim dropped a cache page (%s page %" PRIu64 ")", f->u.reclaim.file, f->u.reclaim.page);
        break;
    case FACT_OOM_KILL:
        x->kills++;
        if (!is_touch(x) && x->kills == 1 && vm_replacing(vm)) /* why the policy had no victim */
            say_last(x, "; nothing could be evicted (%s)",
                     !vm->swap.n          ? "no swap: anonymous and shared-memory pages stay in memory"
                     : swap_full(&vm->swap) ? "swap is full: pages with no copy in it stay in memory"
                                            : "the other frames hold page tables or pages this access works with");
        if (!is_touch(x))
            say_last(x, "; %sthe OOM killer killed %" PRIu32 " (rss %" PRIu64 ")%s", x->kills > 1 ? "still no frame: " : "",
                     f->pid, f->u.oom.rss, f->pid == actor ? ", the process that needed it" : "");
        x->victim = f->pid;
        break;
    case FACT_FRAME_FREED:
        x->freed++;
        break;
    case FACT_PROC_NEW:
        if (x->ev->op == EV_SPAWN)
            say(x, ": process %" PRIu32 " created%s%s", f->pid, f->u.program ? " running " : " with an empty address space",
                f->u.program ? f->u.program->name : "");
        break;
    case FACT_FORK:
        say_fork(x, vm, f);
        break;
    case FACT_FORK_FAILED:
        say(x, ": fork failed: not enough free or droppable frames; child %" PRIu32 " is lost", f->pid2);
        break;
    case FACT_SUSPEND:
        say(x, ": child %" PRIu32 " shares the address space; parent %" PRIu32 " suspended", f->pid2, f->pid);
        break;
    case FACT_RESUME:
        if (!x->victim)
            say(x, "; parent %" PRIu32 " resumes", f->pid);
        break;
    case FACT_SPACE_LEFT:
        if (x->victim) {
            if (f->pid == x->victim && f->pid != actor && !is_touch(x))
                say_last(x, f->u.space.frames ? ", which freed %" PRIu64 " %s" : ", which freed no frame",
                         f->u.space.frames, vm_plural(f->u.space.frames, "frame", "frames"));
        } else if (f->pid == actor && x->ev->op != EV_SPAWN) {
            say_space(x, f);
        }
        break;
    case FACT_EXEC:
        say(x, "; now runs %s", f->u.program->name);
        break;
    case FACT_EXIT:
        if (!x->victim && f->u.exit.cause == EXIT_NORMAL)
            say(x, ": process %" PRIu32 " exits with status %d", f->pid, f->u.exit.status);
        break;
    case FACT_REPARENT:
        if (!x->victim && !is_touch(x)) {
            if (f->u.ppid > 1 && proc_find(vm, f->u.ppid) && proc_find(vm, f->u.ppid)->subreaper)
                say(x, "; child %" PRIu32 " goes to %" PRIu32 ", its nearest subreaper", f->pid, f->u.ppid);
            else if (f->u.ppid)
                say(x, "; child %" PRIu32 " goes to %" PRIu32, f->pid, f->u.ppid);
            else
                say(x, "; child %" PRIu32 " has no parent now (ppid 0)", f->pid);
        }
        break;
    case FACT_REAP:
        if (x->victim || is_touch(x))
            break;
        if (x->ev->op == EV_WAIT && f->pid2 == actor)
            say(x, ": reaped %" PRIu32 " (status %d)", f->pid, f->u.exit.status);
        else if (f->pid2)
            say(x, "; zombie child %" PRIu32 " reaped", f->pid);
        else
            say(x, "; no parent to wait: %" PRIu32 " reaped at once", f->pid);
        break;
    case FACT_SUBREAPER:
        say(x, ": process %" PRIu32 " is now a child subreaper: orphans below it come to it", f->pid);
        break;
    case FACT_BRK:
        say(x, ": break 0x%" PRIx64 " -> 0x%" PRIx64, f->u.brk.old, f->u.brk.new);
        break;
    case FACT_MAP: {
        const struct ev *ev = x->ev;
        uint64_t stop = ev->addr + ev->len;
        char prot[4];
        if (ev->op == EV_MMAP)
            say(x, ": [0x%" PRIx64 ", 0x%" PRIx64 ") mapped %s %s, %s", ev->addr, stop, vma_prot_str(ev->prot, prot),
                ev->shared ? "shared" : "private",
                ev->has_file ? "file-backed" : ev->shared ? "a new shared-memory object" : "anonymous");
        else if (ev->op == EV_MUNMAP)
            say(x, ": [0x%" PRIx64 ", 0x%" PRIx64 ") unmapped", ev->addr, stop);
        else
            say(x, ": [0x%" PRIx64 ", 0x%" PRIx64 ") now %s", ev->addr, stop, vma_prot_str(ev->prot, prot));
        if (x->freed)
            say(x, "; %" PRIu64 " %s freed", x->freed, vm_plural(x->freed, "frame", "frames"));
        if (x->upgraded)
            say(x, "; %" PRIu64 " %s made writable at once: %s exclusive (no other process can see %s)",
                x->upgraded, vm_plural(x->upgraded, "entry", "entries"),
                x->upgraded == 1 ? "its anon frame is" : "their anon frames are", x->upgraded == 1 ? "it" : "them");
        break;
    }
    case FACT_TLB:
        tlb_fact(x, f);
        break;
    case FACT_PTE:
        if (f->u.pte->kind == PTC_UNSHARE) {
            x->unshared++;
            x->unshared_entries += f->u.pte->leaf->used;
        }
        /* mprotect adding w to a private VMA: only --exclusive-reuse makes
         * its entries writable, those of exclusive anon frames */
        if (f->u.pte->kind == PTC_PROTECT && x->ev->op == EV_MPROTECT)
            for (unsigned k = f->u.pte->i; k < f->u.pte->end; k++) {
                uint64_t e = f->u.pte->leaf->e[k];
                if ((e & (PTE_P | PTE_W)) == (PTE_P | PTE_W) && pte_frame(e) < vm->ft.n &&
                    frame_kind(&vm->ft, pte_frame(e)) == FK_ANON)
                    x->upgraded++;
            }
        break;
    default:
        break;
    }
}

/* touch_summary: one sentence for all the pages of a touch */
static void touch_summary(struct explain *x)
{
    const struct ev *ev = x->ev;
    if (!ev->len) {
        say(x, ": no page (length 0)");
        return;
    }
    uint64_t n = x->accesses;
    say(x, ": %" PRIu64 " %s", n, ev->write ? vm_plural(n, "write", "writes") : vm_plural(n, "read", "reads"));
    for (int k = 0; k < FC_COUNT; k++)
        if (x->faults[k])
            say(x, ", %" PRIu64 " %s", x->faults[k], fault_class_names[k]);
    if (x->clean)
        say(x, ", %" PRIu64 " without a fault", x->clean);
    if (x->around)
        say(x, "; fault-around mapped %" PRIu64 " more cached %s", x->around, vm_plural(x->around, "page", "pages"));
    if (x->drops)
        say(x, "; reclaim dropped %" PRIu64 " cache %s", x->drops, vm_plural(x->drops, "page", "pages"));
    if (x->evictions)
        say(x, "; %" PRIu64 " %s", x->evictions, vm_plural(x->evictions, "eviction", "evictions"));
    if (x->kills)
        say(x, "; the OOM killer killed %" PRIu64 " %s", x->kills, vm_plural(x->kills, "process", "processes"));
    if (x->stopped || x->faults[FC_SEGV])
        say(x, "; process %" PRIu32 " killed, the touch stops there", ev->pid);
}

static int end(void *ctx, struct vm *vm, const struct ev *ev, int res)
{
    struct explain *x = ctx;
    utstring_clear(x->line);
    if (res) {
        utstring_printf(x->line, ": skipped: %s", vm->err);
    } else {
        if (is_touch(x))
            touch_summary(x);
        if (x->unshared && ev->op != EV_FORK)
            say(x, "; first took a private copy of %" PRIu64 " shared leaf %s (%" PRIu64 " %s copied)", x->unshared,
                vm_plural(x->unshared, "table", "tables"), x->unshared_entries,
                vm_plural(x->unshared_entries, "entry", "entries"));
        utstring_concat(x->line, x->main);
        utstring_concat(x->line, x->pressure);
        if (x->stopped && !is_touch(x))
            utstring_printf(x->line, ": the %s never happened", ev->op == EV_WRITE ? "write" : "read");
        say_tlb(x, vm);
    }
    x->sink(x->sink_ctx, ev, utstring_body(x->line));
    return 0;
}

void explain_init(struct explain *x, explain_sink sink, void *sink_ctx)
{
    memset(x, 0, sizeof *x);
    x->sink = sink;
    x->sink_ctx = sink_ctx;
    utstring_new(x->main);
    utstring_new(x->pressure);
    utstring_new(x->line);
    utstring_new(x->tlb_flushes);
}

void explain_destroy(struct explain *x)
{
    utstring_free(x->main);
    utstring_free(x->pressure);
    utstring_free(x->line);
    utstring_free(x->tlb_flushes);
}

void explain_observer(struct explain *x, struct vm_observer *o)
{
    *o = (struct vm_observer){.ctx = x, .begin = begin, .fact = fact, .end = end};
    o->wants = FACT_BIT(FACT_ACCESS) | FACT_BIT(FACT_FAULT) | FACT_BIT(FACT_FAULT_STOPPED) | FACT_BIT(FACT_RECLAIM) |
               FACT_BIT(FACT_OOM_KILL) | FACT_BIT(FACT_FRAME_FREED) | FACT_BIT(FACT_PROC_NEW) | FACT_BIT(FACT_FORK) |
               FACT_BIT(FACT_FORK_FAILED) | FACT_BIT(FACT_SUSPEND) | FACT_BIT(FACT_RESUME) |
               FACT_BIT(FACT_SPACE_LEFT) | FACT_BIT(FACT_EXEC) | FACT_BIT(FACT_EXIT) | FACT_BIT(FACT_REPARENT) |
               FACT_BIT(FACT_REAP) | FACT_BIT(FACT_BRK) | FACT_BIT(FACT_MAP) | FACT_BIT(FACT_PTE) |
               FACT_BIT(FACT_EVICT) | FACT_BIT(FACT_SUBREAPER) | FACT_BIT(FACT_TLB);
}

void explain_print(void *ctx, const struct ev *ev, const char *why)
{
    fprintf(ctx, "%5" PRIu64 "  %.*s%s\n", ev->line, (int)ev->text.len, ev->text.s, why);
}
