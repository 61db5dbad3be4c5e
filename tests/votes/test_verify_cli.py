"""`flask votes verify FILE`: exit 0 with the result, 1 with the problems, 2 when unreadable."""
from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
EXAMPLE = DATA / "ballot-box-example.json"


def run(runner, path, *options):
    return runner.invoke(args=["votes", "verify", str(path), *options])


def test_valid_box_prints_the_recomputed_result(runner):
    result = run(runner, EXAMPLE)
    assert result.exit_code == 0, result.output
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == doc["result"]
    assert f"fingerprint at opening: {doc['opening']['fingerprint']}" in result.stderr
    result = run(runner, EXAMPLE, "--fingerprint", doc["opening"]["fingerprint"])
    assert result.exit_code == 0 and "fingerprint at opening" not in result.stderr


def test_a_box_of_format_1_still_verifies(runner):
    result = run(runner, DATA / "ballot-box-v1-example.json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outcome"] == "adopted"


def test_each_tampering_of_the_vote_is_named_and_exits_1(runner, tmp_path):
    """Roll, rule and weights changed in a downloaded box, its result recomputed: exit 1."""
    from votes.ballotbox import verify
    from votes.boxseal import OPENING_PARTS
    path = tmp_path / "box.json"
    for part, change in [("roll", lambda d: d["roll"].append(
                             {"voter": "zz", "college": "entrepreneurs", "weight": "1",
                              "participating": False, "voted": False})),
                         ("vote", lambda d: d["vote"]["rule"].update(threshold="3/4")),
                         ("colleges", lambda d: d["colleges"][0].update(weight="1/10"))]:
        doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        change(doc)
        doc["result"] = verify(doc)[1]
        path.write_text(json.dumps(doc), encoding="utf-8")
        result = run(runner, path)
        assert result.exit_code == 1 and OPENING_PARTS[part] in result.stdout.splitlines()


def test_a_box_whose_fingerprint_is_not_the_published_one_exits_1(runner):
    result = run(runner, EXAMPLE, "--fingerprint", "0" * 64)
    assert result.exit_code == 1 and "this is not the vote that was opened" in result.stdout


def test_tampered_box_lists_every_problem(runner, tmp_path):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["seal"] = "0" * 64
    doc["result"]["outcome"] = "rejected"
    path = tmp_path / "box.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run(runner, path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "seal does not match the document: its vote, roll, ballots, batches or result changed "
        "after the close",
        'result.outcome: announced "rejected", recomputed "adopted"']
    assert "2 problem(s) found" in result.stderr


def test_malformed_box_exits_2_with_a_clear_message(runner, tmp_path):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["vote"]["method"] = "ranked"
    path = tmp_path / "box.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run(runner, path)
    assert result.exit_code == 2
    assert 'not a valid coopgov-ballot-box document: vote.method: unknown method "ranked"' \
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


def test_an_encrypted_box_verifies_and_a_tampered_count_exits_1(runner, tmp_path):
    example = DATA / "ballot-box-v3-example.json"
    result = run(runner, example)
    assert result.exit_code == 0, result.output
    doc = json.loads(example.read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == doc["result"]
    doc["tally"][0]["counts"][0][0] += 1
    (tmp_path / "box.json").write_text(json.dumps(doc), encoding="utf-8")
    result = run(runner, tmp_path / "box.json")
    assert result.exit_code == 1 and "seal does not match" in result.stdout
    assert "counts are not the decryption" in result.stdout


def standalone(tmp_path, *args):
    """Run the downloadable verifier as a member would: a plain Python without site (so with
    nothing of coopgov importable), PyNaCl only, from an empty directory."""
    import subprocess
    import sys

    import nacl

    from votes.standalone import build
    script = tmp_path / "coopgov-verify.py"
    script.write_text(build(), encoding="utf-8")
    site = str(Path(nacl.__file__).resolve().parent.parent)
    return subprocess.run([sys.executable, "-S", str(script), *args], cwd=tmp_path,
                          env={"PYTHONPATH": site, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


def test_the_single_file_verifier_checks_every_format_without_coopgov(tmp_path):
    for name in ("ballot-box-v3-example.json", "ballot-box-example.json",
                 "ballot-box-v1-example.json"):
        done = standalone(tmp_path, str(DATA / name))
        doc = json.loads((DATA / name).read_text(encoding="utf-8"))
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == doc["result"]
    doc = json.loads((DATA / "ballot-box-v3-example.json").read_text(encoding="utf-8"))
    done = standalone(tmp_path, str(DATA / "ballot-box-v3-example.json"), "--fingerprint",
                      "00" * 32)
    assert done.returncode == 1 and "not the fingerprint published" in done.stdout
    doc["ballots"][0]["choice"]["answers"][0]["individual"].reverse()
    (tmp_path / "box.json").write_text(json.dumps(doc), encoding="utf-8")
    done = standalone(tmp_path, "box.json")
    assert done.returncode == 1 and "the proof of 0 or 1 fails" in done.stdout
    assert standalone(tmp_path, "missing.json").returncode == 2
