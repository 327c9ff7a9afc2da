//! Integration tests of the near-duplicate detector (`newsclean::dedup`).

mod corpus;
mod measure;
mod samples;
mod syndication;
