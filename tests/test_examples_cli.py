"""``python -m rnncore examples`` as a table and as JSON."""
import json

from conftest import run

STATLAND = {
    "statland-low-low": 0,
    "statland-low-medium": 0.99,
    "statland-high-medium": 0,
    "statland-high-high": 0.99,
    "statland-three-days": 0.99,
}


def test_json_lists_every_example_with_its_value(python):
    result = run([python, "-m", "rnncore", "examples", "--json"])
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert isinstance(listed, list)
    by_id = {item["id"]: item for item in listed}
    assert len(by_id) == len(listed), "ids must be unique"
    for item in listed:
        assert {"id", "expression", "value"} <= set(item)
        assert isinstance(item["value"], (int, float, str, list))
    for example_id, value in STATLAND.items():
        assert by_id[example_id]["value"] == value
    assert by_id["statland-low-medium"]["expression"].endswith("prediction = 0.9 × 1.1 + 0.0 = 0.99")


def test_table_has_a_row_per_example(python):
    result = run([python, "-m", "rnncore", "examples"])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "value", "expression"]
    rows = {line.split()[0]: line.split()[1] for line in lines[2:]}
    assert rows["statland-low-medium"] == "0.99"
    assert rows["statland-high-medium"] == "0"
