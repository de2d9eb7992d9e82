/* test_check.c -- unit tests of --check (sim/check.c, include/vmsim/check.h):
 * sound machines pass, and every corruption made by hand is found and
 * named. */
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

#include <utlist.h>

#include "vmsim/arch.h"
#include "vmsim/check.h"
#include "vmsim/aspace.h"
#include "vmsim/engine.h"
#include "vmsim/exclusive.h"
#include "vmsim/machine.h"
#include "vmsim/proc.h"
#include "vmsim/query.h"
#include "vmsim/runner.h"
#include "vmsim/stats.h"

#include "machine_harness.h"

/* ---- helpers ------------------------------------------------------------------ */

static void check_ok(struct vm *vm)
{
    if (vm_check(vm) != 0)
        fail_msg("vm_check fails on a sound machine: %s", vm->err);
}

/* check_fails: vm_check finds the corruption and names it */
static void check_fails(struct vm *vm, const char *want)
{
    vm->err[0] = 0;
    if (vm_check(vm) != -1)
        fail_msg("vm_check does not see the corruption (want '%s')", want);
    if (!strstr(vm->err, "--check: "))
        fail_msg("message '%s' lacks --check:", vm->err);
    if (!strstr(vm->err, want))
        fail_msg("message '%s' lacks '%s'", vm->err, want);
    vm->stop = STOP_NONE;
}

static uint64_t *entry(struct vm *vm, uint32_t pid, uint64_t va)
{
    struct pt *leaf = pt_leaf(&vm->pts, &as_of(vm, pid)->pt, va);
    assert_non_null(leaf);
    return &leaf->e[arch_index(vm->arch, va, vm->arch->levels - 1)];
}

static uint32_t frame_at(struct vm *vm, uint32_t pid, uint64_t va)
{
    uint64_t e = *entry(vm, pid, va);
    assert_true(e & PTE_P);
    return pte_frame(e);
}

/* a machine with a bit of everything: anon, cache, zero page, shared
 * memory, a droppable cache page, a cow fork, a zombie, a vfork family */
#define EVERYTHING                                                                                                 \
    "spawn 1 p\n"                                                                                                  \
    "write 1 0x406000 5\n"                                                                                         \
    "read 1 0x400000\n"                                                                                            \
    "read 1 0x407000\n"                                                                                            \
    "mmap 1 0x60000000 8K rw- shared\n"                                                                            \
    "write 1 0x60000000 1\n"                                                                                       \
    "mmap 1 0x10000000 4K r-- private file=f\n"                                                                    \
    "read 1 0x10000000\n"                                                                                          \
    "munmap 1 0x10000000 4K\n"                                                                                     \
    "fork 1 2\n"                                                                                                   \
    "fork 1 3\n"                                                                                                   \
    "exit 3\n"                                                                                                     \
    "vfork 2 4\n"

static struct vm *everything(enum fork_mode mode)
{
    struct vm_config c = config("x86_64", 64);
    c.zero_page = true;
    c.fork = mode;
    struct vm *vm = run_ok(&c, EVERYTHING);
    check_ok(vm);
    assert_int_equal(proc_find(vm, 2)->state, PS_SUSPENDED);
    assert_int_equal(proc_find(vm, 3)->state, PS_ZOMBIE);
    assert_int_equal(vm->ft.droppable, 1);
    return vm;
}

/* ---- sound machines pass ------------------------------------------------------ */

static void test_sound_machines(void **state)
{
    (void)state;
    for (int m = FORK_COW; m <= FORK_SHAREPT; m++) {
        struct vm *vm = everything((enum fork_mode)m);
        vm_free(vm);
    }
    struct vm_config c = config("tiny", 24);
    c.pt_frames = true;
    c.fork = FORK_SHAREPT;
    struct vm *vm = run_ok(&c, "spawn 1 p\nwrite 1 0x700\nwrite 1 0xff00\nfork 1 2\nwrite 2 0x700\n");
    check_ok(vm);
    assert_true(vm->ft.count[FK_PT] > 0);
    vm_free(vm);
    vm = run_ok(NULL, "");
    check_ok(vm); /* an empty machine */
    vm_free(vm);
}

/* ---- frames ------------------------------------------------------------------- */

static void test_refcount_bumped(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    uint32_t f = frame_at(vm, 1, 0x406000);
    vm->ft.ref[f]++;
    char want[64];
    snprintf(want, sizeof want, "frame %u has refcount 3, but 2 references", (unsigned)f);
    check_fails(vm, want);
    vm->ft.ref[f] -= 2;
    check_fails(vm, "refcount 1, but 2");
    vm->ft.ref[f]++;
    check_ok(vm);
    /* a cache frame: entries + the cache's own */
    uint32_t c = frame_at(vm, 1, 0x400000);
    vm->ft.ref[c]--;
    check_fails(vm, "refcount");
    vm->ft.ref[c]++;
    check_ok(vm);
    vm_free(vm);
}

/* a checker kept from one call to the next counts afresh each time: a
 * sound machine stays sound on the second and third call, and a broken
 * count is still seen */
static void test_checker_kept(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    struct vm_checker k = {0};
    for (int i = 0; i < 3; i++)
        if (vm_check_with(vm, &k) != 0)
            fail_msg("call %d of a kept checker fails on a sound machine: %s", i + 1, vm->err);
    uint32_t f = frame_at(vm, 1, 0x406000);
    vm->ft.ref[f]++;
    assert_int_equal(vm_check_with(vm, &k), -1);
    assert_non_null(strstr(vm->err, "refcount 3, but 2 references"));
    vm->stop = STOP_NONE;
    vm->ft.ref[f]--;
    assert_int_equal(vm_check_with(vm, &k), 0);
    vm_checker_free(&k);
    assert_null(k.refs);
    vm_free(vm);
}

static void test_zero_refs(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    assert_true(vm->ft.zero_refs > 0);
    vm->ft.zero_refs++;
    check_fails(vm, "zero page has refcount");
    vm->ft.zero_refs--;
    check_ok(vm);
    uint64_t *e = entry(vm, 1, 0x407000);
    assert_int_equal(pte_frame(*e), vm->ft.n);
    *e |= PTE_W;
    check_fails(vm, "zero page is mapped writable");
    *e &= ~PTE_W;
    check_ok(vm);
    vm_free(vm);
}

static void test_frame_counts(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    vm->ft.used++;
    check_fails(vm, "frames_used");
    vm->ft.used--;
    vm->ft.count[FK_ANON]++;
    check_fails(vm, "frames of kind 1");
    vm->ft.count[FK_ANON]--;
    vm->ft.count[FK_CACHE]--;
    check_fails(vm, "frames of kind 2");
    vm->ft.count[FK_CACHE]++;
    vm->ft.count[FK_FREE]++;
    check_fails(vm, "frames of kind 0");
    vm->ft.count[FK_FREE]--;
    check_ok(vm);
    vm_free(vm);
}

static void test_bitmap(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    uint32_t f = frame_at(vm, 1, 0x406000);
    vm->ft.inuse.bits[0][f / 64] &= ~(UINT64_C(1) << (f % 64)); /* in use, but free in the bitmap */
    check_fails(vm, "in the bitmap");
    vm->ft.inuse.bits[0][f / 64] |= UINT64_C(1) << (f % 64);
    check_ok(vm);
    vm->ft.inuse.bits[0][0] |= UINT64_C(1) << 63; /* free frame 63, used in the bitmap */
    check_fails(vm, "frame 63 is used in the bitmap");
    vm->ft.inuse.bits[0][0] &= ~(UINT64_C(1) << 63);
    check_ok(vm);
    vm_free(vm);
}

static void test_free_frame_mapped(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    /* a frame freed behind the entries' back */
    uint32_t f = frame_at(vm, 2, 0x406000);
    uint8_t kind = vm->ft.fr[f].kind;
    vm->ft.fr[f].kind = FK_FREE;
    check_fails(vm, "of kind 0");
    vm->ft.fr[f].kind = kind;
    check_ok(vm);
    vm_free(vm);
}

static void test_anon_frame_unmapped(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    /* a leaked frame: anon, used, mapped by nothing */
    uint32_t f = frame_alloc_lowest(&vm->ft, FK_ANON);
    check_fails(vm, "nothing maps it");
    frame_free(&vm->ft, f);
    check_ok(vm);
    vm_free(vm);
}

/* ---- page tables ---------------------------------------------------------------- */

static void test_table_counts(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    struct pt *leaf = pt_leaf(&vm->pts, &as_of(vm, 1)->pt, 0x406000);
    leaf->used++;
    check_fails(vm, "a table at level 3 counts 4 entries in use, holds 3");
    leaf->used--;
    leaf->rss++;
    check_fails(vm, "a leaf counts rss");
    leaf->rss--;
    check_ok(vm);
    struct pt *root = as_of(vm, 1)->pt.root;
    root->used++;
    check_fails(vm, "level 0");
    root->used--;
    as_of(vm, 1)->pt.rss++;
    check_fails(vm, "process 1 counts rss");
    as_of(vm, 1)->pt.rss--;
    as_of(vm, 2)->pt.pages--;
    check_fails(vm, "tables, reaches");
    as_of(vm, 2)->pt.pages++;
    vm->pts.tables++;
    check_fails(vm, "page tables counted");
    vm->pts.tables--;
    check_ok(vm);
    vm_free(vm);
}

static void test_empty_table_kept(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    struct aspace *as = as_of(vm, 1);
    /* tables made for an access that never came: they must have been pruned */
    assert_non_null(pt_table_at(&vm->pts, &as->pt, 0x30000000000, vm->arch->levels - 1, true));
    check_fails(vm, "was not freed");
    pt_prune(&vm->pts, &as->pt, 0x30000000000);
    check_ok(vm);
    vm_free(vm);
}

static void test_entry_bits(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    struct pt *leaf = pt_leaf(&vm->pts, &as_of(vm, 1)->pt, 0x406000);
    unsigned i = arch_index(vm->arch, 0x408000, 3); /* just past the bss, same leaf */
    /* bits without P */
    leaf->e[i] = PTE_A | PTE_D;
    leaf->used++;
    check_fails(vm, "has bits but is not present");
    /* a present entry outside every VMA */
    uint32_t f = frame_at(vm, 1, 0x406000);
    leaf->e[i] = pte_make(f, 0);
    vm->ft.ref[f]++;
    check_fails(vm, "outside every VMA");
    vm->ft.ref[f]--;
    /* a frame past the pool */
    leaf->e[i] = pte_make(vm->ft.n + 5, 0);
    check_fails(vm, "past the pool");
    leaf->e[i] = 0;
    leaf->used--;
    check_ok(vm);
    /* a writable entry in a VMA without w (the text) */
    uint64_t *e = entry(vm, 1, 0x400000);
    *e |= PTE_W;
    check_fails(vm, "a writable entry at 0x400000 in a VMA without w");
    *e &= ~PTE_W;
    check_ok(vm);
    vm_free(vm);
}

static void test_private_writable_shared_frame(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    /* after a cow fork the entry is read-only; made writable, the child
     * would see the parent's writes */
    uint64_t *e = entry(vm, 1, 0x406000);
    assert_false(*e & PTE_W);
    *e |= PTE_W;
    check_fails(vm, "a writable entry of a private VMA at 0x406000 maps a frame with refcount above 1");
    *e &= ~PTE_W;
    check_ok(vm);
    vm_free(vm);
}

static void test_shared_leaf(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_SHAREPT);
    struct pt *leaf = pt_leaf(&vm->pts, &as_of(vm, 1)->pt, 0x406000);
    assert_ptr_equal(leaf, pt_leaf(&vm->pts, &as_of(vm, 2)->pt, 0x406000));
    uint32_t share = leaf->share;
    assert_int_equal(share, 2); /* 1 and 2 (3 is a zombie; 4 shares 2's space) */
    leaf->share++;
    check_fails(vm, "sharers");
    leaf->share = share;
    check_ok(vm);
    /* an entry of a shared leaf counts once */
    uint32_t f = frame_at(vm, 1, 0x406000);
    assert_int_equal(vm->ft.ref[f], 1);
    vm->ft.ref[f] = 2;
    check_fails(vm, "refcount 2, but 1");
    vm->ft.ref[f] = 1;
    check_ok(vm);
    vm_free(vm);
}

/* ---- page cache and objects -------------------------------------------------------- */

static void test_page_cache(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    vm->ft.droppable++;
    check_fails(vm, "droppable");
    vm->ft.droppable--;
    check_ok(vm);
    /* an anon frame of kind cache is not in the cache */
    uint32_t f = frame_at(vm, 1, 0x406000);
    vm->ft.fr[f].kind = FK_CACHE;
    vm->ft.count[FK_ANON]--;
    vm->ft.count[FK_CACHE]++;
    check_fails(vm, "not found in the page cache");
    vm->ft.fr[f].kind = FK_ANON;
    vm->ft.count[FK_ANON]++;
    vm->ft.count[FK_CACHE]--;
    check_ok(vm);
    vm->pc.npages++;
    check_fails(vm, "the page cache counts");
    vm->pc.npages--;
    check_ok(vm);
    vm_free(vm);
}

static void test_shm_refs(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    struct vma *v = vma_find(&as_of(vm, 1)->vmas, 0x60000000);
    struct mobj *o = mobj_get(&vm->pc, v->obj);
    assert_true(o->shm);
    assert_int_equal(o->vma_refs, 2); /* 1, and the family of 2 and 4 */
    o->vma_refs++;
    check_fails(vm, "is mapped by 2 VMAs but counts 3");
    o->vma_refs--;
    check_ok(vm);
    vm_free(vm);
}

/* ---- processes -------------------------------------------------------------------- */

static void test_process_counts(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    vm->live++;
    check_fails(vm, "process counts");
    vm->live--;
    vm->zombies--;
    check_fails(vm, "process counts");
    vm->zombies++;
    vm->nprocs++;
    check_fails(vm, "process counts");
    vm->nprocs--;
    check_ok(vm);
    vm_free(vm);
}

static void test_process_spaces(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    struct proc *z = proc_find(vm, 3), *one = proc_find(vm, 1);
    z->as = one->as;
    check_fails(vm, "zombie 3 still has an address space");
    z->as = NULL;
    check_ok(vm);
    /* 2 shares its space with its vfork child 4: the tables are still
     * walked, through 4 */
    struct proc *two = proc_find(vm, 2);
    struct aspace *as = two->as;
    two->as = NULL;
    check_fails(vm, "process 2 has no address space");
    two->as = as;
    check_ok(vm);
    vm_free(vm);
}

static void test_vfork_links(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    struct proc *parent = proc_find(vm, 2), *child = proc_find(vm, 4);
    parent->vfork_child = 1;
    check_fails(vm, "suspended process 2 does not wait for a living vfork child");
    parent->vfork_child = 4;
    child->vfork_parent = 0;
    check_fails(vm, "suspended process 2");
    child->vfork_parent = 2;
    check_ok(vm);
    vm_free(vm);
}

static void test_children_lists(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    struct proc *four = proc_find(vm, 4);
    four->ppid = 1; /* says 1, but is in 2's list */
    check_fails(vm, "process 4 is not in the children of its parent 1");
    four->ppid = 2;
    check_ok(vm);
    /* a living process whose parent is a zombie */
    struct proc *three = proc_find(vm, 3);
    four->ppid = 3;
    struct proc *saved = three->children;
    three->children = four; /* a one-element list: 4's links stay 2's */
    check_fails(vm, "has a zombie parent 3");
    three->children = saved;
    four->ppid = 2;
    check_ok(vm);
    vm_free(vm);
}

static void test_parent_cycle(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1\nfork 1 2\n");
    struct proc *one = proc_find(vm, 1), *two = proc_find(vm, 2);
    one->ppid = 2; /* 1 -> 2 -> 1, each in the other's children list */
    DL_APPEND2(two->children, one, sib_prev, sib_next);
    check_fails(vm, "form a cycle");
    /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): the list holds one, appended above */
    DL_DELETE2(two->children, one, sib_prev, sib_next);
    one->ppid = 0;
    check_ok(vm);
    vm_free(vm);
}

static void test_vma_alignment(void **state)
{
    (void)state;
    struct vm *vm = run_ok(NULL, "spawn 1\nmmap 1 0x10000 1p rw- private\n"); /* no page present */
    struct aspace *as = as_of(vm, 1);
    uint64_t end = as->vmas.v[0].end;
    as->vmas.v[0].end = end - 0x10;
    check_fails(vm, "is not page-aligned");
    as->vmas.v[0].end = as->vmas.v[0].start;
    check_fails(vm, "is empty");
    as->vmas.v[0].end = end;
    check_ok(vm);
    vm_free(vm);
}

static void test_vmas_overlap(void **state)
{
    (void)state;
    struct vm *vm = everything(FORK_COW);
    struct aspace *as = as_of(vm, 1);
    uint64_t end = as->vmas.v[0].end;
    as->vmas.v[0].end = as->vmas.v[1].start + 0x1000;
    check_fails(vm, "VMAs overlap");
    as->vmas.v[0].end = end;
    check_ok(vm);
    vm_free(vm);
}

/* ---- --pt-frames ------------------------------------------------------------------- */

static struct vm *pt_machine(void)
{
    struct vm_config c = config("tiny", 24);
    c.pt_frames = true;
    struct vm *vm = run_ok(&c, "spawn 1 p\nwrite 1 0x700\nwrite 1 0xff00\nfork 1 2\n");
    check_ok(vm);
    return vm;
}

static void test_pt_frames(void **state)
{
    (void)state;
    struct vm *vm = pt_machine();
    struct pt *leaf = pt_leaf(&vm->pts, &as_of(vm, 1)->pt, 0x700);
    uint32_t f = leaf->frame;
    assert_int_equal(frame_kind(&vm->ft, f), FK_PT);
    leaf->frame = FRAME_NONE;
    check_fails(vm, "a table has no frame under --pt-frames");
    leaf->frame = f;
    check_ok(vm);
    /* a table on a frame that is not a pt frame */
    uint32_t a = frame_at(vm, 1, 0x700);
    leaf->frame = a;
    check_fails(vm, "is not of kind pt");
    leaf->frame = f;
    check_ok(vm);
    vm_free(vm);
}

/* Regression (was a bug in sim/check.c): check.h promises "a pt frame belongs to one table",
 * but check_spaces only counts the tables that have a frame and compares
 * that with the count of pt frames: two tables on the same frame (and a pt
 * frame that no table holds) pass. Repro: --pt-frames, two processes,
 * then point one's leaf table at the other's leaf frame; vm_check returns
 * 0. */
static void test_pt_frame_of_two_tables(void **state)
{
    (void)state;
    struct vm *vm = pt_machine();
    struct pt *l1 = pt_leaf(&vm->pts, &as_of(vm, 1)->pt, 0x700);
    struct pt *l2 = pt_leaf(&vm->pts, &as_of(vm, 2)->pt, 0x700);
    uint32_t f2 = l2->frame;
    l2->frame = l1->frame;
    check_fails(vm, "pt frame");
    l2->frame = f2;
    check_ok(vm);
    vm_free(vm);
}

/* Regression (was a bug in sim/check.c): check.h promises "the free bitmap agrees with the
 * kinds", but only level 0 of the bitmap is compared; a summary bit that
 * says a word is full when it is not (or the reverse) passes, and the next
 * allocation then skips free frames (or takes a used one). Repro: set
 * ft.inuse.bits[1][0] bit 0 on a machine whose frames 0..63 are not all used;
 * vm_check returns 0, and frame_alloc_lowest then returns 64, not the
 * lowest free frame. */
static void test_bitmap_summary_levels(void **state)
{
    (void)state;
    struct vm_config c = config("x86_64", 0);
    struct vm *vm = run_ok(&c, "spawn 1 p\nwrite 1 0x406000\n");
    assert_true(vm->ft.inuse.nlevels > 1);
    vm->ft.inuse.bits[1][0] |= 1; /* "frames 0..63 are all in use": not so */
    check_fails(vm, "bitmap");
    vm->ft.inuse.bits[1][0] &= ~UINT64_C(1);
    check_ok(vm);
    vm_free(vm);
}

/* ---- the marks of the rules closer to Linux ------------------------------------- */

/* exclusive.h's mark and vma.h's anon_vma: a machine's own marks pass, and
 * each wrong one is found */
static void test_linux_marks(void **state)
{
    (void)state;
    struct vm_config c = config("x86_64", 64);
    c.exclusive_reuse = c.lazy_fork = c.anon_vma = true;
    struct vm *vm = run_ok(&c, "spawn 1\nmmap 1 0x10000 2p rw- private\nwrite 1 0x10000 1\nwrite 1 0x11000 2\n");
    check_ok(vm);
    uint32_t f = frame_at(vm, 1, 0x10000);
    assert_true(frame_exclusive(&vm->ft, f)); /* a demand-zero frame */
    vm->ft.fr[f].kind &= (uint8_t)~FF_EXCLUSIVE;
    check_fails(vm, "which is not exclusive");
    vm->ft.fr[f].kind |= FF_EXCLUSIVE;
    struct vma *v = vma_find(&as_of(vm, 1)->vmas, 0x10000);
    v->anon_vma = false;
    check_fails(vm, "is not marked as having had one");
    v->anon_vma = true;
    check_ok(vm);
    vm->ft.ref[f]++; /* two references: not exclusive, whatever else is wrong */
    check_fails(vm, "refcount");
    vm->ft.ref[f]--;
    vm->cfg.exclusive_reuse = false; /* no frame is marked without the flag */
    check_fails(vm, "is marked exclusive but is anon with refcount 1");
    vm_free(vm);

    /* a sharept fork: the leaf's frames are seen twice, none is exclusive */
    c.fork = FORK_SHAREPT;
    vm = run_ok(&c, "spawn 1\nmmap 1 0x10000 1p rw- private\nwrite 1 0x10000 1\nfork 1 2\n");
    f = frame_at(vm, 1, 0x10000);
    assert_false(frame_exclusive(&vm->ft, f));
    vm->ft.fr[f].kind |= FF_EXCLUSIVE;
    check_fails(vm, "is mapped from a shared leaf");
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sound_machines),
        cmocka_unit_test(test_refcount_bumped),
        cmocka_unit_test(test_checker_kept),
        cmocka_unit_test(test_zero_refs),
        cmocka_unit_test(test_frame_counts),
        cmocka_unit_test(test_bitmap),
        cmocka_unit_test(test_free_frame_mapped),
        cmocka_unit_test(test_anon_frame_unmapped),
        cmocka_unit_test(test_table_counts),
        cmocka_unit_test(test_empty_table_kept),
        cmocka_unit_test(test_entry_bits),
        cmocka_unit_test(test_private_writable_shared_frame),
        cmocka_unit_test(test_shared_leaf),
        cmocka_unit_test(test_page_cache),
        cmocka_unit_test(test_shm_refs),
        cmocka_unit_test(test_process_counts),
        cmocka_unit_test(test_process_spaces),
        cmocka_unit_test(test_vfork_links),
        cmocka_unit_test(test_children_lists),
        cmocka_unit_test(test_vmas_overlap),
        cmocka_unit_test(test_parent_cycle),
        cmocka_unit_test(test_vma_alignment),
        cmocka_unit_test(test_pt_frames),
        cmocka_unit_test(test_pt_frame_of_two_tables),
        cmocka_unit_test(test_bitmap_summary_levels),
        cmocka_unit_test(test_linux_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
