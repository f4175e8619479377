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
from .registry import FIGURE_DIR, OUTPUTS, PHONE_WIDTH, THEMES, Output, Params, Text

PX_PER_PT = 4 / 3
#: The smallest text a figure may show, in CSS px, at any screen width.
MIN_TEXT_PX = 11
#: The phone variant's width in CSS px (its SVG's width); a phone shows it this wide
#: or wider, never narrower (docs/assets/guide.css section 1).
PHONE_PX = round(PHONE_WIDTH * 96)
#: Screens up to this width (CSS px; 37.5em in guide.css) show the phone variant; wider
#: ones the desktop variant, at least this wide or its own width.
PHONE_BREAKPOINT_PX = 600
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

    A desktop variant must be legible at PHONE_BREAKPOINT_PX, a phone variant at PHONE_PX.
    """
    width, _ = _svg_size(svg)
    smallest = smallest_text_pt(svg)
    if not smallest:
        return 0
    return math.ceil(width * MIN_TEXT_PX / (smallest * PX_PER_PT))


def _alt(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("\n", " ")


def figure_markdown(output: Output, text: Text, size: tuple[int, int], phone_size: tuple[int, int]) -> str:
    """The include a page pulls in: four variants, one alt text, one caption.

    Material shows ``#only-light`` or ``#only-dark`` by the reader's scheme, and
    docs/assets/guide.css the ``guide-desktop`` or the ``guide-phone`` variant by the
    screen's width. Every variant is lazy, so a hidden one is not downloaded.
    ``data-gallery`` keeps the variants in separate lightbox galleries
    (mkdocs-glightbox), so a dark reader never pages through light images, nor a
    desktop reader through phone ones.
    """
    if not text.alt.strip() or not text.caption.strip():
        raise ValueError(f"figure {output.name!r} needs alt text and a caption")
    images = []
    for kind, suffix, (width, height) in (("desktop", "", size), ("phone", "-phone", phone_size)):
        for theme in THEMES:
            gallery = f"figures-{theme}" + suffix
            images.append(
                f'![{_alt(text.alt)}]({FIGURE_DIR.removeprefix("docs/")}/{output.name}-{theme}{suffix}.svg#only-{theme})'
                f'{{ .guide-{kind} width="{width}" height="{height}" loading="lazy" decoding="async" '
                f'data-gallery="{gallery}" }}'
            )
    return (
        f'<figure class="guide-figure" id="fig-{output.name}" markdown="span">\n'
        + "\n".join(images)
        + f"\n<figcaption>{html.escape(text.caption, quote=False)}</figcaption>\n</figure>\n"
    )


def check_sizes(name: str, desktop: bytes, phone: bytes) -> None:
    """A phone variant PHONE_PX wide whose text is legible there; a desktop variant
    legible at PHONE_BREAKPOINT_PX (the narrowest screen that shows it)."""
    width, _ = _svg_size(phone)
    if width != PHONE_PX:
        raise ValueError(f"figure {name!r}: the phone variant is {width} px wide, not {PHONE_PX} "
                         f"(keep fig width PHONE_WIDTH = {PHONE_WIDTH} in when theme.phone)")
    if legible_width(phone) > PHONE_PX:
        raise ValueError(f"figure {name!r}: the phone variant's smallest text is {smallest_text_pt(phone):g} pt, "
                         f"under {MIN_TEXT_PX} px at {PHONE_PX} px (allowed: >= {MIN_TEXT_PX / PX_PER_PT:g} pt)")
    if legible_width(desktop) > PHONE_BREAKPOINT_PX:
        raise ValueError(f"figure {name!r}: the desktop variant's smallest text ({smallest_text_pt(desktop):g} pt) "
                         f"is under {MIN_TEXT_PX} px at {PHONE_BREAKPOINT_PX} px wide")


def render(name: str, values: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file of output ``name`` as bytes, keyed by path relative to the repository."""
    output = OUTPUTS[name]
    params = Params(values, output.reads, name)
    paths = output.files()
    if output.kind == "figure":
        from .style import LabelCollision, render_svg

        files: dict[str, bytes] = {}
        texts: list[Text] = []
        variants = [(theme, False, output.size) for theme in THEMES] + [(theme, True, output.phone) for theme in THEMES]
        for (theme, phone, size), path in zip(variants, paths):
            try:
                svg, text = render_svg(lambda fig, th: output.function(fig, params, th), size, theme, phone=phone)
            except LabelCollision as error:
                raise LabelCollision(f"figure {name!r} ({theme}{', phone' if phone else ''}): {error}") from None
            if not isinstance(text, Text):
                raise TypeError(f"figure {name!r} must return Text(alt=..., caption=...)")
            files[path] = svg
            texts.append(text)
        if any(text != texts[0] for text in texts):
            raise ValueError(f"figure {name!r} says different things in light and dark or on a phone")
        for desktop, phone in zip(paths[:2], paths[2:4]):
            check_sizes(name, files[desktop], files[phone])
        files[paths[-1]] = figure_markdown(output, texts[0], _svg_size(files[paths[0]]),
                                           _svg_size(files[paths[2]])).encode()
        return files
    result = output.function(params)
    if output.suffix == ".json":
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in result.items()):
            raise TypeError(f"values {name!r} must map keys to display strings")
        data = json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    else:
        data = result if result.endswith("\n") else result + "\n"
    return {paths[0]: data.encode()}
