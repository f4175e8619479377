"""MkDocs' side of the figure build: keep generated files current while MkDocs
builds or serves, and show the build's errors where the author looks.

Why a hook: everything here is about MkDocs' own build and server (its
``on_serve`` watcher, its livereload pages, mkdocs-jupyter's cache). What a
page means does not depend on it: the figures and values are committed, and
``python figures/build.py --watch`` (``figures/watch.py``) does the same
rebuilding beside any other generator.

* ``on_pre_build`` runs ``python figures/build.py`` through ``figures.watch.run_build``
  (a subprocess, so code edited during ``mkdocs serve`` takes effect). Under
  ``mkdocs build`` a failure stops the build with one line; under ``mkdocs serve``
  the build goes on with the last good figures and every page shows the error
  line in a banner at its top, until a build succeeds again. Either way the line
  keeps each failing output's cause (its exception), not only its name.
* ``on_config`` under serve: when the address is taken, one line says so (and
  that ``make serve PORT=…`` picks another) before anything is built.
* ``on_serve`` watches ``figures/`` and ``rnncore/``, ignoring what builds write
  there (``figures.watch.ignored``), and replaces MkDocs' watch of ``docs/`` by one
  that ignores the generated files the figure build has just written (their bytes
  are those recorded in ``figures/fingerprints.json``). So an edit causes exactly
  one rebuild, and a rebuild never triggers another.
* Notebooks: mkdocs-jupyter caches executed notebooks keyed on the notebook file
  only. Here that cache is also keyed on rnncore, ``jupyter/`` and the figure themes
  (``figures/style.py``, which ``notebooks.py`` hands the plotting kernel): when one of
  them changes, the cached notebooks are dropped and re-executed on the next build.
* Reproducible sites: ``SOURCE_DATE_EPOCH`` (the build date MkDocs writes into
  the sitemap) is pinned to the last commit's time unless it is already set, and
  executed notebooks merge each cell's stream output into one block
  (``docs/hooks/jupyter/jupyter_nbconvert_config.json``, found through
  ``JUPYTER_CONFIG_PATH``): otherwise how the kernel happened to flush ``print``
  output splits it into a varying number of blocks.
"""
from __future__ import annotations

import errno
import hashlib
import html
import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # this checkout's figures.watch (MkDocs restores sys.path afterwards)
from figures.watch import WATCHED, ignored, run_build  # noqa: E402

GENERATED = (("docs", "figures"), ("docs", "snippets"))
FINGERPRINTS = ROOT / "figures" / "fingerprints.json"

log = logging.getLogger("mkdocs.hooks.figures")
builds = 0  # figure builds run by this process (the serve test reads the log line)
_idle = threading.Event()  # set while no figure build runs
_idle.set()
_serving = False
_port_checked = False
_error: str | None = None  # the last figure build's error line, while serving

BODY = re.compile(r"<body\b[^>]*>")
BANNER_STYLE = (
    "position:sticky;top:0;z-index:1000;margin:0;padding:.6rem 1rem;background:#b71c1c;color:#fff;"
    "font:600 .8rem/1.4 system-ui,sans-serif;white-space:pre-wrap;overflow-wrap:anywhere"
)


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


def _port_taken(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False


def _commit_time() -> str | None:
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = result.stdout.strip()
    return stamp if result.returncode == 0 and stamp.isdigit() else None


def on_config(config):
    global _port_checked
    if _serving and not _port_checked:
        _port_checked = True
        host, port = config.dev_addr
        if _port_taken(host, port):
            print(f"error: {host}:{port} is already in use (another server?); "
                  f"choose another port: make serve PORT={port + 1}", file=sys.stderr, flush=True)
            raise SystemExit(1)
    jupyter = str(Path(__file__).with_name("jupyter"))
    paths = [p for p in os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    if jupyter not in paths:
        os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join([jupyter, *paths])
    if "SOURCE_DATE_EPOCH" not in os.environ:
        stamp = _commit_time()
        if stamp:
            os.environ["SOURCE_DATE_EPOCH"] = stamp
    return config


def rnncore_hash() -> str:
    """What executed notebooks depend on besides themselves: rnncore, our nbconvert settings
    and plot backend (``jupyter/``), and the figure themes their plots are drawn in."""
    digest = hashlib.sha256()
    jupyter = sorted(path for path in Path(__file__).with_name("jupyter").glob("*") if path.is_file())
    for path in sorted((ROOT / "rnncore").rglob("*.py")) + jupyter + [ROOT / "figures" / "style.py", Path(__file__).with_name("notebooks.py")]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def key_notebook_cache(config) -> None:
    """Drop mkdocs-jupyter's cached notebooks when rnncore changed since they ran."""
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.config.get("cache", False):
        return
    cache = Path(plugin.config["cache_dir"])
    if not cache.is_absolute():
        cache = Path.cwd() / cache  # as the plugin resolves it
    marker = cache / "rnncore.sha256"
    current = rnncore_hash()
    try:
        if marker.read_text("utf-8").strip() == current:
            return
    except OSError:
        pass
    dropped = 0
    for cached in cache.glob("*.json"):
        cached.unlink(missing_ok=True)
        dropped += 1
    cache.mkdir(parents=True, exist_ok=True)
    marker.write_text(current + "\n", "utf-8")
    if dropped:
        log.info("rnncore changed: %d cached notebook(s) will run again", dropped)


def on_pre_build(config):
    global builds, _error
    _idle.clear()
    try:
        result = run_build(ROOT)
    finally:
        _idle.set()
    if not result.ok:
        line = f"figures/build.py: {result.summary}"
        if not _serving:
            raise PluginError(line)
        # Serving: keep going with the last good figures, and say so on every page.
        # (Printed, not logged: a logged error would abort the build in strict mode.)
        _error = line
        print(f"ERROR   -  {line}", file=sys.stderr, flush=True)
        return
    _error = None
    builds += 1
    log.info("figures: %s (%.2f s, build %d)", result.summary, result.seconds, builds)
    key_notebook_cache(config)


def on_post_page(output, page, config):
    """Under serve, while the figure build fails: its error line atop every page."""
    if _error is None:
        return output
    banner = f'<p class="guide-build-error" role="alert" style="{BANNER_STYLE}">{html.escape(_error)}</p>'
    return BODY.sub(lambda m: m[0] + banner, output, count=1)


def generated_by_build(path: str) -> bool:
    """Is ``path`` a generated file (docs/figures, docs/snippets) whose bytes are the
    ones the figure build recorded, or one it removed? Then the build wrote it, and
    the page that build served already shows it."""
    try:
        relative = Path(path).resolve().relative_to(ROOT)
    except ValueError:
        return False
    if relative.parts[:2] not in GENERATED:
        return False
    _idle.wait(timeout=300)  # a build writes a file first and records it just after
    try:
        recorded = json.loads(FINGERPRINTS.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    files = {name: digest for entry in recorded.values() for name, digest in entry.get("files", {}).items()}
    key = relative.as_posix()
    try:
        data = (ROOT / relative).read_bytes()
    except OSError:
        return key not in files
    return files.get(key) == hashlib.sha256(data).hexdigest()


def _watch_filtered(server, folder: Path, skip=ignored) -> bool:
    """Watch ``folder`` like ``server.watch`` but ignore what builds write there.

    Uses the LiveReloadServer of MkDocs 1.6 (its observer and rebuild condition);
    returns False when those are not there, and the caller falls back to
    ``server.watch``."""
    observer = getattr(server, "observer", None)
    condition = getattr(server, "_rebuild_cond", None)
    if observer is None or condition is None or not hasattr(server, "_want_rebuild"):
        return False
    import watchdog.events

    def callback(event) -> None:
        if event.is_directory:
            return
        paths = [getattr(event, "src_path", ""), getattr(event, "dest_path", "")]
        if all(not path or skip(str(path)) for path in paths):
            return
        log.debug("figures: %s", event)
        with condition:
            server._want_rebuild = True
            condition.notify_all()

    handler = watchdog.events.FileSystemEventHandler()
    handler.on_any_event = callback
    observer.schedule(handler, str(folder), recursive=True)
    return True


def on_serve(server, config, builder):
    # The subprocesses (figure builds, notebook kernels) must not write bytecode
    # next to the sources either.
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    for name in WATCHED:
        folder = ROOT / name
        if not _watch_filtered(server, folder):
            server.watch(str(folder))
    docs = str(config.docs_dir)
    if docs in getattr(server, "_watched_paths", {}):
        if _watch_filtered(server, Path(docs), lambda path: ignored(path) or generated_by_build(path)):
            server.unwatch(docs)
    return server
