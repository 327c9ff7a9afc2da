//! Lines whose words, not shape, tell the classifier something: the heading of a related-links
//! box or a comment section, and the vocabulary of promotion (subscribe, newsletter, cookies,
//! donate). They are not removed for what they say (that is what `rules/generic.toml` does, with
//! fixtures); they weigh on where the article ends. A comment-section heading ends the article;
//! a related-links heading is a barrier that only a substantial run of article text can cross;
//! promotional words mark a borderline line at the edge of the article as clutter.
//!
//! Patterns cover the languages of `stopwords/`, briefly. They are compiled once. Word
//! boundaries are ASCII (`(?-u:\b)`): a Unicode `\b` keeps the regex engine off its fast
//! automaton on non-ASCII text, and every line of every page goes through these patterns.

use regex::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// What a line's words say about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// Nothing special.
    None,
    /// The heading of a box of links to other stories (`Related`, `Most popular`, `Tags`).
    Related,
    /// The start of a comment section (`3 Comments`, `Leave a Reply`, `Show comments`).
    Comments,
    /// A relative time stamp (`32M ago`, `2 hours ago`, `updated 16M ago`): the furniture of
    /// teaser lists and comment threads, never of an article body.
    Ago,
    /// Promotion or site furniture in a sentence (`Sign up for our newsletter`), or an author's
    /// bio (`Jane Doe is a reporter covering ...`).
    Promo,
}

/// Headings are short: longer lines are only tested for promotion.
const HEADING_MAX_WORDS: usize = 10;

const RELATED: &str = r"^(related( articles?| stories| posts?| news| content| coverage| reading| links| videos?| topics)?|more (stories|news|articles|videos|headlines|from [\w .'’&-]+|on (this|that)( story| topic)?|like this|in [\w .'’&-]+|to read)|(most |the )?(popular|read|viewed|watched|shared|commented)( (stories|articles|now|today|news|this week|videos))?|most popular [\w ]+|trending( now| news| stories| articles| topics| videos)?|recommended( for you| stories| articles| reading| videos)?|you (may|might) (also )?(like|enjoy|be interested in)|you may have missed|don'?t miss|editor'?s (picks?|choice)|top (stories|news|videos)|latest( news| stories| articles| videos| headlines)?|read next|up next|what to read next|also (read|on [\w .'-]+)|see also|further reading|in other news|(more )?(from|around) the web|sponsored( links| stories| content)?|promoted( links| stories| content)?|tags?|topics|filed under|share this( article| story| post| page)?|about the author|more articles|other stories|lea también|leia (também|mais)|veja também|(artigos|posts|mat[ée]rias|not[íi]cias|articoli|notizie|art[íi]culos|entradas|articles|beiträge|artikel|berita) (relacionad[oa]s|correlat[ie]|similares|similaires|connexes|ähnliche|verwandte|terkait|lainnya)|(mais|más) (lidas|le[íi]d[oa]s|populares|vistas)|i più letti|meistgelesen|sobre o autor|sobre el autor|sull'autore|über den autor|à propos de l'auteur|tentang penulis|leggi anche|potrebbe interessarti|lesen sie auch|mehr zum thema|das könnte sie auch interessieren|weitere artikel|baca juga|terpopuler|читайте также|похожие (статьи|новости|материалы)|популярное|관련 ?기사|많이 본 (뉴스|기사|칼럼))[\s:.!»›>]*$";

const COMMENTS: &str = r"^((\d+|no|one|two|three|four|five) )?((top|most|best|all|latest|newest|oldest|reader|user|featured|recent)( rated| recent| popular| liked)? )?(comments?|responses?|replies|reader comments|thoughts on .+|references? to .+|reactions?)[\s:.!]*$|^(leave|post|add|write|submit|make) (a |your |the first )?(comment|reply|response)|^(want to )?join the (conversation|discussion)|^(show|view|load|see|hide|read|open) (all |the )?(\d+ )?(comments|replies|discussion)|^comments? (are |is )?(closed|disabled|powered)|^(be the first to comment|conversation|discussion)[\s:.!]*$|^((\d+ )?(kommentare?|comentários?|comentarios?|commenti|commento|commentaires?|komentar|комментари[йия]|댓글)|kommentar schreiben|(schreibe|hinterlasse) einen kommentar|deix[ea] (um|seu|uma) (comentário|resposta)|deja (un|tu) (comentario|respuesta)|lascia (un commento|una risposta)|laisser un commentaire|tinggalkan (balasan|komentar)|оставить комментарий)";

/// Words of promotion that a news sentence may use too ("shared with paying subscribers"):
/// they mark only short lines.
const PROMO_WEAK: &str = r"(?-u:\b)(subscri(be|ber|bers|bing|ption|ptions)|log ?in|sign in|register|donat(e|ion|ions)|advertis(e|er|ers|ing|ement)|(registered )?trademarks?|free trial|premium|abonne|assine|abbonati|abonnieren|berlangganan)(?-u:\b)|подпи(шитесь|ска)";

/// Phrases of promotion that mark a line of any length.
const PROMO: &str = r"(?-u:\b)(newsletters?|sign(ing)? up (for|to|now|today)|(leave|leaving) a tip|(we|this (web)?site) uses? cookies|cookie (policy|settings)|privacy (policy|notice|settings)|terms (of|and) (use|service|conditions)|all rights reserved|follow us|download (our|the) app|push notifications|your inbox|your email address|unlimited access|support (our|independent) (journalism|reporting)|our (journalism|content|newsroom)|(on|of) this (web)?site)(?-u:\b)";

const AGO: &str = r"^((updated|posted|published) )?(\d+\s?(s|m|h|d|w|mo|y|secs?|mins?|hrs?|minutes?|hours?|days?|weeks?|months?|years?)|an? (minute|hour|day|week|month|year)) ago$|^(há|hace|il y a|vor) \d+ \w+$|^\d+ (menit|jam|hari) (yang )?lalu$|^\d+ \w+ назад$";

/// Lines up to this many words are marked by a weak promotion word.
const PROMO_WEAK_MAX_WORDS: usize = 20;

/// An author's bio after the article: `Jane Doe is a senior reporter covering ...`.
const BIO: &str = r"^\p{Lu}[\p{L}.'’-]+( \p{Lu}[\p{L}.'’-]+){0,3} (is|was) (a|an|the) ([\p{L}-]+ ){0,4}(reporter|writer|correspondent|editor|journalist|columnist|contributor|author|producer|freelancer?|blogger)(?-u:\b)";

/// The patterns, compiled once. (One regex each: a `RegexSet` of them measured slower, as it
/// gives up the literal prefilters of the single patterns.)
#[derive(Clone)]
struct Patterns {
    comments: Regex,
    related: Regex,
    ago: Regex,
    promo: Regex,
    bio: Regex,
    promo_weak: Regex,
}

fn build(pattern: &str) -> Regex {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .expect("marker patterns are valid")
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        comments: build(COMMENTS),
        related: build(RELATED),
        ago: build(AGO),
        promo: build(PROMO),
        bio: build(BIO),
        promo_weak: build(PROMO_WEAK),
    })
}

thread_local! {
    /// This thread's copy of the patterns: a regex's match caches are fast only for the thread
    /// that used it first, and a clone has caches of its own (see `pipeline::clean_pass::PerThread`).
    static LOCAL: Patterns = patterns().clone();
}

/// What `text` (a normalised line of `words` words) says about itself.
pub fn marker(text: &str, words: usize) -> Marker {
    LOCAL.with(|p| marker_with(p, text, words))
}

fn marker_with(p: &Patterns, text: &str, words: usize) -> Marker {
    if words <= HEADING_MAX_WORDS {
        // `[ 167 comments ]`, `» Related`: the heading without its decoration.
        let core = text.trim_matches(|c: char| !c.is_alphanumeric());
        if p.comments.is_match(core) {
            return Marker::Comments;
        }
        if p.related.is_match(core) {
            return Marker::Related;
        }
        if words <= 5 && p.ago.is_match(core) {
            return Marker::Ago;
        }
    }
    if words <= 60
        && (p.promo.is_match(text)
            || p.bio.is_match(text)
            || (words <= PROMO_WEAK_MAX_WORDS && p.promo_weak.is_match(text)))
    {
        return Marker::Promo;
    }
    Marker::None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Marker {
        marker(text, text.split_whitespace().count())
    }

    #[test]
    fn headings() {
        assert_eq!(m("Related Articles"), Marker::Related);
        assert_eq!(m("MOST POPULAR"), Marker::Related);
        assert_eq!(m("More from The Example Times"), Marker::Related);
        assert_eq!(m("Leia também:"), Marker::Related);
        assert_eq!(m("Artigos relacionados"), Marker::Related);
        assert_eq!(m("Deixe uma resposta Cancelar resposta"), Marker::Comments);
        assert_eq!(m("12 Comments"), Marker::Comments);
        assert_eq!(m("[ 167 comments ]"), Marker::Comments);
        assert_eq!(m("Top Rated Comments"), Marker::Comments);
        assert_eq!(m("32M ago"), Marker::Ago);
        assert_eq!(m("updated 2 hours ago"), Marker::Ago);
        assert_eq!(m("Leave a Reply"), Marker::Comments);
        assert_eq!(m("Want to join the conversation?"), Marker::Comments);
        assert_eq!(m("One reference to “A story”"), Marker::Comments);
    }

    #[test]
    fn promotion() {
        assert_eq!(
            m("Sign up for our daily newsletter to get the news in your inbox."),
            Marker::Promo
        );
        assert_eq!(
            m("We use cookies to improve your experience."),
            Marker::Promo
        );
    }

    #[test]
    fn ordinary_lines() {
        assert_eq!(
            m("The council met on Monday to discuss the budget."),
            Marker::None
        );
        assert_eq!(m("Related to the case, police said nothing."), Marker::None);
        assert_eq!(m("Popular protests spread"), Marker::None);
        assert_eq!(
            m("A preview of the report, which the analysts at the firm wrote over the summer, was shared with paying subscribers on Monday."),
            Marker::None
        );
        assert_eq!(m("Subscribe to our channel"), Marker::Promo);
    }
}
