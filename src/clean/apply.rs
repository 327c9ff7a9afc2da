//! Applying compiled rules to a document's lines. Rules run one after another; each sees only
//! the lines earlier rules kept, and every line it takes is recorded with its qualified id, so
//! the first rule to remove a line is the one a user is told about.

use super::segment::{word_count, Line};
use crate::document::{Metadata, Removal, Span};
use crate::metadata::{normalize_credits, parse_date, parse_offset};
use crate::rules::matcher::Union;
use crate::rules::{Action, LiftLine, Rule, RuleFile, Scope};

/// A kept line of at least this many words counts as a body paragraph for `after_body`.
pub const BODY_MIN_WORDS: usize = 10;

/// A line while rules run: its text so far and whether it is still kept.
#[derive(Clone, Debug)]
pub struct WorkLine {
    pub number: usize,
    pub text: String,
    pub kept: bool,
    /// `word_count(text)`, counted when a scope or the headline test first asks, and again
    /// after a rewrite.
    words: std::cell::OnceCell<usize>,
    /// Where `text` stands in the document (for a rewritten line, from its first kept code
    /// point to its last).
    pub original: Span,
    /// For a line a rewrite changed: the document code point each byte of `text` came from
    /// (inserted replacement text maps to where its match began). `None` while `text` is the
    /// line as read, which maps onto `original` one code point for one.
    origins: Option<Vec<usize>>,
}

impl WorkLine {
    /// How many words `text` holds, as [`word_count`] counts them (counted once).
    pub fn words(&self) -> usize {
        *self.words.get_or_init(|| word_count(&self.text))
    }

    /// The document code point each byte of `text` came from: kept after a rewrite, made on
    /// demand before one.
    fn origins(&self) -> std::borrow::Cow<'_, [usize]> {
        if let Some(origins) = &self.origins {
            return std::borrow::Cow::Borrowed(origins);
        }
        let mut origins = Vec::with_capacity(self.text.len());
        for (k, c) in self.text.chars().enumerate() {
            origins.extend(std::iter::repeat_n(self.original.start + k, c.len_utf8()));
        }
        std::borrow::Cow::Owned(origins)
    }

    /// The document span of `text[range]` (a non-empty byte range on char boundaries), given
    /// the origins of `text`'s bytes.
    fn span_of(origins: &[usize], range: std::ops::Range<usize>) -> Span {
        Span::new(origins[range.start], origins[range.end - 1] + 1)
    }
}

/// The state cleaning works on.
#[derive(Clone, Debug, Default)]
pub struct Work {
    pub lines: Vec<WorkLine>,
    pub metadata: Metadata,
    pub removed: Vec<Removal>,
    /// How many times a rewrite changed a line's text.
    pub rewrites: usize,
    /// How many times a lift filled a metadata field.
    pub lifts: usize,
    /// While `apply_all` runs: whether pattern slot `s` matches line `i`, at
    /// `memo[s * lines.len() + i]` (0 not asked yet, 1 no, 2 yes). Rules run to a fixpoint,
    /// so most are asked about the same unchanged line again; a rewrite forgets that line.
    memo: Vec<u8>,
    /// While `apply_all` runs with unions: which patterns of union `u` match line `i`, at
    /// `union_memo[u * lines.len() + i]` (`None` not asked yet).
    union_memo: Vec<Option<u64>>,
    /// Buffers every rule application reuses (kept lines, scope, candidates).
    scratch: Scratch,
}

/// The per-rule vectors of [`Work::act`], kept between rules so that applying one allocates
/// nothing.
#[derive(Clone, Debug, Default)]
struct Scratch {
    kept: Vec<usize>,
    in_scope: Vec<bool>,
    candidates: Vec<usize>,
}

/// Which pattern of a rule a match question is about, for the memo: its index in the rule
/// list `apply_all` runs (`None` outside it), and where the rule's patterns sit in a union of
/// its file, if they do.
#[derive(Clone, Copy)]
struct Slot<'u> {
    rule: Option<usize>,
    union: Option<InUnion<'u>>,
}

/// A rule's place in a union: the union, its number among the unions `apply_all` runs, and
/// the union's index of each of the rule's two patterns.
#[derive(Clone, Copy)]
struct InUnion<'u> {
    union: &'u Union,
    number: usize,
    patterns: [Option<u8>; 2],
}

/// One pattern of a rule, for [`Work::is_match`]: its memo cell column and its union bit.
#[derive(Clone, Copy)]
struct Asked<'u> {
    cell: Option<usize>,
    union: Option<(&'u Union, usize, u8)>,
}

impl<'u> Slot<'u> {
    const NONE: Slot<'static> = Slot {
        rule: None,
        union: None,
    };

    fn pattern(self, k: usize) -> Asked<'u> {
        Asked {
            cell: self.rule.map(|r| 2 * r + k),
            union: self
                .union
                .and_then(|u| Some((u.union, u.number, u.patterns[k]?))),
        }
    }
    fn first(self) -> Asked<'u> {
        self.pattern(0)
    }
    fn second(self) -> Asked<'u> {
        self.pattern(1)
    }
}

impl Work {
    /// Starts from the input lines; blank lines are never kept (they only separate paragraphs).
    pub fn new(lines: Vec<Line>) -> Work {
        let lines = lines
            .into_iter()
            .map(|l| WorkLine {
                kept: !l.text.is_empty(),
                number: l.number,
                words: std::cell::OnceCell::new(),
                text: l.text,
                original: l.original,
                origins: None,
            })
            .collect();
        Work {
            lines,
            ..Work::default()
        }
    }

    /// Removes kept line `i`, attributed to `rule`.
    pub fn remove(&mut self, i: usize, rule: &str) {
        let line = &mut self.lines[i];
        if line.kept {
            line.kept = false;
            self.removed.push(Removal {
                line: line.number,
                original: line.original,
                text: line.text.clone(),
                rule: rule.to_string(),
                why: None,
            });
        }
    }

    /// Indexes of kept lines, in order.
    pub fn kept(&self) -> impl Iterator<Item = usize> + '_ {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.kept)
            .map(|(i, _)| i)
    }

    /// Whether `pattern` (asked as `asked`) matches kept line `i`. A pattern in a union is
    /// answered by one pass of the union over the line, which answers the union's other
    /// patterns on that line too.
    fn is_match(&mut self, asked: Asked<'_>, pattern: &regex::Regex, i: usize) -> bool {
        let n = self.lines.len();
        if let Some((union, number, bit)) = asked.union {
            let cell = number * n + i;
            let bits = match self.union_memo[cell] {
                Some(bits) => Some(bits),
                None => {
                    let bits = union.matches(&self.lines[i].text);
                    self.union_memo[cell] = bits;
                    bits
                }
            };
            if let Some(bits) = bits {
                return bits >> bit & 1 == 1;
            }
        }
        let Some(slot) = asked.cell else {
            return pattern.is_match(&self.lines[i].text);
        };
        let cell = slot * n + i;
        match self.memo[cell] {
            1 => false,
            2 => true,
            _ => {
                let matched = pattern.is_match(&self.lines[i].text);
                self.memo[cell] = 1 + u8::from(matched);
                matched
            }
        }
    }

    /// Forgets what the memos know of line `i` (its text changed).
    fn forget(&mut self, i: usize) {
        let n = self.lines.len().max(1);
        for cell in self.memo.iter_mut().skip(i).step_by(n) {
            *cell = 0;
        }
        for cell in self.union_memo.iter_mut().skip(i).step_by(n) {
            *cell = None;
        }
    }

    /// Applies rules in order, again and again until a pass changes nothing, so the result is
    /// a fixpoint: cleaning it again changes nothing. Removing a line can bring another into a
    /// rule's window or next to a headline; only such neighbour-dependent rules are re-run,
    /// unless a rewrite changed some line's text (then all are). `trace` hears after each rule
    /// whether it changed anything.
    pub fn apply_all(&mut self, rules: &[&Rule], trace: &mut dyn FnMut(&Rule, bool)) {
        let rules: Vec<(&Rule, Option<InUnion>)> = rules.iter().map(|&r| (r, None)).collect();
        self.run(&rules, 0, true, trace);
    }

    /// [`Work::apply_all`] with the rules of `files` in order, each file's line patterns matched
    /// in one pass of its union where it has one.
    pub fn apply_files(&mut self, files: &[&RuleFile], trace: &mut dyn FnMut(&Rule, bool)) {
        self.apply_files_from(files, true, trace);
    }

    /// [`Work::apply_files`] after lines were removed by something else than these rules (the
    /// classifier), when no rule has changed a line since they last ran: only the rules whose
    /// effect depends on other lines can act anew, so only they run, to a fixpoint again.
    pub fn reapply_files(&mut self, files: &[&RuleFile], trace: &mut dyn FnMut(&Rule, bool)) {
        self.apply_files_from(files, false, trace);
    }

    fn apply_files_from(
        &mut self,
        files: &[&RuleFile],
        everything: bool,
        trace: &mut dyn FnMut(&Rule, bool),
    ) {
        let mut unions = 0;
        let mut rules: Vec<(&Rule, Option<InUnion>)> = Vec::new();
        for file in files {
            let number = unions;
            unions += usize::from(file.union.is_some());
            rules.extend(file.rules.iter().enumerate().map(|(r, rule)| {
                let in_union = file.union.as_ref().map(|u| InUnion {
                    union: &u.union,
                    number,
                    patterns: u.slots[r],
                });
                (rule, in_union)
            }));
        }
        self.run(&rules, unions, everything, trace);
    }

    /// Runs `rules` (each with its place in one of `unions` unions) to a fixpoint, all of them
    /// in the first pass if `everything`, else only those that depend on neighbours until a
    /// rewrite.
    fn run(
        &mut self,
        rules: &[(&Rule, Option<InUnion>)],
        unions: usize,
        mut everything: bool,
        trace: &mut dyn FnMut(&Rule, bool),
    ) {
        self.memo.clear();
        self.memo.resize(2 * rules.len() * self.lines.len(), 0);
        self.union_memo.clear();
        self.union_memo.resize(unions * self.lines.len(), None);
        for _ in 0..=self.lines.len() {
            let (removed, rewrites) = (self.removed.len(), self.rewrites);
            for (r, (rule, union)) in rules
                .iter()
                .enumerate()
                .filter(|(_, (r, _))| everything || r.depends_on_neighbours())
            {
                let before = (self.removed.len(), self.rewrites, self.lifts);
                let slot = Slot {
                    rule: Some(r),
                    union: *union,
                };
                self.apply_in(rule, slot);
                trace(
                    rule,
                    before != (self.removed.len(), self.rewrites, self.lifts),
                );
            }
            if (removed, rewrites) == (self.removed.len(), self.rewrites) {
                break;
            }
            everything = self.rewrites != rewrites;
        }
        self.memo = Vec::new();
        self.union_memo = Vec::new();
    }

    /// Applies one rule once.
    pub fn apply(&mut self, rule: &Rule) {
        self.apply_in(rule, Slot::NONE);
    }

    fn apply_in(&mut self, rule: &Rule, slot: Slot) {
        let mut scratch = std::mem::take(&mut self.scratch);
        self.act(rule, slot, &mut scratch);
        self.scratch = scratch;
    }

    /// Applies `rule` once with `scratch` for its buffers.
    fn act(&mut self, rule: &Rule, slot: Slot, scratch: &mut Scratch) {
        let Scratch {
            kept,
            in_scope,
            candidates,
        } = scratch;
        kept.clear();
        kept.extend(self.kept());
        let kept = &*kept;
        self.scope_mask(kept, &rule.scope, in_scope);
        let in_scope = &*in_scope;
        candidates.clear();
        candidates.extend(
            kept.iter()
                .zip(in_scope)
                .filter(|(_, s)| **s)
                .map(|(i, _)| *i),
        );
        let candidates = &*candidates;
        let id = rule.qualified.as_str();
        match &rule.action {
            Action::DropLine { pattern } => {
                for &i in candidates {
                    if self.is_match(slot.first(), pattern, i) {
                        self.remove(i, id);
                    }
                }
            }
            Action::DropBlock { start, end } => {
                // For each kept line, the position in `kept` of the next line matching `end`:
                // found once, back to front, so many starts with no end stay linear.
                let mut next_end: Option<Vec<usize>> = None;
                let mut k = 0;
                while k < candidates.len() {
                    let i = candidates[k];
                    k += 1;
                    if !self.is_match(slot.first(), start, i) {
                        continue;
                    }
                    if next_end.is_none() {
                        let mut next = vec![usize::MAX; kept.len() + 1];
                        for p in (0..kept.len()).rev() {
                            next[p] = if self.is_match(slot.second(), end, kept[p]) {
                                p
                            } else {
                                next[p + 1]
                            };
                        }
                        next_end = Some(next);
                    }
                    let next_end = next_end.as_deref().expect("set above");
                    let p = kept.partition_point(|&j| j <= i);
                    if let Some(&q) = next_end.get(p).filter(|&&q| q != usize::MAX) {
                        let j = kept[q];
                        self.remove(i, id);
                        for &m in &kept[p..=q] {
                            self.remove(m, id);
                        }
                        k = candidates.partition_point(|&c| c <= j);
                    }
                }
            }
            Action::CutFrom { marker } => {
                if let Some(&i) = candidates
                    .iter()
                    .find(|&&i| self.is_match(slot.first(), marker, i))
                {
                    self.cut(kept, i, id);
                }
            }
            Action::CutAppended { label, headline } => {
                for &i in candidates {
                    if !self.is_match(slot.first(), label, i) {
                        continue;
                    }
                    let next = kept.get(kept.partition_point(|&j| j <= i)).copied();
                    let is_story = next.is_some_and(|j| match headline {
                        Some(re) => self.is_match(slot.second(), re, j),
                        None => self.lines[j].looks_like_headline(),
                    });
                    if is_story {
                        self.cut(kept, i, id);
                        break;
                    }
                }
            }
            Action::DedupeLine => {
                // One pass in line order with the texts of the kept lines seen so far.
                let mut seen = std::collections::HashSet::new();
                let mut repeated = Vec::new();
                let mut in_scope = candidates.iter().peekable();
                // Lines after the last candidate cannot make one a repeat: stop there.
                let last = candidates.last().copied().unwrap_or(0);
                for &j in kept.iter().take_while(|&&j| j <= last) {
                    let candidate = in_scope.next_if(|&&c| c == j).is_some();
                    let text = self.lines[j].text.as_str();
                    if candidate && seen.contains(text) {
                        repeated.push(j);
                    } else {
                        seen.insert(text);
                    }
                }
                for j in repeated {
                    self.remove(j, id);
                }
            }
            Action::Rewrite { pattern, replace } => {
                for &i in candidates {
                    if !self.is_match(slot.first(), pattern, i) {
                        continue;
                    }
                    let line = &self.lines[i];
                    let origins = line.origins();
                    let rewritten = rewrite(&line.text, &origins, pattern, replace);
                    if rewritten.text.is_empty() {
                        self.remove(i, id);
                        continue;
                    }
                    let number = line.number;
                    let cut: Vec<Removal> = pattern
                        .find_iter(&line.text)
                        .filter_map(|m| {
                            let trimmed = m.as_str().trim();
                            let start =
                                m.start() + (m.as_str().len() - m.as_str().trim_start().len());
                            (!trimmed.is_empty()).then(|| Removal {
                                line: number,
                                original: WorkLine::span_of(&origins, start..start + trimmed.len()),
                                text: trimmed.to_string(),
                                rule: id.to_string(),
                                why: None,
                            })
                        })
                        .collect();
                    self.removed.extend(cut);
                    let line = &mut self.lines[i];
                    line.words = std::cell::OnceCell::new();
                    line.original = WorkLine::span_of(&rewritten.origins, 0..rewritten.text.len());
                    line.text = rewritten.text;
                    line.origins = Some(rewritten.origins);
                    self.forget(i);
                    self.rewrites += 1;
                }
            }
            Action::Lift {
                pattern,
                line,
                keep,
                timezone,
                captor,
            } => {
                let offset = timezone.as_deref().and_then(parse_offset);
                let candidates = match line {
                    // A positional lift claims a line only by where it stands, so it stands
                    // down once its fields are known: otherwise cleaning a cleaned document
                    // would take its headline for the section it already lifted.
                    LiftLine::First if self.fields_known(pattern) => &[][..],
                    LiftLine::First if in_scope.first() == Some(&true) => {
                        &kept[..kept.len().min(1)]
                    }
                    LiftLine::First => &[][..],
                    LiftLine::Any => candidates,
                };
                // A union or the DFA answers "does it match" far faster than `regex`'s capture
                // engine; a captor answers both at once.
                let ask_first =
                    !candidates.is_empty() && (slot.first().union.is_some() || !captor.applies());
                for &i in candidates {
                    if ask_first && !self.is_match(slot.first(), pattern, i) {
                        continue;
                    }
                    let text = self.lines[i].text.as_str();
                    let groups = match captor.captures(text) {
                        Some(groups) => groups,
                        None => pattern.captures(text).map(|caps| {
                            pattern
                                .capture_names()
                                .flatten()
                                .map(|name| (name, caps.name(name).map(|m| m.as_str())))
                                .collect()
                        }),
                    };
                    let Some(groups) = groups else {
                        continue;
                    };
                    let meta = &mut self.metadata;
                    for (name, value) in groups {
                        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
                            continue;
                        };
                        let slot = match name {
                            "title" => &mut meta.title,
                            "section" => &mut meta.section,
                            "author" => &mut meta.author,
                            "published" => &mut meta.published,
                            "updated" => &mut meta.updated,
                            "credit" => {
                                for c in normalize_credits(value) {
                                    if !meta.credits.contains(&c) {
                                        meta.credits.push(c);
                                        self.lifts += 1;
                                    }
                                }
                                continue;
                            }
                            _ => continue,
                        };
                        if slot.is_none() {
                            self.lifts += 1;
                            *slot = Some(match name {
                                "published" | "updated" => {
                                    parse_date(value, offset).unwrap_or_else(|| value.to_string())
                                }
                                _ => value.to_string(),
                            });
                        }
                    }
                    if !keep {
                        self.remove(i, id);
                    }
                }
            }
        }
    }

    /// Whether every field `pattern` captures already has a value (credits never count as known).
    fn fields_known(&self, pattern: &regex::Regex) -> bool {
        let m = &self.metadata;
        pattern.capture_names().flatten().all(|name| match name {
            "title" => m.title.is_some(),
            "section" => m.section.is_some(),
            "author" => m.author.is_some(),
            "published" => m.published.is_some(),
            "updated" => m.updated.is_some(),
            _ => false,
        })
    }

    /// Removes every kept line from `i` to the end.
    fn cut(&mut self, kept: &[usize], i: usize, id: &str) {
        for &j in kept.iter().filter(|&&j| j >= i) {
            self.remove(j, id);
        }
    }

    /// Which of the `kept` lines a scope admits, into `mask`.
    fn scope_mask(&self, kept: &[usize], scope: &Scope, mask: &mut Vec<bool>) {
        mask.clear();
        if scope.is_unlimited() {
            mask.resize(kept.len(), true);
            return;
        }
        let mut body_before = 0;
        // Words are counted only for lines a limit asks about.
        mask.extend(kept.iter().enumerate().map(|(ordinal, &i)| {
            let line = &self.lines[i];
            let ok = scope.first_lines.is_none_or(|n| ordinal < n)
                && scope.after_body.is_none_or(|n| body_before >= n)
                && scope.min_words.is_none_or(|n| line.words() >= n)
                && scope.max_words.is_none_or(|n| line.words() <= n)
                && (!scope.followed_by_headline
                    || kept
                        .get(ordinal + 1)
                        .is_some_and(|&j| self.lines[j].looks_like_headline()));
            if scope.after_body.is_some() && line.words() >= BODY_MIN_WORDS {
                body_before += 1;
            }
            ok
        }));
    }
}

/// A line's text after a rewrite, with the document code point of each of its bytes.
struct Rewritten {
    text: String,
    origins: Vec<usize>,
}

/// `pattern.replace_all(text, replace)` trimmed, as [`regex::Regex::replace_all`] expands
/// `replace`, keeping track of where each byte of the result came from.
fn rewrite(text: &str, origins: &[usize], pattern: &regex::Regex, replace: &str) -> Rewritten {
    let mut out = String::with_capacity(text.len());
    let mut out_origins = Vec::with_capacity(text.len());
    let mut copied = 0;
    for caps in pattern.captures_iter(text) {
        let m = caps.get(0).expect("group 0 always matches");
        out.push_str(&text[copied..m.start()]);
        out_origins.extend_from_slice(&origins[copied..m.start()]);
        caps.expand(replace, &mut out);
        let at = origins
            .get(m.start())
            .or(origins.last())
            .copied()
            .unwrap_or(0);
        out_origins.resize(out.len(), at);
        copied = m.end();
    }
    out.push_str(&text[copied..]);
    out_origins.extend_from_slice(&origins[copied..]);
    let start = out.len() - out.trim_start().len();
    let end = out.trim_end().len().max(start);
    Rewritten {
        text: out[start..end].to_string(),
        origins: out_origins[start..end].to_vec(),
    }
}

impl WorkLine {
    /// A headline: 3 to 25 words, starting with a capital or digit, not ending like a
    /// sentence.
    fn looks_like_headline(&self) -> bool {
        let text = &self.text;
        (3..=25).contains(&self.words())
            && text
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "‘“'\"".contains(c))
            && !text.ends_with(['.', ',', ';', ':'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::segment::split_lines;
    use crate::rules::validate;
    use std::path::Path;

    fn run(rules: &str, text: &str) -> Work {
        let file = validate(
            Path::new("t.toml"),
            &format!("[site]\nname = \"t\"\n{rules}"),
        )
        .expect("valid rules");
        let mut work = Work::new(split_lines(text));
        for rule in &file.rules {
            work.apply(rule);
        }
        work
    }

    fn kept(work: &Work) -> Vec<&str> {
        work.lines
            .iter()
            .filter(|l| l.kept)
            .map(|l| l.text.as_str())
            .collect()
    }

    const BODY: &str = "This sentence is a body paragraph with more than ten words in it.";

    #[test]
    fn drop_block_inclusive() {
        let w = run(
            "[[rule]]\nid = \"b\"\naction = \"drop_block\"\nstart = '^BEGIN$'\nend = '^END$'\n",
            "keep\nBEGIN\nx\nEND\nkeep too\nBEGIN\nno end",
        );
        assert_eq!(kept(&w), ["keep", "keep too", "BEGIN", "no end"]);
        assert!(w.removed.iter().all(|r| r.rule == "t:b"));
    }

    #[test]
    fn cut_from_respects_guard() {
        let text = format!("Comments\n{BODY}\n{BODY}\nComments\ntail");
        let w = run(
            "[[rule]]\nid = \"c\"\naction = \"cut_from\"\nmarker = '^Comments$'\nafter_body = 2\n",
            &text,
        );
        assert_eq!(kept(&w), ["Comments", BODY, BODY]);
    }

    #[test]
    fn cut_appended_needs_headline() {
        let text = format!("{BODY}\nSPORT\n{BODY}\nWORLD\nA new story begins here today\n{BODY}");
        let w = run(
            "[[rule]]\nid = \"a\"\naction = \"cut_appended\"\nlabel = '^[A-Z]+$'\nafter_body = 1\n",
            &text,
        );
        assert_eq!(kept(&w), [BODY, "SPORT", BODY]);
    }

    #[test]
    fn rewrite_records_cut_span() {
        let w = run(
            "[[rule]]\nid = \"r\"\naction = \"rewrite\"\npattern = '\\s*Click To Tweet'\n",
            "Less stress.Click To Tweet\nClick To Tweet",
        );
        assert_eq!(kept(&w), ["Less stress."]);
        assert_eq!(w.removed.len(), 2);
        assert_eq!(w.removed[0].text, "Click To Tweet");
    }

    #[test]
    fn lift_first_line_only() {
        let w = run(
            "[[rule]]\nid = \"s\"\naction = \"lift\"\nline = \"first\"\npattern = '^(?P<section>[A-Z][a-z]+)$'\n",
            "Europe\nAsia",
        );
        assert_eq!(w.metadata.section.as_deref(), Some("Europe"));
        assert_eq!(kept(&w), ["Asia"]);
    }

    #[test]
    fn dedupe_keeps_first() {
        let w = run(
            "[[rule]]\nid = \"d\"\naction = \"dedupe_line\"\nfirst_lines = 3\n",
            "Head\nx\nHead\nHead",
        );
        assert_eq!(kept(&w), ["Head", "x", "Head"]);
    }
}
