//! `newsclean run`: clean, then find near-duplicate paragraphs across the whole batch. The
//! clean pass sketches every paragraph as it goes, staging its records and their normalised
//! paragraphs (the spill) in the output's staging directory; detection reads candidates'
//! words back from the spill, and the annotate pass reads the staged records once more to
//! write the final `documents.jsonl`.

use super::batch::{self, Outcome};
use super::clean::finish;
use super::dedup::{
    config, count_clusters, document_info, find_duplicates, write_annotated, write_duplicates,
    Rewrite, Stage, StagedTexts, SPILL,
};
use super::{cleaner, init_threads, message, progress};
use crate::cli::RunCommandArgs;
use crate::dedup::spill::{sketch_document, SpillWriter};
use crate::dedup::Detector;
use crate::exit_codes::Exit;
use crate::output::OutputDir;
use crate::report::RunReport;
use anyhow::Context;
use std::io::Write;
use std::time::Instant;

/// The staged clean records, inside the staging directory (never in the final output).
const STAGED: &str = ".cleaned.jsonl";

pub fn run(args: &RunCommandArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    init_threads(&args.run)?;
    let cleaner = cleaner(&args.rules)?;
    let config = config(&args.dedup)?;
    if args.output.out.as_os_str() == "-" {
        anyhow::bail!("run needs an output directory (--out DIR): near-duplicates are found across the whole batch before records are written");
    }
    let mut report = RunReport::new(cleaner.rules());
    let (reader, total) = batch::open_inputs(&args.input, &mut report);
    batch::install_interrupt_handler();
    let text_files = args.output.text_files(reader.text_only());
    let mut dir = OutputDir::create(&args.output.out, args.output.force, text_files)?;
    let staged = dir.staging().join(STAGED);
    let spill_path = dir.staging().join(SPILL);
    let outcome = (|| -> anyhow::Result<Outcome> {
        let mut out = dir.create_file(STAGED)?;
        let mut spill = SpillWriter::create(&spill_path)
            .with_context(|| format!("creating {}", spill_path.display()))?;
        let mut detector = Detector::new(config.clone());
        let mut offsets = Vec::new();
        let mut offset = 0u64;
        let bar = progress(total, args.run.quiet, "clean");
        // Each record is serialised and its paragraphs normalised and sketched in the
        // parallel clean pass: the detector gets sketches, the spill the normalised words.
        let outcome = batch::process(
            reader,
            &cleaner,
            &bar,
            &mut report,
            |record| {
                let line = record.to_json()?;
                let paragraphs = record.paragraphs.iter().map(|p| p.text.as_str());
                let (sketches, block) = sketch_document(paragraphs, &config);
                Ok((line, sketches, block))
            },
            |record, (line, sketches, block)| {
                out.write_all(&line)?;
                out.write_all(b"\n")?;
                offsets.push(offset);
                offset += line.len() as u64 + 1;
                spill.append(&block)?;
                let url = record.url.as_deref();
                let credits = &record.metadata.credits;
                detector.add_document(
                    document_info(&record.id, Some(&record.site), url, credits),
                    sketches,
                );
                Ok(())
            },
        )?;
        bar.finish_and_clear();
        out.flush()
            .with_context(|| format!("writing {}", staged.display()))?;
        if outcome == Outcome::Interrupted {
            return Ok(outcome);
        }
        let lines = (1..=offsets.len() as u64).collect();
        let texts = StagedTexts {
            records: staged.clone(),
            offsets,
            spill: spill
                .finish(&spill_path)
                .with_context(|| format!("writing {}", spill_path.display()))?,
        };
        let Some(dedup) = find_duplicates(detector, &texts, args.run.quiet) else {
            return Ok(Outcome::Interrupted);
        };
        let stage = Stage {
            report: dedup,
            lines,
            texts,
        };
        let rewrite = Rewrite::Splice { text_files };
        if write_annotated(
            &staged,
            &stage,
            args.dedup.dedup,
            rewrite,
            &mut dir,
            args.run.quiet,
        )? == Outcome::Interrupted
        {
            return Ok(Outcome::Interrupted);
        }
        write_duplicates(&dir, &stage.report, &stage.texts)?;
        for path in [&staged, &spill_path] {
            std::fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
        }
        count_clusters(&mut report, &stage.report);
        if !args.run.quiet {
            message(stage.report.summary().trim_end());
        }
        Ok(Outcome::Finished)
    })();
    match outcome {
        Ok(Outcome::Finished) => {
            report.seconds = started.elapsed().as_secs_f64();
            dir.write_file("run.json", &serde_json::to_vec_pretty(&report)?)?;
            dir.commit()
                .with_context(|| format!("writing {}", args.output.out.display()))?;
            finish(
                &mut report,
                Outcome::Finished,
                started,
                args.run.quiet,
                &args.output.out,
            )
        }
        Ok(Outcome::Interrupted) => {
            dir.abandon();
            finish(
                &mut report,
                Outcome::Interrupted,
                started,
                args.run.quiet,
                &args.output.out,
            )
        }
        Err(e) => {
            dir.abandon();
            Err(e)
        }
    }
}
