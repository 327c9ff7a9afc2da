//! `newsclean clean`: clean documents and write records (and text files) with `run.json`.

use crate::cli::CleanArgs;
use crate::exit_codes::Exit;

pub fn run(args: &CleanArgs) -> anyhow::Result<Exit> {
    super::batch(&args.input, &args.output, &args.rules, &args.run, None).map(|(_, exit)| exit)
}
