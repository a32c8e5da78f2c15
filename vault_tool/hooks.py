"""The pre-commit hook: `check` on the vault as it is staged, before git records it.

`install_hook` writes a short sh script into git's hooks folder (`core.hooksPath` is
respected) that runs `python -m vault_tool.hooks VAULT...` with the Python that
installed it. That run reads each vault as staged (git's index, not the working tree:
what the commit will hold) and refuses the commit when a note that the commit adds or
changes has an error, or any note has one when the commit changes vault.yml. Errors
already committed in notes this commit leaves alone do not block it. Only the notes
the commit touches are read, so a commit in a 10,000-note vault is checked at once.
`git commit --no-verify` skips the hook.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .config import CONFIG_FILE
from .history import GitFailed, RepoState, git, is_note_path, read_objects, repo_state
from .messages import format_problem
from .model import Problem
from .scaffold import Outcome
from .vault import CUSTOMERS_DIR, build_vault

HOOK_MARK = "# vault-tool pre-commit hook"
VAULTS_MARK = "# vault-tool vaults: "


def hook_script(python: str, vaults: Sequence[str]) -> str:
    """The hook: sh, so that git runs it everywhere, handing over to the installing Python."""
    args = " ".join(shlex.quote(v) for v in vaults)
    return f"""#!/bin/sh
{HOOK_MARK}: refuses a commit whose staged notes have errors.
# Written by `vault-tool hooks install`; run that again to update it.
# It checks the vault as staged (what the commit will hold), not the working tree.
# To commit anyway, this once: git commit --no-verify
{VAULTS_MARK}{json.dumps(list(vaults), ensure_ascii=False)}
PYTHON={shlex.quote(python)}
if [ ! -x "$PYTHON" ]; then
    echo "vault-tool pre-commit hook: $PYTHON is gone; run 'vault-tool hooks install' again," >&2
    echo "or commit without the check: git commit --no-verify" >&2
    exit 1
fi
exec "$PYTHON" -m vault_tool.hooks {args}
"""


def hooks_dir(top: str) -> Path:
    """Where git looks for hooks: `core.hooksPath`, or the repository's hooks folder."""
    return Path(top) / git(top, "rev-parse", "--git-path", "hooks").strip()


def installed_vaults(script: str) -> list[str]:
    for line in script.splitlines():
        if line.startswith(VAULTS_MARK):
            try:
                found = json.loads(line[len(VAULTS_MARK):])
            except ValueError:
                return []
            return [v for v in found if isinstance(v, str)]
    return []


def install_hook(vault_root: Path, python: str, force: bool = False) -> tuple[RepoState, Outcome | None]:
    """Write or update the pre-commit hook for this vault; None when there is no repository.

    A hook that vault-tool did not write is left alone unless `force`; then it is
    kept next to ours as `pre-commit.orig`.
    """
    state = repo_state(vault_root)
    if state.state not in ("ok", "no-commits"):
        return state, None
    vault = state.prefix.rstrip("/") or "."
    path = hooks_dir(state.top) / "pre-commit"
    shown = os.path.relpath(path, state.top)
    existing = _read(path)
    if existing is None:
        _write(path, hook_script(python, [vault]))
        return state, Outcome(shown, "created")
    if HOOK_MARK not in existing:
        if not force:
            return state, Outcome(shown, "refused", "hook-foreign")
        backup = path.with_name("pre-commit.orig")
        os.replace(path, backup)
        _write(path, hook_script(python, [vault]))
        return state, Outcome(shown, "updated", "hook-replaced", os.path.relpath(backup, state.top))
    vaults = list(dict.fromkeys([*installed_vaults(existing), vault]))
    script = hook_script(python, vaults)
    if script == existing:
        return state, Outcome(shown, "kept", "hook-current")
    _write(path, script)
    return state, Outcome(shown, "updated", "hook-refreshed")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None


def _write(path: Path, text: str) -> None:
    """Atomically, and executable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pre-commit.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o755)
    os.replace(tmp, path)


# -- the hook itself -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StagedCheck:
    """The result of checking one vault as staged."""

    vault: str  # its folder in the repository, "." for the top
    checked: int  # staged notes this commit adds or changes
    blocking: tuple[Problem, ...]  # errors in what this commit changes
    locale: str


def check_staged(top: str, vault: str, today: date) -> StagedCheck | None:
    """Check one vault as staged; None when this commit touches no note and not vault.yml.

    Only the notes the commit adds or changes are read (from the index, in one
    `cat-file --batch`), unless it changes vault.yml: then every note is.
    """
    prefix = "" if vault == "." else f"{vault}/"
    changed = _zero_split(git(top, "diff", "--cached", "--name-only", "-z", "--no-renames",
                              "--diff-filter=d", "--", vault))
    touched = {p[len(prefix):] for p in changed if p.startswith(prefix)}
    touched = {p for p in touched if p == CONFIG_FILE or is_note_path(p)}
    if not touched:
        return None
    staged = _zero_split(git(top, "ls-files", "-z", "--cached", "--", f"{prefix}{CUSTOMERS_DIR}"))
    paths = sorted(rel for rel in (p[len(prefix):] for p in staged) if is_note_path(rel))
    everything = CONFIG_FILE in touched
    wanted = paths if everything else [p for p in paths if p in touched]
    blobs = read_objects(top, [f":{prefix}{CONFIG_FILE}", *(f":{prefix}{p}" for p in wanted)])

    def read(rel: str) -> tuple[bytes | None, list[Problem]]:
        found = blobs.get(f":{prefix}{rel}")
        if found is None:
            return None, [Problem.error(rel, 1, 1, "unreadable", reason="not in git's index")]
        return found[1], []

    config = blobs.get(f":{prefix}{CONFIG_FILE}")
    loaded = build_vault((config[1] if config else None, []), paths, read, today, set(wanted))
    blocking = tuple(p for p in loaded.problems if p.severity == "error" and (
        everything or p.path in touched or p.args.get("other") in touched))
    notes = sum(1 for p in touched if p != CONFIG_FILE)
    return StagedCheck(vault, notes, blocking, loaded.settings.locale)


def _zero_split(text: str) -> list[str]:
    return [p for p in text.split("\0") if p]


HOOK_WORDS = {
    "refused": ("vault-tool: commit refused: {count} error(s) in the staged notes. Fix them and "
                "`git add` them again, or commit anyway with `git commit --no-verify`.",
                "vault-tool：拒绝提交：暂存的笔记中有 {count} 个错误。请修改后重新 `git add`，"
                "或用 `git commit --no-verify` 强制提交。"),
    "ok": ("vault-tool: {count} staged note(s) checked: no errors.",
           "vault-tool：已检查 {count} 份暂存的笔记：没有错误。"),
}


def report(result: StagedCheck) -> list[str]:
    """What the hook prints: the blocking problems, path first, relative to the repository."""
    index = 1 if result.locale == "zh" else 0
    prefix = "" if result.vault == "." else f"{result.vault}/"
    lines = [format_problem(_moved(p, prefix), result.locale) for p in result.blocking]
    key = "refused" if result.blocking else "ok"
    count = len(result.blocking) if result.blocking else result.checked
    lines.append(HOOK_WORDS[key][index].format(count=count))
    return lines


def _moved(problem: Problem, prefix: str) -> Problem:
    return Problem(prefix + problem.path, problem.line, problem.column, problem.severity, problem.code,
                   problem.params)


def main(vaults: Sequence[str]) -> int:
    """The hook's entry point: 0 lets the commit through, 1 refuses it."""
    try:
        top = git(".", "rev-parse", "--show-toplevel").strip()
        results = [check_staged(top, v, date.today()) for v in vaults or ["."]]
    except (GitFailed, OSError) as exc:
        print(f"vault-tool pre-commit hook: could not read the staged files: {exc}\n"
              "Commit without the check with: git commit --no-verify", file=sys.stderr)
        return 1
    refused = False
    for result in results:
        if result is None:
            continue
        print("\n".join(report(result)), file=sys.stderr)
        refused = refused or bool(result.blocking)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
