//! Every rule file has fixtures beside it, every rule fires on one, every fingerprint
//! recognises its site's fixtures, and every fixture cleans to its expected output.

use crate::util::{root, rules};
use newsclean::fixtures;

#[test]
fn every_rule_file_passes_its_fixtures() {
    let problems = fixtures::check(&rules(), &root().join("rules")).expect("read fixtures");
    let report: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        problems.is_empty(),
        "rule fixture problems:\n{}",
        report.join("\n")
    );
}

#[test]
fn builtin_rules_equal_rules_dir() {
    let builtin = newsclean::Rules::builtin().expect("built-in rules load");
    let dir = rules();
    let digests = |r: &newsclean::Rules| {
        r.files
            .iter()
            .map(|f| (f.name.clone(), f.digest.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(digests(&builtin), digests(&dir));
}

#[test]
fn a_fixture_mismatch_is_reported() {
    // Copy a rule file with a fixture whose expected output is wrong: the check must say so.
    let dir = crate::tempdir!();
    let src = root().join("rules");
    std::fs::copy(src.join("generic.toml"), dir.path("generic.toml")).expect("copy");
    let input = std::fs::read_to_string(src.join("generic/clutter.in.txt")).expect("fixture");
    dir.write("generic/clutter.in.txt", &input);
    dir.write("generic/clutter.out.txt", "Not what it gives\n");
    let rules = newsclean::Rules::load(&dir.0).expect("load");
    let problems = fixtures::check(&rules, &dir.0).expect("check");
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, fixtures::FixtureProblem::Mismatch { .. })),
        "{problems:?}"
    );
}
