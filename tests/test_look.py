"""The vault's template overrides: they change the built site, and a broken one is a problem
at its file and line, never a crash (build_with_look, and `build` through its command line)."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import TODAY, load, make_vault, where
from vault_tool.build import build_site
from vault_tool.look import BrokenTemplates, build_with_look, overrides_folder
from vault_tool.messages import format_problem

NOTE = "---\nname: Acme Trading\nstatus: active\n---\nNotes.\n"
GREEN_BASE = """{% extends "package/base.html" %}
{% block head %}<style>header.top { background: #0a5; }</style>{% endblock %}
{% block brand %}<img src="https://example.com/logo.png" alt=""> {{ site.title }}{% endblock %}
{% block footer %}Acme internal: do not forward{% endblock %}
"""
CARD = """{% extends "base.html" %}
{% block title %}{{ c.name }}{% endblock %}
{% block main %}<h1 class="card">{{ c.name }}</h1><p class="status">{{ c.status }}</p>{% endblock %}
"""


def vault(tmp_path: Path, templates: dict[str, str]) -> Path:
    return make_vault(tmp_path / "v", {
        "vault.yml": "name: Test\n",
        "customers/acme.md": NOTE,
        "templates/customer.md": "---\nname: {name}\n---\n",  # the note template of `new`
        **{f"templates/{name}": text for name, text in templates.items()},
    })


def build(root: Path, strict: bool = False) -> tuple[Path, list[tuple[str, int, int, str, str]]]:
    out = root.parent / "site"
    _, problems = build_with_look(load(root), out, TODAY, root, strict=strict)
    return out, where(problems)


class Page(HTMLParser):
    """Each element's tag, class and text, to check a page by structure."""

    VOID = frozenset({"img", "link", "meta", "br", "input", "hr"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, str, list[str]]] = []
        self.open: list[int] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs).get("class") or "", []))
        if tag not in self.VOID:
            self.open.append(len(self.elements) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.elements[self.open.pop()][0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for index in self.open:
            self.elements[index][2].append(data)

    def texts(self, tag: str, cls: str = "") -> list[str]:
        """The text of every `tag` element whose class list holds `cls`."""
        return ["".join(text) for t, c, text in self.elements
                if t == tag and (not cls or cls in c.split())]


def page(out: Path, name: str) -> Page:
    return Page((out / name).read_text(encoding="utf-8"))


def test_a_base_html_override_extends_the_package_one_on_every_page(tmp_path: Path) -> None:
    out, problems = build(vault(tmp_path, {"base.html": GREEN_BASE}))
    assert problems == []
    for name in ["index.html", "problems.html", "customers/acme.html"]:
        html = page(out, name)
        assert "#0a5" in html.texts("style")[0], name
        assert html.texts("footer", "foot") == ["Acme internal: do not forward"]
        assert html.texts("img") == [""] and html.texts("div", "brand") == [" Test"]
        assert len(html.texts("a")) > 7, "the package's navigation is still there"


def test_a_customer_html_override_replaces_the_customer_pages_only(tmp_path: Path) -> None:
    out, problems = build(vault(tmp_path, {"customer.html": CARD}))
    assert problems == []
    html = page(out, "customers/acme.html")
    assert html.texts("h1", "card") == ["Acme Trading"]
    assert html.texts("p", "status") == ["active"]
    assert html.texts("footer", "foot")  # it extends the (package) base.html
    assert page(out, "index.html").texts("h1", "card") == []


def test_a_macros_override_is_used_by_the_package_pages(tmp_path: Path) -> None:
    macros = (Path(__file__).parent.parent / "templates" / "macros.html").read_text(encoding="utf-8")
    mine = macros.replace("{% macro status_pill(status) -%}",
                          '{% macro status_pill(status) -%}<b class="mine">mine</b>')
    assert mine != macros
    out, _ = build(vault(tmp_path, {"macros.html": mine}))
    assert page(out, "customers/acme.html").texts("b", "mine") == ["mine"]


def test_overrides_added_changed_and_removed_between_builds_are_seen(tmp_path: Path) -> None:
    """The compiled templates are kept between builds (watch), but never past a change."""
    root = vault(tmp_path, {"base.html": GREEN_BASE})
    out, _ = build(root)
    assert page(out, "index.html").texts("footer", "foot") == ["Acme internal: do not forward"]
    (root / "templates" / "base.html").write_text(GREEN_BASE.replace("do not", "please"),
                                                   encoding="utf-8")
    build(root)
    assert page(out, "index.html").texts("footer", "foot") == ["Acme internal: please forward"]
    (root / "templates" / "customer.html").write_text(CARD, encoding="utf-8")
    build(root)
    assert page(out, "customers/acme.html").texts("h1", "card") == ["Acme Trading"]
    (root / "templates" / "base.html").unlink()
    build(root)
    assert page(out, "customers/acme.html").texts("style") == []


def test_without_html_overrides_the_site_is_the_standard_one(tmp_path: Path) -> None:
    root = vault(tmp_path, {})  # only templates/customer.md, the note template
    assert overrides_folder(root) is None
    out, problems = build(root)
    plain = tmp_path / "plain"
    build_site(load(root), plain, TODAY, root)
    assert problems == []
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
        {p.relative_to(plain): p.read_bytes() for p in plain.rglob("*") if p.is_file()}


def test_a_syntax_error_is_a_problem_at_its_line_and_the_standard_look_is_used(
        tmp_path: Path) -> None:
    broken = GREEN_BASE.replace("{% endblock %}\n{% block footer", "\n{% block footer", 1)
    out, problems = build(vault(tmp_path, {"base.html": broken, "customer.html": CARD}))
    assert problems == [("templates/base.html", 4, 1, "error", "template-error")]
    html = page(out, "customers/acme.html")
    assert html.texts("style") == [] and html.texts("h1", "card") == []
    listed = page(out, "problems.html")
    assert listed.texts("span", "where") == ["templates/base.html:4:1"]
    assert listed.texts("span", "badge-error") == ["1"]


def test_every_broken_override_is_reported_not_just_the_first(tmp_path: Path) -> None:
    _, problems = build(vault(tmp_path, {"base.html": "ok\n{% if x %}\n",
                                         "customer.html": "{{ c.name }\n",
                                         "partials/logo.html": "{% for %}"}))
    assert [(p[0], p[1]) for p in problems] == [
        ("templates/base.html", 2), ("templates/customer.html", 1),
        ("templates/partials/logo.html", 1)]


@pytest.mark.parametrize(("text", "line", "detail"), [
    ('{% extends "base.html" %}\n{% block main %}\n{{ c.nmae }}\n{% endblock %}\n', 3,
     "has no attribute 'nmae'"),
    ('{% extends "base.html" %}\n{% block main %}{{ total }}{% endblock %}\n', 2,
     "'total' is undefined"),
    ('{% extends "package/customr.html" %}\n', 1, "there is no template 'package/customr.html'"),
    ('{% extends "customer.html" %}\n', 1, 'write {% extends "package/customer.html" %}'),
    ('{% extends "base.html" %}\n{% block main %}{{ c.name | money }}{% endblock %}\n', 2,
     "AttributeError: 'str' object has no attribute"),
])
def test_a_mistake_found_while_rendering_is_traced_to_its_line(tmp_path: Path, text: str,
                                                               line: int, detail: str) -> None:
    root = vault(tmp_path, {"customer.html": text})
    out = tmp_path / "site"
    _, problems = build_with_look(load(root), out, TODAY, root)
    assert where(problems) == [("templates/customer.html", line, 1, "error", "template-error")]
    message = format_problem(problems[0])
    assert message.startswith(f"templates/customer.html:{line}:1: error: ")
    assert detail in message and "delete the file" in message
    assert (out / "customers" / "acme.html").is_file()  # built with the standard template


def test_strict_refuses_before_writing(tmp_path: Path) -> None:
    root = vault(tmp_path, {"base.html": "{% if %}"})
    with pytest.raises(BrokenTemplates) as refused:
        build(root, strict=True)
    assert where(refused.value.problems) == [("templates/base.html", 1, 1, "error",
                                              "template-error")]
    assert not (tmp_path / "site").exists()


def test_an_override_missing_a_macro_the_standard_pages_import(tmp_path: Path) -> None:
    _, problems = build(vault(tmp_path, {"macros.html": "{% macro other() %}{% endmacro %}"}))
    assert problems == [("templates", 1, 1, "error", "template-error")]


def test_an_error_of_vault_tool_itself_is_not_blamed_on_the_vault(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> str:
        raise RuntimeError("a bug in vault-tool")

    monkeypatch.setattr("vault_tool.render.label", broken)  # called by the standard pages
    root = vault(tmp_path, {"base.html": GREEN_BASE})  # in every page's chain of templates
    for strict in (False, True):
        with pytest.raises(RuntimeError, match="a bug in vault-tool"):
            build(root, strict=strict)


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vault_tool", "-C", str(root), *args],
                          capture_output=True, text=True, encoding="utf-8", check=False)


def test_the_build_command_reports_a_broken_template_and_builds(tmp_path: Path) -> None:
    root = vault(tmp_path, {"base.html": '{% extends "package/base.html" %}\n{% block head %}\n'
                                         "{{ logo_url }}\n{% endblock %}\n"})
    result = run(root, "build", "--today", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        "templates/base.html:3:1: error: this dashboard template cannot be used: 'logo_url' is "
        "undefined; fix it, or delete the file. Until then the dashboard is built with the "
        "standard templates [template-error]")
    assert "1 errors" in result.stdout
    assert (root / "site" / "index.html").is_file()

    strict = run(root, "build", "--today", "2026-11-23", "--strict", "-o", "../strict")
    assert strict.returncode == 1
    assert "Traceback" not in strict.stderr
    assert strict.stderr.startswith("templates/base.html:3:1: error:")
    assert "nothing was written" in strict.stderr
    assert not (tmp_path / "strict").exists()
