"""The matplotlib backend of the site build's notebook kernel: plots in the guide's look,
once per colour scheme.

Only the site build uses it: ``docs/hooks/notebooks.py`` sets ``MPLBACKEND`` to this
module and ``GUIDE_PLOT_THEMES`` to the guide's two figure themes (``figures/style.py``)
before mkdocs-jupyter starts a kernel. A learner who runs a notebook in Jupyter gets
Jupyter's own inline backend and an ordinary plot; the notebooks hold plain matplotlib.

A figure is drawn with the light theme's settings (transparent background, the guide's
font, colours and series cycle). On ``plt.show()`` (or at the end of the cell) it is
saved as SVG, then every colour of the light theme in it is swapped for its dark
counterpart and it is saved again. The cell's output is one ``text/html`` block with two
images, ``#only-light`` and ``#only-dark``, so Material shows the one of the reader's
scheme. The alt text says what the axes show ("Plot of Y against X"), the way
``docs/hooks/notebooks.py`` describes other images; a ``# alt:`` comment in the cell
replaces it there.
"""
from __future__ import annotations

import base64
import html
import io
import json
import os

import matplotlib
from matplotlib import colors
from matplotlib._pylab_helpers import Gcf
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends import backend_agg

THEMES = json.loads(os.environ.get("GUIDE_PLOT_THEMES", "{}"))
SCHEMES = ("light", "dark")
COLOUR_PROPERTIES = ("color", "facecolor", "edgecolor", "markerfacecolor", "markeredgecolor")

FigureCanvas = FigureCanvasAgg


def _rc(theme: dict) -> dict:
    rc = dict(theme["rc"])
    rc["axes.prop_cycle"] = matplotlib.cycler(color=theme["cycle"])
    # A font the figure build registers itself may be missing here: keep matplotlib's
    # default then rather than print a warning into the page.
    from matplotlib import font_manager

    available = {font.name for font in font_manager.fontManager.ttflist}
    families = rc.get("font.family")
    wanted = [families] if isinstance(families, str) else list(families or [])
    present = [family for family in wanted if family in available or family in font_manager.font_family_aliases]
    if present:
        rc["font.family"] = present
    else:
        rc.pop("font.family", None)
    return rc


if THEMES:
    matplotlib.rcParams.update(_rc(THEMES["light"]))


def new_figure_manager(num, *args, **kwargs):
    return backend_agg.new_figure_manager(num, *args, **kwargs)


def new_figure_manager_given_figure(num, figure):
    return backend_agg.new_figure_manager_given_figure(num, figure)


def _swap(figure, mapping: dict[str, str]) -> None:
    """Give every artist of ``figure`` the mapped colour of each colour it has."""
    for artist in figure.findobj():
        for prop in COLOUR_PROPERTIES:
            getter, setter = getattr(artist, f"get_{prop}", None), getattr(artist, f"set_{prop}", None)
            if getter is None or setter is None:
                continue
            try:
                value = getter()
                rgba = colors.to_rgba(value)
            except (TypeError, ValueError):
                continue  # arrays of colours (collections) and 'none' stay as they are
            key = colors.to_hex(rgba)
            if key in mapping:
                setter(colors.to_rgba(mapping[key], rgba[3]))
        if isinstance(artist, matplotlib.axis.Axis):
            for tick in artist.get_major_ticks() + artist.get_minor_ticks():
                for line in (tick.tick1line, tick.tick2line):
                    key = colors.to_hex(line.get_markeredgecolor())
                    if key in mapping:
                        line.set_markeredgecolor(mapping[key])


def _svg(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
    return buffer.getvalue()


def describe(figure) -> str:
    """"Plot of Y against X on a logarithmic axis: TITLE" from the figure's first axes."""
    for axes in figure.get_axes():
        x, y = axes.get_xlabel(), axes.get_ylabel()
        if x and y:
            scale = " on a logarithmic axis" if axes.get_yscale() == "log" else ""
            title = f": {axes.get_title()}" if axes.get_title() else ""
            return f"Plot of {y} against {x}{scale}{title}"
    return "Plot"


def themed_html(figure) -> str:
    """The figure in both schemes, as two images of which Material shows one."""
    light = _svg(figure)
    lights, darks = THEMES["light"]["colors"], THEMES["dark"]["colors"]
    mapping = {colors.to_hex(lights[name]): darks[name] for name in lights
               if colors.is_color_like(lights[name]) and colors.is_color_like(darks.get(name))}
    _swap(figure, mapping)
    with matplotlib.rc_context(_rc(THEMES["dark"])):
        dark = _svg(figure)
    width, height = (round(v) for v in figure.get_size_inches() * figure.dpi)
    alt = html.escape(describe(figure), quote=True)
    images = "".join(
        f'<img class="guide-plot" src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}#only-{scheme}" '
        f'alt="{alt}" width="{width}" height="{height}" loading="lazy" decoding="async" data-gallery="figures-{scheme}">'
        for scheme, svg in zip(SCHEMES, (light, dark))
    )
    return f'<div class="guide-plots">{images}</div>'


def show(close=None, block=None):
    from IPython.display import HTML, display
    from matplotlib import pyplot

    for manager in Gcf.get_all_fig_managers():
        display(HTML(themed_html(manager.canvas.figure)))
    pyplot.close("all")


def _flush(*_args):
    """Like Jupyter's inline backend: a figure left open at the end of a cell is shown."""
    if Gcf.get_all_fig_managers():
        show()


try:
    from IPython import get_ipython

    if get_ipython() is not None:
        get_ipython().events.register("post_execute", _flush)
except ImportError:  # pragma: no cover - the kernel always has IPython
    pass
