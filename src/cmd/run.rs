//! `newsclean run`: clean, then find near-duplicate paragraphs across the whole batch, writing
//! the annotated records, `duplicates.jsonl` and `run.json`.

use crate::cli::RunCommandArgs;
use crate::exit_codes::Exit;

pub fn run(args: &RunCommandArgs) -> anyhow::Result<Exit> {
    let a = args;
    super::batch(&a.input, &a.output, &a.rules, &a.run, Some(&a.dedup))
}
