"""Vault-wide pages kept from the last build (render.Reuse) are exactly what a fresh build makes.

A page is not made again when its key (a digest of its template's context, each customer
in it standing for that customer's page key) and its file are unchanged. These tests
edit a realistic vault in many ways, with lists cut into short pages so that rows move
between pages, and compare every file with a build from scratch.
"""

from __future__ import annotations

import importlib
import os
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY

from vault_tool import paging, workers
from vault_tool.build import SiteMemo, build_site
from vault_tool.cache import NoteCache
from vault_tool.render import Renderer
from vault_tool.vault import load_vault

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
generate = importlib.import_module("generate").generate


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


@pytest.fixture()
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates actually rendered (in this process)."""
    seen: list[str] = []
    real = Renderer._render

    def counting(self: Renderer, template: str, context: dict[str, object]) -> bytes:
        seen.append(template)
        return real(self, template, context)

    monkeypatch.setattr(Renderer, "_render", counting)
    return seen


def notes_of(root: Path) -> list[Path]:
    return sorted((root / "customers").rglob("*.md"))


def edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, path
    path.write_text(changed, encoding="utf-8")


def edits(root: Path, rng: random.Random) -> list[Callable[[], None]]:
    """Edits of every kind a person makes, each moving rows of some lists or none."""
    def pick() -> Path:
        return rng.choice(notes_of(root))

    return [
        lambda: edit(pick(), lambda t: t + "- 2026-11-27 call: asked about the renewal\n"),
        lambda: edit(pick(), lambda t: re.sub(r"stage: \w+", "stage: won", t, count=1)),
        lambda: edit(pick(), lambda t: re.sub(r"owner: [\w.]+", "owner: zoe", t, count=1)),
        lambda: edit(pick(), lambda t: re.sub(r"value: \d+", "value: 999000", t, count=1)),
        lambda: edit(pick(), lambda t: re.sub(r"phone: \"\d+\"", 'phone: "13800000000"', t,
                                              count=1)),
        lambda: edit(pick(), lambda t: re.sub(r"name: (Customer|客户)", "name: Aardvark", t,
                                              count=1)),
        lambda: edit(pick(), lambda t: t.replace("status: ", "status: not-a-status-", 1)),
        lambda: edit(pick(), lambda t: re.sub(r"amount: \d+", "amount: 1", t, count=1)),
        lambda: pick().unlink(),
        lambda: (root / "customers" / "new-one.md").write_text(
            "---\nname: Brand New\nstatus: lead\nowner: alice\nnext_follow_up: 2026-11-20\n"
            "deals:\n  - title: first\n    stage: proposal\n    value: 5000\n---\n",
            encoding="utf-8"),
        lambda: edit(root / "vault.yml", lambda t: t.replace("Benchmark Trading", "Renamed Ltd")),
    ]


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "workers"])
def test_kept_pages_equal_a_fresh_build_after_every_kind_of_edit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renders: list[str],
        parallel: bool) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 4)
    monkeypatch.setattr(paging, "BOARD_CARDS", 3)
    monkeypatch.setattr(paging, "OWNERS_PER_PAGE", 2)
    monkeypatch.setattr(workers, "MIN_PARALLEL", 1 if parallel else 10**9)
    root = generate(tmp_path / "vault", 60, seed=7)
    out = tmp_path / "site"
    notes, memo = NoteCache(None), SiteMemo()
    rng = random.Random(3)
    build_site(load_vault(root, TODAY, notes), out, TODAY, root, memo=memo)
    for number, change in enumerate(edits(root, rng)):
        change()
        past = time.time() - 60
        for path in notes_of(root):
            os.utime(path, (past, past + number))  # a new stamp, out of the racy window
        renders.clear()
        build_site(load_vault(root, TODAY, notes), out, TODAY, root, memo=memo)
        fresh = tmp_path / f"fresh{number}"
        build_site(load_vault(root, TODAY), fresh, TODAY, root)
        assert files_of(out) == files_of(fresh), number


def test_a_one_note_change_makes_only_the_pages_that_show_it_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renders: list[str]) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 4)
    monkeypatch.setattr(workers, "MIN_PARALLEL", 10**9)
    root = generate(tmp_path / "vault", 60, seed=7)
    out, notes, memo = tmp_path / "site", NoteCache(None), SiteMemo()
    build_site(load_vault(root, TODAY, notes), out, TODAY, root, memo=memo)
    everything = len(renders)
    renders.clear()
    build_site(load_vault(root, TODAY, notes), out, TODAY, root, memo=memo)
    assert renders == []  # nothing changed: no page is made

    edit(notes_of(root)[5], lambda t: re.sub(r"phone: \"\d+\"", 'phone: "13800000000"', t,
                                             count=1))
    build_site(load_vault(root, TODAY, notes), out, TODAY, root, memo=memo)
    # Its own page, and the few vault-wide pages that show the customer in a row.
    assert "customer.html" in renders
    assert 1 < len(renders) < everything / 4, (len(renders), everything)
    fresh = tmp_path / "fresh"
    build_site(load_vault(root, TODAY), fresh, TODAY, root)
    assert files_of(out) == files_of(fresh)


def test_a_page_whose_file_was_changed_by_hand_is_made_again(
        tmp_path: Path, renders: list[str]) -> None:
    root = generate(tmp_path / "vault", 12, seed=7)
    out, notes, memo = tmp_path / "site", NoteCache(None), SiteMemo()
    build_site(load_vault(root, TODAY, notes), out, TODAY, root, memo=memo)
    good = (out / "pipeline.html").read_bytes()
    (out / "pipeline.html").write_text("spoiled", encoding="utf-8")
    renders.clear()
    build_site(load_vault(root, TODAY, notes), out, TODAY, root, memo=memo)
    assert renders == ["pipeline.html"]
    assert (out / "pipeline.html").read_bytes() == good
