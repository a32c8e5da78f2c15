"""Generate a realistic vault of N customers, deterministically (same seed, same files).

Notes are 1 to 3 KB, with contacts, deals, purchases and a log, in English and Chinese.

    python benchmarks/generate.py /tmp/vault-10k 10000 --seed 1
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

OWNERS = ["alice", "bob", "wang.fang", "li.lei", "chen.jie"]
STATUSES = ["lead", "prospect", "active", "active", "active", "dormant", "lost"]
STAGES = ["qualified", "proposal", "negotiation", "won", "lost"]
CHANNELS = ["call", "email", "meeting", "visit", "wechat", "message", "note"]
INDUSTRIES = ["retail", "hospitality", "food service", "wholesale", "餐饮", "零售", "酒店"]
REGIONS = ["华东", "华南", "华北", "西南", "EU", "US", "APAC"]
SOURCES = ["referral", "website", "trade fair", "cold call", "展会", "转介绍"]
WORDS = [
    "tea", "ceramics", "packaging", "kitchen", "price", "quote", "sample", "delivery", "order",
    "contract", "visit", "discount", "volume", "spring", "autumn", "supplier", "quality", "报价",
    "样品", "合同", "交期", "价格", "订单",
]

VAULT_YML = """name: Benchmark Trading
owners: [alice, bob, wang.fang, li.lei, chen.jie]
default_cadence: {lead: 2w, prospect: 10d, active: 1m, dormant: 3m}
log_heading: [Log, 沟通记录]
fields:
  level: {type: enum, values: [A, B, C]}
"""


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def day(rng: random.Random, start: date, span: int) -> date:
    return start + timedelta(days=rng.randrange(span))


def note(rng: random.Random, index: int) -> str:
    chinese = index % 2 == 1
    status = rng.choice(STATUSES)
    lines = [
        "---",
        f"name: {'客户' if chinese else 'Customer'} {index:06d}",
        f"status: {status}",
        f"owner: {rng.choice(OWNERS)}",
        f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]",
        f"industry: {rng.choice(INDUSTRIES)}",
        f"region: {rng.choice(REGIONS)}",
        f"source: {rng.choice(SOURCES)}",
        f"created: {day(rng, date(2023, 1, 1), 1000).isoformat()}",
        f"level: {rng.choice('ABC')}",
    ]
    if rng.random() < 0.4:
        lines += [f"next_follow_up: {day(rng, date(2026, 10, 1), 120).isoformat()}",
                  f"follow_up: {sentence(rng, 6)}"]
    lines.append("contacts:")
    for c in range(rng.randint(1, 3)):
        lines += [f"  - name: Contact {index}-{c}", f"    role: {rng.choice(['buyer', 'owner', '采购'])}",
                  f'    phone: "1{rng.randrange(10**9, 10**10)}"', f"    email: c{index}.{c}@example.com"]
    lines.append("deals:")
    for d in range(rng.randint(0, 3) or 1):
        lines += [f"  - title: deal {d} {sentence(rng, 2)}", f"    stage: {rng.choice(STAGES)}",
                  f"    value: {rng.randrange(5, 800) * 1000}",
                  f"    expected_close: {day(rng, date(2026, 6, 1), 300).isoformat()}"]
    lines.append("purchases:")
    for _ in range(rng.randint(1, 6)):
        lines += [f"  - date: {day(rng, date(2024, 11, 1), 750).isoformat()}",
                  f"    amount: {rng.randrange(1, 200) * 500}", f"    product: {rng.choice(WORDS)}"]
    lines += ["---", "", sentence(rng, rng.randint(40, 150)), "",
              "## 沟通记录" if chinese else "## Log", ""]
    for _ in range(rng.randint(2, 10)):
        when = day(rng, date(2025, 6, 1), 540).isoformat()
        lines.append(f"- {when} {rng.choice(CHANNELS)}: {sentence(rng, rng.randint(5, 15))}")
    return "\n".join(lines) + "\n"


def generate(root: Path, count: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    (root / "customers").mkdir(parents=True, exist_ok=True)
    (root / "vault.yml").write_text(VAULT_YML, encoding="utf-8")
    for index in range(count):
        folder = root / "customers" / f"{index % 50:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"c{index:06d}.md").write_text(note(rng, index), encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.folder, args.count, args.seed)
    print(f"wrote {args.count} customers into {args.folder}")


if __name__ == "__main__":
    main()
