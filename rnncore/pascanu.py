"""The one-unit models of Pascanu, Mikolov and Bengio (2013), "On the difficulty of
training recurrent neural networks", reproduced.

Both figures use the single recurrent unit (no input)::

    x_t = w σ(x_(t−1)) + b          σ the logistic sigmoid

**Figure 3** (after Doya 1993): with w = 5 and the bias b swept, the unit's final
state settles on one of two attractors. Fixed points solve x = w σ(x) + b, i.e.
b = x − w σ(x); one is stable when |w σ′(x)| < 1. The two stable branches coexist
between two saddle-node bifurcations, where w σ′(x) = 1, i.e.
σ(x) = (1 ± √(1 − 4/w)) / 2. :func:`bifurcation_points` gives them in closed form,
:func:`attractor_branches` traces the branches, :func:`iterate_final_states` runs
the map itself from a sweep of b up and down.

**Figure 6**: with x_0 = 0.5 and 50 steps, the loss E = (σ(x_50) − 0.7)² over the
(w, b) plane has a wall where x_0 sits on the unstable fixed point and the final
state jumps from one attractor to the other. :func:`loss_and_gradient` evaluates E
and its gradient by BPTT on a whole grid at once (loop over time only), and
:func:`descend` follows gradient descent with and without norm clipping.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .activations import sigmoid

X0 = 0.5
STEPS = 50
TARGET = 0.7


def _sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def _check_steps(steps: int) -> int:
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise ValueError(f"the number of steps must be a whole number ≥ 1, got {steps!r}")
    return int(steps)


def states(w, b, *, x0: float = X0, steps: int = STEPS) -> np.ndarray:
    """x_0, x_1, …, x_steps for every (w, b) (broadcast); shape (steps + 1, *grid)."""
    steps = _check_steps(steps)
    w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
        raise ValueError("w and b must be finite")
    x = np.empty((steps + 1, *w.shape))
    x[0] = x0
    for t in range(1, steps + 1):
        x[t] = w * sigmoid(x[t - 1]) + b
    return x


def loss(w, b, *, x0: float = X0, steps: int = STEPS, target: float = TARGET) -> np.ndarray:
    """E = (σ(x_steps) − target)² on a grid."""
    return (sigmoid(states(w, b, x0=x0, steps=steps)[-1]) - target) ** 2


def _beyond_float_range(w: float, b: float, step: int, steps: int, log10_size: float | None = None) -> ValueError:
    size = f" (about 10^{log10_size:.0f})" if log10_size is not None else ""
    return ValueError(
        f"∂E/∂x_t, the gradient flowing back through time, left the float range{size} at step t = {step} of "
        f"{steps}, at (w, b) = ({w:.17g}, {b:.17g}): this point sits on the wall, where each step back multiplies "
        "the gradient by |w σ′(x)| > 1; move off the wall, use fewer steps, or follow the size in log space "
        "(log_gradient_size)"
    )


def log_gradient_size(w: float, b: float, *, x0: float = X0, steps: int = STEPS, target: float = TARGET) -> float:
    """log₁₀ of the largest |∂E/∂x_t| (t = steps … 1) at one point, the size of ∂E/∂b
    (a sum of them) and, within a factor σ ≤ 1, of ∂E/∂w; summed in log space, so it
    is finite even on the wall, where the gradient is beyond the float range."""
    s = [_sigmoid_scalar(x0)]
    for _ in range(_check_steps(steps)):
        s.append(_sigmoid_scalar(w * s[-1] + b))
    factor = abs(2.0 * (s[-1] - target) * s[-1] * (1.0 - s[-1]))
    if factor == 0.0:
        return -math.inf
    total = largest = math.log10(factor)
    for t in range(steps, 1, -1):
        slope = abs(w * s[t - 1] * (1.0 - s[t - 1]))
        if slope == 0.0:
            break
        total += math.log10(slope)
        largest = max(largest, total)
    return largest


def loss_and_gradient(w, b, *, x0: float = X0, steps: int = STEPS, target: float = TARGET):
    """(E, ∂E/∂w, ∂E/∂b) by backpropagation through time, vectorised over the grid.

    Reverse pass: δ_T = ∂E/∂x_T = 2(σ(x_T) − target) σ′(x_T); for t = T..1,
    ∂E/∂w += δ_t σ(x_(t−1)), ∂E/∂b += δ_t, δ_(t−1) = δ_t w σ′(x_(t−1)).

    Exactly on the wall the gradient can be beyond the float range (at |w| = 10⁸
    it is about 10^368): then a ValueError names the point and the step, never
    an inf or nan.
    """
    x = states(w, b, x0=x0, steps=steps)
    w_grid = np.broadcast_to(np.asarray(w, dtype=float), x.shape[1:])
    b_grid = np.broadcast_to(np.asarray(b, dtype=float), x.shape[1:])
    s_T = sigmoid(x[-1])
    E = (s_T - target) ** 2
    delta = 2.0 * (s_T - target) * s_T * (1.0 - s_T)
    dw = np.zeros_like(E)
    db = np.zeros_like(E)
    first_bad = np.zeros(E.shape, dtype=int)  # the step at which δ first left float range, 0 if never
    with np.errstate(over="ignore", invalid="ignore"):  # checked below, with the point and step named
        for t in range(steps, 0, -1):
            s = sigmoid(x[t - 1])
            dw += delta * s
            db += delta
            if t > 1:  # δ_(t−1), the next term (∂E/∂x_0 itself is not needed)
                delta = delta * w_grid * s * (1.0 - s)
                first_bad = np.where((first_bad == 0) & ~np.isfinite(delta), t - 1, first_bad)
    bad = (first_bad > 0) | ~np.isfinite(dw) | ~np.isfinite(db)
    if np.any(bad):
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        wi, bi = float(w_grid[index]), float(b_grid[index])
        step = int(first_bad[index]) or 1
        raise _beyond_float_range(wi, bi, step, steps, log_gradient_size(wi, bi, x0=x0, steps=steps, target=target))
    return E, dw, db


def _sigmoid_scalar(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _scalar_loss_and_gradient(w: float, b: float, x0: float, steps: int, target: float):
    """:func:`loss_and_gradient` at one point, in plain floats through :mod:`math`.

    A descent path near the wall is chaotic: a change in the last bit of one σ moves
    the whole path. numpy picks its ``exp`` kernel by the CPU's SIMD level, so the grid
    version can differ in the last bit between machines; libm's does not."""
    s = [_sigmoid_scalar(x0)]
    for _ in range(steps):
        s.append(_sigmoid_scalar(w * s[-1] + b))
    s_T = s[-1]
    E = (s_T - target) ** 2
    delta = 2.0 * (s_T - target) * s_T * (1.0 - s_T)
    dw = db = 0.0
    for t in range(steps, 0, -1):
        dw += delta * s[t - 1]
        db += delta
        if t > 1:  # δ_(t−1), the next term (∂E/∂x_0 itself is not needed)
            delta = delta * w * s[t - 1] * (1.0 - s[t - 1])
            if not math.isfinite(delta):  # plain floats overflow to inf without a warning
                raise _beyond_float_range(w, b, t - 1, steps, log_gradient_size(w, b, x0=x0, steps=steps, target=target))
    if not (math.isfinite(dw) and math.isfinite(db)):
        raise _beyond_float_range(w, b, 1, steps, log_gradient_size(w, b, x0=x0, steps=steps, target=target))
    return E, dw, db


@dataclass(frozen=True)
class Path:
    """A gradient-descent path on the Figure 6 surface."""

    w: np.ndarray          # (n + 1,) positions
    b: np.ndarray
    loss: np.ndarray       # E at each position
    grad_norm: np.ndarray  # ‖∇E‖ at each position before clipping (n,)
    clipped: np.ndarray    # whether each step was clipped (n,)
    threshold: float | None
    learning_rate: float

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])

    @property
    def largest_step(self) -> float:
        return float(np.max(np.hypot(np.diff(self.w), np.diff(self.b)))) if len(self.w) > 1 else 0.0


def descend(w0: float, b0: float, *, learning_rate: float, iterations: int, threshold: float | None = None,
            x0: float = X0, steps: int = STEPS, target: float = TARGET) -> Path:
    """Plain gradient descent (θ ← θ − η ∇E), or with Pascanu's norm clipping when
    ``threshold`` is given (the step is η · threshold/‖∇E‖ · ∇E when ‖∇E‖ ≥ threshold)."""
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"the learning rate η must be a positive number, got {learning_rate!r}")
    if threshold is not None and not (math.isfinite(threshold) and threshold > 0):
        raise ValueError(f"the clipping threshold must be a positive number, got {threshold!r}")
    iterations = _check_steps(iterations)
    ws, bs, losses, norms, clipped = [float(w0)], [float(b0)], [], [], []
    for _ in range(iterations):
        E, dw, db = _scalar_loss_and_gradient(ws[-1], bs[-1], x0, steps, target)
        losses.append(E)
        g = (dw, db)
        norm = math.hypot(dw, db)
        norms.append(norm)
        was_clipped = threshold is not None and norm >= threshold
        if was_clipped:
            g = (dw * threshold / norm, db * threshold / norm)
        clipped.append(was_clipped)
        ws.append(ws[-1] - learning_rate * g[0])
        bs.append(bs[-1] - learning_rate * g[1])
    losses.append(_scalar_loss_and_gradient(ws[-1], bs[-1], x0, steps, target)[0])
    return Path(np.array(ws), np.array(bs), np.array(losses), np.array(norms), np.array(clipped),
                threshold, float(learning_rate))


def wall_bias(w, *, x0: float = X0) -> np.ndarray:
    """Where the wall of Figure 6 stands: for w > 4 the start x_0 lies exactly on
    the unstable fixed point when x_0 = w σ(x_0) + b, i.e. b = x_0 − w σ(x_0)
    (only meaningful where x_0 is an unstable fixed point, w σ′(x_0) > 1)."""
    return x0 - np.asarray(w, dtype=float) * float(sigmoid(x0))


# --- Figure 3: bifurcations of one unit with recurrent weight w -------------------------

@dataclass(frozen=True)
class Bifurcation:
    """A saddle-node point: at bias b the fixed point x appears or vanishes."""

    b: float
    x: float


def bifurcation_points(w: float = 5.0) -> tuple[Bifurcation, Bifurcation]:
    """The two biases where a pair of fixed points appears or vanishes (w > 4).

    There w σ′(x) = 1 with σ′ = σ(1 − σ), so σ(x) = (1 ± √(1 − 4/w))/2 and
    b = x − w σ(x). Returned lower b first."""
    if not w > 4:
        raise ValueError(f"a single sigmoid unit is bistable only for w > 4 (max σ′ = 1/4), got w = {w}")
    root = math.sqrt(1.0 - 4.0 / w)
    points = []
    for s in ((1 + root) / 2, (1 - root) / 2):
        x = math.log(s / (1 - s))
        points.append(Bifurcation(b=x - w * s, x=x))
    return tuple(sorted(points, key=lambda p: p.b))


@dataclass(frozen=True)
class Branches:
    """Fixed points traced along x: b(x) = x − w σ(x), stable where w σ′(x) < 1."""

    x: np.ndarray
    b: np.ndarray
    stable: np.ndarray


def attractor_branches(w: float = 5.0, x_range: tuple[float, float] = (-8.0, 8.0), points: int = 801) -> Branches:
    x = np.linspace(*x_range, points)
    return Branches(x=x, b=x - w * sigmoid(x), stable=w * _sigmoid_derivative(x) < 1.0)


def fixed_points(w: float, b: float, *, tolerance: float = 1e-12) -> list[tuple[float, bool]]:
    """Every fixed point of x ↦ w σ(x) + b with its stability, found by bracketing
    g(x) = w σ(x) + b − x on a fine grid and bisecting (fixed points lie in [b, b + w])."""
    lo, hi = min(b, b + w) - 1.0, max(b, b + w) + 1.0
    grid = np.linspace(lo, hi, 4001)
    g = w * sigmoid(grid) + b - grid
    roots = []
    for i in np.nonzero(np.sign(g[:-1]) * np.sign(g[1:]) <= 0)[0]:
        a, c = grid[i], grid[i + 1]
        ga = float(w * sigmoid(a) + b - a)
        for _ in range(200):
            m = 0.5 * (a + c)
            gm = float(w * sigmoid(m) + b - m)
            if (gm > 0) == (ga > 0):
                a, ga = m, gm
            else:
                c = m
            if c - a < tolerance:
                break
        root = 0.5 * (a + c)
        if not roots or abs(root - roots[-1][0]) > 1e-6:
            roots.append((root, bool(abs(w * float(_sigmoid_derivative(root))) < 1.0)))
    return roots


def iterate_final_states(b_values, *, w: float = 5.0, steps: int = 200, start: str = "low") -> np.ndarray:
    """Run the map along a sweep of b, starting each b from the previous b's final
    state (a slow sweep, as in a bifurcation experiment). ``start="low"`` sweeps
    b upward from the low attractor, ``"high"`` sweeps downward from the high one.
    Returns the final state for each b in the order given."""
    b_values = np.asarray(b_values, dtype=float)
    order = np.argsort(b_values) if start == "low" else np.argsort(b_values)[::-1]
    if start not in ("low", "high"):
        raise ValueError(f"start must be 'low' or 'high', got {start!r}")
    x = -50.0 if start == "low" else 50.0
    final = np.empty_like(b_values)
    for i in order:
        for _ in range(_check_steps(steps)):
            x = w * float(sigmoid(x)) + b_values[i]
        final[i] = x
    return final


def final_states_from(b_values, x0_values, *, w: float = 5.0, steps: int = 200) -> np.ndarray:
    """Final state after ``steps`` iterations for every (initial state, b) pair,
    vectorised: shape (len(x0_values), len(b_values))."""
    b = np.asarray(b_values, dtype=float)[None, :]
    x = np.broadcast_to(np.asarray(x0_values, dtype=float)[:, None], (len(x0_values), b.shape[1])).copy()
    for _ in range(_check_steps(steps)):
        x = w * sigmoid(x) + b
    return x
