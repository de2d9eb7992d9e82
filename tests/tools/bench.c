/* bench.c -- the measuring half of `make bench` (scripts/bench.sh prints the
 * table). Every mode prints `key=value` lines on standard output.
 *
 *   bench gen FILE LINES PAGES
 *       writes a trace: spawn 1, mmap PAGES pages at 0x10000000, touch them
 *       once with w, then LINES read/write lines over them in a fixed
 *       pseudo-random order (xorshift64*, 3 reads to 1 write).
 *       Prints lines, bytes and the generation time.
 *   bench fork cow|copy|sharept PAGES FRAMES
 *       through the library: spawn 1, mmap PAGES pages, touch them w, then
 *       times `fork 1 2` alone and then the child writing every page.
 *       Prints the times, ptes_copied, faults and this process's peak RSS.
 *   bench lackey FILE LINES
 *       writes a record in the shape of valgrind lackey's: its header, then
 *       LINES access lines, as a small program makes them (3 in 4
 *       instruction fetches, walking a 64 KiB text with jumps; loads,
 *       stores and modifies, 16:8:1, over a 4 MiB heap and a 64 KiB stack).
 *       Prints lines, bytes and the generation time.
 *   bench frames
 *       the bytes one simulated frame costs: its record and its bit.
 *   bench host
 *       the host's memory, as the large models meet it: random reads of
 *       8-byte words over 256 MiB (in 2 MiB pages where the host has them,
 *       as frame records and slots are), one at a time (each read's
 *       address comes from the one before) and 8 at a time. Prints the
 *       nanoseconds per read of each, the best of 3. Figures of two bench
 *       runs compare only as far as these do.
 *   bench rss -- CMD [ARG...]
 *       runs CMD (stdin, stdout and stderr inherited), waits with wait4 and
 *       prints its wall time, peak resident memory and exit status.
 */
#define _DEFAULT_SOURCE /* wait4 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmsim/engine.h"
#include "vmsim/frames.h"
#include "vmsim/machine.h"
#include "vmsim/pagetable.h"
#include "vmsim/slab.h"
#include "vmsim/vma.h"

#define REGION_BASE UINT64_C(0x10000000)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int usage(void)
{
    fputs("usage: bench gen FILE LINES PAGES\n"
          "       bench lackey FILE LINES\n"
          "       bench fork cow|copy|sharept PAGES FRAMES\n"
          "       bench frames\n"
          "       bench host\n"
          "       bench rss -- CMD [ARG...]\n",
          stderr);
    return 2;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* ---- gen ------------------------------------------------------------------ */

static uint64_t xs_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t xorshift64s(void)
{
    uint64_t x = xs_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    xs_state = x;
    return x * UINT64_C(0x2545f4914f6cdd1d);
}

/* "0x" and the hex digits of v, no leading zeros; returns the end */
static char *put_hex(char *p, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = digits[v & 15];
        v >>= 4;
    } while (v);
    *p++ = '0';
    *p++ = 'x';
    while (n)
        *p++ = tmp[--n];
    return p;
}

static int mode_gen(int argc, char **argv)
{
    uint64_t lines, pages;
    if (argc != 5 || parse_u64(argv[3], &lines) || parse_u64(argv[4], &pages) || pages == 0)
        return usage();
    double t0 = now();
    FILE *f = fopen(argv[2], "w");
    if (!f) {
        fprintf(stderr, "bench: cannot write %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    uint64_t bytes = 0;
    int n = fprintf(f, "spawn 1\nmmap 1 0x%" PRIx64 " %" PRIu64 "p rw- private\ntouch 1 0x%" PRIx64 " %" PRIu64 "p w\n",
                    REGION_BASE, pages, REGION_BASE, pages);
    if (n > 0)
        bytes += (uint64_t)n;

    enum { BUF = 1 << 20, SLACK = 64 };
    char *buf = malloc(BUF + SLACK);
    if (!buf) {
        fclose(f);
        return 1;
    }
    char *p = buf;
    for (uint64_t i = 0; i < lines; i++) {
        uint64_t r = xorshift64s();
        uint64_t page = (r >> 16) % pages;
        uint64_t addr = REGION_BASE + page * 4096 + ((r >> 4) & 0xff8);
        if ((r & 3) == 0) {
            memcpy(p, "write 1 ", 8);
            p += 8;
        } else {
            memcpy(p, "read 1 ", 7);
            p += 7;
        }
        p = put_hex(p, addr);
        *p++ = '\n';
        if (p - buf >= BUF) {
            (void)fwrite(buf, 1, (size_t)(p - buf), f); /* a failure shows in ferror() below */
            bytes += (uint64_t)(p - buf);
            p = buf;
        }
    }
    (void)fwrite(buf, 1, (size_t)(p - buf), f);
    bytes += (uint64_t)(p - buf);
    free(buf);
    int write_failed = ferror(f);
    if (fclose(f) || write_failed) {
        fprintf(stderr, "bench: cannot write %s\n", argv[2]);
        return 1;
    }
    double t = now() - t0;
    printf("lines=%" PRIu64 "\nbytes=%" PRIu64 "\ngen_s=%.6f\n", lines + 3, bytes, t);
    return 0;
}

/* ---- lackey --------------------------------------------------------------- */

/* the hex digits of v, at least 8 (lackey's %08lx); returns the end */
static char *put_hex08(char *p, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = digits[v & 15];
        v >>= 4;
    } while (v || n < 8);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static int mode_lackey(int argc, char **argv)
{
    uint64_t lines;
    if (argc != 4 || parse_u64(argv[3], &lines))
        return usage();
    double t0 = now();
    FILE *f = fopen(argv[2], "w");
    if (!f) {
        fprintf(stderr, "bench: cannot write %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    static const char head[] = "==1== Lackey, an example Valgrind tool\n"
                               "==1== Command: ./bench-program\n"
                               "==1== \n";
    uint64_t bytes = sizeof head - 1;
    fputs(head, f);
    enum { BUF = 1 << 20, SLACK = 64 };
    char *buf = malloc(BUF + SLACK);
    if (!buf) {
        fclose(f);
        return 1;
    }
    const uint64_t text = 0x401000, heap = 0x4c8000, stack = 0x1ffeff0000;
    uint64_t pc = text, sp = stack + 0x8000;
    char *p = buf;
    for (uint64_t i = 0; i < lines; i++) {
        uint64_t r = xorshift64s();
        if ((r & 3) != 0) { /* an instruction fetch */
            if (((r >> 8) & 15) == 0)
                pc = text + ((r >> 12) & 0xfff0);
            else
                pc += 1 + ((r >> 20) & 7);
            if (pc >= text + 0x10000)
                pc = text;
            memcpy(p, "I  ", 3);
            p = put_hex08(p + 3, pc);
            memcpy(p, ",4\n", 3);
            p += 3;
        } else {
            unsigned k = (unsigned)((r >> 2) % 25); /* 16 loads, 8 stores, 1 modify */
            uint64_t a = ((r >> 32) & 1) ? sp - ((r >> 40) & 0x3f8) : heap + ((r >> 24) % (4u << 20) & ~(uint64_t)7);
            memcpy(p, k < 16 ? " L " : k < 24 ? " S " : " M ", 3);
            p = put_hex08(p + 3, a);
            memcpy(p, ",8\n", 3);
            p += 3;
        }
        if (p - buf >= BUF) {
            (void)fwrite(buf, 1, (size_t)(p - buf), f); /* a failure shows in ferror() below */
            bytes += (uint64_t)(p - buf);
            p = buf;
        }
    }
    (void)fwrite(buf, 1, (size_t)(p - buf), f);
    bytes += (uint64_t)(p - buf);
    free(buf);
    static const char tail[] = "==1== \n==1== Exit code:       0\n";
    fputs(tail, f);
    bytes += sizeof tail - 1;
    int write_failed = ferror(f);
    if (fclose(f) || write_failed) {
        fprintf(stderr, "bench: cannot write %s\n", argv[2]);
        return 1;
    }
    double t = now() - t0;
    printf("lines=%" PRIu64 "\nbytes=%" PRIu64 "\ngen_s=%.6f\n", lines + 5, bytes, t);
    return 0;
}

/* ---- fork ----------------------------------------------------------------- */

static long peak_rss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru))
        return -1;
    return ru.ru_maxrss; /* KiB on Linux */
}

/* the host's side of a phase: minor page faults and system time */
struct host {
    long minflt;
    double sys_s;
};

static struct host host_now(void)
{
    struct rusage ru;
    struct host h = {0, 0};
    if (!getrusage(RUSAGE_SELF, &ru)) {
        h.minflt = ru.ru_minflt;
        h.sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    }
    return h;
}

static int run_event(struct vm *vm, struct ev *ev, uint64_t *line)
{
    ev->line = ++*line;
    ev->text.s = ev_op_names[ev->op];
    ev->text.len = strlen(ev->text.s);
    enum ev_result r = vm_event(vm, ev);
    if (r != EV_OK) {
        fprintf(stderr, "bench: line %" PRIu64 " (%s): %s\n", ev->line, ev->text.s, vm->err);
        return -1;
    }
    return 0;
}

static uint64_t sum_faults(const struct vm *vm)
{
    uint64_t n = 0;
    for (int k = 0; k < FC_COUNT; k++)
        n += vm->c.faults[k];
    return n;
}

static int mode_fork(int argc, char **argv)
{
    uint64_t pages, frames;
    struct vm_config cfg;
    if (argc != 5 || parse_u64(argv[3], &pages) || parse_u64(argv[4], &frames) || pages == 0 ||
        frames == 0 || frames >= FRAMES_MAX)
        return usage();
    vm_config_default(&cfg);
    if (!strcmp(argv[2], "cow"))
        cfg.fork = FORK_COW;
    else if (!strcmp(argv[2], "copy"))
        cfg.fork = FORK_COPY;
    else if (!strcmp(argv[2], "sharept"))
        cfg.fork = FORK_SHAREPT;
    else
        return usage();
    cfg.frames = (uint32_t)frames;
    struct vm *vm = vm_new(&cfg);
    if (!vm) {
        fprintf(stderr, "bench: cannot make a machine of %" PRIu64 " frames\n", frames);
        return 1;
    }
    uint64_t line = 0, len = pages * vm->arch->page_size;
    struct ev ev;
    int rc = 1;

    memset(&ev, 0, sizeof ev);
    ev.op = EV_SPAWN;
    ev.pid = 1;
    if (run_event(vm, &ev, &line))
        goto out;

    memset(&ev, 0, sizeof ev);
    ev.op = EV_MMAP;
    ev.pid = 1;
    ev.addr = REGION_BASE;
    ev.len = len;
    ev.prot = VMA_R | VMA_W;
    if (run_event(vm, &ev, &line))
        goto out;

    /* the parent makes every page present: demand-zero faults */
    memset(&ev, 0, sizeof ev);
    ev.op = EV_TOUCH;
    ev.pid = 1;
    ev.addr = REGION_BASE;
    ev.len = len;
    ev.write = true;
    ev.value = 1;
    ev.has_value = true;
    uint64_t f0 = sum_faults(vm);
    double t0 = now();
    if (run_event(vm, &ev, &line))
        goto out;
    double t_touch = now() - t0;
    uint64_t touch_faults = sum_faults(vm) - f0;

    /* the fork alone */
    memset(&ev, 0, sizeof ev);
    ev.op = EV_FORK;
    ev.pid = 1;
    ev.pid2 = 2;
    uint64_t ptes0 = vm->pts.ptes_copied, copied0 = vm->c.pages_copied, tables0 = vm->pts.tables;
    struct host h0 = host_now();
    t0 = now();
    if (run_event(vm, &ev, &line))
        goto out;
    double t_fork = now() - t0;
    struct host h_fork = host_now();
    h_fork.minflt -= h0.minflt;
    h_fork.sys_s -= h0.sys_s;
    if (vm->c.fork_failed) {
        fprintf(stderr, "bench: the fork failed (not enough frames)\n");
        goto out;
    }
    uint64_t fork_ptes = vm->pts.ptes_copied - ptes0, fork_copies = vm->c.pages_copied - copied0;
    uint64_t fork_tables = vm->pts.tables - tables0, pt_shared = vm->pts.pt_shared;
    /* the reverse map's memory: its own, and a head in each frame's record */
    uint64_t fork_rmap_bytes = rmap_bytes(&vm->rmap) + (uint64_t)vm->ft.used * sizeof vm->ft.fr->rmap;

    /* the child writes every page */
    memset(&ev, 0, sizeof ev);
    ev.op = EV_TOUCH;
    ev.pid = 2;
    ev.addr = REGION_BASE;
    ev.len = len;
    ev.write = true;
    ev.value = 2;
    ev.has_value = true;
    f0 = sum_faults(vm);
    uint64_t cow0 = vm->c.faults[FC_COW_COPY], reuse0 = vm->c.faults[FC_COW_REUSE];
    uint64_t unshared0 = vm->pts.pt_unshared;
    h0 = host_now();
    t0 = now();
    if (run_event(vm, &ev, &line))
        goto out;
    double t_write = now() - t0;
    struct host h_write = host_now();
    h_write.minflt -= h0.minflt;
    h_write.sys_s -= h0.sys_s;
    uint64_t write_faults = sum_faults(vm) - f0;

    printf("mode=%s\npages=%" PRIu64 "\nframes=%" PRIu64 "\n", argv[2], pages, frames);
    printf("touch_s=%.6f\ntouch_faults=%" PRIu64 "\n", t_touch, touch_faults);
    printf("fork_s=%.6f\nfork_ptes_copied=%" PRIu64 "\nfork_pages_copied=%" PRIu64 "\n", t_fork, fork_ptes,
           fork_copies);
    printf("fork_host_minflt=%ld\nfork_host_sys_s=%.6f\n", h_fork.minflt, h_fork.sys_s);
    printf("write_host_minflt=%ld\nwrite_host_sys_s=%.6f\n", h_write.minflt, h_write.sys_s);
    printf("fork_tables=%" PRIu64 "\npt_shared=%" PRIu64 "\n", fork_tables, pt_shared);
    printf("write_s=%.6f\nwrite_faults=%" PRIu64 "\nwrite_cow_copy=%" PRIu64 "\nwrite_cow_reuse=%" PRIu64 "\n",
           t_write, write_faults, vm->c.faults[FC_COW_COPY] - cow0, vm->c.faults[FC_COW_REUSE] - reuse0);
    printf("write_pt_unshared=%" PRIu64 "\n", vm->pts.pt_unshared - unshared0);
    printf("fork_rmap_bytes=%" PRIu64 "\nwrite_rmap_bytes=%" PRIu64 "\n", fork_rmap_bytes,
           rmap_bytes(&vm->rmap) + (uint64_t)vm->ft.used * sizeof vm->ft.fr->rmap);
    printf("frames_used=%" PRIu32 "\npt_pages=%" PRIu64 "\nmodel_bytes=%" PRIu64 "\n", vm->ft.used, vm->pts.tables,
           vm_model_bytes(vm));
    printf("maxrss_kib=%ld\n", peak_rss_kib());
    rc = 0;
out:
    vm_free(vm);
    return rc;
}

/* ---- frames --------------------------------------------------------------- */

static int mode_frames(void)
{
    struct frames ft;
    memset(&ft, 0, sizeof ft);
    /* the frame's record and its reference word (frames_init), and
     * bits[0]: one bit a frame (the summary levels above it add 1/64 of
     * that, 1/4096, ...) */
    double arrays = (double)(sizeof *ft.fr + sizeof *ft.ref);
    double bitmap = 1.0 / 8 * (1.0 + 1.0 / 64 + 1.0 / 4096);
    struct vm_config cfg;
    vm_config_default(&cfg); /* x86_64 */
    double table = (double)pt_table_bytes(&cfg.arch);
    double entries = (double)(UINT64_C(1) << cfg.arch.level_bits);
    printf("frame_record_bytes=%zu\n", sizeof *ft.fr);
    printf("frame_bytes=%.3f\nframe_bytes_with_summary=%.4f\n", arrays + 0.125, arrays + bitmap);
    printf("pt_table_bytes=%.0f\npt_bytes_per_page=%.3f\n", table, table / entries);
    return 0;
}

/* ---- host ----------------------------------------------------------------- */

#define HOST_BYTES ((size_t)256 << 20)
#define HOST_LINES (HOST_BYTES / 64)
#define HOST_READS (UINT64_C(1) << 22)
#define HOST_CHAINS 8

/* chase: n (1 .. HOST_CHAINS) walks of the cycle at once, HOST_READS
 * reads in all; returns ns per read (the sum keeps the compiler from
 * dropping them) */
static double chase(const uint64_t *next, unsigned n, uint64_t *sum)
{
    uint64_t at[HOST_CHAINS];
    n = n < 1 ? 1 : n > HOST_CHAINS ? HOST_CHAINS : n; /* the static analyser cannot see the callers */
    uint64_t rounds = HOST_READS / n;
    for (unsigned c = 0; c < n; c++)
        at[c] = (uint64_t)c * (HOST_LINES / HOST_CHAINS) * 8;
    double t0 = now();
    for (uint64_t r = 0; r < rounds; r++)
        for (unsigned c = 0; c < n; c++)
            at[c] = next[at[c]];
    double t = now() - t0;
    for (unsigned c = 0; c < n; c++)
        *sum += at[c];
    return t * 1e9 / ((double)rounds * n);
}

static int mode_host(void)
{
    /* one word per 64-byte line, linked in one random cycle (Sattolo) */
    uint64_t *next = malloc(HOST_BYTES);
    uint32_t *order = malloc(HOST_LINES * sizeof *order);
    if (!next || !order) {
        fputs("bench: no memory for the host figures\n", stderr);
        free(next);
        free(order);
        return 1;
    }
    slab_advise_huge(next, HOST_BYTES);
    for (uint32_t i = 0; i < HOST_LINES; i++)
        order[i] = i;
    for (uint32_t i = HOST_LINES - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(xorshift64s() % i);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < HOST_LINES; i++)
        next[(uint64_t)order[i] * 8] = (uint64_t)order[(i + 1) % HOST_LINES] * 8;
    free(order);
    uint64_t sum = 0;
    double alone = 1e9, parallel = 1e9;
    for (int k = 0; k < 3; k++) {
        double a = chase(next, 1, &sum), p = chase(next, HOST_CHAINS, &sum);
        alone = a < alone ? a : alone;
        parallel = p < parallel ? p : parallel;
    }
    free(next);
    printf("read_alone_ns=%.1f\nread_parallel_ns=%.1f\nchains=%d\nchecksum=%" PRIu64 "\n", alone, parallel,
           HOST_CHAINS, sum & 1);
    return 0;
}

/* ---- rss ------------------------------------------------------------------ */

static int mode_rss(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[2], "--"))
        return usage();
    fflush(stdout);
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench: fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[3], argv + 3);
        fprintf(stderr, "bench: cannot run %s: %s\n", argv[3], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    pid_t w;
    while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    double t = now() - t0;
    if (w < 0) {
        perror("bench: wait4");
        return 1;
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("wall_s=%.6f\nmaxrss_kib=%ld\nstatus=%d\n", t, ru.ru_maxrss, code);
    printf("user_s=%.6f\nsys_s=%.6f\n", (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6,
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (!strcmp(argv[1], "gen"))
        return mode_gen(argc, argv);
    if (!strcmp(argv[1], "lackey"))
        return mode_lackey(argc, argv);
    if (!strcmp(argv[1], "fork"))
        return mode_fork(argc, argv);
    if (!strcmp(argv[1], "frames") && argc == 2)
        return mode_frames();
    if (!strcmp(argv[1], "host") && argc == 2)
        return mode_host();
    if (!strcmp(argv[1], "rss"))
        return mode_rss(argc, argv);
    return usage();
}
