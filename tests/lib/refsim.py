#!/usr/bin/env python3
"""refsim.py -- a small reference-string simulator of page replacement, for
tests/policy_diff.sh. It is written from SPEC.md section 10 alone and shares
nothing with vmsim's code.

    refsim.py gen DIR FIRST COUNT

writes COUNT traces, DIR/case-SEED.trace for SEED = FIRST .. FIRST+COUNT-1.
Each is a random reference string of one process over one private anonymous
mapping, with a "# flags:" line (--frames C --swap 1M --policy P, sometimes
--seed N, --pt-frames, --zero-page or --arch tiny) and the `expect` lines this simulator
computes: the misses after every access, then the final state of every page
(frame or slot, value) and the counters (hits, misses, fault classes,
evictions, swap traffic, swap_used, swap_peak, frames_used).

The model, for one process and enough swap that a slot is always free:
- T rises by one at the start of every page access and at every fill (a
  demand-zero frame, a copy of the zero page, a swap-in); a fill sets the
  frame's `loaded` and `used` to T, a completed access sets `used` to T.
- A frame is needed: the lowest free one, else the policy's victim is
  evicted (to a new slot, the lowest free, unless the frame still holds a
  valid copy of a slot: then clean) and its frame taken.
- fifo: smallest loaded; lru: smallest used; opt: the page used again
  farthest ahead (never farthest; ties to the largest loaded); clock: a hand
  over frame numbers from 0, kept across the run, passing (and clearing)
  referenced frames and passing non-candidates (page-table frames), the hand
  then after the victim; random: the candidates in rising frame order,
  number splitmix64() mod count.
- A swap-in leaves the frame holding the slot's copy (a lone process: the
  entry is writable); a write to the frame ends the copy and frees the slot.
- With --pt-frames the root (frame 0) and the tables of the first access
  (frames 1-3 on x86_64, frame 1 on tiny, where one leaf covers 16 pages of
  256 bytes) are never candidates; with --zero-page a read of an
  untouched page maps the zero page (no frame), and a write to it copies.
"""
import os
import random
import sys

MASK = (1 << 64) - 1
POLICIES = ["fifo", "lru", "clock", "opt", "random"]
# arch: (mapping start, page size, page-table frames of one mapped leaf)
ARCHS = {"x86_64": (0x100000, 0x1000, 4), "tiny": (0x1000, 0x100, 2)}
NEVER = float("inf")


class Splitmix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


class Machine:
    def __init__(self, policy, frames, pt_frames, zero_page, seed, accesses):
        self.policy = policy
        self.pt = pt_frames  # frames 0 .. pt_frames-1 hold page tables
        self.n = frames + self.pt
        self.zero_page = zero_page
        self.rng = Splitmix64(seed)
        self.accesses = accesses  # every (page) access of the trace, in order
        self.cur = -1  # the number of the access under way
        self.t = 0
        self.hand = 0
        self.page_of = [None] * self.n  # frame -> page
        self.loaded = [0] * self.n
        self.used = [0] * self.n
        self.ref = [False] * self.n  # the accessed bit of the one entry
        self.copy_of = [None] * self.n  # frame -> slot whose valid copy it holds
        self.value = [0] * self.n
        self.state = {}  # page -> ("frame", f) | ("slot", s) | ("zero",)
        self.slots = {}  # slot -> value (a slot here always has count 1)
        self.c = dict(hits=0, misses=0, demand_zero=0, zero_page=0, cow_copy=0, swap_in=0,
                      evictions=0, evictions_dirty=0, swap_writes=0, swap_reads=0, swap_peak=0)

    # ---- frames and slots -------------------------------------------------
    def data_frames(self):
        return range(self.pt, self.n)

    def new_slot(self, value):
        s = 0
        while s in self.slots:
            s += 1
        self.slots[s] = value
        return s

    def end_copy(self, f):
        s = self.copy_of[f]
        if s is not None:
            del self.slots[s]  # its count was 1: the copy
            self.copy_of[f] = None

    def next_use(self, page):
        for i in range(self.cur + 1, len(self.accesses)):
            if self.accesses[i] == page:
                return i
        return NEVER

    def choose(self):
        full = [f for f in self.data_frames() if self.page_of[f] is not None]
        if self.policy == "fifo":
            return min(full, key=lambda f: self.loaded[f])
        if self.policy == "lru":
            return min(full, key=lambda f: self.used[f])
        if self.policy == "opt":
            return max(full, key=lambda f: (self.next_use(self.page_of[f]), self.loaded[f]))
        if self.policy == "random":
            return full[self.rng.next() % len(full)]
        while True:  # clock
            f = self.hand
            self.hand = (self.hand + 1) % self.n
            if f < self.pt:
                continue  # a table: no candidate
            if self.ref[f]:
                self.ref[f] = False
                continue
            return f

    def evict(self, f):
        q = self.page_of[f]
        self.c["evictions"] += 1
        if self.copy_of[f] is not None:
            s = self.copy_of[f]  # clean: the slot still holds the page
        else:
            s = self.new_slot(self.value[f])
            self.c["swap_writes"] += 1
            self.c["evictions_dirty"] += 1
        self.state[q] = ("slot", s)
        self.page_of[f] = None
        self.copy_of[f] = None

    def take(self, page):
        free = [f for f in self.data_frames() if self.page_of[f] is None]
        if not free:
            self.evict(self.choose())
            free = [f for f in self.data_frames() if self.page_of[f] is None]
        f = free[0]
        self.page_of[f] = page
        self.t += 1  # a fill
        self.loaded[f] = self.used[f] = self.t
        self.ref[f] = True
        self.state[page] = ("frame", f)
        return f

    # ---- an access ------------------------------------------------------
    def access(self, page, write, value):
        self.cur += 1
        self.t += 1
        st = self.state.get(page)
        if st is None and self.zero_page and not write:
            self.state[page] = ("zero",)
            self.c["zero_page"] += 1
            self.c["misses"] += 1
            return
        if st is None:
            f = self.take(page)
            self.value[f] = 0
            self.c["demand_zero"] += 1
            self.c["misses"] += 1
        elif st[0] == "zero":
            if not write:
                self.c["hits"] += 1
                return
            f = self.take(page)  # a copy of the zero page
            self.value[f] = 0
            self.c["cow_copy"] += 1
            self.c["misses"] += 1
        elif st[0] == "slot":
            s = st[1]
            f = self.take(page)
            self.value[f] = self.slots[s]
            self.copy_of[f] = s
            self.c["swap_reads"] += 1
            self.c["swap_in"] += 1
            self.c["misses"] += 1
        else:
            f = st[1]
            self.c["hits"] += 1
        self.used[f] = self.t
        self.ref[f] = True
        if write:
            self.end_copy(f)
            self.value[f] = value

    def event_done(self):
        self.c["swap_peak"] = max(self.c["swap_peak"], len(self.slots))

    def page_value(self, page):
        st = self.state.get(page)
        if st is None or st[0] == "zero":
            return 0
        if st[0] == "slot":
            return self.slots[st[1]]
        return self.value[st[1]]


def make_case(seed):
    """the trace of one case, its expect lines worked out by the Machine"""
    r = random.Random(seed)
    policy = POLICIES[seed % len(POLICIES)]
    frames = r.randint(1, 6)
    npages = frames + r.randint(1, 5)
    length = r.randint(8, 40)
    writes = r.random() < 0.6
    touches = r.random() < 0.4
    pt_frames = r.random() < 0.25
    zero_page = writes and r.random() < 0.25
    rseed = r.choice([0, 1, 2, 42, r.getrandbits(64), MASK])
    arch = "tiny" if r.random() < 0.2 else "x86_64"
    base, page, tables = ARCHS[arch]
    pt = tables if pt_frames else 0

    # events: (line words, [(page, write, value)...])
    flags = "--frames %d --swap 1M --policy %s" % (frames + pt, policy)
    if arch != "x86_64":
        flags = "--arch %s " % arch + flags
    seed_flag = policy == "random" or r.random() < 0.2
    if seed_flag:
        flags += " --seed %d" % rseed
    if pt_frames:
        flags += " --pt-frames"
    if zero_page:
        flags += " --zero-page"
    head = ["# policy-diff case %d: %s, %d frames, %d pages, %s%s" %
            (seed, policy, frames, npages, "reads and writes" if writes else "reads",
             ", touches" if touches else ""),
            "# flags: " + flags,
            "spawn 1",
            "mmap 1 0x%x %dp rw- private" % (base, npages)]
    lineno = len(head)
    events = []
    # a hot set makes hits and re-use likely
    hot = r.sample(range(npages), min(npages, frames + r.randint(0, 2)))
    n = 0
    while n < length:
        p = r.choice(hot) if r.random() < 0.7 else r.randrange(npages)
        w = writes and r.random() < 0.4
        if touches and r.random() < 0.2:
            k = r.randint(1, min(3, npages - p))
            n += k
            lineno += 1
            if w and r.random() < 0.5:
                v = r.randint(1, 999)
                words = "touch 1 0x%x %dp w %d" % (base + p * page, k, v)
            elif w:
                v = None
                words = "touch 1 0x%x %dp w" % (base + p * page, k)
            else:
                words = "touch 1 0x%x %dp r" % (base + p * page, k)
            val = (v if v is not None else lineno) if w else None
            events.append((lineno, words, [(p + i, w, val) for i in range(k)]))
        else:
            n += 1
            lineno += 1
            if w and r.random() < 0.8:
                v = r.randint(1, 999)
                words = "write 1 0x%x %d" % (base + p * page, v)
            elif w:
                v = lineno
                words = "write 1 0x%x" % (base + p * page)
            else:
                v = None
                words = "read 1 0x%x" % (base + p * page)
            events.append((lineno, words, [(p, w, v)]))
            # an expect line follows every access event: one more line
        lineno += 1

    accesses = [a[0] for e in events for a in e[2]]
    m = Machine(policy, frames, pt, zero_page, rseed if seed_flag else 1, accesses)
    out = list(head)
    for _, words, accs in events:
        for p, w, v in accs:
            m.access(p, w, v)
        m.event_done()
        out.append(words)
        out.append("expect stat accesses.misses == %d" % m.c["misses"])
    for p in range(npages):
        a = "expect page 1 0x%x" % (base + p * page)
        st = m.state.get(p)
        if st is None:
            out.append(a + " present == 0")
            out.append(a + " swapped == 0")
        elif st[0] == "zero":
            out.append(a + " frame == zero")
        elif st[0] == "frame":
            out.append(a + " frame == %d" % st[1])
        else:
            out.append(a + " slot == %d" % st[1])
        out.append(a + " value == %d" % m.page_value(p))
    c = m.c
    for key in ("hits", "misses"):
        out.append("expect stat accesses.%s == %d" % (key, c[key]))
    for key in ("demand_zero", "zero_page", "cow_copy", "swap_in"):
        out.append("expect stat faults.%s == %d" % (key, c[key]))
    for key in ("evictions", "evictions_dirty", "swap_writes", "swap_reads", "swap_peak"):
        out.append("expect stat memory.%s == %d" % (key, c[key]))
    out.append("expect stat memory.swap_used == %d" % len(m.slots))
    resident = sum(1 for f in m.data_frames() if m.page_of[f] is not None)
    out.append("expect stat memory.frames_used == %d" % (resident + m.pt))
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 5 or argv[1] != "gen":
        sys.stderr.write("usage: refsim.py gen DIR FIRST COUNT\n")
        return 2
    out, first, count = argv[2], int(argv[3]), int(argv[4])
    os.makedirs(out, exist_ok=True)
    for seed in range(first, first + count):
        with open(os.path.join(out, "case-%d.trace" % seed), "w") as f:
            f.write(make_case(seed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
