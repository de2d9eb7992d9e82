/* test_tlb.c -- unit tests of the TLB (sim/model/tlb.c, include/vmsim/tlb.h):
 * its sets and use order, the table of address spaces, its hook, its
 * operations, and what tlb_check finds. What a trace can ask (the counters)
 * is in tests/traces/s11_tlb_*.trace. */
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

#include "vmsim/aspace.h"
#include "vmsim/engine.h"
#include "vmsim/fault.h"
#include "vmsim/machine.h"
#include "vmsim/proc.h"
#include "vmsim/tlb.h"

#include "machine_harness.h"

static struct vm_config tlb_config(uint32_t entries, uint32_t ways, bool asid)
{
    struct vm_config c = config("x86_64", 0);
    c.tlb_entries = entries;
    c.tlb_ways = ways;
    c.asid = asid;
    return c;
}

/* set_pages: the pages of set s, most recently used first, into out */
static size_t set_pages(const struct tlb *t, uint32_t s, uint64_t *out, size_t max)
{
    size_t n = 0;
    for (uint32_t k = t->mru[s]; k != TLB_NONE && n < max; k = tlb_older(t, k))
        out[n++] = t->e[k].page;
    return n;
}

/* the sets and their use order after tests/traces/s11_tlb_set_index.trace */
static void test_sets_and_order(void **state)
{
    (void)state;
    struct vm_config c = tlb_config(8, 2, false);
    struct vm *vm = run_file(&c, "tests/traces/s11_tlb_set_index.trace");
    const struct tlb *t = &vm->tlb;
    assert_int_equal(t->sets, 4);
    assert_int_equal(t->ways, 2);
    assert_int_equal(t->nlive, 5);
    uint64_t p[4] = {0};
    /* set 0: 0x108 (the last miss), then 0x104 */
    assert_int_equal(set_pages(t, 0, p, 4), 2);
    assert_int_equal(p[0], 0x108);
    assert_int_equal(p[1], 0x104);
    for (uint32_t s = 1; s < 4; s++) {
        assert_int_equal(set_pages(t, s, p, 4), 1);
        assert_int_equal(p[0], 0x100 + s);
    }
    /* each entry lies in its own set's ways */
    for (uint32_t k = t->ghead; k != TLB_NONE; k = t->e[k].gnext)
        assert_int_equal(k / t->ways, tlb_set_of(t, t->e[k].page));
    vm_free(vm);
}

/* without --tlb there is nothing: no memory, no hook */
static void test_off(void **state)
{
    (void)state;
    struct vm_config c = tlb_config(0, 0, false);
    struct vm *vm = vm_new(&c);
    assert_non_null(vm);
    assert_false(tlb_on(&vm->tlb));
    assert_null(vm->tlb.e);
    unsigned hooks = vm->pts.nhooks;
    vm_free(vm);
    c = tlb_config(4, 0, false);
    vm = vm_new(&c);
    assert_true(tlb_on(&vm->tlb));
    assert_int_equal(vm->tlb.ways, 4); /* fully associative */
    assert_int_equal(vm->tlb.sets, 1);
    assert_int_equal(vm->pts.nhooks, hooks + 1);
    vm_free(vm);
}

/* many address spaces come and go: the table that counts their entries
 * (open addressing, entries moved back on delete) stays whole; --check runs
 * after every event */
static void test_many_spaces(void **state)
{
    (void)state;
    static char text[1 << 14];
    size_t n = 0;
    const unsigned procs = 60;
    for (unsigned i = 1; i <= procs; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "spawn %u\nmmap %u 0x10000 2p rw- private\ntouch %u 0x10000 2p w\n",
                              i, i, i);
    /* exit them in a scattered order: 7 is prime to 61 */
    for (unsigned i = 1; i <= procs; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "exit %u\n", (i * 7) % 61);
    n += (size_t)snprintf(text + n, sizeof text - n, "expect stat tlb.invalidations == 0\n");
    assert_true(n < sizeof text);
    struct vm_config c = tlb_config(128, 0, true);
    struct vm *vm = run_ok(&c, text);
    assert_int_equal(vm->tlb.nlive, 0);
    for (size_t i = 0; i < ((size_t)1 << vm->tlb.sbits); i++)
        assert_int_equal(vm->tlb.space[i].id, 0);
    assert_int_equal(stat_of(vm, "tlb.misses"), 2 * procs);
    assert_int_equal(stat_of(vm, "tlb.context_switches"), procs - 1);
    vm_free(vm);
}

/* tlb_check finds an entry that no longer matches its page table */
static void test_check_finds(void **state)
{
    (void)state;
    struct vm_config c = tlb_config(4, 0, false);
    struct vm *vm = run_ok(&c, "spawn 1\nmmap 1 0x10000 2p rw- private\ntouch 1 0x10000 2p w\n");
    char msg[200];
    assert_int_equal(tlb_check(vm, msg, sizeof msg), 0);
    struct tlb_entry *x = &vm->tlb.e[vm->tlb.ghead];
    x->frame ^= 1;
    assert_int_equal(tlb_check(vm, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "cached as"));
    x->frame ^= 1;
    x->ptw = 0;
    assert_int_equal(tlb_check(vm, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "changed unseen"));
    x->ptw = 1;
    x->page++;
    assert_int_equal(tlb_check(vm, msg, sizeof msg), -1);
    x->page--;
    assert_int_equal(tlb_check(vm, msg, sizeof msg), 0);
    vm_free(vm);
}

/* a change outside any operation is an operation of its own; inside one,
 * removals count together against the ceiling */
static void test_operations(void **state)
{
    (void)state;
    struct vm_config c = tlb_config(64, 0, false);
    struct vm *vm = run_ok(&c, "spawn 1\nmmap 1 0x10000 40p rw- private\ntouch 1 0x10000 40p w\n");
    struct proc *p = proc_find(vm, 1);
    assert_int_equal(vm->tlb.nlive, 40);
    assert_int_equal(vm->tlb.depth, 0);
    /* 5 unmaps of a page each, outside any operation: 5 invalidations */
    for (unsigned i = 0; i < 5; i++)
        assert_int_equal(aspace_munmap(vm, p->as, 0x10000 + i * 0x1000, 0x11000 + i * 0x1000), 0);
    assert_int_equal(vm->tlb.invalidations, 5);
    assert_int_equal(vm->tlb.flushes, 0);
    /* 33 more, one at a time but in one operation: at the ceiling */
    tlb_begin(&vm->tlb);
    for (unsigned i = 5; i < 38; i++)
        assert_int_equal(aspace_munmap(vm, p->as, 0x10000 + i * 0x1000, 0x11000 + i * 0x1000), 0);
    assert_int_equal(vm->tlb.invalidations, 38);
    /* an operation inside counts apart */
    tlb_begin(&vm->tlb);
    assert_int_equal(aspace_munmap(vm, p->as, 0x36000, 0x37000), 0);
    tlb_end(&vm->tlb);
    assert_int_equal(vm->tlb.invalidations, 39);
    assert_int_equal(vm->tlb.nlive, 1);
    /* the 34th of the outer one: the space is flushed instead */
    assert_int_equal(aspace_munmap(vm, p->as, 0x37000, 0x38000), 0);
    tlb_end(&vm->tlb);
    assert_int_equal(vm->tlb.invalidations, 6);
    assert_int_equal(vm->tlb.flushes, 1);
    assert_int_equal(vm->tlb.nlive, 0);
    assert_int_equal(vm->tlb.nnotes, 0);
    vm_free(vm);
}

/* an access through the library: a miss fills, a hit does not walk */
static void test_direct_access(void **state)
{
    (void)state;
    struct vm_config c = tlb_config(2, 0, false);
    struct vm *vm = run_ok(&c, "spawn 1\nmmap 1 0x10000 4p rw- private\n");
    struct proc *p = proc_find(vm, 1);
    assert_int_equal(vm_access(vm, p, 0x10000, true, 1), ACCESS_OK);
    assert_int_equal(vm_access(vm, p, 0x10008, false, 0), ACCESS_OK);
    assert_int_equal(vm->tlb.misses, 1);
    assert_int_equal(vm->tlb.hits, 1);
    assert_int_equal(vm->tlb.walk_steps, 1); /* the root alone, at the first access */
    assert_int_equal(vm_access(vm, p, 0x11000, false, 0), ACCESS_OK);
    assert_int_equal(vm_access(vm, p, 0x12000, false, 0), ACCESS_OK); /* replaces 0x10 */
    assert_int_equal(vm_access(vm, p, 0x10000, false, 0), ACCESS_OK); /* so a miss */
    assert_int_equal(vm->tlb.misses, 4);
    assert_int_equal(vm->tlb.walk_steps, 13);
    char msg[200];
    assert_int_equal(tlb_check(vm, msg, sizeof msg), 0);
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sets_and_order), cmocka_unit_test(test_off),
        cmocka_unit_test(test_many_spaces),    cmocka_unit_test(test_check_finds),
        cmocka_unit_test(test_operations),     cmocka_unit_test(test_direct_access),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
