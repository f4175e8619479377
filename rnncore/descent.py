"""Batch gradient descent with a full trace: θ ← θ − (η/U) Σ_k ∂ℓ_k/∂θ.

η is the learning rate (one source writes λ for it; the guide keeps λ for the
largest singular value of W_hh). U is the number of training sequences, ℓ_k the
squared residual of sequence k. Every iteration records the parameters, the loss,
the gradient and the step; the run stops for one of three reasons:

* ``"converged"``: the loss fell to ``target_loss`` or the step to ``tolerance``;
* ``"step limit"``: ``max_steps`` updates were taken;
* ``"diverged"``: a value left float range. The run stops *before* any inf or nan
  is stored and says which value overflowed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Sequence

import numpy as np

from . import statquest_gradients as sg

CONVERGED, STEP_LIMIT, DIVERGED = "converged", "step limit", "diverged"

Objective = Callable[[np.ndarray], tuple[float, np.ndarray, int]]


@dataclass(frozen=True)
class Iteration:
    index: int                 # 0 for the starting point
    parameters: np.ndarray     # θ before this iteration's update
    loss: float                # SSR at θ
    gradient: np.ndarray       # Σ_k ∂ℓ_k/∂θ at θ
    step: np.ndarray | None    # −(η/U) Σ_k ∂ℓ_k/∂θ, None if no update was taken
    step_size: float | None    # ‖step‖₂


@dataclass(frozen=True)
class Run:
    names: tuple[str, ...]
    learning_rate: float
    max_steps: int
    iterations: tuple[Iteration, ...]
    stop: str
    message: str
    sequences: int

    @property
    def steps_taken(self) -> int:
        return sum(1 for it in self.iterations if it.step is not None)

    @property
    def losses(self) -> np.ndarray:
        return np.array([it.loss for it in self.iterations])

    @property
    def step_sizes(self) -> np.ndarray:
        return np.array([it.step_size for it in self.iterations if it.step_size is not None])

    @property
    def path(self) -> np.ndarray:
        """(iterations, parameters): θ at each recorded iteration."""
        return np.array([it.parameters for it in self.iterations])

    @property
    def final(self) -> dict[str, float]:
        return dict(zip(self.names, (float(v) for v in self.iterations[-1].parameters)))

    def parameter(self, name: str) -> np.ndarray:
        return self.path[:, self.names.index(name)]


def _finite(*arrays) -> bool:
    return all(np.all(np.isfinite(np.asarray(a, dtype=float))) for a in arrays)


def descend(objective: Objective, start: Sequence[float], *, learning_rate: float, max_steps: int,
            names: Sequence[str] | None = None, target_loss: float = 0.0, tolerance: float = 0.0) -> Run:
    """Run batch gradient descent from ``start``; never stores inf or nan."""
    if isinstance(learning_rate, bool) or not (isinstance(learning_rate, (int, float)) and learning_rate > 0
                                               and math.isfinite(learning_rate)):
        raise ValueError(f"learning rate η must be a positive finite number, got {learning_rate!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"max_steps must be a whole number ≥ 1, got {max_steps!r}")
    if target_loss < 0 or tolerance < 0:
        raise ValueError("target_loss and tolerance must be ≥ 0")
    theta = np.array(start, dtype=float)
    if theta.ndim != 1 or not _finite(theta):
        raise ValueError("start must be a flat list of finite numbers")
    names = tuple(names) if names is not None else tuple(f"θ{i}" for i in range(theta.size))
    if len(names) != theta.size:
        raise ValueError(f"{len(names)} names for {theta.size} parameters")
    iterations: list[Iteration] = []
    stop, message, sequences = STEP_LIMIT, "", 0
    for index in range(max_steps + 1):
        try:
            with np.errstate(over="raise", invalid="raise"):
                loss, grad, sequences = objective(theta)
                loss = float(loss)
                grad = np.array(grad, dtype=float)
                step = -(learning_rate / sequences) * grad
                new_theta = theta + step
                size = float(np.sqrt(np.sum(step * step)))
        except (FloatingPointError, OverflowError) as error:
            stop = DIVERGED
            message = f"iteration {index}: a value left float range ({error}); stopped before storing inf or nan"
            break
        if not _finite(loss, grad, step, new_theta, size):
            stop = DIVERGED
            message = f"iteration {index}: a value left float range; stopped before storing inf or nan"
            break
        if loss <= target_loss:
            iterations.append(Iteration(index, theta, loss, grad, None, None))
            stop, message = CONVERGED, f"iteration {index}: loss {loss:.3g} ≤ target {target_loss:g}"
            break
        if index == max_steps:
            iterations.append(Iteration(index, theta, loss, grad, None, None))
            stop, message = STEP_LIMIT, f"reached the step limit of {max_steps} updates"
            break
        iterations.append(Iteration(index, theta, loss, grad, step, size))
        if size <= tolerance:
            stop, message = CONVERGED, f"iteration {index}: step size {size:.3g} ≤ tolerance {tolerance:g}"
            iterations.append(Iteration(index + 1, new_theta, *_evaluate(objective, new_theta), None, None))
            break
        theta = new_theta
    if not iterations:
        raise ValueError(f"the loss cannot be evaluated at the start: {message}")
    return Run(names, float(learning_rate), max_steps, tuple(iterations), stop, message, sequences)


def _evaluate(objective: Objective, theta: np.ndarray):
    loss, grad, _ = objective(theta)
    return float(loss), np.array(grad, dtype=float)


def statquest_objective(inputs, targets, *, train: Sequence[str] = sg.NAMES,
                        fixed: dict[str, float] | None = None) -> Objective:
    """SSR of the StatQuest network and its gradient for the parameters in ``train``;
    the others keep the values in ``fixed``."""
    unknown = [name for name in train if name not in sg.NAMES]
    if unknown or not train:
        raise ValueError(f"train must name some of {', '.join(sg.NAMES)}, got {list(train)}")
    fixed = dict(fixed or {})
    missing = [name for name in sg.NAMES if name not in train and name not in fixed]
    if missing:
        raise ValueError(f"give values for the parameters that are not trained: {', '.join(missing)}")
    seqs, observed = sg.as_batch(inputs, targets)

    def objective(theta: np.ndarray):
        weights = {**fixed, **dict(zip(train, theta))}
        run = sg.forward(weights, seqs, observed)
        back = sg.backward(weights, run)
        return float(run.ssr), np.array([back.gradients[name] for name in train]), seqs.shape[0]

    return objective


def train_statquest(inputs, targets, start: dict[str, float], *, learning_rate: float, max_steps: int,
                    train: Sequence[str] = sg.NAMES, target_loss: float = 0.0, tolerance: float = 0.0) -> Run:
    """Gradient descent on the StatQuest network from the weights ``start``."""
    objective = statquest_objective(inputs, targets, train=train, fixed=start)
    return descend(objective, [start[name] for name in train], learning_rate=learning_rate,
                   max_steps=max_steps, names=train, target_loss=target_loss, tolerance=tolerance)


# --- the echo task of the exploding and vanishing chapters -------------------------

ECHO_OPTIMUM = {"w1": 2.0, "b1": 0.0, "w2": 1.0, "w3": 0.5, "b2": 0.0}


def echo_task(first_days: Sequence[float], days: int) -> tuple[list[list[float]], list[float]]:
    """Sequences that start with one price and stay Low (0) for ``days − 1`` days; the
    target is the first day's price, so the network has to carry it to the end."""
    if isinstance(days, bool) or int(days) != days or days < 2:
        raise ValueError(f"days must be a whole number ≥ 2, got {days!r}")
    firsts = [float(v) for v in first_days]
    if not firsts:
        raise ValueError("give at least one first-day price")
    return [[v] + [0.0] * (int(days) - 1) for v in firsts], firsts


def echo_run(first_days: Sequence[float], days: int, w2: float, *, learning_rate: float, max_steps: int) -> Run:
    """Gradient descent on all five parameters, from the StatQuest weights with ``w2`` replaced."""
    from .statquest import STATQUEST

    inputs, targets = echo_task(first_days, days)
    start = {**STATQUEST.as_dict(), "w2": float(w2)}
    return train_statquest(inputs, targets, start, learning_rate=learning_rate, max_steps=int(max_steps))


def echo_optimum_ssr(first_days: Sequence[float], days: int):
    """The SSR at :data:`ECHO_OPTIMUM` (w2 = 1, w1 × w3 = 1), exactly: 0."""
    inputs, targets = echo_task(first_days, days)
    return sg.ssr(ECHO_OPTIMUM, inputs, targets, exact=True)


def mean_predictor_ssr(first_days: Sequence[float]) -> float:
    """The SSR of the best constant prediction (the mean target): a network without memory."""
    values = np.array([float(v) for v in first_days])
    return float(np.sum((values - values.mean()) ** 2))


def summary(run: Run) -> dict[str, float | int | str]:
    """Numbers a page cites about a run."""
    sizes = run.step_sizes
    return {
        "stop": run.stop,
        "steps": run.steps_taken,
        "first_loss": float(run.losses[0]),
        "last_loss": float(run.losses[-1]),
        "first_step": float(sizes[0]) if sizes.size else 0.0,
        "largest_step": float(sizes.max()) if sizes.size else 0.0,
        "last_step": float(sizes[-1]) if sizes.size else 0.0,
        "w2_start": float(run.parameter("w2")[0]) if "w2" in run.names else float("nan"),
        "w2_after_first": float(run.parameter("w2")[1]) if "w2" in run.names and len(run.iterations) > 1 else float("nan"),
        "w2_final": float(run.final["w2"]) if "w2" in run.names else float("nan"),
    }


# --- bouncing: the learning rate against the curvature of the valley -----------------
#
# Following only w2 (the other four parameters held at ECHO_OPTIMUM, as the StatQuest
# video does when it "just focuses on w2"), the echo task's SSR is, while every ReLU
# is on (w2 > 0, first days ≥ 0),
#
#     SSR(w2) = Σ_k (a w2ⁿ v_k + b2 − v_k)²,   n = days − 1,  a = w1 w3,
#
# and its curvature is
#
#     SSR″(w2) = Σ_k 2 [ (a n w2ⁿ⁻¹ v_k)² + (a w2ⁿ v_k + b2 − v_k) a n (n − 1) w2ⁿ⁻² v_k ].
#
# Near the optimum one update maps w2 − 1 to (1 − η SSR″/U)(w2 − 1): the iterate
# overshoots (lands on the other side) once η > U/SSR″ and the overshoot grows once
# η > 2U/SSR″, the stability limit.


def _echo_fixed(weights):
    fixed = {name: sg.exact_number(weights[name]) for name in sg.NAMES}
    if fixed["b1"] != 0 or fixed["w1"] <= 0:
        raise ValueError("the closed form needs b1 = 0 and w1 > 0 (every ReLU on)")
    return fixed


def echo_curvature(first_days: Sequence[float], days: int, w2, *, weights: dict | None = None) -> Fraction:
    """d²SSR/dw2² of the echo task, exactly, with the other parameters at ``weights``
    (default :data:`ECHO_OPTIMUM`). Needs w2 > 0 so that every ReLU is on."""
    inputs, targets = echo_task(first_days, days)
    fixed = _echo_fixed(weights or ECHO_OPTIMUM)
    w = sg.exact_number(w2)
    if w <= 0:
        raise ValueError(f"the closed form needs w2 > 0 (every ReLU on), got {w2!r}")
    if any(v < 0 for v in targets):
        raise ValueError("first-day prices must be ≥ 0")
    n, a, b2 = int(days) - 1, fixed["w1"] * fixed["w3"], fixed["b2"]
    total = Fraction(0)
    for v in (sg.exact_number(t) for t in targets):
        slope = a * n * w ** (n - 1) * v
        residual = a * w ** n * v + b2 - v
        bend = a * n * (n - 1) * w ** (n - 2) * v if n >= 2 else Fraction(0)
        total += 2 * (slope * slope + residual * bend)
    return total


def stability_limit(first_days: Sequence[float], days: int, w2=1) -> Fraction:
    """The largest η for which gradient descent on w2 alone does not overshoot further
    and further near ``w2`` (default: the optimum, 1): 2U / SSR″(w2), exactly."""
    curvature = echo_curvature(first_days, days, w2)
    if curvature <= 0:
        raise ValueError("the SSR is not curved upwards there")
    return Fraction(2 * len(list(first_days))) / curvature


def echo_w2_run(first_days: Sequence[float], days: int, w2: float, *, learning_rate: float,
                max_steps: int) -> Run:
    """Gradient descent on w2 alone, the other parameters held at :data:`ECHO_OPTIMUM`."""
    inputs, targets = echo_task(first_days, days)
    start = {**ECHO_OPTIMUM, "w2": float(w2)}
    return train_statquest(inputs, targets, start, learning_rate=learning_rate, max_steps=int(max_steps),
                           train=("w2",))


def crossings(values: Sequence[float], level: float) -> int:
    """How often two successive values lie on opposite sides of ``level``."""
    v = np.asarray(values, dtype=float) - level
    return int(np.sum(v[1:] * v[:-1] < 0))


def rises(losses: Sequence[float]) -> int:
    """How many updates made the loss go *up*."""
    return int(np.sum(np.diff(np.asarray(losses, dtype=float)) > 0))


def bounce_run(first_days: Sequence[float], days: int, w2: float, factor: float, *, max_steps: int) -> Run:
    """Gradient descent on w2 alone with η = ``factor`` × the stability limit at the optimum."""
    if isinstance(factor, bool) or not (isinstance(factor, (int, float)) and factor > 0 and math.isfinite(factor)):
        raise ValueError(f"factor must be a positive finite number, got {factor!r}")
    eta = float(factor) * float(stability_limit(first_days, days))
    return echo_w2_run(first_days, days, w2, learning_rate=eta, max_steps=max_steps)
