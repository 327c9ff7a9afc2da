//! `newsclean learn`: read pages, learn a rule file ([`crate::learn`]), print it or write it
//! with fixtures and run `rules check` on its directory.

use super::{message, reader};
use crate::cli::LearnArgs;
use crate::exit_codes::Exit;
use crate::learn::Learner;
use crate::Rules;
use anyhow::{anyhow, Context};

pub fn run(args: &LearnArgs) -> anyhow::Result<Exit> {
    let base = match &args.rules {
        Some(dir) => Rules::load(dir)
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("loading rules from {}", dir.display()))?,
        None => Rules::builtin()
            .map_err(|e| anyhow!("{e}"))
            .context("loading built-in rules")?,
    };
    let (mut docs, mut failed) = (Vec::new(), false);
    for item in reader(&args.input) {
        match item {
            Ok(doc) => docs.push(doc),
            Err(e) => {
                message(&e);
                failed = true;
            }
        }
    }
    let learned = Learner::new(&base, &args.site)
        .min_share(args.min_share)
        .learn(&docs)?;
    match (&args.out, args.dry_run) {
        (Some(out), false) => {
            for path in learned.write(out, args.force)? {
                message(format!("wrote {}", path.display()));
            }
            let dir = out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let checked = super::rules::check(Some(dir))?;
            Ok(if failed { Exit::Error } else { checked })
        }
        _ => {
            print!("{}\n{}", learned.describe(), learned.toml);
            Ok(if failed { Exit::Error } else { Exit::Success })
        }
    }
}
