//! `duplicates.jsonl`: one line per paragraph cluster, then one per document cluster, each
//! with a `level` field, and the members' words, which the records no longer repeat.

use crate::dedup::{DedupReport, ParagraphKey, ParagraphTexts};
use serde_json::json;
use std::io::{self, Write};

/// Paragraph clusters whose member texts are read back at once.
const CLUSTERS_PER_FETCH: usize = 4096;

/// Writes the report's clusters to `out`. The detector keeps no texts: members' texts are
/// read back from `texts` a few thousand clusters at a time, so the report never holds the
/// batch's flagged text at once. `cancelled` is asked before each cluster: a report of
/// millions of clusters takes seconds, and a signal must stop it at once (then the error is
/// [`io::ErrorKind::Interrupted`]).
pub fn write_duplicates(
    out: &mut dyn Write,
    report: &DedupReport,
    texts: &dyn ParagraphTexts,
    cancelled: &dyn Fn() -> bool,
) -> io::Result<()> {
    let stop = || match cancelled() {
        true => Err(io::Error::from(io::ErrorKind::Interrupted)),
        false => Ok(()),
    };
    for clusters in report.clusters.chunks(CLUSTERS_PER_FETCH) {
        stop()?;
        let keys: Vec<ParagraphKey> = clusters
            .iter()
            .flat_map(|c| c.members.iter().map(|m| m.key))
            .collect();
        let mut fetched = texts.texts(&keys).into_iter();
        for cluster in clusters {
            stop()?;
            let mut cluster = cluster.clone();
            for member in &mut cluster.members {
                member.text = fetched.next().unwrap_or_default();
            }
            let mut v = serde_json::to_value(&cluster)?;
            v["level"] = json!("paragraph");
            serde_json::to_writer(&mut *out, &v)?;
            out.write_all(b"\n")?;
        }
    }
    for cluster in &report.document_clusters {
        stop()?;
        let mut v = serde_json::to_value(cluster)?;
        v["level"] = json!("document");
        serde_json::to_writer(&mut *out, &v)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
