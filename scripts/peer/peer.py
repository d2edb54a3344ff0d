#!/usr/bin/env python3
"""A fair Python peer of `cxr route` with the reference pipeline, for the
throughput ratio of scripts/bench-throughput.sh (see README.md here).

    peer.py INPUT.jsonl NOW > decisions.jsonl

Every interaction goes through every stage in-process: JSON parse, VADER
sentiment, language detection (py3langid), one Aho-Corasick pass over the
folded text for the classifier's intents and risks, the priority plugin's
cues and the router's keywords, SLA priority with the priority plugin's
default factors, the router's built-in rules with reasons, JSON out (one
decision per line, in order)."""
import datetime as dt
import json
import pathlib
import re
import sys
import unicodedata

import ahocorasick
import py3langid
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

REPO = pathlib.Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "de", "es", "fr", "pt", "it"]
CONCEPT_COLUMNS = ["en", "de", "es", "fr", "it", "pt"]  # concepts.txt column order
RISKS = {"account-takeover", "fraud", "legal-threat"}


def fold(text):
    """Case- and accent-folds text (as the plugins' normalisers do)."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


# --- lexicons, compiled once into one automaton -------------------------
# A key is a folded phrase; its value is a list of (kind, payload) entries.
entries = {}


def add(phrase, entry, open_start=False, open_end=False):
    """Registers a phrase; `open_start`/`open_end`: it may begin/end inside a word."""
    phrase = fold(phrase).strip()
    if phrase:
        entries.setdefault(phrase, []).append((open_start, open_end) + entry)


def load_classifier():
    """The classifier's tables (plugins/classify/src/lexicon): `target weight
    phrase` lines; `*` wildcards are matched as prefixes/suffixes of words and
    `A .. B` as both parts anywhere (a simplification, see README.md)."""
    lex = REPO / "plugins/classify/src/lexicon"
    for path in sorted(lex.glob("*.txt")):
        lang = path.stem if path.stem in LANGUAGES else "*"
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.split()[0].endswith(":"):
                continue
            if path.stem == "concepts":
                head, *cols = line.split("|")
                target, weight = head.split()[:2]
                for col_lang, col in zip(CONCEPT_COLUMNS, cols):
                    for phrase in col.split(";"):
                        add_phrase(target, float(weight), phrase, col_lang)
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                continue
            try:
                weight = float(parts[1])
            except ValueError:
                continue
            add_phrase(parts[0], weight, parts[2], lang)


def add_phrase(target, weight, phrase, lang):
    phrase = phrase.strip().lstrip("!")
    parts = [part.strip() for part in phrase.split("..")]
    for part in parts:
        add(part.strip("*"), ("intent", (target, weight, lang, phrase, part, len(parts))),
            part.startswith("*"), part.endswith("*"))


def load_priority_cues():
    cues = json.loads((REPO / "plugins/priority/cues.json").read_text(encoding="utf-8"))
    for kind in ("urgent", "churn"):
        for group in cues[kind]:
            for phrase in group["phrases"]:
                add(phrase, (kind, phrase))
    return cues


def load_rules():
    rules = json.loads((REPO / "plugins/router/default-rules.json").read_text(encoding="utf-8"))

    def walk(cond):
        if "keywords" in cond:
            cond["_keywords"] = {fold(kw).strip() for kw in cond["keywords"]}
            for kw in cond["_keywords"]:
                add(kw, ("keyword", kw))
        for sub in cond.get("any", []) + cond.get("all", []):
            walk(sub)
        if "not" in cond:
            walk(cond["not"])
        if "regex" in cond:
            cond["_re"] = re.compile(cond["regex"].replace("(?-u:\\b)", "\\b"))

    for rule in rules:
        walk(rule["when"])
    return rules


load_classifier()
CUES = load_priority_cues()
RULES = load_rules()
AUTOMATON = ahocorasick.Automaton()
for phrase, value in entries.items():
    AUTOMATON.add_word(phrase, (len(phrase), value))
AUTOMATON.make_automaton()
VADER = SentimentIntensityAnalyzer()
LANGID = py3langid.langid.LanguageIdentifier.from_pickled_model(py3langid.langid.MODEL_FILE, norm_probs=True)
LANGID.set_languages(LANGUAGES)

CHANNEL_POINTS = {"phone": 20, "chat": 16, "social": 12, "sms": 10, "in_app": 10, "email": 8,
                  "web_form": 6, "review": 2, "survey": 0}
SLA_MINUTES = {"email": 240, "chat": 5, "phone": 2, "social": 60, "sms": 30, "web_form": 480,
               "in_app": 60, "review": 1440, "survey": 2880}
TIER_SLA = {"vip": 0.25, "platinum": 0.4, "gold": 0.6, "silver": 0.85, "standard": 1.0, "free": 1.5}
TIER_WEIGHT = {"vip": 25, "platinum": 20, "gold": 14, "silver": 7, "standard": 0, "free": -5}


def scan(folded):
    """One Aho-Corasick pass: every lexicon entry found, by kind."""
    found = {"intent": [], "urgent": [], "churn": [], "keyword": set()}
    for end, (length, value) in AUTOMATON.iter(folded):
        start = end - length + 1
        starts_word = start == 0 or not folded[start - 1].isalnum()
        ends_word = end + 1 == len(folded) or not folded[end + 1].isalnum()
        for open_start, open_end, kind, payload in value:
            if not (starts_word or open_start) or not (ends_word or open_end):
                continue
            if kind == "keyword":
                found["keyword"].add(payload)
            else:
                found[kind].append(payload)
    return found


def parse_time(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def fmt_time(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def classify(found, language, sentiment):
    # Each phrase counts once; an `A .. B` phrase once all its parts are found.
    parts_seen = {}
    for target, weight, lang, phrase, part, n_parts in found["intent"]:
        if lang in ("*", language):
            parts_seen.setdefault((target, weight, phrase, n_parts), set()).add(part)
    scores, cues = {}, {}
    for (target, weight, phrase, n_parts), parts in parts_seen.items():
        if len(parts) < n_parts:
            continue
        scores[target] = scores.get(target, 0.0) + weight
        cues.setdefault(target, []).append(phrase)
    signals = []
    intents = {k: v for k, v in scores.items() if k not in RISKS}
    if intents:
        best = max(intents, key=intents.get)
        conf = round(min(0.99, intents[best] / (sum(intents.values()) + 1.0) + 0.3), 2)
        signals.append({"name": "intent", "value": best, "confidence": conf, "plugin": "peer-classify",
                        "cues": cues[best][:4]})
    else:
        signals.append({"name": "intent", "value": "other", "confidence": 0.5, "plugin": "peer-classify", "cues": []})
    for risk in sorted(RISKS & scores.keys()):
        if scores[risk] >= 2.0:
            signals.append({"name": "risk", "value": risk, "confidence": round(min(0.99, scores[risk] / 5), 2),
                            "plugin": "peer-classify", "cues": cues[risk][:4]})
    churn = scores.get("cancellation", 0.0) + (2.0 if sentiment < -0.5 else 0.0)
    level = "high" if churn >= 4 else "medium" if churn >= 2 else "low"
    signals.append({"name": "churn-risk", "value": level, "confidence": 0.6, "plugin": "peer-classify",
                    "cues": [f"very negative sentiment {sentiment:.2f}"] if sentiment < -0.5 else []})
    return signals


def signal_cues(signals, table):
    hits = []
    for s in signals:
        for rule in table:
            if s["name"] == rule["name"] and s["value"] == rule["value"] and s["confidence"] >= rule["min_confidence"]:
                hits.append(f"{s['name']}={s['value']} {s['confidence']:.2f}")
    return hits


def priority(item, found, signals, sentiment, label, now):
    reasons, score = [], 0.0
    channel = item.get("channel", "email")
    customer = item.get("customer") or {}
    tier = str(customer.get("tier", "standard")).lower()
    score += CHANNEL_POINTS.get(channel, 0)
    urgent = signal_cues(signals, CUES["signals"]["urgent"]) + sorted(set(found["urgent"]))
    if urgent:
        score += min(34, 22 + 6 * (len(urgent) - 1))
        reasons.append("urgent keyword: " + ", ".join(urgent[:4]))
    churn = signal_cues(signals, CUES["signals"]["churn"]) + sorted(set(found["churn"]))
    if churn:
        score += min(18, 12 + 4 * (len(churn) - 1))
        reasons.append("churn risk: " + ", ".join(churn[:4]))
    if label == "negative":
        score += 15
        reasons.append(f"negative sentiment ({sentiment:.2f})")
    elif label == "positive":
        score -= 4
        reasons.append(f"positive sentiment ({sentiment:.2f})")
    contacts = customer.get("contacts_last_30d", 0) or 0
    if contacts >= 2:
        score += min(26, 10 if contacts == 2 else 18 + 4 * (contacts - 3))
        reasons.append(f"repeat contact: {contacts} in 30 days")
    opened = customer.get("open_interactions", 0) or 0
    if opened:
        score += 5 if opened == 1 else 8
        reasons.append(f"open interactions: {opened}")
    csat, nps = customer.get("last_csat"), customer.get("last_nps")
    if csat in (1, 2):
        score += 8 if csat == 1 else 6
        reasons.append(f"low last CSAT {csat}")
    if nps is not None and nps <= 6:
        score += 7 if nps <= 3 else 5
        reasons.append(f"detractor: last NPS {nps}")
    weight = TIER_WEIGHT.get(tier, 0)
    if weight:
        score += weight
        reasons.append(f"tier {tier} ({weight:+d})")
    if (customer.get("lifetime_value") or 0) >= 5000:
        score += 8
        reasons.append(f"high-value customer (LTV {customer['lifetime_value']:.0f})")
    if (customer.get("tenure_days") or 0) >= 730:
        score += 4
        reasons.append(f"long tenure ({customer['tenure_days']} days)")
    received = parse_time(item["received_at"]) if item.get("received_at") else now
    sla = SLA_MINUTES.get(channel, 240) * TIER_SLA.get(tier, 1.0)
    waited = (now - received).total_seconds() / 60
    if waited >= sla:
        score += 20 + min(10, 10 * (waited / sla - 1) / 2)
        reasons.append(f"waited {waited:.0f} min against a {sla:.0f} min SLA (breached)")
    elif waited >= sla / 2:
        score += 8
        reasons.append(f"waited {waited:.0f} min against a {sla:.0f} min SLA")
    score = max(0, min(100, round(score)))
    level = 1 if score >= 75 else 2 if score >= 50 else 3 if score >= 25 else 4
    due = received + dt.timedelta(minutes=sla * (0.5 if level == 1 else 1))
    return {"level": level, "score": score, "first_response_due": fmt_time(due)}, reasons


def holds(cond, ctx):
    """One router condition (plugins/router/README.md) against the context."""
    for key, want in cond.items():
        if key == "keywords":
            if cond["_keywords"].isdisjoint(ctx["keywords"]):
                return False
        elif key == "signal":
            values = want["value"] if isinstance(want["value"], list) else [want["value"]]
            if not any(s["name"] == want["name"] and s["value"] in values
                       and s["confidence"] >= want.get("min_confidence", 0) for s in ctx["signals"]):
                return False
        elif key == "sentiment":
            if "label" in want and ctx["label"] not in want["label"]:
                return False
            if "at_least" in want and ctx["sentiment"] < want["at_least"]:
                return False
            if "at_most" in want and ctx["sentiment"] > want["at_most"]:
                return False
        elif key == "tier":
            if ctx["tier"] not in want:
                return False
        elif key == "channel":
            if ctx["channel"] not in want:
                return False
        elif key == "customer":
            for field, bound in want.items():
                name = field.rsplit("_at_", 1)[0]
                value = ctx["customer"].get(name) or 0
                if (field.endswith("_at_least") and value < bound) or (field.endswith("_at_most") and value > bound):
                    return False
        elif key == "regex":
            if not cond["_re"].search(ctx["text"]):
                return False
        elif key == "any":
            if not any(holds(sub, ctx) for sub in want):
                return False
        elif key == "all":
            if not all(holds(sub, ctx) for sub in want):
                return False
        elif key == "not":
            if holds(want, ctx):
                return False
    return True


def route(ctx, language):
    for rule in RULES:
        if holds(rule["when"], ctx):
            then = rule["then"]
            return {"queue": then["queue"], "skills": then.get("skills", []) + [language], "language": language,
                    "actions": then.get("actions", []), "tags": then.get("tags", []), "rule": rule["name"],
                    "fallback": False}, f"rule {rule['name']}"
    return {"queue": "general", "skills": [language], "language": language, "actions": [], "tags": [],
            "rule": None, "fallback": True}, "no rule matched"


def decide(item, line, now):
    text = ((item.get("subject") or "") + "\n" + (item.get("body") or "")).strip()
    vader = VADER.polarity_scores(text)
    compound = vader["compound"]
    label = "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
    if item.get("language"):
        language, lang_reason = item["language"].split("-")[0].lower(), "given"
    else:
        language, prob = LANGID.classify(text)
        lang_reason = f"detected {prob:.2f}"
    folded = fold(text)
    found = scan(folded)
    signals = classify(found, language, compound)
    prio, prio_reasons = priority(item, found, signals, compound, label, now)
    customer = item.get("customer") or {}
    ctx = {"keywords": found["keyword"], "signals": signals, "sentiment": compound, "label": label,
           "tier": str(customer.get("tier", "standard")).lower(), "channel": item.get("channel", "email"),
           "customer": customer, "text": text}
    routed, rule_reason = route(ctx, language)
    reasons = [f"sentiment {label} {compound:.2f}"]
    reasons += [f"signal {s['name']}={s['value']} {s['confidence']:.2f}" for s in signals]
    reasons += prio_reasons + [rule_reason, f"language {language} ({lang_reason})"]
    return {"id": item.get("id"), "line": line, "discipline": "service",
            "sentiment": {"score": compound, "label": label, "scores": {k: vader[k] for k in ("neg", "neu", "pos")}},
            "signals": signals, "priority": prio, "route": routed, "reasons": reasons, "error": None}


def main():
    path, now = sys.argv[1], parse_time(sys.argv[2])
    out = sys.stdout
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            try:
                decision = decide(json.loads(line), line_no, now)
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                decision = {"id": None, "line": line_no, "error": f"line {line_no}: {e}"}
            out.write(json.dumps(decision, ensure_ascii=False))
            out.write("\n")


if __name__ == "__main__":
    main()
