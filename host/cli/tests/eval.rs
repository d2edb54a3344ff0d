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
