"""Python-Markdown extensions that carry what the guide's pages mean.

Any generator that runs Python-Markdown loads them from ``markdown_extensions``
(MkDocs, Zensical, a plain ``markdown.markdown`` call):

* ``guide_markdown.values``: ``{{ v:key }}`` becomes the value that
  ``figures/build.py`` computed (``docs/snippets/values/*.json``);
* ``guide_markdown.katex``: formulas become HTML and MathML at build time, so
  pages ship no math JavaScript.

They live beside the pages they serve (``docs/extensions/``) and read only files
that the figure build writes: the dependency direction stays rnncore ← figures ← docs.
"""
from __future__ import annotations

try:  # under MkDocs, a BuildError ends the build with our one message, no traceback
    from mkdocs.exceptions import PluginError as _Base
except ImportError:  # pragma: no cover - any other generator
    _Base = ValueError


class GuideMarkdownError(_Base):
    """A page cannot mean what it says: an unknown value, a formula KaTeX cannot parse."""


def page_of(md) -> str | None:
    """The page being converted, where the generator says (Zensical's rendering context)."""
    if "rendering_context" in md.preprocessors:
        path = getattr(getattr(md.preprocessors["rendering_context"], "page", None), "path", None)
        return str(path) if path else None
    return None
