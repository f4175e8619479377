"""``python figures/build.py --watch``: rebuild stale outputs whenever their inputs change.

Watches ``figures/`` (``params.toml`` included) and ``rnncore/``, and after each
change runs the figure build in a fresh process (so edited code takes effect),
which renders only the stale outputs. What a build writes there (``figures/
fingerprints.json``, bytecode, temporary files) is ignored, so a build never
triggers another; the generated files themselves go to ``docs/``, which is not
watched. A bad parameter prints the build's one error line and the watch goes
on; the next good edit builds again.

Any site generator can serve ``docs/`` beside it (``zensical serve`` reloads when
the generated files change). ``mkdocs serve`` needs no second terminal: its hook
``docs/hooks/serve.py`` uses ``ignored``, ``run_build`` and ``BuildResult`` from here.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("figures", "rnncore")
# What builds (and editors, and Python) write under the watched folders: never a reason to rebuild.
IGNORED_NAMES = {"fingerprints.json", "build.lock", "4913"}  # 4913: vim's write test
IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}
IGNORED_SUFFIXES = (".pyc", ".tmp", ".swp", ".swx", "~")
SETTLE = 0.2  # seconds without events before a build starts (editors save in bursts)

FAILED_LINE = re.compile(r"^\[\d+/\d+\]\s+(?P<name>\S+).*\bFAILED\b")
PROGRESS_LINE = re.compile(r"^\[\d+/\d+\]\s")


def ignored(path: str) -> bool:
    """Is ``path`` something a build or an editor writes, not an author's edit?"""
    parts = Path(path).parts
    name = parts[-1] if parts else ""
    return (name in IGNORED_NAMES or name.endswith(IGNORED_SUFFIXES) or name.startswith(".#")
            or bool(IGNORED_PARTS.intersection(parts)))


@dataclass(frozen=True)
class BuildResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def summary(self) -> str:
        """The build's last line: what it did, or why it stopped, with each failure's cause."""
        if self.ok:
            return self.stdout.strip().splitlines()[-1] if self.stdout.strip() else "done"
        return error_line(self.stderr or self.stdout, self.returncode)


def error_line(stderr: str, returncode: int = 1) -> str:
    """One line: the build's error, and for every output that failed the last line of
    its traceback (the exception and its message), so the cause is not lost."""
    lines = stderr.splitlines()
    causes: list[str] = []
    failing: str | None = None
    last = ""
    for line in lines + ["[end]"]:
        if failing is not None and (PROGRESS_LINE.match(line) or line.startswith("error:") or line == "[end]"):
            causes.append(f"{failing}: {last}" if last else failing)
            failing, last = None, ""
        match = FAILED_LINE.match(line)
        if match:
            failing = match["name"]
        elif failing is not None and line.strip():
            last = line.strip()
    headline = next((line for line in reversed(lines) if line.startswith("error:")), None)
    if headline is None:
        headline = next((line for line in reversed(lines) if line.strip()), f"exit code {returncode}")
    return headline + (" — " + "; ".join(causes) if causes else "")


def run_build(root: Path = ROOT, *args: str) -> BuildResult:
    """Run ``python figures/build.py ARGS`` in a new process, as a watcher must (edited
    code takes effect), without bytecode next to the sources."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(root / "figures" / "build.py"), *args],
        cwd=root, capture_output=True, text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return BuildResult(result.returncode, result.stdout, result.stderr, time.perf_counter() - started)


class Watcher:
    """Collect relevant file events; ``wait`` returns once edits have settled."""

    def __init__(self, root: Path = ROOT) -> None:
        import watchdog.events
        import watchdog.observers

        self.root = root
        self._changed = threading.Event()
        self._last = 0.0
        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = self._event
        self.observer = watchdog.observers.Observer()
        for name in WATCHED:
            self.observer.schedule(handler, str(root / name), recursive=True)

    def _event(self, event) -> None:
        if event.is_directory or getattr(event, "event_type", "") in ("opened", "closed_no_write"):
            return
        paths = [getattr(event, "src_path", ""), getattr(event, "dest_path", "")]
        if all(not path or ignored(str(path)) for path in paths):
            return
        self._last = time.monotonic()
        self._changed.set()

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)

    def wait(self) -> None:
        self._changed.wait()
        while time.monotonic() - self._last < SETTLE:
            time.sleep(SETTLE / 4)
        self._changed.clear()


def _report(result: BuildResult) -> None:
    stamp = time.strftime("%H:%M:%S")
    if result.ok:
        print(f"{stamp} {result.summary}", flush=True)
    else:
        print(f"{stamp} {result.summary}", file=sys.stderr, flush=True)


def watch(root: Path = ROOT, build_args: tuple[str, ...] = ()) -> int:
    """Build now, then after every relevant change, until Ctrl-C."""
    # Ctrl-C stops the watcher even where it was started with SIGINT ignored, as a shell
    # starts a background job (`&`, nohup), and as a process started from one inherits.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    watcher = Watcher(root)
    watcher.start()
    try:
        _report(run_build(root, *build_args))
        print(f"watching {', '.join(name + '/' for name in WATCHED)} (params.toml included); Ctrl-C stops",
              flush=True)
        while True:
            watcher.wait()
            _report(run_build(root, *build_args))
    except KeyboardInterrupt:
        return 0
    finally:
        watcher.stop()
