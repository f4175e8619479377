"""The numbers behind the playground's two explorers (chapter 13).

The playground runs in the reader's browser without a server, so it cannot call
this engine. Instead ``figures/outputs/playground.py`` writes everything it shows
into the page as JSON, computed here:

1. **Powers and predictions.** For every recurrent weight w2 on a grid and every
   number of days T = 1 … ``MAX_UNROLLS``: w2^(T−1), the factor the first day crosses
   on its T − 1 squiggles to the last copy (exact, from decimals), and the
   StatQuest network's prediction for a T-day price sequence of a chosen pattern
   (every intermediate value exact, from :func:`rnncore.statquest.unroll`).
2. **The bound against measured Jacobians.** For an activation whose slope is at
   most γ and a recurrent matrix whose largest singular value is λ, drawn from one of
   the ensembles of :mod:`rnncore.ensembles`, the product of
   step Jacobians obeys ‖∂h_t/∂h_k‖₂ ≤ (γλ)^(t−k). :func:`jacobian_norms` measures
   the left side on a small seeded random network so the page can put the two side
   by side.

Everything a page prints goes through :func:`display`: four significant digits,
rounded half-even from the exact value, in a plain machine form (``"0.99"``,
``"-1.126e15"``) that the page's script dresses up (``1.126 × 10¹⁵``).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Sequence

import numpy as np

from .ensembles import KINDS, shaped
from .exact import exact, to_decimal
from .statquest import HIGH, MEDIUM, Weights, unroll

DIGITS = 4
#: 51 days, so that the first day crosses 50 squiggles: w2^50 as in the exploding chapter.
MAX_UNROLLS = 51
#: w2 from −2 to 2 in steps of 0.1 (as exact decimals).
W2_GRID: tuple[Decimal, ...] = tuple(Decimal(i) / 10 for i in range(-20, 21))
#: Price patterns for the first explorer: the sequence for T days is the first T values.
PATTERNS: dict[str, tuple[str, float, float]] = {
    # key: (label, first day, every later day)
    "high": ("High every day", HIGH, HIGH),
    "medium": ("Medium every day", MEDIUM, MEDIUM),
    "high-then-medium": ("High, then Medium every day after", HIGH, MEDIUM),
}

#: γ (largest slope of the activation) from 0.1 to 1 in steps of 0.05 (so sigmoid's
#: 1/4 and tanh's 1 are on it) and λ (largest singular value of W_hh) from 0.5 to 4
#: in steps of 0.5: the settings the second explorer offers.
GAMMA_GRID: tuple[Decimal, ...] = tuple(Decimal(i) / 20 for i in range(2, 21))
LAMBDA_GRID: tuple[Decimal, ...] = tuple(Decimal(i) / 2 for i in range(1, 9))
HORIZON = 30
HIDDEN = 8
#: The ensembles the bound explorer offers (rnncore.ensembles), as the page names them.
ENSEMBLE_LABELS = {
    "gaussian": "Gaussian, rescaled (ρ about half of λ)",
    "orthogonal": "orthogonal, scaled (ρ = λ)",
    "symmetric": "symmetric (ρ = λ)",
}
SEED = 13


def display(value: Decimal | float | int) -> str:
    """``value`` to four significant digits: ``0.99``, ``1024``, ``1.126e15``, ``8.882e-16``.

    Plain positional form from 10⁻³ up to below 10⁴ (no padding zeros), scientific (mantissa without
    trailing zeros, ``e`` exponent) outside it; ``0`` for zero; ``-`` for minus.
    """
    number = to_decimal(value) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if number == 0:
        return "0"
    with localcontext() as context:
        context.prec = DIGITS
        context.rounding = ROUND_HALF_EVEN
        rounded = +number
    exponent = rounded.adjusted()
    if -3 <= exponent < DIGITS:
        text = format(rounded.normalize(), "f")
    else:
        mantissa = rounded.scaleb(-exponent).normalize()
        text = f"{format(mantissa, 'f')}e{exponent}"
    return text


def power(w2: Decimal | float, unrolls: int) -> Decimal:
    """w2 to the power ``unrolls``, exactly."""
    if isinstance(unrolls, bool) or not isinstance(unrolls, int) or unrolls < 0:
        raise ValueError(f"the number of unrolls must be a whole number ≥ 0, got {unrolls!r}")
    base = to_decimal(w2)
    return exact(lambda b: b**unrolls, base)


def pattern_inputs(pattern: str, days: int) -> list[float]:
    """The first ``days`` prices of ``pattern`` (a key of :data:`PATTERNS`), oldest first."""
    if pattern not in PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}; choose one of {', '.join(PATTERNS)}")
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days must be a whole number ≥ 1, got {days!r}")
    _, first, later = PATTERNS[pattern]
    return [first] + [later] * (days - 1)


def predictions(weights: Weights, pattern: str, max_unrolls: int = MAX_UNROLLS) -> list[Decimal]:
    """The prediction after 1, 2, … ``max_unrolls`` days of ``pattern`` (exact).

    Unrolling T days computes the first T−1 steps exactly as a shorter sequence
    would, so one trace of ``max_unrolls`` steps gives every prefix's prediction.
    """
    trace = unroll(pattern_inputs(pattern, max_unrolls), weights)
    return [step.output for step in trace.steps]


@dataclass(frozen=True)
class JacobianRun:
    """Measured ‖∂h_(k+n)/∂h_k‖₂ for n = 1 … horizon (k = 0), and the bound (γλ)^n.

    The page draws the bound as the straight line (on a log axis) from (1, γλ) to
    (horizon, (γλ)^horizon) and the measured norms as points.
    """

    gamma: Decimal
    lam: Decimal
    measured: tuple[float, ...]

    @property
    def rate(self) -> Decimal:
        return exact(lambda g, l: g * l, self.gamma, self.lam)

    def bound(self, n: int) -> Decimal:
        return power(self.rate, n)


def scaled_tanh(gamma: float):
    """An activation whose slope is at most γ: φ(z) = γ·tanh(z), φ′(z) = γ(1 − tanh²z) ≤ γ."""

    def phi(z: np.ndarray) -> np.ndarray:
        return gamma * np.tanh(z)

    def phi_prime(z: np.ndarray) -> np.ndarray:
        return gamma * (1.0 - np.tanh(z) ** 2)

    return phi, phi_prime


def random_network(lam: float, hidden: int = HIDDEN, seed: int = SEED,
                   ensemble: str = "gaussian") -> tuple[np.ndarray, np.ndarray]:
    """A seeded random recurrent matrix of ``ensemble`` (see :mod:`rnncore.ensembles`) with
    largest singular value exactly ``lam``, and input weights. The three ensembles start
    from the same Gaussian draw."""
    if lam <= 0:
        raise ValueError(f"λ must be positive, got {lam!r}")
    rng = np.random.default_rng(seed)
    w_hh = shaped(ensemble, rng.standard_normal((hidden, hidden)))
    w_hh = w_hh * (lam / np.linalg.norm(w_hh, 2))
    w_xh = rng.standard_normal((hidden, 1))
    return w_hh, w_xh


def jacobian_norms(gamma: float | Decimal, lam: float | Decimal, horizon: int = HORIZON,
                   hidden: int = HIDDEN, seed: int = SEED, ensemble: str = "gaussian") -> JacobianRun:
    """Run h_i = γ·tanh(W_hh h_(i−1) + W_xh x_i) from h_0 = 0 on seeded random inputs and
    measure ‖∂h_n/∂h_0‖₂ = ‖∏ diag(φ′(z_i)) W_hh‖₂ for n = 1 … ``horizon``."""
    g, l = float(gamma), float(lam)
    if not 0 < g <= 1:
        raise ValueError(f"γ must be in (0, 1], got {gamma!r}")
    if horizon < 1:
        raise ValueError(f"horizon must be ≥ 1, got {horizon!r}")
    w_hh, w_xh = random_network(l, hidden, seed, ensemble)
    inputs = np.random.default_rng(seed + 1).standard_normal((horizon, 1))
    _, phi_prime = scaled_tanh(g)
    h = np.zeros(hidden)
    product = np.eye(hidden)
    norms = []
    for x in inputs:
        z = w_hh @ h + w_xh @ x
        h = g * np.tanh(z)
        product = (phi_prime(z)[:, None] * w_hh) @ product
        norms.append(float(np.linalg.norm(product, 2)))
    return JacobianRun(to_decimal(gamma), to_decimal(lam), tuple(norms))


def first_day_factor(w2: Decimal | float, days: int) -> Decimal:
    """w2^(days − 1): a sequence of ``days`` days has days − 1 squiggles between its first
    copy and its last, and the first day is multiplied by w2 on each of them."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days must be a whole number ≥ 1, got {days!r}")
    return Decimal(1) if days == 1 else power(w2, days - 1)  # one day: no squiggle (also for w2 = 0)


def explorer_data(weights: Weights) -> dict:
    """Everything the playground page shows, as JSON-ready plain data."""
    powers = [[display(first_day_factor(w2, t)) for t in range(1, MAX_UNROLLS + 1)] for w2 in W2_GRID]
    preds = {
        key: [[display(p) for p in predictions(Weights(**{**weights.as_dict(), "w2": float(w2)}), key)]
              for w2 in W2_GRID]
        for key in PATTERNS
    }
    runs = {}
    for kind in KINDS:
        runs[kind] = []
        for gamma in GAMMA_GRID:
            row = []
            for lam in LAMBDA_GRID:
                run = jacobian_norms(gamma, lam, ensemble=kind)
                row.append({
                    "rate": display(run.rate),
                    "bound": display(run.bound(HORIZON)),
                    "measured": [display(value) for value in run.measured],
                })
            runs[kind].append(row)
    return {
        "digits": DIGITS,
        "weights": {name: str(to_decimal(value)) for name, value in weights.as_dict().items()},
        "w2": [str(w2) for w2 in W2_GRID],
        "maxUnrolls": MAX_UNROLLS,
        "patterns": {key: label for key, (label, _, _) in PATTERNS.items()},
        "powers": powers,
        "predictions": preds,
        "gamma": [str(g) for g in GAMMA_GRID],
        "lambda": [str(l) for l in LAMBDA_GRID],
        "horizon": HORIZON,
        "hidden": HIDDEN,
        "seed": SEED,
        "ensembles": {kind: ENSEMBLE_LABELS[kind] for kind in KINDS},
        "jacobians": runs,
    }


def grid_index(grid: Sequence[Decimal], value: float | Decimal | str) -> int:
    """Where ``value`` sits on ``grid`` (exactly); a clear error if it is not a grid point."""
    number = to_decimal(value)
    for index, point in enumerate(grid):
        if point == number:
            return index
    raise ValueError(f"{value!r} is not on the grid {grid[0]} … {grid[-1]}")
