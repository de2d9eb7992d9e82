/* fuzz_import.c -- libFuzzer harness for the importers: an input is a
 * record, which vmsim import reads; the trace a successful import wrote is
 * then run with --check. SPEC section 12: "prints a trace that vmsim run
 * accepts as it is", so that run must end with status 0 (a trace that
 * names a resource limit of the run, --max-*, is the exception: the
 * record was large, not wrong).
 *
 * Input layout:
 *
 *   byte 0   bit 0     strace (else lackey)
 *            bit 1     strace: --no-comments; lackey: --no-fetch
 *            bit 2     strace: --pid 100 (else the record's pids); lackey: --pages
 *            bit 3     lackey: --chunk 4096 (else 1 MiB)
 *            bit 4     the run: --lazy-fork --anon-vma (else neither)
 *            bits 5-7  the run: frames 8 << (bits), replacement on when >= 4
 *   byte 1.. the record
 *
 * Any import status (0 or 2) is fine; a crash, a sanitizer report, a hang,
 * a record that imports to different bytes the second time, an imported
 * trace that the run refuses, or an invariant that --check finds broken
 * is not. VMSIM_FUZZ_ECHO=1 prints the imported trace and the
 * run's standard error.
 *
 * make fuzz-import and make fuzz-regress build it as build/fuzz/fuzz_import.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/engine.h"
#include "vmsim/import.h"
#include "vmsim/runner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static FILE *devnull;
static bool echo;

static void fatal(const char *what)
{
    fprintf(stderr, "fuzz_import: %s\n", what);
    abort();
}

/* NOLINTNEXTLINE(readability-non-const-parameter): libFuzzer's signature */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        fatal("cannot open /dev/null");
    const char *e = getenv("VMSIM_FUZZ_ECHO");
    echo = e && *e && strcmp(e, "0") != 0;
    return 0;
}

/* run_imported: runs the trace an import wrote; aborts when the run
 * refuses it or --check finds a broken invariant */
static void run_imported(uint8_t cfg, const char *trace, size_t len)
{
    struct run_opts o;
    run_opts_default(&o);
    o.cfg.frames = 8u << (cfg >> 5);
    o.cfg.lazy_fork = o.cfg.anon_vma = cfg & 0x10;
    o.cfg.replace = (cfg >> 5) >= 4;
    o.cfg.swap_slots = o.cfg.replace ? 64 : 0;
    o.check = true;
    o.trace = "imported.trace";
    o.mem = trace;
    o.mem_len = len;
    o.out = devnull;

    char *errbuf = NULL;
    size_t errlen = 0;
    o.err = open_memstream(&errbuf, &errlen);
    if (!o.err)
        fatal("open_memstream failed");
    struct vm *vm = NULL;
    int status = vmsim_run(&o, &vm);
    if (fclose(o.err) || !errbuf)
        fatal("cannot close the error stream");
    bool limit = strstr(errbuf, "--max-") != NULL;
    if (echo || (status != 0 && !limit)) {
        fprintf(stderr, "--- the imported trace ---\n%.*s--- vmsim run --frames %u%s%s --check: exit %d\n%s",
                (int)len, trace, (unsigned)o.cfg.frames, o.cfg.lazy_fork ? " --lazy-fork --anon-vma" : "",
                o.cfg.replace ? " --swap 64p" : "", status, errbuf);
    }
    if (status != 0 && !limit)
        fatal(strstr(errbuf, "--check:") ? "--check found a broken invariant" : "vmsim run refuses the imported trace");
    vm_free(vm);
    free(errbuf);
}

/* import_once: the record (data after byte 0) read by the importer; its
 * trace in *out (malloc'd), its status returned */
static int import_once(const uint8_t *data, size_t size, bool strace, const struct import_opts *o, char **out,
                       size_t *outlen, struct import_result *res)
{
    static char empty[1];
    /* fmemopen wants a buffer of a byte at least: an empty record reads
     * that byte first */
    FILE *in = size > 1 ? fmemopen((void *)(data + 1), size - 1, "r") : fmemopen(empty, 1, "r");
    if (!in)
        fatal("fmemopen failed");
    if (size == 1)
        (void)fgetc(in);
    FILE *os = open_memstream(out, outlen);
    if (!os)
        fatal("open_memstream failed");
    memset(res, 0, sizeof *res);
    int rc = strace ? import_strace(in, os, o, res) : import_lackey(in, os, o, res);
    fclose(in);
    if (fclose(os) || !*out)
        fatal("cannot close the output stream");
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t cfg = data[0];
    bool strace = cfg & 1;
    struct import_opts o;
    import_opts_default(&o);
    o.name = "fuzz.record";
    if (strace) {
        o.pid = cfg & 4 ? 100 : 0;
        o.comments = !(cfg & 2);
    } else {
        o.no_fetch = cfg & 2;
        o.pages = cfg & 4;
        o.chunk = cfg & 8 ? 4096 : IMPORT_DEFAULT_CHUNK;
    }
    char *out = NULL, *again = NULL;
    size_t outlen = 0, againlen = 0;
    struct import_result res;
    int rc = import_once(data, size, strace, &o, &out, &outlen, &res);
    /* the same record, the same bytes out */
    struct import_result res2;
    if (import_once(data, size, strace, &o, &again, &againlen, &res2) != rc || againlen != outlen ||
        memcmp(again, out, outlen) != 0)
        fatal("the same record imported twice gives different traces");
    free(again);
    if (rc != 0 && rc != 2)
        fatal("import status is not 0 or 2");
    if (rc == 0)
        run_imported(cfg, out, outlen);
    else if (echo)
        fprintf(stderr, "import: status %d: %s:%llu: %s\n", rc, o.name, (unsigned long long)res.line, res.msg);
    free(out);
    return 0;
}
