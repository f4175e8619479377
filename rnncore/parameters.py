"""How many numbers a network has to learn, counted from the arrays it actually holds.

A vanilla RNN with input size D, hidden size H and output size O keeps five arrays::

    W_hx  H×D   input → hidden          b_h  H    hidden bias
    W_hh  H×H   hidden → hidden         W_yh O×H  hidden → output     b_y  O   output bias

Unrolling it over T inputs makes T copies of the step that all point at the *same*
five arrays, so the count is H·D + H·H + H + O·H + O whatever T is.
:func:`unrolled_count` builds the copies and counts the distinct arrays they use;
``tied=False`` gives every copy its own arrays instead, for comparison.

A feed-forward network that reads all T inputs at once needs an input weight for
every one of them: :func:`all_at_once_count` grows with T.

:func:`grid_points` is the curse of dimensionality in one line: covering the unit
cube in d dimensions with ``per_axis`` points along each side takes ``per_axis**d``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .statquest import STATQUEST, Weights

PARTS = ("W_hx", "W_hh", "b_h", "W_yh", "b_y")
FORMULA = "H·D + H·H + H + O·H + O"


def _size(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)


def shapes(D: int, H: int, O: int) -> dict[str, tuple[int, ...]]:
    """The shape of each of the five parameter arrays of a vanilla RNN."""
    D, H, O = _size("input size D", D), _size("hidden size H", H), _size("output size O", O)
    return {"W_hx": (H, D), "W_hh": (H, H), "b_h": (H,), "W_yh": (O, H), "b_y": (O,)}


@dataclass(frozen=True)
class Count:
    D: int
    H: int
    O: int
    parts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.parts.values())

    @property
    def terms(self) -> str:
        """The formula with the sizes filled in: ``3·1 + 3·3 + 3 + 1·3 + 1 = 19``."""
        D, H, O = self.D, self.H, self.O
        return f"{H}·{D} + {H}·{H} + {H} + {O}·{H} + {O} = {self.total}"


def rnn_count(D: int, H: int, O: int) -> Count:
    """Parameters of a vanilla RNN, part by part, from the sizes of its arrays."""
    return Count(D, H, O, {name: int(np.prod(shape)) for name, shape in shapes(D, H, O).items()})


def make_parameters(D: int, H: int, O: int) -> dict[str, np.ndarray]:
    """Fresh zero-filled parameter arrays (their values do not matter for counting)."""
    return {name: np.zeros(shape) for name, shape in shapes(D, H, O).items()}


def unroll_copies(D: int, H: int, O: int, T: int, *, tied: bool = True) -> list[dict[str, np.ndarray]]:
    """The parameters each of the T copies of the unrolled network uses."""
    T = _size("sequence length T", T)
    if tied:
        shared = make_parameters(D, H, O)
        return [shared for _ in range(T)]
    return [make_parameters(D, H, O) for _ in range(T)]


def unrolled_count(D: int, H: int, O: int, T: int, *, tied: bool = True) -> int:
    """Numbers to train in the network unrolled over T inputs: the total size of
    the distinct arrays its copies use."""
    distinct: dict[int, np.ndarray] = {}
    for copy in unroll_copies(D, H, O, T, tied=tied):
        for array in copy.values():
            distinct[id(array)] = array
    return int(sum(array.size for array in distinct.values()))


def all_at_once_count(D: int, H: int, O: int, T: int) -> int:
    """A one-hidden-layer feed-forward network reading all T inputs of size D at once
    (the T·D numbers side by side), with H hidden units and O outputs."""
    D, H, O, T = (_size(n, v) for n, v in (("input size D", D), ("hidden size H", H),
                                            ("output size O", O), ("sequence length T", T)))
    return H * (T * D) + H + O * H + O


def statquest_count(T: int, weights: Weights = STATQUEST) -> int:
    """The StatQuest network unrolled over T inputs. It is the vanilla RNN with
    D = H = O = 1 (w1 = W_hx, w2 = W_hh, b1 = b_h, w3 = W_yh, b2 = b_y), so its count
    is that network's count; it equals the five weights the network holds."""
    count = unrolled_count(1, 1, 1, T)
    if count != weights.count:
        raise AssertionError(f"the scalar RNN has {count} parameters but the weights hold {weights.count}")
    return count


def points_along_unit_interval(spacing: str) -> int:
    """Points from 0 to 1 inclusive, ``spacing`` apart: 0, 0.1, …, 1 are 11 points, not 10."""
    from fractions import Fraction

    steps = 1 / Fraction(spacing)
    if steps.denominator != 1 or steps < 1:
        raise ValueError(f"spacing must divide 1 into whole steps, got {spacing!r}")
    return int(steps) + 1


def grid_points(per_axis: int, dimensions: int) -> int:
    """Points of a regular grid with ``per_axis`` points along each of ``dimensions`` axes."""
    return _size("points per axis", per_axis) ** _size("dimensions", dimensions)


def first_length_where_all_at_once_is_larger(D: int, H: int, O: int) -> int:
    """The shortest sequence length T at which the all-at-once network needs more
    parameters than the RNN of the same sizes."""
    rnn = rnn_count(D, H, O).total
    T = 1
    while all_at_once_count(D, H, O, T) <= rnn:
        T += 1
    return T


GATED_FORMULAS = {"rnn": "H·(D + H + 1) + O·H + O", "lstm": "4H·(D + H + 1) + O·H + O",
                  "gru": "3H·(D + H + 1) + H + O·H + O"}


def model_count(kind: str, D: int, H: int, O: int) -> int:
    """Numbers to train in a tanh RNN, an LSTM or a GRU (``kind`` rnn, lstm, gru), counted
    from the arrays rnncore's model holds. The LSTM has four blocks of the RNN's H·(D + H + 1)
    (gates i, f, g, o), the GRU three (r, z, n) plus its bias b_hn inside the reset;
    all three add the readout O·H + O."""
    from . import gru, lstm, rnn

    D, H, O = _size("input size D", D), _size("hidden size H", H), _size("output size O", O)
    makers = {"rnn": rnn.RNN.random, "lstm": lstm.LSTM.random, "gru": gru.GRU.random}
    if kind not in makers:
        raise ValueError(f"unknown model {kind!r}; choose rnn, lstm or gru")
    model = makers[kind](D, H, O)
    return int(sum(np.asarray(array).size for array in model.parameters().values()))
