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
