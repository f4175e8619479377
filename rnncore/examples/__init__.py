"""The registry of worked examples.

Each example of the source material is computed here, registered under its id,
and shown on the site from this registry, never typed by hand. Concept modules
(``statland``, ...) register their examples with :func:`register`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Iterator

Value = Any  # int | float | str | list, as JSON would carry it


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    expression: str
    value: Value
    page: str
    sources: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    display: str = ""  # the value as a reader should see it, e.g. "1,125,899,906,842,624"

    @property
    def shown(self) -> str:
        if self.display:
            return self.display
        value = plain(self.value)
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "expression": self.expression,
            "value": plain(self.value),
            "display": self.shown,
            "page": self.page,
            "sources": list(self.sources),
            "details": plain(self.details),
        }


_BUILDERS: dict[str, Callable[[], Example]] = {}
_CACHE: dict[str, Example] = {}


def register(example_id: str) -> Callable[[Callable[[], Example]], Callable[[], Example]]:
    """Register a function that computes one worked example."""

    def decorate(builder: Callable[[], Example]) -> Callable[[], Example]:
        if example_id in _BUILDERS:
            raise ValueError(f"worked example {example_id!r} is registered twice")
        _BUILDERS[example_id] = builder
        return builder

    return decorate


def get(example_id: str) -> Example:
    if example_id not in _BUILDERS:
        raise KeyError(f"no worked example {example_id!r}; known: {', '.join(ids())}")
    if example_id not in _CACHE:
        example = _BUILDERS[example_id]()
        if example.id != example_id:
            raise ValueError(f"builder for {example_id!r} returned {example.id!r}")
        _CACHE[example_id] = example
    return _CACHE[example_id]


def ids() -> list[str]:
    return list(_BUILDERS)


def all_examples() -> Iterator[Example]:
    for example_id in _BUILDERS:
        yield get(example_id)


def plain(value: Any) -> Any:
    """JSON-ready: exact decimals become numbers when a float prints them exactly,
    fractions become ``"p/q"`` strings, tuples become lists."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        normal = value.normalize()
        if normal == normal.to_integral_value():
            return int(normal)
        as_float = float(normal)
        return as_float if Decimal(repr(as_float)) == normal else format(normal, "f")
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):
        return plain(value.tolist())
    raise TypeError(f"cannot express {type(value).__name__} in a worked example")


def to_json(indent: int | None = 2) -> str:
    return json.dumps([example.as_json() for example in all_examples()], indent=indent, ensure_ascii=False)


def _register_all() -> None:
    """Import every module of this package; each registers its examples."""
    import importlib
    import pkgutil

    for name in sorted(info.name for info in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{name}")


_register_all()
