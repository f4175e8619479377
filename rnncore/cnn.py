"""Convolution's two ideas on a small grid: a ReLU and a 2×2 max pooling (seed 000).

The feature map is what a 4×4 filter left on an image in the source's slides.
Here it goes through the two steps that usually follow a convolution:

* ReLU keeps the positive responses and sets the rest to 0;
* 2×2 max pooling keeps the largest value of each non-overlapping 2×2 block,
  so the map shrinks by half in each direction.

Also here: :func:`convolve`, a "valid" convolution with stride 1, and
:func:`layer_weights`, the number of weights a layer needs when it maps an image
to a feature map fully connected, with local but untied filters, or with one
filter tied across every position (a convolution).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

#: The 4×4 feature map of seed 000 (the response of one filter at each position).
FEATURE_MAP: tuple[tuple[int, ...], ...] = (
    (1, -1, -2, -1),
    (-1, -2, -1, -2),
    (-2, -1, -2, -1),
    (-1, -2, -1, 1),
)


def as_grid(grid: Sequence[Sequence[float]] | np.ndarray, *, name: str = "grid") -> np.ndarray:
    """A rectangular, non-empty, finite 2-D array, or a ``ValueError`` that says what is wrong."""
    if isinstance(grid, (str, bytes)):
        raise ValueError(f"{name} must be a 2-D grid of numbers, got a string")
    try:
        array = np.asarray(grid, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a rectangular 2-D grid of numbers (rows of equal length)") from None
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D grid of numbers, got {array.ndim} dimension(s)")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds a value that is not finite")
    return array


def relu(grid) -> np.ndarray:
    """``max(0, v)`` for every value of the grid."""
    return np.maximum(as_grid(grid), 0.0)


def max_pool(grid, size: int = 2) -> np.ndarray:
    """The largest value of each non-overlapping ``size``×``size`` block (stride = size)."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"pool size must be a positive whole number, got {size!r}")
    array = as_grid(grid)
    rows, columns = array.shape
    if rows % size or columns % size:
        raise ValueError(
            f"a {rows}×{columns} grid cannot be cut into {size}×{size} blocks: "
            f"both sides must be multiples of {size}"
        )
    blocks = array.reshape(rows // size, size, columns // size, size)
    return blocks.max(axis=(1, 3))


def convolve(image, kernel) -> np.ndarray:
    """A "valid" convolution with stride 1, as deep-learning libraries compute it
    (the kernel is not flipped, i.e. a cross-correlation): one output per position
    where the kernel fits entirely inside the image."""
    image = as_grid(image, name="image")
    kernel = as_grid(kernel, name="kernel")
    kh, kw = kernel.shape
    ih, iw = image.shape
    if kh > ih or kw > iw:
        raise ValueError(f"a {kh}×{kw} kernel does not fit inside a {ih}×{iw} image")
    out = np.empty((ih - kh + 1, iw - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = float(np.sum(image[i:i + kh, j:j + kw] * kernel))
    return out


def output_size(image: int, kernel: int) -> int:
    """Positions of a ``kernel``-wide filter along an ``image``-wide side (valid, stride 1)."""
    for name, value in (("image", image), ("kernel", kernel)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} size must be a positive whole number, got {value!r}")
    if kernel > image:
        raise ValueError(f"a kernel of size {kernel} does not fit inside an image of size {image}")
    return image - kernel + 1


def layer_weights(image: int, kernel: int) -> dict[str, int]:
    """Weights (biases left out) of a layer from an ``image``×``image`` input to the
    feature map of a ``kernel``×``kernel`` filter (valid, stride 1), built three ways.

    * ``fully_connected``: every output position sees every pixel with its own weights;
    * ``local``: every position sees only its ``kernel``×``kernel`` patch, but with its own weights;
    * ``convolution``: every position uses the same ``kernel``×``kernel`` weights (tied).
    """
    side = output_size(image, kernel)
    positions = side * side
    return {
        "positions": positions,
        "fully_connected": positions * image * image,
        "local": positions * kernel * kernel,
        "convolution": kernel * kernel,
    }


def to_ints(array: np.ndarray) -> list[list[int]]:
    """A grid of whole numbers as nested lists of ``int`` (fails loudly if one is not whole)."""
    if not np.all(array == np.round(array)):
        raise ValueError("the grid holds values that are not whole numbers")
    return [[int(v) for v in row] for row in array]
