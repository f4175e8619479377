"""Exercises from the rnncore registry (kind ``exercise``): one snippet per chapter page.

A chapter page ``PAGE.md`` ends with ``--8<-- "snippets/exercises-PAGE.md"``; the
Exercises reference page includes the same snippets, one per chapter. Each exercise is
a numbered heading line with an anchor (its id), the question, and the worked answer
in a collapsed ``??? success "Answer"`` block (Material opens it when printing).

Adding exercises for a new chapter ``lstm.md``:

1. In ``rnncore/examples/exercises_lstm.py`` (any module of that package is imported),
   register 3 to 5 builders, each computing its numbers with rnncore and returning
   :func:`rnncore.examples.exercise`::

       @register("ex-lstm-forget-gate", kind="exercise", page="lstm.md")
       def lstm_forget_gate() -> Example:
           value = ...  # computed with rnncore
           return exercise("ex-lstm-forget-gate", page="lstm.md", type="numeric",
                           title="...", question="...", answer=f"... **{value}** ...", value=value)

   ``type`` is ``numeric``, ``conceptual`` or ``predict``; links in the text are
   relative to ``docs/``.
2. End ``docs/lstm.md`` with ``## Exercises`` and ``--8<-- "snippets/exercises-lstm.md"``
   (this module registers that snippet by itself), and add the same include under a
   heading on ``docs/exercises.md``.
3. ``python figures/build.py``; pin the values in ``tests/test_exercises.py`` (PINNED),
   which also fails while a chapter in the nav has no Exercises section.
"""
from __future__ import annotations

import textwrap

from rnncore import examples

from ..notation import html as notation
from ..registry import snippet


def snippet_name(page: str) -> str:
    """``statland.md`` → ``exercises-statland``; ``part/lstm.md`` → ``exercises-part-lstm``."""
    return "exercises-" + page.removesuffix(".md").replace("/", "-")


def block(number: int, exercise: examples.Example) -> str:
    kind = examples.EXERCISE_TYPES[exercise.details["type"]]
    return (
        f"**Exercise {number}: {exercise.title}** "
        f'<span class="exercise-type">{kind}</span>\n'
        f"{{ #{exercise.id} .exercise-title }}\n\n"
        f"{exercise.question}\n\n"
        f'??? success "Answer"\n\n'
        f"{textwrap.indent(exercise.answer, '    ')}\n"
    )


def page_exercises(page: str) -> str:
    found = examples.exercise_pages()[page]
    return notation("\n".join(block(n, examples.get(i)) for n, i in enumerate(found, start=1)))


def _register(page: str) -> None:
    snippet(snippet_name(page))(lambda params: page_exercises(page))


for _page in examples.exercise_pages():
    _register(_page)
