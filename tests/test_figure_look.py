"""One typeface, real math notation and one colour per meaning in every figure (issue 12).

The committed SVGs are checked as they are (tests/test_build.py proves them fresh); the
colours by drawing figures on a matplotlib Figure and reading their lines."""
from __future__ import annotations

import dataclasses
import html
import json
import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("svg")

from conftest import ROOT  # noqa: E402

FIGURES = ROOT / "docs" / "figures"
INCLUDES = ROOT / "docs" / "snippets" / "figures"
SVGS = sorted(FIGURES.glob("*.svg"))
#: matplotlib writes each text of an SVG as <g id="text_N"><!-- the text -->
TEXT = re.compile(r'<g id="text_\d+">\s*<!-- (.*?) -->', re.S)
#: with svg.fonttype "path" each glyph is a <path id="FontName-glyph">
GLYPH = re.compile(r'<path id="([A-Za-z0-9]+(?:-[A-Za-z]+)?)-[0-9a-f]+"')
#: the plain-text spellings of math that figures must not show
ASCII_MATH = re.compile(r"\b[wb][123]\b|\^\(|_\(|\^T\b|\b[hxyWc]_[A-Za-z0-9(]|[Σ∏]_|[ₜᵗ]|w[₁₂₃]")


def figure_texts(svg) -> list[str]:
    return [html.unescape(text) for text in TEXT.findall(svg.read_text("utf-8"))]


def outside_math(text: str) -> str:
    return re.sub(r"\$[^$]*\$", "", text)


def test_every_figure_is_checked():
    # light and dark, desktop and phone
    assert len(SVGS) >= 100 and len(SVGS) == 4 * len(list(INCLUDES.glob("*.md")))


@pytest.mark.parametrize("svg", SVGS, ids=lambda p: p.stem)
def test_figure_text_writes_math_as_math(svg):
    """w₂ is $w_2$ in every figure, and no label spells a power or an index in ASCII."""
    bad = [text for text in figure_texts(svg) if ASCII_MATH.search(outside_math(text))]
    assert not bad, f"{svg.name}: write these with mathtext ($w_2$, $h_{{t-1}}$, $x^{{T-k}}$): {bad}"


def test_the_checks_catch_ascii_notation():
    for text in ("w2 = 0.5", "|w2|^T", "(γλ)^(T−k)", "h_(t−1)", "yₜ", "W_hh", "w₂ = 1"):
        assert ASCII_MATH.search(outside_math(text)), text
    for text in ("$w_2 = 0.5$", "$|w_2|^T$ (log scale)", "day 10", "$\\Vert\\partial h_T/\\partial h_k\\Vert$"):
        assert not ASCII_MATH.search(outside_math(text)), text


def test_w2_is_spelled_one_way_in_figures():
    spellings = set()
    for svg in SVGS:
        for text in figure_texts(svg):
            # w_{2} and w_2 are the same mathtext
            spellings |= {found.replace("w_{2}", "w_2") for found in re.findall(r"w_2|w_\{2\}|w2|w₂", text)}
    assert spellings == {"w_2"}


@pytest.mark.parametrize("include", sorted(INCLUDES.glob("*.md")), ids=lambda p: p.stem)
def test_alt_text_and_captions_are_plain_text(include):
    """Alt text and captions are read as text: Unicode (w₂, ∂h₁/∂h₀), never TeX or ASCII powers."""
    text = include.read_text("utf-8")
    words = " ".join(re.findall(r"!\[(.*?)\]\(", text) + re.findall(r"<figcaption>(.*?)</figcaption>", text, re.S))
    assert words.strip()
    assert "$" not in words and not re.search(r"\\\\[a-zA-Z]", words), words
    assert not re.search(r"\bw[123]\b|\^\(|_\(|[A-Za-zℓ∂]_[A-Za-z0-9]", words), words


# --- the typeface -------------------------------------------------------------------

ALLOWED_FACES = {"SourceSans3-Regular", "SourceSans3-Bold", "SourceSans3-It", "SourceSans3-BoldIt",
                 "Cmr10", "Cmmi10", "Cmsy10", "Cmex10",
                 # mathtext takes the few symbols its Computer Modern set lacks (∂) from STIX
                 "STIXGeneral-Regular", "STIXGeneral-Italic"}


@pytest.mark.parametrize("svg", SVGS, ids=lambda p: p.stem)
def test_figure_glyphs_come_from_the_guide_typeface(svg):
    """Every glyph is Source Sans 3 (text) or Computer Modern (math): no DejaVu, no fallback."""
    faces = set(GLYPH.findall(svg.read_text("utf-8")))
    assert faces, f"{svg.name} has no text glyphs"
    assert faces <= ALLOWED_FACES, f"{svg.name}: glyphs from {sorted(faces - ALLOWED_FACES)}"
    if any(outside_math(text).strip() for text in figure_texts(svg)):  # some text is not math
        assert faces & {"SourceSans3-Regular", "SourceSans3-Bold"}, svg.name


def test_matplotlib_finds_source_sans_not_a_fallback():
    from matplotlib import font_manager

    from figures import style

    if not style.FONT_FILES[0].is_file():
        pytest.skip("node_modules/source-sans is not installed (make setup runs npm ci)")
    style.load_fonts()
    assert style.RC["font.family"] == "Source Sans 3" and style.RC["mathtext.fontset"] == "cm"
    for weight, style_, face in (("normal", "normal", "Regular"), ("bold", "normal", "Bold"),
                                 ("normal", "italic", "It")):
        found = font_manager.findfont(font_manager.FontProperties(family=style.RC["font.family"], weight=weight,
                                                                  style=style_), fallback_to_default=False)
        assert found == str(style.FONT_DIR / f"SourceSans3-{face}.ttf")


def test_a_glyph_missing_from_the_typeface_fails_the_figure():
    from figures.style import render_svg

    def draw(fig, theme):
        fig.add_subplot().set_title("share of yₜ")  # ₜ: not in Source Sans 3

    with pytest.raises(UserWarning, match="missing from font"):
        render_svg(draw, (4, 3), "light")


def test_a_missing_typeface_is_one_line_telling_to_run_make_setup(monkeypatch, tmp_path):
    from figures import build, style

    monkeypatch.setattr(style, "FONT_FILES", (style.FONT_DIR / "SourceSans3-Nothing.ttf",))
    with pytest.raises(style.FontMissing) as error:
        style.load_fonts()
    message = str(error.value)
    assert "\n" not in message and "Source Sans 3" in message and "run `make setup`" in message
    assert "node_modules/source-sans/TTF/SourceSans3-Nothing.ttf" in message
    with pytest.raises(build.SetupError, match="make setup"):
        build._warm(["powers-log"], {"powers-log": "figure"})


def test_the_pages_use_the_same_typeface_from_their_own_files():
    import yaml

    css = (ROOT / "docs" / "assets" / "guide.css").read_text("utf-8")
    faces = re.findall(r"@font-face\s*\{(.*?)\}", css, re.S)
    ours = [face for face in faces if '"Source Sans 3"' in face]
    assert len(ours) == 2, "an upright and an italic face"
    for face in ours:
        assert "font-display: swap" in face
        urls = re.findall(r'url\("([^"]+)"\)', face)
        assert urls and all(not re.match(r"[a-z]+:|//", url) for url in urls), urls
        assert {url.rsplit("/", 1)[-1] for url in urls} <= {"SourceSans3VF-Upright.woff2", "SourceSans3VF-Italic.woff2"}
    assert re.search(r'--md-text-font:\s*"Source Sans 3"', css)
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    assert config["theme"]["font"] == "false", "Material must not fetch Google Fonts"
    lock = json.loads((ROOT / "package-lock.json").read_text("utf-8"))
    assert lock["packages"]["node_modules/source-sans"]["version"] == "3.52.0"
    assert json.loads((ROOT / "package.json").read_text("utf-8"))["dependencies"]["source-sans"] == "3.52.0"


def _guide_text() -> str:
    """Every character a page can show outside math: the Markdown, the generated snippets, the notebooks."""
    docs = ROOT / "docs"
    return "".join(path.read_text("utf-8") for pattern in ("**/*.md", "**/*.ipynb") for path in sorted(docs.glob(pattern)))


@pytest.mark.parametrize("style_name", ["Upright", "Italic"])
def test_the_pages_font_is_a_small_subset_that_keeps_every_glyph_the_guide_uses(style_name):
    from fontTools.ttLib import TTFont

    full_path = ROOT / "node_modules" / "source-sans" / "VF" / f"SourceSans3VF-{style_name}.ttf"
    shipped_path = ROOT / "docs" / "assets" / "fonts" / f"SourceSans3VF-{style_name}.woff2"
    if not full_path.is_file() or not shipped_path.is_file():
        pytest.skip("the typeface is not installed (make setup runs npm ci and cuts the pages' fonts)")
    full, shipped = TTFont(full_path), TTFont(shipped_path)
    assert shipped.flavor == "woff2" and "fvar" in shipped, "a variable woff2, every weight in one file"
    assert shipped_path.stat().st_size < 80_000, "the cut font is what every first paint waits for"
    full_cmap, shipped_cmap = full.getBestCmap(), shipped.getBestCmap()
    used = {ord(ch) for ch in _guide_text()}
    lost = sorted(chr(code) for code in used if code in full_cmap and code not in shipped_cmap)
    assert not lost, f"Source Sans 3 draws {lost} but the pages' cut does not: widen FONT_UNICODES in the Makefile"
    assert "kern" in {record.FeatureTag for record in shipped["GPOS"].table.FeatureList.FeatureRecord}


# --- colours ------------------------------------------------------------------------

def _draw(name: str, theme_name: str):
    from matplotlib.figure import Figure

    import figures.outputs  # noqa: F401  (registers the outputs)
    from figures.params import load
    from figures.registry import OUTPUTS, Params
    from figures.style import THEMES, load_fonts, themed_rc

    load_fonts()
    output = OUTPUTS[name]
    theme = THEMES[theme_name]
    with matplotlib.rc_context(themed_rc(theme)):
        fig = Figure(figsize=output.size)
        output.function(fig, Params(load(), output.reads, output.name), theme)
    return fig, theme


def _colour_of(fig, label: str) -> str:
    colours = {matplotlib.colors.to_hex(line.get_color()) for ax in fig.axes for line in ax.lines
               if line.get_label() == label}
    assert len(colours) == 1, f"{label!r}: {colours}"
    return colours.pop()


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_a_factor_has_one_colour_in_every_figure(theme_name):
    """w₂ = 0.5 (and a forget gate of 0.5: the same per-step factor) is the vanishing colour
    wherever it appears; w₂ = 1 the colour of the edge; w₂ = 2 the exploding colour."""
    found: dict[str, set[str]] = {"0.5": set(), "1": set(), "2": set()}
    for name, labels in (("powers-log", ("$w_{2} = 0.5$", "$w_{2} = 1$", "$w_{2} = 2$")),
                         ("input-shares", ("$w_{2} = 0.5$", "$w_{2} = 1$", "$w_{2} = 2$")),
                         ("memory-fading", ("$w_{2} = 0.5$", "$w_{2} = 1$")),
                         ("forget-decay", ("$f = 0.5$", "$f = 1$"))):
        fig, theme = _draw(name, theme_name)
        for label in labels:
            found[label.split("= ")[1].rstrip("$")].add(_colour_of(fig, label))
    assert found == {"0.5": {theme.vanishing}, "1": {theme.edge}, "2": {theme.exploding}}
    # the descent runs: from w₂ = 2 explodes, from w₂ = 0.5 vanishes
    for name, colour in (("descent-exploding", theme.exploding), ("descent-vanishing", theme.vanishing)):
        fig, _ = _draw(name, theme_name)
        assert matplotlib.colors.to_hex(fig.axes[0].lines[0].get_color()) == colour


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_an_architecture_has_one_colour_in_every_figure(theme_name, monkeypatch):
    from types import SimpleNamespace

    from figures.outputs import longrange

    def trained(params):  # the colours, not the minutes of training: made-up results
        n = len(longrange.settings(params)["lengths"])
        seeds = longrange.settings(params)["seeds"]
        return {kind: SimpleNamespace(success_rate=np.linspace(1, 0, n), test_loss=np.full((n, seeds), 0.1))
                for kind, _ in longrange.MODELS}

    monkeypatch.setattr(longrange, "studies", trained)
    fig, theme = _draw("long-range", theme_name)
    top = fig.axes[0]
    by_label = {line.get_label(): matplotlib.colors.to_hex(line.get_color()) for line in top.lines}
    assert by_label["LSTM"] == theme.lstm and by_label["GRU"] == theme.gru and by_label["tanh RNN"] == theme.rnn
    fig, _ = _draw("gradient-flow", theme_name)
    for line in fig.axes[0].lines:
        label = line.get_label()
        if label.startswith("_"):
            continue
        family = {"tanh RNN": theme.rnn, "LSTM": theme.lstm, "GRU": theme.gru}[label.split(",")[0]]
        assert matplotlib.colors.to_hex(line.get_color()) == family, label


def test_a_value_outside_the_table_gets_a_colour_no_other_line_has():
    from figures.style import THEMES, factor_colour

    theme = THEMES["light"]
    values = [0.5, 0.7, 0.8, 0.6, 1.0]
    colours = [factor_colour(theme, v, values) for v in values]
    assert len(set(colours)) == len(values), colours
    assert factor_colour(theme, 0.5, values) == theme.vanishing


def _contrast(a: str, b: str) -> float:
    def luminance(colour):
        channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                    for c in matplotlib.colors.to_rgb(colour)]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme_name,background", [("light", "#ffffff"), ("dark", "#1e2129")])
def test_every_role_is_readable_as_text_on_the_page(theme_name, background):
    from figures.style import THEMES

    theme = THEMES[theme_name]
    for field in dataclasses.fields(theme):
        if field.name in ("name", "grid", "fill", "phone"):
            continue
        colour = getattr(theme, field.name)
        assert _contrast(colour, background) >= 4.5, f"{theme_name} {field.name} {colour}"


def test_the_heatmap_colour_bar_spans_the_data_not_more():
    fig, _ = _draw("jacobian-heatmap", "dark")
    image = fig.axes[0].images[0]
    vmin, vmax = image.get_clim()
    data = np.asarray(image.get_array(), dtype=float)
    low, high = float(np.nanmin(data)), float(np.nanmax(data))
    assert vmin <= low and high <= vmax
    assert low - vmin < 1 and vmax - high < 1, (vmin, vmax, low, high)
    assert (vmax - vmin) <= 1.25 * (high - low), "the colour bar is mostly empty"
