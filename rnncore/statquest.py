"""The StatQuest network: one hidden unit with ReLU and a feedback loop.

Step t of the unrolled network (inputs oldest first)::

    x_t = input_t × w1 + y_(t−1) × w2 + b1     (no recurrent term at t = 1)
    y_t = max(0, x_t)
    output_t = y_t × w3 + b2

Every step keeps its values as exact decimals and as the arithmetic a reader
sees, e.g. ``0.5 × 1.8 + (0 × −0.5) + 0.0 = 0.9``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from .exact import TIMES, exact, show, to_decimal

LOW, MEDIUM, HIGH = 0.0, 0.5, 1.0
PRICE_LEVELS = {"Low": LOW, "Medium": MEDIUM, "High": HIGH}


@dataclass(frozen=True)
class Weights:
    w1: float = 1.8
    b1: float = 0.0
    w2: float = -0.5
    w3: float = 1.1
    b2: float = 0.0

    def __post_init__(self):
        for name in ("w1", "b1", "w2", "w3", "b2"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"weight {name} must be a finite number, got {value!r}")

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in ("w1", "b1", "w2", "w3", "b2")}

    @property
    def count(self) -> int:
        """Parameters to train: the same five for any number of inputs."""
        return len(self.as_dict())


STATQUEST = Weights()


@dataclass(frozen=True)
class Step:
    """One copy of the unrolled network."""

    t: int
    input: Decimal
    x: Decimal
    y: Decimal
    output: Decimal
    feedback: Decimal
    x_arithmetic: str
    y_arithmetic: str
    output_arithmetic: str
    feedback_arithmetic: str


@dataclass(frozen=True)
class Trace:
    weights: Weights
    steps: tuple[Step, ...]

    @property
    def prediction(self) -> Decimal:
        """The last copy's output: the prediction for the day after the last input."""
        return self.steps[-1].output

    @property
    def outputs(self) -> list[float]:
        return [float(step.output) for step in self.steps]

    @property
    def activations(self) -> list[float]:
        return [float(step.y) for step in self.steps]


def _product(a: Decimal, b: Decimal) -> Decimal:
    return exact(lambda p, q: p * q, a, b)


def _sum(*terms: Decimal) -> Decimal:
    return exact(lambda *ts: sum(ts, Decimal(0)), *terms)


def _factor(value: Decimal) -> str:
    """A weight as written in the parameters: ``0.0`` stays ``0.0``."""
    return show(value, keep=True)


def unroll(inputs: Sequence[float], weights: Weights = STATQUEST) -> Trace:
    """Run ``inputs`` (oldest first) through the network and keep every step."""
    if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__len__"):
        raise ValueError("inputs must be a sequence of numbers, oldest first")
    if len(inputs) == 0:
        raise ValueError("inputs must hold at least one value: an empty sequence has no prediction")
    values = []
    for position, value in enumerate(inputs, start=1):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise ValueError(f"input {position} must be a number, got {value!r}")
        if not math.isfinite(float(value)):
            raise ValueError(f"input {position} must be finite, got {value!r}")
        values.append(to_decimal(value))

    w1, b1, w2, w3, b2 = (to_decimal(v) for v in weights.as_dict().values())
    steps: list[Step] = []
    previous_y: Decimal | None = None
    for t, value in enumerate(values, start=1):
        input_term = _product(value, w1)
        if previous_y is None:
            x = _sum(input_term, b1)
            x_text = f"{show(value)} {TIMES} {_factor(w1)} + {_factor(b1)} = {show(x)}"
        else:
            x = _sum(input_term, _product(previous_y, w2), b1)
            x_text = (
                f"{show(value)} {TIMES} {_factor(w1)} + ({show(previous_y)} {TIMES} {_factor(w2)})"
                f" + {_factor(b1)} = {show(x)}"
            )
        y = max(Decimal(0), x)
        output = _sum(_product(y, w3), b2)
        feedback = _product(y, w2)
        steps.append(
            Step(
                t=t,
                input=value,
                x=x,
                y=y,
                output=output,
                feedback=feedback,
                x_arithmetic=x_text,
                y_arithmetic=f"max(0, {show(x)}) = {show(y)}",
                output_arithmetic=f"{show(y)} {TIMES} {_factor(w3)} + {_factor(b2)} = {show(output)}",
                feedback_arithmetic=f"{show(y)} {TIMES} {_factor(w2)} = {show(feedback)}",
            )
        )
        previous_y = y
    return Trace(weights=weights, steps=tuple(steps))
