/* query.c -- expect queries (see query.h). */
#include "vmsim/query.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/aspace.h"
#include "vmsim/number.h"
#include "vmsim/stats.h"
#include "vmsim/util.h"

/* ---- results ---------------------------------------------------------------- */

static void r_num(struct qresult *r, uint64_t v)
{
    r->kind = QR_NUM;
    r->num = v;
}
static void r_bool(struct qresult *r, bool v)
{
    r->kind = QR_BOOL;
    r->num = v;
}
static void r_word(struct qresult *r, const char *w)
{
    r->kind = QR_WORD;
    r->word = w;
}
static void r_none(struct qresult *r) { r->kind = QR_NONE; }

void qresult_format(const struct qresult *r, char *buf, size_t len)
{
    switch (r->kind) {
    case QR_NUM:
    case QR_BOOL:
        snprintf(buf, len, "%" PRIu64, r->num);
        break;
    case QR_DEC:
        number_format_pss(r->dec, buf, len);
        break;
    case QR_WORD:
        snprintf(buf, len, "%s", r->word);
        break;
    default:
        snprintf(buf, len, "none");
        break;
    }
}

/* ---- queries ------------------------------------------------------------ */

int vm_query_stat(struct vm *vm, const char *path, size_t len, struct qresult *out)
{
    int i = stat_index(path, len);
    if (i < 0)
        return -1;
    struct vm_summary s;
    vm_summarize(vm, &s);
    switch (stat_descs[i].type) {
    case ST_NUM:
        r_num(out, s.num[i]);
        break;
    case ST_BOOL:
        r_bool(out, s.num[i] != 0);
        break;
    default:
        r_word(out, s.str[i]);
        break;
    }
    return 0;
}

void vm_query_proc(struct vm *vm, uint32_t pid, enum proc_field f, struct qresult *out)
{
    struct proc *p = proc_find(vm, pid);
    if (!p) {
        if (f == PF_STATE)
            r_word(out, proc_state_names[PS_GONE]);
        else
            r_none(out);
        return;
    }
    double pss;
    uint64_t uss;
    struct pss_frac frac;
    switch (f) {
    case PF_STATE:
        r_word(out, proc_state_names[p->state]);
        break;
    case PF_PPID:
        r_num(out, p->ppid);
        break;
    case PF_EXIT_STATUS:
        if (p->exit_status < 0)
            r_none(out);
        else
            r_num(out, (uint64_t)p->exit_status);
        break;
    case PF_PROGRAM:
        if (p->program)
            r_word(out, p->program->name);
        else
            r_none(out);
        break;
    case PF_RSS:
        r_num(out, proc_rss(p));
        break;
    case PF_PSS:
    case PF_USS:
        proc_sharing(vm, p, &pss, &uss, &frac);
        if (f == PF_USS) {
            r_num(out, uss);
        } else {
            out->kind = QR_DEC;
            out->dec = pss;
            out->frac = frac;
        }
        break;
    case PF_PT_PAGES:
        r_num(out, p->as ? p->as->pt.pages : 0);
        break;
    case PF_VMAS:
        r_num(out, p->as ? p->as->vmas.n : 0);
        break;
    case PF_SWAP:
        r_num(out, proc_swap(p));
        break;
    default:
        r_none(out);
        break;
    }
}

/* page_value: what page `page` of memory object obj holds now: in the
 * cache, in swap (a shared-memory page), or in the file */
static uint64_t page_value(const struct vm *vm, uint32_t obj, uint64_t page)
{
    uint32_t slot = pc_lookup(&vm->pc, obj, page) == FRAME_NONE ? pc_swapped(&vm->pc, obj, page) : UINT32_MAX;
    return slot != UINT32_MAX ? swap_value(&vm->swap, slot) : pc_value(&vm->pc, obj, page);
}

void vm_query_page(struct vm *vm, uint32_t pid, uint64_t addr, enum page_field f, struct qresult *out)
{
    struct proc *p = proc_find(vm, pid);
    if (!p || !p->as) {
        /* gone: none; a zombie has no address space: nothing is mapped */
        if (p && (f <= PGF_DIRTY || f == PGF_SWAPPED))
            r_bool(out, false);
        else
            r_none(out);
        return;
    }
    struct aspace *as = p->as;
    struct vma *v = addr < vm->arch->user_top ? vma_find(&as->vmas, addr) : NULL;
    uint64_t e = addr < vm->arch->user_top ? pt_lookup(&vm->pts, &as->pt, addr) : 0;
    bool present = (e & PTE_P) != 0, swapped = pte_is_swap(e);
    uint32_t fr = pte_frame(e);
    switch (f) {
    case PGF_MAPPED:
        r_bool(out, v != NULL);
        break;
    case PGF_PRESENT:
        r_bool(out, present);
        break;
    case PGF_WRITABLE:
        r_bool(out, present && (e & PTE_W));
        break;
    case PGF_COW:
        r_bool(out, v && aspace_entry_is_cow(v, e));
        break;
    case PGF_DIRTY:
        r_bool(out, present && (e & PTE_D));
        break;
    case PGF_FRAME:
        if (!present)
            r_none(out);
        else if (fr == vm->ft.n)
            r_word(out, page_kind_words[PKW_ZERO]);
        else
            r_num(out, fr);
        break;
    case PGF_KIND:
        if (present)
            r_word(out, page_kind_words[fr == vm->ft.n                          ? PKW_ZERO
                                        : frame_kind(&vm->ft, fr) == FK_CACHE ? PKW_CACHE
                                                                               : PKW_ANON]);
        else if (swapped)
            r_word(out, page_kind_words[PKW_SWAP]);
        else
            r_none(out);
        break;
    case PGF_SWAPPED:
        r_bool(out, swapped);
        break;
    case PGF_SLOT:
        if (swapped)
            r_num(out, pte_slot(e));
        else
            r_none(out);
        break;
    case PGF_REFCOUNT:
        if (present)
            r_num(out, frame_refcount(&vm->ft, fr));
        else
            r_none(out);
        break;
    case PGF_MAPPERS:
        if (present)
            r_num(out, rmap_mappers(&vm->rmap, fr));
        else
            r_none(out);
        break;
    case PGF_VALUE:
        if (!v)
            r_none(out);
        else if (present)
            r_num(out, vm->ft.fr[fr].value);
        else if (swapped)
            r_num(out, swap_value(&vm->swap, pte_slot(e)));
        else if (v->obj)
            r_num(out, page_value(vm, v->obj, (v->off + (addr - v->start)) >> vm->arch->page_shift));
        else
            r_num(out, 0);
        break;
    default:
        r_none(out);
        break;
    }
}

/* ---- expect ----------------------------------------------------------------- */

/* cmp_eq_lt: how an == or an ordering comparison ends, from whether the
 * two sides count as equal and whether a is below b */
static bool cmp_eq_lt(enum cmp_op op, bool eq, bool lt)
{
    switch (op) {
    case CMP_EQ:
        return eq;
    case CMP_NE:
        return !eq;
    case CMP_LT:
        return lt && !eq;
    case CMP_LE:
        return lt || eq;
    case CMP_GT:
        return !lt && !eq;
    default:
        return !lt || eq;
    }
}

/* cmp_exact: a = an / ad (1 <= ad <= 2^56) against b = bn / 10^bexp
 * (bexp <= 19), exactly: equal when they differ by less than 0.001 if
 * approx (pss), else only when equal. Whole parts that differ by 2 or more
 * decide alone; otherwise (a - b) * ad * 10^k is computed, k = bexp (3 at
 * least if approx), and each of its terms is below 2^120. */
__extension__ typedef __int128 i128;
static bool cmp_exact(enum cmp_op op, uint64_t an, uint64_t ad, uint64_t bn, unsigned bexp, bool approx)
{
    unsigned k = approx && bexp < 3 ? 3 : bexp;
    uint64_t pb = 1, pk = 1;
    for (unsigned i = 0; i < k; i++) {
        pk *= 10;
        if (i < bexp)
            pb *= 10;
    }
    uint64_t ai = an / ad, ar = an % ad, bi = bn / pb, br = bn % pb;
    if (ai > bi && ai - bi > 1)
        return cmp_eq_lt(op, false, false);
    if (bi > ai && bi - ai > 1)
        return cmp_eq_lt(op, false, true);
    i128 d = ((i128)ai - (i128)bi) * (i128)ad * (i128)pk + (i128)ar * (i128)pk - (i128)br * (i128)(pk / pb) * (i128)ad;
    i128 mag = d < 0 ? -d : d;
    bool eq = approx ? mag < (i128)(pk / 1000) * (i128)ad : d == 0; /* |a - b| < 1/1000 */
    return cmp_eq_lt(op, eq, d < 0);
}

/* cmp_num: the same in doubles, for a pss past its fraction (rmap.h) */
static bool cmp_num(enum cmp_op op, double a, double b, bool approx)
{
    return cmp_eq_lt(op, approx ? fabs(a - b) < 0.001 : a == b, a < b);
}

static bool cmp_u64(enum cmp_op op, uint64_t a, uint64_t b)
{
    switch (op) {
    case CMP_EQ:
        return a == b;
    case CMP_NE:
        return a != b;
    case CMP_LT:
        return a < b;
    case CMP_LE:
        return a <= b;
    case CMP_GT:
        return a > b;
    default:
        return a >= b;
    }
}

static bool word_is(const struct qvalue *v, const char *w)
{
    return v->kind == QV_WORD && v->word.len == strlen(w) && !memcmp(v->word.s, w, v->word.len);
}

int vm_expect(struct vm *vm, const struct ev *ev, bool *passed, char *actual, size_t actual_len)
{
    struct qresult r;
    vm->stop = STOP_NONE;
    switch (ev->qkind) {
    case Q_STAT:
        if (vm_query_stat(vm, ev->qpath.s, ev->qpath.len, &r))
            return vm_error(vm, "unknown stat '%.*s' (see the JSON summary for the names)", (int)ev->qpath.len,
                            ev->qpath.s);
        break;
    case Q_PROC:
        vm_query_proc(vm, ev->pid, (enum proc_field)ev->qfield, &r);
        break;
    default:
        vm_query_page(vm, ev->pid, ev->addr, (enum page_field)ev->qfield, &r);
        break;
    }
    qresult_format(&r, actual, actual_len);
    const struct qvalue *want = &ev->qval;
    bool ordering = ev->cmp != CMP_EQ && ev->cmp != CMP_NE;

    /* booleans are written 1/0, true/false also read */
    struct qvalue b = *want;
    if (word_is(want, "true") || word_is(want, "false")) {
        b.kind = QV_NUM;
        b.num = word_is(want, "true");
        want = &b;
    }
    if (want->kind == QV_WORD) {
        char list[160];
        int i = ev->qkind == Q_STAT ? stat_index(ev->qpath.s, ev->qpath.len) : -1;
        if (i >= 0 && !stat_word_can_be((size_t)i, want->word.s, want->word.len, list, sizeof list))
            return vm_error(vm, "%.*s is never '%.*s': it is %s", (int)ev->qpath.len, ev->qpath.s,
                            (int)want->word.len, want->word.s, list);
        if (ordering)
            return vm_error(vm, "words compare only with == and != ('%.*s')", (int)want->word.len, want->word.s);
        bool eq = (r.kind == QR_WORD && strlen(r.word) == want->word.len &&
                   !memcmp(r.word, want->word.s, want->word.len)) ||
                  (r.kind == QR_NONE && word_is(want, "none"));
        *passed = ev->cmp == CMP_EQ ? eq : !eq;
        return 0;
    }
    /* a number (or decimal) on the right */
    if (r.kind == QR_WORD || r.kind == QR_NONE) {
        if (ordering)
            *passed = false;
        else
            *passed = ev->cmp == CMP_NE;
        return 0;
    }
    if ((r.kind != QR_DEC || r.frac.exact) && (r.kind == QR_DEC || want->kind == QV_DEC)) {
        /* exactly: a number, or pss as its fraction, against a decimal
         * or a number */
        uint64_t an = r.kind == QR_DEC ? r.frac.num : r.num, ad = r.kind == QR_DEC ? r.frac.den : 1;
        uint64_t bn = want->kind == QV_DEC ? want->dnum : want->num;
        unsigned bexp = want->kind == QV_DEC ? want->dexp : 0;
        *passed = cmp_exact(ev->cmp, an, ad, bn, bexp, r.kind == QR_DEC);
        return 0;
    }
    if (r.kind == QR_DEC || want->kind == QV_DEC) { /* pss past its fraction: as doubles */
        double a = r.kind == QR_DEC ? r.dec : (double)r.num;
        double w = want->kind == QV_DEC ? want->dec : (double)want->num;
        *passed = cmp_num(ev->cmp, a, w, r.kind == QR_DEC);
        return 0;
    }
    *passed = cmp_u64(ev->cmp, r.num, want->num);
    return 0;
}
