"""The Python port decides exactly as the Rust reference plugin, through
the real ``cxr`` binary, on every interaction of examples/interactions.jsonl.

Needs the ``cxr`` binary (``CXR_BIN``, default: the repository's
target/release/cxr) and the built component (``CXR_PRIORITY_WASM``,
default: build/cxr_priority_py.wasm, from ``python -m cxr_plugin build``).
Without them the tests are skipped, except under CI (``CI=true``), where
they fail.
"""

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parent.parent
REPO = Path(os.environ.get("CXR_REPO", PROJECT.parents[3]))
CXR = Path(os.environ.get("CXR_BIN", REPO / "target" / "release" / "cxr"))
WASM = Path(os.environ.get("CXR_PRIORITY_WASM", PROJECT / "build" / "cxr_priority_py.wasm"))
EXAMPLES = REPO / "examples" / "interactions.jsonl"
NOW = "2026-11-22T10:00:00Z"


def require(path: Path, what: str) -> None:
    if path.is_file():
        return
    message = f"{what} not found at {path}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def needs_binary_and_component() -> None:
    require(CXR, "the cxr binary (cargo build --release)")
    require(WASM, "the component (python -m cxr_plugin build)")
    require(EXAMPLES, "examples/interactions.jsonl")


def route(*args: str) -> list[dict[str, Any]]:
    result = subprocess.run([str(CXR), "route", "--quiet", "--now", NOW, *args, str(EXAMPLES)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def priority_plugins(decisions: list[dict[str, Any]]) -> set[str]:
    return {t["plugin"] for d in decisions for t in d["trace"] if t["hook"] == "priority"}


def without_trace(decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in d.items() if k != "trace"} for d in decisions]


def assert_same(rust: list[dict[str, Any]], python: list[dict[str, Any]]) -> None:
    assert len(rust) == len(python) == sum(1 for line in EXAMPLES.read_text().splitlines() if line.strip())
    differ = [(r["id"], k) for r, p in zip(without_trace(rust), without_trace(python)) for k in r if r[k] != p.get(k)]
    assert not differ, f"decisions differ (id, field): {differ[:10]}"


def test_decides_like_the_rust_plugin_on_every_example() -> None:
    rust = route()
    python = route("--plugin", str(WASM))
    assert priority_plugins(rust) == {"cxr-priority"}
    assert priority_plugins(python) == {"cxr-priority-py"}, "the Python component took the priority stage"
    assert all(d["error"] is None for d in python)
    assert len({d["priority"]["level"] for d in python}) == 4, "the examples exercise every level"
    assert_same(rust, python)


def test_decides_like_the_rust_plugin_under_a_custom_config(tmp_path: Path) -> None:
    config = (
        'sla_minutes = { email = 60, chat = 3 }\n'
        'tier_sla_factor = { gold = 0.5, enterprise = 0.3 }\n'
        'tier_weight = { enterprise = 22, free = -10 }\n'
        'urgent_keywords = ["refund", "broken", "outage", "can\'t log in"]\n'
        'churn_keywords = ["cancel", "competitor", "unsubscribe"]\n'
        'level_thresholds = [70, 45, 20]\n'
        'high_value_ltv = 2000\n'
    )
    pipelines = []
    for name, plugin in [("rust", "builtin:priority"), ("python", str(WASM))]:
        path = tmp_path / f"{name}.toml"
        path.write_text(
            f'name = "{name}"\n'
            '[sentiment]\nplugin = "builtin:sentiment"\n'
            '[[classifiers]]\nplugin = "builtin:classify"\n'
            f'[priority]\nplugin = {json.dumps(plugin)}\n[priority.config]\n{config}'
            '[[routers]]\nplugin = "builtin:router"\n'
        )
        pipelines.append(path)
    rust = route("--pipeline", str(pipelines[0]))
    python = route("--pipeline", str(pipelines[1]))
    assert priority_plugins(python) == {"cxr-priority-py"}
    default = route("--plugin", str(WASM))
    changed = sum(1 for a, b in zip(python, default) if a["priority"] != b["priority"])
    assert changed > 10, f"the custom config changed only {changed} priorities"
    for r in (rust, python):
        for d in r:
            d.pop("pipeline", None)
    assert_same(rust, python)


def test_passes_the_rust_plugins_case_files() -> None:
    cases = REPO / "plugins" / "priority" / "cases"
    result = subprocess.run([str(CXR), "test", "--plugin", str(WASM), str(cases)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
