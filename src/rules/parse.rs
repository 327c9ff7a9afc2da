//! TOML rule files to raw structs, keeping the byte spans of every value that can be wrong so
//! that `validate` can name the file and line of a mistake.
//!
//! Nothing is checked here beyond what TOML and serde check (syntax, types, unknown keys):
//! meaning is `validate`'s job.

use serde::Deserialize;
use toml::Spanned;

/// A rule file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub site: RawSite,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RawRule>,
}

/// The `[site]` table: what the file is for and how its documents are recognised.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub name: Spanned<String>,
    /// `site` (default), `platform` or `generic`.
    #[serde(default)]
    pub kind: Option<Spanned<String>>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub domains: Vec<Spanned<String>>,
    /// Platform rule files this site is built on (e.g. `wordpress`).
    #[serde(default)]
    pub platforms: Vec<Spanned<String>>,
    #[serde(default)]
    pub fingerprint: Option<RawFingerprint>,
}

/// `[site.fingerprint]`: text patterns that identify a document of this site without a URL.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFingerprint {
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub min_matches: Option<Spanned<usize>>,
}

/// One `[[rule]]` table. Every action's parameters share one flat table; `validate` checks
/// that each action gets the keys it needs and no others.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub action: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    #[serde(default)]
    pub start: Option<Spanned<String>>,
    #[serde(default)]
    pub end: Option<Spanned<String>>,
    #[serde(default)]
    pub marker: Option<Spanned<String>>,
    #[serde(default)]
    pub label: Option<Spanned<String>>,
    #[serde(default)]
    pub headline: Option<Spanned<String>>,
    #[serde(default)]
    pub replace: Option<Spanned<String>>,
    #[serde(default)]
    pub line: Option<Spanned<String>>,
    #[serde(default)]
    pub keep: Option<Spanned<bool>>,
    #[serde(default)]
    pub timezone: Option<Spanned<String>>,
    #[serde(default)]
    pub first_lines: Option<Spanned<usize>>,
    #[serde(default)]
    pub after_body: Option<Spanned<usize>>,
    #[serde(default)]
    pub min_words: Option<Spanned<usize>>,
    #[serde(default)]
    pub max_words: Option<Spanned<usize>>,
    #[serde(default)]
    pub followed_by_headline: Option<Spanned<bool>>,
}

/// A TOML error with the 1-based line it points at, if any.
#[derive(Debug)]
pub struct SyntaxError {
    pub line: Option<usize>,
    pub message: String,
}

/// Parses one rule file's text.
pub fn parse(text: &str) -> Result<RawFile, SyntaxError> {
    toml::from_str(text).map_err(|e| SyntaxError {
        line: e.span().map(|s| line_of(text, s.start)),
        message: e.message().trim().to_string(),
    })
}

/// The 1-based line holding byte `offset` of `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_line_of_syntax_error() {
        let err = parse("[site]\nname = \"x\"\n\n[[rule]]\nid = \n").unwrap_err();
        assert_eq!(err.line, Some(5));
    }

    #[test]
    fn rejects_unknown_key_with_line() {
        let err = parse(
            "[site]\nname = \"x\"\n[[rule]]\nid = \"a\"\naction = \"drop_line\"\npatern = \"x\"\n",
        )
        .unwrap_err();
        assert!(err.message.contains("patern"), "{}", err.message);
        assert_eq!(err.line, Some(6));
    }

    #[test]
    fn line_of_counts_newlines() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
