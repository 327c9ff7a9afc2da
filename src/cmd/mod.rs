//! One module per subcommand, each `run(args) -> anyhow::Result<Exit>`, mapping flags onto the
//! library's [`Pipeline`](crate::pipeline::Pipeline), plus what they share: loading rules,
//! threads, the output flags as a [`Target`](crate::pipeline::target::Target), the batch of
//! `clean` and `run`, the rule check (`rules check`, `learn`) and the report (`report`, `run
//! --report`). No subcommand calls another.

pub mod clean;
pub mod dedup;
pub mod explain;
pub mod learn;
pub mod report;
pub mod rules;
pub mod run;
pub mod sketch;

use crate::cli::{DedupArgs, Format, InputArgs, OutputArgs, RuleArgs, RunArgs};
use crate::dedup::DedupConfig;
use crate::exit_codes::Exit;
use crate::fixtures::{self, FixtureProblem};
use crate::input::{Fields, Reader, Selection};
use crate::output::OutputError;
use crate::pipeline::target::{Batch, Target};
use crate::pipeline::{Cancel, Done, Outcome, Pipeline, PipelineError, Progress};
use crate::terminal::{cancel_on_signals, message, Terminal};
use crate::{Cleaner, Rules};
use anyhow::{anyhow, Context};
use std::path::Path;
use std::time::Instant;

/// Cleans the inputs (and with dedup flags finds their near-duplicates) into `--out`.
pub fn batch(
    input: &InputArgs,
    output: &OutputArgs,
    rules: &RuleArgs,
    run: &RunArgs,
    dedup: Option<&DedupArgs>,
) -> anyhow::Result<(Done, Exit)> {
    let started = Instant::now();
    init_threads(run)?;
    let terminal = Terminal::new(run.quiet);
    let cancel = cancel_on_signals();
    let mut pipeline = Pipeline::new(cleaner(rules)?)
        .removed_text(removed_text(output))
        .keep_fields(input.keep_fields)
        .cancel(cancel.clone())
        .progress(&terminal);
    if let Some(d) = dedup {
        pipeline = pipeline.dedup(dedup_config(d)?, d.dedup.into());
    }
    let reader = reader(input);
    let text_files = output.text_files(reader.text_only());
    let duplicates_file = dedup.and_then(|d| d.duplicates.clone());
    let target = target(output, text_files, dedup.is_some(), duplicates_file);
    let done = write_batch(
        &target,
        &input.inputs,
        &cancel,
        &terminal,
        started,
        Box::new(|sink, work, duplicates| pipeline.run(reader, sink, work, duplicates)),
    )?;
    let exit = finish(&done, started, run.quiet, output);
    Ok((done, exit))
}

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

/// The detector's settings from the flags (their ranges are checked when parsed).
pub fn dedup_config(args: &DedupArgs) -> anyhow::Result<DedupConfig> {
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
            | PipelineError::Input(_)
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

/// `rules check` (and `learn` after writing): checks `dir`, or `./rules`, or (outside a checkout) the built-in rules.
pub fn check_rules(dir: Option<&Path>) -> anyhow::Result<Exit> {
    let dir = match dir {
        Some(dir) if !dir.is_dir() => anyhow::bail!("{}: no such rule directory", dir.display()),
        Some(dir) => dir,
        None if Path::new("rules").is_dir() => Path::new("rules"),
        None => return check_builtin(),
    };
    let rules = match Rules::load(dir) {
        Ok(rules) => rules,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            message(format!("{} error(s) in {}", errors.0.len(), dir.display()));
            return Ok(Exit::CheckFailed);
        }
    };
    let problems = fixtures::check(&rules, dir)?;
    for p in &problems {
        eprintln!("{p}");
    }
    let n_rules: usize = rules.files.iter().map(|f| f.rules.len()).sum();
    if problems.is_empty() {
        println!(
            "{}: {} rule files, {} rules, all fixtures pass",
            dir.display(),
            rules.files.len(),
            n_rules
        );
        Ok(Exit::Success)
    } else {
        let failing = problems
            .iter()
            .filter(|p| matches!(p, FixtureProblem::Mismatch { .. }))
            .count();
        message(format!(
            "{} problem(s) ({} fixture mismatches) in {}",
            problems.len(),
            failing,
            dir.display()
        ));
        Ok(Exit::CheckFailed)
    }
}

/// Validates the rules built into the binary (their fixtures live in the source tree).
fn check_builtin() -> anyhow::Result<Exit> {
    match Rules::builtin() {
        Ok(rules) => {
            let n_rules: usize = rules.files.iter().map(|f| f.rules.len()).sum();
            println!(
                "built-in rules: {} rule files, {} rules, valid (no ./rules here: give a rule \
                 directory to run its fixtures too)",
                rules.files.len(),
                n_rules
            );
            Ok(Exit::Success)
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            Ok(Exit::CheckFailed)
        }
    }
}

/// Writes `dir/report.html` (`report`, and `run --report` after its run); `fields` are the
/// run's JSONL field names when known.
pub fn write_report(dir: &Path, fields: Option<Fields>, quiet: bool) -> anyhow::Result<()> {
    let (path, bytes) = crate::html_report::write(dir, fields, Default::default())
        .with_context(|| format!("writing the report of {}", dir.display()))?;
    if !quiet {
        message(format!(
            "report: {} ({:.1} MB)",
            path.display(),
            bytes as f64 / 1e6
        ));
    }
    Ok(())
}
