"""Gradient clipping keeps the direction and caps the norm at the threshold."""
from fractions import Fraction

import numpy as np
import pytest

from rnncore.clipping import clip_by_norm, clip_elementwise, clip_norm_exact, clip_vector, global_norm
from rnncore.rnn import RNN, bptt, forward


def flat(grads):
    return np.concatenate([np.ravel(v) for v in grads.values()])


def test_norm_two_to_the_fifty_clipped_at_one_keeps_direction_and_gets_norm_one():
    rng = np.random.default_rng(0)
    grads = {"W_hh": rng.normal(size=(3, 3)), "b_h": rng.normal(size=3)}
    scale = 2.0 ** 50 / global_norm(grads)
    grads = {name: value * scale for name, value in grads.items()}
    assert global_norm(grads) == pytest.approx(2.0 ** 50, rel=1e-14)
    result = clip_by_norm(grads, 1.0)
    assert result.clipped and result.norm_before == pytest.approx(2.0 ** 50, rel=1e-14)
    assert global_norm(result.grads) == pytest.approx(1.0, rel=1e-14)
    before, after = flat(grads), flat(result.grads)
    cosine = before @ after / (np.linalg.norm(before) * np.linalg.norm(after))
    assert cosine == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(after, before / np.linalg.norm(before), rtol=1e-13)


def test_exact_clipping_of_a_power_of_two():
    """(3·2⁴⁸, 4·2⁴⁸) has norm 5·2⁴⁸; a single component 2⁵⁰ has norm 2⁵⁰: both exact."""
    out = clip_norm_exact([2 ** 50], 1)
    assert out["norm"] == 2 ** 50 and out["factor"] == Fraction(1, 2 ** 50) and out["clipped"] == [1]
    out = clip_norm_exact([3 * 2 ** 48, 4 * 2 ** 48], 1)
    assert out["clipped"] == [Fraction(3, 5), Fraction(4, 5)] and out["norm_after"] == 1
    assert clip_norm_exact([Fraction(1, 2)], 1)["factor"] == 1  # below the threshold: unchanged


def test_below_the_threshold_nothing_changes():
    grads = {"a": np.array([0.3, -0.4])}
    result = clip_by_norm(grads, 1.0)
    assert not result.clipped and result.scale == 1.0
    np.testing.assert_array_equal(result.grads["a"], grads["a"])


def test_at_the_threshold_the_rule_fires_and_changes_nothing():
    result = clip_by_norm({"a": np.array([3.0, 4.0])}, 5.0)
    assert result.clipped and result.scale == 1.0 and result.norm_after == pytest.approx(5.0)


@pytest.mark.parametrize("seed", range(20))
def test_random_gradients_of_an_rnn(seed):
    model = RNN.random(3, 5, 2, seed=seed, scale=3.0)
    rng = np.random.default_rng(seed)
    x, targets = rng.normal(size=(4, 30, 3)), rng.normal(size=(4, 30, 2))
    grads = {k: v for k, v in bptt(model, forward(model, x), targets).items() if k != "h0"}
    threshold = 0.1 * global_norm(grads)
    result = clip_by_norm(grads, threshold)
    assert result.norm_after == pytest.approx(threshold, rel=1e-12)
    assert result.norm_after <= threshold * (1 + 1e-12)
    g, c = flat(grads), flat(result.grads)
    np.testing.assert_allclose(c, g * (threshold / np.linalg.norm(g)), rtol=1e-12)


def test_elementwise_clipping_caps_entries_and_can_turn_the_direction():
    grads = {"a": np.array([10.0, 0.5, -3.0])}
    clipped = clip_elementwise(grads, 1.0)["a"]
    np.testing.assert_array_equal(clipped, [1.0, 0.5, -1.0])
    cosine = clipped @ grads["a"] / (np.linalg.norm(clipped) * np.linalg.norm(grads["a"]))
    assert cosine < 0.99


def test_vector_clipping_matches_the_mapping_version():
    g = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]])
    np.testing.assert_allclose(clip_vector(g, 1.0), [[0.6, 0.8], [0.3, 0.4], [0.0, 0.0]])


def test_global_norm_does_not_overflow():
    assert global_norm({"a": np.array([1e200, 1e200])}) == pytest.approx(np.sqrt(2) * 1e200)


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), "1", True])
def test_bad_thresholds_raise(bad):
    with pytest.raises(ValueError, match="threshold"):
        clip_by_norm({"a": np.ones(2)}, bad)


def test_non_finite_gradients_raise():
    with pytest.raises(ValueError, match="not finite"):
        clip_by_norm({"a": np.array([np.inf, 1.0])}, 1.0)
    with pytest.raises(ValueError, match="non-empty"):
        clip_by_norm({}, 1.0)


def test_clip_norm_worked_example():
    from rnncore import examples

    example = examples.get("clip-norm")
    assert examples.plain(example.value) == "1"
    assert example.details["norm"] == 2 ** 50 and example.details["factor"] == Fraction(1, 2 ** 50)
    assert example.details["clipped"] == [Fraction(3, 5), Fraction(4, 5)]
