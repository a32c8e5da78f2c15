"""The one place where the write commands touch files and git.

A note is read once and its hash remembered. A note with merge-conflict
markers or errors is refused before anything is computed, and the new text is
checked again before it is written. The write is atomic (a hidden temporary
file in the same folder, fsync, rename), keeps the file's permission bits, and
happens only if the file on disk still has the hash it had when it was read,
so an editor that saved in the meantime is never overwritten. With --commit,
exactly that file is committed, and everything git needs is checked before
anything is written.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .config import CONFIG_FILE, load_settings
from .convert import nearest
from .edit import split_lines
from .model import Problem, Settings
from .parse import parse_note
from .validate import build_customer
from .vault import CUSTOMERS_DIR, customer_id, find_notes, read_bytes

if TYPE_CHECKING:  # GitPython is imported only when --commit is used
    import git

IN_PROGRESS = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply")


class WriteRefused(Exception):
    """Nothing was written (unless the message says so); `problems` are the note's errors, if any."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class UnknownCustomer(WriteRefused):
    def __init__(self, wanted: str, suggestion: str | None) -> None:
        hint = f" Did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(f"no customer with id '{wanted}'.{hint}")
        self.suggestion = suggestion


@dataclass(frozen=True)
class Snapshot:
    """A note's bytes as they were read, and where they came from."""

    path: Path  # the real file (a symbolic link is followed)
    rel: str  # vault-relative, for messages
    data: bytes
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", hashlib.sha256(self.data).hexdigest())

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass(frozen=True)
class Change:
    """What a command wants to write: new bytes for one file, and a summary of why."""

    rel: str
    target: Path
    before: Snapshot | None  # None: a new file
    after: bytes
    summary: str  # `status prospect → active`, for the message and the commit


def read_settings(root: Path) -> Settings:
    """vault.yml's settings; a broken vault.yml gives the defaults, as everywhere else."""
    path = root / CONFIG_FILE
    data, _ = read_bytes(path, CONFIG_FILE) if path.exists() else (None, [])
    return load_settings(data)[0]


def locate(root: Path, wanted: str) -> str:
    """The vault-relative path of the note with this id, or UnknownCustomer with a hint."""
    wanted = unicodedata.normalize("NFC", wanted)
    paths = find_notes(root)
    same = [p for p in paths if customer_id(p).casefold() == wanted.casefold()]
    if len(same) > 1:
        raise WriteRefused(f"{len(same)} files have the id '{wanted}' ({', '.join(same)}); "
                           "rename all but one first (`vault-tool check` reports them)")
    if same and customer_id(same[0]) == wanted:
        return same[0]
    raise UnknownCustomer(wanted, suggest_id(wanted, [customer_id(p) for p in paths]))


def suggest_id(wanted: str, ids: list[str]) -> str | None:
    """The closest id, or the one id that starts with what was typed (`acme` -> `acme-trading`)."""
    close = nearest(wanted, ids)
    if close is not None:
        return close
    starting = [i for i in ids if i.casefold().startswith(wanted.casefold())]
    return starting[0] if len(starting) == 1 else None


def existing_id(root: Path, new_id: str) -> str | None:
    """The note that already has this id, compared ignoring case, in any folder."""
    folded = unicodedata.normalize("NFC", new_id).casefold()
    return next((p for p in find_notes(root) if customer_id(p).casefold() == folded), None)


def read_note(root: Path, rel: str, settings: Settings, today: date) -> Snapshot:
    """The note's bytes, refused when it has conflict markers or errors."""
    path = (root / rel).resolve()
    data, problems = read_bytes(path, rel)
    if data is None:
        raise WriteRefused(f"cannot read {rel}", tuple(problems))
    refuse_errors(rel, data, settings, today)
    return Snapshot(path, rel, data)


def refuse_errors(rel: str, data: bytes, settings: Settings, today: date, message: str | None = None
                  ) -> None:
    """Refuse a note that has errors: before a change (no `message`), or the result of one."""
    note = parse_note(data, rel)
    _, problems = build_customer(customer_id(rel), rel, note, settings, today)
    errors = tuple(p for p in problems if p.severity == "error")
    if any(p.code == "merge-conflict" for p in errors):
        raise WriteRefused(f"{rel} has unresolved merge-conflict markers (<<<<<<< … >>>>>>>); "
                           "resolve them first. Nothing was changed.", errors)
    if errors:
        raise WriteRefused(message or f"{rel} has errors; fix them first (`vault-tool check`). "
                           "Nothing was changed.", errors)


def diff(change: Change) -> str:
    """A unified diff of the change, marking a last line without a newline as git does."""
    old = _diff_lines(change.before.data) if change.before else []
    new = _diff_lines(change.after)
    source = "/dev/null" if change.before is None else f"a/{change.rel}"
    out = []
    for line in difflib.unified_diff(old, new, source, f"b/{change.rel}"):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _diff_lines(data: bytes) -> list[str]:
    bom, lines = split_lines(data.decode("utf-8"))
    texts = [line.text + line.eol for line in lines]
    if texts and bom:
        texts[0] = bom + texts[0]
    return texts


# --- files -----------------------------------------------------------------------------------

def save(change: Change) -> None:
    """Write the change atomically; refuse if the file changed since it was read."""
    if change.before is None:
        _create(change.target, change.rel, change.after)
    else:
        _replace(change.before, change.after)


def _replace(before: Snapshot, data: bytes) -> None:
    changed = WriteRefused(f"{before.rel} changed on disk while vault-tool was working on it; "
                           "nothing was written. Run the command again.")
    try:
        mode = stat.S_IMODE(os.stat(before.path).st_mode)
    except OSError:
        raise changed from None
    temp = _temp_file(before.path, data, mode)
    try:
        if _digest_now(before.path) != before.digest:
            raise changed
        os.replace(temp, before.path)
    finally:
        temp.unlink(missing_ok=True)
    _sync_folder(before.path.parent)


def check_unchanged(before: Snapshot) -> None:
    """Refuse when the file no longer has the bytes it was read with (checked before a merge writes)."""
    if _digest_now(before.path) != before.digest:
        raise WriteRefused(f"{before.rel} changed on disk while vault-tool was working on it; "
                           "nothing was written. Run the command again.")


def remove(before: Snapshot) -> None:
    """Delete a note (merged into another), only if it still has the bytes it was read with."""
    if _digest_now(before.path) != before.digest:
        raise WriteRefused(f"{before.rel} changed on disk while vault-tool was working on it, so it "
                           "was not removed; compare it with the merged note and remove it by hand")
    before.path.unlink()
    _sync_folder(before.path.parent)


def removal_diff(before: Snapshot) -> str:
    """A unified diff that deletes the whole note, as git shows a removed file."""
    out = []
    for line in difflib.unified_diff(_diff_lines(before.data), [], f"a/{before.rel}", "/dev/null"):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _digest_now(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # deleted or replaced by something unreadable: changed, too
        return None


def _create(path: Path, rel: str, data: bytes) -> None:
    """A new file, never over an existing one (a hard link cannot replace a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_file(path, data, 0o666 & ~_umask())
    try:
        try:
            os.link(temp, path)
        except FileExistsError:
            raise WriteRefused(f"{rel} already exists; nothing was written") from None
        except OSError:  # a file system without hard links
            if path.exists():
                raise WriteRefused(f"{rel} already exists; nothing was written") from None
            os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _temp_file(path: Path, data: bytes, mode: int) -> Path:
    """A synced hidden file next to `path`; hidden, so a crash never leaves a second customer."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, mode)  # mkstemp makes it 0600; os.fchmod is not on every platform
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every platform lets a folder be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)


def new_note_path(root: Path, new_id: str) -> tuple[str, Path]:
    rel = f"{CUSTOMERS_DIR}/{new_id}.md"
    return rel, root / CUSTOMERS_DIR / f"{new_id}.md"


# --- git -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GitTarget:
    repo: git.Repo
    path: str  # relative to the repository's work tree


def prepare_commit(root: Path, target: Path, rel: str, is_new: bool) -> GitTarget:
    """Everything --commit needs, checked before anything is written."""
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise WriteRefused(f"{root} is not in a git repository, so --commit cannot record the change; "
                           "run `git init` there, or leave out --commit. Nothing was changed.") from None
    if repo.bare or repo.working_tree_dir is None:
        raise WriteRefused(f"{root} is in a bare git repository; nothing was changed")
    try:
        path = target.resolve().relative_to(Path(repo.working_tree_dir).resolve()).as_posix()
    except ValueError:
        raise WriteRefused(f"{rel} is outside the git repository; nothing was changed") from None
    _check_repo(repo, path, rel, is_new)
    return GitTarget(repo, path)


def _check_repo(repo: git.Repo, path: str, rel: str, is_new: bool) -> None:
    import git

    try:
        repo.git.var("GIT_AUTHOR_IDENT")
    except git.GitCommandError:
        raise WriteRefused("git does not know who you are: set `git config user.name` and "
                           "`git config user.email`, or leave out --commit. Nothing was changed.") from None
    busy = [name for name in IN_PROGRESS if (Path(repo.git_dir) / name).exists()]
    if busy:
        raise WriteRefused("a merge, rebase or cherry-pick is in progress in the repository; finish it "
                           "first, or leave out --commit. Nothing was changed.")
    if repo.ignored(path):
        raise WriteRefused(f"git ignores {rel}, so it cannot be committed; nothing was changed")
    if not is_new and repo.git.status("--porcelain", "--", path):
        raise WriteRefused(f"{rel} has changes that are not committed yet; commit them first, or "
                           "leave out --commit (the commit would record them under this change's "
                           "message). Nothing was changed.")


def commit(target: GitTarget, message: str) -> str:
    """Commit exactly this file (other staged files stay staged); the short commit id."""
    import git

    try:
        target.repo.git.add("--", target.path)
        target.repo.git.commit("-m", message, "--", target.path)
    except git.GitCommandError as exc:
        raise WriteRefused(f"{target.path} was written, but git could not commit it: "
                           f"{_git_reason(exc)}") from None
    return target.repo.head.commit.hexsha[:7]


def commit_all(targets: list[GitTarget], message: str) -> str:
    """Commit exactly these files, written or removed, in one commit; the short commit id."""
    import git

    repo = targets[0].repo
    paths = [t.path for t in targets]
    try:
        repo.git.add("-A", "--", *paths)
        repo.git.commit("-m", message, "--", *paths)
    except git.GitCommandError as exc:
        raise WriteRefused(f"{', '.join(paths)} were changed, but git could not commit them: "
                           f"{_git_reason(exc)}") from None
    return repo.head.commit.hexsha[:7]


def _git_reason(exc: Exception) -> str:
    """The last line git printed, without GitPython's `stderr: '…'` wrapping."""
    text = str(getattr(exc, "stderr", "") or exc).strip()
    text = text.removeprefix("stderr:").strip().strip("'").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"
