//! One module per subcommand, each `run(args) -> anyhow::Result<Exit>`, plus what they share:
//! loading rules, setting up threads, progress and messages.

pub mod batch;
pub mod clean;
pub mod dedup;
pub mod explain;
pub mod rules;
pub mod run;

use crate::cli::{InputArgs, RuleArgs, RunArgs};
use crate::input::Fields;
use crate::{Cleaner, Rules};
use anyhow::{anyhow, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Prints a message to stderr, prefixed like every message newsclean prints.
pub fn message(text: impl std::fmt::Display) {
    eprintln!("newsclean: {text}");
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
        .site_rules(!args.no_site_rules))
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

/// A byte-based progress bar on stderr; hidden when stderr is not a terminal or with `--quiet`.
pub fn progress(total_bytes: u64, quiet: bool, label: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar =
        ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr_with_hz(4));
    let template = format!(
        "{label:>8} [{{elapsed_precise}}] {{wide_bar}} {{bytes}}/{{total_bytes}} {{bytes_per_sec}} ETA {{eta}} {{msg}}"
    );
    bar.set_style(ProgressStyle::with_template(&template).expect("valid progress template"));
    bar
}
