"""The gated recurrent unit (Cho et al. 2014) with full backpropagation through time,
written as PyTorch's ``nn.GRU`` computes it (the reset gate multiplies U_n h + b_hn).

Step t, for a batch of inputs x_t (B, D), gates stacked as [r, z, n]::

    r_t = σ(W_r x_t + U_r h_(t−1) + b_r)                    reset gate
    z_t = σ(W_z x_t + U_z h_(t−1) + b_z)                    update gate
    n_t = tanh(W_n x_t + b_n + r_t ⊙ (U_n h_(t−1) + b_hn))  candidate
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_(t−1)                  y_t = W_yh h_t + b_y

The update gate interpolates between the old state and the candidate. Along the
direct path, ∂h_t/∂h_(t−1) = diag(z_t) plus the paths through the gates and the
candidate: with z_t near 1 the state, and its gradient, pass through almost unchanged.

As in micrograd, each step's local derivatives stand beside its forward formulas.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Iterable

import numpy as np

from .lstm import check_parameters, inputs, sigmoid, squared_error_seed
from .rnn import _initial_state

PARAMETERS = ("W", "U", "b", "b_hn", "W_yh", "b_y")
GATES = ("r", "z", "n")


@dataclass
class GRU:
    W: np.ndarray     # (3H, D) input weights of [r, z, n]
    U: np.ndarray     # (3H, H) recurrent weights
    b: np.ndarray     # (3H,) input-side biases
    b_hn: np.ndarray  # (H,) the candidate's recurrent bias, inside the reset
    W_yh: np.ndarray  # (O, H)
    b_y: np.ndarray   # (O,)
    dtype: str = "float64"

    def __post_init__(self):
        W = np.asarray(self.W)
        if W.ndim != 2 or W.shape[0] % 3:
            raise ValueError(f"W has shape {W.shape}: expected (3H, D), gates r, z, n")
        H, O = W.shape[0] // 3, np.asarray(self.W_yh).shape[0]
        check_parameters(self, PARAMETERS, {"U": (3 * H, H), "b": (3 * H,), "b_hn": (H,), "W_yh": (O, H),
                                            "b_y": (O,)})

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(D, H, O)."""
        return self.W.shape[1], self.W.shape[0] // 3, self.W_yh.shape[0]

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in PARAMETERS}

    def replace(self, **changes) -> "GRU":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return GRU(**values)

    def gate(self, name: str) -> slice:
        """The rows of W, U and b that belong to one gate, e.g. ``model.b[model.gate("z")]``."""
        H, k = self.sizes[1], GATES.index(name)
        return slice(k * H, (k + 1) * H)

    @classmethod
    def random(cls, D: int, H: int, O: int, *, seed: int = 0, scale: float = 1.0,
               update_bias: float = 0.0, dtype: str = "float64") -> "GRU":
        """Gaussian weights with variance scale²/fan-in, biases 0 except the update
        gate's, which is ``update_bias`` (positive values keep z_t, and the old state, near 1)."""
        rng = np.random.default_rng(seed)
        b = np.zeros(3 * H)
        b[H:2 * H] = update_bias
        return cls(W=rng.normal(0, scale / np.sqrt(D), (3 * H, D)),
                   U=rng.normal(0, scale / np.sqrt(H), (3 * H, H)), b=b, b_hn=np.zeros(H),
                   W_yh=rng.normal(0, 1 / np.sqrt(H), (O, H)), b_y=np.zeros(O), dtype=dtype)


@dataclass
class Step:
    """One step's values and the local derivatives the backward pass needs."""

    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    q: np.ndarray      # U_n h_(t−1) + b_hn, the part the reset gate scales
    h: np.ndarray
    dr: np.ndarray     # σ′ = r (1 − r)
    dz: np.ndarray     # σ′ = z (1 − z)
    dn: np.ndarray     # tanh′ = 1 − n²


def step(model: GRU, xa_t: np.ndarray, h_prev: np.ndarray) -> Step:
    """One step forward from the input projection ``xa_t`` = W x_t + b.

    Local derivatives: ∂h_t/∂z_t = h_(t−1) − n_t, ∂h_t/∂n_t = 1 − z_t, ∂h_t/∂h_(t−1) = z_t
    on the direct path, ∂n_t/∂r_t = (1 − n_t²) q_t, ∂n_t/∂q_t = (1 − n_t²) r_t, ∂q_t/∂h_(t−1) = U_n,
    and each gate's slope at its pre-activation."""
    H = model.sizes[1]
    ua = h_prev @ model.U[:2 * H].T
    r = sigmoid(xa_t[:, :H] + ua[:, :H])
    z = sigmoid(xa_t[:, H:2 * H] + ua[:, H:])
    q = h_prev @ model.U[2 * H:].T + model.b_hn
    n = np.tanh(xa_t[:, 2 * H:] + r * q)
    h = (1 - z) * n + z * h_prev
    return Step(r=r, z=z, n=n, q=q, h=h, dr=r * (1 - r), dz=z * (1 - z), dn=1 - n * n)


def step_backward(model: GRU, s: Step, h_prev: np.ndarray, dh: np.ndarray):
    """Chain rule through one step: given ∂L/∂h_t, return ∂L/∂(input pre-activations)
    (B, 3H), ∂L/∂q_t (B, H) and ∂L/∂h_(t−1)."""
    H = model.sizes[1]
    da_n = dh * (1 - s.z) * s.dn                        # h_t = (1 − z) ⊙ n + …;  n = tanh(…)
    da_z = dh * (h_prev - s.n) * s.dz                   # h_t = n + z ⊙ (h_(t−1) − n)
    da_r = da_n * s.q * s.dr                            # n = tanh(… + r ⊙ q)
    dq = da_n * s.r
    dh_prev = dh * s.z + np.concatenate([da_r, da_z], axis=1) @ model.U[:2 * H] + dq @ model.U[2 * H:]
    return np.concatenate([da_r, da_z, da_n], axis=1), dq, dh_prev


@dataclass
class GRUForward:
    x: np.ndarray      # (B, T, D)
    h0: np.ndarray     # (B, H)
    steps: list        # T Step records
    y: np.ndarray      # (B, T, O)

    @property
    def h(self) -> np.ndarray:
        """Hidden states h_1..h_T, (T, B, H)."""
        return np.stack([s.h for s in self.steps])

    def values(self, name: str) -> np.ndarray:
        """One named quantity (r, z, n, h, …) for every step, (T, B, H)."""
        return np.stack([getattr(s, name) for s in self.steps])


def forward(model: GRU, x, h0=None) -> GRUForward:
    x = inputs(x, model.sizes[0], model.dtype)
    B, T, _ = x.shape
    H = model.sizes[1]
    h0 = _initial_state(h0, B, H).astype(model.dtype)
    xa = x.transpose(1, 0, 2) @ model.W.T + model.b
    steps, h = [], h0
    for t in range(T):
        s = step(model, xa[t], h)
        steps.append(s)
        h = s.h
    hs = np.stack([s.h for s in steps])
    return GRUForward(x=x, h0=h0, steps=steps, y=(hs @ model.W_yh.T + model.b_y).transpose(1, 0, 2))


def loss(run: GRUForward, targets, steps: Iterable[int] | None = None) -> float:
    """Sum of squared residuals over the chosen steps (1..T), as for the vanilla RNN."""
    return squared_error_seed(run.y, targets, steps)[1]


def backward(model: GRU, run: GRUForward, dy: np.ndarray, dh_T=None) -> dict[str, np.ndarray]:
    """Gradients of any loss with ∂L/∂y = ``dy`` (B, T, O), plus an optional ∂L/∂h_T from
    outside: every parameter, h0, and ∂L/∂x (key ``"x"``)."""
    B, T, _ = run.x.shape
    H = model.sizes[1]
    dy_tm = dy.transpose(1, 0, 2)
    dh_out = dy_tm @ model.W_yh
    dh = np.zeros((B, H), model.dtype) if dh_T is None else np.asarray(dh_T, model.dtype)
    da = np.empty((T, B, 3 * H), model.dtype)
    dq = np.empty((T, B, H), model.dtype)
    for t in range(T - 1, -1, -1):
        h_prev = run.h0 if t == 0 else run.steps[t - 1].h
        da[t], dq[t], dh = step_backward(model, run.steps[t], h_prev, dh + dh_out[t])
    hs = run.h
    h_prev = np.concatenate([run.h0[None], hs[:-1]], axis=0).reshape(-1, H)
    flat = da.reshape(-1, 3 * H)
    recurrent = np.concatenate([da[:, :, :2 * H], dq], axis=2).reshape(-1, 3 * H)
    x_flat = run.x.transpose(1, 0, 2).reshape(-1, run.x.shape[2])
    return {"W": flat.T @ x_flat, "U": recurrent.T @ h_prev, "b": flat.sum(axis=0), "b_hn": dq.sum(axis=(0, 1)),
            "W_yh": dy_tm.reshape(-1, dy.shape[2]).T @ hs.reshape(-1, H), "b_y": dy.sum(axis=(0, 1)),
            "h0": dh, "x": (da @ model.W).transpose(1, 0, 2)}


def bptt(model: GRU, run: GRUForward, targets, steps: Iterable[int] | None = None) -> dict[str, np.ndarray]:
    """Gradients of :func:`loss` for every parameter and for h0 (full BPTT)."""
    grads = backward(model, run, squared_error_seed(run.y, targets, steps)[0])
    return {name: grads[name] for name in (*PARAMETERS, "h0")}
