"""`vault-tool init`: the files of a new vault, and writing them without overwriting any.

The texts are built here as plain strings (pure); `init_vault` writes whatever is
missing and reports, file by file, what it created and what it kept.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from .cache import CACHE_DIR
from .config import CONFIG_FILE
from .vault import CUSTOMERS_DIR, find_notes

Locale = Literal["en", "zh"]
Action = Literal["created", "kept", "skipped", "updated", "refused"]
IGNORED = ("site/", f"{CACHE_DIR}/")


@dataclass(frozen=True)
class Outcome:
    """What `init` (or `hooks install`) did with one file.

    `reason` says why, as a key the command line words in the vault's language;
    `detail` is the value that goes with it (a count, a list of lines, a path).
    """

    path: str
    action: Action
    reason: str = ""
    detail: str = ""


@dataclass(frozen=True)
class SettingDoc:
    key: str
    value: tuple[str, str]  # the line's value, en and zh: the default, or an example
    default: tuple[str, str]  # "" when `value` is the default
    meaning: tuple[str, str]


# One entry per setting of config.READERS, in its order (tests/test_cli_git.py checks it).
SETTING_DOCS = (
    SettingDoc("name", ("Customers", "客户"), ("", ""),
               ("The title of the dashboard.", "看板的标题。")),
    SettingDoc("locale", ("en", "zh"), ("", ""),
               ("The language of the dashboard and of the messages: en or zh.",
                "看板和提示信息的语言：en 或 zh。")),
    SettingDoc("statuses", ("[lead, prospect, active, dormant, lost]",) * 2, ("", ""),
               ("The values `status` may have (this list replaces the default one).",
                "`status` 可以取的值（会替换整个默认列表）。")),
    SettingDoc("closed_statuses", ("[lost]",) * 2, ("", ""),
               ("Statuses that are finished: no follow-ups for them.", "已结束的状态：不再提醒跟进。")),
    SettingDoc("stages", ("{qualified: 0.1, proposal: 0.3, negotiation: 0.6, won: 1.0, lost: 0.0}",) * 2,
               ("", ""), ("Deal stages, each with its usual chance of winning (0 to 1).",
                          "商机阶段，以及各阶段通常的赢单概率（0 到 1）。")),
    SettingDoc("default_cadence", ("{lead: 2w, prospect: 10d, active: 1m}",) * 2,
               ("none", "无"), ("How often to contact a customer of a status, when it has no `cadence`.",
                                "没有设 `cadence` 的客户，按状态多久跟进一次。")),
    SettingDoc("dormant_after", ("90d",) * 2, ("", ""),
               ('No contact for longer than this and a customer is "going cold".',
                "超过这么久没有联系，客户即为「即将流失」。")),
    SettingDoc("owners", ("[alice, bob]", "[王芳, 李雷]"), ("any owner is accepted", "任何负责人都可以"),
               ("When set, every `owner` must be one of these.", "设置后，每个 `owner` 都必须在此列表中。")),
    SettingDoc("currency", ("EUR", "CNY"), ("none", "无"),
               ("The vault's own currency, shown after amounts.", "客户库使用的货币，显示在金额后面。")),
    SettingDoc("rates", ("{USD: 0.92, GBP: 1.17}", "{USD: 7.1, EUR: 7.8}"), ("none", "无"),
               ("What one unit of another currency is worth in `currency`.",
                "其他货币 1 个单位折合多少 `currency`。")),
    SettingDoc("fields", ("{level: {type: enum, values: [A, B, C]}, contract_no: text}",
                          "{等级: {type: enum, values: [A, B, C]}, 合同号: text}"), ("none", "无"),
               ("Your own front matter keys, with their type.", "自定义字段及其类型。")),
    SettingDoc("required", ("[status, owner]",) * 2, ("[] (only name)", "[]（只有 name 必填）"),
               ("Keys every customer must have, besides `name`.", "除 `name` 外每位客户必须填写的字段。")),
    SettingDoc("log_heading", ("Log", "沟通记录"), ("", ""),
               ("The heading of the log in each note.", "每份笔记中沟通记录的标题。")),
    SettingDoc("channels", ("[call, email, meeting, visit, wechat, message, note]",) * 2, ("", ""),
               ("The channels allowed in the log (this list replaces the default one).",
                "沟通记录中允许的沟通方式（会替换整个默认列表）。")),
    SettingDoc("keep_chinese_ids", ("false",) * 2, ("", ""),
               ("`vault-tool new` keeps a Chinese name as the id (上海华联.md) instead of pinyin.",
                "`vault-tool new` 直接用中文名作编号（上海华联.md），而不是拼音。")),
    SettingDoc("private", ("[contacts.phone, contacts.wechat, id_number]",) * 2, ("none", "无"),
               ("Fields `vault-tool build --redact` leaves out of every page and file.",
                "`vault-tool build --redact` 从所有页面和文件中去掉的字段。")),
)

# Settings a Chinese vault turns on; everything else stays at its default.
ZH_ACTIVE = {"locale": "zh", "log_heading": "沟通记录"}

HEADER = (
    "# vault.yml: the settings of this vault. Every setting is optional.\n"
    "# Each one is shown below, commented out: delete the `#` at the start of its line\n"
    "# to use it. The whole list, with examples, is in docs/format.md (section 6).\n",
    "# vault.yml：客户库的设置。所有设置都可以不写。\n"
    "# 下面列出了每一项设置（已注释）：删掉行首的 `#` 即可启用。\n"
    "# 完整说明和示例见 docs/format.md 第 6 节。\n",
)


def vault_yml(locale: Locale) -> str:
    """Every setting, commented out, with its default (or an example) and what it does."""
    index = 1 if locale == "zh" else 0
    blocks = [HEADER[index]]
    for doc in SETTING_DOCS:
        default = doc.default[index]
        note = (f"默认：{default}。" if locale == "zh" else f" Default: {default}.") if default else ""
        line = (f"{doc.key}: {ZH_ACTIVE[doc.key]}" if locale == "zh" and doc.key in ZH_ACTIVE
                else f"#{doc.key}: {doc.value[index]}")
        blocks.append(f"# {doc.meaning[index]}{note}\n{line}\n")
    return "\n".join(blocks)


def example_note(locale: Locale, today: date) -> tuple[str, str]:
    """The example customer: its vault-relative path and its text."""
    follow_up = (today + timedelta(days=7)).isoformat()
    if locale == "zh":
        return f"{CUSTOMERS_DIR}/示例客户.md", EXAMPLE_ZH.format(today=today.isoformat(),
                                                                follow_up=follow_up)
    return f"{CUSTOMERS_DIR}/example-customer.md", EXAMPLE_EN.format(today=today.isoformat(),
                                                                     follow_up=follow_up)


EXAMPLE_EN = """---
name: Example Trading Ltd
status: prospect
owner: alice
tags: [example]
created: {today}
next_follow_up: {follow_up}
follow_up: Delete this example once your first real customer is in
contacts:
  - name: Bob Li
    role: Head of Buying
    email: bob.li@example.com
    phone: "+47 22 55 01 23"
deals:
  - title: 2027 supply
    stage: proposal
    value: 50000
---
This is an example customer: every customer is one `.md` file under `customers/`,
and its file name (here `example-customer`) is its id. The fields above are
explained in docs/format.md. Run `vault-tool check` after editing.

## Log

- {today} call: First call with Bob; he asked for a price list
"""

EXAMPLE_ZH = """---
name: 示例贸易有限公司
status: prospect
owner: 王芳
tags: [示例]
created: {today}
next_follow_up: {follow_up}
follow_up: 录入第一位真实客户后，删除这个示例
contacts:
  - name: 张伟
    role: 采购经理
    phone: "13800138000"
    wechat: zhangwei_example
deals:
  - title: 2027 年度供货
    stage: proposal
    value: 50000
---
这是一个示例客户：每位客户是 `customers/` 下的一个 `.md` 文件，文件名（这里是
`示例客户`）就是客户编号。上面各字段的含义见 docs/format.md。修改后运行
`vault-tool check` 检查。

## 沟通记录

- {today} 电话：第一次和张经理通话，他要一份报价单
"""


def gitignore() -> str:
    return "# Built by vault-tool: the dashboard, and its cache.\n" + "".join(f"{p}\n" for p in IGNORED)


def write_new(path: Path, text: str, mode: int = 0o644) -> bool:
    """Write `text` to a new file, atomically; False (and nothing written) if it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        try:
            os.link(tmp, path)  # fails if the file appeared meanwhile: never overwrite
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            os.replace(tmp, path)
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def init_files(root: Path, locale: Locale, today: date) -> list[Outcome]:
    """vault.yml, customers/ with an example, .gitignore: each created, or kept as it is."""
    outcomes = [_create(root, CONFIG_FILE, vault_yml(locale))]
    rel, text = example_note(locale, today)
    notes = find_notes(root) if (root / CUSTOMERS_DIR).is_dir() else []
    if notes and rel not in notes:  # adopting a vault: no example among real customers
        outcomes.append(Outcome(f"{CUSTOMERS_DIR}/", "kept", "has-notes", str(len(notes))))
    else:
        outcomes.append(_create(root, rel, text))
    outcomes.append(_gitignore(root))
    return outcomes


def _create(root: Path, rel: str, text: str) -> Outcome:
    return Outcome(rel, "created") if write_new(root / rel, text) else Outcome(rel, "kept", "exists")


def _gitignore(root: Path) -> Outcome:
    outcome = _create(root, ".gitignore", gitignore())
    if outcome.action == "created":
        return outcome
    try:
        lines = {line.strip() for line in (root / ".gitignore").read_text(encoding="utf-8").splitlines()}
    except (OSError, UnicodeDecodeError):
        lines = set()
    missing = [p for p in IGNORED if p not in lines and p.rstrip("/") not in lines]
    if missing:
        return Outcome(".gitignore", "kept", "gitignore-missing", ", ".join(missing))
    return outcome
