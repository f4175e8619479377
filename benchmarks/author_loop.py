#!/usr/bin/env python3
"""How fast is the author loop? Prints medians, marks every missed target (and then exits 1).

    .venv/bin/python benchmarks/author_loop.py [--repeat N] [--skip-serve] [--skip-site]

Everything runs in a temporary copy of the repository, so the working tree is
never touched. Measured:

* no-op figure build, as a ratio to ``python -c "import numpy"`` timed in the same
  run (target ≤ 2×);
* one changed parameter: time and outputs rebuilt, against a full build;
* a cold full build with ``--jobs 1`` and ``--jobs 2``, and their ratio (target ≤ 0.6);
* edit-to-reload latency under ``mkdocs serve``: change one parameter, poll the
  served figure until it changes (target ≤ 3 s for a one-figure change);
* a clean ``mkdocs build --strict`` (target ≤ 30 s), twice, and whether the two
  sites are byte-identical.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import fetch, free_port  # noqa: E402
PYTHON = sys.executable
SKIP = {".git", ".venv", "node_modules", "site", ".cache", "__pycache__", ".pytest_cache", "benchmarks"}
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
PROGRESS = re.compile(r"^\[\d+/\d+\] (\S+)", re.M)
KEY = "three_days"
VALUES = ("three_days = [1.0, 0.5, 0.5]", "three_days = [1.0, 0.5, 1.0]")
FIGURE = "figures/statland-unrolled-three-days-light.svg"


def copy_repository(destination: Path) -> Path:
    shutil.copytree(ROOT, destination, ignore=lambda _dir, names: [n for n in names if n in SKIP])
    if (ROOT / "node_modules").exists():
        (destination / "node_modules").symlink_to(ROOT / "node_modules")
    return destination


def timed(args, cwd, **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=ENV, **kwargs)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{result.stderr}")
    return seconds, result


def median(values) -> float:
    return statistics.median(values)


class Params:
    def __init__(self, root: Path):
        self.path = root / "figures" / "params.toml"
        self.state = 0

    def toggle(self) -> None:
        text = self.path.read_text()
        assert VALUES[self.state] in text, "figures/params.toml no longer has the benchmark's value"
        self.state = 1 - self.state
        self.path.write_text(text.replace(VALUES[1 - self.state], VALUES[self.state]))


def bench_builds(root: Path, repeat: int) -> list[tuple[str, str]]:
    build = [PYTHON, "figures/build.py"]
    timed(build, root)
    noop, numpy = [], []
    for _ in range(3 * repeat):  # interleaved, so both see the same load
        noop.append(timed(build, root)[0])
        numpy.append(timed([PYTHON, "-c", "import numpy"], root)[0])
    params = Params(root)
    one, counts = [], set()
    for _ in range(repeat):
        params.toggle()
        seconds, result = timed(build, root)
        one.append(seconds)
        counts.add(len(PROGRESS.findall(result.stderr)))
    if params.state:
        params.toggle()
        timed(build, root)
    total = len(PROGRESS.findall(timed(build + ["--force"], root)[1].stderr))
    full = [timed(build + ["--force"], root)[0] for _ in range(repeat)]
    jobs1, jobs2 = [], []
    for _ in range(repeat):  # interleaved, so both see the same load
        jobs1.append(timed(build + ["--force", "--jobs", "1"], root)[0])
        jobs2.append(timed(build + ["--force", "--jobs", "2"], root)[0])
    ratio = median(noop) / median(numpy)
    return [
        ("no-op figure build", f"{median(noop):.3f} s = {ratio:.2f} × `import numpy` ({median(numpy):.3f} s)  "
                               + target("no-op figure build", ratio, 2, "2×")),
        (f"one parameter (statland.{KEY})",
         f"{median(one):.3f} s, {'/'.join(map(str, sorted(counts)))} of {total} outputs rebuilt "
         f"(full build {median(full):.3f} s: {median(one) / median(full):.2f} ×)"),
        ("cold full build --jobs 1", f"{median(jobs1):.3f} s"),
        ("cold full build --jobs 2", f"{median(jobs2):.3f} s = {median(jobs2) / median(jobs1):.2f} × --jobs 1  "
                                     + target("--jobs 2", median(jobs2) / median(jobs1), 0.6, "0.6×")),
    ]


MISSED: list[str] = []


def target(what: str, value: float, limit: float, shown: str) -> str:
    """``[target ≤ shown]``, marked MISSED (and remembered) when ``value`` exceeds ``limit``."""
    if value <= limit:
        return f"[target ≤ {shown}]"
    MISSED.append(what)
    return f"[target ≤ {shown}: MISSED]"


def bench_serve(root: Path, repeat: int) -> list[tuple[str, str]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/{FIGURE}"
    log = root.parent / "serve.log"
    with open(log, "wb") as sink:
        server = subprocess.Popen(
            [PYTHON, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=root, stdout=sink, stderr=subprocess.STDOUT, env=ENV, start_new_session=True,
        )
    latencies = []
    try:
        deadline = time.monotonic() + 180
        while fetch(url) is None:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"mkdocs serve did not start:\n{log.read_text()}")
            time.sleep(0.2)
        params = Params(root)
        for _ in range(repeat):
            time.sleep(2.5)  # let any follow-up build finish
            before = fetch(url)
            started = time.perf_counter()
            params.toggle()
            while True:
                now = fetch(url)
                if now is not None and now != before:
                    break
                if time.perf_counter() - started > 120:
                    raise SystemExit(f"the served figure did not change:\n{log.read_text()}")
                time.sleep(0.05)
            latencies.append(time.perf_counter() - started)
        time.sleep(3)
        builds = len(re.findall(r"figures: .*build \d+\)", log.read_text()))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    return [("edit-to-reload under mkdocs serve",
             f"{median(latencies):.2f} s (of {', '.join(f'{s:.2f}' for s in latencies)})  "
             f"{target('edit-to-reload', median(latencies), 3, '3 s')}; "
             f"{builds} builds for 1 start + {repeat} edits")]


def bench_site(root: Path) -> list[tuple[str, str]]:
    seconds, sites = [], []
    for attempt in range(2):
        shutil.rmtree(root / ".cache", ignore_errors=True)
        site = root.parent / f"site{attempt}"
        seconds.append(timed([PYTHON, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], root)[0])
        sites.append({p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()})
    different = sorted(str(p) for p in set(sites[0]) | set(sites[1]) if sites[0].get(p) != sites[1].get(p))
    same = "byte-identical" if not different else f"{len(different)} files differ: {', '.join(different[:5])}"
    if different:
        MISSED.append("byte-identical sites")
    return [("clean mkdocs build --strict", f"{median(seconds):.2f} s (of {', '.join(f'{s:.2f}' for s in seconds)})  "
             f"{target('clean site build', median(seconds), 30, '30 s')}; the two sites are {same}"
             + (": MISSED" if different else ""))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (medians are quoted)")
    parser.add_argument("--skip-serve", action="store_true")
    parser.add_argument("--skip-site", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="author-loop-") as scratch:
        root = copy_repository(Path(scratch) / "repo")
        print(f"benchmarking a copy of {ROOT} on {os.cpu_count()} cores, {args.repeat} runs each", flush=True)
        rows += bench_builds(root, args.repeat)
        if not args.skip_site:
            rows += bench_site(root)
        if not args.skip_serve:
            rows += bench_serve(root, max(3, args.repeat))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if MISSED:
        print(f"MISSED {len(MISSED)} target{'s' if len(MISSED) > 1 else ''}: {', '.join(MISSED)}")
        return 1
    print("every target met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
