"""`vault-tool init --ci`: the workflows parse as YAML, do what docs/sharing.md says, hold no
secrets, and are never overwritten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from gitrepo import isolated_git, run_git

from vault_tool.ciscaffold import GITHUB_PATH, GITLAB_PATH, REQUIREMENTS, ci_text
from vault_tool.cli import cli

pytestmark = pytest.mark.usefixtures("isolated_git")
__all__ = ["isolated_git"]


def invoke(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.stdout


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_github_workflow(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, "init", "--ci", "github", "crm", "--today", "2026-11-23")
    assert code == 0
    assert f"created    {GITHUB_PATH}" in out and f"created    {REQUIREMENTS}  (edit its line" in out
    flow = load(tmp_path / "crm" / GITHUB_PATH)
    assert flow[True] == {"push": None, "workflow_dispatch": None}  # YAML 1.1 reads `on` as True
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = flow["jobs"]["build"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    runs = [s["run"] for s in steps if "run" in s]
    assert runs == [f"pip install -r {REQUIREMENTS}", "vault-tool -C . check",
                    'vault-tool -C . build --strict -o "$GITHUB_WORKSPACE/public"']
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in steps)
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    requirements = (tmp_path / "crm" / REQUIREMENTS).read_text(encoding="utf-8")
    assert [line for line in requirements.splitlines() if not line.startswith("#")] == [
        "vault-tool @ git+https://github.com/YOUR-ORG/vault-tool@v0.1.0"]


def test_gitlab_workflow_for_a_vault_in_a_subfolder(tmp_path: Path) -> None:
    run_git(tmp_path, "init", "-q")
    code, out = invoke(tmp_path, "init", "--ci", "gitlab", "crm/my vault")
    assert code == 0
    assert f"created    ../../{GITLAB_PATH}" in out
    assert not (tmp_path / "crm/my vault" / GITLAB_PATH).exists()
    flow = load(tmp_path / GITLAB_PATH)
    assert flow["variables"]["GIT_DEPTH"] == "0"
    assert flow["check"]["script"][1] == "vault-tool -C 'crm/my vault' check"
    assert flow["pages"]["script"][1] == (
        "vault-tool -C 'crm/my vault' build --strict --history -o \"$CI_PROJECT_DIR/public\"")
    assert flow["pages"]["artifacts"]["paths"] == ["public"]
    assert (tmp_path / REQUIREMENTS).is_file()


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_workflows_hold_no_secrets(ci: str) -> None:
    text = ci_text("github" if ci == "github" else "gitlab")
    assert "secrets." not in text and "TOKEN" not in text.upper().replace("ID-TOKEN", "")
    yaml.safe_load(text)


def test_init_ci_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / GITHUB_PATH).write_text("name: mine\n", encoding="utf-8")
    (tmp_path / REQUIREMENTS).write_text("vault-tool==0.1\n", encoding="utf-8")
    code, out = invoke(tmp_path, "init", "--ci", "github")
    assert code == 0
    assert f"kept       {GITHUB_PATH}  (already there)" in out
    assert f"kept       {REQUIREMENTS}  (already there)" in out
    assert (tmp_path / GITHUB_PATH).read_text(encoding="utf-8") == "name: mine\n"
    assert (tmp_path / REQUIREMENTS).read_text(encoding="utf-8") == "vault-tool==0.1\n"
    code, out = invoke(tmp_path, "init", "--ci", "gitlab")
    assert f"created    {GITLAB_PATH}" in out and f"kept       {REQUIREMENTS}  (already there)" in out
