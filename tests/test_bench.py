"""The benchmark script end to end on a tiny generated vault: real builds, a real watch."""

from __future__ import annotations

import importlib
import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
bench = importlib.import_module("bench")
generate = importlib.import_module("generate").generate

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")


def test_measure_gives_a_complete_row(tmp_path: Path) -> None:
    vault = generate(tmp_path / "vault", 30, seed=1)
    row = bench.measure(vault, repeat=1, changes=1)

    assert row.customers == 30
    assert row.floor.files == 30 and row.floor.no_front_matter == 0
    figures = [row.floor.seconds, row.cold_s, row.warm_s, row.cold_per_floor, row.warm_per_cold,
               row.cold_mb, row.watch.peak_mb, row.watch.median_ms, row.watch.max_ms,
               *row.watch.rebuilds_s]
    assert all(math.isfinite(x) and x > 0 for x in figures), figures
    assert len(row.watch.latencies_ms) == 1
    # the debounce is part of the latency, as the user sees it
    assert row.watch.max_ms >= bench.QUIET * 1000
    assert row.watch.clean_exit, row.watch.returncode
    assert set(row.verdicts().values()) == {None}  # 30 customers: no target applies

    cells = bench.table([row]).splitlines()[2].strip("|").split("|")
    assert len(cells) == len(bench.HEADER) + 4
    assert all(cell.strip() for cell in cells)

    args = bench.argparse.Namespace(repeat=1, changes=1)
    data = json.loads(json.dumps(bench.as_json([row], args)))
    assert data["rows"][0]["watch"]["returncode"] in (0, 130)


def test_floor_counts_every_note_it_cannot_split_or_parse(tmp_path: Path) -> None:
    notes = tmp_path / "customers"
    notes.mkdir()
    (notes / "plain.md").write_text("# no front matter\n\ntext\n", encoding="utf-8")
    (notes / "bad.md").write_text("---\nname: [unclosed\n---\nbody\n", encoding="utf-8")
    (notes / "open.md").write_text("---\nname: never closed\n", encoding="utf-8")
    (notes / "latin1.md").write_bytes("---\nname: Café\n---\n".encode("latin-1"))
    (notes / "ok.md").write_text("---\nname: Ok\n---\n\n- item\n", encoding="utf-8")

    result = bench.floor(tmp_path)

    assert (result.files, result.no_front_matter, result.yaml_errors, result.unreadable) == \
        (5, 2, 1, 1)


def test_targets_apply_at_the_sizes_the_issue_names() -> None:
    watch = bench.WatchResult((120.0,), (0.1,), 1.0, 100.0, 0)
    floor = bench.Floor(10.0, 10_000, 0, 0, 0)
    at_10k = bench.Row(10_000, floor, 6.0, 0.7, 500.0, watch).verdicts()
    assert list(at_10k.values()) == [True, False, True, None]
    at_100k = bench.Row(100_000, floor, 6.0, 0.5, 700.0, watch).verdicts()
    assert list(at_100k.values()) == [None, None, None, False]
