"""The HTTP adapter: serve the built site on loopback, and reload open pages after a rebuild.

Only regular files inside the site folder are served: no `..`, no symbolic link that
leads out of it, and no hidden file (such as the build's manifest). Pages reload the
MkDocs way: each served HTML response (never the file on disk, so `build` output stays
byte-identical) gets a small script that long-polls RELOAD_PATH?since=N; the server
answers when the build counter is no longer N (or after POLL_SECONDS, and the script asks
again), and the page reloads itself.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RELOAD_PATH = "/__vault_tool__/reload"
POLL_SECONDS = 20.0
RELOAD_SCRIPT = """<script>
(function () {
  var since = %d;
  function poll() {
    fetch("%s?since=" + since, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (d) { if (d.build !== since) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>
"""

# (builds so far) and a wait for the next one: (after, timeout) -> builds
Counter = Callable[[], int]
Waiter = Callable[[int, float], int]


def resolve_request(site: Path, url_path: str) -> Path | None:
    """The file a request path names inside `site`, or None (404) if it names none we serve."""
    parts = [p for p in unquote(url_path, errors="strict").split("/") if p]
    if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        return None  # .., hidden files, the manifest, and Windows-style separators
    root = site.resolve()
    target = root.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"
    try:
        real = target.resolve(strict=True)
        real.relative_to(root)  # a symbolic link that leads out of the site
    except (OSError, ValueError, RuntimeError):
        return None
    return real if real.is_file() else None


def inject(html: bytes, builds: int) -> bytes:
    """The page with the reload script before </body> (or at the end)."""
    script = (RELOAD_SCRIPT % (builds, RELOAD_PATH)).encode("utf-8")
    at = html.rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


def make_handler(site: Path, count: Counter, wait: Waiter,
                 poll_seconds: float = POLL_SECONDS) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "vault-tool"

        def do_GET(self) -> None:  # http.server's naming
            url = urlsplit(self.path)
            if url.path == RELOAD_PATH:
                self._reload(parse_qs(url.query))
            else:
                self._file(url.path, head=False)

        def do_HEAD(self) -> None:
            self._file(urlsplit(self.path).path, head=True)

        def _reload(self, query: dict[str, list[str]]) -> None:
            try:
                since = int(query.get("since", ["0"])[0])
            except ValueError:
                since = 0
            builds = wait(since, poll_seconds)
            self._send(HTTPStatus.OK, "application/json",
                       json.dumps({"build": builds}).encode("utf-8"), head=False)

        def _file(self, url_path: str, head: bool) -> None:
            try:
                path = resolve_request(site, url_path)
            except UnicodeDecodeError:
                path = None
            if path is None:
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8",
                           b"404 not found\n", head)
                return
            try:
                body = path.read_bytes()
            except OSError:  # removed by a rebuild between the check and the read
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8",
                           b"404 not found\n", head)
                return
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if kind == "text/html":
                body = inject(body, count())
                kind += "; charset=utf-8"
            elif kind.startswith("text/") or kind in ("application/javascript", "application/json"):
                kind += "; charset=utf-8"
            self._send(HTTPStatus.OK, kind, body, head)

        def _send(self, status: HTTPStatus, kind: str, body: bytes, head: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per rebuild is what the terminal shows, not one per request

    return Handler


class SiteServer:
    """A ThreadingHTTPServer for one site, run on its own thread until `stop`."""

    def __init__(self, site: Path, count: Counter, wait: Waiter, host: str = "127.0.0.1",
                 port: int = 8000, poll_seconds: float = POLL_SECONDS) -> None:
        handler = make_handler(site, count, wait, poll_seconds)
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        shown = host if isinstance(host, str) else host.decode()
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{port}/"

    def start(self) -> None:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="vault-tool-serve",
                                        kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket; long polls are woken by the watcher's stop."""
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join()
            self._thread = None
        self.httpd.server_close()
