"""Beyond the vanilla RNN: the one-unit LSTM and GRU step by step, the cell path, the
forget gate's products, and gradient flow compared like for like. Every number comes
from rnncore."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from rnncore import connectivity, gru, lstm
from rnncore.exact import readable, show

from ..registry import Text, figure, snippet, values

LSTM_READS = ("beyond.prices", "beyond.digits", "beyond.lstm.*")
GRU_READS = ("beyond.prices", "beyond.digits", "beyond.gru.*")
FORGET_READS = ("beyond.forget.*",)
FLOW_READS = ("beyond.flow.*",)
NAMES = {0.0: "Low", 0.5: "Medium", 1.0: "High"}


def sci(value: float, digits: int = 2) -> str:
    return readable(value, digits, plain_from=1e-2)


def fixed(value: float, digits: int) -> str:
    """A value rounded to ``digits`` decimals, with a true minus sign."""
    text = f"{float(value):.{digits}f}"
    return text.replace("-", "−") if float(text) != 0 else text.lstrip("-")


def price_name(value: float) -> str:
    return NAMES.get(float(value), show(value))


def one_unit_lstm(params) -> lstm.LSTM:
    p = lambda name: [float(v) for v in params[f"beyond.lstm.{name}"]]  # noqa: E731
    return lstm.one_unit(input_gate=p("input_gate"), forget_gate=p("forget_gate"), candidate=p("candidate"),
                         output_gate=p("output_gate"), readout=p("readout"))


def one_unit_gru(params) -> gru.GRU:
    p = lambda name: [float(v) for v in params[f"beyond.gru.{name}"]]  # noqa: E731
    return gru.one_unit(reset_gate=p("reset_gate"), update_gate=p("update_gate"), candidate=p("candidate"),
                        readout=p("readout"))


def prices(params) -> np.ndarray:
    return np.array([float(v) for v in params["beyond.prices"]])


def lstm_trace(params):
    model = one_unit_lstm(params)
    return model, lstm.forward(model, prices(params).reshape(1, -1, 1))


def gru_trace(params):
    model = one_unit_gru(params)
    return model, gru.forward(model, prices(params).reshape(1, -1, 1))


LSTM_ROWS = (("price", "Price \\(x_t\\)"), ("f", "Forget gate \\(f_t\\)"), ("i", "Input gate \\(i_t\\)"),
             ("g", "Candidate \\(g_t\\)"), ("c", "Cell \\(c_t\\)"),
             ("o", "Output gate \\(o_t\\)"), ("tanh_c", "\\(\\tanh(c_t)\\)"), ("h", "Hidden \\(h_t\\)"),
             ("y", "Output \\(y_t\\)"))
GRU_ROWS = (("price", "Price \\(x_t\\)"), ("r", "Reset gate \\(r_t\\)"), ("z", "Update gate \\(z_t\\)"),
            ("n", "Candidate \\(n_t\\)"), ("h", "Hidden \\(h_t\\)"),
            ("y", "Output \\(y_t\\)"))


def table_values(run, rows, x) -> dict[str, list[float]]:
    """Every row of the step-by-step table as floats, one per day (what the page shows)."""
    out = {}
    for key, _ in rows:
        if key == "price":
            out[key] = [float(v) for v in x]
        elif key == "y":
            out[key] = [float(v) for v in run.y[0, :, 0]]
        else:
            out[key] = [float(v) for v in run.values(key)[:, 0, 0]]
    return out


def markdown_table(run, rows, x, digits: int) -> str:
    data = table_values(run, rows, x)
    T = len(x)
    header = "| Quantity | " + " | ".join(f"Day {t}<br>{price_name(x[t - 1])}" for t in range(1, T + 1)) + " |"
    lines = [header, "|:--|" + "--:|" * T]
    for key, label in rows:
        cells = [show(v) for v in data[key]] if key == "price" else \
            [fixed(v, digits) for v in data[key]]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


@snippet("lstm-table", reads=LSTM_READS)
def lstm_table(params) -> str:
    """The one-unit LSTM's gates, cell and hidden state for every day."""
    _, run = lstm_trace(params)
    return markdown_table(run, LSTM_ROWS, prices(params), int(params["beyond.digits"]))


@snippet("gru-table", reads=GRU_READS)
def gru_table(params) -> str:
    """The one-unit GRU's gates, candidate and hidden state for every day."""
    _, run = gru_trace(params)
    return markdown_table(run, GRU_ROWS, prices(params), int(params["beyond.digits"]))


def cell_path_rows(params) -> list[tuple[int, float, float]]:
    """(k, ∏ f over steps k + 1..T, full ∂c_T/∂c_k) for k = T − 1..0."""
    model, run = lstm_trace(params)
    path = lstm.cell_path(model, run)
    T = run.h.shape[0]
    return [(T - d, float(path.direct[d][0, 0]), float(path.full[d][0, 0])) for d in range(1, T + 1)]


@snippet("lstm-cell-path", reads=LSTM_READS)
def lstm_cell_path(params) -> str:
    """∂c_T/∂c_k along the cell alone against every path."""
    digits = int(params["beyond.digits"])
    T = len(params["beyond.prices"])
    lines = [f"| steps back \\(k\\) | Direct path \\(\\prod_{{t=k+1}}^{{{T}}} f_t\\) | All paths \\(\\partial c_{{{T}}}/\\partial c_k\\) "
             "| Through \\(h\\) (the difference) |", "|--:|--:|--:|--:|"]
    for k, direct, full in cell_path_rows(params):
        lines.append(f"| {k} | {fixed(direct, digits)} | {fixed(full, digits)} | {fixed(full - direct, digits)} |")
    return "\n".join(lines) + "\n"


# --- the unrolled one-unit LSTM ----------------------------------------------------

BOX_W, BOX_H, ROW = 1.5, 0.9, 2.3
COLUMNS = {"x": 0.0, "gates": 2.15, "c": 4.3, "h": 6.3}
# on a phone the price heads each row, so three boxes a day keep the desktop's proportions at 360 px
PHONE_COLUMNS = {"gates": 0.0, "c": 2.15, "h": 4.3}
PHONE_ROW = 2.7


def _box(ax, x, y, title, lines, theme, *, height=BOX_H, color=None, strong=False):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - height / 2), BOX_W, height,
                                boxstyle="round,pad=0.02,rounding_size=0.12", linewidth=2.2 if strong else 1.2,
                                edgecolor=color or theme.ink, facecolor=theme.fill))
    ax.text(x, y + height / 2 - 0.17, title, ha="center", va="center", fontsize=11, color=theme.muted)
    ax.text(x, y - 0.15, "\n".join(lines), ha="center", va="center", fontsize=12.5 if len(lines) > 1 else 14,
            color=color or theme.ink, linespacing=1.0, fontweight="bold" if strong else "normal")


def _arrow(ax, start, end, theme, *, color=None):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="-|>", color=color or theme.muted, lw=1.3,
                                                          shrinkA=0, shrinkB=0, mutation_scale=12))


def _lstm_row(ax, step, t: int, y: float, columns: dict, tall: float, digits: int, theme) -> None:
    """One day's gates, cell state and hidden state, with the arrows between them."""
    v = lambda a: fixed(a[0, 0], digits)  # noqa: E731
    _box(ax, columns["gates"], y, "gates", [f"$f$ = {v(step.f)}", f"$i$ = {v(step.i)}", f"$g$ = {v(step.g)}",
                                            f"$o$ = {v(step.o)}"], theme, height=tall)
    _box(ax, columns["c"], y, f"cell $c_{{{t}}}$", [v(step.c)], theme, color=theme.lstm, strong=True)
    _box(ax, columns["h"], y, f"hidden $h_{{{t}}}$", [v(step.h)], theme, color=theme.recurrent)
    _arrow(ax, (columns["gates"] + BOX_W / 2, y), (columns["c"] - BOX_W / 2, y), theme)
    _arrow(ax, (columns["c"] + BOX_W / 2, y), (columns["h"] - BOX_W / 2, y), theme)


def _cell_path(ax, next_step, t: int, y: float, columns: dict, row: float, digits: int, theme, *,
               label_right: bool) -> None:
    """The cell state's path down to the next day, labelled with the forget gate it is multiplied by."""
    _arrow(ax, (columns["c"], y - BOX_H / 2), (columns["c"], y - row + BOX_H / 2), theme, color=theme.lstm)
    label = f"× $f_{{{t + 1}}}$ = {fixed(next_step.f[0, 0], digits)}"
    if label_right:
        ax.text(columns["c"] + 0.08, y - row / 2, label, ha="left", va="center", fontsize=11, color=theme.lstm)
    else:
        ax.text(columns["c"] - 0.08, y - row / 2 + 0.1, label, ha="right", va="center", fontsize=11, color=theme.lstm)


@figure("lstm-unrolled", reads=LSTM_READS, size=(6.4, 5.0))
def lstm_unrolled(fig, params, theme) -> Text:
    """One row a day: price, gates, cell, hidden state; on a phone the price heads the row."""
    _, run = lstm_trace(params)
    digits = int(params["beyond.digits"])
    x = prices(params)
    T = len(x)
    columns, row = (PHONE_COLUMNS, PHONE_ROW) if theme.phone else (COLUMNS, ROW)
    if not theme.phone:
        fig.set_size_inches(6.4, 0.5 + 1.75 * T)
    ax = fig.add_subplot()
    ax.set_axis_off()
    tall = 1.6
    for t in range(1, T + 1):
        y = -(t - 1) * row
        if theme.phone:
            ax.text(columns["gates"] - BOX_W / 2, y + tall / 2 + 0.1, f"day {t}: {show(x[t - 1])}, {price_name(x[t - 1])}",
                    ha="left", va="bottom", fontsize=12.5, color=theme.ink, fontweight="bold")
        else:
            _box(ax, columns["x"], y, f"day {t}", [f"{show(x[t - 1])}", price_name(x[t - 1])], theme)
            _arrow(ax, (columns["x"] + BOX_W / 2, y), (columns["gates"] - BOX_W / 2, y), theme)
        _lstm_row(ax, run.step(t), t, y, columns, tall, digits, theme)
        if t < T:
            _cell_path(ax, run.step(t + 1), t, y, columns, row, digits, theme, label_right=not theme.phone)
            if theme.phone:  # into the side of the next day's gates, under that day's heading
                start, end = (columns["h"], y - BOX_H / 2), (columns["gates"] + BOX_W / 2 + 0.02, y - row + 0.3)
            else:
                start, end = (columns["h"] - 0.3, y - BOX_H / 2), (columns["gates"] + 0.45, y - row + tall / 2)
            _arrow(ax, start, end, theme, color=theme.recurrent)
    x0, x1 = (columns["gates"] if theme.phone else columns["x"]) - BOX_W / 2 - 0.05, columns["h"] + BOX_W / 2 + 0.05
    y0, y1 = -(T - 1) * row - tall / 2 - 0.1, tall / 2 + (0.55 if theme.phone else 0.1)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    if theme.phone:
        from ..style import fit_height

        fit_height(fig, x0, x1, y0, y1)
    return _lstm_unrolled_text(run, x, digits)


def _lstm_unrolled_text(run, x, digits: int) -> Text:
    T = len(x)
    last = run.step(T)
    cells = ", ".join(fixed(c, digits) for c in run.c[:, 0, 0])
    return Text(
        alt=(f"The one-unit LSTM unrolled over {T} days of prices "
             f"{', '.join(price_name(p) for p in x)}. Each row shows the day's price, its four gate values, "
             f"the cell state and the hidden state. The cell states are {cells}; the last hidden state is "
             f"{fixed(last.h[0, 0], digits)}. Blue arrows carry the cell state down, multiplied by the next "
             "forget gate; orange arrows carry the hidden state into the next day's gates."),
        caption=(f"The one-unit LSTM unrolled, oldest day at the top, values to {digits} decimals. The cell state "
                 "travels down the blue path, scaled by each day's forget gate and topped up by i × g; the hidden "
                 "state feeds every gate of the next day."),
    )


# --- the forget gate's products ------------------------------------------------------

@figure("forget-decay", reads=FORGET_READS, size=(6.4, 4.4))
def forget_decay(fig, params, theme) -> Text:
    days = int(params["beyond.forget.days"])
    n = np.arange(days + 1)
    ax = fig.add_subplot()
    from ..style import factor_colour

    finals = []
    for f in params["beyond.forget.values"]:
        # f is a per-step factor, as w₂ is: the same value, the same colour
        color = factor_colour(theme, f, params["beyond.forget.values"])
        curve = float(f) ** n
        finals.append((float(f), float(curve[-1])))
        ax.plot(n, np.maximum(curve, 1e-300), color=color, lw=2, label=f"$f = {show(f)}$")
    ax.set_yscale("log")
    ax.set_ylim(max(min(v for _, v in finals if v > 0) / 10, 1e-300), 3)
    ax.set_xlabel("days $n$ the gradient travels back along the cell")
    ax.set_ylabel(r"$f^{\,n}$")
    ax.grid(True, lw=0.5)
    ax.legend(loc="lower left", fontsize=11)
    words = "; ".join(f"f = {show(f)} leaves {sci(v)}" for f, v in finals)
    return Text(alt=(f"Lines on a log scale of f to the power n for n from 0 to {days}: {words} after {days} days."),
                caption=("Along the cell alone, the gradient is multiplied by the forget gate once a day. A gate that "
                         "lets half through erases it within weeks; a gate of 1 keeps it whole."))


# --- gradient flow compared like for like -------------------------------------------

def flow_models(params) -> list[tuple[str, str, float]]:
    """(label, kind, gate bias) of every curve."""
    rows = [("tanh RNN", "rnn", 0.0)]
    rows += [(f"LSTM, forget bias {show(b)}", "lstm", float(b)) for b in params["beyond.flow.lstm_forget_biases"]]
    rows += [(f"GRU, update bias {show(b)}", "gru", float(b)) for b in params["beyond.flow.gru_update_biases"]]
    return rows


def _flow_key(params):
    return (int(params["beyond.flow.hidden"]), int(params["beyond.flow.steps"]), int(params["beyond.flow.networks"]),
            int(params["beyond.flow.seed"]), tuple(flow_models(params)))


@lru_cache(maxsize=4)
def _flows(key):
    hidden, steps, networks, seed, rows = key
    return [connectivity.flow_study(kind, hidden=hidden, steps=steps, networks=networks, seed=seed, gate_bias=bias,
                                    label=label) for label, kind, bias in rows]


def flows(params):
    return _flows(_flow_key(params))


@figure("gradient-flow", reads=FLOW_READS, size=(6.4, 5.0))
def gradient_flow(fig, params, theme) -> Text:
    studies = flows(params)
    ax = fig.add_subplot()
    from ..style import band

    # one colour per architecture; the variants of one (gate biases) differ in line style
    styles = ("-", (0, (5, 2)), (0, (1.2, 1.6)))
    seen: dict[str, int] = {}
    for study, (_, kind, _) in zip(studies, flow_models(params)):
        color = getattr(theme, kind)
        style = styles[seen.get(kind, 0) % len(styles)]
        seen[kind] = seen.get(kind, 0) + 1
        d = np.arange(study.norms.shape[1])
        low, high = study.quantiles([0.25, 0.75])
        band(ax, theme, d, low, high, color)
        ax.plot(d, study.median, color=color, lw=2, ls=style, label=study.label)
    ax.set_yscale("log")
    ax.set_xlabel("distance $T - k$ (steps back from the last step)")
    ax.set_ylabel(r"$\Vert\partial\ell/\partial x_k\Vert$")
    ax.grid(True, lw=0.5)
    if theme.phone:  # below the plot: inside it, it would cover the lines' ends
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize=10)
    else:
        ax.legend(loc="lower left", fontsize=10)
    T = studies[0].norms.shape[1]
    ends = "; ".join(f"{s.label}: {sci(float(s.median[-1]))}" for s in studies)
    H, N = int(params["beyond.flow.hidden"]), int(params["beyond.flow.networks"])
    return Text(
        alt=(f"Median lines with shaded bands from the 25th to the 75th percentile, on a log scale, of the norm of "
             f"the gradient of the last step's readout with respect to each input, against the distance back, for "
             f"{N} random networks of each kind with {H} hidden units. Medians at distance {T - 1}: {ends}."),
        caption=(f"The same quantity for every model: how much the readout of the last hidden state moves when the input k steps back "
                 f"moves. Lines are medians over {N} seeded networks, bands the middle half. The tanh RNN's "
                 "dependence falls fastest; a forget (or update) gate biased towards 1 keeps distant inputs in reach."),
    )


@snippet("gradient-flow-table", reads=FLOW_READS)
def gradient_flow_table(params) -> str:
    """Median ‖∂ℓ/∂x_k‖ 10 steps back and at the first input, per model."""
    T = int(params["beyond.flow.steps"])
    near = min(10, T - 1)
    lines = [f"| Model | {near} steps back | {T - 1} steps back (the first input) |", "|:--|--:|--:|"]
    for study in flows(params):
        lines.append(f"| {study.label} | {sci(float(study.median[near]))} | {sci(float(study.median[-1]))} |")
    return "\n".join(lines) + "\n"


EXPLORER_NETWORKS = 10


def explorer_data(params) -> dict:
    """What the Playground's connectivity explorer shows: for every model, the median
    ‖∂ℓ/∂x_k‖ over the networks and the first few networks' own curves, by distance
    T − k, each value written to 4 significant digits (the text the page shows)."""
    text = lambda v: f"{float(v):.3e}"  # noqa: E731
    models = []
    for study in flows(params):
        models.append({"label": study.label, "median": [text(v) for v in study.median],
                       "networks": [[text(v) for v in row] for row in study.norms[:EXPLORER_NETWORKS]]})
    return {"steps": int(params["beyond.flow.steps"]), "hidden": int(params["beyond.flow.hidden"]),
            "count": int(params["beyond.flow.networks"]), "models": models}


@snippet("connectivity-data", reads=FLOW_READS)
def connectivity_data(params) -> str:
    """The explorer's data as a JSON block the page's script reads."""
    import json

    body = json.dumps(explorer_data(params), separators=(",", ":"), ensure_ascii=False)
    return f'<script type="application/json" id="connectivity-data">{body}</script>\n'


@values("beyond", reads=(*LSTM_READS, *GRU_READS, *FORGET_READS, *FLOW_READS))
def beyond_values(params) -> dict[str, str]:
    digits = int(params["beyond.digits"])
    model, run = lstm_trace(params)
    T = run.h.shape[0]
    result = {"beyond.digits": str(digits), "beyond.days": str(T),
              "beyond.prices": ", ".join(price_name(p) for p in prices(params))}
    for name in ("input_gate", "forget_gate", "candidate", "output_gate", "readout"):
        for position, value in enumerate(params[f"beyond.lstm.{name}"]):
            result[f"beyond.lstm.{name}.{position}"] = show(value)
    for name in ("reset_gate", "update_gate", "candidate", "readout"):
        for position, value in enumerate(params[f"beyond.gru.{name}"]):
            result[f"beyond.gru.{name}.{position}"] = show(value)
    for key in ("f", "i", "g", "o", "c", "h", "tanh_c"):
        for t in range(1, T + 1):
            result[f"beyond.lstm.{key}{t}"] = fixed(run.values(key)[t - 1, 0, 0], digits)
    result["beyond.lstm.prediction"] = fixed(run.y[0, -1, 0], digits)
    rows = cell_path_rows(params)
    result["beyond.lstm.path_direct"] = fixed(rows[-1][1], digits)
    result["beyond.lstm.path_full"] = fixed(rows[-1][2], digits)
    _, grun = gru_trace(params)
    for key in ("r", "z", "n", "h"):
        for t in range(1, T + 1):
            result[f"beyond.gru.{key}{t}"] = fixed(grun.values(key)[t - 1, 0, 0], digits)
    result["beyond.gru.prediction"] = fixed(grun.y[0, -1, 0], digits)
    days = int(params["beyond.forget.days"])
    result["beyond.forget.days"] = str(days)
    for f in params["beyond.forget.values"]:
        result[f"beyond.forget.power.{show(f)}"] = sci(float(f) ** days)
    studies = flows(params)
    flow_T = int(params["beyond.flow.steps"])
    result.update({"beyond.flow.hidden": str(int(params["beyond.flow.hidden"])), "beyond.flow.steps": str(flow_T),
                   "beyond.flow.networks": str(int(params["beyond.flow.networks"])),
                   "beyond.flow.distance": str(flow_T - 1)})
    for (label, kind, bias), study in zip(flow_models(params), studies):
        name = kind if kind == "rnn" else f"{kind}_{show(bias)}"
        result[f"beyond.flow.{name}.end"] = sci(float(study.median[-1]))
        result[f"beyond.flow.{name}.at10"] = sci(float(study.median[min(10, flow_T - 1)]))
    return result
