"""Shared fixtures: the repository root, a scratch copy of it, and the session's long
builds, which run in a second lane beside the tests (see :class:`Lane`)."""
from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
# This checkout's Markdown extensions (docs/extensions/guide_markdown), for the tests
# and every generator they start, whether or not `pip install -e .` has run here.
EXTENSIONS = str(ROOT / "docs" / "extensions")
if EXTENSIONS not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [EXTENSIONS, os.environ.get("PYTHONPATH")]))
if EXTENSIONS not in sys.path:
    sys.path.insert(0, EXTENSIONS)
SKIP_IN_COPY = {".git", ".venv", "node_modules", "site", ".cache", "__pycache__", ".pytest_cache"}


def run(args, cwd=ROOT, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", **kwargs.pop("env", {})}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, **kwargs)


def copy_repository(destination: Path) -> Path:
    """A copy of the working tree without build products, with node_modules linked in."""
    shutil.copytree(ROOT, destination, ignore=lambda _dir, names: [n for n in names if n in SKIP_IN_COPY])
    if (ROOT / "node_modules").exists():
        (destination / "node_modules").symlink_to(ROOT / "node_modules")
    return destination


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    return copy_repository(tmp_path / "repo")


@pytest.fixture(scope="session")
def python() -> str:
    return sys.executable


def central_difference(f, array, eps=1e-6):
    """∂f/∂array by central differences, one element at a time (the independent check)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        plus, minus = array.copy(), array.copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (f(plus) - f(minus)) / (2 * eps)
    return grad


def _unavailable(reason: str):
    from browser_support import REQUIRE_BROWSER

    if os.environ.get(REQUIRE_BROWSER) == "1":
        pytest.fail(f"{REQUIRE_BROWSER}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Playwright's sync API allows one driver per
    thread, so every test that needs a browser shares this one)."""
    from browser_support import CHROMIUM_ARGS, find_chromium

    chromium = find_chromium()
    if chromium is None:
        _unavailable("no Chromium found (install Debian's chromium package: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed (make setup installs it)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


# --- the second lane ---------------------------------------------------------------------
#
# A few builds take a minute or more each (the strict site build with its notebooks,
# the forced figure build with the long-range training, the Zensical build, the site
# build after an engine edit). The tests run one at a time, and much of their time is
# spent waiting (on a browser, a server, a sleep), so these builds run in a second lane:
# a thread that starts them, in order, as the session starts, for the tests selected.
# A test that needs one waits for it; one that has not started yet it runs itself.
# Their checks stay in the tests that read them.


class Job:
    def __init__(self, name: str, work):
        self.name, self.work = name, work
        self._lock = threading.Lock()
        self._started = False
        self._done = threading.Event()
        self._value = None
        self._error: BaseException | None = None

    def claim(self) -> bool:
        with self._lock:
            if self._started:
                return False
            self._started = True
            return True

    def run(self) -> None:
        try:
            self._value = self.work()
        except BaseException as error:  # handed to every test that reads the job
            self._error = error
        finally:
            self._done.set()

    def result(self):
        if self.claim():
            self.run()
        self._done.wait()
        if self._error is not None:
            raise RuntimeError(f"the session's {self.name} failed: {self._error}") from self._error
        return self._value


class Lane:
    """One background thread that runs queued jobs in order; their subprocesses run
    through :meth:`run`, so that the end of the session stops what is still running."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._processes: set[subprocess.Popen] = set()
        self._closing = False

    def add(self, name: str, work) -> None:
        self.jobs[name] = job = Job(name, work)
        self._queue.put(job)
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="lane", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            if not self._closing and job.claim():
                job.run()

    def result(self, name: str):
        return self.jobs[name].result()

    def run(self, args, cwd=ROOT, timeout: float = 900, **kwargs) -> subprocess.CompletedProcess:
        """:func:`run` (text, captured), in its own process group, stopped when the session ends."""
        if self._closing:
            raise RuntimeError("the session is over")
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", **kwargs.pop("env", {})}
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True, **kwargs)
        self._processes.add(process)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
        finally:
            self._processes.discard(process)
        return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)

    def close(self) -> None:
        self._closing = True
        self._queue.put(None)
        for process in list(self._processes):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=60)


LANE = Lane()


@dataclass(frozen=True)
class BuiltSite:
    path: Path  # the site, built from this checkout with mkdocs build --strict
    log: str  # what the build printed


@dataclass(frozen=True)
class BuiltCopy:
    root: Path  # a copy of the repository the job built in
    result: subprocess.CompletedProcess


def _site_build(factory):
    site = factory.mktemp("site") / "site"

    def work() -> BuiltSite:
        from browser_support import build_site

        return BuiltSite(site, build_site(site, run=LANE.run))
    return work


def _forced_figure_build(factory):
    destination = factory.mktemp("forced") / "repo"

    def work() -> BuiltCopy:
        root = copy_repository(destination)
        return BuiltCopy(root, LANE.run([sys.executable, "figures/build.py", "--force", "--jobs", "2"], cwd=root))
    return work


def _zensical_build(factory):
    destination = factory.mktemp("zensical") / "repo"

    def work() -> BuiltCopy:
        root = copy_repository(destination)
        extensions = str(root / "docs" / "extensions")  # the copy's extensions, installed or not
        env = {"PYTHONPATH": os.pathsep.join([extensions, str(root), os.environ.get("PYTHONPATH", "")])}
        return BuiltCopy(root, LANE.run([sys.executable, "-m", "zensical", "build", "--clean"], cwd=root, env=env))
    return work


NOTEBOOK_CACHE = Path(".cache") / "mkdocs-jupyter"  # mkdocs-jupyter's cache_dir, under the build's folder


def seed_notebook_cache(root: Path, built: BuiltSite) -> int:
    """Give a copy of the repository the executed notebooks of the session's site build
    (``built``: mkdocs-jupyter's cache, keyed on each notebook's bytes, and ours on
    rnncore), so that a build there runs no notebook unless its inputs differ.
    Returns how many."""
    assert built.path.is_dir()
    source = ROOT / NOTEBOOK_CACHE
    shutil.copytree(source, root / NOTEBOOK_CACHE, dirs_exist_ok=True)
    return len(list(source.glob("*.json")))


def commit_time() -> dict[str, str]:
    """The environment that gives a copy without .git the sitemap date of this checkout
    (docs/hooks/serve.py sets SOURCE_DATE_EPOCH from the last commit)."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return {}
    result = run(["git", "log", "-1", "--format=%ct"])
    stamp = result.stdout.strip()
    return {"SOURCE_DATE_EPOCH": stamp} if result.returncode == 0 and stamp.isdigit() else {}


def _engine_edit_site_builds(factory):
    destination = factory.mktemp("engine-edit") / "repo"

    def work() -> tuple[Path, int, list[tuple[Path, subprocess.CompletedProcess]]]:
        root = copy_repository(destination)
        cached = seed_notebook_cache(root, LANE.result("built_site"))
        # An edit to rnncore that changes no result drops every cached notebook, so the
        # next build executes each afresh, as a clean build does.
        with open(root / "rnncore" / "exact.py", "a") as handle:
            handle.write("\n# edited\n")
        builds = []
        for name in ("site1", "site2"):
            site = destination.parent / name
            builds.append((site, LANE.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                                          cwd=root, env=commit_time())))
        return root, cached, builds
    return work


# fixture name → what the lane runs for it, in this order
BACKGROUND = {
    "built_site": _site_build,
    "forced_figure_build": _forced_figure_build,
    "zensical_build": _zensical_build,
    "engine_edit_site_builds": _engine_edit_site_builds,
}


@pytest.fixture(scope="session", autouse=True)
def lane(request, tmp_path_factory):
    wanted = {name for item in request.session.items for name in item.fixturenames}
    for name, prepare in BACKGROUND.items():
        if name in wanted:
            LANE.add(name, prepare(tmp_path_factory))
    yield LANE
    LANE.close()


@pytest.hookimpl(trylast=True)  # after pytest groups the tests by their parametrized fixtures
def pytest_collection_modifyitems(session, config, items):
    """The tests that read the lane's builds go last, in the lane's order, so that the
    others run while the lane builds (a stable sort: the order within each group stays)."""
    order = list(BACKGROUND)

    def group(item) -> int:
        used = [order.index(name) for name in getattr(item, "fixturenames", ()) if name in BACKGROUND]
        return 1 + max(used) if used else 0

    items[:] = sorted(items, key=group)


@pytest.fixture(scope="session")
def built_site() -> BuiltSite:
    """The site built from this checkout (mkdocs build --strict), once per session."""
    return LANE.result("built_site")


@pytest.fixture(scope="session")
def forced_figure_build() -> BuiltCopy:
    """``figures/build.py --force --jobs 2`` in a copy of the repository."""
    return LANE.result("forced_figure_build")


@pytest.fixture(scope="session")
def zensical_build() -> BuiltCopy:
    """``zensical build --clean`` in a copy of the repository."""
    return LANE.result("zensical_build")


@pytest.fixture(scope="session")
def engine_edit_site_builds(built_site):
    """In a copy with the session's executed notebooks and an edit to rnncore that changes
    no result: two strict site builds, one after the other."""
    return LANE.result("engine_edit_site_builds")
