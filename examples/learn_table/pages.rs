//! The pages `learn` is measured on, for the example's table and `tests/learn.rs` alike.

use super::model::Model;
use super::outlets::{self, Outlet, Params};
use newsclean::Document;

/// `per` pages of each of the five sample templates, generated with `seed`.
pub fn pages(model: &Model, seed: u64, per: usize) -> Vec<(Outlet, Vec<Document>)> {
    let params = Params {
        syndicated: 0.1,
        unknown: 0.0,
        url_share: 0.0,
        wire_outlets: 6.0,
    };
    let mut out: Vec<(Outlet, Vec<Document>)> =
        Outlet::ALL[..5].iter().map(|o| (*o, Vec::new())).collect();
    let mut i = 0;
    while out.iter().any(|(_, d)| d.len() < per) {
        let doc = outlets::generate(model, &params, seed, i);
        if let Some((_, docs)) = out
            .iter_mut()
            .find(|(o, d)| *o == doc.outlet && d.len() < per)
        {
            docs.push(Document::from_text(
                format!("{}-{i}", doc.outlet.name()),
                doc.text,
            ));
        }
        i += 1;
    }
    out
}
