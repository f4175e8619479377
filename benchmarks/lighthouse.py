"""Lighthouse scores for every page of the guide.

Builds the site strictly into a temporary directory, serves it on 127.0.0.1 the
way a static host does (gzip, keep-alive, 404.html for missing pages), runs
Lighthouse 12 on every page with Debian's Chromium and prints a table of the four
category scores (mobile, Lighthouse's default simulated throttling). With
``--runs N`` each page is audited N times and every score is printed as
"minimum / median" (one run on a shared 2-core machine is noisy). The 404 page, the
lightest page (Material with no math and no figure), is always audited too: it is the
baseline of this machine and browser, measured in the same run, and each page's LCP is
also printed as a multiple of the baseline's and its TBT as the excess over it: what the
page adds to what this machine needs for Material alone (Lighthouse simulates a slow
phone by multiplying the time this CPU takes, so the scores move with the machine).

    .venv/bin/python benchmarks/lighthouse.py            # every page, and the 404 page
    .venv/bin/python benchmarks/lighthouse.py /statland/  # some pages (and the baseline)
    .venv/bin/python benchmarks/lighthouse.py --runs 3 /bound/ /training/
    .venv/bin/python benchmarks/lighthouse.py --desktop --json scores.json

Lighthouse itself is installed on first use with npm into ``.cache/lighthouse``
(a scratch directory, not a project dependency); it needs node 20 or newer and
``CHROME_PATH`` (default ``/usr/bin/chromium``). Targets: performance ≥ 0.95 in
every run and a median ≥ 0.98, accessibility, best practices and SEO 1.00; the
exit status is 1 if a page misses one.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import SiteServer, build_site, built_pages, find_chromium  # noqa: E402

LIGHTHOUSE_VERSION = "12"
SCRATCH = ROOT / ".cache" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}  # every run
MEDIAN_TARGETS = {"performance": 0.98}
BASELINE = "/404.html"
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")


def lighthouse_binary() -> Path:
    binary = SCRATCH / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("lighthouse: npm not found (node 20+ with npm is needed)")
        SCRATCH.mkdir(parents=True, exist_ok=True)
        print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {SCRATCH} …", file=sys.stderr)
        subprocess.run([npm, "install", "--prefix", str(SCRATCH), "--no-audit", "--no-fund", "--loglevel=error",
                        f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return binary


def audit(binary: Path, url: str, chrome: str, desktop: bool, out: Path) -> dict:
    command = [
        str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking "
        "--disable-component-update --disable-sync",
    ]
    if desktop:
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True)
    report = json.loads(out.read_text("utf-8"))
    scores = {key: report["categories"][key]["score"] for key in CATEGORIES}
    failing = []
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] and result["score"] is not None and result["score"] < 1:
                failing.append(f"{key}:{ref['id']}={result['score']}")
    metrics = {name: report["audits"][name]["numericValue"] for name in METRICS}
    browser = report["environment"]["hostUserAgent"].split("Chrome/")[-1].split()[0]
    return {"scores": scores, "failing": failing, "metrics": metrics,
            "versions": f"Lighthouse {report['lighthouseVersion']}, Chromium {browser}"}


def summary(runs: list[dict]) -> dict:
    """Minimum and median of every score and metric over the runs of one page."""
    scores = {key: [run["scores"][key] for run in runs if run["scores"][key] is not None] for key in CATEGORIES}
    metrics = {name: [run["metrics"][name] for run in runs] for name in METRICS}
    return {
        "runs": runs,
        "min": {key: min(values) if values else None for key, values in scores.items()},
        "median": {key: statistics.median(values) if values else None for key, values in scores.items()},
        "metrics": {name: statistics.median(values) for name, values in metrics.items()},
        "failing": sorted({item for run in runs for item in run["failing"]}),
    }


def _metric(name: str, value: float) -> str:
    return f"{value:.3f}" if name == "cumulative-layout-shift" else f"{value / 1000:.2f} s" if name != "total-blocking-time" else f"{value:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="URL paths such as /statland/ (default: every page)")
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset instead of mobile")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--verbose", action="store_true", help="list the audits that cost points")
    parser.add_argument("--runs", type=int, default=1, help="audit each page this many times (min and median)")
    args = parser.parse_args(argv)

    chrome = find_chromium()
    if chrome is None:
        sys.exit("lighthouse: no Chromium found (apt-get install chromium, or set CHROME_PATH)")
    binary = lighthouse_binary()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="rnn-guide-lighthouse-") as scratch:
        site = Path(scratch) / "site"
        build_site(site)
        pages = args.pages or built_pages(site)
        with SiteServer(site) as server:
            # the 404 page, the lightest page of the site, is always audited: it is the
            # baseline of this machine and browser, measured in the same run
            if BASELINE not in pages:
                pages = pages + [BASELINE]
            for path in pages:
                runs = []
                for _ in range(max(1, args.runs)):
                    runs.append(audit(binary, server.origin + path, chrome, args.desktop, Path(scratch) / "report.json"))
                    row = runs[-1]["scores"]
                    print(f"{path:<32} " + " ".join(f"{row[key]:.2f}" for key in CATEGORIES), file=sys.stderr)
                results[path] = summary(runs)

    print(f"| page | {' | '.join(CATEGORIES)} | FCP | LCP | TBT | CLS |")
    print("|" + "---|" * (len(CATEGORIES) + 5))
    print(f"|  | {' | '.join(['min / median'] * len(CATEGORIES))} | {' | '.join(['median'] * len(METRICS))} |")
    misses = 0
    for path, result in results.items():
        cells = []
        for key in CATEGORIES:
            low, middle = result["min"][key], result["median"][key]
            ok = low is not None and low >= TARGETS[key] and middle >= MEDIAN_TARGETS.get(key, 0)
            misses += not ok
            cells.append("–" if low is None else f"{low:.2f} / {middle:.2f}" + ("" if ok else " ✗"))
        metrics = [_metric(name, result["metrics"][name]) for name in METRICS]
        print(f"| {path} | " + " | ".join(cells) + " | " + " | ".join(metrics) + " |")
        if args.verbose and result["failing"]:
            print(f"|  | {', '.join(result['failing'])} |")
    base = results[BASELINE]
    print(f"\nbaseline {BASELINE} (Material with no math, no figure): performance {base['median']['performance']:.2f} "
          f"median, LCP {_metric('largest-contentful-paint', base['metrics']['largest-contentful-paint'])}, "
          f"TBT {_metric('total-blocking-time', base['metrics']['total-blocking-time'])}; "
          f"{next(iter(results.values()))['runs'][0]['versions']}")
    print("| page | LCP ÷ baseline | main-thread TBT − baseline |")
    print("|---|---|---|")
    for path, result in results.items():
        lcp = result["metrics"]["largest-contentful-paint"] / base["metrics"]["largest-contentful-paint"]
        tbt = result["metrics"]["total-blocking-time"] - base["metrics"]["total-blocking-time"]
        print(f"| {path} | {lcp:.2f} | {tbt:+.0f} ms |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(f"\n{len(results)} pages × {max(1, args.runs)} runs, {'mobile' if not args.desktop else 'desktop'}; "
          f"{'all targets met' if not misses else f'{misses} scores below target'}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
