//! Raw rule files to compiled [`RuleFile`]s: compile every regex, check that each action has
//! the keys it needs and no others, reject duplicate ids. Every error names file and line.

use super::matcher::Captor;
use super::parse::{self, line_of, RawFile, RawRule};
use super::{
    digest, Action, FileKind, FileUnion, Fingerprint, LiftLine, Rule, RuleError, RuleErrorKind,
    RuleFile, Scope,
};
use regex::{Regex, RegexBuilder};
use std::path::Path;
use toml::Spanned;

/// Compiled size cap per pattern. Rule patterns are short; a pattern that compiles to more than
/// this is a mistake (or an attack) and would slow every document down.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// The metadata fields a `lift` pattern may capture.
pub const LIFT_FIELDS: [&str; 6] = [
    "title",
    "section",
    "published",
    "updated",
    "author",
    "credit",
];

/// Validates one rule file's text; `path` is for messages.
pub fn validate(path: &Path, text: &str) -> Result<RuleFile, Vec<RuleError>> {
    let raw: RawFile = parse::parse(text).map_err(|e| {
        vec![RuleError::new(
            path,
            e.line,
            None,
            RuleErrorKind::Syntax(e.message),
        )]
    })?;
    let mut ctx = Context {
        path,
        text,
        errors: Vec::new(),
    };
    let file = ctx.file(raw);
    if ctx.errors.is_empty() {
        Ok(file)
    } else {
        Err(ctx.errors)
    }
}

struct Context<'a> {
    path: &'a Path,
    text: &'a str,
    errors: Vec<RuleError>,
}

impl Context<'_> {
    fn line<T>(&self, value: &Spanned<T>) -> usize {
        line_of(self.text, value.span().start)
    }

    fn error(&mut self, line: usize, rule: Option<&str>, kind: RuleErrorKind) {
        self.errors
            .push(RuleError::new(self.path, Some(line), rule, kind));
    }

    fn regex(&mut self, rule: Option<&str>, key: &str, pattern: &Spanned<String>) -> Option<Regex> {
        match compile(pattern.get_ref()) {
            Ok(re) => Some(re),
            Err(message) => {
                let line = self.line(pattern);
                self.error(
                    line,
                    rule,
                    RuleErrorKind::InvalidRegex {
                        key: key.to_string(),
                        message,
                    },
                );
                None
            }
        }
    }

    fn file(&mut self, raw: RawFile) -> RuleFile {
        let site = raw.site;
        let name = site.name.get_ref().clone();
        let name_line = self.line(&site.name);
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            self.error(
                name_line,
                None,
                RuleErrorKind::BadValue(format!("site name {name:?} must be [A-Za-z0-9._-]+")),
            );
        }
        let kind = match site
            .kind
            .as_ref()
            .map(|k| (k.get_ref().as_str(), self.line(k)))
        {
            None | Some(("site", _)) => FileKind::Site,
            Some(("platform", _)) => FileKind::Platform,
            Some(("generic", _)) => FileKind::Generic,
            Some((other, line)) => {
                self.error(
                    line,
                    None,
                    RuleErrorKind::BadValue(format!(
                        "site kind {other:?} must be site, platform or generic"
                    )),
                );
                FileKind::Site
            }
        };
        let domains: Vec<String> = site
            .domains
            .iter()
            .map(|d| {
                d.get_ref()
                    .trim()
                    .trim_start_matches("www.")
                    .to_ascii_lowercase()
            })
            .collect();
        let fingerprint = site.fingerprint.map(|fp| {
            let patterns: Vec<(Regex, usize)> = fp
                .patterns
                .iter()
                .filter_map(|p| {
                    let line = self.line(p);
                    self.regex(None, "fingerprint.patterns", p)
                        .map(|re| (multiline(re), line))
                })
                .collect();
            let min_matches = match &fp.min_matches {
                Some(m) if *m.get_ref() == 0 || *m.get_ref() > fp.patterns.len() => {
                    let line = self.line(m);
                    self.error(
                        line,
                        None,
                        RuleErrorKind::BadValue(format!(
                            "min_matches must be between 1 and the number of patterns ({})",
                            fp.patterns.len()
                        )),
                    );
                    1
                }
                Some(m) => *m.get_ref(),
                None => fp.patterns.len(),
            };
            Fingerprint {
                patterns,
                min_matches,
            }
        });
        if fingerprint.as_ref().is_some_and(|f| f.patterns.is_empty()) {
            self.error(
                name_line,
                None,
                RuleErrorKind::BadValue("fingerprint has no patterns".into()),
            );
        }
        let mut rules: Vec<Rule> = Vec::with_capacity(raw.rules.len());
        for raw_rule in raw.rules {
            let id = raw_rule.id.get_ref().clone();
            let line = self.line(&raw_rule.id);
            if rules.iter().any(|r| r.id == id) {
                self.error(line, Some(&id), RuleErrorKind::DuplicateId);
                continue;
            }
            if let Some(rule) = self.rule(&name, raw_rule) {
                rules.push(rule);
            }
        }
        let union = FileUnion::build(&rules);
        RuleFile {
            name,
            kind,
            path: self.path.to_path_buf(),
            description: site.description,
            domains,
            platforms: site.platforms.iter().map(|p| p.get_ref().clone()).collect(),
            fingerprint,
            rules,
            union,
            digest: digest(self.text.as_bytes()),
        }
    }

    fn rule(&mut self, file: &str, raw: RawRule) -> Option<Rule> {
        let id = raw.id.get_ref().clone();
        let line = self.line(&raw.id);
        if id.is_empty() || id.contains(char::is_whitespace) || id.contains(':') {
            self.error(
                line,
                Some(&id),
                RuleErrorKind::BadValue("rule id must be non-empty, without spaces or ':'".into()),
            );
        }
        let action_name = raw.action.get_ref().as_str();
        // The keys each action takes beyond id/action/note and the scope keys.
        let (required, optional): (&[&str], &[&str]) = match action_name {
            "drop_line" => (&["pattern"], &[]),
            "drop_block" => (&["start", "end"], &[]),
            "cut_from" => (&["marker"], &[]),
            "cut_appended" => (&["label"], &["headline"]),
            "dedupe_line" => (&[], &[]),
            "rewrite" => (&["pattern"], &["replace"]),
            "lift" => (&["pattern"], &["line", "keep", "timezone"]),
            other => {
                let line = self.line(&raw.action);
                self.error(
                    line,
                    Some(&id),
                    RuleErrorKind::UnknownAction(other.to_string()),
                );
                return None;
            }
        };
        let present: [(&str, Option<usize>); 9] = [
            ("pattern", raw.pattern.as_ref().map(|v| self.line(v))),
            ("start", raw.start.as_ref().map(|v| self.line(v))),
            ("end", raw.end.as_ref().map(|v| self.line(v))),
            ("marker", raw.marker.as_ref().map(|v| self.line(v))),
            ("label", raw.label.as_ref().map(|v| self.line(v))),
            ("headline", raw.headline.as_ref().map(|v| self.line(v))),
            ("replace", raw.replace.as_ref().map(|v| self.line(v))),
            ("line", raw.line.as_ref().map(|v| self.line(v))),
            ("keep", raw.keep.as_ref().map(|v| self.line(v))),
        ];
        let timezone_line = raw.timezone.as_ref().map(|v| self.line(v));
        let mut ok = true;
        for (key, at) in present
            .iter()
            .chain(std::iter::once(&("timezone", timezone_line)))
        {
            match at {
                Some(at) if !required.contains(key) && !optional.contains(key) => {
                    self.error(
                        *at,
                        Some(&id),
                        RuleErrorKind::KeyNotAllowed {
                            action: action_name.to_string(),
                            key: key.to_string(),
                        },
                    );
                    ok = false;
                }
                None if required.contains(key) => {
                    self.error(
                        line,
                        Some(&id),
                        RuleErrorKind::MissingKey {
                            action: action_name.to_string(),
                            key: key.to_string(),
                        },
                    );
                    ok = false;
                }
                _ => {}
            }
        }
        if !ok {
            return None;
        }
        let rid = Some(id.as_str());
        let re = |ctx: &mut Self, key: &str, v: &Option<Spanned<String>>| {
            v.as_ref().and_then(|p| ctx.regex(rid, key, p))
        };
        let action = match action_name {
            "drop_line" => Action::DropLine {
                pattern: re(self, "pattern", &raw.pattern)?,
            },
            "drop_block" => {
                let start = re(self, "start", &raw.start);
                let end = re(self, "end", &raw.end);
                Action::DropBlock {
                    start: start?,
                    end: end?,
                }
            }
            "cut_from" => Action::CutFrom {
                marker: re(self, "marker", &raw.marker)?,
            },
            "cut_appended" => {
                let label = re(self, "label", &raw.label);
                let headline = match &raw.headline {
                    Some(h) => Some(self.regex(rid, "headline", h)?),
                    None => None,
                };
                Action::CutAppended {
                    label: label?,
                    headline,
                }
            }
            "dedupe_line" => Action::DedupeLine,
            "rewrite" => Action::Rewrite {
                pattern: re(self, "pattern", &raw.pattern)?,
                replace: raw.replace.map(|r| r.into_inner()).unwrap_or_default(),
            },
            "lift" => {
                let pattern = re(self, "pattern", &raw.pattern)?;
                let pline = raw.pattern.as_ref().map_or(line, |p| self.line(p));
                let names: Vec<&str> = pattern.capture_names().flatten().collect();
                if names.is_empty() {
                    self.error(
                        pline,
                        rid,
                        RuleErrorKind::BadValue(format!(
                            "lift pattern has no named group (one of {})",
                            LIFT_FIELDS.join(", ")
                        )),
                    );
                    return None;
                }
                if let Some(bad) = names.iter().find(|n| !LIFT_FIELDS.contains(n)) {
                    self.error(
                        pline,
                        rid,
                        RuleErrorKind::BadValue(format!(
                            "unknown metadata field (?P<{bad}>); fields are {}",
                            LIFT_FIELDS.join(", ")
                        )),
                    );
                    return None;
                }
                let which = match raw
                    .line
                    .as_ref()
                    .map(|l| (l.get_ref().as_str(), self.line(l)))
                {
                    None | Some(("any", _)) => LiftLine::Any,
                    Some(("first", _)) => LiftLine::First,
                    Some((other, at)) => {
                        self.error(
                            at,
                            rid,
                            RuleErrorKind::BadValue(format!(
                                "line = {other:?}: expected \"first\" or \"any\""
                            )),
                        );
                        return None;
                    }
                };
                let timezone = match raw.timezone {
                    Some(tz) if crate::metadata::parse_offset(tz.get_ref()).is_none() => {
                        let at = self.line(&tz);
                        self.error(
                            at,
                            rid,
                            RuleErrorKind::BadValue(format!(
                                "timezone {:?}: expected an offset like +08:00 or Z",
                                tz.get_ref()
                            )),
                        );
                        return None;
                    }
                    tz => tz.map(|t| t.into_inner()),
                };
                Action::Lift {
                    captor: Captor::new(pattern.as_str()),
                    pattern,
                    line: which,
                    keep: raw.keep.is_some_and(|k| *k.get_ref()),
                    timezone,
                }
            }
            _ => unreachable!("action names were matched above"),
        };
        let scope = Scope {
            first_lines: raw.first_lines.map(|v| v.into_inner()),
            after_body: raw.after_body.map(|v| v.into_inner()),
            min_words: raw.min_words.map(|v| v.into_inner()),
            max_words: raw.max_words.map(|v| v.into_inner()),
            followed_by_headline: raw.followed_by_headline.is_some_and(|v| v.into_inner()),
        };
        Some(Rule {
            qualified: format!("{file}:{id}"),
            id,
            line,
            action,
            scope,
        })
    }
}

/// Compiles a rule pattern with the size cap. The `regex` crate runs in linear time and
/// refuses look-around and backreferences itself, with a message that says so.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let mut message = e.to_string().lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join(" ");
            if matches!(e, regex::Error::CompiledTooBig(_)) {
                message.push_str(" (a counted repetition of a Unicode class, like \\p{L}{1,40}, compiles large: write + and bound the line with max_words)");
            }
            message
        })
}

/// Fingerprints match against the whole text, `^`/`$` at line ends.
fn multiline(re: Regex) -> Regex {
    RegexBuilder::new(&format!("(?m){}", re.as_str()))
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .expect("a pattern that compiled also compiles in multi-line mode")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn errors(text: &str) -> Vec<String> {
        validate(&PathBuf::from("rules/x.toml"), text)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    const HEAD: &str = "[site]\nname = \"x\"\n\n";

    #[test]
    fn valid_file_compiles() {
        let text =
            format!("{HEAD}[[rule]]\nid = \"a\"\naction = \"drop_line\"\npattern = '^Share$'\n");
        let file = validate(&PathBuf::from("x.toml"), &text).unwrap();
        assert_eq!(file.rules[0].qualified, "x:a");
        assert_eq!(file.rules[0].line, 5);
    }

    #[test]
    fn bad_regex_names_file_line_and_rule() {
        let e = errors(&format!(
            "{HEAD}[[rule]]\nid = \"promo\"\naction = \"drop_line\"\npattern = '(unclosed'\n"
        ));
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("rules/x.toml:7: rule \"promo\": invalid regex in `pattern`"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn look_around_is_refused() {
        let e = errors(&format!(
            "{HEAD}[[rule]]\nid = \"la\"\naction = \"drop_line\"\npattern = 'a(?=b)'\n"
        ));
        assert!(e[0].contains("look-around"), "{}", e[0]);
    }

    #[test]
    fn unknown_action_and_duplicate_id() {
        let e = errors(&format!(
            "{HEAD}[[rule]]\nid = \"a\"\naction = \"explode\"\n\n[[rule]]\nid = \"b\"\naction = \"dedupe_line\"\n\n[[rule]]\nid = \"b\"\naction = \"dedupe_line\"\n"
        ));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].starts_with("rules/x.toml:6: rule \"a\": unknown action \"explode\""),
            "{}",
            e[0]
        );
        assert!(
            e[1].starts_with("rules/x.toml:13: rule \"b\": duplicate rule id"),
            "{}",
            e[1]
        );
    }

    #[test]
    fn missing_and_foreign_keys() {
        let e = errors(&format!(
            "{HEAD}[[rule]]\nid = \"a\"\naction = \"drop_block\"\nstart = 'x'\nmarker = 'y'\n"
        ));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e
            .iter()
            .any(|m| m.contains("`marker` does not apply to action drop_block")));
        assert!(e
            .iter()
            .any(|m| m.contains("action drop_block needs `end`")));
    }

    #[test]
    fn lift_needs_known_named_groups() {
        let e = errors(&format!(
            "{HEAD}[[rule]]\nid = \"a\"\naction = \"lift\"\npattern = '^By (?P<writer>.+)$'\n"
        ));
        assert!(
            e[0].contains("unknown metadata field (?P<writer>)"),
            "{}",
            e[0]
        );
        let e = errors(&format!(
            "{HEAD}[[rule]]\nid = \"a\"\naction = \"lift\"\npattern = '^By .+$'\n"
        ));
        assert!(e[0].contains("no named group"), "{}", e[0]);
    }

    #[test]
    fn pathological_pattern_is_capped() {
        let e = errors(&format!("{HEAD}[[rule]]\nid = \"big\"\naction = \"drop_line\"\npattern = '(\\w{{100}}){{100}}'\n"));
        assert!(e[0].contains("invalid regex"), "{}", e[0]);
    }
}
