//! The cleaner: recognise a document's site, run its site rules, platform rules and generic
//! rules over its lines, and assemble the [`CleanDoc`].
//!
//! Embedding without the CLI:
//! ```
//! use newsclean::{Cleaner, Document, Rules};
//! let rules = Rules::load(std::path::Path::new("rules")).expect("valid rules");
//! let cleaner = Cleaner::new(rules);
//! let doc = cleaner.clean(&Document::from_text("a", "ADVERTISEMENT\n\nThe body of the story."));
//! assert_eq!(doc.text(), "The body of the story.");
//! ```

pub mod apply;
pub mod segment;

use crate::document::{CleanDoc, Document, Paragraph};
use crate::generic;
use crate::rules::{FileKind, Rule, RuleFile, Rules};
use crate::site;
use apply::Work;

/// Runs the classifier after the rules of `files`, and the rules again after it, until neither
/// changes anything; returns the classifier's last outcome with the notes of every round.
///
/// The classifier removes lines the rules kept, and rules that look at other lines
/// (`first_lines`, `after_body`, `followed_by_headline`, `line = "first"`) counted them: a
/// WordPress byline that was the sixth kept line, out of `first_lines = 5`, is the third once
/// the classifier drops three short lines above it. Cleaning the output again would see it
/// there and lift it; running those rules again here makes the first cleaning see what the
/// second would, which keeps cleaning idempotent.
fn classify(
    work: &mut Work,
    files: &[&RuleFile],
    url: Option<&str>,
    model: Option<&generic::model::Trees>,
    trace: &mut dyn FnMut(&Rule, bool),
) -> generic::Outcome {
    let state = |w: &Work| (w.removed.len(), w.rewrites, w.lifts);
    let mut notes: Vec<String> = Vec::new();
    // A round that goes on removed a line or filled a field, so there are few; the bound is
    // a guard only.
    let mut rounds = 0;
    loop {
        rounds += 1;
        let before = state(work);
        let mut outcome = generic::clean(work, url, model);
        for note in std::mem::take(&mut outcome.notes) {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        let classified = state(work);
        if classified != before {
            work.reapply_files(files, trace);
        }
        if state(work) == classified || rounds > work.lines.len() {
            outcome.notes = notes;
            return outcome;
        }
    }
}

/// Turns documents into cleaned documents. `Send + Sync`: it can be shared across threads, but
/// its regexes keep their match caches in pools that are fast only for the thread that used
/// them first, so a pool of threads should give each thread its own clone (cheap: a clone
/// shares the compiled rules), as `newsclean`'s batch loop does.
#[derive(Clone, Debug)]
pub struct Cleaner {
    rules: Rules,
    default_site: Option<String>,
    site_rules: bool,
    classifier: bool,
    model: Option<std::sync::Arc<generic::model::Trees>>,
}

impl Cleaner {
    /// A cleaner with every rule file applied and no default site.
    pub fn new(rules: Rules) -> Cleaner {
        Cleaner {
            rules,
            default_site: None,
            site_rules: true,
            classifier: true,
            model: None,
        }
    }

    /// The site of documents that name none and carry no URL (`--site`).
    pub fn default_site(mut self, site: Option<String>) -> Cleaner {
        self.default_site = site;
        self
    }

    /// Whether site and platform rule files apply (`--no-site-rules` turns them off; the site
    /// is still recognised and reported).
    pub fn site_rules(mut self, on: bool) -> Cleaner {
        self.site_rules = on;
        self
    }

    /// Whether the site-independent classifier (`crate::generic`) runs after the rules on
    /// documents whose site has no rule file applied (`--no-classifier` turns it off). It never
    /// runs after a site's own rule file: that file is trusted to know its template.
    pub fn classifier(mut self, on: bool) -> Cleaner {
        self.classifier = on;
        self
    }

    /// The trained line model that revises the classifier's verdicts (`crate::generic::model`);
    /// `None` leaves the hand-set classifier alone.
    pub fn model(mut self, model: Option<std::sync::Arc<generic::model::Trees>>) -> Cleaner {
        self.model = model;
        self
    }

    /// The feature rows the line model would judge for `doc` (after the rules), or none when
    /// the classifier would not run on it: what the trainer learns from.
    pub fn line_rows(&self, doc: &Document) -> Vec<generic::LineRow> {
        let lines = segment::split_lines(&doc.text);
        let normalized = segment::normalized_from(&doc.text, &lines);
        let (matched, files) = self.plan_normalized(doc, &normalized);
        drop(normalized);
        let mut work = Work::new(lines);
        work.metadata = doc.metadata.clone();
        work.apply_files(&files, &mut |_, _| {});
        if self.site_rules && matched.file.is_some() {
            return Vec::new();
        }
        generic::line_rows(&work, doc.url.as_deref())
    }

    /// Whether `qualified` names something that can remove text: a loaded rule (`file:id`) or
    /// a verdict of the site-independent classifier (`classifier:reason`), or, after dedup,
    /// a cluster (`dedup:<id>`).
    pub fn knows_rule(&self, qualified: &str) -> bool {
        self.rules.rule(qualified).is_some()
            || crate::generic::is_classifier_rule(qualified)
            || qualified
                .strip_prefix("dedup:")
                .is_some_and(|n| n.parse::<u32>().is_ok())
    }

    /// The rules this cleaner applies.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The rule files that apply to `doc`, in the order they run, with the recognised site.
    ///
    /// Generic rules run first: they remove context-free clutter (share buttons, ads, credits),
    /// so that the platform's and then the site's structural rules ("the first line is the
    /// section label") see the same neighbours whether they clean a raw page or their own
    /// output again. That is what keeps cleaning idempotent.
    pub fn plan<'a>(&'a self, doc: &Document) -> (site::SiteMatch<'a>, Vec<&'a RuleFile>) {
        self.plan_normalized(doc, &segment::normalized_text(&doc.text))
    }

    /// [`Cleaner::plan`] for a document whose text through [`segment::normalized_text`] is
    /// already at hand.
    fn plan_normalized<'a>(
        &'a self,
        doc: &Document,
        normalized: &str,
    ) -> (site::SiteMatch<'a>, Vec<&'a RuleFile>) {
        let matched = site::recognise(&self.rules, doc, self.default_site.as_deref(), normalized);
        let mut files: Vec<&RuleFile> = self.rules.of_kind(FileKind::Generic).collect();
        if self.site_rules {
            files.extend(site::platforms(&self.rules, matched.file, normalized));
            files.extend(matched.file);
        }
        (matched, files)
    }

    /// Cleans one document.
    pub fn clean(&self, doc: &Document) -> CleanDoc {
        self.clean_traced(doc, &mut |_, _| {})
    }

    /// Cleans one document, telling `trace` after each rule whether it changed anything (for
    /// fixture checks that every rule fires).
    pub fn clean_traced(&self, doc: &Document, trace: &mut dyn FnMut(&Rule, bool)) -> CleanDoc {
        // The lines are normalised once: rules match them, fingerprints their join.
        let lines = segment::split_lines(&doc.text);
        let normalized = segment::normalized_from(&doc.text, &lines);
        let (matched, files) = self.plan_normalized(doc, &normalized);
        drop(normalized);
        let mut work = Work::new(lines);
        work.metadata = doc.metadata.clone();
        work.apply_files(&files, trace);
        let site_file = self.site_rules && matched.file.is_some();
        let model = self.model.as_deref();
        let mut judged = (self.classifier && !site_file)
            .then(|| classify(&mut work, &files, doc.url.as_deref(), model, trace));
        work.removed.sort_by_key(|r| r.line);
        let mut classes = judged
            .as_mut()
            .map(|j| std::mem::take(&mut j.classes).into_iter());
        let paragraphs = std::mem::take(&mut work.lines)
            .into_iter()
            .filter_map(|l| {
                let class = classes.as_mut().and_then(|c| c.next().flatten());
                l.kept.then_some(Paragraph {
                    text: l.text,
                    line: l.number,
                    original: l.original,
                    class,
                })
            })
            .collect();
        let mut notes = doc.notes.clone();
        notes.extend(judged.into_iter().flat_map(|j| j.notes));
        CleanDoc {
            id: doc.id.clone(),
            url: doc.url.clone(),
            site: matched.name,
            site_source: matched.source,
            platforms: files
                .iter()
                .filter(|f| f.kind == FileKind::Platform)
                .map(|f| f.name.clone())
                .collect(),
            metadata: work.metadata,
            paragraphs,
            removed: work.removed,
            notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cleans `text`, then its output again as the property tests do (same site, lifted
    /// metadata carried): the two texts.
    fn twice(text: &str) -> (CleanDoc, CleanDoc) {
        let cleaner = Cleaner::new(Rules::builtin().expect("the built-in rules load"));
        let once = cleaner.clean(&Document::from_text("p", text));
        let again = cleaner.clean(&Document {
            site: Some(once.site.clone()),
            metadata: once.metadata.clone(),
            ..Document::from_text("p", once.text())
        });
        (once, again)
    }

    /// Found by `invariants_hold_on_random_documents` (seed 0c6598e6 in
    /// `tests/reliability/proptest-regressions/properties.txt`): the classifier dropped the
    /// three short lines above a WordPress byline after `wordpress:byline` (`first_lines = 5`)
    /// had passed it over as the sixth kept line, so the second cleaning lifted it.
    #[test]
    fn regression_byline_freed_by_the_classifier_is_lifted_the_first_time() {
        let text = "AA\n A\nA \nAnalysts said the plan was ambitious but that the chain had \
            turned a profit in every new town within its first year. (Image credit: Harbour \
            Pictures)\nSold and separated: the trafficked North Korean women trying to bring \
            their Chinese children ‘home’ to the South\nPosted on May 2, 2024 by Lena Fischer\n\
            Several conservatives objected that the measure did nothing to cut spending, but \
            they did not have the votes to block it.\nThis site uses Akismet to reduce spam. \
            Learn how your comment data is processed.\n";
        let (once, again) = twice(text);
        assert_eq!(once.platforms, ["wordpress"]);
        assert!(
            once.removed
                .iter()
                .any(|r| r.line == 6 && r.rule == "wordpress:byline"),
            "{:?}",
            once.removed
        );
        assert_eq!(once.metadata.author.as_deref(), Some("Lena Fischer"));
        assert_eq!(again.text(), once.text(), "removed {:?}", again.removed);
    }
}
