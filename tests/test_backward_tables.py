"""The backward pass in numbers: exact tables equal the engine's gradients and central
differences, and what the page says about them holds."""
from __future__ import annotations

from fractions import Fraction

import pytest

from conftest import ROOT
from rnncore import backward_tables as bt
from rnncore import statquest_gradients as sg
from rnncore.statquest import STATQUEST

THREE = [1.0, 0.5, 0.5]           # High, Medium, Medium
LONG = [1.0] + [0.5] * 9          # High, then Medium
OBSERVED = 0.5


def network(w2):
    return {**STATQUEST.as_dict(), "w2": w2}


@pytest.mark.parametrize("w2", [2.0, 0.5, -0.5])
@pytest.mark.parametrize("inputs", [THREE, LONG], ids=["three", "long"])
def test_totals_equal_engine_rnn_and_central_differences(w2, inputs):
    tb = bt.table(network(w2), inputs, OBSERVED)
    assert tb.total == sg.gradients(network(w2), [inputs], [OBSERVED], exact=True)["w2"]
    assert float(tb.total) == pytest.approx(sg.rnn_gradients(network(w2), [inputs], [OBSERVED])["w2"], rel=1e-12, abs=1e-12)
    central = sg.finite_differences(network(w2), [inputs], [OBSERVED])["w2"]
    if any(row.x == 0 for row in tb.rows):
        # at a kink of ReLU (x = 0) the backward pass takes ReLU′(0) = 0, the slope on the side of
        # smaller w2 here: the one-sided difference from below agrees, the central one does not
        eps = 1e-7
        below = (float(sg.ssr(network(w2), [inputs], [OBSERVED])) -
                 float(sg.ssr(network(w2 - eps), [inputs], [OBSERVED]))) / eps
        assert float(tb.total) == pytest.approx(below, rel=1e-5, abs=1e-5)
        assert abs(central - float(tb.total)) > 1e-3
        text = (ROOT / f"docs/snippets/backward-{'three-days' if inputs == THREE else 'long'}.md").read_text("utf-8")
        assert "kink" in text
    else:
        assert float(tb.total) == pytest.approx(central, rel=1e-6, abs=1e-6)
    for row in tb.rows:       # each term is visibly dSSR/dpred × w3 × w2^(T−t) × slopes × y_(t−1)
        assert tb.unfolded(row) == row.term
        assert row.power == len(inputs) - row.t
    assert tb.rows[-1].term == 0 and tb.rows[-1].previous_y == 0   # y_0 = 0: the first copy adds nothing


@pytest.mark.parametrize("w2, factor", [(2.0, 2), (0.5, Fraction(1, 2))])
def test_dssr_dy_doubles_or_halves_per_copy(w2, factor):
    for inputs in (THREE, LONG):
        rows = bt.table(network(w2), inputs, OBSERVED).rows
        assert all(row.slope == 1 for row in rows)
        for later, earlier in zip(rows, rows[1:]):
            assert earlier.d_y == later.d_y * factor


def test_trained_w2_switches_the_second_relu_off_and_the_gradient_is_zero():
    tb = bt.table(network(-0.5), THREE, OBSERVED)
    second = next(row for row in tb.rows if row.t == 2)
    assert second.x == 0 and second.slope == 0
    assert tb.total == 0


def test_long_sequence_claims():
    big = bt.table(network(2.0), LONG, OBSERVED)
    terms = [row.term for row in big.rows[:-1]]
    assert all(Fraction(1, 2) < a / b < 2 for a, b in zip(terms, terms[1:]))   # about as large as the next
    assert big.total > 10 ** 7
    small = bt.table(network(0.5), LONG, OBSERVED)
    terms = [row.term for row in small.rows[:-1]]
    assert all(Fraction(2, 5) < b / a < Fraction(3, 5) for a, b in zip(terms, terms[1:]))   # they halve
    negative = bt.table(network(-0.5), LONG, OBSERVED)
    live = [row for row in negative.rows if row.slopes == 1]
    assert all(a.d_y * b.d_y < 0 for a, b in zip(live, live[1:]))      # the sign flips at every copy
    cut = [row for row in negative.rows if row.slopes == 0]
    assert cut and any(row.x == 0 for row in negative.rows)            # a sum of exactly 0 cuts the oldest off
    assert all(row.t < live[-1].t for row in cut)


def test_snippets_show_every_tab_and_the_checks():
    text = (ROOT / "docs/snippets/backward-three-days.md").read_text(encoding="utf-8")
    for label in ("2", "0.5", "−0.5"):
        assert f'=== "w₂ = {label}"' in text
    assert "2⁰" in text and "2²" in text and "(−0.5)²" in text
    assert "**185.1498**" in text   # 102.861 + 82.2888 + 0, exact
