//! Rule files from untrusted hands: arbitrary TOML and regexes never panic the loader, and no
//! pattern can make cleaning slow (linear-time engine, look-around and backreferences refused,
//! compiled size capped).

use newsclean::rules::{validate, Action};
use newsclean::{Cleaner, Document, Rules};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn rule_file(pattern: &str) -> String {
    format!("[site]\nname = \"g\"\nkind = \"generic\"\n\n[[rule]]\nid = \"r\"\naction = \"drop_line\"\npattern = '''{pattern}'''\n")
}

fn error_of(pattern: &str) -> String {
    match validate(Path::new("rules/g.toml"), &rule_file(pattern)) {
        Ok(_) => panic!("{pattern:?} was accepted"),
        Err(e) => e
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn look_around_and_backreferences_are_refused_with_file_and_line() {
    for (pattern, says) in [
        ("foo(?=bar)", "look-around"),
        ("(?<!x)foo", "look-around"),
        ("(\\w+) \\1", "backreferences"),
    ] {
        let e = error_of(pattern);
        assert!(
            e.starts_with("rules/g.toml:8: rule \"r\": invalid regex in `pattern`"),
            "{e}"
        );
        assert!(e.contains(says), "{pattern}: {e}");
    }
}

#[test]
fn compiled_size_is_capped() {
    for pattern in [
        "\\w{1000}",
        "(\\pL{50}){50}",
        "((a{100}){100}){100}",
        "[\\p{L}\\p{N}]{500}",
    ] {
        let t = Instant::now();
        let e = error_of(pattern);
        assert!(e.contains("exceeds size limit"), "{pattern}: {e}");
        // Refusing is quick too: the compiler stops at the cap, it does not build the whole.
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{pattern}: {:?}",
            t.elapsed()
        );
    }
    let e = error_of(&format!("{}a{}", "(".repeat(300), ")".repeat(300)));
    assert!(e.contains("maximum number of nested parentheses"), "{e}");
}

/// Patterns that take exponential time in backtracking engines, and the largest counted
/// repetitions that still compile: all must stay linear in the text.
const PATHOLOGICAL: [&str; 7] = [
    "^(a+)+$",
    "^(a|a)*b$",
    "^(\\w+\\s?)*$x",
    "(.*a){20}z",
    "^(?:\\w{5}){4}\\d$",
    "(?i)(\\w+\\s+){8}[^.]{1,200}zz$",
    "^(([a-z])+.)+[A-Z]([a-z])+$",
];

#[test]
fn pathological_patterns_stay_linear() {
    let lines = [
        "a".repeat(1 << 20) + "!",
        "word ".repeat(200_000),
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!".repeat(20_000),
    ];
    let bytes: usize = lines.iter().map(String::len).sum();
    for pattern in PATHOLOGICAL {
        let file = validate(Path::new("g.toml"), &rule_file(pattern))
            .unwrap_or_else(|e| panic!("{pattern}: {}", e[0]));
        // The rule's own compiled regex, with the loader's size limits.
        let Action::DropLine { pattern: re } = &file.rules[0].action else {
            panic!("a drop_line rule")
        };
        let t = Instant::now();
        let matched = lines.iter().filter(|l| re.is_match(l)).count();
        let took = t.elapsed();
        eprintln!("{pattern}: {:.1} MB in {took:.2?}", bytes as f64 / 1e6);
        assert_eq!(matched, 0, "{pattern}");
        // A backtracking engine would not finish these before the heat death of the universe;
        // linear time over 3.3 MB takes tens of milliseconds (the regex crate is optimised
        // even in test builds).
        assert!(took < Duration::from_secs(3), "{pattern}: {took:?}");
    }
    // And through the cleaner, end to end, with the worst of them.
    let file = validate(Path::new("g.toml"), &rule_file(PATHOLOGICAL[3])).unwrap();
    let cleaner = Cleaner::new(Rules { files: vec![file] }).classifier(false);
    let t = Instant::now();
    let doc = cleaner.clean(&Document::from_text("p", lines[..2].join("\n")));
    assert_eq!(doc.paragraphs.len(), 2);
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
}

#[test]
fn deeply_nested_toml_is_an_error_not_a_stack_overflow() {
    for depth in [1_000, 100_000] {
        let text = format!(
            "[site]\nname = \"x\"\ndescription = {}\"x\"{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let e = validate(Path::new("x.toml"), &text).unwrap_err();
        assert!(
            e[0].to_string().starts_with("x.toml:3: invalid TOML"),
            "{}",
            e[0]
        );
    }
}

/// The shipped rule files, as (path, text).
fn shipped() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// A rule-file mutation: what a fuzzer or a careless edit does to a rule file.
#[derive(Clone, Debug)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    InsertAt(usize, String),
    DeleteByte(usize),
    Truncate(usize),
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for edit in edits {
        let lines: Vec<&str> = s.lines().collect();
        let n = lines.len().max(1);
        s = match edit {
            Edit::DeleteLine(i) => {
                let mut l = lines.clone();
                if !l.is_empty() {
                    l.remove(i % n);
                }
                l.join("\n")
            }
            Edit::DuplicateLine(i) => {
                let mut l = lines.clone();
                if !l.is_empty() {
                    l.insert(i % n, lines[i % n]);
                }
                l.join("\n")
            }
            Edit::InsertAt(i, what) => {
                let mut at = i % (s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                format!("{}{what}{}", &s[..at], &s[at..])
            }
            Edit::DeleteByte(i) => {
                let mut at = i % (s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                let mut t = s.clone();
                if at < t.len() {
                    t.remove(at);
                }
                t
            }
            Edit::Truncate(i) => {
                let mut at = i % (s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                s[..at].to_string()
            }
        };
    }
    s
}

fn edit() -> impl Strategy<Value = Edit> {
    let fragment = prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("{1000}".to_string()),
        Just("(?=x)".to_string()),
        Just("\\1".to_string()),
        Just("\n[[rule]]\n".to_string()),
        Just("\nid = \"r\"\n".to_string()),
        Just("\naction = \"lift\"\n".to_string()),
        Just("(?P<title>".to_string()),
        Just("(?P<bogus>x)".to_string()),
        Just("\nfirst_lines = -1\n".to_string()),
        Just("\nmin_matches = 0\n".to_string()),
        Just("\u{0}".to_string()),
        Just("é".to_string()),
        "\\PC{0,8}",
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), fragment).prop_map(|(i, f)| Edit::InsertAt(i, f)),
        any::<usize>().prop_map(Edit::DeleteByte),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

proptest! {
    #![proptest_config(super::properties::config(128, "tests/reliability/proptest-regressions/rules.txt"))]

    /// Arbitrary text as a rule file: an error or a rule file, never a panic.
    #[test]
    fn arbitrary_toml_never_panics(text in "\\PC{0,400}") {
        let _ = validate(Path::new("x.toml"), &text);
    }

    /// Structured TOML with arbitrary values in every regex slot.
    #[test]
    fn arbitrary_patterns_never_panic(
        pattern in "\\PC{0,60}",
        action in prop_oneof![Just("drop_line"), Just("rewrite"), Just("lift"), Just("cut_from"), Just("drop_block"), Just("cut_appended")],
        line in 0usize..40,
    ) {
        let key = match action { "cut_from" => "marker", "drop_block" => "start", "cut_appended" => "label", _ => "pattern" };
        let quoted = toml::Value::String(pattern.clone()).to_string();
        let text = format!(
            "[site]\nname = \"x\"\n[site.fingerprint]\npatterns = [{quoted}]\n[[rule]]\nid = \"r\"\naction = \"{action}\"\n{key} = {quoted}\nend = {quoted}\nfirst_lines = {line}\n"
        );
        if let Ok(file) = validate(Path::new("x.toml"), &text) {
            // A valid file also cleans without panicking.
            let cleaner = Cleaner::new(Rules { files: vec![file] }).classifier(false);
            let _ = cleaner.clean(&Document::from_text("d", format!("{pattern}\nline two\n{pattern}")));
        }
    }

    /// Mutations of the shipped rule files: the loader reports or accepts, never panics, and an
    /// accepted set still cleans the samples.
    #[test]
    fn mutated_rule_files_never_panic(which in 0usize..6, edits in prop::collection::vec(edit(), 1..6)) {
        let mut files = shipped();
        let i = which % files.len();
        files[i].1 = apply(&files[i].1, &edits);
        match Rules::from_sources(&files) {
            Ok(rules) => {
                let cleaner = Cleaner::new(rules).classifier(false);
                let samples = super::samples();
                let (name, text) = &samples[which % samples.len()];
                let _ = cleaner.clean(&Document::from_text(name.clone(), text.clone()));
            }
            Err(errors) => {
                for e in &errors.0 {
                    // Shaped `path:line: ...` (or `path: ...` for whole-file problems).
                    let msg = e.to_string();
                    let place = match e.line {
                        Some(line) => format!("{}:{line}: ", e.path.display()),
                        None => format!("{}: ", e.path.display()),
                    };
                    prop_assert!(msg.starts_with(&place), "{}", msg);
                }
            }
        }
    }
}

/// Cleans `text` with the given rule files and returns the time it took.
fn time_clean(rules: Rules, site: Option<&str>, text: &str) -> Duration {
    let cleaner = Cleaner::new(rules)
        .classifier(false)
        .default_site(site.map(str::to_string));
    let t = Instant::now();
    let doc = cleaner.clean(&Document::from_text("q", text));
    let took = t.elapsed();
    assert!(!doc.paragraphs.is_empty() || !doc.removed.is_empty());
    took
}

/// Regression: `cut_appended` looked for the line after each label line by scanning the kept
/// lines from the start, so a The Local page with 100k all-caps lines (labels never followed
/// by a headline) took O(n²): minutes. Now a binary search.
#[test]
fn regression_cut_appended_is_not_quadratic() {
    let rules = Rules::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap();
    let body = "The museum said the exhibition would stay open until the end of the year after strong demand.\n";
    let text = format!("{}{}", body.repeat(4), "AB\n".repeat(100_000));
    let took = time_clean(rules, Some("thelocal"), &text);
    eprintln!("thelocal, 100k label lines: {took:.2?}");
    assert!(took < Duration::from_secs(20), "{took:?}");
}

/// Regression: `drop_block` rescanned for the end line from every start line, and
/// `dedupe_line` compared each line with all earlier ones: O(n²) with a rule file whose start
/// matches everywhere and end nowhere, or a dedupe rule with no scope.
#[test]
fn regression_drop_block_and_dedupe_are_not_quadratic() {
    let block = "[site]\nname = \"b\"\nkind = \"generic\"\n[[rule]]\nid = \"b\"\naction = \"drop_block\"\nstart = '^S'\nend = '^END$'\n";
    let dedupe = "[site]\nname = \"d\"\nkind = \"generic\"\n[[rule]]\nid = \"d\"\naction = \"dedupe_line\"\n";
    let lines: String = (0..100_000).map(|i| format!("S{i}\n")).collect();
    for file in [block, dedupe] {
        let rules = Rules {
            files: vec![validate(Path::new("q.toml"), file).unwrap()],
        };
        let took = time_clean(rules, None, &lines);
        eprintln!("100k lines: {took:.2?}");
        assert!(took < Duration::from_secs(20), "{took:?}");
    }
    // Semantics kept: a block needs its end; a duplicate goes, its first occurrence stays.
    let rules = Rules {
        files: vec![
            validate(Path::new("b.toml"), block).unwrap(),
            validate(
                Path::new("d.toml"),
                &dedupe.replace("\"d\"\nkind", "\"e\"\nkind"),
            )
            .unwrap(),
        ],
    };
    let doc = Cleaner::new(rules)
        .classifier(false)
        .clean(&Document::from_text("s", "a\nS1\nx\nEND\nS2\nb\na\nb\nS3"));
    let kept: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(kept, ["a", "S2", "b", "S3"]);
    let rules_of: Vec<(usize, &str)> = doc
        .removed
        .iter()
        .map(|r| (r.line, r.rule.as_str()))
        .collect();
    assert_eq!(
        rules_of,
        [(2, "b:b"), (3, "b:b"), (4, "b:b"), (7, "e:d"), (8, "e:d")]
    );
}
