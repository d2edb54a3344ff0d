"""Configuration parsing (as plugins/priority/src/config.rs's tests)."""

import pytest

from cxr_plugin import Channel, InvalidConfig
from cxr_priority.config import Config
from cxr_priority.cues import CUES


def err(text: str) -> str:
    with pytest.raises(InvalidConfig) as e:
        Config.parse(text)
    return e.value.message


def test_empty_and_null_configs_mean_defaults() -> None:
    defaults = Config()
    for text in ["", "  ", "{}", "null"]:
        assert Config.parse(text) == defaults, text
    assert defaults.sla_minutes(Channel.WEB_FORM) == 480.0
    assert len(defaults.urgent) == len(CUES.urgent)
    assert all(p.cue is not None for p in defaults.urgent.phrases)


def test_maps_merge_over_defaults_key_by_key() -> None:
    c = Config.parse(
        '{"sla_minutes": {"email": 60, "web-form": 120},'
        ' "tier_sla_factor": {"Gold": 0.5, "Enterprise": 0.3},'
        ' "tier_weight": {"enterprise": 22}}'
    )
    assert c.sla_minutes(Channel.EMAIL) == 60.0
    assert c.sla_minutes(Channel.WEB_FORM) == 120.0
    assert c.sla_minutes(Channel.CHAT) == 5.0, "untouched key keeps default"
    gold = c.tier("GOLD")
    assert gold is not None and (gold.sla_factor, gold.weight) == (0.5, 14)
    ent = c.tier(" enterprise ")
    assert ent is not None and (ent.sla_factor, ent.weight) == (0.3, 22)
    vip = c.tier("vip")
    assert vip is not None and vip.weight == 25
    assert c.tier("bronze") is None


def test_keyword_lists_replace_defaults() -> None:
    c = Config.parse('{"urgent_keywords": ["Panne", "Störung"], "churn_keywords": []}')
    assert [p.label for p in c.urgent.phrases] == ["panne", "störung"]
    assert len(c.churn) == 0


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('{"sla_minute": {}}', "sla_minute"),
        ('{"sla_minutes": {"fax": 10}}', "`fax`"),
        ('{"sla_minutes": {"email": "soon"}}', "sla_minutes"),
        ('{"sla_minutes": {"chat": 0}}', "sla_minutes.chat"),
        ('{"sla_minutes": {"web_form": 5, "webform": 6}}', "twice"),
        ('{"tier_sla_factor": {"gold": -1}}', "tier_sla_factor.gold"),
        ('{"tier_weight": {"gold": 1.5}}', "tier_weight"),
        ('{"tier_weight": {"gold": 1000}}', "tier_weight.gold"),
        ('{"tier_weight": {" ": 3}}', "tier_weight"),
        ('{"urgent_keywords": "outage"}', "urgent_keywords"),
        ('{"churn_keywords": ["cancel", "  "]}', "churn_keywords"),
        ('{"high_value_ltv": -5}', "high_value_ltv"),
        ('{"high_value_ltv": "lots"}', "high_value_ltv"),
        ('{"high_value_ltv": NaN}', "priority config"),
        ("[1, 2]", "priority config"),
        ("{not json", "priority config"),
    ],
)
def test_bad_configs_name_the_field(text: str, names: str) -> None:
    message = err(text)
    assert names in message
    assert message.startswith("priority config: ")


def test_business_hours_calendars_are_refused_by_name_not_ignored() -> None:
    for key in ("calendars", "sla_policies"):
        message = err(f'{{"{key}": {{}}}}')
        assert f"`{key}`" in message and "not implemented in this port" in message, message


def test_thresholds_must_be_strictly_descending_within_range() -> None:
    c = Config.parse('{"level_thresholds": [90, 60, 30]}')
    assert c.thresholds == (90, 60, 30)
    assert [c.level(s) for s in (90, 89, 60, 30, 29)] == [1, 2, 2, 3, 4]
    for bad in ["[50, 50, 25]", "[25, 50, 75]", "[120, 50, 25]", "[75, 50, -1]", "[75, 50]", "[75, 50, 25, 10]", "[75.5, 50, 25]", "[true, 50, 25]"]:
        assert "level_thresholds" in err(f'{{"level_thresholds": {bad}}}'), bad


def test_default_levels_follow_default_thresholds() -> None:
    c = Config()
    assert [c.level(s) for s in (100, 75, 74, 50, 49, 25, 24, 0)] == [1, 1, 2, 2, 3, 3, 4, 4]
