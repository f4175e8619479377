"""The figure build refuses labels that collide or leave the figure (figures/style.py)."""
from __future__ import annotations

import pytest

from figures.style import LabelCollision, render_svg


def _labels(positions):
    def draw(fig, theme):
        ax = fig.add_subplot()
        for x, y, text in positions:
            ax.text(x, y, text, fontsize=12, transform=ax.transAxes)
    return draw


def test_overlapping_labels_fail_the_build():
    with pytest.raises(LabelCollision, match="'first label' overlaps 'second label'"):
        render_svg(_labels([(0.3, 0.5, "first label"), (0.32, 0.51, "second label")]), (4, 3), "light")


def test_a_label_outside_the_figure_fails_the_build():
    def draw(fig, theme):
        fig.add_subplot()
        fig.text(0.95, 0.5, "far right", fontsize=12)
    with pytest.raises(LabelCollision, match="'far right' leaves the figure"):
        render_svg(draw, (4, 3), "dark")


def test_separate_labels_pass():
    svg, _ = render_svg(_labels([(0.1, 0.2, "one"), (0.1, 0.7, "two")]), (4, 3), "light")
    assert svg.startswith(b"<?xml")


def test_tick_labels_outside_the_axis_range_are_not_checked():
    def draw(fig, theme):
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1])
        ax.set_xlim(0.05, 0.95)  # ticks at 0 and 1 exist but are not drawn
    render_svg(draw, (4, 3), "light")


# --- phone variants --------------------------------------------------------------------

def _figures():
    import figures.outputs  # noqa: F401  (registers every output)
    from figures.registry import OUTPUTS
    return [output for output in OUTPUTS.values() if output.kind == "figure"]


def test_every_figure_has_a_phone_variant_legible_on_a_phone():
    """Each figure's light and dark phone SVGs are 360 px wide, so a 360 or 390 px screen
    shows them whole (guide.css: never narrower than drawn), with the smallest text >= 11 px
    there; the desktop SVGs' smallest text is >= 11 px at the narrowest screen that shows
    them (600 px); the include shows all four, the phone ones lazy and apart."""
    from figures.registry import ROOT
    from figures.render import (MIN_TEXT_PX, PHONE_BREAKPOINT_PX, PHONE_PX, PX_PER_PT, _svg_size,
                                smallest_text_pt)

    outputs = _figures()
    assert len(outputs) >= 29
    for output in outputs:
        files = output.files()
        phones = [path for path in files if path.endswith("-phone.svg")]
        assert [path.rsplit("/", 1)[1] for path in phones] == [f"{output.name}-light-phone.svg",
                                                               f"{output.name}-dark-phone.svg"]
        for path in phones:
            svg = (ROOT / path).read_bytes()
            width, _ = _svg_size(svg)
            assert width == PHONE_PX == 360, f"{path}: {width} px wide"
            smallest = smallest_text_pt(svg) * PX_PER_PT * PHONE_PX / width
            assert smallest >= MIN_TEXT_PX, f"{path}: smallest text {smallest:.2f} px at {PHONE_PX} px"
        for path in files[:2]:
            svg = (ROOT / path).read_bytes()
            width, _ = _svg_size(svg)
            shown = min(width, PHONE_BREAKPOINT_PX + 1)
            smallest = smallest_text_pt(svg) * PX_PER_PT * shown / width
            assert smallest >= MIN_TEXT_PX, f"{path}: smallest text {smallest:.2f} px at {shown} px"
        include = (ROOT / files[-1]).read_text("utf-8")
        for theme in ("light", "dark"):
            assert (f"{output.name}-{theme}-phone.svg#only-{theme}){{ .guide-phone width=\"{PHONE_PX}\"" in include
                    and f'data-gallery="figures-{theme}-phone"' in include), include
            assert f"{output.name}-{theme}.svg#only-{theme}){{ .guide-desktop" in include
        assert include.count('loading="lazy"') == 4 and include.count("<figcaption>") == 1


def test_a_phone_variant_with_small_text_fails_the_build():
    from figures.render import check_sizes

    def draw(size):
        def text(fig, theme):
            fig.text(0.1, 0.5, "small print", fontsize=size)
        return text
    desktop, _ = render_svg(draw(10), (6.4, 2), "light")
    legible, _ = render_svg(draw(8.25), (3.75, 2), "light")
    tiny, _ = render_svg(draw(8), (3.75, 2), "light")
    narrow, _ = render_svg(draw(10), (3.5, 2), "light")
    check_sizes("ok", desktop, legible)
    with pytest.raises(ValueError, match="'tiny': the phone variant's smallest text is 8 pt"):
        check_sizes("tiny", desktop, tiny)
    with pytest.raises(ValueError, match="'narrow': the phone variant is 336 px wide, not 360"):
        check_sizes("narrow", desktop, narrow)


def test_the_phone_variant_shrinks_and_wraps_text_that_would_leave_it():
    """theme.phone is set for the phone variant, whose texts shrink by PHONE_TEXT_SCALE and
    wrap at spaces when wider than the figure; on the desktop the same title would collide."""
    from figures.style import PHONE_MIN_PT, PHONE_TEXT_SCALE

    seen = []

    def draw(fig, theme):
        seen.append(theme.phone)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1])
        ax.set_title("a title much too long for a figure only three point seven five inches wide", fontsize=12)
        ax.text(0.5, 0.5, "tiny", fontsize=8.5)
        return ax

    with pytest.raises(LabelCollision, match="leaves the figure"):
        render_svg(draw, (3.75, 3), "light")
    svg, ax = render_svg(draw, (3.75, 3), "dark", phone=True)
    assert seen == [False, True]
    assert "\n" in ax.get_title() and ax.title.get_fontsize() == pytest.approx(12 * PHONE_TEXT_SCALE)
    assert ax.texts[0].get_fontsize() == PHONE_MIN_PT
