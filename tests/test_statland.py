"""The StatQuest network against the worked examples of the source material."""
from decimal import Decimal

import math
import pytest

from rnncore import STATQUEST, Weights, unroll
from rnncore import examples

# Values from WORKED_EXAMPLES.md (seeds 000-002), typed here on purpose: this is
# the independent record that the engine is checked against.
EXPECTED = {
    "statland-low-low": ((0, 0), ["0", "0"], ["0", "0"], "0"),
    "statland-low-medium": ((0, 0.5), ["0", "0.9"], ["0", "0.9"], "0.99"),
    "statland-high-medium": ((1, 0.5), ["1.8", "0"], ["1.8", "0"], "0"),
    "statland-high-high": ((1, 1), ["1.8", "0.9"], ["1.8", "0.9"], "0.99"),
    "statland-three-days": ((1, 0.5, 0.5), ["1.8", "0", "0.9"], ["1.8", "0", "0.9"], "0.99"),
}


@pytest.mark.parametrize("example_id", EXPECTED)
def test_trace_matches_worked_example(example_id):
    inputs, xs, ys, prediction = EXPECTED[example_id]
    trace = unroll(inputs)
    assert [step.x for step in trace.steps] == [Decimal(x) for x in xs]
    assert [step.y for step in trace.steps] == [Decimal(y) for y in ys]
    assert trace.prediction == Decimal(prediction)


@pytest.mark.parametrize("example_id", EXPECTED)
def test_registry_value(example_id):
    example = examples.get(example_id)
    expected = Decimal(EXPECTED[example_id][3])
    assert examples.plain(example.value) == (int(expected) if expected == expected.to_integral() else float(expected))
    assert example.page == "statland.md"


def test_printed_arithmetic_is_exact():
    low_medium = unroll([0, 0.5])
    assert low_medium.steps[1].x_arithmetic == "0.5 × 1.8 + (0 × −0.5) + 0.0 = 0.9"
    assert low_medium.steps[1].output_arithmetic == "0.9 × 1.1 + 0.0 = 0.99"
    assert unroll([0]).steps[0].x_arithmetic == "0 × 1.8 + 0.0 = 0"
    high = unroll([1, 0.5])
    assert high.steps[1].x_arithmetic == "0.5 × 1.8 + (1.8 × −0.5) + 0.0 = 0"
    assert high.steps[0].output_arithmetic == "1.8 × 1.1 + 0.0 = 1.98"
    assert high.steps[0].feedback_arithmetic == "1.8 × −0.5 = −0.9"
    assert "0.9900000000000001" not in examples.to_json()


def test_first_copy_output_is_todays_prediction():
    assert unroll([0, 0.5]).steps[0].output == 0
    assert unroll([1, 0.5]).steps[0].output == Decimal("1.98")


@pytest.mark.parametrize("length", range(1, 51))
def test_traces_of_every_length(length):
    inputs = [(t % 3) / 2 for t in range(length)]  # Low, Medium, High, Low, ...
    trace = unroll(inputs)
    assert len(trace.steps) == length
    assert [step.t for step in trace.steps] == list(range(1, length + 1))
    previous_y = None
    for step, value in zip(trace.steps, inputs):
        recurrent = 0.0 if previous_y is None else previous_y * STATQUEST.w2
        assert math.isclose(float(step.x), value * STATQUEST.w1 + recurrent + STATQUEST.b1, abs_tol=1e-12)
        assert step.y == max(Decimal(0), step.x)
        assert step.output == step.y * Decimal("1.1") + Decimal("0.0")
        previous_y = float(step.y)
    assert trace.prediction == trace.steps[-1].output


def test_weights_do_not_grow_with_length():
    assert STATQUEST.count == 5
    assert unroll([1] * 50).weights.count == 5


@pytest.mark.parametrize(
    "inputs, message",
    [
        ([], "at least one value"),
        ([0.5, float("nan")], "input 2 must be finite"),
        ([float("inf")], "input 1 must be finite"),
        (["High"], "input 1 must be a number"),
        ([True], "input 1 must be a number"),
        ("01", "sequence of numbers"),
        (None, "sequence of numbers"),
    ],
)
def test_bad_sequences_raise(inputs, message):
    with pytest.raises(ValueError, match=message):
        unroll(inputs)


@pytest.mark.parametrize("name", ["w1", "b1", "w2", "w3", "b2"])
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_weights_raise(name, bad):
    with pytest.raises(ValueError, match=f"weight {name} must be a finite number"):
        Weights(**{name: bad})
