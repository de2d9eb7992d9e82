/* kc.h -- what the programs of make kernel-check share (docs/linux.md).
 *
 * Each program is one scenario, run on real memory: `PROG N` does the
 * scenario on N pages (N = 0 is the empty run, the same code with nothing
 * mapped, whose faults are the kernel's own) and prints what the kernel says
 * of its measured part, one "name value" line each:
 *
 *   faults  minor faults of the measuring process during the part (getrusage)
 *   rss_kb  Rss of the mapping at the end (its entry of /proc/self/smaps)
 *   pss_kb  Pss of the mapping at the end
 *   copied  pages present before and after the part whose frame changed
 *           (/proc/self/pagemap), -1 when the kernel hides frame numbers
 *
 * A program that cannot do its scenario because the kernel denies what it
 * needs prints "skip WHAT" and exits 77.
 */
#ifndef KC_H
#define KC_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KC_WINDOW 16 /* pages: mappings start on a 64 KiB boundary, as the traces' do */

struct kc {
    long n;             /* pages of the scenario */
    size_t page;        /* bytes in a page */
    char *map;          /* the mapping (NULL in the empty run) */
    uint64_t *before;   /* its frames before the measured part */
    uint64_t *after;
    int pagemap;        /* /proc/self/pagemap, or -1 */
    int hidden;         /* pagemap gave no frame numbers */
    long fault0;        /* minor faults at the start of the part */
    long faults;        /* during it */
};

__attribute__((noreturn)) static inline void kc_skip(const char *what)
{
    printf("skip %s: %s\n", what, strerror(errno));
    fflush(stdout);
    _exit(77);
}

static inline long kc_minflt(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

/* kc_warm: touches what the process would fault on anyway (stack, the
 * calls used while measuring), so that the measured part faults on its
 * own pages only. A short sleep lets the kernel write the thread's rseq
 * area (it does after the thread was switched out): after a fork, that
 * first write is a copy-on-write fault, which would otherwise come at a
 * random point of the measured part. */
static inline void kc_warm(void)
{
    volatile char stack[256 * 1024];
    for (size_t i = 0; i < sizeof stack; i += 1024)
        stack[i] = 1;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
    (void)kc_minflt();
}

/* kc_init: N from the command line (default 1000), and the frame arrays
 * for pagemap, written once so that reading into them faults no more.
 * The process (and the children it forks) stays on the processor it
 * started on: the last pages faulted in (up to a batch of 31) wait in that
 * processor's batch for the LRU lists, with a reference of the batch's
 * own, and a write fault drains the batch of its own processor only. A
 * process moved to another processor in between finds them referenced
 * twice and copies them where it would reuse them (seen once: copied 8 of
 * 1000 = 32 * 31 + 8 pages, in fork-exec-parent-writes). */
static inline void kc_init(struct kc *k, int argc, char **argv)
{
    int cpu = sched_getcpu();
    if (cpu >= 0) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        (void)sched_setaffinity(0, sizeof one, &one); /* refused: the scenario runs unpinned */
    }
    memset(k, 0, sizeof *k);
    k->n = argc > 1 ? atol(argv[1]) : 1000;
    k->page = (size_t)sysconf(_SC_PAGESIZE);
    size_t bytes = (size_t)(k->n ? k->n : 1) * sizeof(uint64_t);
    k->before = mmap(NULL, 2 * bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (k->before == MAP_FAILED)
        kc_skip("memory for the frame numbers");
    k->after = k->before + (k->n ? k->n : 1);
    memset(k->before, 0, 2 * bytes);
    k->pagemap = open("/proc/self/pagemap", O_RDONLY);
    setvbuf(stdout, NULL, _IOLBF, 0);
}

/* kc_cached_file: a temporary file of k->n pages, written, so that every
 * page is in the page cache (unlinked at once); -1 in the empty run */
static inline int kc_cached_file(const struct kc *k)
{
    if (!k->n)
        return -1;
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/vmsim-kernel-check-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        kc_skip("a temporary file");
    unlink(path);
    char *buf = malloc(k->page);
    if (!buf)
        kc_skip("memory");
    memset(buf, 'x', k->page);
    for (long i = 0; i < k->n; i++)
        if (write(fd, buf, k->page) != (ssize_t)k->page)
            kc_skip("writing the temporary file");
    free(buf);
    return fd;
}
/* kc_map: n pages at an address aligned to KC_WINDOW pages (so that
 * fault-around's windows are the traces'), transparent huge pages off.
 * fd -1: anonymous. NULL in the empty run. */
static inline char *kc_map(struct kc *k, int prot, int flags, int fd)
{
    if (!k->n)
        return NULL;
    size_t len = (size_t)k->n * k->page, align = KC_WINDOW * k->page;
    char *r = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED)
        kc_skip("mmap");
    char *at = (char *)(((uintptr_t)r + align - 1) / align * align);
    char *m = mmap(at, len, prot, flags | MAP_FIXED | (fd < 0 ? MAP_ANONYMOUS : 0), fd, 0);
    if (m == MAP_FAILED)
        kc_skip("mmap");
#ifdef MADV_NOHUGEPAGE
    madvise(m, len, MADV_NOHUGEPAGE);
#endif
    k->map = m;
    return m;
}

/* kc_frames: the frame of each page of the mapping (0: not present);
 * false when pagemap cannot be read or hides frame numbers (not root) */
static inline int kc_frames(struct kc *k, uint64_t *out)
{
    if (!k->map || k->pagemap < 0)
        return 0;
    off_t at = (off_t)((uintptr_t)k->map / k->page * sizeof(uint64_t));
    size_t bytes = (size_t)k->n * sizeof(uint64_t);
    if (pread(k->pagemap, out, bytes, at) != (ssize_t)bytes) {
        k->hidden = 1;
        return 0;
    }
    for (long i = 0; i < k->n; i++) {
        int present = (int)(out[i] >> 63);
        out[i] = present ? out[i] & ((UINT64_C(1) << 55) - 1) : 0;
        if (present && !out[i])
            k->hidden = 1;
    }
    return 1;
}

/* kc_own_pagemap: after a fork, the child opens its own (an open pagemap
 * is the opener's) */
static inline void kc_own_pagemap(struct kc *k)
{
    if (k->pagemap >= 0)
        close(k->pagemap);
    k->pagemap = open("/proc/self/pagemap", O_RDONLY);
}

/* kc_begin / kc_end: around the measured part */
static inline void kc_begin(struct kc *k)
{
    kc_frames(k, k->before);
    kc_warm();
    k->fault0 = kc_minflt();
}

static inline void kc_end(struct kc *k)
{
    k->faults = kc_minflt() - k->fault0;
    kc_frames(k, k->after);
}

/* kc_smaps: Rss and Pss (kB) of the mapping, from its entry of
 * /proc/self/smaps (0 in the empty run): an entry starts with a line
 * "START-END perms ...", its fields follow as "Name: value kB" */
static inline void kc_smaps(const struct kc *k, long *rss, long *pss)
{
    *rss = *pss = 0;
    if (!k->map)
        return;
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        kc_skip("/proc/self/smaps");
    char line[512], head[32];
    int hl = snprintf(head, sizeof head, "%lx-", (unsigned long)(uintptr_t)k->map), in = 0;
    while (fgets(line, sizeof line, f)) {
        if (strchr("0123456789abcdef", line[0]) && line[0])
            in = !strncmp(line, head, (size_t)hl);
        else if (in && !strncmp(line, "Rss:", 4))
            *rss = atol(line + 4);
        else if (in && !strncmp(line, "Pss:", 4))
            *pss = atol(line + 4);
    }
    fclose(f);
}

/* kc_report: what the measuring process saw */
static inline void kc_report(const struct kc *k)
{
    long rss, pss, copied = 0;
    kc_smaps(k, &rss, &pss);
    for (long i = 0; k->map && i < k->n; i++)
        if (k->before[i] && k->after[i] && k->before[i] != k->after[i])
            copied++;
    if (k->map && (k->pagemap < 0 || k->hidden))
        copied = -1;
    printf("faults %ld\nrss_kb %ld\npss_kb %ld\ncopied %ld\n", k->faults, rss, pss, copied);
}

/* kc_touch: one access to every page, a write (of 1) or a read */
static inline void kc_touch(const struct kc *k, int write)
{
    volatile char *p = k->map;
    for (long i = 0; i < k->n; i++) {
        if (write)
            p[(size_t)i * k->page] = 1;
        else
            (void)p[(size_t)i * k->page];
    }
}

/* kc_fork: fork(), skipping the scenario if the kernel denies it */
static inline pid_t kc_fork(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        kc_skip("fork");
    return pid;
}

/* a pipe to say "go" from one process to the other */
static inline void kc_pipe(int p[2])
{
    if (pipe(p))
        kc_skip("pipe");
}
static inline void kc_signal(int fd)
{
    char c = 1;
    if (write(fd, &c, 1) != 1)
        _exit(2);
}
static inline void kc_wait_signal(int fd)
{
    char c;
    if (read(fd, &c, 1) != 1)
        _exit(2);
}

static inline void kc_reap(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
}

/* kc_child_touches: forks; the child measures a touch of every page
 * (write or read) and reports; the parent reaps it */
static inline void kc_child_touches(struct kc *k, int write)
{
    pid_t pid = kc_fork();
    if (pid == 0) {
        kc_own_pagemap(k);
        kc_begin(k);
        kc_touch(k, write);
        kc_end(k);
        kc_report(k);
        exit(0);
    }
    kc_reap(pid);
}

#endif
