"""The shared look of every figure, light and dark, and byte-stable SVG output.

One typeface for the figures and the pages: Source Sans 3, from the npm package
``source-sans`` (pinned by package-lock.json; ``make setup`` installs it). Math in a
figure is matplotlib's mathtext in Computer Modern, the face KaTeX sets the page's math in.

One colour per meaning, guide-wide: a figure never picks a colour by position but by
what a line stands for (:class:`Theme`'s roles, :func:`factor_colour` for a per-step
factor such as w₂ or a forget gate), so a meaning keeps its colour from figure to figure.
"""
from __future__ import annotations

import io
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib

matplotlib.use("svg")
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402


FONT_FAMILY = "Source Sans 3"
FONT_DIR = Path(__file__).resolve().parent.parent / "node_modules" / "source-sans" / "TTF"
#: The faces the figures use: regular, bold (titles), italic and bold italic.
FONT_FILES = tuple(FONT_DIR / f"SourceSans3-{face}.ttf" for face in ("Regular", "Bold", "It", "BoldIt"))


class FontMissing(RuntimeError):
    """The figures' typeface is not installed."""


def load_fonts() -> None:
    """Register Source Sans 3 with matplotlib, or fail in one line telling how to install it."""
    missing = [path for path in FONT_FILES if not path.is_file()]
    if missing:
        raise FontMissing(f"the figures' typeface {FONT_FAMILY} is missing "
                          f"({missing[0].relative_to(FONT_DIR.parents[2])}): run `make setup`")
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in FONT_FILES:
        if str(path) not in known:
            font_manager.fontManager.addfont(str(path))


@dataclass(frozen=True)
class Theme:
    """Colours by meaning. Every text colour has a contrast of at least 4.5:1 on the
    page background of its scheme (white; Material's slate #1e2129)."""
    name: str
    ink: str         # text, axes, strokes
    muted: str       # secondary text, ignored values, reference lines
    grid: str
    fill: str        # box backgrounds
    # what a growing or shrinking product means, in every figure
    exploding: str   # grows step by step: w₂ = 2, γλ > 1, a step thrown off the map
    vanishing: str   # shrinks step by step: w₂ = 0.5, γλ < 1
    edge: str        # neither: a factor of exactly 1, γλ = 1
    # the parts of a network
    prediction: str  # the network's output, the hidden state, the main series of a figure
    recurrent: str   # what the loop carries to the next step (× w₂)
    gradient: str    # a derivative, a gradient flowing back
    input: str       # the input x
    optimum: str     # the best value, the target a descent should reach
    clipped: str     # gradient-norm clipping
    # the three architectures
    rnn: str
    lstm: str
    gru: str
    # the two companies of the first chapter (the sources call them blue and red)
    company_blue: str
    company_red: str
    # more per-step factors when a figure compares several below 1 (see factor_colour)
    slow: str        # fades, but slowly (w₂ = 0.8, f = 0.9)
    slower: str      # fades more slowly still (w₂ = 0.95, f = 0.99)
    negative: str    # a negative factor: w₂ = −0.5 flips the sign every step
    #: True while drawing a figure's phone variant (figures/registry.py PHONE_WIDTH wide):
    #: a wide diagram then stacks its parts, puts fewer words per box, labels directly.
    phone: bool = False


THEMES = {
    "light": Theme("light", ink="#1f2328", muted="#59636e", grid="#d1d9e0", fill="#eef0fb",
                   exploding="#c2410c", vanishing="#0e7490", edge="#59636e",
                   prediction="#3949ab", recurrent="#c2410c", gradient="#c2410c", input="#0e7490", optimum="#15803d",
                   clipped="#d6008f", rnn="#be123c", lstm="#3949ab", gru="#15803d",
                   company_blue="#1d4ed8", company_red="#b91c1c",
                   slow="#1d4ed8", slower="#7e22ce", negative="#a16207"),
    "dark": Theme("dark", ink="#e6edf3", muted="#9aa4b2", grid="#3d444d", fill="#232840",
                  exploding="#fb923c", vanishing="#22d3ee", edge="#9aa4b2",
                  prediction="#9fa8ff", recurrent="#fb923c", gradient="#fb923c", input="#22d3ee", optimum="#4ade80",
                  clipped="#ff4fd8", rnn="#fb7185", lstm="#9fa8ff", gru="#4ade80",
                  company_blue="#60a5fa", company_red="#f87171",
                  slow="#60a5fa", slower="#d8b4fe", negative="#facc15"),
}

#: The role of each per-step factor (w₂, a forget gate f) that figures show: the same
#: value has the same colour in every figure. Values not listed here get spare roles.
FACTOR_ROLES = {2.0: "exploding", 1.0: "edge", 0.5: "vanishing", 0.8: "slow", 0.9: "slow",
                0.95: "slower", 0.99: "slower", -0.5: "negative"}
SPARE_ROLES = ("slow", "slower", "negative", "ink")


def factor_colour(theme: Theme, value: float, others=()) -> str:
    """The colour of a per-step factor. ``others``: the factors the same figure shows,
    so that values outside :data:`FACTOR_ROLES` get distinct spare colours."""
    value = float(value)
    if value in FACTOR_ROLES:
        return getattr(theme, FACTOR_ROLES[value])
    spare = sorted({float(v) for v in others if float(v) not in FACTOR_ROLES} | {value})
    used = {FACTOR_ROLES[float(v)] for v in others if float(v) in FACTOR_ROLES}
    roles = [role for role in SPARE_ROLES if role not in used] or list(SPARE_ROLES)
    return getattr(theme, roles[spare.index(value) % len(roles)])


SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ᵗᵀᵏ", "0123456789-+tTk"))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₋ₜ", "0123456789-t"))
MATH_WORDS = {"×": r"\times ", "≈": r"\approx ", "−": "-", "·": r"\cdot ", "γ": r"\gamma ",
              "λ": r"\lambda ", "σ": r"\sigma ", "ρ": r"\rho ", "η": r"\eta ", "±": r"\pm ", "…": r"\ldots ", "′": "'"}


def math(text: str) -> str:
    """A formula written with Unicode (``2⁵⁰ ≈ 1.13 × 10¹⁵``, ``w₂ = −0.5``) as mathtext,
    so that the figure sets it like KaTeX sets the page's math."""
    out, i = [], 0
    while i < len(text):
        for table, mark in ((SUPERSCRIPTS, "^"), (SUBSCRIPTS, "_")):
            if text[i] in table:
                j = i
                while j < len(text) and text[j] in table:
                    j += 1
                out.append(f"{mark}{{{''.join(table[c] for c in text[i:j])}}}")
                i = j
                break
        else:
            c = text[i]
            if c == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                out.append("{,}")
            else:
                out.append(MATH_WORDS.get(c, c))
            i += 1
    return "$" + "".join(out) + "$"


def trend_colour(theme: Theme, factor: float) -> str:
    """The colour of a product's per-step factor by what it does: grow, shrink or neither."""
    return theme.exploding if factor > 1 else theme.vanishing if factor < 1 else theme.edge


def band(ax, theme: Theme, x, low, high, colour):
    """A percentile band: thin edges and a faint fill. Overlapping bands stay readable
    (strong translucent fills mix into mud, brown on the dark page)."""
    ax.fill_between(x, low, high, color=colour, alpha=0.1 if theme.name == "light" else 0.05, lw=0)
    for edge in (low, high):
        ax.plot(x, edge, color=colour, lw=0.7, alpha=0.7)


RC = {
    "svg.hashsalt": "rnn-guide",
    "svg.fonttype": "path",
    "font.family": FONT_FAMILY,
    "mathtext.fontset": "cm",  # Computer Modern, as KaTeX sets the page's math
    "axes.unicode_minus": True,
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "legend.frameon": False,
    "figure.dpi": 96,
    "path.simplify": False,
}


def themed_rc(theme: Theme) -> dict:
    return {
        **RC,
        "text.color": theme.ink,
        "axes.labelcolor": theme.ink,
        "axes.edgecolor": theme.muted,
        "axes.facecolor": "none",
        "figure.facecolor": "none",
        "savefig.facecolor": "none",
        "savefig.transparent": True,
        "xtick.color": theme.muted,
        "ytick.color": theme.muted,
        "xtick.labelcolor": theme.ink,
        "ytick.labelcolor": theme.ink,
        "grid.color": theme.grid,
        "axes.prop_cycle": matplotlib.cycler(color=[theme.prediction]),
    }


class LabelCollision(ValueError):
    """Two texts of a figure overlap, or a text leaves the figure."""


@contextmanager
def _drawn_texts():
    """Record every text matplotlib actually draws, with its box in display pixels
    (tick labels outside the axis range are created but never drawn)."""
    drawn: dict[int, tuple[str, Bbox, Bbox]] = {}  # by text: constrained layout draws twice
    original = Text.draw

    def draw(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            box = self.get_window_extent(renderer)
            if box.width > 0 and box.height > 0:
                # the figure's box at this draw: the SVG backend draws at 72 dpi
                drawn[id(self)] = (self.get_text(), box, self.get_figure(root=True).bbox.frozen())

    Text.draw = draw
    try:
        yield drawn
    finally:
        Text.draw = original


def label_problems(drawn: list[tuple[str, Bbox, Bbox]], slack: float = 1.0) -> list[str]:
    """Texts (text, its box, the figure's box) that overlap each other or leave the
    figure, by more than ``slack`` pixels."""
    problems = []
    for i, (text, box, figure_box) in enumerate(drawn):
        if (box.x0 < figure_box.x0 - slack or box.x1 > figure_box.x1 + slack
                or box.y0 < figure_box.y0 - slack or box.y1 > figure_box.y1 + slack):
            problems.append(f"{text!r} leaves the figure")
        for other, other_box, _ in drawn[i + 1:]:
            width = min(box.x1, other_box.x1) - max(box.x0, other_box.x0)
            height = min(box.y1, other_box.y1) - max(box.y0, other_box.y0)
            if width > slack and height > slack:
                problems.append(f"{text!r} overlaps {other!r}")
    return problems


#: On a phone a figure is drawn 360 px wide instead of 614: its text shrinks by this
#: factor (never below PHONE_MIN_PT, 11 CSS px), so that more of it fits the narrower
#: figure; a text still wider than the figure is wrapped at its spaces.
PHONE_TEXT_SCALE = 0.8
PHONE_MIN_PT = 8.25


def _split_words(text: str) -> list[str]:
    """The text's words; a $…$ math span never breaks."""
    words, math = [""], False
    for char in text:
        if char == "$":
            math = not math
        if char == " " and not math:
            words.append("")
        else:
            words[-1] += char
    return [word for word in words if word]


def _wrap(text: str, fraction: float) -> str:
    """``text`` broken at spaces into lines about ``fraction`` as long as its longest."""
    lines = []
    limit = max(1, int(max(len(line) for line in text.split("\n")) * fraction))
    for line in text.split("\n"):
        current = ""
        for word in _split_words(line):
            if current and len(current) + 1 + len(word) > limit:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        lines.append(current)
    return "\n".join(lines)


def fit_phone(fig: Figure) -> None:
    """Shrink every text of a phone variant by PHONE_TEXT_SCALE (not below PHONE_MIN_PT),
    then wrap each text that is wider than the room it has in the figure."""
    def smaller(size: float) -> float:
        return max(PHONE_MIN_PT, round(size * PHONE_TEXT_SCALE, 2)) if size > PHONE_MIN_PT else size

    fig.draw_without_rendering()  # makes the tick labels
    ticks = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for which, found in (("major", axis.get_major_ticks()), ("minor", axis.get_minor_ticks())):
                if found:
                    axis.set_tick_params(which=which, labelsize=smaller(found[0].label1.get_fontsize()))
                ticks.update(id(label) for tick in found for label in (tick.label1, tick.label2))
    texts = [text for text in fig.findobj(Text) if id(text) not in ticks and text.get_text().strip()]
    for text in texts:
        text.set_fontsize(smaller(text.get_fontsize()))
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    room = fig.bbox
    for text in texts:
        if not text.get_visible():
            continue
        box = text.get_window_extent(renderer)
        align = text.get_horizontalalignment()
        if align == "left":
            space = room.x1 - box.x0
        elif align == "right":
            space = box.x1 - room.x0
        else:
            space = 2 * min(box.x0 + box.width / 2 - room.x0, room.x1 - box.x0 - box.width / 2)
        space = min(space, room.width) - 6
        if box.width > space > 0 and " " in text.get_text():
            text.set_text(_wrap(text.get_text(), 0.97 * space / box.width))


def fit_height(fig: Figure, x0: float, x1: float, y0: float, y1: float, extra: float = 0.0) -> None:
    """Keep the figure's width (a phone variant's is PHONE_WIDTH) and make it as tall as a
    drawing of x0…x1 by y0…y1 at equal aspect needs, plus ``extra`` inches."""
    width = fig.get_figwidth()
    fig.set_size_inches(width, width * (y1 - y0) / (x1 - x0) + extra)


def render_svg(draw, size: tuple[float, float], theme_name: str, *, phone: bool = False):
    """Run ``draw(fig, theme)`` on a fresh figure; return ``(svg bytes, draw's result)``.
    With ``phone``, ``theme.phone`` is true (the figure draws its phone layout).

    Raises :class:`LabelCollision` when two drawn texts overlap or one leaves the figure."""
    load_fonts()
    theme = replace(THEMES[theme_name], phone=phone)
    with matplotlib.rc_context(themed_rc(theme)), warnings.catch_warnings():
        # a glyph the typeface lacks would come from a fallback font: refuse it
        warnings.filterwarnings("error", message=r"Glyph .* missing from font")
        fig = Figure(figsize=size, layout="constrained")
        result = draw(fig, theme)
        if phone:
            fit_phone(fig)
        buffer = io.BytesIO()
        with _drawn_texts() as drawn:
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        problems = label_problems(list(drawn.values()))
        if problems:
            raise LabelCollision("; ".join(dict.fromkeys(problems)))
    return buffer.getvalue(), result
