"""How long `watch` takes to show a one-file change: from the write to the updated page.

`watch` runs in a new process, as a user starts it. Once its first build is done and it
watches the vault, each change appends a log entry with a unique marker word to one note
(an atomic write, as editors save), and the customer's page in the output is polled every
2 ms until it holds the marker. The latency runs from just before the write to that
moment, so it includes the watcher's debounce (its quiet period, `vault_tool.watch.QUIET`)
and the rebuild. The next change waits until `watch` has printed that its rebuild is over.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from procmem import TreeMemory

from vault_tool.output import customer_file
from vault_tool.vault import customer_id, find_notes

POLL = 0.002  # seconds between two looks at the page
REBUILT = re.compile(r"rebuilt in ([0-9.]+) s")
CLEAN_EXITS = (0, 130)  # Ctrl-C handled, or Python's own exit on SIGINT


@dataclass(frozen=True)
class WatchResult:
    """The latencies of the changes (ms), watch's own rebuild times, its memory and exit."""

    latencies_ms: tuple[float, ...]
    rebuilds_s: tuple[float, ...]
    first_build_s: float
    peak_mb: float  # max(sampled peak of the summed PSS, largest single process's peak RSS)
    returncode: int | None  # None: it did not stop within the timeout and was killed

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def max_ms(self) -> float:
        return max(self.latencies_ms)

    @property
    def clean_exit(self) -> bool:
        return self.returncode in CLEAN_EXITS


class Lines:
    """The lines a process prints on stdout and stderr, gathered by two reader threads."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.queue: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self.threads = [threading.Thread(target=self._read, args=(name, stream), daemon=True)
                        for name, stream in (("out", proc.stdout), ("err", proc.stderr))]
        for thread in self.threads:
            thread.start()

    def _read(self, name: str, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.queue.put((name, line.rstrip("\n")))

    def wait_for(self, stream: str, pattern: str, timeout: float) -> str:
        """The next line of `stream` that contains `pattern`; fail if the process ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                name, line = self.queue.get(timeout=0.05)
            except queue.Empty:
                if self.proc.poll() is not None and self.queue.empty():
                    break
                continue
            self.seen.append((name, line))
            if name == stream and pattern in line:
                return line
            if name == "err" and "build failed" in line:
                break
        raise RuntimeError(f"watch: no {pattern!r} on std{stream} within {timeout:.0f} s; "
                           f"exit {self.proc.poll()}; it printed: {self.seen[-10:]}")

    def close(self) -> None:
        """After the process has ended: the readers reach the end, then the pipes close."""
        for thread in self.threads:
            thread.join(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def append_atomic(path: Path, text: str) -> None:
    """Append `text` to a note the way editors save: a hidden temporary file, fsync, rename."""
    temp = path.with_name(f".{path.name}.bench-tmp")
    data = path.read_bytes() + text.encode("utf-8")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def wait_for_marker(page: Path, marker: bytes, timeout: float) -> float:
    """Poll `page` until it contains `marker`; the perf_counter() of that moment."""
    deadline = time.perf_counter() + timeout
    while True:
        try:
            if marker in page.read_bytes():
                return time.perf_counter()
        except OSError:
            pass
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{page} did not show {marker.decode()} within {timeout:.0f} s")
        time.sleep(POLL)


def change_once(vault: Path, out: Path, rel: str, number: int, lines: Lines,
                timeout: float) -> tuple[float, float]:
    """One change to the note `rel`: its latency in ms, and watch's rebuild seconds."""
    marker = f"benchmark{number}x{time.time_ns() % 10**9}"
    page = out / customer_file(customer_id(rel))
    started = time.perf_counter()
    append_atomic(vault / rel, f"- 2026-11-22 note: {marker}\n")
    seen = wait_for_marker(page, marker.encode(), timeout)
    line = lines.wait_for("out", f"{Path(rel).name}", timeout)
    match = REBUILT.search(line)
    return (seen - started) * 1000, float(match.group(1)) if match else float("nan")


def measure_watch(vault: Path, out: Path, today: str, changes: int = 5,
                  startup_timeout: float = 3600) -> WatchResult:
    """Start `watch`, make `changes` one-file changes to different notes, stop it with SIGINT."""
    notes = find_notes(vault)
    picked = [notes[(i * len(notes)) // changes + len(notes) // (2 * changes)]
              for i in range(changes)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    args = [sys.executable, "-m", "vault_tool", "-C", str(vault), "watch", "-o", str(out),
            "--today", today]
    # Ctrl-C must reach `watch` as it would in a terminal, even when the benchmark itself
    # runs in the background (`... &`), where the shell makes every child ignore SIGINT.
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    memory = TreeMemory(proc.pid).start()
    lines = Lines(proc)
    try:
        first = lines.wait_for("out", "vault-tool: built in ", startup_timeout)
        lines.wait_for("err", "watching ", 60)  # printed once the observer has started
        first_s = float(first.split("built in ")[1].split()[0])
        timeout = max(60.0, 3 * first_s)
        results = [change_once(vault, out, rel, n, lines, timeout) for n, rel in enumerate(picked)]
        memory.sample()  # the last VmHWM of each process, read while it still runs
    finally:
        memory.stop()
        returncode = stop(proc)
        lines.close()
    peak_kb = max(memory.peak_kb, max(memory.hwm_kb.values(), default=0))
    return WatchResult(tuple(r[0] for r in results), tuple(r[1] for r in results), first_s,
                       peak_kb / 1024, returncode)


def stop(proc: subprocess.Popen[str], timeout: float = 30) -> int | None:
    """Ctrl-C, as a user stops `watch`; the exit code, or None if it had to be killed."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None
