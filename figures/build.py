#!/usr/bin/env python3
"""Build the guide's generated figures and snippets from figures/params.toml.

    python figures/build.py            rebuild what is stale
    python figures/build.py --check    exit 1 naming stale outputs, 0 when all are fresh
    python figures/build.py --list     every output, what it reads, fresh or stale
    python figures/build.py --force    rebuild everything
    python figures/build.py --only statland-table statland-steps

An output is stale when its fingerprint (the parameter values it reads, its own
module, the shared figure code, rnncore and the library versions) or the bytes
of one of its files differ from figures/fingerprints.json. Files are written
atomically and only when their bytes change.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from figures import outputs  # noqa: E402,F401  (registers every output)
from figures.params import PARAMS_FILE, SPEC, ParamError, load  # noqa: E402
from figures.registry import OUTPUTS, Output  # noqa: E402

FINGERPRINTS = ROOT / "figures" / "fingerprints.json"
SCRATCH = ROOT / ".cache" / "figures"
SHARED = ("figures/registry.py", "figures/style.py", "figures/render.py", "figures/params.py")
LIBRARIES = ("numpy", "matplotlib")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_files(paths) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def common_inputs() -> dict[str, str]:
    """What every output depends on besides its own code and parameters."""
    rnncore = sorted((ROOT / "rnncore").rglob("*.py"))
    return {
        "rnncore": _hash_files(rnncore),
        "shared": _hash_files([ROOT / name for name in SHARED]),
        "libraries": ",".join(f"{name}=={metadata.version(name)}" for name in LIBRARIES),
    }


def fingerprint(output: Output, values: dict, common: dict[str, str], code_hashes: dict[Path, str]) -> str:
    source = output.source
    if source not in code_hashes:
        code_hashes[source] = sha256(source.read_bytes())
    facts = {
        "name": output.name,
        "params": {key: values[key] for key in output.reads},
        "code": code_hashes[source],
        **common,
    }
    return sha256(json.dumps(facts, sort_keys=True).encode())


def read_fingerprints() -> dict:
    try:
        return json.loads(FINGERPRINTS.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def file_hash(relative: str) -> str | None:
    try:
        return sha256((ROOT / relative).read_bytes())
    except OSError:
        return None


def is_fresh(output: Output, print_: str, recorded: dict) -> bool:
    entry = recorded.get(output.name)
    if not entry or entry.get("fingerprint") != print_:
        return False
    files = entry.get("files", {})
    return set(files) == set(output.files()) and all(file_hash(path) == files[path] for path in output.files())


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename; skip equal bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    SCRATCH.mkdir(parents=True, exist_ok=True)
    temporary = SCRATCH / f"{path.name}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return True


def _render(name: str, values: dict) -> tuple[str, dict[str, bytes], float]:
    from figures.render import render

    started = time.perf_counter()
    files = render(name, values)
    return name, files, time.perf_counter() - started


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build(names: list[str], values: dict, prints: dict[str, str], jobs: int) -> int:
    recorded = read_fingerprints()
    written = 0

    def land(name: str, files: dict[str, bytes], seconds: float, done: int) -> None:
        nonlocal written
        changed = sum(write_atomic(ROOT / path, data) for path, data in files.items())
        written += changed
        recorded[name] = {"fingerprint": prints[name], "files": {p: sha256(d) for p, d in sorted(files.items())}}
        write_atomic(FINGERPRINTS, (json.dumps(recorded, indent=1, sort_keys=True) + "\n").encode())
        note = f"{changed} file{'s' if changed != 1 else ''} changed" if changed else "unchanged"
        _log(f"[{done}/{len(names)}] {name:<40} {seconds:6.2f} s  {note}")

    if jobs <= 1 or len(names) <= 1:
        for done, name in enumerate(names, start=1):
            land(*_render(name, values), done)
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(names))) as pool:
            futures = [pool.submit(_render, name, values) for name in names]
            for done, future in enumerate(as_completed(futures), start=1):
                land(*future.result(), done)
    return written


def forget_removed(recorded: dict) -> None:
    """Delete the files of outputs that are no longer registered."""
    gone = [name for name in recorded if name not in OUTPUTS]
    for name in gone:
        for path in recorded[name].get("files", {}):
            (ROOT / path).unlink(missing_ok=True)
        del recorded[name]
        _log(f"removed {name}")
    if gone:
        write_atomic(FINGERPRINTS, (json.dumps(recorded, indent=1, sort_keys=True) + "\n").encode())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    keys = "\n".join(f"  {key:<24} {param.kind.allowed()}: {param.meaning}" for key, param in SPEC.items())
    parser = argparse.ArgumentParser(
        prog="python figures/build.py",
        description="Render the guide's figures (light and dark SVG) and Markdown snippets into docs/.",
        epilog=f"parameters of {PARAMS_FILE.relative_to(ROOT)}:\n{keys}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 naming stale outputs; write nothing")
    mode.add_argument("--list", action="store_true", help="list outputs with their inputs and state")
    mode.add_argument("--force", action="store_true", help="rebuild even fresh outputs")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="limit to these outputs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="parallel render processes (default: the number of cores, %(default)s)")
    parser.add_argument("--params", type=Path, default=PARAMS_FILE, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        values = load(args.params)
    except ParamError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    names = list(OUTPUTS)
    if args.only:
        unknown = [name for name in args.only if name not in OUTPUTS]
        if unknown:
            print(f"error: no output named {', '.join(unknown)} (see --list)", file=sys.stderr)
            return 2
        names = [name for name in names if name in args.only]
    common = common_inputs()
    code_hashes: dict[Path, str] = {}
    prints = {name: fingerprint(OUTPUTS[name], values, common, code_hashes) for name in names}
    recorded = read_fingerprints()
    stale = [name for name in names if not is_fresh(OUTPUTS[name], prints[name], recorded)]

    if args.list:
        for name in names:
            output = OUTPUTS[name]
            state = "stale" if name in stale else "fresh"
            print(f"{name:<40} {state:<6} {output.kind:<8} reads {', '.join(output.reads) or 'nothing'}")
        return 0
    if args.check:
        removed = [name for name in recorded if name not in OUTPUTS] if not args.only else []
        if stale or removed:
            print(f"stale: {', '.join(stale + removed)}", file=sys.stderr)
            print("run `python figures/build.py` to regenerate", file=sys.stderr)
            return 1
        print(f"all {len(names)} outputs are fresh")
        return 0

    started = time.perf_counter()
    todo = names if args.force else stale
    if not args.only:
        forget_removed(recorded)
    if not todo:
        print(f"nothing to do: all {len(names)} outputs are fresh")
        return 0
    written = build(todo, values, prints, args.jobs)
    print(f"built {len(todo)} of {len(names)} outputs, {written} files changed, "
          f"{time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
