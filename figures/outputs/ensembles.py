"""λ against ρ: a 2 × 2 example, the linear network's powers, and three ensembles of
random recurrent matrices measured against the bound (chapter "Activations and the bound")."""
from __future__ import annotations

import numpy as np

from rnncore import ensembles
from rnncore.exact import show
from rnncore.rnn import spectral_norm, spectral_radius

from ..registry import Text, figure, snippet, values
from .gradients import sci

READS = ("gradients.hidden", "gradients.steps", "gradients.networks", "gradients.input_scale",
         "gradients.seed", "gradients.ensemble_lambdas")
#: The 2 × 2 example: a shear. Both eigenvalues are 1/2, yet it stretches some vectors by more than 2.
EXAMPLE = np.array([[0.5, 2.0], [0.0, 0.5]])
EXAMPLE_POWERS = (1, 2, 5, 10, 20, 40)
LABELS = {"gaussian": "Gaussian", "orthogonal": "orthogonal", "symmetric": "symmetric"}
#: Matrices drawn to measure how ρ compares with λ in the Gaussian ensemble.
RATIO_SAMPLE = 1000


def _common(params) -> dict:
    return dict(hidden=int(params["gradients.hidden"]), steps=int(params["gradients.steps"]),
                networks=int(params["gradients.networks"]), input_scale=float(params["gradients.input_scale"]),
                seed=int(params["gradients.seed"]))


def studies(params) -> dict[tuple[str, str, float], ensembles.EnsembleStudy]:
    """(kind, scale, size) → study, tanh: every ensemble at every λ, and the Gaussian one at ρ = λ too."""
    result = {}
    for size in params["gradients.ensemble_lambdas"]:
        for kind in ensembles.KINDS:
            result[(kind, "lambda", float(size))] = ensembles.study(kind, "tanh", float(size), **_common(params))
        result[("gaussian", "rho", float(size))] = ensembles.study("gaussian", "tanh", float(size), scale="rho",
                                                                   **_common(params))
    return result


def gaussian_rho_over_lambda(params) -> np.ndarray:
    W = ensembles.ensemble("gaussian", 1.0, hidden=int(params["gradients.hidden"]), networks=RATIO_SAMPLE,
                           seed=int(params["gradients.seed"]))
    return ensembles.spectral_radii(W)  # λ = 1, so ρ/λ = ρ


def eigenvalue_share(kind: str, params) -> float:
    """Median over the networks of the median |eigenvalue| / ρ: how many directions are
    stretched nearly as much as the largest one (1 for orthogonal matrices)."""
    W = ensembles.ensemble(kind, 1.0, hidden=int(params["gradients.hidden"]),
                           networks=int(params["gradients.networks"]), seed=int(params["gradients.seed"]))
    moduli = np.abs(np.linalg.eigvals(W))
    return float(np.median(np.median(moduli, axis=1) / moduli.max(axis=1)))


def _name(kind: str, scale: str) -> str:
    return f"{LABELS[kind]}, scaled to {'λ' if scale == 'lambda' else 'ρ'}"


def _short(kind: str, scale: str, run) -> str:
    """A line label: the ensemble and its median λ and ρ."""
    lam, rho = float(np.median(run.lam)), float(np.median(run.rho))
    from ..style import math

    return f"{LABELS[kind]}\n" + math(f"λ = {show(round(lam, 1))}, ρ ≈ {show(round(rho, 1))}")


@snippet("lambda-rho-example")
def lambda_rho_example(params) -> str:
    lam, rho = spectral_norm(EXAMPLE), spectral_radius(EXAMPLE)
    norms = ensembles.linear_power_norms(EXAMPLE, max(EXAMPLE_POWERS))
    lines = ["| power \\(n\\) | measured \\(\\lVert W^n \\rVert\\) | bound \\(\\lambda^n\\) | long-run rate \\(\\rho^n\\) |", "|--:|--:|--:|--:|"]
    for n in EXAMPLE_POWERS:
        lines.append(f"| {n} | {sci(norms[n], 3)} | {sci(lam ** n, 3)} | {sci(rho ** n, 3)} |")
    return "\n".join(lines) + "\n"


@snippet("ensemble-table", reads=READS)
def ensemble_table(params) -> str:
    runs = studies(params)
    T = int(params["gradients.steps"])
    n = int(params["gradients.networks"])
    lines = [f"| matrices \\(W_{{hh}}\\) | median \\(\\lambda\\) | median \\(\\rho\\) | bound \\((\\gamma\\lambda)^{{{T}}}\\) "
             f"| median \\(\\lVert \\partial h_{{{T}}}/\\partial h_0 \\rVert\\) | range | networks that grow (of {n}) |",
             "|:--|--:|--:|--:|--:|--:|--:|"]
    for (kind, scale, size), run in runs.items():
        lines.append(
            f"| {_name(kind, scale)} {show(size)} | {show(round(float(np.median(run.lam)), 2))} "
            f"| {show(round(float(np.median(run.rho)), 2))} | {sci(run.bound[-1])} | **{sci(run.median[-1])}** "
            f"| {sci(run.end().min())} … {sci(run.end().max())} | {run.growing()} |")
    return "\n".join(lines) + "\n"


@values("ensembles", reads=READS)
def ensemble_values(params) -> dict[str, str]:
    lam, rho = spectral_norm(EXAMPLE), spectral_radius(EXAMPLE)
    norms = ensembles.linear_power_norms(EXAMPLE, max(EXAMPLE_POWERS))
    ratios = gaussian_rho_over_lambda(params)
    small, large = (float(v) for v in params["gradients.ensemble_lambdas"])
    runs = studies(params)
    result = {
        "ensembles.example.lambda": show(round(lam, 3)),
        "ensembles.example.rho": show(round(rho, 3)),
        "ensembles.example.peak": show(round(float(norms.max()), 2)),
        "ensembles.example.peak_n": str(int(np.argmax(norms))),
        "ensembles.example.n40": sci(norms[40], 3),
        "ensembles.gaussian.rho_over_lambda": show(round(float(np.median(ratios)), 2)),
        "ensembles.gaussian.rho_over_lambda_low": show(round(float(np.min(ratios)), 2)),
        "ensembles.gaussian.rho_over_lambda_high": show(round(float(np.max(ratios)), 2)),
        "ensembles.sample": str(RATIO_SAMPLE),
        "ensembles.small": show(small),
        "ensembles.large": show(large),
        "ensembles.networks": str(int(params["gradients.networks"])),
        "ensembles.steps": str(int(params["gradients.steps"])),
    }
    for kind in ensembles.KINDS:
        result[f"ensembles.{kind}.eigenvalue_share"] = show(round(eigenvalue_share(kind, params), 2))
    for (kind, scale, size), run in runs.items():
        key = f"ensembles.{kind}.{scale}.{'small' if size == small else 'large'}"
        result[f"{key}.median"] = sci(run.median[-1])
        result[f"{key}.low"] = sci(run.end().min())
        result[f"{key}.high"] = sci(run.end().max())
        result[f"{key}.growing"] = str(run.growing())
        result[f"{key}.rho"] = show(round(float(np.median(run.rho)), 2))
        result[f"{key}.bound"] = sci(run.bound[-1])
    return result


@figure("ensemble-jacobians", reads=READS, size=(6.4, 5.2))
def ensemble_jacobians(fig, params, theme) -> Text:
    import matplotlib

    with matplotlib.rc_context({"font.size": 13, "axes.titlesize": 13, "xtick.labelsize": 12, "ytick.labelsize": 12}):
        ax = fig.add_subplot()
    large = float(params["gradients.ensemble_lambdas"][1])
    runs = {key: run for key, run in studies(params).items() if key[2] == large}
    from ..style import band, math

    # one colour per ensemble (these appear in no other figure): orthogonal matrices make
    # the gradient grow, Gaussian ones rescaled to λ make it vanish
    colours = {("orthogonal", "lambda"): theme.exploding, ("gaussian", "rho"): theme.slow,
               ("symmetric", "lambda"): theme.slower, ("gaussian", "lambda"): theme.vanishing}
    T = int(params["gradients.steps"])
    distance = np.arange(T + 1)
    bound = next(iter(runs.values())).bound
    ax.plot(distance, np.log10(bound), color=theme.muted, lw=1.5, ls=(0, (4, 3)))
    label_y = max(float(np.log10(run.median).max()) for run in runs.values()) + 2
    ax.text(label_y / np.log10(large) + 1, label_y, f"bound ${show(large)}^{{T-k}}$", color=theme.muted,
            fontsize=11, ha="left", va="center")
    summary = []
    for (kind, scale, _), run in runs.items():
        colour = colours[(kind, scale)]
        logs = np.log10(run.norms)
        band(ax, theme, distance, np.percentile(logs, 25, axis=0), np.percentile(logs, 75, axis=0), colour)
        median = np.log10(run.median)
        ax.plot(distance, median, color=colour, lw=2.2 if kind == "orthogonal" else 1.6)
        label = _short(kind, scale, run)
        if theme.phone:  # λ and ρ on lines of their own: the margin is narrow
            label = label.replace(", ", "\n")
        ax.text(T + 0.8, median[-1], label, color=colour, fontsize=10.5, va="center", ha="left")
        summary.append(f"{_name(kind, scale)}: median {sci(run.median[-1])} at T − k = {T}, "
                       f"{run.growing()} of {len(run.norms)} networks above 1")
    ax.axhline(0, color=theme.ink, lw=0.8)
    ax.set_xlim(0, T)
    top = max(float(np.log10(run.median).max()) for run in runs.values()) + 3
    bottom = min(float(np.log10(run.median).min()) for run in runs.values()) - 2
    ax.set_ylim(bottom, top)
    ax.set_xlabel("$T - k$, steps the gradient travels back")
    ax.set_ylabel(r"$\log_{10}\,\Vert\partial h_T/\partial h_k\Vert$")
    ax.set_title(f"tanh networks, {math(f'λ = {show(large)}')} or {math(f'ρ = {show(large)}')}")
    ax.grid(True, lw=0.5)
    return Text(
        alt=(f"Line chart, logarithmic vertical axis, of the median Jacobian norm against T − k from 0 to {T} for "
             f"tanh networks of four kinds, with their middle half shaded and the bound ({show(large)})ᵀ⁻ᵏ dashed. "
             + "; ".join(summary) + "."),
        caption=(f"Three ensembles at the same largest singular value λ = {show(large)}, and Gaussian matrices at "
                 f"the same spectral radius ρ = {show(large)}. Orthogonal matrices (ρ = λ) make the gradient grow; "
                 f"Gaussian matrices rescaled to λ have ρ well below λ and vanish; "
                 f"symmetric matrices have ρ = λ but spread-out eigenvalues and vanish too. Lines: medians; "
                 f"bands: the middle half of the networks."))
