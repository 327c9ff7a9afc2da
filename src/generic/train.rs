//! Training the line model: labels from a page's gold text, gradient-boosted trees fitted to
//! labelled rows, and the word-overlap score the evaluation uses. No I/O: the trainer
//! (`examples/train_model.rs`) reads the pages and writes the model; tests train on a few.
//!
//! The trees are the usual second-order boosting of the logistic loss (as in XGBoost): each
//! tree is grown greedily, level by level, on feature values cut into at most [`BINS`]
//! quantile bins; a leaf's value is the Newton step `-G / (H + λ)` scaled by the learning rate.
//! Each split node keeps the value it would have as a leaf, so a decision can be explained
//! ([`super::model::Trees::explain`]).

use super::model::{leaf, Node, Row, Trees, WIDTH};
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Quantile bins per feature.
pub const BINS: usize = 32;

/// How the trees are grown.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    pub trees: usize,
    pub depth: usize,
    pub rate: f32,
    /// L2 penalty on leaf values.
    pub lambda: f32,
    /// Least hessian mass in a child.
    pub min_child: f32,
    /// Share of rows each tree sees (a fixed pattern per tree, so training is deterministic).
    pub subsample: f32,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            trees: 150,
            depth: 4,
            rate: 0.15,
            lambda: 1.0,
            min_child: 2.0,
            subsample: 0.5,
        }
    }
}

fn word_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\w+").expect("a valid pattern"))
}

/// Lowercased `\w+` tokens of `text`, as the scorer counts them.
pub fn tokens(text: &str) -> Vec<String> {
    word_re()
        .find_iter(&text.to_lowercase())
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Labels lines of a page against its gold text: a line belongs to the article when its
/// tokens occur, in order and together, in the gold. A long line (eight tokens or more) must
/// also come after the last long line matched: a paragraph printed a second time is not the
/// article twice.
pub fn label(lines: &[&str], gold: &str) -> Vec<bool> {
    let gold = format!(" {} ", tokens(gold).join(" "));
    let mut cursor = 0;
    lines
        .iter()
        .map(|line| {
            let t = tokens(line);
            if t.is_empty() {
                return false;
            }
            let needle = format!(" {} ", t.join(" "));
            if t.len() < 8 {
                return gold.contains(&needle);
            }
            match gold[cursor..].find(&needle) {
                Some(at) => {
                    cursor += at + needle.len() - 1;
                    true
                }
                None => false,
            }
        })
        .collect()
}

/// Precision (None for empty output) and recall of `output` against `gold`, on token bags.
pub fn page_score(output: &str, gold: &str) -> (Option<f64>, f64) {
    let bag = |t: &str| {
        let mut m: HashMap<String, usize> = HashMap::new();
        for w in tokens(t) {
            *m.entry(w).or_default() += 1;
        }
        m
    };
    let (o, g) = (bag(output), bag(gold));
    let tp: usize = o
        .iter()
        .map(|(w, &n)| n.min(g.get(w).copied().unwrap_or(0)))
        .sum();
    let (no, ng): (usize, usize) = (o.values().sum(), g.values().sum());
    let p = (no > 0).then(|| tp as f64 / no as f64);
    let r = if ng > 0 { tp as f64 / ng as f64 } else { 1.0 };
    (p, r)
}

/// The scorer's summary of page scores: mean P over non-empty pages, mean R, F1 of the means,
/// mean per-page F1, empty pages.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub p: f64,
    pub r: f64,
    pub f1: f64,
    pub doc_f1: f64,
    pub empty: usize,
    pub pages: usize,
}

pub fn summary(scores: &[(Option<f64>, f64)]) -> Summary {
    let ps: Vec<f64> = scores.iter().filter_map(|s| s.0).collect();
    let p = if ps.is_empty() {
        0.0
    } else {
        ps.iter().sum::<f64>() / ps.len() as f64
    };
    let r = if scores.is_empty() {
        0.0
    } else {
        scores.iter().map(|s| s.1).sum::<f64>() / scores.len() as f64
    };
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    let doc: f64 = scores
        .iter()
        .map(|&(p, r)| match p {
            Some(p) if p > 0.0 && r > 0.0 => 2.0 * p * r / (p + r),
            _ => 0.0,
        })
        .sum();
    Summary {
        p,
        r,
        f1,
        doc_f1: if scores.is_empty() {
            0.0
        } else {
            doc / scores.len() as f64
        },
        empty: scores.iter().filter(|s| s.0.is_none()).count(),
        pages: scores.len(),
    }
}

/// Cut points of each feature: up to [`BINS`]` - 1` values; bin `b` holds values `<= cut[b]`
/// (and above the cut before), the last bin what is above every cut.
fn cuts(rows: &[Row]) -> Vec<Vec<f32>> {
    (0..WIDTH)
        .map(|f| {
            let mut v: Vec<f32> = rows.iter().map(|r| r[f]).collect();
            v.sort_by(f32::total_cmp);
            v.dedup();
            if v.len() <= BINS {
                // Every distinct value but the largest is a cut.
                v.pop();
                return v;
            }
            let mut out: Vec<f32> = (1..BINS).map(|b| v[b * v.len() / BINS]).collect::<Vec<_>>();
            out.dedup();
            out
        })
        .collect()
}

fn bin_of(cuts: &[f32], x: f32) -> u8 {
    cuts.partition_point(|&c| c < x) as u8
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Fits trees to `rows` labelled `labels`; the threshold is left at 0 (p 0.5).
pub fn fit(rows: &[Row], labels: &[bool], params: Params) -> Trees {
    fit_weighted(rows, labels, &vec![1.0; rows.len()], params)
}

/// [`fit`] with a weight per row (a page's lines can count more than another's).
pub fn fit_weighted(rows: &[Row], labels: &[bool], weights: &[f32], params: Params) -> Trees {
    assert_eq!(rows.len(), labels.len(), "one label per row");
    assert_eq!(rows.len(), weights.len(), "one weight per row");
    let n = rows.len();
    let cuts = cuts(rows);
    let binned: Vec<[u8; WIDTH]> = rows
        .iter()
        .map(|r| {
            let mut b = [0u8; WIDTH];
            for f in 0..WIDTH {
                b[f] = bin_of(&cuts[f], r[f]);
            }
            b
        })
        .collect();
    let positives = labels.iter().filter(|&&y| y).count() as f32;
    let base = ((positives + 1.0) / (n as f32 - positives + 1.0)).ln();
    let mut model = Trees {
        bias: base,
        threshold: 0.0,
        trees: Vec::with_capacity(params.trees),
    };
    let mut score = vec![base; n];
    let (mut g, mut h) = (vec![0f32; n], vec![0f32; n]);
    for t in 0..params.trees {
        for i in 0..n {
            let p = sigmoid(score[i]);
            g[i] = weights[i] * (p - if labels[i] { 1.0 } else { 0.0 });
            h[i] = weights[i] * (p * (1.0 - p)).max(1e-6);
        }
        let sample: Vec<u32> = (0..n as u32)
            .filter(|&i| keep_in_sample(i, t, params.subsample))
            .collect();
        let tree = grow(&binned, &cuts, &g, &h, sample, params);
        for i in 0..n {
            score[i] += leaf(&tree, &rows[i]);
        }
        model.trees.push(tree);
    }
    model
}

fn keep_in_sample(i: u32, t: usize, share: f32) -> bool {
    let mut x = u64::from(i) ^ (t as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x % 1000) as f32 / 1000.0 < share
}

/// Sums of gradients and hessians per feature and bin.
type Hist = Vec<[(f32, f32); BINS]>;

fn histogram(binned: &[[u8; WIDTH]], g: &[f32], h: &[f32], idx: &[u32]) -> Hist {
    let mut hist = vec![[(0f32, 0f32); BINS]; WIDTH];
    for &i in idx {
        let (gi, hi) = (g[i as usize], h[i as usize]);
        let row = &binned[i as usize];
        for f in 0..WIDTH {
            let cell = &mut hist[f][row[f] as usize];
            cell.0 += gi;
            cell.1 += hi;
        }
    }
    hist
}

/// Grows one tree over the rows in `sample`, breadth first, so children follow parents.
fn grow(
    binned: &[[u8; WIDTH]],
    cuts: &[Vec<f32>],
    g: &[f32],
    h: &[f32],
    sample: Vec<u32>,
    params: Params,
) -> Vec<Node> {
    let value = |gs: f32, hs: f32| -gs / (hs + params.lambda) * params.rate;
    let sums = |idx: &[u32]| {
        idx.iter().fold((0f32, 0f32), |(a, b), &i| {
            (a + g[i as usize], b + h[i as usize])
        })
    };
    let (g0, h0) = sums(&sample);
    let mut nodes = vec![Node {
        feature: None,
        threshold: 0.0,
        left: 0,
        right: 0,
        value: value(g0, h0),
    }];
    // (node, rows, depth, histogram of those rows): a child's histogram is made by scanning
    // the smaller child and subtracting it from the parent's for the other.
    let mut queue = std::collections::VecDeque::from([(0usize, sample, 0usize, None::<Hist>)]);
    while let Some((at, idx, depth, hist)) = queue.pop_front() {
        if depth >= params.depth || idx.len() < 4 {
            continue;
        }
        let hist = hist.unwrap_or_else(|| histogram(binned, g, h, &idx));
        let (gs, hs) = hist[0]
            .iter()
            .fold((0f32, 0f32), |(a, b), c| (a + c.0, b + c.1));
        let parent = gs * gs / (hs + params.lambda);
        let mut best: Option<(f32, usize, usize)> = None;
        for f in 0..WIDTH {
            let (mut gl, mut hl) = (0f32, 0f32);
            for (b, cell) in hist[f].iter().enumerate().take(cuts[f].len()) {
                gl += cell.0;
                hl += cell.1;
                let (gr, hr) = (gs - gl, hs - hl);
                if hl < params.min_child || hr < params.min_child {
                    continue;
                }
                let gain = gl * gl / (hl + params.lambda) + gr * gr / (hr + params.lambda) - parent;
                if gain > 1e-3 && best.is_none_or(|(bg, _, _)| gain > bg) {
                    best = Some((gain, f, b));
                }
            }
        }
        let Some((_, f, b)) = best else {
            continue;
        };
        let (left, right): (Vec<u32>, Vec<u32>) = idx
            .into_iter()
            .partition(|&i| binned[i as usize][f] as usize <= b);
        let (lg, lh) = sums(&left);
        let (rg, rh) = sums(&right);
        let l = nodes.len();
        for v in [value(lg, lh), value(rg, rh)] {
            nodes.push(Node {
                feature: None,
                threshold: 0.0,
                left: 0,
                right: 0,
                value: v,
            });
        }
        nodes[at].feature = Some(f);
        nodes[at].threshold = cuts[f][b];
        nodes[at].left = l;
        nodes[at].right = l + 1;
        let (lh_, rh_) = if depth + 1 < params.depth {
            let small_left = left.len() <= right.len();
            let small = histogram(binned, g, h, if small_left { &left } else { &right });
            let mut other = hist;
            for (of, sf) in other.iter_mut().zip(&small) {
                for (o, s) in of.iter_mut().zip(sf) {
                    o.0 -= s.0;
                    o.1 -= s.1;
                }
            }
            if small_left {
                (Some(small), Some(other))
            } else {
                (Some(other), Some(small))
            }
        } else {
            (None, None)
        };
        queue.push_back((l, left, depth + 1, lh_));
        queue.push_back((l + 1, right, depth + 1, rh_));
    }
    nodes
}

/// Mean logistic loss of `model` on rows.
pub fn loss(model: &Trees, rows: &[Row], labels: &[bool]) -> f64 {
    let total: f64 = rows
        .iter()
        .zip(labels)
        .map(|(r, &y)| {
            let p = f64::from(sigmoid(model.score(r))).clamp(1e-9, 1.0 - 1e-9);
            if y {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum();
    total / rows.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_gold() {
        let gold = "The fares rise in April.\n\nThe council will vote on it, the mayor said on Monday night.";
        let lines = [
            "Home",
            "The fares rise in April.",
            "The council will vote on it, the mayor said on Monday night.",
            "The council will vote on it, the mayor said on Monday night.",
        ];
        assert_eq!(label(&lines, gold), [false, true, true, false]);
    }

    #[test]
    fn trees_learn_a_split() {
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for i in 0..400 {
            let mut r = [0.0; WIDTH];
            r[8] = (i % 20) as f32;
            rows.push(r);
            labels.push(i % 20 >= 10);
        }
        let m = fit(&rows, &labels, Params::default());
        assert!(loss(&m, &rows, &labels) < 0.1);
        assert!(m.score(&rows[15]) > 0.0 && m.score(&rows[3]) < 0.0);
    }

    #[test]
    fn scores_as_the_scorer() {
        let (p, r) = page_score("a b c", "a b d e");
        assert_eq!(p, Some(2.0 / 3.0));
        assert_eq!(r, 0.5);
        let s = summary(&[(p, r), (None, 0.0)]);
        assert_eq!(s.empty, 1);
    }
}
