"""Bengio, Simard and Frasconi (1994) on one unit: storing a bit robustly makes the
gradient from the far past vanish (chapter "Activations and the bound")."""
from __future__ import annotations

import numpy as np

from rnncore import bistable
from rnncore.exact import show

from ..registry import PHONE_WIDTH, Text, figure, values
from .gradients import sci

READS = ("latch.*",)


def _w_values(params) -> list[float]:
    return [float(w) for w in params["latch.w_values"]]


def noisy_runs(params) -> dict[float, list[float]]:
    """For each w: the latch started at +h* (a stored 1) with uniform random inputs in ±noise."""
    rng = np.random.default_rng(int(params["latch.seed"]))
    noise = float(params["latch.noise"])
    inputs = rng.uniform(-noise, noise, int(params["latch.steps"]))
    return {w: bistable.latch_run(w, bistable.latch_attractor(w), inputs) for w in _w_values(params)}


@values("latch-values", reads=READS)
def latch_values(params) -> dict[str, str]:
    runs = noisy_runs(params)
    steps = int(params["latch.steps"])
    result = {"latch.steps": str(steps), "latch.noise": show(float(params["latch.noise"]))}
    for i, w in enumerate(_w_values(params)):
        h = bistable.latch_attractor(w)
        gradient = bistable.latch_gradient(w, runs[w])
        key = f"latch.w{i}"
        result[f"{key}.w"] = show(w)
        result[f"{key}.attractor"] = show(round(h, 3))
        result[f"{key}.slope"] = show(round(bistable.latch_slope(w, h), 3))
        result[f"{key}.tolerance"] = show(round(bistable.noise_tolerance(w), 3))
        result[f"{key}.gradient_end"] = sci(gradient[-1], 2)
        result[f"{key}.kept"] = "yes" if min(runs[w]) > 0 else "no"
    return result


@figure("latch", reads=READS, size=(6.4, 9.6), phone_size=(PHONE_WIDTH, 8.8))
def latch_figure(fig, params, theme) -> Text:
    import matplotlib

    with matplotlib.rc_context({"font.size": 12, "axes.titlesize": 12.5, "xtick.labelsize": 11,
                                "ytick.labelsize": 11}):
        top, middle, bottom = fig.subplots(3, 1)
    from ..style import factor_colour

    ws = _w_values(params)
    # w is a per-step factor at 0 (tanh′(0) = 1), as w₂ is: the same value, the same colour
    colours = [factor_colour(theme, w, ws) for w in ws]
    runs = noisy_runs(params)
    h = np.linspace(-1.2, 1.2, 401)
    top.plot(h, h, color=theme.muted, lw=1, ls=(0, (4, 3)))
    top.axvspan(0, 1.2, color=theme.grid, alpha=0.35, lw=0)
    top.text(1.15, -1.0, "basin of $+h^*$\n($h > 0$: a stored 1)", ha="right", va="bottom", fontsize=10.5, color=theme.ink)
    for colour, w in zip(colours, ws):
        star = bistable.latch_attractor(w)
        top.plot(h, np.tanh(w * h), color=colour, lw=1.8, label=f"$w = {show(w)}$")
        top.plot([star, -star], [star, -star], "o", color=colour, ms=6)
    top.plot([0], [0], "o", mfc="none", color=theme.ink, ms=6)
    top.set_title(r"$\tanh(wh)$: attractors $\pm h^*$ (dots), unstable 0")
    top.legend(loc="upper left", fontsize=10.5)
    top.set_xlabel("$h_{t-1}$")
    top.set_ylabel("$h_t$")
    top.set_xlim(-1.2, 1.2)
    top.set_ylim(-1.1, 1.1)
    top.grid(True, lw=0.5)

    grid = np.linspace(1.02, 6.0, 200)
    tolerance = [bistable.noise_tolerance(w) for w in grid]
    slope = [bistable.latch_slope(w, bistable.latch_attractor(w)) for w in grid]
    middle.semilogy(tolerance, slope, color=theme.ink, lw=1.8)
    for colour, w in zip(colours, ws):
        middle.plot([bistable.noise_tolerance(w)], [bistable.latch_slope(w, bistable.latch_attractor(w))], "o",
                    color=colour, ms=7)
        middle.annotate(f"$w = {show(w)}$", (bistable.noise_tolerance(w),
                                           bistable.latch_slope(w, bistable.latch_attractor(w))),
                        xytext=(8, 4) if w != ws[0] else (10, -8), textcoords="offset points", fontsize=10.5,
                        va="bottom" if w != ws[0] else "top", color=colour)
    middle.axhline(1, color=theme.muted, lw=1, ls=(0, (4, 3)))
    middle.set_title("more noise tolerated ⇒ smaller slope at the attractor")
    middle.set_xlabel("noise tolerance: largest constant push $u$ that keeps the bit")
    middle.set_ylabel(r"$|\partial h_t/\partial h_{t-1}|$ at $h^*$")
    middle.grid(True, lw=0.5)

    steps = int(params["latch.steps"])
    summary = []
    for colour, w in zip(colours, ws):
        gradient = bistable.latch_gradient(w, runs[w])
        bottom.semilogy(range(steps + 1), gradient, color=colour, lw=1.8)
        bottom.text(steps + 0.5, gradient[-1], f"$w = {show(w)}$", color=colour, fontsize=10.5, va="center")
        summary.append(f"w = {show(w)}: attractor {show(round(bistable.latch_attractor(w), 3))}, slope "
                       f"{show(round(bistable.latch_slope(w, bistable.latch_attractor(w)), 3))}, tolerance "
                       f"{show(round(bistable.noise_tolerance(w), 3))}, gradient after {steps} steps {sci(gradient[-1], 2)}")
    bottom.set_title(f"the gradient reaching back $k$ steps (noisy run, {steps} steps)")
    bottom.set_xlabel("$k$, steps back")
    bottom.set_ylabel(r"$|\partial h_T/\partial h_{T-k}|$")
    bottom.set_xlim(0, steps + (13 if theme.phone else 6))  # room for the w labels, on one line each
    bottom.grid(True, lw=0.5)
    return Text(
        alt=("Three panels about the one-unit latch hₜ = tanh(w hₜ₋₁ + uₜ). Top: the curves tanh(w h) cross the "
             "diagonal at two attractors ±h* and at 0. Middle: against the largest constant push the stored bit "
             "survives, the slope at the attractor, falling as the tolerance grows. Bottom: the gradient reaching back "
             "k steps along a noisy run, on a log scale. " + "; ".join(summary) + "."),
        caption=("After Bengio, Simard and Frasconi (1994). A unit with w > 1 stores a bit in the sign of its state. "
                 "The larger w, the more noise it shrugs off, and the flatter tanh is at its attractor: every step "
                 "back multiplies the gradient by that slope, below 1, so a bit stored robustly is a bit whose "
                 "origin the gradient cannot reach."))
