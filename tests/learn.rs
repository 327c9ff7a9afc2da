//! `newsclean learn` (issue 18): rule files learned from generated pages of each sample
//! template, scored against the hand-written files on pages of another seed, and the command's
//! writing rules. The full-size table (50 pages learned, 500 scored) is
//! `cargo run --release --example learn_table`; this is the same measurement, smaller.

#[allow(dead_code)]
#[path = "../examples/gen_corpus/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "../examples/gen_corpus/outlets.rs"]
mod outlets;
#[path = "../examples/learn_table/pages.rs"]
mod pages;
#[allow(dead_code)]
#[path = "../examples/gen_corpus/rng.rs"]
mod rng;
#[allow(dead_code)]
#[path = "../examples/gen_corpus/text.rs"]
mod text;

use crate::util::{newsclean, rules};
use newsclean::learn::measure::{compare, recognised};
use newsclean::learn::Learner;
use newsclean::rules::FileKind;
use newsclean::Rules;
use pages::pages;

#[test]
fn learned_files_match_the_hand_written_ones_on_unseen_pages() {
    let all = rules();
    let base = Rules {
        files: all.of_kind(FileKind::Generic).cloned().collect(),
    };
    let model = model::Model::train(0.6, 4);
    let (train, test) = (pages(&model, 11, 50), pages(&model, 12, 100));
    let mut learned_files = base.clone();
    let mut failures = Vec::new();
    for ((outlet, train), (_, test)) in train.iter().zip(&test) {
        let reference = all.file(outlet.name()).expect("a hand-written file");
        let site = format!("learned-{}", outlet.name());
        let learned = Learner::new(&base, &site).learn(train).expect("learns");
        let c = compare(&base, reference, &learned.file, test);
        // A real measurement: the hand-written file removes clutter here to be matched.
        assert!(c.clutter >= test.len(), "{}: {c:?}", outlet.name());
        if c.recall() < 0.95 || c.over_removal() > 0.005 {
            failures.push(format!(
                "{}: {:.1}% of clutter, {:.2}% of article lines removed; missed {:?}; over-removed {:?}\n{}",
                outlet.name(),
                c.recall() * 100.0,
                c.over_removal() * 100.0,
                c.missed,
                c.over_removed,
                learned.toml
            ));
        }
        learned_files.files.push(learned.file);
    }
    for (outlet, test) in &test {
        let site = format!("learned-{}", outlet.name());
        let n = recognised(&learned_files, &site, test);
        if n < test.len() {
            failures.push(format!("{site}: recognised {n} of {} pages", test.len()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn learn_writes_a_checked_rule_file_and_refuses_to_replace_it() {
    let dir = crate::tempdir!();
    let model = model::Model::train(0.6, 4);
    // Blog pages, on top of the shipped rules: the WordPress platform file cleans most of the
    // template and the learned file what it leaves; no other site file claims these pages.
    let (_, docs) = pages(&model, 21, 24).remove(4);
    for d in &docs {
        dir.write(&format!("pages/{}.txt", d.id), &d.text);
    }
    let src = crate::util::root().join("rules");
    for entry in ignore::WalkBuilder::new(&src).build() {
        let path = entry.expect("walk rules/").into_path();
        if path.is_file() {
            let rel = path.strip_prefix(&src).expect("under rules/");
            dir.write(
                &format!("rules/{}", rel.display()),
                std::fs::read(&path).expect("read"),
            );
        }
    }
    let args = [
        "learn",
        "pages",
        "--site",
        "blog2",
        "--rules",
        "rules",
        "--out",
        "rules/blog2.toml",
    ];
    let out = newsclean(&dir.0, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let toml = std::fs::read_to_string(dir.path("rules/blog2.toml")).expect("written");
    assert!(
        toml.contains("name = \"blog2\"") && toml.contains("learned: changed"),
        "{toml}"
    );
    assert!(dir.path("rules/blog2/learned-1.in.txt").is_file());
    assert!(dir.path("rules/blog2/learned-2.out.txt").is_file());
    // rules check ran on the directory and passed.
    assert!(String::from_utf8_lossy(&out.stdout).contains("all fixtures pass"));
    // Not replaced without --force; replaced with it.
    let again = newsclean(&dir.0, &args);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let mut forced = args.to_vec();
    forced.push("--force");
    assert!(newsclean(&dir.0, &forced).status.success());
    // --dry-run prints rules with examples and writes nothing.
    let dry = newsclean(&dir.0, &["learn", "pages", "--site", "x", "--dry-run"]);
    let shown = String::from_utf8_lossy(&dry.stdout);
    assert!(
        dry.status.success() && shown.contains("e.g. ") && shown.contains("% of pages"),
        "{shown}"
    );
    assert!(!dir.path("x.toml").exists());
    // Too few pages: one.
    let one = format!("pages/{}.txt", docs[0].id);
    let few = newsclean(&dir.0, &["learn", &one, "--site", "x", "--dry-run"]);
    assert_eq!(few.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&few.stderr).contains("at least 20 pages"));
}

// Pages of five templates given as one site: no marker is on most of them, and the listing
// says so instead of an empty fingerprint.
#[test]
fn pages_of_several_sites_have_no_fingerprint_and_are_told_so() {
    let model = model::Model::train(0.6, 4);
    let docs: Vec<_> = pages(&model, 31, 5)
        .into_iter()
        .flat_map(|(_, docs)| docs)
        .collect();
    let base = Rules::builtin().expect("built-in rules");
    let file = Learner::new(&base, "mixed")
        .learn(&docs)
        .expect("rules learned from the mixed pages");
    assert!(file.fingerprint.is_empty(), "{:?}", file.fingerprint);
    let listing = file.describe();
    assert!(listing.contains("fingerprint: none"), "{listing}");
}
