//! Rule files: per-site, per-platform and generic cleaning rules written in TOML.
//!
//! `parse` turns text into raw structs with spans, `validate` compiles them into a [`Rules`]
//! set or explains, with file and line, what is wrong. Applying rules to a document is the
//! cleaner's job (`crate::clean`); this module owns what a rule *is*. The format is documented
//! for rule authors in `rules/README.md`.

mod error;
pub mod matcher;
pub mod parse;
mod validate;

pub use error::{LoadErrors, RuleError, RuleErrorKind};
pub use validate::validate;

use matcher::{Captor, Union};
use regex::Regex;
use std::path::{Path, PathBuf};

/// What a rule file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// One outlet, recognised by domain or fingerprint.
    Site,
    /// A publishing platform (WordPress...), applied when a site names it or its fingerprint matches.
    Platform,
    /// Applied to every document, after site and platform rules.
    Generic,
}

/// Text patterns that recognise a document of a site when it carries no URL.
#[derive(Clone, Debug)]
pub struct Fingerprint {
    /// Each pattern with the line of the rule file it was written on.
    pub patterns: Vec<(Regex, usize)>,
    /// How many patterns must match (default: all of them).
    pub min_matches: usize,
}

impl Fingerprint {
    /// How many patterns match `normalized`: the whole text in multi-line mode, its lines
    /// normalised as rules see them by [`crate::clean::segment::normalized_text`] (any line end,
    /// NBSP to space, ends trimmed). Callers normalise once per document, not per site file.
    pub fn matches(&self, normalized: &str) -> usize {
        let text = normalized;
        self.patterns
            .iter()
            .filter(|(re, _)| re.is_match(text))
            .count()
    }

    /// Whether enough patterns match `normalized` (see [`Fingerprint::matches`]) for it to be
    /// recognised as this site's.
    pub fn recognises(&self, normalized: &str) -> bool {
        self.matches(normalized) >= self.min_matches
    }
}

/// Where in a document a rule may act. Every limit is optional.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Only the first N kept non-blank lines (counted when the rule runs).
    pub first_lines: Option<usize>,
    /// Only after at least N body paragraphs (kept lines of 10 words or more) precede the line.
    pub after_body: Option<usize>,
    /// Only lines of at least N words.
    pub min_words: Option<usize>,
    /// Only lines of at most N words.
    pub max_words: Option<usize>,
    /// Only lines whose next kept line looks like a headline (a section label, a kicker).
    pub followed_by_headline: bool,
}

impl Scope {
    /// Whether the scope admits every line.
    pub fn is_unlimited(&self) -> bool {
        self.first_lines.is_none()
            && self.after_body.is_none()
            && self.min_words.is_none()
            && self.max_words.is_none()
            && !self.followed_by_headline
    }
}

/// Which lines a `lift` rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiftLine {
    /// Only the first kept line.
    First,
    /// Every kept line in scope.
    Any,
}

/// What a rule does. Patterns match a line after U+00A0 is turned into a space and its ends
/// are trimmed.
#[derive(Clone, Debug)]
pub enum Action {
    /// Drop each line that matches.
    DropLine { pattern: Regex },
    /// Drop from a line matching `start` through the next line matching `end`.
    DropBlock { start: Regex, end: Regex },
    /// Drop from the first line matching `marker` to the end of the document.
    CutFrom { marker: Regex },
    /// Drop an appended story: a section label followed by a new headline, to the end.
    CutAppended {
        label: Regex,
        headline: Option<Regex>,
    },
    /// Drop a line equal to an earlier kept line (a repeated headline).
    DedupeLine,
    /// Replace each match inside a line (default: with nothing).
    Rewrite { pattern: Regex, replace: String },
    /// Lift named groups (`title`, `section`, `published`, `updated`, `author`, `credit`) into
    /// metadata; drop the line unless `keep`.
    Lift {
        pattern: Regex,
        line: LiftLine,
        keep: bool,
        timezone: Option<String>,
        /// `pattern` as a one-pass DFA, if it is one (see [`matcher::Captor`]): its groups
        /// without `regex`'s backtracker.
        captor: Captor,
    },
}

impl Action {
    /// The action's name as written in rule files.
    pub fn name(&self) -> &'static str {
        match self {
            Action::DropLine { .. } => "drop_line",
            Action::DropBlock { .. } => "drop_block",
            Action::CutFrom { .. } => "cut_from",
            Action::CutAppended { .. } => "cut_appended",
            Action::DedupeLine => "dedupe_line",
            Action::Rewrite { .. } => "rewrite",
            Action::Lift { .. } => "lift",
        }
    }
}

impl Rule {
    /// Whether the rule's effect on a line depends on other lines (its position, its
    /// neighbours, what precedes it), so that removing some line can make it act anew. A pure
    /// content rule (a pattern on the line alone) cannot.
    pub fn depends_on_neighbours(&self) -> bool {
        let s = &self.scope;
        s.first_lines.is_some()
            || s.after_body.is_some()
            || s.followed_by_headline
            || !matches!(
                self.action,
                Action::DropLine { .. }
                    | Action::Rewrite { .. }
                    | Action::Lift {
                        line: LiftLine::Any,
                        ..
                    }
            )
    }
}

/// One compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The id as written.
    pub id: String,
    /// `<file name>:<id>`, the name removals are attributed to.
    pub qualified: String,
    /// The line of the rule file where the rule's table starts.
    pub line: usize,
    pub action: Action,
    pub scope: Scope,
}

/// One compiled rule file.
#[derive(Clone, Debug)]
pub struct RuleFile {
    /// The `[site] name`, which is also the prefix of its rules' qualified ids.
    pub name: String,
    pub kind: FileKind,
    pub path: PathBuf,
    pub description: Option<String>,
    /// Domains whose URLs belong to this site (a subdomain matches too).
    pub domains: Vec<String>,
    /// Platform files this site builds on.
    pub platforms: Vec<String>,
    pub fingerprint: Option<Fingerprint>,
    pub rules: Vec<Rule>,
    /// The file's line patterns in one lazy DFA, for files with many of them.
    pub union: Option<FileUnion>,
    /// FNV-1a 64 hash of the file's bytes: the rule file's version in run reports.
    pub digest: String,
}

/// A rule file's line patterns matched in one pass (see [`matcher::Union`]), and where each
/// rule's patterns sit in it.
#[derive(Clone, Debug)]
pub struct FileUnion {
    pub union: Union,
    /// For rule `r` of the file, the union's index of its first and of its second pattern
    /// (`None` for a pattern left out: a `line = "first"` lift looks at one line only).
    pub slots: Vec<[Option<u8>; 2]>,
}

impl FileUnion {
    /// The union of `rules`' line patterns, if there are enough of them to pay
    /// ([`matcher::UNION_MIN_PATTERNS`]) and the lazy DFA takes them all.
    pub fn build(rules: &[Rule]) -> Option<FileUnion> {
        let mut patterns: Vec<&str> = Vec::new();
        let mut slots = Vec::with_capacity(rules.len());
        for rule in rules {
            let mut slot = [None, None];
            for (k, pattern) in rule.action.line_patterns().into_iter().enumerate() {
                if let Some(pattern) = pattern {
                    slot[k] = u8::try_from(patterns.len()).ok();
                    patterns.push(pattern.as_str());
                }
            }
            slots.push(slot);
        }
        if patterns.len() < matcher::UNION_MIN_PATTERNS {
            return None;
        }
        let union = Union::build(&patterns)?;
        Some(FileUnion { union, slots })
    }
}

impl Action {
    /// The patterns the action asks of lines in its scope, for a union: its first and second
    /// (a block's end, an appended story's headline). A `line = "first"` lift asks of one
    /// line only and stays out.
    fn line_patterns(&self) -> [Option<&Regex>; 2] {
        match self {
            Action::DropLine { pattern } | Action::Rewrite { pattern, .. } => [Some(pattern), None],
            Action::Lift {
                pattern,
                line: LiftLine::Any,
                ..
            } => [Some(pattern), None],
            Action::Lift { .. } | Action::DedupeLine => [None, None],
            Action::DropBlock { start, end } => [Some(start), Some(end)],
            Action::CutFrom { marker } => [Some(marker), None],
            Action::CutAppended { label, headline } => [Some(label), headline.as_ref()],
        }
    }
}

/// A validated set of rule files.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    pub files: Vec<RuleFile>,
}

impl Rules {
    /// Loads and validates every `*.toml` file directly in `dir`, in name order. All errors are
    /// collected, so a rule author sees every mistake at once.
    pub fn load(dir: &Path) -> Result<Rules, LoadErrors> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            LoadErrors(vec![RuleError::new(
                dir,
                None,
                None,
                RuleErrorKind::Io(e.to_string()),
            )])
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
            .collect();
        paths.sort();
        let mut sources = Vec::with_capacity(paths.len());
        let mut errors = Vec::new();
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(text) => sources.push((path, text)),
                Err(e) => errors.push(RuleError::new(
                    &path,
                    None,
                    None,
                    RuleErrorKind::Io(e.to_string()),
                )),
            }
        }
        match Rules::from_sources(&sources) {
            Ok(rules) if errors.is_empty() => Ok(rules),
            Ok(_) => Err(LoadErrors(errors)),
            Err(LoadErrors(more)) => {
                errors.extend(more);
                Err(LoadErrors(errors))
            }
        }
    }

    /// Validates rule files given as `(path, text)` pairs; the path is used in messages only.
    pub fn from_sources(sources: &[(PathBuf, String)]) -> Result<Rules, LoadErrors> {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for (path, text) in sources {
            match validate(path, text) {
                Ok(file) => files.push(file),
                Err(mut e) => errors.append(&mut e),
            }
        }
        for (i, file) in files.iter().enumerate() {
            if files[..i].iter().any(|f| f.name == file.name) {
                errors.push(RuleError::new(
                    &file.path,
                    None,
                    None,
                    RuleErrorKind::DuplicateSite(file.name.clone()),
                ));
            }
        }
        for file in &files {
            for platform in &file.platforms {
                if !files
                    .iter()
                    .any(|f| &f.name == platform && f.kind == FileKind::Platform)
                {
                    errors.push(RuleError::new(
                        &file.path,
                        None,
                        None,
                        RuleErrorKind::BadValue(format!(
                            "platform \"{platform}\" has no platform rule file"
                        )),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(Rules { files })
        } else {
            Err(LoadErrors(errors))
        }
    }

    /// The rule file named `name`.
    pub fn file(&self, name: &str) -> Option<&RuleFile> {
        self.files.iter().find(|f| f.name == name)
    }

    /// Files of the given kind, in load order.
    pub fn of_kind(&self, kind: FileKind) -> impl Iterator<Item = &RuleFile> {
        self.files.iter().filter(move |f| f.kind == kind)
    }

    /// The rule with a qualified id (`file:id`).
    pub fn rule(&self, qualified: &str) -> Option<&Rule> {
        self.files
            .iter()
            .flat_map(|f| &f.rules)
            .find(|r| r.qualified == qualified)
    }
}

/// FNV-1a 64, hex: a stable content hash with no dependency.
pub(crate) fn digest(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

impl Rules {
    /// The rule files shipped with newsclean (`rules/` at build time).
    pub fn builtin() -> Result<Rules, LoadErrors> {
        let sources: Vec<(PathBuf, String)> = builtin::BUILTIN
            .iter()
            .map(|(name, text)| (PathBuf::from("rules").join(name), text.to_string()))
            .collect();
        Rules::from_sources(&sources)
    }
}
