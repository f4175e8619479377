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
    """Run a batch of sequences through the network and keep what BPTT needs.

    The same arithmetic as :func:`step`, arranged for speed: the input projection
    W_hx x_t + b_h of all steps is one matrix product, and the Python loop runs over
    time steps only (never over units or the batch). Arrays are stored time-major and
    exposed as (B, T, ·) views.
    """
    x = _as_batch(x)
    B, T, D = x.shape
    _, H, O = model.sizes
    if D != model.sizes[0]:
        raise ValueError(f"inputs have D = {D}, the model expects {model.sizes[0]}")
    h0 = _initial_state(h0, B, H)
    phi = model.phi
    x_tm = np.ascontiguousarray(x.transpose(1, 0, 2))           # (T, B, D)
    z = x_tm @ model.W_hx.T                                       # (T, B, H)
    z += model.b_h
    h = np.empty_like(z)
    W_hh_T = np.ascontiguousarray(model.W_hh.T)
    previous = h0
    for t in range(T):
        z[t] += previous @ W_hh_T                                 # z_t = W_hx x_t + W_hh h_(t−1) + b_h
        h[t] = phi.forward(z[t])                                  # h_t = φ(z_t)
        previous = h[t]
    dphi = phi.slope(z, h)                                        # φ′(z_t), all steps at once
    y = h @ model.W_yh.T + model.b_y
    as_batch = lambda a: a.transpose(1, 0, 2)  # noqa: E731
    return Forward(x=x, h0=h0, z=as_batch(z), h=as_batch(h), dphi=as_batch(dphi), y=as_batch(y))


def _initial_state(h0, B: int, H: int) -> np.ndarray:
    if h0 is None:
        return np.zeros((B, H))
    h0 = np.asarray(h0, dtype=float)
    try:
        h0 = np.broadcast_to(h0, (B, H)).copy()
    except ValueError:
        raise ValueError(f"initial state h0 has shape {h0.shape}, expected ({B}, {H}) or ({H},)") from None
    if not np.all(np.isfinite(h0)):
        raise ValueError("initial state h0 must be finite")
    return h0


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
    """Gradients of :func:`loss` for every parameter and for h0 (key ``"h0"``).

    ``truncate=k`` is truncated BPTT: the loss at step t sends gradient back through
    h_t, …, h_(t−k+1) only; h_(t−k) is treated as a constant (for t − k ≤ 0 the window
    reaches h_0, the initial state, which stays an input and receives gradient).
    ``truncate=None`` or any k ≥ T is full BPTT.

    Full BPTT runs :func:`step_backward`'s formulas with one loop over time: the
    adjoint ∂L/∂z_t = (∂L/∂h_t) ⊙ φ′(z_t) of every step is kept, and the parameter
    gradients Σ_t ∂⁺z_t/∂θ · ∂L/∂z_t are then single matrix products over all steps.
    """
    B, T, _ = run.x.shape
    chosen = _loss_steps(T, steps)
    targets = np.asarray(targets, dtype=float)
    if targets.size != run.y.size:
        raise ValueError(f"targets have {targets.size} values, the outputs {run.y.shape} need {run.y.size}")
    targets = targets.reshape(run.y.shape)
    if truncate is not None and (isinstance(truncate, bool) or int(truncate) != truncate or truncate < 1):
        raise ValueError(f"truncation window must be a whole number of steps ≥ 1, got {truncate!r}")
    dy = np.zeros_like(run.y)
    idx = [t - 1 for t in chosen]
    dy[:, idx] = 2.0 * (run.y[:, idx] - targets[:, idx])
    grads: dict[str, np.ndarray] = {}
    grads["W_yh"] = np.einsum("bto,bth->oh", dy, run.h, optimize=True)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dh_out = np.ascontiguousarray((dy @ model.W_yh).transpose(1, 0, 2))  # (T, B, H): ∂L/∂h_t through y_t
    dphi = np.ascontiguousarray(run.dphi.transpose(1, 0, 2))
    h_prev = np.concatenate([run.h0[None], run.h.transpose(1, 0, 2)[:-1]], axis=0)  # h_(t−1), (T, B, H)
    x_tm = run.x.transpose(1, 0, 2)

    if truncate is None or truncate >= T:
        dz = np.empty_like(dh_out)       # ∂L/∂z_t for every step
        dh = np.zeros_like(run.h0)       # ∂L/∂h_t arriving from step t + 1
        for t in range(T - 1, -1, -1):
            np.multiply(dh_out[t] + dh, dphi[t], out=dz[t])     # through h_t = φ(z_t)
            dh = dz[t] @ model.W_hh                             # through z_t = … + W_hh h_(t−1)
        grads["h0"] = dh
    else:
        dz = np.zeros_like(dh_out)
        grads["h0"] = np.zeros_like(run.h0)
        for t in chosen:
            dh = dh_out[t - 1]
            for j in range(t, max(t - truncate, 0), -1):
                local = dh * dphi[j - 1]
                dz[j - 1] += local
                dh = local @ model.W_hh
            if t - truncate <= 0:
                grads["h0"] += dh
    H = model.sizes[1]
    flat = dz.reshape(-1, H)
    grads["W_hx"] = flat.T @ x_tm.reshape(-1, x_tm.shape[-1])
    grads["W_hh"] = flat.T @ h_prev.reshape(-1, H)
    grads["b_h"] = flat.sum(axis=0)
    return {name: grads[name] for name in (*PARAMETERS, "h0")}


def bptt_stepwise(model: RNN, run: Forward, targets, steps: Iterable[int] | None = None) -> dict[str, np.ndarray]:
    """Full BPTT written with :func:`step_backward` at every step: slower, and
    the plainest reading of the chain rule. :func:`bptt` must agree with it."""
    B, T, _ = run.x.shape
    chosen = _loss_steps(T, steps)
    targets = np.asarray(targets, dtype=float).reshape(run.y.shape)
    dy = np.zeros_like(run.y)
    idx = [t - 1 for t in chosen]
    dy[:, idx] = 2.0 * (run.y[:, idx] - targets[:, idx])
    grads = {name: np.zeros_like(value) for name, value in model.parameters().items()}
    grads["W_yh"] = np.einsum("bto,bth->oh", dy, run.h)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dh = np.zeros_like(run.h0)
    for t in range(T, 0, -1):
        dh = dh + dy[:, t - 1] @ model.W_yh
        local, dh = step_backward(model, dh, run.dphi[:, t - 1], run.x[:, t - 1], run.state(t - 1))
        for name, value in local.items():
            grads[name] += value
    grads["h0"] = dh
    return grads


def state_gradients(model: RNN, run: Forward, dh_T: np.ndarray | None = None) -> np.ndarray:
    """∂ℓ/∂h_k for k = T, T−1, …, 0 when the loss ℓ depends on h_T only with
    ∂ℓ/∂h_T = ``dh_T`` (default: ones). Returns shape (T + 1, B, H), index T − k."""
    B, T, H = run.h.shape
    dh = np.ones((B, H)) if dh_T is None else np.broadcast_to(np.asarray(dh_T, dtype=float), (B, H)).copy()
    out = np.empty((T + 1, B, H))
    out[0] = dh
    for t in range(T, 0, -1):
        dh = (dh * run.dphi[:, t - 1]) @ model.W_hh
        out[T - t + 1] = dh
    return out


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
        product = product @ (dphi[:, i - 1, :, None] * W)
        norms[:, distance] = np.linalg.norm(product, ord=2, axis=(1, 2))
    return norms


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
    for t in range(T):
        z[t] += np.einsum("nij,nj->ni", W, previous)
        h[t] = phi.forward(z[t])
        previous = h[t]
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
    bound: np.ndarray      # (γλ)^(T−k)

    @property
    def median(self) -> np.ndarray:
        return np.median(self.norms, axis=0)

    @property
    def largest_ratio(self) -> float:
        """max over networks and distances T − k ≥ 1 of measured / bound (≤ 1 when the bound holds)."""
        return float(np.max(self.norms[:, 1:] / self.bound[1:]))


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
    return JacobianStudy(activation, g, float(lam), distance, jacobian_norms(W, dphi), (g * lam) ** distance)


def contributions_by_distance(model: RNN, run: Forward, dh_t: np.ndarray, t: int) -> np.ndarray:
    """‖(∂ℓ_t/∂h_k)(∂⁺h_k/∂W_hh)‖ for k = t, t−1, …, 1 (index t − k): the terms of
    ∂ℓ_t/∂W_hh = Σ_k (∂ℓ_t/∂h_k)(∂⁺h_k/∂W_hh) for a loss at step t with
    ∂ℓ_t/∂h_t = ``dh_t`` (B, H). Truncated BPTT with window K keeps the terms t − k < K."""
    if not 1 <= t <= run.h.shape[1]:
        raise ValueError(f"t must lie in 1..{run.h.shape[1]}, got {t}")
    dh = np.broadcast_to(np.asarray(dh_t, dtype=float), run.h0.shape).copy()
    out = np.empty(t)
    for k in range(t, 0, -1):
        dz = dh * run.dphi[:, k - 1]
        out[t - k] = np.linalg.norm(dz.T @ run.state(k - 1))
        dh = dz @ model.W_hh
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
