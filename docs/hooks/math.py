"""Render math when the site is built, so readers download no math engine.

KaTeX (from the npm package that the set-up installs) turns every formula into
HTML and MathML; the build copies KaTeX's stylesheet and fonts into the site.
Formulas come from two places:

* Markdown pages, where ``pymdownx.arithmatex`` (generic mode) leaves
  ``<span class="arithmatex">\\(...\\)</span>`` and ``<div class="arithmatex">\\[...\\]</div>``;
* notebook pages, whose Markdown cells keep ``$...$`` and ``$$...$$``.

A formula KaTeX cannot parse stops the build with the page and the formula.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[2]
KATEX = ROOT / "node_modules" / "katex" / "dist"
SCRIPT = Path(__file__).with_name("katex_render.js")
ASSETS = "assets/katex"

_cache: dict[tuple[str, bool], str] = {}
_process: subprocess.Popen | None = None


def _node() -> str:
    for candidate in (ROOT / ".venv" / "bin" / "node", shutil.which("node")):
        if candidate and os.access(candidate, os.X_OK):
            return str(candidate)
    raise PluginError("math: no node found; run the set-up in README.md (it installs node into .venv)")


def _renderer() -> subprocess.Popen:
    global _process
    if _process is None or _process.poll() is not None:
        if not (KATEX / "katex-swap.min.css").exists():
            raise PluginError("math: node_modules/katex is missing; run the set-up in README.md (npm ci)")
        _process = subprocess.Popen(
            [_node(), str(SCRIPT)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
    return _process


def render(tex: str, display: bool, where: str) -> str:
    key = (tex, display)
    if key not in _cache:
        process = _renderer()
        process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        process.stdin.flush()
        answer = json.loads(process.stdout.readline())
        if "error" in answer:
            raise PluginError(f"math on {where}: {answer['error']} in {tex!r}")
        _cache[key] = answer["html"]
    return _cache[key]


ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])\s*</(?P=tag)>',
    re.S,
)


def render_arithmatex(text: str, where: str) -> str:
    def replace(match: re.Match) -> str:
        display = match["block"] is not None
        tex = html.unescape(match["block"] if display else match["inline"])
        rendered = render(tex.strip(), display, where)
        return f'<div class="math-display">{rendered}</div>' if display else rendered

    return ARITHMATEX.sub(replace, text)


# In notebook Markdown cells: $$...$$ (display) and $...$ (inline), never across
# a blank line, never a lone dollar sign or an escaped one.
NOTEBOOK_MATH = re.compile(r"(?<![\\$])\$\$(?P<block>[^$]+?)\$\$|(?<![\\$\w])\$(?P<inline>[^$\n]+?)\$(?![\w$])")
MARKDOWN_CELL = re.compile(r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>\s*</div>\s*</div>)', re.S)


def render_notebook_cells(text: str, where: str) -> str:
    def cell(match: re.Match) -> str:
        body = NOTEBOOK_MATH.sub(
            lambda m: (
                f'<div class="math-display">{render(html.unescape(m["block"]).strip(), True, where)}</div>'
                if m["block"] is not None
                else render(html.unescape(m["inline"]).strip(), False, where)
            ),
            match[2],
        )
        return match[1] + body + match[3]

    return MARKDOWN_CELL.sub(cell, text)


def on_page_content(content, page, config, files):
    return render_arithmatex(content, page.file.src_uri)


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        return render_notebook_cells(output, page.file.src_uri)
    return output


def on_files(files, config):
    """Ship KaTeX's stylesheet and fonts with the site. The stylesheet is KaTeX's
    ``font-display: swap`` variant: formulas paint at once in a fallback font instead
    of waiting for the KaTeX fonts (which the page preloads)."""
    sources = [KATEX / "katex-swap.min.css"] + sorted((KATEX / "fonts").glob("*.woff2"))
    for source in sources:
        if not source.exists():
            raise PluginError("math: node_modules/katex is missing; run the set-up in README.md (npm ci)")
        relative = source.relative_to(KATEX).as_posix()
        files.append(
            File.generated(config, f"{ASSETS}/{relative}", abs_src_path=str(source))
        )
    return files


def on_shutdown():
    if _process is not None and _process.poll() is None:
        _process.stdin.close()
        _process.wait(timeout=5)
