//! The word model: a bigram chain over the body text of the five samples in
//! `samples/`, with names, places, numbers and newspapers replaced by slots
//! that each article fills from its own cast. Quote marks are stripped during
//! training and put back by `text.rs`, so every generated quote is balanced.
//!
//! The samples hold about 3,000 words, so many words occur once and a plain
//! bigram chain would replay whole sample sentences. At such a word the chain
//! sometimes backs off to the successors of another word of the same shape
//! (past participle, gerund, adverb, plural, capitalised, ...), which keeps
//! the output sentence-like but stops long verbatim replays that would look
//! like copied paragraphs to a near-duplicate detector.

use super::rng::Rng;

const SAMPLES: [&str; 5] = [
    include_str!("../../samples/scmp-nk-diplomat.txt"),
    include_str!("../../samples/theblaze-nk-ambassador.txt"),
    include_str!("../../samples/dailybeast-nk-ambassador.txt"),
    include_str!("../../samples/thelocal-nk-diplomat.txt"),
    include_str!("../../samples/blog-nk-ambassador-asylum.txt"),
];

/// What a slot token stands for; filled per article by `text::Ctx`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Slot {
    Person,
    Surname,
    Num,
    Year,
    /// Country `i` of the article's three (0 = host, 1 = subject, 2 = neighbour).
    Country(u8),
    CountryAdj(u8),
    Capital(u8),
    Paper,
    Agency,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Kind {
    Word,
    /// Glued to the previous token: `, . ; : ? ! ) 's`.
    Glued,
    /// `(`: no space after.
    Open,
    Slot(Slot),
}

pub struct Tok {
    pub text: String,
    /// US spelling of `text`, if it differs (`agonising` -> `agonizing`).
    pub us: Option<String>,
    /// UK spelling of `text`, if it differs.
    pub uk: Option<String>,
    pub kind: Kind,
    pub ends: bool,
    class: u8,
}

pub struct Model {
    pub toks: Vec<Tok>,
    succ_at: Vec<u32>,
    succ: Vec<u32>,
    starts: Vec<u32>,
    /// Token occurrences grouped by shape class, for back-off jumps.
    classes: Vec<Vec<u32>>,
    pub period: u32,
    /// Chance of backing off at a word with at most `backoff_below` successor occurrences.
    backoff: f64,
    backoff_below: usize,
}

const SPELLING: &[(&str, &str)] = &[
    ("agonising", "agonizing"),
    ("criticised", "criticized"),
    ("organised", "organized"),
    ("Organisation", "Organization"),
    ("favourable", "favorable"),
    ("recognised", "recognized"),
    ("defence", "defense"),
    ("programme", "program"),
    ("centre", "center"),
    ("realised", "realized"),
    ("apologised", "apologized"),
    ("emphasised", "emphasized"),
];

/// Multi-word phrases replaced by slots before training (longest first).
fn phrase_slots() -> Vec<(Vec<&'static str>, Slot)> {
    use Slot::*;
    let persons = [
        "Jo Song Gil",
        "Jo Song-gil",
        "Kim Min-ki",
        "Seo Dong-goo",
        "Thae Yong-ho",
        "Thae Yong Ho",
        "Mun Jong Nam",
        "Mun Jong-nam",
        "Ko Yong-hwan",
        "Hyon Song-il",
        "Jang Sung-gil",
        "Kim Jong Un",
        "Kim Jong-un",
        "Matteo Salvini",
        "Matteo Piantedosi",
        "Antonio Tajani",
        "Alfredo Mantovano",
        "Enzo Moavero Milanesi",
        "Mike Pompeo",
        "John Bolton",
        "Giuseppe Conte",
        "Grant Montgomery",
    ];
    let surnames = [
        "Jo",
        "Thae",
        "Thai",
        "Tajani",
        "Trump",
        "Kim",
        "Salvini",
        "Mantovano",
        "Pompeo",
    ];
    let mut v: Vec<(Vec<&'static str>, Slot)> = Vec::new();
    for p in persons {
        v.push((p.split(' ').collect(), Person));
    }
    for s in surnames {
        v.push((vec![s], Surname));
    }
    let places: &[(&str, Slot)] = &[
        ("North Korean", CountryAdj(1)),
        ("North Korea", Country(1)),
        ("South Korean", CountryAdj(2)),
        ("South Korea", Country(2)),
        ("Italian", CountryAdj(0)),
        ("Italy", Country(0)),
        ("Rome", Capital(0)),
        ("Pyongyang", Capital(1)),
        ("Seoul", Capital(2)),
        ("Joongang Ilbo", Paper),
        ("JoongAng Ilbo", Paper),
        ("Joong Ang Libo", Paper),
        ("La Repubblica", Paper),
        ("JoongAng", Paper),
        ("Joongang", Paper),
        ("Yonhap", Paper),
        ("AFP", Agency),
        ("Reuters", Agency),
        ("Ansa", Agency),
    ];
    for (p, s) in places {
        v.push((p.split(' ').collect(), *s));
    }
    v.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
    v
}

/// Lines of the samples that are article prose (long, not comment or tip-jar text).
fn training_lines() -> Vec<String> {
    let mut out = Vec::new();
    for s in SAMPLES {
        for line in s.lines() {
            let line = line.replace('\u{a0}', " ");
            let words = line.split_whitespace().count();
            if words < 12 {
                continue;
            }
            if [
                "Akismet",
                "tip",
                "[…]",
                "Photo:",
                "READ ALSO",
                "reference to",
                "subscriber",
                "posted in",
                "Required fields",
                "Blaze Media",
            ]
            .iter()
            .any(|b| line.contains(b))
            {
                continue;
            }
            let line = line.replace("ROME—", "").replace(['[', ']', '•'], "");
            out.push(line.trim().to_string());
        }
    }
    out
}

/// Raw token before interning: text plus kind.
fn tokenize(line: &str, out: &mut Vec<(String, Kind)>) {
    let is_quote = |c: char| matches!(c, '“' | '”' | '"' | '‘');
    for raw in line.split_whitespace() {
        let mut w: &str = raw;
        let mut pre = Vec::new();
        while let Some(c) = w.chars().next() {
            if is_quote(c) {
                w = &w[c.len_utf8()..];
            } else if c == '(' {
                pre.push(("(".to_string(), Kind::Open));
                w = &w[1..];
            } else {
                break;
            }
        }
        let mut post = Vec::new();
        let is_abbrev = |w: &str| {
            let t = w.trim_end_matches(['”', '"', '’']);
            t.len() >= 4
                && t.ends_with('.')
                && t.chars().all(|c| c == '.' || c.is_ascii_uppercase())
        };
        if !is_abbrev(w) {
            while let Some(c) = w.chars().next_back() {
                if is_quote(c) || c == '’' || c == '\'' {
                    w = &w[..w.len() - c.len_utf8()];
                } else if matches!(c, ',' | '.' | ';' | ':' | '?' | '!' | ')') {
                    post.push((c.to_string(), Kind::Glued));
                    w = &w[..w.len() - 1];
                } else {
                    break;
                }
            }
        } else {
            w = w.trim_end_matches(['”', '"', '’']);
        }
        post.reverse();
        out.extend(pre);
        if !w.is_empty() {
            let w = w.replace('’', "'");
            if let Some(base) = w.strip_suffix("'s").filter(|b| !b.is_empty()) {
                out.push((base.to_string(), Kind::Word));
                out.push(("'s".to_string(), Kind::Glued));
            } else {
                out.push((w, Kind::Word));
            }
        }
        out.extend(post);
    }
}

fn substitute(toks: Vec<(String, Kind)>, phrases: &[(Vec<&str>, Slot)]) -> Vec<(String, Kind)> {
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    'outer: while i < toks.len() {
        for (p, slot) in phrases {
            if i + p.len() <= toks.len()
                && p.iter()
                    .zip(&toks[i..])
                    .all(|(a, (b, k))| *k == Kind::Word && a == b)
            {
                out.push((format!("@{slot:?}"), Kind::Slot(*slot)));
                i += p.len();
                continue 'outer;
            }
        }
        let (w, k) = &toks[i];
        if *k == Kind::Word && w.bytes().all(|b| b.is_ascii_digit()) {
            let year = w.len() == 4 && (w.starts_with("19") || w.starts_with("20"));
            let s = if year { Slot::Year } else { Slot::Num };
            out.push((format!("@{s:?}"), Kind::Slot(s)));
        } else {
            out.push(toks[i].clone());
        }
        i += 1;
    }
    out
}

fn shape_class(text: &str, kind: Kind) -> u8 {
    match kind {
        Kind::Glued | Kind::Open => 0,
        Kind::Slot(Slot::Person | Slot::Surname) => 1,
        Kind::Slot(_) => 2,
        Kind::Word => {
            if text.chars().next().is_some_and(char::is_uppercase) {
                3
            } else if text.ends_with("ed") {
                4
            } else if text.ends_with("ing") {
                5
            } else if text.ends_with("ly") {
                6
            } else if text.ends_with('s') {
                7
            } else {
                8
            }
        }
    }
}

impl Model {
    pub fn train(backoff: f64, backoff_below: usize) -> Model {
        let phrases = phrase_slots();
        let mut toks: Vec<Tok> = Vec::new();
        let mut index = std::collections::HashMap::<(String, Kind), u32>::new();
        let mut intern = |text: &str, kind: Kind, toks: &mut Vec<Tok>| -> u32 {
            *index.entry((text.to_string(), kind)).or_insert_with(|| {
                let us = SPELLING
                    .iter()
                    .find(|(uk, _)| *uk == text)
                    .map(|(_, us)| us.to_string());
                let uk = SPELLING
                    .iter()
                    .find(|(_, us)| *us == text)
                    .map(|(uk, _)| uk.to_string());
                toks.push(Tok {
                    text: text.to_string(),
                    us,
                    uk,
                    kind,
                    ends: matches!(text, "." | "?" | "!") && kind == Kind::Glued,
                    class: shape_class(text, kind),
                });
                (toks.len() - 1) as u32
            })
        };
        let period = intern(".", Kind::Glued, &mut toks);
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut starts = Vec::new();
        let mut occurrences = Vec::new();
        for line in training_lines() {
            let mut raw = Vec::new();
            tokenize(&line, &mut raw);
            let raw = substitute(raw, &phrases);
            let mut ids: Vec<u32> = raw.iter().map(|(t, k)| intern(t, *k, &mut toks)).collect();
            if !ids.last().is_some_and(|&t| toks[t as usize].ends) {
                ids.push(period);
            }
            let mut at_start = true;
            for (i, &t) in ids.iter().enumerate() {
                if at_start && toks[t as usize].kind != Kind::Glued {
                    starts.push(t);
                }
                at_start = toks[t as usize].ends;
                occurrences.push(t);
                if let Some(&n) = ids.get(i + 1) {
                    if !toks[t as usize].ends {
                        pairs.push((t, n));
                    }
                }
            }
        }
        pairs.sort_unstable();
        let mut succ_at = vec![0u32; toks.len() + 1];
        for &(a, _) in &pairs {
            succ_at[a as usize + 1] += 1;
        }
        for i in 0..toks.len() {
            succ_at[i + 1] += succ_at[i];
        }
        let succ = pairs.iter().map(|&(_, b)| b).collect();
        let mut classes = vec![Vec::new(); 9];
        for &t in &occurrences {
            let tok = &toks[t as usize];
            if tok.kind != Kind::Glued && !tok.ends {
                classes[tok.class as usize].push(t);
            }
        }
        Model {
            toks,
            succ_at,
            succ,
            starts,
            classes,
            period,
            backoff,
            backoff_below,
        }
    }

    fn successors(&self, t: u32) -> &[u32] {
        &self.succ[self.succ_at[t as usize] as usize..self.succ_at[t as usize + 1] as usize]
    }

    fn next(&self, rng: &mut Rng, cur: u32) -> u32 {
        let mut from = cur;
        let n = self.successors(cur).len();
        if n <= self.backoff_below && rng.chance(self.backoff) {
            let class = &self.classes[self.toks[cur as usize].class as usize];
            if !class.is_empty() {
                let other = *rng.pick(class);
                if !self.successors(other).is_empty() {
                    from = other;
                }
            }
        }
        let s = self.successors(from);
        if s.is_empty() {
            self.period
        } else {
            *rng.pick(s)
        }
    }

    /// One sentence of `min..=max`-ish tokens, ending with `.`, `?` or `!`.
    pub fn sentence(&self, rng: &mut Rng, out: &mut Vec<u32>, min: usize, max: usize) {
        for _attempt in 0..30 {
            out.clear();
            let mut cur = *rng.pick(&self.starts);
            out.push(cur);
            while !self.toks[cur as usize].ends {
                if out.len() >= max {
                    let tok = &self.toks[cur as usize];
                    let stop = out.len() >= max + 10
                        || (tok.kind == Kind::Word && tok.text.len() > 4)
                        || matches!(tok.kind, Kind::Slot(_));
                    if stop {
                        while out.len() > 1
                            && self.toks[*out.last().unwrap() as usize].kind != Kind::Word
                            && !matches!(
                                self.toks[*out.last().unwrap() as usize].kind,
                                Kind::Slot(_)
                            )
                        {
                            out.pop();
                        }
                        out.push(self.period);
                        break;
                    }
                }
                cur = self.next(rng, cur);
                out.push(cur);
            }
            if out.len() >= min {
                return;
            }
        }
    }
}
