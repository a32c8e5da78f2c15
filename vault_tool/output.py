"""One file of the built site: plain data shared by the renderers and the writer."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Page:
    """A file of the site: its path inside the site (forward slashes), and its bytes.

    `key` fingerprints what the page was made from (see render.Reuse); `kept` says the
    file in the output already holds this page, so it was not made again (`content` is
    then empty).
    """

    path: str
    content: bytes
    key: bytes | None = None
    kept: bool = False


def customer_href(customer_id: str) -> str:
    """The link to a customer page, relative to the site's root (ids may be Chinese)."""
    return "customers/" + quote(customer_id, safe="") + ".html"


def customer_file(customer_id: str) -> str:
    """The customer page's path inside the site."""
    return f"customers/{customer_id}.html"
