"""Time one command in a new process and measure the peak memory of it and its workers.

`resource.getrusage(RUSAGE_CHILDREN)` is the largest child so far, whatever ran before,
and a child's own `ru_maxrss` is the largest single process of its tree (a worker is
counted on its own, not added to the main process). So the memory of a process tree is
sampled from /proc (Linux): the sum of every process's PSS, in which a page shared by
several processes (a forked worker shares its parent's pages until it writes them) is
counted once. The highest sum seen is the peak. Sampling can miss a spike shorter than
its interval, so the figure is never less than the exact peak RSS of the largest single
process (`os.wait4`). Reading PSS walks the page tables, so the interval grows with the
cost of a reading and the sampler stays under about 5% of one core.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
MIN_INTERVAL = 0.05  # seconds between two samples, at least...
COST_FACTOR = 20  # ...and at least 20 times what one sample took


def _status_kb(pid: int, key: str) -> int:
    """A `kB` line of /proc/<pid>/status (VmHWM, VmRSS), or 0 if the process is gone."""
    try:
        text = (PROC / str(pid) / "status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def peak_rss_kb(pid: int) -> int:
    """The peak RSS of one live process (VmHWM), exact, or 0 if it is gone."""
    return _status_kb(pid, "VmHWM")


def _pss_kb(pid: int) -> int:
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:  # gone, or an old kernel: fall back on RSS
        return _status_kb(pid, "VmRSS")
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def descendants(pid: int) -> list[int]:
    """`pid` and every live process under it (workers, a forkserver and its children)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir(PROC):
        if not entry.isdigit():
            continue
        try:
            stat = (PROC / entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold spaces and ")"
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


class TreeMemory:
    """Samples a process tree's summed PSS on a thread until `stop`; `peak_kb` is the highest.

    `hwm_kb` keeps the highest VmHWM (exact peak RSS) seen per process, for the
    largest single process of a tree that is still running (watch).
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> TreeMemory:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        pids = descendants(self.pid)
        self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids))
        for pid in pids:
            self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), peak_rss_kb(pid))
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            self.sample()
            cost = time.perf_counter() - started
            self._stop.wait(max(MIN_INTERVAL, COST_FACTOR * cost))


@dataclass(frozen=True)
class Run:
    """One finished command: wall seconds, its exit code, and memory in MB."""

    seconds: float
    returncode: int
    peak_mb: float  # max(sampled peak of the summed PSS, largest single process's peak RSS)
    tree_pss_mb: float  # the sampled peak of main + workers, shared pages once
    largest_rss_mb: float  # exact peak RSS of the largest single process (ru_maxrss)
    stderr: str


def run(args: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `args` to the end in a new process; output goes to files, so no pipe fills up."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        memory = TreeMemory(proc.pid).start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        memory.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    tree, largest = memory.peak_kb / 1024, usage.ru_maxrss / 1024
    return Run(elapsed, proc.returncode, max(tree, largest), tree, largest, stderr)
