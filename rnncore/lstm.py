"""A minimal LSTM cell with backpropagation through time (numpy, float64).

Step t, for a batch of inputs x_t (B, D), with gates stacked as [i, f, o, g]::

    a_t = W x_t + U h_(t−1) + b                  (4H pre-activations)
    i_t = σ(a_i)   f_t = σ(a_f)   o_t = σ(a_o)   g_t = tanh(a_g)
    c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t              the cell state: an additive path
    h_t = o_t ⊙ tanh(c_t)                        y_t = W_yh h_t + b_y

The cell state's own Jacobian is ∂c_t/∂c_(t−1) = diag(f_t) (plus paths through h):
with the forget gate near 1, gradient travels back along c almost undamped. That is
the "next step" after the vanilla RNN, shown in the guide's remedies chapter.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Iterable

import numpy as np

from .activations import sigmoid
from .rnn import _as_batch, _initial_state, _loss_steps

PARAMETERS = ("W", "U", "b", "W_yh", "b_y")


@dataclass
class LSTM:
    W: np.ndarray     # (4H, D) input weights of the gates [i, f, o, g]
    U: np.ndarray     # (4H, H) recurrent weights
    b: np.ndarray     # (4H,)
    W_yh: np.ndarray  # (O, H)
    b_y: np.ndarray   # (O,)

    def __post_init__(self):
        for name in PARAMETERS:
            value = np.array(getattr(self, name), dtype=float)
            if not np.all(np.isfinite(value)):
                raise ValueError(f"parameter {name} must be finite")
            setattr(self, name, value)
        four_h, D = self.W.shape
        if four_h % 4:
            raise ValueError(f"W has {four_h} rows: expected 4H (gates i, f, o, g)")
        H, O = four_h // 4, self.W_yh.shape[0]
        expected = {"U": (4 * H, H), "b": (4 * H,), "W_yh": (O, H), "b_y": (O,)}
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} has shape {getattr(self, name).shape}, expected {shape}")

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(D, H, O)."""
        return self.W.shape[1], self.W.shape[0] // 4, self.W_yh.shape[0]

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in PARAMETERS}

    def replace(self, **changes) -> "LSTM":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return LSTM(**values)

    @classmethod
    def random(cls, D: int, H: int, O: int, *, seed: int = 0, scale: float = 1.0,
               forget_bias: float = 0.0) -> "LSTM":
        """Gaussian weights (variance scale²/fan-in), small biases; ``forget_bias`` is
        added to the forget gate's bias (a large value keeps f_t near 1)."""
        rng = np.random.default_rng(seed)
        b = rng.normal(0, 0.1, 4 * H)
        b[H:2 * H] += forget_bias
        return cls(W=rng.normal(0, scale / np.sqrt(D), (4 * H, D)),
                   U=rng.normal(0, scale / np.sqrt(H), (4 * H, H)), b=b,
                   W_yh=rng.normal(0, 1 / np.sqrt(H), (O, H)), b_y=rng.normal(0, 0.1, O))


@dataclass
class LSTMForward:
    x: np.ndarray      # (B, T, D)
    h0: np.ndarray     # (B, H)
    c0: np.ndarray     # (B, H)
    gates: np.ndarray  # (T, B, 4H): i, f, o after σ and g after tanh
    c: np.ndarray      # (T, B, H)
    h: np.ndarray      # (T, B, H)
    y: np.ndarray      # (B, T, O)


def forward(model: LSTM, x, h0=None, c0=None) -> LSTMForward:
    x = _as_batch(x)
    B, T, D = x.shape
    _, H, _ = model.sizes
    if D != model.sizes[0]:
        raise ValueError(f"inputs have D = {D}, the model expects {model.sizes[0]}")
    h0, c0 = _initial_state(h0, B, H), _initial_state(c0, B, H)
    a = np.ascontiguousarray(x.transpose(1, 0, 2)) @ model.W.T + model.b     # (T, B, 4H)
    gates = np.empty_like(a)
    c = np.empty((T, B, H))
    h = np.empty((T, B, H))
    U_T = np.ascontiguousarray(model.U.T)
    h_prev, c_prev = h0, c0
    for t in range(T):
        a[t] += h_prev @ U_T
        gates[t, :, :3 * H] = sigmoid(a[t, :, :3 * H])       # i, f, o
        gates[t, :, 3 * H:] = np.tanh(a[t, :, 3 * H:])        # g
        i, f, o, g = (gates[t, :, k * H:(k + 1) * H] for k in range(4))
        c[t] = f * c_prev + i * g
        h[t] = o * np.tanh(c[t])
        h_prev, c_prev = h[t], c[t]
    y = (h @ model.W_yh.T + model.b_y).transpose(1, 0, 2)
    return LSTMForward(x=x, h0=h0, c0=c0, gates=gates, c=c, h=h, y=y)


def loss(run: LSTMForward, targets, steps: Iterable[int] | None = None) -> float:
    """Sum of squared residuals over the chosen steps (1..T), as for the vanilla RNN."""
    targets = np.asarray(targets, dtype=float).reshape(run.y.shape)
    idx = [t - 1 for t in _loss_steps(run.y.shape[1], steps)]
    return float(np.sum((run.y[:, idx] - targets[:, idx]) ** 2))


def _backward(model: LSTM, run: LSTMForward, dh_out: np.ndarray, dh_T=None, dc_T=None):
    """Shared reverse pass. ``dh_out`` (T, B, H) is ∂L/∂h_t through the outputs.
    Returns (∂L/∂a_t for all t, ∂L/∂h_k and ∂L/∂c_k for k = T..0)."""
    T, B, H = run.h.shape
    da = np.empty((T, B, 4 * H))
    dh = np.zeros((B, H)) if dh_T is None else dh_T
    dc = np.zeros((B, H)) if dc_T is None else dc_T
    dh_states = np.empty((T + 1, B, H))
    dc_states = np.empty((T + 1, B, H))
    for t in range(T - 1, -1, -1):
        dh = dh + dh_out[t]
        dh_states[T - 1 - t] = dh
        i, f, o, g = (run.gates[t, :, k * H:(k + 1) * H] for k in range(4))
        c_prev = run.c0 if t == 0 else run.c[t - 1]
        tc = np.tanh(run.c[t])
        dc = dc + dh * o * (1.0 - tc ** 2)                    # h_t = o ⊙ tanh(c_t)
        dc_states[T - 1 - t] = dc                             # total ∂L/∂c_t
        da[t, :, 0 * H:1 * H] = dc * g * i * (1.0 - i)         # c_t = … + i ⊙ g
        da[t, :, 1 * H:2 * H] = dc * c_prev * f * (1.0 - f)    # c_t = f ⊙ c_(t−1) + …
        da[t, :, 2 * H:3 * H] = dh * tc * o * (1.0 - o)
        da[t, :, 3 * H:4 * H] = dc * i * (1.0 - g ** 2)
        dc = dc * f                                           # ∂c_t/∂c_(t−1) = diag(f_t)
        dh = da[t] @ model.U                                  # a_t = … + U h_(t−1)
    dh_states[T], dc_states[T] = dh, dc
    return da, dh_states, dc_states


def bptt(model: LSTM, run: LSTMForward, targets, steps: Iterable[int] | None = None) -> dict[str, np.ndarray]:
    """Gradients of :func:`loss` for every parameter and for h0, c0 (full BPTT)."""
    B, T, _ = run.x.shape
    chosen = _loss_steps(T, steps)
    targets = np.asarray(targets, dtype=float).reshape(run.y.shape)
    dy = np.zeros_like(run.y)
    idx = [t - 1 for t in chosen]
    dy[:, idx] = 2.0 * (run.y[:, idx] - targets[:, idx])
    dy_tm = dy.transpose(1, 0, 2)
    dh_out = dy_tm @ model.W_yh
    da, dh_states, dc_states = _backward(model, run, dh_out)
    H = model.sizes[1]
    h_prev = np.concatenate([run.h0[None], run.h[:-1]], axis=0)
    flat = da.reshape(-1, 4 * H)
    return {
        "W": flat.T @ run.x.transpose(1, 0, 2).reshape(-1, run.x.shape[-1]),
        "U": flat.T @ h_prev.reshape(-1, H),
        "b": flat.sum(axis=0),
        "W_yh": dy_tm.reshape(-1, dy.shape[-1]).T @ run.h.reshape(-1, H),
        "b_y": dy.sum(axis=(0, 1)),
        "h0": dh_states[T],
        "c0": dc_states[T],
    }


def state_gradients(model: LSTM, run: LSTMForward, dh_T=None) -> tuple[np.ndarray, np.ndarray]:
    """∂ℓ/∂h_k and ∂ℓ/∂c_k for k = T..0 (index T − k) for a loss on h_T alone with
    ∂ℓ/∂h_T = ``dh_T`` (default: ones). Shapes (T + 1, B, H)."""
    T, B, H = run.h.shape
    dh = np.ones((B, H)) if dh_T is None else np.broadcast_to(np.asarray(dh_T, dtype=float), (B, H)).copy()
    zeros = np.zeros((T, B, H))
    zeros_last = zeros.copy()
    zeros_last[T - 1] = dh
    _, dh_states, dc_states = _backward(model, run, zeros_last)
    return dh_states, dc_states


def gradient_flow(*, steps: int = 60, hidden: int = 8, forget_bias: float = 4.0, input_scale: float = 0.5,
                  seed: int = 0) -> dict[str, np.ndarray]:
    """‖∂ℓ/∂h_k‖ of a tanh RNN against ‖∂ℓ/∂c_k‖ of an LSTM (forget bias ``forget_bias``),
    both drawn with the same initialisation scale and run on the same inputs, for a loss on
    the last state (∂ℓ/∂h_T = ones); each normalised to 1 at k = T. Index T − k."""
    from . import rnn

    rng = np.random.default_rng(seed)
    x = input_scale * rng.normal(size=(1, steps, hidden))
    cell = LSTM.random(hidden, hidden, 1, seed=seed + 1, forget_bias=forget_bias)
    run = forward(cell, x)
    _, dc = state_gradients(cell, run)
    vanilla = rnn.RNN.random(hidden, hidden, 1, seed=seed + 1, activation="tanh")
    dh = rnn.state_gradients(vanilla, rnn.forward(vanilla, x))
    lstm_norms = np.linalg.norm(dc, axis=(1, 2))
    rnn_norms = np.linalg.norm(dh, axis=(1, 2))
    return {
        "distance": np.arange(steps + 1),
        "rnn": rnn_norms / rnn_norms[0],
        "lstm": lstm_norms / lstm_norms[0],
        "forget_mean": np.array(float(run.gates[:, :, hidden:2 * hidden].mean())),
        "rnn_lambda": np.array(rnn.spectral_norm(vanilla.W_hh)),
    }
