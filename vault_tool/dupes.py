"""Likely duplicate customers: the same e-mail, phone or WeChat id, or names that are nearly the same.

People add a customer twice when the first note was filed under another
spelling ("Acme Trading Ltd." and "ACME Trading", or 上海华联超市有限公司 and
上海华联超市). Exact keys are found through one dictionary per kind of key,
so they cost nothing. Names are compared with rapidfuzz's ratio, but only
where a match is possible at all: names are sorted by length and each is
compared, in C, with the few whose length allows a ratio above the cutoff,
and names whose numbers differ ("Shop 12", "Shop 13": branches, not
duplicates) are never compared. That keeps 10,000 customers to about a second.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from .model import Customer
from .newnote import LEGAL_FORMS as ID_LEGAL_FORMS

ReasonKind = Literal["email", "phone", "wechat", "name"]

NAME_CUTOFF = 88  # ratio of the normalised names; 上海华联超市 ~ 上海联华超市 (another firm) is 83
MAX_SHARED = 20  # a key shared by more customers is a placeholder (000, info@…), not a duplicate
MIN_PHONE_DIGITS = 7  # shorter: an extension (座机分机: 8021), not a phone number
WEIGHTS: dict[ReasonKind, float] = {"email": 0.9, "wechat": 0.9, "phone": 0.85}

LEGAL_FORMS = ID_LEGAL_FORMS | frozenset({
    "company", "corporation", "incorporated", "llp", "lp", "coltd", "kk", "sl", "sro", "ltda",
    "group", "holding", "holdings",
})
CHINESE_LEGAL_FORMS = ("集团股份有限公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司",
                       "集团", "公司")
NOT_ALNUM = re.compile(r"[\W_]+")
DIGITS = re.compile(r"\d+")
CHINESE_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    value: str  # the shared key, or the names' similarity for "name"
    weight: float  # how sure this reason alone makes the pair, 0..1

    def __str__(self) -> str:
        if self.kind == "name":
            return f"similar names ({self.value})"
        label = {"email": "e-mail", "phone": "phone", "wechat": "WeChat id"}[self.kind]
        return f"same {label} {self.value}"


@dataclass(frozen=True)
class Pair:
    """Two customers that are probably one; `a` sorts before `b`."""

    a: Customer
    b: Customer
    score: int  # 0..100
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Dupes:
    pairs: tuple[Pair, ...]  # highest score first, then by ids
    crowded: tuple[tuple[ReasonKind, str, int], ...]  # keys shared by too many customers: skipped


# --- normalisation ---------------------------------------------------------------------------

def normalise_name(name: str) -> str:
    """`Acme Trading Co., Ltd.` -> `acmetrading`; `上海华联超市有限公司` -> `上海华联超市`."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    changed = True
    while changed:
        changed = False
        for suffix in CHINESE_LEGAL_FORMS:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[:-len(suffix)].rstrip(" ,.()（）"), True
                break
        words = text.split()
        while len(words) > 1 and NOT_ALNUM.sub("", words[-1]) in (LEGAL_FORMS | {""}):
            words.pop()
            changed = True
        text = " ".join(words).rstrip(" ,.&+")
    return NOT_ALNUM.sub("", text)


def normalise_phone(phone: str) -> str | None:
    """Digits only, comparable across ways of writing the same number; None when too short.

    Chinese numbers lose the country code (+86, 0086, 86 before a mobile) and
    the trunk 0, so `+86 138 0013 8000`, `8613800138000` and `138-0013-8000`
    agree, as do `021-5555 0188` and `+86 21 5555 0188`. Other countries keep
    their code after a `+` (`+47 22 55 01 23` = `0047 22550123` -> `+4722550123`);
    a number without a country code loses its trunk 0.
    """
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
    international = phone.strip().startswith("+") or digits.startswith("00")
    digits = digits[2:] if digits.startswith("00") else digits
    if not international and digits.startswith("86") and CHINESE_MOBILE.match(digits[2:]):
        international = True
    if international:
        if not digits.startswith("86"):
            return "+" + digits if len(digits) >= MIN_PHONE_DIGITS else None
        digits = digits[2:]
    digits = digits.lstrip("0")
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def customer_keys(customer: Customer) -> set[tuple[ReasonKind, str]]:
    """The exact keys of a customer's contacts: e-mails and WeChat ids ignoring case, phones normalised."""
    keys: set[tuple[ReasonKind, str]] = set()
    for contact in customer.contacts:
        if contact.email and contact.email.strip():
            keys.add(("email", contact.email.strip().casefold()))
        if contact.wechat and contact.wechat.strip():
            keys.add(("wechat", contact.wechat.strip().casefold()))
        phone = normalise_phone(contact.phone) if contact.phone else None
        if phone:
            keys.add(("phone", phone))
    return keys


# --- finding pairs ---------------------------------------------------------------------------

def find_dupes(customers: Sequence[Customer], min_score: int = 0) -> Dupes:
    """Every pair of customers with at least one reason, scored, at or above `min_score`."""
    found: dict[tuple[int, int], list[Reason]] = defaultdict(list)
    crowded = _exact_pairs(customers, found)
    for i, j, similarity in similar_names([c.name for c in customers]):
        found[(i, j)].append(Reason("name", str(similarity), _name_weight(similarity)))
    pairs = []
    for (i, j), reasons in found.items():
        a, b = sorted((customers[i], customers[j]), key=lambda c: (c.id, c.path))
        ordered = tuple(sorted(reasons, key=lambda r: (r.kind == "name", -r.weight, r.kind, r.value)))
        score = combined_score(ordered)
        if score >= min_score:
            pairs.append(Pair(a, b, score, ordered))
    pairs.sort(key=lambda p: (-p.score, p.a.id, p.b.id))
    return Dupes(tuple(pairs), tuple(sorted(crowded)))


def _exact_pairs(customers: Sequence[Customer], found: dict[tuple[int, int], list[Reason]]
                 ) -> list[tuple[ReasonKind, str, int]]:
    owners: dict[tuple[ReasonKind, str], list[int]] = defaultdict(list)
    for index, customer in enumerate(customers):
        for key in customer_keys(customer):
            owners[key].append(index)
    crowded: list[tuple[ReasonKind, str, int]] = []
    for (kind, value), indexes in owners.items():
        if len(indexes) > MAX_SHARED:
            crowded.append((kind, value, len(indexes)))
            continue
        for x, i in enumerate(indexes):
            for j in indexes[x + 1:]:
                found[(i, j)].append(Reason(kind, value, WEIGHTS[kind]))
    return crowded


def similar_names(names: Sequence[str], cutoff: int = NAME_CUTOFF) -> Iterable[tuple[int, int, int]]:
    """(i, j, similarity) with i < j for names whose normalised forms have a ratio >= cutoff."""
    by_digits: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for index, name in enumerate(names):
        norm = normalise_name(name)
        if norm:
            by_digits[" ".join(DIGITS.findall(norm))].append((norm, index))
    plain = sorted(by_digits.pop("", []), key=lambda x: (len(x[0]), x[1]))
    yield from _compare(plain, plain, cutoff, same=True)
    for group in by_digits.values():  # numbered names: with the same numbers, or with none
        group.sort(key=lambda x: (len(x[0]), x[1]))
        yield from _compare(group, group, cutoff, same=True)
        yield from _compare(group, plain, cutoff, same=False)


def _compare(queries: list[tuple[str, int]], choices: list[tuple[str, int]], cutoff: int, *, same: bool
             ) -> Iterable[tuple[int, int, int]]:
    """Each query against the choices whose length allows the cutoff (both lists sorted by length)."""
    lengths = [len(norm) for norm, _ in choices]
    texts = [norm for norm, _ in choices]
    ratio = cutoff / 100
    for position, (norm, index) in enumerate(queries):
        size = len(norm)
        # ratio = 2·common / (la + lb) <= 2·min / (la + lb), so lengths must be close.
        low = position + 1 if same else bisect_left(lengths, size * ratio / (2 - ratio) - 1e-9)
        high = bisect_right(lengths, size * (2 - ratio) / ratio + 1e-9)
        if low >= high:
            continue
        for _, score, offset in process.extract(norm, texts[low:high], scorer=fuzz.ratio,
                                                score_cutoff=cutoff, limit=None):
            other = choices[low + offset][1]
            yield min(index, other), max(index, other), round(score)


def _name_weight(similarity: int) -> float:
    """0.6 at the cutoff, rising to 0.85 for names that are the same once normalised."""
    span = max(1, 100 - NAME_CUTOFF)
    return 0.6 + 0.25 * max(0, similarity - NAME_CUTOFF) / span


def combined_score(reasons: Iterable[Reason]) -> int:
    """1 - Π(1 - weight) over the strongest reason of each kind: two kinds of evidence beat one."""
    best: dict[ReasonKind, float] = {}
    for reason in reasons:
        best[reason.kind] = max(best.get(reason.kind, 0.0), reason.weight)
    doubt = 1.0
    for weight in best.values():
        doubt *= 1 - weight
    return int((1 - doubt) * 100 + 0.5)
