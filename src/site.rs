//! Recognising the site of a document, in the order users can override it: the record's own
//! `site`, the domain of its `url`, `--site`, then rule-file text fingerprints.

use crate::document::{Document, SiteSource};
use crate::rules::{FileKind, RuleFile, Rules};

/// The site name reported for documents no rule recognises.
pub const UNKNOWN: &str = "unknown";

/// The outcome of recognition: the site's name, how it was found, and its rule file if any.
#[derive(Clone, Debug)]
pub struct SiteMatch<'r> {
    pub name: String,
    pub source: SiteSource,
    pub file: Option<&'r RuleFile>,
}

/// The host of a URL, lower-cased, without `www.`, port or credentials.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority
        .rsplit('@')
        .next()?
        .split(':')
        .next()?
        .trim_end_matches('.');
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    let host = host.to_ascii_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

fn file_for_host<'r>(rules: &'r Rules, host: &str) -> Option<&'r RuleFile> {
    rules.of_kind(FileKind::Site).find(|f| {
        f.domains.iter().any(|d| {
            host == d
                || (host.len() > d.len()
                    && host.ends_with(d.as_str())
                    && host.as_bytes()[host.len() - d.len() - 1] == b'.')
        })
    })
}

/// A site named by the user or the record: a rule file's name, or a domain one of them claims.
fn file_for_name<'r>(rules: &'r Rules, name: &str) -> Option<&'r RuleFile> {
    rules
        .file(name)
        .filter(|f| f.kind == FileKind::Site)
        .or_else(|| file_for_host(rules, name.strip_prefix("www.").unwrap_or(name)))
}

/// The site file whose fingerprint best recognises `normalized` (the document's text through
/// `segment::normalized_text`; most patterns matching, the first file in name order on a tie).
pub fn fingerprint_site<'r>(rules: &'r Rules, normalized: &str) -> Option<&'r RuleFile> {
    let text = normalized;
    let mut best: Option<(&RuleFile, usize)> = None;
    for file in rules.of_kind(FileKind::Site) {
        if let Some(fp) = &file.fingerprint {
            let n = fp.matches(text);
            if n >= fp.min_matches && best.is_none_or(|(_, b)| n > b) {
                best = Some((file, n));
            }
        }
    }
    best.map(|(f, _)| f)
}

/// Recognises the site of `doc`; `flag` is `--site`; `normalized` is its text through
/// `segment::normalized_text`, for fingerprints.
pub fn recognise<'r>(
    rules: &'r Rules,
    doc: &Document,
    flag: Option<&str>,
    normalized: &str,
) -> SiteMatch<'r> {
    let named = |name: &str, source| SiteMatch {
        name: file_for_name(rules, name).map_or_else(|| name.to_string(), |f| f.name.clone()),
        source,
        file: file_for_name(rules, name),
    };
    if let Some(site) = doc.site.as_deref().filter(|s| !s.trim().is_empty()) {
        return named(site.trim(), SiteSource::Record);
    }
    if let Some(host) = doc.url.as_deref().and_then(host_of) {
        return match file_for_host(rules, &host) {
            Some(f) => SiteMatch {
                name: f.name.clone(),
                source: SiteSource::Url,
                file: Some(f),
            },
            None => SiteMatch {
                name: host,
                source: SiteSource::Url,
                file: None,
            },
        };
    }
    if let Some(site) = flag {
        return named(site, SiteSource::Flag);
    }
    match fingerprint_site(rules, normalized) {
        Some(f) => SiteMatch {
            name: f.name.clone(),
            source: SiteSource::Fingerprint,
            file: Some(f),
        },
        None => SiteMatch {
            name: UNKNOWN.to_string(),
            source: SiteSource::Unknown,
            file: None,
        },
    }
}

/// Platform files to apply: those the site file names, then any whose fingerprint matches
/// `normalized` (the document's text through `segment::normalized_text`).
pub fn platforms<'r>(
    rules: &'r Rules,
    site: Option<&RuleFile>,
    normalized: &str,
) -> Vec<&'r RuleFile> {
    let text = normalized;
    let mut out: Vec<&RuleFile> = Vec::new();
    if let Some(site) = site {
        out.extend(site.platforms.iter().filter_map(|p| rules.file(p)));
    }
    for file in rules.of_kind(FileKind::Platform) {
        if !out.iter().any(|f| f.name == file.name)
            && file
                .fingerprint
                .as_ref()
                .is_some_and(|fp| fp.recognises(text))
        {
            out.push(file);
        }
    }
    out
}

/// The outlet a document counts as for syndication: its site; for an unrecognised site the
/// URL's host; with neither, the document itself, since two pages of unknown origin are not
/// known to share one.
pub fn outlet(site: Option<&str>, url: Option<&str>, id: &str) -> String {
    match site {
        Some(site) if site != UNKNOWN && !site.is_empty() => site.to_string(),
        _ => url
            .and_then(host_of)
            .unwrap_or_else(|| format!("{UNKNOWN}:{id}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://www.SCMP.com/news/asia/article/1").as_deref(),
            Some("scmp.com")
        );
        assert_eq!(
            host_of("http://user:pw@edition.cnn.com:8080/x?y").as_deref(),
            Some("edition.cnn.com")
        );
        assert_eq!(host_of("scmp.com/news").as_deref(), Some("scmp.com"));
        assert_eq!(host_of("not a url"), None);
        assert_eq!(host_of(""), None);
    }

    #[test]
    fn outlets() {
        assert_eq!(outlet(Some("scmp"), None, "d"), "scmp");
        assert_eq!(
            outlet(Some("unknown"), Some("https://www.blog.example.org/x"), "d"),
            "blog.example.org"
        );
        assert_eq!(outlet(Some("unknown"), None, "d"), "unknown:d");
        assert_eq!(outlet(None, None, "d"), "unknown:d");
    }
}
