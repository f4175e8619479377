"""One unit with two attractors: where it can store a bit, and what that costs the gradient.

Two one-unit recurrent networks of the gradient chapters are bistable:

- the sigmoid unit x_t = w σ(x_(t−1)) + b of Pascanu, Mikolov and Bengio (2013)
  (:mod:`rnncore.pascanu`): its start x_0 = 0.5 becomes an unstable fixed point, and
  the loss surface gets its wall, once w σ′(x_0) > 1, that is from
  w = 1/σ′(x_0) on (:func:`wall_onset`);
- the tanh latch h_t = tanh(w h_(t−1) + b + u_t) of Bengio, Simard and Frasconi (1994).
"""
from __future__ import annotations

import math


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def sigmoid_slope(x: float) -> float:
    """σ′(x) = σ(x)(1 − σ(x))."""
    s = _sigmoid(x)
    return s * (1.0 - s)


def wall_onset(x0: float = 0.5) -> float:
    """The smallest recurrent weight w at which the start x_0, when it is a fixed point of
    x ↦ w σ(x) + b, is unstable: w σ′(x_0) = 1, so w = 1/σ′(x_0) (≈ 4.255 for x_0 = 0.5)."""
    return 1.0 / sigmoid_slope(float(x0))


# --- the latch of Bengio, Simard and Frasconi (1994) ------------------------------------
#
# h_t = tanh(w h_(t−1) + b + u_t), one unit, w > 1, here with b = 0. Without input the map
# h ↦ tanh(w h) has three fixed points: the unstable 0 between two attractors ±h*. The
# sign of h is a stored bit; the basin of +h* is h > 0, that of −h* is h < 0.


def _check_latch_weight(w: float) -> float:
    w = float(w)
    if not (math.isfinite(w) and w > 1):
        raise ValueError(f"the latch needs a self-weight w > 1 to have two attractors, got {w!r}")
    return w


def latch_attractor(w: float) -> float:
    """h* > 0 with h* = tanh(w h*): the attractor that stores a 1 (−h* stores a 0).
    Found by bisection on tanh(w h) − h, which is positive on (0, h*) and negative above."""
    w = _check_latch_weight(w)
    low, high = 1e-12, 1.0
    for _ in range(200):
        middle = (low + high) / 2
        if math.tanh(w * middle) > middle:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def latch_slope(w: float, h: float) -> float:
    """|∂h_t/∂h_(t−1)| = w (1 − h_t²) at a fixed point h_t = h_(t−1) = h."""
    return float(w) * (1.0 - float(h) ** 2)


def noise_tolerance(w: float) -> float:
    """The largest constant input u that pushes against the stored bit without erasing it.

    With input −u at every step, the fixed points solve atanh(h) = w h − u. The attractor
    near +h* survives as long as u < w s − atanh(s), s = √(1 − 1/w): at h = s the slope
    w (1 − h²) is 1, and there the attractor meets the unstable fixed point and vanishes."""
    w = _check_latch_weight(w)
    s = math.sqrt(1.0 - 1.0 / w)
    return w * s - math.atanh(s)


def latch_run(w: float, h0: float, inputs) -> list[float]:
    """The states h_1 … h_T of h_t = tanh(w h_(t−1) + u_t) from h0."""
    w = _check_latch_weight(w)
    states, h = [], float(h0)
    for u in inputs:
        h = math.tanh(w * h + float(u))
        states.append(h)
    return states


def latch_gradient(w: float, states: list[float]) -> list[float]:
    """|∂h_T/∂h_(T−k)| for k = 0 … T along a run: the product of the last k step slopes
    w (1 − h_t²), k = 0 giving 1."""
    w = _check_latch_weight(w)
    result, product = [1.0], 1.0
    for h in reversed(states):
        product *= w * (1.0 - h * h)
        result.append(product)
    return result
