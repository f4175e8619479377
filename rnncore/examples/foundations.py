"""Foundations: the feature map, weight tying and parameter counts (seeds 000–002, 004)."""
from __future__ import annotations

from .. import cnn, parameters
from ..exact import MINUS
from . import Example, register

#: Lengths at which the StatQuest network is counted (seeds 001, 002: 2 and 3 days, 50 days).
SCALAR_LENGTHS = (2, 3, 50)
#: A small vector RNN for the general count, and the lengths it is unrolled to.
VECTOR_SIZES = {"D": 3, "H": 16, "O": 1}
VECTOR_LENGTHS = (2, 3, 50, 1000)
#: The image and kernel of the convolution comparison: the 6×6 image of seed 000's
#: neighbour StatQuest and the slides' kernel_size = 4, stride 1, padding 'valid'.
IMAGE, KERNEL = 6, 4
#: The sequence length of the RNN comparison (seed 001: 50 days of prices).
DAYS = 50


def grid_text(grid) -> str:
    """``[[1, −1], [0, 1]]`` with true minus signs."""
    rows = ("[" + ", ".join(str(v).replace("-", MINUS) for v in row) + "]" for row in grid)
    return "[" + ", ".join(rows) + "]"


def feature_map_steps() -> dict[str, list[list[int]]]:
    feature_map = [list(row) for row in cnn.FEATURE_MAP]
    rectified = cnn.to_ints(cnn.relu(feature_map))
    pooled = cnn.to_ints(cnn.max_pool(rectified, 2))
    return {"feature_map": feature_map, "relu": rectified, "pooled": pooled}


@register("cnn-feature-map")
def cnn_feature_map() -> Example:
    grids = feature_map_steps()
    return Example(
        id="cnn-feature-map",
        title="A feature map through ReLU and 2×2 max pooling",
        expression=(
            f"feature map {grid_text(grids['feature_map'])} → ReLU → {grid_text(grids['relu'])}"
            f" → 2×2 max pooling → {grid_text(grids['pooled'])}"
        ),
        value=grids["pooled"],
        display=grid_text(grids["pooled"]),
        page="architectures.md",
        sources=("000",),
        details=grids,
    )


@register("weight-tying")
def weight_tying() -> Example:
    layer = cnn.layer_weights(IMAGE, KERNEL)
    untied = parameters.unrolled_count(1, 1, 1, DAYS, tied=False)
    tied = parameters.unrolled_count(1, 1, 1, DAYS, tied=True)
    side = cnn.output_size(IMAGE, KERNEL)
    return Example(
        id="weight-tying",
        title="Weight tying across space and across time",
        expression=(
            f"convolution: a {KERNEL}×{KERNEL} filter at {layer['positions']} positions of a {IMAGE}×{IMAGE} image "
            f"({side}×{side} outputs) needs {layer['local']} weights untied, {layer['convolution']} tied "
            f"({layer['fully_connected']} fully connected); "
            f"RNN: {DAYS} copies of the StatQuest cell need {untied} parameters untied, {tied} tied"
        ),
        value=[[layer["local"], layer["convolution"]], [untied, tied]],
        display=f"{layer['convolution']} instead of {layer['local']} (space); {tied} instead of {untied} (time)",
        page="architectures.md",
        sources=("000", "001", "002"),
        details={"image": IMAGE, "kernel": KERNEL, "days": DAYS, **layer,
                 "rnn_untied": untied, "rnn_tied": tied},
    )


@register("param-count-scalar")
def param_count_scalar() -> Example:
    counts = {T: parameters.statquest_count(T) for T in SCALAR_LENGTHS}
    listing = ", ".join(f"{T} inputs: {count}" for T, count in counts.items())
    (value,) = set(counts.values())
    return Example(
        id="param-count-scalar",
        title="The unrolled StatQuest network keeps five parameters",
        expression=f"w₁, b₁, w₂, w₃, b₂ shared by every copy; {listing}",
        value=value,
        page="unrolling.md",
        sources=("001", "002"),
        details={"counts": {str(T): count for T, count in counts.items()},
                 "untied": {str(T): parameters.unrolled_count(1, 1, 1, T, tied=False) for T in SCALAR_LENGTHS}},
    )


@register("param-count-vector")
def param_count_vector() -> Example:
    sizes = VECTOR_SIZES
    count = parameters.rnn_count(sizes["D"], sizes["H"], sizes["O"])
    unrolled = {T: parameters.unrolled_count(sizes["D"], sizes["H"], sizes["O"], T) for T in VECTOR_LENGTHS}
    lengths = ", ".join(str(T) for T in VECTOR_LENGTHS)
    (total,) = set(unrolled.values())
    return Example(
        id="param-count-vector",
        title="Parameters of a vector RNN do not depend on the sequence length",
        expression=(
            f"{parameters.FORMULA}; with D = {sizes['D']}, H = {sizes['H']}, O = {sizes['O']}: "
            f"{count.terms}, for T = {lengths} alike"
        ),
        value=parameters.FORMULA,
        display=f"{parameters.FORMULA} (D = {sizes['D']}, H = {sizes['H']}, O = {sizes['O']}: {total} for any T)",
        page="unrolling.md",
        sources=("001", "002", "004"),
        details={**sizes, "parts": count.parts, "total": count.total,
                 "unrolled": {str(T): n for T, n in unrolled.items()}},
    )
