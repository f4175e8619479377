"""Make notebook pages as clean as Markdown pages, and keep every page light.

Why a hook: everything here tidies what MkDocs plugins put into the built HTML
(mkdocs-jupyter's notebook pages, mkdocs-glightbox's assets) or trims which
assets a page loads. No page's meaning depends on it; other generators, which run
neither plugin, show the same pages, only heavier.

Notebook pages (mkdocs-jupyter):

* MathJax and the CDN mermaid import are removed: math is rendered at build time
  by ``math.py``, and no page may reach for another host.
* The ~570 kB of inline JupyterLab CSS (which assumes light colours) is removed;
  ``assets/guide.css`` styles the few notebook classes with Material's colour
  variables, so the slate (dark) scheme is right too.
* Code cells become Material code blocks (``<div class="highlight"><pre><code>``),
  so they get Material's syntax colours in light and dark and its copy button;
  the notebook's own clipboard script and hidden copies of the source go.
* An image output takes its alt text from a ``# alt: ...`` comment in its code cell
  (nbconvert's default says only that no description was provided). Without one,
  a matplotlib cell's axis labels and title describe it ("Plot of Y against X").
* Plots follow the reader's colour scheme. ``on_config`` makes the kernel that runs the
  notebooks draw with ``jupyter/guide_plots.py`` (through ``MPLBACKEND``, with the
  guide's two figure themes from ``figures/style.py`` in ``GUIDE_PLOT_THEMES``): each
  plot comes out in the guide's look twice, light and dark, as ``#only-light`` and
  ``#only-dark`` images on a transparent background. The notebooks themselves are
  plain matplotlib, so a learner's Jupyter shows an ordinary plot.

Every page:

* mkdocs-glightbox puts its script and stylesheet into every page's ``<head>``,
  where they block the first paint. Pages without a zoomable image lose them;
  the others load the script deferred and the stylesheet without blocking.
* KaTeX's stylesheet is only linked from pages that have math, and those pages
  preload KaTeX's two most used fonts, so text does not reflow when they arrive.
  Every page preloads the upright text font, and a page with italics on its first
  screen the italic.
* Material's script is deferred: it no longer stands between the parser and the
  first paint. Tables come in Material's scroll box from the build, so the page
  does not move when the script wraps them.
"""
from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLOT_BACKEND = Path(__file__).with_name("jupyter")

MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
CDN_MODULE = re.compile(r'<script type="module">(?:(?!</script>).)*?https://cdn[^"]*"(?:(?!</script>).)*</script>', re.S)
# mkdocs-jupyter's styles sit inside the article; Material's own are <link>s in <head>.
INLINE_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
CLIPBOARD_SCRIPT = re.compile(r"<script>\s*(?:\(function \(global, factory\)|document\.addEventListener\('clipboard-copy').*?</script>", re.S)
CLIPBOARD_BUTTON = re.compile(r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>', re.S)
SOURCE_COPY = re.compile(r'<div class="clipboard-copy-txt" id="[^"]*">(.*?)</div>', re.S)
CODE_BLOCK = re.compile(r'<div class="highlight-ipynb hl-(?P<lang>[\w-]+)"><pre>(?:<span></span>)?(?P<code>.*?)</pre></div>', re.S)
CELL_SPLIT = re.compile(r'(?=<div class="jp-Cell jp-(?:Code|Markdown|Raw)Cell)')
ALT_COMMENT = re.compile(r"^\s*#\s*alt:\s*(.+?)\s*$", re.M)
DEFAULT_ALT = re.compile(r'<img alt="No description has been provided for this image"')
# guide_plots.py's output: one block per plot, its light and dark image.
THEMED_PLOT = re.compile(r'<div class="guide-plots">.*?</div>', re.S)
THEMED_ALT = re.compile(r'(<img\b[^>]*?\balt=")[^"]*(")')
WRAPPER_TABINDEX = re.compile(r'(<div class="jp-Cell-inputWrapper") tabindex="0"')

GLIGHTBOX_LINK = re.compile(r'<link href="(?P<href>[^"]*glightbox\.min\.css)" rel="stylesheet">')
GLIGHTBOX_SCRIPT = re.compile(r'<script src="(?P<src>[^"]*glightbox\.min\.js)"></script>')
GLIGHTBOX_STYLE = re.compile(r'<style id="glightbox-style">.*?</style>', re.S)
GLIGHTBOX_INIT = re.compile(r'<script id="init-glightbox">(?P<code>.*?)</script>', re.S)
KATEX_LINK = re.compile(r'<link rel="stylesheet" href="(?P<base>[^"]*assets/katex/)katex-swap\.min\.css">\s*')
KATEX_PRELOAD = ("KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2")
GUIDE_CSS = re.compile(r'<link rel="stylesheet" href="(?P<base>[^"]*assets/)guide\.css">')
TEXT_FONT = "fonts/SourceSans3VF-Upright.woff2"
ITALIC_FONT = "fonts/SourceSans3VF-Italic.woff2"
ITALIC_TEXT = re.compile(r"<(?:em|i)>")
FIRST_SCREEN_CHARS = 1500  # of an article's text: more than a phone's first screen holds
TAG = re.compile(r"<[^>]+>")
BARE_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
MATERIAL_BUNDLE = re.compile(r'<script src="(?P<src>[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"></script>')


LABEL_CALL = re.compile(r"""\.(?:set_)?(?P<what>xlabel|ylabel|title|suptitle)\(\s*(?P<q>["'])(?P<text>.+?)(?P=q)""")


def _plot_description(source: str) -> str | None:
    """"Plot of Y against X (log scale): TITLE" from a matplotlib cell's labels."""
    labels = {}
    for match in LABEL_CALL.finditer(source):
        labels.setdefault(match["what"].replace("suptitle", "title"), match["text"])
    if "xlabel" not in labels or "ylabel" not in labels:
        return None
    scale = " on a logarithmic axis" if re.search(r"semilogy|loglog|set_yscale\(\s*[\"']log", source) else ""
    title = f": {labels['title']}" if "title" in labels else ""
    return f"Plot of {labels['ylabel']} against {labels['xlabel']}{scale}{title}"


def _cell_alt_text(cell: str) -> str:
    """Give the cell's image outputs the alt text of its ``# alt:`` comment (or its labels)."""
    sources = [html.unescape(source) for source in SOURCE_COPY.findall(cell)]
    alts = [match for source in sources for match in ALT_COMMENT.findall(source)]
    if alts:  # the author's words replace the description guide_plots.py gave each plot
        plots = iter(alts)
        last = alts[-1]
        cell = THEMED_PLOT.sub(
            lambda m: THEMED_ALT.sub(lambda i, alt=html.escape(next(plots, last)): i[1] + alt + i[2], m[0]), cell
        )
    if not alts:
        alts = [text for text in map(_plot_description, sources) if text]
    if not alts:
        return cell
    texts = iter(alts)
    last = alts[-1]
    return DEFAULT_ALT.sub(lambda _m: f'<img alt="{html.escape(next(texts, last))}"', cell)


def clean(text: str) -> str:
    """The built HTML of a notebook page, cleaned (see the module docstring)."""
    text = MATHJAX.sub("", text)
    text = CDN_MODULE.sub("", text)
    head, separator, body = text.partition('<div class="jupyter-wrapper">')
    if separator:
        # mkdocs-jupyter's styles and scripts come just before the notebook and
        # after it (inside the article); Material's <head> has no inline <style>.
        article_start = head.find("<article")
        head = head[:article_start] + INLINE_STYLE.sub("", CLIPBOARD_SCRIPT.sub("", head[article_start:]))
        notebook_end = body.find("<!-- jupyter-wrapper -->")
        notebook, rest = body[:notebook_end], body[notebook_end:]
        notebook = "".join(_cell_alt_text(cell) for cell in CELL_SPLIT.split(notebook))
        notebook = CLIPBOARD_BUTTON.sub("", notebook)
        notebook = SOURCE_COPY.sub("", notebook)
        notebook = WRAPPER_TABINDEX.sub(r"\1", notebook)
        notebook = CODE_BLOCK.sub(
            lambda m: f'<div class="language-{m["lang"]} highlight"><pre><span></span><code>{m["code"]}</code></pre></div>',
            notebook,
        )
        rest = INLINE_STYLE.sub("", rest, count=1)
        text = head + separator + notebook + rest
    return text


def italics_on_first_screen(text: str) -> bool:
    article = text.find("<article")
    italic = ITALIC_TEXT.search(text, max(article, 0))
    return article >= 0 and italic is not None and len(TAG.sub("", text[article:italic.start()])) < FIRST_SCREEN_CHARS


def lighten(text: str) -> str:
    """Every page: third-party assets only where needed, and never render-blocking."""
    if 'class="glightbox"' in text:
        text = GLIGHTBOX_LINK.sub(
            lambda m: f'<link href="{m["href"]}" rel="stylesheet" media="print" onload="this.media=\'all\'">', text
        )
        text = GLIGHTBOX_SCRIPT.sub(lambda m: f'<script src="{m["src"]}" defer></script>', text)
        text = GLIGHTBOX_INIT.sub(
            lambda m: f'<script id="init-glightbox">document.addEventListener("DOMContentLoaded",()=>{{{m["code"]}}});</script>',
            text,
        )
    else:
        for pattern in (GLIGHTBOX_LINK, GLIGHTBOX_SCRIPT, GLIGHTBOX_STYLE, GLIGHTBOX_INIT):
            text = pattern.sub("", text)
    if 'class="katex"' not in text:
        text = KATEX_LINK.sub("", text)
    else:
        text = KATEX_LINK.sub(
            lambda m: "".join(f'<link rel="preload" href="{m["base"]}fonts/{font}" as="font" type="font/woff2" crossorigin>'
                              for font in KATEX_PRELOAD) + m[0],
            text, count=1,
        )
    # the italic face too where italics come on the first screen: arriving late, it reflowed
    # the reference list under the reader's eyes (a layout shift of 0.22 on /references/);
    # further down, it arrives before the reader does, and preloaded it would only delay
    # the first paint
    fonts = (TEXT_FONT, ITALIC_FONT) if italics_on_first_screen(text) else (TEXT_FONT,)
    text = GUIDE_CSS.sub(
        lambda m: "".join(f'<link rel="preload" href="{m["base"]}{font}" as="font" type="font/woff2" crossorigin>'
                          for font in fonts) + m[0],
        text, count=1,
    )
    # Material's script moves every table into a scroll box of its own, after the first
    # paint now that it is deferred: the table would grow by 8 px under the reader's eyes,
    # and the move, among the article's own children, restyles the whole article
    # (guide.css counts them with :nth-child). The box is built here instead; the script
    # still wraps the table once more, inside it, where guide.css makes that box no box.
    text = BARE_TABLE.sub(r'<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>\1</table></div></div>',
                          text)
    # Material's script only wires up what is already on the screen (search, palette, table
    # of contents, copy buttons): deferred, it runs after the first paint, still in document
    # order and before DOMContentLoaded, which the glightbox start-up and page scripts wait for.
    return MATERIAL_BUNDLE.sub(lambda m: f'<script src="{m["src"]}" defer></script>', text, count=1)


def plot_themes() -> str:
    """The guide's light and dark figure themes (figures/style.py), for guide_plots.py."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from figures.style import THEMES, themed_rc

    themes = {}
    for name, theme in THEMES.items():
        rc = themed_rc(theme)
        rc.pop("axes.prop_cycle")  # the figures pick a colour by meaning; a notebook's lines take turns
        cycle = [theme.prediction, theme.exploding, theme.vanishing, theme.optimum, theme.clipped]
        palette = {key: value for key, value in dataclasses.asdict(theme).items() if key != "name"}
        themes[name] = {"rc": rc, "cycle": cycle, "colors": palette}
    return json.dumps(themes, sort_keys=True, default=str)


def on_config(config):
    os.environ["MPLBACKEND"] = "module://guide_plots"
    os.environ["GUIDE_PLOT_THEMES"] = plot_themes()
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(PLOT_BACKEND) not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(PLOT_BACKEND), *paths])
    return config


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        output = clean(output)
    return lighten(output)


def on_post_template(output_content, template_name, config):
    """The 404 page is a template, not a page: it is lightened the same way."""
    return lighten(output_content) if template_name == "404.html" else output_content
