"""Bad input names the field; what cannot be loaded raises cxr.CxrError."""

import json
import os
from datetime import datetime

import cxr
import pytest

from conftest import NOW, ROOT


@pytest.fixture(scope="module")
def reference():
    return cxr.Pipeline.reference()


@pytest.mark.parametrize(
    "interaction, field, text",
    [
        ({"id": "A"}, "body", "`body`: is required"),
        ({"body": "hi"}, "id", "`id`: is required"),
        ({"id": "A", "body": 5}, "body", "must be a string, found a number"),
        ({"id": "A", "body": "x", "channel": "pigeon"}, "channel", 'unknown channel, a string of 6 characters'),
        ({"id": "A", "body": "x", "customer": {"last_csat": 9}}, "customer.last_csat", "is out of range"),
        ({"id": "A", "body": "x", "received_at": "yesterday"}, "received_at", "not an RFC 3339 time"),
        ({"id": "A", "body": "x", "history": [{"direction": "sideways"}]}, "history[0].direction", "is neither"),
        ('{"id": "A", "body": "x", "customer": {"tier": 3}}', "customer.tier", "must be a string"),
    ],
)
def test_bad_input_raises_value_error_naming_the_field(reference, interaction, field, text):
    with pytest.raises(ValueError) as caught:
        reference.decide(interaction, now=NOW)
    assert isinstance(caught.value, cxr.InputError)
    assert caught.value.field == field
    assert f"`{field}`" in str(caught.value) and text in str(caught.value)


def test_text_that_is_not_an_interaction(reference):
    with pytest.raises(cxr.InputError, match="invalid JSON") as caught:
        reference.decide('{"id": "A", ', now=NOW)
    assert caught.value.field is None
    with pytest.raises(cxr.InputError, match="expected a JSON object"):
        reference.decide("[1, 2]", now=NOW)
    with pytest.raises(cxr.InputError, match="not JSON"):
        reference.decide({"id": "A", "body": "x", "tags": {1, 2}}, now=NOW)
    with pytest.raises(cxr.InputError, match="not JSON"):
        reference.decide({"id": "A", "body": float("nan")}, now=NOW)
    with pytest.raises(TypeError, match="dict or a JSON string"):
        reference.decide(["id", "A"], now=NOW)


@pytest.mark.parametrize(
    "now, text",
    [
        (datetime(2026, 11, 22, 10, 0), "naive datetime"),
        ("tomorrow", "not an RFC 3339 time"),
        (True, "not a bool"),
        (10**30, "out of range"),
    ],
)
def test_bad_now_is_refused(reference, now, text):
    with pytest.raises(cxr.InputError, match=text) as caught:
        reference.decide({"id": "A", "body": "x"}, now=now)
    assert caught.value.field == "now"


def test_now_of_the_wrong_type(reference):
    with pytest.raises(TypeError, match="`now` must be"):
        reference.decide({"id": "A", "body": "x"}, now=1.5)


def test_decide_many_puts_an_error_record_in_place_of_a_bad_element(reference):
    got = reference.decide_many(
        [{"id": "a", "body": "refund please"}, {"id": "b"}, 7, '{"oops', {"body": "no id"}, {"id": "c", "body": "thanks!"}],
        now=NOW,
    )
    assert len(got) == 6
    assert [d["id"] for d in got] == ["a", "b", "[2]", "[3]", "[4]", "c"]
    assert got[0]["error"] is None and got[5]["error"] is None
    assert got[1]["error"].startswith("[1]: field `body`: is required")
    assert got[2]["error"].startswith("[2]: an interaction is a dict or a JSON string, not int")
    assert got[3]["error"].startswith("[3]: invalid JSON")
    assert got[4]["error"].startswith("[4]: field `id`")
    for bad in got[1:5]:
        assert bad["route"] is None and bad["discipline"] is None


def test_jobs_must_be_positive(reference):
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        reference.decide_many([], jobs=0)
    assert reference.decide_many([]) == []


def test_a_missing_pipeline_file_raises_cxr_error(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(cxr.CxrError, match="nope.toml") as caught:
        cxr.Pipeline.from_file(missing)
    assert "reading pipeline file" in str(caught.value)


def test_a_pipeline_with_a_missing_plugin_raises_cxr_error(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('name = "x"\n[sentiment]\nplugin = "plugins/absent.wasm"\n')
    with pytest.raises(cxr.CxrError, match="absent.wasm"):
        cxr.Pipeline.from_file(path)


def test_a_bad_pipeline_file_names_the_key(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('name = "x"\n[limits]\ntimeout_ms = 0\n')
    with pytest.raises(cxr.CxrError, match="timeout_ms"):
        cxr.Pipeline.from_file(path)


def test_inspect_refuses_what_is_not_a_plugin(tmp_path):
    with pytest.raises(cxr.CxrError, match="missing.wasm"):
        cxr.inspect(tmp_path / "missing.wasm")
    junk = tmp_path / "junk.wasm"
    junk.write_bytes(b"not wasm at all")
    with pytest.raises(cxr.CxrError):
        cxr.inspect(junk)
    with pytest.raises(cxr.CxrError, match="unknown built-in plugin"):
        cxr.inspect("builtin:nope")


def test_route_jsonl_with_a_missing_input_raises_file_not_found(reference, tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.jsonl"):
        reference.route_jsonl(tmp_path / "absent.jsonl", tmp_path / "out.jsonl")


def test_route_jsonl_keeps_bad_lines_as_error_records(reference, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id":"a","body":"refund"}\n\n{"id":"b","body":3}\n{oops\n')
    dst = tmp_path / "out.jsonl"
    summary = reference.route_jsonl(src, dst, now=NOW)
    out = [json.loads(line) for line in dst.read_text().splitlines()]
    assert len(out) == 4 and summary["lines"] == 4 and summary["input_errors"] == 3
    assert out[1]["error"] == "line 2: empty (no interaction)"
    assert out[2]["id"] == "b" and "field `body`" in out[2]["error"]


def test_the_package_is_typed():
    package = ROOT / "host" / "python" / "python" / "cxr"
    import cxr as installed
    from pathlib import Path

    here = Path(installed.__file__).parent
    assert (here / "py.typed").exists() and (here / "_cxr.pyi").exists()
    assert (package / "_cxr.pyi").read_text() == (here / "_cxr.pyi").read_text()
    assert cxr.Pipeline.decide.__doc__ and "naive datetime is refused" in cxr.Pipeline.decide.__doc__


def test_privacy_nothing_leaks_through_input_errors_keys_or_language(tmp_path, hostile_wasm):
    """With [privacy] on, personal data in fields that fail validation never
    reaches an InputError (message or field), and attribute keys, language
    and the customer's id reach no plugin: every stage echoes what it sees."""
    stage = f"plugin = {json.dumps(str(hostile_wasm))}\nconfig = {{ mode = \"echo\" }}\n"
    path = tmp_path / "private.toml"
    path.write_text(
        'name = "private"\n[fallback]\nqueue = "general"\n'
        f"[sentiment]\n{stage}[priority]\n{stage}[[routers]]\n{stage}"
        '[privacy]\nmask = ["card", "iban", "email", "phone"]\n'
    )
    pipeline = cxr.Pipeline.from_file(path)
    lines = (ROOT / "tests" / "privacy" / "leaks.jsonl").read_text().splitlines()
    values = [
        v for v in (ROOT / "tests" / "privacy" / "leaks-values.txt").read_text().splitlines() if v.strip() and not v.startswith("#")
    ]
    errors, decisions = [], []
    for line in lines:
        try:
            decisions.append(json.dumps(pipeline.decide(line, now=NOW), ensure_ascii=False))
        except cxr.InputError as e:
            errors.append(f"{e} {e.field}")
    assert len(errors) == 11 and len(decisions) == 3, (errors, decisions)
    for text in errors + decisions:
        for v in values:
            assert v not in text, f"{v!r} leaked: {text}"
    # the same through decide_many (error records in place)
    many = json.dumps(pipeline.decide_many(lines, now=NOW), ensure_ascii=False)
    for v in values:
        assert v not in many, f"{v!r} leaked: {many}"
    assert "language dropped" in decisions[0]


def test_from_file_refuses_devices_and_fifos_without_reading_them(tmp_path):
    # /dev/zero never ends: reading it whole would exhaust memory.
    with pytest.raises(cxr.CxrError, match="/dev/zero is not a regular file"):
        cxr.Pipeline.from_file("/dev/zero")
    # A FIFO without a writer: a blocking open would hang forever.
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(cxr.CxrError, match="pipe.toml is not a regular file"):
        cxr.Pipeline.from_file(fifo)
    with pytest.raises(cxr.CxrError, match="is not a regular file"):
        cxr.inspect("/dev/zero")


def test_from_file_refuses_an_oversize_pipeline_file_naming_the_limit(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text("#" * (2 << 20))
    with pytest.raises(cxr.CxrError, match="big.toml is 2097152 bytes, over the 1048576-byte limit"):
        cxr.Pipeline.from_file(big)
