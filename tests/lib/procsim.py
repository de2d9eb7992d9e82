#!/usr/bin/env python3
"""procsim.py -- a reference model of processes, address spaces, fork
modes, files and the page cache, for tests/proc_diff.sh. It is written from
SPEC.md alone (sections 1-10 and 13); it shares nothing with vmsim's code.

    procsim.py gen DIR FIRST COUNT     write DIR/case-SEED.trace, SEED = FIRST ..
                                       (a file case one time in three, else a process case)
    procsim.py annotate TRACE          print TRACE's events with this model's
                                       `expect` lines after every event and at the end
    procsim.py reduce VMSIM TRACE      drop event lines while vmsim still fails the
                                       annotated trace; print the smallest one found

The subset modelled (x86_64, 4 KiB pages):
- events `spawn PID` (an empty address space), `fork` (--fork cow, copy or sharept),
  `exit`, `wait PID CHILD`, `mmap PID ADDR LEN PROT private|shared [file=NAME[@OFFSET]]`
  (anonymous shared: a shared-memory object), `munmap`, `mprotect`,
  `read`, `write` (with or without a value), `touch ... r|w [V]`;
- --frames C, --swap N (slots; sometimes 0 or so few that swap runs out,
  then the OOM killer of section 6: the running process with the largest
  rss, ties to the highest pid, pid 1 last; a killed actor stops what it
  was doing), --policy fifo|lru|clock|opt|random (or none: clock; with
  neither --swap nor --policy, no replacement), --seed,
  --zero-page, --pt-frames (roots and tables from the pool, taken top down
  before the page's frame; a fork counts the frames it needs and fails
  without them; an eviction that empties a table frees it, except on the
  path of the page being accessed);
- lost processes (killed, or the child of a failed or skipped fork): their
  events are skipped; wait may reap a killed one;
- pid reuse: a pid that is gone (reaped, or the lost child of a failed or
  skipped fork) names a new process again after `spawn`, `fork` or `vfork`,
  which starts afresh (not lost, no subreaper mark, its own program, ppid
  and faults); a vfork child resumes the very process it suspended, never
  a later one that took its parent's pid;
- per entry: frame or slot, writable, accessed, dirty bits; per frame:
  value, loaded, used, the slot whose valid copy it holds, the file or
  object page it caches (written since loaded, when it entered the cache);
  per slot: value (its count is worked out: the entries and objects naming
  it + 1 for a frame holding its copy; a slot goes when the count falls to 0);
- the stamps T, clock's hand and every mapper's accessed bit, opt's mappers
  (pid, page) over the accesses as written, splitmix64 for random;
- swap-in: from the swap cache or read into a new frame; writable only when
  the frame's refcount is 1 and the slot's count is 1; a write then resolves
  as a cow fault inside the same swap_in fault; a shared-memory page goes to
  swap with its entries cleared and comes back by a swap_in into a new
  page-cache frame;
- files: page i of file F holds 0 until written through a shared mapping;
  the page cache (one frame per file page, refcount = entries + 1); file
  faults (cache_loads), private file reads (read-only, cow in a writable
  VMA), private file writes (the cache page loaded and held, then copied:
  cow_copy, pages_copied), shared writes into the cache page (persisting
  into the file when it is dropped or evicted);
- when no frame is free: step 1 drops unmapped file pages in the order they
  entered the cache (cache_drops); step 2 (replacement on) evicts a victim:
  anonymous and shared-memory pages to swap, file pages cleared and
  dropped, written back when written since they were loaded (writebacks,
  evictions_dirty); step 3 the OOM killer; the page being copied (cow
  source, the held cache page of a private file write) is neither dropped
  nor a victim;
- --fault-around N: a `file` read fault also maps the cached pages of its
  window (N pages aligned, cut to the VMA and the leaf table) with no
  entry, read-only unless shared and writable, accessed bit clear;
- copy fork: new frames for present anonymous entries (a fill each, T + 1),
  failing when free and droppable frames are fewer than needed (a fork
  drops file pages but never evicts);
- pt_pages per process (the root + the tables of the entries in use).
- `--fork sharept`: upper tables copied, leaf tables shared (pt_shared + one
  a leaf); private entries made read-only; a process copies a shared leaf
  (pt_unshared + 1, ptes_copied + the entries in use, present or swap)
  before a fault in it, before an munmap/mmap/brk that drops an entry in use
  and before an mprotect that changes a present entry's writable bit;
  evictions and clock's clearing of accessed bits change shared leaves in
  place; an entry in a shared leaf counts once in refcounts and slot counts;
  mappers counts address spaces; exit and exec only drop a reference;
  with files: page-cache entries and private file copies in shared leaves
  (the copies made read-only and cow by the fork, the cache entries left
  as they are), a file fault or a private file write copies its leaf
  before it fills the entry, fault-around fills the copy, evictions of file
  pages clear entries of shared leaves in place;
- `--lazy-fork` (a VMA without anon frames nor swap entries gives the child
  no entries) and `--anon-vma` (a VMA is skipped only if no anon page was
  ever filled in it; splits and forks keep the mark); with files: a VMA
  that maps only page-cache pages (shared, or private never written, the
  shared-memory objects' pages too) or the zero page is skipped, a private
  file VMA with a private copy is copied whole (its cache entries too), a
  private file write or a cow copy of a cache page marks its VMA;
- `vfork` (one address space, the parent suspended until the child's exec,
  exit or kill), `exec` and `spawn PID PROGRAM` of declared and undeclared
  programs (text r-x private file=PROGRAM@0, data rw- private
  file=PROGRAM@<text>, bss, heap, stack; an empty program has no VMA),
  `brk +LEN|-LEN|ADDR`, `wait PID` (lowest zombie child), `subreaper` (the
  search for one stops at process 1, as docs/choices.md settles it);
- `--oom fail` (the run stops with an error: the trace ends at that line,
  expecting exit 2; so too when there is nothing to kill), `--pt-frames`
  with all of the above (an unshare takes a frame for the private copy).
The generator writes two kinds of case: process cases (declared programs
without text or data, every fork mode, vfork, brk, subreapers, --lazy-fork,
--anon-vma, --oom fail, new processes now and then on gone pids) and, one
time in three, file cases (files f and g mapped private or shared at page
offsets, programs with text and data: undeclared, or g declared with other
sizes and a heap; --fork cow, copy or sharept, vfork, replacement on or
off, --fault-around, --lazy-fork and --anon-vma, pids used again; a last
process maps both files read-only to read back what they hold).
Not modelled: the TLB, --exclusive-reuse, other archs, traces with errors
but out of memory.
"""
import os
import random
import subprocess
import sys
import tempfile

MASK = (1 << 64) - 1
POLICIES = ["fifo", "lru", "clock", "opt", "random"]
PAGE = 0x1000
NEVER = float("inf")
ZERO = "zero"  # the zero page: outside the pool, never a candidate
# two leaf tables apart (x86_64: a leaf covers 2 MiB); the third ends where a
# program's bss begins (0x400000, the next leaf): ranges there cross leaves and VMAs
REGIONS = [0x100000, 0x200000, 0x3f8000]
REGION_PAGES = 10
USER_TOP_PAGE = 1 << 35  # 2^47 / 4 KiB
TEXT_BASE_PAGE = 0x400000 // PAGE
SEGMENTS = ("text", "data", "bss", "heap", "stack")
DEFAULT_IMAGE = (4, 2, 2, 0, 4)  # an undeclared program's sizes, in pages
# the declared programs of the process cases: name -> (bss, heap, stack) in
# pages, text=0 data=0 (no file)
PROGRAMS = {"a": (2, 1, 2), "b": (1, 0, 1), "e": (0, 0, 0)}
# the file cases: the files they map and the pages they reach; undeclared
# programs (text = file page 0-3, data = pages 4-5); a last process that maps
# every file to read back what it holds
FILES = {"f": 8, "g": 6}
FILE_PROGRAMS = ["f", "g", "p"]
# in some file cases, g is declared: text = file page 0-1, data = pages 2-4, a heap page
FILE_DECLARED = {"g": (2, 3, 1, 1, 2)}
CHECKER = 99
CHECK_BASE = 0x10000000


class TraceError(Exception):
    """the trace is one vmsim would refuse, or one outside the model"""


class OOMStop(TraceError):
    """no frame and nothing to kill (or --oom fail): the run stops with an error"""


class Splitmix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def num(word):
    """a number of the trace language (page suffix p: 4 KiB)"""
    mult = 1
    suffixes = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "p": PAGE}
    if word and word[-1] in suffixes:
        mult = suffixes[word[-1]]
        word = word[:-1]
    try:
        v = int(word, 16) if word.lower().startswith("0x") else int(word, 10)
    except ValueError:
        raise TraceError("bad number " + word)
    return (v * mult) & MASK


class Frame:
    def __init__(self, value, t):
        self.owner = None  # a page-cache frame: its key ("f", file, page) or ("s", Obj, page)
        self.value = value
        self.loaded = t
        self.used = t
        self.copy = None  # the slot whose valid copy this frame holds
        self.written = False  # a cache page: written since it was loaded
        self.seq = 0  # a cache page: when it entered the cache


class PTFrame:
    """a page-table page in the pool (--pt-frames): never a candidate, never a fill"""
    copy = None
    owner = None


class Entry:
    def __init__(self, frame=None, slot=None, w=False, a=False, d=False):
        self.frame = frame
        self.slot = slot
        self.w = w
        self.a = a
        self.d = d

    def clone(self):
        return Entry(self.frame, self.slot, self.w, self.a, self.d)


class Vma:
    """pages [s, e): share "private" or "shared"; back None (anonymous), an Obj
    (a shared-memory object) or a file name; off: the page of back at s"""
    def __init__(self, s, e, prot, share="private", back=None, off=0, mark=False):
        self.s, self.e, self.prot, self.share = s, e, prot, share
        self.back, self.off, self.mark = back, off, mark

    def piece(self, a, b):
        return Vma(a, b, self.prot, self.share, self.back, self.off + a - self.s, self.mark)

    def clone(self):
        return self.piece(self.s, self.e)

    def key(self, page):
        """the page-cache key of a page of this VMA, or None (private anonymous)"""
        if self.back is None:
            return None
        if isinstance(self.back, Obj):
            return ("s", self.back, self.off + page - self.s)
        return ("f", self.back, self.off + page - self.s)


class Leaf:
    """a leaf page table: shared by `users` address spaces (sharept)"""
    def __init__(self, frame=None):
        self.ents = {}  # page -> Entry
        self.users = 1
        self.frame = frame


class MM:
    """an address space: VMAs, upper tables, leaves (shared or not), heap"""
    def __init__(self):
        self.vmas = []
        self.leaves = {}  # page >> 9 -> Leaf
        self.uppers = {}  # (level, index) -> frame (None without --pt-frames)
        self.root = None
        self.users = 1  # processes using it (a vfork child and its parent: 2)
        self.heap = None  # (heap start page, break in bytes) with a program image

    def vma_full(self, page):
        for v in self.vmas:
            if v.s <= page < v.e:
                return v
        return None

    def get(self, page):
        leaf = self.leaves.get(page >> 9)
        return leaf.ents.get(page) if leaf else None

    def items(self):
        for idx in sorted(self.leaves):
            leaf = self.leaves[idx]
            for page in sorted(leaf.ents):
                yield page, leaf.ents[page]


class Proc:
    def __init__(self, pid, ppid):
        self.pid = pid
        self.ppid = ppid
        self.state = "running"
        self.status = None
        self.lost = False
        self.mm = None
        # the parent (a Proc) this vfork child suspends: the process itself,
        # not its pid, which may be reaped and used again by another
        self.vparent = None
        self.subreaper = False
        self.program = None


def upper_keys(page):
    return [(1, page >> 27), (2, page >> 18)]


def split(vmas, lo, hi):
    """the VMAs split at lo and hi: (those outside [lo, hi), those inside)"""
    out, inside = [], []
    for v in vmas:
        if v.e <= lo or v.s >= hi:
            out.append(v)
            continue
        if v.s < lo:
            out.append(v.piece(v.s, lo))
        if v.e > hi:
            out.append(v.piece(hi, v.e))
        inside.append(v.piece(max(v.s, lo), min(v.e, hi)))
    return sorted(out, key=lambda v: v.s), inside


class Obj:
    """a shared anonymous memory object: its pages in swap (those in memory are in the cache)"""
    def __init__(self):
        self.slot = {}  # page -> slot


def parse_prot(word):
    letters = word.replace("-", "")
    if len(set(letters)) != len(letters) or set(letters) - set("rwx"):
        raise TraceError("bad prot " + word)
    return "".join(ch if ch in letters else "-" for ch in "rwx")


class Killed(Exception):
    """the actor was killed: what it was doing stops"""


class Model:
    def __init__(self, o, accesses):
        self.zero_page = o["zero_page"]
        self.pt_frames = o["pt_frames"]
        self.lazy = o["lazy_fork"]
        self.anon_vma = o["anon_vma"]
        self.oom_fail = o["oom"] == "fail"
        self.replace = o["swap"] > 0 or o["policy"] is not None
        self.around = o["fault_around"]
        self.keep = None  # (mm, page) whose path's tables an eviction leaves
        self.n = o["frames"]
        self.nslots = o["swap"]
        self.policy = o["policy"] or "clock"
        self.rng = Splitmix64(o["seed"])
        self.fork_mode = o["fork"]
        self.programs = {}
        self.accesses = accesses  # (pid, page) of every access of the trace, as written
        self.cur = -1
        self.frames = [None] * self.n
        self.slots = {}
        self.cache = {}  # key -> frame
        self.files = {}  # name -> {page: value}
        self.seq = 0
        self.t = 0
        self.hand = 0
        self.procs = {}
        self.c = dict.fromkeys((
            "accesses.reads", "accesses.writes", "accesses.hits", "accesses.misses",
            "faults.demand_zero", "faults.zero_page", "faults.file", "faults.cow_copy", "faults.cow_reuse", "faults.segv",
            "faults.swap_in", "memory.pages_copied", "memory.ptes_copied",
            "memory.evictions", "memory.evictions_dirty", "memory.swap_writes",
            "memory.swap_reads", "memory.swap_peak", "memory.frames_peak",
            "memory.pt_pages_peak", "memory.cache_loads", "memory.cache_drops",
            "memory.writebacks", "memory.pt_shared", "memory.pt_unshared",
            "processes.created", "processes.peak_live",
            "processes.killed_segv", "processes.killed_oom", "processes.fork_failed",
            "processes.reaped", "events.skipped", "events.total") +
            tuple("events." + k for k in EVENT_KINDS), 0)

    # ---- derived numbers ------------------------------------------------
    def living(self):
        return [p for p in sorted(self.procs.values(), key=lambda p: p.pid)
                if p.state in ("running", "suspended")]

    def mms(self):
        out = []
        for p in self.living():
            if p.mm is not None and all(p.mm is not m for m in out):
                out.append(p.mm)
        return out

    def leaves(self):
        out, seen = [], set()
        for mm in self.mms():
            for idx in sorted(mm.leaves):
                leaf = mm.leaves[idx]
                if id(leaf) not in seen:
                    seen.add(id(leaf))
                    out.append(leaf)
        return out

    def entries(self):
        for leaf in self.leaves():
            for page in sorted(leaf.ents):
                yield leaf, page, leaf.ents[page]

    def refcount(self, f):
        n = sum(1 for _, _, e in self.entries() if e.frame == f)
        return n + (1 if f != ZERO and self.frames[f].owner is not None else 0)

    def objects(self):
        """the live objects: those a VMA of a live address space maps"""
        out = []
        for mm in self.mms():
            for v in mm.vmas:
                if isinstance(v.back, Obj) and all(v.back is not o for o in out):
                    out.append(v.back)
        return out

    def obj_gc(self, dead):
        """the objects of `dead` VMAs that no VMA maps any more go, with their pages"""
        live = self.objects()
        for v in dead:
            o = v.back
            if not isinstance(o, Obj) or any(o is x for x in live):
                continue
            for key in [k for k in self.cache if k[0] == "s" and k[1] is o]:
                self.frames[self.cache.pop(key)] = None
            o.slot = {}
        self.gc_slots()

    def maps(self, mm, f):
        return any(e.frame == f for leaf in mm.leaves.values() for e in leaf.ents.values())

    def mappers(self, f):
        return sum(1 for mm in self.mms() if self.maps(mm, f))

    def slot_count(self, s):
        n = sum(1 for _, _, e in self.entries() if e.slot == s)
        n += sum(1 for o in self.objects() for x in o.slot.values() if x == s)
        return n + sum(1 for fr in self.frames if fr is not None and fr.copy == s)

    def gc_slots(self):
        for s in list(self.slots):
            if self.slot_count(s) == 0:
                del self.slots[s]

    def free_if_unused(self, f):
        if f != ZERO and self.frames[f] is not None and self.refcount(f) == 0:
            self.frames[f] = None  # its copy (if any) ends
            self.gc_slots()

    def new_slot(self, value):
        s = 0
        while s in self.slots:
            s += 1
        assert s < self.nslots
        self.slots[s] = value
        return s

    def file_value(self, key):
        """what page key of a file or object holds now"""
        if key in self.cache:
            return self.frames[self.cache[key]].value
        if key[0] == "s":
            s = key[1].slot.get(key[2])
            return self.slots[s] if s is not None else 0
        return self.files.get(key[1], {}).get(key[2], 0)

    def rss(self, p):
        if p.mm is None:
            return 0
        return sum(1 for _, e in p.mm.items() if e.frame is not None and e.frame != ZERO)

    def pt_pages(self, p):
        if p.mm is None:
            return 0
        return 1 + len(p.mm.uppers) + len(p.mm.leaves)

    def stat(self, name):
        if name in self.c:
            return self.c[name]
        if name == "memory.frames_used":
            return sum(1 for fr in self.frames if fr is not None)
        if name == "memory.anon":
            return sum(1 for fr in self.frames if isinstance(fr, Frame) and fr.owner is None)
        if name == "memory.cache":
            return sum(1 for fr in self.frames if isinstance(fr, Frame) and fr.owner is not None)
        if name == "memory.pt":
            return sum(1 for fr in self.frames if isinstance(fr, PTFrame))
        if name == "memory.swap_used":
            return len(self.slots)
        if name == "memory.pt_pages":
            return sum(1 + len(mm.uppers) for mm in self.mms()) + len(self.leaves())
        if name == "processes.live":
            return len(self.living())
        if name == "processes.zombies":
            return sum(1 for p in self.procs.values() if p.state == "zombie")
        if name == "faults.total":
            return sum(self.c["faults." + k] for k in
                       ("demand_zero", "zero_page", "file", "cow_copy", "cow_reuse", "segv", "swap_in"))
        raise KeyError(name)

    def event_done(self):
        c = self.c
        c["memory.swap_peak"] = max(c["memory.swap_peak"], len(self.slots))
        c["memory.frames_peak"] = max(c["memory.frames_peak"], self.stat("memory.frames_used"))
        c["memory.pt_pages_peak"] = max(c["memory.pt_pages_peak"], self.stat("memory.pt_pages"))
        c["processes.peak_live"] = max(c["processes.peak_live"], len(self.living()))

    # ---- finding a frame ------------------------------------------------
    def droppable(self, pinned=()):
        """step 1's pages: file pages no entry maps, the longest cached first"""
        out = [f for f in range(self.n) if isinstance(self.frames[f], Frame)
               and self.frames[f].owner is not None and self.frames[f].owner[0] == "f"
               and f not in pinned and self.refcount(f) == 1]
        return sorted(out, key=lambda f: self.frames[f].seq)

    def drop(self, f):
        fr = self.frames[f]
        self.files.setdefault(fr.owner[1], {})[fr.owner[2]] = fr.value
        del self.cache[fr.owner]
        self.frames[f] = None
        self.c["memory.cache_drops"] += 1

    def candidates(self, pinned):
        if not self.replace:
            return []
        slot_free = len(self.slots) < self.nslots
        out = []
        for f in range(self.n):
            fr = self.frames[f]
            if not isinstance(fr, Frame) or f in pinned:
                continue
            is_file = fr.owner is not None and fr.owner[0] == "f"
            if is_file or fr.copy is not None or slot_free:
                out.append(f)
        return out

    def next_use(self, f):
        who = set()
        for p in self.living():
            if p.mm is not None:
                for page, e in p.mm.items():
                    if e.frame == f:
                        who.add((p.pid, page))
        for i in range(self.cur + 1, len(self.accesses)):
            if self.accesses[i] in who:
                return i
        return NEVER

    def choose(self, cands):
        fr = self.frames
        if self.policy == "fifo":
            return min(cands, key=lambda f: fr[f].loaded)
        if self.policy == "lru":
            return min(cands, key=lambda f: fr[f].used)
        if self.policy == "opt":
            return max(cands, key=lambda f: (self.next_use(f), fr[f].loaded))
        if self.policy == "random":
            return cands[self.rng.next() % len(cands)]
        while True:  # clock
            f = self.hand
            self.hand = (self.hand + 1) % self.n
            if f not in cands:
                continue
            ents = [e for _, _, e in self.entries() if e.frame == f]
            if any(e.a for e in ents):
                for e in ents:
                    e.a = False
                continue
            return f

    def evict(self, f):
        fr = self.frames[f]
        self.c["memory.evictions"] += 1
        if fr.owner is not None and fr.owner[0] == "f":  # a file page: cleared, written back if dirty
            dirty = fr.written
            for leaf, page, e in list(self.entries()):
                if e.frame == f:
                    dirty = dirty or e.d
                    del leaf.ents[page]
            if dirty:
                self.c["memory.writebacks"] += 1
                self.c["memory.evictions_dirty"] += 1
            self.files.setdefault(fr.owner[1], {})[fr.owner[2]] = fr.value
            del self.cache[fr.owner]
            self.frames[f] = None
            self.sync_all()
            return
        if fr.copy is None:
            s = self.new_slot(fr.value)
            self.c["memory.swap_writes"] += 1
            self.c["memory.evictions_dirty"] += 1
        else:
            s = fr.copy
        if fr.owner is not None:  # a shared-memory page: entries cleared, the object names the slot
            for leaf, page, e in list(self.entries()):
                if e.frame == f:
                    del leaf.ents[page]
            _, o, idx = fr.owner
            del self.cache[fr.owner]
            o.slot[idx] = s
        for _, _, e in list(self.entries()):
            if e.frame == f:
                e.frame, e.slot, e.w, e.a, e.d = None, s, False, False, False
        self.frames[f] = None
        self.gc_slots()
        self.sync_all()

    def oom_victim(self):
        run = [p for p in self.living()]
        others = [p for p in run if p.pid != 1]
        pool = others or run
        if not pool:
            return None
        return max(pool, key=lambda p: (self.rss(p), p.pid)).pid

    def get_frame(self, actor, pinned=()):
        while True:
            for f in range(self.n):
                if self.frames[f] is None:
                    return f
            drop = self.droppable(pinned)
            if drop:
                self.drop(drop[0])
                continue
            cands = self.candidates(pinned)
            if cands:
                self.evict(self.choose(cands))
                continue
            if self.oom_fail:
                raise OOMStop("out of memory (--oom fail): the run stops")
            victim = self.oom_victim()
            if victim is None:
                raise OOMStop("out of memory with nothing to kill: the run stops")
            self.kill(victim, 137, "processes.killed_oom")
            if victim == actor:
                raise Killed()

    def fork_frame(self):
        """a frame for a fork: free, or by dropping (never evicting)"""
        for f in range(self.n):
            if self.frames[f] is None:
                return f
        drop = self.droppable()
        assert drop
        self.drop(drop[0])
        return drop[0]

    def fill(self, f, value):
        self.t += 1
        self.frames[f] = Frame(value, self.t)
        return self.frames[f]

    def pt_frame(self, actor):
        if not self.pt_frames:
            return None
        f = self.get_frame(actor)
        self.frames[f] = PTFrame()
        return f

    def free_pt(self, f):
        if f is not None:
            self.frames[f] = None

    # ---- tables -------------------------------------------------------------
    def leaf_unref(self, leaf):
        leaf.users -= 1
        if leaf.users == 0:
            fs = [e.frame for e in leaf.ents.values() if e.frame is not None]
            leaf.ents = {}
            self.free_pt(leaf.frame)
            for f in fs:
                self.free_if_unused(f)
            self.gc_slots()

    def sync_all(self):
        """frees the tables with no entry in use under them (but the current page's path)"""
        kept, kmm, kpage = None, None, None
        if self.keep is not None:
            kmm, kpage = self.keep
            kept = kmm.leaves.get(kpage >> 9)
        for mm in self.mms():
            for idx in sorted(mm.leaves):
                leaf = mm.leaves[idx]
                if not leaf.ents and leaf is not kept:
                    del mm.leaves[idx]
                    self.leaf_unref(leaf)
            need = set()
            for idx in mm.leaves:
                need.update(upper_keys(idx << 9))
            if mm is kmm:
                need.update(upper_keys(kpage))
            for key in list(mm.uppers):
                if key not in need:
                    self.free_pt(mm.uppers.pop(key))

    def take_tables(self, p, mm, page):
        """a page's missing tables, top down; may evict or kill"""
        for key in upper_keys(page):
            if key not in mm.uppers:
                mm.uppers[key] = self.pt_frame(p.pid)
        if (page >> 9) not in mm.leaves:
            mm.leaves[page >> 9] = Leaf(self.pt_frame(p.pid))

    def unshare(self, p, mm, page):
        """the private copy of the shared leaf of `page`, before a change of it"""
        idx = page >> 9
        f = self.pt_frame(p.pid)
        leaf = mm.leaves[idx]
        # an OOM kill during the copy's allocation does not change the choice
        # (section 9): the copy is made even if the leaf's other users died
        new = Leaf(f)
        new.ents = {pg: e.clone() for pg, e in leaf.ents.items()}
        mm.leaves[idx] = new
        self.leaf_unref(leaf)
        # the old table is off the page's path now: if an eviction during the
        # copy's allocation emptied it, it goes at once (as vmsim does; the
        # SPEC's "stays until that page is done" could be read either way)
        self.sync_all()
        self.c["memory.pt_unshared"] += 1
        self.c["memory.ptes_copied"] += len(new.ents)
        return new

    def writable_leaf(self, p, mm, page):
        """the leaf of page, unshared if it was shared"""
        leaf = mm.leaves[page >> 9]
        if leaf.users > 1:
            leaf = self.unshare(p, mm, page)
        return leaf

    # ---- processes --------------------------------------------------------
    def teardown(self, mm):
        for idx in sorted(mm.leaves):
            self.leaf_unref(mm.leaves.pop(idx))
        for key in list(mm.uppers):
            self.free_pt(mm.uppers.pop(key))
        dead, mm.vmas = mm.vmas, []
        self.obj_gc(dead)
        self.free_pt(mm.root)
        mm.root = None

    def leave(self, p):
        mm = p.mm
        if mm is None:
            return
        p.mm = None
        mm.users -= 1
        if mm.users == 0:
            self.teardown(mm)

    def reap(self, p):
        p.state = "gone"
        self.c["processes.reaped"] += 1

    def resume_vparent(self, p):
        if p.vparent is not None:
            q = p.vparent
            if q.state == "suspended":
                q.state = "running"
            p.vparent = None

    def new_parent(self, p, orphan):
        """the ppid of p's living child `orphan` when p exits"""
        q = self.procs.get(p.ppid) if p.ppid else None
        # the search stops at process 1 (section 13's "before process 1", read
        # as docs/choices.md reads it: in Linux process 1 has no ancestors);
        # only a process 1 made by a fork has any
        while q is not None and q.pid != 1:
            if q.state in ("running", "suspended") and q.subreaper:
                return q.pid
            q = self.procs.get(q.ppid) if q.ppid else None
        one = self.procs.get(1)
        if one is None or one.state not in ("running", "suspended") or orphan.pid == 1:
            return 0
        # no cycle: process 1 must not be among the orphan's descendants
        q = one
        while q is not None and q.ppid:
            if q.ppid == orphan.pid:
                return 0
            q = self.procs.get(q.ppid)
        return 1

    def die(self, p, status):
        self.leave(p)
        self.resume_vparent(p)
        p.state = "zombie"
        p.status = status
        for q in sorted(self.procs.values(), key=lambda q: q.pid):
            if q.ppid == p.pid and q.state == "zombie":
                self.reap(q)
        for q in sorted(self.procs.values(), key=lambda q: q.pid):
            if q.ppid == p.pid and q.state in ("running", "suspended"):
                q.ppid = self.new_parent(p, q)
        if p.ppid == 0:
            self.reap(p)

    def kill(self, pid, status, counter):
        p = self.procs[pid]
        p.lost = True
        self.c[counter] += 1
        self.die(p, status)

    def image(self, p, name):
        """a new address space with the program image of `name` (undeclared: the defaults)"""
        text, data, bss, heap, stack = self.programs.get(name, DEFAULT_IMAGE)
        mm = MM()
        p.mm = mm
        mm.root = self.pt_frame(p.pid if p.pid in self.procs else None)
        b = TEXT_BASE_PAGE
        if text:
            mm.vmas.append(Vma(b, b + text, "r-x", back=name))
        if data:
            mm.vmas.append(Vma(b + text, b + text + data, "rw-", back=name, off=text))
        b += text + data
        hs = b + bss
        if bss:
            mm.vmas.append(Vma(b, hs, "rw-"))
        if heap:
            mm.vmas.append(Vma(hs, hs + heap, "rw-"))
        if stack:
            mm.vmas.append(Vma(USER_TOP_PAGE - stack, USER_TOP_PAGE, "rw-"))
        mm.heap = (hs, (hs + heap) * PAGE)
        p.program = name

    # ---- accesses ---------------------------------------------------------
    def cow(self, p, page, e):
        """a write to a read-only entry of the (writable, private) VMA"""
        f = e.frame
        if f != ZERO and self.frames[f].owner is None and self.refcount(f) == 1:
            e.w = True
            return "cow_reuse"
        nf = self.get_frame(p.pid, pinned={f})
        self.fill(nf, 0 if f == ZERO else self.frames[f].value)
        e.frame = nf
        e.w = True
        p.mm.vma_full(page).mark = True
        self.c["memory.pages_copied"] += 1
        self.free_if_unused(f)
        return "cow_copy"

    def cache_get(self, p, key):
        """the cache frame of page key, loaded if need be: (frame, fault class)"""
        if key in self.cache:
            return self.cache[key], "file"
        if key[0] == "s" and key[2] in key[1].slot:
            s = key[1].slot[key[2]]
            f = self.get_frame(p.pid)
            fr = self.fill(f, self.slots[s])
            fr.copy, fr.owner = s, key
            self.seq += 1
            fr.seq = self.seq
            del key[1].slot[key[2]]
            self.cache[key] = f
            self.c["memory.swap_reads"] += 1
            return f, "swap_in"
        f = self.get_frame(p.pid)
        fr = self.fill(f, self.file_value(key))
        fr.owner = key
        self.seq += 1
        fr.seq = self.seq
        self.cache[key] = f
        self.c["memory.cache_loads"] += 1
        return f, "file"

    def fault_around(self, leaf, page, v):
        """--fault-around N: the cached pages of the window (N pages aligned, cut
        to the VMA and the leaf table) with no entry, mapped read-only unless
        shared and writable, accessed bit clear"""
        n = self.around
        lo, hi = page - page % n, page - page % n + n
        first = page - page % 512
        lo, hi = max(lo, v.s, first), min(hi, v.e, first + 512)
        w = v.share == "shared" and "w" in v.prot
        for pg in range(lo, hi):
            if pg == page or pg in leaf.ents:
                continue
            key = v.key(pg)
            if key in self.cache:
                leaf.ents[pg] = Entry(frame=self.cache[key], w=w)

    def access(self, p, page, write, value):
        self.t += 1
        self.c["accesses.writes" if write else "accesses.reads"] += 1
        mm = p.mm
        v = mm.vma_full(page)
        if v is None or ("w" if write else "r") not in v.prot:
            self.c["faults.segv"] += 1
            self.kill(p.pid, 139, "processes.killed_segv")
            raise Killed()
        prot = v.prot
        e = mm.get(page)
        cls = None
        if e is None or e.slot is not None or (write and not e.w):
            # a fault: its tables first (a shared leaf is copied), then its row
            if (page >> 9) not in mm.leaves:
                self.take_tables(p, mm, page)
            else:
                self.writable_leaf(p, mm, page)
            e = mm.get(page)
        leaf = mm.leaves.get(page >> 9)
        key = v.key(page)
        if e is None and key is not None and (v.share == "shared" or not write):
            f, cls = self.cache_get(p, key)
            e = leaf.ents[page] = Entry(frame=f, w=v.share == "shared" and "w" in prot)
            if cls == "file" and not write and self.around > 1:
                self.fault_around(leaf, page, v)
        elif e is None and key is not None:  # a private file write
            f, _ = self.cache_get(p, key)
            nf = self.get_frame(p.pid, pinned={f})
            self.fill(nf, self.frames[f].value)
            self.c["memory.pages_copied"] += 1
            e = leaf.ents[page] = Entry(frame=nf, w=True)
            v.mark = True
            cls = "cow_copy"
        elif e is None and self.zero_page and not write:
            e = leaf.ents[page] = Entry(frame=ZERO, w=False)
            cls = "zero_page"
        elif e is None:
            f = self.get_frame(p.pid)
            self.fill(f, 0)
            e = leaf.ents[page] = Entry(frame=f, w="w" in prot)
            v.mark = True
            cls = "demand_zero"
        elif e.slot is not None:
            s = e.slot
            cached = [f for f in range(self.n)
                      if self.frames[f] is not None and self.frames[f].copy == s]
            if cached:
                f = cached[0]
            else:
                f = self.get_frame(p.pid)
                self.fill(f, self.slots[s]).copy = s
                self.c["memory.swap_reads"] += 1
            e.slot, e.frame, e.a, e.d = None, f, False, False
            e.w = "w" in prot and self.refcount(f) == 1 and self.slot_count(s) == 1
            v.mark = True
            cls = "swap_in"
            if write and not e.w:
                self.cow(p, page, e)
        elif write and not e.w:
            cls = self.cow(p, page, e)
        if cls is None:
            self.c["accesses.hits"] += 1
        else:
            self.c["accesses.misses"] += 1
            self.c["faults." + cls] += 1
        e.a = True
        if e.frame == ZERO:
            return
        fr = self.frames[e.frame]
        fr.used = self.t
        if write:
            fr.value = value
            fr.written = True
            e.d = True
            if fr.copy is not None:
                fr.copy = None
                self.gc_slots()

    # ---- events -------------------------------------------------------------
    def actor(self, pid):
        """the process an event acts for, or None when the event is skipped"""
        p = self.procs.get(pid)
        if p is None:
            raise TraceError("process %d does not exist" % pid)
        if p.lost:
            self.c["events.skipped"] += 1
            return None
        if p.state != "running":
            raise TraceError("process %d is %s" % (pid, p.state))
        return p

    def new_pid(self, pid):
        q = self.procs.get(pid)
        if q is not None and q.state != "gone":
            raise TraceError("pid %d in use" % pid)
        if not 1 <= pid <= 2147483647:
            raise TraceError("bad pid")

    def unmap(self, p, lo, hi):
        mm = p.mm
        for page in [pg for pg, _ in mm.items() if lo <= pg < hi]:
            if mm.get(page) is not None:
                self.keep = (mm, page)
                try:
                    leaf = self.writable_leaf(p, mm, page)
                    e = leaf.ents.pop(page, None)
                    if e is not None and e.frame is not None:
                        self.free_if_unused(e.frame)
                    self.gc_slots()
                finally:
                    self.keep = None
                    self.sync_all()
        mm.vmas, dead = split(mm.vmas, lo, hi)
        self.obj_gc(dead)

    def mprotect(self, p, lo, hi, prot):
        mm = p.mm
        if any(mm.vma_full(pg) is None for pg in range(lo, hi)):
            raise TraceError("mprotect of unmapped pages")
        keep, inside = split(mm.vmas, lo, hi)
        for v in inside:
            v.prot = prot
        mm.vmas = sorted(keep + inside, key=lambda v: v.s)
        for page in [pg for pg, _ in mm.items() if lo <= pg < hi]:
            e = mm.get(page)
            if e is None or e.frame is None:
                continue
            if "w" not in prot:
                w = False
            elif mm.vma_full(page).share == "shared":
                w = True
            else:
                w = e.w
            if w != e.w:
                self.keep = (mm, page)
                try:
                    leaf = self.writable_leaf(p, mm, page)
                finally:
                    self.keep = None
                    self.sync_all()
                e = leaf.ents.get(page)
                if e is not None and e.frame is not None:
                    e.w = w

    def brk(self, p, arg):
        mm = p.mm
        if mm.heap is None:
            raise TraceError("brk without a program image")
        hs, cur = mm.heap
        if arg.startswith("+"):
            new = cur + num(arg[1:])
        elif arg.startswith("-"):
            d = num(arg[1:])
            if d > cur:
                raise TraceError("brk below 0")
            new = cur - d
        else:
            new = num(arg)
        if new < hs * PAGE:
            raise TraceError("brk below the heap start")
        old_end, new_end = -(-cur // PAGE), -(-new // PAGE)
        if new_end > old_end:
            if new_end > USER_TOP_PAGE or any(v.s < new_end and v.e > old_end for v in mm.vmas):
                raise TraceError("brk into a VMA")
            ext = [v for v in mm.vmas if v.e == old_end and v.prot == "rw-" and v.share == "private"
                   and v.back is None and v.s >= hs]
            if ext:
                ext[0].e = new_end
            else:
                mm.vmas = sorted(mm.vmas + [Vma(old_end, new_end, "rw-")], key=lambda v: v.s)
        mm.heap = (hs, new)
        if new_end < old_end:
            self.unmap(p, new_end, old_end)

    def lazy_skips(self, mm, v):
        if not self.lazy:
            return False
        if self.anon_vma:
            return not v.mark
        for page, e in mm.items():
            if v.s <= page < v.e and (e.slot is not None or (
                    e.frame is not None and e.frame != ZERO and self.frames[e.frame].owner is None)):
                return False
        return True

    def lost_child(self, cpid):
        lost = Proc(cpid, 0)
        lost.state, lost.lost = "gone", True
        self.procs[cpid] = lost

    def fork(self, p, cpid):
        pm = p.mm
        if self.fork_mode == "sharept":
            need = 1 + len(pm.uppers) if self.pt_frames else 0
            copied = []
        else:  # --lazy-fork: only at a cow or copy fork
            skip = [v for v in pm.vmas if self.lazy_skips(pm, v)]
            copied = [(page, e) for page, e in pm.items()
                      if not any(v.s <= page < v.e for v in skip)]
            need = 0
            if self.fork_mode == "copy":
                need = sum(1 for _, e in copied if e.frame is not None and e.frame != ZERO
                           and self.frames[e.frame].owner is None)
            if self.pt_frames:
                keys = set()
                for page, _ in copied:
                    keys.update(upper_keys(page))
                    keys.add((3, page >> 9))
                need += 1 + len(keys)
        if need:  # free frames, and file pages step 1 can drop (a fork never evicts)
            free = sum(1 for fr in self.frames if fr is None) + len(self.droppable())
            if free < need:
                self.c["processes.fork_failed"] += 1
                self.lost_child(cpid)
                return
        c = Proc(cpid, p.pid)
        c.program = p.program
        cm = c.mm = MM()
        cm.vmas = [v.clone() for v in pm.vmas]
        cm.heap = pm.heap
        if self.pt_frames:
            cm.root = self.fork_frame()
            self.frames[cm.root] = PTFrame()
        if self.fork_mode == "sharept":
            # rising address order, top down
            for key in sorted(pm.uppers, key=lambda k: (k[1] << (27 if k[0] == 1 else 18), k[0])):
                cm.uppers[key] = self.pt_frame(None)
            for idx in sorted(pm.leaves):
                leaf = pm.leaves[idx]
                leaf.users += 1
                cm.leaves[idx] = leaf
                self.c["memory.pt_shared"] += 1
                for page, e in leaf.ents.items():
                    if e.frame is not None and pm.vma_full(page).share == "private":
                        e.w = False
        for page, e in copied:
            self.take_tables(c, cm, page)
            leaf = cm.leaves[page >> 9]
            v = pm.vma_full(page)
            if e.slot is not None:
                leaf.ents[page] = Entry(slot=e.slot)
            elif v.share == "shared":
                leaf.ents[page] = Entry(frame=e.frame, w=e.w, a=e.a, d=e.d)
            elif self.fork_mode == "copy" and e.frame != ZERO and self.frames[e.frame].owner is None:
                nf = self.fork_frame()
                self.fill(nf, self.frames[e.frame].value)
                self.c["memory.pages_copied"] += 1
                leaf.ents[page] = Entry(frame=nf, w="w" in v.prot, a=e.a, d=e.d)
            else:
                e.w = False  # private: a writable entry becomes cow
                leaf.ents[page] = Entry(frame=e.frame, w=False, a=e.a, d=e.d)
            self.c["memory.ptes_copied"] += 1
        self.procs[cpid] = c
        self.c["processes.created"] += 1

    def vfork(self, p, cpid):
        c = Proc(cpid, p.pid)
        c.program = p.program
        c.mm = p.mm
        p.mm.users += 1
        c.vparent = p
        p.state = "suspended"
        self.procs[cpid] = c
        self.c["processes.created"] += 1

    def event(self, words, lineno, first_access):
        """runs one event line; first_access: its accesses' index in the trace"""
        kind = words[0]
        if kind == "program":
            if len(words) < 2 or words[1] in self.programs:
                raise TraceError("bad program line")
            sizes = dict(zip(SEGMENTS, DEFAULT_IMAGE))
            for w in words[2:]:
                k, _, val = w.partition("=")
                if k not in sizes:
                    raise TraceError("bad program size")
                sizes[k] = -(-num(val) // PAGE)
            self.programs[words[1]] = tuple(sizes[k] for k in SEGMENTS)
            return
        self.c["events.total"] += 1
        if "events." + kind in self.c:
            self.c["events." + kind] += 1
        try:
            self.event1(kind, words, lineno, first_access)
        except Killed:
            pass
        finally:
            self.keep = None
            self.event_done()

    def event1(self, kind, words, lineno, first_access):
        if kind == "spawn":
            pid = num(words[1])
            self.new_pid(pid)
            p = Proc(pid, 0)
            # the new process joins the table once its root is taken: the OOM
            # killer that the root's allocation may call does not see it
            if len(words) > 2:
                self.image(p, words[2])
            else:
                p.mm = MM()
                p.mm.root = self.pt_frame(None)
            self.procs[pid] = p
            self.c["processes.created"] += 1
        elif kind in ("fork", "vfork"):
            ppid, cpid = num(words[1]), num(words[2])
            if ppid == cpid:
                raise TraceError("fork of itself")
            self.new_pid(cpid)
            p = self.actor(ppid)
            if p is None:
                self.lost_child(cpid)
                return
            if kind == "fork":
                self.fork(p, cpid)
            else:
                self.vfork(p, cpid)
        elif kind == "exec":
            p = self.actor(num(words[1]))
            if p is None:
                return
            self.leave(p)
            self.resume_vparent(p)
            self.image(p, words[2])
        elif kind == "exit":
            p = self.actor(num(words[1]))
            if p is not None:
                self.die(p, num(words[2]) if len(words) > 2 else 0)
        elif kind == "subreaper":
            p = self.actor(num(words[1]))
            if p is not None:
                p.subreaper = True
        elif kind == "wait":
            p = self.actor(num(words[1]))
            if p is None:
                return
            if len(words) == 2:
                zs = [q for q in sorted(self.procs.values(), key=lambda q: q.pid)
                      if q.ppid == p.pid and q.state == "zombie"]
                if not zs:
                    raise TraceError("wait with nothing to reap")
                self.reap(zs[0])
                return
            q = self.procs.get(num(words[2]))
            if q is None:
                raise TraceError("no such child")
            if q.lost and q.state == "gone":
                self.c["events.skipped"] += 1
                return
            if q.ppid != p.pid or q.state != "zombie":
                raise TraceError("wait would block or the child is not its")
            self.reap(q)
        elif kind == "brk":
            p = self.actor(num(words[1]))
            if p is not None:
                self.brk(p, words[2])
        elif kind in ("mmap", "munmap", "mprotect"):
            pid, addr, ln = num(words[1]), num(words[2]), num(words[3])
            if addr % PAGE or ln == 0:
                raise TraceError("bad range")
            back, off = None, 0
            if kind == "mmap":
                if len(words) not in (6, 7) or words[5] not in ("private", "shared"):
                    raise TraceError("bad mmap")
                if len(words) == 7:
                    if not words[6].startswith("file="):
                        raise TraceError("bad mmap")
                    name, _, offw = words[6][5:].partition("@")
                    offb = num(offw) if offw else 0
                    if offb % PAGE or not name:
                        raise TraceError("bad file offset")
                    back, off = name, offb // PAGE
            prot = parse_prot(words[4]) if kind != "munmap" else None
            lo, hi = addr // PAGE, (addr + ln + PAGE - 1) // PAGE
            if hi > USER_TOP_PAGE:
                raise TraceError("range above user_top")
            p = self.actor(pid)
            if p is None:
                return
            if kind == "mprotect":
                self.mprotect(p, lo, hi, prot)
                return
            self.unmap(p, lo, hi)
            if kind == "mmap":
                if back is None and words[5] == "shared":
                    back = Obj()
                p.mm.vmas = sorted(p.mm.vmas + [Vma(lo, hi, prot, words[5], back, off)],
                                   key=lambda v: v.s)
        elif kind in ("read", "write", "touch"):
            pid, addr = num(words[1]), num(words[2])
            if kind == "touch":
                ln = num(words[3])
                write = {"r": False, "w": True}[words[4]]
                if not write and len(words) > 5:
                    raise TraceError("a value on a read touch")
                value = num(words[5]) if len(words) > 5 else lineno
                pages = list(range(addr // PAGE, (addr + ln + PAGE - 1) // PAGE)) if ln else []
            else:
                write = kind == "write"
                if not write and len(words) > 3:
                    raise TraceError("read with a value")
                value = num(words[3]) if len(words) > 3 else lineno
                pages = [addr // PAGE]
            p = self.actor(pid)
            if p is None:
                return
            for i, page in enumerate(pages):
                self.cur = first_access + i
                self.keep = (p.mm, page)
                try:
                    self.access(p, page, write, value)
                finally:
                    self.keep = None
                    self.sync_all()
        else:
            raise TraceError("event %s is outside the model" % kind)

    # ---- queries ------------------------------------------------------------
    def page_fields(self, p, page):
        """the (field, value) pairs of `expect page` for a living process"""
        mm = p.mm
        v = mm.vma_full(page)
        if v is None:
            return [("mapped", "0"), ("value", "none")]
        e = mm.get(page)
        out = [("mapped", "1")]
        if e is None:
            key = v.key(page)
            value = 0 if key is None else self.file_value(key)
            return out + [("present", "0"), ("swapped", "0"), ("slot", "none"), ("frame", "none"),
                          ("kind", "none"), ("refcount", "none"), ("mappers", "none"),
                          ("value", str(value))]
        if e.slot is not None:
            return out + [("present", "0"), ("swapped", "1"), ("slot", str(e.slot)),
                          ("frame", "none"), ("kind", "swap"), ("writable", "0"), ("cow", "0"),
                          ("dirty", "0"), ("refcount", "none"), ("mappers", "none"),
                          ("value", str(self.slots[e.slot]))]
        f = e.frame
        cow = not e.w and "w" in v.prot and v.share == "private"
        return out + [("present", "1"), ("swapped", "0"), ("slot", "none"), ("frame", str(f)),
                      ("kind", "zero" if f == ZERO else
                       "cache" if self.frames[f].owner is not None else "anon"),
                      ("writable", str(int(e.w))),
                      ("cow", str(int(cow))), ("dirty", str(int(e.d))),
                      ("refcount", str(self.refcount(f))), ("mappers", str(self.mappers(f))),
                      ("value", str(0 if f == ZERO else self.frames[f].value))]

    def proc_fields(self, pid):
        p = self.procs[pid]
        if p.state == "gone":
            return [("state", "gone")]
        out = [("state", p.state), ("ppid", str(p.ppid))]
        if p.program is not None:
            out.append(("program", p.program))
        if p.state == "zombie":
            return out + [("exit_status", str(p.status)), ("rss", "0"), ("uss", "0"),
                          ("pt_pages", "0"), ("swap", "0"), ("vmas", "0")]
        frames = {}
        for _, e in p.mm.items():
            if e.frame is not None and e.frame != ZERO:
                frames[e.frame] = self.mappers(e.frame)
        uss = sum(1 for m in frames.values() if m == 1)
        pss = sum(1.0 / m for m in frames.values())
        return out + [("rss", str(self.rss(p))), ("uss", str(uss)), ("pss", "%.3f" % pss),
                      ("swap", str(sum(1 for _, e in p.mm.items() if e.slot is not None))),
                      ("vmas", str(len(p.mm.vmas))), ("pt_pages", str(self.pt_pages(p)))]


EVENT_KINDS = ["spawn", "fork", "vfork", "exec", "exit", "wait", "mmap", "munmap", "mprotect",
               "brk", "read", "write", "touch", "subreaper"]
FINAL_STATS = [
    "accesses.reads", "accesses.writes", "accesses.hits", "accesses.misses",
    "faults.total", "faults.demand_zero", "faults.zero_page", "faults.file", "faults.cow_copy", "faults.cow_reuse", "faults.segv",
    "faults.swap_in", "memory.frames_used", "memory.frames_peak", "memory.anon",
    "memory.pt", "memory.cache", "memory.cache_loads", "memory.cache_drops", "memory.pages_copied",
    "memory.ptes_copied", "memory.writebacks",
    "memory.pt_pages", "memory.pt_pages_peak", "memory.pt_shared", "memory.pt_unshared",
    "memory.evictions", "memory.evictions_dirty", "memory.swap_writes", "memory.swap_reads",
    "memory.swap_used", "memory.swap_peak", "processes.created", "processes.live",
    "processes.zombies", "processes.peak_live", "processes.killed_segv", "processes.killed_oom",
    "processes.fork_failed", "processes.reaped", "events.skipped", "events.total"] + \
    ["events." + k for k in EVENT_KINDS]
STEP_STATS = ["accesses.misses", "accesses.hits", "memory.evictions", "memory.swap_writes",
              "memory.swap_reads", "memory.swap_used", "memory.frames_used", "memory.pt_pages",
              "processes.killed_oom", "memory.pages_copied", "faults.cow_reuse",
              "memory.pt_unshared", "memory.ptes_copied", "memory.pt_shared", "processes.reaped"]
FILE_STEP_STATS = ["accesses.misses", "accesses.hits", "faults.file", "faults.cow_copy",
                   "memory.cache", "memory.cache_loads", "memory.cache_drops", "memory.evictions",
                   "memory.evictions_dirty", "memory.writebacks", "memory.swap_used",
                   "memory.frames_used", "processes.killed_oom", "memory.pages_copied"]


def parse_flags(flags):
    w = flags.split()
    o = {"frames": 16384, "swap": 0, "policy": None, "seed": 1, "fork": "cow", "zero_page": False,
         "pt_frames": False, "lazy_fork": False, "anon_vma": False, "oom": "kill",
         "fault_around": 1}
    i = 0
    while i < len(w):
        k = w[i]
        if k in ("--check", "-v"):
            i += 1
            continue
        if k in ("--zero-page", "--pt-frames", "--lazy-fork", "--anon-vma"):
            o[k[2:].replace("-", "_")] = True
            i += 1
            continue
        v = w[i + 1]
        if k == "--frames":
            o["frames"] = num(v)
        elif k == "--swap":
            o["swap"] = num(v) // PAGE
        elif k == "--policy":
            o["policy"] = v
        elif k == "--seed":
            o["seed"] = num(v)
        elif k == "--fork":
            o["fork"] = v
        elif k == "--oom":
            o["oom"] = v
        elif k == "--fault-around":
            o["fault_around"] = num(v)
        else:
            raise TraceError("flag %s outside the model" % k)
        i += 2
    if o["fork"] not in ("cow", "copy", "sharept"):
        raise TraceError("fork mode outside the model")
    return o


def access_list(events):
    """(pid, page) of every access the event lines write, in order, and each line's first"""
    out, firsts = [], []
    for words in events:
        firsts.append(len(out))
        if words[0] in ("read", "write"):
            out.append((num(words[1]), num(words[2]) // PAGE))
        elif words[0] == "touch":
            addr, ln = num(words[2]), num(words[3])
            if ln:
                for pg in range(addr // PAGE, (addr + ln + PAGE - 1) // PAGE):
                    out.append((num(words[1]), pg))
    return out, firsts


def dump(m, out):
    for pid in sorted(m.procs):
        for field, v in m.proc_fields(pid):
            out.append("expect proc %d %s == %s" % (pid, field, v))
        p = m.procs[pid]
        if p.state in ("running", "suspended"):
            pages = set()
            for v in p.mm.vmas:
                pages.update(range(v.s, v.e))
            pages.update(pg for pg, _ in p.mm.items())
            for r in REGIONS:  # and the rest of the regions the traces use
                pages.update(range(r // PAGE, r // PAGE + 2))
            for page in sorted(pages):
                for field, v in m.page_fields(p, page):
                    out.append("expect page %d 0x%x %s == %s" % (pid, page * PAGE, field, v))
    for name in FINAL_STATS:
        out.append("expect stat %s == %d" % (name, m.stat(name)))


def simulate(head, flags, events, step_expects, tail=()):
    """the trace: head comment lines, the events with expect lines.
    step_expects(model, words, out) may add expect lines after an event.
    When the run stops with an error (out of memory), the trace ends at that
    line, with every expectation of the state before it, and expects exit 2
    (the cut trace is run again first: opt foresees only its accesses)."""
    o = parse_flags(flags)
    accesses, firsts = access_list(list(events) + list(tail))  # tail: opt foresees it
    m = Model(o, accesses)
    out = []
    for k, (words, first) in enumerate(zip(events, firsts)):
        out.append(" ".join(words))
        try:
            m.event(words, len(head) + 1 + len(out), first)
        except OOMStop:
            if k == 0 or words[0] == "program":
                raise
            if k + 1 < len(events) or tail:
                # opt foresaw accesses that the trace, cut at this line, will
                # not have: run the cut trace again, which may stop here,
                # earlier or not at all
                return simulate(head, flags, events[:k + 1], step_expects)
            text = simulate(head + ["# exit: 2", "# error-line: %d" % 0], flags, events[:k],
                            step_expects, [words])
            lines = text.splitlines()
            lines.append(" ".join(words))
            lines = [("# error-line: %d" % len(lines)) if ln == "# error-line: 0" else ln
                     for ln in lines]
            return "\n".join(lines) + "\n"
        if words[0] != "program":
            step_expects(m, words, out)
    out2 = list(head) + ["# flags: " + flags] + out
    dump(m, out2)
    return "\n".join(out2) + "\n"


def dense_expects(m, words, out):
    for name in STEP_STATS + [s for s in FILE_STEP_STATS if s not in STEP_STATS]:
        out.append("expect stat %s == %d" % (name, m.stat(name)))


# ---- the generator ----------------------------------------------------------
def choose_page(r, p, write):
    ok = [pg for v in p.mm.vmas for pg in range(v.s, v.e) if ("w" if write else "r") in v.prot]
    return r.choice(ok) if ok else None


def make_events(r, o, n_events, max_procs):
    """event lines chosen against a model run alongside (opt runs as lru here)"""
    go = dict(o)
    if go["policy"] == "opt":
        go["policy"] = "lru"
    m = Model(go, [])
    ev = []
    next_pid = [1]
    progs = sorted(m_programs for m_programs in PROGRAMS)
    p_shm = r.choice([0, 0, 0.3])
    p_vfork = r.choice([0.02, 0.05, 0.1])
    p_brk = r.choice([0.03, 0.08])
    p_exec = r.choice([0.02, 0.05])
    p_touch = r.choice([0.05, 0.15, 0.3])
    p_reuse = r.choice([0, 0.3, 0.6])

    def run(words):
        ev.append(words)
        m.event(words, 1, 0)

    def new_pid(parent=None):
        """a new process's pid: now and then a gone one (reaped, or a lost
        child; not the parent's own), else the next unused number"""
        gone = sorted(q.pid for q in m.procs.values() if q.state == "gone" and q.pid != parent)
        if gone and r.random() < p_reuse:
            return r.choice(gone)
        next_pid[0] += 1
        return next_pid[0] - 1

    for name in progs:
        bss, heap, stack = PROGRAMS[name]
        run(["program", name, "text=0", "data=0", "bss=%dp" % bss, "heap=%dp" % heap,
             "stack=%dp" % stack])

    def spawn():
        pid = new_pid()
        if r.random() < 0.5:
            run(["spawn", str(pid), r.choice(progs)])
        else:
            run(["spawn", str(pid)])
        return pid

    pid = spawn()
    if m.procs[pid].state == "running":
        npages = r.randint(3, REGION_PAGES)
        run(["mmap", str(pid), "0x%x" % REGIONS[0], "%dp" % npages, "rw-", "private"])
        if p_shm and r.random() < 0.6:
            base = REGIONS[1] // PAGE + r.randint(0, 3)
            run(["mmap", str(pid), "0x%x" % (base * PAGE), "%dp" % r.randint(1, 4), "rw-", "shared"])
    try:
        while sum(1 for w in ev if w[0] != "program") < n_events:
            actors = [p for p in m.living() if p.state == "running"]
            if not actors:
                spawn()
                continue
            lost = [p for p in m.procs.values() if p.lost]
            if lost and r.random() < 0.03:  # events of lost processes are skipped
                q = r.choice(lost)
                qs = str(q.pid)
                y = r.randint(0, 7)
                if y == 0 and len(m.living()) < max_procs:
                    run([r.choice(["fork", "vfork"]), qs, str(new_pid(q.pid))])
                elif y == 1:
                    run(["exit", qs])
                elif y == 2:
                    run(["exec", qs, r.choice(progs)])
                elif y == 3:
                    run(["brk", qs, "+1p"])
                elif y == 4:
                    run(["subreaper", qs])
                elif y == 5:
                    run(["mmap", qs, "0x%x" % REGIONS[1], "1p", "rw-", "private"])
                elif y == 6 and q.state == "gone":  # a wait naming a lost child that is gone
                    run(["wait", str(r.choice(actors).pid), qs])
                else:
                    run(["read", qs, "0x%x" % REGIONS[0]])
                continue
            p = r.choice(actors)
            ps = str(p.pid)
            x = r.random()
            if x < 0.55:
                if r.random() < 0.015:  # a segv
                    run(["write", ps, "0x%x" % (REGIONS[0] + REGION_PAGES * PAGE), "7"])
                    continue
                write = r.random() < 0.5
                pg = choose_page(r, p, write)
                if pg is None:
                    if not any(v.s == REGIONS[0] // PAGE for v in p.mm.vmas) and \
                            not any(REGIONS[0] // PAGE <= v.s < REGIONS[0] // PAGE + 8 for v in p.mm.vmas):
                        run(["mmap", ps, "0x%x" % REGIONS[0], "4p", "rw-", "private"])
                    continue
                if r.random() < p_touch:
                    k = 1
                    while k < 4 and p.mm.vma_full(pg + k) is not None and \
                            ("w" if write else "r") in p.mm.vma_full(pg + k).prot and r.random() < 0.6:
                        k += 1
                    w = ["touch", ps, "0x%x" % (pg * PAGE), "%dp" % k, "w" if write else "r"]
                    if write and r.random() < 0.6:
                        w.append(str(r.randint(1, 999)))
                    run(w)
                elif write:
                    w = ["write", ps, "0x%x" % (pg * PAGE)]
                    if r.random() < 0.8:
                        w.append(str(r.randint(1, 999)))
                    run(w)
                else:
                    run(["read", ps, "0x%x" % (pg * PAGE)])
            elif x < 0.67:
                if len(m.living()) < max_procs:
                    run(["fork", ps, str(new_pid())])
            elif x < 0.67 + p_vfork:
                if len(m.living()) < max_procs:
                    run(["vfork", ps, str(new_pid())])
            elif x < 0.79:
                if len(m.living()) > 1 or len(ev) > n_events - 3 or p.vparent is not None:
                    run(["exit", ps] + ([str(r.randint(0, 255))] if r.random() < 0.3 else []))
            elif x < 0.85:
                zs = [q for q in sorted(m.procs.values(), key=lambda q: q.pid)
                      if q.ppid == p.pid and q.state == "zombie"]
                if zs:
                    if r.random() < 0.5:
                        run(["wait", ps])
                    else:
                        run(["wait", ps, str(r.choice(zs).pid)])
            elif x < 0.91:
                base = r.choice(REGIONS) // PAGE
                lo = base + r.randint(0, REGION_PAGES - 2)
                k = r.randint(1, 3)
                if r.random() < 0.5:
                    prot = "rw-" if r.random() < 0.85 else "r--"
                    run(["mmap", ps, "0x%x" % (lo * PAGE), "%dp" % k, prot,
                         "shared" if r.random() < p_shm else "private"])
                else:
                    run(["munmap", ps, "0x%x" % (lo * PAGE), "%dp" % k])
            elif x < 0.94:
                vs = p.mm.vmas
                if vs:
                    v = r.choice(vs)
                    lo = r.randint(v.s, v.e - 1)
                    k = 1
                    while k < 3 and p.mm.vma_full(lo + k) is not None and r.random() < 0.5:
                        k += 1
                    prot = r.choice(["r--", "rw-", "rw-", "---"])
                    run(["mprotect", ps, "0x%x" % (lo * PAGE), "%dp" % k, prot])
            elif x < 0.94 + p_brk:
                if p.mm.heap is not None:
                    hs, cur = p.mm.heap
                    y = r.random()
                    if y < 0.45:
                        arg = "+%dp" % r.randint(1, 3) if r.random() < 0.8 else "+%d" % r.randint(1, 5000)
                        new = cur + num(arg[1:])
                    elif y < 0.8:
                        d = r.randint(1, 3) * PAGE if r.random() < 0.8 else r.randint(1, 5000)
                        d = min(d, cur - hs * PAGE)
                        if d == 0:
                            continue
                        arg, new = "-%d" % d, cur - d
                    else:
                        new = hs * PAGE + r.randint(0, 8) * PAGE
                        arg = "0x%x" % new
                    new_end, old_end = -(-new // PAGE), -(-cur // PAGE)
                    if new_end - hs <= 10 and not (new_end > old_end and any(
                            v.s < new_end and v.e > old_end for v in p.mm.vmas)):
                        run(["brk", ps, arg])
            elif x < 0.94 + p_brk + p_exec:
                run(["exec", ps, r.choice(progs)])
            elif x < 0.97 + p_brk + p_exec:
                if not p.subreaper and r.random() < 0.5:
                    run(["subreaper", ps])
            else:
                if len(m.living()) < max_procs and r.random() < 0.3:
                    spawn()
    except OOMStop:
        pass
    return ev


def make_case(seed, tries=0):
    """case SEED: a file case one time in three, else a process case"""
    if seed % 3 == 2:
        return make_file_case(seed)
    r = random.Random(seed * 7919 + 17 + tries * 1000003)
    policy = POLICIES[seed % len(POLICIES)]
    frames = r.choice([2, 3, 3, 4, 4, 5, 6, 8, 10])
    small = r.random() < 0.3
    swap = r.choice([0, 1, 2, 3, 4, 6, 8]) if small else 256
    mode = r.choice(["sharept", "sharept", "sharept", "cow", "cow", "copy"])
    zero_page = r.random() < 0.25
    pt_frames = r.random() < 0.3
    lazy = r.random() < (0.15 if mode == "sharept" else 0.6)  # inert under sharept
    anon_vma = lazy and r.random() < 0.5
    oom_fail = r.random() < 0.15
    if seed % 7 == 3:  # a harder mix: sharept, page-table frames, few frames and slots
        mode, pt_frames, lazy, anon_vma = "sharept", True, False, False
        frames, small, swap = r.choice([2, 3, 4]), True, r.choice([1, 2, 3, 4])
    if pt_frames:
        frames += r.choice([4, 5, 6, 8, 10])
    flags = "--frames %d --swap %s" % (frames, "%dp" % swap if small else "1M")
    if not oom_fail and r.random() < 0.1:
        flags += " --oom kill"
    if policy != "clock" or swap == 0 or r.random() < 0.7:
        flags += " --policy " + policy
    if policy == "random" or r.random() < 0.15:
        flags += " --seed %d" % r.choice([0, 1, 2, 42, r.getrandbits(64), MASK])
    if mode != "cow" or r.random() < 0.2:
        flags += " --fork " + mode
    if zero_page:
        flags += " --zero-page"
    if pt_frames:
        flags += " --pt-frames"
    if lazy:
        flags += " --lazy-fork"
    if anon_vma:
        flags += " --anon-vma"
    if oom_fail:
        flags += " --oom fail"
    n_events = r.choice([r.randint(12, 45), r.randint(40, 90)])
    o = parse_flags(flags)
    events = make_events(r, o, n_events, r.choice([3, 5, 7]))
    head = ["# proc-diff case %d: %s" % (seed, flags)]

    def step(m, words, out):
        if r.random() < 0.4:
            for name in r.sample(STEP_STATS, r.randint(1, 3)):
                out.append("expect stat %s == %d" % (name, m.stat(name)))
        if r.random() < 0.25 and words[0] not in ("program",):
            try:
                p = m.procs[num(words[1])]
            except (KeyError, IndexError, TraceError):
                return
            if p.state in ("running", "suspended") and words[0] in ("read", "write", "touch"):
                page = num(words[2]) // PAGE
                for field, v in m.page_fields(p, page):
                    if r.random() < 0.5:
                        out.append("expect page %d 0x%x %s == %s" % (p.pid, page * PAGE, field, v))
            for field, v in m.proc_fields(p.pid):
                if r.random() < 0.5:
                    out.append("expect proc %d %s == %s" % (p.pid, field, v))
    try:
        return simulate(head, flags, events, step)
    except TraceError:
        if tries >= 20:
            raise
        return make_case(seed, tries + 1)


# ---- the file cases -------------------------------------------------------------
# regions: 0x100000 and 0x600000 anonymous (private, now and then shared), 0x200000,
# 0x208000 (one leaf table) and 0x1fc000 (across two leaf tables) file mappings
FILE_REGIONS = [0x100000, 0x200000, 0x208000, 0x600000, 0x1fc000]
FILE_REGION_PAGES = 8


def image_pages(sizes=DEFAULT_IMAGE):
    """the page -> prot of a program's image (undeclared: the defaults)"""
    out, b = {}, TEXT_BASE_PAGE
    text, data, bss, heap, stack = sizes
    out.update((pg, "r-x") for pg in range(b, b + text))
    out.update((pg, "rw-") for pg in range(b + text, b + text + data + bss + heap))
    out.update((pg, "rw-") for pg in range(USER_TOP_PAGE - stack, USER_TOP_PAGE))
    return out


class Plan:
    """the process tree and VMAs as a file case's events set them, whatever
    memory does (kills only make later events of a process skipped)"""

    def __init__(self, r, p_reuse):
        self.alive = {}  # pid -> {mapped page: prot}
        self.parent = {}
        self.zombies = set()
        self.gone = set()  # reaped, as far as the plan sees
        # vfork parent -> its child (a kill the plan cannot see only resumes
        # a parent sooner, so a parent this says is running is running)
        self.suspended = {}
        self.next_pid = 1
        self.r, self.p_reuse = r, p_reuse

    def new_pid(self):
        """now and then a pid the plan saw reaped (if a kill it cannot see
        kept it a zombie, the model refuses the trace and the case is made
        again), else the next unused number"""
        if self.gone and self.r.random() < self.p_reuse:
            pid = self.r.choice(sorted(self.gone))
            self.gone.discard(pid)
            return pid
        self.next_pid += 1
        return self.next_pid - 1

    def spawn(self):
        pid = self.new_pid()
        self.alive[pid] = {}
        self.parent[pid] = 0
        return pid

    def fork(self, pid):
        c = self.new_pid()
        self.alive[c] = dict(self.alive[pid])
        self.parent[c] = pid
        return c

    def vfork(self, pid):
        """a child sharing the parent's pages (the same dict), the parent suspended"""
        c = self.new_pid()
        self.alive[c] = self.alive[pid]
        self.parent[c] = pid
        self.suspended[pid] = c
        return c

    def resume(self, child):
        """the vfork parent of child resumes (its exec or exit)"""
        for q, c in list(self.suspended.items()):
            if c == child:
                del self.suspended[q]

    def actors(self):
        return sorted(q for q in self.alive if q not in self.suspended)

    def reap(self, pid):
        self.zombies.discard(pid)
        self.gone.add(pid)

    def die(self, pid):
        self.resume(pid)
        del self.alive[pid]
        for z in list(self.zombies):
            if self.parent[z] == pid:
                self.reap(z)
        for q in self.alive:
            if self.parent[q] == pid:
                self.parent[q] = 1 if 1 in self.alive else 0
        if self.parent[pid] != 0:
            self.zombies.add(pid)
        else:
            self.gone.add(pid)


def random_mmap(r, pid, p_shm, p_file, narrow=False):
    """an mmap event: (words, first page, pages, prot); narrow: few file pages, much shared"""
    x = r.random()
    if x < p_file:
        base = r.choice(FILE_REGIONS[1:3] + FILE_REGIONS[4:]) // PAGE
        name = "f" if narrow else r.choice(sorted(FILES))
        k = r.randint(1, 2 if narrow else 5)
        lo = base + r.randint(0, 3)
        off = r.randint(0, 1 if narrow else max(0, FILES[name] - k))
        prot = r.choice(["rw-", "rw-", "r--"])
        share = r.choice(["shared", "private"])
        offw = r.choice(["%dp" % off, "0x%x" % (off * PAGE)]) if off else r.choice(["0", ""])
        spec = "file=" + name + ("@" + offw if offw else "")
        return (["mmap", str(pid), "0x%x" % (lo * PAGE), "%dp" % k, prot, share, spec],
                lo, k, prot)
    base = r.choice([FILE_REGIONS[0], FILE_REGIONS[3]]) // PAGE
    lo = base + r.randint(0, FILE_REGION_PAGES - 3)
    k = r.randint(1, 4)
    prot = "rw-" if r.random() < 0.85 else "r--"
    share = "shared" if r.random() < p_shm else "private"
    return (["mmap", str(pid), "0x%x" % (lo * PAGE), "%dp" % k, prot, share], lo, k, prot)


def make_file_events(r, n_events, max_procs, narrow):
    """a file case's event lines, chosen against a Plan"""
    plan = Plan(r, r.choice([0, 0.3, 0.6]))
    ev = []
    declared = {}
    if r.random() < 0.4:
        declared = FILE_DECLARED
        for name, (text, data, bss, heap, stack) in sorted(declared.items()):
            ev.append(["program", name, "text=%dp" % text, "data=%dp" % data, "bss=%dp" % bss,
                       "heap=%dp" % heap, "stack=%dp" % stack])

    def image(pid):
        name = r.choice(FILE_PROGRAMS)
        plan.alive[pid] = image_pages(declared.get(name, DEFAULT_IMAGE))
        plan.resume(pid)
        return name

    pid = plan.spawn()
    p_prog = r.choice([0, 0, 0.3, 0.7])
    if r.random() < p_prog:
        ev.append(["spawn", str(pid), image(pid)])
    else:
        ev.append(["spawn", str(pid)])
    p_shm = r.choice([0, 0.2, 0.5])
    p_file = r.choice([0.5, 0.7, 0.9])
    for _ in range(r.randint(1, 3)):
        w, lo, k, prot = random_mmap(r, pid, p_shm, p_file, narrow)
        ev.append(w)
        plan.alive[pid].update((pg, prot) for pg in range(lo, lo + k))
    hot = {}
    p_mprotect = r.choice([0, 0.03, 0.08])
    p_fork = r.choice([0.06, 0.1, 0.15])
    p_touch = r.choice([0.05, 0.15, 0.3])
    p_vfork = r.choice([0, 0.2, 0.4])  # of the forks
    while len(ev) < n_events:
        if not plan.alive:
            pid = plan.spawn()
            hot.pop(pid, None)
            ev.append(["spawn", str(pid)])
            continue
        pids = plan.actors()
        pid = r.choice(pids)
        mapped = plan.alive[pid]
        x = r.random() * (1.0 + p_fork + p_mprotect)
        if x < 0.6:
            if not mapped:
                w, lo, k, prot = random_mmap(r, pid, p_shm, p_file, narrow)
                ev.append(w)
                mapped.update((pg, prot) for pg in range(lo, lo + k))
                continue
            if r.random() < 0.01:  # a segv: a page no VMA holds, or a write to a read-only one
                first = FILE_REGIONS[0] // PAGE
                bad = [(pg, False) for pg in range(first, first + FILE_REGION_PAGES)
                       if pg not in mapped] + [(pg, True) for pg in mapped if mapped[pg] != "rw-"]
                if bad:
                    pg, write = r.choice(bad)
                    ev.append(["write" if write else "read", str(pid), "0x%x" % (pg * PAGE)] +
                              (["7"] if write else []))
                    plan.die(pid)
                    continue
            write = r.random() < 0.45
            ok = sorted(pg for pg, prot in mapped.items() if ("w" if write else "r") in prot)
            if not ok:
                continue
            h = hot.setdefault(pid, r.sample(sorted(mapped), min(len(mapped), r.randint(2, 5))))
            h = [pg for pg in h if pg in ok] or ok
            pg = r.choice(h) if r.random() < 0.5 else r.choice(ok)
            if r.random() < p_touch:
                k = 1
                while k < 5 and pg + k in ok and r.random() < 0.6:
                    k += 1
                w = ["touch", str(pid), "0x%x" % (pg * PAGE), "%dp" % k, "w" if write else "r"]
                if write and r.random() < 0.6:
                    w.append(str(r.randint(1, 999)))
                ev.append(w)
            elif write:
                w = ["write", str(pid), "0x%x" % (pg * PAGE)]
                if r.random() < 0.8:
                    w.append(str(r.randint(1, 999)))
                ev.append(w)
            else:
                ev.append(["read", str(pid), "0x%x" % (pg * PAGE)])
        elif x < 0.6 + p_fork:
            if len(plan.alive) < max_procs:
                kind = "vfork" if r.random() < p_vfork else "fork"
                c = plan.vfork(pid) if kind == "vfork" else plan.fork(pid)
                hot.pop(c, None)
                ev.append([kind, str(pid), str(c)])
        elif x < 0.72 + p_fork:
            if len(plan.alive) > 1 or len(ev) > n_events - 3:
                plan.die(pid)
                ev.append(["exit", str(pid)] + ([str(r.randint(0, 255))] if r.random() < 0.3 else []))
        elif x < 0.78 + p_fork:
            zs = [z for z in sorted(plan.zombies) if plan.parent[z] in plan.actors()]
            if zs:
                z = r.choice(zs)
                plan.reap(z)
                ev.append(["wait", str(plan.parent[z]), str(z)])
        elif x < 0.92 + p_fork:
            if r.random() < 0.6:
                w, lo, k, prot = random_mmap(r, pid, p_shm, p_file, narrow)
                ev.append(w)
                mapped.update((pg, prot) for pg in range(lo, lo + k))
            else:
                base = r.choice(FILE_REGIONS) // PAGE
                lo = base + r.randint(0, FILE_REGION_PAGES - 2)
                k = r.randint(1, 4)
                ev.append(["munmap", str(pid), "0x%x" % (lo * PAGE), "%dp" % k])
                for pg in range(lo, lo + k):
                    mapped.pop(pg, None)
        elif x < 0.92 + p_fork + p_mprotect:
            if mapped:
                lo = r.choice(sorted(mapped))
                k = 1
                while k < 3 and lo + k in mapped and r.random() < 0.5:
                    k += 1
                prot = r.choice(["r--", "rw-", "rw-"])
                ev.append(["mprotect", str(pid), "0x%x" % (lo * PAGE), "%dp" % k, prot])
                mapped.update((pg, prot) for pg in range(lo, lo + k))
        elif x < 0.96 + p_fork + p_mprotect:
            if r.random() < p_prog:
                ev.append(["exec", str(pid), image(pid)])
                hot.pop(pid, None)
        else:
            if len(plan.alive) < max_procs and r.random() < 0.3:
                c = plan.spawn()
                hot.pop(c, None)
                if r.random() < p_prog:
                    ev.append(["spawn", str(c), image(c)])
                else:
                    ev.append(["spawn", str(c)])
    # a process that maps every file, to read back what the files hold
    if CHECKER not in plan.alive:
        ev.append(["spawn", str(CHECKER)])
        base = CHECK_BASE
        for name in sorted(FILES):
            ev.append(["mmap", str(CHECKER), "0x%x" % base, "%dp" % FILES[name], "r--", "shared",
                       "file=" + name])
            base += 0x100000
    return ev


def make_file_case(seed):
    for attempt in range(20):
        try:
            return make_file_case_try(seed, attempt)
        except TraceError:
            continue
    raise TraceError("case %d: no trace the model accepts" % seed)


def make_file_case_try(seed, attempt):
    """files f and g mapped private or shared, --fork cow, copy or sharept, replacement
    on or off, now and then --zero-page, --pt-frames, --fault-around N, --lazy-fork
    and --anon-vma"""
    r = random.Random(seed * 7919 + 31 + attempt * 1000003)
    replace = r.random() < 0.7
    policy = POLICIES[seed % len(POLICIES)] if replace else None
    frames = r.choice([1, 2, 3, 3, 4, 4, 5, 6, 8, 12])
    small = r.random() < 0.3
    swap = (r.choice([0, 1, 2, 3, 4, 6]) if small else 256) if replace else 0
    x = r.random()
    mode = "copy" if x < 0.2 else "sharept" if x < 0.55 else "cow"
    zero_page = r.random() < 0.2
    pt_frames = r.random() < 0.2
    around = r.choice([1, 1, 1, 2, 4, 8, 16, 1024])
    lazy = r.random() < 0.4  # inert under sharept
    anon_vma = lazy and r.random() < 0.5
    if pt_frames:
        frames += r.choice([4, 5, 6, 8, 10])
    flags = "--frames %d" % frames
    if replace:
        flags += " --swap %s" % ("%dp" % swap if small else "1M")
        if policy != "clock" or swap == 0 or r.random() < 0.7:
            flags += " --policy " + policy
        if policy == "random" or r.random() < 0.15:
            flags += " --seed %d" % r.choice([0, 1, 2, 42, r.getrandbits(64), MASK])
    if mode != "cow":
        flags += " --fork " + mode
    if zero_page:
        flags += " --zero-page"
    if pt_frames:
        flags += " --pt-frames"
    if around > 1:
        flags += " --fault-around %d" % around
    if lazy:
        flags += " --lazy-fork"
    if anon_vma:
        flags += " --anon-vma"
    n_events = r.choice([r.randint(12, 40), r.randint(35, 80)])
    narrow = r.random() < 0.3
    events = make_file_events(r, n_events, r.choice([2, 3, 5]), narrow)
    head = ["# proc-diff case %d (files): %s" % (seed, flags)]

    def step(m, words, out):
        if r.random() < 0.4:
            for name in r.sample(FILE_STEP_STATS, r.randint(1, 3)):
                out.append("expect stat %s == %d" % (name, m.stat(name)))
        if r.random() < 0.25 and words[0] in ("read", "write", "touch"):
            p = m.procs[num(words[1])]
            if p.state == "running":
                page = num(words[2]) // PAGE
                for field, v in m.page_fields(p, page):
                    if r.random() < 0.5:
                        out.append("expect page %d 0x%x %s == %s" % (p.pid, page * PAGE, field, v))
    return simulate(head, flags, events, step)


# ---- annotate and reduce ----------------------------------------------------------
def read_trace(path):
    flags, events = "", []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("# flags:"):
                flags = line[len("# flags:"):].strip()
            words = line.split("#", 1)[0].split()
            if words and words[0] not in ("expect", "show", "mark"):
                events.append(words)
    return flags, events


def vmsim_fails(vmsim, text):
    """runs the annotated trace; true when vmsim's run does not match it"""
    flags, want = "", "0"
    for line in text.splitlines():
        if line.startswith("# flags:"):
            flags = line[len("# flags:"):]
        if line.startswith("# exit:"):
            want = line[len("# exit:"):].strip()
    with tempfile.NamedTemporaryFile("w", suffix=".trace", delete=False) as f:
        f.write(text)
        name = f.name
    try:
        run = subprocess.run([vmsim, "run", "-q"] + flags.split() + [name],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    finally:
        os.unlink(name)
    return str(run.returncode) != want or b"expectation failed" in run.stderr


def reduce(vmsim, path):
    flags, events = read_trace(path)
    progs = [w for w in events if w[0] == "program"]
    events = [w for w in events if w[0] != "program"]

    def fails(evs):
        try:
            text = simulate(["# reduced"], flags, progs + evs, dense_expects)
        except TraceError:
            return False
        return vmsim_fails(vmsim, text)

    if not fails(events):
        sys.stderr.write("procsim.py: the trace does not fail\n")
        return 1
    changed = True
    while changed:
        changed = False
        for size in (8, 4, 2, 1):
            i = 0
            while i < len(events):
                cand = events[:i] + events[i + size:]
                if cand and fails(cand):
                    events = cand
                    changed = True
                else:
                    i += 1
    for i, w in enumerate(events):  # shorten touches and mmaps
        if w[0] in ("touch", "mmap") and num(w[3]) > PAGE:
            for k in range(1, num(w[3]) // PAGE):
                cand = events[:i] + [w[:3] + ["%dp" % k] + w[4:]] + events[i + 1:]
                if fails(cand):
                    events = cand
                    break
    sys.stdout.write("# flags: %s\n" % flags)
    for w in progs + events:
        sys.stdout.write(" ".join(w) + "\n")
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "gen":
        out, first, count = argv[2], int(argv[3]), int(argv[4])
        os.makedirs(out, exist_ok=True)
        for seed in range(first, first + count):
            with open(os.path.join(out, "case-%d.trace" % seed), "w") as f:
                f.write(make_case(seed))
        return 0
    if len(argv) == 3 and argv[1] == "annotate":
        flags, events = read_trace(argv[2])
        sys.stdout.write(simulate(["# annotated by procsim.py"], flags, events, dense_expects))
        return 0
    if len(argv) == 4 and argv[1] == "reduce":
        return reduce(argv[2], argv[3])
    sys.stderr.write("usage: procsim.py gen DIR FIRST COUNT | annotate TRACE | reduce VMSIM TRACE\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
