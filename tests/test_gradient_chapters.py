"""The corrections of the gradient chapters' second edition, each computed."""
from __future__ import annotations

import json
import re
from decimal import Decimal

import numpy as np
import pytest

from conftest import ROOT
from rnncore import bistable, examples, powers
from rnncore.activations import gamma, sigmoid


def page(name: str) -> str:
    return (ROOT / "docs" / name).read_text(encoding="utf-8")


def generated(name: str) -> dict[str, str]:
    return json.loads((ROOT / f"docs/snippets/values/{name}.json").read_text(encoding="utf-8"))


# --- squiggles: T days, T − 1 multiplications ---------------------------------------

def test_fifty_one_days_have_fifty_squiggles():
    values = generated("powers")
    assert int(values["powers.days"]) == int(values["powers.unrolls"]) + 1 == 51
    assert examples.get("explode-50").value == 2 ** 50
    # the input shares of a 50-day unroll put the first day at w2^49 of the last
    shares = powers.input_shares(2, 50)
    assert shares[0] / shares[-1] == 2 ** 49
    text = page("exploding.md")
    assert "fifty squiggles" not in text and "w_2^{T-1}" in text


# --- remedies: the wall, initialisation, truncation -----------------------------------

def test_the_wall_begins_at_one_over_the_sigmoid_slope_at_one_half():
    s = float(sigmoid(0.5))
    onset = 1 / (s * (1 - s))
    assert bistable.wall_onset(0.5) == pytest.approx(onset, rel=1e-15)
    assert 4.25 < onset < 4.26 and round(onset, 2) == 4.26
    assert generated("bistable")["bistable.wall_onset"] == "4.26"
    # below the onset the fixed point x0 = 0.5 is stable (no wall through it), above it is unstable
    for w, stable in ((4.0, True), (4.25, True), (4.26, False), (8.0, False)):
        assert (w * bistable.sigmoid_slope(0.5) < 1) is stable
    assert "{{ v:bistable.wall_onset }}" in page("remedies.md")


@pytest.mark.parametrize("c", [-0.7, 0.5, 1.0, 2.0])
def test_scaled_identity_and_scaled_orthogonal_have_singular_values_abs_c(c):
    from rnncore.ensembles import ensemble
    assert np.allclose(np.linalg.svd(c * np.eye(6), compute_uv=False), abs(c))
    Q = ensemble("orthogonal", 1.0, hidden=6, networks=1)[0]
    assert np.allclose(np.linalg.svd(c * Q, compute_uv=False), abs(c))


def test_identity_relu_network_copies_its_state_and_its_gradient():
    """Le, Jaitly and Hinton (2015): W_hh = I, zero bias, ReLU: while the units are on, the state is
    carried forward unchanged and ‖∂h_T/∂h_0‖ = 1 at every distance."""
    from rnncore.rnn import jacobian_norms, recurrence
    H, T = 5, 40
    h0 = np.linspace(0.2, 1.0, H)
    h, dphi = recurrence(np.eye(H)[None], np.zeros((1, T, H)), "relu", h0=h0)
    assert np.allclose(h[0], h0)
    assert np.allclose(jacobian_norms(np.eye(H)[None], dphi)[0], 1.0)


def test_sigmoid_would_need_singular_values_of_four():
    assert 1 / gamma("sigmoid") == 4 and 1 / gamma("tanh") == 1


def test_truncation_window_and_step_index_have_two_symbols():
    text = page("remedies.md")
    section = text[text.index("## Truncated backpropagation"):text.index("## Initialisation")]
    assert "\\tau" in section and "truncate=τ" in section
    assert "stops after \\(k\\) steps" not in section and "T - k < \\tau" in section


# --- references -------------------------------------------------------------------

def test_cited_papers_are_on_the_references_page_and_linked():
    references = page("references.md")
    for anchor in ("doya-1993", "le-2015", "pascanu-2013", "schmidt-2019", "bengio-1994"):
        assert "{ #" + anchor + " }" in references, anchor
    for name, text in (("bound.md", page("bound.md")), ("remedies.md", page("remedies.md"))):
        for author in ("Doya", "Pascanu", "Le, Jaitly", "Schmidt", "Bengio, Simard"):
            for match in re.finditer(re.escape(author), text):
                before = text[max(0, match.start() - 1):match.start()]
                assert before == "[", f"{name}: {author} at {match.start()} is not a link"


# --- the smaller corrections --------------------------------------------------------

def test_the_ratios_are_explained_where_they_are_shown():
    assert "Divide each measured norm by its bound" in page("bound.md")
    card = (ROOT / "docs/snippets/example-jacobian-bound.md").read_text(encoding="utf-8")
    assert "divided by the bound was at most" in card
    assert examples.get("jacobian-bound").details["largest_ratio"] < 1


def test_cnn_weights_are_not_said_to_be_per_position():
    text = page("sequences.md")
    assert "In these fully connected networks each input position has weights of its own" in text
    assert "same small filter over every position" in text


def test_index_allows_neither():
    assert "do neither" in page("index.md")
    # when the factors balance (|w2| = 1) the first input keeps its size over any number of steps
    assert powers.power(1, 50).exact == 1 and powers.power(-1, 50).exact == 1


def test_micrograd_is_introduced_with_a_link():
    assert "[micrograd](https://github.com/karpathy/micrograd)" in page("training.md")


def test_worked_example_ids_stay_out_of_the_prose():
    for card in (ROOT / "docs/snippets").glob("example-*.md"):
        text = card.read_text(encoding="utf-8")
        example_id = card.stem.removeprefix("example-")
        assert "worked-id" not in text and f"`{example_id}`" not in text, card.name
        assert f'id="example-{example_id}"' in text, card.name
    table = (ROOT / "docs/snippets/worked-examples-table.md").read_text(encoding="utf-8")
    assert "`explode-4`" in table  # the registry page keeps them for machines


def test_typeset_derivations_are_not_repeated_as_plain_text():
    from figures.outputs.examples import TYPESET_ON_PAGE
    for example_id in TYPESET_ON_PAGE:
        text = (ROOT / f"docs/snippets/example-{example_id}.md").read_text(encoding="utf-8")
        assert "worked-expression" not in text
        assert "$$" in page(examples.get(example_id).page)


def test_invented_prices_have_two_decimals():
    values = generated("foundations")
    from rnncore.statquest import unroll
    from figures.params import load, weights
    params = load()
    for name in ("blue", "red"):
        shown = values[f"sequences.{name}.prediction"]
        assert len(shown.split(".")[-1]) <= 2, shown
        exact = unroll(params[f"sequences.{name}"], weights(params)).prediction
        assert abs(Decimal(shown) - exact) <= Decimal("0.005")
