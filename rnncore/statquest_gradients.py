"""Gradients of the StatQuest network by hand: backpropagation through time, step by step.

The loss is the sum of squared residuals of the last output against a target, over
U sequences of T inputs each (oldest first)::

    SSR = Σ_k (predicted_k − observed_k)²,   predicted = y_T × w3 + b2

As in micrograd, every forward formula has its local derivatives beside it::

    forward                                  local derivatives
    x_t = input_t × w1 + y_(t−1) × w2 + b1   ∂⁺x_t/∂w1 = input_t   ∂⁺x_t/∂w2 = y_(t−1)
                                             ∂⁺x_t/∂b1 = 1         ∂x_t/∂y_(t−1) = w2
    y_t = max(0, x_t)                        ∂y_t/∂x_t = 1 if x_t > 0 else 0
    predicted = y_T × w3 + b2                ∂predicted/∂w3 = y_T  ∂predicted/∂b2 = 1
                                             ∂predicted/∂y_T = w3
    SSR = Σ (predicted − observed)²          ∂SSR/∂predicted = 2 (predicted − observed)

∂⁺ is the *immediate* derivative: it holds y_(t−1) fixed, although y_(t−1) itself
depends on w1, w2 and b1. The *total* derivative adds what flows through y_(t−1),
y_(t−2), …: going backwards, dSSR/dy_(t−1) = dSSR/dx_t × w2, and the parameter
gradient is the sum over t of dSSR/dx_t times the immediate derivative.

Because every step is multiplied by w2 on its way back, the first input's share of
dSSR/dw1 is 2 (predicted − observed) × w3 × w2^(T−1) × Input₁ when every ReLU is
active: the w2^(T−1) that explodes for w2 = 2 and vanishes for w2 = 0.5.

The network is the H = 1 case of :mod:`rnncore.rnn` (relu, W_hx = [[w1]],
W_hh = [[w2]], b_h = [b1], W_yh = [[w3]], b_y = [b2], loss on the last step only);
the tests check that both give the same gradients. Arrays may hold floats, or
``Fraction`` objects (``dtype=object``) for exact arithmetic.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from .exact import to_decimal
from .statquest import Weights

NAMES = ("w1", "b1", "w2", "w3", "b2")
FLOAT_MAX = float(np.finfo(float).max)


class OutOfFloatRange(ValueError, OverflowError):
    """A value of the float computation left the float range (beyond ±1.8 × 10³⁰⁸).

    A ValueError for callers, and an OverflowError so that gradient descent
    (:mod:`rnncore.descent`) records the run as diverged."""


def _out_of_range(quantity: str, step: int | None, T: int) -> OutOfFloatRange:
    where = f" at step t = {step} of {T}" if step is not None else f" (sequences of {T} steps)"
    return OutOfFloatRange(
        f"{quantity} left the float range (beyond ±{FLOAT_MAX:.3g}){where}: use exact=True (exact "
        "arithmetic with fractions), follow the size in log space (first_input_term's w2_power_log10), "
        "or a shorter sequence"
    )


def _first_bad_step(values: np.ndarray) -> int | None:
    """1-based index of the first column (time step) holding inf or nan, or None."""
    bad = ~np.isfinite(values.reshape(values.shape[0], -1) if values.ndim > 1 else values[None])
    columns = np.nonzero(bad.any(axis=0))[0]
    return int(columns[0]) + 1 if columns.size else None


def _weights(weights) -> dict:
    if isinstance(weights, Weights):
        return weights.as_dict()
    if isinstance(weights, dict):
        missing = [name for name in NAMES if name not in weights]
        if missing:
            raise ValueError(f"weights lack {', '.join(missing)}")
        return {name: weights[name] for name in NAMES}
    values = list(weights)
    if len(values) != len(NAMES):
        raise ValueError(f"weights need {len(NAMES)} values ({', '.join(NAMES)}), got {len(values)}")
    return dict(zip(NAMES, values))


def exact_number(value) -> Fraction:
    """A number as written, exactly: ``0.1`` → ``Fraction(1, 10)``, not the binary float."""
    return value if isinstance(value, Fraction) else Fraction(to_decimal(value))


def _array(values, what: str, exact: bool) -> np.ndarray:
    if exact:
        array = np.array(values, dtype=object)
        array = np.vectorize(exact_number, otypes=[object])(array) if array.size else array
    else:
        array = np.array(values, dtype=float)
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{what} must be finite")
    return array


def as_batch(inputs, targets, *, exact: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Inputs as a (U, T) array (one sequence per row, oldest first) and targets as (U,)."""
    x = _array(inputs, "inputs", exact)
    if x.ndim == 1:
        x = x[None]
    if x.ndim != 2 or x.shape[1] < 1 or x.shape[0] < 1:
        raise ValueError(f"inputs must be one sequence or a list of equally long sequences, got shape {x.shape}")
    y = _array(targets, "targets", exact).reshape(-1)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"{x.shape[0]} sequences but {y.shape[0]} targets")
    return x, y


@dataclass(frozen=True)
class ScalarForward:
    """Every value of the forward pass, one row per sequence: (U, T) and (U,)."""

    inputs: np.ndarray
    x: np.ndarray           # x_t, the sums
    y: np.ndarray           # y_t = max(0, x_t)
    relu_slope: np.ndarray  # ∂y_t/∂x_t ∈ {0, 1}
    predicted: np.ndarray   # y_T × w3 + b2
    observed: np.ndarray

    @property
    def residuals(self) -> np.ndarray:
        return self.predicted - self.observed

    @property
    def ssr(self):
        r = self.residuals
        if r.dtype == object:
            return (r * r).sum()
        with np.errstate(over="ignore", invalid="ignore"):
            total = (r * r).sum()
        if not np.isfinite(total):
            raise _out_of_range("the SSR, the sum of squared residuals,", None, self.x.shape[1])
        return total

    def previous_y(self, t: int) -> np.ndarray:
        """y_(t−1) for t = 1..T; y_0 = 0 (no recurrent term on the first day)."""
        return self.y[:, t - 2] if t > 1 else self.y[:, 0] * 0


def forward(weights, inputs, targets, *, exact: bool = False) -> ScalarForward:
    p = _weights(weights)
    if exact:
        p = {k: exact_number(v) for k, v in p.items()}
    seqs, observed = as_batch(inputs, targets, exact=exact)
    U, T = seqs.shape
    x = np.empty((U, T), dtype=seqs.dtype)
    y = np.empty((U, T), dtype=seqs.dtype)
    if not exact:
        for name, value in p.items():
            if not math.isfinite(float(value)):
                raise ValueError(f"the weight {name} must be finite, got {value!r}")
    previous = seqs[:, 0] * 0
    with np.errstate(over="ignore", invalid="ignore"):  # checked below, with the step named
        for t in range(T):
            x[:, t] = seqs[:, t] * p["w1"] + previous * p["w2"] + p["b1"]
            y[:, t] = np.where(x[:, t] > 0, x[:, t], x[:, t] * 0)
            previous = y[:, t]
        predicted = y[:, -1] * p["w3"] + p["b2"]
    if not exact:
        step = _first_bad_step(x)
        if step is not None:
            raise _out_of_range("x_t, the sum input_t × w1 + y_(t−1) × w2 + b1,", step, T)
        if not np.all(np.isfinite(predicted)):
            raise _out_of_range("the prediction y_T × w3 + b2", T, T)
    slope = np.where(x > 0, 1, 0).astype(seqs.dtype)
    return ScalarForward(seqs, x, y, slope, predicted, observed)


def ssr(weights, inputs, targets, *, exact: bool = False):
    """The sum of squared residuals of the last output against the targets."""
    return forward(weights, inputs, targets, exact=exact).ssr


@dataclass(frozen=True)
class Backward:
    """Gradients of the SSR and every intermediate derivative of the backward pass."""

    gradients: dict              # name → dSSR/dname, summed over the sequences
    per_sequence: dict           # name → (U,) array, ∂ℓ_k/∂name
    d_predicted: np.ndarray      # (U,) dSSR/dpredicted = 2 (predicted − observed)
    d_y: np.ndarray              # (U, T) total derivative dSSR/dy_t
    d_x: np.ndarray              # (U, T) total derivative dSSR/dx_t
    w1_terms: np.ndarray         # (U, T) the share of input t in dSSR/dw1: dSSR/dx_t × input_t


def backward(weights, run: ScalarForward) -> Backward:
    """Backpropagation through time, from the last copy back to the first."""
    p = _weights(weights)
    if run.x.dtype == object:
        p = {k: exact_number(v) for k, v in p.items()}
    U, T = run.x.shape
    if run.x.dtype != object:
        with np.errstate(over="ignore", invalid="ignore"):  # checked after, with the step named
            result = _backward(p, run, U, T)
        _check_backward(result, T)
        return result
    return _backward(p, run, U, T)


def _check_backward(result: "Backward", T: int) -> None:
    if not np.all(np.isfinite(result.d_predicted)):
        raise _out_of_range("dSSR/dpredicted = 2 (predicted − observed)", T, T)
    for step in range(T, 0, -1):  # the backward pass runs from step T down to 1
        if not (np.all(np.isfinite(result.d_y[:, step - 1])) and np.all(np.isfinite(result.d_x[:, step - 1]))):
            raise _out_of_range("dSSR/dx_t, the gradient flowing back through time,", step, T)
    for name in NAMES:
        if not (np.all(np.isfinite(result.per_sequence[name])) and np.isfinite(result.gradients[name])):
            raise _out_of_range(f"the gradient dSSR/d{name}, a sum over every step,", None, T)


def _backward(p: dict, run: ScalarForward, U: int, T: int) -> "Backward":
    zero = run.x[:, 0] * 0
    d_pred = 2 * run.residuals                                   # ∂SSR/∂predicted
    per = {"w3": d_pred * run.y[:, -1], "b2": d_pred * 1}       # predicted = y_T w3 + b2
    per.update({"w1": zero.copy(), "b1": zero.copy(), "w2": zero.copy()})
    d_y = np.empty_like(run.x)
    d_x = np.empty_like(run.x)
    w1_terms = np.empty_like(run.x)
    incoming = d_pred * p["w3"]                                  # ∂predicted/∂y_T = w3
    for t in range(T, 0, -1):
        d_y[:, t - 1] = incoming                                 # total derivative dSSR/dy_t
        d_x[:, t - 1] = incoming * run.relu_slope[:, t - 1]      # through y_t = max(0, x_t)
        dx = d_x[:, t - 1]
        w1_terms[:, t - 1] = dx * run.inputs[:, t - 1]
        per["w1"] = per["w1"] + dx * run.inputs[:, t - 1]      # immediate ∂⁺x_t/∂w1 = input_t
        per["w2"] = per["w2"] + dx * run.previous_y(t)         # immediate ∂⁺x_t/∂w2 = y_(t−1)
        per["b1"] = per["b1"] + dx                             # immediate ∂⁺x_t/∂b1 = 1
        incoming = dx * p["w2"] if t > 1 else zero             # ∂x_t/∂y_(t−1) = w2
    gradients = {name: per[name].sum() for name in NAMES}
    return Backward(gradients, {name: per[name] for name in NAMES}, d_pred, d_y, d_x, w1_terms)


def gradients(weights, inputs, targets, *, exact: bool = False) -> dict:
    """dSSR/dw1, db1, dw2, dw3, db2 by backpropagation through time."""
    return backward(weights, forward(weights, inputs, targets, exact=exact)).gradients


def finite_differences(weights, inputs, targets, *, eps: float = 1e-6) -> dict[str, float]:
    """Central differences (SSR(θ + ε) − SSR(θ − ε)) / 2ε, one parameter at a time."""
    p = {k: float(v) for k, v in _weights(weights).items()}
    result = {}
    for name in NAMES:
        plus, minus = dict(p), dict(p)
        plus[name] += eps
        minus[name] -= eps
        result[name] = (float(ssr(plus, inputs, targets)) - float(ssr(minus, inputs, targets))) / (2 * eps)
    return result


def as_rnn(weights):
    """The same network as an :class:`rnncore.rnn.RNN` with H = 1."""
    from .rnn import RNN

    p = {k: float(v) for k, v in _weights(weights).items()}
    return RNN(W_hx=[[p["w1"]]], W_hh=[[p["w2"]]], b_h=[p["b1"]], W_yh=[[p["w3"]]], b_y=[p["b2"]],
               activation="relu")


def rnn_gradients(weights, inputs, targets) -> dict[str, float]:
    """The same gradients computed by :func:`rnncore.rnn.bptt` (loss on the last step)."""
    from . import rnn

    seqs, observed = as_batch(inputs, targets)
    U, T = seqs.shape
    model = as_rnn(weights)
    run = rnn.forward(model, seqs[:, :, None])
    full_targets = np.zeros((U, T, 1))
    full_targets[:, -1, 0] = observed
    grads = rnn.bptt(model, run, full_targets, steps=[T])
    return {"w1": float(grads["W_hx"][0, 0]), "b1": float(grads["b_h"][0]), "w2": float(grads["W_hh"][0, 0]),
            "w3": float(grads["W_yh"][0, 0]), "b2": float(grads["b_y"][0])}


def first_input_term(weights, inputs: Sequence[float], target: float) -> dict:
    """For one sequence: the first input's share of dSSR/dw1 and its factors.

    share = 2 (predicted − observed) × w3 × ∏_{t=2..T} (ReLU′(x_t) × w2) × ReLU′(x_1) × Input₁,
    i.e. w2^(T−1) times the rest when every ReLU is active."""
    run = forward(weights, [list(inputs)], [target])
    back = backward(weights, run)
    T = run.x.shape[1]
    p = _weights(weights)
    active = bool(np.all(run.relu_slope[0] == 1))
    return {
        "T": T,
        "crossings": T - 1,
        "share": float(back.w1_terms[0, 0]),
        "d_predicted": float(back.d_predicted[0]),
        "all_active": active,
        "w2_power_log10": (T - 1) * math.log10(abs(float(p["w2"]))) if p["w2"] else None,
        "gradient_w1": float(back.gradients["w1"]),
    }
