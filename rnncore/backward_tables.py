"""The backward pass of the StatQuest network in numbers, exact, one copy at a time.

For one sequence (oldest input first) and its observed value, with the loss
SSR = (predicted − observed)²:

1. the forward pass: x_t = input_t × w1 + y_(t−1) × w2 + b1, y_t = max(0, x_t),
   predicted = y_T × w3 + b2, and the ReLU slopes ReLU′(x_t) (1 if x_t > 0, else 0);
2. dSSR/dpredicted = 2 (predicted − observed), then dSSR/dy_T = dSSR/dpredicted × w3;
3. going back one copy at a time: dSSR/dx_t = dSSR/dy_t × ReLU′(x_t) and
   dSSR/dy_(t−1) = dSSR/dx_t × w2;
4. dSSR/dw2 = Σ_t dSSR/dx_t × y_(t−1), one term per copy. Unfolded, the term of copy t is

       dSSR/dpredicted × w3 × w2^(T−t) × ReLU′(x_T) ⋯ ReLU′(x_t) × y_(t−1),

   so the term from k copies back carries w2 to the power k.

Every number is a :class:`fractions.Fraction` (the inputs and weights are decimals, so
each is a finite decimal too); :func:`table` checks the total against
:func:`rnncore.statquest_gradients.gradients` in exact arithmetic.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from . import statquest_gradients as sg
from .exact import to_decimal


def _exact(value) -> Fraction:
    return Fraction(to_decimal(value))


@dataclass(frozen=True)
class Row:
    """One copy t of the unrolled network, forward and backward."""

    t: int
    input: Fraction
    x: Fraction
    slope: int                 # ReLU′(x_t)
    y: Fraction
    previous_y: Fraction       # y_(t−1), 0 for the first copy
    d_y: Fraction              # dSSR/dy_t (total)
    d_x: Fraction              # dSSR/dx_t (total)
    power: int                 # T − t: the power of w2 in this copy's term
    slopes: int                # ReLU′(x_T) × ⋯ × ReLU′(x_t)
    term: Fraction             # dSSR/dx_t × y_(t−1): this copy's share of dSSR/dw2


@dataclass(frozen=True)
class BackwardTable:
    weights: dict[str, Fraction]
    observed: Fraction
    predicted: Fraction
    d_predicted: Fraction      # 2 (predicted − observed)
    rows: tuple[Row, ...]      # t = T, T − 1, …, 1 (the order of the backward pass)

    @property
    def total(self) -> Fraction:
        """dSSR/dw2: the sum of the copies' terms."""
        return sum((row.term for row in self.rows), Fraction(0))

    def unfolded(self, row: Row) -> Fraction:
        """The term rebuilt from its factors: dSSR/dpredicted × w3 × w2^(T−t) × slopes × y_(t−1)."""
        w = self.weights
        return self.d_predicted * w["w3"] * w["w2"] ** row.power * row.slopes * row.previous_y


def table(weights, inputs: Sequence[float], observed: float) -> BackwardTable:
    """The exact forward and backward pass of one sequence (see the module docstring)."""
    if len(inputs) < 1:
        raise ValueError("the sequence needs at least one input")
    w = {name: _exact(value) for name, value in sg._weights(weights).items()}
    xs = [_exact(v) for v in inputs]
    target = _exact(observed)
    x, y, previous = [], [], Fraction(0)
    for value in xs:
        x.append(value * w["w1"] + previous * w["w2"] + w["b1"])
        y.append(max(Fraction(0), x[-1]))
        previous = y[-1]
    T = len(xs)
    predicted = y[-1] * w["w3"] + w["b2"]
    d_pred = 2 * (predicted - target)
    rows, d_y, slopes = [], d_pred * w["w3"], 1
    for t in range(T, 0, -1):
        slope = 1 if x[t - 1] > 0 else 0
        slopes *= slope
        d_x = d_y * slope
        prev = y[t - 2] if t > 1 else Fraction(0)
        rows.append(Row(t=t, input=xs[t - 1], x=x[t - 1], slope=slope, y=y[t - 1], previous_y=prev, d_y=d_y,
                        d_x=d_x, power=T - t, slopes=slopes, term=d_x * prev))
        d_y = d_x * w["w2"]
    result = BackwardTable(w, target, predicted, d_pred, tuple(rows))
    engine = sg.gradients(w, [xs], [target], exact=True)["w2"]
    if result.total != engine:
        raise AssertionError(f"the table's dSSR/dw2 = {result.total} differs from the engine's {engine}")
    return result
