"""Time `check` and `build` on the example vault and on generated vaults; print a table.

Each figure is the best of --repeat runs of the real command in a new process
(so it includes Python's start-up), plus the peak memory of that process.
The floor is the single-core time to read every file, parse its YAML and
render its Markdown with markdown-it-py, measured in the same run.

    python benchmarks/bench.py                 # example vault, 1,000 and 10,000 customers
    python benchmarks/bench.py --sizes 1000    # quicker
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"


def run(args: list[str]) -> tuple[float, float]:
    """Seconds and peak MB of one command in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{args} failed: {result.stderr.decode()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def best(args: list[str], repeat: int) -> tuple[float, float]:
    runs = [run(args) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def floor(vault: Path) -> float:
    """Read + YAML + Markdown for every note, single core, no validation or pages."""
    import yaml
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    start = time.perf_counter()
    for path in sorted((vault / "customers").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        yaml.load(front, Loader=yaml.CSafeLoader)
        md.render(body)
    return time.perf_counter() - start


def measure(name: str, vault: Path, repeat: int) -> list[str]:
    exe = [sys.executable, "-m", "vault_tool", "-C", str(vault)]
    count = sum(1 for _ in (vault / "customers").rglob("*.md"))
    check_s, check_mb = best([*exe, "check", "--today", TODAY], repeat)
    with tempfile.TemporaryDirectory() as out:
        build_s, build_mb = best([*exe, "build", "-o", str(Path(out) / "site"), "--today", TODAY], repeat)
        size = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file()) / 1e6
    return [name, f"{count:,}", f"{floor(vault):.2f}", f"{check_s:.2f}", f"{check_mb:.0f}",
            f"{build_s:.2f}", f"{build_mb:.0f}", f"{size:.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description="Time check and build.")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    header = ["vault", "customers", "floor s", "check s", "check MB", "build s", "build MB", "site MB"]
    rows = [measure("example_vault", ROOT / "example_vault", args.repeat)]
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            vault = generate(Path(tmp) / f"v{size}", size, seed=1)
            rows.append(measure("generated (seed 1)", vault, max(1, args.repeat - 1)))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=False)))


if __name__ == "__main__":
    main()
