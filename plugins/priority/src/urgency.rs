//! The built-in urgency and churn cues, in English, German, Spanish, French,
//! Italian and Portuguese.
//!
//! Each phrase is evidence of a [`Cue`]. A message scores by the number of
//! different cues it shows, not by the number of phrases: "outage" and "down"
//! are one piece of evidence, as are "Ausfall" and "Störung", so a message
//! gets the same points in every language however many synonyms its writer
//! used.
//!
//! Where the pipeline has a classifier, the cues it covers (outage, account
//! takeover, fraud, legal threat, cancellation) come from its signals
//! instead of these phrases (see `signals`): the classifier reads the
//! meaning (a cancelled *order* is not churn, "no internet in the whole
//! office" is an outage), and its signals are the same in every language.
//! The phrases of those cues then only serve pipelines without a classifier.

/// What a phrase or a signal is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// The service is down for the customer, or for many.
    Outage,
    /// Someone else got into the customer's account.
    AccountTakeover,
    /// Payments the customer did not make, a scam, a stolen card.
    Fraud,
    /// A lawyer, a court, a consumer authority.
    LegalThreat,
    /// Personal data leaked.
    DataBreach,
    /// Charged twice for one thing.
    ChargedTwice,
    /// The customer cannot get into their account.
    LockedOut,
    /// The customer says it is urgent.
    SaysUrgent,
    /// The customer wants to cancel or leave, or a classifier judges them
    /// likely to (`churn-risk=high`: one fact, counted once).
    Cancellation,
}

impl Cue {
    /// Whether a classifier signal stands for this cue, so that its phrases
    /// are not counted when the pipeline has a classifier.
    pub fn from_classifier(self) -> bool {
        matches!(
            self,
            Cue::Outage | Cue::AccountTakeover | Cue::Fraud | Cue::LegalThreat | Cue::Cancellation
        )
    }
}

/// Built-in urgency phrases by cue (all six languages in one list each;
/// accents optional in messages, see `keywords`).
pub const URGENT: &[(Cue, &[&str])] = &[
    (
        Cue::Outage,
        &[
            "outage", "down", "no internet", "ausfall", "netzausfall", "totalausfall", "störung", "caída",
            "caído", "avería", "sin servicio", "sin internet", "panne", "hors service", "coupure",
            "disservizio", "guasto", "fuori servizio", "senza internet", "fora do ar", "queda",
            "sem internet", "sem serviço",
        ],
    ),
    (
        Cue::AccountTakeover,
        &[
            "hacked", "compromised", "gehackt", "hackeado", "hackeada", "hackearon", "piraté", "piratée",
            "piratage", "hackerato", "hackerata", "invadida", "invadido",
        ],
    ),
    (
        Cue::Fraud,
        &[
            "fraud", "unauthorized", "unauthorised", "scam", "betrug", "betrüger", "nicht autorisiert",
            "fraude", "estafa", "no autorizado", "no autorizada", "arnaque", "escroquerie",
            "non autorisé", "non autorisée", "frode", "truffa", "non autorizzato", "non autorizzata",
            "golpe", "não autorizado", "não autorizada",
        ],
    ),
    (
        Cue::LegalThreat,
        &[
            "legal", "lawyer", "lawsuit", "anwalt", "rechtsanwalt", "rechtliche schritte", "klage",
            "abogado", "acciones legales", "demanda", "avocat", "poursuites", "mise en demeure",
            "avvocato", "vie legali", "azioni legali", "advogado", "ação judicial", "processo judicial",
        ],
    ),
    (
        Cue::DataBreach,
        &[
            "data breach", "security", "datenleck", "datenpanne", "sicherheitslücke", "filtración de datos",
            "brecha de seguridad", "fuite de données", "faille de sécurité", "violazione dei dati",
            "fuga di dati", "vazamento de dados",
        ],
    ),
    (
        Cue::ChargedTwice,
        &[
            "charged twice", "double charged", "doppelt abgebucht", "doppelt berechnet", "zweimal abgebucht",
            "doppelte abbuchung", "cobrado dos veces", "cobraron dos veces", "cobro duplicado", "doble cobro",
            "prélevé deux fois", "débité deux fois", "facturé deux fois", "double prélèvement",
            "addebitato due volte", "addebitati due volte", "doppio addebito", "pagato due volte",
            "cobrado duas vezes", "cobraram duas vezes", "cobrança duplicada", "cobrança em dobro",
            "charged me twice", "billed twice", "paid twice", "zweimal abgezogen", "doppelt abgezogen",
            "zweimal bezahlt", "pagado dos veces", "cargado dos veces", "payé deux fois", "preso due volte",
            "prelevato due volte", "cobrou duas vezes", "paguei duas vezes",
        ],
    ),
    (
        Cue::LockedOut,
        &[
            "can't log in", "cannot log in", "can't get in", "cannot get in", "locked out", "account is locked", "account locked",
            "kann mich nicht anmelden", "kann mich nicht mehr anmelden", "komme nicht mehr rein", "ausgesperrt",
            "konto gesperrt", "konto ist gesperrt", "no puedo iniciar sesión", "no puedo entrar",
            "no puedo acceder", "cuenta bloqueada", "bloqueado la cuenta", "je ne peux plus me connecter",
            "je n'arrive plus à me connecter", "impossible de me connecter", "compte bloqué",
            "compte est bloqué", "non riesco ad accedere", "non riesco più ad accedere",
            "non riesco più a entrare", "account bloccato", "account è bloccato", "não consigo entrar",
            "não consigo acessar", "não consigo fazer login", "conta bloqueada", "conta foi bloqueada",
        ],
    ),
    (
        Cue::SaysUrgent,
        &[
            "emergency", "urgent", "asap", "dringend", "notfall", "urgente", "urgencia", "emergencia",
            "urgence", "urgenza", "emergenza", "urgência", "emergência",
        ],
    ),
];

/// Built-in churn phrases by cue.
pub const CHURN: &[(Cue, &[&str])] = &[(
    Cue::Cancellation,
    &[
        "cancel", "cancelling", "canceling", "switch to", "switching to", "close my account", "leave",
        "competitor", "kündigen", "kündige", "kündigung", "anbieter wechseln", "wechsle den anbieter",
        "zur konkurrenz", "dar de baja", "darme de baja", "me doy de baja", "cambiarme de compañía",
        "la competencia", "résilier", "résiliation", "changer d'opérateur", "la concurrence",
        "disdire", "disdetta", "recedere", "cambiare operatore", "cambio operatore", "la concorrenza",
        "cancelar", "mudar de operadora", "portabilidade", "a concorrência",
    ],
)];

/// Every phrase of `table`, in order, with its cue.
pub fn phrases(table: &'static [(Cue, &'static [&'static str])]) -> impl Iterator<Item = (Cue, &'static str)> {
    table.iter().flat_map(|(cue, words)| words.iter().map(move |w| (*cue, *w)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keywords::{Keywords, Phrase, normalize_into};

    fn cues(table: &'static [(Cue, &'static [&'static str])], text: &str) -> Vec<Cue> {
        let list = Keywords::new(phrases(table).filter_map(|(c, w)| Phrase::new(w).map(|p| p.with_cue(c))));
        let mut norm = String::new();
        normalize_into(text, &mut norm);
        let mut out: Vec<Cue> = list.found(&norm).iter().filter_map(|p| p.cue).collect();
        out.dedup();
        out
    }

    #[test]
    fn every_phrase_has_something_to_match() {
        for (_, w) in phrases(URGENT).chain(phrases(CHURN)) {
            assert!(Phrase::new(w).is_some(), "{w:?}");
        }
    }

    #[test]
    fn the_same_cue_in_six_languages() {
        for text in [
            "I was charged twice for one order",
            "Mir wurde der Betrag doppelt abgebucht",
            "Me habéis cobrado dos veces",
            "J'ai été prélevé deux fois",
            "Mi avete addebitato due volte",
            "Fui cobrado duas vezes",
        ] {
            assert_eq!(cues(URGENT, text), [Cue::ChargedTwice], "{text}");
        }
        for text in [
            "I can't log in since Monday",
            "Ich kann mich nicht mehr anmelden",
            "No puedo iniciar sesión",
            "Je ne peux plus me connecter",
            "Non riesco più ad accedere",
            "Não consigo entrar na conta",
        ] {
            assert_eq!(cues(URGENT, text), [Cue::LockedOut], "{text}");
        }
        for text in ["Kündigen Sie bitte", "Quiero darme de baja", "Je veux résilier", "Vorrei disdire"] {
            assert_eq!(cues(CHURN, text), [Cue::Cancellation], "{text}");
        }
    }

    #[test]
    fn synonyms_are_one_cue() {
        assert_eq!(cues(URGENT, "Outage: the site is down"), [Cue::Outage]);
        assert_eq!(cues(URGENT, "URGENT: account hacked"), [Cue::AccountTakeover, Cue::SaysUrgent]);
    }
}
