"""How long an input stays in the hidden state (seeds 003, 004).

While the activation works in its linear part (for ReLU: while every x_t > 0),
the StatQuest step is ``y_t = input_t·w1 + y_(t−1)·w2 + b1``, so unrolling gives
(with b1 = 0)::

    y_t = w1·(input_t + input_(t−1)·w2 + input_(t−2)·w2² + … + input_1·w2^(t−1))

Each step back in time multiplies an input's contribution by w2 once more: with
|w2| < 1 an old input fades geometrically. Everything here is exact (Decimal and
Fraction), and :func:`influence` measures the fading on the real ReLU network by
changing the first input and watching every y_t, so the formula is checked
against the network itself, not against a copy of the formula.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Sequence

from .exact import exact, to_decimal
from .statquest import Weights, unroll


def _fraction(value) -> Fraction:
    return Fraction(to_decimal(value))


def _steps(steps: int) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive whole number, got {steps!r}")
    return steps


def factors(w2: float, steps: int) -> list[Fraction]:
    """|w2|^(t−1) for t = 1..steps: what is left of the first input's contribution
    at step t, relative to step 1 (linear part of the activation)."""
    base = abs(_fraction(w2))
    return [base ** (t - 1) for t in range(1, _steps(steps) + 1)]


def first_input_share(w2: float, steps: int) -> list[Fraction]:
    """The first input's share of the hidden state at t = 1..steps when every day
    brings the same input and the activation stays linear (b1 = 0):
    |w2|^(t−1) / (1 + |w2| + … + |w2|^(t−1))."""
    base = abs(_fraction(w2))
    if base == 0:
        raise ValueError("w2 = 0 keeps no memory at all: the share is 0 after the first step")
    shares, total = [], Fraction(0)
    for t, factor in enumerate(factors(w2, steps), start=1):
        total += factor
        shares.append(factor / total)
    return shares


def influence(inputs: Sequence[float], weights: Weights, delta: float = 0.1) -> list[Decimal]:
    """Measured on the ReLU network: how much each y_t moves per unit change of the
    first input. Runs ``inputs`` and the same inputs with the first raised by
    ``delta`` through :func:`rnncore.statquest.unroll` and divides the differences
    by ``delta`` (exact: while every x_t stays positive this is w1·w2^(t−1))."""
    if isinstance(delta, bool) or not isinstance(delta, (int, float)) or delta == 0:
        raise ValueError(f"delta must be a non-zero number, got {delta!r}")
    base = unroll(inputs, weights)
    moved_inputs = list(inputs)
    moved_inputs[0] = to_decimal(moved_inputs[0]) + to_decimal(delta)
    moved = unroll(moved_inputs, weights)
    step = to_decimal(delta)
    return [exact(lambda a, b, d: (a - b) / d, m.y, s.y, step) for m, s in zip(moved.steps, base.steps)]


def measured_share(inputs: Sequence[float], weights: Weights) -> list[Fraction]:
    """The first input's share of y_t on the ReLU network: its contribution
    (influence × input_1) divided by y_t. Requires every y_t > 0 and b1 = 0, where the
    contributions of the inputs add up to y_t."""
    if weights.b1 != 0:
        raise ValueError("the share of the hidden state is defined here for b1 = 0")
    trace = unroll(inputs, weights)
    first = to_decimal(inputs[0])
    shares = []
    for step, slope in zip(trace.steps, influence(inputs, weights)):
        if step.x <= 0:
            raise ValueError(f"x_{step.t} = {step.x} is not positive: ReLU is outside its linear part")
        shares.append(Fraction(slope) * Fraction(first) / Fraction(step.y))
    return shares


def steps_until(w2: float, fraction: float) -> int:
    """The fewest steps n after which |w2|^n ≤ fraction: how long the first input
    keeps more than ``fraction`` of its weight."""
    base = abs(_fraction(w2))
    target = _fraction(fraction)
    if not 0 < target < 1:
        raise ValueError(f"fraction must lie strictly between 0 and 1, got {fraction!r}")
    if base >= 1:
        raise ValueError(f"|w2| = {abs(w2)} ≥ 1 never fades: the contribution does not shrink")
    n, value = 0, Fraction(1)
    while value > target:
        n += 1
        value *= base
    return n
