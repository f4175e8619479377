"""A hostile author's parameter files: every one gets exit code 2 and one escaped line
naming the file, the key, the value and what is allowed, with no traceback, no hang,
and nothing under docs/ or figures/ changed. Also the cross-field rules, and a
docs/ that cannot be written."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, copy_repository

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from figures import params as P  # noqa: E402
from figures.params import RULES, SPEC, ParamError, parse  # noqa: E402

GOOD = P.PARAMS_FILE.read_text("utf-8")


def edited(old: str, new: str) -> str:
    assert re.search(old, GOOD, re.M), old
    return re.sub(old, lambda _match: new, GOOD, count=1, flags=re.M)


def table_edit(table: str, key: str, value: str) -> str:
    """``key = value`` under ``[table]`` (keys such as ``steps`` occur in several tables)."""
    start = GOOD.index(f"[{table}]\n")
    end = GOOD.find("\n[", start + 1)
    end = len(GOOD) if end < 0 else end
    section = re.sub(rf"^{key} = [^#\n]*", lambda _match: f"{key} = {value} ", GOOD[start:end], count=1, flags=re.M)
    assert section != GOOD[start:end], (table, key)
    return GOOD[:start] + section + GOOD[end:]


# (case id, file text, words the one line must contain)
CONTENT = [
    ("huge-integer", edited(r"^w1 = .*$", "w1 = 1" + "0" * 400),
     ["network.w1", "integer of about 401 digits", "out of range", "from -10 to 10"]),
    ("integer-past-python-limit", edited(r"^w1 = .*$", "w1 = 1" + "0" * 5000),
     ["network.w1", "5,001 digits", "from -10 to 10"]),
    ("array-nested-100000", edited(r"^w1 = .*$", "w1 = " + "[" * 100_000 + "]" * 100_000),
     ["network.w1", "nested too deeply", "from -10 to 10"]),
    ("table-nested-50000", edited(r"^w1 = .*$", "w1 = " + "{a=" * 50_000 + "1" + "}" * 50_000),
     ["network.w1", "nested too deeply", "from -10 to 10"]),
    ("key-of-3000-parts", "a." * 3000 + "b = 1\n" + GOOD, ["unknown key a.a.a.", "... = 1"]),
    ("quoted-key-shadows", '"network.w1" = 5\n' + GOOD,
     ['"network.w1" = 5', "network.w1", "name the same parameter", "without quotes"]),
    ("quoted-dotted-key", edited(r"^w1 = ", '"w1.x" = 1\nw1 = '),
     ['"w1.x"', "with a dot in it", "without quotes"]),
    ("newline-in-key", '"w1\\nFAKE: all fine" = 1\n' + GOOD, ['"w1\\nFAKE: all fine"', "unknown key"]),
    ("ansi-in-key", '"w1\\u001b[31mRED" = 1\n' + GOOD, ['"w1\\u001b[31mRED"', "unknown key"]),
    ("bidi-in-key", '"w1\\u202eabc" = 1\n' + GOOD, ["w1\\u202eabc", "unknown key"]),
    ("ansi-in-value", edited(r"^w1 = .*$", 'w1 = "1.8\\u001b[2J\\nok"'),
     ["network.w1", "\\u001b[2J\\nok", "not a string"]),
    ("decimal-for-whole-number", table_edit("memory", "steps", "30.0"),
     ["memory.steps = 30.0", "not a whole number", "from 2 to 60", "write 30"]),
    ("fraction-for-whole-number", table_edit("memory", "steps", "2.5"),
     ["memory.steps = 2.5", "not a whole number", "from 2 to 60"]),
    ("empty", "", ["empty", f"expected {len(SPEC)} keys", "network.w1, network.b1", "more"]),
    ("missing-tables", GOOD.split("[descent]")[0], ["missing key descent.days", "keys are missing", "more"]),
    # cross-field rules
    ("w-min-above-max", table_edit("gradients.pascanu", "w_min", "13.0"),
     ["gradients.pascanu.w_min = 13.0", "gradients.pascanu.w_max = 12.0", "w_min < gradients.pascanu.w_max"]),
    ("surface-without-its-wall", table_edit("gradients.pascanu", "w_max", "4.0").replace("start_w = 8.0", "start_w = 2.0"),
     ["gradients.pascanu.w_max = 4.0", "> 4.3", "wall"]),
    ("b-min-above-max", table_edit("gradients.pascanu", "b_max", "-9.0"),
     ["gradients.pascanu.b_min = -8.0", "gradients.pascanu.b_max = -9.0"]),
    ("heatmap-min-above-max", table_edit("gradients", "heatmap_lambda_min", "5.0"),
     ["gradients.heatmap_lambda_min = 5.0", "heatmap_lambda_max = 3.0", "<"]),
    ("bifurcation-b-min-above-max", table_edit("gradients.pascanu", "bifurcation_b_min", "0.0"),
     ["bifurcation_b_min = 0.0", "bifurcation_b_max = -1.0"]),
    ("start-off-the-surface", table_edit("gradients.pascanu", "start_w", "20.0"),
     ["gradients.pascanu.start_w = 20.0", "≤ gradients.pascanu.start_w ≤"]),
    ("window-longer-than-steps", table_edit("gradients.truncation", "window", "100"),
     ["gradients.truncation.window = 100", "gradients.truncation.steps = 40", "≤"]),
    ("exploding-overflows", table_edit("descent", "days", "200").replace("exploding_w2 = 2.0", "exploding_w2 = 3"),
     ["descent.exploding_w2 = 3", "descent.days = 200", "≤ 70", "float range"]),
    ("tiny-rate-not-tiny", table_edit("descent", "tiny_learning_rate", "0.001").replace("learning_rate = 0.01", "learning_rate = 0.0001"),
     ["descent.tiny_learning_rate = 0.001", "descent.learning_rate = 0.0001"]),
    ("costly-spread", table_edit("descent", "spread_starts", "101").replace("bounce_steps = 300", "bounce_steps = 5000"),
     ["descent.spread_starts = 101", "descent.bounce_steps = 5000", "10× the default"]),
    ("costly-cliff-spread", table_edit("gradients.pascanu", "spread_starts", "101").replace("iterations = 200", "iterations = 5000"),
     ["gradients.pascanu.iterations = 5000", "gradients.pascanu.spread_starts = 101", "10× the default"]),
    ("costly-gradient-lab", table_edit("gradients", "networks", "500").replace("steps = 60 ", "steps = 200 ", 1)
     .replace("hidden = 8 ", "hidden = 64 ", 1),
     ["gradients.networks = 500", "gradients.hidden = 64", "10× the default", "× the default"]),
]


def _special(kind: str):
    def make(path) -> None:
        path.unlink()
        if kind == "dev-zero":
            path.symlink_to("/dev/zero")
        elif kind == "dev-urandom":
            path.symlink_to("/dev/urandom")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "symlink-loop":
            path.symlink_to(path.name)
        elif kind == "folder":
            path.mkdir()
        elif kind == "two-mib":
            path.write_bytes(b"#" * (2 << 20))
    return make


SPECIAL = [
    ("dev-zero", ["a character device", "expected a regular text file"]),
    ("dev-urandom", ["a character device", "expected a regular text file"]),
    ("fifo", ["a FIFO", "expected a regular text file"]),
    ("symlink-loop", ["cannot read the parameter file", "symbolic links"]),
    ("folder", ["a folder", "expected a regular text file"]),
    ("two-mib", ["2,097,152 bytes", "at most 1,048,576 bytes"]),
]


def tree_hash(root) -> str:
    """docs/ and figures/, every file but the parameter file the test replaces."""
    digest = hashlib.sha256()
    for folder in ("docs", "figures"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not path.is_symlink() and path.name != "params.toml" and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """One copy of the repository for every case (each restores the parameter file)."""
    root = copy_repository(tmp_path_factory.mktemp("hostile") / "repo")
    return root, tree_hash(root)


def refused(root, words: list[str]) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "figures/build.py"], cwd=root, capture_output=True, env=env, timeout=30)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr and not result.stdout
    lines = stderr.splitlines()
    assert len(lines) == 1 and stderr.endswith("\n") and "\r" not in stderr, stderr
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", lines[0]), lines[0]
    assert lines[0].startswith("error: figures/params.toml: "), lines[0]
    for word in words:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"


@pytest.mark.parametrize("text, words", [c[1:] for c in CONTENT], ids=[c[0] for c in CONTENT])
def test_hostile_content_is_one_line_and_changes_nothing(copy, text, words):
    root, before = copy
    target = root / "figures" / "params.toml"
    try:
        target.write_text(text, "utf-8")
        refused(root, words)
        assert tree_hash(root) == before
    finally:
        target.write_text(GOOD, "utf-8")


@pytest.mark.parametrize("kind, words", SPECIAL, ids=[c[0] for c in SPECIAL])
def test_a_parameter_file_that_is_not_a_small_regular_file_is_refused_unread(copy, kind, words):
    root, before = copy
    target = root / "figures" / "params.toml"
    try:
        _special(kind)(target)
        refused(root, words)
        assert tree_hash(root) == before
    finally:
        if target.is_dir() and not target.is_symlink():
            target.rmdir()
        else:
            target.unlink()
        target.write_text(GOOD, "utf-8")


def test_every_rule_names_declared_keys_and_holds_for_the_committed_file():
    values = parse(P.PARAMS_FILE.read_bytes())
    for rule in RULES:
        assert rule.keys and all(key in SPEC for key in rule.keys), rule
        assert rule.text and rule.why and "\n" not in rule.text + rule.why, rule
        assert rule.holds(*(values[key] for key in rule.keys)), rule


def test_each_rule_is_checked_after_the_types_and_before_anything_is_written():
    # a value of the wrong type is reported as such, not as a broken rule
    with pytest.raises(ParamError, match="not a string"):
        parse(table_edit("gradients.pascanu", "w_min", '"x"').encode())
    # two broken rules: the first declared is reported
    text = table_edit("gradients.pascanu", "w_min", "13.0").replace("window = 10 ", "window = 100 ")
    with pytest.raises(ParamError, match="w_min"):
        parse(text.encode())


def test_the_parameters_page_lists_every_rule():
    page = (ROOT / "docs" / "snippets" / "parameters-rules.md").read_text("utf-8")
    for rule in RULES:
        assert rule.text.replace("|", "\\|") in page
    assert '--8<-- "snippets/parameters-rules.md"' in (ROOT / "docs" / "parameters.md").read_text("utf-8")


def test_escape_writes_every_control_character_as_an_escape():
    assert P.escape("a\nb\x1b[31m\t\u202e\x00 ok λ") == "a\\nb\\x1b[31m\\t\\u202e\\x00 ok λ"
    assert str(ParamError("x\ny")) == "x\\ny"


FAKE_READ_ONLY = """
import errno, os, runpy, sys
real_replace, real_access = os.replace, os.access
def replace(source, target):
    if os.sep + "docs" + os.sep in str(target):
        raise PermissionError(errno.EACCES, "Permission denied", str(target))
    return real_replace(source, target)
os.replace = replace
if sys.argv[1] == "folder":  # the folder itself reports read-only (as on a read-only mount)
    os.access = lambda path, mode, **kw: False if os.sep + "docs" in str(path) else real_access(path, mode, **kw)
sys.argv = ["figures/build.py", "--jobs", sys.argv[2]]
runpy.run_path("figures/build.py", run_name="__main__")
"""


@pytest.mark.parametrize("how, jobs", [("folder", "2"), ("rename", "2")])
def test_a_read_only_docs_folder_is_one_line_naming_the_file(copy, how, jobs):
    # (the tests may run as root, whom permissions do not stop: the refusal is simulated)
    root, before = copy
    target = root / "figures" / "params.toml"
    try:
        target.write_text(edited(r"^three_days = .*$", "three_days = [1.0, 0.5, 1.0]"), "utf-8")
        result = subprocess.run([sys.executable, "-c", FAKE_READ_ONLY, how, jobs], cwd=root, capture_output=True,
                                text=True, timeout=120, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and result.stderr.strip().splitlines()[-1] == errors[0], result.stderr
        assert re.fullmatch(r"error: cannot write docs/\S+: (Permission denied|the folder docs/\S*/ is read-only)",
                            errors[0]), errors[0]
        if how == "folder":
            assert result.stderr.strip() == errors[0]  # refused before any output was rendered
        assert tree_hash(root) == before
        assert not list((root / ".cache" / "figures").glob("*.tmp"))
    finally:
        target.write_text(GOOD, "utf-8")
