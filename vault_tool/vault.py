"""Loading a whole vault: every note on its own, then the checks across notes.

This is the one place that reads the vault's files. Each note is read, parsed
and validated independently, so one unreadable file only adds a problem.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Callable, Collection
from datetime import date
from pathlib import Path

from .config import CONFIG_FILE, load_settings
from .model import Customer, Problem, Vault
from .parse import MAX_FILE_BYTES, parse_note
from .validate import build_customer

CUSTOMERS_DIR = "customers"


def is_vault(root: Path) -> bool:
    """A folder with a vault.yml or a customers/ folder."""
    return root.is_dir() and ((root / CONFIG_FILE).is_file() or (root / CUSTOMERS_DIR).is_dir())


def is_note_name(name: str) -> bool:
    """Markdown files, but not the hidden, lock, swap and backup files editors leave."""
    return (
        name.lower().endswith(".md")
        and not name.startswith((".", "#", "~"))
        and len(name) > 3
    )


def find_notes(root: Path) -> list[str]:
    """Every customer note under customers/, as sorted vault-relative paths."""
    base = root / CUSTOMERS_DIR
    found: list[str] = []
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(root)
        found.extend((rel / name).as_posix() for name in files if is_note_name(name))
    return sorted(found)


def customer_id(path: str) -> str:
    """The file stem, in NFC so that macOS and Linux spell Chinese ids alike."""
    return unicodedata.normalize("NFC", Path(path).stem)


def read_bytes(path: Path, rel: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file; a FIFO would block and a huge file fill memory."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, [Problem.error(rel, 1, 1, "unreadable", reason="not a regular file")]
        if info.st_size > MAX_FILE_BYTES:
            return None, [Problem.error(rel, 1, 1, "file-too-large", size=info.st_size,
                                        limit=MAX_FILE_BYTES)]
        return path.read_bytes(), []
    except OSError as exc:
        return None, [Problem.error(rel, 1, 1, "unreadable", reason=exc.strerror or str(exc))]


def load_vault(root: Path, today: date) -> Vault:
    config_path = root / CONFIG_FILE
    config = read_bytes(config_path, CONFIG_FILE) if config_path.exists() else (None, [])
    return build_vault(config, find_notes(root), lambda rel: read_bytes(root / rel, rel), today)


NoteReader = Callable[[str], tuple[bytes | None, list[Problem]]]


def build_vault(config: tuple[bytes | None, list[Problem]], paths: list[str], read: NoteReader,
                today: date, only: Collection[str] | None = None) -> Vault:
    """The vault from vault.yml's bytes, the sorted paths of its notes, and a way to read one.

    The notes need not be files: the pre-commit hook reads them from git's index. With
    `only`, just those notes are read and validated; the others still count for duplicate
    ids. That lets the hook check what a commit changes without reading 10,000 notes.
    """
    data, problems = config
    problems = list(problems)
    settings, setting_problems = load_settings(data)
    problems += setting_problems
    duplicates, duplicate_problems = find_duplicate_ids(paths)
    problems += duplicate_problems
    customers: list[Customer] = []
    for rel in paths if only is None else [p for p in paths if p in only]:
        data, read_problems = read(rel)
        problems += read_problems
        if data is None:
            continue
        customer, note_problems = build_customer(customer_id(rel), rel, parse_note(data, rel),
                                                 settings, today)
        problems += note_problems
        if customer is not None and rel not in duplicates:
            customers.append(customer)
    return Vault(settings, tuple(customers), tuple(sorted(problems, key=lambda p: p.sort_key)))


def find_duplicate_ids(paths: list[str]) -> tuple[set[str], list[Problem]]:
    """Files whose id another file already has; the first by path is kept.

    Ids that differ only in case collide too, as their pages would on Windows
    and macOS. Each duplicate is reported, naming the file that keeps the id.
    """
    first: dict[str, str] = {}
    dropped: set[str] = set()
    problems: list[Problem] = []
    for rel in paths:
        key = customer_id(rel).casefold()
        if key in first:
            dropped.add(rel)
            problems.append(Problem.error(rel, 1, 1, "duplicate-id", id=customer_id(rel),
                                          other=first[key]))
        else:
            first[key] = rel
    return dropped, problems
