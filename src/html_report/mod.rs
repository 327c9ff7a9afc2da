//! `report.html`: one self-contained page (inline CSS and script, no network, opens from
//! `file://`) showing what a run did, built from the run's output directory.
//!
//! It reads `run.json`, `duplicates.jsonl` and `documents.jsonl` as streams, one line at a time,
//! and keeps aggregates (per rule, per site, per cluster kind) plus a bounded sample
//! ([`Limits`]): a report of a million documents is as large, and needs as much memory, as one
//! of a few thousand. The page says what the sample is.
//!
//! Records carry no removed text by default (`--removed-text` adds it), so the removed lines the
//! page shows are sliced by their `original` spans from the inputs themselves, read again from
//! where each record's `source` says (relative to the run's working directory, which `run.json`
//! records). Only the sampled documents and the per-rule samples are read back, in one pass per
//! input file that stops when it has them; an input moved or changed since the run (checked by
//! the records' first kept paragraphs) is shown from the records alone, and the page says so.
//!
//! [`collect`] does the reading, [`render`] writes the page, [`diff`] is the word diff of
//! cluster members.

pub mod diff;
mod originals;
mod render;

use crate::document::Span;
use crate::input::Fields;
use crate::output::{AtomicFile, OutputError, Record};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The directory has no `documents.jsonl`: not the output of `run`, `clean` or `dedup` in
    /// JSONL format.
    #[error("{0}: no documents.jsonl (the report reads a JSONL output directory: run with --format jsonl)")]
    NotOutput(PathBuf),
    /// A file could not be read.
    #[error("{path}")]
    Io { path: PathBuf, source: io::Error },
    /// A line of an output file is not what newsclean writes.
    #[error("{path}:{line}: not a line newsclean writes")]
    Json {
        path: PathBuf,
        line: u64,
        source: serde_json::Error,
    },
    /// `run --report` with an output that is not a JSONL directory.
    #[error("--report reads the run's documents.jsonl: it needs --out DIR and --format jsonl")]
    NotJsonl,
    /// `report.html` could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How much of the run the page shows in full. Aggregates always cover every document; these
/// bound the sample, hence the page's size and the memory the report needs.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Documents shown in full, at most.
    pub documents: usize,
    /// Of those, the first ones of the run, whatever they hold.
    pub first_documents: usize,
    /// Sites whose first document is shown.
    pub sites_with_example: usize,
    /// Clusters shown per kind (the rest are counted).
    pub clusters_per_kind: usize,
    /// Members shown per cluster.
    pub members_per_cluster: usize,
    /// Removed lines shown per rule, from different documents.
    pub samples_per_rule: usize,
    /// Rows of the per-site table (the largest sites).
    pub site_rows: usize,
    /// Sites counted apart; the others are counted together as "(other sites)".
    pub distinct_sites: usize,
    /// Failures listed.
    pub failures: usize,
    /// Code points of a document's original shown; the rest is cut, saying so.
    pub document_chars: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            documents: 200,
            first_documents: 20,
            sites_with_example: 50,
            clusters_per_kind: 50,
            members_per_cluster: 6,
            samples_per_rule: 5,
            site_rows: 500,
            distinct_sites: 100_000,
            failures: 1000,
            document_chars: 30_000,
        }
    }
}

/// What the page says about a run's output directory; [`collect`] reads it.
#[derive(Debug, Default)]
pub struct Report {
    pub dir: PathBuf,
    pub run: RunInfo,
    pub totals: Totals,
    /// Per rule (`dedup:<id>` counted as `dedup`), sorted by name.
    pub rules: BTreeMap<String, RuleStats>,
    pub sites: BTreeMap<String, SiteStats>,
    /// The sites past [`Limits::distinct_sites`], together.
    pub other_sites: Option<SiteStats>,
    pub clusters: BTreeMap<String, KindStats>,
    pub cluster_samples: Vec<ClusterSample>,
    pub document_clusters: BTreeMap<String, u64>,
    pub document_cluster_samples: Vec<DocumentClusterSample>,
    /// Whether `duplicates.jsonl` was there (dedup ran).
    pub dedup_ran: bool,
    pub documents: Vec<DocumentSample>,
    /// Documents of cluster members, by id: title, credits, index in `documents` if sampled.
    pub members: HashMap<String, MemberDoc>,
    pub limits: Limits,
}

/// `run.json`, as far as the page uses it (absent: all zero and empty).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RunInfo {
    pub command: Vec<String>,
    pub working_dir: Option<PathBuf>,
    pub documents_read: u64,
    pub documents_written: u64,
    pub documents_failed: u64,
    pub failures: Vec<FailureInfo>,
    pub duplicate_ids: u64,
    pub bytes_read: u64,
    pub text_bytes: u64,
    pub seconds: f64,
    pub peak_memory_kib: Option<u64>,
    pub interrupted: bool,
    pub rule_files: Vec<RuleFileInfo>,
    /// Whether `run.json` was there.
    #[serde(skip)]
    pub found: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FailureInfo {
    pub location: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RuleFileInfo {
    pub name: String,
    pub path: String,
    pub digest: String,
}

/// Counts over every record of `documents.jsonl`.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    pub documents: u64,
    pub paragraphs: u64,
    pub removals: u64,
    /// Code points kept (the paragraphs) and removed (the removals' original spans): spans
    /// count code points, and bytes would need every original read back.
    pub kept_chars: u64,
    pub removed_chars: u64,
    /// Documents with at least one removal.
    pub documents_with_removals: u64,
    /// Paragraphs in a cluster, by kind.
    pub clustered_paragraphs: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default)]
pub struct RuleStats {
    pub removals: u64,
    /// Documents it removed something from.
    pub documents: u64,
    pub chars: u64,
    pub samples: Vec<RemovedSample>,
}

/// A removed line of the per-rule sample.
#[derive(Clone, Debug)]
pub struct RemovedSample {
    pub doc: String,
    pub site: String,
    pub line: usize,
    /// The text: from the record (`--removed-text`) or sliced from the input.
    pub text: Option<String>,
    source: String,
    span: Span,
    witness: Option<Witness>,
}

/// A record's first kept paragraph, to tell that an input read back is the one the record was
/// made from.
#[derive(Clone, Debug)]
struct Witness {
    original: Span,
    text: String,
}

#[derive(Clone, Debug, Default)]
pub struct SiteStats {
    pub documents: u64,
    pub paragraphs: u64,
    pub removals: u64,
    pub kept_chars: u64,
    pub removed_chars: u64,
    /// Documents by how the site was recognised (`site_source`).
    pub recognised: BTreeMap<String, u64>,
    pub platforms: BTreeMap<String, u64>,
    /// Removals by the classifier (the site fell to it rather than to a rule file).
    pub classifier_removals: u64,
}

#[derive(Clone, Debug, Default)]
pub struct KindStats {
    pub clusters: u64,
    pub paragraphs: u64,
}

/// A paragraph cluster of `duplicates.jsonl`.
#[derive(Clone, Debug, Deserialize)]
pub struct ClusterSample {
    pub id: u64,
    pub kind: String,
    #[serde(default)]
    pub members: Vec<ClusterMember>,
    #[serde(default)]
    pub pairs: Vec<ClusterPair>,
    #[serde(default)]
    pub sites: Vec<String>,
    #[serde(default)]
    pub credits: Vec<String>,
    /// Members before the sample cut.
    #[serde(skip)]
    pub total_members: usize,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ClusterMember {
    pub doc: String,
    #[serde(default)]
    pub paragraph: usize,
    #[serde(default)]
    pub site: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ClusterPair {
    pub a: usize,
    pub b: usize,
    #[serde(default)]
    pub similarity: f64,
}

/// A document cluster (articles republished whole) of `duplicates.jsonl`.
#[derive(Clone, Debug, Deserialize)]
pub struct DocumentClusterSample {
    pub id: u64,
    pub kind: String,
    #[serde(default)]
    pub documents: Vec<DocumentClusterMember>,
    #[serde(default)]
    pub sites: Vec<String>,
    #[serde(default)]
    pub credits: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct DocumentClusterMember {
    pub doc: String,
    #[serde(default)]
    pub site: String,
}

/// A line of `duplicates.jsonl`, either level.
#[derive(Deserialize)]
struct DuplicatesLine {
    #[serde(default)]
    level: String,
    #[serde(flatten)]
    rest: serde_json::Value,
}

/// What the page shows of a cluster member's document.
#[derive(Clone, Debug, Default)]
pub struct MemberDoc {
    pub title: Option<String>,
    pub credits: Vec<String>,
    pub sample: Option<usize>,
}

/// A document shown in full.
#[derive(Clone, Debug)]
pub struct DocumentSample {
    pub record: Record,
    /// Why it is in the sample.
    pub why: String,
    /// Its text as read, when the input could be read back and still matches the record.
    pub original: Option<String>,
    /// Why there is no original, when there is none.
    pub original_note: Option<String>,
}

/// Reads the output directory `dir` into a [`Report`]. `fields` are the JSONL field names the
/// run read its inputs with, to read them back; `None` takes them from the command line in
/// `run.json` (the defaults when it names none).
pub fn collect(dir: &Path, fields: Option<Fields>, limits: Limits) -> Result<Report, ReportError> {
    let documents = dir.join("documents.jsonl");
    if !documents.is_file() {
        return Err(ReportError::NotOutput(dir.to_path_buf()));
    }
    let mut report = Report {
        dir: dir.to_path_buf(),
        run: read_run(&dir.join("run.json"))?,
        limits,
        ..Report::default()
    };
    let wanted = report.read_duplicates(&dir.join("duplicates.jsonl"))?;
    report.read_documents(&documents, &wanted)?;
    let fields = fields.unwrap_or_else(|| originals::fields_of_command(&report.run.command));
    originals::read_back(&mut report, &fields);
    Ok(report)
}

/// Refuses, before a run, an output the report could not read: `--out -` or another format
/// than JSONL (`jsonl` false).
pub fn check_output(out: &Path, jsonl: bool) -> Result<(), ReportError> {
    match out.as_os_str() == "-" || !jsonl {
        true => Err(ReportError::NotJsonl),
        false => Ok(()),
    }
}

/// Collects the report of `dir` and writes it to `dir/report.html` (whole or not at all).
/// Returns the page's path and size in bytes.
pub fn write(
    dir: &Path,
    fields: Option<Fields>,
    limits: Limits,
) -> Result<(PathBuf, u64), ReportError> {
    let report = collect(dir, fields, limits)?;
    let path = dir.join("report.html");
    let mut file = AtomicFile::create(&path)?;
    let mut counted = Counted {
        inner: file.writer(),
        bytes: 0,
    };
    render::render(&report, &mut counted).map_err(io_err(&path))?;
    let bytes = counted.bytes;
    file.commit()?;
    Ok((path, bytes))
}

/// A writer that counts what passes through it.
struct Counted<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn read_run(path: &Path) -> Result<RunInfo, ReportError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let mut run: RunInfo =
                serde_json::from_str(&text).map_err(|source| ReportError::Json {
                    path: path.to_path_buf(),
                    line: 1,
                    source,
                })?;
            run.found = true;
            Ok(run)
        }
        // `clean --out -` and embedders write no run.json: the page says less about the run.
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(RunInfo::default()),
        Err(e) => Err(io_err(path)(e)),
    }
}

/// Calls `each` with every line of `path` and its 1-based number, reusing one buffer.
fn for_each_line(
    path: &Path,
    mut each: impl FnMut(&str, u64) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let file = File::open(path).map_err(io_err(path))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(io_err(path))? == 0 {
            return Ok(());
        }
        number += 1;
        if !line.trim().is_empty() {
            each(&line, number)?;
        }
    }
}

/// The rule a removal counts under: `dedup:<cluster>` (one per cluster with `--dedup drop`)
/// as `dedup`, the rest as named.
fn rule_name(rule: &str) -> &str {
    match rule.starts_with("dedup:") {
        true => "dedup",
        false => rule,
    }
}

impl Report {
    /// Counts the clusters and keeps the first ones of each kind; returns the documents that
    /// hold the kept clusters' members.
    fn read_duplicates(&mut self, path: &Path) -> Result<HashSet<String>, ReportError> {
        let mut wanted = HashSet::new();
        if !path.is_file() {
            return Ok(wanted);
        }
        self.dedup_ran = true;
        let mut shown: HashMap<String, usize> = HashMap::new();
        let limits = self.limits.clone();
        let json_err = |line| {
            move |source| ReportError::Json {
                path: path.to_path_buf(),
                line,
                source,
            }
        };
        for_each_line(path, |text, number| {
            let line: DuplicatesLine = serde_json::from_str(text).map_err(json_err(number))?;
            if line.level == "document" {
                let cluster: DocumentClusterSample =
                    serde_json::from_value(line.rest).map_err(json_err(number))?;
                *self
                    .document_clusters
                    .entry(cluster.kind.clone())
                    .or_default() += 1;
                if self.document_cluster_samples.len() < limits.clusters_per_kind {
                    self.document_cluster_samples.push(cluster);
                }
                return Ok(());
            }
            let mut cluster: ClusterSample =
                serde_json::from_value(line.rest).map_err(json_err(number))?;
            let stats = self.clusters.entry(cluster.kind.clone()).or_default();
            stats.clusters += 1;
            stats.paragraphs += cluster.members.len() as u64;
            let count = shown.entry(cluster.kind.clone()).or_default();
            if *count < limits.clusters_per_kind {
                *count += 1;
                cluster.total_members = cluster.members.len();
                cluster.members.truncate(limits.members_per_cluster);
                cluster
                    .pairs
                    .retain(|p| p.a < cluster.members.len() && p.b < cluster.members.len());
                wanted.extend(cluster.members.iter().map(|m| m.doc.clone()));
                self.cluster_samples.push(cluster);
            }
            Ok(())
        })?;
        Ok(wanted)
    }

    /// Streams the records: counts everything, keeps the sample.
    fn read_documents(&mut self, path: &Path, wanted: &HashSet<String>) -> Result<(), ReportError> {
        let limits = self.limits.clone();
        // Half the document budget is kept for the documents of the shown clusters, so that
        // documents met earlier for other reasons cannot crowd them out.
        let cluster_budget = limits.documents / 2;
        let mut cluster_docs = 0;
        let mut other_docs = 0;
        let mut example_sites: HashSet<String> = HashSet::new();
        let mut example_rules: HashSet<String> = HashSet::new();
        for_each_line(path, |text, number| {
            let record: Record =
                serde_json::from_str(text).map_err(|source| ReportError::Json {
                    path: path.to_path_buf(),
                    line: number,
                    source,
                })?;
            let index = self.totals.documents;
            self.count(&record);
            let mut why = None;
            let first_rule = record
                .removed
                .iter()
                .map(|r| rule_name(&r.rule))
                .find(|r| !example_rules.contains(*r))
                .map(str::to_string);
            if wanted.contains(&record.id) {
                if cluster_docs < cluster_budget {
                    cluster_docs += 1;
                    why = Some("it holds a shown cluster's paragraph".to_string());
                }
            } else if other_docs < limits.documents - cluster_budget {
                if index < limits.first_documents as u64 {
                    why = Some(format!(
                        "it is among the first {} documents",
                        limits.first_documents
                    ));
                } else if !example_sites.contains(&record.site)
                    && example_sites.len() < limits.sites_with_example
                {
                    why = Some(format!("it is the first document of {}", record.site));
                } else if let Some(rule) = &first_rule {
                    why = Some(format!("it is the first document {rule} removed from"));
                }
                if why.is_some() {
                    other_docs += 1;
                }
            }
            if wanted.contains(&record.id) {
                let member = self.members.entry(record.id.clone()).or_default();
                member.title = record.metadata.title.clone();
                member.credits = record.metadata.credits.clone();
                if why.is_some() {
                    member.sample = Some(self.documents.len());
                }
            }
            if let Some(why) = why {
                if example_sites.len() < limits.sites_with_example {
                    example_sites.insert(record.site.clone());
                }
                example_rules.extend(
                    record
                        .removed
                        .iter()
                        .map(|r| rule_name(&r.rule).to_string()),
                );
                self.documents.push(DocumentSample {
                    record,
                    why,
                    original: None,
                    original_note: None,
                });
            }
            Ok(())
        })
    }

    /// Adds a record to the aggregates, and its first removal of each rule to that rule's
    /// sample.
    fn count(&mut self, record: &Record) {
        let t = &mut self.totals;
        t.documents += 1;
        t.paragraphs += record.paragraphs.len() as u64;
        t.removals += record.removed.len() as u64;
        t.documents_with_removals += u64::from(!record.removed.is_empty());
        let kept: u64 = record.paragraphs.iter().map(|p| p.span.len() as u64).sum();
        let removed: u64 = record.removed.iter().map(|r| r.original.len() as u64).sum();
        t.kept_chars += kept;
        t.removed_chars += removed;
        for kind in record.paragraphs.iter().filter_map(|p| p.kind.as_ref()) {
            *t.clustered_paragraphs.entry(kind.clone()).or_default() += 1;
        }

        let site = match self.sites.contains_key(&record.site)
            || self.sites.len() < self.limits.distinct_sites
        {
            true => self.sites.entry(record.site.clone()).or_default(),
            false => self.other_sites.get_or_insert_with(SiteStats::default),
        };
        site.documents += 1;
        site.paragraphs += record.paragraphs.len() as u64;
        site.removals += record.removed.len() as u64;
        site.kept_chars += kept;
        site.removed_chars += removed;
        let recognised = serde_json::to_value(record.site_source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *site.recognised.entry(recognised).or_default() += 1;
        for platform in &record.platforms {
            *site.platforms.entry(platform.clone()).or_default() += 1;
        }
        site.classifier_removals += record
            .removed
            .iter()
            .filter(|r| r.rule.starts_with("classifier:"))
            .count() as u64;

        let witness = record.paragraphs.first().map(|p| Witness {
            original: p.original,
            text: p
                .span
                .slice(&record.text)
                .unwrap_or_default()
                .chars()
                .take(80)
                .collect(),
        });
        let mut seen: HashSet<&str> = HashSet::new();
        for r in &record.removed {
            let name = rule_name(&r.rule);
            let stats = self.rules.entry(name.to_string()).or_default();
            stats.removals += 1;
            stats.chars += r.original.len() as u64;
            if seen.insert(name) {
                stats.documents += 1;
                if stats.samples.len() < self.limits.samples_per_rule {
                    stats.samples.push(RemovedSample {
                        doc: record.id.clone(),
                        site: record.site.clone(),
                        line: r.line,
                        text: r.text.clone(),
                        source: record.source.clone(),
                        span: r.original,
                        witness: witness.clone(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_removals_count_under_one_rule() {
        assert_eq!(rule_name("dedup:17"), "dedup");
        assert_eq!(rule_name("scmp:section"), "scmp:section");
        assert_eq!(rule_name("classifier:menu"), "classifier:menu");
    }

    #[test]
    fn a_directory_without_records_is_refused() {
        let dir = std::env::temp_dir().join(format!("newsclean-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let err = collect(&dir, None, Limits::default()).expect_err("no documents.jsonl");
        assert!(matches!(err, ReportError::NotOutput(_)), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
