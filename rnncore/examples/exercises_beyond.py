"""Exercises for the chapters "Beyond the vanilla RNN" (LSTM, GRU, gradient flow, the
long-range task): every number in a question or an answer is computed here."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np

from .. import connectivity, gru, lstm, tasks
from ..activations import sigmoid
from ..exact import MINUS, TIMES, exact, fraction_text, readable, show, superscript
from ..parameters import GATED_FORMULAS, model_count
from ..powers import power
from . import Example, exercise, register

NOTEBOOK = "notebooks/lstm-gru.ipynb"
DIGITS = 4  # sigmoids and tanhs are printed to this many decimals


def rounded(value) -> Decimal:
    return Decimal(f"{float(value):.{DIGITS}f}")


def shown(value) -> str:
    return show(rounded(value)).replace("-", MINUS)


# --- The LSTM ----------------------------------------------------------------------------------

#: One step of a one-unit LSTM: each gate is (input weight, recurrent weight, bias).
STEP_GATES = {"input_gate": (1.0, 0.0, 0.0), "forget_gate": (0.0, 0.0, 2.0),
              "candidate": (1.0, 0.0, 0.0), "output_gate": (0.0, 0.0, 0.0)}
STEP_X, STEP_H, STEP_C = 1.0, 0.0, 0.5


@register("ex-lstm-one-step", kind="exercise", page="lstm.md")
def lstm_one_step() -> Example:
    model = lstm.one_unit(**STEP_GATES)
    s = lstm.step(model, np.array([[STEP_X]]), np.array([[STEP_H]]), np.array([[STEP_C]]))
    i, f, g, o, c, tc, h = (float(getattr(s, n)[0, 0]) for n in ("i", "f", "g", "o", "c", "tanh_c", "h"))
    return exercise(
        "ex-lstm-one-step", page="lstm.md", type="numeric",
        title="One LSTM step by hand",
        question=(f"A one-unit LSTM has all recurrent weights 0. The input gate and the candidate have input "
                  f"weight 1 and bias 0, the forget gate has input weight 0 and bias 2, the output gate has "
                  f"input weight 0 and bias 0. With x = {show(STEP_X)}, h₀ = {show(STEP_H)} and "
                  f"c₀ = {show(STEP_C)}, what are c₁ and h₁? Give the gates to {DIGITS} decimals."),
        answer=(f"The gates: i = σ(1) = {shown(i)}, f = σ(2) = {shown(f)}, g = tanh(1) = {shown(g)}, "
                f"o = σ(0) = {shown(o)}. Then\n\n"
                f"- c₁ = f {TIMES} c₀ + i {TIMES} g = {shown(f)} {TIMES} {show(STEP_C)} + {shown(i)} {TIMES} "
                f"{shown(g)} = **{shown(c)}**\n"
                f"- h₁ = o {TIMES} tanh(c₁) = {shown(o)} {TIMES} {shown(tc)} = **{shown(h)}**\n\n"
                f"All values are rounded to {DIGITS} decimals from the unrounded ones, so the products of "
                f"the rounded gates can differ in the last digit. The cell kept {shown(f)} of its old value and "
                f"took {shown(i)} of the candidate; the output gate at one half shows half of tanh(c₁). "
                f"`lstm.step` in the [LSTM and GRU notebook]({NOTEBOOK}) does this step."),
        value=[float(rounded(c)), float(rounded(h))], display=f"c₁ = {shown(c)}, h₁ = {shown(h)}",
    )


@register("ex-lstm-no-forgetting", kind="exercise", page="lstm.md")
def lstm_no_forgetting() -> Example:
    return exercise(
        "ex-lstm-no-forgetting", page="lstm.md", type="conceptual",
        title="An LSTM that never forgets",
        question=("Suppose the forget gate and the input gate were both stuck at 1, every day. What does "
                  "the cell compute, why is its gradient path perfect, and why is that still a problem on "
                  "a long sequence?"),
        answer=("With f = i = 1 the cell is cₜ = cₜ₋₁ + gₜ: a running sum of every candidate so far. "
                "Along the cell, ∂cₜ/∂cₜ₋₁ = 1, so a gradient passes back any number of steps unchanged, "
                "which is how the first LSTM (1997, without a forget gate) worked. But nothing is ever "
                "removed. Over a long sequence the sum can grow without bound, tanh(cₜ) then sits at ±1, "
                "and hₜ stops responding to the cell: the unit is full. The forget gate (Gers et al. 2000) "
                "lets the network empty the cell when what it holds is no longer needed."),
        value="the cell becomes a running sum: a perfect gradient path, but it fills up and saturates tanh",
    )


FORGET, DAYS = "0.95", 50


@register("ex-lstm-forget-95", kind="exercise", page="lstm.md")
def lstm_forget_95() -> Example:
    p, tenth = power(FORGET, DAYS), power("0.9", DAYS)
    tenfold = next(n for n in range(1, DAYS + 1) if power(FORGET, n).exact < Fraction(1, 10))
    return exercise(
        "ex-lstm-forget-95", page="lstm.md", type="predict",
        title="A forget gate of 0.95 over 50 days",
        question=(f"The page shows what is left after {DAYS} days along the cell for forget gates of 0.9 and "
                  f"0.99. Before computing: with f = {FORGET} every day, is more or less than a tenth of the "
                  f"gradient left after {DAYS} days? Then check, with `{FORGET} ** {DAYS}` in the "
                  f"[LSTM and GRU notebook]({NOTEBOOK}) or any calculator."),
        answer=(f"{p.expression()} = **{readable(p.exact, 4)}**, a little less than a tenth. A gate that "
                f"keeps 95 % a day sounds like nearly perfect memory, but the loss compounds: "
                f"{FORGET}{superscript(tenfold)} is already below a tenth. Compared with 0.9 (0.9⁵⁰ = "
                f"{readable(tenth.exact, 2)}) it is still about {readable(p.exact / tenth.exact, 2)} times "
                f"more. σ(3) = {shown(sigmoid(3.0))}, so a forget-gate bias of 3 puts the gate near "
                f"{FORGET} when the rest of its pre-activation is 0."),
        value=p.exact, display=readable(p.exact, 4),
    )


# --- The GRU -----------------------------------------------------------------------------------

MIX = {"h": "0.8", "z": "0.9", "n": "-0.5"}


@register("ex-gru-interpolation", kind="exercise", page="gru.md")
def gru_interpolation() -> Example:
    h, z, n = (Decimal(MIX[k]) for k in ("h", "z", "n"))
    guide = exact(lambda h, z, n: (1 - z) * n + z * h, h, z, n)
    swapped = exact(lambda h, z, n: z * n + (1 - z) * h, h, z, n)
    one_minus = exact(lambda z: 1 - z, z)
    s = lambda v: show(v).replace("-", MINUS)  # noqa: E731
    return exercise(
        "ex-gru-interpolation", page="gru.md", type="numeric",
        title="One interpolation step",
        question=(f"A GRU unit holds hₜ₋₁ = {s(h)}. Today its update gate is z = {s(z)} and its "
                  f"candidate is n = {s(n)}. What is hₜ with this guide's convention? And what would it be "
                  f"with the gates' roles swapped, hₜ = z n + (1 {MINUS} z) hₜ₋₁, the way several textbooks write it?"),
        answer=(f"Here z weighs the old state: hₜ = (1 {MINUS} z) n + z hₜ₋₁ = {s(one_minus)} {TIMES} ({s(n)}) "
                f"+ {s(z)} {TIMES} {s(h)} = **{s(guide)}**. The state barely moves toward the candidate. "
                f"Swapped, the same numbers give {s(z)} {TIMES} ({s(n)}) + {s(one_minus)} {TIMES} {s(h)} = "
                f"**{s(swapped)}**: the unit takes most of the candidate and even changes sign. Both "
                f"conventions describe the same family of networks (learning z or 1 {MINUS} z is the same), "
                f"but weights trained in one cannot be read in the other: check which one a library uses. "
                f"PyTorch and `rnncore.gru` use the first."),
        value=[guide, swapped], display=f"{s(guide)}; swapped {s(swapped)}",
    )


@register("ex-gru-tied-gates", kind="exercise", page="gru.md")
def gru_tied_gates() -> Example:
    return exercise(
        "ex-gru-tied-gates", page="gru.md", type="conceptual",
        title="What the GRU gives up",
        question=("The LSTM has a forget gate f and an input gate i that are set independently. The GRU has "
                  "one update gate, and the old state and the candidate get z and 1 − z. What can an LSTM "
                  "cell do that a GRU state cannot?"),
        answer=("Because z and 1 − z add up to 1, the GRU's new state is always a weighted average of the old "
                "state and the candidate: keeping more of one means taking less of the other. An LSTM can "
                "keep all of its cell (f = 1) and add to it at the same time (i = 1), so its cell can count "
                "or accumulate beyond the range of one candidate, or clear itself (f = 0) while writing "
                "nothing. The GRU saves a gate and its weights, and its state stays in [−1, 1]; whether that "
                "matters depends on the task."),
        value="z and 1 − z add to 1: the GRU averages, the LSTM can keep and add at once",
    )


DECAY_BIAS, DECAY_START, DECAY_DAYS = 3.0, 1.0, 40


@register("ex-gru-half-life", kind="exercise", page="gru.md")
def gru_half_life() -> Example:
    model = gru.one_unit(reset_gate=(0.0, 0.0, 0.0), update_gate=(0.0, 0.0, DECAY_BIAS),
                         candidate=(0.0, 0.0, 0.0, 0.0))
    run = gru.forward(model, np.zeros((1, DECAY_DAYS, 1)), h0=np.array([[DECAY_START]]))
    h = run.h[:, 0, 0]
    day = int(np.argmax(h < DECAY_START / 2)) + 1
    z = float(sigmoid(DECAY_BIAS))
    return exercise(
        "ex-gru-half-life", page="gru.md", type="predict",
        title="How long an update gate of σ(3) holds on",
        question=(f"A one-unit GRU has all weights 0, update-gate bias {show(DECAY_BIAS)} and a candidate that "
                  f"is always 0; it starts at h₀ = {show(DECAY_START)}. Guess first: after how many days is "
                  f"h below one half: a few days, about two weeks, or months? Then check in the "
                  f"[LSTM and GRU notebook]({NOTEBOOK}) with `gru.one_unit(reset_gate=(0, 0, 0), "
                  f"update_gate=(0, 0, {show(DECAY_BIAS)}), candidate=(0, 0, 0, 0))` and `gru.forward` on "
                  f"{DECAY_DAYS} zero inputs with `h0=[[{show(DECAY_START)}]]`."),
        answer=(f"The update gate is σ({show(DECAY_BIAS)}) = {shown(z)} every day and the candidate is 0, so "
                f"hₜ = z hₜ₋₁ = zᵗ: the state keeps about 95 % a day. It first falls below one half on "
                f"**day {day}**, at h = {shown(h[day - 1])}: about two weeks. This is the LSTM's forget gate of "
                f"0.95 again, one gate doing the keeping."),
        value=[day, float(rounded(h[day - 1]))], display=f"day {day}",
    )


# --- Gradient flow compared --------------------------------------------------------------------

FLOW_BIASES, FLOW_DISTANCE = (0.0, 1.0, 3.0), 59


@register("ex-flow-direct-path", kind="exercise", page="gradient-flow.md")
def flow_direct_path() -> Example:
    gates = [float(sigmoid(b)) for b in FLOW_BIASES]
    kept = [g ** FLOW_DISTANCE for g in gates]
    rows = "\n".join(f"- bias {show(b)}: f = σ({show(b)}) = {shown(g)}, f{superscript(FLOW_DISTANCE)} = **{readable(k, 2)}**"
                     for b, g, k in zip(FLOW_BIASES, gates, kept))
    return exercise(
        "ex-flow-direct-path", page="gradient-flow.md", type="numeric",
        title="The direct path alone",
        question=(f"With input and recurrent weights ignored, a forget gate with bias b sits at σ(b). For the "
                  f"biases {', '.join(show(b) for b in FLOW_BIASES)}, what is the gate (to {DIGITS} decimals), "
                  f"and what is left along the cell alone after {FLOW_DISTANCE} steps?"),
        answer=(f"{rows}\n\n"
                f"Each unit of bias multiplies what is left by a large factor, which is the ordering of the "
                f"LSTM rows in the table. The measured medians are not these numbers: in a real network the "
                f"gates also get W x + U h, which spreads them around σ(b), and the gradient has paths through "
                f"h as well as along the cell."),
        value=[float(rounded(g)) for g in gates] + [float(f"{k:.2g}") for k in kept],
        display=", ".join(readable(k, 2) for k in kept),
    )


@register("ex-flow-same-quantity", kind="exercise", page="gradient-flow.md")
def flow_same_quantity() -> Example:
    return exercise(
        "ex-flow-same-quantity", page="gradient-flow.md", type="conceptual",
        title="Why compare input gradients",
        question=("Why does this page compare ‖∂ℓ/∂xₖ‖ instead of the gradient with respect to the state, "
                  "which the earlier chapters used?"),
        answer=("The states differ between the models: the LSTM has a cell c and a hidden state h, the RNN and "
                "the GRU only h, and an LSTM's h and c play different roles from the RNN's h. Their gradients "
                "are derivatives with respect to different things, so comparing their sizes says little. Every "
                "model reads the same inputs xₖ, and ∂ℓ/∂xₖ is what the loss can learn from step k: if it is "
                "tiny, gradient descent cannot find out that step k mattered, whatever the model's insides."),
        value="every model has the same inputs; the states differ between models",
    )


PREDICT_FLOW = {"hidden": 8, "steps": 60, "networks": 30, "seed": 0}
PREDICT_BIASES = (0.0, 1.0, 3.0, 5.0)  # the figure's three, then one beyond it


def larger_bias_medians() -> list[float]:
    """The median ‖∂ℓ/∂x₁‖ over the networks, for each forget-gate bias of PREDICT_BIASES."""
    return [float(connectivity.flow_study("lstm", gate_bias=b, **PREDICT_FLOW).median[-1]) for b in PREDICT_BIASES]


@register("ex-flow-larger-bias", kind="exercise", page="gradient-flow.md")
def flow_larger_bias() -> Example:
    medians = larger_bias_medians()
    low, high = show(PREDICT_BIASES[-2]), show(PREDICT_BIASES[-1])
    call = (f"connectivity.flow_study(\"lstm\", hidden={PREDICT_FLOW['hidden']}, steps={PREDICT_FLOW['steps']}, "
            f"networks={PREDICT_FLOW['networks']}, seed={PREDICT_FLOW['seed']}, gate_bias=b).median[-1]")
    trend = ", ".join(f"{readable(m, 2)} at bias {show(b)}" for b, m in zip(PREDICT_BIASES[:-1], medians[:-1]))
    return exercise(
        "ex-flow-larger-bias", page="gradient-flow.md", type="predict",
        title="A forget bias beyond the figure",
        question=(f"The figure stops at a forget-gate bias of {low}. Predict what a bias of {high} "
                  f"(σ({high}) = {shown(sigmoid(PREDICT_BIASES[-1]))}) does to the median dependence on the first "
                  f"input, {PREDICT_FLOW['steps'] - 1} steps back: does it keep rising as steeply, level off, or "
                  f"fall? Look at the trend over the biases in the Playground's "
                  f"[connectivity explorer](playground.md#connectivity-how-much-the-last-step-hears-each-input) "
                  f"first, then check in the [LSTM and GRU notebook]({NOTEBOOK}) with "
                  f"`{call}` after `from rnncore import connectivity`."),
        answer=(f"The medians are {trend}: each step up in the bias gained orders of magnitude. At bias {high} "
                f"the median is **{readable(medians[-1], 2)}**, only about "
                f"{readable(medians[-1] / medians[-2], 2)} times the value at {low}: it levels off. Once the gate "
                f"is near 1 the direct path is nearly lossless, and a larger bias cannot push f above 1; what "
                f"is left is set by the other paths and the readout. A gate held near 1 is also a cell that "
                f"hardly forgets, which training then has to undo."),
        value=[float(f"{m:.2g}") for m in medians], display=readable(medians[-1], 2),
    )


# --- The long-range task -----------------------------------------------------------------------

COUNT_SIZES = {"D": 2, "H": 8, "O": 1}


@register("ex-longrange-parameters", kind="exercise", page="long-range.md")
def longrange_parameters() -> Example:
    D, H, O = COUNT_SIZES["D"], COUNT_SIZES["H"], COUNT_SIZES["O"]
    counts = {kind: model_count(kind, D, H, O) for kind in ("rnn", "lstm", "gru")}
    names = {"rnn": "tanh RNN", "lstm": "LSTM", "gru": "GRU"}
    rows = "\n".join(f"- {names[k]}: {GATED_FORMULAS[k]} = **{counts[k]}**" for k in counts)
    return exercise(
        "ex-longrange-parameters", page="long-range.md", type="numeric",
        title="Same hidden size, different sizes",
        question=(f"The models of this page read D = {D} input channels and give O = {O} output. With H = {H} "
                  f"hidden units each, how many numbers does each model train: the tanh RNN, the LSTM and the "
                  f"GRU (with PyTorch's extra bias b_hn)?"),
        answer=(f"{rows}\n\n"
                f"The LSTM has four copies of the RNN's weights (one per gate and the candidate), the GRU three. "
                f"\"Same size\" on this page means the same H, so the LSTM has about "
                f"{readable(counts['lstm'] / counts['rnn'], 2)} times as many parameters as the tanh RNN. A "
                f"fairer comparison by parameter count would give the tanh RNN a larger H."),
        value=[counts["rnn"], counts["lstm"], counts["gru"]],
        display=", ".join(str(counts[k]) for k in counts),
    )


@register("ex-longrange-path-length", kind="exercise", page="long-range.md")
def longrange_path_length() -> Example:
    return exercise(
        "ex-longrange-path-length", page="long-range.md", type="conceptual",
        title="Why gates do not shorten the path",
        question=("The GRU solved T = 100 here. Does the gradient from the loss at step 100 to the first input "
                  "skip any steps? How is that different in a Transformer?"),
        answer=("No. In the LSTM and the GRU the gradient to x₁ still passes through every one of the 99 steps "
                "in between, one Jacobian per step. The gates make each of those factors close to 1 along the "
                "kept state, so the product shrinks slowly, but the path is as long as the sequence. Attention "
                "connects step 100 to step 1 directly, so that path is one step long at any distance; the price "
                "is comparing every pair of positions."),
        value="the gradient still crosses every step; gates make each step less lossy, attention makes the path one step",
    )


LAZY_T, LAZY_BATCH, LAZY_SEED = 50, 100_000, 0


@register("ex-longrange-lazy-model", kind="exercise", page="long-range.md")
def longrange_lazy_model() -> Example:
    batch = tasks.remember_first(LAZY_T, LAZY_BATCH, np.random.default_rng(LAZY_SEED))
    sampled = float(np.mean((batch.answer - batch.x[:, -1, 0]) ** 2))
    variance = Fraction(1 - (-1)) ** 2 / 12  # of the uniform distribution on [−1, 1]
    expected = 2 * variance                  # (a − b)² for two independent draws
    zero = Fraction(tasks.BASELINE_MSE["remember_first"]).limit_denominator(12)
    if zero != variance or expected != 2 * zero:
        raise AssertionError("predicting 0 should cost the variance of the first value, x_T twice that")
    return exercise(
        "ex-longrange-lazy-model", page="long-range.md", type="predict",
        title="A lazy model",
        question=(f"Predicting 0 gives a test loss of {fraction_text(zero)}. A lazy network instead outputs the "
                  f"last value it saw, x_T. Predict: is its loss on the task with T = {LAZY_T} lower than "
                  f"{fraction_text(zero)}, about the same, or higher? Then check with "
                  f"`batch = tasks.remember_first({LAZY_T}, {LAZY_BATCH:_}, np.random.default_rng({LAZY_SEED}))` in the [LSTM and GRU notebook]({NOTEBOOK}), "
                  f"averaging `(batch.answer - batch.x[:, -1, 0]) ** 2`."),
        answer=(f"Higher: **{fraction_text(expected)}**, twice as much. The first and the last value are "
                f"independent draws from [{MINUS}1, 1], each with variance {fraction_text(variance)}, and the "
                f"squared difference of two independent draws averages the sum of their variances. "
                f"{LAZY_BATCH:,} sampled sequences give {sampled:.3f}. Outputting something that looks like "
                f"the data is worse than outputting the mean; a network that has learned nothing settles at "
                f"{fraction_text(zero)}, which is why that is the level the table compares with."),
        value=[expected, round(sampled, 3)], display=fraction_text(expected),
    )
