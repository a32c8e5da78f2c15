"""The one configured Markdown parser: CommonMark, raw HTML off, safe links only.

Notes are untrusted input. With `html` off, markdown-it escapes any tag a note
contains; `validateLink` keeps only link schemes that cannot run code.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def is_safe_url(url: str) -> bool:
    """True for relative links and the allow-listed schemes.

    Control characters and whitespace are removed first, because browsers
    ignore them inside a scheme (`java\\tscript:` still runs).
    """
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", url)
    match = _SCHEME.match(cleaned)
    if match is None:  # a relative link or fragment
        return True
    return match.group(1).lower() in SAFE_SCHEMES


def _validate_link(url: str) -> bool:
    return is_safe_url(url)


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.disable("image")  # a note must not make the dashboard load anything
    return md


MD = make_parser()
# Block structure only (headings, lists, code), for reading the log: the inline
# rules are the costlier half of parsing and the log needs only raw item text.
BLOCKS = make_parser()
BLOCKS.core.ruler.disable("inline")


def parse(text: str) -> list[Token]:
    return MD.parse(text)


def parse_blocks(text: str) -> list[Token]:
    """Tokens whose inline tokens keep their raw `content` but have no children."""
    return BLOCKS.parse(text)


def render(text: str, shift: int = 2) -> str:
    """HTML of a note's body, its headings moved down `shift` levels (h1 -> h3),
    so they sit under the page's own headings."""
    tokens = MD.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    html: str = MD.renderer.render(tokens, MD.options, {})
    return html
