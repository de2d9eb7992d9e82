#!/usr/bin/env python3
"""filesim.py -- a reference model of the file side of vmsim's contract
(files, the page cache, private and shared file mappings, shared-memory
objects, reclaim, eviction with writeback, fault-around), for
tests/file_diff.sh. It is written from SPEC.md alone (sections 1-10 and 13)
and shares nothing with vmsim's code.

    filesim.py gen DIR FIRST COUNT     write DIR/case-SEED.trace, SEED = FIRST ..
    filesim.py annotate TRACE          print TRACE's events with this model's
                                       `expect` lines after every event and at the end
    filesim.py reduce VMSIM TRACE      drop event lines while vmsim still fails the
                                       annotated trace; print the smallest one found

The subset modelled (x86_64, 4 KiB pages):
- events `spawn PID [PROGRAM]` and `exec PID PROGRAM` (undeclared programs:
  text r-x private file=PROGRAM@0, data rw- private file=PROGRAM@4p, bss, stack),
  `fork` (--fork cow or copy), `exit`, `wait PID CHILD`, `mmap PID ADDR LEN PROT private|shared
  [file=NAME[@OFFSET]]`, `munmap`, `mprotect`, `read`, `write`, `touch`;
- files: page i of file F holds 0 until written through a shared mapping;
  the page cache (one frame per file page, refcount = entries + 1); file
  faults (cache_loads), private file reads (read-only, cow in a writable
  VMA), private file writes (the cache page loaded and held, then copied:
  cow_copy, pages_copied), shared writes into the cache page (persisting
  into the file when it is dropped or evicted);
- shared anonymous memory objects (pages in the cache, never dropped; to swap
  like anonymous pages);
- when no frame is free: step 1 drops unmapped file pages in the order they
  entered the cache (cache_drops); step 2 (replacement on: --swap and/or
  --policy fifo|lru|clock|opt|random) evicts a victim: anonymous pages and
  shared-memory pages to swap, file pages cleared and dropped, written back
  when written since they were loaded (writebacks, evictions_dirty); step 3
  the OOM killer. Without replacement: step 1 then the OOM killer;
- the page being copied (cow source, the held cache page of a private file
  write) is neither dropped nor a victim;
- fork counts the frames it needs (copy mode, --pt-frames) against free and
  droppable frames, fails without them, and takes them by dropping;
- --fault-around N: a `file` read fault also maps the cached pages of its
  window (N pages aligned, cut to the VMA and the leaf table) with no
  entry, read-only unless shared and writable, accessed bit clear;
- --zero-page, --pt-frames, lost processes, the stamps, clock's hand, opt,
  random's splitmix64 (as in procsim.py).
Not modelled: vfork, declared programs, brk, sharept, --lazy-fork, the TLB,
other archs, `wait PID` without a child, --oom fail.
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
FILES = {"f": 8, "g": 6}  # the files the traces use and the pages they reach
PROGRAMS = ["f", "g", "p"]  # undeclared programs: text = file page 0-3, data = pages 4-5
CHECKER = 99  # the process that maps every file at the end of a generated trace
CHECK_BASE = 0x10000000


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
        self.owner = None  # the cache key ("f", name, page) or ("s", obj, page)
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


class Obj:
    """a shared anonymous memory object: its pages in swap (those in memory are in the cache)"""
    def __init__(self):
        self.slot = {}  # page -> slot


class Vma:
    def __init__(self, s, e, prot, share, back, off):
        self.s, self.e, self.prot, self.share, self.back, self.off = s, e, prot, share, back, off

    def piece(self, a, b):
        return Vma(a, b, self.prot, self.share, self.back, self.off + a - self.s)

    def key(self, page):
        """the page-cache key of a page of this VMA, or None (private anonymous)"""
        if self.back is None:
            return None
        if isinstance(self.back, Obj):
            return ("s", self.back, self.off + page - self.s)
        return ("f", self.back, self.off + page - self.s)


class Proc:
    def __init__(self, pid, ppid):
        self.pid = pid
        self.ppid = ppid
        self.state = "running"
        self.status = None
        self.lost = False
        self.vmas = []  # sorted Vma, in page numbers
        self.pt = {}  # page number -> Entry (frame: a number or ZERO)
        self.root = None  # with --pt-frames: the root's frame
        self.tables = {}  # with --pt-frames: (level, index) -> frame

    def vma(self, page):
        for v in self.vmas:
            if v.s <= page < v.e:
                return v
        return None


def image(name):
    """the VMAs of an undeclared program (text=4p data=2p bss=2p heap=0 stack=4p)"""
    top = 1 << 35  # user_top 2^47, in pages
    return [Vma(0x400, 0x404, "r-x", "private", name, 0),
            Vma(0x404, 0x406, "rw-", "private", name, 4),
            Vma(0x406, 0x408, "rw-", "private", None, 0),
            Vma(top - 4, top, "rw-", "private", None, 0)]


def image_pages():
    """the page -> prot of image()"""
    out = {}
    for v in image("x"):
        out.update((pg, v.prot) for pg in range(v.s, v.e))
    return out


def table_keys(page):
    """the non-root tables on a page's path, top down (x86_64: 9 bits a level)"""
    return [(1, page >> 27), (2, page >> 18), (3, page >> 9)]


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
        self.replace = o["swap"] > 0 or o["policy"] is not None
        self.around = o["fault_around"]
        self.keep = None  # (process, page) whose path's tables an eviction leaves
        self.n = o["frames"]
        self.nslots = o["swap"]
        self.policy = o["policy"] or "clock"
        self.rng = Splitmix64(o["seed"])
        self.fork_mode = o["fork"]
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
            "faults.demand_zero", "faults.zero_page", "faults.file", "faults.cow_copy",
            "faults.cow_reuse", "faults.segv", "faults.swap_in", "memory.pages_copied",
            "memory.ptes_copied", "memory.evictions", "memory.evictions_dirty",
            "memory.swap_writes", "memory.swap_reads", "memory.writebacks", "memory.swap_peak",
            "memory.frames_peak", "memory.pt_pages_peak", "memory.cache_loads",
            "memory.cache_drops", "processes.created", "processes.peak_live",
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

    def mappers(self, f):
        return len({p.pid for p, _, e in self.entries() if e.frame == f})

    def objects(self):
        """the live objects: those a VMA of a running process maps"""
        out = []
        for p in self.running():
            for v in p.vmas:
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
        if fr.owner is not None and fr.owner[0] == "f":  # a file page: cleared, written back if dirty
            dirty = fr.written
            for p, page, e in list(self.entries()):
                if e.frame == f:
                    dirty = dirty or e.d
                    del p.pt[page]
            if dirty:
                self.c["memory.writebacks"] += 1
                self.c["memory.evictions_dirty"] += 1
            self.files.setdefault(fr.owner[1], {})[fr.owner[2]] = fr.value
            del self.cache[fr.owner]
        else:
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
                _, o, idx = fr.owner
                del self.cache[fr.owner]
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
            drop = self.droppable(pinned)
            if drop:
                self.drop(drop[0])
                continue
            cands = self.candidates(pinned) if self.replace else []
            if cands:
                self.evict(self.choose(cands))
                continue
            victim = self.oom_victim()
            if victim is None:
                raise TraceError("out of memory with nothing to kill: the run stops")
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
        p.state = "dying"
        self.obj_gc(dead)
        if p.root is not None:
            self.frames[p.root] = None
            p.root = None

    def take_tables(self, p, page):
        """a page's missing tables, top down (--pt-frames); may reclaim, evict or kill"""
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
        if f != ZERO and self.frames[f].owner is None and self.refcount(f) == 1:
            e.w = True
            return "cow_reuse"
        nf = self.get_frame(p.pid, pinned={f})
        self.fill(nf, 0 if f == ZERO else self.frames[f].value)
        e.frame = nf
        e.w = True
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

    def fault_around(self, p, page, v):
        n = self.around
        lo, hi = page - page % n, page - page % n + n
        leaf = page - page % 512
        lo, hi = max(lo, v.s, leaf), min(hi, v.e, leaf + 512)
        for pg in range(lo, hi):
            if pg == page or pg in p.pt:
                continue
            key = v.key(pg)
            if key in self.cache:
                p.pt[pg] = Entry(frame=self.cache[key], w=v.share == "shared" and "w" in v.prot)

    def access(self, p, page, write, value):
        self.t += 1
        self.c["accesses.writes" if write else "accesses.reads"] += 1
        v = p.vma(page)
        if v is None or ("w" if write else "r") not in v.prot:
            self.c["faults.segv"] += 1
            self.kill(p.pid, 139, "processes.killed_segv")
            raise Killed()
        prot = v.prot
        e = p.pt.get(page)
        cls = None
        if e is None:
            self.take_tables(p, page)
        key = v.key(page)
        if e is None and key is not None and (v.share == "shared" or not write):
            f, cls = self.cache_get(p, key)
            e = p.pt[page] = Entry(frame=f, w=v.share == "shared" and "w" in prot)
            if cls == "file" and not write and self.around > 1:
                self.fault_around(p, page, v)
        elif e is None and key is not None:  # a private file write
            f, _ = self.cache_get(p, key)
            nf = self.get_frame(p.pid, pinned={f})
            self.fill(nf, self.frames[f].value)
            self.c["memory.pages_copied"] += 1
            e = p.pt[page] = Entry(frame=nf, w=True)
            cls = "cow_copy"
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
        if any(p.vma(pg) is None for pg in range(lo, hi)):
            raise TraceError("mprotect of unmapped pages")
        keep, inside = split(p.vmas, lo, hi)
        for v in inside:
            v.prot = prot
        p.vmas = sorted(keep + inside, key=lambda v: v.s)
        for page, e in p.pt.items():
            if lo <= page < hi and e.frame is not None:
                if "w" not in prot:
                    e.w = False
                elif p.vma(page).share == "shared":
                    e.w = True

    def lose(self, cpid):
        lost = Proc(cpid, 0)
        lost.state, lost.lost = "gone", True
        self.procs[cpid] = lost

    def event(self, words, lineno, first_access):
        """runs one event line; first_access: its accesses' index in the trace"""
        self.c["events.total"] += 1
        kind = words[0]
        try:
            if kind == "spawn":
                if len(words) not in (2, 3):
                    raise TraceError("bad spawn")
                pid = num(words[1])
                self.new_pid(pid)
                root = None
                if self.pt_frames:
                    root = self.get_frame(None)
                    self.frames[root] = PTFrame()
                self.procs[pid] = Proc(pid, 0)
                self.procs[pid].root = root
                if len(words) == 3:
                    self.procs[pid].vmas = image(words[2])
                self.c["processes.created"] += 1
            elif kind == "exec":
                if len(words) != 3:
                    raise TraceError("bad exec")
                p = self.actor(num(words[1]))
                if p is None:
                    return
                self.teardown(p)
                p.state = "running"
                if self.pt_frames:
                    p.root = self.get_frame(p.pid)
                    self.frames[p.root] = PTFrame()
                p.vmas = image(words[2])
            elif kind == "fork":
                ppid, cpid = num(words[1]), num(words[2])
                if ppid == cpid:
                    raise TraceError("fork of itself")
                self.new_pid(cpid)
                p = self.actor(ppid)
                if p is None:
                    self.lose(cpid)
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
                back, off = None, 0
                if kind == "mmap":
                    if len(words) not in (6, 7) or words[5] not in ("private", "shared"):
                        raise TraceError("bad mmap")
                    if len(words) == 7:
                        if not words[6].startswith("file="):
                            raise TraceError("bad mmap")
                        spec = words[6][5:]
                        name, _, offw = spec.partition("@")
                        offb = num(offw) if offw else 0
                        if offb % PAGE or not name:
                            raise TraceError("bad file offset")
                        back, off = name, offb // PAGE
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
                    if back is None and words[5] == "shared":
                        back = Obj()
                    p.vmas = sorted(p.vmas + [Vma(lo, hi, prot, words[5], back, off)],
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
            need = sum(1 for pg, e in p.pt.items() if e.frame is not None and e.frame != ZERO
                       and self.frames[e.frame].owner is None)
        if self.pt_frames:
            need += 1 + len({k for pg in p.pt for k in table_keys(pg)})
        if need:
            free = sum(1 for fr in self.frames if fr is None) + len(self.droppable())
            if free < need:
                self.c["processes.fork_failed"] += 1
                self.lose(cpid)
                return
        c = Proc(cpid, p.pid)
        c.vmas = [v.piece(v.s, v.e) for v in p.vmas]
        if self.pt_frames:
            c.root = self.fork_frame()
            self.frames[c.root] = PTFrame()
        for page in sorted(p.pt):
            e = p.pt[page]
            v = p.vma(page)
            if self.pt_frames:
                for key in table_keys(page):
                    if key not in c.tables:
                        c.tables[key] = self.fork_frame()
                        self.frames[c.tables[key]] = PTFrame()
            if e.slot is not None:
                c.pt[page] = Entry(slot=e.slot)
            elif v.share == "shared":
                c.pt[page] = Entry(frame=e.frame, w=e.w, a=e.a, d=e.d)
            elif (self.fork_mode == "copy" and e.frame != ZERO
                  and self.frames[e.frame].owner is None):
                nf = self.fork_frame()
                self.fill(nf, self.frames[e.frame].value)
                self.c["memory.pages_copied"] += 1
                c.pt[page] = Entry(frame=nf, w="w" in v.prot, a=e.a, d=e.d)
            else:
                e.w = False  # private: a writable entry becomes cow
                c.pt[page] = Entry(frame=e.frame, w=False, a=e.a, d=e.d)
            self.c["memory.ptes_copied"] += 1
        self.procs[cpid] = c
        self.c["processes.created"] += 1

    # ---- queries ------------------------------------------------------------
    def page_fields(self, p, page):
        """the (field, value) pairs of `expect page` for a running process"""
        v = p.vma(page)
        if v is None:
            return [("mapped", "0"), ("value", "none")]
        e = p.pt.get(page)
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
    "faults.total", "faults.demand_zero", "faults.zero_page", "faults.file", "faults.cow_copy",
    "faults.cow_reuse", "faults.segv", "faults.swap_in", "memory.frames_used",
    "memory.frames_peak", "memory.anon", "memory.pt", "memory.cache", "memory.cache_loads",
    "memory.cache_drops", "memory.pages_copied", "memory.ptes_copied", "memory.pt_pages",
    "memory.pt_pages_peak", "memory.evictions", "memory.evictions_dirty", "memory.swap_writes",
    "memory.swap_reads", "memory.writebacks", "memory.swap_used", "memory.swap_peak",
    "processes.created", "processes.live", "processes.zombies", "processes.peak_live",
    "processes.killed_segv", "processes.killed_oom", "processes.fork_failed",
    "processes.reaped", "events.skipped"]
STEP_STATS = ["accesses.misses", "accesses.hits", "faults.file", "faults.cow_copy",
              "memory.cache", "memory.cache_loads", "memory.cache_drops", "memory.evictions",
              "memory.evictions_dirty", "memory.writebacks", "memory.swap_used",
              "memory.frames_used", "processes.killed_oom", "memory.pages_copied"]


def parse_flags(flags):
    w = flags.split()
    o = {"frames": 16384, "swap": 0, "policy": None, "seed": 1, "fork": "cow", "zero_page": False,
         "pt_frames": False, "fault_around": 1}
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
        elif k == "--fault-around":
            o["fault_around"] = num(v)
        else:
            raise TraceError("flag %s outside the model" % k)
        i += 2
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


def simulate(head, flags, events, step_expects, all_pages=()):
    """the trace: head comment lines, the events with expect lines.
    step_expects(model, words, out) may add expect lines after an event."""
    o = parse_flags(flags)
    accesses, firsts = access_list(events)
    m = Model(o, accesses)
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
            pages = set(all_pages)
            for v in p.vmas:
                pages.update(range(v.s, v.e))
            pages.update(p.pt)
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
# regions: 0x100000 and 0x600000 anonymous (private, now and then shared), 0x200000,
# 0x208000 (one leaf table) and 0x1fc000 (across two leaf tables) file mappings
REGIONS = [0x100000, 0x200000, 0x208000, 0x600000, 0x1fc000]
REGION_PAGES = 8


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


def random_mmap(r, pid, p_shm, p_file, narrow=False):
    """an mmap event: (words, first page, pages, prot); narrow: few file pages, much shared"""
    x = r.random()
    if x < p_file:
        base = r.choice(REGIONS[1:3] + REGIONS[4:]) // PAGE
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
    base = r.choice([REGIONS[0], REGIONS[3]]) // PAGE
    lo = base + r.randint(0, REGION_PAGES - 3)
    k = r.randint(1, 4)
    prot = "rw-" if r.random() < 0.85 else "r--"
    share = "shared" if r.random() < p_shm else "private"
    return (["mmap", str(pid), "0x%x" % (lo * PAGE), "%dp" % k, prot, share], lo, k, prot)


def make_events(r, n_events, max_procs, narrow):
    plan = Plan()
    ev = []
    pid = plan.spawn()
    p_prog = r.choice([0, 0, 0.3, 0.7])
    if r.random() < p_prog:
        ev.append(["spawn", str(pid), r.choice(PROGRAMS)])
        plan.alive[pid] = image_pages()
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
    while len(ev) < n_events:
        if not plan.alive:
            pid = plan.spawn()
            ev.append(["spawn", str(pid)])
            continue
        pids = sorted(plan.alive)
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
                bad = [(pg, False) for pg in range(REGIONS[0] // PAGE, REGIONS[0] // PAGE + REGION_PAGES)
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
                c = plan.fork(pid)
                ev.append(["fork", str(pid), str(c)])
        elif x < 0.72 + p_fork:
            if len(plan.alive) > 1 or len(ev) > n_events - 3:
                plan.die(pid)
                ev.append(["exit", str(pid)] + ([str(r.randint(0, 255))] if r.random() < 0.3 else []))
        elif x < 0.78 + p_fork:
            zs = [z for z in sorted(plan.zombies) if plan.parent[z] in plan.alive]
            if zs:
                z = r.choice(zs)
                plan.zombies.discard(z)
                ev.append(["wait", str(plan.parent[z]), str(z)])
        elif x < 0.92 + p_fork:
            if r.random() < 0.6:
                w, lo, k, prot = random_mmap(r, pid, p_shm, p_file, narrow)
                ev.append(w)
                mapped.update((pg, prot) for pg in range(lo, lo + k))
            else:
                base = r.choice(REGIONS) // PAGE
                lo = base + r.randint(0, REGION_PAGES - 2)
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
                ev.append(["exec", str(pid), r.choice(PROGRAMS)])
                plan.alive[pid] = image_pages()
                hot.pop(pid, None)
        else:
            if len(plan.alive) < max_procs and r.random() < 0.3:
                c = plan.spawn()
                if r.random() < p_prog:
                    ev.append(["spawn", str(c), r.choice(PROGRAMS)])
                    plan.alive[c] = image_pages()
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


def make_case(seed):
    for attempt in range(20):
        try:
            return make_case_try(seed, attempt)
        except TraceError:
            continue
    raise TraceError("case %d: no trace the model accepts" % seed)


def make_case_try(seed, attempt):
    r = random.Random(seed * 7919 + 31 + attempt * 1000003)
    replace = r.random() < 0.7
    policy = POLICIES[seed % len(POLICIES)] if replace else None
    frames = r.choice([1, 2, 3, 3, 4, 4, 5, 6, 8, 12])
    small = r.random() < 0.3
    swap = (r.choice([0, 1, 2, 3, 4, 6]) if small else 256) if replace else 0
    mode = "copy" if r.random() < 0.25 else "cow"
    zero_page = r.random() < 0.2
    pt_frames = r.random() < 0.2
    around = r.choice([1, 1, 1, 2, 4, 8, 16, 1024])
    if pt_frames:
        frames += r.choice([4, 5, 6, 8, 10])
    flags = "--frames %d" % frames
    if replace:
        flags += " --swap %s" % ("%dp" % swap if small else "1M")
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
    if around > 1:
        flags += " --fault-around %d" % around
    n_events = r.choice([r.randint(12, 40), r.randint(35, 80)])
    narrow = r.random() < 0.3
    events = make_events(r, n_events, r.choice([2, 3, 5]), narrow)
    head = ["# file-diff case %d: %s, %s fork, %d frames, %s slots%s, %d events" %
            (seed, policy or "no replacement", mode, frames, swap,
             (", zero page" if zero_page else "") + (", pt frames" if pt_frames else "") +
             (", fault-around %d" % around if around > 1 else ""), len(events))]
    check_pages = []
    for i, name in enumerate(sorted(FILES)):
        start = (CHECK_BASE + i * 0x100000) // PAGE
        check_pages += range(start, start + FILES[name])

    def step(m, words, out):
        if r.random() < 0.4:
            for name in r.sample(STEP_STATS, r.randint(1, 3)):
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
        sys.stderr.write("filesim.py: the trace does not fail\n")
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
        sys.stdout.write(simulate(["# annotated by filesim.py"], flags, events, dense_expects))
        return 0
    if len(argv) == 4 and argv[1] == "reduce":
        return reduce(argv[2], argv[3])
    sys.stderr.write("usage: filesim.py gen DIR FIRST COUNT | annotate TRACE | reduce VMSIM TRACE\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
