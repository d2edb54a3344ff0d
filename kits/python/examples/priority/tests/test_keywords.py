"""Keyword normalisation and matching (as plugins/priority/src/keywords.rs's tests)."""

from cxr_priority.keywords import Keywords, Phrase, normalize


def found(keyword: str, text: str) -> bool:
    phrase = Phrase.new(keyword)
    assert phrase is not None
    return phrase.found_in(normalize(text))


def test_normalisation_folds_case_apostrophes_and_separators() -> None:
    assert normalize("  I CAN’T   log-in!\n\nHelp ") == "i cant log in! help"
    assert normalize("Double-charged, twice") == "double charged, twice"
    assert normalize("ÉCHEC de paiement – URGENT\tSVP") == "echec de paiement urgent svp"
    assert normalize("Straße/İstanbul `quoted`") == "strasse i\u0307stanbul quoted"
    assert normalize("Kündigung, não, piraté") == "kundigung, nao, pirate"
    assert normalize("--a__b//") == "a b"
    assert normalize("\u2019") == ""
    # U+001C..U+001F are not Unicode White_Space (Python's isspace says they are): kept, as in Rust.
    assert normalize("a\x1cb") == "a\x1cb"


def test_phrases_match_whole_words_case_insensitively() -> None:
    assert found("charged twice", "I was CHARGED TWICE for one order.")
    assert found("can't log in", "I cant log in since Monday")
    assert found("can't log in", "I can’t log-in on my laptop")
    assert found("double charged", "Looks like I was double-charged")
    assert found("outage", "Are there any outages in Leeds?")
    assert not found("down", "I downloaded the invoice")
    assert not found("leave", "The sleeve of the jacket is torn")
    assert not found("cancel", "Cancellation fees are listed where?")
    assert not found("charged twice", "I was charged, twice as much as last month")


def test_negated_keywords_do_not_count() -> None:
    assert not found("urgent", "This is not urgent, whenever you have time.")
    assert not found("urgent", "No urgent action needed")
    assert found("urgent", "Not sure who to ask, but this is urgent")
    assert found("down", "No, the site is down again")


def test_later_occurrence_counts_when_first_is_negated() -> None:
    assert found("urgent", "It wasn't urgent yesterday, today it is urgent.")


def test_empty_keywords_are_rejected() -> None:
    assert Phrase.new("   ") is None
    assert Phrase.new("''") is None
    phrase = Phrase.new(" Charged Twice ")
    assert phrase is not None and phrase.label == "charged twice"


def test_accents_and_negations_in_other_languages() -> None:
    assert found("kündigen", "ich will KÜNDIGEN")
    assert found("kündigen", "Ich will kundigen")
    assert found("piraté", "Mon compte a été PIRATE")
    assert not found("dringend", "Es ist nicht dringend")
    assert not found("urgent", "ce n'est pas urgent")
    assert found("urgente", "é urgente, não demorem")


def test_a_list_finds_every_phrase_once_in_list_order() -> None:
    keywords = Keywords(Phrase.new(k) for k in ["outage", "down", "is down", "outage"])
    assert len(keywords) == 3, "the repeated label is dropped"
    assert [p.label for p in keywords.found(normalize("Outage! The site is down, down, DOWN."))] == ["outage", "down", "is down"]
    assert keywords.found(normalize("downloads work")) == []


def test_overlapping_occurrences_are_all_tried() -> None:
    # The first "aa a" is followed by a letter; the overlapping one is a whole word.
    assert found("aa a", "aa aa a")
