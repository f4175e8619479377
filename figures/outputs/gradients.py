"""The gradient lab: activation derivatives, the Jacobian bound, Pascanu et al.'s
figures 3 and 6, and truncated BPTT. Every number comes from rnncore."""
from __future__ import annotations

import numpy as np

from rnncore import pascanu, rnn
from rnncore.activations import ACTIVATIONS, gamma
from rnncore.examples import get as example
from rnncore.exact import fraction_text, readable, show, superscript

from ..registry import Text, figure, values

JACOBIAN_READS = ("gradients.hidden", "gradients.steps", "gradients.networks", "gradients.input_scale",
                  "gradients.gamma_lambda", "gradients.seed")
HEATMAP_READS = ("gradients.hidden", "gradients.steps", "gradients.networks", "gradients.input_scale",
                 "gradients.seed", "gradients.heatmap_lambda_min", "gradients.heatmap_lambda_max",
                 "gradients.heatmap_rows")
PASCANU_READS = tuple(f"gradients.pascanu.{key}" for key in (
    "w_min", "w_max", "b_min", "b_max", "grid", "start_w", "start_b", "learning_rate", "iterations",
    "clip_threshold"))
BIFURCATION_READS = tuple(f"gradients.pascanu.{key}" for key in (
    "bifurcation_w", "bifurcation_b_min", "bifurcation_b_max"))
TRUNCATION_READS = ("gradients.truncation.hidden", "gradients.truncation.steps", "gradients.truncation.window",
                    "gradients.truncation.lam", "gradients.input_scale", "gradients.seed")


def sci(value: float, digits: int = 2) -> str:
    """A readable magnitude: 0.031, 4.5 × 10⁻⁵, 1.2 × 10⁸."""
    return readable(value, digits, plain_from=1e-2)


def _gl_text(gl: float) -> str:
    return show(gl)


def studies(params):
    out = {}
    for activation in ("tanh", "sigmoid"):
        g = float(gamma(activation))
        out[activation] = [
            rnn.jacobian_study(activation, gl / g, hidden=int(params["gradients.hidden"]),
                               steps=int(params["gradients.steps"]), networks=int(params["gradients.networks"]),
                               input_scale=float(params["gradients.input_scale"]), seed=int(params["gradients.seed"]))
            for gl in params["gradients.gamma_lambda"]
        ]
    return out


# --- 7. the activations and their derivatives ------------------------------------------

# Figures a phone shows at about 360 px wide: stacked panels and larger text.
PHONE_RC = {"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12, "xtick.labelsize": 12,
            "ytick.labelsize": 12}


@figure("activation-derivatives", size=(6.4, 8.2))
def activation_derivatives(fig, params, theme) -> Text:
    import matplotlib

    tails = example("sigmoid-derivative-tails").details
    with matplotlib.rc_context(PHONE_RC):
        axes = fig.subplots(3, 1)
    from ..style import math

    panels = (("sigmoid", r"\sigma", "sigmoid $\\sigma$", (-10.5, 10.5)), ("tanh", r"\tanh", "tanh", (-4, 4)),
              ("relu", r"\mathrm{ReLU}", "ReLU", (-3, 3)))
    for ax, (name, tex, title, (lo, hi)) in zip(axes, panels):
        act = ACTIVATIONS[name]
        x = np.linspace(lo, hi, 841)
        ax.plot(x, act(x), color=theme.prediction, lw=2, label=f"${tex}(x)$")
        ax.plot(x, act.derivative(x), color=theme.gradient, lw=2, label=f"${tex}'(x)$")
        g = float(gamma(name))
        ax.axhline(g, color=theme.muted, lw=1, ls=(0, (4, 3)))
        ax.text(hi, g, math(f"γ = {fraction_text(gamma(name))}"), color=theme.muted, va="bottom", ha="right",
                fontsize=12)
        ax.set_title(title)
        ax.set_xlabel("$x$")
        ax.grid(True, lw=0.5)
        ax.legend(loc="lower right" if name == "tanh" else "upper left", fontsize=12)
    ax = axes[0]
    ax.plot([0], [0.25], "o", color=theme.gradient)
    # on a phone the right half is taken by "γ = 1/4" and the tail's label
    ax.annotate(r"$\sigma'(0) = 1/4$", (0, 0.25), xytext=(-9.5, 0.42) if theme.phone else (2.2, 0.4), color=theme.ink,
                fontsize=12,
                arrowprops=dict(arrowstyle="-", color=theme.muted))
    for side in (-10, 10):
        ax.plot([side], [tails["derivative_plus_10"]], "o", color=theme.gradient, ms=4)
    ax.annotate(math(f"σ′(±10) ≈ {tails['shown']}"), (10, 0), xytext=(3.0, 0.12), color=theme.ink, fontsize=12,
                arrowprops=dict(arrowstyle="-", color=theme.muted))
    axes[1].annotate(r"$\tanh'(0) = 1$", (0, 1), xytext=(0.6, 0.55), color=theme.ink, fontsize=12,
                     arrowprops=dict(arrowstyle="-", color=theme.muted))
    axes[2].set_ylim(-0.15, 3.1)
    return Text(
        alt=(f"Three stacked panels. Top: the sigmoid σ rises from 0 to 1 and its derivative σ′ is a bump whose peak is "
             f"1/4 at x = 0, falling to about {tails['shown']} at x = ±10, where σ(10) ≈ {tails['sigma_10_shown']}. "
             "Middle: tanh rises from −1 to 1 and its derivative 1 − tanh² peaks at 1 at x = 0. Bottom: ReLU is 0 "
             "for negative x and x for positive x; its derivative is 0 then 1."),
        caption=("Each activation (blue) with its derivative (orange) and the bound γ on the derivative (dashed): "
                 "1/4 for sigmoid, 1 for tanh and ReLU. Far from 0, sigmoid and tanh are flat: their derivatives "
                 "are close to zero there."),
    )


# --- 1. measured Jacobian norms against the bound ------------------------------------

@figure("jacobian-norms", reads=JACOBIAN_READS, size=(6.4, 8.4))
def jacobian_norms(fig, params, theme) -> Text:
    data = studies(params)
    import matplotlib

    from ..style import band, math, trend_colour

    with matplotlib.rc_context(PHONE_RC):
        axes = fig.subplots(2, 1, sharex=True, sharey=True)
    lines = []
    for ax, activation in zip(axes, ("tanh", "sigmoid")):
        for study in data[activation]:
            gl = study.gamma * study.lam
            color = trend_colour(theme, round(gl, 9))
            lo, hi = np.percentile(study.norms, [10, 90], axis=0)
            band(ax, theme, study.distance, lo, hi, color)
            ax.plot(study.distance, study.median, color=color, lw=2,
                    label=math(f"γλ = {_gl_text(gl)}") + " (" + math(f"λ = {show(round(study.lam, 6))}") + ")")
            ax.plot(study.distance, study.bound, color=color, lw=1.3, ls=(0, (4, 3)))
            lines.append((activation, gl, study))
        ax.set_yscale("log")
        ax.set_title(f"{activation}, " + math(f"γ = {fraction_text(gamma(activation))}"))
        ax.grid(True, lw=0.5, which="major")
        ax.legend(loc="lower left", fontsize=11)
        ax.set_ylabel(r"$\Vert\partial h_T/\partial h_k\Vert_2$")
    axes[1].set_xlabel("distance $T - k$ (steps)")
    axes[0].set_ylim(1e-30, 1e12)
    T = int(params["gradients.steps"])
    pieces = [f"{a}, γλ = {_gl_text(gl)}: median {sci(s.median[-1])} against the bound {sci(s.bound[-1])}"
              for a, gl, s in lines]
    worst = max(s.largest_ratio for _, _, s in lines)
    return Text(
        alt=(f"Two stacked panels on a log scale, tanh above and sigmoid below, with distance T − k from 0 to {T} on the horizontal "
             f"axis. Solid lines: the median measured Jacobian norm over {params['gradients.networks']} random "
             f"networks of {params['gradients.hidden']} units; dashed lines: the bound (γλ)ᵀ⁻ᵏ. At T − k = {T}: "
             + "; ".join(pieces) + f". No measured norm exceeds its bound (largest ratio {show(round(worst, 4))})."),
        caption=("Measured Jacobian norms (solid: median, band: 10–90 % of the networks) never rise above the "
                 "bound (γλ)ᵀ⁻ᵏ (dashed, same colour). The recurrent matrices are Gaussian, rescaled to λ. "
                 "Below γλ = 1 the bound forces vanishing; above it the bound grows, yet these networks still "
                 "vanish: their spectral radius ρ is well below λ. γλ > 1 allows explosion, it does not cause it."),
    )


# --- 2. heatmap over λ and distance -------------------------------------------------

def colour_range(grid) -> tuple[float, float]:
    """The colour bar's limits: the data's finite range, widened to whole numbers."""
    finite = np.asarray(grid)[np.isfinite(grid)]
    return float(np.floor(finite.min())), float(np.ceil(finite.max()))


@figure("jacobian-heatmap", reads=HEATMAP_READS, size=(6.4, 5.0))
def jacobian_heatmap(fig, params, theme) -> Text:
    lam = np.linspace(float(params["gradients.heatmap_lambda_min"]), float(params["gradients.heatmap_lambda_max"]),
                      int(params["gradients.heatmap_rows"]))
    T = int(params["gradients.steps"])
    grid = rnn.jacobian_heatmap("tanh", lam, hidden=int(params["gradients.hidden"]), steps=T,
                                networks=int(params["gradients.networks"]),
                                input_scale=float(params["gradients.input_scale"]), seed=int(params["gradients.seed"]))
    import matplotlib

    with matplotlib.rc_context({"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12, "xtick.labelsize": 12, "ytick.labelsize": 12}):
        ax = fig.add_subplot()
    vmin, vmax = colour_range(grid)
    shown = np.clip(np.nan_to_num(grid, nan=vmin, neginf=vmin, posinf=vmax), vmin, vmax)
    half = (lam[1] - lam[0]) / 2 if len(lam) > 1 else 0.5
    mesh = ax.imshow(shown, origin="lower", extent=(-0.5, T + 0.5, lam[0] - half, lam[-1] + half), aspect="auto",
                     cmap="magma", vmin=vmin, vmax=vmax, interpolation="nearest")
    bar = fig.colorbar(mesh, ax=ax, location="bottom" if theme.phone else "right")
    bar.set_label(r"$\log_{10}$ median $\Vert\partial h_T/\partial h_k\Vert_2$")
    ax.axhline(1.0, color=theme.ink, lw=1.2, ls=(0, (4, 3)))
    ax.text(T * 0.98, 1.03, r"$\lambda = 1/\gamma = 1$", color=theme.ink, ha="right", va="bottom", fontsize=11,
            bbox=dict(facecolor=theme.fill, edgecolor="none", alpha=0.9, pad=2))
    ax.set_xlabel("distance $T - k$ (steps)")
    ax.set_ylabel(r"$\lambda$, largest singular value of $W_{hh}$")
    ax.set_title("tanh networks: how far back a gradient survives")
    low, high = grid[0, -1], grid[-1, -1]
    return Text(
        alt=(f"Heatmap of log10 of the median Jacobian norm for tanh networks, λ from {show(lam[0])} to "
             f"{show(lam[-1])} vertically and distance 0 to {T} horizontally. At distance {T} the value is "
             f"{show(round(float(low), 1))} for λ = {show(lam[0])} and {show(round(float(high), 1))} for "
             f"λ = {show(lam[-1])}; a dashed line marks λ = 1."),
        caption=("Dark means the gradient has vanished. Below the dashed line (λ < 1/γ) it must vanish, and fast; "
                 "above it the decay slows, but in these Gaussian random networks, whose spectral radius ρ is "
                 f"well below λ, the median still ends below 1 after {T} steps "
                 f"{'at every λ shown' if np.all(grid[:, -1] < 0) else 'for most λ'}. Orthogonal matrices of "
                 "the same λ behave differently (see the ensembles below)."),
    )


# --- 3. Pascanu et al. 2013, Figure 6 --------------------------------------------------

def pascanu_paths(params):
    p = lambda key: float(params[f"gradients.pascanu.{key}"])  # noqa: E731
    common = dict(learning_rate=p("learning_rate"), iterations=int(params["gradients.pascanu.iterations"]))
    plain = pascanu.descend(p("start_w"), p("start_b"), **common)
    clipped = pascanu.descend(p("start_w"), p("start_b"), threshold=p("clip_threshold"), **common)
    return plain, clipped


@figure("pascanu-cliff", reads=PASCANU_READS, size=(6.4, 6.0))
def pascanu_cliff(fig, params, theme) -> Text:
    p = lambda key: float(params[f"gradients.pascanu.{key}"])  # noqa: E731
    n = int(params["gradients.pascanu.grid"])
    w = np.linspace(p("w_min"), p("w_max"), n)
    b = np.linspace(p("b_min"), p("b_max"), n)
    W, B = np.meshgrid(w, b)
    E = pascanu.loss(W, B)
    plain, clipped = pascanu_paths(params)
    import matplotlib

    with matplotlib.rc_context({"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12, "xtick.labelsize": 12, "ytick.labelsize": 12}):
        ax = fig.add_subplot()
    dw, db = (w[1] - w[0]) / 2, (b[1] - b[0]) / 2
    mesh = ax.imshow(E, origin="lower", extent=(w[0] - dw, w[-1] + dw, b[0] - db, b[-1] + db), aspect="auto",
                     cmap="viridis", vmin=0, vmax=0.5, interpolation="nearest")
    bar = fig.colorbar(mesh, ax=ax, location="bottom" if theme.phone else "right")
    bar.set_label(r"loss $E = (\sigma(x_{50}) - 0.7)^2$")
    wall_w = w[w > 4.3]
    ax.plot(wall_w, pascanu.wall_bias(wall_w), color="white", lw=1, ls=(0, (2, 2)))
    ax.text(wall_w[-1] - 0.2, float(pascanu.wall_bias(wall_w[-1])) + 0.3, "wall", color="#1f2328", ha="right",
            fontsize=12, rotation=-30)

    def inside(path):
        keep = (path.w >= w[0]) & (path.w <= w[-1]) & (path.b >= b[0]) & (path.b <= b[-1])
        first_out = np.argmin(keep) if not keep.all() else len(keep)
        return first_out

    ax.plot(clipped.w, clipped.b, "-o", color=theme.clipped, ms=3, lw=2.6,
            label=f"with norm clipping: final $E$ = {sci(clipped.final_loss)}")
    cut = inside(plain)
    ax.plot(plain.w[:cut], plain.b[:cut], "-o", color=theme.exploding, ms=2, lw=1.2, zorder=4,
            label=f"plain gradient descent: final $E$ = {sci(plain.final_loss)}")
    if cut < len(plain.w):
        start = (plain.w[cut - 1], plain.b[cut - 1])
        direction = np.array([plain.w[cut] - start[0], plain.b[cut] - start[1]])
        direction /= np.linalg.norm(direction)
        end = (start[0] + 1.6 * direction[0], start[1] + 1.6 * direction[1])
        ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="-|>", color=theme.exploding, lw=1.6))
        ax.text(end[0] + 0.1, end[1], f"thrown to $(w, b)$ = ({show(round(plain.w[cut], 1))}, "
                f"{show(round(plain.b[cut], 1))})", color=theme.exploding, fontsize=11, va="center",
                bbox=dict(facecolor=theme.fill, edgecolor="none", alpha=0.9, pad=2))
    ax.plot([plain.w[0]], [plain.b[0]], "s", color="white", mec="black", ms=7, label="start")
    ax.set_xlim(w[0], w[-1])
    ax.set_ylim(b[0], b[-1])
    ax.set_xlabel("recurrent weight $w$")
    ax.set_ylabel("bias $b$")
    ax.set_title(r"$x_t = w\,\sigma(x_{t-1}) + b$: the loss surface and its wall")
    if theme.phone:  # under the colour bar: inside, it would cover the paths
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", fontsize=11)
    else:
        ax.legend(loc="lower left", fontsize=11, facecolor=theme.fill, framealpha=0.9, frameon=True)
    return Text(
        alt=(f"Heatmap of the loss over w from {show(w[0])} to {show(w[-1])} and b from {show(b[0])} to "
             f"{show(b[-1])}. A sharp wall runs diagonally (b = 0.5 − w σ(0.5), for w above 4) separating a "
             f"plateau with loss near 0.49 below it from one near 0.09 above it. Both paths start at "
             f"(w, b) = ({show(plain.w[0])}, {show(plain.b[0])}) with learning rate {show(plain.learning_rate)}. "
             f"The plain path reaches the wall near w = 4, meets a gradient of norm "
             f"{sci(float(plain.grad_norm.max()))} and is thrown to ({show(round(plain.w[-1], 1))}, "
             f"{show(round(plain.b[-1], 1))}), final loss {sci(plain.final_loss)}. The clipped path (threshold "
             f"{show(clipped.threshold)}) crosses with steps of at most {show(clipped.learning_rate * clipped.threshold)}"
             f" and ends at ({show(round(clipped.w[-1], 2))}, {show(round(clipped.b[-1], 2))}) with loss "
             f"{sci(clipped.final_loss)}."),
        caption=("The cliff of Pascanu et al. (2013, Figure 6), recomputed. Where gradient descent meets the wall, "
                 "the gradient is so large that one plain step throws the parameters far off the map; with norm "
                 "clipping the same step is cut to a fixed length and descent carries on to a low loss."),
    )


# --- 4. Pascanu et al. 2013, Figure 3 ------------------------------------------------

@figure("pascanu-bifurcation", reads=BIFURCATION_READS, size=(6.4, 5.0))
def pascanu_bifurcation(fig, params, theme) -> Text:
    wv = float(params["gradients.pascanu.bifurcation_w"])
    lo, hi = float(params["gradients.pascanu.bifurcation_b_min"]), float(params["gradients.pascanu.bifurcation_b_max"])
    branches = pascanu.attractor_branches(wv, x_range=(lo - 1, hi + wv + 1), points=2001)
    points = pascanu.bifurcation_points(wv)
    b_sweep = np.linspace(lo, hi, 121)
    up = pascanu.iterate_final_states(b_sweep, w=wv, start="low")
    down = pascanu.iterate_final_states(b_sweep, w=wv, start="high")
    import matplotlib

    with matplotlib.rc_context({"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12, "xtick.labelsize": 12, "ytick.labelsize": 12}):
        ax = fig.add_subplot()
    ax.axvspan(points[0].b, points[1].b, color=theme.fill, alpha=0.9, lw=0)
    mask = (branches.b >= lo) & (branches.b <= hi)
    stable = np.where(branches.stable & mask, branches.x, np.nan)
    unstable = np.where(~branches.stable & mask, branches.x, np.nan)
    ax.plot(branches.b, stable, color=theme.prediction, lw=2.2, label="stable fixed points (attractors)")
    ax.plot(branches.b, unstable, color=theme.muted, lw=1.5, ls=(0, (4, 3)), label="unstable fixed point")
    ax.plot(b_sweep, up, "^", color=theme.exploding, ms=3.5, label="iterated, $b$ swept upward")
    ax.plot(b_sweep, down, "v", color=theme.vanishing, ms=3.5, label="iterated, $b$ swept downward")
    for point in points:
        ax.plot([point.b], [point.x], "o", color=theme.ink, ms=6)
        ax.annotate(f"$b$ ≈ {show(round(point.b, 3))}", (point.b, point.x),
                    xytext=(point.b + (0.25 if point.x < 0 else -0.25), point.x + (0.9 if point.x < 0 else 1.2)),
                    ha="left" if point.x < 0 else "right", fontsize=11, color=theme.ink,
                    arrowprops=dict(arrowstyle="-", color=theme.muted))
    ax.set_xlim(lo, hi)
    ax.set_xlabel("bias $b$")
    ax.set_ylabel("final state $x$")
    ax.set_title(f"One unit, recurrent weight $w = {show(wv)}$: two attractors")
    ax.grid(True, lw=0.5)
    if theme.phone:  # under the plot: inside, it would cover the lower branch
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", fontsize=11)
    else:
        ax.legend(loc="lower right", fontsize=11)
    return Text(
        alt=(f"Bifurcation diagram of xₜ = {show(wv)} σ(xₜ₋₁) + b for b from {show(lo)} to {show(hi)}. "
             f"A low branch of stable states and a high branch overlap only between b ≈ {show(round(points[0].b, 3))} "
             f"and b ≈ {show(round(points[1].b, 3))} (shaded), joined there by a dashed unstable branch. Iterating "
             f"the map while sweeping b upward stays on the low branch until b ≈ {show(round(points[1].b, 3))}, "
             f"sweeping downward stays on the high branch until b ≈ {show(round(points[0].b, 3))}."),
        caption=("After Pascanu et al. (2013, Figure 3) and Doya (1993). Inside the shaded band the unit has two "
                 "attractors; at its edges one of them appears or vanishes (a bifurcation), and a tiny change of b "
                 "makes the final state jump: the same jump that builds the wall of the loss surface."),
    )


# --- 5. truncated against full BPTT -------------------------------------------------

def truncation(params):
    return rnn.truncation_study(hidden=int(params["gradients.truncation.hidden"]),
                                steps=int(params["gradients.truncation.steps"]),
                                window=int(params["gradients.truncation.window"]),
                                lam=float(params["gradients.truncation.lam"]),
                                input_scale=float(params["gradients.input_scale"]), seed=int(params["gradients.seed"]))


@figure("truncated-bptt", reads=TRUNCATION_READS, size=(6.4, 4.6))
def truncated_bptt(fig, params, theme) -> Text:
    study = truncation(params)
    d = np.arange(len(study.contributions))
    K = study.window
    import matplotlib

    with matplotlib.rc_context({"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12, "xtick.labelsize": 12, "ytick.labelsize": 12}):
        ax = fig.add_subplot()
    ax.bar(d[:K], study.contributions[:K], color=theme.gradient, width=0.8, label="kept by truncated BPTT")
    ax.bar(d[K:], study.contributions[K:], color=theme.muted, width=0.8, alpha=0.6, label="dropped")
    ax.axvline(K - 0.5, color=theme.ink, lw=1.6, ls=(0, (4, 3)))
    ax.text(K - 0.3, study.contributions.max() * 0.9, f"cut: window $k = {K}$", color=theme.ink, fontsize=11)
    ax.set_yscale("log")
    ax.set_xlabel("distance $T - k$ of the term (steps into the past)")
    ax.set_ylabel(r"norm of term $k$ of $\partial\ell_T/\partial W_{hh}$")
    ax.set_title("The terms of the BPTT sum, and where truncation cuts")
    ax.grid(True, lw=0.5, axis="y")
    if theme.phone:  # under the plot: at its top right it would cover the cut's label
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize=11)
    else:
        ax.legend(loc="upper right", fontsize=11)
    T = len(d)
    last = max(i for i, c in enumerate(study.contributions) if c > 0)
    return Text(
        alt=(f"Bar chart on a log scale of the norms of the {T} terms of the gradient of the last step's loss ℓ "
             "with respect to Wₕₕ, in a tanh network "
             f"(λ = {show(params['gradients.truncation.lam'])}), by distance into the past. The terms fall from "
             f"{sci(study.contributions[0])} at distance 0 to {sci(study.contributions[last])} at distance {last}"
             + (f" (the term at distance {T - 1} is exactly 0: it multiplies the starting state h₀ = 0). "
                if last < T - 1 else ". ") +
             f"A dashed line at {K} marks the truncation window; the kept terms carry "
             f"{show(round(100 * study.kept_share, 1))} % of the summed term norms, and the truncated gradient "
             f"differs from the full one by {show(round(100 * study.relative_difference, 2))} %."),
        caption=(f"Full BPTT sums every term; truncated BPTT with window k = {K} keeps only the coloured ones. Here the "
                 "old terms have already vanished, so the cut costs little; it also means a dependency longer than "
                 "the window cannot be learned."),
    )


# --- values cited in prose ------------------------------------------------------------

@values("gradients", reads=(*JACOBIAN_READS, *PASCANU_READS, *BIFURCATION_READS, *TRUNCATION_READS))
def gradient_values(params) -> dict[str, str]:
    plain, clipped = pascanu_paths(params)
    points = pascanu.bifurcation_points(float(params["gradients.pascanu.bifurcation_w"]))
    study = truncation(params)
    result = {
        **{f"gradients.vanishing_lambda_below.{name}": fraction_text(1 / gamma(name)) for name in ("sigmoid", "tanh")},
        "gradients.pascanu.plain_final_loss": sci(plain.final_loss, 3),
        "gradients.pascanu.clipped_final_loss": sci(clipped.final_loss, 3),
        "gradients.pascanu.plain_largest_step": show(round(plain.largest_step, 1)),
        "gradients.pascanu.plain_largest_gradient": show(round(float(plain.grad_norm.max()), 1)),
        "gradients.pascanu.plain_end": f"({show(round(plain.w[-1], 1))}, {show(round(plain.b[-1], 1))})",
        "gradients.pascanu.clipped_end": f"({show(round(clipped.w[-1], 2))}, {show(round(clipped.b[-1], 2))})",
        "gradients.pascanu.clipped_steps": str(int(clipped.clipped.sum())),
        "gradients.pascanu.start": f"({show(plain.w[0])}, {show(plain.b[0])})",
        "gradients.pascanu.learning_rate": show(plain.learning_rate),
        "gradients.pascanu.threshold": show(clipped.threshold),
        "gradients.pascanu.iterations": str(int(params["gradients.pascanu.iterations"])),
        "gradients.pascanu.wall_slope": show(round(float(pascanu.wall_bias(1.0) - pascanu.wall_bias(0.0)), 4)),
        "gradients.bifurcation.w": show(float(params["gradients.pascanu.bifurcation_w"])),
        "gradients.bifurcation.low": show(round(points[0].b, 3)),
        "gradients.bifurcation.high": show(round(points[1].b, 3)),
        "gradients.truncation.window": str(study.window),
        "gradients.truncation.steps": str(len(study.contributions)),
        "gradients.truncation.kept_percent": show(round(100 * study.kept_share, 1)),
        "gradients.truncation.difference_percent": show(round(100 * study.relative_difference, 2)),
    }
    ordinal = ("first", "second", "third", "fourth")
    for activation, group in studies(params).items():
        for position, study in zip(ordinal, group):
            key = f"gradients.jacobian.{activation}.{position}"
            result[f"gradients.jacobian.{position}.gamma_lambda"] = show(study.gamma * study.lam)
            result[f"{key}.median_end"] = sci(float(study.median[-1]))
            result[f"{key}.bound_end"] = sci(float(study.bound[-1]))
            result[f"{key}.largest_ratio"] = show(round(study.largest_ratio, 4))
    result["gradients.jacobian.steps"] = str(int(params["gradients.steps"]))
    result["gradients.jacobian.networks"] = str(int(params["gradients.networks"]))
    result["gradients.jacobian.hidden"] = str(int(params["gradients.hidden"]))
    return result


@values("bistable")
def bistable_values(params) -> dict[str, str]:
    """Where the Pascanu wall begins: w σ′(0.5) = 1."""
    from rnncore import bistable

    return {
        "bistable.wall_onset": show(round(bistable.wall_onset(pascanu.X0), 2)),
        "bistable.wall_x0": show(pascanu.X0),
        "bistable.sigmoid_slope_x0": show(round(bistable.sigmoid_slope(pascanu.X0), 4)),
    }


PASCANU_SPREAD_READS = (*PASCANU_READS, "gradients.pascanu.spread_starts", "gradients.pascanu.neighbourhood")
#: A plain path counts as thrown when it ends on a plateau: a final loss above this
#: (the plateaus beside the wall sit near 0.09; paths that descend end far below 0.01).
THROWN_LOSS = 0.01
NEIGHBOUR_GRID = 5


def pascanu_spread(params):
    """Both cliff paths from starts shifted by j × 10⁻¹⁵ in w and b, and the plain path from
    a 5 × 5 grid of starts within ± neighbourhood of the figure's start."""
    from rnncore import spread

    p = lambda key: float(params[f"gradients.pascanu.{key}"])  # noqa: E731
    common = dict(learning_rate=p("learning_rate"), iterations=int(params["gradients.pascanu.iterations"]))

    def run(delta):
        plain = pascanu.descend(p("start_w") + delta, p("start_b") + delta, **common)
        clipped = pascanu.descend(p("start_w") + delta, p("start_b") + delta, threshold=p("clip_threshold"), **common)
        return {"plain": float(plain.loss[-1]), "clipped": float(clipped.loss[-1])}

    shifted = spread.spread_over_starts(run, int(params["gradients.pascanu.spread_starts"]))
    offsets = np.linspace(-p("neighbourhood"), p("neighbourhood"), NEIGHBOUR_GRID)
    nearby = [(float(pascanu.descend(p("start_w") + dw, p("start_b") + db, **common).loss[-1]),
               float(pascanu.descend(p("start_w") + dw, p("start_b") + db, threshold=p("clip_threshold"),
                                     **common).loss[-1]))
              for dw in offsets for db in offsets]
    return shifted, nearby


@values("pascanu-spread", reads=PASCANU_SPREAD_READS)
def pascanu_spread_values(params) -> dict[str, str]:
    from rnncore.spread import count_where

    shifted, nearby = pascanu_spread(params)
    plain_nearby = [plain for plain, _ in nearby]
    clipped_nearby = [clipped for _, clipped in nearby]
    return {
        "pascanu.spread.starts": str(shifted["clipped"].count),
        "pascanu.spread.clipped.median": sci(shifted["clipped"].median, 2),
        "pascanu.spread.clipped.low": sci(shifted["clipped"].low, 2),
        "pascanu.spread.clipped.high": sci(shifted["clipped"].high, 2),
        "pascanu.spread.plain_thrown": str(count_where(shifted["plain"].values, lambda v: v > THROWN_LOSS)),
        "pascanu.spread.thrown_loss": show(THROWN_LOSS),
        "pascanu.nearby.starts": str(len(nearby)),
        "pascanu.nearby.grid": str(NEIGHBOUR_GRID),
        "pascanu.nearby.half_width": show(float(params["gradients.pascanu.neighbourhood"])),
        "pascanu.nearby.plain_thrown": str(count_where(plain_nearby, lambda v: v > THROWN_LOSS)),
        "pascanu.nearby.clipped_thrown": str(count_where(clipped_nearby, lambda v: v > THROWN_LOSS)),
        "pascanu.nearby.clipped_high": sci(max(clipped_nearby), 2),
    }
