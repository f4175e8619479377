"""rnncore.playground: the numbers the playground page shows."""
from decimal import Decimal

import numpy as np
import pytest

from rnncore import playground as pg
from rnncore.statquest import STATQUEST, Weights, unroll


@pytest.mark.parametrize("value, shown", [
    (Decimal("0.99"), "0.99"), (0, "0"), (Decimal(2) ** 50, "1.126e15"), (Decimal("0.5") ** 50, "8.882e-16"),
    (Decimal("-0.5"), "-0.5"), (Decimal("12345"), "1.234e4"), (Decimal("99999"), "1e5"), (Decimal("1024"), "1024"),
    (Decimal("0.001"), "0.001"), (Decimal("0.00012345"), "1.234e-4"), (1.8, "1.8"),
])
def test_display_rounds_half_even_to_four_digits(value, shown):
    assert pg.display(value) == shown


def test_powers_are_exact():
    assert pg.power(Decimal("0.5"), 50) * 1125899906842624 == 1
    assert pg.power(2, 50) == 1125899906842624
    assert pg.power(Decimal("0.9"), 2) == Decimal("0.81")
    with pytest.raises(ValueError, match="whole number"):
        pg.power(2, -1)


def test_predictions_are_the_statland_network():
    # every prefix's prediction equals unrolling that prefix on its own
    for pattern in pg.PATTERNS:
        predictions = pg.predictions(STATQUEST, pattern, 12)
        for days in (1, 2, 3, 12):
            assert predictions[days - 1] == unroll(pg.pattern_inputs(pattern, days)).prediction
    # High, then Medium is the StatLand three-day sequence: prediction 0.99
    assert pg.predictions(STATQUEST, "high-then-medium", 3)[2] == Decimal("0.99")
    with pytest.raises(ValueError, match="unknown pattern"):
        pg.pattern_inputs("sideways", 3)


def test_w2_two_explodes_like_two_to_the_t():
    weights = Weights(**{**STATQUEST.as_dict(), "w2": 2.0})
    predictions = pg.predictions(weights, "high", 50)
    # y_t = 1.8 (2^t − 1), prediction = 1.1 y_t
    assert predictions[49] == Decimal("1.1") * Decimal("1.8") * (Decimal(2) ** 50 - 1)


@pytest.mark.parametrize("ensemble", ["gaussian", "orthogonal", "symmetric"])
def test_measured_jacobians_never_exceed_the_bound(ensemble):
    for gamma in pg.GAMMA_GRID:
        for lam in pg.LAMBDA_GRID:
            run = pg.jacobian_norms(gamma, lam, ensemble=ensemble)
            assert len(run.measured) == pg.HORIZON
            for n, measured in enumerate(run.measured, start=1):
                assert 0 < measured <= float(run.bound(n)) * (1 + 1e-12), (gamma, lam, n)


def test_jacobian_norms_against_finite_differences():
    """The product of step Jacobians is the derivative of h_n with respect to h_0."""
    gamma, lam, n = 1.0, 1.5, 6
    w_hh, w_xh = pg.random_network(lam)
    inputs = np.random.default_rng(pg.SEED + 1).standard_normal((n, 1))

    def run(h0):
        h = h0
        for x in inputs:
            h = gamma * np.tanh(w_hh @ h + w_xh @ x)
        return h

    h0, eps = np.zeros(pg.HIDDEN), 1e-6
    numeric = np.column_stack([(run(h0 + eps * e) - run(h0 - eps * e)) / (2 * eps) for e in np.eye(pg.HIDDEN)])
    measured = pg.jacobian_norms(gamma, lam, horizon=n).measured[-1]
    assert np.linalg.norm(numeric, 2) == pytest.approx(measured, rel=1e-6)
    assert np.linalg.norm(w_hh, 2) == pytest.approx(lam)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="γ must be in"):
        pg.jacobian_norms(1.5, 2)
    with pytest.raises(ValueError, match="λ must be positive"):
        pg.random_network(0)
    with pytest.raises(ValueError, match="not on the grid"):
        pg.grid_index(pg.W2_GRID, "0.05")


def test_explorer_data_is_the_grid():
    data = pg.explorer_data(STATQUEST)
    assert len(data["powers"]) == len(pg.W2_GRID) and len(data["powers"][0]) == pg.MAX_UNROLLS
    two = pg.grid_index(pg.W2_GRID, "2")
    # T days have T − 1 squiggles: day 51 shows 2⁵⁰, day 50 shows 2⁴⁹, day 1 shows 2⁰ = 1
    assert data["powers"][two][50] == "1.126e15"
    assert data["powers"][two][49] == pg.display(2 ** 49) == "5.629e14"
    assert data["powers"][two][0] == "1"
    assert set(data["jacobians"]) == set(data["ensembles"]) == {"gaussian", "orthogonal", "symmetric"}
    for rows in data["jacobians"].values():
        assert len(rows) == len(pg.GAMMA_GRID) and len(rows[0]) == len(pg.LAMBDA_GRID)


def test_explorer_ensembles_have_the_chosen_lambda_and_their_own_rho():
    """Every ensemble is scaled to λ; orthogonal and symmetric matrices have ρ = λ, the
    Gaussian one a ρ well below λ, and only in the explorer's orthogonal networks does
    tanh (γ = 1) at λ = 3 make the gradient grow over the horizon."""
    from rnncore.rnn import spectral_norm, spectral_radius
    for kind in ("gaussian", "orthogonal", "symmetric"):
        w_hh, _ = pg.random_network(3.0, ensemble=kind)
        assert spectral_norm(w_hh) == pytest.approx(3.0)
        if kind == "gaussian":   # the page's label: "ρ about half of λ"
            assert 0.35 * 3.0 < spectral_radius(w_hh) < 0.65 * 3.0
        else:
            assert spectral_radius(w_hh) == pytest.approx(3.0)
    assert pg.jacobian_norms(1, 3, ensemble="orthogonal").measured[-1] > 1
    assert pg.jacobian_norms(1, 3, ensemble="gaussian").measured[-1] < 1
    # the Gaussian network is the one the explorer always had (the same draw)
    rng = np.random.default_rng(pg.SEED)
    g = rng.standard_normal((pg.HIDDEN, pg.HIDDEN))
    assert np.allclose(pg.random_network(2.0)[0], g * 2.0 / np.linalg.norm(g, 2))
