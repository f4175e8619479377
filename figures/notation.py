"""Notation in generated prose: parameter symbols and subscripts the page's typeface can show.

rnncore writes its text in Unicode (w₂, xₜ, yₜ₋₁, ∂SSR/∂w₂), which reads well in a terminal.
Source Sans 3, the pages' typeface, has the subscript digits and signs but no subscript
letters (ₜ, ₖ, ₕ, …), so :func:`html` turns every subscript that holds a letter into
``<sub>…</sub>`` for the page: ``yₜ₋₁`` → ``y<sub>t−1</sub>``; ``y₃`` stays as it is.
"""
from __future__ import annotations

import re

_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚₛₜₓ"
_PLAIN = "0123456789+−=()aehijklmnopstx"
_LETTERS = "ₐₑₕᵢⱼₖₗₘₙₒₚₛₜₓ"
_RUN = re.compile(f"[{_SUBSCRIPTS}]+")
_TO_PLAIN = str.maketrans(_SUBSCRIPTS, _PLAIN)
_TO_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def symbol(name: str) -> str:
    """A StatQuest parameter's Python name as the reader sees it: ``"w2"`` → ``"w₂"``."""
    return re.sub(r"(?<=[wb])(\d)$", lambda m: m.group(1).translate(_TO_SUBSCRIPT), name)


def html(text: str) -> str:
    """``text`` with each subscript that holds a letter written as HTML ``<sub>``."""
    def replace(match: re.Match) -> str:
        run = match.group(0)
        if not any(c in _LETTERS for c in run):
            return run
        return f"<sub>{run.translate(_TO_PLAIN)}</sub>"
    return _RUN.sub(replace, text)
