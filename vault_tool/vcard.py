"""The vault as vCard 3.0 (RFC 2426), for phones and Google Contacts.

One card per contact, ORG the customer's name, CATEGORIES its tags, and a NOTE
naming the customer id, which `vault-tool import` reads back so that an export
imported into an empty vault gives the same ids. A customer without contacts
is one card named after the customer. Pure: the vault in, bytes out.
"""

from __future__ import annotations

from datetime import date

from .model import Contact, Customer, Vault

ID_NOTE = "vault-tool id: "
FIELD_PREFIX = "X-VAULT-TOOL-"  # X-VAULT-TOOL-STATUS:active; phones keep and ignore X- properties
OTHER_KEY = "X-VAULT-TOOL-CONTACT"  # X-VAULT-TOOL-CONTACT:wechat=zhangwei_sh
FIELDS = ("status", "owner", "industry", "region", "source", "follow_up", "created")
CARD_KEYS = ("name", "role", "department", "email", "phone", "url", "address", "birthday", "note", "uid")
FOLD_AT = 75  # octets per line, CRLF not counted (RFC 2425 5.8.1)


def customers_vcf(vault: Vault) -> bytes:
    cards = []
    for customer in sorted(vault.customers, key=lambda c: c.id):
        contacts = customer.contacts or (Contact(name=customer.name),)
        cards += [card(customer, contact) for contact in contacts]
    return "".join(cards).encode("utf-8")


def card(customer: Customer, contact: Contact) -> str:
    extra = dict(contact.extra)
    name = contact.name or customer.name
    org = escape(customer.name) + (f";{escape(extra['department'])}" if extra.get("department") else "")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{escape(name)}", f"N:;{escape(name)};;;", f"ORG:{org}"]
    if contact.role:
        lines.append(f"TITLE:{escape(contact.role)}")
    for key, prop in (("email", "EMAIL;TYPE=INTERNET"), ("phone", "TEL"), ("url", "URL"),
                      ("address", "ADR")):
        values = [v for k, v in (("", getattr(contact, key, None) or extra.get(key)),
                                 *sorted(extra.items(), key=lambda p: _number(p[0])))
                  if v and (k == "" or _numbered(k, key))]
        lines += [f"{prop}:;;{escape(v)};;;;" if prop == "ADR" else f"{prop}:{escape(v)}" for v in values]
    if extra.get("birthday"):
        lines.append(f"BDAY:{escape(extra['birthday'])}")
    if contact.wechat:
        lines.append(f"{OTHER_KEY}:wechat={escape(contact.wechat)}")
    lines += [f"{OTHER_KEY}:{escape(k)}={escape(v)}" for k, v in contact.extra if not _on_card(k)]
    lines += [f"{FIELD_PREFIX}{f.upper().replace('_', '-')}:{escape(_text(getattr(customer, f)))}"
              for f in FIELDS if getattr(customer, f) is not None]
    if customer.tags:
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in customer.tags))
    note = ID_NOTE + customer.id + (f"\n{extra['note']}" if extra.get("note") else "")
    lines.append(f"NOTE:{escape(note)}")
    if extra.get("uid"):
        lines.append(f"UID:{escape(extra['uid'])}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def _on_card(key: str) -> bool:
    """Keys with a vCard property of their own; the others travel as X-VAULT-TOOL-CONTACT."""
    base = key.split("_")[0]
    return key in CARD_KEYS or (base in ("email", "phone", "url", "address") and _numbered(key, base))


def _numbered(key: str, base: str) -> bool:
    """`email_2` is the second e-mail; `email_work` is a key of its own."""
    return key.startswith(base + "_") and key[len(base) + 1:].isdigit()


def _number(key: str) -> int:
    tail = key.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def escape(text: str) -> str:
    """RFC 2426 TEXT: backslash, comma, semicolon and newline escaped."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space; never inside a character."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = FOLD_AT if not out else FOLD_AT - 1
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)
