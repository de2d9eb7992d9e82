/* util.h -- small helpers shared by every module: asserts that name their
 * file and line, and allocation that never returns NULL. */
#ifndef VMSIM_UTIL_H
#define VMSIM_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* VM_ASSERT: an internal invariant. On failure prints
 * "vmsim: internal error at FILE:LINE: EXPR" and aborts: these are bugs of
 * the simulator, never of the trace. */
#define VM_ASSERT(e) ((e) ? (void)0 : vm_assert_fail(#e, __FILE__, __LINE__))
_Noreturn void vm_assert_fail(const char *expr, const char *file, int line);

/* vm_xmalloc / vm_xcalloc / vm_xrealloc: allocate or exit with status 3
 * and a message ("vmsim: out of memory"). The engine's limits keep a trace
 * from growing the model that far (see engine.h). */
void *vm_xmalloc(size_t n);
void *vm_xcalloc(size_t n, size_t size);
void *vm_xrealloc(void *p, size_t n);
char *vm_xstrndup(const char *s, size_t n);
/* vm_edit_distance: the edits (insert, delete, change, swap two neighbours)
 * that make a (n bytes) into b (m bytes), for "did you mean" hints; SIZE_MAX
 * for words longer than VM_EDIT_WORD_MAX */
#define VM_EDIT_WORD_MAX 22
size_t vm_edit_distance(const char *a, size_t n, const char *b, size_t m);

/* vm_xprintf: printf into a new string (exits as vm_xmalloc does) */
char *vm_xprintf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* vm_plural: one or many, for messages ("1 entry", "2 entries"). */
static inline const char *vm_plural(uint64_t n, const char *one, const char *many) { return n == 1 ? one : many; }

/* vm_name_index: the index of word s in names[0 .. n-1], or -1. */
int vm_name_index(const char *const *names, int n, const char *s);

/* vm_utf8_len: the length (2..4) of the valid UTF-8 sequence at s, which
 * has avail bytes left, or 0 if none starts there (an ASCII byte included:
 * callers look at bytes from 0x80 up; overlong forms, surrogates and code
 * points past U+10FFFF are not valid). */
size_t vm_utf8_len(const unsigned char *s, size_t avail);

/* vm_name_list: names[0 .. n-1] as "a, b or c" into buf. */
const char *vm_name_list(const char *const *names, int n, char *buf, size_t len);

/* VM_STDIN_NAME: what messages call standard input, in every command */
#define VM_STDIN_NAME "standard input"

#define VM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* VM_ALWAYS_INLINE: a hot function the compiler must inline (once it has
 * two callers, gcc would call it, and a call per trace line shows) */
#if defined(__GNUC__)
#define VM_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define VM_ALWAYS_INLINE inline
#endif

/* VM_MUTANT(n): 1 in the test build of mutant n (make BUILD=mutant-n
 * defines VMSIM_MUTANT=n), 0 in every other build, where the compiler folds
 * it away. Each use is a known defect, one line at one spot, that the test
 * suite must catch; scripts/mutants.sh builds and runs them, docs/testing.md
 * lists them. */
#ifdef VMSIM_MUTANT
#define VM_MUTANT(n) (VMSIM_MUTANT == (n))
#else
#define VM_MUTANT(n) 0
#endif

#endif
