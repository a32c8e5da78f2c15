"""The pipeline page's history sections: stage analytics and the pipeline then vs now, read by
structure from sites built from scripted repositories; when they appear and when they don't."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import ALICE, Repo, isolated_git
from test_stages import note, scripted

from vault_tool.cli import cli

pytestmark = pytest.mark.usefixtures("isolated_git")
__all__ = ["isolated_git"]

DELTA = """---
name: Delta
status: prospect
deals:
  - title: D
    stage: proposal
    value: 1000
    expected_close: 2026-06-01
---
"""


class Tables(HTMLParser):
    """The text of each cell of each row, for tables with a class; and every id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.ids: set[str] = set()
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "table":
            self.current = (found.get("class") or "").split()[-1]
            self.tables[self.current] = []
        elif tag == "tr" and self.current:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.current and self.cell is not None:
            self.tables[self.current][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def pipeline(site: Path) -> Tables:
    parser = Tables()
    parser.feed((site / "pipeline.html").read_text(encoding="utf-8"))
    return parser


def build(root: Path, out: Path, *args: str) -> Tables:
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-o", str(out), "--today",
                                      "2026-05-01", *args])
    assert result.exit_code == 0, result.stderr
    return pipeline(out)


def test_sections_in_a_vault_that_is_its_own_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "vault")
    scripted(repo)
    before_quarter = repo.git("rev-parse", "--short", "HEAD").strip()
    repo.write("customers/delta.md", DELTA)
    repo.commit("Delta", ALICE, "2026-04-15T10:00:00+02:00")
    page = build(repo.vault, tmp_path / "site")
    assert page.tables["stage-analytics"][1:] == [
        ["qualified", "1", "10", "1/1 (100%)", "1/1 (100%)"],
        ["proposal", "4", "20", "2/4 (50%)", "1/4 (25%)"],
        ["negotiation", "2", "30", "0/2 (0%)", "0/2 (0%)"],
        ["won", "1", "", "", ""],
        ["lost", "1", "", "", ""],
    ]
    assert page.tables["stuck-deals"][1:] == [["Gamma", "C", "negotiation", "60", "30"]]
    assert page.tables["then-vs-now"][1:] == [
        ["Weighted open pipeline", "600", "900"],
        ["Forecast 2026-Q2", "0", "300"],
    ]
    text = (tmp_path / "site" / "pipeline.html").read_text(encoding="utf-8")
    assert f"commit {before_quarter} (2026-03-02)" in text and "Win rate 50% (1 won, 1 lost)" in text
    plain = build(repo.vault, tmp_path / "plain", "--no-history")
    assert "stage-analytics" not in plain.ids and "then-vs-now" not in plain.ids
    asof = build(repo.vault, tmp_path / "asof", "--as-of", "HEAD~1")
    assert "stage-analytics" not in asof.ids


def test_subfolder_vault_only_when_asked(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "project", "example")
    scripted(repo)
    assert "stage-analytics" not in build(repo.vault, tmp_path / "default").ids
    asked = build(repo.vault, tmp_path / "asked", "--history")
    assert "stage-analytics" in asked.ids and "then-vs-now" in asked.ids


def test_history_asked_for_but_unavailable(tmp_path: Path) -> None:
    (tmp_path / "customers").mkdir()
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "build", "-o", str(tmp_path / "site"),
                                      "--history"])
    assert result.exit_code == 0
    assert "no history sections: the vault is not in a git repository" in result.stderr
    assert "stage-analytics" not in pipeline(tmp_path / "site").ids


def test_no_quarter_start_before_the_history(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "vault")
    scripted(repo)
    result = CliRunner().invoke(cli, ["-C", str(repo.vault), "build", "-o", str(tmp_path / "s"),
                                      "--today", "2025-12-20"])  # Q4 began before the first commit
    assert result.exit_code == 0, result.stderr
    page = pipeline(tmp_path / "s")
    assert "stage-analytics" in page.ids and "then-vs-now" not in page.ids


class Items(HTMLParser):
    """The text of each <li> of the list with class "history", and the special lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self.classes: dict[str, str] = {}
        self.depth = 0
        self.current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = (dict(attrs).get("class") or "").split()
        if tag == "ol" and "history" in found:
            self.depth = 1
        elif tag == "li" and self.depth == 1:
            self.items.append("")
        elif tag in ("ol", "ul") and self.depth:
            self.depth += 1
        for name in ("last-changed", "uncommitted"):
            if tag == "p" and name in found:
                self.current = name
                self.classes[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ol", "ul") and self.depth:
            self.depth -= 1
        if tag == "p":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.depth and self.items:
            self.items[-1] += data
        if self.current:
            self.classes[self.current] += data


def history_of(page: Path) -> Items:
    parser = Items()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_customer_pages_show_their_history(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "vault")
    scripted(repo)
    (repo.vault / "customers" / "gamma.md").write_text(note("Gamma", ("C", "won")), encoding="utf-8")
    build(repo.vault, tmp_path / "site")
    acme = history_of(tmp_path / "site" / "customers" / "acme.html")
    assert acme.classes["last-changed"] == "Last changed by Bob Li on 2026-01-31 10:00 +01:00."
    assert "uncommitted" not in acme.classes
    assert len(acme.items) == 3 and "A won, B negotiating" in acme.items[0]
    assert "proposal → won" in acme.items[0] and "file created" in acme.items[2]
    beta = history_of(tmp_path / "site" / "customers" / "beta-co.html")  # followed through the rename
    assert len(beta.items) == 4 and "renamed" in beta.items[1] and "file created" in beta.items[3]
    gamma = history_of(tmp_path / "site" / "customers" / "gamma.html")
    assert "not committed yet" in gamma.classes["uncommitted"]
    plain = history_of(build_page(repo.vault, tmp_path / "plain", "--no-history"))
    assert plain.items == [] and plain.classes == {}


def build_page(root: Path, out: Path, *args: str) -> Path:
    build(root, out, *args)
    return out / "customers" / "acme.html"
