//! `newsclean._native`: the library's cleaner and near-duplicate pass for Python. Records
//! cross the boundary as JSON text, the form they have on disk, so a dict from Python is
//! exactly a line of `documents.jsonl` (`json.loads` in C is faster than building the dict
//! here item by item). The work itself runs with the GIL released, on rayon.

use newsclean::dedup::verify::{self, MatchKind, Prepared};
use newsclean::dedup::DedupConfig;
use newsclean::output::annotate::DedupMode;
use newsclean::output::{JsonlSink, Record};
use newsclean::pipeline::Pipeline;
use newsclean::{Cleaner, Document, Rules};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

create_exception!(
    _native,
    NewscleanError,
    PyException,
    "An error of newsclean's, with the message the command line would print."
);

fn error(e: impl std::fmt::Display) -> PyErr {
    NewscleanError::new_err(e.to_string())
}

/// One input: its text, and the id, url and site it was given.
type Item = (String, Option<String>, Option<String>, Option<String>);

/// The cleaner: rule files (built in, or a directory) and the classifier for other sites.
#[pyclass(frozen, module = "newsclean._native")]
struct NativeCleaner {
    cleaner: Cleaner,
    removed_text: bool,
}

impl NativeCleaner {
    fn record(&self, cleaner: &Cleaner, (text, id, url, site): Item, n: usize) -> Record {
        let mut doc = Document::from_text(id.unwrap_or_else(|| format!("doc-{n}")), text);
        doc.url = url;
        doc.site = site;
        Record::new(cleaner.clean(&doc), String::new(), self.removed_text)
    }
}

/// A record as JSON with an empty `text`, and the text apart: Python makes a str of the text
/// with its fast UTF-8 decoder, and `json.loads` reads only the rest (the text is most of a
/// record's bytes, and scanning it as JSON was a third of `clean_many`'s time).
fn record_parts(mut record: Record) -> (String, String) {
    let text = std::mem::take(&mut record.text);
    (record_json(&record), text)
}

fn record_json(record: &Record) -> String {
    let bytes = record.to_json().expect("a record serialises");
    String::from_utf8(bytes).expect("JSON is UTF-8")
}

#[pymethods]
impl NativeCleaner {
    #[new]
    #[pyo3(signature = (rules=None, site=None, site_rules=true, classifier=true, removed_text=false))]
    fn new(
        rules: Option<PathBuf>,
        site: Option<String>,
        site_rules: bool,
        classifier: bool,
        removed_text: bool,
    ) -> PyResult<NativeCleaner> {
        let loaded = match &rules {
            Some(dir) => Rules::load(dir)
                .map_err(|e| error(format!("loading rules from {}: {e}", dir.display())))?,
            None => Rules::builtin().map_err(|e| error(format!("loading built-in rules: {e}")))?,
        };
        let cleaner = Cleaner::new(loaded)
            .default_site(site)
            .site_rules(site_rules)
            .classifier(classifier);
        Ok(NativeCleaner {
            cleaner,
            removed_text,
        })
    }

    /// The record of one text, as JSON.
    #[pyo3(signature = (text, id=None, url=None, site=None))]
    fn clean_json(
        &self,
        py: Python<'_>,
        text: String,
        id: Option<String>,
        url: Option<String>,
        site: Option<String>,
    ) -> String {
        py.detach(|| record_json(&self.record(&self.cleaner, (text, id, url, site), 0)))
    }

    /// The records of many texts, in input order, each as ([`record_parts`]) its JSON without
    /// the text and the text; `first` numbers the ids of items that have none. Runs on
    /// `threads` workers (all cores by default) without the GIL.
    #[pyo3(signature = (items, first=0, threads=None))]
    fn clean_json_many(
        &self,
        py: Python<'_>,
        items: Vec<Item>,
        first: usize,
        threads: Option<usize>,
    ) -> PyResult<Vec<(String, String)>> {
        let clean = move || {
            // A cleaner per worker, as the CLI's batch does: a regex's scratch space is cheap
            // only on the thread that owns it, and one shared cleaner makes the others wait.
            let cleaners: Vec<Cleaner> = (0..rayon::current_num_threads())
                .map(|_| self.cleaner.clone())
                .collect();
            items
                .into_par_iter()
                .enumerate()
                .map(|(i, item)| {
                    let here = rayon::current_thread_index().unwrap_or(0) % cleaners.len();
                    record_parts(self.record(&cleaners[here], item, first + i))
                })
                .collect()
        };
        py.detach(|| match threads {
            None => Ok(clean()),
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map(|pool| pool.install(clean))
                .map_err(error),
        })
    }
}

/// Near-duplicate paragraphs among `records` (JSON text of newsclean records): the records
/// annotated (or with later copies removed, `mode="drop"`) and the clusters, as JSON text.
#[pyfunction]
#[pyo3(signature = (records, mode="flag", similarity=None))]
fn dedup_json(
    py: Python<'_>,
    records: Vec<String>,
    mode: &str,
    similarity: Option<f64>,
) -> PyResult<(Vec<String>, Vec<String>)> {
    let mode = match mode {
        "flag" => DedupMode::Flag,
        "drop" => DedupMode::Drop,
        other => {
            return Err(PyValueError::new_err(format!(
                "mode {other:?}: must be \"flag\" or \"drop\""
            )))
        }
    };
    let mut config = DedupConfig::default();
    if let Some(s) = similarity {
        if !(0.0..=1.0).contains(&s) {
            return Err(PyValueError::new_err(format!(
                "similarity {s}: must be between 0 and 1"
            )));
        }
        config.copy_threshold = s;
    }
    py.detach(|| dedup_in(&records, config, mode))
}

/// Runs the dedup pass over `records` in a private work directory, removed afterwards.
fn dedup_in(
    records: &[String],
    config: DedupConfig,
    mode: DedupMode,
) -> PyResult<(Vec<String>, Vec<String>)> {
    let work = WorkDir::create()?;
    let input = work.0.join("records.jsonl");
    let mut text = String::with_capacity(records.iter().map(|r| r.len() + 1).sum());
    for r in records {
        text.push_str(r.trim_end());
        text.push('\n');
    }
    std::fs::write(&input, text).map_err(error)?;
    let out = work.0.join("out");
    std::fs::create_dir_all(&out).map_err(error)?;
    let rules = Rules::builtin().map_err(error)?;
    let pipeline = Pipeline::new(Cleaner::new(rules)).dedup(config, mode);
    let mut sink = JsonlSink::create(&out, false).map_err(error)?;
    let mut clusters = Vec::new();
    let done = pipeline
        .dedup_records(&input, &mut sink, &out, Some(&mut clusters))
        .map_err(error)?;
    if let Some(failure) = done.report.failures.first() {
        return Err(error(format!(
            "record {}: {}",
            failure
                .location
                .replace(&input.display().to_string(), "records"),
            failure.reason
        )));
    }
    let annotated = std::fs::read_to_string(out.join("documents.jsonl")).map_err(error)?;
    let clusters = String::from_utf8(clusters).map_err(error)?;
    Ok((lines(&annotated), lines(&clusters)))
}

/// The detector's settings as JSON: the defaults with the fields of `overrides` (a JSON
/// object, such as a sketch directory's `_config.json`) applied, checked as the CLI checks them.
#[pyfunction]
#[pyo3(signature = (overrides=None))]
fn dedup_config_json(overrides: Option<&str>) -> PyResult<String> {
    Ok(serde_json::to_string(&config_from(overrides)?).expect("a config serialises"))
}

fn config_from(json: Option<&str>) -> PyResult<DedupConfig> {
    let config: DedupConfig = match json {
        Some(text) => serde_json::from_str(text)
            .map_err(|e| PyValueError::new_err(format!("dedup config: {e}")))?,
        None => DedupConfig::default(),
    };
    config.validate().map_err(error)?;
    Ok(config)
}

/// Verdict code of [`verify_pairs`]: no match.
const NO_MATCH: u8 = 0;
/// Verdict code of [`verify_pairs`]: a copy (the cluster's kind then follows the sites).
const COPY: u8 = 1;
/// Verdict code of [`verify_pairs`]: a shared quotation.
const SHARED_QUOTE: u8 = 2;

/// Verifies candidate pairs exactly as `run`'s detector does ([`verify::verify`] on
/// [`Prepared::from_words`], the path of its spill file). Pair `i` is paragraph
/// `a_hashes[i]` against `b_hashes[i]`, each side its word hashes (little-endian u64s, the
/// `word_hashes` column of `newsclean sketch`) and per-word flags (`word_flags`). Returns a
/// verdict code per pair (0 no match, 1 copy, 2 shared quote) and its similarity (0 when no
/// match), the codes as one `bytes` object. Runs on rayon without the GIL.
#[pyfunction]
#[pyo3(signature = (a_hashes, a_flags, b_hashes, b_flags, config=None))]
fn verify_pairs(
    py: Python<'_>,
    a_hashes: Vec<Vec<u8>>,
    a_flags: Vec<Vec<u8>>,
    b_hashes: Vec<Vec<u8>>,
    b_flags: Vec<Vec<u8>>,
    config: Option<&str>,
) -> PyResult<(Vec<u8>, Vec<f64>)> {
    let config = config_from(config)?.sanitized();
    let n = a_hashes.len();
    if [a_flags.len(), b_hashes.len(), b_flags.len()] != [n; 3] {
        return Err(PyValueError::new_err(
            "verify_pairs: the four lists differ in length",
        ));
    }
    for (hashes, flags) in a_hashes
        .iter()
        .zip(&a_flags)
        .chain(b_hashes.iter().zip(&b_flags))
    {
        if hashes.len() != 8 * flags.len() {
            return Err(PyValueError::new_err(format!(
                "verify_pairs: {} bytes of word hashes for {} word flags (8 bytes a word)",
                hashes.len(),
                flags.len()
            )));
        }
    }
    let prepare = |hashes: &[u8], flags: &[u8]| {
        let words: Vec<u64> = hashes
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        Prepared::from_words(&words, flags, config.verify_ngram)
    };
    Ok(py.detach(|| {
        (0..n)
            .into_par_iter()
            .map(|i| {
                let a = prepare(&a_hashes[i], &a_flags[i]);
                let b = prepare(&b_hashes[i], &b_flags[i]);
                match verify::verify(&a, &b, &config) {
                    Some((MatchKind::Copy, similarity)) => (COPY, similarity),
                    Some((MatchKind::SharedQuote, similarity)) => (SHARED_QUOTE, similarity),
                    None => (NO_MATCH, 0.0),
                }
            })
            .unzip()
    }))
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// A temporary directory of this process, removed when dropped.
struct WorkDir(PathBuf);

impl WorkDir {
    fn create() -> PyResult<WorkDir> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("newsclean-py-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(error)?;
        Ok(WorkDir(path))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(Path::new(&self.0));
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeCleaner>()?;
    m.add_function(wrap_pyfunction!(dedup_json, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_config_json, m)?)?;
    m.add_function(wrap_pyfunction!(verify_pairs, m)?)?;
    m.add("NewscleanError", m.py().get_type::<NewscleanError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
