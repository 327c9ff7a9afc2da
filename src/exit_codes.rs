//! Process exit codes, defined once.

use std::process::ExitCode;

/// What a run ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything was read and written.
    Success,
    /// A check (`rules check`) found problems.
    CheckFailed,
    /// An error: bad arguments or rules, or some documents failed (the rest were written).
    Error,
    /// Stopped by Ctrl-C or SIGTERM.
    Interrupted,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::CheckFailed => 1,
            Exit::Error => 2,
            Exit::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}
