"""Every command, option, setting, field and problem code is documented.

The `--help` of every command is embedded in docs/commands.md; run
`UPDATE_DOCS=1 pytest tests/test_docs.py` to refresh it after changing a command.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import click
from click.testing import CliRunner

from vault_tool.cli import cli
from vault_tool.config import READERS, STANDARD_KEYS
from vault_tool.messages import MESSAGES
from vault_tool.validate import CONTACT_KEYS, DEAL_KEYS, PURCHASE_KEYS

ROOT = Path(__file__).resolve().parent.parent
COMMANDS_MD = ROOT / "docs" / "commands.md"
FORMAT_MD = ROOT / "docs" / "format.md"
BLOCK = re.compile(r"(<!-- \[\[\[help ?([a-z -]*)\]\]\] -->\n)(.*?)(<!-- \[\[\[end\]\]\] -->)", re.S)


def all_commands(group: click.Group = cli, prefix: str = "") -> dict[str, click.Command]:
    """Every command by its full name, subcommands of groups too: `check`, `hooks install`."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        found[prefix + name] = command
        if isinstance(command, click.Group):
            found.update(all_commands(command, f"{prefix}{name} "))
    return found


def help_text(command: str) -> str:
    args = [*command.split(), "--help"]
    result = CliRunner().invoke(cli, args, terminal_width=88, prog_name="vault-tool")
    assert result.exit_code == 0, result.output
    return result.output


def render_blocks(text: str) -> str:
    return BLOCK.sub(lambda m: f"{m.group(1)}```text\n{help_text(m.group(2))}```\n{m.group(4)}", text)


def test_help_of_every_command_is_in_commands_md() -> None:
    text = COMMANDS_MD.read_text(encoding="utf-8")
    fresh = render_blocks(text)
    if os.environ.get("UPDATE_DOCS") and fresh != text:
        COMMANDS_MD.write_text(fresh, encoding="utf-8")
        text = fresh
    assert fresh == text, "docs/commands.md is out of date: run UPDATE_DOCS=1 pytest tests/test_docs.py"
    documented = {m.group(2) for m in BLOCK.finditer(text)}
    assert documented == {"", *all_commands()}


def test_every_option_is_explained_in_help() -> None:
    for name, command in all_commands().items():
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts} has no help"
        assert command.help and "Examples:" in command.help, name


def documented_names(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_setting_field_and_code_is_in_format_md() -> None:
    text = documented_names(FORMAT_MD)
    missing = [f"`{name}`" for name in [*READERS, *STANDARD_KEYS, *CONTACT_KEYS, *DEAL_KEYS,
                                         *PURCHASE_KEYS, *MESSAGES] if f"`{name}`" not in text]
    assert missing == [], f"not documented in docs/format.md: {missing}"


def readme_command(marker: str) -> str:
    """The first ```sh block after the paragraph containing `marker`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text[text.index(marker):]
    return re.search(r"```sh\n(.*?)\n```", after, re.S).group(1).strip()  # type: ignore[union-attr]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = readme_command("Run the whole test suite")
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in script.splitlines()


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", text, re.S)
    assert blocks[0].startswith("python3 -m venv .venv && . .venv/bin/activate && pip install -e . ")
    assert blocks[0].endswith(" && vault-tool -C example_vault serve")
    assert "pytest" in blocks[1] and "pip install" in blocks[1]

