"""Measure the live-dashboard targets on generated vaults; print a Markdown table.

For each size, one row: the floor; a cold build and a warm build, each a new process
running the real command; the latency of a one-file change seen by `watch`; the peak
memory of the cold build and of `watch`; and whether each target is met at the size the
issue names it for (the ratios are shown at every size). See docs/performance.md.

    python benchmarks/bench.py                         # 1,000, 10,000 and 100,000 customers
    python benchmarks/bench.py --sizes 1000 --repeat 1 --json /tmp/bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import procmem
from generate import generate
from live import WatchResult, measure_watch

from vault_tool.scaffold import CACHE_DIR
from vault_tool.vault import find_notes
from vault_tool.watch import QUIET

TODAY = "2026-11-23"
SEED = 1
COLD_PER_FLOOR = 0.7  # at 10,000 customers: a cold build in at most 0.7 x the floor
WARM_PER_COLD = 0.1  # at 10,000: a warm build in at most 0.1 x the cold build
CHANGE_MS = 150.0  # at 10,000: a one-file change seen by watch in under 150 ms
PEAK_MB = 600.0  # at 100,000: peak memory under 600 MB
TIME_TARGETS_AT = 10_000
MEMORY_TARGET_AT = 100_000


@dataclass(frozen=True)
class Floor:
    """The floor's seconds, and what it did with the notes (none may be left out silently)."""

    seconds: float
    files: int
    no_front_matter: int  # rendered whole, as body
    yaml_errors: int  # YAML parsed until the error; body rendered
    unreadable: int  # not UTF-8: counted, not parsed (the tool reports them too)


def split_note(text: str) -> tuple[str | None, str]:
    """Front matter and body, or (None, text) when there is no closed front matter."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end != -1:
            return text[4:end + 1], text[end + 5:]
        if text.endswith("\n---"):
            return text[4:-3], ""
    return None, text


def floor(vault: Path) -> Floor:
    """List, read, parse the YAML (libyaml) and render the Markdown (markdown-it-py) of every
    note, in this one thread: what any tool built on these libraries must spend."""
    import yaml
    from markdown_it import MarkdownIt

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    md = MarkdownIt("commonmark", {"html": False})
    counts = {"none": 0, "yaml": 0, "unreadable": 0}
    start = time.perf_counter()
    paths = find_notes(vault)
    for rel in paths:
        try:
            text = (vault / rel).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            counts["unreadable"] += 1
            continue
        front, body = split_note(text)
        if front is None:
            counts["none"] += 1
        else:
            try:
                yaml.load(front, Loader=loader)
            except yaml.YAMLError:
                counts["yaml"] += 1
        md.render(body)
    seconds = time.perf_counter() - start
    return Floor(seconds, len(paths), counts["none"], counts["yaml"], counts["unreadable"])


def build(vault: Path, out: Path) -> procmem.Run:
    """`vault-tool build` in a new process; a vault with problems (exit 1) still builds."""
    args = [sys.executable, "-m", "vault_tool", "-C", str(vault), "build", "-o", str(out),
            "--today", TODAY]
    result = procmem.run(args)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({result.returncode}): {result.stderr[-800:]}")
    return result


def cold_then_warm(vault: Path, out: Path) -> tuple[procmem.Run, procmem.Run]:
    """A cold build (no cache, empty output folder), then a warm one (both left as they are)."""
    shutil.rmtree(vault / CACHE_DIR, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return build(vault, out), build(vault, out)


@dataclass(frozen=True)
class Row:
    """One size's figures: seconds are the best of the repeats, MB the highest."""

    customers: int
    floor: Floor
    cold_s: float
    warm_s: float
    cold_mb: float
    watch: WatchResult

    @property
    def cold_per_floor(self) -> float:
        return self.cold_s / self.floor.seconds

    @property
    def warm_per_cold(self) -> float:
        return self.warm_s / self.cold_s

    def verdicts(self) -> dict[str, bool | None]:
        """Each target: met or not, or None at a size the issue sets no target for."""
        timed, sized = self.customers == TIME_TARGETS_AT, self.customers == MEMORY_TARGET_AT
        return {
            f"cold ≤ {COLD_PER_FLOOR}×floor": self.cold_per_floor <= COLD_PER_FLOOR if timed else None,
            f"warm ≤ {WARM_PER_COLD}×cold": self.warm_per_cold <= WARM_PER_COLD if timed else None,
            f"change < {CHANGE_MS:.0f} ms": self.watch.max_ms < CHANGE_MS if timed else None,
            f"peak < {PEAK_MB:.0f} MB": max(self.cold_mb, self.watch.peak_mb) < PEAK_MB
            if sized else None,
        }


def measure(vault: Path, repeat: int, changes: int) -> Row:
    """Floor, cold and warm builds `repeat` times (interleaved, so noise hits all alike),
    then `watch` with `changes` one-file changes."""
    floors, colds, warms = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            floors.append(floor(vault))
            cold, warm = cold_then_warm(vault, Path(tmp) / "site")
            colds.append(cold)
            warms.append(warm)
        watch = measure_watch(vault, Path(tmp) / "watched", TODAY, changes)
    return Row(floors[0].files, min(floors, key=lambda f: f.seconds),
               min(r.seconds for r in colds), min(r.seconds for r in warms),
               max(r.peak_mb for r in colds), watch)


HEADER = ["customers", "floor s", "cold s", "cold/floor", "warm s", "warm/cold",
          "change ms (median / max)", "cold MB", "watch MB"]


def cells(row: Row) -> list[str]:
    verdicts = ["–" if ok is None else "PASS" if ok else "FAIL" for ok in row.verdicts().values()]
    change = f"{row.watch.median_ms:.0f} / {row.watch.max_ms:.0f}"
    return [f"{row.customers:,}", f"{row.floor.seconds:.2f}", f"{row.cold_s:.2f}",
            f"{row.cold_per_floor:.2f}", f"{row.warm_s:.2f}", f"{row.warm_per_cold:.2f}", change,
            f"{row.cold_mb:.0f}", f"{row.watch.peak_mb:.0f}", *verdicts]


def table(rows: list[Row]) -> str:
    """A Markdown table, to paste into docs/performance.md."""
    header = HEADER + list(rows[0].verdicts()) if rows else HEADER
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---:"] * len(header)) + "|"]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def notes(rows: list[Row], repeat: int, changes: int) -> str:
    """What the table does not say: the method, and anything the floor could not parse."""
    said = [f"Best of {repeat} (seconds), highest of {repeat} (MB); change: {changes} changes "
            f"through watch, whose debounce waits for {QUIET} s without events; "
            f"MB: main process and workers together."]
    for row in rows:
        f = row.floor
        if f.no_front_matter or f.yaml_errors or f.unreadable:
            said.append(f"{row.customers:,}: the floor found {f.no_front_matter} notes without "
                        f"front matter, {f.yaml_errors} YAML errors, {f.unreadable} unreadable.")
        if not row.watch.clean_exit:
            said.append(f"{row.customers:,}: watch did not stop cleanly on SIGINT "
                        f"(exit {row.watch.returncode}).")
    return "\n".join(said)


def as_json(rows: list[Row], args: argparse.Namespace) -> dict[str, object]:
    def one(row: Row) -> dict[str, object]:
        data = asdict(row)
        data["watch"].update(median_ms=row.watch.median_ms, max_ms=row.watch.max_ms,
                             clean_exit=row.watch.clean_exit)
        data.update(cold_per_floor=row.cold_per_floor, warm_per_cold=row.warm_per_cold,
                    targets=row.verdicts())
        return data

    return {"measured": datetime.now().isoformat(timespec="seconds"), "today": TODAY,
            "seed": SEED, "repeat": args.repeat, "changes": args.changes, "watch_quiet_s": QUIET,
            "python": platform.python_version(), "cpus": os.cpu_count(),
            "load_average": os.getloadavg(), "rows": [one(row) for row in rows]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=2, help="cold and warm builds per size")
    parser.add_argument("--changes", type=int, default=5, help="one-file changes through watch")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            print(f"{size:,} customers: generating, then measuring...", file=sys.stderr, flush=True)
            vault = generate(Path(tmp) / f"v{size}", size, seed=SEED)
            rows.append(measure(vault, max(1, args.repeat), max(1, args.changes)))
            shutil.rmtree(vault)
    print(table(rows))
    print()
    print(notes(rows, args.repeat, args.changes))
    if args.json:
        args.json.write_text(json.dumps(as_json(rows, args), indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")


if __name__ == "__main__":
    main()
