"""Results computed once per vault: a build asks the same question of the vault many times.

The pipeline page, the segments tables, the owners table and the exports each want every
open deal, or every customer's purchase totals; computed from scratch each time, these
were a sixth of a rebuild. `per_vault` keeps a function's results for the last vault it
saw, found by identity (a Vault is frozen, so the same object gives the same answers),
and forgets them when another vault comes. A build calls `forget` when it is done, so a
long `watch` session holds no old vault's results while it loads the next one.
Results are shared by every caller: they must not be changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from .model import Vault

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
