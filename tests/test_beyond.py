"""Beyond the vanilla RNN: the step-by-step tables equal rnncore's traces, the cell path
and the input gradients agree with central differences, and every qualitative claim of
the LSTM, GRU and gradient-flow pages holds."""
import json
import re

import numpy as np
import pytest

from figures.outputs import beyond
from figures.params import load
from rnncore import connectivity, gru, lstm, optim, rnn, tasks, training

from conftest import ROOT, central_difference
from test_gradients import relative_error

PARAMS = load()


def snippet_rows(name):
    """{row label: [cells]} of a generated Markdown table."""
    text = (ROOT / "docs" / "snippets" / name).read_text()
    rows = {}
    for line in text.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def number(cell):
    return float(cell.split(" ")[0].replace("−", "-"))


@pytest.mark.parametrize("name, trace, rows", [("lstm-table.md", beyond.lstm_trace, beyond.LSTM_ROWS),
                                               ("gru-table.md", beyond.gru_trace, beyond.GRU_ROWS)])
def test_step_tables_equal_rnncore_traces(name, trace, rows):
    digits = PARAMS["beyond.digits"]
    _, run = trace(PARAMS)
    x = [float(v) for v in PARAMS["beyond.prices"]]
    page = snippet_rows(name)
    for key, label in rows:
        expected = x if key == "price" else list(run.y[0, :, 0]) if key == "y" else list(run.values(key)[:, 0, 0])
        shown = [number(c) for c in page[label]]
        assert shown == pytest.approx(expected, abs=0.5 * 10 ** -digits + 1e-12), key
        if key != "price":
            assert all(len(c.split(".")[1]) == digits for c in page[label]), key


def test_one_unit_lstm_is_the_formulas_by_hand():
    _, run = beyond.lstm_trace(PARAMS)
    p = {k: PARAMS[f"beyond.lstm.{k}"] for k in ("input_gate", "forget_gate", "candidate", "output_gate")}
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    h = c = 0.0
    for t, x in enumerate(PARAMS["beyond.prices"]):
        pre = {k: w[0] * x + w[1] * h + w[2] for k, w in p.items()}
        f, i, g, o = sig(pre["forget_gate"]), sig(pre["input_gate"]), np.tanh(pre["candidate"]), sig(pre["output_gate"])
        c = f * c + i * g
        h = o * np.tanh(c)
        assert run.c[t, 0, 0] == pytest.approx(c, abs=1e-14)
        assert run.h[t, 0, 0] == pytest.approx(h, abs=1e-14)


def test_cell_path_direct_and_full_against_central_differences():
    """∂c_T/∂c_k: the direct path is ∏ f_t; the full one (through h too) is a central
    difference of c_T when c_k is nudged and the sequence re-run from step k."""
    model, run = beyond.lstm_trace(PARAMS)
    x = np.array(PARAMS["beyond.prices"], float).reshape(1, -1, 1)
    T = x.shape[1]
    path = lstm.cell_path(model, run)
    f = run.values("f")[:, 0, 0]
    for k in range(T):
        assert path.direct[T - k][0, 0] == pytest.approx(np.prod(f[k:]), rel=1e-14)
        h_k = run.h0 if k == 0 else run.h[k - 1]
        c_k = run.c0 if k == 0 else run.c[k - 1]
        numeric = central_difference(lambda c: lstm.forward(model, x[:, k:], h_k, c).c[-1, 0, 0], c_k)
        assert path.full[T - k][0, 0] == pytest.approx(numeric[0, 0], rel=1e-7)


def test_lstm_page_claims():
    rows = beyond.cell_path_rows(PARAMS)
    k, direct, full = rows[0]
    assert k == len(PARAMS["beyond.prices"]) - 1 and direct == full          # one step back: only the direct path
    assert all(full < direct for _, direct, full in rows[1:])                 # further back the h paths take away
    powers = {f: f ** PARAMS["beyond.forget.days"] for f in PARAMS["beyond.forget.values"]}
    assert powers[0.5] < 1e-15 and powers[1.0] == 1.0


def test_gru_day_one_is_the_scaled_candidate():
    _, run = beyond.gru_trace(PARAMS)
    s = run.step(1)
    assert s.h[0, 0] == pytest.approx((1 - s.z[0, 0]) * s.n[0, 0], abs=1e-15)


@pytest.fixture(scope="module")
def flow():
    return {study.label: study for study in beyond.flows(PARAMS)}


def test_gradient_flow_claims(flow):
    end = {label: float(study.median[-1]) for label, study in flow.items()}
    assert end["tanh RNN"] == min(end.values())
    assert end["LSTM, forget bias 0"] < 1e-10 and end["GRU, update bias 0"] < 1e-10
    lstm_ends = [end[f"LSTM, forget bias {beyond.show(b)}"] for b in PARAMS["beyond.flow.lstm_forget_biases"]]
    assert lstm_ends == sorted(lstm_ends)
    assert lstm_ends[-1] > 1e10 * end["tanh RNN"]
    gru_ends = [end[f"GRU, update bias {beyond.show(b)}"] for b in PARAMS["beyond.flow.gru_update_biases"]]
    assert gru_ends[-1] > 1e6 * gru_ends[0]


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_input_gradients_match_central_differences(kind):
    model = connectivity.models(kind, 3, seed=1, gate_bias=1.0)
    rng = np.random.default_rng(1)
    x, u = rng.normal(size=(1, 6, 3)), rng.normal(size=3)
    module = {"rnn": rnn, "lstm": lstm, "gru": gru}[kind]

    def readout(v):
        run = module.forward(model, v)
        h_T = run.h[0, -1] if kind == "rnn" else run.h[-1, 0]
        return float(h_T @ u)

    numeric = central_difference(readout, x)
    assert relative_error(numeric, connectivity.input_gradients(model, x, u)) < 1e-6


def test_adam_and_sgd():
    params, grads = {"w": np.array([1.0, -2.0])}, {"w": np.array([0.5, -4.0])}
    np.testing.assert_allclose(optim.SGD(0.1).step(params, grads)["w"], [0.95, -1.6])
    first = optim.Adam(0.01).step(params, grads)["w"]           # Adam's first step is η · sign(g)
    np.testing.assert_allclose(first, [0.99, -1.99], rtol=1e-6)
    with pytest.raises(ValueError, match="learning rate"):
        optim.Adam(0.0)


def test_tasks():
    batch = tasks.remember_first(7, 4, np.random.default_rng(0))
    assert batch.x.shape == (4, 7, 2) and batch.targets.shape == (4, 7, 1)
    np.testing.assert_array_equal(batch.answer, batch.x[:, 0, 0])
    assert batch.x[:, 0, 1].tolist() == [1, 1, 1, 1] and batch.x[:, 1:, 1].sum() == 0
    adding = tasks.adding(10, 5, np.random.default_rng(0))
    assert (adding.x[:, :, 1].sum(axis=1) == 2).all()
    np.testing.assert_allclose(adding.answer, (adding.x[:, :, 0] * adding.x[:, :, 1]).sum(axis=1))
    with pytest.raises(ValueError, match="T"):
        tasks.remember_first(0, 4, np.random.default_rng(0))


@pytest.mark.parametrize("kind", training.MODELS)
def test_training_is_deterministic(kind):
    def once(seed):
        model = training.make_model(kind, 2, 4, 1, seed=seed)
        return training.train(model, "remember_first", 6, steps=15, batch=8, clip=1.0, seed=seed)

    a, b, c = once(0), once(0), once(1)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert a.test_loss == b.test_loss
    assert not np.array_equal(a.losses, c.losses)


def test_orthogonal_init():
    q = training.orthogonal(6, np.random.default_rng(0))
    np.testing.assert_allclose(q @ q.T, np.eye(6), atol=1e-12)


def test_sequence_lengths_must_be_whole_numbers():
    from figures.params import PARAMS_FILE, ParamError, parse

    text = PARAMS_FILE.read_text().replace("lengths = [5, 10, 20, 50, 100]", "lengths = [5, 10.5]")
    with pytest.raises(ParamError, match=r"beyond.longrange.lengths = \[5, 10.5\]: item 2 \(10.5\): not a whole number"):
        parse(text.encode(), PARAMS_FILE)
