"""Real git repositories for tests: scripted files, commits, authors and dates.

Every git run (the tests' and vault-tool's own) sees only the settings made here:
`isolated_git` points git's global config at an empty file and turns the system
config off, so a developer's hooksPath, signing or default branch cannot leak in.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ALICE = ("Alice Smith", "alice@example.com")
BOB = ("Bob Li", "bob@example.com")
WANG = ("王芳", "wang.fang@example.cn")


@pytest.fixture
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("git-home")
    (home / ".gitconfig").write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(home))
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(key, raising=False)
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")


def run_git(cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=check,
                          env={**os.environ, **(env or {})})


class Repo:
    """A repository at `top`; files are written relative to `vault` (a folder inside it)."""

    def __init__(self, top: Path, vault: str = "") -> None:
        self.top = top
        self.vault = top / vault if vault else top
        self.vault.mkdir(parents=True, exist_ok=True)
        run_git(top, "init", "-q", "-b", "main")

    def write(self, rel: str, text: str) -> Repo:
        path = self.vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return self

    def remove(self, rel: str) -> Repo:
        run_git(self.vault, "rm", "-q", rel)
        return self

    def move(self, old: str, new: str) -> Repo:
        (self.vault / new).parent.mkdir(parents=True, exist_ok=True)
        run_git(self.vault, "mv", old, new)
        return self

    def commit(self, message: str, author: tuple[str, str] = ALICE,
               when: str = "2026-01-05T10:00:00+01:00") -> str:
        """Stage everything and commit it as `author` at `when`; the new commit's hash."""
        env = {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1], "GIT_AUTHOR_DATE": when,
               "GIT_COMMITTER_NAME": author[0], "GIT_COMMITTER_EMAIL": author[1],
               "GIT_COMMITTER_DATE": when}
        run_git(self.top, "add", "-A")
        run_git(self.top, "commit", "-q", "--no-verify", "-m", message, env=env)
        return self.git("rev-parse", "HEAD").strip()

    def git(self, *args: str) -> str:
        return run_git(self.top, *args).stdout
