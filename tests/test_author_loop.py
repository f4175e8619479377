"""The author loop: incremental, exact rebuilds; fast no-op builds; interrupted
builds repaired; byte-identical outputs."""
from __future__ import annotations

import importlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PROGRESS = re.compile(r"^\[\d+/\d+\] (\S+)", re.M)
GENERATED = ("docs/figures", "docs/snippets")


def rebuilt(result) -> set[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    return set(PROGRESS.findall(result.stderr))


def edit(path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def snapshot(root) -> dict[str, bytes]:
    files = {}
    for folder in GENERATED:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                files[str(path.relative_to(root))] = path.read_bytes()
    files["figures/fingerprints.json"] = (root / "figures" / "fingerprints.json").read_bytes()
    return files


def registered() -> dict:
    """Every output, by name (importing figures.outputs registers them)."""
    importlib.import_module("figures.outputs")
    from figures.registry import OUTPUTS

    return OUTPUTS


def outputs_reading(key: str) -> set[str]:
    return {name for name, output in registered().items() if key in output.reads}


def test_check_goes_stale_after_an_edit_and_fresh_after_a_build(python, repo_copy):
    assert run([python, "figures/build.py", "--check"], cwd=repo_copy).returncode == 0
    edit(repo_copy / "figures" / "params.toml", "three_days = [1.0, 0.5, 0.5]", "three_days = [1.0, 0.5, 1.0]")
    stale = run([python, "figures/build.py", "--check"], cwd=repo_copy)
    assert stale.returncode == 1
    named = set(stale.stderr.splitlines()[0].removeprefix("stale: ").split(", "))
    assert named == outputs_reading("statland.three_days")
    listing = run([python, "figures/build.py", "--list"], cwd=repo_copy)
    assert re.search(r"^statland-unrolled-three-days\s+stale\s+figure\s+reads network\.\*, statland\.three_days",
                     listing.stdout, re.M), listing.stdout
    assert re.search(r"^statland-unrolled-low-low\s+fresh", listing.stdout, re.M)
    assert run([python, "figures/build.py", "--jobs", "1"], cwd=repo_copy).returncode == 0
    fresh = run([python, "figures/build.py", "--check"], cwd=repo_copy)
    assert fresh.returncode == 0, fresh.stderr
    assert "fresh" in fresh.stdout


def test_one_key_rebuilds_exactly_the_outputs_that_read_it(python, repo_copy):
    edit(repo_copy / "figures" / "params.toml", "three_days = [1.0, 0.5, 0.5]", "three_days = [1.0, 0.5, 1.0]")
    names = rebuilt(run([python, "figures/build.py", "--jobs", "2"], cwd=repo_copy))
    assert {"statland-unrolled-three-days", "statland-table", "statland-steps", "statland"} <= names
    assert "statland-unrolled-low-low" not in names and "worked-examples-table" not in names
    assert names == outputs_reading("statland.three_days")
    svg = (repo_copy / "docs" / "figures" / "statland-unrolled-three-days-light.svg").read_bytes()
    assert svg != (ROOT / "docs" / "figures" / "statland-unrolled-three-days-light.svg").read_bytes()
    assert (repo_copy / "docs" / "figures" / "statland-unrolled-low-low-light.svg").read_bytes() == \
        (ROOT / "docs" / "figures" / "statland-unrolled-low-low-light.svg").read_bytes()
    assert rebuilt(run([python, "figures/build.py"], cwd=repo_copy)) == set()


def stale(python, root) -> set[str]:
    result = run([python, "figures/build.py", "--check"], cwd=root)
    if result.returncode == 0:
        return set()
    assert result.returncode == 1, result.stderr
    return set(result.stderr.splitlines()[0].removeprefix("stale: ").split(", "))


def test_each_kind_of_input_is_a_trigger(python, repo_copy):
    OUTPUTS = registered()
    # an output module of snippets only, so that the build at the end stays cheap
    backward = {name for name, output in OUTPUTS.items() if output.source.name == "backward.py"}
    assert len(backward) >= 2 and all(OUTPUTS[name].kind == "snippet" for name in backward)
    figures = {name for name, output in OUTPUTS.items() if output.kind == "figure"}
    # a snippet depends on the style only when its module imports it (e.g. for style.math)
    styled = {name for name, output in OUTPUTS.items()
              if output.kind != "figure" and re.search(r"from \.\.style import|figures\.style",
                                                      output.source.read_text("utf-8"))}
    cases = [
        ("figures/outputs/backward.py", backward),  # the output's own code (a comment counts: bytes are hashed)
        ("figures/style.py", figures | styled),  # the shared style: every figure, and no other snippet
        ("figures/render.py", set(OUTPUTS)),  # how outputs become files
        ("rnncore/exact.py", set(OUTPUTS)),  # the engine
    ]
    assert stale(python, repo_copy) == set()
    for path, expected in cases:
        original = (repo_copy / path).read_bytes()
        (repo_copy / path).write_bytes(original + b"\n# edited\n")
        assert stale(python, repo_copy) == expected, path
        (repo_copy / path).write_bytes(original)
        assert stale(python, repo_copy) == set(), path
    # and a build renders exactly what --check named
    (repo_copy / "figures" / "outputs" / "backward.py").open("a").write("\n# edited\n")
    assert rebuilt(run([python, "figures/build.py"], cwd=repo_copy)) == backward
    assert stale(python, repo_copy) == set()


def test_adding_a_parameter_rebuilds_only_what_reads_it(python, repo_copy):
    edit(repo_copy / "figures" / "params.py", "\nSPEC: dict[str, Param] = {\n",
         '\nSPEC: dict[str, Param] = {\n    "demo.extra": Param(Number(0.0, 1.0), "a parameter added by a test"),\n')
    (repo_copy / "figures" / "params.toml").open("a").write("\n[demo]\nextra = 0.5\n")
    assert rebuilt(run([python, "figures/build.py"], cwd=repo_copy)) == {"parameters-table"}
    table = (repo_copy / "docs" / "snippets" / "parameters-table.md").read_text()
    assert "### `[demo]`" in table
    assert '| <code style="white-space: nowrap">extra</code> | number | 0 to 1 | `0.5` | a parameter added by a test |' in table


def test_library_versions_are_part_of_the_fingerprint():
    from figures import build
    from figures.params import load

    OUTPUTS = registered()
    values = load()
    figure = OUTPUTS["statland-unrolled-low-low"]
    snippet_ = OUTPUTS["statland-table"]
    inputs = build.Inputs()
    before = (inputs.fingerprint(figure, values), inputs.fingerprint(snippet_, values))
    inputs._versions["matplotlib"] = "0.0-test"
    assert inputs.fingerprint(figure, values) != before[0]
    assert inputs.fingerprint(snippet_, values) == before[1]  # snippets do not draw
    inputs._versions["numpy"] = "0.0-test"
    assert inputs.fingerprint(snippet_, values) != before[1]


def test_a_no_op_build_never_imports_matplotlib(python):
    assert run([python, "figures/build.py", "--check"]).returncode == 0  # caches the catalog of outputs
    script = (
        "import runpy, sys\n"
        "sys.argv = ['figures/build.py']\n"
        "try:\n"
        "    runpy.run_path('figures/build.py', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'PIL', 'mkdocs', 'numpy')))\n"
    )
    result = run([python, "-c", script])
    assert result.returncode == 0, result.stderr
    assert "nothing to do" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
    timed = run([python, "-X", "importtime", "figures/build.py", "--check"])
    assert timed.returncode == 0
    assert "matplotlib" not in timed.stderr
    # nor, with the catalog of outputs cached, any output module, rnncore or numpy
    assert "figures.outputs" not in timed.stderr and "numpy" not in timed.stderr


def test_forced_builds_are_byte_identical(python, repo_copy):
    # Two forced builds, serial and parallel, of a set of outputs of every kind give
    # the committed bytes, fingerprints included, so `git status` stays clean.
    # (tests/test_build.py forces a build of everything and compares it too.)
    only = ["--only", "statland-unrolled-three-days", "statland-unrolled-low-low", "statland-table",
            "statland", "parameters-table", "api", "worked-examples-table"]
    for jobs in ("1", "2"):
        result = run([python, "figures/build.py", "--force", "--jobs", jobs, *only], cwd=repo_copy)
        assert result.returncode == 0, result.stderr
        assert rebuilt(result) == set(only[1:])
        assert snapshot(repo_copy) == snapshot(ROOT)


def _kill_midway(python, root, rng: random.Random, jobs: str) -> None:
    """Start a build and kill its process group while it writes: after the k-th of its
    outputs has landed (k at random, never the last), a random moment later, while the
    next output's file sits half-written in its temporary file (FIGURES_TEST_SLOW pauses
    inside every write)."""
    process = subprocess.Popen(
        [python, "figures/build.py", "--jobs", jobs], cwd=root, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "FIGURES_TEST_SLOW": "0.05", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        landed = 0
        for line in process.stderr:
            match = re.match(r"^\[(\d+)/(\d+)\] ", line)
            if match:
                if landed == 0:
                    total = int(match[2])
                    assert total >= 2, line
                    stop = rng.randrange(1, total)
                landed = int(match[1])
                if landed >= stop:
                    time.sleep(rng.uniform(0.0, 0.06))
                    break
        assert landed, "the build never landed an output"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stderr.close()


# A parameter only snippets read (4 outputs in 2 modules, so 2 workers with --jobs 2):
# the build spends its time writing, not rendering, and every round stays cheap.
KILL_EDIT = ("observed = 0.5", "observed = 0.75")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_killed_build_leaves_no_half_written_file_and_the_next_build_repairs_it(python, repo_copy, jobs):
    params = repo_copy / "figures" / "params.toml"
    old, new = KILL_EDIT
    before = snapshot(repo_copy)
    edit(params, old, new)
    assert len(stale(python, repo_copy)) >= 2
    rng = random.Random(6)
    for attempt in range(3):
        _kill_midway(python, repo_copy, rng, jobs)
        killed = snapshot(repo_copy)
        assert killed != before, f"the kill landed before any output was written (attempt {attempt})"
        assert run([python, "figures/build.py", "--check"], cwd=repo_copy).returncode in (0, 1)
        repaired = run([python, "figures/build.py", "--jobs", jobs], cwd=repo_copy)
        assert repaired.returncode == 0, repaired.stderr
        after = snapshot(repo_copy)
        assert run([python, "figures/build.py", "--check"], cwd=repo_copy).returncode == 0
        for path, data in killed.items():
            if path == "figures/fingerprints.json":
                json.loads(data)  # whole, parseable
                continue
            assert data in (before.get(path), after.get(path)), f"{path} was left half-written (attempt {attempt})"
        assert set(killed) <= set(before) | set(after)
        # go back to the original parameters for the next round: everything changes again
        edit(params, new, old)
        assert run([python, "figures/build.py"], cwd=repo_copy).returncode == 0
        assert snapshot(repo_copy) == before
        edit(params, old, new)
    assert not list((repo_copy / ".cache" / "figures").glob("*.tmp"))


def test_a_failing_output_is_reported_and_the_others_still_land(python, repo_copy):
    (repo_copy / "figures" / "outputs" / "zz_broken.py").write_text(
        "from ..registry import snippet\n\n@snippet('zz-broken')\ndef broken(params):\n    return 1 / 0\n"
    )
    edit(repo_copy / "figures" / "params.toml", *KILL_EDIT)  # 4 snippets to rebuild beside the broken one
    others = stale(python, repo_copy) - {"zz-broken"}
    assert len(others) >= 2
    result = run([python, "figures/build.py", "--jobs", "2"], cwd=repo_copy)
    assert result.returncode == 1
    assert "ZeroDivisionError" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "error: 1 output failed: zz-broken"
    assert set(PROGRESS.findall(result.stderr)) == others | {"zz-broken"}  # the failed one has its line too
    check = run([python, "figures/build.py", "--check"], cwd=repo_copy)
    assert check.stderr.splitlines()[0] == "stale: zz-broken"


def test_unknown_only_name_is_one_line(python):
    result = run([python, "figures/build.py", "--only", "statland-tabel"])
    assert result.returncode == 2
    assert result.stderr.strip() == "error: no output named statland-tabel (did you mean statland-table?); see --list"


def test_help_lists_every_parameter(python):
    from figures.params import SPEC

    result = run([python, "figures/build.py", "--help"])
    assert result.returncode == 0
    for option in ("--list", "--only", "--check", "--force", "--jobs"):
        assert option in result.stdout
    for key, param in SPEC.items():
        assert key in result.stdout and param.meaning in result.stdout


def test_two_clean_site_builds_are_byte_identical_and_notebooks_rerun_when_rnncore_changes(
        built_site, engine_edit_site_builds):
    # The session's strict build of this checkout (conftest.built_site) against a build
    # in a copy that holds the session's executed notebooks and an edit to rnncore that
    # changes no result (conftest.engine_edit_site_builds): the edit drops every cached
    # notebook, so that build executes everything afresh, as a clean build does, and
    # must give the same bytes, at another time on the clock (the builds are seconds apart).
    def files(site) -> dict:
        return {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    root, cached, ((site1, result1), (site2, result2)) = engine_edit_site_builds
    notebooks = len(list((root / "docs" / "notebooks").glob("*.ipynb")))
    assert cached == notebooks, "the session's build cached every notebook"
    assert result1.returncode == 0, result1.stderr
    log = result1.stderr
    assert f"rnncore changed: {notebooks} cached notebook(s) will run again" in log, log
    assert "Cache miss" in log and "Cache hit" not in log
    first, second = files(built_site.path), files(site1)
    assert first.keys() == second.keys()
    different = [str(path) for path in first if first[path] != second[path]]
    assert not different, different
    # Nothing changed since: every notebook comes from the cache.
    assert result2.returncode == 0, result2.stderr
    assert "Cache hit" in result2.stderr and "Cache miss" not in result2.stderr


def _children(pid: int) -> set[int]:
    try:
        return {int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()}
    except OSError:
        return set()


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_main_process_only_leaves_no_worker_and_no_lock(python, repo_copy, how):
    # what a terminal or an editor's task runner does: signal the build, not its group
    process = subprocess.Popen([python, "figures/build.py", "--force", "--jobs", "2"], cwd=repo_copy,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                               env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        deadline = time.monotonic() + 120
        while len(_children(process.pid)) < 2:  # both render workers are up
            assert process.poll() is None and time.monotonic() < deadline, "the build never started its workers"
            time.sleep(0.05)
        workers = _children(process.pid)
        time.sleep(0.5)
        process.send_signal(how)
        process.wait(timeout=10)
        deadline = time.monotonic() + 2
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers), "a render worker outlived its build"
    finally:
        os.killpg(process.pid, signal.SIGKILL) if process.poll() is None else None
    after = run([python, "figures/build.py"], cwd=repo_copy, timeout=120)
    assert after.returncode == 0, after.stderr
    assert "waiting" not in after.stderr
    assert run([python, "figures/build.py", "--check"], cwd=repo_copy).returncode == 0


def test_a_build_that_must_wait_names_the_build_it_waits_for(python, repo_copy):
    holder = subprocess.Popen(
        [python, "-c", "import fcntl, pathlib, sys, time\n"
                       "p = pathlib.Path('.cache/figures'); p.mkdir(parents=True, exist_ok=True)\n"
                       "h = open(p / 'build.lock', 'a+'); fcntl.lockf(h, fcntl.LOCK_EX)\n"
                       "print('locked', flush=True); time.sleep(60)"],
        cwd=repo_copy, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        waiting = subprocess.Popen([python, "figures/build.py", "--only", "parameters-rules"], cwd=repo_copy,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        line = ""
        while "waiting" not in line and time.monotonic() < deadline:
            line = waiting.stderr.readline()
        assert line.startswith(f"waiting for build PID {holder.pid} "), line
        time.sleep(0.3)
        assert waiting.poll() is None  # it waits while the holder lives ...
        holder.kill()
        holder.wait()
        assert waiting.wait(timeout=60) == 0  # ... and not a moment after it died
    finally:
        holder.kill()


def test_the_benchmark_marks_every_missed_target():
    import importlib.util

    spec = importlib.util.spec_from_file_location("author_loop", ROOT / "benchmarks" / "author_loop.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.target("no-op", 1.9, 2, "2×") == "[target ≤ 2×]" and bench.MISSED == []
    assert bench.target("no-op", 2.1, 2, "2×") == "[target ≤ 2×: MISSED]"
    assert bench.target("reload", 3.5, 3, "3 s") == "[target ≤ 3 s: MISSED]"
    assert bench.MISSED == ["no-op", "reload"]
