//! `newsclean rules check`: validate a rule directory and run every file's fixtures, so a rule
//! author learns of a broken pattern, a fingerprint that recognises nothing, or a fixture whose
//! output changed, before a batch does.

use crate::exit_codes::Exit;
use std::path::Path;

pub fn check(dir: Option<&Path>) -> anyhow::Result<Exit> {
    super::check_rules(dir)
}
