"""Configuration: JSON parsing, defaults, merging and validation.

Parsed once in ``configure``; the hook only reads the resulting :class:`Config`.
A port of plugins/priority/src/config.rs: the same keys, defaults, checks
and error messages (``priority config: ...`` naming the field).
"""

import json
import math
from dataclasses import dataclass, field
from typing import Any, Optional

from cxr_plugin import CHANNELS, Channel, InvalidConfig, channel_name, parse_channel

from .cues import CUES
from .keywords import Keywords, Phrase, strip_white_space

#: Default first-response SLA per channel, in minutes.
DEFAULT_SLA_MINUTES: dict[Channel, float] = {
    Channel.EMAIL: 240.0,
    Channel.CHAT: 5.0,
    Channel.PHONE: 2.0,
    Channel.SOCIAL: 60.0,
    Channel.SMS: 30.0,
    Channel.WEB_FORM: 480.0,
    Channel.IN_APP: 60.0,
    Channel.REVIEW: 1440.0,
    Channel.SURVEY: 2880.0,
}

#: Default tiers: (name, SLA factor, score weight).
DEFAULT_TIERS: list[tuple[str, float, int]] = [
    ("vip", 0.25, 25),
    ("platinum", 0.4, 20),
    ("gold", 0.6, 14),
    ("silver", 0.85, 7),
    ("standard", 1.0, 0),
    ("free", 1.5, -5),
]

#: Default score thresholds for levels 1, 2 and 3.
DEFAULT_LEVEL_THRESHOLDS = (75, 50, 25)
#: Default lifetime value from which a customer counts as high-value.
DEFAULT_HIGH_VALUE_LTV = 5000.0

#: Largest accepted SLA, in minutes (one year).
MAX_SLA_MINUTES = 525_600.0
#: Largest accepted tier SLA factor.
MAX_SLA_FACTOR = 100.0
#: Largest accepted absolute tier weight.
MAX_TIER_WEIGHT = 100

KEYS = ("sla_minutes", "tier_sla_factor", "tier_weight", "urgent_keywords", "churn_keywords", "level_thresholds", "high_value_ltv")
#: Keys of the Rust plugin's config that this port does not implement:
#: business-hours SLAs need a time-zone database (plugins/priority bundles
#: one). Refused by name, so a pipeline that names them fails at configure()
#: instead of counting SLAs in calendar hours without a word.
NOT_PORTED = ("calendars", "sla_policies")
NOT_PORTED_MESSAGE = (
    "`{key}`: business-hours SLAs (`calendars`, `sla_policies`) are not implemented in this port; "
    "use the Rust plugin (builtin:priority) for them, or remove the key to count SLAs in calendar hours"
)


@dataclass
class Tier:
    """A customer tier known to the configuration."""

    #: Lower-case tier name.
    name: str
    #: Multiplier on the channel SLA.
    sla_factor: float
    #: Points added to the score.
    weight: int


def _built_in(table: tuple[tuple[str, str], ...]) -> Keywords:
    """The built-in phrases of a cues.json table, each with its cue."""
    return Keywords(Phrase.new(phrase, cue) for cue, phrase in table)


@dataclass
class Config:
    """The validated configuration the hook works with."""

    sla: dict[Channel, float] = field(default_factory=lambda: dict(DEFAULT_SLA_MINUTES))
    tiers: list[Tier] = field(default_factory=lambda: [Tier(n, f, w) for n, f, w in DEFAULT_TIERS])
    #: Urgency keyword phrases (built in: six languages, plugins/priority/cues.json).
    urgent: Keywords = field(default_factory=lambda: _built_in(CUES.urgent))
    #: Churn keyword phrases.
    churn: Keywords = field(default_factory=lambda: _built_in(CUES.churn))
    #: Minimum scores for levels 1, 2 and 3, strictly descending.
    thresholds: tuple[int, int, int] = DEFAULT_LEVEL_THRESHOLDS
    #: Lifetime value from which a customer counts as high-value.
    high_value_ltv: float = DEFAULT_HIGH_VALUE_LTV

    @staticmethod
    def parse(text: str) -> "Config":
        """Parses and validates a JSON config; an empty string or ``null`` means all defaults."""
        text = strip_white_space(text)
        config = Config()
        if not text:
            return config
        try:
            raw = json.loads(text, parse_constant=_no_constant)
        except (json.JSONDecodeError, ValueError) as e:
            raise invalid(str(e)) from None
        if raw is None:
            return config
        if not isinstance(raw, dict):
            raise invalid(f"expected an object with the keys {', '.join(KEYS)}, got {_json_type(raw)}")
        for key in raw:
            if key in NOT_PORTED:
                raise invalid(NOT_PORTED_MESSAGE.format(key=key))
            if key not in KEYS:
                raise invalid(f"unknown field `{key}`, expected one of {', '.join(f'`{k}`' for k in KEYS)}")

        sla_minutes = _map(raw, "sla_minutes", _number)
        if sla_minutes is not None:
            seen: set[Channel] = set()
            for key, minutes in sla_minutes:
                channel = parse_channel(key)
                if channel is None:
                    raise invalid(f"sla_minutes: unknown channel `{key}` (expected one of {', '.join(channel_name(c) for c in CHANNELS)})")
                if channel in seen:
                    raise invalid(f"sla_minutes: channel `{channel_name(channel)}` given twice")
                seen.add(channel)
                if not (0.0 < minutes <= MAX_SLA_MINUTES):
                    raise invalid(f"sla_minutes.{key}: must be more than 0 and at most {_num(MAX_SLA_MINUTES)} minutes, got {_num(minutes)}")
                config.sla[channel] = minutes

        factors = _map(raw, "tier_sla_factor", _number)
        if factors is not None:
            for key, factor in factors:
                if not (0.0 < factor <= MAX_SLA_FACTOR):
                    raise invalid(f"tier_sla_factor.{key}: must be more than 0 and at most {_num(MAX_SLA_FACTOR)}, got {_num(factor)}")
                config._tier_entry("tier_sla_factor", key).sla_factor = factor

        weights = _map(raw, "tier_weight", _i32)
        if weights is not None:
            for key, weight in weights:
                if abs(weight) > MAX_TIER_WEIGHT:
                    raise invalid(f"tier_weight.{key}: must be between -{MAX_TIER_WEIGHT} and {MAX_TIER_WEIGHT}, got {weight}")
                config._tier_entry("tier_weight", key).weight = weight

        for name in ("urgent_keywords", "churn_keywords"):
            keywords = _string_list(raw, name)
            if keywords is not None:
                bad = next((k for k in keywords if Phrase.new(k) is None), None)
                if bad is not None:
                    raise invalid(f"{name}: keyword {json.dumps(bad, ensure_ascii=False)} has nothing to match")
                # An operator's keywords: each counts on its own (no cue).
                if name == "urgent_keywords":
                    config.urgent = Keywords(Phrase.new(k) for k in keywords)
                else:
                    config.churn = Keywords(Phrase.new(k) for k in keywords)

        levels = raw.get("level_thresholds")
        if levels is not None:
            config.thresholds = _thresholds(levels)

        ltv = raw.get("high_value_ltv")
        if ltv is not None:
            value = _number("high_value_ltv", ltv)
            if not (math.isfinite(value) and value >= 0.0):
                raise invalid(f"high_value_ltv: must be a number of at least 0, got {_num(value)}")
            config.high_value_ltv = value
        return config

    def sla_minutes(self, channel: Channel) -> float:
        """First-response SLA for a channel, in minutes, before the tier factor."""
        return self.sla[channel]

    def tier(self, name: str) -> Optional[Tier]:
        """The tier matching ``name`` case-insensitively (surrounding spaces ignored)."""
        wanted = strip_white_space(name).lower()
        for t in self.tiers:
            if t.name.lower() == wanted:
                return t
        return None

    def level(self, score: int) -> int:
        """The level (1 most urgent .. 4) for a score."""
        t1, t2, t3 = self.thresholds
        if score >= t1:
            return 1
        if score >= t2:
            return 2
        if score >= t3:
            return 3
        return 4

    def _tier_entry(self, field_name: str, key: str) -> Tier:
        """The tier called ``key``, added with neutral values when new."""
        name = strip_white_space(key).lower()
        if not name:
            raise invalid(f"{field_name}: tier name must not be empty")
        for t in self.tiers:
            if t.name == name:
                return t
        tier = Tier(name, 1.0, 0)
        self.tiers.append(tier)
        return tier


def invalid(message: str) -> InvalidConfig:
    """The error for a configuration problem (prefixed like the Rust plugin's)."""
    return InvalidConfig(f"priority config: {message}")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _num(value: float) -> str:
    """A number as Rust's `{}` shows an f64 (no ``.0`` for whole numbers)."""
    if math.isfinite(value) and value == int(value):
        return str(int(value))
    return repr(value)


def _number(what: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(f"{what}: expected a number, got {_json_type(value)}")
    return float(value)


def _i32(what: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{what}: expected a whole number, got {_json_type(value) if not isinstance(value, float) else 'a fraction'}")
    if not -(2**31) <= value < 2**31:
        raise invalid(f"{what}: {value} is out of range")
    return value


def _map(raw: dict[str, Any], name: str, convert: Any) -> Optional[list[tuple[str, Any]]]:
    """An object field as (key, value) pairs in key order (as serde's BTreeMap), values converted."""
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid(f"{name}: expected an object, got {_json_type(value)}")
    return [(k, convert(f"{name}.{k}", value[k])) for k in sorted(value)]


def _string_list(raw: dict[str, Any], name: str) -> Optional[list[str]]:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(f"{name}: expected a list of strings")
    return value


def _thresholds(value: Any) -> tuple[int, int, int]:
    if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value):
        raise invalid("level_thresholds: expected a list of 3 whole numbers")
    if any(isinstance(v, float) for v in value):
        raise invalid(f"level_thresholds: expected whole numbers, got {json.dumps(value)}")
    if len(value) != 3:
        raise invalid(f"level_thresholds: needs exactly 3 scores (for levels 1, 2 and 3), got {len(value)}")
    a, b, c = value
    if not all(0 <= v <= 100 for v in value):
        raise invalid(f"level_thresholds: scores must be within 0..=100, got {value}")
    if not (a > b > c):
        raise invalid(f"level_thresholds: scores must be strictly descending, got {value}")
    return (a, b, c)
