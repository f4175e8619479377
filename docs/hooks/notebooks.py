"""Make notebook pages as clean as Markdown pages.

mkdocs-jupyter's template loads MathJax (math is already rendered at build time
by math.py) and imports mermaid from a CDN; both would reach for other hosts,
so they are removed from the built page.
"""
from __future__ import annotations

import re

MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
CDN_MODULE = re.compile(r'<script type="module">(?:(?!</script>).)*?https://cdn[^"]*"(?:(?!</script>).)*</script>', re.S)


def clean(html: str) -> str:
    return CDN_MODULE.sub("", MATHJAX.sub("", html))


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        return clean(output)
    return output
