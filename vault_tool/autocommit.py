"""`watch --commit`: after a rebuild with no errors, commit the customer notes that changed,
with a message that says what changed (`acme: status prospect → active; log +1`).

Only notes under customers/ are committed, and only they: anything else a person has
staged stays staged and out of the commit. Off by default; git does the committing,
as the configured git user.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .changes import describe_changes
from .config import CONFIG_FILE
from .history import GitFailed, _dirty_notes, _Reader, _uncommitted, git, read_objects, repo_state
from .vault import customer_id


def summary(path: str, lines: list[str]) -> str:
    """`acme: status prospect → active; log +1` (the log's own entries are left out)."""
    return f"{customer_id(path)}: " + "; ".join(line for line in lines if not line.startswith(" "))


def commit_changed_notes(vault_root: Path, today: date) -> str | None:
    """Commit every changed customer note; the commit message, or None when nothing changed.

    Raises GitFailed with git's words when git refuses (no user name, say).
    """
    state = repo_state(vault_root)
    if not state.available:
        raise GitFailed(f"cannot commit: the vault is not in a usable git repository ({state.state})")
    dirty = sorted(_dirty_notes(state))
    if not dirty:
        return None
    specs = [f"HEAD:{state.prefix}{path}" for path in dirty] + [f"HEAD:{state.prefix}{CONFIG_FILE}"]
    reader = _Reader(state, read_objects(state.top, specs))
    parts = []
    for path in dirty:
        entries = _uncommitted(vault_root, state, reader, path, today)
        if entries and entries[0].changes:
            parts.append(summary(path, describe_changes(entries[0].changes)))
    if not parts:
        return None
    message = parts[0] if len(parts) == 1 else f"{len(parts)} customers changed\n\n" + "\n".join(parts)
    paths = [f"{state.prefix}{path}" for path in dirty]
    git(state.top, "add", "-A", "--", *paths)
    git(state.top, "commit", "-q", "-m", message, "--", *paths)
    return message
