//! `newsclean explain`: a document line by line, each removed line marked with the rule that
//! removed it, for rule authors asking "why did this line go?".

use super::{cleaner, message};
use crate::cli::ExplainArgs;
use crate::exit_codes::Exit;
use crate::input::{self, Fields, Reader};
use crate::output::explain::listing;

pub fn run(args: &ExplainArgs) -> anyhow::Result<Exit> {
    let cleaner = cleaner(&args.rules)?;
    let (sources, errors) = input::expand(std::slice::from_ref(&args.file));
    if let Some(e) = errors.first() {
        anyhow::bail!("{e}");
    }
    let mut shown = 0;
    let mut failed = false;
    for item in Reader::new(sources, Fields::default()) {
        match item {
            Ok(doc) if args.id.as_ref().is_none_or(|id| *id == doc.id) => {
                let cleaned = cleaner.clean(&doc);
                print!("{}", listing(&doc.text, &cleaned));
                shown += 1;
            }
            Ok(_) => {}
            Err(e) => {
                message(&e);
                failed = true;
            }
        }
    }
    if shown == 0 {
        if let Some(id) = &args.id {
            anyhow::bail!("{}: no record with id {id:?}", args.file.display());
        }
    }
    Ok(if failed { Exit::Error } else { Exit::Success })
}
