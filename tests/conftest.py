"""Shared fixtures: the repository root and a scratch copy of it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
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
