//! The masker on the formats people write and the numbers that only look
//! personal. The labelled corpus under `tests/privacy/` measures the same
//! at scale (`host/ops/tests/privacy_corpus.rs`).

use super::*;
use crate::model::{Channel, Customer, Direction, HistoryMessage};

fn masker(kinds: &[MaskKind]) -> Masker {
    Masker::new(&Privacy {
        mask: kinds.to_vec(),
        patterns: BTreeMap::new(),
    })
    .unwrap()
    .unwrap()
}

fn mask(text: &str) -> (String, Counts) {
    let mut counts = Counts::new();
    let out = Masker::all().mask(text, &mut counts).into_owned();
    (out, counts)
}

fn masked(text: &str) -> String {
    mask(text).0
}

#[test]
fn cards_in_any_grouping_are_masked_when_luhn_valid() {
    for (text, hint) in [
        ("4111111111111111", "1111"),
        ("4111 1111 1111 1111", "1111"),
        ("4111-1111-1111-1111", "1111"),
        ("4111.1111.1111.1111", "1111"),
        ("4111/1111/1111/1111", "1111"),
        ("4111\u{a0}1111\u{a0}1111\u{a0}1111", "1111"),
        ("4111\u{2009}1111\u{2009}1111\u{2009}1111", "1111"),
        ("４１１１ １１１１ １１１１ １１１１", "1111"),
        ("5555 5555 5555 4444", "4444"),
        ("3782 822463 10005", "0005"),
        ("6011 1111 1111 1117", "1117"),
        ("30569309025904", "5904"),
        ("4111 11 11 1111 1111", "1111"),
        ("4111 1111\n1111 1111", "1111"),
        ("4111 1111\nCustomer: 1111 1111", "1111"),
    ] {
        let (out, counts) = mask(&format!("my card is {text}, thanks"));
        assert_eq!(out, format!("my card is [card …{hint}], thanks"), "{text:?}");
        assert_eq!(counts["card"], 1);
    }
    // Not Luhn-valid: left alone (and not a phone number either).
    assert_eq!(masked("order 4111 1111 1111 1112"), "order 4111 1111 1111 1112");
    // A card followed by its security code or expiry keeps them.
    assert_eq!(masked("4111 1111 1111 1111 123"), "[card …1111] 123");
    assert_eq!(masked("4111 1111 1111 1111 12/26"), "[card …1111] 12/26");
    // Split by a few words, in fours.
    assert_eq!(masked("card 4111 1111 and then 1111 1111 ok"), "card [card …1111] ok");
    assert_eq!(masked("4111 1111 (sorry, typo) 1111 1111"), "[card …1111]");
}

#[test]
fn a_number_sent_over_two_chat_turns_is_masked_in_both() {
    let mut ix = Interaction::new("T-1", Channel::Chat, "1111 1111 that's it");
    ix.history.push(HistoryMessage {
        at: None,
        channel: None,
        direction: Direction::Inbound,
        body: "my card: 4111 1111".into(),
    });
    let mut counts = Counts::new();
    let m = Masker::all().mask_interaction(&ix, &mut counts).unwrap();
    assert_eq!(m.history[0].body, "my card: [card …1111]");
    assert_eq!(m.body, "[card …1111] that's it");
    assert_eq!(counts["card"], 1);
}

#[test]
fn not_cards() {
    for text in [
        // EAN-13 without a card word, tracking numbers with a Luhn-valid 16-digit run
        "EAN 4006381333931",
        "4006381333931",
        "Tracking 4539 1488 0343 6467",
        "9400 4539 1488 0343 6467 00",
        "Sendungsnummer: 4532015112830366",
        "invoice 4916338506082832",
        "INV4916338506082832",
        // a numeric list
        "items 4532, 0151, 1283, 0366",
    ] {
        assert_eq!(masked(text), text, "{text}");
    }
}

#[test]
fn ibans_are_masked_when_the_checksum_holds() {
    let (out, counts) = mask("IBAN DE89 3704 0044 0532 0130 00 please, or GB82WEST12345698765432.");
    assert_eq!(out, "IBAN [iban DE…3000] please, or [iban GB…5432].");
    assert_eq!(counts["iban"], 2);
    assert_eq!(masked("IBAN: DE 89 3704 0044 0532 0130 00"), "IBAN: [iban DE…3000]");
    assert_eq!(masked("es91 2100 0418 4502 0005 1332"), "[iban ES…1332]");
    assert!(iban::valid("FR1420041010050500013M02606"));
    assert!(!iban::valid("DE89370400440532013001"));
    assert_eq!(masked("DE89370400440532013001"), "DE89370400440532013001");
}

#[test]
fn emails_and_phones_are_masked() {
    let (out, counts) = mask("Mail jane.doe+cx@example.co.uk or call +49 171 1234567, (555) 123-4567, 555-123-4567 or 030 12345678.");
    assert_eq!(out, "Mail [email] or call [phone …67], [phone …67], [phone …67] or [phone …78].");
    assert_eq!(counts["email"], 1);
    assert_eq!(counts["phone"], 4);
    for text in [
        "jane dot doe at example dot com",
        "jane.doe[at]example.com",
        "jane.doe (at) example.com",
        "ivan@почта.рф",
        "jane.doe @ example . com",
        "jane.doe[at]example[.]com",
        "jane.doe ＠ example.com",
    ] {
        assert_eq!(masked(&format!("write to {text} please")), "write to [email] please", "{text}");
    }
}

#[test]
fn phones_of_eight_numbering_plans() {
    for text in [
        "+1 (555) 123-4567",
        "555.123.4567",
        "2125551234",
        "1-800-555-0199",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "07700 900123",
        "020 7946 0958",
        "0171 1234567",
        "0171/1234567",
        "+49 (0)171 1234567",
        "0049 171 1234567",
        "089 123456",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "+33 6 12 34 56 78",
        "0612345678",
        "612 345 678",
        "612345678",
        "91 123 45 67",
        "+34 612 345 678",
        "347 123 4567",
        "+39 06 1234 5678",
        "3471234567",
        "912 345 678",
        "+351 912 345 678",
        "(351) 912 345 678",
        "06-12345678",
        "+31 6 12345678",
        "020 123 4567",
        "555-123-4567x89",
        "5551234567",
        "0171\n1234567",
    ] {
        let out = masked(&format!("Tel {text} danke"));
        assert!(out.starts_with("Tel [phone …") && !out.contains(text), "{text} -> {out}");
        assert_eq!(masked(&format!("reach me: {text}")).matches("[phone").count(), 1, "{text}");
    }
}

#[test]
fn a_phone_number_next_to_other_numbers() {
    assert_eq!(masked("Musterstr. 12 0171 1234567"), "Musterstr. 12 [phone …67]");
    assert_eq!(masked("0171 1234567 10115 Berlin"), "[phone …67] 10115 Berlin");
    assert_eq!(masked("ab 09:15 0171 1234567"), "ab 09:15 [phone …67]");
    // a list in the same style is not read as a number and its tail
    assert_eq!(masked("612 345 678 912"), "612 345 678 912");
}

#[test]
fn numbers_that_are_not_personal_data_stay() {
    for text in [
        "on 2026-11-22 at 10:30",
        "order A123 for 1,234.56 EUR",
        "ticket 123456",
        "since 22.11.2026",
        "INV 0004512398",
        "Rechnung 0004512398",
        "05.11.2026 09:15",
        "am 05.11.2026 um 09:15 Uhr",
        "11/05/2026 9:15 PM",
        "ISBN 978-3-16-148410-0",
        "ISBN 0-306-40615-2",
        "UPC 036000291452",
        "036000291452",
        "1Z 999 AA1 01 2345 6784",
        "version 10.15.7",
        "build 10.0.19045.3570",
        "server 192.168.10.254",
        "85.214.13.117",
        "€ 1.234.567,89",
        "1 234 567,89 €",
        "total 612345678 EUR",
        "75008 Paris",
        "1012 AB Amsterdam",
        "1000-001 Lisboa",
        "items 1, 2, 3, 4, 5",
        "10 20 30 40 50",
        "case 00012345",
        "#0004512398",
        "Bestellung 0612345678",
        "pedido 612345678",
        "tracking 00340434161094042557",
        "SR-0612345678",
        "ID_4111111111111111",
    ] {
        assert_eq!(masked(text), text, "{text}");
    }
}

#[test]
fn extra_patterns_and_counts() {
    let mut patterns = BTreeMap::new();
    patterns.insert("order".to_string(), r"\bA\d{3,}\b".to_string());
    let m = Masker::new(&Privacy {
        mask: vec![MaskKind::Email],
        patterns,
    })
    .unwrap()
    .unwrap();
    let mut counts = Counts::new();
    assert_eq!(m.mask("A123 and A4567 from a@b.io", &mut counts), "[order] and [order] from [email]");
    assert_eq!(counts, Counts::from([("email".into(), 1), ("order".into(), 2)]));
    let bad = Privacy {
        mask: vec![],
        patterns: BTreeMap::from([("x".to_string(), "(".to_string())]),
    };
    assert!(Masker::new(&bad).unwrap_err().to_string().contains("privacy.patterns.x"));
    assert!(Masker::new(&Privacy::default()).unwrap().is_none());
    // only the kinds asked for
    let cards = masker(&[MaskKind::Card]);
    let mut counts = Counts::new();
    assert_eq!(cards.mask("4111111111111111 jane@example.com", &mut counts), "[card …1111] jane@example.com");
}

#[test]
fn every_text_a_plugin_reads_is_masked_keys_too() {
    let mut ix = Interaction::new("T-1", Channel::Email, "card 4111111111111111");
    ix.subject = Some("from jane@example.com".into());
    ix.history.push(HistoryMessage {
        at: None,
        channel: None,
        direction: Direction::Inbound,
        body: "call me on +44 20 7946 0958".into(),
    });
    ix.attributes.insert("contact".into(), "jane@example.com".into());
    ix.attributes.insert("jane@example.com".into(), "vip".into());
    ix.attributes.insert("bob@example.org".into(), "x".into());
    ix.customer = Customer {
        id: Some("jane@example.com".into()),
        tier: Some("+49 171 1234567".into()),
        ..Customer::default()
    };
    let mut counts = Counts::new();
    let m = Masker::all().mask_interaction(&ix, &mut counts).unwrap();
    assert_eq!(m.body, "card [card …1111]");
    assert_eq!(m.subject.as_deref(), Some("from [email]"));
    assert_eq!(m.history[0].body, "call me on [phone …58]");
    assert_eq!(m.attributes["contact"], "[email]");
    let keys: Vec<&str> = m.attributes.keys().map(String::as_str).collect();
    assert_eq!(keys, ["[email]", "[email] #2", "contact"]);
    assert_eq!(m.customer.id.as_deref(), Some("[email]"));
    assert_eq!(m.customer.tier.as_deref(), Some("[phone …67]"));
    assert_eq!(counts, Counts::from([("card".into(), 1), ("email".into(), 5), ("phone".into(), 2)]));
    let clean = Interaction::new("T-2", Channel::Chat, "nothing personal here");
    assert!(Masker::all().mask_interaction(&clean, &mut counts).is_none());
}

#[test]
fn masks_are_not_masked_again() {
    let once = masked("4111 1111 1111 1111, DE89 3704 0044 0532 0130 00, +49 171 1234567, a@b.de");
    assert_eq!(masked(&once), once);
}

/// Text made of the pieces the recognisers look at (digits of several
/// scripts, separators, `@` forms, context words, multi-byte letters) in a
/// deterministic random order: the masker must never panic, and every
/// match must lie on character boundaries of the original.
#[test]
fn random_text_never_panics_and_matches_lie_on_char_boundaries() {
    const PIECES: &[&str] = &[
        "4", "1", "0", "9", "5", "00", "+", "(", ")", " ", "-", ".", "/", "\n", "\u{a0}", "\u{2009}", "\u{200b}", "＠", "@", "４",
        "٣", "é", "ü", "ж", "€", "#", ",", ":", "x", "DE", "de", "89", " at ", " dot ", "[at]", "(dot)", "tél.", "Tel ", "order ",
        "card ", "IBAN ", "jane", ".com", "рф", "👍", "\u{202e}", "'", "_",
    ];
    let mut seed: u64 = 0x9E3779B97F4A7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let m = Masker::all();
    for _ in 0..20_000 {
        let n = (next() % 40) as usize;
        let text: String = (0..n).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect();
        for f in m.find(&text) {
            assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end) && f.start < f.end, "{text:?}: {f:?}");
        }
        let mut counts = Counts::new();
        let _ = m.mask(&text, &mut counts);
    }
}
