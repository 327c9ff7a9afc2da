//! Stable-toolchain fuzzing: the same entry points and checks as the cargo-fuzz targets
//! (`fuzz/harness.rs`), fed by a mutation loop instead of libFuzzer (which needs nightly).
//!
//! - `fuzz_smoke` runs a few hundred inputs per target in every `cargo test`.
//! - `fuzz_for_a_while` (ignored) runs each target for `FUZZ_SECONDS` (default 60):
//!   `FUZZ_SECONDS=300 cargo test --release --test tests fuzz_for_a_while -- --ignored --nocapture`
//!   or `fuzz/run.sh`, which prefers cargo-fuzz when a nightly toolchain is there.
//!
//! A crash prints the seed and the input (hex) that caused it; replay with `FUZZ_SEED=<seed>`.

#[path = "../../fuzz/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

/// xorshift64*: no dependency, reproducible from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Fragments that matter to the parsers and rules: line ends, encodings, JSON and TOML syntax,
/// regex syntax, and pieces of the built-in rules' patterns.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b"\r",
    "\u{a0}".as_bytes(),
    "\u{feff}".as_bytes(),
    b"\0",
    b"\xe9",
    b"\xc3",
    "é".as_bytes(),
    "’".as_bytes(),
    "“".as_bytes(),
    b"\x1f\x8b\x08\x00",
    b"\xff\xd8\xff",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"\\",
    b"\\u00e9",
    b"\\ud800",
    b"\"text\": ",
    b"\"id\": ",
    b"\"url\": \"https://www.scmp.com/x\"",
    b"\"site\": \"thelocal\"",
    b"null",
    b"1e999",
    b"[[rule]]\n",
    b"[site]\nname = \"x\"\n",
    b"action = \"lift\"\n",
    b"action = \"drop_block\"\n",
    b"pattern = '",
    b"(?P<title>",
    b"(?P<published>.+)",
    b"(?=",
    b"\\1",
    b"{1000}",
    b"\\p{L}",
    b"first_lines = 1\n",
    b"after_body = 0\n",
    b"line = \"first\"\n",
    b"timezone = \"+08:00\"\n",
    b"PUBLISHED : ",
    b"UPDATED : ",
    b"2019-01-1",
    b"12:30pm",
    b"January 3, 2019",
    b"SHARE",
    b"COPY LINK",
    b"SHOW COMMENTS",
    b"READ ALSO: ",
    b"ADVERTISEMENT",
    b"Photo: X / AFP",
    b"Additional reporting by Reuters",
    b"This entry was posted in ",
    b"Leave a Reply",
    b"Want to leave a tip?",
    b"\xc2\xa9 2019 Blaze Media LLC",
    b"POLITICS",
    b"TERRORISM",
];

/// The seed inputs of one target.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let samples = super::samples();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    match target {
        "clean" => samples.into_iter().map(|(_, t)| t.into_bytes()).collect(),
        "jsonl" => samples
            .iter()
            .map(|(name, text)| {
                format!(
                    "{}\n{}\n",
                    serde_json::json!({"id": name, "text": text}),
                    serde_json::json!({"id": 2, "text": "x", "url": "https://thelocal.it/a"})
                )
                .into_bytes()
            })
            .collect(),
        "rules" => std::fs::read_dir(root.join("rules"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| std::fs::read(p).unwrap())
            .collect(),
        _ => unreachable!(),
    }
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(8) {
        let len = input.len();
        let at = rng.below(len + 1);
        match rng.below(9) {
            0 if len > 0 => input[rng.below(len)] = rng.next() as u8,
            1 => input.insert(at, rng.next() as u8),
            2 if len > 0 => {
                let end = (at + rng.below(64)).min(len);
                input.drain(at..end);
            }
            3 if len > 0 => {
                let start = rng.below(len);
                let end = (start + rng.below(256)).min(len);
                let copy = input[start..end].to_vec();
                input.splice(at..at, copy);
            }
            4 | 5 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                input.splice(at..at, token.iter().copied());
            }
            6 => input.truncate(at),
            7 => {
                let other = &corpus[rng.below(corpus.len())];
                let start = rng.below(other.len());
                let end = (start + rng.below(512)).min(other.len());
                input.splice(at..at, other[start..end].iter().copied());
            }
            _ => {
                // Lines swapped: structure-level damage.
                let mut lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
                if lines.len() > 1 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(a, b);
                }
                *input = lines.join(&b'\n');
            }
        }
    }
    if rng.below(50) == 0 {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(input).unwrap();
        *input = enc.finish().unwrap();
    }
}

/// Feeds `target` inputs for `budget` or `max` inputs, whichever ends first; returns how many.
fn fuzz(target: &str, seed: u64, budget: Duration, max: u64) -> u64 {
    let run: fn(&[u8]) = match target {
        "clean" => harness::clean_bytes,
        "jsonl" => harness::jsonl_bytes,
        "rules" => harness::rules_bytes,
        _ => unreachable!(),
    };
    let corpus = corpus(target);
    let mut rng = Rng(seed | 1);
    let start = Instant::now();
    let mut n = 0;
    while n < max && start.elapsed() < budget {
        let mut input = if rng.below(20) == 0 {
            (0..rng.below(300)).map(|_| rng.next() as u8).collect()
        } else {
            corpus[rng.below(corpus.len())].clone()
        };
        mutate(&mut rng, &mut input, &corpus);
        let outcome = std::panic::catch_unwind(|| run(&input));
        if outcome.is_err() {
            let hex: String = input.iter().map(|b| format!("{b:02x}")).collect();
            panic!("{target}: crash on input {n} (seed {seed}); input hex:\n{hex}");
        }
        n += 1;
    }
    n
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x6e65_7773_636c_6e21)
}

#[test]
fn fuzz_smoke() {
    for target in ["clean", "jsonl", "rules"] {
        let n = fuzz(target, seed(), Duration::from_secs(5), 150);
        assert!(n > 0);
    }
}

#[test]
#[ignore = "long-running; see the module doc"]
fn fuzz_for_a_while() {
    let secs: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    for target in ["clean", "jsonl", "rules"] {
        let start = Instant::now();
        let n = fuzz(target, seed, Duration::from_secs(secs), u64::MAX);
        eprintln!(
            "fuzz {target}: {n} inputs in {:.1?} (seed {seed}), no crash",
            start.elapsed()
        );
    }
}
