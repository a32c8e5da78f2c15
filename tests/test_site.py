"""site/ is exactly what a fresh build of example_vault gives, with the README's pinned date."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from vault_tool.build import build_site
from vault_tool.vault import load_vault

ROOT = Path(__file__).resolve().parent.parent


def site_command() -> re.Match[str]:
    """The README's command that builds site/: right after its first command (which serves)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n.*?\n```\n", readme, re.S)
    assert first, "the README has no ```sh block"
    after = readme[first.end():readme.index("```sh", first.end())]
    match = re.search(r"`vault-tool -C example_vault build -o \.\./site --today (\d{4}-\d{2}-\d{2})`",
                      after)
    assert match, "right after its first command, the README must build example_vault into site/ " \
                  "with --today"
    return match


def pinned_today() -> date:
    return date.fromisoformat(site_command().group(1))


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_example_vault_is_clean() -> None:
    vault = load_vault(ROOT / "example_vault", pinned_today())
    assert [p for p in vault.problems] == []
    assert len(vault.customers) >= 40


def test_committed_site_is_a_fresh_build(tmp_path: Path) -> None:
    today = pinned_today()
    build_site(load_vault(ROOT / "example_vault", today), tmp_path / "site", today)
    fresh, committed = files(tmp_path / "site"), files(ROOT / "site")
    assert sorted(fresh) == sorted(committed), "rebuild site/ with the README's build command"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], f"site/ is out of date ({stale[:5]}); rebuild it with the README's build command"


def test_example_vault_shows_every_kind_of_follow_up() -> None:
    from vault_tool.followups import board

    result = board(load_vault(ROOT / "example_vault", pinned_today()), pinned_today())
    groups = (result.overdue, result.today, result.this_week, result.later, result.no_plan,
              result.going_cold)
    assert all(groups), [len(g) for g in groups]
