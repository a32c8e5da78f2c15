"""Shared dashboards: a redacted site holds no private value in any file; an owner's site holds
no other owner's customer."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tool.cli import cli
from vault_tool.config import load_settings
from vault_tool.redact import MASK, only_owner, redact
from vault_tool.vault import build_vault, load_vault

VAULT_YML = """name: Shared
private: [contacts.phone, contacts.wechat, id_number]
fields:
  id_number: text
"""

ACME = """---
name: Acme Ltd
status: active
owner: alice
id_number: "110101199003077777"
next_follow_up: 2026-11-20
follow_up: call Wang on +86 138-0013-8000
contacts:
  - name: Wang Fang
    email: wang@acme.example
    phone: +86 138-0013-8000
    wechat: wangfang_acme
    mobile: "0755 8888 1234"
  - name: Li Lei
    phone: "(021) 5555-0199"
deals:
  - title: 2027 supply
    stage: proposal
    value: 5000
---
Wang's direct line is +86 138-0013-8000; WeChat wangfang_acme.

## Log
- 2026-11-02 call: rang (021) 5555-0199, asked for id 110101199003077777
"""

BETA = """---
name: Beta Trading 贝塔贸易
status: prospect
owner: bob
contacts:
  - name: Zhao Min
    phone: "+86 139 1111 2222"
    wechat: zhaomin_beta
next_follow_up: 2026-11-25
---
Bob's own customer.
"""

BROKEN_BOB = """---
name: Gamma Secret Co
status: activ
owner: bob
---
"""

PRIVATE = ["110101199003077777", "+86 138-0013-8000", "wangfang_acme", "(021) 5555-0199",
           "+86 139 1111 2222", "zhaomin_beta"]


def make_vault(root: Path) -> Path:
    (root / "customers").mkdir(parents=True)
    (root / "vault.yml").write_text(VAULT_YML, encoding="utf-8")
    for name, text in (("acme", ACME), ("beta", BETA), ("gamma", BROKEN_BOB)):
        (root / "customers" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def forms(value: str) -> set[str]:
    """The value as written, its digits (as in a tel: link) and as JSON would escape it."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return {f for f in (value, digits, json.dumps(value)[1:-1], value.replace("+", "%2B")) if f}


def every_file(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_bytes().decode("utf-8")
            for p in sorted(site.rglob("*")) if p.is_file()}


def build(root: Path, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-o", str(out), "--today",
                                      "2026-11-23", *args])
    return result.exit_code, result.stderr


def test_redacted_site_holds_no_private_value(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault")
    code, err = build(root, tmp_path / "open")
    assert code == 0, err
    files = every_file(tmp_path / "open")
    assert any("wangfang_acme" in text for text in files.values())  # the unredacted site has them
    code, err = build(root, tmp_path / "site", "--redact")
    assert code == 0, err
    files = every_file(tmp_path / "site")
    assert {"follow-ups.ics", "customers.csv", "customers.json", "data/customers.js",
            "customers/acme.html"} <= set(files)
    for value in PRIVATE:
        for form in forms(value):
            leaks = [path for path, text in files.items() if form in text]
            assert not leaks, f"{form!r} in {leaks}"
    page = files["customers/acme.html"]
    assert "wang@acme.example" in page and "Wang Fang" in page  # what is not private stays
    assert "0755 8888 1234" in page  # another contact key, not listed as private


def test_redact_is_a_pure_transformation(tmp_path: Path) -> None:
    vault = load_vault(make_vault(tmp_path), date(2026, 11, 23))
    shared = redact(vault)
    acme = shared.customer("acme")
    assert acme is not None
    assert [c.phone for c in acme.contacts] == [None, None] and acme.contacts[0].wechat is None
    assert "id_number" not in dict(acme.custom)
    assert acme.follow_up == f"call Wang on {MASK}"
    assert acme.log[0].text == f"rang {MASK}, asked for id {MASK}" and acme.log[0].date == date(2026, 11, 2)
    assert acme.body.startswith(f"Wang's direct line is {MASK}; WeChat {MASK}.")
    assert vault.customer("acme").contacts[0].phone == "+86 138-0013-8000"  # type: ignore[union-attr]
    assert redact(replace_private(vault, ())) == replace_private(vault, ())


def replace_private(vault, private):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(vault, settings=replace(vault.settings, private=private))


def test_body_and_log_and_standard_keys(tmp_path: Path) -> None:
    vault = replace_private(load_vault(make_vault(tmp_path), date(2026, 11, 23)),
                            ("body", "log", "deals", "owner"))
    acme = redact(vault).customer("acme")
    assert acme is not None
    assert acme.body == "" and acme.deals == () and acme.owner is None
    assert [(e.date, e.text) for e in acme.log] == [(date(2026, 11, 2), MASK)]


def test_owner_site_holds_no_other_owners_customer(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault")
    code, err = build(root, tmp_path / "alice", "--owner", "alice")
    assert code == 0, err
    files = every_file(tmp_path / "alice")
    assert "customers/acme.html" in files
    assert not any(p.startswith("customers/") and p != "customers/acme.html"
                   for p in files if p.endswith(".html"))
    for word in ("Beta Trading", "贝塔贸易", "Gamma Secret", "gamma.md", "beta.md", "zhaomin_beta",
                 "Zhao Min"):
        leaks = [path for path, text in files.items() if word in text or json.dumps(word)[1:-1] in text]
        assert not leaks, f"{word!r} in {leaks}"


def test_owner_keeps_config_problems_only_with_the_owners_notes(tmp_path: Path) -> None:
    vault = load_vault(make_vault(tmp_path), date(2026, 11, 23))
    assert any(p.path == "customers/gamma.md" for p in vault.problems)
    mine = only_owner(vault, "alice")
    assert [c.id for c in mine.customers] == ["acme"]
    assert all(p.path in ("customers/acme.md", "vault.yml") for p in mine.problems)


def test_unknown_owner_and_nothing_private(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault")
    code, err = build(root, tmp_path / "x", "--owner", "alicia")
    assert code == 1 and "did you mean 'alice'" in err and "Owners: alice, bob" in err
    assert not (tmp_path / "x").exists()
    (root / "vault.yml").write_text("name: Shared\n", encoding="utf-8")
    code, err = build(root, tmp_path / "y", "--redact")
    assert code == 0 and "lists no `private` fields" in err


def test_private_setting() -> None:
    settings, problems = load_settings(b"private: [contacts.phone, id_number, log]\n")
    assert settings.private == ("contacts.phone", "id_number", "log") and problems == []
    settings, problems = load_settings(b"private: [name, deals.value, contacts.phone]\n")
    assert settings.private == ("contacts.phone",)
    assert [(p.code, p.args["value"]) for p in problems] == [("invalid-setting", "name"),
                                                              ("invalid-setting", "deals.value")]


PHONE = st.text(alphabet="0123456789 +-()", min_size=5, max_size=16).filter(lambda s: s.strip() == s
                                                                              and any(c.isdigit() for c in s))
WECHAT = st.from_regex(r"[a-z][a-z0-9_]{4,12}", fullmatch=True)
WORDS = st.text(alphabet="abc xyz,.;:", max_size=20)


def strings(value: object) -> list[str]:
    """Every text inside a customer, but its name, id and path."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [t for item in value for t in strings(item)]
    if is_dataclass(value) and not isinstance(value, type):
        return [t for f in fields(value) if f.name not in ("name", "id", "path")
                for t in strings(getattr(value, f.name))]
    return []


@settings(max_examples=60, deadline=None)
@given(phone=PHONE, wechat=WECHAT, filler=WORDS, where=st.sampled_from(
    ["body", "log", "follow_up", "tag", "deal", "industry", "email"]))
def test_no_private_value_survives_anywhere_in_the_customer(phone: str, wechat: str, filler: str,
                                                            where: str) -> None:
    mention = f"{filler} {phone} {wechat} {filler}".replace("\n", " ")
    quoted = json.dumps(mention)
    front = {
        "tag": f"tags: [{quoted}]", "deal": f"deals:\n  - title: {quoted}\n    stage: proposal",
        "industry": f"industry: {quoted}", "follow_up": f"follow_up: {quoted}",
        "email": f"contacts:\n  - name: Other\n    email: {json.dumps(wechat + '@x.example')}",
    }.get(where, "")
    body = {"body": mention, "log": f"## Log\n- 2026-11-02 call: {mention}"}.get(where, "")
    note = (f"---\nname: Acme\n{front}\ncontacts:\n  - name: Wang\n    phone: {json.dumps(phone)}\n"
            f"    wechat: {wechat}\n---\n{body}\n").replace("\ncontacts:\n  - name: Wang",
                                                            "\n  - name: Wang" if where == "email"
                                                            else "\ncontacts:\n  - name: Wang")
    config = b"private: [contacts.phone, contacts.wechat]\n"
    vault = build_vault((config, []), ["customers/acme.md"],
                        lambda rel: (note.encode("utf-8"), []), date(2026, 11, 23))
    before = vault.customer("acme")
    assert before is not None, vault.problems
    assert len([t for t in strings(before) if wechat in t]) >= 2  # the field and its copy
    customer = redact(vault).customer("acme")
    assert customer is not None
    texts = strings(customer)
    for value in (phone.strip(), wechat):
        if len(value) >= 3:
            assert not [t for t in texts if value in t], (value, where)
