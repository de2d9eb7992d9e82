/* cmocka_noreturn.h -- for clang-tidy only: scripts/lint.sh passes
 * `-include tests/lint/cmocka_noreturn.h` for the files that include
 * <cmocka.h>; the test programs never see it.
 *
 * cmocka 1.1.5 declares _fail() (behind fail() and fail_msg()) without
 * noreturn, though it never returns: it ends the test with a longjmp. The
 * static analyzer then follows `if (!p) fail_msg(...);` into `p->x` and
 * reports a null dereference that cannot happen. This declaration comes
 * first; cmocka.h's own is compatible and inherits the attribute. This
 * folder is outside the HeaderFilterRegex of .clang-tidy: the line is not
 * checked itself. */
#ifndef VMSIM_LINT_CMOCKA_NORETURN_H
#define VMSIM_LINT_CMOCKA_NORETURN_H

void _fail(const char *file, int line) __attribute__((noreturn));

#endif
