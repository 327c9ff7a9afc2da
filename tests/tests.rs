//! The integration test binary: one module per area (ripgrep's layout), sharing `util`.

mod util;

mod cli;
mod dedup;
mod golden;
mod properties;
mod rule_fixtures;
mod seeds;
