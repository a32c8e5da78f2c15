"""dupes: each reason, the normalisation of names and phones, scores, and no false pairs."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from conftest import load, make_vault

from vault_tool.dupes import Dupes, find_dupes, normalise_name, normalise_phone, similar_names
from vault_tool.model import Contact, Customer


def customer(cid: str, name: str, *contacts: Contact) -> Customer:
    return Customer(id=cid, path=f"customers/{cid}.md", name=name, contacts=contacts)


def ids(result: Dupes) -> list[tuple[str, str]]:
    return [(p.a.id, p.b.id) for p in result.pairs]


@pytest.mark.parametrize(("name", "normal"), [
    ("上海华联超市有限公司", "上海华联超市"),
    ("上海华联超市", "上海华联超市"),
    ("上海华联集团股份有限公司", "上海华联"),
    ("杭州西溪酒店有限责任公司", "杭州西溪酒店"),
    ("Acme Trading Ltd.", "acmetrading"),
    ("ACME Trading", "acmetrading"),
    ("Acme Trading Co., Ltd.", "acmetrading"),
    ("Müller GmbH & Co. KG", "müller"),
    ("Nordic Home AB", "nordichome"),
    ("Ａｃｍｅ　Ｔｒａｄｉｎｇ", "acmetrading"),  # full width, as Chinese input methods type it
    ("Ltd", "ltd"),  # a name that is only a legal form keeps it
])
def test_normalise_name(name: str, normal: str) -> None:
    assert normalise_name(name) == normal


@pytest.mark.parametrize(("phone", "key"), [
    ("+86 138 0013 8000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("0086 138-0013-8000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("021-5555 0188", "2155550188"),
    ("+86 21 5555 0188", "2155550188"),
    ("+86 (0)21 5555 0188", "2155550188"),
    ("+47 22 55 01 23", "+4722550123"),
    ("004722550123", "+4722550123"),
    ("8021", None),
    ("", None),
])
def test_normalise_phone(phone: str, key: str | None) -> None:
    assert normalise_phone(phone) == key


def test_each_reason_and_scores_in_order() -> None:
    customers = [
        customer("acme", "Acme Trading Ltd.", Contact(email="Bob@Example.com")),
        customer("acme-2", "ACME Trading", Contact(email="bob@example.com ")),
        customer("hualian", "上海华联超市有限公司", Contact(phone="+86 138 0013 8000")),
        customer("hualian-2", "华联 Shanghai", Contact(phone="138-0013-8000")),
        customer("xixi", "杭州西溪酒店", Contact(wechat="Xixi_Hotel")),
        customer("xixi-hz", "West Lake Inn", Contact(wechat="xixi_hotel")),
        customer("sakura", "Sakura Dining Co., Ltd."),
        customer("sakura-2", "Sakura Dinning"),
    ]
    result = find_dupes(customers)
    assert ids(result) == [("acme", "acme-2"), ("xixi", "xixi-hz"), ("hualian", "hualian-2"),
                           ("sakura", "sakura-2")]
    assert [p.score for p in result.pairs] == [99, 90, 85, 77]
    assert [[str(r) for r in p.reasons] for p in result.pairs] == [
        ["same e-mail bob@example.com", "similar names (100)"],
        ["same WeChat id xixi_hotel"],
        ["same phone 13800138000"],
        ["similar names (96)"],
    ]
    assert ids(find_dupes(customers, min_score=90)) == [("acme", "acme-2"), ("xixi", "xixi-hz")]


def test_chinese_legal_forms_make_the_same_name() -> None:
    result = find_dupes([customer("a", "上海华联超市有限公司"), customer("b", "上海华联超市"),
                         customer("c", "上海联华超市")])  # 联华 is another chain
    assert ids(result) == [("a", "b")]
    assert result.pairs[0].score == 85


@pytest.mark.parametrize("names", [
    ["Acme Trading", "Nordic Trading"],
    ["上海华联超市", "北京华联超市"],
    ["Golden Dragon Restaurant", "Golden Lotus Restaurant"],
    ["Nordic Home", "Nordic House"],
    ["Shop 12", "Shop 13"],  # branches: the numbers differ
    ["客户 000123", "客户 000124"],
])
def test_no_pair_for_different_companies(names: list[str]) -> None:
    assert find_dupes([customer(f"c{i}", n) for i, n in enumerate(names)]).pairs == ()


def test_a_key_shared_by_many_is_a_placeholder() -> None:
    many = [customer(f"c{i:02d}", f"Firm {i:02d}", Contact(phone="13800000000")) for i in range(25)]
    result = find_dupes(many)
    assert result.pairs == () and result.crowded == (("phone", "13800000000", 25),)


def test_contacts_of_one_customer_do_not_pair_it_with_itself() -> None:
    one = customer("a", "Acme", Contact(email="x@y.com"), Contact(email="X@y.com"))
    assert find_dupes([one, customer("b", "Other")]).pairs == ()


def test_from_a_real_vault(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {
        "customers/acme.md": "---\nname: Acme Trading Ltd\ncontacts:\n  - email: bob@acme.com\n---\n",
        "customers/export/acme-oslo.md": "---\nname: ACME Trading\n---\n",
        "customers/上海华联.md": "---\nname: 上海华联超市有限公司\ncontacts:\n  - wechat: zw_sh\n---\n",
    })
    result = find_dupes(load(root).customers)
    assert [(p.a.path, p.b.path) for p in result.pairs] == [
        ("customers/acme.md", "customers/export/acme-oslo.md")]


def test_ten_thousand_names_stay_fast() -> None:
    rng = random.Random(7)
    words = ["acme", "trading", "nordic", "home", "tea", "golden", "dragon", "foods", "market", "hotel",
             "garden", "river", "star", "华联", "超市", "茶叶", "酒店", "上海", "北京", "贸易"]
    names = [" ".join(rng.choice(words) for _ in range(rng.randint(2, 4))) for _ in range(10_000)]
    start = time.perf_counter()
    pairs = list(similar_names(names))
    assert time.perf_counter() - start < 10  # about 1 s; a pure-Python O(n²) loop takes minutes
    assert pairs and all(i < j for i, j, _ in pairs)
