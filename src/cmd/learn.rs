//! `newsclean learn`: read pages, learn a rule file ([`crate::learn`]), print it or write it
//! with fixtures and run `rules check` on its directory.

use super::{load_rules, message, reader};
use crate::cli::{LearnArgs, RuleArgs};
use crate::exit_codes::Exit;
use crate::learn::Learner;

pub fn run(args: &LearnArgs) -> anyhow::Result<Exit> {
    let rules = args.rules.clone();
    let base = load_rules(&RuleArgs {
        rules,
        ..Default::default()
    })?;
    let (docs, errors): (Vec<_>, Vec<_>) = reader(&args.input).partition(Result::is_ok);
    errors
        .iter()
        .filter_map(|e| e.as_ref().err())
        .for_each(message);
    let docs: Vec<_> = docs.into_iter().flatten().collect();
    let learned = Learner::new(&base, &args.site)
        .min_share(args.min_share)
        .learn(&docs)?;
    let Some(out) = args.out.as_ref().filter(|_| !args.dry_run) else {
        print!("{}\n{}", learned.describe(), learned.toml);
        return Ok(if errors.is_empty() {
            Exit::Success
        } else {
            Exit::Error
        });
    };
    for path in learned.write(out, args.force)? {
        message(format!("wrote {}", path.display()));
    }
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty());
    let exit = super::check_rules(Some(dir.unwrap_or(".".as_ref())))?;
    Ok(if errors.is_empty() { exit } else { Exit::Error })
}
