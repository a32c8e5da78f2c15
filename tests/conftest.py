"""Small helpers shared by the tests: write a vault inline, load it, list its problems."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import pytest

from vault_tool.model import Problem, Vault
from vault_tool.vault import load_vault

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True, scope="session")
def _own_cache_key(tmp_path_factory: pytest.TempPathFactory) -> Iterable[None]:
    """The cache's signing key goes to a folder of the test run, not the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield

Where = tuple[str, int, int, str, str]


def make_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (vault-relative path -> text or bytes) under `root`; return `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


def load(root: Path, today: date = TODAY) -> Vault:
    return load_vault(root, today)


def where(problems: Iterable[Problem]) -> list[Where]:
    """Each problem as (path, line, column, severity, code), the part tests pin down."""
    return [(p.path, p.line, p.column, p.severity, p.code) for p in problems]


def double_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, escaping what YAML cannot hold raw."""
    out = []
    for ch in text:
        code = ord(ch)
        printable = (ch == "\t" or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
                     or 0xE000 <= code <= 0xFFFD or code >= 0x10000)
        if ch in '"\\':
            out.append("\\" + ch)
        elif printable and ch not in "\u2028\u2029":
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


# Owners and words of long_lists_vault, per locale: a Chinese dashboard shows Chinese data.
LONG_LIST_WORDS = {"en": (("alice", "bob", "王芳", None), "Customer", "Deal"),
                   "zh": (("王芳", "李雷", "张伟", None), "客户", "商机")}


def long_lists_vault(root: Path, count: int = 16, broken: int = 4, locale: str = "en") -> Path:
    """`count` customers due one after the other from 2026-10-01 (up to 53 are overdue), with a
    deal, a purchase and an owner each (four owners, one of them none), plus `broken` notes
    that cannot be read: long lists once the page sizes are lowered."""
    owners, customer, deal = LONG_LIST_WORDS[locale]
    files: dict[str, str | bytes] = {
        "vault.yml": f"locale: {locale}\ncurrency: CNY\nowners: [{', '.join(o for o in owners if o)}]\n"}
    for i in range(1, count + 1):
        owner = owners[i % len(owners)]
        files[f"customers/c{i:02d}.md"] = (
            f"---\nname: {customer} {i:02d}\nstatus: active\n"
            + (f"owner: {owner}\n" if owner else "")
            + f"next_follow_up: {date(2026, 10, 1) + timedelta(days=i - 1)}\n"
            + f"deals:\n  - title: {deal} {i:02d}\n    stage: {'proposal' if i % 3 else 'qualified'}\n"
            + f"    value: {i * 1000}\n    expected_close: {date(2026, 11, 1) + timedelta(days=i - 1)}\n"
            + f"purchases:\n  - date: 2026-0{1 + i % 9}-10\n    amount: {i * 100}\n---\n")
    for i in range(1, broken + 1):
        files[f"customers/broken{i}.md"] = "---\nname: [\n---\n"
    return make_vault(root, files)


def start_live(args: list[str], ready: str, env: dict[str, str] | None = None
               ) -> tuple[subprocess.Popen[str], list[str]]:
    """`python -m vault_tool ARGS` (watch or serve) in a new process, and its standard-error
    lines up to the first that holds `ready` ("watching", "serving")."""
    process = subprocess.Popen([sys.executable, "-m", "vault_tool", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    lines = []
    for line in process.stderr:
        lines.append(line)
        if ready in line:
            break
    return process, lines
