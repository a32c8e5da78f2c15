"""Screenshots of the example vault's dashboard for the README (docs/images/).

Needs Debian's chromium and the test extras (Playwright):

    python scripts/screenshots.py
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from vault_tool.build import build_site
from vault_tool.vault import load_vault

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
SHOTS = {"home.png": ("index.html", 1280, 1000), "pipeline.png": ("pipeline.html", 1280, 1000),
         "home-phone.png": ("index.html", 375, 760)}


def main() -> None:
    today = date(2026, 11, 23)
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_site(load_vault(ROOT / "example_vault", today), site, today)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for name, (page_path, width, height) in SHOTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto((site / page_path).as_uri())
                page.screenshot(path=str(OUT / name))
                page.close()
            browser.close()
    print(f"wrote {', '.join(SHOTS)} into {OUT}")


if __name__ == "__main__":
    main()
