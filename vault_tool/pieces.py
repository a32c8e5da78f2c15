"""Per-customer parts of the vault-wide files, kept between the rebuilds of `watch`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .model import Customer

T = TypeVar("T")


class Pieces:
    """Each customer's piece of each data file, kept while the customer is the same object.

    An unchanged note keeps its Customer object in the note cache, so `is` tells that its
    pieces are still right, without comparing anything. The pieces also depend on the
    settings and the day: another context forgets them all.
    """

    def __init__(self) -> None:
        self.context: object = None
        self.items: dict[tuple[str, str], tuple[Customer, Any]] = {}

    def use_context(self, context: object) -> None:
        if context != self.context:
            self.context, self.items = context, {}

    def get(self, kind: str, customer: Customer, make: Callable[[Customer], T]) -> T:
        known = self.items.get((kind, customer.path))
        if known is not None and known[0] is customer:
            return known[1]  # type: ignore[no-any-return]
        piece = make(customer)
        self.items[(kind, customer.path)] = (customer, piece)
        return piece

    def keep_only(self, customers: Iterable[Customer]) -> None:
        """Forget the customers that are gone, so memory does not grow with deleted notes."""
        present = {c.path for c in customers}
        self.items = {k: v for k, v in self.items.items() if k[1] in present}
