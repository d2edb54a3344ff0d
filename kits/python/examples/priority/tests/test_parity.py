"""The Python port decides exactly as the Rust reference plugin, through
the real ``cxr`` binary, on every interaction of examples/interactions.jsonl
and of the six-language parity set (tests/parity/*.tsv).

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


def route(*args: str, data: Path = EXAMPLES) -> list[dict[str, Any]]:
    result = subprocess.run([str(CXR), "route", "--quiet", "--now", NOW, *args, str(data)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def priority_plugins(decisions: list[dict[str, Any]]) -> set[str]:
    return {t["plugin"] for d in decisions for t in d["trace"] if t["hook"] == "priority"}


def without_trace(decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in d.items() if k != "trace"} for d in decisions]


def assert_same(rust: list[dict[str, Any]], python: list[dict[str, Any]], data: Path = EXAMPLES) -> None:
    assert len(rust) == len(python) == sum(1 for line in data.read_text(encoding="utf-8").splitlines() if line.strip())
    differ = [(r["id"], k) for r, p in zip(without_trace(rust), without_trace(python)) for k in r if r[k] != p.get(k)]
    assert not differ, f"decisions differ (id, field): {differ[:10]}"


def pipeline(tmp_path: Path, name: str, plugin: str, config: str = "", classifier: bool = True) -> Path:
    """The reference pipeline's stages with ``plugin`` as the priority stage
    (without the classifier when ``classifier`` is false: priority from keywords alone).

    No ``calendars`` or ``sla_policies``: business-hours SLAs are not ported
    (the port refuses them), so both sides count SLAs in calendar hours.
    """
    path = tmp_path / f"{name}.toml"
    path.write_text(
        'name = "calendar-hours"\n'
        '[sentiment]\nplugin = "builtin:sentiment"\n'
        + ('[[classifiers]]\nplugin = "builtin:classify"\n' if classifier else "")
        + f'[priority]\nplugin = {json.dumps(plugin)}\n[priority.config]\n{config}'
        '[[routers]]\nplugin = "builtin:router"\n'
        '[routers.config]\ndefault_language = "en"\nuse_default_rules = true\n'
    )
    return path


def test_decides_like_the_rust_plugin_on_every_example(tmp_path: Path) -> None:
    rust = route("--pipeline", str(pipeline(tmp_path, "rust", "builtin:priority")))
    python = route("--pipeline", str(pipeline(tmp_path, "python", str(WASM))))
    assert priority_plugins(rust) == {"cxr-priority"}
    assert priority_plugins(python) == {"cxr-priority-py"}, "the Python component took the priority stage"
    assert all(d["error"] is None for d in python)
    assert len({d["priority"]["level"] for d in python}) == 4, "the examples exercise every level"
    assert_same(rust, python)


def parity_set(tmp_path: Path) -> Path:
    """The parity set's messages (six languages each) as interactions, one JSON line each."""
    lines = []
    for name in ("messages", "fresh", "fresh2"):
        header, *rows = [line for line in (REPO / "tests" / "parity" / f"{name}.tsv").read_text(encoding="utf-8").splitlines() if line.strip()]
        assert header.split("\t")[9] == "text", f"tests/parity/{name}.tsv: columns moved"
        for row in rows:
            f = row.split("\t")
            interaction: dict[str, Any] = {"id": f"{name}-{f[0]}-{f[1]}", "channel": f[2], "body": f[9], "language": f[1]}
            if f[3]:
                interaction["customer"] = json.loads(f[3])
            lines.append(json.dumps(interaction, ensure_ascii=False))
    path = tmp_path / "parity-set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("classifier", [True, False], ids=["with-classifier", "keywords-alone"])
def test_decides_like_the_rust_plugin_on_the_six_language_parity_set(tmp_path: Path, classifier: bool) -> None:
    data = parity_set(tmp_path)
    rust = route("--pipeline", str(pipeline(tmp_path, "rust", "builtin:priority", classifier=classifier)), data=data)
    python = route("--pipeline", str(pipeline(tmp_path, "python", str(WASM), classifier=classifier)), data=data)
    assert len(python) >= 240
    assert priority_plugins(python) == {"cxr-priority-py"}
    assert all(d["error"] is None for d in python)
    reasons = [r for d in python for r in d["reasons"]]
    if classifier:
        assert any(r.startswith(("urgent: ", "churn risk: ")) and "(classifier signal" in r for r in reasons)
    else:
        assert any(r.startswith("urgent keyword") and not r.isascii() for r in reasons)
    assert_same(rust, python, data)


def test_refuses_the_reference_pipelines_calendars(tmp_path: Path) -> None:
    config = '[priority.config.calendars.office]\ntime_zone = "Europe/Berlin"\nhours = { mon-fri = ["09:00-17:00"] }\n'
    path = pipeline(tmp_path, "python", str(WASM))
    path.write_text(path.read_text().replace("[priority.config]\n", config))
    result = subprocess.run([str(CXR), "route", "--quiet", "--pipeline", str(path), str(EXAMPLES)], capture_output=True, text=True, timeout=300)
    said = result.stdout + result.stderr
    assert "calendars" in said and "not implemented in this port" in said, said[:2000]


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
    rust = route("--pipeline", str(pipeline(tmp_path, "rust", "builtin:priority", config)))
    python = route("--pipeline", str(pipeline(tmp_path, "python", str(WASM), config)))
    assert priority_plugins(python) == {"cxr-priority-py"}
    default = route("--pipeline", str(pipeline(tmp_path, "python-default", str(WASM))))
    changed = sum(1 for a, b in zip(python, default) if a["priority"] != b["priority"])
    assert changed > 10, f"the custom config changed only {changed} priorities"
    assert_same(rust, python)


def test_passes_the_rust_plugins_case_files() -> None:
    # levels.toml only: calendars.toml tests business-hours SLAs, not ported.
    cases = REPO / "plugins" / "priority" / "cases" / "levels.toml"
    result = subprocess.run([str(CXR), "test", "--plugin", str(WASM), str(cases)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
