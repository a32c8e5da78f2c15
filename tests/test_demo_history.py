"""scripts/demo_history.py: a year of history that ends in exactly example_vault/."""

from __future__ import annotations

import functools
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner
from gitrepo import isolated_git

from vault_tool.cache import CACHE_DIR
from vault_tool.cli import cli

pytestmark = pytest.mark.usefixtures("isolated_git")
__all__ = ["isolated_git"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_vault"


@functools.cache
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_history", ROOT / "scripts" / "demo_history.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["demo_history"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "core.quotePath=false", *args],
                          capture_output=True, text=True, check=True).stdout


def tree(folder: Path) -> dict[str, bytes]:
    """The vault's own files: not git's, nor the cache a build or serve left (git-ignored)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()
            and not {".git", CACHE_DIR} & set(p.relative_to(folder).parts)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "vault"
    assert script().main([str(target)]) == 0
    return target


def test_ends_in_example_vault(demo: Path) -> None:
    assert tree(demo) == tree(EXAMPLE)
    committed = set(git(demo, "ls-files").splitlines())
    assert committed == set(tree(EXAMPLE))
    assert git(demo, "status", "--porcelain") == ""


def test_a_year_by_several_authors(demo: Path) -> None:
    dates = git(demo, "log", "--format=%as").split()
    assert min(dates) == "2025-12-01" and max(dates) == "2026-11-23" and len(dates) > 100
    authors = set(git(demo, "log", "--format=%an").splitlines())
    assert len(authors) >= 4
    handover = git(demo, "log", "--format=%H", "--grep=^handover: chen.jie leaves").split()
    assert len(handover) == 1
    diff = git(demo, "show", "--format=", handover[0])
    assert "-owner: chen.jie" in diff and "+owner: li.lei" in diff
    assert "chen.jie" not in (demo / "vault.yml").read_text(encoding="utf-8")


def test_stats_finds_stage_moves(demo: Path) -> None:
    result = CliRunner().invoke(cli, ["-C", str(demo), "stats", "--format", "json",
                                      "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    moves = {(c["from"], c["to"]): c["next"] for c in stats["conversions"]}
    assert moves[("proposal", "negotiation")] > 5 and moves[("negotiation", "won")] > 5
    assert stats["won"] > 0 and stats["lost"] > 0


def test_deterministic_and_never_inside_the_project(tmp_path: Path, demo: Path) -> None:
    assert script().main([str(tmp_path / "again")]) == 0
    assert git(tmp_path / "again", "rev-parse", "HEAD") == git(demo, "rev-parse", "HEAD")
    with pytest.raises(SystemExit, match="inside vault-tool's own repository"):
        script().main([str(ROOT / "demo-here")])
    with pytest.raises(SystemExit, match="not empty"):
        script().main([str(demo)])
    assert not (ROOT / "demo-here").exists()
