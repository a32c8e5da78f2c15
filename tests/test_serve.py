"""The HTTP server: only the site's files, the reload script in responses only, the long poll,
and a real page in headless Chromium that reloads after a note changes."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TODAY, make_vault, start_live
from tests.test_browser import CHROMIUM, _require_browser
from vault_tool.build import MANIFEST
from vault_tool.serve import RELOAD_PATH, SiteServer, inject, resolve_request
from vault_tool.watch import Watcher


def note(name: str) -> str:
    return f"---\nname: {name}\nstatus: active\n---\n"


class Served:
    def __init__(self, root: Path, out: Path, loop: bool = False) -> None:
        self.watcher = Watcher(root, out, TODAY, quiet=0.15, max_wait=1.0)
        self.watcher.rebuild()
        self.server = SiteServer(self.watcher.out, lambda: self.watcher.builds,
                                 self.watcher.wait_for_build, port=0, poll_seconds=5)
        self.server.start()
        self.thread: threading.Thread | None = None
        if loop:
            self.watcher.start()
            self.thread = threading.Thread(target=self.watcher.run, daemon=True)
            self.thread.start()

    def get(self, path: str) -> tuple[int, bytes, str]:
        host, port = self.server.httpd.server_address[:2]
        connection = http.client.HTTPConnection(str(host), port, timeout=10)
        try:
            connection.request("GET", path)  # sent as written: no client-side normalising
            response = connection.getresponse()
            return response.status, response.read(), response.getheader("Content-Type") or ""
        finally:
            connection.close()

    def stop(self) -> None:
        self.watcher.stop()
        if self.thread is not None:
            self.thread.join(5)
        self.server.stop()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    root = make_vault(tmp_path / "vault", {"vault.yml": "name: Test\n",
                                           "customers/acme.md": note("Acme")})
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    running = Served(root, tmp_path / "site")
    yield running
    running.stop()


def test_pages_are_served_with_the_reload_script_only_in_the_response(served: Served) -> None:
    status, body, kind = served.get("/")
    assert status == 200 and kind == "text/html; charset=utf-8"
    assert RELOAD_PATH.encode() in body
    assert body.rstrip().endswith(b"</html>")
    on_disk = (served.watcher.out / "index.html").read_bytes()
    assert RELOAD_PATH.encode() not in on_disk
    status, body, _ = served.get("/customers/acme.html")
    assert status == 200 and b"Acme" in body
    status, body, kind = served.get("/assets/style.css")
    assert status == 200 and kind.startswith("text/css") and RELOAD_PATH.encode() not in body


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/customers/../../secret.txt",
    f"/{MANIFEST}", "/.tmp-x.html", "/nothing.html", "/customers/..%5c..%5csecret.txt",
    "/%00", "/%ff.html", "/link.txt", "/linkdir/secret.txt",
])
def test_nothing_outside_the_site_is_served(served: Served, path: str) -> None:
    out = served.watcher.out
    os.symlink(out.parent / "secret.txt", out / "link.txt")
    os.symlink(out.parent, out / "linkdir")
    status, body, _ = served.get(path)
    assert status == 404
    assert b"secret" not in body


def test_resolve_request_stays_inside(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "customers").mkdir(parents=True)
    (site / "index.html").write_text("x", encoding="utf-8")
    (site / "customers" / "a.html").write_text("x", encoding="utf-8")
    assert resolve_request(site, "/") == (site / "index.html").resolve()
    assert resolve_request(site, "/customers/a.html") == (site / "customers" / "a.html").resolve()
    assert resolve_request(site, "/customers/") is None
    assert resolve_request(site, "/../site/index.html") is None


def test_inject_puts_the_script_before_body_end() -> None:
    assert inject(b"<body>x</body></html>", 3).endswith(b"</script>\n</body></html>")
    assert b"var since = 3;" in inject(b"<p>no body", 3)


def test_the_reload_endpoint_answers_after_a_rebuild(served: Served) -> None:
    answers: list[dict[str, int]] = []

    def poll() -> None:
        answers.append(json.loads(served.get(f"{RELOAD_PATH}?since=1")[1]))

    waiting = threading.Thread(target=poll)
    waiting.start()
    time.sleep(0.3)
    assert answers == []  # still waiting: no build since 1
    served.watcher.rebuild()
    waiting.join(5)
    assert answers == [{"build": 2}]
    for since in (0, 7):  # behind, or from an earlier session: answered at once
        status, body, _ = served.get(f"{RELOAD_PATH}?since={since}")
        assert status == 200 and json.loads(body) == {"build": 2}


def test_serve_without_output_leaves_site_alone(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from vault_tool.cli import cli

    root = make_vault(tmp_path / "vault", {"customers/acme.md": note("Acme")})
    result = CliRunner().invoke(cli, ["-C", str(root), "serve", "--port", "70000"])
    assert result.exit_code == 2 and "70000" in result.output
    assert not (root / "site").exists()


def test_a_busy_port_is_said_at_once_with_a_remedy(tmp_path: Path) -> None:
    import socket

    from click.testing import CliRunner

    from vault_tool.cli import cli

    root = make_vault(tmp_path / "vault", {"customers/acme.md": note("Acme")})
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["-C", str(root), "serve", "--port", str(port)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.stderr.startswith(f"vault-tool: cannot listen on 127.0.0.1:{port}: ")
    assert "--port 8080" in result.stderr
    assert "built" not in result.output  # said before building


def test_a_page_in_chromium_reloads_after_a_note_changes(tmp_path: Path) -> None:
    _require_browser()
    playwright_api = pytest.importorskip("playwright.sync_api")
    root = make_vault(tmp_path / "vault", {"vault.yml": "name: Test\n",
                                           "customers/acme.md": note("Acme Before")})
    served = Served(root, tmp_path / "site", loop=True)
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            try:
                page = browser.new_page()
                page.goto(served.server.url + "customers/acme.html")
                assert "Acme Before" in page.locator("main h1").inner_text()
                (root / "customers" / "acme.md").write_text(note("Acme After"), encoding="utf-8")
                page.wait_for_function(
                    "document.querySelector('main h1').innerText.includes('Acme After')",
                    timeout=15000)
            finally:
                browser.close()
    finally:
        served.stop()


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_serve_command_serves_a_temporary_site_and_stops_cleanly(tmp_path: Path, stop: str
                                                                 ) -> None:
    """Ctrl-C, or `kill` as a service manager stops it: exit 0, and its copy of the site
    (every customer's data) is deleted."""
    import os
    import signal
    import urllib.request

    root = make_vault(tmp_path / "vault", {"customers/acme.md": note("Acme")})
    temp = tmp_path / "tmp"
    temp.mkdir()
    process, lines = start_live(["-C", str(root), "serve", "--port", "0", "--today", "2026-11-23"],
                                "serving", env={**os.environ, "TMPDIR": str(temp)})
    url = lines[-1].split("serving ")[1].split()[0]
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url + "customers/acme.html", timeout=10) as response:
        assert b"Acme" in response.read()
    assert [p.name[:17] for p in temp.iterdir()] == ["vault-tool-serve-"]
    process.send_signal(getattr(signal, stop))
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0, "".join(lines) + out + err
    assert "Traceback" not in out + err
    assert not (root / "site").exists()
    assert list(temp.iterdir()) == []
