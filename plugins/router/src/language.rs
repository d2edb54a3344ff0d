//! The effective language of an interaction: given by the platform, detected
//! with whatlang, or the configured default.

use cxr_guest::Interaction;
use std::cell::RefCell;
use std::fmt;
use cxr_guest::fixed::Fixed;
use crate::stopwords::StopWords;
use whatlang::{Detector, Lang};

/// Letters a text needs before a detection is trusted (unless whatlang
/// itself calls the detection reliable).
const MIN_LETTERS: usize = 20;
/// Confidence at which an unreliable detection is still accepted.
const MIN_CONFIDENCE: f64 = 0.5;
/// Bytes of the body given to the detector: enough to be sure, and a bound
/// on the cost of long transcripts.
const MAX_DETECT_BYTES: usize = 320;

/// ISO 639-1 codes of every language whatlang knows. Norwegian Bokmål is
/// reported as `no`, the code platforms use most.
const ISO_639_1: &[(Lang, &str)] = &[
    (Lang::Afr, "af"),
    (Lang::Aka, "ak"),
    (Lang::Amh, "am"),
    (Lang::Ara, "ar"),
    (Lang::Aze, "az"),
    (Lang::Bel, "be"),
    (Lang::Ben, "bn"),
    (Lang::Bul, "bg"),
    (Lang::Cat, "ca"),
    (Lang::Ces, "cs"),
    (Lang::Cmn, "zh"),
    (Lang::Dan, "da"),
    (Lang::Deu, "de"),
    (Lang::Ell, "el"),
    (Lang::Eng, "en"),
    (Lang::Epo, "eo"),
    (Lang::Est, "et"),
    (Lang::Fin, "fi"),
    (Lang::Fra, "fr"),
    (Lang::Guj, "gu"),
    (Lang::Heb, "he"),
    (Lang::Hin, "hi"),
    (Lang::Hrv, "hr"),
    (Lang::Hun, "hu"),
    (Lang::Hye, "hy"),
    (Lang::Ind, "id"),
    (Lang::Ita, "it"),
    (Lang::Jav, "jv"),
    (Lang::Jpn, "ja"),
    (Lang::Kan, "kn"),
    (Lang::Kat, "ka"),
    (Lang::Khm, "km"),
    (Lang::Kor, "ko"),
    (Lang::Lat, "la"),
    (Lang::Lav, "lv"),
    (Lang::Lit, "lt"),
    (Lang::Mal, "ml"),
    (Lang::Mar, "mr"),
    (Lang::Mkd, "mk"),
    (Lang::Mya, "my"),
    (Lang::Nep, "ne"),
    (Lang::Nld, "nl"),
    (Lang::Nob, "no"),
    (Lang::Ori, "or"),
    (Lang::Pan, "pa"),
    (Lang::Pes, "fa"),
    (Lang::Pol, "pl"),
    (Lang::Por, "pt"),
    (Lang::Ron, "ro"),
    (Lang::Rus, "ru"),
    (Lang::Sin, "si"),
    (Lang::Slk, "sk"),
    (Lang::Slv, "sl"),
    (Lang::Sna, "sn"),
    (Lang::Spa, "es"),
    (Lang::Srp, "sr"),
    (Lang::Swe, "sv"),
    (Lang::Tam, "ta"),
    (Lang::Tel, "te"),
    (Lang::Tgl, "tl"),
    (Lang::Tha, "th"),
    (Lang::Tuk, "tk"),
    (Lang::Tur, "tr"),
    (Lang::Ukr, "uk"),
    (Lang::Urd, "ur"),
    (Lang::Uzb, "uz"),
    (Lang::Vie, "vi"),
    (Lang::Yid, "yi"),
    (Lang::Zul, "zu"),
];

/// One Latin-script and one Cyrillic-script sentence, detected once when
/// the detector is built.
const WARM_UP_SAMPLES: [&str; 2] = [
    "Bonjour, ma commande n'est toujours pas arrivée et personne ne répond.",
    "Здравствуйте, мой заказ до сих пор не доставлен, помогите пожалуйста.",
];

/// The languages detection chooses from unless `language_allowlist` is set:
/// the major languages of European and international customer service.
pub const DEFAULT_ALLOWLIST: &[&str] = &[
    "en", "de", "fr", "es", "pt", "it", "nl", "sv", "da", "no", "fi", "pl", "cs", "ru", "uk", "tr",
    "ar", "he", "ja", "zh", "ko", "hi", "el", "hu", "ro",
];

/// The ISO 639-1 code of a whatlang language, or its ISO 639-3 code when it
/// has none.
pub fn iso_code(lang: Lang) -> &'static str {
    ISO_639_1
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or_else(|| lang.code(), |(_, code)| code)
}

/// The whatlang language for an ISO 639-1 or 639-3 code.
fn lang_for(code: &str) -> Option<Lang> {
    let code = normalize(code)?;
    ISO_639_1
        .iter()
        .find(|(_, c)| *c == code)
        .map(|(l, _)| *l)
        .or_else(|| Lang::from_code(code))
}

/// Normalises a language tag to the code the router uses: the primary
/// subtag, lower-cased (`pt-BR` -> `pt`); `nb` becomes `no`; a three-letter
/// code whatlang knows becomes its two-letter code (`deu` -> `de`). `None`
/// when the tag is not two or three ASCII letters.
pub fn normalize(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let code = primary.to_ascii_lowercase();
    Some(match code.as_str() {
        "nb" => "no".to_string(),
        _ if code.len() == 3 => {
            Lang::from_code(code.as_str()).map_or(code, |lang| iso_code(lang).to_string())
        }
        _ => code,
    })
}

/// How the effective language was found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// The interaction carried it.
    Given,
    /// whatlang detected it, with this confidence.
    Detected(f64),
    /// Neither given nor detected: the configured default.
    Default,
}

/// The language an interaction is handled in, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    /// Normalised code, e.g. `de`.
    pub code: String,
    /// Where the code came from.
    pub source: Source,
}

impl fmt::Display for Effective {
    /// `language de (given)`, `language de (detected, confidence 0.93)`,
    /// `language en (default)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.source {
            Source::Given => write!(f, "language {} (given)", self.code),
            Source::Detected(c) => {
                write!(f, "language {} (detected, confidence {})", self.code, Fixed(c, 2))
            }
            Source::Default => write!(f, "language {} (default)", self.code),
        }
    }
}

/// Decides the effective language of interactions.
pub struct Languages {
    default: String,
    detector: Option<Detector>,
    stop_words: StopWords,
}

impl fmt::Debug for Languages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Languages")
            .field("default", &self.default)
            .field("detect", &self.detector.is_some())
            .finish()
    }
}

impl Languages {
    /// Builds the settings; errors name the config field.
    pub fn new(
        default_language: &str,
        detect: bool,
        allowlist: Option<&[String]>,
    ) -> Result<Self, String> {
        let default = normalize(default_language).ok_or_else(|| {
            format!(
                "default_language: '{default_language}' is not a two- or three-letter language code"
            )
        })?;
        let mut stop_words = StopWords::new(&[]);
        let detector = if detect {
            let codes: Vec<&str> = match allowlist {
                Some(list) => list.iter().map(String::as_str).collect(),
                None => DEFAULT_ALLOWLIST.to_vec(),
            };
            if codes.is_empty() {
                return Err("language_allowlist: must name at least one language".to_string());
            }
            let mut langs = Vec::with_capacity(codes.len());
            for code in codes {
                let lang = lang_for(code).ok_or_else(|| {
                    format!("language_allowlist: '{code}' is not a language the detector knows")
                })?;
                if !langs.contains(&lang) {
                    langs.push(lang);
                }
            }
            stop_words = StopWords::new(&langs);
            let detector = Detector::with_allowlist(langs);
            // The detector builds its alphabet tables on first use: build them
            // now, in `configure`, so that a snapshot taken after it has them.
            for sample in WARM_UP_SAMPLES {
                detector.detect(sample);
            }
            Some(detector)
        } else {
            None
        };
        Ok(Languages {
            default,
            detector,
            stop_words,
        })
    }

    /// The effective language of `input`: the given one when it is a valid
    /// code, else a trusted detection, else the default.
    pub fn effective(&self, input: &Interaction) -> Effective {
        if let Some(code) = input.language.as_deref().and_then(normalize) {
            return Effective {
                code,
                source: Source::Given,
            };
        }
        if let Some((lang, confidence)) = self.detect(input) {
            return Effective {
                code: iso_code(lang).to_string(),
                source: Source::Detected(confidence),
            };
        }
        Effective {
            code: self.default.clone(),
            source: Source::Default,
        }
    }

    fn detect(&self, input: &Interaction) -> Option<(Lang, f64)> {
        let detector = self.detector.as_ref()?;
        let body = &input.body[..input.body.floor_char_boundary(MAX_DETECT_BYTES)];
        // The text detected is the subject and the body joined by a line
        // break; the stop words and the letters are counted in the parts,
        // and the parts are joined (in a buffer kept between calls) only
        // for whatlang, which most messages never reach.
        let subject = input
            .subject
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| &s[..s.floor_char_boundary(MAX_DETECT_BYTES)]);
        let parts: &[&str] = match &subject {
            Some(subject) => &[subject, body],
            None => &[body],
        };
        // Most messages name their language in their commonest words.
        if let Some(guess) = self.stop_words.guess_parts(parts) {
            return Some(guess);
        }
        let info = match subject {
            Some(subject) => JOINED.with_borrow_mut(|joined| {
                joined.clear();
                joined.push_str(subject);
                joined.push('\n');
                joined.push_str(body);
                detector.detect(joined)
            }),
            None => detector.detect(body),
        }?;
        // Letters are counted only when whatlang's own verdict is not enough.
        let letters = || {
            parts
                .iter()
                .flat_map(|p| p.chars())
                .filter(|c| c.is_alphabetic())
                .take(MIN_LETTERS)
                .count()
        };
        let trusted = info.is_reliable()
            || (info.confidence() >= MIN_CONFIDENCE && letters() >= MIN_LETTERS);
        trusted.then(|| (info.lang(), info.confidence()))
    }
}

thread_local! {
    /// The subject and body joined for whatlang, kept between calls.
    static JOINED: RefCell<String> = const { RefCell::new(String::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised() {
        assert_eq!(normalize("pt-BR").as_deref(), Some("pt"));
        assert_eq!(normalize(" DE ").as_deref(), Some("de"));
        assert_eq!(normalize("nb_NO").as_deref(), Some("no"));
        assert_eq!(normalize("deu").as_deref(), Some("de"));
        assert_eq!(normalize("cmn").as_deref(), Some("zh"));
        assert_eq!(normalize("fil").as_deref(), Some("fil"));
        assert_eq!(normalize("english"), None);
        assert_eq!(normalize(""), None);
        assert_eq!(normalize("1e"), None);
    }

    #[test]
    fn every_whatlang_language_has_a_code() {
        for &lang in Lang::all() {
            let code = iso_code(lang);
            assert_eq!(code.len(), 2, "{lang:?} -> {code}");
            assert_eq!(lang_for(code), Some(lang));
        }
    }

    #[test]
    fn allowlist_entries_must_be_known() {
        let err = Languages::new("en", true, Some(&["de".into(), "xx".into()])).unwrap_err();
        assert!(
            err.contains("language_allowlist") && err.contains("'xx'"),
            "{err}"
        );
        let err = Languages::new("english", true, None).unwrap_err();
        assert!(err.contains("default_language"), "{err}");
    }
}
