"""memo.per_vault: one computation per vault, none kept after a build; memo.per_customer:
one per customer object, kept from build to build while the customer is."""

from __future__ import annotations

import gc
import pickle
import weakref
from pathlib import Path

from conftest import TODAY, load, make_vault

from vault_tool import memo, pipeline
from vault_tool.build import build_site
from vault_tool.model import Customer, Settings, Vault

NOTE = "---\nname: {name}\nstatus: active\ndeals:\n  - title: t\n    stage: proposal\n    value: 10\n---\n"


def test_results_are_computed_once_per_vault_and_again_for_another(tmp_path: Path) -> None:
    calls: list[int] = []

    @memo.per_vault
    def count(vault: Vault, extra: int) -> int:
        calls.append(extra)
        return len(vault.customers) + extra

    root = make_vault(tmp_path / "v", {"customers/a.md": NOTE.format(name="A")})
    first, second = load(root), load(root)
    assert [count(first, 1), count(first, 1), count(first, 2)] == [2, 2, 3]
    assert calls == [1, 2]
    assert count(second, 1) == 2 and calls == [1, 2, 1]  # an equal but new vault: computed


def test_a_build_keeps_no_reference_to_its_vault(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"customers/a.md": NOTE.format(name="A")})
    vault = load(root)
    assert pipeline.open_deals(vault)  # kept by per_vault
    build_site(vault, tmp_path / "site", TODAY)
    gone = weakref.ref(vault)
    del vault
    gc.collect()
    assert gone() is None


def _counting() -> tuple[list[str], object]:
    calls: list[str] = []

    @memo.per_customer
    def name_twice(customer: Customer, times: int) -> str:
        calls.append(customer.id)
        return customer.name * times

    return calls, name_twice


def test_per_customer_results_outlive_a_build_for_the_same_customer_only(tmp_path: Path) -> None:
    calls, name_twice = _counting()
    root = make_vault(tmp_path / "v", {"customers/a.md": NOTE.format(name="A"),
                                       "customers/b.md": NOTE.format(name="B")})
    first = load(root)
    with memo.customers_kept(first.customers):
        assert [name_twice(c, 2) for c in first.customers] == ["AA", "BB"]  # type: ignore[operator]
        assert name_twice(first.customers[0], 2) == "AA"  # type: ignore[operator]
        assert name_twice(first.customers[0], 3) == "AAA"  # type: ignore[operator]
    assert calls == ["a", "b", "a"]
    # A new customer object (as a changed note gives) is computed again, even when equal;
    # the same object (an unchanged note, from the note cache) is not.
    second = (first.customers[0], load(root).customers[1])
    with memo.customers_kept(second):
        assert [name_twice(c, 2) for c in second] == ["AA", "BB"]  # type: ignore[operator]
    assert calls == ["a", "b", "a", "b"]


def test_per_customer_results_are_kept_only_inside_a_build(tmp_path: Path) -> None:
    calls, name_twice = _counting()
    customer = load(make_vault(tmp_path / "v", {"customers/a.md": NOTE.format(name="A")})).customers[0]
    assert [name_twice(customer, 1), name_twice(customer, 1)] == ["A", "A"]  # type: ignore[operator]
    assert calls == ["a", "a"]


def test_a_customer_that_is_gone_is_not_kept_alive(tmp_path: Path) -> None:
    _, name_twice = _counting()
    root = make_vault(tmp_path / "v", {"customers/a.md": NOTE.format(name="A"),
                                       "customers/b.md": NOTE.format(name="B")})
    vault = load(root)
    with memo.customers_kept(vault.customers[:1]):  # the next build has only a
        for customer in vault.customers:
            name_twice(customer, 1)  # type: ignore[operator]
    kept, gone = weakref.ref(vault.customers[0]), weakref.ref(vault.customers[1])
    del vault, customer
    gc.collect()
    assert kept() is not None and gone() is None


def test_settings_pickle_the_same_after_their_cached_properties_are_used() -> None:
    """The settings are part of every page's key."""
    settings = Settings()
    before = pickle.dumps(settings)
    assert settings.stage_probability("won") == 1 and hash(settings) == hash(Settings())
    assert pickle.dumps(settings) == before
    assert pickle.loads(before) == settings
