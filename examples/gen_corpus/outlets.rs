//! The page templates: one per sample outlet (SCMP, TheBlaze, The Daily
//! Beast, The Local Italy, a WordPress blog) plus generic "unknown site"
//! clutter. Each template reproduces the clutter seen in `samples/` (section
//! labels, photo credits, inline headlines of other stories, ADVERTISEMENT,
//! tip jars, subscription prompts, comment sections, The Local's unrelated
//! appended story) with variations, around body paragraphs of which a share
//! is copied from the wire pool.

use super::model::Model;
use super::rng::Rng;
use super::text::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outlet {
    Scmp,
    Blaze,
    Beast,
    Local,
    Blog,
    Unknown,
}

impl Outlet {
    pub const ALL: [Outlet; 6] = [
        Outlet::Scmp,
        Outlet::Blaze,
        Outlet::Beast,
        Outlet::Local,
        Outlet::Blog,
        Outlet::Unknown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Outlet::Scmp => "scmp",
            Outlet::Blaze => "theblaze",
            Outlet::Beast => "dailybeast",
            Outlet::Local => "thelocal",
            Outlet::Blog => "wordpress",
            Outlet::Unknown => "unknown",
        }
    }

    fn style(self, rng: &mut Rng) -> Style {
        let (curly_quotes, comma_inside, curly_apos, us_spelling) = match self {
            Outlet::Scmp => (true, false, true, false),
            Outlet::Blaze => (false, true, false, true),
            Outlet::Beast => (true, true, rng.chance(0.8), true),
            Outlet::Local => (true, rng.chance(0.3), rng.chance(0.5), false),
            Outlet::Blog => (true, true, true, true),
            Outlet::Unknown => (
                rng.chance(0.6),
                rng.chance(0.6),
                rng.chance(0.5),
                rng.chance(0.5),
            ),
        };
        Style {
            curly_quotes,
            comma_inside,
            curly_apos,
            us_spelling,
        }
    }
}

/// A syndicated paragraph's place in the generated text (ground truth).
pub struct Truth {
    pub offset: usize,
    pub len: usize,
    pub story: usize,
    pub para: usize,
    pub edits: Vec<&'static str>,
}

pub struct Doc {
    pub text: String,
    pub url: Option<String>,
    pub outlet: Outlet,
    pub truth: Vec<Truth>,
}

pub struct Params {
    /// Share of body paragraphs copied from the wire pool.
    pub syndicated: f64,
    /// Share of documents from unknown sites.
    pub unknown: f64,
    /// Share of documents carrying a URL.
    pub url_share: f64,
    /// Average number of articles running each wire story.
    pub wire_outlets: f64,
}

struct Para {
    text: String,
    wire: Option<(usize, usize, Vec<&'static str>)>,
}

/// Writes text and records where wire paragraphs land.
struct Out {
    s: String,
    truth: Vec<Truth>,
}

impl Out {
    fn line(&mut self, l: &str) {
        self.s.push_str(l);
        self.s.push('\n');
    }
    fn block(&mut self, l: &str) {
        self.s.push_str(l);
        self.s.push_str("\n\n");
    }
    fn para(&mut self, p: Para, nbsp: f64, rng: &mut Rng) {
        let start = self.s.len();
        if nbsp > 0.0 {
            for (i, piece) in p.text.split(' ').enumerate() {
                if i > 0 {
                    self.s.push(if rng.chance(nbsp) { '\u{a0}' } else { ' ' });
                }
                self.s.push_str(piece);
            }
        } else {
            self.s.push_str(&p.text);
        }
        if let Some((story, para, edits)) = p.wire {
            self.truth.push(Truth {
                offset: start,
                len: self.s.len() - start,
                story,
                para,
                edits,
            });
        }
        self.s.push_str("\n\n");
    }
    fn finish(mut self) -> (String, Vec<Truth>) {
        let t = self.s.trim_end_matches('\n').len();
        self.s.truncate(t);
        (self.s, self.truth)
    }
}

/// Per-document generator state.
struct Gen<'a> {
    model: &'a Model,
    wire: Option<WireStory>,
    rng: Rng,
    ctx: Ctx,
    style: Style,
    scratch: Vec<u32>,
    date: Date,
}

#[derive(Clone, Copy)]
pub struct Date {
    pub y: u32,
    pub m: u32,
    pub d: u32,
    pub wd: usize,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];

impl Date {
    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    fn from_days(z: i64) -> Date {
        let wd = z.rem_euclid(7) as usize;
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = (yoe + era * 400 + i64::from(m <= 2)) as u32;
        Date { y, m, d, wd }
    }
    fn month(self) -> &'static str {
        MONTHS[self.m as usize - 1]
    }
    fn weekday(self) -> &'static str {
        WEEKDAYS[self.wd]
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(10)
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

fn title_case(s: &str) -> String {
    const SMALL: &[&str] = &[
        "a", "an", "the", "of", "to", "in", "for", "on", "and", "but", "or", "at", "by", "with",
        "as",
    ];
    s.split(' ')
        .enumerate()
        .map(|(i, w)| {
            if i > 0 && SMALL.contains(&w) {
                w.to_string()
            } else {
                cap(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn clock(rng: &mut Rng) -> String {
    format!(
        "{}:{:02}{}",
        rng.range(1, 12),
        rng.below(60),
        if rng.chance(0.5) { "am" } else { "pm" }
    )
}

impl<'a> Gen<'a> {
    fn sentence_text(&mut self) -> String {
        let s = sentence(
            self.model,
            &mut self.rng,
            &mut self.ctx,
            self.style,
            &mut self.scratch,
        );
        let mut out = String::new();
        render(&s, self.style, &mut out);
        out
    }
    fn own_para(&mut self) -> Para {
        let p = paragraph(
            self.model,
            &mut self.rng,
            &mut self.ctx,
            self.style,
            &mut self.scratch,
            false,
        );
        let mut text = String::new();
        render_para(&p, self.style, &mut text);
        Para { text, wire: None }
    }
    fn headline(&mut self) -> String {
        headline(
            self.model,
            &mut self.rng,
            &mut self.ctx,
            self.style,
            &mut self.scratch,
        )
    }
    /// A headline of some other story, with a fresh cast.
    fn other_headline(&mut self) -> String {
        let saved = std::mem::replace(&mut self.ctx, Ctx::random(&mut self.rng, self.date.y));
        let h = if self.rng.chance(0.4) {
            let a = self.headline();
            let b = self.headline();
            let mut first = a
                .split(' ')
                .take(self.rng.range(2, 5))
                .collect::<Vec<_>>()
                .join(" ");
            first = first.trim_end_matches([',', '.']).to_string();
            let mut c = b.chars();
            let rest: String = c
                .next()
                .map(|f| f.to_lowercase().chain(c).collect())
                .unwrap_or_default();
            format!("{first}: {rest}")
        } else {
            self.headline()
        };
        self.ctx = saved;
        h
    }
    fn person(&mut self) -> Person {
        Person::random(&mut self.rng)
    }

    /// `n` body paragraphs, a share of them copied from one wire story.
    fn body(&mut self, n: usize, syndicated: f64, wire_story: Option<usize>) -> Vec<Para> {
        let Some(story) = wire_story else {
            return (0..n).map(|_| self.own_para()).collect();
        };
        let per_para = (syndicated / (2.0 * syndicated).min(1.0)).min(1.0);
        let ws = self
            .wire
            .take()
            .expect("a wire story id comes with its story");
        let mut k = self.rng.below(ws.paras.len().div_ceil(2));
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            if k < ws.paras.len() && self.rng.chance(per_para) {
                let mut edits = Vec::new();
                let src = &ws.paras[k][usize::from(self.style.us_spelling)];
                let copy = edit_copy(src, &mut self.rng, &mut edits);
                let mut text = String::new();
                if out.is_empty() && self.rng.chance(0.3) {
                    let (a, _) = AGENCIES[ws.ctx.agency];
                    text.push_str(&format!("{} ({a}) — ", self.ctx.capital(0).to_uppercase()));
                    edits.push("dateline");
                }
                render_para(&copy, self.style, &mut text);
                // The pool holds curly quotes, comma outside, ASCII apostrophes.
                if !self.style.curly_quotes {
                    edits.push("straight-quotes");
                }
                if self.style.comma_inside {
                    edits.push("comma-inside-quotes");
                }
                if self.style.curly_apos {
                    edits.push("curly-apostrophes");
                }
                if self.style.us_spelling {
                    edits.push("us-spelling");
                }
                out.push(Para {
                    text,
                    wire: Some((story, k, edits)),
                });
                k += 1;
            } else {
                out.push(self.own_para());
            }
        }
        self.wire = Some(ws);
        out
    }
}

/// Generates document `index` (deterministic in `(seed, index)`).
pub fn generate(model: &Model, params: &Params, seed: u64, index: u64) -> Doc {
    let mut rng = Rng::for_stream(seed, 0x444f43, index);
    let outlet = if rng.chance(params.unknown) {
        Outlet::Unknown
    } else {
        Outlet::ALL[rng.below(5)]
    };
    let style = outlet.style(&mut rng);
    // 2012-01-01 .. 2024-12-31
    let date = Date::from_days(15_340 + rng.below(4_748) as i64);
    let article_prob = (2.0 * params.syndicated).min(1.0);
    // Wire stories follow the news cycle: document `index` picks one of the WINDOW
    // stories current around it, so each story is run by about `wire_outlets` articles
    // whatever the corpus size, and a smaller corpus stays a prefix of a larger one.
    const WINDOW: usize = 16;
    let wire = (params.syndicated > 0.0 && rng.chance(article_prob)).then(|| {
        let per_doc = article_prob / params.wire_outlets.max(1.0);
        let center = (index as f64 * per_doc) as i64;
        let id = (center + rng.below(WINDOW) as i64 - (WINDOW / 2) as i64).max(0) as u64;
        (id as usize, WireStory::generate(model, seed, id))
    });
    let wire_story = wire.as_ref().map(|(id, _)| *id);
    let ctx = match &wire {
        Some((_, story)) => {
            let mut c = story.ctx.clone();
            c.year = date.y.max(c.year);
            c
        }
        None => Ctx::random(&mut rng, date.y),
    };
    let with_url = rng.chance(params.url_share);
    let mut g = Gen {
        model,
        wire: wire.map(|(_, story)| story),
        rng,
        ctx,
        style,
        scratch: Vec::with_capacity(64),
        date,
    };
    let mut out = Out {
        s: String::with_capacity(6000),
        truth: Vec::new(),
    };
    let n = g.rng.range(5, 16);
    let headline = g.headline();
    let s = &mut out;
    match outlet {
        Outlet::Scmp => scmp(&mut g, s, &headline, n, params, wire_story),
        Outlet::Blaze => blaze(&mut g, s, &headline, n, params, wire_story),
        Outlet::Beast => beast(&mut g, s, &headline, n, params, wire_story),
        Outlet::Local => local(&mut g, s, &headline, n, params, wire_story),
        Outlet::Blog => blog(&mut g, s, &headline, n, params, wire_story),
        Outlet::Unknown => unknown(&mut g, s, &headline, n, params, wire_story),
    }
    let url = with_url.then(|| url(&mut g, outlet, &headline));
    let (text, truth) = out.finish();
    Doc {
        text,
        url,
        outlet,
        truth,
    }
}

fn url(g: &mut Gen, outlet: Outlet, headline: &str) -> String {
    let sl = slug(headline);
    let d = g.date;
    match outlet {
        Outlet::Scmp => {
            let sec = g.rng.pick(&[
                "news/asia/east-asia",
                "news/china/diplomacy",
                "news/world/europe",
                "news/hong-kong/politics",
            ]);
            format!(
                "https://www.scmp.com/{sec}/article/{}/{sl}",
                2_000_000 + g.rng.below(900_000)
            )
        }
        Outlet::Blaze => format!("https://www.theblaze.com/news/{sl}"),
        Outlet::Beast => format!("https://www.thedailybeast.com/{sl}"),
        Outlet::Local => format!("https://www.thelocal.it/{}{:02}{:02}/{sl}", d.y, d.m, d.d),
        Outlet::Blog => format!(
            "https://worldnewsblog.example.com/{}/{:02}/{:02}/{sl}/",
            d.y, d.m, d.d
        ),
        Outlet::Unknown => {
            let site = g.rng.pick(SITES);
            format!(
                "https://www.{}.example/{}/{sl}",
                slug(site),
                g.rng.pick(&["world", "news", "politics", "international"])
            )
        }
    }
}

fn scmp(g: &mut Gen, s: &mut Out, headline: &str, n: usize, p: &Params, w: Option<usize>) {
    let section = *g.rng.pick(&[
        "North Korea",
        "China",
        "Hong Kong",
        "Asia",
        "Diplomacy",
        "Politics",
        "Economy",
        "Europe",
        "World",
        "Geopolitics",
        "Tech",
        "Society",
        "Opinion",
    ]);
    s.block(section);
    s.block(headline);
    for _ in 0..g.rng.range(1, 3) {
        let b = g.sentence_text();
        s.line(&format!("  • {}", b.trim_end_matches('.')));
    }
    let d = g.date;
    let stamp = format!("{}, {:02} {}, {}", d.weekday(), d.d, d.month(), d.y);
    s.line(&format!("PUBLISHED : {stamp}, {}", clock(&mut g.rng)));
    if g.rng.chance(0.8) {
        s.line(&format!("UPDATED : {stamp}, {}", clock(&mut g.rng)));
    }
    s.line("");
    let body = g.body(n, p.syndicated, w);
    let inline: Vec<usize> = (0..g.rng.range(0, 3))
        .map(|_| g.rng.range(2, n.max(3)))
        .collect();
    for (i, para) in body.into_iter().enumerate() {
        s.para(para, 0.0, &mut g.rng);
        if inline.contains(&(i + 1)) && i + 1 < n {
            let h = g.other_headline();
            s.block(&h);
        }
    }
    if w.is_some() && g.rng.chance(0.7) || g.rng.chance(0.1) {
        let (_, full) = AGENCIES[g.ctx.agency];
        s.block(&format!("Additional reporting by {full}"));
    }
    if g.rng.chance(0.2) {
        s.block(&format!(
            "This article appeared in the South China Morning Post print edition as: {}",
            g.headline()
        ));
    }
}

fn blaze(g: &mut Gen, s: &mut Out, headline: &str, n: usize, p: &Params, w: Option<usize>) {
    s.line(&format!(
        "© {} Blaze Media LLC. All rights reserved.",
        g.rng.range(2019, 2025)
    ));
    s.line(headline);
    let ph = g.person();
    let credit = match g.rng.below(5) {
        0 => format!("{}/AFP/Getty Images", ph.full.to_uppercase()),
        1 => format!("{}/Getty Images", ph.full.to_uppercase()),
        2 => format!("Photo by {}/Getty Images", ph.full),
        3 => format!("AP Photo/{}", ph.full),
        _ => format!("{}/Bloomberg via Getty Images", ph.full),
    };
    s.block(&credit);
    s.block(headline);
    let sf = g.sentence_text();
    s.block(&sf);
    let body = g.body(n, p.syndicated, w);
    let subheads = g.rng.chance(0.8);
    let heads = [
        "What's the story?",
        "What else?",
        "What are the details?",
        "Anything else?",
        "What did they say?",
        "What now?",
    ];
    let mut next_head = 0;
    for (i, para) in body.into_iter().enumerate() {
        if subheads && (i == 1 || (i > 3 && i % 4 == 0)) && next_head < heads.len() {
            let h = if next_head == 0 {
                heads[0]
            } else {
                heads[g.rng.range(1, heads.len() - 1)]
            };
            s.block(h);
            next_head += 1;
        }
        s.para(para, 0.0, &mut g.rng);
    }
    if g.rng.chance(0.75) {
        s.block("Want to leave a tip?");
        s.line("We answer to you. Help keep our content free of advertisers and big tech censorship by leaving a tip today.");
        s.line("Want to join the conversation?");
        s.line("Already a subscriber?");
    } else {
        s.block("Like Blaze News? Bypass the censors, sign up for our newsletters, and get stories like this direct to your inbox. Sign up here!");
    }
}

fn beast(g: &mut Gen, s: &mut Out, headline: &str, n: usize, p: &Params, w: Option<usize>) {
    let section = *g.rng.pick(&[
        "Europe",
        "Politics",
        "World",
        "U.S. News",
        "Crime",
        "Media",
        "Asia",
        "Innovation",
        "Scouting Report",
    ]);
    s.block(section);
    s.block(&title_case(headline));
    let kicker = match g.rng.below(3) {
        0 => g
            .rng
            .pick(&[
                "ROMAN HOLIDAY",
                "DIPLOMATIC DRAMA",
                "GONE GIRL",
                "NO WAY OUT",
                "COLD FEET",
                "FLIGHT RISK",
                "BIG TROUBLE",
                "SPY GAME",
            ])
            .to_string(),
        _ => headline
            .split(' ')
            .skip(g.rng.below(3))
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase(),
    };
    s.block(&kicker);
    let sf = g.sentence_text();
    s.block(&sf);
    let mut img = slug(headline).split('-').take(2).collect::<String>();
    img.push('_');
    for _ in 0..6 {
        img.push(*g.rng.pick(&[
            'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'k', 'm', 'p', 'q', 'z', 'x', '1', '3', '9',
            '7',
        ]));
    }
    s.line(&img);
    let ph = g.person();
    let credit = match g.rng.below(4) {
        0 => format!("REUTERS/{} / Reuters", ph.full),
        1 => "Photo Illustration by The Daily Beast/Getty".to_string(),
        2 => format!("{}/Getty", ph.full),
        _ => format!("AP Photo/{}", ph.full),
    };
    s.block(&credit);
    let body = g.body(n, p.syndicated, w);
    let city = g.ctx.capital(0).to_uppercase();
    for (i, mut para) in body.into_iter().enumerate() {
        if i == 0 && para.wire.is_none() {
            para.text = format!("{city}—{}", para.text);
        }
        if i == 3 || (i > 3 && i % 6 == 3 && g.rng.chance(0.6)) {
            s.block("ADVERTISEMENT");
        }
        s.para(para, 0.0, &mut g.rng);
    }
    if g.rng.chance(0.3) {
        s.block(&format!("Read it at {}", g.rng.pick(PAPERS)));
    }
    s.block("Got a tip? Send it to The Daily Beast here.");
}

fn local(g: &mut Gen, s: &mut Out, headline: &str, n: usize, p: &Params, w: Option<usize>) {
    const SECTIONS: &[&str] = &[
        "POLITICS",
        "TERRORISM",
        "ECONOMY",
        "TRAVEL NEWS",
        "CRIME",
        "SOCIETY",
        "CULTURE",
        "WEATHER",
        "FOR MEMBERS",
    ];
    s.line("SHARE");
    s.block("COPY LINK");
    s.block(g.rng.pick::<&str>(SECTIONS));
    s.block(headline);
    let nb = 0.05;
    let lead = Para {
        text: g.sentence_text(),
        wire: None,
    };
    s.para(lead, nb, &mut g.rng);
    let body = g.body(n, p.syndicated, w);
    let cap_at = g.rng.range(2, n.max(3));
    for (i, para) in body.into_iter().enumerate() {
        if i == cap_at && g.rng.chance(0.8) {
            let c = g.sentence_text();
            let ph = g.person();
            let ag = AGENCIES[g.ctx.agency].0;
            s.block(&format!("{} Photo: {} / {ag}", c, ph.full));
        }
        s.para(para, nb, &mut g.rng);
    }
    let ra = g.other_headline();
    s.block(&format!("READ ALSO: {ra}"));
    s.block("\u{a0}");
    if g.rng.chance(0.85) {
        // An unrelated story the scraper picked up after the article.
        let saved = std::mem::replace(&mut g.ctx, Ctx::random(&mut g.rng, g.date.y));
        s.block(g.rng.pick::<&str>(SECTIONS));
        let h2 = g.headline();
        s.block(&h2);
        let lead = Para {
            text: g.sentence_text(),
            wire: None,
        };
        s.para(lead, nb, &mut g.rng);
        s.block(&h2);
        let m = g.rng.range(3, 10);
        let ra_at = g.rng.range(1, m);
        for i in 0..m {
            if i == ra_at {
                let ra = g.other_headline();
                s.block(&format!("READ ALSO: {ra}"));
            }
            let para = g.own_para();
            s.para(para, nb, &mut g.rng);
        }
        g.ctx = saved;
    }
    s.block("SHOW COMMENTS");
}

fn blog(g: &mut Gen, s: &mut Out, headline: &str, n: usize, p: &Params, w: Option<usize>) {
    s.block(headline);
    let author = g.person();
    let d = g.date;
    if g.rng.chance(0.5) {
        s.block("Posted on by");
    } else {
        s.block(&format!(
            "Posted on {} {}, {} by {}",
            d.month(),
            d.d,
            d.y,
            author.full
        ));
    }
    for para in g.body(n, p.syndicated, w) {
        s.para(para, 0.0, &mut g.rng);
    }
    s.line("");
    let cats = if g.rng.chance(0.5) {
        ", , ".to_string()
    } else {
        let mut c = [
            "World",
            "Asia",
            "Europe",
            "Politics",
            "Diplomacy",
            "News",
            "Uncategorized",
        ]
        .to_vec();
        let k = g.rng.range(1, 3);
        let mut out = Vec::new();
        for _ in 0..k {
            let i = g.rng.below(c.len());
            out.push(c.remove(i));
        }
        format!("{}, ", out.join(", "))
    };
    s.block(&format!(
        "This entry was posted in {cats}by {}.",
        author.full
    ));
    let comments = g.rng.below(4);
    if comments == 1 {
        s.block(&format!("One reference to “{headline}"));
    } else if comments > 1 {
        s.block(&format!("{comments} responses to “{headline}”"));
    }
    for i in 0..comments {
        if g.rng.chance(0.5) {
            let a = g.sentence_text();
            let b = g.sentence_text();
            s.block(&format!(
                "  {}. […] {}…. {} […]",
                i + 1,
                a.trim_end_matches('.'),
                b.split(' ').take(8).collect::<Vec<_>>().join(" ")
            ));
        } else {
            let who = g.person();
            s.line(&format!("  {}. {} says:", i + 1, who.full));
            s.block(&format!(
                "{} {}, {} at {}",
                d.month(),
                d.d,
                d.y,
                clock(&mut g.rng)
            ));
            let t = g.sentence_text();
            s.block(&t);
            s.block("Reply");
        }
    }
    s.block(if g.rng.chance(0.5) {
        "Leave a Reply"
    } else {
        "Leave a Reply Cancel reply"
    });
    s.block("Your email address will not be published. Required fields are marked *");
    if g.rng.chance(0.3) {
        s.line("Comment");
        s.line("Name *");
        s.line("Email *");
        s.block("Website");
    }
    s.block("This site uses Akismet to reduce spam. Learn how your comment data is processed.");
}

const SITES: &[&str] = &[
    "The Lakeside Herald",
    "Northern Tribune",
    "The Evening Chronicle",
    "Metro Daily",
    "The Valley Gazette",
    "Coastal Times",
    "The Capital Post",
    "Riverside Observer",
    "World Report Today",
    "The Morning Ledger",
];

fn unknown(g: &mut Gen, s: &mut Out, headline: &str, n: usize, p: &Params, w: Option<usize>) {
    let site = *g.rng.pick(SITES);
    let d = g.date;
    let author = g.person();
    let top: Vec<String> = vec![
        "Skip to main content".into(),
        "Menu".into(),
        format!(
            "Home > World > {}",
            g.rng
                .pick(&["Europe", "Asia", "Politics", "Africa", "Americas"])
        ),
        "Advertisement".into(),
        format!("By {}", author.full),
        format!("{}, Staff Writer", author.full),
        format!("{} {}, {}", d.month(), d.d, d.y),
        format!(
            "Updated {} ET, {} {}, {}",
            clock(&mut g.rng),
            d.month(),
            d.d,
            d.y
        ),
        "Share on Facebook".into(),
        "Share on Twitter".into(),
        "Share this article".into(),
        "Facebook\nTwitter\nEmail\nPrint".into(),
        format!("Reading time: {} min", g.rng.range(2, 9)),
        "Listen to this article".into(),
    ];
    if g.rng.chance(0.5) {
        s.block(top[g.rng.below(4)].as_str());
    }
    s.block(headline);
    for _ in 0..g.rng.range(1, 4) {
        let i = g.rng.range(3, top.len() - 1);
        s.block(&top[i]);
    }
    let body = g.body(n, p.syndicated, w);
    for (i, para) in body.into_iter().enumerate() {
        if i > 0 && g.rng.chance(0.2) {
            let m = match g.rng.below(8) {
                0 => "Advertisement".to_string(),
                1 => "ADVERTISEMENT".to_string(),
                2 => format!("Related: {}", g.other_headline()),
                3 => format!("RELATED: {}", g.other_headline()),
                4 => format!("Read more: {}", g.other_headline()),
                5 => "Story continues below advertisement".to_string(),
                6 => "Sign up for our daily newsletter".to_string(),
                _ => {
                    let c = g.sentence_text();
                    let ph = g.person();
                    format!(
                        "{} (Photo: {}/{})",
                        c.trim_end_matches('.'),
                        ph.full,
                        AGENCIES[g.rng.below(AGENCIES.len())].0
                    )
                }
            };
            s.block(&m);
        }
        s.para(para, 0.0, &mut g.rng);
    }
    let k = g.rng.range(2, 5);
    for _ in 0..k {
        match g.rng.below(10) {
            0 => s.block("Share this:\nTwitter\nFacebook"),
            1 => s.block("Like this:\nLike Loading..."),
            2 => {
                let t = [
                    "world",
                    "politics",
                    "diplomacy",
                    "asia",
                    "europe",
                    "security",
                ];
                s.block(&format!(
                    "Tags: {}, {}, {}",
                    g.rng.pick(&t),
                    g.rng.pick(&t),
                    g.rng.pick(&t)
                ));
            }
            3 => s.block(&format!("© {} {site}. All rights reserved.", d.y)),
            4 => s.block(
                "Sign up for our newsletter to get the latest news delivered to your inbox.",
            ),
            5 => s.block("Subscribe now for unlimited access. Cancel anytime."),
            6 => s.block(&format!("{} comments", g.rng.range(0, 300))),
            7 => s.block("Cookie policy | Privacy policy | Terms of use"),
            8 => s.block("Follow us on Twitter and Facebook for the latest updates."),
            _ => {
                s.block("Most Read");
                for i in 0..g.rng.range(3, 5) {
                    let h = g.other_headline();
                    s.line(&format!("{} {}", i + 1, h));
                }
                s.line("");
            }
        }
    }
    if g.rng.chance(0.3) {
        s.block(&format!("This article originally appeared on {site}."));
    }
}
