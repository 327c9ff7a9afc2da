//! Site-independent cleaning: find the article in a page that has no rule file.
//!
//! Most sites a user scrapes will never get a rule file, and a scraper's dump of their pages is
//! mostly menus, link lists, footers and comments around one article. After the rule files have
//! run (generic clutter rules included), this module classifies what is left, line by line, and
//! keeps the article:
//!
//! 1. [`lang`] guesses the page's language from stop-word votes, so density is measured with
//!    the right list (and a page in an unlisted language is judged on sentence shape instead).
//! 2. [`classify`] gives each line a jusText-style class (good, near-good, short, bad) from its
//!    [`features`], then settles short and near-good lines by their neighbours.
//! 3. [`article`] weighs the lines (good text counts for, clutter against; [`markers`] such as a
//!    related-links heading weigh heavily against) and takes the run of lines with the greatest
//!    total: the article. It stops the article at a comment section or where an unrelated story
//!    is appended (a section label and headline followed by text that no longer shares the
//!    article's vocabulary), and takes the headline from just before the run.
//! 4. Lines outside the article, and clutter inside it, are removed as [`Removal`]s attributed
//!    to `classifier:<reason>`; each kept line gets its class and reason in `Paragraph.class`.
//!
//! When no line is classified good the classifier does not return an empty article: it keeps
//! the longest run of sentence-like lines and says so in the document's notes.
//!
//! The classifier never sees lines the rule files removed and never restores one, and a line a
//! rule lifted as the title stays. Whether it runs at all on a site with a rule file is the
//! cleaner's decision (it does not: a site's rule file is trusted to know its template).

pub mod article;
pub mod classify;
pub mod features;
pub mod lang;
pub mod markers;

pub use lang::Lang;

use crate::clean::apply::Work;
use crate::document::Removal;

/// The name removals are attributed to: `classifier:<reason>`.
pub const RULE_PREFIX: &str = "classifier";

/// What the classifier decided about one document.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// For each line of the [`Work`] (same index), the class of a kept line and why it stayed.
    pub classes: Vec<Option<String>>,
    /// Things the document's record should say (a fallback was used).
    pub notes: Vec<String>,
    /// The language the classifier judged the page in.
    pub lang: Option<Lang>,
}

/// Runs the classifier over the kept lines of `work`: removes what is not the article and
/// returns the verdicts on what stays.
pub fn clean(work: &mut Work) -> Outcome {
    let mut outcome = Outcome {
        classes: vec![None; work.lines.len()],
        ..Outcome::default()
    };
    // Every non-blank line, kept or removed by a rule: what rules removed still shapes the page.
    let present: Vec<usize> = (0..work.lines.len())
        .filter(|&i| !work.lines[i].text.is_empty())
        .collect();
    if !present.iter().any(|&i| work.lines[i].kept) {
        return outcome;
    }
    let texts: Vec<&str> = present.iter().map(|&i| work.lines[i].text.as_str()).collect();
    let gone: Vec<bool> = present.iter().map(|&i| !work.lines[i].kept).collect();
    let plan = article::plan(&texts, &gone, work.metadata.title.as_deref());
    outcome.lang = Some(plan.lang);
    if let Some(note) = &plan.note {
        outcome.notes.push(note.clone());
    }
    if work.metadata.title.is_none() {
        if let Some(h) = plan.headline {
            work.metadata.title = Some(texts[h].to_string());
        }
    }
    let mut removed = Vec::new();
    for (k, verdict) in plan.verdicts.into_iter().enumerate() {
        let i = present[k];
        match verdict {
            article::Verdict::Gone => {}
            article::Verdict::Keep(class) => outcome.classes[i] = Some(class),
            article::Verdict::Remove(reason) => {
                let line = &mut work.lines[i];
                line.kept = false;
                removed.push(Removal {
                    line: line.number,
                    text: line.text.clone(),
                    rule: format!("{RULE_PREFIX}:{reason}"),
                });
            }
        }
    }
    work.removed.extend(removed);
    outcome
}
