//! The binary as a user runs it: outputs, exit codes, refusing to overwrite, stdout streaming,
//! failures reported with their location while the batch goes on.

use crate::util::{newsclean, root};
use serde_json::Value;

fn records(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("read records")
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON"))
        .collect()
}

#[test]
fn clean_samples_writes_records_text_and_run_report() {
    let dir = crate::tempdir!();
    let samples = root().join("samples");
    let out = newsclean(
        &dir.0,
        &[
            "clean",
            samples.to_str().expect("utf-8 path"),
            "--out",
            "out",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&dir.path("out/documents.jsonl"));
    assert_eq!(recs.len(), 5);
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().expect("id")).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "input order is file name order");
    for r in &recs {
        for key in [
            "id",
            "site",
            "text",
            "paragraphs",
            "removed",
            "site_source",
            "source",
        ] {
            assert!(r.get(key).is_some(), "record lacks {key}");
        }
        // What was not found is left out, never written as null or [].
        for key in ["title", "section", "published", "updated", "author", "url"] {
            assert!(r.get(key).is_none_or(Value::is_string), "{key}: {}", r[key]);
        }
        for key in ["credits", "platforms", "notes"] {
            let list = r.get(key).map(|v| v.as_array().expect("a list"));
            assert!(list.is_none_or(|l| !l.is_empty()), "{key}: []");
        }
        let text = std::fs::read_to_string(
            dir.path(&format!("out/text/{}.txt", r["id"].as_str().expect("id"))),
        )
        .expect("text file");
        assert_eq!(text.trim_end(), r["text"].as_str().expect("text"));
    }
    let run: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("out/run.json")).expect("run.json"))
            .expect("json");
    assert_eq!(run["documents_read"], 5);
    assert_eq!(run["documents_written"], 5);
    assert!(run["rule_files"].as_array().is_some_and(|a| a.len() >= 6));
    // No staging directory is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn text_files_for_text_inputs_and_when_asked() {
    let dir = crate::tempdir!();
    let body = "A body line that stays in the output of the run, long enough to keep.";
    dir.write("txt/a.txt", format!("ADVERTISEMENT\n\n{body}\n"));
    dir.write(
        "recs.jsonl",
        format!("{{\"id\": \"r\", \"text\": \"{body}\"}}\n"),
    );
    dir.write("mixed/a.txt", body);
    dir.write(
        "mixed/b.jsonl",
        format!("{{\"id\": \"b\", \"text\": \"{body}\"}}\n"),
    );
    let cases: [(&[&str], &str, bool); 6] = [
        (&["txt"], "text/a.txt", true),
        (&["recs.jsonl"], "text/r.txt", false),
        (&["mixed"], "text/a.txt", false),
        (&["recs.jsonl", "--text-files"], "text/r.txt", true),
        (&["txt", "--no-text-files"], "text/a.txt", false),
        (&["mixed", "--text-files"], "text/b.txt", true),
    ];
    for (i, (args, file, written)) in cases.into_iter().enumerate() {
        for command in ["clean", "run"] {
            let out_dir = format!("out-{command}-{i}");
            let mut argv = vec![command];
            argv.extend(args);
            argv.extend(["--out", &out_dir, "--quiet"]);
            let out = newsclean(&dir.0, &argv);
            assert!(
                out.status.success(),
                "{argv:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                dir.path(&format!("{out_dir}/{file}")).exists(),
                written,
                "{argv:?}"
            );
            assert_eq!(
                dir.path(&format!("{out_dir}/text")).exists(),
                written,
                "{argv:?}"
            );
        }
    }
}

#[test]
fn existing_output_needs_force() {
    let dir = crate::tempdir!();
    dir.write(
        "in/a.txt",
        "ADVERTISEMENT\n\nA body line that stays in the output of the run.\n",
    );
    dir.write("out/keep.me", "old");
    let out = newsclean(&dir.0, &["clean", "in", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("out: already exists (use --force to replace it)"));
    assert!(
        dir.path("out/keep.me").exists(),
        "untouched without --force"
    );
    let out = newsclean(&dir.0, &["clean", "in", "--out", "out", "--force"]);
    assert!(out.status.success());
    assert!(!dir.path("out/keep.me").exists() && dir.path("out/documents.jsonl").exists());
}

#[test]
fn failures_are_located_counted_and_the_batch_goes_on() {
    let dir = crate::tempdir!();
    dir.write("in/pages.jsonl", "{\"id\":\"a\",\"text\":\"Body of a.\",\"url\":\"https://www.scmp.com/x\"}\n{broken\n{\"id\":\"c\",\"text\":\"Body of c.\"}\n");
    dir.write("in/empty.txt", "");
    let out = newsclean(&dir.0, &["clean", "in", "missing.txt", "--out", "out"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("missing.txt: no such file or directory"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in/pages.jsonl:2: invalid JSON"),
        "{stderr}"
    );
    assert!(stderr.contains("in/empty.txt: empty input"), "{stderr}");
    let recs = records(&dir.path("out/documents.jsonl"));
    assert_eq!(
        recs.iter()
            .map(|r| r["id"].as_str().expect("id"))
            .collect::<Vec<_>>(),
        ["a", "c"]
    );
    assert_eq!(recs[0]["site"], "scmp");
    assert_eq!(recs[0]["site_source"], "url");
    let run: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("out/run.json")).expect("run.json"))
            .expect("json");
    assert_eq!(
        (
            run["documents_read"].as_u64(),
            run["documents_written"].as_u64(),
            run["documents_failed"].as_u64()
        ),
        (Some(5), Some(2), Some(3))
    );
}

#[test]
fn stdout_mode_streams_records() {
    let dir = crate::tempdir!();
    let sample = root().join("samples/scmp-nk-diplomat.txt");
    let out = newsclean(
        &dir.0,
        &[
            "clean",
            sample.to_str().expect("utf-8"),
            "--out",
            "-",
            "--quiet",
        ],
    );
    assert!(out.status.success());
    let rec: Value = serde_json::from_slice(&out.stdout).expect("one JSON record");
    assert_eq!(rec["site"], "scmp");
    assert_eq!(rec["credits"], serde_json::json!(["AFP"]));
    assert!(
        out.stderr.is_empty(),
        "quiet: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn explain_marks_removed_lines_with_rule_ids() {
    let dir = crate::tempdir!();
    let sample = root().join("samples/theblaze-nk-ambassador.txt");
    let out = newsclean(&dir.0, &["explain", sample.to_str().expect("utf-8")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("   1 - generic:copyright"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("  29 - ") && l.contains("tip")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("   9   ")), "{text}");
}

#[test]
fn rules_check_reports_file_line_and_rule() {
    let dir = crate::tempdir!();
    dir.write("rules/bad.toml", "[site]\nname = \"bad\"\n\n[[rule]]\nid = \"promo\"\naction = \"drop_line\"\npattern = '(unclosed'\n");
    let out = newsclean(&dir.0, &["rules", "check", "rules"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rules/bad.toml:7: rule \"promo\": invalid regex in `pattern`"),
        "{stderr}"
    );
    // Every other command refuses to start on broken rules, with the same message.
    dir.write("a.txt", "text\n");
    let out = newsclean(
        &dir.0,
        &["clean", "a.txt", "--rules", "rules", "--out", "o"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("rules/bad.toml:7: rule \"promo\": invalid regex"));
    assert!(!dir.path("o").exists());
}

#[test]
fn shipped_rules_check_clean() {
    let dir = crate::tempdir!();
    let rules = root().join("rules");
    let out = newsclean(&dir.0, &["rules", "check", rules.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// (site, input line) pairs of each syndicated or shared-quote cluster found by `run` on the samples.
fn clusters_by_line(out: &std::path::Path) -> Vec<(String, Vec<(String, u64)>)> {
    let recs = records(&out.join("documents.jsonl"));
    let mut clusters: std::collections::BTreeMap<u64, (String, Vec<(String, u64)>)> =
        Default::default();
    for r in &recs {
        for p in r["paragraphs"].as_array().expect("paragraphs") {
            if let Some(c) = p["cluster"].as_u64() {
                let entry = clusters
                    .entry(c)
                    .or_insert_with(|| (p["kind"].as_str().expect("kind").to_string(), vec![]));
                entry.1.push((
                    r["site"].as_str().expect("site").to_string(),
                    p["line"].as_u64().expect("line"),
                ));
            }
        }
    }
    clusters.into_values().collect()
}

#[test]
fn run_on_samples_flags_exactly_the_seeds_pairs() {
    let dir = crate::tempdir!();
    let samples = root().join("samples");
    let out = newsclean(
        &dir.0,
        &["run", samples.to_str().expect("utf-8"), "--out", "out"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let clusters = clusters_by_line(&dir.path("out"));
    let syndicated: Vec<&Vec<(String, u64)>> = clusters
        .iter()
        .filter(|(k, _)| k == "syndicated")
        .map(|(_, m)| m)
        .collect();
    let pair = |a: u64, b: u64| vec![("scmp".to_string(), a), ("thelocal".to_string(), b)];
    assert_eq!(
        syndicated,
        [&pair(20, 10), &pair(30, 28), &pair(32, 36)],
        "all clusters: {clusters:?}"
    );
    // The Daily Beast quotes SCMP 30's JoongAng passage inside its own sentence: weaker.
    for (kind, members) in &clusters {
        if members.contains(&("dailybeast".to_string(), 22)) {
            assert_eq!(kind, "shared-quote");
        }
    }
    let dups = std::fs::read_to_string(dir.path("out/duplicates.jsonl")).expect("duplicates.jsonl");
    assert!(dups
        .lines()
        .all(|l| serde_json::from_str::<Value>(l).is_ok()));
    assert!(
        dups.contains("\"AFP\""),
        "wire credit reported with its clusters"
    );
    let run: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("out/run.json")).expect("run.json"))
            .expect("json");
    assert_eq!(run["clusters"]["syndicated"], 3);
    assert!(
        !dir.path("out/.cleaned.jsonl").exists(),
        "staged records are not left in the output"
    );
}

/// The members' texts in a duplicates.jsonl, in file order.
fn member_texts(path: &std::path::Path) -> Vec<String> {
    records(path)
        .iter()
        .flat_map(|c| c["members"].as_array().cloned().unwrap_or_default())
        .map(|m| m["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn duplicates_texts_are_read_back_across_skipped_long_lines() {
    // Between two records, a broken line longer than one positioned read: the texts of the
    // clusters' members are still read back, line by line.
    let dir = crate::tempdir!();
    let samples = root().join("samples");
    let clean = [
        "clean",
        samples.to_str().expect("utf-8"),
        "--out",
        "clean",
        "--quiet",
    ];
    assert!(newsclean(&dir.0, &clean).status.success());
    let records = std::fs::read_to_string(dir.path("clean/documents.jsonl")).expect("records");
    let long = "x".repeat(2 << 20);
    let padded: String = records.lines().map(|l| format!("{l}\n{long}\n")).collect();
    dir.write("padded.jsonl", padded);
    let plain = newsclean(
        &dir.0,
        &["dedup", "clean/documents.jsonl", "--out", "a", "--quiet"],
    );
    assert!(
        plain.status.success(),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    let padded = newsclean(&dir.0, &["dedup", "padded.jsonl", "--out", "b", "--quiet"]);
    assert_eq!(
        padded.status.code(),
        Some(2),
        "the broken lines are failures"
    );
    let texts = member_texts(&dir.path("a/duplicates.jsonl"));
    assert!(!texts.is_empty() && texts.iter().all(|t| !t.is_empty()));
    assert_eq!(member_texts(&dir.path("b/duplicates.jsonl")), texts);
}

#[test]
fn dedup_on_clean_records_drops_later_copies() {
    let dir = crate::tempdir!();
    let samples = root().join("samples");
    assert!(newsclean(
        &dir.0,
        &[
            "clean",
            samples.to_str().expect("utf-8"),
            "--out",
            "clean",
            "--quiet"
        ]
    )
    .status
    .success());
    let out = newsclean(
        &dir.0,
        &[
            "dedup",
            "clean/documents.jsonl",
            "--out",
            "dd",
            "--dedup",
            "drop",
            "--quiet",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&dir.path("dd/documents.jsonl"));
    let local = recs
        .iter()
        .find(|r| r["site"] == "thelocal")
        .expect("thelocal record");
    let dropped: Vec<&Value> = local["removed"]
        .as_array()
        .expect("removed")
        .iter()
        .filter(|r| r["rule"].as_str().is_some_and(|s| s.starts_with("dedup:")))
        .collect();
    let lines: Vec<u64> = dropped
        .iter()
        .map(|r| r["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(
        lines,
        [10, 28, 36],
        "The Local's copies of SCMP's earlier paragraphs are dropped"
    );
    assert!(!local["text"]
        .as_str()
        .expect("text")
        .contains("The Kim dynasty has ruled"));
    let scmp = recs
        .iter()
        .find(|r| r["site"] == "scmp")
        .expect("scmp record");
    assert!(
        scmp["text"]
            .as_str()
            .expect("text")
            .contains("The Kim dynasty has ruled"),
        "first occurrence kept"
    );
    let beast = recs
        .iter()
        .find(|r| r["site"] == "dailybeast")
        .expect("beast");
    assert!(
        beast["removed"]
            .as_array()
            .expect("removed")
            .iter()
            .all(|r| !r["rule"].as_str().unwrap_or("").starts_with("dedup:")),
        "a shared quote is not dropped"
    );
}

#[test]
fn sketch_writes_a_shard_per_jsonl_file_and_refuses_to_overwrite() {
    let dir = crate::tempdir!();
    let samples = root().join("samples");
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(&samples).expect("samples") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("sample");
        let id = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        lines.push(serde_json::json!({"id": id, "text": text}).to_string());
    }
    lines.sort();
    dir.write("a.jsonl", lines[..2].join("\n") + "\n");
    dir.write("b.jsonl", lines[2..].join("\n") + "\n");
    let sketch = |extra: &[&str]| {
        let mut args = vec!["sketch", "a.jsonl", "b.jsonl", "--out", "sk", "-q"];
        args.extend_from_slice(extra);
        newsclean(&dir.0, &args)
    };
    let out = sketch(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path("sk"))
        .expect("output")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "_config.json",
            "sketches-00000.parquet",
            "sketches-00001.parquet"
        ]
    );
    let config: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path("sk/_config.json")).expect("config"),
    )
    .expect("JSON");
    assert_eq!(config["anchor_max_df"], 64);
    let again = sketch(&[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert!(sketch(&["--force", "--first-shard", "7"]).status.success());
    assert!(dir.path("sk/sketches-00008.parquet").exists());
    assert!(!dir.path("sk/sketches-00000.parquet").exists());
}

// `sketch` wrote an output directory (and exited 0 on an empty input) when no document was
// sketched, where `clean` and `run` write nothing unless --allow-empty.
#[test]
fn sketch_writes_nothing_when_no_document_was_sketched_unless_allowed() {
    let dir = crate::tempdir!();
    std::fs::write(dir.path("empty.jsonl"), "").expect("write");
    for (input, why) in [
        ("missing.jsonl", "all 1 inputs failed"),
        ("empty.jsonl", "no input documents were found"),
    ] {
        let out = newsclean(&dir.0, &["sketch", input, "--out", "sk", "-q"]);
        assert_eq!(out.status.code(), Some(2), "{input}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(why) && stderr.contains("--allow-empty"),
            "{stderr}"
        );
        assert!(!dir.path("sk").exists(), "{input}: an output was written");
    }
    let out = newsclean(
        &dir.0,
        &[
            "sketch",
            "empty.jsonl",
            "--out",
            "sk",
            "--allow-empty",
            "-q",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path("sk/_config.json").is_file());
}
