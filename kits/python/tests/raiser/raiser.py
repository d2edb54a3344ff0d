"""Fails as the interaction's body says: ``key``, ``invalid``, ``memory``, ``wrong``, ``field``, ``log``."""

from typing import Self

from cxr_plugin import (Context, Discipline, Interaction, InvalidConfig, InvalidInput, Priority, RouteResult,
                        RoutingHook, Sentiment, log, parse_config, route_to)


class Raiser(RoutingHook):
    def __init__(self, queue: str) -> None:
        self.queue = queue

    @classmethod
    def configure(cls, config: str) -> Self:
        queue = parse_config(config).get("queue", "general")
        if not isinstance(queue, str):
            raise InvalidConfig(f"queue must be a string, got {queue!r}")
        return cls(queue)

    def route(self, input: Interaction, ctx: Context, sentiment: Sentiment, priority: Priority) -> RouteResult:
        body = input.body
        if body == "key":
            return route_to({"a": "b"}[body], Discipline.SERVICE)
        if body == "invalid":
            raise InvalidInput("cannot route an empty order")
        if body == "memory":
            raise MemoryError("pretend the heap is full")
        if body == "wrong":
            return self.queue  # type: ignore[return-value]
        if body == "field":
            return route_to(self.queue, "service")  # type: ignore[arg-type]
        if body == "log":
            log.info("routing a log line")
        return route_to(self.queue, Discipline.SERVICE, rule="raiser")
