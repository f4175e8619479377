"""Powers w2^T: exact when they fit, by their base-10 logarithm when they do not.

The first input of the StatQuest network reaches the last copy multiplied by w2 once
per squiggle it crosses, so w2 = 2 over 50 squiggles gives 2⁵⁰ and w2 = 0.5 gives
0.5⁵⁰. Rational bases (as written: 0.5 is 1/2, 1.1 is 11/10) give an exact
:class:`~fractions.Fraction` while the result has at most :data:`EXACT_DIGITS` digits;
every power also carries log10 of its magnitude, computed with :mod:`decimal`, so
w2 = 10 over 10⁶ steps is ``10^(1,000,000)``, never ``inf`` or ``nan``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from numbers import Real

from .exact import (MINUS, TIMES, fraction_grouped, power_of_ten, scientific, superscript,
                    to_decimal)

EXACT_DIGITS = 400          # largest exact numerator or denominator kept, in decimal digits
MAX_EXPONENT = 10 ** 9      # powers beyond this are refused (a clear error, not a hang)
FLOAT_LOG10_MAX = math.log10(float.fromhex("0x1.fffffffffffffp+1023"))
FLOAT_LOG10_MIN = math.log10(5e-324)


def _base(value: Real | Decimal | str | Fraction) -> Fraction:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a base")
    if isinstance(value, Fraction):
        return value
    try:
        return Fraction(to_decimal(value))
    except (ValueError, ArithmeticError, TypeError) as error:
        raise ValueError(f"base must be a finite number, got {value!r}") from error


@dataclass(frozen=True)
class Power:
    """base^exponent, kept exactly when small enough and always as sign and log10."""

    base: Fraction
    exponent: int
    sign: int                     # −1, 0 or 1
    log10: Decimal | None         # log10 |base^exponent|; None for zero
    exact: Fraction | None        # None when the exact value would be too long

    @property
    def is_zero(self) -> bool:
        return self.sign == 0

    @property
    def in_float_range(self) -> bool:
        """Whether ``float(value)`` is finite and not flushed to zero."""
        if self.is_zero:
            return True
        return FLOAT_LOG10_MIN < float(self.log10) < FLOAT_LOG10_MAX

    def to_float(self) -> float:
        """The nearest float; raises OverflowError/ValueError outside float range."""
        if self.is_zero:
            return 0.0
        if not self.in_float_range:
            raise OverflowError(f"{self.expression()} is about {self.magnitude()}, outside float range")
        if self.exact is not None:
            return float(self.exact)
        with localcontext() as context:
            context.prec = 40
            return self.sign * float(Decimal(10) ** self.log10)

    def expression(self) -> str:
        """``'2⁵⁰'``, ``'0.5⁵⁰'``, ``'(−0.5)³'``."""
        base = format(Decimal(self.base.numerator) / Decimal(self.base.denominator), "f") \
            if _terminates(self.base) else f"({self.base.numerator}/{self.base.denominator})"
        base = base.replace("-", MINUS)
        if self.base < 0 and not base.startswith("("):
            base = f"({base})"
        return f"{base}{superscript(self.exponent)}"

    def exact_text(self) -> str:
        """Grouped integer or fraction: ``'1,125,899,906,842,624'``, ``'1/1,125,899,906,842,624'``."""
        if self.exact is None:
            raise ValueError(f"{self.expression()} is too long to print exactly; use magnitude()")
        return fraction_grouped(self.exact)

    def fraction_text(self) -> str:
        """Ungrouped ``'p/q'`` (or the integer): ``'1/1125899906842624'``."""
        if self.exact is None:
            raise ValueError(f"{self.expression()} is too long to print exactly; use magnitude()")
        value = self.exact
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"

    def scientific(self) -> str:
        """Shortest float text with a power of ten: ``'8.881784197001252 × 10⁻¹⁶'``."""
        if self.is_zero:
            return "0"
        if not self.in_float_range:
            raise ValueError(f"{self.expression()} is outside float range; use magnitude()")
        return scientific(self.to_float())

    def magnitude(self, significant: int = 4) -> str:
        """``'10^(1,000,000)'`` or ``'9.901 × 10^(301,029)'``: safe for any size."""
        if self.is_zero:
            return "0"
        return power_of_ten(self.log10, significant=significant, sign=self.sign)


def _terminates(value: Fraction) -> bool:
    q = value.denominator
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def _log10(base: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        return Decimal(abs(base.numerator)).log10() - Decimal(base.denominator).log10()


def power(base: Real | Decimal | str | Fraction, exponent: int) -> Power:
    """base^exponent for a whole exponent 0 ≤ exponent ≤ 10⁹."""
    if isinstance(exponent, bool) or not isinstance(exponent, int):
        raise TypeError(f"exponent must be a whole number, got {exponent!r}")
    if not 0 <= exponent <= MAX_EXPONENT:
        raise ValueError(f"exponent must lie in 0..{MAX_EXPONENT:,}, got {exponent:,}")
    b = _base(base)
    if exponent == 0:
        return Power(b, 0, 1, Decimal(0), Fraction(1))
    if b == 0:
        return Power(b, exponent, 0, None, Fraction(0))
    sign = -1 if (b < 0 and exponent % 2) else 1
    log_base = _log10(b)
    with localcontext() as context:
        context.prec = 60
        log10 = log_base * exponent
    digits = exponent * max(len(str(abs(b.numerator))), len(str(b.denominator)))
    if abs(b) == 1:
        exact = Fraction(sign)
    else:
        exact = b ** exponent if digits <= EXACT_DIGITS else None
    return Power(b, exponent, sign, log10, exact)


def powers_log10(base: Real, exponents) -> list[float]:
    """log10 |base|^T for each T, as floats, for plotting (no overflow at any T)."""
    b = _base(base)
    if b == 0:
        raise ValueError("log10 of 0^T is −∞ for T ≥ 1; plot |w2| > 0")
    step = float(_log10(b))
    return [step * int(T) for T in exponents]


def first_input_share(w2: Real, steps: int) -> list[Power]:
    """The factor |w2|^(T−t) by which input t (t = 1..T) reaches the last copy,
    for a network unrolled over ``steps`` inputs: the first input crosses T − 1 squiggles."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a whole number ≥ 1, got {steps!r}")
    return [power(abs(_base(w2)), steps - t) for t in range(1, steps + 1)]


def product_text(base: Real, exponent: int, *, symbol: str = "Input₁") -> str:
    """``'Input₁ × 2 × 2 × 2 × 2 = Input₁ × 2⁴ = Input₁ × 16'`` (1 ≤ exponent ≤ 12)."""
    if not 1 <= exponent <= 12:
        raise ValueError("write out at most 12 factors")
    p = power(base, exponent)
    factor = p.expression()[: -len(superscript(exponent))] if exponent else p.expression()
    factors = f" {TIMES} ".join([symbol] + [factor] * exponent)
    return f"{factors} = {symbol} {TIMES} {p.expression()} = {symbol} {TIMES} {p.exact_text()}"


def input_shares(w2: Real, steps: int) -> list[Fraction]:
    """Share of input t (t = 1..T) in Σ_t w2^(T−t) when every input is equal: how much
    of the last copy's sum each day contributes, exactly (|w2| > 0, T ≤ 2,000)."""
    b = abs(_base(w2))
    if b == 0:
        raise ValueError("w2 = 0 passes nothing on: only the last input counts")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= 2000:
        raise ValueError(f"steps must be a whole number from 1 to 2,000, got {steps!r}")
    factors = [b ** (steps - t) for t in range(1, steps + 1)]
    total = sum(factors)
    return [f / total for f in factors]


def float_overflow_exponent(w2: Real) -> int | None:
    """The smallest T with |w2|^T beyond the largest float (None if |w2| ≤ 1)."""
    b = abs(_base(w2))
    if b <= 1:
        return None
    step = _log10(b)
    T = int(Decimal(FLOAT_LOG10_MAX) / step)
    while power(b, T).in_float_range:
        T += 1
    while T > 1 and not power(b, T - 1).in_float_range:
        T -= 1
    return T
