"""Build a demo git repository from example_vault/ with a year of realistic history.

    python scripts/demo_history.py /tmp/demo-vault
    vault-tool -C /tmp/demo-vault history golden-gate-tea
    vault-tool -C /tmp/demo-vault stats

The history runs from 2025-12-01 to 2026-11-23 and ends in exactly example_vault/'s notes
and vault.yml. It is worked out backwards from them: a note appears on its `created:` date
(or in the first commit, when older); each log entry is committed on its own date; each deal
climbs qualified → proposal → negotiation to its stage now (won and lost on its `closed:` date
when it has one); a purchase appears on its date; and on 2026-06-30 a salesperson who has
since left, chen.jie, hands their customers over in one commit ("handover: chen.jie leaves").
Each change is committed by the owner of the note at the time. Same input, same repository,
commit hashes included (everything goes through one `git fast-import`).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT / "example_vault"
START = date(2025, 12, 1)
END = date(2026, 11, 23)
HANDOVER = date(2026, 6, 30)
LEAVER = "chen.jie"
HANDED_OVER_BY = "wang.fang"  # the team lead, who commits the handover
AUTHORS = {  # owner -> (name, email, UTC offset in hours)
    "alice": ("Alice Smith", "alice@harbourpine.example", 0),
    "bob": ("Bob Li", "bob@harbourpine.example", 8),
    "wang.fang": ("王芳", "wang.fang@harbourpine.example", 8),
    "li.lei": ("Li Lei", "li.lei@harbourpine.example", 8),
    LEAVER: ("Chen Jie", "chen.jie@harbourpine.example", 8),
}
OPEN_STAGES = ("qualified", "proposal", "negotiation")
DATE = r"(\d{4}-\d{2}-\d{2})"
LOG_HEADING = re.compile(r"^## (Log|沟通记录)[ \t]*$", re.M)
LOG_ENTRY = re.compile(rf"^- {DATE}\b")


@dataclass(frozen=True)
class Note:
    path: str  # relative to the vault: customers/...
    text: str  # as it is in example_vault/ now
    created: date
    owner: str
    stages: tuple[tuple[tuple[date, str], ...], ...]  # per deal: (from date, stage), oldest first


def stable(*parts: str) -> int:
    """A number that depends only on `parts` (not on Python's hash seed)."""
    return int(hashlib.sha256("/".join(parts).encode("utf-8")).hexdigest()[:8], 16)


def field(text: str, key: str) -> str:
    match = re.search(rf"^{key}: *(.*)$", text, flags=re.M)
    return match.group(1).strip().strip("\"'") if match else ""


def to_date(value: str, default: date) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return default


def deal_blocks(text: str) -> list[tuple[str, str, str]]:
    """(title, stage, closed) of each deal, in order."""
    front = text.split("\n---", 1)[0]
    section = re.search(r"^deals:\n((?:[ -].*\n)*)", front + "\n", flags=re.M)
    if not section:
        return []
    deals = []
    for block in re.split(r"^  - ", section.group(1), flags=re.M)[1:]:
        title = re.search(r"title: *(.*)", block)
        stage = re.search(r"stage: *(\w+)", block)
        closed = re.search(rf"closed: *{DATE}", block)
        deals.append((title.group(1) if title else "", stage.group(1) if stage else "",
                      closed.group(1) if closed else ""))
    return deals


def stage_path(path: str, title: str, final: str, closed: str, born: date) -> tuple[tuple[date, str], ...]:
    """The stages a deal went through, each from a date: ends at its stage now on `closed` or earlier."""
    if final in OPEN_STAGES:
        steps = list(OPEN_STAGES[:OPEN_STAGES.index(final) + 1])
    elif final in ("won", "lost"):
        reached = 1 + stable(path, title) % 3 if final == "lost" else 3
        steps = [*OPEN_STAGES[:reached], final]
    else:
        return ((born, final),)
    seed = stable(path, title, "end")
    end = to_date(closed, END - timedelta(days=5 + seed % 60))
    end = min(max(end, born), END - timedelta(days=1))
    if len(steps) == 1 or end <= born:
        return ((born, steps[-1]),)
    span = (end - born).days
    dates = [born] + [born + timedelta(days=span * k // (len(steps) - 1)) for k in range(1, len(steps))]
    return tuple(zip(dates, steps, strict=True))


def read_notes() -> list[Note]:
    notes = []
    for file in sorted((EXAMPLE / "customers").rglob("*.md")):
        rel = file.relative_to(EXAMPLE).as_posix()
        text = file.read_text(encoding="utf-8")
        created = max(to_date(field(text, "created"), START), START)
        stages = tuple(stage_path(rel, title, stage, closed, created)
                       for title, stage, closed in deal_blocks(text))
        notes.append(Note(rel, text, created, field(text, "owner"), stages))
    return notes


def handed_over(note: Note) -> bool:
    """Was this one of the leaver's customers (about a third of li.lei's and wang.fang's older ones)?"""
    return (note.created < HANDOVER and note.owner in ("li.lei", "wang.fang")
            and stable(note.path, LEAVER) % 3 == 0)


def owner_on(note: Note, day: date) -> str:
    return LEAVER if handed_over(note) and day < HANDOVER else note.owner


def note_on(note: Note, day: date) -> str | None:
    """The note's text as it stood at the end of `day`, or None before it existed."""
    if day < note.created:
        return None
    text = note.text
    if owner_on(note, day) != note.owner:
        text = re.sub(r"^owner: .*$", f"owner: {owner_on(note, day)}", text, count=1, flags=re.M)
    text = _stages_on(text, note, day)
    text = _purchases_on(text, day)
    return _log_on(text, day)


def _stages_on(text: str, note: Note, day: date) -> str:
    counter = iter(range(len(note.stages)))

    def replace(match: re.Match[str]) -> str:
        index = next(counter, None)
        if index is None:
            return match.group(0)
        stage = [s for since, s in note.stages[index] if since <= day][-1]
        return f"{match.group(1)}{stage}"

    front, sep, body = text.partition("\n---\n")
    return re.sub(r"^(    stage: *)\w+$", replace, front, flags=re.M) + sep + body


def _purchases_on(text: str, day: date) -> str:
    """Purchases dated after `day` are not in the note yet (the list may become `[]`)."""
    front, sep, body = text.partition("\n---\n")
    match = re.search(r"^purchases:\n((?:  .*\n)*)", front + "\n", flags=re.M)
    if not match:
        return text
    items = re.split(r"(?m)^(?=  - )", match.group(1))
    kept = [item for item in items if item and not _later(item, day)]
    if len(kept) == len([i for i in items if i]):
        return text
    new = "purchases:\n" + "".join(kept) if kept else "purchases: []\n"
    return (front + "\n")[:match.start()] + new.rstrip("\n") + front[match.end() - 1:] + sep + body


def _later(item: str, day: date) -> bool:
    found = re.search(rf"date: *{DATE}", item)
    return found is not None and to_date(found.group(1), START) > day


def _log_on(text: str, day: date) -> str:
    heading = LOG_HEADING.search(text)
    if heading is None:
        return text
    lines = text[heading.end():].split("\n")
    kept, dropping = [], False
    for line in lines:
        entry = LOG_ENTRY.match(line)
        if entry:
            dropping = to_date(entry.group(1), START) > day
        elif not line.startswith((" ", "\t")):
            dropping = False
        if not dropping:
            kept.append(line)
    return text[:heading.end()] + "\n".join(kept)


def vault_yml_on(day: date) -> str:
    text = (EXAMPLE / "vault.yml").read_text(encoding="utf-8")
    if day >= HANDOVER:
        return text
    return text.replace("owners: [alice, bob, wang.fang, li.lei]",
                        f"owners: [alice, bob, wang.fang, li.lei, {LEAVER}]", 1)


def event_days(notes: list[Note]) -> list[date]:
    days = {HANDOVER, END}
    for note in notes:
        days.add(note.created)
        days.update(since for track in note.stages for since, _ in track)
        days.update(to_date(d, START) for d in re.findall(rf"(?m)^(?:- |  - date: *){DATE}", note.text))
    return sorted(d for d in days if START < d <= END)


def describe(old: str | None, new: str | None, name: str) -> str:
    if old is None:
        return f"new customer {name}"
    if field(old, "owner") != field(new or "", "owner"):
        return f"{name}: owner {field(old, 'owner')} → {field(new or '', 'owner')}"
    moves = [f"'{a[0]}' → {b[1]}" for a, b in zip(deal_blocks(old), deal_blocks(new or ""), strict=True)
             if a[1] != b[1]]
    if moves:
        return f"{name}: deal {', '.join(moves)}"
    if (old.count("\n- ") < (new or "").count("\n- ")):
        return f"{name}: log"
    return f"{name}: purchase"


def commits(notes: list[Note]) -> list[tuple[datetime, str, str, dict[str, str]]]:
    """(when, owner, message, changed files) of every commit, oldest first."""
    state = {n.path: note_on(n, START) for n in notes}
    first = {p: t for p, t in state.items() if t is not None}
    first["vault.yml"] = vault_yml_on(START)
    result = [(_when(START, "alice", 0), "alice", "Import the customer list", first)]
    config = first["vault.yml"]
    for day in event_days(notes):
        groups: dict[tuple[str, bool], dict[str, str]] = {}
        messages: dict[tuple[str, bool], list[str]] = {}
        for note in notes:
            text = note_on(note, day)
            if text is not None and text != state[note.path]:
                handover = day == HANDOVER and handed_over(note)
                key = (HANDED_OVER_BY if handover else owner_on(note, day), handover)
                groups.setdefault(key, {})[note.path] = text
                messages.setdefault(key, []).append(describe(state[note.path], text, Path(note.path).stem))
                state[note.path] = text
        if vault_yml_on(day) != config:
            config = vault_yml_on(day)
            groups.setdefault((HANDED_OVER_BY, True), {})["vault.yml"] = config
        for slot, (owner, handover) in enumerate(sorted(groups)):
            message = _message(messages.get((owner, handover), []))
            if handover:
                message = f"handover: {LEAVER} leaves\n\n" + "\n".join(messages.get((owner, True), []))
            result.append((_when(day, owner, slot), owner, message, groups[(owner, handover)]))
    return result


def _message(parts: list[str]) -> str:
    """One line that names every note, then a line per note when there are several."""
    if len(parts) == 1:
        return parts[0]
    if all(part.endswith(": log") for part in parts):
        return "log: " + ", ".join(part.removesuffix(": log") for part in parts)
    return f"{parts[0]} (+{len(parts) - 1} more)\n\n" + "\n".join(parts)


def _when(day: date, owner: str, slot: int) -> datetime:
    offset = timezone(timedelta(hours=AUTHORS[owner][2]))
    minute = stable(day.isoformat(), owner) % 50
    return datetime.combine(day, time(9 + 2 * slot, minute), offset)


def data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def fast_import_stream(notes: list[Note]) -> bytes:
    out = []
    for index, (when, owner, message, files) in enumerate(commits(notes)):
        name, email, hours = AUTHORS[owner]
        stamp = f"{int(when.timestamp())} {'+' if hours >= 0 else '-'}{abs(hours):02d}00"
        who = f"{name} <{email}> {stamp}"
        out.append(b"commit refs/heads/main\nmark :%d\n" % (index + 1)
                   + f"author {who}\ncommitter {who}\n".encode() + data(message + "\n")
                   + (b"from :%d\n" % index if index else b""))
        out += [f'M 100644 inline "{path}"\n'.encode() + data(text) for path, text in sorted(files.items())]
    return b"".join(out)


def inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def build(target: Path) -> int:
    """Create the repository in `target` (a new or empty folder); the number of commits."""
    target = target.resolve()
    if inside(target, PROJECT):
        raise SystemExit(f"demo_history: {target} is inside vault-tool's own repository; pick another folder")
    if target.exists() and any(target.iterdir()):
        raise SystemExit(f"demo_history: {target} is not empty; pick a new or empty folder")
    target.mkdir(parents=True, exist_ok=True)
    notes = read_notes()
    stream = fast_import_stream(notes)
    git = ["git", "-c", "init.defaultBranch=main", "-c", "core.quotePath=false"]
    subprocess.run([*git, "init", "-q", str(target)], check=True)
    subprocess.run([*git, "-C", str(target), "fast-import", "--quiet"], input=stream, check=True)
    subprocess.run([*git, "-C", str(target), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    subprocess.run([*git, "-C", str(target), "reset", "-q", "--hard", "main"], check=True)
    with (target / ".git/info/exclude").open("a", encoding="utf-8") as exclude:
        exclude.write("site/\n.vault-tool-cache/\n")  # not in the tree: it is example_vault/'s
    count = subprocess.run([*git, "-C", str(target), "rev-list", "--count", "HEAD"],
                           check=True, capture_output=True, text=True).stdout.strip()
    return int(count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", help="a new or empty folder (default: a new temporary one)")
    args = parser.parse_args(argv)
    target = Path(args.folder) if args.folder else Path(tempfile.mkdtemp(prefix="vault-demo-"))
    count = build(target)
    print(f"{target}: {count} commits from {START} to {END}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
