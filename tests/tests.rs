//! The integration test binary: one module per area (ripgrep's layout), sharing `util`.

mod util;

mod cli;
mod dedup;
mod generic;
mod golden;
mod learn;
mod model;
mod parquet;
mod properties;
mod reliability;
mod report;
mod rule_fixtures;
mod seeds;
