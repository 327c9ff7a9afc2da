//! `newsclean report OUT_DIR`: the page of a run, built by [`crate::html_report`].

use crate::{cli::ReportArgs, exit_codes::Exit};

pub fn run(args: &ReportArgs) -> anyhow::Result<Exit> {
    super::write_report(&args.dir, None, false).map(|()| Exit::Success)
}
