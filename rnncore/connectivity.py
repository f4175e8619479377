"""How much the last step depends on each input, measured the same way for the vanilla
RNN, the LSTM and the GRU: ‖∂ℓ/∂x_k‖ for ℓ = u · h_T, a fixed direction u of the last
hidden state (a linear readout), for every step k = 1..T.

Because x_k is the same kind of object for all three models (unlike h or c), this
compares like with like: the cell state's own gradient ∂ℓ/∂c_k is not comparable with
a vanilla RNN's ∂ℓ/∂h_k, but ∂ℓ/∂x_k is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import gru, lstm, rnn


def input_gradients(model, x, direction) -> np.ndarray:
    """∂ℓ/∂x_k for ℓ = direction · h_T, shape (B, T, D), index k − 1."""
    if isinstance(model, rnn.RNN):
        run = rnn.forward(model, x)
        dh = rnn.state_gradients(model, run, direction)               # index T − k, k = T..0
        T = run.h.shape[1]
        through = np.stack([dh[T - k] for k in range(1, T + 1)], axis=1)  # ∂ℓ/∂h_k, (B, T, H)
        return (through * run.dphi) @ model.W_hx                      # z_k = W_hx x_k + …
    module = lstm if isinstance(model, lstm.LSTM) else gru if isinstance(model, gru.GRU) else None
    if module is None:
        raise ValueError(f"no input gradients for a {type(model).__name__}")
    run = module.forward(model, x)
    return module.backward(model, run, np.zeros_like(run.y), dh_T=np.broadcast_to(direction, run.h0.shape))["x"]


def input_gradient_norms(model, x, direction) -> np.ndarray:
    """‖∂ℓ/∂x_k‖ for one sequence, indexed by the distance T − k = 0..T − 1."""
    g = input_gradients(model, x, direction)[0]
    return np.linalg.norm(g, axis=1)[::-1]


@dataclass(frozen=True)
class FlowStudy:
    label: str
    norms: np.ndarray            # (networks, T): ‖∂ℓ/∂x_k‖ by distance T − k

    def quantiles(self, q) -> np.ndarray:
        return np.quantile(self.norms, q, axis=0)

    @property
    def median(self) -> np.ndarray:
        return np.median(self.norms, axis=0)


def models(kind: str, H: int, *, seed: int, gate_bias: float = 0.0):
    """The random networks compared: Gaussian weights of variance 1/fan-in (D = H inputs),
    biases 0 except the LSTM's forget gate or the GRU's update gate (``gate_bias``)."""
    if kind == "rnn":
        model = rnn.RNN.random(H, H, 1, seed=seed)
        return model.replace(b_h=np.zeros(H))
    if kind == "lstm":
        return lstm.LSTM.random(H, H, 1, seed=seed, forget_bias=gate_bias)
    if kind == "gru":
        return gru.GRU.random(H, H, 1, seed=seed, update_bias=gate_bias)
    raise ValueError(f"unknown model {kind!r}; choose rnn, lstm or gru")


def flow_study(kind: str, *, hidden: int, steps: int, networks: int, seed: int, gate_bias: float = 0.0,
               input_scale: float = 1.0, label: str = "") -> FlowStudy:
    """‖∂ℓ/∂x_k‖ for ``networks`` seeded random networks, each on its own Gaussian input
    sequence (standard deviation ``input_scale``) and readout direction u (unit length)."""
    rows = []
    for n in range(networks):
        rng = np.random.default_rng([seed, n])
        x = input_scale * rng.normal(size=(1, steps, hidden))
        u = rng.normal(size=hidden)
        model = models(kind, hidden, seed=seed * 1000 + n, gate_bias=gate_bias)
        rows.append(input_gradient_norms(model, x, u / np.linalg.norm(u)))
    return FlowStudy(label=label or kind, norms=np.array(rows))
