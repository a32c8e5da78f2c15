"""A new customer: a readable id from its name, and its first text from a template.

Pure: the template's text comes in, the note's text goes out. Ids are what
people type (`vault-tool log shanghai-hualian …`), so they are short: legal
forms (Ltd, GmbH, 有限公司) are left out, Latin letters lose their accents,
and Chinese becomes pinyin, one word per Chinese word, unless the vault keeps
Chinese ids.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from .edit import Line, join_lines, split_lines
from .parse import BOUNDARY
from .vault import is_note_name
from .yamlspans import yaml_scalar

MAX_ID = 60
HAN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")
LEGAL_FORMS = frozenset({
    "ab", "ag", "aps", "as", "bv", "co", "corp", "gmbh", "inc", "kg", "limited", "llc", "ltd",
    "nv", "oy", "plc", "pte", "pty", "pvt", "sa", "sarl", "sas", "spa", "srl",
})
CHINESE_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司")
TRANSLIT = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "þ": "th", "ß": "ss",
                          "ı": "i"})
APOSTROPHES = re.compile(r"['’‘`´]")
NOT_WORD = re.compile(r"[^\w]+|_+")
ILLEGAL = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                      *(f"lpt{i}" for i in range(10))})
PLACEHOLDER = re.compile(r"""(["']?)\{(name|id|today|owner|status|tags|log_heading)\}\1""")
ONLY_PLACEHOLDER = re.compile(r"""^\s*[^\s#][^:]*:\s+(["']?)\{(\w+)\}\1\s*(#.*)?$""")

BUILTIN_TEMPLATE = """---
name: {name}
status: {status}
owner: {owner}
tags: {tags}
created: {today}
---

## {log_heading}
"""


class BadId(ValueError):
    """The name gives no usable id, or the id given cannot be a file name."""


def make_id(name: str, keep_chinese: bool = False) -> str:
    """`Acme Trading Ltd` -> `acme-trading`, `上海华联` -> `shanghai-hualian` (or `上海华联`)."""
    text = _without_legal_forms(unicodedata.normalize("NFC", name).strip())
    words: list[str] = []
    for index, run in enumerate(HAN.split(text)):
        if index % 2:  # the odd parts of a split on a group are the Chinese runs
            words += [run] if keep_chinese else _pinyin_words(run)
        else:
            words += _latin_words(run)
    slug = _shorten("-".join(w for w in words if w))
    if not slug:
        raise BadId(f"cannot make an id from the name {name!r}; give one with --id")
    return slug + "-customer" if slug in RESERVED else slug


def _without_legal_forms(text: str) -> str:
    """`Sakura Dining Co., Ltd.` -> `Sakura Dining`; `合肥徽美超市有限公司` -> `合肥徽美超市`."""
    for suffix in CHINESE_LEGAL_FORMS:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[:-len(suffix)].rstrip()
            break
    words = text.split()
    while len(words) > 1 and re.sub(r"[.,/]", "", words[-1]).casefold() in LEGAL_FORMS:
        words.pop()
    return " ".join(words).rstrip(" ,")


def _latin_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", APOSTROPHES.sub("", text).casefold().translate(TRANSLIT))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return [w for w in NOT_WORD.split(unicodedata.normalize("NFC", plain)) if w]


def _pinyin_words(run: str) -> list[str]:
    """Pinyin per word; single characters the segmenter leaves alone are paired (华联 -> hualian)."""
    from pypinyin.seg.mmseg import seg  # imported here: it costs every command ~0.15 s to load

    words: list[str] = []
    singles = ""
    for word in [*seg.cut(run), ""]:
        if len(word) == 1:
            singles += word
            continue
        while len(singles) > 3:
            words.append(singles[:2])
            singles = singles[2:]
        words += [singles] if singles else []
        singles = ""
        words += [word] if word else []
    return [_pinyin(w) for w in words]


def _pinyin(word: str) -> str:
    from pypinyin import lazy_pinyin

    spelled = re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(word)).lower())
    return spelled or word


def _shorten(slug: str) -> str:
    if len(slug) <= MAX_ID:
        return slug
    cut = slug[:MAX_ID]
    return cut[:cut.rfind("-")] if "-" in cut else cut


def check_id(wanted: str) -> str:
    """An id given with --id, in NFC, or BadId saying why it cannot name a note."""
    new_id = unicodedata.normalize("NFC", wanted.strip())
    if ILLEGAL.search(new_id):
        raise BadId(f"the id {wanted!r} has a character that cannot be in a file name "
                    '(/ \\ : * ? " < > | or a control character)')
    if not new_id or not is_note_name(new_id + ".md") or new_id.endswith((".", " ")):
        raise BadId(f"the id {wanted!r} cannot name a note: it must not be empty, start with "
                    "'.', '#' or '~', or end with '.'")
    if new_id.casefold() in RESERVED or len(new_id) > 100:
        raise BadId(f"the id {wanted!r} cannot be a file name on every system; choose another")
    return new_id


# --- templates -------------------------------------------------------------------------------

def render_template(template: str, values: dict[str, str | tuple[str, ...]]) -> str:
    """The template with its placeholders filled in.

    In the front matter, values are written as YAML (quoted when needed; tags
    as a `[…]` list), and a line whose value is only a placeholder with nothing
    to put in (no --owner) is left out. In the body, values are plain text.
    """
    bom, lines = split_lines(template)
    end = _front_end(lines)
    out: list[Line] = []
    for index, line in enumerate(lines):
        if 0 < index < end:
            match = ONLY_PLACEHOLDER.match(line.text)
            if match and match.group(2) in values and not values[match.group(2)]:
                continue
            text = PLACEHOLDER.sub(lambda m: _yaml_value(m, values), line.text)
        else:
            text = PLACEHOLDER.sub(lambda m: _text_value(m, values), line.text)
        out.append(Line(text, line.eol))
    return join_lines(bom, out)


def _front_end(lines: list[Line]) -> int:
    if not lines or not BOUNDARY.match(lines[0].text):
        return 0
    return next((i for i in range(1, len(lines)) if BOUNDARY.match(lines[i].text)), 0)


def _yaml_value(match: re.Match[str], values: dict[str, str | tuple[str, ...]]) -> str:
    quote, value = match.group(1), values[match.group(2)]
    if isinstance(value, tuple):
        if quote:
            return _quoted(quote, ", ".join(value))
        return "[" + ", ".join(yaml_scalar(tag, flow=True) for tag in value) + "]"
    return _quoted(quote, value) if quote else yaml_scalar(value) if value else ""


def _quoted(quote: str, value: str) -> str:
    return yaml_scalar(value, style=quote)


def _text_value(match: re.Match[str], values: dict[str, str | tuple[str, ...]]) -> str:
    value = values[match.group(2)]
    text = ", ".join(value) if isinstance(value, tuple) else value
    return match.group(1) + text + match.group(1)


def template_values(name: str, new_id: str, today: date, owner: str | None, status: str | None,
                    tags: tuple[str, ...], log_heading: str) -> dict[str, str | tuple[str, ...]]:
    return {"name": name, "id": new_id, "today": today.isoformat(), "owner": owner or "",
            "status": status or "", "tags": tuple(dict.fromkeys(t.strip() for t in tags if t.strip())),
            "log_heading": log_heading}
