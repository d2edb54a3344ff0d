"""The Node HTTP client of docs/embedding.md, run as written against a real
`cxr serve`, agrees with the Python package."""

import os
import re
import shutil
import subprocess

import cxr
import pytest

from conftest import ROOT


def _doc_block(language: str) -> str:
    text = (ROOT / "docs" / "embedding.md").read_text()
    blocks = re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, f"expected one {language} block in docs/embedding.md"
    return blocks[0]


@pytest.fixture
def server(cxr_bin):
    """`cxr serve` with the reference pipeline on a free loopback port."""
    proc = subprocess.Popen(
        [str(cxr_bin), "serve", "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        assert match, f"cxr serve did not start: {line!r}"
        yield match.group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_node_client_of_the_docs_gets_the_decision_python_makes(server, tmp_path):
    script = tmp_path / "cxr-client.mjs"
    script.write_text(_doc_block("js"))
    out = subprocess.run(
        ["node", str(script)], env={**os.environ, "CXR_URL": server},
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    d = cxr.Pipeline.reference().decide({"id": "T-1", "channel": "email", "body": "I was charged twice for order A123"})
    assert out.stdout.strip() == f"{d['route']['queue']} (level {d['priority']['level']}): {d['reasons'][0]}"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_node_client_reports_the_bad_field(server, tmp_path):
    (tmp_path / "cxr-client.mjs").write_text(_doc_block("js").split("\nconst d = ")[0])
    (tmp_path / "bad.mjs").write_text(
        'import { cxrDecide } from "./cxr-client.mjs";\n'
        'try { await cxrDecide({ id: "T-2", body: "hi", customer: { last_csat: 9 } }); console.log("no error"); }\n'
        "catch (e) { console.log(e.message); }\n"
    )
    out = subprocess.run(
        ["node", str(tmp_path / "bad.mjs")], env={**os.environ, "CXR_URL": server},
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("bad interaction (customer.last_csat): field `customer.last_csat`"), out.stdout
