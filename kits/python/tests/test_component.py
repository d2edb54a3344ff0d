"""A Python plugin's failures as the host sees them, through the real
``cxr`` binary: the tests/raiser plugin is built with the kit's build
command, then routes interactions that make it fail in each way.

Needs the ``cxr`` binary (``CXR_BIN``, default: the repository's
target/release/cxr); skipped without it, except under ``CI=true``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = Path(os.environ.get("CXR_REPO", HERE.parents[2]))
CXR = Path(os.environ.get("CXR_BIN", REPO / "target" / "release" / "cxr"))


@pytest.fixture(scope="module")
def component(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CXR.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the cxr binary is missing at {CXR}")
        pytest.skip(f"the cxr binary is missing at {CXR} (cargo build --release)")
    out = tmp_path_factory.mktemp("raiser") / "raiser.wasm"
    result = subprocess.run(
        [sys.executable, "-m", "cxr_plugin", "build", "--project", str(HERE / "raiser"), "-o", str(out)],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr
    return out


def route(component: Path, bodies: list[str], *args: str) -> list[dict[str, Any]]:
    lines = "".join(json.dumps({"id": f"T-{i}", "body": b}) + "\n" for i, b in enumerate(bodies))
    result = subprocess.run([str(CXR), "route", "--quiet", "--plugin", str(component), *args, "-"],
                            input=lines, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def failure(d: dict[str, Any]) -> str:
    """The error of the one stage that failed: a failing router degrades its
    stage (listed in ``degraded``), the next router decides, and the decision
    has no ``error`` of its own."""
    assert d["error"] is None, d
    assert isinstance(d["route"]["queue"], str), d
    assert len(d["degraded"]) == 1, d
    assert d["degraded"][0]["stage"] == "routers[0]" and d["degraded"][0]["plugin"] == "raiser", d
    error: str = d["degraded"][0]["error"]
    return error


def test_an_exception_reaches_the_decision_as_its_last_traceback_line(component: Path) -> None:
    ok, key, invalid, wrong, field = route(component, ["hello", "key", "invalid", "wrong", "field"])
    assert ok["error"] is None and ok["route"]["queue"] == "general" and ok["route"]["rule"] == "raiser"
    assert "degraded" not in ok
    assert "internal error: KeyError: 'key' (at raiser.py:" in failure(key)
    assert failure(key).endswith(" in route)")
    assert failure(invalid).endswith("plugin error: invalid input: cannot route an empty order")
    assert failure(wrong).endswith("route returned str, expected Route or Pass")
    assert failure(field).endswith("route returned an invalid Route: discipline is 'service' (str), expected a Discipline (e.g. Discipline.SERVICE)")


def test_a_fatal_exception_traps_and_the_next_interaction_is_decided(component: Path) -> None:
    memory, after = route(component, ["memory", "hello"])
    # The host's trap error quotes the last line of the traceback the glue wrote.
    assert memory["degraded"][0]["error_kind"] == "trap"
    assert "trapped" in failure(memory)
    assert "MemoryError: pretend the heap is full (at raiser.py:" in failure(memory)
    assert after["error"] is None and after["route"]["rule"] == "raiser"
    assert "degraded" not in after


def test_a_bad_config_is_refused_at_load_naming_the_problem(component: Path, tmp_path: Path) -> None:
    pipeline = tmp_path / "p.toml"
    pipeline.write_text(f'name = "p"\n[[routers]]\nplugin = {json.dumps(str(component))}\n[routers.config]\nqueue = 7\n')
    result = subprocess.run([str(CXR), "route", "--pipeline", str(pipeline), "-"], input='{"id":"a","body":"x"}\n',
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "queue must be a string, got 7" in result.stderr
