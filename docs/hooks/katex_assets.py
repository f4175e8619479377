"""Build-time math, the parts that only exist under MkDocs.

Markdown pages get their formulas rendered by the ``guide_markdown.katex``
Markdown extension, which any generator runs. Two things remain a MkDocs hook,
because they are about MkDocs' own machinery, not about what a page says:

* notebook pages: mkdocs-jupyter converts notebooks without Python-Markdown, and
  their Markdown cells keep ``$…$`` and ``$$…$$``; ``on_post_page`` renders them
  with the same renderer;
* KaTeX's stylesheet and fonts join the site's files (``on_files``) from
  ``node_modules``, where npm installed them.

``on_shutdown`` ends the renderer with the build or server (so does ``atexit``).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from guide_markdown import katex
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[2]
KATEX = ROOT / "node_modules" / "katex" / "dist"
ASSETS = "assets/katex"

# In notebook Markdown cells: $$...$$ (display) and $...$ (inline), never across
# a blank line, never a lone dollar sign or an escaped one.
NOTEBOOK_MATH = re.compile(r"(?<![\\$])\$\$(?P<block>[^$]+?)\$\$|(?<![\\$\w])\$(?P<inline>[^$\n]+?)\$(?![\w$])")
MARKDOWN_CELL = re.compile(r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>\s*</div>\s*</div>)', re.S)


def render_notebook_cells(text: str, where: str) -> str:
    def cell(match: re.Match) -> str:
        body = NOTEBOOK_MATH.sub(
            lambda m: (
                f'<div class="math-display">{katex.render(html.unescape(m["block"]).strip(), True, where)}</div>'
                if m["block"] is not None
                else katex.render(html.unescape(m["inline"]).strip(), False, where)
            ),
            match[2],
        )
        return match[1] + body + match[3]

    return MARKDOWN_CELL.sub(cell, text)


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
    katex.stop()
