"""memo.per_vault: one computation per vault, none kept after a build."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from conftest import TODAY, load, make_vault

from vault_tool import memo, pipeline
from vault_tool.build import build_site
from vault_tool.model import Vault

NOTE = "---\nname: {name}\nstatus: active\ndeals:\n  - title: t\n    stage: proposal\n    value: 10\n---\n"


def test_results_are_computed_once_per_vault_and_again_for_another(tmp_path: Path) -> None:
    calls: list[int] = []

    @memo.per_vault
    def count(vault: Vault, extra: int) -> int:
        calls.append(extra)
        return len(vault.customers) + extra

    root = make_vault(tmp_path / "v", {"customers/a.md": NOTE.format(name="A")})
    first, second = load(root), load(root)
    assert [count(first, 1), count(first, 1), count(first, 2)] == [2, 2, 3]
    assert calls == [1, 2]
    assert count(second, 1) == 2 and calls == [1, 2, 1]  # an equal but new vault: computed


def test_a_build_keeps_no_reference_to_its_vault(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"customers/a.md": NOTE.format(name="A")})
    vault = load(root)
    assert pipeline.open_deals(vault)  # kept by per_vault
    build_site(vault, tmp_path / "site", TODAY)
    gone = weakref.ref(vault)
    del vault
    gc.collect()
    assert gone() is None
