//! Every run accounts for every document: `documents_read = written + failed`, printed and in
//! `run.json` with the failures, the rule-file versions and the command line; exit 2 when
//! anything failed.

use super::{dir, samples, BODY};
use std::path::Path;

/// FNV-1a 64, as `run.json` reports rule-file versions.
fn fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[test]
fn run_json_accounts_for_every_document() {
    let d = dir!();
    for (name, text) in samples() {
        d.write(&format!("in/{name}"), text);
    }
    d.write("in/zz-empty.txt", "");
    d.write(
        "in/zz.jsonl",
        format!(
            "{}\n{{\"id\": 1}}\nnot json\n",
            serde_json::json!({"id": "j", "text": format!("Headline\n\n{BODY}")})
        ),
    );
    let run = d.clean(&["in", "missing-dir"]);
    run.assert_counts(6, 4);
    let r = run.report();
    assert_eq!(
        r["command"],
        serde_json::json!([
            env!("CARGO_BIN_EXE_newsclean"),
            "clean",
            "in",
            "missing-dir",
            "--out",
            "out",
            "--force",
            "--no-classifier"
        ])
    );
    let failures = run.failures();
    let locations: Vec<&str> = failures.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        locations,
        [
            "missing-dir",
            "in/zz-empty.txt",
            "in/zz.jsonl:2",
            "in/zz.jsonl:3"
        ]
    );
    assert!(failures.iter().all(|(_, reason)| !reason.is_empty()));
    // Rule-file versions: every built-in file, with the digest of its bytes.
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let files = r["rule_files"].as_array().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&rules)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(files.len(), names.len());
    for (file, name) in files.iter().zip(&names) {
        assert_eq!(file["path"], format!("rules/{name}"));
        assert_eq!(
            file["digest"],
            fnv(&std::fs::read(rules.join(name)).unwrap())
        );
    }
    assert_eq!(r["interrupted"], false);
    // Removals are attributed to rules that exist.
    let by_rule = r["removals_by_rule"].as_object().unwrap();
    assert!(!by_rule.is_empty());
    let total: u64 = by_rule.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(r["removals"].as_u64(), Some(total));
}

#[test]
fn exit_code_is_0_only_when_nothing_failed() {
    let d = dir!();
    d.write("in/a.txt", format!("Headline one\n\n{BODY}"));
    let ok = d.clean(&["in"]);
    ok.assert_counts(1, 0);
    d.write("in/b.txt", " ");
    let bad = d.clean(&["in"]);
    bad.assert_counts(1, 1);
    // Streaming to stdout: no run.json, but the summary and the exit code still tell.
    let out = d
        .command()
        .args(["clean", "in", "--out", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 documents read: 1 written, 1 failed"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

#[test]
fn failures_beyond_twenty_are_counted_not_printed() {
    let d = dir!();
    let lines: String = (0..50)
        .map(|i| format!("{{\"id\": {i}, \"text\": {i}}}\n"))
        .collect();
    d.write("in.jsonl", lines);
    let run = d.clean(&["in.jsonl"]);
    // No record written, and no previous output: documents.jsonl is empty but present.
    let r = run.report();
    assert_eq!(
        (r["documents_read"].as_u64(), r["documents_failed"].as_u64()),
        (Some(50), Some(50))
    );
    assert_eq!(
        r["failures"].as_array().unwrap().len(),
        50,
        "all listed in run.json"
    );
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("newsclean: in.jsonl:"))
            .count(),
        20,
        "told by line"
    );
    assert!(run
        .stderr
        .contains("; 50 failed: field \"text\" is not a string"));
    assert!(run.stderr.contains("more failures: only counted from here"));
    assert_eq!(run.code, Some(2));
}
