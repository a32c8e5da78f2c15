"""`watch --commit`: a rebuild with no errors commits exactly the changed notes, saying what changed."""

from __future__ import annotations

import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from vault_tool.autocommit import commit_changed_notes
from vault_tool.cli_live import committing
from vault_tool.history import GitFailed
from vault_tool.watch import Watcher

TODAY = date(2026, 11, 23)
NOTE = "---\nname: Acme\nstatus: prospect\nowner: alice\n---\n\n## Log\n- 2026-11-01 call: hello\n"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


def repo(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    (root / "customers").mkdir(parents=True)
    (root / "customers" / "acme.md").write_text(NOTE, encoding="utf-8")
    (root / "customers" / "beta.md").write_text("---\nname: Beta\n---\n", encoding="utf-8")
    (root / "notes.txt").write_text("not a customer\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "config", "user.name", "Alice")
    git(root, "config", "user.email", "alice@example.com")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    return root


def test_commits_changed_notes_with_a_message_saying_what_changed(tmp_path: Path) -> None:
    root = repo(tmp_path)
    changed = NOTE.replace("status: prospect", "status: active") + "- 2026-11-20 visit: shop\n"
    (root / "customers" / "acme.md").write_text(changed, encoding="utf-8")
    (root / "notes.txt").write_text("edited, but not a note\n", encoding="utf-8")
    message = commit_changed_notes(root, TODAY)
    assert message == "acme: status: prospect → active; log +1"
    assert git(root, "log", "-1", "--format=%s%n%an").splitlines() == [message, "Alice"]
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == ["customers/acme.md"]
    assert git(root, "status", "--porcelain").split() == ["M", "notes.txt"]  # left alone
    assert commit_changed_notes(root, TODAY) is None  # nothing left to commit


def test_several_notes_and_a_deleted_one(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "customers" / "beta.md").unlink()
    (root / "customers" / "gamma.md").write_text("---\nname: Gamma\n---\n", encoding="utf-8")
    message = commit_changed_notes(root, TODAY)
    assert message is not None and message.startswith("2 customers changed\n\n")
    assert git(root, "status", "--porcelain") == ""


def test_not_a_repository_is_a_clear_refusal(tmp_path: Path) -> None:
    (tmp_path / "customers").mkdir()
    with pytest.raises(GitFailed, match="not in a usable git repository"):
        commit_changed_notes(tmp_path, TODAY)


def test_the_real_watcher_commits_after_a_clean_rebuild_only(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(tmp_path)
    watcher = Watcher(root, tmp_path / "site", TODAY, quiet=0.1, max_wait=0.5,
                      report=committing(root, TODAY))
    watcher.rebuild()
    watcher.start()
    import threading

    loop = threading.Thread(target=watcher.run)
    loop.start()
    try:
        builds = watcher.builds
        (root / "customers" / "acme.md").write_text("---\nname: Acme\nstatus: activ\n---\n",
                                                    encoding="utf-8")
        builds = watcher.wait_for_build(builds, 10)
        time.sleep(0.2)
        assert git(root, "log", "--format=%s").splitlines() == ["start"]  # an error: no commit
        (root / "customers" / "acme.md").write_text(NOTE.replace("alice", "bob"), encoding="utf-8")
        watcher.wait_for_build(builds, 10)
        deadline = time.monotonic() + 5
        while git(root, "log", "-1", "--format=%s").strip() == "start" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        watcher.stop()
        loop.join(10)
    assert git(root, "log", "-1", "--format=%s").strip() == "acme: owner: alice → bob"
    assert "committed: acme: owner: alice → bob" in capsys.readouterr().err


def children() -> int:
    """Child processes of this test process (git would show up here if one leaked)."""
    me = str(__import__("os").getpid())
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        count += fields[1] == me
    return count


def test_many_commits_leak_no_git_process_or_descriptor(tmp_path: Path) -> None:
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to count descriptors")
    root = repo(tmp_path)
    fds, kids = len(list(Path("/proc/self/fd").iterdir())), children()
    for round_ in range(30):
        text = NOTE + f"- 2026-11-{round_ % 20 + 2:02d} call: round {round_}\n"
        (root / "customers" / "acme.md").write_text(text, encoding="utf-8")
        assert commit_changed_notes(root, TODAY) is not None
    assert len(list(Path("/proc/self/fd").iterdir())) == fds
    assert children() == kids
