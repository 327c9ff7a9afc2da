//! `newsclean rules check`: validate a rule directory and run every file's fixtures, so a rule
//! author learns of a broken pattern, a fingerprint that recognises nothing, or a fixture whose
//! output changed, before a batch does.

use super::message;
use crate::exit_codes::Exit;
use crate::fixtures::{self, FixtureProblem};
use crate::rules::Rules;
use std::path::Path;

pub fn check(dir: &Path) -> anyhow::Result<Exit> {
    let rules = match Rules::load(dir) {
        Ok(rules) => rules,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            message(format!("{} error(s) in {}", errors.0.len(), dir.display()));
            return Ok(Exit::CheckFailed);
        }
    };
    let problems = fixtures::check(&rules, dir)?;
    for p in &problems {
        eprintln!("{p}");
    }
    let n_rules: usize = rules.files.iter().map(|f| f.rules.len()).sum();
    if problems.is_empty() {
        println!(
            "{}: {} rule files, {} rules, all fixtures pass",
            dir.display(),
            rules.files.len(),
            n_rules
        );
        Ok(Exit::Success)
    } else {
        let failing = problems
            .iter()
            .filter(|p| matches!(p, FixtureProblem::Mismatch { .. }))
            .count();
        message(format!(
            "{} problem(s) ({} fixture mismatches) in {}",
            problems.len(),
            failing,
            dir.display()
        ));
        Ok(Exit::CheckFailed)
    }
}
