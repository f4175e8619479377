#!/usr/bin/env python3
"""Build the guide's generated figures and snippets from figures/params.toml.

    python figures/build.py            rebuild what is stale
    python figures/build.py --check    exit 1 naming stale outputs, 0 when all are fresh
    python figures/build.py --list     every output, what it reads, fresh or stale
    python figures/build.py --force    rebuild everything
    python figures/build.py --only statland-table statland-steps

    python figures/build.py --jobs 1   render in this process only (default: one per core)
    python figures/build.py --watch    rebuild whenever figures/, rnncore/ or params.toml change

An output is stale when its fingerprint or the bytes of one of its files differ
from figures/fingerprints.json. The fingerprint covers the values (and the
declared type, range and meaning) of the parameters the output reads, its
module and every ``figures`` module that module imports, the shared figure code
(registry, render, and for figures the style), rnncore and the library versions.
Files are written atomically (temporary file outside docs/, then a rename) and
only when their bytes change, so a build killed at any moment leaves old or new
files, never half-written ones, and the next build repairs what is stale.
A build with nothing to do never imports matplotlib.

One build runs at a time: the lock is a POSIX record lock, which the kernel
releases when the build's process ends however it ends, and which the render
workers do not inherit; the workers die with the build (a parent-death signal).
A build that has to wait says for which process.
"""
from __future__ import annotations

import argparse
import ast
import difflib
import errno
import fcntl
import hashlib
import json
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

# Parallelism comes from --jobs processes; numpy's BLAS threads on top of them would
# only fight over the same cores. (Set before numpy is imported; an explicit setting wins.)
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
# The same arithmetic on every x86-64 machine, so that committed outputs are byte-stable
# across CPUs: some results (training runs whose gradients vanish, chaotic descents) move
# with the last bit of a sum. OpenBLAS and numpy pick kernels by the CPU (AVX-512 machines
# round differently from AVX2 ones); pin both to the AVX2 level every x86-64 CI machine has.
if os.uname().machine == "x86_64":
    os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")
    os.environ.setdefault("NPY_DISABLE_CPU_FEATURES", "X86_V4 AVX512_ICL AVX512_SPR")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from figures.params import PARAMS_FILE, RULES, SPEC, ParamError, load  # noqa: E402

FINGERPRINTS = ROOT / "figures" / "fingerprints.json"
SCRATCH = ROOT / ".cache" / "figures"
FIGURES = ROOT / "figures"
ALWAYS = ("figures/registry.py", "figures/render.py")  # how every output becomes files
FIGURE_CODE = ("figures/style.py",)  # the shared look of every figure
LIBRARIES = {"figure": ("numpy", "matplotlib"), "snippet": ("numpy",)}
SLOW = "FIGURES_TEST_SLOW"  # test only: seconds to pause inside every file write


class SetupError(Exception):
    """Something ``make setup`` installs is missing (the figures' typeface)."""


class WriteError(Exception):
    """A file the build could not write; ``str()`` is the one line to print."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_files(paths) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _module_file(name: str) -> Path | None:
    """The file of a module of the ``figures`` package, or None for anything else."""
    if name != "figures" and not name.startswith("figures."):
        return None
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> set[Path]:
    """The ``figures`` modules that the module at ``path`` imports (static, from its AST)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            names = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        for name in names:
            module = _module_file(name)
            if module is not None and module != path:
                found.add(module)
    return found


def code_closure(path: Path, cache: dict[Path, set[Path]], exclude: frozenset[Path] = frozenset()) -> set[Path]:
    """``path`` and every ``figures`` module it imports, directly or not (not following ``exclude``)."""
    seen: set[Path] = set(exclude)
    todo = [path]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in cache:
            cache[current] = _imports(current)
        todo.extend(cache[current])
    return seen - exclude


def _code_hash(path: Path) -> str:
    """A module's hash; for params.py without the SPEC and RULES tables, which outputs
    see through the keys they read (so adding a parameter or a rule rebuilds only what
    reads its keys)."""
    data = path.read_bytes()
    if path == FIGURES / "params.py":
        tree = ast.parse(data)
        tree.body = [
            node for node in tree.body
            if not (isinstance(node, (ast.Assign, ast.AnnAssign))
                    and any(isinstance(t, ast.Name) and t.id in ("SPEC", "RULES")
                            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])))
        ]
        data = ast.dump(tree).encode()
    return sha256(data)


class Inputs:
    """What outputs depend on besides their parameters, hashed once per run."""

    def __init__(self) -> None:
        self.rnncore = _hash_files(sorted((ROOT / "rnncore").rglob("*.py")))
        self._closures: dict[Path, set[Path]] = {}
        self._hashes: dict[Path, str] = {}
        self._versions: dict[str, str] = {}

    def _hash(self, path: Path) -> str:
        if path not in self._hashes:
            self._hashes[path] = _code_hash(path)
        return self._hashes[path]

    def code_files(self, output: Entry) -> list[Path]:
        files = code_closure(output.source, self._closures)
        # render.py imports the style only to draw figures: snippets do not depend on it
        exclude = frozenset() if output.kind == "figure" else frozenset(ROOT / name for name in FIGURE_CODE)
        for name in ALWAYS + (FIGURE_CODE if output.kind == "figure" else ()):
            files |= code_closure(ROOT / name, self._closures, exclude)
        return sorted(files)

    def libraries(self, kind: str) -> str:
        for name in LIBRARIES[kind]:
            if name not in self._versions:
                self._versions[name] = metadata.version(name)
        return ",".join(f"{name}=={self._versions[name]}" for name in LIBRARIES[kind])

    def font(self) -> str:
        """The figures' typeface, as package-lock.json pins it (figures/style.py loads it)."""
        if "font" not in self._versions:
            try:
                lock = json.loads((ROOT / "package-lock.json").read_text("utf-8"))
                self._versions["font"] = lock["packages"]["node_modules/source-sans"]["version"]
            except (OSError, ValueError, KeyError):
                self._versions["font"] = "unknown"
        return self._versions["font"]

    def fingerprint(self, output: Entry, values: dict) -> str:
        facts = {
            "name": output.name,
            "kind": output.kind,
            "params": {key: [values[key], repr(SPEC[key])] for key in output.reads},
            "rules": [repr(rule) for rule in RULES if set(rule.keys) & set(output.reads)],
            "code": {str(path.relative_to(ROOT)): self._hash(path) for path in self.code_files(output)},
            "rnncore": self.rnncore,
            "libraries": self.libraries(output.kind),
            **({"font": f"source-sans=={self.font()}"} if output.kind == "figure" else {}),
        }
        return sha256(json.dumps(facts, sort_keys=True).encode())


@dataclass(frozen=True)
class Entry:
    """What the build needs to know about a registered output, without its code."""

    name: str
    kind: str
    reads: tuple[str, ...]
    source: Path
    paths: tuple[str, ...]

    def files(self) -> list[str]:
        return list(self.paths)


CATALOG = SCRATCH / "catalog.json"
DURATIONS = SCRATCH / "durations.json"  # how long each output took last time: longest go first


def catalog() -> dict[str, Entry]:
    """Every registered output. Registering means importing every output module (and
    with them rnncore and numpy), so the result is cached in .cache/figures, keyed on
    the bytes of figures/ and rnncore/: a build with nothing to do imports neither."""
    sources = sorted(FIGURES.rglob("*.py")) + sorted((ROOT / "rnncore").rglob("*.py"))
    key = _hash_files(sources)
    try:
        cached = json.loads(CATALOG.read_text("utf-8"))
        if cached["key"] == key:
            return {item["name"]: Entry(item["name"], item["kind"], tuple(item["reads"]),
                                        ROOT / item["source"], tuple(item["files"]))
                    for item in cached["outputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from figures import outputs  # noqa: F401  (registers every output)
    from figures.registry import OUTPUTS

    entries = {name: Entry(name, output.kind, output.reads, output.source, tuple(output.files()))
               for name, output in OUTPUTS.items()}
    listing = [{"name": e.name, "kind": e.kind, "reads": list(e.reads),
                "source": e.source.relative_to(ROOT).as_posix(), "files": list(e.paths)} for e in entries.values()]
    try:
        write_atomic(CATALOG, json.dumps({"key": key, "outputs": listing}).encode())
    except WriteError:
        pass  # a read-only checkout: no cache, still correct
    return entries


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


def is_fresh(output: Entry, print_: str, recorded: dict) -> bool:
    entry = recorded.get(output.name)
    if not entry or entry.get("fingerprint") != print_:
        return False
    files = entry.get("files", {})
    return set(files) == set(output.files()) and all(file_hash(path) == files[path] for path in output.files())


def _pause() -> None:
    seconds = os.environ.get(SLOW)
    if seconds:
        time.sleep(float(seconds))


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename; skip equal bytes.

    The temporary file lives outside docs/ (in .cache/figures), so a build killed at
    any moment leaves either the old or the new bytes, never a part of them. A file
    that cannot be written (a read-only docs/, a full disk) raises :class:`WriteError`
    naming it."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    temporary = SCRATCH / f"{path.name}.{os.getpid()}.tmp"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        SCRATCH.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(data[: len(data) // 2])
            _pause()  # test only: a kill here must leave the target untouched
            handle.write(data[len(data) // 2:])
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.replace(temporary, path)
        except OSError as error:  # .cache on another file system: rename within the target's folder
            if error.errno != errno.EXDEV:
                raise
            local = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                local.write_bytes(data)
                os.replace(local, path)
            finally:
                local.unlink(missing_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        failed = _shown(Path(error.filename)) if error.filename else _shown(path)
        where = "" if failed == _shown(path) else f" (at {failed})"
        raise WriteError(f"cannot write {_shown(path)}{where}: {reason}") from None
    finally:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
    return True


def check_writable(paths: list[str]) -> None:
    """Before rendering anything: every folder the build will write into must be
    writable (a read-only docs/ is named at once, not after minutes of rendering)."""
    seen: set[Path] = set()
    for relative in paths:
        folder = (ROOT / relative).parent
        while not folder.exists() and folder != ROOT:
            folder = folder.parent
        if folder in seen:
            continue
        seen.add(folder)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise WriteError(f"cannot write {relative}: the folder {_shown(folder)}/ is read-only")


def clean_scratch() -> None:
    """Remove temporary files that a killed build left behind."""
    for temporary in SCRATCH.glob("*.tmp"):
        try:
            pid = int(temporary.suffixes[-2].lstrip("."))
            os.kill(pid, 0)
        except (ValueError, IndexError, ProcessLookupError):
            temporary.unlink(missing_ok=True)
        except PermissionError:
            pass


def _render(name: str, values: dict) -> tuple[str, dict[str, bytes] | None, float, str]:
    """Render one output (in a worker): its files, or the traceback of its failure."""
    started = time.perf_counter()
    try:
        from figures.render import render

        files, problem = render(name, values), ""
    except Exception:  # the output's code failed: report it, keep building the others
        files, problem = None, traceback.format_exc()
    return name, files, time.perf_counter() - started, problem


def _warm(names: list[str], kinds: dict[str, str]) -> None:
    """Import the render code (and matplotlib, when a figure is due) before workers fork,
    so that each worker does not pay for the import again."""
    if any(kinds[name] == "figure" for name in names):
        import figures.style

        try:
            figures.style.load_fonts()
        except figures.style.FontMissing as error:
            raise SetupError(str(error)) from None
    import figures.render  # noqa: F401


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _dump(recorded: dict) -> bytes:
    return (json.dumps(recorded, indent=1, sort_keys=True) + "\n").encode()


def build(names: list[str], values: dict, prints: dict[str, str], recorded: dict, jobs: int,
          kinds: dict[str, str], modules: dict[str, str]) -> tuple[int, list[str]]:
    """Render ``names`` and write their files; return (files changed, outputs that failed).

    ``modules`` maps each output to the module that registers it: in a parallel build
    a module's outputs render in one worker, so the computations they share (cached
    inside the module) run once, not once per process."""
    written = 0
    failed: list[str] = []
    # Longest first (as timed last time; unknown figures before unknown snippets), so
    # that no worker is left with a long output at the end while the other idles.
    try:
        durations = json.loads(DURATIONS.read_text("utf-8"))
    except (OSError, ValueError):
        durations = {}
    guess = {"figure": 1.0, "snippet": 0.1}
    names = sorted(names, key=lambda name: -float(durations.get(name, guess[kinds[name]])))
    width = max(len(name) for name in names)

    def land(name: str, files: dict[str, bytes] | None, seconds: float, problem: str, done: int) -> None:
        nonlocal written
        if files is None:
            failed.append(name)
            _log(f"[{done}/{len(names)}] {name:<{width}} {seconds:6.2f} s  FAILED\n{problem.rstrip()}")
            return
        changed = sum(write_atomic(ROOT / path, data) for path, data in files.items())
        written += changed
        durations[name] = round(seconds, 3)
        recorded[name] = {"fingerprint": prints[name], "files": {p: sha256(d) for p, d in sorted(files.items())}}
        write_atomic(FINGERPRINTS, _dump(recorded))
        note = f"{changed} file{'s' if changed != 1 else ''} changed" if changed else "unchanged"
        _log(f"[{done}/{len(names)}] {name:<{width}} {seconds:6.2f} s  {note}")

    jobs = max(1, min(jobs, len(names)))
    _warm(names, kinds)
    try:
        if jobs == 1:
            for done, name in enumerate(names, start=1):
                land(*_render(name, values), done)
        else:
            _parallel(names, values, jobs, land, modules, durations, guess, kinds)
    finally:
        try:
            write_atomic(DURATIONS, (json.dumps(durations, indent=1, sort_keys=True) + "\n").encode())
        except WriteError:
            pass  # only a cache of timings
    return written, failed


def _render_group(names: list[str], values: dict) -> list[tuple[str, dict[str, bytes] | None, float, str]]:
    return [_render(name, values) for name in names]


def _die_with(parent: int) -> None:
    """Run in each render worker as it starts: end when the build's process ends.

    A worker outliving its build (killed by SIGKILL or SIGTERM, which run no Python
    cleanup) would render on for nothing, forever. On Linux the kernel sends the
    worker SIGKILL when its parent dies (PR_SET_PDEATHSIG); elsewhere a thread
    checks every half second whether the parent is still there."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):  # not Linux: watch the parent instead
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the build died before the signal was armed
        os._exit(1)


def _parallel(names: list[str], values: dict, jobs: int, land, modules: dict[str, str],
              durations: dict, guess: dict[str, float], kinds: dict[str, str]) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    groups: dict[str, list[str]] = {}
    for name in names:  # already longest first
        groups.setdefault(modules[name], []).append(name)

    def cost(group: list[str]) -> float:
        return sum(float(durations.get(name, guess[kinds[name]])) for name in group)

    ordered = sorted(groups.values(), key=cost, reverse=True)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    done = 0
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_die_with,
                               initargs=(os.getpid(),))
    try:
        futures = [pool.submit(_render_group, group, values) for group in ordered]
        for future in as_completed(futures):
            for result in future.result():
                done += 1
                land(*result, done)
    except BaseException:  # a file that cannot be written, Ctrl-C: stop the workers now
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def forget_removed(recorded: dict, outputs: dict[str, Entry]) -> None:
    """Delete the files of outputs that are no longer registered."""
    gone = [name for name in recorded if name not in outputs]
    for name in gone:
        for path in recorded[name].get("files", {}):
            try:
                (ROOT / path).unlink(missing_ok=True)
            except OSError as error:
                raise WriteError(f"cannot remove {path}: {error.strerror or error}") from None
        del recorded[name]
        _log(f"removed {name}")
    if gone:
        write_atomic(FINGERPRINTS, _dump(recorded))


LOCK = SCRATCH / "build.lock"


def _holder(handle) -> int | None:
    """The PID of the process that holds the build lock: asked of the kernel where
    ``F_GETLK`` is understood (Linux), else read from the lock file."""
    if sys.platform.startswith("linux"):
        import struct

        request = struct.pack("hhqqi4x", fcntl.F_WRLCK, 0, 0, 0, 0)
        try:
            kind, _, _, _, pid = struct.unpack("hhqqi4x", fcntl.fcntl(handle, fcntl.F_GETLK, request))
            if kind != fcntl.F_UNLCK and pid > 0:
                return pid
        except OSError:
            pass
    try:
        handle.seek(0)
        return int(handle.read().strip() or 0) or None
    except (OSError, ValueError):
        return None


def _lock():
    """One build at a time (say ``mkdocs serve`` and a terminal): the second waits, and says so.

    A POSIX record lock (``lockf``), not ``flock``: it belongs to this process alone, so
    the forked render workers do not inherit it, and the kernel releases it the moment
    this process ends, however it ends. A waiting build therefore never waits on a
    dead one, and the lock file a killed build leaves behind blocks nothing."""
    try:
        SCRATCH.mkdir(parents=True, exist_ok=True)
        handle = open(LOCK, "a+")
    except OSError as error:
        raise WriteError(f"cannot write {_shown(LOCK)}: {error.strerror or error}") from None
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno not in (errno.EACCES, errno.EAGAIN):
            raise WriteError(f"cannot lock {_shown(LOCK)}: {error.strerror or error}") from None
        holder = _holder(handle)
        _log(f"waiting for build PID {holder or '?'} to finish (it holds {_shown(LOCK)})")
        fcntl.lockf(handle, fcntl.LOCK_EX)
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def describe_reads(output: Entry) -> str:
    """``network.*, statland.three_days``: whole tables collapse to ``table.*``."""
    if len(SPEC) > 1 and set(output.reads) == set(SPEC):
        return "* (every parameter)"
    tables: dict[str, list[str]] = {}
    for key in SPEC:
        tables.setdefault(key.rpartition(".")[0], []).append(key)
    shown: list[str] = []
    for key in output.reads:
        table = key.rpartition(".")[0]
        if table and all(k in output.reads for k in tables[table]):
            if f"{table}.*" not in shown:
                shown.append(f"{table}.*")
        else:
            shown.append(key)
    return ", ".join(shown) or "no parameters"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    rows = []
    for key, param in SPEC.items():
        rows.append(f"  {key:<24} {param.kind.type_name}, {param.kind.range()}\n  {'':<24} {param.meaning}")
    parser = argparse.ArgumentParser(
        prog="python figures/build.py",
        description=(
            "Render the guide's figures (light and dark SVG) and Markdown snippets into docs/.\n"
            "Only outputs whose inputs changed are rebuilt: the parameters they read, their\n"
            "code, rnncore, the shared figure code and the library versions "
            "(recorded in figures/fingerprints.json)."
        ),
        epilog=(f"parameters of {PARAMS_FILE.relative_to(ROOT)} (see also docs/parameters.md):\n" + "\n".join(rows)
                + "\n\nrules between parameters:\n" + "\n".join(f"  {rule.text}\n    {rule.why}" for rule in RULES)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 naming stale outputs, 0 when all are fresh; write nothing")
    mode.add_argument("--list", action="store_true", help="list every output with what it reads and whether it is fresh")
    mode.add_argument("--force", action="store_true", help="rebuild even fresh outputs")
    mode.add_argument("--watch", action="store_true",
                      help="build, then rebuild stale outputs whenever figures/, rnncore/ or params.toml change")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="limit to these outputs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="parallel render processes (default: the number of cores, %(default)s)")
    parser.add_argument("--params", type=Path, default=PARAMS_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs {args.jobs}: expected a whole number from 1 up")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.watch:
        from figures.watch import watch

        return watch(ROOT, (*(("--only", *args.only) if args.only else ()), "--jobs", str(args.jobs)))
    try:
        values = load(args.params)
    except ParamError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    OUTPUTS = catalog()
    names = list(OUTPUTS)
    if args.only:
        unknown = [name for name in args.only if name not in OUTPUTS]
        if unknown:
            hints = []
            for name in unknown:
                close = difflib.get_close_matches(name, OUTPUTS, n=1)
                hints.append(f"{name} (did you mean {close[0]}?)" if close else name)
            print(f"error: no output named {', '.join(hints)}; see --list", file=sys.stderr)
            return 2
        names = [name for name in names if name in args.only]
    inputs = Inputs()
    prints = {name: inputs.fingerprint(OUTPUTS[name], values) for name in names}

    if args.list or args.check:
        recorded = read_fingerprints()
        stale = [name for name in names if not is_fresh(OUTPUTS[name], prints[name], recorded)]
        if args.list:
            always = set().union(*(code_closure(ROOT / n, inputs._closures) for n in ALWAYS + FIGURE_CODE))
            width = max(len(name) for name in names)
            for name in names:
                output = OUTPUTS[name]
                state = "stale" if name in stale else "fresh"
                code = [str(f.relative_to(ROOT)) for f in inputs.code_files(output) if f not in always]
                print(f"{name:<{width}}  {state:<5}  {output.kind:<7}  reads {describe_reads(output)}; "
                      f"code {', '.join(code)} + rnncore")
            print(f"{len(stale)} of {len(names)} stale")
            return 0
        removed = [name for name in recorded if name not in OUTPUTS] if not args.only else []
        if stale or removed:
            print(f"stale: {', '.join(stale + removed)}", file=sys.stderr)
            print("run `python figures/build.py` to regenerate", file=sys.stderr)
            return 1
        print(f"all {len(names)} outputs are fresh")
        return 0

    started = time.perf_counter()
    try:
        return _build(args, names, OUTPUTS, values, prints, started)
    except (WriteError, SetupError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _build(args: argparse.Namespace, names: list[str], OUTPUTS: dict[str, Entry], values: dict,
           prints: dict[str, str], started: float) -> int:
    with _lock():
        clean_scratch()
        recorded = read_fingerprints()
        stale = [name for name in names if not is_fresh(OUTPUTS[name], prints[name], recorded)]
        todo = names if args.force else stale
        if not args.only:
            forget_removed(recorded, OUTPUTS)
        if not todo:
            print(f"nothing to do: all {len(names)} outputs are fresh")
            return 0
        check_writable([path for name in todo for path in OUTPUTS[name].files()] + [_shown(FINGERPRINTS)])
        jobs = max(1, min(args.jobs, len(todo)))
        _log(f"building {len(todo)} of {len(names)} outputs with {jobs} process{'es' if jobs > 1 else ''}")
        written, failed = build(todo, values, prints, recorded, jobs, {n: OUTPUTS[n].kind for n in todo},
                                {n: str(OUTPUTS[n].source) for n in todo})
    if failed:
        print(f"error: {len(failed)} output{'s' if len(failed) > 1 else ''} failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"built {len(todo)} of {len(names)} outputs, {written} files changed, "
          f"{time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    code = main()
    if code == 2:
        # A write that failed mid-build killed the render workers; the pool's manager
        # thread may still be winding down, and the interpreter's exit handlers would
        # wait on it or print a traceback. The error line is out: leave now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)
