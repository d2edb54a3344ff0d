//! Text normalisation shared by the lexicons and the messages: cxr's one
//! rule (`cxr_guest::text::normalize`, which the host applies to the
//! interaction since contract 0.3.0): lower case, accents folded (`é` → `e`,
//! `ß` → `ss`), every run of characters that are not letters or digits
//! turned into one space, and one space at both ends, so that a phrase
//! `" cancel "` matches the word and nothing inside another. Clause
//! punctuation (`. , ; : ! ?` and brackets) becomes the word `.`, so that
//! negations and `A .. B` phrases stop at the end of a clause.

pub use cxr_guest::text::{CLAUSE, normalize, normalize_into};
