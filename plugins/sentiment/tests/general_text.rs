//! General text, not help-desk: the vocabulary and rules taken from VADER
//! (Hutto & Gilbert 2014) — its lexicon under the plugin's own, its
//! boosters, idioms and "least" — and the help-desk readings they must not
//! disturb.

use cxr_guest::{Channel, Context, Interaction, Plugin, Sentiment, SentimentHook, SentimentLabel};
use cxr_sentiment::SentimentPlugin;

fn score(body: &str) -> Sentiment {
    let p = SentimentPlugin::configure("").expect("default config");
    p.score(
        &Interaction::new("t", Channel::Social, body),
        &Context::at(0),
    )
    .expect("score")
}

fn label(body: &str) -> SentimentLabel {
    score(body).label
}

fn has_cue(s: &Sentiment, text: &str) -> bool {
    s.cues.iter().any(|c| c.text == text)
}

#[test]
fn words_only_vader_knows_carry_sentiment() {
    // none of these is in the plugin's own list
    let s = score("Today sux!");
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");
    assert!(has_cue(&s, "sux"), "{s:?}");
    assert_eq!(label("what a bummer"), SentimentLabel::Negative);
    assert_eq!(label("gr8 night with the team"), SentimentLabel::Positive);
    assert_eq!(
        label("The senator's remarks were reckless and deceitful."),
        SentimentLabel::Negative
    );
    assert_eq!(
        label("A graceful, tender and luminous performance."),
        SentimentLabel::Positive
    );
}

#[test]
fn general_words_weigh_less_than_the_plugins_own() {
    // "bummer" (VADER -1.6) counts at half weight; "annoying" is the plugin's own
    let general = score("what a bummer").score;
    let own = score("what an annoying thing").score;
    assert!(general < 0.0 && own < general, "{general} vs {own}");
}

#[test]
fn vader_idioms_and_least() {
    assert_eq!(
        label("that burger was to die for"),
        SentimentLabel::Positive
    );
    assert_eq!(
        label("feeling under the weather today"),
        SentimentLabel::Negative
    );
    let least = score("one of the least compelling variations on this theme");
    assert_eq!(least.label, SentimentLabel::Negative, "{least:?}");
    let at_least = score("at least it is compelling");
    assert_eq!(at_least.label, SentimentLabel::Positive, "{at_least:?}");
}

#[test]
fn vader_boosters_and_dampeners() {
    let plain = score("the ending was sad").score;
    let boosted = score("the ending was friggin sad").score;
    let damped = score("the ending was kindof sad").score;
    assert!(
        boosted < plain && plain < damped && damped < 0.0,
        "{boosted} {plain} {damped}"
    );
}

#[test]
fn emoticons_with_letters_are_matched() {
    let s = score("Make sure you :D today");
    assert_eq!(s.label, SentimentLabel::Positive, "{s:?}");
    assert!(has_cue(&s, ":d"), "{s:?}");
}

#[test]
fn emoji_named_in_vaders_emoji_list_carry_sentiment() {
    // not in the plugin's own list: valence from the words of their names
    let cat = score("the game tonight 😹"); // "cat with tears of joy"
    assert_eq!(cat.label, SentimentLabel::Positive, "{cat:?}");
    assert!(has_cue(&cat, "😹"), "{cat:?}");
}

#[test]
fn laughter_is_happy_alone_and_bitter_in_a_complaint() {
    assert_eq!(label("lol that was hilarious"), SentimentLabel::Positive);
    let bitter = score("3 hour delay and the app still says on time lol");
    assert_eq!(bitter.label, SentimentLabel::Negative, "{bitter:?}");
    assert!(has_cue(&bitter, "lol (sarcasm)"), "{bitter:?}");
    assert_eq!(
        label("90 minutes for a pizza from 2 miles away lol"),
        SentimentLabel::Negative
    );
}

#[test]
fn general_words_in_a_question_are_its_topic() {
    // "hand" (VADER +2.2), "share" (+1.2), "holiday" (+1.7)
    for q in [
        "can I take a power bank in my hand luggage?",
        "how do I share a folder with someone who doesn't have an account",
        "are you open on bank holiday Monday?",
        "ok, I'll try that",
        "I ordered two of the same item by accident. can I cancel one?",
    ] {
        let s = score(q);
        assert_eq!(s.label, SentimentLabel::Neutral, "{q}: {s:?}");
    }
}

#[test]
fn nobody_negates_a_little_further() {
    let s = score("I feel like nobody at your company cares about customers anymore.");
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");
}
