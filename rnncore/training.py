"""A deterministic training loop for the vanilla RNN, the LSTM and the GRU on a task of
:mod:`rnncore.tasks`: minibatch gradient steps (Adam or SGD) on the mean squared error at
the last step, with optional norm clipping (:func:`rnncore.clipping.clip_by_norm`).

Everything random (the initial weights, every training batch, the test batch) comes from
generators seeded by ``seed``, so the same call gives the same loss curve bit for bit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import gru, lstm, rnn, tasks
from .clipping import clip_by_norm
from .optim import SGD, Adam

MODELS = ("rnn", "rnn_orthogonal", "lstm", "gru")
MODULES = {rnn.RNN: rnn, lstm.LSTM: lstm, gru.GRU: gru}


def orthogonal(H: int, rng: np.random.Generator) -> np.ndarray:
    """A random orthogonal matrix (every singular value 1): the Q of a Gaussian matrix's
    QR decomposition, with signs fixed so that the draw is uniform."""
    q, r = np.linalg.qr(rng.normal(size=(H, H)))
    return q * np.sign(np.diag(r))


def make_model(kind: str, D: int, H: int, O: int, *, seed: int, gate_bias: float = 1.0):
    """``rnn``: tanh RNN, Gaussian weights of variance 1/fan-in, biases 0; ``rnn_orthogonal``:
    the same with an orthogonal W_hh; ``lstm``: forget-gate bias ``gate_bias``, other biases 0;
    ``gru``: update-gate bias ``gate_bias`` (z_t keeps the old state), other biases 0."""
    if kind in ("rnn", "rnn_orthogonal"):
        model = rnn.RNN.random(D, H, O, seed=seed, activation="tanh")
        model = model.replace(b_h=np.zeros(H), b_y=np.zeros(O))
        if kind == "rnn_orthogonal":
            model = model.replace(W_hh=orthogonal(H, np.random.default_rng(seed + 10_000)))
        return model
    if kind == "lstm":
        return lstm.LSTM.random(D, H, O, seed=seed, forget_bias=gate_bias)
    if kind == "gru":
        return gru.GRU.random(D, H, O, seed=seed, update_bias=gate_bias)
    raise ValueError(f"unknown model {kind!r}; choose one of {', '.join(MODELS)}")


def mse_and_grads(model, x: np.ndarray, targets: np.ndarray):
    """Mean squared error at the last step over the batch, and its parameter gradients."""
    module = MODULES[type(model)]
    B, T, _ = x.shape
    run = module.forward(model, x)
    grads = module.bptt(model, run, targets, steps=[T])
    value = module.loss(run, targets, steps=[T]) / B
    return value, {name: grads[name] / B for name in model.parameters()}


def test_mse(model, batch: tasks.Batch) -> float:
    module = MODULES[type(model)]
    run = module.forward(model, batch.x)
    return module.loss(run, batch.targets, steps=[batch.x.shape[1]]) / batch.x.shape[0]


@dataclass(frozen=True)
class TrainingRun:
    model: object
    losses: np.ndarray      # training MSE before each update
    clipped: int            # how many updates were clipped
    test_loss: float        # MSE on a fresh test batch after training


def train(model, task: str, T: int, *, steps: int, batch: int = 32, optimizer: str = "adam",
          learning_rate: float = 0.01, clip: float | None = None, seed: int = 0,
          test_batch: int = 256, stop_below: float | None = None) -> TrainingRun:
    """Train ``model`` for ``steps`` updates on fresh batches of ``task`` with length T;
    with ``stop_below``, stop early once the mean training loss of the last 20 updates is
    below it (the test loss then decides success)."""
    if int(steps) != steps or steps < 1:
        raise ValueError(f"the number of training steps must be a whole number ≥ 1, got {steps!r}")
    make_batch = tasks.get(task)
    rng = np.random.default_rng([seed, T, 1])
    opt = Adam(learning_rate) if optimizer == "adam" else SGD(learning_rate) if optimizer == "sgd" else None
    if opt is None:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose adam or sgd")
    losses = np.empty(steps)
    clipped = 0
    params = model.parameters()
    for k in range(steps):
        data = make_batch(T, batch, rng)
        losses[k], grads = mse_and_grads(model, data.x, data.targets)
        if clip is not None:
            result = clip_by_norm(grads, clip)
            grads, clipped = result.grads, clipped + result.clipped
        params = opt.step(params, grads)
        model = model.replace(**params)
        if stop_below is not None and k >= 19 and losses[k - 19:k + 1].mean() < stop_below:
            losses = losses[:k + 1]
            break
    test = make_batch(T, test_batch, np.random.default_rng([seed, T, 2]))
    return TrainingRun(model=model, losses=losses, clipped=clipped, test_loss=test_mse(model, test))


@dataclass(frozen=True)
class LongRangeStudy:
    kind: str
    lengths: tuple[int, ...]
    test_loss: np.ndarray     # (lengths, seeds)
    updates: np.ndarray       # (lengths, seeds): updates made (early stop when solved)
    threshold: float

    @property
    def success_rate(self) -> np.ndarray:
        """Share of seeds whose test loss is below the threshold, per length."""
        return (self.test_loss < self.threshold).mean(axis=1)


def long_range_study(kind: str, lengths, *, seeds: int, hidden: int, steps: int, batch: int,
                     learning_rate: float, clip: float, gate_bias: float, threshold: float,
                     task: str = "remember_first") -> LongRangeStudy:
    """Train ``kind`` on ``task`` for every length and seed 0..seeds − 1 (Adam, norm clipping,
    early stop once the training loss is below the threshold); keep each run's test loss."""
    losses = np.empty((len(lengths), seeds))
    updates = np.empty((len(lengths), seeds), dtype=int)
    for a, T in enumerate(lengths):
        for seed in range(seeds):
            model = make_model(kind, 2, hidden, 1, seed=seed, gate_bias=gate_bias)
            run = train(model, task, int(T), steps=steps, batch=batch, learning_rate=learning_rate, clip=clip,
                        seed=seed, stop_below=threshold / 2)
            losses[a, seed], updates[a, seed] = run.test_loss, len(run.losses)
    return LongRangeStudy(kind=kind, lengths=tuple(int(T) for T in lengths), test_loss=losses, updates=updates,
                          threshold=threshold)
