"""Exact decimal arithmetic for everything a page prints.

Floats are for plots. Whatever a reader sees as arithmetic goes through
:class:`decimal.Decimal`, built from the shortest decimal text of a float,
so ``0.9 × 1.1`` prints ``0.99`` and never ``0.9900000000000001``.
"""
from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction
from numbers import Real

MINUS = "\u2212"
TIMES = "\u00d7"


def to_decimal(value: Real | Decimal | str) -> Decimal:
    """The decimal a person would read for ``value`` (``0.1`` → ``Decimal('0.1')``)."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError("a boolean is not a number here")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, (float, Real)):
        as_float = float(value)
        if not math.isfinite(as_float):
            raise ValueError(f"{value!r} is not a finite number")
        result = Decimal(repr(as_float))
    else:
        result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def exact(operation, *operands: Decimal) -> Decimal:
    """Apply ``operation`` with enough precision that sums and products are exact."""
    with localcontext() as context:
        context.prec = 200
        return operation(*operands)


def show(value: Decimal | Real, *, keep: bool = False) -> str:
    """Print a value the way the guide does: ``0.9``, ``0``, ``−0.5``, ``1.98``.

    ``keep=True`` keeps the digits as written (``0.0`` stays ``0.0``), which is
    how parameters are shown; results are normalised (``0.90`` → ``0.9``).
    """
    number = to_decimal(value)
    if not keep:
        number = number.normalize()
        if number == 0:
            number = Decimal(0)
    text = format(number, "f")
    return text.replace("-", MINUS)


def fraction_text(value: Fraction) -> str:
    """``Fraction(1, 4)`` → ``'1/4'``; whole numbers print without a denominator."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def grouped(value: int) -> str:
    """``1125899906842624`` → ``'1,125,899,906,842,624'``."""
    return f"{value:,}"


def scientific(value: Fraction | Decimal | float) -> str:
    """Shortest round-trip mantissa with a power of ten: ``8.881784197001252 × 10⁻¹⁶``."""
    number = to_decimal(float(value))
    if number == 0:
        raise ValueError("zero has no scientific form")
    exponent = number.adjusted()
    mantissa = number.scaleb(-exponent).normalize()
    return f"{show(mantissa)} {TIMES} 10{superscript(exponent)}"


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def superscript(exponent: int) -> str:
    return str(exponent).translate(_SUPERSCRIPTS)


# --- display helpers for powers (appended for the exploding/vanishing chapters) ------


def fraction_grouped(value: Fraction) -> str:
    """``Fraction(1, 2**50)`` → ``'1/1,125,899,906,842,624'``; whole numbers are grouped."""
    if value.denominator == 1:
        return grouped(value.numerator).replace("-", MINUS)
    sign = MINUS if value < 0 else ""
    return f"{sign}{grouped(abs(value.numerator))}/{grouped(value.denominator)}"


def decimal_grouped(value: Decimal | Real) -> str:
    """An exact decimal with its integer part grouped: ``2026619832316723.2`` →
    ``'2,026,619,832,316,723.2'``."""
    number = to_decimal(value).normalize()
    if number == 0:
        return "0"
    sign = MINUS if number < 0 else ""
    text = format(abs(number), "f")
    whole, _, frac = text.partition(".")
    whole = grouped(int(whole))
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def power_of_ten(log10: Decimal | Real, *, significant: int = 4, sign: int = 1) -> str:
    """A magnitude given by its base-10 logarithm, for numbers beyond float range:
    ``power_of_ten(Decimal(1000000))`` → ``'10^(1,000,000)'``,
    ``power_of_ten(301029.9956…)`` → ``'9.901 × 10^(301,029)'``.
    ``sign=-1`` prefixes a minus sign. Never inf, never nan."""
    if isinstance(log10, bool) or significant < 1:
        raise ValueError("power_of_ten needs a number and at least one significant digit")
    value = to_decimal(log10)
    with localcontext() as context:
        context.prec = 60
        exponent = int(value.to_integral_value(rounding="ROUND_FLOOR"))
        fraction = value - exponent
        mantissa = (Decimal(10) ** fraction) if fraction else Decimal(1)
        rounded = round(mantissa, significant - 1)
        if rounded >= 10:
            exponent += 1
            rounded = round(mantissa / 10, significant - 1)
    prefix = MINUS if sign < 0 else ""
    power = f"10^({grouped(exponent).replace('-', MINUS)})"
    if rounded == 1 and fraction == 0:
        return f"{prefix}{power}"
    digits = format(rounded.normalize(), "f")
    return f"{prefix}{digits} {TIMES} {power}"


def scientific_rounded(value: Fraction | Decimal | float, significant: int = 3) -> str:
    """``2**50`` → ``'1.13 × 10¹⁵'``: rounded to ``significant`` digits."""
    number = to_decimal(float(value))
    if number == 0:
        raise ValueError("zero has no scientific form")
    exponent = number.adjusted()
    mantissa = round(number.scaleb(-exponent), significant - 1)
    if abs(mantissa) >= 10:
        exponent += 1
        mantissa = round(number.scaleb(-exponent), significant - 1)
    return f"{show(mantissa)} {TIMES} 10{superscript(exponent)}"


def readable(value: Fraction | Decimal | float, digits: int = 2, *, plain_from: float = 1e-3,
             plain_below: float = 1e4) -> str:
    """A measured magnitude rounded to ``digits`` significant digits: written out for
    ordinary sizes (``0.031``, ``250``), with a power of ten otherwise (``4.5 × 10⁻⁵``)."""
    if not value:
        return "0"
    if plain_from <= abs(float(value)) < plain_below:
        return show(Decimal(f"{float(value):.{digits}g}"))
    return scientific_rounded(value, digits)
