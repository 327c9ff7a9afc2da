//! `newsclean rules check`: validate a rule directory and run every file's fixtures, so a rule
//! author learns of a broken pattern, a fingerprint that recognises nothing, or a fixture whose
//! output changed, before a batch does.

use super::message;
use crate::exit_codes::Exit;
use crate::fixtures::{self, FixtureProblem};
use crate::rules::Rules;
use std::path::Path;

/// Checks `dir`, or `./rules`, or (outside a checkout) the built-in rules.
pub fn check(dir: Option<&Path>) -> anyhow::Result<Exit> {
    let dir = match dir {
        Some(dir) if !dir.is_dir() => anyhow::bail!("{}: no such rule directory", dir.display()),
        Some(dir) => dir,
        None if Path::new("rules").is_dir() => Path::new("rules"),
        None => return check_builtin(),
    };
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

/// Validates the rules built into the binary (their fixtures live in the source tree).
fn check_builtin() -> anyhow::Result<Exit> {
    match Rules::builtin() {
        Ok(rules) => {
            let n_rules: usize = rules.files.iter().map(|f| f.rules.len()).sum();
            println!(
                "built-in rules: {} rule files, {} rules, valid (no ./rules here: give a rule \
                 directory to run its fixtures too)",
                rules.files.len(),
                n_rules
            );
            Ok(Exit::Success)
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            Ok(Exit::CheckFailed)
        }
    }
}
