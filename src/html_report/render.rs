//! The page itself: HTML written with `write!` and one escaping helper, the stylesheet and the
//! filter script inlined from `report.css` and `report.js`, so the file needs nothing beside
//! it (no network, no server: it opens from `file://`).
//!
//! Elements the filters act on carry `data-filter` (their group, for the "N of M shown"
//! counters) and any of `data-site`, `data-rule`, `data-kind` (space-separated values); an
//! element without one of those passes that filter. The browser check reads the figures from
//! `data-figure` attributes.

use super::diff::{diff, Word};
use super::{ClusterSample, DocumentSample, Report, RuleStats, SiteStats};
use crate::document::Span;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::io::{self, Write};

const CSS: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Removed lines longer than this many code points are cut in the per-rule samples.
const SAMPLE_CHARS: usize = 300;

/// Text escaped for HTML content and attribute values.
struct Esc<'t>(&'t str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

/// A count with thousands separated by thin spaces, as people read them.
struct Count(u64);

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                f.write_str("\u{2009}")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

fn percent(part: u64, whole: u64) -> String {
    match whole {
        0 => "–".to_string(),
        _ => format!("{:.1}%", part as f64 * 100.0 / whole as f64),
    }
}

/// The first `max` code points of `text`, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Writes the page.
pub fn render(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let samples: HashMap<&str, usize> = r
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.record.id.as_str(), i))
        .rev()
        .collect();
    let shown_clusters: BTreeSet<u64> = r.cluster_samples.iter().map(|c| c.id).collect();
    // A paragraph's record names one cluster, but it can be a member of a shared-quote
    // cluster too: a document's kinds for the filter are both.
    let mut member_kinds: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for c in &r.cluster_samples {
        for m in &c.members {
            member_kinds
                .entry(m.doc.as_str())
                .or_default()
                .insert(c.kind.as_str());
        }
    }
    let page = Page {
        r,
        samples,
        shown_clusters,
        member_kinds,
    };
    write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>newsclean report: {}</title><style>{CSS}</style></head>\n<body>\n",
        Esc(&r.dir.display().to_string())
    )?;
    page.header(out)?;
    page.summary(out)?;
    page.rules(out)?;
    page.sites(out)?;
    page.clusters(out)?;
    page.documents(out)?;
    write!(out, "<script>{SCRIPT}</script>\n</body></html>\n")
}

struct Page<'r> {
    r: &'r Report,
    /// Sampled documents by id (the first of an id).
    samples: HashMap<&'r str, usize>,
    shown_clusters: BTreeSet<u64>,
    /// The kinds of the shown clusters each document has a member in.
    member_kinds: HashMap<&'r str, BTreeSet<&'r str>>,
}

impl Page<'_> {
    /// A link to a document's full view when it is sampled, else its id.
    fn doc_link(&self, id: &str) -> String {
        match self.samples.get(id) {
            Some(i) => format!("<a href=\"#doc-{i}\">{}</a>", Esc(id)),
            None => format!(
                "<span title=\"not in the sample of documents\">{}</span>",
                Esc(id)
            ),
        }
    }

    fn header(&self, out: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        write!(
            out,
            "<header><h1>newsclean report</h1><p class=\"muted\">{}",
            Esc(&r.dir.display().to_string())
        )?;
        if !r.run.command.is_empty() {
            write!(out, " · <code>{}</code>", Esc(&r.run.command.join(" ")))?;
        }
        if !r.run.rule_files.is_empty() {
            let files: Vec<String> = r
                .run
                .rule_files
                .iter()
                .map(|f| format!("{} ({})", f.name, f.digest))
                .collect();
            write!(out, " · rule files: {}", Esc(&files.join(", ")))?;
        }
        writeln!(
            out,
            "</p><nav><a href=\"#summary\">summary</a> <a href=\"#rules\">removals</a> \
             <a href=\"#sites\">sites</a> <a href=\"#clusters\">clusters</a> \
             <a href=\"#documents\">documents</a></nav>"
        )?;
        // The filters.
        let mut sites: Vec<(&String, &SiteStats)> = r.sites.iter().collect();
        sites.sort_by(|a, b| b.1.documents.cmp(&a.1.documents).then(a.0.cmp(b.0)));
        write!(out, "<form id=\"filters\" onsubmit=\"return false\"><label>site <select id=\"f-site\"><option value=\"\">all</option>")?;
        for (site, _) in sites.iter().take(r.limits.site_rows) {
            write!(out, "<option>{}</option>", Esc(site))?;
        }
        write!(
            out,
            "</select></label> <label>rule <select id=\"f-rule\"><option value=\"\">all</option>"
        )?;
        for rule in r.rules.keys() {
            write!(out, "<option>{}</option>", Esc(rule))?;
        }
        write!(out, "</select></label> <label>cluster kind <select id=\"f-kind\"><option value=\"\">all</option>")?;
        for kind in r.clusters.keys() {
            write!(out, "<option>{}</option>", Esc(kind))?;
        }
        if !r.document_clusters.is_empty() {
            write!(out, "<option>document</option>")?;
        }
        writeln!(
            out,
            "</select></label> <label>search <input id=\"f-q\" type=\"search\" \
             placeholder=\"words in a row, cluster or document\"></label> \
             <button type=\"button\" id=\"f-clear\">clear</button></form></header>"
        )
    }

    fn figure(out: &mut dyn Write, name: &str, label: &str, value: &str) -> io::Result<()> {
        write!(
            out,
            "<div><dt>{label}</dt><dd data-figure=\"{name}\">{value}</dd></div>"
        )
    }

    fn summary(&self, out: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        let t = &r.totals;
        let run = &r.run;
        writeln!(
            out,
            "<section id=\"summary\"><h2>Summary</h2><dl class=\"figures\">"
        )?;
        let read = match run.found {
            true => run.documents_read,
            false => t.documents,
        };
        Self::figure(
            out,
            "documents-read",
            "documents read",
            &Count(read).to_string(),
        )?;
        Self::figure(
            out,
            "documents-written",
            "documents written",
            &Count(t.documents).to_string(),
        )?;
        Self::figure(
            out,
            "documents-failed",
            "documents failed",
            &Count(run.documents_failed).to_string(),
        )?;
        let sites = r.sites.len() as u64 + u64::from(r.other_sites.is_some());
        Self::figure(out, "sites", "sites", &Count(sites).to_string())?;
        Self::figure(
            out,
            "paragraphs-kept",
            "paragraphs kept",
            &Count(t.paragraphs).to_string(),
        )?;
        Self::figure(out, "removals", "removals", &Count(t.removals).to_string())?;
        let share = percent(t.removed_chars, t.kept_chars + t.removed_chars);
        Self::figure(out, "removed-share", "of the characters removed", &share)?;
        for (kind, stats) in &r.clusters {
            Self::figure(
                out,
                &format!("clusters-{kind}"),
                &format!(
                    "{} clusters ({} paragraphs)",
                    Esc(kind),
                    Count(stats.paragraphs)
                ),
                &Count(stats.clusters).to_string(),
            )?;
        }
        for (kind, n) in &r.document_clusters {
            Self::figure(
                out,
                &format!("document-clusters-{kind}"),
                &format!("{} document clusters", Esc(kind)),
                &Count(*n).to_string(),
            )?;
        }
        if run.found {
            let secs = run.seconds.max(1e-9);
            Self::figure(out, "seconds", "time", &format!("{:.2} s", run.seconds))?;
            Self::figure(
                out,
                "throughput",
                "throughput",
                &format!(
                    "{:.1} MB/s · {} documents/s",
                    run.bytes_read as f64 / 1e6 / secs,
                    Count((read as f64 / secs) as u64)
                ),
            )?;
            Self::figure(
                out,
                "megabytes-read",
                "read",
                &format!("{:.1} MB", run.bytes_read as f64 / 1e6),
            )?;
            if let Some(kib) = run.peak_memory_kib {
                Self::figure(
                    out,
                    "peak-memory",
                    "peak memory",
                    &format!("{:.0} MiB", kib as f64 / 1024.0),
                )?;
            }
        }
        writeln!(out, "</dl>")?;
        if !r.dedup_ran {
            writeln!(out, "<p class=\"muted\">No duplicates.jsonl: near-duplicates were not looked for (<code>newsclean run</code> or <code>dedup</code> does).</p>")?;
        }
        if !run.found {
            writeln!(out, "<p class=\"muted\">No run.json: reads, failures and time are not known; the figures are the records'.</p>")?;
        }
        if run.interrupted {
            writeln!(out, "<p class=\"warn\">The run was interrupted.</p>")?;
        }
        if run.duplicate_ids > 0 {
            writeln!(
                out,
                "<p class=\"warn\">{} documents have an id an earlier one had.</p>",
                Count(run.duplicate_ids)
            )?;
        }
        if !run.failures.is_empty() {
            writeln!(
                out,
                "<h3>Failures ({}{})</h3><ul id=\"failures\">",
                Count(run.failures.len() as u64),
                match run.failures.len() > r.limits.failures {
                    true => format!(", the first {} shown", r.limits.failures),
                    false => String::new(),
                }
            )?;
            for f in run.failures.iter().take(r.limits.failures) {
                writeln!(
                    out,
                    "<li data-failure><code>{}</code>: {}</li>",
                    Esc(&f.location),
                    Esc(&f.reason)
                )?;
            }
            writeln!(out, "</ul>")?;
        }
        writeln!(out, "</section>")
    }

    fn rules(&self, out: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        writeln!(
            out,
            "<section id=\"rules\"><h2>Removals</h2><p class=\"muted\">Every removal of the run, \
             by the rule that made it and by the classifier's reason. Share: of the {} documents \
             written. Characters are code points of the original. Up to {} removed lines per \
             rule, from different documents, the first met.</p>",
            Count(r.totals.documents),
            r.limits.samples_per_rule
        )?;
        let (classifier, rules): (Vec<_>, Vec<_>) = r
            .rules
            .iter()
            .partition(|(name, _)| name.starts_with("classifier:"));
        self.rule_table(out, "By rule", "rule", rules)?;
        self.rule_table(out, "By classifier reason", "reason", classifier)?;
        writeln!(out, "</section>")
    }

    fn rule_table(
        &self,
        out: &mut dyn Write,
        title: &str,
        what: &str,
        mut rows: Vec<(&String, &RuleStats)>,
    ) -> io::Result<()> {
        if rows.is_empty() {
            return writeln!(out, "<h3>{title}</h3><p class=\"muted\">none</p>");
        }
        rows.sort_by(|a, b| b.1.removals.cmp(&a.1.removals).then(a.0.cmp(b.0)));
        writeln!(
            out,
            "<h3>{title} <output data-count=\"{what}\"></output></h3><table class=\"rules\"><thead><tr><th>{what}</th>\
             <th class=\"n\">removals</th><th class=\"n\">documents</th><th class=\"n\">share</th>\
             <th class=\"n\">characters</th><th>removed lines (sample)</th></tr></thead><tbody>"
        )?;
        let docs = self.r.totals.documents;
        for (name, s) in rows {
            write!(
                out,
                "<tr data-filter=\"{what}\" data-rule=\"{n}\"><td><a class=\"set\" data-set-rule=\"{n}\" href=\"#documents\">{n}</a></td>\
                 <td class=\"n\" data-removals>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td><ul class=\"samples\">",
                Count(s.removals),
                Count(s.documents),
                percent(s.documents, docs),
                Count(s.chars),
                n = Esc(name),
            )?;
            for sample in &s.samples {
                let text = match &sample.text {
                    Some(t) => format!("<del class=\"rm\">{}</del>", Esc(&cut(t.trim(), SAMPLE_CHARS))),
                    None => "<span class=\"muted\">(text not available: the input could not be read back)</span>".to_string(),
                };
                write!(
                    out,
                    "<li>{text} <span class=\"where\">{} · {} line {}</span></li>",
                    Esc(&sample.site),
                    self.doc_link(&sample.doc),
                    sample.line
                )?;
            }
            writeln!(out, "</ul></td></tr>")?;
        }
        writeln!(out, "</tbody></table>")
    }

    fn sites(&self, out: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        let mut rows: Vec<(&str, &SiteStats)> =
            r.sites.iter().map(|(k, v)| (k.as_str(), v)).collect();
        rows.sort_by(|a, b| b.1.documents.cmp(&a.1.documents).then(a.0.cmp(b.0)));
        let total = rows.len();
        rows.truncate(r.limits.site_rows);
        if let Some(other) = &r.other_sites {
            rows.push(("(other sites)", other));
        }
        writeln!(
            out,
            "<section id=\"sites\"><h2>Sites <output data-count=\"site\"></output></h2><p class=\"muted\">{}. \
             Recognised by: the record's <code>site</code>, its <code>url</code>, <code>--site</code>, \
             a rule file's fingerprint, or not at all (<code>unknown</code>: generic rules and the classifier).</p>\
             <table class=\"sites\"><thead><tr><th>site</th><th class=\"n\">documents</th><th class=\"n\">paragraphs kept</th>\
             <th class=\"n\">kept chars</th><th class=\"n\">removed chars</th><th class=\"n\">removed</th>\
             <th class=\"n\">classifier removals</th><th>recognised by</th><th>platforms</th></tr></thead><tbody>",
            match total > r.limits.site_rows {
                true => format!("The {} largest of {} sites", r.limits.site_rows, Count(total as u64)),
                false => format!("{} sites", Count(total as u64)),
            }
        )?;
        let list = |m: &std::collections::BTreeMap<String, u64>| {
            m.iter()
                .map(|(k, v)| format!("{} {}", Esc(k), Count(*v)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (site, s) in rows {
            writeln!(
                out,
                "<tr data-filter=\"site\" data-site=\"{n}\"><td><a class=\"set\" data-set-site=\"{n}\" href=\"#documents\">{n}</a></td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                Count(s.documents),
                Count(s.paragraphs),
                Count(s.kept_chars),
                Count(s.removed_chars),
                percent(s.removed_chars, s.kept_chars + s.removed_chars),
                Count(s.classifier_removals),
                list(&s.recognised),
                list(&s.platforms),
                n = Esc(site),
            )?;
        }
        writeln!(out, "</tbody></table></section>")
    }

    fn clusters(&self, out: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        // The sample's bounds, stated for readers of the DOM (the browser check) too.
        writeln!(
            out,
            "<section id=\"clusters\" data-clusters-per-kind=\"{}\" data-members-per-cluster=\"{}\">\
             <h2>Near-duplicate clusters <output data-count=\"cluster\"></output></h2>",
            r.limits.clusters_per_kind, r.limits.members_per_cluster
        )?;
        if !r.dedup_ran {
            return writeln!(
                out,
                "<p class=\"muted\">Not looked for in this run.</p></section>"
            );
        }
        writeln!(
            out,
            "<p class=\"muted\">Members side by side, each against the first: <mark>shared words</mark>, \
             words only the first has <del>struck</del>, words only the other has <ins>underlined</ins> \
             (compared casefolded, typographic quotes as plain ones). The first {} clusters of each kind, \
             {} members of each.</p>",
            r.limits.clusters_per_kind, r.limits.members_per_cluster
        )?;
        let order = ["syndicated", "shared-quote", "site-template", "repeated"];
        let mut kinds: Vec<&String> = r.clusters.keys().collect();
        kinds.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(order.len()));
        for kind in kinds {
            let stats = &r.clusters[kind];
            writeln!(
                out,
                "<h3 class=\"kind-{k}\">{k}: {} clusters, {} paragraphs</h3>{}",
                Count(stats.clusters),
                Count(stats.paragraphs),
                match kind.as_str() {
                    "syndicated" => "<p class=\"muted\">The same paragraph at two or more outlets: wire copy.</p>",
                    "shared-quote" => "<p class=\"muted\">A quotation shared inside otherwise different sentences: not a copy.</p>",
                    "site-template" => "<p class=\"muted\">A paragraph one site repeats across its pages.</p>",
                    "repeated" => "<p class=\"muted\">A paragraph repeated inside one document.</p>",
                    _ => "",
                },
                k = Esc(kind),
            )?;
            for c in r.cluster_samples.iter().filter(|c| &c.kind == kind) {
                self.cluster(out, c)?;
            }
        }
        if !r.document_clusters.is_empty() {
            let counts: Vec<String> = r
                .document_clusters
                .iter()
                .map(|(k, n)| format!("{} {}", Count(*n), Esc(k)))
                .collect();
            writeln!(
                out,
                "<h3>Documents republished whole: {}</h3>",
                counts.join(", ")
            )?;
            for c in &r.document_cluster_samples {
                let sites: Vec<&str> = c.sites.iter().map(String::as_str).collect();
                write!(
                    out,
                    "<article class=\"cluster\" data-filter=\"cluster\" data-kind=\"document\" data-site=\"{}\">\
                     <h4>document cluster {} · {} · credits: {}</h4><ul>",
                    Esc(&sites.join(" ")),
                    c.id,
                    Esc(&c.kind),
                    Esc(&c.credits.join(", ")),
                )?;
                for d in &c.documents {
                    write!(out, "<li>{} · {}</li>", Esc(&d.site), self.doc_link(&d.doc))?;
                }
                writeln!(out, "</ul></article>")?;
            }
        }
        writeln!(out, "</section>")
    }

    fn cluster(&self, out: &mut dyn Write, c: &ClusterSample) -> io::Result<()> {
        let best = c.pairs.iter().map(|p| p.similarity).fold(0.0, f64::max);
        write!(
            out,
            "<article class=\"cluster\" id=\"cluster-{id}\" data-cluster=\"{id}\" data-filter=\"cluster\" \
             data-kind=\"{k}\" data-site=\"{s}\"><h4>cluster {id} · <span class=\"badge kind-{k}\">{k}</span> · \
             {s} · credits: {cr} · best similarity {best:.2}{more}</h4><div class=\"members\">",
            id = c.id,
            k = Esc(&c.kind),
            s = Esc(&c.sites.join(" ")),
            cr = Esc(&match c.credits.is_empty() {
                true => "none".to_string(),
                false => c.credits.join(", "),
            }),
            more = match c.total_members > c.members.len() {
                true => format!(" · {} of {} members shown", c.members.len(), c.total_members),
                false => String::new(),
            },
        )?;
        let base = &c.members[..c.members.len().min(1)];
        for (j, m) in c.members.iter().enumerate() {
            // The first member against the second; every other member against the first.
            let (words, against) = match (j, c.members.get(1), base.first()) {
                (0, Some(second), _) => (diff(&m.text, &second.text).0, "first"),
                (_, _, Some(first)) if j > 0 => (diff(&first.text, &m.text).1, "other"),
                _ => (diff(&m.text, "").0, "first"),
            };
            let similarity = c
                .pairs
                .iter()
                .find(|p| (p.a, p.b) == (0, j) || (p.a, p.b) == (j, 0))
                .map(|p| format!(" · similarity {:.2}", p.similarity))
                .unwrap_or_default();
            let doc = self.r.members.get(&m.doc);
            write!(
                out,
                "<div class=\"member\" data-member=\"{}\"><p class=\"who\"><b>{}</b> · {} ¶{}{similarity}</p>",
                Esc(&m.doc),
                Esc(&m.site),
                self.doc_link(&m.doc),
                m.paragraph,
            )?;
            if let Some(doc) = doc {
                if let Some(title) = &doc.title {
                    write!(out, "<p class=\"title\">{}</p>", Esc(title))?;
                }
                if !doc.credits.is_empty() {
                    write!(
                        out,
                        "<p class=\"credits\">credits: {}</p>",
                        Esc(&doc.credits.join(", "))
                    )?;
                }
            }
            write!(out, "<p class=\"words\">")?;
            write_words(out, &words, against)?;
            write!(out, "</p></div>")?;
        }
        writeln!(out, "</div></article>")
    }

    fn documents(&self, out: &mut dyn Write) -> io::Result<()> {
        let r = self.r;
        let l = &r.limits;
        writeln!(
            out,
            "<section id=\"documents\"><h2>Documents <output data-count=\"document\"></output></h2>\
             <p class=\"muted\" id=\"sample-statement\">{} of {} documents are shown in full (at most {}): the first {} of the run, \
             the first of each site (up to {} sites), the first each rule removed lines from, and (up to {}) \
             those holding the shown clusters' paragraphs. Every figure above counts all {}.</p>\
             <p class=\"legend\">The original text: <del class=\"rm\">removed</del><span class=\"rule-tag\">rule</span> \
             · <span class=\"kept\">kept</span> · <span class=\"badge kind-syndicated\">cluster</span> badges link to the cluster.</p>",
            Count(r.documents.len() as u64),
            Count(r.totals.documents),
            l.documents,
            l.first_documents,
            l.sites_with_example,
            l.documents / 2,
            Count(r.totals.documents),
        )?;
        for (i, d) in r.documents.iter().enumerate() {
            self.document(out, i, d)?;
        }
        writeln!(out, "</section>")
    }

    fn document(&self, out: &mut dyn Write, i: usize, d: &DocumentSample) -> io::Result<()> {
        let rec = &d.record;
        let rules: BTreeSet<&str> = rec
            .removed
            .iter()
            .map(|x| super::rule_name(&x.rule))
            .collect();
        let mut kinds: BTreeSet<&str> = rec
            .paragraphs
            .iter()
            .filter_map(|p| p.kind.as_deref())
            .collect();
        if let Some(more) = self.member_kinds.get(rec.id.as_str()) {
            kinds.extend(more);
        }
        let site_source = serde_json::to_value(rec.site_source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        write!(
            out,
            "<article class=\"doc\" id=\"doc-{i}\" data-doc=\"{id}\" data-filter=\"document\" data-site=\"{site}\" \
             data-rule=\"{rules}\" data-kind=\"{kinds}\"><h3>{id}</h3><p class=\"meta\">site <b>{site}</b> \
             (recognised by {src}) · <code>{source}</code> · {p} paragraphs kept, {n} removals · shown because {why}</p>",
            id = Esc(&rec.id),
            site = Esc(&rec.site),
            rules = Esc(&rules.into_iter().collect::<Vec<_>>().join(" ")),
            kinds = Esc(&kinds.into_iter().collect::<Vec<_>>().join(" ")),
            src = Esc(&site_source),
            source = Esc(&rec.source),
            p = rec.paragraphs.len(),
            n = rec.removed.len(),
            why = Esc(&d.why),
        )?;
        if let Some(title) = &rec.metadata.title {
            write!(out, "<p class=\"title\">{}</p>", Esc(title))?;
        }
        if !rec.metadata.credits.is_empty() {
            write!(
                out,
                "<p class=\"credits\">credits: {}</p>",
                Esc(&rec.metadata.credits.join(", "))
            )?;
        }
        match &d.original {
            Some(original) => self.original_view(out, rec, original)?,
            None => {
                write!(
                    out,
                    "<p class=\"warn\">Original not shown: {}. Kept paragraphs and removals from the record, in their original order.</p>",
                    Esc(d.original_note.as_deref().unwrap_or("not read back"))
                )?;
                self.record_view(out, rec)?;
            }
        }
        writeln!(out, "</article>")
    }

    fn badge(&self, p: &crate::output::ParagraphRecord) -> String {
        let (Some(id), Some(kind)) = (p.cluster, p.kind.as_deref()) else {
            return String::new();
        };
        let sim = p
            .similarity
            .map(|s| format!(" · {s:.2}"))
            .unwrap_or_default();
        match self.shown_clusters.contains(&u64::from(id)) {
            true => format!(
                "<a class=\"badge kind-{k}\" data-badge=\"{id}\" href=\"#cluster-{id}\">{k} #{id}{sim}</a>",
                k = Esc(kind)
            ),
            false => format!(
                "<span class=\"badge kind-{k}\" data-badge=\"{id}\" title=\"cluster not in the sample\">{k} #{id}{sim}</span>",
                k = Esc(kind)
            ),
        }
    }

    /// The original text, each stretch marked by the innermost span over it: a removal
    /// (struck, its rule after it), a kept paragraph (its badge before it), or neither (the
    /// blank lines between).
    fn original_view(
        &self,
        out: &mut dyn Write,
        rec: &crate::output::Record,
        original: &str,
    ) -> io::Result<()> {
        let offsets: Vec<usize> = original
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(original.len()))
            .collect();
        let chars = offsets.len() - 1;
        let n = chars.min(self.r.limits.document_chars);
        let clip = |s: Span| Span::new(s.start.min(n), s.end.min(n).max(s.start.min(n)));
        let removals: Vec<Span> = rec.removed.iter().map(|x| clip(x.original)).collect();
        let kept: Vec<Span> = rec.paragraphs.iter().map(|p| clip(p.original)).collect();
        let mut cuts: Vec<usize> = vec![0, n];
        cuts.extend(removals.iter().chain(&kept).flat_map(|s| [s.start, s.end]));
        cuts.sort_unstable();
        cuts.dedup();
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Removed(usize),
            Kept(usize),
            Plain,
        }
        let innermost = |spans: &[Span], a: usize, b: usize| {
            spans
                .iter()
                .enumerate()
                .filter(|(_, s)| s.start <= a && b <= s.end)
                .min_by_key(|(_, s)| s.end - s.start)
                .map(|(i, _)| i)
        };
        let mut runs: Vec<(Mark, usize, usize)> = Vec::new();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let mark = match (innermost(&removals, a, b), innermost(&kept, a, b)) {
                (Some(i), _) => Mark::Removed(i),
                (None, Some(j)) => Mark::Kept(j),
                (None, None) => Mark::Plain,
            };
            match runs.last_mut() {
                Some(last) if last.0 == mark => last.2 = b,
                _ => runs.push((mark, a, b)),
            }
        }
        // data-chars: how much of the original the view shows (all of it unless cut).
        write!(out, "<pre class=\"text\" data-chars=\"{n}\">")?;
        let mut open_kept: Option<usize> = None;
        for (mark, a, b) in runs {
            let text = Esc(&original[offsets[a]..offsets[b]]);
            if let Some(j) = open_kept {
                if mark != Mark::Kept(j) && !(matches!(mark, Mark::Removed(_)) && b <= kept[j].end)
                {
                    write!(out, "</span>")?;
                    open_kept = None;
                }
            }
            match mark {
                Mark::Removed(i) => {
                    let rule = &rec.removed[i].rule;
                    // The record's span, even where the view is cut short of its end.
                    let span = rec.removed[i].original;
                    write!(
                        out,
                        "<del class=\"rm\" data-rule=\"{r}\" data-span=\"{}-{}\" title=\"line {} · {r}\">{text}</del>",
                        span.start,
                        span.end,
                        rec.removed[i].line,
                        r = Esc(rule)
                    )?;
                    if b == removals[i].end {
                        write!(out, "<span class=\"rule-tag\">{}</span>", Esc(rule))?;
                    }
                }
                Mark::Kept(j) => {
                    if open_kept != Some(j) {
                        let p = &rec.paragraphs[j];
                        if a == kept[j].start {
                            write!(out, "{}", self.badge(p))?;
                        }
                        let class = p
                            .class
                            .as_deref()
                            .map(|c| format!(" title=\"{}\"", Esc(c)))
                            .unwrap_or_default();
                        write!(out, "<span class=\"kept\" data-paragraph=\"{j}\"{class}>")?;
                        open_kept = Some(j);
                    }
                    write!(out, "{text}")?;
                }
                Mark::Plain => write!(out, "<span class=\"gap\">{text}</span>")?,
            }
        }
        if open_kept.is_some() {
            write!(out, "</span>")?;
        }
        write!(out, "</pre>")?;
        if chars > n {
            write!(
                out,
                "<p class=\"muted\">Cut at {} of {} characters.</p>",
                Count(n as u64),
                Count(chars as u64)
            )?;
        }
        Ok(())
    }

    /// Without the original: kept paragraphs and removals in original order, a removal's text
    /// when the record has it.
    fn record_view(&self, out: &mut dyn Write, rec: &crate::output::Record) -> io::Result<()> {
        let mut items: Vec<(usize, String)> = Vec::new();
        for (j, (p, text)) in rec.paragraphs.iter().zip(rec.paragraph_texts()).enumerate() {
            items.push((
                p.original.start,
                format!(
                    "{}<span class=\"kept\" data-paragraph=\"{j}\">{}</span>",
                    self.badge(p),
                    Esc(text)
                ),
            ));
        }
        for x in &rec.removed {
            let text = match &x.text {
                Some(t) => Esc(t).to_string(),
                None => format!("[line {}, {} characters]", x.line, x.original.len()),
            };
            items.push((
                x.original.start,
                format!(
                    "<del class=\"rm\" data-rule=\"{r}\">{text}</del><span class=\"rule-tag\">{r}</span>",
                    r = Esc(&x.rule)
                ),
            ));
        }
        items.sort_by_key(|i| i.0);
        write!(out, "<pre class=\"text\">")?;
        for (_, item) in items {
            write!(out, "{item}\n\n")?;
        }
        write!(out, "</pre>")
    }
}

/// A member's words: shared ones marked, the others as the side's edits.
fn write_words(out: &mut dyn Write, words: &[Word], side: &str) -> io::Result<()> {
    let edit = match side {
        "first" => "del",
        _ => "ins",
    };
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            write!(out, " ")?;
        }
        match w.shared {
            true => write!(out, "<mark>{}</mark>", Esc(w.text))?,
            false => write!(out, "<{edit}>{}</{edit}>", Esc(w.text))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            Esc("<a href=\"x\">Tom & Jerry's</a>").to_string(),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(Esc("plain").to_string(), "plain");
    }

    #[test]
    fn counts_and_cuts() {
        assert_eq!(Count(1234567).to_string(), "1\u{2009}234\u{2009}567");
        assert_eq!(Count(12).to_string(), "12");
        assert_eq!(cut("héllo", 2), "hé…");
        assert_eq!(cut("hé", 2), "hé");
        assert_eq!(percent(1, 4), "25.0%");
        assert_eq!(percent(1, 0), "–");
    }
}
