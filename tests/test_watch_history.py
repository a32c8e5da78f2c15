"""`watch --history` and `serve --history` show git's history as `build` does, and keep it
current: a saved note is marked as not committed, a commit shows up on the next rebuild."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import start_live
from gitrepo import BOB, Repo, isolated_git
from test_pipeline_history import history_of, pipeline
from test_reuse import files_of
from test_stages import note, scripted

from vault_tool.cli import cli
from vault_tool.watch import Watcher

pytestmark = pytest.mark.usefixtures("isolated_git")
__all__ = ["isolated_git"]
TODAY = date(2026, 5, 1)


def test_watch_shows_the_history_and_follows_saves_and_commits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vault_tool.build as build_module

    then_reads: list[object] = []
    real_load_at = build_module.load_at
    monkeypatch.setattr(build_module, "load_at",
                        lambda *args: then_reads.append(args[1]) or real_load_at(*args))
    repo = Repo(tmp_path / "vault")
    scripted(repo)
    out = tmp_path / "site"
    watcher = Watcher(repo.vault, out, TODAY)  # a vault at its repository's root: shown
    assert watcher.rebuild().failure is None
    assert "stage-analytics" in pipeline(out).ids and "then-vs-now" in pipeline(out).ids
    acme = history_of(out / "customers" / "acme.html")
    assert acme.classes["last-changed"] == "Last changed by Bob Li on 2026-01-31 10:00 +01:00."
    assert "uncommitted" not in acme.classes

    repo.write("customers/acme.md", note("Acme", ("A", "won"), ("B", "won")))
    assert watcher.rebuild(("customers/acme.md",)).failure is None
    assert "not committed yet" in history_of(out / "customers" / "acme.html").classes["uncommitted"]

    repo.commit("Acme: B won", BOB, "2026-04-20T09:00:00+02:00")
    assert watcher.rebuild().failure is None
    acme = history_of(out / "customers" / "acme.html")
    assert "uncommitted" not in acme.classes
    assert acme.classes["last-changed"] == "Last changed by Bob Li on 2026-04-20 09:00 +02:00."
    assert "Acme: B won" in acme.items[0]
    # The vault at the quarter's start was read once: the new commit did not move it.
    assert len(then_reads) == 1 and "then-vs-now" in pipeline(out).ids
    # What was kept from the earlier readings gives exactly what `build --history` gives.
    fresh = tmp_path / "fresh"
    result = CliRunner().invoke(cli, ["-C", str(repo.vault), "build", "--history", "-o",
                                      str(fresh), "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert files_of(out) == files_of(fresh)


def test_no_history_when_turned_off_in_a_subfolder_or_out_of_reach(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "vault")
    scripted(repo)
    off = Watcher(repo.vault, tmp_path / "off", TODAY, history=False)
    assert off.rebuild().failure is None
    assert "stage-analytics" not in pipeline(tmp_path / "off").ids
    assert history_of(tmp_path / "off" / "customers" / "acme.html").classes == {}

    project = Repo(tmp_path / "project", "example")  # a vault in a bigger repository
    scripted(project)
    inside = Watcher(project.vault, tmp_path / "inside", TODAY)
    assert inside.rebuild().failure is None and inside.history_missing == ""
    assert "stage-analytics" not in pipeline(tmp_path / "inside").ids
    asked = Watcher(project.vault, tmp_path / "asked", TODAY, history=True)
    assert asked.rebuild().failure is None
    assert "stage-analytics" in pipeline(tmp_path / "asked").ids

    plain = tmp_path / "plain"
    (plain / "customers").mkdir(parents=True)
    (plain / "customers" / "acme.md").write_text(note("Acme", ("A", "won")), encoding="utf-8")
    asked = Watcher(plain, tmp_path / "plain-site", TODAY, history=True)
    assert asked.rebuild().failure is None
    assert asked.history_missing == "no-repo"
    assert "stage-analytics" not in pipeline(tmp_path / "plain-site").ids


def test_watch_command_says_why_asked_for_history_is_missing(tmp_path: Path) -> None:
    import signal

    root = tmp_path / "plain"
    (root / "customers").mkdir(parents=True)
    (root / "customers" / "acme.md").write_text(note("Acme", ("A", "won")), encoding="utf-8")
    process, lines = start_live(["-C", str(root), "watch", "--history", "--today", "2026-05-01"],
                                "watching")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    text = "".join(lines) + out + err
    assert process.returncode == 0, text
    assert "no history sections: the vault is not in a git repository" in text


def test_a_commit_alone_updates_the_pages_that_said_not_committed_yet(tmp_path: Path) -> None:
    """A commit changes no note, so only the watch on git's HEAD notices it: the customer's
    page stops saying "not committed yet" and names the commit, without another save."""
    import threading

    from vault_tool.watch import HEAD_MOVED, describe, head_moved

    repo = Repo(tmp_path / "vault")
    scripted(repo)
    out = tmp_path / "site"
    reports: list[str] = []
    watcher = Watcher(repo.vault, out, TODAY, quiet=0.05,
                      report=lambda rebuild: reports.append(describe(rebuild)))
    watcher.rebuild()
    watcher.start()
    loop = threading.Thread(target=watcher.run)
    loop.start()
    try:
        seen = watcher.builds
        repo.write("customers/acme.md", note("Acme", ("A", "won"), ("B", "won")))
        seen = watcher.wait_for_build(seen, 15)
        assert "uncommitted" in history_of(out / "customers" / "acme.html").classes
        repo.commit("Acme: B won", BOB, "2026-04-20T09:00:00+02:00")
        deadline = time.monotonic() + 15
        while "uncommitted" in history_of(out / "customers" / "acme.html").classes:
            assert time.monotonic() < deadline, reports
            time.sleep(0.05)
    finally:
        watcher.stop()
        loop.join(10)
    acme = history_of(out / "customers" / "acme.html")
    assert "Acme: B won" in acme.items[0]
    assert any(line.startswith("git HEAD moved: rebuilt in") for line in reports), reports
    git = repo.top / ".git"
    assert head_moved(git, str(git / "refs/heads/main")) and head_moved(git, str(git / "HEAD"))
    assert not head_moved(git, str(git / "index")) and not head_moved(git, str(git / "objects/ab/cd"))
    assert not head_moved(git, str(git / "refs/heads/main.lock")) and HEAD_MOVED == "git HEAD"


def test_build_keeps_what_it_read_from_git_for_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """.vault-tool-cache/history.pickle: after a commit, `build` parses only the new versions,
    and builds what a build without the cache builds."""
    import vault_tool.history as history_module

    repo = Repo(tmp_path / "vault")
    scripted(repo)

    def build(out: str, *more: str) -> None:
        result = CliRunner().invoke(cli, ["-C", str(repo.vault), "build", "-o", str(tmp_path / out),
                                          "--today", TODAY.isoformat(), *more])
        assert result.exit_code == 0, result.output

    build("site")
    assert (repo.vault / ".vault-tool-cache" / "history.pickle").is_file()
    repo.write("customers/acme.md", note("Acme", ("A", "won"), ("B", "won")))
    repo.commit("Acme: B won", BOB, "2026-04-20T09:00:00+02:00")
    parsed: list[str] = []
    real = history_module.parse_note
    monkeypatch.setattr(history_module, "parse_note",
                        lambda data, path: parsed.append(path) or real(data, path))
    build("site")
    assert parsed and set(parsed) == {"customers/acme.md"}, parsed  # the new versions only
    monkeypatch.undo()
    build("fresh", "--no-cache")
    assert files_of(tmp_path / "site") == files_of(tmp_path / "fresh")
