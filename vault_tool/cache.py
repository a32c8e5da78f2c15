"""The per-note cache: each note's parsed and validated result, kept until the file changes.

A note's result is a pure function of its bytes, vault.yml and `today`
(`vault.note_result`), so it can be kept and reused while those stay the same.
A file counts as unchanged when its size, modification time and inode are what
they were when it was read. As in git's index, a file modified within a couple
of seconds of being read could change again within the same clock tick, so
such a "racy" entry is trusted only after its content hash matches.

The cache lives in memory for `watch` and `serve`, and on disk in
`.vault-tool-cache/` inside the vault (ignored by git; `init` writes the
.gitignore line) so that a new `build` on an unchanged vault starts warm. The
file is a pickle, and unpickling runs code, so it carries an HMAC made with a
key private to the user (in the user's cache folder, outside the vault): a cache
file someone else made, one from another version of vault-tool, or a corrupt one
is ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__

CACHE_DIR = ".vault-tool-cache"
FORMAT = 1  # bump when what is stored changes shape
MAGIC = b"VTC1"
RACY_NS = 2_000_000_000  # a file this close to its reading is checked by content


@dataclass(frozen=True)
class Stamp:
    """What the file system says about a file, cheaply: a changed file changes this."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, info: os.stat_result) -> Stamp:
        return cls(info.st_size, info.st_mtime_ns, info.st_ino)


@dataclass(frozen=True)
class Entry:
    """One note's bytes' fingerprint and the result computed from them."""

    stamp: Stamp
    digest: bytes  # blake2b of the bytes
    read_ns: int  # wall clock when the bytes were read
    value: Any

    @property
    def racy(self) -> bool:
        return self.stamp.mtime_ns >= self.read_ns - RACY_NS


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def stamp_of(path: Path | str) -> Stamp | None:
    """The stamp of a regular file, or None (missing, a folder, a FIFO...)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return Stamp.of(info) if stat.S_ISREG(info.st_mode) else None


class NoteCache:
    """Results by vault-relative path, valid for one context (tool version, vault.yml, today).

    `folder` None keeps the cache in memory only.
    """

    def __init__(self, folder: Path | None = None, name: str = "notes") -> None:
        self.folder = folder
        self.name = name
        self.context = b""
        self.entries: dict[str, Entry] = {}
        self._disk_tried = False
        self.changed = False
        self.settings: Any = None  # the last settings read, kept as one object (see vault.py)

    def use_context(self, context: bytes) -> None:
        """Forget everything made for another context; read the disk copy the first time."""
        if not self._disk_tried:
            self._disk_tried = True
            stored = read_pickle(self.path) if self.path else None
            if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == context:
                self.context, self.entries = stored[0], dict(stored[1])
        if context != self.context:
            self.context, self.entries, self.changed = context, {}, True

    @property
    def path(self) -> Path | None:
        return self.folder / f"{self.name}.pickle" if self.folder else None

    def lookup(self, rel: str, stamp: Stamp | None, read: Any) -> Entry | None:
        """The entry for `rel` if its file is unchanged; `read()` gives the bytes if a racy
        entry needs its content checked."""
        entry = self.entries.get(rel)
        if entry is None or stamp is None or entry.stamp != stamp:
            return None
        if entry.racy:
            data = read()
            if data is None or digest(data) != entry.digest:
                return None
            # Seen again well after its modification: no longer racy.
            self.entries[rel] = entry = Entry(stamp, entry.digest, time.time_ns(), entry.value)
            self.changed = True
        return entry

    def store(self, rel: str, entry: Entry) -> None:
        self.entries[rel] = entry
        self.changed = True

    def keep_only(self, paths: set[str]) -> None:
        """Drop the entries of notes that are gone."""
        gone = [rel for rel in self.entries if rel not in paths]
        for rel in gone:
            del self.entries[rel]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        """Write the cache to disk if it changed; a cache that cannot be written is skipped."""
        if self.path is None or not self.changed:
            return
        write_pickle(self.path, (self.context, self.entries))
        self.changed = False


# --- the signed pickle file -------------------------------------------------


def user_key() -> bytes | None:
    """The user's own secret for signing cache files, made on first use."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "vault-tool" / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        os.chmod(temp, 0o600)
        try:
            os.link(temp, path)  # never replace a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            os.unlink(temp)
        key = path.read_bytes()
        return key if len(key) == 32 else None
    except OSError:
        return None


def _header() -> bytes:
    return MAGIC + f"{__version__}/{FORMAT}\n".encode()


CHUNK = 1 << 20  # bytes read at a time while checking a file's signature


def read_pickle(path: Path) -> Any:
    """What `write_pickle` stored, or None when missing, foreign, from another version or corrupt.

    The file is read twice, in chunks: once to check its signature, once to unpickle it, so
    a large cache (about 300 MB at 100,000 notes) is never held as bytes besides its objects.
    """
    key = user_key()
    if key is None:
        return None
    head = _header()
    try:
        with open(path, "rb") as handle:
            if handle.read(len(head)) != head:
                return None
            mac = handle.read(32)
            signer = hmac.new(key, head, "sha256")
            while chunk := handle.read(CHUNK):
                signer.update(chunk)
            if len(mac) != 32 or not hmac.compare_digest(mac, signer.digest()):
                return None
            handle.seek(len(head) + 32)
            try:
                return pickle.load(handle)
            except Exception:  # a file that verifies but does not load: treat as absent
                return None
    except OSError:
        return None


class _Signing:
    """A file that also signs what is written to it (pickle.dump writes straight into it)."""

    def __init__(self, handle: Any, signer: Any) -> None:
        self.handle, self.signer = handle, signer

    def write(self, data: bytes) -> int:
        self.signer.update(data)
        return int(self.handle.write(data))


def write_pickle(path: Path, value: Any) -> bool:
    """Store `value` signed with the user's key, atomically; False if it could not be.

    Pickled straight into the file while it is signed; the signature is written last, in
    the place left for it after the header."""
    key = user_key()
    if key is None:
        return False
    head = _header()
    signer = hmac.new(key, head, "sha256")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# vault-tool's cache: safe to delete, never commit\n*\n")
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(head + bytes(32))
                pickle.dump(value, _Signing(handle, signer), protocol=pickle.HIGHEST_PROTOCOL)
                handle.seek(len(head))
                handle.write(signer.digest())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
