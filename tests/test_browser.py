"""Every page of the built site, in a real Chromium, in light and dark.

The site is built once per session (``mkdocs build --strict``, conftest's
``built_site``, shared with the other tests that read a built site) into a temporary
directory and served on 127.0.0.1 from a thread. One browser per session, one
context per colour scheme. Pages are discovered from ``docs/`` (every Markdown
page and notebook), and a test checks that this is exactly the set of built
pages, so chapters added later are covered without editing this file.

Without Chromium (or the playwright package) the tests skip with the reason;
with ``RNN_GUIDE_REQUIRE_BROWSER=1`` (as ``.ci/run`` sets it) they fail instead.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from browser_support import DOCS, SiteServer, built_pages, set_input, source_of

SCHEMES = ("light", "dark")
EXCLUDED = {"snippets", "hooks", "overrides", "assets", "figures"}
RAW_TEX = ("\\(", "\\)", "\\[", "\\]", "$$", "\\frac", "\\begin{")
MATH_IN_SOURCE = re.compile(r"\\\(|\\\[|\$\$|(?<![\\$\w])\$[^$\n]+\$")
BAD_ALT = re.compile(r"^(figure|image|img|picture|graph|chart|plot|diagram|untitled|no description.*)$|\.(svg|png|jpe?g|gif|webp)$", re.I)


def source_pages() -> list[str]:
    """URL paths of every page the docs/ sources make (Markdown and notebooks)."""
    pages = []
    for path in sorted(DOCS.rglob("*")):
        relative = path.relative_to(DOCS)
        if relative.parts[0] in EXCLUDED or path.suffix not in {".md", ".ipynb"}:
            continue
        if ".ipynb_checkpoints" in relative.parts:
            continue
        stem = relative.with_suffix("").as_posix()
        if stem == "index":
            pages.append("/")
        elif stem.endswith("/index"):
            pages.append(f"/{stem[:-len('/index')]}/")
        else:
            pages.append(f"/{stem}/")
    return sorted(pages)


PAGES = source_pages()


@pytest.fixture(scope="session")
def site(built_site) -> Path:
    return built_site.path  # the session's strict build (conftest.built_site)


@pytest.fixture(scope="session")
def origin(site):
    with SiteServer(site) as server:
        yield server.origin


@pytest.fixture(scope="session", params=SCHEMES)
def scheme(request) -> str:
    return request.param


_contexts: dict = {}


@pytest.fixture(scope="session")
def contexts(browser):
    yield _contexts
    for context in _contexts.values():
        context.close()


def _context(contexts, browser, scheme: str):
    if scheme not in contexts:
        contexts[scheme] = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    return contexts[scheme]


@pytest.fixture
def context(contexts, browser, scheme):
    """The 1280 px context of each scheme in turn: for the checks that depend on it."""
    return _context(contexts, browser, scheme)


@pytest.fixture
def light_context(contexts, browser):
    """The light 1280 px context alone, for checks that do not depend on the colour scheme
    (numbers, links, keyboard stops): they run once, not once per scheme."""
    return _context(contexts, browser, "light")


class Visit:
    """One page load with everything that happened on the way: requests, failures, errors."""

    def __init__(self, context, origin: str, path: str):
        self.origin = origin
        self.page = context.new_page()
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.response = self.page.goto(origin + path, wait_until="load")

    def outside(self) -> list[str]:
        return [url for url in self.requests
                if not url.startswith(self.origin + "/") and not url.startswith(("data:", "blob:", "about:"))]

    def settle(self) -> None:
        """Open every collapsed block, scroll to each shown image that has not loaded yet
        (a lazy one loads when it nears the viewport) and back to the top, then wait for
        the network. (Scrolling to each image rather than through the whole page: an
        image still missing after this is reported by the tests as not loaded.)"""
        self.page.evaluate("""async () => {
            document.querySelectorAll('article details').forEach(d => { d.open = true; });
            for (const image of document.images) {
                if (image.complete || !image.checkVisibility()) continue;
                image.scrollIntoView({ block: 'center' });
                // a frame, or 250 ms if no frame comes (a page that is not painted): never hang
                await new Promise(r => { requestAnimationFrame(() => setTimeout(r, 20)); setTimeout(r, 250); });
            }
            window.scrollTo(0, 0);
        }""")
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("""() => Promise.race([
            Promise.all([...document.images].filter(i => i.checkVisibility()).map(i => i.decode().catch(() => null))),
            new Promise(resolve => setTimeout(resolve, 5000))])""")

    def close(self) -> None:
        self.page.close()


VISIBLE_TEXT = """() => {
    const root = document.querySelector('article') || document.body;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
        acceptNode(node) {
            const parent = node.parentElement;
            if (!parent || parent.closest('pre, code, script, style, .katex, textarea')) return NodeFilter.FILTER_REJECT;
            return parent.offsetParent !== null || getComputedStyle(parent).position === 'fixed'
                ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
        }
    });
    const parts = [];
    while (walker.nextNode()) parts.push(walker.currentNode.nodeValue);
    return parts.join(' ');
}"""

IMAGES = """() => [...document.querySelectorAll('article img')].map(i => ({
    src: i.getAttribute('src'), alt: i.getAttribute('alt'), visible: i.checkVisibility(),
    complete: i.complete, width: i.naturalWidth }))"""

FIGURES = """() => [...document.querySelectorAll('figure.guide-figure')].map(f => ({
    id: f.id, caption: (f.querySelector('figcaption') || {}).textContent || '',
    visible: [...f.querySelectorAll('img')].filter(i => i.checkVisibility()).map(i => i.getAttribute('src')),
    all: [...f.querySelectorAll('img')].map(i => i.getAttribute('src')) }))"""


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """What axe-core (npm, injected into the page) finds, one line per rule."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci", pytrace=False)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
        .map(v => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim()).join(' | ')}`)""")
    return [f"axe: {line}" for line in found]


def scheme_of(page) -> str:
    value = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    return {"default": "light", "slate": "dark"}[value]


def check_figures(page, expected: str) -> list[str]:
    problems = []
    for figure in page.evaluate(FIGURES):
        if not figure["caption"].strip():
            problems.append(f"{figure['id']}: no figcaption")
        variants = {src.rsplit("#", 1)[-1] for src in figure["all"]}
        if variants != {"only-light", "only-dark"}:
            problems.append(f"{figure['id']}: variants {sorted(variants)}, expected a light and a dark one")
        if [src.rsplit("#", 1)[-1] for src in figure["visible"]] != [f"only-{expected}"]:
            problems.append(f"{figure['id']}: visible {figure['visible']} in the {expected} scheme")
    return problems


def test_every_built_page_is_tested(site):
    assert built_pages(site) == PAGES, "docs/ sources and built pages differ"


def test_every_page_has_a_meta_description(site):
    for path in built_pages(site) + ["/404.html"]:
        file = site / (path.strip("/") + ("/index.html" if path.endswith("/") else "")) if path != "/" else site / "index.html"
        text = file.read_text("utf-8")
        match = re.search(r'<meta name="description" content="([^"]*)"', text)
        assert match and match[1].strip(), f"{path}: no meta description"


def test_lightbox_galleries_keep_variants_apart(site):
    for path in built_pages(site):
        file = site / "index.html" if path == "/" else site / path.strip("/") / "index.html"
        for anchor in re.findall(r'<a [^>]*class="glightbox"[^>]*>\s*<img [^>]*>', file.read_text("utf-8")):
            variant = re.search(r'src="[^"]*?(-phone)?\.svg#only-(light|dark)"', anchor)
            if variant:  # and the phone variants in galleries of their own
                assert f'data-gallery="figures-{variant[2]}{variant[1] or ""}"' in anchor, f"{path}: {anchor[:200]}"


@pytest.mark.parametrize("path", PAGES)
def test_page(context, origin, scheme, path):
    visit = Visit(context, origin, path)
    try:
        assert visit.response is not None and visit.response.status == 200, f"{path}: HTTP {visit.response.status}"
        visit.settle()
        page = visit.page
        problems: list[str] = []
        problems += [f"outside request: {url}" for url in visit.outside()]
        problems += [f"failed request: {failure}" for failure in visit.failed]
        problems += visit.errors

        for image in page.evaluate(IMAGES):
            alt = (image["alt"] or "").strip()
            if len(alt.split()) < 4 or BAD_ALT.search(alt):
                problems.append(f"image {image['src'][:80]}: alt text {alt[:60]!r} does not say what it shows")
            if image["visible"] and not (image["complete"] and image["width"] > 0):
                problems.append(f"image {image['src'][:80]} did not load")

        source = source_of(path)
        text = source.read_text("utf-8") if source else ""
        if source and source.suffix == ".ipynb":
            text = "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"] if cell["cell_type"] == "markdown")
        katex = page.locator(".katex").count()
        if MATH_IN_SOURCE.search(text) or "--8<--" in text:
            if MATH_IN_SOURCE.search(text):
                assert katex > 0, f"{path}: the source has math but the page shows no KaTeX"
        visible = page.evaluate(VISIBLE_TEXT)
        for raw in RAW_TEX:
            if raw in visible:
                index = visible.index(raw)
                problems.append(f"raw TeX {raw!r} visible: …{visible[max(0, index - 60):index + 60]}…")
        if "{{ v:" in visible:
            problems.append("an uncited value token is visible")

        assert scheme_of(page) == scheme
        problems += axe_violations(page)
        problems += check_figures(page, scheme)
        if page.locator("figure.guide-figure").count():
            # The palette toggle flips the scheme, and the figures follow it.
            for _ in range(3):
                if scheme_of(page) != scheme:
                    break
                page.locator("[data-guide-palette] label:not([hidden])").first.click()
            flipped = scheme_of(page)
            assert flipped != scheme, f"{path}: the palette toggle did not change the scheme"
            visit.settle()
            problems += [f"after the toggle: {p}" for p in check_figures(page, flipped)]
            for image in page.evaluate(IMAGES):
                if image["visible"] and not (image["complete"] and image["width"] > 0):
                    problems.append(f"after the toggle: image {image['src'][:80]} did not load")
            problems += [f"after the toggle: failed request: {f}" for f in visit.failed if f not in problems]
            page.evaluate("localStorage.clear()")
        assert not problems, f"{path} ({scheme}):\n  " + "\n  ".join(dict.fromkeys(problems))
    finally:
        visit.close()


def test_missing_page_shows_helpful_404(context, origin, scheme):
    visit = Visit(context, origin, "/no-such-chapter/")
    try:
        assert visit.response.status == 404
        visit.settle()
        page = visit.page
        assert "Page not found" in page.locator("h1").first.inner_text()
        assert axe_violations(page) == []
        assert page.locator("article a[href]").count() >= 5, "the 404 page links to the chapters"
        assert not visit.outside()
        assert [f for f in visit.failed if "/no-such-chapter/" not in f] == []
        # The browser logs the 404 of the page itself; nothing else may fail.
        assert [e for e in visit.errors if "status of 404" not in e] == []
        assert len(visit.errors) <= 1
    finally:
        visit.close()


def test_notebook_pages_offer_the_notebook(light_context, origin):
    notebooks = [path for path in PAGES if source_of(path) and source_of(path).suffix == ".ipynb"]
    assert notebooks, "the guide has at least one notebook page"
    for path in notebooks:
        visit = Visit(light_context, origin, path)
        try:
            page = visit.page
            link = page.locator("a.guide-download")
            assert link.count() == 1, f"{path}: no download button"
            assert link.get_attribute("aria-label").startswith("Download the notebook")
            href = link.get_attribute("href")
            assert href.endswith(".ipynb")
            answer = page.evaluate("async (href) => { const r = await fetch(href); return [r.status, await r.text()]; }", href)
            assert answer[0] == 200
            assert json.loads(answer[1])["cells"], f"{path}: the download is not a notebook"
            html = page.content()
            assert "cdn." not in html and "mathjax" not in html.lower() and "require.js" not in html
            assert page.locator(".jupyter-wrapper .highlight pre code").count() > 0, "code cells are Material code blocks"
        finally:
            visit.close()


def test_notebook_dark_mode_uses_dark_colours(browser, origin):
    notebooks = [path for path in PAGES if source_of(path) and source_of(path).suffix == ".ipynb"]
    context = browser.new_context(color_scheme="dark")
    try:
        for path in notebooks:
            page = context.new_page()
            page.goto(origin + path)
            colours = page.evaluate("""() => {
                const luminance = c => { const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).map(Number); return 0.2126*r + 0.7152*g + 0.0722*b; };
                const bg = el => { while (el) { const c = getComputedStyle(el).backgroundColor; if (!/rgba\\(0, 0, 0, 0\\)|transparent/.test(c)) return c; el = el.parentElement; } return 'rgb(255, 255, 255)'; };
                return [...document.querySelectorAll('.jupyter-wrapper .jp-Cell pre, .jupyter-wrapper .jp-RenderedMarkdown p')].slice(0, 20)
                    .map(el => [luminance(bg(el)), luminance(getComputedStyle(el).color)]);
            }""")
            assert colours, f"{path}: no notebook cells found"
            for background, text in colours:
                assert background < 80 and text > background + 80, f"{path}: light-on-dark expected, got bg {background}, text {text}"
            page.close()
    finally:
        context.close()


def test_keyboard_navigation(light_context, origin):
    visit = Visit(light_context, origin, "/statland/")
    try:
        page = visit.page
        seen = []
        for _ in range(40):
            page.keyboard.press("Tab")
            seen.append(page.evaluate("""() => { const e = document.activeElement;
                const style = getComputedStyle(e.matches('.md-option') ? e.nextElementSibling || e : e);
                return { tag: e.tagName, cls: e.className, text: (e.textContent || '').trim().slice(0, 40),
                         outline: style.outlineStyle !== 'none' || style.boxShadow !== 'none',
                         visible: e.matches('.md-option, .tabbed-set > input') || (e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0) }; }"""))
        first = seen[0]
        assert "md-skip" in first["cls"] and first["visible"], f"the first Tab reaches the skip link, got {first}"
        assert any("md-option" in item["cls"] for item in seen), "the palette toggle is reachable by keyboard"
        assert any("md-search__input" in item["cls"] for item in seen), "search is reachable by keyboard"
        invisible = [item for item in seen if not item["visible"] and item["tag"] != "BODY"]
        assert not invisible, f"tab stops of zero size: {invisible[:3]}"
        missing = [item for item in seen if not item["outline"] and item["tag"] != "BODY"]
        assert not missing, f"focus is not visible on {missing[:3]}"
        page.keyboard.press("Escape")
        page.locator(".md-skip").focus()
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash"), "the skip link jumps to the content"
    finally:
        visit.close()


def test_lightbox_pages_through_one_scheme_only(context, origin, scheme):
    target = next((path for path in PAGES if source_of(path)
                   and source_of(path).read_text("utf-8").count("snippets/figures/") >= 2), None)
    if target is None:
        pytest.skip("no page has two figures yet")
    visit = Visit(context, origin, target)
    try:
        page = visit.page
        visit.settle()
        page.locator(f'a.glightbox img[src$="#only-{scheme}"]').first.click()
        page.wait_for_selector(".glightbox-container .gslide.current img")
        sources = set()
        for _ in range(page.locator(f'a.glightbox img[src$="#only-{scheme}"]').count()):
            sources.add(page.locator(".glightbox-container .gslide.current img").get_attribute("src"))
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(350)
        assert sources and all(f"-{scheme}.svg" in src for src in sources), sources
        assert len(sources) > 1, "the lightbox pages through the page's figures"
        assert not visit.errors and not visit.outside()
    finally:
        visit.close()


def test_print_uses_light_figures(browser, origin):
    target = next((path for path in PAGES if source_of(path)
                   and "snippets/figures/" in source_of(path).read_text("utf-8")), None)
    if target is None:
        pytest.skip("no page has a figure yet")
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(origin + target)
        page.evaluate("document.querySelectorAll('article details').forEach(d => { d.open = true; })")
        page.emulate_media(media="print")
        assert check_figures(page, "light") == []
        colour = page.evaluate("getComputedStyle(document.querySelector('article p')).color")
        assert colour.startswith("rgba(0, 0, 0") or colour.startswith("rgb(0, 0, 0"), f"print text colour {colour}"
    finally:
        context.close()


# --- the playground --------------------------------------------------------------------

def _shown(page, selector: str) -> str:
    return page.locator(selector).get_attribute("data-value")


def test_playground_matches_rnncore(light_context, origin):
    from figures.params import load, weights
    from rnncore import playground as pg
    from rnncore.statquest import Weights

    network = weights(load())
    visit = Visit(light_context, origin, "/playground/")
    try:
        page = visit.page
        page.wait_for_selector("#unroll-power[data-value]")
        for w2 in ("2", "0.5", "-0.5", "1.1", "0"):
            for unrolls in (1, 4, 51):
                for pattern in pg.PATTERNS:
                    set_input(page, "#unroll-w2", pg.grid_index(pg.W2_GRID, w2))
                    set_input(page, "#unroll-t", unrolls)
                    page.select_option("#unroll-pattern", pattern)
                    expected_power = pg.display(pg.first_day_factor(Decimal(w2), unrolls))
                    trace = pg.predictions(Weights(**{**network.as_dict(), "w2": float(w2)}), pattern)
                    expected_prediction = pg.display(trace[unrolls - 1])
                    assert _shown(page, "#unroll-w2-value") == str(Decimal(w2))
                    assert _shown(page, "#unroll-power") == expected_power, (w2, unrolls)
                    assert _shown(page, "#unroll-prediction") == expected_prediction, (w2, unrolls, pattern)
                    assert page.locator("#unroll-t").get_attribute("aria-valuetext") == f"T = {unrolls}"
                    positive = sum(1 for value in trace[:unrolls] if value > 0)
                    assert page.locator("#unroll-chart circle.series-b-dot:not(.legend)").count() == positive
        # 2^50 is shown the way a reader writes it
        set_input(page, "#unroll-w2", pg.grid_index(pg.W2_GRID, "2"))
        set_input(page, "#unroll-t", 51)
        assert page.locator("#unroll-power").inner_text() == "1.126 × 10¹⁵"

        for ensemble, gamma, lam in (("gaussian", "0.25", "2"), ("gaussian", "1", "2"), ("symmetric", "0.5", "0.5"),
                                     ("orthogonal", "1", "3"), ("gaussian", "1", "3"), ("orthogonal", "0.1", "3.5"),
                                     ("symmetric", "1", "4")):
            page.select_option("#bound-ensemble", ensemble)
            set_input(page, "#bound-gamma", pg.grid_index(pg.GAMMA_GRID, gamma))
            set_input(page, "#bound-lambda", pg.grid_index(pg.LAMBDA_GRID, lam))
            run = pg.jacobian_norms(Decimal(gamma), Decimal(lam), ensemble=ensemble)
            assert _shown(page, "#bound-gamma-value") == gamma and _shown(page, "#bound-lambda-value") == lam
            assert _shown(page, "#bound-rate") == pg.display(run.rate)
            assert _shown(page, "#bound-last") == pg.display(run.bound(pg.HORIZON))
            assert _shown(page, "#bound-measured") == pg.display(run.measured[-1])
            assert page.locator("#bound-chart circle.series-a-dot:not(.legend)").count() == pg.HORIZON
            assert page.locator("#bound-chart line.series-b:not(.legend)").count() == 1
        for selector in ("#unroll-w2", "#unroll-t", "#unroll-pattern", "#bound-ensemble", "#bound-gamma", "#bound-lambda"):
            label = page.locator(f"label[for='{selector[1:]}']")
            assert label.count() == 1 and label.inner_text().strip(), f"{selector} has a label"
        assert not visit.errors and not visit.outside() and not visit.failed
    finally:
        visit.close()


def test_exercise_answers_start_closed_and_print_open(browser, origin):
    """Exercises (issue 11): answers are folded on screen; printing opens them (Material
    opens every <details> on beforeprint; guide.css shows them even without that)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(origin + "/statland/")
        answers = "[...document.querySelectorAll('.exercise-title ~ details.success')]"
        assert page.evaluate(f"{answers}.length") >= 3
        assert page.evaluate(f"{answers}.every(d => !d.open)")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.wait_for_function(f"{answers}.every(d => d.open)")
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        page.wait_for_function(f"{answers}.every(d => !d.open)")
        page.emulate_media(media="print")
        heights = page.evaluate(f"{answers}.map(d => d.querySelector(':scope > :not(summary)').getBoundingClientRect().height)")
        assert all(height > 0 for height in heights), heights
    finally:
        context.close()


def test_connectivity_explorer_matches_rnncore(light_context, origin):
    """Every model, the median and each network: the page's readouts equal rnncore's
    ‖∂ℓ/∂x_k‖ (recomputed here, written to 4 significant digits)."""
    from figures.outputs import beyond
    from figures.params import load

    params = load()
    studies = beyond.flows(params)
    T = int(params["beyond.flow.steps"])
    visit = Visit(light_context, origin, "/playground/")
    try:
        page = visit.page
        page.wait_for_selector("#connectivity-first[data-value]")
        for index, study in enumerate(studies):
            page.select_option("#connectivity-model", str(index))
            for network in (0, 1, beyond.EXPLORER_NETWORKS):
                set_input(page, "#connectivity-network", network)
                row = study.median if network == 0 else study.norms[network - 1]
                for selector, distance in (("#connectivity-last", 0), ("#connectivity-ten", 10),
                                           ("#connectivity-first", T - 1)):
                    assert _shown(page, selector) == f"{float(row[distance]):.3e}", (study.label, network, selector)
                assert page.locator("#connectivity-chart rect").count() == T
        assert not visit.errors
    finally:
        visit.close()


# --- zoom, search ----------------------------------------------------------------------

def _rgba(colour: str) -> tuple[float, ...]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)]
    return tuple(numbers + [1.0] * (4 - len(numbers)))


def test_zoomed_figure_is_opaque_and_larger(context, origin, scheme):
    """A click on a figure opens it on the page colour of the reader's scheme (the SVGs
    are transparent; the overlay is near-black), and clearly larger than inline."""
    target = next((path for path in PAGES if source_of(path)
                   and "snippets/figures/" in source_of(path).read_text("utf-8")), None)
    if target is None:
        pytest.skip("no page has a figure yet")
    visit = Visit(context, origin, target)
    try:
        page = visit.page
        image = page.locator(f'a.glightbox img[src$="#only-{scheme}"]').first
        image.scroll_into_view_if_needed()
        inline = image.bounding_box()
        image.click()
        zoomed = page.locator(".glightbox-container .gslide.current img")
        zoomed.wait_for()
        page.wait_for_timeout(600)  # the fade-in
        shown = zoomed.evaluate("""e => ({ width: e.getBoundingClientRect().width, height: e.getBoundingClientRect().height,
            background: getComputedStyle(e).backgroundColor,
            page: getComputedStyle(document.body).backgroundColor })""")
        background = _rgba(shown["background"])
        assert background[3] == 1.0, f"{target}: zoomed figure background {shown['background']} is not opaque"
        assert background == _rgba(shown["page"]), f"{target}: zoomed background {shown['background']} is not the {scheme} page colour {shown['page']}"
        viewport = page.viewport_size
        assert shown["width"] >= 1.5 * inline["width"], f"{target}: zoomed {shown['width']} px wide, inline {inline['width']} px"
        assert shown["width"] <= viewport["width"] and shown["height"] <= viewport["height"]
    finally:
        visit.close()


# The worked-example expressions and a few rnncore docstrings are written in ASCII
# notation (∏_{i=k+1..t}) on the page itself; they are prose, not TeX source.
ASCII_NOTATION = ("∏_{i=k+1..t}", "∏_{t=2..T}")
SEARCH_TEX = re.compile(r"\\[A-Za-z]{2,}|\\[,;!{}]|_\{|\^\{|\$")


def test_search_index_reads_as_prose(site):
    """Each formula at most once, as plain text: no TeX source, no MathML annotation,
    no notebook prompts or copy-button text."""
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    problems = []
    for entry in index["docs"]:
        for field in ("title", "text"):
            text = entry[field]
            for allowed in ASCII_NOTATION:
                text = text.replace(allowed, "")
            for bad in ("Copied!", "annotation", "application/x-tex", "In\u00a0[", "In [", "Out[", "katex"):
                if bad in text:
                    problems.append(f"{entry['location']} {field}: {bad!r}")
            match = SEARCH_TEX.search(text)
            if match:
                problems.append(f"{entry['location']} {field}: TeX …{text[max(0, match.start() - 40):match.end() + 40]}…")
    assert not problems, "\n".join(problems[:20])
    bound = " ".join(e["text"] for e in index["docs"] if e["location"].startswith("bound/"))
    assert "λ" in bound and "γ" in bound, "inline math stays searchable as plain text"


# --- phones ------------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}

WIDE_BLOCKS = """() => {
    const blocks = [...document.querySelectorAll('article .math-display, article .md-typeset__scrollwrap, article .jp-OutputArea-output, article .guide-figure a.glightbox')];
    return {
        page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth,
        body: document.body.scrollWidth,
        wide: blocks.filter(b => b.checkVisibility() && b.scrollWidth > b.clientWidth + 1).map(b => {
            const style = getComputedStyle(b);
            return { what: b.className || b.tagName, text: b.textContent.trim().slice(0, 60),
                     overflow: style.overflowX, image: style.backgroundImage, attachment: style.backgroundAttachment };
        }),
    };
}"""


@pytest.fixture(scope="session")
def phone_contexts(browser):
    made = {scheme: browser.new_context(color_scheme=scheme, viewport=PHONE, is_mobile=True, has_touch=True)
            for scheme in SCHEMES}
    yield made
    for context in made.values():
        context.close()


def check_wide_blocks(page) -> list[str]:
    """No page scrolls sideways; a block wider than the screen scrolls inside itself with a
    visible cue (the scroll shadows of guide.css: fixed shadows under moving covers)."""
    found = page.evaluate(WIDE_BLOCKS)
    problems = []
    if max(found["page"], found["body"]) > found["viewport"]:
        problems.append(f"the page scrolls sideways: {max(found['page'], found['body'])} px content in a {found['viewport']} px viewport")
    for block in found["wide"]:
        cue = block["image"].count("radial-gradient") == 2 and "local" in block["attachment"] and "scroll" in block["attachment"]
        if block["overflow"] not in ("auto", "scroll") or not cue:
            problems.append(f"{block['what']} ({block['text']!r}) is wider than the screen without a scroll cue")
    return problems


FIGURE_TEXT = """async () => {
    const shown = [...document.querySelectorAll('article figure.guide-figure img')].filter(i => i.checkVisibility());
    return Promise.all(shown.map(async image => {
        const svg = await (await fetch(image.src.split('#')[0])).text();
        const width = parseFloat(svg.match(/<svg[^>]*\\swidth="([\\d.]+)pt"/)[1]) * 4 / 3;
        // matplotlib draws each text as <g id="text_N"><!-- text --><g ... scale(s -s)">, s = size in pt / 100
        const sizes = [...svg.matchAll(/<g id="text_\\d+">\\s*<!-- ([\\s\\S]*?) -->\\s*<g [^>]*?scale\\(([\\d.]+) -/g)]
            .map(m => ({ text: m[1], pt: parseFloat(m[2]) * 100 }));
        const box = image.getBoundingClientRect();
        const scale = box.width / width;
        const smallest = sizes.reduce((a, b) => (b.pt < a.pt ? b : a), { text: '', pt: Infinity });
        return { src: image.getAttribute('src'), px: smallest.pt * 4 / 3 * scale, text: smallest.text, count: sizes.length,
                 phone: image.classList.contains('guide-phone'), left: box.left, right: box.right,
                 scroll: image.closest('a, figure').scrollWidth - image.closest('a, figure').clientWidth,
                 viewport: document.documentElement.clientWidth };
    }));
}"""
MIN_FIGURE_TEXT_PX = 11


def check_figure_text(page, phone: bool = True) -> list[str]:
    """The figures shown are the phone (or desktop) variants, inside the screen with nothing
    to scroll sideways, and their smallest text, at the size shown, is >= 11 CSS px."""
    problems = []
    for figure in page.evaluate(FIGURE_TEXT):
        if figure["count"] and figure["px"] < MIN_FIGURE_TEXT_PX - 0.01:
            problems.append(f"{figure['src']}: text {figure['text']!r} renders at {figure['px']:.1f} px")
        if figure["phone"] != phone:
            problems.append(f"{figure['src']}: the {'desktop' if phone else 'phone'} variant is shown")
        if figure["left"] < -0.5 or figure["right"] > figure["viewport"] + 0.5 or figure["scroll"] > 0:
            problems.append(f"{figure['src']}: {figure['left']:.0f}–{figure['right']:.0f} px (scrolls "
                            f"{figure['scroll']} px) in a {figure['viewport']} px screen")
    return problems


@pytest.mark.parametrize("path", PAGES)
def test_phone_layout(phone_contexts, origin, scheme, path):
    visit = Visit(phone_contexts[scheme], origin, path)
    try:
        visit.settle()
        problems = check_wide_blocks(visit.page) + check_figure_text(visit.page)  # axe: in test_page, both schemes
        assert not problems, f"{path} ({scheme}, 390 px):\n  " + "\n  ".join(problems)
    finally:
        visit.close()


def test_figures_follow_the_screen_width(context, origin):
    """At 1280 px every figure shows its desktop variant and no phone variant is downloaded
    (hidden and lazy); narrowed to 390 px, the same page shows and loads the phone ones."""
    visit = Visit(context, origin, "/statland/")
    try:
        visit.settle()
        shown = visit.page.evaluate(FIGURE_TEXT)
        assert len(shown) >= 5 and not check_figure_text(visit.page, phone=False), check_figure_text(visit.page, False)
        assert not [url for url in visit.requests if url.endswith("-phone.svg")], "phone variants downloaded at 1280 px"
        visit.page.set_viewport_size(PHONE)
        visit.settle()
        assert len(visit.page.evaluate(FIGURE_TEXT)) == len(shown) and not check_figure_text(visit.page)
        assert not [url for url in visit.requests if url.endswith(("-light-phone.svg", "-dark-phone.svg"))
                    and f"-{scheme_of(visit.page)}-phone.svg" not in url], "the other scheme's phone variant loaded"
    finally:
        visit.close()


def test_statland_steps_fit_a_phone(phone_contexts, origin):
    """Every StatLand tab shows its whole arithmetic, the y column included, at 390 px;
    the table shows Prediction and Observed before it needs to scroll."""
    visit = Visit(phone_contexts["light"], origin, "/statland/")
    try:
        page = visit.page
        labels = page.locator(".tabbed-labels > label")
        assert labels.count() >= 4
        for index in range(labels.count()):
            labels.nth(index).click()
            block = page.locator(".tabbed-block").nth(index).locator(".math-display").first
            size = block.evaluate("b => [b.scrollWidth, b.clientWidth, b.textContent]")
            assert size[0] <= size[1] + 1, f"tab {index}: {size[0]} px of math in {size[1]} px"
            assert "y" in size[2]
        headers = page.locator("article table th")
        right = page.evaluate("document.documentElement.clientWidth")
        for name in ("Prediction", "Observed"):
            header = headers.filter(has_text=name).first
            box = header.bounding_box()
            assert box["x"] + box["width"] <= right, f"the {name} column is off-screen on a phone"
    finally:
        visit.close()


CONTRAST = """([a, b]) => {
    const channels = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const lum = c => { const [r, g, b] = channels(c); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
}"""

BACKGROUND = """e => { while (e) { const c = getComputedStyle(e).backgroundColor;
    if (!/rgba\\(0, 0, 0, 0\\)|transparent/.test(c)) return c; e = e.parentElement; } return 'rgb(255, 255, 255)'; }"""


def test_focus_rings_contrast(context, origin, scheme):
    """The header's focus ring and a content tab's focus ring stand out (3:1) from what
    they sit on, in both schemes."""
    visit = Visit(context, origin, "/statland/")
    try:
        page = visit.page
        rings = []
        for _ in range(12):
            page.keyboard.press("Tab")
            info = page.evaluate("""() => { const e = document.activeElement;
                const target = e.matches('.md-option') ? e.nextElementSibling : e;
                return { header: !!e.closest('.md-header'), outline: getComputedStyle(target).outlineColor,
                         style: getComputedStyle(target).outlineStyle, name: e.className }; }""")
            if info["header"]:
                background = page.evaluate(f"() => ({BACKGROUND})(document.querySelector('.md-header'))")
                rings.append((info["name"], info["style"], page.evaluate(CONTRAST, [info["outline"], background])))
        assert rings, "the header has keyboard stops"
        weak = [ring for ring in rings if ring[1] == "none" or ring[2] < 3]
        assert not weak, f"header focus rings (class, style, contrast): {weak}"

        radio = page.locator(".tabbed-set > input").nth(1)
        page.keyboard.press("Shift")
        radio.focus()
        label = page.locator(".tabbed-set .tabbed-labels > label").nth(1)
        style = label.evaluate("l => [getComputedStyle(l).outlineStyle, getComputedStyle(l).outlineColor]")
        background = label.evaluate(BACKGROUND)
        assert style[0] != "none", "a focused content tab shows a ring"
        assert page.evaluate(CONTRAST, [style[1], background]) >= 3, f"tab ring {style[1]} on {background}"
    finally:
        visit.close()


def test_playground_on_a_phone(phone_contexts, origin):
    """At 390 px the charts' text is at least 11 px, no two texts overlap, the y axis is
    labelled, and at w₂ = 0 the chart says why the line is missing."""
    from rnncore import playground as pg

    visit = Visit(phone_contexts["light"], origin, "/playground/")
    try:
        page = visit.page
        page.wait_for_selector("#unroll-power[data-value]")
        measure = """svg => { const box = svg.getBoundingClientRect(); const scale = box.width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll('text')].map(t => { const r = t.getBoundingClientRect();
                return { text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                         box: [r.left, r.top, r.right, r.bottom], inside: r.left >= box.left - 1 && r.right <= box.right + 1 }; }); }"""
        for chart in ("#unroll-chart", "#bound-chart"):
            texts = page.locator(chart).evaluate(measure)
            small = [t for t in texts if t["px"] < 11]
            assert not small, f"{chart}: text below 11 px: {small[:3]}"
            assert all(t["inside"] for t in texts), f"{chart}: text outside the chart: {[t for t in texts if not t['inside']][:3]}"
            for i, a in enumerate(texts):
                for b in texts[i + 1:]:
                    overlap = min(a["box"][2], b["box"][2]) - max(a["box"][0], b["box"][0]) > 1 and \
                        min(a["box"][3], b["box"][3]) - max(a["box"][1], b["box"][1]) > 1
                    assert not overlap, f"{chart}: {a['text']!r} overlaps {b['text']!r}"
            assert page.locator(f"{chart} text.axis-label").text_content().strip(), f"{chart}: no y-axis label"
        assert "^" not in page.locator("#unroll-chart").text_content() + page.locator("#bound-chart").text_content()
        set_input(page, "#unroll-w2", pg.grid_index(pg.W2_GRID, "0"))
        assert page.locator("#unroll-chart polyline.series-a").count() == 0
        assert "log axis" in page.locator("#unroll-chart text.note").text_content()
        assert "log axis" in page.locator("#unroll-power").inner_text()
    finally:
        visit.close()


# --- notebook pages: numbers printed the guide's way, plots in both schemes (issue 12) ------

NOTEBOOK_PAGES = [path for path in PAGES if source_of(path) and source_of(path).suffix == ".ipynb"]
OUTPUT_BLOCK = re.compile(r'<div class="[^"]*\bjp-OutputArea-output\b[^"]*"[^>]*>(.*?)</div>', re.S)
DECIMAL_NUMBER = re.compile(r"(?<![\w.])[−-]?(\d+\.\d+|\d+)(?:[eE][+-]?\d+)?(?![\w.])")
E_NOTATION = re.compile(r"(?<![\w.])[−-]?\d+(?:\.\d+)?[eE][+-]?\d+(?![\w.])")
ROUNDED_TO_ZERO = re.compile(r"(?<![\w.])[−-]?0\.000+(?![\d])")


def notebook_output_texts(page_html: str) -> list[str]:
    """The text of every output block of a built notebook page (tags removed)."""
    import html as html_module

    return [html_module.unescape(re.sub(r"<[^>]+>", " ", block)) for block in OUTPUT_BLOCK.findall(page_html)]


def number_problems(text: str) -> list[str]:
    """Raw floats in printed output: e-notation, more than 6 significant digits after a
    decimal point, or a value shown as 0.000 (rounded away rather than written small)."""
    problems = [f"e-notation {m[0]!r}" for m in E_NOTATION.finditer(text)]
    problems += [f"rounded to zero {m[0]!r}" for m in ROUNDED_TO_ZERO.finditer(text)]
    for match in DECIMAL_NUMBER.finditer(text):
        digits = match[1]
        if "." not in digits:
            continue  # integers (and exact grouped ones like 1,125,899,906,842,624) are exact
        significant = digits.replace(".", "").lstrip("0")
        if len(significant) > 6:
            problems.append(f"{len(significant)} significant digits {match[0]!r}")
    return problems


def test_number_problems_finds_raw_floats():
    assert number_problems("largest measured / bound: 0.9948236281210052")
    assert number_problems("    15    9.277e-03    4.379e+02  0.000")
    assert number_problems("w1: 10.35512500")
    assert not number_problems("ratio 2.1 × 10⁻⁵, 0.452, 1,125,899,906,842,624 ≈ 1.126 × 10¹⁵, b1=0.0, 12.764")


def test_notebook_outputs_print_numbers_like_the_guide(site):
    assert NOTEBOOK_PAGES, "the guide has notebook pages"
    for path in NOTEBOOK_PAGES:
        page_html = (site / path.strip("/") / "index.html").read_text("utf-8")
        outputs = notebook_output_texts(page_html)
        assert outputs, f"{path}: no cell outputs on the built page (were the notebooks executed?)"
        problems = [f"{path}: {problem}" for text in outputs for problem in number_problems(text)]
        assert not problems, "\n".join(problems)


def test_notebook_plots_come_in_both_schemes(site, browser, origin):
    """Every matplotlib cell shows one plot per scheme, in the guide's figure colours on a
    transparent background, and the reader's scheme picks which one is visible."""
    import base64

    from figures.style import THEMES

    plotting = [path for path in NOTEBOOK_PAGES if "plt.show()" in source_of(path).read_text("utf-8")]
    assert plotting, "at least one notebook draws a plot"
    for path in plotting:
        page_html = (site / path.strip("/") / "index.html").read_text("utf-8")
        assert 'src="data:image/png' not in page_html, f"{path}: a plot was drawn by the default backend"
        blocks = re.findall(r'<div class="guide-plots">(.*?)</div>', page_html, re.S)
        assert blocks, f"{path}: no themed plot"
        for block in blocks:
            images = re.findall(r"<img\b[^>]*>", block)
            sources = [re.search(r'src="data:image/svg\+xml;base64,([^"#]*)#only-(light|dark)"', image) for image in images]
            assert [m[2] for m in sources] == ["light", "dark"], f"{path}: expected a light and a dark image"
            for image in images:
                alt = re.search(r'alt="([^"]*)"', image)[1]
                assert alt.startswith("Plot of ") and not BAD_ALT.match(alt), f"{path}: alt text {alt!r}"
            for match in sources:
                svg = base64.b64decode(match[1]).decode("utf-8")
                own, other = THEMES[match[2]], THEMES["dark" if match[2] == "light" else "light"]
                assert own.ink in svg and own.prediction in svg, f"{path}: {match[2]} plot lacks its theme's colours"
                assert other.ink not in svg and other.prediction not in svg, f"{path}: {match[2]} plot has the other theme's colours"
                assert "#ffffff" not in svg.lower(), f"{path}: {match[2]} plot has a white background"
    for scheme in SCHEMES:
        context = browser.new_context(color_scheme=scheme, viewport={"width": 390, "height": 844})
        try:
            for path in plotting:
                page = context.new_page()
                page.goto(origin + path)
                shown = page.evaluate("""() => [...document.querySelectorAll('.guide-plots img')]
                    .filter(img => img.getBoundingClientRect().width > 0)
                    .map(img => [img.src.split('#').pop(), getComputedStyle(img).backgroundColor, getComputedStyle(img).filter])""")
                assert shown and all(fragment == f"only-{scheme}" for fragment, _, _ in shown), f"{path} ({scheme}): {shown}"
                assert all(background == "rgba(0, 0, 0, 0)" and filtered == "none" for _, background, filtered in shown), \
                    f"{path} ({scheme}): the plot sits in a box or is filtered: {shown}"
                page.close()
        finally:
            context.close()


MATH_CHAPTERS = ["/bound/", "/training/", "/statland/", "/memory/", "/exploding/", "/remedies/"]
DISPLAY_FIT = """() => {
  const unskip = document.createElement('style');
  unskip.textContent = '.math-display { content-visibility: visible !important; }';
  document.head.appendChild(unskip);
  const found = [];
  for (const block of document.querySelectorAll('article .math-display')) {
    if (!block.checkVisibility()) continue;
    const label = (block.querySelector('annotation') || block).textContent.trim().slice(0, 70);
    if (block.scrollWidth > block.clientWidth + 1) found.push(`scrolls sideways by ${block.scrollWidth - block.clientWidth} px: ${label}`);
    const pieces = [...block.querySelectorAll('.katex-display > .katex > .katex-html > .katex-base')].map(p => p.getBoundingClientRect());
    if (pieces.some((box, i) => i > 0 && box.left < pieces[i - 1].left)) found.push(`wraps: ${label}`);
  }
  unskip.remove();
  return [document.querySelectorAll('article .math-display').length, found];
}"""


def test_display_math_of_the_math_chapters_fits_a_phone(phone_contexts, origin):
    """At 390 px no display equation of the math-heavy chapters scrolls sideways or is
    wrapped by the browser: long ones are split into aligned rows in the source."""
    for path in MATH_CHAPTERS:
        page = phone_contexts["light"].new_page()
        try:
            page.goto(origin + path)
            count, problems = page.evaluate(DISPLAY_FIT)
            assert count > 0, f"{path}: no display math found"
            assert not problems, f"{path}: " + "; ".join(problems)
        finally:
            page.close()
