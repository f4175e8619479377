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

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from .lstm import GatedCell, check_parameters, inputs, sigmoid, squared_error_seed
from .rnn import _initial_state

PARAMETERS = ("W", "U", "b", "b_hn", "W_yh", "b_y")
GATES = ("r", "z", "n")


@dataclass
class GRU(GatedCell):
    GATES, PARAMETERS = GATES, PARAMETERS
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
    """One step's values and its local derivatives."""

    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    q: np.ndarray      # U_n h_(t−1) + b_hn, the part the reset gate scales
    h: np.ndarray
    dr: np.ndarray     # σ′ = r (1 − r)
    dz: np.ndarray     # σ′ = z (1 − z)
    dn: np.ndarray     # tanh′ = 1 − n²


def step(model: GRU, x_t: np.ndarray, h_prev: np.ndarray) -> Step:
    """One step forward, written plainly, with its local derivatives:
    ∂h_t/∂z_t = h_(t−1) − n_t, ∂h_t/∂n_t = 1 − z_t, ∂h_t/∂h_(t−1) = z_t on the direct path,
    ∂n_t/∂r_t = (1 − n_t²) q_t, ∂n_t/∂q_t = (1 − n_t²) r_t, ∂q_t/∂h_(t−1) = U_n, and each
    gate's slope at its pre-activation. :func:`forward` does the same arithmetic."""
    H = model.sizes[1]
    xa = x_t @ model.W.T + model.b
    ua = h_prev @ model.U.T
    r = sigmoid(xa[:, :H] + ua[:, :H])
    z = sigmoid(xa[:, H:2 * H] + ua[:, H:2 * H])
    q = ua[:, 2 * H:] + model.b_hn
    n = np.tanh(xa[:, 2 * H:] + r * q)
    h = (1 - z) * n + z * h_prev
    return Step(r=r, z=z, n=n, q=q, h=h, dr=r * (1 - r), dz=z * (1 - z), dn=1 - n * n)


@dataclass
class GRUForward:
    """What the forward pass computed, time-major: index t − 1 holds step t."""

    x: np.ndarray      # (B, T, D)
    h0: np.ndarray     # (B, H)
    gates: np.ndarray  # (T, B, 3H): r, z, n
    q: np.ndarray      # (T, B, H)
    h: np.ndarray      # (T, B, H)
    y: np.ndarray      # (B, T, O)

    def step(self, t: int) -> Step:
        """Step t (1..T) as a :class:`Step` record."""
        H = self.h.shape[2]
        r, z, n = (self.gates[t - 1, :, k * H:(k + 1) * H] for k in range(3))
        return Step(r=r, z=z, n=n, q=self.q[t - 1], h=self.h[t - 1], dr=r * (1 - r), dz=z * (1 - z), dn=1 - n * n)

    def values(self, name: str) -> np.ndarray:
        """One named quantity (r, z, n, q, h) for every step, (T, B, H)."""
        if name in GATES:
            H = self.h.shape[2]
            k = GATES.index(name)
            return self.gates[:, :, k * H:(k + 1) * H]
        return getattr(self, name)


def forward(model: GRU, x, h0=None) -> GRUForward:
    """:func:`step` for every step, arranged for speed: the input projection of all steps
    is one product, and both gates are one tanh, as σ(a) = ½ + ½ tanh(a/2)."""
    x = inputs(x, model.sizes[0], model.dtype)
    B, T, _ = x.shape
    H = model.sizes[1]
    h = h0 = _initial_state(h0, B, H).astype(model.dtype)
    a = x.transpose(1, 0, 2) @ model.W.T + model.b
    U_T = np.ascontiguousarray(model.U.T)
    gates = np.empty_like(a)
    qs, hs = np.empty((T, B, H), model.dtype), np.empty((T, B, H), model.dtype)
    for t in range(T):
        ua = h @ U_T
        gates[t, :, :2 * H] = np.tanh((a[t, :, :2 * H] + ua[:, :2 * H]) * 0.5) * 0.5 + 0.5
        r, z = gates[t, :, :H], gates[t, :, H:2 * H]
        q = qs[t] = ua[:, 2 * H:] + model.b_hn
        n = gates[t, :, 2 * H:] = np.tanh(a[t, :, 2 * H:] + r * q)
        h = hs[t] = (1 - z) * n + z * h                        # h_t = (1 − z) ⊙ n + z ⊙ h_(t−1)
    return GRUForward(x=x, h0=h0, gates=gates, q=qs, h=hs, y=(hs @ model.W_yh.T + model.b_y).transpose(1, 0, 2))


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
    r, z, n = (run.gates[:, :, k * H:(k + 1) * H] for k in range(3))
    h_prev = np.concatenate([run.h0[None], run.h[:-1]], axis=0)
    k_n = (1 - z) * (1 - n * n)                   # ∂h_t/∂(candidate pre-activation)
    k_z = (h_prev - n) * z * (1 - z)              # ∂h_t/∂(update pre-activation)
    k_r = run.q * r * (1 - r)                     # ∂(candidate pre-activation)/∂(reset pre-activation)
    da = np.empty((T, B, 3 * H), model.dtype)     # ∂L/∂ input pre-activations [r, z, n]
    dr = np.empty((T, B, 3 * H), model.dtype)     # ∂L/∂ recurrent pre-activations [r, z, q]
    for t in range(T - 1, -1, -1):
        dh = dh + dh_out[t]
        da_n = dh * k_n[t]
        da[t, :, :H] = dr[t, :, :H] = da_n * k_r[t]
        da[t, :, H:2 * H] = dr[t, :, H:2 * H] = dh * k_z[t]
        da[t, :, 2 * H:] = da_n
        dr[t, :, 2 * H:] = da_n * r[t]                      # n = tanh(… + r ⊙ q)
        dh = dh * z[t] + dr[t] @ model.U                   # direct path z_t, and through U
    flat = da.reshape(-1, 3 * H)
    x_flat = run.x.transpose(1, 0, 2).reshape(-1, run.x.shape[2])
    return {"W": flat.T @ x_flat, "U": dr.reshape(-1, 3 * H).T @ h_prev.reshape(-1, H), "b": flat.sum(axis=0),
            "b_hn": dr[:, :, 2 * H:].sum(axis=(0, 1)),
            "W_yh": dy_tm.reshape(-1, dy.shape[2]).T @ run.h.reshape(-1, H), "b_y": dy.sum(axis=(0, 1)),
            "h0": dh, "x": (da @ model.W).transpose(1, 0, 2)}


def bptt(model: GRU, run: GRUForward, targets, steps: Iterable[int] | None = None) -> dict[str, np.ndarray]:
    """Gradients of :func:`loss` for every parameter and for h0 (full BPTT)."""
    grads = backward(model, run, squared_error_seed(run.y, targets, steps)[0])
    return {name: grads[name] for name in (*PARAMETERS, "h0")}


def one_unit(*, reset_gate, update_gate, candidate, readout=(1.0, 0.0), dtype="float64") -> GRU:
    """A GRU with one input, one unit and one output. The gates are (input weight, recurrent
    weight, bias); the candidate is (input weight, recurrent weight, bias, bias inside the
    reset b_hn); ``readout`` is (w_y, b_y) of y_t = w_y h_t + b_y."""
    for name, row, size in (("reset_gate", reset_gate, 3), ("update_gate", update_gate, 3),
                            ("candidate", candidate, 4)):
        if len(row) != size:
            raise ValueError(f"{name} needs {size} numbers, got {row!r}")
    rows = [reset_gate, update_gate, candidate]
    return GRU(W=[[r[0]] for r in rows], U=[[r[1]] for r in rows], b=[r[2] for r in rows], b_hn=[candidate[3]],
               W_yh=[[readout[0]]], b_y=[readout[1]], dtype=dtype)
