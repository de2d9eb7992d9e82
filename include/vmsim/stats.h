/* stats.h -- the summary (docs/cli.md, "The summary"): every counter by its dotted path,
 * and the text, json and csv writers.
 *
 * One table lists the summary's numbers in order; the three formats and
 * `expect stat PATH` all read it, so they cannot disagree.
 */
#ifndef VMSIM_STATS_H
#define VMSIM_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmsim/machine.h"

enum stat_type { ST_NUM, ST_STR, ST_BOOL };

struct stat_desc {
    const char *path; /* "faults.cow_copy" */
    enum stat_type type;
};

extern const struct stat_desc stat_descs[];
extern const size_t stat_count;

#define STATS_MAX 128 /* numbers a summary can hold (stats.c checks at compile time) */

struct vm_summary {
    uint64_t num[STATS_MAX];
    const char *str[STATS_MAX];
};

/* vm_summarize: every number of the summary, now. */
void vm_summarize(struct vm *vm, struct vm_summary *s);

/* stat_index: the index of a dotted path in stat_descs, or -1. */
int stat_index(const char *path, size_t len);

/* stat_word_can_be: the words stat i can ever be, as `expect stat` may write them
 * ("a number" for a number; "1, 0, true or false" for a flag; the names
 * for the words of config) go to list (at most len bytes); returns whether
 * w (wlen bytes) is one of them. A word that can never be a stat's value is
 * an error in `expect`, as a misspelt state is. */
bool stat_word_can_be(size_t i, const char *w, size_t wlen, char *list, size_t len);

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_FORMATS };
extern const char *const out_format_names[OUT_FORMATS];

/* stats_write: the summary in a format; json includes per_process. */
void stats_write(FILE *out, struct vm *vm, enum out_format fmt);

#endif
