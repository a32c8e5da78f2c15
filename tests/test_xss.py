"""No page of the dashboard ever executes what a vault contains.

Every payload of tests/data/xss.txt goes into every field of a test vault: the
vault's name, statuses, owners, stages, channels, custom fields and their enum
values, tags, contacts, deals, purchases, the log and the notes, and a file name.
Then every generated page is parsed: any script, event handler, unsafe URL or
active element that is not the dashboard's own fails the test.
"""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from vault_tool.build import build_site
from vault_tool.markdown import is_safe_url
from vault_tool.vault import load_vault

TODAY = date(2026, 11, 23)
ESCAPES = {"\\t": "\t", "\\r": "\r", "\\x01": "\x01", "\\u2028": "\u2028", "\\u2029": "\u2029"}
OUR_SCRIPTS = ("assets/app.js", "data/customers.js")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "data",
                  "poster", "srcset", "cite", "longdesc", "lowsrc"}
FORBIDDEN = {"iframe", "object", "embed", "base", "form", "input", "button", "style", "frame",
             "frameset", "applet", "math", "img", "video", "audio", "source", "template"}
# The dashboard's own controls (search form, sort and menu buttons), recognised by their
# exact attributes: markdown-it with HTML off cannot produce an element at all.
OUR_CONTROLS = {
    "form": {"class", "role"},
    "input": {"id", "type", "autocomplete", "placeholder"},
    "button": {"type", "class", "id", "aria-expanded", "aria-controls", "hidden"},
}


def payloads() -> list[str]:
    lines = (Path(__file__).parent / "data" / "xss.txt").read_text(encoding="utf-8").splitlines()
    result = []
    for line in lines:
        if line.startswith("#") or not line:
            continue
        for escaped, char in ESCAPES.items():
            line = line.replace(escaped, char)
        result.append(line)
    return result


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=True)


def channel_words(items: list[str]) -> list[str]:
    return [p for p in items if re.fullmatch(r"[^\s:：]+", p)]


def hostile_vault(root: Path, items: list[str]) -> Path:
    words = channel_words(items)
    vault_yml = "\n".join([
        f"name: {q(items[0])}",
        f"statuses: [{', '.join(q(p) for p in ['lead', *items])}]",
        f"owners: [{', '.join(q(p) for p in items)}]",
        "stages: {" + ", ".join(f"{q(p)}: 0.5" for p in items) + ", won: 1, lost: 0}",
        f"channels: [{', '.join(q(p) for p in ['call', *words])}]",
        f"log_heading: [Log, {q(items[0])}]",
        "currency: " + q(items[1]),
        "fields:",
        "  remark: text",
        "  grade: {type: enum, values: [" + ", ".join(q(p) for p in items) + "]}",
        "",
    ])
    (root / "customers").mkdir(parents=True)
    (root / "vault.yml").write_text(vault_yml, encoding="utf-8")
    for index, payload in enumerate(items):
        (root / "customers" / f"c{index:03d}.md").write_text(note(payload, words), encoding="utf-8")
    (root / "customers" / "<img src=x onerror=alert(1)>.md").write_text(
        note(items[2], words), encoding="utf-8")
    return root


def note(payload: str, words: list[str]) -> str:
    v = q(payload)
    channel = words[len(payload) % len(words)] if words else "call"
    lines = [
        "---", f"name: {v}", f"status: {v}", f"owner: {v}", f"tags: [{v}, x]",
        f"industry: {v}", f"region: {v}", f"source: {v}", f"follow_up: {v}",
        "next_follow_up: 2026-11-20", "created: 2026-01-01", f"remark: {v}", f"grade: {v}",
        "contacts:", f"  - name: {v}", f"    role: {v}", f"    email: {v}", f"    phone: {v}",
        f"    wechat: {v}", f"    skype: {v}",
        "deals:", f"  - title: {v}", f"    stage: {v}", "    value: 1000", f"    currency: {v}",
        "    expected_close: 2026-10-01",
        "purchases:", "  - date: 2026-05-01", "    amount: 10", f"    product: {v}",
        "  - date: 2025-01-01", "    amount: 10", f"    product: {v}",
        "---", payload, "", f"## {payload}", "", "## Log",
        f"- 2026-11-01 {channel}: {payload.replace(chr(10), ' ')}",
        f"- 2026-06-01 call: {payload}", "",
    ]
    return "\n".join(lines)


class Audit(HTMLParser):
    """Collects every element that could run code or load something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            src = values.get("src") or ""
            if not src.endswith(OUR_SCRIPTS) or len(attrs) != 1:
                self.findings.append(f"script {attrs}")
        ours = tag in OUR_CONTROLS and set(values) <= OUR_CONTROLS[tag] and (
            tag != "button" or values.get("type") == "button")
        if tag in FORBIDDEN and not ours:
            self.findings.append(f"<{tag}> {attrs}")
        if tag == "svg" and not (values.get("class") or "").startswith("chart"):
            self.findings.append(f"foreign svg {attrs}")
        if tag == "link" and (values.get("rel"), (values.get("href") or "").endswith("assets/style.css")) \
                != ("stylesheet", True):
            self.findings.append(f"link {attrs}")
        if tag == "meta" and "http-equiv" in values:
            self.findings.append(f"meta {attrs}")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc"):
                self.findings.append(f"{tag} {name}={value!r}")
            if name in URL_ATTRIBUTES and value is not None and not is_safe_url(value):
                self.findings.append(f"{tag} {name}={value!r}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = hostile_vault(tmp_path_factory.mktemp("xss") / "vault", payloads())
    vault = load_vault(root, TODAY)
    assert len(vault.customers) == len(payloads()) + 1  # every note loads: the payloads are valid text
    out = root.parent / "site"
    build_site(vault, out, TODAY)
    return out


def test_corpus_is_large() -> None:
    assert len(payloads()) >= 70


def test_no_page_runs_anything_from_the_vault(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 70
    for page in pages:
        audit = Audit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert audit.findings == [], (page.name, audit.findings[:5])


def test_data_for_scripts_cannot_close_its_script(site: Path) -> None:
    data = (site / "data" / "customers.js").read_text(encoding="utf-8")
    assert "<" not in data and ">" not in data
    assert "\u2028" not in data and "\u2029" not in data
    body = data.removeprefix("window.VAULT_CUSTOMERS = ").removesuffix(";\n")
    names = {row[1] for row in json.loads(body)["rows"]}
    assert set(payloads()) <= names  # kept as data, exactly


def test_payloads_are_shown_as_text(site: Path) -> None:
    page = (site / "customers" / "c021.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
