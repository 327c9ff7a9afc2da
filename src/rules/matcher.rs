//! Faster engines for two questions the cleaner asks of rule patterns millions of times: which
//! of a file's many line patterns match a line ([`Union`]), and what the named groups of a
//! `lift` pattern hold ([`Captor`]).
//!
//! `regex::Regex` answers both, one pattern and one call at a time. On the generic rule file
//! that is some 20 calls a line, several of them patterns that scan the whole line (captions,
//! credits, cookie notices); one lazy DFA built from all of them answers in one pass over the
//! line: 3x faster than 21 `regex` calls a line in a microbenchmark, and in the cleaner, which
//! asks each pattern only of lines in its rule's scope, 36% fewer matching instructions once
//! its states are built (docs/performance.md, 2026-12-07).
//! For captures, `regex` falls back to a bounded backtracker whose visited set it clears on
//! every call, which for `\S.{9,300}` (the title lifts) is most of the cost; such patterns are
//! one-pass, and a one-pass DFA captures in one forward scan with nothing to clear.
//!
//! Both engines give exactly `regex`'s answers (same syntax, same leftmost-first groups); they
//! are built only where they apply, and the cleaner falls back to the `regex` call otherwise.

use regex_automata::dfa::onepass;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, MatchKind, PatternSet};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A file needs at least this many line patterns for a [`Union`] to pay: with a handful, most
/// of them anchored (`^Posted on`), one `regex` call each fails within a few bytes, and a
/// union that must read every line to its end was measured slower.
pub const UNION_MIN_PATTERNS: usize = 8;

/// Line patterns a [`Union`] holds at most (one bit each of a `u64`).
pub const UNION_MAX_PATTERNS: usize = 64;

/// How much a [`Union`]'s cache may grow to per thread. The generic file's union settles at
/// about 2.4 MB of states on news text; with the default 2 MB it cleared its cache over and
/// over and determinised the same states again (more instructions than `regex` one pattern at
/// a time). Memory is taken as states are made, not up front.
const UNION_CACHE_CAPACITY: usize = 16 << 20;

/// A search's scratch: the lazy DFA's cache and the set of patterns found.
type Scratch = (Cache, PatternSet);

/// What makes a [`Scratch`]: the DFA it belongs to.
type MakeScratch =
    Box<dyn Fn() -> Scratch + Send + Sync + std::panic::RefUnwindSafe + std::panic::UnwindSafe>;

/// Several line patterns in one lazy DFA (`MatchKind::All`): one pass over a line tells which of
/// them match anywhere in it, as `Regex::is_match` on each would.
pub struct Union {
    dfa: Arc<DFA>,
    /// Search scratch, one per thread that searches. Like `regex::Regex`, a clone gets a pool of
    /// its own, so a thread working on its own clone of the rules takes the pool's fast path.
    scratch: Pool<Scratch, MakeScratch>,
}

impl Union {
    /// The union of `patterns` (each already compiled alone by `regex`), or `None` when there
    /// are too many or the lazy DFA cannot take one of them (a Unicode word boundary `\b`).
    pub fn build(patterns: &[&str]) -> Option<Union> {
        if patterns.is_empty() || patterns.len() > UNION_MAX_PATTERNS {
            return None;
        }
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(UNION_CACHE_CAPACITY),
            )
            .build_many(patterns)
            .ok()?;
        Some(Union::with(Arc::new(dfa)))
    }

    fn with(dfa: Arc<DFA>) -> Union {
        let for_pool = Arc::clone(&dfa);
        Union {
            dfa,
            scratch: Pool::new(Box::new(move || {
                (
                    for_pool.create_cache(),
                    PatternSet::new(for_pool.pattern_len()),
                )
            })),
        }
    }

    /// How many patterns the union holds.
    pub fn len(&self) -> usize {
        self.dfa.pattern_len()
    }

    /// Whether the union holds no pattern (never: [`Union::build`] refuses that).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bit `k` set for each pattern `k` that matches somewhere in `line`; `None` if the search
    /// gave up (it cannot with this configuration; callers then ask `regex` pattern by pattern).
    pub fn matches(&self, line: &str) -> Option<u64> {
        let mut scratch = self.scratch.get();
        let (cache, set) = &mut *scratch;
        set.clear();
        self.dfa
            .try_which_overlapping_matches(cache, &Input::new(line), set)
            .ok()?;
        Some(set.iter().fold(0, |bits, p| bits | 1 << p.as_usize()))
    }
}

impl Clone for Union {
    fn clone(&self) -> Union {
        Union::with(Arc::clone(&self.dfa))
    }
}

impl std::fmt::Debug for Union {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Union")
            .field("patterns", &self.len())
            .finish_non_exhaustive()
    }
}

/// A one-pass DFA for a `lift` pattern anchored at the line start: the pattern's captures in
/// one forward scan. Only for patterns that are one-pass (each byte leaves one way to go on),
/// where its groups are the ones `regex` reports. Built on first use (a title lift's takes
/// about 50 M instructions, its `.{9,300}` compiling to a large NFA), once per distinct
/// pattern in the process: four site files lift the title with the same pattern.
#[derive(Clone, Debug)]
pub struct Captor {
    pattern: Arc<str>,
    dfa: Arc<OnceLock<Option<onepass::DFA>>>,
}

/// The captors made so far, by pattern, so that equal patterns share one DFA.
type Captors = Mutex<HashMap<Arc<str>, Arc<OnceLock<Option<onepass::DFA>>>>>;

/// Transition table size a [`Captor`] may take (the title lifts' `.{9,300}` takes about 1.2 MB;
/// `regex`'s own one-pass engine stops at 1 MB, which is why it backtracks on them).
const CAPTOR_SIZE_LIMIT: usize = 4 << 20;

impl Captor {
    /// The captor of `pattern` (a pattern `regex` compiled), built when first asked.
    pub fn new(pattern: &str) -> Captor {
        static CAPTORS: OnceLock<Captors> = OnceLock::new();
        let mut made = CAPTORS
            .get_or_init(Captors::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (pattern, dfa) = match made.get_key_value(pattern) {
            Some((p, dfa)) => (Arc::clone(p), Arc::clone(dfa)),
            None => {
                let p: Arc<str> = pattern.into();
                let dfa: Arc<OnceLock<Option<onepass::DFA>>> = Arc::default();
                made.insert(Arc::clone(&p), Arc::clone(&dfa));
                (p, dfa)
            }
        };
        Captor { pattern, dfa }
    }

    /// The one-pass DFA, or `None` if the pattern is not anchored at the start or not one-pass.
    fn dfa(&self) -> Option<&onepass::DFA> {
        self.dfa
            .get_or_init(|| {
                let dfa = onepass::DFA::builder()
                    .configure(onepass::Config::new().size_limit(Some(CAPTOR_SIZE_LIMIT)))
                    .build(&self.pattern)
                    .ok()?;
                dfa.get_nfa().is_always_start_anchored().then_some(dfa)
            })
            .as_ref()
    }

    /// Whether the pattern has a one-pass DFA (building it if not done yet).
    pub fn applies(&self) -> bool {
        self.dfa().is_some()
    }

    /// The text of each named group in the match of the pattern in `line`, in the pattern's
    /// group order (`None` for a group that did not take part): `Some(None)` if it does not
    /// match, `None` if the pattern has no one-pass DFA (ask `regex`).
    #[allow(clippy::type_complexity)]
    pub fn captures<'t>(&self, line: &'t str) -> Option<Option<Vec<(&str, Option<&'t str>)>>> {
        let dfa = self.dfa()?;
        let mut cache = dfa.create_cache();
        let mut caps = dfa.create_captures();
        dfa.captures(
            &mut cache,
            Input::new(line).anchored(Anchored::Yes),
            &mut caps,
        );
        if !caps.is_match() {
            return Some(None);
        }
        let names = dfa
            .get_nfa()
            .group_info()
            .pattern_names(regex_automata::PatternID::ZERO);
        Some(Some(
            names
                .enumerate()
                .filter_map(|(g, name)| {
                    let name = name?;
                    Some((name, caps.get_group(g).map(|s| &line[s.range()])))
                })
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    const LINES: [&str; 8] = [
        "",
        "Share",
        "Photo: Jane Doe/AFP",
        "We use cookies to improve your experience.",
        "Café “quoted” — a body line with ünïcode and ending like one.",
        "Posted on May 2, 2024 by Lena Fischer",
        "ADVERTISEMENT",
        "read more »",
    ];

    #[test]
    fn union_agrees_with_each_regex() {
        let patterns = [
            r"(?i)^(share|print)$",
            r"(?i)(?-u:\b)(photo|image)s?\s*:\s*[^.:!?]{2,80}$",
            r"(?i)(?-u:\b)we use cookies(?-u:\b)",
            r"^Posted on(?-u:\b).*?(?-u:\b)by\s+(?P<author>\S.*?)$",
            r"^[\p{Lu}0-9][\p{Lu}0-9 \x27’&!?.,:-]+$",
            r"(?i)\s*[-–|]?\s*(?-u:\b)read more\s*(»+|›+|>+|…)?$",
            r"\p{Ll}+",
            r"x*",
        ];
        let union = Union::build(&patterns).expect("these compile");
        let regexes: Vec<Regex> = patterns.iter().map(|p| Regex::new(p).unwrap()).collect();
        for line in LINES {
            let bits = union.matches(line).expect("no quitting");
            for (k, re) in regexes.iter().enumerate() {
                assert_eq!(bits >> k & 1 == 1, re.is_match(line), "{k} on {line:?}");
            }
        }
        let clone = union.clone();
        assert_eq!(clone.matches("Share"), union.matches("Share"));
    }

    #[test]
    fn unicode_word_boundary_gets_no_union() {
        assert!(Union::build(&[r"\bword\b", "x"]).is_none());
    }

    #[test]
    fn captor_agrees_with_regex() {
        for pattern in [
            r"^(?P<title>\S.{9,300})$",
            r"(?i)^(with )?additional reporting (by|from) (?P<credit>[^.]{2,80})\.?$",
            r"^(?P<section>\p{Lu}[\p{L}&/\x27’ -]+)$",
        ] {
            let captor = Captor::new(pattern);
            assert!(captor.applies(), "{pattern} is one-pass and anchored");
            let re = Regex::new(pattern).unwrap();
            for line in
                LINES
                    .iter()
                    .copied()
                    .chain(["Additional reporting by Reuters.", "Europe", "  x"])
            {
                let want = re.captures(line).map(|c| {
                    re.capture_names()
                        .flatten()
                        .map(|n| (n, c.name(n).map(|m| m.as_str())))
                        .collect::<Vec<_>>()
                });
                assert_eq!(captor.captures(line), Some(want), "{pattern} on {line:?}");
            }
        }
    }

    #[test]
    fn captor_needs_an_anchor_and_one_pass() {
        for pattern in [r"(?P<title>x)", r"^PUBLISHED\s*:\s*(?P<published>.+)$"] {
            assert!(!Captor::new(pattern).applies(), "{pattern}");
            assert_eq!(Captor::new(pattern).captures("PUBLISHED : x"), None);
        }
    }
}
