//! newsclean: batch-clean scraped news text with per-site rule files, and find the paragraphs
//! several outlets copied from the same wire story.
//!
//! The pipeline, one module per stage: [`input`] reads documents, [`site`] recognises their
//! site, [`rules`] holds the rule files and [`clean`] applies them, [`dedup`] finds
//! copied paragraphs across the batch, [`output`] writes records,
//! [`report`] counts what happened and
//! [`html_report`] shows it as a page. The CLI in `cmd/` strings them together; a program that
//! embeds newsclean needs only [`Rules`], [`Cleaner`] and [`Document`].

pub mod clean;
pub mod cli;
pub mod cmd;
pub mod dedup;
pub mod document;
pub mod exit_codes;
pub mod fixtures;
pub mod generic;
pub mod html_report;
pub mod input;
pub mod learn;
pub mod metadata;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod site;
pub mod terminal;

pub use clean::Cleaner;
pub use document::{CleanDoc, Document, Metadata, Paragraph, Removal};
pub use rules::Rules;
