//! The trained line model: a keep/drop decision per line from what the hand-set classifier
//! decided about it and from the line's context on the page.
//!
//! The hand-set classifier ([`super::article::plan`]) was tuned while looking at one set of
//! pages. The model takes its verdicts and classes as inputs and adds what it cannot weigh
//! well: the shape of the neighbourhood (runs of lines of the same shape, as teaser lists and
//! tables have), the line that introduces a list (a body line ending in a colon), paragraphs
//! printed twice on one page, comment-thread furniture (`12. name says:`, `at 1:56 pm`,
//! `Reply`), the distance to the headline and how much of a line's vocabulary the article
//! shares. The decision is made by small gradient-boosted trees ([`Trees`]) trained on
//! labelled pages (`examples/train_model.rs`); their weights are a text file compiled into the
//! binary (`model.txt` beside this file), so nothing is downloaded or read at run time.
//!
//! Each decision can be explained: [`Trees::explain`] splits a line's score into the
//! contributions of its features (each split on the path through a tree credits its feature
//! with the change in the node value), and the strongest of them are named in the kept line's
//! class or the removal's record.

use super::article::{self, Input, Plan, Verdict};
use super::classify::Class;
use super::lang::FxHashMap as HashMap;
use super::markers::Marker;
use std::sync::OnceLock;

/// The names of the features, in the order of a row.
pub const FEATURES: &[&str] = &[
    "plan-keep",
    "plan-before",
    "plan-after",
    "plan-comments",
    "plan-appended",
    "plan-inside-bad",
    "class",
    "class-revised-good",
    "words",
    "length",
    "stop-density",
    "title-case",
    "sentence-end",
    "colon-end",
    "digits",
    "all-caps",
    "separators",
    "marker",
    "position",
    "from-run-start",
    "from-run-end",
    "prev-plan-keep",
    "next-plan-keep",
    "prev-colon-end",
    "prev-words",
    "next-words",
    "window-plan-keep",
    "window-words",
    "copies-before",
    "copies-after",
    "paragraph-copy",
    "shape-count",
    "shape-run",
    "shape-pair-count",
    "after-introducer",
    "comment-shape",
    "window-comment-shapes",
    "comment-shapes-before",
    "from-headline",
    "article-vocabulary",
    "rule-removed-before",
    "language",
    "page-lines",
    "page-plan-keep",
    "list-item",
    "headline-like",
    "words-before",
    "sentences",
];

/// Features in a row.
pub const WIDTH: usize = FEATURES.len();

/// One line's features.
pub type Row = [f32; WIDTH];

/// The rows of a page's lines, one per [`Input`] (a line rules removed gets zeros: it is never
/// scored), for a page planned as `plan`.
pub fn rows(inputs: &[Input], plan: &Plan) -> Vec<Row> {
    let lang = plan.lang;
    let present: Vec<usize> = (0..inputs.len()).filter(|&i| !inputs[i].gone).collect();
    let n = present.len();
    let mut out = vec![[0.0; WIDTH]; inputs.len()];
    if n == 0 {
        return out;
    }
    let keep: Vec<bool> = present
        .iter()
        .map(|&i| matches!(plan.verdicts[i], Verdict::Keep(_)))
        .collect();
    let words: Vec<f32> = present
        .iter()
        .map(|&i| inputs[i].measure.f.words as f32)
        .collect();
    let shapes: Vec<u16> = present.iter().map(|&i| shape(&inputs[i])).collect();
    let mut shape_count: HashMap<u16, u32> = HashMap::default();
    let mut pair_count: HashMap<(u16, u16), u32> = HashMap::default();
    for k in 0..n {
        *shape_count.entry(shapes[k]).or_default() += 1;
        if k + 1 < n {
            *pair_count.entry((shapes[k], shapes[k + 1])).or_default() += 1;
        }
    }
    // Runs of one shape: the length of the run each line is in.
    let mut shape_run = vec![0u32; n];
    let mut k = 0;
    while k < n {
        let mut j = k;
        while j + 1 < n && shapes[j + 1] == shapes[k] {
            j += 1;
        }
        for r in &mut shape_run[k..=j] {
            *r = (j + 1 - k) as u32;
        }
        k = j + 1;
    }
    // Copies of a line's text on the page.
    let mut copies: HashMap<&str, u32> = HashMap::default();
    for &i in &present {
        *copies.entry(inputs[i].text).or_default() += 1;
    }
    let comment: Vec<bool> = present
        .iter()
        .map(|&i| comment_shape(inputs[i].text, inputs[i].measure.f.words))
        .collect();
    // The article's vocabulary: content words of the lines the plan keeps.
    let mut vocab: HashMap<u64, u32> = HashMap::default();
    let mut line_words: Vec<Vec<u64>> = Vec::with_capacity(n);
    for (k, &i) in present.iter().enumerate() {
        let mut ws = Vec::new();
        article::content_words(inputs[i].text, lang, |w| ws.push(hash(w)));
        if keep[k] {
            for &w in &ws {
                *vocab.entry(w).or_default() += 1;
            }
        }
        line_words.push(ws);
    }
    let to_present = |i: usize| present.iter().position(|&p| p >= i).unwrap_or(n - 1);
    let (run_start, run_end) = (to_present(plan.run.0), to_present(plan.run.1));
    let headline = plan.headline.map(to_present);
    let page_keep = keep.iter().filter(|&&k| k).count() as f32 / n as f32;
    let lang_code = lang.index().map_or(-1.0, |i| i as f32);
    let mut seen: HashMap<&str, u32> = HashMap::default();
    let (mut comments_before, mut words_before, mut introducer) = (0u32, 0f32, None::<usize>);
    let mut prev_input = 0usize;
    for k in 0..n {
        let i = present[k];
        let input = &inputs[i];
        let f = &input.measure.f;
        let (cf, class) = plan.classes[i];
        let reason = match &plan.verdicts[i] {
            Verdict::Remove(r) => *r,
            _ => "",
        };
        let copies_before = seen.entry(input.text).or_default();
        let before = *copies_before;
        *copies_before += 1;
        let window = k.saturating_sub(3)..(k + 4).min(n);
        let wide = k.saturating_sub(5)..(k + 6).min(n);
        // Words of the line found elsewhere in the article (its own occurrences not counted).
        let mut own = line_words[k].clone();
        own.sort_unstable();
        let mut in_vocab = 0;
        for run in own.chunk_by(|a, b| a == b) {
            let total = vocab.get(&run[0]).copied().unwrap_or(0);
            let mine = if keep[k] { run.len() as u32 } else { 0 };
            if total > mine {
                in_vocab += run.len();
            }
        }
        // A list under a line ending in a colon: the introducer holds while the lines after it
        // are short ones of a shape.
        if k > 0 {
            let p = &inputs[present[k - 1]].measure.f;
            if p.colon_end && p.words >= 3 {
                introducer = Some(k - 1);
            } else if f.words > 25 {
                introducer = None;
            }
        }
        let row = &mut out[i];
        let v: Row = [
            b(keep[k]),
            b(reason == "before-article"),
            b(reason == "after-article"),
            b(reason == "comments"),
            b(reason == "appended-story"),
            b(!reason.is_empty()
                && !matches!(
                    reason,
                    "before-article" | "after-article" | "comments" | "appended-story"
                )),
            class_code(cf),
            b(class == Class::Good),
            (1.0 + words[k]).ln(),
            f.length as f32,
            f.stop_density(lang),
            f.title_ratio(),
            b(f.sentence_end),
            b(f.colon_end),
            f.digit_ratio(),
            b(f.all_caps()),
            f.separators as f32,
            marker_code(input.measure.marker),
            k as f32 / n as f32,
            (k as f32 - run_start as f32).clamp(-60.0, 60.0),
            (k as f32 - run_end as f32).clamp(-60.0, 60.0),
            if k > 0 { b(keep[k - 1]) } else { -1.0 },
            if k + 1 < n { b(keep[k + 1]) } else { -1.0 },
            if k > 0 {
                b(inputs[present[k - 1]].measure.f.colon_end)
            } else {
                0.0
            },
            if k > 0 {
                (1.0 + words[k - 1]).ln()
            } else {
                -1.0
            },
            if k + 1 < n {
                (1.0 + words[k + 1]).ln()
            } else {
                -1.0
            },
            keep[window.clone()].iter().filter(|&&x| x).count() as f32 / window.len() as f32,
            words[window.clone()]
                .iter()
                .map(|w| (1.0 + w).ln())
                .sum::<f32>()
                / window.len() as f32,
            before as f32,
            (copies[input.text] - before - 1) as f32,
            b(before > 0 && f.words >= 8),
            shape_count[&shapes[k]] as f32,
            shape_run[k] as f32,
            if k + 1 < n {
                pair_count[&(shapes[k], shapes[k + 1])] as f32
            } else {
                0.0
            },
            introducer.map_or(-1.0, |j| ((k - j) as f32).min(60.0)),
            b(comment[k]),
            comment[wide].iter().filter(|&&x| x).count() as f32,
            (1.0 + comments_before as f32).ln(),
            headline.map_or(-99.0, |h| (k as f32 - h as f32).clamp(-60.0, 60.0)),
            if line_words[k].is_empty() {
                -1.0
            } else {
                in_vocab as f32 / line_words[k].len() as f32
            },
            (i - prev_input) as f32 - if k == 0 { 0.0 } else { 1.0 },
            lang_code,
            (n as f32).ln(),
            page_keep,
            b(list_item(input.text)),
            b(article::headline_like_text(
                input.text,
                f.words,
                input.measure.marker,
            )),
            (1.0 + words_before).ln(),
            f.sentences as f32,
        ];
        *row = v;
        if comment[k] {
            comments_before += 1;
        }
        if keep[k] {
            words_before += words[k];
        }
        prev_input = i;
    }
    out
}

fn b(x: bool) -> f32 {
    if x {
        1.0
    } else {
        0.0
    }
}

fn class_code(c: Class) -> f32 {
    match c {
        Class::Good => 0.0,
        Class::NearGood => 1.0,
        Class::Short => 2.0,
        Class::Bad => 3.0,
    }
}

fn marker_code(m: Marker) -> f32 {
    match m {
        Marker::None => 0.0,
        Marker::Related => 1.0,
        Marker::Comments => 2.0,
        Marker::Ago => 3.0,
        Marker::Promo => 4.0,
    }
}

/// A line's shape, for finding repeated units: its length in words (bucketed), whether it ends
/// like a sentence, is in Title Case, has digits, ends in a colon.
fn shape(input: &Input) -> u16 {
    let f = &input.measure.f;
    let bucket = match f.words {
        0..=1 => 0,
        2 => 1,
        3..=5 => 2,
        6..=10 => 3,
        11..=20 => 4,
        21..=40 => 5,
        _ => 6,
    };
    bucket
        | u16::from(f.sentence_end) << 3
        | u16::from(f.title_ratio() > 0.6) << 4
        | u16::from(f.digits > 0) << 5
        | u16::from(f.colon_end) << 6
}

/// A list item: a number or letter and `.` or `)` then text, or a leading dash or bullet.
fn list_item(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with(['-', '–', '•', '*', '·']) {
        return true;
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits) && matches!(t.as_bytes().get(digits), Some(b'.' | b')'))
}

/// Comment-thread furniture: `name says:`, `Reply`, a time of day with `am`/`pm`, `says:` in a
/// numbered line. Only short lines are looked at.
fn comment_shape(text: &str, words: usize) -> bool {
    if words > 12 {
        return false;
    }
    let t = text.trim();
    if t.eq_ignore_ascii_case("reply") || t.eq_ignore_ascii_case("reply ↓") {
        return true;
    }
    if t.ends_with("says:") || t.ends_with("said:") || t.ends_with(" says") {
        return true;
    }
    // `November 19, 2019 at 1:56 pm`
    let lower = t.to_ascii_lowercase();
    let b = lower.as_bytes();
    if (lower.ends_with(" am") || lower.ends_with(" pm")) && lower.contains(':') {
        return true;
    }
    b.windows(4).any(|w| w == b" at ") && lower.contains(':') && words <= 8
}

fn hash(word: &str) -> u64 {
    // FNV-1a: enough to tell words apart on one page.
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for byte in word.bytes() {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A node of a tree: a split (`feature`, `threshold`, children) or a leaf (`feature` is
/// `None`). `value` is the node's score (for a split, the average of what lies under it), used
/// to explain a decision.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub feature: Option<usize>,
    pub threshold: f32,
    pub left: usize,
    pub right: usize,
    pub value: f32,
}

/// Gradient-boosted trees over [`Row`]s: the score is `bias` plus each tree's leaf, a log-odds
/// that the line belongs to the article; a line stays when it reaches `threshold`.
#[derive(Clone, Debug, PartialEq)]
pub struct Trees {
    pub bias: f32,
    pub threshold: f32,
    pub trees: Vec<Vec<Node>>,
}

/// The value of the leaf a row reaches in `tree`.
pub fn leaf(tree: &[Node], row: &Row) -> f32 {
    let mut at = 0;
    while let Some(f) = tree[at].feature {
        at = if row[f] <= tree[at].threshold {
            tree[at].left
        } else {
            tree[at].right
        };
    }
    tree[at].value
}

/// Why a model file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A line of the file is not what its place calls for.
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
    /// The file's features are not the ones this build computes.
    #[error("the model's features are not this build's: {0}")]
    Features(String),
}

impl Trees {
    /// The log-odds score of a row.
    pub fn score(&self, row: &Row) -> f32 {
        self.bias + self.trees.iter().map(|t| leaf(t, row)).sum::<f32>()
    }

    /// The contribution of each feature to a row's score (they sum to the score less the
    /// trees' root values and the bias).
    pub fn explain(&self, row: &Row) -> Row {
        let mut out = [0.0; WIDTH];
        for tree in &self.trees {
            let mut at = 0;
            while let Some(f) = tree[at].feature {
                let next = if row[f] <= tree[at].threshold {
                    tree[at].left
                } else {
                    tree[at].right
                };
                out[f] += tree[next].value - tree[at].value;
                at = next;
            }
        }
        out
    }

    /// The `n` features that moved a row's score most, as `+name 1.2, -name 0.8`.
    pub fn top(&self, row: &Row, n: usize) -> String {
        let contributions = self.explain(row);
        let mut order: Vec<usize> = (0..WIDTH).filter(|&f| contributions[f] != 0.0).collect();
        order.sort_by(|&a, &b| contributions[b].abs().total_cmp(&contributions[a].abs()));
        order
            .iter()
            .take(n)
            .map(|&f| {
                let c = contributions[f];
                format!(
                    "{}{} {:.1}",
                    if c >= 0.0 { '+' } else { '-' },
                    FEATURES[f],
                    c.abs()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The model as text: a header naming the features, then one line per node.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# newsclean line model: gradient-boosted trees over line features."
        );
        let _ = writeln!(
            out,
            "# Written by examples/train_model.rs; see docs/generic.md."
        );
        let _ = writeln!(out, "features {}", FEATURES.join(" "));
        let _ = writeln!(out, "bias {}", self.bias);
        let _ = writeln!(out, "threshold {}", self.threshold);
        for tree in &self.trees {
            let _ = writeln!(out, "tree {}", tree.len());
            for n in tree {
                match n.feature {
                    Some(f) => {
                        let _ = writeln!(
                            out,
                            "{} {} {} {} {}",
                            f, n.threshold, n.left, n.right, n.value
                        );
                    }
                    None => {
                        let _ = writeln!(out, "leaf {}", n.value);
                    }
                }
            }
        }
        out
    }

    /// Reads a model written by [`Trees::to_text`].
    pub fn parse(text: &str) -> Result<Trees, ModelError> {
        let mut model = Trees {
            bias: 0.0,
            threshold: 0.0,
            trees: Vec::new(),
        };
        let syntax = |line: usize, message: &str| ModelError::Syntax {
            line: line + 1,
            message: message.to_string(),
        };
        let num = |line: usize, s: Option<&str>| -> Result<f32, ModelError> {
            s.and_then(|s| s.parse().ok())
                .ok_or_else(|| syntax(line, "expected a number"))
        };
        let mut expect = 0usize;
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let head = parts.next().unwrap_or("");
            match head {
                "features" => {
                    let names: Vec<&str> = parts.collect();
                    if names != FEATURES {
                        return Err(ModelError::Features(names.join(" ")));
                    }
                }
                "bias" => model.bias = num(n, parts.next())?,
                "threshold" => model.threshold = num(n, parts.next())?,
                "tree" => {
                    if expect != 0 {
                        return Err(syntax(n, "a tree ended early"));
                    }
                    expect = num(n, parts.next())? as usize;
                    model.trees.push(Vec::with_capacity(expect));
                }
                _ => {
                    let tree = model
                        .trees
                        .last_mut()
                        .filter(|_| expect > 0)
                        .ok_or_else(|| syntax(n, "a node outside a tree"))?;
                    let node = if head == "leaf" {
                        Node {
                            feature: None,
                            threshold: 0.0,
                            left: 0,
                            right: 0,
                            value: num(n, parts.next())?,
                        }
                    } else {
                        let feature: usize =
                            head.parse().map_err(|_| syntax(n, "expected a feature"))?;
                        if feature >= WIDTH {
                            return Err(syntax(n, "no such feature"));
                        }
                        Node {
                            feature: Some(feature),
                            threshold: num(n, parts.next())?,
                            left: num(n, parts.next())? as usize,
                            right: num(n, parts.next())? as usize,
                            value: num(n, parts.next())?,
                        }
                    };
                    tree.push(node);
                    expect -= 1;
                }
            }
        }
        if expect != 0 {
            return Err(syntax(text.lines().count(), "the last tree ended early"));
        }
        for tree in &model.trees {
            let ok = tree.iter().enumerate().all(|(i, node)| {
                node.feature.is_none()
                    || (node.left > i
                        && node.right > i
                        && node.left < tree.len()
                        && node.right < tree.len())
            });
            if !ok || tree.is_empty() {
                return Err(syntax(0, "a tree's children must follow their parent"));
            }
        }
        Ok(model)
    }
}

/// The model compiled into the binary.
pub fn embedded() -> &'static Trees {
    static MODEL: OnceLock<Trees> = OnceLock::new();
    MODEL.get_or_init(|| {
        Trees::parse(include_str!("model.txt")).expect("the committed model.txt parses")
    })
}

/// Re-decides a plan's verdicts with `model`: a kept line the model scores below its threshold
/// is removed (`classifier:model`), a line the plan removed that the model scores above it is
/// kept. The headline stays the plan's. If the model would keep nothing the plan stands.
pub fn revise(inputs: &[Input], plan: &mut Plan, model: &Trees) {
    let rows = rows(inputs, plan);
    let mut verdicts = plan.verdicts.clone();
    let mut why = vec![None; verdicts.len()];
    for (i, v) in verdicts.iter_mut().enumerate() {
        if matches!(v, Verdict::Gone) || Some(i) == plan.headline {
            continue;
        }
        let score = model.score(&rows[i]);
        let p = 1.0 / (1.0 + (-score).exp());
        if score >= model.threshold {
            if !matches!(v, Verdict::Keep(_)) {
                *v = Verdict::Keep(format!("model: keep, p {p:.2}: {}", model.top(&rows[i], 3)));
            } else if let Verdict::Keep(class) = v {
                *class = format!("{class}; model: keep, p {p:.2}");
            }
        } else if matches!(v, Verdict::Keep(_)) {
            *v = Verdict::Remove("model");
            why[i] = Some(format!("model: drop, p {p:.2}: {}", model.top(&rows[i], 3)));
        }
    }
    let title = plan.headline.map(|h| inputs[h].text);
    let body_kept = verdicts.iter().enumerate().any(|(i, v)| {
        matches!(v, Verdict::Keep(_)) && Some(i) != plan.headline && Some(inputs[i].text) != title
    });
    if body_kept {
        plan.verdicts = verdicts;
        plan.why = why;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_model_parses() {
        let m = embedded();
        assert!(!m.trees.is_empty());
        assert_eq!(Trees::parse(&m.to_text()).expect("round trip"), *m);
    }

    #[test]
    fn list_items_and_comment_shapes() {
        assert!(list_item("12. Pack a spare battery"));
        assert!(!list_item("2019 was a year"));
        assert!(comment_shape("12. reader_name says:", 3));
        assert!(comment_shape("November 19, 2019 at 1:56 pm", 6));
        assert!(comment_shape("Reply", 1));
        assert!(!comment_shape("The council met at noon.", 5));
    }
}
