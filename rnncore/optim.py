"""Two small optimisers over a dict of named parameter arrays: plain gradient descent
and Adam (Kingma and Ba 2015). Both return new arrays and never change their inputs."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


def _check_rate(learning_rate: float) -> float:
    if not math.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"the learning rate must be a positive finite number, got {learning_rate!r}")
    return float(learning_rate)


@dataclass
class SGD:
    """θ ← θ − η g."""

    learning_rate: float

    def __post_init__(self):
        self.learning_rate = _check_rate(self.learning_rate)

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {name: value - self.learning_rate * grads[name] for name, value in params.items()}


@dataclass
class Adam:
    """m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
    θ ← θ − η m̂ / (√v̂ + ε) with the bias corrections m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)."""

    learning_rate: float
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0
    m: dict = field(default_factory=dict)
    v: dict = field(default_factory=dict)

    def __post_init__(self):
        self.learning_rate = _check_rate(self.learning_rate)
        if not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1):
            raise ValueError(f"Adam needs 0 ≤ β₁, β₂ < 1, got {self.beta1}, {self.beta2}")

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self.t += 1
        out = {}
        for name, value in params.items():
            g = grads[name]
            m = self.beta1 * self.m.get(name, np.zeros_like(g)) + (1 - self.beta1) * g
            v = self.beta2 * self.v.get(name, np.zeros_like(g)) + (1 - self.beta2) * g * g
            self.m[name], self.v[name] = m, v
            m_hat = m / (1 - self.beta1 ** self.t)
            v_hat = v / (1 - self.beta2 ** self.t)
            out[name] = value - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)
        return out
