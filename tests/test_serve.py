"""``mkdocs serve --livereload``: a parameter edit regenerates the affected figure,
the served page changes, the server does not rebuild in a loop, a build error shows
in the page the author is looking at, and stopping the server leaves no process behind."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browser_support import fetch, free_port, wait_for
from conftest import run, seed_notebook_cache

FIGURE = "figures/statland-unrolled-low-low-light.svg"
BUILD_LINE = re.compile(r"figures: .*\(\d+\.\d+ s, build (\d+)\)")
LIVERELOAD = re.compile(rb"<script[^>]*>[^<]*livereload[^<]*</script>|<script[^>]*livereload[^>]*></script>")
BANNER = "guide-build-error"


def builds(log) -> int:
    return max((int(n) for n in BUILD_LINE.findall(log.read_text(errors="replace"))), default=0)


def page_without_livereload(url: str) -> bytes | None:
    """The served page minus MkDocs' livereload script, which differs on every fetch."""
    page = fetch(url)
    return None if page is None else LIVERELOAD.sub(b"", page)


def children() -> dict[int, int]:
    """pid → parent pid of every process."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> set[int]:
    parents = children()
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"


def start_server(root: Path, port: int, log: Path) -> subprocess.Popen:
    with open(log, "wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=root, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )


def stop_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


@pytest.fixture
def server(repo_copy, tmp_path, built_site):
    # The notebooks the session's site build executed: the first build here runs none
    # (this test is about the server, not the notebooks; test_author_loop runs them).
    seed_notebook_cache(repo_copy, built_site)
    port = free_port()
    log = tmp_path / "serve.log"
    process = start_server(repo_copy, port, log)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(url + FIGURE) or process.poll() is not None, 180, "the first build")
        assert process.poll() is None, log.read_text()
        yield repo_copy, url, log, process
    finally:
        if process.poll() is None:
            stop_group(process)


def session_browser(request):
    """The session's Chromium (conftest's ``browser``), or None and why not."""
    try:
        return request.getfixturevalue("browser"), ""
    except pytest.skip.Exception as skipped:
        return None, str(skipped)


def test_serve_regenerates_shows_errors_in_the_page_and_leaves_no_process(server, request):
    root, url, log, process = server
    text = log.read_text()
    assert f"Serving on {url}" in text, text
    assert b"livereload" in fetch(url + "statland/"), "the page must carry the live-reload script"
    page = page_without_livereload(url + "statland/")
    assert page_without_livereload(url + "statland/") == page, "the page without livereload is stable"
    before_served = fetch(url + FIGURE)
    before_file = (root / "docs" / FIGURE).read_bytes()
    assert before_served == before_file
    settled = builds(log)
    assert settled == 1, text
    # The processes the server started (the KaTeX renderer among them): they must end with it.
    started = descendants(process.pid)
    assert any("katex_render.js" in command_line(pid) for pid in started), [command_line(p) for p in started]

    params = root / "figures" / "params.toml"
    params.write_text(params.read_text().replace("low_low = [0.0, 0.0]", "low_low = [0.0, 0.5]"))
    wait_for(lambda: (root / "docs" / FIGURE).read_bytes() != before_file, 60, "the figure file to change")
    served = wait_for(lambda: (fetch(url + FIGURE) or before_served) != before_served and fetch(url + FIGURE),
                      60, "the served figure to change")
    assert served == (root / "docs" / FIGURE).read_bytes()
    wait_for(lambda: page_without_livereload(url + "statland/") not in (None, page), 60, "the page to change")

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

    # A bad value: one line in the terminal, without a traceback, and the same line
    # in a banner atop the page the author is looking at; a good value clears it.
    browser, reason = session_browser(request)
    context = browser.new_context() if browser is not None else None
    try:
        tab = None
        if context is not None:
            tab = context.new_page()
            tab.goto(url + "statland/")
            assert tab.locator(f".{BANNER}").count() == 0
        params.write_text(params.read_text().replace("w2 = -0.5", "w2 = nan"))
        wait_for(lambda: "network.w2 = nan: expected a finite number" in log.read_text(), 60, "the parameter error")
        errors = [line for line in log.read_text().splitlines() if "network.w2 = nan" in line]
        assert len(errors) == 1, errors
        assert "Traceback" not in log.read_text()
        served_page = wait_for(lambda: BANNER.encode() in (fetch(url + "statland/") or b"") and fetch(url + "statland/"),
                               60, "the error banner in the served page")
        assert b"network.w2 = nan: expected a finite number" in served_page
        if tab is not None:  # livereload brings the banner into the open page
            tab.wait_for_selector(f".{BANNER}", timeout=60_000)
            banner = tab.locator(f".{BANNER}").inner_text()
            assert "network.w2 = nan: expected a finite number" in banner and "\n" not in banner.strip()
            assert tab.locator(f".{BANNER}").is_visible()
        params.write_text(params.read_text().replace("w2 = nan", "w2 = -0.5"))
        wait_for(lambda: builds(log) > after_edit, 60, "a build after the fix")
        assert wait_for(lambda: fetch(url + FIGURE), 60, "the site again") == served
        wait_for(lambda: BANNER.encode() not in (fetch(url + "statland/") or BANNER.encode()), 60, "the banner to go")
        if tab is not None:
            tab.wait_for_selector(f".{BANNER}", state="detached", timeout=60_000)
    finally:
        if context is not None:
            context.close()

    # Stopping the server the way a terminal does (a signal to the server alone, not
    # its process group) leaves none of the processes it started.
    started |= descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    wait_for(lambda: not [pid for pid in started if alive(pid)], 10,
             "every process the server started to end: "
             + ", ".join(command_line(pid) for pid in started if alive(pid)))
    if browser is None:
        pytest.skip(f"served-page checks done; the in-browser banner check needs a browser ({reason})")


def test_a_taken_port_is_one_line_and_no_build(repo_copy, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run([sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
                     cwd=repo_copy, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    assert "Documentation built" not in output and "figures:" not in output, output
    errors = [line for line in output.splitlines() if "already in use" in line]
    assert len(errors) == 1 and f"127.0.0.1:{port}" in errors[0] and f"PORT={port + 1}" in errors[0], output
