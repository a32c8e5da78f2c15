"""Loading a whole vault: every note on its own, then the checks across notes.

This is the one place that reads the vault's files. Each note is read, parsed
and validated independently, so one unreadable file only adds a problem.
"""

from __future__ import annotations

import os
import posixpath
import stat
import time
import unicodedata
from collections.abc import Callable, Collection
from datetime import date
from pathlib import Path

from . import __version__
from .cache import Entry, NoteCache, Stamp, digest, stamp_of
from .config import CONFIG_FILE, load_settings
from .logbook import future_entry
from .model import Customer, Problem, Settings, Vault
from .parse import MAX_FILE_BYTES, parse_note
from .validate import build_customer
from .workers import gc_paused, run_chunks

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
    # Plain strings rather than Path objects: `watch` lists the notes on every rebuild.
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(root).as_posix() + "/"
        found.extend(rel + name for name in files if is_note_name(name))
    return sorted(found)


def customer_id(path: str) -> str:
    """The file stem, in NFC so that macOS and Linux spell Chinese ids alike."""
    return unicodedata.normalize("NFC", posixpath.splitext(posixpath.basename(path))[0])


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


def load_vault(root: Path, today: date, cache: NoteCache | None = None) -> Vault:
    """Every note and vault.yml, checked. With a cache, only changed notes are read again."""
    config_path = root / CONFIG_FILE
    config = read_bytes(config_path, CONFIG_FILE) if config_path.exists() else (None, [])
    with gc_paused():
        if cache is None:
            return build_vault(config, find_notes(root), lambda rel: read_bytes(root / rel, rel),
                               today)
        return _load_cached(root, config, today, cache)


def _load_cached(root: Path, config: tuple[bytes | None, list[Problem]], today: date,
                 cache: NoteCache) -> Vault:
    settings, head = read_settings(config)
    if settings == cache.settings:  # the same object, rebuild after rebuild: results kept
        settings = cache.settings  # per customer are found by it at the cost of an `is`
    cache.settings = settings
    cache.use_context(note_context(config[0]))
    paths = find_notes(root)
    cache.keep_only(set(paths))
    results: dict[str, NoteResult] = {}
    missing: list[str] = []
    base = str(root) + os.sep
    for rel in paths:
        entry = cache.lookup(rel, stamp_of(base + rel), lambda rel=rel: read_bytes(root / rel, rel)[0])
        if entry is None:
            missing.append(rel)
        else:
            results[rel] = on_day(entry.value, today)
    fresh = run_chunks(lambda chunk: [read_note(root, rel, settings) for rel in chunk], missing)
    for rel, entry in zip(missing, fresh, strict=True):
        results[rel] = on_day(entry.value, today)
        if entry.digest:  # a note that could not be read is tried again next time
            cache.store(rel, entry)
    return assemble_vault(settings, head, paths, results)


def note_context(config: bytes | None) -> bytes:
    """What every note's cached result depends on besides its own bytes. Not the day: the
    one check that depends on it is made by `on_day`, so the cache outlives midnight."""
    return digest(f"{__version__}\0".encode() + (config or b"-"))


ANY_DAY = date.max  # a note's result with no log entry in the future, for the cache


def on_day(result: NoteResult, today: date) -> NoteResult:
    """A result made for ANY_DAY as `note_result` makes it for `today`: with a warning for
    each log entry dated after today."""
    customer, problems = result
    future = () if customer is None else tuple(
        future_entry(customer.path, entry, today) for entry in customer.log if entry.date > today)
    return (customer, problems + future) if future else result


def read_note(root: Path, rel: str, settings: Settings) -> Entry:
    """Read one note and compute its result for ANY_DAY, with what the cache needs to keep it."""
    read_ns = time.time_ns()
    stamp = stamp_of(root / rel)
    data, problems = read_bytes(root / rel, rel)
    customer, note_problems = note_result(rel, data, settings, ANY_DAY)
    value = (customer, tuple(problems) + note_problems)
    if data is None or stamp is None or stamp.size != len(data):
        return Entry(Stamp(-1, -1, -1), b"", read_ns, value)  # changing under us: not kept
    return Entry(stamp, digest(data), read_ns, value)


NoteReader = Callable[[str], tuple[bytes | None, list[Problem]]]


def build_vault(config: tuple[bytes | None, list[Problem]], paths: list[str], read: NoteReader,
                today: date, only: Collection[str] | None = None) -> Vault:
    """The vault from vault.yml's bytes, the sorted paths of its notes, and a way to read one.

    The notes need not be files: the pre-commit hook reads them from git's index. With
    `only`, just those notes are read and validated; the others still count for duplicate
    ids. That lets the hook check what a commit changes without reading 10,000 notes.
    """
    settings, head = read_settings(config)
    wanted = paths if only is None else [p for p in paths if p in only]

    def result(rel: str) -> NoteResult:
        data, read_problems = read(rel)
        customer, problems = note_result(rel, data, settings, today)
        return customer, tuple(read_problems) + problems

    # On every core: the vault at the quarter's start, read from git, is 10,000 notes too.
    with gc_paused():
        found = run_chunks(lambda chunk: [result(rel) for rel in chunk], wanted)
    return assemble_vault(settings, head, paths, dict(zip(wanted, found, strict=True)))


NoteResult = tuple[Customer | None, tuple[Problem, ...]]


def read_settings(config: tuple[bytes | None, list[Problem]]) -> tuple[Settings, list[Problem]]:
    """The settings from vault.yml's bytes (or their absence), and its problems."""
    data, problems = config
    settings, setting_problems = load_settings(data)
    return settings, list(problems) + setting_problems


def note_result(rel: str, data: bytes | None, settings: Settings, today: date) -> NoteResult:
    """One note on its own: its customer (None if unusable) and its problems.

    A pure function of the note's bytes, the settings and `today`, which is what lets a
    cache keep its result and a worker process compute it.
    """
    if data is None:
        return None, ()
    customer, problems = build_customer(customer_id(rel), rel, parse_note(data, rel),
                                        settings, today)
    return customer, tuple(problems)


def assemble_vault(settings: Settings, head: list[Problem], paths: list[str],
                   results: dict[str, NoteResult]) -> Vault:
    """The vault from each note's result, in path order, with the checks across notes."""
    problems = list(head)
    duplicates, duplicate_problems = find_duplicate_ids(paths)
    problems += duplicate_problems
    customers: list[Customer] = []
    for rel in paths:
        if rel not in results:
            continue
        customer, note_problems = results[rel]
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
