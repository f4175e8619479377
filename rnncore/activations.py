"""Activation functions φ, their derivatives φ′, and γ = sup |φ′|.

γ bounds how much one step of a recurrent network can stretch a gradient
(see :mod:`rnncore.rnn`): ¼ for the logistic sigmoid, 1 for tanh, ReLU and identity.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@dataclass(frozen=True)
class Activation:
    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]  # φ′ at the pre-activation z
    gamma: Fraction  # sup over z of |φ′(z)|
    # φ′(z) written with the output h = φ(z) too, which is cheaper where h is known
    # (tanh: 1 − h², sigmoid: h(1 − h)); defaults to ``derivative(z)``.
    derivative_given_output: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None

    def slope(self, z: np.ndarray, h: np.ndarray) -> np.ndarray:
        """φ′(z) for h = φ(z)."""
        if self.derivative_given_output is None:
            return self.derivative(z)
        return self.derivative_given_output(z, h)

    def __call__(self, z):
        return self.forward(np.asarray(z, dtype=float))


def _sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def _tanh_derivative(z):
    return 1.0 - np.tanh(z) ** 2


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation("tanh", np.tanh, _tanh_derivative, Fraction(1), lambda z, h: 1.0 - h * h),
    "sigmoid": Activation("sigmoid", sigmoid, _sigmoid_derivative, Fraction(1, 4), lambda z, h: h * (1.0 - h)),
    "relu": Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (np.asarray(z) > 0).astype(float), Fraction(1)),
    "identity": Activation("identity", lambda z: np.asarray(z, dtype=float), lambda z: np.ones_like(z, dtype=float),
                           Fraction(1)),
}


def get(activation: str | Activation) -> Activation:
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except KeyError:
        raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}") from None


def gamma(activation: str | Activation) -> Fraction:
    """The bound γ on |φ′|: 1/4 for sigmoid, 1 for tanh, relu and identity."""
    return get(activation).gamma
