"""Build a git repository with a generated vault and a realistic history, for timing `history`.

The vault comes from generate.py; then COMMITS commits by five authors over a year each
touch one to four random notes: a status or owner change, a deal moving to its next
stage, log entries added, now and then a rename or a deletion. Everything goes through
one `git fast-import`, so building 10,000 customers and 500 commits takes seconds.
Same seed, same repository (commit hashes included).

    python benchmarks/history_repo.py /tmp/vault-history 10000 500 --seed 1
    vault-tool -C /tmp/vault-history history c000042
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import CHANNELS, OWNERS, STAGES, STATUSES, WORDS, generate

AUTHORS = [("Alice Smith", "alice@example.com"), ("Bob Li", "bob@example.com"),
           ("王芳", "wang.fang@example.cn"), ("Li Lei", "li.lei@example.cn"),
           ("Chen Jie", "chen.jie@example.cn")]
START = datetime(2025, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def edit(rng: random.Random, text: str) -> tuple[str, str]:
    """One realistic change to a note, and a commit message for it."""
    choice = rng.random()
    if choice < 0.25:
        new = rng.choice(STATUSES)
        return re.sub(r"^status: .*$", f"status: {new}", text, count=1, flags=re.M), f"status {new}"
    if choice < 0.4:
        new = rng.choice(OWNERS)
        return re.sub(r"^owner: .*$", f"owner: {new}", text, count=1, flags=re.M), f"owner {new}"
    if choice < 0.65:
        match = re.search(r"^    stage: (\w+)$", text, flags=re.M)
        if match:
            following = STAGES[min(STAGES.index(match.group(1)) + 1, len(STAGES) - 1)]
            start, end = match.span(1)
            return text[:start] + following + text[end:], f"deal to {following}"
    when = (START + timedelta(days=rng.randrange(365))).date().isoformat()
    entry = f"- {when} {rng.choice(CHANNELS)}: {' '.join(rng.choice(WORDS) for _ in range(8))}"
    heading = re.search(r"^## (Log|沟通记录)\n\n", text, flags=re.M)
    if heading is None:
        return text + entry + "\n", "log +1"
    return text[:heading.end()] + entry + "\n" + text[heading.end():], "log +1"


def data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def commit_header(index: int, when: datetime, author: tuple[str, str], message: str) -> bytes:
    stamp = f"{int(when.timestamp())} +0800"
    who = f"{author[0]} <{author[1]}> {stamp}"
    return (b"commit refs/heads/main\nmark :%d\n" % (index + 1)
            + f"author {who}\ncommitter {who}\n".encode() + data(message)
            + (b"from :%d\n" % index if index else b""))


def stream(rng: random.Random, vault: Path, commits: int) -> bytes:
    """The fast-import stream: the whole vault first, then the edits."""
    files = {p.relative_to(vault).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted(vault.rglob("*")) if p.is_file()}
    out = [commit_header(0, START, AUTHORS[0], "Import the customer list")]
    out += [f"M 100644 inline {path}\n".encode() + data(text) for path, text in files.items()]
    notes = sorted(p for p in files if p.startswith("customers/"))
    for index in range(1, commits):
        when = START + timedelta(hours=17 * index, minutes=rng.randrange(60))
        author = rng.choice(AUTHORS)
        lines, messages = [], []
        for path in rng.sample(notes, rng.randint(1, 4)):
            luck = rng.random()
            if luck < 0.02:
                new_path = path.replace(".md", "-renamed.md")
                lines.append(f"R {path} {new_path}\n".encode())
                files[new_path] = files.pop(path)
                notes[notes.index(path)] = new_path
                messages.append(f"rename {Path(path).stem}")
            elif luck < 0.03:
                lines.append(f"D {path}\n".encode())
                del files[path]
                notes.remove(path)
                messages.append(f"delete {Path(path).stem}")
            else:
                files[path], what = edit(rng, files[path])
                lines.append(f"M 100644 inline {path}\n".encode() + data(files[path]))
                messages.append(f"{Path(path).stem}: {what}")
        out.append(commit_header(index, when, author, "; ".join(messages)))
        out += lines
    return b"".join(out)


def build(target: Path, count: int, commits: int, seed: int) -> Path:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        vault = generate(Path(tmp), count, seed)
        payload = stream(rng, vault, commits)
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "fast-import", "--quiet"], input=payload, check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "-q", "-f", "main"], check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("commits", type=int, nargs="?", default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    build(args.folder, args.count, args.commits, args.seed)
    print(f"{args.folder}: {args.count} customers, {args.commits} commits")


if __name__ == "__main__":
    main()
