//! Integration tests of the near-duplicate detector (`newsclean::dedup`).

mod corpus;
mod measure;
mod properties;
mod samples;
mod syndication;
