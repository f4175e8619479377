"""``python figures/build.py --watch``: rebuilds once per edit, never loops, one line
for a bad parameter; and the one-line summary of a failing build keeps the cause."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

from browser_support import wait_for
from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from figures.watch import error_line, ignored  # noqa: E402

BUILT = re.compile(r"^\d\d:\d\d:\d\d (built|nothing to do)", re.M)


def test_failing_outputs_keep_their_cause_in_one_line():
    stderr = "\n".join([
        "building 3 of 68 outputs with 2 processes",
        "[1/3] truncated-bptt   0.10 s  FAILED",
        "Traceback (most recent call last):",
        '  File "figures/outputs/x.py", line 3, in f',
        "ValueError: window 80 is longer than the 60 steps",
        "[2/3] statland-table   0.01 s  unchanged",
        "[3/3] gradients        0.20 s  FAILED",
        "Traceback (most recent call last):",
        "ZeroDivisionError: division by zero",
        "error: 2 outputs failed: truncated-bptt, gradients",
    ])
    line = error_line(stderr)
    assert "\n" not in line
    assert line.startswith("error: 2 outputs failed: truncated-bptt, gradients")
    assert "truncated-bptt: ValueError: window 80 is longer than the 60 steps" in line
    assert "gradients: ZeroDivisionError: division by zero" in line
    assert error_line("error: figures/params.toml: network.w2 = nan: expected a finite number") == \
        "error: figures/params.toml: network.w2 = nan: expected a finite number"


def test_what_builds_and_editors_write_is_ignored():
    for path in ("figures/fingerprints.json", "figures/__pycache__/build.cpython-311.pyc", "figures/.params.toml.swp",
                 "rnncore/rnn.py~", ".cache/figures/x.123.tmp", "figures/4913"):
        assert ignored(path), path
    for path in ("figures/params.toml", "figures/outputs/statland.py", "rnncore/rnn.py"):
        assert not ignored(path), path


def test_watch_rebuilds_once_per_edit_and_reports_a_bad_parameter(python, repo_copy, tmp_path):
    log = tmp_path / "watch.log"
    with open(log, "wb") as sink:
        # started the way a shell starts a background job, with SIGINT ignored: Ctrl-C (SIGINT,
        # below) must stop the watcher all the same
        ignoring_sigint = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                           "os.execv(sys.executable, [sys.executable, 'figures/build.py', '--watch', '--jobs', '1'])")
        process = subprocess.Popen([python, "-c", ignoring_sigint], cwd=repo_copy,
                                   stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
                                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        wait_for(lambda: "watching" in log.read_text(), 120, "the first build")
        assert "nothing to do" in log.read_text()
        figure = repo_copy / "docs" / "figures" / "statland-unrolled-low-low-light.svg"
        before = figure.read_bytes()
        params = repo_copy / "figures" / "params.toml"
        params.write_text(params.read_text().replace("low_low = [0.0, 0.0]", "low_low = [0.0, 0.5]"))
        wait_for(lambda: figure.read_bytes() != before, 120, "the figure to change")
        wait_for(lambda: len(BUILT.findall(log.read_text())) == 2, 60, "the build to finish")
        time.sleep(4)  # what that build wrote (fingerprints, generated files) starts no other build
        assert len(BUILT.findall(log.read_text())) == 2, log.read_text()

        params.write_text(params.read_text().replace("w2 = -0.5", "w2 = nan"))
        wait_for(lambda: "network.w2 = nan" in log.read_text(), 60, "the parameter error")
        time.sleep(2)
        errors = [line for line in log.read_text().splitlines() if "network.w2 = nan" in line]
        assert len(errors) == 1 and "expected a finite number" in errors[0], log.read_text()
        assert "Traceback" not in log.read_text()
        params.write_text(params.read_text().replace("w2 = nan", "w2 = -0.5"))
        wait_for(lambda: len(BUILT.findall(log.read_text())) == 3, 120, "a build after the fix")
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        try:
            assert process.wait(timeout=20) == 0, log.read_text()
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    assert "Traceback" not in log.read_text()


def test_a_failing_output_s_cause_reaches_the_summary(python, repo_copy):
    from figures.watch import run_build

    (repo_copy / "figures" / "outputs" / "zz_broken.py").write_text(
        "from ..registry import snippet\n\n@snippet('zz-broken')\ndef broken(params):\n    return 1 / 0\n"
    )
    result = run_build(repo_copy, "--jobs", "1")
    assert not result.ok
    assert result.summary == "error: 1 output failed: zz-broken — zz-broken: ZeroDivisionError: division by zero"
