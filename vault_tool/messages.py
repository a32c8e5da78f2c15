"""Problem messages in English and Chinese. Each says what is wrong and how to fix it.

A problem stores only its code and parameters; this catalog words it. Codes are
stable (scripts match on them); the wording may improve.
"""

from __future__ import annotations

from .model import Problem

# code -> (English, Chinese). Parameters in braces come from Problem.params.
MESSAGES: dict[str, tuple[str, str]] = {
    "unreadable": (
        "cannot read the file ({reason}); check its permissions",
        "无法读取文件（{reason}），请检查文件权限",
    ),
    "file-too-large": (
        "file is {size} bytes, over the limit of {limit}; split it or move attachments out of the vault",
        "文件有 {size} 字节，超过上限 {limit}；请拆分文件，或把附件移出客户库",
    ),
    "not-utf8": (
        "file is not UTF-8 text (byte {byte}); re-save it as UTF-8 in your editor",
        "文件不是 UTF-8 文本（字节 {byte}）；请在编辑器中另存为 UTF-8",
    ),
    "not-utf8-gbk": (
        "file is not UTF-8 (byte {byte}); it looks like GBK/GB18030, so re-save it as UTF-8",
        "文件不是 UTF-8（字节 {byte}），看起来是 GBK/GB18030 编码；请另存为 UTF-8",
    ),
    "not-utf8-utf16": (
        "file is UTF-16; re-save it as UTF-8 in your editor",
        "文件是 UTF-16 编码；请在编辑器中另存为 UTF-8",
    ),
    "binary-file": (
        "file contains a NUL byte and looks binary; customer notes must be plain text",
        "文件含有 NUL 字节，像是二进制文件；客户笔记必须是纯文本",
    ),
    "merge-conflict": (
        "unresolved git merge conflict (lines {start} to {end}); keep the right text and delete "
        "the <<<<<<<, ======= and >>>>>>> lines",
        "存在未解决的 git 合并冲突（第 {start} 至 {end} 行）；保留正确的内容，并删除 "
        "<<<<<<<、======= 和 >>>>>>> 这几行",
    ),
    "frontmatter-missing": (
        "no front matter: start the file with a line '---', then 'name: ...', then '---'",
        "缺少 front matter：文件第一行应为 '---'，然后写 'name: ...'，再以 '---' 结束",
    ),
    "frontmatter-not-first": (
        "front matter must start on the very first line; delete the lines above '---'",
        "front matter 必须从第一行开始；请删除 '---' 上面的内容",
    ),
    "frontmatter-unclosed": (
        "front matter opened here is never closed; add a line '---' after the last field",
        "此处开始的 front matter 没有结束；请在最后一个字段后加一行 '---'",
    ),
    "frontmatter-empty": (
        "front matter is empty; add at least 'name: ...' between the '---' lines",
        "front matter 为空；请在两行 '---' 之间至少写上 'name: ...'",
    ),
    "frontmatter-not-mapping": (
        "front matter must be 'key: value' lines, not a list or a single value",
        "front matter 必须是 'key: value' 形式的字段，不能是列表或单个值",
    ),
    "yaml-syntax": (
        "YAML syntax error: {reason}; check indentation, colons and quotes here",
        "YAML 语法错误：{reason}；请检查此处的缩进、冒号和引号",
    ),
    "yaml-documents": (
        "several YAML documents in the front matter; remove the '---' or '...' line here",
        "front matter 中有多个 YAML 文档；请删除此处的 '---' 或 '...' 行",
    ),
    "yaml-alias": (
        "YAML alias '*{anchor}' is not allowed; write the value out in full",
        "不允许使用 YAML 别名 '*{anchor}'；请直接写出完整的值",
    ),
    "yaml-anchor": (
        "YAML anchor '&{anchor}' is not allowed; remove it",
        "不允许使用 YAML 锚点 '&{anchor}'；请删除",
    ),
    "yaml-tag": (
        "YAML tag '{tag}' is not allowed; write a plain value (quote it to keep it as text)",
        "不允许使用 YAML 标签 '{tag}'；请写普通的值（需要保留为文本时加引号）",
    ),
    "yaml-too-deep": (
        "values are nested more than {limit} levels deep; flatten them",
        "嵌套超过 {limit} 层；请减少嵌套",
    ),
    "yaml-complex-key": (
        "a key must be a single word or text, not a list or mapping",
        "键必须是单个词或文本，不能是列表或映射",
    ),
    "duplicate-key": (
        "'{key}' is given twice (first on line {first}); keep one and delete the other",
        "'{key}' 出现了两次（第一次在第 {first} 行）；请保留一个，删除另一个",
    ),
    "wrong-type": (
        "'{key}' should be {expected}, but is {got}",
        "'{key}' 应为{expected}，但现在是{got}",
    ),
    "invalid-date-format": (
        "'{key}': '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-02",
        "'{key}'：'{value}' 不是日期；请写成 YYYY-MM-DD，例如 2026-11-02",
    ),
    "impossible-date": (
        "'{key}': {value} is not a real date; check the month and the day",
        "'{key}'：{value} 不是真实存在的日期；请检查月份和日期",
    ),
    "date-out-of-range": (
        "'{key}': {value} is too far in the future (after {limit}); check the year",
        "'{key}'：{value} 太遥远（晚于 {limit}）；请检查年份",
    ),
    "not-a-number": (
        "'{key}': '{value}' is not a number; write digits only, e.g. 12000 or 1250.50, "
        "without separators or currency signs",
        "'{key}'：'{value}' 不是数字；请只写数字，例如 12000 或 1250.50，不要千分位和货币符号",
    ),
    "negative-amount": (
        "'{key}': {value} is negative; amounts must be zero or more",
        "'{key}'：{value} 是负数；金额必须大于或等于零",
    ),
    "not-an-integer": (
        "'{key}': '{value}' is not a whole number",
        "'{key}'：'{value}' 不是整数",
    ),
    "invalid-probability": (
        "'{key}': {value} is not between 0 and 1; write 0.6 for 60%",
        "'{key}'：{value} 不在 0 到 1 之间；60% 请写成 0.6",
    ),
    "invalid-duration": (
        "'{key}': '{value}' is not a duration; write a number and d, w, m or y, e.g. 10d, 2w, 3m, 1y",
        "'{key}'：'{value}' 不是时长；请写数字加 d、w、m 或 y，例如 10d、2w、3m、1y",
    ),
    "duration-too-long": (
        "'{key}': '{value}' is longer than 100 years; write a shorter duration",
        "'{key}'：'{value}' 超过 100 年；请写短一些的时长",
    ),
    "unknown-status": (
        "'{key}': status '{value}' is not declared (declared: {choices})",
        "'{key}'：状态 '{value}' 未在 vault.yml 中声明（已声明：{choices}）",
    ),
    "unknown-owner": (
        "'{key}': owner '{value}' is not in the owners of vault.yml ({choices})",
        "'{key}'：负责人 '{value}' 不在 vault.yml 的 owners 中（{choices}）",
    ),
    "unknown-stage": (
        "'{key}': stage '{value}' is not declared (declared: {choices})",
        "'{key}'：阶段 '{value}' 未声明（已声明：{choices}）",
    ),
    "unknown-enum-value": (
        "'{key}': '{value}' is not one of {choices}",
        "'{key}'：'{value}' 不是 {choices} 之一",
    ),
    "unknown-channel": (
        "log channel '{value}' is not declared (declared: {choices})",
        "沟通方式 '{value}' 未声明（已声明：{choices}）",
    ),
    "missing-required": (
        "'{key}' is required; add it",
        "缺少必填字段 '{key}'；请补上",
    ),
    "unknown-key": (
        "unknown key '{key}' is ignored",
        "未知字段 '{key}' 将被忽略",
    ),
    "future-log-date": (
        "log date {date} is after today ({today}); it does not count as a contact yet",
        "沟通记录日期 {date} 晚于今天（{today}），暂不计为一次联系",
    ),
    "log-date-format": (
        "log entry '{text}' has a malformed date; write '- YYYY-MM-DD channel: text'",
        "沟通记录 '{text}' 的日期格式不对；请写成 '- YYYY-MM-DD 方式: 内容'",
    ),
    "log-undated": (
        "list item '{text}' under the log heading has no date and is not counted; "
        "write '- YYYY-MM-DD channel: text'",
        "沟通记录标题下的 '{text}' 没有日期，不会被统计；请写成 '- YYYY-MM-DD 方式: 内容'",
    ),
    "log-heading-typo": (
        "heading '{heading}' looks like the log heading but is not, so the log below it is not read",
        "标题 '{heading}' 像是沟通记录的标题但并不一致，其下的记录不会被读取",
    ),
    "log-no-channel": (
        "log entry {date} has no channel; write '- {date} call: text' (channels: {channels})",
        "沟通记录 {date} 缺少沟通方式；请写成 '- {date} call: 内容'（方式：{channels}）",
    ),
    "duplicate-id": (
        "customer id '{id}' is also used by {other}; rename one of the files",
        "客户编号 '{id}' 与 {other} 重复；请重命名其中一个文件",
    ),
    "unknown-setting": (
        "unknown setting '{key}' is ignored",
        "未知设置 '{key}' 将被忽略",
    ),
    "invalid-setting": (
        "'{key}': '{value}' is not one of {choices}",
        "'{key}'：'{value}' 不是 {choices} 之一",
    ),
    "invalid-rate": (
        "'{key}': {value} is not an exchange rate; write what one unit is worth in the vault "
        "currency, e.g. USD: 7.1",
        "'{key}'：{value} 不是有效汇率；请写一个单位折合多少本位币，例如 USD: 7.1",
    ),
    "empty-setting": (
        "'{key}' must not be empty; remove it to use the default",
        "'{key}' 不能为空；删除这一项即可使用默认值",
    ),
    "field-shadows-standard": (
        "custom field '{key}' has the name of a standard field; choose another name",
        "自定义字段 '{key}' 与标准字段同名；请换一个名字",
    ),
    "enum-without-values": (
        "enum field '{key}' needs 'values: [...]'",
        "枚举字段 '{key}' 需要 'values: [...]'",
    ),
    "template-error": (
        "this dashboard template cannot be used: {detail}; fix it, or delete the file. Until then "
        "the dashboard is built with the standard templates",
        "无法使用这个看板模板：{detail}；请修正，或删除该文件。在此之前，看板使用标准模板生成",
    ),
}

SUGGESTION = ("; did you mean '{suggestion}'?", "；您是不是想写 '{suggestion}'？")

# Words that stand inside messages (expected and actual kinds of a value).
WORDS: dict[str, tuple[str, str]] = {
    "text": ("text", "文本"),
    "date": ("a date", "日期"),
    "number": ("a number", "数字"),
    "integer": ("a whole number", "整数"),
    "duration": ("a duration such as 2w", "时长（如 2w）"),
    "list": ("a list", "列表"),
    "mapping": ("a mapping of key: value", "键值映射"),
    "boolean": ("true or false", "true 或 false"),
    "value": ("a single value", "单个值"),
}


def describe(problem: Problem, locale: str = "en") -> str:
    """The message of a problem, in the vault's language."""
    index = 1 if locale == "zh" else 0
    template = MESSAGES.get(problem.code, ("{code}", "{code}"))[index]
    args = {k: WORDS[v][index] if k in ("expected", "got") and v in WORDS else v
            for k, v in problem.params}
    text = template.format_map(_Default(args, code=problem.code))
    if args.get("suggestion"):
        text += SUGGESTION[index].format(suggestion=args["suggestion"])
    return text


class _Default(dict[str, str]):
    def __init__(self, args: dict[str, str], **extra: str) -> None:
        super().__init__(args, **extra)

    def __missing__(self, key: str) -> str:
        return "?"


def format_problem(problem: Problem, locale: str = "en") -> str:
    """`path:line:col: severity: message [code]`, the form editors jump to."""
    return (f"{problem.path}:{problem.line}:{problem.column}: {problem.severity}: "
            f"{describe(problem, locale)} [{problem.code}]")
