"""Foundations: why sequences, architectures, the feedback loop, unrolling, memory.

Figures and values of the first chapters. Every number comes from rnncore:
``unroll`` for the companies' predictions, ``cnn`` for the feature map,
``parameters`` for the counts and ``memory`` for the fading of the first input.
"""
from __future__ import annotations

from rnncore import cnn, memory, parameters
from rnncore.examples.foundations import feature_map_steps
from rnncore.exact import MINUS, grouped, show, superscript
from rnncore.statquest import Weights, unroll

from ..notation import symbol
from ..params import weights
from ..registry import PHONE_WIDTH, Text, figure, snippet, values

BLUE_DAYS, RED_DAYS, TARGET_DAY = 9, 5, 10


def price(value) -> str:
    """An invented price to two decimals: the exact prediction has nine or ten digits,
    more than an illustration needs."""
    from decimal import ROUND_HALF_EVEN, Decimal

    return show(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def companies(params):
    """Each company's first day, prices and trace through the same five parameters."""
    network = weights(params)
    result = {}
    for name in ("blue", "red"):
        prices = params[f"sequences.{name}"]
        first_day = TARGET_DAY - len(prices)
        result[name] = (first_day, prices, unroll(prices, network))
    return result


# --- Why sequences ------------------------------------------------------------------

@figure("sequences-companies", reads=("network.*", "sequences.*"), size=(6.4, 4.6))
def sequences_companies(fig, params, theme) -> Text:
    import matplotlib

    with matplotlib.rc_context({"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12, "xtick.labelsize": 12, "ytick.labelsize": 12}):
        ax = fig.add_subplot()
    colours = {"blue": theme.company_blue, "red": theme.company_red}
    data = companies(params)
    for name, (first_day, prices, trace) in data.items():
        colour = colours[name]
        days = list(range(first_day, TARGET_DAY))
        ax.plot(days, prices, marker="o", color=colour, lw=2,
                label=f"{name} company: {len(prices)} days of prices")
        prediction = float(trace.prediction)
        ax.plot([days[-1], TARGET_DAY], [prices[-1], prediction], color=colour, lw=1.5, ls=(0, (3, 3)))
        ax.plot([TARGET_DAY], [prediction], marker="*", markersize=15, color=colour,
                markeredgecolor=theme.ink, markeredgewidth=0.6, linestyle="none")
        ax.annotate(f"day 10:\n{price(trace.prediction)}", (TARGET_DAY, prediction), xytext=(12, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=12, color=colour,
                    fontweight="bold")
    ax.axvspan(TARGET_DAY - 0.4, TARGET_DAY + 0.4, color=theme.grid, alpha=0.45, lw=0)
    ax.set_xticks(range(1, TARGET_DAY + 1))
    ax.set_xlim(0.5, TARGET_DAY + (3.2 if theme.phone else 2.2))  # room for the "day 10" labels
    ax.spines["bottom"].set_bounds(0.5, TARGET_DAY + 0.5)
    top = max(max(p for _, prices, _ in data.values() for p in prices),
              max(float(t.prediction) for _, _, t in data.values()))
    ax.set_ylim(0, max(1.0, top) + 0.15)
    ax.set_xlabel("day (day 10 is predicted)")
    ax.set_ylabel("price (scaled: 0 Low, 1 High)")
    ax.grid(axis="y", lw=0.6)
    if theme.phone:  # under the plot: inside, it would cover the blue line's end
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", fontsize=12)
    else:
        ax.legend(loc="upper left", fontsize=12)
    ax.set_title("Two sequence lengths, one set of five parameters")
    blue, red = data["blue"][2], data["red"][2]
    alt = (
        f"Line chart of invented, illustrative prices. The blue company has prices for days "
        f"{data['blue'][0]} to 9 ({', '.join(show(p) for p in data['blue'][1])}); the red company for days "
        f"{data['red'][0]} to 9 ({', '.join(show(p) for p in data['red'][1])}). Run through the same "
        f"StatQuest network, the blue sequence predicts {price(blue.prediction)} and the red one "
        f"{price(red.prediction)} for day 10, drawn as stars."
    )
    caption = (
        f"Invented prices for illustration (the sources give none). The same network, with the same "
        f"five parameters, reads 9 values for the blue company and 5 for the red one and predicts day 10 "
        f"for both: {price(blue.prediction)} and {price(red.prediction)}. A network with a fixed number of "
        f"inputs could not take both."
    )
    return Text(alt=alt, caption=caption)


SHAPES = {
    # name: (inputs at steps, outputs at steps, number of steps, example)
    "one-to-one": ((1,), (1,), 1, "image classification"),
    "one-to-many": ((1,), (1, 2, 3, 4), 4, "image captioning, music"),
    "many-to-one": ((1, 2, 3, 4), (4,), 4, "sentiment, tomorrow's price"),
    "many-to-many": ((1, 2, 3, 4), (1, 2, 3, 4), 4, "named-entity tagging"),
}


def _box(ax, x, y, label, edge, theme, *, filled=False):
    from matplotlib.patches import FancyBboxPatch

    size = 0.56
    ax.add_patch(FancyBboxPatch((x - size / 2, y - size / 2), size, size,
                                boxstyle="round,pad=0.02,rounding_size=0.1", linewidth=1.6,
                                edgecolor=edge, facecolor=theme.fill if filled else "none"))
    ax.text(x, y, label, ha="center", va="center", fontsize=14, color=edge)


def _link(ax, start, end, colour):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(
        arrowstyle="-|>", color=colour, lw=1.3, shrinkA=0, shrinkB=0, mutation_scale=11))


@figure("sequence-shapes", size=(6.4, 5.0), phone_size=(PHONE_WIDTH, 8.0))
def sequence_shapes(fig, params, theme) -> Text:
    axes = fig.subplots(4, 1) if theme.phone else fig.subplots(2, 2)  # on a phone, one shape a row
    half = 0.28
    for ax, (name, (ins, outs, steps, use)) in zip(axes.flat, SHAPES.items()):
        ax.set_axis_off()
        shift = (4 - steps) / 2  # centre short chains
        for t in range(1, steps + 1):
            x = t + shift
            _box(ax, x, 1, "$h$", theme.recurrent, theme, filled=True)
            if t in ins:
                _box(ax, x, 0, "$x$", theme.input, theme)
                _link(ax, (x, half), (x, 1 - half), theme.muted)
            if t in outs:
                _box(ax, x, 2, "$y$", theme.prediction, theme)
                _link(ax, (x, 1 + half), (x, 2 - half), theme.muted)
            if t < steps:
                _link(ax, (x + half, 1), (x + 1 - half, 1), theme.recurrent)
        ax.set_xlim(0.4, 4.6)
        ax.set_ylim(-0.95, 2.4)
        ax.set_aspect("equal")
        ax.set_title(name, fontsize=14)
        ax.text(2.5, -0.55, f"e.g. {use}", ha="center", va="center", fontsize=12, color=theme.muted)
    alt = (
        "Four diagrams of sequence models built from boxes x (input), h (hidden state) and y (output). "
        "One-to-one: one x, one h, one y. One-to-many: one x at the first step, four h in a chain, a y at "
        "every step. Many-to-one: an x at each of four steps, four h in a chain, one y at the last step. "
        "Many-to-many: an x and a y at each of four steps."
    )
    caption = (
        "The four shapes of sequence models. Time runs left to right; the horizontal arrows are the "
        "hidden state passed from step to step, the same weights at every step. The StatLand network "
        "is many-to-one: a sequence of prices in, one prediction out."
    )
    return Text(alt=alt, caption=caption)


# --- Many architectures, few principles --------------------------------------------

def _grid(ax, grid, left, top, theme, *, blocks=0):
    from matplotlib.patches import Rectangle

    rows, columns = len(grid), len(grid[0])
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value > 0:
                face, alpha = theme.prediction, 0.35
            elif value < 0:
                face, alpha = theme.negative, 0.12 + 0.1 * min(-value, 2)
            else:
                face, alpha = theme.fill, 1.0
            ax.add_patch(Rectangle((left + j, top - i - 1), 1, 1, facecolor=face, alpha=alpha,
                                   edgecolor="none"))
            ax.add_patch(Rectangle((left + j, top - i - 1), 1, 1, facecolor="none",
                                   edgecolor=theme.muted, lw=0.8))
            ax.text(left + j + 0.5, top - i - 0.5, str(value).replace("-", MINUS), ha="center",
                    va="center", fontsize=15, color=theme.ink, fontweight="bold" if value > 0 else "normal")
    if blocks:
        for i in range(0, rows, blocks):
            for j in range(0, columns, blocks):
                ax.add_patch(Rectangle((left + j, top - i - blocks), blocks, blocks, facecolor="none",
                                       edgecolor=theme.ink, lw=2.4))


@figure("cnn-feature-map", size=(6.4, 2.6))
def cnn_feature_map(fig, params, theme) -> Text:
    grids = feature_map_steps()
    ax = fig.add_subplot()
    ax.set_axis_off()
    if theme.phone:
        _cnn_feature_map_phone(fig, ax, grids, theme)
        return _cnn_feature_map_text(grids)
    _grid(ax, grids["feature_map"], 0, 4, theme)
    _grid(ax, grids["relu"], 6, 4, theme, blocks=2)
    _grid(ax, grids["pooled"], 12, 3, theme)
    for start, end, label in ((4.15, 5.85, "ReLU"), (10.15, 11.85, "2×2 max\npooling")):
        _link(ax, (start, 2), (end, 2), theme.ink)
        ax.text((start + end) / 2, 2.25, label, ha="center", va="bottom", fontsize=12, color=theme.ink)
    for x, title in ((2, "feature map"), (8, "after ReLU"), (13, "after pooling")):
        ax.text(x, 4.25, title, ha="center", va="bottom", fontsize=12, color=theme.muted)
    ax.set_xlim(-0.1, 14.1)
    ax.set_ylim(-0.1, 4.8)
    ax.set_aspect("equal")
    return _cnn_feature_map_text(grids)


def _cnn_feature_map_phone(fig, ax, grids, theme) -> None:
    """Two rows: the feature map → ReLU, then pooling down to the small grid under it."""
    from ..style import fit_height

    _grid(ax, grids["feature_map"], 0, 4, theme)
    _grid(ax, grids["relu"], 6, 4, theme, blocks=2)
    _grid(ax, grids["pooled"], 7, -1.9, theme)
    _link(ax, (4.15, 2), (5.85, 2), theme.ink)
    ax.text(5, 2.25, "ReLU", ha="center", va="bottom", fontsize=12, color=theme.ink)
    _link(ax, (8, -0.15), (8, -1.75), theme.ink)
    ax.text(7.8, -0.95, "2×2 max pooling", ha="right", va="center", fontsize=12, color=theme.ink)
    for x, y, title, align in ((2, 4.25, "feature map", "center"), (8, 4.25, "after ReLU", "center"),
                               (6.8, -2.9, "after pooling", "right")):
        ax.text(x, y, title, ha=align, va="bottom" if align == "center" else "center", fontsize=12, color=theme.muted)
    x0, x1, y0, y1 = -0.1, 10.1, -4.0, 4.9
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    fit_height(fig, x0, x1, y0, y1)


def _cnn_feature_map_text(grids) -> Text:
    def rows(grid):
        return "; ".join(" ".join(str(v).replace("-", MINUS) for v in row) for row in grid)

    alt = (
        f"Three grids of numbers. The 4 by 4 feature map, row by row: {rows(grids['feature_map'])}. "
        f"After ReLU: {rows(grids['relu'])}, with its four 2 by 2 blocks outlined. "
        f"After 2 by 2 max pooling: {rows(grids['pooled'])}."
    )
    caption = (
        "A filter's feature map, then ReLU (negative responses become 0), then 2×2 max pooling (the "
        "largest value of each outlined block). Only the two places where the filter matched survive, "
        "at a quarter of the size."
    )
    return Text(alt=alt, caption=caption)


ARCH_READS = ("architectures.*",)


def _sizes(params):
    return tuple(params[f"architectures.{k}"] for k in ("input_size", "hidden_size", "output_size"))


@figure("parameter-count", reads=ARCH_READS, size=(6.4, 4.6))
def parameter_count(fig, params, theme) -> Text:
    D, H, O = _sizes(params)
    longest = params["architectures.max_length"]
    lengths = list(range(1, longest + 1))
    rnn = [parameters.unrolled_count(D, H, O, T) for T in lengths]
    flat = [parameters.all_at_once_count(D, H, O, T) for T in lengths]
    crossover = parameters.first_length_where_all_at_once_is_larger(D, H, O)
    import matplotlib

    with matplotlib.rc_context({"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12, "xtick.labelsize": 12, "ytick.labelsize": 12}):
        ax = fig.add_subplot()
    ax.plot(lengths, flat, color=theme.ink, lw=2.2, label="all inputs at once (one hidden layer)")
    ax.plot(lengths, rnn, color=theme.rnn, lw=2.6, label="RNN, weights tied across time")
    ax.annotate(f"{grouped(rnn[0])} for every $T$", (lengths[-1], rnn[-1]), xytext=(0, 8),
                textcoords="offset points", ha="right", va="bottom", color=theme.rnn, fontsize=12)
    ax.annotate(f"{grouped(flat[-1])} at $T = {lengths[-1]}$", (lengths[-1], flat[-1]), xytext=(-6, 0),
                textcoords="offset points", ha="right", va="center", color=theme.ink, fontsize=12)
    if crossover <= longest:
        ax.axvline(crossover, color=theme.muted, lw=0.8, ls=(0, (2, 3)))
        ax.text(crossover + 0.4, 0.02, f"larger from $T = {crossover}$", transform=ax.get_xaxis_transform(),
                fontsize=12, color=theme.muted, va="bottom")
    ax.set_xlim(0, longest + 1)
    ax.set_ylim(0, max(flat) * 1.08)
    ax.set_xlabel("sequence length $T$")
    ax.set_ylabel("parameters to train")
    ax.grid(axis="y", lw=0.6)
    if theme.phone:  # under the plot: inside, it would cover the orange line's label
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", fontsize=12)
    else:
        ax.legend(loc="upper left", fontsize=12)
    ax.set_title(f"Parameters against length ($D = {D}$, $H = {H}$, $O = {O}$)")
    alt = (
        f"Line chart of parameter counts against the sequence length T from 1 to {longest}, for input "
        f"size {D}, hidden size {H} and output size {O}. The RNN stays at {grouped(rnn[0])} parameters for "
        f"every T. A one-hidden-layer network that reads all T inputs at once grows in a straight line from "
        f"{grouped(flat[0])} at T = 1 to {grouped(flat[-1])} at T = {longest}, and needs more than the RNN "
        f"from T = {crossover} on."
    )
    caption = (
        "Tying the weights across time makes the RNN's size independent of the sequence length; a network "
        "that reads the whole sequence at once needs input weights for every step. (For very short "
        "sequences the RNN, which also carries the hidden-to-hidden matrix, is not the smaller one.)"
    )
    return Text(alt=alt, caption=caption)


CURSE_SPACING = "0.1"


@snippet("curse-of-dimensionality")
def curse_of_dimensionality(params) -> str:
    per_axis = parameters.points_along_unit_interval(CURSE_SPACING)
    cases = ((1, "a single number"), (2, "a point in the plane"), (3, "a point in space"),
             (36, "a 6×6 image"), (784, "a 28×28 image"))
    lines = [f"| Input dimensions \\(d\\) | Example | Grid points, {CURSE_SPACING} apart ({per_axis} per axis) |",
             "|--:|:--|--:|"]
    for d, example in cases:
        count = parameters.grid_points(per_axis, d)
        digits = len(str(count))
        shown = grouped(count) if digits <= 16 else f"{per_axis}{superscript(d)} ({digits} digits)"
        lines.append(f"| {d} | {example} | {shown} |")
    return "\n".join(lines) + "\n"


# --- The feedback loop -------------------------------------------------------------

def _stage(ax, x, y, title, value, theme, *, colour=None, width=1.5):
    from matplotlib.patches import FancyBboxPatch

    edge = colour or theme.ink
    ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.42), width, 0.84,
                                boxstyle="round,pad=0.02,rounding_size=0.12", linewidth=1.5,
                                edgecolor=edge, facecolor=theme.fill))
    ax.text(x, y + 0.16, title, ha="center", va="center", fontsize=12, color=theme.muted)
    ax.text(x, y - 0.17, value, ha="center", va="center", fontsize=12.5, color=edge, fontweight="bold")


def _feedback_loop_phone(fig, w: Weights, theme) -> None:
    """The same network top to bottom: input, sum, ReLU, output in one column, the loop
    on the right, from yₜ up into the sum."""
    from ..style import fit_height

    ax = fig.add_subplot()
    ax.set_axis_off()
    ys = {"w1": 0.0, "sum": -1.2, "relu": -2.4, "w3": -3.6}
    x, loop_x, half = 0.0, 2.25, 0.85
    _stage(ax, x, ys["w1"], r"input$_t \times w_1$", show(w.w1, keep=True), theme, colour=theme.input, width=2 * half)
    _stage(ax, x, ys["sum"], r"sum, $+\,b_1$", show(w.b1, keep=True), theme, width=2 * half)
    _stage(ax, x, ys["relu"], "ReLU", r"$\max(0, x_t)$", theme, width=2 * half)
    _stage(ax, x, ys["w3"], r"$\times\,w_3$, $+\,b_2$", f"{show(w.w3, keep=True)}, {show(w.b2, keep=True)}", theme,
           width=2 * half)
    order = list(ys)
    for top, below in zip(order, order[1:]):
        _link(ax, (x, ys[top] - 0.43), (x, ys[below] + 0.43), theme.muted)
    _link(ax, (x, ys["w3"] - 0.43), (x, ys["w3"] - 0.8), theme.prediction)
    ax.text(x, ys["w3"] - 0.85, "output", ha="center", va="top", fontsize=12, color=theme.prediction, fontweight="bold")
    ax.text(x - 0.1, (ys["sum"] + ys["relu"]) / 2, "$x_t$", ha="right", va="center", fontsize=11.5, color=theme.ink)
    y_out = (ys["relu"] + ys["w3"]) / 2
    ax.text(x - 0.1, y_out, "$y_t$", ha="right", va="center", fontsize=11.5, color=theme.ink)
    # The loop leaves between ReLU and "× w3", runs up behind the w₂ box and enters the sum.
    ax.plot([x, loop_x], [y_out, y_out], color=theme.recurrent, lw=2, zorder=0.5)
    ax.plot([loop_x, loop_x], [y_out, ys["sum"]], color=theme.recurrent, lw=2, zorder=0.5)
    ax.plot([loop_x, half + 0.5], [ys["sum"], ys["sum"]], color=theme.recurrent, lw=2, zorder=0.5)
    _link(ax, (half + 0.5, ys["sum"]), (half + 0.02, ys["sum"]), theme.recurrent)
    _stage(ax, loop_x, (ys["sum"] + y_out) / 2 - 0.1, r"$\times\,w_2$, loop", show(w.w2, keep=True), theme,
           colour=theme.recurrent, width=1.6)
    ax.text((half + loop_x) / 2 + 0.1, ys["sum"] + 0.12, "next step:\n" r"$+\,y_{t-1} \times w_2$", ha="center", va="bottom",
            fontsize=10.5, color=theme.recurrent)
    x0, x1, y0, y1 = x - half - 0.1, loop_x + 0.85, ys["w3"] - 1.25, ys["w1"] + 0.5
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    fit_height(fig, x0, x1, y0, y1)


@figure("feedback-loop", reads=("network.*",), size=(7.0, 1.95))
def feedback_loop(fig, params, theme) -> Text:
    w = weights(params)
    if theme.phone:
        _feedback_loop_phone(fig, w, theme)
        return _feedback_loop_text(w)
    ax = fig.add_subplot()
    ax.set_axis_off()
    xs = {"w1": 0, "sum": 2.05, "relu": 4.1, "w3": 6.15}
    y = 1.6
    _stage(ax, xs["w1"], y, r"input$_t \times w_1$", show(w.w1, keep=True), theme, colour=theme.input)
    _stage(ax, xs["sum"], y, r"sum, $+\,b_1$", show(w.b1, keep=True), theme)
    _stage(ax, xs["relu"], y, "ReLU", r"$\max(0, x_t)$", theme)
    _stage(ax, xs["w3"], y, r"$\times\,w_3$, $+\,b_2$", f"{show(w.w3, keep=True)}, {show(w.b2, keep=True)}", theme)
    order = list(xs)
    for left, right in zip(order, order[1:]):
        _link(ax, (xs[left] + 0.77, y), (xs[right] - 0.77, y), theme.muted)
    _link(ax, (xs["w3"] + 0.77, y), (xs["w3"] + 1.3, y), theme.prediction)
    ax.text(xs["w3"] + 1.38, y, "output", ha="left", va="center", fontsize=12, color=theme.prediction,
            fontweight="bold")
    ax.text((xs["sum"] + xs["relu"]) / 2, y + 0.12, "$x_t$", ha="center", va="bottom", fontsize=11.5,
            color=theme.ink)
    ax.text((xs["relu"] + xs["w3"]) / 2, y + 0.12, "$y_t$", ha="center", va="bottom", fontsize=11.5,
            color=theme.ink)
    # The loop: y_t leaves the ReLU, is multiplied by w2 and enters the next step's sum.
    bottom = 0.1
    loop_x = (xs["relu"] + xs["w3"]) / 2
    entry_x = xs["sum"] + 0.2
    # The loop's line runs behind the "× w2" box (zorder below the box's 1), so it enters
    # the box on one side and leaves it on the other instead of striking through its text.
    ax.plot([loop_x, loop_x], [y, bottom], color=theme.recurrent, lw=2, zorder=0.5)
    ax.plot([loop_x, entry_x], [bottom, bottom], color=theme.recurrent, lw=2, zorder=0.5)
    ax.plot([entry_x, entry_x], [bottom, y - 0.9], color=theme.recurrent, lw=2, zorder=0.5)
    _link(ax, (entry_x, y - 0.9), (entry_x, y - 0.43), theme.recurrent)
    _stage(ax, (loop_x + entry_x) / 2 + 0.15, bottom, r"$\times\,w_2$, loop", show(w.w2, keep=True), theme,
           colour=theme.recurrent, width=1.6)
    ax.text(entry_x - 0.12, (bottom + y) / 2 - 0.1, "next step:\n" r"$+\,y_{t-1} \times w_2$", ha="right",
            va="center", fontsize=10.5, color=theme.recurrent)
    ax.set_xlim(-0.8, xs["w3"] + 2.45)
    ax.set_ylim(-0.4, 2.1)
    ax.set_aspect("equal")
    return _feedback_loop_text(w)


def _feedback_loop_text(w: Weights) -> Text:
    alt = (
        f"Diagram of the folded StatQuest network. The input is multiplied by w₁ = {show(w.w1, keep=True)} "
        f"and enters a sum that adds b₁ = {show(w.b1, keep=True)}, giving xₜ. ReLU turns xₜ into yₜ, "
        f"which goes two ways: to the output, as yₜ × {show(w.w3, keep=True)} + {show(w.b2, keep=True)}, and "
        f"around a loop that multiplies it by w₂ = {show(w.w2, keep=True)} and feeds it into the sum at the "
        f"next step."
    )
    caption = (
        "The network folded up: one hidden unit and five parameters. The orange loop is what makes it "
        "recurrent: the activation yₜ, times w₂, joins the sum at the next step, next to that day's input."
    )
    return Text(alt=alt, caption=caption)


# --- Unrolling ----------------------------------------------------------------------

PART_ROLES = {
    "W_hx": ("input → hidden", "H·D"),
    "W_hh": ("hidden → hidden (loop)", "H·H"),
    "b_h": ("hidden bias", "H"),
    "W_yh": ("hidden → output", "O·H"),
    "b_y": ("output bias", "O"),
}
STATQUEST_NAMES = {"W_hx": "w1", "W_hh": "w2", "b_h": "b1", "W_yh": "w3", "b_y": "b2"}


@snippet("parameter-parts", reads=ARCH_READS)
def parameter_parts(params) -> str:
    D, H, O = _sizes(params)
    count = parameters.rnn_count(D, H, O)
    scalar = parameters.rnn_count(1, 1, 1)
    shapes = parameters.shapes(D, H, O)
    lines = [
        "| Array | StatQuest | Example |",
        "|:--|--:|--:|",
    ]
    for name, (role, size) in PART_ROLES.items():
        entries = grouped(count.parts[name])
        shape = entries if len(shapes[name]) == 1 else "×".join(str(n) for n in shapes[name]) + f" = {entries}"
        shape = f"{size} = {shape}"
        lines.append(
            f"| \\({name[0]}_{{{name[2:]}}}\\)<br>{role} | {symbol(STATQUEST_NAMES[name])}: {scalar.parts[name]} "
            f"| {shape} |"
        )
    lines.append(f"| **total** | **{scalar.total}** | **{grouped(count.total)}** |")
    return "\n".join(lines) + "\n"


# --- Memory -------------------------------------------------------------------------

MEMORY_READS = ("memory.*", "network.w1")


def _w2_label(w2: float) -> str:
    from ..style import math

    return math(f"w₂ = {show(w2)}")


@figure("memory-fading", reads=MEMORY_READS, size=(6.4, 7.0))
def memory_fading(fig, params, theme) -> Text:
    steps = params["memory.steps"]
    times = list(range(1, steps + 1))
    import matplotlib

    with matplotlib.rc_context({"font.size": 13, "axes.titlesize": 13, "legend.fontsize": 12,
                                "xtick.labelsize": 12, "ytick.labelsize": 12}):
        share_ax, factor_ax = fig.subplots(2, 1)
    from ..style import factor_colour

    summary = []
    for w2 in params["memory.w2_values"]:
        colour = factor_colour(theme, w2, params["memory.w2_values"])
        shares = memory.first_input_share(w2, steps)
        # The StatQuest unit with b1 = 0 so that the inputs' contributions add up to y_t.
        unit = Weights(w1=float(params["network.w1"]), b1=0.0, w2=float(w2), w3=1.0, b2=0.0)
        measured = memory.measured_share([1.0] * steps, unit)
        factor = memory.factors(w2, steps)
        share_ax.plot(times, [float(s) for s in shares], color=colour, lw=2, label=_w2_label(w2))
        share_ax.plot(times, [float(s) for s in measured], color=colour, marker="o", markersize=3.5,
                      linestyle="none")
        factor_ax.plot(times, [float(f) for f in factor], color=colour, lw=2, label=_w2_label(w2))
        summary.append(f"w₂ = {show(w2)}: {percent(shares[-1])} of the state at step {steps}, "
                       f"contribution factor {short(factor[-1])}")
    share_ax.set_title("first input's share of $y_t$")
    share_ax.set_xlabel("step $t$")
    share_ax.set_ylim(0, 1.05)
    share_ax.yaxis.set_major_formatter(_percent_formatter())
    share_ax.grid(axis="y", lw=0.6)
    share_ax.legend(fontsize=12)
    factor_ax.set_title("what is left of it: $|w_2|^{t-1}$")
    factor_ax.set_yscale("log")
    factor_ax.set_xlabel("step $t$")
    factor_ax.grid(axis="y", lw=0.6)
    from matplotlib.ticker import MaxNLocator

    for ax in (share_ax, factor_ax):
        ax.set_xlim(1, steps)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    alt = (
        f"Two stacked line charts over steps 1 to {steps}, for a ReLU unit that receives the input 1 at every step. "
        f"Top: the first input's share of the activation, starting at 100% and falling for each w₂; dots "
        f"measured on the network lie on the lines. Bottom, on a logarithmic scale: the factor |w₂| to the "
        f"power t − 1 that is left of the first input's contribution. " + "; ".join(summary) + "."
    )
    caption = (
        "Every step multiplies what is left of the first input by w₂. Top: its share of the hidden "
        "state when every day brings the same input (lines: the formula; dots: measured on the ReLU "
        "network by nudging the first input). Bottom: the shrinking factor itself, a straight line on a "
        "log scale. With w₂ = 1 nothing shrinks, yet the first input's share still thins out as new "
        "inputs pile up."
    )
    return Text(alt=alt, caption=caption)


def _percent_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:.0%}")


def percent(value) -> str:
    """A share as a percentage: one decimal from 1% up, two significant digits below
    (so 0.031% is not rounded to 0%)."""
    from decimal import ROUND_HALF_EVEN, Decimal

    number = Decimal(value.numerator) / Decimal(value.denominator) * 100
    if 0 < number < Decimal("0.001"):
        mantissa = number.scaleb(-number.adjusted()).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
        return f"{show(mantissa)} × 10{superscript(number.adjusted())}%"
    places = Decimal("0.1") if number >= 1 else Decimal(10) ** (number.adjusted() - 1)
    return f"{show(number.quantize(places, rounding=ROUND_HALF_EVEN))}%"


def short(value) -> str:
    """A positive fraction to four significant digits: ``0.0000019``-like values in scientific form."""
    from decimal import Decimal

    number = Decimal(value.numerator) / Decimal(value.denominator)
    if number >= Decimal("0.001"):
        return show(number.quantize(Decimal(10) ** (number.adjusted() - 3)))
    mantissa = number.scaleb(-number.adjusted()).quantize(Decimal("0.001"))
    return f"{show(mantissa)} × 10{superscript(number.adjusted())}"


def fading_weights(params) -> list[float]:
    """The figure's recurrent weights that fade (|w2| < 1): the table and the prose use these."""
    return [w2 for w2 in params["memory.w2_values"] if abs(w2) < 1]


@snippet("memory-fading-table", reads=("memory.w2_values",))
def memory_fading_table(params) -> str:
    lines = ["| weight \\(w_2\\) | steps until at most half is left | steps until at most 1% is left |",
             "|--:|--:|--:|"]
    for w2 in params["memory.w2_values"]:
        if abs(w2) < 1:
            lines.append(f"| {show(w2)} | {memory.steps_until(w2, 0.5)} | {memory.steps_until(w2, 0.01)} |")
        else:
            lines.append(f"| {show(w2)} | never | never |")
    return "\n".join(lines) + "\n"


# --- Values the prose cites ---------------------------------------------------------

@values("foundations", reads=("network.*", "sequences.*", "architectures.*", "statland.three_days",
                             "memory.steps", "memory.w2_values"))
def foundation_values(params) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, (first_day, prices, trace) in companies(params).items():
        result[f"sequences.{name}.prediction"] = price(trace.prediction)
        result[f"sequences.{name}.first_day"] = str(first_day)
        result[f"sequences.{name}.days"] = str(len(prices))
    # Order matters: the three-day sequence, and the same prices newest first.
    three = params["statland.three_days"]
    network = weights(params)
    result["unrolling.three_days.prediction"] = show(unroll(three, network).prediction)
    result["unrolling.three_days_reversed.prediction"] = show(unroll(list(reversed(three)), network).prediction)
    result["unrolling.three_days_reversed.inputs"] = ", ".join(show(v) for v in reversed(three))
    result["unrolling.three_days.inputs"] = ", ".join(show(v) for v in three)
    D, H, O = _sizes(params)
    count = parameters.rnn_count(D, H, O)
    longest = params["architectures.max_length"]
    result.update({
        "architectures.D": str(D), "architectures.H": str(H), "architectures.O": str(O),
        "architectures.rnn_count": grouped(count.total),
        "architectures.rnn_terms": count.terms,
        "architectures.max_length": str(longest),
        "architectures.all_at_once_max": grouped(parameters.all_at_once_count(D, H, O, longest)),
        "architectures.crossover": str(parameters.first_length_where_all_at_once_is_larger(D, H, O)),
        "architectures.curse_spacing": CURSE_SPACING,
        "architectures.curse_points": str(parameters.points_along_unit_interval(CURSE_SPACING)),
    })
    layer = cnn.layer_weights(6, 4)
    result.update({f"architectures.conv.{k}": grouped(v) for k, v in layer.items()})
    fading = fading_weights(params)
    for key, w2 in (("fastest", min(fading, key=abs)), ("slowest", max(fading, key=abs))):
        result[f"memory.{key}.w2"] = show(w2)
        result[f"memory.{key}.half"] = str(memory.steps_until(w2, 0.5))
        result[f"memory.{key}.percent"] = str(memory.steps_until(w2, 0.01))
        result[f"memory.{key}.share10"] = percent(memory.first_input_share(w2, 10)[-1])
    result["memory.steps"] = str(params["memory.steps"])
    result["memory.one.share10"] = percent(memory.first_input_share(1.0, 10)[-1])
    return result
