pub mod dedup;
