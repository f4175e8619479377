"""A vanilla RNN with full and truncated backpropagation through time.

Forward, for a batch of sequences x of shape (B, T, D)::

    z_t = W_hx x_t + W_hh h_(t−1) + b_h        h_t = φ(z_t)        y_t = W_yh h_t + b_y

Row-vector code (``x_t @ W_hx.T``) computes exactly these column-vector formulas.

Conventions, stated once: times run 1..T with h_0 the initial state; arrays store
step t at index t − 1. Jacobians are in numerator layout: ∂h_t/∂h_(t−1) is the
H × H matrix diag(φ′(z_t)) · W_hh whose row i is the gradient of component i of h_t.
(The lecture notes, seed 004, write the transpose, W_hhᵀ diag(φ′); the norms agree.)

As in micrograd, each step's local derivatives stand beside its forward formula:
:func:`step` returns φ′(z_t), and :func:`step_backward` uses exactly those.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Iterable

import numpy as np

from .activations import Activation, get

PARAMETERS = ("W_hx", "W_hh", "b_h", "W_yh", "b_y")


@dataclass
class RNN:
    """Parameters of a vanilla RNN with input size D, hidden size H, output size O."""

    W_hx: np.ndarray  # (H, D)
    W_hh: np.ndarray  # (H, H)
    b_h: np.ndarray   # (H,)
    W_yh: np.ndarray  # (O, H)
    b_y: np.ndarray   # (O,)
    activation: str = "tanh"

    def __post_init__(self):
        for name in PARAMETERS:
            value = np.array(getattr(self, name), dtype=float)
            if not np.all(np.isfinite(value)):
                raise ValueError(f"parameter {name} must be finite")
            setattr(self, name, value)
        H, D = self.W_hx.shape
        O = self.W_yh.shape[0]
        expected = {"W_hh": (H, H), "b_h": (H,), "W_yh": (O, H), "b_y": (O,)}
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} has shape {getattr(self, name).shape}, expected {shape} for D={D}, H={H}, O={O}")
        get(self.activation)

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(D, H, O)."""
        return self.W_hx.shape[1], self.W_hx.shape[0], self.W_yh.shape[0]

    @property
    def phi(self) -> Activation:
        return get(self.activation)

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in PARAMETERS}

    def replace(self, **changes) -> "RNN":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return RNN(**values)

    @classmethod
    def random(cls, D: int, H: int, O: int, *, activation: str = "tanh", seed: int = 0,
               scale: float = 1.0) -> "RNN":
        """Gaussian weights with variance scale²/fan-in, small biases."""
        rng = np.random.default_rng(seed)
        return cls(
            W_hx=rng.normal(0, scale / np.sqrt(D), (H, D)),
            W_hh=rng.normal(0, scale / np.sqrt(H), (H, H)),
            b_h=rng.normal(0, 0.1, H),
            W_yh=rng.normal(0, 1 / np.sqrt(H), (O, H)),
            b_y=rng.normal(0, 0.1, O),
            activation=activation,
        )


@dataclass
class Forward:
    """Everything the forward pass computed, kept for the backward pass."""

    x: np.ndarray      # (B, T, D)
    h0: np.ndarray     # (B, H)
    z: np.ndarray      # (B, T, H) pre-activations
    h: np.ndarray      # (B, T, H) hidden states h_1..h_T
    dphi: np.ndarray   # (B, T, H) φ′(z_t), the local derivatives
    y: np.ndarray      # (B, T, O)

    def state(self, t: int) -> np.ndarray:
        """h_t for t = 0..T (h_0 is the initial state)."""
        return self.h0 if t == 0 else self.h[:, t - 1]


def step(model: RNN, x_t: np.ndarray, h_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step forward: returns z_t, h_t = φ(z_t) and the local derivative φ′(z_t).

    Local derivatives of this step (used by :func:`step_backward`):
    ∂h_t/∂z_t = diag(φ′(z_t)),  ∂z_t/∂h_(t−1) = W_hh,  ∂z_t/∂W_hh = h_(t−1) (outer product),
    ∂z_t/∂W_hx = x_t,  ∂z_t/∂b_h = 1.
    """
    z = x_t @ model.W_hx.T + h_prev @ model.W_hh.T + model.b_h
    return z, model.phi(z), model.phi.derivative(z)


def step_backward(model: RNN, dh: np.ndarray, dphi: np.ndarray, x_t: np.ndarray, h_prev: np.ndarray):
    """Chain rule through one step: given ∂L/∂h_t, return the immediate parameter
    gradients (∂⁺, with h_(t−1) held fixed) and ∂L/∂h_(t−1)."""
    dz = dh * dphi
    grads = {"W_hx": dz.T @ x_t, "W_hh": dz.T @ h_prev, "b_h": dz.sum(axis=0)}
    return grads, dz @ model.W_hh


def _as_batch(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim == 2:      # (T, D): one sequence
        x = x[None]
    if x.ndim != 3:
        raise ValueError(f"inputs must have shape (B, T, D) or (T, D), got {x.shape}")
    if x.shape[1] < 1:
        raise ValueError("a sequence needs at least one step (T ≥ 1)")
    if not np.all(np.isfinite(x)):
        raise ValueError("inputs must be finite")
    return x


def forward(model: RNN, x, h0=None) -> Forward:
    x = _as_batch(x)
    B, T, D = x.shape
    _, H, O = model.sizes
    if D != model.sizes[0]:
        raise ValueError(f"inputs have D = {D}, the model expects {model.sizes[0]}")
    h0 = np.zeros((B, H)) if h0 is None else np.broadcast_to(np.asarray(h0, dtype=float), (B, H)).copy()
    z = np.empty((B, T, H))
    h = np.empty((B, T, H))
    dphi = np.empty((B, T, H))
    previous = h0
    for t in range(T):
        z[:, t], h[:, t], dphi[:, t] = step(model, x[:, t], previous)
        previous = h[:, t]
    y = h @ model.W_yh.T + model.b_y
    return Forward(x=x, h0=h0, z=z, h=h, dphi=dphi, y=y)


def _loss_steps(T: int, steps: Iterable[int] | None) -> list[int]:
    """Steps (1..T) whose outputs enter the loss; default: every step."""
    chosen = list(range(1, T + 1)) if steps is None else sorted(set(int(s) for s in steps))
    if not chosen or chosen[0] < 1 or chosen[-1] > T:
        raise ValueError(f"loss steps must lie in 1..{T}, got {chosen}")
    return chosen


def loss(run: Forward, targets, steps: Iterable[int] | None = None) -> float:
    """Sum of squared residuals Σ_t Σ_b Σ_o (y_t − target_t)² over the chosen steps."""
    targets = np.asarray(targets, dtype=float).reshape(run.y.shape)
    idx = [t - 1 for t in _loss_steps(run.y.shape[1], steps)]
    return float(np.sum((run.y[:, idx] - targets[:, idx]) ** 2))


def bptt(model: RNN, run: Forward, targets, steps: Iterable[int] | None = None,
         truncate: int | None = None) -> dict[str, np.ndarray]:
    """Gradients of :func:`loss` for every parameter and for h0.

    ``truncate=k`` is truncated BPTT: the loss at step t sends gradient back through
    h_t, …, h_(t−k+1) only (h_(t−k) is treated as a constant). ``k = T`` is full BPTT.
    """
    B, T, _ = run.x.shape
    chosen = _loss_steps(T, steps)
    targets = np.asarray(targets, dtype=float).reshape(run.y.shape)
    dy = np.zeros_like(run.y)
    idx = [t - 1 for t in chosen]
    dy[:, idx] = 2.0 * (run.y[:, idx] - targets[:, idx])
    grads = {name: np.zeros_like(value) for name, value in model.parameters().items()}
    grads["W_yh"] = np.einsum("bto,bth->oh", dy, run.h)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dh_from_output = dy @ model.W_yh  # (B, T, H): ∂L/∂h_t through y_t only
    grads["h0"] = np.zeros_like(run.h0)

    def accumulate(t: int, dh: np.ndarray) -> np.ndarray:
        local, dh_prev = step_backward(model, dh, run.dphi[:, t - 1], run.x[:, t - 1], run.state(t - 1))
        for name, value in local.items():
            grads[name] += value
        return dh_prev

    if truncate is None or truncate >= T:
        dh = np.zeros_like(run.h0)
        for t in range(T, 0, -1):
            dh = accumulate(t, dh + dh_from_output[:, t - 1])
        grads["h0"] = dh
        return grads
    if truncate < 1:
        raise ValueError(f"truncation window must be at least 1, got {truncate}")
    for t in chosen:
        dh = dh_from_output[:, t - 1]
        for j in range(t, max(t - truncate, 0), -1):
            dh = accumulate(j, dh)
        if t - truncate <= 0:
            grads["h0"] += dh
    return grads


def step_jacobian(model: RNN, run: Forward, t: int, batch: int = 0) -> np.ndarray:
    """∂h_t/∂h_(t−1) = diag(φ′(z_t)) · W_hh for one sequence of the batch."""
    return run.dphi[batch, t - 1][:, None] * model.W_hh


def jacobian(model: RNN, run: Forward, t: int, k: int, batch: int = 0) -> np.ndarray:
    """∂h_t/∂h_k = ∏_{i=k+1..t} ∂h_i/∂h_(i−1), the later factors on the left (0 ≤ k ≤ t ≤ T)."""
    if not 0 <= k <= t <= run.h.shape[1]:
        raise ValueError(f"need 0 ≤ k ≤ t ≤ T, got k={k}, t={t}")
    result = np.eye(model.sizes[1])
    for i in range(k + 1, t + 1):
        result = step_jacobian(model, run, i, batch) @ result
    return result


def spectral_norm(matrix: np.ndarray) -> float:
    """‖M‖₂, the largest singular value."""
    return float(np.linalg.norm(matrix, 2))


largest_singular_value = spectral_norm


def spectral_radius(matrix: np.ndarray) -> float:
    """max |eigenvalue|."""
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))
