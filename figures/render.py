"""Turn one registered output into the bytes of its files.

This module runs in the build's worker processes. It is the only place that
imports matplotlib (through ``style``), and only when a figure is rendered.
"""
from __future__ import annotations

import html
import json
import math
import re
from typing import Any, Mapping

from . import outputs  # noqa: F401  (registers every output)
from .registry import FIGURE_DIR, OUTPUTS, THEMES, Output, Params, Text

PX_PER_PT = 4 / 3
#: The smallest text a figure may show, in CSS px, at any screen width.
MIN_TEXT_PX = 11
#: matplotlib writes each text as ``<g id="text_N"><!-- the text --><g … scale(s -s)">``
#: with s = font size in pt / 100 (svg.fonttype "path").
TEXT_SIZE = re.compile(rb'<g id="text_\d+">\s*<!-- .*? -->\s*<g [^>]*?scale\(([\d.]+) -', re.S)


def _svg_size(svg: bytes) -> tuple[int, int]:
    match = re.search(rb'<svg[^>]*\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"', svg)
    if not match:
        raise ValueError("matplotlib SVG without a width and height in pt")
    return round(float(match[1]) * PX_PER_PT), round(float(match[2]) * PX_PER_PT)


def smallest_text_pt(svg: bytes) -> float:
    """The font size, in pt, of the smallest text in a matplotlib SVG."""
    sizes = [float(match[1]) * 100 for match in TEXT_SIZE.finditer(svg)]
    return min(sizes) if sizes else 0.0


def legible_width(svg: bytes) -> int:
    """The narrowest CSS width, in px, at which the figure's smallest text is MIN_TEXT_PX.

    On a phone the guide shows a figure no narrower than this; a figure that is then
    wider than the screen scrolls sideways inside its own box (docs/assets/guide.css).
    """
    width, _ = _svg_size(svg)
    smallest = smallest_text_pt(svg)
    if not smallest:
        return 0
    return math.ceil(width * MIN_TEXT_PX / (smallest * PX_PER_PT))


def _alt(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("\n", " ")


def figure_markdown(output: Output, text: Text, size: tuple[int, int], phone_width: int = 0) -> str:
    """The include a page pulls in: both variants, alt text, a caption.

    Material shows ``#only-light`` or ``#only-dark`` by the reader's scheme; the
    hidden variant is lazy, so it is not downloaded until the scheme changes.
    ``data-gallery`` keeps the variants in separate lightbox galleries
    (mkdocs-glightbox), so a dark reader never pages through light images.
    ``--guide-legible-width`` is :func:`legible_width`, for narrow screens.
    """
    if not text.alt.strip() or not text.caption.strip():
        raise ValueError(f"figure {output.name!r} needs alt text and a caption")
    width, height = size
    images = [
        f'![{_alt(text.alt)}]({FIGURE_DIR.removeprefix("docs/")}/{output.name}-{theme}.svg#only-{theme})'
        f'{{ width="{width}" height="{height}" loading="lazy" decoding="async" data-gallery="figures-{theme}" }}'
        for theme in THEMES
    ]
    return (
        f'<figure class="guide-figure" id="fig-{output.name}" markdown="span"'
        + (f' style="--guide-legible-width: {phone_width}px"' if phone_width else "")
        + ">\n"
        + "\n".join(images)
        + f"\n<figcaption>{html.escape(text.caption, quote=False)}</figcaption>\n</figure>\n"
    )


def render(name: str, values: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file of output ``name`` as bytes, keyed by path relative to the repository."""
    output = OUTPUTS[name]
    params = Params(values, output.reads, name)
    paths = output.files()
    if output.kind == "figure":
        from .style import LabelCollision, render_svg

        files: dict[str, bytes] = {}
        texts: list[Text] = []
        for theme, path in zip(THEMES, paths):
            try:
                svg, text = render_svg(lambda fig, th: output.function(fig, params, th), output.size, theme)
            except LabelCollision as error:
                raise LabelCollision(f"figure {name!r} ({theme}): {error}") from None
            if not isinstance(text, Text):
                raise TypeError(f"figure {name!r} must return Text(alt=..., caption=...)")
            files[path] = svg
            texts.append(text)
        if texts[0] != texts[1]:
            raise ValueError(f"figure {name!r} says different things in light and dark")
        phone_width = max(legible_width(files[path]) for path in paths[:-1])
        files[paths[-1]] = figure_markdown(output, texts[0], _svg_size(files[paths[0]]), phone_width).encode()
        return files
    result = output.function(params)
    if output.suffix == ".json":
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in result.items()):
            raise TypeError(f"values {name!r} must map keys to display strings")
        data = json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    else:
        data = result if result.endswith("\n") else result + "\n"
    return {paths[0]: data.encode()}
