"""Exercises for the Gradients chapters: every number in a question or an answer is
computed here (seeds 003, 004)."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np

from .. import rnn
from .. import statquest_gradients as sg
from ..activations import gamma
from ..clipping import clip_elementwise, clip_norm_exact, global_norm
import sys

from ..exact import MINUS, exact, TIMES, fraction_grouped, fraction_text, readable, scientific_rounded, show, superscript
from ..memory import steps_until
from ..playground import jacobian_norms
from ..powers import float_overflow_exponent, power
from ..rnn import spectral_norm
from . import Example, exercise, register

STATQUEST = {"w1": 1.8, "b1": 0.0, "w2": -0.5, "w3": 1.1, "b2": 0.0}


def decimal_of(value: Fraction) -> Decimal:
    """A fraction with a finite decimal expansion (all of them here), as that decimal."""
    result = exact(lambda a, b: a / b, Decimal(value.numerator), Decimal(value.denominator))
    if Fraction(result) != value:
        raise ValueError(f"{value} has no short finite decimal expansion")
    return result


def signed(value) -> str:
    return show(value).replace("-", MINUS)


# --- Training and BPTT -------------------------------------------------------------------

STEP_INPUTS, STEP_TARGETS, STEP_ETA = [[0.0, 0.5]], [1.0], 0.1


@register("ex-training-one-step", kind="exercise", page="training.md")
def training_one_step() -> Example:
    run = sg.forward(STATQUEST, STEP_INPUTS, STEP_TARGETS, exact=True)
    grads = sg.backward(STATQUEST, run).gradients
    eta = sg.exact_number(STEP_ETA)
    pred, y2 = run.predicted[0], run.y[0, -1]
    residual = pred - sg.exact_number(STEP_TARGETS[0])
    new = {n: sg.exact_number(STATQUEST[n]) - eta * grads[n] for n in ("w3", "b2")}
    d = {k: decimal_of(v) for k, v in {"pred": pred, "y2": y2, "r": residual, "gw3": grads["w3"],
                                         "gb2": grads["b2"], **new}.items()}
    return exercise(
        "ex-training-one-step", page="training.md", type="numeric",
        title="One gradient-descent step on one sequence",
        question=(f"Train on the single sequence Low, Medium with target High (1) and the StatQuest "
                  f"weights. Its loss is ℓ = (prediction {MINUS} target)². With learning rate η = "
                  f"{show(STEP_ETA)}, what are w₃ and b₂ after one step of gradient descent?"),
        answer=(f"The prediction is {show(d['pred'])} with y₂ = {show(d['y2'])}, so the residual is "
                f"{signed(d['r'])}. The output is y₂ {TIMES} w₃ + b₂, hence\n\n"
                f"- ∂ℓ/∂w₃ = 2 {TIMES} ({signed(d['r'])}) {TIMES} {show(d['y2'])} = {signed(d['gw3'])}, "
                f"new w₃ = {show(STATQUEST['w3'])} {MINUS} {show(STEP_ETA)} {TIMES} ({signed(d['gw3'])}) = "
                f"**{show(d['w3'])}**\n"
                f"- ∂ℓ/∂b₂ = 2 {TIMES} ({signed(d['r'])}) = {signed(d['gb2'])}, new b₂ = "
                f"{show(STATQUEST['b2'], keep=True)} {MINUS} {show(STEP_ETA)} {TIMES} ({signed(d['gb2'])}) = "
                f"**{show(d['b2'])}**\n\n"
                f"The prediction was a little low, so both weights move up a little."),
        value=[d["w3"], d["b2"]], display=f"w₃ = {show(d['w3'])}, b₂ = {show(d['b2'])}",
        sources=("004",), details={"gradients": {n: decimal_of(g) for n, g in grads.items()}},
    )


CHECK_H = 0.01


@register("ex-training-central-difference", kind="exercise", page="training.md")
def training_central_difference() -> Example:
    h = sg.exact_number(CHECK_H)
    w3 = sg.exact_number(STATQUEST["w3"])

    def loss(value) -> Fraction:
        return sg.ssr({**STATQUEST, "w3": value}, STEP_INPUTS, STEP_TARGETS, exact=True)

    up, down = loss(w3 + h), loss(w3 - h)
    central = (up - down) / (2 * h)
    exact_gradient = sg.gradients(STATQUEST, STEP_INPUTS, STEP_TARGETS, exact=True)["w3"]
    if central != exact_gradient:
        raise AssertionError("for a loss quadratic in w3 the central difference is exact")
    return exercise(
        "ex-training-central-difference", page="training.md", type="numeric",
        title="A central difference that is exact",
        question=(f"For the sequence and target of the previous exercise, compute the central difference "
                  f"(ℓ(w₃ + h) {MINUS} ℓ(w₃ {MINUS} h)) / (2h) with h = {show(CHECK_H)}, and compare it "
                  f"with ∂ℓ/∂w₃. Why do they agree exactly here, when a gradient check usually agrees "
                  f"only to several digits?"),
        answer=(f"ℓ({show(decimal_of(w3 + h))}) = {show(decimal_of(up))} and ℓ({show(decimal_of(w3 - h))}) = "
                f"{show(decimal_of(down))}, so the central difference is ({show(decimal_of(up))} {MINUS} "
                f"{show(decimal_of(down))}) / {show(decimal_of(2 * h))} = **{signed(decimal_of(central))}**, "
                f"exactly ∂ℓ/∂w₃. The loss is a parabola in w₃ (the prediction is linear in w₃, and the "
                f"loss squares it), and for a parabola the central difference is exact for every h: the "
                f"error of a central difference comes from the third and higher derivatives, which are "
                f"zero here. For w₁ or w₂ the prediction passes through ReLU and the loop, and the check "
                f"agrees only approximately."),
        value=central, display=signed(decimal_of(central)), sources=("004",),
    )


@register("ex-training-why-sum", kind="exercise", page="training.md")
def training_why_sum() -> Example:
    return exercise(
        "ex-training-why-sum", page="training.md", type="conceptual",
        title="Why the gradient is a sum over time",
        question=("The gradient of the loss with respect to w₁ is a sum with one term per day. Where does "
                  "the sum come from, when the network has only one w₁?"),
        answer=("Unrolled over T days, the network uses w₁ T times, once in every copy. Picture giving "
                "each copy its own variable w₁⁽ᵗ⁾ that happens to equal w₁: nudging w₁ nudges all of them at "
                "once, and by the chain rule the change in the loss is the sum of the changes caused "
                "through each copy, Σₜ ∂ℓ/∂w₁⁽ᵗ⁾. Each term is itself a product of factors that carries "
                "the effect of day t forward to the prediction; for early days that product is long, "
                "which is where exploding and vanishing gradients come from."),
        value="w₁ is used once per copy; the chain rule adds the copies' contributions",
        sources=("003", "004"),
    )


# --- Exploding gradients ----------------------------------------------------------------------

@register("ex-exploding-power", kind="exercise", page="exploding.md")
def exploding_power() -> Example:
    p = power(1.5, 20)
    return exercise(
        "ex-exploding-power", page="exploding.md", type="numeric",
        title="A modest weight, twenty steps",
        question=("w₂ = 1.5 looks harmless. What is w₂²⁰, the factor that carries the first input of a "
                  "21-day sequence to the prediction (21 days, 20 squiggles)?"),
        answer=(f"{p.expression()} = (3/2)²⁰ = {fraction_grouped(p.exact)} = **{readable(p.exact, 6)}**: "
                f"twenty unremarkable steps multiply by more than three thousand."),
        value=p.exact, display=readable(p.exact, 6), sources=("004",),
    )


@register("ex-exploding-overflow", kind="exercise", page="exploding.md")
def exploding_overflow() -> Example:
    n2, n15 = float_overflow_exponent(2), float_overflow_exponent(1.5)
    return exercise(
        "ex-exploding-overflow", page="exploding.md", type="numeric",
        title="When float64 gives up",
        question=(f"A 64-bit float holds numbers up to about {scientific_rounded(sys.float_info.max, 2)}. "
                  f"For w₂ = 2, what is the "
                  f"smallest T at which w₂ᵀ no longer fits? And for w₂ = 1.5?"),
        answer=(f"2ᵀ overflows first at **T = {n2}** (2{superscript(n2 - 1)} still fits, 2{superscript(n2)} is too large), and 1.5ᵀ at "
                f"**T = {n15}**. Long before that, a gradient descent step would have thrown the weights far "
                f"away: overflow is the last symptom, not the first."),
        value=[n2, n15], display=f"{n2} and {n15}", sources=("004",),
    )


GROWTH_W2, GROWTH_LIMIT = Fraction(6, 5), 1000


def first_step_above(base: Fraction, limit: int) -> int:
    n, value = 0, Fraction(1)
    while value <= limit:
        n += 1
        value *= base
    return n


@register("ex-exploding-slow-growth", kind="exercise", page="exploding.md")
def exploding_slow_growth() -> Example:
    n = first_step_above(GROWTH_W2, GROWTH_LIMIT)
    before, at = power(GROWTH_W2, n - 1), power(GROWTH_W2, n)
    return exercise(
        "ex-exploding-slow-growth", page="exploding.md", type="predict",
        title="How long until a thousand?",
        question=(f"With w₂ = {show(float(GROWTH_W2))}, guess how many squiggles n it takes for |w₂|ⁿ to pass "
                  f"{GROWTH_LIMIT}: about 10, about 40, or more than 100? Then check in the "
                  f"[Playground](playground.md) with w₂ = {show(float(GROWTH_W2))}, moving the number of days "
                  f"until the curve |w₂|ᵗ⁻¹ crosses 10³ (n squiggles is day t = n + 1)."),
        answer=(f"**n = {n}** squiggles (day {n + 1} in the Playground): {before.expression()} ≈ {readable(before.exact, 4)} is still below "
                f"{GROWTH_LIMIT}, {at.expression()} ≈ {readable(at.exact, 4)} is above. Each step adds the "
                f"same amount to the logarithm, log₁₀ {show(float(GROWTH_W2))} ≈ "
                f"{readable(at.log10 / n, 3)}, so three orders of magnitude take about 3 / "
                f"{readable(at.log10 / n, 3)} steps. Many sequences are longer than that."),
        value=n, display=f"n = {n}", sources=("004",),
    )


# --- Vanishing gradients --------------------------------------------------------------------

@register("ex-vanishing-power", kind="exercise", page="vanishing.md")
def vanishing_power() -> Example:
    p = power(0.9, 50)
    return exercise(
        "ex-vanishing-power", page="vanishing.md", type="numeric",
        title="Close to one is not enough",
        question=("w₂ = 0.9 is close to 1. What share of the first input's effect is left after 50 squiggles "
                  "(the first day of a 51-day sequence), 0.9⁵⁰?"),
        answer=(f"{p.expression()} ≈ **{readable(p.exact, 3)}**, about one two-hundredth: even a weight "
                f"this close to 1 wipes out the contribution of an input 50 steps back to the gradient."),
        value=p.exact, display=readable(p.exact, 3), sources=("004",),
    )


SIGMOID_W2, SIGMOID_T = 2, 30


@register("ex-vanishing-sigmoid", kind="exercise", page="vanishing.md")
def vanishing_sigmoid() -> Example:
    g = gamma("sigmoid")
    rate = g * SIGMOID_W2
    total = rate ** SIGMOID_T
    return exercise(
        "ex-vanishing-sigmoid", page="vanishing.md", type="numeric",
        title="Vanishing with w₂ > 1",
        question=(f"A one-unit RNN uses the sigmoid instead of ReLU, with w₂ = {SIGMOID_W2}. Each step back "
                  f"multiplies the gradient by σ′(x) {TIMES} w₂, and σ′ is never larger than "
                  f"{fraction_text(g)}. At most how large is the factor over {SIGMOID_T} steps?"),
        answer=(f"Per step at most {fraction_text(g)} {TIMES} {SIGMOID_W2} = {fraction_text(rate)}, so over "
                f"{SIGMOID_T} steps at most ({fraction_text(rate)}){superscript(SIGMOID_T)} = "
                f"{fraction_grouped(total)} ≈ **{scientific_rounded(total)}**. A recurrent weight above 1 "
                f"does not save the gradient when the activation's slope is small: that is the second "
                f"cause of vanishing on this page."),
        value=total, display=scientific_rounded(total), sources=("004",),
    )


@register("ex-vanishing-learning-rate", kind="exercise", page="vanishing.md")
def vanishing_learning_rate() -> Example:
    share = power(0.5, 50)
    return exercise(
        "ex-vanishing-learning-rate", page="vanishing.md", type="conceptual",
        title="Why not a bigger learning rate?",
        question=("The gradient's term from the first of 50 inputs is tiny. Why can't you make up for it "
                  "by multiplying the learning rate by a huge number?"),
        answer=(f"The learning rate scales the whole gradient, not one term. The terms from recent inputs "
                f"are not tiny, and the ratio between them stays what it was (with w₂ = 0.5 the factor of "
                f"a 50-step term is {share.expression()} ≈ {scientific_rounded(share.exact)}, against 0.5 for "
                f"a 1-step term). A learning rate large enough to "
                f"move the weights by the old input's term would make the step along the recent terms so "
                f"large that gradient descent jumps far past any minimum. The network still learns the "
                f"short-range pattern and ignores the long one; what it needs is a path along which old "
                f"information is not multiplied down, which is what gated cells provide."),
        value="the learning rate scales every term alike; the ratio between old and recent terms stays",
        sources=("004",),
    )


# --- Activations and the bound ---------------------------------------------------------------

BOUND_GAMMA, BOUND_LAMBDA, BOUND_DISTANCE = "sigmoid", 3, 10


@register("ex-bound-value", kind="exercise", page="bound.md")
def bound_value() -> Example:
    g = gamma(BOUND_GAMMA)
    rate = g * BOUND_LAMBDA
    total = rate ** BOUND_DISTANCE
    tanh_rate = gamma("tanh") * BOUND_LAMBDA
    return exercise(
        "ex-bound-value", page="bound.md", type="numeric",
        title="The bound for a sigmoid network",
        question=(f"A sigmoid RNN's recurrent matrix has largest singular value λ = {BOUND_LAMBDA}. What "
                  f"does the bound say about ‖∂hₜ/∂hₖ‖ for t {MINUS} k = {BOUND_DISTANCE}? What would it "
                  f"say for tanh with the same λ?"),
        answer=(f"Sigmoid: γ = {fraction_text(g)}, γλ = {fraction_text(rate)}, so the norm is at most "
                f"({fraction_text(rate)}){superscript(BOUND_DISTANCE)} = {fraction_grouped(total)} ≈ "
                f"**{readable(total, 3)}**, and it must keep falling with distance: vanishing is certain. "
                f"tanh: γλ = {fraction_text(tanh_rate)} > 1, the bound grows as "
                f"{fraction_text(tanh_rate)}ᵗ⁻ᵏ and rules nothing out; the gradient may explode, "
                f"but it need not."),
        value=total, display=readable(total, 3), sources=("004",),
    )


JACOBIAN_W = [[0.0, 0.8], [0.5, 0.0]]
JACOBIAN_SLOPES = [0.5, 1.0]


@register("ex-bound-jacobian-norm", kind="exercise", page="bound.md")
def bound_jacobian_norm() -> Example:
    W = np.array(JACOBIAN_W)
    J = np.diag(JACOBIAN_SLOPES) @ W
    lam, norm = spectral_norm(W), spectral_norm(J)
    lam_r, norm_r = round(lam, 10), round(norm, 10)
    return exercise(
        "ex-bound-jacobian-norm", page="bound.md", type="numeric",
        title="One Jacobian by hand",
        question=(f"A two-unit tanh RNN has Wₕₕ = [[0, {show(JACOBIAN_W[0][1])}], "
                  f"[{show(JACOBIAN_W[1][0])}, 0]], and at one step the slopes are tanh′(z) = "
                  f"({show(JACOBIAN_SLOPES[0])}, {show(JACOBIAN_SLOPES[1])}). Compute the step's Jacobian "
                  f"diag(tanh′(z)) Wₕₕ and its spectral norm, and compare with the bound γλ."),
        answer=(f"diag({show(JACOBIAN_SLOPES[0])}, {show(JACOBIAN_SLOPES[1])}) scales the rows: J = "
                f"[[0, {show(J[0, 1])}], [{show(J[1, 0])}, 0]]. A matrix with a single non-zero entry in each "
                f"row and column only swaps and stretches the axes, so its singular values are the absolute entries: "
                f"‖J‖ = **{show(norm_r)}**. For Wₕₕ the same reasoning gives λ = {show(lam_r)}, and "
                f"γ = 1 for tanh, so the bound is γλ = {show(lam_r)}. The Jacobian is smaller than the "
                f"bound because the slope {show(JACOBIAN_SLOPES[0])} damps the row that holds Wₕₕ's "
                f"largest entry."),
        value=[norm_r, lam_r], display=f"‖J‖ = {show(norm_r)} ≤ γλ = {show(lam_r)}", sources=("003", "004"),
    )


PREDICT_GAMMA, PREDICT_LAMBDA = 1, 3


@register("ex-bound-saturation", kind="exercise", page="bound.md")
def bound_saturation() -> Example:
    run = jacobian_norms(PREDICT_GAMMA, PREDICT_LAMBDA)
    n = len(run.measured)
    first, tenth, last = run.measured[0], run.measured[9], run.measured[-1]
    if not last < first:
        raise AssertionError("the saturated tanh network's Jacobian norms should fall")
    return exercise(
        "ex-bound-saturation", page="bound.md", type="predict",
        title="A bound that grows, norms that do not",
        question=(f"In the [Playground](playground.md)'s second explorer, set γ = {PREDICT_GAMMA} (tanh) and "
                  f"λ = {PREDICT_LAMBDA}. The bound (γλ)ⁿ grows to {readable(run.bound(n), 3)} at n = {n}. "
                  f"Guess first: do the measured norms ‖∂hₙ/∂h₀‖ grow with it?"),
        answer=(f"No. The measured norm is {readable(first, 3)} after one step, {readable(tenth, 3)} after "
                f"ten and **{readable(last, 3)}** after {n}. With λ = {PREDICT_LAMBDA} the pre-activations "
                f"are large, tanh saturates and its slopes fall far below γ = 1, so each step's factor is "
                f"small even though Wₕₕ is large. The bound is an upper limit: γλ > 1 allows exploding, "
                f"it does not cause it."),
        value=[first, tenth, last], display=f"they fall: {readable(first, 3)} → {readable(last, 3)}",
        sources=("004",),
    )


# --- Remedies ----------------------------------------------------------------------------

CLIP_G, CLIP_THRESHOLD = [6, 8], 5


@register("ex-remedies-clip-norm", kind="exercise", page="remedies.md")
def remedies_clip_norm() -> Example:
    out = clip_norm_exact(CLIP_G, CLIP_THRESHOLD)
    clipped = ", ".join(fraction_text(c) for c in out["clipped"])
    return exercise(
        "ex-remedies-clip-norm", page="remedies.md", type="numeric",
        title="Clip a gradient by its norm",
        question=f"Clip the gradient ĝ = ({CLIP_G[0]}, {CLIP_G[1]}) by its norm with threshold {CLIP_THRESHOLD}.",
        answer=(f"‖ĝ‖ = √({CLIP_G[0]}² + {CLIP_G[1]}²) = {fraction_text(out['norm'])} > {CLIP_THRESHOLD}, so "
                f"ĝ is scaled by {CLIP_THRESHOLD}/{fraction_text(out['norm'])} = "
                f"{fraction_text(out['factor'])}: **({clipped})**, norm {fraction_text(out['norm_after'])}, "
                f"same direction."),
        value=out["clipped"], display=f"({clipped})", sources=("004",),
    )


@register("ex-remedies-elementwise", kind="exercise", page="remedies.md")
def remedies_elementwise() -> Example:
    g = {"g": np.array(CLIP_G, dtype=float)}
    clipped = clip_elementwise(g, CLIP_THRESHOLD)["g"]
    norm = global_norm({"g": clipped})
    cos = float(np.dot(clipped, g["g"]) / (np.linalg.norm(clipped) * np.linalg.norm(g["g"])))
    angle = float(np.degrees(np.arccos(cos)))
    return exercise(
        "ex-remedies-elementwise", page="remedies.md", type="numeric",
        title="Clip element by element instead",
        question=(f"Clip the same ĝ = ({CLIP_G[0]}, {CLIP_G[1]}) element by element, each entry to at most "
                  f"{CLIP_THRESHOLD} in size. What is the result, its norm, and does it point the same way?"),
        answer=(f"Both entries are capped: **({show(clipped[0])}, {show(clipped[1])})**, norm "
                f"{CLIP_THRESHOLD}√2 ≈ {round(norm, 2)}. It no longer points along ĝ: the angle between "
                f"them is about {round(angle, 1)}°, because the larger entry lost more. Element-wise "
                f"clipping bounds the step too, but it changes the direction; norm clipping keeps it."),
        value=[float(clipped[0]), float(clipped[1]), round(norm, 4), round(angle, 1)],
        display=f"({show(clipped[0])}, {show(clipped[1])}), turned by {round(angle, 1)}°", sources=("004",),
    )


@register("ex-remedies-clip-vanishing", kind="exercise", page="remedies.md")
def remedies_clip_vanishing() -> Example:
    return exercise(
        "ex-remedies-clip-vanishing", page="remedies.md", type="conceptual",
        title="Why clipping cannot fix vanishing",
        question="Gradient clipping tames exploding gradients. Explain why it does nothing for vanishing ones.",
        answer=("Clipping only ever shrinks: it rescales a gradient whose norm is above the threshold and "
                "leaves every other gradient as it is. A vanishing gradient is far below any threshold, so "
                "clipping passes it through unchanged. And even rescaling it up would not help: the "
                "problem is not the gradient's overall size but that its long-range terms are tiny next to "
                "its short-range ones, and a common factor cannot change that ratio. Vanishing needs a "
                "different architecture (gated cells such as the LSTM), careful initialisation, or a "
                "regulariser that keeps the Jacobians' norms near 1."),
        value="clipping only shrinks gradients above a threshold", sources=("004",),
    )


# --- Memory --------------------------------------------------------------------------------------

EMA_W2, EMA_BACK = Fraction(4, 5), 3


@register("ex-memory-ema-weight", kind="exercise", page="memory.md")
def memory_ema_weight() -> Example:
    w1 = 1 - EMA_W2
    weight = w1 * EMA_W2 ** EMA_BACK
    return exercise(
        "ex-memory-ema-weight", page="memory.md", type="numeric",
        title="The weight of an old input in a moving average",
        question=(f"A unit computes the moving average yₜ = (1 {MINUS} w₂) inputₜ + w₂ yₜ₋₁ with "
                  f"w₂ = {show(float(EMA_W2))}. With what weight does the input from {EMA_BACK} steps "
                  f"before the current one enter yₜ?"),
        answer=(f"Unrolling gives yₜ = (1 {MINUS} w₂)(inputₜ + w₂ inputₜ₋₁ + w₂² inputₜ₋₂ + …), so "
                f"the input {EMA_BACK} steps back has weight (1 {MINUS} w₂) w₂{superscript(EMA_BACK)} = "
                f"{show(float(w1))} {TIMES} {show(float(EMA_W2))}{superscript(EMA_BACK)} = **{show(decimal_of(weight))}**. "
                f"The current input has weight {show(float(w1))}; the weights fall by the factor w₂ per step."),
        value=weight, display=show(decimal_of(weight)),
    )


FADE_SHARE = Fraction(1, 100)


@register("ex-memory-one-percent", kind="exercise", page="memory.md")
def memory_one_percent() -> Example:
    n = steps_until(0.5, FADE_SHARE)
    return exercise(
        "ex-memory-one-percent", page="memory.md", type="numeric",
        title="Below one per cent",
        question=("With w₂ = 0.5, after how many steps has the first input's factor w₂ⁿ dropped to 1 % or "
                  "less?"),
        answer=(f"0.5{superscript(n - 1)} = 1/{2 ** (n - 1)} is still above 1/100, 0.5{superscript(n)} = 1/{2 ** n} "
                f"is below: "
                f"**n = {n}**."),
        value=n, display=str(n), sources=("004",),
    )


SLOW_W2 = 0.9


@register("ex-memory-slower-fade", kind="exercise", page="memory.md")
def memory_slower_fade() -> Example:
    fast, slow = steps_until(0.5, FADE_SHARE), steps_until(SLOW_W2, FADE_SHARE)
    return exercise(
        "ex-memory-slower-fade", page="memory.md", type="predict",
        title="A weight closer to one",
        question=(f"Now w₂ = {show(SLOW_W2)}. Guess the number of steps until the factor drops to 1 %: "
                  f"about twice the {fast} steps of w₂ = 0.5, or many more? Then check in the "
                  f"[Playground](playground.md): set w₂ = {show(SLOW_W2)} and find where the curve |w₂|ᵗ⁻¹ crosses 10⁻²."),
        answer=(f"Many more: **{slow} steps**, over {slow // fast} times as many. The number of steps is "
                f"log(0.01)/log(w₂), and log(w₂) shrinks towards 0 as w₂ approaches 1, so memory gets "
                f"longer ever faster as w₂ nears 1; at w₂ = 1 it never fades."),
        value=slow, display=f"{slow} steps", sources=("004",),
    )


# --- Fourth exercises: each chapter gets all three kinds -------------------------------------

RATES = ("0.1", "0.2", "1")


@register("ex-training-learning-rate", kind="exercise", page="training.md")
def training_learning_rate() -> Example:
    grads = sg.gradients(STATQUEST, STEP_INPUTS, STEP_TARGETS, exact=True)
    before = sg.ssr(STATQUEST, STEP_INPUTS, STEP_TARGETS, exact=True)
    after = {}
    for rate in RATES:
        eta = Fraction(rate)
        stepped = {n: sg.exact_number(STATQUEST[n]) - eta * grads[n] for n in sg.NAMES}
        after[rate] = sg.ssr(stepped, STEP_INPUTS, STEP_TARGETS, exact=True)
    small, medium, large = (after[r] for r in RATES)
    if not (medium < small < before < large):
        raise AssertionError("the learning-rate story no longer holds")
    listing = "; ".join(f"η = {r}: {readable(after[r], 3)}" for r in RATES)
    return exercise(
        "ex-training-learning-rate", page="training.md", type="predict",
        title="A bigger step",
        question=(f"Take one gradient-descent step on the sequence of exercise 1, updating all five "
                  f"weights, with η = {RATES[0]}, {RATES[1]} and {RATES[2]}. Guess first: does a larger η "
                  f"always lower the loss more? Then check in a notebook with "
                  f"`rnncore.statquest_gradients.gradients` and `ssr`."),
        answer=(f"The loss before the step is {readable(before, 3)}. After it: {listing}. Doubling η from "
                f"{RATES[0]} to {RATES[1]} helps, but η = {RATES[2]} overshoots: the loss ends "
                f"**{round(float(large / before))} times higher** than before the step. The gradient only "
                f"says which way is downhill here; a step long enough leaves the valley on the other side."),
        value=[before, small, medium, large],
        display="; ".join(f"η = {r}: {readable(after[r], 3)}" for r in RATES), sources=("004",),
    )


@register("ex-exploding-first-input", kind="exercise", page="exploding.md")
def exploding_first_input() -> Example:
    days, w2 = 51, 2
    first, last = power(w2, days - 1), power(w2, 0)
    return exercise(
        "ex-exploding-first-input", page="exploding.md", type="conceptual",
        title="Why the oldest input explodes",
        question=(f"With w₂ = {w2} and a prediction after {days} days, the gradient term that belongs to "
                  f"the first input is the huge one, not the term of the last input. Why the first?"),
        answer=(f"Day k's input reaches the prediction after passing through the loop once for each later "
                f"day, so its term carries w₂ raised to the number of days after it: "
                f"{first.expression()} = {first.exact_text()} for the first day, {last.expression()} = "
                f"{last.exact_text()} for the last. The oldest input has the longest path back, and the "
                f"repeated factor piles up along it. Gradients explode (or vanish) for long-range "
                f"dependencies, which is exactly where a recurrent network is needed."),
        value=[first.exact, last.exact], display=f"{first.expression()} against {last.expression()}",
        sources=("004",),
    )


@register("ex-vanishing-negative-w2", kind="exercise", page="vanishing.md")
def vanishing_negative_w2() -> Example:
    plus, minus = power(0.9, 50), power(-0.9, 50)
    odd = power(-0.9, 49)
    return exercise(
        "ex-vanishing-negative-w2", page="vanishing.md", type="predict",
        title="A negative weight",
        question=("Change w₂ from 0.9 to −0.9. Predict: does the first input's factor after 50 squiggles "
                  "vanish faster, slower or just as fast? Then check in the [Playground](playground.md): "
                  "w₂ = −0.9 with T = 50 and T = 51 days (49 and 50 squiggles)."),
        answer=(f"Just as fast. (−0.9)ⁿ has the size of 0.9ⁿ and a sign that flips at every step: "
                f"{minus.expression()} ≈ {readable(minus.exact, 3)}, the same as {plus.expression()}, and "
                f"{odd.expression()} ≈ {readable(odd.exact, 3)}. Only |w₂| decides whether a product of "
                f"copies of w₂ vanishes or explodes; a negative weight adds an alternating sign."),
        value=[plus.exact, minus.exact, odd.exact], display=f"the same size, {readable(minus.exact, 3)}",
        sources=("004",),
    )


@register("ex-bound-relu", kind="exercise", page="bound.md")
def bound_relu() -> Example:
    return exercise(
        "ex-bound-relu", page="bound.md", type="conceptual",
        title="The bound for ReLU",
        question=("For ReLU, γ = 1, as for tanh. What does a step's Jacobian diag(ReLU′(z)) Wₕₕ look like, "
                  "and why does that make ReLU networks prone to both problems at once?"),
        answer=(f"ReLU′ is 1 for a unit that is on and 0 for one that is off, so diag(ReLU′(z)) keeps the "
                f"rows of Wₕₕ for the active units and zeroes the rest. Along active units nothing damps "
                f"the gradient: the step multiplies by (part of) Wₕₕ itself, and with λ > 1 the product can "
                f"grow without limit, since γλ = λ. A unit that is off blocks the path completely, which is "
                f"vanishing in its sharpest form. The StatQuest network shows both: each step's factor is "
                f"w₂ or 0."),
        value="diag(ReLU′) keeps active rows of Wₕₕ: γλ = λ; inactive units block the gradient",
        sources=("004",),
    )


TRUNCATION = {"D": 1, "H": 8, "O": 1, "T": 50, "window": 5, "seed": 3}


def truncated_gradients() -> dict:
    """A seeded random tanh RNN on 50 uniform inputs; loss on the last output, target 0."""
    c = TRUNCATION
    model = rnn.RNN.random(c["D"], c["H"], c["O"], seed=c["seed"])
    x = np.random.default_rng(c["seed"] + 1).uniform(-1, 1, (1, c["T"], c["D"]))
    run = rnn.forward(model, x)
    targets = np.zeros((1, c["T"], c["O"]))
    full = rnn.bptt(model, run, targets, steps=[c["T"]])
    cut = rnn.bptt(model, run, targets, steps=[c["T"]], truncate=c["window"])
    return {"full": float(np.linalg.norm(full["W_hx"])), "cut": float(np.linalg.norm(cut["W_hx"])),
            "full_h0": float(np.linalg.norm(full["h0"])), "cut_h0": float(np.linalg.norm(cut["h0"]))}


@register("ex-remedies-truncation", kind="exercise", page="remedies.md")
def remedies_truncation() -> Example:
    c, g = TRUNCATION, truncated_gradients()
    kept = g["cut"] / g["full"]
    return exercise(
        "ex-remedies-truncation", page="remedies.md", type="predict",
        title="How much does truncation cut?",
        question=(f"A tanh RNN with {c['H']} hidden units reads {c['T']} inputs and is trained on its last "
                  f"output. Truncated BPTT keeps only the last {c['window']} steps of the backward pass. "
                  f"Guess: what fraction of the size of the gradient of Wₕₓ survives, about a tenth "
                  f"({c['window']} of {c['T']} steps) or much more? Then check in a notebook: "
                  f"`rnn.RNN.random({c['D']}, {c['H']}, {c['O']}, seed={c['seed']})`, inputs "
                  f"`np.random.default_rng({c['seed'] + 1}).uniform(-1, 1, (1, {c['T']}, {c['D']}))`, "
                  f"target 0, and `rnn.bptt(..., steps=[{c['T']}], truncate={c['window']})` against "
                  f"`truncate=None`."),
        answer=(f"Much more: ‖∂L/∂Wₕₓ‖ is {readable(g['cut'], 3)} truncated against {readable(g['full'], 3)} "
                f"in full, **{round(100 * kept)} %** of it. The contributions of old steps had already "
                f"vanished (the full gradient with respect to the initial state is only "
                f"{readable(g['full_h0'], 3)}), so cutting them costs little in size. What it does cost "
                f"is the long-range information: with truncation the network cannot learn anything that "
                f"needs more than {c['window']} steps, however it is trained."),
        value=[g["cut"], g["full"], kept], display=f"{round(100 * kept)} %", sources=("004",), details=g,
    )


@register("ex-memory-when-to-fade", kind="exercise", page="memory.md")
def memory_when_to_fade() -> Example:
    return exercise(
        "ex-memory-when-to-fade", page="memory.md", type="conceptual",
        title="A good memory for one task, a bad one for another",
        question=("A moving average with w₂ = 0.8 forgets at a fixed rate. Why is that a sensible memory "
                  "for forecasting tomorrow's temperature, and a poor one for deciding between *is* and "
                  "*are* in the key sentence on this page?"),
        answer=("For the temperature, recent days carry most of the information and old days a little, "
                "which is just what a weight falling by a constant factor per step gives. For the "
                "sentence, one early word (*key*) decides the verb, and the words in between are "
                "irrelevant; a fixed fading rate dilutes *key* exactly as much as *Portugal* and keeps "
                "neither well. That task needs a memory that decides, from the input, what to store and "
                "for how long: a gate."),
        value="fixed-rate fading suits recency, not one old detail",
    )
