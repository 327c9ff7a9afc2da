//! Rule fixtures: each rule file `rules/<name>.toml` has example inputs beside it in
//! `rules/<name>/*.in.txt`, each with the cleaned text it must give in `*.out.txt`. Checking
//! them proves that every file has fixtures, every rule fires on at least one, every site
//! fingerprint recognises its fixtures, and every output is as expected.
//!
//! Used by `newsclean rules check` and by the test suite.

use crate::document::Document;
use crate::rules::{FileKind, Rules};
use crate::{site, Cleaner};
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// Something wrong with a rule file's fixtures.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FixtureProblem {
    /// A rule file with no `*.in.txt` fixture.
    NoFixture { file: PathBuf },
    /// A fixture input without its `*.out.txt`.
    NoExpected { input: PathBuf },
    /// A rule that changed nothing in any fixture of its file.
    NeverFires {
        file: PathBuf,
        line: usize,
        rule: String,
    },
    /// A fingerprint pattern that matches none of its site's fixtures.
    FingerprintMatchesNothing {
        file: PathBuf,
        line: usize,
        pattern: String,
    },
    /// A site fixture that the site's fingerprint does not recognise.
    NotRecognised { input: PathBuf, site: String },
    /// Cleaning a fixture gave other text than expected.
    Mismatch {
        input: PathBuf,
        line: usize,
        expected: String,
        actual: String,
    },
}

impl fmt::Display for FixtureProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixtureProblem::NoFixture { file } => write!(f, "{}: no fixtures (add {})", file.display(), fixture_dir(file).join("NAME.in.txt").display()),
            FixtureProblem::NoExpected { input } => write!(f, "{}: no expected output (.out.txt)", input.display()),
            FixtureProblem::NeverFires { file, line, rule } => write!(f, "{}:{line}: rule \"{rule}\": fires on none of the fixtures", file.display()),
            FixtureProblem::FingerprintMatchesNothing { file, line, pattern } => {
                write!(f, "{}:{line}: fingerprint pattern {pattern:?} matches none of the site's fixtures", file.display())
            }
            FixtureProblem::NotRecognised { input, site } => write!(f, "{}: not recognised as {site} by its fingerprint", input.display()),
            FixtureProblem::Mismatch { input, line, expected, actual } => write!(
                f,
                "{}: output differs at line {line}:\n  expected: {expected:?}\n  actual:   {actual:?}",
                input.display()
            ),
        }
    }
}

/// `rules/<name>.toml` → `rules/<name>/`.
fn fixture_dir(file: &Path) -> PathBuf {
    file.with_extension("")
}

/// The fixture inputs of a rule file, sorted.
pub fn inputs(file: &Path) -> std::io::Result<Vec<PathBuf>> {
    let dir = fixture_dir(file);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".in.txt"))
        .collect();
    out.sort();
    Ok(out)
}

/// Checks every fixture of every rule file in `rules` (loaded from `dir`).
pub fn check(rules: &Rules, _dir: &Path) -> std::io::Result<Vec<FixtureProblem>> {
    let mut problems = Vec::new();
    for file in &rules.files {
        let fixtures = inputs(&file.path)?;
        if fixtures.is_empty() {
            problems.push(FixtureProblem::NoFixture {
                file: file.path.clone(),
            });
            continue;
        }
        let cleaner = Cleaner::new(rules.clone())
            .default_site((file.kind == FileKind::Site).then(|| file.name.clone()));
        let mut fired: HashSet<String> = HashSet::new();
        let mut fingerprint_hits: HashSet<usize> = HashSet::new();
        for input in &fixtures {
            let text = std::fs::read_to_string(input)?;
            if let Some(fp) = &file.fingerprint {
                for (i, (re, _)) in fp.patterns.iter().enumerate() {
                    if re.is_match(&text) {
                        fingerprint_hits.insert(i);
                    }
                }
                let recognised = match file.kind {
                    FileKind::Site => {
                        site::fingerprint_site(rules, &text).is_some_and(|f| f.name == file.name)
                    }
                    _ => fp.recognises(&text),
                };
                if !recognised {
                    problems.push(FixtureProblem::NotRecognised {
                        input: input.clone(),
                        site: file.name.clone(),
                    });
                }
            }
            let stem = input
                .file_name()
                .map(|n| n.to_string_lossy().replace(".in.txt", ""))
                .unwrap_or_default();
            let doc = Document::from_text(stem, text);
            let cleaned = cleaner.clean_traced(&doc, &mut |rule, changed| {
                if changed {
                    fired.insert(rule.qualified.clone());
                }
            });
            let expected_path =
                PathBuf::from(input.to_string_lossy().replace(".in.txt", ".out.txt"));
            match std::fs::read_to_string(&expected_path) {
                Ok(expected) => {
                    if let Some(p) = compare(input, expected.trim_end(), &cleaned.text()) {
                        problems.push(p);
                    }
                }
                Err(_) => problems.push(FixtureProblem::NoExpected {
                    input: input.clone(),
                }),
            }
        }
        for rule in &file.rules {
            if !fired.contains(&rule.qualified) {
                problems.push(FixtureProblem::NeverFires {
                    file: file.path.clone(),
                    line: rule.line,
                    rule: rule.id.clone(),
                });
            }
        }
        if let Some(fp) = &file.fingerprint {
            for (i, (re, line)) in fp.patterns.iter().enumerate() {
                if !fingerprint_hits.contains(&i) {
                    let pattern = re.as_str().trim_start_matches("(?m)").to_string();
                    problems.push(FixtureProblem::FingerprintMatchesNothing {
                        file: file.path.clone(),
                        line: *line,
                        pattern,
                    });
                }
            }
        }
    }
    Ok(problems)
}

/// The first differing line of expected and actual text, if any.
fn compare(input: &Path, expected: &str, actual: &str) -> Option<FixtureProblem> {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .map(|i| FixtureProblem::Mismatch {
            input: input.to_path_buf(),
            line: i + 1,
            expected: e.get(i).unwrap_or(&"<end>").to_string(),
            actual: a.get(i).unwrap_or(&"<end>").to_string(),
        })
}
