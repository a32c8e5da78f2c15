"""`vault-tool init --ci github|gitlab`: a CI workflow that checks the vault and publishes its dashboard.

The texts are plain strings (pure). The workflow files hold no secrets: GitHub Pages
deploys with the job's own OIDC token, GitLab Pages with the `pages` job's artifact.
vault-tool is not on PyPI, so the workflow installs whatever `vault-tool-requirements.txt`
(written next to the workflow, in the repository's top folder) names; the team edits that
one line to point at their copy of vault-tool (a git URL, a wheel, later a version).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from .scaffold import Outcome, write_new

CI = Literal["github", "gitlab"]
REQUIREMENTS = "vault-tool-requirements.txt"
GITHUB_PATH = ".github/workflows/vault-tool.yml"
GITLAB_PATH = ".gitlab-ci.yml"

REQUIREMENTS_TEXT = """\
# The vault-tool the CI workflow installs (pip install -r vault-tool-requirements.txt).
# vault-tool is not on PyPI yet: replace the line below with where your team gets it,
# e.g. a git URL pinned to a tag or commit, or the path of a wheel committed here.
vault-tool @ git+https://github.com/YOUR-ORG/vault-tool@v0.1.0
"""

GITHUB = """\
# Written by `vault-tool init --ci github`. On every push: check the vault, build the
# dashboard and publish it to GitHub Pages (Settings > Pages > Source: GitHub Actions).
# Who can see the site: docs/sharing.md of vault-tool. No secrets are used.
name: vault-tool

on:
  push:
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: true

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history, for the dashboard's history sections
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install -r {requirements}
      - run: vault-tool -C {vault} check
      - run: vault-tool -C {vault} build --strict{history} -o "$GITHUB_WORKSPACE/public"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: public
  deploy:
    needs: build
    if: github.ref_name == github.event.repository.default_branch
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

GITLAB = """\
# Written by `vault-tool init --ci gitlab`. On every push: check the vault and build the
# dashboard; on the default branch, publish it with GitLab Pages (the `pages` job).
# Who can see the site: docs/sharing.md of vault-tool. No secrets are used.
image: python:3.12

variables:
  GIT_DEPTH: "0"  # the whole history, for the dashboard's history sections

check:
  script:
    - pip install -r {requirements}
    - vault-tool -C {vault} check

pages:
  script:
    - pip install -r {requirements}
    - vault-tool -C {vault} build --strict{history} -o "$CI_PROJECT_DIR/public"
  artifacts:
    paths:
      - public
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
"""


def ci_text(ci: CI, vault: str = ".") -> str:
    """The workflow for `ci`; `vault` is the vault's folder relative to the repository's top."""
    vault = vault.strip("/") or "."
    # build turns history on by itself only when the vault is its repository's root
    history = "" if vault == "." else " --history"
    template = GITHUB if ci == "github" else GITLAB
    return template.format(requirements=REQUIREMENTS, vault=_quote(vault), history=history)


def _quote(path: str) -> str:
    return path if all(c.isalnum() or c in "._-/" for c in path) else "'" + path.replace("'", "'\\''") + "'"


def ci_files(top: Path, ci: CI, vault: str = ".") -> list[Outcome]:
    """The workflow and its requirements file in the repository's top folder, each created or kept."""
    rel = GITHUB_PATH if ci == "github" else GITLAB_PATH
    outcomes = []
    for path, text in ((rel, ci_text(ci, vault)), (REQUIREMENTS, REQUIREMENTS_TEXT)):
        created = write_new(top / path, text)
        outcomes.append(Outcome(path, "created") if created else Outcome(path, "kept", "exists"))
    return outcomes
