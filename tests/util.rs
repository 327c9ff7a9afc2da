//! Shared test helpers: a temporary directory per test, a command builder for the binary, the
//! shipped rules, and a readable diff on mismatch.

use newsclean::{Cleaner, Rules};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped rules, loaded from `rules/`.
pub fn rules() -> Rules {
    Rules::load(&root().join("rules")).unwrap_or_else(|e| panic!("rules/ must load:\n{e}"))
}

/// A cleaner with the shipped rules.
pub fn cleaner() -> Cleaner {
    Cleaner::new(rules())
}

/// A fresh, empty directory for one test, under target/.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = root().join("target").join("test-tmp").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create test dir");
        TempDir(dir)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&p, contents).expect("write test file");
        p
    }
}

/// Makes a directory named after the calling test.
#[macro_export]
macro_rules! tempdir {
    () => {{
        fn f() {}
        let name = std::any::type_name_of_val(&f)
            .trim_end_matches("::f")
            .replace("::", "-");
        $crate::util::TempDir::new(&name)
    }};
}

/// Runs the newsclean binary in `dir` with `args`.
pub fn newsclean(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsclean"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run newsclean")
}

/// Asserts equality of two texts, showing the first differing lines.
pub fn assert_text_eq(expected: &str, actual: &str, what: &str) {
    if expected == actual {
        return;
    }
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let i = (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .unwrap_or(0);
    panic!(
        "{what}: differs at line {}\n  expected: {:?}\n  actual:   {:?}",
        i + 1,
        e.get(i).unwrap_or(&"<end>"),
        a.get(i).unwrap_or(&"<end>")
    );
}

/// The text of paragraph `i` of a record (as JSON): the record's `text` sliced by the
/// paragraph's span, in code points.
pub fn paragraph_text(record: &serde_json::Value, i: usize) -> String {
    let span = &record["paragraphs"][i]["span"];
    let at = |k: usize| span[k].as_u64().expect("a span") as usize;
    let text = record["text"].as_str().expect("a text");
    text.chars().skip(at(0)).take(at(1) - at(0)).collect()
}
