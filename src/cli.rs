//! Command-line interface: clap structs, flag docs and examples. Parsing only; each
//! subcommand's work is in `cmd/`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
EXAMPLES:
  Clean the sample articles into out/ (documents.jsonl, text/, run.json):
    newsclean clean samples/ --out out

  Clean a JSONL dump whose text is in a field named \"body\", records to stdout:
    newsclean clean pages.jsonl --text-field body --out - | jq .title

  Show why each line of an article went or stayed:
    newsclean explain samples/scmp-nk-diplomat.txt

  Check a rule directory after editing it:
    newsclean rules check rules/";

/// Clean scraped news text with per-site rules and flag syndicated wire copy.
#[derive(Debug, Parser)]
#[command(name = "newsclean", version, about, after_long_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean documents with rule files and write records and text.
    #[command(after_long_help = EXAMPLES)]
    Clean(CleanArgs),
    /// Print a document with each removed line marked by the rule that removed it.
    #[command(
        after_long_help = "EXAMPLES:\n  newsclean explain samples/thelocal-nk-diplomat.txt\n  newsclean explain pages.jsonl --id 042bb7b5fedab6ea"
    )]
    Explain(ExplainArgs),
    /// Work with rule files.
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate rule files and run their fixtures; exit 1 if anything is wrong.
    #[command(
        after_long_help = "EXAMPLES:\n  newsclean rules check\n  newsclean rules check my-rules/"
    )]
    Check {
        /// The rule directory.
        #[arg(default_value = "rules")]
        dir: PathBuf,
    },
}

/// Where documents come from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or directories: *.txt is one article, *.jsonl one per line (either may be .gz);
    /// directories are searched recursively; `-` reads JSONL from stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// JSONL field holding the document id.
    #[arg(
        long,
        default_value = "id",
        value_name = "NAME",
        help_heading = "Input"
    )]
    pub id_field: String,
    /// JSONL field holding the scraped text.
    #[arg(
        long,
        default_value = "text",
        value_name = "NAME",
        help_heading = "Input"
    )]
    pub text_field: String,
    /// JSONL field holding the page URL (its domain selects the site's rules).
    #[arg(
        long,
        default_value = "url",
        value_name = "NAME",
        help_heading = "Input"
    )]
    pub url_field: String,
    /// JSONL field naming the site.
    #[arg(
        long,
        default_value = "site",
        value_name = "NAME",
        help_heading = "Input"
    )]
    pub site_field: String,
}

/// Which rules apply.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Rule directory; by default the rule files built into this binary.
    #[arg(long, value_name = "DIR", help_heading = "Rules")]
    pub rules: Option<PathBuf>,
    /// Site of documents that carry no `site` field and no URL (else recognised from the text).
    #[arg(long, value_name = "NAME", help_heading = "Rules")]
    pub site: Option<String>,
    /// Apply only generic rules: no site or platform rule files.
    #[arg(long, help_heading = "Rules")]
    pub no_site_rules: bool,
}

/// Where results go.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output directory (documents.jsonl, text/<id>.txt, run.json); `-` streams records to stdout.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace an existing output directory.
    #[arg(long, help_heading = "Output")]
    pub force: bool,
    /// Do not write text/<id>.txt (faster on millions of documents).
    #[arg(long, help_heading = "Output")]
    pub no_text_files: bool,
}

/// How the run behaves.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", help_heading = "Run")]
    pub threads: Option<usize>,
    /// No progress bar and no summary.
    #[arg(long, short, help_heading = "Run")]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A .txt article or a .jsonl file.
    pub file: PathBuf,
    /// Only the JSONL record with this id.
    #[arg(long)]
    pub id: Option<String>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
