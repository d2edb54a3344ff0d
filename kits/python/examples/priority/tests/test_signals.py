"""Priority from meaning: the classifiers' signals, and keywords in six
languages where no classifier ran (as plugins/priority/tests/signals.rs)."""

from cxr_plugin import Channel, Context, Priority, context_at, new_interaction, new_signal, sentiment_from_score
from cxr_priority import PriorityPlugin
from cxr_priority.cues import CUES

NONE = context_at(0)


def plugin(config: str = "") -> PriorityPlugin:
    return PriorityPlugin.configure(config)


def ctx(*signals: tuple[str, str, float]) -> Context:
    return context_at(0, [new_signal(n, v, c) for n, v, c in signals])


def run(p: PriorityPlugin, body: str, c: Context) -> Priority:
    return p.prioritize(new_interaction("S-1", Channel.EMAIL, body), c, sentiment_from_score(0.0, 0.6))


def test_the_cues_are_the_rust_plugins_file() -> None:
    assert len(CUES.urgent_signals) == 4 and len(CUES.churn_signals) == 2
    assert "nicht" in CUES.negations
    assert ("outage", "störung") in CUES.urgent


def test_an_outage_signal_is_urgent_in_any_language_and_named_in_the_reason() -> None:
    p = plugin()
    body = "Bei uns im ganzen Büro geht seit heute Morgen das Internet nicht."
    plain = run(p, body, ctx(("intent", "other", 0.3)))
    out = run(p, body, ctx(("intent", "outage", 0.86), ("churn-risk", "none", 0.9)))
    assert out.score == plain.score + 22
    assert out.reasons[0] == "urgent: intent=outage 0.86 (classifier signal)"


def test_risk_signals_are_urgent_and_several_cues_add_up() -> None:
    p = plugin()
    body = "Mi hanno rubato l'account."
    one = run(p, body, ctx(("intent", "account", 0.7), ("risk", "account-takeover", 0.78)))
    two = run(p, body, ctx(("intent", "account", 0.7), ("risk", "account-takeover", 0.78), ("risk", "legal-threat", 0.83)))
    assert two.score == one.score + 6
    assert "urgent: risk=account-takeover 0.78, risk=legal-threat 0.83 (classifier signals)" in two.reasons
    weak = run(p, body, ctx(("intent", "account", 0.7), ("risk", "fraud", 0.5)))
    assert not any(r.startswith("urgent") for r in weak.reasons), weak.reasons
    repeated = run(p, body, ctx(("intent", "account", 0.7), ("risk", "fraud", 0.7), ("risk", "FRAUD", 0.95)))
    assert "urgent: risk=fraud 0.95 (classifier signal)" in repeated.reasons


def test_with_a_classifier_its_meaning_replaces_the_keywords_it_covers() -> None:
    p = plugin()
    body = "The download button is down the page; also can I cancel order 7731?"
    with_classifier = run(p, body, ctx(("intent", "delivery", 0.7), ("churn-risk", "none", 0.9)))
    without = run(p, body, NONE)
    assert not any(r.startswith(("urgent", "churn")) for r in with_classifier.reasons), with_classifier.reasons
    assert "urgent keyword: down" in without.reasons
    assert "churn risk: cancel" in without.reasons
    twice = run(p, "Mir wurde der Betrag doppelt abgebucht.", ctx(("intent", "billing", 0.9)))
    assert "urgent keyword: doppelt abgebucht" in twice.reasons
    both = run(p, "Mir wurde der Betrag doppelt abgebucht, das ist Betrug.", ctx(("intent", "billing", 0.9), ("risk", "fraud", 0.8)))
    assert "urgent: risk=fraud 0.80 (classifier signal); urgent keyword: doppelt abgebucht" in both.reasons


def test_churn_from_signals_counts_the_intent_and_its_churn_risk_once() -> None:
    p = plugin()
    body = "Bitte kündigen Sie mein Abo zum Monatsende."
    out = run(p, body, ctx(("intent", "cancellation", 0.8), ("churn-risk", "high", 0.68)))
    base = run(p, body, ctx(("intent", "cancellation", 0.4)))
    assert out.score == base.score + 12
    assert "churn risk: intent=cancellation 0.80, churn-risk=high 0.68 (classifier signals)" in out.reasons


def test_operator_keywords_count_beside_signals() -> None:
    p = plugin('{"urgent_keywords": ["outage", "recall"]}')
    out = run(p, "Product recall: outage of the cooling unit", ctx(("intent", "outage", 0.9)))
    assert "urgent: intent=outage 0.90 (classifier signal); urgent keywords: outage, recall" in out.reasons


def test_keywords_alone_give_the_same_score_in_six_languages() -> None:
    p = plugin()
    for texts in [
        [
            "My account was hacked and I was charged twice. Urgent!",
            "Mein Konto wurde gehackt und mir wurde doppelt abgebucht. Dringend!",
            "Me han hackeado la cuenta y me han cobrado dos veces. ¡Urgente!",
            "Mon compte a été piraté et j'ai été prélevé deux fois. Urgent !",
            "Il mio account è stato hackerato e mi avete addebitato due volte. Urgente!",
            "Minha conta foi hackeada e fui cobrado duas vezes. Urgente!",
        ],
        [
            "Outage: your site is down.",
            "Ausfall: Ihre Seite hat eine Störung.",
            "Avería: vuestra web está caída.",
            "Panne : votre site est hors service.",
            "Guasto: il vostro sito è fuori servizio.",
            "Queda: o site de vocês está fora do ar.",
        ],
        [
            "I want to cancel my contract.",
            "Ich möchte meinen Vertrag kündigen.",
            "Quiero darme de baja del contrato.",
            "Je veux résilier mon contrat.",
            "Voglio disdire il contratto.",
            "Quero cancelar meu contrato.",
        ],
    ]:
        scores = [run(p, t, NONE).score for t in texts]
        assert len(set(scores)) == 1, (scores, texts)
        assert scores[0] > run(p, "Hello.", NONE).score, texts


def test_the_sentiment_label_not_its_exact_score_decides() -> None:
    p = plugin()
    interaction = new_interaction("S-2", Channel.CHAT, "Die App stürzt ab.")

    def at(score: float, confidence: float) -> Priority:
        return p.prioritize(interaction, NONE, sentiment_from_score(score, confidence))

    assert at(-0.2, 0.5).score == at(-0.9, 0.95).score
    assert at(0.0, 0.9).score + 15 == at(-0.3, 0.6).score
    assert at(0.0, 0.9).score == at(0.7, 0.9).score + 4
    assert "negative sentiment (-0.90)" in at(-0.9, 0.9).reasons
