"""Stage analytics: figures computed by hand from scripted repositories and timelines."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import ALICE, BOB, Repo, isolated_git

from vault_tool.cli import cli
from vault_tool.history import NoteVersion, note_timeline, repo_state
from vault_tool.model import Settings
from vault_tool.stages import DealTrack, deal_tracks, stage_stats

pytestmark = pytest.mark.usefixtures("isolated_git")
__all__ = ["isolated_git"]


def note(name: str, *deals: tuple[str, str]) -> str:
    lines = [f"---\nname: {name}\nstatus: active\ndeals:"]
    lines += [f"  - title: {title}\n    stage: {stage}\n    value: 1000" for title, stage in deals]
    return "\n".join(lines) + "\n---\n"


def scripted(repo: Repo) -> None:
    """Acme's deal A: qualified 10 days, proposal 20, won. Beta's B: proposal 30, negotiation 30,
    lost (renamed to beta-co on the way). Gamma's C: first seen at proposal, 20 days, then at
    negotiation since 2026-03-02."""
    repo.write("customers/acme.md", note("Acme", ("A", "qualified")))
    repo.write("customers/beta.md", note("Beta", ("B", "proposal")))
    repo.commit("start", ALICE, "2026-01-01T10:00:00+01:00")
    repo.write("customers/acme.md", note("Acme", ("A", "proposal")))
    repo.commit("A proposal", ALICE, "2026-01-11T10:00:00+01:00")
    repo.write("customers/acme.md", note("Acme", ("A", "won")))
    repo.write("customers/beta.md", note("Beta", ("B", "negotiation")))
    repo.commit("A won, B negotiating", BOB, "2026-01-31T10:00:00+01:00")
    repo.write("customers/gamma.md", note("Gamma", ("C", "proposal")))
    repo.move("customers/beta.md", "customers/beta-co.md")
    repo.commit("Gamma; Beta renamed", BOB, "2026-02-10T10:00:00+01:00")
    repo.write("customers/beta-co.md", note("Beta", ("B", "lost")))
    repo.write("customers/gamma.md", note("Gamma", ("C", "negotiation")))
    repo.commit("B lost, C negotiating", ALICE, "2026-03-02T10:00:00+01:00")


def test_figures_from_a_scripted_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    scripted(repo)
    tracks = deal_tracks(note_timeline(repo_state(tmp_path)))
    assert {(t.customer_id, t.title): t.steps for t in tracks} == {
        ("acme", "A"): (("qualified", date(2026, 1, 1)), ("proposal", date(2026, 1, 11)),
                        ("won", date(2026, 1, 31))),
        ("beta-co", "B"): (("proposal", date(2026, 1, 1)), ("negotiation", date(2026, 1, 31)),
                           ("lost", date(2026, 3, 2))),
        ("gamma", "C"): (("proposal", date(2026, 2, 10)), ("negotiation", date(2026, 3, 2))),
    }
    stats = stage_stats(tracks, Settings(), date(2026, 5, 1))
    assert (stats.deals, stats.won, stats.lost, stats.win_rate) == (3, 1, 1, 0.5)
    assert [(f.stage, f.won_later) for f in stats.stages] == [
        ("qualified", 1), ("proposal", 1), ("negotiation", 0), ("won", 0), ("lost", 0)]
    assert [(f.stage, f.reached, f.stays, f.median_days) for f in stats.stages] == [
        ("qualified", 1, 1, 10.0), ("proposal", 3, 3, 20.0), ("negotiation", 2, 1, 30.0),
        ("won", 1, 0, None), ("lost", 1, 0, None)]
    assert [(c.source, c.target, c.reached, c.next, c.ever) for c in stats.conversions] == [
        ("qualified", "proposal", 1, 1, 1), ("qualified", "won", 1, 0, 1),
        ("proposal", "negotiation", 3, 2, 2), ("proposal", "won", 3, 1, 1),
        ("proposal", "lost", 3, 0, 1), ("negotiation", "lost", 2, 1, 1)]
    assert [(s.customer_id, s.title, s.stage, s.days, s.median_days) for s in stats.stuck] == [
        ("gamma", "C", "negotiation", 60, 30.0)]
    # On the day it reaches the median it is not stuck yet.
    assert stage_stats(tracks, Settings(), date(2026, 4, 1)).stuck == ()


def version(day: int, old: str | None, new: str | None, *deals: tuple[str, str | None]
            ) -> NoteVersion:
    return NoteVersion(date(2026, 1, day), old, new, tuple(deals) if new else None)


def test_tracks_through_deletions_returns_and_unreadable_versions() -> None:
    a, d = "customers/a.md", "customers/d.md"
    tracks = deal_tracks([
        version(1, None, a, ("X", "qualified"), ("Y", "proposal")),
        version(1, None, d, ("Z", "proposal")),
        version(5, a, a, ("X", "proposal")),  # Y taken out of the note
        NoteVersion(date(2026, 1, 7), a, a, None),  # a broken version changes nothing
        version(9, a, a, ("X", "qualified"), ("W", None)),  # back a stage; W has no stage
        version(12, d, None),  # deleted
    ])
    by_title = {t.title: t for t in tracks}
    assert by_title["X"] == DealTrack("a", "X", (("qualified", date(2026, 1, 1)),
                                                 ("proposal", date(2026, 1, 5)),
                                                 ("qualified", date(2026, 1, 9))), True)
    assert not by_title["Y"].current and not by_title["Z"].current
    assert by_title["W"].steps == ()
    stats = stage_stats(tracks, Settings(), date(2026, 3, 1))
    assert stats.deals == 3 and stats.win_rate is None
    assert [(f.stage, f.reached, f.median_days) for f in stats.stages] == [
        ("qualified", 1, 4.0), ("proposal", 3, 4.0)]
    # X went back to qualified: stuck there (51 days > 4); Y and Z are gone, never stuck.
    assert [(s.title, s.days) for s in stats.stuck] == [("X", 51)]


def test_stats_command(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    scripted(repo)
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "stats", "--format", "json",
                                      "--today", "2026-05-01"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["win_rate"] == 0.5 and data["deals"] == 3
    assert data["stuck"] == [{"id": "gamma", "title": "C", "stage": "negotiation",
                              "since": "2026-03-02", "days": 60, "median_days": 30.0}]
    assert {"from": "proposal", "to": "negotiation", "reached": 3, "next": 2, "next_rate": 0.6667,
            "ever": 2, "ever_rate": 0.6667} in data["conversions"]
    text = CliRunner().invoke(cli, ["-C", str(tmp_path), "stats", "--today", "2026-05-01"]).stdout
    assert "win rate 50% (1 won, 1 lost)" in text and "gamma: C at negotiation" in text


def test_stats_without_history(tmp_path: Path) -> None:
    (tmp_path / "customers").mkdir()
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "stats"])
    assert result.exit_code == 1 and "not in a git repository" in result.stderr
