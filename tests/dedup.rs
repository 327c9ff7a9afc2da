//! Integration tests of the near-duplicate detector (`newsclean::dedup`).

mod corpus;
mod samples;
mod syndication;
