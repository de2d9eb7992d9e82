#!/usr/bin/env python3
"""tlbsim.py -- a reference model of the TLB of SPEC.md section 11, with the
parts of the machine it rests on, for tests/tlb_diff.sh. It is written from
SPEC.md (sections 1-7, 9, 10 and 11) alone and shares nothing with vmsim's code.

    tlbsim.py gen DIR FIRST COUNT
        writes COUNT traces, DIR/case-SEED.trace for SEED = FIRST ..
        FIRST+COUNT-1: random events with a "# flags:" line and the `expect`
        lines this model computes (TLB counters after some events; at the
        end every TLB counter, the access and fault counters, copies,
        evictions and swap traffic, each live process's rss and pt_pages,
        and the value of some pages)
    tlbsim.py run TRACE [FLAGS...]
        runs a trace of the subset below (flags from its "# flags:" line,
        or FLAGS) and prints the model's counters as "PATH VALUE" lines;
        its `expect` lines are checked too (a failed one goes to stderr,
        exit 1)
    tlbsim.py reduce VMSIM TRACE [PATH]
        cuts TRACE after the first expectation vmsim fails, then deletes
        event lines while vmsim and the model still disagree on PATH
        (default: the first counter where they part) at the end, and
        prints the reduced trace

What the model covers (arches x86_64, sv39, i386 and tiny):
- processes: spawn PID (no program: an empty address space), fork in `cow`
  or `copy` mode (a fork that would fail is not generated), vfork (the
  child shares the space; the parent resumes at the child's exit or kill),
  exit, wait (with or without CHILD), segv kills (status 139), the
  reparenting and reaping rules of sections 4 and 9;
- private anonymous mappings (mmap rw-/r-- private, MAP_FIXED over what was
  there), munmap, mprotect to r-- or rw- (removing w clears the writable bit
  of present entries; adding w leaves private entries read-only, but with
  --exclusive-reuse makes those of exclusive frames writable);
- read, write, touch: demand_zero, zero_page (--zero-page), cow_copy,
  cow_reuse, segv; frames taken lowest first; the radix page table (a
  non-root table exists while one of its entries is in use: present or
  swap); --lazy-fork and --anon-vma; --linux (its fault-around only acts on
  file faults, which the model has none of);
- with --swap and --policy fifo|lru (enough swap): evictions to swap slots,
  the swap cache, swap_in faults (writable only for a lone user), a write to
  a read-only swapped-in page resolved in the same fault;
- the TLB: N entries, W ways, set = page mod N/W, LRU within a set; context
  switches (the actor of the latest access that did not segfault), flushes
  without --asid; hits, misses, walks, walk_steps (the root, then each
  table that exists down the path); a write that finds a read-only entry
  removes it (uncounted) and misses; invalidations when a present entry is
  cleared, gets another frame, loses w or becomes a swap entry; more than 33
  in one address space by one operation (munmap, mmap over a range,
  mprotect, fork, one eviction) flush that space's entries instead; a
  dropped address space loses its entries uncounted.
Not covered: exec, programs, brk, files, shared mappings, --fork sharept,
--pt-frames, custom arches, clock, opt and random, OOM, failed forks,
running out of swap, subreapers.
"""
import json
import os
import random
import subprocess
import sys

CEILING = 33
ZERO = "zero"  # the zero page, a frame outside the pool


class Arch:
    """page-table geometry: (va bits, page shift, levels, bits a level)"""
    KNOWN = {"x86_64": (48, 12, 4, 9), "sv39": (39, 12, 3, 9), "i386": (32, 12, 2, 10),
             "tiny": (16, 8, 2, 4)}

    def __init__(self, name):
        if name not in self.KNOWN:
            raise ModelError("arch %s is not modelled" % name)
        self.name = name
        self.va, self.shift, self.levels, self.bits = self.KNOWN[name]
        self.page = 1 << self.shift
        self.user_top = 1 << (self.va - 1) if self.va >= 32 else 1 << self.va
        self.top_page = self.user_top >> self.shift
        # the shift of the page number that names each table below the root
        self.table_shifts = [self.bits * (self.levels - d) for d in range(1, self.levels)]


class ModelError(Exception):
    """an event this model does not cover, or one that vmsim would refuse"""


class Frame:
    def __init__(self):
        self.value = 0
        self.refcount = 0
        self.loaded = 0
        self.used = 0
        self.copy = None  # the slot whose valid copy this frame holds


class Space:
    seq = 0

    def __init__(self, arch):
        self.arch = arch
        Space.seq += 1
        self.tag = Space.seq
        # [start page, end page, r, w, had an anon page], sorted, never merged
        self.vmas = []
        self.ptes = {}  # page -> ["p", frame, writable] | ["s", slot]

    def vma(self, page):
        for v in self.vmas:
            if v[0] <= page < v[1]:
                return v
        return None

    def split(self, lo, hi):
        """splits the VMAs at lo and hi"""
        out = []
        for s, e, r, w, had in self.vmas:
            cuts = [s] + [c for c in (lo, hi) if s < c < e] + [e]
            for a, b in zip(cuts, cuts[1:]):
                out.append([a, b, r, w, had])
        self.vmas = out

    def tables(self):
        """the distinct tables below the root: (level, prefix)"""
        t = set()
        for p in self.ptes:
            for d, shift in enumerate(self.arch.table_shifts, 1):
                t.add((d, p >> shift))
        return t

    def walk_steps(self, page):
        """the root, then every table down the path that exists"""
        t = self.tables()
        n = 1
        for d, shift in enumerate(self.arch.table_shifts, 1):
            if (d, page >> shift) not in t:
                break
            n += 1
        return n


class Proc:
    seq = 0

    def __init__(self, pid, ppid, space):
        Proc.seq += 1
        self.uid = Proc.seq  # another process, even with the same pid
        self.pid = pid
        self.ppid = ppid
        self.space = space
        self.state = "running"
        self.killed = False
        self.vfork_parent = None  # the suspended parent of a vfork child


STATS = ["tlb.hits", "tlb.misses", "tlb.walks", "tlb.walk_steps", "tlb.invalidations",
         "tlb.flushes", "tlb.context_switches",
         "accesses.reads", "accesses.writes", "accesses.hits", "accesses.misses",
         "faults.total", "faults.demand_zero", "faults.zero_page", "faults.cow_copy", "faults.cow_reuse",
         "faults.segv", "faults.swap_in",
         "memory.frames_used", "memory.pages_copied", "memory.ptes_copied", "memory.pt_pages",
         "memory.evictions", "memory.evictions_dirty", "memory.swap_writes",
         "memory.swap_reads", "memory.swap_used",
         "processes.live", "processes.zombies", "processes.killed_segv", "processes.reaped"]


class Machine:
    def __init__(self, tlb=0, ways=0, asid=False, frames=None, swap=0, policy=None,
                 arch="x86_64", zero_page=False, fork="cow", lazy_fork=False,
                 anon_vma=False, exclusive_reuse=False):
        self.arch = Arch(arch)
        self.lazy_fork = lazy_fork
        self.anon_vma = anon_vma
        self.exclusive_reuse = exclusive_reuse
        if frames is None:
            frames = 64 if arch == "tiny" else 16384
        self.zero_page = zero_page
        if fork not in ("cow", "copy"):
            raise ModelError("fork mode %s is not modelled" % fork)
        self.fork_mode = fork
        if tlb <= 0:
            raise ModelError("the model needs --tlb N")
        ways = ways or tlb
        if tlb % ways:
            raise ModelError("ways must divide entries")
        self.ways = ways
        self.nsets = tlb // ways
        self.sets = [[] for _ in range(self.nsets)]  # [tag, page, frame, writable], LRU first
        self.asid = asid
        self.cpu = None  # uid of the process the CPU runs
        self.nframes = frames
        self.frames = {}  # number -> Frame
        if isinstance(swap, str):  # "1M", "64p": whole pages
            swap = num(swap, self.arch.page) // self.arch.page
        self.nslots = swap
        self.slots = {}  # number -> [value, count]
        self.replacement = swap > 0 or policy is not None
        self.policy = policy or "clock"
        if self.replacement and self.policy not in ("fifo", "lru"):
            raise ModelError("policy %s is not modelled" % self.policy)
        self.t = 0
        self.procs = {}  # pid -> Proc (until reaped)
        self.c = dict.fromkeys(STATS, 0)
        self.ceiling_flushes = 0  # for the generator's statistics
        self.changed = None  # (tag, page) whose present entry changed, in this operation

    # ---- TLB ----------------------------------------------------------------
    def tlb_find(self, tag, page):
        s = self.sets[page % self.nsets]
        for e in s:
            if e[0] == tag and e[1] == page:
                return e
        return None

    def tlb_insert(self, tag, page, frame, writable):
        s = self.sets[page % self.nsets]
        assert self.tlb_find(tag, page) is None
        if len(s) >= self.ways:
            s.pop(0)
        s.append([tag, page, frame, writable])

    def tlb_drop_space(self, tag):
        for i, s in enumerate(self.sets):
            self.sets[i] = [e for e in s if e[0] != tag]

    def begin_op(self):
        self.changed = []

    def change(self, space, page):
        """a present entry of space at page changes"""
        self.changed.append((space.tag, page))

    def end_op(self):
        """the TLB entries of the changed entries go (33-page ceiling per space)"""
        per = {}
        for tag, page in self.changed:
            if self.tlb_find(tag, page) is not None:
                per.setdefault(tag, set()).add(page)
        for tag, pages in per.items():
            if len(pages) > CEILING:
                self.ceiling_flushes += 1
                self.tlb_drop_space(tag)
                self.c["tlb.flushes"] += 1
            else:
                for p in pages:
                    s = self.sets[p % self.nsets]
                    s.remove(self.tlb_find(tag, p))
                    self.c["tlb.invalidations"] += 1
        self.changed = None

    # ---- frames and slots ---------------------------------------------------
    def spaces(self):
        """the live address spaces, each once (a vfork child shares its parent's)"""
        out = {}
        for p in sorted(self.procs.values(), key=lambda p: p.pid):
            if p.space is not None:
                out.setdefault(p.space.tag, p.space)
        return list(out.values())

    def fill(self, f):
        self.t += 1
        fr = self.frames[f]
        fr.loaded = fr.used = self.t

    def new_slot(self, value, count):
        for s in range(self.nslots):
            if s not in self.slots:
                self.slots[s] = [value, count]
                return s
        return None

    def slot_put(self, s, n):
        self.slots[s][1] += n
        assert self.slots[s][1] >= 0
        if self.slots[s][1] == 0:
            del self.slots[s]

    def end_copy(self, f):
        fr = self.frames[f]
        if fr.copy is not None:
            self.slot_put(fr.copy, -1)
            fr.copy = None

    def free_frame(self, f):
        self.end_copy(f)
        del self.frames[f]

    def unref(self, f):
        if f == ZERO:
            return
        fr = self.frames[f]
        fr.refcount -= 1
        if fr.refcount == 0:
            self.free_frame(f)

    def take(self, keep=()):
        """the lowest free frame, evicting a victim when none is"""
        if len(self.frames) >= self.nframes:
            if not self.replacement:
                raise ModelError("out of frames: OOM is not modelled")
            slot_free = len(self.slots) < self.nslots
            cand = [f for f, fr in self.frames.items()
                    if f not in keep and (slot_free or fr.copy is not None)]
            if not cand:
                raise ModelError("no eviction candidate: OOM is not modelled")
            key = (lambda f: self.frames[f].loaded) if self.policy == "fifo" else \
                (lambda f: self.frames[f].used)
            self.evict(min(cand, key=key))
        f = 0
        while f in self.frames:
            f += 1
        self.frames[f] = Frame()
        self.frames[f].exclusive = True  # from its fill (--exclusive-reuse)
        return f

    def evict(self, f):
        fr = self.frames[f]
        self.c["memory.evictions"] += 1
        if fr.copy is not None:
            s = fr.copy
        else:
            s = self.new_slot(fr.value, 0)
            self.c["memory.swap_writes"] += 1
            self.c["memory.evictions_dirty"] += 1
        outer = self.changed
        self.begin_op()  # one eviction is one operation
        for sp in self.spaces():
            for page, pte in sp.ptes.items():
                if pte[0] == "p" and pte[1] == f:
                    sp.ptes[page] = ["s", s]
                    self.slots[s][1] += 1
                    self.change(sp, page)
        self.end_op()
        self.changed = outer
        self.free_frame(f)

    # ---- address spaces -----------------------------------------------------
    def clear_range(self, sp, lo, hi):
        """clears the entries of [lo, hi) (munmap, mmap over a range)"""
        for page in sorted(p for p in sp.ptes if lo <= p < hi):
            pte = sp.ptes.pop(page)
            if pte[0] == "p":
                self.change(sp, page)
                self.unref(pte[1])
            else:
                self.slot_put(pte[1], -1)

    def unmap(self, sp, lo, hi):
        sp.split(lo, hi)
        sp.vmas = [v for v in sp.vmas if not (lo <= v[0] and v[1] <= hi)]
        self.clear_range(sp, lo, hi)

    def teardown(self, sp):
        for page in sorted(sp.ptes):
            pte = sp.ptes.pop(page)
            if pte[0] == "p":
                self.unref(pte[1])
            else:
                self.slot_put(pte[1], -1)
        self.tlb_drop_space(sp.tag)

    # ---- processes ----------------------------------------------------------
    def actor(self, pid):
        p = self.procs.get(pid)
        if p is None or p.state != "running":
            raise ModelError("process %d is not running" % pid)
        return p

    def descends(self, p, anc):
        """is anc among p's descendants?"""
        for q in self.procs.values():
            if q.ppid == p.pid and q.state != "zombie":
                if q.pid == anc or self.descends(q, anc):
                    return True
        return False

    def finish(self, p, status):
        """p exits or is killed: it leaves its address space (dropped when no
        process uses it any more), becomes a zombie, is reaped as the rules say"""
        sp = p.space
        p.space = None
        if not any(q.space is sp for q in self.procs.values()):
            self.teardown(sp)
        if p.vfork_parent is not None:
            self.procs[p.vfork_parent].state = "running"
            p.vfork_parent = None
        p.state = "zombie"
        p.status = status
        for q in sorted(self.procs.values(), key=lambda q: q.pid):
            if q.ppid != p.pid:
                continue
            if q.state == "zombie":
                self.reap(q)
        one = self.procs.get(1)
        for q in sorted(self.procs.values(), key=lambda q: q.pid):
            if q.ppid != p.pid:
                continue
            if one is not None and one.state != "zombie" and q.pid != 1 \
                    and not self.descends(q, 1):
                q.ppid = 1
            else:
                q.ppid = 0
        if p.ppid == 0:
            self.reap(p)

    def reap(self, q):
        del self.procs[q.pid]
        self.c["processes.reaped"] += 1

    # ---- accesses -----------------------------------------------------------
    def access(self, p, addr, write, value):
        """one page access; False when it killed p"""
        self.c["accesses.writes" if write else "accesses.reads"] += 1
        self.t += 1
        sp = p.space
        page = addr >> self.arch.shift
        v = sp.vma(page)
        if v is None or (write and not v[3]) or (not write and not v[2]):
            self.c["faults.segv"] += 1
            self.c["faults.total"] += 1
            self.c["processes.killed_segv"] += 1
            p.killed = True
            self.finish(p, 139)
            return False
        if self.cpu is not None and self.cpu != p.uid:
            self.c["tlb.context_switches"] += 1
            if not self.asid:
                self.sets = [[] for _ in range(self.nsets)]
                self.c["tlb.flushes"] += 1
        self.cpu = p.uid
        e = self.tlb_find(sp.tag, page)
        if e is not None and (e[3] or not write):
            self.c["tlb.hits"] += 1
            s = self.sets[page % self.nsets]
            s.remove(e)
            s.append(e)
            pte = sp.ptes.get(page)
            assert pte is not None and pte[0] == "p" and pte[1] == e[2], (page, pte, e)
            self.c["accesses.hits"] += 1
            self.complete(e[2], write, value)
            return True
        if e is not None:
            self.sets[page % self.nsets].remove(e)  # part of the miss
        self.c["tlb.misses"] += 1
        self.c["tlb.walks"] += 1
        self.c["tlb.walk_steps"] += sp.walk_steps(page)
        self.begin_op()
        pte = sp.ptes.get(page)
        if pte is None and self.zero_page and not write:
            sp.ptes[page] = pte = ["p", ZERO, False]
            cls = "zero_page"
        elif pte is None:
            f = self.take()
            self.fill(f)
            self.frames[f].refcount = 1
            sp.ptes[page] = pte = ["p", f, v[3]]
            cls = "demand_zero"
        elif pte[0] == "s":
            s = pte[1]
            cached = [f for f, fr in self.frames.items() if fr.copy == s]
            if cached:
                f = cached[0]
                self.frames[f].refcount += 1
            else:
                f = self.take()
                self.fill(f)
                fr = self.frames[f]
                fr.refcount = 1
                fr.value = self.slots[s][0]
                fr.copy = s
                self.slots[s][1] += 1
                self.c["memory.swap_reads"] += 1
            self.slot_put(s, -1)
            alone = self.frames[f].refcount == 1 and self.slots[s][1] == 1
            self.frames[f].exclusive = alone
            w = v[3] and alone
            sp.ptes[page] = pte = ["p", f, w]
            if write and not pte[2]:
                self.cow(sp, page, pte)
            cls = "swap_in"
        elif write and not pte[2]:
            cls = self.cow(sp, page, pte)
        else:
            cls = None
        self.end_op()
        if pte[1] != ZERO:
            v[4] = True
        if cls is None:
            self.c["accesses.hits"] += 1
        else:
            self.c["faults." + cls] += 1
            self.c["faults.total"] += 1
            self.c["accesses.misses"] += 1
        self.complete(pte[1], write, value)
        self.tlb_insert(sp.tag, page, pte[1], pte[2])
        return True

    def cow(self, sp, page, pte):
        f = pte[1]
        if f != ZERO and self.frames[f].refcount == 1:
            pte[2] = True
            self.frames[f].exclusive = True
            return "cow_reuse"
        g = self.take(keep=(f,))
        self.fill(g)
        self.frames[g].value = 0 if f == ZERO else self.frames[f].value
        self.frames[g].refcount = 1
        self.c["memory.pages_copied"] += 1
        self.change(sp, page)  # another frame (its TLB entry is gone already)
        pte[1], pte[2] = g, True
        self.unref(f)
        return "cow_copy"

    def complete(self, f, write, value):
        if f == ZERO:
            return
        fr = self.frames[f]
        fr.used = self.t
        if write:
            self.end_copy(f)
            fr.value = value

    # ---- events -------------------------------------------------------------
    def event(self, lineno, words):
        k = words[0]
        if k == "spawn":
            if len(words) != 2:
                raise ModelError("spawn with a program is not modelled")
            pid = self.num(words[1])
            if pid in self.procs:
                raise ModelError("pid in use")
            self.procs[pid] = Proc(pid, 0, Space(self.arch))
        elif k == "fork":
            self.fork(self.actor(self.num(words[1])), self.num(words[2]))
        elif k == "vfork":
            self.vfork(self.actor(self.num(words[1])), self.num(words[2]))
        elif k == "exit":
            p = self.actor(self.num(words[1]))
            self.finish(p, self.num(words[2]) if len(words) > 2 else 0)
        elif k == "wait":
            p = self.actor(self.num(words[1]))
            kids = [q for q in self.procs.values() if q.ppid == p.pid and q.state == "zombie"]
            if len(words) > 2:
                kids = [q for q in kids if q.pid == self.num(words[2])]
            if not kids:
                raise ModelError("nothing to reap")
            self.reap(min(kids, key=lambda q: q.pid))
        elif k == "mmap":
            sp = self.actor(self.num(words[1])).space
            lo, hi = self.range(words[2], words[3])
            if words[4] not in ("rw-", "r--") or words[5] != "private" or len(words) != 6:
                raise ModelError("only private anonymous rw- and r-- mappings")
            self.begin_op()
            self.unmap(sp, lo, hi)
            self.end_op()
            sp.vmas.append([lo, hi, True, words[4] == "rw-", False])
            sp.vmas.sort()
        elif k == "munmap":
            sp = self.actor(self.num(words[1])).space
            lo, hi = self.range(words[2], words[3])
            self.begin_op()
            self.unmap(sp, lo, hi)
            self.end_op()
        elif k == "mprotect":
            sp = self.actor(self.num(words[1])).space
            lo, hi = self.range(words[2], words[3])
            if words[4] not in ("rw-", "r--"):
                raise ModelError("only rw- and r--")
            covered = sum(min(hi, v[1]) - max(lo, v[0]) for v in sp.vmas
                          if v[0] < hi and lo < v[1])
            if covered != hi - lo:
                raise ModelError("mprotect of an unmapped range")
            sp.split(lo, hi)
            w = words[4] == "rw-"
            self.begin_op()
            for v in sp.vmas:
                if lo <= v[0] and v[1] <= hi:
                    v[3] = w
            if w and self.exclusive_reuse:
                for page in sorted(sp.ptes):
                    pte = sp.ptes[page]
                    if lo <= page < hi and pte[0] == "p" and pte[1] != ZERO \
                            and self.frames[pte[1]].exclusive:
                        pte[2] = True  # no TLB entry goes: w is not cleared
            if not w:
                for page in sorted(sp.ptes):
                    pte = sp.ptes[page]
                    if lo <= page < hi and pte[0] == "p" and pte[2]:
                        pte[2] = False
                        self.change(sp, page)
            self.end_op()
        elif k in ("read", "write"):
            p = self.actor(self.num(words[1]))
            addr = self.num(words[2])
            write = k == "write"
            value = (self.num(words[3]) if len(words) > 3 else lineno) if write else None
            self.access(p, addr, write, value)
        elif k == "touch":
            p = self.actor(self.num(words[1]))
            addr, n = self.num(words[2]), self.num(words[3])
            write = words[4] == "w"
            value = (self.num(words[5]) if len(words) > 5 else lineno) if write else None
            if n == 0:
                return
            sh = self.arch.shift
            for page in range(addr >> sh, ((addr + n - 1) >> sh) + 1):
                if not self.access(p, page << sh, write, value):
                    break
        else:
            raise ModelError("event %s is not modelled" % k)

    def range(self, a, n):
        lo, ln = self.num(a), self.num(n)
        a = self.arch
        if lo % a.page or ln == 0 or lo + ln > a.user_top:
            raise ModelError("bad range")
        return lo >> a.shift, (lo + ln + a.page - 1) >> a.shift

    def num(self, w):
        return num(w, self.arch.page)

    def fork_copies(self, sp, page):
        """does a fork give the child the entry of page? (--lazy-fork,
        --anon-vma: not for a VMA that maps no anon frame / never had one)"""
        if not self.lazy_fork:
            return True
        v = sp.vma(page)
        if self.anon_vma:
            return v[4]
        return any(e[0] == "s" or e[1] != ZERO for q, e in sp.ptes.items() if v[0] <= q < v[1])

    def fork_needs(self, p):
        """the frames a fork of p takes (copy mode: one a present anon page)"""
        if self.fork_mode != "copy":
            return 0
        return sum(1 for q, e in p.space.ptes.items() if e[0] == "p" and e[1] != ZERO
                   and self.fork_copies(p.space, q))

    def vfork(self, p, child):
        if child in self.procs:
            raise ModelError("pid in use")
        q = Proc(child, p.pid, p.space)
        q.vfork_parent = p.pid
        p.state = "suspended"
        self.procs[child] = q

    def fork(self, p, child):
        if child in self.procs:
            raise ModelError("pid in use")
        if self.fork_needs(p) > self.nframes - len(self.frames):
            raise ModelError("a failed fork is not modelled")
        sp = Space(self.arch)
        sp.vmas = [list(v) for v in p.space.vmas]
        self.begin_op()
        copies = [q for q in sorted(p.space.ptes) if self.fork_copies(p.space, q)]
        for page in copies:
            pte = p.space.ptes[page]
            if pte[0] == "p" and self.fork_mode == "copy" and pte[1] != ZERO:
                g = self.take()
                self.fill(g)
                self.frames[g].value = self.frames[pte[1]].value
                self.frames[g].refcount = 1
                self.c["memory.pages_copied"] += 1
                sp.ptes[page] = ["p", g, sp.vma(page)[3]]
            elif pte[0] == "p":
                if pte[1] != ZERO:
                    self.frames[pte[1]].refcount += 1
                    self.frames[pte[1]].exclusive = False
                if pte[2]:
                    pte[2] = False
                    self.change(p.space, page)
                sp.ptes[page] = ["p", pte[1], False]
            else:
                self.slots[pte[1]][1] += 1
                sp.ptes[page] = ["s", pte[1]]
            self.c["memory.ptes_copied"] += 1
        self.end_op()
        self.procs[child] = Proc(child, p.pid, sp)

    # ---- queries ------------------------------------------------------------
    def after_event(self):
        self.c["memory.frames_used"] = len(self.frames)
        self.c["memory.swap_used"] = len(self.slots)
        self.c["memory.pt_pages"] = sum(1 + len(s.tables()) for s in self.spaces())
        self.c["processes.live"] = sum(1 for p in self.procs.values() if p.state != "zombie")
        self.c["processes.zombies"] = sum(1 for p in self.procs.values() if p.state == "zombie")

    def rss(self, p):
        return sum(1 for e in p.space.ptes.values() if e[0] == "p" and e[1] != ZERO)

    def page_value(self, p, page):
        pte = p.space.ptes.get(page)
        if pte is None:
            return 0
        if pte[0] == "s":
            return self.slots[pte[1]][0]
        if pte[1] == ZERO:
            return 0
        return self.frames[pte[1]].value


def num(w, page=4096):
    mult = 1
    if w[-1:] in ("K", "M", "G", "T", "p"):
        mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "p": page}[w[-1]]
        w = w[:-1]
    return int(w, 0) * mult


def parse_flags(words):
    kw = dict(tlb=0, ways=0, asid=False, frames=None, swap="0", policy=None, arch="x86_64",
              zero_page=False, fork="cow", lazy_fork=False, anon_vma=False,
              exclusive_reuse=False)
    i = 0
    while i < len(words):
        w = words[i]
        if w == "--asid":
            kw["asid"] = True
        elif w in ("--zero-page", "--lazy-fork", "--anon-vma", "--exclusive-reuse"):
            kw[w[2:].replace("-", "_")] = True
        elif w == "--linux":  # --fault-around 16 too: only file faults use it
            for k in ("zero_page", "lazy_fork", "anon_vma", "exclusive_reuse"):
                kw[k] = True
        elif w in ("--arch", "--fork") and i + 1 < len(words):
            kw[w[2:]] = words[i + 1]
            i += 1
        elif w in ("--tlb", "--tlb-ways", "--frames", "--swap", "--policy") and i + 1 < len(words):
            a = words[i + 1]
            i += 1
            if w == "--tlb":
                kw["tlb"] = num(a)
            elif w == "--tlb-ways":
                kw["ways"] = num(a)
            elif w == "--frames":
                kw["frames"] = num(a)
            elif w == "--swap":
                kw["swap"] = a  # in pages of the arch: see Machine
            else:
                kw["policy"] = a
        elif w == "--check":
            pass
        else:
            raise ModelError("flag %s is not modelled" % w)
        i += 1
    return kw


# ---- the generator ----------------------------------------------------------
def bases(arch):
    """where mappings go, in pages: near the bottom, on both sides of the
    boundaries of each level's tables, near user_top"""
    out = {0x100 if arch.top_page > 0x1000 else 2}
    for shift in arch.table_shifts:
        span = 1 << shift
        for k in (1, 2):
            if k * span + 64 < arch.top_page:
                out.add(k * span - 6)
                out.add(k * span)
    out.add(arch.top_page - 40)
    return sorted(b for b in out if 0 < b < arch.top_page - 16)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        r = self.r
        self.arch = r.choice(["x86_64"] * 5 + ["sv39", "i386", "tiny"])
        self.tlb = r.choice([1, 2, 3, 4, 4, 6, 8, 8, 12, 16, 16, 32, 40, 64, 64])
        divs = [d for d in range(1, self.tlb + 1) if self.tlb % d == 0]
        self.ways = r.choice(divs) if r.random() < 0.6 else 0
        self.asid = r.random() < 0.5
        self.swap = r.random() < 0.4
        self.zero = r.random() < 0.25
        self.copy = r.random() < 0.15
        self.vfork = r.random() < 0.3
        self.frames = r.randint(3, 10) if self.swap else (16384 if self.arch != "tiny" else 2048)
        self.policy = r.choice(["fifo", "lru"]) if self.swap else None
        flags = "--tlb %d" % self.tlb
        if self.arch != "x86_64":
            flags = "--arch %s " % self.arch + flags
        if self.ways:
            flags += " --tlb-ways %d" % self.ways
        if self.asid:
            flags += " --asid"
        if self.swap:
            flags += " --frames %d --swap 1M --policy %s" % (self.frames, self.policy)
        elif self.arch == "tiny":
            flags += " --frames %d" % self.frames
        x = r.random()
        if x < 0.12:
            flags += " --linux"
        else:
            if self.zero:
                flags += " --zero-page"
            if r.random() < 0.2:
                flags += " --lazy-fork" + (" --anon-vma" if r.random() < 0.5 else "")
            if r.random() < 0.2:
                flags += " --exclusive-reuse"
        if self.copy:
            flags += " --fork copy"
        self.flags = flags
        self.m = Machine(**parse_flags(flags.split()))
        self.a = self.m.arch
        self.bases = bases(self.a)
        self.lines = ["# tlb-diff case %d: %s" % (seed, flags), "# flags: " + flags]
        self.hot = {}  # pid -> recently used pages
        self.last = None  # the actor of the latest step, often the next one

    def emit(self, line):
        self.lines.append(line)
        if line.split()[0] != "expect":
            self.m.event(len(self.lines), line.split())
            self.m.after_event()

    def running(self):
        return sorted(p for p, q in self.m.procs.items() if q.state == "running")

    def free_pid(self):
        free = [p for p in range(1, 7) if p not in self.m.procs]
        return self.r.choice(free) if free else None

    def total_pages(self):
        return sum(v[1] - v[0] for sp in self.m.spaces() for v in sp.vmas)

    def addr(self, page, off=True):
        o = self.r.choice([0, 8, self.a.page - 8, self.a.page // 3]) if off else 0
        return "0x%x" % ((page << self.a.shift) + o)

    def pick_page(self, pid):
        r = self.r
        sp = self.m.procs[pid].space
        hot = self.hot.setdefault(pid, [])
        hot[:] = [h for h in hot if sp.vma(h)]
        if hot and r.random() < 0.6:
            return r.choice(hot)
        v = r.choice(sp.vmas)
        page = r.randrange(v[0], v[1])
        hot.append(page)
        if len(hot) > 8:
            hot.pop(0)
        return page

    def access(self, pid):
        r = self.r
        sp = self.m.procs[pid].space
        if not sp.vmas or r.random() < 0.02:
            page = r.choice(self.bases) + r.randrange(0, 40)  # maybe a segv
        else:
            page = self.pick_page(pid)
        v = sp.vma(page)
        write = r.random() < 0.5
        if write and v is not None and not v[3] and r.random() < 0.9:
            write = False
        if r.random() < 0.25 and v is not None:
            n = r.randint(1, min(40, v[1] - page)) if r.random() < 0.3 else \
                r.randint(1, min(6, v[1] - page))
            if r.random() < 0.1:
                n += r.randint(1, 3)  # runs past the VMA
            if r.random() < 0.2:  # in bytes, from inside a page
                start = "0x%x" % ((page << self.a.shift) + r.randrange(self.a.page))
                ln = "%d" % r.randint(0 if r.random() < 0.1 else 1, n * self.a.page)
            else:
                start, ln = self.addr(page, False), "%dp" % n
            if write:
                val = " %d" % r.randint(1, 999) if r.random() < 0.5 else ""
                self.emit("touch %d %s %s w%s" % (pid, start, ln, val))
            else:
                self.emit("touch %d %s %s r" % (pid, start, ln))
        elif write:
            val = " %d" % r.randint(1, 999) if r.random() < 0.8 else ""
            self.emit("write %d %s%s" % (pid, self.addr(page), val))
        else:
            self.emit("read %d %s" % (pid, self.addr(page)))

    def step(self):
        r = self.r
        run = self.running()
        if not run:
            pid = self.free_pid()
            self.emit("spawn %d" % pid)
            return
        pid = self.last if self.last in run and r.random() < 0.7 else r.choice(run)
        self.last = pid
        proc = self.m.procs[pid]
        sp = proc.space
        x = r.random()
        if self.tlb >= 34 and r.random() < 0.15 and self.total_pages() < 120:
            self.bulk(pid)
            return
        if x < 0.55:
            if not sp.vmas:
                self.mmap(pid)
            else:
                self.access(pid)
        elif x < 0.65:
            self.mmap(pid)
        elif x < 0.72 and sp.vmas:
            v = r.choice(sp.vmas)
            lo = r.randrange(v[0], v[1])
            hi = r.randint(lo + 1, v[1]) if r.random() < 0.8 else lo + r.randint(1, 48)
            if r.random() < 0.3:
                lo, hi = v[0], v[1]
            hi = min(hi, self.a.top_page)
            self.emit("munmap %d %s %dp" % (pid, self.addr(lo, False), hi - lo))
        elif x < 0.80 and sp.vmas:
            v = r.choice(sp.vmas)
            lo = r.randrange(v[0], v[1])
            hi = r.randint(lo + 1, v[1])
            if r.random() < 0.4:
                lo, hi = v[0], v[1]
            # may run on into the next VMA when it starts right there
            for w in sp.vmas:
                if w[0] == hi and r.random() < 0.5:
                    hi = r.randint(hi + 1, w[1])
            self.emit("mprotect %d %s %dp %s" % (pid, self.addr(lo, False), hi - lo,
                                                 r.choice(["r--", "rw-", "rw-"])))
        elif x < 0.88:
            child = self.free_pid()
            if child is not None and len(run) < 4 and self.total_pages() < 160:
                if self.vfork and r.random() < 0.4:
                    self.emit("vfork %d %d" % (pid, child))
                    self.last = child  # the child runs now
                elif self.m.fork_needs(proc) <= self.m.nframes - len(self.m.frames):
                    self.emit("fork %d %d" % (pid, child))
                self.hot[child] = list(self.hot.get(pid, []))
        elif x < 0.92:
            if len(run) > 1 or r.random() < 0.3 or proc.vfork_parent is not None:
                self.emit("exit %d%s" % (pid, " %d" % r.randint(0, 255) if r.random() < 0.3 else ""))
        elif x < 0.97:
            zs = sorted(q.pid for q in self.m.procs.values()
                        if q.ppid == pid and q.state == "zombie")
            if zs:
                if r.random() < 0.5:
                    self.emit("wait %d" % pid)
                else:
                    self.emit("wait %d %d" % (pid, r.choice(zs)))
        else:
            p = self.free_pid()
            if p is not None and len(run) < 4:
                self.emit("spawn %d" % p)

    def bulk(self, pid):
        """many entries of one space in the TLB, then one operation on them all
        (or on about 33 of them): the 33-entry ceiling"""
        r = self.r
        n = r.randint(30, 48)
        lo = r.choice(self.bases) + r.randrange(0, 16)
        if lo + n > self.a.top_page:
            return
        a = self.addr(lo, False)
        self.emit("mmap %d %s %dp rw- private" % (pid, a, n))
        self.emit("touch %d %s %dp %s" % (pid, a, n, r.choice("rww")))
        k = min(n, r.choice([32, 33, 34, 35, n]))
        op = r.choice(["munmap", "mprotect", "fork", "mmap"])
        if op == "fork":
            child = self.free_pid()
            proc = self.m.procs[pid]
            if child is not None and len(self.running()) < 4 and \
                    self.m.fork_needs(proc) <= self.m.nframes - len(self.m.frames):
                self.emit("fork %d %d" % (pid, child))
        elif op == "munmap":
            self.emit("munmap %d %s %dp" % (pid, a, k))
        elif op == "mmap":
            self.emit("mmap %d %s %dp rw- private" % (pid, a, k))
        else:
            self.emit("mprotect %d %s %dp r--" % (pid, a, k))
        self.expect(["tlb.invalidations", "tlb.flushes"])

    def mmap(self, pid):
        r = self.r
        sp = self.m.procs[pid].space
        for _ in range(10):
            lo = r.choice(self.bases) + r.randrange(0, 16)
            n = r.randint(1, 48) if r.random() < 0.3 else r.randint(1, 12)
            hi = min(lo + n, self.a.top_page)
            over = any(v[0] < hi and lo < v[1] for v in sp.vmas)
            if over and r.random() < 0.7:
                continue
            if self.total_pages() + n > 170:
                return
            prot = "rw-" if r.random() < 0.9 else "r--"
            self.emit("mmap %d %s %dp %s private" % (pid, self.addr(lo, False), hi - lo, prot))
            return

    def expect(self, keys):
        for k in keys:
            self.lines.append("expect stat %s == %d" % (k, self.m.c[k]))

    def make(self):
        r = self.r
        self.emit("spawn 1")
        if r.random() < 0.5:
            self.emit("spawn 2")
        tlbkeys = [k for k in STATS if k.startswith("tlb.")]
        for _ in range(r.randint(15, 70)):
            n = len(self.lines)
            self.step()
            if len(self.lines) > n and r.random() < 0.35:
                self.expect(r.sample(tlbkeys, r.randint(1, 3)))
        self.expect(STATS)
        for pid in sorted(p for p, q in self.m.procs.items() if q.state != "zombie"):
            p = self.m.procs[pid]
            self.lines.append("expect proc %d rss == %d" % (pid, self.m.rss(p)))
            self.lines.append("expect proc %d pt_pages == %d" % (pid, 1 + len(p.space.tables())))
            pages = sorted(p.space.ptes)
            for page in r.sample(pages, min(3, len(pages))):
                self.lines.append("expect page %d %s value == %d"
                                  % (pid, self.addr(page), self.m.page_value(p, page)))
        return "\n".join(self.lines) + "\n"


# ---- running a trace --------------------------------------------------------
def read_trace(path):
    with open(path) as f:
        return f.read().split("\n")


def trace_flags(lines):
    for ln in lines:
        if ln.startswith("# flags:"):
            return ln[len("# flags:"):].split()
    return []


def run_lines(lines, flags):
    """runs the events of lines; returns (machine, failed expectations)"""
    m = Machine(**parse_flags(flags))
    fails = []
    for i, ln in enumerate(lines, 1):
        words = ln.split("#", 1)[0].split()
        if not words:
            continue
        if words[0] == "expect":
            got = query(m, words[1:-2])
            if got is not None and str(got) != words[-1]:
                fails.append("%d: %s (model %s)" % (i, " ".join(words), got))
            continue
        m.event(i, words)
        m.after_event()
    return m, fails


def query(m, q):
    if q[0] == "stat":
        return m.c.get(q[1])
    if q[0] == "proc":
        p = m.procs.get(m.num(q[1]))
        if p is None or p.space is None:
            return None
        if q[2] == "rss":
            return m.rss(p)
        if q[2] == "pt_pages":
            return 1 + len(p.space.tables())
        return None
    if q[0] == "page" and q[3] == "value":
        p = m.procs.get(m.num(q[1]))
        if p is None or p.space is None:
            return None
        return m.page_value(p, m.num(q[2]) >> m.arch.shift)
    return None


def vmsim_stats(vm, lines, flags, tmp):
    with open(tmp, "w") as f:
        f.write("\n".join(l for l in lines if not l.startswith("expect")))
    out = subprocess.run([vm, "run", "--format", "json"] + flags + [tmp],
                         capture_output=True, text=True, timeout=60)
    if out.returncode not in (0, 1):
        return None
    j = json.loads(out.stdout)
    return {k: int(j[k.split(".")[0]][k.split(".")[1]]) for k in STATS}


def differs(vm, lines, flags, tmp, path):
    try:
        m, _ = run_lines(lines, flags)
    except (ModelError, AssertionError, KeyError, IndexError, ValueError):
        return None
    v = vmsim_stats(vm, lines, flags, tmp)
    if v is None:
        return None
    keys = [path] if path else STATS
    for k in keys:
        if v[k] != m.c[k]:
            return k
    return None


def first_failure(vm, path):
    """the line of the first expectation of path that vmsim fails, or None"""
    flags = trace_flags(read_trace(path))
    out = subprocess.run([vm, "run", "-q"] + flags + [path], capture_output=True, text=True,
                         timeout=60)
    for ln in out.stderr.split("\n"):
        parts = ln.split(":")
        if len(parts) > 2 and "expectation failed" in ln:
            return int(parts[1])
    return None


def reduce(vm, path, key):
    lines = read_trace(path)
    stop = first_failure(vm, path)
    if stop is not None:  # the events up to the first expectation vmsim fails
        lines = lines[:stop]
    lines = [l for l in lines if l.strip() and not l.startswith("expect")]
    flags = trace_flags(lines)
    head = [l for l in lines if l.startswith("#")]
    body = [l for l in lines if not l.startswith("#")]
    tmp = "/tmp/tlbsim-reduce-%d.trace" % os.getpid()
    key = differs(vm, head + body, flags, tmp, key)
    if key is None:
        sys.stderr.write("no disagreement\n")
        return 1
    n = max(1, len(body) // 2)
    while n >= 1:
        i = 0
        changed = False
        while i < len(body):
            trial = body[:i] + body[i + n:]
            if differs(vm, head + trial, flags, tmp, key) == key:
                body = trial
                changed = True
            else:
                i += n
        if not changed:
            n //= 2
    os.remove(tmp)
    m, _ = run_lines(head + body, flags)
    v = vmsim_stats(vm, head + body, flags, tmp)
    os.remove(tmp)
    print("\n".join(head + body))
    print("# %s: vmsim %d, model %d" % (key, v[key], m.c[key]))
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "gen":
        out, first, count = argv[2], int(argv[3]), int(argv[4])
        os.makedirs(out, exist_ok=True)
        for seed in range(first, first + count):
            with open(os.path.join(out, "case-%d.trace" % seed), "w") as f:
                f.write(Gen(seed).make())
        return 0
    if len(argv) >= 3 and argv[1] == "run":
        lines = read_trace(argv[2])
        flags = argv[3:] or trace_flags(lines)
        try:
            m, fails = run_lines(lines, flags)
        except ModelError as e:
            sys.stderr.write("tlbsim: %s\n" % e)
            return 2
        for k in STATS:
            print(k, m.c[k])
        for f in fails:
            sys.stderr.write("%s:%s\n" % (argv[2], f))
        return 1 if fails else 0
    if len(argv) in (4, 5) and argv[1] == "reduce":
        return reduce(argv[2], argv[3], argv[4] if len(argv) == 5 else None)
    sys.stderr.write("usage: tlbsim.py gen DIR FIRST COUNT | run TRACE [FLAGS] | "
                     "reduce VMSIM TRACE [PATH]\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
