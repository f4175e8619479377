"""figures/params.py: every bad parameter file gets one clear line and exit code 2,
and nothing under docs/ changes."""
from __future__ import annotations

import math
import re
import sys

import pytest

from conftest import ROOT, copy_repository, run

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from figures import params as P  # noqa: E402
from figures.params import SPEC, ParamError, parse  # noqa: E402
from figures.registry import Params, UndeclaredParameter  # noqa: E402

GOOD = P.PARAMS_FILE.read_bytes()


def line_of(start: str) -> str:
    """``line N`` of the committed file's first line that starts with ``start``."""
    for number, line in enumerate(GOOD.decode().splitlines(), start=1):
        if line.startswith(start):
            return f"line {number}"
    raise AssertionError(start)


def edited(old: str, new: str) -> bytes:
    text = GOOD.decode()
    assert re.search(old, text, re.M), old
    return re.sub(old, new, text, count=1, flags=re.M).encode()


# (case id, file bytes, words the one line must contain: the file, the key, the value, what is allowed)
CASES = [
    ("syntax", edited(r"^b1 = .*$", "b1 = "), ["params.toml", "TOML syntax error", line_of("b1 ="), "'b1 ='"]),
    ("syntax-bracket", edited(r"^\[statland\]$", "[statland"), ["params.toml", "TOML syntax error", line_of("[statland]")]),
    ("duplicate", edited(r"^w1 = .*$", "w1 = 1.8\nw1 = 2"), ["params.toml", "TOML syntax error", f"line {int(line_of('w1 =')[5:]) + 1}"]),
    ("empty", b"", ["params.toml", "empty", "network.w1"]),
    ("blank", b"  \n\n", ["params.toml", "empty", "network.w1"]),
    ("only-comments", b"# nothing here\n", ["params.toml", "no keys", "network.w1"]),
    ("not-utf8", b"[network]\nw1 = \xff\n", ["params.toml", "line 2", "0xff", "not UTF-8"]),
    ("latin1", GOOD.replace(b"[network]", b"# caf\xe9 (Latin-1)\n[network]", 1), ["params.toml", "0xe9", "not UTF-8"]),
    ("unknown-key", edited(r"^w1 =", "wl ="), ["params.toml", "unknown key network.wl = 1.8", "did you mean network.w1?"]),
    ("unknown-table", GOOD + b"\n[netwrk]\nw1 = 1.0\n", ["params.toml", "unknown key netwrk.w1 = 1.0", "did you mean network.w1?"]),
    ("missing-key", edited(r"^b2 = .*\n", ""), ["params.toml", "missing key network.b2", "a number from -10 to 10"]),
    ("missing-table", edited(r"^\[statland\][\s\S]*", ""), ["params.toml", "missing key statland.low_low", "a list of"]),
    ("string", edited(r"^w1 = .*$", 'w1 = "1.8"'), ["params.toml", 'network.w1 = "1.8"', "a number from -10 to 10", "not a string"]),
    ("boolean", edited(r"^w1 = .*$", "w1 = true"), ["params.toml", "network.w1 = true", "a number from -10 to 10", "not a boolean"]),
    ("table-value", edited(r"^w1 = .*$", "w1 = {a = 1}"), ["params.toml", "network.w1 = {a = 1}", "not a table"]),
    ("date", edited(r"^w1 = .*$", "w1 = 1979-05-27"), ["params.toml", "network.w1 = 1979-05-27", "not a date"]),
    ("nan", edited(r"^w2 = .*$", "w2 = nan"), ["params.toml", "network.w2 = nan", "finite number from -10 to 10"]),
    ("inf", edited(r"^w2 = .*$", "w2 = inf"), ["params.toml", "network.w2 = inf", "finite number from -10 to 10"]),
    ("minus-inf", edited(r"^w2 = .*$", "w2 = -inf"), ["params.toml", "network.w2 = -inf", "finite number"]),
    ("too-big", edited(r"^w2 = .*$", "w2 = 12"), ["params.toml", "network.w2 = 12", "out of range", "from -10 to 10"]),
    ("too-small", edited(r"^w3 = .*$", "w3 = -10.5"), ["params.toml", "network.w3 = -10.5", "out of range"]),
    ("empty-list", edited(r"^low_low = .*$", "low_low = []"), ["params.toml", "statland.low_low = []", "empty", "1 to 12 numbers"]),
    ("long-list", edited(r"^low_low = .*$", "low_low = [" + ", ".join(["0.5"] * 13) + "]"),
     ["params.toml", "statland.low_low = [0.5", "13 long", "1 to 12 numbers"]),
    ("list-nan", edited(r"^low_low = .*$", "low_low = [0.0, nan]"), ["params.toml", "statland.low_low = [0.0, nan]", "item 2 (nan)", "finite"]),
    ("list-range", edited(r"^low_low = .*$", "low_low = [0.0, 2]"), ["params.toml", "item 2 (2)", "out of range", "from 0 to 1"]),
    ("list-string", edited(r"^low_low = .*$", 'low_low = ["Low"]'), ["params.toml", 'item 1 ("Low")', "not a string"]),
    ("list-nested", edited(r"^low_low = .*$", "low_low = [[0.0]]"), ["params.toml", "item 1 ([0.0])", "not a list"]),
    ("scalar-for-list", edited(r"^low_low = .*$", "low_low = 0.5"), ["params.toml", "statland.low_low = 0.5", "a list of 1 to 12"]),
]


@pytest.mark.parametrize("data, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_parse_names_file_key_value_and_what_is_allowed(data, words):
    with pytest.raises(ParamError) as caught:
        parse(data, P.PARAMS_FILE)
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


@pytest.fixture(scope="module")
def _copy(tmp_path_factory):
    return copy_repository(tmp_path_factory.mktemp("params") / "repo")


@pytest.fixture
def repo_copy(_copy):
    """One copy of the repository for the module's build tests (each compares with the
    tree it started from); each test's parameter file is replaced by the committed one."""
    yield _copy
    (_copy / "figures" / "params.toml").write_bytes(GOOD)


def _docs(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted((root / "docs").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("data, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_build_refuses_bad_file_with_one_line_and_changes_nothing(python, repo_copy, data, words):
    before = _docs(repo_copy)
    fingerprints = (repo_copy / "figures" / "fingerprints.json").read_bytes()
    (repo_copy / "figures" / "params.toml").write_bytes(data)
    for args in ([], ["--force"]):
        result = run([python, "figures/build.py", *args], cwd=repo_copy)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        assert lines[0].startswith("error: figures/params.toml: ")
        for word in words:
            assert word in lines[0]
    assert _docs(repo_copy) == before
    assert (repo_copy / "figures" / "fingerprints.json").read_bytes() == fingerprints


def test_missing_file_is_one_line(python, repo_copy):
    (repo_copy / "figures" / "params.toml").unlink()
    result = run([python, "figures/build.py"], cwd=repo_copy)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: figures/params.toml: cannot read the parameter file: No such file or directory"


def test_good_file_parses_and_a_bom_is_accepted():
    values = parse(GOOD)
    assert list(values) == list(SPEC)
    assert parse(b"\xef\xbb\xbf" + GOOD) == values


def test_every_key_has_a_type_a_range_and_a_meaning():
    for key, param in SPEC.items():
        assert param.kind.type_name and param.kind.range() and param.kind.allowed()
        assert param.meaning.strip() and "\n" not in param.meaning, key


def test_integer_and_choice_kinds():
    steps = P.Integer(1, 50)
    assert steps.check(10) is None
    assert "whole number" in steps.check(2.5)
    assert "out of range" in steps.check(51)
    assert "finite" in steps.check(math.inf)
    assert "not a boolean" in steps.check(True)
    choice = P.Choice(("tanh", "relu"))
    assert choice.check("tanh") is None
    assert 'did you mean "tanh"' in choice.check("tahn")


def test_undeclared_read_is_an_error():
    values = parse(GOOD)
    params = Params(values, ["network.w1"], "demo")
    assert params["network.w1"] == values["network.w1"]
    with pytest.raises(UndeclaredParameter, match="reads 'network.w2' without declaring it"):
        params["network.w2"]
    with pytest.raises(UndeclaredParameter):
        params.get("network.w2", 0.0)
    assert list(params) == ["network.w1"]


@pytest.mark.parametrize("args", [["--check"], ["--list"], ["--only", "statland-table"]])
def test_check_and_list_refuse_a_bad_file_too(python, repo_copy, args):
    (repo_copy / "figures" / "params.toml").write_bytes(edited(r"^w2 = .*$", "w2 = nan"))
    result = run([python, "figures/build.py", *args], cwd=repo_copy)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: figures/params.toml: network.w2 = nan: expected a finite number from -10 to 10"
    ]
