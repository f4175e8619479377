"""The long-range task trained: tanh RNN (plain and with an orthogonal W_hh), LSTM and GRU
on "carry the first value to the end" for several lengths T and seeds. The costliest
outputs of the build, in a module of their own so that ``--jobs 2`` runs them beside
everything else; the studies are computed once per process."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from rnncore import tasks, training
from rnncore.exact import readable, show

from ..registry import Text, figure, snippet, values

READS = ("beyond.longrange.*",)
MODELS = (("rnn", "tanh RNN"), ("rnn_orthogonal", "tanh RNN, orthogonal W_hh"), ("lstm", "LSTM"), ("gru", "GRU"))


def settings(params) -> dict:
    lengths = tuple(int(T) for T in params["beyond.longrange.lengths"])
    return {"lengths": lengths, "seeds": int(params["beyond.longrange.seeds"]),
            "hidden": int(params["beyond.longrange.hidden"]), "steps": int(params["beyond.longrange.updates"]),
            "batch": int(params["beyond.longrange.batch"]),
            "learning_rate": float(params["beyond.longrange.learning_rate"]),
            "clip": float(params["beyond.longrange.clip"]), "gate_bias": float(params["beyond.longrange.gate_bias"]),
            "threshold": float(params["beyond.longrange.threshold"])}


@lru_cache(maxsize=2)
def _studies(key: tuple) -> dict[str, training.LongRangeStudy]:
    kwargs = dict(key)
    lengths = kwargs.pop("lengths")
    return {kind: training.long_range_study(kind, lengths, **kwargs) for kind, _ in MODELS}


def studies(params) -> dict[str, training.LongRangeStudy]:
    return _studies(tuple(sorted(settings(params).items())))


def percent(share: float) -> str:
    return f"{round(100 * share)} %"


@figure("long-range", reads=READS, size=(6.4, 7.6))
def long_range(fig, params, theme) -> Text:
    results = studies(params)
    s = settings(params)
    lengths = np.array(s["lengths"])
    # one colour per architecture; the orthogonal RNN is an RNN: same colour, dashed
    colors = {"rnn": theme.rnn, "rnn_orthogonal": theme.rnn, "lstm": theme.lstm, "gru": theme.gru}
    markers = {"rnn": "o", "rnn_orthogonal": "s", "lstm": "D", "gru": "^"}
    styles = {"rnn": "-", "rnn_orthogonal": (0, (4, 2)), "lstm": "-", "gru": "-"}
    top, bottom = fig.subplots(2, 1, sharex=True)
    offsets = dict(zip((k for k, _ in MODELS), (-0.03, -0.01, 0.01, 0.03)))
    for kind, label in MODELS:
        study = results[kind]
        shift = lengths * (1 + offsets[kind])
        top.plot(shift, 100 * study.success_rate, color=colors[kind], marker=markers[kind], lw=2, ls=styles[kind],
                 label=label.replace("W_hh", "$W_{hh}$"))
        med = np.median(study.test_loss, axis=1)
        bottom.plot(shift, med, color=colors[kind], marker=markers[kind], lw=2, ls=styles[kind],
                    label=label.replace("W_hh", "$W_{hh}$"))
        bottom.vlines(shift, study.test_loss.min(axis=1), study.test_loss.max(axis=1), color=colors[kind], lw=1.2)
    bottom.axhline(s["threshold"], color=theme.ink, lw=1, ls="--")
    bottom.axhline(tasks.BASELINE_MSE["remember_first"], color=theme.muted, lw=1, ls=":")
    bottom.text(lengths[0], tasks.BASELINE_MSE["remember_first"] * 1.15, "predict 0: 1/3", fontsize=10,
                color=theme.muted)
    bottom.text(lengths[0], s["threshold"] * 1.15, f"threshold {show(s['threshold'])}", fontsize=10, color=theme.ink)
    top.set_ylabel("runs solved (%)")
    top.set_ylim(-5, 105)
    top.legend(loc="lower left", fontsize=10)
    bottom.set_yscale("log")
    bottom.set_ylabel("test loss (MSE)")
    bottom.set_xscale("log")
    bottom.set_xticks(lengths)
    bottom.set_xticklabels([str(T) for T in lengths])
    bottom.set_xlabel("sequence length $T$ (the value to carry is $T - 1$ steps back)")
    for ax in (top, bottom):
        ax.grid(True, lw=0.5)
    summary = "; ".join(
        f"{label.replace('W_hh', 'Wₕₕ')}: " + ", ".join(f"T = {T} {percent(r)}" for T, r in zip(lengths, results[kind].success_rate))
        for kind, label in MODELS)
    return Text(
        alt=(f"Two panels against the sequence length T ({', '.join(map(str, lengths))}). Top: the share of the "
             f"{s['seeds']} training runs per model whose test loss ends below {show(s['threshold'])}. {summary}. "
             "Bottom: the median test loss on a log scale, with a vertical line from the best to the worst run."),
        caption=(
                 f"Each point is {s['seeds']} seeded training runs of one model, all trained the same way (Adam, "
                 f"norm clipping at {show(s['clip'])}, at most {s['steps']} updates of {s['batch']} sequences). "
                 "Lines in the lower panel span the best and the worst run."),
    )


@snippet("long-range-table", reads=READS)
def long_range_table(params) -> str:
    """Runs solved out of the seeds, and the median test loss, per model and length."""
    results = studies(params)
    s = settings(params)
    lines = ["| Model | " + " | ".join(f"*T* = {T}" for T in s["lengths"]) + " |",
             "|:--|" + "--:|" * len(s["lengths"])]
    for kind, label in MODELS:
        study = results[kind]
        cells = [f"{int(round(rate * s['seeds']))}/{s['seeds']} ({readable(float(np.median(losses)), 2, plain_from=1e-2)})"
                 for rate, losses in zip(study.success_rate, study.test_loss)]
        name = label.replace("W_hh", "\\(W_{hh}\\)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\nEach cell: runs solved out of the seeds, and in brackets the median test loss.\n"


@values("longrange", reads=READS)
def longrange_values(params) -> dict[str, str]:
    results = studies(params)
    s = settings(params)
    out = {"longrange.seeds": str(s["seeds"]), "longrange.hidden": str(s["hidden"]),
           "longrange.updates": str(s["steps"]), "longrange.batch": str(s["batch"]),
           "longrange.learning_rate": show(s["learning_rate"]), "longrange.clip": show(s["clip"]),
           "longrange.gate_bias": show(s["gate_bias"]), "longrange.threshold": show(s["threshold"]),
           "longrange.stop": show(s["threshold"] / 2),
           "longrange.lengths": ", ".join(str(T) for T in s["lengths"]),
           "longrange.runs": str(len(MODELS) * s["seeds"] * len(s["lengths"]))}
    for kind, _ in MODELS:
        study = results[kind]
        for T, rate, losses, updates in zip(s["lengths"], study.success_rate, study.test_loss, study.updates):
            out[f"longrange.{kind}.T{T}.solved"] = str(int(round(rate * s["seeds"])))
            out[f"longrange.{kind}.T{T}.median"] = readable(float(np.median(losses)), 2, plain_from=1e-2)
            out[f"longrange.{kind}.T{T}.updates"] = str(int(np.median(updates)))
    return out
