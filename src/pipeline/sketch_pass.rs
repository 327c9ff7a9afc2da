//! The batch of `newsclean sketch`: clean every document as `run` does and write its
//! paragraph sketches to Parquet shards ([`crate::output::sketches`]) instead of keeping them
//! for a detector, so that the global part of detection can run on a cluster.

use super::{clean_pass, document_info, Event, Outcome, Pipeline, PipelineError};
use crate::dedup::DedupConfig;
use crate::input::Reader;
use crate::output::sketches::{self, SketchShards};
use crate::report::RunReport;
use std::path::PathBuf;

impl Pipeline<'_> {
    /// Cleans every document of `reader` and appends its sketches (made with `config`) to
    /// `shards`, in input order; each JSONL input file starts a shard. The shards' directory
    /// is committed when the batch ran to its end (and sketched a document, unless the shards
    /// allow an empty output), and left as it was when interrupted.
    pub fn sketch(
        &self,
        reader: Reader,
        config: &DedupConfig,
        mut shards: SketchShards,
    ) -> Result<super::Done, PipelineError> {
        config.validate()?;
        let ctx = self.context();
        let mut report = RunReport::new(self.cleaner.rules());
        ctx.event(Event::Started {
            stage: super::Stage::Clean,
            bytes: reader.total_bytes(),
        });
        let reader = reader.cancel_on(ctx.cancel.flag());
        let input_bytes = reader.bytes_read();
        for e in reader.missing() {
            clean_pass::report_failure(&ctx, &mut report, e);
        }
        let mut last_file: Option<PathBuf> = None;
        let outcome = clean_pass::process(
            reader,
            &self.cleaner,
            &ctx,
            &mut report,
            |_, record| Ok(sketches::sketch_document(record.paragraph_texts(), config)),
            |c| {
                // A JSONL file is a shard of its own; .txt documents join the current one (a
                // directory of articles would otherwise make a shard per article).
                let origin = &c.document.origin;
                if origin.line.is_some() && last_file.as_ref() != Some(&origin.path) {
                    shards.cut()?;
                    last_file = Some(origin.path.clone());
                }
                shards.add_document(&document_info(&c.record), &c.prepared)?;
                Ok(())
            },
        )?;
        ctx.event(Event::Finished {
            stage: super::Stage::Clean,
        });
        report.bytes_read = input_bytes.load(std::sync::atomic::Ordering::Relaxed);
        report.interrupted = outcome == Outcome::Interrupted;
        if outcome == Outcome::Finished && report.documents_written == 0 && !shards.allow_empty {
            ctx.message(format!(
                "warning: {}: nothing written (--allow-empty writes an empty output)",
                super::target::why_nothing_was_written(&report)
            ));
        } else if outcome == Outcome::Finished {
            let (count, paragraphs) = (shards.shard_count(), shards.paragraphs);
            shards.commit()?;
            ctx.message(format!("sketch: {paragraphs} paragraphs in {count} shards"));
        }
        Ok(super::Done {
            outcome,
            report,
            dedup: None,
        })
    }
}
