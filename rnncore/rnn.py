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

Precision: a model has a ``dtype``, float64 (the default, which every number in the
guide uses) or float32; its parameters, states and gradients all stay in it.

Speed: :func:`forward` and :func:`bptt` run the same formulas as :func:`step` and
:func:`step_backward`, arranged so that the Python loop runs over time steps only and
writes into preallocated arrays (``out=`` everywhere, scratch arrays reused between
calls through :mod:`rnncore.workspace`); everything that does not need the loop
(input projections, outputs, parameter gradients) is one matrix product over all
steps. Pass ``out=`` a previous result to reuse its arrays as well.

Range: no function here returns inf or nan. When a state, loss or gradient leaves the
floating-point range, a ValueError names the quantity, the step and what to do instead.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from . import workspace
from .activations import Activation, get

PARAMETERS = ("W_hx", "W_hh", "b_h", "W_yh", "b_y")
DTYPES = ("float64", "float32")


def as_dtype(dtype) -> np.dtype:
    """np.float64 or np.float32 as a numpy dtype; anything else is a ValueError."""
    try:
        chosen = np.dtype(dtype)
    except TypeError:
        chosen = None
    if chosen not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    return chosen


@dataclass(eq=False)
class RNN:
    """Parameters of a vanilla RNN with input size D, hidden size H, output size O,
    stored (and computed with) in ``dtype``: float64, the default, or float32."""

    W_hx: np.ndarray  # (H, D)
    W_hh: np.ndarray  # (H, H)
    b_h: np.ndarray   # (H,)
    W_yh: np.ndarray  # (O, H)
    b_y: np.ndarray   # (O,)
    activation: str = "tanh"
    dtype: str | np.dtype = "float64"

    def __post_init__(self):
        self.dtype = as_dtype(self.dtype)
        for name in PARAMETERS:
            with np.errstate(over="ignore"):
                value = np.array(getattr(self, name), dtype=self.dtype)
            if not np.all(np.isfinite(value)):
                raise ValueError(f"parameter {name} must be finite (and within the {self.dtype} range)")
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
        return dataclasses.replace(self, **changes)

    def astype(self, dtype) -> "RNN":
        """The same network with its parameters rounded to ``dtype``."""
        return self.replace(dtype=dtype)

    @classmethod
    def random(cls, D: int, H: int, O: int, *, activation: str = "tanh", seed: int = 0,
               scale: float = 1.0, dtype="float64") -> "RNN":
        """Gaussian weights with variance scale²/fan-in, small biases. The draws are the
        same for every dtype (made in float64, then rounded)."""
        rng = np.random.default_rng(seed)
        return cls(
            W_hx=rng.normal(0, scale / np.sqrt(D), (H, D)),
            W_hh=rng.normal(0, scale / np.sqrt(H), (H, H)),
            b_h=rng.normal(0, 0.1, H),
            W_yh=rng.normal(0, 1 / np.sqrt(H), (O, H)),
            b_y=rng.normal(0, 0.1, O),
            activation=activation,
            dtype=dtype,
        )


@dataclass(eq=False)
class Forward:
    """Everything the forward pass computed, kept for the backward pass.

    Stored time-major (step first), the layout the loops run over; ``x``, ``z``, ``h``,
    ``dphi`` and ``y`` are (B, T, ·) views of these arrays.
    """

    xs: np.ndarray      # (T, B, D) inputs
    states: np.ndarray  # (T + 1, B, H): h_0 (the initial state), h_1, …, h_T
    zs: np.ndarray      # (T, B, H) pre-activations
    dphis: np.ndarray   # (T, B, H) φ′(z_t), the local derivatives
    ys: np.ndarray      # (T, B, O) outputs

    @classmethod
    def empty(cls, B: int, T: int, D: int, H: int, O: int, dtype) -> "Forward":
        return cls(np.empty((T, B, D), dtype), np.empty((T + 1, B, H), dtype), np.empty((T, B, H), dtype),
                   np.empty((T, B, H), dtype), np.empty((T, B, O), dtype))

    def fits(self, B: int, T: int, D: int, H: int, O: int, dtype) -> bool:
        """Whether these arrays can hold a run of these sizes (so ``forward(out=…)`` reuses them)."""
        return (self.xs.shape == (T, B, D) and self.states.shape == (T + 1, B, H)
                and self.ys.shape == (T, B, O) and self.states.dtype == dtype)

    @property
    def dtype(self) -> np.dtype:
        return self.states.dtype

    @property
    def x(self) -> np.ndarray:
        """(B, T, D)."""
        return self.xs.transpose(1, 0, 2)

    @property
    def h0(self) -> np.ndarray:
        """(B, H)."""
        return self.states[0]

    @property
    def z(self) -> np.ndarray:
        """(B, T, H)."""
        return self.zs.transpose(1, 0, 2)

    @property
    def h(self) -> np.ndarray:
        """(B, T, H): h_1..h_T."""
        return self.states[1:].transpose(1, 0, 2)

    @property
    def dphi(self) -> np.ndarray:
        """(B, T, H)."""
        return self.dphis.transpose(1, 0, 2)

    @property
    def y(self) -> np.ndarray:
        """(B, T, O)."""
        return self.ys.transpose(1, 0, 2)

    def state(self, t: int) -> np.ndarray:
        """h_t for t = 0..T (h_0 is the initial state)."""
        return self.states[t]


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


# --- staying inside the floating-point range ------------------------------------------

_QUIET = dict(over="ignore", invalid="ignore", divide="ignore")  # overflow is reported by _require_finite


def _first_bad_step(values: np.ndarray, backward: bool) -> int | None:
    """The step (1-based index into the first axis) where ``values`` first holds inf or
    nan, in the order a forward (or backward) sweep reaches the steps; None if all finite."""
    with np.errstate(**_QUIET):
        if np.isfinite(np.sum(values)):   # one cheap pass; a sum can only overflow, never hide inf/nan
            return None
    bad = ~np.isfinite(values).reshape(len(values), -1).all(axis=1)
    if not bad.any():
        return None
    return len(bad) - int(np.argmax(bad[::-1])) if backward else int(np.argmax(bad)) + 1


def _require_finite(values: np.ndarray, function: str, quantity: str, *, backward: bool = False,
                    steps: int | None = None, step_name: str = "step t") -> None:
    """Raise a ValueError naming the quantity and the step where it left the range.
    ``values`` has steps along its first axis (1-based), the order of the sweep given by ``backward``."""
    where = _first_bad_step(values, backward)
    if where is None:
        return
    limit = np.finfo(values.dtype).max
    total = f" of {steps}" if steps is not None else f" of {len(values)}"
    raise ValueError(
        f"{function}: {quantity} left the {values.dtype} range (magnitudes above {limit:.3g}) at {step_name} = "
        f"{where}{total}; use a shorter sequence (fewer than {where} steps), smaller recurrent weights "
        f"(‖W_hh‖₂ closer to 1){', float64 instead of float32' if values.dtype == np.float32 else ''}, "
        f"or follow the logarithm of the magnitude (log space) instead of the value")


# --- forward and backward ------------------------------------------------------------

def _as_batch(x, dtype=np.float64) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = np.asarray(x, dtype=dtype)
    if x.ndim == 2:      # (T, D): one sequence
        x = x[None]
    if x.ndim != 3:
        raise ValueError(f"inputs must have shape (B, T, D) or (T, D), got {x.shape}")
    if x.shape[1] < 1:
        raise ValueError("a sequence needs at least one step (T ≥ 1)")
    with np.errstate(**_QUIET):
        finite = np.isfinite(np.sum(x)) or np.all(np.isfinite(x))
    if not finite:
        raise ValueError(f"inputs must be finite (and within the {np.dtype(dtype)} range)")
    return x


def _initial_state(h0, B: int, H: int, dtype=np.float64, out: np.ndarray | None = None) -> np.ndarray:
    if out is None:
        out = np.empty((B, H), dtype)
    if h0 is None:
        out.fill(0)
        return out
    with np.errstate(over="ignore"):
        h0 = np.asarray(h0, dtype=dtype)
    try:
        np.copyto(out, np.broadcast_to(h0, (B, H)))
    except ValueError:
        raise ValueError(f"initial state h0 has shape {h0.shape}, expected ({B}, {H}) or ({H},)") from None
    if not np.all(np.isfinite(out)):
        raise ValueError(f"initial state h0 must be finite (and within the {np.dtype(dtype)} range)")
    return out


def _sigmoid_into(z, out):
    e = np.exp(-np.abs(z))
    np.copyto(out, np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)))


# h = φ(z) written into ``out``, in z's dtype; the formulas of rnncore.activations.
_ACTIVATE_INTO = {
    "tanh": np.tanh,                                   # a ufunc: np.tanh(z, out)
    "sigmoid": _sigmoid_into,
    "relu": lambda z, out: np.maximum(z, 0.0, out=out),
    "identity": lambda z, out: np.copyto(out, z),
}


def _slope_into(name: str, z: np.ndarray, h: np.ndarray, out: np.ndarray) -> None:
    """φ′(z) for h = φ(z), written into ``out`` (tanh: 1 − h², sigmoid: h(1 − h))."""
    if name == "tanh":
        np.multiply(h, h, out=out)
        np.subtract(1.0, out, out=out)
    elif name == "sigmoid":
        np.subtract(1.0, h, out=out)
        np.multiply(h, out, out=out)
    elif name == "relu":
        np.greater(z, 0.0, out=out)
    else:
        out.fill(1.0)


def forward(model: RNN, x, h0=None, *, out: Forward | None = None) -> Forward:
    """Run a batch of sequences through the network and keep what BPTT needs.

    The same arithmetic as :func:`step`, arranged for speed: the input projection
    W_hx x_t + b_h of all steps is one matrix product, the Python loop runs over time
    steps only (never over units or the batch) and writes in place. Arrays are stored
    time-major. ``out=`` a previous :class:`Forward` of the same sizes and dtype reuses
    its arrays (and overwrites them); otherwise new ones are allocated.
    Inputs are converted to the model's dtype.
    """
    dtype = model.dtype
    x = _as_batch(x, dtype)
    B, T, D = x.shape
    _, H, O = model.sizes
    if D != model.sizes[0]:
        raise ValueError(f"inputs have D = {D}, the model expects {model.sizes[0]}")
    run = out if out is not None and out.fits(B, T, D, H, O, dtype) else Forward.empty(B, T, D, H, O, dtype)
    _initial_state(h0, B, H, dtype, out=run.states[0])
    np.copyto(run.xs, x.transpose(1, 0, 2))
    activate = _ACTIVATE_INTO[model.phi.name]
    z, states = run.zs, run.states
    with np.errstate(**_QUIET):
        if B == 1:   # one matrix-vector product per step, rounding exactly as step() does for one sequence
            np.matmul(run.xs, model.W_hx.T, out=z)
        else:        # W_hx x_t of all steps as one matrix product
            np.matmul(run.xs.reshape(T * B, D), model.W_hx.T, out=z.reshape(T * B, H))
        z += model.b_h
        W_hh_T = np.ascontiguousarray(model.W_hh.T)
        recurrent = workspace.scratch("rnn.forward.recurrent", (B, H), dtype)
        dot, add = np.dot, np.add
        for z_t, h_previous, h_t in zip(z, states[:-1], states[1:]):
            dot(h_previous, W_hh_T, out=recurrent)
            add(z_t, recurrent, out=z_t)                           # z_t = W_hx x_t + W_hh h_(t−1) + b_h
            activate(z_t, h_t)                                     # h_t = φ(z_t)
        _require_finite(z, "forward", "the pre-activation z_t", steps=T)
        _slope_into(model.phi.name, z, states[1:], run.dphis)      # φ′(z_t), all steps at once
        np.matmul(states[1:], model.W_yh.T, out=run.ys)            # y_t = W_yh h_t + b_y
        run.ys += model.b_y
        _require_finite(run.ys, "forward", "the output y_t", steps=T)
    return run


def _loss_steps(T: int, steps: Iterable[int] | None) -> list[int]:
    """Steps (1..T) whose outputs enter the loss; default: every step."""
    chosen = list(range(1, T + 1)) if steps is None else sorted(set(int(s) for s in steps))
    if not chosen or chosen[0] < 1 or chosen[-1] > T:
        raise ValueError(f"loss steps must lie in 1..{T}, got {chosen}")
    return chosen


def _targets(run: Forward, targets) -> np.ndarray:
    """The targets as (B, T, O) in the run's dtype."""
    with np.errstate(over="ignore"):
        targets = np.asarray(targets, dtype=run.dtype)
    if targets.size != run.ys.size:
        raise ValueError(f"targets have {targets.size} values, the outputs {run.y.shape} need {run.ys.size}")
    targets = targets.reshape(run.y.shape)
    if not np.all(np.isfinite(targets)):
        raise ValueError(f"targets must be finite (and within the {run.dtype} range)")
    return targets


def loss(run: Forward, targets, steps: Iterable[int] | None = None) -> float:
    """Sum of squared residuals Σ_t Σ_b Σ_o (y_t − target_t)² over the chosen steps."""
    targets = _targets(run, targets)
    idx = [t - 1 for t in _loss_steps(run.ys.shape[0], steps)]
    with np.errstate(**_QUIET):
        value = np.sum((run.y[:, idx] - targets[:, idx]) ** 2)
    if not np.isfinite(value):
        raise ValueError(f"loss: the summed squared residual left the {run.dtype} range (magnitudes above "
                         f"{np.finfo(run.dtype).max:.3g}); use a shorter sequence, smaller weights"
                         f"{', float64 instead of float32' if run.dtype == np.float32 else ''}, "
                         "or compare log-magnitudes (log space) instead")
    return float(value)


def bptt(model: RNN, run: Forward, targets, steps: Iterable[int] | None = None,
         truncate: int | None = None, *, out: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Gradients of :func:`loss` for every parameter and for h0 (key ``"h0"``).

    ``truncate=k`` is truncated BPTT: the loss at step t sends gradient back through
    h_t, …, h_(t−k+1) only; h_(t−k) is treated as a constant (for t − k ≤ 0 the window
    reaches h_0, the initial state, which stays an input and receives gradient).
    ``truncate=None`` or any k ≥ T is full BPTT.

    Full BPTT runs :func:`step_backward`'s formulas with one loop over time: the
    adjoint ∂L/∂z_t = (∂L/∂h_t) ⊙ φ′(z_t) of every step is kept (in a reused scratch
    array), and the parameter gradients Σ_t ∂⁺z_t/∂θ · ∂L/∂z_t are then single matrix
    products over all steps. ``out=`` a previous result writes the gradients into its arrays.
    """
    dtype = model.dtype
    if run.dtype != dtype:
        raise ValueError(f"the run is {run.dtype}, the model {dtype}: run forward with this model")
    T, B, _ = run.xs.shape
    D, H, O = model.sizes
    chosen = _loss_steps(T, steps)
    targets = _targets(run, targets)
    if truncate is not None and (isinstance(truncate, bool) or int(truncate) != truncate or truncate < 1):
        raise ValueError(f"truncation window must be a whole number of steps ≥ 1, got {truncate!r}")
    grads = out if out is not None and _fits(out, model, B) else _empty_gradients(model, B)
    with np.errstate(**_QUIET):
        dy = workspace.scratch("rnn.bptt.dy", (T, B, O), dtype)  # ∂L/∂y_t = 2 (y_t − target_t) on loss steps
        np.subtract(run.ys, targets.transpose(1, 0, 2), out=dy)
        dy *= 2.0
        if len(chosen) < T:
            unused = np.ones(T, dtype=bool)
            unused[[t - 1 for t in chosen]] = False
            dy[unused] = 0.0
        np.matmul(dy.reshape(T * B, O).T, run.states[1:].reshape(T * B, H), out=grads["W_yh"])
        np.sum(dy, axis=(0, 1), out=grads["b_y"])
        dz = workspace.scratch("rnn.bptt.dz", (T, B, H), dtype)  # ∂L/∂z_t for every step
        dphi = run.dphis
        if truncate is None or truncate >= T:
            if O == 1:                                             # ∂L/∂h_t through y_t: an outer product
                np.multiply(dy, model.W_yh[0], out=dz)
            else:
                np.matmul(dy.reshape(T * B, O), model.W_yh, out=dz.reshape(T * B, H))
            dh = grads["h0"]                                       # ∂L/∂h_t arriving from step t + 1
            dh.fill(0.0)
            dot, add, multiply, W_hh = np.dot, np.add, np.multiply, model.W_hh
            for dz_t, dphi_t in zip(dz[::-1], dphi[::-1]):        # t = T, T − 1, …, 1
                add(dz_t, dh, out=dz_t)
                multiply(dz_t, dphi_t, out=dz_t)                   # through h_t = φ(z_t)
                dot(dz_t, W_hh, out=dh)                            # through z_t = … + W_hh h_(t−1)
        else:
            dh_out = dy @ model.W_yh
            dz.fill(0.0)
            grads["h0"].fill(0.0)
            for t in chosen:
                dh = dh_out[t - 1]
                for j in range(t, max(t - truncate, 0), -1):
                    local = dh * dphi[j - 1]
                    dz[j - 1] += local
                    dh = local @ model.W_hh
                if t - truncate <= 0:
                    grads["h0"] += dh
        _require_finite(dz, "bptt", "the gradient ∂L/∂z_t", backward=True, steps=T,
                        step_name="step t (counting down from T)")
        flat = dz.reshape(T * B, H)
        np.matmul(flat.T, run.xs.reshape(T * B, D), out=grads["W_hx"])
        np.matmul(flat.T, run.states[:-1].reshape(T * B, H), out=grads["W_hh"])
        np.sum(flat, axis=0, out=grads["b_h"])
    for name, value in grads.items():
        if not np.all(np.isfinite(value)):
            raise ValueError(f"bptt: the gradient for {name} left the {dtype} range (the sum over steps "
                             f"overflowed); use a shorter sequence, smaller weights or float64")
    return grads


def _empty_gradients(model: RNN, B: int) -> dict[str, np.ndarray]:
    shapes = {name: value.shape for name, value in model.parameters().items()}
    shapes["h0"] = (B, model.sizes[1])
    return {name: np.empty(shape, model.dtype) for name, shape in shapes.items()}


def _fits(grads: dict[str, np.ndarray], model: RNN, B: int) -> bool:
    wanted = {name: value.shape for name, value in model.parameters().items()} | {"h0": (B, model.sizes[1])}
    return (set(grads) == set(wanted)
            and all(grads[n].shape == s and grads[n].dtype == model.dtype for n, s in wanted.items()))


def bptt_stepwise(model: RNN, run: Forward, targets, steps: Iterable[int] | None = None) -> dict[str, np.ndarray]:
    """Full BPTT written with :func:`step_backward` at every step: slower, and
    the plainest reading of the chain rule. :func:`bptt` must agree with it."""
    B, T, _ = run.x.shape
    chosen = _loss_steps(T, steps)
    targets = _targets(run, targets)
    dy = np.zeros_like(run.y)
    idx = [t - 1 for t in chosen]
    dy[:, idx] = 2.0 * (run.y[:, idx] - targets[:, idx])
    grads = {name: np.zeros_like(value) for name, value in model.parameters().items()}
    grads["W_yh"] = np.einsum("bto,bth->oh", dy, run.h)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dh = np.zeros_like(run.h0)
    with np.errstate(**_QUIET):
        for t in range(T, 0, -1):
            dh = dh + dy[:, t - 1] @ model.W_yh
            local, dh = step_backward(model, dh, run.dphi[:, t - 1], run.x[:, t - 1], run.state(t - 1))
            for name, value in local.items():
                grads[name] += value
    grads["h0"] = dh
    for name, value in grads.items():
        if not np.all(np.isfinite(value)):
            raise ValueError(f"bptt_stepwise: the gradient for {name} left the {run.dtype} range; "
                             "use a shorter sequence, smaller weights or float64")
    return grads


def state_gradients(model: RNN, run: Forward, dh_T: np.ndarray | None = None) -> np.ndarray:
    """∂ℓ/∂h_k for k = T, T−1, …, 0 when the loss ℓ depends on h_T only with
    ∂ℓ/∂h_T = ``dh_T`` (default: ones). Returns shape (T + 1, B, H), index T − k."""
    B, T, H = run.h.shape
    dtype = run.dtype
    out = np.empty((T + 1, B, H), dtype)
    if dh_T is None:
        out[0] = 1.0
    else:
        out[0] = np.broadcast_to(np.asarray(dh_T, dtype=dtype), (B, H))
    dz = np.empty((B, H), dtype)
    with np.errstate(**_QUIET):
        for t in range(T, 0, -1):
            np.multiply(out[T - t], run.dphis[t - 1], out=dz)
            np.matmul(dz, model.W_hh, out=out[T - t + 1])
    _require_finite(out, "state_gradients", "the gradient ∂ℓ/∂h_k", steps=T + 1,
                    step_name="position T − k + 1")
    return out


def step_jacobian(model: RNN, run: Forward, t: int, batch: int = 0) -> np.ndarray:
    """∂h_t/∂h_(t−1) = diag(φ′(z_t)) · W_hh for one sequence of the batch."""
    return run.dphis[t - 1, batch][:, None] * model.W_hh


def jacobian(model: RNN, run: Forward, t: int, k: int, batch: int = 0) -> np.ndarray:
    """∂h_t/∂h_k = ∏_{i=k+1..t} ∂h_i/∂h_(i−1), the later factors on the left (0 ≤ k ≤ t ≤ T)."""
    if not 0 <= k <= t <= run.h.shape[1]:
        raise ValueError(f"need 0 ≤ k ≤ t ≤ T, got k={k}, t={t}")
    result = np.eye(model.sizes[1], dtype=model.dtype)
    with np.errstate(**_QUIET):
        for i in range(k + 1, t + 1):
            result = step_jacobian(model, run, i, batch) @ result
            if not np.isfinite(result).all():
                raise ValueError(
                    f"jacobian: ∂h_{i}/∂h_{k} left the {result.dtype} range at step i = {i} (distance {i - k}); "
                    f"use a shorter distance t − k (fewer than {i - k} steps) or follow its log-norm (log space), "
                    "e.g. with jacobian_norms on a shorter sequence")
    return result


def jacobian_norms(W_hh: np.ndarray, dphi: np.ndarray) -> np.ndarray:
    """‖∂h_T/∂h_k‖₂ for k = T, T−1, …, 0 of many networks at once.

    ``W_hh`` has shape (N, H, H) (or (H, H), shared), ``dphi`` shape (N, T, H): the
    φ′(z_t) of each network's run. Returns (N, T + 1), column T − k. The product
    ∂h_T/∂h_k = ∂h_T/∂h_(k+1) · diag(φ′(z_(k+1))) W_hh grows one factor per column,
    and the spectral norms of the whole stack are computed together.
    """
    dphi = np.asarray(dphi, dtype=float)
    N, T, H = dphi.shape
    W = np.broadcast_to(np.asarray(W_hh, dtype=float), (N, H, H))
    product = np.broadcast_to(np.eye(H), (N, H, H)).copy()
    norms = np.empty((N, T + 1))
    norms[:, 0] = 1.0
    for distance in range(1, T + 1):
        i = T - distance + 1                       # the factor ∂h_i/∂h_(i−1), i = T, T−1, …
        with np.errstate(**_QUIET):
            product = product @ (dphi[:, i - 1, :, None] * W)
            # the largest entry bounds the norm within a factor H; past ~1e300 the SVD itself overflows
            finite = np.isfinite(product).all() and np.max(np.abs(product)) < _SVD_LIMIT
        if not finite:
            raise ValueError(
                f"jacobian_norms: ‖∂h_T/∂h_k‖ leaves the float64 range at distance T − k = {distance} of {T}; "
                f"use fewer steps (at most {distance - 1}) or smaller weights, or bound it in log space "
                "(the norm is at most ∏ ‖φ′‖ ‖W_hh‖, whose logarithm is a sum)")
        norms[:, distance] = np.linalg.norm(product, ord=2, axis=(1, 2))
    return norms


_SVD_LIMIT = 1e300  # LAPACK's SVD rescales its input; entries near the float64 maximum make it fail


def recurrence(W_hh: np.ndarray, drive: np.ndarray, activation: str | Activation = "tanh",
               h0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Run many networks at once: h_t = φ(W_hh h_(t−1) + drive_t), drive_t = W_hx x_t + b_h.

    ``W_hh`` (N, H, H), ``drive`` (N, T, H). Returns the states h_1..h_T and the
    local derivatives φ′(z_t), both (N, T, H): what :func:`jacobian_norms` needs.
    """
    phi = get(activation)
    W = np.asarray(W_hh, dtype=float)
    drive = np.asarray(drive, dtype=float)
    N, T, H = drive.shape
    if W.shape != (N, H, H):
        raise ValueError(f"W_hh has shape {W.shape}, expected {(N, H, H)} for drive of shape {drive.shape}")
    h = np.empty((T, N, H))
    z = np.ascontiguousarray(drive.transpose(1, 0, 2))
    previous = np.zeros((N, H)) if h0 is None else np.broadcast_to(np.asarray(h0, dtype=float), (N, H))
    with np.errstate(**_QUIET):
        for t in range(T):
            z[t] += np.einsum("nij,nj->ni", W, previous)
            h[t] = phi.forward(z[t])
            previous = h[t]
    _require_finite(z, "recurrence", "the pre-activation z_t", steps=T)
    return h.transpose(1, 0, 2), phi.derivative(z).transpose(1, 0, 2)


def with_largest_singular_value(matrix: np.ndarray, lam: float | np.ndarray) -> np.ndarray:
    """``matrix`` rescaled so that its largest singular value is λ (works on stacks)."""
    matrix = np.asarray(matrix, dtype=float)
    current = np.linalg.norm(matrix, ord=2, axis=(-2, -1))
    if np.any(current == 0):
        raise ValueError("a zero matrix cannot be rescaled to a given singular value")
    return matrix * (np.asarray(lam, dtype=float) / current)[..., None, None]


def spectral_norm(matrix: np.ndarray) -> float:
    """‖M‖₂, the largest singular value."""
    return float(np.linalg.norm(matrix, 2))


largest_singular_value = spectral_norm


def spectral_radius(matrix: np.ndarray) -> float:
    """max |eigenvalue|."""
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


# --- studies the guide draws ---------------------------------------------------------

@dataclass(frozen=True)
class JacobianStudy:
    """Measured ‖∂h_T/∂h_k‖ of an ensemble of random networks with a common λ."""

    activation: str
    gamma: float
    lam: float
    distance: np.ndarray   # T − k = 0..T
    norms: np.ndarray      # (networks, T + 1)

    @property
    def log10_bound(self) -> np.ndarray:
        """log10 (γλ)^(T−k) = (T − k) log10 γλ, finite however long the sequence."""
        return self.distance * np.log10(self.gamma * self.lam)

    @property
    def bound(self) -> np.ndarray:
        """(γλ)^(T−k); a ValueError where that leaves the float64 range (use :attr:`log10_bound`)."""
        with np.errstate(over="ignore"):
            bound = (self.gamma * self.lam) ** self.distance
        if not np.all(np.isfinite(bound)) or np.any(bound[1:] == 0):
            first = int(np.argmax(~np.isfinite(bound) | (bound == 0)))
            raise ValueError(f"the bound (γλ)^(T−k) with γλ = {self.gamma * self.lam:g} leaves the float64 range "
                             f"from distance T − k = {first} on; use log10_bound (log space) or fewer steps")
        return bound

    @property
    def median(self) -> np.ndarray:
        return np.median(self.norms, axis=0)

    @property
    def largest_ratio(self) -> float:
        """max over networks and distances T − k ≥ 1 of measured / bound (≤ 1 when the bound holds)."""
        try:
            return float(np.max(self.norms[:, 1:] / self.bound[1:]))
        except ValueError:
            pass
        with np.errstate(divide="ignore"):       # a norm of exactly 0 has ratio 0: log10 −inf, then 10^−inf = 0
            log_ratio = np.log10(self.norms[:, 1:]) - self.log10_bound[1:]
        largest = float(np.max(log_ratio))
        if largest > np.log10(np.finfo(float).max):
            raise ValueError(f"measured / bound exceeds the float64 range (10^{largest:.4g}); use log10_bound")
        return float(10.0 ** largest)


def jacobian_study(activation: str, lam: float, *, hidden: int = 8, steps: int = 60, networks: int = 30,
                   input_scale: float = 0.5, seed: int = 0) -> JacobianStudy:
    """Random networks with largest singular value λ of W_hh, Gaussian W_hh directions,
    inputs of standard deviation ``input_scale`` entering through W_hx x_t + b_h, h_0 = 0."""
    from .activations import gamma as gamma_of

    rng = np.random.default_rng(seed)
    W = with_largest_singular_value(rng.normal(size=(networks, hidden, hidden)), lam)
    drive = rng.normal(0.0, input_scale, (networks, steps, hidden))
    _, dphi = recurrence(W, drive, activation)
    g = float(gamma_of(activation))
    distance = np.arange(steps + 1)
    return JacobianStudy(activation, g, float(lam), distance, jacobian_norms(W, dphi))


def contributions_by_distance(model: RNN, run: Forward, dh_t: np.ndarray, t: int) -> np.ndarray:
    """‖(∂ℓ_t/∂h_k)(∂⁺h_k/∂W_hh)‖ for k = t, t−1, …, 1 (index t − k): the terms of
    ∂ℓ_t/∂W_hh = Σ_k (∂ℓ_t/∂h_k)(∂⁺h_k/∂W_hh) for a loss at step t with
    ∂ℓ_t/∂h_t = ``dh_t`` (B, H). Truncated BPTT with window K keeps the terms t − k < K."""
    if not 1 <= t <= run.h.shape[1]:
        raise ValueError(f"t must lie in 1..{run.h.shape[1]}, got {t}")
    dh = np.broadcast_to(np.asarray(dh_t, dtype=run.dtype), run.h0.shape).copy()
    out = np.empty(t, dtype=run.dtype)
    with np.errstate(**_QUIET):
        for k in range(t, 0, -1):
            dz = dh * run.dphis[k - 1]
            out[t - k] = np.linalg.norm(dz.T @ run.state(k - 1))
            dh = dz @ model.W_hh
    _require_finite(out, "contributions_by_distance", "the term norm", steps=t, step_name="distance t − k + 1")
    return out


def jacobian_heatmap(activation: str, lambdas, *, hidden: int = 8, steps: int = 60, networks: int = 30,
                     input_scale: float = 0.5, seed: int = 0) -> np.ndarray:
    """log10 of the median ‖∂h_T/∂h_k‖ for each λ (rows) and distance T − k (columns),
    every λ with its own ensemble as in :func:`jacobian_study`, all run at once."""
    lambdas = np.asarray(lambdas, dtype=float)
    rng = np.random.default_rng(seed)
    rows = len(lambdas)
    W = with_largest_singular_value(rng.normal(size=(rows * networks, hidden, hidden)), np.repeat(lambdas, networks))
    drive = rng.normal(0.0, input_scale, (rows * networks, steps, hidden))
    _, dphi = recurrence(W, drive, activation)
    norms = jacobian_norms(W, dphi).reshape(rows, networks, steps + 1)
    with np.errstate(divide="ignore"):
        return np.log10(np.median(norms, axis=1))


@dataclass(frozen=True)
class TruncationStudy:
    contributions: np.ndarray  # ‖term of ∂ℓ_T/∂W_hh‖ by distance T − k = 0..T−1
    window: int
    full: np.ndarray           # ∂ℓ_T/∂W_hh, full BPTT
    truncated: np.ndarray      # ∂ℓ_T/∂W_hh, truncated to the window

    @property
    def relative_difference(self) -> float:
        """‖full − truncated‖ / ‖full‖: how much of the gradient the cut removes."""
        return float(np.linalg.norm(self.full - self.truncated) / np.linalg.norm(self.full))

    @property
    def kept_share(self) -> float:
        """Share of the summed term norms that lies inside the window."""
        return float(self.contributions[:self.window].sum() / self.contributions.sum())


def truncation_study(*, hidden: int = 8, steps: int = 40, window: int = 10, lam: float = 1.5,
                     input_scale: float = 0.5, seed: int = 0) -> TruncationStudy:
    """One tanh network (D = O = 1), a loss at the last step only: the terms of
    ∂ℓ_T/∂W_hh by distance, and the gradient with and without truncation."""
    if not 1 <= window <= steps:
        raise ValueError(f"the window must lie in 1..{steps}, got {window}")
    model = RNN.random(1, hidden, 1, activation="tanh", seed=seed)
    model = model.replace(W_hh=with_largest_singular_value(model.W_hh, lam))
    rng = np.random.default_rng(seed + 1)
    x = input_scale * rng.normal(size=(1, steps, 1))
    targets = rng.normal(size=(1, steps, 1))
    run = forward(model, x)
    dy = 2.0 * (run.y[:, -1] - targets[:, -1])
    contributions = contributions_by_distance(model, run, dy @ model.W_yh, steps)
    full = bptt(model, run, targets, steps=[steps])["W_hh"]
    cut = bptt(model, run, targets, steps=[steps], truncate=window)["W_hh"]
    return TruncationStudy(contributions, window, full, cut)
