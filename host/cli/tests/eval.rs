//! `cxr eval` on a labelled file through the real binary: the figures add up
//! and bad input is reported with its place.

use std::process::Command;

fn eval(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cxr"))
        .arg("eval")
        .args(args)
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .output()
        .unwrap()
}

#[test]
fn a_labelled_file_gives_consistent_figures() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("eval-test");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("gold.tsv");
    std::fs::write(
        &file,
        "label\ttext\n\
         negative\tI was charged twice and still no refund, this is unacceptable!!\n\
         negative\tOn hold for an hour and then they hung up on me.\n\
         positive\tThanks so much, the agent sorted it out in minutes. Great service!\n\
         positive\tLove the new app, works perfectly now :)\n\
         neutral\tHow do I change the address on my account?\n\
         neutral\tMy order number is A123.\n",
    )
    .unwrap();
    let out = eval(&[file.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["rows"], 6);
    assert_eq!(r["scored"], 6);
    assert_eq!(r["errors"], 0);
    let confusion: Vec<Vec<u64>> = serde_json::from_value(r["confusion"].clone()).unwrap();
    assert_eq!(confusion.iter().flatten().sum::<u64>(), 6);
    let correct: u64 = (0..3).map(|i| confusion[i][i]).sum();
    let accuracy = r["accuracy"].as_f64().unwrap();
    assert!((accuracy - correct as f64 / 6.0).abs() < 1e-9);
    // These six are plain enough that the reference plugin gets them all.
    assert_eq!(correct, 6, "{r:#}");
    assert!(r["pearson_r"].is_null(), "label gold has no Pearson r");
}

#[test]
fn a_missing_column_is_named() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("eval-test");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("nogold.tsv");
    std::fs::write(&file, "text\nhello\n").unwrap();
    let out = eval(&[file.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nogold.tsv"), "{stderr}");
    assert!(stderr.to_lowercase().contains("column"), "{stderr}");
}

/// A small intent file written for this test, five languages.
const INTENTS: &str = "# intent\ttext\n\
intent\ttext\n\
billing\tI was charged twice for my subscription this month, please refund the duplicate payment.\n\
billing\tMeine Rechnung ist viel zu hoch, Sie haben mir 30 Euro zu viel abgebucht.\n\
delivery\tMy parcel was supposed to arrive on Monday and the tracking has not moved for a week.\n\
delivery\tMi pedido todavía no ha llegado, el seguimiento dice que está en reparto desde hace días.\n\
cancellation\tI want to cancel my contract and switch to another provider.\n\
cancellation\tJe veux résilier mon abonnement, je pars chez la concurrence.\n\
account\tI forgot my password and cannot log in to my account.\n\
outage\tYour service is down for everyone in our office since 9am, nothing loads.\n";

fn intent_file() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("eval-test");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("intents.tsv");
    std::fs::write(&file, INTENTS).unwrap();
    file
}

#[test]
fn the_intent_signal_is_scored_per_class() {
    let file = intent_file();
    let path = file.to_str().unwrap();
    let args = ["--signal", "intent", "--gold", "intent", "--comment", "#", path];
    let out = eval(&[&args[..], &["--json"]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((r["rows"].as_u64(), r["scored"].as_u64(), r["errors"].as_u64()), (Some(8), Some(8), Some(0)), "{r:#}");
    assert_eq!(r["signal"], "intent");
    let classes: Vec<String> = serde_json::from_value(r["confusion"]["classes"].clone()).unwrap();
    let matrix: Vec<Vec<u64>> = serde_json::from_value(r["confusion"]["matrix"].clone()).unwrap();
    assert_eq!(matrix.len(), classes.len());
    assert_eq!(matrix.iter().flatten().sum::<u64>(), 8);
    for gold in ["billing", "delivery", "cancellation", "account", "outage"] {
        assert!(classes.iter().any(|c| c == gold), "{gold} missing from {classes:?}");
    }
    // per-class figures agree with the matrix, macro-F1 is their mean
    let per_class = r["per_class"].as_array().unwrap();
    assert_eq!(per_class.len(), classes.len());
    let mut f1_sum = 0.0;
    for (i, c) in per_class.iter().enumerate() {
        assert_eq!(c["class"], classes[i]);
        let support: u64 = matrix[i].iter().sum();
        let predicted: u64 = matrix.iter().map(|row| row[i]).sum();
        assert_eq!(c["support"].as_u64(), Some(support));
        assert_eq!(c["predicted"].as_u64(), Some(predicted));
        if support > 0 {
            let recall = matrix[i][i] as f64 / support as f64;
            assert!((c["recall"].as_f64().unwrap() - recall).abs() < 1e-9);
        }
        f1_sum += c["f1"].as_f64().unwrap();
    }
    assert!((r["macro_f1"].as_f64().unwrap() - f1_sum / classes.len() as f64).abs() < 1e-9);
    // These eight are plain enough that the reference classifier gets them all.
    assert_eq!(r["accuracy"].as_f64(), Some(1.0), "{r:#}");
    assert!(r["median_micros"].as_f64().unwrap() > 0.0);

    let out = eval(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for part in ["macro-F1", "precision", "recall", "confusion (rows: gold, columns: predicted)", "cancellation"] {
        assert!(text.contains(part), "{part:?} missing from\n{text}");
    }
}

#[test]
fn a_signal_no_classifier_emits_is_an_error_per_row() {
    let file = intent_file();
    let out = eval(&["--signal", "topic", "--gold", "intent", "--comment", "#", file.to_str().unwrap(), "--json"]);
    assert!(!out.status.success());
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((r["scored"].as_u64(), r["errors"].as_u64()), (Some(0), Some(8)));
    assert_eq!(r["error_examples"][0]["line"].as_u64(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("topic"), "{stderr}");
}

#[test]
fn privacy_is_measured_per_kind_format_and_class() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("eval-test");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("labelled.jsonl");
    std::fs::write(
        &file,
        concat!(
            "# two cards, an e-mail address, a phone number a masker cannot know, and a date\n",
            r#"{"text": "Karte 4111 1111 1111 1111 am 05.11.2026", "language": "de", "labels": [{"kind": "card", "format": "spaces", "value": "4111 1111 1111 1111"}, {"kind": "none", "format": "date", "value": "05.11.2026"}]}"#,
            "\n",
            r#"{"text": "card 5555-5555-5555-4444", "labels": [{"kind": "card", "format": "dashes", "value": "5555-5555-5555-4444"}]}"#,
            "\n",
            r#"{"text": "mail jane dot doe at example dot com", "labels": [{"kind": "email", "format": "spelled", "value": "jane dot doe at example dot com"}]}"#,
            "\n",
            r#"{"text": "ring 12 34", "labels": [{"kind": "phone", "format": "too-short", "value": "12 34"}]}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = eval(&["--privacy", file.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["messages"], 4);
    assert_eq!(r["kinds"]["card"]["recall"]["rate"], 1.0);
    assert_eq!(r["kinds"]["card"]["formats"]["dashes"]["items"], 1);
    assert_eq!(r["kinds"]["email"]["recall"]["hits"], 1);
    assert_eq!(r["kinds"]["phone"]["recall"]["rate"], 0.0);
    assert_eq!(r["kinds"]["phone"]["misses"][0]["line"], 5);
    assert_eq!(r["classes"]["date"]["false_positives"]["hits"], 0);

    // text, and a pipeline without [privacy] is refused
    let out = eval(&["--privacy", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("recall per kind") && text.contains("false positives per class"), "{text}");
    let pipeline = dir.join("no-privacy.toml");
    std::fs::write(&pipeline, "name = \"plain\"\n").unwrap();
    let out = eval(&["--privacy", "--pipeline", pipeline.to_str().unwrap(), file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [privacy]"));
}
