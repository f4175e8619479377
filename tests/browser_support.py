"""Helpers for the browser tests and the Lighthouse benchmark.

* :func:`build_site` builds the site strictly into a directory.
* :class:`SiteServer` serves a built site on 127.0.0.1 from a thread, the way a
  static host does: HTTP/1.1 keep-alive, gzip for text, ``404.html`` with status
  404 for a missing page.
* :func:`built_pages` lists every page of a built site as a URL path, so tests
  cover pages that other chapters add later without a fixed list.
* :func:`find_chromium` and :data:`CHROMIUM_ARGS` start Debian's Chromium.
* :func:`wait_for` polls a condition until it holds or time runs out.
"""
from __future__ import annotations

import gzip
import mimetypes
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # figures/ and rnncore/ for the tests that compare with the engine
    sys.path.insert(0, str(ROOT))
DOCS = ROOT / "docs"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUIRE_BROWSER = "RNN_GUIDE_REQUIRE_BROWSER"
COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "image/svg+xml", "text/plain", "application/xml"}


def wait_for(condition, timeout: float, what: str):
    """The first true value of ``condition()``, polled every 0.2 s; fails after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes | None:
    """The body at ``url``, or None while nothing answers there."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except OSError:
        return None


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROME_PATH"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def build_site(site_dir: Path, run=None) -> str:
    """``mkdocs build --strict`` into ``site_dir``; returns the build's output, raises on failure.

    ``run`` runs the command (the tests' second lane passes its own); by default
    :func:`subprocess.run`."""
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    if run is None:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=env)
    else:
        result = run(args, cwd=ROOT)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{output[-4000:]}")
    return output


def built_pages(site_dir: Path) -> list[str]:
    """Every page of the built site as a URL path (``/``, ``/statland/``, …), sorted.

    A page is an ``index.html`` outside ``assets/`` and ``search/``; ``404.html`` is
    not a page (tests request a missing address to see it).
    """
    pages = []
    for path in sorted(site_dir.rglob("index.html")):
        relative = path.relative_to(site_dir)
        if relative.parts[0] in {"assets", "search"}:
            continue
        parent = relative.parent.as_posix()
        pages.append("/" if parent == "." else f"/{parent}/")
    return sorted(pages)


def source_of(page: str) -> Path | None:
    """The Markdown or notebook a built page came from (``/notebooks/x/`` → ``docs/notebooks/x.ipynb``)."""
    if page == "/":
        return DOCS / "index.md"
    stem = page.strip("/")
    for candidate in (DOCS / f"{stem}.md", DOCS / stem / "index.md", DOCS / f"{stem}.ipynb"):
        if candidate.exists():
            return candidate
    return None


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet server
        pass

    def _file_for(self, url_path: str) -> Path | None:
        root = Path(self.directory).resolve()
        target = (root / unquote(urlsplit(url_path).path).lstrip("/")).resolve()
        if root not in target.parents and target != root:
            return None
        if target.is_dir():
            if not url_path.split("?")[0].endswith("/"):
                return target  # redirect below
            target = target / "index.html"
        return target if target.is_file() else None

    def do_HEAD(self):
        self._respond(body=False)

    def do_GET(self):
        self._respond(body=True)

    def _respond(self, body: bool) -> None:
        target = self._file_for(self.path)
        if target is not None and target.is_dir():
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", urlsplit(self.path).path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = HTTPStatus.OK
        if target is None:
            status = HTTPStatus.NOT_FOUND
            target = Path(self.directory) / "404.html"
            if not target.is_file():
                self.send_error(HTTPStatus.NOT_FOUND)
                return
        data = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".ipynb":
            kind = "application/x-ipynb+json"
        headers = {"Content-Type": kind + ("; charset=utf-8" if kind.startswith("text/") else "")}
        if kind in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            data = gzip.compress(data, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        headers["Content-Length"] = str(len(data))
        headers["Cache-Control"] = "max-age=600"
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            self.wfile.write(data)


class SiteServer:
    """Serve ``site_dir`` on 127.0.0.1 (a free port unless one is given) from a thread."""

    def __init__(self, site_dir: Path, port: int = 0):
        handler = partial(_Handler, directory=str(site_dir))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "SiteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def set_input(page, selector: str, value) -> None:
    """Set a form control as a reader would, with the input event its page listens for."""
    page.evaluate("""([selector, value]) => { const input = document.querySelector(selector);
        input.value = String(value); input.dispatchEvent(new Event('input', { bubbles: true })); }""", [selector, value])
