#!/usr/bin/env python3
"""forksim.py -- a reference model of several processes sharing memory
through fork and swap, for tests/fork_swap_diff.sh. It is written from
SPEC.md alone (sections 1-7, 9 and 10) and shares nothing with vmsim's code.

    forksim.py gen DIR FIRST COUNT     write DIR/case-SEED.trace, SEED = FIRST ..
    forksim.py annotate TRACE          print TRACE's events with this model's
                                       `expect` lines after every event and at the end
    forksim.py reduce VMSIM TRACE      drop event lines while vmsim still fails the
                                       annotated trace; print the smallest one found

The subset modelled (x86_64, 4 KiB pages, no files):
- events `spawn PID` (an empty address space), `fork` (--fork cow or copy),
  `exit`, `wait PID CHILD`, `mmap PID ADDR LEN PROT private|shared`
  (anonymous; shared: a shared-memory object), `munmap`, `mprotect`,
  `read`, `write` (with or without a value), `touch ... r|w [V]`;
- --frames C, --swap N (slots; sometimes 0 or so few that swap runs out,
  then the OOM killer of section 6: the running process with the largest
  rss, ties to the highest pid, pid 1 last; a killed actor stops what it
  was doing), --policy fifo|lru|clock|opt|random (or none: clock), --seed,
  --zero-page, --pt-frames (roots and tables from the pool, taken top down
  before the page's frame; a fork counts the frames it needs and fails
  without them; an eviction that empties a table frees it, except on the
  path of the page being accessed);
- lost processes (killed, or the child of a failed or skipped fork): their
  events are skipped; wait may reap a killed one;
- per entry: frame or slot, writable, accessed, dirty bits; per frame:
  value, loaded, used, the slot whose valid copy it holds, the object page
  it caches; per slot: value (its count is worked out: the entries and
  objects naming it + 1 for a frame holding its copy; a slot goes when the
  count falls to 0);
- the stamps T, clock's hand and every mapper's accessed bit, opt's mappers
  (pid, page) over the accesses as written, splitmix64 for random;
- swap-in: from the swap cache or read into a new frame; writable only when
  the frame's refcount is 1 and the slot's count is 1; a write then resolves
  as a cow fault inside the same swap_in fault; a shared-memory page goes to
  swap with its entries cleared and comes back by a swap_in into a new
  page-cache frame;
- copy fork: new frames for present anonymous entries (a fill each, T + 1),
  failing when free frames are fewer than needed (a fork never evicts);
- pt_pages per process (the root + the tables of the entries in use).
Not modelled: files, vfork, exec, brk, sharept, --lazy-fork, the TLB,
section 13, other archs, `wait PID` without a child.
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
REGIONS = [0x100000, 0x200000]  # two leaf tables apart (x86_64: a leaf covers 2 MiB)
REGION_PAGES = 10


class TraceError(Exception):
    """the trace is one vmsim would refuse, or one outside the model"""


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
        self.owner = None  # (Obj, page) for a page-cache frame of a shared object
        self.value = value
        self.loaded = t
        self.used = t
        self.copy = None  # the slot whose valid copy this frame holds


class PTFrame:
    """a page-table page in the pool (--pt-frames): never a candidate, never a fill"""
    copy = None


class Entry:
    def __init__(self, frame=None, slot=None, w=False, a=False, d=False):
        self.frame = frame
        self.slot = slot
        self.w = w
        self.a = a
        self.d = d


class Proc:
    def __init__(self, pid, ppid):
        self.pid = pid
        self.ppid = ppid
        self.state = "running"
        self.status = None
        self.lost = False
        self.vmas = []  # sorted (start, end, prot, share) in page numbers; prot like "rw-";
        # share: None (private anonymous) or (Obj, the object's page at start)
        self.pt = {}  # page number -> Entry (frame: a number or ZERO)
        self.root = None  # with --pt-frames: the root's frame
        self.tables = {}  # with --pt-frames: (level, index) -> frame

    def vma(self, page):
        v = self.vma_full(page)
        return v[2] if v else None

    def vma_full(self, page):
        for v in self.vmas:
            if v[0] <= page < v[1]:
                return v
        return None

    def obj_page(self, page):
        """(object, its page) of a page of a shared VMA, else None"""
        v = self.vma_full(page)
        if v is None or v[3] is None:
            return None
        return v[3][0], v[3][1] + page - v[0]

    def mapped(self, page):
        return self.vma(page) is not None


def table_keys(page):
    """the non-root tables on a page's path, top down (x86_64: 9 bits a level)"""
    return [(1, page >> 27), (2, page >> 18), (3, page >> 9)]


def split(vmas, lo, hi):
    """the VMAs split at lo and hi: (those outside [lo, hi), those inside)"""
    out, inside = [], []
    def piece(v, a, b):
        share = None if v[3] is None else (v[3][0], v[3][1] + a - v[0])
        return (a, b, v[2], share)
    for v in vmas:
        s, e = v[0], v[1]
        if e <= lo or s >= hi:
            out.append(v)
            continue
        if s < lo:
            out.append(piece(v, s, lo))
        if e > hi:
            out.append(piece(v, hi, e))
        inside.append(piece(v, max(s, lo), min(e, hi)))
    return sorted(out, key=lambda v: v[0]), inside


class Obj:
    """a shared anonymous memory object: its pages in frames or in slots"""
    def __init__(self):
        self.frame = {}  # page -> frame
        self.slot = {}  # page -> slot


def parse_prot(word):
    letters = word.replace("-", "")
    if len(set(letters)) != len(letters) or set(letters) - set("rwx"):
        raise TraceError("bad prot " + word)
    return "".join(ch if ch in letters else "-" for ch in "rwx")


class Killed(Exception):
    """the actor was killed: what it was doing stops"""


class Model:
    def __init__(self, nframes, nslots, policy, seed, fork_mode, accesses, zero_page=False,
                 pt_frames=False):
        self.zero_page = zero_page
        self.pt_frames = pt_frames
        self.keep = None  # (process, page) whose path's tables an eviction leaves
        self.n = nframes
        self.nslots = nslots
        self.policy = policy
        self.rng = Splitmix64(seed)
        self.fork_mode = fork_mode
        self.accesses = accesses  # (pid, page) of every access of the trace, as written
        self.cur = -1
        self.frames = [None] * nframes
        self.slots = {}
        self.t = 0
        self.hand = 0
        self.procs = {}
        self.c = dict.fromkeys((
            "accesses.reads", "accesses.writes", "accesses.hits", "accesses.misses",
            "faults.demand_zero", "faults.zero_page", "faults.file", "faults.cow_copy", "faults.cow_reuse", "faults.segv",
            "faults.swap_in", "memory.pages_copied", "memory.ptes_copied",
            "memory.evictions", "memory.evictions_dirty", "memory.swap_writes",
            "memory.swap_reads", "memory.swap_peak", "memory.frames_peak",
            "memory.pt_pages_peak", "memory.cache_loads", "processes.created", "processes.peak_live",
            "processes.killed_segv", "processes.killed_oom", "processes.fork_failed",
            "processes.reaped", "events.skipped", "events.total"), 0)

    # ---- derived numbers ------------------------------------------------
    def running(self):
        return [p for p in sorted(self.procs.values(), key=lambda p: p.pid) if p.state == "running"]

    def entries(self):
        for p in self.running():
            for page in sorted(p.pt):
                yield p, page, p.pt[page]

    def refcount(self, f):
        n = sum(1 for _, _, e in self.entries() if e.frame == f)
        return n + (1 if f != ZERO and self.frames[f].owner is not None else 0)

    def objects(self):
        """the live objects: those a VMA of a running process maps"""
        out = []
        for p in self.running():
            for v in p.vmas:
                if v[3] is not None and all(v[3][0] is not o for o in out):
                    out.append(v[3][0])
        return out

    def obj_gc(self, dead):
        """the objects of `dead` VMAs that no VMA maps any more go, with their pages"""
        live = self.objects()
        for v in dead:
            o = v[3][0] if v[3] is not None else None
            if o is None or any(o is x for x in live):
                continue
            for f in o.frame.values():
                self.frames[f] = None
            o.frame, o.slot = {}, {}
        self.gc_slots()

    def mappers(self, f):
        return len({p.pid for p, _, e in self.entries() if e.frame == f})

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

    def rss(self, p):
        return sum(1 for e in p.pt.values() if e.frame is not None and e.frame != ZERO)

    def pt_pages(self, p):
        if p.state != "running":
            return 0
        pages = list(p.pt)
        return 1 + sum(len({pg >> sh for pg in pages}) for sh in (27, 18, 9))

    def stat(self, name):
        if name in self.c:
            return self.c[name]
        run = self.running()
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
            return sum(self.pt_pages(p) for p in run)
        if name == "processes.live":
            return len(run)
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
        c["processes.peak_live"] = max(c["processes.peak_live"], len(self.running()))

    # ---- finding a frame ------------------------------------------------
    def candidates(self, pinned):
        slot_free = len(self.slots) < self.nslots
        return [f for f in range(self.n) if isinstance(self.frames[f], Frame) and f not in pinned
                and (self.frames[f].copy is not None or slot_free)]

    def next_use(self, f):
        who = {(p.pid, page) for p, page, e in self.entries() if e.frame == f}
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
        if fr.copy is None:
            s = self.new_slot(fr.value)
            self.c["memory.swap_writes"] += 1
            self.c["memory.evictions_dirty"] += 1
        else:
            s = fr.copy
        if fr.owner is not None:  # a shared-memory page: entries cleared, the object names the slot
            for p, page, e in list(self.entries()):
                if e.frame == f:
                    del p.pt[page]
            o, idx = fr.owner
            del o.frame[idx]
            o.slot[idx] = s
        for _, _, e in list(self.entries()):
            if e.frame == f:
                e.frame, e.slot, e.w, e.a, e.d = None, s, False, False, False
        self.frames[f] = None
        self.gc_slots()
        for p in self.running():
            self.sync_tables(p)

    def oom_victim(self):
        run = self.running()
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
            cands = self.candidates(pinned)
            if cands:
                self.evict(self.choose(cands))
                continue
            victim = self.oom_victim()
            if victim is None:
                raise TraceError("out of memory with nothing to kill: the run stops")
            self.kill(victim, 137, "processes.killed_oom")
            if victim == actor:
                raise Killed()

    def fill(self, f, value):
        self.t += 1
        self.frames[f] = Frame(value, self.t)
        return self.frames[f]

    # ---- processes --------------------------------------------------------
    def drop_entry(self, p, page):
        e = p.pt.pop(page)
        if e.frame is not None:
            self.free_if_unused(e.frame)
        self.gc_slots()
        self.sync_tables(p)

    def sync_tables(self, p):
        """frees the tables (--pt-frames) with no entry in use under them"""
        need = set()
        for pg in p.pt:
            need.update(table_keys(pg))
        if self.keep is not None and self.keep[0] is p:
            need.update(table_keys(self.keep[1]))
        for key in list(p.tables):
            if key not in need:
                self.frames[p.tables.pop(key)] = None

    def teardown(self, p):
        for page in sorted(p.pt):
            self.drop_entry(p, page)
        for key in list(p.tables):  # all of them, the current page's path too
            self.frames[p.tables.pop(key)] = None
        dead, p.vmas = p.vmas, []
        self.obj_gc(dead)
        if p.root is not None:
            self.frames[p.root] = None
            p.root = None

    def take_tables(self, p, page):
        """a page's missing tables, top down (--pt-frames); may evict or kill"""
        if not self.pt_frames:
            return
        for key in table_keys(page):
            if key not in p.tables:
                f = self.get_frame(p.pid)
                self.frames[f] = PTFrame()
                p.tables[key] = f

    def reap(self, p):
        p.state = "gone"
        self.c["processes.reaped"] += 1

    def die(self, p, status):
        self.teardown(p)
        p.state = "zombie"
        p.status = status
        for q in sorted(self.procs.values(), key=lambda q: q.pid):
            if q.ppid == p.pid and q.state == "zombie":
                self.reap(q)
        one = self.procs.get(1)
        for q in sorted(self.procs.values(), key=lambda q: q.pid):
            if q.ppid == p.pid and q.state == "running":
                q.ppid = 1 if (one is not None and one.state == "running") else 0
        if p.ppid == 0:
            self.reap(p)

    def kill(self, pid, status, counter):
        p = self.procs[pid]
        p.lost = True
        self.c[counter] += 1
        self.die(p, status)

    # ---- accesses ---------------------------------------------------------
    def cow(self, p, page, e):
        """a write to a read-only entry of the (writable, private) VMA"""
        f = e.frame
        if f != ZERO and self.refcount(f) == 1:
            e.w = True
            return "cow_reuse"
        nf = self.get_frame(p.pid, pinned={f})
        self.fill(nf, 0 if f == ZERO else self.frames[f].value)
        e.frame = nf
        e.w = True
        self.c["memory.pages_copied"] += 1
        self.free_if_unused(f)
        return "cow_copy"

    def access(self, p, page, write, value):
        self.t += 1
        self.c["accesses.writes" if write else "accesses.reads"] += 1
        prot = p.vma(page)
        if prot is None or ("w" if write else "r") not in prot:
            self.c["faults.segv"] += 1
            self.kill(p.pid, 139, "processes.killed_segv")
            raise Killed()
        e = p.pt.get(page)
        cls = None
        if e is None:
            self.take_tables(p, page)
        shm = p.obj_page(page)
        if e is None and shm is not None:
            o, idx = shm
            if idx in o.frame:
                f = o.frame[idx]
                cls = "file"
            elif idx in o.slot:
                s = o.slot[idx]
                f = self.get_frame(p.pid)
                fr = self.fill(f, self.slots[s])
                fr.copy, fr.owner = s, shm
                del o.slot[idx]
                o.frame[idx] = f
                self.c["memory.swap_reads"] += 1
                cls = "swap_in"
            else:
                f = self.get_frame(p.pid)
                self.fill(f, 0).owner = shm
                o.frame[idx] = f
                self.c["memory.cache_loads"] += 1
                cls = "file"
            e = p.pt[page] = Entry(frame=f, w="w" in prot)
        elif e is None and self.zero_page and not write:
            e = p.pt[page] = Entry(frame=ZERO, w=False)
            cls = "zero_page"
        elif e is None:
            f = self.get_frame(p.pid)
            self.fill(f, 0)
            e = p.pt[page] = Entry(frame=f, w="w" in prot)
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
            raise TraceError("process %d is a %s" % (pid, p.state))
        return p

    def new_pid(self, pid):
        q = self.procs.get(pid)
        if q is not None and q.state != "gone":
            raise TraceError("pid %d in use" % pid)
        if not 1 <= pid <= 2147483647:
            raise TraceError("bad pid")

    def unmap(self, p, lo, hi):
        for page in sorted(p.pt):
            if lo <= page < hi:
                self.drop_entry(p, page)
        p.vmas, dead = split(p.vmas, lo, hi)
        self.obj_gc(dead)

    def mprotect(self, p, lo, hi, prot):
        if any(not p.mapped(pg) for pg in range(lo, hi)):
            raise TraceError("mprotect of unmapped pages")
        keep, inside = split(p.vmas, lo, hi)
        p.vmas = sorted(keep + [(v[0], v[1], prot, v[3]) for v in inside], key=lambda v: v[0])
        for page, e in p.pt.items():
            if lo <= page < hi and e.frame is not None:
                if "w" not in prot:
                    e.w = False
                elif p.obj_page(page) is not None:
                    e.w = True

    def event(self, words, lineno, first_access):
        """runs one event line; first_access: its accesses' index in the trace"""
        self.c["events.total"] += 1
        kind = words[0]
        try:
            if kind == "spawn":
                if len(words) != 2:
                    raise TraceError("spawn with a program is outside the model")
                pid = num(words[1])
                self.new_pid(pid)
                root = None
                if self.pt_frames:
                    root = self.get_frame(None)
                    self.frames[root] = PTFrame()
                self.procs[pid] = Proc(pid, 0)
                self.procs[pid].root = root
                self.c["processes.created"] += 1
            elif kind == "fork":
                ppid, cpid = num(words[1]), num(words[2])
                if ppid == cpid:
                    raise TraceError("fork of itself")
                self.new_pid(cpid)
                p = self.actor(ppid)
                if p is None:
                    lost = Proc(cpid, 0)
                    lost.state, lost.lost = "gone", True
                    self.procs[cpid] = lost
                    return
                self.fork(p, cpid)
            elif kind == "exit":
                p = self.actor(num(words[1]))
                if p is not None:
                    self.die(p, num(words[2]) if len(words) > 2 else 0)
            elif kind == "wait":
                if len(words) != 3:
                    raise TraceError("wait without a child is outside the model")
                p = self.actor(num(words[1]))
                if p is None:
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
            elif kind in ("mmap", "munmap", "mprotect"):
                pid, addr, ln = num(words[1]), num(words[2]), num(words[3])
                if addr % PAGE or ln == 0:
                    raise TraceError("bad range")
                if kind == "mmap" and (len(words) != 6 or words[5] not in ("private", "shared")):
                    raise TraceError("only anonymous mmap is modelled")
                prot = parse_prot(words[4]) if kind != "munmap" else None
                lo, hi = addr // PAGE, (addr + ln + PAGE - 1) // PAGE
                if hi > (1 << 35):
                    raise TraceError("range above user_top")
                p = self.actor(pid)
                if p is None:
                    return
                if kind == "mprotect":
                    self.mprotect(p, lo, hi, prot)
                    return
                self.unmap(p, lo, hi)
                if kind == "mmap":
                    share = (Obj(), 0) if words[5] == "shared" else None
                    p.vmas = sorted(p.vmas + [(lo, hi, prot, share)], key=lambda v: v[0])
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
                try:
                    for i, page in enumerate(pages):
                        self.cur = first_access + i
                        self.keep = (p, page)
                        try:
                            self.access(p, page, write, value)
                        finally:
                            self.keep = None
                            if p.state == "running":
                                self.sync_tables(p)
                except Killed:
                    pass
            else:
                raise TraceError("event %s is outside the model" % kind)
        finally:
            self.event_done()

    def fork(self, p, cpid):
        need = 0
        if self.fork_mode == "copy":
            need = sum(1 for e in p.pt.values() if e.frame is not None and e.frame != ZERO
                       and self.frames[e.frame].owner is None)
        if self.pt_frames:
            need += 1 + len({k for pg in p.pt for k in table_keys(pg)})
        if need:
            free = sum(1 for fr in self.frames if fr is None)
            if free < need:
                self.c["processes.fork_failed"] += 1
                lost = Proc(cpid, 0)
                lost.state, lost.lost = "gone", True
                self.procs[cpid] = lost
                return
        c = Proc(cpid, p.pid)
        c.vmas = list(p.vmas)
        if self.pt_frames:
            c.root = self.frames.index(None)
            self.frames[c.root] = PTFrame()
        for page in sorted(p.pt):
            e = p.pt[page]
            if self.pt_frames:
                for key in table_keys(page):
                    if key not in c.tables:
                        c.tables[key] = self.frames.index(None)
                        self.frames[c.tables[key]] = PTFrame()
            if e.slot is not None:
                c.pt[page] = Entry(slot=e.slot)
            elif p.obj_page(page) is not None:
                c.pt[page] = Entry(frame=e.frame, w=e.w, a=e.a, d=e.d)
            elif self.fork_mode == "copy" and e.frame != ZERO:
                nf = self.frames.index(None)
                self.fill(nf, self.frames[e.frame].value)
                self.c["memory.pages_copied"] += 1
                c.pt[page] = Entry(frame=nf, w="w" in p.vma(page), a=e.a, d=e.d)
            else:
                e.w = False  # private: a writable entry becomes cow
                c.pt[page] = Entry(frame=e.frame, w=False, a=e.a, d=e.d)
            self.c["memory.ptes_copied"] += 1
        self.procs[cpid] = c
        self.c["processes.created"] += 1

    # ---- queries ------------------------------------------------------------
    def page_fields(self, p, page):
        """the (field, value) pairs of `expect page` for a running process"""
        if not p.mapped(page):
            return [("mapped", "0"), ("value", "none")]
        e = p.pt.get(page)
        out = [("mapped", "1")]
        if e is None:
            value = 0
            shm = p.obj_page(page)
            if shm is not None and shm[1] in shm[0].frame:
                value = self.frames[shm[0].frame[shm[1]]].value
            elif shm is not None and shm[1] in shm[0].slot:
                value = self.slots[shm[0].slot[shm[1]]]
            return out + [("present", "0"), ("swapped", "0"), ("slot", "none"), ("frame", "none"),
                          ("kind", "none"), ("refcount", "none"), ("value", str(value))]
        if e.slot is not None:
            return out + [("present", "0"), ("swapped", "1"), ("slot", str(e.slot)),
                          ("frame", "none"), ("kind", "swap"), ("writable", "0"), ("cow", "0"),
                          ("dirty", "0"), ("refcount", "none"), ("mappers", "none"),
                          ("value", str(self.slots[e.slot]))]
        f = e.frame
        cow = not e.w and "w" in p.vma(page) and p.obj_page(page) is None
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
        if p.state == "zombie":
            return out + [("exit_status", str(p.status)), ("rss", "0"), ("swap", "0"), ("vmas", "0")]
        frames = {}
        for e in p.pt.values():
            if e.frame is not None and e.frame != ZERO:
                frames[e.frame] = self.mappers(e.frame)
        uss = sum(1 for m in frames.values() if m == 1)
        pss = sum(1.0 / m for m in frames.values())
        return out + [("rss", str(self.rss(p))), ("uss", str(uss)), ("pss", "%.3f" % pss),
                      ("swap", str(sum(1 for e in p.pt.values() if e.slot is not None))),
                      ("vmas", str(len(p.vmas))), ("pt_pages", str(self.pt_pages(p)))]


FINAL_STATS = [
    "accesses.reads", "accesses.writes", "accesses.hits", "accesses.misses",
    "faults.total", "faults.demand_zero", "faults.zero_page", "faults.file", "faults.cow_copy", "faults.cow_reuse", "faults.segv",
    "faults.swap_in", "memory.frames_used", "memory.frames_peak", "memory.anon",
    "memory.pt", "memory.cache", "memory.cache_loads", "memory.pages_copied", "memory.ptes_copied", "memory.pt_pages", "memory.pt_pages_peak",
    "memory.evictions", "memory.evictions_dirty", "memory.swap_writes", "memory.swap_reads",
    "memory.swap_used", "memory.swap_peak", "processes.created", "processes.live",
    "processes.zombies", "processes.peak_live", "processes.killed_segv", "processes.killed_oom",
    "processes.fork_failed", "processes.reaped", "events.skipped"]
STEP_STATS = ["accesses.misses", "accesses.hits", "memory.evictions", "memory.swap_writes",
              "memory.swap_reads", "memory.swap_used", "memory.frames_used",
              "processes.killed_oom", "memory.pages_copied", "faults.cow_reuse"]


def parse_flags(flags):
    w = flags.split()
    o = {"frames": 16384, "swap": 0, "policy": None, "seed": 1, "fork": "cow", "zero_page": False,
         "pt_frames": False}
    i = 0
    while i < len(w):
        k = w[i]
        if k in ("--check", "-v"):
            i += 1
            continue
        if k in ("--zero-page", "--pt-frames"):
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
        else:
            raise TraceError("flag %s outside the model" % k)
        i += 2
    if o["swap"] == 0 and o["policy"] is None:
        raise TraceError("replacement off is outside the model")
    if o["fork"] not in ("cow", "copy"):
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


def simulate(head, flags, events, step_expects):
    """the trace: head comment lines, the events with expect lines.
    step_expects(model, words, out) may add expect lines after an event."""
    o = parse_flags(flags)
    accesses, firsts = access_list(events)
    m = Model(o["frames"], o["swap"], o["policy"] or "clock", o["seed"], o["fork"], accesses,
              o["zero_page"], o["pt_frames"])
    out = list(head) + ["# flags: " + flags]
    for words, first in zip(events, firsts):
        out.append(" ".join(words))
        m.event(words, len(out), first)
        step_expects(m, words, out)
    for pid in sorted(m.procs):
        for field, v in m.proc_fields(pid):
            out.append("expect proc %d %s == %s" % (pid, field, v))
        p = m.procs[pid]
        if p.state == "running":
            pages = set()
            for s, e, _, _ in p.vmas:
                pages.update(range(s, e))
            pages.update(p.pt)
            for r in REGIONS:  # and the rest of the regions the traces use
                pages.update(range(r // PAGE, r // PAGE + 2))
            for page in sorted(pages):
                for field, v in m.page_fields(p, page):
                    out.append("expect page %d 0x%x %s == %s" % (pid, page * PAGE, field, v))
    for name in FINAL_STATS:
        out.append("expect stat %s == %d" % (name, m.stat(name)))
    return "\n".join(out) + "\n"


def dense_expects(m, words, out):
    for name in STEP_STATS:
        out.append("expect stat %s == %d" % (name, m.stat(name)))


# ---- the generator ----------------------------------------------------------
class Plan:
    """the process tree and VMAs as the trace's events set them, whatever
    memory does (kills only make later events of a process skipped)"""

    def __init__(self):
        self.alive = {}  # pid -> {mapped page: prot}
        self.parent = {}
        self.zombies = set()
        self.next_pid = 1

    def spawn(self):
        pid = self.next_pid
        self.next_pid += 1
        self.alive[pid] = {}
        self.parent[pid] = 0
        return pid

    def fork(self, pid):
        c = self.next_pid
        self.next_pid += 1
        self.alive[c] = dict(self.alive[pid])
        self.parent[c] = pid
        return c

    def die(self, pid):
        del self.alive[pid]
        for z in list(self.zombies):
            if self.parent[z] == pid:
                self.zombies.discard(z)
        for q in self.alive:
            if self.parent[q] == pid:
                self.parent[q] = 1 if 1 in self.alive else 0
        if self.parent[pid] != 0:
            self.zombies.add(pid)


def make_events(r, n_events, max_procs):
    plan = Plan()
    ev = []
    pid = plan.spawn()
    ev.append(["spawn", str(pid)])
    npages = r.randint(3, REGION_PAGES)
    ev.append(["mmap", str(pid), "0x%x" % REGIONS[0], "%dp" % npages, "rw-", "private"])
    plan.alive[pid].update((pg, "rw-") for pg in range(REGIONS[0] // PAGE, REGIONS[0] // PAGE + npages))
    hot = {}
    p_mprotect = r.choice([0, 0.03, 0.06])
    p_fork = r.choice([0.08, 0.13, 0.2])
    p_touch = r.choice([0.05, 0.15, 0.3])
    p_shm = r.choice([0, 0, 0.3, 0.6])
    if p_shm and r.random() < 0.6:  # a shared mapping before the forks
        base = REGIONS[1] // PAGE + r.randint(0, 3)
        k = r.randint(1, 4)
        ev.append(["mmap", str(pid), "0x%x" % (base * PAGE), "%dp" % k, "rw-", "shared"])
        plan.alive[pid].update((pg, "rw-") for pg in range(base, base + k))
    while len(ev) < n_events:
        if not plan.alive:
            pid = plan.spawn()
            ev.append(["spawn", str(pid)])
            continue
        pids = sorted(plan.alive)
        pid = r.choice(pids)
        mapped = plan.alive[pid]
        x = r.random()
        if x < 0.6:
            if not mapped:
                base = r.choice(REGIONS) // PAGE
                mapped.update((pg, "rw-") for pg in range(base, base + 4))
                ev.append(["mmap", str(pid), "0x%x" % (base * PAGE), "4p", "rw-", "private"])
                continue
            if r.random() < 0.015:  # a segv: a page no VMA holds, or a write to a read-only one
                bad = [(pg, False) for pg in range(REGIONS[0] // PAGE, REGIONS[0] // PAGE + REGION_PAGES)
                       if pg not in mapped] + [(pg, True) for pg in mapped if mapped[pg] != "rw-"]
                if bad:
                    pg, write = r.choice(bad)
                    ev.append(["write" if write else "read", str(pid), "0x%x" % (pg * PAGE)] +
                              (["7"] if write else []))
                    plan.die(pid)
                    continue
            write = r.random() < 0.5
            ok = sorted(pg for pg, prot in mapped.items() if ("w" if write else "r") in prot)
            if not ok:
                continue
            h = hot.setdefault(pid, r.sample(sorted(mapped), min(len(mapped), r.randint(2, 4))))
            h = [pg for pg in h if pg in ok] or ok
            pg = r.choice(h) if r.random() < 0.6 else r.choice(ok)
            if r.random() < p_touch:
                k = 1
                while k < 4 and pg + k in ok and r.random() < 0.6:
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
                c = plan.fork(pid)
                ev.append(["fork", str(pid), str(c)])
        elif x < 0.75 + p_fork:
            if len(plan.alive) > 1 or len(ev) > n_events - 3:
                plan.die(pid)
                ev.append(["exit", str(pid)] + ([str(r.randint(0, 255))] if r.random() < 0.3 else []))
        elif x < 0.82 + p_fork:
            zs = [z for z in sorted(plan.zombies) if plan.parent[z] in plan.alive]
            if zs:
                z = r.choice(zs)
                plan.zombies.discard(z)
                ev.append(["wait", str(plan.parent[z]), str(z)])
        elif x < 0.9 + p_fork:
            base = r.choice(REGIONS) // PAGE
            lo = base + r.randint(0, REGION_PAGES - 2)
            k = r.randint(1, 3)
            if r.random() < 0.5:
                prot = "rw-" if r.random() < 0.85 else "r--"
                ev.append(["mmap", str(pid), "0x%x" % (lo * PAGE), "%dp" % k, prot,
                           "shared" if r.random() < p_shm else "private"])
                mapped.update((pg, prot) for pg in range(lo, lo + k))
            else:
                ev.append(["munmap", str(pid), "0x%x" % (lo * PAGE), "%dp" % k])
                for pg in range(lo, lo + k):
                    mapped.pop(pg, None)
        elif x < 0.9 + p_fork + p_mprotect:
            if mapped:
                lo = r.choice(sorted(mapped))
                k = 1
                while k < 3 and lo + k in mapped and r.random() < 0.5:
                    k += 1
                prot = r.choice(["r--", "rw-", "rw-", "---"])
                ev.append(["mprotect", str(pid), "0x%x" % (lo * PAGE), "%dp" % k, prot])
                mapped.update((pg, prot) for pg in range(lo, lo + k))
        else:
            if len(plan.alive) < max_procs and r.random() < 0.3:
                ev.append(["spawn", str(plan.spawn())])
    return ev


def make_case(seed):
    r = random.Random(seed * 7919 + 17)
    policy = POLICIES[seed % len(POLICIES)]
    frames = r.choice([1, 2, 2, 3, 3, 4, 4, 5, 6, 8])
    small = r.random() < 0.35
    swap = r.choice([0, 1, 2, 3, 4, 6, 8]) if small else 256
    mode = "copy" if r.random() < 0.3 else "cow"
    zero_page = r.random() < 0.25
    pt_frames = r.random() < 0.3
    if pt_frames:
        frames += r.choice([4, 5, 6, 8, 10])
    flags = "--frames %d --swap %s" % (frames, "%dp" % swap if small else "1M")
    if policy != "clock" or swap == 0 or r.random() < 0.7:
        flags += " --policy " + policy
    if policy == "random" or r.random() < 0.15:
        flags += " --seed %d" % r.choice([0, 1, 2, 42, r.getrandbits(64), MASK])
    if mode == "copy":
        flags += " --fork copy"
    if zero_page:
        flags += " --zero-page"
    if pt_frames:
        flags += " --pt-frames"
    n_events = r.choice([r.randint(12, 45), r.randint(40, 90)])
    events = make_events(r, n_events, r.choice([3, 5, 7]))
    head = ["# fork-swap-diff case %d: %s, %s fork, %d frames, %s slots%s, %d events" %
            (seed, policy, mode, frames, swap, (", zero page" if zero_page else "") + (", pt frames" if pt_frames else ""), len(events))]

    def step(m, words, out):
        if r.random() < 0.4:
            for name in r.sample(STEP_STATS, r.randint(1, 3)):
                out.append("expect stat %s == %d" % (name, m.stat(name)))
        if r.random() < 0.2 and words[0] in ("read", "write", "touch"):
            p = m.procs[num(words[1])]
            if p.state == "running":
                page = num(words[2]) // PAGE
                for field, v in m.page_fields(p, page):
                    if r.random() < 0.5:
                        out.append("expect page %d 0x%x %s == %s" % (p.pid, page * PAGE, field, v))
                out.append("expect proc %d swap == %s" % (p.pid, dict(m.proc_fields(p.pid))["swap"]))
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
    flags = ""
    for line in text.splitlines():
        if line.startswith("# flags:"):
            flags = line[len("# flags:"):]
    with tempfile.NamedTemporaryFile("w", suffix=".trace", delete=False) as f:
        f.write(text)
        name = f.name
    try:
        rc = subprocess.run([vmsim, "run", "-q"] + flags.split() + [name],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    finally:
        os.unlink(name)
    return rc != 0


def reduce(vmsim, path):
    flags, events = read_trace(path)

    def fails(evs):
        try:
            text = simulate(["# reduced"], flags, evs, dense_expects)
        except TraceError:
            return False
        return vmsim_fails(vmsim, text)

    if not fails(events):
        sys.stderr.write("forksim.py: the trace does not fail\n")
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
    # shorten touches and drop write values
    for i, w in enumerate(events):
        if w[0] == "touch" and num(w[3]) > PAGE:
            for k in range(1, num(w[3]) // PAGE):
                cand = events[:i] + [w[:3] + ["%dp" % k] + w[4:]] + events[i + 1:]
                if fails(cand):
                    events = cand
                    break
    sys.stdout.write("# flags: %s\n" % flags)
    for w in events:
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
        sys.stdout.write(simulate(["# annotated by forksim.py"], flags, events, dense_expects))
        return 0
    if len(argv) == 4 and argv[1] == "reduce":
        return reduce(argv[2], argv[3])
    sys.stderr.write("usage: forksim.py gen DIR FIRST COUNT | annotate TRACE | reduce VMSIM TRACE\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
