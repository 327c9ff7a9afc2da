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
use crate::rules::{FileKind, Rule, RuleFile, Rules};
use crate::site;
use apply::Work;

/// Turns documents into cleaned documents. Cheap to share across threads.
#[derive(Clone, Debug)]
pub struct Cleaner {
    rules: Rules,
    default_site: Option<String>,
    site_rules: bool,
}

impl Cleaner {
    /// A cleaner with every rule file applied and no default site.
    pub fn new(rules: Rules) -> Cleaner {
        Cleaner {
            rules,
            default_site: None,
            site_rules: true,
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
        let matched = site::recognise(&self.rules, doc, self.default_site.as_deref());
        let mut files: Vec<&RuleFile> = self.rules.of_kind(FileKind::Generic).collect();
        if self.site_rules {
            files.extend(site::platforms(&self.rules, matched.file, &doc.text));
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
        let (matched, files) = self.plan(doc);
        let mut work = Work::new(segment::split_lines(&doc.text));
        work.metadata = doc.metadata.clone();
        let rules: Vec<&Rule> = files.iter().flat_map(|f| &f.rules).collect();
        work.apply_all(&rules, trace);
        work.removed.sort_by_key(|r| r.line);
        let paragraphs = work
            .lines
            .iter()
            .filter(|l| l.kept)
            .map(|l| Paragraph {
                text: l.text.clone(),
                line: l.number,
                class: None,
            })
            .collect();
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
            notes: doc.notes.clone(),
        }
    }
}
