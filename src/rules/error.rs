//! Errors in rule files, each with the file, the line and the rule it concerns, shaped
//! `rules/bbc.toml:14: rule "strip-promo": invalid regex: ...`.

use std::fmt;
use std::path::{Path, PathBuf};

/// What is wrong with a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuleErrorKind {
    /// The file could not be read.
    Io(String),
    /// The TOML does not parse, or has a wrong type or an unknown key.
    Syntax(String),
    /// A pattern does not compile (or uses look-around or backreferences, which the linear-time
    /// regex engine rejects, or is too large once compiled).
    InvalidRegex { key: String, message: String },
    /// `action` names no known action.
    UnknownAction(String),
    /// Two rules of one file share an id.
    DuplicateId,
    /// An action lacks a key it needs.
    MissingKey { action: String, key: String },
    /// A key was given that the action does not use.
    KeyNotAllowed { action: String, key: String },
    /// A value is out of range or otherwise meaningless.
    BadValue(String),
    /// Two files declare the same site name.
    DuplicateSite(String),
    /// A fingerprint pattern matches none of the site's fixtures.
    FingerprintMatchesNothing(String),
}

impl fmt::Display for RuleErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleErrorKind::Io(m) => write!(f, "cannot read: {m}"),
            RuleErrorKind::Syntax(m) => write!(f, "invalid TOML: {m}"),
            RuleErrorKind::InvalidRegex { key, message } => write!(f, "invalid regex in `{key}`: {message}"),
            RuleErrorKind::UnknownAction(a) => write!(
                f,
                "unknown action \"{a}\" (expected one of: drop_line, drop_block, cut_from, cut_appended, dedupe_line, rewrite, lift)"
            ),
            RuleErrorKind::DuplicateId => write!(f, "duplicate rule id"),
            RuleErrorKind::MissingKey { action, key } => write!(f, "action {action} needs `{key}`"),
            RuleErrorKind::KeyNotAllowed { action, key } => write!(f, "`{key}` does not apply to action {action}"),
            RuleErrorKind::BadValue(m) => write!(f, "{m}"),
            RuleErrorKind::DuplicateSite(name) => write!(f, "site \"{name}\" is declared by another rule file too"),
            RuleErrorKind::FingerprintMatchesNothing(p) => {
                write!(f, "fingerprint pattern {p:?} matches none of the site's fixtures")
            }
        }
    }
}

/// An error in a rule file, located by path, line and rule id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub rule: Option<String>,
    pub kind: RuleErrorKind,
}

impl RuleError {
    pub fn new(
        path: &Path,
        line: Option<usize>,
        rule: Option<&str>,
        kind: RuleErrorKind,
    ) -> RuleError {
        RuleError {
            path: path.to_path_buf(),
            line,
            rule: rule.map(str::to_string),
            kind,
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, ": rule \"{rule}\"")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for RuleError {}

/// Every error found while loading a rule directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadErrors(pub Vec<RuleError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}
