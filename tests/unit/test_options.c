/* test_options.c -- unit tests of the machine's options (sim/io/options.c)
 * and of the trace reader's `options` lines (trace.h). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include <cmocka.h>

#include "vmsim/machine.h"
#include "vmsim/options.h"
#include "vmsim/trace.h"

/* ---- helpers ------------------------------------------------------------ */

static char err[512];

/* parse: text as an options line's words into o (added at line) */
static int parse(struct vm_options *o, const char *text, uint64_t line)
{
    return vm_options_parse(o, text, strlen(text), line, err, sizeof err);
}

/* parse_bad: text is refused with a message that holds want */
static void parse_bad(const char *text, const char *want)
{
    struct vm_options o;
    vm_options_init(&o);
    err[0] = 0;
    if (parse(&o, text, 1) != -1)
        fail_msg("'%s' was taken, want an error '%s'", text, want);
    if (!strstr(err, want))
        fail_msg("'%s': message '%s' lacks '%s'", text, err, want);
}

/* machine: the machine of the layers trace (a line of words, NULL: none) and given */
static struct vm_config machine(const char *trace, const char *given)
{
    struct vm_options t, g;
    vm_options_init(&t);
    vm_options_init(&g);
    if (trace)
        assert_int_equal(parse(&t, trace, 3), 0);
    if (given)
        assert_int_equal(parse(&g, given, 0), 0);
    struct vm_config c;
    vm_config_default(&c);
    c.lim.max_events = 77; /* kept */
    uint64_t line = 99;
    if (vm_options_resolve(trace ? &t : NULL, given ? &g : NULL, 0, &c, &line, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(line, 0);
    assert_int_equal(c.lim.max_events, 77);
    return c;
}

/* resolve_bad: the layers are refused with want, blaming the trace's line */
static void resolve_bad(const char *trace, const char *given, uint64_t max_frames, const char *want, uint64_t want_line)
{
    struct vm_options t, g;
    vm_options_init(&t);
    vm_options_init(&g);
    /* the trace's words one line each, numbered from 1 */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", trace);
    uint64_t line = 1;
    for (char *s = strtok(buf, "|"); s; s = strtok(NULL, "|"))
        assert_int_equal(parse(&t, s, line++), 0);
    if (given)
        assert_int_equal(parse(&g, given, 0), 0);
    struct vm_config c, before;
    vm_config_default(&c);
    before = c;
    uint64_t at = 99;
    err[0] = 0;
    assert_int_equal(vm_options_resolve(&t, given ? &g : NULL, max_frames, &c, &at, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("message '%s' lacks '%s'", err, want);
    assert_int_equal(at, want_line);
    assert_memory_equal(&c, &before, sizeof c); /* unchanged */
}

static void describe_is(const char *trace, const char *given, const char *want)
{
    struct vm_options t, g;
    vm_options_init(&t);
    vm_options_init(&g);
    assert_int_equal(parse(&t, trace, 1), 0);
    if (given)
        assert_int_equal(parse(&g, given, 0), 0);
    char buf[512];
    assert_string_equal(vm_options_describe(&t, &g, buf, sizeof buf), want);
}

/* ---- the words ---------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    static const char *const mine[] = {"--arch", "--frames", "--mem", "--fork", "--zero-page", "--lazy-fork",
                                       "--linux", "--fault-around", "--exclusive-reuse", "--anon-vma", "--pt-frames",
                                       "--oom", "--swap", "--policy", "--seed", "--cost", "--frames=3"};
    for (size_t i = 0; i < sizeof mine / sizeof mine[0]; i++)
        assert_true(vm_option_is(mine[i]));
    static const char *const others[] = {"--format", "-v", "--check", "--max-frames", "--max-events", "arch",
                                         "--", "--frame", "--timeline", "--html"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_false(vm_option_is(others[i]));
}

static void test_parse_forms(void **state)
{
    (void)state;
    struct vm_options o;
    vm_options_init(&o);
    assert_int_equal(parse(&o, "--arch tiny\t--frames=12  --zero-page --lazy-fork=off --cost fork=1,exec=2", 4), 0);
    assert_int_equal(o.n, 5);
    assert_string_equal(o.o[0].val, "tiny");
    assert_string_equal(o.o[1].val, "12");
    assert_true(o.o[2].on);
    assert_false(o.o[3].on);
    assert_string_equal(o.o[4].val, "fork=1,exec=2");
    for (unsigned i = 0; i < o.n; i++)
        assert_int_equal(o.o[i].line, 4);
    assert_true(vm_options_gives(&o, "--arch"));
    assert_false(vm_options_gives(&o, "--mem"));
    /* a value is the next word, whatever it looks like (as on the command line) */
    assert_int_equal(parse(&o, "--seed 0x10", 5), 0);
    assert_int_equal(o.o[5].line, 5);
    assert_int_equal(parse(&o, "", 6), 0); /* no words: nothing added */
    assert_int_equal(o.n, 6);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_bad("--frobnicate 3", "'--frobnicate' is not an option of the machine (options takes --arch, --frames");
    parse_bad("--format json", "'--format' is not an option of the machine");
    parse_bad("--frame 3", "'--frame' is not an option of the machine (did you mean --frames?)");
    parse_bad("--polcy lru", "(did you mean --policy?)");
    parse_bad("-v", "'-v' is not an option of the machine");
    parse_bad("tiny", "'tiny' is not an option (options takes --NAME VALUE");
    parse_bad("--zero-page off", "'off' is not an option (a flag is set with --zero-page=off)");
    parse_bad("--arch", "--arch needs a value");
    parse_bad("--arch tiny --frames", "--frames needs a value");
    parse_bad("--arch vax", "--arch: unknown arch 'vax'");
    parse_bad("--frames 0", "memory must hold at least one frame");
    parse_bad("--frames 2147483648", "2147483648 frames are too many (at most 2^31 - 1)");
    parse_bad("--frames 3p", "--frames: bad number '3p'");
    parse_bad("--mem 64m", "--mem: bad size '64m' (the suffixes K, M, G and T are upper case: 64M)");
    parse_bad("--fork cwo", "--fork takes cow, copy or sharept, not 'cwo'");
    parse_bad("--oom panic", "--oom takes kill or fail, not 'panic'");
    parse_bad("--policy mru", "--policy takes fifo, lru, clock, opt or random, not 'mru'");
    parse_bad("--fault-around 0", "--fault-around takes a number of pages from 1 (none) up (Linux: 16), not '0'");
    parse_bad("--swap lots", "--swap takes a size in bytes or pages (64M, 256p), not 'lots'");
    parse_bad("--seed x", "--seed takes a number (decimal or 0x hex), not 'x'");
    parse_bad("--cost forks=3", "unknown cost 'forks'");
    parse_bad("--zero-page=yes", "--zero-page takes =on or =off, not 'yes'");
    parse_bad("--frames 3 --mem 1M", "give --frames or --mem, not both");
    parse_bad("--mem 1M --frames=3", "give --frames or --mem, not both");
    char big[VM_OPTION_VALUE_MAX + 16];
    memset(big, 'a', sizeof big);
    memcpy(big, "--arch ", 7);
    big[sizeof big - 1] = 0;
    parse_bad(big, "the value of --arch is too long");
    /* too many options in one layer */
    struct vm_options o;
    vm_options_init(&o);
    for (int i = 0; i < VM_OPTIONS_MAX; i++)
        assert_int_equal(parse(&o, "--zero-page", 1), 0);
    assert_int_equal(parse(&o, "--zero-page", 1), -1);
    assert_non_null(strstr(err, "too many options of the machine"));
}

static void test_set(void **state)
{
    (void)state;
    struct vm_options o;
    vm_options_init(&o);
    assert_int_equal(vm_options_set(&o, "--zero-page", NULL, 0, err, sizeof err), 0);
    assert_int_equal(vm_options_set(&o, "--lazy-fork", "off", 0, err, sizeof err), 0);
    assert_int_equal(vm_options_set(&o, "--fork", "copy", 0, err, sizeof err), 0);
    assert_int_equal(vm_options_set(&o, "--fork", NULL, 0, err, sizeof err), -1);
    assert_string_equal(err, "--fork needs a value");
    assert_int_equal(vm_options_set(&o, "--format", "json", 0, err, sizeof err), -1);
    assert_string_equal(err, "'--format' is not an option of the machine");
    assert_int_equal(o.n, 3);
    assert_true(o.o[0].on);
    assert_false(o.o[1].on);
    assert_int_equal(o.o[2].line, 0);
}

/* ---- the machine -------------------------------------------------------- */

static void test_resolve_defaults(void **state)
{
    (void)state;
    struct vm_config d, c = machine(NULL, NULL);
    vm_config_default(&d);
    assert_string_equal(c.arch.name, "x86_64");
    assert_int_equal(c.frames, 16384);
    assert_int_equal(c.fork, d.fork);
    assert_false(c.replace);
    assert_int_equal(c.swap_slots, 0);
    c = machine("--arch tiny", NULL); /* the arch's own frames */
    assert_int_equal(c.frames, 64);
    assert_int_equal(c.arch.page_size, 256);
}

static void test_resolve_every_option(void **state)
{
    (void)state;
    struct vm_config c = machine("--arch sv39 --frames 9 --fork sharept --zero-page --lazy-fork --pt-frames "
                                 "--oom fail --fault-around 8 --exclusive-reuse --anon-vma --swap 2p --policy random "
                                 "--seed 5 --cost fault=7",
                                 NULL);
    assert_string_equal(c.arch.name, "sv39");
    assert_int_equal(c.frames, 9);
    assert_int_equal(c.fork, FORK_SHAREPT);
    assert_true(c.zero_page && c.lazy_fork && c.pt_frames && c.exclusive_reuse && c.anon_vma);
    assert_int_equal(c.oom, OOM_FAIL);
    assert_int_equal(c.fault_around, 8);
    assert_int_equal(c.swap_slots, 2);
    assert_true(c.replace);
    assert_int_equal(c.policy, POL_RANDOM);
    assert_int_equal(c.seed, 5);
    assert_int_equal(c.cost.ns[COST_FAULT], 7);
    /* --linux and its off */
    c = machine("--linux", NULL);
    assert_true(c.zero_page && c.lazy_fork && c.exclusive_reuse && c.anon_vma);
    assert_int_equal(c.fault_around, 16);
    c = machine("--linux --linux=off", NULL);
    assert_false(c.zero_page || c.lazy_fork || c.exclusive_reuse || c.anon_vma);
    assert_int_equal(c.fault_around, 1);
    /* a policy alone turns replacement on; swap below a page is no slot */
    c = machine("--policy lru", NULL);
    assert_true(c.replace);
    assert_int_equal(c.swap_slots, 0);
    c = machine("--swap 100", NULL);
    assert_false(c.replace);
}

static void test_resolve_sizes_of_the_arch(void **state)
{
    (void)state;
    /* --mem and --swap in the pages of the arch, wherever --arch stands */
    struct vm_config c = machine("--mem 2K --swap 3p --arch tiny", NULL);
    assert_int_equal(c.frames, 8);
    assert_int_equal(c.swap_slots, 3);
    c = machine("--swap 1K", "--arch tiny");
    assert_int_equal(c.swap_slots, 4);
    c = machine("--arch tiny", "--mem 1K");
    assert_int_equal(c.frames, 4);
    c = machine("--mem 5000", NULL); /* rounds down */
    assert_int_equal(c.frames, 1);
}

static void test_resolve_layers(void **state)
{
    (void)state;
    /* within a layer the later option wins */
    struct vm_config c = machine("--frames 4 --policy fifo --frames 6", NULL);
    assert_int_equal(c.frames, 6);
    /* the second layer wins, whatever the order */
    c = machine("--frames 12 --policy lru", "--policy fifo");
    assert_int_equal(c.frames, 12);
    assert_int_equal(c.policy, POL_FIFO);
    c = machine("--policy lru", "--frames 3");
    assert_int_equal(c.policy, POL_LRU);
    assert_int_equal(c.frames, 3);
    /* --frames and --mem are one setting: either layer's, not both */
    c = machine("--frames 12", "--mem 64K");
    assert_int_equal(c.frames, 16);
    c = machine("--mem 64K", "--frames 3");
    assert_int_equal(c.frames, 3);
    /* --linux against its parts, both ways */
    c = machine("--linux", "--zero-page=off");
    assert_false(c.zero_page);
    assert_true(c.lazy_fork);
    assert_int_equal(c.fault_around, 16);
    c = machine("--zero-page=off --fault-around 2", "--linux");
    assert_true(c.zero_page);
    assert_int_equal(c.fault_around, 16);
    /* prices one by one */
    c = machine("--cost fork=3,exec=4", "--cost fork=5");
    assert_int_equal(c.cost.ns[COST_FORK], 5);
    assert_int_equal(c.cost.ns[COST_EXEC], 4);
    /* the arch of the second layer makes the frames of the first */
    c = machine("--arch tiny --frames 12", "--arch i386");
    assert_string_equal(c.arch.name, "i386");
    assert_int_equal(c.frames, 12);
}

static void test_resolve_errors(void **state)
{
    (void)state;
    /* the trace's option at fault: its line */
    resolve_bad("--arch tiny|--mem 200", NULL, 0, "memory must hold at least one frame (--mem 200 is less than a page of tiny)", 2);
    resolve_bad("--swap 0x80000000p", NULL, 0, "--swap: 2147483648 slots are too many", 1);
    resolve_bad("--swap 0x1000000000000000p", NULL, 0, "--swap takes a size in bytes or pages", 1);
    resolve_bad("--mem 16T", NULL, 0, "4294967296 frames are too many", 1);
    resolve_bad("--policy lru|--frames 1000", NULL, 100, "1000 frames are more than --max-frames 100", 2);
    /* the command line's, made wrong by the trace's arch: the arch's line */
    resolve_bad("--policy lru|--arch tiny", "--mem 200", 0, "memory must hold at least one frame", 2);
    resolve_bad("--arch tiny", NULL, 10, "64 frames are more than --max-frames 10", 1);
    /* the command line's alone: no line */
    resolve_bad("--arch tiny", "--frames 1000", 100, "1000 frames are more than --max-frames 100", 0);
    resolve_bad("--policy lru", "--mem 100", 0, "at least one frame", 0);
}

static void test_describe(void **state)
{
    (void)state;
    describe_is("--arch tiny --frames 12", NULL, "options from the trace: --arch tiny --frames 12");
    describe_is("--arch tiny --frames 12 --swap 8p", "--frames 16",
                "options from the trace: --arch tiny --frames 12 --swap 8p; the command line overrides --frames 12 "
                "(with --frames 16)");
    describe_is("--frames 12 --linux --policy lru", "--mem 1M --zero-page=off --policy fifo",
                "options from the trace: --frames 12 --linux --policy lru; the command line overrides --frames 12 "
                "(with --mem 1M), --linux in part (with --zero-page=off), --policy lru (with --policy fifo)");
    /* what a later option of the trace overrides is left out; a flag off says so */
    describe_is("--frames 4 --zero-page --frames 6 --lazy-fork=off", "--arch tiny",
                "options from the trace: --zero-page --frames 6 --lazy-fork=off");
    /* the same option again is no override */
    describe_is("--policy lru --cost fork=3", "--policy lru --cost fork=3",
                "options from the trace: --policy lru --cost fork=3");
    describe_is("--cost fork=3,exec=4", "--cost exec=9",
                "options from the trace: --cost fork=3,exec=4; the command line overrides --cost fork=3,exec=4 in part "
                "(with --cost exec=9)");
    /* cut to fit */
    struct vm_options t;
    vm_options_init(&t);
    assert_int_equal(parse(&t, "--arch tiny --frames 12", 1), 0);
    char small[16];
    vm_options_describe(&t, NULL, small, sizeof small);
    assert_string_equal(small, "options from th");
}

/* ---- the reader's options lines -------------------------------------------- */

static struct arch arch_of(const char *name)
{
    struct arch a;
    char e[128];
    assert_int_equal(arch_parse(&a, name, e, sizeof e), 0);
    return a;
}

static void test_reader_options_first(void **state)
{
    (void)state;
    static const char t[] = "# a comment\n"
                            "\n"
                            "options --arch tiny   # the machine\n"
                            "  options --frames 12 --swap 2p\n"
                            "mmap 1 0x100 1p rw- private\n"
                            "read 1 0x100\n";
    struct arch x86 = arch_of("x86_64"), tiny = arch_of("tiny");
    struct trace_reader *r = trace_open_mem(t, sizeof t - 1, "t.trace", &x86);
    assert_int_equal(trace_read_options(r), 0);
    const struct vm_options *o = trace_options(r);
    assert_int_equal(o->n, 3);
    assert_int_equal(o->o[0].line, 3);
    assert_int_equal(o->o[2].line, 4);
    assert_string_equal(o->o[2].val, "2p");
    assert_int_equal(trace_read_options(r), 0); /* no more */
    trace_set_arch(r, &tiny); /* the first event is read for it: 0x100 and 1p are a tiny page */
    struct ev ev;
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.op, EV_MMAP);
    assert_int_equal(ev.line, 5);
    assert_int_equal(ev.len, 256);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.line, 6);
    assert_int_equal(trace_next(r, &ev), 0);
    trace_close(r);

    /* without trace_read_options, trace_next passes over them, and keeps them */
    r = trace_open_mem(t, sizeof t - 1, "t.trace", &tiny);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.line, 5);
    assert_int_equal(trace_options(r)->n, 3);
    trace_close(r);

    /* a trace without options lines: none, and the first line is left */
    static const char u[] = "spawn 1\n";
    r = trace_open_mem(u, sizeof u - 1, "u.trace", &x86);
    assert_int_equal(trace_read_options(r), 0);
    assert_int_equal(trace_options(r)->n, 0);
    assert_int_equal(trace_next(r, &ev), 1);
    assert_int_equal(ev.op, EV_SPAWN);
    assert_int_equal(ev.line, 1);
    trace_close(r);
}

static void test_reader_options_errors(void **state)
{
    (void)state;
    struct arch x86 = arch_of("x86_64");
    static const struct {
        const char *text;
        uint64_t line;
        const char *msg;
    } cases[] = {
        {"spawn 1\noptions --frames 3\n", 2, "'options' must come before the first event or directive (line 1)"},
        {"options --arch tiny\nmark a\n\noptions --frames 3\n", 4,
         "'options' must come before the first event or directive (line 2)"},
        {"read 1 0x1000\noptions --frames 3\n", 2, "(line 1)"}, /* after the fast path's lines too */
        {"options\n", 1, "'options' takes the machine's options after it"},
        {"options # --frames 3\n", 1, "'options' takes the machine's options after it"},
        {"options --frames 3#4\n", 1, ""}, /* the comment cuts the word: --frames 3 */
        {"options --fork cwo\n", 1, "--fork takes cow, copy or sharept, not 'cwo'"},
        {"options --frames 3\noptions --mem 1M\n", 2, "give --frames or --mem, not both"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].text;
        for (int how = 0; how < 2; how++) { /* read first, or not */
            struct trace_reader *r = trace_open_mem(t, strlen(t), "t.trace", &x86);
            int k = how ? trace_read_options(r) : 0;
            struct ev ev;
            while (k == 0 && (k = trace_next(r, &ev)) == 1)
                k = 0;
            if (!*cases[i].msg) {
                assert_int_equal(k, 0);
                assert_string_equal(trace_options(r)->o[0].val, "3");
            } else {
                if (k != -1 || trace_line(r) != cases[i].line || !strstr(trace_error(r), cases[i].msg))
                    fail_msg("'%s': %d at line %" PRIu64 ": %s", t, k, trace_line(r), trace_error(r));
                assert_int_equal(trace_read_options(r), -1); /* it stays */
            }
            trace_close(r);
        }
    }
}

/* the rest of standard input read ahead (opt), after the options lines, in pieces */
static void test_reader_slurp_rest(void **state)
{
    (void)state;
    size_t cap = 1 << 22, len = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    len += (size_t)sprintf(t + len, "options --policy opt --swap 4p\n");
    unsigned n = 0;
    while (len < (size_t)3 << 20) /* longer than the reader's buffer */
        len += (size_t)sprintf(t + len, "read 1 0x%x\n", (++n % 64) << 12);
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(p[0]);
        for (size_t off = 0; off < len;) {
            ssize_t w = write(p[1], t + off, len - off < 4099 ? len - off : 4099);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(p[1]);
    int saved = dup(STDIN_FILENO);
    assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
    close(p[0]);
    struct arch x86 = arch_of("x86_64");
    struct trace_reader *r = trace_open("-", &x86, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(trace_read_options(r), 0);
    assert_int_equal(trace_options(r)->n, 2);
    assert_int_equal(trace_slurp(r, 1000, err, sizeof err), -1); /* more than max */
    /* byte 1001 after the options line (line 1): 68 lines end before it
     * (15 of 14 bytes, 48 of 15, "read 1 0x0" of 11, 4 of 14), so line 70 */
    assert_string_equal(err, "standard input:70: error: opt: the trace up to this line holds more than 1000 bytes, "
                             "more than --max-memory lets opt read ahead");
    trace_close(r);
    /* again, whole: both readers see every line, numbered from 2 */
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(t, 1, len, f), len);
    fflush(f);
    rewind(f);
    assert_int_equal(dup2(fileno(f), STDIN_FILENO), STDIN_FILENO);
    r = trace_open("-", &x86, err, sizeof err);
    assert_int_equal(trace_read_options(r), 0);
    assert_int_equal(trace_slurp(r, 0, err, sizeof err), 0);
    struct trace_reader *ahead = trace_open_rest(r);
    struct ev a, b;
    uint64_t lines = 0;
    int ka;
    while ((ka = trace_next(ahead, &a)) == 1) {
        assert_int_equal(trace_next(r, &b), 1);
        assert_int_equal(a.line, b.line);
        assert_int_equal(a.addr, b.addr);
        assert_int_equal(a.line, lines + 2);
        lines++;
    }
    assert_int_equal(ka, 0);
    assert_int_equal(trace_next(r, &b), 0);
    assert_int_equal(lines, n);
    trace_close(ahead);
    trace_close(r);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    fclose(f);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_resolve_defaults),
        cmocka_unit_test(test_resolve_every_option),
        cmocka_unit_test(test_resolve_sizes_of_the_arch),
        cmocka_unit_test(test_resolve_layers),
        cmocka_unit_test(test_resolve_errors),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_reader_options_first),
        cmocka_unit_test(test_reader_options_errors),
        cmocka_unit_test(test_reader_slurp_rest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
