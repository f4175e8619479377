"""Exploding and vanishing powers, backpropagation through time, the gradient-descent
update (seeds 000–004): the worked examples of the training, exploding and vanishing
chapters."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np

from .. import rnn
from .. import statquest_gradients as sg
from ..exact import (TIMES, decimal_grouped, fraction_grouped, grouped, scientific, scientific_rounded,
                     show, superscript)
from ..powers import power, product_text
from . import Example, register

INPUT_1 = "Input₁"


def _decimal(value: Fraction) -> Decimal:
    """A fraction whose denominator is 2^a 5^b, as its exact decimal."""
    q = value.denominator
    for p in (2, 5):
        while q % p == 0:
            q //= p
    if q != 1:
        raise ValueError(f"{value} has no finite decimal expansion")
    from ..exact import exact
    return exact(lambda a, b: a / b, Decimal(value.numerator), Decimal(value.denominator))


@register("explode-4")
def explode_4() -> Example:
    p = power(2, 4)
    return Example(
        id="explode-4", title="w₂ = 2 over 4 unrolls", expression=product_text(2, 4),
        value=int(p.exact), display=f"{INPUT_1} {TIMES} {p.exact_text()}", page="exploding.md",
        sources=("001", "002"), details={"w2": 2, "unrolls": 4, "power": p.expression()})


@register("explode-50")
def explode_50() -> Example:
    p = power(2, 50)
    return Example(
        id="explode-50", title="w₂ = 2 over 50 unrolls",
        expression=f"{INPUT_1} {TIMES} {p.expression()} = {INPUT_1} {TIMES} {p.exact_text()}",
        value=int(p.exact), display=f"{p.exact_text()} (≈ {scientific_rounded(p.exact, 3)})",
        page="exploding.md", sources=("001", "002"),
        details={"exact": p.exact_text(), "scientific": p.scientific(), "rounded": scientific_rounded(p.exact, 3)})


@register("vanish-50")
def vanish_50() -> Example:
    p = power(0.5, 50)
    return Example(
        id="vanish-50", title="w₂ = 0.5 over 50 unrolls",
        expression=f"{INPUT_1} {TIMES} {p.expression()} = {INPUT_1} {TIMES} {p.exact_text()}",
        value=p.fraction_text(), display=f"{p.exact_text()} ≈ {p.scientific()}",
        page="vanishing.md", sources=("001", "002"),
        details={"exact": p.exact_text(), "scientific": p.scientific()})


@register("explode-w2-10-million")
def explode_w2_10_million() -> Example:
    p = power(10, 10 ** 6)
    first_overflow = next(T for T in range(1, 400) if not power(10, T).in_float_range)
    return Example(
        id="explode-w2-10-million", title="w₂ = 10 over a million unrolls",
        expression=(f"10^(1,000,000): log₁₀ = 1,000,000 {TIMES} log₁₀ 10 = {grouped(int(p.log10))}; "
                    f"a float overflows from 10{superscript(first_overflow)} on, so the size is kept as its logarithm"),
        value=int(p.log10), display=p.magnitude(), page="exploding.md", sources=("001",),
        details={"log10": int(p.log10), "float_overflows_at": first_overflow})


GRAD_INPUT, GRAD_W1, GRAD_W2, GRAD_W3 = 1.0, 1.8, 2, 1.1


@register("grad-w1-term")
def grad_w1_term() -> Example:
    """Input₁ × w1 × w2⁵⁰: the first input's path into a 51-day prediction, and the
    huge factor it brings into dSSR/dw1 (checked against backpropagation)."""
    p = power(GRAD_W2, 50)
    term = _decimal(sg.exact_number(GRAD_INPUT) * sg.exact_number(GRAD_W1) * p.exact)
    derivative = _decimal(sg.exact_number(GRAD_INPUT) * p.exact)
    # the same factor inside a real gradient: 51 days, High then 50 Low days, target High
    weights = {"w1": GRAD_W1, "b1": 0.0, "w2": float(GRAD_W2), "w3": GRAD_W3, "b2": 0.0}
    inputs, target = [GRAD_INPUT] + [0.0] * 50, 1.0
    run = sg.forward(weights, [inputs], [target], exact=True)
    back = sg.backward(weights, run)
    share = back.w1_terms[0, 0]
    d_pred = back.d_predicted[0]
    assert share == d_pred * sg.exact_number(GRAD_W3) * p.exact * sg.exact_number(GRAD_INPUT)
    return Example(
        id="grad-w1-term", title="The term Input₁ × w₁ × w₂⁵⁰ inside ∂SSR/∂w₁",
        expression=(f"Input₁ {TIMES} w₁ {TIMES} w₂⁵⁰ = {show(GRAD_INPUT)} {TIMES} {show(GRAD_W1)} {TIMES} "
                    f"{p.exact_text()} = {decimal_grouped(term)}; its derivative with respect to w₁ is "
                    f"Input₁ {TIMES} w₂⁵⁰ = {decimal_grouped(derivative)}, and in ∂SSR/∂w₁ it is multiplied by "
                    f"∂SSR/∂Predicted {TIMES} w₃ = {scientific_rounded(d_pred, 3)} {TIMES} {show(GRAD_W3)}"),
        value=term, display=decimal_grouped(term), page="exploding.md", sources=("001",),
        details={"input_1": GRAD_INPUT, "w1": GRAD_W1, "w2": GRAD_W2, "derivative": derivative,
                 "share_in_gradient": scientific_rounded(share, 3), "d_predicted": scientific_rounded(d_pred, 3),
                 "gradient_w1": scientific_rounded(back.gradients["w1"], 3)})


# --- BPTT: the product of step Jacobians ----------------------------------------

PRODUCT_MODEL = dict(W_hx=[[1.0], [-1.0]], W_hh=[[0.5, -1.0], [1.0, 0.5]], b_h=[0.0, 0.25],
                     W_yh=[[1.0, 1.0]], b_y=[0.0], activation="relu")
PRODUCT_INPUTS = [1.0, 0.5, -0.5]


def bptt_product_parts():
    """∂h_3/∂h_0 = J_3 J_2 J_1 with J_i = diag(φ′(z_i)) W_hh, exactly, and rnn.jacobian's floats."""
    model = rnn.RNN(**PRODUCT_MODEL)
    run = rnn.forward(model, np.array(PRODUCT_INPUTS)[:, None])
    W = [[sg.exact_number(v) for v in row] for row in PRODUCT_MODEL["W_hh"]]
    factors = []
    for i in range(1, len(PRODUCT_INPUTS) + 1):
        slopes = [Fraction(int(s)) for s in run.dphi[0, i - 1]]
        factors.append([[slopes[r] * W[r][c] for c in range(2)] for r in range(2)])
    product = [[Fraction(int(r == c)) for c in range(2)] for r in range(2)]
    for J in factors:  # later factors on the left: J_3 J_2 J_1
        product = [[sum(J[r][m] * product[m][c] for m in range(2)) for c in range(2)] for r in range(2)]
    return model, run, factors, product


def _matrix(m) -> str:
    return "[" + "; ".join(", ".join(show(_decimal(v)) for v in row) for row in m) + "]"


@register("bptt-product")
def bptt_product() -> Example:
    model, run, factors, product = bptt_product_parts()
    slopes = [[int(s) for s in run.dphi[0, i]] for i in range(len(PRODUCT_INPUTS))]
    numeric = rnn.jacobian(model, run, len(PRODUCT_INPUTS), 0)
    assert np.array_equal(numeric, np.array(product, dtype=float))
    steps = "; ".join(f"J{i + 1} = diag({slopes[i][0]}, {slopes[i][1]}) Wₕₕ = {_matrix(J)}"
                      for i, J in enumerate(factors))
    return Example(
        id="bptt-product", title="∂hₜ/∂hₖ as a product of step Jacobians",
        expression=(f"∂h₃/∂h₀ = J₃ J₂ J₁ with Jᵢ = ∂hᵢ/∂hᵢ₋₁ = diag(φ′(zᵢ)) · Wₕₕ "
                    f"(numerator layout; seed 004 writes the transpose Wₕₕᵀ diag(φ′)). ReLU, Wₕₕ = "
                    f"{_matrix([[sg.exact_number(v) for v in r] for r in PRODUCT_MODEL['W_hh']])}, "
                    f"inputs {', '.join(show(v) for v in PRODUCT_INPUTS)}: {steps}"),
        value=[[_decimal(v) for v in row] for row in product], display=_matrix(product),
        page="training.md", sources=("003", "004"),
        details={"slopes": slopes, "factors": [[[_decimal(v) for v in r] for r in J] for J in factors]})


# --- BPTT: the sum over immediate derivatives -------------------------------------

SUM_WEIGHTS = {"w1": 1.8, "b1": 0.0, "w2": 0.5, "w3": 1.1, "b2": 0.0}
SUM_INPUTS = [1.0, 0.5, 0.5]


def bptt_sum_parts():
    """dy_T/dw2 = Σ_k (∂y_T/∂y_k)(∂⁺y_k/∂w2) for the scalar network, exactly."""
    run = sg.forward(SUM_WEIGHTS, [SUM_INPUTS], [0.0], exact=True)
    w2 = sg.exact_number(SUM_WEIGHTS["w2"])
    T = len(SUM_INPUTS)
    terms = []
    for k in range(1, T + 1):
        carry = Fraction(1)
        for i in range(k + 1, T + 1):
            carry *= run.relu_slope[0, i - 1] * w2           # ∂y_i/∂y_(i−1) = ReLU′(x_i) w2
        previous = run.y[0, k - 2] if k > 1 else Fraction(0)
        immediate = run.relu_slope[0, k - 1] * previous      # ∂⁺y_k/∂w2 = ReLU′(x_k) y_(k−1)
        terms.append((k, carry, immediate))
    return run, terms


@register("bptt-sum")
def bptt_sum() -> Example:
    run, terms = bptt_sum_parts()
    total = sum(c * m for _, c, m in terms)
    T = len(SUM_INPUTS)
    parts = " + ".join(f"{show(_decimal(c))} {TIMES} {show(_decimal(m))}" for _, c, m in reversed(terms))
    immediate_only = terms[-1][2]
    return Example(
        id="bptt-sum", title="∂hₜ/∂Wₕₕ as a sum over immediate derivatives",
        expression=(f"∂y₃/∂w₂ = Σₖ (∂y₃/∂yₖ)(∂⁺yₖ/∂w₂), ∂⁺ holding yₖ₋₁ fixed; inputs "
                    f"{', '.join(show(v) for v in SUM_INPUTS)}, w₁ = {show(SUM_WEIGHTS['w1'])}, "
                    f"w₂ = {show(SUM_WEIGHTS['w2'])}: k = {', '.join(str(k) for k in range(T, 0, -1)) if T <= 4 else f'{T}, {T - 1}, …, 1'} give {parts} = {show(_decimal(total))} "
                    f"(the immediate derivative alone would give {show(_decimal(immediate_only))})"),
        value=_decimal(total), display=show(_decimal(total)), page="training.md", sources=("003", "004"),
        details={"terms": [[k, _decimal(c), _decimal(m)] for k, c, m in terms],
                 "immediate_only": _decimal(immediate_only), "y": [_decimal(v) for v in run.y[0]]})


# --- one gradient-descent update ---------------------------------------------------

UPDATE_INPUTS = [[0.0, 0.0], [0.0, 0.5], [1.0, 0.5], [1.0, 1.0]]
UPDATE_TARGETS = [0.0, 1.0, 0.0, 1.0]
UPDATE_WEIGHTS = {"w1": 1.8, "b1": 0.0, "w2": -0.5, "w3": 1.1, "b2": 0.0}
UPDATE_ETA = 0.1
#: The parameters as the reader sees them (sg.NAMES are their Python names).
SYMBOLS = {"w1": "w₁", "b1": "b₁", "w2": "w₂", "w3": "w₃", "b2": "b₂"}


def gd_update_parts():
    run = sg.forward(UPDATE_WEIGHTS, UPDATE_INPUTS, UPDATE_TARGETS, exact=True)
    back = sg.backward(UPDATE_WEIGHTS, run)
    eta, U = sg.exact_number(UPDATE_ETA), len(UPDATE_INPUTS)
    new = {name: sg.exact_number(UPDATE_WEIGHTS[name]) - eta / U * back.gradients[name] for name in sg.NAMES}
    return run, back, new


@register("gd-update")
def gd_update() -> Example:
    run, back, new = gd_update_parts()
    U = len(UPDATE_INPUTS)
    rows = "; ".join(
        f"{SYMBOLS[name]}: {show(UPDATE_WEIGHTS[name], keep=True)} − ({show(UPDATE_ETA)}/{U}) {TIMES} "
        f"({show(_decimal(back.gradients[name]))}) = {show(_decimal(new[name]))}" for name in sg.NAMES)
    return Example(
        id="gd-update", title="One step of batch gradient descent",
        expression=(f"θ ← θ − (η/U) Σₖ ∂ℓₖ/∂θ with η = {show(UPDATE_ETA)} and the U = {U} StatLand "
                    f"scenarios (SSR = {show(_decimal(run.ssr))}): {rows}"),
        value=[_decimal(new[name]) for name in sg.NAMES],
        display=", ".join(f"{SYMBOLS[name]} = {show(_decimal(new[name]))}" for name in sg.NAMES),
        page="training.md", sources=("004", "001"),
        details={"gradients": {n: _decimal(back.gradients[n]) for n in sg.NAMES}, "ssr": _decimal(run.ssr),
                 "learning_rate": UPDATE_ETA, "sequences": U})
