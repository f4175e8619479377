"""Powers of w₂: 2⁴, 2⁵⁰, 0.5⁵⁰, 10 to the 10⁶, and each input's share of a 50-step unroll."""
from __future__ import annotations

from decimal import Decimal

from rnncore.exact import grouped, scientific_rounded, show
from rnncore.powers import float_overflow_exponent, input_shares, power, powers_log10

from ..registry import Text, figure, values

BASES = (2, 1, 0.5)


def share_text(value) -> str:
    """0.5 stays 0.5; tiny shares get a power of ten."""
    number = float(value)
    return show(Decimal(f"{number:.3g}")) if number >= 1e-3 else scientific_rounded(number, 3)
UNROLLS = 50


@values("powers")
def powers_values(params) -> dict[str, str]:
    two4, two50, half50, ten = power(2, 4), power(2, 50), power(0.5, 50), power(10, 10 ** 6)
    shares = {w2: input_shares(w2, UNROLLS) for w2 in BASES}
    return {
        "powers.two_4": two4.exact_text(),
        "powers.two_50": two50.exact_text(),
        "powers.two_50_rounded": scientific_rounded(two50.exact, 3),
        "powers.two_50_scientific": two50.scientific(),
        "powers.half_50_fraction": half50.exact_text(),
        "powers.half_50_scientific": half50.scientific(),
        "powers.ten_million": ten.magnitude(),
        "powers.ten_million_log10": grouped(int(ten.log10)),
        "powers.two_million": power(2, 10 ** 6).magnitude(),
        "powers.overflow_two": grouped(float_overflow_exponent(2)),
        "powers.overflow_ten": grouped(float_overflow_exponent(10)),
        "powers.unrolls": str(UNROLLS),
        "powers.days": str(UNROLLS + 1),
        "powers.share_first_two": share_text(shares[2][0]),
        "powers.share_first_one": share_text(shares[1][0]),
        "powers.share_first_half": share_text(shares[0.5][0]),
        "powers.share_last_two": share_text(shares[2][-1]),
        "powers.share_last_half": share_text(shares[0.5][-1]),
    }


def _colors(theme):
    from ..style import factor_colour

    return {w2: factor_colour(theme, w2) for w2 in BASES}


def _w2(w2) -> str:
    from ..style import math

    return math(f"w₂ = {show(w2)}")


@figure("powers-log", size=(6.4, 4.8))
def powers_log(fig, params, theme) -> Text:
    T = list(range(0, 61))
    import matplotlib

    from ..style import math

    with matplotlib.rc_context({"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12, "xtick.labelsize": 12, "ytick.labelsize": 12}):
        ax = fig.add_subplot()
    colors = _colors(theme)
    for w2 in BASES:
        ax.plot(T, powers_log10(w2, T), color=colors[w2], lw=2, label=_w2(w2))
    marks = [(2, 4), (2, 50), (0.5, 50)]
    for w2, n in marks:
        p = power(w2, n)
        y = float(p.log10)
        ax.plot([n], [y], "o", color=colors[w2], ms=7, zorder=3)
        text = math(f"{p.expression()} = {p.exact_text()}" if n == 4 else
                    f"{p.expression()} ≈ {scientific_rounded(p.to_float(), 3)}")
        # 2⁴ sits close to the y axis: on the desktop figure, right-aligned, it would cross it
        centred = n == 4 and not theme.phone
        ax.annotate(text, (n, y), xytext=(0, 14) if centred else (-10, 10 if w2 > 1 else -16),
                    textcoords="offset points", ha="center" if centred else "right", color=theme.ink, fontsize=12)
    ticks = list(range(-18, 19, 6))
    ax.set_yticks(ticks, [f"$\\mathdefault{{10^{{{k}}}}}$" for k in ticks])  # as every log axis
    ax.set_ylim(-19, 19)
    ax.set_xlim(0, 60)
    ax.grid(True, lw=0.6)
    ax.set_xlabel(r"$T$, the number of times the first input is multiplied by $w_2$")
    ax.set_ylabel(r"$|w_2|^T$ (log scale)")
    ax.set_title(r"$|w_2|^T$ grows or shrinks geometrically")
    ax.legend(loc="upper left")
    two4, two50, half50 = power(2, 4), power(2, 50), power(0.5, 50)
    return Text(
        alt=(f"Line chart of |w₂|ᵀ against T from 0 to 60 on a logarithmic axis for w₂ = 2, 1 and 0.5. "
             f"The w₂ = 2 line rises through 2⁴ = {two4.exact_text()} and 2⁵⁰ = {two50.exact_text()}; the w₂ = 1 "
             f"line stays at 1; the w₂ = 0.5 line falls to 0.5⁵⁰ = {half50.exact_text()}, about "
             f"{half50.scientific()}."),
        caption=(f"On a log axis a power is a straight line: w₂ = 2 climbs more than {int(two50.log10)} powers of "
                 f"ten in 50 steps, w₂ = 0.5 falls by as many, and only w₂ = 1 keeps the first input at its size."))


@figure("input-shares", size=(6.4, 4.8))
def input_shares_figure(fig, params, theme) -> Text:
    import matplotlib

    with matplotlib.rc_context({"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12, "xtick.labelsize": 12, "ytick.labelsize": 12}):
        ax = fig.add_subplot()
    colors = _colors(theme)
    t = list(range(1, UNROLLS + 1))
    firsts = {}
    for w2 in BASES:
        shares = [float(s) for s in input_shares(w2, UNROLLS)]
        firsts[w2] = input_shares(w2, UNROLLS)[0]
        ax.plot(t, shares, "o-", ms=3, lw=1.5, color=colors[w2], label=_w2(w2))
    ax.set_yscale("log")
    ax.set_xlabel(r"input $t$ (day 1 is the oldest)")
    ax.set_ylabel(f"share of input $t$ in the sum at day {UNROLLS}")
    ax.set_title(f"Who is heard at day {UNROLLS}?")
    ax.grid(True, lw=0.6, which="major")
    ax.set_xlim(0, UNROLLS + 1)
    ax.legend(loc="center right")
    ax.annotate(f"day 1: {share_text(firsts[0.5])}", (1, float(firsts[0.5])), xytext=(8, 0),
                textcoords="offset points", va="center", color=colors[0.5], fontsize=12)
    ax.annotate(f"day 1: {share_text(firsts[2])}", (1, float(firsts[2])), xytext=(12, 4),
                textcoords="offset points", va="bottom", color=colors[2], fontsize=12)
    return Text(
        alt=(f"Log-scale chart of each day's share of the last copy's sum when {UNROLLS} equal inputs are "
             f"unrolled. With w₂ = 2 day 1 has the largest share, {share_text(firsts[2])}, and each "
             f"later day half as much; with w₂ = 1 every day has {share_text(firsts[1])}; with "
             f"w₂ = 0.5 day 1 has {share_text(firsts[0.5])} and day {UNROLLS} has about a half."),
        caption=("With w₂ = 2 the oldest day drowns out the rest; with w₂ = 0.5 the oldest day is a "
                 "rounding error and only the last few days count; with w₂ = 1 every day counts the same."))
