"""Time travel: the vault as it stood at a commit, read from git objects, never the working tree.

A revision is anything git understands (`HEAD~3`, a tag, a hash), or a date `YYYY-MM-DD`,
which means the last commit on or before that day. The day of a commit is its committer
date in its own time zone: the day the person committing saw on their clock.

Loading costs three git processes whatever the size of the vault: `rev-parse` (or one
`log` for a date), one `ls-tree -r` for the notes' blob ids, and one `cat-file --batch`
for all their contents (history.read_objects). The notes then go through the same
vault.build_vault as the working tree, so a vault then is checked exactly as one now.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .config import CONFIG_FILE
from .history import GitFailed, RepoState, git, is_note_path, read_objects, repo_state
from .model import Problem, Vault
from .vault import CUSTOMERS_DIR, build_vault, customer_id

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

STATE_MESSAGES = {
    "no-git": "--as-of needs git, and git is not installed (or not on the PATH).",
    "no-repo": "{root} is not in a git repository, so there is no earlier version to read; "
               "--as-of needs the vault's history in git.",
    "no-commits": "the repository at {top} has no commits yet, so there is nothing to go back to.",
    "error": "git could not read the history: {detail}",
}


class AsOfError(Exception):
    """The revision cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Revision:
    """A commit the vault is read at."""

    commit: str
    short: str
    when: datetime  # committer date, with its own offset

    @property
    def day(self) -> date:
        return self.when.date()


def available_state(vault_root: Path) -> RepoState:
    """The repository, or AsOfError worded for --as-of."""
    state = repo_state(vault_root)
    if not state.available:
        raise AsOfError(STATE_MESSAGES[state.state].format(
            root=vault_root, top=state.top, detail=state.detail))
    return state


def resolve(state: RepoState, rev: str) -> Revision:
    """The commit REV names: a date means the last commit on or before that day."""
    if DATE_RE.fullmatch(rev):
        return _on_or_before(state, rev)
    if rev.startswith("-") or not rev.strip():  # git would read it as an option
        raise AsOfError(f"unknown revision {rev!r}: give a commit, a branch, a tag, or a date "
                        "YYYY-MM-DD.")
    try:
        line = git(state.top, "log", "-1", "--no-walk", "--format=%H %cI", f"{rev}^{{commit}}",
                   "--").strip()
    except GitFailed:
        raise AsOfError(f"unknown revision {rev!r}: no commit, branch or tag has that name. "
                        "Give one of those, or a date YYYY-MM-DD.") from None
    sha, when = line.split()
    return Revision(sha, sha[:state.abbrev], datetime.fromisoformat(when))


def _on_or_before(state: RepoState, day_text: str) -> Revision:
    """The latest commit (by committer date) whose day is on or before `day_text`."""
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise AsOfError(f"{day_text!r} is not a date; write it as YYYY-MM-DD") from None
    best: tuple[datetime, str] | None = None
    for line in git(state.top, "log", "--format=%H %cI", "HEAD").splitlines():
        sha, when_text = line.split()
        when = datetime.fromisoformat(when_text)
        if when.date() <= day and (best is None or when > best[0]):
            best = (when, sha)
    if best is None:
        raise AsOfError(f"no commit on or before {day.isoformat()}: the history starts later. "
                        "Run `git log --reverse` to see when.")
    return Revision(best[1], best[1][:state.abbrev], best[0])


def tree_notes(state: RepoState, commit: str) -> dict[str, str]:
    """The notes at a commit, vault-relative path -> blob id, from one `ls-tree -r`."""
    text = git(state.top, "ls-tree", "-r", "-z", "--full-tree", commit, "--",
               f"{state.prefix}{CUSTOMERS_DIR}")
    notes: dict[str, str] = {}
    for entry in text.split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) != 3 or parts[1] != "blob" or parts[0] == "120000":
            continue  # a symlink or a submodule is not a note
        if not path.startswith(state.prefix):
            continue
        rel = unicodedata.normalize("NFC", path[len(state.prefix):])
        if is_note_path(rel):
            notes[rel] = parts[2]
    return notes


def load_at(state: RepoState, revision: Revision, today: date, only_id: str | None = None) -> Vault:
    """The vault as it stood at `revision`, checked as of `today`.

    With `only_id`, only that customer's note is read and checked (the others still count
    for duplicate ids), which is what `show ID --as-of` needs; when no note has that id,
    every note is read, so that the caller can suggest the nearest one.
    """
    notes = tree_notes(state, revision.commit)
    only = [p for p in notes if customer_id(p) == unicodedata.normalize("NFC", only_id)] \
        if only_id else None
    wanted = notes if not only else {p: notes[p] for p in only}
    config_spec = f"{revision.commit}:{state.prefix}{CONFIG_FILE}"
    objects = read_objects(state.top, [config_spec, *wanted.values()])

    def read(rel: str) -> tuple[bytes | None, list[Problem]]:
        found = objects.get(notes[rel])
        if found is None:
            return None, [Problem.error(rel, 1, 1, "unreadable", reason="missing from git")]
        return found[1], []

    config = objects.get(config_spec)
    return build_vault((config[1] if config else None, []), sorted(notes), read, today,
                       set(only) if only else None)


def load_as_of(vault_root: Path, rev: str, today: date | None, only_id: str | None = None
               ) -> tuple[Vault, Revision, date]:
    """The vault at REV, the commit it resolved to, and `today` (default: that commit's day)."""
    state = available_state(vault_root)
    revision = resolve(state, rev)
    when = today or revision.day
    return load_at(state, revision, when, only_id), revision, when
