"""The HTTP clients of docs/embedding.md (Ruby, PHP, Node), run as written
against a real `cxr serve`, get the decision the Python package makes, and
report a bad field. A client whose interpreter is missing is skipped
(`.ci/run` installs them)."""

import re
import shutil
import subprocess

import cxr
import pytest

from conftest import ROOT

CLIENTS = {
    # language: (interpreter, file suffix, the line that starts the example call,
    #            code that decides a bad interaction and prints the error)
    "ruby": (
        "ruby", ".rb", "d = cxr_decide(",
        'begin\n  cxr_decide({ id: "T-2", body: "hi", customer: { last_csat: 9 } })\n  puts "no error"\n'
        "rescue ArgumentError => e\n  puts e.message\nend\n",
    ),
    "php": (
        "php", ".php", "$d = cxr_decide(",
        "try {\n    cxr_decide(['id' => 'T-2', 'body' => 'hi', 'customer' => ['last_csat' => 9]]);\n    echo \"no error\\n\";\n"
        "} catch (InvalidArgumentException $e) {\n    echo $e->getMessage(), \"\\n\";\n}\n",
    ),
    "js": (
        "node", ".mjs", "const d = await cxrDecide(",
        'try { await cxrDecide({ id: "T-2", body: "hi", customer: { last_csat: 9 } }); console.log("no error"); }\n'
        "catch (e) { console.log(e.message); }\n",
    ),
}


def _doc_block(language: str) -> str:
    text = (ROOT / "docs" / "embedding.md").read_text()
    blocks = re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, f"expected one {language} block in docs/embedding.md"
    return blocks[0]


@pytest.fixture(scope="module")
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


def _run(language, code, server, tmp_path):
    interpreter, suffix, _, _ = CLIENTS[language]
    if shutil.which(interpreter) is None:
        pytest.skip(f"{interpreter} is not installed")
    script = tmp_path / f"client{suffix}"
    script.write_text(code.replace("http://127.0.0.1:8080", server))
    out = subprocess.run([interpreter, str(script)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.parametrize("language", CLIENTS)
def test_the_client_gets_the_decision_python_makes(language, server, tmp_path):
    got = _run(language, _doc_block(language), server, tmp_path)
    d = cxr.Pipeline.reference().decide({"id": "T-1", "channel": "email", "body": "I was charged twice for order A123"})
    assert got == f"{d['route']['queue']} (level {d['priority']['level']}): {d['reasons'][0]}"


@pytest.mark.parametrize("language", CLIENTS)
def test_the_client_reports_the_bad_field(language, server, tmp_path):
    _, _, call, bad_call = CLIENTS[language]
    block = _doc_block(language)
    assert call in block
    got = _run(language, block[: block.index(call)] + bad_call, server, tmp_path)
    assert got.startswith("bad interaction (customer.last_csat): field `customer.last_csat`: is out of range"), got
