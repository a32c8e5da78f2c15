"""Results computed once per vault: a build asks the same question of the vault many times.

The pipeline page, the segments tables, the owners table and the exports each want every
open deal, or every customer's purchase totals; computed from scratch each time, these
were a sixth of a rebuild. `per_vault` keeps a function's results for the last vault it
saw, found by identity (a Vault is frozen, so the same object gives the same answers),
and forgets them when another vault comes. A build calls `forget` when it is done, so a
long `watch` session holds no old vault's results while it loads the next one.
Results are shared by every caller: they must not be changed.

`per_customer` keeps a function's results for each customer instead, and across builds:
the note cache gives an unchanged note's customer back as the same object, so after a
one-note change `watch` computes them again for that customer alone. They are kept only
inside `customers_kept` (a build), and after it only for that build's customers.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Concatenate, ParamSpec, TypeVar

from .model import Customer, Vault

P = ParamSpec("P")
R = TypeVar("R")


_CACHES: list[list[Any]] = []


def forget() -> None:
    """Drop every kept result (and so the reference to the last vault)."""
    for seen in _CACHES:
        seen[0], seen[1] = None, {}


def per_vault(fn: Callable[Concatenate[Vault, P], R]) -> Callable[Concatenate[Vault, P], R]:
    """`fn(vault, *args)` computed once per vault and arguments (arguments must be hashable)."""
    seen: list[Any] = [None, {}]  # the last vault, and its results by arguments
    _CACHES.append(seen)

    @functools.wraps(fn)
    def cached(vault: Vault, *args: P.args, **kwargs: P.kwargs) -> R:
        if seen[0] is not vault:
            seen[0], seen[1] = vault, {}
        key = (args, tuple(sorted(kwargs.items())))
        results: dict[Any, R] = seen[1]
        if key not in results:
            results[key] = fn(vault, *args, **kwargs)
        return results[key]

    return cached  # type: ignore[return-value]  # functools.wraps hides the signature from mypy


_PER_CUSTOMER: list[dict[Any, tuple[Customer, Any]]] = []
_keeping = [0]  # how many `customers_kept` are open: results are kept only inside one


@contextlib.contextmanager
def customers_kept(customers: Iterable[Customer]) -> Iterator[None]:
    """Keep per-customer results while inside; after, keep only those of `customers` (the
    build's), so that the next build finds them and no customer that is gone stays alive."""
    _keeping[0] += 1
    try:
        yield
    finally:
        _keeping[0] -= 1
        alive = {id(c): c for c in customers}
        for seen in _PER_CUSTOMER:
            for key in [k for k, (customer, _) in seen.items() if alive.get(k[0]) is not customer]:
                del seen[key]


def per_customer(fn: Callable[Concatenate[Customer, P], R]) -> Callable[Concatenate[Customer, P], R]:
    """`fn(customer, *args)`, found again for the same customer object and equal arguments.

    Arguments are hashed on every call: settings keep their hash (`Settings.__hash__`). One
    flat dict per function: about 170 bytes a result, 10 MB for five functions at 10,000
    customers.
    """
    seen: dict[Any, tuple[Customer, Any]] = {}  # (id(customer), *args) -> it, its result
    _PER_CUSTOMER.append(seen)

    @functools.wraps(fn)
    def cached(customer: Customer, *args: P.args, **kwargs: P.kwargs) -> R:
        if not _keeping[0] or kwargs:
            return fn(customer, *args, **kwargs)
        key = (id(customer), *args)
        hit = seen.get(key)
        if hit is not None and hit[0] is customer:
            result: R = hit[1]
            return result
        result = fn(customer, *args, **kwargs)  # (no kwargs here)
        seen[key] = customer, result
        return result

    return cached  # type: ignore[return-value]  # functools.wraps hides the signature from mypy
