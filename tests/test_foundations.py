"""Foundations: the feature map, weight tying, parameter counts, the companies, memory."""
import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from conftest import ROOT
from rnncore import STATQUEST, Weights, cnn, memory, parameters, unroll
from rnncore import examples
from rnncore.exact import show


def load_params():
    from figures.params import load
    return load()

# Typed from WORKED_EXAMPLES.md (seed 000) on purpose: the independent record.
FEATURE_MAP = [[1, -1, -2, -1], [-1, -2, -1, -2], [-2, -1, -2, -1], [-1, -2, -1, 1]]
RELU = [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]]
POOLED = [[1, 0], [0, 1]]


# --- cnn ---------------------------------------------------------------------------

def test_feature_map_example_has_the_three_grids():
    example = examples.get("cnn-feature-map")
    assert example.details["feature_map"] == FEATURE_MAP
    assert example.details["relu"] == RELU
    assert example.details["pooled"] == POOLED
    assert examples.plain(example.value) == POOLED
    assert example.page == "architectures.md"
    assert "−2" in example.expression and "-" not in example.expression.replace("max pooling", "")


def test_relu_and_pool_compute_the_grids():
    assert cnn.relu(FEATURE_MAP).tolist() == RELU
    assert cnn.max_pool(RELU, 2).tolist() == POOLED
    assert [list(row) for row in cnn.FEATURE_MAP] == FEATURE_MAP


def test_max_pool_keeps_the_largest_of_each_block():
    grid = np.arange(16).reshape(4, 4)
    assert cnn.max_pool(grid, 2).tolist() == [[5, 7], [13, 15]]
    assert cnn.max_pool(grid, 4).tolist() == [[15]]
    assert cnn.max_pool([[-3, -1], [-2, -5]], 2).tolist() == [[-1]]


def test_convolve_valid_stride_one():
    image = np.arange(36).reshape(6, 6)
    kernel = np.ones((4, 4))
    out = cnn.convolve(image, kernel)
    assert out.shape == (3, 3)
    assert out[0, 0] == sum(image[i, j] for i in range(4) for j in range(4))
    assert out[2, 1] == image[2:6, 1:5].sum()


@pytest.mark.parametrize("bad, message", [
    ([[1, 2], [3]], "rectangular"),
    ([1, 2, 3], "2-D"),
    ([[]], "empty"),
    ([[1.0, float("nan")]], "not finite"),
    ("abc", "string"),
])
def test_bad_grids_raise(bad, message):
    with pytest.raises(ValueError, match=message):
        cnn.relu(bad)


def test_pool_size_must_divide_the_grid():
    with pytest.raises(ValueError, match="cannot be cut into 2×2 blocks"):
        cnn.max_pool([[1, 2, 3], [4, 5, 6]], 2)
    with pytest.raises(ValueError, match="positive whole number"):
        cnn.max_pool(RELU, 0)


def test_layer_weights_of_a_6x6_image_and_4x4_filter():
    assert cnn.layer_weights(6, 4) == {"positions": 9, "fully_connected": 324, "local": 144, "convolution": 16}
    assert cnn.layer_weights(28, 5)["positions"] == 24 * 24
    with pytest.raises(ValueError, match="does not fit"):
        cnn.layer_weights(3, 4)


def test_weight_tying_example():
    example = examples.get("weight-tying")
    assert examples.plain(example.value) == [[144, 16], [250, 5]]
    assert example.details["fully_connected"] == 324
    assert example.page == "architectures.md"


# --- parameter counts --------------------------------------------------------------

def formula(D, H, O):
    return H * D + H * H + H + O * H + O


@pytest.mark.parametrize("D, H, O", [(1, 1, 1), (3, 16, 1), (10, 32, 5), (1, 100, 1), (300, 128, 10000)])
@pytest.mark.parametrize("T", [1, 2, 3, 50, 1000])
def test_vector_count_is_the_formula_for_every_length(D, H, O, T):
    assert parameters.rnn_count(D, H, O).total == formula(D, H, O)
    assert parameters.unrolled_count(D, H, O, T) == formula(D, H, O)


@pytest.mark.parametrize("T", [1, 2, 3, 50])
def test_untied_copies_grow_with_length(T):
    assert parameters.unrolled_count(2, 4, 1, T, tied=False) == T * formula(2, 4, 1)
    copies = parameters.unroll_copies(2, 4, 1, T)
    assert all(copy is copies[0] for copy in copies), "tied copies share the very same arrays"


def test_count_parts_and_terms():
    count = parameters.rnn_count(3, 16, 1)
    assert count.parts == {"W_hx": 48, "W_hh": 256, "b_h": 16, "W_yh": 16, "b_y": 1}
    assert count.total == 337
    assert count.terms == "16·3 + 16·16 + 16 + 1·16 + 1 = 337"


def test_all_at_once_grows_and_crossover():
    assert parameters.all_at_once_count(3, 16, 1, 1) == 16 * 3 + 16 + 16 + 1
    assert parameters.all_at_once_count(3, 16, 1, 40) == 16 * 120 + 33
    T = parameters.first_length_where_all_at_once_is_larger(3, 16, 1)
    assert T == 7
    assert parameters.all_at_once_count(3, 16, 1, T) > 337 >= parameters.all_at_once_count(3, 16, 1, T - 1)


@pytest.mark.parametrize("T", [2, 3, 50])
def test_statquest_count_is_five(T):
    assert parameters.statquest_count(T) == 5 == STATQUEST.count


def test_param_count_examples():
    scalar = examples.get("param-count-scalar")
    assert scalar.value == 5
    assert scalar.details["counts"] == {"2": 5, "3": 5, "50": 5}
    assert scalar.details["untied"] == {"2": 10, "3": 15, "50": 250}
    vector = examples.get("param-count-vector")
    assert vector.value == "H·D + H·H + H + O·H + O"
    assert vector.details["total"] == 337
    assert set(vector.details["unrolled"].values()) == {337}
    assert scalar.page == vector.page == "unrolling.md"


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3", None])
def test_bad_sizes_raise(bad):
    with pytest.raises(ValueError, match="positive whole number"):
        parameters.rnn_count(bad, 2, 1)
    with pytest.raises(ValueError, match="positive whole number"):
        parameters.unrolled_count(1, 1, 1, bad)


def test_a_point_every_tenth_from_0_to_1_is_eleven_points():
    assert parameters.points_along_unit_interval("0.1") == 11
    assert parameters.points_along_unit_interval("0.5") == 3
    values = generated_values()
    assert values["architectures.curse_points"] == "11"
    table = (ROOT / "docs/snippets/curse-of-dimensionality.md").read_text(encoding="utf-8")
    assert "| 3 | a point in space | 1,331 |" in table
    with pytest.raises(ValueError):
        parameters.points_along_unit_interval("0.3")


def test_grid_points():
    assert parameters.grid_points(10, 3) == 1000
    assert parameters.grid_points(10, 36) == 10 ** 36
    assert len(str(parameters.grid_points(10, 784))) == 785


# --- memory ------------------------------------------------------------------------

def test_factors_and_shares_are_exact():
    assert memory.factors(0.5, 4) == [1, Fraction(1, 2), Fraction(1, 4), Fraction(1, 8)]
    assert memory.factors(-0.5, 3) == [1, Fraction(1, 2), Fraction(1, 4)]
    assert memory.first_input_share(0.5, 5) == [1, Fraction(1, 3), Fraction(1, 7), Fraction(1, 15), Fraction(1, 31)]
    assert memory.first_input_share(1.0, 4) == [1, Fraction(1, 2), Fraction(1, 3), Fraction(1, 4)]
    assert memory.factors(0.9, 3)[2] == Fraction(81, 100)


@pytest.mark.parametrize("w2", [0.25, 0.5, 0.8, 0.9, 1.0])
def test_measured_share_on_the_relu_network_matches_the_formula(w2):
    unit = Weights(w1=1.8, b1=0.0, w2=w2, w3=1.0, b2=0.0)
    assert memory.measured_share([1.0] * 12, unit) == memory.first_input_share(w2, 12)


def test_influence_is_w1_times_powers_of_w2():
    unit = Weights(w1=1.8, b1=0.0, w2=0.5, w3=1.1, b2=0.0)
    slopes = memory.influence([1.0, 0.5, 0.5, 1.0, 0.5], unit)
    assert slopes == [Decimal("1.8") * Decimal("0.5") ** k for k in range(5)]


def test_influence_stops_where_relu_cuts():
    # The StatQuest network's High, Medium: x2 = 0, so ReLU is flat there and the
    # first input's effect (for an increase) does not get through.
    slopes = memory.influence([1.0, 0.5], STATQUEST)
    assert slopes[0] == Decimal("1.8") and slopes[1] == 0


def test_measured_share_refuses_relu_outside_its_linear_part():
    with pytest.raises(ValueError, match="linear part"):
        memory.measured_share([1.0, 0.5], Weights(b1=0.0))
    with pytest.raises(ValueError, match="b1 = 0"):
        memory.measured_share([1.0, 1.0], Weights(b1=0.1, w2=0.5))


def test_steps_until():
    assert memory.steps_until(0.5, 0.01) == 7  # 0.5**7 = 1/128 < 0.01 < 1/64
    assert memory.steps_until(0.9, 0.5) == 7   # 0.9**6 = 0.531441, 0.9**7 = 0.4782969
    assert memory.steps_until(-0.9, 0.5) == 7
    with pytest.raises(ValueError, match="never fades"):
        memory.steps_until(1.0, 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        memory.steps_until(0.5, 1.5)


def test_bad_memory_arguments():
    with pytest.raises(ValueError, match="positive whole number"):
        memory.factors(0.5, 0)
    with pytest.raises(ValueError, match="no memory"):
        memory.first_input_share(0.0, 3)
    with pytest.raises(ValueError, match="non-zero"):
        memory.influence([1.0], STATQUEST, delta=0)


# --- generated values agree with rnncore -------------------------------------------

def generated_values():
    return json.loads((ROOT / "docs" / "snippets" / "values" / "foundations.json").read_text("utf-8"))


def test_company_predictions_equal_unroll_on_the_same_data():
    import tomllib

    params = tomllib.loads((ROOT / "figures" / "params.toml").read_text("utf-8"))
    network = Weights(**params["network"])
    blue, red = params["sequences"]["blue"], params["sequences"]["red"]
    assert (len(blue), len(red)) == (9, 5)
    values = generated_values()
    for name, prices in (("blue", blue), ("red", red)):
        trace = unroll(prices, network)
        assert len(trace.steps) == len(prices)
        # shown to two decimals (invented prices need no more), rounded from the exact value
        assert Decimal(values[f"sequences.{name}.prediction"]) == trace.prediction.quantize(Decimal("0.01"))
        assert values[f"sequences.{name}.days"] == str(len(prices))
    # The committed illustrative prices, checked by hand: the red company's last step is
    # x5 = 0.4 × 1.8 + (0.3375 × −0.5) = 0.55125, prediction 0.55125 × 1.1 = 0.606375.
    assert unroll(red, network).prediction == Decimal("0.606375")


def test_cited_counts_and_memory_values():
    values = generated_values()
    assert values["architectures.rnn_count"] == "337"
    assert values["architectures.conv.local"] == "144"
    assert values["memory.one.share10"] == "10%"
    params = load_params()
    fading = [w2 for w2 in params["memory.w2_values"] if abs(w2) < 1]
    assert values["memory.fastest.w2"] == show(min(fading, key=abs))
    assert values["memory.slowest.w2"] == show(max(fading, key=abs))
    assert values["memory.fastest.half"] == str(memory.steps_until(min(fading, key=abs), 0.5))


def test_memory_table_and_figure_use_the_same_weights_from_params():
    """The table, the figure and the prose all take w2 from params.toml (memory.w2_values)."""
    params = load_params()
    table = (ROOT / "docs/snippets/memory-fading-table.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1].strip() for line in table.splitlines()[2:]]
    assert rows == [show(w2) for w2 in params["memory.w2_values"]]
    alt = (ROOT / "docs/snippets/figures/memory-fading.md").read_text(encoding="utf-8")
    for w2 in params["memory.w2_values"]:
        assert f"w₂ = {show(w2)}:" in alt


def test_small_percentages_keep_two_significant_digits():
    from fractions import Fraction

    from figures.outputs.foundations import percent
    assert percent(Fraction(31, 100000)) == "0.031%"
    assert percent(Fraction(1, 1023)) == "0.098%"
    assert percent(Fraction(1, 10)) == "10%"
    assert percent(Fraction(93, 10 ** 11)) == "9.3 × 10⁻⁸%"
    # the memory figure's alt text no longer says 0% for a share that is not 0
    alt = (ROOT / "docs/snippets/figures/memory-fading.md").read_text(encoding="utf-8")
    assert " 0% " not in alt and " 0.0% " not in alt


# --- against the engine's vector RNN (rnncore.rnn), built independently ------------

@pytest.mark.parametrize("D, H, O", [(1, 1, 1), (3, 16, 1), (4, 7, 2)])
def test_count_matches_the_arrays_of_rnncore_rnn(D, H, O):
    from rnncore import rnn

    model = rnn.RNN.random(D, H, O)
    arrays = model.parameters()
    assert {name: array.shape for name, array in arrays.items()} == parameters.shapes(D, H, O)
    assert sum(array.size for array in arrays.values()) == parameters.rnn_count(D, H, O).total
    for T in (2, 50):  # the same model reads sequences of any length
        run = rnn.forward(model, np.zeros((T, D)))
        assert run.y.shape[-2:] == (T, O)


def test_statquest_network_is_the_vector_rnn_with_sizes_one():
    from rnncore import rnn

    w = STATQUEST
    model = rnn.RNN(W_hx=[[w.w1]], W_hh=[[w.w2]], b_h=[w.b1], W_yh=[[w.w3]], b_y=[w.b2], activation="relu")
    for inputs in ([0.0, 0.5], [1.0, 0.5, 0.5], [0.2, 0.3, 0.35, 0.5, 0.45, 0.6, 0.7, 0.65, 0.8]):
        run = rnn.forward(model, np.array(inputs).reshape(-1, 1))
        assert run.y[0, -1, 0] == pytest.approx(float(unroll(inputs).prediction), abs=1e-12)


def test_feedback_loop_line_runs_behind_the_loop_box():
    """The loop's line crosses the '× w2' box; it must be drawn behind the box, not over its text."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    import figures.outputs  # noqa: F401  (registers the outputs)
    from figures.params import load
    from figures.registry import OUTPUTS, Params
    from figures.style import THEMES

    output = OUTPUTS["feedback-loop"]
    theme = THEMES["light"]
    fig = Figure(figsize=output.size)
    output.function(fig, Params(load(), output.reads, output.name), theme)
    ax = fig.axes[0]
    loop_lines = [line for line in ax.lines if line.get_color() == theme.recurrent]
    boxes = [patch for patch in ax.patches if isinstance(patch, FancyBboxPatch)
             and patch.get_edgecolor()[:3] == matplotlib.colors.to_rgb(theme.recurrent)]
    assert loop_lines and len(boxes) == 1
    box = boxes[0]
    x0, y0, w, h = box.get_x(), box.get_y(), box.get_width(), box.get_height()
    crossing = [line for line in loop_lines
                if min(line.get_xdata()) <= x0 + w and max(line.get_xdata()) >= x0
                and all(y0 <= y <= y0 + h for y in line.get_ydata())]
    assert crossing, "the loop line no longer passes through the box: update this test"
    assert all(line.get_zorder() < box.get_zorder() for line in loop_lines)
