"""The built-in cues (phrases in six languages, negations, the classifier
signals that stand for a cue): the Rust plugin's ``plugins/priority/cues.json``,
read when the module is imported, so the three implementations share one list.

componentize-py imports the plugin when it builds the component and keeps
what the import read: the file is read at build time, from one of the
``python-path`` folders of ``pyproject.toml`` (it lists ``plugins/priority``;
componentize-py mounts only those), or natively from the checkout.
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

#: The file's name, in the Rust plugin's folder.
FILE_NAME = "cues.json"


@dataclass(frozen=True)
class SignalRule:
    """A classifier signal that stands for a cue: ``name=value`` with at least ``min_confidence``."""

    name: str
    value: str
    min_confidence: float
    cue: str


@dataclass(frozen=True)
class Cues:
    """What cues.json holds (see plugins/priority/src/cues.rs)."""

    negations: frozenset[str]
    urgent_signals: tuple[SignalRule, ...]
    churn_signals: tuple[SignalRule, ...]
    #: (cue, phrase) in file order.
    urgent: tuple[tuple[str, str], ...]
    churn: tuple[tuple[str, str], ...]

    @property
    def classifier_cues(self) -> frozenset[str]:
        """The cues a classifier signal stands for: their phrases count only without a classifier."""
        return frozenset(r.cue for r in (*self.urgent_signals, *self.churn_signals))


def _candidates() -> list[Path]:
    here = Path(__file__).resolve()
    beside = [here.parents[5] / "plugins" / "priority"] if len(here.parents) > 5 else []
    return [*beside, *(Path(p) for p in sys.path if p)]


def _find() -> Path:
    for folder in _candidates():
        path = folder / FILE_NAME
        if path.is_file():
            return path
    raise RuntimeError(
        f"{FILE_NAME} (plugins/priority/{FILE_NAME}) not found beside the checkout or in a python-path folder: "
        f"add the plugins/priority folder to [tool.cxr-plugin] python-path"
    )


def load(path: Path) -> Cues:
    """Reads a cues file."""
    data = json.loads(path.read_text(encoding="utf-8"))

    def rules(key: str) -> tuple[SignalRule, ...]:
        return tuple(SignalRule(r["name"], r["value"], float(r["min_confidence"]), r["cue"]) for r in data["signals"][key])

    def phrases(key: str) -> tuple[tuple[str, str], ...]:
        return tuple((c["cue"], p) for c in data[key] for p in c["phrases"])

    return Cues(
        negations=frozenset(data["negations"]),
        urgent_signals=rules("urgent"),
        churn_signals=rules("churn"),
        urgent=phrases("urgent"),
        churn=phrases("churn"),
    )


#: The built-in cues.
CUES = load(_find())
CLASSIFIER_CUES = CUES.classifier_cues
