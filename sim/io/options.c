/* options.c -- the machine's options (see options.h).
 *
 * A layer keeps its options as given (the value as a string); checking
 * one is parsing it alone, and resolving layers is applying their options
 * in order, the trace's first and the command line's last, so that a later
 * option wins; the arch, the memory and the swap are only noted on the way
 * and worked out at the end, when the arch is known.
 */
#include "vmsim/options.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmsim/arch.h"
#include "vmsim/cost.h"
#include "vmsim/frames.h"
#include "vmsim/number.h"
#include "vmsim/policy.h"
#include "vmsim/swap.h"
#include "vmsim/tlb.h"
#include "vmsim/util.h"

/* the settings of the machine, as bits: what a later option or layer
 * overrides of an earlier one */
enum {
    S_ARCH = 1u << 0,
    S_MEMORY = 1u << 1, /* --frames or --mem */
    S_FORK = 1u << 2,
    S_ZERO = 1u << 3,
    S_LAZY = 1u << 4,
    S_AROUND = 1u << 5,
    S_EXCL = 1u << 6,
    S_ANON = 1u << 7,
    S_PTF = 1u << 8,
    S_OOM = 1u << 9,
    S_SWAP = 1u << 10,
    S_POLICY = 1u << 11,
    S_SEED = 1u << 12,
    S_TLB = 1u << 13,
    S_TLB_WAYS = 1u << 14,
    S_ASID = 1u << 15,
};
#define S_COST(k) ((uint64_t)1 << (32 + (k))) /* each price of --cost */

enum mopt_id {
    M_ARCH,
    M_FRAMES,
    M_MEM,
    M_FORK,
    M_ZERO,
    M_LAZY,
    M_LINUX,
    M_FAULT_AROUND,
    M_EXCL_REUSE,
    M_ANON_VMA,
    M_PTF,
    M_OOM,
    M_SWAP,
    M_POLICY,
    M_SEED,
    M_COST,
    M_TLB,
    M_TLB_WAYS,
    M_ASID,
    M_COUNT
};

/* the options of the machine: every other place (the command line, a
 * trace's options lines, their messages) takes them from here */
static const struct mopt {
    const char *name;
    bool takes_value;
    uint64_t sets; /* the settings it gives (--cost: the prices it names, see bits_of) */
} mopts[M_COUNT] = {
    [M_ARCH] = {"--arch", true, S_ARCH},
    [M_FRAMES] = {"--frames", true, S_MEMORY},
    [M_MEM] = {"--mem", true, S_MEMORY},
    [M_FORK] = {"--fork", true, S_FORK},
    [M_ZERO] = {"--zero-page", false, S_ZERO},
    [M_LAZY] = {"--lazy-fork", false, S_LAZY},
    [M_LINUX] = {"--linux", false, S_ZERO | S_LAZY | S_AROUND | S_EXCL | S_ANON},
    [M_FAULT_AROUND] = {"--fault-around", true, S_AROUND},
    [M_EXCL_REUSE] = {"--exclusive-reuse", false, S_EXCL},
    [M_ANON_VMA] = {"--anon-vma", false, S_ANON},
    [M_PTF] = {"--pt-frames", false, S_PTF},
    [M_OOM] = {"--oom", true, S_OOM},
    [M_SWAP] = {"--swap", true, S_SWAP},
    [M_POLICY] = {"--policy", true, S_POLICY},
    [M_SEED] = {"--seed", true, S_SEED},
    [M_COST] = {"--cost", true, 0},
    [M_TLB] = {"--tlb", true, S_TLB},
    [M_TLB_WAYS] = {"--tlb-ways", true, S_TLB_WAYS},
    [M_ASID] = {"--asid", false, S_ASID},
};

/* ---- messages ------------------------------------------------------------------ */

static int msg(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int msg(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* number: val as a number; page is the page size of the p suffix (0: none) */
static int number(const char *val, uint64_t page, uint64_t *out)
{
    const char *why;
    return number_parse(val, strlen(val), page, out, &why);
}

/* bad_number: what (a format naming the value) and, when only the case of
 * its suffix is wrong ("64m"), the fix */
static int bad_number(char *err, size_t errlen, const char *what, const char *val)
{
    char fix = number_suffix_fix(val, strlen(val), 0);
    int n = snprintf(err, errlen, what, val);
    if (fix && n >= 0 && (size_t)n < errlen)
        snprintf(err + n, errlen - (size_t)n, " (the suffixes K, M, G and T are upper case: %.*s%c)",
                 (int)(strlen(val) - 1), val, fix);
    return -1;
}

/* word: the index of val in names, or -1 after "--fork takes cow, copy or sharept, not 'x'" */
static int word(const char *opt, const char *const *names, int n, const char *val, char *err, size_t errlen)
{
    int k = vm_name_index(names, n, val);
    if (k < 0) {
        char list[128];
        msg(err, errlen, "%s takes %s, not '%.60s'", opt, vm_name_list(names, n, list, sizeof list), val);
    }
    return k;
}

/* ---- one option ------------------------------------------------------------------ */

static int find(const char *name, size_t len)
{
    for (int k = 0; k < M_COUNT; k++)
        if (strlen(mopts[k].name) == len && !memcmp(mopts[k].name, name, len))
            return k;
    return -1;
}

bool vm_option_is(const char *word)
{
    const char *eq = strchr(word, '=');
    return find(word, eq ? (size_t)(eq - word) : strlen(word)) >= 0;
}

/* check: the value of option id alone (a flag's is checked by the caller) */
static int check(enum mopt_id id, const char *val, char *err, size_t errlen)
{
    uint64_t n;
    switch (id) {
    case M_ARCH: {
        struct arch a;
        char why[160];
        if (arch_parse(&a, val, why, sizeof why))
            return msg(err, errlen, "--arch: %s", why);
        return 0;
    }
    case M_FRAMES:
        if (number(val, 0, &n))
            return bad_number(err, errlen, "--frames: bad number '%.60s'", val);
        if (n < 1)
            return msg(err, errlen, "memory must hold at least one frame");
        if (n > FRAMES_MAX - 1)
            return msg(err, errlen, "%" PRIu64 " frames are too many (at most 2^31 - 1)", n);
        return 0;
    case M_MEM:
        if (number(val, 0, &n))
            return bad_number(err, errlen, "--mem: bad size '%.60s'", val);
        return 0;
    case M_FORK:
        return word("--fork", fork_mode_names, FORK_MODES, val, err, errlen) < 0 ? -1 : 0;
    case M_OOM:
        return word("--oom", oom_mode_names, OOM_MODES, val, err, errlen) < 0 ? -1 : 0;
    case M_POLICY:
        return word("--policy", policy_names, POLICIES, val, err, errlen) < 0 ? -1 : 0;
    case M_FAULT_AROUND:
        if (number(val, 0, &n) || !n || n > UINT32_MAX)
            return msg(err, errlen, "--fault-around takes a number of pages from 1 (none) up (Linux: 16), not '%.60s'", val);
        return 0;
    case M_SWAP: /* pages of some arch: how many bytes they are is known once the arch is */
        if (number(val, 1, &n))
            return bad_number(err, errlen, "--swap takes a size in bytes or pages (64M, 256p), not '%.60s'", val);
        return 0;
    case M_SEED:
        if (number(val, 0, &n))
            return bad_number(err, errlen, "--seed takes a number (decimal or 0x hex), not '%.60s'", val);
        return 0;
    case M_COST: {
        struct cost_model m;
        cost_model_default(&m);
        return cost_model_parse(&m, val, err, errlen);
    }
    case M_TLB:
        if (number(val, 0, &n))
            return bad_number(err, errlen, "--tlb takes a number of entries, not '%.60s'", val);
        if (n > TLB_MAX_ENTRIES)
            return msg(err, errlen, "--tlb: %" PRIu64 " entries are too many (at most %u)", n, TLB_MAX_ENTRIES);
        return 0;
    case M_TLB_WAYS:
        if (number(val, 0, &n))
            return msg(err, errlen, "--tlb-ways takes a number of ways, not '%.60s'", val);
        return 0;
    default:
        return 0;
    }
}

void vm_options_init(struct vm_options *o) { memset(o, 0, sizeof *o); }

bool vm_options_gives(const struct vm_options *o, const char *name)
{
    int id = find(name, strlen(name));
    for (unsigned i = 0; o && id >= 0 && i < o->n; i++)
        if (o->o[i].id == id)
            return true;
    return false;
}

uint64_t vm_options_line(const struct vm_options *o, const char *name)
{
    int id = find(name, strlen(name));
    uint64_t line = 0;
    for (unsigned i = 0; o && id >= 0 && i < o->n; i++)
        if (o->o[i].id == id)
            line = o->o[i].line;
    return line;
}

int vm_options_set(struct vm_options *o, const char *name, const char *val, uint64_t line, char *err, size_t errlen)
{
    int id = find(name, strlen(name));
    if (id < 0)
        return msg(err, errlen, "'%.60s' is not an option of the machine", name);
    const struct mopt *m = &mopts[id];
    bool on = true;
    if (m->takes_value) {
        if (!val)
            return msg(err, errlen, "%s needs a value", m->name);
        if (strlen(val) >= VM_OPTION_VALUE_MAX)
            return msg(err, errlen, "the value of %s is too long (at most %d bytes)", m->name, VM_OPTION_VALUE_MAX - 1);
        if (check((enum mopt_id)id, val, err, errlen))
            return -1;
    } else if (val && !strcmp(val, "off")) {
        on = false;
    } else if (val && strcmp(val, "on")) {
        return msg(err, errlen, "%s takes =on or =off, not '%.60s'", m->name, val);
    }
    if (id == M_FRAMES || id == M_MEM)
        for (unsigned i = 0; i < o->n; i++)
            if (o->o[i].id == (id == M_FRAMES ? M_MEM : M_FRAMES))
                return msg(err, errlen, "give --frames or --mem, not both");
    if (o->n == VM_OPTIONS_MAX)
        return msg(err, errlen, "too many options of the machine (at most %d)", VM_OPTIONS_MAX);
    struct vm_option *op = &o->o[o->n++];
    memset(op, 0, sizeof *op);
    op->id = (unsigned char)id;
    op->on = on;
    op->line = line;
    if (m->takes_value)
        memcpy(op->val, val, strlen(val) + 1);
    return 0;
}

/* ---- the words of an options line ------------------------------------------------ */

/* not_an_option: the message for a word of an options line that is no option of the machine */
static int not_an_option(const char *w, size_t len, const char *prev_flag, char *err, size_t errlen)
{
    if (w[0] != '-') {
        if (prev_flag && ((len == 2 && !memcmp(w, "on", 2)) || (len == 3 && !memcmp(w, "off", 3))))
            return msg(err, errlen, "'%.*s' is not an option (a flag is set with %s=%.*s)", (int)len, w, prev_flag,
                       (int)len, w);
        return msg(err, errlen, "'%.*s' is not an option (options takes --NAME VALUE, --NAME=VALUE and --FLAG words)",
                   len > 60 ? 60 : (int)len, w);
    }
    const char *eq = memchr(w, '=', len);
    size_t nlen = eq ? (size_t)(eq - w) : len;
    int best = -1;
    size_t bestd = 3;
    for (int k = 0; k < M_COUNT; k++) {
        size_t d = vm_edit_distance(w, nlen, mopts[k].name, strlen(mopts[k].name));
        if (d < bestd) {
            bestd = d;
            best = k;
        }
    }
    if (best >= 0)
        return msg(err, errlen, "'%.*s' is not an option of the machine (did you mean %s?)", (int)nlen, w,
                   mopts[best].name);
    char list[512];
    size_t p = 0;
    for (int k = 0; k < M_COUNT && p < sizeof list; k++)
        p += (size_t)snprintf(list + p, sizeof list - p, "%s%s", k ? ", " : "", mopts[k].name);
    return msg(err, errlen, "'%.*s' is not an option of the machine (options takes %s)", nlen > 60 ? 60 : (int)nlen,
               w, list);
}

int vm_options_parse(struct vm_options *o, const char *text, size_t len, uint64_t line, char *err, size_t errlen)
{
    const char *p = text, *e = text + len;
    const char *prev_flag = NULL; /* the flag just given alone: "off" after it gets a hint */
    char name[VM_OPTION_VALUE_MAX], val[VM_OPTION_VALUE_MAX];
    for (;;) {
        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        if (p == e)
            return 0;
        const char *w = p;
        while (p < e && *p != ' ' && *p != '\t')
            p++;
        size_t wl = (size_t)(p - w);
        const char *eq = memchr(w, '=', wl);
        size_t nl = eq ? (size_t)(eq - w) : wl;
        int id = wl > 2 && w[0] == '-' && w[1] == '-' ? find(w, nl) : -1;
        if (id < 0)
            return not_an_option(w, wl, prev_flag, err, errlen);
        memcpy(name, w, nl);
        name[nl] = 0;
        const char *v = NULL;
        size_t vl = 0;
        if (eq) {
            v = eq + 1;
            vl = wl - nl - 1;
        } else if (mopts[id].takes_value) { /* --name VALUE: the next word */
            while (p < e && (*p == ' ' || *p == '\t'))
                p++;
            if (p == e)
                return msg(err, errlen, "%s needs a value", mopts[id].name);
            v = p;
            while (p < e && *p != ' ' && *p != '\t')
                p++;
            vl = (size_t)(p - v);
        }
        if (v && vl >= sizeof val)
            return msg(err, errlen, "the value of %s is too long (at most %d bytes)", mopts[id].name,
                       VM_OPTION_VALUE_MAX - 1);
        if (v) {
            memcpy(val, v, vl);
            val[vl] = 0;
        }
        if (vm_options_set(o, name, v ? val : NULL, line, err, errlen))
            return -1;
        prev_flag = !mopts[id].takes_value && !eq ? mopts[id].name : NULL;
    }
}

/* ---- the machine of the layers ---------------------------------------------------- */

/* apply: one option over the machine m; the arch, the memory and the swap
 * are only noted (they are worked out once the arch is known) */
struct notes {
    const struct vm_option *arch, *memory, *swap, *tlb, *tlb_ways;
    bool policy_given;
};

static void apply(struct vm_config *m, struct notes *nt, const struct vm_option *op)
{
    uint64_t n = 0;
    char why[160];
    switch ((enum mopt_id)op->id) {
    case M_ARCH:
        nt->arch = op;
        break;
    case M_FRAMES:
    case M_MEM:
        nt->memory = op;
        break;
    case M_SWAP:
        nt->swap = op;
        break;
    case M_FORK:
        m->fork = (enum fork_mode)vm_name_index(fork_mode_names, FORK_MODES, op->val);
        break;
    case M_OOM:
        m->oom = (enum oom_mode)vm_name_index(oom_mode_names, OOM_MODES, op->val);
        break;
    case M_POLICY:
        m->policy = (enum policy_kind)vm_name_index(policy_names, POLICIES, op->val);
        nt->policy_given = true;
        break;
    case M_ZERO:
        m->zero_page = op->on;
        break;
    case M_LAZY:
        m->lazy_fork = op->on;
        break;
    case M_LINUX: /* docs/model.md, "--linux" */
        m->zero_page = m->lazy_fork = m->anon_vma = m->exclusive_reuse = op->on;
        m->fault_around = op->on ? 16 : 1;
        break;
    case M_FAULT_AROUND:
        number(op->val, 0, &n);
        m->fault_around = (uint32_t)n;
        break;
    case M_EXCL_REUSE:
        m->exclusive_reuse = op->on;
        break;
    case M_ANON_VMA:
        m->anon_vma = op->on;
        break;
    case M_PTF:
        m->pt_frames = op->on;
        break;
    case M_SEED:
        number(op->val, 0, &m->seed);
        break;
    case M_COST:
        cost_model_parse(&m->cost, op->val, why, sizeof why); /* checked when given */
        break;
    case M_TLB:
        nt->tlb = op;
        break;
    case M_TLB_WAYS:
        nt->tlb_ways = op;
        break;
    case M_ASID:
        m->asid = op->on;
        break;
    case M_COUNT:
        break;
    }
}

int vm_options_resolve(const struct vm_options *trace, const struct vm_options *given, uint64_t max_frames,
                       struct vm_config *cfg, uint64_t *line, char *err, size_t errlen)
{
    struct vm_config m;
    vm_config_default(&m);
    m.lim = cfg->lim;
    struct notes nt = {0};
    const struct vm_options *layers[2] = {trace, given};
    for (int l = 0; l < 2; l++)
        for (unsigned i = 0; layers[l] && i < layers[l]->n; i++)
            apply(&m, &nt, &layers[l]->o[i]);
    /* blame: the line of the trace's option at fault; for a size of the
     * command line that the trace's arch made wrong, that arch's line */
    uint64_t arch_line = nt.arch ? nt.arch->line : 0;
#define BLAME(op, by_arch) (*line = (op) && (op)->line ? (op)->line : (by_arch) ? arch_line : 0)
    char why[160];
    if (arch_parse(&m.arch, nt.arch ? nt.arch->val : "x86_64", why, sizeof why)) {
        BLAME(nt.arch, false);
        return msg(err, errlen, "--arch: %s", why);
    }
    uint64_t frames = m.arch.default_frames;
    bool by_arch = true; /* the frames depend on the arch: its default, or --mem in its pages */
    if (nt.memory && nt.memory->id == M_FRAMES) {
        number(nt.memory->val, 0, &frames);
        by_arch = false;
    } else if (nt.memory) {
        uint64_t bytes = 0;
        number(nt.memory->val, 0, &bytes);
        frames = bytes >> m.arch.page_shift;
    }
    if (frames < 1) {
        BLAME(nt.memory, by_arch);
        return msg(err, errlen, "memory must hold at least one frame (--mem %s is less than a page of %s)",
                   nt.memory ? nt.memory->val : "", m.arch.name);
    }
    if (max_frames && frames > max_frames) {
        BLAME(nt.memory, by_arch);
        return msg(err, errlen, "%" PRIu64 " frames are more than --max-frames %" PRIu64, frames, max_frames);
    }
    if (frames > FRAMES_MAX - 1) {
        BLAME(nt.memory, by_arch);
        return msg(err, errlen, "%" PRIu64 " frames are too many (at most 2^31 - 1)", frames);
    }
    uint64_t swap = 0;
    if (nt.swap && number(nt.swap->val, m.arch.page_size, &swap)) {
        BLAME(nt.swap, true);
        return msg(err, errlen, "--swap takes a size in bytes or pages (64M, 256p), not '%s' (more than 2^64 bytes)",
                   nt.swap->val);
    }
    swap >>= m.arch.page_shift;
    if (swap > SWAP_MAX_SLOTS - 1) {
        BLAME(nt.swap, true);
        return msg(err, errlen, "--swap: %" PRIu64 " slots are too many (at most 2^31 - 1)", swap);
    }
    /* the TLB: N entries in N/W sets of W ways (fully associative by default) */
    uint64_t entries = 0, ways = 0;
    if (nt.tlb)
        number(nt.tlb->val, 0, &entries);
    if (nt.tlb_ways) {
        number(nt.tlb_ways->val, 0, &ways);
        if (!entries) {
            BLAME(nt.tlb_ways, false);
            return msg(err, errlen, "--tlb-ways needs a TLB: give --tlb N too");
        }
        if (!ways || entries % ways) {
            BLAME(nt.tlb_ways, false);
            return msg(err, errlen, "--tlb-ways %" PRIu64 " does not divide --tlb %" PRIu64 " (the sets are N/W)",
                       ways, entries);
        }
    }
    m.tlb_entries = (uint32_t)entries;
    m.tlb_ways = (uint32_t)(ways ? ways : entries);
#undef BLAME
    m.frames = (uint32_t)frames;
    m.swap_slots = (uint32_t)swap;
    m.replace = m.swap_slots > 0 || nt.policy_given;
    *cfg = m;
    *line = 0;
    return 0;
}

/* ---- what -v says ------------------------------------------------------------------ */

/* bits_of: the settings op gives */
static uint64_t bits_of(const struct vm_option *op)
{
    if (op->id != M_COST)
        return mopts[op->id].sets;
    uint64_t b = 0;
    for (const char *p = op->val; *p;) {
        size_t n = strcspn(p, "=,");
        for (int k = 0; k < COST_KINDS; k++)
            if (strlen(cost_kind_names[k]) == n && !strncmp(cost_kind_names[k], p, n))
                b |= S_COST(k);
        p += strcspn(p, ",");
        p += *p == ',';
    }
    return b;
}

/* effective: the settings of option i of o that no later option of o overrides */
static uint64_t effective(const struct vm_options *o, unsigned i)
{
    uint64_t later = 0;
    for (unsigned k = i + 1; k < o->n; k++)
        later |= bits_of(&o->o[k]);
    return bits_of(&o->o[i]) & ~later;
}

struct out {
    char *buf;
    size_t len, pos;
};

static void put(struct out *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(struct out *w, const char *fmt, ...)
{
    if (w->pos >= w->len - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->pos, w->len - w->pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->pos += (size_t)n < w->len - w->pos ? (size_t)n : w->len - 1 - w->pos;
}

/* put_option: the option as a command line writes it */
static void put_option(struct out *w, const struct vm_option *op)
{
    const struct mopt *m = &mopts[op->id];
    if (m->takes_value)
        put(w, "%s %s", m->name, op->val);
    else
        put(w, "%s%s", m->name, op->on ? "" : "=off");
}

/* same_again: does given override all of op only by giving it again as it is? */
static bool same_again(const struct vm_option *op, uint64_t eff, const struct vm_options *given)
{
    for (unsigned k = 0; k < given->n; k++) {
        const struct vm_option *g = &given->o[k];
        uint64_t b = effective(given, k) & eff;
        if (b && (g->id != op->id || g->on != op->on || strcmp(g->val, op->val) || b != eff))
            return false;
    }
    return true;
}

const char *vm_options_describe(const struct vm_options *trace, const struct vm_options *given, char *buf,
                                size_t len)
{
    struct out w = {buf, len, 0};
    buf[0] = 0;
    put(&w, "options from the trace:");
    for (unsigned i = 0; trace && i < trace->n; i++)
        if (effective(trace, i)) {
            put(&w, " ");
            put_option(&w, &trace->o[i]);
        }
    uint64_t over = 0;
    for (unsigned k = 0; given && k < given->n; k++)
        over |= bits_of(&given->o[k]);
    bool first = true;
    for (unsigned i = 0; trace && i < trace->n; i++) {
        uint64_t eff = effective(trace, i), hit = eff & over;
        if (!hit || same_again(&trace->o[i], eff, given))
            continue;
        put(&w, first ? "; the command line overrides " : ", ");
        first = false;
        put_option(&w, &trace->o[i]);
        put(&w, "%s (with", hit != eff ? " in part" : "");
        for (unsigned k = 0; k < given->n; k++)
            if (effective(given, k) & hit) {
                put(&w, " ");
                put_option(&w, &given->o[k]);
            }
        put(&w, ")");
    }
    return buf;
}
