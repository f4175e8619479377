"""``mkdocs serve --livereload``: a parameter edit regenerates the affected figure,
the served page changes, and the server does not rebuild in a loop."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from browser_support import fetch, free_port
from conftest import ROOT

FIGURE = "figures/statland-unrolled-low-low-light.svg"
BUILD_LINE = re.compile(r"figures: .*\(\d+\.\d+ s, build (\d+)\)")


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def builds(log) -> int:
    return max((int(n) for n in BUILD_LINE.findall(log.read_text(errors="replace"))), default=0)


@pytest.fixture
def server(repo_copy, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=repo_copy, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(url + FIGURE) or process.poll() is not None, 120, "the first build")
        assert process.poll() is None, log.read_text()
        yield repo_copy, url, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_serve_regenerates_on_an_edit_and_does_not_loop(server):
    root, url, log = server
    text = log.read_text()
    assert f"Serving on {url}" in text, text
    page = fetch(url + "statland/")
    assert b"livereload" in page, "the page must carry the live-reload script"
    before_served = fetch(url + FIGURE)
    before_file = (root / "docs" / FIGURE).read_bytes()
    assert before_served == before_file
    settled = builds(log)
    assert settled == 1, text

    params = root / "figures" / "params.toml"
    params.write_text(params.read_text().replace("low_low = [0.0, 0.0]", "low_low = [0.0, 0.5]"))
    wait_for(lambda: (root / "docs" / FIGURE).read_bytes() != before_file, 60, "the figure file to change")
    served = wait_for(lambda: (fetch(url + FIGURE) or before_served) != before_served and fetch(url + FIGURE),
                      60, "the served figure to change")
    assert served == (root / "docs" / FIGURE).read_bytes()
    wait_for(lambda: fetch(url + "statland/") and fetch(url + "statland/") != page, 60, "the page to change")

    # Exactly one build per edit: the files it writes (generated files, fingerprints,
    # bytecode) trigger no other, and the count stays put.
    time.sleep(3)
    after_edit = builds(log)
    assert after_edit == settled + 1, log.read_text()
    time.sleep(5)
    assert builds(log) == after_edit, log.read_text()
    assert "Traceback" not in log.read_text()
    # nothing written by the build may count as a change: no pycache next to the sources
    assert not list((root / "figures").rglob("__pycache__"))
    assert not list((root / "rnncore").rglob("__pycache__"))

    # A bad value: the server reports it in one line, without a traceback; once the
    # value is fixed it builds and serves again.
    params.write_text(params.read_text().replace("w2 = -0.5", "w2 = nan"))
    wait_for(lambda: "network.w2 = nan: expected a finite number" in log.read_text(), 60, "the parameter error")
    errors = [line for line in log.read_text().splitlines() if "network.w2 = nan" in line]
    assert len(errors) == 1, errors
    assert "Traceback" not in log.read_text()
    params.write_text(params.read_text().replace("w2 = nan", "w2 = -0.5"))
    wait_for(lambda: builds(log) > after_edit, 60, "a build after the fix")
    assert wait_for(lambda: fetch(url + FIGURE), 60, "the site again") == served
