"""What stands before a page's first paint, read from the built HTML (docs/hooks/notebooks.py
`lighten`, docs/overrides/main.html): no script blocks the parser, the text font is small and
preloaded, KaTeX's stylesheet comes only with math, and the marks Material's script puts on
<html> (js, js-focus-visible) are there from <head>, before there is a page to restyle."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc=\"[^\"]+\"[^>]*>")
# pages whose first screen has italics (they would reflow when the italic face arrives)
ITALICS_FIRST = {"references/index.html", "architectures/index.html", "remedies/index.html",
                 "notebooks/from-scratch/index.html"}
STYLESHEET = re.compile(r'<link\b[^>]*rel="stylesheet"[^>]*>')


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("index.html")) + [site / "404.html"]


@pytest.fixture(scope="module")
def pages(built_site) -> dict[str, str]:
    site = built_site.path
    return {str(path.relative_to(site)): path.read_text("utf-8") for path in _pages(site)}


def test_no_script_blocks_the_parser(pages):
    for name, html in pages.items():
        for tag in SCRIPT_SRC.findall(html):
            assert re.search(r"\s(defer|async)(=\"\")?[\s>]", tag), f"{name}: {tag} blocks the parser"
        assert re.search(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js" defer>', html), name


def test_html_gets_materials_marks_before_any_stylesheet(pages):
    for name, html in pages.items():
        head = html[:html.index("</head>")]
        swap = head.find('document.documentElement.classList.replace("no-js", "js");')
        assert swap != -1, f"{name}: no js-class swap in <head>"
        # what Material's focus-visible polyfill does when it starts, done before it
        assert 'document.documentElement.classList.add("js-focus-visible");' in head[swap:]
        assert 'document.documentElement.setAttribute("data-js-focus-visible", "");' in head[swap:]
        first_sheet = STYLESHEET.search(head)
        assert first_sheet and swap < first_sheet.start(), f"{name}: the swap comes after a stylesheet"


def test_the_text_font_is_preloaded_and_small(pages, built_site):
    for name, html in pages.items():
        preload = re.search(r'<link rel="preload" href="(?P<href>[^"]*assets/fonts/SourceSans3VF-Upright\.woff2)" '
                            r'as="font" type="font/woff2" crossorigin>', html)
        assert preload, f"{name}: the text font is not preloaded"
        italic = 'assets/fonts/SourceSans3VF-Italic.woff2" as="font" type="font/woff2" crossorigin>' in html
        assert italic == (name in ITALICS_FIRST), f"{name}: the italic face is preloaded where italics open the page"
    font = built_site.path / "assets" / "fonts" / "SourceSans3VF-Upright.woff2"
    assert font.is_file() and font.stat().st_size < 80_000


def test_katex_comes_only_with_math(pages):
    with_math = 0
    for name, html in pages.items():
        has_math = 'class="katex"' in html
        sheet = "katex-swap.min.css" in html
        preloads = re.findall(r'<link rel="preload" href="[^"]*katex/fonts/(KaTeX_[\w-]+\.woff2)"', html)
        if has_math:
            with_math += 1
            assert sheet and preloads == ["KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2"], name
        else:
            assert not sheet and not preloads, f"{name} loads KaTeX without any math"
    assert with_math >= 12 and "404.html" in pages


def test_every_table_comes_in_materials_box_from_the_build(pages):
    """Material's script moves each bare table into a scroll box after the first paint: built
    in, nothing moves and the article is not restyled."""
    tables = 0
    for name, html in pages.items():
        for match in re.finditer(r"<table>", html):
            tables += 1
            assert html[:match.start()].endswith('<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'), \
                f"{name}: a table outside a scroll box"
    assert tables >= 20


TABLE_BOXES = """() => [...document.querySelectorAll('article table')].map(table => {
    const box = table.getBoundingClientRect(), next = table.closest('.md-typeset > *').nextElementSibling;
    return [box.left, box.top + scrollY, box.width, box.height, next ? next.getBoundingClientRect().top + scrollY : null];
})"""


@pytest.mark.parametrize("path", ["/statland/", "/training/"])
def test_tables_do_not_move_when_materials_script_runs(browser, built_site, path):
    from browser_support import SiteServer

    with SiteServer(built_site.path) as server:
        found = []
        for block in (True, False):
            context = browser.new_context(viewport={"width": 390, "height": 844})
            try:
                page = context.new_page()
                if block:
                    page.route("**/assets/javascripts/bundle.*.min.js", lambda route: route.abort())
                page.goto(server.origin + path)
                if not block:
                    page.wait_for_selector(".md-typeset__table > .md-typeset__scrollwrap", state="attached")
                found.append(page.evaluate(TABLE_BOXES))
            finally:
                context.close()
    before, after = found
    assert before and before == after


@pytest.mark.parametrize("scheme, expected", [("light", "default"), ("dark", "slate")])
def test_the_first_paint_has_the_readers_scheme_before_materials_script_runs(browser, built_site, scheme, expected):
    """Material's script is deferred, so it runs after the first paint: the palette a reader
    who never chose one gets (the system's light or dark) is set by the header's script."""
    from browser_support import SiteServer

    with SiteServer(built_site.path) as server:
        context = browser.new_context(color_scheme=scheme)
        try:
            page = context.new_page()
            page.route("**/assets/javascripts/bundle.*.min.js", lambda route: route.abort())
            page.goto(server.origin + "/bound/")
            assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
            assert page.evaluate("localStorage.length") == 0, "a reader who never chose a palette"
        finally:
            context.close()
