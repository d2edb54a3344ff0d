"""Untrusted plugins stay bounded when called from Python, from many threads,
and in a process forked after the pipeline was made."""

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import cxr
import pytest

from conftest import NOW, comparable

# The bound the limits promise for a looping plugin: stopped within twice its
# deadline. Tests allow far more (a shared, loaded machine), since what they
# check is that the loop is stopped at all and reported as a deadline.
DEADLINE_MS = 250
GENEROUS_S = 5.0


def test_a_looping_plugin_is_stopped_at_its_deadline(hostile_pipeline):
    p = cxr.Pipeline.from_file(hostile_pipeline("loop"))
    for i in range(3):
        started = time.monotonic()
        d = p.decide({"id": f"L-{i}", "body": "x"}, now=NOW)
        took = time.monotonic() - started
        assert f"exceeded its deadline of {DEADLINE_MS} ms" in d["error"]
        assert took < GENEROUS_S, f"loop stopped after {took:.1f} s"
        # The pipeline's fallback decides: nothing is lost.
        assert d["route"]["queue"] == "triage" and d["route"]["fallback"] is True


def test_a_failing_plugin_gives_the_fallback_decision_with_error(hostile_pipeline):
    p = cxr.Pipeline.from_file(hostile_pipeline("panic", when="BAD"))
    good, bad = p.decide_many([{"id": "g", "body": "Where is my parcel?"}, {"id": "b", "body": "BAD input"}], now=NOW)
    assert good["error"] is None and good["route"]["fallback"] is False
    assert "panicked" in bad["error"]
    assert bad["route"] == {**bad["route"], "queue": "triage", "fallback": True}
    assert p.stats()["stages"][0]["failures"] == 1


def test_a_degraded_stage_is_the_decision_cxr_route_makes(hostile_pipeline, cxr_bin):
    """The default policy: the failed sentiment stage is listed in `degraded`
    and the others decide; the command line decides exactly the same."""
    path = hostile_pipeline("panic", when="BAD", on_failure="degrade")
    lines = ['{"id":"g","body":"Where is my parcel?"}', '{"id":"b","channel":"email","body":"BAD: I was charged twice"}']
    got = cxr.Pipeline.from_file(path).decide_many([json.loads(line) for line in lines], now=NOW)
    good, bad = got
    assert "degraded" not in good
    assert bad["error"] is None and bad["route"]["fallback"] is False
    assert bad["sentiment"]["label"] == "neutral" and bad["sentiment"]["confidence"] == 0.0
    [stage] = bad["degraded"]
    assert (stage["stage"], stage["plugin"], stage["error_kind"]) == ("sentiment", "cxr-test-hostile", "trap")
    assert "panicked" in stage["error"]
    out = subprocess.run(
        [str(cxr_bin), "route", "--quiet", "--jobs", "1", "--now", NOW, "--pipeline", str(path), "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    cli = [json.loads(line) for line in out.stdout.splitlines()]
    assert [comparable(d) for d in got] == [comparable(d) for d in cli]


def test_four_threads_deciding_at_once_decide_as_one(examples):
    p = cxr.Pipeline.reference()
    expected = [comparable(p.decide(line, now=NOW)) for line in examples]
    start = threading.Barrier(4)

    def work(k):
        start.wait()
        # Each thread goes through the examples from a different offset.
        order = examples[k * 18:] + examples[: k * 18]
        return [comparable(p.decide(line, now=NOW)) for line in order], k

    with ThreadPoolExecutor(max_workers=4) as pool:
        for got, k in pool.map(work, range(4)):
            assert got == expected[k * 18:] + expected[: k * 18]
    assert p.stats()["stages"][0]["calls"] == 5 * 72


def test_the_gil_is_released_while_a_plugin_runs(hostile_pipeline):
    """With forced thread switches turned off, the main thread runs during a
    decision only if `decide` released the GIL."""
    p = cxr.Pipeline.from_file(hostile_pipeline("loop", limits="fuel = 0\ntimeout_ms = 600"))
    inside, done = threading.Event(), threading.Event()
    result = {}

    def decide():
        inside.set()
        result["d"] = p.decide({"id": "G", "body": "x"}, now=NOW)
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(60)
    try:
        t = threading.Thread(target=decide)
        t.start()
        inside.wait()
        ticks = 0
        while not done.is_set():
            ticks += 1
            time.sleep(0.002)
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert "exceeded its deadline" in result["d"]["error"]
    assert ticks > 0, "the main thread never ran while the plugin looped: the GIL was held"


def _in_child(work):
    """Runs `work()` in a forked child; returns what it sent back as JSON, or
    fails if the child is not done within GENEROUS_S * 4 seconds."""
    read, write = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a process that has threads (the
        # pipeline's epoch ticker): exactly the case under test.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            out = {"ok": work()}
        except BaseException as e:  # report anything to the parent
            out = {"error": repr(e)}
        os.write(write, json.dumps(out).encode())
        os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], GENEROUS_S * 4)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read)
        pytest.fail("the forked child did not finish: a plugin ran unbounded or the child hung")
    chunks = []
    while chunk := os.read(read, 1 << 16):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    out = json.loads(b"".join(chunks))
    assert "error" not in out, out.get("error")
    return out["ok"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_a_pipeline_made_before_fork_keeps_its_deadlines_in_the_child(hostile_pipeline):
    p = cxr.Pipeline.from_file(hostile_pipeline("loop"))
    # The parent's ticker thread is running (and does not survive the fork).
    assert "exceeded its deadline" in p.decide({"id": "parent", "body": "x"}, now=NOW)["error"]

    def child():
        started = time.monotonic()
        d = p.decide({"id": "child", "body": "x"}, now=NOW)
        return {"error": d["error"], "seconds": time.monotonic() - started}

    got = _in_child(child)
    assert f"exceeded its deadline of {DEADLINE_MS} ms" in got["error"]
    assert got["seconds"] < GENEROUS_S
    # The parent's pipeline still works after the fork.
    assert "exceeded its deadline" in p.decide({"id": "again", "body": "x"}, now=NOW)["error"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_the_child_decides_as_the_parent_and_can_load_new_pipelines(examples):
    p = cxr.Pipeline.reference()
    expected = [comparable(p.decide(line, now=NOW)) for line in examples[:12]]

    def child():
        same = [comparable(d) for d in p.decide_many(examples[:12], jobs=2, now=NOW)]
        # Compiling anew in the child (no cache): wasmtime's parallel
        # compilation threads were the parent's.
        os.environ["CXR_CACHE"] = "off"
        fresh = cxr.Pipeline.reference()
        return {"same": same, "fresh": comparable(fresh.decide(examples[0], now=NOW))}

    got = _in_child(child)
    assert got["same"] == expected
    assert got["fresh"] == expected[0]
