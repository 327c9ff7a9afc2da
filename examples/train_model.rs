//! Trains the line model (`src/generic/model.txt`) and reports its cross-validated score.
//!
//! ```sh
//! cargo run --release --example train_model -- \
//!     --train /work/shared/train/wcxb-articles.jsonl \
//!     --dev /work/shared/eval/scraped-pages-dev.jsonl \
//!     --out src/generic/model.txt --cv-out /tmp/cv-documents.jsonl
//! ```
//!
//! Pages are JSONL records with `id`, `url`, `text` and `gold` (the article body), and
//! optionally `domain`. Every line the classifier judges is labelled by whether its words occur
//! in the gold (`newsclean::generic::train::label`). The report is a grouped 5-fold
//! cross-validation: pages are split into folds by domain, so no page is scored by a model
//! trained on its site, and each fold's threshold is chosen inside the fold (on a fifth of its
//! training sites held out from a first fit). The written model is trained on every page, its
//! threshold chosen the same way. `--cv-out` writes each page as cleaned by the model of its
//! fold, for `score_pages.py`.

use newsclean::generic::model::{Row, Trees};
use newsclean::generic::train::{self, Params, Summary};
use newsclean::{Cleaner, Document, Rules};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

/// A labelled page.
struct Page {
    id: String,
    url: Option<String>,
    domain: String,
    text: String,
    gold: String,
    /// Whether it came from `--train` (else `--dev`).
    train: bool,
}

/// A page's precision (none for empty output) and recall.
type Score = (Option<f64>, f64);

/// What every fit needs besides the pages.
struct Ctx<'a> {
    cleaner: &'a Cleaner,
    /// Whether to learn from second-round views too.
    views: bool,
}

/// The judged lines of a page: rows, labels, texts.
struct Lines {
    rows: Vec<Row>,
    labels: Vec<bool>,
    texts: Vec<String>,
    /// How much each of its lines counts in training: news pages scored the eval's way (no
    /// headline, standfirst, byline or captions in the gold) count [`DEV_WEIGHT`] times.
    weight: f32,
}

/// The weight of a `--dev` page's lines.
const DEV_WEIGHT: f32 = 3.0;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut train_path, mut dev_path, mut out, mut cv_out) = (None, None, None, None);
    let mut limit = usize::MAX;
    let mut folds = 5usize;
    let mut views = true;
    while let Some(a) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{a} needs a value"))
        };
        match a.as_str() {
            "--train" => train_path = Some(PathBuf::from(value()?)),
            "--dev" => dev_path = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--cv-out" => cv_out = Some(PathBuf::from(value()?)),
            "--limit" => limit = value()?.parse()?,
            "--folds" => folds = value()?.parse()?,
            "--no-second-views" => views = false,
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let mut pages = Vec::new();
    if let Some(p) = &train_path {
        pages.extend(read(p, true)?.into_iter().take(limit));
    }
    if let Some(p) = &dev_path {
        pages.extend(read(p, false)?);
    }
    anyhow::ensure!(!pages.is_empty(), "no pages: give --train and/or --dev");
    let rules = Rules::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules"))
        .map_err(|e| anyhow::anyhow!("rules: {e}"))?;
    let cleaner = Cleaner::new(rules);
    let lines: Vec<Lines> = pages.iter().map(|p| judged(&cleaner, p)).collect();
    eprintln!(
        "train_model: {} pages, {} lines",
        pages.len(),
        lines.iter().map(|l| l.rows.len()).sum::<usize>()
    );
    let params = Params::default();
    let ctx = Ctx {
        cleaner: &cleaner,
        views,
    };

    // Cross-validation grouped by domain.
    let fold_of: Vec<usize> = pages.iter().map(|p| fold(&p.domain, folds)).collect();
    let mut cleaned: Vec<Option<(String, Option<String>)>> = vec![None; pages.len()];
    for k in 0..folds {
        let train: Vec<usize> = (0..pages.len()).filter(|&i| fold_of[i] != k).collect();
        let test: Vec<usize> = (0..pages.len()).filter(|&i| fold_of[i] == k).collect();
        let model = fit_with_threshold(&ctx, &pages, &lines, &train, folds, params);
        eprintln!(
            "train_model: fold {k}: {} test pages, threshold {:.2}",
            test.len(),
            model.threshold
        );
        if std::env::var_os("TRAIN_MODEL_ROUND0").is_some() {
            let scores: Vec<Score> = test
                .iter()
                .map(|&i| kept_score(&model, &lines[i], &pages[i].gold, model.threshold))
                .collect();
            eprintln!("{}", line("  round 0 only", &train::summary(&scores)));
        }
        let c = cleaner.clone().model(Some(Arc::new(model)));
        for &i in &test {
            cleaned[i] = Some(clean(&c, &pages[i]));
        }
        if std::env::var_os("TRAIN_MODEL_ROUND0").is_some() {
            let scores: Vec<Score> = test
                .iter()
                .map(|&i| {
                    let (t, h) = cleaned[i].clone().unwrap_or_default();
                    let s = scored(&t, h.as_deref(), &pages[i].gold);
                    if s.0.is_none() {
                        eprintln!("  empty: {}", pages[i].id);
                    }
                    s
                })
                .collect();
            eprintln!("{}", line("  cleaner", &train::summary(&scores)));
        }
    }
    report(&pages, &cleaned, &cleaner);
    if let Some(path) = &cv_out {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (p, c) in pages.iter().zip(&cleaned) {
            let (text, title) = c.clone().unwrap_or_default();
            let record = serde_json::json!({"id": p.id, "text": text, "title": title});
            writeln!(f, "{record}")?;
        }
    }
    if let Some(path) = &out {
        let all: Vec<usize> = (0..pages.len()).collect();
        let model = fit_with_threshold(&ctx, &pages, &lines, &all, folds, params);
        std::fs::write(path, model.to_text())?;
        eprintln!(
            "train_model: wrote {} ({} trees, threshold {:.2})",
            path.display(),
            model.trees.len(),
            model.threshold
        );
    }
    Ok(())
}

fn read(path: &PathBuf, train: bool) -> anyhow::Result<Vec<Page>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let url = s("url");
        let domain = s("domain")
            .or_else(|| url.as_deref().map(host))
            .unwrap_or_default();
        out.push(Page {
            id: s("id").unwrap_or_default(),
            url,
            domain: domain.trim_start_matches("www.").to_string(),
            text: s("text").unwrap_or_default(),
            gold: s("gold").unwrap_or_default(),
            train,
        });
    }
    Ok(out)
}

fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or("").to_string()
}

/// The fold of a domain: a hash, so the split does not depend on the order of the pages.
fn fold(domain: &str, folds: usize) -> usize {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in domain.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % folds as u64) as usize
}

fn document(p: &Page) -> Document {
    let mut d = Document::from_text(p.id.clone(), p.text.clone());
    d.url = p.url.clone();
    d
}

fn judged(cleaner: &Cleaner, p: &Page) -> Lines {
    let rows = cleaner.line_rows(&document(p));
    let texts: Vec<String> = rows.iter().map(|r| r.text.clone()).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    Lines {
        rows: rows.iter().map(|r| r.row).collect(),
        labels: train::label(&refs, &p.gold),
        texts,
        weight: if p.train { 1.0 } else { DEV_WEIGHT },
    }
}

/// Text and title of a page cleaned by `cleaner`.
fn clean(cleaner: &Cleaner, p: &Page) -> (String, Option<String>) {
    let doc = cleaner.clean(&document(p));
    (doc.text(), doc.metadata.title.clone())
}

/// The scorer's view of a cleaned page: its text without the line equal to the title.
fn scored(text: &str, title: Option<&str>, gold: &str) -> Score {
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    let body: Vec<&str> = text
        .lines()
        .filter(|l| title.is_none_or(|t| l.trim() != t))
        .collect();
    train::page_score(&body.join("\n"), gold)
}

/// Trees fitted to the pages `idx`, with a threshold chosen inside them: a first fit on four
/// fifths of their domains picks the threshold that scores best on the last fifth; the model
/// returned is fitted to all of `idx`.
fn fit_with_threshold(
    ctx: &Ctx,
    pages: &[Page],
    lines: &[Lines],
    idx: &[usize],
    folds: usize,
    params: Params,
) -> Trees {
    let inner = |i: usize| fold(&format!("inner:{}", pages[i].domain), folds) == 0;
    let fit_part: Vec<usize> = idx.iter().copied().filter(|&i| !inner(i)).collect();
    let pick_part: Vec<usize> = idx.iter().copied().filter(|&i| inner(i)).collect();
    let first = fit_rows(lines, &fit_part, params);
    let mut best = (f64::MIN, 0.0f32);
    for step in -12..=12 {
        let t = step as f32 * 0.25;
        let scores: Vec<Score> = pick_part
            .iter()
            .map(|&i| kept_score(&first, &lines[i], &pages[i].gold, t))
            .collect();
        let s = train::summary(&scores);
        let objective = s.f1 + s.doc_f1;
        if objective > best.0 {
            best = (objective, t);
        }
    }
    let mut model = fit_rows(lines, idx, params);
    model.threshold = best.1;
    if ctx.views {
        // What a second round sees: the lines this model keeps. Learning from those too keeps
        // the fixed point from eroding the article round after round.
        let c = ctx.cleaner.clone().model(Some(Arc::new(model.clone())));
        let second: Vec<Lines> = idx
            .iter()
            .map(|&i| {
                let (text, _) = clean(&c, &pages[i]);
                let page = Page {
                    id: pages[i].id.clone(),
                    url: pages[i].url.clone(),
                    domain: String::new(),
                    text,
                    gold: pages[i].gold.clone(),
                    train: pages[i].train,
                };
                judged(ctx.cleaner, &page)
            })
            .collect();
        let mut all: Vec<&Lines> = idx.iter().map(|&i| &lines[i]).collect();
        all.extend(&second);
        let threshold = model.threshold;
        model = fit_lines(&all, params);
        model.threshold = threshold;
    }
    model
}

/// The score of a page's judged lines that `model` scores at `t` or above (one round, no
/// headline).
fn kept_score(model: &Trees, l: &Lines, gold: &str, t: f32) -> Score {
    let kept: Vec<&str> = l
        .rows
        .iter()
        .zip(&l.texts)
        .filter(|(r, _)| model.score(r) >= t)
        .map(|(_, t)| t.as_str())
        .collect();
    train::page_score(&kept.join("\n"), gold)
}

fn fit_rows(lines: &[Lines], idx: &[usize], params: Params) -> Trees {
    let picked: Vec<&Lines> = idx.iter().map(|&i| &lines[i]).collect();
    fit_lines(&picked, params)
}

fn fit_lines(lines: &[&Lines], params: Params) -> Trees {
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    let mut weights = Vec::new();
    for l in lines {
        rows.extend_from_slice(&l.rows);
        labels.extend_from_slice(&l.labels);
        weights.extend(std::iter::repeat_n(l.weight, l.rows.len()));
    }
    train::fit_weighted(&rows, &labels, &weights, params)
}

fn line(name: &str, s: &Summary) -> String {
    format!(
        "{name:28} P {:.3}  R {:.3}  F1 {:.3}  docF1 {:.3}  empty {}/{}",
        s.p, s.r, s.f1, s.doc_f1, s.empty, s.pages
    )
}

/// Prints the cross-validated scores, with the classifier's alongside.
fn report(pages: &[Page], cleaned: &[Option<(String, Option<String>)>], cleaner: &Cleaner) {
    let mut groups: BTreeMap<String, (Vec<Score>, Vec<Score>)> = BTreeMap::new();
    for (p, c) in pages.iter().zip(cleaned) {
        let (text, title) = c.clone().unwrap_or_default();
        let model = scored(&text, title.as_deref(), &p.gold);
        let (btext, btitle) = clean(cleaner, p);
        let base = scored(&btext, btitle.as_deref(), &p.gold);
        let set = if p.train { "train" } else { "dev" };
        let lang = newsclean::generic::lang::detect(p.gold.lines()).code();
        for key in [set.to_string(), format!("{set} lang {lang}")] {
            let e = groups.entry(key).or_default();
            e.0.push(base);
            e.1.push(model);
        }
    }
    for (key, (base, model)) in &groups {
        println!(
            "{}",
            line(&format!("{key} classifier"), &train::summary(base))
        );
        println!(
            "{}",
            line(&format!("{key} model (CV)"), &train::summary(model))
        );
    }
}
