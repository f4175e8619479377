"""Chaotic outcomes, quoted as a spread over perturbed starts.

Some runs of gradient descent are chaotic: moving the start by 10⁻¹⁵ (a few units in
the last place of a float) changes how often the iterate crosses the optimum, or the
final loss, by far more than 10⁻¹⁵. Such an outcome is not one number. This module
reruns a computation from starts shifted by whole multiples of a tiny ``shift``
(the unshifted start among them) and summarises each outcome by its median and range.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Callable, Sequence

#: The size of the start shifts: 10⁻¹⁵, about nine units in the last place of 0.9.
SHIFT = 1e-15


def shifts(count: int, shift: float = SHIFT) -> list[float]:
    """``count`` shifts, centred on 0 and ``shift`` apart: for 5, −2s, −s, 0, s, 2s."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1 or count % 2 == 0:
        raise ValueError(f"the number of starts must be an odd whole number ≥ 1, got {count!r}")
    if not (math.isfinite(shift) and shift > 0):
        raise ValueError(f"the shift must be a positive number, got {shift!r}")
    half = count // 2
    return [j * shift for j in range(-half, half + 1)]


@dataclass(frozen=True)
class Spread:
    """One outcome over all starts: its values (in the order of :func:`shifts`), median and range."""

    values: tuple[float, ...]

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return float(statistics.median(self.values))

    @property
    def low(self) -> float:
        return float(min(self.values))

    @property
    def high(self) -> float:
        return float(max(self.values))

    @property
    def unshifted(self) -> float:
        return float(self.values[len(self.values) // 2])


def spread_over_starts(run: Callable[[float], dict[str, float]], count: int,
                       shift: float = SHIFT) -> dict[str, Spread]:
    """Call ``run(delta)`` for every shift ``delta`` and collect each outcome it returns
    (a dict of name → number) into a :class:`Spread`."""
    outcomes: dict[str, list[float]] = {}
    for delta in shifts(count, shift):
        result = run(delta)
        for name, value in result.items():
            if not math.isfinite(float(value)):
                raise ValueError(f"outcome {name!r} is not finite for the start shifted by {delta!r}")
            outcomes.setdefault(name, []).append(float(value))
    return {name: Spread(tuple(values)) for name, values in outcomes.items()}


def count_where(values: Sequence[float], predicate: Callable[[float], bool]) -> int:
    return sum(1 for value in values if predicate(value))
