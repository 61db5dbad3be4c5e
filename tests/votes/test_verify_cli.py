"""`flask votes verify FILE`: exit 0 with the result, 1 with the problems, 2 when unreadable."""
from __future__ import annotations

import json
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "ballot-box-example.json"


def run(runner, path):
    return runner.invoke(args=["votes", "verify", str(path)])


def test_valid_box_prints_the_recomputed_result(runner):
    result = run(runner, EXAMPLE)
    assert result.exit_code == 0, result.output
    announced = json.loads(EXAMPLE.read_text(encoding="utf-8"))["result"]
    assert json.loads(result.stdout) == announced


def test_tampered_box_lists_every_problem(runner, tmp_path):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["seal"] = "0" * 64
    doc["result"]["outcome"] = "rejected"
    path = tmp_path / "box.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run(runner, path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "seal does not match the ballots and batches",
        'result.outcome: announced "rejected", recomputed "adopted"']
    assert "2 problem(s) found" in result.stderr


def test_malformed_box_exits_2_with_a_clear_message(runner, tmp_path):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["vote"]["method"] = "ranked"
    path = tmp_path / "box.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run(runner, path)
    assert result.exit_code == 2
    assert 'not a valid coopgov-ballot-box/1 document: vote.method: unknown method "ranked"' \
        in result.stderr
    path.write_text("{not json", encoding="utf-8")
    result = run(runner, path)
    assert (result.exit_code, "not valid JSON" in result.stderr) == (2, True)
    del doc["ballots"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert run(runner, path).exit_code == 2


def test_missing_file_exits_2(runner, tmp_path):
    result = run(runner, tmp_path / "nowhere.json")
    assert result.exit_code == 2
    assert "cannot read" in result.stderr and "nowhere.json" in result.stderr
