"""Keep generated figures and snippets current while the site builds or serves.

* ``on_pre_build`` runs ``python figures/build.py`` in a subprocess (so code edited
  during ``mkdocs serve`` takes effect: hooks are not re-imported while serving).
  The build writes only changed bytes, so a rebuild with nothing to do writes
  nothing and cannot trigger another.
* ``on_serve`` also watches ``figures/`` and ``rnncore/``, ignoring what builds
  themselves write there (``figures/fingerprints.json``, ``__pycache__``,
  temporary files), and replaces MkDocs' watch of ``docs/`` by one that ignores
  the generated files the figure build has just written (their bytes are those
  recorded in ``figures/fingerprints.json``). So an edit causes exactly one
  rebuild, and a rebuild never triggers another.
* Notebooks: mkdocs-jupyter caches executed notebooks keyed on the notebook file
  only. Here that cache is also keyed on rnncore: when any ``rnncore/*.py``
  changes, the cached notebooks are dropped and re-executed on the next build.
* Reproducible sites: ``SOURCE_DATE_EPOCH`` (the build date MkDocs writes into
  the sitemap) is pinned to the last commit's time unless it is already set, and
  executed notebooks merge each cell's stream output into one block
  (``docs/hooks/jupyter/jupyter_nbconvert_config.json``, found through
  ``JUPYTER_CONFIG_PATH``): otherwise how the kernel happened to flush ``print``
  output splits it into a varying number of blocks.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
WATCHED = ("figures", "rnncore")
# What builds write under the watched folders: never a reason to rebuild.
IGNORED_NAMES = {"fingerprints.json", "build.lock"}
IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}
IGNORED_SUFFIXES = (".pyc", ".tmp", ".swp", "~")

GENERATED = (("docs", "figures"), ("docs", "snippets"))
FINGERPRINTS = ROOT / "figures" / "fingerprints.json"

log = logging.getLogger("mkdocs.hooks.figures")
builds = 0  # figure builds run by this process (the serve test reads the log line)
_idle = threading.Event()  # set while no figure build runs
_idle.set()


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
    """What executed notebooks depend on besides themselves: rnncore and our nbconvert settings."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "rnncore").rglob("*.py")) + sorted(Path(__file__).with_name("jupyter").glob("*")):
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
    global builds
    started = time.perf_counter()
    _idle.clear()
    try:
        result = subprocess.run(
            [sys.executable, str(ROOT / "figures" / "build.py")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
    finally:
        _idle.set()
    if result.returncode != 0:
        message = [line for line in (result.stderr.strip() or result.stdout.strip()).splitlines() if line]
        raise PluginError(f"figures/build.py failed: {message[-1] if message else result.returncode}")
    builds += 1
    log.info("figures: %s (%.2f s, build %d)", result.stdout.strip(), time.perf_counter() - started, builds)
    key_notebook_cache(config)


def ignored(path: str) -> bool:
    parts = Path(path).parts
    name = parts[-1] if parts else ""
    return name in IGNORED_NAMES or name.endswith(IGNORED_SUFFIXES) or bool(IGNORED_PARTS.intersection(parts))


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
