//! Context words: the words just before a number that say what it is, in
//! English, German, French, Spanish, Italian, Portuguese and Dutch. A card
//! or phone number that is written like an order id, a tracking number or
//! an article number is decided by the nearest such word before it, as
//! Presidio's recognisers raise or lower a match by its context.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::LazyLock;

/// What the nearest context word says about the number after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// A payment card word: card, Karte, carte, tarjeta, ...
    Card,
    /// A telephone word: phone, Tel., appelez-moi, llámame, ...
    Phone,
    /// The number is something else: an order, invoice, case, tracking,
    /// article, ISBN/EAN, version, postcode, customer or contract number.
    Other,
}

/// How far before a number context words are looked for, in bytes.
const WINDOW: usize = 40;

const CARD: &[&str] = &[
    "card", "credit", "debit", "visa", "mastercard", "master card", "amex", "american express", "maestro", "diners", "discover",
    "jcb", "unionpay", "cc", "cvv", "pan", "karte", "kreditkarte", "kartennummer", "carte", "cb", "tarjeta", "carta", "cartão",
    "cartao", "kaart", "creditcard", "bankkaart", "pinpas",
];

const PHONE: &[&str] = &[
    "phone", "telephone", "tel", "tél", "tlf", "tfno", "telf", "mobile", "mob", "cell", "cellphone", "call", "calling", "ring",
    "text me", "whatsapp", "sms", "fax", "reach me", "contact me", "telefon", "telefonnummer", "handy", "handynummer", "mobil",
    "mobilnummer", "rufnummer", "anrufen", "ruf mich", "rufen sie", "erreichbar", "rückruf", "téléphone", "telephone", "portable",
    "appelez", "appeler", "appelle", "rappeler", "joignable", "numéro de tél", "teléfono", "telefono", "móvil", "movil", "celular",
    "llámame", "llamame", "llamar", "llame", "cellulare", "chiamami", "chiamare", "chiamatemi", "telemóvel", "telemovel", "telefone",
    "ligue", "ligar", "liga-me", "contacto", "telefoon", "mobiel", "bel me", "bellen", "gsm",
];

const OTHER: &[&str] = &[
    // orders, invoices, receipts, cases, tickets, references
    "order", "ord", "invoice", "inv", "receipt", "ref", "reference", "case", "ticket", "incident", "claim", "booking",
    "reservation", "confirmation", "transaction", "txn", "contract", "policy", "account no", "customer no", "customer number",
    "customer id", "member", "membership", "bestellung", "bestellnummer", "bestell-nr", "auftrag", "auftragsnummer", "rechnung",
    "rechnungsnummer", "rechnungs-nr", "beleg", "vorgang", "vorgangsnummer", "aktenzeichen", "kundennummer", "kunden-nr",
    "vertrag", "vertragsnummer", "buchung", "buchungsnummer", "commande", "cde", "facture", "dossier", "réf", "référence",
    "reference", "réservation", "contrat", "numéro client", "pedido", "factura", "referencia", "expediente", "reserva",
    "contrato", "albarán", "nº de cliente", "ordine", "fattura", "riferimento", "pratica", "prenotazione", "contratto",
    "encomenda", "fatura", "referência", "processo", "bestelling", "bestelnummer", "factuur", "referentie", "dossiernummer",
    "klantnummer", "reservering", "polis", "póliza", "polizza", "apólice",
    // shipping
    "tracking", "track", "trace", "shipment", "parcel", "package", "consignment", "waybill", "awb", "delivery", "sendung",
    "sendungsnummer", "paket", "paketnummer", "lieferung", "colis", "suivi", "livraison", "envío", "envio", "seguimiento",
    "paquete", "spedizione", "pacco", "tracciamento", "rastreio", "rastreamento", "zending", "pakket", "verzending",
    // products, codes, versions
    "isbn", "ean", "gtin", "upc", "sku", "article", "artikel", "art.-nr", "artikelnummer", "item", "product", "produkt",
    "serial", "seriennummer", "serienummer", "s/n", "imei", "version", "versión", "versione", "versão", "versie", "build",
    "release", "firmware", "v.", "ip", "ip address", "postcode", "zip", "plz", "postleitzahl", "code postal", "cp",
    "código postal", "cap", "codice", "código", "code", "pin", "otp", "tan", "iban", "bic", "swift", "blz", "sort code",
    "routing", "barcode", "bar code", "strichcode", "code-barres", "código de barras", "codice a barre", "streepjescode",
    // counted things: a list of numbers, not one number
    "items", "rooms", "seats", "positions", "lines", "pages", "units", "qty", "quantity", "positionen", "zimmer", "plätze",
    "seiten", "stück", "articles", "chambres", "places", "pièces", "artículos", "habitaciones", "asientos", "unidades",
    "articoli", "camere", "posti", "pezzi", "artigos", "quartos", "lugares", "unidades", "artikelen", "kamers", "stoelen",
    "stuks",
];

struct Words {
    automaton: AhoCorasick,
    /// The hint of each pattern, by pattern index.
    hints: Vec<Hint>,
}

static WORDS: LazyLock<Words> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut hints = Vec::new();
    for (list, hint) in [(CARD, Hint::Card), (PHONE, Hint::Phone), (OTHER, Hint::Other)] {
        for w in list {
            patterns.push(*w);
            hints.push(hint);
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .expect("context words build");
    Words { automaton, hints }
});

/// The hint of the nearest context word that ends within [`WINDOW`] bytes
/// before `at` in `text` (folded). A word counts when it starts a word;
/// words of four letters or fewer must end one too (`tel` is not `hotel`,
/// `telefon` may start `Telefonnummer`).
pub fn before(text: &str, at: usize) -> Option<Hint> {
    let bytes = text.as_bytes();
    let mut from = at.saturating_sub(WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = &text[from..at];
    let words = &*WORDS;
    let mut nearest = None;
    for m in words.automaton.find_iter(window) {
        let (s, e) = (from + m.start(), from + m.end());
        let starts_word = s == 0 || !is_word_byte(bytes[s - 1]);
        let ends_word = e >= bytes.len() || !is_word_byte(bytes[e]);
        if starts_word && (ends_word || m.end() - m.start() > 4) {
            nearest = Some(words.hints[m.pattern().as_usize()]);
        }
    }
    nearest
}

/// A byte of a word: an ASCII letter or digit, or any byte of a non-ASCII
/// character (letters of other scripts).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(text: &str) -> Option<Hint> {
        before(text, text.len())
    }

    #[test]
    fn the_nearest_word_decides() {
        assert_eq!(hint("Order 123, call me on "), Some(Hint::Phone));
        assert_eq!(hint("my phone is out, the order is "), Some(Hint::Other));
        assert_eq!(hint("Meine Kreditkarte: "), Some(Hint::Card));
        assert_eq!(hint("Sendungsnummer "), Some(Hint::Other));
        assert_eq!(hint("Telefonnummer: "), Some(Hint::Phone));
        assert_eq!(hint("N° de téléphone : "), Some(Hint::Phone));
        assert_eq!(hint("hello, here it is: "), None);
        // short words must stand alone
        assert_eq!(hint("the hotel "), None);
        assert_eq!(hint("Tel. "), Some(Hint::Phone));
        // only the window counts
        assert_eq!(hint(&format!("order {} ", "x".repeat(60))), None);
    }
}
