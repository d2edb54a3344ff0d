"""The input policy through the Python package: `tests/policy/inputs.jsonl`
(repeated ids, a blank line, unreadable lines), decided with a fixed `now`
and a request id, gives the decisions and error records `cxr route` gives
(host/cli/tests/policy.rs checks HTTP and the NATS worker against the same
file; docs/embedding.md has the policy)."""

import json
import subprocess

import pytest

import cxr
from conftest import NOW, ROOT, comparable

INPUTS = ROOT / "tests" / "policy" / "inputs.jsonl"
REQUEST_ID = "policy-test"


@pytest.fixture(scope="module")
def reference():
    return cxr.Pipeline.reference()


@pytest.fixture(scope="module")
def cli(cxr_bin):
    """What the command line writes for the inputs."""
    out = subprocess.run(
        [str(cxr_bin), "route", "--quiet", "--now", NOW, "--request-id", REQUEST_ID, str(INPUTS)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines()]


def problem(error: str) -> str:
    """An error record's problem, without its position (`line 4: `, `[3]: `)."""
    return error.split(": ", 1)[1]


def test_the_command_line_gives_what_the_policy_says(cli):
    # `error_kind` is absent when there is no error.
    assert [d.get("error_kind") for d in cli] == [None, "input", None, "duplicate", "input", "input", None]
    assert cli[1]["error"] == "line 2: empty (no interaction)"
    assert cli[3]["error"] == 'line 4: duplicate id "P-1" (first seen on line 1)'


def test_route_jsonl_writes_the_records_of_the_command_line(reference, cli, tmp_path):
    dst = tmp_path / "out.jsonl"
    summary = reference.route_jsonl(INPUTS, dst, now=NOW, request_id=REQUEST_ID)
    out = [json.loads(line) for line in dst.read_text().splitlines()]
    assert [d["line"] for d in out] == [d["line"] for d in cli]
    assert [comparable(d) for d in out] == [comparable(d) for d in cli]
    assert summary["lines"] == 7 and summary["input_errors"] == 4


def test_decide_many_gives_the_decisions_and_problems_of_the_command_line(reference, cli):
    lines = INPUTS.read_text().splitlines()
    out = reference.decide_many(lines, now=NOW, request_id=REQUEST_ID)
    assert len(out) == len(cli)
    for i, (p, c) in enumerate(zip(out, cli)):
        assert p.get("error_kind") == c.get("error_kind"), i
        assert p["request_id"] == REQUEST_ID
        if c["error"] is None:
            assert comparable(p) == comparable(c), i
        elif c.get("error_kind") == "duplicate":
            assert p["error"] == '[3]: duplicate id "P-1" (first seen at [0])'
        else:
            assert p["error"] == f"[{i}]: {problem(c['error'])}", i


def test_decide_gives_the_decision_of_the_command_line_and_raises_its_problems(reference, cli):
    lines = INPUTS.read_text().splitlines()
    d = reference.decide(lines[0], now=NOW, request_id=REQUEST_ID)
    assert comparable(d) == comparable(cli[0])
    for i in (1, 4, 5):
        with pytest.raises(cxr.InputError) as e:
            reference.decide(lines[i], now=NOW)
        assert str(e.value) == problem(cli[i]["error"]), i
    with pytest.raises(cxr.InputError) as e:
        reference.decide(lines[0], request_id="a b")
    assert e.value.field == "request_id"


def test_pipelines_are_named_as_on_the_command_line(reference, tmp_path):
    """`Pipeline.load` reads the spellings `cxr --pipeline` and `--plugin` read."""
    lines = INPUTS.read_text().splitlines()
    want = comparable(reference.decide(lines[0], now=NOW))
    for source, plugins in [
        ("builtin", []),
        ("reference", []),
        (str(ROOT / "examples" / "pipeline.toml"), []),
        ("builtin:router", []),
        ("builtin", ["builtin:sentiment"]),
    ]:
        p = cxr.Pipeline.load(source, plugins=plugins)
        assert comparable(p.decide(lines[0], now=NOW))["route"] == want["route"], (source, plugins)
    text = (ROOT / "examples" / "pipeline.toml").read_text()
    assert comparable(cxr.Pipeline.from_toml(text).decide(lines[0], now=NOW)) == want
    with pytest.raises(cxr.CxrError, match="absent.wasm"):
        cxr.Pipeline.load(str(tmp_path / "absent.wasm"))
    with pytest.raises(cxr.CxrError, match="unknown built-in plugin"):
        cxr.Pipeline.load("builtin", plugins=["builtin:nope"])


def test_the_size_cap_is_the_command_lines(reference):
    big = json.dumps({"id": "big", "body": "x" * (1 << 20)})
    size = len(big.encode())
    with pytest.raises(cxr.InputError, match=f"^{size} bytes, over the 1048576-byte limit$"):
        reference.decide(big)
    (record,) = reference.decide_many([big])
    assert record["error"] == f"[0]: {size} bytes, over the 1048576-byte limit"
    assert record["error_kind"] == "input" and record["route"] is None
