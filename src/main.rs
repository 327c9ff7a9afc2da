//! The `newsclean` binary: parse arguments, run the subcommand, map the result to an exit code.

use clap::Parser;
use newsclean::cli::{Cli, Command, RulesCommand};
use newsclean::cmd;
use newsclean::exit_codes::Exit;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Run(args) => cmd::run::run(args),
        Command::Clean(args) => cmd::clean::run(args),
        Command::Dedup(args) => cmd::dedup::run(args),
        Command::Explain(args) => cmd::explain::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Sketch(args) => cmd::sketch::run(args),
        Command::Rules(RulesCommand::Check { dir }) => cmd::rules::check(dir.as_deref()),
        Command::Learn(args) => cmd::learn::run(args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) if newsclean::exit_codes::is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            eprintln!("newsclean: {e:#}");
            if newsclean::exit_codes::is_disk_full(&e) {
                eprintln!("newsclean: the disk is full: free space or write elsewhere (a previous output was left as it was)");
            }
            Exit::Error.into()
        }
    }
}
