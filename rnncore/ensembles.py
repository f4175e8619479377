"""Random recurrent matrices, and how far their Jacobians reach.

The bound ‖∂h_t/∂h_k‖ ≤ (γλ)^(t−k) uses λ, the **largest singular value** of W_hh
(its spectral norm): how much one multiplication can stretch any vector. What a long
product W^n does in the end is governed instead by ρ, the **spectral radius** (the
largest |eigenvalue|): ‖W^n‖^(1/n) → ρ (Gelfand's formula), and always ρ ≤ λ. The
bound has to use λ, because it must hold from the first step on, for every vector.

Three ensembles of random H × H matrices make the difference visible:

- ``gaussian``: independent normal entries. Far from normal matrices: ρ is about
  half of λ, so at a given λ the long products shrink much faster than λ suggests.
- ``orthogonal``: c·Q with Q orthogonal (QR of a Gaussian matrix, signs fixed so Q
  is uniformly distributed). Every singular value is |c| and every eigenvalue has
  modulus |c|: λ = ρ = |c|.
- ``symmetric``: (G + Gᵀ)/√2. Symmetric matrices are normal, so λ = ρ too, but the
  eigenvalues are spread out instead of all having the largest modulus.

:func:`ensemble` draws networks scaled to a chosen λ or to a chosen ρ, and
:func:`study` measures ‖∂h_T/∂h_k‖ of their runs against the bound.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import gamma as gamma_of
from .rnn import jacobian_norms, recurrence

KINDS = ("gaussian", "orthogonal", "symmetric")
SCALES = ("lambda", "rho")


def shaped(kind: str, G: np.ndarray) -> np.ndarray:
    """Turn standard normal matrices G (…, H, H) into matrices of ensemble ``kind``
    (unscaled): G itself, the orthogonal Q of its QR factorisation (column signs fixed
    by R's diagonal, so that Q is uniformly distributed), or (G + Gᵀ)/√2."""
    G = np.asarray(G, dtype=float)
    if kind == "gaussian":
        return G
    if kind == "orthogonal":
        Q, R = np.linalg.qr(G)
        signs = np.sign(np.diagonal(R, axis1=-2, axis2=-1))
        signs[signs == 0] = 1.0
        return Q * signs[..., None, :]
    if kind == "symmetric":
        return (G + np.swapaxes(G, -2, -1)) / np.sqrt(2.0)
    raise ValueError(f"unknown ensemble {kind!r}; choose one of {', '.join(KINDS)}")


def _directions(kind: str, rng: np.random.Generator, networks: int, hidden: int) -> np.ndarray:
    """Unscaled matrices of one ensemble, shape (networks, hidden, hidden)."""
    if kind not in KINDS:
        raise ValueError(f"unknown ensemble {kind!r}; choose one of {', '.join(KINDS)}")
    return shaped(kind, rng.normal(size=(networks, hidden, hidden)))


def largest_singular_values(W: np.ndarray) -> np.ndarray:
    """λ of each matrix of a stack (…, H, H)."""
    return np.linalg.norm(W, ord=2, axis=(-2, -1))


def spectral_radii(W: np.ndarray) -> np.ndarray:
    """ρ = max |eigenvalue| of each matrix of a stack (…, H, H)."""
    return np.max(np.abs(np.linalg.eigvals(W)), axis=-1)


def ensemble(kind: str, size: float, *, scale: str = "lambda", hidden: int = 8, networks: int = 30,
             seed: int = 0) -> np.ndarray:
    """``networks`` random H × H matrices of ensemble ``kind``, each rescaled so that its λ
    (``scale="lambda"``) or its ρ (``scale="rho"``) equals ``size``."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    if not size > 0:
        raise ValueError(f"the size must be positive, got {size!r}")
    W = _directions(kind, np.random.default_rng(seed), networks, hidden)
    current = largest_singular_values(W) if scale == "lambda" else spectral_radii(W)
    return W * (float(size) / current)[:, None, None]


def linear_power_norms(W: np.ndarray, steps: int) -> np.ndarray:
    """‖W^n‖₂ for n = 0..steps: the Jacobian ∂h_t/∂h_k = W^(t−k) of the linear network
    h_t = W h_(t−1) + W_hx x_t, for one matrix W."""
    W = np.asarray(W, dtype=float)
    product = np.eye(W.shape[0])
    norms = [1.0]
    for _ in range(steps):
        product = W @ product
        norms.append(float(np.linalg.norm(product, 2)))
    return np.array(norms)


@dataclass(frozen=True)
class EnsembleStudy:
    """Measured ‖∂h_T/∂h_k‖ of one ensemble in one activation, against (γλ)^(T−k)."""

    kind: str
    activation: str
    gamma: float
    lam: np.ndarray        # λ of each network
    rho: np.ndarray        # ρ of each network
    norms: np.ndarray      # (networks, T + 1), column T − k

    @property
    def steps(self) -> int:
        return self.norms.shape[1] - 1

    @property
    def median(self) -> np.ndarray:
        return np.median(self.norms, axis=0)

    @property
    def bound(self) -> np.ndarray:
        """(γλ)^(T−k) with the ensemble's largest λ (all are equal when scaled to λ)."""
        return (self.gamma * float(np.max(self.lam))) ** np.arange(self.steps + 1)

    def end(self) -> np.ndarray:
        """‖∂h_T/∂h_0‖ of each network."""
        return self.norms[:, -1]

    def growing(self) -> int:
        """How many networks end with ‖∂h_T/∂h_0‖ > 1."""
        return int(np.sum(self.end() > 1.0))

    def largest_ratio(self) -> float:
        """max over networks and T − k ≥ 1 of measured / that network's own bound (γλ_n)^(T−k)."""
        distance = np.arange(1, self.steps + 1)
        own = (self.gamma * self.lam[:, None]) ** distance
        return float(np.max(self.norms[:, 1:] / own))


def study(kind: str, activation: str, size: float, *, scale: str = "lambda", hidden: int = 8,
          steps: int = 60, networks: int = 30, input_scale: float = 0.5, seed: int = 0) -> EnsembleStudy:
    """Run ``networks`` tanh/sigmoid/ReLU networks h_t = φ(W h_(t−1) + drive_t) from h_0 = 0,
    W from :func:`ensemble`, drives normal with standard deviation ``input_scale``, and
    measure ‖∂h_T/∂h_k‖ for every k."""
    W = ensemble(kind, size, scale=scale, hidden=hidden, networks=networks, seed=seed)
    drive = np.random.default_rng(seed + 1).normal(0.0, input_scale, (networks, steps, hidden))
    _, dphi = recurrence(W, drive, activation)
    return EnsembleStudy(kind, activation, float(gamma_of(activation)), largest_singular_values(W),
                         spectral_radii(W), jacobian_norms(W, dphi))
