"""StatLand: the four two-day scenarios and the three-day sequence (seeds 000–002)."""
from __future__ import annotations

from ..exact import show
from ..statquest import STATQUEST, Trace, unroll
from . import Example, register

SCENARIOS: dict[str, tuple[tuple[float, ...], str, str]] = {
    "statland-low-low": ((0.0, 0.0), "Low", "Low, Low"),
    "statland-low-medium": ((0.0, 0.5), "High", "Low, Medium"),
    "statland-high-medium": ((1.0, 0.5), "Low", "High, Medium"),
    "statland-high-high": ((1.0, 1.0), "High", "High, High"),
    "statland-three-days": ((1.0, 0.5, 0.5), "", "High, Medium, Medium"),
}

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(t: int) -> str:
    return str(t).translate(_SUBSCRIPTS)


def trace_expression(trace: Trace) -> str:
    parts = []
    for step in trace.steps:
        parts.append(f"x{sub(step.t)} = {step.x_arithmetic}")
        parts.append(f"y{sub(step.t)} = {step.y_arithmetic}")
    parts.append(f"prediction = {trace.steps[-1].output_arithmetic}")
    return "; ".join(parts)


def _scenario(example_id: str) -> Example:
    inputs, observed, title = SCENARIOS[example_id]
    trace = unroll(inputs, STATQUEST)
    return Example(
        id=example_id,
        title=f"StatLand: {title}",
        expression=trace_expression(trace),
        value=trace.prediction,
        display=show(trace.prediction),
        page="statland.md",
        sources=("001", "002"),
        details={
            "inputs": list(inputs),
            "observed": observed,
            "x": [step.x for step in trace.steps],
            "y": [step.y for step in trace.steps],
            "outputs": [step.output for step in trace.steps],
            "first_output": trace.steps[0].output,
            "prediction_text": show(trace.prediction),
        },
    )


for _id in SCENARIOS:
    register(_id)(lambda _id=_id: _scenario(_id))
