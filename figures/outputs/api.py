"""The rnncore API reference, generated from the docstrings with ``inspect``.

Every module under ``rnncore`` is found at render time (new modules appear on
their own); for each: its summary, then its public classes and functions (those
in ``__all__``, or else those defined there without a leading underscore) with
signature and docstring. The worked-example modules under ``rnncore.examples``
are listed on the Worked examples page instead.
"""
from __future__ import annotations

import html
import importlib
import inspect
import pkgutil
import re
import textwrap

from ..registry import snippet

SKIP = ("rnncore.__main__",)
ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")
LITERAL = re.compile(r"``([^`]+)``|`([^`]+)`")



def signature_html(text: str) -> str:
    """A signature as plain wrapped code: no code-block chrome, so a page of ~190
    signatures stays light for the browser (no copy buttons, no highlighting spans)."""
    return f'<div class="api-signature" markdown="0"><code>{html.escape(text, quote=False)}</code></div>'

def modules() -> list:
    import rnncore
    import rnncore.examples

    names = ["rnncore"] + sorted(
        info.name for info in pkgutil.walk_packages(rnncore.__path__, "rnncore.")
        if info.name not in SKIP and not info.name.startswith("rnncore.examples.")
    )
    return [importlib.import_module(name) for name in names]


def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = ROLE.sub(lambda m: f"<code>{m[1]}</code>", text)
    return LITERAL.sub(lambda m: f"<code>{m[1] or m[2]}</code>", text)


def docstring_html(doc: str | None) -> str:
    """A docstring as HTML: paragraphs, lists, and ``::``/indented blocks as code."""
    if not doc:
        return ""
    blocks = re.split(r"\n\s*\n", inspect.cleandoc(doc))
    parts: list[str] = []
    literal_next = False
    for block in blocks:
        lines = block.splitlines()
        if literal_next or (lines and all(line.startswith((" ", "\t")) for line in lines)) or block.startswith(">>>"):
            code = "\n".join(lines)
            parts.append(f"<pre><code>{html.escape(textwrap.dedent(code), quote=False)}</code></pre>")
            literal_next = False
            continue
        if block.rstrip().endswith("::"):
            literal_next = True
            block = block.rstrip()[:-1]
        if all(line.lstrip().startswith(("* ", "- ")) for line in lines[:1]) and lines:
            items = re.split(r"\n(?=[*-] )", block)
            parts.append("<ul>" + "".join(f"<li>{_inline(item[2:].strip())}</li>" for item in items) + "</ul>")
        else:
            parts.append(f"<p>{_inline(' '.join(line.strip() for line in lines))}</p>")
    return '<div class="api-doc" markdown="0">\n' + "\n".join(parts) + "\n</div>"


def _public(module) -> list[tuple[str, object]]:
    names = getattr(module, "__all__", None)
    found = []
    for name, value in vars(module).items():
        if not (inspect.isfunction(value) or inspect.isclass(value)):
            continue
        if names is not None:
            if name in names:
                found.append((name, value))
        elif not name.startswith("_") and getattr(value, "__module__", None) == module.__name__:
            found.append((name, value))
    if names is not None:
        found.sort(key=lambda item: list(names).index(item[0]))
    return found


def _default(value, module) -> str:
    for name, candidate in vars(module).items():
        if candidate is value and not name.startswith("_") and not isinstance(value, (int, float, str, bool, type(None))):
            return name
    text = repr(value)
    return text if len(text) <= 40 else "…"


def signature(name: str, value, module) -> str:
    try:
        sig = inspect.signature(value)
    except (TypeError, ValueError):
        return name
    params = []
    for parameter in sig.parameters.values():
        text = parameter.name
        if parameter.kind is parameter.VAR_POSITIONAL:
            text = "*" + text
        elif parameter.kind is parameter.VAR_KEYWORD:
            text = "**" + text
        if parameter.annotation is not parameter.empty:
            annotation = parameter.annotation
            text += f": {annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)}"
        if parameter.default is not parameter.empty:
            text += f" = {_default(parameter.default, module)}"
        params.append(text)
    # keyword-only marker
    kinds = [p.kind for p in sig.parameters.values()]
    if inspect.Parameter.KEYWORD_ONLY in kinds and inspect.Parameter.VAR_POSITIONAL not in kinds:
        params.insert(kinds.index(inspect.Parameter.KEYWORD_ONLY), "*")
    returns = ""
    if sig.return_annotation is not sig.empty and not inspect.isclass(value):
        annotation = sig.return_annotation
        returns = f" -> {annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)}"
    prefix = "class " if inspect.isclass(value) else "def "
    return f"{prefix}{name}({', '.join(params)}){returns}"


def _members(cls) -> list[tuple[str, object]]:
    found = []
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property) or inspect.isfunction(value) or isinstance(value, (staticmethod, classmethod)):
            found.append((name, value))
    return found


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _summary(doc: str | None) -> str:
    if not doc:
        return ""
    return re.split(r"\n\s*\n", inspect.cleandoc(doc))[0]


@snippet("api")
def api_reference(params) -> str:
    out: list[str] = []
    for module in modules():
        name = module.__name__
        out += [f"## `{name}` {{#{_slug(name)}}}", ""]
        summary = _summary(module.__doc__)
        if summary:
            out += [docstring_html(summary), ""]
        members = _public(module)
        elsewhere = [(member, value) for member, value in members if value.__module__ != name]
        if elsewhere:
            links = ", ".join(
                f"[`{member}`](#{_slug(value.__module__ + '-' + member)})" for member, value in elsewhere
            )
            out += [f"Also importable from `{name}`: {links}.", ""]
        for member, value in members:
            if value.__module__ != name:
                continue
            out += [f"### `{member}` {{#{_slug(name + '-' + member)}}}", "",
                    signature_html(signature(member, value, module)), ""]
            doc = inspect.getdoc(value) if value.__doc__ else ""
            if inspect.isclass(value) and doc.startswith(f"{member}("):
                doc = ""  # a dataclass without a docstring: the signature says it all
            if doc:
                out += [docstring_html(doc), ""]
            if inspect.isclass(value):
                for base in value.__mro__[1:]:
                    inherited = [attribute for attribute, _ in _members(base)] if base.__module__.startswith("rnncore") else []
                    if inherited:
                        links = ", ".join(
                            f"[`{attribute}`](#{_slug(base.__module__ + '-' + base.__name__ + '-' + attribute)})"
                            for attribute in inherited)
                        out += [f"Inherits from `{base.__name__}`: {links}.", ""]
                for attribute, item in _members(value):
                    function = item.fget if isinstance(item, property) else getattr(item, "__func__", item)
                    if isinstance(item, property):
                        head = f"{member}.{attribute}  # property"
                    else:
                        head = signature(f"{member}.{attribute}", function, module).removeprefix("def ")
                        head = head.replace("(self, ", "(").replace("(self)", "()").replace("(cls, ", "(").replace("(cls)", "()")
                        head = "def " + head
                    out += [f"#### `{member}.{attribute}` {{#{_slug(name + '-' + member + '-' + attribute)}}}", "",
                            signature_html(head), ""]
                    if function.__doc__:
                        out += [docstring_html(function.__doc__), ""]
    return "\n".join(out).rstrip("\n") + "\n"
