"""StatLand step by step: the table, each scenario's arithmetic, the unrolled diagrams."""
from __future__ import annotations

from rnncore.examples.statland import SCENARIOS, sub
from rnncore.exact import show
from rnncore.statquest import PRICE_LEVELS, Trace, unroll

from ..params import weights
from ..registry import PHONE_WIDTH, Text, figure, snippet, values

KEYS = {f"statland-{key}": key.replace("-", "_") for key in
        ("low-low", "low-medium", "high-medium", "high-high", "three-days")}
NAMES = {value: level for level, value in PRICE_LEVELS.items()}


def scenario_key(example_id: str) -> str:
    return f"statland.{KEYS[example_id]}"


def price_words(inputs) -> str:
    return ", ".join(NAMES.get(float(value), show(value)) for value in inputs)


def scenario(params, example_id: str) -> tuple[Trace, str, str]:
    """A scenario's trace, its inputs in words and the observed price (from the sources)."""
    inputs = params[scenario_key(example_id)]
    _, observed, _ = SCENARIOS[example_id]
    return unroll(inputs, weights(params)), price_words(inputs), observed


def traces(params) -> dict[str, tuple[Trace, str, str]]:
    return {example_id: scenario(params, example_id) for example_id in KEYS}


SCENARIO_READS = ("network.*", "statland.*")


def _latex(arithmetic: str) -> str:
    return arithmetic.replace("×", r"\times").replace("−", "-").replace("max(", r"\max(")


@snippet("statland-table", reads=SCENARIO_READS)
def table(params) -> str:
    """One row per sequence: the prediction and the observed price first (on a phone they
    are what shows before the table scrolls), then each day's sum x_t and activation y_t."""
    rows = traces(params)
    longest = max(len(trace.steps) for trace, _, _ in rows.values())
    header = ["Inputs, oldest first", "Prediction", "Observed next day"]
    header += [f"Day {t}: x{sub(t)} → y{sub(t)}" for t in range(1, longest + 1)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join([":--", ":-:", ":--"] + [":-:"] * longest) + "|"]
    for trace, words, observed in rows.values():
        cells = [words, f"**{show(trace.prediction)}**", observed or "not given"]
        cells += [f"{show(step.x)} → {show(step.y)}" for step in trace.steps]
        cells += ["—"] * (longest - len(trace.steps))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _steps_markdown(trace: Trace) -> str:
    """One equation per line (x_1, y_1, x_2, …), so that a phone shows every column."""
    rows = []
    for step in trace.steps:
        rows.append(rf"x_{{{step.t}}} &= {_latex(step.x_arithmetic)}")
        rows.append(rf"y_{{{step.t}}} &= {_latex(step.y_arithmetic)}")
    last = trace.steps[-1]
    rows.append(rf"\text{{prediction}} &= {_latex(last.output_arithmetic)}")
    body = " \\\\\n".join(rows)
    return f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$\n"


@snippet("statland-steps", reads=SCENARIO_READS)
def steps(params) -> str:
    """One content tab per scenario with every step's arithmetic."""
    parts = []
    for trace, words, observed in traces(params).values():
        parts.append(f'=== "{words}"\n')
        text = _steps_markdown(trace)
        seen = f"The observed price the next day was **{observed}**." if observed else \
            "The sources give no observed price for this sequence."
        first = trace.steps[0]
        text += (
            f"\nThe first copy's own output, {show(first.output)}, would be a prediction for day 2; "
            f"with more days to come it is ignored. {seen}\n"
        )
        parts.append("\n".join("    " + line if line else "" for line in text.splitlines()) + "\n")
    return "\n".join(parts)


@values("statland", reads=SCENARIO_READS)
def statland_values(params) -> dict[str, str]:
    network = weights(params)
    result = {f"network.{name}": show(value, keep=True) for name, value in network.as_dict().items()}
    result["network.parameter_count"] = str(network.count)
    for example_id, (trace, words, observed) in traces(params).items():
        key = KEYS[example_id]
        result[f"statland.{key}.inputs"] = words
        result[f"statland.{key}.prediction"] = show(trace.prediction)
        result[f"statland.{key}.first_output"] = show(trace.steps[0].output)
        for step in trace.steps:
            result[f"statland.{key}.x{step.t}"] = show(step.x)
            result[f"statland.{key}.y{step.t}"] = show(step.y)
    return result


# --- the unrolled network ---------------------------------------------------------

# Four boxes per copy in a row, with the weights written on the arrows between them.
STAGES = ("input", "sum", "relu", "output")
COLUMN = {stage: 2.2 * index for index, stage in enumerate(STAGES)}
BOX_W, BOX_H, ROW = 1.4, 0.86, 1.95
TITLE_SIZE, VALUE_SIZE, LABEL_SIZE = 11.5, 14.5, 11.5


def _node(ax, x, y, title, value, theme, *, color=None, strong=False):
    from matplotlib.patches import FancyBboxPatch

    edge = color or theme.ink
    ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                linewidth=2.2 if strong else 1.2, edgecolor=edge, facecolor=theme.fill))
    ax.text(x, y + 0.17, title, ha="center", va="center", fontsize=TITLE_SIZE, color=theme.muted)
    ax.text(x, y - 0.17, value, ha="center", va="center", fontsize=VALUE_SIZE, color=color or theme.ink,
            fontweight="bold" if strong else "normal")


def _arrow(ax, start, end, theme, *, color=None, dashed=False):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(
        arrowstyle="-|>", color=color or theme.muted, lw=1.3, shrinkA=0, shrinkB=0,
        linestyle=(0, (4, 3)) if dashed else "-", mutation_scale=12))


def draw_unrolled(fig, trace: Trace, theme) -> None:
    w = trace.weights
    ax = fig.add_subplot()
    ax.set_axis_off()
    last = len(trace.steps)
    from ..style import math

    labels = {("input", "sum"): f"$w_1$\n× {show(w.w1, keep=True)}",
              ("relu", "output"): f"$w_3$, $b_2$\n× {show(w.w3, keep=True)}\n+ {show(w.b2, keep=True)}"}
    for step in trace.steps:
        y = -(step.t - 1) * ROW
        final = step.t == last
        _node(ax, COLUMN["input"], y, f"input$_{{{step.t}}}$", show(step.input), theme)
        _node(ax, COLUMN["sum"], y, f"$+\\,b_1 = x_{{{step.t}}}$", show(step.x), theme)
        _node(ax, COLUMN["relu"], y, f"ReLU $= y_{{{step.t}}}$", show(step.y), theme)
        _node(ax, COLUMN["output"], y, "prediction" if final else f"output$_{{{step.t}}}$",
              show(step.output), theme, color=theme.prediction if final else theme.muted, strong=final)
        if not final:
            ax.text(COLUMN["output"], y - BOX_H / 2 - 0.06, "(ignored)", ha="center", va="top",
                    fontsize=LABEL_SIZE, color=theme.muted)
        for left, right in zip(STAGES, STAGES[1:]):
            _arrow(ax, (COLUMN[left] + BOX_W / 2, y), (COLUMN[right] - BOX_W / 2, y), theme)
            if (left, right) in labels:
                ax.text((COLUMN[left] + COLUMN[right]) / 2, y + 0.06, labels[(left, right)], ha="center",
                        va="bottom", fontsize=LABEL_SIZE - 1, color=theme.muted, linespacing=1.05)
        if not final:
            start = (COLUMN["relu"] - 0.2, y - BOX_H / 2)
            end = (COLUMN["sum"] + 0.2, y - ROW + BOX_H / 2)
            _arrow(ax, start, end, theme, color=theme.recurrent)
            ax.text((start[0] + end[0]) / 2 + 0.45, (start[1] + end[1]) / 2 + 0.22,
                    f"{math(f'× w₂ = {show(w.w2, keep=True)}')}\n{step.feedback_arithmetic}",
                    ha="left", va="center", fontsize=LABEL_SIZE, color=theme.recurrent, linespacing=1.0)
    ax.set_xlim(COLUMN["input"] - BOX_W / 2 - 0.05, COLUMN["output"] + BOX_W / 2 + 0.05)
    ax.set_ylim(-(last - 1) * ROW - BOX_H / 2 - 0.42, BOX_H / 2 + 0.05)
    ax.set_aspect("equal")


# On a phone each copy takes two rows of a three-column grid, so that the four boxes and
# the weights on their arrows keep the desktop's proportions at 360 px:
#     input → x            (× w1 on the arrow)
#             ↓ ReLU
#             y → output   (× w3, + b2 on the arrow)
# and the orange feedback arrow runs straight down from y_t to x_(t+1), labelled on its left.
PHONE_COLUMNS = (0.0, 2.2, 4.4)
PHONE_SUBROW, PHONE_COPY = 1.45, 1.75  # x row to y row; y row to the next copy's x row


def draw_unrolled_phone(fig, trace: Trace, theme) -> None:
    from ..style import fit_height, math

    w = trace.weights
    ax = fig.add_subplot()
    ax.set_axis_off()
    last = len(trace.steps)
    left, middle, right = PHONE_COLUMNS
    for step in trace.steps:
        top = -(step.t - 1) * (PHONE_SUBROW + PHONE_COPY)
        low = top - PHONE_SUBROW
        final = step.t == last
        _node(ax, left, top, f"input$_{{{step.t}}}$", show(step.input), theme)
        _node(ax, middle, top, f"$+\\,b_1 = x_{{{step.t}}}$", show(step.x), theme)
        _node(ax, middle, low, f"ReLU $= y_{{{step.t}}}$", show(step.y), theme)
        _node(ax, right, low, "prediction" if final else f"output$_{{{step.t}}}$",
              show(step.output), theme, color=theme.prediction if final else theme.muted, strong=final)
        if not final:
            ax.text(right, low - BOX_H / 2 - 0.06, "(ignored)", ha="center", va="top",
                    fontsize=LABEL_SIZE, color=theme.muted)
        _arrow(ax, (left + BOX_W / 2, top), (middle - BOX_W / 2, top), theme)
        ax.text((left + middle) / 2, top + 0.06, f"$w_1$\n× {show(w.w1, keep=True)}", ha="center", va="bottom",
                fontsize=LABEL_SIZE - 1, color=theme.muted, linespacing=1.05)
        _arrow(ax, (middle, top - BOX_H / 2), (middle, low + BOX_H / 2), theme)
        _arrow(ax, (middle + BOX_W / 2, low), (right - BOX_W / 2, low), theme)
        ax.text((middle + right) / 2, low + 0.06, f"$w_3$, $b_2$\n× {show(w.w3, keep=True)}\n+ {show(w.b2, keep=True)}",
                ha="center", va="bottom", fontsize=LABEL_SIZE - 1, color=theme.muted, linespacing=1.05)
        if not final:
            start, end = (middle, low - BOX_H / 2), (middle, low - PHONE_COPY + BOX_H / 2)
            _arrow(ax, start, end, theme, color=theme.recurrent)
            ax.text(middle - 0.12, low - PHONE_COPY / 2, f"{math(f'× w₂ = {show(w.w2, keep=True)}')}\n{step.feedback_arithmetic}",
                    ha="right", va="center", fontsize=LABEL_SIZE, color=theme.recurrent, linespacing=1.1)
    bottom = -(last - 1) * (PHONE_SUBROW + PHONE_COPY) - PHONE_SUBROW - BOX_H / 2 - 0.1
    top = BOX_H / 2 + 0.05
    x0, x1 = left - BOX_W / 2 - 0.05, right + BOX_W / 2 + 0.05
    ax.set_xlim(x0, x1)
    ax.set_ylim(bottom, top)
    ax.set_aspect("equal")
    fit_height(fig, x0, x1, bottom, top, extra=0.1)


def _unrolled_text(trace: Trace, words: str) -> Text:
    n = len(trace.steps)
    activations = ", ".join(show(step.y) for step in trace.steps)
    w = trace.weights
    alt = (
        f"Diagram of the StatQuest network unrolled into {n} copies for the inputs {words}. "
        f"In each copy the input is multiplied by {show(w.w1, keep=True)}, {show(w.b1, keep=True)} is added, "
        f"and ReLU gives the activations {activations}; each copy passes its activation, "
        f"times {show(w.w2, keep=True)}, to the next copy's sum. "
        f"The last copy outputs {show(trace.prediction)}, the prediction."
    )
    caption = (
        f"The network unrolled for the inputs {words}, oldest at the top. "
        f"Every copy shares the same weights; the orange arrows carry each activation, times w₂, "
        f"into the next copy. Only the last output ({show(trace.prediction)}) is the prediction."
    )
    return Text(alt=alt, caption=caption)


def _register_unrolled(example_id: str) -> None:
    key = KEYS[example_id]

    def draw(fig, params, theme) -> Text:
        trace, words, _ = scenario(params, example_id)
        if theme.phone:
            draw_unrolled_phone(fig, trace, theme)
        else:
            fig.set_size_inches(6.4, 0.25 + 1.3 * len(trace.steps))
            draw_unrolled(fig, trace, theme)
        return _unrolled_text(trace, words)

    figure(f"statland-unrolled-{key.replace('_', '-')}", reads=("network.*", f"statland.{key}"))(draw)


for _example_id in KEYS:
    _register_unrolled(_example_id)
