//! Command-line interface: clap structs, flag docs and examples. Parsing only; each
//! subcommand's work is in `cmd/`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
EXAMPLES:
  Clean the samples and flag paragraphs copied across outlets (out/duplicates.jsonl):
    newsclean run samples/ --out out

  Clean the sample articles into out/ (documents.jsonl, text/, run.json):
    newsclean clean samples/ --out out

  Clean a JSONL dump whose text is in a field named \"body\", records to stdout:
    newsclean clean pages.jsonl --text-field body --out - | jq .title

  Clean and flag copies, records to stdout and the duplicates report to a file:
    newsclean run pages.jsonl --out - --duplicates dups.jsonl > records.jsonl

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
    /// Clean documents, then flag near-duplicate paragraphs across the whole batch.
    #[command(after_long_help = RUN_EXAMPLES)]
    Run(RunCommandArgs),
    /// Clean documents with rule files and write records and text.
    #[command(after_long_help = EXAMPLES)]
    Clean(CleanArgs),
    /// Flag near-duplicate paragraphs in records that `clean` wrote.
    #[command(
        after_long_help = "EXAMPLES:\n  newsclean clean pages.jsonl --out cleaned\n  newsclean dedup cleaned/documents.jsonl --out deduped --dedup drop"
    )]
    Dedup(DedupCommandArgs),
    /// Print a document with each removed line marked by the rule that removed it.
    #[command(
        after_long_help = "EXAMPLES:\n  newsclean explain samples/thelocal-nk-diplomat.txt\n  newsclean explain pages.jsonl --id 042bb7b5fedab6ea"
    )]
    Explain(ExplainArgs),
    /// Write OUT_DIR/report.html: what a run removed, where, and what it found copied.
    #[command(after_long_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// Write paragraph sketches as Parquet shards, for the cluster job (python/newsclean/spark.py).
    #[command(
        after_long_help = "EXAMPLES:\n  newsclean sketch part-*.jsonl --out sketches\n  spark-submit python/newsclean/spark.py sketches --out dups"
    )]
    Sketch(SketchCommandArgs),
    /// Work with rule files.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Propose a rule file for a site from 20 or more of its pages.
    #[command(after_long_help = LEARN_EXAMPLES)]
    Learn(LearnArgs),
}

const LEARN_EXAMPLES: &str = "\
EXAMPLES:
  See what 200 pages of a site suggest, each rule with its share of pages and examples:
    newsclean learn pages/example-news/ --site example-news --dry-run

  Write rules/example-news.toml and fixtures in rules/example-news/, then check them:
    newsclean learn pages/example-news/ --site example-news --out rules/example-news.toml";

/// `newsclean learn`.
#[derive(Debug, Args)]
pub struct LearnArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The site's name: the rule file's `[site] name` and the prefix of its rule ids.
    #[arg(long, value_name = "NAME")]
    pub site: String,
    /// The rule file to write; its fixtures go beside it, in a directory of its name.
    #[arg(long, value_name = "FILE", required_unless_present = "dry_run")]
    pub out: Option<PathBuf>,
    /// Print the proposed rules with examples; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace an existing rule file.
    #[arg(long)]
    pub force: bool,
    /// Rules the pages are cleaned with before learning (generic and platform files; site
    /// files are left out); by default the built-in rules.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Smallest share of pages a line or shape must occur on to become a rule.
    #[arg(long, default_value_t = 0.15, value_name = "0..1")]
    pub min_share: f64,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate rule files and run their fixtures; exit 1 if anything is wrong.
    #[command(
        after_long_help = "EXAMPLES:\n  newsclean rules check\n  newsclean rules check my-rules/"
    )]
    Check {
        /// The rule directory (default: ./rules if there is one, else the built-in rules,
        /// whose fixtures are not built in: they are validated only).
        dir: Option<PathBuf>,
    },
}

/// Where documents come from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or directories: *.txt is one article, *.jsonl one per line (either may be .gz);
    /// directories are searched recursively; `-` reads JSONL from stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Read hidden files and directories (names starting with `.`) in directories too.
    #[arg(long, help_heading = "Input")]
    pub hidden: bool,
    /// Read files that `.gitignore` or `.ignore` files list too.
    #[arg(long, help_heading = "Input")]
    pub no_ignore: bool,
    /// Keep the input record's other fields at the top level of each record, as they were
    /// (default: under "metadata").
    #[arg(
        long,
        help_heading = "Input",
        long_help = "Keep the fields of input records that newsclean does not read at the top \
                     level of each output record, as they were. By default they are kept under \
                     \"metadata\" (an object), so a pipeline's own fields pass through either \
                     way; a field named like one of the record's own keys always stays under \
                     \"metadata\". In Dolma output they join each document's metadata, in \
                     Parquet the metadata column (a JSON object)."
    )]
    pub keep_fields: bool,

    /// JSONL field holding the document id (a dotted path such as meta.id reads a nested
    /// field).
    #[arg(
        long,
        default_value = "id",
        value_name = "NAME",
        help_heading = "Input"
    )]
    pub id_field: String,
    /// JSONL field holding the scraped text (dotted paths read nested fields).
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
#[derive(Debug, Default, Args)]
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
    /// Do not run the paragraph classifier on documents of sites without a rule file.
    #[arg(
        long,
        help_heading = "Rules",
        long_help = "Do not run the paragraph classifier. By default, documents whose site has \
                     no rule file (or all documents, with --no-site-rules) are cleaned by the \
                     generic rules and then by a classifier that keeps the article and drops \
                     menus, link lists, footers, comments and appended stories."
    )]
    pub no_classifier: bool,
    /// Let the trained line model decide what the classifier keeps (see docs/generic.md).
    #[arg(
        long,
        help_heading = "Rules",
        long_help = "Let the trained line model (gradient-boosted trees compiled into the \
                     binary, trained on the WCXB pages) re-decide each line the classifier \
                     judged, from the classifier's verdicts and the line's context on the page. \
                     Removals it makes are attributed to classifier:model; a kept line's class \
                     names the features that weighed most. Site rule files still win: the \
                     model runs only where the classifier does."
    )]
    pub line_model: bool,
}

/// Where results go.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output directory (documents.jsonl, run.json, and text/<id>.txt for .txt inputs); `-`
    /// writes the records (JSONL) to stdout.
    #[arg(
        long,
        short,
        value_name = "DIR",
        long_help = "Output directory: documents.jsonl (or the --format's files), run.json, \
                     duplicates.jsonl after dedup, and text/<id>.txt for .txt inputs. It must \
                     not be an input, contain one or lie inside an input directory. `-` writes \
                     the records as JSONL to stdout instead (no run.json, no text files; for \
                     run and dedup, the duplicates report goes where --duplicates says)."
    )]
    pub out: PathBuf,
    /// Replace an existing output directory.
    #[arg(long, help_heading = "Output")]
    pub force: bool,
    /// Write the output even when no document could be written (else a previous output is
    /// left as it was).
    #[arg(long, help_heading = "Output")]
    pub allow_empty: bool,
    /// Write text/<id>.txt for every document (the default when every input is a .txt file).
    #[arg(
        long,
        help_heading = "Output",
        conflicts_with = "no_text_files",
        long_help = "Write the cleaned text of every document to text/<id>.txt as well as to \
                     documents.jsonl. This is the default when every input is a .txt file (one \
                     article per file, one text file out). For JSONL and stdin input the \
                     records already carry the cleaned text, and a file per record of a \
                     million-record batch costs more than the cleaning: ask with --text-files."
    )]
    pub text_files: bool,
    /// Do not write text/<id>.txt (the default for JSONL and stdin input).
    #[arg(long, help_heading = "Output")]
    pub no_text_files: bool,
    /// Include each removal's text in the records (JSONL; always in Parquet).
    #[arg(
        long,
        help_heading = "Output",
        long_help = "Include the removed text in each removal of a record. By default a removal \
                     is its line, its span in the original text and its rule: the record holds \
                     the article once and stays about the size of the input, and the removed \
                     words are the original sliced by the span (newsclean explain shows them). \
                     Parquet output always includes them."
    )]
    pub removed_text: bool,
    /// Output format.
    #[arg(
        long,
        value_enum,
        default_value_t = Format::Jsonl,
        help_heading = "Output",
        long_help = "Output format. jsonl: documents.jsonl, one record per line with the \
                     cleaned text and each paragraph's and removal's span. dolma: Dolma's \
                     layout, documents/*.jsonl.gz holding the original text and \
                     attributes/newsclean/*.jsonl.gz holding the removals and near-duplicates as \
                     spans, for Dolma's mixer. parquet: documents.parquet, the records as one \
                     table. Spans count Unicode code points, as Python's str slicing does."
    )]
    pub format: Format,
}

pub use crate::pipeline::target::Format;

impl OutputArgs {
    /// Whether to write `text/<id>.txt`: as asked, else when every input is a text file
    /// (`text_only`) and the format is JSONL.
    pub fn text_files(&self, text_only: bool) -> bool {
        self.text_files || (text_only && !self.no_text_files && self.format == Format::Jsonl)
    }
}

impl From<DedupMode> for crate::output::annotate::DedupMode {
    fn from(mode: DedupMode) -> Self {
        match mode {
            DedupMode::Flag => crate::output::annotate::DedupMode::Flag,
            DedupMode::Drop => crate::output::annotate::DedupMode::Drop,
        }
    }
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

const RUN_EXAMPLES: &str = "\
EXAMPLES:
  Clean the samples and flag syndicated wire copy:
    newsclean run samples/ --out out
    jq 'select(.kind == \"syndicated\")' out/duplicates.jsonl

  Keep only the first copy of each paragraph, recording the rest as removed:
    newsclean run pages.jsonl --out out --dedup drop

  Also write each record's cleaned text to out/text/<id>.txt (the default for .txt inputs):
    newsclean run pages.jsonl --out out --text-files

  Dolma's layout (original text + removal and near-duplicate spans), then Dolma's mixer:
    newsclean run pages.jsonl --out out --format dolma

  One Parquet table, queried with DuckDB:
    newsclean run pages.jsonl --out out --format parquet
    duckdb -c \"SELECT site, count(*) FROM 'out/documents.parquet' GROUP BY 1\"";

/// What to do with near-duplicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DedupMode {
    /// Annotate paragraphs with their cluster; remove nothing.
    Flag,
    /// Keep the first occurrence of each cluster, drop later copies (recorded in `removed`
    /// as `dedup:<cluster>`); shared quotes are never dropped.
    Drop,
}

/// Near-duplicate detection settings. Defaults were chosen from measurements on a labelled
/// syndication corpus (docs/dedup.md).
/// A share between 0 and 1, checked when the flags are parsed so the error names the flag.
fn share(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        Ok(_) => {
            Err("must be between 0 and 1 (the share of a paragraph's words a copy covers)".into())
        }
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Debug, Args)]
pub struct DedupArgs {
    /// Annotate (flag) or drop later copies.
    #[arg(long, value_enum, default_value_t = DedupMode::Flag, help_heading = "Dedup")]
    pub dedup: DedupMode,
    /// Smallest similarity (share of words covered by shared word trigrams) of a copy.
    #[arg(
        long,
        default_value_t = 0.5,
        value_name = "0..1",
        value_parser = share,
        help_heading = "Dedup"
    )]
    pub similarity: f64,
    /// Largest simhash Hamming distance for the near-identical search.
    #[arg(
        long,
        default_value_t = 3,
        value_name = "BITS",
        value_parser = clap::value_parser!(u32).range(..=15),
        help_heading = "Dedup"
    )]
    pub max_hamming: u32,
    /// With `--out -`: write the duplicates report (duplicates.jsonl) to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Dedup")]
    pub duplicates: Option<PathBuf>,
    /// Paragraphs of fewer words match only when identical after normalisation.
    #[arg(
        long,
        default_value_t = 8,
        value_name = "WORDS",
        help_heading = "Dedup"
    )]
    pub short_words: usize,
}

#[derive(Debug, Args)]
pub struct RunCommandArgs {
    /// Also write OUT/report.html, the page of the run (see `newsclean report`).
    #[arg(long, help_heading = "Output")]
    pub report: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub dedup: DedupArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

const REPORT_EXAMPLES: &str = "\
EXAMPLES:
  Clean the samples, then open the page of the run:
    newsclean run samples/ --out out
    newsclean report out && xdg-open out/report.html

  The same in one step:
    newsclean run samples/ --out out --report";

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The output directory of a `run`, `clean` or `dedup` in JSONL format.
    #[arg(
        value_name = "OUT_DIR",
        long_help = "The output directory of a `run`, `clean` or `dedup` in JSONL format \
                     (documents.jsonl, with run.json and duplicates.jsonl when there are). \
                     report.html is written into it: one self-contained page (no network, \
                     opens from file://) with the run's figures, removals by rule and by \
                     classifier reason with a sample of the removed lines, the sites, the \
                     near-duplicate clusters side by side, and a bounded sample of documents \
                     with their removals struck through. Removed lines are read back from the \
                     run's inputs (by each record's source and spans) unless the records \
                     carry them (--removed-text)."
    )]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct SketchCommandArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output directory: sketches-NNNNN.parquet (one shard per JSONL input file) and
    /// _config.json.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace an existing output directory.
    #[arg(long)]
    pub force: bool,
    /// Write the output even when no document was sketched (a machine's empty share of a
    /// batch); without it, such a run writes nothing, as `clean` and `run` do.
    #[arg(long)]
    pub allow_empty: bool,
    /// Start a new shard past this many paragraphs (at a document boundary).
    #[arg(long, value_name = "ROWS", default_value_t = crate::output::sketches::MAX_SHARD_ROWS)]
    pub shard_rows: usize,
    /// Number the shards from N (sketching one batch's inputs on several machines: each
    /// starts where the previous one's shards end; the job orders paragraphs by shard).
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u32).range(..524_288))]
    pub first_shard: u32,
    /// Paragraphs of fewer words match only when identical (as `run --short-words`).
    #[arg(long, default_value_t = 8, value_name = "WORDS")]
    pub short_words: usize,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct DedupCommandArgs {
    /// A documents.jsonl written by `newsclean clean` (records with `id`, `site`, `paragraphs`).
    pub input: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub dedup: DedupArgs,
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
