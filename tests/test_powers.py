"""Exact and log-space powers, their display, and the registered power examples."""
import math
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from rnncore import examples
from rnncore.exact import decimal_grouped, fraction_grouped, power_of_ten, scientific_rounded
from rnncore.powers import float_overflow_exponent, input_shares, power, powers_log10, product_text


def test_registered_power_examples():
    assert examples.get("explode-4").value == 16
    assert examples.get("explode-4").expression == "Input₁ × 2 × 2 × 2 × 2 = Input₁ × 2⁴ = Input₁ × 16"
    e50 = examples.get("explode-50")
    assert e50.value == 1125899906842624 == 2 ** 50
    assert e50.display == "1,125,899,906,842,624 (≈ 1.13 × 10¹⁵)"
    v50 = examples.get("vanish-50")
    assert v50.value == "1/1125899906842624"
    assert v50.display == "1/1,125,899,906,842,624 ≈ 8.881784197001252 × 10⁻¹⁶"
    ten = examples.get("explode-w2-10-million")
    assert ten.value == 1000000 and ten.display == "10^(1,000,000)"
    assert ten.details["float_overflows_at"] == 309


def test_exact_values_and_texts():
    assert power(2, 50).exact == 2 ** 50
    assert power(0.5, 50).exact == Fraction(1, 2 ** 50)
    assert power(0.5, 50).fraction_text() == "1/1125899906842624"
    assert power(0.5, 50).scientific() == "8.881784197001252 × 10⁻¹⁶"
    assert power(1.1, 2).exact == Fraction(121, 100)  # 1.1 as written, not the binary float
    assert product_text(2, 4) == "Input₁ × 2 × 2 × 2 × 2 = Input₁ × 2⁴ = Input₁ × 16"


def test_zero_negative_and_one():
    assert power(0, 7).is_zero and power(0, 7).magnitude() == "0" and power(0, 7).to_float() == 0.0
    assert power(0, 0).exact == 1
    p = power(-2, 3)
    assert p.sign == -1 and p.exact == -8 and p.expression() == "(−2)³"
    assert power(-2, 4).sign == 1
    assert power(1, 10 ** 6).exact == 1 and power(1, 10 ** 6).log10 == 0
    assert power(-1, 10 ** 6 + 1).exact == -1
    assert power(-10, 10 ** 6 + 1).magnitude() == "−10^(1,000,001)"


@pytest.mark.parametrize("base", [1000, -1000, 999.5, 0.001, -0.001, 2, 0.5, 10, 1e-3])
@pytest.mark.parametrize("T", [1, 1023, 1024, 10 ** 5, 10 ** 6])
def test_large_powers_never_overflow_or_warn(base, T):
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        p = power(base, T)
        text = p.magnitude()
        assert "inf" not in text and "nan" not in text
        expected = T * math.log10(abs(base))
        assert abs(float(p.log10) - expected) <= 1e-9 * max(1.0, abs(expected))
        if p.in_float_range:
            assert math.isfinite(p.to_float())
        else:
            with pytest.raises(OverflowError):
                p.to_float()
        logs = powers_log10(base, [0, T])
        assert all(math.isfinite(v) for v in logs)


def test_magnitudes():
    assert power(10, 10 ** 6).magnitude() == "10^(1,000,000)"
    assert power(2, 10 ** 6).magnitude() == "9.901 × 10^(301,029)"
    assert power(1000, 10 ** 6).magnitude() == "10^(3,000,000)"
    assert power(0.001, 10 ** 6).magnitude() == "10^(−3,000,000)"
    assert power_of_ten(Decimal("15.0515"), significant=3) == "1.13 × 10^(15)"


def test_float_overflow_exponents():
    assert float_overflow_exponent(2) == 1024
    assert float_overflow_exponent(10) == 309
    assert float_overflow_exponent(0.5) is None and float_overflow_exponent(1) is None


def test_shares():
    shares = input_shares(2, 50)
    assert sum(shares) == 1
    assert shares[0] == Fraction(2 ** 49, 2 ** 50 - 1)
    assert input_shares(1, 50)[0] == Fraction(1, 50)
    assert input_shares(0.5, 50)[0] == Fraction(1, 2 ** 50 - 1)


def test_display_helpers():
    assert fraction_grouped(Fraction(1, 2 ** 50)) == "1/1,125,899,906,842,624"
    assert decimal_grouped(Decimal("2026619832316723.2")) == "2,026,619,832,316,723.2"
    assert scientific_rounded(2 ** 50, 3) == "1.13 × 10¹⁵"
    assert scientific_rounded(9.996, 3) == "1 × 10¹"


@pytest.mark.parametrize("bad", [(2, -1), (2, 1.5), (2, True), ("x", 3), (float("inf"), 2), (2, 10 ** 10)])
def test_bad_input_is_refused(bad):
    with pytest.raises((ValueError, TypeError)):
        power(*bad)
