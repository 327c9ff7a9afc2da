//! Synthetic scraped-news corpus for benchmarking newsclean.
//!
//! A bench helper, not a newsclean command: it writes N articles in the page
//! templates of the five sample outlets (plus "unknown site" pages) as a
//! JSONL file (`{"id","url","text"}` per line) or a tree of `.txt` files,
//! streaming to disk, deterministic in `--seed` whatever `--threads`.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --bytes 100M --out /work/corpus/100m.jsonl
//! cargo run --release --example gen_corpus -- --docs 5000 --out /work/corpus/txt --format txt
//! ```
//!
//! Documents are generated in parallel batches (each from its own
//! `(seed, index)` PRNG stream) while the previous batch is written, so the
//! output never depends on thread count and memory stays at a few batches.

mod model;
mod outlets;
mod rng;
mod text;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, ValueEnum};
use rayon::prelude::*;

use outlets::{Doc, Outlet, Params};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One JSON object per line: {"id","url","text"}.
    Jsonl,
    /// A directory tree of .txt files, 1,000 per subdirectory.
    Txt,
}

/// Generate a synthetic corpus of scraped news articles.
#[derive(Parser, Debug)]
#[command(name = "gen_corpus")]
struct Args {
    /// Output: a .jsonl file, or a directory for --format txt.
    #[arg(long)]
    out: PathBuf,
    /// Output format (default: jsonl if --out ends in .jsonl, else txt).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Stop once this many bytes are written: 1M, 100M, 1G (SI units), 64MiB, 1GiB.
    #[arg(long, value_parser = parse_size, conflicts_with = "docs")]
    bytes: Option<u64>,
    /// Number of documents.
    #[arg(long)]
    docs: Option<u64>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Share of body paragraphs copied from the wire-story pool.
    #[arg(long, default_value_t = 0.1)]
    syndicated: f64,
    /// Share of documents from unknown sites (generic clutter).
    #[arg(long, default_value_t = 0.15)]
    unknown: f64,
    /// Share of JSONL records carrying the outlet's URL.
    #[arg(long, default_value_t = 0.5)]
    url_share: f64,
    /// Average number of articles running each wire story (stories follow the news
    /// cycle: each document picks among the stories current around its index).
    #[arg(long, default_value_t = 6.0)]
    wire_outlets: f64,
    /// Word model: chance of backing off to a same-shape word's successors at a rare word
    /// (more = fewer word n-grams shared by unrelated paragraphs, less fluent text).
    #[arg(long, default_value_t = 0.6)]
    backoff: f64,
    /// Word model: a word is rare when it has at most this many successor occurrences.
    #[arg(long, default_value_t = 4)]
    backoff_below: usize,
    /// Write the ground truth of syndicated paragraphs (JSONL: id, offset, len, story, para, edits).
    #[arg(long)]
    truth: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Overwrite an existing output.
    #[arg(long)]
    force: bool,
    /// No summary on stderr.
    #[arg(long)]
    quiet: bool,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| format!("bad size {s:?}"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("bad size unit in {s:?}")),
    };
    Ok((n * mult) as u64)
}

const BATCH: u64 = 512;

struct Rendered {
    index: u64,
    bytes: Vec<u8>,
    truth: Vec<u8>,
    outlet: Outlet,
    url: bool,
    syndicated: usize,
}

fn doc_id(i: u64) -> String {
    format!("doc{i:08}")
}

fn render(doc: Doc, index: u64, format: Format, want_truth: bool) -> Rendered {
    let id = doc_id(index);
    let bytes = match format {
        Format::Jsonl => {
            #[derive(serde::Serialize)]
            struct Rec<'a> {
                id: &'a str,
                url: Option<&'a str>,
                text: &'a str,
            }
            let mut v = serde_json::to_vec(&Rec {
                id: &id,
                url: doc.url.as_deref(),
                text: &doc.text,
            })
            .expect("strings always serialize");
            v.push(b'\n');
            v
        }
        Format::Txt => doc.text.clone().into_bytes(),
    };
    let mut truth = Vec::new();
    if want_truth {
        for t in &doc.truth {
            let line = serde_json::json!({
                "id": id, "offset": t.offset, "len": t.len, "story": t.story, "para": t.para, "edits": t.edits,
            });
            serde_json::to_writer(&mut truth, &line).expect("json to vec");
            truth.push(b'\n');
        }
    }
    Rendered {
        index,
        bytes,
        truth,
        outlet: doc.outlet,
        url: doc.url.is_some(),
        syndicated: doc.truth.len(),
    }
}

enum Sink {
    Jsonl(BufWriter<File>),
    Txt { root: PathBuf, dir: u64 },
}

impl Sink {
    fn write(&mut self, r: &Rendered) -> Result<()> {
        match self {
            Sink::Jsonl(w) => w.write_all(&r.bytes)?,
            Sink::Txt { root, dir } => {
                let d = r.index / 1000;
                let sub = root.join(format!("{d:04}"));
                if *dir != d || r.index == 0 {
                    fs::create_dir_all(&sub)
                        .with_context(|| format!("creating {}", sub.display()))?;
                    *dir = d;
                }
                let p = sub.join(format!("{}.txt", doc_id(r.index)));
                fs::write(&p, &r.bytes).with_context(|| format!("writing {}", p.display()))?;
            }
        }
        Ok(())
    }
    fn finish(self) -> Result<()> {
        if let Sink::Jsonl(mut w) = self {
            w.flush()?;
        }
        Ok(())
    }
}

fn prepare(out: &Path, format: Format, force: bool) -> Result<Sink> {
    if out.exists() {
        if !force {
            bail!("{} exists (use --force to overwrite)", out.display());
        }
        if out.is_dir() {
            fs::remove_dir_all(out).with_context(|| format!("removing {}", out.display()))?;
        } else {
            fs::remove_file(out).with_context(|| format!("removing {}", out.display()))?;
        }
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    Ok(match format {
        Format::Jsonl => {
            let f = File::create(out).with_context(|| format!("creating {}", out.display()))?;
            Sink::Jsonl(BufWriter::with_capacity(1 << 20, f))
        }
        Format::Txt => {
            fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
            Sink::Txt {
                root: out.to_path_buf(),
                dir: u64::MAX,
            }
        }
    })
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.bytes.is_none() && args.docs.is_none() {
        bail!("give --bytes SIZE or --docs N");
    }
    for (name, v) in [
        ("syndicated", args.syndicated),
        ("unknown", args.unknown),
        ("url-share", args.url_share),
    ] {
        if !(0.0..=1.0).contains(&v) {
            bail!("--{name} must be within 0..1, got {v}");
        }
    }
    if args.wire_outlets < 1.0 {
        bail!("--wire-outlets must be at least 1");
    }
    let format = args
        .format
        .unwrap_or(if args.out.extension().is_some_and(|e| e == "jsonl") {
            Format::Jsonl
        } else {
            Format::Txt
        });
    if let Some(t) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()?;
    }
    let started = Instant::now();
    let model = model::Model::train(args.backoff, args.backoff_below);
    let params = Params {
        syndicated: args.syndicated,
        unknown: args.unknown,
        url_share: args.url_share,
        wire_outlets: args.wire_outlets,
    };
    let mut sink = prepare(&args.out, format, args.force)?;
    let mut truth = match &args.truth {
        Some(p) => Some(BufWriter::new(
            File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => None,
    };
    let want_truth = truth.is_some();
    let gen_batch = |from: u64| -> Vec<Rendered> {
        (from..from + BATCH)
            .into_par_iter()
            .map(|i| {
                render(
                    outlets::generate(&model, &params, args.seed, i),
                    i,
                    format,
                    want_truth,
                )
            })
            .collect()
    };

    let (mut written, mut docs, mut synd, mut with_url) = (0u64, 0u64, 0u64, 0u64);
    let mut per_outlet = [0u64; 6];
    let done = |written: u64, docs: u64| match (args.bytes, args.docs) {
        (Some(b), _) => written >= b,
        (_, Some(n)) => docs >= n,
        _ => true,
    };
    let mut next = 0u64;
    let mut batch = gen_batch(next);
    next += BATCH;
    'outer: loop {
        // Write this batch while the next one is generated.
        let (res, upcoming) = rayon::join(
            || -> Result<(u64, u64, bool)> {
                let mut stats = (0u64, 0u64, false);
                let mut local = Vec::new();
                for r in &batch {
                    if done(written + stats.0, docs + stats.1) {
                        stats.2 = true;
                        break;
                    }
                    sink.write(r)?;
                    if let Some(t) = truth.as_mut() {
                        t.write_all(&r.truth)?;
                    }
                    stats.0 += r.bytes.len() as u64;
                    stats.1 += 1;
                    local.push((r.outlet, r.url, r.syndicated));
                }
                Ok(stats)
            },
            || {
                if done(written, docs) {
                    Vec::new()
                } else {
                    gen_batch(next)
                }
            },
        );
        let (w, d, finished) = res?;
        for r in batch.iter().take(d as usize) {
            per_outlet[Outlet::ALL
                .iter()
                .position(|o| *o == r.outlet)
                .expect("known outlet")] += 1;
            with_url += u64::from(r.url);
            synd += r.syndicated as u64;
        }
        written += w;
        docs += d;
        if finished || done(written, docs) {
            break 'outer;
        }
        batch = upcoming;
        next += BATCH;
    }
    sink.finish()?;
    if let Some(mut t) = truth {
        t.flush()?;
    }
    if !args.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "gen_corpus: {docs} docs, {written} bytes ({:.1} MB) to {} in {secs:.2}s ({:.0} MB/s); {synd} syndicated paragraphs; {} with url",
            written as f64 / 1e6,
            args.out.display(),
            written as f64 / 1e6 / secs,
            if format == Format::Jsonl { with_url.to_string() } else { "none (txt)".into() },
        );
        let parts: Vec<String> = Outlet::ALL
            .iter()
            .zip(per_outlet)
            .map(|(o, n)| format!("{}={n}", o.name()))
            .collect();
        eprintln!("gen_corpus: outlets {}", parts.join(" "));
    }
    Ok(())
}
