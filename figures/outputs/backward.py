"""The backward pass in numbers: exact BPTT tables of the StatQuest network, one tab per w2."""
from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from rnncore import backward_tables
from rnncore import statquest_gradients as sg
from rnncore.exact import MINUS, show, superscript
from rnncore.statquest import HIGH, MEDIUM, Weights

from ..notation import html as notation
from ..registry import snippet, values

READS = ("backward.*", "network.*", "statland.three_days")
NAMES = {HIGH: "High", MEDIUM: "Medium", 0.0: "Low"}


def exact_text(value: Fraction) -> str:
    """A Fraction whose denominator has only the factors 2 and 5, written out in full."""
    with localcontext() as context:
        context.prec = 200
        number = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(number) != value:
        raise ValueError(f"{value} is not a finite decimal")
    return show(number)


def _network(params, w2: float) -> Weights:
    return Weights(w1=float(params["network.w1"]), b1=float(params["network.b1"]), w2=float(w2),
                   w3=float(params["network.w3"]), b2=float(params["network.b2"]))


def sequences(params) -> dict[str, list[float]]:
    days = int(params["backward.long_days"])
    return {"three": [float(v) for v in params["statland.three_days"]], "long": [HIGH] + [MEDIUM] * (days - 1)}


def _factors(tb, row) -> str:
    w = tb.weights
    base = exact_text(w["w2"])
    power = f"({base}){superscript(row.power)}" if w["w2"] < 0 else f"{base}{superscript(row.power)}"
    return (f"{exact_text(tb.d_predicted)} × {exact_text(w['w3'])} × {power} × {row.slopes} × "
            f"{exact_text(row.previous_y)}")


def render(tb) -> str:
    T = len(tb.rows)
    head = [
        f"Predicted = y{_sub(T)} × w₃ + b₂ = {exact_text(tb.predicted)}; "
        f"∂SSR/∂predicted = 2 × ({exact_text(tb.predicted)} − {exact_text(tb.observed)}) = "
        f"**{exact_text(tb.d_predicted)}**, and ∂SSR/∂y{_sub(T)} = {exact_text(tb.d_predicted)} × "
        f"{exact_text(tb.weights['w3'])} = {exact_text(tb.rows[0].d_y)}.",
        "",
        # one line a row, scrolling sideways on a phone (guide.css), rather than the arithmetic
        # wrapped into a column as narrow as the others
        '<div class="guide-ledger" markdown>',
        "",
        "| t | xₜ | ReLU′ | ∂SSR/∂yₜ | ∂SSR/∂xₜ | yₜ₋₁ | term of ∂SSR/∂w₂, factors as in the formula |",
        "|--:|--:|--:|--:|--:|--:|:--|",
    ]
    for row in tb.rows:
        head.append(f"| {row.t} | {exact_text(row.x)} | {row.slope} | {exact_text(row.d_y)} | {exact_text(row.d_x)} "
                    f"| {exact_text(row.previous_y)} | {_factors(tb, row)} = **{exact_text(row.term)}** |")
    terms = " + ".join(exact_text(row.term) if row.term >= 0 else f"({exact_text(row.term)})" for row in tb.rows)
    head += ["", "</div>", "", f"∂SSR/∂w₂ = {terms} = **{exact_text(tb.total)}**"]
    return "\n".join(head)


def _sub(t: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(c)] for c in str(t))


def tables(params):
    observed = float(params["backward.observed"])
    return {(key, float(w2)): backward_tables.table(_network(params, w2), inputs, observed)
            for key, inputs in sequences(params).items() for w2 in params["backward.w2_values"]}


def _snippet(params, key: str) -> str:
    inputs = sequences(params)[key]
    observed = float(params["backward.observed"])
    blocks = []
    for w2 in params["backward.w2_values"]:
        tb = backward_tables.table(_network(params, w2), inputs, observed)
        checks = _checks(params, w2, inputs, observed)
        label = show(float(w2)).replace("-", MINUS)
        body = render(tb) + (f"\n\nThe engine's BPTT for the vector RNN (`rnncore.rnn.bptt`) gives "
                             f"{checks['rnn']}, and the central difference (SSR(w₂ + 10⁻⁶) − SSR(w₂ − 10⁻⁶))/(2 × 10⁻⁶) "
                             f"gives {checks['central']}.")
        if any(row.x == 0 for row in tb.rows):
            body += ("\n\nA sum here is exactly 0, where ReLU has a kink. The backward pass uses "
                     "ReLU′(0) = 0, as PyTorch does; that is the slope on the side of smaller w₂. The central "
                     "difference straddles the kink and averages the slopes of its two sides, so it differs.")
        blocks.append(f'=== "w₂ = {label}"\n\n' + "\n".join(f"    {line}" if line else "" for line in body.split("\n")))
    return notation("\n\n".join(blocks)) + "\n"


def _checks(params, w2, inputs, observed) -> dict[str, str]:
    network = _network(params, w2).as_dict()
    rnn = sg.rnn_gradients(network, [inputs], [observed])["w2"]
    central = sg.finite_differences(network, [inputs], [observed])["w2"]
    return {"rnn": _float(rnn), "central": _float(central)}


def _float(value: float) -> str:
    """Six significant digits: enough to compare with the exact total, honest about float."""
    return show(Decimal(f"{value:.6g}")) if value != 0 else "0"


@snippet("backward-three-days", reads=READS)
def backward_three_days(params) -> str:
    return _snippet(params, "three")


@snippet("backward-long", reads=READS)
def backward_long(params) -> str:
    return _snippet(params, "long")


@values("backward", reads=READS)
def backward_values(params) -> dict[str, str]:
    seqs = sequences(params)
    result = {
        "backward.observed": show(float(params["backward.observed"])),
        "backward.long_days": str(int(params["backward.long_days"])),
        "backward.three_days": ", ".join(NAMES.get(v, show(v)) for v in seqs["three"]),
        "backward.long_last": str(int(params["backward.long_days"]) - 1),
    }
    return result
