"""The git adapter: the history of the vault's notes, as plain data.

Everything git knows about the vault is read in one pass: one `git log --raw -M`
over `customers/` gives every commit with, for each note it touched, the blob ids
before and after (renames included). The blobs are then read in bulk through one
`git cat-file --batch` process. A customer's history is never one git process per
customer or per commit: `history ID` starts six git processes in all, whatever the
size of the vault.

The git command line is used directly rather than through GitPython: GitPython reads
objects one round trip at a time (about 55 µs a blob against 23 µs for a pipelined
`cat-file --batch` on a 10,000-note vault) and costs 70 ms to import.

When history is unavailable (git is not installed, the vault is in no repository, the
repository has no commits) `RepoState.state` says so; a shallow clone or a detached
HEAD still have history, and the state says how far it goes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import IO, Literal

from .changes import Change, Version, diff_versions
from .config import CONFIG_FILE, load_settings
from .model import Settings, Vault
from .parse import parse_note
from .validate import build_customer
from .vault import CUSTOMERS_DIR, customer_id, find_notes, is_note_name
from .workers import gc_paused, run_chunks

NO_BLOB = "0" * 40
RECORD, FIELD = "\x1e", "\x00"
LOG_FORMAT = "%x1e%H%x00%P%x00%aN%x00%aE%x00%aI%x00%cI%x00%B"
StateName = Literal["ok", "no-git", "no-repo", "no-commits", "error"]


class GitFailed(Exception):
    """git ran and said no; the message is git's own."""


@dataclass(frozen=True)
class RepoState:
    """Whether the vault has a history, and what limits it."""

    state: StateName
    top: str = ""  # the repository's working tree
    prefix: str = ""  # the vault's folder inside it: "" or "crm/vault/"
    head: str = ""  # the full hash of HEAD
    branch: str = ""  # "" when HEAD is detached
    shallow: tuple[str, ...] = ()  # a shallow clone's boundary commits
    shallow_since: str = ""  # the date of the oldest of them (ISO 8601)
    detail: str = ""  # git's words, when state is "error"
    abbrev: int = 7  # how many hex digits git shows of a hash in this repository

    @property
    def available(self) -> bool:
        return self.state == "ok"

    @property
    def detached(self) -> bool:
        return self.available and not self.branch


@dataclass(frozen=True)
class FileEvent:
    """One note touched by one commit; paths are relative to the vault."""

    status: str  # A added, M modified, D deleted, R renamed, T type changed
    old_path: str | None
    new_path: str | None
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True)
class Commit:
    hash: str
    short: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: str  # author date, ISO 8601 with the author's offset
    committed: str  # committer date, ISO 8601
    message: str
    events: tuple[FileEvent, ...] = ()


@dataclass(frozen=True)
class HistoryEntry:
    """One change to one customer's note: a commit, or the uncommitted edits."""

    commit: str | None
    short: str | None
    author: str | None
    email: str | None
    date: str | None
    message: str
    path: str
    changes: tuple[Change, ...]
    uncommitted: bool = False
    boundary: bool = False  # the first commit of a shallow clone: the note may be older


@dataclass(frozen=True)
class CustomerHistory:
    state: RepoState
    customer_id: str
    path: str | None  # the note now, or where it was last seen
    entries: tuple[HistoryEntry, ...] = ()
    known_ids: tuple[str, ...] = field(default=(), repr=False)  # for "did you mean"

    @property
    def found(self) -> bool:
        return self.path is not None


# -- running git ---------------------------------------------------------------------------------


def git(cwd: Path | str, *args: str) -> str:
    """git's output as text. Raises GitFailed with git's message, FileNotFoundError without git."""
    result = subprocess.run(
        ["git", "--literal-pathspecs", "-c", "log.showSignature=false", "-c", "core.quotepath=off",
         *args], cwd=cwd, capture_output=True, check=False, env=_git_env(),
    )
    if result.returncode != 0:
        raise GitFailed(result.stderr.decode("utf-8", "replace").strip())
    return result.stdout.decode("utf-8", "replace")


def _git_env() -> dict[str, str]:
    """Never prompt, and speak English so that messages are the same everywhere."""
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C", LANGUAGE="")
    env.pop("GIT_PAGER", None)
    return env


def git_time(iso: str | None) -> str:
    """`2026-11-12 14:03 +08:00`: the author's own clock, as git shows it."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}" if offset else f"{moment:%Y-%m-%d %H:%M}"


def repo_state(vault_root: Path) -> RepoState:
    """Where the vault sits in git, in three quick `rev-parse`s."""
    try:
        lines = git(vault_root, "rev-parse", "--show-toplevel", "--show-prefix",
                    "--is-shallow-repository", "--git-path", "shallow").split("\n")
    except FileNotFoundError:
        return RepoState("no-git")
    except GitFailed as exc:
        if "not a git repository" in str(exc):
            return RepoState("no-repo")
        return RepoState("error", detail=str(exc))
    if not lines[0]:  # a bare repository, or inside .git
        return RepoState("no-repo")
    top, prefix, shallow = lines[0], lines[1], lines[2] == "true"
    try:
        head, short = git(top, "log", "-1", "--format=%H %h", "HEAD").split()
    except GitFailed as exc:
        if "does not have any commits" in str(exc) or "unknown revision" in str(exc):
            return RepoState("no-commits", top=top, prefix=prefix)
        return RepoState("error", top=top, prefix=prefix, detail=str(exc))
    try:
        branch = git(top, "symbolic-ref", "-q", "--short", "HEAD").strip()
    except GitFailed:
        branch = ""
    state = RepoState("ok", top, prefix, head, branch, abbrev=len(short))
    if shallow:
        return _with_shallow(state, vault_root / lines[3])
    return state


def _with_shallow(state: RepoState, shallow_file: Path) -> RepoState:
    """A shallow clone: which commits it stops at, and the date of the oldest."""
    try:
        boundary = tuple(shallow_file.read_text(encoding="ascii").split())
        dates = git(state.top, "show", "-s", "--format=%aI", *boundary).split()
    except (OSError, GitFailed):
        boundary, dates = (), []
    oldest = min(dates, key=datetime.fromisoformat, default="")
    return replace(state, shallow=boundary, shallow_since=oldest)


# -- one pass over the log -----------------------------------------------------------------------


def read_log(state: RepoState) -> tuple[Commit, ...]:
    """Every commit that touched a note, newest first, with the notes it touched."""
    text = git(state.top, "log", "-z", "--raw", "--no-abbrev", "-M", "--cc", "--encoding=UTF-8",
               "--no-color", f"--format={LOG_FORMAT}", "HEAD", "--", f"{state.prefix}{CUSTOMERS_DIR}")
    return parse_log(text, state.prefix, state.abbrev)


def parse_log(text: str, prefix: str = "", abbrev: int = 7) -> tuple[Commit, ...]:
    """The output of `git log -z --raw --no-abbrev --format=LOG_FORMAT` as commits.

    Merges show only the notes whose merged text differs from every parent (`--cc`:
    a resolved conflict), compared with the first parent.
    """
    commits = []
    for record in text.split(RECORD)[1:]:
        parts = record.split(FIELD, 7)
        if len(parts) < 7:
            continue
        sha, parents, author, email, when, committed, message = parts[:7]
        raw = parts[7] if len(parts) > 7 else ""
        commits.append(Commit(sha, sha[:abbrev], tuple(parents.split()), author, email, when, committed,
                              message.strip(), tuple(_events(raw, prefix))))
    return tuple(commits)


def _events(raw: str, prefix: str) -> Iterator[FileEvent]:
    tokens = iter(raw.split(FIELD))
    for token in tokens:
        token = token.strip("\n")
        if not token.startswith(":"):
            continue
        colons = len(token) - len(token.lstrip(":"))
        meta = token[colons:].split()
        blobs, status = meta[colons + 1:-1], meta[-1][0]
        paths = [next(tokens, "")]
        if status in "RC" and colons == 1:
            paths.append(next(tokens, ""))
        event = _event(status, blobs[0], blobs[-1], paths, prefix)
        if event is not None:
            yield event


def _event(status: str, old_blob: str, new_blob: str, paths: list[str], prefix: str
           ) -> FileEvent | None:
    """A raw line as an event on notes; a file that is not a note (on either side) is None."""
    old_path = _note_path(paths[0], prefix)
    new_path = _note_path(paths[-1], prefix)
    if status == "C":  # a copy is a new file; the original is untouched
        status, old_path = "A", None
    if status == "R" and (old_path is None or new_path is None):
        status = "A" if old_path is None else "D"
    if status == "D":
        new_path = None
    elif status == "A":
        old_path = None
    if old_path is None and new_path is None:
        return None
    return FileEvent(status, old_path, new_path, _blob(old_blob) if old_path else None,
                     _blob(new_blob) if new_path else None)


def _blob(sha: str) -> str | None:
    return None if sha.strip("0") == "" else sha


def _note_path(repo_path: str, prefix: str) -> str | None:
    """The vault-relative path of a note, or None for any other file."""
    if not repo_path.startswith(prefix):
        return None
    rel = unicodedata.normalize("NFC", repo_path[len(prefix):])
    return rel if is_note_path(rel) else None


def is_note_path(rel: str) -> bool:
    """A vault-relative path that `find_notes` would list: a note under customers/."""
    parts = rel.split("/")
    return (parts[0] == CUSTOMERS_DIR and is_note_name(parts[-1])
            and not any(p.startswith(".") for p in parts[1:-1]))


def lineage(commits: Iterable[Commit], path: str) -> list[tuple[Commit, FileEvent]]:
    """The events of one note, newest first, followed back through renames.

    A path is one customer: a note deleted and later created again at the same path
    has one history.
    """
    found = []
    for commit in commits:
        for event in commit.events:
            if path in (event.new_path, event.old_path if event.status in "DR" else None):
                found.append((commit, event))
                if event.status == "R" and event.new_path == path and event.old_path:
                    path = event.old_path
                break
    return found


# -- reading blobs in bulk -----------------------------------------------------------------------


def read_objects(top: str, specs: Iterable[str]) -> dict[str, tuple[str, bytes]]:
    """Blobs by id or `rev:path`, through one `git cat-file --batch`; missing ones are left out.

    Requests are written by a thread while this one reads the answers, so git never waits
    on a round trip and the pipes never fill up.
    """
    wanted = list(dict.fromkeys(s for s in specs if s and "\n" not in s))
    if not wanted:
        return {}
    process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=top, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_git_env())
    assert process.stdin is not None and process.stdout is not None
    writer = threading.Thread(target=_write_requests, args=(process.stdin, wanted), daemon=True)
    writer.start()
    found: dict[str, tuple[str, bytes]] = {}
    try:
        for spec in wanted:
            header = process.stdout.readline().split()
            if len(header) != 3:  # "<spec> missing", "<spec> ambiguous"
                continue
            data = process.stdout.read(int(header[2]))
            process.stdout.read(1)
            found[spec] = (header[0].decode("ascii"), data)
    finally:
        writer.join()
        process.stdout.close()
        process.wait()
    return found


def _write_requests(stdin: IO[bytes], specs: list[str]) -> None:
    # If git stops early, the reader sees the end of its output; nothing to report here.
    with contextlib.suppress(BrokenPipeError):
        stdin.write("".join(f"{s}\n" for s in specs).encode("utf-8"))
    with contextlib.suppress(BrokenPipeError):
        stdin.close()


def blob_id(data: bytes) -> str:
    """The id git gives these bytes, to compare the working tree with a commit."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


# -- a customer's history ------------------------------------------------------------------------


def customer_history(vault_root: Path, wanted_id: str, today: date) -> CustomerHistory:
    """Every change to one customer's note, newest first, uncommitted edits on top.

    `today` reads the uncommitted version; committed versions are read as of their date.
    """
    wanted_id = unicodedata.normalize("NFC", wanted_id)
    state = repo_state(vault_root)
    current = _current_path(vault_root, wanted_id)
    if not state.available:
        return CustomerHistory(state, wanted_id, current)
    commits = read_log(state)
    start = current or _last_seen(commits, wanted_id)
    if start is None:
        return CustomerHistory(state, wanted_id, None, known_ids=_known_ids(vault_root, commits))
    chain = lineage(commits, start)
    objects = read_objects(state.top, _specs(state, chain, current or start))
    reader = _Reader(state, objects)
    entries = [reader.entry(commit, event) for commit, event in chain]
    pending = _uncommitted(vault_root, state, reader, current or start, today)
    return CustomerHistory(state, wanted_id, start, tuple(pending + entries))


def _current_path(vault_root: Path, wanted_id: str) -> str | None:
    """The note with this id in the working tree (the first by path, as `check` keeps it)."""
    for rel in find_notes(vault_root):
        if customer_id(rel) == wanted_id:
            return rel
    return None


def _last_seen(commits: Iterable[Commit], wanted_id: str) -> str | None:
    """Where a customer that is no longer in the working tree was last seen."""
    for commit in commits:
        for event in commit.events:
            for path in (event.new_path, event.old_path):
                if path is not None and customer_id(path) == wanted_id:
                    return path
    return None


def _known_ids(vault_root: Path, commits: Iterable[Commit]) -> tuple[str, ...]:
    paths = set(find_notes(vault_root))
    for commit in commits:
        paths.update(p for e in commit.events for p in (e.old_path, e.new_path) if p)
    return tuple(sorted({customer_id(p) for p in paths}))


def _specs(state: RepoState, chain: list[tuple[Commit, FileEvent]], path: str) -> list[str]:
    """Every object the history needs: the note's versions, vault.yml at each commit, HEAD."""
    specs = [f"HEAD:{state.prefix}{path}", f"HEAD:{state.prefix}{CONFIG_FILE}"]
    for commit, event in chain:
        specs += [event.old_blob or "", event.new_blob or ""]
        specs.append(f"{commit.hash}:{state.prefix}{CONFIG_FILE}")
        if commit.parents:
            specs.append(f"{commit.parents[0]}:{state.prefix}{CONFIG_FILE}")
    return specs


EntryKey = tuple[str, "FileEvent", bool]  # a commit, one note's event in it, a shallow boundary


@dataclass
class Kept:
    """What reading the history leaves for the next reading (`watch --history` keeps one, and
    reads the history again after each commit): the notes' versions and deals already
    parsed, by blob, each commit's changes to each note, and the vault at the quarter's
    start, by commit. Parsing old versions is most of the time, and a new commit adds only
    a few."""

    versions: dict[tuple[str, str], tuple[Settings, Version]] = field(default_factory=dict)
    entries: dict[EntryKey, HistoryEntry] = field(default_factory=dict)  # a commit's change
    deals_settings: Settings | None = None  # what `deals` were read with (HEAD's vault.yml)
    deals: dict[str, DealStages | None] = field(default_factory=dict)
    then: dict[tuple[str, date], Vault] = field(default_factory=dict)


def read_version(path: str, data: bytes, settings: Settings, when: date) -> Version:
    """One version of a note, as `history` compares it with the next."""
    customer, problems = build_customer(customer_id(path), path, parse_note(data, path), settings,
                                        when)
    first_error = next((p for p in problems if p.severity == "error"), None)
    return Version(path, customer, None if customer else first_error, blob_id(data))


class _Reader:
    """Turns blobs into versions of a note, with the settings of the commit they belong to."""

    def __init__(self, state: RepoState, objects: dict[str, tuple[str, bytes]],
                 versions: dict[tuple[str, str], tuple[Settings, Version]] | None = None) -> None:
        self.state = state
        self.objects = objects
        self._settings: dict[str, Settings] = {}
        self._versions = {} if versions is None else versions
        self.used: set[tuple[str, str]] = set()

    def settings(self, rev: str | None) -> Settings:
        found = self.objects.get(f"{rev}:{self.state.prefix}{CONFIG_FILE}") if rev else None
        key = found[0] if found else ""
        if key not in self._settings:
            self._settings[key] = load_settings(found[1] if found else None)[0]
        return self._settings[key]

    def version(self, path: str | None, data: bytes | None, settings: Settings, when: date
                ) -> Version | None:
        """The note as read from `data`. Read once per blob: a commit's new version of a note
        is the next commit's old one. (`when` only dates warnings, which a Version omits.)"""
        if path is None or data is None:
            return None
        digest = blob_id(data)
        self.used.add((path, digest))
        if not self._known(path, digest, settings):
            self._versions[(path, digest)] = settings, read_version(path, data, settings, when)
        return self._versions[(path, digest)][1]

    def _known(self, path: str, digest: str, settings: Settings) -> bool:
        known = self._versions.get((path, digest))
        return known is not None and (known[0] is settings or known[0] == settings)

    def blob(self, sha: str | None) -> bytes | None:
        return self.objects[sha][1] if sha and sha in self.objects else None

    def _sides(self, commit: Commit, event: FileEvent
               ) -> tuple[tuple[str | None, bytes | None, Settings, date], ...]:
        """The note before and after the commit: path, bytes, settings, the commit's day."""
        when = datetime.fromisoformat(commit.date).date()
        parent = commit.parents[0] if commit.parents else None
        return ((event.old_path, self.blob(event.old_blob), self.settings(parent), when),
                (event.new_path, self.blob(event.new_blob), self.settings(commit.hash), when))

    def read_ahead(self, changes: Iterable[tuple[Commit, FileEvent]]) -> None:
        """Parse on every core the versions that `entry` will ask for (a first reading of a
        long history parses thousands), each with the settings and day it first gets."""
        todo: dict[tuple[str, str], tuple[str, bytes, Settings, date]] = {}
        for commit, event in changes:
            for path, data, settings, when in self._sides(commit, event):
                if path is not None and data is not None:
                    key = path, blob_id(data)
                    if key not in todo and not self._known(*key, settings):
                        todo[key] = path, data, settings, when
        tasks = list(todo.values())
        with gc_paused():
            versions = run_chunks(lambda chunk: [read_version(*task) for task in chunk], tasks)
        for key, task, version in zip(todo, tasks, versions, strict=True):
            self._versions[key] = task[2], version

    def entry(self, commit: Commit, event: FileEvent) -> HistoryEntry:
        (old_path, old_data, old_settings, when), new_side = self._sides(commit, event)
        old = self.version(old_path, old_data, old_settings, when)
        new = self.version(*new_side)
        boundary = commit.hash in self.state.shallow
        return HistoryEntry(commit.hash, commit.short, commit.author, commit.email, commit.date,
                            commit.message, event.new_path or event.old_path or "",
                            diff_versions(old, new), boundary=boundary)


def _uncommitted(vault_root: Path, state: RepoState, reader: _Reader, path: str, today: date
                 ) -> list[HistoryEntry]:
    """The working tree against HEAD: edits not committed yet, flagged as such."""
    head = reader.objects.get(f"HEAD:{state.prefix}{path}")
    try:
        data: bytes | None = (vault_root / path).read_bytes()
    except OSError:
        data = None
    if _same_text(head[1] if head else None, data):
        return []
    current = load_settings(_read_config(vault_root))[0]
    old = reader.version(path, head[1], reader.settings("HEAD"), today) if head else None
    new = reader.version(path, data, current, today)
    changes = diff_versions(old, new)
    if not changes:
        return []
    return [HistoryEntry(None, None, None, None, None, "", path, changes, uncommitted=True)]


def _same_text(a: bytes | None, b: bytes | None) -> bool:
    """Equal, or equal but for line endings (git may convert them on checkout)."""
    if a is None or b is None:
        return a is b
    return a == b or a.replace(b"\r\n", b"\n") == b.replace(b"\r\n", b"\n")


def _read_config(vault_root: Path) -> bytes | None:
    try:
        return (vault_root / CONFIG_FILE).read_bytes()
    except OSError:
        return None


# -- every note's deals over time, for stage analytics -------------------------------------------

DealStages = tuple[tuple[str, str | None], ...]  # (title, stage) of each deal in one version


@dataclass(frozen=True)
class NoteVersion:
    """What one commit did to one note: moved it, deleted it, or wrote these deals."""

    day: date  # the commit's author date, in the author's own time zone
    old_path: str | None
    new_path: str | None
    deals: DealStages | None  # None when deleted, or when the new version could not be read


def note_timeline(state: RepoState, kept: Kept | None = None) -> tuple[NoteVersion, ...]:
    """Every version of every note, oldest commit first, from one log pass and one cat-file.

    Each distinct blob is parsed once, with the settings at HEAD: a stage is judged by
    today's vault.yml, whatever it said then. With `kept`, blobs parsed by an earlier call
    (with the same settings) are neither read nor parsed again.
    """
    commits = tuple(reversed(read_log(state)))
    kept = Kept() if kept is None else kept
    blobs = [e.new_blob or "" for c in commits for e in c.events]
    config_spec = f"HEAD:{state.prefix}{CONFIG_FILE}"
    objects = read_objects(state.top, [config_spec, *(b for b in blobs if b not in kept.deals)])
    config = objects.get(config_spec)
    settings = load_settings(config[1] if config else None)[0]
    if kept.deals_settings != settings:  # vault.yml changed: every stage is judged anew
        kept.deals_settings, kept.deals = settings, {}
        objects.update(read_objects(state.top, [b for b in blobs if b not in objects]))
    parsed = kept.deals
    days = [datetime.fromisoformat(commit.date).date() for commit in commits]
    todo: dict[str, tuple[str, tuple[str, bytes] | None, Settings, date]] = {}
    for commit, day in zip(commits, days, strict=True):
        for event in commit.events:
            if event.new_path and event.new_blob and event.new_blob not in parsed:
                todo.setdefault(event.new_blob, (event.new_path, objects.get(event.new_blob),
                                                 settings, day))
    tasks = list(todo.values())
    with gc_paused():  # on every core: a first reading parses every version of every note
        parsed.update(zip(todo, run_chunks(lambda chunk: [_deal_stages(*t) for t in chunk], tasks),
                          strict=True))
    versions = []
    for commit, day in zip(commits, days, strict=True):
        for event in commit.events:
            deals = parsed[event.new_blob] if event.new_path and event.new_blob else None
            versions.append(NoteVersion(day, event.old_path, event.new_path, deals))
    seen = set(blobs)
    kept.deals = {blob: deals for blob, deals in parsed.items() if blob in seen}  # a rewritten history
    return tuple(versions)


def _deal_stages(path: str, found: tuple[str, bytes] | None, settings: Settings, day: date
                 ) -> DealStages | None:
    if found is None:
        return None
    # Deals live in the front matter; leaving the body out halves the time (no Markdown, no log).
    note = replace(parse_note(found[1], path), body="")
    customer, _ = build_customer(customer_id(path), path, note, settings, day)
    if customer is None:
        return None
    return tuple((deal.title, deal.stage) for deal in customer.deals)


# -- every customer's history at once, for the dashboard -----------------------------------------


@dataclass(frozen=True)
class VaultHistory:
    """Each note's history (newest first, renames followed), by its path now."""

    state: RepoState
    entries: dict[str, tuple[HistoryEntry, ...]]
    uncommitted: frozenset[str]  # notes whose working copy differs from HEAD


def vault_history(vault_root: Path, limit: int = 20, kept: Kept | None = None) -> VaultHistory:
    """The `limit` latest changes of every note now in HEAD, and which notes have
    uncommitted edits: one log pass, one cat-file, one `git status`, whatever the size."""
    state = repo_state(vault_root)
    if not state.available:
        return VaultHistory(state, {}, frozenset())
    commits = read_log(state)
    chains = _chains(commits)
    wanted = {path: chain[:limit] for path, chain in chains.items()}
    known = kept.entries if kept is not None else {}

    def key(commit: Commit, event: FileEvent) -> EntryKey:
        return commit.hash, event, commit.hash in state.shallow

    changed = [(c, e) for chain in wanted.values() for c, e in chain
               if not _created(e) and key(c, e) not in known]
    specs = [spec for spec in _specs(state, changed, "") if not spec.startswith("HEAD:")]
    reader = _Reader(state, read_objects(state.top, specs), kept.versions if kept else None)
    reader.read_ahead(changed)

    def entry(commit: Commit, event: FileEvent) -> HistoryEntry:
        if _created(event):
            return _created_entry(state, commit, event)
        found = key(commit, event)
        if found not in known:
            known[found] = reader.entry(commit, event)
        return known[found]

    entries = {path: tuple(entry(c, e) for c, e in chain) for path, chain in wanted.items()}
    if kept is not None:  # keep only what this history still shows
        shown = {key(c, e) for chain in wanted.values() for c, e in chain if not _created(e)}
        kept.entries = {k: known[k] for k in shown}
        kept.versions = {k: kept.versions[k] for k in reader.used}
    return VaultHistory(state, entries, _dirty_notes(state))


def _created(event: FileEvent) -> bool:
    return event.old_path is None


def _created_entry(state: RepoState, commit: Commit, event: FileEvent) -> HistoryEntry:
    """A note's first commit, told without reading it: every field is new, which a page
    need not list (`history ID` does)."""
    path = event.new_path or ""
    return HistoryEntry(commit.hash, commit.short, commit.author, commit.email, commit.date,
                        commit.message, path, (Change("file", None, path, "added"),),
                        boundary=commit.hash in state.shallow)


def _chains(commits: tuple[Commit, ...]) -> dict[str, list[tuple[Commit, FileEvent]]]:
    """Every note's events, newest first, by its last path, followed back through renames."""
    chains: dict[str, list[tuple[Commit, FileEvent]]] = {}
    for commit in reversed(commits):
        for event in commit.events:
            chain = chains.pop(event.old_path, []) if event.old_path else []
            if event.new_path is None:
                continue  # deleted: its page is gone too
            chain = chain or chains.pop(event.new_path, [])
            chain.append((commit, event))
            chains[event.new_path] = chain
    return {path: chain[::-1] for path, chain in chains.items()}


def git_dir(vault_root: Path) -> Path | None:
    """The repository's own folder (`.git`, or a worktree's), None outside a repository."""
    try:
        return Path(git(vault_root, "rev-parse", "--absolute-git-dir").strip())
    except (GitFailed, FileNotFoundError, OSError):
        return None


def dirty_notes(vault_root: Path) -> frozenset[str]:
    """The notes whose working copy differs from HEAD (empty outside a repository)."""
    state = repo_state(vault_root)
    return _dirty_notes(state) if state.available else frozenset()


def _dirty_notes(state: RepoState) -> frozenset[str]:
    text = git(state.top, "status", "--porcelain", "-z", "--untracked-files=all", "--",
               f"{state.prefix}{CUSTOMERS_DIR}")
    dirty = set()
    tokens = iter(text.split("\0"))
    for token in tokens:
        if len(token) < 4:
            continue
        if token[0] in "RC":
            next(tokens, None)  # the old path of a rename
        path = _note_path(token[3:], state.prefix)
        if path is not None:
            dirty.add(path)
    return frozenset(dirty)
