"""The shared look of every figure, light and dark, and byte-stable SVG output."""
from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass, replace

import matplotlib

matplotlib.use("svg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402


@dataclass(frozen=True)
class Theme:
    name: str
    ink: str      # text, axes, strokes
    muted: str    # secondary text, ignored values
    grid: str
    fill: str     # box backgrounds
    accent: str   # the main series, the prediction
    warm: str     # a second series, exploding
    cool: str     # a third series, vanishing
    green: str
    #: True while drawing a figure's phone variant (figures/registry.py PHONE_WIDTH wide):
    #: a wide diagram then stacks its parts, puts fewer words per box, labels directly.
    phone: bool = False


THEMES = {
    "light": Theme("light", ink="#1f2328", muted="#59636e", grid="#d1d9e0", fill="#eef0fb",
                   accent="#3949ab", warm="#c2410c", cool="#0e7490", green="#15803d"),
    "dark": Theme("dark", ink="#e6edf3", muted="#9aa4b2", grid="#3d444d", fill="#232840",
                  accent="#9fa8ff", warm="#fb923c", cool="#22d3ee", green="#4ade80"),
}

RC = {
    "svg.hashsalt": "rnn-guide",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
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
        "axes.prop_cycle": matplotlib.cycler(color=[theme.accent, theme.warm, theme.cool, theme.green]),
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


def render_svg(draw, size: tuple[float, float], theme_name: str, *, phone: bool = False):
    """Run ``draw(fig, theme)`` on a fresh figure; return ``(svg bytes, draw's result)``.
    With ``phone``, ``theme.phone`` is true (the figure draws its phone layout).

    Raises :class:`LabelCollision` when two drawn texts overlap or one leaves the figure."""
    theme = replace(THEMES[theme_name], phone=phone)
    with matplotlib.rc_context(themed_rc(theme)):
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
