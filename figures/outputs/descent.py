"""Training the StatQuest network: the gradient check table, the BPTT graph, and real
gradient-descent traces with exploding (w2 near 2) and vanishing (w2 near 0.5) gradients."""
from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache

import numpy as np

from rnncore import descent
from rnncore import statquest_gradients as sg
from rnncore.exact import decimal_grouped, power_of_ten, readable, scientific_rounded, show

from ..notation import symbol
from ..registry import Text, figure, snippet, values

READS = ("descent.*",)


def _setup(params):
    return (tuple(float(v) for v in params["descent.first_days"]), int(params["descent.days"]),
            float(params["descent.learning_rate"]), int(params["descent.max_steps"]))


@lru_cache(maxsize=8)
def _run(firsts, days, w2, eta, steps):
    return descent.echo_run(firsts, days, w2, learning_rate=eta, max_steps=steps)


def runs(params):
    firsts, days, eta, steps = _setup(params)
    return {
        "exploding": _run(firsts, days, float(params["descent.exploding_w2"]), eta, steps),
        "vanishing": _run(firsts, days, float(params["descent.vanishing_w2"]), eta, steps),
        "tiny": _run(firsts, days, float(params["descent.exploding_w2"]),
                     float(params["descent.tiny_learning_rate"]), steps),
    }


def sci(value: float) -> str:
    return readable(value, 2)


def num(value: float) -> str:
    return readable(value, 3)


@values("descent", reads=READS)
def descent_values(params) -> dict[str, str]:
    firsts, days, eta, steps = _setup(params)
    result = {
        "descent.days": str(days), "descent.days_minus_one": str(days - 1),
        "descent.first_days": ", ".join(show(v) for v in firsts),
        "descent.sequences": str(len(firsts)),
        "descent.learning_rate": show(eta), "descent.tiny_learning_rate": sci(params["descent.tiny_learning_rate"]),
        "descent.max_steps": str(steps),
        "descent.optimum_ssr": show(descent.echo_optimum_ssr(firsts, days)),
        "descent.mean_ssr": show(descent.mean_predictor_ssr(firsts)),
        "descent.mean_prediction": show(sum(firsts) / len(firsts)),
    }
    for name, value in descent.ECHO_OPTIMUM.items():
        result[f"descent.optimum.{name}"] = show(value)
    for key, run in runs(params).items():
        s = descent.summary(run)
        result[f"descent.{key}.stop"] = s["stop"]
        result[f"descent.{key}.steps"] = str(s["steps"])
        for field in ("first_loss", "last_loss", "first_step", "largest_step", "last_step", "w2_after_first"):
            result[f"descent.{key}.{field}"] = num(s[field]) if field in ("first_loss", "last_loss", "w2_after_first") else sci(s[field])
        result[f"descent.{key}.w2_start"] = show(s["w2_start"])
        result[f"descent.{key}.w2_final"] = num(s["w2_final"])
        final = run.final
        for name in sg.NAMES:
            result[f"descent.{key}.final.{name}"] = num(final[name])
    return result


def _tick(value: float) -> str:
    from rnncore.exact import MINUS, superscript

    if value in (0.0, 1.0, -1.0):
        return show(value)
    exponent = int(round(np.log10(abs(value))))
    return f"{MINUS if value < 0 else ''}10{superscript(exponent)}"


PHONE_RC = {"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12, "xtick.labelsize": 12,
            "ytick.labelsize": 12}


def _trace_panels(fig, run, theme, color, *, optimum_w2=None, plateau=None, extra=None):
    """Loss, step size and w2 per iteration, stacked so that a phone shows them legibly."""
    import matplotlib
    import numpy as np

    with matplotlib.rc_context(PHONE_RC):
        axes = fig.subplots(3, 1, sharex=True)
    it = np.arange(len(run.iterations))
    axes[0].plot(it, run.losses, color=color, lw=1.8, label=f"η = {sci(run.learning_rate)}")
    if extra is not None:
        axes[0].plot(np.arange(len(extra.iterations)), extra.losses, color=theme.muted, lw=1.4, ls="--",
                     label=f"η = {sci(extra.learning_rate)}")
    if plateau is not None:
        axes[0].axhline(plateau, color=theme.optimum, lw=1, ls=":")
        axes[0].annotate("best constant prediction", (0, plateau), xytext=(4, 4), textcoords="offset points",
                         ha="left", va="bottom", color=theme.optimum, fontsize=12)
    axes[0].set_yscale("log")
    axes[0].set_ylabel("loss (SSR)")
    sizes = run.step_sizes
    axes[1].plot(np.arange(1, sizes.size + 1), sizes, color=color, lw=1.8)
    if extra is not None:
        axes[1].plot(np.arange(1, extra.step_sizes.size + 1), extra.step_sizes, color=theme.muted, lw=1.4, ls="--")
    axes[1].set_yscale("log")
    axes[1].set_ylabel("step size ‖Δθ‖")
    w2 = run.parameter("w2")
    axes[2].plot(it, w2, color=color, lw=1.8)
    if extra is not None:
        axes[2].plot(np.arange(len(extra.iterations)), extra.parameter("w2"), color=theme.muted, lw=1.4, ls="--")
    if optimum_w2 is not None:
        axes[2].axhline(optimum_w2, color=theme.optimum, lw=1, ls=":")
        axes[2].annotate(f"$w_2 = {optimum_w2:g}$ remembers", (it[-1], optimum_w2), xytext=(0, 4),
                         textcoords="offset points", ha="right", va="bottom", color=theme.optimum, fontsize=12)
    if np.max(np.abs(w2)) > 1e3:
        axes[2].set_yscale("symlog", linthresh=1)
        decades = int(np.ceil(np.log10(np.max(np.abs(w2)))))
        every = max(1, decades // 3)
        ticks = sorted({0.0, *(-(10.0 ** k) for k in range(every, decades + 1, every))})
        axes[2].set_yticks(ticks, [_tick(v) for v in ticks])
    axes[2].set_ylabel("$w_2$")
    axes[2].set_xlabel("iteration (update number for the step size)")
    for ax in axes:
        ax.grid(True, lw=0.6)
        if len(run.iterations) > 50:
            ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(left=0)
    if extra is not None:
        axes[0].legend(loc="lower left", bbox_to_anchor=(0.45, 0.12))
    return axes


@figure("descent-exploding", reads=READS, size=(6.4, 8.0))
def descent_exploding(fig, params, theme) -> Text:
    r = runs(params)
    run, tiny = r["exploding"], r["tiny"]
    s, t = descent.summary(run), descent.summary(tiny)
    firsts, days, eta, steps = _setup(params)
    _trace_panels(fig, run, theme, theme.exploding, optimum_w2=descent.ECHO_OPTIMUM["w2"], extra=tiny,
                  plateau=descent.mean_predictor_ssr(firsts))
    fig.suptitle(f"Gradient descent from $w_2 = {show(s['w2_start'])}$, {days} days", fontweight="bold", fontsize=14)
    return Text(
        alt=(f"Three stacked panels for gradient descent on the StatQuest network from w₂ = {show(s['w2_start'])} with "
             f"{days}-day sequences and a log iteration axis: loss, step size and w₂. With η = {show(eta)} the loss starts at "
             f"{sci(s['first_loss'])}, the first step has size {sci(s['first_step'])} and throws w₂ to "
             f"{sci(s['w2_after_first'])}; after {s['steps']} updates the loss is still {sci(s['last_loss'])}. "
             f"With η = {sci(tiny.learning_rate)} (dashed) the first step is {sci(t['first_step'])}, w₂ lands at "
             f"{sci(t['w2_after_first'])} and stays there with the loss at {sci(t['last_loss'])}."),
        caption=(f"Exploding gradients in a real run: the first gradient is so large that one step throws w₂ "
                 f"past the optimum at {show(descent.ECHO_OPTIMUM['w2'])} into the region where the ReLU is off for good. Shrinking η to "
                 f"{sci(tiny.learning_rate)} (dashed) only shortens the jump to {sci(t['first_step'])}; "
                 f"it still overshoots."))


@figure("descent-vanishing", reads=READS, size=(6.4, 8.0))
def descent_vanishing(fig, params, theme) -> Text:
    run = runs(params)["vanishing"]
    s = descent.summary(run)
    firsts, days, eta, steps = _setup(params)
    plateau = descent.mean_predictor_ssr(firsts)
    _trace_panels(fig, run, theme, theme.vanishing, optimum_w2=descent.ECHO_OPTIMUM["w2"], plateau=plateau)
    fig.suptitle(f"Gradient descent from $w_2 = {show(s['w2_start'])}$, {days} days", fontweight="bold", fontsize=14)
    return Text(
        alt=(f"Three stacked panels for gradient descent on the StatQuest network from w₂ = {show(s['w2_start'])} with "
             f"{days}-day sequences, η = {show(eta)}, log iteration axis: loss, step size and w₂. The loss falls from "
             f"{sci(s['first_loss'])} to {sci(s['last_loss'])}, the loss of the best constant prediction, and stays there; "
             f"the step size falls from {sci(s['first_step'])} to {sci(s['last_step'])}; w₂ moves from "
             f"{show(s['w2_start'])} to {num(s['w2_final'])}, far from {show(descent.ECHO_OPTIMUM['w2'])}. "
             f"The run stops at the step limit of {steps} updates."),
        caption=(f"Vanishing gradients in a real run: the network quickly learns the average, then the "
                 f"steps that would teach it to remember day 1 shrink to {sci(s['last_step'])}, and the step "
                 f"limit arrives long before w₂ gets anywhere near {show(descent.ECHO_OPTIMUM['w2'])}."))


# --- bouncing: the learning rate against the curvature of the valley -----------------

def _bounce_setup(params):
    firsts, days, _, _ = _setup(params)
    return (firsts, days, float(params["descent.bounce_w2"]), float(params["descent.bounce_calm_factor"]),
            float(params["descent.bounce_wild_factor"]), int(params["descent.bounce_steps"]))


@lru_cache(maxsize=8)
def _bounce(firsts, days, w2, factor, steps):
    return descent.bounce_run(firsts, days, w2, factor, max_steps=steps)


def bounce_runs(params):
    firsts, days, w2, calm, wild, steps = _bounce_setup(params)
    return {"calm": _bounce(firsts, days, w2, calm, steps), "wild": _bounce(firsts, days, w2, wild, steps)}


def bounce_summary(run) -> dict:
    """What the page says about a bouncing run, from rnncore's counters."""
    w2, losses = run.parameter("w2"), run.losses
    optimum = descent.ECHO_OPTIMUM["w2"]
    first_cross = next((i for i in range(1, len(w2)) if (w2[i] - optimum) * (w2[i - 1] - optimum) < 0), len(w2) - 1)
    later = w2[first_cross:]
    return {
        "crossings": descent.crossings(w2, optimum),
        "rises": descent.rises(losses),
        "first_cross": first_cross,
        "last_loss": float(losses[-1]),
        "low": float(later.min()), "high": float(later.max()),
        "later_loss_low": float(losses[first_cross:].min()), "later_loss_high": float(losses[first_cross:].max()),
    }


@values("descent-bounce", reads=READS)
def bounce_values(params) -> dict[str, str]:
    firsts, days, w2, calm, wild, steps = _bounce_setup(params)
    start_w2 = float(params["descent.exploding_w2"])
    h_opt = descent.echo_curvature(firsts, days, descent.ECHO_OPTIMUM["w2"])
    h_start = descent.echo_curvature(firsts, days, start_w2)
    limit = descent.stability_limit(firsts, days)
    limit_start = descent.stability_limit(firsts, days, start_w2)
    out = {
        "descent.bounce.w2_start": show(w2), "descent.bounce.steps": str(steps),
        "descent.curvature.optimum": decimal_grouped(float(h_opt)),
        "descent.curvature.start": sci(float(h_start)),
        "descent.curvature.orders": str(int(math.floor(math.log10(float(h_start) / float(h_opt))))),
        "descent.limit": scientific_rounded(float(limit), 3),
        "descent.overshoot_limit": scientific_rounded(float(limit) / 2, 3),
        "descent.limit_start": sci(float(limit_start)),
    }
    for key, factor in (("calm", calm), ("wild", wild)):
        run = bounce_runs(params)[key]
        b = bounce_summary(run)
        out[f"descent.bounce.{key}.factor"] = show(factor)
        out[f"descent.bounce.{key}.eta"] = scientific_rounded(run.learning_rate, 3)
        out[f"descent.bounce.{key}.crossings"] = str(b["crossings"])
        out[f"descent.bounce.{key}.rises"] = str(b["rises"])
        out[f"descent.bounce.{key}.first_cross"] = str(b["first_cross"])
        out[f"descent.bounce.{key}.last_loss"] = sci(b["last_loss"])
        out[f"descent.bounce.{key}.low"] = num(b["low"])
        out[f"descent.bounce.{key}.high"] = num(b["high"])
        out[f"descent.bounce.{key}.later_loss_low"] = sci(b["later_loss_low"])
        out[f"descent.bounce.{key}.later_loss_high"] = sci(b["later_loss_high"])
    return out


@figure("descent-bouncing", reads=READS, size=(6.4, 6.6))
def descent_bouncing(fig, params, theme) -> Text:
    import matplotlib

    firsts, days, w2, calm, wild, steps = _bounce_setup(params)
    r = bounce_runs(params)
    c, w = bounce_summary(r["calm"]), bounce_summary(r["wild"])
    optimum = descent.ECHO_OPTIMUM["w2"]
    with matplotlib.rc_context(PHONE_RC):
        axes = fig.subplots(2, 1, sharex=True)
    styles = (("calm", calm, theme.prediction, "-", 2.0), ("wild", wild, theme.exploding, "-", 1.4))
    for key, factor, color, ls, lw in styles:
        run = r[key]
        it = np.arange(len(run.iterations))
        label = f"η = {show(factor)} × limit = {scientific_rounded(run.learning_rate, 3)}"
        axes[0].plot(it, run.parameter("w2"), color=color, lw=lw, ls=ls, label=label)
        axes[1].plot(it, run.losses, color=color, lw=lw, ls=ls, label=label)
    axes[0].axhline(optimum, color=theme.optimum, lw=1.2, ls=":", label=f"optimum, $w_2 = {show(optimum)}$")
    axes[0].set_ylabel("$w_2$")
    low = min(float(r[k].parameter("w2").min()) for k in r)
    axes[0].set_ylim(low - 0.6 * (optimum + 0.02 - low), optimum + 0.02)
    axes[0].legend(loc="lower right")
    axes[1].set_yscale("log")
    axes[1].set_ylabel("loss (SSR)")
    axes[1].set_xlabel("iteration")
    for ax in axes:
        ax.grid(True, lw=0.6)
        ax.set_xlim(0, steps)
    fig.suptitle(f"Training $w_2$ alone from $w_2 = {show(w2)}$, {days} days", fontweight="bold", fontsize=14)
    cr, wr = r["calm"], r["wild"]
    return Text(
        alt=(f"Two stacked panels, w₂ and the loss (log scale) over {steps} iterations of gradient descent on w₂ alone, "
             f"from w₂ = {show(w2)} on {days}-day sequences, with the optimum w₂ = {show(optimum)} drawn dotted. "
             f"With η = {scientific_rounded(cr.learning_rate, 3)} ({show(calm)} times the stability limit) w₂ climbs to the optimum, "
             f"crosses it {c['crossings']} times in shrinking swings, the loss never goes up and ends at "
             f"{sci(c['last_loss'])}. With η = {scientific_rounded(wr.learning_rate, 3)} ({show(wild)} times the limit) w₂ crosses "
             f"the optimum {w['crossings']} times, swinging between {num(w['low'])} and {num(w['high'])}; the loss "
             f"goes up {w['rises']} times, between {sci(w['later_loss_low'])} and {sci(w['later_loss_high'])}, "
             f"and ends at {sci(w['last_loss'])}."),
        caption=(f"Bouncing around the optimum: below the stability limit (the smooth line) the swings across "
                 f"w₂ = {show(optimum)} die out and the loss falls to practically zero; at {show(wild)} times the "
                 f"limit (the jagged line) every overshoot lands w₂ on the far side, where it crawls back and is "
                 f"thrown off again, and the loss goes up and down for all {steps} iterations."))


# --- the gradient check -------------------------------------------------------------

CHECK_WEIGHTS = {"w1": 1.8, "b1": 0.1, "w2": 0.5, "w3": 1.1, "b2": 0.2}
CHECK_INPUTS = [[1.0, 0.5, 0.5], [0.0, 0.5, 1.0], [0.5, 1.0, 0.0]]
CHECK_TARGETS = [0.0, 1.0, 0.5]


@snippet("gradient-check-table")
def gradient_check_table(params) -> str:
    by_hand = sg.gradients(CHECK_WEIGHTS, CHECK_INPUTS, CHECK_TARGETS)
    exact = sg.gradients(CHECK_WEIGHTS, CHECK_INPUTS, CHECK_TARGETS, exact=True)
    matrix = sg.rnn_gradients(CHECK_WEIGHTS, CHECK_INPUTS, CHECK_TARGETS)
    numeric = sg.finite_differences(CHECK_WEIGHTS, CHECK_INPUTS, CHECK_TARGETS, eps=1e-6)
    lines = ["| Parameter | BPTT by hand, exact | `rnn.bptt` with H = 1 | central difference, ε = 10⁻⁶ | relative difference |",
             "|---|--:|--:|--:|--:|"]
    from rnncore.examples.gradients_scalar import _decimal
    for name in sg.NAMES:
        rel = abs(numeric[name] - float(by_hand[name])) / max(abs(float(by_hand[name])), 1e-12)
        lines.append(f"| {symbol(name)} | {show(_decimal(exact[name]))} | {matrix[name]:.8g} | {numeric[name]:.8g} | "
                     f"{scientific_rounded(rel, 2) if rel else '0'} |")
    return "\n".join(lines) + "\n"


@values("gradient-check")
def gradient_check_values(params) -> dict[str, str]:
    out = {f"check.{k}": show(v) for k, v in CHECK_WEIGHTS.items()}
    out["check.inputs"] = "; ".join(", ".join(show(v) for v in seq) for seq in CHECK_INPUTS)
    out["check.targets"] = ", ".join(show(v) for v in CHECK_TARGETS)
    out["check.ssr"] = _exact_ssr()
    return out


def _exact_ssr() -> str:
    from rnncore.examples.gradients_scalar import _decimal
    return show(_decimal(sg.ssr(CHECK_WEIGHTS, CHECK_INPUTS, CHECK_TARGETS, exact=True)))


# --- the BPTT computation graph ------------------------------------------------------

def _bptt_graph_phone(fig, theme) -> None:
    """The same graph top to bottom: h0 … h3 in a column, each input x_i arriving from the
    left, the forward arrows on the left of the column, the dashed backward ones on its
    right with their Jacobians beside them, the loss under h3, the product on top."""
    from matplotlib.patches import FancyBboxPatch

    from ..style import fit_height

    ax = fig.add_subplot()
    ax.set_axis_off()
    ys = [0.0, -1.7, -3.4, -5.1]
    for i, y in enumerate(ys):
        ax.add_patch(FancyBboxPatch((-0.45, y - 0.35), 0.9, 0.7, boxstyle="round,pad=0.02,rounding_size=0.15",
                                    lw=1.4, edgecolor=theme.prediction if i else theme.muted, facecolor=theme.fill))
        ax.text(0, y, f"$h_{i}$", ha="center", va="center", fontsize=14, color=theme.ink)
        if i:
            ax.text(-1.75, y, f"$x_{i}$", ha="center", va="center", fontsize=13, color=theme.ink)
            ax.annotate("", xy=(-0.48, y), xytext=(-1.5, y), arrowprops=dict(arrowstyle="-|>", color=theme.muted, lw=1.2))
            ax.text(-1.0, y + 0.08, "$W_{hx}$", fontsize=10, color=theme.muted, ha="center", va="bottom")
    for i in range(1, 4):
        a, b = ys[i - 1], ys[i]
        ax.annotate("", xy=(-0.2, b + 0.38), xytext=(-0.2, a - 0.38),
                    arrowprops=dict(arrowstyle="-|>", color=theme.ink, lw=1.4))
        ax.annotate("", xy=(0.2, a - 0.38), xytext=(0.2, b + 0.38),
                    arrowprops=dict(arrowstyle="-|>", color=theme.recurrent, lw=1.4, ls="--"))
        ax.text(0.45, (a + b) / 2, rf"$\dfrac{{\partial h_{i}}}{{\partial h_{i - 1}}} ="
                rf" \mathrm{{diag}}(\varphi'(z_{i}))\,W_{{hh}}$",
                ha="left", va="center", fontsize=12, color=theme.recurrent)
    ax.annotate("", xy=(0, ys[3] - 1.0), xytext=(0, ys[3] - 0.38), arrowprops=dict(arrowstyle="-|>", color=theme.ink))
    ax.text(0, ys[3] - 1.05, r"$\ell_3$", ha="center", va="top", fontsize=14, color=theme.ink)
    ax.text(0.6, 1.25, r"$\dfrac{\partial h_3}{\partial h_0} = \dfrac{\partial h_3}{\partial h_2}\,"
            r"\dfrac{\partial h_2}{\partial h_1}\,\dfrac{\partial h_1}{\partial h_0}$",
            ha="center", va="center", fontsize=15, color=theme.ink)
    x0, x1, y0, y1 = -2.1, 3.3, ys[3] - 1.55, 1.95
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    fit_height(fig, x0, x1, y0, y1)


@figure("bptt-graph", size=(6.4, 3.9))
def bptt_graph(fig, params, theme) -> Text:
    from matplotlib.patches import FancyBboxPatch

    if theme.phone:
        _bptt_graph_phone(fig, theme)
        return _bptt_graph_text()
    ax = fig.add_subplot()
    ax.set_axis_off()
    xs = [0.0, 2.6, 5.2, 7.8]
    for i, x in enumerate(xs):
        ax.add_patch(FancyBboxPatch((x - 0.45, -0.35), 0.9, 0.7, boxstyle="round,pad=0.02,rounding_size=0.15",
                                    lw=1.4, edgecolor=theme.prediction if i else theme.muted, facecolor=theme.fill))
        ax.text(x, 0, f"$h_{i}$", ha="center", va="center", fontsize=14, color=theme.ink)
        if i:
            ax.text(x, -1.45, f"$x_{i}$", ha="center", va="center", fontsize=13, color=theme.ink)
            ax.annotate("", xy=(x, -0.38), xytext=(x, -1.2), arrowprops=dict(arrowstyle="-|>", color=theme.muted, lw=1.2))
            ax.text(x + 0.1, -0.8, "$W_{hx}$", fontsize=10, color=theme.muted, va="center")
    for i in range(1, 4):
        a, b = xs[i - 1], xs[i]
        ax.annotate("", xy=(b - 0.48, 0), xytext=(a + 0.48, 0),
                    arrowprops=dict(arrowstyle="-|>", color=theme.ink, lw=1.4))
        ax.annotate("", xy=(a + 0.48, 0.25), xytext=(b - 0.48, 0.25),
                    arrowprops=dict(arrowstyle="-|>", color=theme.recurrent, lw=1.4, ls="--"))
        ax.text((a + b) / 2, 1.05, rf"$\dfrac{{\partial h_{i}}}{{\partial h_{i - 1}}} =$",
                ha="center", va="bottom", fontsize=12, color=theme.recurrent)
        ax.text((a + b) / 2, 0.5, rf"$\mathrm{{diag}}(\varphi'(z_{i}))\,W_{{hh}}$",
                ha="center", va="bottom", fontsize=12, color=theme.recurrent)
    ax.text(xs[3] + 0.8, 0, r"$\ell_3$", ha="left", va="center", fontsize=14, color=theme.ink)
    ax.annotate("", xy=(xs[3] + 0.75, 0), xytext=(xs[3] + 0.48, 0), arrowprops=dict(arrowstyle="-|>", color=theme.ink))
    ax.text(3.9, 2.7, r"$\dfrac{\partial h_3}{\partial h_0} = \dfrac{\partial h_3}{\partial h_2}\,"
            r"\dfrac{\partial h_2}{\partial h_1}\,\dfrac{\partial h_1}{\partial h_0}$",
            ha="center", va="center", fontsize=15, color=theme.ink)
    ax.set_xlim(-0.7, 9.0)
    ax.set_ylim(-1.75, 3.25)
    return _bptt_graph_text()


def _bptt_graph_text() -> Text:
    return Text(
        alt=("Computation graph of three recurrent steps: states h₀, h₁, h₂, h₃ in a chain, each hᵢ fed by input "
             "xᵢ through Wₕₓ and by the previous state. Dashed orange arrows run backwards between the states, "
             "each labelled ∂hᵢ/∂hᵢ₋₁ = diag(φ′(zᵢ)) Wₕₕ; above, ∂h₃/∂h₀ is written as the product of the "
             "three factors. The loss ℓ3 is computed from h3."),
        caption=("Backpropagation through time walks the dashed arrows back from h₃ to h₀. Reaching h₀ from the "
                 "loss multiplies three step Jacobians; over 50 steps it multiplies 50 of them."))


# --- the wild bouncing run is chaotic: its outcomes over shifted starts ---------------

SPREAD_READS = READS


def bounce_spread(params):
    """The wild run repeated from w2 = bounce_w2 + j × 10⁻¹⁵: crossings, rises, last loss."""
    from rnncore import spread

    firsts, days, w2, _, wild, steps = _bounce_setup(params)

    def run(delta):
        b = bounce_summary(descent.bounce_run(firsts, days, w2 + delta, wild, max_steps=steps))
        return {"crossings": b["crossings"], "rises": b["rises"], "last_loss": b["last_loss"]}

    return spread.spread_over_starts(run, int(params["descent.spread_starts"]))


@values("descent-spread", reads=SPREAD_READS)
def bounce_spread_values(params) -> dict[str, str]:
    result = {"descent.spread.starts": str(int(params["descent.spread_starts"]))}
    for name, s in bounce_spread(params).items():
        # an odd number of starts: the median is one of the runs' values
        text = sci if name == "last_loss" else (lambda v: str(int(v)))
        result[f"descent.spread.{name}.median"] = text(s.median)
        result[f"descent.spread.{name}.low"] = text(s.low)
        result[f"descent.spread.{name}.high"] = text(s.high)
    return result
