"""The LSTM (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000)
with full backpropagation through time.

Step t, for a batch of inputs x_t (B, D), gates stacked as [i, f, g, o] (PyTorch's order)::

    a_t = W x_t + U h_(t−1) + b                  (4H pre-activations)
    i_t = σ(a_i)   f_t = σ(a_f)   g_t = tanh(a_g)   o_t = σ(a_o)
    c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t              the cell state: an additive path
    h_t = o_t ⊙ tanh(c_t)                        y_t = W_yh h_t + b_y

Along the cell state alone, one step's Jacobian is ∂c_t/∂c_(t−1) = diag(f_t): no weight
matrix and no activation slope. The full Jacobian of the state s = (h, c) adds the paths
through h_(t−1), which enter every gate; :func:`state_jacobian` computes both.

As in micrograd, each step's local derivatives stand beside its forward formulas:
:func:`step` returns them and :func:`step_backward` uses exactly those.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from .activations import sigmoid as _sigmoid_float64
from .rnn import _as_batch, _initial_state, _loss_steps

PARAMETERS = ("W", "U", "b", "W_yh", "b_y")
GATES = ("i", "f", "g", "o")
DTYPES = ("float64", "float32")


def sigmoid(a: np.ndarray) -> np.ndarray:
    """rnncore's overflow-safe σ, kept in the dtype of its argument."""
    return _sigmoid_float64(a).astype(a.dtype, copy=False)


def check_dtype(dtype) -> np.dtype:
    """float64 (the default, used by every gradient check) or float32."""
    name = np.dtype(dtype).name
    if name not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {name}")
    return np.dtype(name)


def check_parameters(model, names, expected: dict) -> None:
    """Cast every parameter to the model's dtype, refuse non-finite values and wrong shapes."""
    model.dtype = check_dtype(model.dtype)
    for name in names:
        value = np.array(getattr(model, name), dtype=model.dtype)
        if not np.all(np.isfinite(value)):
            raise ValueError(f"parameter {name} must be finite")
        setattr(model, name, value)
    for name, shape in expected.items():
        if getattr(model, name).shape != shape:
            raise ValueError(f"{name} has shape {getattr(model, name).shape}, expected {shape}")


def squared_error_seed(y: np.ndarray, targets, steps: Iterable[int] | None):
    """∂L/∂y for L = Σ (y_t − target_t)² over the chosen steps (1..T), and L itself."""
    targets = np.asarray(targets, dtype=y.dtype)
    if targets.size != y.size:
        raise ValueError(f"targets have {targets.size} values, the outputs {y.shape} need {y.size}")
    targets = targets.reshape(y.shape)
    idx = [t - 1 for t in _loss_steps(y.shape[1], steps)]
    dy = np.zeros_like(y)
    dy[:, idx] = 2.0 * (y[:, idx] - targets[:, idx])
    return dy, float(np.sum((y[:, idx] - targets[:, idx]) ** 2))


def inputs(x, D: int, dtype) -> np.ndarray:
    x = _as_batch(x)
    if x.shape[2] != D:
        raise ValueError(f"inputs have D = {x.shape[2]}, the model expects {D}")
    return x.astype(dtype, copy=False)


class GatedCell:
    """What the LSTM and the GRU share: gate rows stacked in W, U and b, in ``GATES`` order."""
    GATES: tuple[str, ...]
    PARAMETERS: tuple[str, ...]

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(D, H, O)."""
        return self.W.shape[1], self.W.shape[0] // len(self.GATES), self.W_yh.shape[0]

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.PARAMETERS}

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    def gate(self, name: str) -> slice:
        """The rows of W, U and b that belong to one gate, e.g. ``model.b[model.gate("f")]``."""
        H, k = self.sizes[1], self.GATES.index(name)
        return slice(k * H, (k + 1) * H)


@dataclass
class LSTM(GatedCell):
    GATES, PARAMETERS = GATES, PARAMETERS
    W: np.ndarray     # (4H, D) input weights of the gates [i, f, g, o]
    U: np.ndarray     # (4H, H) recurrent weights
    b: np.ndarray     # (4H,)
    W_yh: np.ndarray  # (O, H)
    b_y: np.ndarray   # (O,)
    dtype: str = "float64"

    def __post_init__(self):
        W = np.asarray(self.W)
        if W.ndim != 2 or W.shape[0] % 4:
            raise ValueError(f"W has shape {W.shape}: expected (4H, D), gates i, f, g, o")
        H, O = W.shape[0] // 4, np.asarray(self.W_yh).shape[0]
        check_parameters(self, PARAMETERS, {"U": (4 * H, H), "b": (4 * H,), "W_yh": (O, H), "b_y": (O,)})

    @classmethod
    def random(cls, D: int, H: int, O: int, *, seed: int = 0, scale: float = 1.0,
               forget_bias: float = 0.0, dtype: str = "float64") -> "LSTM":
        """Gaussian weights with variance scale²/fan-in, biases 0 except the forget
        gate's, which is ``forget_bias`` (1 is the value Jozefowicz et al. 2015 recommend)."""
        rng = np.random.default_rng(seed)
        b = np.zeros(4 * H)
        b[H:2 * H] = forget_bias
        return cls(W=rng.normal(0, scale / np.sqrt(D), (4 * H, D)),
                   U=rng.normal(0, scale / np.sqrt(H), (4 * H, H)), b=b,
                   W_yh=rng.normal(0, 1 / np.sqrt(H), (O, H)), b_y=np.zeros(O), dtype=dtype)


@dataclass
class Step:
    """One step's values and its local derivatives."""

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    tanh_c: np.ndarray
    h: np.ndarray
    di: np.ndarray       # σ′(a_i) = i (1 − i)
    df: np.ndarray       # σ′(a_f) = f (1 − f)
    dg: np.ndarray       # tanh′(a_g) = 1 − g²
    do: np.ndarray       # σ′(a_o) = o (1 − o)
    dtanh_c: np.ndarray  # 1 − tanh²(c_t)


def step(model: LSTM, x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray) -> Step:
    """One step forward, written plainly, with its local derivatives:
    ∂c_t/∂f_t = c_(t−1), ∂c_t/∂i_t = g_t, ∂c_t/∂g_t = i_t, ∂c_t/∂c_(t−1) = f_t,
    ∂h_t/∂o_t = tanh(c_t), ∂h_t/∂c_t = o_t (1 − tanh²(c_t)), each gate's slope at its
    pre-activation, and ∂a_t/∂h_(t−1) = U. :func:`forward` does the same arithmetic."""
    H = model.sizes[1]
    a = x_t @ model.W.T + model.b + h_prev @ model.U.T
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 3 * H:])
    g = np.tanh(a[:, 2 * H:3 * H])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    return Step(i=i, f=f, g=g, o=o, c=c, tanh_c=tanh_c, h=h, di=i * (1 - i), df=f * (1 - f), dg=1 - g * g,
                do=o * (1 - o), dtanh_c=1 - tanh_c * tanh_c)


@dataclass
class LSTMForward:
    """What the forward pass computed, time-major: index t − 1 holds step t."""

    x: np.ndarray        # (B, T, D)
    h0: np.ndarray       # (B, H)
    c0: np.ndarray       # (B, H)
    gates: np.ndarray    # (T, B, 4H): i, f, g, o
    c: np.ndarray        # (T, B, H)
    tanh_c: np.ndarray   # (T, B, H)
    h: np.ndarray        # (T, B, H)
    y: np.ndarray        # (B, T, O)

    def step(self, t: int) -> Step:
        """Step t (1..T) as a :class:`Step` record."""
        H = self.h.shape[2]
        i, f, g, o = (self.gates[t - 1, :, k * H:(k + 1) * H] for k in range(4))
        tc = self.tanh_c[t - 1]
        return Step(i=i, f=f, g=g, o=o, c=self.c[t - 1], tanh_c=tc, h=self.h[t - 1], di=i * (1 - i),
                    df=f * (1 - f), dg=1 - g * g, do=o * (1 - o), dtanh_c=1 - tc * tc)

    def values(self, name: str) -> np.ndarray:
        """One named quantity (i, f, g, o, c, tanh_c, h) for every step, (T, B, H)."""
        if name in GATES:
            H = self.h.shape[2]
            k = GATES.index(name)
            return self.gates[:, :, k * H:(k + 1) * H]
        return getattr(self, name)


def forward(model: LSTM, x, h0=None, c0=None) -> LSTMForward:
    """:func:`step` for every step, arranged for speed: the input projection of all steps
    is one product, and the four gates are one tanh, as σ(a) = ½ + ½ tanh(a/2)."""
    x = inputs(x, model.sizes[0], model.dtype)
    B, T, _ = x.shape
    H = model.sizes[1]
    h = _initial_state(h0, B, H).astype(model.dtype)
    c = _initial_state(c0, B, H).astype(model.dtype)
    h0, c0 = h, c
    a = x.transpose(1, 0, 2) @ model.W.T + model.b            # W x_t + b for all steps, (T, B, 4H)
    half = np.full(4 * H, 0.5, model.dtype)
    half[2 * H:3 * H] = 1.0                                   # g is a tanh, the others sigmoids
    offset = np.where(half == 0.5, 0.5, 0.0).astype(model.dtype)
    U_T = np.ascontiguousarray(model.U.T)
    gates = np.empty_like(a)
    cs, tcs, hs = (np.empty((T, B, H), model.dtype) for _ in range(3))
    for t in range(T):
        gates[t] = np.tanh((a[t] + h @ U_T) * half) * half + offset
        i, f, g, o = gates[t, :, :H], gates[t, :, H:2 * H], gates[t, :, 2 * H:3 * H], gates[t, :, 3 * H:]
        c = cs[t] = f * c + i * g                             # c_t = f ⊙ c_(t−1) + i ⊙ g
        tc = tcs[t] = np.tanh(c)
        h = hs[t] = o * tc                                    # h_t = o ⊙ tanh(c_t)
    y = (hs @ model.W_yh.T + model.b_y).transpose(1, 0, 2)
    return LSTMForward(x=x, h0=h0, c0=c0, gates=gates, c=cs, tanh_c=tcs, h=hs, y=y)


def loss(run: LSTMForward, targets, steps: Iterable[int] | None = None) -> float:
    """Sum of squared residuals over the chosen steps (1..T), as for the vanilla RNN."""
    return squared_error_seed(run.y, targets, steps)[1]


def local_derivatives(run: LSTMForward) -> np.ndarray:
    """For every step, how the pre-activations a_t move c_t (gates i, f, g) and h_t (gate o):
    [g σ′(a_i), c_(t−1) σ′(a_f), i tanh′(a_g), tanh(c_t) σ′(a_o)], shape (T, B, 4H)."""
    H = run.h.shape[2]
    i, f, g, o = (run.gates[:, :, k * H:(k + 1) * H] for k in range(4))
    c_prev = np.concatenate([run.c0[None], run.c[:-1]], axis=0)
    return np.concatenate([g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g * g), run.tanh_c * o * (1 - o)], axis=2)


def backward(model: LSTM, run: LSTMForward, dy: np.ndarray, dh_T=None, dc_T=None) -> dict[str, np.ndarray]:
    """Gradients of any loss with ∂L/∂y = ``dy`` (B, T, O), plus optional ∂L/∂h_T, ∂L/∂c_T
    from outside: every parameter, h0, c0, and ∂L/∂x (key ``"x"``)."""
    B, T, _ = run.x.shape
    H = model.sizes[1]
    dy_tm = dy.transpose(1, 0, 2)
    dh_out = dy_tm @ model.W_yh                                # ∂L/∂h_t through y_t
    dh = np.zeros((B, H), model.dtype) if dh_T is None else np.asarray(dh_T, model.dtype)
    dc = np.zeros((B, H), model.dtype) if dc_T is None else np.asarray(dc_T, model.dtype)
    local = local_derivatives(run)
    dc_dh = run.gates[:, :, 3 * H:] * (1 - run.tanh_c ** 2)    # ∂h_t/∂c_t = o (1 − tanh² c_t)
    f = run.gates[:, :, H:2 * H]
    da = np.empty((T, B, 4 * H), model.dtype)
    for t in range(T - 1, -1, -1):
        dh = dh + dh_out[t]
        dc = dc + dh * dc_dh[t]
        np.multiply(np.concatenate([dc, dc, dc, dh], axis=1), local[t], out=da[t])
        dh = da[t] @ model.U                                   # a_t = … + U h_(t−1)
        dc = dc * f[t]                                         # ∂c_t/∂c_(t−1) = diag(f_t)
    h_prev = np.concatenate([run.h0[None], run.h[:-1]], axis=0).reshape(-1, H)
    flat = da.reshape(-1, 4 * H)
    x_flat = run.x.transpose(1, 0, 2).reshape(-1, run.x.shape[2])
    return {"W": flat.T @ x_flat, "U": flat.T @ h_prev, "b": flat.sum(axis=0),
            "W_yh": dy_tm.reshape(-1, dy.shape[2]).T @ run.h.reshape(-1, H), "b_y": dy.sum(axis=(0, 1)),
            "h0": dh, "c0": dc, "x": (da @ model.W).transpose(1, 0, 2)}


def bptt(model: LSTM, run: LSTMForward, targets, steps: Iterable[int] | None = None) -> dict[str, np.ndarray]:
    """Gradients of :func:`loss` for every parameter and for h0, c0 (full BPTT)."""
    grads = backward(model, run, squared_error_seed(run.y, targets, steps)[0])
    return {name: grads[name] for name in (*PARAMETERS, "h0", "c0")}


def state_jacobian(model: LSTM, run: LSTMForward, t: int, batch: int = 0) -> dict[str, np.ndarray]:
    """The Jacobian of s_t = (h_t, c_t) with respect to s_(t−1), in blocks (1 ≤ t ≤ T):
    ``cc`` = ∂c_t/∂c_(t−1) = diag(f_t) (the direct path), ``ch`` = ∂c_t/∂h_(t−1) (the paths
    through the gates), ``hc`` = ∂h_t/∂c_(t−1), ``hh`` = ∂h_t/∂h_(t−1), and ``full`` (2H × 2H,
    order h then c)."""
    if not 1 <= t <= run.h.shape[0]:
        raise ValueError(f"need 1 ≤ t ≤ T = {run.h.shape[0]}, got {t}")
    H = model.sizes[1]
    s = run.step(t)
    c_prev = (run.c0 if t == 1 else run.c[t - 2])[batch]
    pick = lambda a: a[batch]  # noqa: E731
    i, f, g, o, tc = pick(s.i), pick(s.f), pick(s.g), pick(s.o), pick(s.tanh_c)
    Ui, Uf, Ug, Uo = (model.U[k * H:(k + 1) * H] for k in range(4))
    ch = (c_prev * pick(s.df))[:, None] * Uf + (g * pick(s.di))[:, None] * Ui + (i * pick(s.dg))[:, None] * Ug
    cc = np.diag(f)
    dh_dc = o * pick(s.dtanh_c)
    hh = (tc * pick(s.do))[:, None] * Uo + dh_dc[:, None] * ch
    hc = dh_dc[:, None] * cc
    return {"cc": cc, "ch": ch, "hc": hc, "hh": hh, "full": np.block([[hh, hc], [ch, cc]])}


def one_unit(*, input_gate, forget_gate, candidate, output_gate, readout=(1.0, 0.0), dtype="float64") -> LSTM:
    """An LSTM with one input, one unit and one output. Each gate is given as
    (input weight, recurrent weight, bias); ``readout`` is (w_y, b_y) of y_t = w_y h_t + b_y."""
    rows = [input_gate, forget_gate, candidate, output_gate]           # the order i, f, g, o
    for name, row in zip(("input_gate", "forget_gate", "candidate", "output_gate"), rows):
        if len(row) != 3:
            raise ValueError(f"{name} needs (input weight, recurrent weight, bias), got {row!r}")
    return LSTM(W=[[r[0]] for r in rows], U=[[r[1]] for r in rows], b=[r[2] for r in rows],
                W_yh=[[readout[0]]], b_y=[readout[1]], dtype=dtype)


@dataclass(frozen=True)
class CellPath:
    """How c_T depends on c_k, for k = T..0 (index T − k), in one sequence of the batch."""

    direct: np.ndarray   # f_T f_(T−1) ⋯ f_(k+1): the product of diag(f_t), the path along c alone
    full: np.ndarray     # the c-block of ∂s_T/∂s_k: every path, including those through h


def cell_path(model: LSTM, run: LSTMForward, batch: int = 0) -> CellPath:
    """∂c_T/∂c_k along the cell state alone, ∏ diag(f_t), against the whole Jacobian, which
    adds the paths that leave c through h_t = o_t tanh(c_t) and come back through the gates.
    For H > 1 both are matrices; returned as (T + 1, H, H)."""
    T, H = run.h.shape[0], model.sizes[1]
    direct = [np.eye(H)]
    full = [np.eye(2 * H)]
    for t in range(T, 0, -1):
        J = state_jacobian(model, run, t, batch)
        direct.append(direct[-1] @ J["cc"])
        full.append(full[-1] @ J["full"])
    return CellPath(direct=np.stack(direct), full=np.stack([m[H:, H:] for m in full]))
