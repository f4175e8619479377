"""Exercises for the Foundations chapters: every number in a question or an answer is
computed here (seeds 000–002)."""
from __future__ import annotations

from decimal import Decimal

from .. import cnn, parameters
from ..exact import MINUS, TIMES, grouped, show
from ..playground import display as four_digits, predictions
from ..statquest import HIGH, LOW, MEDIUM, STATQUEST, Weights, unroll
from . import Example, exercise, register
from .foundations import grid_text

LEVELS = {LOW: "Low", MEDIUM: "Medium", HIGH: "High"}


def named(inputs) -> str:
    return ", ".join(LEVELS[x] for x in inputs)


def trace_lines(inputs, weights: Weights = STATQUEST) -> str:
    """The unrolled arithmetic as a Markdown list, one line per day, then the prediction."""
    trace = unroll(list(inputs), weights)
    lines = [f"- day {s.t} ({LEVELS[float(s.input)]}): x = {s.x_arithmetic}, y = {s.y_arithmetic}"
             for s in trace.steps]
    lines.append(f"- prediction = {trace.steps[-1].output_arithmetic}")
    return "\n".join(lines)


def bare(count: parameters.Count) -> str:
    """The filled-in formula without its total: ``16·1 + 16·16 + 16 + 1·16 + 1``."""
    return count.terms.removesuffix(f" = {count.total}")


def prediction(inputs, weights: Weights = STATQUEST) -> Decimal:
    return unroll(list(inputs), weights).prediction


# --- Why sequences --------------------------------------------------------------------

ALL_AT_ONCE = {"D": 1, "H": 16, "O": 1, "T": 50}


@register("ex-sequences-all-at-once", kind="exercise", page="sequences.md")
def sequences_all_at_once() -> Example:
    D, H, O, T = ALL_AT_ONCE.values()
    wide = parameters.all_at_once_count(D, H, O, T)
    rnn = parameters.rnn_count(D, H, O)
    crossover = parameters.first_length_where_all_at_once_is_larger(D, H, O)
    at_crossover = parameters.all_at_once_count(D, H, O, crossover)
    before = parameters.all_at_once_count(D, H, O, crossover - 1)
    return exercise(
        "ex-sequences-all-at-once", page="sequences.md", type="numeric",
        title="Reading every day at once",
        question=(f"A feed-forward network reads {T} daily prices side by side (one input per day), has "
                  f"H = {H} hidden units and one output. An RNN with the same {H} hidden units reads the "
                  f"prices one day at a time. How many parameters (weights and biases) does each need? "
                  f"From which sequence length T on does the all-at-once network need more than the RNN?"),
        answer=(f"All at once: {H} {TIMES} {T} input weights + {H} hidden biases + {H} output weights "
                f"+ 1 output bias = **{wide}**, and every extra day adds {H} more.\n\n"
                f"RNN: Wₕₓ ({H} {TIMES} {D}) + Wₕₕ ({H} {TIMES} {H}) + bₕ ({H}) + W_yh ({O} {TIMES} {H}) "
                f"+ b_y ({O}) = {bare(rnn)} = **{rnn.total}**, for any length.\n\n"
                f"The all-at-once network needs {before} at T = {crossover - 1}"
                f"{' (a tie)' if before == rnn.total else ''} and {at_crossover} at "
                f"T = {crossover}: from **T = {crossover}** on it is the larger one. The RNN pays once for "
                f"its {H} {TIMES} {H} recurrent matrix; the wide network pays for every day, and it cannot "
                f"read a sequence of any other length at all."),
        value=[wide, rnn.total, crossover],
        display=f"{wide} against {rnn.total}; larger from T = {crossover}",
        expression=f"all at once: H·T·D + H + O·H + O = {wide}; RNN: {parameters.FORMULA} = {rnn.total}",
        sources=("001",), details={**ALL_AT_ONCE, "crossover": crossover},
    )


@register("ex-sequences-shapes", kind="exercise", page="sequences.md")
def sequences_shapes() -> Example:
    return exercise(
        "ex-sequences-shapes", page="sequences.md", type="conceptual",
        title="Which shape?",
        question=("Name the shape (one-to-one, one-to-many, many-to-one or many-to-many) of each task: "
                  "(a) flag a bank transaction as fraud from the customer's last 30 transactions; "
                  "(b) turn a spoken sentence into text; (c) write a caption for a photo; "
                  "(d) tell whether a photo shows a cat."),
        answer=("(a) **Many-to-one**: a sequence goes in, one verdict comes out, like the StatLand "
                "forecast. (b) **Many-to-many** with different lengths: there are far more audio frames "
                "than words, so the network reads and writes at different rates. (c) **One-to-many**: one "
                "image in, a sequence of words out. (d) **One-to-one**: no sequence anywhere, a plain "
                "feed-forward (or convolutional) network does it."),
        value="many-to-one; many-to-many; one-to-many; one-to-one",
    )


@register("ex-sequences-long-medium", kind="exercise", page="sequences.md")
def sequences_long_medium() -> Example:
    values = predictions(STATQUEST, "medium", 50)
    first = ", ".join(show(v) for v in values[:6])
    w1, w2, w3, b2 = (Decimal(str(STATQUEST.w1)), Decimal(str(STATQUEST.w2)), Decimal(str(STATQUEST.w3)),
                      Decimal(str(STATQUEST.b2)))
    drive = MEDIUM_DEC * w1
    settled_y = drive / (1 - w2)
    settled = settled_y * w3 + b2
    last = values[-1]
    return exercise(
        "ex-sequences-long-medium", page="sequences.md", type="predict",
        title="Fifty Medium days",
        question=("The StatLand network reads a price that is Medium every day. Before you compute "
                  "anything, guess: as the sequence grows from 1 to 50 days, does the prediction keep "
                  "growing, keep shrinking, swing back and forth for ever, or settle? Then check: in the "
                  "[Playground](playground.md), choose the pattern *Medium every day*, keep "
                  f"w₂ = {show(w2)} and move the number of unrolls T."),
        answer=(f"It swings and then settles. For T = 1 to 6 the predictions are {first}: each day the "
                f"loop subtracts half of yesterday's y, so an overshoot is followed by an undershoot that "
                f"is half as large. The swings die out at the value where y stops changing, "
                f"y = {show(drive)} + ({show(w2)}) y, that is y = {show(drive)}/{show(1 - w2)} = "
                f"{show(settled_y)}, and a prediction of {show(settled_y)} {TIMES} {show(w3)} = "
                f"**{show(settled)}**. At T = 50 the prediction is {four_digits(last)} to four "
                f"significant digits. A sequence of any length gets an answer, and very old days hardly "
                f"matter: the behaviour a fixed-size network cannot give."),
        value=[values[:6], settled],
        display=f"settles at {show(settled)} after damped swings",
        details={"predictions_50": last},
    )


MEDIUM_DEC = Decimal(str(MEDIUM))

# --- Many architectures, few principles ------------------------------------------------

IMAGE, KERNEL = 8, 3


@register("ex-architectures-conv-weights", kind="exercise", page="architectures.md")
def architectures_conv_weights() -> Example:
    layer = cnn.layer_weights(IMAGE, KERNEL)
    side = cnn.output_size(IMAGE, KERNEL)
    return exercise(
        "ex-architectures-conv-weights", page="architectures.md", type="numeric",
        title="A 3×3 filter on an 8×8 image",
        question=(f"A {KERNEL}×{KERNEL} filter slides over an {IMAGE}×{IMAGE} grey-scale image with stride 1 "
                  f"and no padding. How many outputs does it produce? How many weights would a layer need "
                  f"with a separate {KERNEL}×{KERNEL} filter at every position (untied), how many with one "
                  f"shared filter, and how many if every output were connected to every pixel?"),
        answer=(f"The filter fits at {IMAGE} {MINUS} {KERNEL} + 1 = {side} positions along each side, so "
                f"{side} {TIMES} {side} = **{layer['positions']}** outputs. Untied: {layer['positions']} "
                f"{TIMES} {KERNEL * KERNEL} = **{layer['local']}** weights. Shared: **{layer['convolution']}**. "
                f"Fully connected: {layer['positions']} {TIMES} {IMAGE * IMAGE} = "
                f"**{grouped(layer['fully_connected'])}** (biases left out throughout)."),
        value=[layer["positions"], layer["local"], layer["convolution"], layer["fully_connected"]],
        display=f"{layer['positions']} outputs; {layer['local']}, {layer['convolution']}, "
                f"{grouped(layer['fully_connected'])} weights",
        sources=("000",), details=layer,
    )


@register("ex-architectures-assumptions", kind="exercise", page="architectures.md")
def architectures_assumptions() -> Example:
    return exercise(
        "ex-architectures-assumptions", page="architectures.md", type="conceptual",
        title="What weight tying assumes",
        question=("A convolution uses the same filter at every position of an image; an RNN uses the same "
                  "weights at every step of a sequence. What does each choice assume about the data, and "
                  "name a case where that assumption is wrong."),
        answer=("The convolution assumes that a pattern means the same wherever it appears: an edge is an "
                "edge in the corner and in the middle. The RNN assumes that the rule for combining today's "
                "input with the memory of the past is the same every day. Both assumptions cut the number "
                "of weights and let the network generalise from one position or step to the others. They "
                "fail when position matters: in a photo of a form, the box at the top holds the name and "
                "the one at the bottom the signature; in a series with a calendar effect, the rule on a "
                "Monday differs from the rule on a Friday unless the day is given as an input."),
        value="same meaning at every position; same update rule at every step",
        sources=("000",),
    )


DOUBLED = {"D": 3, "O": 1, "H": (16, 32)}


@register("ex-architectures-double-h", kind="exercise", page="architectures.md")
def architectures_double_h() -> Example:
    D, O = DOUBLED["D"], DOUBLED["O"]
    small, large = (parameters.rnn_count(D, H, O) for H in DOUBLED["H"])
    ratio = Decimal(large.total) / Decimal(small.total)
    return exercise(
        "ex-architectures-double-h", page="architectures.md", type="predict",
        title="Twice the hidden units",
        question=(f"An RNN with D = {D} inputs, one output and H = {DOUBLED['H'][0]} hidden units gets "
                  f"H = {DOUBLED['H'][1]} instead. Guess first: does its parameter count double, more than "
                  f"double, or less? Then check in a notebook with "
                  f"`rnncore.parameters.rnn_count({D}, {DOUBLED['H'][1]}, {O})`."),
        answer=(f"More than double: {small.terms} becomes {bare(large)} = **{grouped(large.total)}**, "
                f"{round(ratio, 2)} times as many. The recurrent matrix Wₕₕ has H {TIMES} H entries, so "
                f"it grows four-fold and dominates; the parts that are linear in H only double."),
        value=[small.total, large.total],
        display=f"{small.total} → {grouped(large.total)}",
        sources=("001", "004"),
    )


# --- The feedback loop ------------------------------------------------------------------

@register("ex-feedback-one-day", kind="exercise", page="feedback-loop.md")
def feedback_one_day() -> Example:
    inputs = (HIGH,)
    return exercise(
        "ex-feedback-one-day", page="feedback-loop.md", type="numeric",
        title="A single High day",
        question=("The network sees a single day, High (1). Compute x, y and the prediction. What does the "
                  "feedback loop contribute?"),
        answer=(trace_lines(inputs) + "\n\nThe loop contributes nothing: on the first day there is no "
                "earlier y to feed back, so w₂ is never used. The prediction, "
                f"**{show(prediction(inputs))}**, is what a network without a loop would give."),
        value=prediction(inputs), display=show(prediction(inputs)), sources=("001",),
    )


@register("ex-feedback-low-first", kind="exercise", page="feedback-loop.md")
def feedback_low_first() -> Example:
    both, alone = prediction((LOW, MEDIUM)), prediction((MEDIUM,))
    first = unroll([LOW]).steps[0]
    if both != alone:
        raise AssertionError("a Low first day should leave nothing in the loop")
    return exercise(
        "ex-feedback-low-first", page="feedback-loop.md", type="conceptual",
        title="A Low first day leaves no trace",
        question=("Explain, without computing the second day in full, why the sequence Low, Medium gets "
                  "the same prediction as the single day Medium. Would that still hold if the first "
                  "day's x were negative, say because b₁ were negative?"),
        answer=(f"On a Low day the input is 0, so x₁ = {first.x_arithmetic} and y₁ = {show(first.y)}. "
                f"The loop carries y₁ {TIMES} w₂ = {show(first.feedback)} into the second day, which "
                f"therefore computes exactly what it would on its own: both predictions are "
                f"**{show(alone)}**. A negative x₁ gives the same result: ReLU turns it into y₁ = 0 "
                f"before it enters the loop. Only a positive first-day y leaves a trace."),
        value=[both, alone], display=f"both {show(alone)}", sources=("001",),
    )


POSITIVE_W2 = Weights(w2=0.5)


@register("ex-feedback-positive-w2", kind="exercise", page="feedback-loop.md")
def feedback_positive_w2() -> Example:
    seqs = ((HIGH, MEDIUM), (LOW, MEDIUM))
    before = {s: prediction(s) for s in seqs}
    after = {s: prediction(s, POSITIVE_W2) for s in seqs}
    hm, lm = seqs
    return exercise(
        "ex-feedback-positive-w2", page="feedback-loop.md", type="predict",
        title="Flip the sign of w₂",
        question=(f"Change w₂ from {show(STATQUEST.w2)} to {show(POSITIVE_W2.w2)} and keep the other "
                  f"weights. Predict, for High, Medium and for Low, Medium, whether the prediction goes up, "
                  f"goes down or stays. Then check in the [Playground](playground.md): pattern "
                  f"*High, then Medium every day after*, w₂ = {show(POSITIVE_W2.w2)}, T = 2."),
        answer=(f"High, Medium goes **up**, from {show(before[hm])} to **{show(after[hm])}**:\n\n"
                f"{trace_lines(hm, POSITIVE_W2)}\n\nThe first day's y now adds to the second day "
                f"instead of cancelling it. Low, Medium **stays** at {show(after[lm])}: its first y is 0, "
                f"and 0 times any w₂ is 0."),
        value=[before[hm], after[hm], before[lm], after[lm]],
        display=f"High, Medium: {show(before[hm])} → {show(after[hm])}; Low, Medium stays {show(after[lm])}",
        sources=("001",),
    )


# --- StatLand step by step ---------------------------------------------------------------

@register("ex-statland-medium-high", kind="exercise", page="statland.md")
def statland_medium_high() -> Example:
    inputs = (MEDIUM, HIGH)
    return exercise(
        "ex-statland-medium-high", page="statland.md", type="numeric",
        title="Medium, then High",
        question=f"Unroll the network by hand for the two days {named(inputs)} and give its prediction.",
        answer=trace_lines(inputs) + f"\n\nThe prediction is **{show(prediction(inputs))}**.",
        value=prediction(inputs), display=show(prediction(inputs)), sources=("001", "002"),
    )


@register("ex-statland-reset", kind="exercise", page="statland.md")
def statland_reset() -> Example:
    inputs = (HIGH, LOW, HIGH)
    alone = prediction((HIGH,))
    return exercise(
        "ex-statland-reset", page="statland.md", type="numeric",
        title="High, Low, High",
        question=(f"Compute the prediction for the three days {named(inputs)}. Which earlier single-day "
                  f"sequence gives the same prediction, and why?"),
        answer=(trace_lines(inputs) + f"\n\nThe prediction is **{show(prediction(inputs))}**, the same as "
                f"for the single day High ({show(alone)}): the Low day's x is negative, ReLU turns it into "
                f"0, and the loop hands 0 to the third day. Everything before the Low day is forgotten."),
        value=prediction(inputs), display=show(prediction(inputs)), sources=("001", "002"),
        details={"single_high": alone},
    )


@register("ex-statland-third-high", kind="exercise", page="statland.md")
def statland_third_high() -> Example:
    two, three = prediction((HIGH, HIGH)), prediction((HIGH, HIGH, HIGH))
    return exercise(
        "ex-statland-third-high", page="statland.md", type="predict",
        title="One more High day",
        question=(f"High, High predicts {show(two)}. Guess whether a third High day raises or lowers the "
                  f"prediction, then check: unroll it by hand, or in the [Playground](playground.md) choose "
                  f"*High every day* and T = 3."),
        answer=(trace_lines((HIGH, HIGH, HIGH)) + f"\n\nIt rises, to **{show(three)}**. With w₂ = "
                f"{show(STATQUEST.w2)} the loop subtracts half of the day before: the second day was "
                f"held down by a large first y, so its y is small, and it holds the third day down only a "
                f"little. Predictions for ever longer High runs go up and down around a settling value."),
        value=[two, three], display=f"{show(two)} → {show(three)}", sources=("001", "002"),
    )


# --- Unrolling and shared weights ---------------------------------------------------------

SIZES = {"D": 10, "H": 32, "O": 2}
UNTIED_T = 100


@register("ex-unrolling-count", kind="exercise", page="unrolling.md")
def unrolling_count() -> Example:
    count = parameters.rnn_count(**SIZES)
    D, H, O = SIZES.values()
    return exercise(
        "ex-unrolling-count", page="unrolling.md", type="numeric",
        title="Parameters of a bigger RNN",
        question=(f"A vanilla RNN reads vectors of D = {D} numbers, keeps H = {H} hidden units and "
                  f"outputs O = {O} numbers at each step. How many parameters does it have, and how many "
                  f"after unrolling it over {UNTIED_T} steps?"),
        answer=(f"{parameters.FORMULA} = {bare(count)} = **{grouped(count.total)}**. Unrolling makes "
                f"{UNTIED_T} copies that share these same arrays, so the count stays "
                f"**{grouped(count.total)}**."),
        value=count.total, display=grouped(count.total), sources=("001", "004"), details=count.parts,
    )


@register("ex-unrolling-untied", kind="exercise", page="unrolling.md")
def unrolling_untied() -> Example:
    tied = parameters.unrolled_count(**SIZES, T=UNTIED_T)
    untied = parameters.unrolled_count(**SIZES, T=UNTIED_T, tied=False)
    return exercise(
        "ex-unrolling-untied", page="unrolling.md", type="numeric",
        title="If the copies did not share",
        question=(f"Suppose each of the {UNTIED_T} copies of the previous exercise's RNN had weights of its "
                  f"own. How many parameters would that be, and what could such a network not do that the "
                  f"real RNN can?"),
        answer=(f"{UNTIED_T} {TIMES} {grouped(tied)} = **{grouped(untied)}**. Beyond the size, it could only read sequences "
                f"of exactly {UNTIED_T} steps (there are no weights for step {UNTIED_T + 1}), and what it "
                f"learns about a pattern at step 3 would not carry over to the same pattern at step 70."),
        value=untied, display=grouped(untied), sources=("001", "002"),
    )


@register("ex-unrolling-first-copy", kind="exercise", page="unrolling.md")
def unrolling_first_copy() -> Example:
    trace = unroll([HIGH, MEDIUM])
    as_if = unroll([LOW, HIGH, MEDIUM])
    if as_if.prediction != trace.prediction:
        raise AssertionError("a leading Low day should act as a zero initial state")
    return exercise(
        "ex-unrolling-first-copy", page="unrolling.md", type="conceptual",
        title="The first copy has no loop",
        question=("In the unrolled picture the first copy has no arrow coming in from the left, while "
                  "every later copy has one. Is the first copy a different network? How can you write all "
                  "copies with one formula?"),
        answer=("It is the same network. Give it an initial state y₀ = 0: then the first copy computes "
                "x₁ = input₁ × w₁ + y₀ × w₂ + b₁ = input₁ × w₁ + b₁, exactly what the picture shows, and "
                "every copy follows xₜ = inputₜ × w₁ + yₜ₋₁ × w₂ + b₁. The StatQuest network even "
                "lets you see y₀ = 0 at work: prepending a Low day (whose y is 0) changes nothing, and "
                f"Low, High, Medium predicts {show(as_if.prediction)}, the same as High, Medium. Vector "
                "RNNs start from h₀ = 0 in the same way, unless h₀ is learnt."),
        value=[as_if.prediction, trace.prediction], display="the same cell with y₀ = 0",
        sources=("001", "002"),
    )


# --- Fourth exercises: each chapter gets all three kinds -------------------------------------

@register("ex-statland-sign", kind="exercise", page="statland.md")
def statland_sign() -> Example:
    hm, lm = (HIGH, MEDIUM), (LOW, MEDIUM)
    second = unroll(list(hm)).steps[1]
    return exercise(
        "ex-statland-sign", page="statland.md", type="conceptual",
        title="Why a High day pulls the forecast down",
        question=("High, Medium predicts Low, while Low, Medium predicts High, although both end on the "
                  "same Medium day. Explain the difference in one or two sentences, pointing at the weight "
                  "responsible."),
        answer=(f"The feedback weight w₂ = {show(STATQUEST.w2)} is negative, so yesterday's y is "
                f"*subtracted* from today's x. After a High day y₁ is large, and it cancels the Medium "
                f"day's input exactly: x₂ = {second.x_arithmetic}, prediction "
                f"**{show(prediction(hm))}**. After a Low day y₁ = 0, nothing is subtracted, and the "
                f"Medium day alone gives **{show(prediction(lm))}**. The network has learnt that prices "
                f"in StatLand tend to turn: a high day makes a high tomorrow less likely."),
        value=[prediction(hm), prediction(lm)],
        display=f"{show(prediction(hm))} and {show(prediction(lm))}: the negative w₂", sources=("001", "002"),
    )


@register("ex-unrolling-one-more-copy", kind="exercise", page="unrolling.md")
def unrolling_one_more_copy() -> Example:
    two, three = prediction((MEDIUM, MEDIUM)), prediction((MEDIUM, MEDIUM, MEDIUM))
    count = {T: parameters.statquest_count(T) for T in (2, 3)}
    return exercise(
        "ex-unrolling-one-more-copy", page="unrolling.md", type="predict",
        title="One more copy",
        question=("The network has read Medium, Medium. A third Medium day arrives, and the unrolled "
                  "picture gains a copy. Predict: how many parameters does the network have now, and does "
                  "the prediction go up or down? Then check in the [Playground](playground.md) with "
                  "*Medium every day*, T = 2 and T = 3."),
        answer=(f"Still **{count[3]}** parameters: the new copy reuses w₁, b₁, w₂, w₃ and b₂. The "
                f"prediction goes **up**, from {show(two)} to {show(three)}: the second day's y was pushed "
                f"down by the first day, so it pushes the third day down less."),
        value=[count[2], count[3], two, three], display=f"{count[3]} parameters; {show(two)} → {show(three)}",
        sources=("001", "002"),
    )
