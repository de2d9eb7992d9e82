/* pagecache.c -- memory objects, cached pages, the file store and the
 * reclaim order (see pagecache.h). */
#include "vmsim/pagecache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utlist.h>

#include "vmsim/util.h"

static struct pc_key make_key(uint32_t obj, uint64_t page)
{
    struct pc_key k;
    memset(&k, 0, sizeof k);
    k.obj = obj;
    k.page = page;
    return k;
}

/* ---- the reclaim heap: a min-heap of (seq, frame) ---------------------- */

static void heap_push(struct pagecache *pc, uint64_t seq, uint32_t frame)
{
    if (pc->heap_n == pc->heap_cap) {
        pc->heap_cap = pc->heap_cap ? pc->heap_cap * 2 : 64;
        pc->heap = vm_xrealloc(pc->heap, pc->heap_cap * sizeof *pc->heap);
    }
    uint64_t i = pc->heap_n++;
    struct reclaim_item it = {seq, frame};
    while (i > 0) {
        uint64_t up = (i - 1) / 2;
        if (pc->heap[up].seq <= seq)
            break;
        pc->heap[i] = pc->heap[up];
        i = up;
    }
    pc->heap[i] = it;
}

static struct reclaim_item heap_pop(struct pagecache *pc)
{
    struct reclaim_item top = pc->heap[0];
    struct reclaim_item last = pc->heap[--pc->heap_n];
    uint64_t i = 0, n = pc->heap_n;
    for (;;) {
        uint64_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && pc->heap[c + 1].seq < pc->heap[c].seq)
            c++;
        if (last.seq <= pc->heap[c].seq)
            break;
        pc->heap[i] = pc->heap[c];
        i = c;
    }
    if (n)
        pc->heap[i] = last;
    return top;
}

/* droppable_now: the page in the heap item is still cached in that frame,
 * is a file page and nothing maps it. */
static struct cache_page *droppable_now(const struct pagecache *pc, struct reclaim_item it)
{
    struct cache_page *cp = pc_page_of_frame(pc, it.frame);
    if (!cp || cp->seq != it.seq)
        return NULL;
    if (!frame_droppable_ok(pc->ft, it.frame) || frame_ref(pc->ft, it.frame) != 1)
        return NULL;
    return cp;
}

/* compact: keeps only the live items when stale ones pile up. */
static void heap_compact(struct pagecache *pc)
{
    struct reclaim_item *old = pc->heap;
    uint64_t n = pc->heap_n;
    pc->heap = NULL;
    pc->heap_n = pc->heap_cap = 0;
    for (uint64_t i = 0; i < n; i++) {
        struct cache_page *cp = droppable_now(pc, old[i]);
        /* an item may be in twice (mapped and unmapped again): keep one */
        if (cp && !(pc->ft->fr[cp->frame].kind & FF_MARK)) {
            pc->ft->fr[cp->frame].kind |= FF_MARK;
            heap_push(pc, old[i].seq, old[i].frame);
        }
    }
    for (uint64_t i = 0; i < pc->heap_n; i++)
        pc->ft->fr[pc->heap[i].frame].kind &= (uint8_t)~FF_MARK;
    free(old);
}

static void on_droppable(void *ctx, uint32_t f)
{
    struct pagecache *pc = ctx;
    struct cache_page *cp = pc_page_of_frame(pc, f);
    if (!cp)
        return;
    if (pc->heap_n > 2 * pc->npages + 1024)
        heap_compact(pc);
    heap_push(pc, cp->seq, f);
}

/* ---- objects ------------------------------------------------------------ */

void pagecache_init(struct pagecache *pc, struct frames *ft)
{
    memset(pc, 0, sizeof *pc);
    pc->ft = ft;
    pc->next_obj = 1;
    ft->on_droppable = on_droppable;
    ft->on_droppable_ctx = pc;
}

static void drop_page(struct pagecache *pc, struct mobj *o, struct cache_page *cp)
{
    HASH_DEL(pc->pages, cp);
    HASH_DELETE(hh_frame, pc->by_frame, cp);
    DL_DELETE(o->pages, cp);
    o->cached--;
    pc->npages--;
    uint32_t f = cp->frame;
    frames_set_droppable(pc->ft, f, false);
    pc->ft->ref[f]--; /* not droppable now: the count alone */
    if (pc->ft->ref[f] == 0)
        frame_free(pc->ft, f);
    free(cp);
}

void pagecache_destroy(struct pagecache *pc)
{
    struct mobj *o, *otmp;
    HASH_ITER(hh, pc->objs, o, otmp)
    {
        struct cache_page *cp, *ctmp;
        DL_FOREACH_SAFE(o->pages, cp, ctmp)
        {
            frame_ref_set(pc->ft, cp->frame, 1); /* whatever mapped it is gone */
            drop_page(pc, o, cp);
        }
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc,clang-analyzer-core.NullDereference): uthash invariants */
        HASH_DEL(pc->objs, o);
        if (!o->shm)
            HASH_DELETE(hh_name, pc->files, o);
        free(o->name);
        free(o);
    }
    struct swapped_page *sp, *sptmp;
    HASH_ITER(hh, pc->swapped, sp, sptmp)
    {
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
        HASH_DEL(pc->swapped, sp);
        free(sp);
    }
    struct fstore_val *v, *vtmp;
    HASH_ITER(hh, pc->store, v, vtmp)
    {
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): the analyzer misses uthash's invariants */
        HASH_DEL(pc->store, v);
        free(v);
    }
    free(pc->heap);
    if (pc->ft && pc->ft->on_droppable_ctx == pc)
        pc->ft->on_droppable = NULL;
    memset(pc, 0, sizeof *pc);
}

static struct mobj *new_obj(struct pagecache *pc, bool shm)
{
    struct mobj *o = vm_xcalloc(1, sizeof *o);
    o->id = pc->next_obj++;
    o->shm = shm;
    HASH_ADD(hh, pc->objs, id, sizeof o->id, o);
    return o;
}

uint32_t mobj_file(struct pagecache *pc, const char *name, size_t len)
{
    struct mobj *o;
    HASH_FIND(hh_name, pc->files, name, len, o);
    if (o)
        return o->id;
    o = new_obj(pc, false);
    o->name = vm_xstrndup(name, len);
    HASH_ADD_KEYPTR(hh_name, pc->files, o->name, len, o);
    return o->id;
}

uint32_t mobj_shm_new(struct pagecache *pc)
{
    struct mobj *o = new_obj(pc, true);
    char buf[32];
    snprintf(buf, sizeof buf, "shm#%u", (unsigned)o->id);
    o->name = vm_xstrndup(buf, strlen(buf));
    return o->id;
}

struct mobj *mobj_get(const struct pagecache *pc, uint32_t id)
{
    struct mobj *o;
    HASH_FIND(hh, pc->objs, &id, sizeof id, o);
    return o;
}

void mobj_ref(struct pagecache *pc, uint32_t id)
{
    struct mobj *o = mobj_get(pc, id);
    VM_ASSERT(o);
    if (o->shm)
        o->vma_refs++;
}

void mobj_unref(struct pagecache *pc, uint32_t id)
{
    struct mobj *o = mobj_get(pc, id);
    VM_ASSERT(o);
    if (!o->shm || --o->vma_refs > 0)
        return;
    struct cache_page *cp, *tmp;
    DL_FOREACH_SAFE(o->pages, cp, tmp)
    {
        VM_ASSERT(frame_ref(pc->ft, cp->frame) == 1);
        drop_page(pc, o, cp);
    }
    if (o->swapped) {
        struct swapped_page *sp, *stmp;
        HASH_ITER(hh, pc->swapped, sp, stmp)
        {
            if (sp->key.obj != id)
                continue;
            /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): HASH_ITER read sp's successor before this */
            HASH_DEL(pc->swapped, sp);
            pc->nswapped--;
            if (pc->on_swapped_gone)
                pc->on_swapped_gone(pc->on_swapped_gone_ctx, sp->slot);
            free(sp);
        }
    }
    HASH_DEL(pc->objs, o);
    free(o->name);
    free(o);
}

/* ---- pages -------------------------------------------------------------- */

static struct cache_page *find_page(const struct pagecache *pc, uint32_t obj, uint64_t page)
{
    struct pc_key k = make_key(obj, page);
    struct cache_page *cp;
    HASH_FIND(hh, pc->pages, &k, sizeof k, cp);
    return cp;
}

uint32_t pc_lookup(const struct pagecache *pc, uint32_t obj, uint64_t page)
{
    struct cache_page *cp = find_page(pc, obj, page);
    return cp ? cp->frame : FRAME_NONE;
}

static uint64_t store_value(const struct pagecache *pc, uint32_t obj, uint64_t page)
{
    struct pc_key k = make_key(obj, page);
    struct fstore_val *v;
    HASH_FIND(hh, pc->store, &k, sizeof k, v);
    return v ? v->value : 0;
}

static void store_set(struct pagecache *pc, uint32_t obj, uint64_t page, uint64_t value)
{
    struct pc_key k = make_key(obj, page);
    struct fstore_val *v;
    HASH_FIND(hh, pc->store, &k, sizeof k, v);
    if (value == 0) { /* 0 is what an unwritten page holds */
        if (v) {
            HASH_DEL(pc->store, v);
            free(v);
            pc->nstore--;
        }
        return;
    }
    if (!v) {
        v = vm_xcalloc(1, sizeof *v);
        v->key = k;
        HASH_ADD(hh, pc->store, key, sizeof k, v);
        pc->nstore++;
    }
    v->value = value;
}

void pc_insert(struct pagecache *pc, uint32_t obj, uint64_t page, uint32_t f)
{
    struct mobj *o = mobj_get(pc, obj);
    VM_ASSERT(o && !find_page(pc, obj, page));
    struct cache_page *cp = vm_xcalloc(1, sizeof *cp);
    cp->key = make_key(obj, page);
    cp->frame = f;
    cp->seq = pc->next_seq++;
    HASH_ADD(hh, pc->pages, key, sizeof cp->key, cp);
    HASH_ADD(hh_frame, pc->by_frame, frame, sizeof cp->frame, cp);
    DL_APPEND(o->pages, cp);
    o->cached++;
    pc->npages++;
    pc->loads++;
    pc->ft->fr[f].value = o->shm ? 0 : store_value(pc, obj, page);
    frame_ref_set(pc->ft, f, 1);
    if (!o->shm) {
        frames_set_droppable(pc->ft, f, true);
        heap_push(pc, cp->seq, f);
    }
}

uint64_t pc_value(const struct pagecache *pc, uint32_t obj, uint64_t page)
{
    struct cache_page *cp = find_page(pc, obj, page);
    return cp ? pc->ft->fr[cp->frame].value : store_value(pc, obj, page);
}

struct cache_page *pc_page_of_frame(const struct pagecache *pc, uint32_t f)
{
    struct cache_page *cp;
    HASH_FIND(hh_frame, pc->by_frame, &f, sizeof f, cp);
    return cp;
}

bool pc_reclaim_one(struct pagecache *pc, struct pc_key *dropped)
{
    if (!pc->ft->droppable) { /* no page can go: every item left is stale */
        pc->heap_n = 0;
        return false;
    }
    while (pc->heap_n) {
        struct reclaim_item it = heap_pop(pc);
        struct cache_page *cp = droppable_now(pc, it);
        if (!cp)
            continue;
        struct mobj *o = mobj_get(pc, cp->key.obj);
        if (dropped)
            *dropped = cp->key;
        store_set(pc, cp->key.obj, cp->key.page, pc->ft->fr[cp->frame].value);
        drop_page(pc, o, cp);
        pc->drops++;
        return true;
    }
    return false;
}

/* ---- eviction and swap ---------------------------------------------------------- */

void pc_evict(struct pagecache *pc, uint32_t f)
{
    struct cache_page *cp = pc_page_of_frame(pc, f);
    VM_ASSERT(cp && frame_ref(pc->ft, f) == 1);
    struct mobj *o = mobj_get(pc, cp->key.obj);
    VM_ASSERT(o && !o->shm);
    store_set(pc, cp->key.obj, cp->key.page, pc->ft->fr[f].value);
    drop_page(pc, o, cp);
}

void pc_swap_out(struct pagecache *pc, uint32_t f, uint32_t slot)
{
    struct cache_page *cp = pc_page_of_frame(pc, f);
    VM_ASSERT(cp && frame_ref(pc->ft, f) == 1);
    struct mobj *o = mobj_get(pc, cp->key.obj);
    VM_ASSERT(o && o->shm);
    struct swapped_page *sp = vm_xcalloc(1, sizeof *sp);
    sp->key = cp->key;
    sp->slot = slot;
    HASH_ADD(hh, pc->swapped, key, sizeof sp->key, sp);
    pc->nswapped++;
    o->swapped++;
    drop_page(pc, o, cp);
}

static struct swapped_page *find_swapped(const struct pagecache *pc, uint32_t obj, uint64_t page)
{
    struct pc_key k = make_key(obj, page);
    struct swapped_page *sp;
    HASH_FIND(hh, pc->swapped, &k, sizeof k, sp);
    return sp;
}

uint32_t pc_swapped(const struct pagecache *pc, uint32_t obj, uint64_t page)
{
    struct swapped_page *sp = pc->nswapped ? find_swapped(pc, obj, page) : NULL;
    return sp ? sp->slot : UINT32_MAX;
}

void pc_swap_in(struct pagecache *pc, uint32_t obj, uint64_t page, uint32_t f)
{
    struct swapped_page *sp = find_swapped(pc, obj, page);
    VM_ASSERT(sp);
    struct mobj *o = mobj_get(pc, obj);
    HASH_DEL(pc->swapped, sp);
    pc->nswapped--;
    o->swapped--;
    free(sp);
    uint64_t loads = pc->loads;
    pc_insert(pc, obj, page, f);
    pc->loads = loads; /* a swap-in, not a load */
}
