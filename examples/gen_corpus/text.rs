//! Sentences and paragraphs: fills the model's slots from an article's cast,
//! adds quotations with attributions, renders them in an outlet's house style
//! (quote marks, comma placement, apostrophes, spelling), and makes the wire
//! stories whose paragraphs outlets copy with light edits.

use super::model::{Kind, Model, Slot};
use super::rng::Rng;

pub const FIRST: &[&str] = &[
    "Maria",
    "John",
    "Alessandro",
    "Giulia",
    "Ahmed",
    "Fatima",
    "Hiroshi",
    "Yuki",
    "Olga",
    "Pierre",
    "Sophie",
    "Carlos",
    "Lucia",
    "David",
    "Sarah",
    "Michael",
    "Emma",
    "Liam",
    "Noah",
    "Olivia",
    "Mohammed",
    "Aisha",
    "Wei",
    "Li",
    "Ravi",
    "Priya",
    "Anna",
    "Jan",
    "Piotr",
    "Katarzyna",
    "Lars",
    "Ingrid",
    "Mehmet",
    "Elif",
    "Juan",
    "Isabel",
    "Thomas",
    "Laura",
    "Daniel",
    "Rachel",
    "Samuel",
    "Grace",
    "Viktor",
    "Irina",
    "Kwame",
    "Amara",
    "Tomás",
    "Beatriz",
    "Hans",
    "Greta",
    "Robert",
    "Susan",
    "James",
    "Patricia",
    "Kevin",
    "Nicole",
    "Omar",
    "Leila",
    "Francesco",
    "Chiara",
    "Mark",
    "Helen",
    "Paul",
    "Karen",
    "Andrew",
    "Julia",
    "Brian",
    "Diane",
    "Stefan",
    "Eva",
];
pub const LAST: &[&str] = &[
    "Rossi",
    "Bianchi",
    "Smith",
    "Johnson",
    "Müller",
    "Schmidt",
    "Dubois",
    "Martin",
    "García",
    "López",
    "Tanaka",
    "Suzuki",
    "Ivanov",
    "Petrova",
    "Nowak",
    "Kowalski",
    "Hansen",
    "Larsen",
    "Yilmaz",
    "Demir",
    "Okafor",
    "Mensah",
    "Wang",
    "Chen",
    "Sharma",
    "Patel",
    "Haddad",
    "Khalil",
    "Silva",
    "Santos",
    "Brown",
    "Taylor",
    "Wilson",
    "Anderson",
    "Thompson",
    "Moore",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Ricci",
    "Romano",
    "Colombo",
    "Moretti",
    "Fischer",
    "Weber",
    "Lefebvre",
    "Moreau",
    "Fernández",
    "Torres",
    "Nakamura",
    "Kobayashi",
    "Popescu",
    "Horvat",
    "Novak",
    "Jensen",
    "Berg",
    "O'Brien",
    "Murphy",
    "Kelly",
    "Cohen",
    "Levi",
    "Nguyen",
    "Tran",
    "Gupta",
    "Singh",
    "Mwangi",
    "Abebe",
    "Costa",
    "Pereira",
];
const KOREAN_SURNAMES: &[&str] = &[
    "Kim", "Lee", "Park", "Choi", "Jo", "Jang", "Ko", "Hyon", "Ri", "Pak", "Han", "Yun", "Kang",
    "Thae", "Mun", "Seo", "Song", "Jeong",
];
const KOREAN_SYLL: &[&str] = &[
    "song", "gil", "min", "ki", "dong", "goo", "yong", "ho", "jong", "nam", "hwan", "il", "sung",
    "jae", "hyun", "woo", "jin", "young", "soo", "chul", "hee", "seok", "kyu", "tae", "hoon",
    "eun", "ji", "ha",
];
/// Country, adjective, capital.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("Italy", "Italian", "Rome"),
    ("France", "French", "Paris"),
    ("Germany", "German", "Berlin"),
    ("Spain", "Spanish", "Madrid"),
    ("Portugal", "Portuguese", "Lisbon"),
    ("Greece", "Greek", "Athens"),
    ("Poland", "Polish", "Warsaw"),
    ("Sweden", "Swedish", "Stockholm"),
    ("Norway", "Norwegian", "Oslo"),
    ("Denmark", "Danish", "Copenhagen"),
    ("Finland", "Finnish", "Helsinki"),
    ("Austria", "Austrian", "Vienna"),
    ("Hungary", "Hungarian", "Budapest"),
    ("Romania", "Romanian", "Bucharest"),
    ("Ukraine", "Ukrainian", "Kyiv"),
    ("Russia", "Russian", "Moscow"),
    ("Turkey", "Turkish", "Ankara"),
    ("Egypt", "Egyptian", "Cairo"),
    ("Kenya", "Kenyan", "Nairobi"),
    ("Nigeria", "Nigerian", "Abuja"),
    ("Ethiopia", "Ethiopian", "Addis Ababa"),
    ("Japan", "Japanese", "Tokyo"),
    ("China", "Chinese", "Beijing"),
    ("India", "Indian", "New Delhi"),
    ("Pakistan", "Pakistani", "Islamabad"),
    ("Indonesia", "Indonesian", "Jakarta"),
    ("Vietnam", "Vietnamese", "Hanoi"),
    ("Thailand", "Thai", "Bangkok"),
    ("Malaysia", "Malaysian", "Kuala Lumpur"),
    ("Australia", "Australian", "Canberra"),
    ("Canada", "Canadian", "Ottawa"),
    ("Mexico", "Mexican", "Mexico City"),
    ("Brazil", "Brazilian", "Brasilia"),
    ("Argentina", "Argentine", "Buenos Aires"),
    ("Chile", "Chilean", "Santiago"),
    ("Peru", "Peruvian", "Lima"),
    ("Iran", "Iranian", "Tehran"),
    ("Iraq", "Iraqi", "Baghdad"),
    ("Israel", "Israeli", "Jerusalem"),
    ("Saudi Arabia", "Saudi", "Riyadh"),
    ("North Korea", "North Korean", "Pyongyang"),
    ("South Korea", "South Korean", "Seoul"),
    ("Britain", "British", "London"),
    ("Ireland", "Irish", "Dublin"),
    ("Switzerland", "Swiss", "Bern"),
    ("Belgium", "Belgian", "Brussels"),
    ("Cuba", "Cuban", "Havana"),
    ("Venezuela", "Venezuelan", "Caracas"),
    ("Syria", "Syrian", "Damascus"),
    ("Lebanon", "Lebanese", "Beirut"),
];
pub const PAPERS: &[&str] = &[
    "Le Monde",
    "El País",
    "Corriere della Sera",
    "La Repubblica",
    "JoongAng Ilbo",
    "Asahi Shimbun",
    "Der Spiegel",
    "The Hindu",
    "Dawn",
    "Folha de S.Paulo",
    "Kommersant",
    "Hürriyet",
    "Yonhap",
    "The Telegraph",
    "Haaretz",
    "Gazeta Wyborcza",
    "Aftenposten",
    "Dagens Nyheter",
    "Kathimerini",
];
pub const AGENCIES: &[(&str, &str)] = &[
    ("AFP", "Agence France-Presse"),
    ("Reuters", "Reuters"),
    ("AP", "Associated Press"),
    ("Ansa", "Ansa"),
    ("dpa", "Deutsche Presse-Agentur"),
    ("Kyodo", "Kyodo News"),
    ("EFE", "Agencia EFE"),
];
const ROLES: &[&str] = &[
    "an unnamed official",
    "a diplomatic source",
    "a government spokesman",
    "the lawmaker",
    "the minister",
    "a senior official",
    "the ministry",
    "police",
    "a spokeswoman for the embassy",
    "the newspaper",
    "one analyst",
    "a security source",
];

#[derive(Clone)]
pub struct Person {
    pub full: String,
    pub surname: String,
}

impl Person {
    pub fn random(rng: &mut Rng) -> Person {
        if rng.chance(0.3) {
            let s = *rng.pick(KOREAN_SURNAMES);
            let a = *rng.pick(KOREAN_SYLL);
            let b = *rng.pick(KOREAN_SYLL);
            let given = if rng.chance(0.5) {
                format!("{}-{}", cap(a), b)
            } else {
                format!("{} {}", cap(a), cap(b))
            };
            Person {
                full: format!("{s} {given}"),
                surname: s.to_string(),
            }
        } else {
            let s = *rng.pick(LAST);
            Person {
                full: format!("{} {s}", rng.pick(FIRST)),
                surname: s.to_string(),
            }
        }
    }
}

pub fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Who and where an article is about.
#[derive(Clone)]
pub struct Ctx {
    pub cast: Vec<Person>,
    pub mentioned: Vec<bool>,
    pub last: usize,
    pub countries: [usize; 3],
    pub paper: usize,
    pub agency: usize,
    pub year: u32,
}

impl Ctx {
    pub fn random(rng: &mut Rng, year: u32) -> Ctx {
        let n = rng.range(3, 5);
        let cast: Vec<Person> = (0..n).map(|_| Person::random(rng)).collect();
        let a = rng.below(COUNTRIES.len());
        let mut b = rng.below(COUNTRIES.len());
        while b == a {
            b = rng.below(COUNTRIES.len());
        }
        let mut c = rng.below(COUNTRIES.len());
        while c == a || c == b {
            c = rng.below(COUNTRIES.len());
        }
        Ctx {
            mentioned: vec![false; n],
            cast,
            last: 0,
            countries: [a, b, c],
            paper: rng.below(PAPERS.len()),
            agency: rng.below(AGENCIES.len()),
            year,
        }
    }

    pub fn capital(&self, i: usize) -> &'static str {
        COUNTRIES[self.countries[i]].2
    }

    /// A person reference: full name at first mention, surname after.
    fn person(&mut self, rng: &mut Rng, out: &mut String) {
        let i = if rng.chance(0.5) {
            0
        } else {
            rng.below(self.cast.len())
        };
        self.last = i;
        if self.mentioned[i] {
            out.push_str(&self.cast[i].surname);
        } else {
            self.mentioned[i] = true;
            out.push_str(&self.cast[i].full);
        }
    }
}

/// An outlet's house style.
#[derive(Clone, Copy)]
pub struct Style {
    pub curly_quotes: bool,
    pub comma_inside: bool,
    pub curly_apos: bool,
    pub us_spelling: bool,
}

/// A rendered sentence, kept in parts so that a copy can be re-quoted and
/// re-attributed. Apostrophes are ASCII here; `render` curls them.
#[derive(Clone)]
pub enum Sent {
    Plain(String),
    Partial {
        pre: String,
        q: String,
        post: String,
    },
    Full {
        q: String,
        end: char,
        speaker: String,
        variant: u8,
    },
}

pub const ATTRIBUTIONS: u8 = 6;

pub fn render_tokens(
    model: &Model,
    toks: &[u32],
    style: Style,
    ctx: &mut Ctx,
    rng: &mut Rng,
    capitalize: bool,
    out: &mut String,
) {
    let start = out.len();
    let mut open = 0;
    let mut space = false;
    // Byte position of a preceding "a"/"an", fixed once the next word is known.
    let mut article: Option<usize> = None;
    for &t in toks {
        let tok = &model.toks[t as usize];
        let pending = article.take();
        match tok.kind {
            Kind::Glued => {
                if tok.text == ")" {
                    if open == 0 {
                        continue;
                    }
                    open -= 1;
                }
                if tok.ends && open > 0 {
                    out.push(')');
                    open = 0;
                }
                out.push_str(&tok.text);
                space = true;
            }
            Kind::Open => {
                if space {
                    out.push(' ');
                }
                out.push('(');
                open += 1;
                space = false;
            }
            Kind::Word => {
                if space {
                    out.push(' ');
                }
                let w = if style.us_spelling {
                    tok.us.as_ref()
                } else {
                    tok.uk.as_ref()
                };
                let w = w.unwrap_or(&tok.text);
                if matches!(w.as_str(), "a" | "an" | "A" | "An") {
                    article = Some(out.len());
                }
                out.push_str(w);
                space = true;
            }
            Kind::Slot(slot) => {
                if space {
                    out.push(' ');
                }
                space = true;
                match slot {
                    Slot::Person => ctx.person(rng, out),
                    Slot::Surname => {
                        ctx.mentioned[ctx.last] = true;
                        out.push_str(&ctx.cast[ctx.last].surname)
                    }
                    Slot::Num => {
                        let n = if rng.chance(0.8) {
                            rng.range(2, 99)
                        } else {
                            rng.range(100, 2500)
                        };
                        out.push_str(itoa(n).as_str());
                    }
                    Slot::Year => {
                        let y = ctx.year as usize - rng.below(9);
                        out.push_str(itoa(y).as_str());
                    }
                    Slot::Country(i) => out.push_str(COUNTRIES[ctx.countries[i as usize]].0),
                    Slot::CountryAdj(i) => out.push_str(COUNTRIES[ctx.countries[i as usize]].1),
                    Slot::Capital(i) => out.push_str(COUNTRIES[ctx.countries[i as usize]].2),
                    Slot::Paper => out.push_str(PAPERS[ctx.paper]),
                    Slot::Agency => out.push_str(AGENCIES[ctx.agency].0),
                }
            }
        }
        if let Some(at) = pending {
            let delta = fix_article(out, at);
            if let Some(a) = article.as_mut() {
                *a = (*a as isize + delta) as usize;
            }
        }
    }
    if open > 0 {
        out.push(')');
    }
    if capitalize {
        if let Some(c) = out[start..].chars().next() {
            if c.is_lowercase() {
                let up: String = c.to_uppercase().collect();
                out.replace_range(start..start + c.len_utf8(), &up);
            }
        }
    }
}

/// Makes the article at `at` agree with the word after it (`a Austrian` -> `an Austrian`).
fn fix_article(out: &mut String, at: usize) -> isize {
    let rest = &out[at..];
    let Some(sp) = rest.find(' ') else { return 0 };
    let art_len = sp;
    let next = rest[sp + 1..].chars().next();
    let vowel = next.is_some_and(|c| "AEIOUaeiou".contains(c));
    let is_an = art_len == 2;
    if vowel != is_an {
        let upper = rest.starts_with('A');
        let new = match (vowel, upper) {
            (true, true) => "An",
            (true, false) => "an",
            (false, true) => "A",
            (false, false) => "a",
        };
        out.replace_range(at..at + art_len, new);
        return new.len() as isize - art_len as isize;
    }
    0
}

fn itoa(n: usize) -> String {
    n.to_string()
}

fn is_wordish(model: &Model, t: u32) -> bool {
    matches!(model.toks[t as usize].kind, Kind::Word | Kind::Slot(_))
}

/// Generates one sentence, sometimes a quotation.
pub fn sentence(
    model: &Model,
    rng: &mut Rng,
    ctx: &mut Ctx,
    style: Style,
    scratch: &mut Vec<u32>,
) -> Sent {
    model.sentence(rng, scratch, 7, 26);
    let n = scratch.len();
    let roll = rng.below(100);
    if roll < 18 && n >= 6 {
        let end = if model.toks[scratch[n - 1] as usize].text == "?" {
            '?'
        } else {
            '.'
        };
        let mut q = String::new();
        render_tokens(model, &scratch[..n - 1], style, ctx, rng, true, &mut q);
        let mut speaker = String::new();
        if rng.chance(0.65) {
            ctx.person(rng, &mut speaker);
        } else {
            speaker.push_str(rng.pick::<&str>(ROLES));
        }
        return Sent::Full {
            q,
            end,
            speaker,
            variant: rng.below(ATTRIBUTIONS as usize) as u8,
        };
    }
    if roll < 32 && n >= 10 {
        let len = rng.range(3, 7).min(n - 4);
        let a = rng.range(2, n - 1 - len);
        let b = a + len;
        if is_wordish(model, scratch[a])
            && is_wordish(model, scratch[b - 1])
            && is_wordish(model, scratch[a - 1])
        {
            let (mut pre, mut q, mut post) = (String::new(), String::new(), String::new());
            render_tokens(model, &scratch[..a], style, ctx, rng, true, &mut pre);
            render_tokens(model, &scratch[a..b], style, ctx, rng, false, &mut q);
            if model.toks[scratch[b] as usize].kind != Kind::Glued {
                post.push(' ');
            }
            render_tokens(model, &scratch[b..], style, ctx, rng, false, &mut post);
            return Sent::Partial { pre, q, post };
        }
    }
    let mut s = String::new();
    render_tokens(model, scratch, style, ctx, rng, true, &mut s);
    Sent::Plain(s)
}

/// Appends `s` rendered in `style`.
pub fn render(s: &Sent, style: Style, out: &mut String) {
    let start = out.len();
    let (o, c) = if style.curly_quotes {
        ('“', '”')
    } else {
        ('"', '"')
    };
    match s {
        Sent::Plain(t) => out.push_str(t),
        Sent::Partial { pre, q, post } => {
            out.push_str(pre);
            out.push(' ');
            out.push(o);
            out.push_str(q);
            if let (true, Some(rest)) = (style.comma_inside, post.strip_prefix(',')) {
                out.push(',');
                out.push(c);
                out.push_str(rest);
            } else {
                out.push(c);
                out.push_str(post);
            }
        }
        Sent::Full {
            q,
            end,
            speaker,
            variant,
        } => {
            let sep = |out: &mut String| {
                if *end == '?' {
                    out.push('?');
                    out.push(c);
                } else if style.comma_inside {
                    out.push(',');
                    out.push(c);
                } else {
                    out.push(c);
                    out.push(',');
                }
            };
            if *variant == 2 {
                out.push_str(&cap(speaker));
                out.push_str(" said: ");
                out.push(o);
                out.push_str(q);
                out.push(*end);
                out.push(c);
            } else {
                out.push(o);
                out.push_str(q);
                sep(out);
                out.push(' ');
                let tail = match variant {
                    0 => " said.",
                    3 => " told reporters.",
                    4 => " said in a statement.",
                    5 => " added.",
                    _ => "",
                };
                if *variant == 1 {
                    out.push_str("said ");
                    out.push_str(speaker);
                    out.push('.');
                } else {
                    out.push_str(speaker);
                    out.push_str(tail);
                }
            }
        }
    }
    if style.curly_apos && out[start..].contains('\'') {
        let curled = out[start..].replace('\'', "’");
        out.truncate(start);
        out.push_str(&curled);
    }
}

/// A paragraph of 1-4 sentences (wire copy: 2-4, as agencies rarely file one-liners).
pub fn paragraph(
    model: &Model,
    rng: &mut Rng,
    ctx: &mut Ctx,
    style: Style,
    scratch: &mut Vec<u32>,
    wire: bool,
) -> Vec<Sent> {
    let n = match rng.below(100) {
        0..=29 => 1,
        30..=77 => 2,
        78..=94 => 3,
        _ => 4,
    };
    let n = if wire { n.max(2) } else { n };
    (0..n)
        .map(|_| sentence(model, rng, ctx, style, scratch))
        .collect()
}

pub fn render_para(p: &[Sent], style: Style, out: &mut String) {
    for (i, s) in p.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        render(s, style, out);
    }
}

/// A headline-like phrase: a short sentence without its final stop.
pub fn headline(
    model: &Model,
    rng: &mut Rng,
    ctx: &mut Ctx,
    style: Style,
    scratch: &mut Vec<u32>,
) -> String {
    model.sentence(rng, scratch, 6, 13);
    let mut s = String::new();
    let n = scratch.len();
    render_tokens(model, &scratch[..n - 1], style, ctx, rng, true, &mut s);
    let t = s.trim_end_matches([',', ';', ':', ' ']).len();
    s.truncate(t);
    if style.curly_apos && s.contains('\'') {
        s = s.replace('\'', "’");
    }
    s
}

/// One wire story, pre-rendered in UK and US spelling.
pub struct WireStory {
    pub ctx: Ctx,
    /// `paras[k][0]` UK spelling, `paras[k][1]` US spelling.
    pub paras: Vec<[Vec<Sent>; 2]>,
}

impl WireStory {
    /// Wire story `id`, made from its own `(seed, id)` stream, so any document can
    /// regenerate it without a shared pool.
    pub fn generate(model: &Model, seed: u64, id: u64) -> WireStory {
        let uk = Style {
            curly_quotes: true,
            comma_inside: false,
            curly_apos: false,
            us_spelling: false,
        };
        let us = Style {
            us_spelling: true,
            ..uk
        };
        let mut scratch = Vec::new();
        let mut rng = Rng::for_stream(seed, 0x57495245, id);
        let year = 2012 + rng.below(13) as u32;
        let ctx = Ctx::random(&mut rng, year);
        let mut c = ctx.clone();
        let k = rng.range(6, 14);
        let paras = (0..k)
            .map(|_| {
                let (mut r2, mut c2) = (rng.clone(), c.clone());
                let a = paragraph(model, &mut rng, &mut c, uk, &mut scratch, true);
                let b = paragraph(model, &mut r2, &mut c2, us, &mut scratch, true);
                [a, b]
            })
            .collect();
        WireStory { ctx, paras }
    }
}

/// Edits an outlet makes to wire copy, listed in the truth file.
pub fn edit_copy(p: &[Sent], rng: &mut Rng, edits: &mut Vec<&'static str>) -> Vec<Sent> {
    let mut v: Vec<Sent> = p.to_vec();
    for s in v.iter_mut() {
        if let Sent::Full { variant, .. } = s {
            if rng.chance(0.5) {
                let old = *variant;
                while *variant == old {
                    *variant = rng.below(ATTRIBUTIONS as usize) as u8;
                }
                if !edits.contains(&"attribution") {
                    edits.push("attribution");
                }
            }
        }
    }
    if v.len() >= 3 && rng.chance(0.15) {
        v.pop();
        edits.push("trimmed");
    }
    v
}
