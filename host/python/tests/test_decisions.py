"""Python decides exactly as the `cxr` command line does."""

import json
import subprocess
from datetime import datetime, timedelta, timezone

import cxr
import pytest

from conftest import EXAMPLES, NOW, ROOT, comparable


@pytest.fixture(scope="module")
def reference():
    return cxr.Pipeline.reference()


@pytest.fixture(scope="module")
def cli_decisions(cxr_bin):
    """`cxr route --now NOW examples/interactions.jsonl`, one dict per line."""
    out = subprocess.run(
        [str(cxr_bin), "route", "--quiet", "--now", NOW, str(EXAMPLES)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_decide_matches_cxr_route_on_every_example(reference, examples, cli_decisions):
    assert len(cli_decisions) == len(examples) == 72
    for line, cli in zip(examples, cli_decisions):
        as_dict = reference.decide(json.loads(line), now=NOW)
        as_text = reference.decide(line, now=NOW)
        assert comparable(as_dict) == comparable(cli), cli["id"]
        assert comparable(as_text) == comparable(cli), cli["id"]
        assert "line" not in as_dict and as_dict["error"] is None


def test_decide_many_matches_cxr_route(reference, examples, cli_decisions):
    got = reference.decide_many([json.loads(line) for line in examples], jobs=3, now=NOW)
    assert [comparable(d) for d in got] == [comparable(d) for d in cli_decisions]


def test_route_jsonl_writes_what_cxr_route_writes(reference, cli_decisions, tmp_path):
    dst = tmp_path / "decisions.jsonl"
    summary = reference.route_jsonl(EXAMPLES, dst, jobs=2, now=NOW)
    written = [json.loads(line) for line in dst.read_text().splitlines()]
    assert [d["line"] for d in written] == list(range(1, 73))
    assert [comparable(d) for d in written] == [comparable(d) for d in cli_decisions]
    assert summary["lines"] == 72 and summary["input_errors"] == 0
    assert summary["routed"] + summary["fallbacks"] == 72
    assert sum(summary["by_queue"].values()) == 72
    assert summary["by_queue"]["billing"] == sum(d["route"]["queue"] == "billing" for d in cli_decisions)


def test_now_spellings_agree(reference, examples):
    ix = json.loads(examples[0])
    at = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
    by_text = comparable(reference.decide(ix, now=NOW))
    assert comparable(reference.decide(ix, now=at)) == by_text
    assert comparable(reference.decide(ix, now=int(at.timestamp() * 1000))) == by_text
    # The same instant in another zone is the same decision.
    paris = at.astimezone(timezone(timedelta(hours=1)))
    assert comparable(reference.decide(ix, now=paris)) == by_text
    assert comparable(reference.decide(ix, now="2026-11-22T11:00:00+01:00")) == by_text


def test_now_changes_the_decision_time(reference, examples):
    """`now` really is the decision time: a day later, more SLA time has passed."""
    ix = json.loads(examples[1])
    early = reference.decide(ix, now="2026-11-20T00:00:00Z")["reasons"]
    late = reference.decide(ix, now="2026-11-25T00:00:00Z")["reasons"]
    assert early != late


def test_datetimes_inside_the_interaction_are_accepted(reference):
    at = datetime(2026, 11, 22, 9, 14, tzinfo=timezone.utc)
    with_dt = reference.decide({"id": "D-1", "body": "Where is my parcel?", "received_at": at}, now=NOW)
    with_text = reference.decide({"id": "D-1", "body": "Where is my parcel?", "received_at": "2026-11-22T09:14:00+00:00"}, now=NOW)
    assert comparable(with_dt) == comparable(with_text)


def test_inspect_matches_cxr_inspect_json(cxr_bin):
    cli = json.loads(
        subprocess.run([str(cxr_bin), "inspect", "builtin:router", "--json"], check=True, capture_output=True, text=True).stdout
    )
    assert cxr.inspect("builtin:router") == cli
    assert cli["hooks"] == ["routing"]


def test_stats_count_calls(examples):
    p = cxr.Pipeline.reference()
    p.decide_many(examples[:10], now=NOW)
    stats = p.stats()
    assert stats["name"] == "reference" and stats["instance_mode"] == "reuse"
    assert [s["hook"] for s in stats["stages"]][:3] == ["sentiment", "classify", "priority"]
    assert stats["stages"][0]["calls"] == 10 and stats["stages"][0]["failures"] == 0
    assert stats["stages"][1]["calls"] == 10 and stats["stages"][1]["failures"] == 0
    assert [p["role"] for p in p.plugins()][:3] == ["sentiment", "classify", "priority"]


def test_from_file_loads_the_example_pipeline(examples):
    p = cxr.Pipeline.from_file(ROOT / "examples" / "pipeline.toml")
    ref = cxr.Pipeline.reference()
    assert p.name == "reference"
    ix = json.loads(examples[5])
    assert comparable(p.decide(ix, now=NOW)) == comparable(ref.decide(ix, now=NOW))
