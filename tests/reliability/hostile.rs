//! What a hostile new user found (issue 15): outputs that could eat inputs, signals that were
//! not honoured, fields and records that were dropped, messages that misled. Each test is
//! named after what it guards and failed before its fix.

use super::{dir, Dir, Run, BODY};
use newsclean::input::{Fields, Reader};
use newsclean::output::JsonlSink;
use newsclean::pipeline::{Cancel, Outcome, Pipeline};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// A plain-text article with a headline and two body paragraphs.
fn article(headline: &str) -> String {
    format!("{headline}\n\n{BODY}\n\nA second paragraph of the story, long enough to be kept by the rules.\n")
}

/// A JSONL record line for an article.
fn record_line(id: &str, extra: serde_json::Value) -> String {
    let mut r = serde_json::json!({"id": id, "text": article(&format!("Headline of {id}"))});
    if let (Some(r), Some(extra)) = (r.as_object_mut(), extra.as_object()) {
        r.extend(extra.clone());
    }
    format!("{r}\n")
}

/// Runs the binary in `d` with `args` (nothing added).
fn newsclean(d: &Dir, args: &[&str]) -> (Option<i32>, String, String) {
    let out = d.command().args(args).output().expect("run newsclean");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file name under `dir` (recursively), sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            match path.is_dir() {
                true => walk(root, &path, out),
                false => out.push(path.strip_prefix(root).unwrap().display().to_string()),
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

// Defect 1.
#[test]
fn out_that_is_an_input_file_is_refused_and_the_input_kept() {
    let d = dir!();
    let input = d.write("story.txt", article("A story that must survive"));
    let before = std::fs::read(&input).unwrap();
    let (code, _, stderr) = newsclean(&d, &["clean", "story.txt", "--out", "story.txt", "--force"]);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("is the input story.txt"), "{stderr}");
    assert!(input.is_file(), "still a file");
    assert_eq!(std::fs::read(&input).unwrap(), before, "input intact");
    assert_eq!(files(d.path()), ["story.txt"], "nothing else written");
}

// Defect 1, both directions of containment.
#[test]
fn out_inside_an_input_dir_or_containing_an_input_is_refused() {
    let d = dir!();
    d.write("in/a.txt", article("First headline here"));
    let (code, _, stderr) = newsclean(&d, &["clean", "in", "--out", "in/out"]);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("inside the input"), "{stderr}");
    let (code, _, stderr) = newsclean(&d, &["clean", "in/a.txt", "--out", "in", "--force"]);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("contains the input"), "{stderr}");
    assert_eq!(
        files(d.path()),
        ["in/a.txt"],
        "nothing written, input intact"
    );
}

// Defect 2.
#[test]
fn a_newsclean_output_inside_the_input_is_not_read_again() {
    let d = dir!();
    d.write("in/a.txt", article("First headline here"));
    d.write("in/b.txt", article("Second headline here"));
    let first = d.clean(&["in", "--text-files"]);
    first.assert_counts(2, 0);
    // The output moved into the input tree, as a user who keeps them together would.
    std::fs::rename(d.path().join("out"), d.path().join("in/previous")).unwrap();
    let second = d.clean(&["in"]);
    second.assert_counts(2, 0);
    assert!(
        second
            .stderr
            .contains("in/previous: warning: skipped: an output directory of newsclean"),
        "{}",
        second.stderr
    );
}

/// Two outlets carrying the same wire paragraph, as JSONL records with sites.
fn syndicated(d: &Dir) {
    let wire = "The central bank raised its main interest rate by a quarter point on Thursday, the third increase this year, citing stubborn inflation in services and wages.";
    let mut lines = String::new();
    for (id, site) in [("one", "a.example"), ("two", "b.example")] {
        let text = format!("Rates rise again at {site}\n\n{wire}\n\nLocal reaction at {site} was mixed among shop owners and lenders in the region.");
        lines.push_str(&format!(
            "{}\n",
            serde_json::json!({"id": id, "site": site, "text": text})
        ));
    }
    d.write("in.jsonl", lines);
}

// Defect 3: `run --out -` was refused.
#[test]
fn run_out_dash_streams_records_and_writes_the_report_where_asked() {
    let d = dir!();
    syndicated(&d);
    let (code, stdout, stderr) = newsclean(
        &d,
        &[
            "run",
            "in.jsonl",
            "--out",
            "-",
            "--duplicates",
            "dups.jsonl",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let ids: Vec<String> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a record")["id"].to_string())
        .collect();
    assert_eq!(ids, ["\"one\"", "\"two\""]);
    let dups = std::fs::read_to_string(d.path().join("dups.jsonl")).expect("dups.jsonl");
    assert!(dups.contains("\"syndicated\""), "{dups}");
    assert!(!d.path().join("-").exists(), "no directory named -");
}

// Defect 3: `dedup RECORDS --out -` made a directory named `-`.
#[test]
fn dedup_out_dash_writes_to_stdout_not_a_directory_named_dash() {
    let d = dir!();
    syndicated(&d);
    d.clean(&["in.jsonl"]).assert_counts(2, 0);
    let (code, stdout, stderr) = newsclean(&d, &["dedup", "out/documents.jsonl", "--out", "-"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.contains("syndicated"), "annotated: {stdout}");
    assert!(
        stderr.contains("--duplicates FILE"),
        "says where the report went: {stderr}"
    );
    assert!(!d.path().join("-").exists(), "no directory named -");
}

/// A duplicates writer that receives the signal (the token) as soon as it is written to.
struct SignalOnWrite {
    cancel: Cancel,
    written: usize,
}

impl Write for SignalOnWrite {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.cancel.cancel();
        self.written += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// Defect 4: a signal while duplicates.jsonl was written was ignored.
#[test]
fn a_signal_while_the_duplicates_are_written_interrupts_the_batch() {
    let d = dir!();
    let mut lines = String::new();
    let wire = "Firefighters contained the blaze near the river by Sunday evening after three days of work, officials from the regional emergency service said.";
    for i in 0..40 {
        let text = format!("Headline number {i} of the day\n\n{wire} Paragraph {i}.\n\n{wire}");
        lines.push_str(&format!(
            "{}\n",
            serde_json::json!({"id": format!("d{i}"), "site": format!("s{}.example", i % 5), "text": text})
        ));
    }
    d.write("in.jsonl", lines);
    std::fs::create_dir_all(d.path().join("out")).unwrap();
    let cancel = Cancel::new();
    let pipeline = Pipeline::new(crate::util::cleaner())
        .dedup(Default::default(), Default::default())
        .cancel(cancel.clone());
    let reader = Reader::open(&[d.path().join("in.jsonl")], Fields::default());
    let mut sink = JsonlSink::create(&d.path().join("out"), false).unwrap();
    let mut duplicates = SignalOnWrite {
        cancel: cancel.clone(),
        written: 0,
    };
    let done = pipeline
        .run(
            reader,
            &mut sink,
            &d.path().join("out"),
            Some(&mut duplicates),
        )
        .expect("the batch runs");
    assert!(duplicates.written > 0, "the report was being written");
    assert_eq!(done.outcome, Outcome::Interrupted);
}

// Defect 5: SIGTERM was ignored while an endless line arrived on stdin.
#[test]
fn sigterm_during_an_endless_stdin_line_stops_promptly() {
    let d = dir!();
    let mut child = d
        .command()
        .args(["clean", "-", "--out", "out"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn newsclean");
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let block = [b'y'; 1 << 16];
        // Ends when the reader goes away (broken pipe).
        while stdin.write_all(&block).is_ok() {}
    });
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "still reading the line"
    );
    // SAFETY: signalling our own child.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    let (status, stderr, waited) = super::wait_for(
        child,
        Duration::from_secs(10),
        "newsclean ignored SIGTERM while reading an endless line",
    );
    feeder.join().unwrap();
    eprintln!("endless line: stopped {waited:.2?} after SIGTERM");
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(waited < Duration::from_secs(1), "took {waited:?}");
    assert!(
        !stderr.contains("still running"),
        "not the watchdog: {stderr}"
    );
    assert!(
        !d.path().join("out").exists(),
        "no output from an interrupted run"
    );
}

// Friction: unknown fields were dropped.
#[test]
fn unknown_fields_pass_through_under_metadata_or_at_the_top_level() {
    let d = dir!();
    let extra = serde_json::json!({"crawl": "cc-main", "meta": {"lang": "en", "n": 3}});
    d.write("in.jsonl", record_line("a", extra));
    let run = d.clean(&["in.jsonl"]);
    run.assert_counts(1, 0);
    let r = run.record("a");
    assert_eq!(r["metadata"]["crawl"], "cc-main");
    assert_eq!(r["metadata"]["meta"]["lang"], "en");
    assert!(r.get("crawl").is_none());
    let run = d.clean(&["in.jsonl", "--keep-fields"]);
    let r = run.record("a");
    assert_eq!(r["crawl"], "cc-main");
    assert_eq!(r["meta"]["n"], 3);
    assert!(r.get("metadata").is_none());
}

// Friction: a JSONL file named .json or with no extension was read as one article.
#[test]
fn jsonl_is_recognised_by_content_whatever_the_name() {
    let d = dir!();
    d.write(
        "in/records.json",
        record_line("j1", serde_json::json!({})) + &record_line("j2", serde_json::json!({})),
    );
    d.write("in/dump", record_line("n1", serde_json::json!({})));
    d.write(
        "in/story.jsonl",
        article("A plain story named like records"),
    );
    // Named on the command line (a directory walk takes *.txt, *.jsonl and *.ndjson only).
    let run = d.clean(&["in/records.json", "in/dump", "in/story.jsonl"]);
    run.assert_counts(4, 0);
    for id in ["j1", "j2", "n1", "story"] {
        run.record(id);
    }
    for name in ["in/records.json", "in/dump"] {
        assert!(
            run.stderr.contains(&format!(
                "{name}: warning: the name says one article but the content is JSONL records"
            )),
            "{}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains(
            "in/story.jsonl: warning: the name says JSONL but the content is not JSON records"
        ),
        "{}",
        run.stderr
    );
}

// Friction: records as Python's json.dumps writes them were rejected.
#[test]
fn nan_infinity_and_lone_surrogates_from_python_are_accepted() {
    let d = dir!();
    let text = format!("Headline with a broken \\ud800 character\\n\\n{BODY}");
    let line =
        format!("{{\"id\": \"py\", \"score\": NaN, \"max\": Infinity, \"low\": -Infinity, \"text\": \"{text}\"}}\n");
    d.write("in.jsonl", line);
    let run = d.clean(&["in.jsonl"]);
    run.assert_counts(1, 0);
    let r = run.record("py");
    assert_eq!(r["metadata"]["score"], serde_json::Value::Null);
    assert!(r["text"].as_str().unwrap().contains('\u{fffd}'), "{r}");
    let notes = r["notes"].to_string();
    assert!(notes.contains("surrogate"), "{notes}");
    assert!(notes.contains("NaN or Infinity"), "{notes}");
}

// Friction: `record has no "text" field` was printed once per record.
#[test]
fn a_missing_text_field_is_told_once_with_the_fields_the_records_have() {
    let d = dir!();
    let lines: String = (0..30)
        .map(|i| format!("{{\"id\": {i}, \"body\": \"{BODY}\", \"headline\": \"h\"}}\n"))
        .collect();
    d.write("in.jsonl", lines);
    let run = d.clean(&["in.jsonl"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let told = run
        .stderr
        .lines()
        .filter(|l| l.contains("no \"text\" field"))
        .count();
    assert!(told <= 3, "told {told} times:\n{}", run.stderr);
    assert!(
        run.stderr.contains("body"),
        "names the fields: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--text-field"),
        "names the flag: {}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("30 documents read: 0 written, 30 failed"),
        "{}",
        run.stderr
    );
    let run = d.clean(&["in.jsonl", "--text-field", "body"]);
    run.assert_counts(30, 0);
}

// Friction: a dotted --id-field fell back to generated ids without a word.
#[test]
fn a_dotted_id_field_reads_a_nested_id() {
    let d = dir!();
    d.write(
        "in.jsonl",
        record_line(
            "top",
            serde_json::json!({"meta": {"id": "nested-7", "lang": "en"}}),
        ),
    );
    let run = d.clean(&["in.jsonl", "--id-field", "meta.id"]);
    run.assert_counts(1, 0);
    let r = run.record("nested-7");
    assert_eq!(
        r["metadata"]["meta"]["lang"], "en",
        "the rest of meta kept: {r}"
    );
}

/// A complete output in `out/` from one article; its file list and records.
fn previous_output(d: &Dir) -> (Vec<String>, String) {
    d.write("prev/a.txt", article("The previous run's story"));
    d.clean(&["prev"]).assert_counts(1, 0);
    let out = d.path().join("out");
    (
        files(&out),
        std::fs::read_to_string(out.join("documents.jsonl")).unwrap(),
    )
}

// Friction: a missing input created an empty output; an empty directory said nothing.
#[test]
fn no_input_found_writes_no_output_and_keeps_a_previous_one() {
    let d = dir!();
    let run = d.clean(&["missing.txt"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("missing.txt"), "{}", run.stderr);
    assert!(!d.path().join("out").exists(), "no output created");
    let before = previous_output(&d);
    std::fs::create_dir_all(d.path().join("empty")).unwrap();
    let run = d.clean(&["empty"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("empty: warning"), "{}", run.stderr);
    assert!(run.stderr.contains("out left as it was"), "{}", run.stderr);
    let out = d.path().join("out");
    let after = (
        files(&out),
        std::fs::read_to_string(out.join("documents.jsonl")).unwrap(),
    );
    assert_eq!(after, before, "previous output intact");
}

// Friction: an output where every document failed replaced a good one.
#[test]
fn a_batch_where_every_document_failed_keeps_the_previous_output_unless_asked() {
    let d = dir!();
    let before = previous_output(&d);
    d.write("bad/empty.txt", "");
    let run = d.clean(&["bad"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("all 1 inputs failed"), "{}", run.stderr);
    let out = d.path().join("out");
    assert_eq!(
        std::fs::read_to_string(out.join("documents.jsonl")).unwrap(),
        before.1
    );
    let run = d.clean(&["bad", "--allow-empty"]);
    run.assert_counts(0, 1);
}

// Friction: bytes_read counted only the text fields.
#[test]
fn bytes_read_counts_the_input_bytes_and_text_bytes_the_texts() {
    let d = dir!();
    let padding = "x".repeat(5000);
    let path = d.write(
        "in.jsonl",
        record_line("a", serde_json::json!({"html": padding})),
    );
    let size = std::fs::metadata(&path).unwrap().len();
    let run = d.clean(&["in.jsonl"]);
    run.assert_counts(1, 0);
    let r = run.report();
    assert_eq!(r["bytes_read"].as_u64(), Some(size));
    let text = article("Headline of a").len() as u64;
    assert_eq!(r["text_bytes"].as_u64(), Some(text));
}

// Friction: `--similarity 2` reported the internal name `copy_threshold`.
#[test]
fn an_out_of_range_similarity_is_told_by_its_flag() {
    let d = dir!();
    d.write("in/a.txt", article("A headline for dedup"));
    let (code, _, stderr) = newsclean(&d, &["run", "in", "--out", "out", "--similarity", "2"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("'2' for '--similarity"), "{stderr}");
    assert!(!stderr.contains("copy_threshold"), "{stderr}");
    assert!(!d.path().join("out").exists());
}

// Friction: `rules check` outside the repository did not fall back to the built-in rules.
#[test]
fn rules_check_outside_a_checkout_checks_the_built_in_rules() {
    let d = dir!();
    let (code, stdout, stderr) = newsclean(&d, &["rules", "check"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        format!("{stdout}{stderr}").contains("built-in rules"),
        "{stdout}{stderr}"
    );
    let (code, _, stderr) = newsclean(&d, &["rules", "check", "no-such-dir"]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("no-such-dir"), "{stderr}");
}

// Friction: hidden files were read and .gitignore was not honoured, unlike ripgrep and fd.
#[test]
fn hidden_and_ignored_files_are_skipped_unless_asked() {
    let d = dir!();
    d.write("in/a.txt", article("The visible story"));
    d.write("in/.draft.txt", article("A hidden draft"));
    d.write("in/.cache/c.txt", article("A cached copy"));
    d.write("in/scratch.txt", article("An ignored scratch file"));
    d.write("in/.gitignore", "scratch.txt\n");
    let ids = |run: &Run| -> Vec<String> {
        let mut ids: Vec<String> = run
            .records()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let run = d.clean(&["in"]);
    assert_eq!(ids(&run), ["a"], "{}", run.stderr);
    let run = d.clean(&["in", "--hidden"]);
    assert_eq!(ids(&run), [".draft", "a", "c"], "{}", run.stderr);
    let run = d.clean(&["in", "--no-ignore"]);
    assert_eq!(ids(&run), ["a", "scratch"], "{}", run.stderr);
    // A hidden path named on the command line is read: it was asked for.
    let run = d.clean(&["in/.draft.txt"]);
    assert_eq!(ids(&run), [".draft"], "{}", run.stderr);
}
