"""Every parameter of figures/params.toml: its type, range and meaning, declared once.

``load`` reads the file with ``tomllib`` and either returns validated values or
raises :class:`ParamError` whose message is one line naming the file, the key,
the value and what is allowed. Each key is checked against its own type and
range (``SPEC``), then the relations between keys (``RULES``), all before the
build writes anything. Whatever the file holds (control characters, huge numbers,
deep nesting) or is (a FIFO, a device, a symlink loop, a huge file), the answer
is that one line.
"""
from __future__ import annotations

import difflib
import json
import math
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Union

PARAMS_FILE = Path(__file__).with_name("params.toml")
MAX_BYTES = 1 << 20  # a parameter file is a few kilobytes; refuse anything over 1 MiB unread


def escape(text: str) -> str:
    """``text`` with every control or invisible formatting character written as an
    escape (``\\n``, ``\\x1b``, ``\\u202e``), so that a message stays one line and a
    file cannot colour, move or rewrite the author's terminal."""
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    out = []
    for char in text:
        if char == " " or char.isprintable():
            out.append(char)
        elif char in named:
            out.append(named[char])
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out)


class ParamError(Exception):
    """A parameter file that cannot be used; ``str()`` is the one line to print
    (control characters that the file put into it are escaped)."""

    def __init__(self, message: str):
        super().__init__(escape(message))


def _bound(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Number:
    """A finite real number from ``low`` to ``high`` (inclusive)."""

    low: float
    high: float

    type_name = "number"

    def range(self) -> str:
        return f"{_bound(self.low)} to {_bound(self.high)}"

    def allowed(self) -> str:
        return f"a number from {self.range()}"

    def check(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expected {self.allowed()}, not {_kind_of(value)}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"expected a finite number from {self.range()}"
        if not self.low <= value <= self.high:  # exact for integers of any size
            return f"out of range: expected {self.allowed()}"
        return None


@dataclass(frozen=True)
class Integer:
    """A whole number from ``low`` to ``high`` (inclusive)."""

    low: int
    high: int

    type_name = "integer"

    def range(self) -> str:
        return f"{self.low} to {self.high}"

    def allowed(self) -> str:
        return f"a whole number from {self.range()}"

    def check(self, value: Any) -> str | None:
        if isinstance(value, float) and not math.isfinite(value):
            return f"expected a finite whole number from {self.range()}"
        if isinstance(value, float):
            hint = f" (write {int(value)}, without the decimal point)" if value.is_integer() else ""
            return f"not a whole number: expected {self.allowed()}{hint}"
        if isinstance(value, bool) or not isinstance(value, int):
            return f"expected {self.allowed()}, not {_kind_of(value)}"
        if not self.low <= value <= self.high:
            return f"out of range: expected {self.allowed()}"
        return None


@dataclass(frozen=True)
class Choice:
    """One of a few fixed strings."""

    options: tuple[str, ...]

    type_name = "choice"

    def range(self) -> str:
        return ", ".join(f'"{option}"' for option in self.options)

    def allowed(self) -> str:
        return f"one of {self.range()}"

    def check(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return f"expected {self.allowed()}, not {_kind_of(value)}"
        if value not in self.options:
            close = difflib.get_close_matches(value, self.options, n=1, cutoff=0.5)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            return f"expected {self.allowed()}{hint}"
        return None


@dataclass(frozen=True)
class Sequence:
    """A list of ``min_length`` to ``max_length`` numbers, each from ``low`` to ``high``."""

    low: float
    high: float
    min_length: int
    max_length: int

    type_name = "list of numbers"

    def range(self) -> str:
        return f"{self.min_length} to {self.max_length} items, each {_bound(self.low)} to {_bound(self.high)}"

    def allowed(self) -> str:
        return (
            f"a list of {self.min_length} to {self.max_length} numbers, "
            f"each from {_bound(self.low)} to {_bound(self.high)}"
        )

    def check(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return f"expected {self.allowed()}, not {_kind_of(value)}"
        if not self.min_length <= len(value) <= self.max_length:
            what = "empty" if not value else f"{len(value)} long"
            return f"the list is {what}: expected {self.allowed()}"
        element = Number(self.low, self.high)
        for position, item in enumerate(value, start=1):
            problem = element.check(item)
            if problem:
                return f"item {position} ({_show(item)}): {problem}; the key takes {self.allowed()}"
        return None


@dataclass(frozen=True)
class WholeSequence(Sequence):
    """A list of whole numbers (sequence lengths, say), otherwise like :class:`Sequence`."""

    type_name = "list of whole numbers"

    def allowed(self) -> str:
        return (
            f"a list of {self.min_length} to {self.max_length} whole numbers, "
            f"each from {_bound(self.low)} to {_bound(self.high)}"
        )

    def check(self, value: Any) -> str | None:
        problem = super().check(value)
        if problem:
            return problem
        for position, item in enumerate(value, start=1):
            if not isinstance(item, int):
                return f"item {position} ({_show(item)}): not a whole number; the key takes {self.allowed()}"
        return None


Kind = Union[Number, Integer, Choice, Sequence]


@dataclass(frozen=True)
class Param:
    kind: Kind
    meaning: str


@dataclass(frozen=True)
class Rule:
    """A relation between keys, checked after every key passed its own type and range.

    ``text`` states it (on the Parameters page, in ``--help`` and in the error);
    ``holds`` receives the values of ``keys`` in order; ``why`` says what would go
    wrong otherwise."""

    keys: tuple[str, ...]
    text: str
    holds: Callable[..., bool] = field(repr=False, compare=False)
    why: str = ""
    # for a budget: what the file asks for, said in the error ("here 3.1e+09, 26× the default")
    measure: Callable[..., str] | None = field(default=None, repr=False, compare=False)


def less(low: str, high: str, why: str) -> Rule:
    return Rule((low, high), f"{low} < {high}", lambda a, b: a < b, why)


def at_most(low: str, high: str, why: str) -> Rule:
    return Rule((low, high), f"{low} ≤ {high}", lambda a, b: a <= b, why)


def between(key: str, low: str, high: str, why: str) -> Rule:
    return Rule((key, low, high), f"{low} ≤ {key} ≤ {high}", lambda v, a, b: a <= v <= b, why)


def budget(keys: tuple[str, ...], formula: str, cost: Callable[..., float], default: float, why: str) -> Rule:
    """A cost bound: ``cost`` (in the units of ``formula``) at most 10× its value with the
    committed parameters, ``default``, so that no accepted file makes a cold build take
    more than about ten times as long as the default one."""
    limit = 10 * default
    return Rule(keys, f"{formula} ≤ {limit:,.0f} (10× the default, {default:,.0f})",
                lambda *values: cost(*values) <= limit, why,
                lambda *values: f"here {cost(*values):,.0f}, {cost(*values) / default:.1f}× the default")


PRICES = Sequence(0.0, 1.0, 1, 12)
WEIGHT = Number(-10.0, 10.0)

SPEC: dict[str, Param] = {
    "network.w1": Param(WEIGHT, "input weight w₁: how strongly today's price enters the hidden unit"),
    "network.b1": Param(WEIGHT, "hidden bias b₁, added before the ReLU"),
    "network.w2": Param(WEIGHT, "recurrent weight w₂: how much of yesterday's activation feeds back"),
    "network.w3": Param(WEIGHT, "output weight w₃, applied to the activation"),
    "network.b2": Param(WEIGHT, "output bias b₂, added to the prediction"),
    "statland.low_low": Param(PRICES, "StatLand scenario: Low then Low (scaled prices, oldest first)"),
    "statland.low_medium": Param(PRICES, "StatLand scenario: Low then Medium"),
    "statland.high_medium": Param(PRICES, "StatLand scenario: High then Medium"),
    "statland.high_high": Param(PRICES, "StatLand scenario: High then High"),
    "statland.three_days": Param(PRICES, "StatLand three-day sequence: High, Medium, Medium"),
    "sequences.blue": Param(Sequence(0.0, 1.0, 9, 9), "invented prices of the blue company, the 9 days before day 10 (scaled, oldest first)"),
    "sequences.red": Param(Sequence(0.0, 1.0, 5, 5), "invented prices of the red company, the 5 days before day 10 (scaled, oldest first)"),
    "architectures.input_size": Param(Integer(1, 1000), "input size D of the vector RNN in the parameter-count figure"),
    "architectures.hidden_size": Param(Integer(1, 1000), "hidden size H of the vector RNN in the parameter-count figure"),
    "architectures.output_size": Param(Integer(1, 1000), "output size O of the vector RNN in the parameter-count figure"),
    "architectures.max_length": Param(Integer(2, 1000), "longest sequence length T plotted in the parameter-count figure"),
    "memory.w2_values": Param(Sequence(0.05, 1.0, 1, 5), "recurrent weights w₂ whose fading memory the memory figure compares"),
    "memory.steps": Param(Integer(2, 60), "time steps shown in the memory figure"),
    "backward.observed": Param(Number(0.0, 1.0), "observed price the backward-pass tables compare the prediction with"),
    "backward.long_days": Param(Integer(2, 30), "days of the long sequence of the backward-pass tables (High, then Medium every day)"),
    "backward.w2_values": Param(Sequence(-3.0, 3.0, 1, 4), "recurrent weights w₂ of the backward-pass tables, one tab each"),
    "latch.w_values": Param(Sequence(1.01, 10.0, 1, 4), "self-weights w (> 1) of the one-unit latch hₜ = tanh(w hₜ₋₁ + uₜ) compared in the Bengio 1994 figure"),
    "latch.steps": Param(Integer(2, 200), "steps of the latch runs whose gradient is followed back"),
    "latch.noise": Param(Number(0.0, 1.0), "largest size of the uniform random input uₜ of the latch runs"),
    "latch.seed": Param(Integer(0, 2**31 - 1), "random seed of the latch runs' inputs"),
    "descent.days": Param(Integer(2, 200), "days per training sequence in the descent runs"),
    "descent.first_days": Param(Sequence(0.0, 1.0, 1, 6), "first-day prices of the training sequences; each target is its first day"),
    "descent.learning_rate": Param(Number(1e-6, 1.0), "learning rate η of both descent runs"),
    "descent.tiny_learning_rate": Param(Number(1e-40, 1e-3), "a far smaller η, to show that the exploding run's first step still overshoots"),
    "descent.max_steps": Param(Integer(10, 5000), "step limit of the descent runs (updates)"),
    "descent.exploding_w2": Param(Number(1.0, 3.0), "starting w₂ of the exploding run (near 2)"),
    "descent.vanishing_w2": Param(Number(0.05, 1.0), "starting w₂ of the vanishing run (near 0.5)"),
    "descent.bounce_w2": Param(Number(0.5, 1.5), "starting w₂ of the bouncing runs, which train w₂ alone"),
    "descent.bounce_calm_factor": Param(Number(0.01, 5.0), "η of the calm bouncing run, as a multiple of the stability limit 2U/SSR″ at the optimum"),
    "descent.bounce_wild_factor": Param(Number(0.01, 5.0), "η of the wild bouncing run, as a multiple of the stability limit"),
    "descent.spread_starts": Param(Integer(1, 101), "starts, shifted by multiples of 10⁻¹⁵ (odd count, the figure's start in the middle), over which the chaotic bouncing run is repeated"),
    "descent.bounce_steps": Param(Integer(10, 5000), "step limit of the bouncing runs (updates)"),
    "gradients.hidden": Param(Integer(1, 64), "hidden units H of the random networks whose Jacobians are measured"),
    "gradients.steps": Param(Integer(2, 200), "sequence length T of those networks (largest distance T − k drawn)"),
    "gradients.networks": Param(Integer(1, 500), "random networks per setting; the bound figure draws their median"),
    "gradients.input_scale": Param(Number(0, 5), "standard deviation of each network's drive Wₕₓ xₜ + bₕ"),
    "gradients.gamma_lambda": Param(Sequence(0.05, 5.0, 1, 4), "values of γλ compared with the bound (1 is λ = 1/γ)"),
    "gradients.ensemble_lambdas": Param(Sequence(0.1, 10.0, 2, 2), "λ of the ensemble comparison (tanh): a moderate and a large value; the largest is also the ρ of the Gaussian networks scaled to ρ"),
    "gradients.seed": Param(Integer(0, 2**31 - 1), "random seed of the gradient lab's networks and inputs"),
    "gradients.heatmap_lambda_max": Param(Number(0.1, 10), "largest λ of the tanh heatmap"),
    "gradients.heatmap_lambda_min": Param(Number(0.01, 10), "smallest λ of the tanh heatmap"),
    "gradients.heatmap_rows": Param(Integer(2, 200), "number of λ values in the heatmap"),
    "gradients.pascanu.w_min": Param(Number(-20, 40), "Figure 6 surface: smallest recurrent weight w"),
    "gradients.pascanu.w_max": Param(Number(-20, 40), "Figure 6 surface: largest recurrent weight w"),
    "gradients.pascanu.b_min": Param(Number(-40, 20), "Figure 6 surface: smallest bias b"),
    "gradients.pascanu.b_max": Param(Number(-40, 20), "Figure 6 surface: largest bias b"),
    "gradients.pascanu.grid": Param(Integer(11, 1001), "Figure 6 surface: grid points along each axis"),
    "gradients.pascanu.start_w": Param(Number(-20, 40), "w where both gradient-descent paths start"),
    "gradients.pascanu.start_b": Param(Number(-40, 20), "b where both gradient-descent paths start"),
    "gradients.pascanu.learning_rate": Param(Number(0.001, 100), "learning rate η of both paths"),
    "gradients.pascanu.iterations": Param(Integer(1, 5000), "gradient-descent steps of each path"),
    "gradients.pascanu.clip_threshold": Param(Number(0.001, 100), "norm-clipping threshold of the clipped path"),
    "gradients.pascanu.spread_starts": Param(Integer(1, 101), "starts, shifted by multiples of 10⁻¹⁵ in w and b (odd count), over which both cliff paths are repeated"),
    "gradients.pascanu.neighbourhood": Param(Number(0.001, 2.0), "half-width of the 5 × 5 grid of nearby starts on which the plain cliff path is repeated"),
    "gradients.pascanu.bifurcation_w": Param(Number(4.01, 20), "Figure 3: the unit's fixed recurrent weight (> 4)"),
    "gradients.pascanu.bifurcation_b_min": Param(Number(-40, 20), "Figure 3: smallest bias b of the sweep"),
    "gradients.pascanu.bifurcation_b_max": Param(Number(-40, 20), "Figure 3: largest bias b of the sweep"),
    "gradients.truncation.hidden": Param(Integer(1, 64), "truncation figure: hidden units H"),
    "gradients.truncation.steps": Param(Integer(2, 500), "truncation figure: sequence length T (loss at step T)"),
    "gradients.truncation.window": Param(Integer(1, 500), "truncated BPTT window k: steps kept behind the loss"),
    "gradients.truncation.lam": Param(Number(0.01, 10), "truncation figure: λ of the tanh network's Wₕₕ"),
    # Beyond the vanilla RNN (pages LSTM, GRU, gradient flow, long-range task)
    "beyond.prices": Param(PRICES, "StatLand prices the one-unit LSTM and GRU read, oldest first"),
    "beyond.digits": Param(Integer(2, 8), "decimals to which gate values (sigmoids, tanh) are printed"),
    "beyond.lstm.input_gate": Param(Sequence(-10.0, 10.0, 3, 3), "one-unit LSTM input gate: input weight, recurrent weight, bias"),
    "beyond.lstm.forget_gate": Param(Sequence(-10.0, 10.0, 3, 3), "one-unit LSTM forget gate: input weight, recurrent weight, bias"),
    "beyond.lstm.candidate": Param(Sequence(-10.0, 10.0, 3, 3), "one-unit LSTM candidate (tanh): input weight, recurrent weight, bias"),
    "beyond.lstm.output_gate": Param(Sequence(-10.0, 10.0, 3, 3), "one-unit LSTM output gate: input weight, recurrent weight, bias"),
    "beyond.lstm.readout": Param(Sequence(-10.0, 10.0, 2, 2), "one-unit LSTM readout yₜ = w hₜ + b: w, b"),
    "beyond.gru.reset_gate": Param(Sequence(-10.0, 10.0, 3, 3), "one-unit GRU reset gate: input weight, recurrent weight, bias"),
    "beyond.gru.update_gate": Param(Sequence(-10.0, 10.0, 3, 3), "one-unit GRU update gate: input weight, recurrent weight, bias"),
    "beyond.gru.candidate": Param(Sequence(-10.0, 10.0, 4, 4), "one-unit GRU candidate: input weight, recurrent weight, bias, bias inside the reset"),
    "beyond.gru.readout": Param(Sequence(-10.0, 10.0, 2, 2), "one-unit GRU readout yₜ = w hₜ + b: w, b"),
    "beyond.forget.values": Param(Sequence(0.0, 1.0, 1, 6), "constant forget-gate values whose products the decay figure plots"),
    "beyond.forget.days": Param(Integer(2, 500), "days over which the forget-gate products are plotted"),
    "beyond.flow.hidden": Param(Integer(1, 64), "gradient flow: hidden size H (and input size) of every network"),
    "beyond.flow.steps": Param(Integer(2, 300), "gradient flow: sequence length T"),
    "beyond.flow.networks": Param(Integer(3, 200), "gradient flow: random networks per model"),
    "beyond.flow.seed": Param(Integer(0, 2**31 - 1), "gradient flow: seed of the networks, inputs and readouts"),
    "beyond.flow.lstm_forget_biases": Param(Sequence(-10.0, 10.0, 1, 4), "gradient flow: LSTM forget-gate biases compared"),
    "beyond.flow.gru_update_biases": Param(Sequence(-10.0, 10.0, 1, 4), "gradient flow: GRU update-gate biases compared"),
    "beyond.longrange.lengths": Param(WholeSequence(2, 500, 1, 8), "long-range task: sequence lengths T"),
    "beyond.longrange.seeds": Param(Integer(1, 50), "long-range task: seeds (training runs) per model and length"),
    "beyond.longrange.hidden": Param(Integer(1, 64), "long-range task: hidden units H of every model"),
    "beyond.longrange.updates": Param(Integer(10, 5000), "long-range task: most Adam updates per run"),
    "beyond.longrange.batch": Param(Integer(1, 1024), "long-range task: sequences per update"),
    "beyond.longrange.learning_rate": Param(Number(1e-5, 1.0), "long-range task: Adam's learning rate"),
    "beyond.longrange.clip": Param(Number(1e-3, 100.0), "long-range task: norm-clipping threshold of every update"),
    "beyond.longrange.gate_bias": Param(Number(-10.0, 10.0), "long-range task: starting bias of the LSTM's forget gate and the GRU's update gate"),
    "beyond.longrange.threshold": Param(Number(1e-6, 1.0), "long-range task: a run succeeds when its test loss (mean squared error) is below this"),
}


# Relations between keys, declared once: checked after every key's own type and range,
# before anything is written, and listed on the Parameters page.
RULES: list[Rule] = [
    less("gradients.heatmap_lambda_min", "gradients.heatmap_lambda_max",
         "the heatmap's λ runs from the smallest to the largest"),
    less("gradients.pascanu.w_min", "gradients.pascanu.w_max", "the surface's w axis runs from w_min to w_max"),
    less("gradients.pascanu.b_min", "gradients.pascanu.b_max", "the surface's b axis runs from b_min to b_max"),
    Rule(("gradients.pascanu.w_max",), "gradients.pascanu.w_max > 4.3", lambda w_max: w_max > 4.3,
         "the surface's wall exists only for w > 4, and the figure draws it from w = 4.3"),
    between("gradients.pascanu.start_w", "gradients.pascanu.w_min", "gradients.pascanu.w_max",
            "both descent paths start on the drawn surface"),
    between("gradients.pascanu.start_b", "gradients.pascanu.b_min", "gradients.pascanu.b_max",
            "both descent paths start on the drawn surface"),
    less("gradients.pascanu.bifurcation_b_min", "gradients.pascanu.bifurcation_b_max",
         "the bias sweep runs from b_min to b_max"),
    at_most("gradients.truncation.window", "gradients.truncation.steps",
            "truncated BPTT cannot keep more steps than the sequence has"),
    less("descent.tiny_learning_rate", "descent.learning_rate", "the tiny η is the smaller one"),
    less("descent.bounce_calm_factor", "descent.bounce_wild_factor", "the calm run takes the smaller steps"),
    Rule(("descent.exploding_w2", "descent.days"), "(descent.days − 1) × log₁₀ descent.exploding_w2 ≤ 70",
         lambda w2, days: (days - 1) * math.log10(w2) <= 70,
         "the exploding run's loss grows like w₂ to the power 2(days − 1) and its curvature like the square of that: "
         "past 10⁷⁰ they leave the float range at the first step (w₂ = 2 allows every days; w₂ = 3 up to 147)"),
    budget(("gradients.networks", "gradients.steps", "gradients.heatmap_rows", "gradients.gamma_lambda",
            "gradients.hidden"),
           "networks × steps × (heatmap_rows + 2 × len(gamma_lambda)) × (hidden² + 64)",
           lambda networks, steps, rows, gl, hidden: networks * steps * (rows + 2 * len(gl)) * (hidden**2 + 64),
           30 * 60 * (45 + 2 * 3) * (8**2 + 64),
           "the gradient lab measures a Jacobian norm (an SVD of an H × H matrix) for every network, step and "
           "setting: its time grows with this product"),
    budget(("descent.days", "descent.max_steps", "descent.bounce_steps", "descent.spread_starts"),
           "days × (3 × max_steps + (2 + spread_starts) × bounce_steps)",
           lambda days, steps, bounce, starts: days * (3 * steps + (2 + starts) * bounce),
           50 * (3 * 1000 + (2 + 11) * 300),
           "three descent runs of up to max_steps updates, two bouncing runs and spread_starts repeats of the wild "
           "one of up to bounce_steps, each update a pass through days steps: their time grows with this product"),
    budget(("gradients.pascanu.iterations", "gradients.pascanu.spread_starts"),
           "iterations × (2 × spread_starts + 52)",
           lambda iterations, starts: iterations * (2 * starts + 52),
           200 * (2 * 11 + 52),
           "the two cliff paths run from the figure's start, from spread_starts shifted starts and from 25 nearby "
           "starts, each for iterations steps: their time grows with this product"),
    budget(("beyond.longrange.lengths", "beyond.longrange.seeds", "beyond.longrange.updates",
            "beyond.longrange.batch", "beyond.longrange.hidden"),
           "sum(lengths) × seeds × updates × batch × (hidden + 8)²",
           lambda lengths, seeds, updates, batch, hidden: sum(lengths) * seeds * updates * batch * (hidden + 8) ** 2,
           (5 + 10 + 20 + 50 + 100) * 5 * 300 * 32 * (8 + 8) ** 2,
           "four models are trained for every length and seed, each update a forward and backward pass over a "
           "batch of sequences: the training time grows with this product"),
    budget(("beyond.flow.hidden", "beyond.flow.steps", "beyond.flow.networks", "beyond.flow.lstm_forget_biases",
            "beyond.flow.gru_update_biases"),
           "networks × steps² × (1 + len(lstm_forget_biases) + len(gru_update_biases)) × (hidden + 8)²",
           lambda hidden, steps, networks, lstm, gru: networks * steps**2 * (1 + len(lstm) + len(gru)) * (hidden + 8) ** 2,
           30 * 60**2 * (1 + 3 + 2) * (8 + 8) ** 2,
           "the gradient-flow study backpropagates from the last step to every input of every network and model: "
           "its time grows with this product"),
]


def _show(value: Any, depth: int = 0) -> str:
    """A value as it would be written in TOML, shortened to stay on one line (a huge
    integer by its number of digits, a deep or long list or table by its start)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        if abs(value) < 10**18:
            return str(value)
        digits = int(abs(value).bit_length() * math.log10(2)) + 1
        return f"{'-' if value < 0 else ''}<an integer of about {digits} digits>"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 60 else text[:57] + '..."'
    if isinstance(value, (dict, list)) and depth >= 3:
        return "{...}" if isinstance(value, dict) else "[...]"
    if isinstance(value, dict):
        items = [f"{_show_key((key,))} = {_show(item, depth + 1)}" for key, item in list(value.items())[:6]]
        text = "{" + ", ".join(items) + (", ..." if len(value) > 6 else "") + "}"
        return text if len(text) <= 80 else text[:76] + " ...}"
    if isinstance(value, list):
        text = "[" + ", ".join(_show(item, depth + 1) for item in value[:20]) + (", ..." if len(value) > 20 else "") + "]"
        return text if len(text) <= 80 else text[:76] + " ...]"
    return str(value)


BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _show_key(parts: tuple[str, ...]) -> str:
    """A key as TOML writes it: bare parts joined by dots, any other part quoted."""
    shown = [part if BARE_KEY.match(part) else json.dumps(part, ensure_ascii=False) for part in parts]
    text = ".".join(shown)
    return text if len(text) <= 80 else text[:77] + "..."


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string (write numbers without quotes)" if _looks_numeric(value) else "a string"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"  # dates and times


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _flatten(table: dict[str, Any]) -> list[tuple[tuple[str, ...], Any]]:
    """``{"network": {"w1": 1.8}}`` → ``[(("network", "w1"), 1.8)]``; a table given for a
    declared key stays a value (and is then reported as the wrong type). Iterative, so
    that a key of thousands of dotted parts cannot exhaust Python's recursion limit."""
    flat: list[tuple[tuple[str, ...], Any]] = []
    todo: list[tuple[tuple[str, ...], Any]] = [((key,), value) for key, value in reversed(table.items())]
    while todo:  # depth first, in the file's order
        parts, value = todo.pop()
        if isinstance(value, dict) and ".".join(parts) not in SPEC:
            todo += [(parts + (key,), item) for key, item in reversed(value.items())]
        else:
            flat.append((parts, value))
    return flat


def _suggest(key: str) -> str:
    """`` (did you mean network.w1?)`` for the closest declared key, or nothing."""
    order = list(SPEC)
    scored = [(difflib.SequenceMatcher(None, key, name).ratio(), -index, name) for index, name in enumerate(order)]
    score, _, best = max(scored) if scored else (0.0, 0, "")
    if score < 0.6:
        tail = key.rsplit(".", 1)[-1]
        matches = [name for name in order if name.rsplit(".", 1)[-1] == tail]
        best = matches[0] if matches else ""
    return f" (did you mean {best}?)" if best else ""


def _where(path: Path) -> str:
    """The file as the author knows it: relative to the working folder when inside it.
    (Only the folder is resolved: the file itself may be a symlink loop.)"""
    try:
        return str((Path(path).parent.resolve() / Path(path).name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


SYNTAX = re.compile(r"^(?P<what>.*?) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def _syntax_error(where: str, text: str, error: Exception) -> ParamError:
    match = SYNTAX.match(str(error))
    if not match:
        return ParamError(f"{where}: TOML syntax error: {error}")
    line = int(match["line"])
    lines = text.splitlines()
    source = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    shown = f": {source[:80]!r}" if source else ""
    return ParamError(
        f"{where}: TOML syntax error at line {line}, column {match['column']}: "
        f"{match['what'].lower()}{shown}"
    )


HEADER = re.compile(r"^\s*\[\[?\s*(?P<table>[^\]]*?)\s*\]\]?\s*(#.*)?$")
KEY_LINE = re.compile(r"^\s*(?P<key>[^=\[#]+?)\s*=")


def _key_at(lines: list[str], index: int) -> str:
    """The dotted key written on ``lines[index]`` (its table's name in front), or ""."""
    table = ""
    for line in lines[:index]:
        header = HEADER.match(line)
        if header and "=" not in line:
            table = header["table"]
    match = KEY_LINE.match(lines[index]) if 0 <= index < len(lines) else None
    if not match:
        return ""
    return f"{table}.{match['key']}" if table else match["key"]


def _unparsable(where: str, text: str, index: int, value: str, problem: str) -> ParamError:
    """An error for a line the TOML parser gave up on: the line, its key, what is allowed."""
    lines = text.splitlines()
    key = _key_at(lines, index)
    allowed = SPEC[key].kind.allowed() if key in SPEC else "a number or a flat list of numbers"
    return ParamError(f"{where}: line {index + 1}: {key or 'a value'} = {value}: {problem}: expected {allowed}")


def _list_keys(keys: list[str], first: int = 4) -> str:
    shown = ", ".join(keys[:first])
    return f"{shown} and {len(keys) - first} more" if len(keys) > first else shown


def parse(data: bytes, path: Path = PARAMS_FILE) -> dict[str, Any]:
    """Validate the bytes of a parameter file; return ``{dotted key: value}``."""
    where = _where(path)
    expected = (f"expected {len(SPEC)} keys, {_list_keys(list(SPEC))} "
                "(`python figures/build.py --help` lists them all)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParamError(
            f"{where}: line {line}, byte {error.start + 1} (0x{data[error.start]:02x}) is not UTF-8: save the file as UTF-8 text"
        ) from None
    if not text.strip():
        raise ParamError(f"{where}: the file is empty: {expected}")
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(where, text, error) from None
    except RecursionError:
        lines = text.splitlines()
        index = max(range(len(lines)), key=lambda i: lines[i].count("[") + lines[i].count("{"))
        start = lines[index].partition("=")[2].strip()[:6]
        raise _unparsable(where, text, index, f"{start}...", "lists or tables nested too deeply to read") from None
    except ValueError:  # an integer longer than Python converts (4300 digits)
        digits = re.search(r"[0-9_]{4000,}", text)
        index = text.count("\n", 0, digits.start()) if digits else 0
        length = len(digits[0].replace("_", "")) if digits else 0
        raise _unparsable(where, text, index, f"<an integer of {length:,} digits>", "too long to read") from None
    if not table:
        raise ParamError(f"{where}: the file has no keys (only comments): {expected}")
    flat = _flatten(table)
    for parts, value in flat:
        if any("." in part for part in parts):
            dotted = ".".join(parts)
            twin = next((other for other, _ in flat if other != parts and ".".join(other) == dotted), None)
            if twin is not None:
                raise ParamError(
                    f"{where}: the quoted key {_show_key(parts)} = {_show(value)} and {_show_key(twin)} "
                    f"name the same parameter: write it once, as {dotted} without quotes"
                )
            raise ParamError(
                f"{where}: the quoted key {_show_key(parts)} = {_show(value)} is one name with a dot in it, "
                f"not a dotted key{_suggest(dotted) if dotted not in SPEC else ''}: write {dotted} without quotes"
            )
    values = {".".join(parts): value for parts, value in flat}
    for parts, value in flat:
        key = ".".join(parts)
        if key not in SPEC:
            raise ParamError(f"{where}: unknown key {_show_key(parts)} = {_show(value)}{_suggest(key)}")
    missing = [key for key in SPEC if key not in values]
    if missing:
        key = missing[0]
        more = f"; {len(missing)} keys are missing: {_list_keys(missing)}" if len(missing) > 1 else ""
        raise ParamError(f"{where}: missing key {key}: expected {SPEC[key].kind.allowed()} ({SPEC[key].meaning}){more}")
    for key, param in SPEC.items():
        problem = param.kind.check(values[key])
        if problem:
            raise ParamError(f"{where}: {key} = {_show(values[key])}: {problem}")
    for rule in RULES:
        if not rule.holds(*(values[key] for key in rule.keys)):
            given = " and ".join(f"{key} = {_show(values[key])}" for key in rule.keys)
            asked = f"; {rule.measure(*(values[key] for key in rule.keys))}" if rule.measure else ""
            raise ParamError(f"{where}: {given}: expected {rule.text}{asked} ({rule.why})")
    return {key: values[key] for key in SPEC}


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_limited(path: Path) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_BYTES`, or :class:`ParamError`.

    The file is opened without blocking (a FIFO with no writer would wait forever)
    and checked with ``fstat`` before a single byte is read, so ``/dev/zero``, a
    FIFO, a folder or a huge file is refused at once."""
    where = _where(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise ParamError(f"{where}: cannot read the parameter file: {error.strerror}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ParamError(f"{where}: the parameter file is {_file_kind(info.st_mode)}: expected a regular text file")
        if info.st_size > MAX_BYTES:
            raise ParamError(f"{where}: the parameter file is {info.st_size:,} bytes: expected a text file of at most "
                             f"{MAX_BYTES:,} bytes (1 MiB)")
        chunks, size = [], 0
        while size <= MAX_BYTES:  # the file may grow while it is read
            chunk = os.read(descriptor, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BYTES:
            raise ParamError(f"{where}: the parameter file grew past {MAX_BYTES:,} bytes (1 MiB) while it was read")
        return b"".join(chunks)
    except OSError as error:
        raise ParamError(f"{where}: cannot read the parameter file: {error.strerror}") from None
    finally:
        os.close(descriptor)


def load(path: Path = PARAMS_FILE) -> dict[str, Any]:
    data = read_limited(path)
    try:
        return parse(data, path)
    except RecursionError:  # a structure deeper than any check foresaw: still one line
        raise ParamError(f"{_where(path)}: values nested too deeply to check: "
                         "expected numbers and flat lists of numbers") from None


def weights(params) -> "Weights":
    """The StatQuest network's weights as the parameter file sets them."""
    from rnncore.statquest import Weights

    return Weights(**{name: float(params[f"network.{name}"]) for name in ("w1", "b1", "w2", "w3", "b2")})


def toml_value(value: Any) -> str:
    """A parameter value written as TOML writes it (for the reference page and errors)."""
    return _show(value)
