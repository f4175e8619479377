"""Gradient clipping: by the norm of all parameters jointly, or element by element.

Norm clipping is Algorithm 1 of Pascanu, Mikolov and Bengio (2013)::

    ĝ ← ∂E/∂θ
    if ‖ĝ‖ ≥ threshold then ĝ ← (threshold / ‖ĝ‖) ĝ

The norm is the Euclidean norm of every parameter's gradient stacked into one
vector, so clipping rescales all of them by the same factor and keeps the
direction of the whole step. Element-wise clipping instead caps each entry at
±threshold, which can turn the step.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

import numpy as np


def _check_threshold(threshold: float) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating, np.integer)):
        raise ValueError(f"the clipping threshold must be a positive number, got {threshold!r}")
    if not math.isfinite(threshold) or threshold <= 0:
        raise ValueError(f"the clipping threshold must be a positive finite number, got {threshold!r}")
    return float(threshold)


def _as_arrays(grads: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    if not isinstance(grads, Mapping) or not grads:
        raise ValueError("clipping needs a non-empty mapping of parameter names to gradient arrays")
    arrays = {name: np.asarray(value, dtype=float) for name, value in grads.items()}
    for name, value in arrays.items():
        if not np.all(np.isfinite(value)):
            raise ValueError(f"the gradient of {name} is not finite: clip before it overflows")
    return arrays


def _largest(arrays: Mapping[str, np.ndarray]) -> float:
    return max((float(np.max(np.abs(a))) for a in arrays.values() if a.size), default=0.0)


def _unit_norm(arrays: Mapping[str, np.ndarray], scale: float) -> float:
    """‖ĝ / scale‖₂, between 1 and √(entries) when ``scale`` is the largest |entry|."""
    return math.sqrt(sum(float(np.sum((a / scale) ** 2)) for a in arrays.values()))


def global_norm(grads: Mapping[str, np.ndarray]) -> float:
    """‖ĝ‖₂ over all parameters jointly (as if every gradient were one long vector).

    Computed on the gradient divided by its largest |entry|, so that entries near
    1e200 do not overflow when squared. A norm beyond the float range (entries within
    a factor √n of 1.8e308) raises ValueError."""
    arrays = _as_arrays(grads)
    scale = _largest(arrays)
    if scale == 0.0:
        return 0.0
    unit = _unit_norm(arrays, scale)
    if scale > np.finfo(float).max / unit:
        raise ValueError(f"the gradients' norm, about {scale:.3g} × {unit:.3g}, is beyond the float range: "
                         "scale the loss down, or clip each array with clip_vector")
    return scale * unit


@dataclass(frozen=True)
class Clipped:
    grads: dict[str, np.ndarray]
    norm_before: float
    norm_after: float
    scale: float        # the factor applied (1.0 when the norm was below the threshold)
    clipped: bool


def clip_by_norm(grads: Mapping[str, np.ndarray], threshold: float) -> Clipped:
    """Pascanu et al.'s Algorithm 1 over all parameters jointly."""
    threshold = _check_threshold(threshold)
    arrays = _as_arrays(grads)
    norm = global_norm(arrays)
    if norm >= threshold:
        scale = threshold / norm
        clipped = {name: value * scale for name, value in arrays.items()}
        return Clipped(clipped, norm, global_norm(clipped), scale, True)
    return Clipped({name: value.copy() for name, value in arrays.items()}, norm, norm, 1.0, False)


def clip_vector(g: np.ndarray, threshold: float) -> np.ndarray:
    """Norm clipping of one gradient vector (or of a stack of them along the last axis).

    Each vector is divided by its largest |entry| before its norm is taken, so that
    [3e154, 4e154] (whose squares overflow) clips to [0.6, 0.8] × threshold, and the
    clipped vector is that unit-scaled vector times threshold / its norm: nothing
    overflows or underflows on the way."""
    threshold = _check_threshold(threshold)
    g = np.asarray(g, dtype=float)
    if not np.all(np.isfinite(g)):
        raise ValueError("the gradient is not finite: clip before it overflows")
    if g.ndim == 0 or g.shape[-1] == 0:
        return g.copy()
    scale = np.max(np.abs(g), axis=-1, keepdims=True)
    safe = np.where(scale == 0, 1.0, scale)
    unit = g / safe                                   # entries in [−1, 1], at least one ±1
    norm = np.linalg.norm(unit, axis=-1, keepdims=True)  # ‖g‖ / scale, from 1 to √n
    with np.errstate(over="ignore", under="ignore"):
        ratio = threshold / safe                      # ‖g‖ ≥ threshold ⟺ norm ≥ threshold / scale
    clip = (scale > 0) & (norm >= ratio)
    return np.where(clip, unit * (threshold / np.where(norm == 0, 1.0, norm)), g)


def clip_elementwise(grads: Mapping[str, np.ndarray], threshold: float) -> dict[str, np.ndarray]:
    """Every entry capped to [−threshold, threshold]: bounded, but the direction may turn."""
    threshold = _check_threshold(threshold)
    return {name: np.clip(value, -threshold, threshold) for name, value in _as_arrays(grads).items()}


def clip_norm_exact(components: list[Fraction | int], threshold: Fraction | int) -> dict:
    """Norm clipping in exact arithmetic for a gradient whose squared norm is a perfect
    square of a rational (so the result is exact): returns the norm, the factor and
    the clipped components as Fractions."""
    parts = [Fraction(c) for c in components]
    threshold = Fraction(threshold)
    if threshold <= 0:
        raise ValueError("the clipping threshold must be positive")
    squared = sum(p * p for p in parts)
    numerator, denominator = math.isqrt(squared.numerator), math.isqrt(squared.denominator)
    if Fraction(numerator, denominator) ** 2 != squared:
        raise ValueError("the norm of these components is irrational; use clip_by_norm for floats")
    norm = Fraction(numerator, denominator)
    factor = threshold / norm if norm >= threshold else Fraction(1)
    return {"norm": norm, "factor": factor, "clipped": [p * factor for p in parts],
            "norm_after": norm * factor}
