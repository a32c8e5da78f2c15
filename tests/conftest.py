"""Small helpers shared by the tests: write a vault inline, load it, list its problems."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
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
