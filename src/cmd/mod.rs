//! One module per subcommand, each `run(args) -> anyhow::Result<Exit>`, mapping flags onto the
//! library's [`Pipeline`](crate::pipeline::Pipeline), plus what they share: loading rules,
//! threads, and the output flags as a [`Target`](crate::pipeline::target::Target).

pub mod clean;
pub mod dedup;
pub mod explain;
pub mod learn;
pub mod rules;
pub mod run;

use crate::cli::{DedupArgs, Format, InputArgs, OutputArgs, RuleArgs, RunArgs};
use crate::dedup::DedupConfig;
use crate::exit_codes::Exit;
use crate::input::{Fields, Reader, Selection};
use crate::output::OutputError;
use crate::pipeline::target::{Batch, Target};
use crate::pipeline::{Cancel, Done, Outcome, PipelineError, Progress};
use crate::terminal::message;
use crate::{Cleaner, Rules};
use anyhow::{anyhow, Context};
use std::io;
use std::time::Instant;

/// Loads `--rules DIR` or the built-in rules; any error in them stops the command.
pub fn load_rules(args: &RuleArgs) -> anyhow::Result<Rules> {
    let loaded = match &args.rules {
        Some(dir) => Rules::load(dir)
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("loading rules from {}", dir.display())),
        None => Rules::builtin()
            .map_err(|e| anyhow!("{e}"))
            .context("loading built-in rules"),
    }?;
    if let Some(site) = &args.site {
        if loaded.file(site).is_none() {
            message(format!(
                "warning: no rule file for site \"{site}\": only generic rules will apply"
            ));
        }
    }
    Ok(loaded)
}

/// The cleaner the rule flags describe.
pub fn cleaner(args: &RuleArgs) -> anyhow::Result<Cleaner> {
    Ok(Cleaner::new(load_rules(args)?)
        .default_site(args.site.clone())
        .site_rules(!args.no_site_rules)
        .classifier(!args.no_classifier)
        .model(
            args.line_model
                .then(|| std::sync::Arc::new(crate::generic::model::embedded().clone())),
        ))
}

/// The reader of the input flags' files and directories.
pub fn reader(args: &InputArgs) -> Reader {
    let selection = Selection {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
    };
    Reader::open_with(&args.inputs, fields(args), selection)
}

/// The JSONL field names from the input flags.
pub fn fields(args: &InputArgs) -> Fields {
    Fields {
        id: args.id_field.clone(),
        text: args.text_field.clone(),
        url: args.url_field.clone(),
        site: args.site_field.clone(),
    }
}

/// The detector's settings from the flags, each checked under its flag's name.
pub fn dedup_config(args: &DedupArgs) -> anyhow::Result<DedupConfig> {
    if !(0.0..=1.0).contains(&args.similarity) {
        anyhow::bail!(
            "--similarity {}: must be between 0 and 1 (the share of a paragraph's words a copy covers)",
            args.similarity
        );
    }
    if args.max_hamming > 15 {
        anyhow::bail!("--max-hamming {}: must be at most 15", args.max_hamming);
    }
    let config = DedupConfig {
        copy_threshold: args.similarity,
        max_hamming: args.max_hamming,
        short_words: args.short_words,
        // Texts are read back from disk when duplicates.jsonl is written.
        include_texts: false,
        ..DedupConfig::default()
    };
    config.validate().context("dedup settings")?;
    Ok(config)
}

/// Sizes the rayon pool (`--threads`).
pub fn init_threads(args: &RunArgs) -> anyhow::Result<()> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("starting worker threads")?;
    }
    Ok(())
}

/// Whether records carry removed text: as asked, and always in Parquet.
pub fn removed_text(out: &OutputArgs) -> bool {
    out.removed_text || out.format == Format::Parquet
}

/// The destination `--out` and the output flags name, for a batch that writes text files
/// (when asked and not to stdout) and the duplicates report as given.
pub fn target(
    out: &OutputArgs,
    text_files: bool,
    duplicates: bool,
    duplicates_file: Option<std::path::PathBuf>,
) -> Target {
    Target {
        out: out.out.clone(),
        format: out.format,
        force: out.force,
        allow_empty: out.allow_empty,
        text_files: text_files && out.out.as_os_str() != "-",
        duplicates,
        duplicates_file,
    }
}

/// Runs `batch` into `target`, naming the output in errors that are not about the flags.
pub fn write_batch(
    target: &Target,
    inputs: &[std::path::PathBuf],
    cancel: &Cancel,
    progress: &dyn Progress,
    started: Instant,
    batch: Box<Batch<'_>>,
) -> anyhow::Result<Done> {
    target
        .write(inputs, cancel, progress, started, batch)
        .map_err(|e| match e {
            PipelineError::Target(_)
            | PipelineError::Output(OutputError::Exists(_) | OutputError::OverlapsInput { .. }) => {
                anyhow::Error::new(e)
            }
            e => anyhow::Error::new(e).context(format!("writing {}", target.out.display())),
        })
}

/// Prints the summary and picks the exit code.
pub fn finish(done: &Done, started: Instant, quiet: bool, out: &OutputArgs) -> Exit {
    let report = &done.report;
    if done.outcome == Outcome::Interrupted {
        let kept = match out.out.as_os_str() == "-" {
            true => "the records written to stdout are incomplete".to_string(),
            false => format!("{} left as it was", out.out.display()),
        };
        message(format!(
            "interrupted after {} documents ({} written, {} failed); {kept}",
            report.documents_read, report.documents_written, report.documents_failed,
        ));
        return Exit::Interrupted;
    }
    if !quiet {
        message(report.summary(started.elapsed()));
    }
    if report.documents_failed > 0 || (report.documents_written == 0 && !out.allow_empty) {
        Exit::Error
    } else {
        Exit::Success
    }
}

/// Whether an error chain is a closed stdout (`newsclean ... --out - | head`).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
    })
}

/// Whether an error chain is a full disk (ENOSPC) or quota.
pub fn is_disk_full(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
            )
        })
    })
}
