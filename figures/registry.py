"""Outputs are small functions registered by name.

A *figure* draws on a matplotlib figure for one theme and returns its alt text and
caption; the build renders it light and dark, each at its desktop size and at phone
width (``theme.phone`` tells the figure which), and writes a Markdown include that
shows the variant that fits the reader's screen and scheme. A *snippet* returns Markdown. Each output declares the
parameter keys it reads, and only those keys reach it.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .params import SPEC

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FIGURE_DIR = "docs/figures"
SNIPPET_DIR = "docs/snippets"
THEMES = ("light", "dark")
#: The phone variant's width in inches (96 CSS px each): 360 px, the narrowest common
#: phone screen, so that the figure is never scaled down on a phone and its 8.25 pt
#: (11 px) text stays >= 11 CSS px; on a 390 px screen it is shown 390 px wide.
PHONE_WIDTH = 3.75


@dataclass(frozen=True)
class Text:
    """What a figure says in words: alt text (what it shows) and a caption (what to see)."""

    alt: str
    caption: str


@dataclass(frozen=True)
class Output:
    name: str
    kind: str  # "figure" or "snippet"
    reads: tuple[str, ...]
    function: Callable[..., Any]
    size: tuple[float, float] = (8.0, 4.5)
    phone_size: tuple[float, float] | None = None  # default: PHONE_WIDTH by size's height
    suffix: str = ".md"

    @property
    def source(self) -> Path:
        return Path(inspect.getsourcefile(self.function)).resolve()

    @property
    def phone(self) -> tuple[float, float]:
        """The phone variant's size in inches."""
        return self.phone_size or (PHONE_WIDTH, self.size[1])

    def files(self) -> list[str]:
        """Paths relative to the repository root, in a stable order: the light and dark
        desktop SVGs, the light and dark phone SVGs, the Markdown include."""
        if self.kind == "figure":
            return [f"{FIGURE_DIR}/{self.name}-{theme}.svg" for theme in THEMES] + [
                f"{FIGURE_DIR}/{self.name}-{theme}-phone.svg" for theme in THEMES] + [
                f"{SNIPPET_DIR}/figures/{self.name}.md"
            ]
        if self.suffix == ".json":
            return [f"{SNIPPET_DIR}/values/{self.name}.json"]
        return [f"{SNIPPET_DIR}/{self.name}{self.suffix}"]


class UndeclaredParameter(KeyError):
    """An output read a parameter that its ``reads=`` does not declare."""

    def __str__(self) -> str:
        return str(self.args[0])


class Params(Mapping[str, Any]):
    """The parameter values an output declared; reading any other key is an error.

    This is what makes the incremental build sound: an output's fingerprint covers
    exactly the keys it declares, so it must not see any other."""

    def __init__(self, values: Mapping[str, Any], allowed: Iterable[str], owner: str):
        self._values = {key: values[key] for key in allowed}
        self._owner = owner

    def __getitem__(self, key: str) -> Any:
        if key not in self._values:
            raise UndeclaredParameter(
                f"output {self._owner!r} reads {key!r} without declaring it: "
                f"add it to reads= of @figure/@snippet/@values({self._owner!r}, ...)"
            )
        return self._values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self[key]  # an undeclared key is an error here too, never a silent default

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


OUTPUTS: dict[str, Output] = {}


def expand(patterns: Iterable[str]) -> tuple[str, ...]:
    """``"network.*"`` → every key of the ``network`` table, in declaration order;
    ``"*"`` → every key."""
    keys: list[str] = []
    for pattern in patterns:
        if pattern == "*":
            matched = list(SPEC)
        elif pattern.endswith(".*"):
            matched = [key for key in SPEC if key.startswith(pattern[:-1])]
        else:
            matched = [pattern] if pattern in SPEC else []
        if not matched:
            raise ValueError(f"reads={pattern!r} names no parameter of figures/params.py")
        keys += [key for key in matched if key not in keys]
    return tuple(keys)


def _register(kind: str, name: str, reads: Iterable[str], **extra: Any):
    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        if name in OUTPUTS:
            raise ValueError(f"output {name!r} is registered twice")
        OUTPUTS[name] = Output(name=name, kind=kind, reads=expand(reads), function=function, **extra)
        return function

    return decorate


def figure(name: str, *, reads: Iterable[str] = (), size: tuple[float, float] = (8.0, 4.5),
           phone_size: tuple[float, float] | None = None):
    """Register ``function(fig, params, theme) -> Text`` as light and dark SVGs at ``size``
    and at ``phone_size`` (inches; default PHONE_WIDTH wide, as tall as ``size``).
    ``theme.phone`` is true while the phone variant is drawn; a figure that sets its
    own size must keep the phone variant PHONE_WIDTH wide."""
    return _register("figure", name, reads, size=size, phone_size=phone_size)


def snippet(name: str, *, reads: Iterable[str] = ()):
    """Register ``function(params) -> str`` as a Markdown snippet for ``--8<--``."""
    return _register("snippet", name, reads)


def values(name: str, *, reads: Iterable[str] = ()):
    """Register ``function(params) -> dict[str, str]``: numbers that prose cites as
    ``{{ v:key }}`` (written to docs/snippets/values/NAME.json)."""
    return _register("snippet", name, reads, suffix=".json")
