"""The export glue, run natively: what the host receives for results and exceptions."""

from typing import Any

import pytest
from componentize_py_types import Err

from cxr_plugin import (
    Channel,
    Context,
    Discipline,
    Interaction,
    InvalidInput,
    Pass,
    Priority,
    PriorityHook,
    RouteResult,
    RoutingHook,
    Sentiment,
    SentimentHook,
    context_at,
    new_interaction,
    new_priority,
    route_to,
    sentiment_from_score,
)
from cxr_plugin import errors
from cxr_plugin._glue import export
from cxr_plugin.types import PluginInfo, RoutingOutcome_Pass, RoutingOutcome_Route
from cxr_world.imports.types import PluginError_Internal, PluginError_InvalidConfig, PluginError_InvalidInput

INFO = PluginInfo(name="t", version="1.0.0", description="")


class Moody(SentimentHook, RoutingHook):
    def __init__(self, mode: str = "") -> None:
        self.mode = mode

    @classmethod
    def configure(cls, config: str) -> "Moody":
        if config == "bad":
            raise ValueError("no such mode")
        return cls(config)

    def score(self, input: Interaction, ctx: Context) -> Sentiment:
        if input.body == "key":
            return {"a": 1}["b"]  # type: ignore[return-value]
        if input.body == "invalid":
            raise InvalidInput("the body is empty")
        if input.body == "long":
            raise RuntimeError("x" * 1000 + "\nsecond line")
        if input.body == "memory":
            raise MemoryError("out of memory")
        if input.body == "exit":
            raise SystemExit(3)
        if input.body == "wrong":
            return "positive"  # type: ignore[return-value]
        return sentiment_from_score(0.5, 0.5)

    def route(self, input: Interaction, ctx: Context, sentiment: Sentiment, priority: Priority) -> RouteResult:
        if input.body == "pass":
            return Pass("nothing to say")
        if input.body == "wrong":
            return "billing"  # type: ignore[return-value]
        return route_to("general", Discipline.SERVICE)


def exports(config: str = "") -> dict[str, Any]:
    classes = export(Moody, INFO)
    instances = {name: cls() for name, cls in classes.items()}
    instances["Lifecycle"].configure(config)
    return instances


def error_of(call: Any) -> Any:
    with pytest.raises(Err) as e:
        call()
    return e.value.value


def score(body: str) -> Any:
    return exports()["Sentiment"].score(new_interaction("T", Channel.EMAIL, body), context_at(0))


def test_exports_only_the_hooks_the_class_derives_from() -> None:
    assert sorted(export(Moody, INFO)) == ["Lifecycle", "Routing", "Sentiment"]
    assert exports()["Lifecycle"].info() == INFO


def test_results_pass_through_and_routes_are_wrapped() -> None:
    ex = exports()
    i, ctx = new_interaction("T", Channel.EMAIL, "hello"), context_at(0)
    s = ex["Sentiment"].score(i, ctx)
    assert s.score == 0.5
    out = ex["Routing"].route(i, ctx, s, new_priority(3, 10))
    assert isinstance(out, RoutingOutcome_Route) and out.value.queue == "general"
    i.body = "pass"
    assert ex["Routing"].route(i, ctx, s, new_priority(3, 10)) == RoutingOutcome_Pass("nothing to say")


def test_an_exception_becomes_an_internal_error_with_its_last_traceback_line_and_origin() -> None:
    e = error_of(lambda: score("key"))
    assert isinstance(e, PluginError_Internal)
    assert e.value.startswith("KeyError: 'b' (at test_glue.py:")
    assert e.value.endswith(" in score)")


def test_a_plugin_error_keeps_its_kind_and_message() -> None:
    assert error_of(lambda: score("invalid")) == PluginError_InvalidInput("the body is empty")


def test_messages_are_one_short_line() -> None:
    e = error_of(lambda: score("long"))
    assert "\n" not in e.value and len(e.value) == errors.MAX_MESSAGE_CHARS
    assert e.value.startswith("RuntimeError: xxx") and e.value.endswith("…")


def test_a_configure_exception_is_an_invalid_config() -> None:
    classes = export(Moody, INFO)
    e = error_of(lambda: classes["Lifecycle"]().configure("bad"))
    assert isinstance(e, PluginError_InvalidConfig) and e.value.startswith("ValueError: no such mode (at test_glue.py:")
    # A hook before a successful configure is an error, not a crash.
    e = error_of(lambda: classes["Sentiment"]().score(new_interaction("T", Channel.EMAIL, "x"), context_at(0)))
    assert e == PluginError_Internal("score called before configure")


def test_wrong_result_types_are_named() -> None:
    assert error_of(lambda: score("wrong")) == PluginError_Internal("score returned str, expected Sentiment")
    ex = exports()
    i = new_interaction("T", Channel.EMAIL, "wrong")
    e = error_of(lambda: ex["Routing"].route(i, context_at(0), sentiment_from_score(0, 0), new_priority(3, 1)))
    assert e == PluginError_Internal("route returned str, expected Route or Pass")


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (new_priority(2.0, 50), "prioritize returned an invalid Priority: level is 2.0 (float), expected an integer in 0..=255"),  # type: ignore[arg-type]
        (new_priority(300, 50), "level is 300 (int), expected an integer in 0..=255"),
        (new_priority(2, None), "score is None (NoneType), expected an integer in 0..=4294967295"),  # type: ignore[arg-type]
        (new_priority(2, 5, first_response_due=2**63), "first_response_due is 9223372036854775808 (int), expected None or an integer"),
        (new_priority(2, 5, reasons=["ok", 7]), "reasons[1] is 7 (int), expected a string"),  # type: ignore[list-item]
    ],
)
def test_fields_that_do_not_fit_the_contract_are_named(result: Priority, message: str) -> None:
    class Fixed(PriorityHook):
        def prioritize(self, input: Interaction, ctx: Context, sentiment: Sentiment) -> Priority:
            return result

    ex = export(Fixed, INFO)
    ex["Lifecycle"]().configure("")
    e = error_of(lambda: ex["Priority"]().prioritize(new_interaction("T", Channel.EMAIL, "x"), context_at(0), sentiment_from_score(0, 0)))
    assert isinstance(e, PluginError_Internal) and message in e.value


def test_sentiment_cues_and_routes_are_checked_too() -> None:
    from cxr_plugin import new_cue
    from cxr_plugin._check import problem

    assert problem(sentiment_from_score(0.1, 0.5, [new_cue("ok", 0.1)])) is None
    assert problem(sentiment_from_score(0.1, 0.5, [new_cue("ok", "x")])) == "cues[0].weight is 'x' (str), expected a number"  # type: ignore[arg-type]
    assert problem(route_to("q", "care")) == "discipline is 'care' (str), expected a Discipline (e.g. Discipline.SERVICE)"  # type: ignore[arg-type]
    assert problem(route_to("q", Discipline.CARE, skills=["a", None])) == "skills[1] is None (NoneType), expected a string"  # type: ignore[list-item]


def test_fatal_exceptions_trap_after_their_traceback_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    # Natively the exception propagates; in the component the glue aborts instead.
    with pytest.raises(MemoryError):
        score("memory")
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Traceback (most recent call last):"
    assert any(line.startswith("  File ") and "test_glue.py" in line for line in err)
    assert err[-1].startswith("MemoryError: out of memory (at test_glue.py:") and err[-1].endswith(" in score)")
    with pytest.raises(SystemExit):
        score("exit")


def test_a_class_without_hooks_is_refused() -> None:
    class Nothing(PriorityHook):
        def prioritize(self, input: Interaction, ctx: Context, sentiment: Sentiment) -> Priority:
            return new_priority(4, 0)

    assert sorted(export(Nothing, INFO)) == ["Lifecycle", "Priority"]
    with pytest.raises(TypeError, match="implements no hook"):
        export(object, INFO)  # type: ignore[arg-type]
