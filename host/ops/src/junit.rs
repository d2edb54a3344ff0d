//! JUnit XML for CI systems: one `testsuite` per case file, one `testcase`
//! per case or invariant, a `failure` with expected vs actual when it fails.

use crate::testing::{Detail, FileResult, Totals};

/// XML needs the same escaping as HTML (`&#39;` is valid in both; control
/// characters XML 1.0 forbids are shown escaped, as `\u{1}`).
use crate::report::{escape as xml_escape, escape_block as xml_escape_block};
use cxr_host::text::Shown;

/// The whole run as a JUnit XML document.
pub fn render(files: &[FileResult]) -> String {
    let totals = Totals::of(files);
    let seconds: f64 = files.iter().map(|f| f.seconds).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"cxr test\" tests=\"{}\" failures=\"{}\" time=\"{seconds:.3}\">\n",
        totals.passed + totals.failed,
        totals.failed
    ));
    for f in files {
        let failed = f.results.iter().filter(|r| !r.passed).count() + usize::from(f.error.is_some());
        let tests = f.results.len() + usize::from(f.error.is_some());
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failed}\" errors=\"0\" time=\"{:.3}\">\n",
            xml_escape(&f.file),
            f.seconds
        ));
        if let Some(e) = &f.error {
            out.push_str(&format!(
                "    <testcase classname=\"{0}\" name=\"load case file\" time=\"0\">\n      <failure message=\"the case file could not be run\" type=\"load\">{1}</failure>\n    </testcase>\n",
                xml_escape(&f.file),
                xml_escape_block(e)
            ));
        }
        for r in &f.results {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}: {}\" time=\"{:.3}\"",
                xml_escape(&f.file),
                r.kind,
                xml_escape(&r.name),
                r.seconds
            ));
            if r.passed {
                out.push_str("/>\n");
                continue;
            }
            let (message, body) = failure_text(&r.detail);
            out.push_str(&format!(
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                xml_escape(&message),
                r.kind,
                xml_escape_block(&body)
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// A one-line message and the full details of a failure.
fn failure_text(detail: &Detail) -> (String, String) {
    match detail {
        Detail::Error { error } => (error.lines().next().unwrap_or_default().to_string(), error.clone()),
        Detail::Case {
            id,
            mismatches,
            decision,
            reasons,
        } => {
            let message = mismatches
                .iter()
                .map(|m| format!("{}: expected {}, actual {}", m.field, Shown(&m.expected), Shown(&m.actual)))
                .collect::<Vec<_>>()
                .join("; ");
            let mut body = format!("{message}\ndecision {}: {}\nreasons:\n", Shown(id), Shown(decision));
            for r in reasons {
                body.push_str(&format!("  - {}\n", Shown(r)));
            }
            (message, body)
        }
        Detail::Invariant { property, input, outcome } => {
            let message = if outcome.checked == 0 {
                format!("no interaction of {} matched: nothing was checked", Shown(input))
            } else {
                format!("{} of {} interactions violate: {}", outcome.violation_count, outcome.checked, Shown(property))
            };
            let mut body = format!("{message}\n");
            for v in &outcome.violations {
                body.push_str(&format!("{} (line {}): {}\n", Shown(&v.id), v.line, Shown(&v.message)));
            }
            (message, body)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expect::Mismatch;
    use crate::testing::TestResult;

    #[test]
    fn failures_carry_expected_and_actual_and_text_is_escaped() {
        let files = vec![FileResult {
            file: "cases/a&b.toml".into(),
            pipeline: "default".into(),
            now: None,
            error: None,
            results: vec![TestResult {
                kind: "case",
                name: "<script>".into(),
                passed: false,
                seconds: 0.0,
                detail: Detail::Case {
                    id: "c1".into(),
                    mismatches: vec![Mismatch {
                        field: "queue".into(),
                        expected: "billing".into(),
                        actual: "orders".into(),
                    }],
                    decision: "queue orders".into(),
                    reasons: vec!["keyword \"x\"".into()],
                },
            }],
            seconds: 0.0,
        }];
        let xml = render(&files);
        assert!(xml.contains("<testsuites name=\"cxr test\" tests=\"1\" failures=\"1\""), "{xml}");
        assert!(xml.contains("<testsuite name=\"cases/a&amp;b.toml\""), "{xml}");
        assert!(xml.contains("name=\"case: &lt;script&gt;\""), "{xml}");
        assert!(xml.contains("message=\"queue: expected billing, actual orders\""), "{xml}");
        assert!(xml.contains("keyword &quot;x&quot;"), "{xml}");
        assert!(!xml.contains("<script>"));
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(xml_escape("a\u{1}b\n"), "a\\u{1}b\\n");
        assert_eq!(xml_escape_block("a\u{1}b\n"), "a\\u{1}b\n");
    }
}
