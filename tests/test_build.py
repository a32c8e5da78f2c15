"""Building the site: every broken file still lets the rest build; writes are atomic and minimal."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from conftest import long_lists_vault

from vault_tool import paging
from vault_tool.build import MANIFEST, BuildRefused, build_site, write_atomic
from vault_tool.vault import load_vault

TODAY = date(2026, 11, 23)

BROKEN_FILES: dict[str, bytes] = {
    "not-utf8.md": "---\nname: 上海\n---\n".encode("gb18030"),
    "utf16.md": "---\nname: x\n---\n".encode("utf-16"),
    "no-front.md": b"just some text\n",
    "unclosed.md": b"---\nname: x\n\nbody\n",
    "empty-front.md": b"---\n---\nbody\n",
    "list-front.md": b"---\n- a\n- b\n---\n",
    "syntax.md": b"---\nname: [x\n---\n",
    "dup-key.md": b"---\nname: a\nname: b\n---\n",
    "alias.md": b"---\nname: &n x\nregion: *n\n---\n",
    "tag.md": b"---\nname: !!python/object:os.system x\n---\n",
    "documents.md": b"---\nname: x\n...\nstatus: active\n---\n",
    "bad-date.md": b"---\nname: x\ncreated: 2026-02-30\n---\n",
    "wrong-type.md": b"---\nname: {a: 1}\ntags: vip\n---\n",
    "undeclared.md": b"---\nname: x\nstatus: activ\n---\n",
    "amounts.md": b"---\nname: x\npurchases:\n  - date: 2026-01-01\n    amount: -5\n",
    "log.md": b"---\nname: x\n---\n## Log\n- 2026-13-01 call: x\n- 2026-11-01 fax: y\n",
    "conflict.md": b"---\nname: x\n<<<<<<< HEAD\nstatus: active\n=======\nstatus: lead\n>>>>>>> b\n---\n",
    "deep.md": b"---\nname: " + b"[" * 100_000 + b"\n---\n",
    "huge.md": b"---\nname: x\n---\n" + b"a" * 2_000_000,
    "nul.md": b"---\nname: x\x00\n---\n",
    "sub/good.md": b"",  # a duplicate id of good.md, in a subfolder
}


def make_broken_vault(root: Path) -> Path:
    (root / "customers" / "sub").mkdir(parents=True)
    (root / "customers" / "good.md").write_text(
        "---\nname: Good Ltd\nstatus: active\nnext_follow_up: 2026-11-20\n---\n", encoding="utf-8")
    (root / "customers" / "好客户.md").write_text("---\nname: 好客户\n---\n", encoding="utf-8")
    for name, data in BROKEN_FILES.items():
        (root / "customers" / name).write_bytes(data)
    return root


def test_every_kind_of_broken_file_still_builds_the_rest(tmp_path: Path) -> None:
    root = make_broken_vault(tmp_path / "v")
    vault = load_vault(root, TODAY)
    broken_paths = {f"customers/{name}" for name in BROKEN_FILES}
    assert {p.path for p in vault.problems if p.severity == "error"} == broken_paths
    result = build_site(vault, tmp_path / "site", TODAY)
    assert result.pages > 0
    site = tmp_path / "site"
    assert (site / "customers" / "good.html").is_file()
    assert (site / "customers" / "好客户.html").is_file()
    problems = (site / "problems.html").read_text(encoding="utf-8")
    for path in broken_paths:
        assert f"<code>{path}</code>" in problems, path
    follow_ups = (site / "follow-ups.html").read_text(encoding="utf-8")
    assert "Good Ltd" in follow_ups


def test_unchanged_pages_keep_their_bytes_and_mtime(tmp_path: Path) -> None:
    root = tmp_path / "v"
    (root / "customers").mkdir(parents=True)
    (root / "customers" / "a.md").write_text("---\nname: A\n---\n", encoding="utf-8")
    (root / "customers" / "b.md").write_text("---\nname: B\n---\n", encoding="utf-8")
    site = tmp_path / "site"
    first = build_site(load_vault(root, TODAY), site, TODAY)
    files = [p for p in site.rglob("*") if p.is_file()]
    for path in files:
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    (root / "customers" / "b.md").write_text("---\nname: B2\n---\n", encoding="utf-8")
    second = build_site(load_vault(root, TODAY), site, TODAY)
    touched = sorted(p.relative_to(site).as_posix() for p in files
                     if p.stat().st_mtime_ns != 1_000_000_000)
    assert first.written == first.pages
    # B's page, the pages and data files that name B (B has no plan, so follow-ups lists it).
    assert touched == ["customers.csv", "customers.json", "customers/b.html", "data/customers.js",
                       "follow-ups.html"]
    assert second.written == len(touched)
    assert "B2" in (site / "customers" / "b.html").read_text(encoding="utf-8")


def test_write_atomic_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "x" / "page.html"
    assert write_atomic(target, b"one") is True
    assert write_atomic(target, b"one") is False
    assert write_atomic(target, b"two") is True
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.html"]
    assert target.read_bytes() == b"two"


def test_manifest_lists_every_written_file(tmp_path: Path) -> None:
    root = tmp_path / "v"
    (root / "customers").mkdir(parents=True)
    (root / "customers" / "a.md").write_text("---\nname: A\n---\n", encoding="utf-8")
    site = tmp_path / "site"
    build_site(load_vault(root, TODAY), site, TODAY)
    listed = [x for x in (site / MANIFEST).read_text(encoding="utf-8").splitlines()
              if not x.startswith("#")]
    on_disk = sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                     if p.is_file() and p.name != MANIFEST)
    assert listed == on_disk


def test_refuses_to_build_into_the_vault_itself(tmp_path: Path) -> None:
    root = tmp_path / "v"
    (root / "customers").mkdir(parents=True)
    with pytest.raises(BuildRefused):
        build_site(load_vault(root, TODAY), root, TODAY, root)


def test_pages_of_a_list_that_got_shorter_are_removed(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    root = long_lists_vault(tmp_path / "v", count=9, broken=7)
    site = tmp_path / "site"
    build_site(load_vault(root, TODAY), site, TODAY, root)
    overdue = sorted(p.name for p in (site / "follow-ups").glob("overdue-*.html"))
    assert overdue == ["overdue-1.html", "overdue-2.html", "overdue-3.html"]
    assert (site / "problems-3.html").is_file() and (site / "value" / "rfm-3.html").is_file()
    for i in range(4, 10):  # 3 customers and 1 broken file left: every list fits on one page
        (root / "customers" / f"c{i:02d}.md").unlink()
    for i in range(2, 8):
        (root / "customers" / f"broken{i}.md").unlink()
    result = build_site(load_vault(root, TODAY), site, TODAY, root)
    assert result.removed > 10
    assert not (site / "follow-ups").exists() and not (site / "value").exists()
    assert not (site / "pipeline").exists()
    assert sorted(p.name for p in site.glob("problems*.html")) == ["problems.html"]
    assert 'class="pager"' not in (site / "follow-ups.html").read_text(encoding="utf-8")


def test_a_build_removes_what_a_killed_build_staged_and_nothing_of_a_running_one(
        tmp_path: Path) -> None:
    """A build killed with SIGKILL leaves its hidden staged files; the next build removes
    those of dead processes (a customer's data must not linger in the site folder)."""
    import subprocess
    import sys

    from conftest import make_vault

    root = make_vault(tmp_path / "vault", {"customers/acme.md": "---\nname: Acme\n---\n"})
    out = tmp_path / "site"
    build_site(load_vault(root, date(2026, 11, 23)), out, date(2026, 11, 23))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = [out / f".tmp-{dead}-7.html", out / "customers" / f".tmp-{dead}-8.html"]
    running = out / f".tmp-{os.getpid()}-999999.html"
    for path in (*left, running):
        path.write_text("<p>secret</p>", encoding="utf-8")
    build_site(load_vault(root, date(2026, 11, 23)), out, date(2026, 11, 23))
    assert [p.exists() for p in left] == [False, False]
    assert running.exists()
    assert (out / "customers/acme.html").is_file()


@pytest.mark.parametrize(("on_disk", "content"), [
    (b"", b""), (b"abcdefg", b"abcdefg"), (b"abcdefh", b"abcdefg"), (b"abcdef", b"abcdefg"),
    (b"abcdefgh", b"abcdefg"), (None, b""), (None, b"a")])
def test_holds_compares_a_file_chunk_by_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              on_disk: bytes | None, content: bytes) -> None:
    from vault_tool import build

    monkeypatch.setattr(build, "COMPARE_CHUNK", 3)  # several chunks, the last one short
    path = tmp_path / "page.html"
    if on_disk is not None:
        path.write_bytes(on_disk)
    assert build.holds(path, content) == (on_disk == content)
