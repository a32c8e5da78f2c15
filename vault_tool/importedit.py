"""The text of a note after an import: a new note, or an old one with empty fields filled and contacts added.

Pure, like edit.py, and built on it: values are set with edit.set_value, and
contacts are added as whole new lines after the last contact, indented like
the ones already there. The result is read back and refused unless the only
difference is the intended one.
"""

from __future__ import annotations

from datetime import date

from .edit import EditRefused, Note, read_note, set_value, value_at
from .importers import Pairs
from .importplan import CustomerPlan
from .mergeedit import add_item_key, add_list_texts, append_item
from .newnote import render_template, template_values
from .yamltree import Mapping, Node, Scalar, Sequence

FIRST = ("owner", "status")  # the template has these already


def new_note(template: str, plan: CustomerPlan, today: date, log_heading: str) -> str:
    fields = dict(plan.fields)
    values = template_values(plan.name, plan.id, today, fields.get("owner"), fields.get("status"),
                             plan.tags, log_heading)
    text = render_template(template, values)
    if plan.tags and not _has_tags(text):  # the vault's template may have no `tags:` line
        text = add_list_texts(text, "tags", list(plan.tags))
    for key, value in plan.fields:
        if key not in FIRST or value_at(text, (key,)) != value:
            text = set_value(text, key, value)
    return add_contacts(text, plan.contacts)


def update_note(text: str, plan: CustomerPlan) -> tuple[str, list[str]]:
    """The note with empty fields filled (a field with any text is left alone) and contacts added."""
    done = []
    for key, value in plan.fields:
        if value_at(text, (key,)) is None:
            text = set_value(text, key, value)
            done.append(key)
    if plan.tags and not _has_tags(text):
        text = add_list_texts(text, "tags", list(plan.tags))
        done.append("tags")
    for contact, keys in plan.details:
        text = add_contact_keys(text, contact, keys)
        done.append(f"{dict(contact).get('name', 'a contact')}: {', '.join(k for k, _ in keys)}")
    if plan.contacts:
        text = add_contacts(text, plan.contacts)
        done.append(f"+{len(plan.contacts)} contact(s)")
    return text, done


def add_contacts(text: str, contacts: tuple[Pairs, ...]) -> str:
    """Contacts after the last one, indented like it (mergeedit.append_item), then checked."""
    if not contacts:
        return text
    before = read_note(text)
    for contact in contacts:
        text = append_item(text, "contacts", tuple((k, v, "") for k, v in contact))
    _check(before, text, contacts)
    return text


def _has_tags(text: str) -> bool:
    found = read_note(text).tree.get("tags")
    return (isinstance(found, Sequence) and bool(found.items)) or (
        isinstance(found, Scalar) and not found.is_null and bool(found.value))


def add_contact_keys(text: str, contact: Pairs, keys: Pairs) -> str:
    """Add `keys` at the end of the one contact whose values are exactly `contact`."""
    tree = read_note(text).tree.get("contacts")
    items = tree.items if isinstance(tree, Sequence) else ()
    wanted = dict(contact)
    same = [i for i, item in enumerate(items) if isinstance(item, Mapping) and _values(item) == wanted]
    if len(same) != 1:
        raise EditRefused(f"cannot find the contact {wanted.get('name', '')!r} to add "
                          f"{', '.join(k for k, _ in keys)} to; add them by hand")
    for key, value in keys:
        text = add_item_key(text, "contacts", same[0], key, value)
    after = read_note(text).tree.get("contacts")
    item = after.items[same[0]] if isinstance(after, Sequence) else None
    if not isinstance(item, Mapping) or _values(item) != {**wanted, **dict(keys)}:
        raise EditRefused("vault-tool could not add to a contact without touching other text; "
                          "add it by hand")
    return text


def _values(item: Mapping) -> dict[str, str]:
    return {k.value: v.value for k, v in item.items
            if isinstance(v, Scalar) and not v.is_null and v.value}


def _check(before: Note, text: str, contacts: tuple[Pairs, ...]) -> None:
    after = read_note(text)
    old, new = _plain(before.tree), _plain(after.tree)
    assert isinstance(old, dict) and isinstance(new, dict)
    old_contacts = old.pop("contacts", [])
    new_contacts = new.pop("contacts", None)
    wanted = [*(old_contacts if isinstance(old_contacts, list) else []),
              *({k: v for k, v in c} for c in contacts)]
    if old != new or new_contacts != wanted or before.body != after.body:
        raise EditRefused("vault-tool could not add the contacts without touching other text; "
                          "add them by hand")


def _plain(node: Node) -> object:
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Sequence):
        return [_plain(i) for i in node.items]
    assert isinstance(node, Mapping)
    return {k.value: _plain(v) for k, v in node.items}
