//! `newsclean explain`'s listing: a document line by line, each removed line marked with the
//! rule that removed it, for rule authors asking "why did this line go?".

use crate::clean::segment::raw_lines;
use crate::document::CleanDoc;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The annotated listing of one document: each input line with its number, `-` and the rule
/// for a removed line, `~` for a kept line a rule cut into, `?` for a line nothing accounts
/// for, and the line model's reasons under the lines it judged.
pub fn listing(text: &str, doc: &CleanDoc) -> String {
    let mut out = String::new();
    let m = &doc.metadata;
    let _ = writeln!(
        out,
        "# {}  site: {} ({:?})",
        doc.id, doc.site, doc.site_source
    );
    for (name, value) in m.named_fields() {
        if let Some(v) = value {
            let _ = writeln!(out, "# {name}: {v}");
        }
    }
    if !m.credits.is_empty() {
        let _ = writeln!(out, "# credits: {}", m.credits.join(", "));
    }
    let kept: HashMap<usize, &str> = doc
        .paragraphs
        .iter()
        .map(|p| (p.line, p.text.as_str()))
        .collect();
    // Why the line model kept or dropped a line, shown under it.
    let mut model_why: HashMap<usize, &str> = doc
        .paragraphs
        .iter()
        .filter_map(|p| {
            let class = p.class.as_deref()?;
            class.find("model: ").map(|at| (p.line, &class[at..]))
        })
        .collect();
    let mut removed: HashMap<usize, Vec<(&str, &str)>> = HashMap::new();
    for r in &doc.removed {
        removed
            .entry(r.line)
            .or_default()
            .push((r.rule.as_str(), r.text.as_str()));
        if let Some(why) = &r.why {
            model_why.insert(r.line, why);
        }
    }
    let width = doc
        .removed
        .iter()
        .map(|r| r.rule.len())
        .max()
        .unwrap_or(0)
        .max(4);
    for (i, raw) in raw_lines(text).enumerate() {
        let n = i + 1;
        match (kept.get(&n), removed.get(&n)) {
            (Some(text), None) => {
                let _ = writeln!(out, "{n:>4}   {:width$}  {text}", "");
            }
            (Some(text), Some(cuts)) => {
                let _ = writeln!(out, "{n:>4} ~ {:width$}  {text}", cuts[0].0);
                for (rule, cut) in cuts {
                    let _ = writeln!(out, "{:>4}   {:width$}    cut by {rule}: {cut:?}", "", "");
                }
            }
            (None, Some(cuts)) => {
                let _ = writeln!(out, "{n:>4} - {:width$}  {}", cuts[0].0, raw.trim());
            }
            (None, None) if !raw.trim().is_empty() => {
                let _ = writeln!(out, "{n:>4} ? {:width$}  {}", "(blank)", raw.trim());
            }
            (None, None) => {
                let _ = writeln!(out, "{n:>4}");
            }
        }
        if let Some(why) = model_why.get(&n) {
            let _ = writeln!(out, "{:>4}   {:width$}    {why}", "", "");
        }
    }
    out
}
