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
