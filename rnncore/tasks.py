"""Long-range tasks: the answer at the last step depends on an input T − 1 steps back.

``remember_first``: "carry the first day to the end". Channel 0 carries a value drawn
uniformly from [−1, 1] at every step; channel 1 marks step 1 with a 1 (0 elsewhere). The
target at step T is the marked value; the values in between are distractors. A model that
ignores the past can do no better than predicting the mean 0, a mean squared error of
1/3 (the variance of the uniform distribution on [−1, 1]).

``adding``: the adding problem (Hochreiter and Schmidhuber 1997): two steps are marked,
the target is the sum of their values. Here the first mark is in the first half and the
second in the second half of the sequence.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BASELINE_MSE = {"remember_first": 1 / 3, "adding": 2 / 3}   # the variance of the answer


@dataclass(frozen=True)
class Batch:
    x: np.ndarray        # (B, T, 2)
    targets: np.ndarray  # (B, T, 1): zero except at step T, the only step in the loss
    answer: np.ndarray   # (B,) the target at step T


def _check(T: int, batch: int) -> None:
    if int(T) != T or T < 1:
        raise ValueError(f"the sequence length T must be a whole number ≥ 1, got {T!r}")
    if int(batch) != batch or batch < 1:
        raise ValueError(f"the batch size must be a whole number ≥ 1, got {batch!r}")


def _pack(x: np.ndarray, answer: np.ndarray) -> Batch:
    B, T, _ = x.shape
    targets = np.zeros((B, T, 1))
    targets[:, -1, 0] = answer
    return Batch(x=x, targets=targets, answer=answer)


def remember_first(T: int, batch: int, rng: np.random.Generator) -> Batch:
    """Carry the first value to step T past T − 1 distractors."""
    _check(T, batch)
    x = np.zeros((batch, T, 2))
    x[:, :, 0] = rng.uniform(-1, 1, (batch, T))
    x[:, 0, 1] = 1.0
    return _pack(x, x[:, 0, 0].copy())


def adding(T: int, batch: int, rng: np.random.Generator) -> Batch:
    """The sum of the two marked values (T ≥ 2)."""
    _check(T, batch)
    if T < 2:
        raise ValueError("the adding problem needs T ≥ 2")
    x = np.zeros((batch, T, 2))
    x[:, :, 0] = rng.uniform(-1, 1, (batch, T))
    half = T // 2
    first = rng.integers(0, half, batch)
    second = rng.integers(half, T, batch)
    rows = np.arange(batch)
    x[rows, first, 1] = 1.0
    x[rows, second, 1] = 1.0
    return _pack(x, x[rows, first, 0] + x[rows, second, 0])


TASKS = {"remember_first": remember_first, "adding": adding}


def get(name: str):
    try:
        return TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}") from None
