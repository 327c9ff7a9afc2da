//! Reading the inputs back for the documents and removed lines the report shows: records hold
//! spans into the original text, not the text, so the page slices the inputs themselves.
//!
//! Each input file is read once, through the same [`Reader`] the run used (same decoding, same
//! JSONL field names, so the spans land where they did), and only until every wanted document
//! of it is found. What is read is checked against the record (the document's id, and its first
//! kept paragraph at its original span) before it is used: an input changed since the run must
//! not put wrong words under a rule's name.

use super::{Report, Witness};
use crate::cli::{Cli, Command};
use crate::input::{self, Fields, Reader};
use clap::Parser;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The JSONL field names of the command line `run.json` recorded (`run`, `clean`), or the
/// defaults.
pub fn fields_of_command(command: &[String]) -> Fields {
    let input = match Cli::try_parse_from(command) {
        Ok(cli) => match cli.command {
            Command::Run(args) => Some(args.input),
            Command::Clean(args) => Some(args.input),
            _ => None,
        },
        Err(_) => None,
    };
    match input {
        Some(i) => Fields {
            id: i.id_field,
            text: i.text_field,
            url: i.url_field,
            site: i.site_field,
        },
        None => Fields::default(),
    }
}

/// A record's `source` as a path and the JSONL line, resolved against the run's working
/// directory. `None` for standard input.
fn locate(source: &str, working_dir: Option<&Path>) -> Option<(PathBuf, Option<u64>)> {
    let resolve = |p: &str| {
        let path = PathBuf::from(p);
        match (path.is_relative(), working_dir) {
            (true, Some(dir)) if dir.join(&path).exists() => dir.join(path),
            _ => path,
        }
    };
    if source.starts_with("-:") || source == "-" {
        return None;
    }
    let whole = resolve(source);
    if whole.is_file() {
        return Some((whole, None));
    }
    // `path:line`; a path may hold a colon itself, so the line is what follows the last one.
    let (path, line) = source.rsplit_once(':')?;
    Some((resolve(path), Some(line.parse().ok()?)))
}

/// Per JSONL line (`None`: a whole file), the documents wanted there: id and what for.
type Wanted = HashMap<Option<u64>, Vec<(String, Need)>>;

/// What a document read back is wanted for.
enum Need {
    /// The original of `report.documents[i]`.
    Document(usize),
    /// The removed text of sample `i` of rule `name`.
    Sample(String, usize),
}

/// Whether `original` is the text the record was made from: the first kept paragraph is at its
/// span (the cleaned text turns U+00A0 into a space and trims; an inline rewrite may change
/// more, which only costs the page that document's original).
fn matches(original: &str, witness: Option<&Witness>) -> bool {
    let Some(w) = witness else {
        return true;
    };
    w.original.slice(original).is_some_and(|s| {
        s.replace('\u{a0}', " ")
            .trim()
            .starts_with(w.text.trim_end())
    })
}

/// Fills in the sampled documents' originals and the rule samples' removed texts.
pub fn read_back(report: &mut Report, fields: &Fields) {
    let working_dir = report.run.working_dir.clone();
    let mut wanted: HashMap<PathBuf, Wanted> = HashMap::new();
    let mut want = |source: &str, id: &str, need: Need| match locate(source, working_dir.as_deref())
    {
        Some((path, line)) => {
            wanted
                .entry(path)
                .or_default()
                .entry(line)
                .or_default()
                .push((id.to_string(), need));
            None
        }
        None => Some(format!("{source}: standard input cannot be read again")),
    };
    for (i, doc) in report.documents.iter_mut().enumerate() {
        doc.original_note = want(&doc.record.source, &doc.record.id, Need::Document(i));
    }
    for (name, stats) in &report.rules {
        for (i, s) in stats.samples.iter().enumerate() {
            if s.text.is_none() {
                want(&s.source, &s.doc, Need::Sample(name.clone(), i));
            }
        }
    }
    let mut paths: Vec<_> = wanted.into_iter().collect();
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, mut lines) in paths {
        let (sources, errors) = input::expand(std::slice::from_ref(&path));
        if let Some(e) = errors.first() {
            note_missing(report, lines, &format!("{e}"));
            continue;
        }
        for item in Reader::new(sources, fields.clone()) {
            let Ok(doc) = item else { continue };
            if let Some(needs) = lines.remove(&doc.origin.line) {
                for (id, need) in needs {
                    use_original(report, &doc.id, &id, &doc.text, need);
                }
            }
            if lines.is_empty() {
                break;
            }
        }
        let place = path.display().to_string();
        note_missing(
            report,
            lines,
            &format!("{place}: the record's line is not there any more"),
        );
    }
}

fn use_original(report: &mut Report, read_id: &str, id: &str, text: &str, need: Need) {
    let changed =
        "the input changed since the run (its text is not the record's): shown from the record";
    match need {
        Need::Document(i) => {
            let doc = &mut report.documents[i];
            let witness = doc.record.paragraphs.first().map(|p| Witness {
                original: p.original,
                text: p
                    .span
                    .slice(&doc.record.text)
                    .unwrap_or_default()
                    .chars()
                    .take(80)
                    .collect(),
            });
            if read_id == id && matches(text, witness.as_ref()) {
                doc.original = Some(text.to_string());
            } else {
                doc.original_note = Some(changed.to_string());
            }
        }
        Need::Sample(rule, i) => {
            if let Some(s) = report
                .rules
                .get_mut(&rule)
                .and_then(|r| r.samples.get_mut(i))
            {
                if read_id == id && matches(text, s.witness.as_ref()) {
                    s.text = s.span.slice(text).map(str::to_string);
                }
            }
        }
    }
}

fn note_missing(report: &mut Report, lines: Wanted, why: &str) {
    for need in lines.into_values().flatten().map(|(_, n)| n) {
        if let Need::Document(i) = need {
            report.documents[i].original_note = Some(why.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Span;

    #[test]
    fn fields_come_from_the_recorded_command_line() {
        let command: Vec<String> = [
            "newsclean",
            "run",
            "x.jsonl",
            "--out",
            "o",
            "--text-field",
            "body",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(fields_of_command(&command).text, "body");
        assert_eq!(fields_of_command(&[]).text, Fields::default().text);
    }

    #[test]
    fn sources_are_paths_with_an_optional_line() {
        assert!(locate("-:3", None).is_none());
        let (path, line) = locate("pages.jsonl:12", None).expect("located");
        assert_eq!((path, line), (PathBuf::from("pages.jsonl"), Some(12)));
    }

    #[test]
    fn an_original_must_hold_the_first_paragraph_at_its_span() {
        let witness = Witness {
            original: Span::new(6, 11),
            text: "héllo".to_string(),
        };
        assert!(matches("menu\n\u{a0}héllo world", Some(&witness)));
        assert_eq!(Span::new(6, 11).slice("menu\n\u{a0}héllo"), Some("héllo"));
        assert!(!matches("other text entirely", Some(&witness)));
    }
}
