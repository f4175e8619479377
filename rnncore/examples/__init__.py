"""The registry of worked examples.

Each example of the source material is computed here, registered under its id,
and shown on the site from this registry, never typed by hand. Concept modules
(``statland``, ...) register their examples with :func:`register`.

The registry holds two kinds of entries. A *worked* example (the default kind) is
shown on its page as a card. An *exercise* (``kind="exercise"``, built with
:func:`exercise`; modules ``exercises_*``) carries a question and a worked answer
whose numbers are computed here; the chapter pages end with them.
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
    kind: str = "worked"  # one of KINDS
    question: str = ""  # exercises: the question, Markdown
    answer: str = ""  # exercises: the worked answer, Markdown

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"example {self.id!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.kind == "exercise" and not (self.question and self.answer):
            raise ValueError(f"exercise {self.id!r} needs a question and an answer")

    @property
    def shown(self) -> str:
        if self.display:
            return self.display
        value = plain(self.value)
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def as_json(self) -> dict[str, Any]:
        extra = {"question": self.question, "answer": self.answer} if self.kind == "exercise" else {}
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "expression": self.expression,
            "value": plain(self.value),
            "display": self.shown,
            "page": self.page,
            "sources": list(self.sources),
            "details": plain(self.details),
            **extra,
        }


KINDS = ("worked", "exercise")
#: What an exercise asks of the reader, as ``details["type"]``.
EXERCISE_TYPES = {"numeric": "Numeric", "conceptual": "Conceptual", "predict": "Predict, then check"}


def exercise(exercise_id: str, *, page: str, type: str, title: str, question: str, answer: str,
             value: Value = None, display: str = "", expression: str = "", sources: tuple[str, ...] = (),
             details: dict[str, Any] | None = None) -> Example:
    """An exercise for the end of ``page``. ``type`` is one of :data:`EXERCISE_TYPES`;
    ``value`` is the computed answer a test pins (for a conceptual exercise, its gist)."""
    if type not in EXERCISE_TYPES:
        raise ValueError(f"exercise {exercise_id!r}: type {type!r} is not one of {', '.join(EXERCISE_TYPES)}")
    return Example(id=exercise_id, title=title, expression=expression or title, value=display if value is None else value,
                   page=page, sources=sources, details={"type": type, **(details or {})}, display=display,
                   kind="exercise", question=question, answer=answer)


_BUILDERS: dict[str, Callable[[], Example]] = {}
_CACHE: dict[str, Example] = {}
_REGISTERED: dict[str, tuple[str, str | None]] = {}  # id → (kind, page as registered)


def register(example_id: str, *, kind: str = "worked", page: str | None = None
             ) -> Callable[[Callable[[], Example]], Callable[[], Example]]:
    """Register a function that computes one worked example (or, with ``kind="exercise"``
    and the ``page`` it ends, one exercise: kind and page are known without computing it)."""
    if kind not in KINDS:
        raise ValueError(f"{example_id!r}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if kind == "exercise" and not page:
        raise ValueError(f"exercise {example_id!r} must name the page it ends")

    def decorate(builder: Callable[[], Example]) -> Callable[[], Example]:
        if example_id in _BUILDERS:
            raise ValueError(f"worked example {example_id!r} is registered twice")
        _BUILDERS[example_id] = builder
        _REGISTERED[example_id] = (kind, page)
        return builder

    return decorate


def get(example_id: str) -> Example:
    if example_id not in _BUILDERS:
        raise KeyError(f"no worked example {example_id!r}; known: {', '.join(ids())}")
    if example_id not in _CACHE:
        example = _BUILDERS[example_id]()
        if example.id != example_id:
            raise ValueError(f"builder for {example_id!r} returned {example.id!r}")
        kind, page = _REGISTERED[example_id]
        if example.kind != kind or (page is not None and example.page != page):
            raise ValueError(f"{example_id!r} was registered as a {kind} on {page} but built as a "
                             f"{example.kind} on {example.page}")
        _CACHE[example_id] = example
    return _CACHE[example_id]


def ids(kind: str | None = "worked") -> list[str]:
    """The ids of one kind (``None``: every kind), in registration order, computing nothing."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    return [i for i, (k, _) in _REGISTERED.items() if kind is None or k == kind]


def all_examples(kind: str | None = "worked") -> Iterator[Example]:
    for example_id in ids(kind):
        yield get(example_id)


def exercise_pages() -> dict[str, list[str]]:
    """The ids of every exercise, grouped by the page it ends, in registration order
    (computing nothing)."""
    pages: dict[str, list[str]] = {}
    for example_id in ids("exercise"):
        pages.setdefault(_REGISTERED[example_id][1], []).append(example_id)
    return pages


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


def to_json(indent: int | None = 2, kind: str | None = "worked") -> str:
    return json.dumps([example.as_json() for example in all_examples(kind)], indent=indent, ensure_ascii=False)


def _register_all() -> None:
    """Import every module of this package; each registers its examples."""
    import importlib
    import pkgutil

    for name in sorted(info.name for info in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{name}")


_register_all()
