"""The shared look of every figure, light and dark, and byte-stable SVG output."""
from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("svg")
from matplotlib.figure import Figure  # noqa: E402


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


def render_svg(draw, size: tuple[float, float], theme_name: str):
    """Run ``draw(fig, theme)`` on a fresh figure; return ``(svg bytes, draw's result)``."""
    theme = THEMES[theme_name]
    with matplotlib.rc_context(themed_rc(theme)):
        fig = Figure(figsize=size, layout="constrained")
        result = draw(fig, theme)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue(), result
