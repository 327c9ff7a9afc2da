//! Counting what a run did, for the end-of-run summary on stderr and `run.json`: documents in,
//! out and failed (in = out + failed, always), removals per rule, sites, rule-file versions.

use crate::rules::Rules;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// A document (or input) that could not be cleaned, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    /// `path` or `path:line`.
    pub location: String,
    pub reason: String,
}

/// A rule file as used by the run.
#[derive(Clone, Debug, Serialize)]
pub struct RuleFileVersion {
    pub name: String,
    pub path: String,
    /// FNV-1a 64 of the file's bytes.
    pub digest: String,
}

/// The counts of one run; serialised as `run.json`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunReport {
    pub command: Vec<String>,
    /// The directory the command ran in: records' `source` paths are relative to it, and
    /// `newsclean report` reads the inputs back from there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// Documents read, counting every input that failed as one: always written + failed.
    pub documents_read: u64,
    pub documents_written: u64,
    pub documents_failed: u64,
    pub failures: Vec<Failure>,
    /// Documents written whose id an earlier document of the run already had.
    pub duplicate_ids: u64,
    pub paragraphs_kept: u64,
    pub removals: u64,
    pub removals_by_rule: BTreeMap<String, u64>,
    pub sites: BTreeMap<String, u64>,
    /// Bytes read from the inputs (as stored: compressed for `.gz`), failed records included.
    pub bytes_read: u64,
    /// Bytes of the documents' texts (the `text` fields of JSONL records) that were cleaned.
    pub text_bytes: u64,
    pub seconds: f64,
    /// The process's peak resident memory (Linux's `VmHWM`), where the system tells it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_memory_kib: Option<u64>,
    pub interrupted: bool,
    pub rule_files: Vec<RuleFileVersion>,
    /// Near-duplicate clusters by kind, when dedup ran.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub clusters: BTreeMap<String, u64>,
    /// The near-duplicate detector's counters (candidates, verified pairs), when dedup ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dedup: Option<crate::dedup::DedupStats>,
    /// Failures by reason, for the summary.
    #[serde(skip)]
    reasons: BTreeMap<String, u64>,
    /// Failures told on stderr so far.
    #[serde(skip)]
    told: u64,
}

/// The peak resident memory of this process so far, in KiB: `VmHWM` of `/proc/self/status`.
/// Unlike `getrusage`, it is the program's own: `ru_maxrss` keeps the peak of the process
/// that spawned it when that one was larger (Linux carries it across `exec`).
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl RunReport {
    pub fn new(rules: &Rules) -> RunReport {
        RunReport {
            command: std::env::args().collect(),
            working_dir: std::env::current_dir()
                .ok()
                .map(|d| d.display().to_string()),
            rule_files: rules
                .files
                .iter()
                .map(|f| RuleFileVersion {
                    name: f.name.clone(),
                    path: f.path.display().to_string(),
                    digest: f.digest.clone(),
                })
                .collect(),
            ..RunReport::default()
        }
    }

    /// Counts a written document.
    pub fn written(
        &mut self,
        site: &str,
        paragraphs: usize,
        removed: &[crate::output::RemovalRecord],
        bytes: usize,
    ) {
        self.documents_read += 1;
        self.documents_written += 1;
        self.text_bytes += bytes as u64;
        self.paragraphs_kept += paragraphs as u64;
        self.removals += removed.len() as u64;
        for r in removed {
            *self.removals_by_rule.entry(r.rule.clone()).or_default() += 1;
        }
        *self.sites.entry(site.to_string()).or_default() += 1;
    }

    /// Counts clusters by kind, with the detector's counters.
    pub fn count_clusters(&mut self, report: &crate::dedup::DedupReport) {
        self.dedup = Some(report.stats.clone());
        for c in &report.clusters {
            *self
                .clusters
                .entry(c.kind.as_str().to_string())
                .or_default() += 1;
        }
        if !report.document_clusters.is_empty() {
            *self.clusters.entry("document".to_string()).or_default() +=
                report.document_clusters.len() as u64;
        }
    }

    /// Counts a failure's reason; true the first time it is met.
    pub fn count_reason(&mut self, reason: &str) -> bool {
        let count = self.reasons.entry(reason.to_string()).or_default();
        *count += 1;
        *count == 1
    }

    /// Counts a failure told on stderr; returns how many have been, this one included.
    pub fn tell_failure(&mut self) -> u64 {
        self.told += 1;
        self.told
    }

    /// Counts a failed document.
    pub fn failed(&mut self, location: String, reason: String) {
        self.documents_read += 1;
        self.documents_failed += 1;
        self.failures.push(Failure { location, reason });
    }

    /// The end-of-run summary line.
    pub fn summary(&self, elapsed: Duration) -> String {
        let secs = elapsed.as_secs_f64().max(1e-9);
        let mut s = format!(
            "{} documents read: {} written, {} failed; {} paragraphs kept, {} removals; {:.1} MB in {:.2}s ({:.1} MB/s)",
            self.documents_read,
            self.documents_written,
            self.documents_failed,
            self.paragraphs_kept,
            self.removals,
            self.bytes_read as f64 / 1e6,
            secs,
            self.bytes_read as f64 / 1e6 / secs,
        );
        if self.duplicate_ids > 0 {
            s.push_str(&format!("; {} duplicate ids", self.duplicate_ids));
        }
        for (reason, n) in self.reasons.iter().filter(|(_, &n)| n > 1) {
            s.push_str(&format!("; {n} failed: {reason}"));
        }
        if !self.clusters.is_empty() {
            let parts: Vec<String> = self
                .clusters
                .iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect();
            s.push_str(&format!("; clusters: {}", parts.join(", ")));
        }
        if self.interrupted {
            s.push_str(" (interrupted)");
        }
        s
    }
}
