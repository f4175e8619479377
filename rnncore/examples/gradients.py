"""Activation derivatives, the Jacobian bound and gradient clipping (seeds 003, 004)."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..activations import ACTIVATIONS, gamma, sigmoid
from ..clipping import clip_norm_exact
from ..exact import MINUS, fraction_text, grouped, scientific, show, superscript
from ..rnn import jacobian_norms, recurrence, with_largest_singular_value
from ..statquest import STATQUEST, unroll
from . import Example, register

SIGMOID_STEPS = (
    "σ(x) = 1/(1 + e^(−x))",
    "σ′(x) = −1/(1 + e^(−x))² · (−e^(−x))",
    "= e^(−x)/(1 + e^(−x))²",
    "= (1 + e^(−x) − 1)/(1 + e^(−x))²",
    "= 1/(1 + e^(−x)) − (1/(1 + e^(−x)))²",
    "= σ(x) − σ(x)²",
    "= σ(x)(1 − σ(x))",
)


def sigmoid_at_zero() -> Fraction:
    """σ(0) = 1/(1 + e⁰) = 1/2 exactly."""
    return Fraction(1, 1 + 1)


@register("sigmoid-derivative")
def sigmoid_derivative() -> Example:
    xs = np.linspace(-6, 6, 13)
    h = 1e-5
    numeric = (sigmoid(xs + h) - sigmoid(xs - h)) / (2 * h)
    formula = sigmoid(xs) * (1 - sigmoid(xs))
    return Example(
        id="sigmoid-derivative",
        title="The derivative of the sigmoid",
        expression="; ".join(SIGMOID_STEPS),
        value="σ′(x) = σ(x)(1 − σ(x))",
        page="bound.md",
        sources=("004",),
        details={"steps": list(SIGMOID_STEPS), "checked_at": xs,
                 "largest_difference_from_central_difference": float(np.max(np.abs(numeric - formula)))},
    )


@register("sigmoid-derivative-max")
def sigmoid_derivative_max() -> Example:
    s = sigmoid_at_zero()
    value = s * (1 - s)
    return Example(
        id="sigmoid-derivative-max",
        title="The sigmoid's steepest slope",
        expression=f"σ(0) = 1/(1 + e⁰) = {fraction_text(s)}; σ′(0) = {fraction_text(s)} × (1 − {fraction_text(s)})"
                   f" = {fraction_text(value)} = {show(float(value))}, the maximum, so γ = {fraction_text(value)}",
        value=value,
        display=f"{fraction_text(value)} = {show(float(value))}",
        page="bound.md",
        sources=("004",),
        details={"sigma_0": s, "gamma": gamma("sigmoid")},
    )


@register("sigmoid-derivative-tails")
def sigmoid_derivative_tails() -> Example:
    s10 = float(sigmoid(10.0))
    d_plus = float(ACTIVATIONS["sigmoid"].derivative(10.0))
    d_minus = float(ACTIVATIONS["sigmoid"].derivative(-10.0))
    shown = _rounded_scientific(d_plus, 3)
    return Example(
        id="sigmoid-derivative-tails",
        title="The sigmoid's flat tails",
        expression=f"σ(10) ≈ {show(round(s10, 7))}, σ′(10) = σ(10)(1 − σ(10)) ≈ {shown}; "
                   f"σ′({MINUS}10) = σ′(10) by symmetry",
        value=d_plus,
        display=f"σ′(±10) ≈ {shown}",
        page="bound.md",
        sources=("004",),
        details={"sigma_10": s10, "sigma_10_shown": show(round(s10, 7)), "derivative_plus_10": d_plus,
                 "derivative_minus_10": d_minus, "shown": shown,
                 "ratio_to_max": d_plus / 0.25},
    )


def _rounded_scientific(value: float, digits: int) -> str:
    exponent = math.floor(math.log10(abs(value)))
    mantissa = round(value / 10 ** exponent, digits - 1)
    return f"{show(mantissa)} × 10{superscript(exponent)}"


@register("tanh-derivative-max")
def tanh_derivative_max() -> Example:
    value = 1 - Fraction(0) ** 2  # tanh(0) = 0 exactly
    return Example(
        id="tanh-derivative-max",
        title="The steepest slope of tanh",
        expression="tanh′(x) = 1 − tanh²(x) ≤ 1; tanh(0) = 0, so tanh′(0) = 1 − 0² = 1, and γ = 1",
        value=value,
        display=f"tanh′(0) = {fraction_text(value)}, γ = {fraction_text(gamma('tanh'))}",
        page="bound.md",
        sources=("004",),
        details={"gamma": gamma("tanh"), "tanh_prime_at_2": float(ACTIVATIONS["tanh"].derivative(2.0))},
    )


def relu_factors(inputs=(1.0, 0.5, 0.5)) -> list[tuple[int, str, object]]:
    """For each step t ≥ 2 of the StatQuest network: (t, x_t, ∂y_t/∂y_(t−1) = ReLU′(x_t)·w2)."""
    trace = unroll(list(inputs), STATQUEST)
    factors = []
    for step in trace.steps[1:]:
        slope = 1 if step.x > 0 else 0
        factors.append((step.t, show(step.x), show(STATQUEST.w2, keep=True) if slope else "0"))
    return factors


@register("relu-derivative")
def relu_derivative() -> Example:
    factors = relu_factors()
    listed = "; ".join(f"x{_sub(t)} = {x} → factor {f}" for t, x, f in factors)
    return Example(
        id="relu-derivative",
        title="The derivative of ReLU",
        expression=f"ReLU′(x) = 1 for x > 0, 0 for x ≤ 0; in the StatQuest network each step's factor "
                   f"∂yₜ/∂yₜ₋₁ = ReLU′(xₜ) × w₂ is w₂ or 0. High, Medium, Medium: {listed}",
        value=[0, 1],
        display="ReLU′ ∈ {0, 1}: each step multiplies by w₂ or by 0",
        page="bound.md",
        sources=("001", "004"),
        details={"factors": [{"t": t, "x": x, "factor": f} for t, x, f in factors], "gamma": gamma("relu")},
    )


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(t: int) -> str:
    return str(t).translate(_SUB)


def bound_check(networks: int = 600, H: int = 4, T: int = 25, seed: int = 0) -> dict:
    """Measured ‖∂h_T/∂h_k‖ against (γλ)^(T−k) over random tanh and sigmoid networks:
    the largest ratio measured/bound (at most 1 if the bound holds)."""
    rng = np.random.default_rng(seed)
    largest = 0.0
    for activation in ("tanh", "sigmoid"):
        g = float(gamma(activation))
        lam = rng.uniform(0.3, 2.5, networks) / g
        W = with_largest_singular_value(rng.normal(size=(networks, H, H)), lam)
        _, dphi = recurrence(W, rng.normal(0, 0.5, (networks, T, H)), activation)
        norms = jacobian_norms(W, dphi)
        ratio = norms[:, 1:] / (g * lam[:, None]) ** np.arange(1, T + 1)
        largest = max(largest, float(np.max(ratio)))
    return {"networks": 2 * networks, "steps": T, "largest_ratio": largest}


@register("jacobian-bound")
def jacobian_bound() -> Example:
    check = bound_check()
    return Example(
        id="jacobian-bound",
        title="The bound on a product of Jacobians",
        expression="‖∂hₜ/∂hₖ‖ = ‖∏_{i=k+1..t} diag(φ′(zᵢ)) Wₕₕ‖ ≤ ∏ ‖diag(φ′(zᵢ))‖ ‖Wₕₕ‖ ≤ (γλ)ᵗ⁻ᵏ",
        value="(γλ)ᵗ⁻ᵏ",
        display=f"‖∂hₜ/∂hₖ‖ ≤ (γλ)ᵗ⁻ᵏ; over {grouped(check['networks'])} random networks the measured "
                f"norm divided by the bound was at most {show(round(check['largest_ratio'], 3))}, "
                f"below 1 as the bound demands",
        page="bound.md",
        sources=("003", "004"),
        details=check,
    )


@register("bound-conditions")
def bound_conditions() -> Example:
    return Example(
        id="bound-conditions",
        title="What the bound forces, and what it allows",
        expression="γλ < 1 ⇒ ‖∂hₜ/∂hₖ‖ ≤ (γλ)ᵗ⁻ᵏ → 0: vanishing is certain (sufficient). "
                   "Exploding needs (γλ)ᵗ⁻ᵏ to grow, so γλ > 1 (λ > 1/γ) is necessary, "
                   "but not sufficient: the bound is only an upper limit",
        value="γλ < 1: sufficient for vanishing; γλ > 1: necessary, not sufficient, for exploding",
        page="bound.md",
        sources=("004",),
        details={"sigmoid_threshold_lambda": 1 / gamma("sigmoid"), "tanh_threshold_lambda": 1 / gamma("tanh")},
    )


@register("bound-example")
def bound_example() -> Example:
    lam = 2
    sig = gamma("sigmoid") * lam
    tanh = gamma("tanh") * lam
    distance = 50
    sig_50 = sig ** distance
    tanh_50 = tanh ** distance
    return Example(
        id="bound-example",
        title="The bound for sigmoid and tanh with λ = 2",
        expression=f"sigmoid: γλ = {fraction_text(gamma('sigmoid'))} × {lam} = {fraction_text(sig)}, bound "
                   f"({fraction_text(sig)})ᵗ⁻ᵏ; t − k = {distance}: ({fraction_text(sig)})⁵⁰ = "
                   f"1/{grouped(sig_50.denominator)} ≈ {scientific(sig_50)}. "
                   f"tanh: γλ = {fraction_text(gamma('tanh'))} × {lam} = {fraction_text(tanh)}, "
                   f"at most {fraction_text(tanh)}ᵗ⁻ᵏ; t − k = {distance}: 2⁵⁰ = {grouped(int(tanh_50))}",
        value=sig_50,
        display=f"sigmoid: ({fraction_text(sig)})⁵⁰ = 1/{grouped(sig_50.denominator)}; "
                f"tanh: at most 2⁵⁰ = {grouped(int(tanh_50))}",
        page="bound.md",
        sources=("004",),
        details={"lambda": lam, "sigmoid_gamma_lambda": sig, "tanh_gamma_lambda": tanh, "distance": distance,
                 "sigmoid_bound": sig_50, "tanh_bound": tanh_50},
    )


@register("clip-norm")
def clip_norm() -> Example:
    big = 2 ** 50
    g = [Fraction(3, 5) * big, Fraction(4, 5) * big]
    out = clip_norm_exact(g, 1)
    clipped = ", ".join(fraction_text(c) for c in out["clipped"])
    return Example(
        id="clip-norm",
        title="Norm clipping of a gradient of norm 2⁵⁰",
        expression=f"ĝ = (3/5 × 2⁵⁰, 4/5 × 2⁵⁰), ‖ĝ‖ = 2⁵⁰ = {grouped(int(out['norm']))} ≥ threshold 1, "
                   f"so ĝ ← (1/‖ĝ‖) ĝ = ({clipped}): same direction, norm {fraction_text(out['norm_after'])}",
        value=out["norm_after"],
        display=f"({clipped}), norm {fraction_text(out['norm_after'])}",
        page="remedies.md",
        sources=("004",),
        details={"gradient": g, "norm": out["norm"], "factor": out["factor"], "clipped": out["clipped"],
                 "threshold": 1},
    )
