/* query.h -- what `expect` (and quiz, grade, show) can ask of the machine:
 * numbers of the summary by dotted path, fields of a process, fields of a
 * page (docs/trace-format.md, "expect"). Queries only look: they never access memory or
 * change any state.
 *
 * mappers, pss and uss come from the reverse map (rmap.h).
 */
#ifndef VMSIM_QUERY_H
#define VMSIM_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim/event.h"
#include "vmsim/machine.h"
#include "vmsim/proc.h"
#include "vmsim/rmap.h"

struct qresult {
    enum { QR_NUM, QR_DEC, QR_WORD, QR_BOOL, QR_NONE } kind;
    uint64_t num; /* QR_NUM, QR_BOOL (0/1) */
    double dec;   /* QR_DEC (pss) */
    struct pss_frac frac; /* QR_DEC: the same, exact when frac.exact */
    const char *word;
};

/* vm_query_stat: a number (or word) of the summary; -1 for an unknown path. */
int vm_query_stat(struct vm *vm, const char *path, size_t len, struct qresult *out);
void vm_query_proc(struct vm *vm, uint32_t pid, enum proc_field f, struct qresult *out);
void vm_query_page(struct vm *vm, uint32_t pid, uint64_t addr, enum page_field f, struct qresult *out);

/* vm_expect: evaluates an expect line. 0 with *passed and the actual value
 * written in `actual`; -1 when the line cannot be evaluated (vm->err). */
int vm_expect(struct vm *vm, const struct ev *ev, bool *passed, char *actual, size_t actual_len);

/* qresult_format: the value as the trace language writes it. */
void qresult_format(const struct qresult *r, char *buf, size_t len);

#endif
