//! `newsclean report` and `run --report` (issue 18): the page's content checked against the
//! run's own files, the inputs read back for removed lines (and refused when they changed),
//! and the sample's bound. The browser check (`tests/report/browser_check.py`, run by CI)
//! opens the same page in Chromium.

use crate::util::{newsclean, root};
use newsclean::html_report::{self, Limits};
use serde_json::Value;
use std::path::Path;

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `text` escaped as the page escapes it.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The value of `data-figure="name"`, thin spaces dropped.
fn figure(page: &str, name: &str) -> u64 {
    let at = page
        .find(&format!("data-figure=\"{name}\">"))
        .unwrap_or_else(|| panic!("no figure {name}"));
    let rest = &page[at..];
    let value = &rest[rest.find('>').expect("tag") + 1..rest.find('<').expect("end")];
    value
        .replace('\u{2009}', "")
        .parse()
        .unwrap_or_else(|_| panic!("figure {name}: {value:?}"))
}

fn code_points(text: &str, span: &Value) -> String {
    let (a, b) = (
        span[0].as_u64().expect("start"),
        span[1].as_u64().expect("end"),
    );
    text.chars()
        .skip(a as usize)
        .take((b - a) as usize)
        .collect()
}

#[test]
fn report_of_the_samples_shows_the_runs_figures_clusters_and_removals() {
    let dir = crate::tempdir!();
    let samples = root().join("samples");
    let samples = samples.to_str().expect("utf-8 path");
    ok(&newsclean(
        &dir.0,
        &["run", samples, "--out", "out", "--report", "-q"],
    ));
    let page = std::fs::read_to_string(dir.path("out/report.html")).expect("report.html");
    let records = lines(&dir.path("out/documents.jsonl"));
    let clusters = lines(&dir.path("out/duplicates.jsonl"));

    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no network"
    );
    assert_eq!(figure(&page, "documents-written"), records.len() as u64);
    let paragraphs: usize = records
        .iter()
        .map(|r| r["paragraphs"].as_array().expect("paragraphs").len())
        .sum();
    let removals: usize = records
        .iter()
        .map(|r| r["removed"].as_array().expect("removed").len())
        .sum();
    assert_eq!(figure(&page, "paragraphs-kept"), paragraphs as u64);
    assert_eq!(figure(&page, "removals"), removals as u64);
    let syndicated: Vec<&Value> = clusters
        .iter()
        .filter(|c| c["kind"] == "syndicated")
        .collect();
    assert_eq!(
        figure(&page, "clusters-syndicated"),
        syndicated.len() as u64
    );
    for c in &syndicated {
        let tag = format!("id=\"cluster-{}\" data-cluster=\"{}\" data-filter=\"cluster\" data-kind=\"syndicated\"", c["id"], c["id"]);
        assert!(page.contains(&tag), "cluster {} missing", c["id"]);
        for m in c["members"].as_array().expect("members") {
            let member = format!("data-member=\"{}\"", esc(m["doc"].as_str().expect("doc")));
            assert!(
                page.contains(&member),
                "cluster {}: member {member}",
                c["id"]
            );
        }
    }

    // Every removal of every document is struck through with its rule, its text the input
    // sliced by its span; every clustered paragraph has its badge.
    for r in &records {
        let original = std::fs::read_to_string(dir.0.join(r["source"].as_str().expect("source")))
            .expect("the sample");
        for x in r["removed"].as_array().expect("removed") {
            let (a, b) = (&x["original"][0], &x["original"][1]);
            let del = format!(
                "<del class=\"rm\" data-rule=\"{}\" data-span=\"{a}-{b}\" title=\"line {} · {}\">{}</del>",
                esc(x["rule"].as_str().expect("rule")),
                x["line"],
                esc(x["rule"].as_str().expect("rule")),
                esc(&code_points(&original, &x["original"]))
            );
            assert!(page.contains(&del), "{}: no {del}", r["id"]);
        }
        for p in r["paragraphs"].as_array().expect("paragraphs") {
            if let Some(id) = p["cluster"].as_u64() {
                assert!(
                    page.contains(&format!("data-badge=\"{id}\" href=\"#cluster-{id}\"")),
                    "badge {id}"
                );
            }
        }
    }

    // The command reads the same files into the same page.
    std::fs::rename(dir.path("out/report.html"), dir.path("first.html")).expect("move");
    ok(&newsclean(&dir.0, &["report", "out"]));
    let again = std::fs::read_to_string(dir.path("out/report.html")).expect("report.html");
    assert!(again == page, "`report` and `run --report` differ");
}

#[test]
fn removed_lines_are_read_back_from_jsonl_inputs_with_the_runs_field_names() {
    let dir = crate::tempdir!();
    let text =
        std::fs::read_to_string(root().join("samples/scmp-nk-diplomat.txt")).expect("sample");
    let record = serde_json::json!({"id": "a<1>", "body": text, "site": "scmp"});
    dir.write("pages.jsonl", format!("{record}\n"));
    ok(&newsclean(
        &dir.0,
        &[
            "run",
            "pages.jsonl",
            "--text-field",
            "body",
            "--out",
            "out",
            "-q",
        ],
    ));
    ok(&newsclean(&dir.0, &["report", "out"]));
    let page = std::fs::read_to_string(dir.path("out/report.html")).expect("report.html");
    let rec = &lines(&dir.path("out/documents.jsonl"))[0];
    assert_eq!(rec["source"], "pages.jsonl:1");
    let first = &rec["removed"][0];
    let removed = esc(&code_points(&text, &first["original"]));
    assert!(page.contains(&format!("{removed}</del>")), "no {removed:?}");
    assert!(
        page.contains("data-doc=\"a&lt;1&gt;\""),
        "the id is escaped"
    );
    assert!(!page.contains("Original not shown"));

    // An input changed since the run is not sliced: the page says so and shows no wrong words.
    let other = serde_json::json!({"id": "a<1>", "body": "Something else entirely.\n\nNothing like it.", "site": "scmp"});
    dir.write("pages.jsonl", format!("{other}\n"));
    ok(&newsclean(&dir.0, &["report", "out"]));
    let page = std::fs::read_to_string(dir.path("out/report.html")).expect("report.html");
    assert!(page.contains("Original not shown: the input changed since the run"));
    assert!(page.contains("(text not available: the input could not be read back)"));
    assert!(!page.contains(&format!("{removed}</del>")));
}

#[test]
fn records_with_removed_text_need_no_inputs() {
    let dir = crate::tempdir!();
    std::fs::copy(
        root().join("samples/theblaze-nk-ambassador.txt"),
        dir.path("page.txt"),
    )
    .expect("copy");
    ok(&newsclean(
        &dir.0,
        &["clean", "page.txt", "--removed-text", "--out", "out", "-q"],
    ));
    std::fs::remove_file(dir.path("page.txt")).expect("remove input");
    ok(&newsclean(&dir.0, &["report", "out"]));
    let page = std::fs::read_to_string(dir.path("out/report.html")).expect("report.html");
    let rec = &lines(&dir.path("out/documents.jsonl"))[0];
    for x in rec["removed"].as_array().expect("removed") {
        let text = esc(x["text"].as_str().expect("removed text"));
        assert!(page.contains(&format!("{text}</del>")), "no {text:?}");
    }
    assert!(page.contains("Original not shown"));
    assert!(
        page.contains("Not looked for in this run"),
        "clean runs no dedup"
    );
}

#[test]
fn the_sample_is_bounded_and_the_aggregates_are_not() {
    let dir = crate::tempdir!();
    let mut jsonl = String::new();
    let names = [
        "scmp-nk-diplomat",
        "thelocal-nk-diplomat",
        "theblaze-nk-ambassador",
    ];
    for i in 0..60 {
        let name = names[i % names.len()];
        let text =
            std::fs::read_to_string(root().join(format!("samples/{name}.txt"))).expect("sample");
        jsonl.push_str(&serde_json::json!({"id": format!("{name}-{i}"), "text": text}).to_string());
        jsonl.push('\n');
    }
    dir.write("pages.jsonl", jsonl);
    ok(&newsclean(
        &dir.0,
        &["run", "pages.jsonl", "--out", "out", "-q"],
    ));
    let limits = Limits {
        documents: 8,
        first_documents: 2,
        clusters_per_kind: 3,
        members_per_cluster: 4,
        samples_per_rule: 2,
        ..Limits::default()
    };
    let report = html_report::collect(&dir.path("out"), None, limits).expect("report");
    let records = lines(&dir.path("out/documents.jsonl"));
    assert_eq!(report.totals.documents, 60);
    let removals: usize = records
        .iter()
        .map(|r| r["removed"].as_array().expect("removed").len())
        .sum();
    assert_eq!(report.totals.removals, removals as u64);
    assert!(
        report.documents.len() <= 8,
        "{} documents",
        report.documents.len()
    );
    assert!(
        report.documents.iter().all(|d| d.original.is_some()),
        "originals read back"
    );
    for (kind, stats) in &report.clusters {
        let shown = report
            .cluster_samples
            .iter()
            .filter(|c| &c.kind == kind)
            .count();
        assert_eq!(shown as u64, stats.clusters.min(3), "{kind}");
    }
    let clusters: u64 = report.clusters.values().map(|s| s.clusters).sum();
    assert!(
        clusters > report.cluster_samples.len() as u64,
        "more clusters than shown"
    );
    assert!(report.cluster_samples.iter().all(|c| c.members.len() <= 4));
    assert!(report
        .rules
        .values()
        .all(|r| r.samples.len() <= 2 && r.samples.iter().all(|s| s.text.is_some())));
}

#[test]
fn report_refuses_what_it_cannot_read() {
    let dir = crate::tempdir!();
    let out = newsclean(&dir.0, &["report", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no documents.jsonl"));
    let samples = root().join("samples");
    let out = newsclean(
        &dir.0,
        &[
            "run",
            samples.to_str().expect("path"),
            "--out",
            "o",
            "--format",
            "dolma",
            "--report",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--report reads the run's documents.jsonl")
    );
    assert!(!dir.path("o").exists(), "refused before the run");
}

// A broken line of an output file is named by file and line, and the parser's reason is said
// once (it was printed twice: in the message and again as its source).
#[test]
fn a_broken_record_is_named_by_file_and_line_once() {
    let dir = crate::tempdir!();
    let samples = root().join("samples");
    ok(&newsclean(
        &dir.0,
        &["run", samples.to_str().expect("path"), "--out", "o", "-q"],
    ));
    let records = dir.path("o/documents.jsonl");
    let mut text = std::fs::read_to_string(&records).expect("records");
    text.push_str("{\"id\": \"cut\n");
    std::fs::write(&records, text).expect("write");
    let out = newsclean(&dir.0, &["report", "o"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("documents.jsonl:6: "), "{stderr}");
    assert_eq!(stderr.matches(" column ").count(), 1, "{stderr}");
    assert!(!dir.path("o/report.html").exists());
}

#[test]
fn failures_are_listed_with_their_file_and_line() {
    let dir = crate::tempdir!();
    let text =
        std::fs::read_to_string(root().join("samples/scmp-nk-diplomat.txt")).expect("sample");
    let good = serde_json::json!({"id": "good", "text": text});
    dir.write("pages.jsonl", format!("{good}\n{{\"id\": \"broken\", \n"));
    let out = newsclean(
        &dir.0,
        &["run", "pages.jsonl", "--out", "out", "--report", "-q"],
    );
    assert_eq!(out.status.code(), Some(2), "a failed document: exit 2");
    let page = std::fs::read_to_string(dir.path("out/report.html")).expect("written all the same");
    let run: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("out/run.json")).expect("run.json"))
            .expect("JSON");
    assert_eq!(figure(&page, "documents-failed"), 1);
    assert_eq!(
        figure(&page, "documents-read"),
        run["documents_read"].as_u64().expect("read")
    );
    let failure = &run["failures"][0];
    assert_eq!(failure["location"], "pages.jsonl:2");
    let item = format!(
        "<li data-failure><code>pages.jsonl:2</code>: {}</li>",
        esc(failure["reason"].as_str().expect("reason"))
    );
    assert!(page.contains(&item), "no {item}");
}
