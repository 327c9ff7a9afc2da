//! Reliability: newsclean under bad input and faults (issue 6). Each test builds its inputs in a
//! temp dir of its own, runs the real binary (or the library), and checks both the result and
//! the accounting (`documents_read = written + failed`, failures named `path:line`).
//!
//! What was tried and what held is summed up in `RELIABILITY.md`.

mod accounting;
mod fuzz;
mod hostile;
mod inputs;
mod interrupt;
mod properties;
mod rules;

use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// A temp dir named after the test, removed when dropped.
pub struct Dir {
    path: PathBuf,
}

/// `dir!()`: a [`Dir`] named after the enclosing test function.
macro_rules! dir {
    () => {{
        fn f() {}
        let name = std::any::type_name_of_val(&f);
        let name = name.strip_suffix("::f").unwrap_or(name);
        $crate::reliability::Dir::new(name.rsplit("::").next().unwrap_or(name))
    }};
}
pub(crate) use dir;

impl Dir {
    pub fn new(name: &str) -> Dir {
        let path = std::env::temp_dir()
            .join("newsclean-reliability")
            .join(format!("{name}-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path).expect("remove an old test dir");
        }
        std::fs::create_dir_all(&path).expect("create the test dir");
        Dir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `bytes` to `rel` (parents created) and returns the full path.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&path, bytes).expect("write test input");
        path
    }

    /// The binary, run in this dir.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsclean"));
        cmd.current_dir(&self.path).stdin(Stdio::null());
        cmd
    }

    /// `newsclean clean ARGS --out out --force --no-classifier`, run to the end. These tests
    /// are about reading and writing: they compare text as rules leave it, and the
    /// classifier's own judgement of short test texts is tested in `tests/generic.rs`.
    pub fn clean(&self, args: &[&str]) -> Run {
        let output = self
            .command()
            .arg("clean")
            .args(args)
            .args(["--out", "out", "--force", "--no-classifier"])
            .output()
            .expect("run newsclean");
        Run::new(output, self.path.join("out"))
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A finished run: its exit code, stderr, and what it wrote.
pub struct Run {
    pub code: Option<i32>,
    pub stderr: String,
    pub out: PathBuf,
}

impl Run {
    pub fn new(output: Output, out: PathBuf) -> Run {
        Run {
            code: output.status.code(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            out,
        }
    }

    /// `out/run.json`.
    pub fn report(&self) -> Value {
        let text = std::fs::read_to_string(self.out.join("run.json"))
            .unwrap_or_else(|e| panic!("no run.json ({e}); stderr:\n{}", self.stderr));
        serde_json::from_str(&text).expect("run.json is JSON")
    }

    /// The records of `out/documents.jsonl`.
    pub fn records(&self) -> Vec<Value> {
        std::fs::read_to_string(self.out.join("documents.jsonl"))
            .unwrap_or_else(|e| panic!("no documents.jsonl ({e}); stderr:\n{}", self.stderr))
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON record"))
            .collect()
    }

    /// The record with `id`.
    pub fn record(&self, id: &str) -> Value {
        self.records()
            .into_iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no record {id:?}; stderr:\n{}", self.stderr))
    }

    /// The failures in run.json as `(location, reason)`.
    pub fn failures(&self) -> Vec<(String, String)> {
        self.report()["failures"]
            .as_array()
            .expect("failures array")
            .iter()
            .map(|f| {
                (
                    f["location"].as_str().unwrap_or_default().to_string(),
                    f["reason"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Checks `documents_read = written + failed` in run.json and in the printed summary, and
    /// that the counts are these.
    pub fn assert_counts(&self, written: u64, failed: u64) {
        let r = self.report();
        let (read, w, f) = (
            r["documents_read"].as_u64().expect("documents_read"),
            r["documents_written"].as_u64().expect("documents_written"),
            r["documents_failed"].as_u64().expect("documents_failed"),
        );
        assert_eq!(read, w + f, "read = written + failed in run.json");
        assert_eq!(
            (w, f),
            (written, failed),
            "written, failed; stderr:\n{}",
            self.stderr
        );
        assert_eq!(
            r["failures"].as_array().map(Vec::len),
            Some(failed as usize),
            "one failure entry per failed document"
        );
        assert_eq!(
            self.records().len() as u64,
            written,
            "documents.jsonl has one record per written document"
        );
        let summary = format!("{read} documents read: {w} written, {f} failed");
        assert!(
            self.stderr.contains(&summary),
            "summary {summary:?} printed; stderr:\n{}",
            self.stderr
        );
        let want = if failed > 0 { 2 } else { 0 };
        assert_eq!(self.code, Some(want), "exit code; stderr:\n{}", self.stderr);
    }
}

/// A body paragraph for test articles: long enough to be kept by every rule.
pub const BODY: &str = "The ministry said on Tuesday that the talks would resume next week in Geneva, officials confirmed.";

/// The sample articles shipped in `samples/`, as (name, text).
pub fn samples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("samples/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).expect("sample text"),
            )
        })
        .collect();
    out.sort();
    out
}

/// Whether this process runs as root (file permissions do not stop root from reading).
pub fn running_as_root(dir: &Dir) -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = dir.write(".uid-probe", b"");
    let uid = std::fs::metadata(&probe).expect("probe").uid();
    std::fs::remove_file(probe).expect("remove probe");
    uid == 0
}

/// Waits for `child` at most `limit` (killing it and failing with `hung` past that) and returns
/// its exit status, what is left on its stderr (if the caller has not taken it) and the wait.
pub fn wait_for(mut child: Child, limit: Duration, hung: &str) -> (ExitStatus, String, Duration) {
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("{hung} (waited {limit:?})");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let waited = start.elapsed();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).unwrap();
    }
    (status, stderr, waited)
}
