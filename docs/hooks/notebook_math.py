"""Build-time math on notebook pages, which only exist under MkDocs.

Markdown pages get their formulas rendered by the ``guide_markdown.katex``
Markdown extension, which any generator runs. Why this is a hook: mkdocs-jupyter
converts notebooks without Python-Markdown, and their Markdown cells keep ``$…$``
and ``$$…$$``; ``on_post_page`` renders those with the same renderer. (Other
generators link the notebook entries to the ``.ipynb`` files instead.)

KaTeX's stylesheet (its ``font-display: swap`` variant: formulas paint at once in
a fallback font) and its woff2 fonts are copied from npm under ``docs/assets/katex`` by
``make setup`` (git-ignored),
so every generator ships them; ``tests/test_markdown_extensions.py`` keeps the copy
equal to ``node_modules/katex/dist``.

``on_shutdown`` ends the renderer with the build or server (so does ``atexit``).
"""
from __future__ import annotations

import html
import re

from guide_markdown import katex

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


def on_shutdown():
    katex.stop()
