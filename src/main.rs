//! The `newsclean` binary: parse arguments, run the subcommand, map the result to an exit code.

use clap::Parser;
use newsclean::cli::{Cli, Command, RulesCommand};
use newsclean::cmd;
use newsclean::exit_codes::Exit;
use std::process::ExitCode;

// Cleaning makes and drops many small strings per line (texts, removals, JSON), and with the
// system allocator malloc and free were about a fifth of all instructions (callgrind, see
// docs/performance.md). mimalloc's thread-local free lists cut most of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Run(args) => cmd::run::run(args),
        Command::Clean(args) => cmd::clean::run(args),
        Command::Dedup(args) => cmd::dedup::run(args),
        Command::Explain(args) => cmd::explain::run(args),
        Command::Rules(RulesCommand::Check { dir }) => cmd::rules::check(dir),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) if cmd::clean::is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            eprintln!("newsclean: {e:#}");
            Exit::Error.into()
        }
    }
}
